"""Signals held back while a C extension initialises, and raised again as it ends.

duckdb 2's module (`_duckdb`, built with nanobind) creates its enums by calling Python's `enum` as it
initialises. A Ctrl-C that lands there (or a SIGTERM or SIGHUP, which `newsflow.launch` turns into one while the
CLI loads) raises KeyboardInterrupt inside that call, and nanobind takes any exception there as fatal: "Critical
nanobind error: nanobind::detail::enum_create("ExplainType"): Traceback …" and abort(), exit 134, where every
other interrupt says one line and exits 130 (`tests/hostile/test_exit_anywhere.py`'s first example, ci50, on cores
loaded enough that the import was still running 0.2 s in). So the signals are blocked for that import (about
0.1 s) and raised again after it, where the handlers then in place take them at a safe point.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def signals_held(signums: tuple[int, ...] = HELD) -> Iterator[None]:
    """Block `signums` in this thread inside the block; as it ends, take the ones that arrived and raise each
    again once, in the order they came, for the handlers in place then (one that was blocked already before is
    left as it was). Without POSIX signal masks (Windows) the block runs as it is."""
    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, signums)
    except (AttributeError, OSError, ValueError):
        yield
        return
    held = set(signums) - before
    try:
        yield
    finally:
        arrived: list[int] = []
        while pending := signal.sigpending() & held:
            arrived.append(signal.sigwait(pending))
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)
