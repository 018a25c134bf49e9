"""Render tests: the HTML geo.maps.render writes, without a browser."""

from __future__ import annotations

import os
import re

import folium
import pytest
from mapfixtures import story

from geo.errors import GeoError, InputError
from geo.maps import assets
from geo.maps.mapdata import build_map_data, to_script_json
from geo.maps.render import TimeLayer, TimeMap, build_map, embed_fragment, save_embed, save_map

# Things that make a browser fetch: script/link/img sources and CSS urls or
# imports. (Leaflet's attribution *link* to its home page is not a fetch.)
EXTERNAL_REF = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.I,
)


@pytest.fixture(scope="module")
def data():
    return build_map_data(story(), window="P7D")


@pytest.fixture(scope="module")
def offline_html(data):
    return build_map(data, title="Story <b>", offline=True).get_root().render()


def test_build_map_is_a_folium_map(data):
    m = build_map(data)
    assert isinstance(m, folium.Map) and isinstance(m, TimeMap)
    assert "<iframe" in m._repr_html_()


def test_offline_html_has_no_external_reference(offline_html):
    assert not EXTERNAL_REF.search(offline_html), EXTERNAL_REF.search(offline_html)
    assert "<script src" not in offline_html and "<link" not in offline_html
    assert "images/layers.png" not in offline_html and "data:image/png;base64," in offline_html
    assert "sourceMappingURL" not in offline_html


def test_offline_html_inlines_leaflet_and_our_code_once(offline_html):
    assert len(re.findall(r"GeoTime\.attach\(map_[0-9a-f]+, ", offline_html)) == 1
    assert offline_html.count("window.GeoTime = {") == 1
    assert f'.version="{assets.LEAFLET_VERSION}"' in offline_html
    # folium's jQuery/Bootstrap/font links are not needed.
    assert "jquery" not in offline_html.lower() and "bootstrap" not in offline_html.lower()
    # Our CSS follows Leaflet's, so it wins ties.
    assert offline_html.index(".leaflet-pane") < offline_html.index(".geo-time {")


def test_data_is_embedded_as_escaped_json(offline_html):
    blocks = re.findall(
        r'<script type="application/json" id="(geo-data-[0-9a-f]+)" data-encoding="json">(.*?)</script>',
        offline_html,
        re.S,
    )
    assert len(blocks) == 1
    body = blocks[0][1]
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in body
    # Every <script> opened in the page is closed by its own end tag: article
    # text cannot add or close one.
    assert offline_html.count("<script") == offline_html.count("</script>")


def test_jinja_syntax_in_articles_is_not_evaluated(offline_html):
    # The fixture title holds "{{ 7*7 }}" and a sentence "{% raw %}".
    assert "{{ 7*7 }}" in offline_html
    assert "{% raw %}" in offline_html


def test_title_is_escaped(offline_html):
    assert "<title>Story &lt;b&gt;</title>" in offline_html


def test_online_html_inlines_pinned_leaflet_and_only_adds_tiles(data):
    # Issue 15: an online map without network must not be blank, so nothing but tiles comes from outside.
    html = build_map(data).get_root().render()
    assert not EXTERNAL_REF.search(html), EXTERNAL_REF.search(html)
    assert "<script src" not in html and "<link" not in html
    assert f'.version="{assets.LEAFLET_VERSION}"' in html
    assert "tile.openstreetmap" in html
    assert "GeoTime.attach(" in html


def test_basemap_choices(data):
    with pytest.raises(InputError, match="osm"):
        build_map(data, offline=True, basemap="osm")
    with pytest.raises(InputError, match="choose one of"):
        build_map(data, basemap="satellite")
    html = build_map(data, offline=True, basemap="none").get_root().render()
    assert "geo-basemap-" not in html


def test_save_map_is_atomic_and_leaves_no_temp_files(tmp_path, data):
    target = tmp_path / "map.html"
    target.write_text("old")
    out = save_map(data, target, offline=True)
    assert out == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(os.listdir(tmp_path)) == ["map.html"]


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path, data, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("old")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(GeoError, match="cannot write"):
        save_map(data, target, offline=True)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["map.html"]


def test_save_map_into_missing_directory(tmp_path, data):
    with pytest.raises(InputError, match="does not exist"):
        save_map(data, tmp_path / "nope" / "map.html")


def test_save_map_of_built_map_rejects_build_options(tmp_path, data):
    m = build_map(data, offline=True)
    with pytest.raises(InputError, match="title"):
        save_map(m, tmp_path / "m.html", title="x")


def test_online_map_saved_offline_is_inlined(tmp_path, data):
    m = build_map(data)
    html = save_map(m, tmp_path / "m.html", offline=True).read_text(encoding="utf-8")
    assert not EXTERNAL_REF.search(html)
    assert "tile.openstreetmap" not in html


def test_fragments_have_unique_ids(data):
    a = embed_fragment(data, offline=True)
    b = embed_fragment(data, offline=True)
    ids_a = set(re.findall(r'id="([^"]+)"', a))
    ids_b = set(re.findall(r'id="([^"]+)"', b))
    assert len(ids_a) == 3 and len(ids_b) == 3
    assert not ids_a & ids_b
    assert "<html" not in a and "<body" not in a
    assert "if (!window.L)" in a
    assert not EXTERNAL_REF.search(a)


def test_fragment_height_is_escaped(data):
    frag = embed_fragment(data, offline=True, height='1px" onload="x')
    assert 'onload="x' not in frag


def test_save_embed_writes_fragment(tmp_path, data):
    out = save_embed(data, tmp_path / "frag.html", offline=True)
    assert out.read_text(encoding="utf-8").startswith('<div class="geo-embed"')
    assert sorted(os.listdir(tmp_path)) == ["frag.html"]


def test_window_with_prebuilt_data_is_an_error(data):
    with pytest.raises(InputError, match="window"):
        build_map(data, window="P3D")


def test_plain_folium_map_is_refused(tmp_path):
    with pytest.raises(InputError, match="build_map"):
        save_map(folium.Map(), tmp_path / "x.html")


def test_missing_assets_name_the_setup_command(monkeypatch, tmp_path, data):
    monkeypatch.setattr(assets, "_REPO_ROOT", tmp_path)
    monkeypatch.delenv(assets.ASSETS_ENV, raising=False)
    with pytest.raises(GeoError, match="npm ci"):
        build_map(data, offline=True)


def test_assets_found_through_env_var(monkeypatch, tmp_path):
    real = assets.find_assets_dir().parent
    monkeypatch.setattr(assets, "_REPO_ROOT", tmp_path)
    monkeypatch.setenv(assets.ASSETS_ENV, str(real))
    assert assets.find_assets_dir() == real / "leaflet"


def test_wrong_leaflet_version_is_refused(monkeypatch, tmp_path):
    pkg = tmp_path / "node_modules" / "leaflet"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"version": "1.0.0"}')
    monkeypatch.setattr(assets, "_REPO_ROOT", tmp_path)
    with pytest.raises(GeoError, match=r"1\.0\.0 is installed"):
        assets.find_assets_dir()


def test_inline_script_cannot_be_closed_early():
    tag = assets.inline_script("var a = '</SCRIPT><b>'; var c = '<!--';")
    assert tag.lower().count("</script") == 1
    assert "<!--" not in tag


def test_large_maps_are_compressed_in_the_page_and_decode_to_the_same_data(tmp_path):
    from geo.maps.mapdata import read_page_payload

    rows = [
        {"doc": f"d{i % 300}", "title": f"Article {i % 300}", "name": f"P{i % 50}", "id": str(i % 50),
         "feature": "PPL", "country": "FR", "lat": 40 + (i % 50) / 10, "lon": (i % 50) / 10,
         "date": "2020-01-01", "text": f"P{i % 50}", "sentence": f"Sentence {i} names P{i % 50} </script>."}
        for i in range(5000)
    ]  # fmt: skip
    data = build_map_data(rows)
    page = save_map(data, tmp_path / "big.html", offline=True).read_text(encoding="utf-8")
    found = re.findall(
        r'<script type="([^"]+)" id="geo-data-[0-9a-f]+" data-encoding="([^"]+)">(.*?)</script>', page, re.S
    )
    assert len(found) == 1
    kind, encoding, payload = found[0]
    assert (kind, encoding) == ("application/octet-stream", "gzip-base64")
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", payload)  # nothing in it can end the script element
    assert read_page_payload(encoding, payload) == data
    assert len(payload) < len(to_script_json(data)) / 3


def test_initial_date_option_reaches_the_page(data):
    html_text = build_map(data, offline=True, at="2001-09-09").get_root().render()
    assert '"at":"2001-09-09"' in html_text
    assert '"at":null' in build_map(data, offline=True).get_root().render()
    with pytest.raises(InputError, match="at='9 Sept'"):
        build_map(data, at="9 Sept")


def test_time_layer_on_a_plain_folium_map_replaces_folium_leaflet_link(data):
    m = folium.Map()
    layer = TimeLayer(data, title="Plain").add_to(m)
    page = m.get_root().render()
    assert "leaflet@1.9.3" not in page  # folium's CDN Leaflet gives way to the pinned, inlined one...
    assert page.count(f'.version="{assets.LEAFLET_VERSION}"') == 1
    assert "jquery" in page.lower()  # ...while the map's other links stay the map's
    assert f"GeoTime.attach({m.get_name()}, " in page and layer.data_id in page
    # The pinned Leaflet sits where folium's link was: before the scripts of the map's other plugins.
    assert page.index(f'.version="{assets.LEAFLET_VERSION}"') < page.index("jquery")


def test_time_layer_declares_its_assets_like_folium_plugins(data):
    from folium.elements import JSCSSMixin

    layer = TimeLayer(data)
    assert isinstance(layer, JSCSSMixin)
    assert dict(layer.default_js)["geo_time_js"] == "geo:geo-time.js"
    # A URL is linked as folium links it; the class's own list is left alone.
    layer.add_js_link("topojson", "https://example.org/topojson.js")
    m = folium.Map(tiles=None)
    layer.add_to(m)
    page = m.get_root().render()
    assert '<script src="https://example.org/topojson.js"></script>' in page
    assert dict(TimeLayer.default_js)["topojson"].startswith("npm:")


def test_time_layer_must_be_on_a_map(data):
    group = folium.FeatureGroup().add_to(folium.Map(tiles=None))
    TimeLayer(data).add_to(group)
    with pytest.raises(InputError, match=r"add it to the folium\.Map itself"):
        group.get_root().render()


def test_unknown_asset_source_names_the_pinned_packages():
    with pytest.raises(GeoError, match=r"'jquery' is not one of the pinned npm packages \(leaflet, topojson-client"):
        assets.asset_text("npm:jquery/dist/jquery.js")
    with pytest.raises(GeoError, match="npm:<package>/<file>, geo:<file> or an https URL"):
        assets.asset_text("leaflet.js")


def test_save_map_takes_a_plain_folium_map_with_a_time_layer(tmp_path, data):
    m = folium.Map(tiles=None)
    TimeLayer(data).add_to(m)
    assert "GeoTime.attach(" in save_map(m, tmp_path / "plain.html").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="tiles=None"):
        save_map(m, tmp_path / "plain.html", offline=True)
    with pytest.raises(InputError, match=r"carries no geo\.maps\.TimeLayer"):
        save_map(folium.Map(), tmp_path / "other.html")
