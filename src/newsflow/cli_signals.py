"""Signals once a command knows how it ends: a late Ctrl-C never changes the exit code it promised.

A Ctrl-C (or SIGTERM, SIGHUP) can land after a command has decided its exit code and printed its
one line, while it returns or while the interpreter shuts down (Prefect's services flush, atexit
handlers, finalizers). There Python raised KeyboardInterrupt, and a KeyboardInterrupt that reaches
the top ends the process by SIGINT: exit -2 after a line promising 130 (CI, stops 19 and 20).
Python drops its handlers before its own teardown, so from the last atexit handler on, such signals
are ignored. Only when this process is the command (`newsflow.cli.main()` with no argv): a test calling
`main([...])` keeps its own handlers.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

_LATE_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_the_command = threading.Event()  # set by main() when this process is the command itself
_stops_noted = [0]  # every stop noted by a run's stop handler (flows/__init__.py) as a stop signal lands
_stops_before_the_command = [0]  # `_stops_noted` as the command started (`forget_stops_asked`)
_run_recorded = threading.Event()  # set by the runner once the run's end is recorded completed
_dropped_at: list[float] = []  # when the first stop after that was dropped
_row_unwritten = threading.Event()  # set by the runner when a stopped or failed run's row could not be written
_run_opened = threading.Event()  # set by the runner as it opens the run: from there on a stop is recorded in a row
_told_of_stops: list[threading.Event] = []  # set at each stop noted (`tell_of_stops`)
# How long a run's end may hold Ctrl-C and SIGTERM back (runstops.interrupts_held, and after it the command's
# end): longer than recording it takes (red team 7's second Ctrl-C came 0.3 s after the first), far shorter
# than a reader's write_patience can be.
HOLD_AT_MOST_S = 5.0


def note_a_stop_asked() -> None:
    _stops_noted[0] += 1
    for event in list(_told_of_stops):
        event.set()


def tell_of_stops(event: threading.Event) -> None:
    """Set `event` at each stop noted from now on, until `stop_telling` (a watch waits on it: no flag to poll)."""
    _told_of_stops.append(event)


def stop_telling(event: threading.Event) -> None:
    with contextlib.suppress(ValueError):
        _told_of_stops.remove(event)


def stops_noted() -> int:
    """How many stops this process has noted: a run compares it with the count as it started, for the stops
    asked during it (the count outlives an in-process run: the tests run many in one process)."""
    return _stops_noted[0]


def forget_stops_asked() -> None:
    """A new command starts unstopped (`newsflow run` called again in one process: the tests)."""
    _stops_before_the_command[0] = _stops_noted[0]


def note_the_run_recorded() -> None:
    """The run's row says `completed`: from here to the command's end, a stop is dropped (`dropped_as_recorded`).
    Not forgotten as the command returns (a SIGTERM then is still `flows._interrupt`'s, until the command's exit
    handlers take over): forgotten as a run or a command starts."""
    _dropped_at.clear()
    _run_recorded.set()


def forget_the_run_recorded() -> None:
    _run_recorded.clear()
    _dropped_at.clear()
    _row_unwritten.clear()
    _run_opened.clear()


def note_the_run_opened() -> None:
    """The runner opens the run (its start row next): a stop from here on is recorded, in a row or the spool."""
    _run_opened.set()


def note_the_row_unwritten(unwritten: bool) -> None:
    """Whether the run's last try at its row failed (a full disk; a stop asked again cut it short): such a row stays
    `running` for the next run to mark `abandoned`, and the command says so, not "recorded cancelled"."""
    if unwritten:
        _row_unwritten.set()
    else:
        _row_unwritten.clear()


def the_row_is_unwritten() -> bool:
    return _row_unwritten.is_set()


def how_the_stopped_run_is_recorded() -> str:
    """What the command's `interrupted` line says of the stopped run's row (flows/cli.py)."""
    if _row_unwritten.is_set():
        return "the run's row could not be written (said above), so the next run marks it abandoned"
    if not _run_opened.is_set():  # stopped as Prefect started it: there is no row to say cancelled (review F7)
        return "the run was stopped before it started, so it has no row"
    return "the run is recorded cancelled"


def the_run_was_recorded() -> bool:
    return _run_recorded.is_set()


def dropped_as_recorded() -> bool:
    """Whether a stop signal landing now is dropped: the run is recorded completed, and what is left is its
    report, Prefect's record of the flow run and the summary (red team 29: a stop there cancelled the finished
    flow, and the command said "interrupted; the run is recorded cancelled", exit 130, of a run recorded
    `completed`). As while the end is recorded (`runstops.interrupts_held`), a stop asked again HOLD_AT_MOST_S
    after the first dropped one is obeyed: a Prefect API slow to take the report does not hold Ctrl-C for good."""
    if not _run_recorded.is_set():
        return False
    if not _dropped_at:
        _dropped_at.append(time.monotonic())
    return time.monotonic() - _dropped_at[0] < HOLD_AT_MOST_S


def a_stop_was_asked() -> bool:
    """Whether a stop signal (Ctrl-C, SIGTERM, SIGHUP) reached this command: then whatever it raised is an
    interruption. A KeyboardInterrupt raised inside a library can come out as another exception: pydantic
    turns one raised in a serializer it calls into `PydanticSerializationError` ("Error calling function
    ...: KeyboardInterrupt"), with no `__cause__` to find it by."""
    return _stops_noted[0] > _stops_before_the_command[0]


def mark_as_the_command() -> None:
    _the_command.set()


def is_the_command() -> bool:
    """Whether this process is the command itself (`newsflow.cli.main()` with no argv), not a test calling it."""
    return _the_command.is_set()


def ignore_signals_while_python_finalizes() -> None:
    """From here to the end of the process, late signals are ignored (only when it is the command).

    After the atexit handlers Python drops its signal handlers (back to the default: death by the
    signal) and only then collects garbage and tears its modules down, 0.5-2.4 s with Prefect
    loaded. A second Ctrl-C landing there ended `newsflow run` by SIGINT, exit -2, after its line
    promising 130 and with no traceback (CI, stops 19 and 20). An ignored signal stays ignored
    through that teardown; the process is ending anyway, with its own code."""
    if _the_command.is_set() and threading.current_thread() is threading.main_thread():
        for signum in _LATE_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


# Registered as this module is imported, before `main()` runs, so that it runs after every atexit
# handler registered later (atexit runs them last in, first out): Prefect's services, which flush
# with the end-at-once handler still in place, so a Ctrl-C there still ends the process at once.
atexit.register(ignore_signals_while_python_finalizes)


def drop_further_interrupts() -> None:
    """The command ends interrupted and is about to say so: further signals are dropped until
    `end_at_once_on_a_signal` takes over, so none lands between its line and its exit code."""
    if _the_command.is_set() and threading.current_thread() is threading.main_thread():
        _replace_handlers(lambda signum, frame: None)


def end_at_once_on_a_signal(code: int) -> None:
    """The command is over; only the interpreter's shutdown is left. A signal now (Ctrl-C pressed
    again, SIGTERM after Ctrl-C) ends the process at once with `code` (red team 8's world).
    Ignored signals stay so."""
    def end(signum: int, frame: FrameType | None) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)

    _replace_handlers(end)


def _replace_handlers(handler: Callable[[int, FrameType | None], None]) -> None:
    for signum in _LATE_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, handler)
