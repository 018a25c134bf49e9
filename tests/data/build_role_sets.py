"""Build the role evaluation sets (GeoWebNews XML) from their marked-up sources.

    .venv/bin/python tests/data/build_role_sets.py

Each ``roles_*.src`` beside this file holds invented news articles whose
toponyms are marked ``[words|Type]`` with a GeoWebNews toponym type. This
writes ``roles_*.xml``: one ``<article>`` per article with its plain
``<text>`` and one ``<toponym>`` per mark (``<extractedName>``, ``<start>``,
``<end>``, ``<type>``, and ``<latitude>``/``<longitude>`` of the gazetteer's
first candidate, so the files also score recognition). The sets are for role
accuracy; their coordinates are the gazetteer's own and say nothing about
resolution.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
_MARK = re.compile(r"\[([^\]|]+)\|([A-Za-z_]+)\]")
_HEADER = re.compile(r"^=== (\S+) \| ([^|]+) \| (\d{4}-\d{2}-\d{2})\s*$")


def parse_source(path: Path) -> list[dict]:
    """The articles of one marked-up file: id, outlet, date, text and (start, end, words, type) marks."""
    articles: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        header = _HEADER.match(line)
        if header:
            articles.append({"id": header[1], "outlet": header[2].strip(), "date": header[3], "lines": []})
            continue
        if not articles:
            raise SystemExit(f"{path}:{number}: text before the first '=== id | outlet | date' header")
        articles[-1]["lines"].append(line)
    for article in articles:
        marked = " ".join(article.pop("lines"))
        text, marks, at = [], [], 0
        length = 0
        for m in _MARK.finditer(marked):
            text.append(marked[at : m.start()])
            length += m.start() - at
            marks.append((length, length + len(m[1]), m[1], m[2]))
            text.append(m[1])
            length += len(m[1])
            at = m.end()
        text.append(marked[at:])
        article["text"] = "".join(text)
        article["marks"] = marks
    return articles


def to_xml(articles: list[dict], point) -> str:
    out = ["<?xml version='1.0' encoding='utf-8'?>", "<articles>"]
    for a in articles:
        out.append(f'<article id="{a["id"]}">')
        out.append(f"<source>{escape(a['outlet'])}</source>")
        out.append(f"<date>{a['date']}</date>")
        out.append(f"<text>{escape(a['text'])}</text>")
        for start, end, words, kind in a["marks"]:
            assert a["text"][start:end] == words
            out.append("<toponym>")
            out.append(
                f"<extractedName>{escape(words)}</extractedName><start>{start}</start><end>{end}</end><type>{kind}</type>"
            )
            where = point(words)
            if where:
                out.append(f"<latitude>{where[0]:.4f}</latitude><longitude>{where[1]:.4f}</longitude>")
            out.append("</toponym>")
        out.append("</article>")
    out.append("</articles>")
    return "\n".join(out) + "\n"


def main() -> int:
    from geo.gazetteer.index import Gazetteer

    gazetteer = Gazetteer.open()

    def point(words: str) -> tuple[float, float] | None:
        found = gazetteer.lookup(words, limit=1, demonyms=True)
        return (found[0].place.lat, found[0].place.lon) if found else None

    for source in sorted(HERE.glob("roles_*.src")):
        articles = parse_source(source)
        target = source.with_suffix(".xml")
        target.write_text(to_xml(articles, point), encoding="utf-8")
        print(f"{target.name}: {len(articles)} articles, {sum(len(a['marks']) for a in articles)} toponyms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
