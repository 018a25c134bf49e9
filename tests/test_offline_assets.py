"""No blank pages: Leaflet and the map's code are always inlined; online maps only add tiles, and when
the tiles fail the outline basemap switches on by itself. Checked on the HTML and in real headless
Chromium with the network blocked."""

from __future__ import annotations

import base64
import html as htmlmod
import os
import re

import pytest
from mapfixtures import story

from geo.maps import assets
from geo.maps.mapdata import build_map_data
from geo.maps.render import CHROMIUM_PATH, build_map, embed_fragment, save_map

# What makes a browser fetch: script/link/img/iframe sources, CSS url() and @import.
FETCH = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)
# A tiny valid PNG to stand in for map tiles.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def data():
    return build_map_data(story(), window="P7D")


@pytest.fixture(scope="module")
def files(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("assets")
    return {
        "offline": save_map(data, d / "offline.html", offline=True, title="Offline"),
        "online": save_map(data, d / "online.html", title="Online"),
    }


@pytest.mark.parametrize("kind", ["offline", "online"])
def test_no_script_or_style_comes_from_outside(files, kind):
    page = files[kind].read_text(encoding="utf-8")
    assert not FETCH.search(page), FETCH.search(page)
    assert "<script src" not in page and "<link" not in page
    assert f'.version="{assets.LEAFLET_VERSION}"' in page  # Leaflet itself, inlined
    assert "window.GeoBasemap" in page and "topojson" in page
    # Only an online map names a tile server, and only as data for Leaflet.
    assert ("tile.openstreetmap" in page) == (kind == "online")


def test_jupyter_repr_inlines_the_pinned_assets(data):
    shown = build_map(data)._repr_html_()
    srcdoc = htmlmod.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1))
    assert not FETCH.search(shown) and not FETCH.search(srcdoc)
    assert "leaflet@1.9.3" not in srcdoc and "cdn.jsdelivr" not in srcdoc.lower()
    assert f'.version="{assets.LEAFLET_VERSION}"' in srcdoc
    assert "jquery" not in srcdoc.lower() and "bootstrap" not in srcdoc.lower()


def test_online_fragment_is_inlined_and_guarded(data):
    frag = embed_fragment(data)
    assert not FETCH.search(frag)
    assert "if (!window.L)" in frag and "if (!window.topojson)" in frag


# ---------------------------------------------------------------- in the browser

try:
    import playwright.sync_api  # noqa: F401

    _NO_BROWSER = "" if os.access(CHROMIUM_PATH, os.X_OK) else f"no Chromium at {CHROMIUM_PATH}"
except ImportError:  # pragma: no cover - depends on the machine
    _NO_BROWSER = "Playwright is not installed (pip install playwright)"
needs_browser = pytest.mark.skipif(bool(_NO_BROWSER), reason=_NO_BROWSER or "browser available")


class Page:
    """A page whose every request outside file:/data: goes to ``tiles`` (default: refused)."""

    def __init__(self, browser, tiles: str = "abort") -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
                return
            self.foreign.append(url)
            if tiles == "serve" and url.endswith(".png"):
                r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
            elif tiles == "abort":
                r.abort()
            # "hang": never answered, like a network that swallows packets

        self.page.route("**/*", route)

    def open(self, path) -> Page:
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("window.geoMaps && Object.keys(window.geoMaps).length > 0", timeout=20000)
        return self

    def js(self, expr: str):
        return self.page.evaluate(expr)


@needs_browser
@pytest.mark.browser
def test_offline_map_makes_no_request_at_all(browser, files):
    p = Page(browser).open(files["offline"])
    try:
        p.page.wait_for_selector(".geo-map[data-geo-ready='1']")
        assert p.foreign == [] and p.errors == []
        assert p.js("document.querySelector('.geo-map').classList.contains('geo-base-on')")
        assert p.js("document.querySelectorAll('.geo-base-label').length") > 5
    finally:
        p.page.close()


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("tiles", ["abort", "hang"])
def test_online_map_without_network_draws_leaflet_and_the_outlines_with_a_notice(browser, files, tiles):
    p = Page(browser, tiles).open(files["online"])
    try:
        # Tiles were asked for, and failed (refused at once, or no answer for a few seconds).
        p.page.wait_for_selector(".geo-base-notice", timeout=15000)
        assert p.foreign and all("tile.openstreetmap" in u for u in p.foreign)
        assert p.js("typeof L") == "object" and p.js("L.version") == assets.LEAFLET_VERSION
        assert p.js("document.querySelector('.geo-map').classList.contains('geo-base-on')")
        notice = p.page.locator(".geo-base-notice")
        assert notice.is_visible() and "built-in country outlines" in notice.inner_text()
        assert notice.get_attribute("role") == "status"
        assert p.js("document.querySelectorAll('.geo-base-label').length") > 5
        assert p.js("document.querySelector('.leaflet-control-attribution').textContent").count("Natural Earth") == 1
        # The layer panel tells the truth about what is drawn.
        boxes = p.js("""() => Object.fromEntries([...document.querySelectorAll('.geo-layer-item')].map(
                         (l) => [l.textContent.trim(), l.querySelector('input').checked]))""")
        assert boxes["OpenStreetMap tiles"] is False and boxes["Countries"] is True
        # The data is drawn as well: the map did not stop at the failure.
        assert p.js("Object.values(window.geoMaps)[0].drawnCount()") > 0
        # The notice can be dismissed.
        p.page.locator(".geo-base-notice-close").click()
        assert p.js("document.querySelectorAll('.geo-base-notice').length") == 0
        assert p.errors == []
    finally:
        p.page.close()


@needs_browser
@pytest.mark.browser
def test_online_map_with_tiles_keeps_them_and_shows_no_notice(browser, files):
    p = Page(browser, "serve").open(files["online"])
    try:
        p.page.wait_for_selector(".leaflet-tile-loaded", timeout=15000)
        p.page.wait_for_timeout(4500)  # past the wait after which missing tiles count as failed
        assert p.js("document.querySelectorAll('.geo-base-notice').length") == 0
        assert not p.js("document.querySelector('.geo-map').classList.contains('geo-base-on')")
        assert p.js("document.querySelectorAll('.leaflet-tile-loaded').length") > 0
        assert p.errors == []
    finally:
        p.page.close()


@needs_browser
@pytest.mark.browser
def test_jupyter_output_draws_with_no_network(browser, data):
    shown = build_map(data, title="Notebook")._repr_html_()
    p = Page(browser)
    try:
        p.page.set_content(f"<html><body><h1>Notebook</h1>{shown}</body></html>", wait_until="load")
        frame = p.page.frames[1]
        frame.wait_for_function("window.geoMaps && Object.keys(window.geoMaps).length > 0", timeout=20000)
        assert frame.evaluate("L.version") == assets.LEAFLET_VERSION
        frame.wait_for_selector(".geo-base-notice", timeout=15000)  # online map, no network: outlines instead
        assert frame.evaluate("document.querySelector('.geo-map').classList.contains('geo-base-on')")
        assert p.errors == []
        assert all("tile.openstreetmap" in u for u in p.foreign)
    finally:
        p.page.close()


@needs_browser
@pytest.mark.browser
def test_fragment_draws_on_a_page_with_an_amd_loader(browser, data, tmp_path):
    # Report pages and classic notebooks often carry RequireJS: a UMD library would register with it
    # instead of defining its global, and the map would find no L or topojson.
    page_file = tmp_path / "report.html"
    amd = "<script>window.define = function () {}; window.define.amd = {};</script>"
    page_file.write_text(f"<!DOCTYPE html><html><head>{amd}</head><body><h1>Report</h1>"
                         f"{embed_fragment(data, offline=True)}</body></html>", encoding="utf-8")  # fmt: skip
    p = Page(browser).open(page_file)
    try:
        assert p.js("typeof L") == "object" and p.js("typeof topojson") == "object"
        p.page.wait_for_selector(".geo-map[data-geo-ready='1']")
        assert p.js("document.querySelectorAll('.geo-base-label').length") > 5
        assert p.errors == [] and p.foreign == []
    finally:
        p.page.close()
