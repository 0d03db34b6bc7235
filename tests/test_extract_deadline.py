"""The extraction deadline holds when its alarm lands in a finalizer.

Found by the world soak (bench/soak.py, seed 2026, 200 feeds): the SIGALRM of a worker's deadline
fired inside a `regex` object's `__del__`, run by the garbage collector mid-extraction. Python
swallows an exception raised in a finalizer: the worker printed "Exception ignored in ...
Traceback ... _DeadlineExceeded" to the run's stderr, and the extraction went on past its deadline.
"""

from __future__ import annotations

import signal
import sys
import time

import pytest

from newsflow import extractworker
from newsflow.extractpool import PageToExtract, extract_with_deadline, quiet_lost_deadlines
from newsflow.models import ExtractedArticle, Outcome

TIMEOUT = 0.1


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class _SlowFinalizer:
    def __del__(self) -> None:
        _busy(0.3)  # the 0.1 s alarm lands in here


def _extractor_with_a_slow_finalizer(html: str, url: str) -> ExtractedArticle | None:
    finalized = _SlowFinalizer()
    del finalized
    _busy(2.0)  # ordinary code: the deadline must stop it
    return None


@pytest.fixture
def quiet_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # restored after the test
    quiet_lost_deadlines()


@pytest.mark.usefixtures("quiet_hook")
def test_a_deadline_swallowed_by_a_finalizer_fires_again(capsys: pytest.CaptureFixture[str]) -> None:
    page = PageToExtract("k", "<html><body><p>x</p></body></html>", "http://example.test/a")
    started = time.perf_counter()
    result = extract_with_deadline(page, TIMEOUT, _extractor_with_a_slow_finalizer)
    elapsed = time.perf_counter() - started
    assert result.outcome is Outcome.EXTRACT_TIMEOUT, result
    assert elapsed < 1.5, f"the extraction ran {elapsed:.2f} s past a {TIMEOUT} s deadline"
    assert "_DeadlineExceeded" not in capsys.readouterr().err, "a lost deadline printed a traceback"


class _BrokenFinalizer:
    def __del__(self) -> None:
        raise ValueError("a finalizer's own bug")


@pytest.mark.usefixtures("quiet_hook")
def test_other_errors_in_finalizers_are_still_reported(capsys: pytest.CaptureFixture[str]) -> None:
    broken = _BrokenFinalizer()
    del broken
    assert "a finalizer's own bug" in capsys.readouterr().err


def test_a_deadline_that_lands_as_the_extraction_disarms_is_not_left_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """World16's hunt (seed 1732, a load of 17): the alarm landed in `_call_with_alarm`'s `finally`, at the call of
    the disarm, before its own guard: the handler re-armed the timer and raised, so the page was `extract_timeout`
    but the deadline was left running, and fired 0.05 s later in the worker's `results.send`: the worker died with a
    `_DeadlineExceeded` traceback on the run's stderr. The landing is simulated: the first disarm is hit at once."""
    disarm, hit = extractworker._disarm_deadline, []

    def hit_before_disarming() -> None:
        if not hit:
            hit.append(True)
            extractworker._raise_deadline(signal.SIGALRM, None)  # what the handler does there: re-arm, raise
        disarm()

    monkeypatch.setattr(extractworker, "_disarm_deadline", hit_before_disarming)
    previous = signal.getsignal(signal.SIGALRM)
    try:
        page = PageToExtract("k", "<html><body><p>x</p></body></html>", "http://example.test/a")
        result = extract_with_deadline(page, 5.0, lambda html, url: None)
        left = (signal.getitimer(signal.ITIMER_REAL), extractworker._deadline_running)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        extractworker._deadline_running = False
        signal.signal(signal.SIGALRM, previous)
    assert result.outcome is Outcome.EXTRACT_TIMEOUT
    assert left == ((0.0, 0.0), False), f"the deadline was left running: {left}"
