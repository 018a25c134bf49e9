"""Counts per place and day or ISO week, from a small hand-made mention table."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from geo.batch.aggregates import AGGREGATE_COLUMNS, aggregate
from geo.errors import InputError

BAKU = {
    "id": "587084",
    "name": "Baku",
    "country": "AZ",
    "lat": 40.37767,
    "lon": 49.89201,
    "kind": "toponym",
    "feature": "PPLC",
    "geometry_type": "Point",
}
KURA = {
    "id": "kura",
    "name": "Kura",
    "country": "",
    "lat": 40.0,
    "lon": 48.0,
    "kind": "toponym",
    "feature": "STM",
    "geometry_type": "LineString",
}
AZERI = {
    **BAKU,
    "id": "587116",
    "name": "Azerbaijan",
    "feature": "PCLI",
    "kind": "demonym",
    "geometry_type": "MultiPolygon",
}


def _row(
    place: dict, doc: str, date: str | None, published: str | None = "2023-09-20", source: str = "a.example"
) -> dict:
    return {**place, "doc": doc, "date": date, "published": published, "source": source, "text": place["name"]}


@pytest.fixture
def mentions() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row(BAKU, "a1", "2023-09-18"),
            _row(BAKU, "a1", "2023-09-18"),  # same article twice: two mentions, one article
            _row(BAKU, "a2", "2023-09-18", source="b.example"),
            _row(BAKU, "a3", "2023-09-24"),  # Sunday: still ISO week 38
            _row(BAKU, "a3", "2023-09-25"),  # Monday: week 39
            _row(BAKU, "a4", None, published="2023-09-19"),  # no event date: the published date counts
            _row(KURA, "a2", "2023-09-18"),
            _row(AZERI, "a2", "2023-09-18"),
            _row(BAKU, "a5", None, published=None),  # undated
        ]
    )


def _counts(table: pd.DataFrame, *keys: str) -> dict:
    return {tuple(None if pd.isna(r[k]) else r[k] for k in keys): r["count"] for r in table.to_dict("records")}


def test_counts_per_place_day_and_source(mentions: pd.DataFrame) -> None:
    table = aggregate(mentions, by="day")
    assert _counts(table, "date", "name", "source") == {
        ("2023-09-18", "Baku", "a.example"): 2,
        ("2023-09-18", "Baku", "b.example"): 1,
        ("2023-09-18", "Kura", "a.example"): 1,
        ("2023-09-18", "Azerbaijan", "a.example"): 1,
        ("2023-09-19", "Baku", "a.example"): 1,
        ("2023-09-24", "Baku", "a.example"): 1,
        ("2023-09-25", "Baku", "a.example"): 1,
        (None, "Baku", "a.example"): 1,
    }
    assert table["count"].sum() == len(mentions)
    first = table[(table["date"] == "2023-09-18") & (table["source"] == "a.example") & (table["name"] == "Baku")].iloc[
        0
    ]
    assert first["articles"] == 1  # the two mentions come from one article
    assert "week" not in table.columns


def test_place_columns_are_carried_for_drawing(mentions: pd.DataFrame) -> None:
    table = aggregate(mentions)
    kura = table[table["name"] == "Kura"].iloc[0]
    assert (kura["id"], kura["geometry_type"], kura["feature"], kura["kind"]) == (
        "kura",
        "LineString",
        "STM",
        "toponym",
    )
    assert table[table["name"] == "Azerbaijan"].iloc[0]["kind"] == "demonym"
    assert set(table.columns) <= set(AGGREGATE_COLUMNS)
    assert {"name", "id", "country", "lat", "lon", "date", "kind", "feature", "geometry_type", "count"} <= set(
        table.columns
    )


def test_weeks_are_iso_weeks_starting_monday(mentions: pd.DataFrame) -> None:
    table = aggregate(mentions, by="week")
    baku = table[(table["name"] == "Baku") & (table["source"] == "a.example")]
    assert _counts(baku, "week", "date") == {
        ("2023-W38", "2023-09-18"): 4,  # 18th twice, 19th (published), 24th (Sunday)
        ("2023-W39", "2023-09-25"): 1,
        (None, None): 1,
    }
    assert baku[baku["week"] == "2023-W38"].iloc[0]["articles"] == 3


def test_week_at_year_end_belongs_to_its_iso_year() -> None:
    rows = pd.DataFrame([_row(BAKU, "a", "2021-01-01"), _row(BAKU, "b", "2020-12-28")])
    table = aggregate(rows, by="week")
    assert _counts(table, "week", "date") == {("2020-W53", "2020-12-28"): 2}


def test_without_source_the_table_has_no_source_column(mentions: pd.DataFrame) -> None:
    table = aggregate(mentions.drop(columns=["source"]))
    assert "source" not in table.columns
    assert _counts(table, "date", "name")[("2023-09-18", "Baku")] == 3


def test_sorted_by_date_then_count(mentions: pd.DataFrame) -> None:
    table = aggregate(mentions.drop(columns=["source"]))
    dated = table[table["date"].notna()]
    assert list(dated["date"]) == sorted(dated["date"])
    day = table[table["date"] == "2023-09-18"]
    assert list(day["count"]) == sorted(day["count"], reverse=True)
    assert table["date"].isna().iloc[-1]  # undated last


def test_writes_parquet_and_csv_atomically(mentions: pd.DataFrame, tmp_path) -> None:
    table = aggregate(mentions, out=tmp_path / "agg.parquet")
    back = pq.read_table(tmp_path / "agg.parquet").to_pandas()
    assert back["count"].tolist() == table["count"].tolist()
    aggregate(mentions, by="week", out=tmp_path / "agg.csv")
    assert pd.read_csv(tmp_path / "agg.csv")["count"].sum() == len(mentions)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agg.csv", "agg.parquet"]  # no temporary files left


def test_reads_mention_files(mentions: pd.DataFrame, tmp_path) -> None:
    records = mentions.drop(columns=["source"]).to_dict("records")
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    csv = tmp_path / "m.csv"
    mentions.drop(columns=["source"]).to_csv(csv, index=False)
    parquet = tmp_path / "m.parquet"
    mentions.to_parquet(parquet)
    expected = _counts(aggregate(mentions.drop(columns=["source"])), "date", "id")
    assert _counts(aggregate(jsonl), "date", "id") == expected
    assert _counts(aggregate(csv), "date", "id") == expected
    assert _counts(aggregate(parquet), "date", "id") == _counts(aggregate(mentions), "date", "id")


def test_empty_table_gives_empty_counts() -> None:
    table = aggregate(pd.DataFrame(columns=["doc", "id", "name", "lat", "lon", "date"]))
    assert len(table) == 0
    assert {"date", "id", "name", "count"} <= set(table.columns)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: aggregate(pd.DataFrame([{"name": "Baku", "date": "2023-01-01"}])), "no id, lat, lon"),
        (lambda tmp: aggregate(pd.DataFrame([{**BAKU}])), "neither a 'date' nor a 'published'"),
        (lambda tmp: aggregate(pd.DataFrame([_row(BAKU, "a", "2023-01-01")]), by="month"), "choose one of day, week"),
        (lambda tmp: aggregate(tmp / "missing"), "does not exist"),
        (lambda tmp: aggregate(tmp), "_manifest.sqlite"),
        (lambda tmp: aggregate([1, 2]), "give a DataFrame"),
    ],
)
def test_bad_input_says_what_to_do(make, message: str, tmp_path) -> None:
    with pytest.raises(InputError, match=message):
        make(tmp_path)
