"""`newsflow status`'s run history (newsflow/runhistory.py): did it run, when did it last succeed, what failed.

Real DuckDB files; a real second process holds the warehouse where a writer is wanted."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.config import ScheduleSettings
from newsflow.runhistory import RUNS_SHOWN, run_history_lines, served_every_s
from newsflow.warehouse import Warehouse, compat

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


def recorded(path: Path, rows: list[tuple[str, datetime, str, str | None, int]], replace: bool = False) -> None:
    """`runs` rows (run_id, started_at, status, error, run_seq) with a few counts, in a migrated warehouse; with
    `replace`, instead of those it had."""
    with Warehouse(path).writing() as con:
        if replace:
            con.execute("DELETE FROM runs")
        for run_id, started_at, status, error, seq in rows:
            con.execute(
                "INSERT INTO runs (run_id, started_at, finished_at, status, error, feeds_polled, feeds_failed, "
                "articles_stored, articles_failed, network_outage, run_seq) VALUES (?, ?, ?, ?, ?, 12, 1, 30, 2, "
                "false, ?)",
                [run_id, started_at, None if status == "running" else started_at + timedelta(minutes=2), status,
                 error, seq])


def test_status_lists_the_last_runs_newest_first_and_the_last_completed(tmp_path: Path) -> None:
    """Newest first by run_seq, not started_at: the run recorded last started 'earlier' (the clock set back)."""
    path = tmp_path / "news.duckdb"
    recorded(path, [
        ("r1", NOW - timedelta(days=3), "completed", None, 1),
        ("r2", NOW - timedelta(hours=5), "failed", "cannot open x.duckdb:\n IO Error: disk full", 2),
        ("r3", NOW - timedelta(hours=2), "cancelled", "stopped: SIGTERM", 3),
        ("r4", NOW - timedelta(hours=9), "skipped", "/x/news.duckdb is locked by another newsflow run (pid 7)", 4),
        ("r5", NOW - timedelta(minutes=20), "abandoned", None, 5),
        ("r6", NOW - timedelta(minutes=5), "running", None, 6),
    ])
    lines, code = run_history_lines(path, NOW)
    assert code == 0
    assert lines[0] == f"runs: 6 recorded, last completed 2026-12-03 18:00 UTC (3 days ago); the last {RUNS_SHOWN}:"
    assert lines[1:] == [
        "  2026-12-06 17:55 UTC (5 min ago)  running",
        "  2026-12-06 17:40 UTC (20 min ago)  abandoned",
        "  2026-12-06 09:00 UTC (9 h ago)  skipped: /x/news.duckdb is locked by another newsflow run (pid 7)",
        "  2026-12-06 16:00 UTC (2 h ago)  cancelled: stopped: SIGTERM",
        "  2026-12-06 13:00 UTC (5 h ago)  failed: cannot open x.duckdb: IO Error: disk full",
    ]


def test_a_completed_run_says_what_it_did_and_a_warehouse_with_none_says_none_completed(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    recorded(path, [("r1", NOW - timedelta(hours=30), "failed", "x" * 400, 1)])
    lines, _ = run_history_lines(path, NOW)
    assert lines[0] == "runs: 1 recorded, none completed; the last 1:"
    assert len(lines[1]) < 220 and lines[1].endswith("x…"), "a long error is cut, on one line"
    recorded(path, [("r2", NOW - timedelta(seconds=40), "completed", "feeds stage: KeyError: 'x'", 2)])
    lines, _ = run_history_lines(path, NOW)
    assert lines[1] == ("  2026-12-06 17:59 UTC (40 s ago)  completed: 12 feeds polled (1 failed), 30 articles stored "
                        "(2 failed); feeds stage: KeyError: 'x'")


def test_no_warehouse_yet_or_no_run_yet_is_said_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    assert run_history_lines(path, NOW) == (
        [f"runs: none recorded (no warehouse at {path} yet; the first run makes it)"], 0)
    assert not path.exists(), "status makes no warehouse"
    recorded(path, [])
    assert run_history_lines(path, NOW) == (["runs: none recorded yet"], 0)


def test_a_warehouse_a_killed_first_run_left_unmade_is_no_run_recorded_and_exit_0(tmp_path: Path) -> None:
    """Prefect 24: a first run killed as it made the file leaves it empty (or with no tables); status said `runs: not
    read: no warehouse ... yet`, exit 3, as for a damaged file, where no file at all is exit 0. Nothing is lost: the
    next run makes it. Status changes neither file."""
    empty, tableless = tmp_path / "empty.duckdb", tmp_path / "tableless.duckdb"
    empty.touch()
    duckdb.connect(str(tableless)).close()
    made = tableless.read_bytes()
    assert run_history_lines(empty, NOW) == ([
        f"runs: none recorded (no warehouse at {empty} yet: the file is empty ({compat.EMPTY_FILE_CAUSES}); if your "
        "warehouse is elsewhere, point warehouse.path at it, or copy it here again; the next run makes it)"], 0)
    assert run_history_lines(tableless, NOW) == ([
        f"runs: none recorded (no warehouse at {tableless} yet (the file holds no tables: the first run was stopped "
        "before it made them); the next run makes it)"], 0)
    assert empty.read_bytes() == b"" and tableless.read_bytes() == made


def test_a_warehouse_held_by_a_writer_is_said_in_one_line_and_exit_0(tmp_path: Path) -> None:
    """A run writing a batch (or DBeaver read-write) holds the file: status waits a moment, then says so."""
    path = tmp_path / "news.duckdb"
    recorded(path, [("r1", NOW, "completed", None, 1)])
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; con = duckdb.connect({str(path)!r}); print('held', flush=True); "
         "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        [line], code = run_history_lines(path, NOW)
    finally:
        holder.communicate("", timeout=30)
    assert code == 0
    assert line.startswith(f"runs: not read, {path} is locked by another process (pid {holder.pid}"), line
    assert "\n" not in line


def test_a_damaged_warehouse_is_said_in_one_line_and_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    path.write_bytes(b"not a warehouse at all" * 400)
    [line], code = run_history_lines(path, NOW)
    assert code == 3 and line.startswith("runs: not read: ") and str(path) in line and "\n" not in line


@pytest.mark.parametrize(("ago", "said"), [(timedelta(seconds=-30), "in the future: the clock was set back since"),
                                           (timedelta(minutes=89), "89 min ago"), (timedelta(hours=35), "35 h ago"),
                                           (timedelta(days=40), "40 days ago")])
def test_ages_read_as_a_person_says_them(tmp_path: Path, ago: timedelta, said: str) -> None:
    from newsflow.runhistory import when

    assert when(NOW - ago, NOW).endswith(f"({said})")


def test_a_warehouse_an_older_newsflow_made_is_said_not_read_and_exit_0(tmp_path: Path) -> None:
    """Status opens read-only and cannot migrate: a `runs` table without run_seq (before migration 0040) is
    said as such, not as a damaged file (exit 3) quoting DuckDB's Binder Error."""
    from tests.test_warehouse import migrated_to

    path = tmp_path / "old.duckdb"
    subprocess.run([sys.executable, "-c", migrated_to(path, 7) + "con.close()\n"], check=True, timeout=60)
    [line], code = run_history_lines(path, NOW)
    assert code == 0 and line == (f"runs: not read: {path} was made by an older newsflow; the next `newsflow run` (or "
                                  "the service's next run) brings its tables up to date")


STATUSES = st.sampled_from(["running", "completed", "failed", "cancelled", "skipped", "abandoned"])
ERRORS = st.none() | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


# 8 in CI (~3 s here at load 12: a DuckDB write and read each); more by hand: NEWSFLOW_STATUS_EXAMPLES=200
@settings(max_examples=int(os.environ.get("NEWSFLOW_STATUS_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(STATUSES, ERRORS, st.integers(-10**6, 10**6)), max_size=9))
def test_any_history_reads_newest_first_one_line_a_run_with_the_last_completed(
        tmp_path: Path, runs: list[tuple[str, str | None, int]]) -> None:
    """Whatever the runs (any status, any error text with line breaks, start times in any order: a clock set
    back), status gives a header and at most RUNS_SHOWN runs, one line each, in the order they were recorded,
    newest first, and names the last completed one by the order recorded, not by its start time."""
    path = tmp_path / "news.duckdb"
    rows = [(f"r{seq}", NOW - timedelta(seconds=offset), status, error, seq)
            for seq, (status, error, offset) in enumerate(runs, start=1)]
    recorded(path, rows, replace=True)
    lines, code = run_history_lines(path, NOW)
    assert code == 0 and all("\n" not in line and "\r" not in line for line in lines)
    if not rows:
        assert lines == ["runs: none recorded yet"]
        return
    shown = rows[::-1][:RUNS_SHOWN]
    assert len(lines) == 1 + len(shown)
    for line, (_, started, status, _, _) in zip(lines[1:], shown, strict=True):
        assert line.startswith(f"  {started:%Y-%m-%d %H:%M} UTC (") and f")  {status}" in line, (line, status)
    completed = [row for row in rows if row[2] == "completed"]
    header = f"runs: {len(rows)} recorded, "
    if completed:
        header += f"last completed {completed[-1][1]:%Y-%m-%d %H:%M} UTC ("
    else:
        header += "none completed;"
    assert lines[0].startswith(header), (lines[0], header)


def test_a_served_warehouse_with_no_run_completed_for_a_while_says_so(tmp_path: Path) -> None:
    """The service up for days and ingesting nothing (every run failing): one line says it, only while a service
    serves, and only past 3 intervals and an hour (one failing run, one cancelled by the limit, is not worth it)."""
    path = tmp_path / "news.duckdb"
    recorded(path, [("r1", NOW - timedelta(days=2), "completed", None, 1),
                    ("r2", NOW - timedelta(minutes=15), "failed", "cannot open …", 2)])
    quiet = "runs: none completed for 2 days, though a `newsflow serve` serves it every 900 s: see the runs above"
    assert run_history_lines(path, NOW, served_every_s=900)[0][-1].startswith(quiet)
    assert not any("none completed for" in line for line in run_history_lines(path, NOW)[0]), "no service: unsaid"
    recorded(path, [("r3", NOW - timedelta(minutes=50), "completed", None, 0)])  # recorded before r1 by run_seq
    assert run_history_lines(path, NOW, served_every_s=900)[0][-1].startswith(quiet), "the last completed by run_seq"
    recorded(path, [("r4", NOW - timedelta(minutes=59), "completed", None, 3)])
    assert run_history_lines(path, NOW, served_every_s=900)[0][-1].startswith("  "), "within an hour: unsaid"
    recorded(path, [("r5", NOW - timedelta(hours=2), "failed", None, 4)], replace=True)
    assert run_history_lines(path, NOW, served_every_s=900)[0][-1].startswith("  "), "fewer than 3 runs: unsaid"
    recorded(path, [(f"r{seq}", NOW - timedelta(hours=2), "failed", None, seq) for seq in (6, 7)])
    assert run_history_lines(path, NOW, served_every_s=900)[0][-1] == (
        "runs: none of the 3 recorded has completed, though a `newsflow serve` serves it every 900 s: see the runs "
        "above, and `newsflow feeds` for each feed's failures")


def test_a_cron_schedule_gets_no_quiet_line_from_the_interval_it_does_not_follow() -> None:
    """Review of Prefect 23: `serve` follows `cron` when set, and `interval` keeps its default 900 s; status took
    that 900 s, so a daily cron served as meant read `none completed for 5 h, though ... every 900 s`."""
    assert served_every_s(ScheduleSettings(cron="0 6 * * *")) == 0
    assert served_every_s(ScheduleSettings(interval=600)) == 600


def test_another_programs_duckdb_file_is_named_so_not_an_older_newsflows(tmp_path: Path) -> None:
    """Status said `… was made by an older newsflow; the next newsflow run … brings its tables up to date`, exit 0,
    of a DuckDB file with no newsflow table (warehouse.path pointed at an analyst's own database), which the run
    refuses untouched: status now says what the run says, exit 3 (review of Prefect 24, session 40)."""
    path = tmp_path / "sales.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE sales (amount INTEGER)")
    made = path.read_bytes()
    [line], code = run_history_lines(path, NOW)
    assert code == 3
    assert line.startswith(f"runs: not read: {path} is a DuckDB database but not a newsflow warehouse"), line
    assert path.read_bytes() == made
