"""Benchmark the time-stamped map on many synthetic mentions.

Generates N mentions (default 100,000; seeded) of country capitals from the
``countryinfo`` data plus random towns, some demonyms drawn on their
country, spread over articles and dates; then builds the data, writes an
offline map and opens it in headless Chromium. Prints the HTML size, the
Python times and the time until the map is usable in the browser (page load
plus first frame). Targets (issue 15): HTML <= 20 MB with every popup's
information, building in Python <= 5 s, first features <= 2 s, a slider step <= 30 ms.

Side by side, in the same run and on the same mentions, it builds folium's
``TimestampedGeoJson`` (Leaflet.TimeDimension; its scripts inlined from the
npm packages pinned as devDependencies in package.json, so no CDN is
reached) and measures both pages the same way: HTML size, Python build time,
time to first features, a slider step and the JS heap (``--no-folium`` skips
it).

Usage::

    .venv/bin/python benchmarks/bench_map.py [--n 100000] [--seed 1] [--out /tmp/geo-bench] [--no-folium]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.maps.basemap import countries
from geo.maps.mapdata import build_map_data
from geo.maps.render import CHROMIUM_ARGS, CHROMIUM_PATH, build_map, save_map

WORDS = [
    "officials",
    "said",
    "talks",
    "would",
    "resume",
    "after",
    "the",
    "ministers",
    "met",
    "near",
    "the",
    "border",
    "where",
    "troops",
    "had",
    "gathered",
    "while",
    "aid",
    "convoys",
    "waited",
    "for",
    "permission",
    "to",
    "cross",
    "and",
    "diplomats",
    "warned",
    "of",
    "a",
    "long",
    "winter",
    "ahead",
]


def _capitals() -> list[tuple[str, str, float, float]]:
    from importlib import resources

    out = []
    data_dir = Path(str(resources.files("countryinfo"))) / "data"
    for path in sorted(data_dir.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        iso = (raw.get("ISO") or {}).get("alpha2") if isinstance(raw.get("ISO"), dict) else None
        ll = raw.get("capital_latlng")
        if iso and raw.get("capital") and isinstance(ll, list) and len(ll) == 2:
            try:
                out.append((str(raw["capital"]), iso, float(ll[0]), float(ll[1])))
            except (TypeError, ValueError):
                continue
    return out


def synthetic_mentions(n: int, seed: int = 1, *, per_article: int = 20, years: int = 5) -> list[dict]:
    """Return ``n`` seeded synthetic mention rows."""
    rng = random.Random(seed)
    caps = _capitals()
    towns = [(f"Town {i}", rng.choice(caps)[1], rng.uniform(-55, 65), rng.uniform(-170, 170)) for i in range(3000)]
    known = {c.iso2: c.name for c in countries().values()}
    start = dt.date(2021, 1, 1).toordinal()
    rows = []
    n_articles = max(1, n // per_article)
    for a in range(n_articles):
        doc = f"article-{a:06d}"
        title = f"Report {a}: " + " ".join(rng.choice(WORDS) for _ in range(6))
        published = dt.date.fromordinal(start + rng.randrange(365 * years))
        for _ in range(per_article):
            if len(rows) >= n:
                break
            r = rng.random()
            if r < 0.5:
                name, iso, lat, lon = rng.choice(caps)
                kind, feature, gid = "toponym", "PPLC", f"cap-{iso}"
            elif r < 0.9:
                name, iso, lat, lon = rng.choice(towns)
                kind, feature, gid = "toponym", "PPL", f"town-{name}"
            else:
                cap = rng.choice(caps)
                iso, lat, lon = cap[1], cap[2], cap[3]
                name, kind, feature, gid = known.get(iso, iso), "demonym", "PPLC", f"cap-{iso}"
            text = name if kind == "toponym" else (known.get(iso, iso) + "n")
            words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
            cut = rng.randrange(len(words))
            sentence = " ".join([*words[:cut], text, *words[cut:]]).capitalize() + "."
            offset = sentence.find(text)
            event = published - dt.timedelta(days=rng.randrange(0, 10))
            has_date = rng.random() < 0.7
            rows.append(
                {
                    "doc": doc, "title": title, "start": 1000 + offset, "end": 1000 + offset + len(text),
                    "text": text, "name": name, "id": gid, "kind": kind, "feature": feature, "country": iso,
                    "lat": lat, "lon": lon, "geometry": None, "score": round(rng.uniform(0.3, 1.0), 3),
                    "date": event.isoformat() if has_date else None,
                    "date_source": "text" if has_date else "published",
                    "date_text": "last week" if has_date else "", "published": published.isoformat(),
                    "sentence": sentence, "sentence_start": 1000,
                }
            )  # fmt: skip
    return rows


_STEPS_JS = """async (steps) => {
  const m = Object.values(window.geoMaps)[0];
  const lo = m.isoToDay(m.data.domain.min), hi = m.isoToDay(m.data.domain.max);
  const step = (m.data.playback && m.data.playback.step_days) || 1;
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  let t = Math.floor((lo + hi) / 2);
  m.setTime(m.dayToIso(t));
  await frame();
  const times = [];
  for (let k = 0; k < steps; k++) {
    t += step;
    const a = performance.now();
    m.setTime(m.dayToIso(t));
    await frame();  // after Leaflet's own redraw, queued in the same frame
    times.push(performance.now() - a);
  }
  return {times, step, inView: m.visibleMentions().length, drawn: m.drawnCount(), clustered: m.isClustered()};
}"""


def browser_time(path: Path, timeout: float = 120.0, shot: Path | None = None, steps: int = 30) -> dict:
    """Our map in headless Chromium: seconds to first features, slider step times, JS heap.

    First features: from navigation start until the map marks itself drawn
    (``data-geo-ready="1"`` on its container: data decoded, every mention of
    the first view drawn). Slider step: ``steps`` consecutive steps of the
    default playback step from the middle of the span, each timed from
    ``setTime`` to the animation frame after the redraw.
    """
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="geo-bench-chromium-")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--enable-precise-memory-info",
            ],
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="commit", timeout=timeout * 1000)
            page.wait_for_function("document.querySelector('[data-geo-ready=\"1\"]')", timeout=timeout * 1000,
                                   polling="raf")  # fmt: skip
            first_s = page.evaluate("performance.now()") / 1000
            first_drawn = page.evaluate("Object.values(window.geoMaps)[0].drawnCount()")
            heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : null")
            result = page.evaluate(_STEPS_JS, steps)
            if shot:
                page.screenshot(path=str(shot))
            if errors:
                raise RuntimeError("page errors: " + "; ".join(errors))
        finally:
            ctx.close()
    times = sorted(result["times"])
    return {
        "first_s": first_s,
        "first_drawn": first_drawn,
        "step_median_ms": times[len(times) // 2],
        "step_p90_ms": times[int(len(times) * 0.9)],
        "step_days": result["step"],
        "in_view": result["inView"],
        "drawn": result["drawn"],
        "clustered": result["clustered"],
        "heap_mb": heap / 1e6 if heap else None,
    }


# ---------------------------------------------------------------- folium TimestampedGeoJson, side by side

#: The scripts TimestampedGeoJson declares, from node_modules (jQuery UI and highlight.js's style
#: sheet are declared too but nothing in the plugin uses them, so they are left out).
TIMEDIMENSION_ASSETS = [
    ("jquery", "dist/jquery.min.js"),
    ("iso8601-js-period", "iso8601.js"),
    ("leaflet-timedimension", "dist/leaflet.timedimension.min.js"),
    ("moment", "min/moment.min.js"),
]


def timedimension_page(rows: list[dict], window_days: int, title: str) -> str:
    """folium's TimestampedGeoJson of the same mentions: one circle per dated mention, popups with the
    article title and the sentence (the mention marked), Leaflet and the plugin's scripts inlined."""
    import html

    import folium
    from branca.element import Element
    from folium.plugins import TimestampedGeoJson

    from geo.maps import assets

    features = []
    for r in rows:
        if not r.get("date"):
            continue  # TimeDimension has no notion of an undated mention
        sentence, a, b = r["sentence"], r["start"] - r["sentence_start"], r["end"] - r["sentence_start"]
        popup = (f"<b>{html.escape(r['title'])}</b><br>{html.escape(sentence[:a])}<mark>{html.escape(sentence[a:b])}"
                 f"</mark>{html.escape(sentence[b:])}<br>{r['date']} · {html.escape(r['name'])}")  # fmt: skip
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {"times": [r["date"]], "popup": popup, "icon": "circle",
                           "iconstyle": {"radius": 6, "fillColor": "#e8590c", "fillOpacity": 0.8, "color": "#fff",
                                         "weight": 1}},
        })  # fmt: skip
    m = folium.Map(tiles=None, prefer_canvas=True, location=[30, 20], zoom_start=2)
    m.default_js, m.default_css = [], []  # folium's CDN Leaflet 1.9.3, jQuery, Bootstrap: replaced below
    layer = TimestampedGeoJson(
        {"type": "FeatureCollection", "features": features},
        period="P1D", duration=f"P{window_days}D", add_last_point=False, auto_play=False, date_options="YYYY-MM-DD",
    )  # fmt: skip
    layer.default_js, layer.default_css = [], []
    m.add_child(layer)
    root = m.get_root()
    root.title = html.escape(title)
    head = [assets.inline_style(assets.leaflet_css()), assets.inline_script(assets.leaflet_js())]
    css = assets.find_assets_dir("leaflet-timedimension", "1.1.1") / "dist" / "leaflet.timedimension.control.css"
    head.append(assets.inline_style(css.read_text(encoding="utf-8")))
    versions = json.loads((Path(__file__).resolve().parent.parent / "package.json").read_text())["devDependencies"]
    for package, rel in TIMEDIMENSION_ASSETS:
        code = (assets.find_assets_dir(package, versions[package]) / rel).read_text(encoding="utf-8")
        head.append(assets.inline_script(code))
    root.header.add_child(Element("\n".join(head)), name="inlined_assets")
    page = root.render()
    # For the measuring driver: the plugin's layer and the map, at the end of folium's last script.
    head_part, end, tail = page.rpartition("</script>")
    return f"{head_part}window.__tdLayer = {layer.get_name()}; window.__tdMap = {m.get_name()};\n{end}{tail}"


#: Page-side drivers: how to tell the first features are drawn, how to step the slider to a day.
DRIVERS = {
    "geo": {
        "ready": """() => { const m = window.geoMaps && Object.values(window.geoMaps)[0];
                      return !!m && m.drawnCount() > 0; }""",
        "span": """() => { const m = Object.values(window.geoMaps)[0];
                     return [m.isoToDay(m.data.domain.min), m.isoToDay(m.data.domain.max)]; }""",
        "label": """(day) => { const m = Object.values(window.geoMaps)[0]; m.setTime(m.dayToIso(day));
                      return document.querySelector('.geo-date').textContent; }""",
        "step": """(day) => new Promise((resolve) => {
                     const m = Object.values(window.geoMaps)[0]; const t0 = performance.now();
                     m.setTime(m.dayToIso(day));
                     requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
                   })""",
    },
    "timedimension": {
        "ready": """() => { const l = window.__tdLayer;
                      return !!l && !!l._currentLayer && Object.keys(l._currentLayer._layers).length > 0; }""",
        "span": """() => { const t = window.__tdMap.timeDimension.getAvailableTimes();
                     return [Math.floor(t[0] / 864e5) + 719163, Math.floor(t[t.length - 1] / 864e5) + 719163]; }""",
        "label": """(day) => new Promise((resolve) => {
                      const td = window.__tdMap.timeDimension;
                      const label = () => document.querySelector('.timecontrol-date').textContent.trim();
                      td.once('timeload', () => resolve(label()));
                      td.setCurrentTime((day - 719163) * 864e5); })""",
        "step": """(day) => new Promise((resolve) => {
                     const td = window.__tdMap.timeDimension; const t0 = performance.now();
                     const done = () => resolve(performance.now() - t0);
                     td.once('timeload', () => requestAnimationFrame(() => requestAnimationFrame(done)));
                     td.setCurrentTime((day - 719163) * 864e5);
                   })""",
    },
}


def page_figures(path: Path, driver: str, steps: int = 20, timeout: float = 300.0, timezone: str | None = None) -> dict:
    """First features, mean slider step and JS heap of one page in headless Chromium (fresh profile),
    and the date label the slider shows for the middle day of the span (in ``timezone``)."""
    from playwright.sync_api import sync_playwright

    js = DRIVERS[driver]
    profile = tempfile.mkdtemp(prefix="geo-bench-chromium-")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM_PATH, headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--headless"], viewport={"width": 1400, "height": 900},
            timezone_id=timezone,
        )  # fmt: skip
        try:
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            t0 = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load", timeout=timeout * 1000)
            page.wait_for_function(js["ready"], timeout=timeout * 1000, polling=20)
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
            first_s = time.perf_counter() - t0
            lo, hi = page.evaluate(js["span"])
            days = [lo + (hi - lo) * (i + 1) // (steps + 1) for i in range(steps)]
            step_ms = [page.evaluate(js["step"], d) for d in days]
            middle = (lo + hi) // 2
            label = (dt.date.fromordinal(middle).isoformat(), page.evaluate(js["label"], middle))
            cdp = ctx.new_cdp_session(page)
            cdp.send("HeapProfiler.collectGarbage")
            heap_mb = cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6
            if errors:
                raise RuntimeError(f"{path}: page errors: " + "; ".join(errors[:3]))
        finally:
            ctx.close()
    return {"first_s": first_s, "step_ms": sum(step_ms) / len(step_ms), "step_max_ms": max(step_ms), "heap_mb": heap_mb,
            "label": label}  # fmt: skip


def compare_with_timedimension(
    rows: list[dict], data: dict, ours: Path, ours_build_s: float, out: Path, browser: bool
) -> None:
    """Print our map and folium's TimestampedGeoJson side by side on the same mentions."""
    t = time.perf_counter()
    page = timedimension_page(rows, int(data["window"]["days"]), "TimestampedGeoJson")
    theirs = out / "bench-timedimension.html"
    theirs.write_text(page, encoding="utf-8")
    theirs_build_s = time.perf_counter() - t
    rows_out = [
        ("HTML size (MB)", ours.stat().st_size / 1e6, theirs.stat().st_size / 1e6, "{:.1f}"),
        ("build in Python (s)", ours_build_s, theirs_build_s, "{:.2f}"),
    ]
    if browser:
        a, b = page_figures(ours, "geo"), page_figures(theirs, "timedimension")
        # The same day, shown to a reader in New York: the day must not move with the time zone.
        a_ny = page_figures(ours, "geo", steps=1, timezone="America/New_York")["label"]
        b_ny = page_figures(theirs, "timedimension", steps=1, timezone="America/New_York")["label"]
        rows_out += [
            ("first features (s)", a["first_s"], b["first_s"], "{:.2f}"),
            ("slider step, mean (ms)", a["step_ms"], b["step_ms"], "{:.0f}"),
            ("slider step, worst (ms)", a["step_max_ms"], b["step_max_ms"], "{:.0f}"),
            ("JS heap after GC (MB)", a["heap_mb"], b["heap_mb"], "{:.0f}"),
            (f"{a_ny[0]} shown in New York", a_ny[1], b_ny[1], "{}"),
        ]
    print()
    print(f"{'same mentions, same run':26} {'geo map':>12} {'TimestampedGeoJson':>20}")
    for label, x, y, fmt in rows_out:
        print(f"{label:26} {fmt.format(x):>12} {fmt.format(y):>20}")
    print(f"(TimestampedGeoJson page: {theirs})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of mentions (default 100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "geo-bench"))
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    ap.add_argument("--no-folium", action="store_true", help="skip the side-by-side TimestampedGeoJson comparison")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    rows = synthetic_mentions(args.n, args.seed)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    data = build_map_data(rows)
    data_s = time.perf_counter() - t
    t = time.perf_counter()
    m = build_map(data, title=f"{args.n:,} synthetic mentions", offline=True)
    path = save_map(m, out / "bench.html")
    render_s = time.perf_counter() - t
    size_mb = path.stat().st_size / 1e6

    print(f"mentions            {args.n:,}")
    print(f"features            {data['stats']['features']:,} (place+day), places {data['stats']['places']:,}, "
          f"articles {data['stats']['articles']:,}")  # fmt: skip
    print(f"generate            {gen_s:6.2f} s")
    print(f"build_map_data      {data_s:6.2f} s")
    print(f"render + save       {render_s:6.2f} s")
    print(f"build in Python     {data_s + render_s:6.2f} s  (build_map_data + render + save; target <= 5 s)")
    print(f"HTML size           {size_mb:6.1f} MB  (target <= 20 MB)  {path}")
    if not args.no_browser:
        for label in ("cold", "warm"):  # a fresh browser profile each time; warm: the OS caches hold the file
            bt = browser_time(path, shot=out / "bench-busy.png")
            print(f"first features {label:4}  {bt['first_s']:6.2f} s  ({bt['first_drawn']:,} marks; target <= 2 s)")
            print(f"slider step {label:4}     {bt['step_median_ms']:6.1f} ms median, {bt['step_p90_ms']:.1f} ms p90 "
                  f"(step {bt['step_days']} d, {bt['in_view']:,} mentions in view, {bt['drawn']:,} marks"
                  f"{', grid-aggregated' if bt['clustered'] else ''}; target <= 30 ms)")  # fmt: skip
            if bt["heap_mb"]:
                print(f"JS heap {label:4}         {bt['heap_mb']:6.1f} MB")
    if not args.no_folium:
        compare_with_timedimension(rows, data, path, data_s + render_s, out, browser=not args.no_browser)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
