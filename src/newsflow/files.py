"""Files newsflow replaces whole: the config, an exported OPML, spool files and their state copy."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import glob
import hashlib
import os
import re
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from newsflow.errors import OutputError

# A write in flight: removed on failure; after a crash, whoever owns the folder sweeps it.
PARTIAL_SUFFIX = ".partial"
# An import's new config while it is written, before it is whole and synced (`replace_file`, `stray_saves`)
UNWRITTEN_SUFFIX = ".unwritten"


def replace_file(path: Path, content: bytes, expected: bytes | None = None) -> bool:
    """Write `content` to a temporary file beside `path`, fsync it, rename it over `path`, fsync the folder.

    A reader sees the old file or the new one, never a part; a failed write leaves the old one whole.
    A symlinked config keeps its link: the file it points to is replaced.

    A target that is not a regular file (`-o /dev/stdout`, a FIFO, a terminal) is written into,
    never renamed over: run as root, `newsflow feeds export -o /dev/full` replaced the device with
    a file, for every program on the machine.

    With `expected`, the file is replaced only while it still holds those bytes, compared once the new
    file is written and synced, the moment before the rename: False, nothing changed, when another
    program (an editor, which takes no lock) saved it meanwhile, or holds it open for writing now (an
    editor saving in place, part way through: what is there is the start of its save, and the rest would
    go to the replaced file). The rename is an exchange (Local 24): the file it displaced is checked once more,
    after it, and put back if a program wrote to it or renamed its own save over it meanwhile."""
    if is_special_file(path):
        with open(path, "wb") as stream:
            stream.write(content)
        return True
    path = path.resolve()
    unwritten = UNWRITTEN_SUFFIX if expected is not None else ""
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=unwritten + PARTIAL_SUFFIX, dir=path.parent)
    ours, names = os.fstat(handle).st_ino, [partial]
    try:
        with open(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if expected is not None:  # written whole and synced: only now the name that says what it holds
            names.append(_named_by_digests(partial, path, content, expected))
            partial = names[-1]
        if path.exists():
            _keep_owner_and_mode(partial, path.stat())
        if expected is not None and not _replaced_if_unchanged(partial, path, expected):
            _remove_if_ours(partial, ours)
            _refuse_a_save_left_at(partial, path)
            return False
        if expected is None:
            os.replace(partial, path)
    except BaseException:
        for name in names:
            _remove_if_ours(name, ours)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return True


def _replaced_if_unchanged(partial: str, path: Path, expected: bytes) -> bool:
    """Rename `partial` over `path` if `path` still holds `expected` and no process holds it open for writing.

    Checked before the rename, a program could still open the file to save it in place, or rename its own save
    over it, in the instant before the rename: its save then went to the replaced file or was replaced, lost
    (Local 24's interleavings). So the rename swaps the two names (`renameat2(RENAME_EXCHANGE)`), and the file
    displaced, now at `partial`, is checked again: the one compared, holding the same bytes, no writer. Otherwise
    it is swapped back, so what the program saved is at `path` again, and False; swapped back too when the check
    is interrupted (review of Local 24). Where the kernel or filesystem
    has no exchange (not Linux, NFS before 6.x, FUSE), the rename alone, as before."""
    compared = _unchanged_inode(path, expected)
    if compared is None:
        return False
    try:
        swapped = _exchange(partial, path)
    except FileNotFoundError:  # renamed away since the check (emacs: to its backup, before its new file)
        return False
    if not swapped:
        os.replace(partial, path)
        return True
    kept = False
    try:
        kept = _unchanged_inode(Path(partial), expected) == compared
    finally:  # also when interrupted (Ctrl-C) before knowing: never the import's file with the config at `partial`
        if not kept:
            _exchange(partial, path)  # the program's file back at `path`; ours at `partial`, removed by the caller
    if kept:
        Path(partial).unlink()
    return kept


def stray_saves(path: Path) -> list[str]:
    """One warning for each file a save of `path` stopped part way left beside it (`.NAME.*.partial`), after a
    crash (SIGKILL, the power lost) between the temporary file's making and the removal of the file an import's
    exchange displaced (left by Local 24's review). An import's file still named `.unwritten` is its new config
    cut where the crash stopped its write, never swapped in: removed, saying to import again. Once written whole,
    the file's name holds the digests of the two files an import can leave there (`import_save_name`), so only
    those are removed: the config as it was before the import, which the config holds whole; the import's own new
    config, never swapped in (its feeds were not added, so it says to import again). Any other, another program's
    save in that instant, or a file whose name holds no digests, is kept, and named until the user merges and
    deletes it (Local 27: bytes alone removed another program's save of an empty config, or of one that lost only
    its last lines).
    Files an import in flight holds (its lock is on the config's inode, which the exchange moves) are left."""
    found: list[str] = []
    with suppress(OSError, RuntimeError):  # a link loop: the config's own read says so
        path = path.resolve()  # a save's temporary file is beside the file a link names (`replace_file`)
    for stray in sorted(path.parent.glob(f".{glob.escape(path.name)}.*{PARTIAL_SUFFIX}")):
        with suppress(OSError), _unless_held(stray, path):
            found.append(_judged(stray, path))
    return found


def _named_by_digests(partial: str, path: Path, content: bytes, expected: bytes) -> str:
    """An import's temporary file, written whole and synced, renamed to a name holding the digests of the two files
    that name may hold after a crash: the config as it was (which the exchange displaces to it) and the import's
    new one. So `stray_saves` removes only a file that is provably one of them: bytes alone could not tell them
    from another program's save of an empty config, or of one that lost its last lines (review of Local 26).
    Named only now (review of Local 27): a file killed as it was written, empty or a part of the new config,
    keeps its `.unwritten` name, which only this write ever holds (the exchange is made at the digests' name)."""
    unique = Path(partial).name.removesuffix(UNWRITTEN_SUFFIX + PARTIAL_SUFFIX).rsplit(".", 1)[-1]
    named = str(import_save_name(path, expected, content, unique))
    os.rename(partial, named)
    return named


def import_save_name(path: Path, was: bytes, new: bytes, unique: str) -> Path:
    """Where an import of `new` over `was` keeps its new config, written whole, until its exchange (`unique`: the
    temporary file's own part, so two never meet)."""
    return path.with_name(f".{path.name}.{_digest(was)}-{_digest(new)}.{unique}{PARTIAL_SUFFIX}")


def _digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=8).hexdigest()


def _judged(stray: Path, path: Path) -> str:
    if stray.name.endswith(UNWRITTEN_SUFFIX + PARTIAL_SUFFIX):  # only an import's write, before its exchange
        return _unwritten_removed(stray, path)
    stopped = f"{stray} was left by a `feeds import` stopped (killed, or the power lost) as it replaced {path}"
    named = re.fullmatch(rf"\.{re.escape(path.name)}\.([0-9a-f]{{16}})-([0-9a-f]{{16}})\..*", stray.name)
    was, new = named.groups() if named else ("", "")
    try:
        left, config = read_capped(stray, 32 * 1024 * 1024), path.read_bytes()
        as_it_was = _digest(left) == was and config.startswith(left)
        never_swapped = _digest(left) == new and left.startswith(config)
        if as_it_was or never_swapped:
            stray.unlink()
    except OSError as exc:
        return f"{stopped}; it cannot be read or removed ({exc.strerror or exc}): delete it, or compare it with {path}"
    if as_it_was:
        return f"{stopped}; it held the config as it was before, which {path.name} still holds whole: removed it"
    if never_swapped:
        return (f"{stopped}, before it replaced it; the feeds it was adding are not in {path.name}: removed it; "
                "run `newsflow feeds import` again")
    return (f"{stopped}, and holds a version of it that is not provably the import's own (another program saved it "
            f"in that instant?): compare the two, merge what you want into {path.name}, then delete {stray.name}")


def _unwritten_removed(stray: Path, path: Path) -> str:
    stopped = f"{stray} was left by a `feeds import` stopped (killed, or the power lost) as it wrote {path}'s new text"
    try:
        stray.unlink()
    except OSError as exc:
        return f"{stopped}; it cannot be removed ({exc.strerror or exc}): delete it"
    return (f"{stopped}, before it replaced {path.name}; the feeds it was adding are not in it: removed it; run "
            "`newsflow feeds import` again")


@contextmanager
def _unless_held(*paths: Path) -> Iterator[None]:
    """Enter only when no process holds a lock on any of `paths` (an import in flight); OSError otherwise."""
    handles = []
    try:
        for held in paths:
            handles.append(os.open(held, os.O_RDONLY | os.O_NONBLOCK))
            fcntl.flock(handles[-1], fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError is an OSError
        yield
    finally:
        for handle in handles:
            os.close(handle)


def _remove_if_ours(partial: str, ours: int) -> None:
    """The new file removed, and only it: after an exchange, a failure could leave the displaced file, which
    another program may have just written, at the temporary name."""
    with suppress(FileNotFoundError):
        if os.lstat(partial).st_ino == ours:
            os.unlink(partial)


def _refuse_a_save_left_at(partial: str, path: Path) -> None:
    """After a swap back, a file at `partial` that is not ours is a second program's save: renamed over `path`
    between the exchange and the swap back, while a first one wrote to the displaced file, the swap back put it
    at the hidden temporary name (left by Local 24). Two saves of one instant cannot both be at `path`: the second
    is given a visible name beside it and named in one line (exit 1), so neither is lost and the user merges."""
    if not os.path.lexists(partial):
        return
    kept = path.with_name(f"{path.name}.other-save-{os.getpid()}-{Path(partial).name.rsplit('.', 2)[-2]}")
    os.rename(partial, kept)
    raise SaveLeftBeside(
        f"cannot write {path}: two other programs saved it in the instant the import replaced it; the first's "
        f"save is at {path}, the second's is kept as {kept}: compare the two and merge what you want into "
        f"{path.name}, then import again; nothing was imported")


class SaveLeftBeside(OutputError):
    """A second program's save kept beside the config under a visible name (`_refuse_a_save_left_at`)."""


def _unchanged_inode(path: Path, expected: bytes) -> int | None:
    """The inode number of the file at `path` when it holds `expected` and no process holds it open for writing."""
    try:
        inode = os.lstat(path).st_ino
        if _current(path) != expected or held_open_for_writing(path) or os.lstat(path).st_ino != inode:
            return None
    except FileNotFoundError:  # also gone since the first lstat: an editor's save between its two renames
        return None
    return inode


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(first: str | Path, second: str | Path) -> bool:
    """Swap two names atomically (Linux `renameat2(RENAME_EXCHANGE)`); False, nothing done, where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    # A filesystem or kernel without the exchange; EPERM: a seccomp filter that knows no renameat2 (a real refusal
    # is the rename's to say, the same for both)
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(error, os.strerror(error), str(second))


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _keep_owner_and_mode(partial: str, kept: os.stat_result) -> None:
    """The new file gets the replaced one's mode and, when this process may give it (root), its owner and group:
    `sudo newsflow feeds import` left a config owned by root, which its user could no longer edit or import into."""
    if (kept.st_uid, kept.st_gid) != (os.geteuid(), os.getegid()):
        # not root: EPERM, a user cannot give a file away; root in a user namespace (rootless podman, a bind-mounted
        # config) meeting an owner it cannot map: EINVAL. Either way the file becomes this process's, as before
        with suppress(OSError):
            os.chown(partial, kept.st_uid, kept.st_gid)
    os.chmod(partial, kept.st_mode & 0o7777)  # after chown, which clears set-user-ID bits


def held_open_for_writing(path: Path) -> bool:
    """Whether some process holds the file at `path` open for writing now: an editor saving it in place (nano,
    vim with `backupcopy=yes`) between its truncate and its last write. The kernel refuses a read lease (EAGAIN)
    while any process does; one taken is let go at once, so no writer is kept waiting. False where leases are
    refused for another reason (another user's file without CAP_LEASE, a filesystem without leases, not Linux) or
    where EAGAIN may be the server's (NFS, SMB): there the compare of bytes alone stands, as before."""
    set_lease = getattr(fcntl, "F_SETLEASE", None)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if set_lease is None:
            return False
        # A writer's open landing in the lease's instant makes the kernel signal us, SIGIO by default, whose
        # default action ends the process: SIGURG's is to ignore it.
        fcntl.fcntl(handle, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(handle, set_lease, fcntl.F_RDLCK)
        # Let go before the close: the lease belongs to the open file, which a process forked meanwhile (a pool's
        # worker) shares, and the close alone would leave it held there, each writer's open waiting up to 45 s
        fcntl.fcntl(handle, set_lease, fcntl.F_UNLCK)
    except BlockingIOError:  # EAGAIN: a writer, but on NFS or SMB also a lease the server has not backed
        return filesystem_type(os.fstat(handle).st_dev) not in LEASES_ON_THE_SERVERS_WORD
    except OSError:
        return False
    finally:
        os.close(handle)
    return False


# Filesystems that grant a lease only under the server's delegation (NFSv4) or oplock (SMB), and otherwise refuse
# it with EAGAIN, as for a writer (fs/nfs/nfs4proc.c `nfs4_add_lease`, fs/smb/client/cifsfs.c `cifs_setlease`):
# read there as a writer, every `feeds import` of a config on such a share gave up, exit 1.
LEASES_ON_THE_SERVERS_WORD = frozenset({"nfs", "nfs4", "cifs", "smb3"})


def filesystem_type(device: int) -> str | None:
    """The type of the mounted filesystem whose device is `device` (an `st_dev`), from /proc/self/mountinfo;
    None where that cannot be read or names no such device."""
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                fields, _, after = line.partition(" - ")  # a space in a mount's path is written \\040
                if fields.split()[2:3] == [wanted]:
                    return after.split(" ", 1)[0]
    except OSError:
        return None
    return None


def saved_meanwhile(path: Path, read: bytes) -> bool:
    """Whether another program saved the file at `path` since it was read as `read`, or holds it open to write."""
    return held_open_for_writing(path) or _current(path) != read


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:  # moved away meanwhile: not what was read
        return None


def is_special_file(path: Path) -> bool:
    """Whether `path` (its link followed) exists and is a device, a FIFO or a socket: no file to replace."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def read_capped(path: Path, cap: int) -> bytes:
    """The whole of a regular file of at most `cap` bytes; OSError otherwise, before reading anything.

    A spool file is read whole: one planted or grown past any load's size (a disk image dropped in
    the folder, a runaway writer) would take every later run's memory, and a FIFO named like one
    would make every later run wait for a writer for ever."""
    with open(path, "rb", opener=_open_nonblocking) as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise OSError("not a regular file (a FIFO, socket or device)")
        if status.st_size > cap:
            raise OSError(f"{status.st_size:,} bytes, over the cap of {cap:,}")
        # As much as it holds and one byte more, not the cap: `read(cap + 1)` asked for the whole cap up front, a
        # 256 MiB buffer for a 9-byte file, which a `ulimit -v` refused (review of Local 32, F4).
        content = stream.read(min(status.st_size, cap) + 1)
        if len(content) > status.st_size:  # grew since its fstat: the rest, up to the cap and one byte more
            content += stream.read(cap + 1 - len(content))
    if len(content) > cap:  # grew while being read
        raise OSError(f"over the cap of {cap:,} bytes")
    return content


def _open_nonblocking(path: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO for reading does not wait for a writer; a regular file ignores it
    return os.open(path, flags | os.O_NONBLOCK)


@contextmanager
def rewriting(path: Path) -> Iterator[None]:
    """An exclusive lock on the file at `path` for a read, change and `replace_file` of it: two `feeds import`s
    at once each add their feeds (before, the second read the config before the first replaced it, and its
    replace dropped the first's feeds, which had been reported `added`). The lock is on the file's inode, which
    a replace swaps, so a lock got on an inode no longer at `path` is taken again on the one there now."""
    path = path.resolve()
    while True:
        handle = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if os.fstat(handle).st_ino == os.stat(path).st_ino:
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)
    try:
        yield
    finally:
        os.close(handle)  # lets the lock go
