"""Signals held back while a C extension initialises, and raised again as it ends.

duckdb 2's module (`_duckdb`, built with nanobind) creates its enums by calling Python's `enum` as it
initialises. A Ctrl-C that lands there (or a SIGTERM or SIGHUP, which `newsflow.launch` turns into one while the
CLI loads) raises KeyboardInterrupt inside that call, and nanobind takes any exception there as fatal: "Critical
nanobind error: nanobind::detail::enum_create("ExplainType"): Traceback …" and abort(), exit 134, where every
other interrupt says one line and exits 130 (`tests/hostile/test_exit_anywhere.py`'s first example, ci50, on cores
loaded enough that the import was still running 0.2 s in). So for that import (about 0.1 s) the signals' Python
handlers only note them, and each one noted is raised again after it, where the handlers put back take it at a
safe point. Handlers, not a signal mask: a mask is the calling thread's, and a process with other threads (a
served run's, Prefect's) would take the signal in one of them and still run its handler in the main thread.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def signals_held(signums: tuple[int, ...] = HELD) -> Iterator[None]:
    """Inside the block, `signums` are only noted; as it ends their handlers are put back and each signal that came
    is raised again once, in the order they came. An ignored signal stays ignored. Outside the main thread, which
    alone runs Python's signal handlers (so no handler can raise inside this thread), the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    found = {signum: signal.getsignal(signum) for signum in signums}
    taken = {signum: handler for signum, handler in found.items() if handler not in (signal.SIG_IGN, None)}
    for signum in taken:
        signal.signal(signum, note)
    try:
        yield
    finally:
        for signum, handler in taken.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)
