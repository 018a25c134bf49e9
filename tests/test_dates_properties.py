"""Property tests for geo.parsing.dates: any text, no crash, well-formed sentences and dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.parsing.dates import date_at, date_sentences, split_sentences

# Pieces that exercise every rule, glued in any order with markup and noise.
FRAGMENTS = [
    "October 8, 2020", "8 October 2020", "Oct. 8", "2020-10-08", "2021-02-30", "10/08/2020",
    "25/10/2020", "February 29", "February 30", "the 8th of October", "May", "may", "March",
    "Sun", "Monday", "next Friday", "last Sunday", "this coming Tuesday", "Black Friday",
    "yesterday", "Today", "tomorrow", "the next day", "the day before", "that same day",
    "two days later", "a week ago", "3 days earlier", "in 2019", "February 2022", "currently",
    "will be held on", "said", "Mr.", "Dr.", "U.S.", "St.", "No.", "3.5", "100,000", "5+2",
    "24 hours", "...", "\u2026", ".", "!", "?", '"', "\u201c", "\u201d", "'", "(", ")", ",",
    " ", " ", " ", "\n", "\n\n", "\r\n", "\t", "\u2028", "\u2029", "<p>", "</p>", "<br/>",
    "&nbsp;", "<a href='x.html'>", "</a>", "The", "he", "Baku", "\u00e9", "\u0130stanbul",
    "\U0001f600", "\x00", "9999", "0000-00-00", "1965",
    "two weeks from now", "a week from", "beginning", "effective", "is to", "by Christmas", "New Year's",
    "In 1987,", "Last year", "``", "''", "is released", "and continues",
    "; ", ", and the", " \u2014 ", " -- ", ", who will", " and then", " before they met", "was charged", ", while",
]  # fmt: skip

SOURCES = {"text", "narrative", "published"}

texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=40).map("".join),
)
published_dates = st.one_of(
    st.none(),
    st.dates(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        previous_end = end
    if text.strip():
        assert spans
        assert spans[0][0] == len(text) - len(text.lstrip())
        assert spans[-1][1] == len(text.rstrip())
    else:
        assert spans == []


def check_dated(text: str, published: dt.date | None) -> None:
    result = date_sentences(text, published)
    spans = split_sentences(text)
    check_spans(text, spans)
    # Each sentence comes as one record, or as its consecutive parts when it names different
    # days in different clauses: together they cover it, in order, without gaps or overlaps.
    parts = iter(result)
    for start, end in spans:
        at = start
        while at < end:
            part = next(parts)
            assert part.start == at < part.end <= end, (part, start, end)
            at = part.end
    assert next(parts, None) is None
    for sentence in result:
        assert sentence.date_source in SOURCES
        if sentence.date is None:
            assert published is None
        if sentence.date_source == "published":
            assert (sentence.date, sentence.date_text) == (published, "")
        else:
            assert sentence.date is not None
            assert sentence.date_text
        if sentence.date_source == "text":
            assert sentence.date_text in text[sentence.start : sentence.end]
        assert date_at(result, sentence.start) is sentence
        assert date_at(result, sentence.end - 1) is sentence


@settings(max_examples=300, deadline=None)
@given(text=texts, published=published_dates)
def test_any_text(text: str, published: dt.date | None) -> None:
    check_dated(text, published)


@settings(max_examples=20, deadline=None)
@given(
    piece=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map("".join),
    separator=st.sampled_from(["", " ", ". ", "\n"]),
    published=published_dates,
)
def test_huge_lines(piece: str, separator: str, published: dt.date | None) -> None:
    unit = piece + separator
    text = unit * (100_000 // len(unit) + 1)
    assert len(text) >= 100_000
    check_dated(text, published)


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.sampled_from(["word", "Word", "x", "Mr.", "U.S.", "3.5", "ok!", "so?", "\u2026"]), max_size=30),
    breaks=st.lists(st.sampled_from([" ", "\n", "\n\n", ". ", "! "]), max_size=30),
)
def test_blank_lines_always_end_sentences(words: list[str], breaks: list[str]) -> None:
    text = "".join(w + b for w, b in zip(words, breaks, strict=False))
    spans = split_sentences(text)
    check_spans(text, spans)
    for start, end in spans:
        piece = text[start:end]
        lines = piece.split("\n")
        assert all(line.strip() for line in lines), piece


# Sentences that name days in every way the model reads without a year number.
YEARLESS_FRAGMENTS = [
    "On October 8, talks began.", "It will happen on 2 January.", "Voting closes Jan. 4.",
    "The offer expires Nov. 21.", "They met on Saturday, April 25.", "The fair opens on Friday, May 1.",
    "Rebels attacked on Tuesday.", "The envoy meets the rebels on Thursday.", "Staff must leave by Friday.",
    "Yesterday it rained.", "Tomorrow it clears.", "Two days ago, shells fell.", "A week ago, the river rose.",
    "Three months ago, the mine closed.", "Last week, prices rose.", "Next month, the bridge opens.",
    "The plant opens in ten days.", "Talks resume next Monday.", "Talks ended last Friday.",
    "The next day, they left.", "The day before, they met.", "Two days later, it ended.",
    "He was rescued on Thanksgiving Day.", "Shops will close on Christmas Day.", "Pilgrims came on Good Friday.",
    "Mayor Ortiz today opened it.", "USA Today said so.", "Since the war began on October 7, many fled.",
    "The man who fled on Monday was caught on Wednesday.", "The Oct. 23 killing shocked the town.",
    "Nothing happened.", "The town is now quiet.", "Currently, the road is open.",
    "Talks broke down over the weekend.", "They meet next weekend.", "Police have searched since the Nov. 3 raid.",
    "The union has agreed to strike on Monday.", "The judge ordered him to appear on Feb. 10.",
    "Rebels held the town until Dec. 3.", "The bid, announced Oct. 5, was rejected Tuesday.",
    "The hearing was moved to Dec. 3.", "Voters go to the polls Sunday.", "He has been away for the last week.",
    "The day before last Tuesday's hearing, they met.", "A week before Jan. 14, the talks stalled.",
    "After touring the port on Thursday and meeting the police on Friday morning, the chief spoke.",
    "The parcel arrived over the weekend, officials said Monday.", "On Friday, the board planned to pay.",
    "Beginning Monday, prices rise.", "From Monday, rebels shelled the town.", "The hearing continues Friday.",
    "The envoy is to arrive on Tuesday.", "The treaty was to be signed on Dec. 29.", "The report is released Friday.",
    "The embassy will remain closed through Friday.", "The vote is two weeks from now.",
    "The vote comes a week from Monday.", "Troops will be home by Christmas.", "On New Year's, the law takes effect.",
    "Damage from the Oct. 17 quake is heavy.", "Last year he became chairman.", '"Yesterday we signed," he said.',
    "The drive, which began on Oct. 2 and continues through Sunday, raised $5,000.",
    "Police arrested him Monday, and he was charged Wednesday.", "The talks ended Tuesday; a vote is set for Friday.",
    "The envoy met the president Monday, who could fly home as early as Thursday.",
    "The strike ended on Dec. 30 \u2014 the mines reopen on Jan. 4.",
    "He resigned on Friday before the board met on Sunday.",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    sentences=st.lists(st.sampled_from(YEARLESS_FRAGMENTS), min_size=1, max_size=12),
    published=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_no_text_date_is_more_than_a_year_away_without_a_year(sentences: list[str], published: dt.date) -> None:
    """Without a year in the article, every date stays within a year (and the days named) of publication."""
    text = " ".join(sentences)
    check_dated(text, published)
    for sentence in date_sentences(text, published):
        assert sentence.date is not None
        # A handful of "the next day" or "two days later" may add their days to a year, and
        # Easter moves by up to five weeks between years (the last Good Friday may be 13 months back).
        slack = 366 + 2 * text.count("later") + text.count("next day") + text.count("day before")
        slack += 7 * text.count("week before")
        slack += 35 * ("Good Friday" in text)
        assert abs((sentence.date - published).days) <= slack, (text[sentence.start : sentence.end], published)
