"""What a place mention does in its sentence: a location, an actor, an affiliation or part of a name.

A map of the news should show where things happened, apart from who acted.
Following the pragmatic taxonomy of toponyms used to annotate news (Gritta et
al.; the GeoWebNews corpus), every mention gets a role:

``place``
    the text locates something there: "fighting near Izium", "talks in Oslo",
    "residents of Mosul", "the Lyon police";
``actor``
    the place stands for its government, army, team or people: "Ottawa said",
    "sanctions against Minsk", "Chile's foreign minister", "the Élysée";
``affiliation``
    it only says whom something belongs to: "the Peruvian side", "Ottawa
    officials", "Kenyan troops";
``name``
    it is part of the name of an event or a body: "the Battle of Verdun",
    "the Suez Crisis".

The classifier reads a few words on each side of a mention with compiled
regular expressions, and looks the words up in cue lists kept as plain text in
``geo/parsing/data/role_*.txt`` (one word a line, with comments on what belongs
there). Cues are tried from the most to the least telling: a capitalised
name around the place (a building's name keeps it a place: "Norfolk High
School"), demonym use, a possessive, the noun it modifies, the preposition
or verb just before it, the verb it is the subject of, an apposition, and its
kind (a state, a capital or a building that houses a government as a
subject or alone is an actor). Names joined
by "and" or a comma share the cue of the one that has it ("talks between Lima
and Quito", "Jaffna and Kilinochchi were shelled"). With no cue the mention
is a ``place``. The cue that decided is kept as ``role_cue``.

Examples
--------
>>> from geo.model import Place
>>> classify = RoleClassifier()
>>> town = Place("1", "Izium", "P", "PPL", "UA", "", 0, 49.2, 37.3)
>>> text = "Ottawa said fighting near Izium went on."
>>> [(r.role, r.cue) for r in classify(text, [RoleInput(0, 6, "toponym", town), RoleInput(26, 31, "toponym", town)])]
[('actor', "subject of 'said'"), ('place', "after 'near'")]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from mypy_extensions import mypyc_attr

from geo.errors import InputError
from geo.parsing.lexicons import organisation_words, person_titles, read_word_list

__all__ = ["ROLES", "Role", "RoleClassifier", "RoleCues", "RoleInput", "parse_roles", "role_cues"]

logger = logging.getLogger(__name__)

#: Every role, in the order a map draws them.
ROLES = ("place", "actor", "affiliation", "name")

# How far (characters) the classifier reads on each side of a mention.
_LEFT_CHARS = 70
_RIGHT_CHARS = 90
# Strength of a decision: an explicit cue beats a cue borrowed from a coordinated name, which beats the default.
_STRONG, _WEAK, _NONE = 2, 1, 0

# Closed-class grammar, not open word lists: auxiliaries and adverbs between a subject and its verb.
_AUX = (
    r"(?:has|have|had|will|would|could|can|may|might|must|should|shall|is|are|was|were|be|been|being|did|does|do"
    r"|[a-z]+n['’]t|not|also|still|now|already|again|then|later|earlier|since|once|instead|today|yesterday|never|always|often|long|yet|just|soon|even|first"
    # adverbs in -ly, but not the nouns and names that end so
    r"|(?!(?:family|rally|ally|assembly|supply|reply|daily|weekly|monthly|italy|july|fly|belly|bully|holly)\b)[a-z]{2,}ly)"
)
_SUBJECT = re.compile(rf"[ \t\u00a0]+((?:{_AUX}[ \t\u00a0]+){{0,4}})([a-z][a-z-]*)\b")
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\b")
_POSSESSIVE = re.compile(r"(?:['’\"]s|(?<=s)['’])(?=[\s])((?:[ \t\u00a0]+[A-Za-z][A-Za-z-]*){1,3})")
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([a-z][a-z-]*)\b")
# Words after a noun-or-verb ("plans", "fears") that show it is the verb: "Oslo plans to", "Kyiv fears that".
_VERB_FOLLOWERS = frozenset(
    {"to", "that", "the", "a", "an", "its", "their", "his", "her", "it", "this", "these", "those", "no"}
)
_NEXT_CAPITALISED = re.compile(r"((?:[ \t\u00a0]+(?:(?:of|for|and|&)[ \t\u00a0]+)?[A-Z][\w'’.-]*){1,4})")
_NAME_CONNECTORS = frozenset({"of", "for", "and", "&"})
_APPOSITION = re.compile(r",[ \t\u00a0]+(?:a|an|the)[ \t\u00a0]+((?:[A-Za-z-]+[ \t\u00a0]+){0,3}[A-Za-z-]+)")
_NAME_OF = re.compile(r"\b([A-Z][a-z]+)[ \t\u00a0]+of[ \t\u00a0]+(?:the[ \t\u00a0]+)?$")
_COORDINATION = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+)(?:the\s+)?")
# The tail of the left context that belongs to the mention's clause, read backwards: no punctuation in it.
_CLAUSE_TAIL_REVERSED = re.compile(r"[^.,;:!?()\[\]\"“”«»—–\n]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_DETERMINERS = frozenset({"the", "a", "an"})


class Role(NamedTuple):
    """The role of one mention and the cue that decided it."""

    role: str
    cue: str


class RoleInput(NamedTuple):
    """What the classifier needs of a mention (a :class:`geo.model.Mention` has the same attributes)."""

    start: int
    end: int
    kind: str  # "toponym" or "demonym"
    place: Any  # a geo.model.Place (feature_class and feature_code are read)


def _verb_forms(words: Iterable[str]) -> frozenset[str]:
    """Each verb with its regular inflections (announce -> announces, announced, announcing)."""
    forms: set[str] = set()
    for w in words:
        forms.add(w)
        if w.endswith("e"):
            forms.update((w + "s", w + "d", w[:-1] + "ing"))
        elif w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
            forms.update((w[:-1] + "ies", w[:-1] + "ied", w + "ing"))
        elif w.endswith(("s", "sh", "ch", "x", "z")):
            forms.update((w + "es", w + "ed", w + "ing"))
        else:
            forms.update((w + "s", w + "ed", w + "ing"))
            if len(w) >= 3 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
                forms.update((w + w[-1] + "ed", w + w[-1] + "ing"))  # ban -> banned, plan -> planning
    return frozenset(forms)


def _noun_forms(words: Iterable[str]) -> frozenset[str]:
    """Each noun with its plural (official -> officials, city -> cities, embassy -> embassies)."""
    forms: set[str] = set()
    for w in words:
        forms.add(w)
        if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
            forms.add(w[:-1] + "ies")
        elif w.endswith(("s", "sh", "ch", "x", "z")):
            forms.add(w + "es")
        else:
            forms.add(w + "s")
    return frozenset(forms)


def _packaged(name: str) -> frozenset[str]:
    return read_word_list(resources.files("geo.parsing").joinpath("data").joinpath(name))


@dataclass(frozen=True)
class RoleCues:
    """The cue lists, as read from ``geo/parsing/data/role_*.txt`` (see each file's comment)."""

    actor_verbs: frozenset[str]
    place_verbs: frozenset[str]
    actor_object_verbs: frozenset[str]
    place_object_verbs: frozenset[str]
    party_words: frozenset[str]
    affiliation_nouns: frozenset[str]
    geographic_nouns: frozenset[str]
    local_nouns: frozenset[str]
    place_prepositions: frozenset[str]
    place_adjectives: frozenset[str]
    name_words: frozenset[str]
    located_names: frozenset[str]
    seat_codes: frozenset[str]
    titles: frozenset[str]  # person titles, lower case without a final dot, from geo/parsing/data/person_titles.txt
    organisation_words: frozenset[str]  # as written, from geo/parsing/data/organisation_words.txt


@lru_cache(maxsize=1)
def role_cues() -> RoleCues:
    """The packaged cue lists, read once.

    Examples
    --------
    >>> cues = role_cues()
    >>> "announced" in cues.actor_verbs, "officials" in cues.affiliation_nouns
    (True, True)
    """
    return RoleCues(
        actor_verbs=_verb_forms(_packaged("role_actor_verbs.txt")),
        place_verbs=_verb_forms(_packaged("role_place_verbs.txt")),
        actor_object_verbs=_verb_forms(_packaged("role_actor_object_verbs.txt")),
        place_object_verbs=_verb_forms(_packaged("role_place_object_verbs.txt")),
        party_words=_noun_forms(_packaged("role_party_words.txt")),
        affiliation_nouns=_noun_forms(_packaged("role_affiliation_nouns.txt")),
        geographic_nouns=_noun_forms(_packaged("role_geographic_nouns.txt")),
        local_nouns=_noun_forms(_packaged("role_local_nouns.txt")),
        place_prepositions=_packaged("role_place_prepositions.txt"),
        place_adjectives=_packaged("role_place_adjectives.txt"),
        name_words=_packaged("role_name_words.txt"),
        located_names=_packaged("role_located_names.txt"),
        seat_codes=_packaged("role_seat_codes.txt"),
        titles=frozenset(t.lower().rstrip(".") for t in person_titles()),
        organisation_words=organisation_words(),
    )


def parse_roles(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """The roles a user asked for (``"place,actor"`` or a list), checked; ``None`` for all.

    Examples
    --------
    >>> sorted(parse_roles("place, actor"))
    ['actor', 'place']
    """
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    wanted = frozenset(str(item).strip().lower() for item in items if str(item).strip())
    unknown = sorted(wanted - set(ROLES))
    if unknown or not wanted:
        raise InputError(
            f"roles {value!r}: {'unknown role ' + ', '.join(unknown) if unknown else 'no role given'}; "
            f"choose from {', '.join(ROLES)} (comma-separated, e.g. place,actor)"
        )
    return wanted


@mypyc_attr(allow_interpreted_subclasses=True)  # a public class: subclassable when compiled too
class RoleClassifier:
    """A pipeline stage: the :class:`Role` of each mention of one article.

    Call it with the article's text and its mentions (anything with ``start``,
    ``end``, ``kind`` and ``place``, such as :class:`geo.model.Mention` or
    :class:`RoleInput`), in text order. It reads only a small window around
    each mention.

    Parameters
    ----------
    cues : RoleCues, optional
        The cue lists; default: the packaged ones (:func:`role_cues`).

    Examples
    --------
    >>> from geo.model import Place
    >>> russia = Place("2", "Russia", "A", "PCLI", "RU", "", 0, 60.0, 100.0)
    >>> RoleClassifier()("the Russian side agreed", [RoleInput(4, 11, "demonym", russia)])
    [Role(role='affiliation', cue="demonym before 'side'")]
    """

    def __init__(self, cues: RoleCues | None = None) -> None:
        self.cues = cues or role_cues()

    def __call__(self, text: str, mentions: Sequence[Any]) -> list[Role]:
        decided = [self._own(text, m) for m in mentions]
        # Names joined by "and" or a comma share a cue: "in Jaffna and Kilinochchi" (the first's, read
        # on its left), "Lima and Quito agreed" (the last's, read on its right).
        for i in range(1, len(mentions)):
            role, cue, _, side = decided[i - 1]
            if side != "left" or not _coordinated(text, mentions[i - 1], mentions[i]):
                continue
            # "in Surrey, UK": a bare comma after a located name adds the place that holds it, whatever follows.
            holder = (
                role == "place"
                and mentions[i].kind == "toponym"
                and getattr(mentions[i].place, "feature_class", "") == "A"
                and text[mentions[i - 1].end : mentions[i].start] == ", "
            )
            if decided[i][2] < _STRONG or holder:
                decided[i] = (role, cue if cue.startswith("coordinated: ") else "coordinated: " + cue, _WEAK, "left")
        for i in range(len(mentions) - 2, -1, -1):
            role, cue, _, side = decided[i + 1]
            if side == "right" and decided[i][2] < _STRONG and _coordinated(text, mentions[i], mentions[i + 1]):
                decided[i] = (role, cue if cue.startswith("coordinated: ") else "coordinated: " + cue, _WEAK, "right")
        return [Role(role, cue) for role, cue, _, _ in decided]

    # -- one mention ------------------------------------------------------------------------
    def _own(self, text: str, m: Any) -> tuple[str, str, int, str]:
        """(role, cue, strength, side the cue was read on) from the mention's own context."""
        c = self.cues
        start, end = m.start, m.end
        left = text[max(0, start - _LEFT_CHARS) : start]
        stop = min(len(text), end + _RIGHT_CHARS)

        named = self._inside_name(text, left, end, stop, m.kind == "demonym")
        if named:
            return named
        if m.kind == "demonym":
            return self._demonym(text, m, end, stop)

        possessive = _POSSESSIVE.match(text, end, stop)
        if possessive:
            words = [w.lower() for w in possessive.group(1).split()]
            for w in words:
                if w in c.geographic_nouns or w in c.local_nouns:
                    return "place", f"possessive before '{w}'", _STRONG, "right"
            # "Peru's minister", "Ottawa's decision": a state or its seat owns and decides; a town's
            # possessions ("Leeds's unemployment rate") are mostly things located there.
            if self._stands_for_a_state(m.place) or any(w in c.affiliation_nouns for w in words):
                return "actor", "possessive", _STRONG, "right"
            return "place", "possessive of a town", _STRONG, "right"

        # The noun the name modifies outranks a preposition before the phrase: "by Esperance residents".
        modifier = self._modifier(text, end, stop)
        if modifier:
            return modifier
        before = self._before(left)
        if before and before[2] == _STRONG:
            return before
        after = self._subject(text, m, end, stop)
        if after:
            return after
        apposition = _APPOSITION.match(text, end, stop)
        if apposition:
            for w in apposition.group(1).lower().split():
                if w in c.geographic_nouns:
                    return "place", f"apposition '{w}'", _STRONG, "right"
        if m.place is not None and m.place.feature_code in c.seat_codes and not before:
            return "actor", "seat of power", _STRONG, "self"
        if before:
            return before
        return "place", "default", _NONE, "self"

    def _inside_name(
        self, text: str, left: str, end: int, stop: int, demonym: bool
    ) -> tuple[str, str, int, str] | None:
        """A capitalised phrase around the mention that names an event or a body, or a title after it."""
        c = self.cues
        of = _NAME_OF.search(left, len(left) - 40) if left.endswith(("of ", "of the ")) else None
        if of and of.group(1) in c.name_words:
            return "name", f"in a name ('{of.group(1)} of')", _STRONG, "self"
        if of and of.group(1) in c.located_names:
            return "place", f"in a name that locates ('{of.group(1)} of')", _STRONG, "self"
        opener = _capitalised_before(left)
        if opener and (opener in c.organisation_words or opener in c.name_words):
            return "name", f"in a name ('{opener}')", _STRONG, "self"
        caps = _NEXT_CAPITALISED.match(text, end, stop)
        if caps:
            for w in caps.group(1).split():
                if w in _NAME_CONNECTORS:
                    continue
                if w.lower().rstrip(".") in c.titles:
                    return "affiliation", f"before the title '{w}'", _STRONG, "right"
                singular = w.removesuffix("s")  # "Centers", "Councils"
                if w in c.located_names or singular in c.located_names:
                    return "place", f"in a name that locates ('{w}')", _STRONG, "self"
                if w in c.name_words or w in c.organisation_words or singular in c.organisation_words:
                    # A demonym inside a body's name still says whose body it is ("the Chilean Navy").
                    return (
                        ("affiliation", f"demonym in a name ('{w}')", _STRONG, "self")
                        if demonym
                        else ("name", f"in a name ('{w}')", _STRONG, "self")
                    )
        return None

    def _demonym(self, text: str, m: Any, end: int, stop: int) -> tuple[str, str, int, str]:
        c = self.cues
        nxt = _NEXT_WORD.match(text, end, stop)
        if nxt:
            w = nxt.group(1)
            if w in c.geographic_nouns:
                return "place", f"demonym before '{w}'", _STRONG, "right"
            if w in c.affiliation_nouns or w in c.local_nouns:
                return "affiliation", f"demonym before '{w}'", _STRONG, "right"
        surface = text[m.start : end]
        if surface.endswith("s") and not surface.endswith("ss"):
            # "the Armenians", "Russians": the people, or the state they stand for.
            return "actor", "demonym as a noun", _STRONG, "self"
        return "affiliation", "demonym", _STRONG, "self"

    def _before(self, left: str) -> tuple[str, str, int, str] | None:
        """Cues in the words just before the mention, within its clause."""
        c = self.cues
        tail = _CLAUSE_TAIL_REVERSED.match(left[::-1]).group()[::-1]  # type: ignore[union-attr]
        words: list[str] = [w.lower() for w in _WORD.findall(tail)[-6:]]
        if not words:
            return None
        i = len(words) - 1
        while i >= 0 and (words[i] in _DETERMINERS or words[i] in c.place_adjectives):
            i -= 1
        if i < 0:
            return None
        w = words[i]
        if w in c.place_prepositions:
            return "place", f"after '{w}'", _STRONG, "left"
        if w == "by" and i > 0 and words[i - 1].endswith(("ed", "en")):
            return "actor", "agent after 'by'", _STRONG, "left"
        if w == "to" and i > 0 and words[i - 1] == "according":
            return "actor", "after 'according to'", _STRONG, "left"
        if w in {"between", "with", "against", "on", "to", "of", "for", "among"}:
            for p in reversed(words[max(0, i - 3) : i]):  # the nearest word first
                if p in c.party_words:
                    return "actor", f"after '{p} {w}'", _STRONG, "left"
            if w == "of" and i > 0:
                owner = words[i - 1]
                if owner in c.geographic_nouns or owner in c.local_nouns:
                    return "place", f"after '{owner} of'", _STRONG, "left"
                if owner in c.affiliation_nouns or owner.rstrip(".") in c.titles:  # "officials of", "the premier of"
                    return "actor", f"after '{owner} of'", _STRONG, "left"
            return "place", f"after '{w}'", _WEAK, "left"
        if w in c.actor_object_verbs:
            return "actor", f"object of '{w}'", _STRONG, "left"
        if w in c.place_object_verbs:
            return "place", f"object of '{w}'", _STRONG, "left"
        return None

    def _modifier(self, text: str, end: int, stop: int) -> tuple[str, str, int, str] | None:
        """The noun right after the name, when the name modifies it ("Ottawa officials", "Osaka residents")."""
        c = self.cues
        nxt = _NEXT_WORD.match(text, end, stop)
        if not nxt:
            return None
        word = nxt.group(1)
        affiliation = word in c.affiliation_nouns
        if not affiliation and word not in c.local_nouns and word not in c.geographic_nouns:
            return None
        # A word that is also a verb, used as one: "Oslo plans to", "Kyiv fears that".
        follower = _NEXT_WORD.match(text, nxt.end(), stop)
        if follower is not None and follower.group(1) in _VERB_FOLLOWERS and not word.endswith("ing"):
            return None
        return ("affiliation" if affiliation else "place"), f"modifier of '{word}'", _STRONG, "right"

    def _subject(self, text: str, m: Any, end: int, stop: int) -> tuple[str, str, int, str] | None:
        """The verb the mention is the subject of."""
        c = self.cues
        found = _SUBJECT.match(text, end, stop)
        if not found:
            return None
        aux, word = found.group(1), found.group(2)
        follower = _NEXT_WORD.match(text, found.end(), stop)
        # "was shelled", "has been retaken", and the reduced passive "Leyte, hit by the typhoon".
        participle = word.endswith(("ed", "en", "wn", "t", "d", "k", "ne"))  # not "is ready", "was willing"
        passive = participle and (
            bool(aux and _PASSIVE.search(aux)) or (not aux and follower is not None and follower.group(1) == "by")
        )
        if passive:
            if word in c.place_verbs:
                return "place", f"subject of passive '{word}'", _STRONG, "right"
            if word in c.actor_verbs:
                return "actor", f"subject of passive '{word}'", _STRONG, "right"
            return None
        if word.endswith("ing") and not aux:
            return None
        if word in c.actor_verbs:
            return "actor", f"subject of '{word}'", _STRONG, "right"
        if word in c.place_verbs:
            return "place", f"subject of '{word}'", _STRONG, "right"
        # Kind: a state, a capital or a seat of power as the subject of some other finite verb
        # ("Oslo dropped its objection", "Hanoi has moved") stands for its government.
        finite = (
            word.endswith("ed")
            or (aux and _looks_like_a_verb(word))
            # "Cairo understands the", "Oslo attempts to": a present-tense verb before its object
            or (len(word) > 3 and word.endswith("s") and follower is not None and follower.group(1) in _VERB_FOLLOWERS)
        )
        if finite and self._stands_for_a_state(m.place):
            return "actor", f"{self._kind(m.place)} as subject of '{word}'", _STRONG, "right"
        return None

    def _stands_for_a_state(self, place: Any) -> bool:
        code = getattr(place, "feature_code", "")
        return code.startswith("PCL") or code in {"PPLC", "PPLG"} or code in self.cues.seat_codes

    def _kind(self, place: Any) -> str:
        code = place.feature_code
        return "country" if code.startswith("PCL") else "capital" if code in {"PPLC", "PPLG"} else "seat of power"


# Endings of adjectives that follow an auxiliary ("has had annual", "will have sufficient", "are worrisome").
_ADJECTIVE_ENDINGS = ("al", "ous", "ful", "ive", "ble", "ent", "ant", "ic", "y", "some", "less", "ar", "ary")


def _looks_like_a_verb(word: str) -> bool:
    """After an auxiliary: a verb ("has set", "will cut"), not "had", "been" or an adjective."""
    return word not in {"had", "have", "has", "been", "be", "being"} and not word.endswith(_ADJECTIVE_ENDINGS)


def _capitalised_before(left: str) -> str | None:
    """A capitalised word right before the name and inside its phrase ("United" in "United Russia"), not
    one that opens a sentence."""
    if len(left) < 4 or left[-1] != " ":
        return None
    space = left.rfind(" ", 0, len(left) - 1)
    word = left[space + 1 : -1]
    if space < 1 or not word[:1].isupper() or not word[1:].isalpha() or not word[1:].islower():
        return None
    before = left[space - 1]
    return word if before.isalnum() or before == "," else None


def _coordinated(text: str, first: Any, second: Any) -> bool:
    """Whether only "and", "or" or a comma stands between two mentions."""
    gap = _COORDINATION.fullmatch(text, first.end, second.start)
    return gap is not None and first.end < second.start
