"""Mentions to maps: map data, the folium time layer, rendering, pictures, basemap, static assets.

``TimeLayer`` is a folium plugin for any ``folium.Map``; ``build_map`` makes a
whole map around one, and ``save_map``, ``embed_fragment`` and ``save_png``
write it. They load folium on first use, so importing this package is cheap.

Examples
--------
>>> from geo.maps import TimeLayer, build_map_data
>>> TimeLayer.__module__, build_map_data.__module__
('geo.maps.render', 'geo.maps.mapdata')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo._lazy import lazy_exports

if TYPE_CHECKING:
    from geo.maps.mapdata import build_map_data
    from geo.maps.render import TimeLayer, TimeMap, build_map, embed_fragment, save_embed, save_map, save_png

__all__ = [
    "TimeLayer",
    "TimeMap",
    "build_map",
    "build_map_data",
    "save_map",
    "embed_fragment",
    "save_embed",
    "save_png",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "build_map_data": "geo.maps.mapdata",
        **dict.fromkeys(
            ["TimeLayer", "TimeMap", "build_map", "save_map", "embed_fragment", "save_embed", "save_png"],
            "geo.maps.render",
        ),
    },
)
