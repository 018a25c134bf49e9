"""What the compounds step (geo/parsing/compounds.py) costs inside the recogniser, and that it stays linear.

Run by hand::

    .venv/bin/python benchmarks/bench_compounds.py [--n 2000] [--cache-dir DIR]

On distinct articles (the corpora's own, then recombined ones, ``benchmarks/corpora.py``;
none repeated), in one fresh recogniser: CPU ms per article of ``Recognizer.find`` and of
the compounds step inside it (``with_compound_parts``, timed from the outside), cold (first
half) and warm (second half), and the share of articles the step runs on (those with a
hyphen). Then three sets of 64 other articles, read one by one, 8 at a time and all 64 as one
text: CPU µs of the step per 1,000 characters, which stays flat if the step is linear.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir, distinct_articles  # noqa: E402

_LONG = 64  # articles joined into long ones


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="distinct articles")
    ap.add_argument(
        "--cache-dir", default=None, help="gazetteer cache folder (default: $GEO_CACHE_DIR or ~/.cache/geo)"
    )
    args = ap.parse_args()
    if corpora_dir() is None:
        print("no corpora found (set GEO_CORPORA): nothing to measure")
        return 0

    import geo.parsing.compounds as compounds
    from geo.parsing.pipeline import Geoparser

    recognizer = Geoparser(cache_dir=args.cache_dir).recognizer
    step_seconds = [0.0]
    step = compounds.with_compound_parts

    def timed(*a: Any) -> Any:
        began = time.process_time()
        try:
            return step(*a)
        finally:
            step_seconds[0] += time.process_time() - began

    compounds.with_compound_parts = timed  # find() imports it from the module at each call

    def measure(text: str) -> tuple[float, float]:
        step_seconds[0] = 0.0
        began = time.process_time()
        recognizer.find(text)
        return time.process_time() - began, step_seconds[0]

    texts = distinct_articles(args.n + 3 * _LONG)
    texts, long_parts = texts[: args.n], texts[args.n :]
    assert len(set(texts)) == len(texts), "articles must be distinct"
    rows = [measure(text) for text in texts]
    half = len(rows) // 2
    with_hyphen = sum(1 for t in texts if any(h in t for h in "-‐‑"))
    print(f"{len(texts):,} distinct articles, {with_hyphen / len(texts):.0%} with a hyphen (the step runs on those)")
    for label, part in (("cold (first half)", rows[:half]), ("warm (second half)", rows[half:])):
        find_ms = 1000 * statistics.fmean(r[0] for r in part)
        step_ms = 1000 * statistics.fmean(r[1] for r in part)
        print(f"  {label}: find {find_ms:.3f} ms/article, compounds step {step_ms:.4f} ms ({step_ms / find_ms:.1%})")

    print(f"long articles: {_LONG} other articles each time, joined 1, 8 or 64 at a time; compounds step")
    for round_, count in enumerate((1, 8, 64)):
        group = long_parts[round_ * _LONG : (round_ + 1) * _LONG]
        seconds = sum(measure("\n\n".join(group[k : k + count]))[1] for k in range(0, _LONG, count))
        chars = sum(map(len, group))
        per_kchar = 1e6 * seconds / (chars / 1000)
        print(
            f"  {count:>2} per text (~{chars // (_LONG // count):,} characters): "
            f"{per_kchar:.1f} µs per 1,000 characters"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
