"""Batch runs on local worker processes: parts, manifest, failures, resuming after kill -9."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import geo
from geo.batch.run import ERRORS_NAME, MANIFEST_NAME, PART_COLUMNS, part_paths, read_mentions, run_batch
from geo.errors import InputError
from geo.output import read_stamp
from geo.parsing.articles import read_articles
from geo.parsing.pipeline import RECORD_FIELDS, Geoparser, mention_record

CITIES = ["Paris", "Berlin", "Kyiv", "Tokyo", "Nairobi", "Lima", "Cairo", "Istanbul", "London", "Madrid"]
GOOD = 60
# Every article is parsed: the one with a lone surrogate too, with U+FFFD in its place.
ARTICLES = GOOD + 1
BAD_ID = "bad-surrogate"
# Small batches and parts, so that 60 articles make several of each.
SMALL = {"jobs": 2, "batch_size": 5, "part_size": 10}


def write_corpus(path: Path) -> Path:
    """60 short articles, two malformed lines and one article holding a lone surrogate, which no output can hold."""
    lines = []
    for i in range(GOOD):
        a, b = CITIES[i % 10], CITIES[(3 * i + 1) % 10]
        text = f"Talks in {a} ended on Monday. Delegates flew to {b} on October {i % 28 + 1}, 2023."
        if i % 10 == 0:
            text += " Barges on the Danube were stopped."
        if i % 15 == 0:
            text += " Russian officials declined to comment."
        record = {"id": f"n{i:02d}", "date": f"2023-10-{i % 28 + 1:02d}", "text": text}
        if i % 2 == 0:
            record["url"] = f"https://www.news{i % 3}.example/story/{i}"
        lines.append(json.dumps(record))
        if i == 20:
            lines.append("{this line is not JSON")
        if i == 40:
            lines.append(json.dumps({"id": "no-text", "date": "2023-10-01"}))
    # A lone surrogate is valid JSON ("\ud800") but not a character: no UTF-8 output can hold this article.
    lines.append(json.dumps({"id": BAD_ID, "text": "Troops entered Kyiv \ud800 at dawn."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(frame: pd.DataFrame) -> list[dict]:
    rows = frame[list(RECORD_FIELDS)].to_dict("records")
    return sorted(rows, key=lambda r: (r["doc"], r["start"], r["end"], r["id"]))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl")


@pytest.fixture(scope="module")
def first_run(corpus: Path, full_gazetteer, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("batch") / "out"
    summary = run_batch([corpus], out, gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    return out, summary


@pytest.fixture
def copy_of_run(first_run, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(first_run[0], out)
    return out


def test_first_run_counts_and_layout(first_run) -> None:
    out, summary = first_run
    assert (summary.articles, summary.skipped, summary.failures) == (ARTICLES, 0, 3)
    mentions = read_mentions(out)
    assert summary.mentions == len(mentions) > 2 * ARTICLES - 1
    parts = sorted(p.name for p in out.glob("part-*.parquet"))
    assert parts == [p.name for p in part_paths(out)]
    assert summary.parts == len(parts) >= ARTICLES // SMALL["part_size"]
    con = sqlite3.connect(out / MANIFEST_NAME)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == ARTICLES
    assert con.execute("SELECT SUM(mentions) FROM parts").fetchone()[0] == len(mentions)
    con.close()
    assert summary.rate > 0 and summary.seconds > 0
    assert f"{ARTICLES} articles parsed" in str(summary) and ERRORS_NAME in str(summary)


def test_errors_file_names_each_failure(first_run) -> None:
    out, _ = first_run
    errors = [json.loads(line) for line in (out / ERRORS_NAME).read_text(encoding="utf-8").splitlines()]
    read = sorted((e["line"], e["stage"]) for e in errors)
    assert read == [(22, "read"), (43, "read"), (63, "read")]  # two malformed lines, one lone surrogate
    (surrogate,) = [e for e in errors if e["line"] == 63]
    assert surrogate["source"].endswith("news.jsonl") and not surrogate["fatal"]
    assert BAD_ID in surrogate["error"] and "surrogate" in surrogate["error"] and "U+FFFD" in surrogate["error"]
    mentions = read_mentions(out)
    kyiv = mentions[mentions["doc"] == BAD_ID]
    assert list(kyiv["text"]) == ["Kyiv"] and list(kyiv["sentence"]) == ["Troops entered Kyiv \ufffd at dawn."]


def test_parts_are_geoparquet_with_the_gazetteer_stamp(first_run, full_gazetteer) -> None:
    out, _ = first_run
    first = part_paths(out)[0]
    assert read_stamp(first) == full_gazetteer.stamp
    assert b"geo" in pq.read_schema(first).metadata  # GeoParquet's own metadata
    mentions = read_mentions(out)
    assert list(mentions.columns) == [*PART_COLUMNS, "geometry"]
    assert mentions.crs.to_epsg() == 4326
    assert mentions.attrs["gazetteer"] == full_gazetteer.stamp
    kinds = {(r.text, r.kind): r.geometry.geom_type for r in mentions.itertuples()}
    assert kinds[("Danube", "toponym")] == "LineString"  # lines keep their shape
    assert kinds[("Russian", "demonym")] == "Point"  # demonyms are points
    assert kinds[("Paris", "toponym")] == "Point"
    row = mentions[mentions["doc"] == "n00"].iloc[0]
    assert (row["url"], row["source"]) == ("https://www.news0.example/story/0", "news0.example")
    row = mentions[mentions["doc"] == "n01"].iloc[0]
    assert row["source"].endswith("news.jsonl")  # no URL: the file it came from


def test_mentions_equal_a_direct_parse(first_run, corpus: Path, geoparser) -> None:
    out, _ = first_run
    direct = [
        mention_record(m) for a in read_articles([corpus], on_error=lambda p: None) for m in geoparser.parse_article(a)
    ]
    assert records(read_mentions(out)) == records(pd.DataFrame(direct))


def test_rerun_skips_everything(copy_of_run: Path, first_run, corpus: Path, full_gazetteer) -> None:
    before = sorted(p.name for p in copy_of_run.glob("part-*"))
    summary = run_batch([corpus], copy_of_run, gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    assert (summary.articles, summary.skipped, summary.mentions, summary.parts) == (0, ARTICLES, 0, 0)
    assert summary.failures == 3  # failures are retried, and fail again
    assert sorted(p.name for p in copy_of_run.glob("part-*")) == before
    assert records(read_mentions(copy_of_run)) == records(read_mentions(first_run[0]))
    assert len((copy_of_run / ERRORS_NAME).read_text().splitlines()) == 3  # rewritten, not appended


DRIVER = textwrap.dedent(
    """
    import sys
    from geo.batch.run import run_batch

    if __name__ == "__main__":
        corpus, out, index = sys.argv[1:4]
        run_batch([corpus], out, gazetteer_path=index, jobs=2, batch_size=1, part_size=1, progress=False)
    """
)


def _done_articles(out: Path) -> int:
    if not (out / MANIFEST_NAME).exists():
        return 0
    con = sqlite3.connect(out / MANIFEST_NAME)
    try:
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()


def test_run_killed_with_sigkill_resumes_exactly(first_run, corpus: Path, full_gazetteer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(geo.__file__).resolve().parents[1]))
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(corpus), str(out), str(full_gazetteer.path)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        # A second part on disk means the first is committed: the kill lands after some work is done.
        while len(list(out.glob("part-*.parquet"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
        os.kill(proc.pid, signal.SIGKILL)  # the run's own process only, as `kill -9 PID` does
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its workers, which would also stop by themselves
        proc.stderr.close()
    done = _done_articles(out)
    assert 0 < done < ARTICLES, "the kill should land part-way through the run"
    summary = run_batch([corpus], out, gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    assert summary.skipped == done
    assert summary.articles == ARTICLES - done
    resumed = read_mentions(out)
    assert not resumed.duplicated(["doc", "start", "end"]).any()
    assert records(resumed) == records(read_mentions(first_run[0]))


def test_orphan_parts_are_deleted_and_missing_parts_redone(
    copy_of_run: Path, first_run, corpus: Path, full_gazetteer
) -> None:
    parts = part_paths(copy_of_run)
    # A crash between a part's rename and its manifest commit leaves a part the manifest does not know.
    shutil.copy(parts[0], copy_of_run / "part-000999.parquet")
    (copy_of_run / ".part-001000.parquet.x1y2.tmp").write_bytes(b"half a part")
    parts[1].unlink()  # and a part lost after the fact is parsed again
    lost = pq.read_metadata(first_run[0] / parts[1].name).num_rows
    summary = run_batch([corpus], copy_of_run, gazetteer_path=full_gazetteer.path, progress=False, **SMALL)
    assert not (copy_of_run / "part-000999.parquet").exists()
    assert not list(copy_of_run.glob(".part-*"))
    assert summary.mentions == lost and summary.articles > 0
    assert records(read_mentions(copy_of_run)) == records(read_mentions(first_run[0]))


class DyingGeoparser(Geoparser):
    """A geoparser whose process dies on one marked article, as on an out-of-memory kill."""

    def parse_article(self, article):
        if article.id == "n07":
            os._exit(9)
        return super().parse_article(article)


def test_a_worker_that_dies_costs_only_its_article(corpus: Path, full_gazetteer, tmp_path: Path, first_run) -> None:
    subset = tmp_path / "subset.jsonl"
    subset.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:12]), encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(
        [subset],
        out,
        gazetteer_path=full_gazetteer.path,
        jobs=2,
        batch_size=4,
        progress=False,
        geoparser_factory=DyingGeoparser,
    )
    (error,) = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert error["doc"] == "n07" and "worker process died" in error["error"]
    assert summary.articles == 11 and summary.failures == 1
    expected = read_mentions(first_run[0])
    expected = expected[expected["doc"].isin({f"n{i:02d}" for i in range(12)} - {"n07"})]
    assert records(read_mentions(out)) == records(expected)


def test_folder_of_another_configuration_is_refused(copy_of_run: Path, corpus: Path, full_gazetteer) -> None:
    with pytest.raises(InputError, match=r"another gazetteer build or other options.*new output folder"):
        run_batch([corpus], copy_of_run, gazetteer_path=full_gazetteer.path, demonyms=False, progress=False, jobs=1)


def test_second_writer_is_refused(copy_of_run: Path, corpus: Path, full_gazetteer) -> None:
    from filelock import FileLock

    with FileLock(str(copy_of_run / ".geo-batch.lock")), pytest.raises(InputError, match="another run is writing"):
        run_batch([corpus], copy_of_run, gazetteer_path=full_gazetteer.path, progress=False, jobs=1)


def test_foreign_part_files_are_not_deleted(corpus: Path, full_gazetteer, tmp_path: Path) -> None:
    (tmp_path / "part-1.parquet").write_bytes(b"someone else's data")
    with pytest.raises(InputError, match=r"no _manifest\.sqlite"):
        run_batch([corpus], tmp_path, gazetteer_path=full_gazetteer.path, progress=False, jobs=1)
    assert (tmp_path / "part-1.parquet").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"batch_size": 0}, "batch_size is 0"),
        ({"part_size": -1}, "part_size is -1"),
        ({"jobs": 0}, "jobs is 0"),
        ({"scheduler": "tcp://127.0.0.1:1", "dask_local": True}, "not both"),
    ],
)
def test_bad_options_say_what_to_do(options: dict, message: str, corpus: Path, full_gazetteer, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=message):
        run_batch([corpus], tmp_path / "out", gazetteer_path=full_gazetteer.path, progress=False, **options)


def test_aggregate_reads_a_batch_folder(first_run) -> None:
    from geo.batch.aggregates import aggregate

    out, summary = first_run
    table = aggregate(out, by="week")
    assert table["count"].sum() == summary.mentions
    assert {"news0.example", "news1.example", "news2.example"} <= set(table["source"])
    paris = table[(table["name"] == "Paris") & (table["kind"] == "toponym")]
    mentions = read_mentions(out)
    assert paris["count"].sum() == ((mentions["name"] == "Paris") & (mentions["kind"] == "toponym")).sum()
    assert paris["articles"].sum() <= paris["count"].sum()


def test_worker_with_another_index_build_stops_the_run(tiny_index: Path) -> None:
    from geo.batch.run import _build_parser, _Spec
    from geo.errors import GazetteerError

    spec = _Spec(str(tiny_index), "0" * 64, True, None, None)
    with pytest.raises(GazetteerError, match=r"another build than the one this run started with.*rebuild"):
        _build_parser(spec)
    spec = _Spec(str(tiny_index.parent / "missing.sqlite"), "0" * 64, True, None, None)
    with pytest.raises(
        GazetteerError, match=r"cannot open the gazetteer index.*reachable at this path on every worker"
    ):
        _build_parser(spec)
