"""The resolver's distance search and per-article lookups: same answers by every route, at every size.

The nearest-anchor search has a plain route (news-sized articles) and a k-d tree
route (very long ones); both must give what a brute-force search over every pair
gives. The gazetteer's one-query prefetch must give what one query per name gives.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nearest_reference import brute_force_nearest_km

from geo.gazetteer.index import Gazetteer, NameKeys
from geo.parsing.recognize import Span
from geo.parsing.resolve import _Anchors, _peer_kinds

KEYS = ["georgia", "paris", "tyler", "dallas", "lyon"]
latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-179.9, max_value=179.9, allow_nan=False)
# Points clustered in a small region as well as anywhere, so that near distances occur.
points = st.one_of(
    st.tuples(latitudes, longitudes),
    st.tuples(st.floats(min_value=30.0, max_value=34.0), st.floats(min_value=-98.0, max_value=-94.0)),
)
anchors_strategy = st.lists(st.tuples(points, st.sampled_from(KEYS)), max_size=40)
queries_strategy = st.lists(st.tuples(st.sampled_from([*KEYS, "moscow"]), points), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(anchors_strategy, queries_strategy)
def test_plain_and_tree_routes_agree_with_brute_force(raw_anchors, raw_queries) -> None:
    anchors = [(lat, lon, key) for (lat, lon), key in raw_anchors]
    queries = [(key, lat, lon) for key, (lat, lon) in raw_queries]
    expected = [brute_force_nearest_km(anchors, key, lat, lon) for key, lat, lon in queries]
    plain = _Anchors(anchors, plain_pairs=10**9).nearest_km(queries)
    tree = _Anchors(anchors, plain_pairs=0).nearest_km(queries)
    for want, got_plain, got_tree in zip(expected, plain, tree, strict=True):
        if math.isinf(want):
            assert math.isinf(got_plain) and math.isinf(got_tree)
        else:
            assert abs(got_plain - want) < 1e-6 and abs(got_tree - want) < 1e-6


def test_a_name_never_counts_as_its_own_neighbour() -> None:
    # Two "Georgia" readings 10 km apart are not each other's neighbours; Tyler is a neighbour of both.
    anchors = _Anchors([(32.0, -83.0, "georgia"), (32.09, -83.0, "georgia"), (32.05, -83.05, "tyler")], plain_pairs=0)
    alone = _Anchors([(32.0, -83.0, "georgia"), (32.09, -83.0, "georgia")])
    assert alone.nearest_km([("georgia", 32.0, -83.0)]) == [math.inf]
    km = anchors.nearest_km([("georgia", 32.0, -83.0), ("tyler", 32.0, -83.0)])
    assert 7.0 < km[0] < 7.6 and km[1] < 1e-6  # Tyler lies 7.3 km from the first Georgia
    # A point held by two names counts for both.
    shared = _Anchors([(10.0, 10.0, "paris"), (10.0, 10.0, "lyon")])
    assert shared.nearest_km([("paris", 10.0, 10.0), ("lyon", 10.0, 10.0)]) == [0.0, 0.0]


def test_no_anchor_means_no_distance() -> None:
    assert not _Anchors([])
    assert _Anchors([]).nearest_km([("paris", 48.85, 2.35)]) == [math.inf]


listed = st.tuples(st.sampled_from(KEYS), st.sampled_from([None, "PCLI", "ADM1", "PPL"]), st.sampled_from(["US", "FR"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(listed, min_size=3, max_size=12))
def test_list_peers_counted_per_key_match_counting_each_pair(items) -> None:
    from collections import Counter

    from geo.model import Place

    spans = [Span(i * 10, i * 10 + 5, key, key) for i, (key, _, _) in enumerate(items)]
    first = [
        None
        if code is None
        else Place(
            id=f"{i}",
            name=key,
            feature_class="A" if code != "PPL" else "P",
            feature_code=code,
            country=country,
            admin1="",
            population=0,
            lat=0.0,
            lon=0.0,
        )
        for i, (key, code, country) in enumerate(items)
    ]
    group = list(range(len(items)))
    got = _peer_kinds([group], spans, first)
    # The definition: for each span, the kinds of the other names' places, most common first.
    from geo.parsing.resolve import _place_kind

    for idx in group:
        kinds = Counter(
            _place_kind(first[j]) for j in group if j != idx and first[j] is not None and spans[j].key != spans[idx].key
        )
        others = sum(kinds.values())
        want = None
        if others >= 2:
            kind, count = kinds.most_common(1)[0]
            if kind is not None and count * 3 >= others * 2:
                want = kind
        assert got.get(idx) == want


def test_prefetch_gives_what_one_query_per_name_gives(tiny_index: Path, tmp_path: Path) -> None:
    names = ["moscow", "springfield", "turkiye", "no such place", "st louis", "saint louis"]
    one_by_one = Gazetteer(tiny_index)
    expected = {key: one_by_one.candidates(key) for key in names}
    together = Gazetteer(tiny_index)
    together.prefetch(names)
    assert set(names) <= together._cache.keys()  # fetched in the one call, misses included
    for key in names:
        assert together.candidates(key) == expected[key]
    assert expected["no such place"] == ()
    assert expected["moscow"]


def test_name_keys_are_a_trie_file_beside_the_index_shared_by_every_opener(tiny_index: Path, tmp_path: Path) -> None:
    index = tmp_path / "tiny.sqlite"
    shutil.copyfile(tiny_index, index)
    keys = Gazetteer(index).keys()
    assert isinstance(keys, NameKeys)
    assert {"moscow", "turkiye", "springfield"} <= keys
    assert "atlantis" not in keys
    files = list(tmp_path.glob("tiny.sqlite.keys-*.marisa"))
    assert len(files) == 1
    made = files[0].stat().st_mtime_ns
    again = Gazetteer(index).keys()
    assert set(again) == set(keys)
    assert files[0].stat().st_mtime_ns == made  # mapped, not made again
    assert not list(tmp_path.glob(".*.tmp"))


def _block_trie_beside(index: Path) -> Path:
    """Make the trie file beside ``index`` unwritable, even for root: a folder where the file belongs."""
    Gazetteer(index).keys()
    (trie,) = index.parent.glob(f"{index.name}.keys-*.marisa")
    trie.unlink()
    trie.mkdir()
    return trie


def test_name_keys_go_to_the_cache_folder_when_the_index_folder_cannot_take_them(
    tiny_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "tiny.sqlite"
    shutil.copyfile(tiny_index, index)
    cache = tmp_path / "cache"
    monkeypatch.setenv("GEO_CACHE_DIR", str(cache))
    blocked = _block_trie_beside(index)
    keys = Gazetteer(index).keys()
    assert "moscow" in keys and "atlantis" not in keys
    assert blocked.is_dir()
    (made,) = (cache / "name-keys").glob("*.marisa")
    stamp = made.stat().st_mtime_ns
    assert set(Gazetteer(index).keys()) == set(keys)
    assert made.stat().st_mtime_ns == stamp  # mapped from the cache folder, not made again


def test_name_keys_that_cannot_be_written_anywhere_stay_in_memory(
    tiny_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "tiny.sqlite"
    shutil.copyfile(tiny_index, index)
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("GEO_CACHE_DIR", str(not_a_folder))
    _block_trie_beside(index)
    keys = Gazetteer(index).keys()
    assert "moscow" in keys and "atlantis" not in keys
    assert not list(tmp_path.glob(".*.tmp"))
