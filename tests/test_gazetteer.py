"""The gazetteer index: lookups, the index file's life cycle, curated data, nearest places.

Lookups that need the real data use the session's ``full_gazetteer``; ranking,
filters and the index mechanics use the fifteen-place ``tiny_gazetteer``. The
life cycle of :meth:`Gazetteer.open` is tested with the installed sources
swapped for the tiny records, so a rebuild takes a fraction of a second; one
slow test rebuilds the real index from a truncated copy.
"""

from __future__ import annotations

import copy
import json
import math
import multiprocessing
import shutil
import sqlite3
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import geo.gazetteer.index
from geo.cli import main
from geo.errors import CuratedDataError, GazetteerError, IndexCorruptError, InputError
from geo.gazetteer.curated import curated_files, hash_files
from geo.gazetteer.index import INDEX_NAME, Gazetteer, _check_index, _same_build, _stamp, build_index
from geo.gazetteer.names import name_key
from geo.gazetteer.sources import SOURCE_PACKAGES
from geo.geometry import haversine_km

PROJECT_GAZETTEER = Path(__file__).resolve().parent.parent / "gazetteer"


def _curated_names() -> set[str]:
    """Name keys of the project's curated entries (the folder is still being written)."""
    keys: set[str] = set()
    for path in PROJECT_GAZETTEER.glob("*.geojson"):
        try:
            features = json.loads(path.read_text(encoding="utf-8")).get("features", [])
        except (OSError, ValueError):
            continue
        for feature in features:
            props = feature.get("properties") or {}
            for name in [props.get("name"), *(props.get("alternate_names") or [])]:
                if isinstance(name, str):
                    keys.add(name_key(name))
    return keys


def _require_curated(name: str) -> None:
    if name_key(name) not in _curated_names():
        pytest.skip(f"gazetteer/ has no curated entry named {name!r} yet; it is being written")


def _temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- lookups on the real data --------------------------------------------------------------


def test_moscow_ranks_the_russian_capital_above_other_places_named_moscow(full_gazetteer) -> None:
    cands = full_gazetteer.lookup("Moscow")
    places = [c.place for c in cands if c.place.feature_class == "P"]
    assert places[0].country == "RU"
    assert places[0].feature_code == "PPLC"
    assert haversine_km(places[0].lat, places[0].lon, 55.75, 37.62) < 5
    idaho = next(i for i, c in enumerate(cands) if c.place.country == "US" and c.place.admin1 == "Idaho")
    capital = next(i for i, c in enumerate(cands) if c.place.feature_code == "PPLC" and c.place.country == "RU")
    assert capital < idaho


def test_moscow_first_candidate_is_the_russian_capital(full_gazetteer) -> None:
    first = full_gazetteer.lookup("Moscow")[0].place
    assert (first.country, first.feature_code) == ("RU", "PPLC")


def test_moscow_in_the_us_is_moscow_idaho(full_gazetteer) -> None:
    first = full_gazetteer.lookup("Moscow", country="US")[0].place
    assert (first.country, first.admin1) == ("US", "Idaho")
    assert haversine_km(first.lat, first.lon, 46.73, -117.0) < 5


def test_country_filter_takes_several_codes_in_any_case(full_gazetteer) -> None:
    cands = full_gazetteer.lookup("Moscow", country=["us", "ru"])
    assert cands
    assert {c.place.country for c in cands} <= {"US", "RU"}
    assert {c.place.country for c in cands} == {"US", "RU"}


@pytest.mark.parametrize("query", ["Türkiye", "Turkiye", "TÜRKIYE", "türkiye"])
def test_turkiye_finds_turkey(full_gazetteer, query: str) -> None:
    first = full_gazetteer.lookup(query)[0].place
    assert (first.country, first.feature_code) == ("TR", "PCLI")


def test_stepanakert_finds_khankendi(full_gazetteer) -> None:
    first = full_gazetteer.lookup("Stepanakert")[0].place
    assert first.country == "AZ"
    assert haversine_km(first.lat, first.lon, 39.82, 46.75) < 10


def test_hadrut_is_found_from_the_curated_data(full_gazetteer) -> None:
    _require_curated("Hadrut")
    first = full_gazetteer.lookup("Hadrut")[0].place
    assert first.feature_class == "P"
    assert haversine_km(first.lat, first.lon, 39.52, 47.03) < 5
    assert first.source.startswith("curated")


def test_lachin_corridor_is_a_line(full_gazetteer) -> None:
    _require_curated("Lachin Corridor")
    first = full_gazetteer.lookup("Lachin Corridor")[0].place
    assert first.geometry_type == "LineString"
    assert first.geometry is not None and len(first.geometry["coordinates"]) >= 2


def test_washington_ranks_the_us_capital_above_other_towns(full_gazetteer) -> None:
    populated = [c.place for c in full_gazetteer.lookup("Washington") if c.place.feature_class == "P"]
    assert (populated[0].country, populated[0].feature_code) == ("US", "PPLC")
    assert haversine_km(populated[0].lat, populated[0].lon, 38.9, -77.04) < 10


def test_washington_first_candidate_is_washington_dc(full_gazetteer) -> None:
    first = full_gazetteer.lookup("Washington")[0].place
    assert (first.country, first.feature_code) == ("US", "PPLC")


def test_california_first_candidate_is_the_us_state(full_gazetteer) -> None:
    first = full_gazetteer.lookup("California")[0].place
    assert (first.country, first.feature_code, first.feature_class) == ("US", "ADM1", "A")


@pytest.mark.parametrize(
    ("a", "b"), [("moscow", "MOSCOW"), ("İstanbul", "istanbul"), ("Xankəndi", "xankandi"), ("Laçın", "LACIN")]
)
def test_lookups_ignore_case_and_diacritics(full_gazetteer, a: str, b: str) -> None:
    found_a = [c.place.id for c in full_gazetteer.lookup(a)]
    found_b = [c.place.id for c in full_gazetteer.lookup(b)]
    assert found_a
    assert found_a == found_b


def test_candidates_carry_the_place_fields(full_gazetteer) -> None:
    cand = full_gazetteer.lookup("Moscow", country="US", limit=1)[0]
    place = cand.place
    assert isinstance(place.id, str) and place.id
    assert place.name == "Moscow"
    assert place.feature_class == "P"
    assert place.feature_code.startswith("PPL")
    assert place.country == "US"
    assert place.admin1 == "Idaho"
    assert place.population > 10_000
    assert math.isfinite(place.lat) and math.isfinite(place.lon)
    assert cand.match == "name"
    assert cand.prior > 0


@pytest.mark.parametrize("query", ["", " ", "\t\n"])
def test_empty_queries_are_refused(tiny_gazetteer, query: str) -> None:
    with pytest.raises(InputError, match="empty"):
        tiny_gazetteer.lookup(query)
    with pytest.raises(ValueError):
        tiny_gazetteer.lookup(query)


# -- lookups on the tiny gazetteer ---------------------------------------------------------


def test_tiny_moscow_ranks_by_prominence(tiny_gazetteer) -> None:
    cands = tiny_gazetteer.lookup("Moscow")
    assert [c.place.country for c in cands] == ["RU", "US"]
    assert cands[0].prior > cands[1].prior


def test_limit_keeps_the_best_candidates(tiny_gazetteer) -> None:
    all_three = tiny_gazetteer.lookup("Springfield")
    two = tiny_gazetteer.lookup("Springfield", limit=2)
    assert len(all_three) == 3
    assert [c.place.id for c in two] == [c.place.id for c in all_three[:2]]


def test_country_filter_with_no_match_gives_nothing(tiny_gazetteer) -> None:
    assert tiny_gazetteer.lookup("Springfield", country="FR") == []
    assert tiny_gazetteer.lookup("Alexandria", country="eg")[0].place.id == "361058"


def test_alternate_names_match_below_own_names(tiny_gazetteer) -> None:
    cand = tiny_gazetteer.lookup("Constantinople")[0]
    assert cand.place.name == "Istanbul"
    assert cand.match == "alt"
    assert tiny_gazetteer.lookup("Istanbul")[0].match == "name"


def test_demonyms_match_only_when_asked(tiny_gazetteer) -> None:
    assert tiny_gazetteer.lookup("Russian") == []
    cands = tiny_gazetteer.lookup("Russian", demonyms=True)
    assert [(c.place.name, c.match) for c in cands] == [("Russia", "demonym")]
    assert "russian" in tiny_gazetteer.demonym_keys()


def test_saint_abbreviation_matches(tiny_gazetteer) -> None:
    assert tiny_gazetteer.lookup("Saint Louis")[0].place.id == "4407066"
    assert tiny_gazetteer.lookup("St Louis")[0].place.id == "4407066"


def test_get_country_and_keys(tiny_gazetteer) -> None:
    assert tiny_gazetteer.get("298795").name == "Turkey"
    assert tiny_gazetteer.get("no-such-id") is None
    assert tiny_gazetteer.country("tr").name == "Turkey"
    assert tiny_gazetteer.country("ZZ") is None
    assert {"moscow", "turkiye", "springfield"} <= tiny_gazetteer.keys()
    assert "la" in tiny_gazetteer.abbreviation_keys()


def test_line_geometry_is_kept(tiny_gazetteer) -> None:
    place = tiny_gazetteer.lookup("Test Road")[0].place
    assert place.geometry_type == "LineString"
    assert place.geometry["coordinates"] == [[29.5, 40.0], [30.5, 40.0]]


# -- nearest -------------------------------------------------------------------------------


def test_nearest_point_in_moscow_is_moscow(full_gazetteer) -> None:
    place, km = full_gazetteer.nearest(55.75, 37.62)[0]
    assert (place.name, place.country) == ("Moscow", "RU")
    assert km < 2


def test_nearest_sorts_by_distance_and_skips_areas(tiny_gazetteer) -> None:
    hits = tiny_gazetteer.nearest(39.0, -90.0, limit=3)
    assert [p.id for p, _ in hits] == ["4407066", "4250542", "4409896"]
    distances = [km for _, km in hits]
    assert distances == sorted(distances)
    # Countries and divisions are no answer to "where is this point".
    assert all(p.feature_class == "P" for p, _ in tiny_gazetteer.nearest(39.76, -98.5, limit=5))


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 0.0), (-90.5, 10.0), (0.0, 181.0), (0.0, -180.1), (math.nan, 0.0), (0.0, math.nan)]
)
def test_nearest_refuses_points_off_the_globe(tiny_gazetteer, lat: float, lon: float) -> None:
    with pytest.raises(InputError, match="outside the globe"):
        tiny_gazetteer.nearest(lat, lon)


# -- the index file: stamp, info, reuse ----------------------------------------------------


def test_info_names_sources_versions_counts_and_path(full_gazetteer) -> None:
    info = full_gazetteer.info()
    assert info["path"] == str(full_gazetteer.path)
    assert full_gazetteer.path.name == INDEX_NAME
    assert set(info["stamp"]["sources"]) == set(SOURCE_PACKAGES)
    for package, version in info["stamp"]["sources"].items():
        assert version == metadata.version(package)
    assert info["places"] > 100_000
    assert info["names"] > info["places"]
    assert 150 < info["feature_codes"]["PCLI"] < 300
    assert info["built"]


def test_stamp_records_the_curated_hash(full_gazetteer) -> None:
    stamp = full_gazetteer.stamp
    assert stamp["curated"] == hash_files(curated_files([Path(p) for p in stamp["curated_dirs"]]))
    assert str(PROJECT_GAZETTEER) in stamp["curated_dirs"]
    assert stamp["schema"] == geo.gazetteer.index.SCHEMA_VERSION


def test_reopening_the_cached_index_does_not_rebuild(full_gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    before = full_gazetteer.path.stat()

    def no_build(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Gazetteer.open rebuilt an up-to-date index")

    monkeypatch.setattr(geo.gazetteer.index, "build_index", no_build)
    again = Gazetteer.open(cache_dir=full_gazetteer.path.parent)
    assert again.path == full_gazetteer.path
    assert again.path.stat().st_mtime_ns == before.st_mtime_ns
    assert again.lookup("Moscow", limit=1)
    again.close()


def _write_collection(path: Path, features: list[dict[str, Any]] | Any) -> Path:
    data = features if not isinstance(features, list) else {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _feature(geometry: dict[str, Any] | None = None, **props: Any) -> dict[str, Any]:
    properties = {
        "id": "curated:testville",
        "name": "Testville",
        "alternate_names": ["Testeville"],
        "feature_class": "P",
        "feature_code": "PPL",
        "country": "AZ",
        "admin1": "Khojavend",
        "population": 1200,
        "source": "made up for a test",
    }
    properties.update(props)
    return {
        "type": "Feature",
        "properties": {k: v for k, v in properties.items() if v is not _DROP},
        "geometry": geometry or {"type": "Point", "coordinates": [47.03, 39.52]},
    }


_DROP = object()


def test_stamp_changes_when_a_curated_file_changes(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    folder = tmp_path / "curated"
    folder.mkdir()
    data = _write_collection(folder / "test.geojson", [_feature()])
    path = build_index(tmp_path / "g.sqlite", records=tiny_records, curated=[folder])
    found = _check_index(path)
    assert found["curated"] == hash_files([data])
    assert found["curated_dirs"] == [str(folder)]
    assert _same_build(found, _stamp([folder], None))

    _write_collection(data, [_feature(alternate_names=["Testeville", "Testburg"])])
    assert not _same_build(found, _stamp([folder], None))
    (folder / "more.geojson").write_text(
        data.read_text(encoding="utf-8").replace("testville", "other"), encoding="utf-8"
    )
    assert _stamp([folder], None)["curated"] != found["curated"]


def test_stamp_of_a_fixture_index_without_curated_folders(tiny_gazetteer) -> None:
    assert tiny_gazetteer.stamp["curated_dirs"] == []
    assert tiny_gazetteer.stamp["curated"] == hash_files([])
    assert tiny_gazetteer.stamp["geonames"] is None


# -- Gazetteer.open with the installed sources swapped for the tiny records -----------------


@pytest.fixture
def small_sources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_records: list[dict[str, Any]]
) -> dict[str, Any]:
    """Make ``Gazetteer.open`` build from the tiny records and a temporary project folder.

    Returns the project folder, its curated file and a list that records each build.
    """
    project = tmp_path / "project-gazetteer"
    project.mkdir()
    curated = _write_collection(project / "places.geojson", [_feature()])
    monkeypatch.setenv("GEO_GAZETTEER_DIR", str(project))
    monkeypatch.delenv("GEO_CURATED", raising=False)
    monkeypatch.delenv("GEO_CACHE_DIR", raising=False)
    monkeypatch.setattr(geo.gazetteer.index, "read_installed_sources", lambda: iter(copy.deepcopy(tiny_records)))
    builds: list[Path] = []
    real_build = geo.gazetteer.index.build_index

    def counting_build(path: Any, **kwargs: Any) -> Path:
        builds.append(Path(path))
        return real_build(path, **kwargs)

    monkeypatch.setattr(geo.gazetteer.index, "build_index", counting_build)
    return {"project": project, "curated": curated, "builds": builds}


def test_open_builds_on_first_use_into_the_cache_dir(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    cache = tmp_path / "cache" / "nested"
    gaz = Gazetteer.open(cache_dir=cache)
    assert gaz.path == cache / INDEX_NAME
    assert gaz.path.is_file()
    assert small_sources["builds"] == [cache / INDEX_NAME]
    assert gaz.lookup("Moscow")[0].place.country == "RU"
    assert gaz.lookup("Testeville")[0].place.id == "curated:testville"
    assert _temp_leftovers(cache) == []
    gaz.close()


def test_open_uses_geo_cache_dir(
    tmp_path: Path, small_sources: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "envcache"))
    gaz = Gazetteer.open()
    assert gaz.path == tmp_path / "envcache" / INDEX_NAME
    gaz.close()


def test_open_reuses_an_up_to_date_index(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    first = Gazetteer.open(cache_dir=tmp_path)
    mtime = first.path.stat().st_mtime_ns
    second = Gazetteer.open(cache_dir=tmp_path)
    assert len(small_sources["builds"]) == 1
    assert second.path.stat().st_mtime_ns == mtime
    first.close()
    second.close()


def test_open_rebuilds_when_a_curated_file_changes(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    Gazetteer.open(cache_dir=tmp_path).close()
    _write_collection(small_sources["curated"], [_feature(alternate_names=["Testeville", "Testburg"])])
    gaz = Gazetteer.open(cache_dir=tmp_path)
    assert len(small_sources["builds"]) == 2
    assert gaz.lookup("Testburg")[0].place.id == "curated:testville"
    gaz.close()


def test_open_rebuilds_when_a_source_version_changes(
    tmp_path: Path, small_sources: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    Gazetteer.open(cache_dir=tmp_path).close()
    versions = dict.fromkeys(SOURCE_PACKAGES, "0.0-test")
    monkeypatch.setattr(geo.gazetteer.index, "source_versions", lambda: dict(versions))
    gaz = Gazetteer.open(cache_dir=tmp_path)
    assert len(small_sources["builds"]) == 2
    assert gaz.stamp["sources"] == versions
    gaz.close()


def test_open_with_rebuild_always_builds(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    Gazetteer.open(cache_dir=tmp_path).close()
    Gazetteer.open(cache_dir=tmp_path, rebuild=True).close()
    assert len(small_sources["builds"]) == 2


def test_a_named_index_built_from_other_curated_folders_is_opened_as_it_is(
    tiny_index: Path, tmp_path: Path, small_sources: dict[str, Any]
) -> None:
    # 'geo parse --index FIXTURE' once rebuilt a fixture index from the default sources, so its
    # trie of name keys (and every later test copying it) held the whole world's names.
    index = tmp_path / "fixture.sqlite"
    shutil.copyfile(tiny_index, index)
    before = index.stat().st_mtime_ns
    gaz = Gazetteer.open(index)
    assert gaz.stamp["curated_dirs"] == []
    assert not gaz.lookup("Testeville")  # the default project folder's place did not come in
    gaz.close()
    assert main(["gazetteer", "info", "--index", str(index)]) == 0
    assert small_sources["builds"] == []
    assert index.stat().st_mtime_ns == before


def test_a_named_index_is_rebuilt_with_the_curated_folders_its_caller_names(
    tiny_index: Path, tmp_path: Path, small_sources: dict[str, Any]
) -> None:
    index = tmp_path / "fixture.sqlite"
    shutil.copyfile(tiny_index, index)
    mine = tmp_path / "my-places"
    mine.mkdir()
    _write_collection(mine / "mine.geojson", [_feature(id="curated:otherton", name="Otherton", alternate_names=[])])
    gaz = Gazetteer.open(index, curated=[mine])
    assert small_sources["builds"] == [index]
    assert gaz.lookup("Otherton")[0].place.id == "curated:otherton"
    gaz.close()


def test_a_stale_named_index_of_the_default_folders_is_rebuilt(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    index = tmp_path / "named.sqlite"
    Gazetteer.open(index).close()
    _write_collection(small_sources["curated"], [_feature(alternate_names=["Testeville", "Testburg"])])
    gaz = Gazetteer.open(index)
    assert small_sources["builds"] == [index, index]
    assert gaz.lookup("Testburg")[0].place.id == "curated:testville"
    gaz.close()


def test_open_rebuilds_a_corrupt_index(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    path = Gazetteer.open(cache_dir=tmp_path).path
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    gaz = Gazetteer.open(cache_dir=tmp_path)
    assert len(small_sources["builds"]) == 2
    assert gaz.lookup("Springfield", limit=1)
    assert _temp_leftovers(tmp_path) == []
    gaz.close()


def test_a_user_curated_folder_is_added(tmp_path: Path, small_sources: dict[str, Any]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    _write_collection(mine / "extra.geojson", [_feature(id="curated:mine", name="Myplace", alternate_names=[])])
    gaz = Gazetteer.open(cache_dir=tmp_path / "cache", curated=[mine])
    assert gaz.lookup("Myplace")[0].place.id == "curated:mine"
    assert gaz.lookup("Testville")  # the project folder still counts
    assert str(mine) in gaz.stamp["curated_dirs"]
    gaz.close()


# -- corruption ------------------------------------------------------------------------------


def _truncate_half(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _truncate_one_byte(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size - 1)


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _incomplete(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")
    con.commit()
    con.close()


def _no_stamp(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("DELETE FROM meta WHERE key = 'stamp'")
    con.commit()
    con.close()


@pytest.mark.parametrize("damage", [_truncate_half, _truncate_one_byte, _garbage, _empty, _incomplete, _no_stamp])
def test_damaged_index_is_detected(tmp_path: Path, tiny_index: Path, damage: Callable[[Path], None]) -> None:
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(tiny_index, path)
    Gazetteer(path).close()  # the intact copy opens
    damage(path)
    with pytest.raises(IndexCorruptError, match=str(path)):
        Gazetteer(path)
    assert Gazetteer._valid_stamp(path) is None


def test_missing_index_has_no_stamp(tmp_path: Path) -> None:
    assert Gazetteer._valid_stamp(tmp_path / "absent.sqlite") is None


def test_corruption_is_a_gazetteer_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    _garbage(path)
    with pytest.raises(GazetteerError):
        Gazetteer(path)


@pytest.mark.slow
def test_open_rebuilds_a_truncated_real_index(full_gazetteer, tmp_path: Path) -> None:
    shutil.copyfile(full_gazetteer.path, tmp_path / INDEX_NAME)
    _truncate_half(tmp_path / INDEX_NAME)
    gaz = Gazetteer.open(cache_dir=tmp_path)
    # Not equal: other people may add curated entries while the suite runs.
    assert gaz.info()["places"] > 0.95 * full_gazetteer.info()["places"]
    assert gaz.path.stat().st_size > full_gazetteer.path.stat().st_size // 2
    assert gaz.lookup("Moscow", country="RU")
    assert _temp_leftovers(tmp_path) == []
    gaz.close()


# -- builds: atomic, and safe when two processes start at once ------------------------------


def _locked_build(path: str, records: list[dict[str, Any]], barrier: Any, built: Any) -> None:
    """What ``Gazetteer.open`` does for a build, with fixture records (runs in a child process)."""
    from filelock import FileLock

    from geo.gazetteer.index import Gazetteer, build_index

    barrier.wait(timeout=60)
    with FileLock(path + ".lock", timeout=120):
        if Gazetteer._valid_stamp(Path(path)) is None:
            build_index(path, records=records, curated=[])
            with built.get_lock():
                built.value += 1


def _bare_build(path: str, records: list[dict[str, Any]], barrier: Any, built: Any) -> None:
    """Two builds racing without a lock still replace the file atomically."""
    from geo.gazetteer.index import build_index

    barrier.wait(timeout=60)
    build_index(path, records=records, curated=[])
    with built.get_lock():
        built.value += 1


@pytest.mark.parametrize(("target", "expected_builds"), [(_locked_build, 1), (_bare_build, 2)])
def test_two_processes_building_at_once_leave_one_valid_index(
    tmp_path: Path, tiny_records: list[dict[str, Any]], target: Callable[..., None], expected_builds: int
) -> None:
    ctx = multiprocessing.get_context("spawn")
    path = tmp_path / "shared.sqlite"
    barrier = ctx.Barrier(2)
    built = ctx.Value("i", 0)
    procs = [ctx.Process(target=target, args=(str(path), tiny_records, barrier, built)) for _ in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0, 0]
    assert built.value == expected_builds
    gaz = Gazetteer(path)
    assert gaz.lookup("Moscow")[0].place.country == "RU"
    gaz.close()
    assert _temp_leftovers(tmp_path) == []
    assert {p.name for p in tmp_path.iterdir()} <= {"shared.sqlite", "shared.sqlite.lock"}


def test_a_failed_build_leaves_the_old_index_untouched(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    path = build_index(tmp_path / "g.sqlite", records=tiny_records, curated=[])
    before = path.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    _write_collection(bad / "broken.geojson", [_feature(source=_DROP)])
    with pytest.raises(CuratedDataError):
        build_index(path, records=copy.deepcopy(tiny_records), curated=[bad])
    assert path.read_bytes() == before
    assert _temp_leftovers(tmp_path) == []


def test_build_index_creates_the_parent_folder(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    path = build_index(tmp_path / "a" / "b" / "g.sqlite", records=tiny_records, curated=[])
    assert path.is_file()
    assert Gazetteer(path).info()["places"] == len(tiny_records)


# -- curated folders ---------------------------------------------------------------------------


def _curated_build(tmp_path: Path, files: dict[str, Any], records: list[dict[str, Any]] | None = None) -> Path:
    folder = tmp_path / "curated"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        if isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            _write_collection(folder / name, content)
    return build_index(tmp_path / "g.sqlite", records=records or [], curated=[folder])


def test_a_good_curated_entry_is_found(tmp_path: Path) -> None:
    gaz = Gazetteer(_curated_build(tmp_path, {"good.geojson": [_feature()]}))
    cand = gaz.lookup("testeville")[0]
    assert cand.match == "alt"
    place = cand.place
    assert (place.id, place.name, place.country, place.admin1, place.population) == (
        "curated:testville",
        "Testville",
        "AZ",
        "Khojavend",
        1200,
    )
    assert (place.lat, place.lon) == (39.52, 47.03)
    assert place.geometry is None
    assert place.source == "curated good.geojson: made up for a test"
    gaz.close()


def test_a_curated_line_keeps_its_geometry_and_a_point_on_it(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[46.0, 39.0], [47.0, 39.0], [48.0, 39.0]]}
    gaz = Gazetteer(
        _curated_build(
            tmp_path,
            {
                "roads.geojson": [
                    _feature(line, id="curated:road", name="Test Corridor", feature_class="R", feature_code="RD")
                ]
            },
        )
    )
    place = gaz.lookup("Test Corridor")[0].place
    assert place.geometry == line
    assert (place.lat, place.lon) == (39.0, 47.0)
    gaz.close()


def test_a_curated_entry_with_a_geonameid_corrects_that_place(
    tmp_path: Path, tiny_records: list[dict[str, Any]]
) -> None:
    fix = _feature(
        {"type": "Point", "coordinates": [-117.0, 46.73]},
        id="curated:moscow-idaho",
        name="Moscow",
        alternate_names=["Moscow, Idaho"],
        country="US",
        admin1="Idaho",
        population=26_000,
        geonameid=5601538,
    )
    gaz = Gazetteer(_curated_build(tmp_path, {"fixes.geojson": [fix]}, records=tiny_records))
    place = gaz.get("5601538")
    assert place.population == 26_000
    assert place.source.startswith("curated fixes.geojson")
    assert gaz.get("curated:moscow-idaho") is None
    assert gaz.lookup("Moscow, Idaho")[0].place.id == "5601538"
    gaz.close()


def test_a_curated_area_takes_its_given_point_over_the_centroid(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}
    gaz = Gazetteer(
        _curated_build(
            tmp_path,
            {
                "areas.geojson": [
                    _feature(square, id="curated:centred", name="Centred Land"),
                    _feature(square, id="curated:seated", name="Seated Land", point=[1.0, 3.0]),
                ]
            },
        )
    )
    assert (gaz.lookup("Centred Land")[0].place.lat, gaz.lookup("Centred Land")[0].place.lon) == (2.0, 2.0)
    seated = gaz.lookup("Seated Land")[0].place
    assert (seated.lat, seated.lon) == (3.0, 1.0)
    assert seated.geometry == square
    gaz.close()


def test_curated_aliases_add_names(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    aliases = (
        "id,name,kind,source\n524901,Third Rome,alt,test\n2017370,Russkies,demonym,test\n"
        "curated:testville,Tstv.,abbr,test\n"
    )
    gaz = Gazetteer(
        _curated_build(tmp_path, {"places.geojson": [_feature()], "aliases.csv": aliases}, records=tiny_records)
    )
    assert gaz.lookup("Third Rome")[0].place.id == "524901"
    assert gaz.lookup("Russkies") == []
    assert gaz.lookup("Russkies", demonyms=True)[0].place.id == "2017370"
    assert gaz.lookup("Tstv")[0].match == "abbr"
    gaz.close()


BAD_FEATURES = [
    ("missing source", [_feature(source=_DROP)], "source", "is missing"),
    ("empty name", [_feature(name=" ")], "name", "is empty"),
    ("alternate names not a list", [_feature(alternate_names="Testeville")], "alternate_names", "must be a list"),
    ("blank alternate name", [_feature(alternate_names=["ok", ""])], "alternate_names", "non-empty"),
    ("three-letter country", [_feature(country="AZE")], "country", "alpha-2"),
    ("lower-case country", [_feature(country="az")], "country", "alpha-2"),
    ("negative population", [_feature(population=-5)], "population", ">= 0"),
    ("text geonameid", [_feature(geonameid="146970")], "geonameid", "whole number"),
    ("one-point line", [_feature({"type": "LineString", "coordinates": [[47.0, 39.5]]})], "geometry", "malformed"),
    ("text coordinates", [_feature({"type": "Point", "coordinates": "47, 39"})], "geometry", "malformed"),
    ("no coordinates", [_feature({"type": "Point"})], "geometry", "malformed"),
    (
        "unknown geometry type",
        [_feature({"type": "Circle", "coordinates": [47.0, 39.5]})],
        "geometry",
        "must be one of",
    ),
    (
        "lat/lon swapped off the globe",
        [_feature({"type": "Point", "coordinates": [39.5, 147.0]})],
        "geometry",
        "outside",
    ),
    (
        "self-intersecting polygon",
        [_feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})],
        "geometry",
        "invalid",
    ),
    ("duplicate id", [_feature(), _feature(name="Other")], "id", "used twice"),
    ("point off the globe", [_feature(point=[47.0, 139.5])], "point", "[lon, lat]"),
    ("point as text", [_feature(point="47, 39")], "point", "[lon, lat]"),
]


@pytest.mark.parametrize(
    ("features", "field", "problem"), [b[1:] for b in BAD_FEATURES], ids=[b[0] for b in BAD_FEATURES]
)
def test_a_bad_curated_feature_names_file_feature_and_field(
    tmp_path: Path, features: list[dict[str, Any]], field: str, problem: str
) -> None:
    with pytest.raises(CuratedDataError) as caught:
        _curated_build(tmp_path, {"bad.geojson": features})
    message = str(caught.value)
    assert str(tmp_path / "curated" / "bad.geojson") in message
    assert "curated:testville" in message
    assert f"'{field}'" in message
    assert problem in message
    assert not (tmp_path / "g.sqlite").exists()


def test_a_feature_without_properties_is_named_by_position(tmp_path: Path) -> None:
    features = [_feature(id="curated:a"), {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}}]
    with pytest.raises(CuratedDataError, match=r"bad\.geojson: feature #1: field 'properties'"):
        _curated_build(tmp_path, {"bad.geojson": features})


@pytest.mark.parametrize(
    "content",
    [
        {"type": "Feature", "properties": {}, "geometry": None},
        {"type": "FeatureCollection"},
        [1, 2, 3],
    ],
    ids=["a single feature", "no features list", "a JSON list"],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(tmp_path: Path, content: Any) -> None:
    folder = tmp_path / "curated"
    folder.mkdir()
    (folder / "odd.geojson").write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CuratedDataError, match="FeatureCollection") as caught:
        build_index(tmp_path / "g.sqlite", records=[], curated=[folder])
    assert str(folder / "odd.geojson") in str(caught.value)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CuratedDataError, match="not valid UTF-8 JSON") as caught:
        _curated_build(tmp_path, {"broken.geojson": '{"type": "FeatureCollection", "features": ['})
    assert "broken.geojson" in str(caught.value)


def test_a_missing_curated_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CuratedDataError, match="does not exist"):
        build_index(tmp_path / "g.sqlite", records=[], curated=[tmp_path / "nowhere"])


def test_an_alias_of_an_unknown_id_names_the_file_and_row(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    aliases = "id,name,kind,source\n524901,Third Rome,alt,test\n999999999,Nowhere,alt,test\n"
    with pytest.raises(CuratedDataError, match="999999999") as caught:
        _curated_build(tmp_path, {"aliases.csv": aliases}, records=tiny_records)
    assert f"{tmp_path / 'curated' / 'aliases.csv'}:3" in str(caught.value)


@pytest.mark.parametrize(
    ("row", "field"),
    [("524901,Third Rome,nickname,test", "kind"), (",Third Rome,alt,test", "id"), ("524901,Third Rome,alt,", "source")],
)
def test_a_malformed_alias_row_names_the_file_row_and_field(
    tmp_path: Path, tiny_records: list[dict[str, Any]], row: str, field: str
) -> None:
    aliases = f"id,name,kind,source\n524901,Moskva-on-River,alt,test\n{row}\n"
    with pytest.raises(CuratedDataError) as caught:
        _curated_build(tmp_path, {"aliases.csv": aliases}, records=tiny_records)
    message = str(caught.value)
    assert "aliases.csv" in message
    assert "row 3" in message
    assert f"'{field}'" in message


def test_an_alias_file_without_the_columns_is_refused(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    with pytest.raises(CuratedDataError, match="id,name,kind,source"):
        _curated_build(tmp_path, {"aliases.csv": "gid,alias\n524901,Third Rome\n"}, records=tiny_records)


def test_an_alias_row_number_counts_comment_lines(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    aliases = "# comment one\n# comment two\nid,name,kind,source\n999999999,Nowhere,alt,test\n"
    with pytest.raises(CuratedDataError) as caught:
        _curated_build(tmp_path, {"aliases.csv": aliases}, records=tiny_records)
    assert f"{tmp_path / 'curated' / 'aliases.csv'}:4" in str(caught.value)


def test_an_alias_row_number_counts_blank_lines(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    aliases = "# comment\nid,name,kind,source\n\n524901,Third Rome,alt,test\n\n524901,Moskva-on-River,nickname,test\n"
    with pytest.raises(CuratedDataError) as caught:
        _curated_build(tmp_path, {"aliases.csv": aliases}, records=tiny_records)
    assert "row 6" in str(caught.value)


def _points_index(tmp_path: Path, points: list[tuple[str, float, float]]) -> Gazetteer:
    from geo.gazetteer.sources import record

    records = [
        record(pid, pid, feature_class="P", feature_code="PPL", country="", lat=lat, lon=lon, source="test")
        for pid, lat, lon in points
    ]
    return Gazetteer(build_index(tmp_path / "points.sqlite", records=records, curated=[]))


def test_nearest_finds_a_nearer_place_outside_the_first_search_box(tmp_path: Path) -> None:
    gaz = _points_index(tmp_path, [("corner", 0.24, 0.49), ("north", 0.3, 0.0)])
    assert [p.id for p, _ in gaz.nearest(0.0, 0.0)] == ["north"]  # 33 km, against 61 km for "corner"


def test_nearest_looks_across_the_antimeridian(tmp_path: Path) -> None:
    gaz = _points_index(tmp_path, [("east", -16.8, 179.95), ("far", -16.8, -175.0)])
    assert [p.id for p, _ in gaz.nearest(-16.8, -179.95)] == ["east"]  # 11 km, against 530 km for "far"
