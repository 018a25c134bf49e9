"""The built wheel works on its own: installed into a fresh virtualenv, run from outside the checkout.

Builds an sdist and the wheel from it (so the sdist carries everything the wheel needs), installs
the wheel into a new virtualenv that sees the suite's already-installed dependencies through a
``.pth`` line (no network, no copy of the checkout on its path), and from a temporary folder parses
the seed articles and writes an offline map with the installed ``geo`` command.

The session's index is copied in as the installed package's cache: the installed package keeps it
only if its own curated files hash the same as the checkout's (else it would rebuild without them,
and the curated places would be missing); the installed curated files are also read directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# What setuptools says when the project's configuration is deprecated or incomplete.
PROJECT_WARNINGS = (
    "SetuptoolsDeprecationWarning",
    "BuildBackendWarning",
    "absent from the `packages` configuration",
    "absent from setuptools' `packages` configuration",
    "is deprecated",
    "package init file",
    # An editable install through setuptools' import finder (a package-dir mapping makes one).
    "InformationOnly",
    "folders in your working directory with the same",
)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{output[-4000:]}"
    return output


def _project_warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if any(w in line for w in PROJECT_WARNINGS)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel (built from the sdist) and the build's output."""
    if not (ROOT / "node_modules" / "leaflet" / "package.json").is_file():
        pytest.skip("node_modules/leaflet is missing: run `npm ci` (scripts/setup.sh does) before building the wheel")
    dist = tmp_path_factory.mktemp("dist")
    # No isolation: the build tools come from the test extra, so the build needs no network.
    output = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT], cwd=ROOT)
    (wheel,) = dist.glob("geo_newsmap-*.whl")
    return wheel, output


@pytest.fixture(scope="module")
def venv(built: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh virtualenv outside the checkout with the wheel installed; (its bin folder, pip's output)."""
    wheel, _ = built
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", home], cwd=home)
    python = home / "bin" / "python"
    output = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-v", wheel], cwd=home
    )
    # The dependencies: this interpreter's site-packages, as plain path entries, so the .pth files
    # there (this checkout's editable install among them) are not run.
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=home).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_suite_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return home / "bin", output


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment with nothing that points back at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEO_", "PYTHON", "VIRTUAL_ENV"))}
    env["HOME"] = str(tmp_path / "home")
    env.pop("XDG_CACHE_HOME", None)
    return env


def test_the_build_prints_no_warning_from_the_project(built: tuple[Path, str]) -> None:
    _, output = built
    assert "Successfully built" in output
    assert _project_warnings(output) == []


def test_an_editable_install_prints_no_warning_from_the_project(tmp_path: Path) -> None:
    # The hook `pip install -e .` calls (PEP 660), run as pip runs it: in the checkout, warnings to stderr.
    code = "import sys, setuptools.build_meta as backend; print(backend.build_editable(sys.argv[1]))"
    # Pure Python: compiling in place would rewrite the compiled modules this very suite has loaded.
    env = {**os.environ, "GEO_PURE_PYTHON": "1"}
    output = _run([sys.executable, "-W", "default", "-c", code, tmp_path], cwd=ROOT, env=env)
    assert _project_warnings(output) == [], output[-3000:]
    (wheel,) = tmp_path.glob("geo_newsmap-*.whl")
    # A plain path entry to the checkout: the package, its data and node_modules are read in place.
    (pth,) = (n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".pth"))
    assert zipfile.ZipFile(wheel).read(pth).decode().strip() == str(ROOT)


def test_the_wheel_carries_the_curated_gazetteer_and_leaflet(built: tuple[Path, str]) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    curated = {p.relative_to(ROOT / "gazetteer").as_posix() for p in (ROOT / "gazetteer").rglob("*.geojson")}
    assert curated and {f"geo/_curated/{name}" for name in curated} <= names
    assert "geo/_node_modules/leaflet/package.json" in names
    assert "geo/_node_modules/leaflet/LICENSE" in names  # Leaflet's licence travels with its code
    assert {"geo/_node_modules/leaflet/dist/leaflet.js", "geo/_node_modules/leaflet/dist/leaflet.css"} <= names
    assert not [n for n in names if n.endswith(".map")]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Name: geo-newsmap" in metadata and "License-Expression: MIT" in metadata


def test_the_wheel_carries_the_compiled_modules_and_their_sources(built: tuple[Path, str]) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler here: the wheel is pure Python (geo: ... pure Python in the build's output)")
    manifest = json.loads(zipfile.ZipFile(wheel).read("geo/_compiled.json"))
    assert manifest["compiler"] == "mypyc" and "geo.parsing.resolve" in manifest["modules"]
    for module in manifest["modules"]:
        path = module.replace(".", "/")
        assert f"{path}.py" in names  # the source, for GEO_PURE_PYTHON=1 and for reading
        assert any(n.startswith(f"{path}.") and n.endswith(".so") for n in names), f"{module} was not compiled"
    assert any(n.startswith("geo_native__mypyc") for n in names)  # the shared library of the group


def test_the_installed_package_runs_its_compiled_modules(venv: tuple[Path, str], tmp_path: Path, clean_env) -> None:
    bin_dir, _ = venv
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler here: the wheel is pure Python")
    compiled = _run([bin_dir / "geo", "--version"], cwd=tmp_path, env=clean_env).strip()
    assert compiled.endswith("parsing modules compiled with mypyc"), compiled
    pure = _run([bin_dir / "geo", "--version"], cwd=tmp_path, env={**clean_env, "GEO_PURE_PYTHON": "1"}).strip()
    assert "pure-Python parsing modules" in pure


def test_installing_prints_no_warning_from_the_project(venv: tuple[Path, str]) -> None:
    _, output = venv
    assert "Successfully installed geo-newsmap" in output
    assert _project_warnings(output) == []


def test_the_installed_package_finds_its_data_inside_itself(venv: tuple[Path, str], tmp_path: Path, clean_env) -> None:
    bin_dir, _ = venv
    script = (
        "import json, geo, geo.resources as r\n"
        "from geo.gazetteer.curated import curated_files, read_curated_dir\n"
        "records = list(read_curated_dir(curated_files([r.curated_dir()])))\n"
        "print(json.dumps({'geo': geo.__file__, 'curated': str(r.curated_dir()), 'leaflet': str(r.leaflet_dir()),\n"
        "  'names': sorted({rec['name'] for rec in records})}))\n"
    )
    found = json.loads(_run([bin_dir / "python", "-c", script], cwd=tmp_path, env=clean_env).strip().splitlines()[-1])
    install = Path(found["geo"]).parent
    assert ROOT not in install.parents and install.parent.name == "site-packages"
    assert Path(found["curated"]) == install / "_curated"
    assert Path(found["leaflet"]) == install / "_node_modules" / "leaflet"
    assert {"Hadrut", "Lachin Corridor"} <= set(found["names"])


def test_the_installed_command_parses_the_seeds_and_draws_an_offline_map(
    venv: tuple[Path, str], full_gazetteer, tmp_path: Path, clean_env
) -> None:
    bin_dir, _ = venv
    cache = tmp_path / "cache"
    cache.mkdir()
    index = cache / full_gazetteer.path.name
    shutil.copyfile(full_gazetteer.path, index)
    built_at = index.stat().st_mtime_ns

    _run(
        [bin_dir / "geo", "parse", SEEDS, "--format", "jsonl", "-o", "seeds.jsonl", "--cache-dir", cache],
        cwd=tmp_path,
        env=clean_env,
    )
    assert index.stat().st_mtime_ns == built_at, "the installed package rebuilt the index: its curated files differ"
    mentions = [json.loads(line) for line in (tmp_path / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {m["name"] for m in mentions}
    assert {"Hadrut", "Lachin Corridor"} <= names

    _run(
        [bin_dir / "geo", "map", SEEDS, "-o", "seeds.html", "--offline", "--cache-dir", cache],
        cwd=tmp_path,
        env=clean_env,
    )
    page = (tmp_path / "seeds.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", page)  # nothing fetched
    leaflet = (ROOT / "node_modules" / "leaflet" / "dist" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet[1000:3000] in page  # Leaflet itself, inlined
    assert 't.version="1.9.4"' in page
