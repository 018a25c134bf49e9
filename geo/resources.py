"""Where the files geo ships beside its code are: one place to ask, installed or in a checkout.

A wheel carries three kinds of data inside the ``geo`` package:

* ``geo/maps/static``: our own map script and style sheet;
* ``geo/_curated``: the project's curated gazetteer, built from the top-level
  ``gazetteer/`` folder (pyproject maps the package onto that folder, so the
  folder stays the single source);
* ``geo/_node_modules``: the pinned Leaflet files, copied from ``node_modules``
  by the build (``setup.py``), since they are installed by ``npm ci``, not
  committed.

In an editable install or a plain checkout the first two resolve to the
checkout's folders through the same calls, and Leaflet is read from the
checkout's ``node_modules``, which is where ``npm ci`` puts it.

Examples
--------
>>> from geo.resources import curated_dir, static_file
>>> (curated_dir() / "caucasus.geojson").is_file()
True
>>> static_file("geo-time.js").name
'geo-time.js'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["CHECKOUT", "curated_dir", "node_modules_dir", "leaflet_dir", "static_file"]

#: The source checkout this module sits in, when it sits in one (else a folder without ``pyproject.toml``).
CHECKOUT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path | None:
    """A data folder installed inside the ``geo`` package, or ``None`` (an editable install or a checkout)."""
    folder = resources.files("geo").joinpath(name)
    # pip unpacks wheels, so an installed geo is a folder on disk; a zipped one would need extracting first.
    return folder if isinstance(folder, Path) and folder.is_dir() else None


def curated_dir() -> Path:
    """The project's curated gazetteer folder (``gazetteer/`` in a checkout, ``geo/_curated`` in a wheel)."""
    return _shipped("_curated") or CHECKOUT / "gazetteer"


def node_modules_dir(checkout: Path = CHECKOUT) -> Path:
    """The ``node_modules``-style folder holding the pinned browser packages (Leaflet).

    The copy the installed package carries, else ``checkout/node_modules``.
    """
    return _shipped("_node_modules") or checkout / "node_modules"


def leaflet_dir() -> Path:
    """Leaflet's package folder (its ``package.json`` and ``dist/``)."""
    return node_modules_dir() / "leaflet"


def static_file(name: str) -> Path:
    """One of our own map files in ``geo/maps/static`` (``geo-time.js``, ``geo-time.css``)."""
    static = _shipped("maps/static")
    if static is None:
        raise FileNotFoundError(f"geo/maps/static is missing from the installed package (looked for {name})")
    return static / name
