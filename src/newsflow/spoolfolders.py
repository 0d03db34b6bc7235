"""Which spool folder is whose: one per warehouse file, and the folders older versions shared (Local 29).

Up to newsflow 0.x of session 46 the spool folder was `path.with_suffix(".spool")`, so `news.duckdb`,
`news.db`, `news` and a dated copy `news.2026-12-01` kept their spooled loads in one `news.spool/`, and a
run of any of them loaded the others' loads and deleted them. Now each warehouse has its own,
`<its file name>-spool/` (`news.duckdb-spool/`): a name no older folder has (theirs end in `.spool`), and
one that moves with the file's whole name.

A folder an older version left (`legacy_dir_for`) is taken over by the one warehouse it can be: when no
other DuckDB file beside it maps to that folder, its loads (and `failed/`) are moved into the warehouse's
own folder, oldest first, after whatever is there already (`adopt_legacy`). When another one does, no
load of it is loaded and the run says so in one line, naming the folder and what to do: never a guess.
A spool folder whose warehouse is not there (renamed without its folder) is said in one line too
(`say_orphans`), so a rename does not strand its loads unsaid.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsflow.warehouse import compat

log = logging.getLogger(__name__)

FOLDER_SUFFIX = "-spool"
LEGACY_SUFFIX = ".spool"
LOAD_GLOB = "*.spool"  # a spooled load's file name ends so (newsflow.spool.SUFFIX)
_SEEN: set[tuple[str, str]] = set()  # (what, folder) said or done once per process
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
        return sorted(folder.glob(LOAD_GLOB)) + sorted((folder / "failed").glob(LOAD_GLOB))
    except OSError:
        return []


def adopt_legacy(warehouse_path: Path) -> None:
    """Move an older version's spooled loads of this warehouse into its own folder, or say why not (once a
    process). Costs one listing when that folder is there."""
    legacy = legacy_dir_for(warehouse_path)
    if legacy is None or not legacy.is_dir():
        return
    if not loads_in(legacy):
        return
    try:
        with _holding(legacy):  # one taker at a time, whichever process (a reader's command calls this too)
            files = loads_in(legacy)
            others = sharers(legacy, warehouse_path)
            if others:
                if files and _first_time("shared", warehouse_path):
                    _say_shared(legacy, warehouse_path, others, len(files))
                return
            moved = move_loads(files, legacy, spool_dir_for(warehouse_path))
    except OSError as exc:  # a folder this user cannot change (another user's, immutable, read-only)
        if _first_time("stuck", warehouse_path):
            log.error("spool: cannot move the loads an older newsflow spooled for %s from %s to %s (%s): they "
                      "wait there, loaded by no run; make both folders writable by the user that runs newsflow",
                      warehouse_path, legacy, spool_dir_for(warehouse_path), exc.strerror or exc)
        return
    if moved:
        log.info("spool: moved %d loads an older newsflow spooled for %s from %s to %s", moved, warehouse_path,
                 legacy, spool_dir_for(warehouse_path))


@contextmanager
def _holding(folder: Path) -> Iterator[None]:
    """An flock on the folder itself: not the warehouse's file, so no lock of DuckDB's is touched."""
    fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def sharers(legacy: Path, warehouse_path: Path) -> list[Path]:
    """The other DuckDB files beside the warehouse whose older spool folder was `legacy` too."""
    try:
        beside = sorted(legacy.parent.iterdir())
    except OSError:
        return []
    return [path for path in beside if path != warehouse_path and path != legacy
            and path.with_suffix(LEGACY_SUFFIX) == legacy and _is_duckdb_file(path)]


def move_loads(files: list[Path], legacy: Path, folder: Path) -> int:
    """Each file, in order, renamed into `folder` (its `failed/` into `failed/`) after the files there: a kill
    between two leaves the rest for the next run, in their order. Returns how many moved."""
    moved = 0
    for path in files:
        into = folder / "failed" if path.parent != legacy else folder
        into.mkdir(parents=True, exist_ok=True)
        target = into / _next_name(into, path.name)
        try:
            os.rename(path, target)  # same folder tree, so same file system: one atomic step
        except FileNotFoundError:  # another process moved it: not ours to count
            continue
        moved += 1
    return moved


def _next_name(folder: Path, name: str) -> str:
    """`name` with the sequence number after the folder's last (names start `<sequence>.`)."""
    numbers = [int(p.name.split(".", 1)[0]) for p in folder.glob(LOAD_GLOB)
               if p.name.split(".", 1)[0].isascii() and p.name.split(".", 1)[0].isdigit()]
    if not numbers:
        return name
    return f"{max(numbers) + 1:09d}.{name.split('.', 1)[1] if '.' in name else name}"


def say_orphans(warehouse_path: Path) -> None:
    """A spool folder beside this warehouse whose warehouse is not there: its loads wait for a file of that
    name. Said once a process: a warehouse renamed without its folder must not strand its loads unsaid."""
    if not _first_time("orphans", warehouse_path):
        return
    try:
        folders = [p for p in warehouse_path.parent.iterdir() if p.name.endswith(FOLDER_SUFFIX) and p.is_dir()]
    except OSError:
        return
    for folder in sorted(folders):
        owner = folder.with_name(folder.name.removesuffix(FOLDER_SUFFIX))
        waiting = len(loads_in(folder))
        if waiting and owner != warehouse_path and not owner.exists() and _first_time("orphan", folder):
            log.error("spool: %s holds %d spooled loads of the warehouse %s, which is not there: if %s is that "
                      "warehouse renamed or moved, move the folder to %s (no newsflow running) and the next run "
                      "loads them; else put that warehouse back and run it", folder, waiting, owner,
                      warehouse_path, spool_dir_for(warehouse_path))


def _say_shared(legacy: Path, warehouse_path: Path, others: list[Path], count: int) -> None:
    names = ", ".join(p.name for p in [warehouse_path, *others])
    folders = ", ".join(spool_dir_for(p).name for p in [warehouse_path, *others])
    log.error("spool: %s holds %d loads an older newsflow spooled for one of %s, which shared that folder, and "
              "cannot tell whose they are: none is loaded. Move each into the spool folder of the warehouse it is "
              "from (%s), or move the other warehouses out of %s, and the next run loads them", legacy, count,
              names, folders, legacy.parent)


def _is_duckdb_file(path: Path) -> bool:
    try:
        return path.is_file() and compat.storage_version(path) is not None  # through heldfiles: no lock dropped
    except OSError:
        return False


def _first_time(what: str, path: Path) -> bool:
    with _GUARD:
        key = (what, os.path.abspath(path))
        if key in _SEEN:
            return False
        _SEEN.add(key)
        return True
