"""The same batch run on a real dask.distributed cluster gives the same mentions as a local run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.batch.run import ERRORS_NAME, read_mentions, run_batch
from geo.model import Article
from geo.parsing.pipeline import RECORD_FIELDS

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is in the test extra: pip install 'dask[distributed]'"
)

from test_batch import ARTICLES, BAD_ID, SMALL, write_corpus  # noqa: E402 - after the skip check

# Messages and task events the run's own LocalCluster keeps in its debugging logs.
KEPT_MESSAGES = 16


def records(frame) -> list[dict]:
    rows = frame[[*RECORD_FIELDS, "source"]].to_dict("records")
    return sorted(rows, key=lambda r: (r["doc"], r["start"], r["end"], r["id"]))


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def local_run(full_gazetteer, tmp_path_factory: pytest.TempPathFactory):
    """The corpus and its output from local worker processes, to compare the Dask runs with."""
    folder = tmp_path_factory.mktemp("dask")
    corpus = write_corpus(folder / "news.jsonl")
    summary = run_batch([corpus], folder / "local", gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    return corpus, folder / "local", summary


def assert_same_output(out: Path, summary, local_run) -> None:
    _, local_out, local = local_run
    assert (summary.articles, summary.mentions, summary.failures) == (local.articles, local.mentions, local.failures)
    assert summary.articles == ARTICLES
    assert records(read_mentions(out)) == records(read_mentions(local_out))
    errors = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert sorted(e["line"] for e in errors) == [22, 43, 63] and not [e for e in errors if e["stage"] == "parse"]
    assert BAD_ID in next(e["error"] for e in errors if e["line"] == 63)


def test_dask_run_equals_local_run(cluster, full_gazetteer, local_run, tmp_path: Path) -> None:
    corpus = local_run[0]
    options = {k: v for k, v in SMALL.items() if k != "jobs"}
    on_dask = run_batch(
        [corpus],
        tmp_path / "dask",
        gazetteer_path=full_gazetteer.path,
        scheduler=cluster.scheduler_address,
        progress=False,
        **options,
    )
    assert_same_output(tmp_path / "dask", on_dask, local_run)
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


def test_a_partly_done_folder_resumes_exactly_on_a_cluster(cluster, full_gazetteer, local_run, tmp_path: Path) -> None:
    # The cluster's workers cannot look up this machine's manifest: the resumed run reads here and
    # hands out only what is not done; the folder ends as the local run's.
    corpus = tmp_path / "news.jsonl"
    lines = local_run[0].read_text(encoding="utf-8").splitlines(keepends=True)
    corpus.write_text("".join(lines[:25]), encoding="utf-8")
    options = {k: v for k, v in SMALL.items() if k != "jobs"}
    out = tmp_path / "dask"
    run = {"gazetteer_path": full_gazetteer.path, "scheduler": cluster.scheduler_address, "progress": False}
    first = run_batch([corpus], out, **run, **options)
    assert 0 < first.articles < ARTICLES
    corpus.write_text("".join(lines), encoding="utf-8")
    again = run_batch([corpus], out, **run, **options)
    assert (again.skipped, again.articles) == (first.articles, ARTICLES - first.articles)
    mentions, expected = read_mentions(out), read_mentions(local_run[1])
    assert set(mentions["source"]) <= {"news0.example", "news1.example", "news2.example", str(corpus)}
    assert records(mentions.drop(columns="source").assign(source="")) == records(
        expected.drop(columns="source").assign(source="")
    )


def test_run_on_its_own_local_cluster_equals_local_run(full_gazetteer, local_run, tmp_path: Path) -> None:
    # What 'geo parse --dask local' does: the run starts a LocalCluster of `jobs` workers and stops it.
    on_dask = run_batch(
        [local_run[0]], tmp_path / "dask", gazetteer_path=full_gazetteer.path, dask_local=True, progress=False, **SMALL
    )
    assert_same_output(tmp_path / "dask", on_dask, local_run)


def test_own_local_cluster_keeps_no_batches_in_its_logs(full_gazetteer) -> None:
    # Dask's debugging logs keep the last messages, and every message carries a batch of articles:
    # with Dask's defaults they held a whole corpus, in this process and in every worker.
    import dask

    from geo.batch.run import _DaskEngine, _Outcome, _Spec, _stamp_hash

    spec = _Spec(str(full_gazetteer.path), _stamp_hash(full_gazetteer.stamp), True, None, None)
    engine = _DaskEngine(spec, None, True, 2)
    try:
        batches = [
            [(f"{i:016d}".encode(), Article(id=f"a{i}", text=f"Talks in Paris, day {i}."))]
            for i in range(3 * KEPT_MESSAGES)
        ]
        for batch in batches:
            engine.submit(batch)
        results = [engine.next_result() for _ in batches]
        assert all(isinstance(outcome, _Outcome) and len(outcome.done) == 1 for _, outcome in results)

        def worker_logs(dask_worker) -> tuple[int, bool]:
            state = dask_worker.state
            return max(len(state.stimulus_log), len(state.log)), dask.config.get("distributed.worker.profile.enabled")

        for kept, profiled in engine.client.run(worker_logs).values():
            assert kept <= KEPT_MESSAGES
            assert not profiled  # the sampling profiler costs each worker 5-10% of its time
        streams = engine.cluster.scheduler.stream_comms.values()
        assert streams and all(len(stream.recent_message_log) <= KEPT_MESSAGES for stream in streams)
        assert len(engine.client.scheduler_comm.recent_message_log) <= KEPT_MESSAGES
    finally:
        engine.close()


def cluster_parsers(cluster) -> dict:
    def count() -> int:
        from geo.batch import run as batch

        return len(batch._PARSERS)

    with distributed.Client(cluster) as client:
        return client.run(count)
