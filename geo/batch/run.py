"""Batch runs: parse large archives on every core or on a Dask cluster, resumably.

:func:`run_batch` cuts the input into pieces, has worker processes (or
``dask.distributed`` workers) read, key and parse them, and writes the mentions
as GeoParquet parts into an output folder as it goes::

    OUT/
      part-000001.parquet     mentions of one group of articles (GeoParquet, gazetteer stamp)
      part-000002.parquet
      _manifest.sqlite        which article (by content hash) is in which part
      _errors.jsonl           this run's failed articles and input problems, one JSON object a line

Everything beside the parts starts with ``_`` or ``.``, which Parquet readers skip, so the
folder is a Parquet dataset: ``pandas.read_parquet(OUT)``, ``geopandas.read_parquet(OUT)``,
``dask.dataframe.read_parquet(OUT)`` and DuckDB's ``read_parquet('OUT/*.parquet')`` read it
directly (between a crash and the next run the folder may hold one orphan part, see below;
:func:`read_mentions` reads only the parts the manifest lists).

Who does what
-------------
The run's process only plans and commits. It cuts the input into pieces
without parsing an article (:func:`geo.parsing.articles.plan_input`): JSON
Lines files, gzip-compressed too, into runs of ``batch_size`` lines, whose bytes
it reads (and decompresses) while looking for line ends; other files into
groups of ``batch_size`` whole files, which the workers open themselves. A
worker reads its piece, keys each article, looks up in the manifest which keys
are done already (those it does not parse), parses the rest and sends back
their rows with their keys. The run's process takes the results in the order
it handed out the pieces and admits each article by key, in input order (see
:meth:`_Manifest.admit`): an article done already, by an earlier run or
earlier in this one, has its rows dropped there, before any part holds them.
What cannot be cut so is read by the run's process itself and handed out as
articles: standard input and pipes, and files over 32 MB that are not UTF-8 (or
single-byte) JSON Lines (CSV, Parquet, web archives, UTF-16 text), so no piece
is larger than that.

Exactness under crashes
-----------------------
A run killed at any moment (``kill -9`` included) and started again with the
same arguments ends with every mention exactly once. Each part is written to a
temporary file, flushed to disk and renamed into place; only *then* are its
articles' keys recorded in the manifest, in one SQLite transaction with the
part's name. On start, parts the manifest does not know (a crash between the
rename and the commit) are deleted, and articles whose key is in the manifest
are skipped. Only one run may write to a folder at a time (a lock file
enforces it), and all writing happens in the one process that started the
run, also on Dask.

Keys do not depend on where an article sits in its input, so a changed input
resumes exactly too. An article's key is its own id when its record has one,
else its file's absolute path and a hash of its content (date, title, URL,
text); both with the run's configuration. A line prepended to a file, or a file
added in another folder, leaves every parsed article's key as it was: only the
new articles are parsed. The same text under two files is two articles; the
same record twice in one file is one. An id names one article in a folder: an
article that wants an id the folder gave another (``feed:1`` after a line was
prepended, a second ``index.txt``) gets ``#`` and part of its key appended, and
an article whose own id names an article with other content already is written
to ``errors.jsonl`` and not parsed (edit an article: write to a new folder).

A folder written with one gazetteer build or one set of options (demonyms,
rules, ``--date``, ``--max-chars``, how the input is read) refuses a run with
another: mentions of two kinds would mix; the message names the option. A
folder of an older version, whose keys came from positions, is refused too; its
parts stay readable.

Failures
--------
An article whose processing raises is written to ``_errors.jsonl`` with the
reason, and the run goes on; so is every input problem reported by
:func:`geo.parsing.articles.read_articles` (a malformed line, a missing file). A worker
process that dies (out of memory, a crash in native code) is replaced; the
pieces it held are read again, and their articles retried one by one so that
only the culprit is recorded as failed. Failed articles are not in the
manifest, so the next run retries them; ``_errors.jsonl`` is rewritten by
every run (a folder of an older version, which named it ``errors.jsonl``, has
it renamed when resumed). A piece that cannot be read at all, even by a fresh
worker, is recorded as an input problem that names its files.

Each article has a time budget (``article_timeout``, 60 s by default). One that
runs over is stopped inside its worker (local or Dask) and recorded in
``errors.jsonl``; a local worker that cannot be stopped from within (stuck in
native code) is killed a little later and replaced, and the article it held is
recorded, not retried.

Dask
----
With ``scheduler="tcp://host:port"`` (or ``dask_local=True`` for a local
cluster) pieces are read and parsed on the cluster's workers and the results
come back to this process, which writes parts and the manifest exactly as a
local run does. On a cluster given by its address the workers need not see
the input: the pieces carry the bytes of their files, read here; and a run
that resumes such a folder reads the articles here and hands out only those
not done yet, as the workers cannot look up this machine's manifest. Each
worker opens the gazetteer index itself, at the same path as here, and
builds one geoparser per process. Make the index reachable at that path on
every worker: a shared filesystem mounted at the same place,
``GEO_CACHE_DIR`` pointing at a shared volume, or ``geo gazetteer build`` run
on each worker with the same package versions and curated files. A worker
whose index is a different build stops the run with an error rather than mix
builds. The ``geo`` package must be installed on the workers.

The local cluster of ``dask_local=True`` is set up for this job: no sampling
profiler on the workers, diagnostics polled rarely, and Dask's debugging logs
of recent messages kept short (each message carries a batch of articles, and
the default 1,000 of them hold a whole corpus in memory). On a cluster of your
own, set ``distributed.admin.low-level-log-length`` to a few dozen on the
scheduler and workers for the same reason, and
``distributed.worker.profile.enabled`` to false.

Examples
--------
>>> summary = run_batch(["archive/"], "out/", gazetteer_path=Gazetteer.open().path)  # doctest: +SKIP
>>> print(summary)  # doctest: +SKIP
12,000 articles parsed (0 already done), 180,411 mentions in 3 new parts, 0 failures; 61.2 s, 196.1 articles/s
>>> read_mentions("out/")[["name", "date"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import gc
import hashlib
import json
import logging
import multiprocessing
import operator
import os
import pickle
import re
import signal
import socket
import sqlite3
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from geo.errors import GazetteerError, GeoError, IndexCorruptError, InputError, OutputError
from geo.limits import DEFAULT_ARTICLE_TIMEOUT, DEFAULT_MAX_CHARS
from geo.model import Article
from geo.parsing.pipeline import RECORD_FIELDS, check_max_chars, mention_record

if TYPE_CHECKING:
    import geopandas
    import pyarrow
    import pyarrow.compute

    from geo.parsing.articles import ArticleProblem, InputPiece
    from geo.parsing.rules import Rules

__all__ = [
    "run_batch",
    "read_mentions",
    "part_paths",
    "BatchSummary",
    "PART_COLUMNS",
    "MANIFEST_NAME",
    "ERRORS_NAME",
]

logger = logging.getLogger(__name__)

#: Columns of every part, before ``geometry``: the mention record plus where the article came from.
PART_COLUMNS: tuple[str, ...] = (*RECORD_FIELDS, "source")  # RECORD_FIELDS ends with the article's url

#: The manifest's file name inside the output folder.
MANIFEST_NAME = "_manifest.sqlite"

#: The failures file's name inside the output folder (``_`` first: Parquet readers skip it).
ERRORS_NAME = "_errors.jsonl"
# What older versions named it; renamed when such a folder is resumed.
_LEGACY_ERRORS_NAME = "errors.jsonl"

_LOCK_NAME = ".geo-batch.lock"
_PART_PATTERN = re.compile(r"^part-(\d+)\.parquet$")
# Bumped when the key or the part layout changes, so old folders are not resumed wrongly.
# 2: keys by an article's own id, else its file and content, not by its position in the input;
# parts carry each mention's role and role_cue.
_FORMAT = "2"
# A part is also cut when this many mentions are waiting, so the writer's memory stays bounded.
_PART_MENTIONS = 100_000
# ...and at least this often, so a slow run loses little when killed.
_PART_SECONDS = 120.0
# Keys per SQL "IN (...)" query, well under SQLite's variable limit.
_SQL_CHUNK = 500
# A pool whose workers die this many times in a row on single articles is not the articles' fault.
_MAX_CONSECUTIVE_DEATHS = 3
# What one worker process holds: the gazetteer's name index, the recogniser's automaton, a batch.
_WORKER_BYTES = 600 * 2**20
_INT_COLUMNS = frozenset({"start", "end", "sentence_start"})
_FLOAT_COLUMNS = frozenset({"lat", "lon", "score"})
_SUFFIX_LINE = re.compile(r":\d+$")


# -- public results ------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    """What one :func:`run_batch` call did.

    Attributes
    ----------
    articles : int
        Articles parsed by this run (failures not included).
    skipped : int
        Articles already done by an earlier run (same content, same gazetteer and options).
    mentions : int
        Mentions written by this run.
    failures : int
        Lines written to ``_errors.jsonl``: articles that failed plus input problems.
    unreadable : int
        Of ``failures``, input problems that lost a whole source or the rest of it
        (a missing file, an unreadable one, a truncated archive).
    warnings : int
        Of ``failures``, input problems that lost no whole source (a record
        skipped or read with a fallback); they do not make the run fail.
    seconds : float
        Wall-clock time of the run.
    rate : float
        Articles parsed per second.
    parts : int
        Part files written by this run.
    out_dir : str
        The output folder.
    """

    articles: int = 0
    skipped: int = 0
    mentions: int = 0
    failures: int = 0
    unreadable: int = 0
    warnings: int = 0
    seconds: float = 0.0
    rate: float = 0.0
    parts: int = 0
    out_dir: str = ""

    def __str__(self) -> str:
        failed = f"{self.failures:,} failures" + (f" (see {Path(self.out_dir) / ERRORS_NAME})" if self.failures else "")
        return (
            f"{self.articles:,} articles parsed ({self.skipped:,} already done), {self.mentions:,} mentions "
            f"in {self.parts:,} new parts, {failed}; {self.seconds:.1f} s, {self.rate:.1f} articles/s"
        )


# -- the worker side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """Everything a worker needs to build its geoparser and read its input; small and picklable."""

    gazetteer_path: str
    stamp_hash: str
    demonyms: bool
    rules: Rules | None
    factory: Callable[..., Any] | None
    max_chars: int = DEFAULT_MAX_CHARS
    article_timeout: float | None = None  # seconds per article; None: no budget
    # How the input is read (read_piece's options), and the run's configuration digest that keys are made with.
    reading: tuple[tuple[str, Any], ...] = ()
    config_digest: bytes = b""
    # The folder's manifest, where the worker looks up articles done already (not parsed again); None: on
    # another machine, where the parent's manifest cannot be read.
    manifest: str | None = None

    def cache_key(self) -> tuple[Any, ...]:
        rules = None if self.rules is None else _rules_state(self.rules)
        return (
            self.gazetteer_path,
            self.stamp_hash,
            self.demonyms,
            json.dumps(rules, sort_keys=True),
            _qualname(self.factory),
            self.max_chars,
        )


# A listed article, for a failure record when its worker dies on it: (key, id, source, characters).
_Listed = tuple[bytes, str, str, int]
# Not parsed by the worker: the folder's manifest had its key already.
_KNOWN = -1


@dataclass(slots=True)
class _Entry:
    """One article of a unit as its worker saw it: who it is, and what became of it."""

    key: bytes
    content: bytes
    doc: str
    source: str
    origin: str
    mentions: int = _KNOWN  # its rows in the unit's table, in entry order; _KNOWN: not parsed
    failure: dict[str, Any] | None = None  # an _errors.jsonl record: it failed, and has no rows

    @property
    def parsed(self) -> bool:
        return self.failure is None and self.mentions >= 0


@dataclass
class _Outcome:
    """A unit's result: its articles in input order, the rows of those parsed, and the input problems met."""

    entries: list[_Entry] = field(default_factory=list)
    table: pyarrow.Table | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)  # "read" records of _errors.jsonl
    listed: list[_Listed] = field(default_factory=list)  # of a listing: every article of the unit

    def __reduce__(self) -> tuple[Any, ...]:
        # Entries cross back to the run's process as plain tuples: a dataclass pickles through its state,
        # several times the work, once per article.
        entries = [_ENTRY_FIELDS(entry) for entry in self.entries]
        return _unpacked_outcome, (entries, self.table, self.problems, self.listed)

    @property
    def done(self) -> list[tuple[bytes, int]]:
        """(key, mentions) of the articles parsed."""
        return [(e.key, e.mentions) for e in self.entries if e.parsed]

    def extend(self, other: _Outcome) -> None:
        """Append another outcome of the same unit's articles (a retry's, one article at a time)."""
        import pyarrow as pa

        self.entries.extend(other.entries)
        self.problems.extend(other.problems)
        tables = [t for t in (self.table, other.table) if t is not None]
        self.table = pa.concat_tables(tables) if len(tables) > 1 else (tables[0] if tables else None)


_ENTRY_FIELDS = operator.attrgetter(*(f.name for f in fields(_Entry)))


def _unpacked_outcome(entries: list[tuple[Any, ...]], table: Any, problems: list[Any], listed: list[Any]) -> _Outcome:
    return _Outcome([_Entry(*values) for values in entries], table, problems, listed)


@dataclass(frozen=True)
class _Unit:
    """One task: a piece of the input that its worker reads, keys and parses, or a batch read by the run's process."""

    piece: InputPiece | None = None
    tasks: _Batch | None = None  # (key, article) of articles read by the run's process (standard input, ...)
    only: int | None = None  # a retry: parse just the article at this position of the unit
    listing: bool = False  # a retry's first step: read and key the articles, parse none
    named: _Listed | None = None  # of a retry of one article: which one it is

    def where(self) -> str:
        """The input the unit reads, for messages."""
        if self.piece is not None:
            shown = ", ".join(self.piece.paths[:3]) + (", ..." if len(self.piece.paths) > 3 else "")
            return f"{shown} (from line {self.piece.first_line})" if self.piece.lines else shown
        sources = sorted({article.source for _, article in self.tasks or ()})
        return ", ".join(sources[:3]) + (", ..." if len(sources) > 3 else "")


# One geoparser per worker process and spec, built on first use and kept for the next batches.
_PARSERS: dict[tuple[Any, ...], Any] = {}
_PARSERS_LOCK = threading.Lock()
# A long-lived Dask worker may serve runs with other options; each parser holds hundreds of MB.
_MAX_PARSERS = 2


def _parser_for(spec: _Spec) -> Any:
    key = spec.cache_key()
    with _PARSERS_LOCK:
        parser = _PARSERS.get(key)
        if parser is None:
            while len(_PARSERS) >= _MAX_PARSERS:
                del _PARSERS[next(iter(_PARSERS))]
            parser = _PARSERS[key] = _build_parser(spec)
    return parser


def _build_parser(spec: _Spec) -> Any:
    from geo.gazetteer.index import Gazetteer
    from geo.parsing.pipeline import Geoparser

    where = f"worker {socket.gethostname()} (pid {os.getpid()})"
    try:
        gazetteer = Gazetteer(spec.gazetteer_path)
    except (GeoError, OSError, sqlite3.Error) as err:
        raise GazetteerError(
            f"{where} cannot open the gazetteer index {spec.gazetteer_path} ({err}); make the index reachable at this "
            "path on every worker: a shared filesystem, GEO_CACHE_DIR on a shared volume, or 'geo gazetteer build' "
            "on each worker with the same package versions"
        ) from err
    if _stamp_hash(gazetteer.stamp) != spec.stamp_hash:
        raise GazetteerError(
            f"{where}: the gazetteer index {spec.gazetteer_path} is another build than the one this run started with "
            f"(stamp {_stamp_hash(gazetteer.stamp)[:12]} here, {spec.stamp_hash[:12]} wanted); install the same "
            "package versions and curated files on every worker and rebuild ('geo gazetteer build'), or share one index"
        )
    factory = spec.factory or Geoparser
    try:
        parser = factory(gazetteer, demonyms=spec.demonyms, rules=spec.rules)
        # Set here, not passed: factories of Geoparser subclasses take the three arguments above.
        parser.max_chars = spec.max_chars
        return parser
    except GeoError:
        raise
    except Exception as err:
        raise GazetteerError(
            f"{where} cannot build the geoparser over {spec.gazetteer_path} ({type(err).__name__}: {err}); "
            "check that the worker has enough memory (about 600 MB) and the same geo version as this machine"
        ) from err


# In a local pool's worker: (the pool's shared clock, this worker's slot in it); see _LocalEngine._watch.
_CLOCK: tuple[Any, int] | None = None
# A slot of the clock: the worker's pid, when its current article started (0: idle), and the article's tag.
_CLOCK_FIELDS = 3


def _tag(key: bytes) -> float:
    """48 bits of an article's key, which a double holds exactly: enough to tell the articles in flight apart."""
    return float(int.from_bytes(key[:6], "little"))


def _init_worker(spec: _Spec, parent: int, clock: Any = None, slots: Any = None) -> None:
    """Process-pool initializer: build the geoparser before the first batch arrives."""
    global _CLOCK
    # Ctrl-C reaches the whole process group; the run's own process handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if clock is not None:
        with slots.get_lock():
            slot = slots.value
            slots.value += 1
        if _CLOCK_FIELDS * (slot + 1) <= len(clock):
            clock[_CLOCK_FIELDS * slot] = os.getpid()
            _CLOCK = (clock, slot)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="geo-watch-parent").start()
    try:
        _parser_for(spec)
    except Exception:
        logger.debug("worker %s could not build its geoparser", os.getpid(), exc_info=True)
    # The parser's tables and word lists live as long as the worker: out of the collector's sight,
    # a full collection walks only what the articles leave behind.
    gc.collect()
    gc.freeze()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the number now belongs to another user's process
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            # A killed parent that nobody has reaped yet is a zombie: dead all the same.
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _watch_parent(pid: int) -> None:
    # Pool workers are children of the fork server, not of the run: without this they would
    # outlive a run killed with SIGKILL, each holding its gazetteer in memory.
    while True:
        time.sleep(1.0)
        if not _alive(pid):
            os._exit(1)


# An article's fields in order: a batch crosses to a worker as plain tuples of them.
_ARTICLE_FIELDS = operator.attrgetter(*(f.name for f in fields(Article)))


class _Batch(list[tuple[bytes, Article]]):
    """A batch of (key, article) tasks that pickles each article as the tuple of its fields.

    For the articles the run's process reads itself (standard input, large files it
    cannot cut): a dataclass with slots pickles through its state, more than twice
    the work of a plain tuple of its fields.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpacked_batch, ([(key, _ARTICLE_FIELDS(article)) for key, article in self],)


def _unpacked_batch(packed: list[tuple[bytes, tuple[Any, ...]]]) -> _Batch:
    return _Batch((key, Article(*values)) for key, values in packed)


def _run_unit(spec: _Spec, unit: _Unit) -> _Outcome:
    """In a worker: read a unit, key its articles, parse those the folder does not hold yet."""
    outcome = _Outcome()
    keyed = _unit_articles(spec, unit, outcome)
    if unit.listing:
        outcome.listed = [(key, article.id, article.source, len(article.text)) for key, _, article in keyed]
        return outcome
    if unit.only is not None:
        keyed = keyed[unit.only : unit.only + 1]
        outcome.problems = []  # the listing reported them
    known = _known_keys(spec, [key for key, _, _ in keyed])
    parser = _parser_for(spec)
    columns: dict[str, list[Any]] = {name: [] for name in (*PART_COLUMNS, "geometry")}
    parsed: list[tuple[_Entry, Article, dict[str, list[Any]]]] = []
    for key, content, article in keyed:
        entry = _Entry(key, content, article.id, article.source, article.origin)
        outcome.entries.append(entry)
        if key in known:
            continue  # the run's process sorts it out: skipped, or an id that names another article
        try:
            with _BUDGETS.limit(spec.article_timeout), _clocked(key):
                rows = _article_rows(parser, article, spec.stamp_hash)
        except ArticleTimeout:
            entry.failure = _timeout_failure(article.id, article.source, len(article.text), spec.article_timeout)
            continue
        except IndexCorruptError:
            raise  # the run stops with the index named: every other article would fail the same way
        except Exception as err:  # noqa: BLE001 - one bad article never sinks the batch
            entry.failure = _failure(article, err)
            continue
        entry.mentions = len(rows["doc"])
        parsed.append((entry, article, rows))
        for name, values in rows.items():
            columns[name].extend(values)
    outcome.table = _rows_table(columns, parsed)
    return outcome


def _rows_table(columns: dict[str, list[Any]], parsed: list[tuple[_Entry, Article, dict[str, list[Any]]]]) -> Any:
    """The parsed articles' rows as one table; an article whose rows do not convert fails alone."""
    import pyarrow as pa

    try:
        return _batch_table(columns)
    except (pa.ArrowException, UnicodeError, TypeError, ValueError):
        pass
    tables = []
    for entry, article, rows in parsed:
        try:
            tables.append(_batch_table(rows))
        except (pa.ArrowException, UnicodeError, TypeError, ValueError) as err:
            entry.failure, entry.mentions = _failure(article, err), _KNOWN
    return pa.concat_tables(tables) if tables else None


def _unit_articles(spec: _Spec, unit: _Unit, outcome: _Outcome) -> list[tuple[bytes, bytes, Article]]:
    """(key, content digest, article) of every article of the unit, in input order; read problems into ``outcome``."""
    if unit.tasks is not None:
        return [(key, _content_digest(article), article) for key, article in unit.tasks]
    from geo.parsing.articles import read_piece

    assert unit.piece is not None

    def report(problem: ArticleProblem) -> None:
        outcome.problems.append(_problem_record(problem))

    reading = dict(spec.reading)
    articles = read_piece(unit.piece, on_error=report, **reading)
    return [(*_article_key(article, spec.config_digest), article) for article in articles]


def _problem_record(problem: ArticleProblem) -> dict[str, Any]:
    return {
        "stage": "read",
        "doc": None,
        "source": problem.source,
        "line": problem.line,
        "error": problem.message,
        "fatal": problem.fatal,
    }


# Per worker process: a read-only connection to each folder's manifest, for the keys done already.
_MANIFESTS: dict[str, sqlite3.Connection | None] = {}
_MANIFESTS_LOCK = threading.Lock()


def _known_keys(spec: _Spec, keys: list[bytes]) -> set[bytes]:
    """Which of ``keys`` the folder's manifest holds: parsed by an earlier run (or, with other content, a clash).

    Only a shortcut: the run's process decides, at commit, what is written.
    """
    if spec.manifest is None or not keys:
        return set()
    with _MANIFESTS_LOCK:
        if spec.manifest not in _MANIFESTS:
            try:
                uri = Path(spec.manifest).as_uri() + "?mode=ro"
                _MANIFESTS[spec.manifest] = sqlite3.connect(uri, uri=True, check_same_thread=False)
            except sqlite3.Error:
                _MANIFESTS[spec.manifest] = None
        con = _MANIFESTS[spec.manifest]
        if con is None:
            return set()
        found: set[bytes] = set()
        try:
            for i in range(0, len(keys), _SQL_CHUNK):
                chunk = keys[i : i + _SQL_CHUNK]
                query = f"SELECT key FROM articles WHERE key IN ({','.join('?' * len(chunk))})"
                found.update(row[0] for row in con.execute(query, chunk))
        except sqlite3.Error:
            return set()  # parsed, then sorted out at commit
        return found


class ArticleTimeout(Exception):
    """An article took longer than the run's per-article time budget."""


class _Budgets:
    """Per-article deadlines of this process's parsing threads, and one watchdog thread that enforces them.

    A deadline that passes gets :class:`ArticleTimeout` raised asynchronously in
    its thread (CPython's ``PyThreadState_SetAsyncExc``), which works in any
    thread: Dask runs tasks in worker threads, where no signal can reach. It
    lands at the next bytecode, so it stops the pure-Python work where parsing
    spends its time; a worker stuck inside native code is killed from outside
    instead (:meth:`_LocalEngine._watch`). One thread for all articles: a timer
    per article would start a thread per article.
    """

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.deadlines: dict[int, float] = {}  # thread ident -> time.monotonic() deadline
        self.watchdog: threading.Thread | None = None

    @contextlib.contextmanager
    def limit(self, seconds: float | None) -> Iterator[None]:
        if not seconds:
            yield
            return
        ident = threading.get_ident()
        with self.changed:
            self.deadlines[ident] = time.monotonic() + seconds
            if self.watchdog is None or not self.watchdog.is_alive():
                self.watchdog = threading.Thread(target=self._enforce, daemon=True, name="geo-article-budget")
                self.watchdog.start()
            self.changed.notify()
        try:
            yield
        finally:
            with self.changed:
                if self.deadlines.pop(ident, None) is None:
                    # It fired; if the block ended before the exception landed, withdraw it.
                    _raise_in(ident, None)

    def _enforce(self) -> None:
        with self.changed:
            while True:
                now = time.monotonic()
                for ident in [i for i, deadline in self.deadlines.items() if deadline <= now]:
                    del self.deadlines[ident]
                    _raise_in(ident, ArticleTimeout)
                self.changed.wait(min(self.deadlines.values(), default=now + 60.0) - now)


def _raise_in(ident: int, exception: type[BaseException] | None) -> None:
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), None if exception is None else ctypes.py_object(exception)
    )


_BUDGETS = _Budgets()


@contextlib.contextmanager
def _clocked(key: bytes) -> Iterator[None]:
    """Show the run's process which article this worker is on, and since when: it stops one stuck in native code."""
    if _CLOCK is None:
        yield
        return
    clock, slot = _CLOCK
    base = _CLOCK_FIELDS * slot
    clock[base + 2] = _tag(key)
    clock[base + 1] = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of the machine
    try:
        yield
    finally:
        clock[base + 1] = 0.0


def _timeout_failure(doc: str, source: str, characters: int, seconds: float | None) -> dict[str, Any]:
    return {
        "stage": "parse",
        "doc": doc,
        "source": source,
        "error": f"ArticleTimeout: parsing took longer than the budget of {seconds:g} s per article and was stopped "
        f"({characters:,} characters); give a larger budget (--article-timeout SECONDS), or split the "
        "article (--max-chars)",
        "where": "",
    }


def _died_failure(named: _Listed) -> dict[str, Any]:
    return {
        "stage": "parse",
        "doc": named[1],
        "source": named[2],
        "error": "the worker process died while parsing this article (out of memory, or a crash in "
        "native code); check the article's size and content",
        "where": "",
    }


def _run_pickled(spec: _Spec, payload: bytes) -> _Outcome:
    """A Dask task: :func:`_run_unit` on a unit the client pickled itself.

    As plain arguments, the unit's bytes would be unpickled by the scheduler and
    pickled again for the worker; as bytes they pass through untouched.
    """
    return _run_unit(spec, pickle.loads(payload))


# WKB per (gazetteer, place id, drawn as its own shape): country outlines are big and repeat a lot.
_GEOMETRY_CACHE: dict[tuple[str, str, bool], bytes] = {}
_GEOMETRY_CACHE_SIZE = 20_000


def _article_rows(parser: Any, article: Article, gazetteer: str) -> dict[str, list[Any]]:
    from geo.output import mention_geometry

    for label, value in (("text", article.text), ("id", article.id), ("title", article.title), ("url", article.url)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError(
                f"the article's {label} holds {value[err.start : err.end]!r} at offset {err.start}, which is not a "
                "character (a lone UTF-16 surrogate, e.g. a stray \\ud800 escape in JSON) and cannot be written; "
                "fix or remove it in the input"
            ) from err
    source = _article_source(article)
    mentions = parser.parse_article(article)
    records = [mention_record(m) for m in mentions]
    # Column by column: one comprehension per column and article, not an append per cell.
    rows: dict[str, list[Any]] = {name: [record[name] for record in records] for name in RECORD_FIELDS}
    rows["source"] = [source] * len(records)
    geometry = rows["geometry"] = []
    for m in mentions:
        drawn = bool(m.place.geometry) and m.kind == "toponym"
        cache_key = (gazetteer, m.place.id, drawn)
        wkb = _GEOMETRY_CACHE.get(cache_key)
        if wkb is None:
            if len(_GEOMETRY_CACHE) >= _GEOMETRY_CACHE_SIZE:
                _GEOMETRY_CACHE.clear()
            wkb = _GEOMETRY_CACHE[cache_key] = mention_geometry(m).wkb
        geometry.append(wkb)
    return rows


def _article_source(article: Article) -> str:
    """The article's source for aggregation: its URL's host, else the file it was read from."""
    if article.url:
        from urllib.parse import urlsplit

        with contextlib.suppress(ValueError):
            host = urlsplit(article.url if "//" in article.url else f"//{article.url}").hostname
            if host:
                return host.removeprefix("www.")
    return _SUFFIX_LINE.sub("", article.source)


def _failure(article: Article, err: BaseException) -> dict[str, Any]:
    frames = traceback.extract_tb(err.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return {
        "stage": "parse",
        "doc": article.id,
        "source": article.source,
        "error": f"{type(err).__name__}: {err}",
        "where": where,
    }


_SCHEMAS: dict[bool, pyarrow.Schema] = {}


def _part_schema(shared_geometry: bool = False) -> pyarrow.Schema:
    """The columns of a part; with ``shared_geometry``, of a batch's table, whose geometry is dictionary-encoded."""
    schema = _SCHEMAS.get(shared_geometry)
    if schema is None:
        import pyarrow as pa

        fields = []
        for name in PART_COLUMNS:
            kind = pa.int64() if name in _INT_COLUMNS else pa.float64() if name in _FLOAT_COLUMNS else pa.string()
            fields.append(pa.field(name, kind))
        geometry = pa.dictionary(pa.int32(), pa.binary()) if shared_geometry else pa.binary()
        fields.append(pa.field("geometry", geometry))
        schema = _SCHEMAS[shared_geometry] = pa.schema(fields)
    return schema


def _batch_table(columns: dict[str, list[Any]]) -> pyarrow.Table:
    """A batch's rows as a table whose geometry holds each distinct shape once, with an index per mention.

    Mentions of one place carry the same WKB (a country's outline, many kilobytes): a batch
    sends each shape to the run's process once, not once per mention. Parts are written with
    plain WKB (:func:`_write_part` decodes the column).
    """
    import pyarrow as pa

    geometry = columns["geometry"]
    # The WKB of a place is one bytes object per worker (the geometry cache), so its hash is computed once.
    shapes: dict[bytes, int] = {}
    indices = [shapes.setdefault(wkb, len(shapes)) for wkb in geometry]
    encoded = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(list(shapes), pa.binary()))
    plain = {name: values for name, values in columns.items() if name != "geometry"}
    schema = _part_schema(shared_geometry=True)
    table = pa.Table.from_pydict(plain, schema=pa.schema(list(schema)[:-1]))
    return table.append_column(schema.field("geometry"), encoded)


# -- keys and configuration ----------------------------------------------------------------------


def _stamp_hash(stamp: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(stamp, sort_keys=True).encode()).hexdigest()


def _rules_state(rules: Rules) -> dict[str, Any]:
    return {
        "pins": dict(sorted(rules.pins.items())),
        "prefer": {k: sorted(v) for k, v in sorted(rules.prefer.items())},
        "ignore": sorted(rules.ignore),
    }


def _qualname(obj: Any) -> str | None:
    if obj is None:
        return None
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _config(
    stamp: dict[str, Any], demonyms: bool, rules: Rules | None, reading: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything besides the articles that decides a folder's mentions: a resumed run must match it."""
    return {
        "format": _FORMAT,
        "gazetteer": _stamp_hash(stamp),
        "demonyms": demonyms,
        "rules": None if rules is None else _rules_state(rules),
        **(reading or {}),
    }


def _hash(*values: str) -> bytes:
    h = hashlib.sha256()
    for value in values:
        # surrogatepass: whatever the text holds, it hashes.
        data = value.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    # 128 bits: no collision in any corpus that fits on disk, and half the manifest's size.
    return h.digest()[:16]


def _content_digest(article: Article) -> bytes:
    published = article.published.isoformat() if article.published else ""
    return _hash(published, article.title, article.url, article.text)


def _article_key(article: Article, config_digest: bytes) -> tuple[bytes, bytes]:
    """(key, content digest) of an article: where it sits in its input counts for neither.

    The key is the article's own id when its record has one, else its file and
    its content: the same text under two files is two articles, and a line
    added before it, or a file beside it, leaves its key as it was.
    """
    content = _content_digest(article)
    origin = article.origin or f"id:{article.id}"
    identity = origin if origin.startswith("id:") else f"{origin}\n{content.hex()}"
    return _hash(config_digest.hex(), identity), content


# -- the manifest --------------------------------------------------------------------------------


class _Manifest:
    """``_manifest.sqlite``: configuration, committed parts, and each done article's part, content and id.

    It is also where an id is given out: in one folder an id names one
    article. An article whose id the folder already gave to another (two
    ``index.txt`` in two folders, a record moved down a file by a new first
    line) gets ``#`` and a part of its key appended.
    """

    def __init__(self, out_dir: Path, config: dict[str, Any], stamp: dict[str, Any]) -> None:
        self.path = out_dir / MANIFEST_NAME
        # Articles admitted and waiting in the part buffer, not committed yet: key -> (content, id), id -> key.
        self.reserved: dict[bytes, tuple[bytes, str]] = {}
        self.reserved_ids: dict[str, bytes] = {}
        try:
            self.con = sqlite3.connect(self.path, isolation_level=None)
            self.con.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives any process crash; a power loss may drop the last commit,
            # which only turns its part into an orphan that the next run deletes and redoes.
            self.con.execute("PRAGMA synchronous=NORMAL")
            self.con.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            found = dict(self.con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as err:
            raise InputError(
                f"the manifest {self.path} cannot be read ({err}); if the folder holds nothing you need, delete it "
                "and run again, else write to a new output folder"
            ) from err
        wanted = json.dumps(config, sort_keys=True)
        if "config" in found and found["config"] != wanted:
            self.con.close()
            raise InputError(_config_mismatch(out_dir, json.loads(found["config"]), config))
        self.con.executescript(
            """
            CREATE TABLE IF NOT EXISTS parts(
                number INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                articles INTEGER NOT NULL, mentions INTEGER NOT NULL, written TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS articles(
                key BLOB PRIMARY KEY, part INTEGER NOT NULL, content BLOB NOT NULL, doc TEXT NOT NULL UNIQUE
            ) WITHOUT ROWID;
            """
        )
        if "config" not in found:
            with self.transaction():
                self.con.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [("config", wanted), ("stamp", json.dumps(stamp, sort_keys=True)), ("created", _now())],
                )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def parts(self) -> dict[str, int]:
        return dict(self.con.execute("SELECT name, number FROM parts").fetchall())

    def forget_part(self, number: int) -> int:
        with self.transaction():
            n = self.con.execute("DELETE FROM articles WHERE part = ?", (number,)).rowcount
            self.con.execute("DELETE FROM parts WHERE number = ?", (number,))
        return n

    def next_number(self) -> int:
        (top,) = self.con.execute("SELECT COALESCE(MAX(number), 0) FROM parts").fetchone()
        return int(top) + 1

    def _select(self, column: str, values: list[Any], result: str) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        for i in range(0, len(values), _SQL_CHUNK):
            chunk = values[i : i + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT {column}, {result} FROM articles WHERE {column} IN ({marks})"
            found.update(self.con.execute(query, chunk).fetchall())
        return found

    def admit(self, entries: list[_Entry]) -> list[str | None]:
        """Sort a unit's articles, in input order, into what to write, skip and report.

        For each entry: ``"new"`` for one to write, reserved under the id it
        is to carry (``entry.doc`` is set to it) until its part is committed;
        ``"done"`` for one parsed already (by an earlier run, or met before in
        this one: the later copy is dropped); ``"clash"`` for one whose own id
        names an article of other content in this folder; ``"failed"`` for one
        that failed and is not done; ``None`` for one that failed but whose
        key is done already (nothing to report).
        """
        stored = self._select("key", [e.key for e in entries], "content")
        given = self._select("doc", sorted({e.doc for e in entries if e.parsed}), "key")
        verdicts: list[str | None] = []
        for entry in entries:
            key = entry.key
            seen = stored.get(key)
            if seen is None and key in self.reserved:
                seen = self.reserved[key][0]
            if entry.failure is not None:
                verdicts.append("failed" if seen is None else None)
                continue
            if seen is not None:
                verdicts.append("done" if seen == entry.content else "clash")
                continue
            if not entry.parsed:
                # The worker saw the key in the manifest, which only grows during a run.
                raise GeoError(f"internal error: article {entry.doc!r} was skipped by its worker but is not done")
            doc, wanted, n = entry.doc, entry.doc, 8
            while self.reserved_ids.get(doc, given.get(doc)) not in (None, key):
                doc = f"{wanted}#{key.hex()[:n]}"
                n += 4
                given.update(self._select("doc", [doc], "key"))
            self.reserved[key] = (entry.content, doc)
            self.reserved_ids[doc] = key
            entry.doc = doc
            verdicts.append("new")
        return verdicts

    def stored(self, keys: list[bytes]) -> dict[bytes, bytes]:
        """Content digest of each of ``keys`` that a committed part holds."""
        return self._select("key", keys, "content") if keys else {}

    def holds_articles(self) -> bool:
        return self.con.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def release(self, keys: Iterable[bytes]) -> None:
        """Forget reservations of articles that failed: they are not in any part."""
        for key in keys:
            entry = self.reserved.pop(key, None)
            if entry is not None:
                self.reserved_ids.pop(entry[1], None)

    def commit_part(self, number: int, name: str, keys: list[bytes], mentions: int) -> None:
        # In key order: the inserts walk the key index's pages in order rather than at random.
        rows = sorted((k, number, *self.reserved[k]) for k in keys)
        with self.transaction():
            self.con.execute("INSERT INTO parts VALUES (?, ?, ?, ?, ?)", (number, name, len(keys), mentions, _now()))
            self.con.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
        self.release(keys)

    def close(self) -> None:
        self.con.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _config_mismatch(out_dir: Path, found: dict[str, Any], wanted: dict[str, Any]) -> str:
    if found.get("format") != wanted["format"]:
        return (
            f"the output folder {out_dir} was written by an older version of geo (batch format "
            f"{found.get('format')}), whose article keys depend on where an article sits in its input, so "
            f"resuming it could count articles twice; its parts can still be read (geo map, geo aggregate, "
            f"read_mentions). Write to a new output folder, or delete {out_dir} to parse everything again"
        )
    differ = sorted(k for k in set(found) | set(wanted) if k != "format" and found.get(k) != wanted.get(k))
    shown = ", ".join(_OPTION_NAMES.get(k, k) for k in differ)
    return (
        f"the output folder {out_dir} holds results made with another gazetteer build or other options "
        f"({shown}) than this run; mixing them would give mentions of two kinds. Write to a new "
        f"output folder, or delete {out_dir} to parse everything again"
    )


# How each configuration entry is set, for the message that says which one differs.
_OPTION_NAMES = {
    "gazetteer": "gazetteer build",
    "demonyms": "demonyms",
    "rules": "rules",
    "default_date": "--date",
    "max_chars": "--max-chars",
    "encoding": "--encoding",
    "columns": "--text-column/--id-column/...",
}


# -- writing parts -------------------------------------------------------------------------------


class _PartWriter:
    """Collects batch results and commits them as parts: file first, manifest second."""

    def __init__(self, out_dir: Path, manifest: _Manifest, stamp: dict[str, Any], part_size: int) -> None:
        self.out_dir = out_dir
        self.manifest = manifest
        self.stamp = stamp
        self.part_size = part_size
        self.tables: list[pyarrow.Table] = []
        self.keys: list[bytes] = []
        self.mentions = 0
        self.started = time.monotonic()
        self.parts_written = 0

    def add(self, table: pyarrow.Table | None, keys: list[bytes], mentions: int) -> list[bytes]:
        """Buffer a unit's admitted rows; returns the keys committed if this made a part."""
        if table is not None and table.num_rows:
            self.tables.append(table)
        self.keys.extend(keys)
        self.mentions += mentions
        full = len(self.keys) >= self.part_size or self.mentions >= _PART_MENTIONS
        if full or (self.keys and time.monotonic() - self.started >= _PART_SECONDS):
            return self.flush()
        return []

    def flush(self) -> list[bytes]:
        import pyarrow as pa

        if not self.keys:
            return []
        # Taken out of the buffer first: if this is interrupted, the articles are redone next run,
        # never committed twice.
        tables, keys, mentions = self.tables, self.keys, self.mentions
        self.tables, self.keys, self.mentions = [], [], 0
        self.started = time.monotonic()
        number = self.manifest.next_number()
        name = f"part-{number:06d}.parquet"
        table = pa.concat_tables(tables) if tables else _part_schema(shared_geometry=True).empty_table()
        target = self.out_dir / name
        from geo.atomicio import atomic_path

        try:
            # Fsynced and renamed, the folder fsynced, before the manifest names it: a listed part is always whole.
            with atomic_path(target, streamable=False) as tmp:
                _write_part(table, tmp, self.stamp)
        except OutputError as err:
            raise OutputError(f"{err}; then run the same command again: finished parts are kept") from err
        self.manifest.commit_part(number, name, keys, mentions)
        logger.debug("committed %s: %d articles, %d mentions", name, len(keys), mentions)
        self.parts_written += 1
        return keys


# GeoParquet's names of the WKB geometry types, by shapely's type id (a linear ring is written as a line string).
_GEOMETRY_TYPE_NAMES = (
    "Point",
    "LineString",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)
# The GeoParquet version of the ``geo`` metadata written.
_GEOPARQUET_VERSION = "1.1.0"
_CRS_JSON: dict[str, Any] | None = None


def _crs_json() -> dict[str, Any]:
    """EPSG:4326 as PROJJSON, without ids on datum ensemble members (older PROJ builds reject the newer ids)."""
    global _CRS_JSON
    if _CRS_JSON is None:
        import pyproj

        def without_member_ids(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "members" and isinstance(value, list):
                        for member in value:
                            if isinstance(member, dict):
                                member.pop("id", None)
                    else:
                        without_member_ids(value)

        crs = pyproj.CRS.from_epsg(4326).to_json_dict()
        without_member_ids(crs)
        _CRS_JSON = crs
    return _CRS_JSON


def _geo_metadata(distinct: list[bytes]) -> bytes:
    """GeoParquet's ``geo`` metadata of a part whose geometry column holds these distinct WKB shapes.

    Geometry types, bounding box and CRS depend only on the set of shapes; worked out with
    shapely alone, so the run's process never imports geopandas (and pandas) to write a part.
    """
    import math

    import shapely

    import geo

    shapes = shapely.from_wkb(distinct)
    kinds = shapely.get_type_id(shapes).tolist()
    three_d = shapely.has_z(shapes).tolist()
    types = sorted(
        {_GEOMETRY_TYPE_NAMES[kind] + (" Z" if z else "") for kind, z in zip(kinds, three_d, strict=True) if kind >= 0}
    )
    column: dict[str, Any] = {"encoding": "WKB", "crs": _crs_json(), "geometry_types": types}
    bbox = shapely.total_bounds(shapes).tolist() if len(shapes) else []
    if bbox and all(math.isfinite(v) for v in bbox):  # no bounding box for a part without shapes
        column["bbox"] = bbox
    metadata = {
        "primary_column": "geometry",
        "columns": {"geometry": column},
        "version": _GEOPARQUET_VERSION,
        "creator": {"library": "geo", "version": geo.__version__},
    }
    return json.dumps(metadata).encode()


def _write_part(table: pyarrow.Table, path: Path, stamp: dict[str, Any]) -> None:
    """Write a part as GeoParquet straight from Arrow, with the gazetteer stamp in its metadata.

    Not through a GeoDataFrame: that would hold every row as Python objects,
    several times the memory of the Arrow table. GeoParquet's ``geo``
    metadata (geometry types, bounding box, CRS) depends only on the set of
    distinct shapes (:func:`_geo_metadata`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from geo.output import PARQUET_STAMP_KEY

    stamped = {PARQUET_STAMP_KEY: json.dumps(stamp, sort_keys=True).encode()}
    geometry = table.column("geometry")
    if pa.types.is_dictionary(geometry.type) and table.num_rows:
        # Batches' tables hold each shape once per batch: with one dictionary for the part, each shape is
        # written once, as Parquet's own dictionary encoding of a plain binary column (what readers expect:
        # no Arrow schema is stored that would make it a dictionary column again). Decoding to one WKB per
        # mention first cost the run's process more than all else it does.
        table = table.unify_dictionaries().combine_chunks()
        distinct = table.column("geometry").chunk(0).dictionary
        metadata = {b"geo": _geo_metadata(distinct.to_pylist()), **stamped}
        # Country outlines run to megabytes together: a dictionary page of the default 1 MB would fall back
        # to a copy of each shape per row.
        limit = max(1 << 20, 2 * distinct.nbytes)
        with pq.ParquetWriter(path, table.schema, store_schema=False, dictionary_pagesize_limit=limit) as writer:
            writer.write_table(table)
            writer.add_key_value_metadata(metadata)
        return
    if pa.types.is_dictionary(geometry.type):
        index = table.schema.get_field_index("geometry")
        table = table.set_column(index, pa.field("geometry", pa.binary()), geometry.cast(pa.binary()))
    distinct = pc.unique(table.column("geometry")).to_pylist()
    pq.write_table(table.replace_schema_metadata({b"geo": _geo_metadata(distinct), **stamped}), path)


class _Errors:
    """``_errors.jsonl``: rewritten by each run, one line per failure, flushed as it goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.handle: TextIO = path.open("w", encoding="utf-8")
        except OSError as err:
            raise InputError(
                f"cannot write {path} ({err.strerror or err}); check the output folder's permissions"
            ) from err
        self.count = 0
        self.unreadable = 0
        self.warnings = 0

    def write(self, record: dict[str, Any]) -> None:
        # ensure_ascii: ids and messages may hold lone surrogates, which UTF-8 cannot carry.
        self.handle.write(json.dumps(record) + "\n")
        self.handle.flush()
        self.count += 1

    def problem(self, problem: ArticleProblem) -> None:
        self.record_problem(_problem_record(problem))

    def record_problem(self, record: dict[str, Any]) -> None:
        """An input problem, as :func:`_problem_record` wrote it (in a worker, or here)."""
        if record["fatal"]:
            self.unreadable += 1
        else:
            self.warnings += 1
        self.write(record)

    def close(self) -> None:
        self.handle.close()


# -- engines: where batches are parsed -----------------------------------------------------------


_Result = tuple[_Unit, "_Outcome | BaseException"]


class _Died(Exception):
    """The worker process running a retry of one article (or a listing) died."""


def _one_by_one(unit: _Unit, alone: Callable[[_Unit], _Outcome | BaseException]) -> _Outcome:
    """A unit that failed as a whole, redone an article at a time so that only the culprit is recorded.

    First its articles are listed (read and keyed, not parsed), then each is
    parsed alone; ``alone`` runs a unit by itself and waits for it.
    """
    listing = alone(replace(unit, listing=True))
    if isinstance(listing, GeoError):
        raise listing
    if isinstance(listing, BaseException):
        detail = "the worker process died" if isinstance(listing, _Died) else f"{type(listing).__name__}: {listing}"
        record = {
            "stage": "read",
            "doc": None,
            "source": unit.where(),
            "line": None,
            "error": f"reading this input failed ({detail}); check that the file is complete and in a format geo "
            "reads, then run the same command again",
            "fatal": True,
        }
        return _Outcome(problems=[record])
    merged = _Outcome(problems=listing.problems)
    for position, named in enumerate(listing.listed):
        result = alone(replace(unit, only=position, named=named))
        if isinstance(result, GeoError):
            raise result
        if isinstance(result, BaseException):
            key, doc, source, _ = named
            failure = _died_failure(named) if isinstance(result, _Died) else _named_failure(named, result)
            result = _Outcome(entries=[_Entry(key, b"", doc, source, "", failure=failure)])
        merged.extend(result)
    return merged


def _named_failure(named: _Listed, err: BaseException) -> dict[str, Any]:
    return {"stage": "parse", "doc": named[1], "source": named[2], "error": f"{type(err).__name__}: {err}", "where": ""}


class _LocalEngine:
    """A process pool on this machine, one geoparser per worker process.

    Results come back in the order the units were submitted, so that of two
    copies of an article the first in the input is the one written.
    """

    def __init__(self, spec: _Spec, jobs: int) -> None:
        self.spec = spec
        self.jobs = jobs
        methods = multiprocessing.get_all_start_methods()
        # Not fork: the parent may hold threads and open SQLite handles that a forked child must not inherit.
        self.context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        # Started on the first unit: a run with nothing left to do starts no worker.
        self.pool: cf.ProcessPoolExecutor | None = None
        self.pending: deque[tuple[_Unit, cf.Future[_Outcome] | _Outcome | BaseException]] = deque()
        self.limit = 2 * jobs
        self.budget = spec.article_timeout
        self.clock: Any = None
        self.overran = False  # this pool's last death was a worker stopped for overrunning the budget
        self.overrun_tags: set[float] = set()  # articles whose worker was stopped: not retried
        self.deaths = 0  # deaths in a row of workers running single articles

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        initargs: tuple[Any, ...] = (self.spec, os.getpid())
        if self.budget:
            # Per worker: its pid and when its current article started (0: idle). A fresh clock per pool.
            self.clock = self.context.Array("d", _CLOCK_FIELDS * self.jobs, lock=False)
            initargs += (self.clock, self.context.Value("i", 0))
        self.overran = False
        return cf.ProcessPoolExecutor(self.jobs, mp_context=self.context, initializer=_init_worker, initargs=initargs)

    def _renew_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def _wait(self, futures: Iterable[cf.Future[_Outcome]]) -> set[cf.Future[_Outcome]]:
        """Wait for the first of ``futures``, stopping any worker that overruns the budget meanwhile."""
        while True:
            done, _ = cf.wait(futures, timeout=1.0 if self.budget else None, return_when=cf.FIRST_COMPLETED)
            if done:
                return done
            self._watch()

    def _watch(self) -> None:
        """Kill a worker whose article runs well past the budget.

        The budget is enforced inside the worker first (:class:`_Budgets`);
        this is for a worker that cannot be stopped from within, stuck in
        native code. Its pool then breaks and :meth:`_recover` sorts out the
        articles, recording the one that ran over.
        """
        if self.clock is None or not self.budget:
            return
        limit = self.budget + max(5.0, self.budget / 4)
        now = time.monotonic()
        for base in range(0, len(self.clock), _CLOCK_FIELDS):
            pid, started, tag = int(self.clock[base]), self.clock[base + 1], self.clock[base + 2]
            if pid and started and now - started > limit:
                logger.warning(
                    "a worker (pid %d) is past the %g s budget in native code; stopping it", pid, self.budget
                )
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self.clock[base + 1] = 0.0
                self.overran = True
                self.overrun_tags.add(tag)

    @property
    def in_flight(self) -> int:
        return len(self.pending)

    def submit(self, unit: _Unit | list[tuple[bytes, Article]]) -> None:
        if not isinstance(unit, _Unit):
            unit = _Unit(tasks=_Batch(unit))
        if self.pool is None:
            self.pool = self._new_pool()
        self.pending.append((unit, self.pool.submit(_run_unit, self.spec, unit)))

    def next_result(self) -> _Result:
        unit, head = self.pending[0]
        if isinstance(head, cf.Future):
            self._wait([head])
            if isinstance(head.exception(), cf.process.BrokenProcessPool):
                self._recover()
            else:
                self.pending[0] = (unit, head.exception() or head.result())
        unit, result = self.pending.popleft()
        assert not isinstance(result, cf.Future)
        return unit, result

    def _recover(self) -> None:
        """A worker died: every unit in flight is lost; redo them an article at a time to find the culprit."""
        suspects = []
        for i, (unit, future) in enumerate(self.pending):
            if not isinstance(future, cf.Future):
                continue
            with contextlib.suppress(cf.CancelledError, cf.TimeoutError):
                err = future.exception(timeout=0)
                if not isinstance(err, cf.process.BrokenProcessPool):
                    self.pending[i] = (unit, err if err is not None else future.result())
                    continue
            suspects.append(i)
        logger.warning(
            "%s; retrying the articles of its %d units one by one",
            "a worker was stopped, past the per-article time budget"
            if self.overran
            else "a worker process died (out of memory, or a crash in native code)",
            len(suspects),
        )
        self._renew_pool()
        for i in suspects:
            unit = self.pending[i][0]
            self.pending[i] = (unit, _one_by_one(unit, self._alone))

    def _alone(self, unit: _Unit) -> _Outcome | BaseException:
        """Run one unit by itself (a listing, or one article) and wait: a death is its own article's fault."""
        named = unit.named
        if named is not None and _tag(named[0]) in self.overrun_tags:  # known culprit: recorded, not run again
            return self._timed_out(named)
        assert self.pool is not None
        future = self.pool.submit(_run_unit, self.spec, unit)
        self._wait([future])
        try:
            result = future.result()
        except cf.process.BrokenProcessPool:
            overran = self.overran
            self._renew_pool()
            if overran and named is not None:  # stopped by _watch: the article's fault, not the machine's
                return self._timed_out(named)
            self.deaths += 1
            if self.deaths >= _MAX_CONSECUTIVE_DEATHS:
                raise GeoError(
                    f"worker processes died {self.deaths} times in a row, also on single articles; they may be out "
                    "of memory (each needs about 600 MB): lower --jobs, then run the same command again to resume"
                ) from None
            return _Died()
        except Exception as err:  # noqa: BLE001 - handed to the caller like any unit's error
            return err
        self.deaths = 0
        return result

    def _timed_out(self, named: _Listed) -> _Outcome:
        key, doc, source, characters = named
        failure = _timeout_failure(doc, source, characters, self.budget)
        return _Outcome(entries=[_Entry(key, b"", doc, source, "", failure=failure)])

    def one_by_one(self, unit: _Unit) -> _Outcome:
        if self.pool is None:
            self.pool = self._new_pool()
        return _one_by_one(unit, self._alone)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


# Dask keeps its last 1,000 messages per connection, and each worker its last 1,000 task events,
# for debugging; ours carry a batch of articles each, so those logs held a whole 100,000-article
# corpus (GBs, and a garbage collector walking it all the time). A few are enough to debug with.
_CLIENT_CONFIG: dict[str, Any] = {"distributed.admin.low-level-log-length": 16}
_LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    **_CLIENT_CONFIG,
    # The workers' statistical profiler samples the running task's stack every 10 ms: 5-10% of a
    # worker's CPU, on a machine whose every core already parses.
    "distributed.worker.profile.enabled": False,
    # Diagnostics for the dashboard, which this cluster does not serve: every server (scheduler,
    # nannies, workers) woke 50 times a second to time its event loop, and polled psutil twice a
    # second. Waking less costs the workers' parsing threads fewer GIL hand-overs.
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
}


class _DaskEngine:
    """Workers of a dask.distributed cluster; results come back to this process."""

    def __init__(self, spec: _Spec, scheduler: Any, dask_local: bool, jobs: int | None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise InputError(
                "running on Dask needs dask.distributed; install it (pip install 'dask[distributed]') or run "
                "without --scheduler/--dask"
            ) from err
        import dask

        self.spec = spec
        self.cluster = None
        self.own_client = True
        if dask_local:
            # distributed sets its loggers to INFO when imported; this cluster's chatter follows this
            # process's level instead (WARNING unless the command line says --verbose).
            logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
            # Read when the scheduler, the nannies (which hand it to their worker processes) and the
            # client are made: set for this cluster only, not for the caller's other Dask work.
            with dask.config.set(_LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(
                    n_workers=jobs or _default_jobs(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # The scheduler serves its health routes anyway, on 8787 unless told: a free
                    # port on loopback, so a dashboard already on 8787 costs no warning.
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                )
                self.client = Client(self.cluster)
        elif isinstance(scheduler, str):
            try:
                with dask.config.set(_CLIENT_CONFIG):
                    self.client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as err:
                raise InputError(
                    f"cannot reach the Dask scheduler at {scheduler} ({err}); check the address and that the "
                    "scheduler is running (dask scheduler), or run locally without --scheduler"
                ) from err
        else:
            self.client = scheduler
            self.own_client = False
        threads = sum(self.client.nthreads().values()) or 1
        self.limit = 2 * threads
        self.pending: deque[tuple[_Unit, Any]] = deque()  # (unit, future), in the order submitted
        scheduler = self.client.scheduler
        logger.info("parsing on Dask: %s, %d worker threads", scheduler.address if scheduler else "?", threads)

    @property
    def in_flight(self) -> int:
        return len(self.pending)

    def _start(self, unit: _Unit) -> Any:
        payload = pickle.dumps(unit, protocol=pickle.HIGHEST_PROTOCOL)
        return self.client.submit(_run_pickled, self.spec, payload, pure=False)

    def submit(self, unit: _Unit | list[tuple[bytes, Article]]) -> None:
        if not isinstance(unit, _Unit):
            unit = _Unit(tasks=_Batch(unit))
        self.pending.append((unit, self._start(unit)))

    def next_result(self) -> _Result:
        unit, future = self.pending.popleft()
        return unit, self._result(future)

    @staticmethod
    def _result(future: Any) -> _Outcome | BaseException:
        try:
            result: _Outcome | BaseException = future.result()
        except Exception as err:  # noqa: BLE001 - KilledWorker and the like; sorted out by the caller
            result = err
        future.release()
        return result

    def one_by_one(self, unit: _Unit) -> _Outcome:
        return _one_by_one(unit, lambda alone: self._result(self._start(alone)))

    def close(self) -> None:
        if self.own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# -- the run -------------------------------------------------------------------------------------


def run_batch(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    gazetteer_path: str | os.PathLike[str] | None = None,
    demonyms: bool = True,
    rules: Rules | str | os.PathLike[str] | None = None,
    default_date: dt.date | str | None = None,
    jobs: int | None = None,
    scheduler: Any = None,
    dask_local: bool = False,
    batch_size: int = 200,
    part_size: int = 5000,
    progress: bool | None = None,
    geoparser_factory: Callable[..., Any] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    encoding: str | None = None,
    text_column: str = "text",
    date_column: str = "date",
    id_column: str = "id",
    title_column: str = "title",
    url_column: str = "url",
) -> BatchSummary:
    """Parse every article under ``paths`` into GeoParquet parts in ``out_dir``, resumably.

    Run it again with the same arguments after a crash or an interruption and
    it finishes the job: articles already in a part are skipped, and every
    mention ends up in exactly one part. See the module documentation for the
    folder layout and how crashes are handled.

    Parameters
    ----------
    paths : path or iterable of paths
        Files and folders in any format :func:`geo.parsing.articles.read_articles` reads.
    out_dir : path
        Output folder; created if missing. Holds parts, the manifest and ``_errors.jsonl``.
    gazetteer_path : path, optional
        The gazetteer index file; default: the cached index, built on first use.
        On Dask it must exist at this same path on every worker.
    demonyms : bool
        Whether demonyms ("Russian") count as mentions of their country.
    rules : Rules or path, optional
        Pins and exclusions (see :mod:`geo.parsing.rules`).
    default_date : datetime.date or ISO string, optional
        Publication date of articles that carry none.
    jobs : int, optional
        Worker processes for a local run (default: one per core, fewer if
        free memory holds fewer: each needs about 600 MB); workers of the
        local cluster with ``dask_local``.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``"tcp://host:8786"``) or a connected client:
        parse on that cluster.
    dask_local : bool
        Parse on a Dask ``LocalCluster`` started for this run.
    batch_size : int
        Articles sent to a worker at a time.
    part_size : int
        Articles per part file (a part is also cut at 100,000 mentions and
        every two minutes).
    progress : bool, optional
        Show a progress bar on standard error; default: when it is a terminal.
    geoparser_factory : callable, optional
        ``factory(gazetteer, demonyms=..., rules=...)`` building the parser in
        each worker, for a :class:`~geo.parsing.pipeline.Geoparser` subclass; it must
        be importable by the workers (a module-level name). Resuming assumes it
        gives the same output each time.
    max_chars : int
        Articles longer than this are parsed in chunks cut on sentence
        boundaries (see :class:`~geo.parsing.pipeline.Geoparser`).
    article_timeout : float or None
        Seconds one article may take; an article that takes longer is stopped
        and written to ``errors.jsonl``, and the run goes on. ``None``: no limit.
    encoding, text_column, date_column, id_column, title_column, url_column : str, optional
        How the input is read (see :func:`geo.parsing.articles.read_articles`).

    Returns
    -------
    BatchSummary

    Raises
    ------
    InputError
        Bad options, an output folder made with another gazetteer or options,
        another run writing to the same folder, or a part that cannot be written.
    GazetteerError
        A worker cannot open the index, or its index is another build.

    Examples
    --------
    >>> s = run_batch(["news.jsonl.gz"], "out/", jobs=2)  # doctest: +SKIP
    >>> s.articles, s.failures  # doctest: +SKIP
    (1000, 0)
    """
    from filelock import FileLock, Timeout

    from geo.parsing.rules import Rules as RulesClass
    from geo.parsing.rules import load_rules

    started = time.monotonic()
    for name, value in (("batch_size", batch_size), ("part_size", part_size)):
        if not isinstance(value, int) or value < 1:
            raise InputError(f"{name} is {value!r}; give a whole number of articles, 1 or more")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise InputError(
            f"jobs is {jobs!r}; give a number of worker processes, 1 or more (or leave it out for one per core)"
        )
    if scheduler is not None and dask_local:
        raise InputError("give either a Dask scheduler address or dask_local=True (--dask local), not both")
    check_max_chars(max_chars)
    if article_timeout is not None and (
        isinstance(article_timeout, bool) or not isinstance(article_timeout, (int, float)) or not article_timeout > 0
    ):
        raise InputError(
            f"article_timeout is {article_timeout!r}; give the seconds one article may take, more than 0 "
            f"(--article-timeout; default {DEFAULT_ARTICLE_TIMEOUT:g}), or None for no limit"
        )
    reading = {
        "encoding": encoding,
        "text_column": text_column,
        "date_column": date_column,
        "id_column": id_column,
        "title_column": title_column,
        "url_column": url_column,
    }
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise InputError("no input paths given; name the files or folders of articles to parse")

    if isinstance(default_date, str):
        try:
            default_date = dt.date.fromisoformat(default_date)
        except ValueError as err:
            raise InputError(f"default date {default_date!r} is not an ISO date; write it as YYYY-MM-DD") from err
    out = Path(out_dir)
    _check_out_dir(out)
    gazetteer = _open_index(gazetteer_path)
    if rules is not None and not isinstance(rules, RulesClass):
        rules = load_rules(rules, gazetteer=gazetteer)
    stamp = gazetteer.stamp
    spec = _Spec(
        str(Path(gazetteer.path).resolve()),
        _stamp_hash(stamp),
        demonyms,
        rules,
        geoparser_factory,
        max_chars,
        None if article_timeout is None else float(article_timeout),
    )
    # What the articles are read as, and cut into, decides the mentions as much as the gazetteer does.
    config = _config(
        stamp,
        demonyms,
        rules,
        {
            "default_date": None if default_date is None else default_date.isoformat(),
            "max_chars": max_chars,
            "encoding": encoding,
            "columns": [text_column, date_column, id_column, title_column, url_column],
        },
    )
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).digest()
    spec = replace(spec, reading=(("default_date", default_date), *reading.items()), config_digest=digest)
    gazetteer.close()

    lock = FileLock(str(out / _LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout as err:
        raise InputError(f"another run is writing to {out}; wait for it to finish, or write to another folder") from err
    try:
        summary = _run_locked(
            paths,
            out,
            spec,
            config,
            stamp,
            digest,
            default_date,
            jobs,
            scheduler,
            dask_local,
            batch_size,
            part_size,
            progress,
            reading,
        )
    finally:
        lock.release()
    summary.seconds = time.monotonic() - started
    summary.rate = summary.articles / summary.seconds if summary.seconds > 0 else 0.0
    logger.info("%s", summary)
    return summary


def _check_out_dir(out: Path) -> None:
    """Make the output folder, and fail now (before the index opens or anything is parsed) if it cannot be written."""
    from geo.atomicio import check_output, file_kind

    if out.exists() and not out.is_dir():
        kind = "a file" if out.is_file() else f"a {file_kind(out.stat().st_mode)}"
        raise InputError(
            f"output folder {out} is {kind}, not a folder; give a folder for the batch output "
            "(it is created if missing)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(
            f"cannot create the output folder {out} ({err.strerror or err}); give a folder in a writable place"
        ) from err
    check_output(out / ERRORS_NAME)


def _open_index(path: str | os.PathLike[str] | None) -> Any:
    from geo.gazetteer.index import Gazetteer

    if path is None:
        return Gazetteer.open()
    if not Path(path).is_file():
        raise GazetteerError(
            f"gazetteer index {path} not found; build it with 'geo gazetteer build --index {path}', "
            "or leave the path out to use the cached index"
        )
    try:
        return Gazetteer(path)
    except IndexCorruptError as err:
        raise GazetteerError(
            f"{err.args[0].split('; it will')[0]}; rebuild it with 'geo gazetteer build --index {path}'"
        ) from err


def _default_jobs() -> int:
    """One worker per usable core, but no more than the free memory holds."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    available = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        return cpus
    jobs = max(1, min(cpus, available // _WORKER_BYTES))
    if jobs < cpus:
        logger.info(
            "using %d worker processes, not %d: each needs about %d MB and %d MB are free",
            jobs,
            cpus,
            _WORKER_BYTES >> 20,
            available >> 20,
        )
    return jobs


def _prepare_folder(out: Path, manifest: _Manifest) -> None:
    """Delete orphan parts (a crash between rename and commit) and forget parts that vanished."""
    known = manifest.parts()
    for path in sorted(out.iterdir()):
        if _PART_PATTERN.match(path.name) and path.name not in known:
            logger.info("deleting %s: written by a run that stopped before recording it; its articles are redone", path)
            path.unlink()
        elif path.name.startswith(".part-") and ".tmp" in path.name:
            # A part being written when its run was killed: only a run holding the folder's lock writes parts.
            path.unlink(missing_ok=True)
        elif path.name == _LEGACY_ERRORS_NAME and known and path.is_file() and not path.is_symlink():
            # An older version's failures file (the folder has our parts, so it is ours): this run
            # rewrites it under the name Parquet readers skip.
            path.replace(out / ERRORS_NAME)
    for name, number in known.items():
        if not (out / name).exists():
            n = manifest.forget_part(number)
            logger.warning(
                "%s is listed in the manifest but missing; its %d articles will be parsed again", out / name, n
            )


def _run_locked(
    paths: list[str | os.PathLike[str]],
    out: Path,
    spec: _Spec,
    config: dict[str, Any],
    stamp: dict[str, Any],
    digest: bytes,
    default_date: dt.date | None,
    jobs: int | None,
    scheduler: Any,
    dask_local: bool,
    batch_size: int,
    part_size: int,
    progress: bool | None,
    reading: dict[str, Any],
) -> BatchSummary:
    from geo.parsing.articles import plan_input, read_articles

    if not (out / MANIFEST_NAME).exists() and any(_PART_PATTERN.match(p.name) for p in out.iterdir()):
        raise InputError(
            f"output folder {out} holds part-*.parquet files but no {MANIFEST_NAME}, so they were not written by "
            "this tool or the manifest was deleted; give an empty or new folder"
        )
    manifest = _Manifest(out, config, stamp)
    summary = BatchSummary(out_dir=str(out))
    errors: _Errors | None = None
    engine: _LocalEngine | _DaskEngine | None = None
    bar = _progress_bar(progress)
    counter = None
    try:
        _prepare_folder(out, manifest)
        errors = _Errors(out / ERRORS_NAME)
        writer = _PartWriter(out, manifest, stamp, part_size)
        if bar is not None:
            counter = _Counter(paths, default_date, bar, reading)
        # Workers on this machine read the pieces' files themselves, and look up in the manifest what is done.
        remote = scheduler is not None
        plan: Iterable[InputPiece | Article]
        if not remote:
            spec = replace(spec, manifest=str(out / MANIFEST_NAME))
        if remote and manifest.holds_articles():
            # The workers cannot look up this machine's manifest: resuming, read here and hand out only
            # the articles not done yet, rather than have every done article parsed again.
            plan = read_articles(paths, default_date=default_date, on_error=errors.problem, **reading)
        else:
            plan = plan_input(
                paths,
                lines_per_piece=batch_size,
                files_per_piece=batch_size,
                carry_bytes=remote,
                default_date=default_date,
                on_error=errors.problem,
                **reading,
            )
        if scheduler is not None or dask_local:
            engine = _DaskEngine(spec, scheduler, dask_local, jobs)
        else:
            engine = _LocalEngine(spec, jobs or _default_jobs())

        def settle(unit: _Unit, result: _Outcome | BaseException) -> None:
            assert engine is not None and errors is not None
            if isinstance(result, GeoError):
                raise result  # the workers cannot run at all: stop rather than fail every article
            if isinstance(result, BaseException):
                logger.warning(
                    "a unit of the input (%s) failed (%s); retrying it article by article", unit.where(), result
                )
                result = engine.one_by_one(unit)
            for record in result.problems:
                errors.record_problem(record)
            _commit(result, manifest, writer, errors, summary)
            if bar is not None:
                bar.update(len(result.entries))
                bar.set_postfix_str(f"{summary.mentions:,} mentions, {errors.count:,} failures", refresh=False)

        def skipped(n: int) -> None:
            summary.skipped += n
            if bar is not None:
                bar.update(n)

        try:
            for unit in _units(plan, digest, batch_size, manifest, skipped):
                while engine.in_flight >= engine.limit:
                    settle(*engine.next_result())
                engine.submit(unit)
            while engine.in_flight:
                settle(*engine.next_result())
        except KeyboardInterrupt:
            # What is parsed is kept; the next run picks up from there.
            writer.flush()
            raise
        writer.flush()
        summary.parts = writer.parts_written
        summary.failures = errors.count
        summary.unreadable = errors.unreadable
        summary.warnings = errors.warnings
    finally:
        if counter is not None:
            counter.stop()
        if bar is not None:
            bar.close()
        if engine is not None:
            engine.close()
        if errors is not None:
            errors.close()
        manifest.close()
    return summary


def _commit(
    outcome: _Outcome, manifest: _Manifest, writer: _PartWriter, errors: _Errors, summary: BatchSummary
) -> None:
    """Admit a unit's articles by key, in input order, and hand the rows of the new ones to the part writer.

    A copy of an article already written (by an earlier run, or earlier in
    this one) has its rows dropped here, before any part holds them.
    """
    entries = outcome.entries
    worker_docs = [entry.doc for entry in entries]
    verdicts = manifest.admit(entries)
    keys: list[bytes] = []
    mentions = 0
    for entry, verdict in zip(entries, verdicts, strict=True):
        if verdict == "new":
            keys.append(entry.key)
            mentions += entry.mentions
        elif verdict == "done":
            summary.skipped += 1
        elif verdict == "clash":
            errors.write(_clash(entry))
        elif verdict == "failed":
            assert entry.failure is not None
            errors.write(entry.failure)
    table = outcome.table
    parsed = [(entry, verdict) for entry, verdict in zip(entries, verdicts, strict=True) if entry.parsed]
    renamed = any(entry.doc != doc for entry, doc in zip(entries, worker_docs, strict=True))
    if table is not None and (renamed or any(verdict != "new" for _, verdict in parsed)):
        table = _admitted_rows(table, parsed)
    writer.add(table, keys, mentions)
    summary.articles += len(keys)
    summary.mentions += mentions


def _admitted_rows(table: pyarrow.Table, parsed: list[tuple[_Entry, str | None]]) -> pyarrow.Table:
    """The rows of the articles admitted as new, under the ids the folder gave them."""
    import pyarrow as pa

    keep: list[bool] = []
    docs: list[str] = []
    for entry, verdict in parsed:
        keep.extend([verdict == "new"] * entry.mentions)
        docs.extend([entry.doc] * entry.mentions)
    index = table.schema.get_field_index("doc")
    table = table.set_column(index, table.schema.field("doc"), pa.array(docs, pa.string()))
    return table.filter(pa.array(keep, pa.bool_()))


def _units(
    plan: Iterable[InputPiece | Article],
    digest: bytes,
    batch_size: int,
    manifest: _Manifest,
    skipped: Callable[[int], None],
) -> Iterator[_Unit]:
    """The run's tasks: each piece of the input, and batches of the articles read here, less those done already."""
    from geo.parsing.articles import InputPiece

    read: list[Article] = []

    def batch() -> Iterator[_Unit]:
        keyed = [(*_article_key(article, digest), article) for article in read]
        read.clear()
        stored = manifest.stored([key for key, _, _ in keyed])
        # Done already: not handed out. Other content under a done key is, to be reported at commit.
        tasks = [(key, article) for key, content, article in keyed if stored.get(key) != content]
        skipped(len(keyed) - len(tasks))
        if tasks:
            yield _Unit(tasks=_Batch(tasks))

    for item in plan:
        if isinstance(item, InputPiece):
            yield from batch()
            yield _Unit(piece=item)
            continue
        read.append(item)
        if len(read) >= batch_size:
            yield from batch()
    yield from batch()


def _clash(entry: _Entry) -> dict[str, Any]:
    return {
        "stage": "read",
        "doc": entry.doc,
        "source": entry.source,
        "line": None,
        "error": f"the id {entry.origin.removeprefix('id:')!r} already names another article in this output "
        "folder (other text, title, date or URL), so this one is not parsed: an id names one article. Give "
        "each article its own id; to parse an edited article again, write to a new output folder",
        "fatal": False,
    }


# -- progress ------------------------------------------------------------------------------------


def _progress_bar(progress: bool | None) -> Any:
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        logger.info("install tqdm for a progress bar")
        return None
    return tqdm(total=None, unit=" articles", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


class _Counter:
    """Counts the input's articles in the background so the progress bar can show time left."""

    def __init__(
        self, paths: list[str | os.PathLike[str]], default_date: dt.date | None, bar: Any, reading: dict[str, Any]
    ) -> None:
        self.stop_event = threading.Event()
        if "-" in paths:  # standard input can be read once only
            return
        self.thread = threading.Thread(
            target=self._count, args=(paths, default_date, bar, reading), daemon=True, name="geo-count"
        )
        self.thread.start()

    def _count(
        self, paths: list[str | os.PathLike[str]], default_date: dt.date | None, bar: Any, reading: dict[str, Any]
    ) -> None:
        """Count as the planner cuts: the lines of JSON Lines files (not parsed: in the run's process, this
        thread takes the GIL from the commits), one article a text or HTML file, other files read."""
        from geo.parsing.articles import SUFFIXES, InputPiece, plan_input, read_articles

        def quiet(problem: ArticleProblem) -> None:
            pass

        single = {"text", "markdown", "html"}
        total = 0
        for item in plan_input(paths, lines_per_piece=10_000, default_date=default_date, on_error=quiet, **reading):
            if self.stop_event.is_set():
                return
            if not isinstance(item, InputPiece):
                total += 1
            elif item.lines:
                assert item.data is not None
                total += item.data[0].count(b"\n") + (not item.data[0].endswith(b"\n"))
            else:
                for path in item.paths:
                    name = path.lower().removesuffix(".gz")
                    if SUFFIXES.get(os.path.splitext(name)[1]) in single:
                        total += 1
                    else:
                        total += sum(
                            1 for _ in read_articles([path], default_date=default_date, on_error=quiet, **reading)
                        )
        bar.total = total
        bar.refresh()

    def stop(self) -> None:
        self.stop_event.set()


# -- reading results -----------------------------------------------------------------------------


def part_paths(out_dir: str | os.PathLike[str]) -> list[Path]:
    """The committed parts of a batch output folder, in order (orphans of a crash left out).

    Examples
    --------
    >>> [p.name for p in part_paths("out/")]  # doctest: +SKIP
    ['part-000001.parquet', 'part-000002.parquet']
    """
    out = Path(out_dir)
    manifest = out / MANIFEST_NAME
    if not manifest.is_file():
        raise InputError(
            f"{out} has no {MANIFEST_NAME}; give a folder written by run_batch (geo parse -o DIR --format parquet)"
        )
    con = sqlite3.connect(f"file:{manifest}?mode=ro", uri=True)
    try:
        names = [row[0] for row in con.execute("SELECT name FROM parts ORDER BY number")]
    except sqlite3.Error as err:
        raise InputError(f"the manifest {manifest} cannot be read ({err}); run the batch again to repair it") from err
    finally:
        con.close()
    return [out / name for name in names]


def _manifest_stamp(out: Path) -> dict[str, Any] | None:
    con = sqlite3.connect(f"file:{out / MANIFEST_NAME}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row else None


def read_mentions(
    out_dir: str | os.PathLike[str],
    *,
    columns: list[str] | None = None,
    filter: pyarrow.compute.Expression | None = None,  # noqa: A002 - pyarrow.dataset's own name
) -> geopandas.GeoDataFrame:
    """All mentions of a batch output folder as one GeoDataFrame.

    Reads the parts the manifest lists, in order, as one ``pyarrow.dataset``
    (never an orphan part of a crashed run), with only the columns and rows
    asked for. For outputs larger than memory, read the parts one at a time
    (:func:`part_paths`) or scan ``pyarrow.dataset.dataset(part_paths(OUT))``.

    Parameters
    ----------
    out_dir : path
        A folder written by :func:`run_batch`.
    columns : list of str, optional
        Only these columns (``geometry`` is always read).
    filter : pyarrow.compute.Expression, optional
        Only the rows it selects, e.g. ``pyarrow.compute.field("country") == "UA"``;
        row groups whose statistics rule it out are not read.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`PART_COLUMNS` and ``geometry`` (EPSG:4326); the
        gazetteer stamp in ``.attrs["gazetteer"]``.

    Examples
    --------
    >>> mentions = read_mentions("out/")  # doctest: +SKIP
    >>> mentions.groupby("name").size().nlargest(3)  # doctest: +SKIP
    """
    import geopandas
    import pyarrow.dataset

    paths = part_paths(out_dir)
    wanted = None if columns is None else [c for c in columns if c != "geometry"] + ["geometry"]
    if paths:
        dataset = pyarrow.dataset.dataset([str(p) for p in paths], format="parquet")
        frame = dataset.to_table(columns=wanted, filter=filter).to_pandas()
        shapes = geopandas.GeoSeries.from_wkb(frame.pop("geometry"), crs="EPSG:4326")
        mentions = geopandas.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326")
    else:
        names = list(PART_COLUMNS) if wanted is None else wanted[:-1]
        mentions = geopandas.GeoDataFrame(
            {c: [] for c in names}, geometry=geopandas.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326"
        )
    mentions.attrs["gazetteer"] = _manifest_stamp(Path(out_dir))
    return mentions
