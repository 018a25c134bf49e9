"""The recogniser's word lists (:class:`Words`, one regex split) against their definition, a scan match by match.

Offsets, gaps, keys and capital flags are derived at C level from ``re.split``
and running sums of lengths; these properties check they are what a scan of the
token pattern with a name key per word gives, on arbitrary text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.gazetteer.names import name_key
from geo.parsing.recognize import _TOKEN, Recognizer, Token, Words

pieces = st.sampled_from(
    [
        *(
            "Paris",
            "the",
            "U.S.",
            "St.",
            "Nagorno-Karabakh",
            "O'Hare",
            "Moscow's",
            "İstanbul",
            "über",
            "NATO",
            "x1y",
            "é",
        ),
        *("ΟΔΟΣ", "Ελλάς", "O'Hare-Smith", "ǅemal", "ﬁne", "straße", "ŁÓDŹ"),  # keys of several letters or cases
    ]
)
gaps = st.sampled_from(["", " ", "  ", ", ", ". ", "\n\n", "-", "'", "’", "\u00a0", "3", "_", "🙂", "\u0301"])
texts = st.one_of(
    st.text(max_size=200), st.lists(st.tuples(gaps, pieces), max_size=30).map(lambda p: "".join(a + b for a, b in p))
)


def tokens_by_scan(text: str) -> list[Token]:
    """The definition: every match of the token pattern, its key, capitalised if its first letter is."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        capital = word[0].isupper()
        out.append(
            Token(
                m.start(),
                m.end(),
                word,
                name_key(word),
                capital,
                capital and len(word) > 1 and word.replace(".", "").isupper(),
            )
        )
    return out


@settings(max_examples=400, deadline=None)
@given(texts)
def test_words_are_the_tokens_of_a_scan(text: str) -> None:
    words = Words(text)
    expected = tokens_by_scan(text)
    assert list(words) == expected
    assert len(words) == len(expected)
    assert words.capitalised == [k for k, t in enumerate(expected) if t.capitalised]
    assert words.lowercase_keys == {t.key for t in expected if not t.capitalised}


@settings(max_examples=400, deadline=None)
@given(texts)
def test_gaps_are_the_text_between_words(text: str) -> None:
    words = Words(text)
    bounds = [0, *(b for k in range(len(words)) for b in (words.starts[k], words.ends[k])), len(text)]
    assert words.gaps == [text[bounds[2 * k] : bounds[2 * k + 1]] for k in range(len(words) + 1)]
    assert "".join(g + w for g, w in zip(words.gaps[:-1], words.words, strict=True)) + words.gaps[-1] == text


def test_words_index_like_a_list_of_tokens() -> None:
    words = Words("Rain in St. Louis.")
    assert words[-1] == Token(12, 17, "Louis", "louis", True, False)
    assert words[1:3] == [Token(5, 7, "in", "in", False, False), Token(8, 10, "St", "st", True, False)]
    assert [t.text for t in words] == ["Rain", "in", "St", "Louis"]


def test_an_empty_or_wordless_text_has_no_words_and_no_spans() -> None:
    for text in ("", "  ", "1984 - 2020", "🙂"):
        words = Words(text)
        assert len(words) == 0 and words.gaps == [text] and words.capitalised == []
        assert Recognizer({"paris"}, set()).find(text) == []
