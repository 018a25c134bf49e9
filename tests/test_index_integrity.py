"""The gazetteer index checked for damage: at open when the file changed, in ``gazetteer info``, at query time.

Copies of real indexes (the fixture index, the session's full index) are
damaged in the middle of the file, as a disk error or an interrupted copy
would, and every way in must say which file is damaged and how to rebuild it.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import geo.gazetteer.index
from geo.cli import main
from geo.errors import IndexCorruptError
from geo.gazetteer.index import INDEX_NAME, Gazetteer, _is_verified, build_index


def _damage_middle(path: Path, *, keep_mtime: bool = False) -> None:
    """Overwrite 64 KiB in the middle of the file with garbage (size unchanged)."""
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek(before.st_size // 2)
        handle.write(bytes((i * 73 + 11) % 251 for i in range(min(1 << 16, before.st_size // 4))))
    if keep_mtime:  # bit rot: the file changes without anyone writing it
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _damage_page_of(path: Path, table: str) -> None:
    """Overwrite the root page of one b-tree (e.g. the name-key index), keeping size and mtime."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    con.close()
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.fixture
def full_copy(full_gazetteer, tmp_path: Path) -> Path:
    """A verified copy of the session's real index."""
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(full_gazetteer.path, path)
    Gazetteer(path).close()  # checked whole once, and marked so
    return path


def test_a_fresh_build_is_marked_verified_and_a_copy_is_not(tmp_path: Path, tiny_records: list[dict[str, Any]]) -> None:
    path = build_index(tmp_path / "g.sqlite", records=tiny_records, curated=[])
    copied = tmp_path / "c.sqlite"
    shutil.copy2(path, copied)  # copies the extended attributes too, but not the inode
    if not _is_verified(path):
        pytest.skip("this file system keeps no user extended attributes: every open checks the pages")
    assert not _is_verified(copied)
    Gazetteer(copied).close()
    assert _is_verified(copied)


def test_a_mid_file_damage_is_found_when_the_file_changed(tmp_path: Path, tiny_index: Path) -> None:
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(tiny_index, path)
    Gazetteer(path).close()
    _damage_middle(path)
    with pytest.raises(IndexCorruptError, match=f"gazetteer index {path} is corrupt"):
        Gazetteer(path)


def test_gazetteer_info_checks_every_page_even_when_marked(full_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gazetteer", "info", "--index", str(full_copy)]) == 0
    assert "pages checked: ok" in capsys.readouterr().out
    # Without -v the command line still shows the index builder's progress lines (INFO).
    assert logging.getLogger("geo.gazetteer.index").getEffectiveLevel() == logging.INFO
    _damage_middle(full_copy, keep_mtime=True)  # the mark still matches: only a page check can tell
    assert main(["gazetteer", "info", "--index", str(full_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"geo: error: gazetteer index {full_copy} is corrupt")
    assert f"geo gazetteer build --index {full_copy}" in err
    assert "Traceback" not in err


def test_a_damaged_named_index_is_an_error_not_a_silent_rebuild(
    full_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage_middle(full_copy)
    size = full_copy.stat().st_size
    assert main(["gazetteer", "search", "Moscow", "--index", str(full_copy)]) == 2
    err = capsys.readouterr().err
    assert f"gazetteer index {full_copy} is corrupt" in err and "geo gazetteer build --index" in err
    assert full_copy.stat().st_size == size  # not rebuilt behind the user's back


def test_damage_met_at_query_time_names_the_index_and_the_fix(full_copy: Path) -> None:
    con = sqlite3.connect(f"file:{full_copy}?mode=ro", uri=True)
    keys = [row[0] for row in con.execute("SELECT DISTINCT key FROM names WHERE rowid % 97 = 0")]
    con.close()
    _damage_middle(full_copy, keep_mtime=True)
    gaz = Gazetteer(full_copy)  # opens: the file looks unchanged since it was verified
    errors = []
    for key in keys:
        try:
            gaz.candidates(key)
        except IndexCorruptError as err:
            errors.append(str(err))
    gaz.close()
    assert errors, "the damaged pages hold names; some lookups must meet them"
    assert all(f"gazetteer index {full_copy} is damaged" in e and "geo gazetteer build" in e for e in errors)
    # The mark is gone: the next open checks every page and finds the damage.
    with pytest.raises(IndexCorruptError, match="is corrupt"):
        Gazetteer(full_copy)


def test_geo_parse_stops_with_one_message_when_the_index_is_damaged(
    full_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage_page_of(full_copy, "names_key")
    article = tmp_path / "a.txt"
    article.write_text("Ships queued at the Suez Canal while officials visited Cairo and Moscow.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["parse", str(article), "--index", str(full_copy), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"geo: error: gazetteer index {full_copy} is damaged" in err and "geo gazetteer build" in err
    assert "failed" not in err  # not one warning per article
    # Nothing written and no temporary left; the index's name-key trie (a cache beside it) may be there.
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("copy.sqlite.keys-"))
    assert not out.exists() and left == ["a.txt", "copy.sqlite"]


def test_the_cached_index_damaged_mid_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_records: list[dict[str, Any]]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("GEO_GAZETTEER_DIR", str(project))
    monkeypatch.delenv("GEO_CURATED", raising=False)
    monkeypatch.setattr(geo.gazetteer.index, "read_installed_sources", lambda: iter(copy.deepcopy(tiny_records)))
    cache = tmp_path / "cache"
    Gazetteer.open(cache_dir=cache).close()
    _damage_middle(cache / INDEX_NAME)
    gaz = Gazetteer.open(cache_dir=cache)
    assert gaz.lookup("Springfield", limit=1) and gaz.info()["integrity"] == "ok"
    gaz.close()


def test_a_build_says_what_it_is_doing(
    tmp_path: Path, tiny_records: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="geo.gazetteer.index"):
        build_index(tmp_path / "g.sqlite", records=tiny_records, curated=[])
    lines = [r.getMessage() for r in caplog.records if r.name == "geo.gazetteer.index"]
    assert any("writing" in line and "places" in line for line in lines)
    assert any(line.endswith(" s") and "done" in line for line in lines)
    assert all(str(tmp_path / "g.sqlite") in line for line in lines)
