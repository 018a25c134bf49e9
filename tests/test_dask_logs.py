"""A Dask run of the command line prints Dask's INFO chatter only when asked to (--verbose)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")


@pytest.mark.parametrize("verbose", [False, True])
def test_dask_logs_follow_verbose(full_gazetteer, tmp_path: Path, verbose: bool) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        json.dumps({"id": "a", "date": "2024-01-02", "text": "Snow fell on Oslo."}) + "\n", encoding="utf-8"
    )
    argv = [sys.executable, "-m", "geo", *(["-v"] if verbose else []), "parse", str(corpus), "--format", "parquet"]
    argv += [
        "-o",
        str(tmp_path / "out"),
        "--dask",
        "local",
        "--jobs",
        "1",
        "--cache-dir",
        str(full_gazetteer.path.parent),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 articles parsed" in proc.stderr or "1 article parsed" in proc.stderr, proc.stderr[-3000:]
    chatter = [line for line in proc.stderr.splitlines() if line.startswith("INFO distributed")]
    if verbose:
        assert chatter, proc.stderr[-3000:]  # the scheduler's start and stop, as Dask reports them
    else:
        assert chatter == [], "\n".join(chatter[:5])
