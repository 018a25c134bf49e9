"""Pure tests of geo.maps.mapdata: dates, windows, aggregation, escaping, demonyms."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from mapfixtures import HOSTILE_SENTENCE, HOSTILE_TITLE, mention, story

from geo.errors import InputError
from geo.maps.mapdata import (
    build_map_data,
    day_to_iso,
    default_window_days,
    draw_class,
    features,
    iso_to_day,
    page_payload,
    parse_window,
    playback_step_days,
    read_page_payload,
    to_script_json,
)


def feats(data):
    return features(data)


def by_name(data, name):
    return [p for p in feats(data) if p["name"] == name]


def test_dates_sort_by_calendar_across_1965_2001_2025():
    data = build_map_data(story(), window="P1D")
    dated = [p["date"] for p in feats(data) if p["date"]]
    assert dated == sorted(dated)
    assert dated[0] == "1965-03-01"
    assert dated[-1] == "2025-11-08"
    # 2001-09-09 is where epoch seconds gain a digit: string-sorting seconds breaks here.
    sept = [d for d in dated if d.startswith("2001-09")]
    assert sept == ["2001-09-08", "2001-09-09", "2001-09-10", "2001-09-10"]
    assert data["domain"] == {"min": "1965-03-01", "max": "2025-11-08", "step": "P1D"}


def test_day_numbers_are_ordinals_not_epoch():
    assert iso_to_day("1965-03-01") < iso_to_day("2001-09-08") < iso_to_day("2001-09-10") < iso_to_day("2025-01-01")
    assert iso_to_day("0001-01-01") == 1
    assert day_to_iso(iso_to_day("1900-02-28") + 1) == "1900-03-01"  # 1900 is no leap year
    assert day_to_iso(iso_to_day("2000-02-28") + 1) == "2000-02-29"


@pytest.mark.parametrize(
    ("window", "days"),
    [
        ("P7D", 7),
        ("7D", 7),
        ("7 days", 7),
        ("1 day", 1),
        ("P2W", 14),
        ("3 weeks", 21),
        ("P1M", 30),
        ("1 year", 365),
        (dt.timedelta(days=3), 3),
        (dt.timedelta(hours=1), 1),
        (dt.timedelta(days=1, hours=1), 2),
        (5, 5),
        (None, None),
    ],
)
def test_parse_window(window, days):
    assert parse_window(window) == days


@pytest.mark.parametrize("bad", ["soon", "P0D", "-3D", dt.timedelta(0), 0, "7 fortnights", True])
def test_parse_window_rejects_with_the_choices(bad):
    with pytest.raises(InputError, match="window"):
        parse_window(bad)


def test_default_window_scales_with_span_and_is_capped():
    assert default_window_days(0) == 1
    assert default_window_days(9) == 1
    assert default_window_days(25) == 3
    assert default_window_days(365) == 45
    assert default_window_days(60 * 365) == 90


def test_until_is_date_plus_window():
    data = build_map_data(story(), window="P30D")
    paris = by_name(data, "Paris")[0]
    assert (paris["date"], paris["until"]) == ("1965-03-01", "1965-03-31")
    assert data["window"] == {"days": 30, "iso": "P30D", "source": "given"}


def test_default_window_recorded_as_default():
    data = build_map_data(story())
    assert data["window"]["source"] == "default"
    assert data["window"]["days"] == 90  # 60 years of span


def test_published_fallback_and_undated_group():
    data = build_map_data(story(), window="P1D")
    istanbul = by_name(data, "Istanbul")[0]
    assert istanbul["date"] == "2023-10-04"
    assert istanbul["snippets"][0]["source"] == "published"
    tbilisi = by_name(data, "Tbilisi")[0]
    assert tbilisi["date"] is None and tbilisi["until"] is None
    assert data["stats"]["undated"] == 1
    # Undated features come after every dated one.
    assert feats(data)[-1]["name"] == "Tbilisi"
    nodate = next(a for a in data["articles"] if a["id"] == "nodate")
    assert nodate["label"] == "No dates at all (undated)"


def test_dates_accept_date_datetime_and_iso_with_time():
    rows = [
        mention("d", "T", "A", "1", "PPL", "FR", 1.0, 1.0, dt.date(1965, 3, 1), "At A."),
        mention("d", "T", "B", "2", "PPL", "FR", 2.0, 2.0, dt.datetime(2001, 9, 9, 23, 59), "At B."),
        mention("d", "T", "C", "3", "PPL", "FR", 3.0, 3.0, "2025-01-02T10:00:00Z", "At C."),
    ]
    data = build_map_data(rows)
    assert [p["date"] for p in feats(data)] == ["1965-03-01", "2001-09-09", "2025-01-02"]


def test_bad_date_names_the_row():
    rows = [mention("doc9", "T", "A", "1", "PPL", "FR", 1.0, 1.0, "1 March 1965", "At A.")]
    with pytest.raises(InputError, match=r"mention #0 \(doc 'doc9'\).*date='1 March 1965'"):
        build_map_data(rows)


def test_out_of_range_coordinates_are_an_error():
    rows = [mention("d", "T", "A", "1", "PPL", "FR", 95.0, 1.0, "2020-01-01", "At A.")]
    with pytest.raises(InputError, match="swapped"):
        build_map_data(rows)


def test_unresolved_rows_are_skipped_and_counted():
    rows = [*story(), mention("x", "T", "Nowhere", "", "", "", None, None, "2020-01-01", "In Nowhere.")]
    data = build_map_data(rows)
    assert data["stats"]["skipped"] == 1
    assert not by_name(data, "Nowhere")


def test_missing_doc_is_an_error():
    row = mention("d", "T", "A", "1", "PPL", "FR", 1.0, 1.0, "2020-01-01", "At A.")
    row["doc"] = None
    with pytest.raises(InputError, match="doc"):
        build_map_data([row])


def test_aggregates_by_place_and_day_keeping_every_sentence():
    rows = [
        mention(f"doc{i % 4}", f"T{i % 4}", "Baku", "587084", "PPLC", "AZ", 40.38, 49.89, "2023-09-17",
                f"Sentence {i} about Baku.", score=i / 100)
        for i in range(50)
    ]  # fmt: skip
    rows.append(mention("doc0", "T0", "Baku", "587084", "PPLC", "AZ", 40.38, 49.89, "2023-09-18", "Next day in Baku."))
    data = build_map_data(rows)
    baku = by_name(data, "Baku")
    assert [p["count"] for p in baku] == [50, 1]
    # Every mention keeps its sentence (a popup can quote each of them), each sentence stored once.
    assert len(baku[0]["snippets"]) == 50
    assert len({s["s"] for s in baku[0]["snippets"]}) == 50
    assert sum(c for _, c in baku[0]["docs"]) == 50
    assert len(baku[0]["docs"]) == 4
    assert [s["score"] for s in baku[0]["snippets"][:3]] == [0.49, 0.48, 0.47]
    summary = next(p for p in data["places"] if p["name"] == "Baku")
    assert (summary["count"], summary["first"], summary["last"], summary["articles"]) == (
        51,
        "2023-09-17",
        "2023-09-18",
        4,
    )


def test_highlight_offsets_are_utf16_and_point_at_the_mention():
    data = build_map_data(story())
    lisbon = by_name(data, "Lisbon")[0]["snippets"][0]
    sentence = data["sentences"][lisbon["s"]]
    units = sentence.encode("utf-16-le")
    assert units[2 * lisbon["a"] : 2 * lisbon["b"]].decode("utf-16-le") == "Lisbon"
    # The emoji after the mention takes two UTF-16 units; the offsets before it are unaffected.
    assert lisbon["a"] == sentence.index("Lisbon")


def test_highlight_falls_back_to_search_when_offsets_disagree():
    row = mention("d", "T", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-01", "Troops left Baku today.")
    row["sentence_start"] = 0  # offsets now point elsewhere
    data = build_map_data([row])
    snip = feats(data)[0]["snippets"][0]
    assert data["sentences"][snip["s"]][snip["a"] : snip["b"]] == "Baku"


def test_long_sentences_are_cut_around_the_mention():
    sentence = "x" * 1000 + " Baku " + "y" * 1000
    data = build_map_data([mention("d", "T", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-01", sentence)])
    snip = feats(data)[0]["snippets"][0]
    kept = data["sentences"][snip["s"]]
    assert len(kept) <= 402
    assert kept.startswith("\u2026") and kept.endswith("\u2026")
    assert kept[snip["a"] : snip["b"]] == "Baku"


def test_text_is_kept_raw_and_escaped_only_for_script_embedding():
    data = build_map_data(story())
    assert HOSTILE_SENTENCE in data["sentences"]
    assert any(a["title"] == HOSTILE_TITLE for a in data["articles"])
    text = to_script_json(data)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == data


def test_script_json_escapes_line_separators_and_refuses_nan():
    text = to_script_json({"s": "a\u2028b\u2029c</script>"})
    assert "\\u2028" in text and "\\u2029" in text and "\\u003c/script\\u003e" in text
    with pytest.raises(InputError, match="NaN"):
        to_script_json({"x": math.nan})


def test_lone_surrogates_do_not_break_json():
    row = mention("d", "T\ud800", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-01", "In Baku.")
    text = to_script_json(build_map_data([row]))
    text.encode("utf-8")


def test_demonym_is_drawn_on_the_country_not_the_capital():
    data = build_map_data(story())
    azeri = [p for p in feats(data) if p["class"] == "demonym" and p.get("shape") == "country:AZ"]
    assert len(azeri) == 1
    assert azeri[0]["name"] == "Azerbaijan"
    assert data["shapes"]["country:AZ"]["type"] in ("Polygon", "MultiPolygon")
    lat, lon = azeri[0]["lat"], azeri[0]["lon"]
    assert (round(lat, 3), round(lon, 3)) != (40.378, 49.892)  # not Baku
    # The capital's own count in the summary excludes the demonym.
    baku = next(p for p in data["places"] if p["name"] == "Baku")
    assert baku["count"] == 1


def test_demonym_of_a_country_place_uses_its_outline():
    data = build_map_data(story())
    us = [p for p in feats(data) if p["class"] == "demonym" and p["name"] == "United States"]
    assert us and us[0]["shape"] == "country:US"


def test_demonym_without_any_country_is_skipped_not_put_on_a_city():
    rows = [mention("d", "T", "Ruritanians", "9", "PPLC", "", 45.0, 15.0, "2020-01-01", "Ruritanians cheered.",
                    kind="demonym")]  # fmt: skip
    data = build_map_data(rows)
    assert data["stats"]["skipped"] == 1
    assert not feats(data)


def test_lines_keep_their_geometry_once():
    rows = [
        *story(),
        mention("karabakh", "Karabakh talks", "Lachin Corridor", "lachin", "RD", "AZ", 39.6, 46.5, "2023-09-20",
                "The Lachin Corridor reopened.", published="2023-10-04", geometry=None),
    ]  # fmt: skip
    data = build_map_data(rows)
    lachin = by_name(data, "Lachin Corridor")
    assert len(lachin) == 2 and lachin[0]["shape"] == lachin[1]["shape"]
    assert data["shapes"][lachin[0]["shape"]]["type"] == "LineString"
    assert lachin[0]["class"] == "line"


def test_shapely_geometry_and_missing_latlon():
    from shapely.geometry import Point, Polygon

    rows = [
        mention("d", "T", "Area", "a1", "RGN", "", None, None, "2020-01-01", "In Area.",
                geometry=Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])),
        mention("d", "T", "Spot", "p1", "PPL", "", None, None, "2020-01-01", "In Spot.", geometry=Point(5, 6)),
    ]  # fmt: skip
    data = build_map_data(rows)
    area, spot = by_name(data, "Area")[0], by_name(data, "Spot")[0]
    assert area["class"] == "area" and data["shapes"][area["shape"]]["type"] == "Polygon"
    assert "shape" not in spot
    place = next(p for p in data["places"] if p["name"] == "Spot")
    assert (place["lat"], place["lon"]) == (6.0, 5.0)


@pytest.mark.parametrize(
    ("kind", "code", "gtype", "cls"),
    [
        ("toponym", "PPLC", "Point", "city"),
        ("toponym", "PPL", "Point", "city"),
        ("toponym", "PCLI", "Point", "area"),
        ("toponym", "ADM1", "Point", "area"),
        ("toponym", "RGN", "Point", "area"),
        ("toponym", "RD", "Point", "line"),
        ("toponym", "PPL", "LineString", "line"),
        ("toponym", "", "MultiPolygon", "area"),
        ("toponym", "MT", "Point", "other"),
        ("demonym", "PPLC", "Point", "demonym"),
    ],
)
def test_draw_class(kind, code, gtype, cls):
    assert draw_class(kind, code, gtype) == cls


def test_dataframe_and_geodataframe_input_match_list_input():
    import geopandas as gpd
    import pandas as pd

    rows = story()
    df = pd.DataFrame(rows)
    assert feats(build_map_data(df)) == feats(build_map_data(rows))
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows).drop(columns=["geometry"]),
                           geometry=gpd.points_from_xy(df["lon"], df["lat"]))  # fmt: skip
    data = build_map_data(gdf)
    assert [p["date"] for p in feats(data)] == [p["date"] for p in feats(build_map_data(rows))]


def test_model_mentions_are_accepted():
    from geo.model import Mention, Place

    place = Place(id="587084", name="Baku", feature_class="P", feature_code="PPLC", country="AZ",
                  admin1="", population=0, lat=40.38, lon=49.89)  # fmt: skip
    m = Mention(doc="a", start=4, end=8, text="Baku", place=place, kind="toponym", score=0.8,
                sentence="Met Baku.", date=dt.date(2023, 9, 17), date_source="text", date_text="",
                published=None, title="T")  # fmt: skip
    data = build_map_data([m])
    snip = feats(data)[0]["snippets"][0]
    assert data["sentences"][snip["s"]][snip["a"] : snip["b"]] == "Baku"


def test_same_input_same_output():
    assert build_map_data(story()) == build_map_data(story())


def test_articles_are_layers_ordered_by_date_with_labels():
    data = build_map_data(story())
    ids = [a["id"] for a in data["articles"]]
    assert ids == ["old", "sept", "karabakh", "lisbon", "nodate"]
    assert data["articles"][1]["label"].endswith("(2001-09-12)")


def test_empty_input_gives_an_empty_map():
    data = build_map_data([])
    assert data["domain"] is None and data["bounds"] is None
    assert feats(data) == [] and data["mentions"]["day"] == []


def test_large_input_stays_small(tmp_path):
    # 20,000 mentions of 40 places over 100 days aggregate to at most 4,000 features.
    rows = [
        {"doc": f"d{i % 500}", "title": f"Article {i % 500}", "name": f"P{i % 40}", "id": str(i % 40),
         "feature": "PPL", "country": "FR", "lat": 40 + (i % 40) / 10, "lon": (i % 40) / 10,
         "date": day_to_iso(iso_to_day("2020-01-01") + i % 100), "text": f"P{i % 40}",
         "sentence": f"Sentence number {i} mentions P{i % 40}."}
        for i in range(20000)
    ]  # fmt: skip
    data = build_map_data(rows)
    assert data["stats"]["features"] <= 4000
    assert sum(p["count"] for p in feats(data)) == 20000
    assert len(to_script_json(data)) < 20000 * 120
    # In the page the repeated text compresses: far below the JSON.
    encoding, text = page_payload(data)
    assert encoding == "gzip-base64" and len(text) < len(to_script_json(data)) / 4
    assert read_page_payload(encoding, text) == data


def test_the_first_view_leaves_out_a_far_single_mention():
    caucasus = [
        mention(f"d{i}", "T", f"P{i}", f"p{i}", "PPL", "AM", 40.0 + i * 0.05, 44.5 + i * 0.05, "2023-09-19",
                f"In P{i}.")
        for i in range(30)
    ]  # fmt: skip
    far = mention("d0", "T", "Washington", "w", "PPLC", "US", 38.9, -77.0, "2023-09-19", "In Washington.")
    data = build_map_data([*caucasus, far])
    (south, west), (north, east) = data["focus_bounds"]
    assert west > 40 and south >= 40.0 and north <= 41.5  # the Caucasus only
    assert data["bounds"][0][1] == -77.0  # still on the map
    # Two halves of a story far apart both stay in view.
    halves = caucasus[:15] + [
        mention(f"u{i}", "T", f"U{i}", f"u{i}", "PPL", "US", 38.0, -77.0 - i * 0.1, "2023-09-19", f"In U{i}.")
        for i in range(15)
    ]  # fmt: skip
    (south, west), (north, east) = build_map_data(halves)["focus_bounds"]
    assert west < -77 and east > 44


def test_playback_step_follows_the_density_of_dates():
    assert playback_step_days([iso_to_day("2023-09-17"), iso_to_day("2023-09-19")], 3) == 1
    # Five years of daily news: a week a step would be 260 frames; a month is about 60.
    daily = list(range(iso_to_day("2020-01-01"), iso_to_day("2025-01-01")))
    assert playback_step_days(daily, 30) == 30
    # Two short bursts years apart: only the days with something to show count.
    bursts = [*range(iso_to_day("2020-10-01"), iso_to_day("2020-10-10")), iso_to_day("2025-11-08")]
    assert playback_step_days(bursts, 7) == 1
    data = build_map_data(story(), window="P3D")
    assert data["playback"]["step_days"] in (1, 7)


def test_url_source_and_role_reach_the_map_data():
    rows = [
        {**mention("a", "T", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-01", "In Baku."),
         "url": "https://www.example.org/news/1", "role": "place"},
        {**mention("b", "T", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-02", "Baku said."),
         "url": "javascript:alert(1)", "source": "wire", "role": "Actor"},
        mention("c", "T", "Baku", "1", "PPLC", "AZ", 40.0, 49.0, "2020-01-03", "In Baku again."),
    ]  # fmt: skip
    data = build_map_data(rows)
    arts = {a["id"]: a for a in data["articles"]}
    assert arts["a"]["url"] == "https://www.example.org/news/1" and arts["a"]["source"] == "example.org"
    assert "url" not in arts["b"] and arts["b"]["source"] == "wire"  # a script URL is never a link
    assert "url" not in arts["c"] and "source" not in arts["c"]
    roles = [data["codes"]["role"][r] for r in data["mentions"]["role"]]
    assert roles == ["place", "actor", "place"]  # no role given: a place
