"""Prefect flows: thin wrappers over newsflow.pipeline. Nothing here holds logic.

This module does not import Prefect: `newsflow run` and `newsflow serve` first find (or start)
the Prefect API (flows/localserver.py), then set the environment Prefect reads at its import.
`newsflow` (src/) never imports this package: its `run` and `serve` commands are found through
the `newsflow.commands` entry points, which name flows/cli.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import tomllib
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from newsflow.cli_signals import (
    a_stop_was_asked,
    dropped_as_recorded,
    forget_stops_asked,
    forget_the_run_recorded,
    is_the_command,
    note_a_stop_asked,
)

T = TypeVar("T")

# Quiet, offline-friendly defaults; any value the user set wins.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # A cold temporary server took 19.4 s on a loaded 2-core machine; 20 s is Prefect's default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "newsflow",
    # newsflow's loggers also run outside flow runs (CLI, tests): nothing to send to the API then.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


# `newsflow run` stops on SIGTERM as on Ctrl-C (flows/cli.py); served and deployed runs leave SIGTERM to Prefect.
_sigterm_interrupts = False
_run_task: asyncio.Task[Any] | None = None  # the flow's task, while `run_stoppably` runs it
_run_cancelled = False  # the first stop signal has cancelled it
_on_the_stop: Callable[[], None] | None = None  # run on the loop before the task's cancel lands (`run_stoppably`)
_stops_raised_as: tuple[type[BaseException], ...] = ()  # `run_stoppably`'s `stop_raised_as`, while it runs


def sigterm_interrupts() -> None:
    """From now on in this process, SIGTERM (docker stop, systemctl stop) and SIGHUP (the terminal or
    ssh session that started it closed) do what Ctrl-C does.

    With Prefect's own handler, SIGTERM raised `TerminationSignal` wherever the main thread was: a
    traceback and exit 1, or, caught inside asyncio's socket code, nothing at all (exit 0, the run
    went on). As Ctrl-C, the run's task is cancelled: its batch rolls back, its row says
    `cancelled`, and the command prints one line and exits 130. Each one is noted
    (`newsflow.cli_signals.a_stop_was_asked`); a new call starts with none noted.
    """
    global _sigterm_interrupts
    _sigterm_interrupts = True
    forget_stops_asked()
    forget_the_run_recorded()
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:  # under nohup it stays ignored
        signal.signal(signal.SIGHUP, _interrupt)  # the terminal or ssh session closed: as Ctrl-C too


def ctrl_c_noted() -> None:
    """Ctrl-C too goes through `_interrupt`, so that it is noted wherever it lands (`newsflow run`).

    asyncio.run's own Ctrl-C handler (which then sets nothing up: it takes SIGINT only from Python's
    default) cancelled the flow's task but noted nothing, and outside asyncio.run Python's default raised
    KeyboardInterrupt unnoted: one raised inside a pydantic serializer came out as "run crashed:
    PydanticSerializationError ... KeyboardInterrupt", exit 1. `run_stoppably` cancels the task as it did."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)


def give_back_ctrl_c() -> None:
    """The run is over: Ctrl-C is Python's again (a process calling `newsflow run`, the tests, keeps its own).

    Not in the command's own process: there it stays `_interrupt` until the command's exit handlers take over
    (`cli_signals.end_at_once_on_a_signal`), so a Ctrl-C between a completed run's return and them is dropped as
    SIGTERM is; Python's own handler raised KeyboardInterrupt there, "newsflow: interrupted", 130 (red team 29)."""
    if is_the_command():
        return
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is _interrupt:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def take_back_sigterm() -> None:
    """Inside the flow: Prefect's engine has put its SIGTERM handler in; for `newsflow run`, put ours
    back (Prefect restores the one it found when the flow ends)."""
    if _sigterm_interrupts and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def run_stoppably(flow_run: Coroutine[Any, Any, T], on_the_stop: Callable[[], None] | None = None,
                  stop_raised_as: tuple[type[BaseException], ...] = ()) -> T:
    """`asyncio.run(flow_run)`, whose task the first stop signal cancels, as asyncio.run's Ctrl-C does: its batch
    rolls back and its row says cancelled; it then raises KeyboardInterrupt. A signal after that (or once the
    task is done) raises KeyboardInterrupt where the main thread is, as a second Ctrl-C does in asyncio.run.

    `on_the_stop` runs on the run's loop, before the cancel reaches the task (flows/runcancel.py: the engine is
    told the stop is a cancel); `stop_raised_as` are what the run may raise for the stop besides CancelledError
    (the engine's `TerminationSignal` once it has recorded the cancel), also raised as KeyboardInterrupt. Each of
    those is a stop signal the engine's own handler took (SIGTERM before the flow's first line: Prefect 56), which
    `_interrupt` never saw: it is noted here."""
    global _run_cancelled, _on_the_stop, _stops_raised_as

    async def the_run() -> T:
        global _run_task
        _run_task = asyncio.current_task()
        asyncio.get_running_loop().set_exception_handler(_a_stop_asyncio_swallowed)
        try:
            return await flow_run
        finally:
            _run_task = None

    _run_cancelled, _on_the_stop, _stops_raised_as = False, on_the_stop, stop_raised_as
    try:
        return asyncio.run(the_run())
    except BaseException as stopped:  # CancelledError, or one of `stop_raised_as`
        if isinstance(stopped, stop_raised_as):
            note_a_stop_asked()
        if not isinstance(stopped, (asyncio.CancelledError, *stop_raised_as)) or not a_stop_was_asked():
            raise
        raise KeyboardInterrupt from None
    finally:
        _on_the_stop, _stops_raised_as = None, ()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if dropped_as_recorded():  # the run is recorded completed: its report and summary are all that is left
        return
    note_a_stop_asked()
    if _cancel_the_run():
        return
    on_ctrl_c = signal.getsignal(signal.SIGINT)  # a direct run's asyncio.run (tests/world/child.py): its handler
    if not callable(on_ctrl_c) or on_ctrl_c is _interrupt:
        raise KeyboardInterrupt
    on_ctrl_c(signal.SIGINT, frame)


def _cancel_the_run() -> bool:
    """The first stop cancels the run's task (`run_stoppably`); False once it is cancelled or done, or none runs."""
    global _run_cancelled
    task = _run_task
    if task is None or task.done() or _run_cancelled:
        return False
    _run_cancelled = True
    if _on_the_stop is not None:  # on the loop, not here: it takes a lock the interrupted code may hold
        task.get_loop().call_soon_threadsafe(_on_the_stop)  # queued before the cancel's wake-up: it runs first
    task.cancel()
    task.get_loop().call_soon_threadsafe(lambda: None)  # wake a loop blocked in select()
    return True


def _a_stop_asyncio_swallowed(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio catches what a callback raises, but KeyboardInterrupt and SystemExit, and logs it: the engine's
    `TerminationSignal`, raised by its SIGTERM handler wherever the main thread is, was lost when it landed in a
    callback (a socket's read of the API's answer) before the flow's first line: "Exception in callback" at
    ERROR, and the run went on as if never stopped (Prefect 56). Here it is the stop it is."""
    if not isinstance(context.get("exception"), _stops_raised_as):
        loop.default_exception_handler(context)
    elif not dropped_as_recorded():
        note_a_stop_asked()
        _cancel_the_run()


def configure_prefect_environment() -> None:
    """Call before importing prefect: it reads its settings at import."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile, read without Prefect."""
    return configured_setting("PREFECT_API_URL")


def configured_setting(name: str) -> str | None:
    """A Prefect setting from the environment or the active Prefect profile, read without Prefect."""
    if value := os.environ.get(name):
        return value
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    profiles_path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(profiles_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    table = profiles.get("profiles")  # a hand-edited file may hold anything valid in TOML
    profile = table.get(active) if isinstance(table, dict) and isinstance(active, str) else None
    value = profile.get(name) if isinstance(profile, dict) else None
    return str(value) if isinstance(value, str | int | float) and value != "" else None
