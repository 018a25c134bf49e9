"""Gold-span resolution errors of the development corpora, by class.

Run by hand:  .venv/bin/python benchmarks/resolve_errors.py [--corpora ../shared/corpora] [--list N]

Each gold toponym the resolver places farther than 161 km from the gold point falls
into one class, judged from the name's candidates in the gazetteer:

- ``no answer``: the resolver dropped the name;
- ``area, point far``: no candidate lies within 161 km of the gold point and the chosen place is a
  country, continent, region or first-level division: most often the right area, whose point the
  corpus puts elsewhere (an encyclopaedia's centre against GeoNames'), not a wrong entity;
- ``not in gazetteer``: no candidate of the name lies within 161 km of the gold point (and the choice
  is no such area);
- ``wrong level``: the right candidate is of another level (a division for a town, a town for a
  division or country) in the same country as the chosen one;
- ``namesake abroad``: the right candidate is in another country than the chosen one;
- ``namesake at home``: both in one country, of one level.

It prints the counts per corpus and the first ``--list`` errors of each class.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from geo.evaluate.geoparsing import read_corpus
from geo.gazetteer.names import name_key
from geo.geometry import haversine_km
from geo.model import Place
from geo.parsing.pipeline import Geoparser

# Large areas whose conventional point differs between sources by more than 161 km.
_LARGE_AREA_CODES = {"PCLI", "PCLD", "PCLS", "PCLF", "PCLH", "TERR", "CONT", "RGN", "ADM1", "ADM1H", "OCN", "SEA"}
_DIVISION_CODES = {"PCLI", "PCLD", "PCLS", "PCLF", "TERR", "CONT", "ADM1", "ADM1H", "ADM2", "ADM3", "RGN"}


def level(place: Place) -> str:
    if place.feature_code in {"PCLI", "PCLD", "PCLS", "PCLF", "TERR"}:
        return "country"
    if place.feature_code in _DIVISION_CODES or place.feature_class == "A":
        return "division"
    if place.feature_class == "P":
        return "town"
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpora"))
    ap.add_argument("--list", type=int, default=15)
    args = ap.parse_args()
    parser = Geoparser()
    for path in sorted(Path(args.corpora).glob("*.xml")):
        classes: Counter[str] = Counter()
        examples: dict[str, list[str]] = defaultdict(list)
        total = 0
        for article in read_corpus(path):
            places = parser.resolve_spans(article.text, [(t.start, t.end) for t in article.toponyms])
            for gold, chosen in zip(article.toponyms, places, strict=True):
                total += 1
                if chosen is not None and haversine_km(gold.lat, gold.lon, chosen.lat, chosen.lon) <= 161:
                    continue
                surface = article.text[gold.start : gold.end]
                cands = parser.gazetteer.candidates(name_key(surface))
                right = next(
                    (c.place for c in cands if haversine_km(gold.lat, gold.lon, c.place.lat, c.place.lon) <= 161),
                    None,
                )
                if chosen is None:
                    cls = "no answer"
                elif right is None and chosen.feature_code in _LARGE_AREA_CODES:
                    cls = "area, point far"
                elif right is None:
                    cls = "not in gazetteer"
                elif right.country != chosen.country:
                    cls = "namesake abroad"
                elif level(right) != level(chosen):
                    cls = f"wrong level ({level(chosen)} for {level(right)})"
                else:
                    cls = "namesake at home"
                classes[cls] += 1
                context = article.text[max(0, gold.start - 50) : gold.end + 30].replace("\n", " ")
                got = f"{chosen.name} {chosen.feature_code} {chosen.country}" if chosen else "-"
                want = f"{right.name} {right.feature_code} {right.country}" if right else "-"
                examples[cls].append(f"{surface!r}: got {got}; right {want} | …{context}…")
        wrong = sum(classes.values())
        print(f"\n{path.name}: {total} gold, {wrong} wrong ({1 - wrong / max(1, total):.4f} right)")
        for cls, n in classes.most_common():
            print(f"  {n:4d}  {cls}")
        for cls, _ in classes.most_common():
            print(f"\n  -- {cls}")
            for line in examples[cls][: args.list]:
                print("    " + line)


if __name__ == "__main__":
    main()
