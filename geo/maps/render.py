"""Render place mentions as a time-stamped interactive map.

The data is built by :func:`geo.maps.mapdata.build_map_data` and embedded as JSON;
our own script (``geo/maps/static/geo-time.js``) draws it with Leaflet: a time
slider (play, pause, step, loop, speed, date label), one layer per article in
the layer control kept in step with the slider, a "Summary" layer, the
"Countries" outlines, a legend, and popups that quote the article with the
mention highlighted. folium's time plugins are not used.

Entry points (the ``geo map`` command calls these):

* :class:`TimeLayer` -> a folium plugin: ``TimeLayer(mentions).add_to(m)``
  draws the mentions on any ``folium.Map``,
* :func:`build_map` -> a :class:`TimeMap` (a ``folium.Map`` around one
  ``TimeLayer``; shows inline in Jupyter like any folium map),
* :func:`save_map` -> one standalone HTML file, written atomically,
* :func:`embed_fragment` / :func:`save_embed` -> an HTML fragment to paste
  into a report page (several may share a page),
* :func:`save_png` -> a picture of a saved map, taken with headless Chromium.

Every map inlines Leaflet, topojson-client and our own scripts (from the npm
packages pinned in ``package.json``), so no page is ever blank for want of a
CDN. Online maps (the default) add OpenStreetMap tiles and carry the outline
basemap too, which switches on by itself when the tiles fail to load.
``offline=True`` draws Natural Earth's outlines instead of tiles, so the file
makes no network request at all.

Examples
--------
>>> from geo.maps.render import build_map, save_map
>>> rows = [{"doc": "a1", "title": "Talks", "name": "Baku", "id": "587084",
...          "feature": "PPLC", "country": "AZ", "lat": 40.38, "lon": 49.89,
...          "date": "2023-09-17", "text": "Baku", "sentence": "Talks in Baku."}]
>>> m = build_map(rows, title="Talks", offline=True)
>>> path = save_map(m, "/tmp/geo-doctest-map.html")
>>> path.name
'geo-doctest-map.html'
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import html
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from geo.atomicio import check_output, write_bytes, write_text
from geo.errors import GeoError, InputError
from geo.maps import assets
from geo.maps.basemap import basemap_json
from geo.maps.mapdata import build_map_data, page_payload, to_script_json

__all__ = [
    "TimeLayer",
    "TimeMap",
    "BASEMAPS",
    "CHROMIUM_PATH",
    "build_map",
    "save_map",
    "embed_fragment",
    "save_embed",
    "save_png",
]

logger = logging.getLogger(__name__)

#: Accepted ``basemap`` values: OpenStreetMap tiles (online only), the
#: country outlines, or nothing.
BASEMAPS = ("osm", "countries", "none")

#: Debian's Chromium; override with the GEO_CHROMIUM environment variable.
CHROMIUM_PATH = "/usr/bin/chromium"

#: Flags for headless Chromium on a machine with no network (shared with the browser tests).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _resolve_basemap(basemap: str | None, offline: bool) -> str:
    choice = "countries" if offline else "osm"
    if basemap is not None:
        choice = str(basemap).strip().lower()
    if choice not in BASEMAPS:
        raise InputError(f"basemap={basemap!r} is not known; choose one of {', '.join(BASEMAPS)}")
    if offline and choice == "osm":
        raise InputError(
            "basemap='osm' needs tiles from the network, which an offline map must not load; "
            "use basemap='countries' (the default offline) or 'none'"
        )
    return choice


def _tiles_option() -> dict[str, Any]:
    # xyzservices is a folium dependency; it knows the tile URL and the
    # attribution text the tile servers' usage policy requires.
    import xyzservices.providers as providers

    osm = providers.OpenStreetMap.Mapnik
    return {"url": osm.build_url(), "attribution": osm.html_attribution, "maxZoom": int(osm.get("max_zoom", 19))}


def _as_data(mentions: Any, window: Any) -> dict[str, Any]:
    if isinstance(mentions, Mapping) and mentions.get("type") == "geo-time-map":
        if window is not None:
            raise InputError(
                "window was given with data already built by build_map_data; pass the window "
                "to build_map_data, or pass the mentions instead"
            )
        return dict(mentions)
    return build_map_data(mentions, window=window)


class _Raw(Element):
    """Literal HTML or JS text.

    branca's ``Element(text)`` compiles its text as a Jinja template, so an
    article quoting ``{{`` or ``{%`` would break rendering or be evaluated;
    this element returns its text untouched.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class TimeLayer(JSCSSMixin):
    """Time-stamped place mentions on any ``folium.Map``: a folium plugin.

    Draws geo's time slider (play, step, loop, speed, date label), one layer
    per article, a summary layer, a legend and popups quoting the article,
    with geo's own script on the Leaflet map folium makes. Like folium's
    plugins it declares its scripts and style sheets in ``default_js`` and
    ``default_css``; unlike theirs, each is a file the package ships
    (``npm:`` a pinned npm package's, ``geo:`` our own), inlined into the
    page, so the layer draws without network. An http(s) URL set with
    ``add_js_link`` / ``add_css_link`` is linked instead, as folium does.
    The names ``leaflet`` and ``leaflet_css`` are folium's own, so the pinned
    Leaflet takes the place of the map's CDN link rather than loading twice.

    Parameters
    ----------
    mentions : list of dict, DataFrame, GeoDataFrame, Mentions or dict
        As accepted by :func:`geo.maps.mapdata.build_map_data`, or the dict it
        returned.
    window : str or datetime.timedelta, optional
        How long each mention stays visible (with mentions only).
    title : str, optional
        Shown above the map.
    basemap : {"countries", "osm", "none"}, optional
        What the layer draws beneath the mentions: Natural Earth's country
        outlines, OpenStreetMap tiles (with the outlines as a fallback when
        they fail), or nothing. By default the outlines are carried and
        switched on only when the map has no tile layer of its own.
    at : datetime.date or ISO str, optional
        The date the map opens on; default every date.

    Raises
    ------
    InputError
        On malformed mentions, window, basemap or date; when rendered, if the
        layer was added to something other than a ``folium.Map``.

    Examples
    --------
    >>> import folium
    >>> from geo.maps import TimeLayer
    >>> m = folium.Map(tiles=None)
    >>> layer = TimeLayer([{"doc": "d", "name": "Paris", "lat": 48.85, "lon": 2.35,
    ...                     "date": "1965-03-01"}], title="Paris").add_to(m)
    >>> page = m.get_root().render()
    >>> "GeoTime.attach(" in page and "leaflet@1.9.3" not in page
    True
    """

    # Lists, as folium's JSCSSMixin has them; each layer gets its own copy for add_js_link to edit.
    default_js = [  # noqa: RUF012
        ("leaflet", "npm:leaflet/dist/leaflet.js"),
        ("topojson", "npm:topojson-client/dist/topojson-client.min.js"),
        ("geo_basemap_js", "geo:geo-basemap.js"),
        ("geo_time_js", "geo:geo-time.js"),
    ]
    default_css = [  # noqa: RUF012
        ("leaflet_css", "npm:leaflet/dist/leaflet.css"),
        ("geo_time_css", "geo:geo-time.css"),
        ("geo_basemap_css", "geo:geo-basemap.css"),
    ]

    def __init__(
        self,
        mentions: Any,
        *,
        window: Any = None,
        title: str | None = None,
        basemap: str | None = None,
        at: Any = None,
    ) -> None:
        super().__init__()
        self._name = "TimeLayer"
        # Per layer, so add_js_link on one layer leaves the class and the other layers alone.
        self.default_js = list(type(self).default_js)
        self.default_css = list(type(self).default_css)
        self.data = _as_data(mentions, window)
        self.title = title
        # None: the outlines, shown only when the map has no tiles of its own (decided at render).
        self.basemap = _resolve_basemap(basemap, offline=False) if basemap is not None else None
        self.at = initial_date(at)
        self.data_id = f"geo-data-{self._id}"
        self.basemap_id = f"geo-basemap-{self._id}"

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        # Not JSCSSMixin.render, which would link every source, nor MacroElement.render,
        # which would push the data (article text) through Jinja.
        leaflet_map = self._parent
        if not isinstance(leaflet_map, folium.Map):
            raise InputError(
                f"TimeLayer was added to a {type(leaflet_map).__name__}; add it to the folium.Map itself "
                "(TimeLayer(mentions).add_to(m)): it draws its own layers and controls on the map"
            )
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise InputError("TimeLayer: its map is in no page (branca Figure); render the map, not the layer")
        for name, tag in asset_tags(self.default_css, self.default_js, guard=False):
            figure.header.add_child(_Raw(tag), name=name)
        basemap, countries_on = self.base_for(leaflet_map)
        blocks = _data_blocks(self.data, self.data_id, basemap, self.basemap_id)
        figure.html.add_child(_Raw(blocks), name=self.get_name())
        options = to_script_json(_js_options(self.title, basemap, self.basemap_id, self.at, countries_on))
        call = f"GeoTime.attach({leaflet_map.get_name()}, {to_script_json(self.data_id)}, {options});"
        figure.script.add_child(_Raw(call), name=self.get_name())

    def base_for(self, leaflet_map: folium.Map) -> tuple[str, bool]:
        """The basemap this layer carries on ``leaflet_map``, and whether its outlines start switched on."""
        if self.basemap is not None:
            return self.basemap, self.basemap == "countries"
        has_tiles = any(isinstance(child, folium.TileLayer) for child in leaflet_map._children.values())
        return "countries", not has_tiles


def _js_options(title: str | None, basemap: str, basemap_id: str, at: str | None, countries_on: bool) -> dict[str, Any]:
    return {
        "title": title or None,
        "at": at,
        "basemapId": basemap_id if basemap != "none" else None,
        "countriesOn": countries_on,
        "tiles": _tiles_option() if basemap == "osm" else None,
        "summaryOn": False,
    }


def _data_blocks(data: dict[str, Any], data_id: str, basemap: str, basemap_id: str) -> str:
    # Large maps are compressed (geo.maps.mapdata.page_payload); the page decodes them itself.
    encoding, payload = page_payload(data)
    kind = "application/json" if encoding == "json" else "application/octet-stream"
    parts = [f'<script type="{kind}" id="{data_id}" data-encoding="{encoding}">{payload}</script>']
    if basemap != "none":
        # Finest where the map opens; both bounds are [[south, west], [north, east]].
        outlines = basemap_json(data.get("focus_bounds") or data.get("bounds"))
        parts.append(f'<script type="application/json" id="{basemap_id}">{outlines}</script>')
    return "\n".join(parts)


def asset_tags(css: list[tuple[str, str]], js: list[tuple[str, str]], *, guard: bool) -> list[tuple[str, str]]:
    """The (name, HTML) of declared style sheets and scripts, in page order: style sheets, then scripts.

    Shipped files are inlined (:func:`geo.maps.assets.asset_text`), URLs
    linked. With ``guard``, for fragments pasted into a page, a library the
    page already has (from an earlier fragment) is kept and not defined again:
    a second Leaflet would replace ``window.L`` under the first map.
    """
    tags = []
    for name, source in css:
        if assets.is_url(source):
            tags.append((name, f'<link rel="stylesheet" href="{html.escape(source, quote=True)}"/>'))
        else:
            tags.append((name, assets.inline_style(assets.asset_text(source))))
    for name, source in js:
        if assets.is_url(source):
            tags.append((name, f'<script src="{html.escape(source, quote=True)}"></script>'))
            continue
        code = assets.asset_text(source)
        library = (
            assets.NPM_PACKAGES.get(source.removeprefix("npm:").split("/")[0]) if source.startswith("npm:") else None
        )
        if library is not None:
            # Undefined define/module/exports: the UMD wrapper sets the global even on a page with an AMD loader.
            code = f"(function (define, module, exports) {{\n{code}\n}}).call(window);"
            if guard:
                code = f"if (!window.{library[1]}) {{\n{code}\n}}"
        tags.append((name, assets.inline_script(code)))
    return tags


class TimeMap(folium.Map):
    """A folium map made to show one :class:`TimeLayer`, as :func:`build_map` makes it.

    Nothing is linked: Leaflet, topojson-client and our own scripts and
    style sheets are inlined by its layer, online or offline, and in Jupyter
    too (``_repr_html_`` renders the same page). folium's jQuery, Bootstrap
    and icon fonts are not needed and not loaded.

    Attributes
    ----------
    geo_layer : TimeLayer
        The layer drawing the mentions; ``geo_data``, ``title``, ``basemap``
        and ``at`` are its.
    offline : bool
        Whether the map uses no tiles.
    """

    def __init__(
        self,
        data: dict[str, Any],
        *,
        title: str | None = None,
        offline: bool = False,
        basemap: str | None = None,
        height: str = "100%",
        at: Any = None,
    ) -> None:
        super().__init__(
            location=None,
            tiles=None,
            height=height,
            prefer_canvas=True,
            zoom_snap=0.25,
            world_copy_jump=True,
        )
        # folium's CDN links (Leaflet 1.9.3, jQuery, Bootstrap): never; the layer inlines the pinned assets.
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        self.offline = bool(offline)
        self.geo_layer = TimeLayer(data, title=title, basemap=_resolve_basemap(basemap, offline), at=at)
        self.add_child(self.geo_layer, name="geo_time")
        root = self.get_root()
        if title and isinstance(root, Figure):
            root.title = html.escape(title)

    @property
    def geo_data(self) -> dict[str, Any]:
        """The data from :func:`geo.maps.mapdata.build_map_data`."""
        return self.geo_layer.data

    @property
    def title(self) -> str | None:
        return self.geo_layer.title

    @property
    def basemap(self) -> str:
        return self.geo_layer.base_for(self)[0]

    @property
    def at(self) -> str | None:
        return self.geo_layer.at

    def go_offline(self) -> None:
        """Use no tiles from now on: OpenStreetMap gives way to the country outlines."""
        self.offline = True
        if self.geo_layer.basemap == "osm":
            self.geo_layer.basemap = "countries"


def initial_date(at: Any) -> str | None:
    """The first date a map shows: ``None`` (every date), or an ISO date from a date or string.

    Examples
    --------
    >>> initial_date("2023-09-19"), initial_date(None), initial_date("all")
    ('2023-09-19', None, None)
    """
    import datetime as dt

    if at is None or (isinstance(at, str) and at.strip().lower() in ("", "all")):
        return None
    if isinstance(at, dt.datetime):
        at = at.date()
    if isinstance(at, dt.date):
        return at.isoformat()
    try:
        return dt.date.fromisoformat(str(at).strip()[:10]).isoformat()
    except ValueError as err:
        raise InputError(f"at={at!r} is not a date; give a datetime.date, 'YYYY-MM-DD' or 'all'") from err


def build_map(
    mentions: Any,
    *,
    title: str | None = None,
    window: Any = None,
    offline: bool = False,
    basemap: str | None = None,
    at: Any = None,
) -> TimeMap:
    """Build a time-stamped interactive map of place mentions.

    Parameters
    ----------
    mentions : list of dict, DataFrame, GeoDataFrame, Mentions or dict
        Mentions as accepted by :func:`geo.maps.mapdata.build_map_data`, or the
        dict it returned.
    title : str, optional
        Shown above the map and as the page title (escaped).
    window : str or datetime.timedelta, optional
        How long each mention stays visible, e.g. ``"P7D"``; default from the
        data's span (see :func:`geo.maps.mapdata.default_window_days`).
    offline : bool, optional
        Use no tiles, so the saved file makes no network request. Online or
        not, every asset is inlined (needs ``npm ci`` to have been run in the
        repository).
    basemap : {"osm", "countries", "none"}, optional
        Base layer; default "osm" online, "countries" (outlines) offline.
    at : datetime.date or ISO str, optional
        The date the map opens on; default every date at once (the slider
        then plays from the first date). A permalink's ``#at=`` overrides it.

    Returns
    -------
    TimeMap
        A ``folium.Map``; display it in Jupyter or pass it to :func:`save_map`.

    Raises
    ------
    InputError
        On malformed mentions, window or basemap.
    GeoError
        If ``offline`` and the npm assets are not installed.

    Examples
    --------
    >>> m = build_map([{"doc": "d", "name": "Paris", "lat": 48.85, "lon": 2.35,
    ...                 "date": "1965-03-01"}], offline=True)
    >>> m.geo_data["domain"]["min"]
    '1965-03-01'
    """
    data = _as_data(mentions, window)
    assets.find_assets_dir()  # fail now, with the setup hint, not at save time
    return TimeMap(data, title=title, offline=offline, basemap=basemap, at=at)


def _atomic_write(path: str | os.PathLike[str], text: str) -> Path:
    target = write_text(path, text)
    logger.debug("wrote %s (%d characters)", target, len(text))
    return target


def _ensure_map(m_or_mentions: Any, offline: bool | None, **build: Any) -> folium.Map:
    """A map to write: a built one as it is (switched to offline when asked), or one built from mentions."""
    if isinstance(m_or_mentions, folium.Map):
        given = {k: v for k, v in build.items() if v is not None}
        if given:
            raise InputError(
                f"{', '.join(sorted(given))} given with an already built map; pass them to build_map instead"
            )
        if isinstance(m_or_mentions, TimeMap):
            if offline:
                m_or_mentions.go_offline()
            elif offline is not None:
                m_or_mentions.offline = False
            return m_or_mentions
        if not any(isinstance(child, TimeLayer) for child in m_or_mentions._children.values()):
            raise InputError(
                "this folium.Map carries no geo.maps.TimeLayer; add one (TimeLayer(mentions).add_to(m)), "
                "or build the map with build_map(mentions)"
            )
        if offline:
            raise InputError(
                "offline=True with a folium.Map of your own: its tiles and links are yours to choose; make it "
                "with tiles=None, or build the map with build_map(mentions, offline=True)"
            )
        return m_or_mentions
    return build_map(m_or_mentions, offline=bool(offline), **build)


def _time_map(m: folium.Map, what: str) -> TimeMap:
    if not isinstance(m, TimeMap):
        raise InputError(
            f"{what} takes a map made by build_map (or mentions); a folium.Map of your own may hold other "
            "layers that a fragment would leave out: save it with save_map instead"
        )
    return m


def save_map(
    m_or_mentions: Any,
    path: str | os.PathLike[str],
    *,
    offline: bool | None = None,
    title: str | None = None,
    window: Any = None,
    basemap: str | None = None,
    at: Any = None,
) -> Path:
    """Write a map as one standalone HTML file, atomically.

    The HTML goes to a temporary file in the same directory, which then
    replaces ``path`` in one step, so a reader never sees half a file and a
    failed write leaves the old file untouched (:mod:`geo.atomicio`). A
    symlink is written through; a device or FIFO gets the HTML as a stream.

    Parameters
    ----------
    m_or_mentions : TimeMap or mentions
        A map from :func:`build_map`, or anything it accepts.
    path : str or path-like
        Destination ``.html`` file; its directory must exist.
    offline : bool, optional
        Inline every asset and use no tiles. ``None`` keeps a built map's
        setting (online for mentions).
    title, window, basemap, at
        As in :func:`build_map`; only with mentions, not with a built map.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> save_map([{"doc": "d", "name": "Paris", "lat": 48.85, "lon": 2.35}],
    ...          "/tmp/geo-doctest-paris.html", offline=True).suffix
    '.html'
    """
    m = _ensure_map(m_or_mentions, offline, title=title, window=window, basemap=basemap, at=at)
    return _atomic_write(path, m.get_root().render())


def embed_fragment(
    m_or_mentions: Any,
    *,
    offline: bool | None = None,
    title: str | None = None,
    window: Any = None,
    basemap: str | None = None,
    height: str = "600px",
    at: Any = None,
) -> str:
    """Return an HTML fragment (a div and its scripts) to paste into a page.

    Every id in the fragment is unique, so several fragments can share one
    page; Leaflet and our script are defined only once per page even when
    each fragment carries them.

    Parameters
    ----------
    m_or_mentions : TimeMap or mentions
        A map from :func:`build_map`, or anything it accepts.
    offline : bool, optional
        Inline every asset (``None`` keeps a built map's setting).
    title, window, basemap, at
        As in :func:`build_map`; only with mentions.
    height : str, optional
        CSS height of the map box, e.g. ``"600px"``.

    Returns
    -------
    str
        The fragment.

    Examples
    --------
    >>> frag = embed_fragment([{"doc": "d", "name": "Paris", "lat": 48.85, "lon": 2.35}],
    ...                       offline=True)
    >>> frag.count('class="geo-embed"')
    1
    """
    m = _time_map(
        _ensure_map(m_or_mentions, offline, title=title, window=window, basemap=basemap, at=at), "embed_fragment"
    )
    layer = m.geo_layer
    uid = uuid.uuid4().hex[:12]
    map_id, data_id, base_id = f"geo-map-{uid}", f"geo-data-{uid}", f"geo-basemap-{uid}"
    safe_height = html.escape(str(height), quote=True)
    parts = [f'<div class="geo-embed" style="position:relative;width:100%;height:{safe_height}">']
    parts.extend(tag for _, tag in asset_tags(layer.default_css, layer.default_js, guard=True))
    parts.append(f'<div id="{map_id}" style="position:absolute;inset:0"></div>')
    basemap, countries_on = layer.base_for(m)
    parts.append(_data_blocks(layer.data, data_id, basemap, base_id))
    options = to_script_json(_js_options(layer.title, basemap, base_id, layer.at, countries_on))
    parts.append(assets.inline_script(f'GeoTime.create("{map_id}", "{data_id}", {options});'))
    parts.append("</div>")
    return "\n".join(parts)


def save_embed(
    m_or_mentions: Any,
    path: str | os.PathLike[str],
    *,
    offline: bool | None = None,
    title: str | None = None,
    window: Any = None,
    basemap: str | None = None,
    height: str = "600px",
    at: Any = None,
) -> Path:
    """Write :func:`embed_fragment` to ``path``, atomically.

    Examples
    --------
    >>> save_embed([{"doc": "d", "name": "Paris", "lat": 48.85, "lon": 2.35}],
    ...            "/tmp/geo-doctest-frag.html", offline=True).name
    'geo-doctest-frag.html'
    """
    frag = embed_fragment(
        m_or_mentions, offline=offline, title=title, window=window, basemap=basemap, height=height, at=at
    )
    return _atomic_write(path, frag)


def _chromium() -> str:
    exe = os.environ.get("GEO_CHROMIUM", "").strip() or CHROMIUM_PATH
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        raise GeoError(
            f"save_png: no Chromium at {exe}; install Debian's package (apt-get install chromium) "
            "or set GEO_CHROMIUM to a Chromium executable"
        )
    return exe


#: Largest picture side in device pixels (Chromium's own limit for a screenshot is 16384).
MAX_PICTURE_PX = 16384


def _figure_date(at: Any) -> str | None:
    import datetime as dt

    if at is None:
        return None
    if isinstance(at, dt.datetime):
        at = at.date()
    if isinstance(at, dt.date):
        return at.isoformat()
    try:
        return dt.date.fromisoformat(str(at)[:10]).isoformat()
    except ValueError as err:
        raise InputError(f"at={at!r} is not a date; give a datetime.date or 'YYYY-MM-DD'") from err


def save_png(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str] | None,
    *,
    at: Any = None,
    width: int = 1400,
    height: int = 900,
    scale: float = 1.0,
    pdf_path: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
) -> Path | None:
    """Draw a saved map as a figure for a report, with headless Chromium.

    The page is opened in figure mode (URL hash ``figure=1``): no zoom
    buttons, slider, layer panel or popups, but the title, the date (or the
    whole span), the mention count, the legend, the labels, a scale bar and
    the attribution.

    Parameters
    ----------
    html_path : str or path-like
        A file written by :func:`save_map`.
    png_path : str or path-like or None
        Destination ``.png``, written atomically; ``None`` with ``pdf_path``
        writes only the PDF.
    at : datetime.date or ISO str, optional
        The date to show; default every date at once (the summary).
    width, height : int, optional
        Picture size in CSS pixels.
    scale : float, optional
        Device pixels per CSS pixel: ``width=1600, height=1000, scale=2``
        gives a 3200x2000 picture, sharp in print.
    pdf_path : str or path-like, optional
        Also write a one-page PDF of the same figure (Chromium's printing;
        text and outlines stay vector where Chromium draws them so).
    timeout : float, optional
        Seconds to wait for the page and the map.

    Returns
    -------
    pathlib.Path or None
        The written picture (``None`` when only a PDF was asked for).

    Raises
    ------
    InputError
        If ``html_path`` does not exist, ``at`` is not a date, or a size is
        not positive or too large.
    GeoError
        If Playwright or Chromium is missing, or the map fails to draw
        (the message carries the page's error).

    Examples
    --------
    >>> save_png("/tmp/geo-doctest-map.html", "/tmp/geo-doctest-map.png",
    ...          width=1600, height=1000, scale=2).suffix  # doctest: +SKIP
    '.png'
    """
    src = Path(html_path).resolve()
    if not src.is_file():
        raise InputError(f"{html_path}: no such map file; write it with save_map first")
    when = _figure_date(at)
    width, height, scale = int(width), int(height), float(scale)
    if width <= 0 or height <= 0 or not scale > 0:
        raise InputError(f"picture size {width}x{height} at scale {scale}: every value must be positive")
    if max(width, height) * scale > MAX_PICTURE_PX:
        raise InputError(
            f"picture size {width}x{height} at scale {scale:g} is {width * scale:.0f}x{height * scale:.0f} pixels; "
            f"Chromium draws at most {MAX_PICTURE_PX} a side: lower --size or --scale"
        )
    if png_path is None and pdf_path is None:
        raise InputError("save_png: give png_path, pdf_path or both")
    # Before Chromium starts: a folder, socket or read-only folder fails at once.
    dest = Path(png_path) if png_path is not None else None
    pdf = Path(pdf_path) if pdf_path is not None else None
    for target in (dest, pdf):
        if target is not None:
            check_output(target)
    exe = _chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise GeoError("save_png needs Playwright's Python package: pip install playwright") from err

    job = _Shot(src, dest, pdf, when, width, height, scale, float(timeout), exe, str(html_path))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        errors = _screenshot(job)
    else:
        # Playwright's sync API refuses to run inside an event loop (Jupyter
        # has one); a worker thread has none.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            errors = pool.submit(_screenshot, job).result()
    if errors:
        logger.warning("save_png: the page reported errors: %s", "; ".join(errors))
    return dest


@dataclasses.dataclass(frozen=True)
class _Shot:
    src: Path
    png: Path | None
    pdf: Path | None
    when: str | None
    width: int
    height: int
    scale: float
    timeout: float
    exe: str
    html_path: str

    def url(self) -> str:
        fragment = "figure=1" + (f"&at={self.when}" if self.when else "")
        return f"{self.src.as_uri()}#{fragment}"


def _screenshot(job: _Shot) -> list[str]:
    """Open the map in figure mode in headless Chromium and write the picture and/or PDF."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    ms = job.timeout * 1000
    profile = tempfile.mkdtemp(prefix="geo-chromium-")
    pictures: dict[Path, bytes] = {}
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile,
                executable_path=job.exe,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": job.width, "height": job.height},
                device_scale_factor=job.scale,
            )
            try:
                page = ctx.pages[0] if ctx.pages else ctx.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(job.url(), wait_until="load", timeout=ms)
                try:
                    # Every map container says when it is drawn (geo-basemap.js, or the map's own script).
                    page.wait_for_function(
                        """() => { const maps = document.querySelectorAll('.geo-map');
                                   return maps.length > 0 && [...maps].every((m) => m.dataset.geoReady === '1'); }""",
                        timeout=ms,
                    )
                except PlaywrightError as err:
                    detail = "; ".join(errors) or str(err).splitlines()[0]
                    raise GeoError(
                        f"{job.html_path}: the map did not start ({detail}); save it again with this "
                        "version of geo (save_map), which inlines everything the page needs"
                    ) from err
                try:
                    page.wait_for_load_state("networkidle", timeout=min(job.timeout, 10) * 1000)
                except PlaywrightError:
                    logger.debug("save_png: network still busy (tiles?); taking the picture anyway")
                # Leaflet's canvas redraws on the next animation frame.
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
                if job.png is not None:
                    pictures[job.png] = page.screenshot(full_page=False)
                if job.pdf is not None:
                    page.emulate_media(media="screen")
                    pictures[job.pdf] = page.pdf(
                        width=f"{job.width}px",
                        height=f"{job.height}px",
                        print_background=True,
                        page_ranges="1",
                        margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                    )
            finally:
                ctx.close()
    except PlaywrightError as err:
        raise GeoError(f"save_png: Chromium failed on {job.html_path}: {str(err).splitlines()[0]}") from err
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for dest, picture in pictures.items():
        write_bytes(dest, picture)
    return errors
