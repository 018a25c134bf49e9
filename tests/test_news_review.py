"""The geoparser against a careful reader's judgement of 44 invented news articles (tests/data/news_review).

The articles were written to review the resolver on news nobody tuned it for (wrong level,
namesakes, long names, clubs, datelines, AP abbreviations); ``expected.jsonl`` is the
judgement of every place mention and of every name once taken for a place. The floors
are the figures the resolver reached when the set was judged, less one or two mentions:
a change that makes the resolver worse on this news fails here.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "news_review"


def _review_module():
    spec = importlib.util.spec_from_file_location("news_review", DATA / "review.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module


review = _review_module()

# The figures of the judged set, floored (see the module docstring).
FLOORS = {
    "right_entity_share": 0.975,
    "accuracy_161": 0.975,
    "precision": 0.985,
    "recall": 0.95,
}


def test_every_judged_span_is_the_articles_text() -> None:
    bodies = {name: body for name, _, body in review.articles()}
    judged = review.expected()
    assert set(judged) <= set(bodies), set(judged) - set(bodies)
    assert len(bodies) >= 40
    for name, entries in judged.items():
        starts = [e["start"] for e in entries]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), name
        for e in entries:
            assert bodies[name][e["start"] : e["end"]] == e["text"], (name, e)
            place = e["place"]
            if place is not None:
                assert -90 <= place["lat"] <= 90 and -180 <= place["lon"] <= 180, (name, e)
                assert isinstance(place["ids"], list), (name, e)


def test_articles_open_with_their_date_line() -> None:
    for path in sorted((DATA / "articles").glob("*.txt")):
        first = path.read_text(encoding="utf-8").partition("\n")[0]
        assert re.fullmatch(r" date \d{4}-\d{2}-\d{2}", first), path.name


@pytest.fixture(scope="module")
def judged_run(geoparser):
    return review.score(lambda body, published: geoparser.parse_text(body, published=published))


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_review_set_figure_stays_above_its_floor(judged_run, figure) -> None:
    value = getattr(judged_run, figure)
    assert value >= FLOORS[figure], (
        f"{figure} {value:.3f} < {FLOORS[figure]}",
        judged_run.wrong,
        judged_run.false_positives,
        judged_run.missed,
    )


def test_scoring_counts_wrong_entities_false_positives_and_misses() -> None:
    """The scorer itself: a parse that finds one judged place rightly, one wrongly and far, and a non-place."""
    from geo.model import Place

    name, _, body = review.articles()[0]
    judged = review.expected()[name]
    places = [e for e in judged if e["place"] is not None and not e.get("either")]
    right, wrong = places[0], places[1]
    not_place = next(e for e in judged if e["place"] is None)

    class Mention:
        def __init__(self, entry: dict, pid: str, lat: float, lon: float) -> None:
            self.start, self.end, self.text = entry["start"], entry["end"], entry["text"]
            self.place = Place(pid, "x", "P", "PPL", "XX", "", 0, lat, lon)

    def parse(text: str, day: object) -> list[Mention]:
        if text != body:
            return []
        return [
            Mention(right, right["place"]["ids"][0], right["place"]["lat"], right["place"]["lon"]),
            Mention(wrong, "nowhere", -wrong["place"]["lat"], wrong["place"]["lon"] + 90.0),
            Mention(not_place, "somewhere", 0.0, 0.0),
        ]

    result = review.score(parse)
    assert (result.found, result.found_places, result.right_entity, result.within_161) == (3, 2, 1, 1)
    assert len(result.false_positives) == 1 and len(result.wrong) == 1
    assert len(result.missed) == result.places - 2
