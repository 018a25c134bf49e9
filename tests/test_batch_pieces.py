"""Batch runs whose workers read their own input: pieces planned without parsing, articles admitted at commit.

The planner (geo.parsing.articles.plan_input) cuts the input into pieces; workers read them
(read_piece), key and parse the articles; the run's process admits each article by key, in
input order, when its unit's result comes back. Real runs on the local process pool over the
fixture gazetteer, real processes killed with signals.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.batch.run import ERRORS_NAME, read_mentions, run_batch
from geo.gazetteer.index import Gazetteer
from geo.model import Article
from geo.parsing.articles import ArticleProblem, InputPiece, plan_input, read_articles, read_piece
from geo.parsing.pipeline import Geoparser

PLACES = ["Moscow", "Istanbul", "Springfield", "St. Louis", "Turkey"]
REPORT = re.compile(r"Report (\d+)")


def story(n: int) -> str:
    return f"Report {n}: talks in {PLACES[n % len(PLACES)]} went on. Delegates later met in {PLACES[(n + 2) % 5]}."


def run(tiny_index: Path, paths: list[Path], out: Path, **options):
    settings = {"jobs": 1, "batch_size": 2, "part_size": 3, "progress": False} | options
    return run_batch(paths, out, gazetteer_path=tiny_index, **settings)


def reports(out: Path) -> Counter:
    """How many mentions each (doc, report) has in the folder."""
    mentions = read_mentions(out)
    assert not mentions.duplicated(["doc", "start", "end"]).any()
    return Counter(zip(mentions["doc"], mentions["title"].map(lambda t: int(REPORT.search(t).group(1))), strict=True))


@pytest.fixture(scope="module")
def parser(tiny_index: Path) -> Geoparser:
    return Geoparser(Gazetteer(tiny_index))


# -- planning and reading pieces ------------------------------------------------------------------


def read_in_pieces(paths: list[Path], problems: list[ArticleProblem], **options) -> list[Article]:
    articles = []
    for item in plan_input(paths, on_error=problems.append, **options):
        if isinstance(item, InputPiece):
            articles.extend(read_piece(item, on_error=problems.append))
        else:
            articles.append(item)
    return articles


def fields(article: Article) -> tuple:
    return (article.text, article.published, article.title, article.url, article.source, article.origin)


LINES = st.lists(
    st.one_of(
        st.builds(lambda n: json.dumps({"text": story(n)}), st.integers(0, 99)),
        st.builds(
            lambda n: json.dumps({"id": f"r{n % 3}", "text": story(n), "date": "2024-02-30"}), st.integers(0, 99)
        ),
        st.sampled_from(["", "   ", "{not json", "[1, 2]", json.dumps({"id": "x"}), json.dumps({"text": "caf\udcff"})]),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=LINES,
    ends=st.sampled_from(["\n", "\r\n", "\r"]),
    last_end=st.booleans(),
    per_piece=st.integers(1, 4),
    gzipped=st.booleans(),
    bom=st.booleans(),
)
def test_pieces_of_a_json_lines_file_read_as_the_whole_file(
    tmp_path: Path, lines: list[str], ends: str, last_end: bool, per_piece: int, gzipped: bool, bom: bool
) -> None:
    body = ends.join(lines) + (ends if last_end and lines else "")
    data = ("\ufeff" if bom else "").encode() + body.encode("utf-8", "surrogatepass")
    path = tmp_path / ("feed.jsonl.gz" if gzipped else "feed.jsonl")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    whole: list[ArticleProblem] = []
    pieces: list[ArticleProblem] = []
    expected = list(read_articles([path], on_error=whole.append))
    got = read_in_pieces([path], pieces, lines_per_piece=per_piece)
    assert [fields(a) for a in got] == [fields(a) for a in expected]
    # Ids given by position are the same; a repeated id gets its "#2" within a piece only (the folder renames).
    assert [a.id for a in got if a.origin.startswith("file:")] == [
        a.id for a in expected if a.origin.startswith("file:")
    ]
    assert sorted(map(str, pieces)) == sorted(map(str, whole))


@pytest.mark.parametrize("decompressor", ["isal", "zlib"])
def test_a_damaged_archive_is_cut_as_far_as_it_reads_with_either_decompressor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decompressor: str
) -> None:
    from geo.parsing import articles

    if decompressor == "zlib":
        monkeypatch.setattr(articles, "_isal_gzip", None)  # as where isal is not installed
    else:
        pytest.importorskip("isal")
    packed = gzip.compress("".join(json.dumps({"text": story(n)}) + "\n" for n in range(3000)).encode())
    for data, lines in ((packed, 3000), (packed[: len(packed) // 2], None)):
        path = tmp_path / "feed.jsonl.gz"
        path.write_bytes(data)
        whole: list[ArticleProblem] = []
        pieces: list[ArticleProblem] = []
        expected = list(read_articles([path], on_error=whole.append))
        got = read_in_pieces([path], pieces, lines_per_piece=7)
        assert [(a.id, *fields(a)) for a in got] == [(a.id, *fields(a)) for a in expected]
        assert len(got) == lines if lines else 0 < len(got) < 3000
        assert [(p.source, p.fatal) for p in pieces] == [(p.source, p.fatal) for p in whole]
        assert all("cannot read the file" in p.message for p in pieces)


def test_pieces_of_folders_and_other_formats_read_as_the_files(tmp_path: Path) -> None:
    (tmp_path / "site" / "b").mkdir(parents=True)
    (tmp_path / "site" / "a.txt").write_text("date 2024-01-02\n" + story(1), encoding="utf-8")
    (tmp_path / "site" / "b" / "c.html").write_text(f"<title>T</title><p>{story(2)}</p>", encoding="utf-8")
    (tmp_path / "site" / "b" / "d.csv").write_text(f'id,text\nc1,"{story(3)}"\nc2,"{story(4)}"\n', encoding="utf-8")
    (tmp_path / "site" / "b" / "e.md.gz").write_bytes(gzip.compress(f"# Head\n{story(5)}".encode()))
    (tmp_path / "site" / "b" / "f.jsonl").write_bytes(json.dumps({"text": story(6)}).encode("utf-16"))  # not cut
    (tmp_path / "site" / "b" / "g.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # binary: reported
    (tmp_path / "empty").mkdir()
    sources = [tmp_path / "site", tmp_path / "missing.jsonl", tmp_path / "empty"]
    for options in ({"files_per_piece": 1}, {"files_per_piece": 2, "carry_bytes": True}, {"largest_whole_file": 10}):
        whole: list[ArticleProblem] = []
        pieces: list[ArticleProblem] = []
        expected = list(read_articles(sources, on_error=whole.append))
        got = read_in_pieces(sources, pieces, **options)
        assert [(a.id, *fields(a)) for a in got] == [(a.id, *fields(a)) for a in expected]
        assert len(expected) == 6
        assert sorted(map(str, pieces)) == sorted(map(str, whole))
        assert {p.source for p in pieces if p.fatal} == {
            str(tmp_path / "site" / "b" / "g.txt"),
            str(tmp_path / "missing.jsonl"),
            str(tmp_path / "empty"),
        }


def test_whole_files_are_grouped_by_count_and_by_bytes(tmp_path: Path) -> None:
    for n in range(7):
        (tmp_path / f"{n}.txt").write_text(story(n).ljust(100), encoding="utf-8")
    (tmp_path / "big.txt").write_text(story(9) * 20, encoding="utf-8")  # over the limit: read by the planner
    items = list(plan_input([tmp_path], files_per_piece=4, largest_whole_file=250))
    assert [len(i.paths) if isinstance(i, InputPiece) else i.id for i in items] == [3, 3, 1, "big"]
    items = list(plan_input([tmp_path], files_per_piece=2, largest_whole_file=10_000))
    assert [len(i.paths) for i in items] == [2, 2, 2, 2]  # 0-1, 2-3, 4-5, 6 and big.txt


def test_relative_paths_are_read_from_the_planners_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "one.txt").write_text(story(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    [piece] = plan_input(["in"])
    monkeypatch.chdir(tmp_path.parent)  # a worker started elsewhere
    [article] = read_piece(piece)
    assert article.source == os.path.join("in", "one.txt")
    assert article.origin == f"file:{tmp_path / 'in' / 'one.txt'}"


# -- admitting at commit ---------------------------------------------------------------------------


def test_copies_in_other_units_are_written_once_the_first_in_the_input(
    tiny_index: Path, parser: Geoparser, tmp_path: Path
) -> None:
    # Units of two lines: each copy below sits in another unit than its first.
    records = [
        {"id": "r1", "text": story(1)},
        {"text": story(2)},
        {"id": "r3", "text": story(3)},
        {"id": "r1", "text": story(1)},  # the same article again: skipped
        {"text": story(2)},  # the same id-less record again, in the same file: one article
        {"id": "r3", "text": story(9)},  # the id of another article: reported, not parsed
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(tiny_index, [feed], out, jobs=2)
    assert (summary.articles, summary.skipped, summary.failures) == (3, 2, 1)
    found = reports(out)
    assert set(found) == {("r1", 1), ("feed:2", 2), ("r3", 3)}
    assert all(found[(doc, n)] == len(parser.parse_text(story(n))) for doc, n in found)
    [clash] = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert clash["doc"] == "r3" and clash["source"].endswith("feed.jsonl:6") and "already names" in clash["error"]
    again = run(tiny_index, [feed], out, jobs=2)
    assert (again.articles, again.skipped, again.failures) == (0, 5, 1)


def test_an_id_given_in_another_unit_is_renamed_at_commit(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    # Two index.txt in two folders, read in two units: the second wants the id the first was given.
    for folder, n in (("a", 1), ("b", 2)):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "index.txt").write_text(story(n), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(tiny_index, [tmp_path / "in"], out, batch_size=1)
    assert (summary.articles, summary.failures) == (2, 0)
    found = reports(out)
    docs = dict(found.keys())
    assert docs["index"] == 1 and len(docs) == 2
    [renamed] = set(docs) - {"index"}
    assert renamed.startswith("index#") and docs[renamed] == 2
    assert found[(renamed, 2)] == len(parser.parse_text(story(2)))


class FileChangingGeoparser(Geoparser):
    """Changes files of the input the run has listed (and perhaps planned) but not read yet."""

    def parse_article(self, article):
        root = Path(article.origin.removeprefix("file:")).parent
        if article.text.startswith("Report 41:") and (root / "2.txt").exists():
            # Replaced, as tools update files: a reader that has it open goes on with the old one.
            feed = root / "0feed.jsonl"
            (root / "new.tmp").write_text(json.dumps({"text": story(40)}) + "\n" + feed.read_text(encoding="utf-8"))
            os.replace(root / "new.tmp", feed)
        if article.text.startswith("Report 43:") and (root / "2.txt").exists():
            (root / "1.txt").write_text(story(11), encoding="utf-8")
            (root / "2.txt").unlink()
        return super().parse_article(article)


def test_files_that_change_between_plan_and_read(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "0feed.jsonl").write_text("".join(json.dumps({"text": story(n)}) + "\n" for n in (41, 42, 43)))
    for n in (1, 2, 3):
        (root / f"{n}.txt").write_text(story(n), encoding="utf-8")
    out = tmp_path / "out"
    # One worker, one article a unit. The feed's lines are taken when its first piece is planned: the line
    # put on top of it (a new file in its place) while report 41 is parsed is not read. Whole files are read
    # when their unit runs: 1.txt as it is then; 2.txt (listed already) is gone, and said so by name.
    summary = run(tiny_index, [root], out, batch_size=1, geoparser_factory=FileChangingGeoparser)
    assert (summary.articles, summary.failures, summary.unreadable) == (5, 1, 1)
    [gone] = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert gone["source"].endswith("2.txt") and gone["fatal"] and "cannot read the file" in gone["error"]
    assert {n for _, n in reports(out)} == {41, 42, 43, 11, 3}
    again = run(tiny_index, [root], out, batch_size=1)
    assert (again.articles, again.skipped, again.failures) == (1, 5, 0)  # the line put on top of the feed
    assert {n for _, n in reports(out)} == {40, 41, 42, 43, 11, 3}


# -- processes killed in the middle of a unit ----------------------------------------------------


class StallingOnceGeoparser(Geoparser):
    """On report 5, writes its pid to a file beside the input and stalls, the first time only."""

    def parse_article(self, article):
        # Beside the input: a forkserver's workers do not see the environment the test sets.
        marker = Path(article.origin.removeprefix("file:")).parent / "stalled.pid"
        if article.text.startswith("Report 5:") and not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(60)
        return super().parse_article(article)


def test_a_worker_killed_in_the_middle_of_a_unit_loses_and_doubles_nothing(
    tiny_index: Path, parser: Geoparser, tmp_path: Path
) -> None:
    marker = tmp_path / "stalled.pid"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"text": story(n)}) + "\n" for n in range(12)))

    def kill_the_stalled_worker() -> None:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        os.kill(int(marker.read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill_the_stalled_worker)
    killer.start()
    out = tmp_path / "out"
    summary = run(tiny_index, [feed], out, jobs=2, batch_size=4, geoparser_factory=StallingOnceGeoparser)
    killer.join()
    # The unit that held report 5 is redone an article at a time; report 5 parses the second time.
    assert (summary.articles, summary.failures) == (12, 0)
    found = reports(out)
    assert set(found) == {(f"feed:{n + 1}", n) for n in range(12)}
    assert all(found[(f"feed:{n + 1}", n)] == len(parser.parse_text(story(n))) for n in range(12))


KILL_DRIVER = """
import sys
from geo.batch.run import run_batch

if __name__ == "__main__":
    feed, out, index = sys.argv[1:4]
    run_batch([feed], out, gazetteer_path=index, jobs=2, batch_size=5, part_size=2, progress=False)
"""


def test_a_run_killed_with_units_in_flight_resumes_exactly(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    numbers = range(400)
    # Copies of earlier records among the others: admitted at commit, also across the kill.
    lines = [json.dumps({"text": story(n)}) for n in numbers] + [json.dumps({"text": story(n)}) for n in (3, 150)]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    driver = tmp_path / "driver.py"
    driver.write_text(KILL_DRIVER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(geo.__file__).resolve().parents[1]))
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(feed), str(out), str(tiny_index)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("part-*.parquet"))) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    summary = run(tiny_index, [feed], out, jobs=2, batch_size=5, part_size=2)
    assert summary.skipped > 0 and summary.articles + summary.skipped == len(lines)
    found = reports(out)
    assert {n for _, n in found} == set(numbers)
    assert len(found) == len(numbers)  # each report under one id: the copies were dropped
    assert all(count == len(parser.parse_text(story(n))) for (_, n), count in found.items())


def test_the_progress_bar_counts_the_input_as_the_planner_cuts_it(tmp_path: Path) -> None:
    import io

    from tqdm import tqdm

    from geo.batch.run import _Counter

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps({"text": story(n)}) + "\n" for n in range(25)).encode())
    )
    (tmp_path / "in" / "one.txt").write_text(story(30), encoding="utf-8")
    (tmp_path / "in" / "rows.csv").write_text(f'text\n"{story(31)}"\n"{story(32)}"\n', encoding="utf-8")
    bar = tqdm(total=None, file=io.StringIO())
    reading = {"encoding": None, "text_column": "text", "date_column": "date", "id_column": "id"}
    counter = _Counter([str(tmp_path / "in")], None, bar, reading | {"title_column": "title", "url_column": "url"})
    counter.thread.join(timeout=60)
    assert bar.total == 25 + 1 + 2


def test_a_piece_no_worker_can_read_is_recorded_by_its_files(tiny_index: Path) -> None:
    from geo.batch.run import _one_by_one, _run_unit, _Spec, _stamp_hash, _Unit

    gazetteer = Gazetteer(tiny_index)
    spec = _Spec(str(tiny_index), _stamp_hash(gazetteer.stamp), True, None, None, config_digest=b"\0" * 32)
    lines = (json.dumps({"text": story(1)}) + "\n").encode()
    # A piece its reader fails on as a whole (here: a codec that does not exist), run as a worker runs it.
    broken = _Unit(piece=InputPiece(("/data/feed.jsonl",), "/", (lines,), 41, "no-such-codec"))
    outcome = _one_by_one(broken, lambda unit: _error_of(lambda: _run_unit(spec, unit)))
    [record] = outcome.problems
    assert outcome.entries == [] and record["fatal"] and record["stage"] == "read"
    assert record["source"] == "/data/feed.jsonl (from line 41)" and "LookupError" in record["error"]
    # The same piece readable: listed, then each article parsed alone.
    fine = _Unit(piece=InputPiece(("/data/feed.jsonl",), "/", (lines * 2,), 41, "utf-8"))
    outcome = _one_by_one(fine, lambda unit: _error_of(lambda: _run_unit(spec, unit)))
    assert [(e.doc, e.parsed) for e in outcome.entries] == [("feed:41", True), ("feed:42", True)]


def _error_of(call):
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - handed back as an engine hands back a task's error
        return err


def test_a_pipe_is_read_once_by_the_run_itself(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    # As bash's <(zcat news.jsonl.gz) gives it: a workers' process could neither open it nor read it again.
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    payload = "".join(json.dumps({"text": story(n)}) + "\n" for n in range(5))

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write(payload)

    writer = threading.Thread(target=feed)
    writer.start()
    summary = run(tiny_index, [fifo], tmp_path / "out", jobs=2)
    writer.join(timeout=30)
    assert (summary.articles, summary.failures) == (5, 0)
    assert {n for _, n in reports(tmp_path / "out")} == set(range(5))
