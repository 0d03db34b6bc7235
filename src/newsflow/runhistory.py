"""`newsflow status`'s run history: did it run, when did it last succeed, what failed.

Read from the warehouse's `runs` table, not from Prefect's flow runs: it records every run, served, deployed or
typed by hand (`newsflow run` needs no schedule), with what it stored and why it failed; it is kept for as long as
the warehouse (the local Prefect server deletes finished flow runs after 30 days); and it answers with no Prefect
server up and without importing Prefect. What Prefect knows and the table does not (a run that never started,
Cancelled by the deployment's concurrency limit) is no run of the warehouse's.

The read is short and read-only: a run writing a batch holds the file for a moment, so it waits up to
`READ_PATIENCE_S` and then says the warehouse is being written, in one line, exit code unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsflow.config import ScheduleSettings
from newsflow.errors import NoWarehouseYet, WarehouseError, WarehouseLockedError
from newsflow.warehouse import Warehouse, read_with
from newsflow.warehouse.runreads import RecordedRun, RunHistory, read_run_history

RUNS_SHOWN = 5
READ_PATIENCE_S = 2.0  # a batch's write takes well under that; a reader holding it for longer is said
ERROR_SHOWN_CHARS = 160
EXIT_WAREHOUSE = 3  # the CLI's code for a warehouse that cannot be read
# A served warehouse with no run completed for this many schedule intervals (and at least QUIET_AT_LEAST_S) is said:
# one run cancelled by the concurrency limit, or failing once, is not worth a line; a day of them is.
QUIET_INTERVALS = 3
QUIET_AT_LEAST_S = 3600.0


def run_history_lines(warehouse_path: Path, now: datetime, served_every_s: float = 0) -> tuple[list[str], int]:
    """The lines of `newsflow status` about runs, and its exit code for them: 0, or 3 where the warehouse
    exists and cannot be read (damaged, not a warehouse); a warehouse held by a writer or a reader is 0.
    `served_every_s`: the schedule's interval while a `newsflow serve` serves the warehouse, else 0."""
    store = Warehouse(warehouse_path)
    try:
        if not store.exists():
            return [f"runs: none recorded (no warehouse at {warehouse_path} yet; the first run makes it)"], 0
        history = read_with(store, lambda con: read_run_history(con, RUNS_SHOWN), READ_PATIENCE_S)
    except WarehouseLockedError as exc:
        return [f"runs: not read, {one_line(str(exc))}"], 0
    except NoWarehouseYet as exc:  # empty, or no tables: a first run killed as it made it; the next one makes it
        return [f"runs: none recorded ({unmade(str(exc))})"], 0
    except WarehouseError as exc:
        return [f"runs: not read: {one_line(str(exc))}"], EXIT_WAREHOUSE
    if history is None:  # written by an older newsflow: read-only, status cannot migrate it
        return [f"runs: not read: {warehouse_path} was made by an older newsflow; the next `newsflow run` (or the "
                "service's next run) brings its tables up to date"], 0
    return history_lines(history, now) + quiet_line(history, now, served_every_s), 0


def unmade(said: str) -> str:
    """The reader's words for a file the first run did not finish making, without its advice to run first: the
    service runs it (`no warehouse at … yet (the file is empty: …)`)."""
    return one_line(said.rpartition(";")[0] + "; the next run makes it")


def served_every_s(schedule: ScheduleSettings) -> float:
    """The interval a served schedule runs at, for the quiet line; 0 (no quiet line) for a cron schedule, which
    `serve` follows instead of `interval` (left at its default 900 s): a daily cron is not quiet after an hour."""
    return 0 if schedule.cron else float(schedule.interval)


def history_lines(history: RunHistory, now: datetime) -> list[str]:
    if not history.latest:
        return ["runs: none recorded yet"]
    last = history.last_completed
    completed = f"last completed {when(last.started_at, now)}" if last else "none completed"
    lines = [f"runs: {history.recorded} recorded, {completed}; the last {len(history.latest)}:"]
    return lines + [f"  {run_line(run, now)}" for run in history.latest]


def quiet_line(history: RunHistory, now: datetime, served_every_s: float) -> list[str]:
    """One line where a service serves the warehouse and no run has completed for a while: the service is up and
    ingests nothing (every run failing, or skipped by a reader holding the warehouse)."""
    if served_every_s <= 0 or not history.latest:
        return []
    quiet_s = max(QUIET_INTERVALS * served_every_s, QUIET_AT_LEAST_S)
    serving = f"though a `newsflow serve` serves it every {served_every_s:.0f} s"
    advice = "see the runs above, and `newsflow feeds` for each feed's failures"
    if history.last_completed is None:
        if history.recorded < QUIET_INTERVALS:
            return []
        return [f"runs: none of the {history.recorded} recorded has completed, {serving}: {advice}"]
    since = (now - history.last_completed.started_at).total_seconds()
    if since < quiet_s:
        return []
    return [f"runs: none completed for {age(since)}, {serving}: {advice}"]


def run_line(run: RecordedRun, now: datetime) -> str:
    head = f"{when(run.started_at, now)}  {run.status}"
    if run.status != "completed":  # running, failed, cancelled, skipped, abandoned: why says more than counts
        return f"{head}: {shorter(run.error)}" if run.error else head
    counts = (f"{run.feeds_polled} feeds polled ({run.feeds_failed} failed), "
              f"{run.articles_stored} articles stored ({run.articles_failed} failed)")
    outage = ", the network was down" if run.network_outage else ""
    escaped = f"; {shorter(run.error)}" if run.error else ""  # the bugs that escaped a stage of a completed run
    return f"{head}: {counts}{outage}{escaped}"


def when(moment: datetime, now: datetime) -> str:
    """`2026-12-06 17:02 UTC (3 min ago)`."""
    seconds = (now - moment).total_seconds()
    ago = "in the future: the clock was set back since" if seconds < 0 else f"{age(seconds)} ago"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({ago})"


def age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorter(text: str) -> str:
    flat = one_line(text)
    return flat if len(flat) <= ERROR_SHOWN_CHARS else flat[: ERROR_SHOWN_CHARS - 1] + "…"
