"""Place names used for something else: teams in sports reports, persons who speak.

Table-driven, invented sentences. Each case lists the words that must be found as places and
the words that must not; the counter-examples use the same names where a reader reads the
place and must keep them.
"""

from __future__ import annotations

import pytest

from geo.parsing import lexicons
from geo.parsing.recognize import Span
from geo.parsing.uses import SPORT_CONTEXT_MIN, not_place_spans, sport_context

SPORTS = "the striker scored, the goalkeeper was hurt and the referee booked the winger in the league."

# (text, words found as places, words not found as places)
CASES = [
    # teams: a score next to the name, a match verb, a player or the manager of it, in a sports report
    (f"Fulham 2-1 Burnley on Saturday: {SPORTS}", [], ["Fulham", "Burnley"]),
    (f"Everton beat Southampton at home; {SPORTS}", [], ["Everton", "Southampton"]),
    (f"Leeds lost to the Everton side; {SPORTS}", [], ["Leeds", "Everton"]),
    (f"A late winner against Fulham; {SPORTS}", [], ["Fulham"]),
    (
        f"The Brentford manager praised his side before the derby against Watford; {SPORTS}",
        [],
        ["Brentford", "Watford"],
    ),
    # once a team, the name's other mentions are the team too, except where the words say the place
    (f"Everton beat Southampton 3-0; {SPORTS} Rain fell in Southampton all day.", ["Southampton"], ["Everton"]),
    # no sports report: the same patterns are the places ("beat" a storm, a "manager" of a shop)
    ("Flooding closed roads in Burnley and Fulham on Saturday.", ["Burnley", "Fulham"], []),
    ("The Burnley manager of the bakery said flour prices rose.", ["Burnley"], []),
    ("Residents of Watford said the council would fix the roads.", ["Watford"], []),
    # a sports report that names a place as a place: a player from a town, a trip to one
    (f"A goalkeeper from Burnley joined the side; {SPORTS}", ["Burnley"], []),
    # persons: a one-word name of a small place that speaks or takes "who", for the whole text
    ("Hartley said the budget would cut taxes.", [], ["Hartley"]),
    ("Hartley, who chaired the panel, left early. Hartley will return.", [], ["Hartley"]),
    ('"We will rebuild," said Hartley.', [], ["Hartley"]),
    ("Hartley's lawyer asked for bail.", [], ["Hartley"]),
    # ... but what a town has too is no cue
    ("Hartley's mayor asked for help.", ["Hartley"], []),
    # the place where the words say it, or where the name is a big city, a division or a country
    ("Snow fell on Hartley overnight.", ["Hartley"], []),
    ("Residents of Hartley said the bridge would reopen.", ["Hartley"], []),
    ("Officials from Hartley said the bridge would reopen.", ["Hartley"], []),
    ("Police in Kent said the road was closed.", ["Kent"], []),
    ("Moscow said the talks would go on.", ["Moscow"], []),
    ("Gresham said the park would reopen.", ["Gresham"], []),
    ("The mayor said Hartley schools would reopen.", ["Hartley"], []),
]


@pytest.mark.parametrize(("text", "places", "not_places"), CASES)
def test_teams_and_persons_are_no_places(geoparser, text: str, places: list[str], not_places: list[str]) -> None:
    found = {m.text for m in geoparser.parse_text(text)}
    assert set(places) <= found, (text, found)
    assert not (set(not_places) & found), (text, found)


def test_gold_spans_keep_every_name(geoparser) -> None:
    # The annotators decided already: gold-span resolution places a team's name too.
    text = f"Everton beat Southampton at home; {SPORTS}"
    start = text.index("Southampton")
    (place,) = geoparser.resolve_spans(text, [(start, start + len("Southampton"))])
    assert place is not None


def test_sport_context_counts_sport_words_with_repeats() -> None:
    words = lexicons.sport_words()
    assert {"goalkeeper", "relegation", "half-time"} <= words
    assert not ({"win", "team", "game", "match"} & words)
    assert sport_context(" ".join(["goalkeeper"] * SPORT_CONTEXT_MIN))
    assert not sport_context(" ".join(["goalkeeper"] * (SPORT_CONTEXT_MIN - 1)) + " won the vote")
    assert sport_context("Striker, STRIKER and striker", frozenset({"striker"}))


def _spans(text: str, *words: str) -> list[Span]:
    out = []
    for word in words:
        start = text.index(word)
        out.append(Span(start, start + len(word), word, word.lower()))
    return sorted(out, key=lambda s: s.start)


def test_not_place_spans_asks_whether_a_name_may_be_a_person() -> None:
    text = "Hartley said the road was open."
    spans = _spans(text, "Hartley")
    assert not_place_spans(text, spans, lambda idx: True) == {0}
    assert not_place_spans(text, spans, lambda idx: False) == set()


def test_not_place_spans_keeps_demonyms_and_two_word_persons() -> None:
    text = "New Hartley said the road was open."
    span = Span(0, 11, "New Hartley", "new hartley")
    assert not_place_spans(text, [span], lambda idx: True) == set()
    demonym = Span(0, 7, "British", "british", demonym=True)
    assert not_place_spans("British said it.", [demonym], lambda idx: True) == set()
