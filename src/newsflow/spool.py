"""The spool: a run's loads wait in files beside the warehouse while a reader holds it.

DuckDB lets no process write while another holds the file open, read-only or not. A run does
not wait for DBeaver, a notebook or `duckdb -readonly` to let go: after `warehouse.write_patience`
seconds (once per run) it writes the *inputs* of each load to `<warehouse>-spool/` instead, and
later runs replay them through the very same load functions, before they write anything else.

    commit_or_spool(store, run_id, load_fn, *args)  -- load_fn(store, *args), or a spool file
    replay(store)                                   -- load the spooled files in order, then delete them; another
                                                       warehouse's set aside in of-<id>/ (spoolowners)

A spool file is one `SpooledLoad` as JSON data (`newsflow.spoolcodec`: reading it cannot run
code), written to a temporary name, fsynced and renamed (`files.replace_file`), so a file is there
whole or not at all. A replay runs the load and records `spool_replays` (migration 0009) in one
transaction, then deletes the file: a crash at any point loads nothing twice. A file that cannot
be read or loaded (a newer format, a pickle of newsflow 0.1's format 1, a bug) is moved to
`failed/`, logged, and never stops a run. See docs/concurrency.md.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from newsflow import spoolcodec, spoolfolders, spoolowners, warehouse
from newsflow.errors import NOTHING_OF_THE_LOAD, WarehouseError, WarehouseHeldError, WarehouseLockedError
from newsflow.files import PARTIAL_SUFFIX, read_capped, replace_file
from newsflow.runlock import DISK_FULL, room_question
from newsflow.spoolfolders import spool_dir_for as spool_dir_for  # where every caller finds it
from newsflow.warehouse import BorrowedWarehouse, Warehouse, identity
from newsflow.warehouse.replays import run_known

log = logging.getLogger(__name__)

T = TypeVar("T")
# 1: a pickle (newsflow 0.1; never read again: `newsflow spool-convert` turns trusted ones into 2); 2: JSON
SPOOL_FORMAT = 2
SUFFIX = ".spool"
# No load a run spools comes near this (a batch of 100 pages at the 10 MB cap is about 1 GB of HTML at
# the very worst); a bigger file is not one of ours, and reading it whole would take every later
# run's memory: it is set aside unread, and the run refuses to write one (docs/concurrency.md).
MAX_SPOOL_FILE_BYTES = 2 << 30
LEGACY_HELP = ("it is a pickle written by an older newsflow, which this version does not load because loading a "
               "pickle can run code; if you trust the files in failed/, run `newsflow spool-convert` once")
# Loads of one run may come from several threads (asyncio.to_thread): one replays or spools at a time,
# so a file is replayed once and two files never get the same sequence number.
_WRITING = threading.RLock()


class SpoolFileError(Exception):
    """A spool file that cannot be read back (truncated, another format, an unknown load)."""


@dataclass(frozen=True)
class SpooledLoad:
    """One load's call: `kind` names the function (module:qualname), `args` follow the store."""

    spool_id: str
    run_id: str
    kind: str
    args: tuple[Any, ...]
    spooled_at: datetime
    # What the run counted for this load when it spooled it; a replay adds only the difference.
    counted: dict[str, int] = field(default_factory=dict)
    format: int = SPOOL_FORMAT
    # The id of the warehouse it was spooled for (migration 0109, Local 30); None: spooled before, or unread
    warehouse_id: str | None = None


class Spool:
    """The spool folder of one warehouse; only a process holding the run lock writes or replays it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def files(self) -> list[Path]:
        """The spooled loads, oldest first (names start with a sequence number)."""
        if not self.directory.is_dir():
            return []
        # a folder moved in (`news.spool/`, an older version's: spoolfolders.moved_in) is not a load
        return sorted(path for path in self.directory.glob(f"*{SUFFIX}") if not path.is_dir())

    def write(self, load: SpooledLoad) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        # names another program left here ("notes.spool") are not numbered: they are not counted
        prefixes = [path.name.split(".", 1)[0] for path in self.files()]
        sequence = max((int(p) for p in prefixes if p.isascii() and p.isdigit()), default=0) + 1
        path = self.directory / f"{sequence:09d}.{load.spool_id}{SUFFIX}"
        content = dump_load(load)
        if len(content) > MAX_SPOOL_FILE_BYTES:  # a later replay would set it aside unread
            raise WarehouseError(
                f"cannot spool to {self.directory}: this load is {len(content):,} bytes, over the spool's cap of "
                f"{MAX_SPOOL_FILE_BYTES:,}; nothing of it was stored, and what the run fetched stays pending")
        replace_file(path, content)
        return path

    def write_named(self, name: str, content: bytes) -> None:
        """A converted file under its old name, so that it keeps its place (newsflow.spoollegacy)."""
        replace_file(self.directory / name, content)

    def read(self, path: Path) -> SpooledLoad:
        try:
            return parse_load(read_capped(path, MAX_SPOOL_FILE_BYTES))
        except OSError as exc:
            raise SpoolFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except SpoolFileError as exc:
            raise SpoolFileError(f"{path.name}: {exc}") from exc

    def loads_of(self, kind: str, owner: str | None = None) -> list[SpooledLoad]:
        """The spooled loads of `kind` (`kind_of`), not replayed yet, for a run that reads beside a reader
        (`pausejournal`, `robotholds`). A file's kind is in its first bytes: only those of `kind` are read whole;
        one replayed meanwhile, or not ours, is passed over (the replay says so). One stamped for another
        warehouse than `owner` (a warehouse moved aside: Local 30) is that one's, which its replay sets aside."""
        mark, found = f'"kind":"{kind}"'.encode(), list[SpooledLoad]()
        for path in self.files():
            try:
                with open(path, "rb") as stream:
                    if mark not in stream.read(spoolfolders.PEEK_BYTES):
                        continue
                load = self.read(path)
            except (OSError, SpoolFileError):
                continue
            if owner is None or load.warehouse_id in (None, owner):
                found.append(load)
        return found

    def set_aside(self, path: Path, reason: str) -> None:
        """Keep a file that cannot be loaded where it stops nothing; moving it back retries it."""
        failed = self.directory / "failed"
        try:
            failed.mkdir(exist_ok=True)
            path.replace(failed / path.name)
        except OSError as exc:  # a folder this user cannot change: the file stays, the run goes on
            note_stuck(path, f"cannot be loaded ({reason}) and cannot be moved to {failed} ({exc.strerror or exc})")
            return
        log.error("spool: moved %s to %s: %s", path.name, failed, reason)

    def runs_spooled(self, run_id: str) -> int:
        return sum(1 for path in self.files() if f".{run_id}-" in path.name)


def spool_of(store: Warehouse) -> Spool:
    """The warehouse's own spool folder. Changes nothing: a reader's command reads it too, without the run lock."""
    return Spool(spool_dir_for(store.path))


def own_loads_of(store: Warehouse, kind: str) -> list[SpooledLoad]:
    """The loads of `kind` in the warehouse's spool that are its own (`Spool.loads_of`)."""
    return spool_of(store).loads_of(kind, spoolowners.id_of(store))


def kind_of(load_fn: Callable[..., Any]) -> str:
    kind = f"{load_fn.__module__}:{load_fn.__qualname__}"
    if kind not in spoolcodec.LOADS:
        raise ValueError(f"only the loads in spoolcodec.LOADS can be spooled, not {kind}")
    return kind


# --- the file format (2) ------------------------------------------------------------------------


def dump_load(load: SpooledLoad) -> bytes:
    document = {"format": SPOOL_FORMAT, "spool_id": load.spool_id, "run_id": load.run_id, "kind": load.kind,
                **({"warehouse": load.warehouse_id} if load.warehouse_id else {}),  # in the first bytes, as kind
                "spooled_at": load.spooled_at.isoformat(), "counted": load.counted,
                "args": spoolcodec.call_data(load.kind, load.args)}
    # surrogatepass: a lone surrogate a feed's text may carry round-trips instead of failing the spool
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def parse_load(content: bytes) -> SpooledLoad:
    """A spool file's load, rebuilt only from data; raises SpoolFileError for anything else."""
    if content[:1] == b"\x80":
        raise SpoolFileError(LEGACY_HELP)
    try:
        document = json.loads(content.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError) as exc:  # torn, not UTF-8, not JSON, absurdly nested
        raise SpoolFileError(f"not a spool file (torn, or another program's): {type(exc).__name__}") from exc
    if not isinstance(document, dict) or document.get("format") != SPOOL_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        if not isinstance(found, int) or isinstance(found, bool):
            raise SpoolFileError("not a newsflow spool file (JSON without a format number)")
        raise SpoolFileError(f"written in spool format {found}; this newsflow reads format {SPOOL_FORMAT} "
                             "(a newer newsflow reads it)")
    try:
        return SpooledLoad(
            spool_id=spoolcodec.decode(document.get("spool_id"), str, "spool_id"),
            run_id=spoolcodec.decode(document.get("run_id"), str, "run_id"),
            kind=spoolcodec.decode(document.get("kind"), str, "kind"),
            args=spoolcodec.call_args(str(document.get("kind")), document.get("args")),
            spooled_at=spoolcodec.decode(document.get("spooled_at"), datetime, "spooled_at"),
            counted=spoolcodec.decode(document.get("counted"), dict[str, int], "counted"),
            warehouse_id=_warehouse_of(document.get("warehouse")),
        )
    except spoolcodec.SpoolDataError as exc:
        raise SpoolFileError(str(exc)) from exc


def _warehouse_of(value: object) -> str | None:
    if value is None:
        return None
    return str(spoolcodec.decode(value, str, "warehouse"))


# --- writing or spooling ----------------------------------------------------------------------


def commit_or_spool(store: Warehouse, run_id: str, load_fn: Callable[..., T], *args: Any, if_spooled: T) -> T:
    """`load_fn(store, *args)`, after any spooled loads; if a reader holds the warehouse, spool it.

    Returns the load's result, or `if_spooled` (what the run counts for a load not made yet).
    The first time in a run that the warehouse is held, this waits `store.write_patience`
    seconds; after that it tries once and spools at once, so a run beside a reader costs one
    wait. `load_fn` must be one of `spoolcodec.LOADS`.
    """
    kind = kind_of(load_fn)
    with _WRITING:
        if replay(store):
            try:
                return load_fn(store, *args)
            except WarehouseHeldError as exc:
                note_held(store, exc)
        return spool_load(store, run_id, kind, args, if_spooled)


def spool_load(store: Warehouse, run_id: str, kind: str, args: tuple[Any, ...], if_spooled: T) -> T:
    spool = spool_of(store)
    counted = dict(if_spooled.as_dict()) if hasattr(if_spooled, "as_dict") else {}
    # Unique for ever: `spool_replays` remembers every id, and a run can spool again after a replay.
    load = SpooledLoad(f"{run_id}-{uuid.uuid4().hex[:16]}", run_id, kind, args, datetime.now(UTC), counted,
                       warehouse_id=spoolowners.id_of(store))
    try:
        path = spool.write(load)
    except OSError as exc:  # a full disk is the machine's failure, not the load's: the run stops, nothing is lost
        raise WarehouseError(
            f"cannot spool to {spool.directory}: {exc.strerror or exc}. A reader holds {store.path}, so this run "
            f"writes its loads there instead. {_why_not_written(exc)} {NOTHING_OF_THE_LOAD}") from exc
    spoolowners.stamp(store)  # the folder is there now: a later process beside a read-write holder reads the id
    log.info("spooled %s to %s", kind.rpartition(":")[2], path)
    return if_spooled


def _why_not_written(exc: OSError) -> str:
    """The question a spool write the OS refused asks: no room (a full disk, a file size limit), else the folder."""
    if exc.errno in DISK_FULL:
        return room_question(exc.strerror or "", Path(exc.filename) if isinstance(exc.filename, str) else None)
    return "Can this user write that folder?"


def note_held(store: Warehouse, error: WarehouseHeldError) -> None:
    """Say once per run that the run spools, and stop waiting for the file from now on."""
    if store.write_patience > 0:
        log.warning("%s. This run's results are spooled to %s and will be loaded by the next run after it "
                    "lets go", error, spool_dir_for(store.path))
    store.write_patience = 0.0


def replay(store: Warehouse) -> bool:
    """Load every spooled file, oldest first; True when none is left (the warehouse is writable)."""
    with _WRITING:
        return replay_files(store)


def replay_files(store: Warehouse) -> bool:
    """An older version's folder and the folders moved into the own one first (older loads: `spoolfolders`)."""
    spoolfolders.say_orphans(store.path)
    for folder, certain in spoolfolders.folders_before(store.path):
        if not replay_folder(store, Spool(folder), certain):
            return False
    return replay_folder(store, spool_of(store), True)


def replay_folder(store: Warehouse, spool: Spool, certain: bool) -> bool:
    if spoolowners.set_aside_for_another(spool.directory, store):  # Local 30: said, none of them opened
        return True
    files, unknown, aside = spool.files(), 0, set[Path]()
    if files and certain:  # an empty spool costs one listing; a killed writer's temporary file waits for the next
        discard_stale_tmp(spool.directory)
    for path in files:
        if (store.path, path) in _UNKNOWN:  # its run stays unknown: not one open a replay for it
            unknown += 1
            continue
        if (store.path, path) in _FOREIGN:  # another warehouse's, said once a process
            continue
        try:
            load = spool.read(path)
            loaded = replay_one(store, load) if certain else replay_one(store, load, certain=False)
        except WarehouseHeldError as exc:
            note_held(store, exc)
            return False
        except WarehouseLockedError:  # cannot be: this process holds the run lock
            return False
        except (SpoolFileError, WarehouseError) as exc:
            spool.set_aside(path, str(exc))
            continue
        except Exception as exc:  # a load's own bug must not stop every later run: park the file
            spool.set_aside(path, f"{type(exc).__name__}: {exc}")
            continue
        if loaded == NOT_ITS_RUN:
            _UNKNOWN.add((store.path, path))
            unknown += 1
            continue
        if loaded == NOT_ITS_WAREHOUSE:  # Local 30: spooled for another warehouse that was at this path
            moved = spoolowners.set_aside_foreign(path, load.warehouse_id or "")
            _FOREIGN.add((store.path, moved))
            aside.add(moved.parent)
            continue
        try:
            path.unlink()
        except OSError as exc:  # loaded and recorded in spool_replays: a later replay skips it, never loads it twice
            note_stuck(path, f"was loaded but cannot be deleted ({exc.strerror or exc})")
    if unknown:
        spoolfolders.say_unknown(spool.directory, store.path, unknown)
    for folder in aside:  # after the pass: the line counts every load set aside
        spoolowners.say_foreign(folder, store.path)
    return True


_STUCK: set[Path] = set()
# Older loads whose run this process found unknown to the warehouse: a run replays before each of its loads
_UNKNOWN: set[tuple[Path, Path]] = set()
# Loads spooled for another warehouse (Local 30), set aside in the folder of its id: not read again this process
_FOREIGN: set[tuple[Path, Path]] = set()


def note_stuck(path: Path, what: str) -> None:
    """A spool file this user cannot move or delete (the folder is another user's, immutable, read-only):
    said once per process; runs go on, and what was loaded is never loaded twice (spool_replays)."""
    if path not in _STUCK:
        _STUCK.add(path)
        log.error("spool: %s %s: the spool folder %s must be writable by the user that runs newsflow; fix its "
                  "owner or permissions", path.name, what, path.parent)


LOADED, NOT_ITS_RUN, NOT_ITS_WAREHOUSE = "loaded", "not its run", "not its warehouse"


def replay_one(store: Warehouse, load: SpooledLoad, certain: bool = True) -> str:
    """Run the load and record it in one transaction; a load already recorded is skipped. Nothing is loaded of a
    load spooled for another warehouse (its id differs: Local 30), nor of one not `certain` to be this warehouse's
    whose run the warehouse has no record of."""
    load_fn = spoolcodec.load_function(load.kind)
    with store.writing() as con, warehouse.transaction(con):
        if warehouse.spool_replayed(con, load.spool_id):
            return LOADED
        own = spoolowners.remember(store, identity.warehouse_id(con))
        if load.warehouse_id is not None and own is not None and load.warehouse_id != own:
            return NOT_ITS_WAREHOUSE
        if not certain and not run_known(con, load.run_id):
            return NOT_ITS_RUN
        result = load_fn(BorrowedWarehouse(store, con), *load.args)
        added = counts_added(result, load.counted)
        warehouse.record_spool_replay(con, load.spool_id, load.run_id, load.kind, load.spooled_at, added)
    log.info("loaded spooled %s of run %s", load.kind.rpartition(":")[2], load.run_id)
    return LOADED


def counts_added(result: object, counted: dict[str, int]) -> dict[str, int]:
    as_dict = getattr(result, "as_dict", None)
    if not callable(as_dict):
        return {}
    return {name: int(value) - counted.get(name, 0) for name, value in as_dict().items()
            if int(value) != counted.get(name, 0)}


def discard_stale_tmp(directory: Path) -> None:
    """Temporary files of a process killed while writing one: never renamed, never loaded."""
    for path in directory.glob(f".*{PARTIAL_SUFFIX}") if directory.is_dir() else []:
        with suppress(OSError):  # gone already, or a folder this user cannot change (note_stuck says so)
            path.unlink()
