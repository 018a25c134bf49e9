"""Writing mentions: JSON Lines, CSV, GeoJSON, GeoPackage and (Geo)Parquet.

Files are written atomically (:mod:`geo.atomicio`: a temporary file beside
the target, fsynced, then a rename), so a reader never sees half a file; text
formats stream into a device or FIFO, binary ones (GeoPackage, Parquet) need
a regular file. GeoJSON, GeoPackage and Parquet
also record the gazetteer's stamp (sources and versions) for provenance.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from geo.atomicio import atomic_open, atomic_path, check_not_input, check_output
from geo.errors import IndexCorruptError, InputError
from geo.model import Article

__all__ = [
    "write_mentions",
    "atomic_path",
    "read_stamp",
    "mention_geometry",
    "write_geoparquet",
    "WriteStats",
    "FORMATS",
    "PARQUET_STAMP_KEY",
]

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "geojson", "csv", "gpkg", "parquet")
# Formats whose readers seek in the file: never streamed into a device or FIFO.
_SEEKABLE = frozenset({"gpkg", "parquet"})
# One encoder for every JSON Lines record: ``json.dumps`` with an option builds a new one per call.
_JSON_RECORD = json.JSONEncoder(ensure_ascii=False).encode

#: Key of the gazetteer stamp (JSON) in a Parquet file's key-value metadata, beside GeoParquet's "geo".
PARQUET_STAMP_KEY = b"geo_gazetteer"


@dataclass
class WriteStats:
    """What :func:`write_mentions` did.

    ``failures`` counts the articles that failed to parse plus the input
    problems that lost a whole source or the rest of it; of those,
    ``unreadable`` are the input problems. ``warnings`` counts input problems
    that lost no whole source (a record skipped or read with a fallback).
    """

    articles: int = 0
    mentions: int = 0
    failures: int = 0
    unreadable: int = 0
    warnings: int = 0


@contextlib.contextmanager
def _text_sink(out: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_open(out, "w", encoding="utf-8", newline="", parents=True) as handle:
        yield handle


def read_as_article(path: Path) -> bool:
    """Whether a file of this name, found in an input folder, is read as articles."""
    from geo.parsing.articles import SUFFIXES

    return Path(path.name.lower().removesuffix(".gz")).suffix in SUFFIXES


def _mention_rows(parser: Any, articles: Iterable[Article], stats: WriteStats) -> Iterator[tuple[dict[str, Any], Any]]:
    from geo.parsing.pipeline import mention_record

    for article in articles:
        try:
            mentions = parser.parse_article(article)
        except IndexCorruptError:
            raise  # not this article's fault: every other one would fail the same way
        except Exception as err:  # one bad article never loses the others
            stats.failures += 1
            logger.warning(
                "article %s (%s) failed: %s",
                article.id,
                article.source or "input",
                err,
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
            continue
        stats.articles += 1
        for m in mentions:
            stats.mentions += 1
            yield mention_record(m), m


def write_mentions(
    parser: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str] | None,
    fmt: str = "jsonl",
    default_date: dt.date | None = None,
    **read_options: Any,
) -> WriteStats:
    """Parse the articles at ``paths`` and write their mentions in ``fmt``.

    ``read_options`` (``encoding``, ``text_column`` ...) go to :func:`geo.read_articles`.

    Examples
    --------
    >>> write_mentions(Geoparser(), ["seeds/"], out="out.jsonl")  # doctest: +SKIP
    WriteStats(articles=2, mentions=40, failures=0)
    """
    from geo.parsing.articles import read_articles

    if fmt not in FORMATS:
        raise InputError(f"output format {fmt!r} is unknown; choose one of {', '.join(FORMATS)}")
    if fmt in {"gpkg", "parquet"} and out is None:
        raise InputError(f"format {fmt} is binary and cannot go to standard output; give a file with -o")
    paths = list(paths)
    if out is not None:
        # Before any parsing: a bad output path fails in a second, not after the whole input.
        check_not_input([out], paths, reads=read_as_article)
        check_output(out, streamable=fmt not in _SEEKABLE, parents=True)
    stats = WriteStats()

    def problem(p: Any) -> None:
        if p.fatal:
            stats.failures += 1
            stats.unreadable += 1
        else:
            stats.warnings += 1
        logger.warning("%s%s: %s", p.source, f":{p.line}" if p.line else "", p.message)

    articles = read_articles(paths, default_date=default_date, on_error=problem, **read_options)
    rows = _mention_rows(parser, articles, stats)
    if fmt == "jsonl":
        with _text_sink(out) as sink:
            write, encode = sink.write, _JSON_RECORD
            for record, _ in rows:
                write(encode(record) + "\n")
        return stats
    if fmt == "csv":
        from geo.parsing.pipeline import RECORD_FIELDS

        with _text_sink(out) as sink:
            writer = csv.DictWriter(sink, fieldnames=list(RECORD_FIELDS))
            writer.writeheader()
            for record, _ in rows:
                writer.writerow(record)
        return stats
    frame = mentions_frame(rows, parser.gazetteer.stamp)
    if fmt == "geojson":
        data = json.loads(frame.to_json(drop_id=True))
        data["gazetteer"] = parser.gazetteer.stamp
        with _text_sink(out) as sink:
            json.dump(data, sink, ensure_ascii=False)
            sink.write("\n")
    elif fmt == "gpkg":
        with atomic_path(out, streamable=False, parents=True, keep_suffix=True) as tmp:  # type: ignore[arg-type]
            frame.to_file(tmp, driver="GPKG", layer="mentions")
            _gpkg_stamp(tmp, parser.gazetteer.stamp)
    else:
        with atomic_path(out, streamable=False, parents=True) as tmp:  # type: ignore[arg-type]
            write_geoparquet(frame, tmp, parser.gazetteer.stamp)
    return stats


def mention_geometry(m: Any) -> Any:
    """The geometry a mention is drawn and stored with.

    A toponym of a line or area (a river, a country) gets the place's own
    geometry; everything else, demonyms included, the place's point.

    Examples
    --------
    >>> mention_geometry(mentions[0]).geom_type  # doctest: +SKIP
    'Point'
    """
    import shapely.geometry

    geometry = m.place.geometry if m.place.geometry and m.kind == "toponym" else None
    return shapely.geometry.shape(geometry) if geometry else shapely.geometry.Point(m.place.lon, m.place.lat)


def mentions_frame(rows: Iterable[tuple[dict[str, Any], Any]], stamp: dict[str, Any]) -> Any:
    """A GeoDataFrame of ``(record, mention)`` pairs, EPSG:4326, with the gazetteer stamp in ``attrs``."""
    import geopandas

    from geo.parsing.pipeline import RECORD_FIELDS

    records, geoms = [], []
    for record, m in rows:
        records.append(record)
        geoms.append(mention_geometry(m))
    frame = geopandas.GeoDataFrame(records, columns=list(RECORD_FIELDS), geometry=geoms, crs="EPSG:4326")
    frame.attrs["gazetteer"] = stamp
    return frame


def write_geoparquet(frame: Any, path: str | os.PathLike[str], stamp: dict[str, Any]) -> None:
    """Write a GeoDataFrame as GeoParquet with the gazetteer stamp in its metadata.

    Not atomic by itself: write to a path from :func:`geo.atomicio.atomic_path`.

    Examples
    --------
    >>> with atomic_path("out.parquet", streamable=False) as tmp:  # doctest: +SKIP
    ...     write_geoparquet(frame, tmp, gazetteer.stamp)
    """
    import pyarrow.parquet as pq

    frame.to_parquet(path)
    # Add the gazetteer stamp to the file's key-value metadata beside GeoParquet's "geo".
    table = pq.read_table(path)
    meta = dict(table.schema.metadata or {})
    meta[PARQUET_STAMP_KEY] = json.dumps(stamp, sort_keys=True).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


def _gpkg_stamp(path: Path, stamp: dict[str, Any]) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS geo_gazetteer(key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT OR REPLACE INTO geo_gazetteer VALUES ('stamp', ?)", (json.dumps(stamp, sort_keys=True),))
        con.commit()
    finally:
        con.close()


def read_stamp(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The gazetteer stamp recorded in a GeoJSON, GeoPackage or Parquet output."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        raw = (pq.read_schema(path).metadata or {}).get(PARQUET_STAMP_KEY)
        return json.loads(raw) if raw else None
    if path.suffix == ".gpkg":
        import sqlite3

        con = sqlite3.connect(path)
        try:
            row = con.execute("SELECT value FROM geo_gazetteer WHERE key='stamp'").fetchone()
        finally:
            con.close()
        return json.loads(row[0]) if row else None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("gazetteer")
