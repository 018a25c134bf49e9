"""Country outlines for the offline base layer and for drawing demonyms.

The outlines come from the ``countryinfo`` package, which ships one JSON file
per country with a low-resolution ``geoJSON`` outline. They are simplified with
shapely, rounded and cached in-process, so a map costs a few hundred kilobytes
of basemap whatever it shows.

Some countries have no outline in that data (about 80 codes, mostly small
islands, but also Hungary, Serbia and Myanmar): they only have a reference
point. The map therefore draws the basemap as outlines on a plain background
rather than as filled land on a coloured sea, so a missing outline reads as
"no border drawn" and not as a lake; neighbours' borders still frame it.

Examples
--------
>>> from geo.basemap import country_outlines, country_shape
>>> fc = country_outlines()
>>> fc["type"], len(fc["features"]) > 150
('FeatureCollection', True)
>>> country_shape("AZ")["type"] in ("Polygon", "MultiPolygon")
True
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from shapely import geometry as sgeom
from shapely import ops as sops
from shapely.validation import make_valid

from geo.errors import GeoError

__all__ = [
    "Country",
    "countries",
    "country_outlines",
    "country_shape",
    "country_centroid",
    "country_name",
    "round_geometry",
]

logger = logging.getLogger(__name__)

#: Simplification tolerance in degrees: about 5 km at the equator, finer than
#: the source data (1:110m) shows at the zoom levels a world map opens at.
DEFAULT_TOLERANCE = 0.05

#: Decimal places kept in basemap coordinates (0.001 degree is about 100 m).
COORD_DECIMALS = 3


@dataclass(frozen=True, slots=True)
class Country:
    """One country as the basemap knows it.

    ``geometry`` is a simplified GeoJSON geometry mapping, or ``None`` when the
    data has no outline; ``lat``/``lon`` is the country's reference point
    (not its capital), or ``None`` when unknown.
    """

    iso2: str
    name: str
    lat: float | None
    lon: float | None
    geometry: dict[str, Any] | None
    outline_source: str  # "countryinfo", or "" when the data has no outline


def _data_dir() -> Path:
    try:
        root = resources.files("countryinfo")
    except ModuleNotFoundError as err:
        raise GeoError(
            "country outlines: the 'countryinfo' package is not installed; "
            "install the project's dependencies (pip install -e .) and retry"
        ) from err
    path = Path(str(root)) / "data"
    if not path.is_dir():
        raise GeoError(
            f"country outlines: {path} is missing from the installed 'countryinfo' "
            "package; reinstall it (pip install --force-reinstall countryinfo)"
        )
    return path


def round_geometry(geom: dict[str, Any], decimals: int) -> dict[str, Any]:
    """Return a copy of a GeoJSON geometry with coordinates rounded.

    Parameters
    ----------
    geom : dict
        A GeoJSON geometry mapping (any type, including GeometryCollection).
    decimals : int
        Decimal places to keep.

    Returns
    -------
    dict
        A new mapping with plain lists and rounded floats.

    Examples
    --------
    >>> round_geometry({"type": "Point", "coordinates": (1.23456, 2.0)}, 2)
    {'type': 'Point', 'coordinates': [1.23, 2.0]}
    """

    def _round(c: Any) -> Any:
        if isinstance(c, (int, float)):
            return round(float(c), decimals)
        return [_round(x) for x in c]

    if geom.get("type") == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [round_geometry(g, decimals) for g in geom.get("geometries", [])],
        }
    return {"type": geom["type"], "coordinates": _round(geom["coordinates"])}


def _polygonal(geom: Any) -> Any:
    """Keep only the polygonal part of a (possibly repaired) geometry."""
    if geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return sops.unary_union(parts) if parts else sgeom.Polygon()


def _simplify(geom: Any, tolerance: float) -> dict[str, Any] | None:
    simple = _polygonal(make_valid(geom.simplify(tolerance, preserve_topology=True)))
    if simple.is_empty:
        # Islands smaller than the tolerance would vanish; keep them unsimplified.
        simple = geom
    if simple.is_empty:
        return None
    return round_geometry(sgeom.mapping(simple), COORD_DECIMALS)


def _read_country_files(data_dir: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted(data_dir.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            logger.debug("skipping unreadable country file %s: %s", path, err)
            continue
        iso = raw.get("ISO") if isinstance(raw.get("ISO"), dict) else {}
        iso2 = str(iso.get("alpha2") or "").upper()
        if len(iso2) != 2:
            continue
        records.append({"iso2": iso2, "raw": raw, "file": path.name})
    return records


def _shape_of(raw: dict[str, Any]) -> Any | None:
    gj = raw.get("geoJSON")
    if not isinstance(gj, dict):
        return None
    feats = gj.get("features") or []
    parts = []
    for feat in feats:
        g = feat.get("geometry") if isinstance(feat, dict) else None
        if not g:
            continue
        try:
            shape = make_valid(sgeom.shape(g))
        except (ValueError, TypeError, AttributeError) as err:
            logger.debug("bad outline geometry in countryinfo data: %s", err)
            continue
        parts.append(_polygonal(shape))
    parts = [p for p in parts if not p.is_empty]
    if not parts:
        return None
    return sops.unary_union(parts) if len(parts) > 1 else parts[0]


def _latlng(raw: dict[str, Any]) -> tuple[float, float] | None:
    ll = raw.get("latlng")
    if isinstance(ll, (list, tuple)) and len(ll) == 2:
        try:
            lat, lon = float(ll[0]), float(ll[1])
        except (TypeError, ValueError):
            return None
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None


@functools.lru_cache(maxsize=4)
def _build(tolerance: float) -> dict[str, Country]:
    """Build every country record, simplified with ``tolerance``."""
    records = _read_country_files(_data_dir())
    shapes: dict[str, Any] = {}
    infos: dict[str, dict[str, Any]] = {}
    for rec in records:
        iso2, raw = rec["iso2"], rec["raw"]
        shape = _shape_of(raw)
        info = infos.setdefault(iso2, {"name": "", "latlng": None})
        # Several files can share a code (historical or duplicate entries);
        # prefer the one that has an outline, then the first name seen.
        if shape is not None and iso2 not in shapes:
            shapes[iso2] = shape
            info["name"] = str(raw.get("name") or info["name"] or iso2)
            info["latlng"] = _latlng(raw) or info["latlng"]
        if not info["name"]:
            info["name"] = str(raw.get("name") or iso2)
        if info["latlng"] is None:
            info["latlng"] = _latlng(raw)

    sources = {iso2: "countryinfo" for iso2 in shapes}
    out: dict[str, Country] = {}
    for iso2, info in sorted(infos.items()):
        shape = shapes.get(iso2)
        geom = _simplify(shape, tolerance) if shape is not None else None
        latlng = info["latlng"]
        if latlng is None and shape is not None:
            pt = shape.representative_point()
            latlng = (pt.y, pt.x)
        out[iso2] = Country(
            iso2=iso2,
            name=info["name"],
            lat=latlng[0] if latlng else None,
            lon=latlng[1] if latlng else None,
            geometry=geom,
            outline_source=sources.get(iso2, "") if geom else "",
        )
    logger.debug(
        "basemap: %d countries, %d with outlines",
        len(out),
        sum(1 for c in out.values() if c.geometry),
    )
    return out


def countries(*, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Country]:
    """Return every known country keyed by upper-case ISO 3166-1 alpha-2 code.

    Parameters
    ----------
    tolerance : float, optional
        Simplification tolerance in degrees.

    Returns
    -------
    dict of str to Country
        Cached; do not mutate the geometries.

    Examples
    --------
    >>> countries()["FR"].name
    'France'
    """
    return _build(float(tolerance))


def country_outlines(*, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """Return the simplified country outlines as a GeoJSON FeatureCollection.

    Each feature has ``properties`` ``{"iso2": ..., "name": ...}``. The result is a fresh copy, so callers may modify it.

    Parameters
    ----------
    tolerance : float, optional
        Simplification tolerance in degrees (default about 5 km).

    Returns
    -------
    dict
        A JSON-ready FeatureCollection.

    Examples
    --------
    >>> fc = country_outlines()
    >>> sorted(fc["features"][0]["properties"])
    ['iso2', 'name']
    """
    table = _build(float(tolerance))
    feats = [
        {
            "type": "Feature",
            "properties": {"iso2": c.iso2, "name": c.name},
            "geometry": c.geometry,
        }
        for c in table.values()
        if c.geometry
    ]
    return copy.deepcopy({"type": "FeatureCollection", "features": feats})


def _lookup(iso2: str | None, tolerance: float) -> Country | None:
    if not iso2 or not isinstance(iso2, str):
        return None
    return countries(tolerance=tolerance).get(iso2.strip().upper())


def country_shape(iso2: str | None, *, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any] | None:
    """Return a country's simplified outline, or ``None`` when it has none.

    Parameters
    ----------
    iso2 : str or None
        ISO 3166-1 alpha-2 code, any case.
    tolerance : float, optional
        Simplification tolerance in degrees.

    Returns
    -------
    dict or None
        A GeoJSON Polygon or MultiPolygon mapping (a copy).

    Examples
    --------
    >>> country_shape("xx") is None
    True
    """
    c = _lookup(iso2, tolerance)
    return copy.deepcopy(c.geometry) if c and c.geometry else None


def country_centroid(iso2: str | None) -> tuple[float, float] | None:
    """Return a country's reference point as ``(lat, lon)``, not its capital.

    Examples
    --------
    >>> country_centroid("AZ")
    (40.5, 47.5)
    """
    c = _lookup(iso2, DEFAULT_TOLERANCE)
    if c is None or c.lat is None or c.lon is None:
        return None
    return c.lat, c.lon


def country_name(iso2: str | None) -> str:
    """Return a country's English name, or "" when the code is unknown.

    Examples
    --------
    >>> country_name("az")
    'Azerbaijan'
    """
    c = _lookup(iso2, DEFAULT_TOLERANCE)
    return c.name if c else ""
