"""Count mentions per place and day (or ISO week), and per article source.

:func:`aggregate` turns mention records (a batch output folder from
:func:`geo.batch.run.run_batch`, a Parquet, JSON Lines or CSV file from
``geo parse``, or a DataFrame) into a small table, one row per place, period
and source::

    date        id       name   country  lat     lon    kind     role   feature  source         count  articles
    2023-10-02  2988507  Paris  FR       48.853  2.349  toponym  place  PPLC     news0.example  4      3

(and ``geometry_type``, e.g. ``Point``, after ``feature``).

A mention's period is its event ``date``, falling back to the article's
``published`` date; mentions with neither are counted under an empty date
(``None``). ``source`` (the article's URL host, else the file it was read
from) is there when the records carry it: batch outputs do, ``geo parse``
outputs do not, and then the table has no ``source`` column. ``articles``
counts distinct articles (from the ``doc`` column, when present).

The columns ``name``, ``id``, ``country``, ``lat``, ``lon``, ``date``,
``kind``, ``role``, ``feature`` and ``geometry_type`` are named as in mention records,
so the table can be drawn like mentions, with ``count`` as the weight.

A batch folder is read part by part and each part is counted on its own
before the counts are added up, so memory depends on the number of distinct
(place, period, source) rows, not on the number of mentions.

Examples
--------
>>> table = aggregate("out/", by="week", out="weekly.parquet")  # doctest: +SKIP
>>> table.nlargest(3, "count")[["date", "name", "count"]]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import InputError

if TYPE_CHECKING:
    import pandas

__all__ = ["aggregate", "PERIODS", "AGGREGATE_COLUMNS"]

logger = logging.getLogger(__name__)

#: Accepted values of ``by``.
PERIODS = ("day", "week")

#: Columns that identify a place, in output order (named as in mention records); ``role`` splits
#: a place's count by what its mentions do there (geo.parsing.roles; "" for records written before roles).
_PLACE_COLUMNS = ("id", "name", "country", "lat", "lon", "kind", "role", "feature", "geometry_type")

#: Every column an aggregate table can have, in order.
AGGREGATE_COLUMNS = ("date", "week", *_PLACE_COLUMNS, "source", "count", "articles")

_REQUIRED = ("id", "name", "lat", "lon")
# Filled in when a table lacks them, so that grouping still works.
_DEFAULTS = {"country": "", "kind": "toponym", "role": "", "feature": "", "geometry_type": "Point"}
_READ_COLUMNS = (*_PLACE_COLUMNS, "date", "published", "source", "doc")
_FILE_FORMATS = (".parquet", ".pq", ".jsonl", ".ndjson", ".json", ".csv")


def aggregate(
    mentions_or_dir: pandas.DataFrame | str | os.PathLike[str],
    *,
    by: str = "day",
    out: str | os.PathLike[str] | None = None,
    roles: str | Iterable[str] | None = None,
) -> pandas.DataFrame:
    """Mention counts per place and day or ISO week (and per source when known).

    Parameters
    ----------
    mentions_or_dir : DataFrame or path
        Mention records (e.g. from :func:`geo.parse` or
        :func:`geo.batch.run.read_mentions`), a batch output folder, or a
        ``.parquet``, ``.jsonl`` or ``.csv`` file written by ``geo parse``.
    by : {"day", "week"}
        The period. For weeks, ``date`` is the Monday of the ISO week and
        ``week`` its ISO name (``2023-W41``).
    out : path, optional
        Also write the table there, atomically: CSV when the name ends in
        ``.csv``, else Parquet.
    roles : str or collection of str, optional
        Count only mentions of these roles (``"place,actor"``; see
        :mod:`geo.parsing.roles`). Counts are always split by ``role``.

    Returns
    -------
    pandas.DataFrame
        Columns from :data:`AGGREGATE_COLUMNS` (``week`` only by week,
        ``source`` and ``articles`` only when the input has ``source`` and
        ``doc``), sorted by date, then count (largest first), then name.

    Raises
    ------
    InputError
        An unknown period, a path that is neither a batch folder nor a
        mention file, or records without place columns.
    OutputError
        ``out`` cannot be written (a folder, a read-only folder, a full
        disk, or a device or FIFO for Parquet), or is the input itself.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame([
    ...     {"doc": "a", "id": "1", "name": "Baku", "lat": 40.4, "lon": 49.9, "date": "2023-09-19", "published": None},
    ...     {"doc": "b", "id": "1", "name": "Baku", "lat": 40.4, "lon": 49.9, "date": None, "published": "2023-09-19"},
    ... ])
    >>> aggregate(rows)[["date", "name", "count", "articles"]].to_dict("records")
    [{'date': '2023-09-19', 'name': 'Baku', 'count': 2, 'articles': 2}]
    """
    import pandas as pd

    if by not in PERIODS:
        raise InputError(f"by={by!r} is not a period; choose one of {', '.join(PERIODS)}")
    if out is not None:
        from geo.atomicio import check_not_input, check_output

        # Before reading: a bad output path fails at once, and never overwrites the input.
        if isinstance(mentions_or_dir, (str, os.PathLike)):
            check_not_input([out], [mentions_or_dir])
        check_output(out, streamable=Path(out).suffix.lower() == ".csv", parents=True)
    from geo.parsing.roles import parse_roles

    wanted = parse_roles(roles)
    partials = [_count(_with_roles(chunk, wanted, label), by, label) for chunk, label in _chunks(mentions_or_dir)]
    partials = [p for p in partials if p is not None]
    keys = _keys(partials, by)
    if partials:
        table = pd.concat(partials, ignore_index=True)
        sums = ["count"] + (["articles"] if "articles" in table.columns else [])
        table = table.groupby(keys, dropna=False, sort=False)[sums].sum().reset_index()
    else:
        table = pd.DataFrame({name: [] for name in (*keys, "count")})
    table["count"] = table["count"].astype("int64")
    if "articles" in table.columns:
        table["articles"] = table["articles"].astype("int64")
    for name in ("date", "week"):
        if name in table.columns:
            # Undated rows: a missing value, not an empty string.
            table[name] = table[name].astype(object).where(table[name] != "", None)
    table = table.sort_values(
        ["date", "count", "name", "id"], ascending=[True, False, True, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    table = table[[c for c in AGGREGATE_COLUMNS if c in table.columns]]
    table.attrs["by"] = by
    if out is not None:
        _write(table, Path(out))
    return table


def _chunks(source: Any) -> Iterator[tuple[pandas.DataFrame, str]]:
    """The input as one or more DataFrames of mention records, each with a label for messages."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        yield pd.DataFrame(source[[c for c in _READ_COLUMNS if c in source.columns]]), "the mention table"
        return
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(
            f"aggregate() got a {type(source).__name__}; give a DataFrame of mention records, a batch output "
            "folder, or a .parquet, .jsonl or .csv file of mentions"
        )
    path = Path(source)
    if path.is_dir():
        from geo.batch.run import part_paths

        for part in part_paths(path):
            yield _read_parquet(part), str(part)
        return
    if not path.is_file():
        raise InputError(f"{path} does not exist; give a batch output folder or a mention file")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        yield _read_parquet(path), str(path)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        try:
            frame = pd.read_json(path, lines=True, dtype=False)
        except ValueError as err:
            raise InputError(
                f"{path} is not JSON Lines of mention records ({err}); give the output of geo parse"
            ) from err
        yield frame, str(path)
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for name in ("lat", "lon"):
            if name in frame.columns:
                frame[name] = pd.to_numeric(frame[name], errors="coerce")
        yield frame, str(path)
    else:
        raise InputError(
            f"{path} is not a mention file this reads; give a batch folder or a file ending in "
            f"{', '.join(_FILE_FORMATS)}"
        )


def _read_parquet(path: Path) -> pandas.DataFrame:
    import pyarrow.parquet as pq

    names = set(pq.read_schema(path).names)
    # Geometry is not needed for counting, and it is most of a part's bytes.
    return pq.read_table(path, columns=[c for c in _READ_COLUMNS if c in names]).to_pandas()


def _count(frame: pandas.DataFrame, by: str, label: str) -> pandas.DataFrame | None:
    import pandas as pd

    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"{label} has no {', '.join(missing)} column(s); give mention records (columns id, name, lat, lon, "
            "date or published) as geo parse writes them"
        )
    if "date" not in frame.columns and "published" not in frame.columns:
        raise InputError(
            f"{label} has neither a 'date' nor a 'published' column; give mention records as geo parse writes them"
        )
    if frame.empty:
        return None
    frame = frame.copy()
    for name, default in _DEFAULTS.items():
        if name not in frame.columns:
            frame[name] = default
        else:
            frame[name] = frame[name].fillna(default)
    frame["id"] = frame["id"].astype(str)
    frame["date"] = _day(frame, label)
    if by == "week":
        days = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
        iso = days.dt.isocalendar()
        monday = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
        frame["date"] = monday.dt.strftime("%Y-%m-%d").fillna("")
        week = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
        frame["week"] = week.fillna("").astype(object)
    keys = ["date"] + (["week"] if by == "week" else []) + list(_PLACE_COLUMNS)
    if "source" in frame.columns:
        frame["source"] = frame["source"].fillna("")
        keys.append("source")
    grouped = frame.groupby(keys, dropna=False, sort=False)
    counts = grouped.size().rename("count")
    if "doc" in frame.columns:
        # Exact when summed over batch parts: each article lies in exactly one part.
        counts = pd.concat([counts, grouped["doc"].nunique().rename("articles")], axis=1)
    return counts.reset_index()


def _with_roles(frame: pandas.DataFrame, wanted: frozenset[str] | None, label: str) -> pandas.DataFrame:
    """Only the mentions of the wanted roles (all when ``wanted`` is None)."""
    if wanted is None:
        return frame
    if "role" not in frame.columns:
        raise InputError(
            f"{label} has no 'role' column, so roles={sorted(wanted)} cannot be chosen; "
            "parse the articles again with this version of geo, or leave out roles"
        )
    return frame[frame["role"].isin(wanted)]


def _day(frame: pandas.DataFrame, label: str) -> pandas.Series:
    """Each mention's day as ``YYYY-MM-DD``: its event date, else the published date, else ""."""
    import pandas as pd

    empty = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    dates = frame["date"] if "date" in frame.columns else empty
    published = frame["published"] if "published" in frame.columns else empty
    chosen = dates.where(dates.notna() & (dates.astype(str).str.strip() != ""), published)
    parsed = pd.to_datetime(chosen.astype("string").str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    bad = int((parsed.isna() & chosen.notna() & (chosen.astype(str).str.strip() != "")).sum())
    if bad:
        logger.warning("%s: %d mentions have a date that is not YYYY-MM-DD; counted as undated", label, bad)
    return parsed.dt.strftime("%Y-%m-%d").fillna("").astype(object)


def _keys(partials: list[pandas.DataFrame], by: str) -> list[str]:
    keys = ["date"] + (["week"] if by == "week" else []) + list(_PLACE_COLUMNS)
    if partials and all("source" in p.columns for p in partials):
        keys.append("source")
    return keys


def _write(table: pandas.DataFrame, path: Path) -> None:
    from geo.atomicio import atomic_open, atomic_path

    if path.suffix.lower() == ".csv":
        # CSV streams into a device or FIFO too; Parquet's readers seek, so it needs a regular file.
        with atomic_open(path, "w", encoding="utf-8", newline="", parents=True) as handle:
            table.to_csv(handle, index=False)
    else:
        with atomic_path(path, streamable=False, parents=True) as tmp:
            table.to_parquet(tmp, index=False)
