"""Whose a spooled load is: the id of the warehouse it was spooled for (migration 0109, Local 30).

The spool folder is named after the warehouse's file (`news.duckdb-spool/`, `spoolfolders`), so a warehouse moved
aside without it (`news.duckdb` renamed `news.old.duckdb`, a new `news.duckdb` made in its place) left its loads
to the new file, whose runs loaded them: another warehouse's runs, polls and articles, and gone from the spool.
Each load now carries its warehouse's id (`warehouse.identity`), and a replay loads a load whose id is another's
into nothing: it is set aside in `of-<id>/` inside the folder it was in, and one line a process names the
warehouse beside that has that id (else says what to look for) and the `mv` that hands the folder to it; its
next run loads them (`spoolfolders.moved_in`). A load spooled before 0109 carries no id and is loaded as before.

Beside a read-write holder the id cannot be read: a writer that read it stamps it in the spool folder with the
file's device and inode (`STAMP`), read then. A warehouse moved to another folder without its spool folder is told
at each run's start (once a process) while loads of its id wait where it was: the warehouse keeps that path
(`identity.last_path`) until they are moved, and the line gives the `mv` that brings them (their own alone).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
from contextlib import suppress
from pathlib import Path

from newsflow import spoolfolders, warehouse
from newsflow.errors import WarehouseError
from newsflow.files import read_capped, replace_file
from newsflow.warehouse import Warehouse, compat, identity

log = logging.getLogger(__name__)

FOREIGN_PREFIX = "of-"
STAMP = ".warehouse"  # in the spool folder: the id a writer read, with the file's device and inode
_SAFE_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
# The id of each warehouse file this process read, by its path, device and inode: the inode survives DuckDB's
# writes and a rename, and a new file made while the old one is kept (moved aside) has another. A new file on a
# deleted one's inode is seen at the next writer's open (`remember`, at each run's start)
_IDS: dict[tuple[str, int, int], str | None] = {}
_REMEMBERED: set[tuple[str, int, int]] = set()  # the ids a writer read (a stamp tells them), stamped or not yet
_STAMPED: set[tuple[str, int, int]] = set()
_SAID: set[tuple[str, str]] = set()


def _key(path: Path) -> tuple[str, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), found.st_dev, found.st_ino)


def remember(store: Warehouse, warehouse_id: str | None) -> str | None:
    """The id a writer read in its transaction, kept for the loads this process spools for the file, and stamped
    in its spool folder (when there is one) for a later process that finds the file held read-write."""
    if warehouse_id is not None and (key := _key(store.path)) is not None and _IDS.get(key) != warehouse_id:
        _IDS[key] = warehouse_id
        _REMEMBERED.add(key)
        _STAMPED.discard(key)
        if spoolfolders.spool_dir_for(store.path).is_dir():
            stamp(store)
    return warehouse_id


def stamp(store: Warehouse) -> None:
    """Write `[id, device, inode]` to the spool folder's stamp, once a process, if a writer read the id. A spool
    folder is made by a spool or a run's end, so it is not made here (a reader's command makes nothing)."""
    key = _key(store.path)
    if key is None or key not in _REMEMBERED or key in _STAMPED:
        return
    _STAMPED.add(key)
    with suppress(OSError):  # a folder this user may not write: a later spool beside a read-write holder has no id
        replace_file(spoolfolders.spool_dir_for(store.path) / STAMP, json.dumps([_IDS[key], *key[1:]]).encode())


def id_of(store: Warehouse) -> str | None:
    """The warehouse's id for a load spooled now: read once a file (a read-only open beside a read-only holder);
    beside a read-write holder, the id an earlier writer stamped for the same device and inode; else None (the
    load is then loaded by whichever file has the name)."""
    key = _key(store.path)
    if key is None:
        return None
    if key not in _IDS:
        try:
            _IDS[key] = warehouse.read_with(store, identity.warehouse_id, 0.0)
        except WarehouseError:
            _IDS[key] = _stamped(store.path, key)
    return _IDS[key]


def _stamped(path: Path, key: tuple[str, int, int]) -> str | None:
    try:
        found = json.loads(read_capped(spoolfolders.spool_dir_for(path) / STAMP, 256))
        warehouse_id, device, inode = found
    except (OSError, ValueError, TypeError):
        return None
    if isinstance(warehouse_id, str) and _SAFE_ID.fullmatch(warehouse_id) and [device, inode] == [*key[1:]]:
        return warehouse_id
    return None  # another file's (`cp` over it keeps the inode: a stale id until the next writer's open)


def set_aside_foreign(path: Path, warehouse_id: str) -> Path:
    """Move another warehouse's load into `of-<id>/` of its folder (once); its new path. The replay says so
    after its folder's pass (`say_foreign`), all of them counted."""
    name = FOREIGN_PREFIX + (warehouse_id if _SAFE_ID.fullmatch(warehouse_id) else "unnamed")
    folder = path.parent if path.parent.name == name else path.parent / name
    moved = folder / path.name
    if moved != path:
        try:
            folder.mkdir(exist_ok=True)
            path.replace(moved)
        except OSError:  # a folder this user cannot change: the load stays where it is, loaded by no one
            moved = path
    return moved


def set_aside_for_another(folder: Path, store: Warehouse) -> bool:
    """A folder of loads set aside for a warehouse whose id is not this one's (`of-<id>/`): said, and not one of
    its loads opened (each cost a writer's transaction, every run, ~30 ms). One a user moved into its owner's
    spool folder, as the line says, has that one's id: it is loaded."""
    theirs = folder.name.removeprefix(FOREIGN_PREFIX)
    if not folder.name.startswith(FOREIGN_PREFIX) or not _SAFE_ID.fullmatch(theirs):
        return False
    own = id_of(store)
    if own is None or own == theirs:
        return False
    say_foreign(folder, store.path)
    return True


def say_foreign(folder: Path, warehouse_path: Path) -> None:
    """Once a process a folder: the loads set aside in it for another warehouse, and how to hand them over."""
    warehouse_id = folder.name.removeprefix(FOREIGN_PREFIX) if folder.name.startswith(FOREIGN_PREFIX) else "unnamed"
    if (str(folder), warehouse_id) in _SAID:
        return
    _SAID.add((str(folder), warehouse_id))
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


def loads_left(warehouse_path: Path, was: Path | None, warehouse_id: str | None) -> tuple[Path, list[Path]] | None:
    """A warehouse whose last run started in another folder: the loads of its id left in the spool folder there,
    with that path; None when there are none. Not of a warehouse renamed in its folder (`spoolfolders.say_orphans`
    says that one), nor while a file of its id is at the old path (a copy: the loads there are that one's)."""
    here = Path(os.path.realpath(warehouse_path))
    if warehouse_id is None or was is None or was.parent == here.parent or _same_id_at(was, warehouse_id):
        return None
    mark = f'"warehouse":"{warehouse_id}"'.encode()
    waiting = [path for path in spoolfolders.loads_in(spoolfolders.spool_dir_for(was)) if _peek(path, mark)]
    return (was, waiting) if waiting else None


def say_left(warehouse_path: Path, was: Path, waiting: list[Path]) -> None:
    """Said at each run's start (once a process) until the loads are moved: the whole folder's `mv` when all in
    it is this warehouse's (no file at the old path, no other load there), else the `mv` of its loads alone, into
    this warehouse's spool folder, made here so that the line's `mv` has it to move into."""
    left = spoolfolders.spool_dir_for(was)
    if (str(left), "moved") in _SAID:
        return
    _SAID.add((str(left), "moved"))
    if os.path.lexists(was) or len(spoolfolders.loads_in(left)) != len(waiting):
        own = spoolfolders.spool_dir_for(warehouse_path)
        with suppress(OSError):  # the line's command then makes it
            own.mkdir(exist_ok=True)
        command = f"mv {' '.join(shlex.quote(str(path)) for path in waiting)} {shlex.quote(str(own))}/"
    else:
        command = spoolfolders.mv_into(left, warehouse_path)
    log.error("spool: %s holds %d load(s) spooled for %s when it was at %s, and moved without its spool folder: "
              "none is loaded until they are in its own; move them there (`%s`, no newsflow running) and the "
              "next run loads them", left, len(waiting), warehouse_path, was, command)


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
            return mark in stream.read(spoolfolders.PEEK_BYTES)
    except OSError:
        return False
