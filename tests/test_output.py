"""Writing mentions: every format reads back to the same mentions, with provenance, atomically."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
from pathlib import Path

import geopandas
import pytest

from geo.errors import InputError
from geo.output import FORMATS, WriteStats, read_stamp, write_mentions
from geo.parsing.pipeline import RECORD_FIELDS, Geoparser

ARTICLES = {
    "suez.txt": "date 2024-03-05 Ships queued at the Suez Canal while Russian officials visited Cairo.\n",
    "danube.txt": "Barges on the Danube stopped near Vienna as Ukraine asked for help.\n",
    "bad.txt": "Protesters marched in Lyon and Marseille on Saturday.\n",
}
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "geojson": ".geojson", "gpkg": ".gpkg", "parquet": ".parquet"}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def read_back(path: Path, fmt: str) -> list[dict]:
    """The mention records of an output file, as (doc, start, end, text, id, kind, date) dicts."""
    if fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert all(tuple(row) == RECORD_FIELDS for row in rows)
    elif fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames) == RECORD_FIELDS
            rows = list(reader)
    elif fmt == "geojson":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection"
        rows = [feature["properties"] for feature in data["features"]]
        frame = geopandas.read_file(path)
        assert len(frame) == len(rows)
    else:
        frame = geopandas.read_file(path, layer="mentions") if fmt == "gpkg" else geopandas.read_parquet(path)
        assert frame.crs.to_epsg() == 4326
        assert set(RECORD_FIELDS) <= set(frame.columns)
        rows = frame.drop(columns="geometry").to_dict("records")
    return [
        {
            "doc": str(r["doc"]),
            "start": int(r["start"]),
            "end": int(r["end"]),
            "text": str(r["text"]),
            "id": str(r["id"]),
            "kind": str(r["kind"]),
            "date": str(r["date"]),
        }
        for r in rows
    ]


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture(scope="module")
def written(geoparser, tmp_path_factory):
    """Every format written from the same inputs: fmt -> (path, stats)."""
    base = tmp_path_factory.mktemp("output")
    folder = base / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = base / "out"
    results = {}
    for fmt in FORMATS:
        path = out / f"mentions{SUFFIX[fmt]}"
        results[fmt] = (path, write_mentions(geoparser, [folder], out=path, fmt=fmt, default_date=dt.date(2024, 1, 2)))
    return results


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back(written, fmt):
    path, stats = written[fmt]
    assert stats == WriteStats(articles=3, mentions=stats.mentions, failures=0)
    rows = read_back(path, fmt)
    assert len(rows) == stats.mentions > 5
    texts = {r["text"] for r in rows}
    assert {"Suez Canal", "Cairo", "Danube", "Vienna", "Lyon", "Marseille"} <= texts
    for r in rows:
        article = ARTICLES[f"{r['doc']}.txt"]
        body = article.split(" ", 2)[2] if article.startswith("date ") else article
        assert body[r["start"] : r["end"]] == r["text"]
    dates = {r["doc"]: r["date"] for r in rows}
    assert dates["suez"] == "2024-03-05" and dates["danube"] == "2024-01-02"


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_same_mentions_in_every_format(written, fmt):
    reference = read_back(written["jsonl"][0], "jsonl")
    assert read_back(written[fmt][0], fmt) == reference


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet"])
def test_gazetteer_stamp_is_recorded(written, full_gazetteer, fmt):
    stamp = read_stamp(written[fmt][0])
    assert stamp == full_gazetteer.stamp
    assert stamp["sources"]  # names the packages the index came from


def test_geojson_geometries_are_the_places(written):
    data = json.loads(written["geojson"][0].read_text(encoding="utf-8"))
    kinds = {f["properties"]["text"]: f["geometry"]["type"] for f in data["features"]}
    assert kinds["Suez Canal"] == "LineString"
    assert kinds["Ukraine"] in {"Polygon", "MultiPolygon"}
    assert kinds["Russian"] == "Point"  # a demonym is drawn at its country's point
    assert kinds["Cairo"] == "Point"


def test_no_temporary_files_left(written):
    folder = written["jsonl"][0].parent
    assert leftovers(folder, set()) == sorted(f"mentions{SUFFIX[fmt]}" for fmt in FORMATS)


class FlakyGeoparser(Geoparser):
    """Fails on the article called "bad", the way a parser bug would."""

    error: type[BaseException] = RuntimeError

    def parse_article(self, article):
        if article.id == "bad":
            raise self.error(f"cannot parse {article.id}")
        return super().parse_article(article)


class InterruptedGeoparser(FlakyGeoparser):
    """Stops the whole run on the article called "bad" (as Ctrl-C would)."""

    error = KeyboardInterrupt


@pytest.fixture(scope="module")
def flaky(full_gazetteer):
    return FlakyGeoparser(full_gazetteer)


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_failing_article_loses_only_itself(flaky, inputs, tmp_path, fmt, caplog):
    out = tmp_path / "out" / f"mentions{SUFFIX[fmt]}"
    with caplog.at_level(logging.WARNING, logger="geo.output"):
        stats = write_mentions(flaky, [inputs], out=out, fmt=fmt)
    assert stats.failures == 1 and stats.articles == 2
    rows = read_back(out, fmt)
    assert len(rows) == stats.mentions
    assert {r["doc"] for r in rows} == {"suez", "danube"}
    assert any("bad" in record.getMessage() and "cannot parse bad" in record.getMessage() for record in caplog.records)
    assert leftovers(out.parent, {out.name}) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_interrupted_write_keeps_the_old_file(full_gazetteer, inputs, tmp_path, fmt):
    out = tmp_path / "out" / f"mentions{SUFFIX[fmt]}"
    out.parent.mkdir()
    out.write_bytes(b"previous run")
    with pytest.raises(KeyboardInterrupt):
        write_mentions(InterruptedGeoparser(full_gazetteer), [inputs], out=out, fmt=fmt)
    assert out.read_bytes() == b"previous run"
    assert leftovers(out.parent, {out.name}) == []


def test_jsonl_to_stdout(geoparser, inputs, capsys):
    stats = write_mentions(geoparser, [inputs / "danube.txt"], out=None, fmt="jsonl")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == stats.mentions > 0
    assert [json.loads(line)["text"] for line in lines][:2] == ["Danube", "Vienna"]


def test_csv_and_geojson_to_stdout(geoparser, inputs, capsys, full_gazetteer):
    write_mentions(geoparser, [inputs / "danube.txt"], out=None, fmt="csv")
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["text"] for r in rows][:2] == ["Danube", "Vienna"]
    write_mentions(geoparser, [inputs / "danube.txt"], out=None, fmt="geojson")
    data = json.loads(capsys.readouterr().out)
    assert data["gazetteer"] == full_gazetteer.stamp
    assert [f["properties"]["text"] for f in data["features"]][:2] == ["Danube", "Vienna"]


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_binary_formats_refuse_stdout(geoparser, inputs, fmt):
    with pytest.raises(InputError, match=f"{fmt} is binary.*-o"):
        write_mentions(geoparser, [inputs], out=None, fmt=fmt)


@pytest.mark.parametrize("fmt", ["xml", "JSONL", "", "shp"])
def test_unknown_format(geoparser, inputs, tmp_path, fmt):
    with pytest.raises(InputError, match="choose one of jsonl, geojson, csv, gpkg, parquet"):
        write_mentions(geoparser, [inputs], out=tmp_path / "x.out", fmt=fmt)
    assert not (tmp_path / "x.out").exists()


def test_missing_input_counts_as_a_failure(geoparser, inputs, tmp_path, caplog):
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "m.jsonl"
    with caplog.at_level(logging.WARNING, logger="geo.output"):
        stats = write_mentions(geoparser, [missing, inputs / "danube.txt"], out=out, fmt="jsonl")
    assert stats.failures == 1 and stats.articles == 1
    assert any(str(missing) in record.getMessage() for record in caplog.records)
    assert {r["doc"] for r in read_back(out, "jsonl")} == {"danube"}


def test_empty_output_is_still_valid(geoparser, tmp_path, full_gazetteer):
    (tmp_path / "quiet.txt").write_text("Nothing happened here at all.\n", encoding="utf-8")
    for fmt in FORMATS:
        out = tmp_path / f"empty{SUFFIX[fmt]}"
        stats = write_mentions(geoparser, [tmp_path / "quiet.txt"], out=out, fmt=fmt)
        assert (stats.articles, stats.mentions, stats.failures) == (1, 0, 0)
        assert read_back(out, fmt) == []
        if fmt in {"geojson", "gpkg", "parquet"}:
            assert read_stamp(out) == full_gazetteer.stamp
