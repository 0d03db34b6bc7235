"""A Ctrl-C or SIGTERM inside duckdb's initialisation ends `newsflow` in one line, not in nanobind's abort.

ci50 found it on loaded cores (tests/hostile/test_exit_anywhere.py's first example, a Ctrl-C 0.2 s after the
start): duckdb 2's `_duckdb` module creates its enums through Python's `enum` as it initialises, a signal raised
KeyboardInterrupt there, and nanobind aborted the process: "Critical nanobind error:
nanobind::detail::enum_create("ExplainType"): Traceback …", exit 134. Here the signal is sent from inside that
very call, so the moment is hit every time (newsflow.heldsignals).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsflow.heldsignals import signals_held

# A `newsflow --help` whose process signals itself when an extension module's initialisation calls `enum`
# (duckdb's, the only one that does as the CLI loads): the moment ci50 hit by chance.
SIGNAL_INSIDE_AN_EXTENSIONS_INIT = """
import enum, os, signal, sys
original = enum.EnumType.__call__
def call(*args, **kwargs):
    if sys._getframe(1).f_code.co_name == "_call_with_frames_removed":  # called from an extension's init
        os.kill(os.getpid(), signal.{name})
    return original(*args, **kwargs)
enum.EnumType.__call__ = call
sys.argv = ["newsflow", "--help"]
from newsflow.launch import main
sys.exit(main())
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_inside_duckdbs_initialisation_ends_the_command_in_one_line(name: str, tmp_path: Path) -> None:
    script = tmp_path / "signal_in_init.py"
    script.write_text(SIGNAL_INSIDE_AN_EXTENSIONS_INIT.format(name=name), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert "nanobind" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert (done.returncode, done.stderr) == (130, "newsflow: interrupted while starting; nothing was done\n")
    assert done.stdout == "", "the command did not run"


def test_signals_held_arrive_once_after_the_block_and_none_inside_with_other_threads_running() -> None:
    """Another thread, which may take a process's signal, runs beside the block (as in a served run's process)."""
    seen: list[str] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: seen.append("handled"))
    try:
        with signals_held((signal.SIGUSR1,)):
            os.kill(os.getpid(), signal.SIGUSR1)
            os.kill(os.getpid(), signal.SIGUSR1)
            for _ in range(1000):  # room for the handler to run, were it not held
                pass
            seen.append("inside")
        seen.append("after")
    finally:
        signal.signal(signal.SIGUSR1, previous)
        stop.set()
        other.join()
    assert seen == ["inside", "handled", "after"]


def test_an_ignored_signal_stays_ignored_and_handlers_are_put_back() -> None:
    previous = signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    try:
        with signals_held((signal.SIGUSR2,)):
            os.kill(os.getpid(), signal.SIGUSR2)
        assert signal.getsignal(signal.SIGUSR2) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGUSR2, previous)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt), signals_held():
        os.kill(os.getpid(), signal.SIGINT)  # raised after the block, by the handler put back
