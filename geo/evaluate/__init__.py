"""Scoring against annotated corpora: geoparsing (LGL, GeoVirus, GeoWebNews) and dates (TimeML).

``evaluate`` scores a geoparser on a corpus folder, ``evaluate_dates`` the
sentence dates on TimeML documents. They load on first use.

Examples
--------
>>> from geo.evaluate import evaluate, evaluate_dates
>>> evaluate.__module__, evaluate_dates.__module__
('geo.evaluate.geoparsing', 'geo.evaluate.dates')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo._lazy import lazy_exports

if TYPE_CHECKING:
    from geo.evaluate.dates import evaluate_dates
    from geo.evaluate.geoparsing import evaluate

__all__ = ["evaluate", "evaluate_dates"]

__getattr__, __dir__ = lazy_exports(
    __name__, {"evaluate": "geo.evaluate.geoparsing", "evaluate_dates": "geo.evaluate.dates"}
)
