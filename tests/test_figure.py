"""Pictures for reports: figure mode (URL hash figure=1) hides every control and shows title, date,
count, legend, labels, scale bar and attribution; save_png / geo map --png draw it at a chosen size and
pixel density, --pdf as one page. Real headless Chromium."""

from __future__ import annotations

import os
import re
import struct

import pytest
from mapfixtures import story

from geo.cli import main
from geo.errors import InputError
from geo.maps.mapdata import build_map_data
from geo.maps.render import CHROMIUM_PATH, save_map, save_png

try:
    import playwright.sync_api  # noqa: F401

    _NO_BROWSER = "" if os.access(CHROMIUM_PATH, os.X_OK) else f"no Chromium at {CHROMIUM_PATH}"
except ImportError:  # pragma: no cover - depends on the machine
    _NO_BROWSER = "Playwright is not installed (pip install playwright)"
needs_browser = pytest.mark.skipif(bool(_NO_BROWSER), reason=_NO_BROWSER or "browser available")

# Anything a reader could click or type into, and the controls that hold them.
INTERACTIVE = (
    "button, input, select, textarea, a.leaflet-control-zoom-in, .leaflet-control-zoom, "
    ".leaflet-control-layers, .geo-time, .geo-layers, .leaflet-popup"
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def data():
    return build_map_data(story(), window="P7D")


@pytest.fixture(scope="module")
def map_file(tmp_path_factory, data):
    return save_map(data, tmp_path_factory.mktemp("figure") / "story.html", offline=True, title="Story of four decades")


def open_figure(browser, path, fragment: str, viewport=(1200, 800)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{path.as_uri()}#{fragment}", wait_until="load")
    page.wait_for_selector(".geo-map[data-geo-ready='1']", timeout=20000)
    return page, errors


def visible(page, selector: str) -> list[str]:
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].filter((n) => {
             const r = n.getBoundingClientRect(); const s = getComputedStyle(n);
             return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
           }).map((n) => n.className || n.tagName)""",
        selector,
    )


@needs_browser
@pytest.mark.browser
def test_figure_mode_at_a_date_has_no_controls_and_says_what_it_shows(browser, map_file):
    page, errors = open_figure(browser, map_file, "figure=1&at=2001-09-10")
    try:
        assert visible(page, INTERACTIVE) == []
        caption = page.locator(".geo-figure-caption").inner_text()
        assert "Story of four decades" in caption and "10 September 2001" in caption
        shown = page.evaluate("Object.values(window.geoMaps)[0].visiblePlaces().reduce((n, p) => n + p.count, 0)")
        assert shown > 0 and f"{shown} mention" in caption
        for part in (".geo-legend", ".leaflet-control-scale", ".leaflet-control-attribution", ".geo-base-label"):
            assert visible(page, part), part
        assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
def test_figure_of_all_dates_counts_every_mention(browser, map_file, data):
    page, errors = open_figure(browser, map_file, "figure=1")
    try:
        caption = page.locator(".geo-figure-caption").inner_text()
        assert "All dates, 1 March 1965 \u2013 8 November 2025" in caption
        total = sum(p["count"] for p in data["places"])
        assert f"{total} mentions" in caption and "0 mentions" not in caption
        assert visible(page, INTERACTIVE) == []
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
def test_without_the_hash_the_map_stays_interactive(browser, map_file):
    page, errors = open_figure(browser, map_file, "")
    try:
        assert visible(page, ".leaflet-control-zoom") and visible(page, ".geo-time")
        assert page.evaluate("document.querySelectorAll('.geo-figure-caption').length") == 0
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
def test_save_png_at_size_and_scale(tmp_path, map_file):
    out = save_png(map_file, tmp_path / "fig.png", width=800, height=500, scale=2, at="2001-09-10")
    assert png_size(out.read_bytes()) == (1600, 1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]  # no temporary file left behind


@needs_browser
@pytest.mark.browser
def test_save_png_writes_a_one_page_pdf_of_the_figure(tmp_path, map_file):
    assert save_png(map_file, None, pdf_path=tmp_path / "fig.pdf", width=800, height=500) is None
    pdf = (tmp_path / "fig.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    # 800x500 CSS pixels are 600x375 points.
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box and abs(float(box.group(1)) - 600) < 1 and abs(float(box.group(2)) - 375) < 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 0}, "must be positive"),
        ({"scale": -1}, "must be positive"),
        ({"width": 9000, "scale": 2}, "at most 16384"),
        ({"at": "10/09/2001"}, "YYYY-MM-DD"),
    ],
)
def test_bad_picture_options_are_errors_naming_them(tmp_path, map_file, kwargs, message):
    with pytest.raises(InputError, match=message):
        save_png(map_file, tmp_path / "x.png", **kwargs)
    assert not (tmp_path / "x.png").exists()


def test_a_directory_is_never_replaced_by_the_picture(tmp_path, map_file):
    (tmp_path / "pics").mkdir()
    with pytest.raises(InputError, match="is a folder; give a file name"):
        save_png(map_file, tmp_path / "pics")
    assert (tmp_path / "pics").is_dir()


@pytest.fixture(scope="module")
def mentions_table(tmp_path_factory):
    import pandas as pd

    path = tmp_path_factory.mktemp("table") / "mentions.parquet"
    pd.DataFrame([{k: v for k, v in row.items() if k != "geometry"} for row in story()]).to_parquet(path)
    return path


@needs_browser
@pytest.mark.browser
def test_cli_png_and_pdf_at_size_and_scale(tmp_path, capsys, mentions_table):
    out, png, pdf = tmp_path / "m.html", tmp_path / "m.png", tmp_path / "m.pdf"
    code = main(["map", str(mentions_table), "-o", str(out), "--offline", "--title", "Story",
                 "--png", str(png), "--pdf", str(pdf), "--size", "640x400", "--scale", "2"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert png_size(png.read_bytes()) == (1280, 800)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert f"wrote {png}" in err and f"wrote {pdf}" in err


@pytest.mark.parametrize(
    ("option", "value"), [("--size", "big"), ("--size", "1600*"), ("--scale", "0"), ("--scale", "x")]
)
def test_cli_bad_size_or_scale_is_an_error_naming_it(tmp_path, capsys, mentions_table, option, value):
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "map",
                str(mentions_table),
                "-o",
                str(tmp_path / "m.html"),
                "--png",
                str(tmp_path / "m.png"),
                option,
                value,
            ]
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert option in err and repr(value) in err
    assert not (tmp_path / "m.html").exists()


@needs_browser
@pytest.mark.browser
def test_figure_of_an_online_map_without_network_waits_for_the_outlines(browser, tmp_path, data):
    online = save_map(data, tmp_path / "online.html", title="Online")
    page = browser.new_page(viewport={"width": 900, "height": 600})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    try:
        page.goto(f"{online.as_uri()}#figure=1", wait_until="load")
        page.wait_for_selector(".geo-map[data-geo-ready='1']", timeout=20000)
        # Ready only once the tiles failed and the outlines took over: never a grey void.
        assert page.evaluate("document.querySelector('.geo-map').classList.contains('geo-base-on')")
        assert visible(page, ".geo-base-notice") == [] and visible(page, INTERACTIVE) == []
    finally:
        page.close()
    out = save_png(online, tmp_path / "online.png", width=600, height=400)
    assert png_size(out.read_bytes()) == (600, 400)
