"""Render place mentions as a time-stamped interactive map.

The data is built by :func:`geo.mapdata.build_map_data` and embedded as JSON;
our own script (``geo/static/geo-time.js``) draws it with Leaflet: a time
slider (play, pause, step, loop, speed, date label), one layer per article in
the layer control kept in step with the slider, a "Summary" layer, the
"Countries" outlines, a legend, and popups that quote the article with the
mention highlighted. folium's time plugins are not used.

Entry points (the ``geo map`` command calls these):

* :func:`build_map` -> a :class:`TimeMap` (a ``folium.Map``; shows inline in
  Jupyter like any folium map),
* :func:`save_map` -> one standalone HTML file, written atomically,
* :func:`embed_fragment` / :func:`save_embed` -> an HTML fragment to paste
  into a report page (several may share a page),
* :func:`save_png` -> a picture of a saved map, taken with headless Chromium.

Online maps (the default) load Leaflet from folium's pinned CDN URL and
OpenStreetMap tiles. ``offline=True`` inlines every script and style sheet
(Leaflet comes from the npm package pinned in ``package.json``) and draws the
country outlines instead of tiles, so the file makes no network request.

Examples
--------
>>> from geo.render import build_map, save_map
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
from branca.element import Element, MacroElement

from geo import assets
from geo.basemap import country_outlines
from geo.errors import GeoError, InputError
from geo.mapdata import build_map_data, page_payload, to_script_json

__all__ = [
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


class _GeoTimeLayer(MacroElement):
    """Carries the map data as JSON and starts geo-time on the folium map."""

    def __init__(self, data: dict[str, Any], *, title: str | None, basemap: str, at: str | None = None) -> None:
        super().__init__()
        self._name = "GeoTimeLayer"
        self.data = data
        self.title = title
        self.basemap = basemap
        self.at = at
        self.data_id = f"geo-data-{self._id}"
        self.basemap_id = f"geo-basemap-{self._id}"

    def render(self, **kwargs: Any) -> None:
        # Not MacroElement.render: that would push the data through Jinja.
        figure = self.get_root()
        options = to_script_json(_js_options(self.title, self.basemap, self.basemap_id, self.at))
        blocks = _data_blocks(self.data, self.data_id, self.basemap, self.basemap_id)
        figure.html.add_child(_Raw(blocks), name=self.get_name())
        call = f"GeoTime.attach({self._parent.get_name()}, {to_script_json(self.data_id)}, {options});"
        figure.script.add_child(_Raw(call), name=self.get_name())


def _js_options(title: str | None, basemap: str, basemap_id: str, at: str | None = None) -> dict[str, Any]:
    return {
        "title": title or None,
        "at": at,
        "basemapId": basemap_id if basemap != "none" else None,
        "countriesOn": basemap == "countries",
        "tiles": _tiles_option() if basemap == "osm" else None,
        "summaryOn": False,
    }


def _data_blocks(data: dict[str, Any], data_id: str, basemap: str, basemap_id: str) -> str:
    # Large maps are compressed (geo.mapdata.page_payload); the page decodes them itself.
    encoding, payload = page_payload(data)
    kind = "application/json" if encoding == "json" else "application/octet-stream"
    parts = [f'<script type="{kind}" id="{data_id}" data-encoding="{encoding}">{payload}</script>']
    if basemap != "none":
        parts.append(
            f'<script type="application/json" id="{basemap_id}">{to_script_json(country_outlines())}</script>'
        )
    return "\n".join(parts)


class TimeMap(folium.Map):
    """A folium map that draws geo's time-stamped mentions.

    Build it with :func:`build_map`. Its JavaScript and CSS needs are declared
    as data, like any folium element: online it links Leaflet from folium's
    pinned CDN URL; offline (``offline=True``) nothing is linked and every
    asset is inlined when the map is rendered. Our own script and style sheet
    are always inlined. folium's jQuery, Bootstrap and icon fonts are not
    needed and not loaded.

    Attributes
    ----------
    geo_data : dict
        The data from :func:`geo.mapdata.build_map_data`.
    offline : bool
        Whether rendering inlines every asset and uses no tiles.
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
        self.geo_data = data
        self.title = title
        self.basemap = _resolve_basemap(basemap, offline)
        self._set_offline(offline)
        self.at = initial_date(at)
        self.geo_layer = _GeoTimeLayer(data, title=title, basemap=self.basemap, at=self.at)
        self.add_child(self.geo_layer, name="geo_time")
        if title:
            self.get_root().title = html.escape(title)

    def _set_offline(self, offline: bool) -> None:
        self.offline = bool(offline)
        if self.offline:
            self.default_js = []
            self.default_css = []
        else:
            js, css = assets.leaflet_urls()
            self.default_js = [("leaflet", js)]
            self.default_css = [("leaflet_css", css)]

    def inline_assets(self) -> list[tuple[str, str]]:
        """Return the (name, HTML) of every inlined asset, in page order."""
        out: list[tuple[str, str]] = []
        if self.offline:
            out.append(("leaflet_css_inline", assets.inline_style(assets.leaflet_css())))
            out.append(("leaflet_js_inline", assets.inline_script(assets.leaflet_js())))
        out.append(("geo_time_css", assets.inline_style(assets.static_text("geo-time.css"))))
        out.append(("geo_time_js", assets.inline_script(assets.static_text("geo-time.js"))))
        return out

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        super().render(**kwargs)
        # Added after folium's own header so our styles override Leaflet's.
        for name, tag in self.inline_assets():
            figure.header.add_child(_Raw(tag), name=name)


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
        Mentions as accepted by :func:`geo.mapdata.build_map_data`, or the
        dict it returned.
    title : str, optional
        Shown above the map and as the page title (escaped).
    window : str or datetime.timedelta, optional
        How long each mention stays visible, e.g. ``"P7D"``; default from the
        data's span (see :func:`geo.mapdata.default_window_days`).
    offline : bool, optional
        Inline every asset and use no tiles, so the saved file works with no
        network. Needs ``npm ci`` to have been run in the repository.
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
    if offline:
        assets.find_assets_dir()  # fail now, with the setup hint, not at save time
    return TimeMap(data, title=title, offline=offline, basemap=basemap, at=at)


def _atomic_write(path: str | os.PathLike[str], text: str) -> Path:
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{target}: directory {parent} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise GeoError(f"{target}: cannot write ({err}); check the directory is writable and has space") from err
        raise
    logger.debug("wrote %s (%d bytes)", target, len(text))
    return target


def _ensure_map(m_or_mentions: Any, offline: bool | None, **build: Any) -> TimeMap:
    if isinstance(m_or_mentions, TimeMap):
        given = {k: v for k, v in build.items() if v is not None}
        if given:
            raise InputError(
                f"{', '.join(sorted(given))} given with an already built map; pass them to build_map instead"
            )
        if offline is not None and bool(offline) != m_or_mentions.offline:
            if offline:
                assets.find_assets_dir()
                m_or_mentions.basemap = _resolve_basemap(
                    "countries" if m_or_mentions.basemap == "osm" else m_or_mentions.basemap, True
                )
                m_or_mentions.geo_layer.basemap = m_or_mentions.basemap
            m_or_mentions._set_offline(bool(offline))
        return m_or_mentions
    if isinstance(m_or_mentions, folium.Map):
        raise InputError(
            "this folium.Map was not made by geo.render.build_map; build it with build_map(mentions) "
            "so it carries the time-stamped data"
        )
    return build_map(m_or_mentions, offline=bool(offline), **build)


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
    failed write leaves the old file untouched.

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
    m = _ensure_map(m_or_mentions, offline, title=title, window=window, basemap=basemap, at=at)
    uid = uuid.uuid4().hex[:12]
    map_id, data_id, base_id = f"geo-map-{uid}", f"geo-data-{uid}", f"geo-basemap-{uid}"
    safe_height = html.escape(str(height), quote=True)
    parts = [f'<div class="geo-embed" style="position:relative;width:100%;height:{safe_height}">']
    if m.offline:
        parts.append(assets.inline_style(assets.leaflet_css()))
        guarded = "if (!window.L) {\n" + assets.leaflet_js() + "\n}"
        parts.append(assets.inline_script(guarded))
    else:
        js, css = assets.leaflet_urls()
        parts.append(f'<link rel="stylesheet" href="{html.escape(css, quote=True)}"/>')
        # A second copy of Leaflet would replace window.L under the first
        # map; keep whichever copy the page had first.
        parts.append("<script>window.__geoPrevL = window.L;</script>")
        parts.append(f'<script src="{html.escape(js, quote=True)}"></script>')
        parts.append("<script>if (window.__geoPrevL) { window.L = window.__geoPrevL; }</script>")
    parts.append(assets.inline_style(assets.static_text("geo-time.css")))
    parts.append(assets.inline_script(assets.static_text("geo-time.js")))
    parts.append(f'<div id="{map_id}" style="position:absolute;inset:0"></div>')
    parts.append(_data_blocks(m.geo_data, data_id, m.basemap, base_id))
    options = to_script_json(_js_options(m.title, m.basemap, base_id, m.at))
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


def save_png(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    at: Any = None,
    width: int = 1400,
    height: int = 900,
    timeout: float = 60.0,
) -> Path:
    """Take a picture of a saved map with headless Chromium.

    Parameters
    ----------
    html_path : str or path-like
        A file written by :func:`save_map`.
    png_path : str or path-like
        Destination ``.png``; written atomically.
    at : datetime.date or ISO str, optional
        Slider date to show; default the map's first date.
    width, height : int, optional
        Viewport size in CSS pixels.
    timeout : float, optional
        Seconds to wait for the page and the map.

    Returns
    -------
    pathlib.Path
        The written picture.

    Raises
    ------
    InputError
        If ``html_path`` does not exist or ``at`` is not a date.
    GeoError
        If Playwright or Chromium is missing, or the map fails to draw
        (the message carries the page's error).

    Examples
    --------
    >>> save_png("/tmp/geo-doctest-map.html", "/tmp/geo-doctest-map.png",
    ...          at="2023-09-17").suffix  # doctest: +SKIP
    '.png'
    """
    import datetime as dt

    src = Path(html_path).resolve()
    if not src.is_file():
        raise InputError(f"{html_path}: no such map file; write it with save_map first")
    when: str | None = None
    if at is not None:
        if isinstance(at, dt.datetime):
            at = at.date()
        if isinstance(at, dt.date):
            when = at.isoformat()
        else:
            try:
                when = dt.date.fromisoformat(str(at)[:10]).isoformat()
            except ValueError as err:
                raise InputError(f"at={at!r} is not a date; give a datetime.date or 'YYYY-MM-DD'") from err
    dest = Path(png_path)
    if not dest.parent.is_dir():
        raise InputError(f"{png_path}: directory {dest.parent} does not exist; create it first")
    exe = _chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise GeoError("save_png needs Playwright's Python package: pip install playwright") from err

    args = (src, dest, when, int(width), int(height), float(timeout), exe, str(html_path))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        errors = _screenshot(*args)
    else:
        # Playwright's sync API refuses to run inside an event loop (Jupyter
        # has one); a worker thread has none.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            errors = pool.submit(_screenshot, *args).result()
    if errors:
        logger.warning("save_png: the page reported errors: %s", "; ".join(errors))
    return dest


def _screenshot(
    src: Path, dest: Path, when: str | None, width: int, height: int, timeout: float, exe: str, html_path: str
) -> list[str]:
    """Open ``src`` in headless Chromium and write the picture to ``dest``."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    profile = tempfile.mkdtemp(prefix="geo-chromium-")
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp.png")
    os.close(fd)
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile,
                executable_path=exe,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": width, "height": height},
            )
            try:
                page = ctx.pages[0] if ctx.pages else ctx.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(src.as_uri(), wait_until="load", timeout=timeout * 1000)
                try:
                    page.wait_for_function(
                        "window.geoMaps && Object.keys(window.geoMaps).length > 0", timeout=timeout * 1000
                    )
                except PlaywrightError as err:
                    detail = "; ".join(errors) or str(err).splitlines()[0]
                    raise GeoError(
                        f"{html_path}: the map did not start ({detail}); if it is an online map and this "
                        "machine has no network, save it with offline=True"
                    ) from err
                if when is not None:
                    page.evaluate("(d) => Object.values(window.geoMaps).forEach((m) => m.setTime(d))", when)
                else:
                    page.evaluate("() => Object.values(window.geoMaps).forEach((m) => m.showAllDates())")
                try:
                    page.wait_for_load_state("networkidle", timeout=min(timeout, 10) * 1000)
                except PlaywrightError:
                    logger.debug("save_png: network still busy (tiles?); taking the picture anyway")
                # Leaflet's canvas redraws on the next animation frame.
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
                page.screenshot(path=tmp, full_page=False)
            finally:
                ctx.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except PlaywrightError as err:
        raise GeoError(f"save_png: Chromium failed on {html_path}: {str(err).splitlines()[0]}") from err
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        shutil.rmtree(profile, ignore_errors=True)
    return errors
