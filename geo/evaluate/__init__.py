"""Scoring against annotated corpora: geoparsing and dates."""
