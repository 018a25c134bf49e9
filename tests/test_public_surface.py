"""The public surface: every name in each package's ``__all__`` resolves, lazily, and ``import geo`` stays light."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ["geo", "geo.gazetteer", "geo.parsing", "geo.maps", "geo.batch", "geo.evaluate"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    assert module.__doc__ and module.__doc__.strip(), f"{package} has no docstring"
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)
    with pytest.raises(AttributeError, match=f"module '{package}' has no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018


def test_submodules_still_import_through_a_lazy_package():
    from geo.maps import assets  # a submodule, not one of the lazy names

    assert assets.__name__ == "geo.maps.assets"


def test_importing_the_packages_loads_no_heavy_dependency():
    # A fresh interpreter: this one has imported everything already.
    code = (
        "import sys, geo, geo.gazetteer, geo.parsing, geo.maps, geo.batch, geo.evaluate\n"
        "print(*sorted(m for m in ('folium', 'pandas', 'geopandas', 'pyarrow', 'numpy', 'shapely', 'dask')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_type_checkers_see_the_lazy_names():
    # A name that loads on first use is also imported under `if TYPE_CHECKING:`, so mypy and IDEs know it.
    code = (
        "import importlib\n"
        f"for p in {PACKAGES!r}:\n"
        "    m = importlib.import_module(p); print(p, *sorted(set(m.__all__) - set(vars(m))))"
    )
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for line in fresh.splitlines():
        package, *lazy = line.split()
        assert lazy, f"{package}: no lazy names (then it needs no lazy_exports)"
        assert set(lazy) <= _type_checking_imports(package), package


def _type_checking_imports(package: str) -> set[str]:
    tree = ast.parse(Path(importlib.util.find_spec(package).origin).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    names.update(alias.asname or alias.name for alias in stmt.names)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_no_public_name_is_hidden_by_a_submodule_of_the_same_name(package):
    # Importing a submodule sets it as an attribute of its package: a public name that is also a
    # submodule's name would then be the module, not the function (``geo.batch.aggregate`` was).
    module = importlib.import_module(package)
    submodules = {p.stem for p in Path(module.__file__).parent.glob("*.py")}
    assert not set(module.__all__) & submodules
    for name in submodules - {"__init__", "__main__"}:
        importlib.import_module(f"{package}.{name}")
    for name in module.__all__:
        assert not isinstance(getattr(module, name), type(module)), f"{package}.{name} is a module"
