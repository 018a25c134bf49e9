"""Read news articles from files, directories and standard input.

Formats are told apart by extension, and by content for standard input and
files with an unknown extension:

- plain text (``.txt``, ``.text``, ``.md``, ``.markdown``): one article per
  file, with an optional ``date YYYY-MM-DD`` header in front of the body;
- HTML (``.html``, ``.htm``), and web pages in an ``html`` column of the record
  formats: the article's own text, title, URL and date (:mod:`geo.parsing.html_reader`);
- JSON Lines (``.jsonl``, ``.ndjson``, ``.json``): one object per line;
- CSV and TSV (``.csv``, ``.tsv``): a header row, then one article per record;
- Parquet (``.parquet``, ``.pq``): read batch by batch with pyarrow;
- web archives (``.warc``, ``.warc.gz``, with the ``warc`` extra): every HTML
  page the archive holds (a successful ``response`` record, or a ``resource``)
  is an article, read like an ``.html`` file, with its URL and record id.

Any of the text formats may be gzip-compressed (``.gz``). Everything streams:
one article, record or batch is held at a time, so memory stays flat however
large the input.

Before a file is decoded its first bytes are looked at: a byte-order mark
chooses UTF-8, UTF-16 or UTF-32, and text in UTF-16 without one is told by
its NUL bytes in every other position; a file that is binary (NUL bytes amid
bytes that do not decode, or the magic number of an image, a PDF, an archive,
an executable) is reported and skipped rather than read into junk. Text that
holds lone UTF-16 surrogates (a stray ``"\\ud800"`` escape in JSON) gets
U+FFFD in their place, with a warning naming the article, so every output can
hold every article. A CSV quote that is never closed is reported at the line
its record began, and the lines after that are read again as records.

Problems with the input (a bad line, undecodable bytes, a missing file) do not
stop the run and are never dropped: each one goes to ``on_error`` as an
:class:`ArticleProblem`, or to this module's logger as a warning when no
handler is given.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gzip
import io
import itertools
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any, BinaryIO, TextIO, cast

from geo.errors import InputError
from geo.model import Article
from geo.parsing.html_reader import HTML_COLUMN, read_page, record_from_page

__all__ = [
    "STDIN",
    "SUFFIXES",
    "ArticleProblem",
    "InputPiece",
    "article_from_text",
    "parse_article_text",
    "plan_input",
    "read_articles",
    "read_piece",
    "valid_text",
]

logger = logging.getLogger(__name__)

#: Extension (lower case, after any ``.gz``) -> format read for it.
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
}

#: The path that means standard input.
STDIN = "-"
_STDIN_SOURCE = "<stdin>"
_STDIN_STEM = "stdin"

# Rows per Parquet batch: articles run to tens of kilobytes, so a small batch
# keeps memory flat without costing much per-batch overhead.
_PARQUET_BATCH_ROWS = 256

# The header keyword: "date" as the seed files write it, or "Date:" as people type it.
_HEADER_KEY = re.compile(r"\s*(?P<key>date|Date|DATE)(?P<colon>:?)(?=\s|\Z)")
_SAME_LINE_GAP = re.compile(r"[^\S\n]*")
_HEADER_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"(?=\s|\Z)"
)
_TOKEN = re.compile(r"\S*")
_SPACE = re.compile(r"\s*")
# A date or datetime string in a date column: the date part is what counts.
_ISO_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=\Z|[T\s])")
# Bytes the codec could not decode come through "surrogateescape" as lone
# surrogates U+DC80..U+DCFF, which no valid decoding produces; this is how an
# undecodable byte is found together with its line.
_ESCAPED = re.compile("[\udc80-\udcff]+")
# Any surrogate left after that came as such (JSON's "\ud800"): not a character, and no encoder takes it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CSV_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class ArticleProblem:
    """Something wrong with the input, found while reading articles.

    Parameters
    ----------
    source : str
        The path (or ``<stdin>``) the problem is in.
    line : int or None
        Line (record, or row for Parquet) number, 1-based; ``None`` for the file as a whole.
    message : str
        What is wrong and what to do about it.
    fatal : bool
        ``True`` when the whole source (or the rest of it) could not be read;
        ``False`` when one article was skipped or read with a fallback.

    Examples
    --------
    >>> str(ArticleProblem("news.jsonl", 3, "not valid JSON", fatal=False))
    'news.jsonl:3: not valid JSON'
    """

    source: str
    line: int | None
    message: str
    fatal: bool

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"

    def to_error(self) -> InputError:
        """The problem as an :class:`~geo.errors.InputError`, for callers that stop on it.

        Examples
        --------
        >>> raise ArticleProblem("a.csv", None, "no 'text' column", fatal=True).to_error()
        Traceback (most recent call last):
        ...
        geo.errors.InputError: a.csv: no 'text' column
        """
        return InputError(str(self))


def parse_article_text(
    raw: str,
    *,
    id: str,  # noqa: A002 (the article's field is named id, in records and in Article)
    source: str = "",
    default_date: dt.date | None = None,
    on_error: Callable[[ArticleProblem], None] | None = None,
) -> Article:
    """One article from plain text, with an optional date header.

    The header is optional leading whitespace, the word ``date`` (or
    ``Date:``), an ISO date
    (``YYYY-MM-DD``, a ``T``-time may follow) and whitespace; the body starts
    right after it, so mention offsets are offsets into the body. Without a
    header the whole text is the body, unchanged. A header whose date is
    malformed (``date 2023-13-45``, ``date yesterday``) is reported and the
    whole text is kept as the body with ``default_date``.

    Parameters
    ----------
    raw : str
        The article as written.
    id : str
        Article id.
    source : str, optional
        Where it came from, named in problem reports.
    default_date : datetime.date, optional
        Publication date when the text has no (valid) header.
    on_error : callable, optional
        Receives an :class:`ArticleProblem` for a malformed header; when
        ``None`` the problem is logged as a warning.

    Returns
    -------
    Article
        Possibly with an empty body; callers decide whether that matters.

    Examples
    --------
    >>> a = parse_article_text(" date 2023-10-04 Talks were held in Istanbul.", id="a")
    >>> a.published, a.text
    (datetime.date(2023, 10, 4), 'Talks were held in Istanbul.')
    >>> parse_article_text("No header here.", id="b").text
    'No header here.'
    """
    published, start, problem, line = _split_header(raw)
    if problem is not None:
        _emit(ArticleProblem(source or id, line, _header_message(problem, default_date), fatal=False), on_error)
    return Article(id=id, text=raw[start:], published=published or default_date, source=source)


def valid_text(article: Article) -> Article:
    """``article`` with lone surrogates in its text fields replaced by U+FFFD, with a warning naming it.

    For articles made in Python: no output (UTF-8 files, Parquet) can hold a
    lone surrogate, so one would fail the article at writing time.

    Examples
    --------
    >>> valid_text(Article(id="a", text="Kyiv \\ud800 at dawn")).text == "Kyiv \\ufffd at dawn"
    True
    """
    changes: dict[str, Any] = {}
    for name in ("id", "text", "title", "url", "source"):
        value = getattr(article, name)
        bad = _SURROGATE.search(value)
        if bad is not None:
            logger.warning(
                "article %r: its %s holds %r at offset %d, a lone UTF-16 surrogate that is not a character; "
                "replaced with U+FFFD",
                _SURROGATE.sub("\ufffd", article.id),
                name,
                bad.group(0),
                bad.start(),
            )
            changes[name] = _SURROGATE.sub("\ufffd", value)
    return replace(article, **changes) if changes else article


def article_from_text(
    text: str,
    *,
    id: str = "text",  # noqa: A002 (the article's field is named id)
    published: dt.date | None = None,
    title: str = "",
) -> Article:
    """An article from a string, for the Python API.

    A seed-style ``date YYYY-MM-DD`` header is understood and removed from the
    body; an explicit ``published`` wins over the header's date.

    Parameters
    ----------
    text : str
        Article text, with or without a date header.
    id : str, optional
        Article id.
    published : datetime.date, optional
        Publication date; defaults to the header's date, if any.
    title : str, optional
        Article title.

    Returns
    -------
    Article

    Examples
    --------
    >>> a = article_from_text("date 2025-11-08 Talks in Moscow.")
    >>> a.id, a.published.isoformat(), a.text
    ('text', '2025-11-08', 'Talks in Moscow.')
    """
    article = parse_article_text(text, id=id, source=id)
    return Article(
        id=article.id,
        text=article.text,
        published=published or article.published,
        title=title,
        source=article.source,
    )


def read_articles(
    sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    default_date: dt.date | None = None,
    text_column: str = "text",
    date_column: str = "date",
    id_column: str = "id",
    title_column: str = "title",
    url_column: str = "url",
    on_error: Callable[[ArticleProblem], None] | None = None,
    encoding: str | None = None,
) -> Iterator[Article]:
    """Yield articles from paths: files, directories (recursive, sorted, skipping hidden files), '-' for stdin.

    Each source is read lazily, one article at a time. Problems (a missing
    path, a malformed line, undecodable bytes, an empty article) go to
    ``on_error`` and reading goes on with the next line or path; with no
    ``on_error`` they are logged as warnings.

    Article ids come from an ``id`` field when there is one, else from the file
    name: ``<stem>`` for one-article files, ``<stem>:<line>`` for line formats,
    ``stdin`` / ``stdin:<line>`` for standard input. A repeated id gets
    ``#2``, ``#3``... appended so ids are unique within one call. Ids made
    from names and lines depend on position; what identifies an article across
    calls is its ``origin`` (its own id, else its file) and its content.

    Parameters
    ----------
    sources : path, or iterable of paths
        Files, directories or ``"-"`` (standard input).
    default_date : datetime.date, optional
        Publication date for articles that carry none.
    text_column, date_column, id_column, title_column, url_column : str, optional
        Field names in JSON Lines, CSV and Parquet (matched ignoring case).
    on_error : callable, optional
        Called with an :class:`ArticleProblem` for every problem; it may raise
        (e.g. ``problem.to_error()``) to stop reading.
    encoding : str, optional
        Encoding of text inputs; default: told by a byte-order mark or a
        UTF-16 NUL pattern, else UTF-8. Bytes that do not decode are replaced
        with U+FFFD and reported.

    Returns
    -------
    iterator of Article

    Raises
    ------
    InputError
        At call time, for an unknown encoding or an empty column name.

    Examples
    --------
    >>> problems = []
    >>> list(read_articles(["no/such/file.txt"], on_error=problems.append))
    []
    >>> problems[0].fatal
    True
    """
    run = _new_run(default_date, text_column, date_column, id_column, title_column, url_column, on_error, encoding)
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    return _read_all(sources, run)


def _new_run(
    default_date: dt.date | None,
    text_column: str,
    date_column: str,
    id_column: str,
    title_column: str,
    url_column: str,
    on_error: Callable[[ArticleProblem], None] | None,
    encoding: str | None,
    cwd: str | None = None,
) -> _Run:
    try:
        codec = codecs.lookup(encoding or "utf-8").name
    except (LookupError, TypeError) as err:
        raise InputError(
            f"unknown encoding {encoding!r}; give a Python codec name such as 'utf-8', 'latin-1' or 'cp1252'"
        ) from err
    columns = {"text": text_column, "date": date_column, "id": id_column, "title": title_column, "url": url_column}
    for field_name, value in columns.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                f"{field_name}_column is {value!r}; give the name of the column that holds the article's "
                f"{field_name} (--{field_name}-column NAME)"
            )
    return _Run(
        default_date=default_date,
        text_column=text_column,
        date_column=date_column,
        id_column=id_column,
        title_column=title_column,
        url_column=url_column,
        # "utf-8-sig" reads plain UTF-8 too and drops the byte-order mark some editors write.
        codec="utf-8-sig" if codec == "utf-8" else codec,
        sniff_encoding=encoding is None,
        on_error=on_error,
        cwd=cwd or os.getcwd(),
    )


# -- the run -------------------------------------------------------------------------------------


@dataclass
class _Run:
    """Options and state shared by every source of one :func:`read_articles` call."""

    default_date: dt.date | None
    text_column: str
    date_column: str
    id_column: str
    title_column: str
    url_column: str
    codec: str
    sniff_encoding: bool
    on_error: Callable[[ArticleProblem], None] | None
    # Where relative paths start: a reader in another process (plan_input, read_piece) gets the planner's.
    cwd: str = field(default_factory=os.getcwd)
    _taken: dict[str, int] = field(default_factory=dict)

    def report(self, source: str, line: int | None, message: str, *, fatal: bool = False) -> None:
        _emit(ArticleProblem(source, line, message, fatal), self.on_error)

    def unique(self, wanted: str) -> str:
        count = self._taken.get(wanted)
        if count is None:
            self._taken[wanted] = 1
            return wanted
        # The suffixed id may itself be taken by an explicit id seen earlier.
        while True:
            count += 1
            candidate = f"{wanted}#{count}"
            if candidate not in self._taken:
                break
        self._taken[wanted] = count
        self._taken[candidate] = 1
        logger.debug("article id %r repeats; renamed %r", wanted, candidate)
        return candidate

    @property
    def encoding_name(self) -> str:
        return "utf-8" if self.codec == "utf-8-sig" else self.codec

    @property
    def wanted_columns(self) -> dict[str, str]:
        """Column name in the input for each article field."""
        return {
            "text": self.text_column,
            "date": self.date_column,
            "id": self.id_column,
            "title": self.title_column,
            "url": self.url_column,
        }

    def characters(self, value: str, what: str, label: str, line: int | None) -> str:
        """``value`` with lone surrogates replaced by U+FFFD, reporting it: no output could hold them."""
        bad = _SURROGATE.search(value)
        if bad is None:
            return value
        self.report(
            label,
            line,
            f"the {what} holds {bad.group(0)!r} at offset {bad.start()}, a lone UTF-16 surrogate that is not a "
            "character (a stray \\ud800-style escape in JSON?); replaced with U+FFFD. Fix it in the input to "
            "keep the original character",
        )
        return _SURROGATE.sub("\ufffd", value)

    def date_fallback(self) -> str:
        if self.default_date is None:
            return "no date"
        return f"the default date {self.default_date.isoformat()}"


def _emit(problem: ArticleProblem, on_error: Callable[[ArticleProblem], None] | None) -> None:
    if on_error is None:
        logger.warning("%s", problem)
    else:
        on_error(problem)


def _read_all(sources: Iterable[str | os.PathLike[str]], run: _Run) -> Iterator[Article]:
    for source in sources:
        path = os.fspath(source)
        if path == STDIN:
            yield from _read_stdin(run)
        elif os.path.isdir(path):
            yield from _read_directory(path, run)
        elif os.path.exists(path):
            # Not only regular files: a pipe such as bash's <(zcat news.gz) reads fine.
            yield from _read_file(path, run)
        else:
            run.report(
                path,
                None,
                f"no such file or directory; check the path (relative paths start from {os.getcwd()})",
                fatal=True,
            )


def _read_directory(directory: str, run: _Run) -> Iterator[Article]:
    for path in _files_of(directory, run):
        yield from _read_file(path, run)


def _files_of(directory: str, run: _Run) -> Iterator[str]:
    """The article files under ``directory``, in order; reports a folder that holds none."""
    found = 0
    for path in _walk(directory, run, set()):
        found += 1
        yield path
    if not found:
        known = ", ".join(sorted(set(SUFFIXES)))
        run.report(
            directory,
            None,
            f"no article files found in this directory or below it; name the files with one of {known} "
            "(optionally plus .gz), or give the files themselves",
            fatal=True,
        )


def _walk(directory: str, run: _Run, visited: set[str]) -> Iterator[str]:
    real = os.path.realpath(directory)
    if real in visited:  # a symlink loop
        return
    visited.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as err:
        message = f"cannot list this directory ({err.strerror or err}); check its permissions"
        run.report(directory, None, message, fatal=True)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            yield from _walk(entry.path, run, visited)
        elif is_file and _format_of(entry.path)[0] is not None:
            yield entry.path
        else:
            logger.debug("skipping %s: not an article file", entry.path)


def _format_of(path: str) -> tuple[str | None, bool]:
    """(format, gzip-compressed) from the file name; format ``None`` when the extension is unknown."""
    name = os.path.basename(path).lower()
    compressed = name.endswith(".gz")
    if compressed:
        name = name[: -len(".gz")]
    return SUFFIXES.get(os.path.splitext(name)[1]), compressed


def _stem(path: str) -> str:
    name = os.path.basename(path)
    if name.lower().endswith(".gz"):
        name = name[: -len(".gz")]
    stem, _ = os.path.splitext(name)
    return stem or name


def _read_file(path: str, run: _Run, content: bytes | None = None) -> Iterator[Article]:
    """The articles of one file, named ``path``; read from ``content`` when its bytes were read elsewhere."""
    fmt, compressed = _format_of(path)
    stem = _stem(path)
    where: Any = os.path.join(run.cwd, path) if content is None else io.BytesIO(content)
    try:
        if fmt == "parquet":
            if compressed:
                run.report(
                    path,
                    None,
                    "gzip-compressed Parquet is not read; Parquet compresses itself, so gunzip the file first",
                    fatal=True,
                )
                return
            yield from _read_parquet(where, path, stem, run)
            return
        if fmt == "warc":
            with _open_binary(where, False) as binary:  # compressed or not: warcio tells by itself, record by record
                yield from _read_warc(binary, path, stem, run)
            return
        with _open_binary(where, compressed) as binary:
            yield from _read_sniffed(binary, path, stem, run, fmt=fmt, depth=int(compressed))
    except (OSError, EOFError, zlib.error) as err:
        # BadGzipFile is an OSError; a truncated gzip stream raises EOFError.
        run.report(path, None, f"cannot read the file ({err}); check that it is complete and readable", fatal=True)
    except UnicodeDecodeError as err:
        run.report(
            path,
            None,
            f"cannot be decoded as {run.encoding_name} ({err.reason}); pass the file's encoding (--encoding)",
            fatal=True,
        )


def _open_binary(path: str | BinaryIO, compressed: bool) -> BinaryIO:
    if compressed:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if isinstance(path, str):
        return open(path, "rb")
    return path


def _text_stream(binary: BinaryIO, codec: str) -> TextIO:
    # newline="" keeps line ends as written: csv needs that, and the other
    # readers normalise them themselves.
    return io.TextIOWrapper(binary, encoding=codec, errors="surrogateescape", newline="")


def _read_format(fmt: str, text: TextIO, label: str, stem: str, run: _Run) -> Iterator[Article]:
    if fmt == "jsonl":
        yield from _read_jsonl(_checked_lines(text, label, run), label, stem, run)
    elif fmt in ("csv", "tsv"):
        delimiters = ("\t",) if fmt == "tsv" else _CSV_DELIMITERS
        yield from _read_csv(_checked_lines(text, label, run), label, stem, run, delimiters)
    else:
        yield from _read_single(text.read(), label, stem, run, fmt)


# -- standard input and sniffing -----------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A byte stream that replays a few bytes already read, then goes on with the rest.

    Closing it leaves the underlying stream open, which is what standard input needs.
    """

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        read = getattr(self._rest, "read1", self._rest.read)
        data = read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def _read_stdin(run: _Run) -> Iterator[Article]:
    stdin = sys.stdin
    if stdin is None:
        run.report(_STDIN_SOURCE, None, "there is no standard input; pipe articles in or give file paths", fatal=True)
        return
    buffer = getattr(stdin, "buffer", None)
    try:
        if buffer is not None:
            yield from _read_sniffed(buffer, _STDIN_SOURCE, _STDIN_STEM, run)
        else:
            # A text-only stream (a notebook, io.StringIO): already decoded.
            yield from _read_sniffed_text(stdin, _STDIN_SOURCE, _STDIN_STEM, run)
    except (OSError, EOFError, zlib.error) as err:
        run.report(_STDIN_SOURCE, None, f"cannot read standard input ({err}); check what is piped in", fatal=True)
    except UnicodeDecodeError as err:
        run.report(
            _STDIN_SOURCE,
            None,
            f"cannot be decoded as {run.encoding_name} ({err.reason}); pass the input's encoding (--encoding)",
            fatal=True,
        )


def _read_sniffed(
    binary: BinaryIO, label: str, stem: str, run: _Run, *, fmt: str | None = None, depth: int = 0
) -> Iterator[Article]:
    """Read a byte stream in format ``fmt``, or told by its content (gzip, Parquet, JSON Lines, CSV, text).

    The first bytes also choose the encoding (byte-order mark, UTF-16 NUL
    pattern) and keep binary files out.
    """
    head = _read_head(binary)
    stream = io.BufferedReader(_Prefixed(head, binary))
    if head.startswith(_GZIP_MAGIC) and depth == 0:
        yield from _read_sniffed(gzip.GzipFile(fileobj=stream, mode="rb"), label, stem, run, fmt=fmt, depth=1)  # type: ignore[arg-type]
        return
    if head.startswith(b"PAR1") and fmt is None:
        # Parquet needs random access, so a piped file is held in memory.
        yield from _read_parquet(io.BytesIO(stream.read()), label, stem, run)
        return
    codec = _codec_of(head, run)
    if codec is None:
        run.report(label, None, f"{_binary_kind(head)}, not article text; skipped. {_BINARY_REMEDY}", fatal=True)
        return
    if codec != run.codec:
        logger.debug("%s read as %s", label, codec)
    with _text_stream(stream, codec) as text:
        if fmt is None:
            yield from _read_sniffed_text(text, label, stem, run)
        else:
            yield from _read_format(fmt, text, label, stem, run)


_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
# Byte-order marks, the longer first: UTF-32-LE's starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of files that are often misnamed or swept into an article folder (executables
# and most other binaries are caught by their NUL bytes). An optional third item must follow.
_MAGIC: tuple[tuple[Any, ...], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt/.epub, which are ZIP archives)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive", rb"[1-9]1AY&SY"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"\xcf\xfa\xed\xfe", "an executable (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "an executable (Mach-O) or Java class"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file (name it .parquet to read it)"),
)
_BINARY_REMEDY = (
    "Give text, HTML, JSON Lines, CSV or Parquet files (gzip-compressed is fine); extract the text of other "
    "documents first, or pass --encoding if this is text in an unusual encoding"
)


def _read_head(binary: BinaryIO) -> bytes:
    head = b""
    while len(head) < _SNIFF_BYTES:  # a pipe may hand over less than asked
        data = binary.read(_SNIFF_BYTES - len(head))
        if not data:
            break
        head += data
    return head


#: Byte pairs needed before a NUL pattern alone says UTF-16 (without a byte-order mark).
_UTF16_MIN_PAIRS = 8


def _codec_of(head: bytes, run: _Run) -> str | None:
    """The codec to decode a stream beginning with ``head``; ``None`` when it is binary, not text."""
    if not run.sniff_encoding:
        if codecs.lookup(run.codec).name.startswith(("utf-16", "utf-32")):
            return run.codec  # NULs are part of the caller's encoding
    else:
        for bom, codec in _BOMS:
            if head.startswith(bom):
                return codec
        # ASCII-range text in UTF-16 has a NUL in every other byte: at odd offsets little-endian, even big-endian.
        pairs = len(head) // 2
        # A few bytes tell nothing: there valid UTF-8 (a NUL is valid UTF-8 too) wins.
        if pairs >= _UTF16_MIN_PAIRS or (pairs >= 2 and not _decodes(head, "utf-8")):
            even_nuls = head[0 : 2 * pairs : 2].count(0)
            odd_nuls = head[1 : 2 * pairs : 2].count(0)
            if odd_nuls >= 0.3 * pairs and even_nuls <= 0.02 * pairs:
                return "utf-16-le"
            if even_nuls >= 0.3 * pairs and odd_nuls <= 0.02 * pairs:
                return "utf-16-be"
    if _magic_kind(head) is not None or (b"\x00" in head and not _decodes(head, run.codec)):
        return None
    return run.codec


def _decodes(head: bytes, codec: str) -> bool:
    """Whether ``head`` is valid in ``codec`` (a sequence cut at its end is fine): text with a NUL is still text."""
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _magic_kind(head: bytes) -> str | None:
    for magic, kind, *then in _MAGIC:
        if head.startswith(magic) and (not then or re.match(then[0], head[len(magic) :])):
            return str(kind)
    return None


def _binary_kind(head: bytes) -> str:
    kind = _magic_kind(head)
    if kind is not None:
        return f"this is {kind}"
    return "this is a binary file (it holds NUL bytes and bytes that are not text)"


def _read_sniffed_text(text: TextIO, label: str, stem: str, run: _Run) -> Iterator[Article]:
    pending: list[str] = []
    while True:
        line = text.readline()
        pending.append(line)
        if not line or line.strip():
            break
    first = pending[-1].strip().lstrip("\ufeff")
    if first.startswith("{"):
        fmt = "jsonl"
    elif first == "[" or first.startswith("[{"):
        fmt = "jsonl"  # so that the JSON-array problem is reported with its remedy
    else:
        fmt = "csv" if _csv_delimiter(first, _CSV_DELIMITERS, run.text_column) else "text"
    logger.debug("%s read as %s", label, fmt)
    if fmt == "text":
        yield from _read_single("".join(pending) + text.read(), label, stem, run, "text")
        return
    lines = _checked_lines(itertools.chain(pending, text), label, run)
    if fmt == "jsonl":
        yield from _read_jsonl(lines, label, stem, run)
    else:
        yield from _read_csv(lines, label, stem, run, _CSV_DELIMITERS)


# -- decoding ------------------------------------------------------------------------------------


def _undecodable_message(run: _Run) -> str:
    return (
        f"bytes that are not valid {run.encoding_name} were replaced with U+FFFD; "
        "if the file uses another encoding, pass it (--encoding latin-1, cp1252, ...)"
    )


def _checked_lines(stream: Iterable[str], label: str, run: _Run, first: int = 1) -> Iterator[tuple[int, str]]:
    """Number the lines (from ``first``) and replace (and report) undecodable bytes in them."""
    for number, line in enumerate(stream, first):
        if number == 1:
            line = line.lstrip("\ufeff")
        if _ESCAPED.search(line):
            run.report(label, number, _undecodable_message(run))
            line = _ESCAPED.sub("\ufffd", line)
        yield number, line


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- one article per source ----------------------------------------------------------------------


def _read_single(raw: str, label: str, stem: str, run: _Run, fmt: str) -> Iterator[Article]:
    text = _normalize_newlines(raw).lstrip("\ufeff")
    bad = _ESCAPED.search(text)
    if bad:
        run.report(label, text.count("\n", 0, bad.start()) + 1, _undecodable_message(run))
        text = _ESCAPED.sub("\ufffd", text)
    title = url = ""
    meta_date: dt.date | None = None
    if fmt == "html":
        page = read_page(text, fallback=_html_to_text)
        text, title, url, meta_date = page.text, page.title, page.url, page.published
    published, start, problem, line = _split_header(text)
    if problem is not None:
        run.report(label, line, _header_message(problem, run.default_date))
    body = text[start:]
    if not body.strip():
        run.report(label, None, "the article is empty (nothing but whitespace); skipped")
        return
    if fmt == "markdown" and not title:
        first_line = body.lstrip().split("\n", 1)[0]
        if first_line.startswith("#"):
            title = first_line.lstrip("#").strip()
    ident = run.unique(stem)
    yield Article(
        id=ident,
        text=run.characters(body, f"text of article {ident!r}", label, None),
        published=published or meta_date or run.default_date,
        title=run.characters(title, f"title of article {ident!r}", label, None),
        url=run.characters(url, f"URL of article {ident!r}", label, None),
        source=label,
        origin=_file_origin(label, run.cwd),
    )


def _split_header(raw: str) -> tuple[dt.date | None, int, str | None, int]:
    """(header date, offset where the body starts, what is wrong with the header, header line)."""
    key = _HEADER_KEY.match(raw)
    if key is None:
        return None, 0, None, 1
    line = raw.count("\n", 0, key.start("key")) + 1
    gap = _end_of(_SAME_LINE_GAP, raw, key.end())
    value = _HEADER_DATE.match(raw, gap) if gap > key.end() else None
    if value is not None:
        try:
            published = dt.date(int(value["y"]), int(value["m"]), int(value["d"]))
        except ValueError as err:
            return None, 0, f"{value.group(0)!r} is not a valid date ({err})", line
        return published, _end_of(_SPACE, raw, value.end()), None, line
    token = raw[gap : _end_of(_TOKEN, raw, gap)] if gap > key.end() else ""
    # "Date palms grow..." is prose; "date yesterday", "Date: soon" and
    # "Date 12/10/2023" are headers gone wrong, worth a report.
    if key["key"] == "date" or key["colon"] or token[:1].isdigit():
        if not token:
            return None, 0, "no date follows it", line
        return None, 0, f"{token[:40]!r} is not an ISO date (YYYY-MM-DD)", line
    return None, 0, None, line


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (one that may match nothing) stops matching from ``pos``."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _header_message(problem: str, default_date: dt.date | None) -> str:
    fallback = "no date" if default_date is None else f"the default date {default_date.isoformat()}"
    return (
        f"the text starts with a 'date' header but {problem}; the whole text is read as the body, "
        f"with {fallback}. Write the header as 'date YYYY-MM-DD ' before the body"
    )


class _HTMLText(HTMLParser):
    """Visible text, title and publication date of an HTML page."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
    _BLOCK = frozenset(
        {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer"}
        | {"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"}
        | {"table", "td", "th", "tr", "ul"}
    )
    _DATE_META = frozenset(
        {"article:published_time", "date", "pubdate", "publish-date", "dc.date", "dc.date.issued", "datepublished"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.published: dt.date | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {name.lower(): value or "" for name, value in attrs}
            kind = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if kind in self._DATE_META and self.published is None:
                self.published = _coerce_date(values.get("content"))[0]
        elif tag in self._SKIP:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def _html_to_text(page: str) -> tuple[str, str, dt.date | None]:
    parser = _HTMLText()
    parser.feed(page)
    parser.close()
    text = re.sub(r" *\n[ \n]*", lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", "".join(parser.parts))
    title = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip()
    return text.strip(), title, parser.published


# -- records: JSON Lines, CSV, Parquet -----------------------------------------------------------


def _read_jsonl(
    lines: Iterator[tuple[int, str]], label: str, stem: str, run: _Run, *, starts_file: bool = True
) -> Iterator[Article]:
    first = starts_file  # what the first line may show (a JSON array) is looked for at the file's start only
    for number, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if first:
            first = False
            if stripped == "[" or stripped.startswith("[{") or stripped == "{":
                run.report(
                    label,
                    number,
                    "this is a JSON array or indented JSON, not JSON Lines; write one object per line "
                    "(e.g. jq -c '.[]' FILE > FILE.jsonl)",
                    fatal=True,
                )
                return
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as err:
            run.report(label, number, f"not valid JSON ({err.msg} at column {err.colno}); fix or remove this line")
            continue
        if not isinstance(record, dict):
            run.report(
                label,
                number,
                f"a JSON {type(record).__name__}, not an object; write one object like "
                f'{{"{run.text_column}": "..."}} per line',
            )
            continue
        article = _record_article(_DictRecord(record), label, number, stem, run)
        if article is not None:
            yield article


class _DictRecord:
    """Field lookup in a JSON object: exact name first, then ignoring case."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def get(self, name: str) -> Any:
        if name in self._data:
            return self._data[name]
        folded = name.casefold()
        for key, value in self._data.items():
            if isinstance(key, str) and key.casefold() == folded:
                return value
        return None


def _resolve(columns: list[str], wanted: str) -> str | None:
    if wanted in columns:
        return wanted
    folded = wanted.casefold()
    return next((c for c in columns if c.strip().casefold() == folded), None)


def _csv_delimiter(header_line: str, candidates: Iterable[str], text_column: str) -> str | None:
    """The delimiter under which ``header_line`` names the text column, if any."""
    for delimiter in candidates:
        try:
            names = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        if _resolve([n.strip() for n in names], text_column) is not None:
            return delimiter
    return None


_field_limit_raised = False


def _raise_csv_field_limit() -> None:
    # Articles are long; csv's default 128 KiB field limit would reject some.
    global _field_limit_raised
    if _field_limit_raised:
        return
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            break
        except OverflowError:  # C long is 32 bits on some platforms
            limit //= 2
    _field_limit_raised = True


def _read_csv(
    lines: Iterator[tuple[int, str]], label: str, stem: str, run: _Run, delimiters: tuple[str, ...]
) -> Iterator[Article]:
    _raise_csv_field_limit()
    first_line = ""
    skipped: list[str] = []
    for _, line in lines:
        skipped.append(line)
        if line.strip():
            first_line = line
            break
    if not first_line:
        run.report(label, None, "the file is empty; nothing to read")
        return
    delimiter = _csv_delimiter(first_line.strip("\r\n"), delimiters, run.text_column) or _csv_delimiter(
        first_line.strip("\r\n"), delimiters, HTML_COLUMN
    )
    if delimiter is None:
        shown = first_line.strip()[:200]
        run.report(
            label,
            len(skipped),
            f"the header row has no {run.text_column!r} column (header: {shown!r}); "
            "name the column that holds the article text (--text-column NAME)",
            fatal=True,
        )
        return
    numbered = itertools.chain(enumerate(skipped, 1), lines)
    header: list[str] | None = None
    positions: dict[str, int] = {}
    for record_start, row in _csv_rows(numbered, delimiter, label, run):
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [name.strip() for name in row]
            wanted = set(run.wanted_columns.values()) | {HTML_COLUMN}
            positions = {name: header.index(col) for name in wanted if (col := _resolve(header, name)) is not None}
            continue
        if len(row) != len(header):
            run.report(
                label,
                record_start,
                f"the record has {len(row)} fields but the header has {len(header)}; "
                "quote fields that contain the delimiter or line breaks",
            )
        values = {name: (row[pos] if pos < len(row) else None) for name, pos in positions.items()}
        article = _record_article(_DictRecord(values), label, record_start, stem, run)
        if article is not None:
            yield article


def _csv_rows(
    lines: Iterator[tuple[int, str]], delimiter: str, label: str, run: _Run
) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, fields) for each CSV record.

    A quote that is never closed makes the csv module read the lines after it
    into one field, up to the next quote or to the end of the file. A record
    over several lines whose quoting does not hold up (the next quote is not
    followed by a delimiter, or none comes) is reported with the line it began
    on, and the lines after that line are read again as records, so one stray
    quote costs one record, not the rest of the file.
    """
    feed = _RecordLines(lines)
    while True:
        reader = csv.reader(feed, delimiter=delimiter)
        while True:
            taken = feed.taken
            taken.clear()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                run.report(label, taken[0][0] if taken else None, f"malformed CSV record ({err}); check its quoting")
                continue
            # Only a record that ran past its line, or into the end of the input, can hold a stray quote.
            if (len(taken) > 1 or feed.ended) and _badly_quoted(taken, delimiter):
                start, last = taken[0][0], taken[-1][0]
                run.report(
                    label,
                    start,
                    f"a quote opened in the record on this line is never closed, so lines {start}-{last} ran "
                    f"together into one record; it is skipped and the lines after line {start} are read as "
                    'records again. Close the quote (a quote inside a quoted field is written "")',
                )
                feed.replay(taken[1:])
                break
            yield taken[0][0], row


class _RecordLines:
    """The lines handed to a csv reader, keeping those of the record being read so that they can be replayed."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self.lines = lines
        self.taken: list[tuple[int, str]] = []
        self.ended = False
        self._again: deque[tuple[int, str]] = deque()

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        item = self._again.popleft() if self._again else next(self.lines, None)
        if item is None:
            self.ended = True
            raise StopIteration
        self.taken.append(item)
        return item[1]

    def replay(self, lines: list[tuple[int, str]]) -> None:
        self.taken = []
        self.ended = False
        self._again.extend(lines)


def _badly_quoted(taken: list[tuple[int, str]], delimiter: str) -> bool:
    try:
        for _ in csv.reader((line for _, line in taken), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


def _read_parquet(source: Any, label: str, stem: str, run: _Run) -> Iterator[Article]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        run.report(label, None, "reading Parquet needs pyarrow; install it (pip install pyarrow)", fatal=True)
        return
    try:
        parquet = pq.ParquetFile(source)
        names = list(parquet.schema_arrow.names)
    except (pa.ArrowException, OSError) as err:
        run.report(label, None, f"not a readable Parquet file ({err}); check that it is complete", fatal=True)
        return
    wanted = set(run.wanted_columns.values()) | {HTML_COLUMN}
    columns = {name: _resolve(names, name) for name in wanted}
    if columns[run.text_column] is None and columns[HTML_COLUMN] is None:
        run.report(
            label,
            None,
            f"no {run.text_column!r} column (columns: {', '.join(names)}); "
            "name the column that holds the article text (--text-column NAME)",
            fatal=True,
        )
        return
    selected = sorted({col for col in columns.values() if col is not None})
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=selected):
            for values in batch.to_pylist():
                row += 1
                record = {name: values[col] for name, col in columns.items() if col is not None}
                article = _record_article(_DictRecord(record), label, row, stem, run)
                if article is not None:
                    yield article
    except (pa.ArrowException, OSError) as err:
        run.report(label, row + 1, f"cannot read past this row ({err}); check that the file is complete", fatal=True)


# Media types of the pages a web archive's records hold that are read as articles.
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _read_warc(binary: BinaryIO, label: str, stem: str, run: _Run) -> Iterator[Article]:
    """Every HTML page of a web archive as an article; the record's number in the archive is its line."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        run.report(
            label,
            None,
            "reading web archives needs warcio; install it (pip install 'geo-newsmap[warc]' or pip install warcio)",
            fatal=True,
        )
        return
    # warcio reads nearly anything as records: a file that does not start as a WARC is refused here.
    if not _starts_as_warc(binary):
        run.report(label, None, "not a web archive (a WARC file starts with 'WARC/'); check the file", fatal=True)
        return
    archive = ArchiveIterator(binary)
    records = iter(archive)
    number = pages = 0
    while True:
        complaints = io.StringIO()
        try:
            # warcio writes what it finds wrong (a wrong Content-Length) to stderr: it becomes a problem report.
            with contextlib.redirect_stderr(complaints):
                record = next(records, None)
                page = _warc_page(record) if record is not None else None
        # A cut or garbled record makes warcio fail with errors of its own, not only ArchiveLoadFailed.
        except (ArchiveLoadFailed, AttributeError, ValueError, IndexError, KeyError) as err:
            detail = " ".join(str(err).split()) or type(err).__name__
            run.report(
                label, number + 1, f"cannot read the archive from here on ({detail}); is it complete?", fatal=True
            )
            return
        if record is None:
            break
        number += 1
        if complaints.getvalue().strip():
            said = " ".join(complaints.getvalue().split())
            run.report(
                label, number, f"the archive is damaged before this record (warcio: {said}); records may be lost"
            )
        if page is None:
            continue
        body, charset, cut = page
        if cut:
            run.report(
                label,
                number,
                "this page's record is cut short: the file looks truncated; the records before were read",
                fatal=True,
            )
            return
        pages += 1
        fields = {
            HTML_COLUMN: _decoded_page(body, charset),
            "url": record.rec_headers.get_header("WARC-Target-URI") or "",
            "id": record.rec_headers.get_header("WARC-Record-ID") or "",
        }
        article = _record_article(_DictRecord(fields), label, number, stem, run)
        if article is not None:
            yield article
    if number and _unread_tail(binary, archive.get_record_offset() + archive.get_record_length()):
        run.report(
            label,
            None,
            f"ends in the middle of a record after record {number}: the file looks truncated; "
            "the records before were read",
            fatal=True,
        )
    elif not pages:
        run.report(label, None, f"holds no HTML page ({number} records read): nothing to parse", fatal=True)


def _unread_tail(binary: BinaryIO, end: int) -> bool:
    """Whether bytes other than blank lines follow offset ``end`` (where the last whole record ended)."""
    binary.seek(end)
    return bool(binary.read(1 << 16).strip())


def _starts_as_warc(binary: BinaryIO) -> bool:
    """Whether the archive's first record (gzip-compressed or not) begins as a WARC record does; rewinds."""
    head = binary.read(64)
    binary.seek(0)
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(binary.read(1 << 16))) as member:
                head = member.read(5)
        except (OSError, EOFError, zlib.error):
            head = b""
        binary.seek(0)
    return head.startswith(b"WARC/")


def _warc_page(record: Any) -> tuple[bytes, str | None, bool] | None:
    """(body, charset, cut short) of a record that holds an HTML page, else ``None``.

    Requests, images, redirects and error pages hold no article.
    """
    if record.rec_type == "response":
        http = record.http_headers
        if http is None:
            return None
        status = (http.get_statuscode() or "").strip()
        if not status.startswith("2"):
            return None  # a redirect or an error page is no article
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    media, _, params = content_type.partition(";")
    if media.strip().lower() not in _HTML_TYPES:
        return None
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    # content_stream() undoes the HTTP transfer and content encodings (chunked, gzip).
    body = record.content_stream().read()
    # The record's own length is counted down as it is read: what is left was never there.
    cut = getattr(record.raw_stream, "limit", 0) > 0
    return body, charset.group(1) if charset else None, cut


def _decoded_page(body: bytes, charset: str | None) -> str | bytes:
    """The page as text by its HTTP charset; as bytes, for its own declaration to decide, without a usable one."""
    if charset:
        try:
            return body.decode(charset, "replace")
        except LookupError:
            logger.debug("unknown charset %r; the page's own declaration decides", charset)
    return body


def _file_origin(label: str, cwd: str) -> str:
    return f"file:{label}" if label == _STDIN_SOURCE else f"file:{os.path.abspath(os.path.join(cwd, label))}"


def _record_article(record: _DictRecord, label: str, line: int, stem: str, run: _Run) -> Article | None:
    if record.get(run.text_column) is None and record.get(HTML_COLUMN) is not None:  # a saved web page
        columns = {"text_column": run.text_column, "date_column": run.date_column}
        record = _DictRecord(record_from_page(record.get, **columns, fallback=_html_to_text))
    text = record.get(run.text_column)
    if isinstance(text, bytes):
        text = text.decode(run.encoding_name, "replace")
    if text is None:
        run.report(
            label, line, f"no {run.text_column!r} value; every record needs its article text (or pass --text-column)"
        )
        return None
    if not isinstance(text, str):
        run.report(label, line, f"{run.text_column!r} is a {type(text).__name__}, not text; skipped")
        return None
    if not text.strip():
        run.report(label, line, f"{run.text_column!r} is empty; skipped")
        return None
    published, reason = _coerce_date(record.get(run.date_column))
    if reason is not None:
        run.report(
            label,
            line,
            f"{run.date_column!r} {reason}; the article is kept with {run.date_fallback()}. "
            "Write dates as YYYY-MM-DD (a time may follow)",
        )
    header_date, start, problem, _ = _split_header(text)
    if problem is not None:
        run.report(label, line, _header_message(problem, run.default_date))
    body = text[start:]
    if not body.strip():
        run.report(label, line, "the article body after the date header is empty; skipped")
        return None
    given = record.get(run.id_column)
    if isinstance(given, float) and given.is_integer():
        given = int(given)  # ids that pandas turned into floats
    given = "" if given is None else run.characters(str(given).strip(), f"{run.id_column!r} value", label, line)
    ident = run.unique(given or f"{stem}:{line}")
    return Article(
        id=ident,
        text=run.characters(body, f"text of article {ident!r}", label, line),
        published=published or header_date or run.default_date,
        title=run.characters(_as_text(record.get(run.title_column)), f"title of article {ident!r}", label, line),
        url=run.characters(_as_text(record.get(run.url_column)), f"URL of article {ident!r}", label, line),
        source=f"{label}:{line}",
        origin=f"id:{given}" if given else _file_origin(label, run.cwd),
    )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _coerce_date(value: Any) -> tuple[dt.date | None, str | None]:
    """(date, None), (None, None) for no value, or (None, what is wrong)."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if not isinstance(value, str):
        return None, f"is a {type(value).__name__} ({value!r}), not an ISO date string"
    stripped = value.strip()
    if not stripped:
        return None, None
    match = _ISO_PREFIX.match(stripped)
    if match is None:
        return None, f"{stripped[:40]!r} is not an ISO date or datetime"
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError as err:
        return None, f"{stripped[:40]!r} is not a valid date ({err})"


# -- reading in pieces, in other processes -------------------------------------------------------


@dataclass(frozen=True)
class InputPiece:
    """A piece of the input that another process reads on its own: whole files, or lines of one JSON Lines file.

    Made by :func:`plan_input`, read by :func:`read_piece`; small and picklable.
    A piece of lines carries its bytes (read, and decompressed, by the planner,
    which had to look at them to find where lines end): a file that changes
    later cannot shift it. Whole files are opened by the reader, unless the
    planner was told to carry their bytes too (a reader on another machine).
    """

    #: The files, as given (relative ones from ``cwd``); one for a piece of lines.
    paths: tuple[str, ...]
    cwd: str
    #: The bytes of each file, or of the lines; ``None``: the reader opens the files.
    data: tuple[bytes, ...] | None = None
    #: Of a piece of lines: the number of its first line in the file, and the codec its bytes decode with.
    first_line: int = 0
    codec: str = ""

    @property
    def lines(self) -> bool:
        return self.first_line > 0


def plan_input(
    sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    lines_per_piece: int = 200,
    files_per_piece: int = 200,
    carry_bytes: bool = False,
    largest_whole_file: int = 32 * 2**20,
    default_date: dt.date | None = None,
    text_column: str = "text",
    date_column: str = "date",
    id_column: str = "id",
    title_column: str = "title",
    url_column: str = "url",
    on_error: Callable[[ArticleProblem], None] | None = None,
    encoding: str | None = None,
) -> Iterator[InputPiece | Article]:
    """Cut the input into pieces that other processes read, parsing no article here.

    JSON Lines files (gzip-compressed too) are cut into pieces of
    ``lines_per_piece`` lines: only their bytes are looked at here, for line
    ends. Other files are pieces of whole files, up to ``files_per_piece`` of
    them and ``largest_whole_file`` bytes together. What
    cannot be cut that way is read here and yielded as articles: standard
    input and pipes, and files larger than ``largest_whole_file`` bytes that are not
    UTF-8 (or single-byte) JSON Lines, so no piece holds more than that.
    Missing paths and empty folders go to ``on_error`` as :func:`read_articles`
    reports them; problems inside a piece are reported by :func:`read_piece`.

    The articles of the pieces, read in order, are those :func:`read_articles`
    yields, but for ids: a repeated id gets its ``#2`` within a piece only.
    """
    run = _new_run(default_date, text_column, date_column, id_column, title_column, url_column, on_error, encoding)
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    whole: list[str] = []
    carried: list[bytes] = []
    grouped = 0  # bytes of the files in ``whole``

    def pending() -> Iterator[InputPiece]:
        nonlocal grouped
        if whole:
            yield InputPiece(tuple(whole), run.cwd, tuple(carried) if carry_bytes else None)
            whole.clear()
            carried.clear()
            grouped = 0

    for source in sources:
        path = os.fspath(source)
        if path == STDIN:
            yield from pending()
            yield from _read_stdin(run)
            continue
        if os.path.isdir(path):
            files: Iterable[str] = _files_of(path, run)
        elif os.path.exists(path):
            files = [path]
        else:
            yield from _read_all([path], run)  # reports the missing path
            continue
        for name in files:
            try:
                found = os.stat(name)
            except OSError:
                found = None  # the reader reports it
            if found is not None and not stat.S_ISREG(found.st_mode):
                # A pipe (bash's <(zcat news.gz)) or a device is read once, and only by this process.
                yield from pending()
                yield from _read_file(name, run)
                continue
            planned = _plan_lines(name, run, lines_per_piece)
            if planned is not None:
                yield from pending()
                yield from planned
                continue
            size = 0 if found is None else found.st_size
            if size > largest_whole_file:
                yield from pending()
                yield from _read_file(name, run)
                continue
            if carry_bytes:
                try:
                    with open(name, "rb") as handle:
                        carried.append(handle.read())
                except OSError:
                    yield from pending()
                    yield from _read_file(name, run)  # reports why it cannot be read
                    continue
            whole.append(name)
            grouped += size
            if len(whole) >= files_per_piece or grouped >= largest_whole_file:
                yield from pending()
    yield from pending()


# Bytes read at a time while looking for line ends.
_PLAN_BLOCK = 1 << 20


def _plan_lines(path: str, run: _Run, lines_per_piece: int) -> Iterator[InputPiece] | None:
    """Pieces of ``lines_per_piece`` lines of a JSON Lines file; ``None`` when it is not one that cuts at newlines."""
    fmt, compressed = _format_of(path)
    if fmt != "jsonl":
        return None
    where = os.path.join(run.cwd, path)
    try:
        with open(where, "rb") as raw:
            head = raw.read(_SNIFF_BYTES)
    except OSError:
        return None  # read whole, which reports why
    compressed = compressed or head.startswith(_GZIP_MAGIC)
    if compressed:
        try:
            with _gunzip(where) as unpacked:
                head = unpacked.read(_SNIFF_BYTES)
        except _GZIP_ERRORS:
            return None
    codec = _codec_of(head, run)
    if codec is None or not _cuts_at_newlines(codec):
        return None
    return _cut_lines(path, where, compressed, codec, run, lines_per_piece)


def _cuts_at_newlines(codec: str) -> bool:
    """Whether a byte 0x0A is a line end wherever it is in text of this codec: UTF-8 and single-byte codecs."""
    name = codecs.lookup(codec).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    try:
        return len(bytes(range(256)).decode(name, "replace")) == 256 and "\n".encode(name) == b"\n"
    except (UnicodeError, LookupError):
        return False


def _cut_lines(
    label: str, where: str, compressed: bool, codec: str, run: _Run, lines_per_piece: int
) -> Iterator[InputPiece]:
    first_line = 1
    buffer = bytearray()
    scanned = lines = 0  # how far line ends were looked for in the buffer, and how many were found
    try:
        for block in _blocks(where, compressed):
            buffer += block
            while (found := buffer.find(b"\n", scanned)) >= 0:
                scanned, lines = found + 1, lines + 1
                if lines == lines_per_piece:
                    data = bytes(buffer[:scanned])
                    del buffer[:scanned]
                    scanned = lines = 0
                    yield InputPiece((label,), run.cwd, (data,), first_line, codec)
                    first_line += _line_count(data)
    except _GZIP_ERRORS as err:
        # The whole lines before the damage are read, as read_articles reads them; the rest is reported.
        run.report(label, None, f"cannot read the file ({err}); check that it is complete and readable", fatal=True)
        del buffer[buffer.rfind(b"\n") + 1 :]
    if buffer:
        yield InputPiece((label,), run.cwd, (bytes(buffer),), first_line, codec)


def _blocks(where: str, compressed: bool) -> Iterator[bytes]:
    """A file's bytes, decompressed, block by block; a damaged archive raises after every byte before the damage."""
    if not compressed:
        with open(where, "rb") as plain:
            while block := plain.read(_PLAN_BLOCK):
                yield block
        return
    given = 0
    try:
        with _gunzip(where) as unpacked:
            while block := unpacked.read1(_PLAN_BLOCK):
                given += len(block)
                yield block
    except _GZIP_ERRORS:
        if _isal_gzip is None:
            raise
        # ISA-L stops at the start of a block before the damage; zlib gives every byte up to it, as
        # read_articles reads them. Only a damaged archive is decompressed twice.
        with gzip.open(where, "rb") as unpacked:
            unpacked.seek(given)
            while block := unpacked.read1(_PLAN_BLOCK):
                yield block


def _line_count(data: bytes) -> int:
    """Lines as a text stream counts them: ends at \\n, \\r\\n and a lone \\r."""
    lines = data.count(b"\n")
    if b"\r" in data:
        lines += data.count(b"\r") - data.count(b"\r\n")
    return lines


def _gunzip(path: str) -> io.BufferedIOBase:
    """A gzip file decompressed with ISA-L (``isal``, 2-3 times zlib's speed) when installed, else with zlib.

    The planner decompresses every JSON Lines archive in the run's process; the bytes are the same.
    """
    if _isal_gzip is not None:
        return cast(io.BufferedIOBase, _isal_gzip.open(path, "rb"))
    return gzip.GzipFile(path, "rb")


_GZIP_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
_isal_gzip: Any = None
try:
    from isal import igzip, isal_zlib
except ImportError:  # not installed, or no wheel for this platform: zlib does the same, slower
    pass
else:
    _isal_gzip = igzip
    _GZIP_ERRORS += (cast("type[BaseException]", isal_zlib.error),)


def read_piece(
    piece: InputPiece,
    *,
    default_date: dt.date | None = None,
    text_column: str = "text",
    date_column: str = "date",
    id_column: str = "id",
    title_column: str = "title",
    url_column: str = "url",
    on_error: Callable[[ArticleProblem], None] | None = None,
    encoding: str | None = None,
) -> Iterator[Article]:
    """The articles of a piece made by :func:`plan_input` (in another process, with the same options)."""
    run = _new_run(
        default_date, text_column, date_column, id_column, title_column, url_column, on_error, encoding, piece.cwd
    )
    if piece.lines:
        assert piece.data is not None
        (label,) = piece.paths
        text = piece.data[0].decode(piece.codec, "surrogateescape")
        lines = _checked_lines(io.StringIO(text, newline=""), label, run, piece.first_line)
        yield from _read_jsonl(lines, label, _stem(label), run, starts_file=piece.first_line == 1)
        return
    for i, path in enumerate(piece.paths):
        yield from _read_file(path, run, None if piece.data is None else piece.data[i])
