"""The ``geo`` command line.

Examples
--------
>>> from geo.cli import exit_code
>>> exit_code(parsed=3, failures=0, unreadable=0)  # everything parsed
0
>>> exit_code(parsed=2, failures=1, unreadable=0)  # a partial success
1
>>> exit_code(parsed=0, failures=2, unreadable=2)  # no input could be read
2
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geo
from geo import _native
from geo.errors import GeoError, IndexCorruptError

__all__ = ["main"]

logger = logging.getLogger(__name__)


# Exit codes, the same for geo parse (batch or not) and geo map.
EXIT_OK = 0
EXIT_FAILED = 1  # the output is written, but some articles or inputs failed (each one named on stderr)
EXIT_USAGE = 2  # nothing done: a usage or input error (bad option, no readable input, unwritable output)


def exit_code(*, parsed: int, failures: int, unreadable: int) -> int:
    """The exit status of a run that parsed ``parsed`` articles.

    ``failures`` are articles that failed plus inputs lost whole; ``unreadable``
    the latter alone. Nothing read at all, because every input was unreadable,
    is an input error; some failures among good articles, a partial success.
    """
    if failures and not parsed and failures == unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if failures else EXIT_OK


def _gazetteer_from(args: argparse.Namespace):  # noqa: ANN202 - avoids importing the index for --help
    from geo.gazetteer.index import Gazetteer

    return Gazetteer.open(args.index, cache_dir=args.cache_dir, curated=args.curated)


def _cmd_gazetteer_build(args: argparse.Namespace) -> int:
    from geo.gazetteer.index import INDEX_NAME, Gazetteer, build_index, default_cache_dir

    path = (
        Path(args.index)
        if args.index
        else (Path(args.cache_dir) if args.cache_dir else default_cache_dir()) / INDEX_NAME
    )
    if args.geonames:
        missing = [p for p in args.geonames if not Path(p).exists()]
        if missing:
            raise GeoError(
                f"GeoNames file(s) {', '.join(missing)} not found; give the paths of the downloaded dump files"
            )
        build_index(path, curated=args.curated, geonames=args.geonames)
        gaz = Gazetteer(path)
    else:
        gaz = Gazetteer.open(path, curated=args.curated, rebuild=True)
    info = gaz.info()
    print(f"built {info['path']}: {info['places']:,} places, {info['names']:,} names, {info['size_mb']} MB")
    return 0


def _cmd_gazetteer_info(args: argparse.Namespace) -> int:
    info = _gazetteer_from(args).info()
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"index:   {info['path']} ({info['size_mb']} MB, built {info['built']})")
    print(f"places:  {info['places']:,}   names: {info['names']:,}   pages checked: {info['integrity']}")
    print("sources:")
    for package, version in info["stamp"]["sources"].items():
        print(f"  {package} {version}")
    for folder in info["stamp"]["curated_dirs"]:
        print(f"  curated folder {folder}")
    if info["stamp"].get("geonames"):
        for dump in info["stamp"]["geonames"]:
            print(f"  GeoNames dump {dump}")
    print("feature codes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(info["feature_codes"].items())))
    return 0


def _cmd_gazetteer_search(args: argparse.Namespace) -> int:
    gaz = _gazetteer_from(args)
    cands = gaz.lookup(args.name, country=args.country, limit=args.limit, demonyms=True)
    rows = [
        {
            "id": c.place.id,
            "name": c.place.name,
            "feature_class": c.place.feature_class,
            "feature_code": c.place.feature_code,
            "country": c.place.country,
            "admin1": c.place.admin1,
            "population": c.place.population,
            "lat": c.place.lat,
            "lon": c.place.lon,
            "geometry": c.place.geometry or {"type": "Point", "coordinates": [c.place.lon, c.place.lat]},
            "match": c.match,
            "prior": round(c.prior, 3),
            "source": c.place.source,
        }
        for c in cands
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(f"no place named {args.name!r}", file=sys.stderr)
    else:
        for r in rows:
            print(
                f"{r['id']:>22}  {r['name'][:28]:<28} {r['feature_code']:<5} {r['country'] or '--':<3}"
                f"{r['admin1'][:20]:<21}{r['population']:>11,}  {r['lat']:9.4f} {r['lon']:10.4f}  "
                f"{r['geometry']['type']}"
            )
    return 0 if rows else 1


def _add_index_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="gazetteer index file (default: CACHE_DIR/gazetteer.sqlite)")
    parser.add_argument("--cache-dir", help="where the index is cached (default: $GEO_CACHE_DIR or ~/.cache/geo)")
    parser.add_argument(
        "--curated",
        action="append",
        metavar="DIR",
        help="a folder of your own curated .geojson files (repeatable; or GEO_CURATED)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="geo", description="News articles to time-stamped maps.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument(
        "--version", action="version", version=f"geo {geo.__version__}, {_native.describe()}", help="version and build"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gaz = sub.add_parser("gazetteer", help="build, inspect and search the local gazetteer")
    gaz_sub = gaz.add_subparsers(dest="gazetteer_command", required=True)
    build = gaz_sub.add_parser("build", help="(re)build the index")
    _add_index_options(build)
    build.add_argument(
        "--geonames",
        nargs="+",
        metavar="PATH",
        help=(
            "full GeoNames dump files: allCountries.txt or .zip, citiesNNN.txt, admin1CodesASCII.txt, "
            "alternateNamesV2.txt"
        ),
    )
    build.set_defaults(func=_cmd_gazetteer_build)
    info = gaz_sub.add_parser("info", help="sources, versions, counts and the index path")
    _add_index_options(info)
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=_cmd_gazetteer_info)
    search = gaz_sub.add_parser("search", help="ranked places for a name")
    _add_index_options(search)
    search.add_argument("name")
    search.add_argument("--country", action="append", help="ISO alpha-2 code to keep (repeatable)")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_cmd_gazetteer_search)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _parse_date(value: str | None):  # noqa: ANN202
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise GeoError(f"--date {value!r} is not an ISO date; write it as YYYY-MM-DD") from err


def _geoparser(args: argparse.Namespace):  # noqa: ANN202
    from geo.parsing.pipeline import Geoparser

    return Geoparser(
        _gazetteer_from(args),
        demonyms=not args.no_demonyms,
        rules=args.rules,
        max_chars=args.max_chars,
        roles=getattr(args, "roles", None),
    )


_READING_OPTIONS = ("encoding", "text_column", "date_column", "id_column", "title_column", "url_column")


def _reading(args: argparse.Namespace) -> dict:
    """How ``geo parse`` and ``geo map`` read their inputs, as keyword arguments of read_articles."""
    return {name: getattr(args, name) for name in _READING_OPTIONS}


def _batch_mode(args: argparse.Namespace) -> bool:
    """`-o DIR --format parquet` (or --jobs / --scheduler / --dask): a streaming, resumable batch run."""
    if args.format != "parquet" or not args.output:
        if args.jobs or args.scheduler or args.dask:
            raise GeoError("--jobs, --scheduler and --dask need a batch run: give --format parquet and -o OUTDIR")
        return False
    out = Path(args.output)
    return out.is_dir() or out.suffix != ".parquet" or bool(args.jobs or args.scheduler or args.dask)


def _cmd_parse(args: argparse.Namespace) -> int:
    from geo.output import write_mentions

    if _batch_mode(args):
        from geo.batch.run import run_batch

        if args.roles:
            raise GeoError(
                "--roles does not apply to batch runs, which keep every role in the 'role' column; "
                "leave it out and filter when reading (geo aggregate --roles, or the role column)"
            )
        summary = run_batch(
            args.paths,
            args.output,
            gazetteer_path=_gazetteer_from(args).path,
            demonyms=not args.no_demonyms,
            rules=args.rules,
            default_date=_parse_date(args.date),
            jobs=args.jobs,
            scheduler=args.scheduler,
            dask_local=args.dask == "local",
            max_chars=args.max_chars,
            article_timeout=args.article_timeout or None,
            **_reading(args),
        )
        print(summary, file=sys.stderr)
        failed = summary.failures - summary.warnings
        return exit_code(parsed=summary.articles + summary.skipped, failures=failed, unreadable=summary.unreadable)
    if args.output:
        from geo.atomicio import check_not_input, check_output
        from geo.output import read_as_article

        # Before the index opens or anything is parsed.
        check_not_input([args.output], args.paths, reads=read_as_article)
        check_output(args.output, streamable=args.format not in {"gpkg", "parquet"}, parents=True)
    parser = _geoparser(args)
    stats = write_mentions(
        parser,
        args.paths,
        out=args.output,
        fmt=args.format,
        default_date=_parse_date(args.date),
        **_reading(args),
    )
    print(
        f"{stats.articles} articles, {stats.mentions} mentions, {stats.failures} failed"
        + (f" -> {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return exit_code(parsed=stats.articles, failures=stats.failures, unreadable=stats.unreadable)


def _cmd_aggregate(args: argparse.Namespace) -> int:
    from geo.batch.aggregates import aggregate

    if not Path(args.source).exists():
        raise GeoError(f"{args.source} not found; give a batch output folder or a file written by geo parse")
    table = aggregate(args.source, by=args.by, out=args.output, roles=args.roles)  # checks the output first
    print(
        f"{len(table)} rows ({int(table['count'].sum()) if len(table) else 0} mentions) -> {args.output}",
        file=sys.stderr,
    )
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from geo.evaluate.geoparsing import ANNOTATES_DEMONYMS, Prediction, corpus_format, evaluate, evaluate_gold_spans

    if args.dates:  # the date model on a folder of TimeML news, as `geo evaluate-dates` does
        args.folder, args.misses = args.corpus, False
        return _cmd_evaluate_dates(args)
    if args.no_demonyms:
        args.demonyms = "off"
    if args.demonyms == "auto":
        # Score against the corpus's own annotation scheme: predicting demonyms where its
        # annotators marked none would count every "Russian" as a false positive.
        fmt = corpus_format(args.corpus)
        args.demonyms = "on" if ANNOTATES_DEMONYMS.get(fmt, True) else "off"
        print(
            f"{args.corpus}: {fmt} layout, whose annotation scheme {'marks' if args.demonyms == 'on' else 'has no'} "
            f"demonyms: demonyms {args.demonyms} (choose with --demonyms on|off)",
            file=sys.stderr,
        )
    args.no_demonyms = args.demonyms == "off"
    parser = _geoparser(args)
    if args.gold_spans:

        def resolve(article):  # noqa: ANN001, ANN202
            spans = [(t.start, t.end) for t in article.toponyms]
            places = parser.resolve_spans(article.text, spans)
            roles = parser.span_roles(article.text, spans, places)
            return [
                None if p is None else Prediction(t.start, t.end, p.lat, p.lon, r.role, p.id, p.feature_code)
                for t, p, r in zip(article.toponyms, places, roles, strict=True)
            ]

        scores = evaluate_gold_spans(args.corpus, resolve, limit=args.limit)
    else:

        def parse(article):  # noqa: ANN001, ANN202
            mentions = parser.parse_text(article.text, published=article.published, doc=article.id)
            return [Prediction.from_mention(m) for m in mentions]

        scores = evaluate(args.corpus, parse, limit=args.limit)
    print(json.dumps(scores.as_dict(), indent=2) if args.json else scores.format())
    return 0


def _add_parse_options(parser: argparse.ArgumentParser) -> None:
    from geo.limits import DEFAULT_MAX_CHARS

    _add_index_options(parser)
    parser.add_argument(
        "--no-demonyms", action="store_true", help="do not count demonyms (Russian, Armenians) as mentions"
    )
    parser.add_argument("--rules", metavar="FILE", help="pins and exclusions (see README: Rules files)")
    parser.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        metavar="N",
        help=f"parse longer articles in chunks cut at sentence ends (default {DEFAULT_MAX_CHARS:,})",
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading the input")
    group.add_argument("--encoding", help="encoding of text inputs (default: by byte-order mark, else UTF-8)")
    for column in ("text", "date", "id", "title", "url"):
        group.add_argument(
            f"--{column}-column",
            default=column,
            metavar="NAME",
            help=f"field or column of the article's {column} in JSON Lines, CSV, Parquet (default {column})",
        )


def _register_parse(sub) -> None:  # noqa: ANN001
    from geo.limits import DEFAULT_ARTICLE_TIMEOUT

    parse = sub.add_parser("parse", help="find, locate and date the places of articles")
    parse.add_argument("paths", nargs="+", help="files, folders, or - for standard input")
    parse.add_argument("--format", choices=["jsonl", "geojson", "csv", "gpkg", "parquet"], default="jsonl")
    parse.add_argument("-o", "--output", help="output file (default: standard output)")
    parse.add_argument("--date", help="publication date (YYYY-MM-DD) for articles without one")
    parse.add_argument(
        "--roles",
        metavar="LIST",
        help="keep only mentions of these roles, e.g. place,actor (place, actor, affiliation, name)",
    )
    batch = parse.add_argument_group("batch runs (--format parquet -o OUTDIR): streaming, resumable, on every core")
    batch.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler")
    batch.add_argument("--dask", choices=["local"], help="run on a Dask LocalCluster on this machine")
    batch.add_argument(
        "--article-timeout",
        type=float,
        default=DEFAULT_ARTICLE_TIMEOUT,
        metavar="SECONDS",
        help=(
            "stop an article that takes longer and record it in errors.jsonl "
            f"(default {DEFAULT_ARTICLE_TIMEOUT:g}; 0: no limit)"
        ),
    )
    _add_parse_options(parse)
    _add_reading_options(parse)
    parse.set_defaults(func=_cmd_parse)

    agg = sub.add_parser("aggregate", help="mention counts per place and day or week (and source), to Parquet")
    agg.add_argument("source", help="a batch output folder, or a .parquet / .jsonl / .csv of mentions from geo parse")
    agg.add_argument("--by", choices=["day", "week"], default="day")
    agg.add_argument(
        "--roles", metavar="LIST", help="count only mentions of these roles, e.g. place (counts are split by role)"
    )
    agg.add_argument("-o", "--output", required=True, help="the Parquet file to write")
    agg.set_defaults(func=_cmd_aggregate)

    ev = sub.add_parser(
        "evaluate", help="score the geoparser on an annotated corpus (LGL, GeoVirus, TR-News, GeoWebNews)"
    )
    ev.add_argument("corpus")
    ev.add_argument(
        "--gold-spans", action="store_true", help="resolve the gold toponym spans only (resolution accuracy)"
    )
    ev.add_argument(
        "--dates",
        action="store_true",
        help="CORPUS is a folder of TimeML (.tml) news: score the date model (as geo evaluate-dates)",
    )
    ev.add_argument("--limit", type=int, help="first N articles only")
    ev.add_argument("--json", action="store_true")
    ev.add_argument(
        "--demonyms",
        choices=["auto", "on", "off"],
        default="auto",
        help="count demonyms (Russian, Iraqi) as mentions; auto: as the corpus's annotation scheme does "
        "(LGL, TR-News, GeoWebNews: on; GeoVirus: off)",
    )
    _add_parse_options(ev)
    ev.set_defaults(func=_cmd_evaluate)


@dataclass
class _MapInputs:
    """Mention records for ``geo map``, and what could not be read or parsed."""

    records: list[dict] = field(default_factory=list)
    read: int = 0  # tables and articles read
    failed: list[str] = field(default_factory=list)  # "article id (source): error"
    unreadable: int = 0


def _map_mentions(args: argparse.Namespace) -> _MapInputs:
    """Mention records for ``geo map``: parsed from articles, or read from Parquet tables of mentions or aggregates."""
    from geo.parsing.pipeline import mention_record

    found = _MapInputs()
    tables = [p for p in args.paths if p.endswith(".parquet") and Path(p).is_file()]
    batch_dirs = [p for p in args.paths if Path(p).is_dir() and (Path(p) / "_manifest.sqlite").exists()]
    if batch_dirs:
        from geo.batch.run import part_paths

        for folder in batch_dirs:
            # Only the parts the manifest committed: an orphan left by a crash is not drawn twice.
            tables.extend(str(part) for part in part_paths(folder))
    articles = [p for p in args.paths if p not in tables and p not in batch_dirs]
    for table in tables:
        import pandas as pd

        frame = pd.read_parquet(table)
        missing = {"lat", "lon"} - set(frame.columns)
        if missing:
            raise GeoError(
                f"{table} has no {', '.join(sorted(missing))} column; give a Parquet of mentions (geo parse) "
                "or aggregates (geo aggregate)"
            )
        frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
        found.records.extend(frame.to_dict("records"))
        found.read += 1
    if articles:
        from geo.parsing.articles import read_articles

        parser = _geoparser(args)

        def problem(p) -> None:  # noqa: ANN001
            logger.warning("%s%s: %s", p.source, f":{p.line}" if p.line else "", p.message)
            if p.fatal:
                found.failed.append(f"{p.source}{f':{p.line}' if p.line else ''}: {p.message}")
                found.unreadable += 1

        for article in read_articles(articles, default_date=_parse_date(args.date), on_error=problem, **_reading(args)):
            try:
                # Lines and areas travel with the record so the map draws them as such.
                records = [
                    {**mention_record(m), "geometry": m.place.geometry}  # lines and areas drawn as such
                    for m in parser.parse_article(article)
                ]
            except IndexCorruptError:
                raise  # every other article would fail the same way
            except Exception as err:  # noqa: BLE001 - one bad article never loses the others
                logger.warning("article %s (%s) failed: %s", article.id, article.source, err)
                found.failed.append(f"article {article.id} ({article.source}): {err}")
                continue
            found.records.extend(records)
            found.read += 1
    return found


def _cmd_map(args: argparse.Namespace) -> int:
    from geo.atomicio import check_not_input, check_output
    from geo.maps.render import save_embed, save_map, save_png
    from geo.output import read_as_article

    outputs = [args.output, args.embed, args.png, args.pdf]
    named = [o for o in outputs if o]
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            if Path(first).resolve() == Path(second).resolve():
                raise GeoError(f"{first} is given as two outputs (-o, --embed, --png, --pdf); give each its own file")
    # Before anything is parsed: an output that is an input, a folder, or in a read-only folder.
    check_not_input(outputs, args.paths, reads=read_as_article)
    for out in named:
        check_output(out, parents=out == args.output)
    found = _map_mentions(args)
    if not found.records:
        unread = f" (nothing could be read: {'; '.join(found.failed[:5])})" if found.failed and not found.read else ""
        raise GeoError(
            f"no place mentions found in {', '.join(args.paths)}{unread}; "
            "check the inputs (geo parse shows what is found)"
        )
    records = found.records
    out = Path(args.output)
    save_map(records, out, offline=args.offline, title=args.title, window=args.window, basemap=args.basemap, at=args.at)
    print(f"wrote {out} ({len(records)} mentions)", file=sys.stderr)
    if args.embed:
        save_embed(
            records,
            args.embed,
            offline=args.offline,
            title=args.title,
            window=args.window,
            basemap=args.basemap,
            at=args.at,
        )
        print(f"wrote {args.embed}", file=sys.stderr)
    if args.png or args.pdf:
        width, height = args.size
        save_png(out, args.png, at=args.at, width=width, height=height, scale=args.scale, pdf_path=args.pdf)
        for written in (args.png, args.pdf):
            if written:
                print(f"wrote {written}", file=sys.stderr)
    if found.failed:
        shown = found.failed[:10] + ([f"... and {len(found.failed) - 10} more"] if len(found.failed) > 10 else [])
        print(
            f"geo: {len(found.failed)} input(s) failed and are not on the map:\n  " + "\n  ".join(shown),
            file=sys.stderr,
        )
    return exit_code(parsed=found.read, failures=len(found.failed), unreadable=found.unreadable)


def _picture_size(text: str) -> tuple[int, int]:
    """``--size WIDTHxHEIGHT`` in CSS pixels, e.g. ``1600x1000``."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX\u00d7]\s*(\d{2,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a picture size; give WIDTHxHEIGHT in pixels, e.g. 1600x1000")
    return int(m.group(1)), int(m.group(2))


def _picture_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.25 <= value <= 8:
        raise argparse.ArgumentTypeError(f"{text!r} is not a pixel density; give a number from 0.25 to 8, e.g. 2")
    return value


def _register_map(sub) -> None:  # noqa: ANN001
    mp = sub.add_parser("map", help="parse articles (or read mention tables) and draw a time-stamped map")
    mp.add_argument(
        "paths", nargs="+", help="articles (files, folders, -) or .parquet tables of mentions or aggregates"
    )
    mp.add_argument("-o", "--output", required=True, help="the HTML file to write, e.g. output/NAME.html")
    mp.add_argument(
        "--window", help="how long a mention stays visible, e.g. 30d, 2w, P7D (default: from the data's span)"
    )
    mp.add_argument(
        "--offline", action="store_true", help="inline every script and style; country outlines as basemap, no tiles"
    )
    mp.add_argument(
        "--basemap", choices=["osm", "countries", "none"], help="base layer (default: osm online, countries offline)"
    )
    mp.add_argument("--title", help="title shown on the map")
    mp.add_argument("--png", metavar="FILE", help="also write a figure of the map for a report (no controls)")
    mp.add_argument("--pdf", metavar="FILE", help="also write the figure as a one-page PDF")
    mp.add_argument(
        "--at", metavar="DATE", help="the date the map opens on, and --png/--pdf show (YYYY-MM-DD; default every date)"
    )
    mp.add_argument(
        "--size",
        type=_picture_size,
        default=(1400, 900),
        metavar="WxH",
        help="with --png/--pdf: figure size in CSS pixels (default 1400x900)",
    )
    mp.add_argument(
        "--scale",
        type=_picture_scale,
        default=1.0,
        metavar="N",
        help="with --png: device pixels per CSS pixel, e.g. 2 for print (default 1)",
    )
    mp.add_argument("--embed", metavar="FILE", help="also write an HTML fragment to paste into a report page")
    mp.add_argument("--date", help="publication date (YYYY-MM-DD) for articles without one")
    mp.add_argument("--roles", metavar="LIST", help="parse only mentions of these roles, e.g. place,actor")
    _add_parse_options(mp)
    _add_reading_options(mp)
    mp.set_defaults(func=_cmd_map)


def _cmd_evaluate_dates(args: argparse.Namespace) -> int:
    from geo.evaluate.dates import evaluate_dates

    scores = evaluate_dates(args.folder, keep_misses=args.misses)
    print(json.dumps(scores.as_dict(), indent=2) if args.json else scores.format())
    for miss in scores.misses:
        print(json.dumps(miss, ensure_ascii=False), file=sys.stderr)
    return 0


def _cmd_dates(args: argparse.Namespace) -> int:
    import csv

    from geo.parsing.articles import read_articles
    from geo.parsing.dates import date_sentences

    fields = ["doc", "start", "end", "date", "date_source", "date_text", "published", "sentence"]
    writer = csv.DictWriter(sys.stdout, fieldnames=fields) if args.format == "csv" else None
    if writer is not None:
        writer.writeheader()
    problems = 0

    def problem(p) -> None:  # noqa: ANN001
        nonlocal problems
        problems += 1
        logger.warning("%s%s: %s", p.source, f":{p.line}" if p.line else "", p.message)

    for article in read_articles(args.paths, default_date=_parse_date(args.date), on_error=problem):
        published = article.published.isoformat() if article.published else None
        for s in date_sentences(article.text, article.published):
            record = {
                "doc": article.id, "start": s.start, "end": s.end, "date": s.date.isoformat() if s.date else None,
                "date_source": s.date_source, "date_text": s.date_text, "published": published,
                "sentence": article.text[s.start : s.end],
            }  # fmt: skip
            if writer is not None:
                writer.writerow(record)
            else:
                print(json.dumps(record, ensure_ascii=False))
    return 1 if problems else 0


def _register_dates(sub) -> None:  # noqa: ANN001
    dates = sub.add_parser("dates", help="the date of every sentence of articles, and the words that gave it")
    dates.add_argument("paths", nargs="+", help="files, folders, or - for standard input")
    dates.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    dates.add_argument("--date", help="publication date (YYYY-MM-DD) for articles without one")
    dates.set_defaults(func=_cmd_dates)
    ev = sub.add_parser("evaluate-dates", help="score the date model on a folder of TimeML (.tml) news files")
    ev.add_argument("folder", help="a folder of TimeML documents, e.g. TempEval-3 AQUAINT or TimeBank")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--misses", action="store_true", help="also list every wrong full-day timex on standard error")
    ev.set_defaults(func=_cmd_evaluate_dates)


_EXTRA_COMMANDS: list = [_register_parse, _register_map, _register_dates]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # The first use builds the index (about a minute): say so, and how it goes.
        logging.getLogger("geo.gazetteer.index").setLevel(logging.INFO)
    try:
        return int(args.func(args) or 0)
    except GeoError as err:
        print(f"geo: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except OSError as err:
        # What no check above foresaw (a file vanishing, a device error): one line, not a traceback.
        where = f"{err.filename}: " if err.filename else ""
        print(
            f"geo: error: {where}{err.strerror or err}; check the path and run again (-vv shows details)",
            file=sys.stderr,
        )
        logger.debug("details", exc_info=True)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
