"""The document's context picks among namesakes of one kind, not across kinds (table-driven, invented sentences).

Each case names the words of one mention and the place it must resolve to, as
(feature code, country, first-level division); ``None`` leaves a field unchecked.
Counter-examples keep the reading the words around the name call for.
"""

from __future__ import annotations

import pytest
from readings import check_reading as _check
from readings import readings as _readings

# "the Pacific" in a US story: the country and the nearby towns say nothing against a feature in no country.
INTERNATIONAL_CASES = [
    ("Storms off the Pacific battered Seattle and Tacoma on Monday.", "Pacific", ("OCN", "", None)),
    ("Fishermen in Maine and Massachusetts said the Atlantic was rough.", "Atlantic", ("OCN", "", None)),
    ("Diplomats from Texas and Ohio talked about peace in the Middle East.", "Middle East", ("RGN", "", None)),
    # counter-examples: without the article, or with a qualifier, the town
    (
        "Farmers near Atlantic said the harvest was late, officials in Des Moines and Iowa City said.",
        "Atlantic",
        ("PPL", "US", "Iowa"),
    ),
    (
        "The council of Pacific, Missouri met on Monday; officials from St. Louis attended.",
        "Pacific",
        ("PPL", "US", "Missouri"),
    ),
    ("Farmers near Atlantic, Iowa said the harvest was late.", "Atlantic", ("PPL", "US", "Iowa")),
]


@pytest.mark.parametrize(("text", "words", "expected"), INTERNATIONAL_CASES)
def test_feature_in_no_country_is_not_outvoted_by_the_country(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


# A list of divisions: a name whose capital leads its readings is still the division of that name, not a
# town in the division listed after it.
LIST_PEER_CASES = [
    ("Cases were reported in Oregon, Washington, Pennsylvania and California.", "Washington", ("ADM1", "US", None)),
    ("Outbreaks hit Utah, Virginia, Washington, West Virginia and Wyoming.", "Washington", ("ADM1", "US", None)),
    # counter-examples: the capital inside the area after it, and a qualified town out of a list
    ("Officials from Texas, Washington, D.C. and Ohio met on Monday.", "Washington", ("PPLC", "US", None)),
    ("He grew up in Washington, Pennsylvania, a small town.", "Washington", ("PPL", "US", "Pennsylvania")),
    ("Students from Moscow, Idaho and Kyiv met online.", "Moscow", ("PPL", "US", "Idaho")),
]


@pytest.mark.parametrize(("text", "words", "expected"), LIST_PEER_CASES)
def test_division_in_a_list_of_divisions_is_their_peer(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


# "Kendal, Ontario": the writer placed the town; where the gazetteer has no namesake in that country, the
# town abroad is not meant and the name is left unresolved (the qualifier still is the province).
PLACED_ELSEWHERE_CASES = [
    ("Firefighters were called to a barn near Kendal, Ontario on Sunday.", "Kendal", None),
    ("Police in Kendal, Ontario, Canada made arrests.", "Kendal", None),
    ("The fair in Ludlow, Alberta drew crowds.", "Ludlow", None),
    ("He appeared in a Calderdale, Ontario court on Monday.", "Calderdale", None),  # an English borough leads
    # counter-examples: a namesake in the qualifier's country, a division named like a country, a list
    ("The mayor of Whitby, Ontario spoke.", "Whitby", ("PPL", "CA", "Ontario")),
    ("Gwynne Dyer is a journalist based in London, England.", "London", (None, "GB", None)),
    ("He moved from Atlanta, Georgia to Boston.", "Atlanta", ("PPL", "US", "Georgia")),
    ("Police in Leeds, Wales and Scotland made arrests.", "Leeds", ("PPL", "GB", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), PLACED_ELSEWHERE_CASES)
def test_town_placed_where_it_has_no_namesake_is_not_one_abroad(geoparser, text, words, expected) -> None:
    if expected is None:
        readings = _readings(geoparser, text)
        assert words not in readings, readings
        assert readings.get(text.split(", ")[1].split()[0], ("", "", ""))[1] == "CA", readings
    else:
        _check(geoparser, text, words, expected)


# A short name after (or before) the formal name of a country or division in the same document means it.
FORMAL_NAME_CASES = [
    (
        "The Democratic Republic of the Congo reported cases. Congo has asked for vaccines.",
        "Congo",
        ("PCLI", "CD", None),
    ),
    ("Officials of the Republic of Korea met in Seoul. Exports from Korea rose.", "Korea", ("PCLI", "KR", None)),
    # counter-examples: no formal name in the document; a city named after its country or state
    ("Fighting in Congo continued.", "Congo", ("PCLI", "CG", None)),
    ("Talks in Mexico City ended. Mexico sent troops.", "Mexico", ("PCLI", "MX", None)),
    ("Talks in Kansas City ended. Farmers in Kansas waited.", "Kansas", ("ADM1", "US", None)),
]


@pytest.mark.parametrize(("text", "words", "expected"), FORMAL_NAME_CASES)
def test_short_name_means_the_formal_name_of_the_document(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


# A country is not qualified by the country after it ("China, Japan"): no town of one country is named so.
COUNTRY_PAIR_CASES = [
    ("Many countries, among them China, Japan, and the United Kingdom, warned the WHO.", "China", ("PCLI", "CN", None)),
    ("Exports from China, Japan rose sharply.", "China", ("PCLI", "CN", None)),
    # counter-examples: a town qualified by its country
    ("He lives in Paris, France and works in Lyon.", "Paris", (None, "FR", None)),
    ("Students from Moscow, Idaho visited.", "Moscow", ("PPL", "US", "Idaho")),
]


@pytest.mark.parametrize(("text", "words", "expected"), COUNTRY_PAIR_CASES)
def test_country_is_not_qualified_by_a_country(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


def _resolve_first(geoparser, text: str, words: str, then: str | None = None) -> tuple[str, str] | None:
    """The (name, feature code) a given span of ``words`` resolves to, as in gold-span evaluation.

    ``then`` is a name after it, given as a span too.
    """
    start = text.index(words)
    spans = [(start, start + len(words))]
    if then is not None:
        later = text.index(then, start + len(words))
        spans.append((later, later + len(then)))
    place = geoparser.resolve_spans(text, spans)[0]
    return None if place is None else (place.name, place.feature_code)


# "Central and South America": a compass word before "and" and a name that starts with another one.
SHARED_HEAD_CASES = [
    ("Many species live in the jungles of Central and South America.", "Central", "South America", "Central America"),
    ("Talks between North and South Korea resumed.", "North", "South Korea", "North Korea"),
    ("Drought hit East and West Africa.", "East", "West Africa", "East Africa"),
]


@pytest.mark.parametrize(("text", "words", "then", "expected"), SHARED_HEAD_CASES)
def test_compass_word_shares_the_head_of_the_next_name(geoparser, text, words, then, expected) -> None:
    got = _resolve_first(geoparser, text, words, then)
    assert got is not None and got[0] == expected, got


@pytest.mark.parametrize(
    ("text", "then"),
    [
        ("Police in Central said the road was closed.", None),  # no second name
        ("Farmers in Central and Kisumu counties planted early.", "Kisumu"),  # the next name has no compass word
        ("Farmers in Central and Western provinces planted early.", "Western"),  # nor a head to share
    ],
)
def test_compass_word_without_a_shared_head_keeps_its_own_readings(geoparser, text, then) -> None:
    got = _resolve_first(geoparser, text, "Central", then)
    # its own readings: a region called Central, or with "provinces" after the list, a Central Province
    assert got is not None and got[0] in {"Central", "Central Province"}, got


# A small town in none of the document's countries, near none of its places, that no word around it
# supports, is a local name the gazetteer lacks (a street, a hospital, a hamlet), not a namesake abroad.
STRAY_CASES = [
    ("Officers from London and Manchester searched a sushi bar in Piccadilly on Friday.", "Piccadilly"),
    ("Rescuers from Peshawar, Lahore and Islamabad reached Kalam by helicopter.", "Kalam"),
]


@pytest.mark.parametrize(("text", "words"), STRAY_CASES)
def test_stray_namesake_abroad_is_not_resolved(geoparser, text, words) -> None:
    readings = _readings(geoparser, text)
    assert words not in readings, readings
    assert len(readings) >= 2, readings  # the document's own places stay


# counter-examples: a town of the document's country, a large city abroad, a qualified town, a capital
STRAY_COUNTER_CASES = [
    ("Officers from London and Manchester searched a flat in Kendal.", "Kendal", ("PPL", "GB", None)),
    ("Officers from London, Leeds and Manchester questioned a man born in Tyler.", "Tyler", ("PPL", "US", "Texas")),
    ("Officers from London, Leeds and Manchester met a man from Kalam, Pakistan.", "Pakistan", ("PCLI", "PK", None)),
    ("A flight from Nairobi landed in London, Leeds and Manchester.", "Nairobi", ("PPLC", "KE", None)),
    # no one country holds the document's other places
    (
        "Tourists from Stratford-upon-Avon, Winston-Salem and Aix-en-Provence met.",
        "Stratford-upon-Avon",
        ("PPL", "GB", None),
    ),
]


@pytest.mark.parametrize(("text", "words", "expected"), STRAY_COUNTER_CASES)
def test_supported_or_prominent_places_abroad_stay(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


def test_gold_spans_keep_a_stray_namesake(geoparser) -> None:
    # Gold-span evaluation keeps every span: the annotators decided it is a place.
    text = "Officers from London and Manchester searched a sushi bar in Piccadilly on Friday."
    assert _resolve_first(geoparser, text, "Piccadilly") is not None


def _resolve_all(geoparser, text: str, names: list[str]) -> list[tuple[str, str, str] | None]:
    """Gold-span readings (name, feature code, country) of the given names, each the next occurrence."""
    spans, at = [], 0
    for name in names:
        start = text.index(name, at)
        spans.append((start, start + len(name)))
        at = start + len(name)
    places = geoparser.resolve_spans(text, spans)
    return [None if p is None else (p.name, p.feature_code, p.country) for p in places]


# "the provinces of Nyanza, Coast and Western": the gazetteer names the province "Western Province".
KIND_WORD_VARIANT_CASES = [
    (
        "Cases were reported in Kenya's provinces of Nyanza, Coast and Western.",
        ["Kenya", "Nyanza", "Coast", "Western"],
        "KE",
    ),
    ("Officials in Nairobi said the provinces of Coast and Central were hit.", ["Nairobi", "Coast", "Central"], "KE"),
]


@pytest.mark.parametrize(("text", "names", "country"), KIND_WORD_VARIANT_CASES)
def test_designated_name_means_the_division_named_with_the_kind_word(geoparser, text, names, country) -> None:
    last = _resolve_all(geoparser, text, names)[-1]
    assert last is not None and last[1] in {"ADM1", "ADM1H"} and last[2] == country, last


def test_undesignated_name_does_not_take_the_kind_word_variants(geoparser) -> None:
    # no kind word around "Western": its own readings ("Western" regions), never "Western Province"
    last = _resolve_all(geoparser, "Cases rose in Western, officials in Kampala said.", ["Western", "Kampala"])[0]
    assert last is not None and last[0] == "Western", last


# The recogniser finds the first name of "North and South Korea" too, under the name it shares a head with.
SHARED_HEAD_TEXTS = [
    (
        "Talks between North and South Korea resumed.",
        {"North": ("PCLI", "KP", None), "South Korea": ("PCLI", "KR", None)},
    ),
    (
        "Rain fell in North and South Dakota.",
        {"North": ("ADM1", "US", "North Dakota"), "South Dakota": ("ADM1", "US", "South Dakota")},
    ),
    # counter-examples: no "and" between the compass words, or a lowercase one
    (
        "He flew from North Carolina to South Korea.",
        {"North Carolina": ("ADM1", "US", "North Carolina"), "South Korea": ("PCLI", "KR", None)},
    ),
    ("The storm moved north and South Korea braced.", {"South Korea": ("PCLI", "KR", None)}),
]


@pytest.mark.parametrize(("text", "expected"), SHARED_HEAD_TEXTS)
def test_shared_head_names_are_found_and_resolved(geoparser, text, expected) -> None:
    readings = _readings(geoparser, text)
    for words, want in expected.items():
        _check(geoparser, text, words, want)
    assert set(readings) == set(expected), readings


# "the Mekong Delta": a feature word after a name, in its phrase, ends a longer name; it is no place of its own.
FEATURE_TAIL_CASES = [
    ("Floods in the Mekong Delta hit Can Tho.", "Delta", {"Mekong", "Can Tho"}),
    ("Floods hit the Danube Delta in Romania.", "Delta", {"Danube", "Romania"}),
]


@pytest.mark.parametrize(("text", "word", "kept"), FEATURE_TAIL_CASES)
def test_feature_word_after_a_name_is_not_a_place(geoparser, text, word, kept) -> None:
    readings = _readings(geoparser, text)
    assert word not in readings and kept <= set(readings), readings


def test_feature_word_standing_alone_keeps_its_place(geoparser) -> None:
    # counter-example: "Delta" on its own, after a preposition, is the Nigerian state
    assert _readings(geoparser, "Police in Delta said the road was closed.").get("Delta") == ("ADM1", "NG", "Delta")


# Two other names whose readings agree on a division are its context, though neither is sure on its own.
AGREEMENT_CASES = [
    (
        "Voters in Fremont and Union City backed the tax; Newark officials agreed.",
        "Newark",
        ("PPL", "US", "California"),
    ),
    ("Crews from Fremont and Union City cleared roads near Newark.", "Newark", ("PPL", "US", "California")),
    # counter-example: the writer's qualifier still decides
    (
        "Students in Fremont and Union City wrote to pen pals in Newark, New Jersey.",
        "Newark",
        ("PPL", "US", "New Jersey"),
    ),
]


@pytest.mark.parametrize(("text", "words", "expected"), AGREEMENT_CASES)
def test_names_agreeing_on_a_division_are_its_context(geoparser, text, words, expected) -> None:
    _check(geoparser, text, words, expected)


def test_agreeing_names_do_not_make_a_weak_name_a_place(geoparser) -> None:
    # "Hall" has a county in California; the agreement picks readings, it is no evidence for a place
    assert "Hall" not in _readings(geoparser, "Coach Hall praised players from Fremont and Union City.")
