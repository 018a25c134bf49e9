"""The geopy geocoder over the local gazetteer, alone and through geopandas."""

from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

import geo
from geo.errors import InputError
from geo.geometry import haversine_km


@pytest.fixture(scope="module")
def coder(full_gazetteer):
    return geo.LocalGazetteer(gazetteer=full_gazetteer)


def test_it_is_a_geopy_geocoder(coder) -> None:
    assert isinstance(coder, Geocoder)
    assert coder.gazetteer is not None


def test_geocode_gives_a_location_with_the_raw_record(coder) -> None:
    loc = coder.geocode("Moscow")
    assert isinstance(loc, Location)
    assert loc.raw["country"] == "RU"
    assert haversine_km(loc.latitude, loc.longitude, 55.75, 37.62) < 20
    assert loc.address.startswith("Moscow")
    assert loc.raw["geometry"]["type"] in {"Point", "Polygon", "MultiPolygon"}
    assert loc.raw["id"] and loc.raw["match"] == "name"


def test_geocode_many(coder) -> None:
    locs = coder.geocode("Springfield", exactly_one=False)
    assert isinstance(locs, list) and len(locs) > 3
    assert all(isinstance(loc, Location) for loc in locs)
    assert {loc.raw["admin1"] for loc in locs} >= {"Illinois", "Missouri", "Massachusetts"}
    assert len(coder.geocode("Springfield", exactly_one=False, limit=2)) == 2


def test_geocode_filters_by_country(coder) -> None:
    loc = coder.geocode("Moscow", country_codes="US")
    assert (loc.raw["country"], loc.raw["admin1"]) == ("US", "Idaho")
    assert "Idaho" in loc.address
    locs = coder.geocode("Alexandria", exactly_one=False, country_codes=["eg"])
    assert locs and {loc.raw["country"] for loc in locs} == {"EG"}


def test_unknown_name_gives_none(coder) -> None:
    assert coder.geocode("Qxzzyvillequux") is None
    assert coder.geocode("Moscow", country_codes="AQ") is None


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_refused(coder, query: str) -> None:
    with pytest.raises(ValueError):
        coder.geocode(query)
    with pytest.raises(InputError):
        coder.geocode(query)


def test_reverse_finds_the_nearest_place(coder) -> None:
    loc = coder.reverse((55.75, 37.62))
    assert loc.raw["name"] == "Moscow" and loc.raw["country"] == "RU"
    assert loc.raw["distance_km"] < 2
    locs = coder.reverse((55.75, 37.62), exactly_one=False, limit=3)
    assert len(locs) == 3
    assert [loc.raw["distance_km"] for loc in locs] == sorted(loc.raw["distance_km"] for loc in locs)


@pytest.mark.parametrize("query", ["55.75", None, ("north", "east")])
def test_reverse_refuses_what_is_not_a_point(coder, query) -> None:
    with pytest.raises(InputError, match="not a \\(latitude, longitude\\) pair"):
        coder.reverse(query)


def test_geopandas_geocode_uses_the_local_gazetteer(full_gazetteer) -> None:
    geopandas = pytest.importorskip("geopandas")
    gdf = geopandas.tools.geocode(["Moscow", "Istanbul"], provider=geo.LocalGazetteer, gazetteer=full_gazetteer)
    assert isinstance(gdf, geopandas.GeoDataFrame)
    assert len(gdf) == 2
    assert list(gdf.geometry.geom_type) == ["Point", "Point"]
    moscow, istanbul = gdf.geometry
    assert haversine_km(moscow.y, moscow.x, 55.75, 37.62) < 20
    assert haversine_km(istanbul.y, istanbul.x, 41.01, 28.95) < 20
    assert gdf.crs.to_epsg() == 4326


@pytest.mark.parametrize("query", ["55.75, 37.62", [55.75, 37.62]])
def test_reverse_takes_the_point_forms_geopy_takes(coder, query) -> None:
    from geopy.point import Point

    ids = {coder.reverse(form).raw["id"] for form in (query, Point(55.75, 37.62), (55.75, 37.62))}
    assert len(ids) == 1
    assert coder.reverse(query).raw["country"] == "RU"


# -- geopy's conventions -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["geocode", "reverse"])
def test_exactly_one_is_keyword_only_as_in_geopy(coder, method: str) -> None:
    import inspect

    from geopy.geocoders import Nominatim

    ours = inspect.signature(getattr(geo.LocalGazetteer, method)).parameters["exactly_one"]
    theirs = inspect.signature(getattr(Nominatim, method)).parameters["exactly_one"]
    assert ours.kind is theirs.kind is inspect.Parameter.KEYWORD_ONLY
    query = "Moscow" if method == "geocode" else (55.75, 37.62)
    with pytest.raises(TypeError):
        getattr(coder, method)(query, False)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.geocode("  "), "is empty"),
        (lambda c: c.reverse("north"), "not a \\(latitude, longitude\\) pair"),
        (lambda c: c.reverse((95.0, 10.0)), "outside the globe"),  # raised by the gazetteer itself
    ],
)
def test_bad_queries_are_geopy_query_errors_too(coder, call, message: str) -> None:
    from geopy.exc import GeocoderQueryError, GeopyError

    from geo.gazetteer.geocoder import LocalGazetteerQueryError

    for caught in (GeopyError, GeocoderQueryError, LocalGazetteerQueryError, InputError, ValueError):
        with pytest.raises(caught, match=message):
            call(coder)


def test_a_missing_curated_folder_is_a_geopy_configuration_error(tmp_path, monkeypatch) -> None:
    from geopy.exc import ConfigurationError, GeopyError

    from geo.errors import CuratedDataError

    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("GEO_CURATED", str(missing))
    for caught in (GeopyError, ConfigurationError, CuratedDataError, ValueError):
        with pytest.raises(caught, match="no-such-folder"):
            geo.LocalGazetteer(tmp_path / "g.sqlite")
    assert not (tmp_path / "g.sqlite").exists()
