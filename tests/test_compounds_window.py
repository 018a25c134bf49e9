"""The window the compounds step reads (geo.parsing.compounds._Window): a compound's parts as words of their own.

The recogniser's filters index a window exactly as they index an article's ``Words``;
the window must hold what ``Words`` would hold for the same text with the compound's
hyphens read as gaps.
"""

from __future__ import annotations

import pytest

from geo.parsing.compounds import _PART, _Window
from geo.parsing.recognize import Words

TEXTS = [
    "Talks on the Texas-Mexico border resumed.",
    "The New York-based firm, run by Ms. O'Hare-Smith, said so.",
    "US-Philippine drills",
    "Pro-Russian crowds met in Baden-Württemberg yesterday, officials said.",
    "A Sierra Leone-based group. Zürich-Genève trains ran late.",
]


def _compounds(words: Words) -> list[int]:
    return [k for k, word in enumerate(words.words) if "-" in word]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("context", [0, 1, 5])
def test_a_window_is_the_words_of_the_text_with_the_hyphens_as_gaps(text: str, context: int) -> None:
    words = Words(text)
    assert _compounds(words)
    for h in _compounds(words):
        start, end = words.starts[h], words.ends[h]
        spaced = Words(text[:start] + text[start:end].replace("-", " ") + text[end:])  # same offsets
        lo, hi = max(0, h - context), min(len(words), h + 1 + context)
        parts = [m.span() for m in _PART.finditer(text, start, end)]
        window = _Window(words, lo, h, hi, parts)
        first = spaced.starts.index(words.starts[lo])
        last = spaced.ends.index(words.ends[hi - 1]) + 1
        assert window.words == spaced.words[first:last]
        assert window.starts == spaced.starts[first:last]
        assert window.ends == spaced.ends[first:last]
        assert window.keys == spaced.keys[first:last]
        assert window.capital == spaced.capital[first:last]
        # Between words, the article's own text (a hyphen inside the compound); around the window, the article's gaps.
        inner = [text[spaced.ends[k - 1] : spaced.starts[k]] for k in range(first + 1, last)]
        assert window.gaps[1:-1] == inner
        assert sum(gap in ("-", "‐", "‑") for gap in inner) == len(parts) - 1
        assert window.gaps[0] == words.gaps[lo] and window.gaps[-1] == words.gaps[hi]
        assert len(window.gaps) == len(window) + 1
        assert window.lowercase_keys == words.lowercase_keys
        # Each word but a later part is the article's word at the same start; the first part starts the compound.
        for k in range(len(window)):
            word = window.article_word(k)
            if word is None:
                assert window.first_part < k < window.after_parts
            else:
                assert words.starts[word] == window.starts[k]
        # Tokens by index, as the filters read them: the part words are the article's text at their offsets.
        assert all(text[t.start : t.end] == t.text for t in window)
