"""The seeds' offline map (``geo map seeds/ --offline``) in real headless Chromium.

The map is built once per module through the command line, on the session's
real gazetteer, and opened with Playwright and Debian's Chromium. Each test
gets a fresh page that fails on console errors, page errors, dialogs and any
request that is not ``file:`` or ``data:``. The page is driven through its test
hook ``window.geoMaps[id]`` and, where a person would, through the real DOM
(slider, layer checkboxes, clicks on the canvas).

Skipped, with the reason, when Playwright or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from mapfixtures import boxes_overlap, open_map_page, skip_module_without_browser

from geo.cli import main
from geo.maps.mapdata import features as grouped
from geo.maps.mapdata import read_page_payload

pytestmark = pytest.mark.browser

skip_module_without_browser()

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DAY = "2023-09-19"  # Azerbaijan's offensive, told by the 2023 article
MAP = "window.geoMaps[Object.keys(window.geoMaps)[0]]"
_DATA_RE = re.compile(r'<script type="[^"]+" id="geo-data-[^"]+" data-encoding="([^"]+)">(.*?)</script>', re.DOTALL)

HOSTILE_TITLE = "Rally <img src=x onerror=alert(2)> on Saturday."
HOSTILE_SENTENCE = (
    'Protesters in Yerevan held signs reading <script>alert(1)</script> and "quoted" `tick` </div> all day.'
)


def build_map(full_gazetteer, inputs: list[Path], out: Path) -> Path:
    """Write an offline map through the command line, as the README's script does."""
    argv = ["map", *map(str, inputs), "-o", str(out), "--offline", "--title", "Seeds: Karabakh talks, 2020-2025"]
    assert main([*argv, "--cache-dir", str(full_gazetteer.path.parent)]) == 0
    return out


def map_data(path: Path) -> dict:
    blocks = _DATA_RE.findall(path.read_text(encoding="utf-8"))
    assert len(blocks) == 1
    return read_page_payload(*blocks[0])


@pytest.fixture(scope="module")
def seeds_file(tmp_path_factory, full_gazetteer) -> Path:
    return build_map(full_gazetteer, [SEEDS], tmp_path_factory.mktemp("seedsmap") / "seeds.html")


@pytest.fixture(scope="module")
def seeds_data(seeds_file) -> dict:
    return map_data(seeds_file)


def features(data: dict) -> list[dict]:
    """The mentions grouped by place, class and day, as ``{"properties": {...}}`` items."""
    return [{"id": g["id"], "properties": g} for g in grouped(data)]


def mention_names(data: dict, ids) -> set[str]:
    ms, tg = data["mentions"], data["targets"]
    return {data["places"][tg["place"][ms["target"][i]]]["name"] for i in ids}


# Roles the map hides until the reader switches them on (geo-time.js's ROLES_SHOWN): a place
# inside a name ("the Second Karabakh War") is not a mention of that place.
ROLES_HIDDEN_BY_DEFAULT = {"name"}


def expected_ids(data: dict, day: str | None, docs: set[int] | None = None) -> set[int]:
    """Indices of the mentions visible on ``day`` by the data's own rule: day <= it < day + window (None: all).

    Mentions of a role hidden by default are not visible.
    """
    ms, win = data["mentions"], data["window"]["days"]
    hidden = {code for code, role in enumerate(data["codes"]["role"]) if role in ROLES_HIDDEN_BY_DEFAULT}
    d = None if day is None else dt.date.fromisoformat(day).toordinal()
    return {
        i
        for i, start in enumerate(ms["day"])
        if d is None or not start or start <= d < start + win
        if docs is None or ms["doc"][i] in docs
        if ms["role"][i] not in hidden
    }


def article_ids(data: dict, index: int) -> list[int]:
    return [i for i, doc in enumerate(data["mentions"]["doc"]) if doc == index]


class Watched:
    """A page plus everything it did that a test may want to fail on."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def names(self) -> set[str]:
        return {p["name"] for p in self.js(f"{MAP}.visiblePlaces()")}

    def ids(self) -> set[str]:
        return set(self.js(f"{MAP}.visibleFeatureIds()"))

    def set_time(self, day: str) -> str:
        return self.js(f"(d) => {MAP}.setTime(d)", day)

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.foreign == [], self.foreign


def open_page(browser, path: Path) -> Watched:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    w = Watched(page)
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def on_dialog(d) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            w.foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("window.geoMaps && Object.keys(window.geoMaps).length === 1", timeout=15000)
    return w


@pytest.fixture()
def seeds_page(browser, seeds_file):
    w = open_page(browser, seeds_file)
    yield w
    w.page.close()
    w.check_clean()


def test_loads_with_no_error_and_no_request_off_the_machine(seeds_page) -> None:
    w = seeds_page
    assert w.page.locator(".geo-title-text").inner_text() == "Seeds: Karabakh talks, 2020-2025"
    assert w.page.locator(".geo-error").count() == 0
    w.set_time(DAY)
    zoom = w.js(f"{MAP}.map.getZoom()")
    w.page.mouse.move(700, 450)
    w.page.mouse.wheel(0, -400)  # zooming must not fetch tiles either
    w.page.wait_for_function(f"(z) => {MAP}.map.getZoom() > z", arg=zoom)
    assert w.js("document.querySelectorAll('.leaflet-tile, img[src^=\"http\"]').length") == 0
    w.check_clean()


def test_slider_runs_from_2020_to_2025(seeds_page, seeds_data) -> None:
    w = seeds_page
    lo, hi = w.js(
        "() => { const s = document.querySelector('.geo-slider');"
        " return [GeoTime.dayToIso(+s.min), GeoTime.dayToIso(+s.max)]; }"
    )
    # The 2025 article recalls "October 8, 2020": the story's first date.
    assert "2020-10-01" <= lo <= "2020-10-10", lo
    assert hi == "2025-11-08"  # the 2025 article's publication date
    assert (lo, hi) == (seeds_data["domain"]["min"], seeds_data["domain"]["max"])
    assert w.page.locator(".geo-range").inner_text() == f"{lo} \u2192 {hi}"


def test_first_frame_shows_every_mention_then_the_first_date(seeds_page, seeds_data) -> None:
    w = seeds_page
    assert w.js(f"{MAP}.getTime()") is None
    assert w.page.locator(".geo-date").inner_text() == "All dates"
    everything = expected_ids(seeds_data, None)
    assert w.ids() == everything and w.names() == mention_names(seeds_data, everything)
    assert w.page.locator(".geo-count").inner_text().startswith(f"{len(everything)} mention")
    first = seeds_data["domain"]["min"]
    assert w.js(f"{MAP}.nextEvent()") == first  # the first event from "all dates"
    assert w.page.locator(".geo-date").inner_text() == first
    wanted = {i for i, d in enumerate(seeds_data["mentions"]["day"]) if d == dt.date.fromisoformat(first).toordinal()}
    assert wanted and w.ids() == wanted
    # "on October 8, 2020, the Russian side persistently proposed holding negotiations with Armenia"
    assert w.names() == {"Russia", "Armenia"}
    assert w.page.locator(".geo-count").inner_text().startswith(f"{len(wanted)} mention")


def test_hook_to_2023_09_19_shows_karabakh_and_hides_2025(seeds_page, seeds_data) -> None:
    w = seeds_page
    assert w.set_time(DAY) == DAY
    assert "Nagorno-Karabakh" in w.names()
    assert w.ids() == expected_ids(seeds_data, DAY)
    dated_2025 = {i for i, d in enumerate(seeds_data["mentions"]["day"]) if d and dt.date.fromordinal(d).year == 2025}
    # The 2025-11-08 article's lead ("the Moscow meeting", "Azerbaijan's Foreign Minister") is dated on publication.
    lead = {f["properties"]["name"] for f in features(seeds_data) if f["properties"]["date"] == "2025-11-08"}
    assert {"Moscow", "Azerbaijan"} <= lead
    assert dated_2025 and not (w.ids() & dated_2025)
    assert w.page.locator(".geo-date").inner_text() == DAY


def test_dom_slider_and_keyboard_move_the_map(seeds_page, seeds_data) -> None:
    w = seeds_page
    slider = w.page.locator(".geo-slider")
    # A person dragging the thumb: the value changes and 'input' fires.
    slider.evaluate(
        "(s, iso) => { s.value = String(GeoTime.isoToDay(iso));"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }",
        "2023-09-18",
    )
    assert w.page.locator(".geo-date").inner_text() == "2023-09-18"
    assert w.ids() == expected_ids(seeds_data, "2023-09-18")
    slider.focus()
    w.page.keyboard.press("ArrowRight")
    assert w.page.locator(".geo-date").inner_text() == DAY
    assert w.js(f"{MAP}.getTime()") == DAY
    assert slider.get_attribute("aria-valuetext") == "19 Sep 2023"
    assert "Nagorno-Karabakh" in w.names()
    assert w.ids() == expected_ids(seeds_data, DAY)
    w.page.keyboard.press("End")
    assert w.page.locator(".geo-date").inner_text() == "2025-11-08"
    assert w.ids() == expected_ids(seeds_data, "2025-11-08")


def test_clicking_a_place_opens_its_popup_with_the_sentence(seeds_page, seeds_data) -> None:
    w = seeds_page
    w.set_time(DAY)
    feat = next(f for f in features(seeds_data) if f["properties"]["name"] == "Istanbul")
    snippet = feat["properties"]["snippets"][0]
    sentence = seeds_data["sentences"][snippet["s"]]
    assert "Istanbul" in sentence
    pt = w.js(f"{MAP}.placePoint('Istanbul')")
    assert pt is not None
    w.page.mouse.click(pt["x"], pt["y"])
    popup = w.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5000)
    assert popup.locator(".geo-popup-name").inner_text() == "Istanbul"
    assert popup.locator("blockquote").inner_text() == sentence
    assert popup.locator("mark").inner_text() == "Istanbul"
    assert "Published 2023-10-04" in popup.inner_text()


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory, full_gazetteer) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    (folder / "zz_hostile.txt").write_text(f"date 2024-03-02 {HOSTILE_TITLE}\n\n{HOSTILE_SENTENCE}\n", encoding="utf-8")
    return build_map(full_gazetteer, [folder], folder / "hostile.html")


def test_hostile_article_text_stays_text(browser, hostile_file) -> None:
    w = open_page(browser, hostile_file)
    try:
        w.set_time("2024-03-02")
        assert "Yerevan" in w.names()
        pt = w.js(f"{MAP}.placePoint('Yerevan')")
        w.page.mouse.click(pt["x"], pt["y"])
        popup = w.page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5000)
        text = popup.inner_text()
        for literal in ("<script>alert(1)</script>", '"quoted"', "`tick`", "</div>", "<img src=x onerror=alert(2)>"):
            assert literal in text, literal
        assert popup.locator("blockquote").inner_text() == HOSTILE_SENTENCE
        assert popup.locator("mark").inner_text() == "Yerevan"
        assert popup.locator("script, img").count() == 0
        label = w.page.locator(".geo-layers label", has_text="Rally")
        assert "<img src=x onerror=alert(2)>" in label.inner_text()
        # Nothing the article says became an element anywhere on the page.
        assert w.js("document.querySelectorAll('script').length") == hostile_file.read_text(encoding="utf-8").count(
            "<script"
        )
        assert w.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
        w.check_clean()
    finally:
        w.page.close()


_SWEEP = f"""(ids) => {{
    const m = {MAP};
    const s = document.querySelector('.geo-slider');
    const watched = new Set(ids);
    let days = 0;
    const seen = new Set();
    for (let d = +s.min; d <= +s.max; d++) {{
        m.setTime(d);
        const hit = m.visibleFeatureIds().filter((id) => watched.has(id));
        if (hit.length) {{ days += 1; }}
        m.visibleFeatureIds().forEach((id) => seen.add(id));
    }}
    return [days, Array.from(seen)];
}}"""


def test_an_article_layer_off_hides_it_at_every_slider_position(seeds_page, seeds_data) -> None:
    w = seeds_page
    w.page.locator(".geo-layers-toggle").click()  # the panel opens collapsed
    for index, article in enumerate(seeds_data["articles"]):
        own = article_ids(seeds_data, index)
        others = expected_ids(seeds_data, None) - set(own)  # every date, the roles shown by default
        days_on, _ = w.js(_SWEEP, own)
        assert days_on > 0, article["id"]  # visible somewhere before the toggle, so the check below can fail
        box = w.page.locator(f".geo-layers input[data-doc='{article['id']}']")
        box.uncheck()  # the real checkbox in the layer control
        assert not w.js(f"(d) => {MAP}.layerVisible(d)", article["id"])
        days_off, seen = w.js(_SWEEP, own)
        assert days_off == 0, article["id"]
        assert set(seen) == others  # the other article is untouched
        box.check()
        assert w.js(f"(d) => {MAP}.layerVisible(d)", article["id"])
        assert w.js(_SWEEP, own)[0] == days_on


# ---------------------------------------------------------------------------- issue 15: reading the map


def target_of(data: dict, name: str, cls: str) -> int:
    tg = data["targets"]
    return next(
        t for t in range(len(tg["place"])) if data["places"][tg["place"][t]]["name"] == name and tg["class"][t] == cls
    )


def page_point(w: Watched, lat: float, lon: float) -> dict:
    return w.js(
        f"""([lat, lon]) => {{ const m = {MAP}; const p = m.map.latLngToContainerPoint([lat, lon]);
            const r = m.map.getContainer().getBoundingClientRect(); return {{x: r.left + p.x, y: r.top + p.y}}; }}""",
        [lat, lon],
    )


def popup_names(w: Watched) -> tuple[str, list[str]]:
    # The newest popup: the one it replaced fades out for a moment.
    popup = w.page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=5000)
    here = [t.strip().split("\n")[0].strip() for t in popup.locator(".geo-here-item").all_inner_texts()]
    return popup.locator(".geo-popup-name").inner_text(), here


def test_opens_on_the_story_with_its_places_in_view_and_labelled(seeds_page, seeds_data) -> None:
    w = seeds_page
    assert w.page.locator("[data-geo-ready='1']").count() == 1
    inside = w.js(
        f"""() => {{ const m = {MAP}; const b = m.map.getBounds(); const d = m.data;
            const seen = (t) => b.contains([d.targets.lat[t], d.targets.lon[t]]) ||
                (d.targets.shape[t] && L.geoJSON(d.shapes[d.targets.shape[t]]).getBounds().intersects(b));
            return d.mentions.target.map((t) => !!seen(t)); }}"""
    )
    assert sum(inside) >= 0.8 * len(inside)  # most mentions (their place or outline) are in the first view ...
    names = {p["name"] for p in w.js(f"{MAP}.visiblePlaces()")}
    assert {"Nagorno-Karabakh", "Hadrut", "Azerbaijan", "Armenia"} <= names
    # ... at a regional zoom, not the world the two far mentions (Washington, Brussels) would ask for
    assert w.js(f"{MAP}.map.getZoom()") >= 4.5
    labels = {lab["text"] for lab in w.js(f"{MAP}.labels()")}
    assert "Nagorno-Karabakh" in labels and len(labels) >= 5
    # Far-off mentions stay reachable: the list view and the search know Washington.
    assert "Washington" in w.js(f"{MAP}.search('washing')")


def test_a_click_anywhere_inside_nagorno_karabakh_opens_it_not_azerbaijan(seeds_page, seeds_data) -> None:
    from shapely.geometry import Point, shape

    w = seeds_page
    nk = target_of(seeds_data, "Nagorno-Karabakh", "area")
    polygon = shape(seeds_data["shapes"][seeds_data["targets"]["shape"][nk]])
    w.js(f"([lat, lon]) => {{ {MAP}.map.setView([lat, lon], 8, {{animate: false}}); }}",
         [polygon.centroid.y, polygon.centroid.x])  # fmt: skip
    w.page.wait_for_timeout(100)
    others = ("Hadrut", "Jabrayil", "Kalbajar", "Lachin", "Lachin Corridor")
    south, west, north, east = polygon.bounds[1], polygon.bounds[0], polygon.bounds[3], polygon.bounds[2]
    clicked = 0
    for i in range(1, 8):
        for j in range(1, 8):
            lat, lon = south + (north - south) * i / 8, west + (east - west) * j / 8
            if not polygon.buffer(-0.02).contains(Point(lon, lat)):
                continue
            pt = page_point(w, lat, lon)  # afresh: an open popup may have panned the map
            markers = [w.js(f"{MAP}.placePoint({name!r})") for name in others]
            if any(m and abs(m["x"] - pt["x"]) < 16 and abs(m["y"] - pt["y"]) < 16 for m in markers):
                continue  # on a town's marker or the corridor: the smaller feature rightly wins there
            w.page.mouse.click(pt["x"], pt["y"])
            name, here = popup_names(w)
            assert name == "Nagorno-Karabakh", (lat, lon, here)
            assert "Azerbaijan" in here  # the larger area under it is listed to choose from
            clicked += 1
    assert clicked >= 10


def test_co_located_moscow_and_the_kremlin_are_listed_together(seeds_page) -> None:
    w = seeds_page
    w.js(f"() => {{ {MAP}.map.setView([55.752, 37.6177], 9, {{animate: false}}); }}")
    w.page.wait_for_timeout(100)
    pt = w.js(f"{MAP}.placePoint('Moscow')")
    assert set(w.js(f"([x, y]) => {MAP}.hitsAt(x, y)", [pt["x"], pt["y"]])) >= {"Moscow", "Kremlin"}
    w.page.mouse.click(pt["x"], pt["y"])
    first, here = popup_names(w)
    assert {"Moscow", "Kremlin"} <= set(here)
    other = "Kremlin" if first == "Moscow" else "Moscow"
    w.page.locator(".leaflet-popup-content").last.locator(".geo-here-item", has_text=other).click()
    assert w.page.locator(".leaflet-popup-content").last.locator(".geo-popup-name").inner_text() == other


def test_demonym_areas_lie_under_place_areas_and_can_be_switched_off(seeds_page, seeds_data) -> None:
    w = seeds_page
    w.js(f"() => {{ {MAP}.map.setView([40.3, 44.6], 8, {{animate: false}}); }}")  # Armenia, away from Karabakh
    w.page.wait_for_timeout(100)
    pt = page_point(w, 40.6, 44.4)
    w.page.mouse.click(pt["x"], pt["y"])
    popup = w.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5000)
    kinds = popup.locator(".geo-here-item").all_inner_texts()
    area = next(i for i, k in enumerate(kinds) if k.startswith("Armenia") and "Country / area" in k)
    demonym = next(i for i, k in enumerate(kinds) if k.startswith("Armenia") and "Demonym" in k)
    assert area < demonym
    assert "Country / area" in popup.locator(".geo-popup-head + .geo-muted").inner_text()
    w.page.locator(".geo-layers-toggle").click()
    w.page.locator("input[data-kind='demonym']").uncheck()
    assert not [p for p in w.js(f"{MAP}.visiblePlaces()") if p["class"] == "demonym"]
    w.page.wait_for_function("location.hash.includes('off=demonym')")  # the permalink keeps it


def test_labels_never_overlap_and_thin_out_when_zoomed_out(seeds_page) -> None:
    w = seeds_page
    share = {}
    for zoom in (3, 5, 7, 8):
        w.js(f"(z) => {{ {MAP}.map.setView([39.9, 46.5], z, {{animate: false}}); }}", zoom)
        w.page.wait_for_timeout(50)
        boxes = w.js(f"{MAP}.labels()")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not boxes_overlap(a, b), (zoom, a, b)
        in_view = w.js(
            f"""() => {{ const m = {MAP}; const b = m.map.getBounds();
                const inside = m.visiblePlaces().filter((p) => b.contains(m.placeLatLng(p.name)));
                return new Set(inside.map((p) => p.name)).size; }}"""
        )
        share[zoom] = (len(boxes), in_view)
    assert share[8][0] >= 4
    assert share[3][0] / share[3][1] < share[8][0] / share[8][1]  # a smaller share of the places is named


def test_search_zooms_to_a_place_highlights_it_and_lists_its_mentions(seeds_page, seeds_data) -> None:
    w = seeds_page
    w.js(f"() => {{ {MAP}.map.setView([50, 20], 3, {{animate: false}}); }}")
    box = w.page.locator(".geo-search-input")
    box.fill("hadr")
    w.page.locator(".geo-result", has_text="Hadrut").wait_for(state="visible")
    box.press("Enter")
    name, _ = popup_names(w)
    assert name == "Hadrut"
    assert w.js(f"{MAP}.map.getZoom()") >= 8
    hadrut = sum(
        1
        for t in seeds_data["mentions"]["target"]
        if seeds_data["places"][seeds_data["targets"]["place"][t]]["name"] == "Hadrut"
    )
    assert w.page.locator(".leaflet-popup-content .geo-snippet").count() == min(5, hadrut)
    assert w.page.locator(".leaflet-popup-content").inner_text().count("Hadrut") >= 1
    assert w.js(f"{MAP}.permalink().place") == "Hadrut"


def test_filters_drive_the_map_and_the_timeline(seeds_page, seeds_data) -> None:
    w = seeds_page
    shown = expected_ids(seeds_data, None)  # the roles shown by default
    total = sum(w.js(f"{MAP}.timelineCounts()"))
    assert total == sum(1 for i, d in enumerate(seeds_data["mentions"]["day"]) if d and i in shown)
    w.page.locator(".geo-layers-toggle").click()
    w.page.locator(".geo-country select").select_option("AM")
    places = {p["name"] for p in w.js(f"{MAP}.visiblePlaces()")}
    assert places and all(next(pl for pl in seeds_data["places"] if pl["name"] == n)["country"] == "AM" for n in places)
    am = sum(
        1
        for i, t in enumerate(seeds_data["mentions"]["target"])
        if i in shown and seeds_data["places"][seeds_data["targets"]["place"][t]]["country"] == "AM"
    )
    assert sum(w.js(f"{MAP}.timelineCounts()")) == am < total
    w.page.locator(".geo-country select").select_option("")
    w.js(f"() => {MAP}.setFilters({{minConfidence: 0.8}})")
    scores = seeds_data["mentions"]["score"]
    assert set(w.ids()) == {i for i, s in enumerate(scores) if s >= 800 and i in shown}
    assert w.page.locator(".geo-confidence-value").inner_text() == "80%"


def test_permalink_restores_date_view_layers_and_filters(browser, seeds_file) -> None:
    w = open_page(browser, seeds_file)
    try:
        w.set_time(DAY)
        w.js(
            f"() => {{ {MAP}.map.setView([39.8, 46.7], 9, {{animate: false}});"
            f" {MAP}.setFilters({{kinds: {{demonym: false}}, minConfidence: 0.5}}); }}"
        )
        w.page.locator(".geo-layers-toggle").click()
        w.page.locator(".geo-layers label", has_text="Place labels").locator("input").uncheck()
        w.page.wait_for_function("location.hash.includes('conf=50') && location.hash.includes('labels')")
        state, url = w.js(f"{MAP}.permalink()"), w.page.url
        assert state["at"] == DAY and state["conf"] == "50"
    finally:
        w.page.close()
    w2 = open_page(browser, seeds_file)
    w2.page.goto("about:blank")
    w2.page.goto(url)
    w2.page.wait_for_function("window.geoMaps && Object.keys(window.geoMaps).length === 1")
    try:
        assert w2.js(f"{MAP}.getTime()") == DAY
        restored = w2.js(f"{MAP}.permalink()")
        lat, lon, zoom = map(float, restored.pop("view").split(","))
        lat0, lon0, zoom0 = map(float, state.pop("view").split(","))
        assert (abs(lat - lat0), abs(lon - lon0), zoom) < (0.01, 0.01, zoom0 + 0.01) and zoom == zoom0
        assert restored == state
        assert not [p for p in w2.js(f"{MAP}.visiblePlaces()") if p["class"] == "demonym"]
        assert w2.js(f"{MAP}.labels()") == []
        assert not w2.page.locator("input[data-kind='demonym']").is_checked()
        w2.check_clean()
    finally:
        w2.page.close()


def test_figure_mode_shows_a_clean_picture_with_no_controls(browser, seeds_file) -> None:
    w = open_map_page(browser, seeds_file.as_uri() + f"#figure=1&at={DAY}", viewport=(1400, 900))
    try:
        assert w.js(f"{MAP}.isFigure()") and w.js(f"{MAP}.getTime()") == DAY
        for control in (".leaflet-control-zoom", ".geo-time", ".geo-layers", ".geo-search", ".geo-play", ".geo-speed",
                        "input", "select", "button:not(.geo-legend-toggle)"):  # fmt: skip
            assert all(not e.is_visible() for e in w.page.locator(control).all()), control
        assert w.page.locator(".geo-title-text").is_visible()
        assert "19 September 2023" in w.page.locator(".geo-caption").inner_text()  # a figure spells the month out
        assert w.page.locator(".geo-legend-body").is_visible()
        assert w.page.locator(".leaflet-control-scale").is_visible()
        assert w.page.locator(".leaflet-control-attribution").is_visible()
        assert len(w.js(f"{MAP}.labels()")) >= 3
        assert (
            "figure" not in w.js("location.hash") or w.js("location.hash").count("view=") == 0
        )  # the hash is not rewritten
        w.check_clean()
    finally:
        w.page.close()


def test_on_a_phone_panels_are_collapsed_and_popups_fit(browser, seeds_file) -> None:
    w = open_map_page(browser, seeds_file.as_uri(), viewport=(390, 844))
    try:
        assert w.page.locator(".geo-layers-toggle").get_attribute("aria-expanded") == "false"
        assert not w.page.locator(".geo-legend").is_visible()
        time_box = w.page.locator(".geo-time").bounding_box()
        assert time_box["x"] >= 0 and time_box["x"] + time_box["width"] <= 390
        assert w.page.locator(".geo-slider").bounding_box()["height"] >= 24  # a thumb can hold it
        assert w.page.locator(".geo-play").bounding_box()["height"] >= 40
        w.js(f"() => {MAP}.openPopup('Hadrut')")
        popup = w.page.locator(".leaflet-popup-content-wrapper")
        popup.wait_for(state="visible")
        w.page.wait_for_timeout(400)  # Leaflet pans the popup into view
        box = popup.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] <= 844
        w.check_clean()
    finally:
        w.page.close()
