"""Toponym recognition: gazetteer matching with linguistic filters, no statistical model.

Capitalised word sequences are looked up (longest first) among the gazetteer's
name keys. Matches are then filtered the way a careful reader would: person
names ("Vladimir Putin", "Louis Bono", later "Putin" alone), titles, names that
open an organisation or a street ("New York Times", "Dublin Road"), months,
weekdays, function words and common nouns, and acronyms that are not countries.
Demonyms and adjectives ("Russian", "Armenians") become country mentions of
kind ``"demonym"``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from geo.gazetteer.names import name_key
from geo.parsing import lexicons

__all__ = ["Span", "Recognizer", "tokenize", "Token"]

logger = logging.getLogger(__name__)

# A word: letters, with inner hyphens or apostrophes followed by 2+ letters
# ("Nagorno-Karabakh", "O'Hare", "d'Ivoire"); a trailing possessive "'s" stays out.
# Dotted acronyms ("U.S.") are one token.
_TOKEN = re.compile(r"(?:[A-Z][a-z]{0,3}\.){2,}|[^\W\d_]+(?:(?:['’][^\W\d_]{2,}|[-‐‑][^\W\d_]+))*")
# Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina", "Rio de Janeiro").
_CONNECTORS = frozenset(
    ["of", "the", "and", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les", "el", "al", "y", "van", "von", "der", "den", "am", "im", "upon", "on", "sur", "en", "et", "es", "og", "bin", "ibn", "ben", "ez", "ed", "ad", "ar", "az", "ash", "esh", "ul"]  # the Arabic article assimilated: "Deir ez Zor", "Ras ash Shamra"
)
# A word that the Arabic article opens, joined by a hyphen: "Sharm el-Sheikh", "Deir al-Balah".
_ARTICLE_WORD = re.compile(r"(?:al|el|as|ad|ash|at|ar|az|an|ul|ez|es|ed|esh|et|er)[-‐‑][A-Z]")
_ABBREVIATED = frozenset({"st", "mt", "ft", "ste", "pt"})
_MAX_TOKENS = 6
# Zipf frequency (log10 per billion words) above which a word is common English.
COMMON_WORD_ZIPF = 3.5
# Words that sit between a place name and an organisation word ("State" in "Ohio State University").
_ORGANISATION_MODIFIERS = frozenset(
    ["state", "city", "county", "national", "international", "regional", "general", "memorial", "community", "public", "technical", "federal"]
)
# Words that make the place name before them the name of a disease or a pathogen.
_PATHOGEN_WORDS = frozenset(
    ["virus", "viruses", "ebolavirus", "fever", "flu", "influenza", "disease", "strain", "strains", "variant", "syndrome", "encephalitis", "pox"]
)
# Words between a place name and its pathogen word ("Marburg haemorrhagic fever").
_DISEASE_ADJECTIVES = frozenset(
    ["hemorrhagic", "haemorrhagic", "immunodeficiency", "respiratory", "equine", "spotted", "tick-borne"]
)
# Acronyms that name a country or union rather than an organisation.
_COUNTRY_ACRONYMS = frozenset({"us", "usa", "uk", "uae", "drc", "prc", "dprk", "rok", "ussr", "eu"})
# Verbs of speech after or before a person's full name ("Ama Kumasi said", "said Ama Kumasi").
_SPEECH_VERBS = frozenset(["said", "says", "told", "added", "wrote", "explained", "noted", "stated", "insisted", "argued", "recalled", "warned"])
# Between a quoted name and its verb: a space, or an age between commas ("Ama Kumasi, 45, said").
_SPEAKER_BEFORE_VERB = re.compile(r"(?:,\s*\d{1,3},)?\s{1,2}")
_NAME_ENDS = re.compile(r"\s*(?:[.,;:!?\"”)]|$)")
# Gaps that may sit between the words of one name.
_NAME_GAP = re.compile(r"[ \t\u00a0]{1,2}")
_ABBR_GAP = re.compile(r"\.[ \t\u00a0]?")
_QUOTE_OPENERS = "\"'“‘«(["


def _is_initial(text: str, tok: Token) -> bool:
    """A single capital followed by a period: a middle initial ("W.")."""
    return len(tok.text) == 1 and tok.text.isupper() and text.startswith(".", tok.end)


class Token(NamedTuple):
    # A named tuple, not a dataclass: articles have thousands of words and this is built per word.
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


def tokenize(text: str) -> list[Token]:
    """Word tokens with offsets and name keys."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[list[Token], list[int], set[str]]:
    """One pass over the words: the tokens, the indexes of the capitalised ones, and the keys of the others.

    Only capitalised words can open a name; lower-case words serve as connectors,
    titles and context, and as evidence that a capitalised word is a common one.
    """
    tokens: list[Token] = []
    capitalised: list[int] = []
    lowercase: set[str] = set()
    append, mark, note = tokens.append, capitalised.append, lowercase.add
    # tuple.__new__ directly: the named tuple's own __new__ is a Python call per word.
    new = tuple.__new__
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.span()
        if word[0].isupper():
            mark(len(tokens))
            append(
                new(Token, (start, end, word, name_key(word), True, len(word) > 1 and word.replace(".", "").isupper()))
            )
            continue
        key = word.lower() if word.isascii() and word.isalpha() else name_key(word)
        note(key)
        append(new(Token, (start, end, word, key, False, False)))
    return tokens, capitalised, lowercase


class _OpeningTokens:
    """Indexes of tokens that open a sentence (or a quote or a line), decided only for those asked about.

    The recogniser asks for the first token of each candidate name, a few dozen per
    article: deciding it for every word would cost a pass over all of them.
    """

    def __init__(self, tokens: list[Token], text: str, sentence_starts: Collection[int]) -> None:
        self.tokens = tokens
        self.text = text
        self.starts = sorted(set(sentence_starts) | {0})

    def __contains__(self, idx: object) -> bool:
        if not isinstance(idx, int) or not 0 <= idx < len(self.tokens):
            return False
        if idx == 0:
            return True
        tok = self.tokens[idx]
        prev_end = self.tokens[idx - 1].end
        # The sentence the token is in begins after the previous token.
        if self.starts[bisect_right(self.starts, tok.start) - 1] > prev_end:
            return True
        gap = self.text[prev_end : tok.start]
        stripped = gap.strip()
        return (
            "\n" in gap
            or gap.strip(" \t") in {":", "-", "—", "–"}
            or (bool(stripped) and stripped[-1] in _QUOTE_OPENERS and "." in gap)
        )


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
    @staticmethod
    def _joined(text: str, left: Token, right: Token) -> bool:
        """Whether two adjacent tokens may belong to one name."""
        gap = text[left.end : right.start]
        if _NAME_GAP.fullmatch(gap):
            return True
        # A possessive inside a name: "People's Republic of China", "St. Peter's Square".
        if right.text == "s" and gap in {"'", "’"}:
            return True
        return left.key in _ABBREVIATED and bool(_ABBR_GAP.fullmatch(gap))

    @staticmethod
    def _joined_by_initial(text: str, left: Token, right: Token) -> bool:
        """Whether an initial and its period join the next word into one name ("W. Va.", "N. Korea")."""
        return len(left.text) == 1 and left.capitalised and bool(_ABBR_GAP.fullmatch(text[left.end : right.start]))

    def _is_person_start(self, tokens: list[Token], i: int, text: str) -> bool:
        """Token i is a given name or a title directly followed by a capitalised word."""
        tok = tokens[i]
        if i + 1 >= len(tokens):
            return False
        nxt = tokens[i + 1]
        # "Ms. Corby", "Gen. Lee": an abbreviated title ends in a period (not "... the president. Cincinnati").
        joined = self._joined(text, tok, nxt) or (
            tok.key in self.titles
            and tok.capitalised
            and len(tok.text) <= 4
            and bool(_ABBR_GAP.fullmatch(text[tok.end : nxt.start]))
        )
        if not nxt.capitalised or not joined or nxt.key in self.organisation_words:
            return False
        # "Georgia Prime Minister ...", "Paris Tuesday": a title or a common word is no surname.
        if nxt.key in self.not_place or nxt.key in self.titles:
            return False
        return tok.text in self.given_names or tok.key in self.titles

    def _surnames(self, tokens: list[Token], text: str) -> set[str]:
        """Keys of words the document uses as person surnames ("Putin" after "Vladimir")."""
        names: set[str] = set()
        given_names, titles = self.given_names, self.titles
        for i in range(len(tokens) - 1):
            # Only a given name or a title opens a person's name (the last test of _is_person_start).
            tok = tokens[i]
            if tok.text not in given_names and tok.key not in titles:
                continue
            if self._is_person_start(tokens, i, text):
                j = i + 1
                # Skip further given names and initials: "George W. Bush", "Mary Ann Smith".
                while (
                    j + 1 < len(tokens)
                    and tokens[j + 1].capitalised
                    and (tokens[j].text in self.given_names or _is_initial(text, tokens[j]))
                    and (self._joined(text, tokens[j], tokens[j + 1]) or _is_initial(text, tokens[j]))
                ):
                    j += 1
                names.add(tokens[j].key)
                # "Bruce Edwards Ivins": every capitalised word of the name after the given names.
                k = j
                while (
                    k + 1 < len(tokens)
                    and k - j < 2
                    and tokens[k + 1].capitalised
                    and self._joined(text, tokens[k], tokens[k + 1])
                ):
                    k += 1
                    word = tokens[k].key
                    if (
                        word in self.organisation_words
                        or word in self.not_place
                        or self.common_words.get(word, 0.0) >= COMMON_WORD_ZIPF
                    ):
                        break
                    names.add(tokens[k].key)
        return names

    def _speakers(self, tokens: list[Token], text: str) -> set[str]:
        """Surname keys of people quoted by a full name ("Asaad Hassan said", "said Ama Kumasi").

        A given name the list lacks still makes a person when the two words are quoted as
        one: the first is no place name and the pair is not one either. The surname is then
        the person for the whole document, as after a known given name.
        """
        names: set[str] = set()
        for v in [v for v, tok in enumerate(tokens) if tok.key in _SPEECH_VERBS]:
            verb = tokens[v]
            if verb.capitalised:
                continue
            if v >= 2 and _SPEAKER_BEFORE_VERB.fullmatch(text[tokens[v - 1].end : verb.start]):
                pair = (v - 2, v - 1)
                if v >= 3 and tokens[v - 3].capitalised and self._joined(text, tokens[v - 3], tokens[v - 2]):
                    pair = None  # three capitalised words: an organisation or a place as often as a person
            elif v + 2 < len(tokens) and _NAME_GAP.fullmatch(text[verb.end : tokens[v + 1].start]):
                # "said Ama Kumasi." or "said Ama Kumasi, a trader": the name ends there
                # (not "said Environment Canada meteorologist ...").
                pair = (v + 1, v + 2) if _NAME_ENDS.match(text, tokens[v + 2].end) else None
            else:
                continue
            if pair is None:
                continue
            given, surname = tokens[pair[0]], tokens[pair[1]]
            if not (given.capitalised and surname.capitalised and self._joined(text, given, surname)):
                continue
            if (
                given.all_caps
                or surname.all_caps
                or given.key in self.keys
                or name_key(f"{given.text} {surname.text}") in self.keys
            ):
                continue
            if given.key in self.not_name_words or surname.key in self.not_name_words:
                continue
            names.add(surname.key)
        return names

    def _pathogen_at(self, tokens: list[Token], j: int, text: str) -> bool:
        """Whether a pathogen word follows token j, directly or after up to two disease adjectives
        ("Marburg virus", "Marburg haemorrhagic fever", "Simian immunodeficiency virus")."""
        for k in range(j + 1, min(j + 4, len(tokens))):
            if not _NAME_GAP.fullmatch(text[tokens[k - 1].end : tokens[k].start]):
                return False
            if tokens[k].key in _PATHOGEN_WORDS:
                return True
            if tokens[k].key not in _DISEASE_ADJECTIVES:
                return False
        return False

    def _pathogen_keys(self, tokens: list[Token], capitalised: list[int], text: str) -> set[str]:
        """Keys of single words the document uses to name a disease ("Marburg" after "Marburg virus")."""
        return {tokens[j].key for j in capitalised if tokens[j].key in self.keys and self._pathogen_at(tokens, j, text)}

    # -- main ----------------------------------------------------------------------------------
    def find(self, text: str, sentence_starts: Collection[int] = ()) -> list[Span]:
        """Place-name spans of ``text``, in order, not overlapping.

        ``sentence_starts`` are the offsets where sentences begin, for the
        sentence-initial filter.
        """
        tokens, capitalised, lowercase_words = _scan(text)
        if not tokens:
            return []
        initial = self._initial_tokens(tokens, text, sentence_starts)
        surnames = self._surnames(tokens, text)
        if not lowercase_words.isdisjoint(_SPEECH_VERBS):
            surnames |= self._speakers(tokens, text)
        pathogens = self._pathogen_keys(tokens, capitalised, text)
        spans: list[Span] = []
        n = len(tokens)
        keys = self.keys
        after = 0  # the first token not inside a name already taken
        for i in capitalised:
            if i < after:
                continue
            tok = tokens[i]
            match = None
            # Longest name first; it may continue through connectors and must end capitalised.
            last = i
            while (
                last + 1 < n
                and last + 1 - i < _MAX_TOKENS
                and (
                    self._joined(text, tokens[last], tokens[last + 1])
                    or self._joined_by_initial(text, tokens[last], tokens[last + 1])
                )
                and (
                    tokens[last + 1].capitalised
                    or tokens[last + 1].key in _CONNECTORS
                    or tokens[last + 1].text == "s"
                    or (tokens[last + 1].text[0] in "aeu" and _ARTICLE_WORD.match(tokens[last + 1].text) is not None)
                )
            ):
                last += 1
            for j in range(last, i - 1, -1):
                if not tokens[j].capitalised and _ARTICLE_WORD.match(tokens[j].text) is None:
                    continue
                key = tokens[i].key if j == i else name_key(text[tok.start : tokens[j].end])
                if key in keys or key in self.pinned:
                    match = (j, key, key in self.demonym_keys)
                    break
                if j == i and self.demonyms:
                    if key.endswith("s") and key[:-1] in self.demonym_keys:  # plural: "Armenians"
                        match = (j, key[:-1], True)
                        break
            if match is None:
                continue
            j, key, demonym = match
            span = self._accept(tokens, i, j, key, demonym, text, initial, lowercase_words, surnames, pathogens)
            if span is None:
                continue
            spans.append(span)
            after = j + 1
        if "-" in text or "‐" in text or "‑" in text:  # "Texas-Mexico", "London-based": a separate step (compounds.py)
            from geo.parsing.compounds import with_compound_parts

            spans = with_compound_parts(self, text, tokens, spans, initial, lowercase_words, surnames, pathogens)
        if any(" " in span.key for span in spans):
            spans = self._with_short_references(tokens, capitalised, text, spans)
        return spans

    def _with_short_references(
        self, tokens: list[Token], capitalised: list[int], text: str, spans: list[Span]
    ) -> list[Span]:
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
        added = []
        for i in capitalised:
            tok = tokens[i]
            named = heads.get(tok.key)
            if named is None or i == 0 or tok.start <= named.start or tok.all_caps:
                continue
            if tok.start in taken and taken[tok.start].end != tok.end:
                continue
            if (
                tokens[i - 1].key != "the"
                or tokens[i - 1].capitalised
                or not _NAME_GAP.fullmatch(text[tokens[i - 1].end : tok.start])
            ):
                continue
            if i + 1 < len(tokens) and tokens[i + 1].capitalised and self._joined(text, tok, tokens[i + 1]):
                continue
            added.append(Span(tok.start, tok.end, tok.text, named.key, reference=True))
        if not added:
            return spans
        replaced = {span.start for span in added}
        return sorted([span for span in spans if span.start not in replaced] + added, key=lambda span: span.start)

    def _initial_tokens(self, tokens: list[Token], text: str, sentence_starts: Collection[int]) -> _OpeningTokens:
        """The tokens that open a sentence (or a quote or a line), as a container of their indexes."""
        return _OpeningTokens(tokens, text, sentence_starts)

    def _accept(
        self,
        tokens: list[Token],
        i: int,
        j: int,
        key: str,
        demonym: bool,
        text: str,
        initial: Container[int],
        lowercase_words: set[str],
        surnames: set[str],
        pathogens: frozenset[str] | set[str] = frozenset(),
    ) -> Span | None:
        first, last = tokens[i], tokens[j]
        if key in self.ignored:
            return None
        pinned = key in self.pinned
        single = i == j
        # "Ind.", "Pa.", "B.C.": with its period, or in capitals after a comma ("Moscow, ID").
        written_abbreviated = (
            (key in self.abbreviations or key in self.abbreviated)
            and (
                (first.all_caps and len(first.text) >= 3)  # "NSW", "QLD"
                or text.startswith(".", last.end)
                or last.text.endswith(".")
                or (not single and "." in text[first.end : last.start])  # "N. Korea", "W. Va"
                or (first.all_caps and text[max(0, first.start - 2) : first.start] == ", ")
            )
        )
        abbreviation = written_abbreviated and single
        if not pinned:
            country_acronym = first.all_caps and key.replace(" ", "") in _COUNTRY_ACRONYMS  # "US" is not "Us"
            if single and not country_acronym and (first.key in self.not_place or first.key in _CONNECTORS):
                return None
            # Acronyms are organisations ("NATO", "ITV") unless the gazetteer knows them as a country or state.
            if (
                single
                and first.all_caps
                and len(first.text.replace(".", "")) <= 4
                and key.replace(" ", "") not in _COUNTRY_ACRONYMS
                and not abbreviation
            ):
                return None
            # One or two letters are initials or codes, not names ("E. coli", "O'Brien").
            if (
                single
                and len(key.replace(" ", "")) <= 2
                and not abbreviation
                and key.replace(" ", "") not in _COUNTRY_ACRONYMS
            ):
                return None
            # Part of a person's name: after a given name or a title, or before a surname.
            if i > 0 and self._is_person_start(tokens, i - 1, text):
                return None
            if self._is_person_start(tokens, i, text) and not (j > i):
                return None
            if single and key in surnames:
                return None
            # An abbreviation only counts written as one.
            if key in self.abbreviations and not written_abbreviated:
                return None
            # A name that opens an organisation, a street, a newspaper or a team, also through
            # one modifier word ("Louisiana State University", "Boston City Hospital").
            if j + 1 < len(tokens) and tokens[j + 1].capitalised and self._joined(text, last, tokens[j + 1]):
                nxt = tokens[j + 1]
                if nxt.key in self.organisation_words:
                    return None
                if (
                    nxt.key in _ORGANISATION_MODIFIERS
                    and j + 2 < len(tokens)
                    and tokens[j + 2].key in self.organisation_words
                    and self._joined(text, nxt, tokens[j + 2])
                ):
                    return None
            # "Line of Control": a feature word opening an "X of Y" phrase the gazetteer does not know.
            if (
                single
                and first.key in self.feature_words
                and j + 2 < len(tokens)
                and tokens[j + 1].key == "of"
                and tokens[j + 2].capitalised
                and self._joined(text, last, tokens[j + 1])
            ):
                return None
            # A disease or pathogen named after a place ("Marburg virus", "Lassa fever") is no mention of it.
            if self._pathogen_at(tokens, j, text):
                return None
            # Sentence-initial common words: the same word written in lower case elsewhere is no place.
            if single and i in initial and first.key in lowercase_words:
                return None
        end = last.end
        # A word the document also uses for a disease ("Marburg kills slowly") needs the evidence
        # a common word needs: a prominent place (Wuhan) keeps its mentions, a small one does not.
        common = single and (self.common_words.get(first.key, 0.0) >= COMMON_WORD_ZIPF or key in pathogens)
        given = single and first.text in self.given_names
        return Span(
            first.start,
            end,
            text[first.start : end],
            key,
            demonym=demonym,
            sentence_initial=i in initial,
            common=common,
            given_name=given,
            abbreviation=abbreviation,
        )
