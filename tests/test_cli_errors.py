"""Every error the command line meets: one message naming the input, the problem and the fix, and one exit-code policy.

Exit codes, the same in ``geo parse`` (batch or not) and ``geo map``: 0 all
read, 1 the output is written but some inputs or articles failed (each named),
2 nothing done (usage, no readable input, an output that cannot be written).
Outputs are real files, FIFOs, devices, symlinks and read-only folders; a full
disk is a file-size limit on a real ``geo`` process.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.batch.run import part_paths, read_mentions
from geo.cli import main

ROOT = os.geteuid() == 0
SUEZ = "date 2023-05-04 Ships queued at the Suez Canal while Russian officials visited Cairo.\n"
DANUBE = "date 2023-05-05 Barges on the Danube stopped near Vienna as Ukraine asked for help.\n"


@pytest.fixture(scope="module")
def cache(full_gazetteer) -> list[str]:
    return ["--cache-dir", str(full_gazetteer.path.parent)]


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "suez.txt").write_text(SUEZ, encoding="utf-8")
    (folder / "danube.txt").write_text(DANUBE, encoding="utf-8")
    return folder


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("geo: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# -- where -o points ----------------------------------------------------------------------------------


def test_dev_null_as_output_stays_a_device(cache, articles, capsys) -> None:
    before = os.stat(os.devnull)
    for fmt in ("jsonl", "csv", "geojson"):
        assert main(["parse", str(articles), "-o", os.devnull, "--format", fmt, *cache]) == 0
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert "2 articles" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_a_binary_format_refuses_a_device(cache, articles, capsys, fmt) -> None:
    assert main(["parse", str(articles / "suez.txt"), "-o", os.devnull, "--format", fmt, *cache]) == 2
    assert "character device" in error_line(capsys.readouterr().err)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_reader_gets_every_record(cache, articles, tmp_path, capsys) -> None:
    fifo = tmp_path / "mentions.jsonl"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert main(["parse", str(articles), "-o", str(fifo), *cache]) == 0
    reader.join(30)
    docs = {json.loads(line)["doc"] for line in got[0].decode().splitlines()}
    assert docs == {"suez", "danube"}
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert main(["parse", str(articles), "-o", str(fifo), "--format", "gpkg", *cache]) == 2
    assert "FIFO" in error_line(capsys.readouterr().err)


def test_a_symlink_output_is_written_through(cache, articles, tmp_path) -> None:
    real = tmp_path / "results" / "real.csv"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert main(["parse", str(articles), "-o", str(link), "--format", "csv", *cache]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("doc,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert names(real.parent) == ["real.csv"]


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
def test_an_output_that_is_an_input_is_refused_before_any_work(cache, articles, tmp_path, capsys, how) -> None:
    article = articles / "suez.txt"
    output = {"same path": article, "symlink": tmp_path / "s.jsonl", "hard link": tmp_path / "h.jsonl"}[how]
    if how == "symlink":
        output.symlink_to(article)
    elif how == "hard link":
        os.link(article, output)
    assert main(["parse", str(article), str(articles / "danube.txt"), "-o", str(output), *cache]) == 2
    line = error_line(capsys.readouterr().err)
    assert f"the output {output} is the input {article}" in line and "give another output path" in line
    assert article.read_text(encoding="utf-8") == SUEZ


def test_a_folder_as_output_is_refused_before_parsing(cache, articles, tmp_path, capsys, caplog) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    with caplog.at_level(logging.WARNING):
        code = main(["parse", str(articles), str(tmp_path / "missing.txt"), "-o", str(folder), *cache])
    assert code == 2
    assert f"cannot write {folder}: it is a folder" in error_line(capsys.readouterr().err)
    # Refused before the inputs were read: the missing one was never reported.
    assert not any("missing.txt" in r.getMessage() for r in caplog.records)


def test_new_outputs_get_the_umask_mode_and_old_ones_keep_theirs(cache, articles, tmp_path) -> None:
    old = os.umask(0o022)
    try:
        for fmt in ("jsonl", "csv", "geojson", "gpkg", "parquet"):
            out = tmp_path / f"m.{fmt}"
            assert main(["parse", str(articles), "-o", str(out), "--format", fmt, *cache]) == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o644, fmt
            out.chmod(0o640)
            assert main(["parse", str(articles), "-o", str(out), "--format", fmt, *cache]) == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o640, fmt
        agg = tmp_path / "agg.parquet"
        assert main(["aggregate", str(tmp_path / "m.parquet"), "-o", str(agg)]) == 0
        assert stat.S_IMODE(agg.stat().st_mode) == 0o644
    finally:
        os.umask(old)
    assert not [n for n in names(tmp_path) if n.startswith(".")]


def test_aggregate_refuses_its_own_input_as_output(cache, articles, tmp_path, capsys) -> None:
    mentions = tmp_path / "m.csv"
    assert main(["parse", str(articles), "-o", str(mentions), "--format", "csv", *cache]) == 0
    before = mentions.read_bytes()
    assert main(["aggregate", str(mentions), "-o", str(mentions)]) == 2
    assert "is the input" in error_line(capsys.readouterr().err)
    assert mentions.read_bytes() == before


# -- a full disk and a read-only folder -----------------------------------------------------------------


def test_a_full_disk_is_one_message_and_the_old_output_stays(full_gazetteer, tmp_path) -> None:
    article = tmp_path / "long.txt"
    article.write_text(
        "date 2023-05-04 " + " ".join([SUEZ.split(" ", 2)[2].strip(), DANUBE.split(" ", 2)[2].strip()] * 150),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    limit = 64 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "parse",
            str(article),
            "-o",
            str(out),
            "--cache-dir",
            str(full_gazetteer.path.parent),
        ],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    line = error_line(done.stderr)
    assert f"cannot write {out}" in line and "free space or write elsewhere" in line
    assert out.read_text() == "old\n" and names(tmp_path) == ["long.txt", "out.jsonl"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder not even root can write: a read-only bind mount as root, permission bits otherwise."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if not ROOT:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    bind = ["mount", "--bind", "-o", "ro", str(folder), str(folder)]
    if shutil.which("mount") is None or subprocess.run(bind, capture_output=True, check=False).returncode:
        pytest.skip("as root, a read-only folder needs a read-only bind mount, which this machine does not allow")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_fails_parse_map_and_batch_before_any_work(
    cache, articles, read_only, tmp_path, capsys, caplog
) -> None:
    missing = str(tmp_path / "missing.txt")
    runs = [
        (["parse", str(articles), missing, "-o", str(read_only / "out.jsonl")], "not writable"),
        (["map", str(articles), missing, "-o", str(read_only / "map.html"), "--offline"], "not writable"),
        (
            ["parse", str(articles), missing, "--format", "parquet", "-o", str(read_only / "batch")],
            "cannot create the output folder",
        ),
    ]
    for argv, problem in runs:
        with caplog.at_level(logging.WARNING):
            assert main([*argv, *cache]) == 2, argv
        line = error_line(capsys.readouterr().err)
        assert str(read_only) in line and problem in line, line
        assert not any("missing.txt" in r.getMessage() for r in caplog.records), argv
        caplog.clear()
    assert names(read_only) == []


# -- input errors ------------------------------------------------------------------------------------------


def test_a_rules_folder_is_an_error(cache, articles, tmp_path, capsys) -> None:
    assert main(["parse", str(articles), "--rules", str(tmp_path), *cache]) == 2
    assert f"rules file {tmp_path} is a folder" in error_line(capsys.readouterr().err)


def test_exit_codes_agree_in_plain_and_batch_runs(cache, articles, tmp_path, capsys) -> None:
    warned = articles / "bad-date.txt"
    warned.write_text("date 2023-02-30 Ships queued at the Suez Canal near Cairo.\n", encoding="utf-8")
    missing = str(tmp_path / "missing.jsonl")
    cases = [
        ([str(articles)], 0),  # one article kept with a warning: still a success
        ([str(articles), missing], 1),  # written, but one input failed
        ([missing], 2),  # nothing readable
    ]
    for i, (paths, expected) in enumerate(cases):
        plain = main(["parse", *paths, "-o", str(tmp_path / f"p{i}.jsonl"), *cache])
        batch = main(["parse", *paths, "--format", "parquet", "-o", str(tmp_path / f"b{i}"), "--jobs", "1", *cache])
        assert (plain, batch) == (expected, expected), paths
    capsys.readouterr()


# -- geo map ---------------------------------------------------------------------------------------------------


def test_map_exit_codes_and_the_failed_inputs_named(cache, articles, tmp_path, capsys) -> None:
    out = tmp_path / "m.html"
    missing = tmp_path / "gone.txt"
    assert main(["map", str(missing), "-o", str(out), "--offline", *cache]) == 2
    line = error_line(capsys.readouterr().err)
    assert str(missing) in line and "no such file" in line
    assert not out.exists()
    assert main(["map", str(articles), str(missing), "-o", str(out), "--offline", *cache]) == 1
    err = capsys.readouterr().err
    assert out.is_file() and "1 input(s) failed and are not on the map" in err and str(missing) in err
    assert main(["map", str(articles), "-o", str(out), "--offline", *cache]) == 0


def test_map_outputs_must_differ_and_must_not_be_inputs(cache, articles, tmp_path, capsys) -> None:
    out = tmp_path / "m.html"
    assert main(["map", str(articles), "-o", str(out), "--embed", str(out), *cache]) == 2
    assert "given as two outputs" in error_line(capsys.readouterr().err)
    assert main(["map", str(articles), "-o", str(articles / "suez.txt"), *cache]) == 2
    assert f"is inside the input folder {articles} and is read from it" in error_line(capsys.readouterr().err)
    assert (articles / "suez.txt").read_text(encoding="utf-8") == SUEZ
    # A map left in the article folder by an earlier run would be read as an article (HTML): refused too.
    (articles / "map.html").write_text("<html><body>old map</body></html>")
    assert main(["parse", str(articles), "-o", str(articles / "map.html"), *cache]) == 2
    assert "input folder" in error_line(capsys.readouterr().err)


def test_map_of_a_batch_folder_draws_committed_parts_only(cache, articles, tmp_path, capsys) -> None:
    out_dir = tmp_path / "batch"
    assert main(["parse", str(articles), "--format", "parquet", "-o", str(out_dir), "--jobs", "1", *cache]) == 0
    committed = len(read_mentions(out_dir))
    parts = part_paths(out_dir)
    # A crash between a part's rename and its commit leaves an orphan the manifest does not list.
    shutil.copyfile(parts[0], out_dir / "part-000099.parquet")
    html = tmp_path / "m.html"
    assert main(["map", str(out_dir), "-o", str(html), "--offline", *cache]) == 0
    assert f"({committed} mentions)" in capsys.readouterr().err


# -- a real geo parse killed while it writes -------------------------------------------------------------


def _default_signals() -> None:
    """Ctrl-C as a terminal sends it: a shell starts background jobs with SIGINT ignored, and children inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _parse_until_writing(full_gazetteer, tmp_path: Path, out: Path) -> subprocess.Popen[bytes]:
    """Start ``geo parse`` on many articles and return once its temporary output exists."""
    import time

    news = tmp_path / "news.jsonl"
    lines = [
        json.dumps({"id": f"a{i}", "text": f"Talks in Vienna and Cairo went on for day {i}. {DANUBE}"})
        for i in range(3000)
    ]
    news.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "geo",
            "parse",
            str(news),
            "-o",
            str(out),
            "--cache-dir",
            str(full_gazetteer.path.parent),
        ],
        stderr=subprocess.DEVNULL,
        preexec_fn=_default_signals,
    )
    deadline = time.monotonic() + 120
    while not [n for n in names(tmp_path) if n.startswith(f".{out.name}.")]:
        assert proc.poll() is None, "geo parse ended before it wrote anything"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_geo_parse_killed_mid_write_keeps_the_old_output(full_gazetteer, tmp_path, sig) -> None:
    import signal

    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    proc = _parse_until_writing(full_gazetteer, tmp_path, out)
    proc.send_signal(getattr(signal, sig))
    code = proc.wait(60)
    assert out.read_text() == "old\n"
    leftovers = [n for n in names(tmp_path) if n.startswith(".out.jsonl.")]
    if sig == "SIGKILL":
        assert code == -signal.SIGKILL and len(leftovers) == 1
        # The next run writing there removes the dead run's temporary.
        small = tmp_path / "small.txt"
        small.write_text(SUEZ, encoding="utf-8")
        assert main(["parse", str(small), "-o", str(out), "--cache-dir", str(full_gazetteer.path.parent)]) == 0
        assert not [n for n in names(tmp_path) if n.startswith(".out.jsonl.")]
    else:
        assert code == (-signal.SIGTERM if sig == "SIGTERM" else 130)
        assert leftovers == []
