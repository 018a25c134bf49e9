"""Build the data behind the time-stamped map, with no browser and no folium.

:func:`build_map_data` turns place mentions into one JSON-ready dict that the
map's own script (``geo/static/geo-time.js``) draws. Everything about time is
decided here, in plain Python that tests can check:

* Dates are ISO 8601 strings (``YYYY-MM-DD``) and are compared as ISO strings
  or as day numbers (``date.toordinal()``: days since 0001-01-01), never as
  epoch seconds, so 1965, 2001-09-09 and 2025 sort the way the calendar does
  and nothing depends on the reader's time zone.
* A mention is visible from its ``date`` up to, but not including, ``until``
  (``date`` + the window). The slider moves in steps of one day (``P1D``).
* Mentions without a date fall back to the article's published date; with
  neither they join the *undated* group, which is visible at every time.
* Mentions are aggregated by (place, drawing class, day): one feature per
  place and day carries the count per article and at most
  :data:`MAX_SNIPPETS` sample sentences, so 100,000 mentions stay a few tens
  of megabytes. Sentences are stored once in ``data["sentences"]``.
* A demonym ("Azerbaijani") is drawn as its country's outline, or at the
  country's reference point when no outline is known, never as a point on the
  capital the gazetteer may have resolved it to.

Shape of the result (optional keys are marked; they are left out when empty
to keep large maps small)::

    {
      "type": "geo-time-map", "version": 1,
      "domain": {"min": "1965-03-01", "max": "2025-11-08", "step": "P1D"} | None,
      "window": {"days": 30, "iso": "P30D", "source": "default" | "given"},
      "features": {"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "f0",
           "geometry": {"type": "Point", "coordinates": [lon, lat]},   # anchor
           "properties": {"place": 0, "name": "Baku", "class": "city",
                          "date": "2023-09-17" | None, "until": "2023-09-24" | None,
                          "count": 3,
                          "docs": [[article_index, count], ...],
                          "snippets": [{"s": sentence_index, "a": 10, "b": 14,
                                        "doc": article_index, "source": "text",
                                        "date_text": "...", "score": 0.93}, ...],
                          "shape": "s0" | "country:AZ"}}, ...]},   # lines/areas only
      "shapes": {"s0": GeoJSON geometry, "country:AZ": ...},  # lines and areas
      "sentences": ["...", ...],
      "articles": [{"id", "title", "published", "date", "label", "count"}, ...],
      "places": [{"key", "id", "name", "country", "country_name", "feature",
                  "class", "lat", "lon", "count", "articles", "first", "last",
                  "undated"}, ...],
      "bounds": [[south, west], [north, east]] | None,
      "stats": {"mentions", "features", "places", "articles", "undated", "skipped"},
    }

A snippet's event date is its feature's ``date`` (features are per day);
``date_text`` and ``score`` are left out when unknown.
``a``/``b`` in a snippet are UTF-16 offsets of the mention in its sentence,
the unit JavaScript strings use, so the highlight is right for any script.
A feature's geometry is its anchor point; lines and areas name their full
geometry in ``shapes`` so that it is stored once, not once per day.

Strings are kept as written (not HTML-escaped): they are data. Use
:func:`to_script_json` to embed the dict in an HTML ``<script>`` block.

Examples
--------
>>> data = build_map_data([
...     {"doc": "a1", "title": "Talks", "text": "Baku", "name": "Baku", "id": "587084",
...      "kind": "toponym", "feature": "PPLC", "country": "AZ", "lat": 40.38, "lon": 49.89,
...      "date": "2023-09-17", "sentence": "Talks in Baku.", "start": 9, "end": 13,
...      "sentence_start": 0}
... ])
>>> data["domain"]["min"], data["features"]["features"][0]["properties"]["class"]
('2023-09-17', 'city')
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from geo import basemap
from geo.basemap import round_geometry
from geo.errors import InputError

__all__ = [
    "build_map_data",
    "parse_window",
    "default_window_days",
    "draw_class",
    "to_script_json",
    "iso_to_day",
    "day_to_iso",
    "CLASSES",
    "MAX_SNIPPETS",
    "MAX_WINDOW_DAYS",
]

logger = logging.getLogger(__name__)

#: Sample sentences kept per feature (place + day); the count keeps the rest.
MAX_SNIPPETS = 3

#: The default window never exceeds this many days.
MAX_WINDOW_DAYS = 90

#: Default windows are rounded up to one of these, so the legend reads well.
_NICE_WINDOWS = (1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90)

#: Longest sentence kept in full; longer ones are cut around the mention.
MAX_SENTENCE_CHARS = 400

#: Coordinates are rounded to 5 decimals (about 1 m): more is noise in JSON.
_COORD_DECIMALS = 5

#: Lines and areas with more vertices than this are simplified (0.001 degree).
_MAX_VERTICES = 2000

#: Drawing classes and their legend labels, in legend order.
CLASSES: dict[str, str] = {
    "area": "Country / area",
    "city": "City / place",
    "line": "Line / route",
    "demonym": "Demonym (country)",
    "other": "Other feature",
}

_AREA_CODE_PREFIXES = ("PCL", "ADM", "RGN", "TERR", "CONT", "ZN", "AREA", "PRSH", "LTER")
_LINE_CODE_PREFIXES = ("RD", "RR", "TRL", "TNL", "RTE", "PPLN", "CNL", "STM", "BDR")
_LINE_TYPES = ("LineString", "MultiLineString")
_AREA_TYPES = ("Polygon", "MultiPolygon")

_WINDOW_RE = re.compile(
    r"^\s*P?\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.IGNORECASE
)
_WINDOW_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}


# --------------------------------------------------------------------------- dates


# Areas wider or taller than this many degrees do not set the first view.
_FOCUS_MAX_DEGREES = 12.0

def iso_to_day(iso: str) -> int:
    """Return the day number (``date.toordinal()``) of an ISO date string.

    Examples
    --------
    >>> iso_to_day("0001-01-01"), iso_to_day("1970-01-01")
    (1, 719163)
    """
    return dt.date.fromisoformat(iso).toordinal()


def day_to_iso(day: int) -> str:
    """Return the ISO date string of a day number (inverse of :func:`iso_to_day`).

    Examples
    --------
    >>> day_to_iso(719163)
    '1970-01-01'
    """
    return dt.date.fromordinal(day).isoformat()


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas' NaT and NA are singletons whose type names are stable; checking
    # the name keeps pandas an optional import here.
    return type(value).__name__ in ("NaTType", "NAType")


def _to_date(value: Any, field: str, where: str) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value).__name__ == "datetime64":  # numpy scalar: its str() is ISO
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise InputError(
        f"{where}: {field}={value!r} is not a date; give an ISO date string "
        "'YYYY-MM-DD', a datetime.date, or None"
    )


def parse_window(window: str | dt.timedelta | int | None) -> int | None:
    """Parse a visibility window into whole days (``None`` means "default").

    Accepted: a :class:`datetime.timedelta` (rounded up to whole days), an
    int number of days, or a string such as ``"P7D"``, ``"7D"``, ``"7 days"``,
    ``"P2W"``, ``"2 weeks"``, ``"P1M"``/``"1 month"`` (30 days) or
    ``"P1Y"``/``"1 year"`` (365 days).

    Raises
    ------
    InputError
        If the window is not one of those forms or is not positive.

    Examples
    --------
    >>> parse_window("P2W"), parse_window(dt.timedelta(hours=36)), parse_window(None)
    (14, 2, None)
    """
    if window is None:
        return None
    if isinstance(window, bool):
        raise InputError(f"window={window!r}: expected a duration, e.g. '7D' or timedelta(days=7)")
    if isinstance(window, dt.timedelta):
        seconds = window.total_seconds()
        if seconds <= 0:
            raise InputError(f"window={window!r} is not positive; give at least one day")
        return max(1, math.ceil(seconds / 86400))
    if isinstance(window, int):
        if window <= 0:
            raise InputError(f"window={window!r} is not positive; give at least one day")
        return window
    if isinstance(window, str):
        m = _WINDOW_RE.match(window)
        if m:
            days = int(m.group(1)) * _WINDOW_UNITS[m.group(2)[0].lower()]
            if days <= 0:
                raise InputError(f"window={window!r} is not positive; give at least one day")
            return days
    raise InputError(
        f"window={window!r} is not a duration; use e.g. 'P7D', '7D', '7 days', 'P2W', "
        "'1 month' (30 days), 'P1Y' (365 days), an int of days or a datetime.timedelta"
    )


def default_window_days(span_days: int) -> int:
    """Return the default window for data spanning ``span_days`` days.

    A tenth of the span, rounded up to 1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60
    or 90 days and never more than :data:`MAX_WINDOW_DAYS`: long enough that
    playing the story shows each place for a while, short enough that old
    mentions do not pile up.

    Examples
    --------
    >>> default_window_days(0), default_window_days(60), default_window_days(22000)
    (1, 7, 90)
    """
    raw = max(1.0, span_days / 10)
    for nice in _NICE_WINDOWS:
        if nice >= raw:
            return nice
    return MAX_WINDOW_DAYS


# --------------------------------------------------------------------------- rows


def _records(mentions: Any) -> Iterable[Mapping[str, Any]]:
    if mentions is None:
        raise InputError(
            "mentions=None: expected a list of dicts, a (geo)pandas DataFrame or geo.model.Mention objects"
        )
    if hasattr(mentions, "to_dict") and hasattr(mentions, "columns"):
        return mentions.to_dict("records")
    if isinstance(mentions, Mapping):
        raise InputError(
            "mentions is a single mapping; pass a list of mention dicts (one per place mention)"
        )
    return mentions


def _as_mapping(row: Any, where: str) -> Mapping[str, Any]:
    if isinstance(row, Mapping):
        return row
    place = getattr(row, "place", None)
    if place is not None and hasattr(row, "doc"):
        # A geo.model.Mention: flatten it to the column names the table uses.
        return {
            "doc": row.doc,
            "title": getattr(row, "title", ""),
            "start": row.start,
            "end": row.end,
            "text": row.text,
            "name": place.name,
            "id": place.id,
            "kind": row.kind,
            "feature": place.feature_code,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
            "geometry": place.geometry,
            "score": row.score,
            "date": row.date,
            "date_source": row.date_source,
            "date_text": row.date_text,
            "published": row.published,
            "sentence": row.sentence,
            "sentence_start": None,
        }
    raise InputError(
        f"{where}: {type(row).__name__} is not a mention; give dicts with the columns "
        "doc, title, text, name, id, kind, feature, country, lat, lon, date, ... or geo.model.Mention"
    )


def _get(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if _is_missing(value) else value


def _text(value: Any) -> str:
    if _is_missing(value):
        return ""
    s = value if isinstance(value, str) else str(value)
    # Lone surrogates (from broken decoders upstream) cannot be written as
    # UTF-8 and would make saving the map fail; replace them.
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = s.encode("utf-8", "replace").decode("utf-8")
    return s


def _float(value: Any, field: str, where: str) -> float | None:
    if _is_missing(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError) as err:
        raise InputError(f"{where}: {field}={value!r} is not a number") from err
    return None if math.isnan(f) else f


def _int(value: Any) -> int | None:
    if _is_missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shapely_geometry(value: Any, where: str) -> Any | None:
    """Return a shapely geometry from shapely, GeoJSON dict/Feature or JSON text."""
    if _is_missing(value):
        return None
    from shapely import geometry as sgeom

    if hasattr(value, "geom_type") and hasattr(value, "is_empty"):
        return None if value.is_empty else value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise InputError(f"{where}: geometry is a string but not GeoJSON: {err}") from err
    if isinstance(value, Mapping):
        if value.get("type") == "Feature":
            value = value.get("geometry")
            if value is None:
                return None
        try:
            geom = sgeom.shape(value)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as err:
            raise InputError(
                f"{where}: geometry {str(value)[:80]!r} is not a valid GeoJSON geometry: {err}"
            ) from err
        return None if geom.is_empty else geom
    raise InputError(
        f"{where}: geometry of type {type(value).__name__} is not supported; "
        "give a shapely geometry, a GeoJSON geometry dict, or None"
    )


def draw_class(kind: str, feature: str, geometry_type: str) -> str:
    """Return the drawing class (legend colour) of a mention.

    ``"demonym"`` for demonyms whatever their place; otherwise lines
    (LineString geometries and route-like codes such as RD, RR, TRL) are
    ``"line"``, polygons and country/admin/region codes (PCL*, ADM*, RGN,
    CONT, TERR, ZN ...) are ``"area"``, populated places (PPL*) are
    ``"city"``, and anything else is ``"other"``.

    Examples
    --------
    >>> draw_class("toponym", "PPLC", "Point"), draw_class("demonym", "PCLI", "Point")
    ('city', 'demonym')
    >>> draw_class("toponym", "RD", "Point"), draw_class("toponym", "ADM1", "MultiPolygon")
    ('line', 'area')
    """
    code = (feature or "").strip().upper()
    if (kind or "").strip().lower() == "demonym":
        return "demonym"
    if geometry_type in _LINE_TYPES:
        return "line"
    if geometry_type in _AREA_TYPES:
        return "area"
    if code.startswith("PPL") and not code.startswith("PPLN"):
        return "city"
    if code.startswith(_LINE_CODE_PREFIXES):
        return "line"
    if code.startswith(_AREA_CODE_PREFIXES):
        return "area"
    return "other"


def _count_vertices(geom: Any) -> int:
    import shapely

    return int(shapely.get_num_coordinates(geom))


def _utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


def _snippet_parts(row: Mapping[str, Any], text: str) -> tuple[str, int | None, int | None]:
    """Return (sentence, start, end) with code-point offsets of the mention."""
    sentence = _text(_get(row, "sentence"))
    if not sentence:
        return text, (0 if text else None), (len(text) if text else None)
    start, end, s0 = _int(_get(row, "start")), _int(_get(row, "end")), _int(_get(row, "sentence_start"))
    a = b = None
    if start is not None and end is not None and s0 is not None:
        a, b = start - s0, end - s0
        if not (0 <= a <= b <= len(sentence)) or (text and sentence[a:b] != text):
            a = b = None
    if a is None and text:
        i = sentence.find(text)
        if i < 0:
            i = sentence.casefold().find(text.casefold())
            if len(sentence.casefold()) != len(sentence):
                i = -1  # case folding changed lengths: offsets would be off
        if i >= 0:
            a, b = i, i + len(text)
    if len(sentence) > MAX_SENTENCE_CHARS:
        if a is None:
            sentence, a, b = sentence[: MAX_SENTENCE_CHARS - 1] + "\u2026", None, None
        else:
            room = max(0, MAX_SENTENCE_CHARS - (b - a)) // 2
            lo = max(0, a - room)
            hi = min(len(sentence), max(b + room, lo + MAX_SENTENCE_CHARS))
            lo = max(0, min(lo, hi - MAX_SENTENCE_CHARS))
            prefix = "\u2026" if lo > 0 else ""
            suffix = "\u2026" if hi < len(sentence) else ""
            sentence = prefix + sentence[lo:hi] + suffix
            a, b = a - lo + len(prefix), b - lo + len(prefix)
    return sentence, a, b


# --------------------------------------------------------------------------- build


class _Place:
    __slots__ = (
        "key", "id", "name", "country", "feature", "lat", "lon", "geom", "shape_key",
        "count", "docs", "first", "last", "undated", "classes", "index",
    )  # fmt: skip

    def __init__(self, key: str) -> None:
        self.key = key
        self.id = ""
        self.name = ""
        self.country = ""
        self.feature = ""
        self.lat = 0.0
        self.lon = 0.0
        self.geom: Any = None
        self.shape_key: str | None = None
        self.count = 0
        self.docs: set[str] = set()
        self.first: int | None = None
        self.last: int | None = None
        self.undated = 0
        self.classes: Counter[str] = Counter()
        self.index = -1


class _Agg:
    __slots__ = ("place", "cls", "day", "count", "docs", "snippets", "shape", "lat", "lon")

    def __init__(self, place: _Place, cls: str, day: int | None, shape: str | None, lat: float, lon: float) -> None:
        self.place = place
        self.cls = cls
        self.day = day
        self.count = 0
        self.docs: Counter[str] = Counter()
        self.snippets: list[tuple[float, int, dict[str, Any]]] = []
        self.shape = shape
        self.lat = lat
        self.lon = lon


class _Builder:
    def __init__(self) -> None:
        self.places: dict[str, _Place] = {}
        self.aggs: dict[tuple[str, str, int | None], _Agg] = {}
        self.articles: dict[str, dict[str, Any]] = {}
        self.sentences: dict[str, int] = {}
        self.shapes: dict[str, dict[str, Any]] = {}
        self.shape_bounds: dict[str, tuple[float, float, float, float]] = {}
        self.demonym_draw: dict[str, tuple[_Place, str | None, float, float] | None] = {}
        self.mentions = 0
        self.skipped = 0
        self.skipped_demonyms: Counter[str] = Counter()
        self.undated = 0
        self.order = 0

    # -- places and shapes

    def _add_shape(self, key: str, geom_map: dict[str, Any], bounds: tuple[float, float, float, float]) -> str:
        if key not in self.shapes:
            self.shapes[key] = geom_map
            self.shape_bounds[key] = bounds
        return key

    def _place(self, row: Mapping[str, Any], where: str) -> _Place | None:
        gid = _text(_get(row, "id")).strip()
        name = _text(_get(row, "name")).strip() or _text(_get(row, "text")).strip()
        lat = _float(_get(row, "lat"), "lat", where)
        lon = _float(_get(row, "lon"), "lon", where)
        if gid:
            key = gid
        elif lat is not None and lon is not None:
            key = f"{name}@{lat:.4f},{lon:.4f}"
        else:
            key = ""
        place = self.places.get(key) if key else None
        if place is not None:
            return place
        geom = _shapely_geometry(_get(row, "geometry"), where)
        if lat is None or lon is None:
            if geom is None:
                return None
            pt = geom if geom.geom_type == "Point" else geom.representative_point()
            lat, lon = pt.y, pt.x
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(
                f"{where}: lat={lat}, lon={lon} is outside the world (lat -90..90, lon -180..180); "
                "check that lat and lon are not swapped"
            )
        if not key:
            key = f"{name}@{lat:.4f},{lon:.4f}"
            if key in self.places:
                return self.places[key]
        place = _Place(key)
        place.id = gid
        place.name = name
        place.country = _text(_get(row, "country")).strip().upper()
        place.feature = _text(_get(row, "feature")).strip().upper()
        place.lat, place.lon = round(lat, _COORD_DECIMALS), round(lon, _COORD_DECIMALS)
        if geom is not None and geom.geom_type not in ("Point", "MultiPoint"):
            if _count_vertices(geom) > _MAX_VERTICES:
                geom = geom.simplify(0.001, preserve_topology=True)
            from shapely import geometry as sgeom

            place.geom = geom
            place.shape_key = self._add_shape(
                f"s{len(self.shapes)}",
                round_geometry(sgeom.mapping(geom), _COORD_DECIMALS),
                geom.bounds,
            )
        self.places[key] = place
        return place

    def _demonym_target(self, place: _Place) -> tuple[_Place, str | None, float, float] | None:
        """Where a demonym resolved to ``place`` is drawn: (place, shape key, lat, lon).

        A demonym names a people, so it is drawn over its country: the place's
        own outline if it has one, else the country outline, else the
        country's reference point. A demonym that the resolver tied to a city
        (often the capital) is moved to a country place of its own, so
        neither the map nor the summary puts it on that city.
        """
        if place.key in self.demonym_draw:
            return self.demonym_draw[place.key]
        target: tuple[_Place, str | None, float, float] | None = None
        centroid = basemap.country_centroid(place.country)
        country_level = place.feature.startswith(_AREA_CODE_PREFIXES) or (
            place.geom is not None and place.geom.geom_type in _AREA_TYPES
        )
        owner = place
        if not country_level and (centroid or basemap.country_shape(place.country)):
            key = f"country:{place.country}"
            owner = self.places.get(key)  # type: ignore[assignment]
            if owner is None:
                owner = self.places[key] = _Place(key)
                owner.name = basemap.country_name(place.country) or place.country
                owner.country = place.country
                owner.feature = "PCLI"
                lat, lon = centroid or (place.lat, place.lon)
                owner.lat, owner.lon = round(lat, _COORD_DECIMALS), round(lon, _COORD_DECIMALS)
        if place.geom is not None and place.geom.geom_type in _AREA_TYPES and owner is place:
            pt = place.geom.representative_point()
            lat, lon = centroid or (pt.y, pt.x)
            target = (owner, place.shape_key, lat, lon)
        else:
            outline = basemap.country_shape(place.country)
            if outline is not None:
                from shapely import geometry as sgeom

                shp = sgeom.shape(outline)
                if centroid is None:
                    pt = shp.representative_point()
                    centroid = (pt.y, pt.x)
                key = self._add_shape(f"country:{place.country}", outline, shp.bounds)
                target = (owner, key, centroid[0], centroid[1])
            elif centroid is not None:
                target = (owner, None, centroid[0], centroid[1])
            elif country_level:
                target = (owner, None, place.lat, place.lon)
        if target is None:
            logger.debug("demonym of %r (%s, country %r) has nowhere to be drawn", place.name, place.key, place.country)
        self.demonym_draw[place.key] = target
        return target

    # -- one row

    def add(self, raw_row: Any, index: int) -> None:
        where = f"mention #{index}"
        row = _as_mapping(raw_row, where)
        doc = _text(_get(row, "doc")).strip()
        # Rows of `geo aggregate` stand for `count` mentions and carry no article id:
        # they are grouped by their source (a site or a file) instead.
        weight = _int(_get(row, "count"))
        if weight is not None and weight < 1:
            return
        if not doc and weight is not None:
            doc = _text(_get(row, "source")).strip() or "aggregated mentions"
        if doc:
            where = f"mention #{index} (doc {doc!r})"
        else:
            raise InputError(f"{where}: 'doc' (the article id) is missing; every mention needs one")
        weight = weight or 1
        self.mentions += weight
        place = self._place(row, where)
        if place is None:
            self.skipped += 1
            logger.debug("%s skipped: no lat/lon and no geometry (unresolved place)", where)
            return
        kind = _text(_get(row, "kind")).strip().lower() or "toponym"
        gtype = place.geom.geom_type if place.geom is not None else "Point"
        cls = draw_class(kind, place.feature, gtype)
        shape, lat, lon = place.shape_key, place.lat, place.lon
        if cls == "demonym":
            target = self._demonym_target(place)
            if target is None:
                self.skipped += 1
                self.skipped_demonyms[place.country or "?"] += 1
                return
            place, shape, lat, lon = target

        date = _to_date(_get(row, "date"), "date", where)
        published = _to_date(_get(row, "published"), "published", where)
        source = _text(_get(row, "date_source")).strip() or "text"
        date_text = _text(_get(row, "date_text")).strip()
        if date is None and published is not None:
            date, source, date_text = published, "published", ""
        elif date is None:
            source, date_text = "", ""
        day = date.toordinal() if date is not None else None

        art = self.articles.get(doc)
        if art is None:
            art = self.articles[doc] = {
                "id": doc, "title": "", "published": None, "first": None, "count": 0, "order": len(self.articles),
            }  # fmt: skip
        if not art["title"]:
            art["title"] = _text(_get(row, "title")).strip()
        if art["published"] is None and published is not None:
            art["published"] = published
        if day is not None and (art["first"] is None or day < art["first"]):
            art["first"] = day
        art["count"] += weight

        place.count += weight
        place.docs.add(doc)
        place.classes[cls] += weight
        if day is None:
            place.undated += weight
            self.undated += weight
        else:
            place.first = day if place.first is None else min(place.first, day)
            place.last = day if place.last is None else max(place.last, day)

        key = (place.key, cls, day)
        agg = self.aggs.get(key)
        if agg is None:
            agg = self.aggs[key] = _Agg(place, cls, day, shape, lat, lon)
        agg.count += weight
        agg.docs[doc] += weight
        score = _float(_get(row, "score"), "score", where)
        if score is not None:
            score = min(1.0, max(0.0, score))

        # Keep the best-scored sentences; ties keep the earliest seen.
        rank = (score if score is not None else -1.0, -self.order)
        self.order += 1
        snippets = agg.snippets
        if len(snippets) >= MAX_SNIPPETS and rank <= min(s[:2] for s in snippets):
            return
        text = _text(_get(row, "text"))
        sentence, a, b = _snippet_parts(row, text)
        if any(s[2]["_sentence"] == sentence and s[2]["_a"] == a for s in snippets):
            return
        snippet = {
            "_sentence": sentence, "_a": a, "_b": b, "_doc": doc, "source": source,
            "date_text": date_text, "score": None if score is None else round(score, 3),
        }  # fmt: skip
        snippets.append((rank[0], rank[1], snippet))
        if len(snippets) > MAX_SNIPPETS:
            snippets.remove(min(snippets, key=lambda s: s[:2]))

    # -- output

    def _sentence_index(self, sentence: str) -> int:
        idx = self.sentences.get(sentence)
        if idx is None:
            idx = self.sentences[sentence] = len(self.sentences)
        return idx

    def result(self, window: int | None) -> dict[str, Any]:
        days = [a.day for a in self.aggs.values() if a.day is not None]
        lo, hi = (min(days), max(days)) if days else (None, None)
        given = window is not None
        win = window if window is not None else default_window_days((hi - lo) if days else 0)

        def art_key(a: dict[str, Any]) -> tuple[Any, ...]:
            d = a["published"].toordinal() if a["published"] else a["first"]
            return (d is None, d or 0, a["title"].casefold(), a["id"])

        arts = sorted(self.articles.values(), key=art_key)
        doc_index = {a["id"]: i for i, a in enumerate(arts)}
        articles = []
        for a in arts:
            d = a["published"] or (dt.date.fromordinal(a["first"]) if a["first"] else None)
            title = a["title"] or a["id"]
            short = title if len(title) <= 80 else title[:79].rstrip() + "\u2026"
            articles.append(
                {
                    "id": a["id"],
                    "title": title,
                    "published": a["published"].isoformat() if a["published"] else None,
                    "date": d.isoformat() if d else None,
                    "label": f"{short} ({d.isoformat() if d else 'undated'})",
                    "count": a["count"],
                }
            )

        places = sorted(self.places.values(), key=lambda p: (-p.count, p.name.casefold(), p.key))
        places = [p for p in places if p.count]
        out_places = []
        for i, p in enumerate(places):
            p.index = i
            out_places.append(
                {
                    "key": p.key,
                    "id": p.id,
                    "name": p.name,
                    "country": p.country,
                    "country_name": basemap.country_name(p.country) if p.country else "",
                    "feature": p.feature,
                    "class": p.classes.most_common(1)[0][0],
                    "lat": p.lat,
                    "lon": p.lon,
                    "count": p.count,
                    "articles": len(p.docs),
                    "first": dt.date.fromordinal(p.first).isoformat() if p.first else None,
                    "last": dt.date.fromordinal(p.last).isoformat() if p.last else None,
                    "undated": p.undated,
                }
            )

        far = dt.date.max.toordinal()
        aggs = sorted(
            self.aggs.values(),
            key=lambda g: (g.day is None, g.day or 0, g.place.index, g.cls),
        )
        features = []
        used_shapes: set[str] = set()
        south = west = math.inf
        focus = (math.inf, math.inf, -math.inf, -math.inf)
        north = east = -math.inf
        for n, g in enumerate(aggs):
            fid = f"f{n}"
            snippets = []
            for _, _, s in sorted(g.snippets, key=lambda s: (-s[0], -s[1])):
                sentence = s["_sentence"]
                a16 = b16 = None
                if s["_a"] is not None:
                    a16 = _utf16_len(sentence[: s["_a"]])
                    b16 = a16 + _utf16_len(sentence[s["_a"] : s["_b"]])
                snip: dict[str, Any] = {
                    "s": self._sentence_index(sentence),
                    "a": a16,
                    "b": b16,
                    "doc": doc_index[s["_doc"]],
                    "source": s["source"],
                }
                # Optional keys are left out when empty: at 100,000 mentions
                # every byte per snippet is 0.1 MB of HTML.
                if s["date_text"]:
                    snip["date_text"] = s["date_text"]
                if s["score"] is not None:
                    snip["score"] = s["score"]
                snippets.append(snip)
            until = None
            if g.day is not None:
                until = dt.date.fromordinal(min(far, g.day + win)).isoformat()
            small = True
            if g.shape:
                used_shapes.add(g.shape)
                w, s_, e, n_ = self.shape_bounds[g.shape]
                south, west, north, east = min(south, s_), min(west, w), max(north, n_), max(east, e)
                small = (e - w) < _FOCUS_MAX_DEGREES and (n_ - s_) < _FOCUS_MAX_DEGREES
                if small:
                    focus = (min(focus[0], s_), min(focus[1], w), max(focus[2], n_), max(focus[3], e))
            south, west = min(south, g.lat), min(west, g.lon)
            north, east = max(north, g.lat), max(east, g.lon)
            if small:
                focus = (min(focus[0], g.lat), min(focus[1], g.lon), max(focus[2], g.lat), max(focus[3], g.lon))
            props: dict[str, Any] = {
                "place": g.place.index,
                "name": g.place.name,
                "class": g.cls,
                "date": dt.date.fromordinal(g.day).isoformat() if g.day is not None else None,
                "until": until,
                "count": g.count,
                "docs": sorted([doc_index[d], c] for d, c in g.docs.items()),
                "snippets": snippets,
            }
            if g.shape:
                props["shape"] = g.shape
            features.append(
                {
                    "type": "Feature",
                    "id": fid,
                    "geometry": {"type": "Point", "coordinates": [g.lon, g.lat]},
                    "properties": props,
                }
            )

        return {
            "type": "geo-time-map",
            "version": 1,
            "domain": (
                {"min": dt.date.fromordinal(lo).isoformat(), "max": dt.date.fromordinal(hi).isoformat(), "step": "P1D"}
                if days
                else None
            ),
            "window": {"days": win, "iso": f"P{win}D", "source": "given" if given else "default"},
            "features": {"type": "FeatureCollection", "features": features},
            "shapes": {k: v for k, v in self.shapes.items() if k in used_shapes},
            "sentences": list(self.sentences),
            "articles": articles,
            "places": out_places,
            "bounds": [[south, west], [north, east]] if features else None,
            # Where the story happens: the places and small areas, not the whole countries
            # and continents also named, which would zoom the first view out to the world.
            "focus_bounds": [[focus[0], focus[1]], [focus[2], focus[3]]] if focus[0] <= focus[2] else None,
            "stats": {
                "mentions": self.mentions,
                "features": len(features),
                "places": len(out_places),
                "articles": len(articles),
                "undated": self.undated,
                "skipped": self.skipped,
            },
        }


def build_map_data(mentions: Any, *, window: str | dt.timedelta | int | None = None) -> dict[str, Any]:
    """Build the JSON-ready data of a time-stamped map from place mentions.

    Pure: no folium, no browser, no network; the same input always gives
    the same output (feature ids included).

    Parameters
    ----------
    mentions : list of dict, DataFrame, GeoDataFrame or iterable of geo.model.Mention
        One row per place mention with the columns ``doc``, ``title``,
        ``start``, ``end``, ``text``, ``name``, ``id``, ``kind``, ``feature``,
        ``country``, ``lat``, ``lon``, ``geometry`` (shapely or GeoJSON, may be
        missing), ``score``, ``date``, ``date_source``, ``date_text``,
        ``published``, ``sentence`` and ``sentence_start``. Only ``doc`` and a
        position (``lat``/``lon`` or ``geometry``) are required; rows with no
        position (unresolved places) are skipped and counted in
        ``stats["skipped"]``.
    window : str, datetime.timedelta, int or None, optional
        How long each mention stays visible after its date, in whole days
        (see :func:`parse_window`). ``None`` picks :func:`default_window_days`
        of the data's span.

    Returns
    -------
    dict
        The map data described in the module docstring.

    Raises
    ------
    InputError
        If a row has no ``doc``, an unreadable date, geometry or coordinate,
        or ``window`` is malformed.

    Examples
    --------
    >>> rows = [
    ...     {"doc": "d1", "name": "Paris", "id": "2988507", "feature": "PPLC",
    ...      "country": "FR", "lat": 48.85, "lon": 2.35, "date": "1965-03-01"},
    ...     {"doc": "d2", "name": "Paris", "id": "2988507", "feature": "PPLC",
    ...      "country": "FR", "lat": 48.85, "lon": 2.35, "date": "2025-01-01"},
    ... ]
    >>> d = build_map_data(rows, window="P7D")
    >>> [f["properties"]["date"] for f in d["features"]["features"]]
    ['1965-03-01', '2025-01-01']
    >>> d["features"]["features"][0]["properties"]["until"]
    '1965-03-08'
    """
    days = parse_window(window)
    builder = _Builder()
    for i, row in enumerate(_records(mentions)):
        builder.add(row, i)
    data = builder.result(days)
    if builder.skipped_demonyms:
        logger.warning(
            "%d demonym mention(s) not drawn: their country (%s) has no outline or reference point, and "
            "drawing them on the city they were resolved to would be wrong",
            sum(builder.skipped_demonyms.values()),
            ", ".join(sorted(builder.skipped_demonyms)),
        )
    logger.debug("map data: %s", data["stats"])
    return data


_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def to_script_json(data: Any) -> str:
    """Serialize ``data`` as JSON that is safe inside an HTML ``<script>`` block.

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\uXXXX`` escapes,
    so no article text can close the script element or start a comment, and
    the result is still plain JSON for ``JSON.parse``. NaN and infinities are
    refused because JSON has no such values.

    Examples
    --------
    >>> to_script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as err:
        raise InputError(f"map data cannot be written as JSON: {err}; remove NaN or infinite numbers") from err
    return text.translate(_SCRIPT_ESCAPES)
