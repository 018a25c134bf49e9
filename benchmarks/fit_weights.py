"""Fit the resolver's context weights on the development corpora (coordinate descent).

Run by hand:  .venv/bin/python benchmarks/fit_weights.py [--corpora ../shared/corpora]

It maximises the mean gold-span accuracy@161km over the corpora (resolution
only: recognition does not move these weights) and prints the best weights; the
chosen numbers are written into geo/parsing/resolve.py (WEIGHTS) and geo/gazetteer/index.py
(_FEATURE_WEIGHT) by hand, so the fitted values are reviewed like code.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from geo.evaluate.geoparsing import read_corpus
from geo.gazetteer import index as gazetteer_module
from geo.geometry import haversine_km
from geo.parsing import resolve
from geo.parsing.pipeline import Geoparser

STEPS = (-1.0, -0.5, 0.5, 1.0)
TUNED = ["qualifier", "country_context", "country_share", "admin1_context", "near_50km", "near_300km", "near_1000km"]
FEATURES = ["PCLI", "ADM1", "PPLC", "ADM2", "RGN"]


def accuracy(parser: Geoparser, corpora: list[list]) -> float:
    parser.gazetteer._cache.clear()  # priors depend on the feature weights
    shares = []
    for articles in corpora:
        good = total = 0
        for a in articles:
            places = parser.resolve_spans(a.text, [(t.start, t.end) for t in a.toponyms])
            for t, p in zip(a.toponyms, places, strict=True):
                total += 1
                good += p is not None and haversine_km(t.lat, t.lon, p.lat, p.lon) <= 161
        shares.append(good / max(1, total))
    return sum(shares) / len(shares)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpora"))
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    corpora = [list(read_corpus(p)) for p in sorted(Path(args.corpora).glob("*.xml"))]
    parser = Geoparser()
    best = accuracy(parser, corpora)
    print(f"start: {best:.4f}")
    for _ in range(args.rounds):
        for table, name in itertools.chain(
            ((resolve.WEIGHTS, n) for n in TUNED), ((gazetteer_module._FEATURE_WEIGHT, f) for f in FEATURES)
        ):
            base = table.get(name, 0.0)
            for step in STEPS:
                table[name] = base + step
                score = accuracy(parser, corpora)
                if score > best + 1e-4:
                    best, base = score, table[name]
                    print(f"  {name} = {table[name]:.2f}: {best:.4f}")
            table[name] = base
        for name in ("ALT_PENALTY", "CURATED_WEIGHT"):
            base = getattr(gazetteer_module, name)
            for step in STEPS:
                setattr(gazetteer_module, name, base + step)
                score = accuracy(parser, corpora)
                if score > best + 1e-4:
                    best, base = score, getattr(gazetteer_module, name)
                    print(f"  {name} = {base:.2f}: {best:.4f}")
            setattr(gazetteer_module, name, base)
    print("ALT_PENALTY =", gazetteer_module.ALT_PENALTY, " CURATED_WEIGHT =", gazetteer_module.CURATED_WEIGHT)
    print("WEIGHTS =", {k: resolve.WEIGHTS[k] for k in TUNED})
    print("_FEATURE_WEIGHT =", {k: gazetteer_module._FEATURE_WEIGHT.get(k, 0.0) for k in FEATURES})
    print(f"mean gold-span accuracy@161km: {best:.4f}")


if __name__ == "__main__":
    main()
