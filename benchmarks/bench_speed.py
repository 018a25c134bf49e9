"""Benchmark parsing speed on distinct news articles: one process, two processes, and a fresh start.

Run by hand::

    .venv/bin/python benchmarks/bench_speed.py [--n 4000] [--jobs 2] [--cache-dir DIR] [--baseline DIR] [--repeat K]
        [--pure-too]

``--baseline DIR`` measures another checkout of the project too (e.g. ``git worktree
add /tmp/base main --detach``), on the same articles in the same run, each figure
taken for both checkouts in turn: on a busy machine a before/after pair measured
minutes apart says little, one measured side by side says more. ``--repeat K`` runs
the stage figure K times per checkout, alternating, and keeps each half's smallest
total: the run least slowed by other work. ``--pure-too`` measures this checkout a
second time as pure Python (``GEO_PURE_PYTHON=1``), beside its compiled modules.

The articles: the development corpora's own articles once each, then articles
recombined from their sentences (``benchmarks/corpora.py``: random sentences,
seeded, ~2.5 KB each), so no text repeats. Nothing is parsed twice except where
a figure says "warm". Figures:

1. In this process, stage by stage (CPU seconds per article): dating, recognising,
   resolving, the JSON record. "cold" is the first half of the articles in a fresh
   parser (every name's first lookup reads the index); "warm" the second half,
   other texts whose names are mostly cached by then.
2. ``geo parse FILE --format jsonl -o OUT`` in a fresh process: articles/s, start-up
   included, and its peak RSS.
3. A batch run (``geo.batch.run.run_batch``) with ``--jobs`` worker processes on all the
   articles: articles/s, and the peak RSS/PSS of the process tree.
4. First article of a fresh process (import, open the index, parse one article),
   median of 5, with and without ``PYTHONDONTWRITEBYTECODE=1``.

Every figure is taken in a child process whose ``geo`` comes from the checkout
measured. Machines shared with other work give noisy figures: run it on a quiet one.
Without the corpora the script says so and exits.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import corpora_dir, distinct_articles  # noqa: E402

FIRST_ARTICLE = r"""
import json, sys, time
began = time.perf_counter()
from geo.parsing.pipeline import Geoparser
parser = Geoparser(cache_dir=sys.argv[2] or None)
mentions = parser.parse_text(sys.argv[1])
seconds = time.perf_counter() - began
modules = [m for m in ("numpy", "scipy", "shapely", "pandas", "pyarrow", "geopandas", "folium") if m in sys.modules]
# VmHWM, not ru_maxrss: Linux keeps the parent's ru_maxrss across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "mentions": len(mentions), "rss_mb": peak / 1024, "heavy_modules": modules}))
"""


class _Timed:
    """A parser component whose ``method`` adds the CPU time of each call to ``row[stage]``.

    It stands in for the component rather than patching it, so it also times compiled (mypyc)
    classes, whose methods cannot be replaced.
    """

    def __init__(self, inner: object, method: str, stage: str) -> None:
        self._inner, self._method, self._stage = inner, method, stage
        self.row: dict[str, float] = {}

    def __getattr__(self, name: str):  # noqa: ANN204
        found = getattr(self._inner, name)
        if name != self._method:
            return found

        def timed(*args, **kwargs):  # noqa: ANN002, ANN003
            began = time.process_time()
            try:
                return found(*args, **kwargs)
            finally:
                self.row[self._stage] += time.process_time() - began

        return timed


def stage_times(texts: list[str], cache_dir: str | None) -> list[dict[str, float]]:
    """CPU seconds of each stage for each text, parsed in order by one fresh parser.

    Each article goes once through ``Geoparser.parse_article``; its recogniser and
    resolver calls are timed from the outside, the rest (sentences and dates,
    building mentions) is "dates and rest"; then its JSON Lines records are made.
    """
    from geo.model import Article
    from geo.parsing.pipeline import Geoparser, mention_record

    parser = Geoparser(cache_dir=cache_dir)
    recognizer = parser.recognizer = _Timed(parser.recognizer, "find", "recognise")
    resolver = parser.resolver = _Timed(parser.resolver, "resolve", "resolve")
    rows = []
    for n, text in enumerate(texts):
        row = recognizer.row = resolver.row = {"recognise": 0.0, "resolve": 0.0}
        began = time.process_time()
        mentions = parser.parse_article(Article(id=f"a{n}", text=text))
        parsed = time.process_time()
        for m in mentions:
            json.dumps(mention_record(m), ensure_ascii=False)
        row["json"] = time.process_time() - parsed
        row["dates and rest"] = parsed - began - row["recognise"] - row["resolve"]
        rows.append(row)
    return rows


STAGES = ("dates and rest", "recognise", "resolve", "json")


def summarise(label: str, rows: list[dict[str, float]]) -> None:
    per_article = {s: 1e3 * sum(r[s] for r in rows) / len(rows) for s in STAGES}
    total = sum(per_article.values())
    parts = ", ".join(f"{s} {per_article[s]:.2f}" for s in STAGES)
    print(
        f"  {label}: {len(rows):,} articles, CPU ms per article: {parts}; "
        f"total {total:.2f} ms = {1e3 / total:,.0f} articles/s"
    )


@dataclasses.dataclass(frozen=True)
class Checkout:
    """A checkout to measure, with its compiled modules (if it has them) or as pure Python."""

    path: Path
    pure: bool = False

    def __str__(self) -> str:
        return f"{self.path}" + (", pure Python (GEO_PURE_PYTHON=1)" if self.pure else "")


def _child_env(code: Checkout) -> dict[str, str]:
    """The environment of a child process whose ``geo`` is the one of checkout ``code``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code.path), env.get("PYTHONPATH", "")]))
    env.pop("GEO_PURE_PYTHON", None)
    if code.pure:
        env["GEO_PURE_PYTHON"] = "1"
    return env


def first_article(
    text: str, cache_dir: str | None, dont_write_bytecode: bool, code: Checkout = Checkout(ROOT)
) -> dict[str, object]:
    env = _child_env(code)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if dont_write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", FIRST_ARTICLE, text, cache_dir or ""],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=code.path,
        )
        wall = time.perf_counter() - began
        runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "wall": wall})
    return {
        "inside": statistics.median(r["seconds"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "heavy_modules": runs[-1]["heavy_modules"],
    }


def _texts(corpus: Path) -> list[str]:
    return [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]


def _child(args: argparse.Namespace) -> int:
    """One measurement in this process, with the ``geo`` of ``--code``; prints it as JSON."""
    sys.path.insert(0, str(Path(args.code).resolve()))
    import geo  # noqa: F401 - first, so that what the measurement imports comes from --code

    if args.child == "stages":
        print(json.dumps(stage_times(_texts(args.corpus), args.cache_dir)))
        return 0
    from bench_batch import TreeCPU, TreeMemory

    from geo.batch.run import run_batch

    memory = TreeMemory()
    with memory, TreeCPU(others=(memory,)) as cpu:
        began = time.perf_counter()
        summary = run_batch([args.corpus], args.out, gazetteer_path=args.index, jobs=args.jobs, progress=False)
        seconds = time.perf_counter() - began
    result = {
        "articles": summary.articles,
        "mentions": summary.mentions,
        "seconds": seconds,
        "rss_mb": memory.peak_rss / 2**20,
        "pss_mb": memory.peak_pss / 2**20,
        "parent_cpu": cpu.parent,
        "workers_cpu": cpu.workers,
    }
    print(json.dumps(result))
    return 0


def _run_child(mode: str, code: Checkout, corpus: Path, args: argparse.Namespace, *extra: str) -> Any:
    cache = ["--cache-dir", args.cache_dir] if args.cache_dir else []
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--code", str(code.path), "--corpus", str(corpus), *cache, *extra],
        capture_output=True,
        text=True,
        env=_child_env(code),
        cwd=code.path,
    )
    if out.returncode != 0:
        raise SystemExit(f"the {mode} measurement of {code} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_parse(code: Checkout, corpus: Path, out: Path, args: argparse.Namespace, count: int) -> None:
    cache = ["--cache-dir", args.cache_dir] if args.cache_dir else []
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "geo", "parse", str(corpus), "--format", "jsonl", "-o", str(out), *cache],
        capture_output=True,
        text=True,
        cwd=code.path,
        env=_child_env(code),
    )
    seconds = time.perf_counter() - began
    if run.returncode not in (0, 1):
        raise SystemExit(f"geo parse of {code} failed:\n{run.stderr[-2000:]}")
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    print(
        f"  {count:,} articles in {seconds:.1f} s = {count / seconds:,.0f} articles/s (start-up included), "
        f"{lines:,} mentions; CPU {cpu:.1f} s = {count / cpu:,.0f} articles per CPU second "
        "(what a busy machine's wall time hides)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=4000, help="distinct articles")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes of the batch run")
    ap.add_argument("--cache-dir", help="gazetteer cache folder (default: $GEO_CACHE_DIR or ~/.cache/geo)")
    ap.add_argument("--skip-batch", action="store_true", help="leave out the batch run")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of the stage figure per checkout, alternating; each half's smallest total counts (a busy machine)",
    )
    ap.add_argument("--baseline", type=Path, help="another checkout to measure beside this one, figure by figure")
    ap.add_argument(
        "--pure-too",
        action="store_true",
        help="also measure this checkout as pure Python (GEO_PURE_PYTHON=1) beside its compiled modules",
    )
    # A child process's own measurement (internal).
    ap.add_argument("--child", choices=["stages", "batch"], help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--index", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return _child(args)
    if corpora_dir() is None:
        print("no development corpora found (set GEO_CORPORA or put them in ../shared/corpora); nothing to measure")
        return 0
    codes = {"this checkout": Checkout(ROOT)}
    if args.pure_too:
        codes["this checkout, pure Python"] = Checkout(ROOT, pure=True)
    if args.baseline is not None:
        if not (args.baseline / "geo" / "__init__.py").is_file():
            raise SystemExit(f"--baseline {args.baseline} is no checkout of this project (no geo/__init__.py in it)")
        codes["baseline"] = Checkout(args.baseline.resolve())
    # Built (if needed) in a child process, before anything is timed.
    opener = (
        "from geo.gazetteer.index import Gazetteer; "
        f"g = Gazetteer.open(cache_dir={args.cache_dir!r}); g.keys(); print(g.path)"
    )
    for code in codes.values():
        index = subprocess.run(
            [sys.executable, "-c", opener],
            capture_output=True,
            text=True,
            check=True,
            cwd=code.path,
            env=_child_env(code),
        ).stdout.split()[-1]

    texts = distinct_articles(args.n)
    assert len(set(texts)) == len(texts), "articles must be distinct"
    size = sum(map(len, texts)) / len(texts)
    print(f"{len(texts):,} distinct articles, {size:,.0f} characters each on average")
    for label, code in codes.items():
        print(f"  {label}: {code}")

    # Each figure for every checkout in turn, the order flipped from one figure to the next:
    # a busy spell of the machine then falls on both.
    orders = itertools.cycle([list(codes.items()), list(codes.items())[::-1]])

    def each(measure: Any) -> None:
        for label, code in next(orders):
            if len(codes) > 1:
                print(f" [{label}]")
            measure(code)

    work = Path(tempfile.mkdtemp(prefix="geo-bench-speed-"))
    try:
        corpus = work / "articles.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for n, text in enumerate(texts):
                out.write(json.dumps({"id": f"bench-{n:06d}", "text": text}, ensure_ascii=False) + "\n")

        print("\n1. one process, stage by stage (CPU time)")
        half = len(texts) // 2

        runs: dict[Checkout, list[list[dict[str, float]]]] = {code: [] for code in codes.values()}
        for _ in range(max(1, args.repeat)):
            for _label, code in next(orders):
                runs[code].append(_run_child("stages", code, corpus, args))

        def total(rows: list[dict[str, float]]) -> float:
            return sum(r[s] for r in rows for s in STAGES)

        def stages(code: Checkout) -> None:
            done = runs[code]
            if len(done) > 1:
                print(f"  smallest of {len(done)} runs, each half on its own:")
            summarise("cold (first half)", min((rows[:half] for rows in done), key=total))
            summarise("warm (second half)", min((rows[half:] for rows in done), key=total))

        each(stages)

        print("\n2. geo parse FILE --format jsonl, one fresh process")
        each(lambda code: cli_parse(code, corpus, work / "out.jsonl", args, len(texts)))

        if not args.skip_batch:
            print(f"\n3. batch run, {args.jobs} worker processes")

            def batch(code: Checkout) -> None:
                shutil.rmtree(work / "batch", ignore_errors=True)
                extra = ["--out", str(work / "batch"), "--index", index, "--jobs", str(args.jobs)]
                got = _run_child("batch", code, corpus, args, *extra)
                seconds = got["seconds"]
                print(
                    f"  {got['articles']:,} articles in {seconds:.1f} s = {got['articles'] / seconds:,.0f} articles/s, "
                    f"{got['mentions']:,} mentions; peak tree RSS {got['rss_mb']:.0f} MB, PSS {got['pss_mb']:.0f} MB"
                )
                print(
                    f"  CPU: parent {got['parent_cpu']:.1f} s ({got['parent_cpu'] / seconds:.0%} of a core, "
                    f"{1e3 * got['parent_cpu'] / got['articles']:.3f} ms per article; samplers left out), workers "
                    f"{got['workers_cpu']:.1f} s = {got['articles'] / max(got['workers_cpu'], 1e-9):,.0f} articles per "
                    "worker CPU second"
                )

            each(batch)

        print("\n4. first article of a fresh process (median of 5)")

        def first(code: Checkout) -> None:
            for flag in (True, False):
                got = first_article(texts[0], args.cache_dir, flag, code)
                setting = "PYTHONDONTWRITEBYTECODE=1" if flag else "bytecode written"
                print(
                    f"  {setting:<26} {got['inside']:.3f} s inside, {got['wall']:.3f} s wall; peak RSS "
                    f"{got['rss_mb']:.0f} MB; heavy modules loaded: {', '.join(got['heavy_modules']) or 'none'}"
                )

        each(first)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
