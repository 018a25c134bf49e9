"""The reference every nearest-anchor route of the resolver is checked against: every pair, exactly."""

from __future__ import annotations

import math

from geo.parsing.resolve import _NEAR_LIMIT_KM, _haversine_km


def brute_force_nearest_km(anchors: list[tuple[float, float, str]], key: str, lat: float, lon: float) -> float:
    """Km to the nearest anchor of another name, by the resolver's own haversine; infinite past the near limit."""
    best = min(
        (
            _haversine_km(math.radians(lat), math.radians(lon), math.radians(a), math.radians(o))
            for a, o, k in anchors
            if k != key
        ),
        default=math.inf,
    )
    return best if best <= _NEAR_LIMIT_KM else math.inf
