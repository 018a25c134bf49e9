"""Benchmark the date model: articles per second of ``geo.parsing.dates.date_sentences`` alone.

The articles are the distinct texts of the development corpora next to the
repository (``../shared/corpora``: LGL, GeoVirus and the TimeML documents),
each dated once; none is repeated, so no pass is flattered by a warm cache.
Articles without a publication day are dated against 2020-06-15.

Figures printed:

* ``import``: importing the module (compiling its regular expressions);
* ``cold``: the first half of the articles, in the same fresh process;
* ``warm``: the other half, after the first.

Each is given per second of wall-clock time and per second of this process's
CPU time; on a shared machine the second is the steadier one.

With ``--baseline PATH`` another ``dates.py`` (for example the main checkout's
``geo/parsing/dates.py``) is measured the same way on the same articles, in its own
process, so that before and after compare.

Usage::

    .venv/bin/python benchmarks/bench_dates.py [--corpora ../shared/corpora] [--baseline ../main/geo/parsing/dates.py]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
FALLBACK_DAY = dt.date(2020, 6, 15)


def load_articles(corpora: Path) -> list[tuple[str, dt.date]]:
    """Every distinct article text of the corpora folder, with its publication day."""
    sys.path.insert(0, str(ROOT))
    from geo.evaluate.dates import read_timeml_folder
    from geo.evaluate.geoparsing import read_corpus

    articles: dict[str, dt.date] = {}
    for xml in sorted(corpora.glob("*.xml")):
        for article in read_corpus(xml):
            articles.setdefault(article.text, article.published or FALLBACK_DAY)
    timeml = corpora / "timeml-aquaint"
    if timeml.is_dir():
        for doc in read_timeml_folder(timeml):
            articles.setdefault(doc.text, doc.published)
    return list(articles.items())


def measure(module_path: Path, corpora: Path) -> dict[str, float]:
    """Time one dates module in this process: import, then the two halves of the articles."""
    articles = load_articles(corpora)
    re.purge()  # reading the corpora compiled the project's own patterns: start the module cold
    began = time.perf_counter()
    spec = importlib.util.spec_from_file_location("dates_under_test", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    imported = time.perf_counter() - began
    half = len(articles) // 2
    figures = {"articles": len(articles), "import_s": imported}
    for name, chunk in (("cold", articles[:half]), ("warm", articles[half:])):
        began, began_cpu = time.perf_counter(), time.process_time()
        sentences = sum(len(module.date_sentences(text, published)) for text, published in chunk)
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
        figures[f"{name}_articles_per_s"] = len(chunk) / seconds
        figures[f"{name}_articles_per_cpu_s"] = len(chunk) / cpu
        figures[f"{name}_sentences"] = sentences
    return figures


def report(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label:>9}: {int(figures['articles'])} distinct articles; import {figures['import_s'] * 1000:.0f} ms; "
        f"cold {figures['cold_articles_per_s']:,.0f} articles/s ({figures['cold_articles_per_cpu_s']:,.0f} per CPU s); "
        f"warm {figures['warm_articles_per_s']:,.0f} articles/s ({figures['warm_articles_per_cpu_s']:,.0f} per CPU s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the development corpora")
    parser.add_argument(
        "--baseline", type=Path, help="another dates.py to measure the same way, e.g. ../main/geo/parsing/dates.py"
    )
    parser.add_argument("--module", type=Path, default=ROOT / "geo" / "parsing" / "dates.py", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run, for the parent process
    args = parser.parse_args()
    if not args.corpora.is_dir():
        print(f"corpora folder {args.corpora} not found; give it with --corpora", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(measure(args.module, args.corpora)))
        return 0
    runs = [("this", args.module)] + ([("baseline", args.baseline)] if args.baseline else [])
    for label, module in runs:
        # Each module in a fresh process: the cold figures are really cold.
        out = subprocess.run(
            [sys.executable, __file__, "--json", "--module", str(module), "--corpora", str(args.corpora)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        report(label, json.loads(out.stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
