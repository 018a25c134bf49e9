"""Tests for geo.parsing.dates: sentence splitting and the day each sentence describes."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.errors import GeoError, InputError, InputTypeError
from geo.parsing.dates import DatedSentence, date_at, date_sentences, split_sentences

D = dt.date


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def dated(text: str, published: dt.date | None) -> list[tuple[dt.date | None, str]]:
    return [(s.date, s.date_source) for s in date_sentences(text, published)]


# ---------------------------------------------------------------------------
# split_sentences
# ---------------------------------------------------------------------------

SPLIT_CASES = [
    ("Mr. Smith met Dr. Jones in St. Petersburg. They spoke.",
     ["Mr. Smith met Dr. Jones in St. Petersburg.", "They spoke."]),
    ("The U.S. Army left. He lives in the U.S. The weather is fine.",
     ["The U.S. Army left.", "He lives in the U.S.", "The weather is fine."]),
    ("It happened on Jan. 5, 2020 at No. 10 Downing Street. Then it ended.",
     ["It happened on Jan. 5, 2020 at No. 10 Downing Street.", "Then it ended."]),
    ("Growth was 3.5 percent in 2019. Prices rose 1.2 percent.",
     ["Growth was 3.5 percent in 2019.", "Prices rose 1.2 percent."]),
    ('"We are ready." He left.', ['"We are ready."', "He left."]),
    ('"Are you ready?" he asked. "Yes!" She nodded.',
     ['"Are you ready?" he asked.', '"Yes!"', "She nodded."]),
    ("\u201cIt is over.\u201d The talks ended.", ["\u201cIt is over.\u201d", "The talks ended."]),
    ("He paused... Then he spoke. He paused\u2026 and went on.",
     ["He paused...", "Then he spoke.", "He paused\u2026 and went on."]),
    ("J. K. Rowling wrote it. George W. Bush read it.",
     ["J. K. Rowling wrote it.", "George W. Bush read it."]),
    ("Headline without a stop\n\nBody text here.", ["Headline without a stop", "Body text here."]),
    ("a blank line always ends it\n\nlowercase start.", ["a blank line always ends it", "lowercase start."]),
    ("Headline\nBody starts here.", ["Headline", "Body starts here."]),
    ("a line that is wrapped\nand goes on.", ["a line that is wrapped\nand goes on."]),
    ("Officials from Paris,\nBerlin and Rome met.", ["Officials from Paris,\nBerlin and Rome met."]),
    ("1. First item\n2. Second item", ["1. First item", "2. Second item"]),
    ("Apple Inc. said so. Its shares rose.", ["Apple Inc. said so.", "Its shares rose."]),
    ("Line one.\r\n\r\nLine two.", ["Line one.", "Line two."]),
    ("  Leading and trailing space.  ", ["Leading and trailing space."]),
    ("No final stop", ["No final stop"]),
    ("", []),
    (" \n\n \t ", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


def test_split_sentences_handles_a_megabyte() -> None:
    text = "Mr. Smith went to Washington on Oct. 8, 2020. He met 3.5 people!\n\n" * 16_000
    spans = split_sentences(text)
    assert len(text) > 1_000_000
    assert len(spans) == 32_000
    assert text[spans[-1][0] : spans[-1][1]] == "He met 3.5 people!"


def test_split_sentences_rejects_non_text() -> None:
    with pytest.raises(InputError, match="str"):
        split_sentences(b"bytes")


@pytest.mark.parametrize("bad", [b"On Monday.", 5, None])
def test_date_sentences_names_a_text_that_is_no_str(bad: object) -> None:
    # The same error in the compiled build, whose annotations would otherwise speak first.
    with pytest.raises(InputTypeError, match=f"date_sentences got a {type(bad).__name__} .*; pass a str"):
        date_sentences(bad, dt.date(2024, 3, 5))


# ---------------------------------------------------------------------------
# date_sentences: the two examples from real articles
# ---------------------------------------------------------------------------

RETELLING = (
    "During the war, the meeting stood out, he said.\n\n"
    "He recalled that on October 8, 2020, the other side proposed talks:\n\n"
    '"An agreement was reached on October 9. It proposed that on the night of October 10, '
    'hostilities should cease."\n\n'
    "He said a call had taken place the day before.\n\n"
    '"We said we could continue the next day. While we were there, news came that the town '
    'had been taken."'
)


def test_retelling_example() -> None:
    result = date_sentences(RETELLING, D(2025, 11, 8))
    got = [(s.date, s.date_source, s.date_text) for s in result]
    assert got[:6] == [
        (D(2025, 11, 8), "published", ""),
        (D(2020, 10, 8), "text", "October 8, 2020"),
        (D(2020, 10, 9), "text", "October 9"),
        (D(2020, 10, 10), "text", "October 10"),
        (D(2020, 10, 9), "text", "the day before"),
        (D(2020, 10, 10), "text", "the next day"),
    ]
    last = result[6]
    assert RETELLING[last.start : last.end].startswith("While we were there")
    assert last.date_source == "narrative"
    assert D(2020, 10, 8) <= last.date <= D(2020, 10, 11)
    assert last.date_text == "the next day"


SECRET_TALKS = (
    "Officials met in secret talks in the city, just days before the operation.\n\n"
    "Details: the meeting took place on 17 September in Istanbul.\n\n"
    "The source says that 100,000 residents were affected.\n\n"
    "The invasion in February 2022 undermined diplomacy, the media said.\n\n"
    "On 19 September, the army launched an offensive.\n\n"
    "The leaders surrendered after 24 hours of fighting."
)


def test_secret_talks_example() -> None:
    assert dated(SECRET_TALKS, D(2023, 10, 4)) == [
        (D(2023, 10, 4), "published"),
        (D(2023, 9, 17), "text"),
        (D(2023, 9, 17), "narrative"),
        (D(2023, 9, 17), "narrative"),  # February 2022 is background
        (D(2023, 9, 19), "text"),
        (D(2023, 9, 19), "narrative"),
    ]


# ---------------------------------------------------------------------------
# date_sentences: one rule per case
# ---------------------------------------------------------------------------

PUB = D(2025, 11, 7)  # a Friday

DATE_CASES = [
    # full dates in every accepted form
    ("On October 8, 2020, talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("On 8 October 2020 talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("On Oct. 8, 2020 talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("Filed 2020-10-08 in Baku.", PUB, [(D(2020, 10, 8), "text")]),
    ("Filed 2020/10/08 in Baku.", PUB, [(D(2020, 10, 8), "text")]),
    ("On the 8th of October, 2020 talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("On Thursday, October 8, 2020 talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("OCTOBER 8, 2020: talks began.", PUB, [(D(2020, 10, 8), "text")]),
    ("Talks ran October 8-10, 2020 in Moscow.", PUB, [(D(2020, 10, 8), "text")]),
    ("Talks ran 8\u201310 October 2020 in Moscow.", PUB, [(D(2020, 10, 8), "text")]),
    ("On Sept. 11 2001 the towers fell.", PUB, [(D(2001, 9, 11), "text")]),
    # numeric day/month order only when it is unambiguous
    ("Signed 25/10/2020 in Paris.", PUB, [(D(2020, 10, 25), "text")]),
    ("Signed 10/25/2020 in Paris.", PUB, [(D(2020, 10, 25), "text")]),
    ("Signed 25.10.2020 in Paris.", PUB, [(D(2020, 10, 25), "text")]),
    ("Signed 10/08/2020 in Paris.", PUB, [(PUB, "published")]),
    # day and month without a year: latest on or before publication
    ("The meeting took place on 17 September.", D(2023, 10, 4), [(D(2023, 9, 17), "text")]),
    ("It happened on September 19.", D(2023, 10, 4), [(D(2023, 9, 19), "text")]),
    ("It happened on the 19th of September.", D(2023, 10, 4), [(D(2023, 9, 19), "text")]),
    ("The attack happened on December 30.", D(2024, 1, 3), [(D(2023, 12, 30), "text")]),
    ("It happened on November 7.", PUB, [(PUB, "text")]),
    # ... or the first on or after it when future words come just before
    ("The election will be held on December 5.", D(2025, 11, 20), [(D(2025, 12, 5), "text")]),
    ("The election was held on December 5.", D(2025, 11, 20), [(D(2024, 12, 5), "text")]),
    ("Talks are scheduled for January 10.", D(2025, 12, 20), [(D(2026, 1, 10), "text")]),
    ("He said on January 10 that the talks will go on.", D(2025, 12, 20), [(D(2025, 1, 10), "text")]),
    # the story's year when it has moved to another year
    ("On October 8, 2020, talks began. On October 10 they ended.", D(2025, 11, 8),
     [(D(2020, 10, 8), "text"), (D(2020, 10, 10), "text")]),
    ("On December 30, 2020, the siege began. By January 2 it was over.", D(2025, 11, 8),
     [(D(2020, 12, 30), "text"), (D(2021, 1, 2), "text")]),
    # leap days and invalid days
    ("It was February 29, 2024 in Oslo.", PUB, [(D(2024, 2, 29), "text")]),
    ("It was February 29, 2023 in Oslo.", PUB, [(PUB, "published")]),
    ("It happened on February 29.", D(2025, 3, 1), [(D(2024, 2, 29), "text")]),
    ("It happened on February 30.", PUB, [(PUB, "published")]),
    ("It happened on 2021-02-30 or 31/04/2021.", PUB, [(PUB, "published")]),
    # dates long ago and far ahead
    ("On 7 March 1965, marchers crossed the bridge. Two days later, they returned. On March 21 "
     "they set out again.", PUB,
     [(D(1965, 3, 7), "text"), (D(1965, 3, 9), "text"), (D(1965, 3, 21), "text")]),
    ("The capsule opens on 2150-01-01.", PUB, [(D(2150, 1, 1), "text")]),
    ("It was built on May 1, 1066.", PUB, [(D(1066, 5, 1), "text")]),
    # month words without a day are not dates
    ("Officials said they may return. A march on the capital drew thousands.", PUB,
     [(PUB, "published"), (PUB, "published")]),
    ("In March, protests grew. The March 2019 protests were larger.", PUB,
     [(PUB, "published"), (PUB, "published")]),
    ("Residents may 5 times a day pray.", PUB, [(PUB, "published")]),
    ("The Sun reported it. Sun readers agreed.", PUB, [(PUB, "published"), (PUB, "published")]),
    ("On May 9 veterans marched.", PUB, [(D(2025, 5, 9), "text")]),
    ("MAY 9: veterans marched.", PUB, [(D(2025, 5, 9), "text")]),
    # numbers that are not dates
    ("They proposed the 5+2 format for 100,000 residents.", PUB, [(PUB, "published")]),
    ("After 24 hours of fighting and 15 minutes later, calm returned.", PUB, [(PUB, "published")]),
    ("Shares fell 12.5 percent to 1,200 in 2019.", PUB, [(PUB, "published")]),
    ("In May 1,000 people left.", PUB, [(PUB, "published")]),
    # month-year and bare years are background
    ("In February 2022 troops crossed. In 2019 he left.", PUB, [(PUB, "published"), (PUB, "published")]),
    # words counted from the day of writing
    ("Yesterday, the mayor resigned.", PUB, [(D(2025, 11, 6), "text")]),
    ("Today, the mayor resigned.", PUB, [(PUB, "text")]),
    ("The vote is tomorrow.", PUB, [(D(2025, 11, 8), "text")]),
    ("The day before yesterday, it rained.", PUB, [(D(2025, 11, 5), "text")]),
    ("The day after tomorrow, it rains.", PUB, [(D(2025, 11, 9), "text")]),
    ("Last night, shells fell.", PUB, [(D(2025, 11, 6), "text")]),
    ("Two days ago, shells fell.", PUB, [(D(2025, 11, 5), "text")]),
    ("A week ago, shells fell.", PUB, [(D(2025, 10, 31), "text")]),
    ("USA Today reported the news.", PUB, [(PUB, "published")]),
    # weekdays
    ("On Monday, shells fell.", PUB, [(D(2025, 11, 3), "text")]),
    ("On Friday, shells fell.", PUB, [(PUB, "text")]),
    ("On Tuesday, talks began. On Wednesday, they resumed.", PUB,
     [(D(2025, 11, 4), "text"), (D(2025, 11, 5), "text")]),
    ("Talks resume next Monday.", PUB, [(D(2025, 11, 10), "text")]),
    ("Talks resume this coming Tuesday.", PUB, [(D(2025, 11, 11), "text")]),
    ("Talks ended last Friday.", PUB, [(D(2025, 10, 31), "text")]),
    ("The summit will take place on Tuesday.", PUB, [(D(2025, 11, 11), "text")]),
    ("He said on Tuesday that he will resign.", PUB, [(D(2025, 11, 4), "text")]),
    ("Shops opened on Black Friday. The Sunday Times said so.", PUB,
     [(PUB, "published"), (PUB, "published")]),
    ("They meet on Mondays.", PUB, [(PUB, "published")]),
    # in a retelling, "yesterday" quotes its time but "today" is the day of writing
    ("On October 8, 2020, talks began. \"Yesterday we were shelled.\" Today, the region is calm. "
     "It is quiet.", PUB,
     [(D(2020, 10, 8), "text"), (D(2020, 10, 7), "text"), (PUB, "text"), (PUB, "narrative")]),
    ("It rained on 1 and 2 May.", PUB, [(D(2025, 5, 2), "text")]),
    # weekdays in a retold story count from the story's day (2020-10-08 was a Thursday)
    ("On October 8, 2020, talks began. On Saturday, they ended.", PUB,
     [(D(2020, 10, 8), "text"), (D(2020, 10, 10), "text")]),
    # words counted from the story's day
    ("On 3 May 2021, talks began. The following day, they stalled. The previous day, fighting "
     "had stopped. Three days earlier, envoys arrived. A week later, a truce held. Two days "
     "after that, it broke. That same day, shells fell.", PUB,
     [(D(2021, 5, 3), "text"), (D(2021, 5, 4), "text"), (D(2021, 5, 3), "text"),
      (D(2021, 4, 30), "text"), (D(2021, 5, 7), "text"), (D(2021, 5, 9), "text"),
      (D(2021, 5, 9), "text")]),
    ("The next day, talks resumed.", PUB, [(D(2025, 11, 8), "text")]),
    ("Fighting lasted for two days before a truce.", PUB, [(PUB, "published")]),
    # "last week" and "next month" shift from publication (issue 11); a vague "days later" is no day
    ("Last week, shells fell. Next month, talks resume. Days later, calm returned.", PUB,
     [(D(2025, 10, 31), "text"), (D(2025, 12, 7), "text"), (PUB, "published")]),
    # the story's day carries on across paragraphs until another day is set
    ("A lead with no date.\n\nOn 2 June 2022 the bridge fell.\n\n\"It was loud.\"\n\n"
     "Crews came. On 5 June 2022 it reopened. Traffic flowed.", PUB,
     [(PUB, "published"), (D(2022, 6, 2), "text"), (D(2022, 6, 2), "narrative"),
      (D(2022, 6, 2), "narrative"), (D(2022, 6, 5), "text"), (D(2022, 6, 5), "narrative")]),
    # the present brings the story back to publication
    ("On 2 June 2022 the bridge fell. Currently, the road is open. Traffic flows. Today it rained. "
     "It is wet.", PUB,
     [(D(2022, 6, 2), "text"), (PUB, "published"), (PUB, "published"), (PUB, "text"),
      (PUB, "narrative")]),
    # several days in one sentence: the first calendar date dates it, the story moves to the last
    ("Talks began on October 8, 2020 and ended on October 9. The next day, fighting resumed.", PUB,
     [(D(2020, 10, 8), "text"), (D(2020, 10, 10), "text")]),
    # the main clause's day beats a calendar date in the clause it reports (issue 11)
    ("He said on Monday that the attack on November 1 killed five.", PUB, [(D(2025, 11, 3), "text")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "expected"), DATE_CASES)
def test_date_sentences(text: str, published: dt.date, expected: list[tuple[dt.date | None, str]]) -> None:
    assert dated(text, published) == expected


def test_date_text_is_the_matched_words() -> None:
    text = "He left on the 8th of October, 2020. Nobody saw him. Two days later he was back."
    result = date_sentences(text, PUB)
    assert [s.date_text for s in result] == [
        "the 8th of October, 2020",
        "the 8th of October, 2020",
        "Two days later",
    ]
    assert date_sentences("It rained on 2 May.", PUB)[0].date_text == "2 May"
    assert [s.date_source for s in result] == ["text", "narrative", "text"]
    assert text[result[0].start : result[0].end].count(result[0].date_text) == 1


def test_published_sentences_have_no_date_text() -> None:
    result = date_sentences("Nothing happened. Nothing at all.", PUB)
    assert [(s.date, s.date_source, s.date_text) for s in result] == [
        (PUB, "published", ""),
        (PUB, "published", ""),
    ]


def test_unknown_publication() -> None:
    text = "It rained. On 5 May 2021 it snowed. The next day it cleared. On June 2 it was hot. Yesterday was cold."
    assert dated(text, None) == [
        (None, "published"),
        (D(2021, 5, 5), "text"),
        (D(2021, 5, 6), "text"),
        (D(2021, 6, 2), "text"),
        (D(2021, 6, 1), "text"),
    ]
    assert dated("On June 2 it was hot. Yesterday was cold. On Monday it snowed.", None) == [
        (None, "published"),
        (None, "published"),
        (None, "published"),
    ]


def test_published_may_be_a_datetime() -> None:
    result = date_sentences("Yesterday it rained.", dt.datetime(2025, 11, 7, 23, 59))
    assert result[0].date == D(2025, 11, 6)
    assert type(result[0].date) is dt.date


def test_published_of_the_wrong_type_is_rejected() -> None:
    with pytest.raises(InputError, match="published='2025-11-07'") as err:
        date_sentences("Text.", "2025-11-07")  # type: ignore[arg-type]
    assert isinstance(err.value, GeoError)
    assert isinstance(err.value, ValueError)


def test_spans_match_split_sentences() -> None:
    result = date_sentences(RETELLING, D(2025, 11, 8))
    assert [(s.start, s.end) for s in result] == split_sentences(RETELLING)
    assert all(isinstance(s, DatedSentence) for s in result)


def test_extreme_publication_dates_do_not_crash() -> None:
    text = "Yesterday it rained. On Monday it snowed. Next Friday it clears. Tomorrow is fine. On May 5 it hailed."
    low = date_sentences(text, dt.date.min)
    high = date_sentences(text, dt.date.max)
    # A day beyond the calendar is no day: the sentence falls back as if none were named.
    assert (low[0].date, low[0].date_source) == (dt.date.min, "published")
    assert (high[0].date, high[0].date_source) == (dt.date.max - dt.timedelta(days=1), "text")
    assert (high[3].date, high[3].date_source) == (high[1].date, "narrative")
    assert all(s.date is not None for s in low + high)


# ---------------------------------------------------------------------------
# date_at
# ---------------------------------------------------------------------------


def test_date_at_finds_the_containing_sentence() -> None:
    text = "It rained.  On 5 May 2021 it snowed. The next day it cleared."
    result = date_sentences(text, PUB)
    assert date_at(result, 0) is result[0]
    assert date_at(result, text.index("May")) is result[1]
    assert date_at(result, text.index("cleared")) is result[2]
    assert date_at(result, text.index("  On")) is result[0]  # the gap belongs to the sentence before
    assert date_at(result, len(text) + 10) is result[2]


def test_date_at_rejects_bad_input() -> None:
    result = date_sentences("Text.", PUB)
    with pytest.raises(InputError, match="negative"):
        date_at(result, -1)
    with pytest.raises(InputError, match="no sentences"):
        date_at([], 0)


# ---------------------------------------------------------------------------
# geo.date_sentences and `geo dates`
# ---------------------------------------------------------------------------


def test_date_sentences_is_public() -> None:
    import geo

    assert geo.date_sentences is date_sentences
    assert "date_sentences" in geo.__all__


def test_geo_dates_prints_one_record_per_sentence(tmp_path, capsys) -> None:
    import csv
    import io
    import json

    from geo.cli import main

    article = tmp_path / "talks.txt"
    article.write_text(" date 2025-11-07 Envoys met in Geneva on Tuesday. Nobody spoke. Talks resume next Monday.\n")
    assert main(["dates", str(article)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["date"], r["date_source"], r["date_text"]) for r in records] == [
        ("2025-11-04", "text", "Tuesday"),
        ("2025-11-04", "narrative", "Tuesday"),
        ("2025-11-10", "text", "next Monday"),
    ]
    assert records[1]["sentence"] == "Nobody spoke." and records[0]["published"] == "2025-11-07"
    assert main(["dates", str(article), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["date"] for row in rows] == ["2025-11-04", "2025-11-04", "2025-11-10"]
    assert set(rows[0]) == {"doc", "start", "end", "date", "date_source", "date_text", "published", "sentence"}


def test_geo_dates_reports_a_missing_file_and_goes_on(tmp_path, capsys) -> None:
    from geo.cli import main

    article = tmp_path / "a.txt"
    article.write_text("It rained yesterday.\n")
    assert main(["dates", str(tmp_path / "missing.txt"), str(article), "--date", "2025-11-07"]) == 1
    out = capsys.readouterr().out
    assert '"date": "2025-11-06"' in out
