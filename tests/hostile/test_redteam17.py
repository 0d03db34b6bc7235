"""Red team 17: upgrades, signals, cancel, config paths and the Prefect run's lifecycle
(docs/security.md, "Red team 17"). Each test failed on the code before its fix.

Upgrades from every earlier schema level are tests/test_upgrades.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import PrefectClient
from prefect.exceptions import TerminationSignal

from newsflow import runner, runstops
from newsflow.config import load_config
from newsflow.models import FeedConfig
from newsflow.pipeline import RunCounts
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.spool import spool_dir_for
from tests.hostile.subprocesses import REPO, BackgroundRun, prefect_api_url, write_run_config
from tests.hostile.test_crash_safety import BATCH_SIZE, CrashSite, check_each_item_stored_once, site
from tests.hostile.test_readers import holding, reader_config, rows, serve_stories, spooled_kinds
from tests.localserver import LocalServer
from tests.world.prefectcheck import running_ingest_runs

__all__ = ["site"]  # the fixture


def _config(folder: Path, warehouse_path: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{warehouse_path}"\n', encoding="utf-8")
    return path


def _newsflow(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "newsflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


# --- 5. `~` in paths ---------------------------------------------------------------------------


def test_a_warehouse_path_under_home_is_in_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`~/data/news.duckdb` was a folder named `~` beside the config."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = load_config(_config(tmp_path / "conf", "~/data/news.duckdb"))
    assert config.warehouse_path == tmp_path / "home" / "data" / "news.duckdb"


def test_an_unknown_users_home_is_one_config_line_exit_2(tmp_path: Path) -> None:
    config = _config(tmp_path / "conf", "~no-such-user-rt17/news.duckdb")
    done = _newsflow("query", "SELECT 1", "--config", str(config), home=tmp_path)
    assert done.returncode == 2, done.stderr[-1500:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert "warehouse.path" in done.stderr and "no-such-user-rt17" in done.stderr
    assert not (tmp_path / "conf" / "~no-such-user-rt17").exists()


def test_a_config_under_an_unknown_users_home_is_one_line_exit_2(tmp_path: Path) -> None:
    done = _newsflow("query", "SELECT 1", "--config", "~no-such-user-rt17/newsflow.toml", home=tmp_path)
    assert done.returncode == 2, done.stderr[-1500:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "no user no-such-user-rt17 is known here" in done.stderr, done.stderr


# --- 2. SIGTERM while a run waits out a reader -------------------------------------------------


class TerminatedInPoll(Stages):
    """SIGTERM reaching a served run: Prefect's handler raises TerminationSignal where the run is."""

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        raise TerminationSignal(signal.SIGTERM)


def test_prefects_termination_signal_is_a_cancelled_run_not_a_failed_one(tmp_path: Path) -> None:
    server = LocalServer()
    try:
        config = reader_config(tmp_path, server)
        serve_stories(server, range(2))
        with pytest.raises(TerminationSignal):
            asyncio.run(run_ingest(config, "terminated", stages=TerminatedInPoll()))
        assert rows(config, "SELECT status FROM runs") == [("cancelled",)]
    finally:
        server.close()


def test_a_termination_while_the_run_waits_for_a_reader_spools_the_run_cancelled(tmp_path: Path) -> None:
    """`systemctl stop` of `newsflow serve` while its run waits `write_patience` for a reader: Prefect's
    SIGTERM handler raises TerminationSignal in the run's thread. Here a real SIGALRM does the same a
    second into the wait (a reader process holds the file). Before: nothing spooled, the run's row
    nowhere. Now its start and end are spooled `cancelled`, and the next run loads them."""
    server = LocalServer()
    try:
        config = reader_config(tmp_path, server)
        config.path.write_text(config.path.read_text().replace("write_patience = 0.5", "write_patience = 60"))
        config = load_config(config.path)
        serve_stories(server, range(3))

        def terminate(signum: int, frame: object) -> None:
            raise TerminationSignal(signal.SIGTERM)

        previous = signal.signal(signal.SIGALRM, terminate)
        try:
            with holding(config.warehouse_path, "read-only"):
                signal.setitimer(signal.ITIMER_REAL, 1.0)
                with pytest.raises(TerminationSignal):
                    asyncio.run(run_ingest(config, "terminated"))
                signal.setitimer(signal.ITIMER_REAL, 0)
                kinds = spooled_kinds(config)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        assert kinds[:1] == ["record_run_start"] and kinds[-1:] == ["record_run_end"], kinds
        asyncio.run(run_ingest(config, "after"))  # the reader is gone: the spool is loaded first
        assert rows(config, "SELECT run_id, status FROM runs ORDER BY run_seq") == [
            ("terminated", "cancelled"), ("after", "completed")]
        assert not list(spool_dir_for(config.warehouse_path).glob("*.spool"))
    finally:
        server.close()


# --- 6. the flow run deleted through Prefect's API mid-run ----------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_a_flow_run_deleted_mid_run_is_one_line_exit_1_and_keeps_the_data(tmp_path: Path, site: CrashSite) -> None:
    config_path = write_run_config(tmp_path, site.feeds, extract={"batch_size": BATCH_SIZE})
    site.held_feed.release.set()
    api = prefect_api_url()
    with BackgroundRun(config_path, api, "--quiet") as run:
        try:
            assert site.held_article.arrived.wait(60), "the run never fetched the held article"
            [flow_run] = asyncio.run(running_ingest_runs(api, config_path))
            asyncio.run(_delete_flow_run(api, flow_run.id))
        finally:
            site.held_article.release.set()
        code, _, err = run.wait(90)
    assert code == 1, err[-3000:]
    assert err.startswith("newsflow: the run's flow run was deleted from Prefect") and err.count("\n") == 1, err
    asyncio.run(run_ingest(load_config(config_path), "after"))
    check_each_item_stored_once(config_path, site)


async def _delete_flow_run(api: str, flow_run_id: UUID) -> None:
    async with PrefectClient(api=api) as client:
        await client.delete_flow_run(flow_run_id)


# --- 4. cancelled at the very end ----------------------------------------------------------------


def test_a_ctrl_c_as_the_run_ends_leaves_a_completed_run_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (or SIGTERM, which `newsflow run` turns into one) landing once the run's row says
    `completed`, while it removes the pages over budget: asyncio cancelled the finished run, which
    raised KeyboardInterrupt, and the CLI said "the run is recorded cancelled", exit 130, of a run
    recorded completed."""
    server = LocalServer()
    try:
        config = reader_config(tmp_path, server)
        serve_stories(server, range(2))
        remove_pages = runner.remove_pages

        def remove_then_interrupt(folder: Path, files: list[str]) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # delivered before the next bytecode: here, at the end
            remove_pages(folder, files)

        monkeypatch.setattr(runner, "remove_pages", remove_then_interrupt)
        try:
            summary = asyncio.run(run_ingest(config, "late-interrupt"))
        except KeyboardInterrupt:
            pytest.fail("the completed run was cancelled as it returned")
        assert summary.status == "completed"
        assert rows(config, "SELECT status FROM runs") == [("completed",)]
    finally:
        server.close()


def test_a_stop_asked_again_while_the_end_is_held_is_obeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The end's hold dropped every Ctrl-C and SIGTERM while the end waited write_patience for a
    reader or loaded a spool: Ctrl-C did nothing for as long as that took (review of red team 17).
    A second stop soon after the first is still dropped (red team 7); one HOLD_AT_MOST_S later stops."""
    with runstops.interrupts_held():
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)  # at once: held, the end is being recorded
    monkeypatch.setattr(runstops, "HOLD_AT_MOST_S", 0.0)
    with pytest.raises(KeyboardInterrupt), runstops.interrupts_held():
        signal.raise_signal(signal.SIGINT)  # held
        signal.raise_signal(signal.SIGINT)  # asked again, HOLD_AT_MOST_S later: obeyed
        pytest.fail("the second Ctrl-C was dropped too")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
