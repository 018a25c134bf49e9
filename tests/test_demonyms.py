"""Demonyms and adjectives as news writes them: ``gazetteer/aliases_demonyms.csv``.

The file adds people nouns ("Frenchman", "Scots", "Kiwis"), adjectives ("Philippine",
"Nepali") and the adjectives of regions and cities ("South Ossetian", "Dagestani",
"Londoner") to existing entries. These tests hold the file to its format, check each
row against the real index (the id exists and lies in the row's section country) and
run invented news sentences through the geoparser, with counter-examples: words that
are also ordinary words or names must stay what they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.gazetteer.curated import read_aliases
from geo.gazetteer.names import name_key

GAZETTEER = Path(__file__).resolve().parent.parent / "gazetteer"
DEMONYMS = GAZETTEER / "aliases_demonyms.csv"


def _rows() -> list[tuple[str, dict[str, str]]]:
    """``(section country, row)`` for every row; a ``# CC`` line names the country of the rows below it."""
    section = ""
    lines: list[tuple[str, str]] = []
    with DEMONYMS.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            if line.startswith("# ") and len(line.strip()) == 4:
                section = line.strip()[2:]
            if not line.startswith("#"):
                lines.append((section, line))
    reader = csv.DictReader(line for _, line in lines)
    return [(section, row) for (section, _), row in zip(lines[1:], reader, strict=True)]


ROWS = _rows()


def test_rows_are_well_formed() -> None:
    assert len(ROWS) > 200
    for section, row in ROWS:
        assert set(row) == {"id", "name", "kind", "source"}, row
        assert section == "--" or (len(section) == 2 and section.isupper()), row
        assert row["kind"] == "demonym", row
        assert row["name"] == row["name"].strip() and row["name"][0].isupper(), row
        assert row["source"].startswith("English "), row


def test_the_index_loader_reads_every_row() -> None:
    assert len(read_aliases([DEMONYMS])) == len(ROWS)


def test_each_name_appears_once_and_not_in_aliases_csv() -> None:
    keys = [name_key(row["name"]) for _, row in ROWS]
    assert len(keys) == len(set(keys))
    elsewhere = {name_key(name) for _, name, _, _ in read_aliases([GAZETTEER / "aliases.csv"])}
    assert elsewhere and not set(keys) & elsewhere


def test_every_row_names_an_entry_of_its_section_country(full_gazetteer) -> None:
    for section, row in ROWS:
        place = full_gazetteer.get(row["id"])
        assert place is not None, row
        assert place.country == ("" if section == "--" else section), (row, place.country)
        # The name a demonym stands for is a country, a division, a region or a city, never a village.
        assert place.feature_class in {"A", "L", "P", "T"}, (row, place.feature_code)
        if place.feature_class == "P":
            assert place.population > 400_000, (row, place.population)


def test_every_row_resolves_to_its_entry(full_gazetteer) -> None:
    # The demonym reading of the name is the row's place (no other entry's demonym of that name ranks above it).
    for _, row in ROWS:
        demonyms = [c for c in full_gazetteer.candidates(name_key(row["name"])) if c.match == "demonym"]
        assert demonyms and demonyms[0].place.id == full_gazetteer.get(row["id"]).id, (row, demonyms[:2])


def _found(geoparser, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.place.name, m.kind) for m in geoparser.parse_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Nepali climber was rescued.", [("Nepali", "Nepal", "demonym")]),
        ("Two Nepalis and a Scot were rescued.", [("Nepalis", "Nepal", "demonym"), ("Scot", "Scotland", "demonym")]),
        (
            "A Frenchman and a Dutchman spoke.",
            [("Frenchman", "France", "demonym"), ("Dutchman", "The Netherlands", "demonym")],
        ),
        (
            "The Brits and the Kiwis drew.",
            [("Brits", "United Kingdom", "demonym"), ("Kiwis", "New Zealand", "demonym")],
        ),
        (
            "Philippine and Thai troops trained.",
            [("Philippine", "Philippines", "demonym"), ("Thai", "Thailand", "demonym")],
        ),
        (
            "A Filipina nurse and two Filipinos left.",
            [("Filipina", "Philippines", "demonym"), ("Filipinos", "Philippines", "demonym")],
        ),
        (
            "South Ossetian and Abkhaz leaders met Dagestani officials.",
            [
                ("South Ossetian", "South Ossetia", "demonym"),
                ("Abkhaz", "Abkhazia", "demonym"),
                ("Dagestani", "Dagestan", "demonym"),
            ],
        ),
        ("The South Ossetians voted.", [("South Ossetians", "South Ossetia", "demonym")]),
        (
            "Crimean Tatars and Chechen fighters left.",
            [("Crimean", "Crimea", "demonym"), ("Chechen", "Chechnya", "demonym")],
        ),
        ("Kashmiri and Tibetan exiles marched.", [("Kashmiri", "Kashmir", "demonym"), ("Tibetan", "Tibet", "demonym")]),
        ("Kurdish fighters held the town.", [("Kurdish", "Kurdistan", "demonym")]),
        (
            "Bavarian and Catalan voters went to the polls.",
            [("Bavarian", "Bavaria", "demonym"), ("Catalan", "Catalonia", "demonym")],
        ),
        ("Gazans queued for bread.", [("Gazans", "Gaza Strip", "demonym")]),
        (
            "Many Ontarians and Quebecers travel south.",
            [("Ontarians", "Ontario", "demonym"), ("Quebecers", "Quebec", "demonym")],
        ),
        (
            "A Londoner and two Muscovites met.",
            [("Londoner", "London", "demonym"), ("Muscovites", "Moscow", "demonym")],
        ),
        (
            "Emirati and Yemeni envoys met Saudi officials.",
            [
                ("Emirati", "United Arab Emirates", "demonym"),
                ("Yemeni", "Yemen", "demonym"),
                ("Saudi", "Saudi Arabia", "demonym"),
            ],
        ),
        ("The Argentine striker scored.", [("Argentine", "Argentina", "demonym")]),
        # a region's adjective, not the continent's
        (
            "Mali is a West African country; Latin American envoys met.",
            [
                ("Mali", "Mali", "toponym"),
                ("West African", "West Africa", "demonym"),
                ("Latin American", "Latin America", "demonym"),
            ],
        ),
        (
            "Southeast Asian ministers met Siberian officials.",
            [("Southeast Asian", "Southeast Asia", "demonym"), ("Siberian", "Siberia", "demonym")],
        ),
    ],
)
def test_news_demonyms_are_mentions_of_their_place(geoparser, text: str, expected: list) -> None:
    assert _found(geoparser, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # multi-word demonyms win over their last word: Papua New Guinea, not Guinea
        ("Papua New Guinean officials met Guinean ones.", [("Papua New Guinean", "PG"), ("Guinean", "GN")]),
        # 'Georgian' stays the country; the US state is named, not an adjective
        ("Georgian wine sold well.", [("Georgian", "GE")]),
        ("Peaches from Macon, Georgia sold well.", [("Macon", "US"), ("Georgia", "US")]),
        ("Jordanian troops crossed into Iraq.", [("Jordanian", "JO"), ("Iraq", "IQ")]),
        # a given name before a surname is a person, whatever country it also names
        ("Chad Johnson said he would stay.", []),
        # the language is no mention of England; the people nouns are
        ("She speaks English and French.", [("French", "FR")]),
        ("An Englishman abroad.", [("Englishman", "GB")]),
        # 'polish' the verb, in lower case elsewhere in the text, is no mention at the start of a sentence
        ("Polish the silver. Then polish the brass.", []),
        ("Polish workers struck in Gdansk.", [("Polish", "PL"), ("Gdansk", "PL")]),
        # 'Scot' and 'Brit' are also given names: before a surname, a person
        ("Scot Peterson said he stayed.", []),
        ("Brit Hume said he stayed.", []),
        ("A Scot said he stayed.", [("Scot", "GB")]),
    ],
)
def test_words_that_are_also_something_else(geoparser, text: str, expected: list) -> None:
    assert [(m.text, m.place.country) for m in geoparser.parse_text(text)] == expected
