"""A name that is part of a longer name, a storm's, a nickname or an organisation's is not that place
(table-driven, invented sentences).

Each case gives a text and the mention it must not have (the shorter name cut from a longer
one), or, for counter-examples, a mention and the place it must still resolve to, as
(feature code, country, first-level division) with ``None`` unchecked.
"""

from __future__ import annotations

import pytest
from readings import check_reading as _check
from readings import readings as _readings

NOT_THE_SHORTER_NAME = [
    # the name goes on through an article particle the gazetteer lacks
    ("A drone struck a car in Alma al-Chaab, near the border, Lebanese media said.", "Alma"),
    # another name follows after one space: a longer name the gazetteer lacks
    ("Snow fell overnight in the Sierra Nevada, forecasters in Reno said.", "Sierra"),
    ("Revellers filled the streets for Mardi Gras in New Orleans.", "Mardi"),
    # a feature word and "of" before the name, or "the" and capitalised words before a feature word
    ("Tankers sailed around the Cape of Good Hope to avoid the Red Sea.", "Good Hope"),
    ("Rain in the Great Plains helped winter wheat in Kansas.", "Plains"),
    # a storm, a quoted nickname, an organisation or a holiday
    ("Hurricane Milton made landfall near Sarasota on Wednesday.", "Hurricane"),
    ('Ismael "El Mayo" Zambada was flown to El Paso, prosecutors said.', "Mayo"),
    ("The African Union sent more troops to Mogadishu.", "African"),
    ("Crowds marked Independence Day in Jakarta on Saturday.", "Independence"),
]


@pytest.mark.parametrize(("text", "words"), NOT_THE_SHORTER_NAME)
def test_shorter_name_of_a_longer_one_is_no_mention(geoparser, text, words) -> None:
    readings = _readings(geoparser, text)
    assert words not in readings, readings


STILL_THE_PLACE = [
    # the whole longer name is known
    ("Strikes hit tents near Deir al-Balah, Gaza health officials said.", "Deir al-Balah", ("PPL", "PS", None)),
    # a common word after a small place's name is a noun about it; a prominent name is qualified, not continued
    ("Ozark police cordoned off Ozark Dodge on Monday.", "Ozark", ("PPL", "US", "Missouri")),
    ("Inmates captured in the Nebraska Sandhills were moved on Friday.", "Nebraska", ("ADM1", "US", None)),
    ("Four U.S. Chinook helicopters landed on Monday.", "U.S.", ("PCLI", "US", None)),
    # the words alone, with no longer name: the town
    ("Police in Hurricane, Utah, said the road was closed.", "Hurricane", ("PPL", "US", "Utah")),
    ("Residents of Good Hope, California, said the fire was out.", "Good Hope", ("PPL", "US", "California")),
    ("The town of Plains, Georgia, honoured Jimmy Carter.", "Plains", ("PPL", "US", "Georgia")),
    ("Independence, Missouri, held a parade on Monday.", "Independence", ("PPL", "US", "Missouri")),
    ("Heavy rain fell in Mayo on Monday, Irish forecasters said.", "Mayo", ("ADM1", "IE", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), STILL_THE_PLACE)
def test_place_that_ends_its_phrase_stays(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


SEA_CASES = [
    # a name ending in Sea, Strait, Gulf ... is the feature, not a division named after it
    ("Ships in the Red Sea were attacked, officials in Port Sudan said.", "Red Sea", ("SEA", "", None)),
    ("Warships crossed the Taiwan Strait on Friday.", "Taiwan Strait", ("STRT", "", None)),
    # a lowercase "river" after the name: the river, where the name has one
    ("The Bagmati river burst its banks in Kathmandu.", "Bagmati", ("STM", "NP", None)),
    # counter-examples: with its kind word, the division
    ("The governor of Red Sea state resigned, officials in Khartoum said.", "Red Sea", ("ADM1", "SD", None)),
    ("Officials in Bagmati province said roads were shut.", "Bagmati", ("ADM1", "NP", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), SEA_CASES)
def test_name_ending_in_a_sea_word_is_the_sea(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


def test_team_owned_by_a_place_leaves_the_place(geoparser) -> None:
    """In "a win over Minnesota's top team" the one beaten is the team; "a win over Minnesota" is the team."""
    sport = " The striker scored twice and the goalkeeper saved a penalty in the league match."
    owned = _readings(geoparser, "The Panthers closed the season with a 30-21 win over Minnesota's top team." + sport)
    assert owned.get("Minnesota", ("",))[0] == "ADM1", owned
    beaten = _readings(geoparser, "The Panthers closed the season with a 30-21 win over Minnesota on Friday." + sport)
    assert "Minnesota" not in beaten, beaten


AFTER_THE_CASES = [
    # rivers, ranges and regions take the article; towns of the name do not
    ("Germany warned of high water on the Elbe in Saxony.", "Elbe", ("STM", "", None)),
    ("Rowers raced on the Thames in London.", "Thames", ("STM", "GB", None)),
    ("Farmers in the Midwest and in Iowa waited for rain.", "Midwest", ("RGN", "US", None)),
    ("Snow closed roads in the Urals, Russian officials said.", "Urals", ("MTS", "RU", None)),
    # counter-examples: without the article the town; a name that holds its article is itself
    ("Flood aid reached Elbe, Lower Saxony, on Monday.", "Elbe", ("PPL", "DE", None)),
    ("Judges in The Hague ruled on Monday.", "The Hague", (None, "NL", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), AFTER_THE_CASES)
def test_name_after_the_is_the_river_range_or_region(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)
