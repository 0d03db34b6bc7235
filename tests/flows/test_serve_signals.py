"""A second stop signal that arrives while the first is being handled (docs/scheduling.md, "Prefect 32").

A signal's Python handler runs between two bytecodes of the main thread, so a second one (Ctrl-C twice in quick
succession, a supervisor's SIGTERM to the process and a terminal's SIGINT to its group) can run inside the first's
handler. The service's real runner on the session's Prefect server, real signals raised in this process.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import pytest
from flows.servestop import ServiceRunner


class SecondSignalAsTheFirstIsLogged(logging.Handler):
    """Raises SIGTERM again as Prefect's handler logs the first (what a test or a person sees as "the stop began")."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.raised = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "SIGTERM received" in record.getMessage() and not self.raised:
            self.raised += 1
            signal.raise_signal(signal.SIGTERM)


def test_a_second_signal_inside_the_first_ones_handling_lets_the_stop_go_on(
        prefect_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: the inner handler found the runner not yet stopping and took Prefect's path, which marked it
    stopping; the outer one then went on into Prefect's check, found it stopping and called `sys.exit(0)`: the stop
    cut short (the run's process left behind, the schedule left active, "stopped" before the run's line)."""
    async def signalled_twice() -> tuple[bool, bool, int]:
        async with ServiceRunner(name="second-signal-inside-the-first") as runner:
            second = SecondSignalAsTheFirstIsLogged()
            logger, level = runner._logger, runner._logger.level
            logger.addHandler(second)
            logger.setLevel(logging.INFO)
            previous = signal.signal(signal.SIGTERM, runner.handle_sigterm)
            exited = False
            try:
                signal.raise_signal(signal.SIGTERM)
            except SystemExit:
                exited = True
            finally:
                signal.signal(signal.SIGTERM, previous)
                logger.removeHandler(second)
                logger.setLevel(level)
            return exited, runner.stopping, second.raised
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_API_URL", prefect_api)
        exited, stopping, raised = asyncio.run(signalled_twice())
    assert raised == 1, "the premise: a second signal raised inside the first one's handling"
    assert not exited, "the second signal ended the service mid-stop (Prefect's sys.exit)"
    assert stopping, "the first signal did not start the stop"
    assert capsys.readouterr().err.count("newsflow serve: stopping already") == 1


def test_a_signal_ends_a_runner_that_prefect_stopped_submitting_on_its_own(
        prefect_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """With PREFECT_RUNNER_CRASH_ON_CANCELLATION_FAILURE, Prefect marks the runner stopping when it loses its
    cancellation observer, and it polls on. The first stop signal then is no second one: before, it was taken for
    "stopping already" and ignored, and the service never ended (only SIGKILL did)."""
    from prefect.settings import PREFECT_RUNNER_CRASH_ON_CANCELLATION_FAILURE, temporary_settings

    async def signalled_once() -> bool:
        async with ServiceRunner(name="signal-after-prefects-own-stopping") as runner:
            with temporary_settings({PREFECT_RUNNER_CRASH_ON_CANCELLATION_FAILURE: True}):
                await runner._handle_cancellation_observer_failure()
            assert runner.stopping, "the premise: Prefect marked the runner stopping"
            previous = signal.signal(signal.SIGTERM, runner.handle_sigterm)
            try:
                signal.raise_signal(signal.SIGTERM)
            except SystemExit:  # Prefect's handler for a runner already stopping: the service ends
                return True
            finally:
                signal.signal(signal.SIGTERM, previous)
            return False
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_API_URL", prefect_api)
        ended = asyncio.run(signalled_once())
    assert ended, "the stop signal was ignored"
    assert "stopping already" not in capsys.readouterr().err
