"""The gazetteer: its sources, curated data, the SQLite index, queries and the geopy geocoder."""
