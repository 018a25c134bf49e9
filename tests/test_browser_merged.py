"""The two halves of the map together, in real headless Chromium: the time layer (geo-time.js) over the
offline basemap and its figure mode (geo-basemap.js). Each test is a bug found after the merge."""

from __future__ import annotations

import os
from typing import Any

import pytest
from mapfixtures import boxes_overlap as overlaps
from mapfixtures import mention, open_map_page, story

from geo.maps.mapdata import build_map_data
from geo.maps.render import CHROMIUM_PATH, embed_fragment, save_map

try:
    import playwright.sync_api  # noqa: F401

    _NO_BROWSER = "" if os.access(CHROMIUM_PATH, os.X_OK) else f"no Chromium at {CHROMIUM_PATH}"
except ImportError:  # pragma: no cover - depends on the machine
    _NO_BROWSER = "Playwright is not installed (pip install playwright)"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(_NO_BROWSER), reason=_NO_BROWSER or "browser available")]

MAP = "Object.values(window.geoMaps)[0]"
TITLE = "Talks, 1965-2025"
# Ordinary rules of a report page's own stylesheet.
HOSTILE_CSS = "button{color:#fff;background:#000} label{font-weight:bold} *{box-sizing:content-box} div{line-height:3}"
# A rough outline of Armenia: a country area the data names itself.
ARMENIA = {"type": "Polygon", "coordinates": [[[43.5, 41.1], [45.0, 41.3], [46.6, 41.1], [46.5, 39.0],
                                                [46.0, 38.9], [44.8, 39.7], [43.5, 40.1], [43.5, 41.1]]]}  # fmt: skip

# Every visible basemap name and data label, as {text, kind, x, y, w, h} in page pixels.
_LABEL_BOXES = """() => [...document.querySelectorAll('.geo-base-label, .geo-label')].map((n) => {
    const r = n.getBoundingClientRect();
    return {text: n.textContent, kind: n.classList.contains('geo-label') ? 'data' : 'base',
            x: r.left, y: r.top, w: r.width, h: r.height};
  }).filter((b) => b.w > 0 && b.h > 0)"""


def mentions() -> list[dict[str, Any]]:
    return [
        *story(),
        mention("karabakh", "Karabakh talks", "Armenia", "174982", "PCLI", "AM", 40.2, 45.0, "2023-09-19",
                "Armenia asked for talks.", geometry=ARMENIA, published="2023-10-04"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def data() -> dict:
    return build_map_data(mentions(), window="P7D")


@pytest.fixture(scope="module")
def map_file(tmp_path_factory, data):
    return save_map(data, tmp_path_factory.mktemp("merged") / "map.html", offline=True, title=TITLE)


def label_boxes(w) -> list[dict]:
    return w.js(_LABEL_BOXES)


def settle(w) -> None:
    """Wait until the map has redrawn after a change of view or date."""
    w.page.wait_for_function("document.querySelector('.geo-map[data-geo-ready=\"1\"]')")
    w.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_an_embed_in_a_hostile_report_column_keeps_the_basemap_names(browser, data, tmp_path) -> None:
    # Both scripts used a pane named 'geo-labels': the data labels reused the basemap's box as one of
    # theirs and wiped its names, and the basemap set that pane under the data.
    page = tmp_path / "report.html"
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><style>{HOSTILE_CSS} main{{width:640px;margin:0 auto}}"
        f"</style></head><body><main><h1>Report</h1><p>Text.</p>{embed_fragment(data, offline=True, title=TITLE)}"
        "<p>More text.</p></main></body></html>",
        encoding="utf-8",
    )
    w = open_map_page(browser, page.as_uri(), viewport=(1000, 900))
    try:
        boxes = label_boxes(w)
        assert sum(b["kind"] == "base" for b in boxes) >= 5, boxes
        assert any(b["kind"] == "data" for b in boxes), boxes
        base, names, data_labels = w.js(
            f"""() => {{ const m = {MAP}.map; return [+m.getPane('geo-base').style.zIndex,
                 +m.getPane('geo-base-labels').style.zIndex, +m.getPane('geo-labels').style.zIndex]; }}"""
        )
        assert base < names < 400 < data_labels  # names under the data (overlay pane 400), data labels above
        w.check_clean()
    finally:
        w.page.close()


def test_a_figure_keeps_its_title_and_spells_the_date_out(browser, map_file) -> None:
    # The basemap's figure style hid every .geo-title (its own caption carries the title), but the time
    # layer draws its own caption in the title box: the figure had neither title nor date.
    w = open_map_page(browser, f"{map_file.as_uri()}#figure=1&at=2023-09-19", viewport=(1200, 800))
    try:
        assert w.page.locator(".geo-title-text").is_visible()
        captions = [c for c in w.page.locator(".geo-figure-caption").all() if c.is_visible()]
        assert len(captions) == 1  # one caption, not the title twice
        text = captions[0].inner_text()
        assert TITLE in text and "19 September 2023" in text
        shown = w.js(f"{MAP}.visiblePlaces().reduce((n, p) => n + p.count, 0)")
        assert shown > 0 and f"{shown} mention" in text
        w.check_clean()
    finally:
        w.page.close()


def test_basemap_names_keep_clear_of_the_data_labels(browser, map_file) -> None:
    # Both label sets were placed without knowing of the other: "AZERBAIJAN" under "Azerbaijan",
    # "GERMANY" across "European Union". The data's labels come first; the basemap leaves out a country
    # the data names itself.
    w = open_map_page(browser, map_file.as_uri(), viewport=(1200, 800))
    try:
        for day, view in ((None, [40.3, 45.5, 7]), ("2023-09-19", [40.3, 45.5, 7]), ("2023-09-19", [42.0, 30.0, 4])):
            w.js(
                f"""([d, v]) => {{ const m = {MAP}; d ? m.setTime(d) : m.showAllDates();
                     m.map.setView([v[0], v[1]], v[2], {{animate: false}}); }}""",
                [day, view],
            )
            settle(w)
            boxes = label_boxes(w)
            data_labels = [b for b in boxes if b["kind"] == "data"]
            base_labels = [b for b in boxes if b["kind"] == "base"]
            assert data_labels and base_labels, (day, view, boxes)
            clashes = [(a["text"], b["text"]) for a in data_labels for b in base_labels if overlaps(a, b)]
            assert clashes == [], (day, view, clashes)
            named = {b["text"].upper() for b in data_labels}
            if view[2] == 7:
                assert "ARMENIA" in named, data_labels  # the case of a country named by both
            assert not named & {b["text"].upper() for b in base_labels}, (day, view, boxes)
        w.check_clean()
    finally:
        w.page.close()


def test_in_a_report_column_the_title_and_date_are_read_whole(browser, data, tmp_path) -> None:
    # Between the search and the layer panels of a 640 px column the title box had 245 px: the title
    # and its date ended in an ellipsis ("Seeds: Karabakh talks, ..."). They wrap instead.
    title = "Karabakh talks in Istanbul and Moscow, 2020-2025"
    page = tmp_path / "column.html"
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><style>{HOSTILE_CSS} main{{width:640px;margin:0 auto}}"
        f"</style></head><body><main><p>Text.</p>{embed_fragment(data, offline=True, title=title)}"
        "</main></body></html>",
        encoding="utf-8",
    )
    w = open_map_page(browser, page.as_uri(), viewport=(1000, 900))
    try:
        assert w.js("document.querySelector('.geo-map').getBoundingClientRect().width") == 640
        assert w.page.locator(".geo-title-text").inner_text() == title
        cut = w.js(
            """() => [...document.querySelectorAll('.geo-title-text, .geo-caption')]
                 .filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent)"""
        )
        assert cut == []
        # Wrapped, the title box still keeps clear of the panels beside it.
        rects = w.js(
            """() => ['.geo-title', '.geo-search', '.geo-layers'].map((s) => {
                 const r = document.querySelector(s).getBoundingClientRect();
                 return {x: r.left, y: r.top, w: r.width, h: r.height}; })"""
        )
        assert not overlaps(rects[0], rects[1]) and not overlaps(rects[0], rects[2]), rects
        w.check_clean()
    finally:
        w.page.close()


def test_in_a_report_column_nothing_of_the_story_or_the_basemap_hides_under_the_panels(browser, data, tmp_path) -> None:
    # The caption gets its text with the first frame; wrapped in a column, the title grew after the first
    # fit and covered the top of the story. And the panels settle after the basemap placed its names, which
    # then lay under the scale bar.
    page = tmp_path / "column.html"
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><style>{HOSTILE_CSS} main{{width:640px;margin:0 auto}}"
        f"</style></head><body><main>{embed_fragment(data, offline=True, title=TITLE * 2)}</main></body></html>",
        encoding="utf-8",
    )
    w = open_map_page(browser, page.as_uri(), viewport=(1000, 900))
    try:
        settle(w)
        panels = w.js(
            """() => [...document.querySelectorAll('.geo-title, .leaflet-control')].map((n) => {
                 const r = n.getBoundingClientRect();
                 return {text: n.className, x: r.left, y: r.top, w: r.width, h: r.height};
               }).filter((b) => b.w > 0 && b.h > 0)"""
        )
        hidden = [(b["text"], p["text"]) for b in label_boxes(w) for p in panels if overlaps(b, p)]
        assert hidden == []
        # Every place of the story that the first view fits lies clear of the title box.
        title = next(p for p in panels if "geo-title" in p["text"])
        points = w.js(
            f"""() => {{ const m = {MAP}.map; const c = m.getContainer().getBoundingClientRect();
                 const b = {MAP}.data.focus_bounds || {MAP}.data.bounds;
                 const inside = (p) => p.lat >= b[0][0] && p.lat <= b[1][0] && p.lon >= b[0][1] && p.lon <= b[1][1];
                 return {MAP}.data.places.filter(inside).map((p) => {{
                   const q = m.latLngToContainerPoint([p.lat, p.lon]);
                   return [p.name, q.x + c.left, q.y + c.top]; }}); }}"""
        )
        assert points
        under = [n for n, x, y in points if title["x"] <= x <= title["x"] + title["w"] and y <= title["y"] + title["h"]]
        assert under == []
        w.check_clean()
    finally:
        w.page.close()


def test_a_map_in_a_notebook_frame_pans_without_an_error(browser, data) -> None:
    # A notebook shows the map in an iframe's srcdoc, a document with no URL of its own: writing the
    # permalink into its hash threw "Failed to execute 'replaceState'" on every move.
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        srcdoc = embed_fragment(data, offline=True, title=TITLE).replace("&", "&amp;").replace('"', "&quot;")
        page.set_content(
            f'<html><body><iframe style="width:900px;height:600px" srcdoc="{srcdoc}"></iframe></body></html>',
            wait_until="load",
        )
        frame = page.frames[1]
        frame.wait_for_selector(".geo-map[data-geo-ready='1']", timeout=30000)
        frame.evaluate(f"() => {{ {MAP}.map.setView([41, 44], 6, {{animate: false}}); {MAP}.setTime('2023-09-19'); }}")
        page.wait_for_timeout(900)  # the permalink is written 400 ms after the last change
        assert frame.evaluate(f"{MAP}.getTime()") == "2023-09-19"
        assert errors == []
    finally:
        page.close()
