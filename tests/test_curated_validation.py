"""Curated gazetteer files and rules files validated strictly, early, with the file and line or feature named."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

import geo.gazetteer.index
from geo.errors import CuratedDataError, RulesError
from geo.gazetteer.curated import (
    check_references,
    country_codes,
    curated_files,
    feature_codes,
    read_aliases,
    read_curated_dir,
)
from geo.gazetteer.index import build_index, default_curated_dirs
from geo.parsing.rules import load_rules


def feature(**props: Any) -> dict[str, Any]:
    properties = {
        "id": "curated:testville",
        "name": "Testville",
        "alternate_names": [],
        "feature_class": "P",
        "feature_code": "PPL",
        "country": "AZ",
        "source": "made up for a test",
        **props,
    }
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [47.03, 39.52]}}


def folder_with(tmp_path: Path, files: dict[str, Any]) -> Path:
    folder = tmp_path / "curated"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps({"type": "FeatureCollection", "features": content})
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build(tmp_path: Path, files: dict[str, Any], records: list[dict[str, Any]]) -> Path:
    return build_index(tmp_path / "g.sqlite", records=records, curated=[folder_with(tmp_path, files)])


BAD = [
    ("id without the prefix", feature(id="testville"), "'id'", "curated:<slug>"),
    ("id that is only the prefix", feature(id="curated:"), "'id'", "curated:<slug>"),
    ("unknown feature class", feature(feature_class="Q"), "'feature_class'", "not a GeoNames class"),
    ("unknown feature code", feature(feature_code="PPLZZ"), "'feature_code'", "not a GeoNames feature code"),
    ("country that is no country", feature(country="ZZ"), "'country'", "not an ISO 3166-1 alpha-2"),
    ("geonameid zero", feature(geonameid=0), "'geonameid'", "whole number"),
    ("geonameid true", feature(geonameid=True), "'geonameid'", "whole number"),
]


@pytest.mark.parametrize(("bad", "field", "problem"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_field_is_named_with_file_and_feature(
    tmp_path: Path, tiny_records: list[dict[str, Any]], bad: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(CuratedDataError) as caught:
        build(tmp_path, {"places.geojson": [feature(id="curated:ok", name="Okville"), bad]}, tiny_records)
    message = str(caught.value)
    assert f"{tmp_path / 'curated' / 'places.geojson'}: feature #1" in message
    assert field in message and problem in message
    assert not (tmp_path / "g.sqlite").exists()


def test_a_misspelt_code_gets_suggestions(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    with pytest.raises(CuratedDataError, match=r"did you mean .*PPLC"):
        build(tmp_path, {"places.geojson": [feature(feature_code="PPLCC")]}, tiny_records)


@pytest.mark.parametrize(
    ("props", "field", "value"),
    [({"geonameid": 999999999}, "geonameid", "999999999"), ({"replaces": "csc-state:0"}, "replaces", "'csc-state:0'")],
)
def test_a_reference_that_points_nowhere_is_an_error(
    tmp_path: Path, tiny_records: list[dict[str, Any]], props: dict[str, Any], field: str, value: str
) -> None:
    with pytest.raises(CuratedDataError) as caught:
        build(tmp_path, {"fixes.geojson": [feature(id="curated:ok", name="Ok"), feature(**props)]}, tiny_records)
    message = str(caught.value)
    assert f"fixes.geojson: feature #1 (curated:testville): field '{field}' is {value}" in message
    assert "names no entry" in message and "build again" in message


def test_references_that_resolve_are_applied(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    from geo.gazetteer.index import Gazetteer

    fixes = [
        feature(id="curated:moscow-idaho", name="Moscow", geonameid=5601538, country="US", population=26_000),
        feature(id="curated:istanbul-fix", name="Istanbul", replaces="745044", country="TR", population=15_000_000),
    ]
    gaz = Gazetteer(build(tmp_path, {"fixes.geojson": fixes}, tiny_records))
    assert gaz.get("5601538").population == 26_000 and gaz.get("745044").population == 15_000_000
    assert gaz.get("curated:moscow-idaho") is None  # merged into the entry it corrects
    gaz.close()


def test_an_id_in_two_files_names_both(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    with pytest.raises(CuratedDataError) as caught:
        build(tmp_path, {"a.geojson": [feature()], "b.geojson": [feature(name="Other")]}, tiny_records)
    message = str(caught.value)
    assert "b.geojson: feature #0 (curated:testville)" in message and "a.geojson: feature #0" in message


def test_a_partial_dump_only_warns_about_references(caplog: pytest.LogCaptureFixture) -> None:
    rec = {"id": "curated:x", "raw": {"geonameid": 42}, "where": "f.geojson: feature #0 (curated:x)"}
    with caplog.at_level(logging.WARNING):
        check_references([rec], [("43", "Name", "alt", "aliases.csv:5")], {"curated:x"}, strict=False)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "f.geojson: feature #0" in messages and "aliases.csv:5" in messages
    with pytest.raises(CuratedDataError, match=r"aliases\.csv:5: no gazetteer entry has id '43'"):
        check_references([], [("43", "Name", "alt", "aliases.csv:5")], {"curated:x"})


def test_syntax_errors_are_reported_before_any_source_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = []

    def sources() -> Any:
        read.append(True)
        return iter([])

    monkeypatch.setattr(geo.gazetteer.index, "read_installed_sources", sources)
    monkeypatch.delenv("GEO_CURATED", raising=False)
    broken = folder_with(
        tmp_path, {"mine.geojson": '{"type": "FeatureCollection",\n  "features": [\n    {"type": }\n]}'}
    )
    with pytest.raises(CuratedDataError) as caught:
        build_index(tmp_path / "g.sqlite", curated=[broken])
    assert f"{broken / 'mine.geojson'}: line 3, column" in str(caught.value)
    assert read == []  # the sources (half a minute of reading) were never started
    folder_with(tmp_path, {"mine.geojson": [feature(feature_code="NOPE")]})
    with pytest.raises(CuratedDataError, match="feature_code"):
        build_index(tmp_path / "g.sqlite", curated=[broken])
    assert read == []


def test_the_project_files_pass_every_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEO_CURATED", raising=False)
    files = curated_files(default_curated_dirs())
    records = list(read_curated_dir(files))  # every field, class, code and country checked
    assert len(records) > 300 and all(r["id"].startswith("curated:") for r in records)
    assert read_aliases(files)
    classes = feature_codes()
    assert set(classes) == set("AHLPRSTUV") and "PCLI" in classes["A"] and "PPLC" in classes["P"]
    assert {"AZ", "US", "XK"} <= country_codes() and "ZZ" not in country_codes()


# -- rules files ------------------------------------------------------------------------------------


def rules_file(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "rules.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_a_rules_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    rules = load_rules(rules_file(tmp_path, "pin Georgia = 614540\nignore Bono\n", bom=True))
    assert rules.pins == {"georgia": "614540"} and rules.ignore == {"bono"}


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("pin Georgia = 614540\n# note\npin georgia = 4197000\n", (3, 1)),
        ("ignore Bono\npin Bono = 1\n", (2, 1)),
        ("prefer Alexandria = US\n\nprefer ALEXANDRIA = EG\n", (3, 1)),
        ("pin Paris = 2988507\nprefer Paris = US\n", (2, 1)),
    ],
)
def test_conflicting_rules_name_both_lines(tmp_path: Path, text: str, lines: tuple[int, int]) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(rules_file(tmp_path, text))
    message = str(caught.value)
    assert f"line {lines[0]}:" in message and f"conflicts with line {lines[1]}:" in message
    assert str(tmp_path / "rules.txt") in message and "keep one of them" in message


def test_a_rule_repeated_the_same_way_is_no_conflict(tmp_path: Path) -> None:
    rules = load_rules(
        rules_file(tmp_path, "prefer Alexandria = US, EG\nprefer alexandria = eg,us\nignore Bono\nignore BONO\n")
    )
    assert rules.prefer == {"alexandria": frozenset({"US", "EG"})} and rules.ignore == {"bono"}


def test_a_rules_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=f"rules file {tmp_path} is a folder"):
        load_rules(tmp_path)
