"""Build hook: the pinned npm packages (Leaflet, topojson-client, world-atlas) go into the wheel.

They land in ``geo/_node_modules``. ``npm ci`` installs them from ``package-lock.json`` and they
are not committed, so the build copies them from ``node_modules``: each dependency of
``package.json`` with its ``package.json``, licence and ``dist/`` (source maps and unminified
copies left out), or a data package's countries topologies. An sdist carries the same files, so
a wheel built from it needs no npm. Everything else about the package is in ``pyproject.toml``.
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


def _shipped(path: Path) -> bool:
    """Minified builds, style sheets and images; not source maps or the unminified ``-src`` copies."""
    return path.suffix != ".map" and "-src" not in path.name


class BuildPyWithNpmAssets(build_py):
    """build_py that also copies the npm assets into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's node_modules in place
        for source in npm_files():
            target = Path(self.build_lib, WHEEL_DIR, source.relative_to(ROOT / NODE_MODULES))
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


class SdistWithNpmAssets(sdist):
    """sdist that also carries the npm manifests and assets, so its wheel builds without npm."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        for source in [ROOT / "package.json", ROOT / "package-lock.json", *npm_files()]:
            target = Path(base_dir, source.relative_to(ROOT))
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildPyWithNpmAssets, "sdist": SdistWithNpmAssets})
