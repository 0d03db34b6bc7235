"""A served run stopped mid-work says so in one line, not with Prefect's traceback (Prefect 21).

When `newsflow serve` stops (SIGTERM, Ctrl-C) or the run is cancelled, Prefect's runner sends the run's own
process SIGTERM. Prefect 3.9.1's engine turns it into `TerminationSignal` out of the event loop, `asyncio.run`
then cancels the run's task, and the engine, having recorded the run Cancelled, ends that task with a new
`TerminationSignal`. asyncio reports a task that ends with an exception as its loop shuts down through the
loop's exception handler, whose default logs `unhandled exception during asyncio.run() shutdown` with the whole
traceback, in the service's output. The engine then exits 0 as it would anyway.

`say_stops_on_one_line` sets the running loop's exception handler (asyncio's own hook, no Prefect internals):
a `TerminationSignal` is kept at debug level, anything else goes to the handler there was before.
`stopped_line` is the run's one line, which the flow logs as it is stopped: in the service's output and the
run's logs.

The engine also logs the stop at ERROR in its own words, once per task in flight and once for the flow:
`Crash detected! Execution was cancelled by the runtime environment.`, `Finished in state Crashed(...)`, and
`Finished in state Running()` or `Cancelled(...)`. A service stopped by its supervisor printed three ERROR lines for
a stop that went as it should. `quiet_engine_stop_lines` keeps those restatements at debug once the process is
being stopped: the engine logs them while it handles the stop's `TerminationSignal` (Prefect's SIGTERM handler
raises it), so the filter finds that exception in the one being handled, and from then on the stop is noted. Any
other ERROR, and those lines with no stop in flight, stay as they were.

Until Prefect 54 the stop was noted by a SIGTERM handler put in front of the engine's. Prefect 3.9.1's runner first
asks the run's process over a loopback channel to take its SIGTERM as a cancel, and the process agrees only if
the SIGTERM handler is still the engine's own (`commit_control_intent_and_ack`): with newsflow's in front it
refused, the runner waited 1 s for the answer, sent SIGTERM as a kill, the engine recorded the run Crashed, and
the runner recorded it Cancelled only on its next look at the process, up to 3 s later (Prefect's UI and
`newsflow status` showed a crash for 2.5-6 s). Nothing here replaces a signal handler now.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.util
import sys
import threading
from typing import Any

from prefect.context import FlowRunContext
from prefect.exceptions import TerminationSignal

from flows.apiwatch import http_status, is_lost_connection
from flows.runcancel import a_cancel_is_under_way
from newsflow.cli_signals import a_stop_was_asked, how_the_stopped_run_is_recorded

logger = logging.getLogger("newsflow.serve")
# A load under way is committed whole (review of hunt 48). What is said of the row is the runner's note, as
# `newsflow run`'s line says it: a row a full disk refused is not "cancelled" (readthrough 45, finding 2)
STOPPED = ("run {run_id} ({name}) stopped before its end (its service stopped, or it was cancelled): its batch "
           "in flight loaded whole or not at all, {row}, and what it had not stored stays pending for the next run")
ExceptionHandler = Any  # asyncio's own type for it is private
ENGINE_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
STOP_RESTATED = ("Crash detected! Execution was cancelled by the runtime environment.",
                 # the engine's words when the SIGTERM lands before the run acknowledged the cancel (at its start)
                 "Crash detected! Execution was aborted by a termination signal.",
                 *(f"Finished in state {state}(" for state in ("Crashed", "Running", "Cancelled", "Cancelling")))
# A run that found the warehouse held ends Cancelled (`skipped: …`, flows/ingest.py `skip_run`) after its own WARNING
# line; the async engine restates any final state but Completed at ERROR: a documented skip of every served run that
# meets a run by hand was an ERROR line in the service's output (hunt 48). Kept at debug, whatever the stop.
SKIP_RESTATED = tuple(f"Finished in state Cancelled({quote}skipped: " for quote in "'\"")
_stop_received = threading.Event()
_stop_said = threading.Event()  # this process's flow run said its stopped line (`stopped_line`)
_raw_stop_exit_armed = False
# Below every exit finalizer of the stdlib's (the lowest, its temp dir's removal, is -100; equal priorities run newest
# first): ours runs after them all, so its SystemExit, which ends the finalizers' loop, leaves nothing behind.
RAW_STOP_EXIT_PRIORITY = -(2**31)
RAW_STOP_EXIT_CODE = 1  # what multiprocessing gives a process whose target raised: the code stays, not the output
RAW_STOP_LINE = ("newsflow: flow run {run_id}: its process was ended by a SIGTERM its runner did not send as a cancel, "
                 "and Prefect could not record the stop; the next run's sweep marks its flow run")


class EngineStopLinesAtDebug(logging.Filter):
    """The engine's ERROR lines that restate a stop this process received, or a skip the flow said (SKIP_RESTATED),
    as if logged at debug (see the module's text): kept at DEBUG where the logger takes debug, and otherwise not
    logged at all (the handlers, Prefect's console one among them, take every level their logger lets through)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        message = record.getMessage()
        restated = message.startswith(STOP_RESTATED) and (_stop_received.is_set() or a_stop_was_asked()
                                                          or a_cancel_is_under_way() or _a_stop_is_in_flight())
        if not (restated or message.startswith(SKIP_RESTATED)):
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def _a_stop_is_in_flight() -> bool:
    """Whether the exception being handled where the record is logged is, or was raised while handling, the stop's
    `TerminationSignal` (the engine turns it into the task's CancelledError); noted for the lines after. A
    `newsflow run` notes its own stops (`a_stop_was_asked`): its SIGTERM and Ctrl-C cancel the flow's task, and
    raise no `TerminationSignal`."""
    exception, seen = sys.exc_info()[1], set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, TerminationSignal):
            _stop_received.set()
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def quiet_engine_stop_lines() -> None:
    """From now on the engine's loggers keep their restatements of a stop at debug. Idempotent; a new flow in the
    process starts unstopped (`newsflow run` in a test). It replaces no signal handler: see the module's text."""
    _stop_received.clear()
    for name in ENGINE_LOGGERS:
        engine_logger = logging.getLogger(name)
        if not any(isinstance(kept, EngineStopLinesAtDebug) for kept in engine_logger.filters):
            engine_logger.addFilter(EngineStopLinesAtDebug())


def say_stops_on_one_line() -> None:
    """From now on the running loop keeps a task's `TerminationSignal` out of the output (at debug level), and so
    does the process's exit in a served run (`end_a_raw_stop_quietly`)."""
    end_a_raw_stop_quietly()
    loop = asyncio.get_running_loop()
    previous: ExceptionHandler = loop.get_exception_handler()
    if getattr(previous, "keeps_stops_on_one_line", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if _the_stop_or_its_refused_write(context.get("exception")):  # the run's line was said as it stopped
            logger.debug("%s", context.get("message"), exc_info=context["exception"])
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.keeps_stops_on_one_line = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


def _the_stop_or_its_refused_write(error: BaseException | None) -> bool:
    """The stop's `TerminationSignal`, or the API's failure the engine met writing the stop's state (raised while
    handling it): a served run ended by its service's exit 4 behind an API answering 500 printed "unhandled
    exception during asyncio.run() shutdown" with the engine's traceback after the service's one line (Prefect 58)."""
    if isinstance(error, TerminationSignal):
        return True
    if error is None or not (is_lost_connection(error) or http_status(error) is not None):
        return False
    cause = error.__context__
    for _ in range(10):  # a chain of contexts; never a cycle
        if cause is None or isinstance(cause, TerminationSignal):
            return cause is not None
        cause = cause.__context__
    return False


def stopped_line() -> str | None:
    """The line for this flow run, if it is a deployment's (served or deployed): `newsflow run` says its own."""
    context = FlowRunContext.get()
    this_run = context.flow_run if context else None
    if this_run is None or this_run.deployment_id is None:
        return None
    _stop_said.set()
    return STOPPED.format(run_id=this_run.id, name=this_run.name, row=how_the_stopped_run_is_recorded())


def end_a_raw_stop_quietly() -> None:
    """In a served run's process (Prefect's runner starts it as a multiprocessing SpawnProcess): a SIGTERM its runner
    did not announce as a cancel, when the engine's Crashed write then fails too, leaves the process as the stop's
    `TerminationSignal`, and multiprocessing prints "Process SpawnProcess-1:" and its traceback (Prefect 58's Left:
    `newsflow serve`'s exit 4 behind 500s SIGTERMs its served run after the runner's cancel met a 500). Prefect
    re-raises it on purpose (prefect/engine.py, `handle_engine_signals`: "A raw external termination with neither
    form of evidence must propagate"), from the process's target, where no code of newsflow's runs; but
    multiprocessing calls its exit finalizers (`util._exit_function`) in a `finally` around that target, before the
    `except` that prints. Ours, below the stdlib's own (its temp dir's removal), runs last and ends the process with
    the same code, 1, and no traceback: after the run's own stopped line, or one line here if the stop came before
    the flow could say it. A stop chained to another exception (a bug's) keeps the traceback. Idempotent; nothing in
    a process that is not a multiprocessing child (`newsflow run`)."""
    global _raw_stop_exit_armed
    if _raw_stop_exit_armed or multiprocessing.parent_process() is None:
        return
    _raw_stop_exit_armed = True
    context = FlowRunContext.get()
    run_id = str(context.flow_run.id) if context and context.flow_run else "(unknown)"
    multiprocessing.util.Finalize(None, _end_a_raw_stop, args=(run_id,), exitpriority=RAW_STOP_EXIT_PRIORITY)


def _end_a_raw_stop(run_id: str) -> None:
    """The process's last exit finalizer: its target is leaving with the stop's `TerminationSignal` (it is the
    exception being handled: the finalizers run in a `finally` around the target) -> exit 1, no traceback. Only a
    bare stop: one that landed while another exception was handled (a bug's) leaves multiprocessing's traceback."""
    if not _a_bare_stop(sys.exc_info()[1]):
        return
    if not _stop_said.is_set():
        print(RAW_STOP_LINE.format(run_id=run_id), file=sys.stderr, flush=True)
    raise SystemExit(RAW_STOP_EXIT_CODE)


def _a_bare_stop(error: BaseException | None) -> bool:
    """A `TerminationSignal` with no other exception chained to it (the chain is short; never a cycle past 10)."""
    if not isinstance(error, TerminationSignal):
        return False
    chained = error.__cause__ or error.__context__
    for _ in range(10):
        if chained is None:
            return True
        if not isinstance(chained, TerminationSignal):
            return False
        chained = chained.__cause__ or chained.__context__
    return False
