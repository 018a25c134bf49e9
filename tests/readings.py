"""What each name of a parsed text was read as, and the check the table-driven resolver tests share."""

from __future__ import annotations

from typing import Any


def readings(geoparser: Any, text: str) -> dict[str, tuple[str, str, str]]:
    """The reading of each mentioned name (its last mention's): feature code, country, first-level division."""
    return {m.text: (m.place.feature_code, m.place.country, m.place.admin1) for m in geoparser.parse_text(text)}


def check_reading(geoparser: Any, text: str, words: str, expected: tuple[str | None, str | None, str | None]) -> None:
    """``words`` is read as ``expected`` in ``text``; a None part of ``expected`` may be anything."""
    found = readings(geoparser, text)
    assert words in found, (words, found)
    got = found[words]
    assert all(want is None or want == have for want, have in zip(expected, got, strict=True)), (words, got)
