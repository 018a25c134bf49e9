"""Dump or compare the geoparser's output on every article of the development corpora.

A speed change must not change what the geoparser finds. Dump the mentions of
the code before the change, then compare the code after it::

    .venv/bin/python benchmarks/compare_output.py dump /tmp/before.jsonl
    # ... change the code ...
    .venv/bin/python benchmarks/compare_output.py compare /tmp/before.jsonl

Each line holds one article: its end-to-end mentions (span, place id, kind,
score, date) and, in gold-span mode, the place chosen for each gold span.
``compare`` prints every article whose output differs and exits 1 if any does.
Corpora are read from ``$GEO_CORPORA`` or ``../shared/corpora`` (see
:func:`corpora_dir`); without them the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir, corpus_files  # noqa: E402


def article_outputs() -> Iterator[dict[str, Any]]:
    """One record per corpus article: its mentions and its gold-span answers."""
    from geo.evaluate.geoparsing import read_corpus
    from geo.model import Article
    from geo.parsing.pipeline import Geoparser

    parser = Geoparser()
    for path in corpus_files():
        for gold in read_corpus(path):
            article = Article(id=gold.id, text=gold.text, published=gold.published, title=gold.title)
            mentions = [
                [m.start, m.end, m.place.id, m.kind, m.score, m.date.isoformat() if m.date else None, m.date_source]
                for m in parser.parse_article(article)
            ]
            answers = parser.resolve_spans(gold.text, [(t.start, t.end) for t in gold.toponyms])
            yield {
                "corpus": path.name,
                "id": gold.id,
                "mentions": mentions,
                "gold_spans": [p.id if p is not None else None for p in answers],
            }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["dump", "compare"])
    ap.add_argument("file", type=Path, help="the dump to write (dump) or to compare against (compare)")
    args = ap.parse_args()
    if corpora_dir() is None:
        print("no development corpora found (set GEO_CORPORA or put them in ../shared/corpora); nothing to do")
        return 0
    if args.mode == "dump":
        with args.file.open("w", encoding="utf-8") as out:
            count = 0
            for record in article_outputs():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        print(f"{count} articles written to {args.file}")
        return 0
    before = {(r["corpus"], r["id"]): r for r in map(json.loads, args.file.open(encoding="utf-8"))}
    differing = 0
    seen = 0
    for record in article_outputs():
        seen += 1
        old = before.pop((record["corpus"], record["id"]), None)
        if old != record:
            differing += 1
            print(f"{record['corpus']} {record['id']}: differs")
            if old is not None:
                for field in ("mentions", "gold_spans"):
                    if old[field] != record[field]:
                        print(f"  {field} before: {old[field]}\n  {field} after:  {record[field]}")
    for key in before:
        differing += 1
        print(f"{key[0]} {key[1]}: in the dump, not in the corpora now")
    print(f"{seen} articles compared, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
