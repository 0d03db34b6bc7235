"""Local 23: hostile local input (docs/security.md, "Local 23"). In process (`cli.main`), real files, real DuckDB.

Each test fails on main at 134b4375 unless it says it is a control."""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsflow import cli, files, opml
from newsflow.cli_run import check_warehouse_writable, served_config
from newsflow.config import load_config
from newsflow.configfeeds import no_feeds_warning
from newsflow.errors import WarehouseError

FEED = '[[feeds]]\nname = "cafe"\nurl = "http://127.0.0.1:9/feed.xml"\n'


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. a config of no feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "said"), [
    ("", "is empty (left by `touch`, or a copy or save that failed?)"),
    ("\n  \n", "is empty (left by `touch`, or a copy or save that failed?)"),
    ('# my feeds\n[warehouse]\npath = "news.duckdb"\n', "holds no [[feeds]]"),
], ids=["0 bytes", "blank", "settings only"])
def test_a_config_of_no_feeds_warns_naming_the_file_and_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str) -> None:
    """Before: valid and silent; `feeds` listed none and a run (or a service, for months) polled nothing, exit 0.
    The warning is one of the config's (`run`, `serve` and `feeds` print them), on stderr: stdout and the code
    are as they were."""
    config = tmp_path / "newsflow.toml"
    config.write_text(text)
    warning = (f"{config} {said}: a run polls no feed; add [[feeds]] tables (name and url) or run `newsflow feeds "
               "import FILE.opml`, or if your config is another file, pass --config PATH of it")
    assert load_config(config).warnings == (warning,)  # what `run` and `serve` print, as `feeds` does below
    code, out, err = _run(["feeds", "--config", str(config)], capsys)
    assert code == 0 and "(0 rows)" in out, err
    assert err == f"newsflow: warning: {warning}\n"


def test_a_config_with_feeds_or_all_disabled_gets_no_no_feeds_warning(tmp_path: Path) -> None:
    """Control (passes on main too): a config with feeds, even all of them disabled (a user pausing them), says
    nothing of it."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED)
    assert load_config(config).warnings == ()
    config.write_text(FEED + "enabled = false\n")
    assert load_config(config).warnings == ()


# --- 2. a `.wal` without its warehouse, and a 0-byte warehouse beside its `.wal` --------------------------------


def test_feeds_discover_beside_a_log_without_its_warehouse_is_the_logs_line_sending_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Left by Local 22: `feeds discover` read no Retry-After pauses, silently, and went on (the log may hold the
    pauses a crashed run heard). Now the line every other command gives, exit 3, before any request: the URL
    here is a closed port, so a request would have said `no feed found`."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "warehouse/news.duckdb"\n' + FEED)
    log = tmp_path / "warehouse" / "news.duckdb.wal"
    log.parent.mkdir()
    log.write_bytes(b"\x01" * 358)
    code, out, err = _run(["feeds", "discover", "http://127.0.0.1:9/", "--config", str(config)], capsys)
    assert (code, out) == (3, ""), err
    assert err.count("\n") == 1 and "no feed found" not in err, err
    assert f"but its write-ahead log {log} is there (358 bytes" in err, err
    assert not (tmp_path / "warehouse" / "news.duckdb").exists() and log.read_bytes() == b"\x01" * 358


def test_an_empty_warehouse_file_beside_its_log_is_one_line_naming_both_for_readers_and_writers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: DuckDB's `not a valid DuckDB database file`, with `move it aside and the next run starts a new
    warehouse`, after which the log's own line asked to move the log beside a warehouse that is not there. A
    0-byte file beside a non-empty log is a copy that failed (DuckDB writes a file's header before any log)."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n' + FEED)
    warehouse, log = tmp_path / "news.duckdb", tmp_path / "news.duckdb.wal"
    warehouse.write_bytes(b"")
    log.write_bytes(b"\x01" * 5000)
    line = (f"cannot open {warehouse}: the file is empty (0 bytes) but its write-ahead log {log} holds 5,000 bytes: "
            "a copy or restore that failed before the warehouse's first byte, or a file emptied? The log is changes "
            "to a warehouse, useless without it: copy the warehouse here again (with its .wal), or point "
            "warehouse.path at it; to start a new warehouse here instead, move both files aside")
    for command in (["feeds"], ["stories"], ["query", "SELECT 1"], ["reextract"]):
        code, out, err = _run([*command, "--config", str(config)], capsys)
        assert (code, out, err) == (3, "", f"newsflow: {line}\n"), command
    with pytest.raises(WarehouseError) as refused:  # `newsflow run`'s check, before Prefect: every writer
        check_warehouse_writable(load_config(config))
    assert str(refused.value) == line
    assert warehouse.read_bytes() == b"" and log.read_bytes() == b"\x01" * 5000  # both untouched


def test_an_empty_warehouse_file_with_no_log_is_still_made_anew_by_a_writer(tmp_path: Path) -> None:
    """Control (passes on main too): Local 22's 0-byte file alone (`touch`) is still where a writer makes the
    warehouse; only a log beside it stops that."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n' + FEED)
    (tmp_path / "news.duckdb").write_bytes(b"")
    check_warehouse_writable(load_config(config))
    assert (tmp_path / "news.duckdb").stat().st_size > 0


# --- 3. an editor saving the config in place across `feeds import` ----------------------------------------------

HEAD = '[warehouse]\npath = "news.duckdb"\n\n[[feeds]]\nname = "cafe"\nurl = "https://cafe.example/feed.xml"\n'
OLD = '\n[[feeds]]\nname = "old"\nurl = "https://old.example/feed.xml"\n'
TYPED = '\n[[feeds]]\nname = "typed"\nurl = "https://typed.example/feed.xml"\n'
ONE_OUTLINE = (b'<?xml version="1.0"?><opml version="2.0"><body><outline text="more" type="rss" '
               b'xmlUrl="https://more.example/rss"/></body></opml>')


class InPlaceEditor:
    """An editor's save in place (nano; vim with `backupcopy=yes`), in its own thread with its own descriptor:
    open with O_TRUNC (the same inode), write the save's first part, then, once let go, the rest, and close."""

    def __init__(self, config: Path, first: str, rest: str) -> None:
        self.config, self.first, self.rest = config, first.encode(), rest.encode()
        self.first_written, self.let_go = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._save, daemon=True)

    def _save(self) -> None:
        handle = os.open(self.config, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(handle, self.first)
            self.first_written.set()
            self.let_go.wait()
            os.write(handle, self.rest)
        finally:
            os.close(handle)

    def finish(self) -> None:
        self.let_go.set()
        self.thread.join()


@pytest.mark.parametrize(("before", "first", "rest"), [
    (HEAD, HEAD, TYPED),  # a feed typed at the end: the save's first part is the file as it was, byte for byte
    (HEAD + OLD, "# edited\n" + HEAD, OLD + TYPED),  # a comment on top: the first part is a valid, shorter config
], ids=["first part as before", "first part cut short"])
def test_an_editor_saving_in_place_across_an_import_loses_no_feed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        before: str, first: str, rest: str) -> None:
    """Left by Local 21's review. The editor truncates the config and writes the first part of its save after the
    import read it; the rest comes after. Before: the import compared the bytes, found the first part (the same
    bytes, or a valid config it made the import again on) and renamed its file over it, and the rest of the save
    went to the replaced file: the typed feed lost, and when cut short, the `old` feed the config had too, silently
    (`added` printed, the editor said saved). Now a file some process holds open for writing is not read nor
    replaced: the import waits (here: the editor is let go as it waits) and is made on the whole save."""
    config = tmp_path / "newsflow.toml"
    config.write_text(before)
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(ONE_OUTLINE)
    editor = InPlaceEditor(config, first, rest)
    real_parse = opml.parse_opml

    def parse_as_the_editor_saves(opml_bytes: bytes) -> list[opml.OpmlFeed]:
        if not editor.thread.is_alive() and not editor.let_go.is_set():  # the first try, after its read
            editor.thread.start()
            editor.first_written.wait()
        return real_parse(opml_bytes)

    monkeypatch.setattr(opml, "parse_opml", parse_as_the_editor_saves)
    monkeypatch.setattr(opml, "wait_for_other_writers", lambda attempt: editor.finish(), raising=False)
    try:
        code, out, err = _run(["feeds", "import", str(opml_file), "--config", str(config)], capsys)
    finally:
        editor.finish()  # on main the import is done before the rest of the save is written
    assert (code, err) == (0, ""), err
    assert out.count("added    ") == 1
    assert config.read_text().startswith(first + rest)
    kept = {"cafe", "typed", "more"} | ({"old"} if "old" in before else set())
    assert {f.name for f in load_config(config).feeds} == kept
    assert not list(tmp_path.glob("*.partial"))


def test_an_import_beside_a_program_holding_the_config_open_to_write_gives_up_in_one_line_losing_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A save in place that never ends within the import's tries (a program keeping the file open to write): one
    line, exit 1, the file as the program left it. Before: the import replaced the file under it."""
    config = tmp_path / "newsflow.toml"
    config.write_text(HEAD)
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(ONE_OUTLINE)
    editor = InPlaceEditor(config, HEAD, TYPED)
    editor.thread.start()
    editor.first_written.wait()
    try:
        code, out, err = _run(["feeds", "import", str(opml_file), "--config", str(config)], capsys)
    finally:
        editor.finish()
    assert (code, out) == (1, ""), err
    assert err.count("\n") == 1 and "held it open to write" in err and "import again" in err, err
    assert config.read_text() == HEAD + TYPED


# --- review of local 23: the lease's edges ----------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
# In a child of its own, since a lease-break signal whose default action ends a process would end pytest: the
# lease is taken for real, and a writer thread's open breaks it in the instant before it is let go (the child
# waits, in /proc/locks, for the kernel to say so: no sleep aims it).
LEASE_BROKEN_CHILD = """
import fcntl, os, sys, threading, time, types
from pathlib import Path
from newsflow import files
path, opened = Path(sys.argv[1]), threading.Event()

def editor_opens() -> None:
    os.close(os.open(path, os.O_WRONLY))  # waits in the kernel while the lease is held
    opened.set()

def breaking() -> bool:
    with open("/proc/locks") as locks:
        return any(f[1] == "LEASE" and "BREAK" in f[2] and f[4] == str(os.getpid()) for f in map(str.split, locks))

def lease_then_an_editor(handle, command, arg=0):
    done = fcntl.fcntl(handle, command, arg)
    if command == fcntl.F_SETLEASE and arg == fcntl.F_RDLCK:
        threading.Thread(target=editor_opens, daemon=True).start()
        give_up = time.monotonic() + 30
        while not breaking() and time.monotonic() < give_up:
            time.sleep(0.001)
    return done

files.fcntl = types.SimpleNamespace(**{**vars(fcntl), "fcntl": lease_then_an_editor})
print(files.held_open_for_writing(path), opened.wait(30))
"""


def test_a_writer_breaking_the_import_s_lease_neither_kills_newsflow_nor_waits(tmp_path: Path) -> None:
    """Review: the lease-break signal (SIGIO unless set, whose default action ends the process: `feeds import`
    killed, silently) was set to SIGURG, but no test broke a lease. The editor's open waits only until the lease
    is let go, well inside the kernel's 45 s lease-break time."""
    config = tmp_path / "newsflow.toml"
    config.write_text(HEAD)
    done = subprocess.run([sys.executable, "-c", LEASE_BROKEN_CHILD, str(config)], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "False True\n", "")


def test_the_lease_is_let_go_even_where_another_process_shares_the_open_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the lease was let go by the close alone, but a lease belongs to the open file, which a process forked
    in that instant (a pool's worker) shares (here: a `dup` of it, the same open file): it stayed held there, and
    each writer's open (the user's editor) was refused or waited up to the kernel's 45 s."""
    config = tmp_path / "newsflow.toml"
    config.write_text(HEAD)
    shared: list[int] = []

    def open_and_share(path: Path, flags: int) -> int:
        handle = os.open(path, flags)
        shared.append(os.dup(handle))
        return handle

    monkeypatch.setattr(files, "os", SimpleNamespace(**{**vars(os), "open": open_and_share}))
    try:
        assert files.held_open_for_writing(config) is False
        assert fcntl.fcntl(shared[0], fcntl.F_GETLEASE) == fcntl.F_UNLCK
        os.close(os.open(config, os.O_WRONLY | os.O_NONBLOCK))  # an editor's open: neither refused nor kept waiting
    finally:
        for handle in shared:
            os.close(handle)


def test_where_no_lease_can_be_had_the_check_says_not_held_without_waiting_or_raising(tmp_path: Path) -> None:
    """Review: a file the kernel grants no lease on (EINVAL: procfs here, as NFS answers; a FIFO), a FIFO no
    writer opened (its open must not wait for one), a missing file: False, the compare of bytes alone, no
    traceback. (EACCES, another user's file, was probed by hand as `nobody`: False too.)"""
    fifo = tmp_path / "newsflow.toml"
    os.mkfifo(fifo)
    for path in (Path("/proc/self/status"), fifo, tmp_path / "missing.toml"):
        assert files.held_open_for_writing(path) is False, path


def test_serve_says_a_config_of_no_feeds_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review: README promises the warning from `run`, `serve` and `feeds`; only `feeds` was shown to print it.
    `serve`'s check before Prefect (`served_config`) prints the config's warnings."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n')
    with served_config(argparse.Namespace(config=str(config))) as served:
        assert served.feeds == ()
    assert capsys.readouterr().err == f"newsflow: warning: {no_feeds_warning(str(config), 'x')}\n"


def test_the_filesystem_a_file_is_on_is_read_from_the_mount_table(tmp_path: Path) -> None:
    """What `held_open_for_writing` asks when a lease is refused: real mounts, matched by device."""
    assert files.filesystem_type(os.stat("/proc/self/status").st_dev) == "proc"
    assert files.filesystem_type(os.stat(tmp_path).st_dev) not in (None, "proc")
    assert files.filesystem_type(os.makedev(4095, 1048575)) is None  # no such mount


@pytest.mark.parametrize(("filesystem", "code"), [("nfs4", 0), ("cifs", 0), ("ext4", 1)])
def test_an_import_on_a_share_whose_server_backs_no_lease_is_made(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        filesystem: str, code: int) -> None:
    """Review: NFSv4 grants a read lease only while the client holds the server's delegation, SMB only under an
    oplock, and refuse it otherwise with EAGAIN (fs/nfs/nfs4proc.c `nfs4_add_lease`), which the import read as an
    editor holding the config: on a home folder on NFS or a Windows share, every `feeds import` gave up, exit 1
    (main imported). No NFS or SMB server can be had here, so the kernel's answer is played (EAGAIN) and the mount
    named; the control is a local disk, where EAGAIN is a writer and the import still gives up."""
    config = tmp_path / "newsflow.toml"
    config.write_text(HEAD)
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(ONE_OUTLINE)

    def no_lease_without_delegation(handle: int, command: int, arg: int = 0) -> int:
        if command == fcntl.F_SETLEASE and arg == fcntl.F_RDLCK:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return fcntl.fcntl(handle, command, arg)

    monkeypatch.setattr(files, "fcntl", SimpleNamespace(**{**vars(fcntl), "fcntl": no_lease_without_delegation}))
    monkeypatch.setattr(files, "filesystem_type", lambda device: filesystem, raising=False)  # (before: none)
    monkeypatch.setattr(opml, "wait_for_other_writers", lambda attempt: None)
    result, out, err = _run(["feeds", "import", str(opml_file), "--config", str(config)], capsys)
    assert (result, "added    " in out) == (code, code == 0), err
    assert {f.name for f in load_config(config).feeds} == ({"cafe", "more"} if code == 0 else {"cafe"})


def test_an_import_meeting_a_save_in_place_cut_mid_line_waits_for_its_end(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Review, a variant the author did not build: the editor is part way through its save as the import starts, and
    what it has written so far ends mid-line (not TOML). The check before the read is what keeps the import from
    reading it: without it, the half-written file was a config error (exit 2, nothing imported) though the editor
    was a moment from a valid save."""
    config = tmp_path / "newsflow.toml"
    config.write_text(HEAD)
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(ONE_OUTLINE)
    editor = InPlaceEditor(config, HEAD + TYPED[:20], TYPED[20:])
    editor.thread.start()
    editor.first_written.wait()
    monkeypatch.setattr(opml, "wait_for_other_writers", lambda attempt: editor.finish())
    try:
        code, out, err = _run(["feeds", "import", str(opml_file), "--config", str(config)], capsys)
    finally:
        editor.finish()
    assert (code, err, out.count("added    ")) == (0, "", 1), err
    assert {f.name for f in load_config(config).feeds} == {"cafe", "typed", "more"}
