"""Build the data behind the time-stamped map, with no browser and no folium.

:func:`build_map_data` turns place mentions into one JSON-ready dict that the
map's own script (``geo/maps/static/geo-time.js``) draws. Everything about time is
decided here, in plain Python that tests can check:

* Dates are ISO 8601 strings (``YYYY-MM-DD``) and are compared as ISO strings
  or as day numbers (``date.toordinal()``: days since 0001-01-01), never as
  epoch seconds, so 1965, 2001-09-09 and 2025 sort the way the calendar does
  and nothing depends on the reader's time zone.
* A mention is visible from its ``date`` up to, but not including, ``until``
  (``date`` + the window). The slider moves in steps of one day (``P1D``).
* Mentions without a date fall back to the article's published date; with
  neither they join the *undated* group, which is visible at every time.
* Every mention is kept, in columns (``data["mentions"]``: one list per field,
  one value per mention, in time order with undated mentions last), so the
  page can filter by article, kind, country, role and confidence and still
  quote every sentence. Repeated strings are stored once: sentences in
  ``data["sentences"]``, date phrases in ``data["strings"]``, date sources
  and roles in ``data["codes"]``; places once in ``data["places"]`` and what
  is drawn for them (place + drawing class) once in ``data["targets"]``.
  :func:`page_payload` compresses large maps for the page.
* A demonym ("Azerbaijani") is drawn as its country's outline, or at the
  country's reference point when no outline is known, never as a point on the
  capital the gazetteer may have resolved it to.

Shape of the result (optional keys are marked)::

    {
      "type": "geo-time-map", "version": 2,
      "domain": {"min": "1965-03-01", "max": "2025-11-08", "step": "P1D"} | None,
      "window": {"days": 30, "iso": "P30D", "source": "default" | "given"},
      "playback": {"step_days": 7},              # default playback step
      "mentions": {                              # columns, one value per mention
          "target": [...],     # index into targets
          "day": [...],        # date.toordinal(), 0 = undated
          "doc": [...],        # index into articles
          "count": [...],      # optional: weight of aggregated rows (absent = all 1)
          "score": [...],      # confidence x 1000, -1 unknown
          "sentence": [...],   # index into sentences, -1 none
          "a": [...], "b": [...],   # UTF-16 offsets of the mention in its sentence, -1 unknown
          "source": [...],     # index into codes.source ("text", "narrative", "published")
          "date_text": [...],  # index into strings, -1 none
          "role": [...]},      # index into codes.role ("place", "actor", "affiliation", "name")
      "targets": {"place": [...], "class": [...], "shape": [key | None, ...], "lat": [...], "lon": [...]},
      "codes": {"source": [...], "role": [...]},
      "strings": [...], "sentences": [...],
      "shapes": {"s0": GeoJSON geometry, "country:AZ": ...},  # lines and areas
      "articles": [{"id", "title", "published", "date", "label", "count",
                    "url"?, "source"?}, ...],
      "places": [{"key", "id", "name", "country", "country_name", "feature",
                  "class", "lat", "lon", "count", "articles", "first", "last",
                  "undated"}, ...],
      "bounds": [[south, west], [north, east]] | None,
      "focus_bounds": [[south, west], [north, east]] | None,   # robust first view
      "stats": {"mentions", "features" (place+class+day groups), "rows", "places",
                "articles", "undated", "skipped"},
    }

A mention is visible from its day up to, not including, day + window.
``a``/``b`` are UTF-16 offsets, the unit JavaScript strings use, so the
highlight is right for any script. :func:`features` regroups the columns by
place, class and day for reading.

Strings are kept as written (not HTML-escaped): they are data. Use
:func:`to_script_json` or :func:`page_payload` to embed the dict in an HTML
``<script>`` block.

Examples
--------
>>> data = build_map_data([
...     {"doc": "a1", "title": "Talks", "text": "Baku", "name": "Baku", "id": "587084",
...      "kind": "toponym", "feature": "PPLC", "country": "AZ", "lat": 40.38, "lon": 49.89,
...      "date": "2023-09-17", "sentence": "Talks in Baku.", "start": 9, "end": 13,
...      "sentence_start": 0}
... ])
>>> data["domain"]["min"], data["targets"]["class"][data["mentions"]["target"][0]]
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

from geo.errors import InputError
from geo.maps import basemap
from geo.maps.basemap import round_geometry

__all__ = [
    "build_map_data",
    "parse_window",
    "default_window_days",
    "draw_class",
    "to_script_json",
    "iso_to_day",
    "day_to_iso",
    "features",
    "page_payload",
    "read_page_payload",
    "playback_step_days",
    "CLASSES",
    "MAX_WINDOW_DAYS",
]

logger = logging.getLogger(__name__)

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

_WINDOW_RE = re.compile(r"^\s*P?\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.IGNORECASE)
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
    kind = type(value)
    if kind is str or kind is int:  # the usual cells, answered first: this runs for every cell
        return False
    if value is None:
        return True
    if kind is float:
        return math.isnan(value)
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas' NaT and NA are singletons whose type names are stable; checking
    # the name keeps pandas an optional import here.
    return kind.__name__ in ("NaTType", "NAType")


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
        f"{where}: {field}={value!r} is not a date; give an ISO date string 'YYYY-MM-DD', a datetime.date, or None"
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
        raise InputError("mentions is a single mapping; pass a list of mention dicts (one per place mention)")
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
    if s.isascii():
        return s
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
            raise InputError(f"{where}: geometry {str(value)[:80]!r} is not a valid GeoJSON geometry: {err}") from err
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
        if a is None or b is None:  # both or neither
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


#: Columns of ``data["mentions"]``, one value per mention row.
_MENTION_COLUMNS = ("target", "day", "doc", "count", "score", "sentence", "a", "b", "source", "date_text", "role")


class _Builder:
    def __init__(self) -> None:
        self.places: dict[str, _Place] = {}
        self.targets: dict[tuple[str, str], int] = {}
        self.target_rows: list[tuple[_Place, str, str | None, float, float]] = []
        self.columns: dict[str, list[int]] = {name: [] for name in _MENTION_COLUMNS}
        self.articles: dict[str, dict[str, Any]] = {}
        self.sentences: dict[str, int] = {}
        self.strings: dict[str, int] = {}
        self.codes: dict[str, dict[str, int]] = {"source": {}, "role": {}}
        self.classes: dict[tuple[str, str], str] = {}
        self.dates: dict[str, dt.date | None] = {}
        self.shapes: dict[str, dict[str, Any]] = {}
        self.shape_bounds: dict[str, tuple[float, float, float, float]] = {}
        self.demonym_draw: dict[str, tuple[_Place, str | None, float, float] | None] = {}
        self.mentions = 0
        self.skipped = 0
        self.skipped_demonyms: Counter[str] = Counter()
        self.undated = 0

    # -- places and shapes

    def _add_shape(self, key: str, geom_map: dict[str, Any], bounds: tuple[float, float, float, float]) -> str:
        if key not in self.shapes:
            self.shapes[key] = geom_map
            self.shape_bounds[key] = bounds
        return key

    def _place(self, row: Mapping[str, Any], where: str) -> _Place | None:
        gid = _text(_get(row, "id")).strip()
        if gid and gid in self.places:  # the usual case: a place seen before
            return self.places[gid]
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
        cls = self.classes.get((place.key, kind))
        if cls is None:
            gtype = place.geom.geom_type if place.geom is not None else "Point"
            cls = self.classes[(place.key, kind)] = draw_class(kind, place.feature, gtype)
        shape, lat, lon = place.shape_key, place.lat, place.lon
        if cls == "demonym":
            target = self._demonym_target(place)
            if target is None:
                self.skipped += 1
                self.skipped_demonyms[place.country or "?"] += 1
                return
            place, shape, lat, lon = target

        date = self._date(_get(row, "date"), "date", where)
        published = self._date(_get(row, "published"), "published", where)
        source = _text(_get(row, "date_source")).strip() or "text"
        date_text = _text(_get(row, "date_text")).strip()
        if date is None and published is not None:
            date, source, date_text = published, "published", ""
        elif date is None:
            source, date_text = "", ""
        day = date.toordinal() if date is not None else 0

        art = self.articles.get(doc)
        if art is None:
            art = self.articles[doc] = {
                "id": doc, "title": "", "published": None, "first": None, "count": 0, "order": len(self.articles),
                "url": "", "source": "",
            }  # fmt: skip
        if not art["title"]:
            art["title"] = _text(_get(row, "title")).strip()
        if art["published"] is None and published is not None:
            art["published"] = published
        if not art["url"]:
            art["url"] = _safe_url(_text(_get(row, "url")).strip())
        if not art["source"]:
            art["source"] = _text(_get(row, "source")).strip()
        if day and (art["first"] is None or day < art["first"]):
            art["first"] = day
        art["count"] += weight

        place.count += weight
        place.docs.add(doc)
        place.classes[cls] += weight
        if not day:
            place.undated += weight
            self.undated += weight
        else:
            place.first = day if place.first is None else min(place.first, day)
            place.last = day if place.last is None else max(place.last, day)

        tkey = (place.key, cls)
        target_index = self.targets.get(tkey)
        if target_index is None:
            target_index = self.targets[tkey] = len(self.targets)
            self.target_rows.append((place, cls, shape, lat, lon))
        score = _float(_get(row, "score"), "score", where)
        text = _text(_get(row, "text"))
        sentence, a, b = _snippet_parts(row, text)
        a16 = b16 = -1
        if a is not None and b is not None:
            a16 = _utf16_len(sentence[:a])
            b16 = a16 + _utf16_len(sentence[a:b])
        role = _text(_get(row, "role")).strip().lower() or "place"
        cols = self.columns
        cols["target"].append(target_index)
        cols["day"].append(day)
        cols["doc"].append(art["order"])
        cols["count"].append(weight)
        cols["score"].append(-1 if score is None else round(min(1.0, max(0.0, score)) * 1000))
        cols["sentence"].append(self._code(self.sentences, sentence) if sentence else -1)
        cols["a"].append(a16)
        cols["b"].append(b16)
        cols["source"].append(self._code(self.codes["source"], source))
        cols["date_text"].append(self._code(self.strings, date_text) if date_text else -1)
        cols["role"].append(self._code(self.codes["role"], role))

    def _date(self, value: Any, field: str, where: str) -> dt.date | None:
        if type(value) is not str:
            return _to_date(value, field, where)
        date = self.dates.get(value)  # a few thousand distinct dates among 100,000 rows
        if date is None:
            date = self.dates[value] = _to_date(value, field, where)
        return date

    # -- output

    @staticmethod
    def _code(table: dict[str, int], value: str) -> int:
        idx = table.get(value)
        if idx is None:
            idx = table[value] = len(table)
        return idx

    def result(self, window: int | None) -> dict[str, Any]:
        cols = self.columns
        days = [d for d in cols["day"] if d]
        lo, hi = (min(days), max(days)) if days else (0, 0)  # 0: no date (domain None below)
        given = window is not None
        win = window if window is not None else default_window_days(hi - lo)

        def art_key(a: dict[str, Any]) -> tuple[Any, ...]:
            d = a["published"].toordinal() if a["published"] else a["first"]
            return (d is None, d or 0, a["title"].casefold(), a["id"])

        arts = sorted(self.articles.values(), key=art_key)
        doc_remap = [0] * len(arts)
        articles = []
        for i, a in enumerate(arts):
            doc_remap[a["order"]] = i
            d = a["published"] or (dt.date.fromordinal(a["first"]) if a["first"] else None)
            title = a["title"] or a["id"]
            short = title if len(title) <= 80 else title[:79].rstrip() + "\u2026"
            art: dict[str, Any] = {
                "id": a["id"],
                "title": title,
                "published": a["published"].isoformat() if a["published"] else None,
                "date": d.isoformat() if d else None,
                "label": f"{short} ({d.isoformat() if d else 'undated'})",
                "count": a["count"],
            }
            source = a["source"] or _url_host(a["url"])
            if a["url"]:
                art["url"] = a["url"]
            if source:
                art["source"] = source
            articles.append(art)

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

        targets: dict[str, list[Any]] = {"place": [], "class": [], "shape": [], "lat": [], "lon": []}
        weights = [0] * len(self.target_rows)
        for t, w in zip(cols["target"], cols["count"], strict=True):
            weights[t] += w
        used_shapes: set[str] = set()
        south = west = math.inf
        north = east = -math.inf
        spots: list[tuple[float, float, float, float, int]] = []  # s, w, n, e, weight: where the story is
        for (place, cls, shape, lat, lon), weight in zip(self.target_rows, weights, strict=True):
            targets["place"].append(place.index)
            targets["class"].append(cls)
            targets["shape"].append(shape)
            targets["lat"].append(lat)
            targets["lon"].append(lon)
            small = True
            if shape:
                used_shapes.add(shape)
                w_, s_, e_, n_ = self.shape_bounds[shape]
                south, west, north, east = min(south, s_), min(west, w_), max(north, n_), max(east, e_)
                small = (e_ - w_) < _FOCUS_MAX_DEGREES and (n_ - s_) < _FOCUS_MAX_DEGREES
                if small:
                    spots.append((s_, w_, n_, e_, weight))
            south, west = min(south, lat), min(west, lon)
            north, east = max(north, lat), max(east, lon)
            if small:
                spots.append((lat, lon, lat, lon, weight))

        # Mentions in time order, undated last: the page finds a date's mentions by bisection.
        order = sorted(range(len(cols["day"])), key=lambda i: (not cols["day"][i], cols["day"][i]))
        mentions = {name: [values[i] for i in order] for name, values in cols.items()}
        mentions["doc"] = [doc_remap[d] for d in mentions["doc"]]
        if all(w == 1 for w in mentions["count"]):
            del mentions["count"]  # one mention a row: the usual case, 100,000 fewer numbers

        return {
            "type": "geo-time-map",
            "version": 2,
            "domain": (
                {"min": dt.date.fromordinal(lo).isoformat(), "max": dt.date.fromordinal(hi).isoformat(), "step": "P1D"}
                if days
                else None
            ),
            "window": {"days": win, "iso": f"P{win}D", "source": "given" if given else "default"},
            "playback": {"step_days": playback_step_days(days, win)},
            "mentions": mentions,
            "targets": targets,
            "codes": {"source": list(self.codes["source"]), "role": list(self.codes["role"])},
            "strings": list(self.strings),
            "shapes": {k: v for k, v in self.shapes.items() if k in used_shapes},
            "sentences": list(self.sentences),
            "articles": articles,
            "places": out_places,
            "bounds": [[south, west], [north, east]] if self.target_rows else None,
            # Where the story happens: the places and small areas, not the whole countries and
            # continents also named, nor a few far-off mentions that would zoom the first view out.
            "focus_bounds": _robust_bounds(spots),
            "stats": {
                "mentions": self.mentions,
                "features": len(set(zip(mentions["target"], mentions["day"], strict=True))),  # place+class+day
                "rows": len(mentions["day"]),
                "places": len(out_places),
                "articles": len(articles),
                "undated": self.undated,
                "skipped": self.skipped,
            },
        }


#: The first view holds the mentions nearest the story's centre that make up this share of them,
#: and whatever else lies within :data:`_CORE_MARGIN` times their distance.
_CORE_SHARE = 0.9
_CORE_MARGIN = 1.5

#: Playback steps offered (days), and how many frames with something to show one playback aims at.
PLAYBACK_STEPS = (1, 7, 30, 365)
_PLAYBACK_FRAMES = 120


def _robust_bounds(spots: list[tuple[float, float, float, float, int]]) -> list[list[float]] | None:
    """Bounds of where most mentions are, leaving far-off few out.

    Around the weighted median point, the distance within which 90 % of the
    mentions lie, times 1.5, decides what is kept: a story about the Caucasus
    that mentions Washington once opens on the Caucasus; a story told on two
    continents in equal parts opens on both.
    """
    if not spots:
        return None

    def median(values: list[tuple[float, int]]) -> float:
        values = sorted(values)
        half, run = sum(w for _, w in values) / 2, 0
        for v, w in values:
            run += w
            if run >= half:
                return v
        return values[-1][0]

    centres = [((s[0] + s[2]) / 2, (s[1] + s[3]) / 2, s[4]) for s in spots]
    lat0 = median([(c[0], c[2]) for c in centres])
    lon0 = median([(c[1], c[2]) for c in centres])
    shrink = math.cos(math.radians(lat0))
    dist = [math.hypot(c[0] - lat0, (c[1] - lon0) * shrink) for c in centres]
    by_dist = sorted(range(len(spots)), key=dist.__getitem__)
    total, run, reach = sum(s[4] for s in spots), 0, 0.0
    for i in by_dist:
        run += spots[i][4]
        reach = dist[i]
        if run >= total * _CORE_SHARE:
            break
    kept = [spots[i] for i in by_dist if dist[i] <= reach * _CORE_MARGIN + 1e-9]
    return [
        [min(s[0] for s in kept), min(s[1] for s in kept)],
        [max(s[2] for s in kept), max(s[3] for s in kept)],
    ]


def playback_step_days(days: list[int], window: int) -> int:
    """Default playback step: the shortest of :data:`PLAYBACK_STEPS` that shows the story in about
    120 frames with something on the map (empty stretches are skipped when playing).

    Examples
    --------
    >>> playback_step_days([], 7), playback_step_days([738000, 738001], 3)
    (1, 1)
    >>> playback_step_days(list(range(738000, 740000, 3)), 30)
    30
    """
    if not days:
        return 1
    covered = 0.0
    end = -math.inf
    for d in sorted(set(days)):  # days on which something is visible: the union of [day, day + window)
        start = max(d, end)
        end = max(end, d + window)
        covered += max(0, end - start)
    for step in PLAYBACK_STEPS:
        if covered / step <= _PLAYBACK_FRAMES:
            return step
    return PLAYBACK_STEPS[-1]


_SAFE_URL_RE = re.compile(r"^(https?://|/|\./|\.\./)", re.IGNORECASE)


def _safe_url(url: str) -> str:
    """The article URL if a reader can follow it safely (http(s) or relative), else ''."""
    return url if url and _SAFE_URL_RE.match(url) and not any(c.isspace() for c in url) else ""


def _url_host(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        return ""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def features(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The mentions of map data grouped by place, drawing class and day, in time order (undated last).

    A reading aid for scripts and tests: each item has ``id``, ``place``,
    ``name``, ``class``, ``date``, ``until`` (``date`` + window), ``count``,
    ``docs`` (``[[article_index, count], ...]``), ``snippets`` (every
    mention's ``{"s", "a", "b", "doc", "source", "date_text", "score",
    "role"}``, best score first; ``s`` indexes ``data["sentences"]``, ``a``/``b``
    are UTF-16 offsets or None) and ``shape`` for lines and areas.
    """
    ms, tg = data["mentions"], data["targets"]
    win = data["window"]["days"]
    far = dt.date.max.toordinal()
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    n = len(ms["day"])
    counts = ms.get("count") or [1] * n
    for i in range(n):
        day, t = ms["day"][i], ms["target"][i]
        g = groups.get((day, t))
        if g is None:
            place = data["places"][tg["place"][t]]
            g = groups[(day, t)] = {
                "place": tg["place"][t], "name": place["name"], "class": tg["class"][t],
                "date": day_to_iso(day) if day else None,
                "until": day_to_iso(min(far, day + win)) if day else None,
                "lat": tg["lat"][t], "lon": tg["lon"][t], "count": 0, "docs": Counter(), "snippets": [],
            }  # fmt: skip
            if tg["shape"][t]:
                g["shape"] = tg["shape"][t]
        g["count"] += counts[i]
        g["docs"][ms["doc"][i]] += counts[i]
        if ms["sentence"][i] >= 0:
            snip: dict[str, Any] = {
                "s": ms["sentence"][i],
                "a": ms["a"][i] if ms["a"][i] >= 0 else None,
                "b": ms["b"][i] if ms["b"][i] >= 0 else None,
                "doc": ms["doc"][i],
                "source": data["codes"]["source"][ms["source"][i]],
                "role": data["codes"]["role"][ms["role"][i]],
            }
            if ms["date_text"][i] >= 0:
                snip["date_text"] = data["strings"][ms["date_text"][i]]
            if ms["score"][i] >= 0:
                snip["score"] = ms["score"][i] / 1000
            g["snippets"].append(snip)
    out: list[dict[str, Any]] = []
    for _key, g in sorted(groups.items(), key=lambda kv: (not kv[0][0], kv[0][0], kv[1]["place"], kv[1]["class"])):
        g["docs"] = sorted([d, c] for d, c in g["docs"].items())
        g["snippets"].sort(key=lambda s: -s.get("score", -1.0))
        g["id"] = f"f{len(out)}"
        out.append(g)
    return out


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
    >>> [(f["date"], f["until"]) for f in features(d)]
    [('1965-03-01', '1965-03-08'), ('2025-01-01', '2025-01-08')]
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


#: Characters written as \\uXXXX escapes inside a <script> element (see :func:`to_script_json`).
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


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
    # str.replace per character is many times faster than str.translate on tens of megabytes.
    for raw, escaped in _SCRIPT_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


#: Maps whose JSON is longer than this are compressed in the page.
COMPRESS_ABOVE_CHARS = 256_000


def page_payload(data: Any) -> tuple[str, str]:
    """Return ``(encoding, text)`` to put the map data in a ``<script>`` block.

    Small maps are plain JSON (``"json"``, see :func:`to_script_json`); large
    ones are gzip-compressed and base64-encoded (``"gzip-base64"``), which the
    page decodes with the browser's own ``DecompressionStream``: 100,000
    mentions take a few megabytes instead of tens. Either text is safe inside
    a ``<script>`` element.

    Examples
    --------
    >>> page_payload({"a": 1})
    ('json', '{"a":1}')
    >>> enc, text = page_payload({"s": "x" * 300_000})
    >>> enc, len(text) < 2000, read_page_payload(enc, text) == {"s": "x" * 300_000}
    ('gzip-base64', True, True)
    """
    text = to_script_json(data)
    if len(text) <= COMPRESS_ABOVE_CHARS:
        return "json", text
    import base64
    import zlib

    # Level 3: most of level 6's gain in a third of its time (tens of megabytes of JSON).
    packer = zlib.compressobj(3, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
    packed = packer.compress(text.encode("utf-8")) + packer.flush()
    return "gzip-base64", base64.b64encode(packed).decode("ascii")


def read_page_payload(encoding: str, text: str) -> Any:
    """Decode what :func:`page_payload` wrote (for scripts and tests reading a saved map)."""
    if encoding == "json":
        return json.loads(text)
    if encoding == "gzip-base64":
        import base64
        import gzip

        return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))
    raise InputError(f"map data encoding {encoding!r} is not known; expected 'json' or 'gzip-base64'")
