"""The role classifier on its own: cues read around a mention, coordination, cue lists, bad input."""

from __future__ import annotations

import dataclasses
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.model import Place
from geo.parsing.roles import ROLES, Role, RoleClassifier, RoleInput, parse_roles, role_cues

COUNTRY = Place("c", "Country", "A", "PCLI", "XX", "", 1_000_000, 0.0, 0.0)
CAPITAL = Place("k", "Capital", "P", "PPLC", "XX", "", 500_000, 0.0, 0.0)
TOWN = Place("t", "Town", "P", "PPL", "XX", "", 20_000, 0.0, 0.0)
SEAT = Place("s", "Seat", "S", "BLDG", "XX", "", 0, 0.0, 0.0)

# (sentence, the words of the mention, its kind, its place, expected role, expected cue or "" for any)
CASES = [
    # verbs the name is the subject of
    ("Ottawa announced new tariffs on steel.", "Ottawa", "toponym", CAPITAL, "actor", "subject of 'announced'"),
    ("Peru has repeatedly denied the report.", "Peru", "toponym", COUNTRY, "actor", "subject of 'denied'"),
    ("Nairobi is ready to mediate.", "Nairobi", "toponym", CAPITAL, "actor", "subject of 'ready'"),
    ("Chile was accused of dumping copper.", "Chile", "toponym", COUNTRY, "actor", "subject of passive 'accused'"),
    ("Mariupol was shelled for a week.", "Mariupol", "toponym", TOWN, "place", "subject of passive 'shelled'"),
    ("Leyte, hit by the typhoon, lost power.", "Leyte", "toponym", TOWN, "place", ""),
    ("Cordoba hosted the final in June.", "Cordoba", "toponym", TOWN, "place", "subject of 'hosted'"),
    (
        "Bolivia dropped its objection on Friday.",
        "Bolivia",
        "toponym",
        COUNTRY,
        "actor",
        "country as subject of 'dropped'",
    ),
    ("Ghana beat Mali 2-0 in the semi-final.", "Ghana", "toponym", COUNTRY, "actor", "subject of 'beat'"),
    # objects of verbs
    ("The minister urged Hanoi to release the activists.", "Hanoi", "toponym", CAPITAL, "actor", "object of 'urged'"),
    ("Ghana beat Mali 2-0 in the semi-final.", "Mali", "toponym", COUNTRY, "actor", "object of 'beat'"),
    ("The pope visited Manila last winter.", "Manila", "toponym", CAPITAL, "place", "object of 'visited'"),
    # prepositions
    ("Talks resumed in Oslo on Monday.", "Oslo", "toponym", CAPITAL, "place", "after 'in'"),
    ("Fighting raged in northern Mali overnight.", "Mali", "toponym", COUNTRY, "place", "after 'in'"),
    ("Refugees arrived from Aleppo by bus.", "Aleppo", "toponym", TOWN, "place", "after 'from'"),
    ("Sanctions against Minsk were extended.", "Minsk", "toponym", CAPITAL, "actor", "after 'sanctions against'"),
    ("The road between Lyon and Turin was closed.", "Lyon", "toponym", TOWN, "place", "after 'between'"),
    ("Relations with Caracas have soured.", "Caracas", "toponym", CAPITAL, "actor", "after 'relations with'"),
    ("The plan was rejected by Quito within hours.", "Quito", "toponym", CAPITAL, "actor", "agent after 'by'"),
    (
        "According to Tehran, the tanker was seized lawfully.",
        "Tehran",
        "toponym",
        CAPITAL,
        "actor",
        "after 'according to'",
    ),
    ("Thousands of residents of Mosul returned.", "Mosul", "toponym", TOWN, "place", "after 'residents of'"),
    ("The government of Chad closed the border.", "Chad", "toponym", COUNTRY, "actor", "after 'government of'"),
    # possessives and modifiers
    ("Bolivia's finance minister resigned.", "Bolivia", "toponym", COUNTRY, "actor", "possessive"),
    ("Canada's north is warming fast.", "Canada", "toponym", COUNTRY, "place", "possessive before 'north'"),
    ("Ottawa officials declined to comment.", "Ottawa", "toponym", CAPITAL, "affiliation", "modifier of 'officials'"),
    ("The Lyon police closed the square.", "Lyon", "toponym", TOWN, "place", "modifier of 'police'"),
    ("Osaka residents queued for water.", "Osaka", "toponym", TOWN, "place", "modifier of 'residents'"),
    ("Oslo plans to raise the fuel tax.", "Oslo", "toponym", CAPITAL, "actor", "subject of 'plans'"),
    (
        "Peru President Ana Ruiz arrived late.",
        "Peru",
        "toponym",
        COUNTRY,
        "affiliation",
        "before the title 'President'",
    ),
    # demonyms
    ("The Peruvian side rejected the offer.", "Peruvian", "demonym", COUNTRY, "affiliation", "demonym before 'side'"),
    ("Kenyan troops left the base.", "Kenyan", "demonym", COUNTRY, "affiliation", "demonym before 'troops'"),
    ("Shells fell on a Peruvian village at dawn.", "Peruvian", "demonym", COUNTRY, "place", "demonym before 'village'"),
    ("We must talk to the Peruvians first.", "Peruvians", "demonym", COUNTRY, "actor", "demonym as a noun"),
    # names, apposition, kind
    ("Veterans remembered the Battle of Verdun.", "Verdun", "toponym", TOWN, "name", "in a name ('Battle of')"),
    ("The Suez Crisis ended his career.", "Suez", "toponym", TOWN, "name", "in a name ('Crisis')"),
    ("We drove on to Tartu, a university town.", "Tartu", "toponym", TOWN, "place", ""),
    ("Nobody trusts the Seat.", "Seat", "toponym", SEAT, "actor", "seat of power"),
    ("Crowds gathered outside the Seat at noon.", "Seat", "toponym", SEAT, "place", "after 'outside'"),
    ("Nothing much happens in Tartu.", "Tartu", "toponym", TOWN, "place", "after 'in'"),
    ("Tartu is quiet.", "Tartu", "toponym", TOWN, "place", "default"),
    # names that locate, names of bodies, and what a name modifies inside a prepositional phrase
    ("Pupils at Tartu High School sat exams.", "Tartu", "toponym", TOWN, "place", "in a name that locates ('School')"),
    (
        "Students of the University of Tartu marched.",
        "Tartu",
        "toponym",
        TOWN,
        "place",
        "in a name that locates ('University of')",
    ),
    ("The Tartu Forest Service closed the trail.", "Tartu", "toponym", TOWN, "name", "in a name ('Service')"),
    ("The mayor joined United Tartu last year.", "Tartu", "toponym", TOWN, "name", "in a name ('United')"),
    ("The Chilean Navy sent two ships.", "Chilean", "demonym", COUNTRY, "affiliation", "demonym in a name ('Navy')"),
    ("It was first reported by Tartu residents.", "Tartu", "toponym", TOWN, "place", "modifier of 'residents'"),
    ("Tartu's bus station reopened.", "Tartu", "toponym", TOWN, "place", "possessive before 'station'"),
    ("Tartu's unemployment rate rose.", "Tartu", "toponym", TOWN, "place", "possessive of a town"),
    ("Peru has set a deadline.", "Peru", "toponym", COUNTRY, "actor", "country as subject of 'set'"),
    ("Cairo understands the risk.", "Cairo", "toponym", CAPITAL, "actor", "capital as subject of 'understands'"),
    ("Tartu understands the risk.", "Tartu", "toponym", TOWN, "place", "default"),
    ("Peru has had annual floods.", "Peru", "toponym", COUNTRY, "place", "default"),
    ("Peru will have sufficient doses.", "Peru", "toponym", COUNTRY, "place", "default"),
]


def _mention(text: str, words: str, kind: str, place: Place, occurrence: int = 0) -> RoleInput:
    starts = [m.start() for m in re.finditer(re.escape(words), text)]
    start = starts[occurrence]
    return RoleInput(start, start + len(words), kind, place)


@pytest.fixture(scope="module")
def classify() -> RoleClassifier:
    return RoleClassifier()


@pytest.mark.parametrize(("text", "words", "kind", "place", "role", "cue"), CASES)
def test_role_and_cue(classify, text, words, kind, place, role, cue):
    # The mention's own occurrence: the second "Mali" in "Ghana beat Mali" is the only one.
    got = classify(text, [_mention(text, words, kind, place)])
    assert got[0].role == role, (text, words, got)
    if cue:
        assert got[0].cue == cue, (text, words, got)


def test_coordinated_names_share_the_cue_on_their_left(classify):
    text = "Aid reached Goma, Bukavu and Uvira on Sunday."
    mentions = [_mention(text, w, "toponym", TOWN) for w in ("Goma", "Bukavu", "Uvira")]
    roles = classify(text, mentions)
    assert [r.role for r in roles] == ["place", "place", "place"]
    assert (
        roles[0].cue == "object of 'reached'" or roles[0].cue.startswith("after") or roles[0].cue.startswith("object")
    )
    assert roles[2].cue.startswith("coordinated: ")


def test_coordinated_subjects_share_the_verb(classify):
    text = "Lima and Quito agreed to reopen the crossing."
    roles = classify(text, [_mention(text, "Lima", "toponym", CAPITAL), _mention(text, "Quito", "toponym", CAPITAL)])
    assert roles == [Role("actor", "coordinated: subject of 'agreed'"), Role("actor", "subject of 'agreed'")]


def test_parties_between_two_names(classify):
    text = "Contacts between Seoul and Tokyo have improved."
    roles = classify(text, [_mention(text, "Seoul", "toponym", CAPITAL), _mention(text, "Tokyo", "toponym", CAPITAL)])
    assert [r.role for r in roles] == ["actor", "actor"]


def test_own_cue_beats_a_coordinated_one(classify):
    text = "Shells hit Kramatorsk and Kyiv protested at once."
    roles = classify(text, [_mention(text, "Kramatorsk", "toponym", TOWN), _mention(text, "Kyiv", "toponym", CAPITAL)])
    assert roles[0].role == "place"
    assert roles[1] == Role("actor", "subject of 'protested'")


def test_a_region_after_a_comma_holds_the_place_before_it(classify):
    region = Place("r", "Region", "A", "ADM1", "XX", "", 0, 0.0, 0.0)
    text = "Cattle at a farm in Tartu, Estonia have tested positive."
    roles = classify(text, [_mention(text, "Tartu", "toponym", TOWN), _mention(text, "Estonia", "toponym", region)])
    assert roles == [Role("place", "after 'in'"), Role("place", "coordinated: after 'in'")]
    # A demonym after the comma is no holder: it opens its own phrase.
    text = "Shells fell near Tartu, Estonian media said."
    roles = classify(text, [_mention(text, "Tartu", "toponym", TOWN), _mention(text, "Estonian", "demonym", COUNTRY)])
    assert roles[1] == Role("affiliation", "demonym before 'media'")


def test_window_stops_at_the_sentence(classify):
    # "in" belongs to the sentence before; the mention opens its own clause.
    text = "They met in. Oslo announced a deal."
    assert classify(text, [_mention(text, "Oslo", "toponym", CAPITAL)])[0] == Role("actor", "subject of 'announced'")


def test_mention_objects_work_as_input(classify, geoparser):
    text = "Protesters marched through central Bogota before Quito warned Caracas."
    mentions = geoparser.parse_text(text)
    assert [m.text for m in mentions] == ["Bogota", "Quito", "Caracas"]
    assert classify(text, mentions) == [Role(m.role, m.role_cue) for m in mentions]
    assert [m.role for m in mentions] == ["place", "actor", "actor"]


def test_no_mentions_no_roles(classify):
    assert classify("Nothing here.", []) == []


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=120), st.data())
def test_any_text_gets_a_known_role_and_a_cue(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    kind = data.draw(st.sampled_from(["toponym", "demonym"]))
    place = data.draw(st.sampled_from([COUNTRY, CAPITAL, TOWN, SEAT]))
    (role,) = RoleClassifier()(text, [RoleInput(start, end, kind, place)])
    assert role.role in ROLES and role.cue


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("place,actor", {"place", "actor"}),
        (" Place , name ", {"place", "name"}),
        (["affiliation"], {"affiliation"}),
        (None, None),
    ],
)
def test_parse_roles(value, expected):
    assert parse_roles(value) == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize("value", ["place,actors", "", " , ", ["where"]])
def test_parse_roles_names_the_bad_value_and_the_choices(value):
    with pytest.raises(InputError) as err:
        parse_roles(value)
    message = str(err.value)
    assert repr(value) in message and "place, actor, affiliation, name" in message


ROLE_FILES = sorted(
    p.name for p in resources.files("geo.parsing").joinpath("data").iterdir() if p.name.startswith("role_")
)


def test_every_cue_list_is_shipped_and_read():
    assert len(ROLE_FILES) == 13
    cues = role_cues()
    for field in dataclasses.fields(cues):  # not vars(): a compiled class keeps no __dict__
        assert getattr(cues, field.name), f"cue list {field.name} is empty"


@pytest.mark.parametrize("name", ROLE_FILES)
def test_cue_files_open_with_a_comment_and_hold_one_word_a_line(name):
    lines = resources.files("geo.parsing").joinpath("data").joinpath(name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), f"{name} must start with a comment saying what belongs in it"
    entries = [line.split("#", 1)[0].strip() for line in lines]
    entries = [e for e in entries if e]
    assert entries and all(" " not in e for e in entries)
    if name not in {"role_name_words.txt", "role_located_names.txt", "role_seat_codes.txt"}:
        assert all(e == e.lower() for e in entries), f"{name}: entries are lower case"
