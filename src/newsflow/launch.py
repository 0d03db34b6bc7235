"""The `newsflow` command's entry point (`python -m newsflow` and the installed script).

Importing the CLI takes 1-2 s (DuckDB, Prefect, trafilatura). A Ctrl-C there raised
KeyboardInterrupt inside some module's import, before `cli.main` could catch anything: a
traceback of a dozen frames through duckdb's or prefect's modules, where every other interrupt
gives one line and 130 (red team 14, tests/hostile/test_exit_anywhere.py). SIGTERM and SIGHUP there
ended the process by the signal, silently, with nothing done: a scheduler (cron, systemd) saw a signal
death and no line (red team 22). While the CLI (here) and a flow command (`cli_run.flow_command`, Prefect's
import) load, and while `run` and `serve` check their config before it and `search` imports its stack (session
37), they interrupt as Ctrl-C does; the commands then set their own handlers. `newsflow serve` keeps
them until Prefect's runner takes SIGTERM (red team 23: a stop while it connected to or started its Prefect
server, or set up its deployment, 2-40 s, ended it silently by the signal).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130  # cli.EXIT_INTERRUPTED, which cannot be imported before the import it guards
INTERRUPTED_WHILE_STARTING = "interrupted while starting; nothing was done"


class StoppedWhileStarting(KeyboardInterrupt):
    """A stop while a command still loads what it needs (its config, Prefect's or the search stack's import),
    before it has done anything: its line says so, as for a stop in the CLI's own import (hunt 56)."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def is_default_or_starting(handler: object) -> bool:
    """Whether a signal's handler is the default one, or the one `signals_interrupt_while_loading` put in
    its place: a command setting its own handlers then may take the signal, as it takes a default one."""
    return handler is signal.SIG_DFL or handler is _interrupt


@contextmanager
def signals_interrupt_while_loading() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt inside the block, where they would end the process
    silently; the handlers found are put back after it. A signal ignored (nohup) or handled already (a
    test's, a command's) is left alone; so is a thread that is not the main one (it cannot set handlers)."""
    found = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    ours = [signum for signum, handler in found.items() if handler is signal.SIG_DFL]
    try:
        for signum in ours:
            signal.signal(signum, _interrupt)
    except ValueError:  # not the main thread
        ours = []
    try:
        yield
    finally:
        for signum in ours:
            signal.signal(signum, found[signum])


@contextmanager
def said_as_starting() -> Iterator[None]:
    """A stop inside the block is a `StoppedWhileStarting`. Before hunt 56 a stop in Prefect's import (5-7 s
    into a `uv run newsflow run` on 2 busy cores) said only `newsflow: interrupted`: whether anything was done,
    the line did not say, where the README promised `interrupted while starting; nothing was done`."""
    try:
        yield
    except StoppedWhileStarting:
        raise
    except KeyboardInterrupt as exc:
        raise StoppedWhileStarting from exc


def main() -> int:
    try:
        with signals_interrupt_while_loading():
            from newsflow.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write(f"newsflow: {INTERRUPTED_WHILE_STARTING}\n")
        return EXIT_INTERRUPTED
    try:
        return cli_main()
    except KeyboardInterrupt as exc:  # one that no command caught (a second signal as one ended): its line, not a
        said = INTERRUPTED_WHILE_STARTING if isinstance(exc, StoppedWhileStarting) else "interrupted"
        sys.stderr.write(f"newsflow: {said}\n")  # traceback and a death by SIGINT (exit -2)
        return EXIT_INTERRUPTED
