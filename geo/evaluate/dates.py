"""Measure the date model against TimeML news (TempEval-3 style ``*.tml`` files).

Reading
-------
:func:`read_timeml` reads one file: ``<DCT><TIMEX3 value=...>`` is the
publication day (a time of day after it is cut off); the article is the
content of ``<TEXT>`` with every tag stripped (``EVENT``, ``SIGNAL``,
``TIMEX3`` itself); each ``TIMEX3`` inside keeps its character offsets in that
plain text, its ``type`` and its normalised ``value``.

Counting
--------
A gold timex is *scored* when its type is ``DATE`` and its value a full day
(``YYYY-MM-DD``). It is *right* when the sentence holding its start (as
:func:`geo.parsing.dates.date_sentences` splits the text) is dated from its own words
(``date_source == "text"``) and that date is the gold day. The share of right
ones is reported overall, by the kind of words (see :func:`timex_kind`) and by
where the gold day lies: before, on or after the publication day.

*Precision* is taken over the sentences that have a ``text`` date and hold at
least one gold ``DATE`` timex: a sentence's date is right when it is one of
the gold days there (a day with a time of day, ``1998-08-07TEV`` for
"Friday night" or ``2000-04-04T09:00`` for "9 a.m. Tuesday", names its day),
or falls in one of the gold weeks, weekends or months (``1998-W32``,
``1998-W32-WE``, ``1998-08``);
years, seasons and vague values (``PAST_REF``) never make a date right.
*Spurious* is the share of sentences holding no gold ``DATE`` or ``TIME``
timex that still get a ``text`` date.

Every figure is given for the whole folder and for its two halves: the files
sorted by name and numbered from 1, odd numbers in one half, even in the
other, so that a rule fitted on one half can be checked on the other.

Any ratio with a zero denominator is reported as 0.0.

Examples
--------
>>> from geo.evaluate.dates import timex_kind
>>> [timex_kind(w) for w in ["Aug. 7, 1998", "Aug. 7", "last Friday", "yesterday", "the weekend"]]
['absolute', 'day-month', 'weekday', 'relative', 'other']
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.errors import InputError
from geo.parsing.dates import DatedSentence, date_sentences

__all__ = [
    "KINDS",
    "SIDES",
    "DateScores",
    "GoldTimex",
    "TimemlDocument",
    "evaluate_dates",
    "read_timeml",
    "read_timeml_folder",
    "score_dates",
    "timex_kind",
]

logger = logging.getLogger(__name__)

KINDS = ("absolute", "day-month", "weekday", "relative", "other")
SIDES = ("before", "on", "after")
HALVES = ("odd", "even")

_FULL_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A day with a time of day or a part of it: "1998-08-07TEV", "2000-04-04T09:00".
_DAY_AND_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T[\w:.+-]*")
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")
_WEEKEND_RE = re.compile(r"(\d{4})-W(\d{2})-WE")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_YEAR_IN_WORDS_RE = re.compile(r"(?<!\d)[12]\d{3}(?!\d)")
_MONTH_IN_WORDS_RE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
    re.IGNORECASE,
)
_WEEKDAY_IN_WORDS_RE = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day", re.IGNORECASE)
_RELATIVE_IN_WORDS_RE = re.compile(
    r"\b(?:today|tonight|yesterday|tomorrow|ago|later|earlier|before|after|next|previous|following"
    r"|same|that)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """One ``TIMEX3`` of the text: ``text[start:end]`` of its document is ``words``."""

    start: int
    end: int
    words: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimemlDocument:
    """The plain text of one TimeML file, its publication day and its timexes in order."""

    id: str
    published: dt.date
    text: str
    timexes: tuple[GoldTimex, ...]


def read_timeml(path: str | os.PathLike[str]) -> TimemlDocument:
    """Read one TimeML file.

    Raises
    ------
    InputError
        When the file is not well-formed XML or has no ``<TEXT>`` or no
        ``<DCT>`` day.
    """
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise InputError(f"{path} is not a readable TimeML file ({err}); give a TempEval-style .tml file") from err
    body = root.find("TEXT")
    if body is None:
        raise InputError(f"{path} has no <TEXT> element; a TimeML document keeps its article in <TEXT>")
    dct = root.find("DCT/TIMEX3")
    value = (dct.get("value") or "") if dct is not None else ""
    if not _FULL_DAY_RE.match(value):
        raise InputError(f"{path} has no publication day: <DCT><TIMEX3 value=...> is {value!r}, expected YYYY-MM-DD")
    try:
        published = dt.date.fromisoformat(value[:10])
    except ValueError as err:
        raise InputError(f"{path}: the DCT value {value!r} is not a valid day") from err
    pieces: list[str] = []
    timexes: list[GoldTimex] = []
    _flatten(body, pieces, timexes, [0])
    doc_id = (root.findtext("DOCID") or path.stem).strip()
    return TimemlDocument(doc_id, published, "".join(pieces), tuple(timexes))


def _flatten(elem: ET.Element, pieces: list[str], timexes: list[GoldTimex], offset: list[int]) -> None:
    """Append the plain text under ``elem`` to ``pieces``, recording every TIMEX3 span on the way."""
    if elem.text:
        pieces.append(elem.text)
        offset[0] += len(elem.text)
    for child in elem:
        start = offset[0]
        _flatten(child, pieces, timexes, offset)
        if child.tag == "TIMEX3":
            words = "".join(child.itertext())
            timexes.append(GoldTimex(start, offset[0], words, child.get("type", ""), child.get("value", "")))
        if child.tail:
            pieces.append(child.tail)
            offset[0] += len(child.tail)


def read_timeml_folder(
    folder: str | os.PathLike[str], on_error: Callable[[InputError], None] | None = None
) -> Iterator[TimemlDocument]:
    """Every ``*.tml`` file of a folder, sorted by file name.

    A file that cannot be read raises :class:`InputError`, or, with
    ``on_error``, is passed to it and skipped so that the others are read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give a folder of TimeML .tml files")
    paths = sorted(folder.glob("*.tml"))
    if not paths:
        raise InputError(f"{folder} holds no .tml files; give a folder of TimeML documents")
    for path in paths:
        try:
            yield read_timeml(path)
        except InputError as err:
            if on_error is None:
                raise
            on_error(err)


def timex_kind(words: str) -> str:
    """The kind of words a timex is written in.

    ``absolute`` names a year ("Aug. 7, 1998"); ``day-month`` a day and month
    without one ("Aug. 7"); ``weekday`` a weekday ("Friday", "last Friday",
    "Thursday morning"); ``relative`` counts from a day ("today", "yesterday",
    "two days ago", "the next morning"); ``other`` is anything else
    ("Thanksgiving Day", "the weekend").
    """
    if _YEAR_IN_WORDS_RE.search(words):
        return "absolute"
    if _MONTH_IN_WORDS_RE.search(words):
        return "day-month"
    if _WEEKDAY_IN_WORDS_RE.search(words):
        return "weekday"
    if _RELATIVE_IN_WORDS_RE.search(words):
        return "relative"
    return "other"


@dataclass
class _Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def as_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "share": _ratio(self.right, self.total)}


@dataclass
class _Part:
    """The counts of one set of documents."""

    documents: int = 0
    full_day: _Tally = field(default_factory=_Tally)
    kinds: dict[str, _Tally] = field(default_factory=lambda: {k: _Tally() for k in KINDS})
    sides: dict[str, _Tally] = field(default_factory=lambda: {s: _Tally() for s in SIDES})
    precision: _Tally = field(default_factory=_Tally)
    spurious: _Tally = field(default_factory=_Tally)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "full_day": self.full_day.as_dict(),
            "by_kind": {k: t.as_dict() for k, t in self.kinds.items()},
            "by_side": {s: t.as_dict() for s, t in self.sides.items()},
            "precision": self.precision.as_dict(),
            "spurious": self.spurious.as_dict(),
        }


@dataclass
class DateScores:
    """Figures for a folder of TimeML documents: ``all`` and the ``odd`` and ``even`` halves."""

    corpus: str
    parts: dict[str, _Part]
    seconds: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # files that could not be read

    def as_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "seconds": round(self.seconds, 3),
            "failures": self.failures,
            **{name: part.as_dict() for name, part in self.parts.items()},
        }

    def format(self) -> str:
        """A table: one row per figure, one column for all documents and one per half."""
        names = ["all", *HALVES]
        header = f"{'':34}" + "".join(f"{n + ' (' + str(self.parts[n].documents) + ' docs)':>22}" for n in names)
        lines = [f"{self.corpus}: gold full days of TimeML DATE timexes dated from their sentence", header]

        def row(label: str, pick: Callable[[_Part], _Tally]) -> None:
            cells = []
            for n in names:
                tally = pick(self.parts[n])
                cells.append(f"{_ratio(tally.right, tally.total):.3f} ({tally.right}/{tally.total})")
            lines.append(f"{label:34}" + "".join(f"{c:>22}" for c in cells))

        row("full-day accuracy", lambda p: p.full_day)
        for kind in KINDS:
            row(f"  kind: {kind}", functools.partial(lambda p, k: p.kinds[k], k=kind))
        for side in SIDES:
            row(f"  gold day {side} publication", functools.partial(lambda p, s: p.sides[s], s=side))
        row("precision of text dates", lambda p: p.precision)
        row("text date where no gold date", lambda p: p.spurious)
        lines.append(f"({self.seconds:.2f} s)")
        lines.extend(f"skipped: {failure}" for failure in self.failures)
        return "\n".join(lines)


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _in_period(day: dt.date, value: str) -> bool:
    """Whether a day is the gold value (with or without a time of day), or lies in its week, weekend or month."""
    if _FULL_DAY_RE.fullmatch(value):
        return value == day.isoformat()
    with_time = _DAY_AND_TIME_RE.fullmatch(value)
    if with_time:
        return with_time.group(1) == day.isoformat()
    weekend = _WEEKEND_RE.fullmatch(value)
    if weekend:
        year, number, weekday = day.isocalendar()
        return (year, number) == (int(weekend.group(1)), int(weekend.group(2))) and weekday >= 6
    week = _WEEK_RE.fullmatch(value)
    if week:
        year, number, _ = day.isocalendar()
        return (year, number) == (int(week.group(1)), int(week.group(2)))
    month = _MONTH_RE.fullmatch(value)
    if month:
        return (day.year, day.month) == (int(month.group(1)), int(month.group(2)))
    return False


def _sentence_of(starts: list[int], offset: int) -> int:
    """The index of the sentence holding an offset (white space before a sentence joins the one before)."""
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def score_dates(
    documents: Iterable[TimemlDocument],
    date_fn: Callable[[str, dt.date], list[DatedSentence]] = date_sentences,
    *,
    corpus: str = "timeml",
    keep_misses: bool = False,
) -> DateScores:
    """Count the figures of the module docstring for documents in the order given.

    ``date_fn`` dates the sentences of one text (by default the project's date
    model). With ``keep_misses`` every wrong full-day timex is listed in
    ``DateScores.misses`` with its sentence, for reading the errors.
    """
    parts = {name: _Part() for name in ("all", *HALVES)}
    misses: list[dict[str, Any]] = []
    for number, doc in enumerate(documents, start=1):
        chosen = [parts["all"], parts[HALVES[(number + 1) % 2]]]
        sentences = date_fn(doc.text, doc.published)
        starts = [s.start for s in sentences]
        for part in chosen:
            part.documents += 1
        if not sentences:
            continue
        dated_by_gold: dict[int, list[str]] = {}
        holds_time: set[int] = set()
        for timex in doc.timexes:
            index = _sentence_of(starts, timex.start)
            if timex.type in ("DATE", "TIME"):
                holds_time.add(index)
            if timex.type != "DATE":
                continue
            dated_by_gold.setdefault(index, []).append(timex.value)
            if not _FULL_DAY_RE.fullmatch(timex.value):
                continue
            sentence = sentences[index]
            gold = dt.date.fromisoformat(timex.value)
            ok = sentence.date_source == "text" and sentence.date == gold
            kind = timex_kind(timex.words)
            side = SIDES[(gold > doc.published) - (gold < doc.published) + 1]
            for part in chosen:
                part.full_day.add(ok)
                part.kinds[kind].add(ok)
                part.sides[side].add(ok)
            if keep_misses and not ok:
                misses.append({
                    "doc": doc.id, "published": doc.published.isoformat(), "words": timex.words,
                    "gold": timex.value, "kind": kind, "side": side,
                    "date": sentence.date.isoformat() if sentence.date else None,
                    "date_source": sentence.date_source, "date_text": sentence.date_text,
                    "sentence": " ".join(doc.text[sentence.start : sentence.end].split()),
                })  # fmt: skip
        for index, sentence in enumerate(sentences):
            day = sentence.date if sentence.date_source == "text" else None
            has_text_date = day is not None
            if index in dated_by_gold:
                if day is not None:
                    ok = any(_in_period(day, value) for value in dated_by_gold[index])
                    for part in chosen:
                        part.precision.add(ok)
            elif index not in holds_time:
                for part in chosen:
                    part.spurious.add(has_text_date)
    return DateScores(corpus, parts, misses=misses)


def evaluate_dates(
    folder: str | os.PathLike[str],
    date_fn: Callable[[str, dt.date], list[DatedSentence]] = date_sentences,
    *,
    keep_misses: bool = False,
) -> DateScores:
    """Read a folder of TimeML files and score the date model on it (see :func:`score_dates`).

    A file that cannot be read is skipped with a warning and listed in
    ``DateScores.failures``; it takes no number in the odd and even halves.
    """
    failures: list[str] = []

    def skip(err: InputError) -> None:
        logger.warning("%s", err)
        failures.append(str(err))

    documents = list(read_timeml_folder(folder, on_error=skip))
    began = time.perf_counter()
    scores = score_dates(documents, date_fn, corpus=str(folder), keep_misses=keep_misses)
    scores.failures = failures
    scores.seconds = time.perf_counter() - began
    logger.info("scored %d TimeML documents in %.2f s", len(documents), scores.seconds)
    return scores
