"""Result records: small immutable objects that keep the raw row they came from.

Examples
--------
>>> from geo.model import Mention, Place
>>> kyiv = Place("1", "Kyiv", "P", "PPLC", "UA", "12", 2_900_000, 50.45, 30.52)
>>> kyiv.geometry_type  # no geometry: the point is all there is
'Point'
>>> m = Mention("a1", 9, 13, "Kyiv", kyiv, "toponym", 0.9, "Talks in Kyiv.", None, "published", "", None)
>>> m.place.country, m.text
('UA', 'Kyiv')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Place", "Mention", "Article"]


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    ``geometry`` is a GeoJSON geometry mapping for lines and areas, or ``None``
    when the point (``lat``, ``lon``) is all there is.
    """

    id: str
    name: str
    feature_class: str  # GeoNames class: A (admin/country), P (populated), L (area), R (route), T (terrain) ...
    feature_code: str  # GeoNames code: PCLI, ADM1, PPLC, PPL, RGN, RD ...
    country: str  # ISO 3166-1 alpha-2, "" when none (continents, seas)
    admin1: str
    population: int
    lat: float
    lon: float
    geometry: dict[str, Any] | None = None
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def geometry_type(self) -> str:
        return self.geometry["type"] if self.geometry else "Point"


@dataclass(frozen=True, slots=True)
class Mention:
    """One place mention in one article.

    ``start``/``end`` are character offsets into the article body (after any
    date header), so ``article.text[start:end] == text``.
    """

    doc: str
    start: int
    end: int
    text: str
    place: Place
    kind: str  # "toponym" or "demonym"
    score: float  # confidence in [0, 1]
    sentence: str
    date: dt.date | None
    date_source: str  # "text", "narrative" or "published"
    date_text: str
    published: dt.date | None
    title: str = ""
    sentence_start: int = 0  # offset of ``sentence`` in the article body
    role: str = "place"  # "place", "actor", "affiliation" or "name" (see geo.parsing.roles)
    role_cue: str = ""  # the cue that decided the role ("subject of 'said'", "after 'in'")
    url: str = ""  # the article's address, when its input gives one (popups link to it)


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from its source.

    ``origin`` says what identifies the article regardless of where it sits in
    its input: ``id:<the input's own id>`` when the record has one, else
    ``file:<absolute path>`` (the content then tells articles of one file
    apart). :func:`geo.parsing.articles.read_articles` sets it; batch runs key their
    manifest by it, so a line prepended to a file or a file added beside
    others never makes a parsed article new again.
    """

    id: str
    text: str
    published: dt.date | None = None
    title: str = ""
    url: str = ""
    source: str = ""  # file path (and line) it was read from
    origin: str = ""
