"""Benchmark the role stage: its share of parse time, and `geo parse` articles/s with and without it.

Takes N distinct articles (default 400) from the development corpora
(``../shared/corpora/*.xml``, each article once, never repeated) and measures:

1. in one process, with a Geoparser built once: the first half of the articles
   parsed cold (right after opening the index), the second half warm; for each
   half, articles/s of ``parse_article`` and the share of that time spent in
   the role classifier (timed around its call);
2. ``geo parse`` as a user runs it (a new process, index opened, JSON Lines
   written to a file) on all N articles, with this checkout and, given
   ``--baseline DIR`` (a checkout without roles, e.g. the main branch), with
   that one, alternating, ``--repeat`` times (default 3); the fastest of each
   is reported, since a shared machine slows whichever run a busy moment hits,
   in wall time and in CPU time (user + system of the child process), which a
   busy machine distorts less.

Usage::

    .venv/bin/python benchmarks/bench_roles.py [--n 400] [--repeat 3] [--baseline /path/to/main]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.evaluate.geoparsing import read_corpus  # noqa: E402 (after the path: runs from a checkout without install)
from geo.model import Article  # noqa: E402
from geo.parsing.pipeline import Geoparser  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def distinct_articles(n: int) -> list[Article]:
    """N articles from the corpora, each once (texts that repeat are skipped)."""
    seen: set[str] = set()
    out: list[Article] = []
    files = sorted(CORPORA.glob("*.xml")) or sorted(Path("/work/shared/corpora").glob("*.xml"))
    if not files:
        raise SystemExit(f"no corpora in {CORPORA}; put the annotated corpora there")
    # Interleave the corpora so any N mixes their styles.
    for gold in itertools.chain.from_iterable(itertools.zip_longest(*(read_corpus(f) for f in files))):
        if gold is None or gold.text in seen:
            continue
        seen.add(gold.text)
        out.append(Article(id=f"{len(out)}", text=gold.text, published=gold.published))
        if len(out) == n:
            break
    return out


def in_process(articles: list[Article]) -> None:
    parser = Geoparser()
    classify = parser.role_classifier
    spent = [0.0]

    def timed(text, mentions):
        began = time.perf_counter()
        try:
            return classify(text, mentions)
        finally:
            spent[0] += time.perf_counter() - began

    parser.role_classifier = timed
    half = len(articles) // 2
    for label, part in (("cold", articles[:half]), ("warm", articles[half:])):
        spent[0] = 0.0
        mentions = 0
        began = time.perf_counter()
        for article in part:
            mentions += len(parser.parse_article(article))
        seconds = time.perf_counter() - began
        print(
            f"in-process {label}: {len(part)} articles, {mentions} mentions, {len(part) / seconds:.1f} articles/s; "
            f"roles {spent[0] * 1000:.1f} ms = {100 * spent[0] / seconds:.1f}% of parse time "
            f"({1e6 * spent[0] / max(mentions, 1):.1f} µs a mention)"
        )


def cli_runs(articles: list[Article], baseline: str | None, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_roles_") as tmp:
        source = Path(tmp) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for a in articles:
                handle.write(
                    json.dumps({"id": a.id, "text": a.text, "date": a.published.isoformat() if a.published else None})
                    + "\n"
                )
        checkouts = [("this checkout", str(ROOT))] + ([("baseline", baseline)] if baseline else [])
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        for _ in range(repeat):
            for label, src in checkouts:
                env = {**os.environ, "PYTHONPATH": src}
                out = Path(tmp) / "out.jsonl"
                began = time.perf_counter()
                cpu_before = _children_cpu()
                subprocess.run(
                    [sys.executable, "-m", "geo", "parse", str(source), "-o", str(out)],
                    env=env,
                    check=True,
                    cwd=src,
                    capture_output=True,
                )
                seconds = time.perf_counter() - began
                cpu = _children_cpu() - cpu_before
                best[label] = min(best.get(label, seconds), seconds)
                best_cpu[label] = min(best_cpu.get(label, cpu), cpu)
                has_roles = '"role"' in out.read_text(encoding="utf-8").split("\n", 1)[0]
                print(
                    f"geo parse ({label}{', with roles' if has_roles else ', no roles'}): {seconds:.2f} s wall, "
                    f"{cpu:.2f} s CPU, {len(articles) / seconds:.1f} articles/s "
                    "(process start and index opening included)"
                )
        for label, seconds in best.items():
            print(
                f"fastest, {label}: {len(articles) / seconds:.1f} articles/s wall, "
                f"{len(articles) / best_cpu[label]:.1f} articles per CPU second"
            )
        if len(best) == 2:
            print(
                f"this checkout / baseline: wall time {best['this checkout'] / best['baseline']:.3f}, "
                f"CPU time {best_cpu['this checkout'] / best_cpu['baseline']:.3f} "
                "(CPU time is less hurt by a busy machine)"
            )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="distinct articles (default 400)")
    ap.add_argument("--repeat", type=int, default=3, help="geo parse runs per checkout (default 3)")
    ap.add_argument("--baseline", help="a checkout without the role stage to compare geo parse with")
    args = ap.parse_args()
    articles = distinct_articles(args.n)
    print(f"{len(articles)} distinct articles, {sum(len(a.text) for a in articles) / 1e6:.2f} M characters")
    in_process(articles)
    cli_runs(articles, args.baseline, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
