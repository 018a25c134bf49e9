"""Synthetic place mentions for the map tests (no gazetteer, no articles)."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import pytest

HOSTILE_TITLE = 'Nine-eleven <script>alert(1)</script> "quoted" `tick` </div> {{ 7*7 }}'
HOSTILE_SENTENCE = "Calm day in New York City </div><script>alert(2)</script> & 'more' {% raw %}."


def mention(
    doc: str,
    title: str,
    name: str,
    gid: str,
    feature: str,
    country: str,
    lat: float | None,
    lon: float | None,
    date: Any,
    sentence: str,
    text: str | None = None,
    *,
    kind: str = "toponym",
    published: Any = None,
    geometry: Any = None,
    score: float | None = 0.9,
    date_source: str = "text",
    date_text: str = "",
    sentence_start: int = 100,
) -> dict[str, Any]:
    """One mention row as the pipeline produces it; offsets are consistent."""
    text = text or name
    i = sentence.find(text)
    assert i >= 0, (text, sentence)
    return {
        "doc": doc,
        "title": title,
        "start": sentence_start + i,
        "end": sentence_start + i + len(text),
        "text": text,
        "name": name,
        "id": gid,
        "kind": kind,
        "feature": feature,
        "country": country,
        "lat": lat,
        "lon": lon,
        "geometry_type": (geometry or {}).get("type", "Point") if isinstance(geometry, dict) else "Point",
        "geometry": geometry,
        "score": score,
        "date": date,
        "date_source": date_source,
        "date_text": date_text,
        "published": published,
        "sentence": sentence,
        "sentence_start": sentence_start,
    }


LACHIN = {"type": "LineString", "coordinates": [[45.9, 39.6], [46.3, 39.65], [46.75, 39.8]]}


def story() -> list[dict[str, Any]]:
    """Mentions spanning 1965, 2001-09-08..10 and 2025, with hostile text."""
    return [
        mention("old", "Old story", "Paris", "2988507", "PPLC", "FR", 48.8566, 2.3522, "1965-03-01",
                "De Gaulle spoke in Paris on Monday.", date_text="on Monday", published="1965-03-02"),
        mention("sept", HOSTILE_TITLE, "Boston", "4930956", "PPLA", "US", 42.3601, -71.0589, "2001-09-08",
                "It rained in Boston.", published="2001-09-12"),
        mention("sept", HOSTILE_TITLE, "New York City", "5128581", "PPL", "US", 40.7128, -74.006, "2001-09-09",
                HOSTILE_SENTENCE, published="2001-09-12"),
        mention("sept", HOSTILE_TITLE, "Washington", "4140963", "PPLC", "US", 38.895, -77.0364, "2001-09-10",
                "Officials in Washington met.", published="2001-09-12"),
        mention("sept", HOSTILE_TITLE, "United States", "6252001", "PCLI", "US", 39.76, -98.5, "2001-09-10",
                "Americans watched.", text="Americans", kind="demonym", published="2001-09-12"),
        mention("karabakh", "Karabakh talks", "Baku", "587084", "PPLC", "AZ", 40.3777, 49.892, "2023-09-17",
                "The meeting in Baku on 17 September.", date_text="on 17 September", published="2023-10-04"),
        mention("karabakh", "Karabakh talks", "Baku", "587084", "PPLC", "AZ", 40.3777, 49.892, "2023-09-19",
                "Azerbaijani forces moved from Baku.", text="Azerbaijani", kind="demonym",
                published="2023-10-04"),
        mention("karabakh", "Karabakh talks", "Lachin Corridor", "lachin", "RD", "AZ", 39.6, 46.5, "2023-09-19",
                "The Lachin Corridor was blocked.", geometry=LACHIN, published="2023-10-04"),
        mention("karabakh", "Karabakh talks", "Istanbul", "745044", "PPLA", "TR", 41.0138, 28.9497, None,
                "Talks took place in Istanbul.", published="2023-10-04"),
        mention("nodate", "No dates at all", "Tbilisi", "611717", "PPLC", "GE", 41.6941, 44.8337, None,
                "Tbilisi hosted.", published=None),
        mention("lisbon", "Lisbon 2025", "Lisbon", "2267057", "PPLC", "PT", 38.7167, -9.1333, "2025-11-08",
                "A summit in Lisbon \U0001f389 opened.", published="2025-11-08"),
    ]  # fmt: skip


class Watched:
    """A browser page plus everything it did that a test may want to fail on."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.foreign == [], self.foreign


def open_map_page(browser: Any, url: str, *, count: int = 1, viewport: tuple[int, int] = (1200, 800)) -> Watched:
    """Open ``url`` (a ``file:`` URI, with any #hash) and wait until ``count`` maps are drawn.

    Every request that is not ``file:`` or ``data:`` is refused and recorded.
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    w = Watched(page)
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            w.foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.wait_for_function(
        f"document.querySelectorAll('[data-geo-ready=\"1\"]').length >= {count}"
        f" && window.geoMaps && Object.keys(window.geoMaps).length >= {count}",
        timeout=60000,  # generous: the machine may be busy
    )
    return w


def boxes_overlap(a: dict, b: dict) -> bool:
    """Whether two {x, y, w, h} boxes share any area."""
    return (
        a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
    )


def skip_module_without_browser() -> None:
    """Skip the calling test module, saying what to install, where Playwright or Debian's chromium is missing."""
    from geo.maps.render import CHROMIUM_PATH

    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Playwright is not installed (pip install playwright)", allow_module_level=True)
    if not os.access(CHROMIUM_PATH, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM_PATH} (apt-get install chromium)", allow_module_level=True)
