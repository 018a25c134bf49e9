"""Word lists the place-name recogniser filters its matches with.

The lists are plain text files in ``geo/parsing/data/`` so they can be reviewed and
edited without touching code; each file starts with a comment saying what
belongs in it. This module only reads them:

- :func:`given_names` -- first names ("Vladimir", "Louis", "Toivo"),
- :func:`person_titles` -- words before a name ("President", "Gen.", "Sheikh"),
- :func:`organisation_words` -- words after a place that make the phrase
  something else ("Times", "University", "Road", "Rangers"),
- :func:`not_place_words` -- capitalised words that are no place in news
  ("Monday", "January", "Report", "Hope"),
- :func:`feature_words` -- words that end the name of a landform, region or
  building ("Belt", "Meadows", "House", "Valley"),
- :func:`sport_words` -- words that make a text a sports report ("goalkeeper", "relegation").

Examples
--------
>>> from geo.parsing.lexicons import given_names, not_place_words
>>> "Vladimir" in given_names(), "Monday" in not_place_words()
(True, True)
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import CuratedDataError
from geo.gazetteer.names import fold

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "given_names",
    "person_titles",
    "organisation_words",
    "not_place_words",
    "feature_words",
    "sport_words",
    "read_word_list",
]

logger = logging.getLogger(__name__)

# The word lists ship as files inside the package (importlib.resources would cost a start ~30 ms to import).
_DATA_DIR = Path(__file__).resolve().parent / "data"


def read_word_list(source: str | Path | Traversable) -> frozenset[str]:
    """Read a word list: one entry per line, ``#`` comments, UTF-8.

    Every entry is kept as written and also with its diacritics folded
    ("José" adds "Jose") and, when it has an apostrophe, with the typographic
    one ("Ze'ev" adds "Ze’ev"), so a lookup of the word as printed in an
    article succeeds whichever spelling the article uses.

    Parameters
    ----------
    source : str, pathlib.Path or importlib.abc.Traversable
        The file to read.

    Returns
    -------
    frozenset of str
        The entries and their variants.

    Raises
    ------
    CuratedDataError
        If the file is missing, is not UTF-8, or has an entry with inner
        whitespace (two entries on one line).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "names.txt"
    >>> _ = path.write_text("# first names\\nJosé\\n", encoding="utf-8")
    >>> sorted(read_word_list(path))
    ['Jose', 'José']
    """
    path = Path(source) if isinstance(source, str) else source
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise CuratedDataError(
            f"word list {path}: file not found; reinstall geo so its data files come with it "
            "(package data must include 'data/*.txt'), or pass the path of an existing file"
        ) from err
    except OSError as err:
        raise CuratedDataError(
            f"word list {path}: cannot be read ({err.strerror or err}); pass the path of a readable text file"
        ) from err
    except UnicodeDecodeError as err:
        raise CuratedDataError(
            f"word list {path}: not valid UTF-8 ({err.reason} at byte {err.start}); save the file as UTF-8"
        ) from err
    words: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if any(ch.isspace() for ch in entry):
            raise CuratedDataError(
                f"word list {path}, line {lineno}: {entry!r} holds more than one word; put one entry on each line"
            )
        # Articles arrive in NFC after reading; a decomposed entry would never match.
        entry = unicodedata.normalize("NFC", entry)
        words.add(entry)
        words.add(fold(entry))
        if "'" in entry:
            words.add(entry.replace("'", "\u2019"))
            words.add(fold(entry).replace("'", "\u2019"))
    logger.debug("word list %s: %d entries with variants", path, len(words))
    return frozenset(words)


def _packaged(name: str) -> frozenset[str]:
    """Read one of the word lists shipped in ``geo/parsing/data``."""
    return read_word_list(_DATA_DIR / name)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given (first) names across cultures, with transliteration variants.

    The recogniser treats one of these as the start of a person's name only
    when a capitalised word follows it ("Vladimir Putin"), so the list also
    holds names that are places (Victoria, Jackson, Georgia). Case is kept:
    look words up as written.

    Returns
    -------
    frozenset of str
        Names as in ``geo/parsing/data/given_names.txt``, plus folded spellings.

    Examples
    --------
    >>> {"Sergey", "Sergei", "Toivo", "Jeyhun"} <= given_names()
    True
    """
    return _packaged("given_names.txt")


@lru_cache(maxsize=1)
def person_titles() -> frozenset[str]:
    """Titles and descriptions written right before a person's name.

    Returns
    -------
    frozenset of str
        Entries of ``geo/parsing/data/person_titles.txt`` as written ("Gen.",
        "Minister"), plus folded spellings; callers compare normalised keys.

    Examples
    --------
    >>> {"President", "Minister", "Sen."} <= person_titles()
    True
    """
    return _packaged("person_titles.txt")


@lru_cache(maxsize=1)
def organisation_words() -> frozenset[str]:
    """Words that, following a place name, make the phrase an organisation.

    Returns
    -------
    frozenset of str
        Entries of ``geo/parsing/data/organisation_words.txt`` ("Times", "University",
        "Road", "Rangers"), plus folded spellings.

    Examples
    --------
    >>> {"Times", "Globe", "Agreement"} <= organisation_words()
    True
    """
    return _packaged("organisation_words.txt")


@lru_cache(maxsize=1)
def not_place_words() -> frozenset[str]:
    """Capitalised words that are almost never a place name in news.

    Returns
    -------
    frozenset of str
        Entries of ``geo/parsing/data/not_place_words.txt`` (months, weekdays,
        function words, institutions, generic geographic words), plus folded
        spellings.

    Examples
    --------
    >>> {"Monday", "January", "Report"} <= not_place_words()
    True
    """
    return _packaged("not_place_words.txt")


@lru_cache(maxsize=1)
def feature_words() -> frozenset[str]:
    """Words that end the name of a landform, region or building ("Corn Belt", "the White House").

    Returns
    -------
    frozenset of str
        Entries of ``geo/parsing/data/feature_words.txt``, plus folded spellings.

    Examples
    --------
    >>> {"Belt", "Meadows", "House"} <= feature_words()
    True
    """
    return _packaged("feature_words.txt")


@lru_cache(maxsize=1)
def sport_words() -> frozenset[str]:
    """Words that make a news text a sports report ("goalkeeper", "touchdown", "relegation").

    Returns
    -------
    frozenset of str
        Entries of ``geo/parsing/data/sport_words.txt``, lowercase.
    """
    return _packaged("sport_words.txt")
