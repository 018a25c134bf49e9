"""The geoparser end to end: ``geo.parse`` on texts and folders, and gold-span resolution."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

import geo
from geo.errors import InputError, InputTypeError
from geo.model import Article
from geo.parsing.pipeline import RECORD_FIELDS, mention_record

SUEZ = "Ships queued at the Suez Canal while Russian officials visited Cairo."
DANUBE = "Barges on the Danube stopped near Vienna as Ukraine asked for grain routes through the Gaza Strip."
MOSCOW = "Talks in Moscow resumed on October 8, 2020, after a week of shelling."
LYON = "Protesters marched in Lyon and Marseille on Saturday."

# words -> (expected country, geometry type of the row)
EXPECTED_GEOMETRY = {
    "Suez Canal": ("EG", "LineString"),
    "Russian": ("RU", "Point"),  # a demonym is drawn at its country's point, not its outline
    "Cairo": ("EG", "Point"),
    "Danube": ("", "LineString"),
    "Vienna": ("AT", "Point"),
    "Ukraine": ("UA", "Polygon"),
    "Gaza Strip": ("PS", "Polygon"),
}


def check_frame(gdf, stamp) -> None:
    assert list(gdf.columns) == [*RECORD_FIELDS, "geometry"]
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert gdf.attrs["gazetteer"] == stamp
    for row in gdf.itertuples():
        assert 0.0 <= row.score <= 1.0
        assert row.date_source in {"text", "narrative", "published"}
        geometry = row.geometry
        if row.kind == "demonym" or row.geometry_type == "Point":
            assert geometry.geom_type == "Point"
            assert (round(geometry.x, 6), round(geometry.y, 6)) == (round(row.lon, 6), round(row.lat, 6))
        else:
            assert geometry.geom_type == row.geometry_type


def test_parse_texts(geoparser, full_gazetteer):
    gdf = geo.parse([SUEZ, DANUBE, MOSCOW], date=dt.date(2020, 10, 9), geoparser=geoparser)
    check_frame(gdf, full_gazetteer.stamp)
    assert set(gdf["doc"]) == {"text:0", "text:1", "text:2"}
    by_text = {row.text: row for row in gdf.itertuples()}
    for words, (country, geometry_type) in EXPECTED_GEOMETRY.items():
        assert words in by_text, f"{words} missing; found {sorted(by_text)}"
        row = by_text[words]
        assert row.country == country, row
        assert row.geometry.geom_type == geometry_type, (words, row.geometry.geom_type)
    moscow = by_text["Moscow"]
    assert (moscow.country, moscow.date, moscow.date_source) == ("RU", "2020-10-08", "text")
    assert by_text["Cairo"].published == "2020-10-09"
    assert by_text["Cairo"].date == "2020-10-09" and by_text["Cairo"].date_source == "published"


def test_parse_rows_slice_back_to_their_text(geoparser):
    texts = [SUEZ, DANUBE, MOSCOW]
    gdf = geo.parse(texts, geoparser=geoparser)
    for row in gdf.itertuples():
        text = texts[int(row.doc.split(":")[1])]
        assert text[row.start : row.end] == row.text
        assert text[row.sentence_start : row.sentence_start + len(row.sentence)] == row.sentence
        assert row.published is None


def test_parse_one_string_and_an_article(geoparser):
    one = geo.parse(LYON, geoparser=geoparser)
    assert list(one["text"]) == ["Lyon", "Marseille"]
    article = Article(id="mine", text=LYON, published=dt.date(2024, 6, 1), title="Marches")
    gdf = geo.parse([article], geoparser=geoparser)
    assert set(gdf["doc"]) == {"mine"} and set(gdf["title"]) == {"Marches"}
    assert set(gdf["published"]) == {"2024-06-01"}


def test_parse_nothing(geoparser, full_gazetteer):
    gdf = geo.parse([], geoparser=geoparser)
    assert len(gdf) == 0
    assert list(gdf.columns) == [*RECORD_FIELDS, "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["gazetteer"] == full_gazetteer.stamp


def write_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "suez.txt").write_text(f"date 2024-03-05 {SUEZ}\n", encoding="utf-8")
    (folder / "danube.txt").write_text(DANUBE + "\n", encoding="utf-8")
    with (folder / "news.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(
            json.dumps({"id": "j-moscow", "text": MOSCOW, "date": "2020-10-10", "title": "Moscow talks"}) + "\n"
        )
        handle.write(json.dumps({"id": "j-lyon", "text": LYON}) + "\n")
    with (folder / "more.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "date"])
        writer.writerow(["c-cairo", "Police in Cairo, Egypt, closed the bridge.", "2022-02-02"])
    (folder / "notes.bin").write_bytes(b"\x00\x01 Paris")  # not an article file: skipped
    return folder


def test_parse_folder(geoparser, full_gazetteer, tmp_path):
    folder = write_folder(tmp_path / "articles")
    gdf = geo.parse(folder, date="2021-01-01", geoparser=geoparser)
    check_frame(gdf, full_gazetteer.stamp)
    published = {doc: set(group["published"]) for doc, group in gdf.groupby("doc")}
    assert published == {
        "suez": {"2024-03-05"},  # the seed-style header
        "danube": {"2021-01-01"},  # no header: the date given
        "j-moscow": {"2020-10-10"},
        "j-lyon": {"2021-01-01"},
        "c-cairo": {"2022-02-02"},
    }
    suez = gdf[gdf["doc"] == "suez"]
    # Offsets are into the body, after the header.
    assert all(SUEZ[r.start : r.end] == r.text for r in suez.itertuples())
    assert set(gdf.loc[gdf["doc"] == "j-moscow", "title"]) == {"Moscow talks"}
    assert "Paris" not in set(gdf["text"])


def test_parse_folder_path_as_string(geoparser, tmp_path):
    folder = write_folder(tmp_path / "articles")
    a = geo.parse(str(folder), geoparser=geoparser)
    b = geo.parse(folder, geoparser=geoparser)
    assert list(a["id"]) == list(b["id"]) and len(a) > 5


@pytest.mark.parametrize("date", ["05/03/2024", "2024-13-01", "yesterday"])
def test_parse_bad_date(geoparser, date):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        geo.parse([LYON], date=date, geoparser=geoparser)


def test_parse_bad_input_type(geoparser):
    with pytest.raises(InputError, match="input #1 is a int"):
        geo.parse([LYON, 42], geoparser=geoparser)


def test_mention_record_has_every_field(geoparser):
    mentions = geoparser.parse_text(SUEZ, published=dt.date(2024, 1, 1), doc="d1", title="Suez")
    assert mentions
    for m in mentions:
        record = mention_record(m)
        assert tuple(record) == RECORD_FIELDS
        json.dumps(record)  # JSON-ready
        assert record["doc"] == "d1" and record["title"] == "Suez" and record["published"] == "2024-01-01"


def test_lead_sentence_is_the_title_when_there_is_none(geoparser):
    text = (
        "Floods hit Vienna. "
        + "More rain is expected across the whole region for many days to come, officials said. " * 3
    )
    mentions = geoparser.parse_text(text)
    assert mentions and all(m.title == "Floods hit Vienna." for m in mentions)


# ----------------------------------------------------------------------------- gold spans

TEXAS = (
    "Storms hit Dallas on Monday. Schools in Tyler and Sulphur Springs closed early, "
    "and in Paris the county fair was cancelled."
)


def span_of(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


@pytest.mark.parametrize(
    ("text", "gold"),
    [
        # (words of each gold span, expected country, expected admin1 or None)
        ("The sheriff in Moscow, Idaho asked for help.", [("Moscow", "US", "Idaho"), ("Idaho", "US", "Idaho")]),
        ("Talks in Moscow ended without a deal.", [("Moscow", "RU", None)]),
        # a gold span is resolved even where the parser alone drops the name as too weak
        (
            TEXAS,
            [
                ("Dallas", "US", "Texas"),
                ("Tyler", "US", "Texas"),
                ("Sulphur Springs", "US", "Texas"),
                ("Paris", "US", "Texas"),
            ],
        ),
        # a span larger than the name falls back to the name inside it
        ("Flooding hit the Tbilisi area overnight.", [("the Tbilisi area", "GE", None)]),
        ("Russian troops crossed the river.", [("Russian", "RU", None)]),
    ],
)
def test_resolve_spans(geoparser, text, gold):
    places = geoparser.resolve_spans(text, [span_of(text, words) for words, _, _ in gold])
    assert len(places) == len(gold)
    for place, (words, country, admin1) in zip(places, gold, strict=True):
        assert place is not None, words
        assert place.country == country, (words, place)
        if admin1 is not None:
            assert place.admin1 == admin1, (words, place)


def test_resolve_spans_keeps_order_and_gives_none_for_non_places(geoparser):
    text = "Reporters in Lyon and Marseille watched the parade."
    spans = [span_of(text, "Marseille"), span_of(text, "watched"), span_of(text, "Lyon")]
    places = geoparser.resolve_spans(text, spans)
    assert len(places) == 3
    assert places[0] is not None and places[0].name == "Marseille" and places[0].country == "FR"
    assert places[1] is None
    assert places[2] is not None and places[2].name == "Lyon"
    assert geoparser.resolve_spans(text, []) == []


@pytest.mark.parametrize("bad", [b"Paris is big.", 123, None])
def test_an_article_text_that_is_no_str_is_named_with_what_to_do(geoparser, bad: object) -> None:
    with pytest.raises(InputTypeError, match=rf"article 'text': its text is a {type(bad).__name__}, not a str; pass"):
        geoparser.parse_text(bad)
