"""What `warehouse.path` names when it is no place a warehouse can be written (docs/security.md, "Local 31").

A folder, a FIFO, a socket, a device or a link to nothing is refused before anything is made beside it (a writing
command made its run lock there first, then refused the path). A folder on a read-only mount, or a path that runs
through a file, is said as such, with what to do, where the line said `Read-only file system; check
warehouse.path` or `File exists; check warehouse.path`.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from newsflow.errors import WarehouseError


def refuse_what_is_no_file(path: Path) -> None:
    """A folder, a FIFO, a socket or a device at `path`: one line, nothing made. Else (no file yet, or one that
    cannot be looked at) the checks that follow say what it is."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:  # a link to nothing: its lock was made beside it too (review of Local 31)
        refuse_a_dangling_link(path)
        return
    except OSError:
        return
    if stat.S_ISDIR(mode):
        raise WarehouseError(f"cannot open {path}: it is a folder, not a DuckDB file; set warehouse.path "
                             "to a file, or move the folder aside and the next run starts a new warehouse")
    if not stat.S_ISREG(mode):
        raise WarehouseError(f"cannot open {path}: it is not a regular file (a FIFO, a socket or a "
                             "device); set warehouse.path to a DuckDB file")


def refuse_a_dangling_link(path: Path) -> None:
    """`path`, or a folder on the way to it, is a symbolic link to nothing: a disk not mounted, a warehouse moved
    or deleted. DuckDB made a new warehouse at the link's target (in the empty mount point, on the wrong disk),
    a second warehouse the real one would then hide or be hidden by. One line, nothing made. Only asked of a
    path that is not there: a few `lstat`s."""
    for link in (path, *path.parents):
        if os.path.islink(link) and not os.path.exists(link):  # os.path's: no raise for a name too long
            which = "it" if link == path else str(link)
            raise WarehouseError(
                f"cannot open {path}: {which} is a symbolic link to {os.readlink(link)}, which is not there (a disk "
                "not mounted, or the warehouse moved or deleted?); mount it or put the warehouse back, or point "
                "warehouse.path at it; nothing was made there, so no second warehouse starts beside the first")


def why_its_folder_cannot_be_written(path: Path, exc: OSError) -> str | None:
    """The line for a warehouse folder on a read-only mount, or under a file; None for any other failure."""
    if exc.errno == errno.EROFS:  # readers read a warehouse there; with none yet, they would say to run (review)
        readers = "`query`, `search` and `feeds` still read it" if path.exists() else "no warehouse is there yet"
        return (f"cannot write {path}: Read-only file system: its folder {path.parent} is on a read-only mount; "
                "remount it read-write, or point warehouse.path at a disk this machine may write (a copy of the "
                f"warehouse there); {readers}. Nothing was written")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        file = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
        if file is not None:
            return (f"cannot write {path}: {file} is a file, not a folder, and warehouse.path runs through it; "
                    "point warehouse.path at a path in a folder, or move that file aside. Nothing was written")
    return None
