"""SIGTERM during `newsflow run`: what `docker stop` (the run's process only) and `systemctl stop`
(every process of the unit: the run, the extraction forkserver and workers) send (red team 4).

The run must stop as Ctrl-C stops it: its batch in flight rolls back, its row says `cancelled`,
one line on stderr, exit 130 (README, "Exit codes"); and the next run stores everything once.
A guard beside it: a quiet run that exits 0 prints nothing at all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from newsflow import runner
from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.hostile.subprocesses import BackgroundRun, prefect_api_url, write_run_config
from tests.hostile.test_crash_safety import BATCH_SIZE, CrashSite, check_each_item_stored_once, rows, site

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.timeout(150)]
__all__ = ["site"]  # the fixture


CANCELLED_LINE = "newsflow: interrupted; the run is recorded cancelled, and what it had not stored stays pending"


def interrupt_mid_run(
    tmp_path: Path, site: CrashSite, interrupt: Callable[[BackgroundRun], None]
) -> tuple[Path, str, str]:
    """`newsflow run --quiet`, interrupted by `interrupt(pid)` once it fetches the held article (its
    batch then in flight): it exits 130 and its row says `cancelled`. Its config, stdout and stderr."""
    config_path = write_run_config(tmp_path, site.feeds, extract={"batch_size": BATCH_SIZE})
    site.held_feed.release.set()
    with BackgroundRun(config_path, prefect_api_url(), "--quiet") as run:
        assert site.held_article.arrived.wait(60), "the run never fetched the held article"
        interrupt(run)
        code, out, err = run.wait(60)
    assert code == 130, f"exit {code}: {err}"
    assert rows(config_path, "SELECT status FROM runs") == [("cancelled",)]
    return config_path, out, err


def check_the_next_run_loses_nothing(config_path: Path, site: CrashSite) -> None:
    site.held_article.release.set()
    asyncio.run(run_ingest(load_config(config_path), "after"))
    check_each_item_stored_once(config_path, site)


@pytest.mark.parametrize("whole_group", [False, True], ids=["docker-stop", "systemctl-stop"])
def test_sigterm_mid_run_is_a_cancelled_run_exit_130_and_the_next_run_loses_nothing(
    tmp_path: Path, site: CrashSite, whole_group: bool
) -> None:
    def sigterm(run: BackgroundRun) -> None:
        if whole_group:
            os.killpg(run.pid, signal.SIGTERM)
        else:
            os.kill(run.pid, signal.SIGTERM)

    config_path, out, err = interrupt_mid_run(tmp_path, site, sigterm)
    assert out == ""
    assert err.splitlines() == [CANCELLED_LINE], err
    check_the_next_run_loses_nothing(config_path, site)


def test_a_quiet_run_with_failing_feeds_prints_nothing(tmp_path: Path, site: CrashSite) -> None:
    """`--quiet` prints only errors, and a failing feed is not one: it is recorded. Neither Prefect's
    console lines nor a library's warning may reach stderr of a run that exits 0."""
    feeds = {**site.feeds, "missing": site.server.url("/missing.xml"), "bad-port": "http://127.0.0.1:9/feed.xml"}
    config_path = write_run_config(tmp_path, feeds, extract={"batch_size": BATCH_SIZE})
    site.held_feed.release.set()
    site.held_article.release.set()
    with BackgroundRun(config_path, prefect_api_url(), "--quiet") as run:
        code, out, err = run.wait(90)
    assert (code, out, err) == (0, "", "")
    check_each_item_stored_once(config_path, site)


def test_sighup_mid_run_is_a_cancelled_run_exit_130_and_the_next_run_loses_nothing(
    tmp_path: Path, site: CrashSite
) -> None:
    """SIGHUP: the terminal or ssh session that started `newsflow run` closed (red team 7). Before:
    the process died at once (Python's default), its row left `running` until the next run called
    it `abandoned`, its extraction workers left to notice on their own. Now as Ctrl-C and SIGTERM."""
    config_path, _out, err = interrupt_mid_run(tmp_path, site, lambda run: os.kill(run.pid, signal.SIGHUP))
    assert err.splitlines()[-1:] == [CANCELLED_LINE], err
    check_the_next_run_loses_nothing(config_path, site)


def test_ctrl_c_twice_is_a_cancelled_run_exit_130(tmp_path: Path, site: CrashSite) -> None:
    """Ctrl-C, then Ctrl-C again 0.3 s later, as an impatient user does (red team 7). Before: the second
    one interrupted the statement recording the run's end: `newsflow: run crashed: RuntimeError: Query
    interrupted`, exit 1, the row left `running`. The 0.3 s is the user's, not a wait for the run."""
    def ctrl_c_twice(run: BackgroundRun) -> None:
        os.kill(run.pid, signal.SIGINT)
        threading.Event().wait(0.3)
        os.kill(run.pid, signal.SIGINT)

    config_path, _out, err = interrupt_mid_run(tmp_path, site, ctrl_c_twice)
    assert err.splitlines()[-1:] == [CANCELLED_LINE], err
    check_the_next_run_loses_nothing(config_path, site)


def test_a_ctrl_c_while_the_cancelled_run_exits_still_exits_130(tmp_path: Path, site: CrashSite) -> None:
    """Ctrl-C, then Ctrl-C again just after the run has said it is cancelled, while its process exits
    (Prefect's services flush, threads are joined). Before: the second one raised KeyboardInterrupt in
    the interpreter's shutdown, and Python ended itself by SIGINT: death by signal (-2) after a line
    promising exit 130 (CI, stop 19, in the test above)."""
    said: list[str] = []

    def ctrl_c_then_again_once_it_said_so(run: BackgroundRun) -> None:
        assert run.proc is not None and run.proc.stderr is not None
        os.kill(run.pid, signal.SIGINT)
        said.append(next((line.rstrip("\n") for line in run.proc.stderr if line.startswith("newsflow: interr")), ""))
        os.kill(run.pid, signal.SIGINT)  # the process is exiting, or exited and not yet reaped

    interrupt_mid_run(tmp_path, site, ctrl_c_then_again_once_it_said_so)  # asserts exit 130 and the row
    assert said == [CANCELLED_LINE]


def test_a_second_ctrl_c_while_the_run_records_its_end_is_held_and_the_row_says_cancelled(
    tmp_path: Path, site: CrashSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, made exact: the first Ctrl-C cancels the ingest, two more arrive as its row is written."""
    config_path = write_run_config(tmp_path, site.feeds, extract={"batch_size": BATCH_SIZE})

    async def cancelled(*args: object) -> None:
        raise asyncio.CancelledError  # what the first Ctrl-C does to the run's task

    def end_run_with_ctrl_c(*args: object, **kwargs: object) -> None:
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        real_end_run(*args, **kwargs)  # type: ignore[arg-type]

    real_end_run = runner.end_run
    monkeypatch.setattr(runner, "ingest", cancelled)
    monkeypatch.setattr(runner, "end_run", end_run_with_ctrl_c)
    with pytest.raises((asyncio.CancelledError, KeyboardInterrupt)):  # before the fix: KeyboardInterrupt, no row
        asyncio.run(run_ingest(load_config(config_path), "pressed-thrice"))
    assert rows(config_path, "SELECT status FROM runs") == [("cancelled",)]
