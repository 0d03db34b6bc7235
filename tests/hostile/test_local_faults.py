"""The machine under a run, not the web: a warehouse file this user cannot write, a full disk while
the run spools beside a reader, SIGTERM mid-run (red team 4). Each ends in one line on stderr with
the README's exit code, and loses nothing that a later run, given what it needs, cannot finish."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from newsflow.config import Config, load_config
from newsflow.runner import run_ingest
from newsflow.spool import spool_dir_for
from tests.conftest import write_config
from tests.hostile.subprocesses import child_env
from tests.hostile.test_disk_full import run_out_of_disk
from tests.hostile.test_readers import holding, no_duplicates, rows, serve_stories
from tests.localserver import LocalServer, Page

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
SPOOL_LIMIT = 3000  # bytes: the run row fits in a spool file, the poll of 27 new entries does not


def newsflow(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.hostile.run_child", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout)


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Files made immutable (`chattr +i`): root cannot write them either, as a user cannot write a
    file of mode 444; made mutable again at teardown so the temporary folder can go."""
    made: list[Path] = []
    yield made
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def make_immutable(path: Path, made: list[Path]) -> None:
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i needs root and a filesystem with attributes: {done.stderr.strip()}")
    made.append(path)


def stored_config(tmp_path: Path, server: LocalServer, stories: int) -> tuple[Path, Config]:
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"})
    config = load_config(config_path)
    serve_stories(server, range(stories))
    asyncio.run(run_ingest(config, "before"))
    return config_path, config


def test_a_read_only_warehouse_file_is_one_line_exit_3_naming_it_and_what_to_do(
    tmp_path: Path, server: LocalServer, immutable: list[Path]
) -> None:
    config_path, config = stored_config(tmp_path, server, 3)
    make_immutable(config.warehouse_path, immutable)
    serve_stories(server, range(6))
    done = newsflow("run", "--config", str(config_path), "--quiet")
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"newsflow: cannot open {config.warehouse_path}")
    assert "make the file writable by this user" in done.stderr and "warehouse.path" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""

    subprocess.run(["chattr", "-i", str(config.warehouse_path)], check=True)
    # The next run, in this process (the exit code and the line are the child's above; this is about the rows).
    assert asyncio.run(run_ingest(load_config(config_path), "writable-again")).status == "completed"
    assert rows(config, "SELECT count(*) FROM articles") == [(6,)], "the feed's items wait for a writable file"
    no_duplicates(config)


def test_a_full_disk_while_spooling_beside_a_reader_is_exit_3_and_loses_nothing(
    tmp_path: Path, server: LocalServer
) -> None:
    """A reader holds the warehouse, so the run writes its loads to the spool, and the spool's disk
    is full (RLIMIT_FSIZE in the run's process, tests/hostile/fsize_child.py). Before, the failed
    spool write was taken for a bug in the poll: the feed was recorded `failed` and backed off,
    and the run exited 0 having stored nothing."""
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"}, extract={"batch_size": 10})
    config_path.write_text(config_path.read_text().replace('path = "warehouse/news.duckdb"',
                                                           'path = "warehouse/news.duckdb"\nwrite_patience = 0.5'))
    config = load_config(config_path)
    serve_stories(server, range(3))
    asyncio.run(run_ingest(config, "before"))
    serve_stories(server, range(30))
    with holding(config.warehouse_path, "read-only"):
        full = subprocess.run([sys.executable, "-m", "tests.hostile.fsize_child", str(SPOOL_LIMIT), "run", "--quiet",
                               "--config", str(config_path)], capture_output=True, text=True, cwd=REPO, timeout=150)
    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr and "Warning" not in full.stderr, full.stderr
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith(f"newsflow: cannot spool to {spool_dir_for(config.warehouse_path)}: File too large")
    # RLIMIT_FSIZE, not a full disk: said as what it is (local 20; before, `Is the disk full?`)
    assert "Is a file size limit set for this process (`ulimit -f`)" in last and "disk full" not in last
    assert "stays pending" in last

    assert rows(config, "SELECT consecutive_failures, last_status FROM feeds") == [(0, "ok")], "not the feed's fault"
    asyncio.run(run_ingest(config, "room-again"))
    assert rows(config, "SELECT count(*) FROM articles") == [(30,)], "nothing lost"
    assert rows(config, "SELECT count(*) FROM entries WHERE fetch_attempts > 0 AND article_id IS NULL") == [(0,)]
    no_duplicates(config)


def test_a_disk_full_mid_run_through_the_flow_prints_one_line_not_prefects_traceback(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """The real `newsflow run`, a Prefect flow run: before, Prefect's console handler (at WARNING)
    printed the flow's crash with its whole traceback above newsflow's own line."""
    config, full = run_out_of_disk(tmp_path, server, ["--flow", "run", "--quiet"], env=child_env(prefect_api))
    assert full.returncode == 3, full.stderr
    [line] = full.stderr.splitlines()
    assert line.startswith(f"newsflow: cannot write {config.warehouse_path}: ")
    assert "Is a file size limit set for this process" in line  # RLIMIT_FSIZE, not a full disk (local 20)
    asyncio.run(run_ingest(config, "room-again"))
    assert rows(config, "SELECT count(*) FROM articles") == [(60,)], "nothing lost"
    no_duplicates(config)


def test_a_poll_planned_under_a_clock_that_was_ahead_does_not_silence_the_feed(
    tmp_path: Path, server: LocalServer
) -> None:
    """A machine whose clock ran five years ahead for one run (a dead RTC battery, a VM restored
    before NTP caught up) planned the feed's next poll for five years on. Before, once the clock
    was set right, the feed was not due for five years: `polling 0 due feeds` on every run. No
    plan is further off than `polling.max_interval`, so one that is must come from a wrong clock
    (or a lowered `max_interval`), and the feed is due."""
    _, config = stored_config(tmp_path, server, 3)
    with duckdb.connect(str(config.warehouse_path)) as con:  # what that run stored, under its clock
        con.execute("UPDATE feeds SET next_poll_at = now() + INTERVAL 5 YEAR, poll_interval = 3600")
    serve_stories(server, range(6))
    summary = asyncio.run(run_ingest(config, "clock-set-right"))
    assert (summary.feeds_due, summary.counts.entries_new) == (1, 3)
    assert rows(config, "SELECT count(*) FROM feeds WHERE next_poll_at > now() + INTERVAL 2 DAY") == [(0,)]


def test_a_retired_feed_whose_url_is_changed_in_the_config_is_polled_again(
    tmp_path: Path, server: LocalServer
) -> None:
    """The feed moved: its old URL answered 410 Gone three times and the feed was retired. The user
    puts the new URL in the config. Before, the feed stayed retired (and its validators and back-off
    stayed the old URL's), so the new URL was never polled."""
    config_path = write_config(tmp_path, server.base_url, {"courier": "/old.xml"})
    server.add("/old.xml", Page(b"gone", "text/plain", status=410, validators=False))
    for n in range(3):
        asyncio.run(run_ingest(load_config(config_path), f"gone-{n}", all_feeds=True))
    config = load_config(config_path)
    assert rows(config, "SELECT retired_at IS NOT NULL FROM feeds") == [(True,)]

    serve_stories(server, range(4), path="/new.xml")
    config_path.write_text(config_path.read_text().replace("/old.xml", "/new.xml"))
    summary = asyncio.run(run_ingest(load_config(config_path), "moved"))
    assert (summary.feeds_due, summary.counts.entries_new, summary.counts.articles_stored) == (1, 4, 4)
    assert rows(config, "SELECT retired_at, consecutive_failures, last_status FROM feeds") == [(None, 0, "ok")]


def test_a_copy_of_the_feed_states_that_cannot_be_saved_fails_no_run(tmp_path: Path, server: LocalServer) -> None:
    """Every run saves a spare copy of the feed states beside the warehouse, for runs beside a reader.
    Before, a copy that could not be written (a full disk, a file where its folder goes) failed the
    run, at its start or after it had stored everything: exit 1."""
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"})
    config = load_config(config_path)
    serve_stories(server, range(3))
    config.warehouse_path.parent.mkdir(parents=True)
    spool_dir_for(config.warehouse_path).write_text("a file where the spool folder goes")
    summary = asyncio.run(run_ingest(config, "no-spare-copy"))
    assert (summary.status, summary.counts.articles_stored) == ("completed", 3)


@pytest.mark.migrates_a_new_warehouse  # a file cut in half: the layout a migrated file has
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_warehouse_file_is_one_line_exit_3_saying_what_to_do(
    tmp_path: Path, server: LocalServer, damage: str
) -> None:
    """A disk error or a copy cut short: before, the line named the file and DuckDB's complaint but not
    what to do, and a truncated file was taken for a full disk (`Is the disk full?`)."""
    config_path, config = stored_config(tmp_path, server, 3)
    if damage == "garbage":
        config.warehouse_path.write_bytes(bytes(range(256)) * 20)
    else:
        with open(config.warehouse_path, "r+b") as warehouse_file:
            warehouse_file.truncate(config.warehouse_path.stat().st_size // 2)
    # a query may still read what the damage left readable; a run must write, and says what to do
    commands = [["run", "--quiet"]] + ([["query", "SELECT count(*) FROM articles"]] if damage == "garbage" else [])
    for command in commands:
        done = newsflow(*command, "--config", str(config_path))
        assert done.returncode == 3, done.stderr
        assert done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith(f"newsflow: cannot open {config.warehouse_path}")
        assert "restore it from a backup, or move it aside" in done.stderr
