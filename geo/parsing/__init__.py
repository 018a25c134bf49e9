"""From article to mentions: reading, sentences and dates, recognition, resolution, rules, roles.

``read_articles`` reads every input format, ``Geoparser`` (or ``parse`` for a
table) finds, locates and dates the places of each article, with the
recogniser and resolver chosen by name (``register_recognizer`` and
``register_resolver`` add more; see :mod:`geo.parsing.components`). They load
on first use.

Examples
--------
>>> from geo.parsing import Geoparser, date_sentences, read_articles, register_resolver
>>> Geoparser.__module__, read_articles.__module__, register_resolver.__module__
('geo.parsing.pipeline', 'geo.parsing.articles', 'geo.parsing.components')
>>> [s.date.isoformat() for s in date_sentences("On 5 May 2021 it snowed.", None)]
['2021-05-05']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo._lazy import lazy_exports

if TYPE_CHECKING:
    from geo.parsing.articles import read_articles
    from geo.parsing.components import register_recognizer, register_resolver
    from geo.parsing.dates import date_sentences
    from geo.parsing.pipeline import Geoparser, parse

__all__ = ["Geoparser", "parse", "read_articles", "date_sentences", "register_recognizer", "register_resolver"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Geoparser": "geo.parsing.pipeline",
        "parse": "geo.parsing.pipeline",
        "read_articles": "geo.parsing.articles",
        "date_sentences": "geo.parsing.dates",
        "register_recognizer": "geo.parsing.components",
        "register_resolver": "geo.parsing.components",
    },
)
