"""Arrays kept in a file of the user's cache folder and mapped read-only by later processes (the
language model's: `newsflow.langmodel`). No numpy here: arrays are written through the buffer
protocol and described by dtype string, shape and offset; `newsflow.vectors` maps them back.

The file (`$XDG_CACHE_HOME/newsflow/` or `~/.cache/newsflow/`, a folder made 0700) is never trusted
blindly, since anything could be under its name (a crash, a full disk, an older newsflow, a hand):

    0   magic (16 bytes)
    16  crc32 of every byte from 32 on, header offset, header length   (<IQI)
    32  zeros up to the first aligned offset, then each array at an aligned offset
    ..  the header, last: JSON (never pickle) with the key, the caller's metadata, and each array's
        dtype, shape and offset

A file is used only when its owner and mode (this user's alone), its magic, its size (the header
ends the file), its header (the caller's key, plain numeric dtypes, every array inside the file
and apart from the others, then the caller's own check) and its checksum all hold; otherwise it is
built again and replaced. It is written as a temporary file in the same folder and renamed over
the final name (`os.replace`), so a reader sees a whole file or none. A builder holds an flock on
the folder itself, so processes starting at once build it once: the others wait (at most
BUILD_WAIT_AT_MOST_S) and read it; a lock that cannot be had is done without. There is no fsync:
a file a power cut left half-written fails its checksum and is rebuilt. Each load touches its file
(twice a day at most) and removes the files of other keys, and the temporary files of crashed
builders, not used for a day.

Where the folder cannot be made or written, or is not this user's alone, the arrays go to an
unlinked temporary file as before (one debug line); where that fails too, OSError.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import math
import mmap
import os
import stat
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

MAGIC = b"newsflow-arrays\n"
PREFIX = struct.Struct("<IQI")  # crc32, header offset, header length
BODY = len(MAGIC) + PREFIX.size  # the checksum covers the file from here
ALIGN = mmap.ALLOCATIONGRANULARITY
MAX_HEADER = 1 << 20
MAX_FILE = 1 << 30  # the language model's is ~57 MiB; a larger file is not checksummed, but rebuilt
_ORDER = "<" if sys.byteorder == "little" else ">"
DTYPES = {f"{_ORDER}{kind}": int(kind[1]) for kind in ("u2", "u4", "i4", "f2", "f4", "f8")}
# A build takes ~0.6 cpu-s idle, several seconds under load; a holder past this is stopped or stuck.
BUILD_WAIT_AT_MOST_S = 30.0
BUILD_POLL_S = 0.02
STALE_SECONDS = 86_400  # another key's file not rewritten for a day: an older install's, removed

logger = logging.getLogger(__name__)


class Layout(NamedTuple):
    dtype: str  # numpy's dtype string, native byte order ("<u4")
    shape: tuple[int, ...]
    offset: int


class Stored(NamedTuple):
    mapping: mmap.mmap  # the whole file, read-only
    arrays: dict[str, Layout]
    meta: dict[str, Any]


Build = Callable[[], tuple[dict[str, Any], dict[str, Any]]]  # -> (metadata, arrays by name)


def load(name: str, key: Mapping[str, Any], build: Build, valid: Callable[[Stored], bool]) -> Stored:
    """The arrays stored under `name` for `key`, read from the cache when a checked file is there,
    else built (`build`) and stored; `valid` is the caller's check of a file's header."""
    folder = cache_folder(name)
    path = folder / f"{name}-{key_digest(key)}.arrays" if folder else None
    if path is None:
        return _build_unkept(name, key, build)
    stored = read(path, key, valid)
    if stored is None:
        with building_alone(path.parent):  # another process building it: wait, then read its file
            stored = read(path, key, valid)
            if stored is None:
                return _build_kept(name, path, key, build)
    _tidy(path)
    return stored


def _build_kept(name: str, path: Path, key: Mapping[str, Any], build: Build) -> Stored:
    meta, arrays = build()
    try:
        stored = write_cached(path, key, meta, arrays)
    except OSError as error:
        logger.debug("%s is not kept in %s (%s): built for this process only", name, path.parent, error)
        with tempfile.TemporaryFile(prefix=f"newsflow-{name}-") as backing:
            return write(backing, key, meta, arrays)
    _tidy(path)
    return stored


def _build_unkept(name: str, key: Mapping[str, Any], build: Build) -> Stored:
    meta, arrays = build()
    with tempfile.TemporaryFile(prefix=f"newsflow-{name}-") as backing:
        return write(backing, key, meta, arrays)


@contextmanager
def building_alone(folder: Path) -> Iterator[None]:
    """Holding an flock on the cache folder itself (0700, checked to be this user's alone: nobody else can
    take it), so that processes starting at once build the file once: the others wait here, then read it
    (each built its own ~60 MiB before, and the last rename won). The folder, not a lock file in it: no
    file to leave behind or tidy. Never an error: a lock that cannot be had (a folder gone, a holder past
    BUILD_WAIT_AT_MOST_S: a stopped process) is done without, and the file built as before."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        logger.debug("no lock on %s (%s): built without it", folder, error)
        yield
        return
    try:
        if _took_in_time(descriptor, folder):
            yield
            return
    finally:
        os.close(descriptor)  # closing lets the lock go
    yield


def _took_in_time(descriptor: int, folder: Path) -> bool:
    deadline = time.monotonic() + BUILD_WAIT_AT_MOST_S
    waited = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not waited:
                logger.debug("another process builds a file in %s: waiting for it", folder)
                waited = True
            if time.monotonic() > deadline:
                logger.debug("%s held past %s s: built without waiting more", folder, BUILD_WAIT_AT_MOST_S)
                return False
            time.sleep(BUILD_POLL_S)  # flock has no timed wait
        except OSError as error:
            logger.debug("no lock on %s (%s): built without it", folder, error)
            return False


def cache_folder(name: str = "a model") -> Path | None:
    """newsflow's cache folder, made 0700 if missing; None when it cannot be made or another user
    could write in it (a planted file must never be read)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        folder = (Path(base) if os.path.isabs(base) else _home() / ".cache") / "newsflow"
        _make_private(folder)
        status = folder.stat()
    except (OSError, RuntimeError) as error:  # RuntimeError: no usable $HOME and none in passwd
        logger.debug("no cache folder for %s (%s): built for each process", name, error)
        return None
    if not stat.S_ISDIR(status.st_mode) or not _ours_alone(status):
        logger.debug("the cache folder %s is not this user's alone: %s is built for each process", folder, name)
        return None
    return folder


def _home() -> Path:
    """$HOME, or passwd's home where it is unset. An empty or relative $HOME is no home: Python
    would read "" as "/" and a relative one as the working folder's."""
    home = os.environ.get("HOME")
    if home is None:
        return Path.home()
    if not os.path.isabs(home):
        raise RuntimeError(f"HOME is not an absolute path: {home!r}")
    return Path(home)


def _make_private(folder: Path) -> None:
    """`folder` and each missing parent made 0700 (mkdir -p makes the parents 0777 under umask 000,
    and anyone could then swap the folder)."""
    missing = []
    for path in (folder, *folder.parents):
        if path.is_dir():
            break
        missing.append(path)
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def key_digest(key: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


# --- reading ------------------------------------------------------------------------------------


def read(path: Path, key: Mapping[str, Any], valid: Callable[[Stored], bool] = lambda stored: True) -> Stored | None:
    """The file's arrays when every check holds (see the module docstring); None otherwise."""
    try:
        # O_NONBLOCK: a FIFO under the name must not block the run (a regular file ignores it).
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            status = os.fstat(file.fileno())
            if not _ours_alone(status) or not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE:
                return None
            found = _header(file, status.st_size)
            if found is None:
                return None
            header, header_offset, crc = found
            arrays = _layouts(header.get("arrays"), header_offset)
            if header.get("key") != key or arrays is None or not isinstance(header.get("meta"), dict):
                return None
            mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            stored = Stored(mapping, arrays, header["meta"])
            if not (valid(stored) and _checksum_holds(file, crc)):
                mapping.close()
                return None
            return stored
    except (OSError, ValueError, RecursionError):  # missing or unreadable; not JSON, or nested past reason
        return None


def _ours_alone(status: os.stat_result) -> bool:
    """Whether only this user could have written it. The folder's own check is not enough: a
    folder swapped after it (by someone who can write in its parent) would hold their files."""
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _header(file: BinaryIO, size: int) -> tuple[dict[str, Any], int, int] | None:
    """The header, where it starts, and the checksum the file states; None for a wrong prefix."""
    prefix = file.read(BODY)
    if len(prefix) < BODY or prefix[: len(MAGIC)] != MAGIC:
        return None
    crc, offset, length = PREFIX.unpack_from(prefix, len(MAGIC))
    if length > MAX_HEADER or offset < BODY or offset + length != size:
        return None
    file.seek(offset)
    header = json.loads(file.read(length))
    return (header, offset, crc) if isinstance(header, dict) else None


def _layouts(described: Any, end: int) -> dict[str, Layout] | None:
    """Each array's layout, when every one is a plain numeric array inside [BODY, end), apart from
    the others, and the last one ends where the header starts (as written); None otherwise."""
    if not isinstance(described, dict):
        return None
    layouts: dict[str, Layout] = {}
    for name, entry in described.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("dtype"), str) or entry["dtype"] not in DTYPES:
            return None
        shape, offset = entry.get("shape"), entry.get("offset")
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape) and type(offset) is int):
            return None
        layouts[name] = Layout(entry["dtype"], tuple(shape), offset)
    position = BODY
    for layout in sorted(layouts.values(), key=lambda layout: layout.offset):
        if layout.offset < position or layout.offset % ALIGN:
            return None
        position = layout.offset + nbytes(layout)
    return layouts if position == end else None


def nbytes(layout: Layout) -> int:
    return math.prod(layout.shape) * DTYPES[layout.dtype]


def _checksum_holds(file: BinaryIO, expected: int) -> bool:
    # A mapping of its own, closed after: the pages read here leave this process's resident size.
    with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as whole, memoryview(whole) as view, \
            view[BODY:] as body:
        return zlib.crc32(body) == expected


# --- writing ------------------------------------------------------------------------------------


def write_cached(path: Path, key: Mapping[str, Any], meta: dict[str, Any], arrays: dict[str, Any]) -> Stored:
    """`write` to a temporary file beside `path`, then renamed over it."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w+b") as backing:
            stored = write(backing, key, meta, arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return stored


def write(backing: BinaryIO, key: Mapping[str, Any], meta: dict[str, Any], arrays: dict[str, Any]) -> Stored:
    """The arrays (C-contiguous, numeric), the metadata (JSON) and the key written to `backing`
    in the format above, and mapped back read-only."""
    backing.write(bytes(BODY))
    crc, described = 0, {}
    for name, values in arrays.items():
        crc = _write_part(backing, bytes(-backing.tell() % ALIGN), crc)
        described[name] = {"dtype": values.dtype.str, "shape": list(values.shape), "offset": backing.tell()}
        crc = _write_part(backing, memoryview(values).cast("B"), crc)
    header = json.dumps({"key": key, "meta": meta, "arrays": described}).encode()
    offset = backing.tell()
    crc = _write_part(backing, header, crc)
    backing.seek(0)
    backing.write(MAGIC + PREFIX.pack(crc, offset, len(header)))
    backing.flush()
    mapping = mmap.mmap(backing.fileno(), 0, access=mmap.ACCESS_READ)  # outlives the closed file
    return Stored(mapping, {name: Layout(d["dtype"], tuple(d["shape"]), d["offset"]) for name, d in described.items()},
                  meta)


def _write_part(backing: BinaryIO, data: bytes | memoryview, crc: int) -> int:
    backing.write(data)
    return zlib.crc32(data, crc)


def _tidy(kept: Path) -> None:
    """Keep `kept` marked as in use (its mtime, at most twice a day), and remove the files of its
    kind not used for a day: other keys' (an older py3langid's: each install touches its own) and
    temporary files a crash left, each ~60 MiB. On every load, not only after a write: once the
    kept file is whole, no write comes to remove them."""
    now = time.time()
    try:
        if now - kept.stat().st_mtime > STALE_SECONDS / 2:
            os.utime(kept)
    except OSError:  # a read-only file system: nothing is removed from it either
        return
    name = kept.name.split("-")[0]
    for path in [*kept.parent.glob(f"{name}-*.arrays"), *kept.parent.glob(f".{name}-*.tmp")]:
        try:
            if path != kept and now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()
        except OSError:
            continue
