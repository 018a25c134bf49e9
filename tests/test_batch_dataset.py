"""A batch output folder is a Parquet dataset: the ecosystem's readers take the folder itself.

Everything beside the parts (``_manifest.sqlite``, ``_errors.jsonl``, the lock) starts with ``_`` or
``.``, which Parquet readers skip; the folder below has failures, so its errors file is not empty.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.batch.run import ERRORS_NAME, MANIFEST_NAME, read_mentions, run_batch

CITIES = ["Lagos", "Quito", "Hanoi", "Oslo", "Perth", "Dakar", "Riga", "Lima"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    lines = [
        json.dumps({"id": f"a{i}", "date": f"2024-03-{i + 1:02d}", "text": f"Floods hit {a}. Aid came from {b}."})
        for i, (a, b) in enumerate(zip(CITIES, CITIES[3:] + CITIES[:3], strict=True))
    ]
    lines.insert(3, "{not JSON")  # a failure, so the errors file has a line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch_folder(corpus: Path, full_gazetteer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "out"
    summary = run_batch(
        [corpus], out, gazetteer_path=full_gazetteer.path, progress=False, jobs=1, part_size=5, batch_size=2
    )
    assert summary.failures == 1 and summary.parts >= 2
    return out


def test_the_sidecars_start_with_an_underscore(batch_folder: Path) -> None:
    names = {p.name for p in batch_folder.iterdir()}
    assert {MANIFEST_NAME, ERRORS_NAME} <= names
    assert (batch_folder / ERRORS_NAME).read_text(encoding="utf-8").strip()
    assert all(n.startswith(("part-", "_", ".")) for n in names), names


def test_pandas_and_geopandas_read_the_folder(batch_folder: Path) -> None:
    import geopandas
    import pandas

    ours = read_mentions(batch_folder)
    assert len(ours) > len(CITIES)
    frame = pandas.read_parquet(batch_folder)
    assert len(frame) == len(ours) and set(frame.columns) == set(ours.columns)
    shapes = geopandas.read_parquet(batch_folder)
    assert isinstance(shapes, geopandas.GeoDataFrame) and shapes.crs.to_epsg() == 4326
    assert sorted(shapes["name"]) == sorted(ours["name"])


def test_dask_and_duckdb_read_the_folder(batch_folder: Path) -> None:
    dd = pytest.importorskip("dask.dataframe")
    duckdb = pytest.importorskip("duckdb")

    expected = len(read_mentions(batch_folder))
    assert len(dd.read_parquet(str(batch_folder)).compute()) == expected
    con = duckdb.connect()
    try:
        (count,) = con.execute("SELECT count(*) FROM read_parquet(?)", [str(batch_folder / "*.parquet")]).fetchone()
    finally:
        con.close()
    assert count == expected


def test_read_mentions_reads_only_the_columns_and_rows_asked_for(batch_folder: Path) -> None:
    import pyarrow.compute as pc

    everything = read_mentions(batch_folder)
    oslo = read_mentions(batch_folder, columns=["doc", "name"], filter=pc.field("name") == "Oslo")
    assert list(oslo.columns) == ["doc", "name", "geometry"]
    assert len(oslo) == (everything["name"] == "Oslo").sum() > 0
    assert oslo.geometry.geom_type.isin(["Point", "Polygon", "MultiPolygon"]).all()
    assert oslo.attrs["gazetteer"] == everything.attrs["gazetteer"]
    assert len(read_mentions(batch_folder, filter=pc.field("name") == "Atlantis")) == 0


def test_a_folder_of_the_old_layout_is_resumed_under_the_new_names(
    batch_folder: Path, corpus: Path, full_gazetteer, tmp_path: Path
) -> None:
    import pandas

    old = tmp_path / "old"
    shutil.copytree(batch_folder, old)
    (old / ERRORS_NAME).rename(old / "errors.jsonl")  # what older versions wrote
    summary = run_batch(
        [corpus], old, gazetteer_path=full_gazetteer.path, progress=False, jobs=1, part_size=5, batch_size=2
    )
    assert summary.skipped == len(CITIES) and summary.failures == 1
    assert not (old / "errors.jsonl").exists()
    assert len((old / ERRORS_NAME).read_text(encoding="utf-8").splitlines()) == 1
    assert len(pandas.read_parquet(old)) == len(read_mentions(batch_folder))
