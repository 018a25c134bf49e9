"""Batch runs over large corpora: the run, its manifest and parts, engines, aggregates.

``run_batch`` parses a corpus into a folder of Parquet parts that resumes after
a stop and reads as one dataset (``read_mentions``, or pandas, Dask, DuckDB
directly); ``aggregate`` counts its mentions by place and period. They load on
first use.

Examples
--------
>>> from geo.batch import aggregate, read_mentions, run_batch
>>> run_batch.__module__, read_mentions.__module__, aggregate.__module__
('geo.batch.run', 'geo.batch.run', 'geo.batch.aggregates')
>>> import geo.batch.aggregates  # the module of the same stage does not hide the function
>>> callable(geo.batch.aggregate)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo._lazy import lazy_exports

if TYPE_CHECKING:
    from geo.batch.aggregates import aggregate
    from geo.batch.run import read_mentions, run_batch

__all__ = ["run_batch", "read_mentions", "aggregate"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {"run_batch": "geo.batch.run", "read_mentions": "geo.batch.run", "aggregate": "geo.batch.aggregates"},
)
