"""Prefect 54 (docs/scheduling.md, "Prefect 54"): a stopped served run goes straight to Cancelled, never Crashed.

Prefect 3.9.1's runner asks a run's process over a loopback channel to take its coming SIGTERM as a cancel; the
process agrees only while the engine's own SIGTERM handler is installed. newsflow put its own in front of it
(flows/runstop.py, Prefect 22), so every stop went as a kill: the engine recorded the run Crashed and the runner
Cancelled it up to 3 s after the process had ended (its looks at the process are 3 s apart; flows/servestop.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
from flows.localserver import STATE_FILE, is_stopped, reusable_server
from flows.runstop import EngineStopLinesAtDebug, quiet_engine_stop_lines, stopped_line
from flows.servestop import kill_seeing_the_end
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import FlowRun
from prefect.context import FlowRunContext
from prefect.exceptions import TerminationSignal
from prefect.runner._process_manager import ProcessHandle, ProcessManager
from prefect.states import Cancelling
from prefect.testing.cli import invoke_and_assert
from prefect.utilities.engine import capture_sigterm, commit_control_intent_and_ack

import flows
from flows import take_back_sigterm
from newsflow.cli_signals import (
    forget_stops_asked,
    forget_the_run_recorded,
    note_a_stop_asked,
    note_the_row_unwritten,
    note_the_run_opened,
)
from newsflow.config import load_config
from newsflow.servicewatch import end_with_the_service
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import free_port, write_config
from tests.flows.test_deployments import deployed, worker  # noqa: F401  (fixtures)
from tests.flows.test_prefect21 import stopped_news_site
from tests.flows.test_serve import start_serve, stop, wait_for
from tests.localserver import LocalServer


def test_a_served_runs_start_leaves_the_engines_sigterm_handler_so_the_runners_cancel_is_acknowledged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the flow does as it starts, inside the engine's `capture_sigterm`: the engine's handler is still the
    one installed, so the run's process acknowledges the runner's cancel (before Prefect 54 it refused: the
    handler was newsflow's, and the stop was a kill, recorded Crashed). A served run's process never ran
    `newsflow run`'s `sigterm_interrupts`; a test process may have (ci140), so that is set as a served run has it."""
    monkeypatch.setattr(flows, "_sigterm_interrupts", False)
    with capture_sigterm():
        engines = signal.getsignal(signal.SIGTERM)
        try:
            take_back_sigterm()  # a served run: keeps Prefect's (only `newsflow run` takes SIGTERM back)
            end_with_the_service()  # not started by a service here: watches nothing
            quiet_engine_stop_lines()
            assert signal.getsignal(signal.SIGTERM) is engines
            acknowledged: list[bool] = []
            assert commit_control_intent_and_ack(lambda: None, lambda: None, lambda: acknowledged.append(True))
            assert acknowledged == [True]
        finally:
            quiet_engine_stop_lines()


FORK = multiprocessing.get_context("fork")  # a real process with a real sentinel, without spawn's imports


def test_a_newsflow_runs_own_stop_keeps_the_engines_restatements_at_debug_too() -> None:
    """`newsflow run` takes SIGTERM itself (flows/__init__.py), noting the stop and cancelling the flow's task: no
    `TerminationSignal` for the filter to find. Before Prefect 54 the wrapped handler noted it; now the command's
    own note does. No stop noted: the line stays ERROR."""
    record = logging.LogRecord("prefect.task_runs", logging.ERROR, __file__, 1,
                               "Crash detected! Execution was cancelled by the runtime environment.", None, None)
    quiet_engine_stop_lines()
    forget_stops_asked()
    try:
        assert EngineStopLinesAtDebug().filter(record) and record.levelno == logging.ERROR
        note_a_stop_asked()
        EngineStopLinesAtDebug().filter(record)
        assert record.levelno == logging.DEBUG
    finally:
        forget_stops_asked()
        quiet_engine_stop_lines()


@pytest.mark.parametrize("unwritten", [False, True], ids=["row written", "row refused"])
def test_a_served_runs_stop_line_says_what_the_runner_noted_of_its_row(
    monkeypatch: pytest.MonkeyPatch, unwritten: bool
) -> None:
    """Readthrough 45 (finding 2): the served run's stop line said "its `runs` row says cancelled" of a row a full
    disk had refused (Hunt 49 changed only `newsflow run`'s line). It says what the runner noted, as that line does.
    The flow run is Prefect's own object, its context the one thing stood in (a served run's full disk: hunt 49)."""
    this_run = FlowRun(flow_id=uuid4(), name="calm-otter", deployment_id=uuid4())
    monkeypatch.setattr(FlowRunContext, "get", classmethod(lambda cls: SimpleNamespace(flow_run=this_run)))
    forget_the_run_recorded()
    note_the_run_opened()  # the runner opened it: its row was tried
    note_the_row_unwritten(unwritten)
    try:
        line = stopped_line()
    finally:
        forget_the_run_recorded()
    assert line is not None and line.startswith(f"run {this_run.id} (calm-otter) stopped before its end"), line
    assert ("recorded cancelled" in line) is not unwritten and ("marks it abandoned" in line) is unwritten, line
    assert "says cancelled" not in line and line.endswith("stays pending for the next run"), line


def test_the_engines_crash_line_for_a_termination_signal_is_a_restatement_of_the_stop_too() -> None:
    """A SIGTERM that lands before the run's process acknowledged the cancel (a serve stopped as its run starts): the
    engine's `handle_crash` logs `Crash detected! Execution was aborted by a termination signal.` while handling the
    `TerminationSignal` (review: an ERROR line in the service's output, on main too). Kept at debug like the
    other restatements; with no stop in flight it stays ERROR."""
    message = "Crash detected! Execution was aborted by a termination signal."

    def record() -> logging.LogRecord:
        return logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1, message, None, None)
    quiet_engine_stop_lines()
    forget_stops_asked()
    try:
        unexplained = record()
        assert EngineStopLinesAtDebug().filter(unexplained) and unexplained.levelno == logging.ERROR
        restated = record()
        try:
            raise TerminationSignal(signal.SIGTERM)
        except TerminationSignal:  # where the engine's `except TerminationSignal` calls `handle_crash`
            EngineStopLinesAtDebug().filter(restated)
        assert restated.levelno == logging.DEBUG
    finally:
        quiet_engine_stop_lines()


def _deaf_to_sigterm(ready: EventType) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def _asleep(ready: EventType) -> None:
    # a fork inherits the test process's handler, which an earlier test may have left as newsflow's (ci140)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ready.set()
    time.sleep(60)


def _a_run(target: Callable[[EventType], None]) -> tuple[ProcessManager, UUID, BaseProcess]:
    ready = FORK.Event()
    process = FORK.Process(target=target, args=(ready,), daemon=True)
    process.start()
    assert ready.wait(30), "the child never started"
    processes, flow_run_id = ProcessManager(), uuid4()
    # as `ProcessManager.add`, without its lock's loop; a fork is typed apart from a spawn, with the same sentinel
    processes._process_map[flow_run_id] = ProcessHandle(process)  # type: ignore[arg-type]
    return processes, flow_run_id, process


def test_the_cancels_kill_returns_as_the_process_ends_and_kills_one_that_outlives_its_grace() -> None:
    """A real process that ends on SIGTERM: the kill returns as it ends, not at Prefect's first look 3 s later
    (the runner records the run Cancelled right after). One that ignores SIGTERM is SIGKILLed after the grace."""
    processes, flow_run_id, process = _a_run(_asleep)
    started = time.monotonic()
    asyncio.run(kill_seeing_the_end(processes)(flow_run_id, 30.0))
    ended_s = time.monotonic() - started
    process.join(5)
    assert process.exitcode == -signal.SIGTERM and ended_s < 2.0, (process.exitcode, ended_s)

    processes, flow_run_id, process = _a_run(_deaf_to_sigterm)
    asyncio.run(kill_seeing_the_end(processes)(flow_run_id, 0.3))
    process.join(5)
    assert process.exitcode == -signal.SIGKILL, process.exitcode


PREFECTS_FIRST_LOOK_S = 3.0  # Prefect's own kill looks at the process a tenth of its 30 s grace after the SIGTERM


def test_the_served_runners_cancel_kills_with_the_kill_that_sees_the_end(prefect_api: str) -> None:
    """The wiring, not the function: the service's real runner, entered on the session's server, and the kill its
    cancel calls (`CancellationManager.cancel` awaits `self._process_manager.kill(flow_run_id, grace_seconds=...)`)
    on a real process it tracks, reaped as the runner's executor reaps its runs. It returns as the process ends;
    without `ServiceRunner`'s hook it is Prefect's, which returns at its first look, 3 s later (review: removing the
    hook failed no test)."""
    from flows.servestop import ServiceRunner

    async def cancels_kill() -> tuple[float, BaseProcess]:
        async with ServiceRunner(name=f"kill-{uuid4().hex[:8]}") as runner:
            processes, flow_run_id, process = _a_run(_asleep)
            runner._process_manager._process_map[flow_run_id] = processes._process_map[flow_run_id]
            reaper = threading.Thread(target=process.join, daemon=True)  # as the runner's executor joins its run
            reaper.start()
            started = time.monotonic()
            await runner._cancellation_manager._process_manager.kill(flow_run_id, grace_seconds=30.0)
            ended_s = time.monotonic() - started
            reaper.join(5)
            runner._process_manager._process_map.clear()
            return ended_s, process
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_API_URL", prefect_api)
        ended_s, process = asyncio.run(cancels_kill())
    assert process.exitcode == -signal.SIGTERM, process.exitcode
    # a forked sleeper ends on SIGTERM in milliseconds: 2 s leaves room for a loaded machine, under Prefect's 3 s
    assert ended_s < PREFECTS_FIRST_LOOK_S - 1.0, f"the cancel's kill returned {ended_s:.2f} s after the SIGTERM"


def test_service_runner_refuses_to_start_on_process_handles_its_kill_does_not_know(
        prefect_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Prefect whose process handles lost `graceful_kill` would make the kill raise AttributeError, and Prefect's
    cancel then gives up ("Aborting cancellation sequence"): the run never stopped. The service refuses to start
    instead, naming this file."""
    from flows.servestop import ServiceRunner

    async def enter() -> None:
        async with ServiceRunner(name=f"internals-{uuid4().hex[:8]}"):
            pass
    monkeypatch.delattr(ProcessHandle, "graceful_kill")
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    with pytest.raises(RuntimeError, match=r"kill_seeing_the_end.*tests/flows/test_prefect54\.py"):
        asyncio.run(enter())


# --- local only: a real service, stopped and cancelled mid-run -------------------------------------------------


async def flow_run_states(api_url: str, flow_run_id: str) -> list[tuple[datetime, str, str | None]]:
    async with PrefectClient(api=api_url) as client:
        states = await client.read_flow_run_states(UUID(flow_run_id))
    return [(state.timestamp, state.type.value, state.message) for state in states]


async def _cancel_from_the_ui(api_url: str, flow_run_id: str) -> datetime:
    async with PrefectClient(api=api_url) as client:  # what the UI's Cancel does
        await client.set_flow_run_state(UUID(flow_run_id), Cancelling(message="cancelled by hand"))
        return datetime.now().astimezone()


def _held_run_id(tmp_path: Path) -> str:
    store = Warehouse(load_config(tmp_path / "newsflow.toml").warehouse_path)
    rows = run_read_query(store, "SELECT run_id, status FROM runs ORDER BY started_at").rows
    return str(rows[0][0])


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~25 s each); in CI "
                    "the two tests above check both halves of the fix, and tests/flows/test_serve_end.py's "
                    "second-signal case reads the stopped run's state history")
@pytest.mark.parametrize("how", ["service stopped", "cancelled in the UI"])
def test_a_served_run_stopped_mid_run_goes_straight_to_cancelled(
        how: str, tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    release = threading.Event()
    process = start_serve(tmp_path, server, prefect_api, {"held": stopped_news_site(server, release)})
    try:
        wait_for(lambda: server.hits("/held/story.html"), 120, "a run to be fetching the held page")
        run_id = wait_for(lambda: _held_run_id(tmp_path), 30, "the run's row")
        asked = datetime.now().astimezone()
        if how == "cancelled in the UI":
            asked = asyncio.run(_cancel_from_the_ui(prefect_api, run_id))
            wait_for(lambda: asyncio.run(flow_run_states(prefect_api, run_id))[-1][1] == "CANCELLED", 60,
                     "the run Cancelled")
        stop(process, signal.SIGTERM)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    states = asyncio.run(flow_run_states(prefect_api, run_id))
    kinds = [kind for _, kind, _ in states]
    assert "CRASHED" not in kinds and kinds[-1] == "CANCELLED", states
    to_cancelled_s = (states[-1][0] - asked).total_seconds()
    print(f"\n{how}: {' -> '.join(kinds[kinds.index('RUNNING'):])}, Cancelled {to_cancelled_s:.2f} s after the ask")


def _stand_in_server(home: Path) -> subprocess.Popen[bytes]:
    """A process recorded as the local server (its command line names prefect and a port), answering nothing."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", "prefect", "--port", str(port)],
                               stdin=subprocess.PIPE)
    (home / STATE_FILE).write_text(json.dumps({"api_url": f"http://127.0.0.1:{port}/api", "pid": process.pid}))
    return process


def test_a_stopped_local_server_is_named_at_once_with_the_kill_cont_that_resumes_it(tmp_path: Path) -> None:
    """A real stopped process recorded as the local server: the wait on it says so once, naming its pid and
    `kill -CONT` (before Prefect 54 the command waited 180 s without a word, then replaced it). One that runs
    but does not answer yet (a server starting) is waited on without the line."""
    said: list[str] = []
    process = _stand_in_server(tmp_path)
    try:
        assert reusable_server(tmp_path, 0.5, said.append) is None and said == [], "running: no line"
        process.send_signal(signal.SIGSTOP)
        wait_for(lambda: is_stopped(process.pid), 10, "the kernel to stop it")

        def gone_once_said(line: str) -> None:
            said.append(line)
            process.kill()  # so the wait ends as it does once the process is gone
        assert reusable_server(tmp_path, 60, gone_once_said) is None
    finally:
        process.kill()
        process.wait()
    assert len(said) == 1 and f"(pid {process.pid}, " in said[0] and f"`kill -CONT {process.pid}`" in said[0], said


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real worker and its run, ~30 s); in "
                    "CI the first test above checks the handshake the worker's cancel relies on too")
def test_a_worker_run_cancelled_in_the_ui_goes_straight_to_cancelled(
        tmp_path: Path, server: LocalServer, worker: Path) -> None:  # noqa: F811  (the fixture)
    """A run of prefect.yaml's `manual` deployment by a process worker, cancelled while it fetches: the worker's
    cancel asks the run's process over the same loopback channel, so it was Crashed first too."""
    release = threading.Event()
    config_path = write_config(tmp_path, server.base_url, {"held": stopped_news_site(server, release)})
    try:
        invoke_and_assert(["deployment", "run", "ingest/manual", "-p", f"config_path={config_path}"],
                          expected_code=0, echo=False)
        wait_for(lambda: server.hits("/held/story.html"), 180, "the worker's run to be fetching the held page")
        run_id = wait_for(lambda: _held_run_id(tmp_path), 30, "the run's row")
        asked = asyncio.run(_cancel_from_the_ui(os.environ["PREFECT_API_URL"], run_id))
        wait_for(lambda: asyncio.run(flow_run_states(os.environ["PREFECT_API_URL"], run_id))[-1][1]
                 in ("CANCELLED", "CRASHED", "COMPLETED", "FAILED"), 90, "the run's end")
    finally:
        release.set()
    states = asyncio.run(flow_run_states(os.environ["PREFECT_API_URL"], run_id))
    kinds = [kind for _, kind, _ in states]
    print(f"\nworker run cancelled: {' -> '.join(kinds[kinds.index('RUNNING'):])}, "
          f"final {(states[-1][0] - asked).total_seconds():.2f} s after the ask")
    assert "CRASHED" not in kinds and kinds[-1] == "CANCELLED", states
