"""Prefect 21 (docs/scheduling.md, "Prefect 21"): `newsflow serve` stopped while a served run does its work.

The run's own process gets SIGTERM from Prefect's runner; Prefect 3.9.1's engine records the run Cancelled, and
asyncio then logged the run's task, ended by `TerminationSignal`, with its whole traceback in the service's output
(flows/runstop.py). The test signals the service once the run is inside the slow page's request (the loopback site
holds it until the service has exited): no sleep aims it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from flows.runstop import STOP_RESTATED, EngineStopLinesAtDebug, quiet_engine_stop_lines, say_stops_on_one_line
from hypothesis import given, settings
from hypothesis import strategies as st
from prefect.exceptions import TerminationSignal

from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.flows.test_artifacts import add_news_site
from tests.flows.test_serve import served_flow_runs, start_serve, stop, wait_for
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import rss_feed


def stopped_news_site(server: LocalServer, release: threading.Event) -> str:
    """A feed of two stories whose second page is held until `release`: the run stops with its batch in flight."""
    add_news_site(server, "held", range(1, 2))
    [path] = [route for route in server.routes if route.startswith("/held/") and route.endswith(".html")]

    def held_page(handler: BaseHTTPRequestHandler) -> None:
        release.wait(timeout=120)
        with contextlib.suppress(OSError):  # the run was cancelled and hung up
            send_bytes(handler, 200, b"<html><body><p>late</p></body></html>", "text/html")

    server.add("/held/story.html", held_page)
    feed = [("A story", server.url(path), datetime(2026, 11, 1, tzinfo=UTC)),
            ("A held story", server.url("/held/story.html"), datetime(2026, 11, 2, tzinfo=UTC))]
    return server.add("/held/feed.xml", Page(rss_feed("held", feed), "application/rss+xml")).removeprefix(
        server.base_url)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~25 s); in CI "
                    "tests/flows/test_serve_end.py's second-signal case stops a service mid-run on this held site and "
                    "checks the same, with a second signal during the stop")
def test_a_sigterm_while_a_served_run_fetches_says_one_line_and_leaves_no_half_run(
        tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    """On the start commit the service's output held asyncio's `unhandled exception during asyncio.run()
    shutdown` with the run's `TerminationSignal` traceback; now one line says the run stopped and what became of
    it. The run ends Cancelled, its `runs` row `cancelled`, and its batch in flight left nothing behind."""
    release = threading.Event()
    process = start_serve(tmp_path, server, prefect_api, {"held": stopped_news_site(server, release)})
    try:
        wait_for(lambda: server.hits("/held/story.html"), 120, "a run to be fetching the held page")
        stop_s = stop(process, signal.SIGTERM)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    said = (tmp_path / "serve.log").read_text(errors="replace")
    assert process.returncode == 0 and "Traceback" not in said, said[-4000:]
    config_path = tmp_path / "newsflow.toml"
    store = Warehouse(load_config(config_path).warehouse_path)
    [(run_id, status, error)] = run_read_query(store, "SELECT run_id, status, error FROM runs").rows
    assert status == "cancelled" and error, (status, error)
    flow_runs, paused = asyncio.run(served_flow_runs(prefect_api, config_path))
    [state] = [run.state for run in flow_runs if str(run.id) == run_id]
    assert state and state.is_cancelled() and paused, state
    stopped = [line for line in said.splitlines() if "stopped before its end" in line]
    assert len(stopped) == 1 and run_id in stopped[0], said[-4000:]
    assert "the run is recorded cancelled" in stopped[0], stopped  # as the row says (readthrough 45, finding 2)
    # The engine's "Crash detected! Execution was cancelled ...", "Finished in state Crashed(...)" and
    # "Finished in state Running()" were three ERROR lines restating the stop (flows/runstop.py)
    assert not [line for line in said.splitlines() if "| ERROR" in line], said[-4000:]
    assert said.rstrip().endswith("newsflow serve: stopped"), said[-2000:]
    # The batch in flight held both stories (one transaction): neither is stored, nor any page of it.
    for table in ("articles", "pages"):
        assert run_read_query(store, f"SELECT count(*) FROM {table}").rows == [(0,)], table
    [(pending,)] = run_read_query(store, "SELECT count(*) FROM entries").rows
    assert pending == 2, "both entries stay for the next run"
    print(f"\nSIGTERM mid-run to exit {stop_s:.1f} s; {stopped[0]}")


def test_the_runs_loop_keeps_a_termination_at_debug_and_reports_every_other_error_as_before(
        caplog: pytest.LogCaptureFixture) -> None:
    """The loop's exception handler the flow sets: the engine's `TerminationSignal` at asyncio.run's shutdown is
    no ERROR with a traceback any more; any other exception a task leaves is still asyncio's ERROR."""
    async def report_both() -> None:
        say_stops_on_one_line()
        say_stops_on_one_line()  # a second flow in the same loop (`newsflow run` in a test) sets nothing more
        loop = asyncio.get_running_loop()
        for exception in (TerminationSignal(signal.SIGTERM), ValueError("a bug")):
            loop.call_exception_handler({"message": "unhandled exception during asyncio.run() shutdown",
                                         "exception": exception})
    # the logger's own level too: a flow run earlier in the worker may leave newsflow's logger at INFO (CI failure)
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="newsflow.serve"):
        asyncio.run(report_both())
    errors = [(record.name, record.exc_info and type(record.exc_info[1]).__name__) for record in caplog.records
              if record.levelno >= logging.ERROR]
    assert errors == [("asyncio", "ValueError")], errors
    assert [record.name for record in caplog.records if record.levelno == logging.DEBUG
            and record.exc_info and isinstance(record.exc_info[1], TerminationSignal)] == ["newsflow.serve"]


def in_a_stop(log: Callable[[], None]) -> None:
    """`log()` as where the engine logs a stop: handling the task's CancelledError, raised while Prefect's SIGTERM
    handler's `TerminationSignal` went through the loop (the chain the engine's `Crash detected!` carries)."""
    try:
        raise TerminationSignal(signal.SIGTERM)
    except TerminationSignal:
        try:
            raise asyncio.CancelledError
        except asyncio.CancelledError:
            log()


def test_after_a_sigterm_the_engines_restatements_of_the_stop_are_debug_and_other_errors_stay(
        caplog: pytest.LogCaptureFixture) -> None:
    """Before a stop, the engine's crash line stays ERROR (a crash that no stop explains); logged while the stop's
    `TerminationSignal` is handled, and after, the lines that restate the stop are debug, and any other ERROR stays
    ERROR. No SIGTERM handler is replaced (Prefect 54: the engine's own must stay, or the cancel is a crash)."""
    LOCAL = {"send_to_api": False}  # Prefect's API handler: no flow run here to send them to
    handler = signal.getsignal(signal.SIGTERM)
    task_runs, flow_runs = logging.getLogger("prefect.task_runs"), logging.getLogger("prefect.flow_runs")
    try:
        quiet_engine_stop_lines()
        quiet_engine_stop_lines()  # a second flow in the process adds nothing more
        assert signal.getsignal(signal.SIGTERM) is handler
        with (caplog.at_level(logging.DEBUG, logger="prefect.task_runs"),
              caplog.at_level(logging.DEBUG, logger="prefect.flow_runs")):
            task_runs.error("Crash detected! Execution was cancelled by the runtime environment.", extra=LOCAL)
            in_a_stop(lambda: task_runs.error("Crash detected! Execution was cancelled by the runtime environment.",
                                              extra=LOCAL))
            task_runs.error("Finished in state Crashed('Execution was cancelled by the runtime environment.')",
                            extra=LOCAL)
            flow_runs.error("Finished in state Running()", extra=LOCAL)
            flow_runs.error("Finished in state Failed('Flow run encountered an exception: ValueError')", extra=LOCAL)
            task_runs.error("Crash detected! MemoryError: out of memory", extra=LOCAL)
    finally:
        quiet_engine_stop_lines()  # clears the noted stop for later tests in this worker
    levels = [record.levelname for record in caplog.records]
    assert levels == ["ERROR", "DEBUG", "DEBUG", "DEBUG", "ERROR", "ERROR"], caplog.text


def test_where_the_engines_loggers_take_no_debug_its_restatements_of_a_stop_are_not_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    """Prefect's console handler prints every level its logger lets through: a restatement kept at DEBUG on a
    logger at INFO printed `DEBUG | Task run ... Crash detected!` in the service's output."""
    task_runs = logging.getLogger("prefect.task_runs")
    try:
        quiet_engine_stop_lines()
        with caplog.at_level(logging.INFO, logger="prefect.task_runs"):
            in_a_stop(lambda: task_runs.error("Crash detected! Execution was cancelled by the runtime environment.",
                                              extra={"send_to_api": False}))
            task_runs.error("Crash detected! MemoryError: out of memory", extra={"send_to_api": False})
    finally:
        quiet_engine_stop_lines()
    assert [record.getMessage() for record in caplog.records] == ["Crash detected! MemoryError: out of memory"]


def test_the_filter_changes_only_error_restatements_of_a_stop_and_only_after_one() -> None:
    """Any message at any level: before a stop the filter changes nothing; once one is in flight it turns exactly
    the ERROR (and CRITICAL) records that open with a restatement of the stop into debug, and lets every other
    through."""
    restated = st.sampled_from(STOP_RESTATED).flatmap(lambda start: st.text(max_size=40).map(lambda end: start + end))
    messages = st.one_of(restated, st.text(max_size=60))
    levels = st.sampled_from([logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL])
    engine_filter = EngineStopLinesAtDebug()

    def filtered(level: int, message: str) -> tuple[bool, int]:
        record = logging.LogRecord("prefect.task_runs", level, __file__, 1, "%s", (message,), None)
        return engine_filter.filter(record), record.levelno

    @settings(max_examples=200, deadline=None)
    @given(levels, messages)
    def unchanged(level: int, message: str) -> None:
        assert filtered(level, message) == (True, level)

    @settings(max_examples=200, deadline=None)
    @given(levels, messages)
    def quieted_only_if_restated(level: int, message: str) -> None:
        restatement = level >= logging.ERROR and message.startswith(STOP_RESTATED)
        kept, now = filtered(level, message)
        debug_taken = logging.getLogger("prefect.task_runs").isEnabledFor(logging.DEBUG)
        assert (kept, now) == ((debug_taken, logging.DEBUG) if restatement else (True, level))

    try:
        quiet_engine_stop_lines()
        unchanged()
        in_a_stop(quieted_only_if_restated)
    finally:
        quiet_engine_stop_lines()
