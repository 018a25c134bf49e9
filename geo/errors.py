"""One error root for the whole package.

Every error names the input it is about, what is wrong with it and what to do.
Subclasses also inherit the builtin exception they mean, so callers that catch
``ValueError`` or ``OSError`` keep working.

Examples
--------
>>> from geo.errors import GeoError, InputError
>>> err = InputError("article 3 has no text; give each article a non-empty text")
>>> isinstance(err, GeoError), isinstance(err, ValueError)
(True, True)
>>> str(err)
'article 3 has no text; give each article a non-empty text'
"""

from __future__ import annotations

__all__ = [
    "CuratedDataError",
    "GazetteerError",
    "GeoError",
    "IndexCorruptError",
    "InputError",
    "InputTypeError",
    "OutputError",
    "RulesError",
]


class GeoError(Exception):
    """Root of every error raised by ``geo``."""


class InputError(GeoError, ValueError):
    """An article, query or option is malformed."""


class InputTypeError(InputError, TypeError):
    """An argument of the Python API has the wrong type (``geo.parse(None)``, ``geocode(123)``)."""


class OutputError(InputError, OSError):
    """An output cannot be written: a folder or device named as a file, a read-only folder, a full disk."""


class GazetteerError(GeoError, RuntimeError):
    """The gazetteer index cannot be built or opened."""


class CuratedDataError(GazetteerError, ValueError):
    """A curated gazetteer file has a missing or malformed field."""


class IndexCorruptError(GazetteerError):
    """The on-disk index is truncated, corrupt or from another build."""


class RulesError(GeoError, ValueError):
    """A user rules file (``--rules``) is malformed."""
