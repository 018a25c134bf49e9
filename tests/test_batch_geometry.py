"""A batch's table sends each shape once; a part holds each mention's WKB in a plain column.

Mentions of one place carry the same WKB (a country outline of kilobytes). Workers
dictionary-encode the geometry column of a batch, so the run's process receives each
shape once per batch; the part it writes decodes the column again, and readers see
plain WKB, the same bytes as each mention's own geometry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from geo.batch.run import PART_COLUMNS, _batch_table, part_paths, run_batch


def _rows(geometry: list[bytes]) -> dict[str, list[object]]:
    columns: dict[str, list[object]] = {name: [None] * len(geometry) for name in PART_COLUMNS}
    columns["doc"] = [f"d{n}" for n in range(len(geometry))]
    columns["start"] = list(range(len(geometry)))
    columns["geometry"] = list(geometry)
    return columns


def test_a_batch_table_holds_each_distinct_shape_once_and_decodes_to_the_rows() -> None:
    point, line = shapely.Point(30.5, 50.4).wkb, shapely.LineString([(0, 0), (1, 1)]).wkb
    # Equal shapes as separate bytes objects count once too: the dictionary goes by value.
    geometry = [point, line, point, bytes(point), line, point]
    table = _batch_table(_rows(geometry))
    column = table.column("geometry")
    assert pa.types.is_dictionary(column.type)
    assert [chunk.dictionary.to_pylist() for chunk in column.chunks] == [[point, line]]
    assert column.cast(pa.binary()).to_pylist() == geometry
    assert table.column("doc").to_pylist() == [f"d{n}" for n in range(len(geometry))]


def test_an_empty_batch_table_has_the_columns_of_a_part() -> None:
    table = _batch_table(_rows([]))
    assert table.num_rows == 0 and table.column_names == [*PART_COLUMNS, "geometry"]


# Countries named again and again (drawn as outlines) and towns (points), over several batches.
TEXTS = [
    f"Talks between Ukraine and Poland went on in {town}. Ukraine said Poland would help."
    for town in ("Lviv", "Warsaw", "Krakow", "Odesa", "Gdansk", "Kharkiv")
]


@pytest.fixture(scope="module")
def batch_folder(full_gazetteer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{n}", "text": t}) + "\n" for n, t in enumerate(TEXTS)), "utf-8")
    out = tmp_path_factory.mktemp("batch") / "out"
    run_batch([corpus], out, gazetteer_path=full_gazetteer.path, progress=False, jobs=1, batch_size=2, part_size=4)
    return out


def test_parts_hold_plain_wkb_of_each_mentions_own_geometry(batch_folder: Path, geoparser) -> None:
    from geo.output import mention_geometry

    expected = {
        (f"a{n}", m.start): mention_geometry(m).wkb for n, text in enumerate(TEXTS) for m in geoparser.parse_text(text)
    }
    tables = [pq.read_table(path) for path in part_paths(batch_folder)]
    assert len(tables) >= 2
    assert all(table.schema.field("geometry").type == pa.binary() for table in tables)
    rows = pa.concat_tables(tables).to_pylist()
    assert {row["feature"] for row in rows} >= {"PCLI"} and any(row["feature"].startswith("PPL") for row in rows)
    assert {(row["doc"], row["start"]): row["geometry"] for row in rows} == expected


def test_a_part_stores_each_distinct_shape_once(batch_folder: Path) -> None:
    # Parquet's dictionary encoding of the plain binary column: one copy of each shape per part.
    for path in part_paths(batch_folder):
        parquet = pq.ParquetFile(path)
        index = parquet.schema_arrow.get_field_index("geometry")
        column = parquet.metadata.row_group(0).column(index)
        assert parquet.metadata.num_row_groups == 1 and column.dictionary_page_offset is not None
        assert set(column.encodings) <= {"PLAIN", "RLE", "RLE_DICTIONARY"}  # no plain fallback of the data pages
        geometry = parquet.read(columns=["geometry"]).column("geometry")
        stored = column.total_uncompressed_size
        assert stored < sum(len(wkb) for wkb in set(geometry.to_pylist())) + 8 * len(geometry) + 4096


SHAPE_SETS = [
    [],
    [shapely.Point(30.5, 50.4).wkb, shapely.Point(1, 2, 3).wkb],
    [
        shapely.LinearRing([(0, 0), (1, 0), (1, 1)]).wkb,
        shapely.GeometryCollection([shapely.Point(0, 0)]).wkb,
        shapely.MultiPolygon([shapely.box(-180, -60, -170, -50), shapely.box(170, 80, 180, 85)]).wkb,
        shapely.LineString([(-3, 4), (5, -6)]).wkb,
    ],
]


@pytest.mark.parametrize("shapes", SHAPE_SETS, ids=["none", "points-2d-3d", "mixed"])
def test_a_parts_geo_metadata_is_what_geopandas_writes_for_the_same_shapes(shapes: list[bytes]) -> None:
    import io

    import geopandas

    from geo.batch.run import _geo_metadata

    buffer = io.BytesIO()
    geopandas.GeoDataFrame(geometry=geopandas.GeoSeries.from_wkb(shapes, crs="EPSG:4326")).to_parquet(buffer)
    buffer.seek(0)
    theirs = json.loads(pq.read_schema(buffer).metadata[b"geo"])
    ours = json.loads(_geo_metadata(shapes))
    assert ours.pop("creator")["library"] == "geo"
    theirs.pop("creator")
    assert ours == theirs


def test_a_run_writes_its_parts_without_importing_geopandas(full_gazetteer, tmp_path: Path) -> None:
    import subprocess
    import sys

    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": TEXTS[0]}) + "\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from geo.batch.run import run_batch\n"
        "if __name__ == '__main__':\n"
        f"    run_batch([{str(corpus)!r}], {str(tmp_path / 'out')!r}, gazetteer_path={str(full_gazetteer.path)!r},"
        " jobs=1, progress=False)\n"
        "    print(sorted(m for m in ('geopandas', 'pandas') if m in sys.modules))\n"
    )
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    done = subprocess.run([sys.executable, str(tmp_path / "run.py")], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert len(part_paths(tmp_path / "out")) == 1
