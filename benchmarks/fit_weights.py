"""Fit the resolver's context weights on the development corpora, cross-validated.

Run by hand:
    .venv/bin/python benchmarks/fit_weights.py [--corpora ../shared/corpora] [--rounds 5]
        [--start neutral|file] [--write]

Coordinate descent on gold-span accuracy@161km (resolution only: recognition does not
move these weights), from one start for every fit: ``--start neutral`` (the default: every
fitted weight 1.0, so no corpus has been seen before a fit begins and the held-out figures
are blind) or ``--start file`` (the weights file as it is: numbers chosen on these corpora
before, which lead coordinate descent to a better optimum but make the held-out figures
less blind). Three fits are made and printed:

- on each corpus alone, scored on itself and on every other corpus (held out): the
  cross-validated figures, honest about text the weights never saw;
- on all corpora together (the mean of their accuracies): the weights that ship.

``--write`` writes the all-corpora fit into ``geo/parsing/data/resolver_weights.json``
with a ``fit`` record of what it was fitted on and the held-out figures, so the shipped
file says which fit it is. Only the context weights the corpora measure (TUNED) are
fitted; the weights of the news-usage rules (HAND_SET) and the evidence thresholds
(``min_*``, which only act end to end, where gold-span accuracy cannot see them) are
carried over from the current file.
The prominence priors (feature weights in ``geo/gazetteer/index.py``) are not fitted here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from geo.evaluate.geoparsing import GoldArticle, read_corpus
from geo.geometry import haversine_km
from geo.parsing import resolve
from geo.parsing.pipeline import Geoparser

STEPS = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0, 4.0)
START = 1.0
# The context weights the corpora measure: every article has a country, neighbours and namesakes.
TUNED = [
    "country_context",
    "country_share",
    "admin1_context",
    "near_50km",
    "near_300km",
    "near_1000km",
    "mutual_50km",
]
# Set by hand and held by the news-usage tests (tests/test_resolve_news_usage.py): the corpora hold
# too few qualified names ("Moscow, Idaho"), lists of peers and designations ("Kirkuk governorate")
# for a fit to see them, and a fit that cannot see a weight drives it wherever ties fall.
HAND_SET = ["qualifier", "list_peer", "designator"]


def accuracy(parser: Geoparser, articles: Sequence[GoldArticle]) -> float:
    """Gold-span accuracy@161km of the resolver with the weights as they stand in ``resolve.WEIGHTS``."""
    good = total = 0
    for a in articles:
        places = parser.resolve_spans(a.text, [(t.start, t.end) for t in a.toponyms])
        for t, p in zip(a.toponyms, places, strict=True):
            total += 1
            good += p is not None and haversine_km(t.lat, t.lon, p.lat, p.lon) <= 161
    return good / max(1, total)


def fit(
    parser: Geoparser, corpora: Sequence[Sequence[GoldArticle]], rounds: int, start: Mapping[str, float]
) -> tuple[dict[str, float], float]:
    """Coordinate descent from ``start`` on the mean accuracy over ``corpora``; leaves the best in WEIGHTS."""
    for name in TUNED:
        resolve.WEIGHTS[name] = start[name]

    def objective() -> float:
        return sum(accuracy(parser, c) for c in corpora) / len(corpora)

    best = objective()
    for _ in range(rounds):
        moved = False
        for name in TUNED:
            base = chosen = resolve.WEIGHTS[name]
            for step in STEPS:
                resolve.WEIGHTS[name] = base + step
                score = objective()
                if score > best + 1e-4:
                    best, chosen, moved = score, base + step, True
                    print(f"    {name} = {chosen:.2f}: {best:.4f}", flush=True)
            resolve.WEIGHTS[name] = chosen
        if not moved:
            break
    return {name: resolve.WEIGHTS[name] for name in TUNED}, best


def write_weights(path: Path, weights: dict[str, float], record: Mapping[str, object]) -> None:
    """Write the weights file atomically (a temporary file beside it, then a rename)."""
    current = resolve.load_weights(path)
    body = {"fit": record, "weights": {name: round(weights.get(name, current[name]), 3) for name in current}}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(body, out, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpora"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help=f"write the all-corpora fit to {resolve.WEIGHTS_FILE}")
    ap.add_argument(
        "--start",
        choices=("neutral", "file"),
        default="neutral",
        help=f"start every fit from {START} everywhere (no corpus seen: blind held-out figures), or from the weights "
        "file as it is (a better optimum, but those numbers were chosen on the corpora before)",
    )
    args = ap.parse_args()
    paths = sorted(Path(args.corpora).glob("*.xml"))
    if len(paths) < 2:
        raise SystemExit(f"{args.corpora}: cross-validation needs two corpus files (*.xml), found {len(paths)}")
    corpora = {p.name: list(read_corpus(p)) for p in paths}
    parser = Geoparser()
    shipped = dict(resolve.WEIGHTS)
    start = dict.fromkeys(TUNED, START) if args.start == "neutral" else {name: shipped[name] for name in TUNED}
    before = f"the weights of {resolve.WEIGHTS_FILE.name} before this fit"
    start_said = f"{START} everywhere" if args.start == "neutral" else before
    print("shipped weights (" + str(resolve.WEIGHTS_FILE) + "):")
    for name, articles in corpora.items():
        print(f"  gold-span accuracy@161km on {name}: {accuracy(parser, articles):.4f}")

    held_out: dict[str, float] = {}
    for train, articles in corpora.items():
        print(f"fit on {train} (from {start_said}):", flush=True)
        fitted, own = fit(parser, [articles], args.rounds, start)
        print(f"  weights: {fitted}")
        print(f"  on {train} (fitted): {own:.4f}")
        for test, other in corpora.items():
            if test != train:
                score = accuracy(parser, other)
                held_out[f"fit on {train}, scored on {test}"] = round(score, 4)
                print(f"  on {test} (held out): {score:.4f}", flush=True)

    print("fit on all corpora (the weights that ship):", flush=True)
    weights, _ = fit(parser, list(corpora.values()), args.rounds, start)
    print(f"  weights: {weights}")
    in_sample = {name: round(accuracy(parser, articles), 4) for name, articles in corpora.items()}
    for name, score in in_sample.items():
        print(f"  on {name} (fitted): {score:.4f}")
    print("cross-validated gold-span accuracy@161km (fit on one corpus, scored on the other):")
    for what, score in held_out.items():
        print(f"  {what}: {score:.4f}")

    if args.write:
        record: dict[str, object] = {
            "fitted_on": sorted(corpora),
            "objective": f"mean gold-span accuracy@161km over the corpora, coordinate descent from {start_said}",
            "fitted": TUNED,
            "set_by_hand": [*HAND_SET, "min_prior_single_word", "min_score_common_word"],
            "in_sample": in_sample,
            "cross_validated": held_out,
            "date": dt.date.today().isoformat(),
            "command": f"benchmarks/fit_weights.py --start {args.start} --write",
        }
        write_weights(resolve.WEIGHTS_FILE, weights, record)
        print(f"wrote {resolve.WEIGHTS_FILE}")
    resolve.WEIGHTS.update(shipped)


if __name__ == "__main__":
    main()
