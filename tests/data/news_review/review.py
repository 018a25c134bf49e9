"""Score the geoparser against a careful reader's judgement of invented news articles.

Run by hand:  .venv/bin/python tests/data/news_review/review.py [--list]

``articles/*.txt`` are news paragraphs written for this review in the style of
Reuters, AP, CP, the Guardian, Al Jazeera, the Times of India and African and Asian
papers, 2019-2025 (none copied from a real article); each opens with a
`` date YYYY-MM-DD`` line, like the seeds. ``expected.jsonl`` holds, per article,
every place mention a careful reader marks and every name the geoparser once took
for a place, judged: one line a span, with

- ``place``: ``{"name", "lat", "lon", "ids"}``, the place meant (``ids``: the gazetteer
  ids that are this place; empty when the gazetteer lacks it), or ``null`` where the
  words are no place (a club, a person, an organisation, a storm);
- ``either``: true where a reader accepts a place or no place (a country's team,
  "Kurdish" fighters).

Figures, over the found mentions (each overlapping a judged span at most once):

- precision: found mentions that are a judged place / found mentions not judged ``either``;
- recall: judged places found / judged places;
- right entity: found places whose id is one of ``ids`` / found places;
- accuracy@161km: found places within 161 km of the judged point / found places.

A found mention over no judged span counts against precision and is listed by ``--list``
(with the wrong entities and the misses), so the judgement can be extended.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
EXPECTED = HERE / "expected.jsonl"


@dataclass
class Review:
    """Counts of one review run, and what went wrong, for reading."""

    found: int = 0  # found mentions, less those over an "either" span
    found_places: int = 0  # of those, over a judged place (once per place)
    right_entity: int = 0
    within_161: int = 0
    places: int = 0  # judged places
    wrong: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found_places / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.found_places / self.places if self.places else 0.0

    @property
    def right_entity_share(self) -> float:
        return self.right_entity / self.found_places if self.found_places else 0.0

    @property
    def accuracy_161(self) -> float:
        return self.within_161 / self.found_places if self.found_places else 0.0

    def format(self) -> str:
        return (
            f"{self.places} judged places in {len(articles())} articles\n"
            f"precision        {self.precision:.3f} ({self.found_places} of {self.found})\n"
            f"recall           {self.recall:.3f} ({self.found_places} of {self.places})\n"
            f"right entity     {self.right_entity_share:.3f} ({self.right_entity} of {self.found_places})\n"
            f"accuracy@161km   {self.accuracy_161:.3f} ({self.within_161} of {self.found_places})"
        )


def articles() -> list[tuple[str, dt.date, str]]:
    """(name, publication date, body) of each article; the body is what follows the date line."""
    out = []
    for path in sorted(ARTICLES.glob("*.txt")):
        first, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append((path.stem, dt.date.fromisoformat(first.split()[1]), body))
    return out


def expected() -> dict[str, list[dict[str, Any]]]:
    """The judged spans of each article, by article name."""
    out: dict[str, list[dict[str, Any]]] = {}
    with EXPECTED.open(encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            out.setdefault(entry["doc"], []).append(entry)
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from geo.geometry import haversine_km

    return haversine_km(lat1, lon1, lat2, lon2)


def score(parse: Callable[[str, dt.date], Iterable[Any]]) -> Review:
    """Score ``parse(body, published)``, which yields mentions with ``start``, ``end``, ``text`` and ``place``."""
    review = Review()
    judged = expected()
    for name, published, body in articles():
        entries = judged.get(name, [])
        review.places += sum(1 for e in entries if e["place"] is not None and not e.get("either"))
        taken: set[int] = set()
        for mention in parse(body, published):
            over = [k for k, e in enumerate(entries) if e["start"] < mention.end and mention.start < e["end"]]
            entry = entries[over[0]] if over else None
            if entry is not None and entry.get("either"):
                continue
            review.found += 1
            place = mention.place
            where = f"{name} {mention.start} {mention.text!r} -> {place.name} ({place.feature_code}, {place.country})"
            if entry is None or entry["place"] is None or over[0] in taken:
                review.false_positives.append(where)
                continue
            taken.add(over[0])
            gold = entry["place"]
            review.found_places += 1
            right = place.id in gold["ids"]
            review.right_entity += right
            review.within_161 += _km(place.lat, place.lon, gold["lat"], gold["lon"]) <= 161.0
            if not right:
                review.wrong.append(f"{where}; meant {gold['name']}")
        for k, e in enumerate(entries):
            if e["place"] is not None and not e.get("either") and k not in taken:
                review.missed.append(f"{name} {e['start']} {e['text']!r} ({e['place']['name']})")
    return review


def _print(title: str, items: Sequence[str]) -> None:
    print(f"\n{title} ({len(items)}):")
    for item in items:
        print("  " + item)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the wrong entities, false positives and misses")
    args = ap.parse_args()
    from geo.parsing.pipeline import Geoparser

    parser = Geoparser()
    review = score(lambda body, published: parser.parse_text(body, published=published))
    print(review.format())
    if args.list:
        _print("wrong entity", review.wrong)
        _print("not a place, or unjudged", review.false_positives)
        _print("missed", review.missed)


if __name__ == "__main__":
    main()
