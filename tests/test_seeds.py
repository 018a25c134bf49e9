"""The two example articles, end to end: every place, no person, every date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.geometry import haversine_km
from geo.parsing.articles import read_articles

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# (words as written, country, lat, lon, tolerance km)
PLACES = [
    ("Moscow", "RU", 55.75, 37.62, 50),
    ("Istanbul", "TR", 41.01, 28.95, 50),
    ("Hadrut", "AZ", 39.52, 47.03, 5),
    ("Kalbajar", "AZ", 40.11, 46.04, 30),
    ("Lachin", "AZ", 39.64, 46.55, 30),
    ("Jabrayil", "AZ", 39.40, 47.03, 30),
    ("Azerbaijan", "AZ", 40.4, 47.5, 300),
    ("Armenia", "AM", 40.1, 45.0, 200),
    ("Russia", "RU", 60.0, 100.0, 3000),
    ("Türkiye", "TR", 39.0, 35.0, 400),
    ("Nagorno-Karabakh", "AZ", 39.8, 46.7, 60),
    ("Lachin Corridor", "AZ", 39.65, 46.55, 60),
    ("Ukraine", "UA", 49.0, 32.0, 400),
    ("Caucasus", "", 42.5, 44.5, 400),
    ("Washington", "US", 38.9, -77.04, 30),
    ("Kremlin", "RU", 55.752, 37.617, 5),
]
NOT_PLACES = ["Report", "İTV", "Vladimir", "Sergey", "Lavrov", "Putin", "Shoigu", "Bono", "Klaar"]


@pytest.fixture(scope="module")
def seed_mentions(geoparser):
    articles = list(read_articles([SEEDS]))
    assert len(articles) == 2
    return {a.id: (a, geoparser.parse_article(a)) for a in articles}


def _all(seed_mentions):
    return [m for _, mentions in seed_mentions.values() for m in mentions]


@pytest.mark.parametrize(("words", "country", "lat", "lon", "km"), PLACES)
def test_place_found_and_placed(seed_mentions, words, country, lat, lon, km):
    hits = [m for m in _all(seed_mentions) if m.text == words]
    assert hits, f"{words} not found; found {[m.text for m in _all(seed_mentions)]}"
    for m in hits:
        assert m.place.country == country or (words == "Lachin Corridor" and m.place.country in {"AZ", "AM", ""}), (
            words,
            m.place,
        )
        assert haversine_km(lat, lon, m.place.lat, m.place.lon) <= km, (words, m.place)


def test_lachin_corridor_is_a_line(seed_mentions):
    corridor = [m for m in _all(seed_mentions) if m.text == "Lachin Corridor"]
    assert corridor and all(m.place.geometry_type == "LineString" for m in corridor)


def test_nagorno_karabakh_is_an_area(seed_mentions):
    nk = [m for m in _all(seed_mentions) if m.text == "Nagorno-Karabakh"]
    assert nk and all(m.place.geometry_type in {"Polygon", "MultiPolygon"} for m in nk)


@pytest.mark.parametrize("words", NOT_PLACES)
def test_people_and_media_are_not_places(seed_mentions, words):
    for _article, mentions in seed_mentions.values():
        for m in mentions:
            assert words not in m.text, (words, m.text, m.place.name)


def test_offsets_slice_back(seed_mentions):
    for article, mentions in seed_mentions.values():
        for m in mentions:
            assert article.text[m.start : m.end] == m.text
            assert m.sentence == article.text[m.sentence_start : m.sentence_start + len(m.sentence)]
            assert 0.0 <= m.score <= 1.0


def _by_text(seed_mentions, words, sentence_has=""):
    return [m for m in _all(seed_mentions) if m.text.startswith(words) and sentence_has in m.sentence]


def test_meeting_in_istanbul_dated_17_september(seed_mentions):
    for words in ("Istanbul", "Lachin Corridor"):
        hits = _by_text(seed_mentions, words)
        assert hits and all(m.date == dt.date(2023, 9, 17) and m.date_source == "text" for m in hits), words


def test_offensive_dated_19_september(seed_mentions):
    hits = _by_text(seed_mentions, "Nagorno-Karabakh", "lightning offensive")
    assert hits and all(m.date == dt.date(2023, 9, 19) for m in hits)


def test_october_8_2020(seed_mentions):
    sentence = "on October 8, 2020, the Russian side"
    russia = _by_text(seed_mentions, "Russian", sentence)
    armenia = _by_text(seed_mentions, "Armenia", sentence)
    assert russia and russia[0].kind == "demonym" and russia[0].place.country == "RU"
    assert armenia
    for m in russia + armenia:
        assert m.date == dt.date(2020, 10, 8)


def test_hadrut_dated_in_the_narrative(seed_mentions):
    hits = _by_text(seed_mentions, "Hadrut")
    assert hits
    for m in hits:
        assert dt.date(2020, 10, 8) <= m.date <= dt.date(2020, 10, 11), m
        assert m.published == dt.date(2025, 11, 8)


def test_first_sentence_takes_the_publication_date(seed_mentions):
    for article, mentions in seed_mentions.values():
        first_end = article.text.index(".") + 1
        lead = [m for m in mentions if m.end <= first_end]
        assert lead, article.id
        for m in lead:
            assert m.date == article.published and m.date_source == "published"
