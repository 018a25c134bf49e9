"""Property tests for recognition and the whole pipeline: odd input never breaks them.

Whatever the text (any Unicode, markup, one enormous line, real place names
buried in noise), the recogniser returns sorted, non-overlapping spans that
slice back to their text, and the geoparser returns mentions whose offsets,
sentences, scores and date sources are well formed.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.gazetteer.names import name_key
from geo.parsing.recognize import Recognizer, Span

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIPELINE_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PLACES = [
    "Moscow",
    "Paris",
    "New York City",
    "Nagorno-Karabakh",
    "Strait of Hormuz",
    "Georgia",
    "Alexandria",
    "São Paulo",
    "Zürich",
    "Kyiv",
    "Türkiye",
    "Sulphur Springs",
    "U.S.",
    "UK",
    "Russian",
    "Armenians",
]
NOISE = [
    "the",
    "and",
    "Vladimir",
    "Putin",
    "President",
    "said",
    "Times",
    "Road",
    "virus",
    "March",
    "Sunday",
    "NATO",
    "In",
    "Va.",
    "W.",
    "'s",
    '"s',
    "2020",
    "October 8, 2020",
    "—",
    "«",
    "»",
    "<b>",
    "</b>",
    "<script>var x = 'Paris';</script>",
    "&amp;",
    "\u200b",
    "\u0301",
    "🙂",
    "İ",
]
SEPARATORS = [" ", "  ", ", ", ". ", "\n", "\n\n", "-", "'", "\t", ": ", "\u00a0", ""]

PIECES = st.lists(
    st.tuples(st.sampled_from(PLACES + NOISE), st.sampled_from(SEPARATORS)),
    max_size=25,
).map(lambda parts: "".join(word + sep for word, sep in parts))
MARKUP = st.lists(
    st.one_of(
        st.sampled_from(
            ["<p>", "</p>", "<div class='x'>", "<script>", "</script>", "<!-- Moscow -->", "<a href='/Paris'>"]
        ),
        st.sampled_from(PLACES),
        st.text(max_size=12),
    ),
    max_size=20,
).map("".join)
TEXTS = st.one_of(st.text(max_size=300), PIECES, MARKUP)


def check_spans(text: str, spans: list[Span]) -> None:
    previous_end = 0
    for span in spans:
        assert isinstance(span, Span)
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= previous_end, spans
        assert text[span.start : span.end] == span.text
        assert span.key and span.key == span.key.strip()
        previous_end = span.end


def check_mentions(text: str, mentions: list, published: dt.date | None) -> None:
    previous = -1
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= previous
        previous = m.end
        assert 0.0 <= m.score <= 1.0
        assert m.kind in {"toponym", "demonym"}
        assert m.date_source in {"text", "narrative", "published"}
        if m.date_source == "published":
            assert m.date == published and m.date_text == ""
        assert m.published == published
        assert text[m.sentence_start : m.sentence_start + len(m.sentence)] == m.sentence
        assert m.sentence_start <= m.start and m.end <= m.sentence_start + len(m.sentence)
        assert -90.0 <= m.place.lat <= 90.0 and -180.0 <= m.place.lon <= 180.0


def small_recognizer() -> Recognizer:
    keys = {name_key(p) for p in PLACES} | {"putin", "times", "march", "nato", "va"}
    return Recognizer(keys, {"russian", "armenian"}, abbreviation_keys={"va"})


SMALL = small_recognizer()


@SETTINGS
@given(text=TEXTS, starts=st.lists(st.integers(min_value=-5, max_value=400), max_size=5))
def test_small_recognizer_spans_are_well_formed(text: str, starts: list[int]) -> None:
    check_spans(text, SMALL.find(text, starts))


@SETTINGS
@given(text=TEXTS)
def test_real_recognizer_spans_are_well_formed(geoparser, text: str) -> None:
    check_spans(text, geoparser.recognizer.find(text))


@SETTINGS
@given(parts=st.lists(st.sampled_from(PLACES), min_size=1, max_size=8))
def test_listed_places_are_found_whole(parts: list[str]) -> None:
    # Place names separated by ". " are each found, whole, in order.
    text = ". ".join(parts) + "."
    spans = SMALL.find(text)
    check_spans(text, spans)
    assert [s.text for s in spans] == parts


@PIPELINE_SETTINGS
@given(
    text=TEXTS, published=st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))
)
def test_pipeline_mentions_are_well_formed(geoparser, text: str, published: dt.date | None) -> None:
    check_mentions(text, geoparser.parse_text(text, published=published), published)


def test_huge_single_line(geoparser):
    rng = random.Random(7)
    words = PLACES + NOISE + ["lorem", "ipsum", "dolor"]
    chunks, size = [], 0
    while size < 100_000:
        word = rng.choice(words) + rng.choice([" ", ", ", "-", " "])
        chunks.append(word)
        size += len(word)
    text = "".join(chunks).replace("\n", " ")
    assert len(text) >= 100_000 and "\n" not in text
    spans = geoparser.recognizer.find(text)
    check_spans(text, spans)
    assert len(spans) > 100  # the names in it are still found
    mentions = geoparser.parse_text(text, published=dt.date(2024, 5, 1))
    check_mentions(text, mentions, dt.date(2024, 5, 1))
    assert mentions


def test_huge_line_without_spaces(geoparser):
    text = "Moscow" * 20_000  # one 120k-character word: no name inside a word
    assert geoparser.recognizer.find(text) == []
    assert geoparser.parse_text(text) == []


def test_html_and_script_markup(geoparser):
    text = (
        "<html><head><script>var city = 'Paris'; if (a<b) {x()}</script></head>"
        '<body><p class="lead">Talks in <b>Moscow</b> ended.</p><!-- Kyiv --></body></html>'
    )
    spans = geoparser.recognizer.find(text)
    check_spans(text, spans)
    assert "Moscow" in [s.text for s in spans]
    check_mentions(text, geoparser.parse_text(text), None)
