"""The map's controls in real headless Chromium: embeds in a hostile report page, the wheel,
the timeline, events, typed dates, the list view, roles, article links and playback.

Synthetic mentions (tests/mapfixtures.py), offline maps; every test fails on console errors,
page errors, dialogs and requests that leave the machine. Skipped, with the reason, when
Playwright or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import pytest
from mapfixtures import mention, open_map_page, skip_module_without_browser, story

from geo.maps.mapdata import build_map_data
from geo.maps.render import embed_fragment, save_map

pytestmark = pytest.mark.browser

skip_module_without_browser()

MAP = "window.geoMaps[Object.keys(window.geoMaps)[0]]"

# Ordinary report CSS that restyles bare elements.
HOSTILE_CSS = """
body { font: 18px/2 Georgia, serif; margin: 0; background: #fafafa; }
.column { width: 640px; margin: 0 auto; }
button { color: #fff; background: #c00; text-transform: uppercase; padding: 12px; margin: 8px; border-radius: 0; }
label { font-weight: bold; display: block; margin: 10px; }
input, select { width: 100%; margin: 10px; padding: 8px; }
div { line-height: 2.2; } span { letter-spacing: 1px; }
ul, ol { padding-left: 40px; margin: 20px; } li { margin: 10px; list-style: square; }
fieldset { border: 3px solid red; padding: 20px; } legend { font-size: 30px; }
"""


@pytest.fixture(scope="module")
def story_data():
    rows = story()
    for r in rows:
        if r["doc"] == "karabakh":
            r["url"] = "https://news.example.org/karabakh"
    return build_map_data(rows, window="P3D")


@pytest.fixture(scope="module")
def story_file(tmp_path_factory, story_data):
    return save_map(story_data, tmp_path_factory.mktemp("ui") / "story.html", offline=True, title="Story")


@pytest.fixture()
def page(browser, story_file):
    w = open_map_page(browser, story_file.as_uri())
    yield w
    w.page.close()
    w.check_clean()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, story_data):
    body = "".join(f"<p>Paragraph {i} of the report.</p>" for i in range(12))
    tail = "".join(f"<p>More text {i}.</p>" for i in range(40))
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{HOSTILE_CSS}</style></head><body>"
        f"<div class='column'><h1>Report</h1>{body}"
        + embed_fragment(story_data, offline=True, height="520px", title="Story in a column")
        + tail
        + embed_fragment(story_data, offline=True, height="420px", title="Second map")
        + "</div></body></html>"
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_an_embed_in_a_640px_column_keeps_its_controls_inside_and_unstyled(browser, report_file) -> None:
    w = open_map_page(browser, report_file.as_uri(), count=2, viewport=(1200, 900))
    try:
        first = w.page.locator(".geo-map").first
        first.scroll_into_view_if_needed()
        box = first.bounding_box()
        assert round(box["width"]) == 640
        for sel in (".geo-time", ".geo-layers", ".geo-search", ".geo-title", ".geo-legend", ".geo-date"):
            el = first.locator(sel).first
            b = el.bounding_box()
            assert b and b["x"] >= box["x"] - 0.5 and b["x"] + b["width"] <= box["x"] + box["width"] + 0.5, sel
            assert b["y"] >= box["y"] - 0.5 and b["y"] + b["height"] <= box["y"] + box["height"] + 0.5, sel
        # The layout follows the box (640 px), not the 1200 px window.
        assert "geo-mid" in first.get_attribute("class")
        look = first.locator(".geo-back").evaluate(
            "(b) => { const s = getComputedStyle(b); return [s.color, s.textTransform, s.marginTop, s.borderRadius]; }"
        )
        assert look == ["rgb(31, 41, 51)", "none", "0px", "6px"]
        first.locator(".geo-layers-toggle").click()
        label = first.locator(".geo-layer-item").first
        assert label.evaluate("(l) => [getComputedStyle(l).fontWeight, getComputedStyle(l).marginTop]") == [
            "400",
            "0px",
        ]
        assert first.locator(".geo-layer-item input").first.evaluate("(i) => getComputedStyle(i).width") != "100%"
        assert first.locator(".geo-title-text").evaluate("(d) => getComputedStyle(d).lineHeight") != "39.6px"
        # The two embeds stay independent.
        ids = w.js("Object.keys(window.geoMaps)")
        w.js("(id) => window.geoMaps[id].setTime('2001-09-09')", ids[0])
        assert w.js("(id) => window.geoMaps[id].isAllDates()", ids[1])
        w.check_clean()
    finally:
        w.page.close()


def test_the_wheel_scrolls_the_report_until_the_map_is_clicked_or_ctrl_is_held(browser, report_file) -> None:
    w = open_map_page(browser, report_file.as_uri(), count=2, viewport=(1200, 900))
    try:
        first = w.page.locator(".geo-map").first
        first.scroll_into_view_if_needed()
        w.page.evaluate("window.scrollBy(0, -100)")
        box = first.bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - 60
        zoom = w.js(f"{MAP}.map.getZoom()")
        before = w.js("window.scrollY")
        w.page.mouse.move(cx, cy)
        w.page.mouse.wheel(0, 300)
        w.page.wait_for_function("(y) => window.scrollY > y", arg=before)
        assert w.js(f"{MAP}.map.getZoom()") == zoom
        assert "geo-show" in first.locator(".geo-wheel-hint").get_attribute("class")
        # With Ctrl the wheel zooms.
        box = first.bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - 60
        w.page.mouse.move(cx, cy)
        w.page.keyboard.down("Control")
        w.page.mouse.wheel(0, -300)
        w.page.keyboard.up("Control")
        w.page.wait_for_function(f"(z) => {MAP}.map.getZoom() > z", arg=zoom)
        # After a click in the map the wheel zooms too, and the page stays put.
        w.page.wait_for_function(f"() => !{MAP}.map._animatingZoom")  # the Ctrl zoom has settled
        w.page.wait_for_timeout(300)
        zoom = w.js(f"{MAP}.map.getZoom()")
        w.js(f"() => {MAP}.setFilters({{kinds: {{city: false, area: false, line: false, demonym: false}}}})")
        w.page.mouse.click(cx, cy)  # on the map, nothing drawn there now: no popup in the way
        y = w.js("window.scrollY")
        w.page.mouse.wheel(0, -300)
        w.page.wait_for_function(f"(z) => {MAP}.map.getZoom() > z", arg=zoom)
        assert w.js("window.scrollY") == y
        w.check_clean()
    finally:
        w.page.close()


def test_timeline_events_and_typed_dates(page, story_data) -> None:
    w = page
    counts = w.js(f"{MAP}.timelineCounts()")
    assert sum(counts) == sum(1 for d in story_data["mentions"]["day"] if d)
    assert w.js(f"{MAP}.nextEvent()") == "1965-03-01"
    w.page.locator(".geo-next-event").click()
    assert w.page.locator(".geo-date").inner_text() == "2001-09-08"
    w.page.locator(".geo-next-event").click()
    assert w.page.locator(".geo-date").inner_text() == "2001-09-09"
    w.page.locator(".geo-prev-event").click()
    assert w.page.locator(".geo-date").inner_text() == "2001-09-08"
    box = w.page.locator(".geo-goto")
    box.fill("2023-09")
    box.press("Enter")
    assert w.js(f"{MAP}.getTime()") == "2023-09-01"
    box.fill("2023-02-30")
    box.press("Enter")
    assert box.get_attribute("aria-invalid") == "true" and w.js(f"{MAP}.getTime()") == "2023-09-01"
    # A click on the timeline's right end goes to the last date; its left end to the first.
    tl = w.page.locator(".geo-timeline").bounding_box()
    w.page.mouse.click(tl["x"] + tl["width"] - 1, tl["y"] + tl["height"] / 2)
    assert w.js(f"{MAP}.getTime()") >= "2025-01-01"
    w.page.mouse.click(tl["x"] + 1, tl["y"] + tl["height"] / 2)
    assert w.js(f"{MAP}.getTime()") <= "1966-06-01"


def test_playback_skips_the_empty_decades(page) -> None:
    w = page
    w.page.locator(".geo-speed").select_option("1")
    w.page.locator(".geo-play").click()
    # One day a step, but 1965 -> 2001 holds nothing: the next frames jump to the next events.
    w.page.wait_for_function("document.querySelector('.geo-date').textContent.startsWith('2001')", timeout=8000)
    w.page.locator(".geo-play").click()
    assert not w.js(f"{MAP}.isPlaying()")


def test_the_list_view_reaches_every_place_by_keyboard(page, story_data) -> None:
    w = page
    w.js(f"() => {{ {MAP}.map.fitBounds({MAP}.data.bounds, {{animate: false}}); }}")
    w.page.locator(".geo-list-toggle").click()
    items = w.page.locator(".geo-list-item")
    names = {t.split("\n")[0].strip() for t in items.all_inner_texts()}
    assert names == {p["name"] for p in w.js(f"{MAP}.visiblePlaces()")}
    items.first.focus()
    w.page.keyboard.press("Enter")
    popup = w.page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible")
    first_name = items.first.inner_text().split("\n")[0].strip()
    assert popup.locator(".geo-popup-name").inner_text() == first_name


def test_popups_link_the_article_and_escape_its_text(page) -> None:
    w = page
    w.js(f"() => {{ {MAP}.setTime('2023-09-17'); }}")
    assert w.js(f"() => {MAP}.openPopup('Baku')")
    popup = w.page.locator(".leaflet-popup-content").last
    link = popup.locator("a.geo-article-link")
    assert link.get_attribute("href") == "https://news.example.org/karabakh"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "Source: news.example.org" in popup.inner_text()
    assert popup.locator("mark").inner_text() == "Baku"


def test_roles_actor_subdued_and_name_hidden_until_switched_on(browser, tmp_path) -> None:
    rows = [
        {**mention("d1", "Match report", "Madrid", "3117735", "PPLC", "ES", 40.4, -3.7, "2024-05-01",
                   "Madrid beat Milan."), "role": "actor"},
        {**mention("d1", "Match report", "Milan", "3173435", "PPLA", "IT", 45.46, 9.19, "2024-05-01",
                   "Madrid beat Milan."), "role": "actor"},
        {**mention("d1", "Match report", "Lisbon", "2267057", "PPLC", "PT", 38.72, -9.14, "2024-05-01",
                   "The game was in Lisbon."), "role": "place"},
        {**mention("d1", "Match report", "Paris", "2988507", "PPLC", "FR", 48.85, 2.35, "2024-05-01",
                   "Paris Saint-Germain lost.", text="Paris"), "role": "name"},
    ]  # fmt: skip
    path = save_map(rows, tmp_path / "roles.html", offline=True)
    w = open_map_page(browser, path.as_uri())
    try:
        shown = {p["name"]: p["subdued"] for p in w.js(f"{MAP}.visiblePlaces()")}
        assert shown == {"Madrid": True, "Milan": True, "Lisbon": False}  # Paris (a name) hidden
        w.page.locator(".geo-layers-toggle").click()
        w.page.locator("input[data-role='name']").check()
        assert "Paris" in {p["name"] for p in w.js(f"{MAP}.visiblePlaces()")}
        w.page.locator("input[data-role='actor']").uncheck()
        assert {p["name"] for p in w.js(f"{MAP}.visiblePlaces()")} == {"Lisbon", "Paris"}
        w.check_clean()
    finally:
        w.page.close()


def test_large_maps_decode_compressed_data_in_the_browser(browser, tmp_path) -> None:
    rows = [
        {"doc": f"d{i % 200}", "title": f"Article {i % 200}", "name": f"P{i % 300}", "id": f"p{i % 300}",
         "feature": "PPL", "country": "FR", "lat": 40 + (i % 300) / 40, "lon": (i % 300) / 30,
         "date": f"2020-0{1 + i % 9}-1{i % 10}", "text": f"P{i % 300}", "sentence": f"Sentence {i} names P{i % 300}."}
        for i in range(6000)
    ]  # fmt: skip
    path = save_map(rows, tmp_path / "big.html", offline=True)
    assert 'data-encoding="gzip-base64"' in path.read_text(encoding="utf-8")
    w = open_map_page(browser, path.as_uri())
    try:
        assert len(w.js(f"{MAP}.visibleMentions()")) == 6000
        assert w.js(f"{MAP}.data.sentences.length") == 6000
        w.check_clean()
    finally:
        w.page.close()
