"""User rules: pin a name to a gazetteer entry, prefer countries, or rule a name out.

A rules file is plain text, one rule a line, ``#`` starts a comment::

    pin Georgia = 614540        # always this gazetteer id
    prefer Alexandria = US      # among the candidates, those in these countries (comma-separated)
    ignore Bono                 # never a place

Names match the way the gazetteer matches them: case and diacritics do not count.
A name has one rule: two different rules for one name are an error naming both
lines. The file is UTF-8, with or without a byte-order mark.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import RulesError
from geo.gazetteer.names import name_key
from geo.model import Place

__all__ = ["Rules", "load_rules"]

_LINE = re.compile(r"^(pin|prefer|ignore)\s+(.+?)(?:\s*=\s*(.+))?$", re.IGNORECASE)


@dataclass
class Rules:
    """Pins (name key -> gazetteer id), preferred countries and ignored names."""

    pins: dict[str, str] = field(default_factory=dict)
    prefer: dict[str, frozenset[str]] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)

    def pinned_place(self, key: str, gazetteer) -> Place | None:  # noqa: ANN001 - Gazetteer, avoids a cycle
        place_id = self.pins.get(key)
        return gazetteer.get(place_id) if place_id else None

    def preferred_countries(self, key: str) -> frozenset[str]:
        return self.prefer.get(key, frozenset())


def load_rules(path: str | os.PathLike[str], *, gazetteer=None) -> Rules:  # noqa: ANN001
    """Read a rules file; with a gazetteer, pinned ids are checked to exist.

    Examples
    --------
    >>> load_rules("my-rules.txt")  # doctest: +SKIP
    Rules(pins={'georgia': '614540'}, prefer={}, ignore={'bono'})
    """
    path = Path(path)
    if path.is_dir():
        raise RulesError(f"rules file {path} is a folder; give the path of a rules file (one rule a line)")
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is not part of the first rule.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as err:
        raise RulesError(f"rules file {path} not found; give the path of an existing rules file") from err
    except UnicodeDecodeError as err:
        raise RulesError(f"rules file {path} is not UTF-8 text (byte {err.start}); save it as UTF-8") from err
    except OSError as err:
        raise RulesError(
            f"rules file {path} cannot be read ({err.strerror or err}); check the path and its permissions"
        ) from err
    rules = Rules()
    # The rule each name got and its line: a name has one rule, so a different second one is a conflict.
    seen: dict[str, tuple[str, int, str]] = {}

    def once(key: str, rule: str, lineno: int, raw: str) -> None:
        if key in seen and seen[key][0] != rule:
            _, where, earlier = seen[key]
            raise RulesError(
                f"{path}: line {lineno}: {raw.strip()!r} conflicts with line {where}: {earlier!r} "
                "(both rule on the same name); keep one of them"
            )
        seen.setdefault(key, (rule, lineno, raw.strip()))

    for lineno, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise RulesError(
                f"{path}: line {lineno}: {raw.strip()!r} is not a rule; "
                "write 'pin NAME = ID', 'prefer NAME = CC[,CC]' or 'ignore NAME'"
            )
        verb, name, value = m.group(1).lower(), m.group(2).strip(), (m.group(3) or "").strip()
        key = name_key(name)
        if not key:
            raise RulesError(f"{path}: line {lineno}: the name {name!r} has no letters; give a place name")
        if verb == "ignore":
            if value:
                raise RulesError(f"{path}: line {lineno}: 'ignore' takes a name only, not '= {value}'")
            once(key, "ignore", lineno, raw)
            rules.ignore.add(key)
        elif not value:
            raise RulesError(f"{path}: line {lineno}: '{verb}' needs '= VALUE' after the name")
        elif verb == "pin":
            if gazetteer is not None and gazetteer.get(value) is None:
                raise RulesError(
                    f"{path}: line {lineno}: no gazetteer entry has id {value!r}; "
                    f"find the id with 'geo gazetteer search {name}'"
                )
            once(key, f"pin {value}", lineno, raw)
            rules.pins[key] = value
        else:
            codes = frozenset(c.strip().upper() for c in value.split(","))
            if not all(len(c) == 2 and c.isalpha() for c in codes):
                raise RulesError(
                    f"{path}: line {lineno}: {value!r} is not a list of ISO alpha-2 country codes like 'US,CA'"
                )
            once(key, f"prefer {','.join(sorted(codes))}", lineno, raw)
            rules.prefer[key] = codes
    return rules
