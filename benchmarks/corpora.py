"""Where the benchmarks find the development corpora, and the distinct articles they build from them.

The corpora (LGL, GeoVirus) are not part of the project: they are looked for in
``$GEO_CORPORA``, then in ``shared/corpora`` beside the checkout or one level up
(``/work/shared/corpora`` for ``/work/main`` and ``/work/wt/NAME``). Benchmarks
say so and stop when there are none.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def corpora_dir() -> Path | None:
    """The folder holding ``lgl.xml`` / ``GeoVirus.xml``, or None."""
    candidates = [os.environ.get("GEO_CORPORA", "")] + [str(p / "shared" / "corpora") for p in ROOT.parents[:3]]
    for folder in filter(None, candidates):
        path = Path(folder)
        if path.is_dir() and any(path.glob("*.xml")):
            return path
    return None


def corpus_files() -> list[Path]:
    folder = corpora_dir()
    return sorted(folder.glob("*.xml")) if folder is not None else []


def corpus_texts() -> list[str]:
    """Every non-empty article text of the corpora, each once."""
    from geo.evaluate.geoparsing import read_corpus

    return [a.text for path in corpus_files() for a in read_corpus(path) if a.text.strip()]


def sentences(texts: list[str]) -> list[str]:
    """The corpora's sentences (split at ". " before a capital), in corpus order, duplicates dropped."""
    seen: dict[str, None] = {}
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            sentence = " ".join(sentence.split())
            if len(sentence) > 20:
                seen.setdefault(sentence)
    return list(seen)


def recombined_articles(count: int, *, size: int = 2500, seed: int = 12) -> Iterator[str]:
    """``count`` distinct synthetic news articles of about ``size`` characters.

    Each is a run of corpus sentences drawn at random (seeded) and joined into
    paragraphs; every article gets a different draw, so no two texts repeat and
    the context around each name differs from its source article.
    """
    texts = corpus_texts()
    pool = sentences(texts)
    if not pool:
        return
    rng = random.Random(seed)
    made: set[bytes] = set()  # digests, not texts: a corpus of 100,000 articles stays small
    while len(made) < count:
        parts: list[str] = []
        length = 0
        while length < size:
            sentence = rng.choice(pool)
            parts.append(sentence)
            length += len(sentence) + 1
        paragraphs = [" ".join(parts[k : k + 4]) for k in range(0, len(parts), 4)]
        text = "\n\n".join(paragraphs)
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest not in made:
            made.add(digest)
            yield text


def distinct_articles(count: int, *, size: int = 2500) -> list[str]:
    """``count`` distinct articles: the real corpus articles once each, then recombined ones."""
    return list(iter_distinct_articles(count, size=size))


def iter_distinct_articles(count: int, *, size: int = 2500) -> Iterator[str]:
    """As :func:`distinct_articles`, one at a time (a recombined text equal to a real one is skipped)."""
    real = corpus_texts()[:count]
    yield from real
    seen = {hashlib.blake2b(t.encode(), digest_size=16).digest() for t in real}
    made = 0
    for text in recombined_articles(count, size=size):
        if made >= count - len(real):
            return
        if hashlib.blake2b(text.encode(), digest_size=16).digest() not in seen:
            made += 1
            yield text
