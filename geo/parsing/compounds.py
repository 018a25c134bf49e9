"""Place names inside hyphenated compounds: "Texas-Mexico border", "London-based", "US-Philippine drills".

The recogniser reads a hyphenated word as one word, which is right for names that are one
place ("Guinea-Bissau", "Winston-Salem", "Stratford-upon-Avon"). When the whole word is no
name, this step reads its parts: each part, or run of parts and the words around them
("New York-based", "Texas-New Mexico"), that the gazetteer knows becomes a mention of its
own, with its exact offsets, through the recogniser's own filters (persons, organisations,
acronyms, pathogens).

How sure a part is depends on the compound's shape:

- a name with a lower-case word ("London-based", "Kremlin-backed", "pro-Russian") names the
  place: the lower-case word says how something relates to it;
- names only ("Texas-Mexico", "Coca-Cola", "African-American") are places when a word of
  relation follows ("border", "war", "drills": ``data/compound_relation_words.txt``) or when
  it is a legislator's party and seat ("Sen. Ford, D-Charleston,"). Otherwise a part that is no
  name ("Agence France-Presse", "Hugley-Green") makes the whole something else; a demonym part
  is an identity ("African-American"); and a name needs the evidence a common word needs (a
  prominent place, or the text placing it), so brands stay out;
- with an affix other than those ("Green-winged", "Agro-defense") a common word is that word
  and a name needs a common word's evidence; a suffix of manner ("Frankenstein-esque",
  "Texas-style") compares rather than names;
- a lower-case connector or Arabic article between the parts ("Stratford-upon-Avon",
  "Deir-al-Balah") makes the whole one name: unknown as a whole, it yields nothing, as does a
  compound that opens with an article ("Al-Jazeera", "el-Sisi").

Examples
--------
>>> from geo.parsing.compounds import relation_words
>>> "border" in relation_words(), "war" in relation_words()  # "Texas-Mexico border" relates two places
(True, True)
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Container
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from geo.gazetteer.names import name_key
from geo.parsing import lexicons
from geo.parsing.recognize import _CONNECTORS, _MAX_TOKENS, Span, Words

if TYPE_CHECKING:
    from geo.parsing.recognize import Recognizer

__all__ = ["relation_words", "with_compound_parts"]

_HYPHENS = "-‐‑"
_HYPHEN_GAPS = frozenset(_HYPHENS)  # a gap of one hyphen between two parts
_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]{2,})*")  # "O'Hare-based": the apostrophe stays in its part
_START = attrgetter("start")  # a span's start offset, for bisection
# The Arabic article and its assimilated forms: a compound opened by one is a transliterated name.
_ARTICLES = frozenset(
    {"al", "el", "as", "ad", "ash", "at", "ar", "az", "an", "ul", "ez", "es", "ed", "esh", "et", "er"}
)
# Words around the compound that may belong to a name running into it ("New York-based", "Texas-New Mexico").
_CONTEXT = _MAX_TOKENS - 1
_SPACE_GAP = re.compile(r"[ \t\u00a0]{1,2}")
# Affixes that tie a name to a place: "London-based", "Kremlin-backed", "pro-Russian"; a name with
# another affix that is also a common word is that word ("Green-winged").
_PLACE_AFFIXES = frozenset(
    [
        "based",
        "born",
        "bred",
        "led",
        "backed",
        "funded",
        "sponsored",
        "owned",
        "run",
        "made",
        "bound",
        "registered",
        "headquartered",
        "area",
        "wide",
        "allied",
        "aligned",
        "occupied",
        "controlled",
        "held",
        "administered",
        "ruled",
        "flagged",
        "listed",
        "grown",
        "raised",
        "pro",
        "anti",
        "non",
        "ex",
        "post",
        "pre",
        "inter",
        "intra",
        "pan",
        "trans",
        "cross",
    ]
)
_PREFIXES = frozenset({"pro", "anti", "non", "ex", "post", "pre", "inter", "intra", "pan", "trans", "cross", "mid"})
# Suffixes of manner: "Frankenstein-esque", "Texas-style", "Asian-themed" compare, they name no place.
_MANNER_WORDS = frozenset({"esque", "like", "style", "styled", "type", "themed", "inspired", "sized", "size"})
# A legislator's party and seat, AP style: "Sen. Ford, D-Charleston," or "(R-Texas)".
_PARTY_BEFORE = (", ", "(")


@functools.cache
def relation_words() -> frozenset[str]:
    """Nouns that make a compound of names a relation between places ("border", "war", "talks")."""
    return lexicons.read_word_list(Path(__file__).resolve().parent / "data" / "compound_relation_words.txt")


class _Window(Words):
    """The words ``lo:hi`` of an article with word ``h``, a compound, read as its parts.

    The recogniser's filters read it as they read the article: offsets stay the article's,
    and ``lowercase_keys`` (for the sentence-initial filter) are the whole article's.
    """

    def __init__(self, words: Words, lo: int, h: int, hi: int, parts: list[tuple[int, int]]) -> None:
        text = self.text = words.text
        self.article = words
        self.starts = [*words.starts[lo:h], *(s for s, _ in parts), *words.starts[h + 1 : hi]]
        self.ends = [*words.ends[lo:h], *(e for _, e in parts), *words.ends[h + 1 : hi]]
        self.words = [text[s:e] for s, e in zip(self.starts, self.ends, strict=True)]
        part_keys = [name_key(text[s:e]) for s, e in parts]
        self.keys = [*words.keys[lo:h], *part_keys, *words.keys[h + 1 : hi]]
        self.capital = [*words.capital[lo:h], *(text[s].isupper() for s, _ in parts), *words.capital[h + 1 : hi]]
        # As in Words, gaps[k] is the text before word k and gaps[-1] the text after the last: the
        # parts span all of word h (it opens and ends with letters), so the outer gaps are the article's.
        inner = (text[e:s] for e, s in zip(self.ends, self.starts[1:], strict=False))
        self.gaps = [words.gaps[lo], *inner, words.gaps[hi]]
        self.lo, self.h = lo, h
        self.first_part, self.after_parts = h - lo, h - lo + len(parts)

    @property
    def lowercase_keys(self) -> set[str]:
        return self.article.lowercase_keys  # made only if a filter asks, as for the article

    def article_word(self, k: int) -> int | None:
        """The article's index of window word ``k``; None for a part but the first (which starts the compound)."""
        if k < self.first_part:
            return self.lo + k
        if k >= self.after_parts:
            return self.h + 1 + k - self.after_parts
        return self.h if k == self.first_part else None


class _WindowOpenings:
    """The window's words that open a sentence, asked of the article's: a compound's first part where it does."""

    def __init__(self, window: _Window, article_openings: Container[int]) -> None:
        self.window, self.article_openings = window, article_openings

    def __contains__(self, k: object) -> bool:
        word = self.window.article_word(k) if isinstance(k, int) else None
        return word is not None and word in self.article_openings


def with_compound_parts(
    recognizer: Recognizer,
    words: Words,
    spans: list[Span],
    initial: Container[int],
    surnames: set[str],
    pathogens: set[str],
) -> list[Span]:
    """``spans`` with the names inside hyphenated compounds that are no name as a whole.

    Spans of the main pass that overlap a name found in a compound give way to it
    ("Sierra" before "Sierra Leone-based").
    """
    text = words.text
    found: list[Span] = []
    for h in _hyphenated(words):
        start, end = words.starts[h], words.ends[h]
        # The main pass's spans are in order and do not overlap: the one a compound may lie in is found by bisection.
        inside = bisect_right(spans, start, key=_START) - 1
        if inside >= 0 and spans[inside].end >= end:
            continue  # the compound is (inside) a name already: "Guinea-Bissau", "Stratford-upon-Avon"
        parts = [m.span() for m in _PART.finditer(text, start, end)]
        window = _Window(words, max(0, h - _CONTEXT), h, min(len(words), h + 1 + _CONTEXT), parts)
        part_keys = window.keys[window.first_part : window.after_parts]
        part_capital = window.capital[window.first_part : window.after_parts]
        if not any(part_capital) or part_keys[0] in _ARTICLES:
            continue
        # A prefix is lower case in kind even where it opens a sentence ("Pro-Russian crowds").
        lower = [key for key, capital in zip(part_keys, part_capital, strict=True) if not capital or key in _PREFIXES]
        if any(key in _CONNECTORS or key in _ARTICLES or key in _MANNER_WORDS for key in lower):
            continue
        names = _names_in(recognizer, window, start, end, _WindowOpenings(window, initial), surnames, pathogens)
        if not names:
            continue
        if lower:
            if not any(key in _PLACE_AFFIXES for key in lower):
                # "Green-winged": a common word with another affix is that word; another name
                # needs the evidence a common word needs ("Agro-defense" is no Agra).
                names = [_as_common(span) for span in names if not (span.common and " " not in span.key)]
        elif not _placed(words, h, parts):
            if not all(any(n.start <= s and e <= n.end for n in names) for s, e in parts):
                continue  # a part no name: a double surname, a brand, an agency ("Agence France-Presse")
            # Names only, nothing saying they are places ("Coca-Cola", "African-American"): a demonym
            # part is an identity, a name needs the evidence a common word needs.
            names = [_as_common(span) for span in names if not span.demonym]
        found.extend(names)
    if not found:
        return spans
    # Found names are in order too: a main-pass span gives way to those it overlaps (linear, for long articles).
    found_starts = [f.start for f in found]
    kept = []
    for span in spans:
        k = bisect_left(found_starts, span.end) - 1  # the last found name starting before the span ends
        if k < 0 or found[k].end <= span.start:
            kept.append(span)
    return sorted(kept + found, key=lambda span: span.start)


def _hyphenated(words: Words) -> list[int]:
    """Indexes of the words with a hyphen inside and a capital letter: the compounds that may hold names.

    Found from the hyphens (str.find, a few per article), not by a pass over every word.
    """
    text, starts, ends = words.text, words.starts, words.ends
    out: list[int] = []
    for hyphen in _HYPHENS:
        at = text.find(hyphen)
        while at != -1:
            h = bisect_right(starts, at) - 1
            if h >= 0 and starts[h] < at < ends[h] - 1 and not words.words[h].islower():
                if not out or out[-1] != h:
                    out.append(h)
                at = text.find(hyphen, ends[h])
            else:
                at = text.find(hyphen, at + 1)
    return sorted(set(out))


def _placed(words: Words, h: int, parts: list[tuple[int, int]]) -> bool:
    """Whether a compound of names is said to be about places: a relation word after it, or a party and seat."""
    first_start, first_end = parts[0]
    if first_end - first_start == 1 and words.text[max(0, first_start - 2) : first_start].endswith(_PARTY_BEFORE):
        return True
    # The first lower-case word after the compound and the capitalised words that end its last name.
    k = h + 1
    n = len(words)
    while k < n and k - h <= _CONTEXT and words.capital[k]:
        k += 1
    return k < n and _SPACE_GAP.fullmatch(words.gaps[k]) is not None and words.keys[k] in relation_words()


def _as_common(span: Span) -> Span:
    return Span(
        span.start,
        span.end,
        span.text,
        span.key,
        demonym=span.demonym,
        sentence_initial=span.sentence_initial,
        common=True,
        given_name=span.given_name,
        abbreviation=span.abbreviation,
    )


def _names_in(
    recognizer: Recognizer,
    window: _Window,
    start: int,
    end: int,
    opening: Container[int],
    surnames: set[str],
    pathogens: set[str],
) -> list[Span]:
    """Names of the window that overlap the compound ``start:end``, longest first, as the main pass reads them."""
    keys, demonym_keys, pinned = recognizer.keys, recognizer.demonym_keys, recognizer.pinned
    text, capital, word_keys, gaps = window.text, window.capital, window.keys, window.gaps
    out: list[Span] = []
    n = len(window)
    after = 0
    for i in range(n):
        if i < after or not capital[i]:
            continue
        last = i
        while last + 1 < n and last + 1 - i < _MAX_TOKENS:
            joined = window.joined(last) or window.joined_by_initial(last) or gaps[last + 1] in _HYPHEN_GAPS
            if not joined or not (capital[last + 1] or word_keys[last + 1] in _CONNECTORS):
                break
            last += 1
        match = None
        for j in range(last, i - 1, -1):
            if not capital[j]:
                continue
            key = word_keys[i] if j == i else name_key(text[window.starts[i] : window.ends[j]])
            if key in keys or key in pinned:
                match = (j, key, key in demonym_keys)
                break
            if j == i and recognizer.demonyms and key.endswith("s") and key[:-1] in demonym_keys:
                match = (j, key[:-1], True)
                break
        if match is None:
            continue
        j, key, demonym = match
        if window.ends[j] <= start or window.starts[i] >= end:
            continue  # wholly outside the compound: the main pass has read it
        span = recognizer._accept(window, i, j, key, demonym, opening, surnames, pathogens)
        if span is not None:
            out.append(span)
            after = j + 1
    return out
