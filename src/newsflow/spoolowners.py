"""Whose a spooled load is: the id of the warehouse it was spooled for (migration 0109, Local 30).

The spool folder is named after the warehouse's file (`news.duckdb-spool/`, `spoolfolders`), so a warehouse moved
aside without it (`news.duckdb` renamed `news.old.duckdb`, a new `news.duckdb` made in its place) left its loads
to the new file, whose runs loaded them: another warehouse's runs, polls and articles, and gone from the spool.
Each load now carries its warehouse's id (`warehouse.identity`), and a replay loads a load whose id is another's
into nothing: it is set aside in `of-<id>/` inside the folder it was in, and one line a process names the
warehouse beside that has that id (else says what to look for) and the `mv` that hands the folder to it; its
next run loads them (`spoolfolders.moved_in`). A load spooled before 0109 carries no id and is loaded as before.

A warehouse moved to another folder without its spool folder is told at its next run's start: the warehouse
keeps the path a run last started at (`identity.note_path`), and the folder there that holds loads of its id is
named with the `mv` that brings them.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
from pathlib import Path

from newsflow import spoolfolders, warehouse
from newsflow.errors import WarehouseError
from newsflow.warehouse import Warehouse, compat, identity

log = logging.getLogger(__name__)

FOREIGN_PREFIX = "of-"
PEEK_BYTES = 512  # a load's id is in its first bytes, after its kind (spool.dump_load)
_SAFE_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
# The id of each warehouse file this process read, by its path, inode and change time: a new file made at a path
# is another, even on the inode of one deleted (a long `serve`); a write changes the time, and the next spool reads
# the id again (a spool happens while a reader holds the file, when it does not change)
_IDS: dict[tuple[str, int, int, int], str | None] = {}
_SAID: set[tuple[str, str]] = set()


def _key(path: Path) -> tuple[str, int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), found.st_dev, found.st_ino, found.st_ctime_ns)


def remember(store: Warehouse, warehouse_id: str | None) -> str | None:
    """The id a writer read in its transaction, kept for the loads this process spools for the file."""
    if warehouse_id is not None and (key := _key(store.path)) is not None:
        _IDS[key] = warehouse_id
    return warehouse_id


def id_of(store: Warehouse) -> str | None:
    """The warehouse's id for a load spooled now: read once a file (a read-only open beside a read-only holder);
    None when it cannot be read (held read-write: the load is then loaded by whichever file has the name)."""
    key = _key(store.path)
    if key is None:
        return None
    if key not in _IDS:
        try:
            _IDS[key] = warehouse.read_with(store, identity.warehouse_id, 0.0)
        except WarehouseError:
            _IDS[key] = None
    return _IDS[key]


def set_aside_foreign(path: Path, warehouse_id: str, warehouse_path: Path) -> Path:
    """Move another warehouse's load into `of-<id>/` of its folder (once), say so once a process; its new path."""
    name = FOREIGN_PREFIX + (warehouse_id if _SAFE_ID.fullmatch(warehouse_id) else "unnamed")
    folder = path.parent if path.parent.name == name else path.parent / name
    moved = folder / path.name
    if moved != path:
        try:
            folder.mkdir(exist_ok=True)
            path.replace(moved)
        except OSError:  # a folder this user cannot change: the load stays where it is, loaded by no one
            moved, folder = path, path.parent
    if (str(folder), warehouse_id) not in _SAID:
        _SAID.add((str(folder), warehouse_id))
        _say_foreign(folder, name.removeprefix(FOREIGN_PREFIX), warehouse_path)
    return moved


def _say_foreign(folder: Path, warehouse_id: str, warehouse_path: Path) -> None:
    """`warehouse_id` as its folder names it (an id that is no uuid, a planted file's, is "unnamed")."""
    waiting = len(spoolfolders.loads_in(folder))
    owner = owner_beside(warehouse_path, warehouse_id)
    if owner is not None:
        what = (f"{owner} is that warehouse: move the folder into its spool folder "
                f"(`{spoolfolders.mv_into(folder, owner)}`, no newsflow running) and its next run loads them")
    else:
        what = ("no warehouse beside it has that id: if you moved it (or a copy of it) elsewhere, move the folder "
                f"into its spool folder (`mv {shlex.quote(str(folder))} <that warehouse's file>-spool/`, no newsflow "
                "running) and its next run loads them")
    log.error("spool: %s holds %d load(s) spooled for another warehouse than %s (id %s), one that was at this path "
              "before it was moved or renamed without its spool folder and this one made in its place: none is "
              "loaded here; %s", folder, waiting, warehouse_path, warehouse_id, what)


def owner_beside(warehouse_path: Path, warehouse_id: str) -> Path | None:
    """The DuckDB file beside the warehouse whose id is `warehouse_id` (the one it was moved aside as), if any."""
    try:
        beside = sorted(warehouse_path.parent.iterdir())
    except OSError:
        return None
    for path in beside:
        if path == warehouse_path or not _is_duckdb_file(path):
            continue
        try:
            if warehouse.read_with(Warehouse(path), identity.warehouse_id, 0.0) == warehouse_id:
                return path
        except WarehouseError:  # held, damaged, another program's: not this one
            continue
    return None


def _is_duckdb_file(path: Path) -> bool:
    try:
        return path.is_file() and compat.storage_version(path) is not None
    except OSError:
        return False


def say_if_moved(warehouse_path: Path, was: Path, warehouse_id: str | None) -> None:
    """A warehouse whose last run started in another folder: the loads of its id left in the spool folder there.
    Not said of a warehouse renamed in its folder (`spoolfolders.say_orphans` says that one), nor while a file of
    its id is at the old path (a copy: the loads there are that one's)."""
    if warehouse_id is None or was.parent == warehouse_path.parent or _same_id_at(was, warehouse_id):
        return
    left = spoolfolders.spool_dir_for(was)
    mark = f'"warehouse":"{warehouse_id}"'.encode()
    waiting = [path for path in spoolfolders.loads_in(left) if _peek(path, mark)]
    if waiting:
        log.error("spool: %s holds %d load(s) spooled for %s when it was at %s, and moved without its spool folder: "
                  "none is loaded until they are in its own; move them there (`%s`, no newsflow running) and the "
                  "next run loads them", left, len(waiting), warehouse_path, was,
                  spoolfolders.mv_into(left, warehouse_path))


def _same_id_at(path: Path, warehouse_id: str) -> bool:
    if not os.path.lexists(path):
        return False
    try:
        return warehouse.read_with(Warehouse(path), identity.warehouse_id, 0.0) == warehouse_id
    except WarehouseError:  # held, or not a warehouse: whose the loads are cannot be told, so they are not named
        return True


def _peek(path: Path, mark: bytes) -> bool:
    try:
        with open(path, "rb") as stream:
            return mark in stream.read(PEEK_BYTES)
    except OSError:
        return False
