"""Which spool folder is whose: one per warehouse file, and the folders older versions shared (Local 29).

Up to newsflow 0.x of session 46 the spool folder was `path.with_suffix(".spool")`, so `news.duckdb`,
`news.db`, `news` and a dated copy `news.2026-12-01` kept their spooled loads in one `news.spool/`, and a
run of any of them loaded the others' loads and deleted them. Now each warehouse has its own,
`<its file name>-spool/` (`news.duckdb-spool/`): a name no older folder has (theirs end in `.spool`), and
one that moves with the file's whole name.

A replay (under the run lock) loads, oldest first (`folders_before`): an older version's folder
(`legacy_dir_for`), read where it is (no move: it may be a link to another disk, and a reader's command
changes nothing), then the folders a user moved into the warehouse's own as a line said, then its own.
An older version's load is loaded only when it is certainly this warehouse's: its run is recorded in the
warehouse (`runs` or `spool_replays`), and no other warehouse beside could be its own. Else nothing of it
is loaded and one line names the folder and the command that hands it over: never a guess. A spool folder
whose warehouse is not there (renamed without its folder) is said in one line too (`say_orphans`).
"""

from __future__ import annotations

import logging
import os
import shlex
import threading
from contextlib import suppress
from pathlib import Path

from newsflow.warehouse import compat

log = logging.getLogger(__name__)

FOLDER_SUFFIX = "-spool"
LEGACY_SUFFIX = ".spool"
LOAD_GLOB = "*.spool"  # a spooled load's file name ends so (newsflow.spool.SUFFIX)
PEEK_BYTES = 512  # a load's kind and warehouse id are in its first bytes (spool.dump_load writes them first)
FAILED = "failed"
_SEEN: set[tuple[str, str]] = set()  # (what, folder) said once per process
_GUARD = threading.Lock()


def spool_dir_for(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + FOLDER_SUFFIX)


def legacy_dir_for(warehouse_path: Path) -> Path | None:
    """The folder an older newsflow spooled this warehouse's loads to, shared with every name that differs only
    after its last dot; None for a warehouse whose own name it is."""
    legacy = warehouse_path.with_suffix(LEGACY_SUFFIX)
    return None if legacy == warehouse_path else legacy


def loads_in(folder: Path) -> list[Path]:
    """The spooled loads in a folder and its `failed/`, oldest first; none for a folder that is not there."""
    try:
        found = sorted(folder.glob(LOAD_GLOB)) + sorted((folder / FAILED).glob(LOAD_GLOB))
        return [path for path in found if not path.is_dir()]  # a folder moved in is not a load
    except OSError:
        return []


def folders_before(warehouse_path: Path) -> list[tuple[Path, bool]]:
    """The folders whose loads a replay loads before the warehouse's own, oldest first, each with whether its
    loads are certainly this warehouse's: an older version's folder (False: a load of it only when its run is
    known to the warehouse; none while another warehouse beside could be its own, said), then the folders moved
    into the own folder (True: a user put them there, as `say_orphans` and `say_unknown` say to)."""
    found: list[tuple[Path, bool]] = []
    legacy = legacy_dir_for(warehouse_path)
    if legacy is not None and _has_loads(legacy):
        others = sharers(legacy, warehouse_path)
        if not others:
            found.append((legacy, False))
        elif _first_time("shared", warehouse_path):
            _say_shared(legacy, warehouse_path, others)
    return found + [(folder, True) for folder in moved_in(spool_dir_for(warehouse_path))]


def moved_in(folder: Path) -> list[Path]:
    """Spool folders a user moved into this one (`mv news.duckdb-spool old.duckdb-spool/`), by name."""
    try:
        inside = sorted(p for p in folder.iterdir() if p.name != FAILED and p.is_dir())
    except OSError:
        return []
    return [p for p in inside if _has_loads(p)]


def _has_loads(folder: Path) -> bool:
    try:
        return folder.is_dir() and next(folder.glob(LOAD_GLOB), None) is not None
    except OSError:
        return False


def sharers(legacy: Path, warehouse_path: Path) -> list[Path]:
    """The other files beside the warehouse whose older spool folder was `legacy` too and that are, or could be,
    DuckDB files: one that cannot be read (a link to a disk not mounted, another user's) could be its owner."""
    try:
        beside = sorted(legacy.parent.iterdir())
    except OSError:
        return [legacy.parent]  # cannot be told
    return [path for path in beside if path != warehouse_path and path != legacy
            and path.with_suffix(LEGACY_SUFFIX) == legacy and _could_be_duckdb(path)]


def _could_be_duckdb(path: Path) -> bool:
    try:
        if path.is_dir():
            return False
        return compat.storage_version(path) is not None  # through heldfiles: no lock dropped
    except OSError:
        return True


def mv_into(folder: Path, warehouse_path: Path) -> str:
    """The command that hands `folder`'s loads to the warehouse: into its spool folder, which is made first so
    that the command means the same whether or not a run made it already."""
    own = spool_dir_for(warehouse_path)
    with suppress(OSError):  # the line's command then makes it (mv renames into a missing folder)
        own.mkdir(exist_ok=True)
    return f"mv {shlex.quote(str(folder))} {shlex.quote(str(own))}/"


def say_unknown(legacy: Path, warehouse_path: Path, count: int) -> None:
    """Loads of an older version's folder whose runs this warehouse has no record of: said once a process."""
    if _first_time("unknown", warehouse_path):
        log.error("spool: %s holds %d load(s) an older newsflow spooled, of runs %s has no record of, so whose they "
                  "are cannot be told and none is loaded: if they are this warehouse's, move the folder into its "
                  "spool folder (`%s`, no newsflow running) and the next run loads them; else move it into the "
                  "spool folder of the warehouse they are from", legacy, count, warehouse_path,
                  mv_into(legacy, warehouse_path))


def say_orphans(warehouse_path: Path) -> None:
    """A spool folder beside this warehouse whose warehouse is not there: its loads wait for a file of that
    name. Said once a process: a warehouse renamed without its folder must not strand its loads unsaid."""
    if not _first_time("orphans", warehouse_path):
        return
    try:
        folders = sorted(p for p in warehouse_path.parent.iterdir()
                         if p.name.endswith((FOLDER_SUFFIX, LEGACY_SUFFIX)) and p.is_dir())
    except OSError:
        return
    for folder in folders:
        owner = _owner_gone(folder, warehouse_path)
        waiting = len(loads_in(folder)) if owner else 0
        if waiting and _first_time("orphan", folder):
            log.error("spool: %s holds %d spooled load(s) of the warehouse %s, which is not there: if %s is that "
                      "warehouse renamed or moved, move the folder into its spool folder (`%s`, no newsflow "
                      "running) and the next run loads them; else put that warehouse back and run it", folder,
                      waiting, owner, warehouse_path, mv_into(folder, warehouse_path))


def _owner_gone(folder: Path, warehouse_path: Path) -> str:
    """The warehouse a spool folder beside is of, when no file of it is there (else ""): `news.duckdb` for
    `news.duckdb-spool/`, `news.*` for an older version's `news.spool/`."""
    if folder.name.endswith(FOLDER_SUFFIX):
        owner = folder.with_name(folder.name.removesuffix(FOLDER_SUFFIX))
        return "" if owner == warehouse_path or os.path.lexists(owner) else str(owner)
    if folder == legacy_dir_for(warehouse_path) or sharers(folder, warehouse_path):
        return ""
    return str(folder.with_suffix(".*"))


def _say_shared(legacy: Path, warehouse_path: Path, others: list[Path]) -> None:
    names = ", ".join(p.name for p in [warehouse_path, *others])
    log.error("spool: %s holds %d load(s) an older newsflow spooled for one of %s, which shared that folder, and "
              "cannot tell whose they are: none is loaded. Move the folder into the spool folder of the warehouse "
              "they are from (for %s: `%s`, no newsflow running), or move the other warehouses out of %s, and "
              "the next run loads them", legacy, len(loads_in(legacy)), names, warehouse_path.name,
              mv_into(legacy, warehouse_path), legacy.parent)


def _first_time(what: str, path: Path) -> bool:
    with _GUARD:
        key = (what, os.path.abspath(path))
        if key in _SEEN:
            return False
        _SEEN.add(key)
        return True
