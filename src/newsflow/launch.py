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


def main() -> int:
    try:
        with signals_interrupt_while_loading():
            from newsflow.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("newsflow: interrupted while starting; nothing was done\n")
        return EXIT_INTERRUPTED
    try:
        return cli_main()
    except KeyboardInterrupt:  # one that no command caught (a second signal as one ended): its line, not a
        sys.stderr.write("newsflow: interrupted\n")  # traceback and a death by SIGINT (exit -2)
        return EXIT_INTERRUPTED
