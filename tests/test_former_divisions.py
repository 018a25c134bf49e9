"""Former first-level divisions: ``gazetteer/former_divisions.geojson``.

News of the last decades names divisions that have since been abolished, merged
or renamed (Kenya's provinces before 2013, DR Congo's before 2015, Norway's
counties before 2020, France's regions before 2016, Vietnam's provinces before
2025 ...). The file adds them as ``ADM1H`` points, plus the present provinces of
other countries that share the Kenyan full names ("Eastern Province"), so that the
document's country decides between them. These tests hold the file to its own
rules and check that news sentences resolve through it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import shapely.geometry

from geo.gazetteer.names import name_key

PATH = Path(__file__).resolve().parent.parent / "gazetteer" / "former_divisions.geojson"
FEATURES: list[dict[str, Any]] = json.loads(PATH.read_text(encoding="utf-8"))["features"]
BY_ID = {f["properties"]["id"]: f for f in FEATURES}
IDS = [f["properties"]["id"] for f in FEATURES]

# The divisions the file exists for, by country.
EXPECTED = {
    "KE": [
        "nairobi-province",
        "central-province-kenya",
        "coast-province-kenya",
        "eastern-province-kenya",
        "north-eastern-province",
        "nyanza-province",
        "rift-valley-province",
        "western-province-kenya",
    ],
    "CD": ["bandundu", "bas-congo", "kasai-occidental", "katanga", "orientale"],
    "NO": [
        "hedmark",
        "oppland",
        "vest-agder",
        "aust-agder",
        "hordaland",
        "sogn-og-fjordane",
        "sor-trondelag",
        "nord-trondelag",
        "viken",
        "troms-og-finnmark",
        "vestfold-og-telemark",
    ],
    "FR": [
        "lorraine",
        "champagne-ardenne",
        "picardy",
        "nord-pas-de-calais",
        "upper-normandy",
        "lower-normandy",
        "burgundy",
        "franche-comte",
        "auvergne",
        "rhone-alpes",
        "limousin",
        "poitou-charentes",
        "aquitaine",
        "midi-pyrenees",
        "languedoc-roussillon",
    ],
    "VN": [
        "vinh-phuc",
        "quang-binh",
        "quang-nam",
        "ninh-thuan",
        "dak-nong",
        "binh-thuan",
        "phu-yen",
        "binh-phuoc",
        "binh-duong",
        "ba-ria-vung-tau",
        "long-an",
        "tien-giang",
        "kien-giang",
        "hau-giang",
        "thua-thien-hue",
        "ha-tay",
    ],
}
# Words that name far more prominent things than a division: never a name of their own here.
BARE_WORDS = {"central", "eastern", "western", "northern", "southern", "coast", "north eastern", "natal", "champagne"}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _names(feature: dict[str, Any]) -> list[str]:
    return [feature["properties"]["name"], *feature["properties"]["alternate_names"]]


# ----------------------------------------------------------------------------- the file


def test_the_loader_reads_every_feature() -> None:
    from geo.gazetteer.curated import read_curated_file

    records = read_curated_file(PATH)
    assert [r["id"] for r in records] == IDS
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize(("country", "slugs"), sorted(EXPECTED.items()))
def test_the_divisions_of_the_brief_are_there(country: str, slugs: list[str]) -> None:
    for slug in slugs:
        feature = BY_ID.get(f"curated:{slug}")
        assert feature is not None, f"curated:{slug} is missing"
        assert feature["properties"]["country"] == country, slug


@pytest.mark.parametrize("feature", FEATURES, ids=IDS)
def test_former_and_present_entries_say_which_they_are(feature: dict[str, Any]) -> None:
    props = feature["properties"]
    assert props["feature_class"] == "A"
    assert feature["geometry"]["type"] == "Point"
    if props["feature_code"] == "ADM1H":
        assert props["note"].startswith("former "), props["note"]
        assert "replaces" not in props
    else:
        # The present provinces and states in the file correct or complete an entry of today.
        assert props["feature_code"] == "ADM1"
        assert props["note"].startswith("present "), props["note"]
    assert props["source"].startswith("Wikipedia: ") and "approximate" in props["source"]


@pytest.mark.parametrize("feature", FEATURES, ids=IDS)
def test_no_bare_direction_word_becomes_a_name(feature: dict[str, Any]) -> None:
    assert not {name_key(n) for n in _names(feature)} & BARE_WORDS


def test_alternate_names_fold_to_new_keys() -> None:
    # A spelling that folds to the entry's own key ("Kasai Occidental" for "Kasai-Occidental") adds nothing.
    for feature in FEATURES:
        keys = [name_key(n) for n in _names(feature)]
        assert len(keys) == len(set(keys)), feature["properties"]["id"]


def test_populations_are_plausible_for_a_division() -> None:
    for feature in FEATURES:
        pop = feature["properties"].get("population")
        if pop is not None:
            assert 10_000 <= pop <= 50_000_000, feature["properties"]["id"]


# ----------------------------------------------------------------------------- against the index


@pytest.mark.parametrize("feature", FEATURES, ids=IDS)
def test_point_lies_in_its_country(full_gazetteer, feature: dict[str, Any]) -> None:
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    country = full_gazetteer.country(props["country"])
    assert country is not None, props["country"]
    if country.geometry is not None and shapely.geometry.shape(country.geometry).contains(
        shapely.geometry.Point(lon, lat)
    ):
        return
    # Coarse outlines leave out small islands (New Georgia, Nggela): then a town of the country must be near.
    near = [(p.country, d) for p, d in full_gazetteer.nearest(lat, lon, limit=5)]
    assert any(code == props["country"] and d <= 40 for code, d in near), near


def test_each_entry_is_the_first_candidate_of_its_unambiguous_names(full_gazetteer) -> None:
    shared = {"central province", "eastern province", "western province"}  # decided by the document's country
    for feature in FEATURES:
        props = feature["properties"]
        # A "replaces" target may be a former id ("csc-state:..."): the index names its place by its id now.
        target = full_gazetteer.get(props.get("replaces", props["id"]))
        wanted = target.id if target is not None else props["id"]
        for name in _names(feature):
            if name_key(name) in shared:
                continue
            cands = full_gazetteer.lookup(name)
            assert cands and cands[0].place.id == wanted, (name, [c.place.id for c in cands[:3]])


@pytest.mark.parametrize("word", ["Western", "Eastern", "Central", "Coast"])
def test_a_bare_direction_word_never_means_a_kenyan_province(full_gazetteer, word: str) -> None:
    assert not [c.place.id for c in full_gazetteer.lookup(word) if c.place.id in BY_ID]


NYANZA = (-0.5, 34.6)
ELDORET = (0.52, 35.27)
KANANGA = (-5.9, 22.4)
BERGEN = (60.39, 5.32)
AMIENS = (49.89, 2.30)
THU_DAU_MOT = (10.98, 106.65)

SENTENCES = [
    # (text, surface, expected id, reference point or None, km)
    (
        "Cholera spread in Nyanza Province and the Rift Valley, health officials said.",
        "Nyanza Province",
        "curated:nyanza-province",
        NYANZA,
        30,
    ),
    (
        "Cholera spread in Nyanza Province and the Rift Valley, health officials said.",
        "Rift Valley",
        "curated:rift-valley-province",
        ELDORET,
        150,
    ),
    (
        "Police in Nyanza Province said the bodies were found near Kisumu.",
        "Nyanza Province",
        "curated:nyanza-province",
        NYANZA,
        30,
    ),
    (
        "Fighting broke out in Kasai Occidental, the UN said.",
        "Kasai Occidental",
        "curated:kasai-occidental",
        KANANGA,
        150,
    ),
    ("Rebels from Katanga and Orientale province met in Kisangani.", "Katanga", "curated:katanga", None, 0),
    ("Rebels from Katanga and Orientale province met in Kisangani.", "Orientale", "curated:orientale", None, 0),
    ("Floods in Hordaland closed roads near Bergen.", "Hordaland", "curated:hordaland", BERGEN, 100),
    (
        "Police in Binh Duong and Long An provinces arrested the smugglers.",
        "Binh Duong",
        "curated:binh-duong",
        THU_DAU_MOT,
        30,
    ),
    ("Voters in Nord-Pas-de-Calais and Picardy backed the National Front.", "Picardy", "curated:picardy", AMIENS, 60),
    (
        "The army attacked militants in the Federally Administered Tribal Areas.",
        "Federally Administered Tribal Areas",
        "curated:federally-administered-tribal-areas",
        None,
        0,
    ),
    ("Fighting in Jonglei displaced thousands.", "Jonglei", "csc-state:2094", None, 0),
    (
        "Violence erupted in Transvaal and Natal Province before the 1994 elections.",
        "Natal Province",
        "curated:natal-province",
        None,
        0,
    ),
    # The full names shared with present provinces follow the document's country.
    (
        "Kenyan herders in the Eastern Province clashed near Marsabit.",
        "Eastern Province",
        "curated:eastern-province-kenya",
        None,
        0,
    ),
    (
        "In Kenya, police in Central Province arrested suspects in Nyeri.",
        "Central Province",
        "curated:central-province-kenya",
        None,
        0,
    ),
    (
        "Farmers in Zambia's Central Province near Kabwe lost their maize.",
        "Central Province",
        "curated:central-province-zambia",
        None,
        0,
    ),
    (
        "Sri Lankan troops fought rebels in the Eastern Province near Batticaloa.",
        "Eastern Province",
        "curated:eastern-province-sri-lanka",
        None,
        0,
    ),
    (
        "Rwanda's Western Province was hit by landslides near Rubavu.",
        "Western Province",
        "curated:western-province-rwanda",
        None,
        0,
    ),
]


@pytest.mark.parametrize(("text", "surface", "expected", "ref", "max_km"), SENTENCES)
def test_news_sentence_resolves_to_the_former_division(
    geoparser,
    full_gazetteer,
    text: str,
    surface: str,
    expected: str,
    ref: tuple[float, float] | None,
    max_km: float,
) -> None:
    found = {m.text: m.place for m in geoparser.parse_text(text)}
    assert surface in found, sorted(found)
    place = found[surface]
    wanted = full_gazetteer.get(expected)  # a former id ("csc-state:...") names its division still
    assert wanted is not None and place.id == wanted.id
    if ref is not None:
        assert km(place.lat, place.lon, *ref) <= max_km


@pytest.mark.parametrize(
    ("text", "surface", "country"),
    [
        ("Saudi police in the Eastern Province near Qatif said.", "Eastern Province", "SA"),
        ("Gunmen in Brazil's Natal killed two.", "Natal", "BR"),
        ("Genocide survivors in Nyanza, Rwanda, near Butare remembered the victims.", "Nyanza", "RW"),
    ],
)
def test_namesakes_elsewhere_keep_their_name(geoparser, text: str, surface: str, country: str) -> None:
    found = {m.text: m.place for m in geoparser.parse_text(text)}
    assert found[surface].country == country
