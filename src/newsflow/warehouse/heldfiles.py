"""Reading a warehouse's header without dropping DuckDB's lock on it (Local 29).

DuckDB's lock on its file is an fcntl lock, and POSIX drops every fcntl lock a process holds on a file
when the process closes *any* descriptor of it. `compat.is_sqlite`, `compat.storage_version` and
`freelist.read_free_list` read the header before each connect with an open and a close: while this process
already held the warehouse through another connection (two batches' writes overlapping), that close let a
second process open the file DuckDB was writing.

So each connection is registered here before DuckDB opens the file (`holding`), and a header read of a
path this process holds goes through one descriptor kept open for as long as any connection is
(`os.pread`, never a close). A read of a path no connection holds opens and closes it under the same
lock, so no connection can take DuckDB's lock between that open and its close.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_GUARD = threading.Lock()


@dataclass
class _Held:
    connections: int
    fd: int | None  # None until the file exists (DuckDB creates a new warehouse at its first connect)


_HELD: dict[str, _Held] = {}


def _key(path: Path) -> str:
    return os.path.realpath(path)


@contextmanager
def holding(path: Path) -> Iterator[None]:
    """Around a DuckDB connection's life: from before its connect to after its close."""
    key = _key(path)
    with _GUARD:
        held = _HELD.setdefault(key, _Held(0, None))
        held.connections += 1
        if held.fd is None:
            held.fd = _open_or_none(key)
    try:
        yield
    finally:
        with _GUARD:
            held.connections -= 1
            if held.connections == 0:
                del _HELD[key]
                if held.fd is not None:  # DuckDB let go first: this close drops no lock of a connection
                    os.close(held.fd)


def is_held(path: Path) -> bool:
    with _GUARD:
        return _key(path) in _HELD


def read_header(path: Path, read: Callable[[int], T]) -> T:
    """`read(fd)` of `path`'s content, through the kept descriptor when this process holds the file; raises
    OSError as `open` does. `read` must use `os.pread` (the descriptor is shared)."""
    with _GUARD:
        held = _HELD.get(_key(path))
        if held is not None:
            if held.fd is None:
                held.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            return read(held.fd)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            return read(fd)
        finally:
            os.close(fd)


def _open_or_none(key: str) -> int | None:
    try:
        return os.open(key, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:  # not made yet, or not readable: DuckDB's connect says what it is
        return None
