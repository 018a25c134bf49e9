"""Batch runs over large corpora: the run, its manifest and parts, engines, aggregates."""
