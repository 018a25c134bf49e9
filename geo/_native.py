"""Which build of the parsing modules runs: the compiled one (mypyc) or the pure-Python sources.

An install with a C compiler compiles the hot modules of the flow (dating, recognising, resolving)
with mypyc from the very same sources, and records each source's digest in ``_compiled.json``
beside this file. The compiled modules give the same output, faster. The pure-Python sources are
always installed too, and they run instead when

- ``GEO_PURE_PYTHON=1`` is set (to compare, or to debug with the sources),
- nothing was compiled (no compiler, or ``GEO_PURE_PYTHON=1`` at install time), or
- a source no longer matches what was compiled (a checkout edited or pulled since its editable
  install): stale compiled code must never run in place of the code one reads.

The compiled modules are one unit (mypyc calls between them directly), so they run all together or
not at all. ``geo --version`` says which build runs and why.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

MANIFEST = Path(__file__).with_name("_compiled.json")
PURE_ENV = "GEO_PURE_PYTHON"

_status: tuple[bool, str] | None = None


def source_digest(path: Path) -> str:
    """The digest the build records for a module's source (and this module checks at start)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _compiled_modules() -> dict[str, str]:
    """Module name -> digest of the source it was compiled from; empty without a compiled build."""
    try:
        recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    modules = recorded.get("modules") if isinstance(recorded, dict) else None
    return {str(k): str(v) for k, v in modules.items()} if isinstance(modules, dict) else {}


def _source_path(module: str, package_dir: Path) -> Path:
    return package_dir.joinpath(*module.split(".")[1:]).with_suffix(".py")


def _extension_present(module: str, package_dir: Path) -> bool:
    source = _source_path(module, package_dir)
    stem = module.rpartition(".")[2]
    return any((source.parent / f"{stem}{suffix}").is_file() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def why_sources(modules: dict[str, str], package_dir: Path, pure_requested: bool = False) -> str:
    """Why the sources must run instead of the compiled modules recorded in ``modules``; "" if they need not."""
    if pure_requested:
        return f"{PURE_ENV} is set"
    if not modules:
        return "this install has no compiled modules (no C compiler or mypyc when it was installed)"
    for module, digest in sorted(modules.items()):
        source = _source_path(module, package_dir)
        if not source.is_file() or source_digest(source) != digest:
            return f"{source} changed since it was compiled: run `bash scripts/setup.sh` to compile it again"
        if not _extension_present(module, package_dir):
            return f"the compiled {module} is missing: run `bash scripts/setup.sh` to compile it again"
    return ""


def stale() -> bool:
    """Whether this install compiled modules whose sources changed since (an edited or pulled checkout)."""
    modules = _compiled_modules()
    return bool(modules) and bool(why_sources(modules, Path(__file__).parent))


class _SourcesFirst(importlib.abc.MetaPathFinder):
    """Finds the named modules' ``.py`` files, so their compiled twins beside them are not loaded."""

    def __init__(self, modules: Sequence[str], package_dir: Path) -> None:
        self.modules = frozenset(modules)
        self.package_dir = package_dir

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        source = _source_path(fullname, self.package_dir)
        return importlib.util.spec_from_file_location(fullname, source) if source.is_file() else None


def choose() -> tuple[bool, str]:
    """Decide once per process, before any parsing module loads: (compiled build runs, why)."""
    global _status
    if _status is not None:
        return _status
    modules = _compiled_modules()
    package_dir = Path(__file__).parent
    reason = why_sources(modules, package_dir, os.environ.get(PURE_ENV, "").strip() not in ("", "0"))
    if reason and modules:
        loaded = sorted(m for m in modules if m in sys.modules)
        if loaded:  # too late to choose: say so rather than mix the two builds
            raise ImportError(f"geo._native.choose() must run before {', '.join(loaded)} is imported")
        sys.meta_path.insert(0, _SourcesFirst(list(modules), package_dir))
    _status = (not reason, reason or f"compiled with mypyc: {', '.join(sorted(modules))}")
    return _status


def compiled() -> bool:
    """Whether this process runs the compiled parsing modules."""
    return choose()[0]


def describe() -> str:
    """One line for ``geo --version``."""
    running, why = choose()
    return "parsing modules compiled with mypyc" if running else f"pure-Python parsing modules ({why})"
