"""`geo evaluate` reports accuracy by GeoNames id and errors by level, end to end and on gold spans,
with the real index (an invented LGL-layout gold file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main

TEXT = "Farmers in Moscow and in Jawa Barat said prices rose."
# (words, GeoNames id, feature code, lat, lon): Moscow right; Jawa Barat with a wrong id on purpose
# (the right point, so it counts as another entity within 161 km).
GOLD = [
    ("Moscow", "524901", "PPLC", 55.75222, 37.61556),
    ("Jawa Barat", "1", "ADM1", -6.9, 107.6),
]


def write_gold(path: Path) -> Path:
    toponyms = []
    for words, gid, code, lat, lon in GOLD:
        start = TEXT.index(words)
        toponyms.append(
            f"<toponym><start>{start}</start><end>{start + len(words)}</end><phrase>{words}</phrase>"
            f'<gaztag geonameid="{gid}"><name>{words}</name><fcode>{code}</fcode>'
            f"<lat>{lat}</lat><lon>{lon}</lon></gaztag></toponym>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><articles><article docid="e1"><title>t</title>'
        f"<dltime>2021-06-01 10:00:00-05</dltime><text>{TEXT}</text><toponyms>{''.join(toponyms)}</toponyms>"
        "</article></articles>"
    )
    path.write_text(xml, encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", [[], ["--gold-spans"]], ids=["end to end", "gold spans"])
def test_evaluate_reports_entities_and_levels(full_gazetteer, tmp_path: Path, capsys, mode: list[str]) -> None:
    corpus = write_gold(tmp_path / "lgl.xml")
    cache = ["--cache-dir", str(full_gazetteer.path.parent)]
    assert main(["evaluate", str(corpus), "--json", *mode, *cache]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert (scores["id_gold"], scores["id_correct"], scores["id_wrong_near"], scores["id_right_far"]) == (2, 1, 1, 0)
    assert scores["id_accuracy"] == 0.5
    assert scores["errors_by_level"] == {
        "populated place": {"toponyms": 1, "errors": 0},
        "division": {"toponyms": 1, "errors": 0},
    }
    assert scores["error_levels"] == {}
    assert main(["evaluate", str(corpus), *mode, *cache]) == 0
    lines = {" ".join(line.split()) for line in capsys.readouterr().out.splitlines()}  # column widths vary
    assert any(line.startswith("accuracy by GeoNames id 0.500 (1 of 2 gold with an id") for line in lines), lines
    assert {"division 0 / 1", "populated place 0 / 1"} <= lines, lines
