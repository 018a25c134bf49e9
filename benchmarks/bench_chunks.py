"""Benchmark parsing long articles in one piece and in chunks (``max_chars``): seconds per MB by size.

For each size it builds distinct synthetic news text (sentences naming places
drawn at random, a new seed for every article, so no cache is warmed by a
repeat), then parses:

- ``whole``: with ``max_chars`` above the size, one piece, as without chunking;
- ``chunked``: with ``--chunk`` characters per chunk (default 100,000).

Each is timed on two distinct articles of the size: ``cold`` is the first
parse of that size, ``warm`` the second. With chunks the seconds per MB should
stay flat as the size grows: the cost of one chunk is bounded by the chunk's
size, so the whole is linear in the article's. Sizes larger than a few hundred
KB in one piece can take minutes while the resolver's distance work grows with
the square of the names in one piece.

Usage::

    .venv/bin/python benchmarks/bench_chunks.py [--sizes 100000 250000 500000] [--chunk 100000] [--no-whole]
"""

from __future__ import annotations

import argparse
import random
import time

from geo.model import Article
from geo.parsing.pipeline import Geoparser

PLACES = [
    "Paris",
    "Berlin",
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Lviv",
    "Tokyo",
    "Osaka",
    "Nairobi",
    "Mombasa",
    "Lima",
    "Cusco",
    "Cairo",
    "Alexandria",
    "Istanbul",
    "Ankara",
    "London",
    "Leeds",
    "Madrid",
    "Seville",
    "Lagos",
    "Kano",
    "Dakar",
    "Accra",
    "Tripoli",
    "Derna",
    "Khartoum",
    "Aleppo",
    "Homs",
    "Mosul",
    "Basra",
    "Tbilisi",
    "Yerevan",
    "Goris",
    "Baku",
    "Ganja",
    "Almaty",
    "Tashkent",
    "Kabul",
    "Herat",
    "Quetta",
    "Lahore",
    "Dhaka",
    "Hanoi",
    "Manila",
    "Jakarta",
    "Perth",
    "Auckland",
    "Quito",
    "Bogota",
    "Caracas",
    "Havana",
    "Denver",
]
VERBS = ["talks were held in", "protests spread to", "floods reached", "officials flew to", "shelling hit"]


def article(size: int, seed: int) -> Article:
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        sentence = f"On day {rng.randrange(1, 400)} {rng.choice(VERBS)} {rng.choice(PLACES)} and {rng.choice(PLACES)}."
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.1:
            parts.append("\n")
    return Article(id=f"synthetic-{seed}", text=" ".join(parts)[:size])


def timed(parser: Geoparser, text: Article) -> tuple[float, int]:
    started = time.perf_counter()
    mentions = parser.parse_article(text)
    return time.perf_counter() - started, len(mentions)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--sizes", type=int, nargs="+", default=[100_000, 250_000, 500_000])
    options.add_argument("--chunk", type=int, default=100_000)
    options.add_argument("--no-whole", action="store_true", help="only the chunked parses")
    args = options.parse_args()
    parser = Geoparser()
    seed = 0
    print(f"{'size':>10} {'mode':>8} {'cold s':>8} {'warm s':>8} {'s/MB warm':>10} {'mentions':>9}")
    for size in args.sizes:
        for mode in ["chunked"] if args.no_whole else ["whole", "chunked"]:
            parser.max_chars = args.chunk if mode == "chunked" else size + 1
            figures = []
            for _ in range(2):
                seed += 1
                figures.append(timed(parser, article(size, seed)))
            (cold, _), (warm, mentions) = figures
            print(
                f"{size:>10,} {mode:>8} {cold:>8.2f} {warm:>8.2f} {warm / size * 1e6:>10.2f} {mentions:>9,}", flush=True
            )


if __name__ == "__main__":
    main()
