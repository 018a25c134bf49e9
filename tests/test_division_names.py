"""English news names of first-level divisions: ``gazetteer/aliases_divisions.csv`` and
``gazetteer/divisions_en.geojson``.

The index names most divisions as countrystatecity does, natively or transliterated
("Jawa Barat", "Monufia", "Mazovia"); English news writes "West Java", "Menoufia",
"Masovia". The alias file adds those names to the existing entries, and the GeoJSON
file adds the English regions and metropolitan counties the sources lack entirely
("Greater Manchester", "West Yorkshire", "South West England"). These tests hold
both files to their format and check that news sentences resolve through them.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
import shapely.geometry

from geo.gazetteer.names import name_key

GAZETTEER = Path(__file__).resolve().parent.parent / "gazetteer"
ALIASES = GAZETTEER / "aliases_divisions.csv"
DIVISIONS = GAZETTEER / "divisions_en.geojson"


def _alias_rows() -> list[tuple[str, dict[str, str]]]:
    """``(country section, row)`` for every alias; sections are the ``# CC`` comment lines."""
    rows: list[tuple[str, dict[str, str]]] = []
    section = ""
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        lines = []
        for line in handle:
            if line.startswith("# ") and len(line.strip()) == 4:  # "# ID", "# EG": the country of the rows below
                section = line.strip()[2:]
            if line.startswith("#"):
                continue
            lines.append((section, line))
    reader = csv.DictReader(line for _, line in lines)
    for (section, _), row in zip(lines[1:], reader, strict=False):
        rows.append((section, row))
    return rows


ROWS = _alias_rows()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# ----------------------------------------------------------------------------- the alias file


def test_alias_rows_are_well_formed() -> None:
    assert len(ROWS) > 500
    for section, row in ROWS:
        assert set(row) == {"id", "name", "kind", "source"}, row
        assert len(section) == 2 and section.isupper(), row
        assert row["kind"] in {"alt", "abbr"}, row
        assert row["name"].strip() == row["name"] and row["name"], row
        assert row["source"].startswith("Wikipedia: "), row
        assert row["id"].startswith(("csc-state:", "curated:")), row


def test_each_alias_name_appears_once() -> None:
    keys = [name_key(row["name"]) for _, row in ROWS]
    repeated = {k for k in keys if keys.count(k) > 1}
    assert not repeated


def test_aliases_name_divisions_of_their_section_country(full_gazetteer) -> None:
    for section, row in ROWS:
        place = full_gazetteer.get(row["id"])
        assert place is not None, row
        assert place.feature_class == "A" and place.feature_code == "ADM1", (row, place.feature_code)
        assert place.country == section, (row, place.country)


def test_no_alias_takes_the_name_of_a_country_or_capital(full_gazetteer) -> None:
    for _, row in ROWS:
        rivals = [
            c.place.id
            for c in full_gazetteer.candidates(name_key(row["name"]))
            if c.place.id != row["id"] and c.place.feature_code in {"PCLI", "PPLC"}
        ]
        assert not rivals, (row, rivals)


def test_aliases_are_new_names_of_their_divisions(full_gazetteer) -> None:
    # An alias that folds to the division's own name adds nothing: a copy-paste slip.
    for _, row in ROWS:
        assert name_key(row["name"]) != name_key(full_gazetteer.get(row["id"]).name), row


# ----------------------------------------------------------------------------- English regions and counties


def _features() -> list[dict]:
    return json.loads(DIVISIONS.read_text(encoding="utf-8"))["features"]


def test_english_divisions_are_points_inside_great_britain(full_gazetteer) -> None:
    outline = shapely.geometry.shape(full_gazetteer.country("GB").geometry)
    features = _features()
    assert {f["properties"]["name"] for f in features} >= {
        "Greater London",
        "Greater Manchester",
        "West Midlands",
        "South West England",
    }
    for f in features:
        props = f["properties"]
        assert f["geometry"]["type"] == "Point"
        assert props["country"] == "GB" and props["admin1"] == "England", props["id"]
        assert (props["feature_class"], props["feature_code"]) in {("A", "ADM2"), ("A", "RGN")}, props["id"]
        assert outline.contains(shapely.geometry.Point(f["geometry"]["coordinates"])), props["id"]


def test_english_divisions_are_in_the_index(full_gazetteer) -> None:
    for f in _features():
        place = full_gazetteer.get(f["properties"]["id"])
        assert place is not None and place.name == f["properties"]["name"]


# ----------------------------------------------------------------------------- resolution

# (sentence, mention text, expected gazetteer id)
CASES = [
    ("Floods hit West Java and East Java on Monday.", "West Java", "csc-state:1825"),
    ("Floods hit West Java and East Java on Monday.", "East Java", "csc-state:1827"),
    ("Bird flu reached Menoufia, the ministry said.", "Menoufia", "csc-state:3228"),
    ("Farms in Daqahliya and Gharbiya, Egypt, were culled.", "Daqahliya", "csc-state:3245"),
    ("Police in Khyber Pakhtunkhwa and Baluchistan said.", "Baluchistan", "csc-state:3174"),
    ("The NWFP government said on Friday.", "NWFP", "csc-state:3171"),
    ("Protests were reported in Xizang.", "Xizang", "csc-state:2264"),
    (
        "Camps in the Xinjiang Uyghur Autonomous Region were expanded.",
        "Xinjiang Uyghur Autonomous Region",
        "csc-state:2263",
    ),
    ("Heavy rain hit Greater Manchester, Merseyside and West Yorkshire.", "Merseyside", "curated:merseyside"),
    ("Farmers in Yorkshire protested.", "Yorkshire", "curated:yorkshire-and-the-humber"),
    ("Drones were downed over Moscow Oblast.", "Moscow Oblast", "csc-state:1882"),
    ("Rain hit Masovia, Poland.", "Masovia", "csc-state:1637"),
    ("An earthquake struck Ishikawa Prefecture.", "Ishikawa Prefecture", "csc-state:830"),
    ("Shelling in Idlib Province, Syria, went on.", "Idlib Province", "csc-state:2940"),
    ("Wildfires burned in Catalunya, Spain.", "Catalunya", "csc-state:5331"),
    ("Gunmen raided villages in Zamfara State.", "Zamfara State", "csc-state:299"),
]


@pytest.mark.parametrize(("text", "surface", "expected"), CASES, ids=[f"{s}@{t[:20]}" for t, s, _ in CASES])
def test_news_sentence_resolves_to_the_division(
    geoparser, full_gazetteer, text: str, surface: str, expected: str
) -> None:
    # A division's former id ("csc-state:...") names it still; the index gives its GeoNames id now.
    wanted = full_gazetteer.get(expected)
    assert wanted is not None, expected
    found = {m.text: m.place.id for m in geoparser.parse_text(text)}
    assert found.get(surface) == wanted.id, found


def test_java_provinces_land_where_they_lie(geoparser) -> None:
    mentions = {m.text: m.place for m in geoparser.parse_text("Floods hit West Java and East Java")}
    west, east = mentions["West Java"], mentions["East Java"]
    assert west.country == east.country == "ID"
    assert km(west.lat, west.lon, -6.9, 107.6) < 50
    assert km(east.lat, east.lon, -7.5, 112.5) < 50


def test_governorate_alias_leaves_the_city_its_name(geoparser) -> None:
    # "Alexandria Governorate" is an alias; "Alexandria" alone stays the city.
    mentions = geoparser.parse_text("Talks were held in Alexandria, Egypt.")
    place = next(m.place for m in mentions if m.text == "Alexandria")
    assert place.feature_class == "P" and place.country == "EG"
