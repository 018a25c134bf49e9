"""The gazetteer: its sources, curated data, the SQLite index, queries and the geopy geocoder.

``build_index`` writes the index from the installed sources and the curated
files, ``Gazetteer`` opens and queries it, and ``LocalGazetteer`` answers
geopy's ``geocode``/``reverse`` from it, offline. They load on first use.

Examples
--------
>>> from geo.gazetteer import Gazetteer, LocalGazetteer, build_index
>>> Gazetteer.__module__, build_index.__module__, LocalGazetteer.__module__
('geo.gazetteer.index', 'geo.gazetteer.index', 'geo.gazetteer.geocoder')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo._lazy import lazy_exports

if TYPE_CHECKING:
    from geo.gazetteer.geocoder import LocalGazetteer
    from geo.gazetteer.index import Gazetteer, build_index

__all__ = ["Gazetteer", "build_index", "LocalGazetteer"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Gazetteer": "geo.gazetteer.index",
        "build_index": "geo.gazetteer.index",
        "LocalGazetteer": "geo.gazetteer.geocoder",
    },
)
