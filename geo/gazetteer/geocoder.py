"""A geopy geocoder backed by the local gazetteer: no network, no rate limit.

It drops in wherever geopy geocoders go, for example
``geopandas.tools.geocode(names, provider=LocalGazetteer)``, and follows geopy's
conventions: ``exactly_one`` is keyword-only, and its errors are geopy's
(``except GeopyError`` catches them) as well as geo's and the builtin ones
(``InputError`` and ``ValueError`` for a bad query, ``CuratedDataError`` for bad
curated data, ``GazetteerError`` and ``RuntimeError`` for an index that cannot
be opened).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from geopy.exc import ConfigurationError, GeocoderQueryError, GeocoderServiceError, GeopyError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import CuratedDataError, GazetteerError, GeoError, InputError, InputTypeError
from geo.gazetteer.index import Candidate, Gazetteer

__all__ = [
    "LocalGazetteer",
    "LocalGazetteerConfigurationError",
    "LocalGazetteerQueryError",
    "LocalGazetteerServiceError",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class LocalGazetteerQueryError(InputError, GeocoderQueryError):
    """A query that is not a place name or a point, or a bad option (also a ``ValueError``)."""


class LocalGazetteerQueryTypeError(InputTypeError, LocalGazetteerQueryError):
    """A query of the wrong type, such as a number (also a ``TypeError``)."""


class LocalGazetteerConfigurationError(CuratedDataError, ConfigurationError):
    """A curated gazetteer folder or file is missing or malformed (also a ``ValueError``)."""


class LocalGazetteerServiceError(GazetteerError, GeocoderServiceError):
    """The gazetteer index cannot be built, opened or read (also a ``RuntimeError``)."""


# geo's error -> its geopy flavour; the most specific first.
_GEOPY_FLAVOURS: tuple[tuple[type[GeoError], type[GeoError]], ...] = (
    (InputError, LocalGazetteerQueryError),
    (CuratedDataError, LocalGazetteerConfigurationError),
    (GazetteerError, LocalGazetteerServiceError),
)


def _as_geopy_error(call: Callable[[], _T]) -> _T:
    """Run ``call``, raising geo's errors as the subclasses that are geopy's too (same message)."""
    try:
        return call()
    except GeoError as err:
        if isinstance(err, GeopyError):
            raise
        for theirs, ours in _GEOPY_FLAVOURS:
            if isinstance(err, theirs):
                raise ours(str(err)) from err
        raise


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
        self.gazetteer = gazetteer or _as_geopy_error(lambda: Gazetteer.open(index, cache_dir=cache_dir))

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        limit: int | None = None,
        timeout: Any = None,
        demonyms: bool = False,
    ) -> Location | list[Location] | None:
        """Places named ``query``, best first; ``None`` when there is none.

        ``timeout`` is accepted for geopy compatibility; a local lookup needs none.
        """
        if not isinstance(query, str):
            raise LocalGazetteerQueryTypeError(
                f"geocode query {query!r} is of type {type(query).__name__}, not a place name; "
                "give a string such as 'Moscow'"
                + (" (use reverse() for coordinates)" if isinstance(query, (int, float, tuple, list)) else "")
            )
        if not query.strip():
            raise LocalGazetteerQueryError(f"geocode query {query!r} is empty; give a place name such as 'Moscow'")
        cands = _as_geopy_error(
            lambda: self.gazetteer.lookup(
                query, country=country_codes, limit=1 if exactly_one else limit, demonyms=demonyms
            )
        )
        if not cands:
            return None
        if exactly_one:
            return _location(cands[0])
        return [_location(c) for c in cands]

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        timeout: Any = None,
    ) -> Location | list[Location] | None:
        """The nearest populated place(s) to ``(lat, lon)`` (or a geopy ``Point``)."""
        try:
            # geopy takes "lat, lon" strings too; indexing one would read its first two characters.
            parts = query.split(",") if isinstance(query, str) else query
            lat, lon = float(parts[0]), float(parts[1])
        except (TypeError, ValueError, IndexError) as err:
            raise LocalGazetteerQueryError(
                f"reverse query {query!r} is not a (latitude, longitude) pair; give e.g. (55.75, 37.62)"
            ) from err
        hits = _as_geopy_error(lambda: self.gazetteer.nearest(lat, lon, limit=1 if exactly_one else (limit or 5)))
        if not hits:
            return None
        locations = []
        for place, km in hits:
            loc = _location(Candidate(place, "name", 0.0))
            loc.raw["distance_km"] = round(km, 3)
            locations.append(loc)
        return locations[0] if exactly_one else locations
