"""The local gazetteer: an SQLite index built from installed sources and curated files.

The index is built on first use into a cache directory (``GEO_CACHE_DIR``, else
``$XDG_CACHE_HOME/geo``, else ``~/.cache/geo``), stamped with the versions of the
source packages and a hash of the curated files, and rebuilt when either
changes. Builds take a file lock and write to a temporary file that is renamed
into place (:mod:`geo.atomicio`), so two processes starting at once never see a
half-written index. An index whose file changed since it was last verified is
checked page by page; a damaged cached index is rebuilt, a damaged index named
by path (or met at query time) is an error that says how to rebuild it.

Examples
--------
>>> from geo.gazetteer.index import Gazetteer
>>> gaz = Gazetteer.open()
>>> gaz.lookup("Moscow")[0].place.country
'RU'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import marisa_trie
from filelock import FileLock

from geo.atomicio import atomic_path, check_output
from geo.errors import CuratedDataError, IndexCorruptError, InputError, InputTypeError
from geo.gazetteer.curated import (
    check_references,
    curated_files,
    hash_files,
    read_aliases,
    read_curated_dir,
)
from geo.gazetteer.names import name_key
from geo.gazetteer.sources import read_installed_sources, source_versions, yield_names_to_curated
from geo.model import Place
from geo.resources import curated_dir

__all__ = [
    "Candidate",
    "Gazetteer",
    "build_index",
    "default_cache_dir",
    "default_curated_dirs",
    "prominence",
]

logger = logging.getLogger(__name__)

# 7: divisions carry GeoNames ids; the ids they had before are kept in the ``redirects`` table.
SCHEMA_VERSION = "7"
INDEX_NAME = "gazetteer.sqlite"
# How a name ties a place: its own name beats an alternate; a demonym is its own kind.
NAME_KINDS = ("name", "short", "abbr", "alt", "demonym")
_KIND_RANK = {kind: i for i, kind in enumerate(NAME_KINDS)}

# Fitted with benchmarks/fit_weights.py on the development corpora (PPLC kept at 3.5, above the
# fitted 3.0: a national capital named alone in international news is the capital, "Washington").
CURATED_WEIGHT = 3.0
ALT_PENALTY = 2.5
_FEATURE_WEIGHT = {
    "PCLI": 5.0,
    "CONT": 5.0,
    "ADM1": 2.0,
    "ADM1H": 2.0,  # a former first-level division: Nyanza Province, Kasai-Occidental
    "PPLC": 3.5,
    "RGN": 3.0,
    "TERR": 3.0,
    "RGNH": 2.0,
    "PPLA": 1.0,
    "ADM2": 4.0,
    "OCN": 5.0,  # "the Pacific" alone is the ocean, not Pacific County
    "PCLH": 3.0,  # a former country: the Soviet Union, Yugoslavia
}


def prominence(place: Place, match: str = "name") -> float:
    """How likely a bare mention of the name means this place, before context.

    Population on a log scale, plus a weight for the feature kind (countries,
    continents, first-level divisions and capitals are what news names most),
    less a penalty when the name is only one of the place's alternate names.
    """
    # A second-level division's weight was fitted with no population (US counties had none): the
    # towns it holds say little about how often news names it, and would let a district outrank
    # every town of its name. Its population only breaks ties between namesake divisions.
    counted = 0 if place.feature_code == "ADM2" else place.population
    score = math.log10(counted + 1) + _FEATURE_WEIGHT.get(place.feature_code, 0.0)
    if place.source.startswith("curated"):
        score += CURATED_WEIGHT  # hand-checked entries exist because news needs them
    if match == "alt":
        score -= ALT_PENALTY
    return score


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may mean, with how the name ties to it."""

    place: Place
    match: str  # one of NAME_KINDS
    prior: float  # prominence(place, match)


def default_cache_dir() -> Path:
    """Where the index lives unless ``cache_dir`` or ``GEO_CACHE_DIR`` says otherwise."""
    env = os.environ.get("GEO_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "geo"


def default_curated_dirs(extra: Iterable[str | os.PathLike[str]] | None = None) -> list[Path]:
    """The project's ``gazetteer/`` folder plus the user's (option or ``GEO_CURATED``)."""
    dirs: list[Path] = []
    env_dir = os.environ.get("GEO_GAZETTEER_DIR")
    project = Path(env_dir) if env_dir else curated_dir()
    if project.is_dir():
        dirs.append(project)
    else:
        logger.warning("project gazetteer folder %s not found; building without its curated entries", project)
    user = [Path(p) for p in (extra or [])]
    if not user and os.environ.get("GEO_CURATED"):
        user = [Path(p) for p in os.environ["GEO_CURATED"].split(os.pathsep) if p]
    dirs.extend(user)
    return dirs


def _stamp(curated: list[Path], geonames: list[Path] | None) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "sources": source_versions(),
        "curated": hash_files(curated_files(curated)),
        "curated_dirs": [str(p) for p in curated],
        "geonames": [f"{p.resolve()}:{p.stat().st_size}" for p in geonames] if geonames else None,
    }


def _same_build(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    # A user's full GeoNames build stays valid as long as the rest is unchanged.
    keys = ("schema", "sources", "curated")
    return all(found.get(k) == wanted.get(k) for k in keys)


_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    feature_class TEXT NOT NULL, feature_code TEXT NOT NULL, country TEXT NOT NULL,
    admin1 TEXT NOT NULL, population INTEGER NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    geometry TEXT, source TEXT NOT NULL, raw TEXT NOT NULL);
CREATE TABLE names(key TEXT NOT NULL, rid INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE VIRTUAL TABLE populated USING rtree(rid, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE redirects(former_id TEXT PRIMARY KEY, id TEXT NOT NULL);
"""


def _redirects(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Former id -> id, for places whose id changed (a division's ``csc-state:`` id to its GeoNames id).

    Curated files, aliases and users' saved results that name a former id still find the place.
    """
    return {old: rec["id"] for rec in records for old in rec["raw"].get("former_ids", ()) if old != rec["id"]}


def _merge(records: Iterable[dict[str, Any]], redirects: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Records by id; a curated record naming a GeoNames id (or a former id) corrects that place."""
    merged: dict[str, dict[str, Any]] = {}
    redirects = redirects or {}
    for rec in records:
        # A curated record may correct an entry: "geonameid" (a GeoNames id) or "replaces" (any id).
        target = rec["raw"].get("replaces") or (str(rec["raw"]["geonameid"]) if rec["raw"].get("geonameid") else None)
        target = redirects.get(target, target) if target else target
        if target and target in merged:
            base = merged[target]
            base["names"].extend(rec["names"])
            for field in ("name", "feature_class", "feature_code", "country", "lat", "lon", "source"):
                base[field] = rec[field]
            for field in ("admin1", "population", "geometry"):
                if rec[field]:
                    base[field] = rec[field]
            base["raw"] = {**base["raw"], **rec["raw"]}
            continue
        if rec["id"] in merged:
            merged[rec["id"]]["names"].extend(rec["names"])
            continue
        merged[rec["id"]] = rec
    return merged


def _common_words(keys: Iterable[str]) -> dict[str, float]:
    """Single-word keys that are also common English words, with their Zipf frequency.

    Computed once at build time (wordfreq's English word list), so parsing
    needs no word list of its own.
    """
    from wordfreq import zipf_frequency

    common = {}
    for key in keys:
        if " " in key or not key.isascii() or not key.isalpha():
            continue
        z = zipf_frequency(key, "en")
        if z >= 3.0:
            common[key] = z
    return common


def _write_index(
    path: Path,
    records: dict[str, dict[str, Any]],
    stamp: dict[str, Any],
    aliases: list[tuple[str, str, str, str]],
    *,
    strict_aliases: bool = True,
    redirects: dict[str, str] | None = None,
) -> None:
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        rids: dict[str, int] = {}
        name_rows: list[tuple[str, int, str, str]] = []
        place_rows = []
        rtree_rows = []
        for rid, rec in enumerate(records.values(), start=1):
            place_rows.append(
                (
                    rid,
                    rec["id"],
                    rec["name"],
                    rec["feature_class"],
                    rec["feature_code"],
                    rec["country"],
                    rec["admin1"],
                    rec["population"],
                    rec["lat"],
                    rec["lon"],
                    json.dumps(rec["geometry"], separators=(",", ":")) if rec["geometry"] else None,
                    rec["source"],
                    json.dumps(rec["raw"], ensure_ascii=False, separators=(",", ":"), default=str),
                )
            )
            rids[rec["id"]] = rid
            if rec["feature_class"] == "P":
                rtree_rows.append((rid, rec["lat"], rec["lat"], rec["lon"], rec["lon"]))
            best: dict[str, tuple[int, str, str]] = {}
            for name, kind in rec["names"]:
                key = name_key(name) if isinstance(name, str) else ""
                if not key:
                    continue
                rank = _KIND_RANK.get(kind, len(NAME_KINDS))
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, name, kind)
            name_rows.extend((key, rid, name, kind) for key, (_, name, kind) in best.items())
        redirects = {old: new for old, new in (redirects or {}).items() if new in rids}
        for place_id, name, kind, where in aliases:
            place_id = redirects.get(place_id, place_id)
            if place_id not in rids:
                message = f"{where}: no gazetteer entry has id {place_id!r}; fix the alias's id and build again"
                if not strict_aliases:  # a partial GeoNames dump lacks places the project's aliases name
                    logger.debug("%s (alias skipped: the GeoNames dump has no such place)", message)
                    continue
                raise CuratedDataError(message)
            name_rows.append((name_key(name), rids[place_id], name, kind))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", name_rows)
        con.executemany("INSERT INTO populated VALUES (?,?,?,?,?)", rtree_rows)
        con.executemany("INSERT INTO redirects VALUES (?,?)", sorted(redirects.items()))
        con.execute("CREATE INDEX names_key ON names(key)")
        con.execute("CREATE INDEX places_country ON places(country, feature_code)")
        keys = sorted({row[0] for row in name_rows})
        common = _common_words(keys)
        # Key sets the recogniser needs at start-up, precomputed so a fresh process starts fast.
        kinds_of: dict[str, set[str]] = {}
        for key, _rid, _name, kind in name_rows:
            kinds_of.setdefault(key, set()).add(kind)
        demonym_keys = sorted(k for k, kinds in kinds_of.items() if "demonym" in kinds)
        abbreviation_keys = sorted(k for k, kinds in kinds_of.items() if kinds == {"abbr"})
        abbreviated_keys = sorted(k for k, kinds in kinds_of.items() if "abbr" in kinds and kinds != {"abbr"})
        meta = {
            "stamp": json.dumps(stamp, sort_keys=True),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "places": str(len(place_rows)),
            "names": str(len(name_rows)),
            "keys": "\n".join(keys),
            "common_words": "\n".join(f"{k}\t{z}" for k, z in sorted(common.items())),
            "demonym_keys": "\n".join(demonym_keys),
            "abbreviation_keys": "\n".join(abbreviation_keys),
            "abbreviated_keys": "\n".join(abbreviated_keys),
            "complete": "1",
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()


def build_index(
    path: str | os.PathLike[str],
    *,
    curated: Iterable[str | os.PathLike[str]] | None = None,
    geonames: Iterable[str | os.PathLike[str]] | None = None,
    records: Iterable[dict[str, Any]] | None = None,
) -> Path:
    """Build the gazetteer index at ``path`` (atomically: temporary file, then rename).

    Parameters
    ----------
    path : path-like
        Where the SQLite index goes.
    curated : folders, optional
        Curated folders; default: the project's ``gazetteer/`` plus ``GEO_CURATED``.
    geonames : paths, optional
        Files of a full GeoNames dump; their places replace the packaged city extract.
    records : iterable of dict, optional
        Place records (see :func:`geo.gazetteer.sources.record`) to index instead of the
        installed sources: small fixture gazetteers for tests.

    Examples
    --------
    >>> build_index("/tmp/gaz.sqlite")  # doctest: +SKIP
    PosixPath('/tmp/gaz.sqlite')
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fixture gazetteer (records given) takes only the curated folders named.
    curated_dirs = [Path(p) for p in curated or []] if records is not None else default_curated_dirs(curated)
    dump = [Path(p) for p in geonames] if geonames else None
    files = curated_files(curated_dirs)
    stamp = _stamp(curated_dirs, dump)
    started = time.perf_counter()

    def progress(stage: str) -> None:
        # INFO, and the command line shows this logger's INFO: the first build takes about a minute.
        logger.info("building the gazetteer index %s: %s", path, stage)

    # Curated files first: a mistake in one is reported in a second, not after the sources are read.
    curated_records = list(read_curated_dir(files))
    aliases = read_aliases(files)
    check_output(path, streamable=False)  # and an unwritable index path too
    if records is not None:
        records = list(records)
    elif dump:
        from geo.gazetteer.geonames_dump import read_geonames_dump

        progress(f"reading the GeoNames dump {', '.join(str(p) for p in dump)}")
        records = list(read_geonames_dump(dump, installed=read_installed_sources()))
    else:
        progress("reading the installed sources")
        records = list(read_installed_sources())
    yield_names_to_curated(records, curated_records)
    redirects = _redirects(records)
    ids = {rec["id"] for rec in records} | {rec["id"] for rec in curated_records} | set(redirects)
    check_references(curated_records, aliases, ids, strict=not dump)
    # Curated records come last so they can correct what the sources say.
    merged = _merge([*records, *curated_records], redirects)
    progress(f"writing {len(merged):,} places")
    with atomic_path(path, streamable=False) as tmp:
        _write_index(tmp, merged, stamp, aliases, strict_aliases=not dump, redirects=redirects)
    _mark_verified(path)  # just written whole: no need to check it on the next open
    seconds = time.perf_counter() - started
    progress(f"done: {len(merged):,} places in {seconds:.0f} s")
    logger.debug("built gazetteer index %s (%d places) in %.1f s", path, len(merged), seconds)
    return path


# An extended attribute on the index says "checked whole as it is now": size, mtime and inode, so
# an edit, a copy or an unfinished write makes the next open check every page again. No extra file;
# where the file system or the permissions allow no attribute, every open checks.
_VERIFIED_ATTR = "user.geo.verified"


def _fingerprint(path: Path) -> bytes:
    st = path.stat()
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino}".encode()


def _mark_verified(path: Path) -> None:
    """Record that the index, as it is now, is whole: later opens skip the page check until it changes."""
    try:
        os.setxattr(path, _VERIFIED_ATTR, _fingerprint(path))
    except (AttributeError, OSError) as err:  # not Linux, a file system without user attributes, a read-only index
        logger.debug("cannot record that %s is verified: %s", path, err)


def _is_verified(path: Path) -> bool:
    try:
        return os.getxattr(path, _VERIFIED_ATTR) == _fingerprint(path)
    except (AttributeError, OSError):
        return False


def _forget_verified(path: Path) -> None:
    try:
        os.removexattr(path, _VERIFIED_ATTR)
    except (AttributeError, OSError) as err:
        logger.debug("cannot clear the verified mark of %s: %s", path, err)


def _check_index(path: Path, *, pages: bool | None = None) -> dict[str, Any]:
    """The stamp of a complete, intact index; raises IndexCorruptError otherwise.

    ``pages``: also run SQLite's ``quick_check`` over every page (about 0.2 s
    for the full index). ``None`` does so when the file changed since it was
    last verified (a build that did not finish, a copy, a disk error, an
    edit), so most opens cost a ``stat``.
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
            page_count = con.execute("PRAGMA page_count").fetchone()[0]
            if page_size * page_count != path.stat().st_size:
                raise IndexCorruptError(f"gazetteer index {path} is truncated; it will be rebuilt")
            rows = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('stamp', 'complete')").fetchall())
            check = pages if pages is not None else not _is_verified(path)
            if check:
                found = [row[0] for row in con.execute("PRAGMA quick_check(3)")]
                if found != ["ok"]:
                    detail = "; ".join(line for row in found for line in row.splitlines() if not line.startswith("***"))
                    raise IndexCorruptError(f"gazetteer index {path} is corrupt ({detail}); it will be rebuilt")
        finally:
            con.close()
    except sqlite3.DatabaseError as err:
        raise IndexCorruptError(f"gazetteer index {path} is corrupt ({err}); it will be rebuilt") from err
    if rows.get("complete") != "1" or "stamp" not in rows:
        raise IndexCorruptError(f"gazetteer index {path} is incomplete; it will be rebuilt")
    if check:
        _mark_verified(path)
    return json.loads(rows["stamp"])


class NameKeys(marisa_trie.Trie):
    """Every name key of an index, as a read-only set backed by a memory-mapped trie.

    The trie file sits beside the index (``gazetteer.sqlite.keys-<digest>.marisa``):
    every process that opens the index maps the same pages instead of building
    its own set of ~900,000 strings, and the garbage collector never walks it.
    """

    def __ge__(self, other: object) -> bool:  # "{...} <= gazetteer.keys()"
        return (
            all(isinstance(k, str) and k in self for k in other)
            if isinstance(other, (set, frozenset))
            else NotImplemented
        )


def _name_keys(path: Path, stamp: dict[str, Any], read_keys: Callable[[], list[str]]) -> NameKeys:
    """The index's name keys: its trie file, made on first use.

    The file sits beside the index; where that folder is read-only (a shared
    index), in the user's cache folder; where neither can be written, the trie
    stays in this process's memory.
    """
    status = path.stat()
    identity = json.dumps(stamp, sort_keys=True) + f"|{status.st_size}|{status.st_mtime_ns}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    # name pattern of the files for this index, in each place such a file may be
    places = [
        (path.parent, f"{path.name}.keys-"),
        (default_cache_dir() / "name-keys", hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16] + "-"),
    ]
    for folder, prefix in places:
        keys = NameKeys()
        try:
            keys.mmap(str(folder / f"{prefix}{digest}.marisa"))
            return keys
        except RuntimeError:  # marisa's I/O error: no such file yet, or an unreadable one
            continue
    built = NameKeys(read_keys())
    for folder, prefix in places:
        trie_path = folder / f"{prefix}{digest}.marisa"
        if _write_trie(built, trie_path):
            # Key files of earlier builds of this index are of no more use.
            for stale in folder.glob(f"{prefix}*.marisa"):
                if stale != trie_path:
                    stale.unlink(missing_ok=True)
            keys = NameKeys()
            keys.mmap(str(trie_path))
            return keys
    logger.info("name keys of %s kept in memory: neither %s nor %s can be written", path, *(f for f, _ in places))
    return built


def _write_trie(trie: NameKeys, target: Path) -> bool:
    """Write ``trie`` to ``target`` atomically; False if the folder cannot take it."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        trie.save(str(temporary))
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except (OSError, RuntimeError) as err:
        with contextlib.suppress(OSError):  # its folder may not even exist
            temporary.unlink()
        logger.debug("cannot write name keys to %s: %s", target, err)
        return False
    return True


class Gazetteer:
    """Read access to a built index: ranked name lookups and nearest places.

    Use :meth:`open`, which builds or rebuilds the index when needed.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.stamp = _check_index(self.path)
        self._local = threading.local()
        self._cache: dict[str, tuple[Candidate, ...]] = {}
        self._id_cache: dict[str, Place] = {}
        self._keys: NameKeys | None = None
        self._demonym_keys: frozenset[str] | None = None

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        curated: Iterable[str | os.PathLike[str]] | None = None,
        rebuild: bool = False,
    ) -> Gazetteer:
        """Open the index, building it first if it is missing, stale or corrupt.

        A damaged index at the cached default path is rebuilt; one at a path
        the caller named is not (it may be a build from a GeoNames dump that
        took hours): that is an :class:`IndexCorruptError` saying how to
        rebuild it, unless ``rebuild``. A named index built from other curated
        folders than the ones this call would use (``curated`` not given) is
        opened as it is, not rebuilt over from the default folders.

        Examples
        --------
        >>> Gazetteer.open().lookup("Türkiye")[0].place.name  # doctest: +SKIP
        'Turkey'
        """
        named = path is not None
        if path is None:
            path = Path(cache_dir) if cache_dir else default_cache_dir()
            path = path / INDEX_NAME
        path = Path(path)
        curated_dirs = default_curated_dirs(curated)
        wanted = _stamp(curated_dirs, None)

        def usable(found: dict[str, Any] | None) -> bool:
            if found is None:
                return False
            if _same_build(found, wanted):
                return True
            # A named index made from other curated folders (or from fixture records) is the caller's own
            # build: rebuilding it from the default folders would silently replace its places.
            other_recipe = found.get("curated_dirs") != wanted["curated_dirs"]
            if named and curated is None and other_recipe:
                logger.info("using %s as it is: it was built from curated folders %s", path, found.get("curated_dirs"))
                return True
            return False

        if not rebuild and usable(cls._valid_stamp(path, rebuild_hint=named)):
            return cls(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock", timeout=600):
            # Another process may have built it while this one waited for the lock.
            found = cls._valid_stamp(path)
            if rebuild or not usable(found):
                dump = found.get("geonames") if found else None
                dump_paths = [Path(p.rsplit(":", 1)[0]) for p in dump] if dump else None
                if dump_paths and not all(p.exists() for p in dump_paths):
                    dump_paths = None
                logger.info("building gazetteer index at %s (first use or sources changed)", path)
                build_index(path, curated=curated, geonames=dump_paths)
        return cls(path)

    @staticmethod
    def _valid_stamp(path: Path, *, rebuild_hint: bool = False) -> dict[str, Any] | None:
        """The stamp of an intact index, or None to build it; ``rebuild_hint``: a damaged one is an error instead."""
        if not path.exists():
            return None
        try:
            return _check_index(path)
        except IndexCorruptError as err:
            if rebuild_hint:
                detail = str(err).split("; it will be rebuilt")[0]
                raise IndexCorruptError(f"{detail}; rebuild it with 'geo gazetteer build --index {path}'") from err
            logger.warning("%s", err)
            return None

    @property
    def _con(self) -> sqlite3.Connection:
        # One read-only connection per thread: sqlite3 connections are not shared across threads.
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query; a damaged file becomes an error that names it and the fix."""
        try:
            return self._con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            _forget_verified(self.path)  # the next open checks every page, and rebuilds a cached index
            raise IndexCorruptError(
                f"gazetteer index {self.path} is damaged ({err}); rebuild it with 'geo gazetteer build --index "
                f"{self.path}' (an index geo opens by itself, like the cached one, is rebuilt on the next run)"
            ) from err

    def _row(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def __getstate__(self) -> dict[str, Any]:
        # Workers (processes, Dask) reopen the file themselves.
        return {"path": str(self.path)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    # -- queries ---------------------------------------------------------------------------
    def keys(self) -> NameKeys:
        """Every name key in the index (for the recogniser's candidate lookups), as a read-only set."""
        if self._keys is None:
            self._keys = _name_keys(self.path, self.stamp, lambda: self._meta_lines("keys"))
        return self._keys

    def common_words(self) -> dict[str, float]:
        """Keys that are also common English words, with their Zipf frequency."""
        out = {}
        for line in self._meta_lines("common_words"):
            key, _, z = line.partition("\t")
            out[key] = float(z)
        return out

    def _meta_lines(self, key: str) -> list[str]:
        row = self._row("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0].split("\n") if row and row[0] else []

    def abbreviation_keys(self) -> frozenset[str]:
        """Name keys that are only ever abbreviations ("calif", "pa", "id")."""
        return frozenset(self._meta_lines("abbreviation_keys"))

    def abbreviated_keys(self) -> frozenset[str]:
        """Name keys that are an abbreviation and also another place's name ("mo": Missouri and Mo, Norway)."""
        return frozenset(self._meta_lines("abbreviated_keys"))

    def demonym_keys(self) -> frozenset[str]:
        """Name keys that are demonyms of a country ("russian", "azerbaijani")."""
        if self._demonym_keys is None:
            self._demonym_keys = frozenset(self._meta_lines("demonym_keys"))
        return self._demonym_keys

    def _place(self, row: tuple[Any, ...]) -> Place:
        pid = row[0]
        place = self._id_cache.get(pid)
        if place is None:
            place = Place(
                id=pid,
                name=row[1],
                feature_class=row[2],
                feature_code=row[3],
                country=row[4],
                admin1=row[5],
                population=row[6],
                lat=row[7],
                lon=row[8],
                geometry=json.loads(row[9]) if row[9] else None,
                source=row[10],
                raw=json.loads(row[11]),
            )
            if len(self._id_cache) < 200_000:
                self._id_cache[pid] = place
        return place

    _COLUMNS = (
        "p.id, p.name, p.feature_class, p.feature_code, p.country, p.admin1, p.population, p.lat, p.lon, "
        "p.geometry, p.source, p.raw"
    )

    def candidates(self, key: str) -> tuple[Candidate, ...]:
        """Every place whose name folds to ``key``, most prominent first."""
        found = self._cache.get(key)
        if found is not None:
            return found
        self.prefetch([key])
        return self._cache.get(key) or ()

    # SQLite's default limit of host parameters in one statement is 999 in older builds.
    _PREFETCH_CHUNK = 900

    def prefetch(self, keys: Iterable[str]) -> None:
        """Fetch the candidates of every key not yet cached, in one query per chunk of keys.

        An article's names are fetched together (:meth:`candidates` then finds them
        cached) rather than one query per name.
        """
        missing = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if len(self._cache) + len(missing) > 100_000:
            self._cache.clear()
        for begin in range(0, len(missing), self._PREFETCH_CHUNK):
            chunk = missing[begin : begin + self._PREFETCH_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT {self._COLUMNS}, n.kind, n.key FROM names n JOIN places p ON p.rid = n.rid "
                f"WHERE n.key IN ({marks})",
                tuple(chunk),
            )
            by_key: dict[str, list[tuple[Any, ...]]] = {key: [] for key in chunk}
            for r in rows:
                by_key[r[13]].append(r)
            for key, key_rows in by_key.items():
                self._cache[key] = self._ranked(key_rows)

    def _ranked(self, rows: list[tuple[Any, ...]]) -> tuple[Candidate, ...]:
        best: dict[str, Candidate] = {}
        for r in rows:
            place = self._place(r)
            cand = Candidate(place, r[12], prominence(place, r[12]))
            # One place may hold the key twice (an alias and an alternate name): keep its best tie.
            if place.id not in best or cand.prior > best[place.id].prior:
                best[place.id] = cand
        return tuple(sorted(best.values(), key=lambda c: (-c.prior, -c.place.population, c.place.id)))

    def lookup(
        self,
        query: str,
        *,
        country: str | Iterable[str] | None = None,
        limit: int | None = None,
        demonyms: bool = False,
    ) -> list[Candidate]:
        """Ranked candidates for a place name.

        Parameters
        ----------
        query : str
            The name, in any case and with or without diacritics.
        country : str or iterable of str, optional
            ISO alpha-2 codes to keep.
        limit : int, optional
            How many candidates at most.
        demonyms : bool
            Whether a demonym ("Armenian") may match its country.

        Examples
        --------
        >>> Gazetteer.open().lookup("Moscow", limit=1)[0].place.country  # doctest: +SKIP
        'RU'
        """
        if not isinstance(query, str):
            raise InputTypeError(
                f"gazetteer query {query!r} is of type {type(query).__name__}, not a place name; "
                "give a string such as 'Moscow'"
            )
        if not query.strip():
            raise InputError(f"gazetteer query {query!r} is empty; give a place name such as 'Moscow'")
        cands = self.candidates(name_key(query))
        if not demonyms:
            cands = tuple(c for c in cands if c.match != "demonym")
        if country:
            wanted = {country.upper()} if isinstance(country, str) else {c.upper() for c in country}
            cands = tuple(c for c in cands if c.place.country in wanted)
        return list(cands[:limit] if limit else cands)

    def get(self, place_id: str) -> Place | None:
        """The place with this gazetteer id (or a former id of it, such as a division's ``csc-state:`` id), or None."""
        row = self._row(f"SELECT {self._COLUMNS} FROM places p WHERE p.id = ?", (str(place_id),))
        if row is None:
            row = self._row(
                f"SELECT {self._COLUMNS} FROM redirects r JOIN places p ON p.id = r.id WHERE r.former_id = ?",
                (str(place_id),),
            )
        return self._place(row) if row else None

    def country(self, code: str) -> Place | None:
        """The country with this ISO alpha-2 code, or None."""
        row = self._row(
            f"SELECT {self._COLUMNS} FROM places p WHERE p.country = ? AND p.feature_code = 'PCLI'", (code.upper(),)
        )
        return self._place(row) if row else None

    def nearest(self, lat: float, lon: float, *, limit: int = 1) -> list[tuple[Place, float]]:
        """The nearest populated places to a point, with distances in km.

        Examples
        --------
        >>> place, km = Gazetteer.open().nearest(55.75, 37.62)[0]  # doctest: +SKIP
        """
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(
                f"point ({lat}, {lon}) is outside the globe; give latitude in [-90, 90] and longitude in [-180, 180]"
            )
        from geo.geometry import haversine_km

        def in_box(lat_deg: float, lon_deg: float) -> list[tuple[Any, ...]]:
            # Longitude ranges that cross the antimeridian are split in two.
            lo, hi = lon - lon_deg, lon + lon_deg
            ranges = [(max(lo, -180.0), min(hi, 180.0))]
            if lon_deg >= 180:
                ranges = [(-180.0, 180.0)]
            elif lo < -180:
                ranges.append((lo + 360, 180.0))
            elif hi > 180:
                ranges.append((-180.0, hi - 360))
            rows: list[tuple[Any, ...]] = []
            for west, east in ranges:
                rows += self._rows(
                    f"SELECT {self._COLUMNS} FROM populated r JOIN places p ON p.rid = r.rid "
                    "WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?",
                    (lat - lat_deg, lat + lat_deg, west, east),
                )
            return rows

        def lon_span(km: float) -> float:
            cos = math.cos(math.radians(min(89.9, abs(lat) + km / 111.0)))
            return min(180.0, km / (111.32 * max(cos, 1e-6)))

        # Grow a box until it holds enough places; the k-th of them bounds the search
        # radius, and one more box of that radius holds every nearer place.
        km = 25.0
        while True:
            rows = in_box(min(90.0, km / 111.0), lon_span(km))
            if len(rows) >= limit or km > 20_000:
                break
            km *= 4
        if rows:
            # The R*Tree stores 32-bit floats: widen the box a little so edge points stay in.
            kth = sorted(haversine_km(lat, lon, r[7], r[8]) for r in rows)[min(limit, len(rows)) - 1] * 1.01 + 1.0
            rows = in_box(min(90.0, kth / 111.0), lon_span(kth))
        scored = sorted(((self._place(r), haversine_km(lat, lon, r[7], r[8])) for r in rows), key=lambda pd: pd[1])
        return scored[:limit]

    def info(self) -> dict[str, Any]:
        """Sources, versions, counts and the index path, after checking every page of the file.

        Raises
        ------
        IndexCorruptError
            The file is damaged; the message says how to rebuild it.
        """
        try:
            _check_index(self.path, pages=True)
        except IndexCorruptError as err:
            _forget_verified(self.path)  # so the next open checks it again (and rebuilds a cached index)
            detail = str(err).split("; it will be rebuilt")[0]
            raise IndexCorruptError(f"{detail}; rebuild it with 'geo gazetteer build --index {self.path}'") from err
        meta = dict(
            self._rows(
                "SELECT key, value FROM meta WHERE key NOT IN "
                "('keys', 'common_words', 'demonym_keys', 'abbreviation_keys', 'abbreviated_keys')"
            )
        )
        kinds = dict(self._rows("SELECT feature_code, COUNT(*) FROM places GROUP BY feature_code"))
        return {
            "path": str(self.path),
            "size_mb": round(self.path.stat().st_size / 1e6, 1),
            "built": meta.get("built"),
            "places": int(meta.get("places", 0)),
            "names": int(meta.get("names", 0)),
            "stamp": self.stamp,
            "feature_codes": kinds,
            "integrity": "ok",  # SQLite's quick_check over every page
        }

    def country_outlines(self) -> Iterator[Place]:
        """Every country with its outline geometry."""
        rows = self._rows(f"SELECT {self._COLUMNS} FROM places p WHERE p.feature_code = 'PCLI'")
        for row in rows:
            yield self._place(row)

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
