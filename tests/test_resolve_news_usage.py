"""How news writes places: the words around a name that say its level (table-driven, invented sentences).

Each case names the words of one mention and the kind of feature it must resolve
to; the counter-examples use the same names without a cue and must keep their
usual reading.
"""

from __future__ import annotations

import pytest

from geo.model import Place


def _place(geoparser, text: str, words: str) -> Place:
    mentions = [m for m in geoparser.parse_text(text) if m.text == words]
    assert mentions, f"{words!r} not resolved in {text!r}"
    return mentions[0].place


def _level(place: Place) -> str:
    if place.feature_class == "P":
        return "town"
    return {"ADM1": "division", "ADM1H": "division", "ADM2": "county"}.get(place.feature_code, place.feature_code)


# (text, words, country, level)
LEVEL_CASES = [
    # a capitalised division word after the name, where the gazetteer lacks the phrase in full
    ("Rains flooded Mbeya Region last week.", "Mbeya", "TZ", "division"),
    ("Officials in Machakos County said the road was closed.", "Machakos", "KE", "division"),
    ("Farmers in Kisumu District protested on Monday.", "Kisumu", "KE", "division"),
    ("Wildfires spread across Kastamonu Province overnight.", "Kastamonu", "TR", "division"),
    # a lowercase one, after or before the name, beats a division's namesake city
    ("The governor of Kirkuk governorate resigned.", "Kirkuk", "IQ", "division"),
    ("The province of Ica was hit by floods.", "Ica", "PE", "division"),
    ("Clashes spread in the Iraqi province of Kirkuk.", "Kirkuk", "IQ", "division"),
    # counter-examples: no cue, the city; "the X district of Y" is a part of the city Y
    ("Traders in Mbeya said prices rose.", "Mbeya", "TZ", "town"),
    ("A bomb exploded in Kirkuk on Sunday.", "Kirkuk", "IQ", "town"),
    ("The Kisumu market reopened.", "Kisumu", "KE", "town"),
    ("Shops opened again in the Karrada district of Baghdad.", "Baghdad", "IQ", "town"),
    ("Mbeya Region asked for aid; the city of Mbeya was spared.", "Mbeya", "TZ", "division"),
]


@pytest.mark.parametrize(("text", "words", "country", "level"), LEVEL_CASES)
def test_cue_words_pick_the_level(geoparser, text: str, words: str, country: str, level: str) -> None:
    place = _place(geoparser, text, words)
    assert (place.country, _level(place)) == (country, level), place


def test_city_of_after_a_division_mention_is_the_city(geoparser) -> None:
    text = "Mbeya Region asked for aid; the city of Mbeya was spared."
    mentions = [m for m in geoparser.parse_text(text) if m.text == "Mbeya"]
    assert [_level(m.place) for m in mentions] == ["division", "town"]


def test_lowercase_region_is_the_area_around_a_city(geoparser) -> None:
    # "the Nairobi region" is loose talk for the area around the city, not a named division.
    place = _place(geoparser, "Schools in the Nairobi region closed.", "Nairobi")
    assert (place.country, _level(place)) == ("KE", "town")


# (text, words of the mention (the period stays out, as for US states), place name)
ABBREVIATION_CASES = [
    ("Crews cleared snow in Sudbury, Ont., on Tuesday.", "Ont", "Ontario"),
    ("The mill in Prince George, B.C. closed.", "B.C.", "British Columbia"),
    ("A storm hit Moose Jaw, Sask. overnight.", "Sask", "Saskatchewan"),
    ("Voters in Thompson, Man. went to the polls.", "Man", "Manitoba"),
    ("Lawyers in Sherbrooke, Que. disagreed.", "Que", "Quebec"),
    ("The fair in Joplin, Mo. drew crowds.", "Mo", "Missouri"),
    ("Rain fell on Wagga Wagga, N.S.W. all week.", "N.S.W.", "New South Wales"),
]


@pytest.mark.parametrize(("text", "words", "name"), ABBREVIATION_CASES)
def test_province_and_state_abbreviations_are_mentions(geoparser, text: str, words: str, name: str) -> None:
    assert _place(geoparser, text, words).name == name


@pytest.mark.parametrize(
    ("text", "town", "admin1"),
    [
        ("The fair in Joplin, Mo. drew crowds.", "Joplin", "Missouri"),
        ("Voters in Portage la Prairie, Man. went to the polls.", "Portage la Prairie", "Manitoba"),
        ("Flooding in Paris, Ont. closed a bridge.", "Paris", "Ontario"),
    ],
)
def test_abbreviation_qualifies_the_town_before_it(geoparser, text: str, town: str, admin1: str) -> None:
    place = _place(geoparser, text, town)
    assert place.admin1 == admin1, place


def test_abbreviation_that_is_also_a_name_needs_its_period(geoparser) -> None:
    # "Man" without a period is no abbreviation of Manitoba.
    text = "The Old Man and the sea; Man is a town in western Ivory Coast."
    assert all(m.place.name != "Manitoba" for m in geoparser.parse_text(text))


def _texts(geoparser, text: str) -> list[str]:
    return [m.text for m in geoparser.parse_text(text)]


@pytest.mark.parametrize(
    ("text", "cut_short"),
    [
        # a known name, then a feature word the gazetteer does not know the phrase with
        ("Drought hurt farmers across the Wheat Belt this year.", "Wheat"),
        ("Tennis fans packed Flushing Meadows.", "Flushing"),
        ("A report by Lancaster House staff was leaked.", "Lancaster"),
        ("Hikers were lost in the Ozark Mountains.", "Ozark"),
        # a feature word opening an "X of Y" name
        ("Shelling was reported along the Line of Contact overnight.", "Line"),
        # after "the", a name ending in a feature word is that feature or nothing
        ("Tornadoes are common on the Plains.", "Plains"),
    ],
)
def test_long_names_cut_short_are_not_the_shorter_names_town(geoparser, text: str, cut_short: str) -> None:
    for m in geoparser.parse_text(text):
        if m.text == cut_short:
            assert m.place.feature_class != "P", m.place


@pytest.mark.parametrize(
    ("text", "words", "feature_class"),
    [
        ("Aides at the White House declined to comment.", "White House", "S"),
        ("Ice covered the Great Lakes in February.", "Great Lakes", "H"),
    ],
)
def test_landmarks_after_the_are_the_feature(geoparser, text: str, words: str, feature_class: str) -> None:
    assert _place(geoparser, text, words).feature_class == feature_class


@pytest.mark.parametrize(
    ("text", "words", "code_start"),
    [
        # counter-examples: the name itself is meant
        ("She grew up in White House, Tennessee.", "White House", "PPL"),
        ("The Minnesota House passed the bill.", "Minnesota", "ADM1"),
        ("The Texas Forest Service issued a warning.", "Texas", "ADM1"),
        ("Crime fell in the Las Vegas Valley last year.", "Las Vegas", "PPL"),
    ],
)
def test_names_whose_place_is_meant_keep_it(geoparser, text: str, words: str, code_start: str) -> None:
    assert _place(geoparser, text, words).feature_code.startswith(code_start)


@pytest.mark.parametrize(
    ("text", "words", "name"),
    [
        ("A mine near Beckley, W. Va. closed.", "W. Va", "West Virginia"),
        ("Envoys met N. Korea's delegation.", "N. Korea", "North Korea"),
    ],
)
def test_abbreviations_through_an_initial(geoparser, text: str, words: str, name: str) -> None:
    assert _place(geoparser, text, words).name == name


def test_initials_of_a_person_stay_apart_from_places(geoparser) -> None:
    # "W. Bush" is no name the gazetteer holds; "W" alone is an initial.
    assert _texts(geoparser, "George W. Bush spoke in Ohio.") == ["Ohio"]


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        # a full name quoted with a verb of speech, its given name unknown to the lexicon
        ("Zorbek Kumasi said prices fell. Later Kumasi added that rain helped.", "Kumasi"),
        ("Zorbek Kumasi, 52, said prices fell. Kumasi added that rain helped.", "Kumasi"),
        ('"We lost the harvest," said Tevita Cardigan. Cardigan farms near the coast.', "Cardigan"),
    ],
)
def test_a_quoted_full_name_makes_its_surname_the_person(geoparser, text: str, surname: str) -> None:
    assert surname not in _texts(geoparser, text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # counter-examples: a place before a verb of speech, or inside an organisation's name
        ("Officials in Kumasi said the market reopened.", "Kumasi"),
        ('"It will rain," said Environment Canada forecaster Jo Lee.', "Canada"),
        ("New Delhi said the talks would resume.", "New Delhi"),
    ],
)
def test_places_before_a_verb_of_speech_stay(geoparser, text: str, place: str) -> None:
    assert place in _texts(geoparser, text)


def test_defence_forces_named_after_a_country_are_no_mention_of_it(geoparser) -> None:
    text = "Troops of the Kenya Defence Forces patrolled Garissa."
    assert "Kenya" not in _texts(geoparser, text)
    assert "Garissa" in _texts(geoparser, text)


@pytest.mark.parametrize(
    ("text", "reference", "name"),
    [
        ("Aid trucks entered the Gaza Strip. Hospitals in the Strip ran out of fuel.", "Strip", "Gaza Strip"),
        ("Tension rose on the Korean Peninsula; the Peninsula has no peace treaty.", "Peninsula", "Korean Peninsula"),
    ],
)
def test_the_last_word_of_a_longer_name_refers_back_to_it(geoparser, text: str, reference: str, name: str) -> None:
    assert _place(geoparser, text, reference).name == name


def test_a_reference_is_never_a_building(geoparser) -> None:
    # "the House" after "the White House" is the legislature.
    assert _texts(geoparser, "Aides at the White House said the House vote was close.") == ["White House"]


def test_a_reference_needs_the_longer_name_first(geoparser) -> None:
    assert "Strip" not in _texts(geoparser, "Officials in the Strip said fuel was short. Later the Gaza Strip got aid.")
