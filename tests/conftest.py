"""Fixtures shared by the whole suite.

- ``full_gazetteer``: the real index, built on the first run (about a minute under
  load) into the checkout's ``.cache/test-gazetteer/`` and reused by later runs while
  the sources, curated files and build code are unchanged; never the user's cache.
- ``geoparser``: a :class:`geo.parsing.pipeline.Geoparser` over it.
- ``tiny_records`` / ``tiny_gazetteer``: a fifteen-place fixture index that
  builds in well under a second, for tests that only need ranking, filters and
  index mechanics.
- ``corpora_dir``: the annotated corpora beside the repository, if present.
- ``browser``: Debian's headless Chromium driven by Playwright, one per module.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def make_tiny_records() -> list[dict[str, Any]]:
    """Fresh place records for the fixture gazetteer.

    A new list each call: the index builder merges names into the records it
    is given, so records are never shared between builds.
    """
    from geo.gazetteer.sources import record

    return [
        record(
            "524901",
            "Moscow",
            feature_class="P",
            feature_code="PPLC",
            country="RU",
            admin1="Moscow",
            lat=55.75222,
            lon=37.61556,
            population=10_381_222,
            source="tiny",
            names=[("Moskva", "alt"), ("Москва", "alt")],
        ),
        record(
            "5601538",
            "Moscow",
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1="Idaho",
            lat=46.73239,
            lon=-117.00017,
            population=25_060,
            source="tiny",
        ),
        record(
            "361058",
            "Alexandria",
            feature_class="P",
            feature_code="PPL",
            country="EG",
            admin1="Alexandria",
            lat=31.20176,
            lon=29.91582,
            population=3_811_516,
            source="tiny",
            names=[("Al Iskandariyah", "alt")],
        ),
        record(
            "4314550",
            "Alexandria",
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1="Louisiana",
            lat=31.31129,
            lon=-92.44514,
            population=47_723,
            source="tiny",
        ),
        record(
            "4331987",
            "Louisiana",
            feature_class="A",
            feature_code="ADM1",
            country="US",
            admin1="Louisiana",
            lat=31.00047,
            lon=-92.00015,
            population=4_681_666,
            source="tiny",
            names=[("LA", "abbr")],
        ),
        record(
            "5596512",
            "Idaho",
            feature_class="A",
            feature_code="ADM1",
            country="US",
            admin1="Idaho",
            lat=44.5002,
            lon=-114.25118,
            population=1_839_106,
            source="tiny",
            names=[("ID", "abbr")],
        ),
        record(
            "2017370",
            "Russia",
            feature_class="A",
            feature_code="PCLI",
            country="RU",
            lat=60.0,
            lon=100.0,
            population=140_702_000,
            source="tiny",
            names=[("Russian Federation", "alt"), ("Russian", "demonym")],
        ),
        record(
            "745044",
            "Istanbul",
            feature_class="P",
            feature_code="PPL",
            country="TR",
            admin1="İstanbul",
            lat=41.01384,
            lon=28.94966,
            population=14_804_116,
            source="tiny",
            names=[("İstanbul", "alt"), ("Constantinople", "alt")],
        ),
        record(
            "298795",
            "Turkey",
            feature_class="A",
            feature_code="PCLI",
            country="TR",
            lat=39.0,
            lon=35.0,
            population=77_804_122,
            source="tiny",
            names=[("Türkiye", "alt"), ("Turkish", "demonym")],
        ),
        record(
            "4250542",
            "Springfield",
            feature_class="P",
            feature_code="PPLA",
            country="US",
            admin1="Illinois",
            lat=39.80172,
            lon=-89.64371,
            population=116_565,
            source="tiny",
        ),
        record(
            "4409896",
            "Springfield",
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1="Missouri",
            lat=37.21533,
            lon=-93.29824,
            population=166_810,
            source="tiny",
        ),
        record(
            "4951788",
            "Springfield",
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1="Massachusetts",
            lat=42.10148,
            lon=-72.58981,
            population=153_703,
            source="tiny",
        ),
        record(
            "6252001",
            "United States",
            feature_class="A",
            feature_code="PCLI",
            country="US",
            lat=39.76,
            lon=-98.5,
            population=310_232_863,
            source="tiny",
            names=[("USA", "alt"), ("American", "demonym")],
        ),
        record(
            "4407066",
            "St. Louis",
            feature_class="P",
            feature_code="PPL",
            country="US",
            admin1="Missouri",
            lat=38.62727,
            lon=-90.19789,
            population=319_294,
            source="tiny",
        ),
        record(
            "tiny:road",
            "Test Road",
            feature_class="R",
            feature_code="RD",
            country="",
            lat=40.0,
            lon=30.0,
            source="tiny",
            geometry={"type": "LineString", "coordinates": [[29.5, 40.0], [30.5, 40.0]]},
        ),
    ]


@pytest.fixture
def tiny_records() -> list[dict[str, Any]]:
    """The fixture gazetteer's records, fresh for each test."""
    return make_tiny_records()


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the fixture index (built once; copy it before changing it)."""
    from geo.gazetteer.index import build_index

    return build_index(tmp_path_factory.mktemp("tinygaz") / "tiny.sqlite", records=make_tiny_records(), curated=[])


@pytest.fixture(scope="session")
def tiny_gazetteer(tiny_index: Path):
    """The fixture gazetteer, opened read-only."""
    from geo.gazetteer.index import Gazetteer

    gaz = Gazetteer(tiny_index)
    yield gaz
    gaz.close()


def _build_code_digest() -> str:
    """A hash of the geo modules an index build imports (the sources and curated files are in the stamp)."""
    listing = subprocess.run(
        [sys.executable, "-c", _LIST_BUILD_MODULES], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    digest = hashlib.sha256()
    for name in listing:
        digest.update(name.encode() + b"\0" + Path(name).read_bytes())
    return digest.hexdigest()[:16]


# Run in a fresh interpreter: in this one the test modules have imported every geo module.
_LIST_BUILD_MODULES = (
    "import sys, geo.gazetteer.index\n"
    "print(*sorted(m.__file__ for n, m in list(sys.modules.items())"
    " if n.partition('.')[0] == 'geo' and getattr(m, '__file__', None)))"
)


def full_index_dir() -> Path:
    """Where the suite keeps the real index between sessions.

    ``GEO_TEST_CACHE_DIR`` if set, else ``.cache/test-gazetteer/<hash of the build code>`` in the
    checkout (git-ignored; never the user's own cache). The index's stamp already covers the
    source packages and curated files; the folder name covers the code that builds it, so an
    edit to the build code gets a fresh index, and the folders of earlier code are removed.
    """
    env = os.environ.get("GEO_TEST_CACHE_DIR")
    if env:
        return Path(env)
    parent = ROOT / ".cache" / "test-gazetteer"
    folder = parent / _build_code_digest()
    if parent.is_dir():
        for old in parent.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return folder


@pytest.fixture(scope="session")
def full_gazetteer():
    """The real index from the installed sources and ``gazetteer/``: built once, then reused by every session.

    Tests that change an index copy it first; none writes to this one.
    """
    from geo.gazetteer.index import Gazetteer

    gaz = Gazetteer.open(cache_dir=full_index_dir())
    yield gaz
    gaz.close()


@pytest.fixture(scope="session")
def geoparser(full_gazetteer):
    """A geoparser over the real index."""
    from geo.parsing.pipeline import Geoparser

    return Geoparser(full_gazetteer)


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """The annotated corpora folder next to the repository; skips when absent."""
    path = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    if not path.is_dir():
        pytest.skip(f"corpora folder {path} not found; put the annotated corpora there to run these tests")
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, one per test module (browser tests skip without it)."""
    from playwright.sync_api import sync_playwright

    from geo.maps.render import CHROMIUM_ARGS, CHROMIUM_PATH

    args = [a for a in CHROMIUM_ARGS if a != "--headless"]  # Playwright adds its own headless flag
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=args)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test on the real index is ``slow`` (the first one builds it), so ``-m "not slow"`` leaves them out."""
    for item in items:
        if "full_gazetteer" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
