"""Build hook: the curated gazetteer and the pinned npm packages go into the wheel, and the hot modules are compiled.

The top-level ``gazetteer/`` (the single source of the curated places) becomes ``geo/_curated``;
the npm packages (Leaflet, topojson-client, world-atlas) become ``geo/_node_modules``. ``npm ci``
installs those from ``package-lock.json`` and they are not committed, so the build copies them
from ``node_modules``: each dependency of ``package.json`` with its ``package.json``, licence and
``dist/`` (source maps and unminified copies left out), or a data package's countries
topologies. An sdist carries the same files, so a wheel built from it needs no npm.

The modules of the flow that take the CPU time (``COMPILED``) are compiled with mypyc from their
own sources when mypyc and a C compiler are there; the sources are installed too, and
``geo._native`` runs them instead when nothing was compiled, when ``GEO_PURE_PYTHON=1`` is set,
or when a source changed since it was compiled. The build records each compiled source's digest
in ``geo/_compiled.json``. ``GEO_PURE_PYTHON=1`` at build time skips compiling. Everything else
about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
NODE_MODULES = "node_modules"
WHEEL_DIR = "geo/_node_modules"  # geo.resources.node_modules_dir() looks here first
CURATED = "gazetteer"  # the single source of the curated places, at the top of the checkout
CURATED_WHEEL_DIR = "geo/_curated"  # geo.resources.curated_dir() looks here first


# The stages' hot loops: dating, recognising, resolving and what they call per token or candidate.
# Not the pipeline: Geoparser is the class users subclass, and it spends little time of its own.
COMPILED = [
    "geo/parsing/dates.py",
    "geo/parsing/recognize.py",
    "geo/parsing/compounds.py",
    "geo/parsing/resolve.py",
    "geo/parsing/uses.py",
    "geo/parsing/roles.py",
    "geo/parsing/lexicons.py",
    "geo/gazetteer/names.py",
]
COMPILED_MANIFEST = "geo/_compiled.json"  # read by geo._native
PURE_ENV = "GEO_PURE_PYTHON"


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


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


# setup.py runs for metadata too (egg_info, dist_info): only builds need the compiled modules.
_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}


def compiled_extensions() -> list[Extension]:
    """The mypyc extensions of ``COMPILED``, or none (pure Python) without mypyc or on request.

    mypyc type-checks the sources first, with the project's mypy settings. Imports of packages
    not installed yet (an isolated build) are left untyped, which changes no behaviour.
    """
    if not _BUILDS.intersection(sys.argv[1:]):
        return []
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        _say(f"{PURE_ENV} is set: geo is installed as pure Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _say("mypyc (part of mypy) is not installed: geo is installed as pure Python, slower")
        return []
    old_cwd = os.getcwd()
    os.chdir(ROOT)  # mypyc reads the sources and the mypy settings from the checkout
    try:
        flags = ["--ignore-missing-imports", "--no-warn-unused-configs", "--no-warn-unused-ignores"]
        extensions = mypycify([*flags, *COMPILED], opt_level="3", group_name="geo_native")
    except (Exception, SystemExit) as err:  # noqa: BLE001 - any failure leaves the sources; its type check exits
        _say(f"mypyc could not compile the hot modules ({err!r}): geo is installed as pure Python, slower")
        return []
    finally:
        os.chdir(old_cwd)
    for extension in extensions:
        extension.optional = True  # no C compiler: the build goes on, pure Python
    return list(extensions)


class BuildNative(build_ext):
    """build_ext that records what it compiled, so that ``geo._native`` can trust it.

    The record (``geo/_compiled.json``: each compiled source's digest) is written only when every
    extension was built; a partial build is removed, and the sources run instead.
    """

    def run(self) -> None:
        if not self.extensions:  # pure Python: an earlier build's record and modules stay as they are
            super().run()
            return
        manifest = Path(ROOT if self.inplace else self.build_lib, COMPILED_MANIFEST)
        manifest.unlink(missing_ok=True)
        if self.inplace:
            # An editable install compiles into the checkout. Earlier builds go first, unlinked
            # rather than overwritten (a running geo has them mapped), and with them a module
            # taken off COMPILED since, which would shadow its source.
            for old in [*ROOT.glob("geo_native__mypyc*"), *(ROOT / "geo").rglob("*.so")]:
                old.unlink()
        super().run()
        built = [Path(self.get_ext_fullpath(ext.name)) for ext in self.extensions]
        if not all(path.is_file() for path in built):
            _say("the C compiler could not build the hot modules: geo is installed as pure Python, slower")
            for path in built:
                path.unlink(missing_ok=True)
            return
        digests = {_module_name(p): _sha256(ROOT / p) for p in COMPILED}
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"compiler": "mypyc", "modules": digests}, indent=1) + "\n", encoding="utf-8")


def _say(message: str) -> None:
    print(f"geo: {message}", file=sys.stderr)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


class SdistWithData(sdist):
    """sdist that also carries the curated gazetteer and the npm manifests and assets (its wheel needs no npm)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        for source in [ROOT / "package.json", ROOT / "package-lock.json", *npm_files(), *curated_files()]:
            target = Path(base_dir, source.relative_to(ROOT))
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


setup(
    cmdclass={"build_py": BuildPyWithData, "build_ext": BuildNative, "sdist": SdistWithData},
    ext_modules=compiled_extensions(),
)
