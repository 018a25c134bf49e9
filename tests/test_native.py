"""The compiled parsing modules (mypyc) and their pure-Python sources: same output, and the right one runs.

An install with a C compiler compiles the hot modules; ``geo._native`` runs the sources instead when
asked (``GEO_PURE_PYTHON=1``), when nothing was compiled, or when a source changed since. These tests
run real ``geo`` processes of this checkout both ways over the seeds, the test articles and (when
present) the development corpora, and compare their output byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import _native

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"

WHICH_FILES = (
    "import json, sys, geo, geo._native as n\n"
    "mods = sorted(n._compiled_modules()) or ['geo.parsing.resolve', 'geo.parsing.dates']\n"
    "for m in mods: __import__(m)\n"
    "print(json.dumps({'compiled': n.compiled(), 'files': {m: sys.modules[m].__file__ for m in mods}}))\n"
)


def _env(pure: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(_native.PURE_ENV, None)
    if pure:
        env[_native.PURE_ENV] = "1"
    return env


def _which(pure: bool) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", WHICH_FILES], env=_env(pure), capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)


def _can_compile() -> bool:
    import importlib.util
    import shutil

    return (shutil.which("cc") or shutil.which("gcc")) is not None and importlib.util.find_spec("mypyc") is not None


def _compiled_build() -> dict[str, str]:
    modules = _native._compiled_modules()
    if not modules:
        # With a C compiler and mypyc here, the install should have compiled: its output says why not.
        assert not _can_compile(), "a C compiler and mypyc are here, yet nothing was compiled: `pip install -v -e .`"
        pytest.skip("this checkout has no compiled modules (installed without a C compiler or mypyc)")
    return modules


def test_a_compiled_checkout_runs_its_compiled_modules() -> None:
    modules = _compiled_build()
    assert not _native.stale(), "the compiled modules are stale: run `bash scripts/setup.sh`"
    got = _which(pure=False)
    assert got["compiled"] is True
    assert set(got["files"]) == set(modules)
    assert all(not f.endswith(".py") for f in got["files"].values()), got["files"]


def test_pure_python_runs_the_sources_when_asked() -> None:
    got = _which(pure=True)
    assert got["compiled"] is False
    assert all(f.endswith(".py") for f in got["files"].values()), got["files"]


def _articles(tmp_path: Path) -> Path:
    """Every seed, test article and (when present) corpus article, as JSON Lines."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if CORPORA.is_dir():
        from geo.evaluate.geoparsing import read_corpus

        for corpus in sorted(CORPORA.glob("*.xml")):
            texts += [doc.text for doc in read_corpus(corpus)]
    path = tmp_path / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(texts):
            out.write(json.dumps({"id": f"a{n}", "text": text, "date": "2024-03-05"}) + "\n")
    return path


@pytest.mark.slow
def test_the_compiled_modules_and_the_sources_give_the_same_output(tmp_path: Path) -> None:
    _compiled_build()
    articles = _articles(tmp_path)
    outputs = []
    for pure in (False, True):
        out = tmp_path / f"pure-{pure}.jsonl"
        subprocess.run(
            [sys.executable, "-m", "geo", "parse", str(articles), "--format", "jsonl", "-o", str(out)],
            env=_env(pure),
            capture_output=True,
            check=True,
            cwd=tmp_path,
        )
        outputs.append(out.read_bytes())
    assert outputs[0].count(b"\n") > 50  # the seeds alone hold 55 mentions
    assert outputs[0] == outputs[1]


def _fake_package(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A package with a module's source and a (broken) compiled file beside it, as a build leaves them."""
    package = tmp_path / "fakegeo"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "inner" / "__init__.py").write_text("", encoding="utf-8")
    source = package / "inner" / "hot.py"
    source.write_text("BUILD = 'source'\n", encoding="utf-8")
    # Not a real shared library: importing it fails, which shows which file the import chose.
    import importlib.machinery

    (package / "inner" / f"hot{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"not a library")
    return package, {"fakegeo.inner.hot": _native.source_digest(source)}


def test_the_sources_run_when_one_changed_since_it_was_compiled(tmp_path: Path) -> None:
    package, modules = _fake_package(tmp_path)
    assert _native.why_sources(modules, package) == ""
    (package / "inner" / "hot.py").write_text("BUILD = 'edited'\n", encoding="utf-8")
    reason = _native.why_sources(modules, package)
    assert "hot.py changed since it was compiled" in reason and "scripts/setup.sh" in reason


def test_the_sources_run_when_a_compiled_module_is_missing_or_pure_python_is_asked(tmp_path: Path) -> None:
    package, modules = _fake_package(tmp_path)
    assert "GEO_PURE_PYTHON is set" in _native.why_sources(modules, package, pure_requested=True)
    assert "no compiled modules" in _native.why_sources({}, package)
    for compiled in (package / "inner").glob("hot.*"):
        if compiled.suffix != ".py":
            compiled.unlink()
    assert "the compiled fakegeo.inner.hot is missing" in _native.why_sources(modules, package)


def test_the_sources_first_finder_loads_the_source_beside_a_compiled_file(tmp_path: Path) -> None:
    package, _ = _fake_package(tmp_path)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from geo._native import _SourcesFirst\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "try:\n"
        "    import fakegeo.inner.hot\n"
        "except ImportError as err:\n"
        "    print('compiled file chosen:', err)\n"
        "sys.modules.pop('fakegeo.inner.hot', None)\n"
        f"sys.meta_path.insert(0, _SourcesFirst(['fakegeo.inner.hot'], Path({str(package)!r})))\n"
        "import fakegeo.inner.hot as hot\n"
        "print(hot.BUILD, hot.__file__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("compiled file chosen:")  # without the finder, the compiled file wins
    assert lines[1] == f"source {package / 'inner' / 'hot.py'}"


def test_geo_version_says_which_build_runs() -> None:
    for pure in (False, True):
        out = subprocess.run(
            [sys.executable, "-m", "geo", "--version"], env=_env(pure), capture_output=True, text=True, check=True
        )
        line = out.stdout.strip()
        assert line.startswith("geo ")
        if pure:
            assert "pure-Python parsing modules (GEO_PURE_PYTHON is set)" in line
        elif _native._compiled_modules() and not _native.stale():
            assert line.endswith("parsing modules compiled with mypyc")


def test_the_public_classes_can_be_subclassed_in_either_build() -> None:
    from geo.parsing.pipeline import Geoparser
    from geo.parsing.recognize import Recognizer
    from geo.parsing.resolve import Resolver
    from geo.parsing.roles import RoleClassifier

    for base in (Geoparser, Recognizer, Resolver, RoleClassifier):
        subclass = type(f"My{base.__name__}", (base,), {"extra": lambda self: "mine"})
        assert issubclass(subclass, base)
