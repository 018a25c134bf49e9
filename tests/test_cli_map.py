"""``geo map`` end to end on the example articles in ``seeds/``, through ``geo.cli.main``.

The CLI runs on the session's real gazetteer (``--cache-dir`` of the
``full_gazetteer`` fixture), so no test builds an index of its own. The map's
data is read back from the JSON block the page embeds, the way the page's own
script reads it.
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path

import pytest

from geo.cli import main
from geo.maps.mapdata import read_page_payload
from geo.maps.render import CHROMIUM_PATH

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DATA_RE = re.compile(r'<script type="[^"]+" id="geo-data-[^"]+" data-encoding="([^"]+)">(.*?)</script>', re.DOTALL)

try:
    import playwright.sync_api  # noqa: F401

    _NO_BROWSER = (
        "" if os.access(CHROMIUM_PATH, os.X_OK) else f"no Chromium at {CHROMIUM_PATH} (apt-get install chromium)"
    )
except ImportError:  # pragma: no cover - depends on the machine
    _NO_BROWSER = "Playwright is not installed (pip install playwright)"

needs_browser = pytest.mark.skipif(bool(_NO_BROWSER), reason=_NO_BROWSER or "browser available")


@pytest.fixture(scope="module")
def cache_dir(full_gazetteer) -> str:
    return str(full_gazetteer.path.parent)


def map_data(html_text: str) -> dict:
    """The map data embedded in a page or fragment (exactly one block expected)."""
    blocks = _DATA_RE.findall(html_text)
    assert len(blocks) == 1, f"{len(blocks)} data blocks"
    return read_page_payload(*blocks[0])


def run_map(capsys: pytest.CaptureFixture[str], cache_dir: str, *args: str) -> tuple[int, str]:
    code = main(["map", *args, "--offline", "--cache-dir", cache_dir])
    return code, capsys.readouterr().err


def png_size(data: bytes) -> tuple[int, int]:
    # The IHDR chunk always comes first: length, b"IHDR", width, height.
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_map_of_the_seeds_writes_one_offline_html_file(tmp_path, capsys, cache_dir) -> None:
    out = tmp_path / "seeds.html"
    code, err = run_map(capsys, cache_dir, str(SEEDS), "-o", str(out), "--title", "Seeds <b>&</b>")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds.html"]  # no temporary file left behind
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    data = map_data(page)
    assert {a["id"] for a in data["articles"]} == {p.stem for p in SEEDS.glob("*.txt")}
    assert data["stats"]["mentions"] > 20
    assert data["domain"]["max"] == "2025-11-08"
    assert f"({data['stats']['mentions']} mentions)" in err
    # Offline: nothing is fetched, no tile layer is configured.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", page)
    assert "tile.openstreetmap" not in page
    # The title is shown as text, never as markup.
    assert "<title>Seeds &lt;b&gt;&amp;&lt;/b&gt;</title>" in page
    assert "<b>&</b>" not in page


def test_embed_writes_a_fragment_beside_the_page(tmp_path, capsys, cache_dir) -> None:
    out, frag = tmp_path / "seeds.html", tmp_path / "frag.html"
    code, err = run_map(capsys, cache_dir, str(SEEDS), "-o", str(out), "--embed", str(frag))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frag.html", "seeds.html"]
    text = frag.read_text(encoding="utf-8")
    assert text.count('class="geo-embed"') == 1
    assert "<html" not in text.lower() and "<body" not in text.lower()
    assert "GeoTime.create(" in text
    assert "if (!window.L)" in text  # Leaflet inlined, once per page
    frag_data, page_data = map_data(text), map_data(out.read_text(encoding="utf-8"))
    assert frag_data["domain"] == page_data["domain"]
    assert frag_data["stats"] == page_data["stats"]
    assert f"wrote {frag}" in err


@needs_browser
def test_png_at_a_date(tmp_path, capsys, cache_dir) -> None:
    out, png = tmp_path / "seeds.html", tmp_path / "seeds.png"
    code, err = run_map(capsys, cache_dir, str(SEEDS), "-o", str(out), "--png", str(png), "--at", "2023-09-19")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds.html", "seeds.png"]
    data = png.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert png_size(data) == (1400, 900)  # save_png's default viewport
    assert 20_000 < len(data) < 5_000_000  # a drawn map, not a blank page or a runaway capture
    assert f"wrote {png}" in err


def test_a_bad_at_date_is_an_error_naming_it(tmp_path, capsys, cache_dir) -> None:
    code, err = run_map(
        capsys,
        cache_dir,
        str(SEEDS),
        "-o",
        str(tmp_path / "s.html"),
        "--png",
        str(tmp_path / "s.png"),
        "--at",
        "19/09/2023",
    )
    assert code == 2
    assert "geo: error:" in err and "19/09/2023" in err and "YYYY-MM-DD" in err
    assert not (tmp_path / "s.png").exists()


@pytest.mark.parametrize("content", [{"calm.txt": "date 2024-03-02 The weather was fine and nothing happened.\n"}, {}])
def test_a_folder_with_no_places_is_an_error_naming_it(tmp_path, capsys, cache_dir, content) -> None:
    folder = tmp_path / "quiet"
    folder.mkdir()
    for name, text in content.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "quiet.html"
    code, err = run_map(capsys, cache_dir, str(folder), "-o", str(out))
    assert code == 2
    assert f"geo: error: no place mentions found in {folder}" in err
    assert "geo parse" in err  # says what to do
    assert not out.exists()


def test_a_parquet_of_mentions_can_be_mapped(tmp_path, capsys, cache_dir) -> None:
    table = tmp_path / "mentions.parquet"
    code = main(["parse", str(SEEDS), "--format", "parquet", "-o", str(table), "--cache-dir", cache_dir])
    err = capsys.readouterr().err
    assert code == 0, err
    import pandas as pd

    rows = len(pd.read_parquet(table))
    assert rows > 20
    from_table, from_articles = tmp_path / "table.html", tmp_path / "articles.html"
    code, err = run_map(capsys, cache_dir, str(table), "-o", str(from_table))
    assert code == 0, err
    assert f"({rows} mentions)" in err
    code, err = run_map(capsys, cache_dir, str(SEEDS), "-o", str(from_articles))
    assert code == 0, err
    t, a = map_data(from_table.read_text(encoding="utf-8")), map_data(from_articles.read_text(encoding="utf-8"))
    assert t["stats"]["mentions"] == rows == a["stats"]["mentions"]
    assert t["domain"] == a["domain"]
    assert [x["id"] for x in t["articles"]] == [x["id"] for x in a["articles"]]
    assert sorted(p["name"] for p in t["places"]) == sorted(p["name"] for p in a["places"])


def test_an_articles_url_and_the_at_date_reach_the_map(tmp_path, capsys, cache_dir) -> None:
    source = tmp_path / "news.jsonl"
    source.write_text(
        json.dumps({"id": "a1", "title": "Talks", "url": "https://news.example.org/a1", "date": "2023-09-19",
                    "text": "Officials met in Yerevan on Tuesday."}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "news.html"
    code, err = run_map(capsys, cache_dir, str(source), "-o", str(out), "--at", "2023-09-19")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    data = map_data(page)
    assert data["articles"][0]["url"] == "https://news.example.org/a1"
    assert data["articles"][0]["source"] == "news.example.org"
    assert '"at":"2023-09-19"' in page  # the map opens on that date
