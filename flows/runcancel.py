"""A stopped run ends Cancelled in Prefect, never Crashed, however it was stopped (Prefect 55, docs/scheduling.md).

Prefect 3.9.1's flow engine takes a stop as a cancel only when its control intent says `cancel`
(`prefect._internal.control_listener`): a runner or worker commits that intent over its loopback channel before it
sends the run's process SIGTERM, and the engine then records Cancelling -> Cancelled (`handle_cancellation`); with no
intent, the same stop is a crash (`handle_crash`: Running -> Crashed). `newsflow run` has no runner: its SIGTERM and
Ctrl-C cancel the flow's task (flows/__init__.py), so every run stopped by hand ended Crashed while its `runs` row
said `cancelled`. `take_the_stop_as_a_cancel` commits the intent itself, on the run's loop before the cancel lands;
`forget_the_cancel` clears it once the run is over (a later run in the process starts with none), and gives
`newsflow run` its SIGTERM handler back (the engine keeps its own installed while an intent is committed).

Its tasks have no cancel of their own: the task engine records every stop Crashed. `ended_cancelled` turns the stop
a task meets, once the intent says `cancel`, into the Cancelled state the task returns (`Running -> Cancelled`), and
`raise_a_cancel` raises the stop again in the flow, where it goes on as before. And under a committed cancel
DuckDB's interruption out of the run is the stop (`stopped_as_a_cancel`; `a_cancel_is_under_way` is what the
runner asks, through `newsflow.runstops.stops_told_by`): DuckDB turns a SIGTERM landing in its statement into
its own error. Any other error during a cancel is still the error it is.

The intent is Prefect's private state (the one thing read here and nowhere public): `intent_is_there` says whether
this Prefect still has it, `tests/flows/test_prefect55.py` fails when it does not, and without it a stop is recorded
Crashed, as before, and nothing else changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Final, Literal, TypeVar

from prefect._internal import control_listener
from prefect.client.schemas.objects import State
from prefect.exceptions import TerminationSignal
from prefect.states import Cancelled

from flows import take_back_sigterm
from newsflow.cli_signals import a_stop_was_asked
from newsflow.runstops import is_an_interrupted_query

T = TypeVar("T")
CANCEL: Final[Literal["cancel"]] = "cancel"  # the engine's word (`prefect._internal.attempt_control.Intent`)
TASK_STOPPED = "the run was stopped (cancelled)"
_armed_before_the_flow = [False]  # `newsflow run` committed the cancel before the engine started (Prefect 56)


def intent_is_there() -> bool:
    return all(callable(getattr(control_listener, name, None)) for name in ("_set_intent", "get_intent",
                                                                            "clear_intent"))


def take_the_stop_as_a_cancel() -> None:
    """The stop about to reach the run is a cancel, as a runner's is (`newsflow run`'s stop, on its loop)."""
    if intent_is_there():
        control_listener._set_intent(CANCEL)


def take_early_stops_as_a_cancel() -> None:
    """`newsflow run`, before the engine starts: a stop before the flow's first line is a cancel too (Prefect 56).

    From its `capture_sigterm` (after it created the flow run) to the flow's first line (`take_back_sigterm`) the
    engine's own handler has SIGTERM: newsflow's never sees it, so it cannot commit the intent then, and the
    engine's `except TerminationSignal` found none and recorded the run Crashed (its Running write and the run
    context's read are two API calls of that window). Committed before, it is there whenever that SIGTERM lands;
    the flow's first line takes it back (`own_the_stops_from_here`) unless a stop came meanwhile."""
    if intent_is_there():
        control_listener._set_intent(CANCEL)
        _armed_before_the_flow[0] = True


def own_the_stops_from_here() -> None:
    """The flow's first line: SIGTERM is `newsflow run`'s again, which commits the intent at the stop itself, so the
    one committed before the engine started is taken back, unless a stop already came (Ctrl-C in the window)."""
    take_back_sigterm()
    if _armed_before_the_flow[0]:
        _armed_before_the_flow[0] = False
        if not a_stop_was_asked():  # a signal landing after this check queues its own commit (flows._interrupt)
            control_listener.clear_intent()


def forget_the_cancel() -> None:
    """The run is over: no intent for a later run in this process, and SIGTERM is `newsflow run`'s again."""
    _armed_before_the_flow[0] = False
    if intent_is_there() and control_listener.get_intent() == CANCEL:
        control_listener.clear_intent()
        take_back_sigterm()


def a_cancel_is_under_way() -> bool:
    return intent_is_there() and control_listener.get_intent() == CANCEL


async def ended_cancelled(work: Awaitable[T]) -> T | State[Any]:
    """`work`'s result; or, if a cancel stops it, the Cancelled state its task is to end in."""
    try:
        return await work
    except (asyncio.CancelledError, TerminationSignal):
        if not a_cancel_is_under_way():
            raise
        return Cancelled(message=TASK_STOPPED)


async def stopped_as_a_cancel(work: Awaitable[T]) -> T:
    """`work`'s result; DuckDB's interruption it raised while a cancel is under way is the cancel (any other
    error is still the error). DuckDB, running a statement in the main thread as the stop's SIGTERM lands, calls
    the engine's handler, swallows its `TerminationSignal` and raises `RuntimeError('Query interrupted')` (no
    cause, no context): the engine recorded the run Failed with that traceback at ERROR, then the runner
    Cancelled, and the run's start was never recorded."""
    try:
        return await work
    except Exception as error:
        if not (a_cancel_is_under_way() and is_an_interrupted_query(error)):  # any other error is still an error
            raise
        raise asyncio.CancelledError(TASK_STOPPED) from error


def raise_a_cancel(result: T | State[Any]) -> T:
    """A task's result, or, where `ended_cancelled` turned its stop into a state, the stop again."""
    if isinstance(result, State):
        raise asyncio.CancelledError(TASK_STOPPED)
    return result
