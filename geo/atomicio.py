"""Atomic writes for every file ``geo`` produces.

Every output (maps, embeds, pictures, ``geo parse -o`` files, aggregates,
batch parts, the gazetteer index) goes through :func:`atomic_path` or
:func:`atomic_open`, so a reader sees the old file or the whole new one,
never half of one, and nothing but the regular file named is ever replaced:

- the data goes to a temporary file beside the target, is fsynced, renamed
  over the target, and the folder is fsynced (the rename survives a power loss);
- the temporary file is removed on any exception and on SIGTERM/SIGINT; one
  left by a killed process (its PID is in the name) is removed by the next
  write to that folder;
- a symlink is written through: its target is replaced, the link kept;
- a device or FIFO is written in place as a stream (``/dev/null``, a pipe to
  another program), or refused for formats whose readers seek (Parquet,
  GeoPackage, SQLite); a folder or socket is refused;
- a new file gets the usual permissions (``0666`` less the umask); an existing
  file keeps its mode (and owner, when the process may set it).

Failures become one :class:`~geo.errors.OutputError` naming the file, what is
wrong and what to do (disk full, read-only folder, a folder given as file).

Examples
--------
>>> with atomic_open("/tmp/geo-doctest.txt", "w", encoding="utf-8") as handle:
...     _ = handle.write("hello\\n")
>>> with atomic_path("/tmp/geo-doctest.parquet", streamable=False) as tmp:  # doctest: +SKIP
...     frame.to_parquet(tmp)
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from geo.errors import InputError, OutputError

__all__ = [
    "atomic_open",
    "atomic_path",
    "check_not_input",
    "check_output",
    "file_kind",
    "remove_stale_temporaries",
    "write_bytes",
    "write_text",
]

logger = logging.getLogger(__name__)

# Temporary names: .TARGET.HOST-PID-RANDOM.tmp (plus the target's suffix when a writer checks it,
# as GeoPackage's does). The host and PID say whose it is, so a later run removes those of dead
# processes on this machine and never a live writer's.
_HOST = f"{zlib.crc32(socket.gethostname().encode()):08x}"
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}\.tmp(?:\.[^.]*)?$")
_NAME_MAX = 120  # of the target's name inside a temporary name, so it stays under the 255-byte limit

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}

_state_lock = threading.Lock()
_live: set[str] = set()  # this process's temporaries being written
_swept: set[str] = set()  # folders already cleaned of stale temporaries by this process


@dataclass(frozen=True)
class _Target:
    named: Path  # as the caller named it, for messages
    path: Path  # where the bytes go: symlinks resolved
    kind: str  # "new", "file" (an existing regular file) or "stream" (a device or FIFO)
    mode: int = 0
    owner: tuple[int, int] | None = None


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # not thread-safe, hence only where /proc says nothing
    os.umask(mask)
    return mask


def file_kind(mode: int) -> str:
    """What a file that is not a regular file or folder is, for messages ("FIFO (named pipe)", "character device")."""
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


_DESCRIPTOR = re.compile(r"^/(?:proc/[^/]+|dev)/fd/\d+$")


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` leads, by symlinks, to an open file descriptor (``/dev/stdout``, ``/proc/self/fd/3``).

    Such a name means "the file I was handed", which may be opened for appending by the shell
    (``>> log``): it is written in place, never replaced by a rename.
    """
    current = str(path.absolute())
    for _ in range(40):  # the kernel's own limit on symlink hops
        if _DESCRIPTOR.match(current):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


def _resolve(target: str | os.PathLike[str], *, streamable: bool, parents: bool) -> _Target:
    named = Path(target)
    if str(target) == "":
        raise InputError("the output path is empty; give a file name")
    try:
        st = os.stat(named)  # through symlinks, and through /dev/stdout's link to a pipe
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputError(_message(named, err)) from err
    path = Path(os.path.realpath(named))  # a symlink is written through: the rename goes beside its target
    if st is None:
        if not path.parent.is_dir():
            if not parents:
                raise OutputError(
                    f"cannot write {named}: its folder {path.parent} does not exist; create it first or write elsewhere"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise OutputError(_message(named, err)) from err
        return _Target(named, path, "new", 0o666 & ~_umask())
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(
            f"cannot write {named}: it is a folder; give a file name, e.g. {named / ('out' + (named.suffix or '.txt'))}"
        )
    if stat.S_ISREG(st.st_mode) and not _names_a_descriptor(named):
        return _Target(named, path, "file", stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid))
    what = "file given as an open descriptor" if stat.S_ISREG(st.st_mode) else file_kind(st.st_mode)
    if stat.S_ISSOCK(st.st_mode):
        raise OutputError(f"cannot write {named}: it is a {what}, not a file; give a file name")
    if not streamable:
        raise OutputError(
            f"cannot write {named}: it is a {what}, not a regular file, and this format is read by seeking in the "
            "file, so it cannot be streamed; give a regular file name"
        )
    # Opened by the name given: the kernel follows /dev/stdout to its pipe, which realpath cannot name.
    return _Target(named, named, "stream")


def _message(named: Path, err: OSError) -> str:
    reason = err.strerror or str(err)
    if err.errno in _FULL:
        advice = "the disk, your quota or the file-size limit is full; free space or write elsewhere"
    elif err.errno in _DENIED:
        advice = (
            f"the folder {Path(os.path.realpath(named)).parent} is not writable; fix its permissions or write elsewhere"
        )
    elif err.errno == errno.EISDIR:
        advice = "it is a folder; give a file name"
    elif err.errno == errno.ENOENT:
        advice = "its folder does not exist; create it first or write elsewhere"
    else:
        advice = "check the folder exists, is writable and has space"
    return f"cannot write {named} ({reason}); {advice}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of this module's naming left in ``folder`` by dead processes.

    Only files whose name carries this machine's host tag and the PID of a
    process that no longer runs are removed; a live writer's are left alone.
    Returns the paths removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    with _state_lock:
        live = set(_live)
    for entry in entries:
        found = _TEMP_NAME.match(entry.name)
        if not found or found["host"] != _HOST or entry.path in live:
            continue
        pid = int(found["pid"])
        if pid != os.getpid() and _alive(pid):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        logger.info("removed %s: a temporary file left by a process that stopped while writing", entry.path)
        removed.append(Path(entry.path))
    return removed


def _sweep_once(folder: Path) -> None:
    key = str(folder)
    with _state_lock:
        if key in _swept:
            return
        _swept.add(key)
    remove_stale_temporaries(folder)


def _temporary_name(folder: Path, name: str, suffix: str) -> Path:
    """A fresh temporary name, registered as this process's before the file exists.

    Named first, created second: a signal between the two finds a name to
    remove and no file, never a file it does not know of.
    """
    with _state_lock:
        while True:
            tmp = folder / f".{name[:_NAME_MAX]}.{_HOST}-{os.getpid()}-{secrets.token_hex(4)}.tmp{suffix}"
            if str(tmp) not in _live:
                _live.add(str(tmp))
                return tmp


def _create(tmp: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        # The name carries this process's PID and is not one of its live temporaries:
        # a dead process that had the same PID left it.
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
    os.close(fd)


def _discard(tmp: Path) -> None:
    with _state_lock:
        _live.discard(str(tmp))
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # some platforms cannot open folders; the rename is atomic all the same
        return
    try:
        os.fsync(fd)
    except OSError as err:
        if not directory:
            raise
        logger.debug("fsync of folder %s: %s", path, err)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _removed_on_signal(tmp: Path) -> Iterator[None]:
    """While writing, SIGTERM and SIGINT first remove ``tmp``, then act as before.

    A previous Python handler (SIGINT's KeyboardInterrupt) is called and the
    caller's cleanup removes the file; a default action (SIGTERM kills) is
    taken again after the file is gone, so the process still ends by the signal.
    Handlers can only be set in the main thread; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        before = previous[signum]
        if callable(before):
            before(signum, frame)
            return
        _discard(tmp)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        raise SystemExit(128 + signum)  # only if the signal has not ended the process already

    for signum in (signal.SIGTERM, signal.SIGINT):
        before = signal.getsignal(signum)
        if before in (signal.SIG_IGN, None):  # ignored, or set outside Python: leave it alone
            continue
        previous[signum] = before
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)


def _about_output(err: OSError, *paths: Path) -> bool:
    """Whether an OSError raised while writing is about the output (not, say, an input read meanwhile)."""
    return err.filename is None or str(err.filename) in {str(p) for p in paths} or err.errno in _FULL


@contextlib.contextmanager
def atomic_path(
    target: str | os.PathLike[str], *, streamable: bool = True, parents: bool = False, keep_suffix: bool = False
) -> Iterator[Path]:
    """A temporary path to write; on success it becomes ``target`` in one step.

    Parameters
    ----------
    target : path
        The file to write. A symlink is written through; a device or FIFO
        gets the finished bytes as a stream when ``streamable``.
    streamable : bool
        False for formats whose readers seek (Parquet, GeoPackage, SQLite):
        a device or FIFO target is then refused.
    parents : bool
        Create missing parent folders (else a missing folder is an error).
    keep_suffix : bool
        End the temporary name with the target's suffix, for writers that
        choose the format by it (GeoPackage).

    Raises
    ------
    OutputError
        The target is a folder or socket (or a device/FIFO and not
        streamable), its folder is missing or not writable, or the disk is full.

    Examples
    --------
    >>> with atomic_path("/tmp/geo-doctest.csv") as tmp:
    ...     _ = tmp.write_text("a,b\\n")
    """
    resolved = _resolve(target, streamable=streamable, parents=parents)
    folder = Path(tempfile.gettempdir()) if resolved.kind == "stream" else resolved.path.parent
    _sweep_once(folder)
    tmp = _temporary_name(folder, resolved.path.name, resolved.path.suffix if keep_suffix else "")
    try:
        with _removed_on_signal(tmp):
            _create(tmp)
            yield tmp
            if resolved.kind == "stream":
                with open(tmp, "rb") as source, open(resolved.path, "ab") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
            else:
                _commit(tmp, resolved)
    except OSError as err:
        _discard(tmp)
        if isinstance(err, OutputError) or not _about_output(err, tmp, resolved.path, resolved.named):
            raise
        raise OutputError(_message(resolved.named, err)) from err
    except BaseException:
        _discard(tmp)
        raise
    _discard(tmp)  # gone already after a rename; this forgets it


def _commit(tmp: Path, resolved: _Target) -> None:
    os.chmod(tmp, resolved.mode)  # after the writer: some writers recreate the file
    if resolved.owner is not None and hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only a privileged process may give a file away
            os.chown(tmp, *resolved.owner)
    _fsync(tmp)
    os.replace(tmp, resolved.path)
    _fsync(resolved.path.parent, directory=True)


@contextlib.contextmanager
def atomic_open(
    target: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    errors: str | None = None,
    parents: bool = False,
) -> Iterator[IO[Any]]:
    """An open file whose content replaces ``target`` atomically when the block ends without error.

    A device or FIFO target is written in place, as the data comes (a pipe's
    reader sees it at once); everything else as :func:`atomic_path`.

    Examples
    --------
    >>> with atomic_open("/tmp/geo-doctest.jsonl", encoding="utf-8") as handle:
    ...     _ = handle.write("{}\\n")
    """
    if mode not in {"w", "wb", "wt"}:
        raise ValueError(f"atomic_open writes whole files: mode must be 'w' or 'wb', not {mode!r}")
    resolved = _resolve(target, streamable=True, parents=parents)
    if resolved.kind == "stream":
        try:
            # Append mode: no truncation, so "geo ... -o /dev/stdout >> log" keeps the log's start.
            with open(
                resolved.path, mode.replace("w", "a"), encoding=encoding, newline=newline, errors=errors
            ) as handle:
                yield handle
        except OSError as err:
            if isinstance(err, OutputError) or not _about_output(err, resolved.path, resolved.named):
                raise
            raise OutputError(_message(resolved.named, err)) from err
        return
    with (
        atomic_path(target, parents=parents) as tmp,
        open(tmp, mode, encoding=encoding, newline=newline, errors=errors) as handle,
    ):
        yield handle


def write_bytes(target: str | os.PathLike[str], data: bytes, *, parents: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_open`); returns the path as named."""
    with atomic_open(target, "wb", parents=parents) as handle:
        handle.write(data)
    return Path(target)


def write_text(target: str | os.PathLike[str], text: str, *, parents: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``target`` atomically; returns the path as named."""
    return write_bytes(target, text.encode("utf-8"), parents=parents)


def check_output(target: str | os.PathLike[str], *, streamable: bool = True, parents: bool = False) -> None:
    """Fail now, before any work, if ``target`` cannot be written.

    Checks what :func:`atomic_path` would refuse, and for a regular file
    creates and removes a temporary beside it (so a read-only folder is found
    even by root, for whom permission bits do not count). A full disk shows
    only when writing.
    """
    resolved = _resolve(target, streamable=streamable, parents=parents)
    if resolved.kind == "stream":
        return
    _sweep_once(resolved.path.parent)
    tmp = _temporary_name(resolved.path.parent, resolved.path.name, "")
    try:
        _create(tmp)
    except OSError as err:
        raise OutputError(_message(resolved.named, err)) from err
    finally:
        _discard(tmp)


def check_not_input(
    outputs: Iterable[str | os.PathLike[str] | None],
    inputs: Iterable[str | os.PathLike[str]],
    *,
    reads: Callable[[Path], bool] | None = None,
) -> None:
    """Refuse an output that is one of the inputs (the same file, by any name or link).

    ``reads``, when given, says whether a file found in an input folder is
    read as input (by its name): an existing output there is an input too.

    Raises
    ------
    InputError
        Naming both paths, before anything is read or written.
    """
    inputs = [p for p in inputs if str(p) != "-"]
    for output in outputs:
        if output is None or not os.path.isfile(output):
            continue
        real = Path(os.path.realpath(output))
        for item in inputs:
            try:
                same = os.path.samefile(output, item)
            except OSError:
                continue
            if same:
                raise InputError(
                    f"the output {output} is the input {item}: writing it would destroy the input; "
                    "give another output path"
                )
            if reads is not None and os.path.isdir(item):
                inside = (
                    real.relative_to(os.path.realpath(item)) if real.is_relative_to(os.path.realpath(item)) else None
                )
                if inside is not None and not any(part.startswith(".") for part in inside.parts) and reads(real):
                    raise InputError(
                        f"the output {output} is inside the input folder {item} and is read from it as an input: "
                        "writing it would destroy that input; write the output elsewhere"
                    )
