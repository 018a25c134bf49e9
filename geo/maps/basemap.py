"""Country outlines and names for the offline basemap and for drawing demonyms.

The outlines are Natural Earth's Admin 0 countries (public domain) as the npm
package ``world-atlas`` ships them: TopoJSON at 1:10m, 1:50m and 1:110m,
pinned in ``package.json`` and installed by ``npm ci``. TopoJSON stores each
border once as an *arc* shared by the two countries on either side, so the
basemap of a map is made by simplifying arcs, never polygons: neighbours keep
a common border whatever the tolerance. :func:`basemap_for` simplifies each
arc by how near it lies to the data -- 200 m to 5 km (by the extent's size) in
and around the data's extent, 5 km beyond, 25 km for the rest of the world -- so a regional story
gets 1:10m borders where the reader looks and a small file overall.

First-level division names and points come from ``countrystatecity-countries``
(already a dependency of the gazetteer); no maintained package ships their
outlines, so divisions are labelled but not drawn.

Country records (:func:`countries`) keep their names and reference points
from the ``countryinfo`` package, which the gazetteer uses too; their outline
is Natural Earth's 1:50m one, or countryinfo's where Natural Earth has none.

Examples
--------
>>> from geo.maps.basemap import basemap_for, country_shape
>>> bm = basemap_for([[38.0, 43.0], [42.5, 50.5]])
>>> bm["type"], "countries" in bm["topology"]["objects"]
('geo-basemap', True)
>>> country_shape("HU")["type"] in ("Polygon", "MultiPolygon")
True
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import geometry as sgeom
from shapely import ops as sops
from shapely.validation import make_valid

from geo.errors import GeoError

__all__ = [
    "Country",
    "WORLD_ATLAS_VERSION",
    "BASEMAP_ATTRIBUTION",
    "basemap_for",
    "basemap_json",
    "countries",
    "country_outlines",
    "country_shape",
    "country_centroid",
    "country_name",
    "round_geometry",
]

logger = logging.getLogger(__name__)

#: Simplification tolerance in degrees for country shapes (demonym areas):
#: about 5 km at the equator.
DEFAULT_TOLERANCE = 0.05

#: Decimal places kept in basemap coordinates (0.001 degree is about 100 m).
COORD_DECIMALS = 3

#: The world-atlas release pinned in package.json (Natural Earth 4.1.0).
WORLD_ATLAS_VERSION = "2.0.2"

#: Credit shown on every map that draws these outlines.
BASEMAP_ATTRIBUTION = "Borders: Natural Earth"

#: Arc tolerances in degrees: near the data, around it, and elsewhere.
_FINE_MIN, _FINE_MAX = 0.002, 0.05
_MID_TOLERANCE = 0.05
_COARSE_TOLERANCE = 0.25


@dataclass(frozen=True, slots=True)
class Country:
    """One country as the basemap knows it.

    ``geometry`` is a simplified GeoJSON geometry mapping, or ``None`` when no
    outline is known; ``lat``/``lon`` is the country's reference point (not
    its capital), or ``None`` when unknown.
    """

    iso2: str
    name: str
    lat: float | None
    lon: float | None
    geometry: dict[str, Any] | None
    outline_source: str  # "natural-earth", "countryinfo", or "" when no outline is known


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


# ---------------------------------------------------------------- Natural Earth (world-atlas)


def _atlas_path(scale: str) -> Path:
    from geo.maps.assets import find_assets_dir

    return find_assets_dir("world-atlas", WORLD_ATLAS_VERSION) / f"countries-{scale}.json"


@functools.lru_cache(maxsize=3)
def _atlas(scale: str) -> dict[str, Any]:
    """The world-atlas topology at ``scale`` ("10m", "50m" or "110m"), as shipped."""
    path = _atlas_path(scale)
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise GeoError(
            f"{path}: cannot read Natural Earth's outlines ({err}); run `npm ci` in the repository root "
            "(the setup script does this) to reinstall world-atlas"
        ) from err
    if topo.get("type") != "Topology" or "countries" not in topo.get("objects", {}):
        raise GeoError(f"{path}: not world-atlas's countries topology; run `npm ci` to reinstall world-atlas")
    return topo


@functools.lru_cache(maxsize=3)
def _arcs(scale: str) -> list[np.ndarray]:
    """Decoded arcs of a topology: one (n, 2) array of lon/lat per arc."""
    topo = _atlas(scale)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    scale_v, shift = np.array([sx, sy]), np.array([tx, ty])
    return [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale_v + shift for arc in topo["arcs"]]


def _ring(arcs: list[np.ndarray], refs: list[int]) -> np.ndarray:
    """Join a ring's arcs (``~i`` is arc ``i`` reversed), dropping each joint's repeat."""
    parts = []
    for k, ref in enumerate(refs):
        pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        parts.append(pts if k == 0 else pts[1:])
    return np.concatenate(parts)


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous where it jumps across the antimeridian (180 to -180)."""
    lon = np.unwrap(ring[:, 0], period=360.0)
    return np.column_stack([lon, ring[:, 1]])


def _on_one_world(poly: Any) -> list[Any]:
    """Cut a polygon whose longitudes run past +-180 back into [-180, 180]."""
    w, _, e, _ = poly.bounds
    if w >= -180 and e <= 180:
        return [poly]
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        window = sgeom.box(-180 - shift, -90, 180 - shift, 90)
        piece = poly.intersection(window)
        if not piece.is_empty:
            parts.append(shapely.transform(piece, lambda xy, d=shift: xy + np.array([d, 0.0])))
    return parts


def _shape(arcs: list[np.ndarray], geom: dict[str, Any]) -> Any:
    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]] if geom["type"] == "Polygon" else []
    out = []
    for rings in polys:
        shell, *holes = (_unwrap(_ring(arcs, r)) for r in rings)
        if len(shell) >= 4:
            poly = make_valid(sgeom.Polygon(shell, [h for h in holes if len(h) >= 4]))
            out.extend(_on_one_world(_polygonal(poly)))
    out = [p for p in out if not p.is_empty]
    if not out:
        return sgeom.Polygon()
    return _polygonal(make_valid(sops.unary_union(out)))


@functools.lru_cache(maxsize=1)
def _iso2_by_numeric() -> dict[str, str]:
    import countrystatecity_countries as csc

    return {c.numeric_code: c.iso2 for c in csc.get_countries() if c.numeric_code}


def _iso2_of(geom: dict[str, Any]) -> str:
    numeric = str(geom.get("id") or "")
    if numeric:
        return _iso2_by_numeric().get(numeric, "")
    # Natural Earth gives Kosovo no ISO code; countrystatecity files it as XK.
    return "XK" if (geom.get("properties") or {}).get("name") == "Kosovo" else ""


@dataclass(frozen=True, slots=True)
class _Label:
    name: str
    iso2: str
    lat: float
    lon: float
    area: float  # of the largest part, in square degrees scaled by cos(latitude)
    bbox: tuple[float, float, float, float]  # of the largest part: west, south, east, north
    spares: tuple[float, ...]  # lat, lon, lat, lon ...: other places for the name when the view misses the main one


#: Grid cells for a country's spare label points: about a third of its size, 1 to 4 degrees.
_SPARE_CELL_MIN, _SPARE_CELL_MAX = 1.0, 4.0


def _spare_points(main: Any) -> tuple[float, ...]:
    """Label points inside a country away from its main one (one per well-filled grid cell), so a
    view that shows only part of Russia, Iran or Armenia still names it there."""
    w, s, e, n = main.bounds
    size = max(e - w, n - s)
    if size < 2 * _SPARE_CELL_MIN:
        return ()
    cell = min(_SPARE_CELL_MAX, max(_SPARE_CELL_MIN, size / 3))
    gx, gy = np.meshgrid(np.arange(w + cell / 2, e, cell), np.arange(s + cell / 2, n, cell))
    x, y = gx.ravel(), gy.ravel()
    # A cell's centre counts when the name's neighbourhood around it is land of this country too.
    inside = np.ones(len(x), dtype=bool)
    for dx, dy in ((0, 0), (cell / 3, 0), (-cell / 3, 0), (0, cell / 4), (0, -cell / 4)):
        inside &= shapely.contains_xy(main, x + dx, y + dy)
    out: list[float] = []
    for lon, lat in zip(x[inside], y[inside], strict=True):
        out += [round(float(lat), 2), round(float(lon), 2)]
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _ne_countries() -> tuple[dict[str, Any], tuple[_Label, ...]]:
    """Natural Earth's 1:50m shapes by ISO code, and one label per country (every unit, coded or not)."""
    topo, arcs = _atlas("50m"), _arcs("50m")
    shapes: dict[str, Any] = {}
    labels = []
    for geom in topo["objects"]["countries"]["geometries"]:
        shape = _shape(arcs, geom)
        if shape.is_empty:
            continue
        iso2 = _iso2_of(geom)
        if iso2 and iso2 not in shapes:
            shapes[iso2] = shape
        parts = list(getattr(shape, "geoms", [shape]))
        main = max(parts, key=lambda p: p.area)
        # The pole of inaccessibility sits well inside odd shapes (Chile, Croatia), unlike the centroid.
        point = sops.polylabel(main, tolerance=0.05)
        w, s, e, n = main.bounds
        area = sum(p.area for p in parts) * float(np.cos(np.radians(point.y)))
        name = str((geom.get("properties") or {}).get("name") or iso2)
        labels.append(
            _Label(name, iso2, round(point.y, 3), round(point.x, 3), round(area, 4), (w, s, e, n), _spare_points(main))
        )
    labels.sort(key=lambda lab: -lab.area)
    return shapes, tuple(labels)


def _tolerances(boxes: np.ndarray, bounds: tuple[float, float, float, float] | None) -> np.ndarray:
    """Per-arc tolerance from each arc's bounding box (west, south, east, north) and the data's extent."""
    if bounds is None:
        return np.full(len(boxes), 0.1)
    s, w, n, e = bounds
    span = max(e - w, n - s, 1.0)
    # The map opens on the extent at about 1000 px: this keeps detail for three zoom levels more.
    fine = min(max(span / 6000.0, _FINE_MIN), _FINE_MAX)

    def touches(pad: float) -> np.ndarray:
        return (boxes[:, 0] <= e + pad) & (boxes[:, 2] >= w - pad) & (boxes[:, 1] <= n + pad) & (boxes[:, 3] >= s - pad)

    tol = np.full(len(boxes), _COARSE_TOLERANCE)
    tol[touches(max(2 * span, 15.0))] = _MID_TOLERANCE
    tol[touches(max(0.5 * span, 3.0))] = fine
    return tol


def _encode(pts: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> list[list[int]]:
    """Quantize and delta-encode one arc as TopoJSON does, dropping repeated points."""
    q = np.rint((pts - shift) / scale).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    q = q[keep]
    if len(q) == 1:
        q = np.vstack([q, q])
    return np.vstack([q[:1], np.diff(q, axis=0)]).tolist()


def _valid_bounds(bounds: Any) -> tuple[float, float, float, float] | None:
    try:
        (s, w), (n, e) = bounds
        s, w, n, e = float(s), float(w), float(n), float(e)
    except (TypeError, ValueError):
        return None
    if not all(np.isfinite([s, w, n, e])) or s > n or w > e:
        return None
    return s, w, n, e


def _divisions(near: tuple[float, float, float, float], iso_codes: set[str]) -> list[list[Any]]:
    """First-level division names in the countries near the data: [name, lat, lon, iso2, level].

    Level 0 is the kind of division a country lists most (Turkey's provinces,
    Azerbaijan's districts), level 1 the others (regions above them, cities
    that are divisions too); the map shows level 1 only when zoomed in further.
    """
    import countrystatecity_countries as csc

    s, w, n, e = near
    out = []
    for iso2 in sorted(iso_codes):
        try:
            states = csc.get_states_of_country(iso2)
        except (LookupError, ValueError, OSError) as err:
            logger.debug("no divisions for %s: %s", iso2, err)
            continue
        main_kind = Counter((st.type or "") for st in states).most_common(1)
        for st in states:
            if st.latitude is None or st.longitude is None:
                continue
            try:
                lat, lon = float(st.latitude), float(st.longitude)
            except ValueError:
                continue
            if s <= lat <= n and w <= lon <= e:
                level = 0 if main_kind and (st.type or "") == main_kind[0][0] else 1
                out.append([st.name, round(lat, 3), round(lon, 3), iso2, level])
    return out


def basemap_for(bounds: Any = None) -> dict[str, Any]:
    """Return the offline basemap for a map whose data lies within ``bounds``.

    Parameters
    ----------
    bounds : [[south, west], [north, east]], optional
        The extent the map opens on (e.g. the map data's ``focus_bounds``);
        ``None`` simplifies the whole world alike (about 10 km).

    Returns
    -------
    dict
        ``{"type": "geo-basemap", "topology": <TopoJSON>, "labels": [...],
        "divisions": [...], "attribution": str}``. ``topology`` holds the
        object ``countries`` (properties ``name`` and ``iso2``) for
        topojson-client; ``labels`` are ``[name, lat, lon, area, west, south,
        east, north, spares]`` per country, largest first (``spares``: a flat
        list of other label points inside large countries); ``divisions`` are
        ``[name, lat, lon, iso2, level]`` for countries near the extent.

    Raises
    ------
    GeoError
        If world-atlas is not installed (run ``npm ci``).

    Examples
    --------
    >>> bm = basemap_for(None)
    >>> bm["divisions"], bm["attribution"]
    ([], 'Borders: Natural Earth')
    """
    return json.loads(_basemap_json(_valid_bounds(bounds)))


def basemap_json(bounds: Any = None) -> str:
    """:func:`basemap_for` as JSON text that is safe inside a ``<script>`` element (cached).

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so no name can close the element.

    Examples
    --------
    >>> text = basemap_json(None)
    >>> text.startswith('{"type":"geo-basemap"') and "<" not in text
    True
    """
    return _basemap_json(_valid_bounds(bounds))


@functools.lru_cache(maxsize=8)
def _basemap_json(bounds: tuple[float, float, float, float] | None) -> str:
    # Kept as text: a map only serialises it, and a shared cached dict could be changed by a caller.
    text = json.dumps(_build_basemap(bounds), separators=(",", ":"), ensure_ascii=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _build_basemap(bounds: tuple[float, float, float, float] | None) -> dict[str, Any]:
    topo, arcs = _atlas("10m"), _arcs("10m")
    scale = np.asarray(topo["transform"]["scale"], dtype=np.float64)
    shift = np.asarray(topo["transform"]["translate"], dtype=np.float64)
    boxes = np.array([[a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max()] for a in arcs])
    tol = _tolerances(boxes, bounds)
    lines = np.array([sgeom.LineString(a) for a in arcs], dtype=object)
    # Douglas-Peucker keeps each arc's end points, so the arcs still meet where borders join.
    simplified = [shapely.get_coordinates(g) for g in shapely.simplify(lines, tol)]

    used: dict[int, int] = {}
    new_arcs: list[list[list[int]]] = []

    def ref(i: int) -> int:
        j = i if i >= 0 else ~i
        if j not in used:
            used[j] = len(new_arcs)
            new_arcs.append(_encode(simplified[j], scale, shift))
        return used[j] if i >= 0 else ~used[j]

    def ring_ok(refs: list[int]) -> bool:
        # A ring simplified to fewer than four points (a small far-off island) is dropped.
        return sum(len(simplified[r if r >= 0 else ~r]) - 1 for r in refs) >= 3

    geometries = []
    near_codes: set[str] = set()
    near = None
    if bounds is not None:
        s, w, n, e = bounds
        pad = max(0.5 * max(e - w, n - s), 3.0)
        near = (s - pad, w - pad, n + pad, e + pad)
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        kept = []
        for rings in polys:
            if not ring_ok(rings[0]):
                continue
            kept.append([[ref(r) for r in ring] for ring in rings if ring_ok(ring)])
        if not kept:
            continue
        iso2 = _iso2_of(geom)
        name = str((geom.get("properties") or {}).get("name") or iso2)
        geometries.append({"type": "MultiPolygon", "arcs": kept, "properties": {"name": name, "iso2": iso2}})
        if near is not None and iso2:
            gw, gs, ge, gn = _geometry_box(geom, boxes)
            if gw <= near[3] and ge >= near[1] and gs <= near[2] and gn >= near[0]:
                near_codes.add(iso2)

    _, labels = _ne_countries()
    topology = {
        "type": "Topology",
        "transform": {"scale": scale.tolist(), "translate": shift.tolist()},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": new_arcs,
    }
    return {
        "type": "geo-basemap",
        "topology": topology,
        "labels": [
            [lab.name, lab.lat, lab.lon, lab.area, *(round(v, 2) for v in lab.bbox), list(lab.spares)] for lab in labels
        ],
        "divisions": _divisions(near, near_codes) if near is not None else [],
        "attribution": BASEMAP_ATTRIBUTION,
    }


def _geometry_box(geom: dict[str, Any], boxes: np.ndarray) -> tuple[float, float, float, float]:
    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    idx = [r if r >= 0 else ~r for rings in polys for ring in rings for r in ring]
    b = boxes[idx]
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


# ---------------------------------------------------------------- country records


def _countryinfo_dir() -> Path:
    try:
        root = resources.files("countryinfo")
    except ModuleNotFoundError as err:
        raise GeoError(
            "country records: the 'countryinfo' package is not installed; "
            "install the project's dependencies (pip install -e .) and retry"
        ) from err
    path = Path(str(root)) / "data"
    if not path.is_dir():
        raise GeoError(
            f"country records: {path} is missing from the installed 'countryinfo' "
            "package; reinstall it (pip install --force-reinstall countryinfo)"
        )
    return path


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


def _countryinfo_shape(raw: dict[str, Any]) -> Any | None:
    gj = raw.get("geoJSON")
    if not isinstance(gj, dict):
        return None
    parts = []
    for feat in gj.get("features") or []:
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
    """Build every country record, its outline simplified with ``tolerance``."""
    ne_shapes, _ = _ne_countries()
    fallback: dict[str, Any] = {}
    infos: dict[str, dict[str, Any]] = {}
    for rec in _read_country_files(_countryinfo_dir()):
        iso2, raw = rec["iso2"], rec["raw"]
        info = infos.setdefault(iso2, {"name": "", "latlng": None})
        # Several files can share a code (historical or duplicate entries);
        # prefer the one that has an outline, then the first name seen.
        shape = _countryinfo_shape(raw) if iso2 not in ne_shapes else None
        if shape is not None and iso2 not in fallback:
            fallback[iso2] = shape
            info["name"] = str(raw.get("name") or info["name"] or iso2)
            info["latlng"] = _latlng(raw) or info["latlng"]
        if not info["name"]:
            info["name"] = str(raw.get("name") or iso2)
        if info["latlng"] is None:
            info["latlng"] = _latlng(raw)

    out: dict[str, Country] = {}
    for iso2, info in sorted(infos.items()):
        shape, source = ne_shapes.get(iso2), "natural-earth"
        if shape is None:
            shape, source = fallback.get(iso2), "countryinfo"
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
            outline_source=source if geom else "",
        )
    logger.debug("countries: %d, %d with outlines", len(out), sum(1 for c in out.values() if c.geometry))
    return out


def countries(*, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Country]:
    """Return every known country keyed by upper-case ISO 3166-1 alpha-2 code.

    Parameters
    ----------
    tolerance : float, optional
        Simplification tolerance of the outlines in degrees.

    Returns
    -------
    dict of str to Country
        Cached; do not mutate the geometries.

    Examples
    --------
    >>> countries()["FR"].name
    'France'
    >>> countries()["RS"].outline_source
    'natural-earth'
    """
    return _build(float(tolerance))


def country_outlines(*, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """Return the simplified country outlines as a GeoJSON FeatureCollection.

    Each feature has ``properties`` ``{"iso2": ..., "name": ...}``. The result
    is a fresh copy, so callers may modify it. Maps use :func:`basemap_for`.

    Examples
    --------
    >>> fc = country_outlines()
    >>> sorted(fc["features"][0]["properties"])
    ['iso2', 'name']
    """
    table = _build(float(tolerance))
    feats = [
        {"type": "Feature", "properties": {"iso2": c.iso2, "name": c.name}, "geometry": c.geometry}
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
