/*
 * geo-basemap: the offline basemap of geo's maps, the switch to it when tiles
 * fail, and the figure mode used for pictures.
 *
 * The basemap JSON (geo/basemap.py basemap_for) carries Natural Earth's
 * countries as TopoJSON, decoded here with topojson-client (inlined before
 * this file): land is filled from the countries, and borders and coasts are
 * drawn once each as meshes, so shared borders are never doubled. Country
 * names and, zoomed in, first-level division names are placed in their own
 * pane under the data features, largest first, skipping any label whose box
 * would touch one already placed.
 *
 * Figure mode (URL hash "figure=1", optionally "at=YYYY-MM-DD") hides every
 * interactive control and shows a caption (title, date or span, count), a
 * scale bar and the attribution; every map container gets
 * data-geo-ready="1" once drawn (and, online, once the tiles arrived or the
 * outlines replaced them: map._geoTilesPending, event 'geotilessettled').
 * A map script that handles figure mode and readiness itself (its API has
 * isFigure(), or it sets the class geo-figure first) is left to do so.
 *
 * Public surface: window.GeoBasemap.layer(map, data, {tiles}) -> L.LayerGroup,
 * GeoBasemap.labels(map) -> placed labels (text, kind, rect) for tests.
 */
(function () {
  'use strict';
  if (window.GeoBasemap) { return; }  // a second fragment on the same page

  var COLORS = {
    sea: '#d7e4ec',
    land: '#f7f5f0',
    border: '#a39b8f',
    coast: '#8aa5b8'
  };
  // Its own pane: the map's script keeps its data labels in 'geo-labels' and owns that pane's children.
  var LABEL_PANE = 'geo-base-labels';
  var COUNTRY_FONT = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  var DIVISION_FONT = 'italic 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  var LABEL_GAP = { country: 4, division: 10 };  // px kept free around a label
  var DIVISION_ZOOM = [6, 8];  // zoom from which level-0 / level-1 division names show
  var TILE_WAIT_MS = 4000;     // no tile by then: the tiles are not coming

  var placedByMap = new WeakMap();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // ------------------------------------------------------------ text metrics
  var measureCtx = null;
  function textWidth(text, font, spacing) {
    if (!measureCtx) { measureCtx = document.createElement('canvas').getContext('2d'); }
    measureCtx.font = font;
    return measureCtx.measureText(text).width + spacing * text.length;
  }

  // Long names break at the space nearest their middle ("Central African / Rep.").
  function lines(name) {
    if (name.length < 14 || name.indexOf(' ') < 0) { return [name]; }
    var mid = name.length / 2, best = -1;
    for (var i = 0; i < name.length; i++) {
      if (name[i] === ' ' && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) { best = i; }
    }
    return [name.slice(0, best), name.slice(best + 1)];
  }

  // ------------------------------------------------------------ labels
  // Even-odd ray casting over a country's rings (holes included), after a bounding-box test.
  function containsPoint(shape, lon, lat) {
    var b = shape.bbox;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) { return false; }
    var inside = false;
    for (var r = 0; r < shape.rings.length; r++) {
      var ring = shape.rings[r];
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) { inside = !inside; }
      }
    }
    return inside;
  }

  function shapeIndex(features) {
    return features.filter(function (f) { return f.geometry; }).map(function (f) {
      var g = f.geometry;
      var rings = g.type === 'Polygon' ? g.coordinates : [].concat.apply([], g.coordinates);
      var b = [Infinity, Infinity, -Infinity, -Infinity];
      rings.forEach(function (ring) {
        ring.forEach(function (c) {
          if (c[0] < b[0]) { b[0] = c[0]; }
          if (c[1] < b[1]) { b[1] = c[1]; }
          if (c[0] > b[2]) { b[2] = c[0]; }
          if (c[1] > b[3]) { b[3] = c[1]; }
        });
      });
      return { name: f.properties.name, bbox: b, rings: rings };
    });
  }
  var Labels = L.Layer.extend({
    initialize: function (countries, divisions, shapes) {
      this._countries = countries || [];
      this._divisions = divisions || [];
      this._shapes = shapes || [];
    },
    onAdd: function (map) {
      this._pane = map.getPane(LABEL_PANE) || map.createPane(LABEL_PANE);
      this._pane.style.zIndex = 380;  // over the land (250), under the data (overlay pane, 400)
      this._pane.style.pointerEvents = 'none';
      this._box = el('div', 'geo-base-labels');
      this._pane.appendChild(this._box);
      map.on('zoomstart', this._hide, this);
      map.on('zoomend moveend resize viewreset', this._update, this);
      map.on('geolabels', this._update, this);  // the data's own names moved (geo-time.js)
      this._update();
    },
    onRemove: function (map) {
      map.off('zoomstart', this._hide, this);
      map.off('zoomend moveend resize viewreset', this._update, this);
      map.off('geolabels', this._update, this);
      this._pane.removeChild(this._box);
      placedByMap['delete'](map);
    },
    _hide: function () { this._box.style.visibility = 'hidden'; },
    _update: function () {
      var map = this._map;
      if (!map) { return; }
      var z = map.getZoom();
      var size = map.getSize();
      var centerLng = map.getCenter().lng;
      var placed = [];
      var box = this._box;
      box.textContent = '';
      box.style.visibility = '';
      var origin = map.containerPointToLayerPoint([0, 0]);

      function project(lat, lon) {
        // Leaflet repeats the world: label the copy nearest the view.
        lon += 360 * Math.round((centerLng - lon) / 360);
        return map.latLngToContainerPoint([lat, lon]);
      }
      function free(r, gap) {
        if (r.left < 2 || r.top < 2 || r.right > size.x - 2 || r.bottom > size.y - 2) { return false; }
        for (var i = 0; i < placed.length; i++) {
          var q = placed[i].rect;
          if (r.left < q.right + gap && r.right + gap > q.left &&
              r.top < q.bottom + gap && r.bottom + gap > q.top) { return false; }
        }
        return true;
      }
      function place(text, kind, p, font, spacing, fontPx) {
        var ls = lines(kind === 'country' ? text.toUpperCase() : text);
        var w = 0;
        ls.forEach(function (l) { w = Math.max(w, textWidth(l, font, spacing)); });
        var h = ls.length * Math.round(fontPx * 1.2);
        var rect = { left: p.x - w / 2, right: p.x + w / 2, top: p.y - h / 2, bottom: p.y + h / 2 };
        if (!free(rect, LABEL_GAP[kind])) { return false; }
        var node = el('div', 'geo-base-label geo-base-' + kind + (fontPx > 11 ? ' geo-base-big' : ''));
        ls.forEach(function (l, i) {
          if (i) { node.appendChild(document.createElement('br')); }
          node.appendChild(document.createTextNode(l));
        });
        node.style.left = Math.round(rect.left + origin.x) + 'px';
        node.style.top = Math.round(rect.top + origin.y) + 'px';
        node.style.width = Math.ceil(w + 1) + 'px';
        box.appendChild(node);
        placed.push({ text: text, kind: kind, rect: rect, node: node });
        return true;
      }

      // Panels over the map (controls, title, caption) hide what lies under them, and the data's own
      // labels come first: keep names clear of both, and leave out a country the data already names.
      var frame = map.getContainer().getBoundingClientRect();
      var covers = map.getContainer().querySelectorAll('.leaflet-control, .geo-title, .geo-figure-caption, .geo-label');
      var namedByData = {};
      for (var ci = 0; ci < covers.length; ci++) {
        var r = covers[ci].getBoundingClientRect();
        if (r.width && r.height) {
          placed.push({ obstacle: true, rect: { left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top, bottom: r.bottom - frame.top } });
          if (covers[ci].classList.contains('geo-label')) { namedByData[covers[ci].textContent.toUpperCase()] = true; }
        }
      }
      function inView(p, inset) {
        return p.x >= inset && p.y >= inset && p.x <= size.x - inset && p.y <= size.y - inset;
      }
      var middle = L.point(size.x / 2, size.y / 2);
      this._countries.forEach(function (c) {
        // [name, lat, lon, area, west, south, east, north, spares]
        if (namedByData[c[0].toUpperCase()]) { return; }
        var p = project(c[1], c[2]);
        if (!inView(p, 20)) {
          // Only part of a large country is in view: name it at the spare point nearest the middle.
          var spares = c[8] || [], best = null;
          for (var k = 0; k + 1 < spares.length; k += 2) {
            var q = project(spares[k], spares[k + 1]);
            if (inView(q, 60) && (!best || q.distanceTo(middle) < best.distanceTo(middle))) { best = q; }
          }
          if (!best) { return; }
          p = best;
        }
        var sw = project(c[5], c[4]), ne = project(c[7], c[6]);
        var extent = Math.max(Math.abs(ne.x - sw.x), Math.abs(sw.y - ne.y));
        var big = extent > 200;
        var font = big ? COUNTRY_FONT.replace('11px', '13px') : COUNTRY_FONT;
        var width = textWidth(lines(c[0].toUpperCase())[0], font, 1.2);
        // A name much wider than its country would read as a label of the neighbours.
        if (extent < 0.55 * width) { return; }
        place(c[0], 'country', p, font, 1.2, big ? 13 : 11);
      });
      // A country that fills much of the view but whose label points all lie outside it (Armenia at
      // zoom 9) is named where it is: at the first probe of a 3x3 grid that falls inside it.
      var named = {};
      placed.forEach(function (p) { if (p.kind === 'country') { named[p.text] = true; } });
      var shapes = this._shapes;
      [[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75], [0.5, 0.25], [0.5, 0.75], [0.25, 0.5], [0.75, 0.5]].forEach(function (f) {
        var pt = L.point(f[0] * size.x, f[1] * size.y);
        function inside(sh, p) {
          var ll = map.containerPointToLatLng(p);
          var lon = ll.lng - 360 * Math.round(ll.lng / 360);
          return containsPoint(sh, lon, ll.lat) || containsPoint(sh, lon + 360, ll.lat);
        }
        for (var i = 0; i < shapes.length; i++) {
          var sh = shapes[i];
          if (named[sh.name] || namedByData[sh.name.toUpperCase()] || !inside(sh, pt)) { continue; }
          // The whole name must lie in the country, not astride a border.
          var font = COUNTRY_FONT.replace('11px', '13px');
          var half = textWidth(lines(sh.name.toUpperCase())[0], font, 1.2) / 2 + 6;
          var within = [[-half, -10], [half, -10], [-half, 10], [half, 10]].every(function (d) {
            return inside(sh, L.point(pt.x + d[0], pt.y + d[1]));
          });
          if (within && place(sh.name, 'country', pt, font, 1.2, 13)) { named[sh.name] = true; }
          break;
        }
      });
      this._divisions.forEach(function (d) {
        // [name, lat, lon, iso2, level]
        if (z < DIVISION_ZOOM[d[4] ? 1 : 0]) { return; }
        var p = project(d[1], d[2]);
        if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) { return; }
        place(d[0], 'division', p, DIVISION_FONT, 0, 11);
      });
      placedByMap.set(map, placed.filter(function (p) { return !p.obstacle; }));
    }
  });

  // ------------------------------------------------------------ the layer
  // Natural Earth cuts shapes at the antimeridian, so a ring or border may
  // jump from -180 to 180; drawn as is, that is a line across the world.
  // Each line continues past 180 instead (Chukotka east of 180, not at -175).
  function unwrap(line) {
    var sum = line.length ? line[0][0] : 0;
    for (var i = 1; i < line.length; i++) {
      var d = line[i][0] - line[i - 1][0];
      if (d > 180 || d < -180) { line[i] = [line[i][0] - 360 * Math.round(d / 360), line[i][1]]; }
      sum += line[i][0];
    }
    // A ring that starts on the far side of 180 (Russia's starts in Chukotka) comes back to this world.
    var shift = 360 * Math.round(sum / Math.max(1, line.length) / 360);
    if (shift) {
      for (var j = 0; j < line.length; j++) { line[j] = [line[j][0] - shift, line[j][1]]; }
    }
    return line;
  }

  function unwrapGeometry(g) {
    if (g.type === 'LineString') { unwrap(g.coordinates); }
    else if (g.type === 'MultiLineString' || g.type === 'Polygon') { g.coordinates.forEach(unwrap); }
    else if (g.type === 'MultiPolygon') { g.coordinates.forEach(function (p) { p.forEach(unwrap); }); }
    return g;
  }

  function basemapLayer(map, data, opts) {
    opts = opts || {};
    var tj = window.topojson;
    if (!tj || !data || !data.topology) { return null; }
    var topo = data.topology;
    var obj = topo.objects.countries;
    var pane = map.getPane('geo-base') || map.createPane('geo-base');
    pane.style.zIndex = 250;
    var renderer = L.canvas({ pane: 'geo-base', padding: 0.3 });
    var shapes = tj.feature(topo, obj);
    shapes.features.forEach(function (f) { if (f.geometry) { unwrapGeometry(f.geometry); } });
    var land = L.geoJSON(shapes, {
      pane: 'geo-base', renderer: renderer, interactive: false,
      style: { stroke: false, fillColor: COLORS.land, fillOpacity: 1 }
    });
    var borders = L.geoJSON(unwrapGeometry(tj.mesh(topo, obj, function (a, b) { return a !== b; })), {
      pane: 'geo-base', renderer: renderer, interactive: false,
      style: { color: COLORS.border, weight: 0.9, opacity: 1, fill: false, lineJoin: 'round' }
    });
    var coast = L.geoJSON(unwrapGeometry(tj.mesh(topo, obj, function (a, b) { return a === b; })), {
      pane: 'geo-base', renderer: renderer, interactive: false,
      style: { color: COLORS.coast, weight: 0.7, opacity: 1, fill: false, lineJoin: 'round' }
    });
    var labels = new Labels(data.labels, data.divisions, shapeIndex(shapes.features));
    var group = L.layerGroup([land, coast, borders, labels]);
    var container = map.getContainer();
    var credit = data.attribution || 'Natural Earth';
    group.on('add', function () {
      container.classList.add('geo-base-on');
      map.attributionControl.addAttribution(credit);
    });
    group.on('remove', function () {
      container.classList.remove('geo-base-on');
      map.attributionControl.removeAttribution(credit);
    });
    if (opts.tiles) { watchTiles(map, opts.tiles, group); }
    return group;
  }

  // Tiles that fail (no network, blocked host) leave a grey void; the
  // outlines in the file are drawn instead, with a quiet word why.
  function watchTiles(map, tiles, base) {
    var loaded = 0, switched = false;
    // Until the first tiles arrive or the outlines replace them, a picture would show a grey void.
    map._geoTilesPending = true;
    function settle() {
      if (map._geoTilesPending) { map._geoTilesPending = false; map.fire('geotilessettled'); }
    }
    tiles.on('load', settle);
    function fallback() {
      if (switched || loaded > 0) { return; }
      switched = true;
      if (map.hasLayer(tiles)) { map.removeLayer(tiles); }
      if (!map.hasLayer(base)) { base.addTo(map); }
      map.getContainer().classList.add('geo-map-offline');
      // A control in the top-left corner: Leaflet stacks it under the zoom buttons and any search box
      // there, so it covers no other control or title however narrow the box (a report column).
      var Notice = L.Control.extend({
        onAdd: function () {
          var note = el('div', 'geo-base-notice', 'Map tiles could not be loaded: showing the built-in country outlines.');
          note.setAttribute('role', 'status');
          var close = el('button', 'geo-base-notice-close', '\u00d7');
          close.type = 'button';
          close.setAttribute('aria-label', 'Dismiss');
          close.addEventListener('click', function () { map.removeControl(notice); });
          note.appendChild(close);
          L.DomEvent.disableClickPropagation(note);
          return note;
        }
      });
      var notice = new Notice({ position: 'topleft' }).addTo(map);
      map.fire('geobasefallback');
      settle();
    }
    tiles.on('tileload', function () { loaded += 1; });
    tiles.on('tileerror', function () { if (!loaded) { fallback(); } });
    setTimeout(fallback, TILE_WAIT_MS);
  }

  // ------------------------------------------------------------ figure mode
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

  function humanDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
    return m ? (+m[3]) + ' ' + MONTHS[+m[2] - 1] + ' ' + m[1] : String(iso);
  }

  function hashParams() {
    var out = {};
    String(window.location.hash || '').replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) { out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); }
    });
    return out;
  }

  function plural(n, word) { return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's'); }

  function applyFigure(api, at) {
    var map = api.map;
    var container = map.getContainer();
    container.classList.add('geo-figure');
    var data = api.data || {};
    var count = 0, line;
    if (at) {
      api.setTime(at);
      api.visiblePlaces().forEach(function (p) { count += p.count || 0; });
      line = humanDate(api.getTime() || at);
    } else {
      api.showAllDates();
      (data.places || []).forEach(function (p) { count += p.count || 0; });
      var dom = data.domain;
      line = dom && dom.min ? (dom.min === dom.max ? humanDate(dom.min) : humanDate(dom.min) + ' \u2013 ' + humanDate(dom.max)) : 'Undated mentions';
      if (dom && dom.min) { line = 'All dates, ' + line; }
    }
    var caption = el('div', 'geo-figure-caption');
    var title = container.querySelector('.geo-title');
    if (title && title.textContent) { caption.appendChild(el('div', 'geo-figure-title', title.textContent)); }
    caption.appendChild(el('div', 'geo-figure-date', line));
    caption.appendChild(el('div', 'geo-figure-count', plural(count, 'mention')));
    container.appendChild(caption);
    container.classList.add('geo-figure-captioned');
    if (!container.querySelector('.leaflet-control-scale')) {
      L.control.scale({ imperial: false, maxWidth: 140, position: 'bottomleft' }).addTo(map);
    }
    // The panels changed: place the names again, clear of the caption and scale bar.
    map.eachLayer(function (layer) { if (layer instanceof Labels) { layer._update(); } });
  }

  function markReady(api) {
    var map = api.map;
    var container = map.getContainer();
    function mark() {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () { container.setAttribute('data-geo-ready', '1'); });
      });
    }
    if (map._geoTilesPending) { map.once('geotilessettled', mark); } else { mark(); }
  }

  // Maps may start after this file runs (and asynchronously): look for new ones until the page settles.
  var handled = {};
  function sweep() {
    var params = hashParams();
    var figure = params.figure === '1';
    var maps = window.geoMaps || {};
    Object.keys(maps).forEach(function (id) {
      var api = maps[id];
      if (handled[id] || !api || !api.map || api.ready === false) { return; }
      handled[id] = true;
      if (typeof api.isFigure === 'function') { return; }  // the map's own script does both
      var container = api.map.getContainer();
      try {
        if (figure && !container.classList.contains('geo-figure')) { applyFigure(api, params.at || null); }
      } finally {
        if (!container.hasAttribute('data-geo-ready')) { markReady(api); }
      }
    });
  }
  var sweeps = 0;
  function keepSweeping() {
    sweep();
    if (++sweeps < 600) { setTimeout(keepSweeping, 100); }
  }
  if (document.readyState === 'complete') { keepSweeping(); } else { window.addEventListener('load', keepSweeping); }

  window.GeoBasemap = {
    layer: basemapLayer,
    labels: function (map) {
      return (placedByMap.get(map) || []).map(function (p) {
        var r = p.node.getBoundingClientRect();
        return { text: p.text, kind: p.kind, rect: { left: r.left, top: r.top, right: r.right, bottom: r.bottom } };
      });
    },
    colors: COLORS
  };
}());
