"""Locate and load the browser assets a map needs.

Two kinds of assets, both always inlined, online or offline, so a map
never depends on a CDN to draw (online maps only add tiles):

* Our own scripts and style sheets (``geo/maps/static/geo-time.*`` and
  ``geo-basemap.*``), shipped inside the package.
* Leaflet, topojson-client and Natural Earth's outlines (``world-atlas``),
  from the npm packages pinned in the repository's ``package.json`` and
  ``package-lock.json`` (installed into ``<repo>/node_modules`` by ``npm ci``,
  which the setup script runs).

The npm packages are searched in :func:`geo.resources.node_modules_dir`
first (the copy a wheel carries, else ``<repo>/node_modules``), then in
the directory named by the ``GEO_ASSETS_DIR`` environment variable (a
``node_modules``-style directory).

Examples
--------
>>> from geo.maps.assets import static_text
>>> "GeoTime" in static_text("geo-time.js")
True
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import re
from pathlib import Path

from geo.errors import GeoError
from geo.resources import CHECKOUT, node_modules_dir, static_file

__all__ = [
    "LEAFLET_VERSION",
    "TOPOJSON_CLIENT_VERSION",
    "ASSETS_ENV",
    "SETUP_HINT",
    "find_assets_dir",
    "leaflet_js",
    "leaflet_css",
    "topojson_js",
    "static_text",
    "NPM_PACKAGES",
    "is_url",
    "asset_text",
    "inline_script",
    "inline_style",
]

logger = logging.getLogger(__name__)

#: The Leaflet version pinned in package.json; offline maps refuse any other.
LEAFLET_VERSION = "1.9.4"

#: The topojson-client version pinned in package.json (decodes the basemap in the page).
TOPOJSON_CLIENT_VERSION = "3.1.0"

#: Environment variable naming a node_modules-style directory to search.
ASSETS_ENV = "GEO_ASSETS_DIR"

#: What to tell the user when the npm assets are missing.
SETUP_HINT = (
    "run `npm ci` in the repository root (the setup script does this), or point "
    f"{ASSETS_ENV} at a node_modules directory holding the packages pinned in package.json"
)

_REPO_ROOT = CHECKOUT  # whose node_modules is searched when the package carries no copy
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".jpg": "image/jpeg"}


def _candidates() -> list[Path]:
    dirs = [node_modules_dir(_REPO_ROOT)]
    env = os.environ.get(ASSETS_ENV, "").strip()
    if env:
        dirs.append(Path(env).expanduser())
    return dirs


def find_assets_dir(package: str = "leaflet", version: str = LEAFLET_VERSION) -> Path:
    """Return the installed directory of an npm package at its pinned version.

    Parameters
    ----------
    package : str, optional
        npm package name (default ``"leaflet"``).
    version : str, optional
        Exact version required.

    Returns
    -------
    pathlib.Path
        The package directory, e.g. ``<repo>/node_modules/leaflet``.

    Raises
    ------
    GeoError
        If no search location holds the package at that version; the message
        lists where it looked and the setup command to run.

    Examples
    --------
    >>> find_assets_dir().name
    'leaflet'
    """
    looked = []
    for base in _candidates():
        pkg_dir = base / package
        manifest = pkg_dir / "package.json"
        looked.append(str(pkg_dir))
        if not manifest.is_file():
            continue
        try:
            found = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError) as err:
            logger.debug("unreadable %s: %s", manifest, err)
            continue
        if found != version:
            raise GeoError(
                f"{pkg_dir}: {package} {found} is installed but the map needs {package}@{version} "
                f"(pinned in package.json); {SETUP_HINT}"
            )
        return pkg_dir
    raise GeoError(f"map assets: {package}@{version} was not found (looked in {', '.join(looked)}); {SETUP_HINT}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise GeoError(f"{path}: cannot read map asset ({err}); {SETUP_HINT}") from err


#: The npm packages a map inlines: their pinned version (package.json) and the global their script defines.
NPM_PACKAGES = {
    "leaflet": (LEAFLET_VERSION, "L"),
    "topojson-client": (TOPOJSON_CLIENT_VERSION, "topojson"),
}


def is_url(source: str) -> bool:
    """Whether an asset source is a web address (linked, as folium links its own) rather than a shipped file.

    Examples
    --------
    >>> is_url("https://example.org/a.js"), is_url("//example.org/a.js"), is_url("npm:leaflet/dist/leaflet.js")
    (True, True, False)
    """
    return source.startswith(("http://", "https://", "//"))


@functools.lru_cache(maxsize=16)
def asset_text(source: str) -> str:
    """Return the text of a shipped asset, ready to inline.

    ``source`` is ``npm:<package>/<path>``, a file of one of the pinned npm
    packages (:data:`NPM_PACKAGES`), or ``geo:<file>``, one of our own files in
    ``geo/maps/static``. Source-map comments are dropped (developer tools would
    fetch a file that is not next to the HTML) and a style sheet's images are
    inlined as ``data:`` URIs, so the page needs no other file.

    Raises
    ------
    GeoError
        If the source names no pinned package, or the file is missing.

    Examples
    --------
    >>> "images/layers.png" in asset_text("npm:leaflet/dist/leaflet.css")
    False
    >>> asset_text("geo:geo-time.css").startswith("/*")
    True
    """
    scheme, _, rest = source.partition(":")
    if scheme == "geo" and rest:
        text = static_text(rest)
    elif scheme == "npm" and rest:
        package, _, inner = rest.partition("/")
        if package.startswith("@"):  # a scoped name has one slash of its own
            scope_name, _, inner = inner.partition("/")
            package = f"{package}/{scope_name}"
        if package not in NPM_PACKAGES or not inner:
            raise GeoError(
                f"map asset {source!r}: {package!r} is not one of the pinned npm packages "
                f"({', '.join(NPM_PACKAGES)}); add it to package.json and NPM_PACKAGES, or give an https URL"
            )
        path = find_assets_dir(package, NPM_PACKAGES[package][0]) / inner
        text = _read(path)
        if path.suffix == ".css":
            text = _inline_images(text, path.parent)
    else:
        raise GeoError(f"map asset {source!r}: name it npm:<package>/<file>, geo:<file> or an https URL")
    return re.sub(r"(//|/\*)# sourceMappingURL=\S+(\s*\*/)?\s*$", "", text)


def _inline_images(css: str, folder: Path) -> str:
    def inline(m: re.Match[str]) -> str:
        ref = m.group(2)
        if ref.startswith(("data:", "#")):
            return m.group(0)
        path = (folder / ref).resolve()
        mime = _MIME.get(path.suffix.lower())
        if mime is None or not path.is_file():
            raise GeoError(f"{folder}: a style sheet refers to the image {ref!r}, which is missing; {SETUP_HINT}")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url({m.group(1)}data:{mime};base64,{data}{m.group(1)})"

    return re.sub(r"""url\((['"]?)([^'")]+)\1\)""", inline, css)


def leaflet_js() -> str:
    """Return Leaflet's minified script, ready to inline.

    Examples
    --------
    >>> f'version="{LEAFLET_VERSION}"' in leaflet_js()
    True
    """
    return asset_text("npm:leaflet/dist/leaflet.js")


def leaflet_css() -> str:
    """Return Leaflet's style sheet with its images inlined as ``data:`` URIs.

    Examples
    --------
    >>> "images/layers.png" in leaflet_css()
    False
    """
    return asset_text("npm:leaflet/dist/leaflet.css")


def topojson_js() -> str:
    """Return topojson-client's minified script (defines ``window.topojson``), ready to inline.

    Examples
    --------
    >>> "topojson" in topojson_js()
    True
    """
    return asset_text("npm:topojson-client/dist/topojson-client.min.js")


@functools.lru_cache(maxsize=8)
def static_text(name: str) -> str:
    """Return the text of one of our own files in ``geo/maps/static``.

    Raises
    ------
    GeoError
        If the file is missing from the installed package.

    Examples
    --------
    >>> static_text("geo-time.css").startswith("/*")
    True
    """
    try:
        return static_file(name).read_text(encoding="utf-8")
    except (OSError, FileNotFoundError) as err:
        raise GeoError(
            f"geo/maps/static/{name} is missing from the installed package ({err}); "
            "reinstall geo (pip install -e .) so its static files are included"
        ) from err


def inline_script(code: str) -> str:
    """Wrap JavaScript in a ``<script>`` element that cannot be closed early.

    ``</script`` and ``<!--`` only ever occur inside string literals in the
    code we inline, where ``<\\/`` and ``<\\!--`` mean the same thing.

    Examples
    --------
    >>> inline_script("var s = '</script>';")
    "<script>var s = '<\\\\/script>';</script>"
    """
    safe = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return f"<script>{safe}</script>"


def inline_style(css: str) -> str:
    """Wrap CSS in a ``<style>`` element that cannot be closed early.

    Examples
    --------
    >>> inline_style("a{}")
    '<style>a{}</style>'
    """
    safe = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return f"<style>{safe}</style>"
