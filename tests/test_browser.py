"""Browser tests: real headless Chromium (Debian's) driven by Playwright.

Skipped, with the reason, when Playwright or /usr/bin/chromium is missing.
Maps are driven through the test hook ``window.geoMaps[id]`` and, where it
matters, through the real DOM controls.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from mapfixtures import HOSTILE_SENTENCE, skip_module_without_browser, story

from geo.maps.mapdata import build_map_data, features
from geo.maps.render import embed_fragment, save_map, save_png

pytestmark = pytest.mark.browser

skip_module_without_browser()


@pytest.fixture(scope="module")
def story_data():
    return build_map_data(story(), window="P3D")


@pytest.fixture(scope="module")
def offline_file(tmp_path_factory, story_data):
    return save_map(story_data, tmp_path_factory.mktemp("maps") / "story.html", offline=True, title="Story")


class Watched:
    """A page plus everything it did that a test may want to fail on."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []

    def maps(self) -> list[str]:
        return self.page.evaluate("Object.keys(window.geoMaps)")

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)


def open_page(browser, path: Path, *, count: int = 1, viewport=(1200, 800)) -> Watched:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    w = Watched(page)
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def on_dialog(d):
        w.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            w.foreign.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(f"window.geoMaps && Object.keys(window.geoMaps).length >= {count}", timeout=15000)
    return w


@pytest.fixture()
def story_page(browser, offline_file):
    w = open_page(browser, offline_file)
    yield w
    w.page.close()
    assert w.errors == [], w.errors
    assert w.dialogs == [], w.dialogs
    assert w.foreign == [], w.foreign


def names_at(w: Watched, day: str | None = None, map_id: str | None = None) -> set[str]:
    return set(
        w.js(
            """([id, day]) => {
                const m = window.geoMaps[id || Object.keys(window.geoMaps)[0]];
                if (day) { m.setTime(day); }
                return m.visiblePlaces().map((p) => p.name);
            }""",
            [map_id, day],
        )
    )


def open_layers(page) -> None:
    """Open the layers and filters panel (collapsed at first) as a person would."""
    toggle = page.locator(".geo-layers-toggle").first
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


ALL_PLACES = {"Paris", "Boston", "New York City", "Washington", "United States", "Baku", "Azerbaijan",
              "Lachin Corridor", "Istanbul", "Tbilisi", "Lisbon"}  # fmt: skip


def test_first_view_shows_every_date_and_plays_from_the_first(story_page):
    w = story_page
    m = "window.geoMaps[Object.keys(window.geoMaps)[0]]"
    assert w.js(f"{m}.getTime()") is None and w.js(f"{m}.isAllDates()")
    assert names_at(w) == ALL_PLACES
    assert w.page.locator(".geo-date").inner_text() == "All dates"
    assert w.js(f"{m}.drawnCount()") == len(ALL_PLACES)
    assert w.page.locator(".geo-title-text").inner_text() == "Story"
    assert "All dates" in w.page.locator(".geo-caption").inner_text()
    # The slider waits at the first date; a step forward starts the story there.
    assert w.js("GeoTime.dayToIso(+document.querySelector('.geo-slider').value)") == "1965-03-01"
    w.page.locator(".geo-forward").click()
    assert w.page.locator(".geo-date").inner_text() == "1965-03-01"
    assert names_at(w) == {"Paris", "Tbilisi"}  # Tbilisi is undated: always shown
    w.page.locator(".geo-all-dates").click()
    assert names_at(w) == ALL_PLACES


def test_slider_dates_order_1965_2001_2025(story_page):
    w = story_page
    assert names_at(w, "1965-03-02") == {"Paris", "Tbilisi"}
    assert names_at(w, "2001-09-08") == {"Boston", "Tbilisi"}
    assert names_at(w, "2001-09-09") == {"Boston", "New York City", "Tbilisi"}
    assert names_at(w, "2001-09-10") == {"Boston", "New York City", "Washington", "United States", "Tbilisi"}
    # Window of 3 days: Boston (09-08) is gone on 09-11, the rest remain.
    assert names_at(w, "2001-09-11") == {"New York City", "Washington", "United States", "Tbilisi"}
    assert names_at(w, "2025-11-08") == {"Lisbon", "Tbilisi"}
    assert names_at(w, "1990-01-01") == {"Tbilisi"}
    ids = w.js("window.geoMaps[Object.keys(window.geoMaps)[0]].visibleFeatureIds()")
    assert len(ids) == 1


def test_toggling_an_article_layer_hides_it_at_every_time(story_page, story_data):
    w = story_page
    sept = story_data["articles"].index(next(a for a in story_data["articles"] if a["id"] == "sept"))
    sept_ids = {i for i, d in enumerate(story_data["mentions"]["doc"]) if d == sept}
    days = sorted({f["date"] for f in features(story_data) if f["date"]})
    open_layers(w.page)
    label = w.page.locator(".geo-layers label", has_text="Nine-eleven")
    assert "<script>alert(1)</script>" in label.inner_text()  # escaped in the layer control too
    checkbox = label.locator("input")
    assert checkbox.is_checked()
    checkbox.click()  # the real DOM control
    assert not w.js("window.geoMaps[Object.keys(window.geoMaps)[0]].layerVisible('sept')")
    for day in [*days, "2001-09-11", "2001-09-12"]:
        visible = set(
            w.js(
                "(d) => { const m = window.geoMaps[Object.keys(window.geoMaps)[0]]; m.setTime(d);"
                " return m.visibleFeatureIds(); }",
                day,
            )
        )
        assert not visible & sept_ids, day
    assert names_at(w, "2001-09-10") == {"Tbilisi"}
    # Moving the slider with the layer off then back on shows it again.
    checkbox.click()
    assert names_at(w) == {"Boston", "New York City", "Washington", "United States", "Tbilisi"}


def test_undated_layer_toggle(story_page):
    w = story_page
    open_layers(w.page)
    w.page.locator(".geo-layers label", has_text="Undated mentions").locator("input").click()
    assert names_at(w, "1965-03-01") == {"Paris"}


def test_clicking_a_place_shows_escaped_text(story_page, offline_file):
    w = story_page
    names_at(w, "2001-09-09")
    pt = w.js("window.geoMaps[Object.keys(window.geoMaps)[0]].placePoint('New York City')")
    assert pt is not None
    w.page.mouse.click(pt["x"], pt["y"])
    popup = w.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5000)
    text = popup.inner_text()
    assert "<script>alert(2)</script>" in text
    assert "</div>" in text
    assert "<script>alert(1)</script>" in text  # the article title
    assert "{% raw %}" in text
    assert popup.locator("mark").inner_text() == "New York City"
    assert popup.locator("script").count() == 0
    assert "Published 2001-09-12" in text
    assert "Confidence 90%" in text
    assert popup.locator("blockquote").inner_text() == HOSTILE_SENTENCE
    # Nothing from the article became an element anywhere on the page.
    assert w.js("document.querySelectorAll('script').length") == offline_file.read_text(encoding="utf-8").count(
        "<script"
    )


def test_dom_controls_step_play_loop_and_keyboard(story_page):
    w = story_page
    page = w.page
    speed = page.locator(".geo-speed")
    speed.select_option("1")
    page.locator(".geo-forward").click()  # from all dates to the first
    page.locator(".geo-forward").click()
    assert page.locator(".geo-date").inner_text() == "1965-03-02"
    page.locator(".geo-back").click()
    assert page.locator(".geo-date").inner_text() == "1965-03-01"
    loop = page.locator(".geo-loop")
    loop.click()
    assert loop.get_attribute("aria-pressed") == "true"
    speed.select_option("365")
    page.locator(".geo-play").click()
    page.wait_for_function("document.querySelector('.geo-date').textContent > '1966-03-01'", timeout=5000)
    assert page.locator(".geo-play").get_attribute("aria-label") == "Pause"
    page.locator(".geo-play").click()
    assert not w.js("window.geoMaps[Object.keys(window.geoMaps)[0]].isPlaying()")
    before = page.locator(".geo-date").inner_text()
    slider = page.locator(".geo-slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    after = page.locator(".geo-date").inner_text()
    assert after > before
    assert slider.get_attribute("aria-valuetext")


def test_offline_map_makes_no_foreign_request(browser, offline_file):
    w = open_page(browser, offline_file)
    try:
        names_at(w, "2023-09-19")
        w.page.mouse.wheel(0, -300)  # zooming must not fetch tiles either
        w.page.wait_for_timeout(300)
        assert w.foreign == []
        assert w.errors == []
        assert w.js("document.querySelectorAll('img[src^=\"http\"], .leaflet-tile').length") == 0
    finally:
        w.page.close()


def test_two_fragments_on_one_page(browser, tmp_path, story_data):
    other = build_map_data(story()[:3], window="P1D")
    page_html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
        "<h1>Report</h1>"
        + embed_fragment(story_data, offline=True, height="400px", title="First")
        + "<p>Between the maps.</p>"
        + embed_fragment(other, offline=True, height="400px", title="Second")
        + "</body></html>"
    )
    path = tmp_path / "report.html"
    path.write_text(page_html, encoding="utf-8")
    w = open_page(browser, path, count=2)
    try:
        first, second = w.maps()
        assert first != second
        assert names_at(w, "2001-09-09", first) == {"Boston", "New York City", "Tbilisi"}
        assert names_at(w, "2001-09-09", second) == {"New York City"}  # its window is 1 day
        assert names_at(w, "2025-11-08", first) == {"Lisbon", "Tbilisi"}
        # Moving one slider leaves the other map where it was.
        assert names_at(w, None, second) == {"New York City"}
        assert w.page.locator(".geo-time").count() == 2
        assert w.errors == [] and w.foreign == [] and w.dialogs == []
    finally:
        w.page.close()


def test_many_places_are_aggregated_when_zoomed_out(browser, tmp_path):
    rng = random.Random(7)
    rows = [
        {"doc": f"d{i % 20}", "title": f"A{i % 20}", "name": f"P{i}", "id": f"p{i}", "feature": "PPL",
         "lat": rng.uniform(-50, 60), "lon": rng.uniform(-150, 150), "date": "2020-05-01", "text": f"P{i}",
         "sentence": f"In P{i}."}
        for i in range(2500)
    ]  # fmt: skip
    path = save_map(rows, tmp_path / "many.html", offline=True)
    w = open_page(browser, path)
    try:
        info = w.js(
            "(() => { const m = window.geoMaps[Object.keys(window.geoMaps)[0]];"
            " return [m.isClustered(), m.drawnCount(), m.visibleFeatureIds().length]; })()"
        )
        assert info[0] is True
        assert info[1] < 1500
        assert info[2] == 2500
        assert w.errors == []
    finally:
        w.page.close()


def test_save_png_writes_a_picture(tmp_path, offline_file):
    out = save_png(offline_file, tmp_path / "story.png", at="2023-09-19", width=900, height=600)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.png"]
