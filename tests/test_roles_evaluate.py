"""Role accuracy: the GeoWebNews <type> reader, the scoring, and the invented role sets in tests/data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.evaluate.geoparsing import (
    GEOWEBNEWS_ROLES,
    GoldArticle,
    GoldRole,
    Prediction,
    evaluate,
    read_corpus,
    score,
    score_gold_spans,
)

DATA = Path(__file__).resolve().parent / "data"
DEV = DATA / "roles_dev.xml"
HELDOUT = DATA / "roles_heldout.xml"
UNSEEN = DATA / "roles_unseen.xml"

GWN = """<?xml version='1.0' encoding='utf-8'?>
<articles>
<article id="a1"><text>Quito said the talks in Lima went well, and the Andes Pact held.</text>
<toponym><extractedName>Quito</extractedName><start>0</start><end>5</end><type>Metonymic</type>
<latitude>-0.22</latitude><longitude>-78.51</longitude></toponym>
<toponym><extractedName>Lima</extractedName><start>24</start><end>28</end><type>Literal</type>
<latitude>-12.04</latitude><longitude>-77.03</longitude></toponym>
<toponym><extractedName>Andes</extractedName><start>48</start><end>53</end><type>Embedded_Non_Lit</type></toponym>
</article>
<article id="a2"><text>Peruvian and Chilean fans met in Tacna.</text>
<toponym><extractedName>Peruvian</extractedName><start>0</start><end>8</end><type>Demonym</type></toponym>
<toponym><extractedName>Tacna</extractedName><start>33</start><end>38</end><type>Mixed</type>
<latitude>-18.01</latitude><longitude>-70.25</longitude></toponym>
</article>
</articles>
"""


@pytest.fixture()
def gwn(tmp_path):
    path = tmp_path / "gwn.xml"
    path.write_text(GWN, encoding="utf-8")
    return path


def test_reader_keeps_every_typed_toponym(gwn):
    a1, a2 = list(read_corpus(gwn))
    # Coordinates make a gold toponym for resolution; a type makes a gold role, with coordinates or without.
    assert [t.name for t in a1.toponyms] == ["Quito", "Lima"]
    assert a1.roles == (
        GoldRole(0, 5, "Quito", "Metonymic"),
        GoldRole(24, 28, "Lima", "Literal"),
        GoldRole(48, 53, "Andes", "Embedded_Non_Lit"),
    )
    assert a1.roles[2].accepts == {"name"}
    assert a2.roles[0].accepts == frozenset()  # Demonym: not a type role scoring knows
    assert a2.roles[1].accepts == {"place", "actor"}  # Mixed counts either way


def test_type_mapping_is_the_documented_one():
    assert {k: sorted(v) for k, v in GEOWEBNEWS_ROLES.items()} == {
        "Literal": ["place"],
        "Literal_Modifier": ["place"],
        "Embedded_Literal": ["place"],
        "Coercion": ["place"],
        "Metonymic": ["actor"],
        "Non_Literal_Modifier": ["affiliation"],
        "Embedded_Non_Lit": ["name"],
        "Mixed": ["actor", "place"],
    }


def test_role_accuracy_over_found_typed_toponyms(gwn):
    a1, a2 = list(read_corpus(gwn))
    preds = [
        [Prediction(0, 5, -0.2, -78.5, "actor"), Prediction(24, 28, -12.0, -77.0, "actor")],  # Andes not found
        [Prediction(0, 8, -9.0, -75.0, "affiliation"), Prediction(33, 38, -18.0, -70.2, "actor")],
    ]
    s = score([a1, a2], preds)
    assert (s.role_gold, s.role_found, s.role_correct) == (4, 3, 2)  # Demonym not scored; Quito and Tacna right
    assert s.role_accuracy == pytest.approx(2 / 3)
    assert s.role_all_place == pytest.approx(2 / 3)  # Lima (Literal) and Tacna (Mixed) accept place
    assert s.role_confusion == {"Metonymic": {"actor": 1}, "Literal": {"actor": 1}, "Mixed": {"actor": 1}}
    assert "role accuracy" in s.format() and "all-place baseline 0.667" in s.format()


@pytest.mark.parametrize(
    ("kind", "roles"),
    [
        ("Embedded_Non_Literal", {"name"}),
        ("non-literal modifier", {"affiliation"}),
        ("METONYMY", {"actor"}),
        ("Literal", {"place"}),
        ("Homonym", set()),
        ("Language", set()),
    ],
)
def test_type_spellings(kind, roles):
    assert GoldRole(0, 1, "x", kind).accepts == roles


def test_gold_span_answers_carry_roles(gwn):
    a1, a2 = list(read_corpus(gwn))
    answers = [[Prediction(0, 5, -0.2, -78.5, "actor"), None], [Prediction(33, 38, -18.0, -70.2, "place")]]
    s = score_gold_spans([a1, a2], answers)
    assert (s.role_gold, s.role_found, s.role_correct) == (4, 2, 2)


def test_a_prediction_without_a_role_counts_as_a_place():
    g = GoldArticle("1", "Lima rose.", None, "", (), (GoldRole(0, 4, "Lima", "Literal"),))
    assert score([g], [[Prediction(0, 4, -12.0, -77.0)]]).role_accuracy == 1.0


def test_corpora_without_types_report_no_role_rows():
    g = GoldArticle("1", "Lima rose.", None, "", ())
    s = score([g], [[Prediction(0, 4, -12.0, -77.0, "actor")]])
    assert s.role_gold == 0 and "role accuracy" not in s.format()


def test_a_typed_toponym_with_bad_offsets_is_named(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(
        "<articles><article id='x'><text>Lima.</text><toponym><extractedName>Lima</extractedName>"
        "<start>two</start><end>4</end><type>Literal</type></toponym></article></articles>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bad.xml, article x: toponym 'Lima' lacks integer <start>/<end>"):
        list(read_corpus(path))


def test_role_sets_are_built_from_their_sources(tmp_path):
    """The XML in tests/data is exactly what the builder makes of the .src files (offsets and types)."""
    sys.path.insert(0, str(DATA))
    try:
        from build_role_sets import parse_source
    finally:
        sys.path.remove(str(DATA))
    for xml in (DEV, HELDOUT, UNSEEN):
        articles = parse_source(xml.with_suffix(".src"))
        gold = list(read_corpus(xml))
        assert [a["id"] for a in articles] == [g.id for g in gold]
        for a, g in zip(articles, gold, strict=True):
            assert a["text"] == g.text
            assert [(s, e, t) for s, e, _, t in a["marks"]] == [(r.start, r.end, r.type) for r in g.roles]


@pytest.mark.parametrize(
    ("xml", "least", "covered"),
    [
        (DEV, 140, {"place", "actor", "affiliation", "name"}),
        (HELDOUT, 90, {"place", "actor", "affiliation"}),
        (UNSEEN, 60, {"place", "actor", "affiliation"}),
    ],
)
def test_role_sets_cover_the_roles_with_enough_toponyms(xml, least, covered):
    roles = [r for a in read_corpus(xml) for r in a.roles]
    assert len(roles) >= least
    assert covered <= {role for r in roles for role in r.accepts}


@pytest.fixture(scope="module")
def role_scores(geoparser):
    def parse(article):
        return geoparser.parse_text(article.text, published=article.published, doc=article.id)

    return {xml.stem: evaluate(xml, parse) for xml in (DEV, HELDOUT, UNSEEN)}


@pytest.mark.parametrize("name", ["roles_dev", "roles_heldout", "roles_unseen"])
def test_role_accuracy_beats_everything_is_a_place(role_scores, name):
    s = role_scores[name]
    assert s.role_found >= 0.9 * s.role_gold
    assert 0.45 <= s.role_all_place <= 0.62  # the sets are balanced like annotated news
    assert s.role_accuracy >= 0.8, s.format()
    assert s.role_accuracy >= s.role_all_place + 0.25


def test_cli_reports_role_accuracy(full_gazetteer):
    out = subprocess.run(
        [sys.executable, "-m", "geo", "evaluate", str(DEV), "--index", str(full_gazetteer.path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout)
    typed = sum(1 for a in read_corpus(DEV) for r in a.roles if r.accepts)
    assert figures["role_gold"] == typed and figures["role_accuracy"] >= 0.8
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "evaluate",
            str(HELDOUT),
            "--gold-spans",
            "--index",
            str(full_gazetteer.path),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout)
    assert figures["gold_spans"] and figures["role_found"] >= 0.95 * figures["role_gold"]
    assert figures["role_accuracy"] >= 0.8
