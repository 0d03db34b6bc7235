"""Prefect 55 (docs/scheduling.md, "Prefect 55"): a run stopped by hand ends Cancelled in Prefect, never Crashed; its
task in flight too; a stop DuckDB turned into its own error is the stop, not a failure with a traceback."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import pytest
from flows.runcancel import a_cancel_is_under_way, intent_is_there, stopped_as_a_cancel
from prefect import flow as flow_for_the_watch
from prefect._internal import control_listener
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.exceptions import TerminationSignal
from prefect.utilities.engine import capture_sigterm

import flows
from newsflow import cli, cli_signals, runstops
from newsflow.cli_signals import forget_stops_asked, note_a_stop_asked
from newsflow.runstops import is_cancellation, stops_told_by
from newsflow.warehouse import Warehouse, run_read_query
from tests.flows.test_run_modes import planet_site
from tests.localserver import LocalServer


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """`newsflow run` in-process leaves its own SIGTERM and Ctrl-C handlers, and a noted stop (ci140): put back.
    With them the module state it sets (Prefect 57's review, F7): SIGTERM taken as Ctrl-C (`flows`), handler errors
    unshown (`logging.raiseExceptions`, `quiet_prefects_console`), the run's opened and recorded flags, and the
    warnings filter `say_interrupted` adds. A thread Prefect's services left is not this fixture's."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    module_state = (flows._sigterm_interrupts, logging.raiseExceptions, list(warnings.filters))
    flags = {event: event.is_set() for event in (cli_signals._run_recorded, cli_signals._run_opened)}
    told = list(runstops._stops_told)
    runstops._stops_told.clear()  # what a test checks the flow registers, no earlier test registered for it
    forget_stops_asked()
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)
        forget_stops_asked()
        control_listener.clear_intent()
        runstops._stops_told[:] = told
        flows._sigterm_interrupts, logging.raiseExceptions, warnings.filters[:] = module_state
        warnings._filters_mutated()  # type: ignore[attr-defined]  # as warnings' own catch_warnings does
        for event, was_set in flags.items():
            event.set() if was_set else event.clear()


def stopping_as_fetched(
    signum: int, before_stop: Callable[[], None] | None = None,
) -> tuple[list[bool], Callable[[BaseHTTPRequestHandler], None]]:
    """A page whose request stops the run (the signal to this process, as `kill` or Ctrl-C sends it) and then
    never ends: the stop lands while the run's batch is in flight, by the run's own request, not by time.
    `before_stop` runs once, just before the signal (test_prefect57: the API goes down then)."""
    sent: list[bool] = []

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<html><body><p>")
        handler.wfile.flush()
        if not sent:
            sent.append(True)
            if before_stop is not None:
                before_stop()
            os.kill(os.getpid(), signum)
        stopped = threading.Event()
        stopped.wait(30)  # the run closes the connection as it stops; the server's thread ends with the test

    return sent, handle


def states_of(run_id: str) -> tuple[list[str], dict[str, str]]:
    """The flow run's state types, oldest first, and its task runs' final state types by task name."""
    with get_client(sync_client=True) as client:
        history = sorted(client.read_flow_run_states(UUID(run_id)), key=lambda state: state.timestamp)
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])))
    return ([state.type.value for state in history],
            {task.name.rsplit("-", 1)[0]: task.state.type.value for task in tasks if task.state})


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_run_by_hand_stopped_mid_batch_ends_cancelled_in_prefect_never_crashed(
    tmp_path: Path, server: LocalServer, prefect_api: str, signals_kept: None, signum: int,
) -> None:
    """Before: Pending -> Running -> Crashed ("Execution was cancelled by the runtime environment"), its
    fetch-extract-load task Crashed, while the row said cancelled. Now the engine's own cancel: Cancelling ->
    Cancelled, the task Cancelled; and nothing of the cancel is left for a later run in this process."""
    assert intent_is_there(), "this Prefect has no cancel intent: the stop is recorded Crashed (flows/runcancel.py)"
    sent, handle = stopping_as_fetched(signum)
    config_path = planet_site(tmp_path, server, stories=1, extra={"/stops.html": handle})
    assert cli.main(["run", "--config", str(config_path), "--quiet"]) == 130
    assert sent == [True]
    [(run_id, status)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT run_id, status FROM runs").rows
    assert status == "cancelled"
    history, tasks = states_of(str(run_id))
    assert "CRASHED" not in history and history[-1] == "CANCELLED", history
    assert tasks["fetch-extract-load"] == "CANCELLED" and tasks["poll-feeds"] == "COMPLETED", tasks
    assert control_listener.get_intent() is None, "a later run in this process would be taken as cancelled"
    assert signal.getsignal(signal.SIGTERM) is flows._interrupt, "SIGTERM is newsflow run's again, not the engine's"
    assert a_cancel_is_under_way in runstops._stops_told, "the flow tells the runner a cancel is a stop (below)"


def interrupted_in_a_duckdb_statement() -> RuntimeError:
    """What DuckDB raises for a SIGTERM, under the engine's handler, landing in its statement: the signal is sent
    once the statement has started (a Python UDF in it sets the event the sender waits on), not after a timer."""
    connection = duckdb.connect()
    connection.execute("SET threads = 1")
    connection.execute("SET enable_progress_bar = false")
    started = threading.Event()

    def statement_started(value: int) -> int:
        started.set()
        return value

    connection.create_function("statement_started", statement_started, ["BIGINT"], "BIGINT")

    def stop_once_started() -> None:
        if started.wait(30):
            os.kill(os.getpid(), signal.SIGTERM)

    sender = threading.Thread(target=stop_once_started, daemon=True)
    with capture_sigterm():  # the engine's SIGTERM handler, as around a served run
        sender.start()
        with pytest.raises(RuntimeError, match="Query interrupted") as interrupted:
            connection.execute("WITH s AS (SELECT statement_started(0) AS z) "  # evaluated once, as it starts
                               "SELECT sum(i * i % 7) FROM range(2000000000) t(i), s WHERE i > z").fetchall()
        sender.join(30)
    return interrupted.value


def test_a_stop_duckdb_turned_into_query_interrupted_is_the_cancel_under_the_engines_handler(
    signals_kept: None,
) -> None:
    """A served run's stop: the runner commits the cancel intent (its ack), then sends SIGTERM, which the engine's
    handler turns into `TerminationSignal`. Landing in a DuckDB statement in the main thread (the run's migration,
    its start row), DuckDB swallowed it and raised `RuntimeError('Query interrupted')`: the run was recorded Failed,
    with that traceback at ERROR, and got no `runs` row (the runner recorded a start only for a stop). Only that
    interruption is the cancel: any other error during a cancel is still an error (its row `failed`, its
    traceback kept)."""
    stops_told_by(a_cancel_is_under_way)  # as the flow does at its start (the fixture takes it back)
    control_listener._set_intent("cancel")
    interrupted = interrupted_in_a_duckdb_statement()
    assert is_cancellation(interrupted), "recorded cancelled (with its start), not failed"

    async def raising(error: Exception) -> None:
        raise error

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(stopped_as_a_cancel(raising(interrupted)))  # the engine's cancel, not its Failed and traceback
    for bug in (KeyError("feeds"), RuntimeError("Query interrupted by a typo"), ZeroDivisionError()):
        assert not is_cancellation(bug), bug
        with pytest.raises(type(bug)):
            asyncio.run(stopped_as_a_cancel(raising(bug)))
    control_listener.clear_intent()
    assert not is_cancellation(interrupted), "with no cancel under way, an error is an error"


@pytest.mark.parametrize("stopping", [True, False], ids=["stopping already", "not stopping"])
def test_the_cancel_watch_takes_the_engines_own_cancelling_for_no_cancel_from_prefect(
    prefect_api: str, monkeypatch: pytest.MonkeyPatch, signals_kept: None, stopping: bool,
) -> None:
    """The engine records a stopped run by hand Cancelling, then Cancelled. `newsflow run`'s CancelWatch, asking
    every 2 s for a Cancelling run of this process, met the Cancelling between the two and took it for a cancel from
    Prefect's UI: it sent SIGTERM again and the line said `cancelled from Prefect (flow run …)` of a run stopped by
    `docker stop` (tests/hostile/test_sigterm.py, once in 2). A run already stopping is left alone; one that is not,
    Cancelling from Prefect, is stopped as before. A real flow run on the session's server, Cancelling."""
    from prefect.states import Cancelling

    from flows import cancelwatch, zombies

    @flow_for_the_watch(name=zombies.FLOW_NAME)
    def ingest() -> None: ...

    with get_client(sync_client=True) as client:
        this_run = client.create_flow_run(ingest)
        client.set_flow_run_state(this_run.id, Cancelling(), force=True)
    asked: list[str | None] = []
    real_query = cancelwatch.cancelling_run_among

    def counted(api_url: str, run_ids: list[str]) -> str | None:
        found = real_query(api_url, run_ids)
        asked.append(found)
        return found

    signalled: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, frame: signalled.append(number))
    monkeypatch.setattr(cancelwatch, "cancelling_run_among", counted)
    monkeypatch.setattr(zombies, "_RUNS_STARTED_HERE", [])
    forget_stops_asked()
    if stopping:
        note_a_stop_asked()  # Ctrl-C or SIGTERM, which committed the cancel the engine records
    watch = cancelwatch.CancelWatch(prefect_api, every=0.05).start()
    zombies.started_here(this_run)
    watch._thread.join(30)  # the watch ends once it has found the run Cancelling, whether it stopped it or not
    watch.stop()
    assert str(this_run.id) in asked, ("the watch saw the run Cancelling", asked)
    assert (watch.cancelled_run, signalled) == ((None, []) if stopping else (str(this_run.id), [signal.SIGTERM]))


def test_a_run_a_dead_process_left_cancelling_is_ended_cancelled_by_the_next_runs_sweep(prefect_api: str) -> None:
    """A second stop (or SIGKILL) between the engine's Cancelling and Cancelled writes left the run Cancelling for
    good: the sweep took only Running runs, and a CancelWatch watches its own process's. Now the next run's sweep
    ends it Cancelled, as it ends a Running one Crashed; a live process's Cancelling run is left to it."""
    from flows.ingest import ingest
    from flows.zombies import mark_crashed_zombies, process_record
    from prefect.states import Cancelling

    from tests.flows.test_zombies import dead_pid

    async def sweep() -> list[str]:
        async with get_client() as client:
            ids = []
            for where in (f"{socket.gethostname()}:{dead_pid()}", process_record()):
                flow_run = await client.create_flow_run(ingest, state=Cancelling())
                await client.update_flow_run(flow_run.id, infrastructure_pid=where)
                ids.append(flow_run.id)
            await mark_crashed_zombies(client)
            return [(await client.read_flow_run(i)).state.type.value for i in ids]  # type: ignore[union-attr]

    assert asyncio.run(sweep()) == ["CANCELLED", "CANCELLING"]


def test_a_served_runs_stop_duckdb_turned_into_its_error_in_open_run_ends_the_run_cancelled_with_its_row(
    tmp_path: Path, server: LocalServer, prefect_api: str, signals_kept: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The flow's own two lines (flows/ingest.py): it tells the runner a cancel under way is a stop
    (`stops_told_by`), and turns the error out of the run into the engine's cancel (`stopped_as_a_cancel`). The
    runner's ack (the intent) then DuckDB's `RuntimeError('Query interrupted')` out of the run's start, as a
    served run's SIGTERM in that statement gives (the DuckDB test above); here raised at that seam, in the flow
    run in-process. Before: Failed, with the traceback, and no `runs` row."""
    from flows.ingest import ingest

    from newsflow import readersafe

    def interrupted(*args: object) -> None:
        control_listener._set_intent("cancel")  # the runner's ack, before its SIGTERM
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(readersafe, "open_run", interrupted)
    config_path = planet_site(tmp_path, server, stories=1)
    with pytest.raises(TerminationSignal):  # the engine's cancel, as in a served run's process (which it ends)
        asyncio.run(ingest(config_path=str(config_path)))
    [(run_id, status)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT run_id, status FROM runs").rows
    assert status == "cancelled"
    history, _ = states_of(str(run_id))
    assert "FAILED" not in history and history[-1] == "CANCELLED", history


def test_a_run_by_hand_stopped_before_its_start_row_says_it_has_no_row(
    tmp_path: Path, server: LocalServer, prefect_api: str, signals_kept: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stop as Prefect starts the run, before the runner opens it: the line said "the run is recorded cancelled"
    of a run with no `runs` row (review of Prefect 55, F7; main too). The SIGTERM is sent by the flow's sweep for
    killed processes' runs, the last thing before the runner, then the real sweep goes on."""
    from flows import ingest as ingest_module

    real_sweep = ingest_module.mark_crashed_zombies

    async def stopped_then_swept(*args: Any) -> list[UUID]:
        os.kill(os.getpid(), signal.SIGTERM)
        return await real_sweep(*args)

    monkeypatch.setattr(ingest_module, "mark_crashed_zombies", stopped_then_swept)
    config_path = planet_site(tmp_path, server, stories=1)
    assert cli.main(["run", "--config", str(config_path), "--quiet"]) == 130
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "stopped before it started, so it has no row" in line and "recorded cancelled" not in line, line
    warehouse_file = tmp_path / "warehouse" / "news.duckdb"
    assert not warehouse_file.exists() or run_read_query(Warehouse(warehouse_file), "SELECT * FROM runs").rows == []
