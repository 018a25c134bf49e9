"""What the words say outright decides the kind of place (table-driven, invented sentences).

A kind word said with the name ("Kannur district", "the city of Kursk", "the Kursk region"),
a dateline ("KYIV, May 2 (Reuters) -"), a town that spells its division's name its own way,
and the signs of a sports report. Each case names the words of one mention and the place it
must resolve to, as (feature code, country, first-level division), ``None`` leaving a field
unchecked; counter-examples keep the reading they had.
"""

from __future__ import annotations

import pytest
from readings import check_reading as _check
from readings import readings as _readings

KIND_SAID_CASES = [
    # a lowercase kind word after the name, or one before it: that kind, though a town of the name is near
    ("Heavy rain hit villages in Kannur district on Monday, officials in Kochi said.", "Kannur", ("ADM2", "IN", None)),
    ("Police said a man was held in the city of Kursk after drones struck.", "Kursk", ("PPL", "RU", None)),
    ("Drones struck the Kursk region overnight, the governor said.", "Kursk", ("ADM1", "RU", None)),
    ("Shelling hit the Zaporizhzhia region and Kherson.", "Zaporizhzhia", ("ADM1", "UA", None)),
    # counter-examples: "region" where the name has no first-level division around its town
    ("Traffic in the Charlotte region was slow, officials in Raleigh said.", "Charlotte", ("PPL", "US", None)),
    ("Snow fell across the Houston region on Monday.", "Houston", ("PPL", "US", "Texas")),
    # a capitalised kind word may open an organisation's name
    ("Vehof complained to the London District Catholic School Board in Ontario.", "London", ("PPL", "CA", "Ontario")),
    # a plural kind word after one name is about the places in it
    ("Floods closed roads in the Indiana counties along the Ohio River.", "Indiana", ("ADM1", "US", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), KIND_SAID_CASES)
def test_kind_said_outright_decides_the_reading(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


DATELINE_CASES = [
    ("KYIV, May 2 (Reuters) - Air raid alerts sounded across Ukraine.", "KYIV", ("PPLC", "UA", None)),
    ("JENIN, West Bank (AP) — Troops left the camp on Friday.", "JENIN", ("PPL", "PS", None)),
    ("NEW YORK (AP) — Stocks fell on Monday.", "NEW YORK", ("PPL", "US", "New York")),
    ("Title of the story\nLUSAKA, Oct 4 - Zambia said cases fell.", "LUSAKA", ("PPLC", "ZM", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), DATELINE_CASES)
def test_dateline_is_the_town_the_story_is_filed_from(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


@pytest.mark.parametrize(
    "text",
    [
        "FEMA: flood aid for Iowa was approved on Monday.",  # an acronym opening a story stays no place
        "Officials met in Ames. NATO (Reuters) - allies agreed.",  # capitals not opening the story
    ],
)
def test_capitals_that_are_no_dateline_stay_unread(geoparser, text) -> None:
    readings = _readings(geoparser, text)
    assert "FEMA" not in readings and "NATO" not in readings, readings


RESPELT_CASES = [
    # the town spells its governorate's name another way: the town, as news means
    ("Israeli troops raided Jenin overnight.", "Jenin", ("PPL", "PS", None)),
    # counter-examples: a longer town name the division's is no spelling of
    ("Storms hit Oklahoma on Monday.", "Oklahoma", ("ADM1", "US", None)),
    ("Floods in Bihar displaced thousands.", "Bihar", ("ADM1", "IN", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), RESPELT_CASES)
def test_town_respelling_its_division_is_its_namesake(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


@pytest.mark.parametrize(
    ("text", "teams"),
    [
        # scores after a team's cue and a club's name make a sports report without sport words
        ("Leeds beat Burnley 2-1 and Sunderland drew 3-3 with Hull, while Wigan Athletic lost at home.", ["Leeds"]),
        # a manager's team, and a club's second word
        (
            "Slot's Liverpool beat Ipswich Town on Saturday, and the striker scored twice in the league match.",
            ["Liverpool", "Ipswich"],
        ),
    ],
)
def test_teams_of_a_sports_report_are_no_places(geoparser, text, teams) -> None:
    readings = _readings(geoparser, text)
    assert not set(teams) & set(readings), readings


def test_one_score_in_a_court_story_is_no_sports_report(geoparser) -> None:
    _check(geoparser, "The court ruled 5-4 against Texas on Monday.", "Texas", ("ADM1", "US", None))
