"""``geo parse`` and ``geo evaluate`` on the command line, over the session's index."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import geopandas
import pytest

from geo.cli import main
from geo.output import read_stamp

REQUIRED_KEYS = {
    "doc",
    "title",
    "start",
    "end",
    "text",
    "name",
    "id",
    "kind",
    "feature",
    "country",
    "lat",
    "lon",
    "geometry_type",
    "score",
    "date",
    "date_source",
    "published",
    "sentence",
}
HEADED = "date 2023-05-04 Ships queued at the Suez Canal while Russian officials visited Cairo.\n"
PLAIN = "Barges on the Danube stopped near Vienna as Ukraine asked for help.\n"


@pytest.fixture(scope="module")
def cache(full_gazetteer) -> list[str]:
    """The options that point the command line at the session's index."""
    return ["--cache-dir", str(full_gazetteer.path.parent)]


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "suez.txt").write_text(HEADED, encoding="utf-8")
    (folder / "danube.txt").write_text(PLAIN, encoding="utf-8")
    return folder


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_parse_jsonl_to_stdout(cache, articles, capsys):
    assert main(["parse", str(articles), *cache]) == 0
    captured = capsys.readouterr()
    rows = records(captured.out)
    assert rows
    for row in rows:
        assert set(row) >= REQUIRED_KEYS, REQUIRED_KEYS - set(row)
        assert 0.0 <= row["score"] <= 1.0
    by_text = {r["text"]: r for r in rows}
    assert by_text["Cairo"]["country"] == "EG" and by_text["Cairo"]["published"] == "2023-05-04"
    assert by_text["Russian"]["kind"] == "demonym"
    assert by_text["Suez Canal"]["geometry_type"] == "LineString"
    assert by_text["Vienna"]["published"] is None and by_text["Vienna"]["date"] is None
    assert "2 articles" in captured.err and "0 failed" in captured.err


def test_parse_date_applies_to_plain_text_only(cache, articles, capsys):
    assert main(["parse", str(articles), "--date", "2024-02-29", *cache]) == 0
    published = {r["doc"]: r["published"] for r in records(capsys.readouterr().out)}
    assert published == {"suez": "2023-05-04", "danube": "2024-02-29"}


def test_parse_to_geojson_file(cache, articles, tmp_path, capsys, full_gazetteer):
    out = tmp_path / "result" / "mentions.geojson"
    assert main(["parse", str(articles), "-o", str(out), "--format", "geojson", *cache]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(out) in captured.err
    frame = geopandas.read_file(out)
    assert {"Suez Canal", "Cairo", "Danube", "Vienna", "Ukraine"} <= set(frame["text"])
    assert read_stamp(out) == full_gazetteer.stamp
    assert sorted(p.name for p in out.parent.iterdir()) == ["mentions.geojson"]


def test_parse_parquet_file(cache, articles, tmp_path, capsys):
    out = tmp_path / "mentions.parquet"
    assert main(["parse", str(articles), "-o", str(out), "--format", "parquet", *cache]) == 0
    frame = geopandas.read_parquet(out)
    assert frame.crs.to_epsg() == 4326 and len(frame) > 4


@pytest.mark.parametrize("binary", [True, False])
def test_parse_reads_stdin(cache, capsys, monkeypatch, binary):
    text = "Protesters marched in Lyon and Marseille on Saturday.\n"
    stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8") if binary else io.StringIO(text)
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["parse", "-", "--date", "2022-09-10", *cache]) == 0
    rows = records(capsys.readouterr().out)
    assert [(r["doc"], r["text"], r["country"], r["published"]) for r in rows] == [
        ("stdin", "Lyon", "FR", "2022-09-10"),
        ("stdin", "Marseille", "FR", "2022-09-10"),
    ]


def test_parse_no_demonyms(cache, articles, capsys):
    assert main(["parse", str(articles / "suez.txt"), "--no-demonyms", *cache]) == 0
    rows = records(capsys.readouterr().out)
    assert rows and all(r["kind"] == "toponym" for r in rows)
    assert "Russian" not in {r["text"] for r in rows}


def test_parse_rules_file(cache, tmp_path, capsys):
    rules = tmp_path / "rules.txt"
    rules.write_text("ignore Vienna\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(PLAIN, encoding="utf-8")
    assert main(["parse", str(tmp_path / "a.txt"), "--rules", str(rules), *cache]) == 0
    texts = [r["text"] for r in records(capsys.readouterr().out)]
    assert "Vienna" not in texts and "Danube" in texts


def test_missing_path_is_reported_and_fails(cache, articles, tmp_path, capsys, caplog):
    missing = tmp_path / "nowhere" / "news.jsonl"
    with caplog.at_level(logging.WARNING):
        code = main(["parse", str(missing), str(articles / "danube.txt"), *cache])
    assert code == 1
    captured = capsys.readouterr()
    assert "1 failed" in captured.err
    assert any(str(missing) in r.getMessage() and "no such file" in r.getMessage() for r in caplog.records)
    # The readable article is still written.
    assert {r["doc"] for r in records(captured.out)} == {"danube"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "4 May 2023"], "--date '4 May 2023' is not an ISO date"),
        (["--format", "gpkg"], "cannot go to standard output"),
    ],
)
def test_parse_errors_exit_2(cache, articles, capsys, options, message):
    assert main(["parse", str(articles), *options, *cache]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geo: error:") and message in err


def test_bad_rules_file_exits_2(cache, articles, tmp_path, capsys):
    rules = tmp_path / "rules.txt"
    rules.write_text("pin Vienna\n", encoding="utf-8")
    assert main(["parse", str(articles), "--rules", str(rules), *cache]) == 2
    assert "needs '= VALUE'" in capsys.readouterr().err


def test_unknown_format_is_refused_by_the_parser(cache, articles, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["parse", str(articles), "--format", "xml", *cache])
    assert exc.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# ----------------------------------------------------------------------------- evaluate

CORPUS_TEXTS = [
    "Talks in Moscow ended on Tuesday. Officials then flew to Kyiv.",
    "The sheriff in Moscow, Idaho asked Boise for help.",
]
# (article, words, lat, lon) in LGL's layout: <toponym> with <start>, <end>, <phrase> and <gaztag>.
CORPUS_GOLD = [
    (0, "Moscow", 55.7522, 37.6156),
    (0, "Kyiv", 50.4547, 30.5238),
    (1, "Moscow", 46.7324, -117.0002),
    (1, "Idaho", 44.5002, -114.2512),
    (1, "Boise", 43.6135, -116.2035),
]


def write_lgl(path: Path) -> Path:
    parts = ['<?xml version="1.0" encoding="utf-8"?>', "<articles>"]
    for n, text in enumerate(CORPUS_TEXTS):
        parts.append(f'<article docid="doc{n}"><title>Article {n}</title><dltime>2021-06-0{n + 1} 10:00:00-05</dltime>')
        parts.append(f"<text>{text}</text><toponyms>")
        for article, words, lat, lon in CORPUS_GOLD:
            if article != n:
                continue
            start = text.index(words)
            parts.append(
                f"<toponym><start>{start}</start><end>{start + len(words)}</end><phrase>{words}</phrase>"
                f"<gaztag><name>{words}</name><lat>{lat}</lat><lon>{lon}</lon></gaztag></toponym>"
            )
        parts.append("</toponyms></article>")
    parts.append("</articles>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_lgl(tmp_path / "lgl.xml")


def test_evaluate_prints_scores(cache, corpus, capsys):
    assert main(["evaluate", str(corpus), *cache]) == 0
    out = capsys.readouterr().out
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    for label in ("precision", "recall", "F1", "accuracy@161km"):
        assert label in lines, out
    assert "(end to end)" in out
    assert lines["recall"].split()[-1] == "1.000"


def test_evaluate_json(cache, corpus, capsys):
    assert main(["evaluate", str(corpus), "--json", *cache]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert (scores["articles"], scores["gold"], scores["gold_spans"]) == (2, 5, False)
    assert scores["found_gold"] == 5 and scores["recall"] == 1.0
    assert scores["precision"] == 1.0 and scores["f1"] == 1.0
    assert scores["accuracy_161"] == 1.0


def test_evaluate_gold_spans(cache, corpus, capsys):
    assert main(["evaluate", str(corpus), "--gold-spans", "--json", *cache]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["gold_spans"] is True
    assert scores["gold"] == 5 and scores["accuracy_161"] == 1.0


def test_evaluate_limit(cache, corpus, capsys):
    assert main(["evaluate", str(corpus), "--limit", "1", "--json", *cache]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert (scores["articles"], scores["gold"]) == (1, 2)


def test_evaluate_missing_corpus_exits_2(cache, tmp_path, capsys):
    missing = tmp_path / "no-corpus.xml"
    assert main(["evaluate", str(missing), *cache]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "not found" in err


DEMONYM_TEXT = "Russian troops crossed into Ukraine on Monday."


def write_geovirus(path: Path) -> Path:
    start = DEMONYM_TEXT.index("Ukraine")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><articles><article><source>x</source>'
        f"<text>{DEMONYM_TEXT}</text><locations><location><name>Ukraine</name><start>{start}</start>"
        f"<end>{start + 7}</end><lat>49.0</lat><lon>32.0</lon><page>Ukraine</page></location></locations>"
        "</article></articles>",
        encoding="utf-8",
    )
    return path


def test_evaluate_follows_the_corpus_annotation_scheme_for_demonyms(cache, tmp_path, capsys):
    """GeoVirus marks no demonyms, so by default "Russian" is not predicted there; LGL marks them."""
    geovirus = write_geovirus(tmp_path / "gv.xml")
    assert main(["evaluate", str(geovirus), "--json", *cache]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["predictions"] == 1
    assert "GeoVirus layout" in captured.err and "demonyms off" in captured.err
    assert main(["evaluate", str(geovirus), "--json", "--demonyms", "on", *cache]) == 0
    assert json.loads(capsys.readouterr().out)["predictions"] == 2
    lgl = write_lgl(tmp_path / "lgl.xml")
    assert main(["evaluate", str(lgl), "--json", *cache]) == 0
    assert "demonyms on" in capsys.readouterr().err
