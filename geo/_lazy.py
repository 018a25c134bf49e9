"""Lazy attributes for a package: its public names load their module on first use.

A package that re-exports from heavy modules (folium, pandas) would make every
``import`` of it pay for them; instead its ``__getattr__`` (PEP 562) imports the
module that defines a name when the name is first asked for, and keeps it.
Type checkers see the same names through ``if TYPE_CHECKING:`` imports.

Examples
--------
>>> getattr_, dir_ = lazy_exports("geo", {"Geoparser": "geo.parsing.pipeline"})
>>> "Geoparser" in dir_()
True
>>> getattr_("nothing")
Traceback (most recent call last):
  ...
AttributeError: module 'geo' has no attribute 'nothing'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, whose names in ``where`` live in the given modules."""
    where = dict(where)

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            # AttributeError also lets `from package import submodule` go on to import the submodule.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # the next look-up is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
