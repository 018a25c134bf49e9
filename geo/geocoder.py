"""A geopy geocoder backed by the local gazetteer: no network, no rate limit.

It drops in wherever geopy geocoders go, for example
``geopandas.tools.geocode(names, provider=LocalGazetteer)``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .errors import InputError, InputTypeError
from .gazetteer import Candidate, Gazetteer

__all__ = ["LocalGazetteer"]

logger = logging.getLogger(__name__)


def _location(cand: Candidate) -> Location:
    place = cand.place
    parts = [place.name]
    if place.admin1 and place.admin1 != place.name:
        parts.append(place.admin1)
    if place.country and place.feature_code != "PCLI":
        parts.append(place.country)
    raw: dict[str, Any] = {
        "id": place.id,
        "name": place.name,
        "feature_class": place.feature_class,
        "feature_code": place.feature_code,
        "country": place.country,
        "admin1": place.admin1,
        "population": place.population,
        "latitude": place.lat,
        "longitude": place.lon,
        "geometry": place.geometry or {"type": "Point", "coordinates": [place.lon, place.lat]},
        "source": place.source,
        "match": cand.match,
        "prior": cand.prior,
        "record": place.raw,
    }
    return Location(", ".join(parts), (place.lat, place.lon, 0.0), raw)


class LocalGazetteer(Geocoder):
    """geopy ``Geocoder`` over the local gazetteer index.

    Parameters
    ----------
    index : path-like, optional
        An index file; default: the cached index, built on first use.
    cache_dir : path-like, optional
        Where the default index lives (else ``GEO_CACHE_DIR``).
    gazetteer : Gazetteer, optional
        An already open gazetteer to share.

    Examples
    --------
    >>> from geo import LocalGazetteer
    >>> LocalGazetteer().geocode("Hadrut").raw["country"]  # doctest: +SKIP
    'AZ'
    """

    def __init__(
        self,
        index: str | os.PathLike[str] | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        gazetteer: Gazetteer | None = None,
        **geopy_options: Any,
    ) -> None:
        super().__init__(**geopy_options)
        self.gazetteer = gazetteer or Gazetteer.open(index, cache_dir=cache_dir)

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        *,
        country_codes: str | Iterable[str] | None = None,
        limit: int | None = None,
        timeout: Any = None,
        demonyms: bool = False,
    ) -> Location | list[Location] | None:
        """Places named ``query``, best first; ``None`` when there is none.

        ``timeout`` is accepted for geopy compatibility; a local lookup needs none.
        """
        if not isinstance(query, str):
            raise InputTypeError(
                f"geocode query {query!r} is of type {type(query).__name__}, not a place name; give a string such as 'Moscow'"
                + (" (use reverse() for coordinates)" if isinstance(query, (int, float, tuple, list)) else "")
            )
        if not query.strip():
            raise InputError(f"geocode query {query!r} is empty; give a place name such as 'Moscow'")
        cands = self.gazetteer.lookup(query, country=country_codes, limit=1 if exactly_one else limit, demonyms=demonyms)
        if not cands:
            return None
        if exactly_one:
            return _location(cands[0])
        return [_location(c) for c in cands]

    def reverse(
        self,
        query: Any,
        exactly_one: bool = True,
        *,
        limit: int | None = None,
        timeout: Any = None,
    ) -> Location | list[Location] | None:
        """The nearest populated place(s) to ``(lat, lon)`` (or a geopy ``Point``)."""
        try:
            # geopy takes "lat, lon" strings too; indexing one would read its first two characters.
            parts = query.split(",") if isinstance(query, str) else query
            lat, lon = float(parts[0]), float(parts[1])
        except (TypeError, ValueError, IndexError) as err:
            raise InputError(f"reverse query {query!r} is not a (latitude, longitude) pair; give e.g. (55.75, 37.62)") from err
        hits = self.gazetteer.nearest(lat, lon, limit=1 if exactly_one else (limit or 5))
        if not hits:
            return None
        locations = []
        for place, km in hits:
            loc = _location(Candidate(place, "name", 0.0))
            loc.raw["distance_km"] = round(km, 3)
            locations.append(loc)
        return locations[0] if exactly_one else locations
