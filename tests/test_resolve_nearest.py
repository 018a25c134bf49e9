"""The plain nearest-anchor route gives exactly, not nearly, the distance of the haversine formula.

Scores compare distances with thresholds (50, 300, 1,000 km), so a route that
chose the nearest point by another quantity than the distance itself (the
haversine term) must still return the very float :func:`_haversine_km` gives
for that point: otherwise a mention's score could move across a threshold.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from nearest_reference import brute_force_nearest_km

from geo.parsing.resolve import _NEAR_LIMIT_KM, _Anchors, _haversine_km

KEYS = ["georgia", "paris", "tyler"]
# Points in one region, where the 1,000 km limit is met, and anywhere.
near = st.tuples(st.floats(min_value=40.0, max_value=49.0), st.floats(min_value=-5.0, max_value=12.0))
anywhere = st.tuples(st.floats(min_value=-89.9, max_value=89.9), st.floats(min_value=-179.9, max_value=179.9))
points = st.one_of(near, anywhere)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(points, st.sampled_from(KEYS)), max_size=30),
    st.lists(st.tuples(st.sampled_from([*KEYS, "lyon"]), points), min_size=1, max_size=20),
)
def test_plain_route_returns_the_haversine_distance_exactly(raw_anchors, raw_queries) -> None:
    anchors = [(lat, lon, key) for (lat, lon), key in raw_anchors]
    queries = [(key, lat, lon) for key, (lat, lon) in raw_queries]
    got = _Anchors(anchors, plain_pairs=10**9).nearest_km(queries)
    assert got == [brute_force_nearest_km(anchors, key, lat, lon) for key, lat, lon in queries]


def test_a_point_just_past_the_limit_is_not_near() -> None:
    # 9.0 degrees of meridian: 1,000.75 km, just past the limit; 8.99 degrees: just inside it.
    anchors = _Anchors([(0.0, 0.0, "paris"), (50.0, 0.0, "lyon")])
    km = anchors.nearest_km([("tyler", 9.0, 0.0), ("tyler", 8.99, 0.0), ("tyler", 41.01, 0.0)])
    assert km[0] == math.inf
    assert km[1] == _haversine_km(math.radians(8.99), 0.0, 0.0, 0.0) < _NEAR_LIMIT_KM
    assert km[2] == _haversine_km(math.radians(41.01), 0.0, math.radians(50.0), 0.0) < _NEAR_LIMIT_KM
