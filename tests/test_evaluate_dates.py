"""Tests for geo.evaluate.dates: the TimeML reader, the counting rules and ``geo evaluate-dates``."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import InputError
from geo.evaluate.dates import (
    TimemlDocument,
    evaluate_dates,
    read_timeml,
    read_timeml_folder,
    score_dates,
    timex_kind,
)
from geo.parsing.dates import DatedSentence, date_sentences

# The development corpus next to the repository (or wherever GEO_TIMEML_DIR points).
TIMEML = Path(
    os.environ.get("GEO_TIMEML_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpora" / "timeml-aquaint")
)


def tml(dct: str, body: str, docid: str = "TEST001") -> str:
    return (
        '<?xml version="1.0" ?>\n<TimeML>\n<DOCID>' + docid + "</DOCID>\n"
        f'<DCT><TIMEX3 tid="t0" type="TIME" value="{dct}" functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n'
        "<TITLE>A title with Monday in it</TITLE>\n"
        f"<TEXT>{body}</TEXT>\n"
        '<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST"/>\n</TimeML>\n'
    )


# Published on a Friday. Gold: Wednesday (right), "next Tuesday" (future, right),
# "Aug. 7" (wrong on purpose: the sentence's main clause is dated Thursday),
# "last week" (a week, not scored but counts for precision), a year.
BODY = (
    "\nCAIRO (AP) _\n\n"
    'Rebels <EVENT eid="e1" class="OCCURRENCE">attacked</EVENT> the town '
    '<TIMEX3 tid="t1" type="DATE" value="1998-08-12">Wednesday</TIMEX3>.\n\n'
    'Talks will resume <TIMEX3 tid="t2" type="DATE" value="1998-08-18">next Tuesday</TIMEX3>.\n\n'
    'Officials said <TIMEX3 tid="t3" type="DATE" value="1998-08-13">Thursday</TIMEX3> that the '
    '<TIMEX3 tid="t4" type="DATE" value="1998-08-07">Aug. 7</TIMEX3> raid failed.\n\n'
    'Prices rose <TIMEX3 tid="t5" type="DATE" value="1998-W32">last week</TIMEX3>.\n\n'
    'The town was founded in <TIMEX3 tid="t6" type="DATE" value="1850">1850</TIMEX3>.\n\n'
    'Nothing else happened <TIMEX3 tid="t7" type="TIME" value="1998-08-14TNI">tonight</TIMEX3>.\n\n'
    "Yesterday the shops closed.\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- reading


def test_reader_strips_tags_and_keeps_offsets(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path, "a.tml", tml("1998-08-14", BODY)))
    assert doc.id == "TEST001"
    assert doc.published == dt.date(1998, 8, 14)
    assert "<" not in doc.text and "attacked the town Wednesday." in doc.text
    assert "A title" not in doc.text  # only <TEXT> is the article
    assert [t.words for t in doc.timexes] == [
        "Wednesday", "next Tuesday", "Thursday", "Aug. 7", "last week", "1850", "tonight",
    ]  # fmt: skip
    for timex in doc.timexes:
        assert doc.text[timex.start : timex.end] == timex.words
    assert [t.type for t in doc.timexes][-1] == "TIME"
    assert doc.timexes[3].value == "1998-08-07"


def test_reader_cuts_a_time_of_day_off_the_publication_date(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path, "a.tml", tml("1998-10-25T21:57", "It rained.")))
    assert doc.published == dt.date(1998, 10, 25)


def test_reader_keeps_offsets_of_nested_tags(tmp_path: Path) -> None:
    body = (
        'On <TIMEX3 tid="t1" type="DATE" value="2000-01-03"><SIGNAL sid="s1">the</SIGNAL> 3rd</TIMEX3> it &amp; rain.'
    )
    doc = read_timeml(write(tmp_path, "a.tml", tml("2000-01-05", body)))
    assert doc.text == "On the 3rd it & rain."
    assert doc.text[doc.timexes[0].start : doc.timexes[0].end] == "the 3rd"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<TimeML><TEXT>x</TEXT>", "not a readable TimeML file"),
        ('<TimeML><DCT><TIMEX3 value="1998-08-14"/></DCT></TimeML>', "no <TEXT>"),
        ("<TimeML><TEXT>x</TEXT></TimeML>", "no publication day"),
        ('<TimeML><DCT><TIMEX3 value="PRESENT_REF"/></DCT><TEXT>x</TEXT></TimeML>', "expected YYYY-MM-DD"),
        ('<TimeML><DCT><TIMEX3 value="1998-02-30"/></DCT><TEXT>x</TEXT></TimeML>', "not a valid day"),
    ],
)
def test_reader_names_the_file_and_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "bad.tml", content)
    with pytest.raises(InputError, match=message) as err:
        read_timeml(path)
    assert str(path) in str(err.value)


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        list(read_timeml_folder(tmp_path / "missing"))
    with pytest.raises(InputError, match=r"no \.tml files"):
        list(read_timeml_folder(tmp_path))


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("Aug. 7, 1998", "absolute"),
        ("1998-08-07", "absolute"),
        ("Aug. 7", "day-month"),
        ("the 7th of August", "day-month"),
        ("Friday", "weekday"),
        ("last Friday", "weekday"),
        ("Thursday morning", "weekday"),
        ("today", "relative"),
        ("two days ago", "relative"),
        ("the next morning", "relative"),
        ("Thanksgiving Day", "other"),
        ("the weekend", "other"),
    ],
)
def test_timex_kind(words: str, kind: str) -> None:
    assert timex_kind(words) == kind


# ----------------------------------------------------------------------------- counting


def test_scores_of_a_small_document(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path, "a.tml", tml("1998-08-14", BODY)))
    scores = score_dates([doc], keep_misses=True)
    part = scores.parts["all"]
    assert (part.full_day.right, part.full_day.total) == (3, 4)
    assert (part.kinds["weekday"].right, part.kinds["weekday"].total) == (3, 3)
    assert (part.kinds["day-month"].right, part.kinds["day-month"].total) == (0, 1)
    assert (part.sides["after"].right, part.sides["after"].total) == (1, 1)
    assert (part.sides["before"].right, part.sides["before"].total) == (2, 3)
    # Sentences with a gold DATE and a text date: Wednesday, next Tuesday, Thursday, last week (in W32).
    assert (part.precision.right, part.precision.total) == (4, 4)
    # Sentences with no gold DATE or TIME: the dateline and "Yesterday the shops closed."
    assert (part.spurious.right, part.spurious.total) == (1, 2)
    assert [m["words"] for m in scores.misses] == ["Aug. 7"]
    assert scores.misses[0]["date"] == "1998-08-13"


@pytest.mark.parametrize(
    ("value", "right"),
    [
        ("1998-08-13TNI", True),  # "Thursday night" names Thursday
        ("1998-08-13T09:00", True),  # "9 a.m. Thursday" too
        ("1998-08-12TEV", False),  # another day's evening does not
        ("1998-W33-WE", False),  # Thursday 13 August is not in the weekend of its week
        ("1998-W33", True),
        ("1998", False),
    ],
)
def test_precision_takes_a_day_with_a_time_of_day_as_that_day(tmp_path: Path, value: str, right: bool) -> None:
    body = f'Rebels attacked the town <TIMEX3 tid="t1" type="DATE" value="{value}">Thursday night</TIMEX3>.'
    part = score_dates([read_timeml(write(tmp_path, "a.tml", tml("1998-08-14", body)))]).parts["all"]
    assert (part.precision.right, part.precision.total) == (int(right), 1)
    assert part.full_day.total == 0  # not a full-day value: not scored for accuracy


@pytest.mark.parametrize(("value", "right"), [("1998-W32-WE", True), ("1998-W33-WE", False), ("1998-W32", True)])
def test_precision_takes_a_weekend_day_as_in_the_gold_weekend(tmp_path: Path, value: str, right: bool) -> None:
    # Published Friday 14 August 1998: "over the weekend" in the past is Saturday 8 August, in week 32.
    body = f'Talks broke down over <TIMEX3 tid="t1" type="DATE" value="{value}">the weekend</TIMEX3>.'
    part = score_dates([read_timeml(write(tmp_path, "a.tml", tml("1998-08-14", body)))]).parts["all"]
    assert (part.precision.right, part.precision.total) == (int(right), 1)


def test_a_wrong_model_scores_zero(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path, "a.tml", tml("1998-08-14", BODY)))

    def always_published(text: str, published: dt.date) -> list[DatedSentence]:
        return [DatedSentence(s.start, s.end, published, "published", "") for s in date_sentences(text, published)]

    part = score_dates([doc], always_published).parts["all"]
    assert part.full_day.right == 0 and part.full_day.total == 4
    assert part.precision.total == 0 and part.spurious.right == 0


def test_halves_take_odd_and_even_documents(tmp_path: Path) -> None:
    right = tml("1998-08-14", 'It rained <TIMEX3 tid="t1" type="DATE" value="1998-08-13">yesterday</TIMEX3>.')
    wrong = tml("1998-08-14", 'It rained <TIMEX3 tid="t1" type="DATE" value="1998-08-01">Thursday</TIMEX3>.')
    for number, text in enumerate([right, wrong, right], start=1):
        write(tmp_path, f"doc{number}.tml", text)
    scores = evaluate_dates(tmp_path)
    assert scores.parts["all"].documents == 3
    assert (scores.parts["odd"].full_day.right, scores.parts["odd"].full_day.total) == (2, 2)
    assert (scores.parts["even"].full_day.right, scores.parts["even"].full_day.total) == (0, 1)
    report = scores.as_dict()
    assert report["all"]["full_day"] == {"right": 2, "total": 3, "share": 0.6667}
    assert set(report["all"]["by_kind"]) == {"absolute", "day-month", "weekday", "relative", "other"}
    assert "full-day accuracy" in scores.format()


def test_a_bad_file_is_skipped_and_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(
        tmp_path, "a.tml", tml("1998-08-14", 'Rain <TIMEX3 tid="t1" type="DATE" value="1998-08-13">yesterday</TIMEX3>.')
    )
    write(tmp_path, "b.tml", "<TimeML><TEXT>broken")
    write(
        tmp_path, "c.tml", tml("1998-08-14", 'Rain <TIMEX3 tid="t1" type="DATE" value="1998-08-13">yesterday</TIMEX3>.')
    )
    scores = evaluate_dates(tmp_path)
    assert scores.parts["all"].documents == 2 and scores.parts["all"].full_day.right == 2
    assert len(scores.failures) == 1 and "b.tml" in scores.failures[0]
    assert "b.tml" in caplog.text and "skipped:" in scores.format()
    with pytest.raises(InputError, match=r"b\.tml"):
        list(read_timeml_folder(tmp_path))


def test_documents_without_text_are_counted_but_score_nothing() -> None:
    empty = TimemlDocument("empty", dt.date(2000, 1, 1), "  ", ())
    part = score_dates([empty]).parts["all"]
    assert part.documents == 1 and part.full_day.total == 0 and part.spurious.total == 0


# ----------------------------------------------------------------------------- command line


def test_cli_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.tml", tml("1998-08-14", BODY))
    assert main(["evaluate-dates", str(tmp_path), "--json", "--misses"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["all"]["full_day"]["total"] == 4
    assert report["odd"]["documents"] == 1 and report["even"]["documents"] == 0
    assert json.loads(err.strip().splitlines()[-1])["words"] == "Aug. 7"


def test_geo_evaluate_dates_flag_scores_the_same_as_the_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.tml", tml("1998-08-14", BODY))
    assert main(["evaluate-dates", str(tmp_path), "--json"]) == 0
    by_subcommand = json.loads(capsys.readouterr().out)
    assert main(["evaluate", "--dates", str(tmp_path), "--json"]) == 0
    by_flag = json.loads(capsys.readouterr().out)
    # Every figure the same; only the time taken may differ between two runs.
    assert by_flag.pop("seconds") >= 0 and by_subcommand.pop("seconds") >= 0
    assert by_flag == by_subcommand


def test_cli_names_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate-dates", str(tmp_path / "nowhere")]) == 2
    assert "nowhere is not a folder" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the development corpus


@pytest.mark.skipif(not TIMEML.is_dir(), reason=f"TimeML folder {TIMEML} is absent")
def test_development_corpus_figures() -> None:
    scores = evaluate_dates(TIMEML).as_dict()
    full_day = scores["all"]["full_day"]
    assert full_day["total"] > 250
    assert full_day["share"] >= 0.88
    assert scores["all"]["precision"]["share"] >= 0.93
    assert scores["all"]["spurious"]["share"] <= 0.02
    # Neither half is far behind: the rules were not fitted on one of them.
    assert min(scores["odd"]["full_day"]["share"], scores["even"]["full_day"]["share"]) >= 0.85
    assert min(scores["odd"]["precision"]["share"], scores["even"]["precision"]["share"]) >= 0.90
