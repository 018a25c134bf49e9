"""Dump or compare the geoparser's output on the development corpora, the seeds and distinct articles.

A speed change must not change what the geoparser finds. Dump the mentions of
the code before the change, then compare the code after it::

    .venv/bin/python benchmarks/compare_output.py dump /tmp/before.jsonl
    # ... change the code ...
    .venv/bin/python benchmarks/compare_output.py compare /tmp/before.jsonl

or, with the code before the change checked out elsewhere (``git worktree add
/tmp/base main --detach``), in one go::

    .venv/bin/python benchmarks/compare_output.py dump /tmp/before.jsonl --code /tmp/base
    .venv/bin/python benchmarks/compare_output.py compare /tmp/before.jsonl

Each line holds one article: its recognised spans (offsets, key, flags), its
end-to-end mentions (span, place id, kind, score, date) and, for corpus articles
in gold-span mode, the place chosen for each gold span. Articles: every corpus
article, every seed article (``shared/seeds`` beside the corpora), and
``--distinct N`` articles recombined from corpus sentences (default 2,000; no
two alike, see ``benchmarks/corpora.py``). ``compare`` prints every article whose
output differs and exits 1 if any does. Corpora are read from ``$GEO_CORPORA``
or ``../shared/corpora`` (see :func:`corpora_dir`); without them the script says
so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir, corpus_files, iter_distinct_articles  # noqa: E402


def _spans(parser: Any, text: str) -> list[list[Any]]:
    """The recogniser's spans with every field, sentence starts as the pipeline gives them."""
    from geo.parsing.dates import date_sentences

    starts = [s.start for s in date_sentences(text, None)]
    return [
        [s.start, s.end, s.key, s.demonym, s.sentence_initial, s.common, s.given_name, s.abbreviation, s.reference]
        for s in parser.recognizer.find(text, starts)
    ]


def _mentions(parser: Any, article: Any) -> list[list[Any]]:
    return [
        [m.start, m.end, m.place.id, m.kind, m.score, m.date.isoformat() if m.date else None, m.date_source]
        for m in parser.parse_article(article)
    ]


def article_outputs(distinct: int) -> Iterator[dict[str, Any]]:
    """One record per article: its spans, its mentions, and (corpus articles) its gold-span answers."""
    from geo.evaluate.geoparsing import read_corpus
    from geo.model import Article
    from geo.parsing.articles import read_articles
    from geo.parsing.pipeline import Geoparser

    parser = Geoparser()
    for path in corpus_files():
        for gold in read_corpus(path):
            article = Article(id=gold.id, text=gold.text, published=gold.published, title=gold.title)
            answers = parser.resolve_spans(gold.text, [(t.start, t.end) for t in gold.toponyms])
            yield {
                "corpus": path.name,
                "id": gold.id,
                "spans": _spans(parser, gold.text),
                "mentions": _mentions(parser, article),
                "gold_spans": [p.id if p is not None else None for p in answers],
            }
    folder = corpora_dir()
    seeds = folder.parent / "seeds" if folder is not None else None
    if seeds is not None and seeds.is_dir():
        for article in read_articles(sorted(seeds.iterdir())):
            yield {
                "corpus": "seeds",
                "id": article.id,
                "spans": _spans(parser, article.text),
                "mentions": _mentions(parser, article),
            }
    for n, text in enumerate(iter_distinct_articles(distinct)):
        yield {
            "corpus": "distinct",
            "id": str(n),
            "spans": _spans(parser, text),
            "mentions": _mentions(parser, Article(id=f"distinct-{n}", text=text)),
        }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["dump", "compare"])
    ap.add_argument("file", type=Path, help="the dump to write (dump) or to compare against (compare)")
    ap.add_argument("--distinct", type=int, default=2000, help="recombined distinct articles (default 2000)")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose geo package runs (default this one)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    if corpora_dir() is None:
        print("no development corpora found (set GEO_CORPORA or put them in ../shared/corpora); nothing to do")
        return 0
    import geo

    print(f"geo from {Path(geo.__file__).parent}")
    if args.mode == "dump":
        with args.file.open("w", encoding="utf-8") as out:
            count = 0
            for record in article_outputs(args.distinct):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        print(f"{count} articles written to {args.file}")
        return 0
    before = {(r["corpus"], r["id"]): r for r in map(json.loads, args.file.open(encoding="utf-8"))}
    differing = 0
    seen = 0
    for record in article_outputs(args.distinct):
        seen += 1
        old = before.pop((record["corpus"], record["id"]), None)
        if old != record:
            differing += 1
            print(f"{record['corpus']} {record['id']}: differs")
            if old is not None:
                for field in ("spans", "mentions", "gold_spans"):
                    if old.get(field) != record.get(field):
                        print(f"  {field} before: {old.get(field)}\n  {field} after:  {record.get(field)}")
    for key in before:
        differing += 1
        print(f"{key[0]} {key[1]}: in the dump, not in the corpora now")
    print(f"{seen} articles compared, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
