"""Place names that a text uses for something else: a team in a sports report, a person.

A careful reader of "Chelsea 2-1 Arsenal" or "the Newcastle manager" in a match report
reads a club, not the place; "Thatcher said" or "Thatcher, who ..." is a person, not a
village named Thatcher. Both decide from the words around the name, and, once decided,
hold for the name's other mentions in the document, as a reader's memory does, except
where the words say a place ("in Newcastle", "near Chelsea").

The resolver asks :func:`not_place_spans` which spans to drop; gold-span evaluation
keeps every span (the annotators have decided already).

Examples
--------
>>> from geo.parsing.recognize import Span
>>> from geo.parsing.uses import not_place_spans, sport_context
>>> report = "Newcastle beat Chelsea 2-1 on Saturday. The striker scored twice in the league match."
>>> sport_context(report)
True
>>> spans = [Span(0, 9, "Newcastle", "newcastle"), Span(15, 22, "Chelsea", "chelsea")]
>>> sorted(not_place_spans(report, spans, lambda i: False))  # both are teams here
[0, 1]
>>> text = "Lincoln said the plan would work. He left for Kent."
>>> spans = [Span(0, 7, "Lincoln", "lincoln"), Span(46, 50, "Kent", "kent")]
>>> not_place_spans(text, spans, lambda i: True)  # "Lincoln said" is a person, "for Kent" a place
{0}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from geo.parsing import lexicons
from geo.parsing.recognize import Span

__all__ = ["not_place_spans", "sport_context", "SPORT_CONTEXT_MIN"]

#: Sport words (data/sport_words.txt) a text needs, counted with repeats, to be a sports report.
SPORT_CONTEXT_MIN = 3

# A score right after a name ("Chelsea 2-1", "Leeds 3 – 0") or right before one ("2-1 Arsenal",
# "a 3-0 win over Leeds").
_SCORE = r"\d{1,2}\s?[-–]\s?\d{1,2}"
_SCORE_AFTER = re.compile(rf"[ \t]{{1,2}}{_SCORE}\b")
_SCORE_BEFORE = re.compile(
    rf"\b{_SCORE}(?:\s+(?:win|victory|defeat|loss|draw|away win|home win))?(?:\s+(?:over|against|to|at|with))?\s+$"
)
# Words before a name that make it the other side of a match, or a club a player moves to
# (the last word before it, or the last two; "the" between them and the name is skipped).
_TEAM_BEFORE_WORDS = frozenset(
    [
        "beat",
        "beats",
        "beating",
        "defeated",
        "defeating",
        "against",
        "versus",
        "vs",
        "vs.",
        "v",
        "v.",
        "host",
        "hosts",
        "hosted",
        "hosting",
        "face",
        "faces",
        "faced",
        "facing",
        "edged",
        "thrashed",
        "routed",
        "hammered",
        "joined",
        "joins",
    ]
)
_TEAM_BEFORE_PAIRS = frozenset(
    [
        "lost to",
        "lost to",
        "loss to",
        "defeat to",
        "defeat by",
        "draw with",
        "drew with",
        "drawn with",
        "win over",
        "victory over",
        "win against",
        "signed for",
        "signs for",
        "loan to",
        "loan from",
        "loan at",
        "loaned to",
        "sold to",
        "bought from",
    ]
)
# Words after a name that make it a team: a match verb, or a player, a coach or the fans of it.
_TEAM_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:beat|defeated|drew|lost|hosted|host|hosts|face|faces|faced|thrashed|edged|routed|"
    r"hammered|trailed|won|conceded|scored|signed|sacked|equalised|equalized|manager|boss|coach|head coach|"
    r"striker|strikers|goalkeeper|keeper|midfielder|defender|defenders|winger|forward|captain|"
    r"squad|players|fans|supporters|lineup|line-up|bench|academy|chairman)\b"
    # ... or the second word of a club's name that the gazetteer lacks as a place ("Manchester City",
    # "Nottingham Forest", "Derby County"): in a sports report, that club.
    r"|^\s(?:City|Town|County|Forest)\b",
)
# A person's team: "Ange Postecoglou's Tottenham", "Guardiola's City" (a given name or a surname before "'s").
_MANAGER_BEFORE = re.compile(r"\b[A-Z][\w'’-]+(?:'s|’s)\s+$")
# Words that name a club as the second word after its town ("Wolverhampton Wanderers"): one more sport word
# for :func:`sport_context`, as is a score after a team's cue ("beat Leeds 3-0").
_CLUB_NAME = re.compile(r"\b[A-Z][a-z]+ (?:FC|AFC|Wanderers|Rovers|Hotspur|Albion|Athletic)\b")
# Words right before a name that say the place even in a sports report.
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|outside|around|across|of|north of|south of|east of|west of)\s+$", re.IGNORECASE
)
_FROM_BEFORE = re.compile(r"\b(?:from|at|to|for)\s+$", re.IGNORECASE)
# A person: a one-word name that speaks ("Thatcher said", "said Thatcher") or takes "who" ...
_SPEECH = r"said|says|told|added|wrote|explained|noted|stated|insisted|argued|recalled|warned|announced"
# ... or has what only a person has: "Hartley's wife", "Hartley's lawyer".
_PERSONAL = r"wife|husband|son|daughter|mother|father|widow|brother|sister|spokesman|spokeswoman|lawyer|attorney"
_PERSON_AFTER = re.compile(rf"^(?:,\s*who\b|\s+who\b|\s+(?:{_SPEECH})\b|(?:'s|’s)\s+(?:{_PERSONAL})\b)")
_SPEECH_WORDS = frozenset(_SPEECH.split("|"))
_PHRASE_ENDS = re.compile(r"\s*(?:[.,;:!?\"”)]|$)")
# How many characters around a name the patterns look at.
_REACH = 40


@lru_cache(maxsize=64)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def sport_context(text: str, words: frozenset[str] | None = None, evidence: int = 0) -> bool:
    """Whether a text reads as a sports report: enough of its words are sport words.

    ``evidence`` counts what else the caller found of a sports report (scores after a team's cue);
    clubs' names ("Wolverhampton Wanderers") count as sport words.
    """
    lower = text.lower()
    # A substring test in C rules out most texts; whole words are counted only for what it finds
    # ("league" is in "colleague").
    present = [w for w in (lexicons.sport_words() if words is None else words) if w in lower]
    count = evidence + sum(1 for _ in _CLUB_NAME.finditer(text))
    if count >= SPORT_CONTEXT_MIN:
        return True
    for word in present:
        count += sum(1 for _ in _word_pattern(word).finditer(lower))
        if count >= SPORT_CONTEXT_MIN:
            return True
    return False


def _possessive(text: str, span: Span) -> bool:
    """Whether "'s" follows a name: in "a win over Minnesota's top team" the one beaten is the team."""
    return text.startswith(("'s", "’s"), span.end)


def _scored(text: str, span: Span) -> bool:
    """Whether a score follows a name ("Chelsea 2-1") or comes right before it ("a 3-0 win over Leeds")."""
    if _SCORE_AFTER.match(text, span.end, span.end + _REACH) is not None:
        return True
    if _possessive(text, span):
        return False
    before = text[max(0, span.start - _REACH) : span.start]
    return ("-" in before or "–" in before) and _SCORE_BEFORE.search(before) is not None


def _is_team(text: str, span: Span) -> bool:
    after = text[span.end : span.end + _REACH]
    if _SCORE_AFTER.match(after) is not None or _TEAM_AFTER.match(after) is not None:
        return True
    if _possessive(text, span):
        return False  # what the words before say is of the noun the name owns
    before = text[max(0, span.start - _REACH) : span.start]
    if _MANAGER_BEFORE.search(before) is not None:
        return True
    words = before.lower().split()[-3:]
    if words and words[-1] == "the":
        words.pop()
    if words and (words[-1] in _TEAM_BEFORE_WORDS or " ".join(words[-2:]) in _TEAM_BEFORE_PAIRS):
        return True
    return ("-" in before or "–" in before) and _SCORE_BEFORE.search(before) is not None


def _is_person(text: str, span: Span) -> bool:
    # The cues that make a person come first (anchored, cheap); the place words only where one is met.
    after = text[span.end : span.end + _REACH]
    if _PERSON_AFTER.match(after) is None:
        # "said Thatcher." but not "said Avondale Mayor Ed Rieker": after the verb, the name must end the phrase.
        words_before = text[max(0, span.start - 16) : span.start].split()
        if not words_before or words_before[-1] not in _SPEECH_WORDS or _PHRASE_ENDS.match(after) is None:
            return False
    before = text[max(0, span.start - _REACH) : span.start]
    # "police in Kent said", "officials from Kent said": the place
    return _PLACE_BEFORE.search(before) is None and _FROM_BEFORE.search(before) is None


def not_place_spans(text: str, spans: Sequence[Span], may_be_person: Callable[[int], bool]) -> set[int]:
    """Indices of the spans the text uses as a team (in a sports report) or as a person.

    ``may_be_person(index)`` says whether the name of ``spans[index]`` may be a person's at all: a country or a
    big city that "said" something is its government ("Moscow said"), a village is not.
    A name found in such a use once is that team or person in its other mentions too,
    except those after a word that says a place ("in Newcastle").
    """
    # The words around a name first (a handful of spans), the whole text only where some name is in a team's place.
    team_spans = [s for s in spans if not s.demonym and _is_team(text, s)]
    teams = {s.key for s in team_spans}
    if teams and not sport_context(text, evidence=sum(_scored(text, s) for s in team_spans)):
        teams = set()
    persons = {
        s.key
        for idx, s in enumerate(spans)
        if not s.demonym and " " not in s.key and _is_person(text, s) and may_be_person(idx)
    }
    out: set[int] = set()
    for idx, span in enumerate(spans):
        if span.key in teams or span.key in persons:
            before = text[max(0, span.start - _REACH) : span.start]
            if _PLACE_BEFORE.search(before) is None:
                out.add(idx)
    return out
