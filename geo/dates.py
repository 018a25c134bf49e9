"""Dates for the sentences of a news article.

Every sentence gets the day of the event it describes:

``text``
    The sentence itself names a day: a calendar date ("October 8, 2020",
    "19 September", "2020-10-08"), a word relative to the day of writing
    ("yesterday", "on Monday", "two days ago") or a word relative to the
    story's current day ("the next day", "three days earlier").
``narrative``
    The sentence names no day, but an earlier sentence did; the story is
    still on that day. Paragraph breaks do not end this, because retellings
    run across quoted paragraphs.
``published``
    Neither: the article's date stands in.

Rules, and the calls made where English is ambiguous:

* Numeric dates: ISO ``2020-10-08`` and ``2020/10/08`` always count;
  ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (also with ``.`` or ``-``) count only when one
  of the first two numbers is above 12 so that the order is clear;
  ``10/08/2020`` is skipped.
* A month word counts only when a day number is attached and it is written
  ``October``, ``Oct``/``Oct.`` or ``OCTOBER`` (never lowercase), so "they may
  go", "a march on" and "in March" are not dates. Weekdays count only spelled
  out ("Sun" is a newspaper); "Black Friday" and "the Sunday Times" are not dates.
* Month-year ("in February 2022") and bare years ("in 2019") are background:
  they date nothing and leave the story's day alone.
* A day and month without a year take the story's year when the story has
  moved to another year than publication (the same day in the year before,
  that year or the year after, whichever is closest to the story's day);
  otherwise the latest such day on or before publication, or the first on or
  after it when the words just before it speak of the future ("will be held
  on December 5", "scheduled for").
* Words that count from the day of writing ("yesterday", "tomorrow", "last
  night", "two days ago", weekdays) count from publication, because that is
  when the reporter wrote them. Only when the story has moved more than a
  month away from publication (a retelling, where they usually sit in quotes
  of the time) do they count from the story's day. "Today", "tonight" and
  "this morning" are always the publication day, so they also bring a
  retelling back to the present. A plain weekday is the latest one on or
  before publication (the first on or after, when future words come just
  before it); after "next" or "this coming" it is the first one after, after
  "last" the last one before; counted from a retold day it is the nearest one
  (up to three days either way), since a retelling moves both ways.
* Year numbers after a day and month are taken as the year even when they
  could be a count ("On 8 October 1500 soldiers crossed" reads as 1500).
* Words that count from the story's day ("the next day", "the day before",
  "that same day", "two days later", "a week earlier") count from the story's
  current day, or from publication when no day is set yet.
* "last week", "next month", "days later", "24 hours later" are not days and
  are ignored.
* When a sentence names several days, the first calendar date is the
  sentence's date (else the first relative one); the story moves to the last
  day named, so that a following "the next day" counts from it.
* "currently", "at present", "at the moment", "right now", "nowadays", "these
  days" and "this week" in a sentence that names no day bring the story back
  to publication: that sentence and the ones after it are ``published``.
  A bare "now" does not, because retellings use it in the past tense.
* Invalid days ("February 30") are skipped. Years from 1000 to 2999 are read;
  ``datetime.date`` is used throughout, so dates before 1970 work.

Everything is regular expressions compiled at import and run once over the
whole text, with no fuzzy parsing per sentence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
from dataclasses import dataclass

from geo.errors import InputError

__all__ = ["DatedSentence", "split_sentences", "date_sentences", "date_at"]

logger = logging.getLogger(__name__)

# How far (days) the story's day may be from publication before words such
# as "yesterday" or "on Monday" are taken to count from the story's day.
_RETELLING_DAYS = 31

# How many characters before a date are searched for words of the future.
_FUTURE_WINDOW = 60


@dataclass(frozen=True, slots=True)
class DatedSentence:
    """One sentence of an article with the day of the event it describes.

    ``text[start:end]`` is the sentence. ``date`` is ``None`` only when the
    article has no publication date and nothing before or in the sentence
    names a day. ``date_text`` holds the words that gave the date (for
    ``narrative``, the words of the sentence that set the story's day) and is
    ``''`` for ``published``.
    """

    start: int
    end: int
    date: dt.date | None
    date_source: str
    date_text: str


# ---------------------------------------------------------------------------
# Sentence splitting
# ---------------------------------------------------------------------------

_BOUNDARY_RE = re.compile(
    # The leading look-ahead lets the engine skip ordinary characters quickly.
    r"(?=[\r\n.!?\u2026\u2028\u2029])"
    r"(?:(?P<para>\r?\n[^\S\n]*\n|\u2029)"
    r"|(?P<nl>\n|\u2028)"
    r"|(?P<term>[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*)(?=\s|$))"
)
_WORD_BEFORE_RE = re.compile(r"[^\s\"'\u201c\u2018\u00ab(\[]{1,40}$")
_NEXT_CHAR_RE = re.compile(r"\s*(\S)")
_NEXT_WORD_RE = re.compile(r"\s*[\"'\u201c\u2018\u00ab(\[]?(\w+)")
_INITIALS_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LIST_NUMBER_RE = re.compile(r"(?:^|\n)[^\S\n]*\d{1,2}$")

# Abbreviations that are followed by a name: never the end of a sentence.
_TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr prof st mt ft gen col lt sgt capt maj cmdr adm gov sen rep "
    "rev hon pres supt insp det fr cpl pvt brig amb atty sr jr vs v".split()
)
# Abbreviations that stand before a number: "No. 10", "Oct. 8", "pp. 4".
_NUMBER_ABBREVIATIONS = frozenset(
    "no nos art fig figs vol vols p pp ch chap sec para op ed tel approx ca "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Words that start sentences: after "U.S." they show the acronym ended one.
_SENTENCE_STARTERS = frozenset(
    "the a an he she it they we i you in on at but and this that these those his her "
    "their its there however meanwhile according after before when while as if our my "
    "some many most no yet so for what who why how".split()
)
_JOINING_ENDS = frozenset(",;(-\u2013\u2014&")


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    """Whether a run of final punctuation ends a sentence."""
    nxt = _NEXT_CHAR_RE.match(text, match.end())
    if nxt is None:
        return True
    next_char = nxt.group(1)
    if next_char.islower() or next_char in ",;:":
        return False
    punct = match.group("term")
    if punct[0] != "." or punct.startswith(".."):
        return True
    word_match = _WORD_BEFORE_RE.search(text, max(0, match.start() - 40), match.start())
    if word_match is None:
        return True
    word = word_match.group(0)
    key = word.lower()
    if key in _TITLE_ABBREVIATIONS or (len(word) == 1 and word.isupper()):
        return False
    if next_char.isdigit() and key in _NUMBER_ABBREVIATIONS:
        return False
    if _INITIALS_RE.fullmatch(word):
        next_word = _NEXT_WORD_RE.match(text, match.end())
        return next_word is not None and next_word.group(1).lower() in _SENTENCE_STARTERS
    if word.isdigit() and _LIST_NUMBER_RE.search(text, max(0, word_match.start() - 8), match.start()):
        return False
    return True


def _is_line_end(text: str, match: re.Match[str]) -> bool:
    """Whether a single line break ends a sentence (it does unless the text runs on)."""
    nxt = _NEXT_CHAR_RE.match(text, match.end())
    if nxt is not None and nxt.group(1).islower():
        return False
    before = text[max(0, match.start() - 40) : match.start()].rstrip()
    return not before or before[-1] not in _JOINING_ENDS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences.

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing
    quotes or brackets) followed by white space, unless the next word starts
    in lowercase, the period closes an abbreviation (``Mr.``, ``Dr.``, ``St.``,
    an initial, ``U.S.`` before a capitalised name, ``Jan. 8``, ``No. 5``) or a
    list number. A blank line always ends a sentence; a single line break does
    unless the next line starts in lowercase or the line ends with a comma,
    semicolon, dash or open bracket. Spans carry no white space at either end
    and white-space-only text has no sentences.

    Parameters
    ----------
    text : str
        The article body.

    Returns
    -------
    list of tuple of (int, int)
        ``(start, end)`` character offsets, in order and not overlapping.

    Examples
    --------
    >>> text = "Mr. Smith met Dr. Jones in the U.S. Army base. They left."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Mr. Smith met Dr. Jones in the U.S. Army base.', 'They left.']
    """
    if not isinstance(text, str):
        raise InputError(
            f"split_sentences got a {type(text).__name__} instead of the article text; pass a str"
        )
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        kind = match.lastgroup
        if kind == "term":
            if not _is_sentence_end(text, match):
                continue
            cut = match.end()
        elif kind == "para" or _is_line_end(text, match):
            cut = match.start()
        else:
            continue
        _add_span(text, start, cut, spans)
        start = cut
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``text[start:end]`` without its surrounding white space, if any is left."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return
    start += len(piece) - len(stripped)
    end = start + len(stripped.rstrip())
    spans.append((start, end))


# ---------------------------------------------------------------------------
# Date expressions
# ---------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip

# Offsets in days from the story's current day.
_ANAPHORIC = {
    "the next day": 1, "next day": 1, "the following day": 1, "the day after": 1,
    "the next morning": 1, "the following morning": 1, "the next evening": 1,
    "the following evening": 1, "the next night": 1, "the following night": 1,
    "the next afternoon": 1, "the following afternoon": 1, "the morning after": 1,
    "the day before": -1, "the previous day": -1, "the day earlier": -1,
    "the preceding day": -1, "the night before": -1, "the previous night": -1,
    "the previous evening": -1, "the evening before": -1, "the previous morning": -1,
    "the same day": 0, "that same day": 0, "the very same day": 0, "that very day": 0,
    "that day": 0, "later that day": 0, "earlier that day": 0, "the same night": 0,
    "that same night": 0, "that night": 0, "the same evening": 0, "that evening": 0,
    "the same morning": 0, "that morning": 0, "that afternoon": 0,
}  # fmt: skip
# Offsets in days from the day of writing.
_DEICTIC = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "tomorrow": 1,
    "the day before yesterday": -2, "the day after tomorrow": 2,
}  # fmt: skip
# The day of writing even in a retelling: these speak of the present far more
# often than they quote a day of the past.
_TODAY = frozenset({"today", "tonight", "this morning", "this afternoon", "this evening"})
_COUNT_DIRECTIONS = {
    "later": 1, "after": 1, "afterwards": 1, "afterward": 1,
    "earlier": -1, "before": -1, "prior": -1, "ago": -1,
}  # fmt: skip


def _alternation(words: list[str], *, cased: bool) -> str:
    """Regex alternation of single words, longest first, optionally also Capitalised and UPPER."""
    forms: set[str] = set()
    for word in words:
        forms.update({word.capitalize(), word.upper()} if cased else {word, word.capitalize()})
    return "|".join(re.escape(w) for w in sorted(forms, key=len, reverse=True))


def _phrases(phrases: list[str]) -> str:
    """Regex for lowercase phrases, shared words factored out so that a miss fails fast.

    The first letter may also be a capital (sentence start); words are
    separated by any white space. Case-insensitive matching is avoided on
    purpose: it makes the engine compare every alternative letter by letter.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[""] = {}

    def emit(node: dict[str, dict], first: bool) -> str:
        alternatives = []
        for word in sorted((w for w in node if w), key=len, reverse=True):
            head = f"[{word[0].upper()}{word[0]}]{re.escape(word[1:])}" if first else re.escape(word)
            child = node[word]
            rest = emit(child, False)
            if rest:
                head += rf"(?:\s+(?:{rest})){'?' if '' in child else ''}"
            alternatives.append(head)
        return "|".join(alternatives)

    return emit(trie, True)


def _letter_trie(words: set[str]) -> str:
    """Regex matching exactly the given words, branching letter by letter so that a miss fails fast."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


_MONTH_NAMES = [m for m in _MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_MONTH = (
    rf"(?:(?:{_alternation(_MONTH_NAMES, cased=True)})\b"
    rf"|(?:{_alternation([m for m in _MONTHS if m not in _MONTH_NAMES], cased=True)})\b\.?)"
)
_WEEKDAY = rf"(?:{_alternation(list(_WEEKDAYS), cased=True)})\b"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_RANGE = rf"(?:\s*[-\u2013]\s*\d{{1,2}}{_ORDINAL})?"
_YEAR = r"[12]\d{3}(?![\d%]|[.,]\d)"
_DAY_END = r"(?!\d|%|[.,:]\d)"
_WEEKDAY_MODIFIERS = [
    "the following", "the next", "the previous", "this coming", "this past",
    "next", "last", "coming", "past", "this",
]  # fmt: skip
_PRESENT = [
    "currently", "at present", "at the moment", "right now", "nowadays", "these days", "this week",
]  # fmt: skip


def _first_words() -> set[str]:
    """Every word a date expression can start with, as it may be written."""
    lower = {p.split()[0] for p in [*_ANAPHORIC, *_DEICTIC, *_WEEKDAY_MODIFIERS, *_PRESENT]}
    lower |= set(_NUMBER_WORDS) | {"the"}
    words = {w for word in lower for w in (word, word.capitalize())}
    return words | {w for word in [*_MONTHS, *_WEEKDAYS] for w in (word.capitalize(), word.upper())}


_DATE_RE = re.compile(
    # Every expression starts a word, and with a digit or one of a few words;
    # checking that first spares the engine trying each alternative at every
    # word of the text.
    rf"(?<!\w)(?=\d|(?:{_letter_trie(_first_words())})\b)(?:"
    # 2020-10-08, 2020/10/08
    r"(?P<iso>(?<![\d./-])(?P<iy>[12]\d{3})(?P<isep>[-/])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    r"(?!\d|[/.-]\d))"
    # 25/10/2020, 10/25/2020, 25.10.2020
    r"|(?P<num>(?<![\d./-])(?P<n1>\d{1,2})(?P<nsep>[./-])(?P<n2>\d{1,2})(?P=nsep)(?P<ny>[12]\d{3})"
    r"(?!\d|[/.-]\d))"
    # (Thursday,) October 8(-10)(,) (2020)
    rf"|(?P<mdy>(?:{_WEEKDAY},?\s+)?(?P<m1>{_MONTH})\s*(?<!\d)(?P<d1>\d{{1,2}}){_ORDINAL}"
    rf"{_DAY_RANGE}{_DAY_END}(?:,?\s+(?P<y1>{_YEAR}))?)"
    # (Thursday,) (the) 8(th)(-10) (of) October(,) (2020)
    rf"|(?P<dmy>(?:{_WEEKDAY},?\s+)?(?:[Tt]he\s+)?(?<![\d.,])(?P<d2>\d{{1,2}}){_ORDINAL}{_DAY_RANGE}"
    rf"\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?)"
    # two days later, a week ago
    rf"|(?P<count>(?<!for )(?<!For )(?P<cn>{_alternation(list(_NUMBER_WORDS), cased=False)}|\d{{1,3}})"
    rf"[\s-]+(?P<cu>[Dd]ays?|[Ww]eeks?)\s+(?P<cd>{_phrases(list(_COUNT_DIRECTIONS))})\b)"
    # yesterday, the next day, that same day
    rf"|(?P<rel>(?:{_phrases(list(_ANAPHORIC) + list(_DEICTIC))})\b)"
    # (next|last|the following) Monday
    rf"|(?P<wday>(?:(?P<wmod>{_phrases(_WEEKDAY_MODIFIERS)})\s+)?(?P<wd>{_WEEKDAY}))"
    # words that bring the story back to the present
    rf"|(?P<present>(?:{_phrases(_PRESENT)})\b)"
    r")"
)

_FUTURE_RE = re.compile(
    r"\b(?:will|shall|won't|to\s+be\s+held|scheduled|slated|set\s+(?:to|for)|expected\s+to"
    r"|plans?\s+to|planned|upcoming)\b|'ll\b",
    re.IGNORECASE,
)
_REPORTING_RE = re.compile(r"\b(?:said|says|told|announced|stated|added|reported|wrote)\b", re.IGNORECASE)
_HOLIDAY_BEFORE_RE = re.compile(
    r"\b(?:Black|Cyber|Good|Super|Bloody|Ash|Easter|Palm|Holy|Maundy|Shrove|Whit|Giving|Fat|Low"
    r"|Mothering|Orthodox|Trinity|Passion|Manic|Blue|Girl|Man)\s+$"
)
_PAPER_AFTER_RE = re.compile(
    r"\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|Tribune|Independent|Observer|Sport"
    r"|People|Edition|Magazine|Review|School|school|League|Service)\b"
)
_CAPITALISED_BEFORE_RE = re.compile(r"\b[A-Z][\w.]*\s+$")

_CALENDAR_KINDS = frozenset({"iso", "num", "mdy", "dmy"})


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _is_future(text: str, window_start: int, date_start: int) -> bool:
    """Whether words of the future come just before a date, with no reporting verb between."""
    window = text[max(window_start, date_start - _FUTURE_WINDOW) : date_start]
    last = None
    for last in _FUTURE_RE.finditer(window):
        pass
    return last is not None and _REPORTING_RE.search(window, last.end()) is None


class _Story:
    """The running state of one article: its publication day and the story's current day."""

    __slots__ = ("published", "day", "day_text")

    def __init__(self, published: dt.date | None) -> None:
        self.published = published
        self.day: dt.date | None = None
        self.day_text = ""

    def anaphoric_anchor(self) -> dt.date | None:
        return self.day if self.day is not None else self.published

    def is_retelling(self) -> bool:
        if self.day is None:
            return False
        if self.published is None:
            return True
        return abs((self.day - self.published).days) > _RETELLING_DAYS

    def deictic_anchor(self) -> dt.date | None:
        return self.day if self.is_retelling() else self.published

    def month_day(self, month: int, day: int, *, future: bool) -> dt.date | None:
        """The year for a day and month written without one."""
        story, pub = self.day, self.published
        if story is not None and (pub is None or story.year != pub.year):
            found = [
                d for y in (story.year - 1, story.year, story.year + 1) if (d := _make_date(y, month, day))
            ]
            return min(found, key=lambda d: abs((d - story).days)) if found else None
        if pub is None:
            return None
        # Eight years reach back (or forward) to a leap year for February 29.
        step = 1 if future else -1
        for k in range(9):
            d = _make_date(pub.year + step * k, month, day)
            if d is not None and (d >= pub if future else d <= pub):
                return d
        return None


def _weekday(story: _Story, match: re.Match[str], future: bool) -> dt.date | None:
    weekday = _WEEKDAYS[match.group("wd").lower()]
    modifier = " ".join((match.group("wmod") or "").lower().split())
    if modifier in ("the following", "the next", "the previous"):
        anchor = story.anaphoric_anchor()
    else:
        anchor = story.deictic_anchor()
    if anchor is None:
        return None
    ahead = (weekday - anchor.weekday()) % 7
    behind = (anchor.weekday() - weekday) % 7
    if modifier in ("the following", "the next", "next", "this coming", "coming"):
        return _shift(anchor, ahead or 7)
    if modifier in ("the previous", "last", "this past", "past"):
        return _shift(anchor, -(behind or 7))
    if story.is_retelling():
        return _shift(anchor, ahead if ahead <= 3 else -behind)
    return _shift(anchor, ahead if future else -behind)


def _resolve(text: str, match: re.Match[str], story: _Story, window_start: int) -> dt.date | None:
    """The day a date expression names, or ``None`` when it names none."""
    kind = match.lastgroup
    group = match.group
    if kind == "iso":
        return _make_date(int(group("iy")), int(group("im")), int(group("id")))
    if kind == "num":
        first, second = int(group("n1")), int(group("n2"))
        if first > 12 >= second:
            return _make_date(int(group("ny")), second, first)
        if second > 12 >= first:
            return _make_date(int(group("ny")), first, second)
        return None  # 10/08/2020: day and month cannot be told apart
    if kind in ("mdy", "dmy"):
        suffix = "1" if kind == "mdy" else "2"
        month = _MONTHS[group("m" + suffix).rstrip(".").lower()]
        day = int(group("d" + suffix))
        year = group("y" + suffix)
        if year is not None:
            return _make_date(int(year), month, day)
        future = _is_future(text, window_start, match.start())
        return story.month_day(month, day, future=future)
    if kind == "count":
        number = group("cn").lower()
        count = _NUMBER_WORDS[number] if number in _NUMBER_WORDS else int(number)
        unit = 7 if group("cu").lower().startswith("week") else 1
        direction = group("cd").lower()
        anchor = story.deictic_anchor() if direction == "ago" else story.anaphoric_anchor()
        if anchor is None:
            return None
        return _shift(anchor, _COUNT_DIRECTIONS[direction] * count * unit)
    if kind == "rel":
        words = " ".join(match.group(0).lower().split())
        if words in _TODAY:
            if words in ("today", "tonight") and _CAPITALISED_BEFORE_RE.search(
                text, max(0, match.start() - 30), match.start()
            ):
                return None  # USA Today, Russia Today: names, not days
            anchor, offset = story.published or story.day, 0
        elif words in _DEICTIC:
            anchor, offset = story.deictic_anchor(), _DEICTIC[words]
        else:
            anchor, offset = story.anaphoric_anchor(), _ANAPHORIC[words]
        return None if anchor is None else _shift(anchor, offset)
    if kind == "wday":
        if group("wmod") is None and (
            _HOLIDAY_BEFORE_RE.search(text, max(0, match.start() - 20), match.start())
            or _PAPER_AFTER_RE.match(text, match.end())
        ):
            return None
        return _weekday(story, match, _is_future(text, window_start, match.start()))
    return None


def _shift(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def date_sentences(text: str, published: dt.date | None) -> list[DatedSentence]:
    """Date every sentence of an article.

    Parameters
    ----------
    text : str
        The article body.
    published : datetime.date or None
        The article's publication day (a ``datetime`` is cut to its date);
        ``None`` when unknown, in which case sentences that nothing dates get
        ``date=None``.

    Returns
    -------
    list of DatedSentence
        One per span of :func:`split_sentences`, in order.

    Examples
    --------
    >>> text = "Talks began on October 8, 2020. They resumed the next day. Nobody spoke."
    >>> [(s.date.isoformat(), s.date_source) for s in date_sentences(text, dt.date(2025, 11, 8))]
    [('2020-10-08', 'text'), ('2020-10-09', 'text'), ('2020-10-09', 'narrative')]
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    elif published is not None and not isinstance(published, dt.date):
        raise InputError(
            f"date_sentences got published={published!r}, which is not a date; "
            "pass a datetime.date or None"
        )
    spans = split_sentences(text)
    story = _Story(published)
    matches = _DATE_RE.finditer(text)
    pending = next(matches, None)
    result: list[DatedSentence] = []
    for start, end in spans:
        while pending is not None and pending.start() < start:
            pending = next(matches, None)
        calendar: tuple[dt.date, str] | None = None
        relative: tuple[dt.date, str] | None = None
        present = False
        window_start = start
        while pending is not None and pending.start() < end:
            match, pending = pending, next(matches, None)
            if match.end() > end:
                continue  # runs across a sentence break: not one expression
            if match.lastgroup == "present":
                present = True
                continue
            day = _resolve(text, match, story, window_start)
            window_start = match.end()
            if day is None:
                continue
            words = match.group(0)
            if match.lastgroup in _CALENDAR_KINDS:
                calendar = calendar or (day, words)
            else:
                relative = relative or (day, words)
            story.day, story.day_text = day, words
        chosen = calendar or relative
        if chosen is not None:
            result.append(DatedSentence(start, end, chosen[0], "text", chosen[1]))
            continue
        if present:
            story.day, story.day_text = None, ""
        if story.day is not None:
            result.append(DatedSentence(start, end, story.day, "narrative", story.day_text))
        else:
            result.append(DatedSentence(start, end, published, "published", ""))
    logger.debug("dated %d sentences (published %s)", len(result), published)
    return result


def date_at(sentences: list[DatedSentence], offset: int) -> DatedSentence:
    """The sentence that contains a character offset.

    An offset in the white space between two sentences belongs to the one
    before it; one before the first sentence belongs to the first.

    Parameters
    ----------
    sentences : list of DatedSentence
        The result of :func:`date_sentences` for the same text.
    offset : int
        A character offset into that text, such as a mention's ``start``.

    Returns
    -------
    DatedSentence

    Examples
    --------
    >>> sentences = date_sentences("It rained. On 5 May 2021 it snowed.", None)
    >>> date_at(sentences, 14).date
    datetime.date(2021, 5, 5)
    """
    if not sentences:
        raise InputError(
            "date_at got no sentences to search; pass the result of date_sentences() for a non-empty text"
        )
    if offset < 0:
        raise InputError(f"date_at got offset {offset}, which is negative; pass a character offset >= 0")
    index = bisect.bisect_right(sentences, offset, key=lambda s: s.start) - 1
    return sentences[max(index, 0)]
