"""Recognisers and resolvers by name: the registries of geo.parsing.components, used end to end.

The second recogniser and resolver here are real classes, not mocks: a
recogniser of names an annotator marked in square brackets, and a resolver
that takes the most populous place of each name, each registered by name and
run through a real Geoparser over the fixture index.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from collections.abc import Collection, Sequence

import pytest

from geo.errors import InputError, InputTypeError
from geo.gazetteer.names import name_key
from geo.parsing.components import (
    ParserSetup,
    SpanRecognizer,
    SpanResolver,
    recognizers,
    register_recognizer,
    register_resolver,
    resolvers,
)
from geo.parsing.pipeline import Geoparser
from geo.parsing.recognize import Recognizer, Span
from geo.parsing.resolve import Resolved, Resolver


class BracketRecognizer:
    """Place names an annotator marked as ``[Name]``: every bracketed run the gazetteer knows, nothing else."""

    _MARKED = re.compile(r"\[([^\[\]]+)\]")

    def __init__(self, setup: ParserSetup) -> None:
        self.keys = setup.gazetteer.keys()
        self.demonym_keys = setup.gazetteer.demonym_keys()

    def find(self, text: str, sentence_starts: Collection[int] = ()) -> list[Span]:
        spans = []
        for m in self._MARKED.finditer(text):
            key = name_key(m.group(1))
            if key in self.keys:
                spans.append(Span(m.start(1), m.end(1), m.group(1), key, key in self.demonym_keys))
        return spans


class MostPopulousResolver:
    """Each span's most populous candidate, whatever the context."""

    def __init__(self, setup: ParserSetup) -> None:
        self.gazetteer = setup.gazetteer

    def resolve(self, text: str, spans: Sequence[Span], *, keep_all: bool = False) -> list[Resolved]:
        chosen = []
        for span in spans:
            candidates = self.gazetteer.candidates(span.key)
            if candidates:
                best = max(candidates, key=lambda c: c.place.population or 0)
                chosen.append(Resolved(span, best.place, "demonym" if span.demonym else "toponym", 1.0))
        return chosen


@pytest.fixture
def registered():
    register_recognizer("brackets", BracketRecognizer)
    register_resolver("most-populous", MostPopulousResolver)
    yield
    recognizers.unregister("brackets")
    resolvers.unregister("most-populous")


TEXT = "Floods hit [Alexandria] and Moscow, Idaho, then [Springfield] on the same day."


def test_default_components_are_the_gazetteer_ones(tiny_gazetteer):
    parser = Geoparser(tiny_gazetteer)
    assert isinstance(parser.recognizer, Recognizer) and isinstance(parser.resolver, Resolver)
    assert isinstance(parser.recognizer, SpanRecognizer) and isinstance(parser.resolver, SpanResolver)
    assert "gazetteer" in recognizers.names() and "gazetteer" in resolvers.names()
    # The gazetteer's recogniser finds the unmarked Moscow too.
    assert "Moscow" in {m.text for m in parser.parse_text(TEXT)}


def test_a_registered_recognizer_is_used_end_to_end(tiny_gazetteer, registered):
    parser = Geoparser(tiny_gazetteer, recognizer="Brackets")  # names are case-insensitive
    assert isinstance(parser.recognizer, BracketRecognizer)
    mentions = parser.parse_text(TEXT, doc="floods")
    assert [m.text for m in mentions] == ["Alexandria", "Springfield"]  # Moscow was not marked
    for m in mentions:
        assert TEXT[m.start : m.end] == m.text and m.doc == "floods"
        assert m.place is not None and m.place.name == m.text
    # The default resolver still chose among the candidates.
    assert {m.place.country for m in mentions} <= {"EG", "US"}


def test_a_registered_resolver_is_used_end_to_end(tiny_gazetteer, registered):
    parser = Geoparser(tiny_gazetteer, recognizer="brackets", resolver="most-populous")
    places = {m.text: m.place for m in parser.parse_text(TEXT)}
    # Most populous of the fixture's Alexandrias is Egypt's; of its Springfields, Missouri's.
    assert (places["Alexandria"].country, places["Springfield"].admin1) == ("EG", "Missouri")
    assert parser.resolve_spans(TEXT, [(TEXT.index("Springfield"), TEXT.index("Springfield") + 11)])[0].id == "4409896"


def test_the_choice_survives_pickling_for_worker_processes(tiny_gazetteer, registered):
    parser = Geoparser(tiny_gazetteer, recognizer="brackets", resolver="most-populous")
    copy = pickle.loads(pickle.dumps(parser))
    assert isinstance(copy.recognizer, BracketRecognizer) and isinstance(copy.resolver, MostPopulousResolver)
    assert [m.text for m in copy.parse_text(TEXT)] == ["Alexandria", "Springfield"]


def test_unknown_name_is_named_with_the_registered_ones(tiny_gazetteer, registered):
    with pytest.raises(InputError, match=r"recognizer 'spacy' is not registered \(registered: brackets, gazetteer\)"):
        Geoparser(tiny_gazetteer, recognizer="spacy")
    with pytest.raises(InputError, match=r"resolver 'nearest' is not registered .*register_resolver\('nearest'"):
        Geoparser(tiny_gazetteer, resolver="nearest")
    with pytest.raises(InputTypeError, match="chosen by its name"):
        Geoparser(tiny_gazetteer, recognizer=BracketRecognizer)  # type: ignore[arg-type]


def test_a_taken_name_is_replaced_only_when_asked(registered):
    with pytest.raises(InputError, match="'brackets' is already registered; pass replace=True"):
        register_recognizer("brackets", lambda setup: BracketRecognizer(setup))
    register_recognizer("brackets", BracketRecognizer)  # the same factory again: no error
    with pytest.raises(InputTypeError, match="must be callable"):
        register_recognizer("other", "not a factory")  # type: ignore[arg-type]


def test_an_installed_package_plugs_in_through_its_entry_point(tmp_path, tiny_index):
    # A real installed distribution (a dist-info folder on the path, as pip leaves one) whose entry
    # point names a recogniser factory; a fresh interpreter finds it by name, with nothing registered in code.
    (tmp_path / "marked_places.py").write_text(
        "import re\n"
        "from geo.gazetteer.names import name_key\n"
        "from geo.parsing.recognize import Span\n"
        "class Marked:\n"
        "    def __init__(self, setup):\n"
        "        self.keys, self.demonym_keys = setup.gazetteer.keys(), setup.gazetteer.demonym_keys()\n"
        "    def find(self, text, sentence_starts=()):\n"
        "        return [Span(m.start(1), m.end(1), m.group(1), name_key(m.group(1)))\n"
        "                for m in re.finditer(r'\\[([^\\]]+)\\]', text) if name_key(m.group(1)) in self.keys]\n",
        encoding="utf-8",
    )
    info = tmp_path / "marked_places-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: marked-places\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[geo.recognizers]\nmarked = marked_places:Marked\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from geo.gazetteer.index import Gazetteer\n"
        "from geo.parsing.pipeline import Geoparser\n"
        "parser = Geoparser(Gazetteer(sys.argv[1]), recognizer='marked')\n"
        "print(*[m.text for m in parser.parse_text('Floods in Moscow and [Springfield].')], sep='|')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code, str(tiny_index)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Springfield"
