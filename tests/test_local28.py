"""Local 28 (docs/security.md): a warehouse cut by fewer blocks than it has free, a `.wal` cut at a commit's end,
and the new class. Real files, real DuckDB, `cli.main` in process."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import resource
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import cli, openfiles, readersafe, warehouse
from newsflow.models import FeedConfig, FeedPollState, FeedState
from newsflow.runlock import holding_the_service_lock
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse, compat, freelist, logends
from tests import warehousetemplate

FEED = '[[feeds]]\nname = "planet"\nurl = "http://127.0.0.1:9/feed.xml"\n'
BLOCK = 256 * 1024


def _config(tmp_path: Path, wh: Path) -> Path:
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{wh}"\n' + FEED)
    return config


def _free_blocks_inside(wh: Path) -> None:
    """A newsflow warehouse with free blocks inside the file and its last block in use, as every used warehouse
    probed has it: a table written, one written after it, the first dropped (rows deleted or rewritten leave the
    same)."""
    with Warehouse(wh).writing() as con:
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('planet', 'http://127.0.0.1:9/feed.xml')")
    con = duckdb.connect(str(wh), config=compat.connect_config())
    try:
        con.execute("CREATE TABLE scratch AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(60000); "
                    "CHECKPOINT; CREATE TABLE tail AS SELECT range AS i FROM range(1000); CHECKPOINT; "
                    "DROP TABLE scratch; CHECKPOINT")
    finally:
        con.close()


def _free_list_over_two_parts(wh: Path) -> None:
    """A DuckDB file of 16 KiB blocks, whose metadata parts hold 30 numbers each, with 32 blocks free: its free list
    spans two parts, as a big warehouse's does past 509 free blocks (probed: 570 free in a 250 MB warehouse)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{wh}' AS small (BLOCK_SIZE 16384)")
        con.execute("CREATE TABLE small.scratch AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(20000); "
                    "CHECKPOINT small; CREATE TABLE small.tail AS SELECT range AS i FROM range(100); "
                    "CHECKPOINT small; DROP TABLE small.scratch; CHECKPOINT small")
    finally:
        con.close()


def _blocks_in_use(wh: Path) -> tuple[int, int, int, int, set[int]]:
    """DuckDB's block size, block count, blocks in use and free, and the blocks its tables and catalog use."""
    con = duckdb.connect(str(wh), read_only=True)
    try:
        block, total, used, free = con.execute(
            "SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size()").fetchone() or ()
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        blocks = {row[0] for t in tables for row in con.execute(
            f"SELECT block_id FROM pragma_storage_info('{t}') WHERE block_id >= 0").fetchall()}
        blocks |= {row[0] for row in con.execute("SELECT block_id FROM pragma_metadata_info()").fetchall()}
    finally:
        con.close()
    return block, total, used, free, blocks


def _agrees_with_duckdb(wh: Path) -> tuple[int, int]:
    """The free list read as DuckDB lays it out agrees with DuckDB: its count, and a last block in use that holds
    a table's data or the catalog, the file's last. Fails, and with it the check, if a DuckDB lays its file out
    otherwise. Returns the block count and the blocks in use."""
    block, total, used, free, blocks = _blocks_in_use(wh)
    assert free > (30 if block < BLOCK else 4) and used < total
    screen = freelist.read_free_list(wh)
    assert screen is not None and screen.agrees(block, total, free)
    assert screen.last_in_use() == max(blocks) == (wh.stat().st_size - freelist.BLOCKS_START) // block - 1
    return total, used


def test_a_free_list_over_two_metadata_parts_is_read_whole(tmp_path: Path) -> None:
    wh = tmp_path / "small.duckdb"
    _free_list_over_two_parts(wh)
    _agrees_with_duckdb(wh)


def test_a_damaged_header_or_free_list_turns_the_screen_off_never_raises_or_loops(tmp_path: Path) -> None:
    """The screen reads bytes DuckDB has not checked yet: a damaged header or list (a pointer past the file, in a
    circle, a count of billions) gives None or a list, never an exception from an open that must say one line
    (a hand fuzz of 5,000 such files found an OverflowError; 120 kept here, seeded)."""
    small = tmp_path / "small.duckdb"
    _free_list_over_two_parts(small)
    whole, damaged, draw = small.read_bytes(), tmp_path / "damaged.duckdb", random.Random(28)
    for _ in range(120):
        body = bytearray(whole)
        for _ in range(draw.randint(1, 6)):
            at = draw.choice([draw.randrange(4096, 4136), draw.randrange(8192, 8232), draw.randrange(len(body))])
            body[at] = draw.randrange(256)
        if draw.random() < 0.4:  # the newer header's free list pointer anywhere, in or past the file
            struct.pack_into("<Q", body, 4096 + 8, 1 << 40)  # its iteration: the newer
            struct.pack_into("<Q", body, 4096 + 24, draw.randrange(1 << 64))
        damaged.write_bytes(bytes(body[: draw.randrange(len(body))] if draw.random() < 0.2 else body))
        screen = freelist.read_free_list(damaged)
        assert screen is None or all(0 <= block < screen.block_count for block in screen.free)


def test_a_warehouse_cut_by_fewer_blocks_than_it_has_free_is_refused_at_open_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Left by Local 26 and 27: a cut of one block, from a file with free blocks inside it, removes its last block
    in use and leaves more whole blocks than blocks in use, so the count's check passed it: on main `feeds` and
    `query` read what survived as the whole warehouse, exit 0. Now every command, readers and writers: one line,
    exit 3, naming the file, the block and what to do; the file byte for byte as it was."""
    wh = tmp_path / "news.duckdb"
    _free_blocks_inside(wh)
    total, used = _agrees_with_duckdb(wh)
    with open(wh, "r+b") as handle:
        handle.truncate(wh.stat().st_size - BLOCK)
    assert used <= (wh.stat().st_size - freelist.BLOCKS_START) // BLOCK, "the blocks' count sees no cut"
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    config = str(_config(tmp_path, wh))
    for argv in (["feeds"], ["query", "SELECT count(*) FROM feeds"], ["reextract"]):
        assert cli.main([*argv, "--config", config]) == 3, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"newsflow: cannot open {wh}: the file is cut short ("), err
        assert f"ending before its block {total - 1:,} of 256 KiB, which it has in use" in err, err
        assert "restore it from a backup or copy it again whole" in err, err
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == before


@contextmanager
def _writes_left_in_the_log(wh: Path) -> Iterator[None]:
    """Writes that stay in the `.wal` (no checkpoint, none at close), as they are while a run stores: newsflow's
    own writers share this connection's database, so their closes do not checkpoint either."""
    con = duckdb.connect(str(wh), config=compat.connect_config())
    con.execute("SET checkpoint_threshold = '1GB'; PRAGMA disable_checkpoint_on_shutdown")
    try:
        yield
    finally:
        con.close()


def _poll(store: Warehouse, polled_at: datetime) -> None:
    """A poll's commit, as `polls` writes it: the feed's state (with its entries, none here)."""
    with store.writing() as con, warehouse.transaction(con):
        warehouse.update_feed_states(con, [FeedPollState("planet", polled_at, "ok", "ok", False, etag='"e1"')])


PLANET = [FeedConfig("planet", "http://127.0.0.1:9/feed.xml")]


@pytest.mark.parametrize("case", ["log cut at a commit's end", "whole log", "moved aside"])
def test_a_log_cut_at_a_commits_end_is_told_by_the_next_run_from_the_copy_of_the_feed_states(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    """Left by Local 27: a `.wal` cut exactly at a commit's end ends whole, so the commits after the cut were
    dropped without a word. A run that stored them had saved the feed states, read after its row's end, beside the
    warehouse; the next run's start finds a later poll there than the warehouse holds and says so in one line: a
    first run's last two commits cut (its poll, its end). Controls: the whole log, and a warehouse moved aside (a
    new one beside the old copy): no line."""
    wh = tmp_path / "news.duckdb"
    store = Warehouse(wh)
    with store.writing():
        pass
    checkpointed = wh.read_bytes()
    polled = datetime.now(UTC) - timedelta(minutes=5)
    with _writes_left_in_the_log(wh):
        readersafe.record_start(store, "first", PLANET)
        log = logends.log_path(wh)
        cut = log.read_bytes()  # the log as it is at the end of the start's commit
        _poll(store, polled)
    # the run's end, then its copy of the feed states, as every run leaves them (its writer merges the log)
    readersafe.close_run(store, "first", {"articles_stored": 0}, "completed", None)
    if case == "log cut at a commit's end":  # the file as of its last checkpoint, its log cut after the start
        wh.write_bytes(checkpointed)
        log.write_bytes(cut)
        assert not logends.ends_part_way(wh), "ends whole: Local 27's line cannot see it"
    if case == "moved aside":
        os.rename(wh, tmp_path / "damaged.duckdb")
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        states = readersafe.open_run(store, "next", PLANET, PLANET)
    said = [r.getMessage() for r in caplog.records if "lost writes it had stored" in r.getMessage()]
    if case != "log cut at a commit's end":
        assert said == [], said
        assert states["planet"].last_polled_at == (polled if case == "whole log" else None)
        return
    assert len(said) == 1 and "\n" not in said[0], caplog.text
    copy = spool_dir_for(wh) / readersafe.STATES_FILE
    assert said[0].startswith(f"newsflow: warning: {wh} lost writes it had stored: the copy of the feed states "
                              f"{copy}, saved after they were stored, holds later polls of 1 feeds than it does "
                              f"(planet: polled {polled} there, never in the warehouse)"), said[0]
    assert states["planet"].last_polled_at is None, "the poll was dropped: the feed is due again"
    with store.reading() as con:
        assert con.execute("SELECT status FROM runs WHERE run_id = 'first'").fetchall() == [("abandoned",)]
    # Hunt 50's line for the run it marked abandoned: this run was neither killed nor refused its row, and the line
    # gave only those causes above this one (read-through of session 46)
    [abandoned] = [r.getMessage() for r in caplog.records if "ended without recording its end" in r.getMessage()]
    assert abandoned.startswith("run first ended without recording its end (its process was killed, or its row "
                                "could not be written, or the warehouse lost it): "), abandoned
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsflow"):  # said once: the next run's copy is the warehouse's
        readersafe.open_run(store, "after", PLANET, PLANET)
    assert not [r for r in caplog.records if "lost writes" in r.getMessage()]


def _limited_to(soft: int, hard: int) -> Callable[[], None]:
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


_LIMITED = [("run", 64, 64), ("serve", 64, 64), ("run", 64, 4096), ("serve", 64, 4096)]


@pytest.mark.parametrize(("command", "soft", "hard"), _LIMITED,
                         ids=["run, hard limit 64", "serve, hard limit 64", "run, soft limit 64 under a hard 4096",
                              "serve, soft limit 64 under a hard 4096"])
def test_a_run_under_an_open_files_limit_of_64_is_refused_or_raises_it(
    tmp_path: Path, command: str, soft: int, hard: int
) -> None:
    """The new class: `ulimit -n 64` (a container's or a service's limit). Before, a run at 40 hosts recorded a
    batch of articles failed (each an attempt toward being given up) and ended `news.spool: Too many open files`,
    exit 1; at 40, every poll's record failed, exit 0. Now `run` and `serve` raise their soft limit to the hard one;
    under a hard limit of 64 they are refused before they start, one line, exit 2, naming the limit, the number
    needed and what to do, nothing made. A raised run is held here at its warehouse check (another run holds the
    warehouse: exit 3), a raised service at its service lock (another service holds it: exit 3), so no Prefect
    starts: a command that did not raise its limit is refused with the open-files line instead."""
    wh = tmp_path / "news.duckdb"
    config = _config(tmp_path, wh)
    held = Warehouse(wh).run_lock() if command == "run" else holding_the_service_lock(wh)
    with held:  # another run, or another service, holds the warehouse
        done = subprocess.run([sys.executable, "-m", "newsflow", command, "--config", str(config)],
                              preexec_fn=_limited_to(soft, hard), capture_output=True, text=True, timeout=120,
                              check=False)
    if hard == 64:
        needed = openfiles.files_a_run_needs(32, max(1, os.cpu_count() or 1))
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("newsflow: this process may open at most 64 files (`ulimit -n`, its hard "
                                      "limit too), and a run with fetch.concurrency = 32"), done.stderr
        assert f"raise the limit to {needed} at least (`ulimit -n {needed}`" in done.stderr, done.stderr
        assert "nothing was done" in done.stderr
        assert not wh.exists()
    elif command == "run":
        assert done.returncode == 3 and f"is writing to {wh}; wait for it to finish" in done.stderr, done.stderr
    else:
        assert done.returncode == 3 and done.stderr.count("\n") == 1, done.stderr
        assert "open at most" not in done.stderr and str(wh) in done.stderr, done.stderr


def test_a_run_that_needs_more_than_8192_files_raises_its_limit_to_what_it_needs(tmp_path: Path) -> None:
    """Review F2: the raise stopped at 8,192, so a run the hard limit allowed (fetch.concurrency = 5000: about
    10,040 files) was refused, and told to `ulimit -n 1024`. Now the soft limit goes up to what the run needs
    (at most the hard limit): the run reaches its warehouse check (held: exit 3)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    needed = openfiles.files_a_run_needs(5000, 2)
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"this machine's hard open-files limit ({hard}) is below {needed}")
    wh = tmp_path / "news.duckdb"
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{wh}"\n[fetch]\nconcurrency = 5000\n[extract]\nworkers = 2\n' + FEED)
    with Warehouse(wh).run_lock():
        done = subprocess.run([sys.executable, "-m", "newsflow", "run", "--config", str(config)],
                              preexec_fn=_limited_to(4000, needed), capture_output=True, text=True, timeout=120,
                              check=False)
    assert done.returncode == 3 and f"is writing to {wh}; wait for it to finish" in done.stderr, done.stderr


def test_the_open_files_line_suggests_fewer_workers_when_they_take_the_room() -> None:
    """Review F2's smaller point: when the workers alone take the room, the line suggested nothing."""
    assert openfiles._what_fits(64, 32, 2) == ", or set fetch.concurrency to 12 at most"
    assert openfiles._what_fits(64, 32, 16) == ", or set fetch.concurrency to 1 and extract.workers to 7 at most"
    assert openfiles._what_fits(20, 32, 16) == ""


def _a_run(store: Warehouse, run_id: str, polled_at: datetime) -> None:
    """A run as `readersafe` records it: its start (which compares the copy), a poll, its end (which saves it)."""
    readersafe.open_run(store, run_id, PLANET, PLANET)
    _poll(store, polled_at)
    readersafe.close_run(store, run_id, {"articles_stored": 0}, "completed", None)


def test_two_warehouses_sharing_a_spool_folder_never_say_the_other_lost_writes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Review F1 (its sharedspool.py): `news.duckdb`, `news.db` and `news.2026-12-01` all keep their copy of the
    feed states in `news.spool/`. Runs on two of them in turns, each polling later, said from the third run on
    that the warehouse had lost writes (the other's later poll). Now the copy names the warehouse it was read from
    (its path and when it was made) and is compared only with that one; a dated copy of the file (made at the
    same time, elsewhere: told by its path alone, as every warehouse of the tests is, each a copy of one template)
    is another warehouse too. And a run that cannot read one of them polled per the other's copy (its feeds
    skipped as not due): another warehouse's copy is not used, every feed is polled."""
    a = Warehouse(tmp_path / "news.duckdb")
    now = datetime.now(UTC)
    _a_run(a, "A1", now - timedelta(minutes=30))
    b_path = tmp_path / "news.2026-12-01"
    b_path.write_bytes(a.path.read_bytes())
    b = Warehouse(b_path)
    assert spool_dir_for(a.path) != spool_dir_for(b.path)  # shared `news.spool/` before Local 29
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        _a_run(b, "B1", now - timedelta(minutes=20))
        readersafe.open_run(a, "A2", PLANET, PLANET)  # the third run: its start compares
    assert not [r for r in caplog.records if "lost writes" in r.getMessage()], caplog.text
    # the spool folder copied along with the file (`cp -r`): b's folder holds a's copy
    shutil.copyfile(spool_dir_for(a.path) / readersafe.STATES_FILE, spool_dir_for(b.path) / readersafe.STATES_FILE)
    b_path.write_bytes(b"not a warehouse: reading it is refused")
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        assert readersafe.read_feed_states(b, ["planet"]) == {}
    assert f"is of another warehouse, {a.path}" in caplog.text, caplog.text


def test_a_warehouse_moved_aside_leaves_no_false_line_after_a_first_run_of_some_feeds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Review F3 (its movedfeed.py): the copy kept the old warehouse's polls of the feeds a new warehouse's first
    run (`--feed planet`, killed before its end) did not read, and the second run, no longer a first, said the
    new warehouse had lost them. The copy is now the new warehouse's only, from its first run on."""
    both = [*PLANET, FeedConfig("other", "http://127.0.0.1:9/other.xml")]
    store = Warehouse(tmp_path / "news.duckdb")
    readersafe.open_run(store, "r1", both, both)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.update_feed_states(con, [FeedPollState(f.name, datetime.now(UTC) - timedelta(minutes=30), "ok",
                                                         "ok", False) for f in both])
    readersafe.read_feed_states(store, ["planet", "other"])  # the copy as the run's end saves it
    os.rename(store.path, tmp_path / "damaged.duckdb")  # as newsflow's own lines say to
    # made as a user's is (the tests' template gives every new warehouse one first migration's time)
    with caplog.at_level(logging.WARNING, logger="newsflow"), warehousetemplate.migrating_every_new_warehouse():
        readersafe.open_run(store, "n1", both, PLANET)  # killed before its end
        readersafe.open_run(store, "n2", both, both)
    assert not [r for r in caplog.records if "lost writes" in r.getMessage()], caplog.text


def test_a_copy_saved_before_it_named_its_warehouse_is_not_compared_then_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A copy newsflow saved before (the states alone) cannot tell whose it is: no line from it, and the run's
    start replaces it with one that names this warehouse."""
    store = Warehouse(tmp_path / "news.duckdb")
    readersafe.open_run(store, "r1", PLANET, PLANET)
    _poll(store, datetime.now(UTC) - timedelta(minutes=30))
    copy = spool_dir_for(store.path) / readersafe.STATES_FILE
    later = {"planet": FeedState("planet", last_polled_at=datetime.now(UTC) - timedelta(minutes=1))}
    readersafe.save_states(copy, later, {})  # the former format, holding a later poll than the warehouse
    assert "format" not in json.loads(copy.read_text())
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        readersafe.open_run(store, "r2", PLANET, PLANET)
    assert not [r for r in caplog.records if "lost writes" in r.getMessage()], caplog.text
    document = json.loads(copy.read_text())
    assert document["format"] == readersafe.COPY_FORMAT and document["warehouse"] == str(store.path.resolve())
