"""Web-page benchmark: the article's own places and date out of pages wrapped in a site template.

Run by hand:  .venv/bin/python benchmarks/bench_html.py [--pages 300]

Takes distinct articles of the development corpora (../shared/corpora or GEO_CORPORA_DIR, LGL
then GeoVirus; the seeds when absent), wraps each in one of three site templates (a menu of city sections, related
stories, teasers and a footer naming places of their own, the date in JSON-LD, ``<time>`` or
``<meta>``), and compares the hand-written reader of ``geo.parsing.articles`` with ``geo.parsing.html_reader``:

* place mentions found in the page's text against those of the bare body, and how many of them
  are places only the template names;
* publication dates found;
* pages per second: cold (the first half of the pages, in a fresh process, imports included)
  and warm (the other half).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("GEO_CORPORA_DIR") or ROOT.parent / "shared" / "corpora")
SITE_PLACES = ["Paris", "London", "Tokyo", "Athens", "Madrid", "Manila", "Berlin", "Nairobi", "Lima", "Seoul"]

TIMED = r"""
import json, sys, time
began = time.perf_counter()
from geo.parsing.articles import _html_to_text
from geo.parsing.html_reader import read_page
pages = json.load(open(sys.argv[1], encoding="utf-8"))
reader = sys.argv[2]
half = len(pages) // 2
out = []
marks = []
for i, page in enumerate(pages):
    if i == half:
        marks.append(time.perf_counter())
    if reader == "new":
        got = read_page(page, fallback=_html_to_text)
        out.append([got.text, got.published.isoformat() if got.published else None])
    else:
        text, _, published = _html_to_text(page)
        out.append([text, published.isoformat() if published else None])
marks.append(time.perf_counter())
print(json.dumps({"cold_s": marks[0] - began, "warm_s": marks[1] - marks[0], "half": half, "out": out}))
"""


def corpus_articles(limit: int) -> list[tuple[str, str]]:
    """(title, body) of distinct articles: the corpora's, else the seeds'."""
    found: list[tuple[str, str]] = []
    if CORPORA.is_dir():
        from geo.evaluate.geoparsing import read_corpus

        for name in ("lgl.xml", "GeoVirus.xml"):
            for article in read_corpus(CORPORA / name):
                body = article.text.strip()
                if len(body) > 200:
                    found.append((body.split("\n", 1)[0][:80], body))
    else:
        print(f"{CORPORA} not found: using the seeds", file=sys.stderr)
        from geo.parsing.articles import read_articles

        found = [(a.title or a.id, a.text) for a in read_articles([ROOT / "seeds"])]
    seen: set[str] = set()
    distinct = [(t, b) for t, b in found if not (b in seen or seen.add(b))]
    return distinct[:limit]


def _paragraphs(body: str) -> str:
    parts = [p.strip() for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def wrap(number: int, title: str, body: str, published: dt.date) -> str:
    rng = random.Random(number)
    menu = rng.sample(SITE_PLACES, 4)
    related = rng.sample(SITE_PLACES, 3)
    story = f"<h1>{html.escape(title)}</h1>{_paragraphs(body)}"
    iso = published.isoformat()
    kind = number % 3
    if kind == 0:
        json_ld = json.dumps({"@type": "NewsArticle", "datePublished": f"{iso}T08:00:00Z"})
        head = f'<script type="application/ld+json">{json_ld}</script>'
        return (
            f"<html><head><title>{html.escape(title)} | The Ledger</title>{head}</head><body><header><nav><ul>"
            + "".join(f"<li><a href='/{p.lower()}'>{p}</a></li>" for p in menu)
            + f"</ul></nav></header><main><article>{story}</article><aside><h2>Related</h2><ul>"
            + "".join(f"<li><a href='/r{i}'>Storm warnings for {p}</a></li>" for i, p in enumerate(related))
            + f"</ul></aside></main><footer>Offices in {menu[0]} and {related[0]}. &copy; 2024</footer></body></html>"
        )
    if kind == 1:
        return (
            f"<html><head><title>{html.escape(title)} - World Desk</title></head><body><div class='menu'>"
            + " ".join(f"<a href='/{p.lower()}'>{p}</a>" for p in menu)
            + "</div><div id='sidebar'><h3>Most read</h3>"
            + "".join(f"<div class='teaser'><a href='/t{i}'>Markets in {p}</a></div>" for i, p in enumerate(related))
            + f"</div><div class='post-body'><time datetime='{iso}'>{published:%d %B %Y}</time>{story}</div>"
            + f"<div id='footer'>World Desk, {menu[1]}</div></body></html>"
        )
    return (
        f"<html><head><title>{html.escape(title)}</title>"
        f"<meta property='article:published_time' content='{iso}T06:30:00+00:00'></head><body>"
        "<div class='cookie-banner'>We use cookies.</div><ol class='breadcrumb'>"
        + "".join(f"<li><a href='/{p.lower()}'>{p}</a></li>" for p in menu[:2])
        + f"</ol><main><section class='story'>{story}</section><section class='more'><h2>More</h2><ul>"
        + "".join(f"<li><a href='/m{i}'>Night trains to {p}</a></li>" for i, p in enumerate(related))
        + f"</ul></section></main><footer>{', '.join(menu)}</footer></body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()

    articles = corpus_articles(args.pages)
    start = dt.date(2012, 1, 1)
    dates = [start + dt.timedelta(days=7 * i) for i in range(len(articles))]
    pages = [wrap(i, t, b, d) for i, ((t, b), d) in enumerate(zip(articles, dates, strict=True))]
    work = Path(sys.argv[0]).resolve().parent / ".bench_html_pages.json"
    work.write_text(json.dumps(pages), encoding="utf-8")
    try:
        runs = {}
        for reader in ("old", "new"):
            proc = subprocess.run(
                [sys.executable, "-c", TIMED, str(work), reader], capture_output=True, text=True, check=True, cwd=ROOT
            )
            runs[reader] = json.loads(proc.stdout)
    finally:
        work.unlink(missing_ok=True)

    from geo.gazetteer.index import Gazetteer
    from geo.parsing.pipeline import Geoparser

    geoparser = Geoparser(Gazetteer.open())

    def places(text: str) -> list[str]:
        return [m.place.name for m in geoparser.parse_text(text)]

    bare = [places(f"{t}\n\n{b}") for t, b in articles]
    bare_names = {n for ns in bare for n in ns}
    print(f"{len(pages)} distinct articles in site templates; their bare bodies give {sum(map(len, bare)):,} mentions")
    for reader, label in (("old", "hand-written reader (geo.parsing.articles)"), ("new", "trafilatura + htmldate")):
        run = runs[reader]
        found = [places(text) for text, _ in run["out"]]
        template_only = sum(1 for ns in found for n in ns if n in SITE_PLACES and n not in bare_names)
        dated = sum(1 for (_, got), want in zip(run["out"], dates, strict=True) if got == want.isoformat())
        half = run["half"]
        print(
            f"{label:38s} mentions {sum(map(len, found)):6,} (template-only places {template_only:5,}); "
            f"dates right {dated}/{len(pages)}; pages/s cold {half / run['cold_s']:7.1f}, "
            f"warm {(len(pages) - half) / run['warm_s']:7.1f}"
        )


if __name__ == "__main__":
    main()
