"""How a run takes a stop signal: which failure is a stop (`cancelled`, not `failed`), and the hold on
Ctrl-C, SIGTERM and SIGHUP while the run records how it ended (`newsflow.runner`), and a stage's tasks ended
together when one of them ends the run."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from typing import Any

from newsflow import cli_signals
from newsflow.cli_signals import a_stop_was_asked, note_a_stop_asked

# What the orchestrator running the run says of a stop under way (flows/runcancel.py: Prefect's cancel intent)
_stops_told: list[Callable[[], bool]] = []


def is_cancellation(exc: BaseException) -> bool:
    """A run stopped on purpose (Ctrl-C, SIGTERM, a cancelled flow run) is `cancelled`, not `failed`.

    Every stop from outside is a BaseException that is no Exception: KeyboardInterrupt, SystemExit,
    asyncio.CancelledError, and Prefect's TerminationSignal, which SIGTERM raises in a served or
    deployed run (it was recorded `failed`, red team 17). So is any exception once a stop signal reached the
    command, or once the orchestrator has said the run is being stopped (`stops_told_by`): a stop that a library
    turned into its own error (`newsflow.cli_signals`). What the orchestrator says (`stops_told_by`) makes a stop
    of DuckDB's interruption only (`RuntimeError('Query interrupted')`, Prefect 55): any other error during a
    runner's cancel is still the error it is (review of Prefect 55)."""
    return (not isinstance(exc, Exception) or a_stop_was_asked()
            or (is_an_interrupted_query(exc) and any(told() for told in _stops_told)))


def is_an_interrupted_query(exc: BaseException) -> bool:
    """DuckDB's error for a signal that landed in its statement: a RuntimeError (or DuckDB's own error class)
    saying `Query interrupted`."""
    from_duckdb = isinstance(exc, RuntimeError) or type(exc).__module__.partition(".")[0] == "duckdb"
    return from_duckdb and str(exc).strip() == "Query interrupted"


def stops_told_by(told: Callable[[], bool]) -> None:
    """From now on in this process, `told()` saying True means a stop is under way (idempotent). A served run's
    stop is Prefect's SIGTERM, whose handler newsflow does not replace (Prefect 54): what notes it is Prefect's."""
    if told not in _stops_told:
        _stops_told.append(told)


HOLD_AT_MOST_S = cli_signals.HOLD_AT_MOST_S  # how long the end holds a stop back (a test shortens it here)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while the run records how it ended (red team 7: a second Ctrl-C
    0.3 s after the first interrupted that statement, "Query interrupted": the run said it crashed,
    exit 1, its row left `running`). The run is stopping anyway; the signal is dropped, unless it
    comes again HOLD_AT_MOST_S after the first: then it raises KeyboardInterrupt. In the main
    thread only (elsewhere Python has no signal handlers to hold)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = [s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if callable(signal.getsignal(s))]
    first: list[float] = []

    def hold(signum: int, frame: Any) -> None:
        # The end may wait write_patience for a reader or load a spool: a stop asked for again
        # HOLD_AT_MOST_S after the first one held is obeyed at once (review of red team 17).
        if not first:
            first.append(time.monotonic())
        elif time.monotonic() - first[0] >= HOLD_AT_MOST_S:
            note_a_stop_asked()  # obeyed: inside a DuckDB statement it comes out as RuntimeError "Query interrupted"
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, hold) for s in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


async def all_or_none_left(steps: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Await every step; one that raises (the machine's limit ending the run, Local 32) cancels the others first:
    `gather` left them running, orphaned, and the loop's close said `coroutine … was never awaited` (review F7)."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
