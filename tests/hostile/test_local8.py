"""Hostile local input (local 8): files others wrote into the spool folder, damaged or foreign files
where newsflow keeps its own, and a warehouse that is not one. Each ends in one line naming the file
and what to do, with the README's exit code, runs nothing a file says, and loses nothing."""

from __future__ import annotations

import collections.abc
import contextlib
import json
import logging
import os
import pickle
import sqlite3
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flows.localserver import LOCAL_SERVER_SETTINGS, server_environment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import queries, readersafe, spoolcodec, warehouse
from newsflow.cli import main, run_named_query
from newsflow.models import FetchEvent, FetchKind, Outcome
from newsflow.polls import FeedPoll
from newsflow.spool import (
    SPOOL_FORMAT,
    Spool,
    SpooledLoad,
    SpoolFileError,
    dump_load,
    parse_load,
    replay,
    spool_dir_for,
)
from newsflow.warehouse import Warehouse, run_read_query, sql_root

pytestmark = pytest.mark.timeout(120)


def rows(store: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    return run_read_query(store, sql).rows


def event(url: str) -> FetchEvent:
    return FetchEvent("old-run", datetime(2026, 11, 30, 12, tzinfo=UTC), FetchKind.ARTICLE, None, url, 200,
                      Outcome.OK, None, 10, 5)


class RunsCode:
    """A pickle that makes a folder when it is loaded: what anyone who can write the spool could plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.mkdir, (str(self.marker),)


def planted_pickle(folder: Path, name: str, marker: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(pickle.dumps(RunsCode(marker), protocol=pickle.HIGHEST_PROTOCOL))
    return path


# --- the spool holds data, never code --------------------------------------------------------------


def test_a_pickle_planted_in_the_spool_runs_nothing_and_is_parked_with_what_to_do(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    folder = spool_dir_for(store.path)
    marker = tmp_path / "pwned"
    planted_pickle(folder, "000000001.evil-1.spool", marker)
    with store.run_lock(), caplog.at_level(logging.ERROR, logger="newsflow.spool"):
        assert replay(store), "a planted file never stops a run"
    assert not marker.exists(), "loading the spool ran the planted pickle's code"
    assert [p.name for p in (folder / "failed").iterdir()] == ["000000001.evil-1.spool"]
    (line,) = [r.getMessage() for r in caplog.records]
    assert "000000001.evil-1.spool" in line and "newsflow spool-convert" in line


def test_a_planted_pickle_is_refused_by_spool_convert_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n')
    marker = tmp_path / "pwned"
    planted = planted_pickle(spool_dir_for(tmp_path / "news.duckdb") / "failed", "000000001.evil-1.spool", marker)
    assert main(["spool-convert", "--config", str(config)]) == 2
    assert not marker.exists(), "even the explicit conversion builds only newsflow's data"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not converted" in err and "posix.mkdir" in err and str(planted) in err
    assert planted.exists(), "a refused file stays where it was"


def test_a_trusted_pickle_of_the_previous_release_is_converted_once_and_loaded_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n')
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    folder = spool_dir_for(store.path)
    folder.mkdir()
    old = SpooledLoad("old-run-1", "old-run", "newsflow.readersafe:store_fetch_events", ([event("https://a.example/1")],),
                      datetime(2026, 11, 30, 12, tzinfo=UTC), {}, format=1)
    (folder / "000000001.old-run-1.spool").write_bytes(pickle.dumps(old, protocol=pickle.HIGHEST_PROTOCOL))
    with store.run_lock():
        replay(store)  # the upgraded run parks it
    assert (folder / "failed" / "000000001.old-run-1.spool").exists()

    assert main(["spool-convert", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "converted 1 spool files; the next run loads them\n"
    assert not (folder / "failed" / "000000001.old-run-1.spool").exists()
    assert parse_load((folder / "000000001.old-run-1.spool").read_bytes()).args == old.args
    with store.run_lock():
        assert replay(store)
        assert replay(store)
    assert rows(store, "SELECT url FROM fetch_events") == [("https://a.example/1",)]
    assert rows(store, "SELECT spool_id FROM spool_replays") == [("old-run-1",)]


def test_the_feed_state_copy_of_the_previous_release_is_never_unpickled_and_is_replaced(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    marker = tmp_path / "pwned"
    legacy = planted_pickle(spool_dir_for(store.path), "feed_states.pickle", marker)
    assert readersafe.load_saved_states(spool_dir_for(store.path) / readersafe.STATES_FILE) == {}
    assert readersafe.read_feed_states(store, ["a"]) == {}
    assert not marker.exists() and not legacy.exists()
    assert json.loads((spool_dir_for(store.path) / "feed_states.json").read_text())["states"] == {}


@pytest.mark.parametrize("document", [
    {"kind": "os:system", "args": ["echo pwned"]},
    {"kind": "newsflow.readersafe:store_fetch_events", "args": [[{"run_id": "r", "at": 5}]]},
    {"kind": "newsflow.readersafe:store_fetch_events", "args": [[{"__class__": "os.system"}]]},
    {"kind": "newsflow.readersafe:store_fetch_events", "args": [[]], "format": SPOOL_FORMAT + 1},
    {"kind": "newsflow.readersafe:record_run_end", "args": ["r", {"n": "1"}, "completed", None, "now", None]},
    {"kind": "newsflow.readersafe:store_fetch_events", "args": [[[[[[[[[[[[]]]]]]]]]]] * 2]},
], ids=["foreign-function", "wrong-type-deep-inside", "class-name", "newer-format", "bad-count", "too-many-args"])
def test_a_spool_file_that_does_not_fit_its_load_is_parked_and_loads_nothing(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    folder = spool_dir_for(store.path)
    folder.mkdir()
    whole = {"format": SPOOL_FORMAT, "spool_id": "x-1", "run_id": "x", "spooled_at": "2026-12-01T00:00:00+00:00",
             "counted": {}, **document}
    (folder / "000000001.x-1.spool").write_text(json.dumps(whole))
    Spool(folder).write(SpooledLoad("ok-1", "ok", "newsflow.readersafe:store_fetch_events",
                                    ([event("https://a.example/ok")],), datetime.now(UTC)))
    with store.run_lock():
        assert replay(store)
    assert [p.name for p in (folder / "failed").iterdir()] == ["000000001.x-1.spool"]
    assert rows(store, "SELECT url FROM fetch_events") == [("https://a.example/ok",)], "the next file still loads"


def test_a_file_another_program_left_in_the_spool_does_not_stop_spooling(tmp_path: Path) -> None:
    """The next file's number came from the last name's prefix: `notes.spool` made every spooled load
    of a run beside a reader raise ValueError instead of spooling."""
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    folder = spool_dir_for(store.path)
    folder.mkdir()
    for name in ("notes.spool", "\u00b2.spool", "000000007x.spool"):
        (folder / name).write_text("someone else's")
    path = Spool(folder).write(SpooledLoad("r-1", "r", "newsflow.readersafe:store_fetch_events",
                                           ([event("https://a.example/1")],), datetime.now(UTC)))
    assert path.name == "000000001.r-1.spool"
    with store.run_lock():
        assert replay(store)
    assert rows(store, "SELECT url FROM fetch_events") == [("https://a.example/1",)]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == ["000000007x.spool", "notes.spool",
                                                                     "\u00b2.spool"]


# Every load kind survives the format: what a replay is given equals what the run spooled.
st.register_type_strategy(datetime, st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))])))
st.register_type_strategy(float, st.floats(allow_nan=False))
st.register_type_strategy(Path, st.builds(Path, st.text(min_size=1, max_size=20)))
st.register_type_strategy(collections.abc.Sequence,  # what the runner passes: lists
                          lambda hint: st.lists(st.from_type(hint.__args__[0]), max_size=3))
st.register_type_strategy(FeedPoll, st.deferred(lambda: st.builds(
    FeedPoll, abandoned=st.none() | st.builds(FeedPoll, abandoned=st.none()))))


@pytest.mark.parametrize("kind", sorted(spoolcodec.LOADS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_load_kind_round_trips_through_a_spool_file(kind: str, data: st.DataObject) -> None:
    hints = spoolcodec.parameter_hints(spoolcodec.load_function(kind))
    args = tuple(data.draw(st.from_type(hint), label=str(hint)) for hint in hints)
    counted = data.draw(st.dictionaries(st.text(max_size=5), st.integers()))
    load = SpooledLoad("r-1", "r", kind, args, data.draw(st.from_type(datetime)), counted)
    back = parse_load(dump_load(load))
    assert back == load
    assert [type(arg) for arg in back.args] == [type(arg) for arg in args]


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
JSON = JSON_SCALARS | st.lists(JSON_SCALARS, max_size=3) | st.dictionaries(st.text(max_size=8), JSON_SCALARS)


def with_one_value_replaced(document: Any, path: list[int], value: Any) -> Any:
    """`document` with the value reached by following `path` (indexes into lists and dict items) replaced."""
    if not path or not isinstance(document, list | dict) or not document:
        return value
    if isinstance(document, list):
        n = path[0] % len(document)
        return [with_one_value_replaced(v, path[1:], value) if i == n else v for i, v in enumerate(document)]
    key = sorted(document)[path[0] % len(document)]
    return {k: with_one_value_replaced(v, path[1:], value) if k == key else v for k, v in document.items()}


@pytest.mark.parametrize("kind", sorted(spoolcodec.LOADS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_spool_file_with_any_value_changed_loads_or_is_a_spool_file_error(kind: str, data: st.DataObject) -> None:
    """What another program or a bit flip makes of a file: never an exception a replay does not park as a file's."""
    hints = spoolcodec.parameter_hints(spoolcodec.load_function(kind))
    args = tuple(data.draw(st.from_type(hint)) for hint in hints)
    document = json.loads(dump_load(SpooledLoad("r-1", "r", kind, args, datetime.now(UTC))))
    changed = with_one_value_replaced(document, data.draw(st.lists(st.integers(0, 50), max_size=8)), data.draw(JSON))
    with contextlib.suppress(SpoolFileError):
        parse_load(json.dumps(changed).encode())


# --- the local Prefect server's history is bounded ---------------------------------------------------

VACUUM_READ = ("from prefect.settings import get_current_settings as current; v = current().server.services.db_vacuum; "
               "print(','.join(sorted(v.enabled_vacuum_types)), int(v.retention_period.total_seconds()))")


def prefect_reads(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", VACUUM_READ], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def own_prefect_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    for name in [*LOCAL_SERVER_SETTINGS, "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"]:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_local_prefect_server_is_told_to_delete_finished_flow_runs_after_30_days(own_prefect_home: Path) -> None:
    """Prefect keeps every flow run unless told: months of a 15-minute service grew prefect.db without end."""
    assert prefect_reads(server_environment()) == f"events,flow_runs,orphans {30 * 86400}"


def test_a_retention_the_user_chose_in_the_prefect_profile_wins(own_prefect_home: Path) -> None:
    (own_prefect_home / "profiles.toml").write_text(
        'active = "mine"\n[profiles.mine]\nPREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD = 7200\n')
    env = server_environment()
    assert "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD" not in env
    assert prefect_reads(env) == "events,flow_runs,orphans 7200"


# --- the latest run is the last one recorded, whatever the clock says ---------------------------------


def test_the_latest_run_is_the_last_recorded_even_after_the_clock_was_set_back(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    now = datetime.now(UTC)
    with store.writing() as con:
        for run_id, started in (("before", now), ("after-the-clock-went-back", now - timedelta(days=2))):
            warehouse.begin_run(con, run_id, started)
            warehouse.insert_fetch_events(con, [FetchEvent(run_id, started, FetchKind.ARTICLE, f"feed-{run_id}",
                                                           f"https://a.example/{run_id}", 200, Outcome.OK, None, 1, 1)])
    result = run_named_query(store, queries.load_query(sql_root() / "queries", "run_feeds"), [])
    assert [row[0] for row in result.rows] == ["feed-after-the-clock-went-back"]


def test_runs_recorded_before_migration_0040_are_numbered_by_their_start(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    now = datetime.now(UTC)
    with store.writing() as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 40")
        con.execute("ALTER TABLE runs DROP COLUMN run_seq")
        for run_id, days_ago in (("second", 1), ("third", 0), ("first", 2)):
            con.execute("INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'completed')",
                        [run_id, now - timedelta(days=days_ago)])
    with store.writing() as con:
        assert warehouse.migrate(con) == ["0040_run_sequence"]
        warehouse.begin_run(con, "fourth", now - timedelta(days=5))
    assert rows(store, "SELECT run_id, run_seq FROM runs ORDER BY run_seq") == [
        ("first", 1), ("second", 2), ("third", 3), ("fourth", 4)]


# --- a config or a warehouse that is not what it should be -------------------------------------------


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsflow: ") and "Traceback" not in err, err
    return err


def config_at(folder: Path, warehouse_path: str = "news.duckdb") -> Path:
    path = folder / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{warehouse_path}"\n\n[[feeds]]\nname = "a"\nurl = "https://a.example/feed"\n')
    return path


def config_with_a_warehouse(folder: Path) -> Path:
    """A config whose warehouse exists, made and migrated as a first run leaves it."""
    path = config_at(folder)
    with Warehouse(folder / "news.duckdb").writing():
        pass
    return path


def symlink_loop(folder: Path, name: str) -> Path:
    (folder / name).symlink_to(folder / f"{name}.other")
    (folder / f"{name}.other").symlink_to(folder / name)
    return folder / name


@pytest.mark.parametrize("kind", ["folder", "fifo", "symlink-loop", "huge", "nested", "nul-path"])
def test_a_config_that_is_not_a_config_file_is_one_line_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "newsflow.toml"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # before: "does not exist"; reading it would wait for a writer for ever
    elif kind == "symlink-loop":
        path = symlink_loop(tmp_path, "newsflow.toml")  # before: a RuntimeError traceback, exit 1
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(40 * 2**20)  # a sparse 40 MiB file: a log or a dump passed by mistake
    elif kind == "nested":  # before: a RecursionError traceback from tomllib
        path.write_text('[fetch]\nallowed_networks = ' + "[" * 50_000 + "]" * 50_000 + "\n")
    else:  # before: "ValueError: embedded null byte", a traceback
        path.write_text('[warehouse]\npath = "news\\u0000.duckdb"\n')
    assert main(["feeds", "--config", str(path)]) == 2
    says = {"folder": "is a folder", "fifo": "is not a regular file", "symlink-loop": "cannot be followed",
            "huge": "a config is at most 32 MiB", "nested": "nest thousands deep",
            "nul-path": "warehouse.path: 'news\\x00.duckdb' holds a NUL character"}[kind]
    line = one_line(capsys)
    assert says in line and ("newsflow.toml" in line or kind == "nul-path")


def test_a_config_saved_with_a_byte_order_mark_loads_and_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows Notepad saves UTF-8 with a BOM; TOML parsers refuse it as a stray character."""
    path = config_at(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    opml = tmp_path / "more.opml"
    opml.write_text('<opml version="2.0"><body><outline text="b" xmlUrl="https://b.example/feed"/></body></opml>')
    assert main(["feeds", "--config", str(path), "import", str(opml)]) == 0
    assert main(["feeds", "--config", str(path)]) == 0
    assert "b.example" in path.read_text() and "never polled" in capsys.readouterr().out


def test_an_opml_file_that_never_ends_is_refused_at_the_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds import /dev/zero` read without end (memory without bound) before the 20 MB cap applied."""
    path = config_at(tmp_path)
    before = path.read_bytes()
    assert main(["feeds", "--config", str(path), "import", "/dev/zero"]) == 2
    assert "20,000,000" in one_line(capsys) and path.read_bytes() == before


@pytest.mark.parametrize("kind", ["fifo", "sqlite", "symlink-loop"])
def test_a_warehouse_path_that_is_not_a_duckdb_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Before: a FIFO made every command wait for ever; a SQLite file sent DuckDB to the network for
    its sqlite extension (`Failed to download extension`); a symlink loop was a traceback."""
    target = tmp_path / "news.duckdb"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "sqlite":
        with sqlite3.connect(target) as con:
            con.execute("CREATE TABLE t (x)")
        before = target.read_bytes()
    else:
        symlink_loop(tmp_path, "news.duckdb")
    path = config_at(tmp_path)
    for command in (["query", "SELECT 1"], ["feeds"], ["reextract"]):
        code = main([*command, "--config", str(path)])
        line = one_line(capsys)
        if kind == "symlink-loop":
            assert code == 2 and "warehouse.path" in line and "cannot be followed" in line
        else:
            assert code == 3 and str(target) in line
            assert ("is not a regular file" if kind == "fifo" else "is a SQLite database") in line
    if kind == "sqlite":
        assert target.read_bytes() == before, "someone else's database is left untouched"


def test_a_warehouse_whose_header_is_damaged_is_one_line_exit_3_for_a_writer_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The header's storage version is read before opening; a damaged one sent the writer into the
    format conversion, whose DuckDB error escaped as a traceback (`newsflow reextract`, `run`)."""
    path = config_at(tmp_path)
    assert main(["query", "SELECT 1", "--config", str(path)]) == 3  # no warehouse yet
    with Warehouse(tmp_path / "news.duckdb").writing():
        pass
    capsys.readouterr()
    with open(tmp_path / "news.duckdb", "r+b") as handle:
        handle.seek(12)
        handle.write((4242).to_bytes(8, "little"))
    for command in (["reextract"], ["query", "SELECT 1"]):
        assert main([*command, "--config", str(path)]) == 3
        line = one_line(capsys)
        assert "news.duckdb" in line and "move it aside and the next run starts a new warehouse" in line


# --- hostile arguments ---------------------------------------------------------------------------------


def test_a_query_that_returns_endless_rows_is_stopped_at_the_cap_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`SELECT * FROM range(1e11)` collected every row before printing: memory until the machine gave out."""
    path = config_with_a_warehouse(tmp_path)
    assert main(["query", "SELECT * FROM range(100000000000)", "--format", "csv", "--config", str(path)]) == 2
    assert "more than 1,000,000 rows" in one_line(capsys)
    assert main(["query", "SELECT count(*) FROM range(100000000)", "--config", str(path)]) == 0


def header_checksum(block: bytes) -> int:
    """DuckDB's checksum of a header block after its first 8 bytes (duckdb/common/checksum.cpp)."""
    checksum = 5381
    for (word,) in struct.iter_unpack("<Q", block):
        checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return checksum


def written_by_a_newer_duckdb(path: Path, version: int) -> None:
    """The file's header says storage version `version`, with a valid checksum, as a newer DuckDB writes it."""
    with open(path, "r+b") as handle:
        block = bytearray(handle.read(4096))
        block[12:20] = struct.pack("<Q", version)
        block[0:8] = struct.pack("<Q", header_checksum(bytes(block[8:])))
        handle.seek(0)
        handle.write(block)


def test_a_warehouse_a_newer_duckdb_wrote_is_one_line_saying_so_and_is_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: DuckDB's six-line message and a URL, with nothing on what to do."""
    path = config_with_a_warehouse(tmp_path)
    written_by_a_newer_duckdb(tmp_path / "news.duckdb", 70)
    before = (tmp_path / "news.duckdb").read_bytes()
    for command in (["reextract"], ["feeds"], ["query", "SELECT 1"]):
        assert main([*command, "--config", str(path)]) == 3
        line = one_line(capsys)
        assert "written by a newer DuckDB (storage version 70;" in line and "upgrade newsflow" in line
    assert (tmp_path / "news.duckdb").read_bytes() == before


def test_a_spool_folder_this_user_cannot_change_stops_no_run_and_loads_nothing_twice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: the bad file could not be moved to failed/, the PermissionError escaped the replay, and
    every run after failed at its start."""
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    folder = spool_dir_for(store.path)
    folder.mkdir()
    (folder / "000000001.torn-1.spool").write_text("torn")
    Spool(folder).write(SpooledLoad("ok-1", "ok", "newsflow.readersafe:store_fetch_events",
                                    ([event("https://a.example/ok")],), datetime.now(UTC)))
    (folder / ".000000003.killed-1.spool.x.partial").write_text("half")
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i needs root and a filesystem with attributes: {done.stderr.strip()}")
    try:
        with store.run_lock(), caplog.at_level(logging.ERROR, logger="newsflow.spool"):
            assert replay(store)
            assert replay(store)  # the next write replays again: the loaded file is not loaded twice
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert rows(store, "SELECT url FROM fetch_events") == [("https://a.example/ok",)]
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2, "each stuck file is said once"
    assert "000000001.torn-1.spool cannot be loaded" in said[0] and "must be writable" in said[0]
    assert "000000002.ok-1.spool was loaded but cannot be deleted" in said[1]
