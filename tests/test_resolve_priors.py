"""What news means by a bare name: a division smaller than a city of its name yields to the city.

Table-driven, invented sentences; the counter-examples are divisions larger than any town of
their name, which keep the division reading.
"""

from __future__ import annotations

import pytest

# (text, words, feature class, country)
CASES = [
    ("Ferries to Southampton were cancelled.", "Southampton", "P", "GB"),
    ("Protesters marched in Portland on Sunday.", "Portland", "P", "US"),
    # counter-examples: the division has more people than every town of its name
    ("Floods hit Kent on Sunday.", "Kent", "A", "GB"),
    ("Floods hit Norfolk on Sunday.", "Norfolk", "A", "GB"),
    ("Voters in Victoria went to the polls.", "Victoria", "A", "AU"),
]


@pytest.mark.parametrize(("text", "words", "feature_class", "country"), CASES)
def test_a_small_division_yields_to_a_larger_city(
    geoparser, text: str, words: str, feature_class: str, country: str
) -> None:
    places = [m.place for m in geoparser.parse_text(text) if m.text == words]
    assert places, f"{words!r} not resolved in {text!r}"
    assert (places[0].feature_class, places[0].country) == (feature_class, country), places[0]
