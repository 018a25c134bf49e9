"""Text no encoder takes (lone UTF-16 surrogates) never breaks an output: it becomes U+FFFD where it is read."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import geopandas
import pandas as pd
import pytest

import geo
from geo.cli import main
from geo.model import Article
from geo.parsing.articles import ArticleProblem, read_articles

# JSON may spell a surrogate on its own ("\ud800"): valid JSON, but not a character.
RECORDS = [
    {"id": "before", "text": "Talks in Paris ended.", "title": "Paris"},
    {"id": "broken", "text": "Troops entered Kyiv \ud800 at dawn.", "title": "Kyiv \udfff report"},
    {"id": "after", "text": "Floods hit Lima.", "title": "Lima"},
]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    # json.dumps writes the surrogate as the escape "\ud800", as a producer of such files does.
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="ascii")
    return path


@pytest.fixture(scope="module")
def cache(full_gazetteer) -> list[str]:
    return ["--cache-dir", str(full_gazetteer.path.parent)]


def test_reader_replaces_lone_surrogates_and_names_the_article(feed: Path) -> None:
    problems: list[ArticleProblem] = []
    articles = list(read_articles(feed, on_error=problems.append))
    assert [a.id for a in articles] == ["before", "broken", "after"]
    broken = articles[1]
    assert (broken.text, broken.title) == ("Troops entered Kyiv \ufffd at dawn.", "Kyiv \ufffd report")
    assert [(p.line, p.fatal) for p in problems] == [(2, False), (2, False)]
    assert all("'broken'" in p.message and "U+FFFD" in p.message for p in problems)
    assert "text" in problems[0].message and "title" in problems[1].message
    for article in articles:
        article.text.encode("utf-8")  # every field is text any writer takes
        article.title.encode("utf-8")


def test_surrogates_in_ids_and_urls_are_replaced_too(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"id": "x\udc00y", "url": "http://a/\ud801", "text": "Rain in Oslo."}) + "\n")
    problems: list[ArticleProblem] = []
    [article] = read_articles(path, on_error=problems.append)
    assert (article.id, article.url) == ("x\ufffdy", "http://a/\ufffd")
    assert len(problems) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "csv", "gpkg", "parquet"])
def test_parse_writes_every_article_in_every_format(fmt: str, feed: Path, tmp_path: Path, cache, caplog) -> None:
    out = tmp_path / f"out.{fmt}"
    with caplog.at_level(logging.WARNING, logger="geo.parsing.articles"):
        assert main(["parse", str(feed), "--format", fmt, "-o", str(out), *cache]) == 0
    assert any("'broken'" in r.getMessage() and "U+FFFD" in r.getMessage() for r in caplog.records)
    if fmt == "jsonl":
        rows = pd.DataFrame([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    elif fmt == "csv":
        rows = pd.read_csv(out)
    elif fmt == "parquet":
        rows = pd.read_parquet(out)
    else:
        rows = geopandas.read_file(out, layer="mentions") if fmt == "gpkg" else geopandas.read_file(out)
    assert set(rows["doc"]) == {"before", "broken", "after"}
    kyiv = rows[rows["doc"] == "broken"]
    assert list(kyiv["text"]) == ["Kyiv"]
    assert list(kyiv["sentence"]) == ["Troops entered Kyiv \ufffd at dawn."]
    assert list(kyiv["title"]) == ["Kyiv \ufffd report"]
    if fmt == "gpkg":
        with sqlite3.connect(out) as con:  # the file is whole: its stamp table is written after the rows
            assert con.execute("SELECT COUNT(*) FROM geo_gazetteer").fetchone()[0] == 1


def test_parse_to_stdout_writes_every_article(feed: Path, cache, capsys) -> None:
    assert main(["parse", str(feed), *cache]) == 0
    docs = [json.loads(line)["doc"] for line in capsys.readouterr().out.splitlines()]
    assert set(docs) == {"before", "broken", "after"} and docs[-1] == "after"


def test_map_draws_the_article(feed: Path, tmp_path: Path, cache) -> None:
    out = tmp_path / "map.html"
    assert main(["map", str(feed), "-o", str(out), "--offline", *cache]) == 0
    assert "Kyiv" in out.read_text(encoding="utf-8")


def test_python_api_cleans_texts_and_articles(geoparser, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="geo.parsing.articles"):
        frame = geo.parse(
            ["Shelling near Kharkiv \ud800 went on.", Article(id="obj", text="Calm in Riga \udc80.", title="T\ud834")],
            geoparser=geoparser,
        )
    assert set(frame["doc"]) == {"text:0", "obj"}
    assert set(frame["sentence"]) == {"Shelling near Kharkiv \ufffd went on.", "Calm in Riga \ufffd."}
    assert set(frame.loc[frame["doc"] == "obj", "title"]) == {"T\ufffd"}
    warned = [r.getMessage() for r in caplog.records]
    assert any("'obj'" in m and "title" in m for m in warned) and any("'text:0'" in m for m in warned)
    frame.to_json()  # and the frame writes
