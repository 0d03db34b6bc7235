"""The extraction deadline holds when its alarm lands in a finalizer.

Found by the world soak (bench/soak.py, seed 2026, 200 feeds): the SIGALRM of a worker's deadline
fired inside a `regex` object's `__del__`, run by the garbage collector mid-extraction. Python
swallows an exception raised in a finalizer: the worker printed "Exception ignored in ...
Traceback ... _DeadlineExceeded" to the run's stderr, and the extraction went on past its deadline.
"""

from __future__ import annotations

import sys
import time

import pytest

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
