"""The spool: a run's loads wait in files beside the warehouse while a reader holds it.

DuckDB lets no process write while another holds the file open, read-only or not. A run does
not wait for DBeaver, a notebook or `duckdb -readonly` to let go: after `warehouse.write_patience`
seconds (once per run) it writes the *inputs* of each load to `<warehouse>.spool/` instead, and
later runs replay them through the very same load functions, before they write anything else.

    commit_or_spool(store, run_id, load_fn, *args)  -- load_fn(store, *args), or a spool file
    replay(store)                                   -- load the spooled files in order, then delete them

A spool file is one pickled `SpooledLoad`, written to a temporary name, fsynced and renamed
(`files.replace_file`), so a file is there whole or not at all. A replay runs the load and records
`spool_replays` (migration 0009) in one transaction, then deletes the file: a crash at any point
loads nothing twice. A file that cannot be read or loaded (a newer format, a bug) is moved to
`failed/`, logged, and never stops a run. The folder is trusted like the warehouse itself:
whoever can write it can write the warehouse. See docs/concurrency.md.
"""

from __future__ import annotations

import importlib
import logging
import pickle
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from newsflow import warehouse
from newsflow.errors import WarehouseError, WarehouseHeldError, WarehouseLockedError
from newsflow.files import PARTIAL_SUFFIX, replace_file
from newsflow.warehouse import BorrowedWarehouse, Warehouse

log = logging.getLogger(__name__)

T = TypeVar("T")
SPOOL_FORMAT = 1
SUFFIX = ".spool"
# Load functions a spool file may name: newsflow's own, never arbitrary callables.
ALLOWED_MODULE_PREFIX = "newsflow."
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


def spool_dir_for(warehouse_path: Path) -> Path:
    return warehouse_path.with_suffix(".spool")


class Spool:
    """The spool folder of one warehouse; only a process holding the run lock writes or replays it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def files(self) -> list[Path]:
        """The spooled loads, oldest first (names start with a sequence number)."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"*{SUFFIX}"))

    def write(self, load: SpooledLoad) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        files = self.files()
        sequence = int(files[-1].name.split(".", 1)[0]) + 1 if files else 1
        path = self.directory / f"{sequence:09d}.{load.spool_id}{SUFFIX}"
        replace_file(path, pickle.dumps(load, protocol=pickle.HIGHEST_PROTOCOL))
        return path

    def read(self, path: Path) -> SpooledLoad:
        try:
            load = pickle.loads(path.read_bytes())
        except Exception as exc:  # truncated or from another version: unpickling raises many kinds
            raise SpoolFileError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(load, SpooledLoad) or load.format != SPOOL_FORMAT:
            raise SpoolFileError(f"{path} is not a spool file of format {SPOOL_FORMAT}")
        return load

    def set_aside(self, path: Path, reason: str) -> None:
        """Keep a file that cannot be loaded where it stops nothing; moving it back retries it."""
        failed = self.directory / "failed"
        failed.mkdir(exist_ok=True)
        path.replace(failed / path.name)
        log.error("spool: moved %s to %s: %s", path.name, failed, reason)

    def runs_spooled(self, run_id: str) -> int:
        return sum(1 for path in self.files() if f".{run_id}-" in path.name)


def spool_of(store: Warehouse) -> Spool:
    return Spool(spool_dir_for(store.path))


def kind_of(load_fn: Callable[..., Any]) -> str:
    kind = f"{load_fn.__module__}:{load_fn.__qualname__}"
    if not kind.startswith(ALLOWED_MODULE_PREFIX) or "<" in kind:
        raise ValueError(f"only module-level newsflow functions can be spooled, not {kind}")
    return kind


def resolve(kind: str) -> Callable[..., Any]:
    module_name, _, qualname = kind.partition(":")
    if not module_name.startswith(ALLOWED_MODULE_PREFIX):
        raise SpoolFileError(f"a spool file names {kind}, which is not a newsflow load")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise SpoolFileError(f"a spool file names {kind}, which this version does not have") from exc
    if not callable(target):
        raise SpoolFileError(f"a spool file names {kind}, which is not a function")
    return target  # type: ignore[no-any-return]


# --- writing or spooling ----------------------------------------------------------------------


def commit_or_spool(store: Warehouse, run_id: str, load_fn: Callable[..., T], *args: Any, if_spooled: T) -> T:
    """`load_fn(store, *args)`, after any spooled loads; if a reader holds the warehouse, spool it.

    Returns the load's result, or `if_spooled` (what the run counts for a load not made yet).
    The first time in a run that the warehouse is held, this waits `store.write_patience`
    seconds; after that it tries once and spools at once, so a run beside a reader costs one
    wait. `load_fn` must be a module-level newsflow function whose arguments can be pickled.
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
    load = SpooledLoad(f"{run_id}-{uuid.uuid4().hex[:16]}", run_id, kind, args, datetime.now(UTC), counted)
    try:
        path = spool.write(load)
    except OSError as exc:  # a full disk is the machine's failure, not the load's: the run stops, nothing is lost
        raise WarehouseError(
            f"cannot spool to {spool.directory}: {exc.strerror or exc}. A reader holds {store.path}, so this run "
            "writes its loads there instead. Is the disk full? Nothing of this load was stored; what the run "
            "fetched stays pending for the next run") from exc
    log.info("spooled %s to %s", kind.rpartition(":")[2], path)
    return if_spooled


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
    spool = spool_of(store)
    files = spool.files()
    if files:  # an empty spool costs one listing; a killed writer's temporary file waits for the next spool
        discard_stale_tmp(store)
    for path in files:
        try:
            load = spool.read(path)
            replay_one(store, load)
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
        path.unlink()
    return True


def replay_one(store: Warehouse, load: SpooledLoad) -> None:
    """Run the load and record it in one transaction; a load already recorded is skipped."""
    load_fn = resolve(load.kind)
    with store.writing() as con, warehouse.transaction(con):
        if warehouse.spool_replayed(con, load.spool_id):
            return
        result = load_fn(BorrowedWarehouse(store, con), *load.args)
        added = counts_added(result, load.counted)
        warehouse.record_spool_replay(con, load.spool_id, load.run_id, load.kind, load.spooled_at, added)
    log.info("loaded spooled %s of run %s", load.kind.rpartition(":")[2], load.run_id)


def counts_added(result: object, counted: dict[str, int]) -> dict[str, int]:
    as_dict = getattr(result, "as_dict", None)
    if not callable(as_dict):
        return {}
    return {name: int(value) - counted.get(name, 0) for name, value in as_dict().items()
            if int(value) != counted.get(name, 0)}


def discard_stale_tmp(store: Warehouse) -> None:
    """Temporary files of a process killed while writing one: never renamed, never loaded."""
    directory = spool_dir_for(store.path)
    for path in directory.glob(f".*{PARTIAL_SUFFIX}") if directory.is_dir() else []:
        with suppress(FileNotFoundError):
            path.unlink()
