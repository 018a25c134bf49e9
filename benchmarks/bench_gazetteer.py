"""Gazetteer benchmark: build time, index size, cold open, warm lookup latency.

Run by hand:  .venv/bin/python benchmarks/bench_gazetteer.py [--names 2000]

Builds a fresh index into a temporary cache (the real sources and gazetteer/),
then opens it in a fresh process and times lookups of names drawn from the index.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

OPEN_AND_LOOKUP = r"""
import json, random, statistics, sys, time
t0 = time.perf_counter()
from geo.gazetteer.index import Gazetteer
gaz = Gazetteer(sys.argv[1])
first = gaz.lookup("Moscow")[0].place.name
cold_open = time.perf_counter() - t0
names = [r[0] for r in gaz._con.execute("SELECT name FROM names ORDER BY random() LIMIT ?", (int(sys.argv[2]),))]
names = [n for n in names if n.strip()]
cold, warm = [], []
for n in names:
    t = time.perf_counter(); gaz.lookup(n); cold.append(time.perf_counter() - t)
for n in names:
    t = time.perf_counter(); gaz.lookup(n); warm.append(time.perf_counter() - t)
keys_t = time.perf_counter(); gaz.keys(); keys_s = time.perf_counter() - keys_t
print(json.dumps({"cold_open_s": cold_open, "first": first, "lookups": len(names),
  "first_lookup_median_ms": statistics.median(cold) * 1e3,
  "first_lookup_p95_ms": sorted(cold)[int(len(cold) * .95)] * 1e3,
  "warm_lookup_median_ms": statistics.median(warm) * 1e3,
  "warm_lookup_p95_ms": sorted(warm)[int(len(warm) * .95)] * 1e3,
  "name_keys_load_s": keys_s}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--names", type=int, default=2000, help="how many random names to look up")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        from geo.gazetteer.index import Gazetteer

        gaz = Gazetteer.open(cache_dir=tmp)
        build_s = time.perf_counter() - t
        info = gaz.info()
        out = subprocess.run(
            [sys.executable, "-c", OPEN_AND_LOOKUP, str(gaz.path), str(args.names)],
            capture_output=True,
            text=True,
            check=True,
        )
        res = json.loads(out.stdout)
    print(f"build (sources + curated -> SQLite)   {build_s:8.1f} s   (target <= 60 s)")
    print(
        f"index size                            {info['size_mb']:8.1f} MB  "
        f"({info['places']:,} places, {info['names']:,} names)"
    )
    print(f"cold open + first lookup (new proc)   {res['cold_open_s'] * 1e3:8.1f} ms")
    print(
        f"lookup, first time, median / p95      {res['first_lookup_median_ms']:8.3f} / "
        f"{res['first_lookup_p95_ms']:.3f} ms"
    )
    print(
        f"lookup, warm, median / p95            {res['warm_lookup_median_ms']:8.3f} / "
        f"{res['warm_lookup_p95_ms']:.3f} ms  (target median <= 1 ms)"
    )
    print(f"recogniser name keys load             {res['name_keys_load_s'] * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
