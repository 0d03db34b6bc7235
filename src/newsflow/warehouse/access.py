"""A warehouse file, or its folder, this user may not open (Local 30): one line naming the owner and the mode.

A file of mode 000, or another user's that this one may not read, and a folder this user may not search, made
`newsflow run` end in the last net's `newsflow: X: Permission denied` (exit 1, no word of what to do: the first
header read's `open`) and the readers in DuckDB's own words. Now each is one line, exit 3 (README's exit 3:
"this user may not read the file or enter its folder"), before DuckDB sees the file; nothing is changed, the spool
keeps what it holds.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from newsflow.errors import WarehouseError
from newsflow.runlock import full_hint
from newsflow.warehouse import heldfiles

_WHAT_TO_DO = ("newsflow must read and write it as the user that runs it: fix its owner or mode (`chown`, `chmod "
               "u+rw`), run newsflow as its owner, or point warehouse.path at a copy it can; left untouched")


def refuse_a_file_it_cannot_read(path: Path) -> None:
    """The regular file at `path` opened for reading (through `heldfiles`: no lock of this process dropped)."""
    try:
        heldfiles.read_header(path, lambda fd: None)
    except PermissionError as exc:
        raise WarehouseError(f"cannot open {path}: {exc.strerror}: this user ({_who()}) may not read it "
                             f"({_owner_and_mode(path)}); {_WHAT_TO_DO}") from exc
    except OSError:  # gone meanwhile, or another error: DuckDB's open says what it is
        return


def refuse_a_folder_it_cannot_search(path: Path, exc: OSError) -> WarehouseError:
    """A stat of the warehouse that failed: a folder on its way this user may not search is named; else as before."""
    if exc.errno == errno.EACCES:
        for folder in [*reversed(path.parents)]:
            if not os.access(folder, os.X_OK):
                return WarehouseError(
                    f"cannot open {path}: {exc.strerror}: this user ({_who()}) may not enter its folder {folder} "
                    f"({_owner_and_mode(folder)}); newsflow must read and write the warehouse and its spool folder "
                    "there as the user that runs it: fix the folder's owner or mode (`chmod u+rwx`), run newsflow "
                    "as its owner, or point warehouse.path elsewhere; left untouched")
    return WarehouseError(f"cannot open {path}: {exc.strerror or exc}; check warehouse.path")


def exists(path: Path) -> bool:
    """`path.exists()`, but a folder on its way this user may not enter is one line, not a PermissionError."""
    try:
        os.stat(path)
    except PermissionError as exc:
        raise refuse_a_folder_it_cannot_search(path, exc) from exc
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return False
        raise
    except ValueError:  # a NUL in the name, as Path.exists answers it
        return False
    return True


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.exists() takes for "not there"


def refuse_where_it_cannot_search(path: Path, exc: OSError) -> None:
    """The run lock (or another file beside the warehouse) not made for want of a folder's search permission."""
    if exc.errno == errno.EACCES and any(not os.access(folder, os.X_OK) for folder in path.parents):
        raise refuse_a_folder_it_cannot_search(path.with_name(path.name.removesuffix(".run.lock")), exc) from exc


def refuse_a_full_disk(path: Path) -> None:
    """A run's check before Prefect: a disk with no block left for this user lets the run lock be rewritten in
    place (its block is there) and the file open, then fails the run's first commit (its log cannot grow), after
    Prefect started. Said here instead: nothing done. A disk with a little room is met at that commit, exit 3 too."""
    try:
        found = os.statvfs(path.parent)
    except OSError:  # the open before said what it is
        return
    root = os.geteuid() == 0  # root may use the blocks and inodes reserved for it
    if found.f_blocks and not (found.f_bfree if root else found.f_bavail):
        lacking = "block"
    elif found.f_files and not (found.f_ffree if root else found.f_favail):  # no new file: not the log, no spool
        lacking = "inode (no new file can be made)"
    else:
        return
    raise WarehouseError(f"cannot write {path}: No space left on device: its disk has no {lacking} free for this "
                         f"user ({path.parent}); {full_hint('No space left on device')}. What earlier runs "
                         "spooled beside it is kept")


def refuse_a_folder_it_cannot_write(path: Path) -> None:
    """A writing command's, its run lock open: a folder this user may enter but not write (another user's 755,
    a 0500) let the lock (left by an earlier run) open, and DuckDB's first commit fail (`….wal: Permission
    denied`: a `reextract`'s traceback, exit 1; a `run` after Prefect started). Said here: nothing done."""
    folder = path.parent
    if os.access(folder, os.X_OK) and not os.access(folder, os.W_OK):
        raise WarehouseError(
            f"cannot write {path}: Permission denied: this user ({_who()}) may not write its folder {folder} "
            f"({_owner_and_mode(folder)}), where the warehouse's log and spool folder are made; fix the folder's "
            "owner or mode (`chmod u+rwx`), run newsflow as its owner, or point warehouse.path elsewhere; left "
            "untouched")


def _who() -> str:
    return f"uid {os.geteuid()}"


def _owner_and_mode(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "its owner and mode cannot be read"
    return f"owner uid {found.st_uid}, mode {stat.filemode(found.st_mode)}"
