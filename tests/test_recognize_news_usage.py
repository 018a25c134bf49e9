"""Recogniser rules for how news writes names, on a recogniser that knows only a few names."""

from __future__ import annotations

import pytest

from geo.gazetteer.names import name_key
from geo.parsing.recognize import Recognizer


def small(*names: str, **options) -> Recognizer:
    return Recognizer({name_key(n) for n in names}, set(), **options)


def spans(recognizer: Recognizer, text: str) -> list[tuple[str, bool]]:
    out = []
    for s in recognizer.find(text):
        assert text[s.start : s.end] == s.text
        out.append((s.text, s.abbreviation))
    return out


# "Man" and "Mo" abbreviate a province and a state and are also names of towns.
MIXED = small("Brandon", "Man", "Mo", "Joplin", abbreviated_keys={"man", "mo"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flooding hit Brandon, Man. on Monday.", [("Brandon", False), ("Man", True)]),
        ("The fair in Joplin, Mo. drew crowds.", [("Joplin", False), ("Mo", True)]),
        # without the period: the town's name, which two letters alone are not
        ("The fair in Joplin, Mo drew crowds.", [("Joplin", False)]),
        ("Traders in Man sold cocoa.", [("Man", False)]),
    ],
)
def test_an_abbreviation_that_is_also_a_name_needs_its_period(text: str, expected: list[tuple[str, bool]]) -> None:
    assert spans(MIXED, text) == expected


def test_a_name_runs_through_an_initial_and_its_period() -> None:
    rec = small("W. Va", "Va", "Beckley", abbreviation_keys={"w va", "va"})
    assert spans(rec, "A mine near Beckley, W. Va. closed.") == [("Beckley", False), ("W. Va", False)]


def test_an_initial_alone_is_no_name() -> None:
    rec = small("Ohio", "Bush")
    assert [t for t, _ in spans(rec, "George W. Bush spoke in Ohio.")] == ["Ohio"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zorbek Kumasi said prices fell. Kumasi added more.", []),
        ("Zorbek Kumasi, 52, said prices fell. Kumasi added more.", []),
        ('"It rained," said Zorbek Kumasi. Kumasi added more.', []),
        # a place before the verb, or a name that goes on past the pair, is no person
        ("Officials in Kumasi said prices fell.", ["Kumasi"]),
        ('"It rained," said Zorbek Kumasi officials. Kumasi added more.', ["Kumasi", "Kumasi"]),
    ],
)
def test_a_quoted_full_name_registers_its_surname(text: str, expected: list[str]) -> None:
    rec = small("Kumasi")
    assert [t for t, _ in spans(rec, text)] == expected


def test_a_feature_word_opening_an_unknown_of_phrase_is_no_mention() -> None:
    rec = small("Line", "Kashmir")
    assert [t for t, _ in spans(rec, "Shots along the Line of Control in Kashmir.")] == ["Kashmir"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trucks entered the Gaza Strip. In the Strip, fuel ran out.", [("Gaza Strip", False), ("Strip", True)]),
        # before the longer name, opening a phrase of its own, or after "The" of a name: no reference
        ("In the Strip, fuel ran out. Trucks entered the Gaza Strip.", [("Gaza Strip", False)]),
        ("Trucks entered the Gaza Strip. The Strip Club closed.", [("Gaza Strip", False)]),
    ],
)
def test_the_strip_refers_back_to_the_gaza_strip(text: str, expected: list[tuple[str, bool]]) -> None:
    rec = small("Gaza Strip", "Gaza")
    assert [(s.text, s.reference) for s in rec.find(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Shelling hit Khan el-Qamar overnight.",
        "Shelling hit Khan al Qamar overnight.",
        "Shelling hit Khan el Qamar overnight.",
    ],
)
def test_the_arabic_article_is_matched_loosely(text: str) -> None:
    rec = small("Khan al-Qamar")
    assert [s.key for s in rec.find(text)] == [name_key("Khan al-Qamar")]


def test_a_lowercase_word_after_a_name_is_no_article() -> None:
    rec = small("Gaza", "Gaza as Israel")
    assert [s.text for s in rec.find("Talks on Gaza as Israel waits.")] == ["Gaza"]
