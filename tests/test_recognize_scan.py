"""The recogniser's one-pass word scan and its on-demand sentence openings, against their definitions.

The recogniser looks at lower-case words and sentence openings only where a
capitalised word asks; these properties check that what it computes that way
is what a pass over every word would give, on arbitrary text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.parsing.recognize import _QUOTE_OPENERS, _OpeningTokens, _scan, tokenize

# Words of every kind the tokenizer meets, joined by the gaps that decide sentence openings.
words = st.sampled_from(
    [
        "Paris",
        "the",
        "U.S.",
        "Nagorno-Karabakh",
        "O'Hare",
        "said",
        "İstanbul",
        "über",
        "Émile",
        "NATO",
        "a",
        "of",
        "Dar",
        "es",
    ]
)
gaps = st.sampled_from([" ", "  ", ", ", ". ", ".\n", "\n\n", ": ", " - ", ' "', '. "', " (", "; ", "—"])
texts = st.lists(st.tuples(words, gaps), max_size=40).map(lambda parts: "".join(w + g for w, g in parts))


def opening_tokens_by_sweep(tokens, text: str, sentence_starts) -> set[int]:
    """The definition, one token after another: a token opens a sentence, a line, or a quote."""
    starts = sorted(set(sentence_starts) | {0})
    initial: set[int] = set()
    s = 0
    for idx, tok in enumerate(tokens):
        while s + 1 < len(starts) and starts[s + 1] <= tok.start:
            s += 1
        prev_end = tokens[idx - 1].end if idx else 0
        if idx == 0 or starts[s] > prev_end:
            initial.add(idx)
            continue
        gap = text[prev_end : tok.start]
        if (
            "\n" in gap
            or gap.strip(" \t") in {":", "-", "—", "–"}
            or (gap.strip() and gap.strip()[-1] in _QUOTE_OPENERS and "." in gap)
        ):
            initial.add(idx)
    return initial


@settings(max_examples=300, deadline=None)
@given(texts)
def test_one_pass_scan_gives_tokens_capitals_and_lowercase_keys(text: str) -> None:
    tokens, capitalised, lowercase = _scan(text)
    assert tokens == tokenize(text)
    assert capitalised == [i for i, t in enumerate(tokens) if t.capitalised]
    assert lowercase == {t.key for t in tokens if not t.capitalised}


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=400), max_size=8))
def test_sentence_openings_on_demand_match_the_sweep(text: str, sentence_starts: list[int]) -> None:
    tokens = tokenize(text)
    expected = opening_tokens_by_sweep(tokens, text, sentence_starts)
    opening = _OpeningTokens(tokens, text, sentence_starts)
    assert {i for i in range(len(tokens)) if i in opening} == expected
    assert -1 not in opening and len(tokens) not in opening
