"""geo.atomicio: every output written atomically, and never over anything but the regular file named.

Real files, real FIFOs, devices and symlinks, real processes killed with SIGKILL,
SIGTERM and SIGINT in the middle of a write, a file-size limit for a full disk, a
read-only folder (a read-only bind mount as root, an unprivileged user via
setpriv, or plain permissions when not root).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.atomicio import (
    atomic_open,
    atomic_path,
    check_not_input,
    check_output,
    remove_stale_temporaries,
    write_bytes,
    write_text,
)
from geo.errors import GeoError, InputError, OutputError

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@contextlib.contextmanager
def with_umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


# -- regular files ----------------------------------------------------------------------------------


def test_a_new_file_gets_the_umask_mode_and_no_temporary_stays(tmp_path: Path) -> None:
    for mask, mode in ((0o022, 0o644), (0o027, 0o640), (0o077, 0o600)):
        target = tmp_path / f"new-{mask:o}.txt"
        with with_umask(mask):
            write_text(target, "hello\n")
        assert stat.S_IMODE(target.stat().st_mode) == mode
        assert target.read_text() == "hello\n"
    assert entries(tmp_path) == ["new-22.txt", "new-27.txt", "new-77.txt"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.csv"
    target.write_text("old")
    for mode in (0o640, 0o604, 0o600):
        target.chmod(mode)
        with atomic_open(target, "w", encoding="utf-8") as handle:
            handle.write("new")
        assert stat.S_IMODE(target.stat().st_mode) == mode
        assert target.read_text() == "new"


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another owner")
def test_an_existing_file_keeps_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "owned.txt"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    write_text(target, "new")
    assert (target.stat().st_uid, target.stat().st_gid) == (65534, 65534)


def test_an_error_while_writing_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="boom"), atomic_open(target, "w") as handle:
        handle.write("half of the new\n")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert entries(tmp_path) == ["out.jsonl"]


def test_atomic_path_replaces_in_one_step_and_keeps_a_suffix_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "m.gpkg"
    with atomic_path(target, keep_suffix=True) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".m.gpkg.") and tmp.suffix == ".gpkg"
        assert not target.exists()
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    assert entries(tmp_path) == ["m.gpkg"]


# -- symlinks, devices, FIFOs, sockets, folders -------------------------------------------------------


def test_a_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.html"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert entries(tmp_path) == ["data", "link.html"] and entries(real.parent) == ["real.html"]


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "later.txt")
    write_text(link, "x")
    assert link.is_symlink() and (tmp_path / "later.txt").read_text() == "x"


def test_dev_null_stays_a_device() -> None:
    before = os.stat(os.devnull)
    write_text(os.devnull, "nothing to see\n")
    with atomic_open(os.devnull, "w", encoding="utf-8") as handle:
        handle.write("streamed\n")
    with atomic_path(os.devnull) as tmp:
        tmp.write_text("through a temporary elsewhere\n")
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


@pytest.mark.skipif(not ROOT, reason="creating a device node needs root")
def test_a_device_node_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        node.write_text("probe")
    except OSError as err:  # a nodev mount
        pytest.skip(f"device nodes do not work here: {err}")
    write_text(node, "into the device\n")
    assert stat.S_ISCHR(node.stat().st_mode)
    with pytest.raises(OutputError, match=r"character device.*seeking"), atomic_path(node, streamable=False):
        pass
    assert stat.S_ISCHR(node.stat().st_mode) and entries(tmp_path) == ["null"]


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_a_fifo_gets_the_stream_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    with atomic_open(fifo, "w", encoding="utf-8") as handle:
        handle.write("line 1\nline 2\n")
    reader.join(10)
    assert got == [b"line 1\nline 2\n"]
    # A writer that needs a path writes a temporary elsewhere, then streams it in.
    got.clear()
    reader = _read_fifo(fifo, got)
    with atomic_path(fifo) as tmp:
        tmp.write_bytes(b"png bytes")
    reader.join(10)
    assert got == [b"png bytes"]
    assert stat.S_ISFIFO(fifo.stat().st_mode) and entries(tmp_path) == ["pipe"]


def test_a_seeking_format_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.parquet"
    os.mkfifo(fifo)
    with (
        pytest.raises(OutputError, match=r"pipe\.parquet: it is a FIFO.*regular file"),
        atomic_path(fifo, streamable=False),
    ):
        raise AssertionError("not reached")
    with pytest.raises(OutputError, match="FIFO"):
        check_output(fifo, streamable=False)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_socket_and_a_folder_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(OutputError, match="socket"):
            write_text(path, "x")
    finally:
        server.close()
    assert stat.S_ISSOCK(path.stat().st_mode)
    with pytest.raises(OutputError, match="it is a folder"):
        write_text(tmp_path, "x")
    with pytest.raises(OutputError, match="does not exist"):
        write_text(tmp_path / "missing" / "x.txt", "x")
    write_text(tmp_path / "made" / "x.txt", "x", parents=True)
    assert (tmp_path / "made" / "x.txt").read_text() == "x"


def test_output_errors_are_geo_input_errors_and_os_errors() -> None:
    assert (
        issubclass(OutputError, InputError) and issubclass(OutputError, OSError) and issubclass(OutputError, GeoError)
    )


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("text")
    link = tmp_path / "other-name.txt"
    link.symlink_to(article)
    hard = tmp_path / "hard.txt"
    os.link(article, hard)
    for output in (article, link, hard):
        with pytest.raises(InputError, match="is the input"):
            check_not_input([output], [str(article)])
    check_not_input([tmp_path / "new.jsonl", None], [str(article), "-"])  # fine
    assert article.read_text() == "text"


def test_an_existing_output_read_from_an_input_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / ".hidden").mkdir(parents=True)
    for name in ("old.jsonl", "picture.png", ".hidden/x.jsonl"):
        (folder / name).write_text("x")
    (folder / ".cache.jsonl").write_text("x")

    def reads(path: Path) -> bool:
        return path.suffix == ".jsonl"

    with pytest.raises(InputError, match=f"inside the input folder {folder}"):
        check_not_input([folder / "old.jsonl"], [folder], reads=reads)
    unread = [folder / "picture.png", folder / ".cache.jsonl", folder / ".hidden" / "x.jsonl", folder / "new.jsonl"]
    check_not_input(unread, [folder], reads=reads)
    check_not_input([folder / "old.jsonl"], [folder])  # without a reader's rule, only the same file counts


# -- stale temporaries ------------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from geo.atomicio import _HOST

    dead = tmp_path / f".out.csv.{_HOST}-{_dead_pid()}-0123abcd.tmp"
    live = tmp_path / f".out.csv.{_HOST}-{os.getppid()}-89abcdef.tmp"
    other_host = tmp_path / f".out.csv.{int(_HOST, 16) ^ 1:08x}-{_dead_pid()}-0123abcd.tmp"
    foreign = tmp_path / ".out.csv.abc.tmp"  # not this module's naming
    for path in (dead, live, other_host, foreign):
        path.write_text("partial")
    assert remove_stale_temporaries(tmp_path) == [dead]
    assert entries(tmp_path) == sorted(p.name for p in (live, other_host, foreign))


# -- killed mid-write: real processes ----------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys, time
    from geo.atomicio import atomic_open
    with atomic_open(sys.argv[1], "w", encoding="utf-8") as handle:
        handle.write("half of the new content\\n")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
    """
)


def _start_writer(target: Path, *extra: str) -> subprocess.Popen[str]:
    # SIG_DFL as a terminal's Ctrl-C expects: a shell starts background jobs with SIGINT ignored, inherited.
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target), *extra],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    return proc


def _temporaries(folder: Path, name: str) -> list[str]:
    return [n for n in entries(folder) if n.startswith(f".{name}.") and ".tmp" in n]


def test_sigkill_mid_write_leaves_the_target_and_the_next_write_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    proc = _start_writer(target)
    proc.kill()
    proc.wait(30)
    assert target.read_text() == "old\n"
    assert len(_temporaries(tmp_path, "out.jsonl")) == 1  # SIGKILL cannot be caught
    # The next run, another process, cleans up as it writes anything in the folder.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from geo.atomicio import write_text; write_text(sys.argv[1], 'x')",
            str(tmp_path / "other.txt"),
        ],
        check=True,
    )
    assert _temporaries(tmp_path, "out.jsonl") == []
    assert entries(tmp_path) == ["other.txt", "out.jsonl"] and target.read_text() == "old\n"


def test_sigterm_mid_write_removes_the_temporary_and_still_ends_the_process(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    proc = _start_writer(target)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == -signal.SIGTERM
    assert target.read_text() == "old\n"
    assert entries(tmp_path) == ["out.jsonl"]


def test_sigint_mid_write_removes_the_temporary_and_raises_keyboardinterrupt(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    proc = _start_writer(target)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) != 0
    assert entries(tmp_path) == []


def test_the_previous_signal_handlers_are_restored(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with atomic_open(tmp_path / "x.txt", "w") as handle:
        assert signal.getsignal(signal.SIGTERM) is not before[0]
        handle.write("x")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_a_python_sigterm_handler_still_runs_and_the_temporary_goes(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, signal, sys
        from geo.atomicio import atomic_open
        def stop(signum, frame):
            raise SystemExit(7)
        signal.signal(signal.SIGTERM, stop)
        with atomic_open(sys.argv[1], "w") as handle:
            handle.write("partial")
            os.kill(os.getpid(), signal.SIGTERM)
            handle.write("never")
        """
    )
    target = tmp_path / "out.txt"
    assert subprocess.run([sys.executable, "-c", script, str(target)], check=False).returncode == 7
    assert entries(tmp_path) == []


# -- full disk and read-only folders ------------------------------------------------------------------


def test_a_file_size_limit_is_one_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import resource, sys
        from geo.atomicio import write_bytes
        from geo.errors import OutputError
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            write_bytes(sys.argv[1], b"x" * (1 << 20))
        except OutputError as err:
            print(err)
            sys.exit(2)
        """
    )
    target = tmp_path / "big.bin"
    target.write_bytes(b"old")
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert f"cannot write {target}" in done.stdout and "file-size limit" in done.stdout
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == b"old" and entries(tmp_path) == ["big.bin"]


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to, root included: a read-only bind mount, else permission bits."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    if not ROOT:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"as root, a read-only folder needs a read-only bind mount, which failed: {mounted.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_is_one_clear_error(read_only_folder: Path) -> None:
    for target in (read_only_folder / "new.txt", read_only_folder / "old.txt"):
        with pytest.raises(OutputError, match=f"cannot write {target}.*not writable"):
            write_text(target, "x")
        with pytest.raises(OutputError, match="not writable"):
            check_output(target)
    assert (read_only_folder / "old.txt").read_text() == "old" and entries(read_only_folder) == ["old.txt"]


@pytest.mark.skipif(not ROOT, reason="runs the write as an unprivileged user, which needs root to switch to")
def test_a_folder_an_unprivileged_user_cannot_write(tmp_path_factory: pytest.TempPathFactory) -> None:
    import shutil
    import tempfile

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    base = Path(tempfile.mkdtemp(prefix="geo-ro-"))  # not under pytest's 0700 folder: the user must reach it
    try:
        base.chmod(0o755)
        (base / "old.txt").write_text("old")
        checkout = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c"]
        # The precondition: that user can reach the checkout to import geo (a clone inside a 0700
        # folder, e.g. one made by mktemp -d, is closed to it).
        closed = [str(p) for p in (checkout, *checkout.parents) if not p.stat().st_mode & 0o001]
        if closed:
            pytest.skip(f"uid 65534 cannot reach the checkout through {closed[0]} (mode): make it o+x to run this")
        script = "import sys; from geo.atomicio import write_text; write_text(sys.argv[1], 'x')"
        done = subprocess.run(
            [*as_nobody, script, str(base / "old.txt")],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            check=False,
        )
        assert done.returncode == 1
        assert f"OutputError: cannot write {base / 'old.txt'} (Permission denied)" in done.stderr
        assert "not writable" in done.stderr
        assert (base / "old.txt").read_text() == "old" and entries(base) == ["old.txt"]
    finally:
        shutil.rmtree(base)


def test_write_bytes_returns_the_path_as_named(tmp_path: Path) -> None:
    link = tmp_path / "l.png"
    link.symlink_to(tmp_path / "r.png")
    assert write_bytes(link, b"\x89PNG") == link
    assert time.time() - (tmp_path / "r.png").stat().st_mtime < 60


def test_dev_stdout_redirected_to_a_file_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("first\n")
    script = "from geo.atomicio import write_text; write_text('/dev/stdout', 'second\\n')"
    with log.open("a") as handle:  # the shell's ">> log.txt"
        subprocess.run([sys.executable, "-c", script], stdout=handle, check=True)
    assert log.read_text() == "first\nsecond\n"
    inode = log.stat().st_ino
    with log.open("w") as handle:  # "> log.txt"
        subprocess.run([sys.executable, "-c", script], stdout=handle, check=True)
    assert log.read_text() == "second\n" and log.stat().st_ino == inode
    assert entries(tmp_path) == ["log.txt"]
