"""Tests for geo.gazetteer.sources: how the installed packages' records are repaired before indexing."""

from __future__ import annotations

from typing import Any

from geo.gazetteer.sources import _plausible_native, _sum_upper_divisions, record


def division(
    rid: int, name: str, kind: str, lat: float, lon: float, population: int = 0, country: str = "ES"
) -> dict[str, Any]:
    return record(
        f"csc-state:{rid}",
        name,
        feature_class="A",
        feature_code="ADM1",
        country=country,
        lat=lat,
        lon=lon,
        population=population,
        source="test",
        raw={"type": kind},
    )


def test_upper_divisions_take_the_population_of_the_lower_ones_nearest_to_them() -> None:
    records = [
        division(1, "North", "community", 43.0, -5.0),
        division(2, "South", "community", 37.5, -4.5),
        division(3, "East", "community", 41.5, 1.5),
        division(4, "Northport", "province", 43.2, -5.3, 1_000),
        division(5, "Southport", "province", 37.4, -4.0, 2_000),
        division(6, "Southfield", "province", 37.9, -5.0, 500),
        division(7, "Eastport", "province", 41.4, 2.0, 4_000),
        # an overseas province is too far from every community to be counted in one
        division(8, "Island", "province", 28.3, -16.5, 9_000),
    ]
    _sum_upper_divisions(records)
    population = {r["name"]: r["population"] for r in records}
    assert (population["North"], population["South"], population["East"]) == (1_000, 2_500, 4_000)
    assert population["Island"] == 9_000  # the lower level keeps its own


def test_a_level_with_populations_is_left_alone() -> None:
    records = [
        division(1, "A", "state", 10.0, 10.0, 5_000, country="XX"),
        division(2, "B", "state", 11.0, 11.0, 0, country="XX"),  # a gap in the data, not another level
        division(3, "C", "state", 12.0, 12.0, 7_000, country="XX"),
        division(4, "D", "state", 13.0, 13.0, 2_000, country="XX"),
    ]
    _sum_upper_divisions(records)
    assert [r["population"] for r in records] == [5_000, 0, 7_000, 2_000]


def test_machine_translated_native_names_are_refused() -> None:
    assert not _plausible_native("Araba", "Auto")
    assert not _plausible_native("Lusaka", "Saturday")
    assert not _plausible_native("Edo", "")
    assert _plausible_native("Rome", "Roma")
    assert _plausible_native("Catalonia", "Catalunya")
    assert _plausible_native("Attica", "Αττική")
    assert _plausible_native("North Rhine-Westphalia", "Nordrhein-Westfalen")


def test_real_regions_have_populations(full_gazetteer) -> None:
    for name, country in (("Andalusia", "ES"), ("Tuscany", "IT"), ("Calabarzon", "PH")):
        place = full_gazetteer.lookup(name, country=country)[0].place
        assert place.feature_code == "ADM1" and place.population > 1_000_000, place
    assert full_gazetteer.lookup("Auto") == []
