"""One `newsflow serve` per warehouse: a lock file held for the service's life.

Two services on one warehouse (a systemd unit, and the same command started by hand) both serve
the one Prefect deployment, `ingest/serve`. Their runs never overlap (its concurrency limit), but
the first to stop pauses the deployment's schedule (`pause_on_shutdown`, so that no runs pile up
while nothing serves): the other one then serves a paused schedule, and ingests nothing, without
a word. So the second one refuses to start, in one line naming the first (exit 3). The lock is an
`flock`, released by the kernel when the process ends, however it ends.

A command that finds no service alive takes the same lock for a moment (`no_service_alive`, "<pid> check" in
the file): whoever takes it without waiting knows no service of that warehouse lives (the kernel drops a killed
service's lock), and no service can start while it is held, so a schedule it pauses cannot race a restarted
service (flows/unserved.py). A `serve` that finds a check holding it waits for it (`CHECK_HELD_AT_MOST_S`).

It also holds what the run lock (`Warehouse.run_lock`, `<warehouse>.run.lock`) and the service lock share:
writing who holds a lock (`write_holder`, which a full disk makes one line, exit 3) and reading it back.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsflow.errors import WarehouseError, WarehouseLockedError


def service_lock_path(warehouse_path: Path) -> Path:
    # not `with_name`: `warehouse.path = "/"` has no name, and `status` asked this first (a traceback; review of
    # Local 31); "/.serve.lock" is never there, and the warehouse's own check then says "/" is a folder
    return Path(f"{warehouse_path}.serve.lock")


CHECK = "check"  # the holder word of a command checking, for a moment, that no service lives
CHECK_HELD_AT_MOST_S = 30.0  # how long a starting `serve` waits for a check (a few API calls) to let go
_CHECK_POLL_S = 0.05


@contextmanager
def holding_the_service_lock(warehouse_path: Path) -> Iterator[None]:
    """Hold `<warehouse>.serve.lock`, or raise WarehouseLockedError naming the service that does."""
    path = service_lock_path(warehouse_path)
    with _opened(path) as handle:
        deadline = time.monotonic() + CHECK_HELD_AT_MOST_S
        while not _took(handle):
            pid, command = _holder(handle)
            if not _a_check_holds(pid, command) or time.monotonic() > deadline:
                raise WarehouseLockedError(_refusal(pid, command, warehouse_path))
            time.sleep(_CHECK_POLL_S)  # a check holds it for a few API calls; flock has no timed wait
        write_holder(handle, str(os.getpid()), path)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def no_service_alive(warehouse_path: Path) -> Iterator[bool]:
    """True while this process holds the service lock (so no service of the warehouse lives, and none can
    start), False where a service (or another check) holds it. Nothing is created: no lock file, no service
    ever ran here. An unreadable file or folder counts as a service alive (the safe side: nothing is paused)."""
    path = service_lock_path(warehouse_path)
    try:
        handle = open(path, "r+")  # noqa: SIM115 - closed by the `with` below
    except OSError:
        yield False
        return
    with handle:
        if not _took(handle):
            yield False
            return
        try:
            write_holder(handle, f"{os.getpid()} {CHECK}", path)
        except WarehouseError:  # a full disk: a `serve` starting now would take the dead service's pid for a live
            fcntl.flock(handle, fcntl.LOCK_UN)  # one; write_holder let go already
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise WarehouseError(f"cannot write the service lock {path}: {exc.strerror or exc}; check warehouse.path "
                             "(newsflow serve keeps its lock beside the warehouse)") from exc
    with handle:
        yield handle


def _took(handle: Any) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle: Any) -> tuple[str, str]:
    handle.seek(0)
    pid, _, command = handle.read(_HOLDER_MAX_CHARS).strip().partition(" ")
    return pid, command


def _refusal(pid: str, command: str, warehouse_path: Path) -> str:
    holder = f" (pid {pid})" if pid.isdigit() else ""
    if command == CHECK:  # named a service before the review: a stuck check (stopped with Ctrl-Z, a frozen API)
        return (f"a newsflow command{holder} checking that no service serves {warehouse_path} has held its service "
                f"lock for over {CHECK_HELD_AT_MOST_S:.0f} s; let it end (or stop it), then start newsflow serve again")
    return (f"another newsflow serve{holder} already serves {warehouse_path}; one service per warehouse: stop "
            "that one first, or leave it running")


def _a_check_holds(pid: str, command: str) -> bool:
    """A check holds the lock: it says so, or it has just taken it and not yet written its pid over that of the
    service it found dead (no process here has that pid now; a service on another machine sharing the file
    would be waited for, then named), or the file is empty: a check or a service between truncating it and
    writing its pid (`write_holder`; before the review a `serve` reading that instant refused, naming no one)."""
    if command == CHECK or not pid:
        return True
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    return False


def serving_pid(warehouse_path: Path) -> str | None:
    """The pid the `newsflow serve` holding the warehouse's service lock wrote ("" unsaid, unreadable), or None
    where none holds it: no lock file, the lock free, or held by a check (which takes it only where no service
    lives). A shared lock asked without waiting, so it writes nothing and needs no write permission."""
    path = service_lock_path(warehouse_path)
    try:
        handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the `with` below
    except (FileNotFoundError, NotADirectoryError):  # no service ever ran here (a folder that is a file: none can)
        return None
    except OSError:  # unreadable to this user: held, or not, all the same; the safe side is a service
        return ""
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, command = _holder(handle)
            return None if command == CHECK else pid if pid.isdigit() else ""
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def room_question(said: str, where: Path | None = None) -> str:
    """Why a write found no room, asked from the error's words: a file size limit (EFBIG: this process's
    `ulimit -f`, RLIMIT_FSIZE, or the largest file the filesystem takes) is not a full disk, nor is a quota. Nor is
    a disk with bytes free and no inode (Local 32: ENOSPC all the same, a new file refused): `where`'s disk is asked."""
    if "File too large" in said:
        return ("Is a file size limit set for this process (`ulimit -f`), or is the file as large as its "
                "filesystem allows?")
    if "quota" in said:
        return "Is this user's disk quota used up?"
    if (blocks := _free_bytes_without_an_inode(said, where)) is not None:
        return (f"Its disk has {blocks} free but no inode (no new file can be made there: too many files on it, "
                "as many small kept pages or spool files make).")
    return "Is the disk full?"


def room_remedy(said: str, where: Path | None = None) -> str:
    """What frees the room `room_question` asks about."""
    if "File too large" in said:
        return "raise the limit or move the warehouse to a filesystem that takes larger files"
    if "quota" in said:
        return "free space there or raise the quota"
    if _free_bytes_without_an_inode(said, where) is not None:
        return ("delete files on that disk (or mount it with more inodes: tmpfs's nr_inodes, mkfs's -N), or move the "
                "warehouse to another disk")
    return "free space there"


def _free_bytes_without_an_inode(said: str, where: Path | None) -> str | None:
    """The free space of `where`'s disk (`12.3 MiB`) when an ENOSPC found it with no inode free for this user and
    a block free, else None."""
    if where is None or "No space left" not in said:
        return None
    for place in (where, *where.parents):
        try:
            disk = os.statvfs(place)
        except OSError:
            continue
        inodes = disk.f_ffree if os.geteuid() == 0 else disk.f_favail
        free = (disk.f_bfree if os.geteuid() == 0 else disk.f_bavail) * disk.f_frsize
        if inodes == 0 and disk.f_files > 0 and free > 0:
            return f"{free / 2**20:.1f} MiB"
        return None
    return None


def full_hint(said: str, where: Path | None = None) -> str:
    """The end of a line saying a command that wrote nothing yet found no room: what to ask and do."""
    question = room_question(said, where)
    return f"{question[0].lower()}{question[1:]} Nothing was done: {room_remedy(said, where)} and run it again"


def write_holder(handle: Any, holder: str, lock_path: Path) -> None:
    """Who holds a lock, written into its held file unbuffered. Buffered, a full disk failed the flush, then
    again as the file closed: `newsflow: No space left on device`, exit 1 naming nothing, at every run
    (a traceback in a served run's logs) until space was freed. The lock is let go before saying so."""
    try:
        os.ftruncate(handle.fileno(), 0)
        os.write(handle.fileno(), holder.encode())  # opened "a+" (O_APPEND): at 0, as the file is empty now
    except OSError as exc:
        fcntl.flock(handle, fcntl.LOCK_UN)
        hint = full_hint(exc.strerror or "") if exc.errno in DISK_FULL else "check warehouse.path"
        raise WarehouseError(f"cannot write the lock {lock_path}: {exc.strerror or exc}; {hint}") from exc


_HOLDER_MAX_CHARS = 200  # "<pid> <command>": a lock file is ours and small; read no more than that


def run_lock_is_held(lock_path: Path) -> bool:
    """Whether some process holds the run lock file (a shared lock cannot be had while it does)."""
    try:
        with open(lock_path, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def read_holder(handle: Any) -> str:
    """`run (pid N)`, or the writing command that holds the run lock (`reextract (pid N)`); `run` when unsaid."""
    handle.seek(0)
    pid, _, command = handle.read(_HOLDER_MAX_CHARS).strip().partition(" ")
    return (command or "run") + (f" (pid {pid})" if pid.isdigit() else "")


def holder_command(lock_path: Path) -> str:
    """The newsflow command that holds the run lock, as its holder wrote it (`run` when it cannot be read)."""
    try:
        with open(lock_path, encoding="utf-8", errors="replace") as handle:
            return handle.read(_HOLDER_MAX_CHARS).strip().partition(" ")[2] or "run"
    except OSError:
        return "run"
