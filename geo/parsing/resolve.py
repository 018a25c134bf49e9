"""Toponym resolution: pick the gazetteer entry each recognised name means.

Candidates start from their prominence (population, feature kind, how the name
ties to them) and are re-ranked by the document's context:

- explicit qualifiers: "Alexandria, Louisiana", "Moscow, Idaho";
- the countries and first-level divisions the document already names;
- spatial coherence: places near the document's other places.

Every resolved mention gets a confidence in [0, 1]: the share of the
softmax mass its choice holds among the name's candidates, damped for places
that rest on little evidence.

Examples
--------
>>> from geo.model import Place
>>> from geo.parsing.recognize import Span
>>> from geo.parsing.resolve import Resolved, document_focus
>>> kyiv = Place("1", "Kyiv", "P", "PPLC", "UA", "12", 2_900_000, 50.45, 30.52)
>>> ukraine = Place("2", "Ukraine", "A", "PCLI", "UA", "00", 41_000_000, 49.0, 32.0)
>>> resolved = [
...     Resolved(Span(0, 4, "Kyiv", "kyiv"), kyiv, "toponym", 0.9),
...     Resolved(Span(10, 17, "Ukraine", "ukraine"), ukraine, "toponym", 0.8),
... ]
>>> country, place = document_focus(resolved)
>>> country, place.name
('UA', 'Kyiv')
"""

from __future__ import annotations

import json
import logging
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mypy_extensions import mypyc_attr

from geo.errors import CuratedDataError
from geo.gazetteer.index import Candidate, Gazetteer
from geo.gazetteer.names import name_key
from geo.geometry import EARTH_RADIUS_KM
from geo.model import Place
from geo.parsing import lexicons, uses
from geo.parsing.recognize import COMPASS_WORDS, DATELINE_REACH, Span, dateline_span
from geo.parsing.rules import Rules

__all__ = ["Resolver", "Resolved", "WEIGHTS", "WEIGHTS_FILE", "load_weights", "document_focus"]

logger = logging.getLogger(__name__)

# Context weights, in the same units as the prominence prior (log10 population), and the evidence
# thresholds. They live in data/resolver_weights.json, which benchmarks/fit_weights.py writes; the
# file says which corpora the shipped numbers were fitted on and what the fit scored on unseen text.
WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "resolver_weights.json"
# What each weight is for (the file holds the numbers):
_WEIGHT_NAMES = (
    "qualifier",  # "Alexandria, Louisiana": the writer said which one
    "country_context",  # the document names the candidate's country
    "country_share",  # ... times the share of the document's places in it
    "admin1_context",  # ... or its first-level division
    "near_50km",  # close to a sure place of another name
    "near_300km",
    "near_1000km",
    "mutual_50km",  # within 50 km of a likely reading of another unsure name ("Huntsville", "Walker County")
    "list_peer",  # "Utah, Washington and Wisconsin": a list names one kind of place
    "designator",  # "Washington state", "the city of Sao Paulo": the writer said what kind
    "min_prior_single_word",  # below this, an unsupported one-word name is dropped
    "min_score_common_word",  # common word or given name: evidence needed (+2 opening a sentence)
)


def load_weights(path: str | Path = WEIGHTS_FILE) -> dict[str, float]:
    """The resolver's weights from a weights file (``{"weights": {name: number}, "fit": {...}}``).

    Raises :class:`CuratedDataError` naming the file when it is unreadable, not JSON, or lacks
    a weight or gives one that is not a number.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CuratedDataError(
            f"{path}: cannot read the resolver's weights ({exc}); "
            "restore the file or write it again with benchmarks/fit_weights.py --write"
        ) from exc
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict):
        raise CuratedDataError(f'{path}: no "weights" object; write the file with benchmarks/fit_weights.py --write')
    missing = [name for name in _WEIGHT_NAMES if name not in weights]
    bad = [name for name, value in weights.items() if isinstance(value, bool) or not isinstance(value, (int, float))]
    if missing or bad:
        raise CuratedDataError(
            f"{path}: weights missing {missing or 'none'}, not numbers {bad or 'none'}; "
            "every weight must be a number (write the file with benchmarks/fit_weights.py --write)"
        )
    return {name: float(weights[name]) for name in _WEIGHT_NAMES}


WEIGHTS = load_weights()
_MAX_CANDIDATES = 40
_AREA_CODES = {"PCLI", "ADM1", "ADM1H", "ADM2", "TERR", "CONT"}
# How large an area a feature names, to tell a list of peers from a qualified name.
_AREA_RANK = {"CONT": 4, "PCLI": 3, "TERR": 3, "ADM1": 2, "ADM1H": 2, "ADM2": 1}
# Words that say what kind of place a name is: "the state of Washington", "Zaire province",
# "the city of Sao Paulo". Lowercase here: "Ohio State" and "Kansas City" are names of their own.
# Lowercase "region" is kept apart (below): "the Houston region" is the area around the city.
_DESIGNATED_KIND = {
    "state": "division",
    "province": "division",
    "oblast": "division",
    "governorate": "division",
    "prefecture": "division",
    "district": "area",
    "county": "county",
    "city": "town",
    "town": "town",
    "village": "town",
}
# Division words that follow a name capitalised, as part of a name the gazetteer lacks in full
# ("Mwanza Region", "Kasur District", "Idlib Governorate"); State and City are left out on purpose.
_DIVISION_WORDS_AFTER = {
    "Region": "area",
    "Province": "division",
    "District": "area",
    "County": "county",
    "Governorate": "division",
    "Oblast": "division",
    "Prefecture": "division",
}
# Lowercase "region" after a name ("the Kursk region", "Kidal region") says a first-level division
# only: where the name has one, news means it; where it has none ("the Houston region") the
# words name the area around a city and change nothing.
# Lowercase "river" says a river where the name has one ("the Bagmati river", not Bagmati Province).
_KIND_AFTER = _DESIGNATED_KIND | _DIVISION_WORDS_AFTER | {"region": "region", "river": "feature"}
_DESIGNATOR_BEFORE = re.compile(r"\b(" + "|".join(_DESIGNATED_KIND) + r") of\s+$")
_NAMED_BEFORE = re.compile(r"\b(?!(?:The|A|An|This|That|Its|Their|Our)\s)([A-Z][\w'’-]*)\s+$")
_DESIGNATOR_AFTER = re.compile(r"^\s+(" + "|".join(_KIND_AFTER) + r")\b")
# Feature codes each kind of designation fits, most fitting first: a county is a second-level
# division in the US and the UK and a first-level one in Kenya; the first tier some candidate
# of the name holds is the one the designation lifts.
_DESIGNATION_TIERS: dict[str, tuple[frozenset[str], ...]] = {
    "division": (frozenset({"ADM1", "ADM1H"}), frozenset({"ADM2"})),
    "county": (frozenset({"ADM2"}), frozenset({"ADM1", "ADM1H"})),
    "area": (frozenset({"ADM1", "ADM1H", "ADM2"}),),
}
# A plural kind word after a list gives every name of the list that kind: "Clark and Greene
# counties", "the Kharkiv and Donetsk regions", "Bihar, Assam and Odisha states".
_PLURAL_KIND = {
    "counties": "county",
    "states": "division",
    "provinces": "division",
    "governorates": "division",
    "oblasts": "division",
    "prefectures": "division",
    "districts": "area",
    "regions": "area",
}
_PLURAL_AFTER = re.compile(r"\s+(" + "|".join(_PLURAL_KIND) + r")\b")
# ... or before it: "the provinces of Nyanza, Coast and Western", "the states of Ohio and Iowa".
_PLURAL_BEFORE = re.compile(r"\b(" + "|".join(_PLURAL_KIND) + r") of\s+$")
_AFTER_THE = re.compile(r"\bthe\s+$")
_AFTER_ANY_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# "the", perhaps with one or two capitalised words of the same phrase, right before a name.
_THE_PHRASE_BEFORE = re.compile(r"\bthe\s+(?:[A-Z][\w'’-]*\s){0,2}$")
# A feature word and "of" right before a name: it ends the feature's name ("Cape of Good Hope").
_FEATURE_OF_BEFORE = re.compile(r"\b(?:Cape|Gulf|Bay|Isle|Sea|Strait|Straits|Mouth|Horn) of\s+$")
# The capitalised word right after a name, in the same phrase.
_NEXT_WORD = re.compile(r"[ \t\u00a0]{1,2}([A-Z][a-z]+)\b")
_NO_COUNTS: Mapping[Any, float] = {}  # read-only default: a name with no context of its own
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|&)(?:\s+the)?)\s*")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A span with the place chosen for it."""

    span: Span
    place: Place
    kind: str  # "toponym" or "demonym"
    score: float


# How far another place still counts as near (the last "near_*" weight).
_NEAR_LIMIT_KM = 1000.0
# Latitude degrees past which two points lie farther apart than that: 9 degrees of meridian
# are 1,000.7 km, and no route between two latitudes is shorter than the meridian.
_NEAR_LIMIT_DEG = 9.0
# Up to this many candidate-anchor pairs an article's distances are computed in plain Python
# (no numpy to import for a news article); past it (a book-length text) they come from a k-d
# tree, so time grows with the article and not with its square.
_PLAIN_PAIRS = 20_000


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between points given in radians."""
    a = math.sin((lat1 - lat2) / 2)
    b = math.sin((lon1 - lon2) / 2)
    h = a * a + math.cos(lat1) * math.cos(lat2) * (b * b)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


class _Anchors:
    """The document's sure point places, for a candidate's distance to the nearest place of ANOTHER name.

    Anchors at one point are merged; a point that only one name holds is that name's
    own and does not count for its candidates (five "Georgia"s do not vote for
    themselves). Only distances up to ``_NEAR_LIMIT_KM`` matter to the score; past
    it a distance is reported as infinite. All distances an article needs are
    computed in one call.
    """

    def __init__(self, anchors: Sequence[tuple[float, float, str]], *, plain_pairs: int = _PLAIN_PAIRS) -> None:
        holders: dict[tuple[float, float], set[str]] = {}
        for lat, lon, key in anchors:
            holders.setdefault((lat, lon), set()).add(key)
        # Sorted by latitude, so a query looks only at the band of points that can be near it.
        points = sorted(holders)
        self._lats = [lat for lat, _ in points]
        self._radians = [(math.radians(lat), math.radians(lon)) for lat, lon in points]
        # The haversine terms of each point that no query changes.
        self._terms = [(lat, lon, math.cos(lat)) for lat, lon in self._radians]
        # owner[p]: the only name holding point p, or None when several names do.
        self._owner = [next(iter(holders[p])) if len(holders[p]) == 1 else None for p in points]
        self._plain_pairs = plain_pairs

    def __bool__(self) -> bool:
        return bool(self._lats)

    def nearest_km(self, queries: Sequence[tuple[str, float, float]]) -> list[float]:
        """For each (name key, lat, lon): km to the nearest anchor of another name, inf past the limit."""
        if not self._lats:
            return [math.inf] * len(queries)
        if len(queries) * len(self._lats) > self._plain_pairs:
            return self._nearest_by_tree(queries)
        return self._nearest_plain(queries)

    def _nearest_plain(self, queries: Sequence[tuple[str, float, float]]) -> list[float]:
        """The distances by a look at the latitude band of each query: one loop, no call per pair.

        The haversine term is compared, not the distance: the distance grows with it, so
        the nearest point is the same and its distance is computed once, as
        :func:`_haversine_km` does.
        """
        lats, owner, terms = self._lats, self._owner, self._terms
        radians, sin, cos, inf = math.radians, math.sin, math.cos, math.inf
        out = []
        for key, lat, lon in queries:
            best = inf
            first, end = bisect_left(lats, lat - _NEAR_LIMIT_DEG), bisect_right(lats, lat + _NEAR_LIMIT_DEG)
            if first < end:
                lat_r, lon_r = radians(lat), radians(lon)
                cos_lat = cos(lat_r)
                for p in range(first, end):
                    if owner[p] != key:
                        lat2, lon2, cos_lat2 = terms[p]
                        a = sin((lat_r - lat2) / 2)
                        b = sin((lon_r - lon2) / 2)
                        h = a * a + cos_lat * cos_lat2 * (b * b)
                        if h < best:
                            best = h
            if best == inf:
                out.append(inf)
                continue
            km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(best, 0.0), 1.0)))
            out.append(km if km <= _NEAR_LIMIT_KM else inf)
        return out

    def _nearest_by_tree(self, queries: Sequence[tuple[str, float, float]]) -> list[float]:
        import numpy as np
        from scipy.spatial import cKDTree

        names = {key: n for n, key in enumerate(dict.fromkeys(k for k in self._owner if k is not None))}
        owner = np.array([names[k] if k is not None else -1 for k in self._owner], dtype=np.int64)
        owned = np.bincount(owner[owner >= 0], minlength=max(1, len(names)))
        query_names = np.array([names.get(key, -2) for key, _, _ in queries], dtype=np.int64)
        tree = cKDTree(_unit_vectors(np.array(self._radians)))
        vectors = _unit_vectors(np.radians(np.array([(lat, lon) for _, lat, lon in queries], dtype=float)))
        # Chord length orders points as great-circle distance does: the nearest point of another
        # name is among the (points the name holds alone + 1) nearest; one more guards rounding ties.
        wanted = np.minimum(np.where(query_names >= 0, owned[np.maximum(query_names, 0)], 0) + 2, len(self._lats))
        out = [math.inf] * len(queries)
        for k in np.unique(wanted):
            rows = np.flatnonzero(wanted == k)
            _, found = tree.query(vectors[rows], k=int(k))
            found = found.reshape(len(rows), -1)
            for row, points in zip(rows.tolist(), found.tolist(), strict=True):
                key, lat, lon = queries[row]
                lat_r, lon_r = math.radians(lat), math.radians(lon)
                best = min(
                    (_haversine_km(lat_r, lon_r, *self._radians[p]) for p in points if self._owner[p] != key),
                    default=math.inf,
                )
                out[row] = best if best <= _NEAR_LIMIT_KM else math.inf
        return out


def _unit_vectors(radians: Any) -> Any:
    import numpy as np

    lat, lon = radians[:, 0], radians[:, 1]
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


# Local places a name may mean, for the document's mutual proximity: towns and counties, not the
# large areas whose points lie far from most of what is in them.
_LOCAL_CLASSES = {"P"}
_LOCAL_CODES = {"ADM2", "ADM3"}
# How far below a name's most prominent reading its other readings still vouch for a nearby reading
# of another name: every county of one name (all equally prominent) does, China, Maine does not.
_PEER_PRIOR_GAP = 2.0
# Grid cells of a degree: the 50 km around a point (0.46 degrees of latitude) touch at most two
# rows of them, and two columns away from the poles.
_CELL_DEG = 1.0
_MUTUAL_KM = 50.0
_MUTUAL_LAT_DEG = 0.46  # 50 km of meridian, and a little more: no point farther in latitude is that near


def _is_local(place: Place) -> bool:
    return place.feature_class in _LOCAL_CLASSES or place.feature_code in _LOCAL_CODES


def _mutually_near(spans: Sequence[Span], options: list[tuple[list[Candidate], str]]) -> set[tuple[str, str]]:
    """(name key, place id) of the local readings that lie within 50 km of a likely reading of ANOTHER name.

    Two ambiguous names of one local story ("Huntsville" and "Walker County", "Athens" and
    "Henderson County") are each unsure on its own, so neither is an anchor for the other;
    but only one pair of their readings lies together. Each name's local readings that are
    nearly as prominent as its best one vouch for the readings of the other names near them.
    Only names with more than one reading have a choice to make. The readings that may be
    vouched for sit in cells of a grid, and each vouching reading looks only at the cells
    around it, so the work grows with the readings and not with their pairs.
    """
    vouchers: list[tuple[float, float, str, str]] = []
    cells: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
    seen: set[str] = set()
    for span, (cands, kind) in zip(spans, options, strict=True):
        if kind != "toponym" or span.key in seen:
            continue
        seen.add(span.key)
        floor = cands[0].prior - _PEER_PRIOR_GAP if cands else 0.0
        for cand in cands:
            place = cand.place
            if not _is_local(place):
                continue
            reading = (place.lat, place.lon, span.key, place.id)
            if cand.prior >= floor:
                vouchers.append(reading)
            if len(cands) > 1:
                cell = (math.floor(place.lat / _CELL_DEG), math.floor(place.lon / _CELL_DEG))
                cells.setdefault(cell, []).append(reading)
    near: set[tuple[str, str]] = set()
    if len(seen) < 2 or not cells:
        return near
    for lat0, lon0, key, pid in vouchers:
        # Degrees of longitude past which no point is within 50 km, at the nearer-to-pole edge of the band.
        lon_reach = _MUTUAL_LAT_DEG / max(0.05, math.cos(math.radians(min(89.0, abs(lat0) + _MUTUAL_LAT_DEG))))
        lat_r, lon_r = math.radians(lat0), math.radians(lon0)
        rows = range(
            math.floor((lat0 - _MUTUAL_LAT_DEG) / _CELL_DEG), math.floor((lat0 + _MUTUAL_LAT_DEG) / _CELL_DEG) + 1
        )
        cols = range(math.floor((lon0 - lon_reach) / _CELL_DEG), math.floor((lon0 + lon_reach) / _CELL_DEG) + 1)
        for row in rows:
            for col in cols:
                for lat, lon, other, other_id in cells.get((row, col), ()):
                    # The same place under another name ("Mexico City" for "Mexico") vouches for nothing.
                    if other == key or other_id == pid or abs(lat - lat0) > _MUTUAL_LAT_DEG:
                        continue
                    if abs(lon - lon0) > lon_reach or (other, other_id) in near:
                        continue
                    if _haversine_km(lat_r, lon_r, math.radians(lat), math.radians(lon)) <= _MUTUAL_KM:
                        near.add((other, other_id))
    return near


# Past this many people a town that "said" something is its council or its government.
_PERSON_MAX_POPULATION = 100_000


def _may_be_person(cands: Sequence[Candidate]) -> bool:
    """Whether a name whose best reading is ``cands[0]`` may be a person's surname ("Thatcher said").

    A country, a division or a big city that speaks is its government ("Moscow said").
    """
    if not cands:
        return False
    best = cands[0].place
    return (
        best.feature_class == "P"
        and best.feature_code not in {"PPLC", "PPLA", "PPLG"}
        and best.population < _PERSON_MAX_POPULATION
    )


class _PassParts:
    """What both scoring passes over one article share: none of it depends on the first choices.

    Filled by the first pass as it goes and reused by the second: each candidate's fixed
    score parts (per name, qualifier and designation), the distance queries, and the
    distances themselves while the anchors stay the same.
    """

    __slots__ = ("_parts", "_queries", "_anchors", "_nearest")

    def __init__(self) -> None:
        self._parts: dict[tuple[object, ...], list[tuple[Any, ...]]] = {}
        self._queries: list[tuple[str, float, float]] | None = None
        self._anchors: list[tuple[float, float, str]] | None = None
        self._nearest: dict[tuple[str, float, float], float] = {}

    def candidate_parts(
        self,
        resolver: Resolver,
        cands: list[Candidate],
        key: str,
        qualifier: Place | None,
        designated: str | None,
        mutual: Container[tuple[str, str]],
    ) -> list[tuple[Any, ...]]:
        """Per candidate: (prior with the qualifier's weight, country, division or None, distance
        query or None, mutual-proximity weight, fits the designation, kind of place for a list)."""
        case = (id(cands), key, id(qualifier), designated)
        parts = self._parts.get(case)
        if parts is None:
            w_qualifier, w_mutual = WEIGHTS["qualifier"], WEIGHTS["mutual_50km"]
            fits = _designation_fits(cands, designated, key) if designated is not None else [False] * len(cands)
            parts = self._parts[case] = [
                (
                    c.prior + w_qualifier if qualifier is not None and resolver._fits(c.place, qualifier) else c.prior,
                    c.place.country,
                    # Its first-level division, for a place below one.
                    (c.place.country, c.place.admin1)
                    if c.place.admin1 and c.place.feature_code not in {"PCLI", "ADM1", "ADM1H"}
                    else None,
                    # A point, which distance to others places.
                    (key, c.place.lat, c.place.lon) if c.place.feature_code not in _AREA_CODES else None,
                    w_mutual if (key, c.place.id) in mutual else 0.0,
                    fit,
                    _place_kind(c.place),
                )
                for c, fit in zip(cands, fits, strict=True)
            ]
        return parts

    def nearest_km(
        self,
        spans: Sequence[Span],
        options: list[tuple[list[Candidate], str]],
        anchors: list[tuple[float, float, str]],
    ) -> dict[tuple[str, float, float], float]:
        """Km from each (name key, point) of a candidate to the nearest anchor of another name."""
        if anchors == self._anchors:
            return self._nearest
        if self._queries is None:
            # Every distance a pass needs, once per (name, point): a name's spans share their candidates.
            self._queries = list(
                dict.fromkeys(
                    (span.key, c.place.lat, c.place.lon)
                    for span, (cands, kind) in zip(spans, options, strict=True)
                    if kind == "toponym"
                    for c in cands
                    if c.place.feature_code not in _AREA_CODES
                )
            )
        found = _Anchors(anchors)
        self._anchors = anchors
        self._nearest = dict(zip(self._queries, found.nearest_km(self._queries), strict=True)) if found else {}
        return self._nearest


# How much of the document (sure names count 1, unsure ones 0.5) must lie in one other country before a
# small town that nothing in it supports is taken for a local name the gazetteer lacks.
_STRAY_CONTEXT_WEIGHT = 1.5
_STRAY_MAX_POPULATION = 100_000


def _stray(cand: Candidate, score: float) -> bool:
    """Whether a chosen town is a stray namesake: small, and nothing but its name speaks for it.

    Its ``score`` is its prior alone: it lies in none of the document's countries, near none of
    its places and in none of its divisions, and no qualifier, kind word or list lifts it (every
    bonus is positive). "Piccadilly" in a London story is the street, not a village in Western
    Australia; "St. Nicolas" in a story from Haiti is not the Belgian town. A capital or a large
    city is named from afar ("a flight to Nairobi") and stays.
    """
    place = cand.place
    return (
        place.feature_class == "P"
        and place.feature_code not in {"PPLC", "PPLA", "PPLG"}
        and place.population < _STRAY_MAX_POPULATION
        and score <= cand.prior
    )


# Feature classes of the features that lie in no one country: oceans, seas and rivers (H), continents
# and regions (L), deserts, ranges and peninsulas (T).
_INTERNATIONAL_CLASSES = frozenset({"H", "L", "T"})


def _leads_international(cands: Sequence[Candidate]) -> bool:
    """Whether a name's most prominent reading lies in no one country (an ocean, a region)."""
    return bool(cands) and not cands[0].place.country and cands[0].place.feature_class in _INTERNATIONAL_CLASSES


def _lift_international_feature(scores: list[float], context_bonuses: Sequence[float]) -> None:
    """After "the", a name whose most prominent reading lies in no one country keeps it against the context.

    The country context and the distance to the document's other places tell namesakes apart;
    they say nothing against the Pacific Ocean or the Middle East, which lie in no country and
    whose conventional point is far from everything a story names beside them. Without this,
    every US village of the name ("Pacific, Washington") outscores the ocean in a US story.
    Such a feature gets the best context bonus (country, division, distance) its name's other
    readings get; what the words around the name say (a qualifier, "the city of") is not lifted.
    Oceans, seas and regions take the article ("the Pacific", "the Middle East") and towns do
    not: "near Atlantic" is the town, so the caller lifts only after "the". Only a leading
    reading is lifted: a river named like a country ("Jordan") stays behind the country
    (:func:`_leads_international` says which names qualify).
    """
    lift = max(context_bonuses[1:], default=0.0) - context_bonuses[0]
    if lift > 0.0:
        scores[0] += lift


# The kind words a division of each designated kind is named with in the gazetteer ("Western Province").
_KIND_WORD_VARIANTS = {
    "division": ("province", "state", "region", "governorate", "oblast", "prefecture"),
    "area": ("district", "region", "province"),
    "region": ("region", "oblast"),  # as _REGION_NAME_WORDS
    "county": ("county",),
}
_JOINED = re.compile(r"\s+(?:and|or|&)\s+")
# Words that make a country's or a division's formal name longer than the name news repeats after it:
# "the Democratic Republic of the Congo" ... "Congo", "Rivers State" ... "Rivers".
_FORMAL_NAME_WORDS = frozenset(
    [
        "democratic",
        "republic",
        "of",
        "the",
        "people's",
        "peoples",
        "federal",
        "islamic",
        "kingdom",
        "state",
        "province",
        "region",
        "county",
        "district",
        "governorate",
        "oblast",
        "prefecture",
        "territory",
        "department",
    ]
)
_FORMAL_AREA_CODES = frozenset({"PCLI", "ADM1", "ADM1H", "ADM2", "TERR"})


def _with_longer_names(
    spans: Sequence[Span], options: list[tuple[list[Candidate], str]]
) -> list[tuple[list[Candidate], str]]:
    """A name that the document also gives in a formal form ("the Democratic Republic of the Congo") may mean it.

    The short form ("Congo") is then a reading of the country or division the formal name
    leads to, at that name's own prior; the short form's namesakes (the Republic of the Congo)
    stay its candidates, so population and context still decide. Only areas: "Mexico City"
    is no formal name of Mexico.
    """
    formal: dict[str, Candidate] = {}
    for span, (cands, kind) in zip(spans, options, strict=True):
        if (
            kind != "toponym"
            or not cands
            or " " not in span.key
            or cands[0].place.feature_code not in _FORMAL_AREA_CODES
        ):
            continue
        words = span.key.split()
        core = " ".join(w for w in words if w not in _FORMAL_NAME_WORDS)
        if core and core != span.key and core not in formal:
            formal[core] = cands[0]
    if not formal:
        return options
    widened: dict[int, list[Candidate]] = {}
    out = []
    for span, (cands, kind) in zip(spans, options, strict=True):
        longer = formal.get(span.key)
        if kind == "toponym" and longer is not None and all(c.place.id != longer.place.id for c in cands):
            if id(cands) not in widened:
                widened[id(cands)] = sorted([*cands, longer], key=lambda c: -c.prior)
            cands = widened[id(cands)]
        out.append((cands, kind))
    return out


def _leading_area(cands: Sequence[Candidate]) -> Place:
    """A name's largest reading among its five most prominent, else its most prominent one.

    In "Utah, Washington, West Virginia and Wyoming" the capital leads Washington's readings, but
    the state is what makes it a peer of the list's other states rather than a town in West Virginia.
    """
    return max(cands[:5], key=lambda c: _AREA_RANK.get(c.place.feature_code, 0)).place


def _respelt(city: Candidate, cands: Sequence[Candidate]) -> bool:
    """Whether a town's own name spells the name of a division among ``cands`` another way
    ("Janīn" for "Jenin", "Dayr al Balah" for "Deir al-Balah"): as many words, the same first
    letter; not a longer name the division's is short for ("Oklahoma City", "Bihar Sharif")."""
    own = name_key(city.place.name)
    return any(
        c.match == "name"
        and c.place.feature_code in {"ADM1", "ADM2"}
        and (division := name_key(c.place.name))[:1] == own[:1]
        and division.count(" ") == own.count(" ")
        for c in cands
    )


def _prefer_namesake_city(cands: Sequence[Candidate], scores: list[float]) -> None:
    """A division named after its city and centred on it (Istanbul, Lachin) means the city.

    News names the city; the province around it wins on population alone. Divisions
    far from their namesake (New York State) keep their score. The city may carry the name
    as an alternate spelling ("Janīn" for the Jenin of its governorate): next to a division of
    that very name it is the same namesake, not an old name of another place.
    """
    own_name = any(c.match == "name" and c.place.feature_code in {"ADM1", "ADM2"} for c in cands)
    cities = [
        (k, c.place)
        for k, c in enumerate(cands)
        if c.place.feature_class == "P"
        and (c.match == "name" or (own_name and c.match == "alt" and _respelt(c, cands)))
    ]
    if not cities:
        return
    for k, cand in enumerate(cands):
        area = cand.place
        if area.feature_code not in {"ADM1", "ADM2"}:
            continue
        for j, city in cities:
            if (
                city.country == area.country
                and scores[j] < scores[k]
                and abs(city.lat - area.lat) < 0.5
                and abs(city.lon - area.lon) < 0.6
            ):
                scores[j] = scores[k] + 0.01


def _prefer_larger_city(cands: Sequence[Candidate], scores: list[float]) -> None:
    """A division smaller than a city of its name (a parish, a district of a small country) yields to the city.

    The feature weight that lifts first-level divisions over towns is meant for the states and
    provinces news names; a division of a few thousand people does not outrank a city of a
    quarter million ("Southampton" is the English city, not a parish of Bermuda). Only names
    that are each place's own count (not an old name, Berea for Aleppo); divisions whose
    population is unknown (0) keep their score.
    """
    cities = [
        (k, c.place.population) for k, c in enumerate(cands) if c.place.feature_class == "P" and c.match == "name"
    ]
    if not cities:
        return
    for k, cand in enumerate(cands):
        area = cand.place
        if area.feature_code not in {"ADM1", "ADM2"} or area.population <= 0 or cand.match != "name":
            continue
        for j, population in cities:
            if population > area.population and scores[j] <= scores[k]:
                scores[j] = scores[k] + 0.01


def _softmax_share(scores: list[float], best: int) -> float:
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    return weights[best] / sum(weights)


def _list_runs(text: str, spans: Sequence[Span]) -> list[list[int]]:
    """Runs of spans joined by commas, "and" or "or", one span alone being a run of one."""
    runs: list[list[int]] = []
    for idx, span in enumerate(spans):
        if runs and _LIST_GAP.fullmatch(text[spans[runs[-1][-1]].end : span.start]) is not None:
            runs[-1].append(idx)
        else:
            runs.append([idx])
    return runs


def _list_groups(text: str, spans: Sequence[Span]) -> list[list[int]]:
    """Lists of three names or more ("Arizona, Utah, Washington and Wisconsin")."""
    return [run for run in _list_runs(text, spans) if len(run) >= 3]


def _designated(text: str, span: Span, demonym_keys: Container[str] = ()) -> tuple[str, bool] | None:
    """The kind of place the words around a name give it ("division", "area", "county", "town",
    "region"), if any, and whether the words say it outright.

    Outright are a kind word before the name ("the city of Sao Paulo") and a lowercase one
    after it ("Malappuram district"); a capitalised one after it may open an organisation's
    name instead ("London District Catholic School Board", "Mayo County Council").
    """
    before = _DESIGNATOR_BEFORE.search(text, max(0, span.start - 20), span.start)
    if before is not None:
        # "the Adhamiyah district of Baghdad" names a part of the city, not what kind of place
        # Baghdad is; "the Syrian province of Idlib" does say it.
        named = _NAMED_BEFORE.search(text, max(0, before.start() - 30), before.start())
        if named is None or name_key(named.group(1)) in demonym_keys:
            return _DESIGNATED_KIND[before.group(1)], True
        return None
    after = _DESIGNATOR_AFTER.match(text[span.end : span.end + 16])
    if after is None:
        return None
    word = after.group(1)
    return _KIND_AFTER[word], word.islower()


def _plural_designations(text: str, spans: Sequence[Span]) -> dict[int, str]:
    """Spans of a list ("A, B and C") after or before a plural kind word ("counties"): that kind, by span index."""
    out: dict[int, str] = {}
    for run in _list_runs(text, spans):
        first, last = spans[run[0]], spans[run[-1]]
        # The word after the list wins over one before it.
        found = _PLURAL_AFTER.match(text, last.end) or _PLURAL_BEFORE.search(
            text, max(0, first.start - 20), first.start
        )
        if found is not None:
            out.update(dict.fromkeys(run, _PLURAL_KIND[found.group(1)]))
    return out


def _written_abbreviated(text: str, span: Span) -> bool:
    """Whether a span is written as an abbreviation: with its period, or in capitals after a comma ("Moscow, ID")."""
    words = span.text
    return (
        words.endswith(".")
        or text.startswith(".", span.end)
        or (len(words) <= 3 and words.isupper() and text[max(0, span.start - 2) : span.start] == ", ")
    )


# Last words that make a name a sea's, a strait's or a range's ("the Red Sea", "the Taiwan Strait"):
# a division named after the feature is written with its kind word ("Red Sea State"). Left out:
# words that end many towns' names too (Lake, River, Bay, Falls: "Thunder Bay", "Clear Lake").
_FEATURE_HEADS = frozenset(["sea", "ocean", "gulf", "strait", "straits", "desert", "mountains", "peninsula"])
_FEATURE_CLASSES = frozenset({"H", "T"})
# The kind words a first-level division is named with for "the X region" to mean it ("Kursk Oblast").
_REGION_NAME_WORDS = ("region", "oblast")


def _designation_fits(cands: Sequence[Candidate], designated: str, key: str = "") -> list[bool]:
    """For each candidate, whether it is the kind of place the designation names.

    A lowercase "region" after a name (``key``) names a first-level division the gazetteer calls
    "<name> Region" or "<name> Oblast" ("the Kursk region": Kursk Oblast); where it has none
    ("the Nairobi region", "the Houston region") the words are loose talk for the area around
    the city and fit nothing.
    """
    if designated == "town":
        return [c.place.feature_class == "P" for c in cands]
    if designated == "feature":
        return [c.place.feature_class in _FEATURE_CLASSES for c in cands]
    if designated == "region":
        named = {f"{key} {word}" for word in _REGION_NAME_WORDS}
        return [c.place.feature_code in {"ADM1", "ADM1H"} and name_key(c.place.name) in named for c in cands]
    for codes in _DESIGNATION_TIERS[designated]:
        fits = [c.place.feature_code in codes for c in cands]
        if any(fits):
            return fits
    return [False] * len(cands)


# A name this prominent keeps its reading when another name follows it ("the Nebraska Sandhills").
_CUT_SHORT_MAX_POPULATION = 100_000


def _cut_short(text: str, spans: Sequence[Span], options: Sequence[tuple[list[Candidate], str]]) -> set[int]:
    """Names that another name follows after one space: the start of a longer name the gazetteer
    lacks ("Sierra Nevada", "Mardi Gras", "Metro Vancouver"), which the first does not mean.

    News separates two places with a comma or a word. Kept: a name before a common word or a
    longer name that is only a small place's (a noun about the place: "Ozark Dodge", "New Concord
    Reservoir"; "the Greenbrier River Valley"),
    demonyms ("Italian Alps"), and a country, a first-level division or a large city, which a
    name after it qualifies rather than continues ("U.S. Chinook helicopters", "Istanbul Ataturk
    Airport").
    """

    def prominent(idx: int) -> bool:
        cands = options[idx][0]
        lead = cands[0].place if cands else None
        return lead is not None and (
            _AREA_RANK.get(lead.feature_code, 0) >= 2 or lead.population >= _CUT_SHORT_MAX_POPULATION
        )

    out: set[int] = set()
    for idx in range(len(spans) - 1):
        span, nxt = spans[idx], spans[idx + 1]
        if nxt.start != span.end + 1 or text[span.end] != " " or span.demonym or nxt.demonym:
            continue
        if ((nxt.common or " " in nxt.key) and not prominent(idx + 1)) or prominent(idx):
            continue
        out.add(idx)
    return out


_NATURAL_CLASSES = frozenset({"H", "T", "L"})


def _readings_after_the(
    text: str, spans: Sequence[Span], options: list[tuple[list[Candidate], str]], designations: Mapping[int, str]
) -> list[tuple[list[Candidate], str]]:
    """After "the", a name that is also a river, a range or a region is not a town of the name.

    Rivers, ranges and regions take the article ("on the Elbe", "the Thames", "the Midwest");
    towns do not ("near Elbe" is the village). Countries and divisions are left to the context
    ("the Mississippi" may be the state), and so are names whose words said a kind.
    """
    out = options
    narrowed: dict[int, list[Candidate]] = {}
    for idx, span in enumerate(spans):
        cands, kind = options[idx]
        if kind != "toponym" or len(cands) < 2 or idx in designations or span.key.startswith("the "):
            continue
        if _AFTER_ANY_THE.search(text, max(0, span.start - 5), span.start) is None:
            continue
        if id(cands) not in narrowed:
            natural = any(c.place.feature_class in _NATURAL_CLASSES for c in cands)
            kept = [c for c in cands if c.place.feature_class != "P"] if natural else cands
            narrowed[id(cands)] = kept if kept and len(kept) < len(cands) else cands
        if narrowed[id(cands)] is not cands:
            if out is options:
                out = list(options)
            out[idx] = (narrowed[id(cands)], kind)
    return out


def _designated_readings(
    spans: Sequence[Span],
    options: list[tuple[list[Candidate], str]],
    designations: Mapping[int, str],
    firm: Container[int],
) -> list[tuple[list[Candidate], str]]:
    """A name the words around it give a kind outright ("Malappuram district", "the city of
    Belgorod") keeps, in each country where it has a reading of that kind, only those readings;
    the context then chooses among what is left.

    The kind is the writer's own word: a nearby town or a larger population does not outvote
    it. Per mention, as the words are: "the Belgorod region" and "the city of Belgorod" in one
    story are the division and its city. Countries with no reading of the kind keep theirs
    ("the Lancaster district" of England has no district of that name in the gazetteer, but
    US counties do).
    """
    out = options
    narrowed: dict[tuple[int, str], list[Candidate]] = {}
    for idx, designated in designations.items():
        cands, kind = options[idx]
        if idx not in firm or kind != "toponym" or len(cands) < 2:
            continue
        case = (id(cands), designated)
        if case not in narrowed:
            fits = _designation_fits(cands, designated, spans[idx].key)
            # A sea's reading lies in no country: its name alone said what it is, in every country.
            fitting_countries = (
                {c.place.country for c in cands}
                if designated == "feature"
                else {c.place.country for c, fit in zip(cands, fits, strict=True) if fit}
            )
            kept = [c for c, fit in zip(cands, fits, strict=True) if fit or c.place.country not in fitting_countries]
            narrowed[case] = kept if len(kept) < len(cands) else cands
        if narrowed[case] is not cands:
            if out is options:
                out = list(options)
            out[idx] = (narrowed[case], kind)
    return out


def _place_kind(place: Place) -> tuple[str, str] | None:
    """The kind of place a list may be made of: countries, or one country's first-level divisions."""
    if place.feature_code in {"PCLI", "TERR"}:
        return ("country", "")
    if place.feature_code in {"ADM1", "ADM1H"}:
        return ("division", place.country)
    return None


def _peer_kinds(lists: list[list[int]], spans: Sequence[Span], first: list[Place | None]) -> dict[int, tuple[str, str]]:
    """For each listed span, the kind of place most of the list's other names are, if most share one.

    "Other names" leaves out every span of the listed name's own key. Counts are kept per
    key and subtracted, so a list of n names costs n times its kinds of place, not n squared.
    """
    out: dict[int, tuple[str, str]] = {}
    for group in lists:
        kinds: Counter[tuple[str, str] | None] = Counter()
        by_key: dict[str, Counter[tuple[str, str] | None]] = {}
        # For ties, the kind met first among the other names wins: where each kind is first
        # met, and first met under a second key.
        first_at: dict[tuple[str, str] | None, tuple[int, str]] = {}
        second_at: dict[tuple[str, str] | None, int] = {}
        for j in group:
            listed = first[j]
            if listed is None:
                continue
            kind, key = _place_kind(listed), spans[j].key
            kinds[kind] += 1
            by_key.setdefault(key, Counter())[kind] += 1
            if kind not in first_at:
                first_at[kind] = (j, key)
            elif kind not in second_at and first_at[kind][1] != key:
                second_at[kind] = j
        for idx in group:
            key = spans[idx].key
            own = by_key.get(key, Counter())
            others = sum(kinds.values()) - sum(own.values())
            if others < 2:
                continue
            counts = {kind: n - own[kind] for kind, n in kinds.items() if n - own[kind] > 0}
            met = {kind: first_at[kind][0] if first_at[kind][1] != key else second_at[kind] for kind in counts}
            kind = min(counts, key=lambda k: (-counts[k], met[k]))
            if kind is not None and counts[kind] * 3 >= others * 2:
                out[idx] = kind
    return out


@mypyc_attr(allow_interpreted_subclasses=True)  # a public class: subclassable when compiled too
class Resolver:
    """Resolves recognised spans against the gazetteer.

    Parameters
    ----------
    gazetteer : Gazetteer
        The open index.
    rules : Rules, optional
        The user's pins and exclusions.
    demonyms : bool
        Whether demonyms resolve to their country.
    """

    def __init__(self, gazetteer: Gazetteer, *, rules: Rules | None = None, demonyms: bool = True) -> None:
        self.gazetteer = gazetteer
        self.rules = rules or Rules()
        self.demonyms = demonyms
        self._feature_keys = frozenset(name_key(w) for w in lexicons.feature_words())

    def _candidates(self, span: Span, abbreviated: bool = False, feature: bool = False) -> tuple[list[Candidate], str]:
        pinned = self.rules.pinned_place(span.key, self.gazetteer)
        if pinned is not None:
            return [Candidate(pinned, "name", 20.0)], "toponym"
        cands = self.gazetteer.candidates(span.key)
        names = [c for c in cands if c.match != "demonym"]
        # "the White House", "Chatham House": a feature, never a town (nor "Chatham County") of that name.
        if feature:
            names = [c for c in names if c.place.feature_class != "P" and c.match != "short"]
        # "the Strip" refers back to an area or a landform; "the House" after "the White House" is
        # the legislature, not the building.
        if span.reference:
            names = [c for c in names if c.place.feature_class != "S"]
        # "Springfield, Mo." is Missouri; "Mo" alone, where a place has that name, is not.
        abbreviations = [c for c in names if c.match == "abbr"]
        if abbreviated and abbreviations:
            names = abbreviations
        elif abbreviations and len(abbreviations) < len(names):
            names = [c for c in names if c.match != "abbr"]
        demonyms = [c for c in cands if c.match == "demonym"]
        countries = self.rules.preferred_countries(span.key)
        if countries:
            names = [c for c in names if c.place.country in countries] or names
        # A capitalised word that is both a demonym and a village is the demonym.
        if demonyms and (span.demonym or not names or names[0].prior < demonyms[0].prior):
            return (demonyms[:1], "demonym") if self.demonyms else ([], "demonym")
        return names[:_MAX_CANDIDATES], "toponym"

    def _without_feature_word_tails(
        self, text: str, spans: Sequence[Span], options: list[tuple[list[Candidate], str]]
    ) -> list[tuple[list[Candidate], str]]:
        """ "the Mekong Delta": a feature word right after a name, in its phrase, is that feature's name, not a place.

        The recogniser may take the word for a name of its own (Delta, a state of Nigeria); it
        ends the longer name the gazetteer lacks, as "Corn Belt" does.
        """
        out = options
        for idx in range(1, len(spans)):
            span, before = spans[idx], spans[idx - 1]
            if (
                span.key in self._feature_keys
                and _NEXT_WORD.fullmatch(text, before.end, span.end) is not None
                and self._names_feature(text, before)
            ):
                if out is options:
                    out = list(options)
                out[idx] = ([], options[idx][1])
        return out

    def _with_shared_heads(
        self, text: str, spans: Sequence[Span], options: list[tuple[list[Candidate], str]]
    ) -> list[tuple[list[Candidate], str]]:
        """ "Central and South America", "North and South Korea": the first word means the name it shares a head with.

        A compass word joined by "and" or "or" to a name that starts with another compass word
        reads as that name with its own word in front ("Central America"), where the gazetteer
        has it; not the region of Israel called Central.
        """
        out = options
        for idx in range(len(spans) - 1):
            span, following = spans[idx], spans[idx + 1]
            if span.key not in COMPASS_WORDS or not _JOINED.fullmatch(text, span.end, following.start):
                continue
            if span.key in self.rules.pins:  # the user's pin holds
                continue
            first, _, head = following.key.partition(" ")
            if first not in COMPASS_WORDS or not head:
                continue
            name_keys = self.gazetteer.keys()  # a set look-up first: no query for a name the index lacks
            if f"{span.key} {head}" not in name_keys:
                continue
            shared = replace(span, key=f"{span.key} {head}")
            cands, kind = self._candidates(shared)
            if cands and kind == "toponym":
                if out is options:
                    out = list(options)
                out[idx] = (cands, kind)
        return out

    def _designations(self, text: str, spans: Sequence[Span]) -> tuple[dict[int, str], set[int]]:
        """The kind of place the words around each span give it, by span index (spans with none left out),
        and the spans whose words say it outright (see :func:`_designated`; a dateline says a town)."""
        plural_kinds = _plural_designations(text, spans)
        demonym_keys = self.gazetteer.demonym_keys()
        # A dateline names the city a story is filed from ("JENIN, West Bank (Reuters) -").
        dateline_start, dateline_end = dateline_span(text) if spans and spans[0].start < DATELINE_REACH else (0, 0)
        out: dict[int, str] = {}
        firm: set[int] = set()
        for idx, span in enumerate(spans):
            said = _designated(text, span, demonym_keys)
            if said is None and dateline_start <= span.start < dateline_end and not span.demonym:
                said = ("town", True)
            if said is None and not span.demonym and span.key.rpartition(" ")[2] in _FEATURE_HEADS:
                said = ("feature", True)  # "the Red Sea" is the sea, not Sudan's Red Sea state
            if said is not None:
                out[idx] = said[0]
                if said[1]:
                    firm.add(idx)
            elif idx in plural_kinds:
                # A plural word after one name is often about the places in it ("the Indiana
                # counties"): a weight, not a choice.
                out[idx] = plural_kinds[idx]
        return out, firm

    def _with_kind_word_variants(
        self, spans: Sequence[Span], options: list[tuple[list[Candidate], str]], designations: Mapping[int, str]
    ) -> list[tuple[list[Candidate], str]]:
        """A name the words around it call a division ("the provinces of Nyanza and Western") also
        means the divisions the gazetteer names with that kind word ("Western Province").

        The variants join the name's own candidates; the designation and the document's
        country then choose among them (Kenya's Western Province, not Uganda's Western region).
        """
        out = options
        widened: dict[tuple[int, str], list[Candidate]] = {}
        for idx, designated in designations.items():
            span, (cands, kind) = spans[idx], options[idx]
            if kind != "toponym" or designated not in _KIND_WORD_VARIANTS:
                continue
            case = (id(cands), designated)
            if case not in widened:
                known = {c.place.id for c in cands}
                extra: list[Candidate] = []
                # Only the variants the index holds are looked up (a set look-up, not a query each).
                variants = [f"{span.key} {word}" for word in _KIND_WORD_VARIANTS[designated]]
                for variant in filter(self.gazetteer.keys().__contains__, variants):
                    for cand in self.gazetteer.candidates(variant):
                        if cand.match != "demonym" and cand.place.id not in known:
                            known.add(cand.place.id)
                            extra.append(cand)
                widened[case] = sorted([*cands, *extra], key=lambda c: -c.prior)[:_MAX_CANDIDATES] if extra else cands
            if widened[case] is not cands:
                if out is options:
                    out = list(options)
                out[idx] = (widened[case], kind)
        return out

    def resolve(self, text: str, spans: Sequence[Span], *, keep_all: bool = False) -> list[Resolved]:
        """Choose a place for each span; spans with no good candidate are dropped.

        With ``keep_all`` (gold spans), weak single-word names are kept too.
        """
        self.gazetteer.prefetch(span.key for span in spans)
        # One candidate list per name (and demonym reading), shared by its spans.
        by_name: dict[tuple[str, bool, bool, bool, bool], tuple[list[Candidate], str]] = {}
        options = []
        for span in spans:
            name = (
                span.key,
                span.demonym,
                span.abbreviation or _written_abbreviated(text, span),
                self._names_feature(text, span),
                span.reference,
            )
            if name not in by_name:
                by_name[name] = self._candidates(span, name[2], name[3])
            options.append(by_name[name])
        options = self._without_feature_word_tails(text, spans, options)
        options = _with_longer_names(spans, options)
        options = self._with_shared_heads(text, spans, options)
        designations, firm = self._designations(text, spans)
        options = self._with_kind_word_variants(spans, options, designations)
        options = _designated_readings(spans, options, designations, firm)
        options = _readings_after_the(text, spans, options, designations)
        if not keep_all:
            # A team in a match report, a person ("Thatcher said"): no place, whatever the gazetteer holds.
            dropped = uses.not_place_spans(text, spans, lambda idx: _may_be_person(options[idx][0]))
            dropped |= _cut_short(text, spans, options)
            if dropped:
                options = [([], opt[1]) if idx in dropped else opt for idx, opt in enumerate(options)]
        qualifiers = self._qualifiers(text, spans, options)
        # What the writer said outright ("Moscow, Idaho") holds for the name's other mentions too:
        # keep only the candidates that fit the qualifier, for every span of that name.
        options = self._apply_qualifiers(spans, options, qualifiers)
        # First pass: what each name means on its own, for the document's context;
        # then once more with the context the first choices give.
        first = [cands[0].place if cands else None for cands, _ in options]
        lists = _list_groups(text, spans)
        mutual = _mutually_near(spans, options)
        shared = _PassParts()
        chosen = self._choose(text, spans, options, qualifiers, first, keep_all, lists, mutual, designations, shared)
        # Names dropped in this pass (a surname, a common word) no longer vote as context, and
        # changed choices vote for their new place; when nothing changed, a pass more would repeat this one.
        chosen_places = [r.place if r is not None else None for r in chosen]
        if chosen_places != first:
            chosen = self._choose(
                text, spans, options, qualifiers, chosen_places, keep_all, lists, mutual, designations, shared
            )
        return [r for r in chosen if r is not None]

    def _choose(
        self,
        text: str,
        spans: Sequence[Span],
        options: list[tuple[list[Candidate], str]],
        qualifiers: dict[int, Place],
        first: list[Place | None],
        keep_all: bool,
        lists: list[list[int]] | None = None,
        mutual: Container[tuple[str, str]] = (),
        designations: Mapping[int, str] | None = None,
        shared: _PassParts | None = None,
    ) -> list[Resolved | None]:
        """One scoring pass: each span's best candidate given the context of ``first``.

        ``designations`` are the kinds the words around the spans give them (see ``_designations``);
        ``shared`` holds what does not depend on ``first`` (each candidate's fixed score parts, the
        distance queries), worked out by the first pass and reused by the second.
        """
        if shared is None:
            shared = _PassParts()
        # The context of a name is what the document's OTHER names say: five "Georgia"s
        # must not vote for their own reading, so each name's own share is kept apart.
        # Weights are halves and wholes: float tallies (a Counter is typed for int counts).
        countries: defaultdict[str, float] = defaultdict(float)
        admin1s: defaultdict[tuple[str, str], float] = defaultdict(float)
        by_key_country: dict[str, defaultdict[str, float]] = {}
        by_key_admin1: dict[str, defaultdict[tuple[str, str], float]] = {}
        by_key_weight: defaultdict[str, float] = defaultdict(float)
        # The names whose first choice lies in each division: two of them agreeing are context
        # even when neither is sure ("Tyler" and "Sulphur Springs" for Paris, Texas).
        agreeing: dict[tuple[str, str], set[str]] = {}
        for span, place, (cands, _kind) in zip(spans, first, options, strict=True):
            if place is None:
                continue
            sure = len(cands) == 1 or cands[0].prior - cands[1].prior >= 2.0
            weight = 1.0 if sure else 0.5
            countries[place.country] += weight
            by_key_country.setdefault(span.key, defaultdict(float))[place.country] += weight
            by_key_weight[span.key] += weight
            agreeing.setdefault((place.country, place.admin1), set()).add(span.key)
            if place.feature_code in {"ADM1", "ADM1H", "PCLI"} or sure:
                admin1s[(place.country, place.admin1)] += weight
                by_key_admin1.setdefault(span.key, defaultdict(float))[(place.country, place.admin1)] += weight
        total_weight = sum(by_key_weight.values())
        agreed = {division: keys for division, keys in agreeing.items() if len(keys) >= 2}
        anchor_points = [
            (p.lat, p.lon, span.key)
            for p, span, (cands, _) in zip(first, spans, options, strict=True)
            if p is not None
            and p.feature_code not in _AREA_CODES
            and (len(cands) == 1 or cands[0].prior - cands[1].prior >= 2.0)
        ]
        anchors = bool(anchor_points)
        nearest_km = shared.nearest_km(spans, options, anchor_points)
        peer_kinds = _peer_kinds(lists or [], spans, first)
        if designations is None:
            designations = self._designations(text, spans)[0]
        # Mentions of one name in like surroundings score alike: each distinct case is scored once.
        decided: dict[tuple[object, ...], tuple[int, float] | None] = {}
        w_country, w_country_share = WEIGHTS["country_context"], WEIGHTS["country_share"]
        w_admin1, w_designator, w_list_peer = WEIGHTS["admin1_context"], WEIGHTS["designator"], WEIGHTS["list_peer"]
        w_near_50, w_near_300, w_near_1000 = WEIGHTS["near_50km"], WEIGHTS["near_300km"], WEIGHTS["near_1000km"]
        resolved: list[Resolved | None] = []
        for idx, (span, (cands, kind)) in enumerate(zip(spans, options, strict=True)):
            if not cands:
                resolved.append(None)
                continue
            if kind == "demonym":
                resolved.append(Resolved(span, cands[0].place, "demonym", 0.9))
                continue
            designated = designations.get(idx)
            qualifier = qualifiers.get(idx)
            peer_kind = peer_kinds.get(idx)
            exempt = keep_all or span.key in self.rules.pins or span.key in self.rules.prefer
            # "the Pacific", "the Middle East": the article that oceans and regions take and towns do not
            # (looked for only where the name's leading reading is such a feature).
            with_article = _leads_international(cands) and (
                span.text[:4].lower() == "the "
                or _AFTER_ANY_THE.search(text, max(0, span.start - 5), span.start) is not None
            )
            case = (
                id(cands),
                span.key,
                id(qualifier),
                designated,
                peer_kind,
                exempt,
                span.sentence_initial,
                span.common,
                span.given_name,
                with_article,
            )
            if case not in decided:
                own_countries = by_key_country.get(span.key, _NO_COUNTS)
                own_admin1s = by_key_admin1.get(span.key, _NO_COUNTS)
                rest_weight = total_weight - by_key_weight[span.key]
                scores = []
                # Evidence for the place itself, without the country-wide context that lifts
                # every candidate of a country alike (nor mutual proximity): what the drop rules below weigh.
                evidence = []
                mutual_bonus = []
                # The context bonuses are kept only where an international feature may need them.
                lift_wanted = with_article
                context_bonuses = []
                parts = shared.candidate_parts(self, cands, span.key, qualifier, designated, mutual)
                for score, country, division, query, near_bonus, designator, place_kind in parts:
                    country_bonus = 0.0
                    others = countries[country] - own_countries.get(country, 0.0)
                    if others > 0 and country:
                        # The more of the document lies in the country, the likelier this place does.
                        share = others / max(1e-9, rest_weight)
                        country_bonus = w_country + w_country_share * share
                        score += country_bonus
                    admin1_bonus = agreed_bonus = 0.0
                    if division is not None:
                        if admin1s[division] - own_admin1s.get(division, 0.0) > 0:
                            admin1_bonus = w_admin1
                        elif (
                            agreed
                            and division in agreed
                            and len(agreed[division]) - (span.key in agreed[division]) >= 2
                        ):
                            # Like the country context, it picks among a name's readings and does not
                            # make a weak name a place (so it is left out of the evidence).
                            admin1_bonus = agreed_bonus = w_admin1
                        score += admin1_bonus
                    distance_bonus = 0.0
                    if query is not None and anchors:
                        nearest = nearest_km[query]
                        if nearest <= 50:
                            distance_bonus = w_near_50
                        elif nearest <= 300:
                            distance_bonus = w_near_300
                        elif nearest <= _NEAR_LIMIT_KM:
                            distance_bonus = w_near_1000
                        score += distance_bonus
                    # Mutual proximity (in near_bonus) is evidence for one reading of a name that is a place
                    # anyway, but, like the country context, not that a weak name is a place: two surnames
                    # may both be villages near each other.
                    score += near_bonus
                    if designator:
                        score += w_designator
                    if peer_kind is not None and place_kind == peer_kind:
                        score += w_list_peer
                    scores.append(score)
                    evidence.append(score - country_bonus - near_bonus - agreed_bonus)
                    mutual_bonus.append(near_bonus)
                    if lift_wanted:
                        context_bonuses.append(country_bonus + admin1_bonus + distance_bonus + near_bonus)
                if lift_wanted:
                    _lift_international_feature(scores, context_bonuses)
                # What the text gave each reading, before the city rules below re-rank namesakes.
                text_scores = scores.copy()
                if designated is None:  # "Idlib governorate" is the division, whatever its city
                    _prefer_namesake_city(cands, scores)
                    _prefer_larger_city(cands, scores)
                ranked = sorted(range(len(scores)), key=lambda k: (-scores[k], k))
                # The best candidate the text supports well enough; a weak favourite (Cairo, Georgia
                # in a US story) gives way to the next (Cairo, Egypt) rather than losing the name.
                if exempt:
                    best: int | None = ranked[0]
                elif any(self._supported(span, cands[k], evidence[k]) for k in ranked):
                    best = next(
                        (k for k in ranked if self._supported(span, cands[k], evidence[k] + mutual_bonus[k])), None
                    )
                else:
                    best = None
                if (
                    best is not None
                    and not exempt
                    and rest_weight >= _STRAY_CONTEXT_WEIGHT
                    and _stray(cands[best], text_scores[best])
                    # The document's other places hold together in one country (a list of towns
                    # in three countries is no story from any one of them).
                    and max(w - own_countries.get(c, 0.0) for c, w in countries.items()) >= _STRAY_CONTEXT_WEIGHT
                ):
                    best = None
                if best is None:
                    decided[case] = None
                else:
                    share = _softmax_share(scores, best)
                    support = 1.0 / (1.0 + math.exp(-(scores[best] - 3.0)))
                    decided[case] = (best, round(max(0.0, min(1.0, share * (0.5 + 0.5 * support))), 3))
            outcome = decided[case]
            resolved.append(None if outcome is None else Resolved(span, cands[outcome[0]].place, kind, outcome[1]))
        return resolved

    def _names_feature(self, text: str, span: Span) -> bool:
        """Whether a name is part of the name of a feature that is no town of that name.

        Either a feature word follows it in the same capitalised phrase, which the gazetteer
        lacks as a whole ("Corn Belt", "Chatham House"; its readings as an area stay, "Texas
        Forest Service"), or, after "the", it ends in one and the phrase goes no further ("the
        White House", "the Great Lakes"; not "the Delta Police").
        """
        after = _NEXT_WORD.match(text, span.end)
        if after is not None and name_key(after.group(1)) in self._feature_keys:
            return True
        # "the Cape of Good Hope", "the Bay of Fundy": the name ends a feature's longer name.
        if _FEATURE_OF_BEFORE.search(text, max(0, span.start - 12), span.start) is not None:
            return True
        last_word = span.key.rpartition(" ")[2]
        return (
            last_word in self._feature_keys
            and after is None
            # "the Plains", and "the Great Plains" with the words the gazetteer lacks before it
            and _THE_PHRASE_BEFORE.search(text, max(0, span.start - 30), span.start) is not None
        )

    @staticmethod
    def _fits(place: Place, qualifier: Place) -> bool:
        return place.country == qualifier.country and (
            qualifier.feature_code == "PCLI" or place.admin1 == qualifier.admin1 or place.admin1 == qualifier.name
        )

    def _apply_qualifiers(
        self, spans: Sequence[Span], options: list[tuple[list[Candidate], str]], qualifiers: dict[int, Place]
    ) -> list[tuple[list[Candidate], str]]:
        by_key: dict[str, Place] = {}
        for idx, qualifier in qualifiers.items():
            cands, kind = options[idx]
            if kind == "toponym" and any(self._fits(c.place, qualifier) for c in cands):
                by_key.setdefault(spans[idx].key, qualifier)
        if not by_key:
            return options
        out = []
        for idx, (span, (cands, kind)) in enumerate(zip(spans, options, strict=True)):
            qualifying = qualifiers.get(idx) or by_key.get(span.key)
            if kind == "toponym" and qualifying is not None:
                fitting = [c for c in cands if self._fits(c.place, qualifying)]
                if fitting:
                    cands = fitting
                    qualifiers.setdefault(idx, qualifying)
            out.append((cands, kind))
        return out

    @staticmethod
    def _supported(span: Span, cand: Candidate, evidence: float) -> bool:
        """Whether the text gives a candidate enough evidence to stand as a mention.

        ``evidence`` is the candidate's score without the country-wide context,
        which lifts every candidate of a country alike.
        """
        single = " " not in span.key
        if single and evidence < WEIGHTS["min_prior_single_word"]:
            return False
        # A common English word ("Union", "Drug") or a given name ("Kristina") is a place
        # only when it names a prominent one or the text places it.
        needed = WEIGHTS["min_score_common_word"] + (2.0 if span.sentence_initial else 0.0)
        if (span.common or span.given_name) and evidence < needed:
            return False
        # A small place known only by another of its names ("Scott" for Bethlehem) needs support;
        # a curated entry's other names ("Pacific" for the ocean) were put there by hand.
        small = cand.place.population < 5000 and not cand.place.source.startswith("curated")
        return not (single and cand.match == "alt" and small and evidence - cand.prior < 2.0)

    def _qualifiers(
        self, text: str, spans: Sequence[Span], options: list[tuple[list[Candidate], str]]
    ) -> dict[int, Place]:
        """Spans followed by ", <division or country>": the qualifier's place, by span index.

        The qualifier span itself keeps only that division ("Mississauga, Ontario" is the
        province, not Ontario, California). In a list ("Georgia, Illinois, Missouri"; "Iraq,
        Iran and Syria") peers qualify nothing: Illinois is not a village in Missouri.
        """
        out: dict[int, Place] = {}
        for idx in range(len(spans) - 1):
            gap = text[spans[idx].end : spans[idx + 1].start]
            if gap.strip() != "," or "\n" in gap:
                continue
            cands, kind = options[idx + 1]
            if kind != "toponym":
                continue
            area_cand = next((c for c in cands[:5] if c.place.feature_code in {"ADM1", "PCLI", "ADM2"}), None)
            if area_cand is None:
                continue
            area = area_cand.place
            own, own_kind = options[idx]
            fitting = [c for c in own if self._fits(c.place, area)] if own_kind == "toponym" else []
            if not fitting:
                if self._placed_elsewhere(text, spans, idx, options):
                    # "Stroud, Ontario": the writer said where the town is, and none of its namesakes
                    # is there (the gazetteer lacks it); the English Stroud is not meant.
                    options[idx] = ([], own_kind)
                    options[idx + 1] = ([area_cand], kind)
                continue
            in_list = self._in_list(text, spans, idx)
            if in_list and self._peers(own, area, fitting):
                continue
            if own[0].place.feature_code == "PCLI" and area.feature_code == "PCLI":
                # "China, Japan and the UK": a country is not qualified by another, in a list or not.
                continue
            out[idx] = area
            if not in_list:
                options[idx + 1] = ([area_cand], kind)
        return out

    @staticmethod
    def _placed_elsewhere(
        text: str, spans: Sequence[Span], idx: int, options: list[tuple[list[Candidate], str]]
    ) -> bool:
        """Whether a name is qualified by an area ("Stroud, Ontario") whose country holds none of its readings.

        The name's leading reading is a town or a division (a borough of England called Bradford);
        countries and features in no country are left to the other rules.

        Every first-level or country reading of the qualifier counts ("Atlanta, Georgia" names the
        state as well as the country), or its counties where it has no larger reading. Only the
        country is compared: sources name a country's divisions unevenly ("London, England", whose
        admin1 is a borough). A list ("Leeds, Wales and Scotland") qualifies nothing.
        """
        own, own_kind = options[idx]
        if (
            own_kind != "toponym"
            or not own
            or own[0].place.feature_code in {"PCLI", "TERR"}
            or not own[0].place.country
        ):
            return False
        # The qualifier's largest readings: Ontario the province, not a county of New York named after it.
        areas = [c.place for c in options[idx + 1][0][:5] if c.place.feature_code in {"ADM1", "PCLI", "ADM2"}]
        top_rank = max((_AREA_RANK[area.feature_code] for area in areas), default=0)
        countries = {area.country for area in areas if _AREA_RANK[area.feature_code] >= min(top_rank, 2)}
        if any(c.place.country in countries for c in own):
            return False
        before = text[spans[idx - 1].end : spans[idx].start] if idx > 0 else ""
        if _LIST_GAP.fullmatch(before) is not None:
            return False
        if idx + 2 < len(spans) and _LIST_GAP.fullmatch(text[spans[idx + 1].end : spans[idx + 2].start]):
            # "Stroud, Ontario, Canada" is a chain of qualifiers, "Stroud, Ontario, Quebec" a list.
            return any(c.place.feature_code == "PCLI" and c.place.country in countries for c in options[idx + 2][0][:5])
        return True

    @staticmethod
    def _peers(own: Sequence[Candidate], area: Place, fitting: list[Candidate]) -> bool:
        """Whether a name is a peer of the area after it, in a list: an area as large and not inside it.

        The name's most prominent reading decides ("Georgia, Armenia and Azerbaijan"), or, where a
        town or a capital leads, its largest reading if that is a division of the area's own
        country ("Utah, Washington, Pennsylvania and California"), but not one abroad: "Moscow,
        Pennsylvania and Kyiv" is a town in Pennsylvania. Its most prominent reading inside the area
        makes it a qualified name ("Texas, Washington, D.C.").
        """
        if Resolver._fits(own[0].place, area):
            return False
        largest_fitting = max(_AREA_RANK.get(c.place.feature_code, 0) for c in fitting)
        readings = [own[0].place]
        leading_area = _leading_area(own)
        if leading_area.feature_code in {"ADM1", "ADM1H"} and leading_area.country == area.country:
            readings.append(leading_area)
        for best in readings:
            own_rank = _AREA_RANK.get(best.feature_code, 0)
            if (
                own_rank >= _AREA_RANK[area.feature_code]
                and not Resolver._fits(best, area)
                and largest_fitting < own_rank
            ):
                return True
        return False

    @staticmethod
    def _in_list(text: str, spans: Sequence[Span], idx: int) -> bool:
        """Whether "<name>, <name>" at ``idx`` continues or goes on into a list ("A, B, C and D")."""
        before = text[spans[idx - 1].end : spans[idx].start] if idx > 0 else ""
        after = text[spans[idx + 1].end : spans[idx + 2].start] if idx + 2 < len(spans) else ""
        return _LIST_GAP.fullmatch(before) is not None or _LIST_GAP.fullmatch(after) is not None


def document_focus(resolved: Sequence[Resolved]) -> tuple[str, Place | None]:
    """The article's main country (ISO code) and main place.

    The main country is the one its mentions (demonyms included) point to most,
    weighted by confidence; the main place is its most mentioned place that is
    not a country, else the country itself.
    """
    if not resolved:
        return "", None
    countries: defaultdict[str, float] = defaultdict(float)
    places: defaultdict[str, float] = defaultdict(float)
    by_id: dict[str, Place] = {}
    for r in resolved:
        if r.place.country:
            countries[r.place.country] += r.score
        if r.place.feature_code != "PCLI" and r.kind == "toponym":
            places[r.place.id] += r.score
            by_id[r.place.id] = r.place
    # The first country met among the heaviest, as Counter.most_common would give.
    country = max(countries, key=countries.__getitem__) if countries else ""
    in_country = [(w, pid) for pid, w in places.items() if by_id[pid].country == country]
    if in_country:
        return country, by_id[max(in_country)[1]]
    country_place = next(
        (r.place for r in resolved if r.place.feature_code == "PCLI" and r.place.country == country), None
    )
    return country, country_place
