"""Place names inside hyphenated compounds (geo.parsing.compounds), with counter-examples.

First on a recogniser that knows only a few names, for the exact offsets of each part;
then through the geoparser on the real index, where the resolver's evidence rules decide
what a part of a compound of names only ("Coca-Cola") may be.
"""

from __future__ import annotations

import pytest

from geo.gazetteer.names import name_key
from geo.parsing.recognize import Recognizer

NAMES = [
    "London", "Gaza", "Texas", "Mexico", "US", "U.S.", "Russia", "Ukraine", "New York", "Hong Kong", "Sierra",
    "Sierra Leone", "New Mexico", "Guinea-Bissau", "Guinea", "Baden-Württemberg", "Stratford-upon-Avon",
    "Winston-Salem", "Aix-en-Provence", "Coca", "Cola", "Pierre", "Charleston", "Kremlin", "Egypt",
    "Green", "France", "Frankenstein", "Jackson", "O'Hare",
]  # fmt: skip
DEMONYMS = ["Philippine", "Israeli", "Palestinian", "Russian", "Saudi", "Egyptian", "African", "American"]
RECOGNIZER = Recognizer(
    {name_key(n) for n in NAMES + DEMONYMS},
    {name_key(n) for n in DEMONYMS},
    common_words={"green": 4.5, "london": 4.6},  # zipf frequencies: both are also frequent English words
)


def found(text: str) -> list[tuple[str, int, int, bool, bool]]:
    out = []
    for s in RECOGNIZER.find(text):
        assert text[s.start : s.end] == s.text
        out.append((s.text, s.start, s.end, s.demonym, s.common))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The London-based group spoke.",
            [("London", 4, 10, False, True)],
        ),  # common: a frequent word, as in the main pass
        ("A Gaza-based charity helped.", [("Gaza", 2, 6, False, False)]),
        ("Drills near the Texas-Mexico border.", [("Texas", 16, 21, False, False), ("Mexico", 22, 28, False, False)]),
        ("US-Philippine drills began.", [("US", 0, 2, False, False), ("Philippine", 3, 13, True, False)]),
        ("The Russia-Ukraine war went on.", [("Russia", 4, 10, False, False), ("Ukraine", 11, 18, False, False)]),
        (
            "The Israeli-Palestinian conflict.",
            [("Israeli", 4, 11, True, False), ("Palestinian", 12, 23, True, False)],
        ),
        ("A Saudi-led coalition struck.", [("Saudi", 2, 7, True, False)]),
        ("The Kremlin-backed candidate won.", [("Kremlin", 4, 11, False, False)]),
        ("Pro-Russian and anti-US crowds met.", [("Russian", 4, 11, True, False), ("US", 21, 23, False, False)]),
        # a name of several words that runs into the compound, and one that runs out of it
        ("A New York-based fund paid.", [("New York", 2, 10, False, False)]),
        ("Two Hong Kong-born actors.", [("Hong Kong", 4, 13, False, False)]),
        ("A Sierra Leone-based NGO.", [("Sierra Leone", 2, 14, False, False)]),
        (
            "The Texas-New Mexico border.",
            [("Texas", 4, 9, False, False), ("New Mexico", 10, 20, False, False)],
        ),
        # another affix: the name needs a common word's evidence
        ("A Gaza-esque siege.", []),
        ("Two Gaza-flagged boats.", [("Gaza", 4, 8, False, False)]),
        ("A Gaza-themed show.", []),
        ("The Kremlin-defense plan.", [("Kremlin", 4, 11, False, True)]),
        # an apostrophe stays inside its part
        ("An O'Hare-based crew.", [("O'Hare", 3, 9, False, False)]),
        # a run of parts that is one name
        ("A Guinea-Bissau-based trader.", [("Guinea-Bissau", 2, 15, False, False)]),
        # AP style for a legislator's party and seat
        ("Sen. Robert Ford, D-Charleston, said.", [("Charleston", 20, 30, False, False)]),
        # a dotted acronym ends its word: the main pass reads both names
        ("U.S.-Philippine drills began.", [("U.S.", 0, 4, False, False), ("Philippine", 5, 15, True, False)]),
        ("Egyptian-US relations improved.", [("Egyptian", 0, 8, True, False), ("US", 9, 11, False, False)]),
    ],
)
def test_compounds_yield_one_mention_per_named_part(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hyphenated names that are one place stay one mention
        ("Trade in Guinea-Bissau grew.", [("Guinea-Bissau", 9, 22, False, False)]),
        ("Rain in Baden-Württemberg.", [("Baden-Württemberg", 8, 25, False, False)]),
        ("A trip to Stratford-upon-Avon.", [("Stratford-upon-Avon", 10, 29, False, False)]),
        ("Jobs in Winston-Salem rose.", [("Winston-Salem", 8, 21, False, False)]),
        ("A cafe in Aix-en-Provence.", [("Aix-en-Provence", 10, 25, False, False)]),
        # an unknown name joined by a connector is one unknown name, not its known parts
        ("A trip to Sierra-upon-Gaza.", []),
        # an Arabic article opens a transliterated name, not a compound
        ("Al-Gaza reported it.", []),
        ("Talks with el-Gaza ended.", []),
        # lower-case words only
        ("A well-known long-term plan.", []),
        # a common word with an affix is that word; a suffix of manner compares
        ("Green-winged teals died.", []),
        ("A Frankenstein-esque machine.", []),
        # a part that is no name: an agency, a double surname, an airport's two names
        ("Agence France-Presse reported it.", []),
        ("Pat Hugley-Green kept her seat.", []),
        ("Hartsfield-Jackson airport closed.", []),
        # two demonyms with nothing placing them are an identity
        ("The African-American Affairs Commission met.", []),
    ],
)
def test_compounds_that_are_one_name_or_none(text: str, expected: list) -> None:
    assert found(text) == expected


def test_names_only_with_nothing_placing_them_need_a_common_words_evidence() -> None:
    # the parts are found, but flagged: the resolver keeps them only for a prominent place or the text's support
    spans = RECOGNIZER.find("Coca-Cola said sales rose.")
    assert [(s.text, s.common) for s in spans] == [("Coca", True), ("Cola", True)]
    # a given name opening a person's name is no place, in a compound too
    assert RECOGNIZER.find("Jean-Pierre Raffarin spoke.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The London-based group said US-Philippine drills near the Texas-Mexico border were planned.",
            [("London", "GB"), ("US", "US"), ("Philippine", "PH"), ("Texas", "US"), ("Mexico", "MX")],
        ),
        ("A New York-based fund and a Gaza-based charity.", [("New York", "US"), ("Gaza", "PS")]),
        (
            "The Russia-Ukraine war and the Israeli-Palestinian conflict.",
            [
                ("Russia", "RU"),
                ("Ukraine", "UA"),
                ("Israeli", "IL"),
                ("Palestinian", "PS"),
            ],
        ),
        # counter-examples: one place each, or none
        ("Guinea-Bissau and Baden-Württemberg.", [("Guinea-Bissau", "GW"), ("Baden-Württemberg", "DE")]),
        (
            "Stratford-upon-Avon, Winston-Salem and Aix-en-Provence.",
            [
                ("Stratford-upon-Avon", "GB"),
                ("Winston-Salem", "US"),
                ("Aix-en-Provence", "FR"),
            ],
        ),
        ("Coca-Cola said sales rose.", []),
        ("Jean-Pierre Raffarin spoke.", []),
        ("Mercedes-Benz and Harley-Davidson sold more.", []),
    ],
)
def test_compounds_through_the_geoparser(geoparser, text: str, expected: list) -> None:
    assert [(m.text, m.place.country) for m in geoparser.parse_text(text)] == expected


def test_demonym_parts_follow_the_demonyms_switch(full_gazetteer) -> None:
    from geo.parsing.pipeline import Geoparser

    text = "US-Philippine drills and the Israeli-Palestinian conflict."
    without = Geoparser(full_gazetteer, demonyms=False)
    assert [(m.text, m.kind) for m in without.parse_text(text)] == [("US", "toponym")]
    with_demonyms = Geoparser(full_gazetteer)
    assert [(m.text, m.kind) for m in with_demonyms.parse_text(text)] == [
        ("US", "toponym"),
        ("Philippine", "demonym"),
        ("Israeli", "demonym"),
        ("Palestinian", "demonym"),
    ]
