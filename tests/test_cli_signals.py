"""newsflow.cli_signals: once the command has its exit code, a late Ctrl-C, SIGTERM or SIGHUP cannot
turn it into death by signal (exit -2 after a line promising 130: CI, stops 19 and 20)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

CHILD = """
import os, signal, sys
from newsflow import cli_signals
if {as_command}:
    cli_signals.mark_as_the_command()
cli_signals.{step}
for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    os.kill(os.getpid(), signum)
    print("alive after", signal.Signals(signum).name, flush=True)
sys.exit(7)
"""


def run_child(as_command: bool, step: str) -> subprocess.CompletedProcess[str]:
    code = CHILD.format(as_command=as_command, step=step)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_signals_after_the_interrupted_line_are_dropped_and_the_exit_code_stands() -> None:
    done = run_child(True, "drop_further_interrupts()")
    assert done.returncode == 7, done.stderr
    assert done.stdout.split("\n")[:3] == ["alive after SIGINT", "alive after SIGTERM", "alive after SIGHUP"]


def test_a_signal_once_the_command_is_over_ends_it_at_once_with_its_code() -> None:
    done = run_child(True, "end_at_once_on_a_signal(130)")
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def test_a_process_that_only_calls_main_with_arguments_keeps_its_own_handlers() -> None:
    """A test calling `main([...])` in process is not the command: Ctrl-C still interrupts it."""
    done = run_child(False, "drop_further_interrupts()")
    assert done.returncode == -signal.SIGINT or "KeyboardInterrupt" in done.stderr, (done.returncode, done.stderr)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_ignored_signal_stays_ignored(signum: int) -> None:
    code = ("import os, signal\nfrom newsflow import cli_signals\ncli_signals.mark_as_the_command()\n"
            f"signal.signal({signum}, signal.SIG_IGN)\ncli_signals.end_at_once_on_a_signal(130)\n"
            f"os.kill(os.getpid(), {signum})\nprint('alive')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "alive\n"), done.stderr


TEARDOWN_CHILD = """
import os, signal, sys
from newsflow import cli_signals
if {as_command}:
    cli_signals.mark_as_the_command()
cli_signals.end_at_once_on_a_signal(130)


class SignalledInTeardown:  # a global's finalizer: it runs in Python's module teardown, after atexit
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)


KEPT_TILL_TEARDOWN = SignalledInTeardown()
sys.exit(130)
"""


def test_a_signal_in_pythons_own_teardown_does_not_change_the_exit_code() -> None:
    """Python drops its signal handlers after the atexit handlers, then tears its modules down (0.5-2.4 s
    with Prefect loaded). A Ctrl-C there killed `newsflow run` by SIGINT: exit -2 after its line promising
    130 (CI, stops 19 and 20, test_sigterm's Ctrl-C-twice test). Here the teardown sends it itself."""
    done = subprocess.run([sys.executable, "-c", TEARDOWN_CHILD.format(as_command=True)], capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr) == (130, "")
    unmarked = subprocess.run([sys.executable, "-c", TEARDOWN_CHILD.format(as_command=False)],
                              capture_output=True, text=True, timeout=60)
    assert unmarked.returncode == -signal.SIGINT  # what the command did before: death by the signal
