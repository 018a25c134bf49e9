"""Dates for the sentences of a news article.

Every sentence gets the day of the event it describes:

``text``
    The sentence itself names a day: a calendar date ("October 8, 2020",
    "19 September", "2020-10-08"), a named day ("Thanksgiving Day"), a word
    relative to the day of writing ("yesterday", "on Monday", "two days ago",
    "last week") or a word relative to the story's current day ("the next
    day", "three days earlier").
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
  they date nothing and leave the story's day alone. A sentence that opens
  with a year other than the story's day's ("In 1997, ...", "Last year ...")
  is not dated by that day either: it is ``published``.
* **Tense.** The words around a date set its tense: the nearest tense word in
  its clause (clauses end at ``;``, ``:``, dashes) decides. Future:
  will, would, shall, must, should, may, might, 'll, going to, to be,
  plans/planned, scheduled, set to, expected, due, expires, deadline,
  postponed, "is to" or "was to" before a verb ("The envoy is to arrive"),
  a present passive right before the day ("The report is released Friday"),
  a perfect that sets up a plan ("has agreed to meet"), and the
  present of planned events ("meets", "opens", "continues", "takes effect",
  "is", "are"; in the plural only verbs that are seldom nouns: "The leaders
  meet Friday", "Voters go to the polls Sunday"). Past: was, were,
  had, did, the present perfect ("have been searching", "has fled"), a verb in
  -ed (not a participle after "be", "remain" or "stay": "will remain closed
  through Friday"), common irregular pasts, "ago", "last", and reporting
  verbs ("said Friday"). Tense words after a comma or a conjunction that
  follows the day ("..., Castro said", "... Thursday as he was about to
  leave") are another clause's, unless the day opens its clause ("On
  Tuesday, the minister said"); a day with no tense word of its own takes the
  sentence's nearest one. "by", "until", "ahead of", "as soon as", "moved
  (postponed, adjourned) to" just before a day make it future unless a past
  auxiliary follows ("Until Monday, the bridge had been closed"); "since" a
  few words before it makes it past. "beginning", "starting", "effective",
  "from", "no later than" and "on or before" just before a day make it future
  unless a past verb anywhere in the sentence or a past auxiliary after it
  says otherwise ("Beginning Monday, prices rise", but "From Monday, rebels
  shelled the town"). A
  day that opens its clause is the day of its verb, so the simple past of a
  plan is past there ("On Friday, the government planned to pay").
* A day and month without a year: in a retold story (see below) the one
  closest to the story's day; otherwise the latest on or before publication
  when the tense is past, the first on or after it when it is future, and the
  nearer of the two when nothing tells, or when the future is seen from the
  past ("would", "was to", "was expected to"; an infinitive after a past verb: "ordered him to appear on
  Feb. 10"; "by" or "until" in a past clause: "held the town until Dec. 3"). A year that opens
  the sentence ("In 1987, on Oct. 19, ...") is its year. A stated weekday picks the year in
  which the date falls on it ("Saturday, April 25"); "last year", "next year"
  or "this year" after it set the year.
* A day that names an event ("the Oct. 17 earthquake", "Saturday's vote")
  in a clause told in the present ("Damage from the Oct. 17 earthquake is
  heavy") is the nearest occurrence: the present speaks of now, not of which
  side of it the event lies.
* A plain weekday is the latest one on or before publication, or the first on
  or after it when the tense is future (a weekday with no tense word in its
  clause takes the sentence's nearest one); after "next" or "this coming" it
  is the first one after, after "last" the last one before.
* "the weekend", "this", "last", "next weekend" name the weekend's Saturday:
  one under way on a Saturday or Sunday, else the last one in a past sentence
  and the next one otherwise ("the weekend of the festival" is no date).
* Named days (New Year's Day, Christmas Day, the Fourth of July, Easter and
  Good Friday, and the United States' Thanksgiving, Memorial Day, Labor Day,
  Election Day) are computed for the years around publication and chosen by
  tense like a day and month. Holidays that differ between countries are not
  read. "Christmas" and "New Year's" alone are days only after a preposition
  or "last", "next", "this", and not before a noun ("Christmas shopping").
* Periods shift from the day of writing: "last week" and "next week" by seven
  days, "last month", "next month" and "N months ago" by calendar months (to
  the month's last day when it is shorter), "in N days" or "in N weeks" ahead
  (not in a past clause, where it is a span: "built in ten days"), "N days
  (weeks) from now" ahead, and "a week from today (Monday, Dec. 28)" ahead
  of the day named ("30 days from the sale" names none). They date
  a sentence only when it names no day, and never move the story. "the last
  week" and "the next month" are spans up to or from now, not periods.
* **Main clause.** A sentence's date is the first day in its foreground.
  Days in the background give way: after "since", "after", "following",
  "before", "when", "until", "which", "who" (with at most one verb between,
  so "The man who fled was caught Thursday" still reads Thursday); a day
  naming an event ("the Oct. 23 killing", "Wednesday's ruling"); a day after
  "on"/"of" in the subject before any verb ("The bombings on Aug. 7 killed
  259"); any day in a subordinate clause that opens the sentence, up to its
  first comma ("After touring the port Thursday and meeting the police Friday
  morning, the chief said"), or in a phrase without a verb that does ("In
  contrast to Thursday, ... protesters were calm Friday"); a day in an aside
  that opens with a participle, however long up to its closing comma ("The
  bid, announced Oct. 5, was rejected Tuesday"; not ", killed 20 on Monday,
  and fled", a list of verbs). A day in a reporting tag after what it reports
  ("..., officials said Monday") is the main clause's and beats the days
  before it. A sentence with only background days takes the first of them.
* **Clauses.** A sentence that names different days in different clauses is
  dated in parts, one record each ("Police arrested him Monday | , and he was
  charged Wednesday."). Between two date expressions, the last clause joint
  cuts it: ``;``, ``:``, dashes, ", and", ", but", ", yet" before a subject
  (not before a verb: "killed 20 on Monday, and fled on Tuesday" is one
  subject's), ", while", ", whereas", a relative clause set off by a comma
  (", who could come Tuesday"), "and then", ", after which", and "before" or
  "after" opening a clause; only where both sides have a verb, so ranges
  ("from Monday to Friday", "between Jan. 3 and Jan. 9"), restatements
  ("Tuesday, Jan. 14"), lists of days and "and" alone ("began on Oct. 8 and
  ended on Oct. 9") never cut. "The court ruled Wednesday that he must leave
  by Jan. 14" has no joint, so the main clause's day dates it. Each part is
  read by every rule here within its own bounds (the tense of its own clause;
  the story's anchors and retelling move on from part to part), and a cut
  stays only where the parts on its two sides get different days from their
  own words; else the sentence is read whole. Periods ("last week") name no
  day and cut nothing. A part starts where the clause before it ends, so it
  opens with the joint (", and he ...").
* Words that count from the day of writing ("yesterday", "tomorrow", "last
  night", "two days ago", weekdays) count from publication, because that is
  when the reporter wrote them, except in a retelling. Even there a
  reporter's own "yesterday", "tomorrow" or "last night" counts from
  publication (a narrator says "the day before"); only inside a quotation
  (by the quotation marks of its paragraph) does it count from the retold day.
  A retelling opened inside a quotation is the speaker's: the reporter's own
  words after the quotation count from publication again ('"On 5 March 1991,
  I was arrested," he said. He was freed on Tuesday.'), though "the next day"
  still follows the story. The speaker's tag after a quotation ('"On Thursday
  they let me go," he said') is not the day's reporting verb.
* **Retellings.** A day far from publication (over a month) becomes the
  story's clock, that "yesterday" and "on Saturday" count from, only when the
  passage really retells it: the day opens its clause ("On October 8, 2020,
  ..."; "... recalled that on October 8, 2020, ...", but not at the very end
  of its sentence: "..., on Aug. 7, 1998.") or the next words count
  on from it ("the next day", "two days later", a day and month within a
  month of it). Such words count from the retold day for two sentences after
  the last one that named a retold day; after that, from publication again.
  A far day told in the past tense dates the dateless sentences after it
  (``narrative``), but does not move the clock; one in a future clause or in
  the background does neither ("The bonds are due March 1, 2011. The shares
  fell Friday." dates the Friday from publication). A retelling ends at
  "today", at a weekday next to a reporting verb ("On Tuesday, the minister
  said"), and at a dateless sentence in the present tense ("The town is now a
  museum"). Counted from a retold day, a weekday is the nearest one (up to
  three days either way), since a retelling moves both ways.
* "Today", "tonight" and "this morning" are always the publication day; a
  capitalised "Today" or "Tonight" after a capitalised word is a name ("USA
  Today"), a lowercase one is not ("Mayor Lopez today said").
* Year numbers after a day and month are taken as the year even when they
  could be a count ("On 8 October 1500 soldiers crossed" reads as 1500).
* Words that count from the story's day ("the next day", "the day before",
  "that same day", "two days later", "a week earlier") count from the story's
  current day, or from publication when no day is set yet. Followed by an
  event ("ten days before the murder", "the day before the vote") they name
  no day; followed by a date expression they count from it ("the day before
  last Tuesday's hearing", "two days after Christmas Day"). "days later" and
  "24 hours later" are not days and are ignored.
* The story moves to the last foreground day of a sentence, so that a
  following "the next day" counts from it. A day after publication moves it,
  but the sentences after it that name no day are ``published``: a plan does
  not date the background that follows it.
* "currently", "at present", "at the moment", "right now", "nowadays", "these
  days" and "this week" in a sentence that names no day bring the story back
  to publication: that sentence and the ones after it are ``published``.
  A bare "now" does not, because retellings use it in the past tense.
* Invalid days ("February 30") are skipped. Years from 1000 to 2999 are read;
  ``datetime.date`` is used throughout, so dates before 1970 work.

Everything is regular expressions compiled at import and run once over the
whole text (and over a short window around each date expression), with no
fuzzy parsing per sentence. ``geo evaluate-dates`` measures the rules on
TimeML news (see :mod:`geo.evaluate.dates`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from geo.errors import InputError, InputTypeError

__all__ = ["DatedSentence", "date_at", "date_sentences", "split_sentences"]

logger = logging.getLogger(__name__)

# How far (days) the story's day may be from publication before words such
# as "yesterday" or "on Monday" are taken to count from the story's day.
_RETELLING_DAYS = 31

# How far (days) from a retold day a day and month without a year is still
# taken to be in the retold time, rather than counted from publication.
_RETOLD_SPAN_DAYS = 92

# How many sentences after the last retold day words such as "yesterday" or
# "on Monday" still count from it; later ones count from publication again.
_RETELLING_REACH = 2


@dataclass(frozen=True, slots=True)
class DatedSentence:
    """One sentence of an article (or one clause of it) with the day of the event it describes.

    ``text[start:end]`` is the sentence; a sentence that names different days
    in different clauses comes as several records, its consecutive parts
    (see "Clauses" in the module's notes). A part starts where the one before
    it ends; a new sentence starts after white space, so the records of one
    sentence are those that follow each other without a gap.

    ``date`` is ``None`` only when the article has no publication date and
    nothing before or in the sentence names a day. ``date_text`` holds the
    words that gave the date (for ``narrative``, the words of the sentence
    that set the story's day) and is ``''`` for ``published``.
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
    ["mr", "mrs", "ms", "messrs", "dr", "prof", "st", "mt", "ft", "gen", "col", "lt", "sgt", "capt", "maj", "cmdr",
     "adm", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "fr", "cpl", "pvt", "brig", "amb",
     "atty", "sr", "jr", "vs", "v"]
)  # fmt: skip
# Abbreviations that stand before a number: "No. 10", "Oct. 8", "pp. 4".
_NUMBER_ABBREVIATIONS = frozenset(
    ["no", "nos", "art", "fig", "figs", "vol", "vols", "p", "pp", "ch", "chap", "sec", "para", "op", "ed", "tel",
     "approx", "ca", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)  # fmt: skip
# Words that start sentences: after "U.S." they show the acronym ended one.
_SENTENCE_STARTERS = frozenset(
    ["the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "in", "on", "at", "but", "and", "this", "that",
     "these", "those", "his", "her", "their", "its", "there", "however", "meanwhile", "according", "after", "before",
     "when", "while", "as", "if", "our", "my", "some", "many", "most", "no", "yet", "so", "for", "what", "who", "why",
     "how"]
)  # fmt: skip
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
    # "1." at the start of a line numbers a list item
    return not (word.isdigit() and _LIST_NUMBER_RE.search(text, max(0, word_match.start() - 8), match.start()))


def _is_line_end(text: str, match: re.Match[str]) -> bool:
    """Whether a single line break ends a sentence (it does unless the text runs on)."""
    nxt = _NEXT_CHAR_RE.match(text, match.end())
    if nxt is not None and nxt.group(1).islower():
        return False
    before = text[max(0, match.start() - 40) : match.start()].rstrip()
    return not before or before[-1] not in _JOINING_ENDS


def split_sentences(text: object) -> list[tuple[int, int]]:
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
        raise InputTypeError(f"split_sentences got a {type(text).__name__} instead of the article text; pass a str")
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
    "from now": 1, "from": 1,  # "two weeks from now", "a week from Monday"
}  # fmt: skip
# Directions that count from what follows them: a day ("a week from Monday") or an event ("the day before the vote").
_COUNTED_FROM_WHAT_FOLLOWS = frozenset({"after", "before", "from"})
# Directions that count from the day of writing.
_COUNTED_FROM_NOW = frozenset({"ago", "from now"})


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
_NUMBER = rf"(?:{_alternation(list(_NUMBER_WORDS), cased=False)}|\d{{1,3}})"
_WEEKDAY_MODIFIERS = [
    "the following", "the next", "the previous", "this coming", "this past",
    "next", "last", "coming", "past", "this",
]  # fmt: skip
_WEEKEND_MODIFIERS = ["the", "this", "last", "next", "this past", "this coming", "past", "coming"]
_PRESENT = [
    "currently", "at present", "at the moment", "right now", "nowadays", "these days", "this week",
]  # fmt: skip


def _easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday_offset) // 433
    month = (h + weekday_offset - 7 * m + 90) // 25
    return dt.date(year, month, (h + weekday_offset - 7 * m + 33 * month + 19) % 32)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday of a month (n = -1: the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


# Named days, as a function of the year. Those that differ between countries
# ("Independence Day", "Labour Day") are left out; Thanksgiving, Memorial Day,
# Labor Day and Election Day are the United States' (news agencies' usage).
_HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "New Year's Day": lambda y: dt.date(y, 1, 1),
    "New Year's Eve": lambda y: dt.date(y, 12, 31),
    "Christmas Day": lambda y: dt.date(y, 12, 25),
    "Christmas": lambda y: dt.date(y, 12, 25),
    "New Year's": lambda y: dt.date(y, 1, 1),
    "Fourth of July": lambda y: dt.date(y, 7, 4),
    "Christmas Eve": lambda y: dt.date(y, 12, 24),
    "Boxing Day": lambda y: dt.date(y, 12, 26),
    "Valentine's Day": lambda y: dt.date(y, 2, 14),
    "Halloween": lambda y: dt.date(y, 10, 31),
    "Bastille Day": lambda y: dt.date(y, 7, 14),
    "Armistice Day": lambda y: dt.date(y, 11, 11),
    "Veterans Day": lambda y: dt.date(y, 11, 11),
    "Easter Sunday": _easter,
    "Easter Monday": lambda y: _easter(y) + dt.timedelta(days=1),
    "Good Friday": lambda y: _easter(y) - dt.timedelta(days=2),
    "Thanksgiving Day": lambda y: _nth_weekday(y, 11, 3, 4),
    "Thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "Memorial Day": lambda y: _nth_weekday(y, 5, 0, -1),
    "Labor Day": lambda y: _nth_weekday(y, 9, 0, 1),
    "Election Day": lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1),
}
_HOLIDAY = "|".join(re.escape(name) for name in sorted(_HOLIDAYS, key=len, reverse=True)).replace("'", "['\u2019]")


def _first_words() -> set[str]:
    """Every word a date expression can start with, as it may be written."""
    lower = {p.split()[0] for p in [*_ANAPHORIC, *_DEICTIC, *_WEEKDAY_MODIFIERS, *_WEEKEND_MODIFIERS, *_PRESENT]}
    lower |= set(_NUMBER_WORDS) | {"the"}
    words = {w for word in lower for w in (word, word.capitalize())}
    words |= {name.split()[0] for name in _HOLIDAYS}
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
    # two days later, a week ago, two months ago
    rf"|(?P<count>(?<!for )(?<!For )(?P<cn>{_NUMBER})"
    rf"[\s-]+(?P<cu>[Dd]ays?|[Ww]eeks?|[Mm]onths?)\s+(?P<cd>{_phrases(list(_COUNT_DIRECTIONS))})\b)"
    # (in) two days, (in) a week: the match starts at the number, a first word
    rf"|(?P<ahead>(?<=\b[Ii]n\s)(?P<an>{_NUMBER})[\s-]+(?P<au>days?|weeks?)\b(?!\s+(?:of|in|to|the|and)\b))"
    # last week, next month: periods, not days ("the last week" is the seven days up to now, a span)
    r"|(?P<period>(?<![Tt]he\s)(?P<pm>[Ll]ast|[Nn]ext)\s+(?P<pu>week|month)\b)"
    # yesterday, the next day, that same day
    rf"|(?P<rel>(?:{_phrases(list(_ANAPHORIC) + list(_DEICTIC))})\b)"
    # (next|last|the following) Monday
    rf"|(?P<wday>(?:(?P<wmod>{_phrases(_WEEKDAY_MODIFIERS)})\s+)?(?P<wd>{_WEEKDAY}))"
    # (over) the weekend, last weekend: its Saturday
    rf"|(?P<weekend>(?P<emod>{_phrases(_WEEKEND_MODIFIERS)})\s+weekend\b(?!\s+of\b))"
    # (last) Thanksgiving, Christmas Day, Good Friday
    rf"|(?P<holiday>(?:(?P<hmod>{_phrases(['last', 'next', 'this'])})\s+)?(?P<hd>{_HOLIDAY})(?![\w'\u2019]))"
    # words that bring the story back to the present
    rf"|(?P<present>(?:{_phrases(_PRESENT)})\b)"
    r")"
)

# Named days that are also words of other phrases ("Christmas shopping"): days only after a preposition
# of time ("at Christmas" is as often the season, every year: "presents at Christmas").
_BARE_HOLIDAYS = frozenset({"Christmas", "New Year's", "New Year\u2019s"})
_BEFORE_BARE_HOLIDAY_RE = re.compile(r"\b(?:[Oo]n|[Bb]y|[Bb]efore|[Aa]fter|[Uu]ntil|[Tt]ill|[Ss]ince|[Oo]ver)\s+$")
_CAPITALISED_AFTER_RE = re.compile(r"\s+[A-Z]")
_HOLIDAY_BEFORE_RE = re.compile(
    r"\b(?:Black|Cyber|Good|Super|Bloody|Ash|Easter|Palm|Holy|Maundy|Shrove|Whit|Giving|Fat|Low"
    r"|Mothering|Orthodox|Trinity|Passion|Manic|Blue|Girl|Man)\s+$"
)
_PAPER_AFTER_RE = re.compile(
    r"\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|Tribune|Independent|Observer|Sport"
    r"|People|Edition|Magazine|Review|School|school|League|Service)\b"
)
# A capitalised word just before, not one that ends the sentence before ("... in Paris. Today, ...").
_CAPITALISED_BEFORE_RE = re.compile(r"\b[A-Z][\w.]*\w\s+$")

# A verb after "to", not a place or a noun ("returned to the city", "went to court").
_VERB_AFTER_TO = (
    r"(?!(?:the|a|an|his|her|its|their|our|my|your|this|that|these|those|some|all|be|court|work|school"
    r"|office|power|jail|prison|hospital|church|bed|town|sea|trial|date|death|light|life)\b)[a-z]{2,}"
)

# Words that set the tense of the clause around a date expression. The
# nearest one decides whether a weekday or a day and month lies ahead of the
# day of writing or behind it. Futures and modals first, so that "planned to"
# or "to be held" is not read as a past "-ed".
_TENSE_RE = re.compile(
    # Every tense word starts a word with a lowercase letter (or is "'ll"): checking
    # that first spares the engine trying each alternative inside words.
    r"(?:(?<![\w'])(?=[a-z])|(?='ll\b))(?:"
    r"(?P<future>\b(?:(?:is|are|was|were|be|been)\s+)?(?:will|shall|won't|would|must|should|going\s+to"
    r"|to\s+be|to\s+begin|to\s+start|plans?|planned|planning|intends?|aims?|hopes?|expects?|expected"
    r"|promised\s+to|vowed\s+to|scheduled|slated|set\s+(?:to|for)|due|poised|upcoming|expires?"
    r"|deadline|postponed|delayed|about\s+to|(?:may|might)(?!\s+(?:not\s+)?have\b)"
    # a perfect that sets up a plan: "has agreed to meet", "have voted to strike"
    rf"|(?:has|have)\s+[a-z]{{2,}}ed\s+to\s+{_VERB_AFTER_TO}"
    # a plan told with "be to": "The envoy is to arrive", "was to arrive" (seen from the past)
    rf"|(?:is|are|was|were)\s+to\s+{_VERB_AFTER_TO})\b|'ll\b)"
    r"|(?P<report>\b(?:said|says|told|tells|announced|stated|added|reported|wrote|declared)\b)"
    # the present perfect tells of the past ("have been searching", "has fled"),
    # not when it sets up a plan ("has scheduled a hearing", "has agreed to meet")
    r"|(?P<perfect>\b(?:has|have)\s+(?:(?:not|never|already|just|also|long)\s+)?"
    r"(?!(?:re)?scheduled\b|planned\b|slated\b|set\b|called\b|postponed\b|delayed\b|moved\b|arranged\b"
    r"|[a-z]+ed\s+to\b)(?:been|gone|gotten|seen|taken|given|done|become|grown|fallen|risen|[a-z]{2,}ed)\b)"
    r"|(?P<past>(?<!\bbe )\b(?:was|were|had|did|ago|last|met|went|came|took|gave|began|left|fell|rose"
    r"|won|lost|saw|made|got|found|sent|led|fled|flew|fought|struck|shot|stood|ran|spoke|broke|held"
    r"|became|brought|kept|heard|knew|grew|sank|paid|sold|built|tore|threw|hit|put|set|quit)\b"
    # not a participle after "be", "remain" or "stay": "will remain closed through Friday"
    # (the word is checked first: the look-behinds then run only at words in -ed)
    r"|\b(?=[a-z]{2,}ed\b)(?<!\bbe )(?<!\bremain )(?<!\bremains )(?<!\bstay )(?<!\bstays )"
    r"(?!(?:hundred|indeed|need|speed|seed|feed|breed|proceed|exceed|succeed)\b)[a-z]{2,}ed\b)"
    # the present of a planned event: "The envoy meets the rebels Tuesday"
    r"|(?P<present>\b(?:is|are|meets|begins|starts|opens|closes|ends|resumes|reconvenes|convenes"
    r"|arrives|departs|leaves|travels|returns|visits|heads|holds|hosts|faces|plays|votes|rules"
    r"|sits|launches|unveils|continues|concludes|reopens|adjourns|testifies|deliberates"
    r"|kicks\s+off|takes\s+(?:office|effect)|goes\s+on\s+trial)\b"
    # ... and its plural, of verbs that are seldom nouns ("head", "vote", "hold" are), not after
    # "to" or a negation ("agreed to meet", "did not meet")
    r"|(?<!\bto )(?<!\bnot )(?<!n't )\b(?:meet|begin|resume|reconvene|convene|arrive|depart|gather"
    r"|continue|conclude|reopen|(?:go|head)\s+to\s+the\s+polls|kick\s+off|take\s+(?:office|effect))\b)"
    r")"
)
# The past auxiliaries that keep "until Thursday" in the past ("Until Thursday, they had not ...").
_PAST_AUXILIARIES = frozenset({"was", "were", "had", "did"})
# Words right before a day that put it ahead unless the clause's verb is past:
# "by Friday", "until 9 a.m. Tuesday", "ahead of Friday's vote", "as soon as Tuesday",
# "was moved to Dec. 3".
_FUTURE_BEFORE_RE = re.compile(
    r"\b(?:until|till|by|ahead\s+of|as\s+(?:soon|early)\s+as|between\s+now\s+and|from\s+now\s+(?:to|until)"
    r"|(?:moved|pushed\s+back|brought\s+forward|put\s+off|rescheduled|postponed|delayed|adjourned)\s+(?:to|for))"
    r"\s+(?:(?:the|this|next)\s+)?(?:[\d:.]+\s*(?:[ap]\.m\.|[ap]m)?\s+)?(?:on\s+)?$",
    re.IGNORECASE,
)
# Words right before a day that mark when something starts or must be done by: "beginning Monday",
# "effective Nov. 1", "from Monday", "no later than Friday". They put the day ahead only when the
# clause has no past verb of its own ("Beginning Monday, prices rise", but "From Monday, rebels
# shelled the town").
_ONSET_BEFORE_RE = re.compile(
    r"\b(?:beginning|starting|effective|from|(?:no|not)\s+later\s+than|on\s+or\s+(?:before|after))"
    r"\s+(?:(?:the|this|next)\s+)?(?:[\d:.]+\s*(?:[ap]\.m\.|[ap]m)?\s+)?(?:on\s+)?$",
    re.IGNORECASE,
)
# "is released Friday", "are announced on Monday": a participle right before the day after "is" or "are".
_BARE_GAP_RE = re.compile(r"\s+(?:on\s+)?")
_PRESENT_PASSIVE_BEFORE_RE = re.compile(r"\b(?:is|are)\s+$")
_RANGE_AFTER_RE = re.compile(r"\s*(?:to|until|till|through|and)\b|\s*[-\u2013]")
# "since" a few words before a day puts it behind: "since shortly after the Oct. 23 slaying".
_PAST_BEFORE_RE = re.compile(r"\b[Ss]ince(?:\s+[^\s,;]+){0,3}\s+$")
# An infinitive between the verb and the day: the day is the infinitive's, a
# time ahead of the verb ("subpoenaed him to testify on Feb. 10"). Not "to"
# before a place or a noun ("returned to the city", "went to court").
_INFINITIVE_RE = re.compile(rf"\bto\s+{_VERB_AFTER_TO}\b")
# Where a clause ends: the tense of one clause says nothing of the next.
_CLAUSE_BREAK_RE = re.compile(r";|:\s|\s--\s|\s_\s|\s[\u2013\u2014]\s|\u2014")
# Words that make what follows a background clause: its day is not the sentence's.
_SUBORDINATE_RE = re.compile(
    r"\b(?:since|after|following|before|when|whenever|until|which|who|whose|anniversary\s+of"
    r"|aftermath\s+of)\b",
    re.IGNORECASE,
)
# An aside between commas that opens with a participle: ", announced Oct. 5,", ", originally set for ...,".
_PARTICIPLE_OPENS_RE = re.compile(
    r"\s*(?:first\s+|originally\s+|last\s+|already\s+)?(?:[a-z]{2,}ed|held|set|made|built|taken|given|seen|done"
    r"|written|begun|known|shown|sent|signed|won|lost|found|brought|struck|shot|hit|put|cut)\b"
)
# The aside's closing comma, however long the aside ("issued Wednesday by the regional commissioner,"),
# but not one before a conjunction: "attacked the town, killed 20 on Monday, and fled" lists verbs.
_ASIDE_CLOSES_RE = re.compile(r"[^,.;:!?]{0,60},(?!\s+(?:and|or|but|then)\b)")
# A sentence that opens with a subordinate clause: "After touring the port Thursday, ...".
_OPENING_SUBORDINATE_RE = re.compile(r"[\"'\u201c\u2018`]*(?:After|Before|Since|When|Whenever|While|Following)\s")
# A day used as a name for an event ("the Oct. 23 killing", "a Jan. 14 deadline").
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur)\s+$")
_NOUN_AFTER_RE = re.compile(
    r"\s+(?!(?:and|or|to|at|in|on|of|for|with|by|from|when|as|that|which|who|is|was|were|are|will"
    r"|would|had|has|have|the|a|an|local|time|morning|afternoon|evening|night)\b)[a-z]"
)
_POSSESSIVE_AFTER_RE = re.compile(r"['\u2019]s?\b")
# The start of a clause, optionally with the words that set a scene, before a date:
# "On October 8, 2020, ...", "... recalled that on the night of October 10, ...".
_SCENE_BEFORE_RE = re.compile(
    r"(?:^|[,;:(]\s*|\bthat\s+|[\"'\u201c\u2018`]+\s*)"
    r"(?:(?:[Oo]n|[Bb]y|[Ll]ate|[Ee]arly|[Ll]ater|[Ee]arlier)\s+)?"
    r"(?:(?:the\s+)?(?:night|morning|evening|afternoon|early\s+hours|hours)\s+of\s+)?$"
)
_PRESENT_TENSE_RE = re.compile(
    r"(?P<present>\b(?:is|are|am|has|have|remains?|now)\b)"
    r"|(?P<past>\b(?:was|were|had|did)\b|(?<!\bbe )(?<!\bis )(?<!\bare )(?<!\bhas )(?<!\bhave )\b[a-z]{2,}ed\b)"
)
_PREPOSITION_BEFORE_RE = re.compile(r"\b(?:on|of)\s+$")
# A day in a reporting tag that follows what it reports: "..., officials said Monday".
_REPORTING_TAG_RE = re.compile(
    r"[,\"'\u201d\u2019]\s*(?:[^\s,;:]+\s+){0,6}?(?:said|told|reported|announced|added|stated)"
    r"(?:\s+(?:here|there|today|on|late|early))*\s+$"
)
_CLOSING_QUOTE_RE = re.compile(r"[\"\u201d\u00bb]|''")
_SCENE_REACH = 40
_SENTENCE_END_RE = re.compile(r"\W*")  # nothing but punctuation up to the end of the sentence
_NEXT_CLAUSE_RE = re.compile(
    r",|\b(?:as|when|while|because|although|though|if|that|which|who|whom|whose|where|and|but)\b"
)
# How far (characters) the sentence is searched for a tense word when its clause has none.
_SENTENCE_TENSE_REACH = 250
_YEAR_AFTER_RE = re.compile(r"\s+(?P<which>last|next|this)\s+year\b")
# A year that opens the sentence as its frame: "In 1987, on Oct. 19, the market crashed".
_OPENING_YEAR_RE = re.compile(
    rf"[\"'\u201c\u2018`]*(?:In|During|Back\s+in)\s+(?:(?:early|late|mid)[\s-]+)?(?:{_MONTH}\s+)?"
    rf"(?P<year>{_YEAR}),"
)
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}
# A year that opens a sentence as its time: "In 1997, ...", "In May 1997 ...", "Last year ...",
# "Earlier this year, ..." (not a year inside it: "The invasion in February 2022 undermined ...").
_YEAR_OPENS_RE = re.compile(
    rf"[\"'\u201c\u2018`]*(?:(?:In|During|By|Back\s+in)\s+(?:(?:early|late|mid)[\s-]+)?(?:{_MONTH}\s+)?"
    rf"(?P<year>{_YEAR})\b(?!\s+(?:people|men|women|troops|soldiers|dollars|pounds|euros|homes)\b)"
    r"|(?:(?:Earlier|Later)\s+)?(?P<which>[Ll]ast|[Tt]his|[Nn]ext)\s+year\b)"
)
_COUNT_TARGET_RE = re.compile(r"\s+(?!that\b|this\b|then\b)[A-Za-z\d]")
_REPORTING = "report"
_TENSES = {"future": "future", "present": "future", "past": "past", "perfect": "past", _REPORTING: "past"}

# The ranks of the days a sentence names, in the order they date it.
_FOREGROUND, _BACKGROUND, _PERIOD = 0, 1, 2
_PERIOD_KINDS = frozenset({"period", "ahead"})
# Kinds of expression that name no day: they never cut a sentence into clauses.
_NOT_DAYS = _PERIOD_KINDS | {"present"}
# Kinds that count from the day of writing, so that a reporting verb next to
# them ("on Tuesday, the minister said") brings a retelling back to the present.
_DEICTIC_KINDS = frozenset({"wday", "weekend", "rel", "count"})


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shift(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _shift_months(day: dt.date, months: int) -> dt.date | None:
    """The same day of another month, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        found = _make_date(year, month + 1, min(day.day, last)) if dt.MINYEAR <= year <= dt.MAXYEAR else None
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class _Clause:
    """What the words around one date expression say about it."""

    tense: str  # "future", "past" or "" (nothing in the clause tells)
    sentence_tense: str  # the same from the nearest tense word anywhere in the sentence
    reported: bool  # the nearest tense word is a reporting verb ("said Friday")
    tag: bool  # in a reporting tag after the reported words ("..., officials said Monday")
    conditional: bool  # a future seen from the past: "would", "ordered him to appear on", "said ... by"
    background: bool  # in a subordinate clause or naming an event: not the sentence's day
    scene: bool  # opens its clause ("On October 8, 2020, ..."): a narrative sets its scene
    nearest_day: bool  # nothing tells the side of publication: the nearest occurrence
    opening_year: int | None  # the year that frames the sentence ("In 1987, on Oct. 19, ...")


def _read_clause(text: str, start: int, end: int, lo: int, hi: int) -> _Clause:
    """Read the clause of the expression ``text[start:end]`` within the sentence ``text[lo:hi]``."""
    window_lo, window_hi = max(lo, start - 90), min(hi, end + 90)
    for brk in _CLAUSE_BREAK_RE.finditer(text, window_lo, start):
        window_lo = brk.end()
    brk_after = _CLAUSE_BREAK_RE.search(text, end, window_hi)
    if brk_after is not None:
        window_hi = brk_after.start()
    before = text[window_lo:start]
    # A day that ends its sentence sets no scene ("... killed 224 people, on Aug. 7, 1998.").
    scene = _opens_clause(text, lo, start) and not _SENTENCE_END_RE.fullmatch(text, end, hi)
    # Tense words after a comma or a conjunction that follows the day are in
    # another clause ("..., Castro said"), unless the day opens its clause
    # ("On Tuesday, the minister said"). Without a tense word of its own, the
    # day takes the sentence's (``sentence_tense``).
    next_clause = None if scene else _NEXT_CLAUSE_RE.search(text, end, window_hi)
    tag_from = -1 if next_clause is None else next_clause.start()
    nearest, distance, nearest_word = "", window_hi - window_lo, ""
    nearest_cue: re.Match[str] | None = None
    auxiliary_after = False
    verbs_before: list[re.Match[str]] = []
    for cue in _TENSE_RE.finditer(text, window_lo, window_hi):
        kind = cue.lastgroup or ""
        if cue.end() <= start:
            gap = start - cue.end()
            verbs_before.append(cue)
        elif cue.start() >= end:
            auxiliary_after = auxiliary_after or cue.group(0) in _PAST_AUXILIARIES
            if 0 <= tag_from <= cue.start():
                # Another clause: "..., Castro said.", "... Thursday as he was about to ...",
                # "... may be settled on March 6, the family has stayed silent".
                continue
            if kind == _REPORTING and _CLOSING_QUOTE_RE.search(text, end, cue.start()) and _in_quotation(text, start):
                continue  # the speaker's tag outside the quotation: '"On Thursday they let me go," he said'
            gap = cue.start() - end
        else:
            continue  # a word of the expression itself ("next", "last")
        if gap < distance:
            nearest, distance, nearest_word, nearest_cue = kind, gap, cue.group(0), cue
    sentence_nearest = ""
    limit_seen_from_past = False  # "by" or "until" in a past clause: the day may already be behind
    if _FUTURE_BEFORE_RE.search(before, max(0, len(before) - 50)) and not auxiliary_after:
        tense = "future"
        sentence_nearest, word = (nearest, nearest_word) if nearest else _nearest_tense(text, start, end, lo, hi)
        limit_seen_from_past = _TENSES.get(sentence_nearest) == "past" or word == "would"
    elif _PAST_BEFORE_RE.search(before, max(0, len(before) - 50)):
        tense = "past"
    elif (
        nearest not in ("past", "perfect")  # (cheap checks first)
        and not auxiliary_after
        and _ONSET_BEFORE_RE.search(before, max(0, len(before) - 40))
        and not _RANGE_AFTER_RE.match(text, end)  # "the week from Jan. 30 to Feb. 5": a span, no onset
        and (nearest or _nearest_tense(text, start, end, lo, hi)[0]) not in ("past", "perfect")
    ):
        # "Beginning Monday, prices rise": ahead, unless a past verb anywhere in the
        # sentence says otherwise ("From Monday, rebels shelled the town").
        tense = "future"
    elif scene and nearest == "future" and nearest_word.endswith("ed") and " " not in nearest_word:
        tense = "past"  # "On Friday, the government planned to pay ...": the day of the planning
    elif (
        nearest in ("past", _REPORTING)
        and nearest_cue is not None
        and _BARE_GAP_RE.fullmatch(text, nearest_cue.end(), start)
        and _PRESENT_PASSIVE_BEFORE_RE.search(text, max(lo, nearest_cue.start() - 8), nearest_cue.start())
    ):
        tense = "future"  # the present passive of a planned event: "The report is released Friday"
    else:
        tense = _TENSES.get(nearest, "")
    # "... subpoenaed him to testify on Feb. 10": a future seen from the past, like "would".
    infinitive = (
        nearest_cue is not None
        and tense == _TENSES.get(nearest) == "past"
        and nearest_cue.end() <= start
        and _INFINITIVE_RE.search(text, nearest_cue.end(), start) is not None
    )
    determiner = _DETERMINER_BEFORE_RE.search(before) is not None or text.startswith(("the ", "The "), start)
    attributive = bool(_POSSESSIVE_AFTER_RE.match(text, end)) or (
        determiner and _NOUN_AFTER_RE.match(text, end, hi) is not None
    )
    # Nothing near: the sentence's nearest tense word, however far
    # ("Albright, after a 16-hour flight, is scheduled to ... Tuesday morning").
    sentence_kind = nearest or sentence_nearest
    if not sentence_kind and (not tense or attributive):
        sentence_kind = _nearest_tense(text, start, end, lo, hi)[0]
    sentence_tense = tense or _TENSES.get(sentence_kind, "")
    # A day naming an event, told of in the present ("Damage from the Oct. 17 quake is heavy",
    # "Saturday's vote is a test"): the present speaks of now, not of the event's side of it.
    nearest_day = attributive and sentence_kind == "present" and tense in ("", _TENSES["present"])
    if nearest_day and (tense == "" or nearest == "present"):
        tense = sentence_tense = ""
    else:
        nearest_day = False
    return _Clause(
        tense=tense,
        sentence_tense=sentence_tense,
        nearest_day=nearest_day,
        reported=nearest == _REPORTING,
        tag=nearest == _REPORTING and _REPORTING_TAG_RE.search(text, max(lo, start - 60), start) is not None,
        # "was to arrive", "was expected to": a plan seen from the past, like "would"
        conditional=nearest_word == "would"
        or (nearest == "future" and nearest_word.startswith(("was ", "were ")))
        or infinitive
        or limit_seen_from_past,
        background=attributive
        or _is_subordinate(before, window_lo, verbs_before, scene)
        or _in_opening_subordinate(text, lo, start)
        or (not scene and _in_opening_phrase(text, lo, start, end, hi))
        or _in_participle_aside(text, before, end),
        scene=scene,
        opening_year=int(framed.group("year")) if (framed := _OPENING_YEAR_RE.match(text, lo, start)) else None,
    )


def _nearest_tense(text: str, start: int, end: int, lo: int, hi: int) -> tuple[str, str]:
    """The kind and the words of the tense word nearest to ``text[start:end]`` anywhere in its sentence."""
    lo, hi = max(lo, start - _SENTENCE_TENSE_REACH), min(hi, end + _SENTENCE_TENSE_REACH)
    nearest, distance, words = "", hi - lo, ""
    for cue in _TENSE_RE.finditer(text, lo, hi):
        gap = start - cue.end() if cue.end() <= start else cue.start() - end
        if 0 <= gap < distance:
            nearest, distance, words = cue.lastgroup or "", gap, cue.group(0)
    return nearest, words


_JOINED_VERB_RE = re.compile(r"\b(?:and|or)\s+$")


def _is_subordinate(before: str, offset: int, verbs_before: list[re.Match[str]], scene: bool) -> bool:
    """Whether a date sits in a background clause, given the clause's words before it.

    After "since", "after", "which" ... with at most one verb between, the
    date is in that clause ("since the war began on October 7"); two verbs
    mean the main clause has resumed ("The man who fled was caught Thursday"),
    unless the second is joined to the first by "and" ("which opened on
    March 15 and continues through Sunday").
    A date after "on" or "of" before any verb, not opening its clause, is
    part of the subject ("The bombings on Aug. 7 killed 259").
    """
    comma = before.rfind(",")
    opener = None
    for opener in _SUBORDINATE_RE.finditer(before, comma + 1):  # noqa: B007 (the last one is wanted)
        pass
    if opener is not None:
        verbs, last_end = 0, -10
        for cue in verbs_before:
            if cue.start() >= offset + opener.end():
                at = cue.start() - offset
                # "was announced" is one verb; so is a verb joined to the one before
                # ("which was launched on March 15 and continues through Sunday")
                joined = _JOINED_VERB_RE.search(before, max(0, at - 5), at) is not None
                verbs += cue.start() - last_end > 1 and not (joined and verbs)
                last_end = cue.end()
        if verbs <= 1:
            return True
    return not verbs_before and not scene and _PREPOSITION_BEFORE_RE.search(before) is not None


def _in_participle_aside(text: str, before: str, end: int) -> bool:
    """Whether a date is in an aside between commas that opens with a participle.

    "The bid, announced Oct. 5, was rejected Tuesday": the aside's day is
    background to the main clause's.
    """
    comma = before.rfind(",")
    return (
        comma >= 0
        and _PARTICIPLE_OPENS_RE.match(before, comma + 1) is not None
        and _ASIDE_CLOSES_RE.match(text, end) is not None
    )


def _in_opening_phrase(text: str, lo: int, start: int, end: int, hi: int) -> bool:
    """Whether a date is in a phrase without a verb that opens the sentence before its first comma.

    "In contrast to Thursday, when ..., protesters were calmer Friday": the
    main clause after the comma has the sentence's day. (A day that opens the
    phrase itself, "On Thursday, ...", sets the scene and is not asked.)
    """
    if text.find(",", lo, start) >= 0:
        return False
    comma = text.find(",", end, hi)
    return comma >= 0 and _TENSE_RE.search(text, lo, comma) is None


def _in_opening_subordinate(text: str, lo: int, start: int) -> bool:
    """Whether a date is in a subordinate clause that opens the sentence and runs to its first comma.

    "After touring the port Thursday and meeting the police Friday morning,
    the chief said ...": both days are background, however long the clause.
    """
    return _OPENING_SUBORDINATE_RE.match(text, lo) is not None and text.find(",", lo, start) < 0


def _speaks_of_the_present(text: str, start: int, end: int) -> bool:
    """Whether a sentence is in the present tense: it has a present verb and no past one.

    Such a sentence in a retold story ("Kopp is now the second suspect")
    brings the story back to the day of writing.
    """
    present = False
    for cue in _PRESENT_TENSE_RE.finditer(text, start, end):
        if cue.lastgroup == "past":
            return False
        present = True
    return present


def _in_quotation(text: str, position: int) -> bool:
    """Whether ``position`` lies inside quoted speech, counting the quotation marks of its paragraph.

    A quotation that runs over several paragraphs reopens with a mark at
    each one, so the paragraph's own marks tell. Straight double quotes
    alternate; curly and doubled (````...''``) ones open and close.
    """
    paragraph = text.rfind("\n", 0, position) + 1
    piece = text[paragraph:position]
    return (
        piece.count('"') % 2 == 1
        or piece.count("\u201c") > piece.count("\u201d")
        or piece.count("``") > piece.count("''")
        or piece.count("\u00ab") > piece.count("\u00bb")
    )


def _opens_with_another_year(text: str, start: int, day: dt.date, published: dt.date | None) -> bool:
    """Whether a sentence opens with a year other than ``day``'s ("In 1997, ...", "Last year ...").

    Such a sentence tells of another time than the story's day, so that day
    does not date it ("Smith joined the firm on March 1, 1985. Last year he
    became chairman."), though the story stays where it was.
    """
    opening = _YEAR_OPENS_RE.match(text, start)
    if opening is None:
        return False
    which = opening.group("which")
    if which is None:
        return int(opening.group("year")) != day.year
    return published is not None and published.year + _YEAR_SHIFT[which.lower()] != day.year


def _opens_clause(text: str, lo: int, start: int) -> bool:
    """Whether a date at ``start`` opens its clause in the sentence that begins at ``lo``."""
    if start - lo <= _SCENE_REACH:
        return _SCENE_BEFORE_RE.search(text[lo:start]) is not None  # "^": the sentence's start
    return _SCENE_BEFORE_RE.search(text, start - _SCENE_REACH, start) is not None  # "^" never matches at pos


class _Story:
    """The running state of one article.

    ``day`` is the last day the story named in the foreground of a sentence
    (the anchor of "the next day"); ``retelling`` whether that day is a retold
    time far from publication that words such as "yesterday" count from;
    ``carry`` the day that sentences naming none take (``None``: publication).
    """

    __slots__ = (
        "carry", "carry_text", "day", "day_dated", "day_text", "published", "quoted_retelling", "retelling",
        "retold_at", "sentence",
    )  # fmt: skip

    def __init__(self, published: dt.date | None) -> None:
        self.published = published
        self.day: dt.date | None = None
        self.day_text = ""
        self.day_dated = False  # the story's day comes from words that name a year
        self.retelling = False
        self.carry: dt.date | None = None
        self.carry_text = ""
        self.sentence = 0  # the number of the sentence being read
        self.retold_at = 0  # the last sentence that named a retold day
        self.quoted_retelling = False  # the retelling was opened inside a quotation: the speaker's, not the reporter's

    def copy(self) -> _Story:
        """The state as it is now, to go back to when a reading is dropped."""
        twin = _Story(self.published)
        twin.carry, twin.carry_text = self.carry, self.carry_text
        twin.day, twin.day_dated, twin.day_text = self.day, self.day_dated, self.day_text
        twin.quoted_retelling, twin.retelling, twin.retold_at = self.quoted_retelling, self.retelling, self.retold_at
        twin.sentence = self.sentence
        return twin

    def is_far(self, day: dt.date) -> bool:
        return self.published is None or abs((day - self.published).days) > _RETELLING_DAYS

    def in_retelling(self) -> bool:
        return self.day is not None and (self.published is None or self.retelling)

    def anaphoric_anchor(self) -> dt.date | None:
        return self.day if self.day is not None else self.published

    def deictic_anchor(self) -> dt.date | None:
        """The day "yesterday" or "on Monday" counts from: a retold day only while the passage tells of it."""
        if not self.in_retelling():
            return self.published
        if self.published is not None and self.sentence - self.retold_at > _RETELLING_REACH:
            return self.published
        return self.day

    def back_to_present(self) -> None:
        self.day, self.day_text, self.retelling, self.carry, self.carry_text = None, "", False, None, ""

    def move(
        self, day: dt.date, words: str, *, confirms: bool, narrated: bool, dated: bool, quoted: bool = False
    ) -> None:
        """Move the story to a day named in the foreground of a sentence.

        A day far from publication becomes a retold time, that "yesterday" or
        "on Monday" count from, only when the passage really tells of it
        (``confirms``: it sets a scene, or counts on from the story's day) and
        the time has a year on it (``dated``: the words name one, or count on
        from a day that had one); a reporter who leaves the year out speaks of
        this year, and counts "yesterday" from the day of writing. Told in the
        past tense (``narrated``), a far day dates the sentences after it that
        name no day; otherwise it is only the anchor of "the next day". A
        retelling opened inside a quotation (``quoted``) is the speaker's: it
        lasts only as long as the quotation does (see ``leave_quoted_retelling``).
        """
        far = self.is_far(day)
        continuing = self.retelling and self.day is not None and not self.is_far_from_story(day)
        dated = dated or (confirms and self.day_dated and self.day is not None and not self.is_far_from_story(day))
        self.day, self.day_text, self.day_dated = day, words, dated
        if far and not (confirms or continuing or narrated):
            self.retelling = False
            return
        was_retelling = self.retelling
        self.retelling = far and self.published is not None and ((confirms and dated) or continuing)
        if self.retelling:
            self.retold_at = self.sentence
            if not was_retelling:
                self.quoted_retelling = quoted
        future = self.published is not None and day > self.published
        self.carry, self.carry_text = (None, "") if future else (day, words)

    def leave_quoted_retelling(self) -> None:
        """The reporter's own words after a quoted retelling: "on Friday" counts from publication again."""
        if self.retelling and self.quoted_retelling:
            self.retelling = False

    def is_far_from_story(self, day: dt.date) -> bool:
        return self.day is None or abs((day - self.day).days) > _RETELLING_DAYS

    def month_day(self, month: int, day: int, tense: str, weekday: int | None) -> tuple[dt.date | None, bool]:
        """The year for a day and month written without one, and whether it continues a retold time."""
        story, pub = self.day, self.published
        if (
            story is not None
            # Only a past time is retold: a far future day ("closed on Christmas Day", said the day
            # after) is no clock for the next sentence's "2 January".
            and (pub is None or (story.year != pub.year and story <= pub))
            # A far day read without a year ("rescued on Thanksgiving Day", last year's) is no retold
            # time either: counting on from it would leave the year round publication.
            and (self.retelling or pub is None or (self.is_far(story) and self.day_dated))
        ):
            near_story = _nearest_year(story, month, day, weekday)
            reach = _RETOLD_SPAN_DAYS if self.retelling else _RETELLING_DAYS
            if near_story is not None and (pub is None or abs((near_story - story).days) <= reach):
                return near_story, True
        if pub is None:
            return None, False
        if weekday is not None:
            agreeing = _nearest_year(pub, month, day, weekday)
            if agreeing is not None and agreeing.weekday() == weekday:
                return agreeing, False  # else the writer's weekday is wrong: the tense decides
        past = next((d for k in range(9) if (d := _make_date(pub.year - k, month, day)) and d <= pub), None)
        ahead = next((d for k in range(9) if (d := _make_date(pub.year + k, month, day)) and d >= pub), None)
        if tense == "past" or ahead is None:
            return past, False
        if tense == "future" or past is None:
            return ahead, False
        return (ahead if (ahead - pub) < (pub - past) else past), False


def _nearest_year(anchor: dt.date, month: int, day: int, weekday: int | None) -> dt.date | None:
    """The day and month in the year before, of or after an anchor closest to it (on the weekday, if given)."""
    found = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if dt.MINYEAR <= y <= dt.MAXYEAR and (d := _make_date(y, month, day))
    ]
    matching = [d for d in found if weekday is None or (d.weekday() == weekday and abs((d - anchor).days) <= 366)]
    return min(matching or found, key=lambda d: abs((d - anchor).days)) if found else None


def _weekday(story: _Story, match: re.Match[str], clause: _Clause) -> dt.date | None:
    weekday = _WEEKDAYS[match.group("wd").lower()]
    modifier = " ".join((match.group("wmod") or "").lower().split())
    if modifier in ("the following", "the next", "the previous"):
        anchor = story.anaphoric_anchor()
    elif clause.reported and story.published is not None:
        anchor = story.published  # "on Tuesday, the minister said": the present again
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
    if (anchor != story.published and story.in_retelling()) or clause.nearest_day:
        return _shift(anchor, ahead if ahead <= 3 else -behind)
    # A weekday with no tense word in its clause takes the sentence's: a
    # day-month has the nearest occurrence to fall back on, a weekday has not.
    return _shift(anchor, ahead if clause.sentence_tense == "future" else -behind)


def _weekend(story: _Story, match: re.Match[str], clause: _Clause) -> dt.date | None:
    """The Saturday of the weekend that the words and the tense point to."""
    anchor = story.deictic_anchor()
    if anchor is None:
        return None
    modifier = " ".join(match.group("emod").lower().split())
    in_weekend = anchor.weekday() >= 5
    this_saturday = _shift(anchor, -((anchor.weekday() - 5) % 7) if in_weekend else (5 - anchor.weekday()))
    last_saturday = _shift(anchor, -((anchor.weekday() - 5) % 7) - (7 if in_weekend else 0))
    if in_weekend and modifier in ("the", "this"):
        return this_saturday  # "this weekend" written on a Saturday or Sunday: the one under way
    if modifier in ("last", "this past", "past") or (modifier in ("the", "this") and clause.sentence_tense == "past"):
        return last_saturday
    if modifier in ("next", "this coming", "coming") and in_weekend:
        return _shift(anchor, 7 - ((anchor.weekday() - 5) % 7))
    return this_saturday


def _is_bare_holiday(text: str, match: re.Match[str]) -> bool:
    """Whether "Christmas" or "New Year's" names the day: after a preposition or "last", not before a noun.

    "by Christmas", "on New Year's", "last Christmas" are days; "Christmas
    shopping", "New Year's resolutions", "Orthodox Christmas" and "a merry
    Christmas" are not.
    """
    if _NOUN_AFTER_RE.match(text, match.end()) or _CAPITALISED_AFTER_RE.match(text, match.end()):
        return False
    if match.group("hmod"):
        return True
    return _BEFORE_BARE_HOLIDAY_RE.search(text, max(0, match.start() - 12), match.start()) is not None


def _holiday(story: _Story, match: re.Match[str], clause: _Clause) -> dt.date | None:
    """The occurrence of a named day that the tense (or "last", "next") points to."""
    anchor = story.deictic_anchor()
    if anchor is None:
        return None
    rule = _HOLIDAYS[" ".join(match.group("hd").replace("\u2019", "'").split())]
    days = [rule(y) for y in (anchor.year - 1, anchor.year, anchor.year + 1) if dt.MINYEAR < y < dt.MAXYEAR]
    if not days:
        return None
    modifier = (match.group("hmod") or "").lower()
    if anchor != story.published and not modifier:
        return min(days, key=lambda d: abs((d - anchor).days))  # a retelling moves both ways
    past = [d for d in days if d <= anchor if not (modifier == "last" and d == anchor)]
    ahead = [d for d in days if d >= anchor if not (modifier == "next" and d == anchor)]
    if modifier == "last" or (clause.tense == "past" and modifier != "next"):
        return past[-1] if past else None
    if modifier == "next" or clause.tense == "future":
        return ahead[0] if ahead else None
    return min(days, key=lambda d: abs((d - anchor).days))


def _count(match: re.Match[str], number_group: str) -> int:
    number = match.group(number_group).lower()
    return _NUMBER_WORDS[number] if number in _NUMBER_WORDS else int(number)


def _resolve(text: str, match: re.Match[str], story: _Story, clause: _Clause) -> tuple[dt.date | None, bool]:
    """The day a date expression names (``None`` when it names none) and whether it tells of the story's day."""
    kind = match.lastgroup
    group = match.group
    if kind == "iso":
        return _make_date(int(group("iy")), int(group("im")), int(group("id"))), False
    if kind == "num":
        first, second = int(group("n1")), int(group("n2"))
        if first > 12 >= second:
            return _make_date(int(group("ny")), second, first), False
        if second > 12 >= first:
            return _make_date(int(group("ny")), first, second), False
        return None, False  # 10/08/2020: day and month cannot be told apart
    if kind in ("mdy", "dmy"):
        suffix = "1" if kind == "mdy" else "2"
        month = _MONTHS[group("m" + suffix).rstrip(".").lower()]
        day = int(group("d" + suffix))
        year = group("y" + suffix)
        if year is not None:
            return _make_date(int(year), month, day), False
        stated = _WEEKDAY_IN_RE.match(match.group(0))
        weekday = _WEEKDAYS[stated.group(0).lower()] if stated else None
        if clause.opening_year is not None:
            return _make_date(clause.opening_year, month, day), False  # "In 1987, on Oct. 19, ..."
        shifted = _YEAR_AFTER_RE.match(text, match.end())
        anchor = story.deictic_anchor()
        if shifted is not None and anchor is not None:
            return _make_date(anchor.year + _YEAR_SHIFT[shifted.group("which")], month, day), False
        # "would" speaks of a future seen from the past: the day may already be behind
        # publication ("said they would appeal by Jan. 14", published Jan. 15), so the nearer.
        return story.month_day(month, day, "" if clause.conditional else clause.tense, weekday)
    if kind == "count":
        direction = " ".join(group("cd").lower().split())
        if direction in _COUNTED_FROM_WHAT_FOLLOWS and (
            direction == "from" or _COUNT_TARGET_RE.match(text, match.end())
        ):
            return None, False  # "ten days before the murder": counts from an event, not a day
        count = _count(match, "cn") * _COUNT_DIRECTIONS[direction]
        if direction in _COUNTED_FROM_NOW:
            anchor = story.published if clause.reported else story.deictic_anchor()
        else:
            anchor = story.anaphoric_anchor()
        if anchor is None:
            return None, False
        unit = group("cu").lower()
        if unit.startswith("month"):
            return _shift_months(anchor, count), False
        return _shift(anchor, count * (7 if unit.startswith("week") else 1)), direction not in _COUNTED_FROM_NOW
    if kind == "ahead":
        if clause.tense == "past" or story.published is None:
            return None, False  # "built in two weeks": a span of time
        unit = 7 if group("au").startswith("week") else 1
        return _shift(story.published, _count(match, "an") * unit), False
    if kind == "period":
        anchor = story.deictic_anchor()
        if anchor is None:
            return None, False
        step = -1 if group("pm").lower() == "last" else 1
        if group("pu") == "month":
            return _shift_months(anchor, step), False
        return _shift(anchor, 7 * step), False
    if kind == "holiday":
        if group("hd") in _BARE_HOLIDAYS and not _is_bare_holiday(text, match):
            return None, False
        return _holiday(story, match, clause), False
    if kind == "rel":
        words = " ".join(match.group(0).lower().split())
        if words in _TODAY:
            if match.group(0)[0].isupper() and _CAPITALISED_BEFORE_RE.search(
                text, max(0, match.start() - 30), match.start()
            ):
                return None, False  # USA Today, Russia Today: names, not days
            anchor, offset = story.published or story.day, 0
        elif words in _DEICTIC:
            # A reporter's own "yesterday" counts from the day of writing even in a retelling
            # (a narrator says "the day before"); only a quotation speaks from the retold day.
            from_writing = clause.reported or not _in_quotation(text, match.start())
            anchor = story.published if from_writing and story.published else story.deictic_anchor()
            offset = _DEICTIC[words]
        else:
            if words.endswith(("before", "after")) and _COUNT_TARGET_RE.match(text, match.end()):
                return None, False  # "the day before the vote": counts from an event, not a day
            anchor, offset = story.anaphoric_anchor(), _ANAPHORIC[words]
            return (None if anchor is None else _shift(anchor, offset)), True
        return (None if anchor is None else _shift(anchor, offset)), False
    if kind == "weekend":
        return _weekend(story, match, clause), False
    if kind == "wday":
        if group("wmod") is None and (
            _HOLIDAY_BEFORE_RE.search(text, max(0, match.start() - 20), match.start())
            or _PAPER_AFTER_RE.match(text, match.end())
        ):
            return None, False
        modifier = " ".join((group("wmod") or "").lower().split())
        return _weekday(story, match, clause), modifier in ("the following", "the next", "the previous")
    return None, False


_WEEKDAY_IN_RE = re.compile(_WEEKDAY)


def _offset_to_what_follows(match: re.Match[str]) -> tuple[int, re.Match[str]] | None:
    """The days that "the day before" or "two weeks after" count from whatever day follows them."""
    kind = match.lastgroup
    if kind == "rel":
        words = " ".join(match.group(0).lower().split())
        if words.endswith(("before", "after")):
            return _ANAPHORIC[words], match
    elif kind == "count" and (direction := match.group("cd").lower()) in _COUNTED_FROM_WHAT_FOLLOWS:
        unit = match.group("cu").lower()
        if not unit.startswith("month"):
            days = _count(match, "cn") * (7 if unit.startswith("week") else 1)
            return days * _COUNT_DIRECTIONS[direction], match
    return None


def _names_a_year(match: re.Match[str]) -> bool:
    return match.lastgroup in ("iso", "num") or bool(match.group("y1") or match.group("y2"))


# Where a sentence may be cut into clauses that name days of their own (the words after it must be a
# clause: see _clause_cuts): the breaks of _CLAUSE_BREAK_RE, a conjunction after a comma (", and",
# ", but", ", while"), a relative clause set off by a comma (", who could come ... Tuesday"), "and then",
# "after which", and "before" or "after" opening a clause. Not "and" alone, nor ", and" right before a
# verb: "began on Oct. 8 and ended on Oct. 9", "killed 20 on Monday, and fled on Tuesday" are one
# clause with one subject and two verbs, dated by its first day.
_CLAUSE_JOINT_RE = re.compile(
    rf"{_CLAUSE_BREAK_RE.pattern}"
    r"|,\s+(?P<conjunction>and|but|yet)\s+"
    r"|,\s+(?:while|whereas|after\s+which|then|who|whom|whose|which|where)\b"
    r"|,?\s+(?:and\s+then|(?P<preposition>before|after))\b"
)


# Verbs that tell no tense (so _TENSE_RE leaves them out) but make a clause: "who could come Tuesday".
_TENSELESS_MODAL_RE = re.compile(r"\b(?:can|could|cannot|can't|couldn't)\b")


def _verb_opens_clause(text: str, start: int, day_start: int, has_verb: Callable[[int, int], bool]) -> bool:
    """Whether "before" or "after" ending at ``start`` opens a clause rather than a phrase.

    A verb must follow before its day and before the next comma or
    conjunction: "before the board met on Sunday", not "before the first
    Monday in odd-numbered years" or "before 1 p.m., according to".
    """
    stop = _NEXT_CLAUSE_RE.search(text, start, day_start)
    return has_verb(start, day_start if stop is None else stop.start())


def _clause_cuts(text: str, lo: int, hi: int, found: list[re.Match[str]]) -> list[int]:
    """Where the sentence ``text[lo:hi]`` may be cut so that two date expressions lie in different clauses.

    Between two consecutive expressions the last joint of _CLAUSE_JOINT_RE is
    taken whose both sides hold a tense word outside any date expression: a
    clause has a verb, so "from Monday to Friday", "Tuesday, Jan. 14",
    "Monday, Tuesday and Friday" and "The court ruled Wednesday that he must
    leave by Jan. 14" have no cut. Each cut is at the end of the clause's
    last word, so the next part opens with the joint (", and he ...").
    """
    # Periods ("last week", "in ten days") name no day of their own, so they cut nothing.
    days = [m for m in found if m.lastgroup not in _NOT_DAYS]
    if len(days) < 2:
        return []
    expressions = [(m.start(), m.end()) for m in days]

    def has_verb(a: int, b: int) -> bool:
        for cue in _TENSE_RE.finditer(text, a, b):
            if not any(s < cue.end() and cue.start() < e for s, e in expressions):
                return True
        return _TENSELESS_MODAL_RE.search(text, a, b) is not None

    cuts: list[int] = []
    for left, right in itertools.pairwise(days):
        clause_start = cuts[-1] if cuts else lo
        cut = None
        for joint in _CLAUSE_JOINT_RE.finditer(text, left.end(), right.start()):
            if joint.group("conjunction") and _TENSE_RE.match(text, joint.end()):
                continue  # a second verb of the same subject: ", and fled on Tuesday"
            if joint.group("preposition") and not _verb_opens_clause(text, joint.end(), right.start(), has_verb):
                continue  # a preposition: "shut off just before Friday's blaze", "before 1 p.m., according to"
            if has_verb(clause_start, joint.start()) and has_verb(joint.end(), hi):
                cut = joint.start()
        if cut is not None:
            cuts.append(cut)
    return cuts


_Counted = tuple[int, re.Match[str]] | None


def _date_span(
    text: str, start: int, end: int, found: list[re.Match[str]], story: _Story, counted: _Counted
) -> tuple[DatedSentence, _Counted]:
    """Date the sentence (or clause) ``text[start:end]`` from the date expressions ``found`` in it.

    ``story`` moves on as the span is read; ``counted`` is the offset of a
    "the day before" that ended the text before, and the one that ends this span is returned.
    """
    # The span's day: the first in its foreground, else the first in
    # a background clause, else the first period ("last week").
    chosen: list[tuple[dt.date, str] | None] = [None, None, None]
    # A background day near publication: the story moves to it when the
    # span has no foreground day.
    background: tuple[dt.date, str] | None = None
    present = False
    for match in found:
        kind = match.lastgroup
        if kind == "present":
            present = True
            continue
        if story.retelling and story.quoted_retelling and not _in_quotation(text, match.start()):
            story.leave_quoted_retelling()
        clause = _read_clause(text, match.start(), match.end(), start, end)
        day, continues = _resolve(text, match, story, clause)
        before_day, counted = counted, _offset_to_what_follows(match)
        if day is None:
            continue
        words = match.group(0)
        if before_day is not None and not text[before_day[1].end() : match.start()].strip():
            # "the day before last Tuesday's hearing", "two weeks after Jan. 14": counted from that day
            day = _shift(day, before_day[0])
            if day is None:
                continue
            words = text[before_day[1].start() : match.end()]
        rank = _PERIOD if kind in _PERIOD_KINDS else _BACKGROUND if clause.background else _FOREGROUND
        if rank == _FOREGROUND and clause.tag and chosen[_FOREGROUND] is not None:
            # "... arrived over the weekend, officials said Monday": the main clause is the tag
            chosen[_BACKGROUND] = chosen[_BACKGROUND] or chosen[_FOREGROUND]
            chosen[_FOREGROUND] = None
        chosen[rank] = chosen[rank] or (day, words)
        if rank == _FOREGROUND:
            if kind == "rel" and " ".join(words.lower().split()) in _TODAY:
                story.back_to_present()
            if clause.reported and kind in _DEICTIC_KINDS and not continues:
                story.retelling = False
            story.move(
                day, words, confirms=continues or clause.scene, narrated=clause.tense == "past",
                dated=_names_a_year(match) or (kind in ("mdy", "dmy") and clause.opening_year is not None),
                quoted=story.is_far(day) and _in_quotation(text, match.start()),
            )  # fmt: skip
        elif rank == _BACKGROUND and not story.is_far(day):
            background = background or (day, words)
    if chosen[_FOREGROUND] is None and background is not None:
        story.move(*background, confirms=False, narrated=False, dated=False)
    best = next((c for c in chosen if c is not None), None)
    if best is not None:
        return DatedSentence(start, end, best[0], "text", best[1]), counted
    if present or (story.carry is not None and story.is_far(story.carry) and _speaks_of_the_present(text, start, end)):
        story.back_to_present()
    if story.carry is not None and not _opens_with_another_year(text, start, story.carry, story.published):
        return DatedSentence(start, end, story.carry, "narrative", story.carry_text), counted
    return DatedSentence(start, end, story.published, "published", ""), counted


def date_sentences(text: object, published: dt.date | None) -> list[DatedSentence]:
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
        One per span of :func:`split_sentences`, in order; a sentence that
        names different days in different clauses gives one per part, the
        parts consecutive and together the whole span.

    Examples
    --------
    >>> text = "Talks began on October 8, 2020. They resumed the next day. Nobody spoke."
    >>> [(s.date.isoformat(), s.date_source) for s in date_sentences(text, dt.date(2025, 11, 8))]
    [('2020-10-08', 'text'), ('2020-10-09', 'text'), ('2020-10-09', 'narrative')]
    >>> text = "The talks ended Tuesday; a vote is set for Friday."
    >>> [(text[s.start : s.end], s.date.isoformat()) for s in date_sentences(text, dt.date(2025, 12, 31))]
    [('The talks ended Tuesday', '2025-12-30'), ('; a vote is set for Friday.', '2026-01-02')]
    """
    if not isinstance(text, str):  # checked here, not by the annotation: the compiled build would say less
        raise InputTypeError(f"date_sentences got a {type(text).__name__} instead of the article text; pass a str")
    if isinstance(published, dt.datetime):
        published = published.date()
    elif published is not None and not isinstance(published, dt.date):
        raise InputError(
            f"date_sentences got published={published!r}, which is not a date; pass a datetime.date or None"
        )
    spans = split_sentences(text)
    story = _Story(published)
    matches = _DATE_RE.finditer(text)
    pending = next(matches, None)
    # "the day before", "two weeks after" right before another date expression, and its offset in days
    counted: _Counted = None
    result: list[DatedSentence] = []
    for start, end in spans:
        story.sentence += 1
        while pending is not None and pending.start() < start:
            pending = next(matches, None)
        found: list[re.Match[str]] = []
        while pending is not None and pending.start() < end:
            if pending.end() <= end:  # one that runs across a sentence break is not one expression
                found.append(pending)
            pending = next(matches, None)
        cuts = _clause_cuts(text, start, end, found)
        while cuts:
            # Date the clauses apart; a cut stays only where the clauses on its two sides name
            # different days of their own, else the sentence is read again with fewer cuts.
            saved_story, saved_counted = story.copy(), counted
            bounds = [start, *cuts, end]
            parts = []
            for lo, hi in itertools.pairwise(bounds):
                part, counted = _date_span(text, lo, hi, [m for m in found if lo <= m.start() < hi], story, counted)
                parts.append(part)
            kept = [
                cut
                for cut, left, right in zip(cuts, parts, parts[1:], strict=False)
                if left.date_source == right.date_source == "text" and left.date != right.date
            ]
            if kept == cuts:
                result.extend(parts)
                break
            story, counted, cuts = saved_story, saved_counted, kept
        else:
            sentence, counted = _date_span(text, start, end, found, story, counted)
            result.append(sentence)
    logger.debug("dated %d sentences (published %s)", len(result), published)
    return result


def date_at(sentences: list[DatedSentence], offset: int) -> DatedSentence:
    """The sentence (or the part of one, see :func:`date_sentences`) that contains a character offset.

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
        raise InputError("date_at got no sentences to search; pass the result of date_sentences() for a non-empty text")
    if offset < 0:
        raise InputError(f"date_at got offset {offset}, which is negative; pass a character offset >= 0")
    index = bisect.bisect_right(sentences, offset, key=lambda s: s.start) - 1
    return sentences[max(index, 0)]
