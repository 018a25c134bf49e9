/*
 * geo-time: the time slider, layers, legend and popups of geo's maps.
 *
 * Everything is driven by the JSON that geo/mapdata.py builds, embedded in a
 * script element of type application/json and read with JSON.parse, so no
 * article text ever passes through HTML parsing: popups and tooltips are
 * built from DOM nodes and textContent, and the few strings Leaflet inserts
 * as HTML (layer-control labels) are escaped first.
 *
 * Dates are day numbers counted like Python's date.toordinal() (0001-01-01 is
 * day 1) and converted with integer calendar arithmetic, never with Date or
 * epoch milliseconds, so years before 1970 and time zones cannot shift them.
 *
 * Public surface: window.GeoTime.attach(leafletMap, dataId, options),
 * window.GeoTime.create(divId, dataId, options) and, per map,
 * window.geoMaps[containerId] with setTime / visibleFeatureIds / ... for
 * scripts and tests.
 */
(function () {
  'use strict';
  if (window.GeoTime) { return; }  // a second fragment on the same page
  window.geoMaps = window.geoMaps || {};

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

  function isoToDay(iso) {
    var m = ISO_RE.exec(String(iso));
    if (!m) { return NaN; }
    return daysFromCivil(+m[1], +m[2], +m[3]) + ORDINAL_1970;
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

  function dayToHuman(day) {
    var c = civilFromDays(day - ORDINAL_1970);
    return c[2] + ' ' + MONTHS[c[1] - 1] + ' ' + c[0];
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
    loop: 'M7 7h9.2l-2.1-2.1L15.5 3.5 20 8l-4.5 4.5-1.4-1.4L16.2 9H7a3 3 0 0 0-3 3v1H2v-1a5 5 0 0 1 5-5zm10 10H7.8l2.1 2.1-1.4 1.4L4 16l4.5-4.5 1.4 1.4L7.8 15H17a3 3 0 0 0 3-3v-1h2v1a5 5 0 0 1-5 5z'
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
  var SOURCE_LABELS = {
    text: 'stated in the text',
    narrative: 'from the narrative',
    published: 'publication date'
  };
  var SPEEDS = [[1, '1 day / step'], [7, '1 week / step'], [30, '1 month / step'], [365, '1 year / step']];
  var TICK_MS = 450;
  var CLUSTER_MIN_GROUPS = 1200;  // grid aggregation starts above this many places in view
  var CLUSTER_CELL_PX = 56;
  var MAX_POPUP_SNIPPETS = 5;

  function radius(count) {
    return Math.min(30, 4 + 2.6 * Math.sqrt(count));
  }

  function pointStyle(cls, count) {
    var c = COLORS[cls] || COLORS.other;
    return {
      radius: radius(count), color: '#ffffff', weight: 1.5, opacity: 1,
      fillColor: c, fillOpacity: 0.82, dashArray: null
    };
  }

  function shapeStyle(cls, count, isLine) {
    var c = COLORS[cls] || COLORS.other;
    if (isLine) {
      return { color: c, weight: Math.min(9, 3 + Math.log(count) * 1.5), opacity: 0.9, fill: false };
    }
    return {
      color: c, weight: cls === 'demonym' ? 2 : 1.6, opacity: 0.95,
      dashArray: cls === 'demonym' ? '6 4' : null,
      fillColor: c, fillOpacity: Math.min(0.4, 0.12 + 0.05 * Math.log(1 + count))
    };
  }

  // ------------------------------------------------------------ the map
  function GeoMap(map, data, basemap, opts) {
    this.map = map;
    this.data = data;
    this.opts = opts || {};
    this.id = map.getContainer().id;
    map.getContainer().classList.add('geo-map');
    this.articles = data.articles || [];
    this.places = data.places || [];
    this.sentences = data.sentences || [];
    this.shapes = data.shapes || {};
    this.enabled = this.articles.map(function () { return true; });
    this.undatedOn = true;
    this.playing = null;
    this.drawn = new Map();  // key -> {layer, kind, count}
    this.visibleIds = [];
    this.visibleGroups = [];
    this.renderer = L.canvas({ padding: 0.3, tolerance: 3 });
    this._prepareFeatures();
    this._buildBase(basemap);
    this._buildSummary();
    this._buildLayerControl();
    this._buildTitle();
    this._buildTimeControl();
    this._buildLegend();
    this._fit();
    var self = this;
    map.on('zoomend', function () { if (self.clustered || self.wasClustered) { self.render(); } });
    this.setTime(this.minDay);
  }

  GeoMap.prototype._prepareFeatures = function () {
    var feats = (this.data.features && this.data.features.features) || [];
    var n = feats.length;
    this.n = n;
    this.fDay = new Float64Array(n);
    this.fUntil = new Float64Array(n);
    this.fProps = new Array(n);
    this.fId = new Array(n);
    this.fKey = new Array(n);
    this.fLatLng = new Array(n);
    var minDay = Infinity, maxDay = -Infinity, maxSpan = 0, firstUndated = n;
    for (var i = 0; i < n; i++) {
      var p = feats[i].properties;
      var c = feats[i].geometry.coordinates;
      var day = p.date ? isoToDay(p.date) : NaN;
      var until = p.until ? isoToDay(p.until) : NaN;
      this.fDay[i] = day;
      this.fUntil[i] = until;
      this.fProps[i] = p;
      this.fId[i] = feats[i].id;
      this.fKey[i] = p.place + '|' + p['class'];
      this.fLatLng[i] = [c[1], c[0]];
      if (isNaN(day)) {
        if (firstUndated === n) { firstUndated = i; }
      } else {
        if (day < minDay) { minDay = day; }
        if (day > maxDay) { maxDay = day; }
        if (until - day > maxSpan) { maxSpan = until - day; }
      }
    }
    var dom = this.data.domain;
    this.hasDates = minDay !== Infinity;
    this.minDay = dom ? isoToDay(dom.min) : (this.hasDates ? minDay : 0);
    this.maxDay = dom ? isoToDay(dom.max) : (this.hasDates ? maxDay : 0);
    this.maxSpan = maxSpan;
    // mapdata sorts dated features by day and puts undated ones last; check
    // rather than trust, and fall back to a full scan when it does not hold.
    this.sorted = true;
    for (var j = 1; j < firstUndated; j++) {
      if (this.fDay[j] < this.fDay[j - 1] || isNaN(this.fDay[j])) { this.sorted = false; break; }
    }
    for (var k = firstUndated; k < n; k++) {
      if (!isNaN(this.fDay[k])) { this.sorted = false; break; }
    }
    this.firstUndated = firstUndated;
    this.undatedCount = n - firstUndated;
  };

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

  GeoMap.prototype._buildSummary = function () {
    var self = this;
    var group = L.layerGroup();
    this.places.forEach(function (pl, idx) {
      var m = L.circleMarker([pl.lat, pl.lon], {
        renderer: self.renderer, radius: radius(pl.count), color: '#1f2933', weight: 1.5,
        fillColor: '#8895a7', fillOpacity: 0.35
      });
      m.bindPopup(function () { return self._summaryPopup(idx); }, { maxWidth: 320, minWidth: 220 });
      m.bindTooltip(function () { return self._tooltip(pl.name, pl.count + ' mention' + (pl.count === 1 ? '' : 's') + ' in all'); }, { sticky: true, direction: 'top' });
      group.addLayer(m);
    });
    this.summary = group;
    if (this.opts.summaryOn) { group.addTo(this.map); }
  };

  // Our own layer list: Leaflet's layer control rebuilds every row on each
  // change and looks layers up linearly, which stalls with thousands of
  // articles; it also inserts names as HTML. Here names are text nodes.
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

  GeoMap.prototype._showLayer = function (layer, on) {
    if (on) { layer.addTo(this.map); } else { this.map.removeLayer(layer); }
  };

  GeoMap.prototype._layersDom = function () {
    var self = this;
    var map = this.map;
    var box = el('div', 'geo-layers');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var many = this.articles.length > 12;
    var toggle = el('button', 'geo-layers-toggle', 'Layers');
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
    toggle.addEventListener('click', function () { setCollapsed(!body.hidden); });
    setCollapsed(many || !!this.opts.collapsed);

    var base = section('Map layers');
    var tilesInput = null, countriesInput = null;
    if (this.tiles) {
      tilesInput = checkItem(base, 'OpenStreetMap tiles', true, function (on) { self._showLayer(self.tiles, on); });
    }
    if (this.countries) {
      countriesInput = checkItem(base, 'Countries', map.hasLayer(this.countries), function (on) { self._showLayer(self.countries, on); });
    }
    // geo-basemap.js swaps failed tiles for the outlines: the boxes say so.
    map.on('geobasefallback', function () {
      if (tilesInput) { tilesInput.checked = map.hasLayer(self.tiles); }
      if (countriesInput) { countriesInput.checked = map.hasLayer(self.countries); }
    });
    this.summaryInput = checkItem(base, 'Summary (all dates)', map.hasLayer(this.summary), function (on) {
      self._showLayer(self.summary, on);
      if (on) { self._restack(); }
    });
    if (this.undatedCount) {
      var nUndated = (this.data.stats && this.data.stats.undated) || this.undatedCount;
      this.undatedInput = checkItem(base, 'Undated mentions (' + nUndated + ')', true, function (on) {
        self.undatedOn = on;
        self.render();
      }, 'geo-undated');
    }
    body.appendChild(base);

    var arts = section('Articles (' + this.articles.length + ')');
    arts.classList.add('geo-articles');
    var tools = el('div', 'geo-layers-tools');
    var all = el('button', 'geo-small-btn geo-all', 'All');
    var none = el('button', 'geo-small-btn geo-none', 'None');
    all.type = none.type = 'button';
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
      var input = checkItem(list, a.label, true, function (on) {
        self.enabled[i] = on;
        self.render();
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
        self.enabled[i] = on;
      });
      self.render();
    }
    all.addEventListener('click', function () { setShown(true); });
    none.addEventListener('click', function () { setShown(false); });
    if (filter) {
      filter.addEventListener('input', function () {
        var q = filter.value.trim().toLowerCase();
        self.articleInputs.forEach(function (input, i) {
          var a = self.articles[i];
          input.parentNode.hidden = !!q && (a.label + ' ' + a.id).toLowerCase().indexOf(q) < 0;
        });
      });
    }
    return box;
  };

  GeoMap.prototype._buildTitle = function () {
    if (!this.opts.title) { return; }
    var box = el('div', 'geo-title', this.opts.title);
    L.DomEvent.disableClickPropagation(box);
    this.map.getContainer().appendChild(box);
  };

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
    var box = el('div', 'geo-time');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Time');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    var row = el('div', 'geo-time-row');
    this.btnBack = button('geo-back', 'back', 'Step back');
    this.btnPlay = button('geo-play', 'play', 'Play');
    this.btnFwd = button('geo-forward', 'forward', 'Step forward');
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

    [this.btnBack, this.btnPlay, this.btnFwd, this.btnLoop].forEach(function (b) { row.appendChild(b); });
    row.appendChild(slider);
    row.appendChild(label);
    box.appendChild(row);

    var meta = el('div', 'geo-time-meta');
    var speedLabel = el('label', 'geo-speed-label');
    speedLabel.appendChild(document.createTextNode('Speed '));
    var speed = el('select', 'geo-speed');
    speed.setAttribute('aria-label', 'Playback speed');
    var span = this.maxDay - this.minDay;
    var chosen = SPEEDS[SPEEDS.length - 1][0];
    for (var i = 0; i < SPEEDS.length; i++) {
      if (span / SPEEDS[i][0] <= 120) { chosen = SPEEDS[i][0]; break; }
    }
    SPEEDS.forEach(function (s) {
      var o = el('option', null, s[1]);
      o.value = String(s[0]);
      if (s[0] === chosen) { o.selected = true; }
      speed.appendChild(o);
    });
    this.speed = speed;
    speedLabel.appendChild(speed);
    meta.appendChild(speedLabel);
    var win = this.data.window || { days: 1 };
    meta.appendChild(el('span', 'geo-window', 'each mention shown for ' + win.days + (win.days === 1 ? ' day' : ' days')));
    this.countLabel = el('span', 'geo-count');
    meta.appendChild(this.countLabel);
    if (this.hasDates) {
      meta.appendChild(el('span', 'geo-range', dayToIso(this.minDay) + ' \u2192 ' + dayToIso(this.maxDay)));
    }
    box.appendChild(meta);

    if (!this.hasDates) {
      box.classList.add('geo-time-undated');
      [this.btnBack, this.btnPlay, this.btnFwd, this.btnLoop, slider, speed].forEach(function (c) { c.disabled = true; });
    }

    slider.addEventListener('input', function () { self.setTime(+slider.value); });
    slider.addEventListener('keydown', function (e) {
      if (e.key === ' ' || e.key === 'Spacebar') { e.preventDefault(); self.toggle(); }
    });
    this.btnPlay.addEventListener('click', function () { self.toggle(); });
    this.btnBack.addEventListener('click', function () { self.pause(); self.step(-1); });
    this.btnFwd.addEventListener('click', function () { self.pause(); self.step(1); });
    this.btnLoop.addEventListener('click', function () {
      self.loop = !self.loop;
      self.btnLoop.setAttribute('aria-pressed', String(self.loop));
      self.btnLoop.classList.toggle('geo-on', self.loop);
    });
    speed.addEventListener('change', function () {
      if (self.playing) { self.pause(); self.play(); }
    });
    return box;
  };

  GeoMap.prototype._buildLegend = function () {
    var self = this;
    var present = {};
    var feats = this.fProps;
    for (var i = 0; i < feats.length; i++) { present[feats[i]['class']] = true; }
    var Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: function () {
        var box = el('div', 'geo-legend');
        L.DomEvent.disableClickPropagation(box);
        box.appendChild(el('div', 'geo-legend-title', 'Legend'));
        CLASS_ORDER.forEach(function (cls) {
          if (!present[cls]) { return; }
          var row = el('div', 'geo-legend-row');
          var sw = el('span', 'geo-swatch geo-swatch-' + cls);
          sw.style.setProperty('--geo-c', COLORS[cls]);
          row.appendChild(sw);
          row.appendChild(el('span', null, CLASS_LABELS[cls]));
          box.appendChild(row);
        });
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
        return box;
      }
    });
    this.legend = new Legend().addTo(this.map);
    return self;
  };

  GeoMap.prototype._fit = function () {
    var b = this.data.focus_bounds || this.data.bounds;
    if (b && isFinite(b[0][0])) {
      var bounds = L.latLngBounds(b);
      this.map.fitBounds(bounds.pad(0.08), { maxZoom: 7, animate: false });
    } else {
      this.map.setView([20, 0], 2, { animate: false });
    }
  };

  // ------------------------------------------------------------ time
  GeoMap.prototype.setTime = function (value) {
    var day = typeof value === 'number' ? value : isoToDay(value);
    if (isNaN(day)) { throw new Error('geo map: ' + JSON.stringify(value) + ' is not a date; use YYYY-MM-DD'); }
    if (this.hasDates) { day = Math.max(this.minDay, Math.min(this.maxDay, day)); }
    this.t = day;
    if (this.slider) {
      this.slider.value = String(day);
      this.slider.setAttribute('aria-valuetext', this.hasDates ? dayToHuman(day) : 'undated');
    }
    if (this.dateLabel) {
      this.dateLabel.textContent = this.hasDates ? dayToIso(day) : 'undated';
      this.dateLabel.title = this.hasDates ? dayToHuman(day) : '';
    }
    this.render();
    return this.hasDates ? dayToIso(day) : null;
  };

  GeoMap.prototype.step = function (direction) {
    var s = +this.speed.value || 1;
    this.setTime(this.t + direction * s);
  };

  GeoMap.prototype.play = function () {
    if (this.playing || !this.hasDates) { return; }
    var self = this;
    if (this.t >= this.maxDay) { this.setTime(this.minDay); }
    this.playing = setInterval(function () {
      var s = +self.speed.value || 1;
      if (self.t + s > self.maxDay) {
        if (self.t < self.maxDay) { self.setTime(self.maxDay); return; }
        if (self.loop) { self.setTime(self.minDay); return; }
        self.pause();
        return;
      }
      self.setTime(self.t + s);
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

  // ------------------------------------------------------------ filtering
  function lowerBound(arr, hi, value) {
    var lo = 0;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] < value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  GeoMap.prototype._visible = function () {
    var t = this.t;
    var enabled = this.enabled;
    var ids = [];
    var groups = new Map();
    var self = this;
    function consider(i) {
      var p = self.fProps[i];
      var docs = p.docs;
      var cnt = 0;
      for (var j = 0; j < docs.length; j++) {
        if (enabled[docs[j][0]]) { cnt += docs[j][1]; }
      }
      if (!cnt) { return; }
      ids.push(self.fId[i]);
      var key = self.fKey[i];
      var g = groups.get(key);
      if (!g) {
        g = { key: key, place: p.place, cls: p['class'], shape: p.shape, latlng: self.fLatLng[i], count: 0, feats: [] };
        groups.set(key, g);
      }
      g.count += cnt;
      g.feats.push(i);
    }
    var i;
    if (this.hasDates) {
      var start = 0, end = this.firstUndated;
      if (this.sorted) {
        // Only features dated in (t - longest window, t] can be visible.
        start = lowerBound(this.fDay, this.firstUndated, t - this.maxSpan + 1);
        end = lowerBound(this.fDay, this.firstUndated, t + 1);
      }
      for (i = start; i < end; i++) {
        var d = this.fDay[i];
        if (d <= t && t < this.fUntil[i]) { consider(i); }
      }
    }
    if (this.undatedOn) {
      for (i = this.sorted ? this.firstUndated : 0; i < this.n; i++) {
        if (isNaN(this.fDay[i])) { consider(i); }
      }
    }
    return { ids: ids, groups: Array.from(groups.values()) };
  };

  // ------------------------------------------------------------ drawing
  GeoMap.prototype.render = function () {
    if (this.t === undefined) { return; }
    var vis = this._visible();
    this.visibleIds = vis.ids;
    this.visibleGroups = vis.groups;
    var wanted = new Map();
    var points = [];
    var total = 0;
    vis.groups.forEach(function (g) {
      total += g.count;
      if (g.shape) { wanted.set('g|' + g.key, { kind: 'shape', group: g }); } else { points.push(g); }
    });
    this.wasClustered = this.clustered;
    this.clustered = points.length > CLUSTER_MIN_GROUPS;
    if (this.clustered) {
      this._cluster(points, wanted);
    } else {
      points.forEach(function (g) { wanted.set('g|' + g.key, { kind: 'point', group: g }); });
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
        entry = { kind: item.kind, layer: self._makeLayer(item), count: -1 };
        self.drawn.set(key, entry);
        entry.layer.addTo(self.map);
        created = true;
      }
      entry.layer._geoItem = item;
      if (entry.count !== item.group.count) {
        entry.count = item.group.count;
        self._restyle(entry.layer, item);
      }
      if (entry.layer.isPopupOpen && entry.layer.isPopupOpen()) {
        entry.layer.setPopupContent(self._popup(item.group));
      }
    });
    if (created) { this._restack(); }
    if (this.countLabel) {
      this.countLabel.textContent = total + (total === 1 ? ' mention' : ' mentions') + ' in view';
    }
  };

  GeoMap.prototype._cluster = function (points, wanted) {
    var map = this.map;
    var z = map.getZoom();
    var cells = new Map();
    points.forEach(function (g) {
      var p = map.project(g.latlng, z);
      var k = Math.floor(p.x / CLUSTER_CELL_PX) + ':' + Math.floor(p.y / CLUSTER_CELL_PX);
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
        wanted.set('g|' + g.key, { kind: 'point', group: g });
        return;
      }
      var bounds = L.latLngBounds(c.groups.map(function (g) { return g.latlng; }));
      var cluster = { key: c.key, count: c.count, places: c.groups.length, latlng: [c.lat / c.count, c.lon / c.count], bounds: bounds };
      wanted.set('c|' + z + '|' + c.key, { kind: 'cluster', group: cluster });
    });
  };

  GeoMap.prototype._makeLayer = function (item) {
    var self = this;
    var g = item.group;
    var layer;
    if (item.kind === 'cluster') {
      layer = L.circleMarker(g.latlng, {
        renderer: this.renderer, radius: Math.min(34, 8 + 2 * Math.sqrt(g.count)),
        color: '#ffffff', weight: 2, fillColor: '#3b4654', fillOpacity: 0.6
      });
      layer.bindTooltip(function () {
        var c = layer._geoItem.group;
        return self._tooltip(c.count + ' mentions at ' + c.places + ' places', 'click to zoom in');
      }, { sticky: true, direction: 'top' });
      layer.on('click', function () {
        var c = layer._geoItem.group;
        self.map.fitBounds(c.bounds.pad(0.2), { maxZoom: self.map.getZoom() + 3 });
      });
      return layer;
    }
    if (item.kind === 'shape') {
      var geom = this.shapes[g.shape];
      var isLine = /LineString/.test(geom.type);
      layer = L.geoJSON(geom, { renderer: this.renderer, style: shapeStyle(g.cls, g.count, isLine) });
      layer._geoIsLine = isLine;
    } else {
      layer = L.circleMarker(g.latlng, { renderer: this.renderer });
    }
    // Closures read the parent layer: for a GeoJSON group Leaflet passes the
    // clicked child, which carries no _geoItem.
    layer.bindPopup(function () { return self._popup(layer._geoItem.group); }, {
      maxWidth: 380, minWidth: 260, autoPanPadding: [24, 24], className: 'geo-popup-wrap'
    });
    // A sticky tooltip left under an open popup reads as clutter.
    layer.on('popupopen', function () { layer.closeTooltip(); });
    layer.bindTooltip(function () {
      var gr = layer._geoItem.group;
      var pl = self.places[gr.place] || {};
      return self._tooltip(pl.name || '', gr.count + (gr.count === 1 ? ' mention' : ' mentions') + ' in view');
    }, { sticky: true, direction: 'top', opacity: 0.95 });
    return layer;
  };

  GeoMap.prototype._restyle = function (layer, item) {
    var g = item.group;
    if (item.kind === 'cluster') {
      layer.setRadius(Math.min(34, 8 + 2 * Math.sqrt(g.count)));
    } else if (item.kind === 'shape') {
      layer.setStyle(shapeStyle(g.cls, g.count, layer._geoIsLine));
    } else {
      var st = pointStyle(g.cls, g.count);
      layer.setStyle(st);
      layer.setRadius(st.radius);
    }
  };

  // Canvas draws in insertion order: areas at the back, points in front.
  GeoMap.prototype._restack = function () {
    var areas = [], lines = [], points = [];
    this.drawn.forEach(function (entry) {
      if (entry.kind === 'shape') { (entry.layer._geoIsLine ? lines : areas).push(entry.layer); } else { points.push(entry.layer); }
    });
    lines.forEach(function (l) { l.bringToFront(); });
    points.forEach(function (l) { l.bringToFront(); });
    if (this.map.hasLayer(this.summary)) { this.summary.eachLayer(function (l) { l.bringToFront(); }); }
    areas.forEach(function (l) { l.bringToBack(); });
  };

  // ------------------------------------------------------------ popups
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

  GeoMap.prototype._popup = function (g) {
    var self = this;
    var pl = this.places[g.place] || {};
    var box = el('div', 'geo-popup');
    this._placeHeader(box, pl, g.cls);
    var docsSeen = {};
    var snippets = [];
    g.feats.forEach(function (i) {
      var p = self.fProps[i];
      p.docs.forEach(function (d) { if (self.enabled[d[0]]) { docsSeen[d[0]] = true; } });
      p.snippets.forEach(function (s) {
        if (self.enabled[s.doc]) { snippets.push({ s: s, date: p.date, day: p.date ? isoToDay(p.date) : -Infinity }); }
      });
    });
    var nDocs = Object.keys(docsSeen).length;
    box.appendChild(el('div', 'geo-popup-sub',
      g.count + (g.count === 1 ? ' mention' : ' mentions') + ' in view, in ' + nDocs + (nDocs === 1 ? ' article' : ' articles')));
    snippets.sort(function (a, b) { return (b.day - a.day) || ((b.s.score || 0) - (a.s.score || 0)); });
    var list = el('ol', 'geo-snippets');
    snippets.slice(0, MAX_POPUP_SNIPPETS).forEach(function (item) { list.appendChild(self._snippet(item.s, item.date)); });
    box.appendChild(list);
    var more = g.count - Math.min(snippets.length, MAX_POPUP_SNIPPETS);
    if (more > 0) {
      box.appendChild(el('div', 'geo-more', '+ ' + more + ' more ' + (more === 1 ? 'mention' : 'mentions') + ' not quoted'));
    }
    return box;
  };

  GeoMap.prototype._snippet = function (s, date) {
    var li = el('li', 'geo-snippet');
    var art = this.articles[s.doc] || {};
    var title = el('div', 'geo-snippet-title', art.title || art.id || '');
    if (art.title && art.id && art.title !== art.id) { title.appendChild(el('span', 'geo-muted', ' \u00b7 ' + art.id)); }
    li.appendChild(title);
    var q = el('blockquote', 'geo-sentence');
    var sentence = this.sentences[s.s] || '';
    if (s.a !== null && s.a !== undefined && s.b !== null && s.b !== undefined) {
      q.appendChild(document.createTextNode(sentence.slice(0, s.a)));
      q.appendChild(el('mark', null, sentence.slice(s.a, s.b)));
      q.appendChild(document.createTextNode(sentence.slice(s.b)));
    } else {
      q.textContent = sentence;
    }
    li.appendChild(q);
    var meta = el('div', 'geo-meta');
    if (date) {
      var when = 'Event date ' + date + ' (' + (SOURCE_LABELS[s.source] || s.source || 'unknown source');
      if (s.date_text) { when += ': \u201c' + s.date_text + '\u201d'; }
      meta.appendChild(el('span', null, when + ')'));
    } else {
      meta.appendChild(el('span', null, 'No date'));
    }
    meta.appendChild(el('span', null, 'Published ' + (art.published || 'unknown')));
    if (s.score !== null && s.score !== undefined) {
      meta.appendChild(el('span', null, 'Confidence ' + Math.round(s.score * 100) + '%'));
    }
    li.appendChild(meta);
    return li;
  };

  GeoMap.prototype._summaryPopup = function (idx) {
    var pl = this.places[idx];
    var box = el('div', 'geo-popup');
    this._placeHeader(box, pl, pl['class']);
    var rows = [
      ['Mentions', String(pl.count)],
      ['Articles', String(pl.articles)],
      ['First', pl.first || '\u2014'],
      ['Last', pl.last || '\u2014']
    ];
    if (pl.undated) { rows.push(['Undated', String(pl.undated)]); }
    var dl = el('dl', 'geo-facts');
    rows.forEach(function (r) { dl.appendChild(el('dt', null, r[0])); dl.appendChild(el('dd', null, r[1])); });
    box.appendChild(dl);
    return box;
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
    var found = null;
    this.drawn.forEach(function (entry) {
      var g = entry.layer._geoItem && entry.layer._geoItem.group;
      if (!found && entry.kind !== 'cluster' && (self.places[g.place] || {}).name === name) { found = entry; }
    });
    return found;
  };

  GeoMap.prototype.api = function () {
    var self = this;
    return {
      id: this.id,
      map: this.map,
      data: this.data,
      ready: true,
      setTime: function (v) { return self.setTime(v); },
      getTime: function () { return self.hasDates ? dayToIso(self.t) : null; },
      visibleFeatureIds: function () { return self.visibleIds.slice(); },
      visiblePlaces: function () {
        return self.visibleGroups.map(function (g) {
          return { name: (self.places[g.place] || {}).name, 'class': g.cls, count: g.count };
        });
      },
      drawnCount: function () { return self.drawn.size; },
      isClustered: function () { return !!self.clustered; },
      setLayerVisible: function (doc, on) {
        var i = self._docIndex(doc);
        self.enabled[i] = !!on;
        if (self.articleInputs) { self.articleInputs[i].checked = !!on; }
        self.render();
      },
      layerVisible: function (doc) { return !!self.enabled[self._docIndex(doc)]; },
      // Every mention at once, for pictures: the summary layer instead of one day's layers.
      showAllDates: function () {
        self.enabled = self.enabled.map(function () { return false; });
        (self.articleInputs || []).forEach(function (input) { input.checked = false; });
        self._showLayer(self.summary, true);
        if (self.summaryInput && self.summaryInput.type === 'checkbox') { self.summaryInput.checked = true; }
        self._restack();
        self.render();
      },
      play: function () { self.play(); },
      pause: function () { self.pause(); },
      isPlaying: function () { return !!self.playing; },
      // Page coordinates of a drawn place, for tests that click the canvas.
      placePoint: function (name) {
        var entry = self._groupByName(name);
        if (!entry) { return null; }
        var g = entry.layer._geoItem.group;
        var p = self.map.latLngToContainerPoint(g.latlng);
        var r = self.map.getContainer().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      },
      openPopup: function (name) {
        var entry = self._groupByName(name);
        if (!entry) { return false; }
        entry.layer.openPopup(entry.layer._geoItem.group.latlng);
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

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { throw new Error('data block #' + id + ' is missing from the page'); }
    return JSON.parse(node.textContent);
  }

  function attach(map, dataId, opts) {
    opts = opts || {};
    try {
      var data = readJson(dataId);
      var basemap = opts.basemapId ? readJson(opts.basemapId) : null;
      var gm = new GeoMap(map, data, basemap, opts);
      var api = gm.api();
      window.geoMaps[gm.id] = api;
      return api;
    } catch (err) {
      showError(map.getContainer(), err);
      throw err;
    }
  }

  function create(divId, dataId, opts) {
    var div = document.getElementById(divId);
    var map = L.map(div, { preferCanvas: true, zoomSnap: 0.25, worldCopyJump: true });
    return attach(map, dataId, opts);
  }

  window.GeoTime = {
    version: '1',
    attach: attach,
    create: create,
    isoToDay: isoToDay,
    dayToIso: dayToIso
  };
}());
