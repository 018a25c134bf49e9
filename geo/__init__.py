"""geo: news articles to time-stamped maps, offline.

The stable surface is re-exported here; heavy modules (folium, geopandas) load
only when first used, so a fresh process starts fast.

Examples
--------
>>> import geo
>>> geo.Geoparser.__module__  # re-exported names load their module on first use
'geo.parsing.pipeline'
>>> geo.date_sentences("It rained. On 5 May 2021 it snowed.", None)[1].date
datetime.date(2021, 5, 5)
>>> issubclass(geo.InputError, geo.GeoError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import _native
from geo._lazy import lazy_exports
from geo.errors import (
    CuratedDataError,
    GazetteerError,
    GeoError,
    IndexCorruptError,
    InputError,
    InputTypeError,
    OutputError,
    RulesError,
)
from geo.model import Article, Mention, Place

if TYPE_CHECKING:
    from geo.gazetteer.geocoder import LocalGazetteer
    from geo.gazetteer.index import Gazetteer
    from geo.maps.render import TimeLayer, build_map
    from geo.parsing.articles import read_articles
    from geo.parsing.dates import date_sentences
    from geo.parsing.pipeline import Geoparser, parse

_native.choose()  # before any parsing module loads: the compiled build, or the sources when it is stale

__version__ = "0.1.0"

__all__ = [
    "Article",
    "CuratedDataError",
    "GazetteerError",
    "Gazetteer",
    "GeoError",
    "Geoparser",
    "IndexCorruptError",
    "InputError",
    "InputTypeError",
    "LocalGazetteer",
    "Mention",
    "OutputError",
    "Place",
    "RulesError",
    "TimeLayer",
    "build_map",
    "date_sentences",
    "parse",
    "read_articles",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Gazetteer": "geo.gazetteer.index",
        "LocalGazetteer": "geo.gazetteer.geocoder",
        "Geoparser": "geo.parsing.pipeline",
        "parse": "geo.parsing.pipeline",
        "read_articles": "geo.parsing.articles",
        "build_map": "geo.maps.render",
        "TimeLayer": "geo.maps.render",
        "date_sentences": "geo.parsing.dates",
    },
)
