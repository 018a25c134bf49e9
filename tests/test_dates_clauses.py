"""Clause-level dating: a sentence that names different days in different clauses is dated in parts (issue 11)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import geo
from geo.parsing.dates import date_sentences, split_sentences

D = dt.date


def parts(text: str, published: dt.date) -> list[tuple[str, dt.date | None, str]]:
    return [(text[s.start : s.end], s.date, s.date_source) for s in date_sentences(text, published)]


# (id, text, published, [(part's words, date, source), ...])
SPLIT_CASES = [
    ("', and' before a subject, across the year end (published on a Friday)",
     "Police arrested him Monday, and he was charged Wednesday.", D(2026, 1, 2),
     [("Police arrested him Monday", D(2025, 12, 29), "text"),
      (", and he was charged Wednesday.", D(2025, 12, 31), "text")]),
    ("';' between a past and a planned day (published on a Wednesday)",
     "The talks ended Tuesday; a vote is set for Friday.", D(2025, 12, 31),
     [("The talks ended Tuesday", D(2025, 12, 30), "text"), ("; a vote is set for Friday.", D(2026, 1, 2), "text")]),
    ("a spaced dash, each clause with its own tense (published on a Thursday)",
     "The strike ended on Dec. 30 \u2014 the mines reopen on Jan. 4.", D(2026, 1, 1),
     [("The strike ended on Dec. 30", D(2025, 12, 30), "text"),
      (" \u2014 the mines reopen on Jan. 4.", D(2026, 1, 4), "text")]),
    ("', while' (published on a Monday)",
     "Rebels held the bridge on Sunday, while the army will attack it on Tuesday.", D(2025, 12, 29),
     [("Rebels held the bridge on Sunday", D(2025, 12, 28), "text"),
      (", while the army will attack it on Tuesday.", D(2025, 12, 30), "text")]),
    ("a relative clause set off by a comma, with a modal (published on a Tuesday)",
     "The envoy met the president Monday, who could fly to Geneva as early as Thursday.", D(2026, 3, 3),
     [("The envoy met the president Monday", D(2026, 3, 2), "text"),
      (", who could fly to Geneva as early as Thursday.", D(2026, 3, 5), "text")]),
    ("'before' opening a clause: its day is its own part's, though background in the sentence",
     "He resigned on Friday before the board met on Sunday.", D(2026, 6, 15),
     [("He resigned on Friday", D(2026, 6, 12), "text"), (" before the board met on Sunday.", D(2026, 6, 14), "text")]),
    ("', after which' (published on a Sunday)",
     "The court sits on Monday, after which the jury will retire on Wednesday.", D(2026, 11, 1),
     [("The court sits on Monday", D(2026, 11, 2), "text"),
      (", after which the jury will retire on Wednesday.", D(2026, 11, 4), "text")]),
    ("'and then' without a comma (published on a Saturday)",
     "The polls closed Thursday and then the count will begin Monday.", D(2026, 1, 10),
     [("The polls closed Thursday", D(2026, 1, 8), "text"),
      (" and then the count will begin Monday.", D(2026, 1, 12), "text")]),
    ("abbreviations' dots neither end a sentence nor cut it",
     "Gen. Smith flew to St. Louis on Monday, and Lt. Jones followed on Tuesday.", D(2026, 1, 15),
     [("Gen. Smith flew to St. Louis on Monday", D(2026, 1, 12), "text"),
      (", and Lt. Jones followed on Tuesday.", D(2026, 1, 13), "text")]),
    ("three clauses, three days",
     "The ceasefire began on Dec. 24; it broke down on Dec. 27, and talks resume on Jan. 5.", D(2025, 12, 30),
     [("The ceasefire began on Dec. 24", D(2025, 12, 24), "text"),
      ("; it broke down on Dec. 27", D(2025, 12, 27), "text"),
      (", and talks resume on Jan. 5.", D(2026, 1, 5), "text")]),
]  # fmt: skip

# (id, text, published, the one date of the sentence)
WHOLE_CASES = [
    ("a range in one clause", "The fair runs from Monday to Friday.", D(2026, 1, 2), D(2025, 12, 29)),
    ("'between ... and ...' is a range", "Talks were held between Jan. 3 and Jan. 9 in Rome.", D(2026, 1, 12),
     D(2026, 1, 3)),
    ("a day and its own restatement", "He spoke Tuesday, Jan. 13, in Paris.", D(2026, 1, 15), D(2026, 1, 13)),
    ("a subordinate background date keeps the main clause's day (issue 11)",
     "The court ruled Wednesday that he must leave by Jan. 14.", D(2000, 1, 7), D(2000, 1, 5)),
    ("a list of days in one clause", "They met on Monday, Tuesday and Wednesday.", D(2026, 1, 15), D(2026, 1, 12)),
    ("', and' before a verb: one subject, one clause", "Rebels attacked the town, killed 20 on Monday, and fled on "
     "Tuesday.", D(2026, 1, 15), D(2026, 1, 12)),
    ("'and' alone joins two verbs of one clause", "Talks began on Dec. 30 and ended on Jan. 2.", D(2026, 1, 10),
     D(2025, 12, 30)),
    ("two clauses naming the same day", "Police arrested him Monday, and he was charged on Dec. 29.", D(2026, 1, 2),
     D(2025, 12, 29)),
    ("a period names no day of its own", "Prices rose last week, and the bank meets on Thursday.", D(2026, 1, 12),
     D(2026, 1, 15)),
    ("'before' a day is a preposition, not a clause", "The pumps were switched off just before Friday's fire "
     "because work was being done, he said Tuesday.", D(2026, 1, 1), D(2025, 12, 30)),
    ("'after' a day in a name of a day", "The council moved the election to the first Tuesday after the first "
     "Monday in odd-numbered years.", D(2025, 12, 30), D(2025, 12, 30)),
    ("a clause without a verb is no clause", "On Monday, and again on Friday, the envoy met the rebels.",
     D(2026, 1, 10), D(2026, 1, 5)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "expected"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES]
)
def test_clauses_naming_different_days_are_dated_apart(
    text: str, published: dt.date, expected: list[tuple[str, dt.date, str]]
) -> None:
    assert parts(text, published) == expected


@pytest.mark.parametrize(("text", "published", "day"), [c[1:] for c in WHOLE_CASES], ids=[c[0] for c in WHOLE_CASES])
def test_sentences_that_stay_whole(text: str, published: dt.date, day: dt.date) -> None:
    assert parts(text, published) == [(text, day, "text")]


@pytest.mark.parametrize("text", [c[1] for c in SPLIT_CASES + WHOLE_CASES])
def test_parts_cover_each_sentence_in_order_without_gaps(text: str) -> None:
    article = f"Nothing happened. {text} The roads were quiet.\n\nA second paragraph, and another {text}"
    records = date_sentences(article, D(2026, 1, 2))
    for lo, hi in split_sentences(article):
        inside = [r for r in records if lo <= r.start < hi]
        assert inside, (lo, hi)
        assert inside[0].start == lo and inside[-1].end == hi
        assert all(a.end == b.start for a, b in itertools.pairwise(inside))
    assert len(records) == sum(1 for r in records for lo, hi in split_sentences(article) if lo <= r.start < hi)


def test_the_story_moves_on_from_the_last_part() -> None:
    text = "He was arrested on Dec. 30, and he was charged on Jan. 2. The next day he was freed. Nobody spoke."
    dates = [(s.date, s.date_source) for s in date_sentences(text, D(2026, 1, 10))]
    assert dates == [(D(2025, 12, 30), "text"), (D(2026, 1, 2), "text"), (D(2026, 1, 3), "text"),
                     (D(2026, 1, 3), "narrative")]  # fmt: skip


def test_each_part_reads_its_own_tense() -> None:
    # read as one sentence, "will" would be the nearest tense word of neither day; each part has its own
    text = "The rebels seized the airport on Saturday; the army will retake it on Monday."
    assert [s.date for s in date_sentences(text, D(2026, 1, 1))] == [D(2025, 12, 27), D(2026, 1, 5)]


def test_mentions_take_the_date_of_their_clause(geoparser) -> None:
    text = "Police arrested him in Lyon on Monday, and he was charged in Marseille on Wednesday."
    gdf = geo.parse([text], date=D(2026, 1, 2), geoparser=geoparser)
    by_text = {row.text: row for row in gdf.itertuples()}
    assert (by_text["Lyon"].date, by_text["Lyon"].date_source) == ("2025-12-29", "text")
    assert (by_text["Marseille"].date, by_text["Marseille"].date_source) == ("2025-12-31", "text")


def test_a_place_right_after_a_cut_is_still_found(geoparser) -> None:
    # the part after ';' is no sentence, so "Nice" is not taken for a capitalised opening word (even after a space)
    text = "The talks ended Tuesday ; Nice hosts the vote on Friday."
    gdf = geo.parse([text], date=D(2025, 12, 31), geoparser=geoparser)
    assert [(row.text, row.country, row.date) for row in gdf.itertuples()] == [("Nice", "FR", "2026-01-02")]


def test_parts_of_a_sentence_follow_each_other_without_a_gap_and_sentences_do_not() -> None:
    text = "Police arrested him Monday, and he was charged Wednesday. He was freed on Friday.\n\nNobody spoke."
    records = date_sentences(text, D(2026, 1, 2))
    gapless = [a.end == b.start for a, b in itertools.pairwise(records)]
    assert gapless == [True, False, False]


def test_a_lead_title_is_the_whole_first_sentence(geoparser) -> None:
    text = "Police arrested him in Lyon on Monday, and he was charged Wednesday. He was freed in Paris on Friday."
    gdf = geo.parse([text], date=D(2026, 1, 2), geoparser=geoparser)
    assert set(gdf["title"]) == {"Police arrested him in Lyon on Monday, and he was charged Wednesday."}


def test_a_mention_dated_by_its_part_quotes_the_whole_sentence(geoparser) -> None:
    text = "It rained. Police arrested him in Lyon on Monday, and he was charged in Marseille on Wednesday."
    gdf = geo.parse([text], date=D(2026, 1, 2), geoparser=geoparser)
    whole = text[len("It rained. ") :]
    assert {row.text: (row.sentence, row.sentence_start) for row in gdf.itertuples()} == {
        "Lyon": (whole, 11),
        "Marseille": (whole, 11),
    }
    assert len({row.date for row in gdf.itertuples()}) == 2
