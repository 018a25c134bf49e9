"""Language names that are also small places or districts are not places ("spoke French and Farsi").

Table-driven, invented sentences. Counter-examples: a language that is also a people's name in the
demonym tables keeps its demonym reading, and longer names that hold a language's name stay places.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def _found(geoparser, text: str) -> dict[str, str]:
    return {m.text: m.place.name for m in geoparser.parse_text(text)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("She spoke French and Farsi with the delegates.", "Farsi"),
        ("The leaflets were printed in Dari and Pashto.", "Dari"),
        ("He learned Hausa and Igbo at school in Kano.", "Igbo"),
        ("Guarani is spoken across Paraguay.", "Guarani"),
        ("The broadcast went out in Urdu and Hindi.", "Hindi"),
    ],
)
def test_a_language_name_is_not_a_place(geoparser, text: str, language: str) -> None:
    found = _found(geoparser, text)
    assert language not in found, found


@pytest.mark.parametrize(
    ("text", "word", "place"),
    [
        ("Guarani is spoken across Paraguay.", "Paraguay", "Paraguay"),
        ("He learned Hausa and Igbo at school in Kano.", "Kano", "Kano"),
        ("She spoke French and Farsi with the delegates.", "French", "France"),
        ("Kurdish fighters held the town.", "Kurdish", "Kurdistan"),
    ],
)
def test_the_other_names_of_such_sentences_stay(geoparser, text: str, word: str, place: str) -> None:
    assert _found(geoparser, text).get(word) == place
