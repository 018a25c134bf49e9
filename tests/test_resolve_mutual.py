"""Mutual proximity: two unsure names of one local story pick the readings that lie together.

Table-driven, invented sentences. Each case names a town whose name many towns share and a
county whose name many counties share; alone each has its most prominent reading, together
the pair that lies within 50 km of each other wins. The counter-examples keep the town's
usual reading when no such pair exists.
"""

from __future__ import annotations

import pytest

from geo.gazetteer.index import Candidate
from geo.model import Place
from geo.parsing.recognize import Span
from geo.parsing.resolve import _mutually_near


def _place(geoparser, text: str, words: str) -> Place:
    mentions = [m for m in geoparser.parse_text(text) if m.text == words]
    assert mentions, f"{words!r} not resolved in {text!r}"
    return mentions[0].place


# (text, words, expected first-level division of the reading)
CASES = [
    ("Clark County deputies arrested a man in Springfield after a chase.", "Springfield", "Ohio"),
    ("Clark County deputies arrested a man in Springfield after a chase.", "Clark County", "Ohio"),
    ("The Fairfield County fair opened in Lancaster this week.", "Lancaster", "Ohio"),
    ("Warren County sheriff's deputies patrolled Lebanon overnight.", "Lebanon", "Ohio"),
    # the usual reading when nothing else in the text lies near another reading
    ("Police in Springfield arrested a man after a chase.", "Springfield", "Missouri"),
    ("The fair opened in Lancaster this week.", "Lancaster", "California"),
]


@pytest.mark.parametrize(("text", "words", "admin1"), CASES)
def test_unsure_names_pick_the_readings_that_lie_together(geoparser, text: str, words: str, admin1: str) -> None:
    place = _place(geoparser, text, words)
    assert (place.country, place.admin1) == ("US", admin1), place


def test_a_country_name_alone_keeps_its_country_reading(geoparser) -> None:
    # "Lebanon" is the country unless the text holds a reason to read a town.
    place = _place(geoparser, "Warren County officials flew to Beirut; Lebanon welcomed them.", "Lebanon")
    assert place.feature_code == "PCLI", place


def _cand(pid: str, lat: float, lon: float, prior: float, code: str = "PPL") -> Candidate:
    place = Place(pid, pid, "P" if code.startswith("PPL") else "A", code, "XX", "", 1000, lat, lon)
    return Candidate(place, "name", prior)


def _span(key: str, start: int) -> Span:
    return Span(start, start + len(key), key, key)


def test_mutually_near_needs_another_name_and_a_prominent_enough_reading() -> None:
    spans = [_span("alpha", 0), _span("beta", 10), _span("alpha", 20)]
    options = [
        ([_cand("a-far", 10.0, 10.0, 6.0), _cand("a-near", 40.0, 20.0, 5.0)], "toponym"),
        # beta's reading near a-near is as prominent as its best; the one near a-far is 3 below its best
        ([_cand("b-best", 40.2, 20.1, 5.0), _cand("b-weak", 10.1, 10.1, 2.0)], "toponym"),
        ([_cand("a-far", 10.0, 10.0, 6.0), _cand("a-near", 40.0, 20.0, 5.0)], "toponym"),
    ]
    near = _mutually_near(spans, options)
    assert ("alpha", "a-near") in near
    assert ("beta", "b-best") in near
    # b-weak lies near a-far, and a-far vouches for it (a-far is alpha's best), but b-weak does not vouch for a-far
    assert ("alpha", "a-far") not in near
    assert ("beta", "b-weak") in near


def test_mutually_near_ignores_one_name_alone_areas_and_the_same_place_under_two_names() -> None:
    one = [_span("alpha", 0), _span("alpha", 10)]
    same = [_cand("a1", 40.0, 20.0, 5.0), _cand("a2", 40.1, 20.1, 5.0)]
    assert _mutually_near(one, [(same, "toponym"), (same, "toponym")]) == set()
    # a first-level division's point is no local reading; the same place under another name vouches for nothing
    spans = [_span("alpha", 0), _span("beta", 10)]
    far = _cand("far", -40.0, -60.0, 5.0)
    options = [
        ([_cand("region", 40.0, 20.0, 6.0, "ADM1"), far], "toponym"),
        ([_cand("shared", 40.0, 20.0, 5.0), far], "toponym"),
    ]
    assert _mutually_near(spans, options) == set()
    shared = [_cand("shared", 40.0, 20.0, 5.0), far]
    options = [(shared, "toponym"), (list(shared), "toponym")]
    # "far" is one place under both names too: it vouches for nothing either
    assert _mutually_near(spans, options) == set()


def _pair(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[list[Candidate], str]]:
    # Each name has a second reading far away, so it has a choice to make.
    far = _cand("far", -40.0, -60.0, 5.0)
    return [([_cand("a", *a, 5.0), far], "toponym"), ([_cand("b", *b, 5.0), far], "toponym")]


def test_mutually_near_reaches_across_grid_cells_and_stops_past_50_km() -> None:
    spans = [_span("alpha", 0), _span("beta", 10)]
    # 0.99 and 1.01 degrees of latitude (and of longitude) fall in different grid cells and lie
    # 3.1 km apart; 0.5 degrees of latitude are 55 km.
    assert _mutually_near(spans, _pair((0.99, 29.99), (1.01, 30.01))) == {("alpha", "a"), ("beta", "b")}
    assert _mutually_near(spans, _pair((0.49, 30.0), (0.99, 30.0))) == set()
    # 0.6 degrees of longitude on the equator are 67 km; 0.6 at 45 N are 47 km
    assert _mutually_near(spans, _pair((0.2, 30.0), (0.2, 30.6))) == set()
    assert _mutually_near(spans, _pair((45.0, 30.0), (45.0, 30.6))) == {("alpha", "a"), ("beta", "b")}
    # far north a cell is narrow east to west: 0.9 degrees of longitude at 70 N are 34 km
    assert _mutually_near(spans, _pair((70.1, 30.1), (70.1, 31.0))) == {("alpha", "a"), ("beta", "b")}


def test_a_name_with_one_reading_has_no_choice_to_make() -> None:
    spans = [_span("alpha", 0), _span("beta", 10)]
    options = [([_cand("a", 10.0, 10.0, 5.0)], "toponym"), ([_cand("b", 10.1, 10.1, 5.0)], "toponym")]
    assert _mutually_near(spans, options) == set()
