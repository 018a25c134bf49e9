"""Roles in the two example articles, through the real pipeline: where things happened versus who acted."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.parsing.articles import read_articles

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_mentions(geoparser):
    return [m for a in read_articles([SEEDS]) for m in geoparser.parse_article(a)]


def _hits(mentions, words, sentence_has=""):
    found = [m for m in mentions if m.text == words and sentence_has in m.sentence]
    assert found, f"{words!r} (in a sentence with {sentence_has!r}) not found"
    return found


@pytest.mark.parametrize("words", ["Istanbul", "Hadrut", "Kalbajar", "Jabrayil", "Lachin", "Lachin Corridor"])
def test_where_things_happened_are_places(seed_mentions, words):
    for m in _hits(seed_mentions, words):
        assert m.role == "place", (words, m.role, m.role_cue, m.sentence)


@pytest.mark.parametrize(
    ("words", "sentence_has"), [("Moscow", "rare contact between Moscow and the West"), ("Kremlin", "")]
)
def test_who_acted_are_actors(seed_mentions, words, sentence_has):
    for m in _hits(seed_mentions, words, sentence_has):
        assert m.role == "actor", (words, m.role, m.role_cue)


@pytest.mark.parametrize(
    ("words", "sentence_has"),
    [("Russian", "the Russian side"), ("Azerbaijan", "Foreign Minister"), ("Armenian", "the Armenian delegation")],
)
def test_belonging_is_never_a_place(seed_mentions, words, sentence_has):
    for m in _hits(seed_mentions, words, sentence_has):
        assert m.role in {"affiliation", "actor"}, (words, m.role, m.role_cue)


def test_every_seed_mention_says_why(seed_mentions):
    assert all(m.role_cue for m in seed_mentions)
    # The seeds are mostly about who did what: far from every mention is a place.
    roles = {m.role for m in seed_mentions}
    assert {"place", "actor", "affiliation"} <= roles
