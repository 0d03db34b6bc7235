"""A stop obeyed while the run records its end is noted too, whatever a library makes of its KeyboardInterrupt.

While the run records its end (`runstops.interrupts_held`), a stop signal is held; asked again HOLD_AT_MOST_S after
the first, it raises KeyboardInterrupt at once. That one was not noted (`newsflow.cli_signals.a_stop_was_asked`):
raised as a DuckDB statement runs (the end's statements) it comes out as DuckDB's own error, RuntimeError "Query
interrupted", and a completed run's end stopped so said "run crashed: RuntimeError: Query interrupted", exit 1
(review of session 27's hupfix), where the README's 130 row promises that this second stop stops it at once, as
an interrupt: one line and 130.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from newsflow import runstops
from newsflow.cli_signals import a_stop_was_asked, forget_stops_asked, note_a_stop_asked
from newsflow.errors import WarehouseError


@pytest.fixture
def unstopped() -> Iterator[None]:
    forget_stops_asked()
    yield
    forget_stops_asked()


def test_a_stop_asked_again_while_the_end_is_held_is_noted_as_a_stop(
        unstopped: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runstops, "HOLD_AT_MOST_S", 0.0)  # asked again "5 s" later, without waiting 5 s
    with runstops.interrupts_held():
        signal.raise_signal(signal.SIGINT)  # the first: held, and dropped
        assert not a_stop_was_asked()  # a dropped stop leaves a completed run completed (exit 0)
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # the second: obeyed
    assert a_stop_was_asked(), "obeyed but not noted: in a DuckDB statement it is 'run crashed', exit 1"
    # What DuckDB makes of a KeyboardInterrupt raised as one of its statements runs (duckdb 2.0.1; checked by
    # hand: a SIGTERM whose handler raises, 0.3 s into a long query): the run's row says cancelled, not failed.
    assert runstops.is_cancellation(RuntimeError("Query interrupted"))


def test_a_stop_held_once_and_dropped_is_not_noted(unstopped: None) -> None:
    with runstops.interrupts_held():
        signal.raise_signal(signal.SIGINT)
    assert not a_stop_was_asked()
    assert not runstops.is_cancellation(RuntimeError("a real failure"))


def test_a_failure_of_its_own_after_a_stop_is_recorded_as_the_stop(unstopped: None) -> None:
    """The README's 130 row: once a stop was asked, what the run raises is its interruption, a failure of its own
    included (a full disk, a held warehouse): newsflow cannot tell it from what the stop made a library raise."""
    note_a_stop_asked()
    assert runstops.is_cancellation(WarehouseError("the disk is full"))
