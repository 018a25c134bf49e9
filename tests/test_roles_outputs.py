"""Roles in every output: records, files of each format, batch parts, --roles filters, aggregates by role."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import geo
from geo.batch.aggregates import aggregate
from geo.cli import main
from geo.errors import InputError
from geo.output import write_mentions
from geo.parsing.pipeline import RECORD_FIELDS
from geo.parsing.roles import ROLES

# One article with a place, an actor, an affiliation and a name, none from the examples of the issue.
TEXT = (
    "date 2024-04-11 Hanoi accused Manila of provoking a clash, while fishermen from Da Nang said boats near "
    "Haiphong were rammed. Filipino officials rejected the claim. The Battle of Dien Bien Phu was long ago.\n"
)
EXPECTED = {
    "Hanoi": "actor",
    "Manila": "actor",
    "Da Nang": "place",
    "Haiphong": "place",
    "Filipino": "affiliation",
    "Dien Bien Phu": "name",
}


@pytest.fixture(scope="module")
def article_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("role_articles")
    (folder / "sea.txt").write_text(TEXT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cache(full_gazetteer) -> list[str]:
    return ["--cache-dir", str(full_gazetteer.path.parent)]


def test_record_fields_carry_role_and_cue():
    assert "role" in RECORD_FIELDS and "role_cue" in RECORD_FIELDS
    assert RECORD_FIELDS.index("role") == RECORD_FIELDS.index("kind") + 1


def test_parse_frame_has_roles_and_filters(geoparser, article_dir):
    frame = geo.parse(article_dir, geoparser=geoparser)
    got = dict(zip(frame["text"], frame["role"], strict=True))
    for words, role in EXPECTED.items():
        assert got.get(words) == role, (words, got)
    assert set(frame["role"]) <= set(ROLES) and frame["role_cue"].str.len().min() > 0
    places = geo.parse(article_dir, geoparser=geoparser, roles="place")
    assert len(places) and set(places["role"]) == {"place"}
    assert set(places["text"]) == {t for t, r in got.items() if r == "place"}
    with pytest.raises(InputError, match="unknown role where"):
        geo.parse(article_dir, geoparser=geoparser, roles="place,where")


def test_geoparser_roles_option_keeps_resolution(full_gazetteer, geoparser):
    only_actors = geo.Geoparser(full_gazetteer, roles=["actor"])
    body = TEXT.split(" ", 2)[2]
    everything = geoparser.parse_text(body)
    actors = only_actors.parse_text(body)
    assert actors == [m for m in everything if m.role == "actor"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson", "gpkg", "parquet"])
def test_every_format_carries_the_role(geoparser, article_dir, tmp_path, fmt):
    out = tmp_path / f"mentions.{fmt}"
    stats = write_mentions(geoparser, [article_dir], out=out, fmt=fmt)
    assert stats.mentions >= len(EXPECTED)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    elif fmt == "geojson":
        rows = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    elif fmt == "gpkg":
        import geopandas

        rows = geopandas.read_file(out, layer="mentions").to_dict("records")
    else:
        rows = pq.read_table(out).to_pylist()
    got = {r["text"]: r["role"] for r in rows}
    assert all(got.get(w) == role for w, role in EXPECTED.items()), got
    assert all(r["role_cue"] for r in rows)


def test_cli_roles_filter(cache, article_dir, capsys):
    assert main(["parse", str(article_dir), "--roles", "actor,affiliation", *cache]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert {r["text"] for r in rows} == {"Hanoi", "Manila", "Filipino"}


def test_cli_bad_roles_exit_2(cache, article_dir, capsys):
    assert main(["parse", str(article_dir), "--roles", "places", *cache]) == 2
    assert "roles 'places': unknown role places; choose from place, actor" in capsys.readouterr().err


def test_batch_parts_carry_the_role_and_refuse_a_filter(full_gazetteer, cache, article_dir, tmp_path, capsys):
    from geo.batch.run import read_mentions, run_batch

    out = tmp_path / "run"
    run_batch([article_dir], out, gazetteer_path=full_gazetteer.path, jobs=1, progress=False)
    frame = read_mentions(out)
    assert dict(zip(frame["text"], frame["role"], strict=True))["Hanoi"] == "actor"
    assert (frame["role_cue"] != "").all()
    assert (
        main(
            ["parse", str(article_dir), "--format", "parquet", "-o", str(tmp_path / "run2"), "--roles", "place", *cache]
        )
        == 2
    )
    assert "--roles does not apply to batch runs" in capsys.readouterr().err
    table = aggregate(out, roles="actor")
    assert set(table["role"]) == {"actor"} and set(table["name"]) >= {"Hanoi", "Manila"}


def _rows(**over):
    base = {"doc": "a", "id": "1", "name": "Quito", "lat": -0.2, "lon": -78.5, "date": "2024-03-01", "published": None}
    return {**base, **over}


def test_aggregate_counts_by_role():
    frame = pd.DataFrame(
        [
            _rows(role="place"),
            _rows(doc="b", role="place"),
            _rows(doc="c", role="actor"),
            _rows(doc="d", id="2", name="Lima", lat=-12.0, lon=-77.0, role="affiliation"),
        ]
    )
    table = aggregate(frame)
    counts = {(r.name, r.role): r.count for r in table.itertuples()}
    assert counts == {("Quito", "place"): 2, ("Quito", "actor"): 1, ("Lima", "affiliation"): 1}
    only = aggregate(frame, roles="place,actor")
    assert set(only["name"]) == {"Quito"} and int(only["count"].sum()) == 3


def test_aggregate_of_records_without_roles():
    frame = pd.DataFrame([_rows(), _rows(doc="b")])
    table = aggregate(frame)
    assert table["role"].tolist() == [""] and table["count"].tolist() == [2]
    with pytest.raises(InputError, match="has no 'role' column"):
        aggregate(frame, roles="place")


def test_cli_aggregate_roles(tmp_path, capsys):
    source = tmp_path / "m.jsonl"
    source.write_text(
        "\n".join(json.dumps(_rows(doc=str(i), role=r)) for i, r in enumerate(["place", "actor", "actor"]))
    )
    out = tmp_path / "agg.parquet"
    assert main(["aggregate", str(source), "--roles", "actor", "-o", str(out)]) == 0
    table = pd.read_parquet(out)
    assert table[["role", "count"]].to_dict("records") == [{"role": "actor", "count": 2}]


def test_map_roles_filter_and_records(cache, article_dir, tmp_path, capsys):
    from geo.cli import _map_mentions, build_parser

    args = build_parser().parse_args(
        ["map", str(article_dir), "-o", str(tmp_path / "m.html"), "--roles", "place", *cache]
    )
    records = _map_mentions(args).records
    assert records and {r["role"] for r in records} == {"place"} and all(r["role_cue"] for r in records)
    # The records the map reads carry every role when no filter is given.
    args = build_parser().parse_args(["map", str(article_dir), "-o", str(tmp_path / "m.html"), *cache])
    assert {r["role"] for r in _map_mentions(args).records} >= {"place", "actor", "affiliation"}
    assert main(["map", str(article_dir), "-o", str(tmp_path / "events.html"), "--roles", "place", *cache]) == 0
    html = (tmp_path / "events.html").read_text(encoding="utf-8")
    # The name's sentence ("The Battle of Dien Bien Phu ...") holds no place: nothing of it is drawn.
    assert "Haiphong" in html and "Dien Bien Phu" not in html
