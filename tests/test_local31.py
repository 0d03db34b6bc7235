"""Local 31: hostile local input, the config as a hostile user writes it, the warehouse's path itself, and what
Local 30 left (docs/security.md, "Local 31"). Real files in tmp_path, a real read-only mount, a real process
without privileges."""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import cli, pausejournal, spool, spoolowners
from newsflow.cli_run import served_config
from newsflow.config import _COUNT_KEYS, MAX_BODY_BYTES, MAX_COUNT, load_config
from newsflow.configlines import key_line
from newsflow.contentcoding import BoundedDecoder
from newsflow.errors import ConfigError, WarehouseError
from newsflow.models import HostPause
from newsflow.pipeline import list_pending
from newsflow.runhistory import run_history_lines
from newsflow.runlock import serving_pid
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse, read_host_pauses
from tests.hostile.fulldisk import tmpfs
from tests.test_local30 import _made, _own_id, _runs_in, _start, _without_privileges, as_a_new_process

FEED = '[[feeds]]\nname = "planet"\nurl = "http://127.0.0.1:9/feed.xml"\n'


@pytest.fixture(autouse=True)
def _a_new_process() -> None:
    as_a_new_process()


def _refused(tmp_path: Path, text: str) -> str:
    config = tmp_path / "newsflow.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    return str(raised.value)


_MANY = "".join(f'[[feeds]]\nname = "f{n}"\nurl = "http://127.0.0.1:9/f{n}.xml"\n' for n in range(300))


@pytest.mark.parametrize(("text", "said"), [
    ('[fetch]\ntimout = 5\n', "fetch.timout: unknown key; did you mean 'timeout'? expected one of ["),
    ('[fecth]\ntimeout = 5\n', "fecth: unknown section; did you mean 'fetch'? expected one of ["),
    (_MANY + FEED.replace("url =", "ulr ="), "feeds[300].ulr: unknown key; did you mean 'url'?"),
    ('[polling]\nmax_entries_per_feed = 0\n', "polling.max_entries_per_feed: must be greater than 0, got 0"),
    ('fetch.timeout = -1\n', "fetch.timeout: must be greater than 0, got -1"),  # a dotted key at the top
    (FEED.replace("http://127.0.0.1:9/feed.xml", "example.com/feed.xml"),
     "scheme (none) is not http or https; did you mean 'https://example.com/feed.xml'?"),
    ('[warehouse]\npath = " "\n', "warehouse.path: is ' '; set it to the warehouse's file"),
    (FEED.replace("127.0.0.1:9", "2001:db8::1"),
     "an IPv6 address is written in brackets: 'http://[2001:db8::1]/feed.xml'"),
])
def test_a_config_error_names_its_line_and_file_and_what_was_meant(tmp_path: Path, text: str, said: str) -> None:
    """Before: `unknown key; expected one of [...]` with no line and no guess (in 10,000 feeds, the user searched
    the file); a bare host was `scheme (none) is not http or https`, an IPv6 address without brackets `Port could
    not be cast to integer value as 'db8::1'`."""
    line = _refused(tmp_path, text)
    [number] = [n for n, written in enumerate(text.splitlines(), 1) if written.startswith(("timout", "[fecth]",
                "ulr", "max_entries", "fetch.timeout", "path =", 'url = "example', 'url = "http://2001'))]
    assert said in line and line.endswith(f" (line {number} of {tmp_path / 'newsflow.toml'})"), line


def test_a_key_given_twice_and_a_key_never_written_say_what_they_can(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A key set twice was tomllib's `Cannot overwrite a value (at line 3, column 10)`, saying not what to do. A
    key's line is where it is written, not a comment or a multi-line string that spells it; a quoted key is read."""
    twice = _refused(tmp_path, '[fetch]\ntimeout = 5\ntimeout = 6\n')
    assert "Cannot overwrite a value (at line 3" in twice and "fetch.timeout is given twice (here, and above" in twice
    unwritten = _refused(tmp_path, '[schedule]\ninterval = 0\n[execution]\n# run_budget_seconds = 0\n')
    assert "(line 2 of" in unwritten
    assert key_line('[execution]\nx = """\nrun_budget_seconds = 0\n"""\n', "execution.run_budget_seconds") is None
    assert key_line('[fetch]\n"timeout" = 1\n', "fetch.timeout") == 2
    (tmp_path / "newsflow.toml").write_text("[fetch]\nfoo = 1\n" + FEED, encoding="utf-8")
    assert cli.main(["feeds", "--config", str(tmp_path / "newsflow.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fetch.foo: unknown key; expected" in err and "(line 2 of" in err, err


def test_finding_a_keys_line_is_linear_on_a_line_of_spaces() -> None:
    r"""Review of Local 31, F1: `key_line`'s `(?P<key>[A-Za-z0-9_"'. -]+?)\s*=` (a lazy class holding a space, then
    `\s*`) took quadratic time on a valid line in an array, `"a"` + N spaces + `# note`: 40,000 spaces cost 5 cpu-s.
    At 1,000,000 the old form needs about 15 minutes (1.47 s x 25^2, past pytest's 300 s timeout); the new one
    reads it in 5 ms."""
    text = FEED + 'tags = [\n  "a"' + " " * 1_000_000 + '# note\n]\n[[feeds]]\nname = "b"\nurl = "ftp://b"\n'
    assert key_line(text, "feeds[1].url") == 9


_TAGS = '[[feeds]]\nname = "a"\ntags = [\n  "url = x",\n]\nurl = "ftp://x/"\n'


@pytest.mark.parametrize(("text", "key", "number"), [
    (_TAGS, "feeds[0].url", 6),  # was line 4: a string in the array read as `url =`
    ('[[feed]]\nname = "a"\n', "feed", 1),  # the flagship typo had no line
    ('[fetch]\ntimeout = 5\n[fetch.sub]\nx = 1\n' + FEED, "fetch.sub", 3),
    (FEED + '[feeds.extra]\nx = 1\n', "feeds[0].extra", 4),
    ('[fetch]\n"a.b" = 1\n' + FEED, "fetch.a.b", 2),
    ('[fetch]\n"a\\u001b[2J" = 1\n' + FEED, "fetch.a\\x1b[2J", 2),  # a quoted key's escape, read as tomllib reads it
    ('fetch = {timout = 5}\n' + FEED, "fetch.timout", 1),  # an inline table: its keys are on its line
])
def test_a_config_error_is_said_with_the_line_its_key_is_written_on(tmp_path: Path, text: str, key: str,
                                                                    number: int) -> None:
    """Review of Local 31, F3: these said a wrong line or none."""
    line = _refused(tmp_path, text)
    where = f" (line {number} of {tmp_path / 'newsflow.toml'})"
    assert line.startswith(f"config error at {key}: ") and line.endswith(where), line


def test_a_key_not_written_is_said_with_its_tables_line(tmp_path: Path) -> None:
    """A feed without its required name, in 10,000: the line of the feed it is missing from."""
    line = _refused(tmp_path, FEED + '[[feeds]]\nurl = "http://127.0.0.1:9/b"\n')
    where = f"(not written; its table is on line 4 of {tmp_path / 'newsflow.toml'})"
    assert line.endswith(f"feeds[1].name: is required {where}"), line


@pytest.mark.parametrize("text", ['[fetch]\n"a\\u001b[2J\\nb" = 1\n', '["x\\u001b[2J"]\na = 1\n',
                                  FEED + '"k\\u001b[2J" = 1\n'])
def test_a_terminal_escape_in_a_key_or_section_is_shown_escaped(tmp_path: Path, text: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Review of Local 31, F4: a key's name reached stderr raw (`config error at fetch.a␛[2J`), where red team 12
    shows `warehouse.path`'s escaped."""
    (tmp_path / "newsflow.toml").write_text(text, encoding="utf-8")
    assert cli.main(["feeds", "--config", str(tmp_path / "newsflow.toml")]) == 2
    err = capsys.readouterr().err
    assert err.isascii() and err.count("\n") == 1 and "\x1b" not in err and "\\x1b[2J" in err, err
    assert " (line " in err, err


def test_a_password_in_a_url_without_its_scheme_is_not_shown(tmp_path: Path) -> None:
    """Review of Local 31, F5: `user:secret@example.com/feed.xml` was quoted whole, and `scheme user:` named the
    user; the README says a URL's credentials are never shown."""
    line = _refused(tmp_path, FEED.replace("http://127.0.0.1:9/feed.xml", "user:secret@example.com/feed.xml"))
    assert "secret" not in line and "user" not in line, line
    assert "'example.com/feed.xml' cannot be fetched: no scheme, http:// or https://; did you mean " in line, line


def test_an_ipv6_address_with_a_zone_gets_no_hint_that_is_refused_too(tmp_path: Path) -> None:
    """Review of Local 31, F6: `http://fe80::1%eth0/f` was told `'http://[fe80::1%eth0]/feed.xml'`, refused too."""
    line = _refused(tmp_path, FEED.replace("127.0.0.1:9", "fe80::1%eth0"))
    assert "[fe80" not in line and "an IPv6 address with a zone (%…) cannot be fetched" in line, line


def test_the_root_folder_as_warehouse_is_one_line_for_every_command(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Review of Local 31, F2: `warehouse.path = "/"` (or `"../../../.."`) ended `feeds`, `query`, `search` and
    `status` in `ValueError: PosixPath('/') has an empty name`, exit 1. `status`'s two readers are asked here
    (in-process, its Prefect import costs ~1.5 cpu-s)."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "/"\n' + FEED, encoding="utf-8")
    folder = "newsflow: cannot open /: it is a folder, not a DuckDB file; set warehouse.path to a file"
    for command in (["feeds"], ["query", "SELECT 1"], ["search", "x"], ["reextract"]):
        assert cli.main([*command, "--config", str(config)]) == 3, command
        err = capsys.readouterr().err
        assert err.startswith(folder) and err.count("\n") == 1, (command, err)
    assert serving_pid(Path("/")) is None
    lines, code = run_history_lines(Path("/"), datetime.now(UTC))
    assert code == 3 and lines == [f"runs: not read: {folder.removeprefix('newsflow: ')}, or move the folder aside "
                                   "and the next run starts a new warehouse"], lines


def test_a_service_of_a_folder_is_refused_before_its_lock_is_made(tmp_path: Path) -> None:
    """`serve` took its service lock before any check of the warehouse's path: `/` would have made `/.serve.lock`
    (once the lock's name no longer raised), a folder `<folder>.serve.lock` beside it."""
    (tmp_path / "news.duckdb").mkdir()
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path / "news.duckdb"}"\n' + FEED, encoding="utf-8")
    with pytest.raises(WarehouseError, match="it is a folder"), served_config(argparse.Namespace(config=str(config))):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb", "newsflow.toml"]


def test_a_link_to_nothing_at_warehouse_path_makes_no_lock_beside_it(tmp_path: Path) -> None:
    """Review of Local 31, F6: the run lock was made beside a dangling link before the link was refused."""
    (tmp_path / "news.duckdb").symlink_to(tmp_path / "unmounted" / "news.duckdb")
    with pytest.raises(WarehouseError, match=r"is a symbolic link to .*, which is not there"), \
            Warehouse(tmp_path / "news.duckdb").run_lock():
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb"]


@pytest.mark.parametrize("key", [*_COUNT_KEYS, "fetch.max_bytes"])
def test_a_count_past_any_reach_is_one_line_not_a_crash_later(tmp_path: Path, key: str) -> None:
    """`execution.max_articles_per_run = 99999999999999999999` passed the check and ended the run in DuckDB's
    `Conversion Error: Type INT128 … out of range for … INT64` at its LIMIT (a traceback, exit 1);
    `fetch.max_bytes` so, every gzip page in zlib's OverflowError. Each count now has a bound."""
    section, name = key.split(".")
    line = _refused(tmp_path, f"[{section}]\n{name} = 99999999999999999999\n" + FEED)
    most = MAX_BODY_BYTES if key == "fetch.max_bytes" else MAX_COUNT
    assert f"{key}: must be at most {most}, got 99999999999999999999 (line 2 of" in line


def test_the_bounds_are_values_the_run_takes(tmp_path: Path) -> None:
    """At the bound a run works: the pending query's LIMIT and the body decoder's length (past them, the crash)."""
    store = _made(tmp_path / "news.duckdb")
    pending, total, _ = list_pending(store, ["planet"], MAX_COUNT)
    assert (pending, total) == ([], 0)
    with pytest.raises(duckdb.ConversionException), duckdb.connect() as con:
        con.execute("SELECT * FROM range(3) LIMIT $n", {"n": 10**20})
    assert BoundedDecoder("gzip", MAX_BODY_BYTES).feed(gzip.compress(b"page")) == b"page"
    with pytest.raises(OverflowError):
        BoundedDecoder("gzip", 10**20).feed(gzip.compress(b"page"))


_READ_CONFIG = """
import sys
from newsflow.config import load_config
try:
    load_config(sys.argv[1])
except Exception as exc:
    print(exc)
"""


def test_a_config_this_user_may_not_read_says_whose_it_is_and_what_to_do(tmp_path: Path) -> None:
    """Before: `config error at …: cannot be read: Permission denied`, nothing said of the owner nor what to do."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED, encoding="utf-8")
    config.chmod(0)
    done = subprocess.run([sys.executable, "-c", _READ_CONFIG, str(config)], capture_output=True, text=True,
                          timeout=60, check=True, preexec_fn=_without_privileges)
    assert done.stdout.startswith(f"config error at {config}: cannot be read: Permission denied: this user (uid "), done
    assert "(owner uid " in done.stdout and "mode ----------); fix its owner or mode (`chmod u+r`)" in done.stdout


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.close()


@pytest.mark.parametrize("make", [Path.mkdir, _fifo, _socket], ids=["folder", "fifo", "socket"])
def test_a_warehouse_path_that_is_no_file_makes_nothing_beside_it(tmp_path: Path, make: object) -> None:
    """A writing command refused a folder, a FIFO or a socket at warehouse.path in one line, exit 3, but made its
    run lock beside it first (`news.duckdb.run.lock`, left there)."""
    path = tmp_path / "news.duckdb"
    make(path)  # type: ignore[operator]
    with pytest.raises(WarehouseError, match=r"cannot open .*news.duckdb: it is (a folder|not a regular file)"), \
            Warehouse(path).run_lock("reextract"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb"]


def test_a_warehouse_path_through_a_file_names_that_file(tmp_path: Path) -> None:
    """Before: `cannot write to the warehouse folder …/notes.txt: File exists; check warehouse.path`."""
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(WarehouseError) as raised, Warehouse(tmp_path / "notes.txt" / "w" / "news.duckdb").run_lock():
        pass
    assert f"{tmp_path / 'notes.txt'} is a file, not a folder, and warehouse.path runs through it" in str(raised.value)


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "size=8m") as folder:
        yield folder


def test_a_warehouse_on_a_read_only_mount_is_read_and_a_writer_says_to_remount(
    tmp_path: Path, mount: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warehouse on a disk mounted read-only (a backup, a snapshot, a container's `:ro` volume): writers said
    `Read-only file system; check warehouse.path`. Now what to do; readers read it; nothing is written there."""
    store = _made(mount / "news.duckdb")
    with store.run_lock():
        pass
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    before = sorted(os.listdir(mount))
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{store.path}"\n' + FEED, encoding="utf-8")
    assert cli.main(["reextract", "--config", str(config)]) == 3
    err = capsys.readouterr().err
    assert err == (f"newsflow: cannot write {store.path}: Read-only file system: its folder {mount} is on a read-only "
                   "mount; remount it read-write, or point warehouse.path at a disk this machine may write (a copy of "
                   "the warehouse there); `query`, `search` and `feeds` still read it. Nothing was written\n"), err
    assert cli.main(["query", "SELECT count(*) AS runs FROM runs", "--config", str(config), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["runs", "0"]
    assert sorted(os.listdir(mount)) == before
    with pytest.raises(WarehouseError) as raised, Warehouse(mount / "fresh.duckdb").run_lock():
        pass  # none there yet: readers would say to run, so the line does not send them there (review, F6)
    assert str(raised.value).endswith("(a copy of the warehouse there); no warehouse is there yet. Nothing was written")


def test_a_pause_journal_carries_its_warehouses_id(tmp_path: Path) -> None:
    """Local 30's Left: the journal's file (a pause kept as heard) carried no id, so a warehouse made in the place
    of one moved aside read its pauses as its own (`newsflow query host_pauses`) and its next run loaded them.
    Now they are the moved one's: passed over, set aside by the new one's replay, loaded by their own."""
    old = _made(tmp_path / "news.duckdb")
    _own_id(old)
    spoolowners._IDS.clear()
    now = datetime.now(UTC)
    journal = pausejournal.PauseJournal(old, "r-1", 3600, [])
    journal.note(HostPause("slow.example", now + timedelta(minutes=30), now, 429))
    [written] = spool_dir_for(old.path).glob("*.spool")
    assert json.loads(written.read_bytes())["warehouse"] == spoolowners.id_of(old)
    moved = Warehouse(tmp_path / "news.old.duckdb")
    old.path.rename(moved.path)
    new = _made(tmp_path / "news.duckdb")
    _own_id(new)
    _start(new, "new-1")
    assert pausejournal.spooled_pauses(new) == []
    assert spool.replay(new) and _runs_in(new) == ["new-1"]
    with new.reading() as con:
        assert read_host_pauses(con, now) == []
    [aside] = spool_dir_for(new.path).glob("of-*")
    shutil.move(aside, spool_dir_for(moved.path))  # what the line says to do
    assert spool.replay(moved)
    with moved.reading() as con:
        assert [pause.host for pause in read_host_pauses(con, now)] == ["slow.example"]


def test_a_warehouse_copied_over_in_place_loads_no_load_spooled_for_the_one_it_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Local 30's Left, decided: `cp other.duckdb news.duckdb` keeps the inode, so a process that read the id
    before (a long `serve` between runs) spools with the replaced warehouse's id until its next writer's open. Such
    a load is set aside, named for the copy of the replaced one kept beside, and loaded into nothing else."""
    store = _made(tmp_path / "news.duckdb")
    _own_id(store)
    spoolowners._IDS.clear()
    replaced = spoolowners.id_of(store)
    shutil.copyfile(store.path, tmp_path / "news.bak.duckdb")  # the user's copy of what is replaced
    other = _made(tmp_path / "other.duckdb")
    _own_id(other)
    inode = store.path.stat().st_ino
    shutil.copyfile(other.path, store.path)  # `cp other.duckdb news.duckdb`
    assert store.path.stat().st_ino == inode and spoolowners.id_of(store) == replaced  # stale, as Local 30 said
    _start(store, "r-1")
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
        assert spool.replay(store)
    assert _runs_in(store) == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "newsflow.spoolowners"]
    assert f"{tmp_path / 'news.bak.duckdb'} is that warehouse" in line, line
