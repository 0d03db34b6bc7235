"""What `warehouse.path` names when it is no place a warehouse can be written (docs/security.md, "Local 31").

A folder, a FIFO, a socket or a device is refused before anything is made beside it (a writing command made its
run lock there first, then refused the path). A folder on a read-only mount, or a path that runs through a file,
is said as such, with what to do, where the line said `Read-only file system; check warehouse.path` or
`File exists; check warehouse.path`.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from newsflow.errors import WarehouseError


def refuse_what_is_no_file(path: Path) -> None:
    """A folder, a FIFO, a socket or a device at `path`: one line, nothing made. Else (no file yet, or one that
    cannot be looked at) the checks that follow say what it is."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        raise WarehouseError(f"cannot open {path}: it is a folder, not a DuckDB file; set warehouse.path "
                             "to a file, or move the folder aside and the next run starts a new warehouse")
    if not stat.S_ISREG(mode):
        raise WarehouseError(f"cannot open {path}: it is not a regular file (a FIFO, a socket or a "
                             "device); set warehouse.path to a DuckDB file")


def why_its_folder_cannot_be_written(path: Path, exc: OSError) -> str | None:
    """The line for a warehouse folder on a read-only mount, or under a file; None for any other failure."""
    if exc.errno == errno.EROFS:
        return (f"cannot write {path}: Read-only file system: its folder {path.parent} is on a read-only mount; "
                "remount it read-write, or point warehouse.path at a disk this machine may write (a copy of the "
                "warehouse there); `query`, `search` and `feeds` still read it. Nothing was written")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        file = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
        if file is not None:
            return (f"cannot write {path}: {file} is a file, not a folder, and warehouse.path runs through it; "
                    "point warehouse.path at a path in a folder, or move that file aside. Nothing was written")
    return None
