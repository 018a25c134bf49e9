"""Benchmark batch runs: articles per second and memory, locally and on a two-worker Dask cluster.

Builds a corpus of N articles (default 100,000) by re-using the articles of the
development corpora (``../shared/corpora/*.xml``, read with
:func:`geo.evaluate.read_corpus`) under new ids, written as JSONL.gz into a
temporary folder. Then, with the same corpus:

1. a local run of the first 10,000 articles (``--small``), jobs=2;
2. a local run of all N articles, jobs=2;
3. the same N on a ``LocalCluster`` of two single-threaded worker processes.

For each it reports articles/s, mentions, and the peak memory of the whole
process tree (this process plus every worker, sampled every half second with
psutil): summed RSS, which counts pages shared between processes once per
process, and summed PSS, which shares them out. Memory should not grow with
the corpus: the N run's peak within 10% of the small run's.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--n 100000] [--small 10000] [--jobs 2] [--no-dask]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from geo.batch import run_batch  # noqa: E402
from geo.evaluate import read_corpus  # noqa: E402

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def build_corpus(path: Path, n: int) -> int:
    """Write ``n`` articles, cycling through the development corpora, as JSONL.gz; returns the text bytes."""
    sources = sorted(CORPORA.glob("*.xml"))
    if not sources:
        raise SystemExit(f"no corpora in {CORPORA}; put lgl.xml or GeoVirus.xml there")
    base = [a for src in sources for a in read_corpus(src) if a.text.strip()]
    size = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i, article in zip(range(n), itertools.cycle(base)):
            record = {
                "id": f"bench-{i:07d}",
                "title": article.title,
                "date": article.published.isoformat() if article.published else None,
                "text": article.text,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            size += len(article.text)
    return size


class TreeMemory:
    """Samples the memory of this process and all its descendants until stopped."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            rss = pss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                if proc.pid == me.pid:
                    self.peak_main = max(self.peak_main, info.rss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(self.interval)


def measure(label: str, corpus: Path, out: Path, index: Path, **options: object) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    with TreeMemory() as memory:
        started = time.perf_counter()
        summary = run_batch([corpus], out, gazetteer_path=index, progress=False, **options)
        seconds = time.perf_counter() - started
    row = {
        "run": label,
        "articles": summary.articles,
        "mentions": summary.mentions,
        "failures": summary.failures,
        "parts": summary.parts,
        "seconds": seconds,
        "rate": summary.articles / seconds,
        "tree_rss_mb": memory.peak_rss / 2**20,
        "tree_pss_mb": memory.peak_pss / 2**20,
        "main_rss_mb": memory.peak_main / 2**20,
    }
    print(
        f"  {label}: {row['articles']:,} articles in {seconds:.1f} s ({row['rate']:.1f}/s), {row['mentions']:,} mentions, "
        f"peak tree RSS {row['tree_rss_mb']:.0f} MB",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the big corpus")
    parser.add_argument("--small", type=int, default=10_000, help="articles in the small corpus")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="skip the LocalCluster run")
    parser.add_argument("--work", help="folder for the corpus and outputs (default: a temporary folder)")
    parser.add_argument("--cache-dir", help="gazetteer cache folder (default: $GEO_CACHE_DIR or ~/.cache/geo)")
    args = parser.parse_args()

    # Built (if needed) in a child process, so that building does not count in this process's memory.
    opener = f"from geo.gazetteer import Gazetteer; print(Gazetteer.open(cache_dir={args.cache_dir!r}).path)"
    found = subprocess.run([sys.executable, "-c", opener], capture_output=True, text=True, check=True, cwd=ROOT)
    index = Path(found.stdout.strip().splitlines()[-1])
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="geo-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"building corpora in {work} ...", flush=True)
    small, big = work / f"small-{args.small}.jsonl.gz", work / f"big-{args.n}.jsonl.gz"
    chars = build_corpus(big, args.n)
    build_corpus(small, args.small)
    print(
        f"  {args.n:,} articles, {chars / args.n:,.0f} characters each on average, {big.stat().st_size / 2**20:.1f} MB gzipped"
    )

    rows = [
        measure(f"local {args.small:,}", small, work / "out-small", index, jobs=args.jobs),
        measure(f"local {args.n:,}", big, work / "out-big", index, jobs=args.jobs),
    ]
    if not args.no_dask:
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster:
            rows.append(
                measure(
                    f"dask 2 workers {args.n:,}", big, work / "out-dask", index, scheduler=cluster.scheduler_address
                )
            )

    print()
    print(
        f"{'run':<24}{'articles':>10}{'mentions':>11}{'parts':>7}{'seconds':>9}{'art/s':>8}{'tree RSS':>10}{'tree PSS':>10}{'main RSS':>10}"
    )
    for r in rows:
        print(
            f"{r['run']:<24}{r['articles']:>10,}{r['mentions']:>11,}{r['parts']:>7}{r['seconds']:>9.1f}{r['rate']:>8.1f}"
            f"{r['tree_rss_mb']:>8.0f}MB{r['tree_pss_mb']:>8.0f}MB{r['main_rss_mb']:>8.0f}MB"
        )
    growth = rows[1]["tree_pss_mb"] / rows[0]["tree_pss_mb"] - 1
    print(
        f"\nmemory, {args.n:,} vs {args.small:,} articles (tree PSS): {growth:+.1%} ({'within' if abs(growth) <= 0.10 else 'OVER'} 10%)"
    )
    if len(rows) == 3:
        print(f"dask / local time for {args.n:,} articles: {rows[2]['seconds'] / rows[1]['seconds']:.2f}x")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
