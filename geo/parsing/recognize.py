"""Toponym recognition: gazetteer matching with linguistic filters, no statistical model.

Capitalised word sequences are looked up (longest first) among the gazetteer's
name keys. Matches are then filtered the way a careful reader would: person
names ("Vladimir Putin", "Louis Bono", later "Putin" alone), titles, names that
open an organisation or a street ("New York Times", "Dublin Road"), months,
weekdays, function words and common nouns, and acronyms that are not countries.
Demonyms and adjectives ("Russian", "Armenians") become country mentions of
kind ``"demonym"``.

The words of an article come from one regex split (:class:`Words`: parallel lists
of words, offsets, gaps and keys, built at C level); the filters then look only at
the capitalised words that may open a name and at the few words around them.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, compress
from operator import itemgetter, not_, or_
from typing import NamedTuple, overload

from mypy_extensions import mypyc_attr

from geo.gazetteer.names import name_key
from geo.parsing import lexicons

__all__ = ["Span", "Recognizer", "dateline_span", "tokenize", "Token", "Words"]

logger = logging.getLogger(__name__)

# A word: letters, with inner hyphens or apostrophes followed by 2+ letters
# ("Nagorno-Karabakh", "O'Hare", "d'Ivoire"); a trailing possessive "'s" stays out.
# Dotted acronyms ("U.S.") are one token.
_TOKEN = re.compile(r"(?:[A-Z][a-z]{0,3}\.){2,}|[^\W\d_]+(?:(?:['’][^\W\d_]{2,}|[-‐‑][^\W\d_]+))*")
# The same, captured: ``split`` gives gaps and words in turn, with no Python code per word.
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
# A run of characters in a word that are no ASCII letters (words are joined by spaces to find them).
_NOT_PLAIN = re.compile(r"[^A-Za-z ]+")
# Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina", "Rio de Janeiro").
# Words that tell parts of a larger name apart; two of them may share its head: "North and South Korea".
COMPASS_WORDS = frozenset(
    ["north", "south", "east", "west", "central", "northern", "southern", "eastern", "western", "upper", "lower"]
)
_SHARED_HEAD_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+(?:and|or|&)\s+$")
_CONNECTORS = frozenset(
    [
        "of",
        "the",
        "and",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "des",
        "la",
        "le",
        "les",
        "el",
        "al",
        "y",
        "van",
        "von",
        "der",
        "den",
        "am",
        "im",
        "upon",
        "on",
        "sur",
        "en",
        "et",
        "es",
        "og",
        "bin",
        "ibn",
        "ben",
        "ez",
        "ed",
        "ad",
        "ar",
        "az",
        "ash",
        "esh",
        "ul",
    ]  # the Arabic article assimilated: "Deir ez Zor", "Ras ash Shamra"
)
# A word that the Arabic article opens, joined by a hyphen: "Sharm el-Sheikh", "Deir al-Balah".
_ARTICLE_WORD = re.compile(r"(?:al|el|as|ad|ash|at|ar|az|an|ul|ez|es|ed|esh|et|er)[-‐‑][A-Z]")
_ABBREVIATED = frozenset({"st", "mt", "ft", "ste", "pt"})
# Words that name a storm when a capitalised name follows ("Hurricane Helene", "Typhoon Haiyan");
# alone they may be a town ("Hurricane, West Virginia").
_STORM_WORDS = frozenset({"hurricane", "typhoon", "cyclone", "storm", "tornado"})
_CLOSE_QUOTES = frozenset('"”')
# A given name, then an opening quote and perhaps one word of the nickname: "Joaquín "El Chapo" Guzmán".
_NICKNAME_BEFORE = re.compile(r"\b([A-Z][\w'’-]+)\s+[\"“](?:[A-Z][\w'’-]*\s+)?$")
_MAX_TOKENS = 6
# Zipf frequency (log10 per billion words) above which a word is common English.
COMMON_WORD_ZIPF = 3.5
# Words that sit between a place name and an organisation word ("State" in "Ohio State University").
_ORGANISATION_MODIFIERS = frozenset(
    [
        "state",
        "city",
        "county",
        "national",
        "international",
        "regional",
        "general",
        "memorial",
        "community",
        "public",
        "technical",
        "federal",
    ]
)
# Words that make the place name before them the name of a disease or a pathogen.
_PATHOGEN_WORDS = frozenset(
    [
        "virus",
        "viruses",
        "ebolavirus",
        "fever",
        "flu",
        "influenza",
        "disease",
        "strain",
        "strains",
        "variant",
        "syndrome",
        "encephalitis",
        "pox",
    ]
)
# Words between a place name and its pathogen word ("Marburg haemorrhagic fever").
_DISEASE_ADJECTIVES = frozenset(
    ["hemorrhagic", "haemorrhagic", "immunodeficiency", "respiratory", "equine", "spotted", "tick-borne"]
)
_DISEASE_WORDS = _PATHOGEN_WORDS | _DISEASE_ADJECTIVES
# Acronyms that name a country or union rather than an organisation.
_COUNTRY_ACRONYMS = frozenset({"us", "usa", "uk", "uae", "drc", "prc", "dprk", "rok", "ussr", "eu"})
# Verbs of speech after or before a person's full name ("Ama Kumasi said", "said Ama Kumasi").
_SPEECH_VERBS = frozenset(
    [
        "said",
        "says",
        "told",
        "added",
        "wrote",
        "explained",
        "noted",
        "stated",
        "insisted",
        "argued",
        "recalled",
        "warned",
    ]
)
# Between a quoted name and its verb: a space, or an age between commas ("Ama Kumasi, 45, said").
_SPEAKER_BEFORE_VERB = re.compile(r"(?:,\s*\d{1,3},)?\s{1,2}")
_NAME_ENDS = re.compile(r"\s*(?:[.,;:!?\"”)]|$)")
# Gaps that may sit between the words of one name.
_NAME_GAP = re.compile(r"[ \t\u00a0]{1,2}")
_ABBR_GAP = re.compile(r"\.[ \t\u00a0]?")
_QUOTE_OPENERS = "\"'“‘«(["
# Looked-up keys whose answer (a name of the gazetteer or not) the recogniser remembers: a dict
# answers in a tenth of the time the memory-mapped trie takes, and news repeats its words.
_LOOKUP_MEMO_SIZE = 200_000


class Token(NamedTuple):
    """One word: its offsets, text, name key, and whether it is capitalised or all capitals."""

    start: int
    end: int
    text: str
    key: str
    capitalised: bool
    all_caps: bool


@dataclass(frozen=True, slots=True)
class Span:
    """A recognised place name in a text.

    ``key`` is the gazetteer name key that matched; ``demonym`` says the words
    are a demonym or adjective ("Russian") rather than the place's name.
    """

    start: int
    end: int
    text: str
    key: str
    demonym: bool = False
    sentence_initial: bool = False
    common: bool = False  # the word is also a common English word ("Union", "Drug")
    given_name: bool = False  # the word is also a given name ("Kristina", "Lincoln")
    abbreviation: bool = False  # written as an abbreviation ("Ont.", "Mo.", "B.C."): means what it abbreviates
    reference: bool = False  # "the Strip" after "the Gaza Strip": ``key`` is the longer name's


def _all_caps(word: str) -> bool:
    return len(word) > 1 and word.replace(".", "").isupper()


_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
# A dateline: the place a story is filed from, in capitals, opening its first paragraph, with
# perhaps its region or country, the day and the agency, then a dash or a colon:
# "KYIV, May 18 (Reuters) -", "DEIR AL-BALAH, Gaza Strip (AP) —", "MUMBAI:", "KINSHASA/GENEVA (Reuters) -".
_DATELINE = re.compile(
    r"[ \t]*(?P<places>[^\W\d_][^\W\d_'’.-]*(?:[ /-][^\W\d_][^\W\d_'’.-]*)*)"
    r"(?:,[ \t]+[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*)*)?"
    rf"(?:,?[ \t]+(?:{_MONTH_ABBREVIATIONS})[a-z]*\.?[ \t]+\d{{1,2}})?"
    r"[ \t]*(?:\([^()\n]{1,30}\)[ \t]*)?(?:—|–|-|:)[ \t]"
)
# How far into a text a dateline's paragraph may begin (after a title line or two).
DATELINE_REACH = 300


def dateline_span(text: str) -> tuple[int, int]:
    """Where the capitalised place names of a story's dateline start and end ((0, 0) where it has none).

    >>> text = "KYIV, May 18 (Reuters) - Russian missiles struck Kharkiv."
    >>> start, end = dateline_span(text)
    >>> text[start:end]
    'KYIV'
    >>> dateline_span("NATO said on Monday it would meet.")
    (0, 0)
    """
    start = 0
    while start <= DATELINE_REACH:
        found = _DATELINE.match(text, start)
        if found is not None and found.group("places").isupper():
            return found.span("places")
        newline = text.find("\n", start, start + DATELINE_REACH + 1)
        if newline < 0:
            break
        start = newline + 1
    return (0, 0)


class Words(Sequence[Token]):
    """The words of a text, as parallel lists made by one regex split.

    ``words[k]`` runs from ``starts[k]`` to ``ends[k]``; ``gaps[k]`` is the text before
    it (``gaps[len(words)]`` the text after the last word), so two neighbouring words
    are joined by ``gaps[k + 1]``. Splitting, offsets, keys and capital flags are
    computed without a Python step per word (but for the few words not of plain ASCII
    letters, which ``name_key`` folds): an article costs Python work only where a
    filter looks. Indexing gives a :class:`Token`, for
    code that thinks in tokens.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        parts = _TOKEN_SPLIT.split(text)
        self.words: list[str] = parts[1::2]
        self.gaps: list[str] = parts[0::2]
        bounds = list(accumulate(map(len, parts)))
        self.ends: list[int] = bounds[1::2]
        self.starts: list[int] = bounds[0 : 2 * len(self.words) : 2]
        # A word of ASCII letters only has its lower case for its key (name_key folds nothing else
        # in it); only the others go through name_key, whose cache then holds names, not every word.
        # Both at C level over the words joined by spaces (no word holds one): the lower case of
        # the whole, split again, and a scan for the few words with other characters.
        words = self.words
        joined = " ".join(words)
        self.keys: list[str] = joined.lower().split(" ") if words else []
        k, counted = 0, 0
        for other in _NOT_PLAIN.finditer(joined):
            k += joined.count(" ", counted, other.start())  # the word the match is in
            counted = other.start()
            self.keys[k] = name_key(words[k])
        self.capital: list[bool] = list(map(str.isupper, map(itemgetter(0), self.words)))

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def dateline(self) -> tuple[int, int]:
        """Where the text's dateline names start and end ((0, 0) where it has none): see :func:`dateline_span`."""
        return dateline_span(self.text)

    @overload
    def __getitem__(self, k: int) -> Token: ...
    @overload
    def __getitem__(self, k: slice) -> list[Token]: ...
    def __getitem__(self, k: int | slice) -> Token | list[Token]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        word = self.words[k]
        capital = self.capital[k]
        return Token(self.starts[k], self.ends[k], word, self.keys[k], capital, capital and _all_caps(word))

    def __iter__(self) -> Iterator[Token]:
        return (self[k] for k in range(len(self)))

    @cached_property
    def capitalised(self) -> list[int]:
        """Indexes of the capitalised words: the only ones that can open a name."""
        return list(compress(range(len(self.words)), self.capital))

    @cached_property
    def lowercase_keys(self) -> set[str]:
        """Keys of the words written in lower case: evidence that a capitalised word is a common one."""
        return set(compress(self.keys, map(not_, self.capital)))

    def all_caps(self, k: int) -> bool:
        return self.capital[k] and _all_caps(self.words[k])

    def is_initial(self, k: int) -> bool:
        """A single capital followed by a period: a middle initial ("W.")."""
        word = self.words[k]
        return len(word) == 1 and word.isupper() and self.text.startswith(".", self.ends[k])

    def joined(self, k: int) -> bool:
        """Whether word ``k`` and the next may belong to one name."""
        gap = self.gaps[k + 1]
        if gap == " " or _NAME_GAP.fullmatch(gap):
            return True
        # A possessive inside a name: "People's Republic of China", "St. Peter's Square".
        if self.words[k + 1] == "s" and gap in {"'", "’"}:
            return True
        return self.keys[k] in _ABBREVIATED and bool(_ABBR_GAP.fullmatch(gap))

    def joined_by_initial(self, k: int) -> bool:
        """Whether an initial and its period join the next word into one name ("W. Va.", "N. Korea")."""
        return len(self.words[k]) == 1 and self.capital[k] and bool(_ABBR_GAP.fullmatch(self.gaps[k + 1]))


def tokenize(text: str) -> list[Token]:
    """Word tokens with offsets and name keys."""
    return list(Words(text))


def _scan(text: str) -> tuple[list[Token], list[int], set[str]]:
    """The tokens, the indexes of the capitalised ones, and the keys of the others."""
    words = Words(text)
    return list(words), words.capitalised, words.lowercase_keys


class _OpeningTokens:
    """Indexes of tokens that open a sentence (or a quote or a line), decided only for those asked about.

    The recogniser asks for the first token of each candidate name, a few dozen per
    article: deciding it for every word would cost a pass over all of them.
    """

    def __init__(self, tokens: Sequence[Token], text: str, sentence_starts: Collection[int]) -> None:
        if isinstance(tokens, Words):
            self.word_starts, self.word_ends = tokens.starts, tokens.ends
        else:
            self.word_starts, self.word_ends = [t.start for t in tokens], [t.end for t in tokens]
        self.text = text
        self.starts = sorted(set(sentence_starts) | {0})

    def __contains__(self, idx: object) -> bool:
        if not isinstance(idx, int) or not 0 <= idx < len(self.word_starts):
            return False
        if idx == 0:
            return True
        start = self.word_starts[idx]
        prev_end = self.word_ends[idx - 1]
        # The sentence the token is in begins after the previous token.
        if self.starts[bisect_right(self.starts, start) - 1] > prev_end:
            return True
        gap = self.text[prev_end:start]
        stripped = gap.strip()
        return (
            "\n" in gap
            or gap.strip(" \t") in {":", "-", "—", "–"}
            or (bool(stripped) and stripped[-1] in _QUOTE_OPENERS and "." in gap)
        )


@mypyc_attr(allow_interpreted_subclasses=True)  # a public class: subclassable when compiled too
class Recognizer:
    """Finds place-name spans in text.

    Parameters
    ----------
    keys : collection of str
        Every name key of the gazetteer (``Gazetteer.keys()``).
    demonym_keys : collection of str
        Keys that name a country by its demonym ("russian").
    demonyms : bool
        Whether demonyms and adjectives count as mentions of their country.
    ignored : collection of str
        Name keys a user rules out (see :mod:`geo.parsing.rules`).

    Examples
    --------
    >>> rec = Recognizer({"moscow"}, set())
    >>> [s.text for s in rec.find("Talks in Moscow ended.")]
    ['Moscow']
    """

    def __init__(
        self,
        keys: Collection[str],
        demonym_keys: Collection[str],
        *,
        demonyms: bool = True,
        ignored: Collection[str] = (),
        pinned: Collection[str] = (),
        abbreviation_keys: Collection[str] = (),
        abbreviated_keys: Collection[str] = (),
        common_words: Mapping[str, float] | None = None,
    ) -> None:
        self.keys = keys
        self.demonym_keys = demonym_keys
        self.demonyms = demonyms
        self.ignored = frozenset(ignored)
        self.pinned = frozenset(pinned)
        # key -> whether it is a gazetteer name or pinned; for the keys and pins above only.
        self._lookups: dict[str, bool] = {}
        self._lookups_of: tuple[Collection[str], frozenset[str]] = (self.keys, self.pinned)
        self.abbreviations = frozenset(abbreviation_keys)
        # Keys that abbreviate one place and name another ("mo": Missouri, and Mo in Norway):
        # the abbreviation only where written as one.
        self.abbreviated = frozenset(abbreviated_keys)
        self.common_words = common_words or {}
        self.given_names = lexicons.given_names()
        self.titles = {name_key(t) for t in lexicons.person_titles()}
        self.organisation_words = {name_key(w) for w in lexicons.organisation_words()}
        self.not_place = {name_key(w) for w in lexicons.not_place_words()}
        self.feature_words = {name_key(w) for w in lexicons.feature_words()}
        # Words that are no part of a person's name (for names quoted with a verb of speech).
        self.not_name_words = frozenset(self.not_place | self.titles | self.organisation_words | set(demonym_keys))

    # -- helpers -----------------------------------------------------------------------------
    def _is_person_start(self, words: Words, i: int) -> bool:
        """Word i is a given name or a title directly followed by a capitalised word."""
        if i + 1 >= len(words.words):
            return False
        key = words.keys[i]
        if words.words[i] not in self.given_names and key not in self.titles:
            return False
        nxt = words.keys[i + 1]
        # "Ms. Corby", "Gen. Lee": an abbreviated title ends in a period (not "... the president. Cincinnati").
        joined = words.joined(i) or (
            key in self.titles
            and words.capital[i]
            and len(words.words[i]) <= 4
            and bool(_ABBR_GAP.fullmatch(words.gaps[i + 1]))
        )
        if not words.capital[i + 1] or not joined or nxt in self.organisation_words:
            return False
        # "Georgia Prime Minister ...", "Paris Tuesday": a title or a common word is no surname.
        return nxt not in self.not_place and nxt not in self.titles

    def _surnames(self, words: Words) -> set[str]:
        """Keys of words the document uses as person surnames ("Putin" after "Vladimir")."""
        names: set[str] = set()
        keys, capital, given_names = words.keys, words.capital, self.given_names
        n = len(keys)
        # Only a given name or a title opens a person's name: found at C level, then checked one by one.
        openers = map(or_, map(given_names.__contains__, words.words), map(self.titles.__contains__, keys))
        for i in compress(range(n - 1), openers):
            if not self._is_person_start(words, i):
                continue
            j = i + 1
            # Skip further given names and initials: "George W. Bush", "Mary Ann Smith".
            while (
                j + 1 < n
                and capital[j + 1]
                and (words.words[j] in given_names or words.is_initial(j))
                and (words.joined(j) or words.is_initial(j))
            ):
                j += 1
            names.add(keys[j])
            # "Bruce Edwards Ivins": every capitalised word of the name after the given names.
            k = j
            while k + 1 < n and k - j < 2 and capital[k + 1] and words.joined(k):
                k += 1
                word = keys[k]
                if (
                    word in self.organisation_words
                    or word in self.not_place
                    or self.common_words.get(word, 0.0) >= COMMON_WORD_ZIPF
                ):
                    break
                names.add(word)
        return names

    def _speakers(self, words: Words) -> set[str]:
        """Surname keys of people quoted by a full name ("Asaad Hassan said", "said Ama Kumasi").

        A given name the list lacks still makes a person when the two words are quoted as
        one: the first is no place name and the pair is not one either. The surname is then
        the person for the whole document, as after a known given name.
        """
        names: set[str] = set()
        keys, capital, gaps = words.keys, words.capital, words.gaps
        n = len(keys)
        for v in compress(range(n), map(_SPEECH_VERBS.__contains__, keys)):
            if capital[v]:
                continue
            pair: tuple[int, int] | None
            if v >= 2 and _SPEAKER_BEFORE_VERB.fullmatch(gaps[v]):
                pair = (v - 2, v - 1)
                if v >= 3 and capital[v - 3] and words.joined(v - 3):
                    pair = None  # three capitalised words: an organisation or a place as often as a person
            elif v + 2 < n and _NAME_GAP.fullmatch(gaps[v + 1]):
                # "said Ama Kumasi." or "said Ama Kumasi, a trader": the name ends there
                # (not "said Environment Canada meteorologist ...").
                pair = (v + 1, v + 2) if _NAME_ENDS.match(words.text, words.ends[v + 2]) else None
            else:
                continue
            if pair is None:
                continue
            given, surname = pair
            if not (capital[given] and capital[surname] and words.joined(given)):
                continue
            if (
                words.all_caps(given)
                or words.all_caps(surname)
                or keys[given] in self.keys
                or name_key(f"{words.words[given]} {words.words[surname]}") in self.keys
            ):
                continue
            if keys[given] in self.not_name_words or keys[surname] in self.not_name_words:
                continue
            names.add(keys[surname])
        return names

    @staticmethod
    def _pathogen_at(words: Words, j: int) -> bool:
        """Whether a pathogen word follows word j, directly or after up to two disease adjectives
        ("Marburg virus", "Marburg haemorrhagic fever", "Simian immunodeficiency virus")."""
        if j + 1 >= len(words.keys) or words.keys[j + 1] not in _DISEASE_WORDS:
            return False  # the usual case, decided without a look at the gap
        for k in range(j + 1, min(j + 4, len(words.keys))):
            if not _NAME_GAP.fullmatch(words.gaps[k]):
                return False
            if words.keys[k] in _PATHOGEN_WORDS:
                return True
            if words.keys[k] not in _DISEASE_ADJECTIVES:
                return False
        return False

    def _pathogen_keys(self, words: Words) -> set[str]:
        """Keys of single words the document uses to name a disease ("Marburg" after "Marburg virus")."""
        keys, capital = words.keys, words.capital
        # A pathogen word or a disease adjective must follow: only the words before those are looked at.
        after = compress(range(len(keys)), map(_DISEASE_WORDS.__contains__, keys))
        return {
            keys[j]
            for j in (k - 1 for k in after if k > 0)
            if capital[j] and keys[j] in self.keys and self._pathogen_at(words, j)
        }

    # -- main ----------------------------------------------------------------------------------
    def find(self, text: str, sentence_starts: Collection[int] = ()) -> list[Span]:
        """Place-name spans of ``text``, in order, not overlapping.

        ``sentence_starts`` are the offsets where sentences begin, for the
        sentence-initial filter.
        """
        words = Words(text)
        if not words.words:
            return []
        initial = _OpeningTokens(words, text, sentence_starts)
        surnames = self._surnames(words) | self._speakers(words)
        pathogens = self._pathogen_keys(words)
        spans: list[Span] = []
        word_list, keys, capital, gaps = words.words, words.keys, words.capital, words.gaps
        starts, ends = words.starts, words.ends
        n = len(keys)
        known, pinned, demonym_keys = self.keys, self.pinned, self.demonym_keys
        if self._lookups_of[0] is not known or self._lookups_of[1] is not pinned:
            self._lookups, self._lookups_of = {}, (known, pinned)  # the keys were replaced: answers anew
        lookups = self._lookups
        after = 0  # the first word not inside a name already taken
        for i in words.capitalised:
            if i < after:
                continue
            # Longest name first; it may continue through connectors and must end capitalised.
            last = i
            limit = min(n - 1, i + _MAX_TOKENS - 1)
            while last < limit:
                word = word_list[last + 1]
                if not (
                    capital[last + 1]
                    or keys[last + 1] in _CONNECTORS
                    or word == "s"
                    or (word[0] in "aeu" and _ARTICLE_WORD.match(word) is not None)
                ):
                    break
                if not (gaps[last + 1] == " " or words.joined(last) or words.joined_by_initial(last)):
                    break
                last += 1
            match = None
            for j in range(last, i - 1, -1):
                if not capital[j] and _ARTICLE_WORD.match(word_list[j]) is None:
                    continue
                key = keys[i] if j == i else name_key(text[starts[i] : ends[j]])
                found = lookups.get(key)
                if found is None:
                    if len(lookups) >= _LOOKUP_MEMO_SIZE:
                        lookups.clear()
                    found = lookups[key] = key in known or key in pinned
                if found:
                    match = (j, key, key in demonym_keys)
                    break
                if j == i and self.demonyms and key.endswith("s") and key[:-1] in demonym_keys:  # plural: "Armenians"
                    match = (j, key[:-1], True)
                    break
            if match is None:
                continue
            j, key, demonym = match
            if j < last and not demonym and _ARTICLE_WORD.match(word_list[j + 1]) is not None:
                # The name goes on through an article particle the gazetteer lacks ("Alma al-Chaab"):
                # the shorter known name is not what it means.
                after = last + 1
                continue
            span = self._accept(words, i, j, key, demonym, initial, surnames, pathogens)
            if span is None:
                continue
            spans.append(span)
            after = j + 1
        if "-" in text or "‐" in text or "‑" in text:  # "Texas-Mexico", "London-based": a separate step (compounds.py)
            from geo.parsing.compounds import with_compound_parts

            spans = with_compound_parts(self, words, spans, initial, surnames, pathogens)
        if any(" " in span.key for span in spans):
            spans = self._with_short_references(words, spans)
            spans = self._with_shared_heads(text, spans)
        return spans

    def _with_shared_heads(self, text: str, spans: list[Span]) -> list[Span]:
        """Add "North" in "North and South Korea" as North Korea: the name a compass word shares a head with.

        A capitalised compass word joined by "and" or "or" to a name that starts with another
        one ("Central and South America") is that name's head with its own word in front,
        where the gazetteer has it; a span the word had on its own gives way.
        """
        added: dict[int, Span] = {}
        for span in spans:
            first, _, head = span.key.partition(" ")
            if not head or first not in COMPASS_WORDS:
                continue
            before = _SHARED_HEAD_BEFORE.search(text, max(0, span.start - 24), span.start)
            if before is None:
                continue
            word = name_key(before.group(1))
            key = f"{word} {head}"
            if word in COMPASS_WORDS and key in self.keys:
                added[before.start(1)] = Span(before.start(1), before.end(1), before.group(1), key)
        if not added:
            return spans
        kept = [span for span in spans if span.start not in added]
        return sorted([*kept, *added.values()], key=lambda span: span.start)

    def _with_short_references(self, words: Words, spans: list[Span]) -> list[Span]:
        """Add "the Strip" after "the Gaza Strip": "the" and the last word of a longer name met earlier.

        Only a word the recogniser took for no name of its own, standing alone (not opening
        another capitalised phrase), refers back; it means the latest such name before it.
        """
        heads: dict[str, Span] = {}
        for span in spans:
            # Not after a name that holds its "The" ("The Woodlands": "the Woodlands" is the name itself).
            if " " in span.key and not span.demonym and not span.key.startswith("the "):
                heads.setdefault(span.key.rpartition(" ")[2], span)
        if not heads:
            return spans
        # The word alone may have been taken for a small place of that name ("Peninsula, Ohio"):
        # after the longer name, the reference wins.
        taken = {span.start: span for span in spans}
        keys, capital, starts, ends = words.keys, words.capital, words.starts, words.ends
        n = len(keys)
        added = []
        for i in words.capitalised:
            named = heads.get(keys[i])
            if named is None or i == 0 or starts[i] <= named.start or words.all_caps(i):
                continue
            if starts[i] in taken and taken[starts[i]].end != ends[i]:
                continue
            if keys[i - 1] != "the" or capital[i - 1] or not _NAME_GAP.fullmatch(words.gaps[i]):
                continue
            if i + 1 < n and capital[i + 1] and words.joined(i):
                continue
            added.append(Span(starts[i], ends[i], words.words[i], named.key, reference=True))
        if not added:
            return spans
        replaced = {span.start for span in added}
        return sorted([span for span in spans if span.start not in replaced] + added, key=lambda span: span.start)

    def _accept(
        self,
        words: Words,
        i: int,
        j: int,
        key: str,
        demonym: bool,
        initial: Container[int],
        surnames: set[str],
        pathogens: frozenset[str] | set[str] = frozenset(),
    ) -> Span | None:
        """The span of words i..j matched as ``key``, or None where a filter says it is no place name."""
        if key in self.ignored:
            return None
        text, keys, capital = words.text, words.keys, words.capital
        first_word, first_key = words.words[i], keys[i]
        start, end = words.starts[i], words.ends[j]
        n = len(keys)
        first_all_caps = capital[i] and _all_caps(first_word)
        opening = i in initial
        pinned = key in self.pinned
        single = i == j
        # "Ind.", "Pa.", "B.C.": with its period, or in capitals after a comma ("Moscow, ID").
        written_abbreviated = (
            (key in self.abbreviations or key in self.abbreviated)
            and (
                (first_all_caps and len(first_word) >= 3)  # "NSW", "QLD"
                or text.startswith(".", end)
                or words.words[j].endswith(".")
                or (not single and "." in text[words.ends[i] : words.starts[j]])  # "N. Korea", "W. Va"
                or (first_all_caps and text[max(0, start - 2) : start] == ", ")
            )
        )
        abbreviation = written_abbreviated and single
        if not pinned:
            bare = key.replace(" ", "")
            country_acronym = first_all_caps and bare in _COUNTRY_ACRONYMS  # "US" is not "Us"
            if single and not country_acronym and (first_key in self.not_place or first_key in _CONNECTORS):
                return None
            # Acronyms are organisations ("NATO", "ITV") unless the gazetteer knows them as a country or
            # state, or they are the city of a dateline ("KYIV, May 18 (Reuters) -").
            if (
                single
                and first_all_caps
                and len(first_word.replace(".", "")) <= 4
                and bare not in _COUNTRY_ACRONYMS
                and not abbreviation
                and not words.dateline[0] <= start < words.dateline[1]
            ):
                return None
            # One or two letters are initials or codes, not names ("E. coli", "O'Brien").
            if single and len(bare) <= 2 and not abbreviation and bare not in _COUNTRY_ACRONYMS:
                return None
            # Part of a person's name: after a given name or a title, or before a surname
            # (the cheap first test of _is_person_start here: most words open no person's name).
            given_names, titles = self.given_names, self.titles
            before = i - 1
            if (
                i > 0
                and (words.words[before] in given_names or keys[before] in titles)
                and self._is_person_start(words, before)
            ):
                return None
            if single and (first_word in given_names or first_key in titles) and self._is_person_start(words, i):
                return None
            if single and key in surnames:
                return None
            # An abbreviation only counts written as one.
            if key in self.abbreviations and not written_abbreviated:
                return None
            # A name that opens an organisation, a street, a newspaper or a team, also through
            # one modifier word ("Louisiana State University", "Boston City Hospital").
            if j + 1 < n and capital[j + 1] and words.joined(j):
                nxt = keys[j + 1]
                if nxt in self.organisation_words:
                    return None
                if (
                    nxt in _ORGANISATION_MODIFIERS
                    and j + 2 < n
                    and keys[j + 2] in self.organisation_words
                    and words.joined(j + 1)
                ):
                    return None
            # "Line of Control": a feature word opening an "X of Y" phrase the gazetteer does not know.
            if (
                single
                and first_key in self.feature_words
                and j + 2 < n
                and keys[j + 1] == "of"
                and capital[j + 2]
                and words.joined(j)
            ):
                return None
            # A storm's name ("Hurricane Helene"), a nickname in quotes ("Ismael "El Mayo" Zambada").
            if single and j + 1 < n and capital[j + 1] and words.joined(j) and first_key in _STORM_WORDS:
                return None
            if j + 1 < n and words.gaps[j + 1][:1] in _CLOSE_QUOTES and capital[j + 1]:
                nickname = _NICKNAME_BEFORE.search(text, max(0, start - 40), start)
                if nickname is not None and nickname.group(1) in given_names:
                    return None
            # A disease or pathogen named after a place ("Marburg virus", "Lassa fever") is no mention of it.
            if self._pathogen_at(words, j):
                return None
            # Sentence-initial common words: the same word written in lower case elsewhere is no place.
            if single and opening and first_key in words.lowercase_keys:
                return None
        # A word the document also uses for a disease ("Marburg kills slowly") needs the evidence
        # a common word needs: a prominent place (Wuhan) keeps its mentions, a small one does not.
        common = single and (self.common_words.get(first_key, 0.0) >= COMMON_WORD_ZIPF or key in pathogens)
        given = single and first_word in self.given_names
        return Span(
            start,
            end,
            text[start:end],
            key,
            demonym=demonym,
            sentence_initial=opening,
            common=common,
            given_name=given,
            abbreviation=abbreviation,
        )
