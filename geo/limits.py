"""Size and time limits of one article, kept in a module of their own so the command line can show them
without importing the geoparser.

Examples
--------
>>> from geo.limits import DEFAULT_ARTICLE_TIMEOUT, DEFAULT_MAX_CHARS
>>> DEFAULT_MAX_CHARS, DEFAULT_ARTICLE_TIMEOUT
(2000000, 60.0)
"""

from __future__ import annotations

__all__ = ["DEFAULT_ARTICLE_TIMEOUT", "DEFAULT_MAX_CHARS"]

#: Characters of an article parsed as one piece; longer articles are parsed in chunks of at most this
#: size, cut on sentence boundaries. News articles run to tens of thousands of characters: only dumps
#: and concatenations reach this, and chunks keep their cost bounded however big the article is.
DEFAULT_MAX_CHARS = 2_000_000

#: Seconds one article may take in a batch run, by default: a long news article takes well under one.
DEFAULT_ARTICLE_TIMEOUT = 60.0
