"""Build hook: the curated gazetteer and the pinned npm packages go into the wheel.

The top-level ``gazetteer/`` (the single source of the curated places) becomes ``geo/_curated``;
the npm packages (Leaflet, topojson-client, world-atlas) become ``geo/_node_modules``. ``npm ci``
installs those from ``package-lock.json`` and they are not committed, so the build copies them
from ``node_modules``: each dependency of ``package.json`` with its ``package.json``, licence and
``dist/`` (source maps and unminified copies left out), or a data package's countries
topologies. An sdist carries the same files, so a wheel built from it needs no npm. Everything
else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import json
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
NODE_MODULES = "node_modules"
WHEEL_DIR = "geo/_node_modules"  # geo.resources.node_modules_dir() looks here first
CURATED = "gazetteer"  # the single source of the curated places, at the top of the checkout
CURATED_WHEEL_DIR = "geo/_curated"  # geo.resources.curated_dir() looks here first


def npm_files() -> list[Path]:
    """The files of the pinned npm packages to ship; stops the build when they are missing or stale."""
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
    lock_path = ROOT / "package-lock.json"
    locked = json.loads(lock_path.read_text(encoding="utf-8")).get("packages", {}) if lock_path.is_file() else {}
    files: list[Path] = []
    for name in wanted:
        package = ROOT / NODE_MODULES / name
        manifest = package / "package.json"
        if not manifest.is_file():
            raise SystemExit(
                f"{package} is missing, and the wheel must carry it for offline maps: run `npm ci` in {ROOT} "
                "(it installs the map assets pinned in package-lock.json), then build again"
            )
        found = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        pinned = locked.get(f"{NODE_MODULES}/{name}", {}).get("version", found)
        if found != pinned:
            raise SystemExit(
                f"{package} is version {found} but package-lock.json pins {pinned}: run `npm ci` in {ROOT}, "
                "then build again"
            )
        files.append(manifest)
        files.extend(sorted(package.glob("LICENSE*")))
        files.extend(sorted(p for p in (package / "dist").rglob("*") if p.is_file() and _shipped(p)))
        # Data packages keep their files at the top (world-atlas: countries-50m.json ...).
        files.extend(sorted(p for p in package.glob("countries-*.json")))
    return files


def curated_files() -> list[Path]:
    """The curated gazetteer's data files and its README."""
    folder = ROOT / CURATED
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and (p.suffix in {".geojson", ".csv"} or p.name == "README.md")
    )


def wheel_data() -> list[tuple[Path, str]]:
    """(file in the checkout, its path in the built package) of every data file kept outside ``geo/``."""
    return [
        *((p, f"{CURATED_WHEEL_DIR}/{p.relative_to(ROOT / CURATED).as_posix()}") for p in curated_files()),
        *((p, f"{WHEEL_DIR}/{p.relative_to(ROOT / NODE_MODULES).as_posix()}") for p in npm_files()),
    ]


def _shipped(path: Path) -> bool:
    """Minified builds, style sheets and images; not source maps or the unminified ``-src`` copies."""
    return path.suffix != ".map" and "-src" not in path.name


class BuildPyWithData(build_py):
    """build_py that also copies the curated gazetteer and the npm assets into the built package.

    Copied, not mapped with ``package-dir``: a mapping would make an editable install use setuptools'
    import finder and its warning about same-named folders; an editable install reads both folders
    of the checkout in place instead.
    """

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source, inside in wheel_data():
            target = Path(self.build_lib, inside)
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


class SdistWithData(sdist):
    """sdist that also carries the curated gazetteer and the npm manifests and assets (its wheel needs no npm)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        for source in [ROOT / "package.json", ROOT / "package-lock.json", *npm_files(), *curated_files()]:
            target = Path(base_dir, source.relative_to(ROOT))
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildPyWithData, "sdist": SdistWithData})
