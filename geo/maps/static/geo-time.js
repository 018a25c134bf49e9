/*
 * geo-time: the time slider, timeline, layers, filters, search, list view,
 * labels, legend and popups of geo's maps.
 *
 * Everything is driven by the data that geo/mapdata.py builds: every mention
 * in columns (one array per field), embedded in a script element as JSON or,
 * for large maps, as gzip + base64 decoded with the browser's own
 * DecompressionStream. No article text ever passes through HTML parsing:
 * popups, labels and lists are built from DOM nodes and textContent.
 *
 * Dates are day numbers counted like Python's date.toordinal() (0001-01-01 is
 * day 1; 0 means undated) and converted with integer calendar arithmetic,
 * never with Date or epoch milliseconds, so years before 1970 and time zones
 * cannot shift them.
 *
 * The first view shows every mention (all dates, cumulative); the slider is
 * ready to play from the first date. A click opens the smallest feature under
 * the pointer (points, then lines, then areas by size) and lists the others
 * there. The URL hash keeps date, view, layers and filters (a permalink);
 * `figure=1` in the hash hides every control for pictures. When drawing is
 * complete the map's container gets data-geo-ready="1".
 *
 * Public surface: window.GeoTime.attach(leafletMap, dataId, options) and
 * window.GeoTime.create(divId, dataId, options), both returning a Promise of
 * the map's API, which is also registered as window.geoMaps[containerId]
 * (setTime / visiblePlaces / ... for scripts and tests) once the map is drawn.
 */
(function () {
  'use strict';
  if (window.GeoTime) { return; }  // a second fragment on the same page
  window.geoMaps = window.geoMaps || {};
  var mapsOnPage = 0;

  // ------------------------------------------------------------ calendar
  var ORDINAL_1970 = 719163;  // date(1970, 1, 1).toordinal()

  // Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function civilFromDays(z) {
    z += 719468;
    var era = Math.floor(z / 146097);
    var doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    var d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }

  var ISO_RE = /^(\d{4})-(\d{2})-(\d{2})/;
  var TYPED_RE = /^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$/;

  function isoToDay(iso) {
    var m = ISO_RE.exec(String(iso));
    if (!m) { return NaN; }
    return daysFromCivil(+m[1], +m[2], +m[3]) + ORDINAL_1970;
  }

  // A date a person types: 2023-09-19, 2023-9 (its first day) or 2023.
  function typedToDay(text) {
    var m = TYPED_RE.exec(String(text));
    if (!m) { return NaN; }
    var y = +m[1], mo = m[2] ? +m[2] : 1, d = m[3] ? +m[3] : 1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) { return NaN; }
    var day = daysFromCivil(y, mo, d) + ORDINAL_1970;
    var back = civilFromDays(day - ORDINAL_1970);
    return back[1] === mo ? day : NaN;  // 2023-02-30 is not a date
  }

  function pad(n, w) {
    var s = String(n);
    while (s.length < w) { s = '0' + s; }
    return s;
  }

  function dayToIso(day) {
    var c = civilFromDays(day - ORDINAL_1970);
    return pad(c[0], 4) + '-' + pad(c[1], 2) + '-' + pad(c[2], 2);
  }

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December'];

  // `long`: month names in full, as a printed figure spells them.
  function dayToHuman(day, long) {
    var c = civilFromDays(day - ORDINAL_1970);
    return c[2] + ' ' + (long ? MONTHS_LONG : MONTHS)[c[1] - 1] + ' ' + c[0];
  }

  // ------------------------------------------------------------ DOM helpers
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var ICONS = {
    back: 'M6 5h2v14H6zM20 5v14L9.5 12z',
    play: 'M7 4.5v15L19.5 12z',
    pause: 'M6.5 5h4v14h-4zM13.5 5h4v14h-4z',
    forward: 'M16 5h2v14h-2zM4 5v14l10.5-7z',
    prev: 'M5 5h2.5v14H5zM20 5v14l-5.5-4.2V19L8 12l6.5-6.8v4z',
    next: 'M16.5 5H19v14h-2.5zM4 5v14l5.5-4.2V19L16 12 9.5 5.2v4z',
    loop: 'M7 7h9.2l-2.1-2.1L15.5 3.5 20 8l-4.5 4.5-1.4-1.4L16.2 9H7a3 3 0 0 0-3 3v1H2v-1a5 5 0 0 1 5-5zm10 10H7.8l2.1 2.1-1.4 1.4L4 16l4.5-4.5 1.4 1.4L7.8 15H17a3 3 0 0 0 3-3v-1h2v1a5 5 0 0 1-5 5z',
    list: 'M4 5h2.5v2.5H4zm5 0h11v2.5H9zM4 10.75h2.5v2.5H4zm5 0h11v2.5H9zM4 16.5h2.5V19H4zm5 0h11V19H9z',
    all: 'M3 19h18v2H3zM5 10h3v8H5zm5.5-6h3v14h-3zM16 7h3v11h-3z'
  };

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function button(cls, iconName, label) {
    var b = el('button', 'geo-btn ' + cls);
    b.type = 'button';
    b.title = label;
    b.setAttribute('aria-label', label);
    b.appendChild(icon(iconName));
    return b;
  }

  function textButton(cls, label) {
    var b = el('button', cls, label);
    b.type = 'button';
    return b;
  }

  // Case- and accent-insensitive form of a name, for search.
  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  // ------------------------------------------------------------ styling
  var COLORS = {
    area: '#1c6dd0',
    city: '#e8590c',
    line: '#2b8a3e',
    demonym: '#7b2cbf',
    other: '#5c677d'
  };
  var CLASS_LABELS = {
    area: 'Country / area',
    city: 'City / place',
    line: 'Line / route',
    demonym: 'Demonym (drawn on its country)',
    other: 'Other feature'
  };
  var CLASS_ORDER = ['area', 'city', 'line', 'demonym', 'other'];
  var ROLE_LABELS = {
    place: 'Place (where it happens)',
    actor: 'Actor (a government, a team ...)',
    affiliation: 'Affiliation',
    name: 'Part of a name'
  };
  var ROLES_SHOWN = { place: true, actor: true, affiliation: true, name: false };
  var SOURCE_LABELS = {
    text: 'stated in the text',
    narrative: 'from the narrative',
    published: 'publication date'
  };
  var STEPS = [[1, '1 day / step'], [7, '1 week / step'], [30, '1 month / step'], [365, '1 year / step']];
  var TICK_MS = 450;
  var CLUSTER_MIN_GROUPS = 1200;  // grid aggregation starts above this many places in view
  var CLUSTER_CELL_PX = 56;
  var POPUP_SNIPPETS = 5;  // quoted at first; "Show more" adds more
  var LIST_MAX = 300;
  var NARROW_PX = 600;
  var LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

  function radius(count) {
    return Math.min(30, 4 + 2.6 * Math.sqrt(count));
  }

  function pointStyle(cls, count, subdued) {
    var c = COLORS[cls] || COLORS.other;
    return {
      radius: radius(count), color: subdued ? c : '#ffffff', weight: 1.5, opacity: 1,
      fillColor: c, fillOpacity: subdued ? 0.25 : 0.82, dashArray: null
    };
  }

  var DASHED_AREAS_MAX = 40;  // more dashed outlines than this redraw too slowly on a canvas

  // `plain`: many areas are drawn, so none is dashed.
  function shapeStyle(cls, count, isLine, subdued, plain) {
    var c = COLORS[cls] || COLORS.other;
    var dashed = !plain && (cls === 'demonym' || subdued);
    if (isLine) {
      return { color: c, weight: Math.min(9, 3 + Math.log(count) * 1.5), opacity: subdued ? 0.45 : 0.9, fill: false, dashArray: subdued ? '4 6' : null };
    }
    return {
      color: c, weight: cls === 'demonym' ? 2 : 1.6, opacity: subdued ? 0.5 : 0.95,
      dashArray: dashed ? '6 4' : null,
      fillColor: c, fillOpacity: (subdued ? 0.4 : 1) * Math.min(0.4, 0.12 + 0.05 * Math.log(1 + count))
    };
  }

  function lowerBound(arr, lo, hi, value) {
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] < value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : (many || one + 's'));
  }

  // ------------------------------------------------------------ the map
  function GeoMap(map, data, basemap, opts) {
    this.map = map;
    this.data = data;
    this.opts = opts || {};
    this.container = map.getContainer();
    this.id = this.container.id;
    this.container.classList.add('geo-map');
    this.order = ++mapsOnPage;
    this.hashPrefix = this.order === 1 ? '' : 'm' + this.order + '.';
    this.articles = data.articles || [];
    this.places = data.places || [];
    this.sentences = data.sentences || [];
    this.shapes = data.shapes || {};
    this.codes = data.codes || { source: [], role: [] };
    this.strings = data.strings || [];
    this.playing = null;
    this.drawn = new Map();  // key -> {layer, kind, count, subdued}
    this.groups = [];
    // Areas on a canvas of their own: a marker changing then does not redraw every country outline.
    map.createPane('geo-areas').style.zIndex = 390;
    this.areaRenderer = L.canvas({ pane: 'geo-areas', padding: 0.1, tolerance: 3 });
    this.renderer = L.canvas({ padding: 0.1, tolerance: 3 });
    this.popup = null;
    this.highlight = null;
    var hash = readHash();
    this.figure = hash.get('figure') === '1' || !!this.opts.figure;
    if (this.figure) { this.container.classList.add('geo-figure'); }
    this._prepare();
    this._initFilters();
    this._restoreFilters(hash);
    this._buildBase(basemap);
    this._buildSummary();
    this._buildLabelsPane();
    this._buildLayerControl();
    this._buildTitle();
    this._buildSearch();
    this._buildTimeControl();
    this._buildLegend();
    L.control.scale({ position: 'bottomright', imperial: false, maxWidth: 120 }).addTo(map);
    this._applyFilters();
    this._watchPointer();
    this._watchSize();
    this._gateWheel();
    var fitted = !this._restoreView(hash);
    if (fitted) { this._fit(); }
    var titleHeight = this.titleBox.offsetHeight;
    var self = this;
    map.on('zoomend', function () { self.render(); });
    map.on('moveend', function () { self._placeLabels(); self._refreshList(); self._saveHash(); });
    var at = this._hashKey(hash, 'at') || this.opts.at || 'all';
    if (at === 'all' || !this.hasDates) { this.setTime(null); } else {
      var day = typedToDay(at);
      this.setTime(isNaN(day) ? null : day);
    }
    // The caption got its text with the first frame; where it wraps (a report column) the title grew
    // taller than the first fit allowed for, and would cover the top of the story.
    if (fitted && this.titleBox.offsetHeight !== titleHeight) { this._fit(); }
  }

  GeoMap.prototype._prepare = function () {
    var ms = this.data.mentions || {};
    var n = (ms.day || []).length;
    this.n = n;
    this.mTarget = Int32Array.from(ms.target || []);
    this.mDay = Int32Array.from(ms.day || []);
    this.mDoc = Int32Array.from(ms.doc || []);
    this.mCount = ms.count ? Int32Array.from(ms.count) : null;
    this.mScore = Int16Array.from(ms.score || []);
    this.mSentence = Int32Array.from(ms.sentence || []);
    this.mA = Int32Array.from(ms.a || []);
    this.mB = Int32Array.from(ms.b || []);
    this.mSource = Uint8Array.from(ms.source || []);
    this.mDateText = Int32Array.from(ms.date_text || []);
    this.mRole = Uint8Array.from(ms.role || []);
    var tg = this.data.targets || { place: [], 'class': [], shape: [], lat: [], lon: [] };
    this.nT = tg.place.length;
    this.tPlace = tg.place;
    this.tClass = tg['class'];
    this.tShape = tg.shape;
    this.tLatLng = tg.lat.map(function (lat, i) { return [lat, tg.lon[i]]; });
    var self = this;
    this.tCountry = this.tPlace.map(function (p) { return (self.places[p] || {}).country || ''; });
    // mapdata sorts dated mentions by day and puts undated ones last; check
    // rather than trust, and fall back to full scans when it does not hold.
    var firstUndated = n, sorted = true, minDay = Infinity, maxDay = -Infinity;
    for (var i = 0; i < n; i++) {
      var d = this.mDay[i];
      if (!d) { if (firstUndated === n) { firstUndated = i; } continue; }
      if (firstUndated < n || (i > 0 && d < this.mDay[i - 1])) { sorted = false; }
      if (d < minDay) { minDay = d; }
      if (d > maxDay) { maxDay = d; }
    }
    this.sorted = sorted;
    this.firstUndated = sorted ? firstUndated : n;
    this.hasDates = minDay !== Infinity;
    var dom = this.data.domain;
    this.minDay = dom ? isoToDay(dom.min) : (this.hasDates ? minDay : 0);
    this.maxDay = dom ? isoToDay(dom.max) : (this.hasDates ? maxDay : 0);
    this.win = Math.max(1, (this.data.window || {}).days || 1);
    this.undatedCount = 0;
    for (var j = 0; j < n; j++) { if (!this.mDay[j]) { this.undatedCount += this.mCount ? this.mCount[j] : 1; } }
    this.counts = new Float64Array(this.nT);
    this.placeCounts = new Float64Array(this.nT);  // mentions whose role is 'place'
  };

  // ------------------------------------------------------------ filters
  GeoMap.prototype._initFilters = function () {
    var self = this;
    this.enabled = new Uint8Array(this.articles.length).fill(1);
    this.classOn = {};
    this.classesPresent = {};
    this.tClass.forEach(function (c) { self.classesPresent[c] = true; self.classOn[c] = true; });
    this.roleOn = this.codes.role.map(function (r) { return ROLES_SHOWN[r] !== false; });
    this.country = '';
    this.source = '';
    this.minScore = 0;  // confidence x 1000
    this.undatedOn = true;
    var sources = {};
    this.articles.forEach(function (a) { if (a.source) { sources[a.source] = true; } });
    this.sourceList = Object.keys(sources).sort();
    this.pass = new Uint8Array(this.n);
  };

  GeoMap.prototype._passes = function (i) {
    var t = this.mTarget[i];
    if (!this.enabled[this.mDoc[i]] || !this.classOn[this.tClass[t]] || !this.roleOn[this.mRole[i]]) { return false; }
    if (this.country && this.tCountry[t] !== this.country) { return false; }
    if (this.minScore > 0 && this.mScore[i] < this.minScore) { return false; }
    if (this.source && (this.articles[this.mDoc[i]] || {}).source !== this.source) { return false; }
    return true;
  };

  // Recompute which mentions pass the filters; the timeline and summary follow.
  GeoMap.prototype._applyFilters = function () {
    for (var i = 0; i < this.n; i++) { this.pass[i] = this._passes(i) ? 1 : 0; }
    this._undated = null;
    this._computeBins();
    this._updateSummary();
    if (this.t !== undefined) { this.render(); }
    this._saveHash();
  };

  GeoMap.prototype.weight = function (i) { return this.mCount ? this.mCount[i] : 1; };

  // Mentions shown at time t (null: every date), by index range and condition.
  GeoMap.prototype._eachShown = function (t, fn) {
    var i, end;
    var undatedOn = this.undatedOn || t === null;
    if (t === null) {
      for (i = 0; i < this.n; i++) { if (this.pass[i] && (this.mDay[i] || undatedOn)) { fn(i); } }
      return;
    }
    if (this.sorted) {
      i = lowerBound(this.mDay, 0, this.firstUndated, t - this.win + 1);
      end = lowerBound(this.mDay, i, this.firstUndated, t + 1);
      for (; i < end; i++) { if (this.pass[i]) { fn(i); } }
      if (undatedOn) { for (i = this.firstUndated; i < this.n; i++) { if (this.pass[i]) { fn(i); } } }
      return;
    }
    for (i = 0; i < this.n; i++) {
      var d = this.mDay[i];
      if (!this.pass[i]) { continue; }
      if (d ? (d <= t && t < d + this.win) : undatedOn) { fn(i); }
    }
  };

  // First/last day with a mention passing the filters after/before `day`.
  GeoMap.prototype._eventAfter = function (day) {
    var end = this.sorted ? this.firstUndated : this.n;
    var i = this.sorted ? lowerBound(this.mDay, 0, end, day + 1) : 0;
    var best = Infinity;
    for (; i < end; i++) {
      var d = this.mDay[i];
      if (d > day && this.pass[i] && d < best) { best = d; if (this.sorted) { break; } }
    }
    return best === Infinity ? null : best;
  };

  GeoMap.prototype._eventBefore = function (day) {
    var end = this.sorted ? lowerBound(this.mDay, 0, this.firstUndated, day) : this.n;
    var best = -Infinity;
    for (var i = end - 1; i >= 0; i--) {
      var d = this.mDay[i];
      if (d && d < day && this.pass[i] && d > best) { best = d; if (this.sorted) { break; } }
    }
    return best === -Infinity ? null : best;
  };

  GeoMap.prototype._anyDatedAt = function (t) {
    var self = this, found = false;
    var saved = this.undatedOn;
    this.undatedOn = false;
    this._eachShown(t, function (i) { if (self.mDay[i]) { found = true; } });
    this.undatedOn = saved;
    return found;
  };

  // ------------------------------------------------------------ base layers
  GeoMap.prototype._buildBase = function (basemap) {
    var map = this.map;
    var tiles = null;
    if (this.opts.tiles && this.opts.tiles.url) {
      tiles = L.tileLayer(this.opts.tiles.url, {
        attribution: this.opts.tiles.attribution || '',
        maxZoom: this.opts.tiles.maxZoom || 19
      }).addTo(map);
    } else {
      map.getContainer().classList.add('geo-map-offline');
    }
    this.tiles = tiles;
    this.countries = null;
    // The outline basemap, its labels and the switch to it when tiles fail: geo-basemap.js.
    if (basemap && window.GeoBasemap) {
      this.countries = window.GeoBasemap.layer(map, basemap, { tiles: tiles });
      if (this.countries && this.opts.countriesOn !== false) { this.countries.addTo(map); }
    }
  };

  // The summary: one grey marker per place, sized by its mentions at all dates under the filters.
  GeoMap.prototype._buildSummary = function () {
    this.summary = L.layerGroup();
    this.summaryOn = !!this.opts.summaryOn;
  };

  GeoMap.prototype._updateSummary = function () {
    var self = this;
    this.summaryStale = !this.summaryOn;  // built when switched on, not for every filter change
    if (this.summaryStale) { this.summary.clearLayers(); return; }
    var per = new Float64Array(this.places.length);
    var art = this.places.map(function () { return null; });
    for (var i = 0; i < this.n; i++) {
      if (!this.pass[i]) { continue; }
      var p = this.tPlace[this.mTarget[i]];
      per[p] += this.weight(i);
      (art[p] = art[p] || {})[this.mDoc[i]] = true;
    }
    this.summary.clearLayers();
    this.places.forEach(function (pl, idx) {
      if (!per[idx]) { return; }
      var m = L.circleMarker([pl.lat, pl.lon], {
        renderer: self.renderer, interactive: false, radius: radius(per[idx]), color: '#1f2933', weight: 1.5,
        fillColor: '#8895a7', fillOpacity: 0.35
      });
      m._geoSummary = { place: idx, count: per[idx], articles: Object.keys(art[idx]).length };
      self.summary.addLayer(m);
    });
    if (this.summaryOn && !this.map.hasLayer(this.summary)) { this.summary.addTo(this.map); }
  };

  GeoMap.prototype._buildLabelsPane = function () {
    var pane = this.map.createPane('geo-labels');
    pane.style.zIndex = 620;  // above our features (400) and markers, below tooltips and popups
    pane.style.pointerEvents = 'none';
    this.labelsPane = pane;
    this.labelBoxes = [];
    this.measure = document.createElement('canvas').getContext('2d');
  };

  // ------------------------------------------------------------ layers and filters panel
  GeoMap.prototype._buildLayerControl = function () {
    var self = this;
    var LayersControl = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () { return self._layersDom(); }
    });
    this.layerControl = new LayersControl().addTo(this.map);
  };

  function checkItem(parent, label, checked, onChange, extraClass) {
    var lab = el('label', 'geo-layer-item' + (extraClass ? ' ' + extraClass : ''));
    var input = el('input');
    input.type = 'checkbox';
    input.checked = checked;
    input.addEventListener('change', function () { onChange(input.checked); });
    lab.appendChild(input);
    lab.appendChild(el('span', 'geo-layer-name', label));
    parent.appendChild(lab);
    return input;
  }

  function section(title) {
    var fs = el('fieldset', 'geo-layers-section');
    fs.appendChild(el('legend', null, title));
    return fs;
  }

  function selectBox(cls, label, options, value, onChange) {
    var wrap = el('label', 'geo-field ' + cls);
    wrap.appendChild(el('span', 'geo-field-name', label));
    var sel = el('select', 'geo-select');
    options.forEach(function (o) {
      var opt = el('option', null, o[1]);
      opt.value = o[0];
      if (o[0] === value) { opt.selected = true; }
      sel.appendChild(opt);
    });
    sel.addEventListener('change', function () { onChange(sel.value); });
    wrap.appendChild(sel);
    return { wrap: wrap, input: sel };
  }

  GeoMap.prototype._showLayer = function (layer, on) {
    if (on) { layer.addTo(this.map); } else { this.map.removeLayer(layer); }
  };

  GeoMap.prototype._layersDom = function () {
    var self = this;
    var map = this.map;
    var box = el('div', 'geo-layers geo-ui');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var many = this.articles.length > 12;
    var toggle = el('button', 'geo-layers-toggle', 'Layers & filters');
    toggle.type = 'button';
    var body = el('div', 'geo-layers-body');
    body.id = this.id + '-layers';
    toggle.setAttribute('aria-controls', body.id);
    box.appendChild(toggle);
    box.appendChild(body);
    function setCollapsed(c) {
      body.hidden = c;
      toggle.setAttribute('aria-expanded', String(!c));
      box.classList.toggle('geo-collapsed', c);
    }
    this.setLayersCollapsed = setCollapsed;
    toggle.addEventListener('click', function () { setCollapsed(!body.hidden); });
    // Collapsed at first, so the story is in sight; one click opens it.
    setCollapsed(this.opts.collapsed !== false || many);

    var base = section('Map layers');
    var tilesInput = null;
    if (this.tiles) {
      tilesInput = checkItem(base, 'OpenStreetMap tiles', true, function (on) { self._showLayer(self.tiles, on); });
    }
    if (this.countries) {
      this.countriesInput = checkItem(base, 'Countries', map.hasLayer(this.countries), function (on) {
        self._showLayer(self.countries, on);
        self._saveHash();
      });
    }
    // geo-basemap.js swaps failed tiles for the outlines: the boxes say so.
    map.on('geobasefallback', function () {
      if (tilesInput) { tilesInput.checked = map.hasLayer(self.tiles); }
      if (self.countriesInput) { self.countriesInput.checked = map.hasLayer(self.countries); }
    });
    this.summaryInput = checkItem(base, 'Summary (all dates)', this.summaryOn, function (on) {
      self.summaryOn = on;
      if (on && self.summaryStale) { self._updateSummary(); }
      self._showLayer(self.summary, on);
      if (on) { self._restack(); }
      self._saveHash();
    });
    this.labelsOn = true;
    this.labelsInput = checkItem(base, 'Place labels', true, function (on) {
      self.labelsOn = on;
      self._placeLabels();
      self._saveHash();
    });
    if (this.undatedCount) {
      var nUndated = (this.data.stats && this.data.stats.undated) || this.undatedCount;
      this.undatedInput = checkItem(base, 'Undated mentions (' + nUndated + ')', true, function (on) {
        self.undatedOn = on;
        self.render();
        self._saveHash();
      }, 'geo-undated');
    }
    body.appendChild(base);

    // Kinds of feature; demonyms can be switched off here.
    var kinds = section('Kinds');
    this.classInputs = {};
    CLASS_ORDER.forEach(function (cls) {
      if (!self.classesPresent[cls]) { return; }
      var input = checkItem(kinds, CLASS_LABELS[cls], self.classOn[cls], function (on) {
        self.classOn[cls] = on;
        self._applyFilters();
      }, 'geo-kind');
      input.setAttribute('data-kind', cls);
      self.classInputs[cls] = input;
    });
    body.appendChild(kinds);

    var hasRoles = this.codes.role.some(function (r) { return r !== 'place'; });
    if (hasRoles) {
      var roles = section('Roles');
      this.roleInputs = this.codes.role.map(function (r, i) {
        var input = checkItem(roles, ROLE_LABELS[r] || r, !!self.roleOn[i], function (on) {
          self.roleOn[i] = on;
          self._applyFilters();
        }, 'geo-role');
        input.setAttribute('data-role', r);
        return input;
      });
      body.appendChild(roles);
    }

    var filters = section('Filters');
    var countries = {};
    this.places.forEach(function (p) { if (p.country) { countries[p.country] = p.country_name || p.country; } });
    var cOpts = Object.keys(countries).sort(function (a, b) { return countries[a].localeCompare(countries[b]); })
      .map(function (c) { return [c, countries[c] + ' (' + c + ')']; });
    var country = selectBox('geo-country', 'Country', [['', 'All countries']].concat(cOpts), this.country, function (v) {
      self.country = v;
      self._applyFilters();
    });
    this.countrySelect = country.input;
    filters.appendChild(country.wrap);
    if (this.sourceList.length > 1) {
      var src = selectBox('geo-source', 'Source', [['', 'All sources']].concat(this.sourceList.map(function (s) { return [s, s]; })),
        this.source, function (v) { self.source = v; self._applyFilters(); });
      this.sourceSelect = src.input;
      filters.appendChild(src.wrap);
    }
    var conf = el('label', 'geo-field geo-confidence');
    var confName = el('span', 'geo-field-name', 'Minimum confidence');
    var confValue = el('output', 'geo-confidence-value', Math.round(this.minScore / 10) + '%');
    var confInput = el('input', 'geo-confidence-input');
    confInput.type = 'range';
    confInput.min = '0';
    confInput.max = '100';
    confInput.step = '5';
    confInput.value = String(Math.round(this.minScore / 10));
    confInput.addEventListener('input', function () {
      self.minScore = +confInput.value * 10;
      confValue.textContent = confInput.value + '%';
      self._applyFilters();
    });
    this.confInput = confInput;
    this.confValue = confValue;
    conf.appendChild(confName);
    conf.appendChild(confValue);
    conf.appendChild(confInput);
    filters.appendChild(conf);
    body.appendChild(filters);

    var arts = section('Articles (' + this.articles.length + ')');
    arts.classList.add('geo-articles');
    var tools = el('div', 'geo-layers-tools');
    var all = textButton('geo-small-btn geo-all', 'All');
    var none = textButton('geo-small-btn geo-none', 'None');
    tools.appendChild(all);
    tools.appendChild(none);
    var filter = null;
    if (many) {
      filter = el('input', 'geo-filter');
      filter.type = 'search';
      filter.placeholder = 'Filter articles';
      filter.setAttribute('aria-label', 'Filter articles');
      tools.appendChild(filter);
    }
    arts.appendChild(tools);
    var list = el('div', 'geo-article-list');
    this.articleInputs = this.articles.map(function (a, i) {
      var input = checkItem(list, a.label, !!self.enabled[i], function (on) {
        self.enabled[i] = on ? 1 : 0;
        self._applyFilters();
      }, 'geo-article');
      input.setAttribute('data-doc', a.id);
      return input;
    });
    arts.appendChild(list);
    body.appendChild(arts);

    function setShown(on) {
      self.articleInputs.forEach(function (input, i) {
        if (input.parentNode.hidden) { return; }
        input.checked = on;
        self.enabled[i] = on ? 1 : 0;
      });
      self._applyFilters();
    }
    all.addEventListener('click', function () { setShown(true); });
    none.addEventListener('click', function () { setShown(false); });
    if (filter) {
      filter.addEventListener('input', function () {
        var q = fold(filter.value.trim());
        self.articleInputs.forEach(function (input, i) {
          var a = self.articles[i];
          input.parentNode.hidden = !!q && fold(a.label + ' ' + a.id + ' ' + (a.source || '')).indexOf(q) < 0;
        });
      });
    }
    return box;
  };

  GeoMap.prototype._buildTitle = function () {
    var box = el('div', 'geo-title geo-ui');
    // In a figure the title box is its caption (title, date, count), the one geo-basemap.js would add.
    if (this.figure) { box.classList.add('geo-figure-caption'); }
    if (this.opts.title) { box.appendChild(el('div', 'geo-title-text', this.opts.title)); } else { box.classList.add('geo-untitled'); }
    this.caption = el('div', 'geo-caption', '\u00a0');  // a line tall already, for the first fit
    box.appendChild(this.caption);
    L.DomEvent.disableClickPropagation(box);
    this.container.appendChild(box);
    this.titleBox = box;
  };

  // ------------------------------------------------------------ search and list view
  GeoMap.prototype._buildSearch = function () {
    var self = this;
    var Search = L.Control.extend({
      options: { position: 'topleft' },
      onAdd: function () { return self._searchDom(); }
    });
    new Search().addTo(this.map);
  };

  GeoMap.prototype._searchDom = function () {
    var self = this;
    var box = el('div', 'geo-search geo-ui');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var row = el('div', 'geo-search-row');
    var input = el('input', 'geo-search-input');
    input.type = 'search';
    input.placeholder = 'Find a place';
    input.setAttribute('aria-label', 'Find a place on the map');
    input.setAttribute('autocomplete', 'off');
    var listBtn = button('geo-list-toggle', 'list', 'List of places in view');
    listBtn.setAttribute('aria-pressed', 'false');
    row.appendChild(input);
    row.appendChild(listBtn);
    box.appendChild(row);
    var results = el('ul', 'geo-search-results');
    results.setAttribute('role', 'listbox');
    results.id = this.id + '-results';
    input.setAttribute('aria-controls', results.id);
    results.hidden = true;
    box.appendChild(results);
    var panel = el('div', 'geo-list');
    panel.id = this.id + '-list';
    panel.hidden = true;
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Places in view');
    listBtn.setAttribute('aria-controls', panel.id);
    box.appendChild(panel);
    this.searchInput = input;
    this.searchResults = results;
    this.listPanel = panel;
    this.listBtn = listBtn;
    this.placeKeys = this.places.map(function (p) { return fold(p.name); });

    function show() {
      var q = fold(input.value.trim());
      while (results.firstChild) { results.removeChild(results.firstChild); }
      if (!q) { results.hidden = true; return; }
      self.search(q).slice(0, 8).forEach(function (idx) {
        var pl = self.places[idx];
        var li = el('li');
        var b = textButton('geo-result', '');
        b.appendChild(el('span', 'geo-result-name', pl.name));
        b.appendChild(el('span', 'geo-muted', ' ' + [pl.country_name || pl.country, plural(pl.count, 'mention')].filter(Boolean).join(' \u00b7 ')));
        b.setAttribute('role', 'option');
        b.addEventListener('click', function (e) { L.DomEvent.stopPropagation(e); results.hidden = true; self.selectPlace(idx); });
        li.appendChild(b);
        results.appendChild(li);
      });
      if (!results.firstChild) { results.appendChild(el('li', 'geo-muted geo-no-result', 'No place called \u201c' + input.value.trim() + '\u201d')); }
      results.hidden = false;
    }
    input.addEventListener('input', show);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        var first = results.querySelector('.geo-result');
        if (first) { first.click(); }
      } else if (e.key === 'ArrowDown') {
        var f = results.querySelector('.geo-result');
        if (f) { e.preventDefault(); f.focus(); }
      } else if (e.key === 'Escape') { results.hidden = true; }
    });
    results.addEventListener('keydown', function (e) {
      var items = Array.prototype.slice.call(results.querySelectorAll('.geo-result'));
      var at = items.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && at < items.length - 1) { e.preventDefault(); items[at + 1].focus(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); if (at > 0) { items[at - 1].focus(); } else { input.focus(); } }
      if (e.key === 'Escape') { results.hidden = true; input.focus(); }
    });
    listBtn.addEventListener('click', function () { self.setListOpen(panel.hidden); });
    return box;
  };

  // Place indices whose name matches (starts with first, then contains), most mentioned first.
  GeoMap.prototype.search = function (query) {
    var q = fold(query);
    var starts = [], contains = [];
    this.placeKeys.forEach(function (k, i) {
      var at = k.indexOf(q);
      if (at === 0) { starts.push(i); } else if (at > 0) { contains.push(i); }
    });
    return starts.concat(contains);  // places are sorted by mentions already
  };

  // Zoom to a place, highlight it and open its popup with its mentions (at every date if not in view now).
  GeoMap.prototype.selectPlace = function (idx) {
    var self = this;
    var pl = this.places[idx];
    var targets = [];
    for (var t = 0; t < this.nT; t++) { if (this.tPlace[t] === idx) { targets.push(t); } }
    if (!targets.length) { return false; }
    var bounds = null;
    targets.forEach(function (t) {
      var shape = self.tShape[t] && self.shapes[self.tShape[t]];
      var b = shape ? L.geoJSON(shape).getBounds() : L.latLngBounds([self.tLatLng[t], self.tLatLng[t]]);
      bounds = bounds ? bounds.extend(b) : b;
    });
    if (this.highlight) { this.map.removeLayer(this.highlight); }
    var ring = L.layerGroup();
    targets.forEach(function (t) {
      var shape = self.tShape[t] && self.shapes[self.tShape[t]];
      if (shape) {
        ring.addLayer(L.geoJSON(shape, { interactive: false, style: { color: '#f59f00', weight: 4, fill: false, opacity: 0.95 } }));
      } else {
        ring.addLayer(L.circleMarker(self.tLatLng[t], { interactive: false, radius: 18, color: '#f59f00', weight: 4, fill: false }));
      }
    });
    ring.addTo(this.map);
    this.highlight = ring;
    var visible = this.groups.some(function (g) { return self.tPlace[g.t] === idx; });
    if (!visible) { this.setTime(null); }
    var maxZoom = Math.max(this.map.getZoom(), 8);
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      this.map.setView(bounds.getCenter(), maxZoom, { animate: false });
    } else {
      this.map.fitBounds(bounds.pad(0.3), { maxZoom: maxZoom, animate: false });
    }
    this.render();
    var g = this.groups.filter(function (gr) { return self.tPlace[gr.t] === idx; })[0];
    if (g) { this._openPopup(L.latLng(g.latlng), [{ group: g }], 0); }
    if (this.searchInput) { this.searchInput.value = pl.name; }
    this.selected = idx;
    this._saveHash();
    return true;
  };

  GeoMap.prototype.setListOpen = function (open) {
    this.listPanel.hidden = !open;
    this.listBtn.setAttribute('aria-pressed', String(open));
    this.listBtn.classList.toggle('geo-on', open);
    if (open) { this._refreshList(); }
  };

  // The places (and their mentions) in view, as buttons: the keyboard path to every feature.
  GeoMap.prototype._refreshList = function () {
    var panel = this.listPanel;
    if (!panel || panel.hidden) { return; }
    var self = this;
    var view = this.map.getBounds();
    var items = this.groups.filter(function (g) { return view.contains(g.latlng) || (g.shape && self._shapeBounds(g.t).intersects(view)); });
    items.sort(function (a, b) { return b.count - a.count; });
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    var total = items.reduce(function (s, g) { return s + g.count; }, 0);
    panel.appendChild(el('div', 'geo-list-head', plural(items.length, 'place') + ' in view, ' + plural(total, 'mention')));
    var ul = el('ul', 'geo-list-items');
    items.slice(0, LIST_MAX).forEach(function (g) {
      var pl = self.places[g.place] || {};
      var li = el('li');
      var b = textButton('geo-list-item', '');
      var sw = el('span', 'geo-swatch geo-swatch-' + g.cls);
      sw.style.setProperty('--geo-c', COLORS[g.cls] || COLORS.other);
      b.appendChild(sw);
      b.appendChild(el('span', 'geo-list-name', pl.name));
      b.appendChild(el('span', 'geo-muted', plural(g.count, 'mention') + ' \u00b7 ' + (CLASS_LABELS[g.cls] || g.cls)));
      b.addEventListener('click', function (e) { L.DomEvent.stopPropagation(e); self._openPopup(L.latLng(g.latlng), [{ group: g }], 0, true); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    if (items.length > LIST_MAX) { panel.appendChild(el('div', 'geo-muted', '+ ' + (items.length - LIST_MAX) + ' more: zoom in')); }
  };

  // ------------------------------------------------------------ time control and timeline
  GeoMap.prototype._buildTimeControl = function () {
    var self = this;
    var TimeControl = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () { return self._timeControlDom(); }
    });
    this.timeControl = new TimeControl().addTo(this.map);
  };

  GeoMap.prototype._timeControlDom = function () {
    var self = this;
    var box = el('div', 'geo-time geo-ui');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Time');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    var row = el('div', 'geo-time-row');
    this.btnPrev = button('geo-prev-event', 'prev', 'Previous event');
    this.btnBack = button('geo-back', 'back', 'Step back');
    this.btnPlay = button('geo-play', 'play', 'Play');
    this.btnFwd = button('geo-forward', 'forward', 'Step forward');
    this.btnNext = button('geo-next-event', 'next', 'Next event');
    this.btnLoop = button('geo-loop', 'loop', 'Loop');
    this.btnLoop.setAttribute('aria-pressed', 'false');
    this.loop = false;

    var slider = el('input', 'geo-slider');
    slider.type = 'range';
    slider.min = String(this.minDay);
    slider.max = String(this.maxDay);
    slider.step = '1';
    slider.value = String(this.minDay);
    slider.setAttribute('aria-label', 'Date');
    this.slider = slider;

    var label = el('output', 'geo-date');
    label.setAttribute('aria-live', 'polite');
    this.dateLabel = label;

    [this.btnPrev, this.btnBack, this.btnPlay, this.btnFwd, this.btnNext, this.btnLoop].forEach(function (b) { row.appendChild(b); });
    var track = el('div', 'geo-track');
    var timeline = el('canvas', 'geo-timeline');
    timeline.setAttribute('role', 'img');
    timeline.setAttribute('aria-label', 'Mentions over time; click or drag to go to a date');
    this.timeline = timeline;
    track.appendChild(timeline);
    track.appendChild(slider);
    row.appendChild(track);
    row.appendChild(label);
    box.appendChild(row);

    var meta = el('div', 'geo-time-meta');
    this.btnAll = textButton('geo-small-btn geo-all-dates', 'All dates');
    this.btnAll.setAttribute('aria-pressed', 'true');
    meta.appendChild(this.btnAll);
    var speedLabel = el('label', 'geo-speed-label');
    speedLabel.appendChild(el('span', 'geo-speed-word', 'Step '));
    var speed = el('select', 'geo-speed');
    speed.setAttribute('aria-label', 'Playback step');
    var chosen = (this.data.playback && this.data.playback.step_days) || 1;
    var steps = STEPS.slice();
    if (!steps.some(function (s) { return s[0] === chosen; })) { steps.push([chosen, chosen + ' days / step']); steps.sort(function (a, b) { return a[0] - b[0]; }); }
    steps.forEach(function (s) {
      var o = el('option', null, s[1]);
      o.value = String(s[0]);
      if (s[0] === chosen) { o.selected = true; }
      speed.appendChild(o);
    });
    this.speed = speed;
    speedLabel.appendChild(speed);
    meta.appendChild(speedLabel);
    var gotoLabel = el('label', 'geo-goto-label');
    gotoLabel.appendChild(el('span', 'geo-goto-word', 'Go to '));
    var gotoInput = el('input', 'geo-goto');
    gotoInput.type = 'text';
    gotoInput.placeholder = 'YYYY-MM-DD';
    gotoInput.setAttribute('aria-label', 'Go to date (YYYY-MM-DD)');
    gotoInput.setAttribute('inputmode', 'numeric');
    gotoInput.size = 10;
    this.gotoInput = gotoInput;
    gotoLabel.appendChild(gotoInput);
    meta.appendChild(gotoLabel);
    meta.appendChild(el('span', 'geo-window', 'each mention shown for ' + plural(this.win, 'day')));
    this.countLabel = el('span', 'geo-count');
    meta.appendChild(this.countLabel);
    if (this.hasDates) {
      meta.appendChild(el('span', 'geo-range', dayToIso(this.minDay) + ' \u2192 ' + dayToIso(this.maxDay)));
    }
    box.appendChild(meta);

    if (!this.hasDates) {
      box.classList.add('geo-time-undated');
      [this.btnPrev, this.btnBack, this.btnPlay, this.btnFwd, this.btnNext, this.btnLoop, slider, speed, gotoInput, this.btnAll]
        .forEach(function (c) { c.disabled = true; });
    }

    slider.addEventListener('input', function () { self.pause(); self.setTime(+slider.value); });
    slider.addEventListener('keydown', function (e) {
      if (e.key === ' ' || e.key === 'Spacebar') { e.preventDefault(); self.toggle(); }
    });
    this.btnPlay.addEventListener('click', function () { self.toggle(); });
    this.btnBack.addEventListener('click', function () { self.pause(); self.step(-1); });
    this.btnFwd.addEventListener('click', function () { self.pause(); self.step(1); });
    this.btnPrev.addEventListener('click', function () { self.pause(); self.prevEvent(); });
    this.btnNext.addEventListener('click', function () { self.pause(); self.nextEvent(); });
    this.btnAll.addEventListener('click', function () { self.pause(); self.setTime(null); });
    this.btnLoop.addEventListener('click', function () {
      self.loop = !self.loop;
      self.btnLoop.setAttribute('aria-pressed', String(self.loop));
      self.btnLoop.classList.toggle('geo-on', self.loop);
    });
    speed.addEventListener('change', function () {
      self._drawTimeline();
      if (self.playing) { self.pause(); self.play(); }
    });
    function go() {
      var text = gotoInput.value.trim();
      if (!text) { return; }
      var day = typedToDay(text);
      if (isNaN(day)) {
        gotoInput.setAttribute('aria-invalid', 'true');
        gotoInput.title = '\u201c' + text + '\u201d is not a date: type YYYY-MM-DD, YYYY-MM or YYYY';
        return;
      }
      gotoInput.removeAttribute('aria-invalid');
      gotoInput.title = '';
      self.pause();
      self.setTime(day);
    }
    gotoInput.addEventListener('keydown', function (e) { if (e.key === 'Enter') { go(); } });
    gotoInput.addEventListener('change', go);

    // Click or drag on the timeline to jump there.
    var dragging = false;
    function jump(e) {
      var r = timeline.getBoundingClientRect();
      if (!r.width || !self.hasDates) { return; }
      var f = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
      self.pause();
      self.setTime(Math.round(self.minDay + f * (self.maxDay - self.minDay)));
    }
    timeline.addEventListener('pointerdown', function (e) {
      dragging = true;
      if (timeline.setPointerCapture) { timeline.setPointerCapture(e.pointerId); }
      jump(e);
    });
    timeline.addEventListener('pointermove', function (e) { if (dragging) { jump(e); } });
    timeline.addEventListener('pointerup', function () { dragging = false; });
    timeline.addEventListener('pointercancel', function () { dragging = false; });
    return box;
  };

  // Mentions per bin over the span, under the filters.
  GeoMap.prototype._computeBins = function () {
    if (!this.timeline || !this.hasDates) { this.bins = null; return; }
    var nb = 120;
    var span = Math.max(1, this.maxDay - this.minDay + 1);
    var bins = new Float64Array(nb);
    var end = this.sorted ? this.firstUndated : this.n;
    for (var i = 0; i < end; i++) {
      var d = this.mDay[i];
      if (!d || !this.pass[i]) { continue; }
      bins[Math.min(nb - 1, Math.floor((d - this.minDay) / span * nb))] += this.weight(i);
    }
    this.bins = bins;
    this._drawTimeline();
  };

  GeoMap.prototype._drawTimeline = function () {
    var c = this.timeline;
    if (!c || !this.bins) { return; }
    // Its size is read when the box changes (_watchSize), not on every frame: reading it forces a layout.
    if (!this.timelineSize) { this.timelineSize = [c.clientWidth, c.clientHeight]; }
    var w = this.timelineSize[0], h = this.timelineSize[1];
    if (!w || !h) { this.timelineSize = null; return; }
    var dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    var ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var bins = this.bins, nb = bins.length;
    var max = 0;
    for (var i = 0; i < nb; i++) { if (bins[i] > max) { max = bins[i]; } }
    var span = Math.max(1, this.maxDay - this.minDay + 1);
    var lo = -Infinity, hi = Infinity;
    if (this.t !== null && this.t !== undefined) {
      lo = (this.t - this.win + 1 - this.minDay) / span * nb;
      hi = (this.t + 1 - this.minDay) / span * nb;
    }
    var bw = w / nb;
    for (var j = 0; j < nb; j++) {
      if (!bins[j]) { continue; }
      var bh = Math.max(2, Math.sqrt(bins[j] / max) * (h - 2));
      var on = j + 1 > lo && j < hi;
      ctx.fillStyle = on ? '#1c6dd0' : '#9aa5b1';
      ctx.fillRect(j * bw + 0.5, h - bh, Math.max(1, bw - 1), bh);
    }
    if (this.t !== null && this.t !== undefined) {
      var x = (this.t + 0.5 - this.minDay) / span * w;
      ctx.fillStyle = '#c92a2a';
      ctx.fillRect(Math.round(x) - 1, 0, 2, h);
    }
  };

  // ------------------------------------------------------------ legend
  GeoMap.prototype._buildLegend = function () {
    var self = this;
    var Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: function () {
        var outer = el('div', 'geo-legend geo-ui');
        L.DomEvent.disableClickPropagation(outer);
        var toggle = textButton('geo-legend-toggle', 'Legend');
        var box = el('div', 'geo-legend-body');
        box.id = self.id + '-legend';
        toggle.setAttribute('aria-controls', box.id);
        outer.appendChild(toggle);
        outer.appendChild(box);
        // In a small box the legend folds to its title (figure mode shows it whole).
        self.setLegendCollapsed = function (c) {
          box.hidden = c && !self.figure;
          toggle.setAttribute('aria-expanded', String(!box.hidden));
          outer.classList.toggle('geo-collapsed', box.hidden);
        };
        toggle.addEventListener('click', function () { self.setLegendCollapsed(!box.hidden); });
        self.setLegendCollapsed(self.container.clientWidth < 900 || self.container.clientHeight < 560);
        CLASS_ORDER.forEach(function (cls) {
          if (!self.classesPresent[cls]) { return; }
          var row = el('div', 'geo-legend-row');
          var sw = el('span', 'geo-swatch geo-swatch-' + cls);
          sw.style.setProperty('--geo-c', COLORS[cls]);
          row.appendChild(sw);
          row.appendChild(el('span', null, CLASS_LABELS[cls]));
          box.appendChild(row);
        });
        if (self.codes.role.some(function (r) { return r === 'actor' || r === 'affiliation'; })) {
          var rrow = el('div', 'geo-legend-row');
          var rsw = el('span', 'geo-swatch geo-swatch-city geo-swatch-subdued');
          rsw.style.setProperty('--geo-c', COLORS.city);
          rrow.appendChild(rsw);
          rrow.appendChild(el('span', null, 'Named as an actor, not a place'));
          box.appendChild(rrow);
        }
        if (self.places.length > CLUSTER_MIN_GROUPS) {
          var crow = el('div', 'geo-legend-row');
          var csw = el('span', 'geo-swatch geo-swatch-city');
          csw.style.setProperty('--geo-c', '#3b4654');
          crow.appendChild(csw);
          crow.appendChild(el('span', null, 'Several places (zoom in)'));
          box.appendChild(crow);
        }
        var sizes = el('div', 'geo-legend-sizes');
        [1, 10, 50].forEach(function (c) {
          var item = el('span', 'geo-size');
          var dot = el('span', 'geo-size-dot');
          var r = radius(c);
          dot.style.width = dot.style.height = (2 * r) + 'px';
          item.appendChild(dot);
          item.appendChild(el('span', null, String(c)));
          sizes.appendChild(item);
        });
        box.appendChild(el('div', 'geo-legend-sub', 'Size: number of mentions'));
        box.appendChild(sizes);
        return outer;
      }
    });
    this.legend = new Legend().addTo(this.map);
  };

  // The first view: where most mentions are (mapdata leaves far outliers out of focus_bounds).
  GeoMap.prototype._fit = function () {
    this.map.invalidateSize(false);  // the box may have been laid out after Leaflet measured it
    var b = this.data.focus_bounds || this.data.bounds;
    if (b && isFinite(b[0][0])) {
      var bounds = L.latLngBounds(b);
      // Keep the story clear of the title and the time control: each panel in the upper half pushes the
      // story down, each in the lower half pushes it up (a narrow box puts the title above the time control,
      // a small one the legend).
      var box = this.container.getBoundingClientRect();
      var above = 16, below = 16;
      [this.titleBox, this.timeControl && this.timeControl.getContainer(), this.legend && this.legend.getContainer()].forEach(function (node) {
        var r = node && node.getBoundingClientRect();
        if (!r || !r.height) { return; }
        if (r.top + r.height / 2 < box.top + box.height / 2) { above = Math.max(above, r.bottom - box.top + 8); } else {
          below = Math.max(below, box.bottom - r.top + 12);
        }
      });
      var size = this.map.getSize();
      if (above + below > size.y * 0.6) { above = below = Math.round(size.y * 0.1); }
      var pad = { paddingTopLeft: [24, above], paddingBottomRight: [24, below], maxZoom: 8, animate: false };
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        bounds = bounds.pad(0.5).extend(L.latLng(bounds.getNorth() + 1, bounds.getEast() + 1)).extend(L.latLng(bounds.getSouth() - 1, bounds.getWest() - 1));
        pad.maxZoom = 7;
      }
      this.map.fitBounds(bounds, pad);
    } else {
      this.map.setView([20, 0], 2, { animate: false });
    }
  };

  // ------------------------------------------------------------ time
  // setTime(null) (or 'all') shows every date at once; a day number or ISO date shows that day's window.
  GeoMap.prototype.setTime = function (value) {
    var day = null;
    if (value !== null && value !== undefined && value !== 'all') {
      day = typeof value === 'number' ? value : isoToDay(value);
      if (isNaN(day)) { throw new Error('geo map: ' + JSON.stringify(value) + ' is not a date; use YYYY-MM-DD'); }
      if (!this.hasDates) { day = null; } else { day = Math.max(this.minDay, Math.min(this.maxDay, day)); }
    }
    this.t = day;
    var all = day === null;
    if (this.slider) {
      this.slider.value = String(all ? this.minDay : day);
      this.slider.setAttribute('aria-valuetext', !this.hasDates ? 'undated' : all ? 'All dates' : dayToHuman(day));
      this.slider.classList.toggle('geo-slider-all', all);
    }
    if (this.dateLabel) {
      this.dateLabel.textContent = !this.hasDates ? 'undated' : all ? 'All dates' : dayToIso(day);
      this.dateLabel.title = all || !this.hasDates ? '' : dayToHuman(day);
    }
    if (this.btnAll) {
      this.btnAll.setAttribute('aria-pressed', String(all));
      this.btnAll.classList.toggle('geo-on', all);
    }
    if (this.gotoInput && document.activeElement !== this.gotoInput) { this.gotoInput.value = all ? '' : dayToIso(day); }
    this._drawTimeline();
    this.render();
    this._saveHash();
    return all ? null : dayToIso(day);
  };

  GeoMap.prototype._stepDays = function () { return +this.speed.value || 1; };

  GeoMap.prototype.step = function (direction) {
    if (!this.hasDates) { return; }
    if (this.t === null) { this.setTime(direction > 0 ? this.minDay : this.maxDay); return; }
    this.setTime(this.t + direction * this._stepDays());
  };

  GeoMap.prototype.nextEvent = function () {
    var d = this._eventAfter(this.t === null ? this.minDay - 1 : this.t);
    if (d !== null) { this.setTime(d); }
    return d === null ? null : dayToIso(d);
  };

  GeoMap.prototype.prevEvent = function () {
    var d = this._eventBefore(this.t === null ? this.maxDay + 1 : this.t);
    if (d !== null) { this.setTime(d); }
    return d === null ? null : dayToIso(d);
  };

  // The next frame of playback: one step on, or the next event when that step would show nothing.
  GeoMap.prototype._nextFrame = function () {
    var next = this.t + this._stepDays();
    if (next > this.maxDay) { return this.t < this.maxDay ? this.maxDay : null; }
    if (!this._anyDatedAt(next)) {
      var ev = this._eventAfter(next);
      return ev === null ? (this.t < this.maxDay ? this.maxDay : null) : ev;
    }
    return next;
  };

  GeoMap.prototype.play = function () {
    if (this.playing || !this.hasDates) { return; }
    var self = this;
    if (this.t === null || this.t >= this.maxDay) {
      var first = this._eventAfter(this.minDay - 1);
      this.setTime(first === null ? this.minDay : first);
    }
    this.playing = setInterval(function () {
      var next = self._nextFrame();
      if (next === null) {
        if (self.loop) { var f = self._eventAfter(self.minDay - 1); self.setTime(f === null ? self.minDay : f); return; }
        self.pause();
        return;
      }
      self.setTime(next);
    }, TICK_MS);
    this._playButton(true);
  };

  GeoMap.prototype.pause = function () {
    if (this.playing) { clearInterval(this.playing); }
    this.playing = null;
    this._playButton(false);
  };

  GeoMap.prototype.toggle = function () {
    if (this.playing) { this.pause(); } else { this.play(); }
  };

  GeoMap.prototype._playButton = function (playing) {
    var b = this.btnPlay;
    if (!b) { return; }
    while (b.firstChild) { b.removeChild(b.firstChild); }
    b.appendChild(icon(playing ? 'pause' : 'play'));
    b.title = playing ? 'Pause' : 'Play';
    b.setAttribute('aria-label', b.title);
    b.classList.toggle('geo-on', playing);
    if (this.dateLabel) { this.dateLabel.setAttribute('aria-live', playing ? 'off' : 'polite'); }
  };

  // ------------------------------------------------------------ what is shown
  // Undated mentions are shown at every date: their counts per target are
  // summed once per change of filters, not at every step of the slider.
  GeoMap.prototype._undatedTotals = function () {
    if (this._undated) { return this._undated; }
    var counts = new Float64Array(this.nT), places = new Float64Array(this.nT), touched = [];
    var placeRole = this.codes.role.indexOf('place');
    var start = this.sorted ? this.firstUndated : 0;
    for (var i = start; i < this.n; i++) {
      if (this.mDay[i] || !this.pass[i]) { continue; }
      var t = this.mTarget[i], w = this.weight(i);
      if (!counts[t]) { touched.push(t); }
      counts[t] += w;
      if (this.mRole[i] === placeRole) { places[t] += w; }
    }
    this._undated = { counts: counts, places: places, touched: touched };
    return this._undated;
  };

  GeoMap.prototype._visibleGroups = function () {
    var counts = this.counts, placeCounts = this.placeCounts;
    var touched = [];
    var self = this;
    var placeRole = this.codes.role.indexOf('place');
    var add = function (i) {
      var t = self.mTarget[i];
      var w = self.weight(i);
      if (!counts[t]) { touched.push(t); }
      counts[t] += w;
      if (self.mRole[i] === placeRole) { placeCounts[t] += w; }
    };
    if (this.t !== null && this.sorted) {
      if (this.undatedOn) {
        var u = this._undatedTotals();
        counts.set(u.counts);
        placeCounts.set(u.places);
        touched = u.touched.slice();
      }
      var i = lowerBound(this.mDay, 0, this.firstUndated, this.t - this.win + 1);
      var end = lowerBound(this.mDay, i, this.firstUndated, this.t + 1);
      for (; i < end; i++) { if (this.pass[i]) { add(i); } }
    } else {
      this._eachShown(this.t, add);
    }
    var groups = touched.map(function (t) {
      var g = {
        key: 'g' + t, t: t, place: self.tPlace[t], cls: self.tClass[t], shape: self.tShape[t],
        latlng: self.tLatLng[t], count: counts[t], subdued: placeCounts[t] === 0
      };
      counts[t] = 0;
      placeCounts[t] = 0;
      return g;
    });
    return groups;
  };

  // Mentions of one target shown now, newest and best-scored first.
  GeoMap.prototype._mentionsOf = function (target) {
    var self = this, out = [];
    this._eachShown(this.t, function (i) { if (self.mTarget[i] === target) { out.push(i); } });
    out.sort(function (a, b) {
      return ((self.mDay[b] || -1) - (self.mDay[a] || -1)) || (self.mScore[b] - self.mScore[a]) || (a - b);
    });
    return out;
  };

  // ------------------------------------------------------------ drawing
  GeoMap.prototype.render = function () {
    if (this.t === undefined) { return; }
    var groups = this._visibleGroups();
    this.groups = groups;
    var wanted = new Map();
    var points = [];
    var total = 0;
    var nAreas = 0;
    groups.forEach(function (g) {
      total += g.count;
      if (g.shape) { wanted.set(g.key, { kind: 'shape', group: g }); nAreas += 1; } else { points.push(g); }
    });
    this.manyAreas = nAreas > DASHED_AREAS_MAX;
    this.clustered = points.length > CLUSTER_MIN_GROUPS;
    if (this.clustered) {
      this._cluster(points, wanted);
    } else {
      points.forEach(function (g) { wanted.set(g.key, { kind: 'point', group: g }); });
    }
    var self = this;
    var created = false;
    this.drawn.forEach(function (entry, key) {
      if (!wanted.has(key) || wanted.get(key).kind !== entry.kind) {
        self.map.removeLayer(entry.layer);
        self.drawn['delete'](key);
      }
    });
    wanted.forEach(function (item, key) {
      var entry = self.drawn.get(key);
      if (!entry) {
        entry = { kind: item.kind, layer: self._makeLayer(item), count: -1, subdued: null };
        self.drawn.set(key, entry);
        entry.layer.addTo(self.map);
        created = true;
      }
      entry.layer._geoItem = item;
      // Restyle (and redraw) only when the look changes, not with every count.
      var look = self._look(item);
      if (entry.look !== look) {
        if (item.kind === 'point' && entry.look !== undefined) { created = true; }  // sizes changed: restack
        entry.look = look;
        self._restyle(entry.layer, item);
      }
      entry.count = item.group.count;
    });
    if (created) { this._restack(); }
    if (this.countLabel) {
      this.countLabel.textContent = plural(total, 'mention') + ' in view';
    }
    this.total = total;
    this._refreshPopup();
    this._updateCaption();
    this._placeLabels();
    this._refreshList();
    this._markReady();
  };

  GeoMap.prototype._cluster = function (points, wanted) {
    var map = this.map;
    var z = map.getZoom();
    var cells = new Map();
    // Grid cells of every target at this zoom, computed once per zoom.
    if (this._cellsZoom !== z) {
      this._cellsZoom = z;
      this._cellOf = this.tLatLng.map(function (ll) {
        var p = map.project(ll, z);
        return Math.floor(p.x / CLUSTER_CELL_PX) + ':' + Math.floor(p.y / CLUSTER_CELL_PX);
      });
    }
    var cellOf = this._cellOf;
    points.forEach(function (g) {
      var k = cellOf[g.t];
      var c = cells.get(k);
      if (!c) { c = { key: k, groups: [], count: 0, lat: 0, lon: 0 }; cells.set(k, c); }
      c.groups.push(g);
      c.count += g.count;
      c.lat += g.latlng[0] * g.count;
      c.lon += g.latlng[1] * g.count;
    });
    cells.forEach(function (c) {
      if (c.groups.length === 1) {
        var g = c.groups[0];
        wanted.set(g.key, { kind: 'point', group: g });
        return;
      }
      var bounds = L.latLngBounds(c.groups.map(function (g) { return g.latlng; }));
      var cluster = { key: c.key, count: c.count, places: c.groups.length, latlng: [c.lat / c.count, c.lon / c.count], bounds: bounds };
      wanted.set('c|' + z + '|' + c.key, { kind: 'cluster', group: cluster });
    });
  };

  // Layers take no clicks of their own: _hits decides what is under the pointer.
  GeoMap.prototype._makeLayer = function (item) {
    var g = item.group;
    var layer;
    if (item.kind === 'cluster') {
      layer = L.circleMarker(g.latlng, {
        renderer: this.renderer, interactive: false, radius: Math.min(34, 8 + 2 * Math.sqrt(g.count)),
        color: '#ffffff', weight: 2, fillColor: '#3b4654', fillOpacity: 0.6
      });
    } else if (item.kind === 'shape') {
      var geom = this.shapes[g.shape];
      var isLine = /LineString/.test(geom.type);
      layer = L.geoJSON(geom, {
        pane: isLine ? 'overlayPane' : 'geo-areas', renderer: isLine ? this.renderer : this.areaRenderer,
        interactive: false, style: shapeStyle(g.cls, g.count, isLine, g.subdued, this.manyAreas),
        smoothFactor: 2  // outlines simplified to 2 px at each zoom: fewer vertices to redraw per frame
      });
      layer._geoIsLine = isLine;
      layer._geoArea = this._shapeArea(g.t);
    } else {
      layer = L.circleMarker(g.latlng, { renderer: this.renderer, interactive: false });
    }
    return layer;
  };

  GeoMap.prototype._shapeBounds = function (t) {
    this._boundsCache = this._boundsCache || {};
    var key = this.tShape[t];
    if (!this._boundsCache[key]) { this._boundsCache[key] = L.geoJSON(this.shapes[key]).getBounds(); }
    return this._boundsCache[key];
  };

  // Size of an area for the click order: its bounding box in square degrees, shrunk by latitude.
  GeoMap.prototype._shapeArea = function (t) {
    var b = this._shapeBounds(t);
    var mid = (b.getNorth() + b.getSouth()) / 2 * Math.PI / 180;
    return Math.max(1e-9, (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()) * Math.cos(mid));
  };

  GeoMap.prototype._look = function (item) {
    var g = item.group;
    if (item.kind === 'shape') {
      var st = shapeStyle(g.cls, g.count, /LineString/.test((this.shapes[g.shape] || {}).type || ''), g.subdued, this.manyAreas);
      return Math.round((st.fillOpacity || 0) * 25) + '|' + (st.weight || 0).toFixed(1) + '|' + g.subdued + '|' + st.dashArray;
    }
    return (item.kind === 'cluster' ? Math.min(34, 8 + 2 * Math.sqrt(g.count)) : radius(g.count)).toFixed(1) + '|' + g.subdued;
  };

  GeoMap.prototype._restyle = function (layer, item) {
    var g = item.group;
    if (item.kind === 'cluster') {
      layer.setRadius(Math.min(34, 8 + 2 * Math.sqrt(g.count)));
    } else if (item.kind === 'shape') {
      layer.setStyle(shapeStyle(g.cls, g.count, layer._geoIsLine, g.subdued, this.manyAreas));
    } else {
      var st = pointStyle(g.cls, g.count, g.subdued);
      layer.setStyle(st);
      layer.setRadius(st.radius);
    }
  };

  // Canvas draws in insertion order. Bottom to top: demonym areas, then
  // place areas (largest first), lines, the summary, then points (largest
  // first, so a small marker is never hidden under a big one).
  GeoMap.prototype._restack = function () {
    var areas = [], lines = [], points = [];
    this.drawn.forEach(function (entry) {
      if (entry.kind === 'shape') { (entry.layer._geoIsLine ? lines : areas).push(entry); } else { points.push(entry); }
    });
    areas.sort(function (a, b) {
      var da = a.layer._geoItem.group.cls === 'demonym', db = b.layer._geoItem.group.cls === 'demonym';
      return (db - da) || (b.layer._geoArea - a.layer._geoArea);
    });
    points.sort(function (a, b) { return b.count - a.count; });
    areas.forEach(function (e) { e.layer.bringToFront(); });
    lines.forEach(function (e) { e.layer.bringToFront(); });
    if (this.map.hasLayer(this.summary)) { this.summary.eachLayer(function (l) { l.bringToFront(); }); }
    points.forEach(function (e) { e.layer.bringToFront(); });
  };

  // ------------------------------------------------------------ what is under the pointer
  // Everything drawn under a point, smallest first: points (smallest marker
  // first), then lines, then areas by size, a country's demonym after its place.
  // The renderers' click tolerance lets a small dot or a thin line be hit from a few pixels away; but
  // where the pointer is on something drawn (inside an area, on a dot), the features it is merely
  // near (a capital's dot beside a small country at world zoom, a neighbour's border) are left out,
  // so a click on North Korea opens North Korea, not a list with Pyongyang and China in it.
  GeoMap.prototype._hits = function (latlng) {
    var lp = this.map.latLngToLayerPoint(latlng);
    var hits = [];
    this.drawn.forEach(function (entry) {
      var layer = entry.layer, item = layer._geoItem;
      if (entry.kind === 'shape') {
        var near = false, on = layer._geoIsLine;
        layer.eachLayer(function (child) {
          if (!child._containsPoint || !child._pxBounds || !child._containsPoint(lp)) { return; }
          near = true;
          if (!on && insideRings(child, lp)) { on = true; }
        });
        if (near) {
          hits.push({ group: item.group, rank: layer._geoIsLine ? 1 : 2, size: layer._geoIsLine ? 0 : layer._geoArea, demonym: item.group.cls === 'demonym', on: on });
        }
      } else if (layer._containsPoint && layer._point && layer._containsPoint(lp)) {
        hits.push({ group: item.group, cluster: entry.kind === 'cluster', rank: 0, size: layer.getRadius(), demonym: false, on: onDot(layer, lp) });
      }
    });
    if (this.map.hasLayer(this.summary)) {
      this.summary.eachLayer(function (m) {
        if (m._point && m._containsPoint(lp)) { hits.push({ summary: m._geoSummary, rank: 0.5, size: m.getRadius(), demonym: false, on: onDot(m, lp) }); }
      });
    }
    if (hits.some(function (h) { return h.on; })) { hits = hits.filter(function (h) { return h.on; }); }
    hits.sort(function (a, b) { return (a.rank - b.rank) || (a.demonym - b.demonym) || (a.size - b.size); });
    return hits;
  };

  // Whether a layer point is on a circle marker as drawn (its radius and half its outline), tolerance aside.
  function onDot(marker, p) {
    return p.distanceTo(marker._point) <= marker._radius + (marker.options.stroke ? marker.options.weight / 2 : 0);
  }

  // Whether a layer point is inside a drawn polygon's rings (even-odd, as the canvas fills it), its outline's tolerance aside.
  function insideRings(polygon, p) {
    if (!(polygon instanceof L.Polygon) || !polygon._parts) { return false; }
    var inside = false;
    polygon._parts.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if (((a.y > p.y) !== (b.y > p.y)) && (p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)) { inside = !inside; }
      }
    });
    return inside;
  }

  GeoMap.prototype._hitName = function (h) {
    if (h.cluster) { return h.group.count + ' mentions at ' + h.group.places + ' places'; }
    var idx = h.summary ? h.summary.place : h.group.place;
    return (this.places[idx] || {}).name || '';
  };

  GeoMap.prototype._watchPointer = function () {
    var self = this;
    var map = this.map;
    var tip = L.tooltip({ direction: 'top', offset: [0, -8], opacity: 0.95, className: 'geo-tooltip' });
    var pending = null;
    map.on('click', function (e) {
      var hits = self._hits(e.latlng);
      if (!hits.length) { return; }
      if (hits[0].cluster) {
        map.fitBounds(hits[0].group.bounds.pad(0.2), { maxZoom: map.getZoom() + 3 });
        return;
      }
      map.closeTooltip(tip);
      self._openPopup(e.latlng, hits.filter(function (h) { return !h.cluster; }), 0);
    });
    map.on('mousemove', function (e) {
      pending = e;
      if (self._tipFrame) { return; }
      self._tipFrame = requestAnimationFrame(function () {
        self._tipFrame = null;
        var ev = pending;
        var hits = self._hits(ev.latlng);
        self.container.classList.toggle('geo-pointer', hits.length > 0);
        if (!hits.length || (self.popup && map.hasLayer(self.popup))) { map.closeTooltip(tip); return; }
        var h = hits[0];
        var sub;
        if (h.cluster) { sub = 'click to zoom in'; } else if (h.summary) { sub = plural(h.summary.count, 'mention') + ' in all'; } else {
          sub = plural(h.group.count, 'mention') + ' in view';
        }
        if (hits.length > 1) { sub += ' \u00b7 ' + (hits.length - 1) + ' more here'; }
        tip.setLatLng(ev.latlng).setContent(self._tooltip(self._hitName(h), sub));
        if (!map.hasLayer(tip)) { map.openTooltip(tip); }
      });
    });
    map.on('mouseout', function () { map.closeTooltip(tip); self.container.classList.remove('geo-pointer'); });
  };

  // ------------------------------------------------------------ popups
  GeoMap.prototype._openPopup = function (latlng, hits, index, focus) {
    var self = this;
    var w = this.container.clientWidth, h = this.container.clientHeight;
    // Clear of every panel in the upper half (the title, the zoom buttons and search box): they lie
    // above the popup pane, and on a phone the search box would hide the popup's heading.
    var box = this.container.getBoundingClientRect();
    var top = 16;
    var panels = [this.titleBox].concat(Array.prototype.slice.call(this.container.querySelectorAll('.leaflet-top .leaflet-control')));
    panels.forEach(function (node) {
      var r = node && node.getBoundingClientRect();
      if (r && r.height && r.top + r.height / 2 < box.top + h / 2) { top = Math.max(top, r.bottom - box.top + 8); }
    });
    var popup = L.popup({
      maxWidth: Math.max(200, Math.min(400, w - 48)),
      minWidth: Math.min(260, w - 48),
      maxHeight: Math.max(160, Math.round(h * 0.62)),
      autoPanPaddingTopLeft: [16, top],
      autoPanPaddingBottomRight: [16, 16],
      className: 'geo-popup-wrap'
    });
    this.popupState = { hits: hits, index: index, latlng: latlng };
    popup.setLatLng(latlng).setContent(this._popupContent());
    popup.on('remove', function () { if (self.popup === popup) { self.popup = null; self.popupState = null; } });
    this.popup = popup;
    popup.openOn(this.map);
    if (focus) {
      var first = popup.getElement() && popup.getElement().querySelector('.leaflet-popup-close-button');
      if (first) { first.focus(); }
    }
    return popup;
  };

  GeoMap.prototype._popupContent = function () {
    var self = this;
    var st = this.popupState;
    var h = st.hits[st.index];
    var box = el('div', 'geo-popup geo-ui');
    if (st.hits.length > 1) {
      var nav = el('div', 'geo-here');
      nav.appendChild(el('div', 'geo-here-title', st.hits.length + ' features here'));
      var ul = el('ul', 'geo-here-list');
      st.hits.forEach(function (hit, i) {
        var li = el('li');
        var b = textButton('geo-here-item', '');
        var cls = hit.summary ? 'other' : hit.group.cls;
        var sw = el('span', 'geo-swatch geo-swatch-' + cls);
        sw.style.setProperty('--geo-c', hit.summary ? '#8895a7' : (COLORS[cls] || COLORS.other));
        b.appendChild(sw);
        b.appendChild(el('span', 'geo-here-name', self._hitName(hit)));
        b.appendChild(el('span', 'geo-muted', (hit.summary ? 'summary' : (CLASS_LABELS[cls] || cls))));
        if (i === st.index) { b.setAttribute('aria-current', 'true'); }
        b.addEventListener('click', function (e) {
          // The button is replaced below; Leaflet would then no longer see it came from the popup.
          L.DomEvent.stopPropagation(e);
          st.index = i;
          self.popup.setContent(self._popupContent());
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      nav.appendChild(ul);
      box.appendChild(nav);
    }
    box.appendChild(h.summary ? this._summaryPopup(h.summary) : this._groupPopup(h.group));
    return box;
  };

  // Keep an open popup in step with the slider and filters.
  GeoMap.prototype._refreshPopup = function () {
    var st = this.popupState;
    if (!st || !this.popup || !this.map.hasLayer(this.popup)) { return; }
    var byKey = {};
    this.groups.forEach(function (g) { byKey[g.key] = g; });
    st.hits = st.hits.map(function (h) {
      if (h.summary) { return h; }
      var g = byKey[h.group.key];
      return g ? { group: g, rank: h.rank, size: h.size, demonym: h.demonym } : { group: { key: h.group.key, t: h.group.t, place: h.group.place, cls: h.group.cls, count: 0 }, rank: h.rank, size: h.size, demonym: h.demonym };
    });
    this.popup.setContent(this._popupContent());
  };

  GeoMap.prototype._tooltip = function (title, sub) {
    var box = el('div', 'geo-tip');
    box.appendChild(el('strong', null, title));
    if (sub) { box.appendChild(el('div', 'geo-muted', sub)); }
    return box;
  };

  GeoMap.prototype._placeHeader = function (box, pl, cls) {
    var head = el('div', 'geo-popup-head');
    var sw = el('span', 'geo-swatch geo-swatch-' + (cls || 'other'));
    sw.style.setProperty('--geo-c', COLORS[cls] || '#8895a7');
    head.appendChild(sw);
    head.appendChild(el('strong', 'geo-popup-name', pl.name || pl.key));
    box.appendChild(head);
    var bits = [];
    if (pl.country_name || pl.country) {
      bits.push(pl.country_name ? pl.country_name + ' (' + pl.country + ')' : pl.country);
    }
    if (cls) { bits.push(CLASS_LABELS[cls] || cls); }
    if (pl.feature) { bits.push(pl.feature); }
    if (bits.length) { box.appendChild(el('div', 'geo-muted', bits.join(' \u00b7 '))); }
  };

  GeoMap.prototype._groupPopup = function (g) {
    var self = this;
    var pl = this.places[g.place] || {};
    var box = el('div', 'geo-popup-body');
    this._placeHeader(box, pl, g.cls);
    var ms = this._mentionsOf(g.t);
    var docs = {};
    ms.forEach(function (i) { docs[self.mDoc[i]] = true; });
    var nDocs = Object.keys(docs).length;
    var when = this.t === null ? 'at all dates' : 'in view';
    box.appendChild(el('div', 'geo-popup-sub', plural(g.count, 'mention') + ' ' + when + ', in ' + plural(nDocs, 'article')));
    var list = el('ol', 'geo-snippets');
    box.appendChild(list);
    var shown = 0;
    var more = null;
    function showMore(k) {
      ms.slice(shown, shown + k).forEach(function (i) { list.appendChild(self._snippet(i)); });
      shown = Math.min(ms.length, shown + k);
      if (more) { more.parentNode.removeChild(more); more = null; }
      if (shown < ms.length) {
        more = textButton('geo-small-btn geo-more', 'Show ' + Math.min(20, ms.length - shown) + ' more (' + (ms.length - shown) + ' not shown)');
        more.addEventListener('click', function (e) { L.DomEvent.stopPropagation(e); showMore(20); });
        box.appendChild(more);
      }
    }
    showMore(POPUP_SNIPPETS);
    return box;
  };

  GeoMap.prototype._snippet = function (i) {
    var li = el('li', 'geo-snippet');
    var art = this.articles[this.mDoc[i]] || {};
    var title = el('div', 'geo-snippet-title');
    var name = art.title || art.id || '';
    if (art.url) {
      var a = el('a', 'geo-article-link', name);
      a.href = art.url;  // mapdata keeps only http(s) and relative URLs
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      title.appendChild(a);
    } else {
      title.appendChild(document.createTextNode(name));
    }
    if (art.title && art.id && art.title !== art.id) { title.appendChild(el('span', 'geo-muted', ' \u00b7 ' + art.id)); }
    li.appendChild(title);
    if (art.source) { li.appendChild(el('div', 'geo-muted geo-source-name', 'Source: ' + art.source)); }
    var q = el('blockquote', 'geo-sentence');
    var s = this.mSentence[i];
    var sentence = s >= 0 ? (this.sentences[s] || '') : '';
    var ma = this.mA[i], mb = this.mB[i];
    if (ma >= 0 && mb >= ma) {
      q.appendChild(document.createTextNode(sentence.slice(0, ma)));
      q.appendChild(el('mark', null, sentence.slice(ma, mb)));
      q.appendChild(document.createTextNode(sentence.slice(mb)));
    } else {
      q.textContent = sentence;
    }
    if (sentence) { li.appendChild(q); }
    var meta = el('div', 'geo-meta');
    var day = this.mDay[i];
    if (day) {
      var src = this.codes.source[this.mSource[i]];
      var when = 'Event date ' + dayToIso(day) + ' (' + (SOURCE_LABELS[src] || src || 'unknown source');
      var dt = this.mDateText[i];
      if (dt >= 0) { when += ': \u201c' + this.strings[dt] + '\u201d'; }
      meta.appendChild(el('span', null, when + ')'));
    } else {
      meta.appendChild(el('span', null, 'No date'));
    }
    meta.appendChild(el('span', null, 'Published ' + (art.published || 'unknown')));
    if (this.mScore[i] >= 0) {
      meta.appendChild(el('span', null, 'Confidence ' + Math.round(this.mScore[i] / 10) + '%'));
    }
    var role = this.codes.role[this.mRole[i]];
    if (role && role !== 'place') { meta.appendChild(el('span', 'geo-role-tag', 'Role: ' + role)); }
    if (this.mCount && this.mCount[i] > 1) { meta.appendChild(el('span', null, this.mCount[i] + ' mentions')); }
    li.appendChild(meta);
    return li;
  };

  GeoMap.prototype._summaryPopup = function (s) {
    var pl = this.places[s.place];
    var box = el('div', 'geo-popup-body');
    this._placeHeader(box, pl, pl['class']);
    var rows = [
      ['Mentions', String(s.count)],
      ['Articles', String(s.articles)],
      ['First', pl.first || '\u2014'],
      ['Last', pl.last || '\u2014']
    ];
    if (pl.undated) { rows.push(['Undated', String(pl.undated)]); }
    var dl = el('dl', 'geo-facts');
    rows.forEach(function (r) { dl.appendChild(el('dt', null, r[0])); dl.appendChild(el('dd', null, r[1])); });
    box.appendChild(dl);
    return box;
  };

  // ------------------------------------------------------------ labels
  // Names of the most-mentioned places in view, placed greedily by mentions
  // and dropped where they would overlap a label already placed: fewer as
  // the map zooms out, never two on top of each other.
  GeoMap.prototype._placeLabels = function () {
    var pane = this.labelsPane;
    if (!pane) { return; }
    var out = [];
    this.labelBoxes = [];
    if (!this.labelsOn || this.clustered === undefined) { this._setLabels(out); return; }
    var map = this.map;
    var size = map.getSize();
    var self = this;
    var ctx = this.measure;
    ctx.font = LABEL_FONT;
    var cap = Math.round(Math.min(80, Math.max(6, size.x * size.y / 9000)));
    var placed = [];
    var cand = this.groups.slice().sort(function (a, b) { return (b.count - a.count) || (a.place - b.place); });
    var seen = {};
    var drawnPoint = {};
    this.drawn.forEach(function (e) { if (e.kind === 'point') { drawnPoint[e.layer._geoItem.group.key] = e.layer; } });
    for (var k = 0; k < cand.length && placed.length < cap; k++) {
      var g = cand[k];
      if (seen[g.place]) { continue; }
      var isPoint = !g.shape;
      if (isPoint && !drawnPoint[g.key]) { continue; }  // inside a cluster
      var name = (this.places[g.place] || {}).name;
      if (!name) { continue; }
      var c = map.latLngToContainerPoint(g.latlng);
      if (c.x < 0 || c.y < 0 || c.x > size.x || c.y > size.y) { continue; }
      var w = Math.ceil(ctx.measureText(name).width) + 8, h = 18;
      var r = isPoint ? radius(g.count) + 3 : 0;
      var options = isPoint
        ? [[c.x + r, c.y - h / 2], [c.x - r - w, c.y - h / 2], [c.x - w / 2, c.y - r - h], [c.x - w / 2, c.y + r]]
        : [[c.x - w / 2, c.y - h / 2], [c.x - w / 2, c.y - h * 1.5], [c.x - w / 2, c.y + h / 2]];
      var box = null;
      for (var o = 0; o < options.length && !box; o++) {
        var b = { x: options[o][0], y: options[o][1], w: w, h: h };
        if (b.x < 2 || b.y < 2 || b.x + w > size.x - 2 || b.y + h > size.y - 2) { continue; }
        if (!placed.some(function (p) { return b.x < p.x + p.w && p.x < b.x + b.w && b.y < p.y + p.h && p.y < b.y + b.h; })) { box = b; }
      }
      if (!box) { continue; }
      seen[g.place] = true;
      placed.push(box);
      var lp = map.containerPointToLayerPoint([box.x, box.y]);
      out.push({ text: name, cls: 'geo-label geo-label-' + g.cls + (g.subdued ? ' geo-label-subdued' : ''),
        x: Math.round(lp.x), y: Math.round(lp.y), w: w });
      self.labelBoxes.push({ text: name, place: g.place });
    }
    this._setLabels(out);
  };

  // Replace the label elements only when the labels changed: DOM changes cost a layout each frame.
  GeoMap.prototype._setLabels = function (labels) {
    var key = labels.map(function (l) { return l.text + '@' + l.x + ',' + l.y + ' ' + l.cls; }).join('|');
    if (key === this._labelsKey) { return; }
    this._labelsKey = key;
    // Reuse the elements: moving one is cheaper than making a new one on every frame of playback.
    var pane = this.labelsPane;
    var nodes = pane.children;
    labels.forEach(function (l, i) {
      var div = nodes[i];
      if (!div) { div = el('div'); pane.appendChild(div); }
      if (div.className !== l.cls) { div.className = l.cls; }
      if (div.textContent !== l.text) { div.textContent = l.text; }
      div.style.transform = 'translate(' + l.x + 'px,' + l.y + 'px)';
      div.style.width = l.w + 'px';
    });
    while (nodes.length > labels.length) { pane.removeChild(pane.lastChild); }
    this.map.fire('geolabels');  // the basemap's names keep clear of these (geo-basemap.js)
  };

  // ------------------------------------------------------------ caption (figure mode and title)
  GeoMap.prototype._updateCaption = function () {
    if (!this.caption) { return; }
    var when, long = this.figure;
    if (!this.hasDates) { when = 'Undated mentions'; } else if (this.t === null) {
      when = 'All dates, ' + dayToHuman(this.minDay, long) + ' \u2013 ' + dayToHuman(this.maxDay, long);
    } else {
      when = dayToHuman(this.t, long) + (this.win > 1 ? ' (mentions of the ' + this.win + ' days to this date)' : '');
    }
    this.caption.textContent = when + ' \u00b7 ' + plural(this.total || 0, 'mention');
  };

  // ------------------------------------------------------------ embedding: size, wheel, readiness
  // Layout follows the map's own box, not the window: a 640 px report column gets the narrow layout.
  GeoMap.prototype._watchSize = function () {
    var self = this;
    var apply = function () {
      var w = self.container.clientWidth, h = self.container.clientHeight;
      var narrow = w < NARROW_PX;
      var was = self.container.classList.contains('geo-narrow');
      self.container.classList.toggle('geo-narrow', narrow);
      self.container.classList.toggle('geo-mid', !narrow && w < 900);
      self.container.classList.toggle('geo-short', h < 480);
      self.timelineSize = null;
      if (narrow && !was && self.setLayersCollapsed) { self.setLayersCollapsed(true); }
      if ((w < 900 || h < 560) && self.setLegendCollapsed && !self._legendSized) { self.setLegendCollapsed(true); }
      self._legendSized = true;
      // What sits above the time control in a small box (legend, attribution, title) needs its height.
      var time = self.timeControl && self.timeControl.getContainer();
      if (time) { self.container.style.setProperty('--geo-time-h', time.offsetHeight + 'px'); }
      self._drawTimeline();
    };
    apply();
    if (window.ResizeObserver) {
      this.resizeObserver = new ResizeObserver(function () {
        apply();
        self.map.invalidateSize({ pan: true, animate: false });  // keeps the centre
        self._placeLabels();
        self.map.fire('geolabels');  // the panels moved: the basemap places its names clear of them again
      });
      this.resizeObserver.observe(this.container);
      if (this.timeControl) { this.resizeObserver.observe(this.timeControl.getContainer()); }
    }
  };

  // In a page that scrolls (a report) or inside a frame, the wheel scrolls
  // the page until the map is clicked; Ctrl + wheel always zooms.
  GeoMap.prototype._gateWheel = function () {
    var box = this.container;
    var active = false;
    var hint = el('div', 'geo-wheel-hint geo-ui', 'Click the map or hold Ctrl to zoom with the wheel');
    hint.setAttribute('aria-hidden', 'true');
    box.appendChild(hint);
    var hideTimer = null;
    function pageScrolls() {
      var doc = document.scrollingElement || document.documentElement;
      return window.self !== window.top || doc.scrollHeight > window.innerHeight + 1 || doc.scrollWidth > window.innerWidth + 1;
    }
    box.addEventListener('wheel', function (e) {
      if (active || e.ctrlKey || e.metaKey || !pageScrolls()) { return; }
      // Before Leaflet's handler (on this same element, bubbling): the page scrolls instead.
      e.stopPropagation();
      hint.classList.add('geo-show');
      clearTimeout(hideTimer);
      hideTimer = setTimeout(function () { hint.classList.remove('geo-show'); }, 1400);
    }, { capture: true, passive: true });
    box.addEventListener('pointerdown', function () { active = true; hint.classList.remove('geo-show'); });
    box.addEventListener('mouseleave', function () { active = false; });
    document.addEventListener('pointerdown', function (e) { if (!box.contains(e.target)) { active = false; } });
    this.wheelActive = function () { return active; };
  };

  GeoMap.prototype._markReady = function () {
    var self = this;
    if (this._readyFrame) { cancelAnimationFrame(this._readyFrame); }
    this.container.removeAttribute('data-geo-ready');
    // Leaflet's canvas redraws on the next animation frame.
    this._readyFrame = requestAnimationFrame(function () {
      self._readyFrame = requestAnimationFrame(function () {
        self._readyFrame = null;
        self.container.setAttribute('data-geo-ready', '1');
      });
    });
  };

  // ------------------------------------------------------------ permalink
  function readHash() {
    var h = (window.location.hash || '').replace(/^#/, '');
    return new URLSearchParams(h.indexOf('=') >= 0 ? h : '');
  }

  GeoMap.prototype._hashKey = function (params, key) {
    return params.get(this.hashPrefix + key);
  };

  GeoMap.prototype._permalinkState = function () {
    var s = {};
    var c = this.map.getCenter();
    s.at = this.t === null || this.t === undefined ? 'all' : dayToIso(this.t);
    s.view = c.lat.toFixed(4) + ',' + c.lng.toFixed(4) + ',' + this.map.getZoom();
    var off = [];
    if (this.countries && !this.map.hasLayer(this.countries)) { off.push('countries'); }
    if (!this.labelsOn) { off.push('labels'); }
    if (this.undatedCount && !this.undatedOn) { off.push('undated'); }
    var self = this;
    CLASS_ORDER.forEach(function (cls) { if (self.classesPresent[cls] && !self.classOn[cls]) { off.push(cls); } });
    if (off.length) { s.off = off.join(','); }
    if (this.summaryOn) { s.summary = '1'; }
    var roles = this.codes.role.filter(function (r, i) { return !!self.roleOn[i] !== (ROLES_SHOWN[r] !== false); });
    if (roles.length) { s.roles = this.codes.role.filter(function (r, i) { return self.roleOn[i]; }).join(','); }
    if (this.country) { s.country = this.country; }
    if (this.source) { s.source = this.source; }
    if (this.minScore) { s.conf = String(Math.round(this.minScore / 10)); }
    var hidden = [];
    for (var i = 0; i < this.enabled.length; i++) { if (!this.enabled[i]) { hidden.push(this.articles[i].id); } }
    if (hidden.length && hidden.length <= 50) { s.hide = hidden.join('|'); }
    if (this.selected !== undefined && this.places[this.selected]) { s.place = this.places[this.selected].name; }
    return s;
  };

  GeoMap.prototype._saveHash = function () {
    if (this.figure || this.t === undefined) { return; }
    var self = this;
    clearTimeout(this._hashTimer);
    this._hashTimer = setTimeout(function () {
      if (self.playing) { self._saveHash(); return; }  // once playback stops
      var raw = (window.location.hash || '').replace(/^#/, '');
      if (raw && raw.indexOf('=') < 0) { return; }  // the host page's own anchor: leave it
      var params = new URLSearchParams(raw);
      ['at', 'view', 'off', 'summary', 'roles', 'country', 'source', 'conf', 'hide', 'place'].forEach(function (k) { params['delete'](self.hashPrefix + k); });
      var s = self._permalinkState();
      Object.keys(s).forEach(function (k) { params.set(self.hashPrefix + k, s[k]); });
      var text = params.toString();
      if (text === raw) { return; }
      // A document with no URL of its own (a notebook's srcdoc frame) cannot take a hash: no permalink there.
      try { history.replaceState(history.state, '', '#' + text); } catch (e) { /* the map works on without one */ }
    }, 400);
  };

  GeoMap.prototype._restoreFilters = function (params) {
    var self = this;
    var off = (this._hashKey(params, 'off') || '').split(',').filter(Boolean);
    off.forEach(function (k) { if (self.classOn[k] !== undefined) { self.classOn[k] = false; } });
    this.undatedOn = off.indexOf('undated') < 0;
    this._offLayers = off;
    var roles = this._hashKey(params, 'roles');
    if (roles !== null) {
      var on = roles.split(',');
      this.roleOn = this.codes.role.map(function (r) { return on.indexOf(r) >= 0; });
    }
    var country = this._hashKey(params, 'country');
    if (country) { this.country = country; }
    var source = this._hashKey(params, 'source');
    if (source) { this.source = source; }
    var conf = +this._hashKey(params, 'conf');
    if (conf > 0 && conf <= 100) { this.minScore = conf * 10; }
    var hide = (this._hashKey(params, 'hide') || '').split('|');
    this.articles.forEach(function (a, i) { if (hide.indexOf(a.id) >= 0) { self.enabled[i] = 0; } });
    if (this._hashKey(params, 'summary') === '1') { this.opts.summaryOn = true; }
  };

  GeoMap.prototype._restoreView = function (params) {
    var off = this._offLayers || [];
    if (off.indexOf('countries') >= 0 && this.countries) { this.map.removeLayer(this.countries); if (this.countriesInput) { this.countriesInput.checked = false; } }
    if (off.indexOf('labels') >= 0) { this.labelsOn = false; if (this.labelsInput) { this.labelsInput.checked = false; } }
    if (!this.undatedOn && this.undatedInput) { this.undatedInput.checked = false; }
    var view = (this._hashKey(params, 'view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(isFinite)) {
      this.map.setView([view[0], view[1]], view[2], { animate: false });
      return true;
    }
    return false;
  };

  // ------------------------------------------------------------ public API
  GeoMap.prototype._docIndex = function (doc) {
    if (typeof doc === 'number') { return doc; }
    for (var i = 0; i < this.articles.length; i++) {
      if (this.articles[i].id === doc) { return i; }
    }
    throw new Error('geo map: no article with id ' + JSON.stringify(doc));
  };

  GeoMap.prototype._groupByName = function (name) {
    var self = this;
    return this.groups.filter(function (g) { return (self.places[g.place] || {}).name === name; })[0] || null;
  };

  GeoMap.prototype._syncFilterInputs = function () {
    var self = this;
    Object.keys(this.classInputs || {}).forEach(function (c) { self.classInputs[c].checked = !!self.classOn[c]; });
    (this.roleInputs || []).forEach(function (input, i) { input.checked = !!self.roleOn[i]; });
    if (this.countrySelect) { this.countrySelect.value = this.country; }
    if (this.sourceSelect) { this.sourceSelect.value = this.source; }
    if (this.confInput) { this.confInput.value = String(Math.round(this.minScore / 10)); this.confValue.textContent = this.confInput.value + '%'; }
    (this.articleInputs || []).forEach(function (input, i) { input.checked = !!self.enabled[i]; });
  };

  GeoMap.prototype.api = function () {
    var self = this;
    function visibleMentions() {
      var out = [];
      self._eachShown(self.t, function (i) { out.push(i); });
      return out;
    }
    return {
      id: this.id,
      map: this.map,
      data: this.data,
      ready: true,
      setTime: function (v) { self.pause(); return self.setTime(v); },
      getTime: function () { return self.hasDates && self.t !== null ? dayToIso(self.t) : null; },
      isAllDates: function () { return self.t === null; },
      // Every mention at once (the first view, and pictures with no date).
      showAllDates: function () { self.pause(); self.setTime(null); },
      nextEvent: function () { return self.nextEvent(); },
      prevEvent: function () { return self.prevEvent(); },
      visibleMentions: visibleMentions,
      visibleFeatureIds: visibleMentions,
      visiblePlaces: function () {
        return self.groups.map(function (g) {
          return { name: (self.places[g.place] || {}).name, 'class': g.cls, count: g.count, subdued: g.subdued };
        });
      },
      drawnCount: function () { return self.drawn.size; },
      isClustered: function () { return !!self.clustered; },
      setLayerVisible: function (doc, on) {
        var i = self._docIndex(doc);
        self.enabled[i] = on ? 1 : 0;
        self._syncFilterInputs();
        self._applyFilters();
      },
      layerVisible: function (doc) { return !!self.enabled[self._docIndex(doc)]; },
      // {country: 'AM' | '', kinds: {demonym: false}, roles: {name: true}, minConfidence: 0.5, source: ''}
      setFilters: function (f) {
        if (f.country !== undefined) { self.country = f.country || ''; }
        if (f.source !== undefined) { self.source = f.source || ''; }
        if (f.minConfidence !== undefined) { self.minScore = Math.round(Math.max(0, Math.min(1, +f.minConfidence || 0)) * 1000); }
        Object.keys(f.kinds || {}).forEach(function (k) { if (self.classOn[k] !== undefined) { self.classOn[k] = !!f.kinds[k]; } });
        Object.keys(f.roles || {}).forEach(function (r) { var i = self.codes.role.indexOf(r); if (i >= 0) { self.roleOn[i] = !!f.roles[r]; } });
        self._syncFilterInputs();
        self._applyFilters();
      },
      timelineCounts: function () { return self.bins ? Array.from(self.bins) : []; },
      search: function (q) { return self.search(q).map(function (i) { return self.places[i].name; }); },
      selectPlace: function (name) {
        var i = self.places.findIndex(function (p) { return p.name === name; });
        return i >= 0 && self.selectPlace(i);
      },
      labels: function () {
        return Array.prototype.map.call(self.labelsPane.children, function (d) {
          var r = d.getBoundingClientRect();
          return { text: d.textContent, x: r.left, y: r.top, w: r.width, h: r.height };
        });
      },
      // What a click at page coordinates (x, y) would open, smallest first.
      hitsAt: function (x, y) {
        var r = self.container.getBoundingClientRect();
        var ll = self.map.containerPointToLatLng([x - r.left, y - r.top]);
        return self._hits(ll).map(function (h) { return self._hitName(h); });
      },
      permalink: function () { return self._permalinkState(); },
      isFigure: function () { return self.figure; },
      play: function () { self.play(); },
      pause: function () { self.pause(); },
      isPlaying: function () { return !!self.playing; },
      // Page coordinates of a drawn place, for tests that click the canvas.
      placePoint: function (name) {
        var g = self._groupByName(name);
        if (!g) { return null; }
        var p = self.map.latLngToContainerPoint(g.latlng);
        var r = self.container.getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      },
      placeLatLng: function (name) {
        var g = self._groupByName(name);
        return g ? g.latlng : null;
      },
      openPopup: function (name) {
        var g = self._groupByName(name);
        if (!g) { return false; }
        self._openPopup(L.latLng(g.latlng), [{ group: g }], 0);
        return true;
      },
      isoToDay: isoToDay,
      dayToIso: dayToIso
    };
  };

  function showError(container, err) {
    var box = el('div', 'geo-error', 'This map could not be drawn: ' + (err && err.message ? err.message : err));
    container.appendChild(box);
  }

  function base64Bytes(text) {
    var bin = atob(text);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes;
  }

  // The data block: plain JSON, or gzip + base64 (large maps) decoded by the browser's DecompressionStream.
  function readData(id) {
    var node = document.getElementById(id);
    if (!node) { return Promise.reject(new Error('data block #' + id + ' is missing from the page')); }
    var encoding = node.getAttribute('data-encoding') || 'json';
    if (encoding === 'json') {
      try { return Promise.resolve(JSON.parse(node.textContent)); } catch (err) { return Promise.reject(err); }
    }
    if (encoding !== 'gzip-base64') { return Promise.reject(new Error('data block #' + id + ' has an unknown encoding ' + encoding)); }
    if (typeof DecompressionStream === 'undefined') {
      return Promise.reject(new Error('this browser cannot decompress the map data (no DecompressionStream); open it in a current browser'));
    }
    var stream = new Blob([base64Bytes(node.textContent.trim())]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }

  function attach(map, dataId, opts) {
    opts = opts || {};
    var container = map.getContainer();
    var basemap = null;
    return readData(dataId).then(function (data) {
      if (opts.basemapId) {
        var node = document.getElementById(opts.basemapId);
        basemap = node ? JSON.parse(node.textContent) : null;
      }
      var gm = new GeoMap(map, data, basemap, opts);
      var api = gm.api();
      window.geoMaps[gm.id] = api;
      return api;
    })['catch'](function (err) {
      showError(container, err);
      if (window.console) { console.error('geo map: ' + (err && err.message ? err.message : err)); }
      throw err;
    });
  }

  function create(divId, dataId, opts) {
    var div = document.getElementById(divId);
    var map = L.map(div, { preferCanvas: true, zoomSnap: 0.25, worldCopyJump: true });
    return attach(map, dataId, opts);
  }

  window.GeoTime = {
    version: '2',
    attach: attach,
    create: create,
    isoToDay: isoToDay,
    dayToIso: dayToIso
  };
}());
