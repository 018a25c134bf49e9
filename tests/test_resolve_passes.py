"""The resolver's two scoring passes share what neither changes; sharing never changes a pass's choices.

``Resolver.resolve`` hands both passes one ``_PassParts`` (each candidate's fixed score
parts, the distance queries, the distances while the anchors stay the same).
Each pass made on real articles is run again on its own, with nothing shared: it must choose
the same places with the same confidences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo.evaluate.geoparsing import read_corpus
from geo.parsing.resolve import Resolver, _PassParts

ARTICLES = Path(__file__).parent / "data" / "roles_dev.xml"


def test_each_pass_chooses_alike_with_the_parts_shared_or_not(geoparser, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], list[Any]]] = []

    # A subclass rather than a patched method: the compiled Resolver calls its own methods directly.
    class RecordingResolver(Resolver):
        def _choose(self, *args: Any) -> list[Any]:
            chosen = super()._choose(*args)
            calls.append((args, chosen))
            return chosen

    plain = geoparser.resolver
    recording = RecordingResolver(plain.gazetteer, rules=plain.rules, demonyms=plain.demonyms)
    monkeypatch.setattr(geoparser, "resolver", recording)
    resolved_articles = 0
    for gold in read_corpus(ARTICLES):
        before = len(calls)
        geoparser.parse_text(gold.text)
        resolved_articles += len(calls) > before
    monkeypatch.undo()
    assert resolved_articles >= 20 and len(calls) > resolved_articles  # some articles took a second pass
    for args, chosen in calls:
        *own, shared = args
        assert isinstance(shared, _PassParts)
        assert geoparser.resolver._choose(*own, _PassParts()) == chosen
