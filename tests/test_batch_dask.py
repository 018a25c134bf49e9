"""The same batch run on a real dask.distributed cluster gives the same mentions as a local run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.batch import ERRORS_NAME, read_mentions, run_batch
from geo.pipeline import RECORD_FIELDS

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is in the test extra: pip install 'dask[distributed]'"
)

from test_batch import ARTICLES, BAD_ID, SMALL, write_corpus  # noqa: E402 - after the skip check


def records(frame) -> list[dict]:  # noqa: ANN001
    rows = frame[list(RECORD_FIELDS) + ["url", "source"]].to_dict("records")
    return sorted(rows, key=lambda r: (r["doc"], r["start"], r["end"], r["id"]))


@pytest.fixture(scope="module")
def cluster():  # noqa: ANN201
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        yield cluster


def test_dask_run_equals_local_run(cluster, full_gazetteer, tmp_path: Path) -> None:  # noqa: ANN001
    corpus = write_corpus(tmp_path / "news.jsonl")
    local = run_batch([corpus], tmp_path / "local", gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    options = {k: v for k, v in SMALL.items() if k != "jobs"}
    on_dask = run_batch(
        [corpus],
        tmp_path / "dask",
        gazetteer_path=full_gazetteer.path,
        scheduler=cluster.scheduler_address,
        progress=False,
        **options,
    )
    assert (on_dask.articles, on_dask.mentions, on_dask.failures) == (local.articles, local.mentions, local.failures)
    assert on_dask.articles == ARTICLES
    assert records(read_mentions(tmp_path / "dask")) == records(read_mentions(tmp_path / "local"))
    errors = [json.loads(line) for line in (tmp_path / "dask" / ERRORS_NAME).read_text().splitlines()]
    assert [e["doc"] for e in errors if e["stage"] == "parse"] == [BAD_ID]
    # Each worker builds one geoparser and keeps it for all its batches.
    built = cluster_parsers(cluster)
    assert set(built.values()) <= {0, 1} and sum(built.values()) >= 1

    again = run_batch(
        [corpus],
        tmp_path / "dask",
        gazetteer_path=full_gazetteer.path,
        scheduler=cluster.scheduler_address,
        progress=False,
        **options,
    )
    assert (again.articles, again.skipped) == (0, ARTICLES)


def cluster_parsers(cluster) -> dict:  # noqa: ANN001
    def count() -> int:
        from geo import batch

        return len(batch._PARSERS)

    with distributed.Client(cluster) as client:
        return client.run(count)
