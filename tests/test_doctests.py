"""The examples in every module's docstrings run, and give what they show.

Examples that open the default index (``Gazetteer.open()``, ``Geoparser()``,
``geo.parse(...)``, ``LocalGazetteer()``) run against the suite's own index
(``full_gazetteer``, built once and shared), never the user's cache; those
modules are ``slow``, like every test on the real index, and so are examples
that read every installed gazetteer source (what an index build reads). Examples marked
``# doctest: +SKIP`` need what a test machine may lack (Chromium for a
picture, the network) and say so where they stand.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import pytest

import geo

# The calls that open the default index when an example gives none.
OPENS_INDEX = re.compile(r"\b(?:Gazetteer\.open|Geoparser|LocalGazetteer|parse)\(")
# The calls that read every installed source, as a build does: slow without an index.
READS_SOURCES = re.compile(r"\b(?:read_installed_sources|build_index)\(")


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(geo.__path__, "geo.") if not m.name.endswith("__main__"))


def _examples(name: str) -> list[doctest.DocTest]:
    return [t for t in doctest.DocTestFinder().find(importlib.import_module(name), name) if t.examples]


def _params() -> list:
    params = []
    for name in ["geo", *_modules()]:
        tests = _examples(name)
        runnable = [ex.source for t in tests for ex in t.examples if not ex.options.get(doctest.SKIP)]
        opens_index = any(OPENS_INDEX.search(source) for source in runnable)
        slow = opens_index or any(READS_SOURCES.search(source) for source in runnable)
        params.append(pytest.param(name, opens_index, marks=[pytest.mark.slow] if slow else [], id=name))
    return params


@pytest.mark.parametrize(("name", "opens_index"), _params())
def test_module_examples(name, opens_index, request, monkeypatch):
    tests = _examples(name)
    if not tests:
        pytest.skip(f"{name} has no examples")
    if opens_index:
        index = request.getfixturevalue("full_gazetteer")
        monkeypatch.setenv("GEO_CACHE_DIR", str(index.path.parent))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)
    assert result.attempted > 0 or all(ex.options.get(doctest.SKIP) for t in tests for ex in t.examples)


def test_every_module_is_found():
    # The walk sees the subpackages' modules (a module missing here would have its examples never run).
    names = set(_modules())
    assert {"geo.maps.render", "geo.parsing.pipeline", "geo.gazetteer.index", "geo.batch.run"} <= names
