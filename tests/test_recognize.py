"""Toponym recognition: which words of a sentence are place names, and which are not.

Two kinds of tests:

- tables of (sentence, expected spans) run through the real recogniser
  (``geoparser.recognizer``: the full gazetteer's keys and the packaged lexicons);
- :class:`~geo.parsing.recognize.Recognizer` built on a handful of keys, where a rule is
  easiest to see on its own (longest match, connectors, rules files, demonyms).

Every span found is also checked to slice back to its text.
"""

from __future__ import annotations

import pytest

from geo.gazetteer.names import name_key
from geo.parsing.recognize import Recognizer, Span, tokenize


def _checked(text: str, spans: list[Span]) -> list[Span]:
    """The spans, after checking offsets, order and overlap."""
    previous_end = 0
    for span in spans:
        assert 0 <= span.start < span.end <= len(text), span
        assert text[span.start : span.end] == span.text, span
        assert span.start >= previous_end, (span, spans)
        previous_end = span.end
    return spans


def found(recognizer: Recognizer, text: str) -> list[str]:
    """Span texts in order, with offsets checked."""
    return [s.text for s in _checked(text, recognizer.find(text))]


def small(*names: str, demonyms: tuple[str, ...] = (), **options) -> Recognizer:
    """A recogniser that knows only ``names`` (and the demonyms given)."""
    keys = {name_key(n) for n in names} | {name_key(d) for d in demonyms}
    return Recognizer(keys, {name_key(d) for d in demonyms}, **options)


# ----------------------------------------------------------------------------- real lexicons

# (sentence, every span the recogniser must return, in order)
REAL_CASES = [
    # longest match and multi-word curated names
    ("Officials in New York City said the subway would reopen.", ["New York City"]),
    ("Fighting resumed in Nagorno-Karabakh overnight.", ["Nagorno-Karabakh"]),
    ("Aid trucks waited at the border of the Gaza Strip.", ["Gaza Strip"]),
    ("Tankers slowed in the Strait of Hormuz after the seizure.", ["Strait of Hormuz"]),
    ("Ebola spread from Guinea to Liberia and Sierra Leone.", ["Guinea", "Liberia", "Sierra Leone"]),
    # possessives, including a straight double quote typed for the apostrophe
    ("The mayor praised Moscow's new metro line.", ["Moscow"]),
    ('The mayor praised Moscow"s new metro line.', ["Moscow"]),
    ("The mayor praised Moscow’s new metro line.", ["Moscow"]),
    # a possessive or a lower-case particle inside a name
    ("The People's Republic of China protested.", ["People's Republic of China"]),
    ("Crowds filled St. Peter's Square at noon.", ["St. Peter's Square"]),
    ("The ferry left Dar es Salaam at dawn.", ["Dar es Salaam"]),
    ("Storms hit Møre og Romsdal overnight.", ["Møre og Romsdal"]),
    # people are not places
    ("Vladimir Putin spoke by phone with his advisers.", []),
    ("President Putin said the talks would continue.", []),
    ("George W. Bush visited Paris last spring.", ["Paris"]),
    ("Vladimir Putin met reporters in Sochi. Later Putin said nothing new.", ["Sochi"]),
    ("George Washington crossed the river. Washington later became president.", []),
    # organisations, media and streets named after places
    ("The New York Times reported the deal first.", []),
    ("The Washington Post and the Los Angeles Times ran the story.", []),
    ("Traffic was heavy on Dublin Road after the crash.", []),
    ("Kansas City Chiefs fans filled the stadium in Kansas City.", ["Kansas City"]),
    # months, weekdays, function words
    ("Prices rose in March and fell again on Sunday in Lisbon.", ["Lisbon"]),
    ("In the morning the ferry left Dover.", ["Dover"]),
    # acronyms: organisations no, countries and unions yes
    ("Officials from NATO and CNN reporters arrived in Brussels.", ["Brussels"]),
    ("The US and the UK signed a pact with the EU.", ["US", "UK", "EU"]),
    ("The U.S. embassy issued a warning.", ["U.S."]),
    # an abbreviated state after a comma
    ("He was born in Alexandria, Va. in 1950.", ["Alexandria", "Va"]),
    # a name inside an event name
    ("During the Second Karabakh War many villages emptied.", ["Karabakh"]),
    # diseases and pathogens named after places
    ("Doctors tracked the Marburg virus in Uganda.", ["Uganda"]),
    ("New cases of West Nile virus were reported in Arizona.", ["Arizona"]),
    ("The Zika virus reached Brazil.", ["Brazil"]),
    ("Lassa fever cases rose in Nigeria.", ["Nigeria"]),
    # a sentence-initial word written in lower case elsewhere is no name
    ("Sales rose in Ohio. Retail sales fell in Iowa.", ["Ohio", "Iowa"]),
]


@pytest.mark.parametrize(("text", "expected"), REAL_CASES)
def test_real_recognizer(geoparser, text, expected):
    assert found(geoparser.recognizer, text) == expected


# A place name that opens a university's name is part of the organisation, as in
# "The New York Times"; the organisation filter looks only at the word right after
# the name, and "State" is not an organisation word.
UNIVERSITY_CASES = [
    ("She studied at Louisiana State University before moving to Ohio.", ["Ohio"]),
    ("Students at Moscow State University protested in Tbilisi.", ["Tbilisi"]),
]


@pytest.mark.parametrize(("text", "expected"), UNIVERSITY_CASES)
def test_place_opening_a_state_university_is_no_mention(geoparser, text, expected):
    assert found(geoparser.recognizer, text) == expected


def test_sentence_initial_common_word_is_flagged(geoparser):
    # Alone, "Sales" may be a town: the recogniser keeps it but marks why it is doubtful.
    text = "Sales rose in Tbilisi."
    spans = _checked(text, geoparser.recognizer.find(text))
    sales = [s for s in spans if s.text == "Sales"]
    assert sales and sales[0].sentence_initial and sales[0].common
    tbilisi = [s for s in spans if s.text == "Tbilisi"]
    assert tbilisi and not tbilisi[0].sentence_initial and not tbilisi[0].common


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Russian troops crossed the river.", "Russian"),
        ("Armenians gathered in the square.", "Armenians"),
        ("The French ambassador left Algiers.", "French"),
    ],
)
def test_real_demonyms(geoparser, text, word):
    spans = _checked(text, geoparser.recognizer.find(text))
    hits = [s for s in spans if s.text == word]
    assert len(hits) == 1
    assert hits[0].demonym
    assert hits[0].key in geoparser.recognizer.demonym_keys


def test_place_names_are_not_demonyms(geoparser):
    spans = geoparser.recognizer.find("Troops left Russia for Armenia.")
    assert [(s.text, s.demonym) for s in spans] == [("Russia", False), ("Armenia", False)]


# ----------------------------------------------------------------------------- one rule at a time


@pytest.mark.parametrize(
    ("names", "text", "expected"),
    [
        # longest match first
        (("New York", "New York City"), "Flights to New York City resumed.", ["New York City"]),
        (("New York",), "Flights to New York City resumed.", ["New York"]),
        (("York", "New York"), "Flights to New York resumed.", ["New York"]),
        # lower-case connectors inside a name, but a name ends on a capital
        (("Strait of Hormuz", "Hormuz"), "Ships crossed the Strait of Hormuz today.", ["Strait of Hormuz"]),
        (("Hormuz",), "Ships crossed the Strait of Hormuz today.", ["Hormuz"]),
        (
            ("Bosnia and Herzegovina", "Bosnia"),
            "Elections in Bosnia and Herzegovina were calm.",
            ["Bosnia and Herzegovina"],
        ),
        (("Bosnia",), "Elections in Bosnia and the region were calm.", ["Bosnia"]),
        # a hyphenated name is one token, matched by its key
        (("Nagorno-Karabakh",), "Shelling in Nagorno-Karabakh stopped.", ["Nagorno-Karabakh"]),
        (("Nagorno Karabakh",), "Shelling in Nagorno-Karabakh stopped.", ["Nagorno-Karabakh"]),
        # two names side by side across a line break are two names
        (("Lyon", "Marseille"), "Trains from Lyon\nMarseille were late.", ["Lyon", "Marseille"]),
        # abbreviated "St.", "Mt.", "Ft." and the spelled-out forms are one name
        (("St. Louis",), "Flights to St. Louis resumed.", ["St. Louis"]),
        (("Saint Louis",), "Flights to St Louis resumed.", ["St Louis"]),
        (("St. Louis",), "Flights to Saint Louis resumed.", ["Saint Louis"]),
        (("Fort Worth",), "Storms hit Ft. Worth today.", ["Ft. Worth"]),
        # a sentence ends after a name: the next sentence's capital is no part of it
        (("Louis",), "They met Louis. Then they left.", ["Louis"]),
        # possessives
        (("Kyiv",), "Kyiv's mayor spoke. The mayor of Kyiv agreed.", ["Kyiv", "Kyiv"]),
        # a name is a whole word, never part of one
        (("Iran",), "Iranian and Iranic scholars met.", []),
        # a lower-case word is no name
        (("Reading",), "The reading room in Reading closed.", ["Reading"]),
    ],
)
def test_small_keys(names, text, expected):
    assert found(small(*names), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vladimir Putin flew to Minsk.", ["Minsk"]),
        ("Minsk welcomed Vladimir Putin. Putin stayed a day.", ["Minsk"]),
        ("President Putin said Minsk was calm.", ["Minsk"]),
        ("Putin is a village near Minsk.", ["Putin", "Minsk"]),  # no given name or title before it
        ("George W. Bush visited Minsk.", ["Minsk"]),
        ("George W. Bush visited Minsk. Bush left on Friday.", ["Minsk"]),
        # an abbreviated title with its period, and every word of a name after the given name
        ("Ms. Putin told the court in Minsk.", ["Minsk"]),
        ("George Bush Putin died. Putin had worked in Minsk.", ["Minsk"]),
        # a sentence ending in a title word is no title before the next sentence
        ("He met the president. Minsk was calm.", ["Minsk"]),
    ],
)
def test_person_names(text, expected):
    # "Putin" and "Bush" are made place names here, so only the person rules can reject them.
    assert found(small("Putin", "Bush", "Minsk", "George"), text) == expected


def test_a_place_word_the_document_uses_for_a_disease_needs_evidence():
    rec = small("Marburg", "Uganda")
    spans = rec.find("Marburg haemorrhagic fever is rare. Because Marburg kills slowly, Uganda is calm.")
    assert [(s.text, s.common) for s in spans] == [("Marburg", True), ("Uganda", False)]
    assert found(small("Simian", "Uganda"), "The Simian immunodeficiency virus spread in Uganda.") == ["Uganda"]
    # only disease words may sit between the name and the pathogen word
    assert found(small("Africa"), "We worry about Africa because the virus is widespread.") == ["Africa"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shops on Dublin Road reopened.", []),
        ("Shops in Dublin reopened.", ["Dublin"]),
        ("The Dublin Times reported it.", []),
        ("Dublin University students marched.", []),
    ],
)
def test_organisation_and_street_words(text, expected):
    assert found(small("Dublin"), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials in Alexandria, Va. said so.", ["Alexandria", "Va"]),
        ("Officials in Alexandria, VA said so.", ["Alexandria", "VA"]),
        # without its period (or capitals) the abbreviation is the ordinary word
        ("Officials in Alexandria, Va said so.", ["Alexandria"]),
        ("In the morning Alexandria was quiet.", ["Alexandria"]),
        ("Winds in Moscow, ID knocked out power.", ["Moscow", "ID"]),
        ("The ID card was lost in Moscow.", ["Moscow"]),
    ],
)
def test_abbreviations(text, expected):
    rec = small("Alexandria", "Moscow", "Va", "VA", "In", "ID", abbreviation_keys={"va", "in", "id"})
    assert found(rec, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NATO met in Oslo.", ["Oslo"]),
        ("CNN reported from Oslo.", ["Oslo"]),
        ("The US and the EU met in Oslo.", ["US", "EU", "Oslo"]),
        ("The U.S. and the U.K. met in Oslo.", ["U.S.", "U.K.", "Oslo"]),
    ],
)
def test_acronyms(text, expected):
    # Every acronym here is a gazetteer key; only the acronym rule tells them apart.
    assert found(small("NATO", "CNN", "US", "EU", "U.S.", "U.K.", "Oslo"), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Snow fell in March across Oslo.", ["Oslo"]),
        ("On Sunday Oslo was quiet.", ["Oslo"]),
        ("Marburg virus cases rose in Oslo.", ["Oslo"]),
        ("Lassa fever and Marburg disease spread.", []),
        ("The team flew from Marburg to Lassa.", ["Marburg", "Lassa"]),
    ],
)
def test_months_weekdays_and_pathogens(text, expected):
    assert found(small("March", "Sunday", "Oslo", "Marburg", "Lassa"), text) == expected


def test_event_name_keeps_its_place():
    assert found(small("Karabakh"), "Veterans of the Second Karabakh War gathered.") == ["Karabakh"]


def test_sentence_initial_word_lowercase_elsewhere_is_dropped():
    rec = small("Bath", "Leeds")
    assert found(rec, "Bath water was cold in Leeds. A hot bath helped.") == ["Leeds"]
    assert found(rec, "Bath was cold. Leeds was colder.") == ["Bath", "Leeds"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian troops crossed into Georgia.", [("Russian", "russian", True), ("Georgia", "georgia", False)]),
        ("Armenians marched in Yerevan.", [("Armenians", "armenian", True), ("Yerevan", "yerevan", False)]),
    ],
)
def test_demonyms_small(text, expected):
    rec = small("Georgia", "Yerevan", demonyms=("Russian", "Armenian"))
    assert [(s.text, s.key, s.demonym) for s in _checked(text, rec.find(text))] == expected


def test_plural_demonym_needs_demonyms_on():
    text = "Armenians marched in Yerevan."
    assert found(Recognizer({"yerevan", "armenian"}, {"armenian"}, demonyms=True), text) == ["Armenians", "Yerevan"]
    assert found(Recognizer({"yerevan", "armenian"}, {"armenian"}, demonyms=False), text) == ["Yerevan"]


def test_ignored_keys_are_never_found():
    rec = small("Moscow", "Kyiv", ignored={"moscow"})
    assert found(rec, "Talks in Moscow and Kyiv ended.") == ["Kyiv"]


def test_pinned_keys_are_found_even_when_unknown_or_filtered():
    rec = Recognizer({"kyiv"}, set(), pinned={"camp bastion", "nato"})
    assert found(rec, "Troops left Camp Bastion for Kyiv.") == ["Camp Bastion", "Kyiv"]
    # A pin overrides the acronym rule: the user says NATO is a place.
    assert found(rec, "NATO was quiet.") == ["NATO"]


def test_empty_and_wordless_text():
    rec = small("Oslo")
    assert rec.find("") == []
    assert rec.find("  123 -- 456 ... !!! ") == []


def test_offsets_with_leading_markup_and_unicode():
    text = "«Überraschung» — talks in Zürich, then São Paulo."
    spans = _checked(text, small("Zürich", "São Paulo").find(text))
    assert [s.text for s in spans] == ["Zürich", "São Paulo"]
    assert [s.key for s in spans] == ["zurich", "sao paulo"]


def test_tokenize_keeps_dotted_acronyms_and_hyphenated_names_whole():
    words = [t.text for t in tokenize("The U.S. sent aid to Nagorno-Karabakh's O'Hare-bound crews.")]
    assert "U.S." in words
    assert "Nagorno-Karabakh" in words
    assert "O'Hare-bound" in words
