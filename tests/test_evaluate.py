"""Tests for geo.evaluate.geoparsing: corpus readers, counting rules and the run loops."""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from geo.errors import InputError
from geo.evaluate.geoparsing import (
    LEVELS,
    MAX_ERROR_KM,
    GoldArticle,
    GoldToponym,
    Prediction,
    evaluate,
    evaluate_gold_spans,
    feature_level,
    haversine_km,
    read_corpus,
    score,
    score_gold_spans,
)

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KM_PER_DEGREE = 2 * math.pi * 6371.0088 / 360  # along the equator


def write(tmp_path: Path, name: str, xml: str) -> Path:
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- tiny corpora

LGL_TEXT = "Alexandria man held. Police in Rapides Parish and Pineville said."
LGL = f"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="111">
    <feedid>1</feedid>
    <title>Alexandria man held</title>
    <url>http://example.invalid/a</url>
    <dltime>2009-03-20 12:24:52.002364-05</dltime>
    <text><![CDATA[{LGL_TEXT}]]></text>
    <toponyms count="3">
      <toponym>
        <start>31</start><end>45</end><phrase>Rapides Parish</phrase>
        <gaztag geonameid="4338356"><name>Rapides Parish</name><fclass>A</fclass><fcode>ADM2</fcode>
          <lat>31.1669</lat><lon>-92.4835</lon>
          <country geonameid="6252001">United States</country></gaztag>
      </toponym>
      <toponym>
        <start>0</start><end>10</end><phrase>Alexandria</phrase>
        <gaztag geonameid="4314550"><name>Alexandria</name><lat>31.3113</lat><lon>-92.4451</lon></gaztag>
      </toponym>
      <toponym>
        <start>50</start><end>59</end><phrase>Pineville</phrase>
      </toponym>
    </toponyms>
  </article>
  <article docid="222">
    <title>Nothing here</title>
    <dltime>2009-04-01 08:00:00-05</dltime>
    <text>No places at all.</text>
    <toponyms count="0"></toponyms>
  </article>
</articles>
"""


def test_lgl_reader_reads_fields_and_leaves_out_toponyms_without_gaztag(tmp_path: Path) -> None:
    articles = list(read_corpus(write(tmp_path, "lgl.xml", LGL)))
    assert [a.id for a in articles] == ["111", "222"]
    first = articles[0]
    assert first.text == LGL_TEXT
    assert first.title == "Alexandria man held"
    assert first.published == dt.date(2009, 3, 20)
    # Sorted by position; Pineville has no gaztag and is not gold.
    assert first.toponyms == (
        GoldToponym(0, 10, "Alexandria", 31.3113, -92.4451),
        GoldToponym(31, 45, "Rapides Parish", 31.1669, -92.4835),
    )
    assert all(first.text[g.start : g.end] == g.name for g in first.toponyms)
    assert articles[1].toponyms == ()
    assert articles[1].published == dt.date(2009, 4, 1)


TR_TEXT = "Talks in Ankara ended on Monday."
TR_NEWS = f"""<articles>
  <article docid="tr-7">
    <feedid>9</feedid>
    <title>Talks end</title>
    <domain>example.invalid</domain>
    <dltime>2016-11-05 21:10:00</dltime>
    <text>{TR_TEXT}</text>
    <toponyms>
      <toponym>
        <start>9</start><end>15</end><phrase>Ankara</phrase>
        <gaztag geonameid="323786"><name>Ankara</name><lat>39.91987</lat><lon>32.85427</lon></gaztag>
      </toponym>
    </toponyms>
  </article>
</articles>
"""


def test_tr_news_reads_with_the_lgl_reader_and_dates_from_dltime(tmp_path: Path) -> None:
    (article,) = read_corpus(write(tmp_path, "trnews.xml", TR_NEWS))
    assert article.id == "tr-7"
    assert article.published == dt.date(2016, 11, 5)
    assert article.toponyms == (GoldToponym(9, 15, "Ankara", 39.91987, 32.85427),)


GV_TEXT = "Hogs were culled in Pandi, Bulacan. Officials in Pandi said Luzon is safe."
#          0         1         2         3         4         5         6         7
#          0123456789012345678901234567890123456789012345678901234567890123456789012345
GEOVIRUS = f"""<articles>
    <article>
        <source>https://example.invalid/story</source>
        <text>{GV_TEXT}</text>
        <locations>
            <location>
                <name>Pandi</name><start>21</start><end>26</end>
                <lat>14.87</lat><lon>120.95</lon><page>https://example.invalid/Pandi</page>
            </location>
            <location>
                <name>Bulacan</name><start>27</start><end>34</end>
                <lat>15</lat><lon> 121.08</lon><page>https://example.invalid/Bulacan</page>
            </location>
            <location>
                <name>Pandi</name><start>49</start><end>54</end>
                <lat>14.87</lat><lon>120.95</lon><page>https://example.invalid/Pandi</page>
            </location>
            <location>
                <name>Mindanao</name><start>60</start><end>65</end>
                <lat>8.0</lat><lon>125.0</lon><page>https://example.invalid/Mindanao</page>
            </location>
        </locations>
    </article>
    <!--<article><text></text><locations><location><name></name></location></locations></article>-->
    <article>
        <source>https://example.invalid/story</source>
        <text>Second part, no places.</text>
        <locations></locations>
    </article>
</articles>
"""


def test_geovirus_reader_reanchors_late_offsets_on_the_name(tmp_path: Path) -> None:
    articles = list(read_corpus(write(tmp_path, "GeoVirus.xml", GEOVIRUS)))
    # The commented-out template is not an article; ids are unique although sources repeat.
    assert len(articles) == 2
    assert articles[0].id != articles[1].id
    first = articles[0]
    assert first.published is None
    assert first.title == ""
    spans = [(g.start, g.end, g.name) for g in first.toponyms]
    assert spans == [
        (20, 25, "Pandi"),  # one late -> moved back
        (27, 34, "Bulacan"),  # already right -> kept
        (49, 54, "Pandi"),  # already right
        (60, 65, "Mindanao"),  # name not near the offsets -> offsets kept
    ]
    for g in first.toponyms[:3]:
        assert first.text[g.start : g.end] == g.name
    # A padded coordinate is still a coordinate.
    assert first.toponyms[1].lon == pytest.approx(121.08)
    assert articles[1].toponyms == ()


def test_reanchoring_prefers_the_nearest_occurrence(tmp_path: Path) -> None:
    text = "Po Po river"  # "Po" at 0 and 3; the given start 4 is one from 3, four from 0
    xml = f"""<articles><article><text>{text}</text><locations><location>
        <name>Po</name><start>4</start><end>6</end><lat>45</lat><lon>12</lon>
        </location></locations></article></articles>"""
    (article,) = read_corpus(write(tmp_path, "gv.xml", xml))
    assert (article.toponyms[0].start, article.toponyms[0].end) == (3, 5)


GWN_TEXT = "Flooding hit Lyon and the Rhone valley near Vienne."
GEOWEBNEWS = f"""<articles>
  <article id="gwn-1">
    <text>{GWN_TEXT}</text>
    <toponyms>
      <Literal>
        <toponym>
          <extractedName>Lyon</extractedName><start>13</start><end>17</end>
          <latitude>45.75</latitude><longitude>4.85</longitude>
        </toponym>
      </Literal>
      <toponym>
        <extractedName>Rhone</extractedName><start>26</start><end>31</end>
        <latitude></latitude><longitude></longitude>
      </toponym>
      <toponym>
        <extractedName>Vienne</extractedName><start>44</start><end>50</end>
        <latitude>45.52</latitude><longitude>4.87</longitude>
      </toponym>
    </toponyms>
  </article>
</articles>
"""


def test_geowebnews_reader_finds_nested_toponyms_and_skips_those_without_coordinates(tmp_path: Path) -> None:
    (article,) = read_corpus(write(tmp_path, "GeoWebNews.xml", GEOWEBNEWS))
    assert article.id == "gwn-1"
    assert article.toponyms == (
        GoldToponym(13, 17, "Lyon", 45.75, 4.85),
        GoldToponym(44, 50, "Vienne", 45.52, 4.87),
    )


# ----------------------------------------------------------------------------- bad input


def test_malformed_xml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.xml", "<articles><article><text>Paris</article></articles>")
    with pytest.raises(InputError, match=r"broken\.xml") as info:
        list(read_corpus(path))
    assert "not well-formed" in str(info.value)


@pytest.mark.parametrize(
    "xml",
    [
        "<docs><doc><body>Paris</body></doc></docs>",  # no <article>
        "<articles><article><body>Paris</body></article></articles>",  # no <text>
        "<articles><article><text>Paris</text><entities/></article></articles>",  # no annotations
    ],
)
def test_unknown_layout_names_the_file_and_the_known_formats(tmp_path: Path, xml: str) -> None:
    path = write(tmp_path, "odd.xml", xml)
    with pytest.raises(InputError, match=r"odd\.xml") as info:
        list(read_corpus(path))
    message = str(info.value)
    assert "unknown corpus layout" in message
    for known in ("LGL", "TR-News", "GeoVirus", "GeoWebNews"):
        assert known in message


def test_missing_file_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.xml"):
        read_corpus(tmp_path / "nope.xml")


def test_non_numeric_coordinates_are_an_input_error(tmp_path: Path) -> None:
    xml = LGL.replace("<lat>31.3113</lat>", "<lat>north</lat>")
    with pytest.raises(InputError, match=r"article 111.*Alexandria"):
        list(read_corpus(write(tmp_path, "lgl.xml", xml)))


def test_span_outside_the_text_is_an_input_error(tmp_path: Path) -> None:
    xml = LGL.replace(
        "<start>50</start><end>59</end><phrase>Pineville</phrase>",
        "<start>50</start><end>590</end><phrase>Pineville</phrase><gaztag><lat>31.3</lat><lon>-92.4</lon></gaztag>",
    )
    with pytest.raises(InputError, match="outside"):
        list(read_corpus(write(tmp_path, "lgl.xml", xml)))


# ----------------------------------------------------------------------------- counting


def test_haversine_known_distances() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(KM_PER_DEGREE)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(180 * KM_PER_DEGREE)
    # Paris - London, about 344 km.
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=1.0)
    assert haversine_km(10, 20, 10, 20) == 0.0


def _table() -> tuple[list[GoldArticle], list[list[Prediction]]]:
    a = GoldArticle(
        "A",
        "x" * 50,
        None,
        "",
        (
            GoldToponym(0, 5, "g1", 0.0, 0.0),
            GoldToponym(10, 15, "g2", 0.0, 10.0),
            GoldToponym(20, 25, "g3", 0.0, 20.0),
            GoldToponym(30, 34, "g4", 45.0, 0.0),
        ),
    )
    pa = [
        Prediction(5, 9, 0.0, 0.0),  # touches g1 at 5: no overlap -> wrong, g1 not found
        Prediction(12, 22, 0.0, 10.5),  # overlaps g2 and g3: one correct prediction, two found
        Prediction(21, 23, 0.0, 20.0),  # overlaps g3 exactly on the point
        Prediction(40, 44, 45.0, 0.0),  # no gold there -> wrong
    ]
    b = GoldArticle("B", "y" * 10, None, "", (GoldToponym(0, 6, "h1", 0.0, 0.0),))
    pb = [
        Prediction(0, 6, 0.0, 3.0),  # 3 degrees off
        Prediction(0, 3, 0.0, 2.0),  # 2 degrees off: the smaller error counts
    ]
    c = GoldArticle("C", "z" * 10, None, "", (GoldToponym(0, 4, "k1", 0.0, 0.0),))
    return [a, b, c], [pa, pb, []]


def test_score_hand_computed_table() -> None:
    gold, predictions = _table()
    s = score(gold, predictions)
    assert s.articles == 3
    assert s.gold == 6
    assert s.predictions == 6
    assert s.correct_predictions == 4  # [12,22), [21,23), both of B
    assert s.found_gold == 3  # g2, g3, h1
    assert s.precision == pytest.approx(4 / 6)
    assert s.recall == pytest.approx(3 / 6)
    assert s.f1 == pytest.approx(2 * (4 / 6) * (3 / 6) / (4 / 6 + 3 / 6))
    # Errors: g2 0.5 degree, g3 0 (best of 9.5 and 0 degrees), h1 2 degrees.
    errors = [0.5 * KM_PER_DEGREE, 0.0, 2 * KM_PER_DEGREE]
    assert s.accuracy_161 == pytest.approx(2 / 3)
    assert s.end_to_end_accuracy_161 == pytest.approx(2 / 6)
    assert s.median_km == pytest.approx(0.5 * KM_PER_DEGREE)
    assert s.mean_km == pytest.approx(sum(errors) / 3)
    expected_auc = sum(math.log(1 + e) for e in errors) / (3 * math.log(1 + 20039))
    assert s.auc == pytest.approx(expected_auc)
    assert s.gold_spans is False
    assert s.failures == 0


def test_touching_spans_do_not_overlap_but_one_shared_character_does() -> None:
    gold = [GoldArticle("T", "x" * 20, None, "", (GoldToponym(0, 5, "a", 0.0, 0.0),))]
    assert score(gold, [[Prediction(5, 9, 0.0, 0.0)]]).found_gold == 0
    assert score(gold, [[Prediction(4, 9, 0.0, 0.0)]]).found_gold == 1


def test_zero_predictions_and_zero_gold_report_zero() -> None:
    empty = score([], [])
    assert (empty.precision, empty.recall, empty.f1, empty.accuracy_161, empty.median_km, empty.auc) == (
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    )
    gold = [GoldArticle("G", "Paris", None, "", (GoldToponym(0, 5, "Paris", 48.85, 2.35),))]
    s = score(gold, [[]])
    assert (s.predictions, s.precision, s.recall, s.f1, s.accuracy_161) == (0, 0.0, 0.0, 0.0, 0.0)
    no_gold = [GoldArticle("N", "Paris", None, "", ())]
    s = score(no_gold, [[Prediction(0, 5, 48.85, 2.35)]])
    assert (s.precision, s.recall, s.end_to_end_accuracy_161) == (0.0, 0.0, 0.0)


def test_score_rejects_a_prediction_list_per_article_mismatch() -> None:
    gold, predictions = _table()
    with pytest.raises(InputError, match="one list"):
        score(gold, predictions[:2])


def test_score_gold_spans_counts_misses_at_max_error_over_all_gold() -> None:
    gold, _ = _table()
    answers = [
        [Prediction(0, 0, 0.0, 0.0), None, Prediction(0, 0, 0.0, 21.0), Prediction(0, 0, 45.0, 0.0)],
        [Prediction(0, 0, 0.0, 2.0)],
        [None],
    ]
    s = score_gold_spans(gold, answers)
    assert s.gold_spans is True
    assert (s.gold, s.predictions, s.found_gold) == (6, 4, 4)
    # g1, g4 exact and g3 1 degree (111 km) off are within 161 km; h1 is 222 km off; two misses.
    assert s.accuracy_161 == pytest.approx(3 / 6)
    assert s.end_to_end_accuracy_161 == pytest.approx(3 / 6)
    errors = [0.0, MAX_ERROR_KM, KM_PER_DEGREE, 0.0, 2 * KM_PER_DEGREE, MAX_ERROR_KM]
    assert s.median_km == pytest.approx((KM_PER_DEGREE + 2 * KM_PER_DEGREE) / 2)
    assert s.mean_km == pytest.approx(sum(errors) / 6)
    assert s.auc == pytest.approx(sum(math.log1p(e) for e in errors) / (6 * math.log1p(20039)))
    with pytest.raises(InputError, match="one answer"):
        score_gold_spans(gold, [answers[0][:3], answers[1], answers[2]])


# ----------------------------------------------------------------------------- run loops


def test_evaluate_survives_a_failing_article_and_names_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, "lgl.xml", LGL)

    def parse(article: GoldArticle) -> list[Prediction]:
        if article.id == "222":
            raise RuntimeError("boom")
        # Alexandria right, Rapides Parish 2 degrees off, and a wrong mention.
        return [
            Prediction(0, 10, 31.3113, -92.4451),
            Prediction(31, 38, 33.1669, -92.4835),
            Prediction(21, 27, 0.0, 0.0),
        ]

    with caplog.at_level(logging.WARNING, logger="geo.evaluate.geoparsing"):
        s = evaluate(path, parse)
    assert s.failures == 1
    assert any("222" in r.getMessage() and "boom" in r.getMessage() for r in caplog.records)
    assert s.corpus == "lgl.xml"
    assert (s.articles, s.gold, s.predictions, s.correct_predictions, s.found_gold) == (2, 2, 3, 2, 2)
    assert s.accuracy_161 == pytest.approx(0.5)
    assert s.seconds >= 0.0
    assert "1 failed" in s.format()


def test_evaluate_limit_and_mention_like_predictions(tmp_path: Path) -> None:
    path = write(tmp_path, "lgl.xml", LGL)
    calls: list[str] = []

    def parse(article: GoldArticle) -> list[SimpleNamespace]:
        calls.append(article.id)
        return [SimpleNamespace(start=0, end=10, place=SimpleNamespace(lat=31.3, lon=-92.4))]

    s = evaluate(path, parse, limit=1)
    assert calls == ["111"]
    assert (s.articles, s.gold, s.found_gold, s.failures) == (1, 2, 1, 0)
    assert s.accuracy_161 == 1.0
    with pytest.raises(InputError, match="limit"):
        evaluate(path, parse, limit=-1)


def test_evaluate_gold_spans_gives_the_spans_and_scores_over_all_gold(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "GeoWebNews.xml", GEOWEBNEWS)
    seen: list[list[str]] = []

    def resolve(article: GoldArticle) -> list[Prediction | None]:
        seen.append([g.name for g in article.toponyms])
        return [Prediction(g.start, g.end, g.lat, g.lon) if g.name == "Lyon" else None for g in article.toponyms]

    s = evaluate_gold_spans(path, resolve)
    assert seen == [["Lyon", "Vienne"]]
    assert s.gold_spans is True
    assert (s.gold, s.predictions, s.accuracy_161) == (2, 1, 0.5)
    assert s.median_km == pytest.approx(MAX_ERROR_KM / 2)
    assert "gold spans" in s.format()

    with caplog.at_level(logging.WARNING, logger="geo.evaluate.geoparsing"):
        s = evaluate_gold_spans(path, lambda a: [None])  # one answer for two toponyms
    assert s.failures == 1
    assert any("gwn-1" in r.getMessage() for r in caplog.records)
    assert s.accuracy_161 == 0.0


def test_scores_as_dict_and_format() -> None:
    gold, predictions = _table()
    s = score(gold, predictions)
    d = s.as_dict()
    assert d["gold"] == 6
    assert d["failures"] == 0
    assert set(d) >= {
        "precision",
        "recall",
        "f1",
        "accuracy_161",
        "end_to_end_accuracy_161",
        "median_km",
        "mean_km",
        "auc",
        "seconds",
        "articles_per_second",
        "gold_spans",
    }
    text = s.format()
    assert "precision" in text and "0.667" in text
    assert "end to end" in text


# ----------------------------------------------------------------------------- real corpora


@pytest.mark.corpora
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")
@pytest.mark.parametrize(
    ("name", "articles", "gold"),
    [
        ("lgl.xml", 588, 4462),
        # The corpus README says 2,167; the file has 2,170 <location> elements with
        # coordinates. The 3 extra are "Goz Beida" (Chad), whose <lon> is " 21.41" with a
        # leading space: valid coordinates, so they are gold by the README's own rule.
        ("GeoVirus.xml", 229, 2170),
    ],
)
def test_real_corpora_counts(name: str, articles: int, gold: int) -> None:
    corpus = list(read_corpus(CORPORA / name))
    assert len(corpus) == articles
    assert sum(len(a.toponyms) for a in corpus) == gold
    assert len({a.id for a in corpus}) == articles
    # After re-anchoring every gold span frames its name.
    assert all(a.text[g.start : g.end] == g.name for a in corpus for g in a.toponyms)


def test_corpus_format_reads_the_first_annotated_article(tmp_path: Path) -> None:
    from geo.evaluate.geoparsing import corpus_format

    assert corpus_format(write(tmp_path, "lgl.xml", LGL)) == "LGL"
    assert corpus_format(write(tmp_path, "gv.xml", GEOVIRUS)) == "GeoVirus"
    assert corpus_format(write(tmp_path, "gwn.xml", GEOWEBNEWS)) == "GeoWebNews"
    with pytest.raises(InputError, match="not found"):
        corpus_format(tmp_path / "missing.xml")
    with pytest.raises(InputError, match="no annotated <article>"):
        corpus_format(write(tmp_path, "empty.xml", "<articles><article><text>x</text></article></articles>"))


# ----------------------------------------------------------------------------- entities and levels


def test_lgl_reader_keeps_the_geonames_id_and_feature_code(tmp_path: Path) -> None:
    first = next(read_corpus(write(tmp_path, "lgl.xml", LGL)))
    by_name = {t.name: t for t in first.toponyms}
    assert (by_name["Rapides Parish"].geonameid, by_name["Rapides Parish"].feature_code) == ("4338356", "ADM2")
    assert (by_name["Alexandria"].geonameid, by_name["Alexandria"].feature_code) == ("4314550", "")


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("PCLI", "country"),
        ("PCLS", "country"),
        ("ADM1", "division"),
        ("ADM1H", "division"),
        ("ADM2", "county"),
        ("PPL", "populated place"),
        ("PPLC", "populated place"),
        ("STM", "other"),
        ("ADMD", "other"),
        (None, "none"),
    ],
)
def test_feature_levels(code: str | None, level: str) -> None:
    assert feature_level(code) == level and level in LEVELS


def _entity_gold() -> list[GoldArticle]:
    text = "x" * 40
    toponyms = (
        GoldToponym(0, 5, "Town", 0.0, 0.0, geonameid="11", feature_code="PPL"),
        GoldToponym(10, 15, "County", 0.0, 10.0, geonameid="22", feature_code="ADM2"),
        GoldToponym(20, 25, "Land", 0.0, 20.0, geonameid="33", feature_code="PCLI"),
        GoldToponym(30, 35, "Hill", 0.0, 30.0),  # no id, no feature code (GeoVirus-like)
    )
    return [GoldArticle("E", text, None, "", toponyms)]


def test_accuracy_by_geonames_id_tells_the_entity_from_the_point() -> None:
    preds = [
        [
            Prediction(0, 5, 0.0, 0.0, None, "11", "PPL"),  # right entity, right point
            Prediction(10, 15, 0.0, 10.5, None, "99", "PPL"),  # the county's town: near, wrong entity
            Prediction(20, 25, 0.0, 25.0, None, "33", "PCLI"),  # right country, another conventional point
            Prediction(30, 35, 40.0, 30.0, None, "curated:hill", "MT"),  # far off, and the gold names no id
        ]
    ]
    s = score(_entity_gold(), preds)
    assert (s.id_gold, s.id_correct, s.id_right_far, s.id_wrong_near) == (3, 2, 1, 1)
    assert s.id_accuracy == pytest.approx(2 / 3)
    assert s.errors_by_level == {
        "populated place": {"toponyms": 2, "errors": 0},
        "country": {"toponyms": 1, "errors": 1},
        "other": {"toponyms": 1, "errors": 1},
    }
    # Only gold with a feature code enters the gold -> predicted table.
    assert s.error_levels == {"country": {"country": 1}}
    text = s.format()
    assert "accuracy by GeoNames id   0.667 (2 of 3 gold with an id" in text
    assert "right entity > 161 km 1, other entity <= 161 km 1" in text
    assert "errors gold -> predicted" in text
    data = s.as_dict()
    assert data["id_accuracy"] == pytest.approx(2 / 3) and data["error_levels"] == {"country": {"country": 1}}


def test_a_parser_that_names_no_place_ids_gets_no_id_figures() -> None:
    s = score(_entity_gold(), [[Prediction(0, 5, 0.0, 0.0), Prediction(10, 15, 0.0, 10.0)]])
    assert (s.id_gold, s.id_accuracy, s.errors_by_level, s.error_levels) == (0, 0.0, {}, {})
    assert "GeoNames id" not in s.format() and "errors by level" not in s.format()


def test_the_nearest_overlapping_prediction_is_the_one_judged() -> None:
    preds = [[Prediction(0, 5, 0.0, 50.0, None, "11", "PPL"), Prediction(0, 3, 0.0, 0.1, None, "77", "ADM2")]]
    s = score(_entity_gold(), preds)
    assert (s.id_gold, s.id_correct, s.id_wrong_near) == (1, 0, 1)
    assert s.errors_by_level == {"county": {"toponyms": 1, "errors": 0}}


def test_gold_span_mode_counts_no_answer_as_a_wrong_entity_of_level_none() -> None:
    answers = [
        [
            None,
            Prediction(10, 15, 0.0, 10.0, None, "22", "ADM2"),
            Prediction(20, 25, 30.0, 20.0, None, "44", "PPL"),
            None,
        ]
    ]
    s = score_gold_spans(_entity_gold(), answers)
    assert (s.id_gold, s.id_correct, s.id_right_far, s.id_wrong_near) == (3, 1, 0, 0)
    assert s.errors_by_level["none"] == {"toponyms": 2, "errors": 2}
    assert s.error_levels == {"populated place": {"none": 1}, "country": {"populated place": 1}}


def test_predictions_from_mentions_carry_the_place_id_and_feature_code(tmp_path: Path) -> None:
    path = write(tmp_path, "lgl.xml", LGL)

    def parse(article: GoldArticle) -> list[Prediction]:
        place = SimpleNamespace(lat=31.3113, lon=-92.4451, id="4314550", feature_code="PPL")
        return [Prediction.from_mention(SimpleNamespace(start=0, end=10, place=place))] if article.toponyms else []

    s = evaluate(path, parse)
    assert (s.id_gold, s.id_correct) == (1, 1)
    assert s.errors_by_level == {"populated place": {"toponyms": 1, "errors": 0}}
