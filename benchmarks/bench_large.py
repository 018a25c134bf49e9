"""Benchmark one large article: time must grow linearly with the article's size.

Run by hand::

    .venv/bin/python benchmarks/bench_large.py [--sizes 0.1,0.25,0.5,1,2,5,10,20] [--cache-dir DIR]

For each size (MB of text) it builds one article of that size from the sentences
of the development corpora (``benchmarks/corpora.py``: drawn at random, seeded,
joined into paragraphs; past the corpora's own size sentences necessarily recur,
in new orders), parses it whole with the steps of ``Geoparser.parse_article`` (no chunking
cap: the resolver itself must be linear), and prints the CPU seconds spent dating,
recognising and resolving, their total, CPU seconds per MB, the wall time and peak RSS. Linear time
shows as a flat seconds-per-MB column; the last line gives the ratio of the
largest size's seconds per MB to the smallest's.

The gazetteer's lookup cache is warmed first by parsing every corpus article once
and one 100 KB article, so the first size pays neither every cold lookup nor the
one-off import of numpy and scipy. Without the corpora the script
says so and exits.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir, corpus_texts, recombined_articles  # noqa: E402


def build_article(megabytes: float, seed: int) -> str:
    """One article of about ``megabytes`` MB (10**6 characters) of recombined corpus sentences."""
    return next(recombined_articles(1, size=int(megabytes * 1_000_000), seed=seed))


def timed_parse(parser, text: str) -> dict[str, float]:
    """Stage times of one article: the steps of ``Geoparser.parse_article``, timed one by one."""
    from geo.parsing.dates import date_at, date_sentences

    # CPU time per stage: on a shared machine wall time also counts the waits for a core.
    clock = time.process_time
    wall = time.perf_counter()
    t0 = clock()
    sentences = date_sentences(text, None)
    t1 = clock()
    spans = parser.recognizer.find(text, [s.start for s in sentences])
    t2 = clock()
    resolved = parser.resolver.resolve(text, spans)
    t3 = clock()
    for r in resolved:
        date_at(sentences, r.span.start)
    t4 = clock()
    return {
        "dates": (t1 - t0) + (t4 - t3),
        "recognise": t2 - t1,
        "resolve": t3 - t2,
        "total": t4 - t0,
        "wall": time.perf_counter() - wall,
        "spans": len(spans),
        "mentions": len(resolved),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="0.1,0.25,0.5,1,2,5,10,20", help="article sizes in MB of text, comma-separated")
    ap.add_argument("--cache-dir", help="gazetteer cache folder (default: $GEO_CACHE_DIR or ~/.cache/geo)")
    args = ap.parse_args()
    if corpora_dir() is None:
        print("no development corpora found (set GEO_CORPORA or put them in ../shared/corpora); nothing to measure")
        return 0
    from geo.parsing.pipeline import Geoparser

    parser = Geoparser(cache_dir=args.cache_dir)
    # Every corpus article once: the names the large articles are made of are then looked up
    # already, so that small sizes do not pay all the cold lookups (which do not grow with size).
    for text in corpus_texts():
        parser.parse_text(text)
    # And one long article, so that the k-d tree's first use (importing numpy and scipy) is not timed.
    parser.parse_text(build_article(0.1, seed=1))
    sizes = [float(s) for s in args.sizes.split(",")]
    header = (
        f"{'MB':>6}{'spans':>9}{'mentions':>10}{'dates s':>9}{'recog s':>9}{'resolve s':>10}{'CPU s':>8}{'CPU s/MB':>9}"
    )
    print(header + f"{'wall s':>8}{'peak RSS':>10}")
    per_mb = []
    for n, size in enumerate(sizes):
        text = build_article(size, seed=100 + n)
        row = timed_parse(parser, text)
        mb = len(text) / 1e6
        per_mb.append(row["total"] / mb)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{mb:>6.2f}{row['spans']:>9,}{row['mentions']:>10,}{row['dates']:>9.2f}{row['recognise']:>9.2f}"
            f"{row['resolve']:>10.2f}{row['total']:>8.2f}{per_mb[-1]:>9.2f}{row['wall']:>8.2f}{peak:>8.0f}MB",
            flush=True,
        )
        del text
    print(f"\nCPU seconds per MB, {sizes[-1]} MB vs {sizes[0]} MB: {per_mb[-1] / per_mb[0]:.2f}x (1.00x is linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
