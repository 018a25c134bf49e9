"""Clicks on small countries at the zoom a world-wide story opens at, in real headless Chromium.

Synthetic mentions (tests/mapfixtures.py) with the countries' outlines from the offline basemap;
every test fails on console errors, page errors, dialogs and requests that leave the machine.
"""

from __future__ import annotations

import pytest
from mapfixtures import mention, open_map_page, skip_module_without_browser, story

from geo.maps.basemap import country_shape
from geo.maps.mapdata import build_map_data
from geo.maps.render import save_map

pytestmark = pytest.mark.browser

skip_module_without_browser()

MAP = "window.geoMaps[Object.keys(window.geoMaps)[0]]"


def korea() -> list[dict]:
    """Two small neighbours (outlined as the gazetteer would) and their capitals, with the story's places around."""
    return [
        *story(),
        mention("k", "Korea", "North Korea", "1873107", "PCLI", "KP", 40.0, 127.0, "2023-09-18",
                "North Korea fired a missile.", published="2023-09-19", geometry=country_shape("KP")),
        mention("k", "Korea", "Pyongyang", "1871859", "PPLC", "KP", 39.0339, 125.7543, "2023-09-18",
                "Pyongyang said nothing.", published="2023-09-19"),
        mention("k", "Korea", "South Korea", "1835841", "PCLI", "KR", 36.5, 127.75, "2023-09-18",
                "South Korea protested.", published="2023-09-19", geometry=country_shape("KR")),
        mention("k", "Korea", "Seoul", "1835848", "PPLC", "KR", 37.566, 126.9784, "2023-09-18",
                "Officials in Seoul met.", published="2023-09-19"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def korea_data():
    return build_map_data(korea(), window="P3D")


@pytest.fixture()
def page(browser, tmp_path, korea_data):
    w = open_map_page(browser, save_map(korea_data, tmp_path / "korea.html", offline=True).as_uri())
    yield w
    w.page.close()
    w.check_clean()


def page_point(w, lat: float, lon: float) -> dict:
    return w.js(
        f"""([lat, lon]) => {{ const m = {MAP}; const p = m.map.latLngToContainerPoint([lat, lon]);
            const r = m.map.getContainer().getBoundingClientRect(); return {{x: r.left + p.x, y: r.top + p.y}}; }}""",
        [lat, lon],
    )


def popup_names(w) -> tuple[str, list[str]]:
    popup = w.page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=5000)
    here = [t.strip().split("\n")[0].strip() for t in popup.locator(".geo-here-item").all_inner_texts()]
    return popup.locator(".geo-popup-name").inner_text(), here


def test_a_click_on_a_small_country_off_its_capitals_dot_opens_the_country_alone(page, korea_data):
    from shapely.geometry import Point, shape

    w = page
    assert w.js(f"{MAP}.map.getZoom()") <= 3  # the world-wide first view, where North Korea is a few dots wide
    tg = korea_data["targets"]
    target = next(
        t for t, p in enumerate(tg["place"]) if korea_data["places"][p]["name"] == "North Korea" and tg["shape"][t]
    )
    outline = shape(korea_data["shapes"][korea_data["targets"]["shape"][target]])
    south, west, north, east = outline.bounds[1], outline.bounds[0], outline.bounds[3], outline.bounds[2]
    clicked = 0
    for i in range(1, 10):
        for j in range(1, 10):
            lat, lon = south + (north - south) * i / 10, west + (east - west) * j / 10
            if not outline.buffer(-0.25).contains(Point(lon, lat)):
                continue  # within a pixel of the border: a neighbour's outline is as near
            w.js(f"() => {{ {MAP}.map.closePopup(); }}")  # an open popup may cover the next point
            w.page.wait_for_timeout(300)  # its fade-out
            pt = page_point(w, lat, lon)
            dots = [w.js(f"{MAP}.placePoint({name!r})") for name in ("Pyongyang", "Seoul")]
            if any(d and ((d["x"] - pt["x"]) ** 2 + (d["y"] - pt["y"]) ** 2) ** 0.5 < 9 for d in dots):
                continue  # on a capital's dot (radius 6.6 px and its outline): the capital rightly wins there
            w.page.mouse.click(pt["x"], pt["y"])
            name, here = popup_names(w)
            assert (name, here) == ("North Korea", []), (lat, lon, pt, dots)
            clicked += 1
    assert clicked >= 2


def test_a_click_on_the_capitals_dot_still_opens_the_capital(page):
    w = page
    pt = w.js(f"{MAP}.placePoint('Pyongyang')")
    w.page.mouse.click(pt["x"], pt["y"])
    name, here = popup_names(w)
    assert name == "Pyongyang" and "North Korea" in here  # the country under the dot is listed to choose from
