"""Batch keys that do not depend on position: a changed input, resumed, ends with every article's mentions once.

Real batch runs on the local process pool over the fixture gazetteer (fifteen places, quick to load).
Every article carries its own report number, so each mention can be traced to the article it came from.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.batch.run import ERRORS_NAME, MANIFEST_NAME, read_mentions, run_batch
from geo.errors import InputError
from geo.gazetteer.index import Gazetteer
from geo.parsing.pipeline import Geoparser

PLACES = ["Moscow", "Istanbul", "Alexandria, Louisiana", "Springfield", "St. Louis", "Turkey"]
REPORT = re.compile(r"Report (\d+)")


def story(n: int) -> str:
    first, later = PLACES[n % len(PLACES)], PLACES[(n + 2) % len(PLACES)]
    return f"Report {n}: talks in {first} went on. Delegates later met in {later}."


@pytest.fixture(scope="module")
def parser(tiny_index: Path) -> Geoparser:
    return Geoparser(Gazetteer(tiny_index))


def run(tiny_index: Path, paths: list[Path], out: Path, **options):
    return run_batch(
        paths, out, gazetteer_path=tiny_index, jobs=1, batch_size=2, part_size=3, progress=False, **options
    )


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def prepend(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + path.read_text(encoding="utf-8"), encoding="utf-8")


def expected_count(parser: Geoparser, n: int) -> int:
    return len(parser.parse_text(story(n)))


def assert_exactly_once(out: Path, parser: Geoparser, articles: dict[tuple[str, int], int] | None = None) -> None:
    """Each (source file, report) has its article's mentions once, under one id that names nothing else.

    ``articles`` maps (source file name, report) to how many copies of that article the input holds there.
    """
    mentions = read_mentions(out)
    assert not mentions.duplicated(["doc", "start", "end"]).any()
    # An article without a title is given its lead sentence, which holds its report number.
    reports = mentions["title"].map(lambda title: int(REPORT.search(title).group(1)))
    origin = list(zip(mentions["source"].map(lambda s: Path(s).name), reports, strict=True))
    # One id, one article: every mention of an id comes from one report in one file.
    by_doc: dict[str, set] = {}
    for doc, where in zip(mentions["doc"], origin, strict=True):
        by_doc.setdefault(doc, set()).add(where)
    assert all(len(found) == 1 for found in by_doc.values()), by_doc
    counts = Counter(origin)
    if articles is not None:
        assert set(counts) == set(articles)
        for (name, n), copies in articles.items():
            assert counts[(name, n)] == copies * expected_count(parser, n), (name, n)


def test_prepending_to_an_id_less_file_parses_only_the_new_line(
    tiny_index: Path, parser: Geoparser, tmp_path: Path
) -> None:
    feed = write_jsonl(tmp_path / "in" / "feed.jsonl", [{"text": story(n)} for n in (1, 2, 3)])
    out = tmp_path / "out"
    first = run(tiny_index, [feed], out)
    assert (first.articles, first.failures) == (3, 0)
    prepend(feed, [{"text": story(4)}])
    second = run(tiny_index, [feed], out)
    assert (second.articles, second.skipped, second.failures) == (1, 3, 0)
    assert_exactly_once(out, parser, {("feed.jsonl", n): 1 for n in (1, 2, 3, 4)})
    docs = read_mentions(out).groupby("doc")["title"].first()
    # The new first line wanted 'feed:1', which the folder had given to report 1 already.
    assert REPORT.search(docs["feed:1"]).group(1) == "1"
    assert sum(doc.startswith("feed:1#") for doc in docs.index) == 1


def test_a_second_index_txt_in_another_folder(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "b").mkdir(parents=True)
    (root / "b" / "index.txt").write_text(story(1), encoding="utf-8")
    out = tmp_path / "out"
    run(tiny_index, [root], out)
    (root / "a").mkdir()
    (root / "a" / "index.txt").write_text(story(2), encoding="utf-8")  # read first from now on
    again = run(tiny_index, [root], out)
    assert (again.articles, again.skipped) == (1, 1)
    assert_exactly_once(out, parser, {("index.txt", 1): 1, ("index.txt", 2): 1})
    assert len(set(read_mentions(out)["doc"])) == 2
    rerun = run(tiny_index, [root], out)
    assert (rerun.articles, rerun.skipped) == (0, 2)


def test_the_same_text_under_two_sources_is_two_articles(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    one = write_jsonl(tmp_path / "one" / "wire.jsonl", [{"text": story(5)}])
    two = write_jsonl(tmp_path / "two" / "copy.jsonl", [{"text": story(5)}])
    out = tmp_path / "out"
    summary = run(tiny_index, [one, two], out)
    assert summary.articles == 2
    assert_exactly_once(out, parser, {("wire.jsonl", 5): 1, ("copy.jsonl", 5): 1})
    # Within one file the same record twice is one article: its key is its file and its content.
    write_jsonl(one, [{"text": story(5)}, {"text": story(5)}])
    again = run(tiny_index, [one, two], out)
    assert (again.articles, again.skipped) == (0, 3)


def test_explicit_ids_are_keys_wherever_the_record_moves(tiny_index: Path, parser: Geoparser, tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": f"r{n}", "text": story(n)} for n in (1, 2)])
    out = tmp_path / "out"
    run(tiny_index, [feed], out)
    moved = write_jsonl(
        tmp_path / "moved" / "other.jsonl", [{"id": "r3", "text": story(3)}, {"id": "r2", "text": story(2)}]
    )
    feed.write_text(json.dumps({"id": "r1", "text": story(1)}) + "\n", encoding="utf-8")
    again = run(tiny_index, [moved, feed], out)
    assert (again.articles, again.skipped, again.failures) == (1, 2, 0)
    mentions = read_mentions(out)
    assert set(mentions["doc"]) == {"r1", "r2", "r3"}
    assert not mentions.duplicated(["doc", "start", "end"]).any()


def test_an_id_that_names_another_article_is_reported_not_parsed(
    tiny_index: Path, parser: Geoparser, tmp_path: Path
) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "r1", "text": story(1)}])
    out = tmp_path / "out"
    run(tiny_index, [feed], out)
    before = read_mentions(out)
    write_jsonl(feed, [{"id": "r1", "text": story(7)}, {"id": "r8", "text": story(8)}])
    again = run(tiny_index, [feed], out)
    assert (again.articles, again.failures) == (1, 1)
    [clash] = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert clash["doc"] == "r1" and "already names another article" in clash["error"]
    assert clash["source"].endswith("feed.jsonl:1")
    after = read_mentions(out)
    assert after[after["doc"] == "r1"]["title"].tolist() == before["title"].tolist()
    # In one run too: the second article of an id is reported, the first kept.
    out2 = tmp_path / "out2"
    write_jsonl(feed, [{"id": "r1", "text": story(1)}, {"id": "r1", "text": story(2)}, {"id": "r1", "text": story(1)}])
    once = run(tiny_index, [feed], out2)
    assert (once.articles, once.skipped, once.failures) == (1, 1, 1)
    assert {REPORT.search(s).group(1) for s in read_mentions(out2)["title"]} == {"1"}


def test_a_folder_of_the_older_positional_keys_is_refused(tiny_index: Path, tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"text": story(1)}])
    out = tmp_path / "out"
    run(tiny_index, [feed], out)
    con = sqlite3.connect(out / MANIFEST_NAME)
    config = json.loads(con.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    old = {k: config[k] for k in ("gazetteer", "demonyms", "rules")} | {"format": "1"}
    con.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(old, sort_keys=True),))
    con.commit()
    con.close()
    with pytest.raises(InputError, match=r"older version of geo \(batch format 1\).*new output folder"):
        run(tiny_index, [feed], out)
    assert len(read_mentions(out)) > 0  # still readable


def test_other_reading_options_are_refused_and_named(tiny_index: Path, tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"text": story(1)}])
    out = tmp_path / "out"
    run(tiny_index, [feed], out)
    with pytest.raises(InputError, match=r"other options \(--date\)"):
        run(tiny_index, [feed], out, default_date="2020-01-01")
    with pytest.raises(InputError, match=r"--max-chars"):
        run(tiny_index, [feed], out, max_chars=5000)


# -- the property ---------------------------------------------------------------------------------

# A change to the input between two runs: new records on top of the feed, a new folder with its own
# index.txt, a copy of the feed in a new folder, or records with ids put in front of the others.
CHANGES = st.sampled_from(["prepend", "index", "copy", "ids"])


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(1, 3), changes=st.lists(st.tuples(CHANGES, st.integers(1, 2)), min_size=1, max_size=3))
def test_runs_over_a_changing_input_end_with_every_article_once(
    tiny_index: Path, parser: Geoparser, first: int, changes: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root, out = Path(folder, "in"), Path(folder, "out")
        numbers = iter(range(1, 1000))
        feed = write_jsonl(root / "feed.jsonl", [{"text": story(next(numbers))} for _ in range(first)])
        ids = write_jsonl(root / "ids" / "ids.jsonl", [])
        run(tiny_index, [root], out)
        for step, (change, count) in enumerate(changes):
            fresh = [next(numbers) for _ in range(count)]
            if change == "prepend":
                prepend(feed, [{"text": story(n)} for n in fresh])
            elif change == "index":
                (root / f"d{step}").mkdir()
                (root / f"d{step}" / "index.txt").write_text(story(fresh[0]), encoding="utf-8")
            elif change == "copy":
                (root / f"c{step}").mkdir()
                shutil.copy(feed, root / f"c{step}" / "feed.jsonl")
            else:
                prepend(ids, [{"id": f"id-{n}", "text": story(n)} for n in fresh])
            run(tiny_index, [root], out)
        expected: Counter = Counter()
        for path in root.rglob("*.*"):
            for n in map(int, REPORT.findall(path.read_text(encoding="utf-8"))):
                expected[(path.name, n)] += 1
        assert_exactly_once(out, parser, dict(expected))
        final = run(tiny_index, [root], out)
        assert (final.articles, final.failures) == (0, 0)
