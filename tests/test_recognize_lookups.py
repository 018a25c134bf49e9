"""The recogniser remembers which keys are gazetteer names; what it remembers follows its keys and stays bounded."""

from __future__ import annotations

import pytest

from geo.parsing import recognize
from geo.parsing.recognize import Recognizer


def names(rec: Recognizer, text: str) -> list[str]:
    return [span.text for span in rec.find(text)]


def test_replaced_keys_or_pins_are_answered_anew() -> None:
    rec = Recognizer({"moscow"}, set())
    text = "Talks in Moscow and Paris ended."
    assert names(rec, text) == ["Moscow"]
    rec.keys = {"paris"}
    assert names(rec, text) == ["Paris"]
    rec.pinned = frozenset({"moscow"})
    assert names(rec, text) == ["Moscow", "Paris"]


def test_a_full_memo_starts_again_and_answers_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recognize, "_LOOKUP_MEMO_SIZE", 3)
    rec = Recognizer({"moscow", "new york", "oslo"}, set())
    text = "Talks in Moscow, New York, Lima, Oslo, Quito and Rome ended."
    for _ in range(3):
        assert names(rec, text) == ["Moscow", "New York", "Oslo"]
        assert len(rec._lookups) <= 3
