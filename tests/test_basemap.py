"""The offline basemap: Natural Earth's outlines from world-atlas, simplified by distance to the data,
and its labels drawn in real headless Chromium without overlaps."""

from __future__ import annotations

import copy
import json
import os

import numpy as np
import pytest
from shapely import geometry as sgeom

from geo.maps import basemap
from geo.maps.basemap import basemap_for, countries, country_shape
from geo.maps.render import CHROMIUM_PATH, save_map

CAUCASUS = [[38.3, 43.4], [42.0, 50.4]]  # [[south, west], [north, east]]


def decode(topology: dict) -> list[np.ndarray]:
    """The arcs of a TopoJSON topology as absolute lon/lat arrays (the format's own rules)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    return [np.cumsum(np.asarray(a, dtype=float), axis=0) * [sx, sy] + [tx, ty] for a in topology["arcs"]]


def country_arcs(topology: dict, iso2: str) -> list[int]:
    for g in topology["objects"]["countries"]["geometries"]:
        if g["properties"]["iso2"] == iso2:
            return [r if r >= 0 else ~r for poly in g["arcs"] for ring in poly for r in ring]
    raise AssertionError(f"{iso2} missing from the basemap")


@pytest.fixture(scope="module")
def caucasus():
    return basemap_for(CAUCASUS)


def test_topology_is_valid_and_every_arc_reference_resolves(caucasus):
    topo = caucasus["topology"]
    assert topo["type"] == "Topology" and caucasus["type"] == "geo-basemap"
    n = len(topo["arcs"])
    geoms = topo["objects"]["countries"]["geometries"]
    assert len(geoms) > 200
    for g in geoms:
        assert g["type"] == "MultiPolygon" and set(g["properties"]) == {"name", "iso2"}
        for poly in g["arcs"]:
            for ring in poly:
                assert all(-n <= r < n for r in ring)
    # Unused arcs are dropped: every arc is referenced by some ring.
    used = {r if r >= 0 else ~r for g in geoms for poly in g["arcs"] for ring in poly for r in ring}
    assert used == set(range(n))
    assert caucasus["attribution"] == "Borders: Natural Earth"


def test_rings_close_after_simplification(caucasus):
    arcs = decode(caucasus["topology"])
    for g in caucasus["topology"]["objects"]["countries"]["geometries"]:
        for poly in g["arcs"]:
            for ring in poly:
                pts = np.concatenate([arcs[r] if r >= 0 else arcs[~r][::-1] for r in ring])
                assert np.allclose(pts[0], pts[-1], atol=1e-6), g["properties"]["name"]


def test_detail_is_kept_near_the_data_and_dropped_far_away(caucasus):
    arcs = decode(caucasus["topology"])
    world = basemap_for(None)
    world_arcs = decode(world["topology"])

    def points(bm_arcs, topo, iso2):
        return sum(len(bm_arcs[i]) for i in set(country_arcs(topo, iso2)))

    # Armenia is in the extent: far more vertices than on a world basemap; Chile is far: fewer.
    assert points(arcs, caucasus["topology"], "AM") > 3 * points(world_arcs, world["topology"], "AM")
    assert points(arcs, caucasus["topology"], "CL") < points(world_arcs, world["topology"], "CL")

    # Near the data the border stays within about 250 m of Natural Earth's 1:10m line; far away it may not.
    def shape(topo, bm_arcs, iso2):
        geom = next(g for g in topo["objects"]["countries"]["geometries"] if g["properties"].get("iso2", iso2) == iso2)
        return basemap._shape(bm_arcs, geom)

    source = copy.deepcopy(basemap._atlas("10m"))  # the module's cache stays untouched
    for g in source["objects"]["countries"]["geometries"]:
        g.setdefault("properties", {})["iso2"] = basemap._iso2_of(g)
    original = {iso2: shape(source, basemap._arcs("10m"), iso2) for iso2 in ("AM", "CL")}
    assert shape(caucasus["topology"], arcs, "AM").hausdorff_distance(original["AM"]) < 0.0025
    assert shape(caucasus["topology"], arcs, "CL").hausdorff_distance(original["CL"]) > 0.05


def test_file_size_stays_small():
    for bounds in (CAUCASUS, None, [[-40, -120], [60, 150]]):
        size = len(json.dumps(basemap_for(bounds), separators=(",", ":")))
        assert size < 2_000_000, (bounds, size)


def test_labels_name_every_country_largest_first(caucasus):
    names = [lab[0] for lab in caucasus["labels"]]
    assert {"Armenia", "Azerbaijan", "Georgia", "Russia", "Iran"} <= set(names)
    areas = [lab[3] for lab in caucasus["labels"]]
    assert areas == sorted(areas, reverse=True)
    russia = next(lab for lab in caucasus["labels"] if lab[0] == "Russia")
    assert 50 < russia[1] < 70 and 60 < russia[2] < 120  # in Siberia, not at the antimeridian


def test_divisions_come_only_from_countries_near_the_data(caucasus):
    divisions = caucasus["divisions"]
    codes = {d[3] for d in divisions}
    assert {"AM", "AZ", "GE"} <= codes
    assert "US" not in codes and "BR" not in codes
    assert {d[4] for d in divisions} <= {0, 1}
    assert any(d[0] == "Syunik" for d in divisions)
    assert basemap_for(None)["divisions"] == []


def test_bad_bounds_fall_back_to_the_world():
    assert basemap_for([[10, 10], [0, 0]])["divisions"] == []
    assert basemap_for("nonsense")["divisions"] == []


def test_country_shapes_come_from_natural_earth_and_cover_former_gaps():
    # countryinfo had no outline for these; Natural Earth does.
    for iso2 in ("HU", "RS", "MM"):
        shape = sgeom.shape(country_shape(iso2))
        assert shape.area > 5 and countries()[iso2].outline_source == "natural-earth"
    assert sgeom.shape(country_shape("HU")).contains(sgeom.Point(19.04, 47.5))  # Budapest


def test_shapes_across_the_antimeridian_stay_on_one_world():
    for iso2 in ("RU", "FJ", "US"):
        shape = sgeom.shape(country_shape(iso2))
        west, _, east, _ = shape.bounds
        assert west >= -180 and east <= 180, iso2
    russia = sgeom.shape(country_shape("RU"))
    assert russia.contains(sgeom.Point(37.6, 55.75))  # Moscow
    assert russia.contains(sgeom.Point(-173.0, 65.5))  # Chukotka, west of the antimeridian
    assert 2500 < russia.area < 3500  # square degrees: not a band around the world


def test_missing_world_atlas_names_the_fix(monkeypatch, tmp_path):
    from geo.errors import GeoError

    monkeypatch.setattr(basemap, "_atlas_path", lambda scale: tmp_path / f"countries-{scale}.json")
    basemap._atlas.cache_clear()
    try:
        with pytest.raises(GeoError, match="npm ci"):
            basemap._atlas("10m")
    finally:
        basemap._atlas.cache_clear()


# ---------------------------------------------------------------- in the browser

try:
    import playwright.sync_api  # noqa: F401

    _NO_BROWSER = "" if os.access(CHROMIUM_PATH, os.X_OK) else f"no Chromium at {CHROMIUM_PATH}"
except ImportError:  # pragma: no cover - depends on the machine
    _NO_BROWSER = "Playwright is not installed (pip install playwright)"
needs_browser = pytest.mark.skipif(bool(_NO_BROWSER), reason=_NO_BROWSER or "browser available")


def caucasus_rows() -> list[dict]:
    places = [("Baku", "AZ", 40.38, 49.89), ("Yerevan", "AM", 40.18, 44.51), ("Stepanakert", "AZ", 39.82, 46.75),
              ("Tbilisi", "GE", 41.69, 44.83), ("Ganja", "AZ", 40.68, 46.36),
              ("Goris", "AM", 39.51, 46.34)]  # fmt: skip
    return [
        {"doc": f"d{i % 3}", "title": f"Story {i % 3}", "name": n, "id": n, "feature": "PPL", "country": c,
         "lat": la, "lon": lo, "date": f"2023-09-{10 + i % 9:02d}", "text": n, "sentence": f"Talks in {n}."}
        for i, (n, c, la, lo) in enumerate(places * 3)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def caucasus_map(tmp_path_factory):
    return save_map(
        caucasus_rows(), tmp_path_factory.mktemp("basemap") / "caucasus.html", offline=True, title="Caucasus"
    )


def open_map(browser, path, viewport=(1400, 900)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector(".geo-map[data-geo-ready='1']", timeout=20000)
    return page, errors


def view(page, lat: float, lon: float, zoom: float) -> list[dict]:
    return page.evaluate(
        """([lat, lon, zoom]) => new Promise((resolve) => {
             const m = Object.values(window.geoMaps)[0].map;
             m.setView([lat, lon], zoom, { animate: false });
             requestAnimationFrame(() => resolve(GeoBasemap.labels(m)));
           })""",
        [lat, lon, zoom],
    )


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            ra, rb = a["rect"], b["rect"]
            if (
                ra["left"] < rb["right"]
                and rb["left"] < ra["right"]
                and ra["top"] < rb["bottom"]
                and rb["top"] < ra["bottom"]
            ):
                out.append((a["text"], b["text"]))
    return out


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize(
    "where", [(45, 20, 3), (40.2, 46.0, 7), (39.8, 46.5, 9)], ids=["desktop", "caucasus-7", "karabakh-9"]
)
def test_labels_are_drawn_without_overlaps(browser, caucasus_map, where, tmp_path):
    page, errors = open_map(browser, caucasus_map)
    try:
        labels = view(page, *where)
        assert len(labels) >= 8, labels
        assert overlapping(labels) == []
        # The DOM says the same as the placement record: every label is a visible element.
        rendered = page.evaluate(
            """() => [...document.querySelectorAll('.geo-base-label')].map((n) => {
                 const r = n.getBoundingClientRect();
                 return {text: n.textContent, rect: {left: r.left, top: r.top, right: r.right, bottom: r.bottom}};
               })"""
        )
        assert len(rendered) == len(labels) and overlapping(rendered) == []
        # Nor does any name hide under a panel (zoom buttons, layers, time control, legend, title).
        panels = page.evaluate(
            """() => [...document.querySelectorAll('.leaflet-control, .geo-title')].map((n) => {
                 const r = n.getBoundingClientRect();
                 return {text: n.className, rect: {left: r.left, top: r.top, right: r.right, bottom: r.bottom}};
               }).filter((p) => p.rect.right > p.rect.left)"""
        )
        assert len(panels) >= 4
        hidden = [(lab["text"], panel["text"]) for lab in labels for panel in panels if overlapping([lab, panel])]
        assert hidden == []
        page.screenshot(path=str(tmp_path / "labels.png"))
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
def test_country_names_at_every_zoom_and_division_names_only_zoomed_in(browser, caucasus_map):
    page, errors = open_map(browser, caucasus_map)
    try:
        # The basemap's names keep clear of the data's own labels, which at zoom 3 fill the Caucasus
        # (tests/test_browser_merged.py): the basemap alone is judged here, with the data's labels off.
        page.locator(".geo-layers-toggle").click()
        labels_box = page.locator(".geo-layers label", has_text="Place labels").locator("input")
        labels_box.uncheck()
        world = view(page, 40, 45, 3)
        assert {"ARMENIA", "AZERBAIJAN", "GEORGIA"} & {lab["text"].upper() for lab in world}
        assert not [lab for lab in world if lab["kind"] == "division"]
        labels_box.check()
        near = view(page, 40.2, 46.0, 7)
        kinds = {lab["kind"] for lab in near}
        assert kinds == {"country", "division"}
        texts = {lab["text"] for lab in near}
        assert {"Armenia", "Azerbaijan"} <= texts and "Syunik" in texts
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
def test_labels_lie_under_the_data_and_the_land_is_drawn(browser, caucasus_map):
    page, errors = open_map(browser, caucasus_map)
    try:
        z = page.evaluate(
            """() => { const m = Object.values(window.geoMaps)[0].map;
                 return [m.getPane('geo-base').style.zIndex, m.getPane('geo-base-labels').style.zIndex,
                         getComputedStyle(m.getPane('overlayPane')).zIndex]; }"""
        )
        base, labels, overlay = (int(v) for v in z)
        assert base < labels < overlay
        # The land is painted: a pixel inside Azerbaijan is land-coloured, one in the Caspian is sea.
        view(page, 40.4, 47.5, 6)
        colors = page.evaluate(
            """() => { const m = Object.values(window.geoMaps)[0].map;
                 const c = m.getPane('geo-base').querySelector('canvas'); const ctx = c.getContext('2d');
                 const r = c.getBoundingClientRect(); const s = c.width / r.width;
                 const px = (lat, lon) => { const p = m.latLngToContainerPoint([lat, lon]);
                   const q = m.getContainer().getBoundingClientRect();
                   const x = (p.x + q.left - r.left) * s, y = (p.y + q.top - r.top) * s;
                   return Array.from(ctx.getImageData(x, y, 1, 1).data); };
                 return {land: px(40.6, 47.4), sea: px(41.5, 51.0)}; }"""
        )
        assert colors["land"][3] == 255 and colors["land"][:3] == [0xF7, 0xF5, 0xF0]
        assert colors["sea"][3] == 0  # the sea is the container's background
        assert errors == []
    finally:
        page.close()


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize(
    "where", [(40.2, 46.0, 7), (39.6, 46.3, 9), (41.0, 44.5, 8)], ids=["caucasus-7", "syunik-9", "lori-8"]
)
def test_every_country_name_lies_inside_its_country(browser, caucasus_map, where):
    topo, arcs = basemap._atlas("50m"), basemap._arcs("50m")
    shapes = {g["properties"]["name"]: basemap._shape(arcs, g) for g in topo["objects"]["countries"]["geometries"]}
    page, errors = open_map(browser, caucasus_map)
    try:
        view(page, *where)
        centres = page.evaluate(
            """() => { const m = Object.values(window.geoMaps)[0].map;
                 const box = m.getContainer().getBoundingClientRect();
                 return GeoBasemap.labels(m).filter((l) => l.kind === 'country').map((l) => {
                   const ll = m.containerPointToLatLng([(l.rect.left + l.rect.right) / 2 - box.left,
                                                         (l.rect.top + l.rect.bottom) / 2 - box.top]);
                   return [l.text, ll.lat, ll.lng]; }); }"""
        )
        assert centres, "no country named"
        for name, lat, lon in centres:
            # 1:50m against the drawn 1:10m line: a few km of slack at the border.
            assert shapes[name].buffer(0.05).contains(sgeom.Point(lon, lat)), (name, lat, lon)
        if where[2] == 9:
            assert "Armenia" in {c[0] for c in centres}  # Syunik fills the view; Armenia's label point is far off
        assert errors == []
    finally:
        page.close()
