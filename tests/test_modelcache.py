"""Arrays kept in the user's cache folder (newsflow.modelcache): used only when every check holds,
else rebuilt and replaced, never an error. Real files in temporary folders, small arrays (the
language model's own are tested in tests/test_langmodel.py)."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsflow import modelcache
from newsflow.modelcache import BODY, MAGIC, PREFIX, Stored

KEY = {"format": 1, "model": "small", "size": 1234}


class Builder:
    """A small model, counting how often it is built."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[dict[str, Any], dict[str, Any]]:
        self.calls += 1
        return {"classes": ["en", "de", "fr"]}, {
            "weights": np.arange(5 * 3, dtype=np.float16).reshape(5, 3),
            "moves": np.arange(7, dtype=np.uint32) * np.uint32(3),
            "outputs": np.array([-1, 4, 2], dtype=np.int32),
        }


def values(stored: Stored) -> dict[str, Any]:
    arrays = {name: np.frombuffer(stored.mapping, dtype=layout.dtype, count=int(np.prod(layout.shape)),
                                  offset=layout.offset).reshape(layout.shape)
              for name, layout in stored.arrays.items()}
    return {"meta": stored.meta, **{name: array.tolist() for name, array in arrays.items()}}


EXPECTED = {"meta": Builder()()[0], **{name: array.tolist() for name, array in Builder()()[1].items()}}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "newsflow"


def load(builder: Builder, key: dict[str, Any] = KEY) -> Stored:
    return modelcache.load("small", key, builder, lambda stored: True)


def only_file(cache: Path) -> Path:
    [path] = cache.iterdir()
    return path


def test_a_second_load_reads_the_file_and_does_not_build(cache: Path) -> None:
    builder = Builder()
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 1
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 1  # read, not built
    assert only_file(cache).name.startswith("small-")


def test_another_key_is_built_again(cache: Path) -> None:
    builder = Builder()
    load(builder)
    load(builder, {**KEY, "size": 1235})  # py3langid's model changed: another name
    assert builder.calls == 2
    load(builder, {**KEY, "size": 1235})
    assert builder.calls == 2


def test_a_file_whose_header_names_another_key_is_rebuilt(cache: Path) -> None:
    builder = Builder()
    load(builder, {**KEY, "size": 1})
    [stale] = cache.iterdir()
    shutil.copy(stale, cache / f"small-{modelcache.key_digest(KEY)}.arrays")  # a whole, checksummed file
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2  # the rebuilt file replaced it


def damaged_copies(good: bytes) -> dict[str, bytes]:
    header_offset = PREFIX.unpack_from(good, len(MAGIC))[1]
    first_array = modelcache.ALIGN
    copies = {"empty": b"", "truncated": good[:-1], "truncated to the arrays": good[:header_offset],
              "one byte more": good + b"\0"}
    for where, position in {"magic": 3, "checksum": 17, "header offset": 21, "padding": 100,
                            "array": first_array + 1, "header": header_offset + 5, "last byte": len(good) - 1}.items():
        flipped = bytearray(good)
        flipped[position] ^= 0x10
        copies[f"flipped {where}"] = bytes(flipped)
    return copies


def planted(header: Any, body: bytes = b"") -> bytes:
    """A file with a right magic and checksum around any header: only the header's checks stop it."""
    data = bytes(modelcache.ALIGN - BODY) + body
    encoded = header if isinstance(header, bytes) else json.dumps(header).encode()
    crc = zlib.crc32(encoded, zlib.crc32(data))
    return MAGIC + PREFIX.pack(crc, BODY + len(data), len(encoded)) + data + encoded


def planted_copies() -> dict[str, bytes]:
    one = {"dtype": "<u4", "shape": [2], "offset": modelcache.ALIGN}
    body = bytes(8)
    return {
        "pickle dtype": planted({"key": KEY, "meta": {}, "arrays": {"moves": {**one, "dtype": "|O"}}}, body),
        "list as dtype": planted({"key": KEY, "meta": {}, "arrays": {"moves": {**one, "dtype": ["<u4"]}}}, body),
        "array past the end": planted({"key": KEY, "meta": {}, "arrays": {"moves": {**one, "shape": [3]}}}, body),
        "negative shape": planted({"key": KEY, "meta": {}, "arrays": {"moves": {**one, "shape": [-2]}}}, body),
        "overlapping arrays": planted({"key": KEY, "meta": {}, "arrays": {"moves": one, "more": one}}, body),
        "array over the prefix": planted({"key": KEY, "meta": {}, "arrays": {"moves": {**one, "offset": 0}}}, body),
        "no key": planted({"meta": {}, "arrays": {}}),
        "header not an object": planted([1, 2]),
        "header nested past reason": planted(b"[" * 200_000 + b"]" * 200_000),
        "header not UTF-8": planted(b'{"key": "\xff"}'),
    }


DAMAGES = ["empty", "truncated", "truncated to the arrays", "one byte more", "flipped magic", "flipped checksum",
           "flipped header offset", "flipped padding", "flipped array", "flipped header", "flipped last byte"]


@pytest.mark.parametrize("damage", [*DAMAGES, *planted_copies()])
def test_a_damaged_or_planted_file_is_rebuilt_and_replaced(cache: Path, damage: str) -> None:
    builder = Builder()
    load(builder)
    path = only_file(cache)
    damaged = {**damaged_copies(path.read_bytes()), **planted_copies()}[damage]
    path.write_bytes(damaged)
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2  # the rebuilt file is the one read now
    assert only_file(cache) == path  # replaced under its name; no temporary file left


def test_the_callers_own_check_failing_rebuilds(cache: Path) -> None:
    builder = Builder()
    load(builder)
    modelcache.load("small", KEY, builder, lambda stored: "other" in stored.meta)
    assert builder.calls == 2


def test_a_cache_folder_that_cannot_be_made_falls_back_to_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))  # read-only home, no HOME: no folder
    builder = Builder()
    with caplog.at_level(logging.DEBUG, logger="newsflow.modelcache"):
        assert values(load(builder)) == EXPECTED
        assert values(load(builder)) == EXPECTED
    assert builder.calls == 2
    assert len([r for r in caplog.records if r.levelno > logging.DEBUG]) == 0
    assert len(caplog.records) == 2  # one debug line a load


def test_a_cache_folder_others_can_write_is_not_used(cache: Path) -> None:
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)  # planted files could be there
    builder = Builder()
    load(builder)
    assert list(cache.iterdir()) == []
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2


def test_a_final_name_that_cannot_be_replaced_still_gives_the_model(cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / f"small-{modelcache.key_digest(KEY)}.arrays").mkdir()  # os.replace fails: IsADirectoryError
    builder = Builder()
    assert values(load(builder)) == EXPECTED
    assert [p.name for p in cache.iterdir()] == [f"small-{modelcache.key_digest(KEY)}.arrays"]  # no temp left


def test_files_of_other_keys_left_for_a_day_are_removed(cache: Path) -> None:
    builder = Builder()
    load(builder, {**KEY, "size": 1})
    [old] = cache.iterdir()
    crashed = cache / f".small-{modelcache.key_digest(KEY)}-x1y2.tmp"
    crashed.write_bytes(b"half")
    recent = cache / "small-0123456789abcdef.arrays"
    recent.write_bytes(b"another install's")
    day_ago = old.stat().st_mtime - modelcache.STALE_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(crashed, (day_ago, day_ago))
    load(builder)
    kept = f"small-{modelcache.key_digest(KEY)}.arrays"
    assert sorted(p.name for p in cache.iterdir()) == sorted([recent.name, kept])



def test_a_fifo_under_the_name_is_replaced_without_blocking(cache: Path) -> None:
    cache.mkdir(parents=True)
    final = cache / f"small-{modelcache.key_digest(KEY)}.arrays"
    os.mkfifo(final)  # opening it to read would wait for a writer for ever
    builder = Builder()
    assert values(load(builder)) == EXPECTED
    assert final.is_file()
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 1


def test_a_file_others_could_have_written_is_not_read(cache: Path) -> None:
    # The folder is this user's alone when checked; a file in it that others could write (or, as
    # root, one another user owns) was planted there by a swap of the folder after that check.
    builder = Builder()
    load(builder)
    path = only_file(cache)
    os.chmod(path, 0o666)
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2
    assert path.stat().st_mode & 0o022 == 0  # replaced by a file of this user's alone
    if os.getuid() == 0:
        os.chown(path, 65534, 65534)
        load(builder)
        assert builder.calls == 3
        assert path.stat().st_uid == 0


@pytest.mark.parametrize("home", ["", "relative-home"])
def test_a_home_that_is_not_an_absolute_path_gives_no_cache_folder(
    home: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)  # "" would be "/", a relative one the working folder's
    monkeypatch.chdir(tmp_path)
    assert modelcache.cache_folder() is None
    assert list(tmp_path.iterdir()) == []
    assert values(load(Builder())) == EXPECTED


def test_a_relative_xdg_cache_home_is_ignored_for_the_home_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert modelcache.cache_folder() == tmp_path / "home" / ".cache" / "newsflow"


def test_folders_made_under_umask_000_are_this_users_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg" / "cache"))
    before = os.umask(0)
    try:
        load(Builder())
    finally:
        os.umask(before)
    for folder in (tmp_path / "xdg", tmp_path / "xdg" / "cache", tmp_path / "xdg" / "cache" / "newsflow"):
        assert folder.stat().st_mode & 0o077 == 0, folder
    assert only_file(tmp_path / "xdg" / "cache" / "newsflow").stat().st_mode & 0o077 == 0


def test_a_full_disk_while_writing_leaves_no_file_and_raises_oserror(cache: Path) -> None:
    # RLIMIT_FSIZE: a write past 1 KiB fails (EFBIG; Python ignores SIGXFSZ), in the cache folder
    # and in the temporary folder alike, as on a full disk.
    cache.mkdir(parents=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))
    try:
        with pytest.raises(OSError):
            load(Builder())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert list(cache.iterdir()) == []


def test_a_file_replaced_while_mapped_leaves_the_mapping_as_it_was(cache: Path) -> None:
    # Another process rebuilding the file renames a new one over the name: a process that has the
    # old one mapped keeps reading the old inode (a write in place would change or cut it: SIGBUS).
    builder = Builder()
    held = load(builder)
    arrays = builder()[1]
    modelcache.write_cached(only_file(cache), KEY, {"classes": ["xx"]}, {name: a + 1 for name, a in arrays.items()})
    assert values(held) == EXPECTED
    assert values(load(builder))["meta"] == {"classes": ["xx"]}


def test_a_load_that_reads_removes_stale_files_and_keeps_its_own_fresh(cache: Path) -> None:
    # Removal only after a write left them for ever once the kept file was whole: a crashed
    # builder's temporary file, an older py3langid's file replaced within its first day (~60 MiB
    # each). A file in use is touched by its readers, so another install's is never taken for stale.
    builder = Builder()
    load(builder, {**KEY, "size": 1})
    load(builder)
    other = cache / f"small-{modelcache.key_digest({**KEY, 'size': 1})}.arrays"
    ours = cache / f"small-{modelcache.key_digest(KEY)}.arrays"
    crashed = cache / f".small-{modelcache.key_digest(KEY)}-x1y2.tmp"
    crashed.write_bytes(b"half")
    day_ago = time.time() - modelcache.STALE_SECONDS - 60
    for path in (other, ours, crashed):
        os.utime(path, (day_ago, day_ago))
    assert values(load(builder)) == EXPECTED
    assert builder.calls == 2  # read, not built
    assert [p.name for p in cache.iterdir()] == [ours.name]
    assert time.time() - ours.stat().st_mtime < modelcache.STALE_SECONDS  # its use keeps it


def test_a_cache_folder_linked_to_a_folder_not_this_users_alone_is_not_used(cache: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.parent.mkdir(parents=True)
    cache.symlink_to(elsewhere)
    if os.getuid() == 0:
        os.chown(elsewhere, 65534, 65534)  # another user's folder
    else:
        os.chmod(elsewhere, 0o777)
    builder = Builder()
    assert values(load(builder)) == EXPECTED
    assert modelcache.cache_folder() is None
    assert list(elsewhere.iterdir()) == []


LOAD_IN_A_CHILD = """
import json, logging, sys
import numpy as np
from newsflow import modelcache

class SayWaiting(logging.Handler):
    def emit(self, record):
        if "waiting" in record.getMessage():
            print("waiting", flush=True)

logger = logging.getLogger("newsflow.modelcache")
logger.setLevel(logging.DEBUG)
logger.addHandler(SayWaiting())

def build():
    print("building", flush=True)
    if sys.argv[1] == "held":
        sys.stdin.readline()  # until the test has seen the other process start
    return {"classes": ["en", "de"]}, {"moves": np.arange(9, dtype=np.uint32) * np.uint32(7)}

stored = modelcache.load("small", {"format": 1}, build, lambda stored: True)
layout = stored.arrays["moves"]
print(json.dumps([stored.meta, np.frombuffer(stored.mapping, layout.dtype, 9, layout.offset).tolist()]))
"""


def test_processes_starting_at_once_build_the_file_once(tmp_path: Path) -> None:
    """Two processes with no kept file: the second waits for the first's build and reads its file.
    Before (session 36), each built its own (the language model's: ~60 MiB, ~0.6 cpu-s) and the last
    rename won. The first builder is held mid-build until the second has started and said what it does."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def start(role: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", LOAD_IN_A_CHILD, role], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=environment)

    first = start("held")
    assert first.stdout is not None and first.stdout.readline() == "building\n"
    second = start("free")
    assert second.stdout is not None
    said = second.stdout.readline()  # "building" had it not waited
    outputs = [first.communicate("go\n", timeout=120)[0], second.communicate(timeout=120)[0]]
    assert said == "waiting\n", (said, outputs)
    assert [first.returncode, second.returncode] == [0, 0]
    expected = [{"classes": ["en", "de"]}, [7 * n for n in range(9)]]
    assert [json.loads(out.splitlines()[-1]) for out in outputs] == [expected, expected]
    assert "building" not in outputs[1]
    kept = f"small-{modelcache.key_digest({'format': 1})}.arrays"
    assert [p.name for p in (tmp_path / "newsflow").iterdir()] == [kept]


def test_a_lock_held_past_the_wait_is_done_without(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A builder stopped (SIGSTOP, a debugger) holding the folder's lock: a load waits at most
    BUILD_WAIT_AT_MOST_S, then builds and keeps the file as before: never an error, never a hang."""
    cache.mkdir(parents=True, mode=0o700)
    monkeypatch.setattr(modelcache, "BUILD_WAIT_AT_MOST_S", 0.05)
    holder = os.open(cache, os.O_RDONLY | os.O_DIRECTORY)  # another open file: flock refuses it to this one too
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        builder = Builder()
        assert values(load(builder)) == EXPECTED
        assert builder.calls == 1
        assert values(load(builder)) == EXPECTED  # kept: read now, lock or not
        assert builder.calls == 1
    finally:
        os.close(holder)
