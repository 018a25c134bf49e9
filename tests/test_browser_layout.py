"""What a reader sees first, in real headless Chromium, at the sizes a map is published at: a desktop
window, a report column (700x450) and a narrow embed or phone (360x450): nothing the map draws on
top of the story covers another panel, and the first view keeps the story clear of the panels.

Synthetic mentions (tests/mapfixtures.py). Every request that is not ``file:`` or ``data:`` is
refused, so an online map's tiles fail as they do on a machine without network.
"""

from __future__ import annotations

import pytest
from mapfixtures import boxes_overlap, mention, open_map_page, skip_module_without_browser, story

from geo.maps.mapdata import build_map_data
from geo.maps.render import save_map

pytestmark = pytest.mark.browser

skip_module_without_browser()

MAP = "window.geoMaps[Object.keys(window.geoMaps)[0]]"
SIZES = [(1366, 768), (700, 450), (360, 450)]

# The boxes of every visible panel on the map: Leaflet's controls, the title and the time control.
PANEL_BOXES = """(sel) => [...document.querySelectorAll(sel)].filter((e) => {
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  }).map((e) => { const r = e.getBoundingClientRect();
    return { name: e.className, x: r.left, y: r.top, w: r.width, h: r.height }; })"""
PANELS = ".leaflet-control, .geo-title"


@pytest.fixture(scope="module")
def story_data():
    return build_map_data(story(), window="P3D")


def region() -> list[dict]:
    """A story whose places reach further north-south than the narrow box is wide: from Moscow to Baku."""
    places = [
        ("Moscow", 55.7558, 37.6173, "RU"),
        ("Kyiv", 50.45, 30.5236, "UA"),
        ("Brussels", 50.8503, 4.3517, "BE"),
        ("Istanbul", 41.0138, 28.9497, "TR"),
        ("Baku", 40.3777, 49.892, "AZ"),
        ("Stepanakert", 39.8156, 46.752, "AZ"),
    ]
    return [mention(f"d{i}", f"Article {i}", name, str(1000 + i), "PPLA", cc, lat, lon, f"2023-09-{10 + i:02d}",
                    f"Officials met in {name}.") for i, (name, lat, lon, cc) in enumerate(places * 3)]  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory, story_data):
    folder = tmp_path_factory.mktemp("layout")
    return {
        "online": save_map(story_data, folder / "online.html", title="Story of three places, 1965-2025"),
        "offline": save_map(
            story_data, folder / "offline.html", offline=True, title="Story of three places, 1965-2025"
        ),
        "region": save_map(
            build_map_data(region()), folder / "region.html", offline=True, title="Moscow to Baku, 2023"
        ),
    }


def page_errors(w) -> list[str]:
    """The page's errors, less the refused tile loads (recorded in w.foreign)."""
    return [e for e in w.errors if "net::ERR_FAILED" not in e and "Failed to load resource" not in e]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tile_failure_notice_covers_no_panel_and_stays_inside_the_map(browser, files, size):
    w = open_map_page(browser, files["online"].as_uri(), viewport=size)
    try:
        notice = w.page.locator(".geo-base-notice")
        notice.wait_for(state="visible", timeout=15000)  # the tiles were refused: the outlines replace them
        n = w.js(PANEL_BOXES, ".geo-base-notice")[0]
        others = [b for b in w.js(PANEL_BOXES, PANELS) if "geo-base-notice" not in b["name"]]
        assert others, "no panels found to compare with"
        covered = [b["name"] for b in others if boxes_overlap(n, b)]
        assert covered == [], f"the notice {n} covers {covered} at {size}"
        assert n["x"] >= 0 and n["y"] >= 0 and n["x"] + n["w"] <= size[0] and n["y"] + n["h"] <= size[1], n
        assert "built-in country outlines" in notice.inner_text()
        w.page.locator(".geo-base-notice-close").click()
        assert w.page.locator(".geo-base-notice").count() == 0
        assert page_errors(w) == [] and w.dialogs == []
    finally:
        w.page.close()


@pytest.mark.parametrize("which", ["offline", "region"])
@pytest.mark.parametrize("size", [*SIZES, (390, 844)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_view_keeps_the_story_clear_of_title_and_time_control(browser, files, story_data, size, which):
    w = open_map_page(browser, files[which].as_uri(), viewport=size)
    try:
        focus = story_data["focus_bounds"] if which == "offline" else build_map_data(region())["focus_bounds"]
        story_box = w.js(
            f"""(b) => {{ const m = {MAP}.map, r = m.getContainer().getBoundingClientRect();
                 const a = m.latLngToContainerPoint(b[0]), c = m.latLngToContainerPoint(b[1]);
                 return {{ x: r.left + Math.min(a.x, c.x), y: r.top + Math.min(a.y, c.y),
                           w: Math.abs(a.x - c.x), h: Math.abs(a.y - c.y) }}; }}""",
            focus,
        )
        panels = w.js(PANEL_BOXES, ".geo-title, .geo-time")
        assert len(panels) == 2, panels
        covering = [p["name"] for p in panels if boxes_overlap(story_box, p)]
        assert covering == [], f"at {size} the story {story_box} lies under {covering}: {panels}"
        w.check_clean()
    finally:
        w.page.close()


def test_a_popup_near_the_top_of_a_phone_opens_clear_of_the_search_box_and_zoom_buttons(browser, files):
    w = open_map_page(browser, files["offline"].as_uri(), viewport=(390, 844))
    try:
        # Lisbon just under the top controls, where its popup would open beneath them.
        w.js(f"""() => {{ const m = {MAP}.map; m.setView([38.7167, -9.1333], 5, {{ animate: false }});
                  m.panBy([0, 280], {{ animate: false }}); }}""")
        w.page.wait_for_timeout(200)
        pt = w.js(f"{MAP}.placePoint('Lisbon')")
        w.page.mouse.click(pt["x"], pt["y"])
        popup = w.page.locator(".leaflet-popup-content-wrapper")
        popup.wait_for(state="visible", timeout=5000)
        w.page.wait_for_timeout(600)  # the pan that brings the popup into view
        box = w.js(PANEL_BOXES, ".leaflet-popup-content-wrapper")[0]
        covering = [
            b["name"] for b in w.js(PANEL_BOXES, ".leaflet-top .leaflet-control, .geo-title") if boxes_overlap(box, b)
        ]
        assert covering == [], (box, covering)
        assert w.page.locator(".geo-popup-name").inner_text() == "Lisbon"
        w.check_clean()
    finally:
        w.page.close()
