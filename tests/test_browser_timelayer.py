"""The time layer as a folium plugin: ``TimeLayer(mentions).add_to(m)`` on a plain ``folium.Map``, in real Chromium.

The page is opened with every request that is not ``file:`` or ``data:``
refused, as on a machine without network: folium's own CDN links (jQuery,
Bootstrap, fonts) and its tiles fail, and the layer must draw all the same
from what it inlines.
"""

from __future__ import annotations

import folium
import pytest
from mapfixtures import open_map_page, skip_module_without_browser, story

from geo.maps import TimeLayer
from geo.maps.mapdata import build_map_data

pytestmark = pytest.mark.browser

skip_module_without_browser()

FIRST_MAP = "window.geoMaps[Object.keys(window.geoMaps)[0]]"


@pytest.fixture(scope="module")
def story_data():
    return build_map_data(story(), window="P3D")


def page_errors(w) -> list[str]:
    """The page's errors, less the refused loads of folium's CDN files and tiles (counted in w.foreign)."""
    return [e for e in w.errors if "net::ERR_FAILED" not in e and "Failed to load resource" not in e]


def save(m: folium.Map, path):
    path.write_text(m.get_root().render(), encoding="utf-8")
    return path


def test_plain_folium_map_with_time_layer_shows_features_and_slider(browser, tmp_path, story_data):
    m = folium.Map(location=[30, 0], zoom_start=2)  # folium's defaults: OpenStreetMap tiles, CDN links
    TimeLayer(story_data, title="Plain folium map").add_to(m)
    folium.Marker([51.5, -0.12], tooltip="London, a marker of the user's own").add_to(m)
    w = open_map_page(browser, save(m, tmp_path / "plain.html").as_uri())
    try:
        assert page_errors(w) == [] and w.dialogs == []
        # The refused requests were folium's and the tiles', none of the layer's.
        assert w.foreign and all("leaflet@" not in url for url in w.foreign)
        version = w.js("window.L && L.version")
        assert version == "1.9.4", version  # the pinned Leaflet, in place of folium's 1.9.3 link
        # The slider is there, starts at the first date and steps through the story.
        slider = w.page.locator(".geo-slider")
        assert slider.count() == 1 and slider.is_visible()
        assert w.js("GeoTime.dayToIso(+document.querySelector('.geo-slider').value)") == "1965-03-01"
        places = w.js(f"(d) => {{ const m = {FIRST_MAP}; m.setTime(d); return m.visiblePlaces().map((p) => p.name); }}",
                      "2001-09-10")  # fmt: skip
        assert {"Washington", "New York City"} <= set(places) and "Paris" not in places
        # Features are drawn on the page, not only known to the script.
        assert w.js(f"{FIRST_MAP}.drawnCount()") > 0
        assert w.page.locator(".geo-title-text").inner_text() == "Plain folium map"
        # The user's own marker is on the same Leaflet map.
        assert w.page.locator(".leaflet-marker-icon").count() >= 1
        # The map has tiles of its own (refused here), so the layer's outlines wait in the layer control.
        assert w.page.locator(".geo-map.geo-base-on").count() == 0
    finally:
        w.page.close()


def test_outlines_switch_on_by_themselves_only_on_a_map_without_tiles(browser, tmp_path, story_data):
    m = folium.Map(tiles=None)
    TimeLayer(story_data, at="2023-09-19").add_to(m)
    w = open_map_page(browser, save(m, tmp_path / "no-tiles.html").as_uri())
    try:
        assert page_errors(w) == [] and w.dialogs == []
        assert not any("tile" in url for url in w.foreign), w.foreign  # tiles=None: the only refusals are folium's CDN
        assert w.js(f"{FIRST_MAP}.getTime()") == "2023-09-19"
        assert w.page.locator(".geo-map.geo-base-on").count() == 1  # the country outlines are drawn
    finally:
        w.page.close()


def test_layer_options_reach_the_page(browser, tmp_path, story_data):
    # On a map with tiles the outlines stay off unless asked for; basemap="none" carries none at all.
    with_tiles = folium.Map()
    TimeLayer(story_data, basemap="countries").add_to(with_tiles)
    bare = folium.Map(tiles=None)
    TimeLayer(story_data, basemap="none").add_to(bare)
    for m, outlines in ((with_tiles, 1), (bare, 0)):
        w = open_map_page(browser, save(m, tmp_path / f"options-{outlines}.html").as_uri())
        try:
            assert page_errors(w) == []
            assert w.page.locator(".geo-map.geo-base-on").count() == outlines
            assert w.page.locator(".geo-slider").count() == 1
        finally:
            w.page.close()
