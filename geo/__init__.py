"""geo: news articles to time-stamped maps, offline.

The stable surface is re-exported here; heavy modules (folium, geopandas) load
only when first used, so a fresh process starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

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
    "build_map",
    "date_sentences",
    "parse",
    "read_articles",
]

_LAZY = {
    "Gazetteer": "geo.gazetteer.index",
    "LocalGazetteer": "geo.gazetteer.geocoder",
    "Geoparser": "geo.parsing.pipeline",
    "parse": "geo.parsing.pipeline",
    "read_articles": "geo.parsing.articles",
    "build_map": "geo.maps.render",
    "date_sentences": "geo.parsing.dates",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
