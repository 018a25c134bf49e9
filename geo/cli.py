"""The ``geo`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import GeoError

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _gazetteer_from(args: argparse.Namespace):  # noqa: ANN202 - avoids importing the index for --help
    from .gazetteer import Gazetteer

    return Gazetteer.open(args.index, cache_dir=args.cache_dir, curated=args.curated)


def _cmd_gazetteer_build(args: argparse.Namespace) -> int:
    from .gazetteer import INDEX_NAME, Gazetteer, build_index, default_cache_dir

    path = Path(args.index) if args.index else (Path(args.cache_dir) if args.cache_dir else default_cache_dir()) / INDEX_NAME
    if args.geonames:
        missing = [p for p in args.geonames if not Path(p).exists()]
        if missing:
            raise GeoError(f"GeoNames file(s) {', '.join(missing)} not found; give the paths of the downloaded dump files")
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
    print(f"places:  {info['places']:,}   names: {info['names']:,}")
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
                f"{r['admin1'][:20]:<21}{r['population']:>11,}  {r['lat']:9.4f} {r['lon']:10.4f}  {r['geometry']['type']}"
            )
    return 0 if rows else 1


def _add_index_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="gazetteer index file (default: CACHE_DIR/gazetteer.sqlite)")
    parser.add_argument("--cache-dir", help="where the index is cached (default: $GEO_CACHE_DIR or ~/.cache/geo)")
    parser.add_argument(
        "--curated", action="append", metavar="DIR", help="a folder of your own curated .geojson files (repeatable; or GEO_CURATED)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="geo", description="News articles to time-stamped maps.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)

    gaz = sub.add_parser("gazetteer", help="build, inspect and search the local gazetteer")
    gaz_sub = gaz.add_subparsers(dest="gazetteer_command", required=True)
    build = gaz_sub.add_parser("build", help="(re)build the index")
    _add_index_options(build)
    build.add_argument(
        "--geonames",
        nargs="+",
        metavar="PATH",
        help="full GeoNames dump files: allCountries.txt or .zip, citiesNNN.txt, admin1CodesASCII.txt, alternateNamesV2.txt",
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
    from .pipeline import Geoparser

    return Geoparser(_gazetteer_from(args), demonyms=not args.no_demonyms, rules=args.rules)


def _batch_mode(args: argparse.Namespace) -> bool:
    """`-o DIR --format parquet` (or --jobs / --scheduler / --dask): a streaming, resumable batch run."""
    if args.format != "parquet" or not args.output:
        if args.jobs or args.scheduler or args.dask:
            raise GeoError("--jobs, --scheduler and --dask need a batch run: give --format parquet and -o OUTDIR")
        return False
    out = Path(args.output)
    return out.is_dir() or out.suffix != ".parquet" or bool(args.jobs or args.scheduler or args.dask)


def _cmd_parse(args: argparse.Namespace) -> int:
    from .output import write_mentions

    if _batch_mode(args):
        from .batch import run_batch

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
        )
        print(summary, file=sys.stderr)
        return 1 if summary.failures else 0
    parser = _geoparser(args)
    stats = write_mentions(
        parser,
        args.paths,
        out=args.output,
        fmt=args.format,
        default_date=_parse_date(args.date),
    )
    print(
        f"{stats.articles} articles, {stats.mentions} mentions, {stats.failures} failed"
        + (f" -> {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return 1 if stats.failures else 0


def _cmd_aggregate(args: argparse.Namespace) -> int:
    from .aggregate import aggregate

    if not Path(args.source).exists():
        raise GeoError(f"{args.source} not found; give a batch output folder or a file written by geo parse")
    table = aggregate(args.source, by=args.by, out=args.output)
    print(f"{len(table)} rows ({int(table['count'].sum()) if len(table) else 0} mentions) -> {args.output}", file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import ANNOTATES_DEMONYMS, Prediction, corpus_format, evaluate, evaluate_gold_spans

    if args.no_demonyms:
        args.demonyms = "off"
    if args.demonyms == "auto":
        # Score against the corpus's own annotation scheme: predicting demonyms where its
        # annotators marked none would count every "Russian" as a false positive.
        fmt = corpus_format(args.corpus)
        args.demonyms = "on" if ANNOTATES_DEMONYMS.get(fmt, True) else "off"
        print(f"{args.corpus}: {fmt} layout, whose annotation scheme {'marks' if args.demonyms == 'on' else 'has no'} "
              f"demonyms: demonyms {args.demonyms} (choose with --demonyms on|off)", file=sys.stderr)
    args.no_demonyms = args.demonyms == "off"
    parser = _geoparser(args)
    if args.gold_spans:

        def resolve(article):  # noqa: ANN001, ANN202
            places = parser.resolve_spans(article.text, [(t.start, t.end) for t in article.toponyms])
            return [None if p is None else Prediction(t.start, t.end, p.lat, p.lon) for t, p in zip(article.toponyms, places)]

        scores = evaluate_gold_spans(args.corpus, resolve, limit=args.limit)
    else:

        def parse(article):  # noqa: ANN001, ANN202
            mentions = parser.parse_text(article.text, published=article.published, doc=article.id)
            return [Prediction(m.start, m.end, m.place.lat, m.place.lon) for m in mentions]

        scores = evaluate(args.corpus, parse, limit=args.limit)
    print(json.dumps(scores.as_dict(), indent=2) if args.json else scores.format())
    return 0


def _add_parse_options(parser: argparse.ArgumentParser) -> None:
    _add_index_options(parser)
    parser.add_argument("--no-demonyms", action="store_true", help="do not count demonyms (Russian, Armenians) as mentions")
    parser.add_argument("--rules", metavar="FILE", help="pins and exclusions (see README: Rules files)")


def _register_parse(sub) -> None:  # noqa: ANN001
    parse = sub.add_parser("parse", help="find, locate and date the places of articles")
    parse.add_argument("paths", nargs="+", help="files, folders, or - for standard input")
    parse.add_argument("--format", choices=["jsonl", "geojson", "csv", "gpkg", "parquet"], default="jsonl")
    parse.add_argument("-o", "--output", help="output file (default: standard output)")
    parse.add_argument("--date", help="publication date (YYYY-MM-DD) for articles without one")
    batch = parse.add_argument_group("batch runs (--format parquet -o OUTDIR): streaming, resumable, on every core")
    batch.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler")
    batch.add_argument("--dask", choices=["local"], help="run on a Dask LocalCluster on this machine")
    _add_parse_options(parse)
    parse.set_defaults(func=_cmd_parse)

    agg = sub.add_parser("aggregate", help="mention counts per place and day or week (and source), to Parquet")
    agg.add_argument("source", help="a batch output folder, or a .parquet / .jsonl / .csv of mentions from geo parse")
    agg.add_argument("--by", choices=["day", "week"], default="day")
    agg.add_argument("-o", "--output", required=True, help="the Parquet file to write")
    agg.set_defaults(func=_cmd_aggregate)

    ev = sub.add_parser("evaluate", help="score the geoparser on an annotated corpus (LGL, GeoVirus, TR-News, GeoWebNews)")
    ev.add_argument("corpus")
    ev.add_argument("--gold-spans", action="store_true", help="resolve the gold toponym spans only (resolution accuracy)")
    ev.add_argument("--limit", type=int, help="first N articles only")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--demonyms", choices=["auto", "on", "off"], default="auto",
                    help="count demonyms (Russian, Iraqi) as mentions; auto: as the corpus's annotation scheme does "
                         "(LGL, TR-News, GeoWebNews: on; GeoVirus: off)")
    _add_parse_options(ev)
    ev.set_defaults(func=_cmd_evaluate)


def _map_mentions(args: argparse.Namespace) -> list[dict]:
    """Mention records for ``geo map``: parsed from articles, or read from Parquet tables of mentions or aggregates."""
    from .pipeline import mention_record

    tables = [p for p in args.paths if p.endswith(".parquet") and Path(p).is_file()]
    for folder in [p for p in args.paths if Path(p).is_dir() and (Path(p) / "_manifest.sqlite").exists()]:
        tables.extend(str(part) for part in sorted(Path(folder).glob("part-*.parquet")))  # a batch run's output
        args.paths = [p for p in args.paths if p != folder]
    articles = [p for p in args.paths if p not in tables]
    records: list[dict] = []
    for table in tables:
        import pandas as pd

        frame = pd.read_parquet(table)
        missing = {"lat", "lon"} - set(frame.columns)
        if missing:
            raise GeoError(f"{table} has no {', '.join(sorted(missing))} column; give a Parquet of mentions (geo parse) or aggregates (geo aggregate)")
        frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
        records.extend(frame.to_dict("records"))
    if articles:
        from .articles import read_articles

        parser = _geoparser(args)

        def problem(p) -> None:  # noqa: ANN001
            logger.warning("%s%s: %s", p.source, f":{p.line}" if p.line else "", p.message)

        for article in read_articles(articles, default_date=_parse_date(args.date), on_error=problem):
            try:
                # Lines and areas travel with the record so the map draws them as such.
                records.extend(
                    {**mention_record(m), "geometry": m.place.geometry, "url": article.url}  # popups link the article
                    for m in parser.parse_article(article)
                )
            except Exception as err:  # one bad article never loses the others
                logger.warning("article %s failed: %s", article.id, err)
    return records


def _cmd_map(args: argparse.Namespace) -> int:
    from .render import save_embed, save_map, save_png

    records = _map_mentions(args)
    if not records:
        raise GeoError(f"no place mentions found in {', '.join(args.paths)}; check the inputs (geo parse shows what is found)")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_map(records, out, offline=args.offline, title=args.title, window=args.window, basemap=args.basemap, at=args.at)
    print(f"wrote {out} ({len(records)} mentions)", file=sys.stderr)
    if args.embed:
        save_embed(records, args.embed, offline=args.offline, title=args.title, window=args.window, basemap=args.basemap,
                   at=args.at)
        print(f"wrote {args.embed}", file=sys.stderr)
    if args.png:
        save_png(out, args.png, at=args.at)
        print(f"wrote {args.png}", file=sys.stderr)
    return 0


def _register_map(sub) -> None:  # noqa: ANN001
    mp = sub.add_parser("map", help="parse articles (or read mention tables) and draw a time-stamped map")
    mp.add_argument("paths", nargs="+", help="articles (files, folders, -) or .parquet tables of mentions or aggregates")
    mp.add_argument("-o", "--output", required=True, help="the HTML file to write, e.g. output/NAME.html")
    mp.add_argument("--window", help="how long a mention stays visible, e.g. 30d, 2w, P7D (default: from the data's span)")
    mp.add_argument("--offline", action="store_true", help="inline every script and style; country outlines as basemap, no tiles")
    mp.add_argument("--basemap", choices=["osm", "countries", "none"], help="base layer (default: osm online, countries offline)")
    mp.add_argument("--title", help="title shown on the map")
    mp.add_argument("--png", metavar="FILE", help="also write a picture of the map")
    mp.add_argument("--at", metavar="DATE", help="the date the map (and --png) opens on (YYYY-MM-DD; default: all dates)")
    mp.add_argument("--embed", metavar="FILE", help="also write an HTML fragment to paste into a report page")
    mp.add_argument("--date", help="publication date (YYYY-MM-DD) for articles without one")
    _add_parse_options(mp)
    mp.set_defaults(func=_cmd_map)


_EXTRA_COMMANDS: list = [_register_parse, _register_map]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except GeoError as err:
        print(f"geo: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
