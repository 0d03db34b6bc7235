"""A world run's child process: its memory sampled, its leftovers found, its output read."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import psutil

from tests.hostile.subprocesses import RSS_COUNTER_SLACK_MIB, MemoryReport

# A test's world reads its run's PSS only where the bound can be passed, and in every PSS_EVERY-th
# sample for the figure it prints (tests/world/conftest.py sets 10; subprocesses.MemoryReport says why
# the verdict stays every sample's). 1: every sample, as bench's soak prints the true peak.
PSS_EVERY = 1


def memory_report(bound_mib: float) -> MemoryReport:
    """The run's memory report: PSS read in every sample, or near `bound_mib` and every PSS_EVERY-th."""
    if PSS_EVERY == 1:
        return MemoryReport()
    return MemoryReport(pss_from_mib=bound_mib - RSS_COUNTER_SLACK_MIB, pss_every=PSS_EVERY)


def json_summary(stdout: str) -> dict[str, Any]:
    """The last line of `--json` output that is a JSON object ({} when there is none)."""
    for line in reversed(stdout.splitlines()):
        with contextlib.suppress(ValueError):
            found = json.loads(line)
            if isinstance(found, dict):
                return found
    return {}


def first_traceback(stderr: str) -> str:
    """The exception line that ends the first traceback in `stderr` ("" when there is none)."""
    lines = stderr.splitlines()
    if not any(line.startswith("Traceback") for line in lines):
        return ""
    start = next(i for i, line in enumerate(lines) if line.startswith("Traceback"))
    return next((line for line in lines[start + 1:] if line and not line.startswith((" ", "\t"))), "Traceback")


def survivors(group: int, patience: float = 5.0) -> list[str]:
    """Processes still in the run's process group `patience` seconds after the run exited (its
    extraction workers notice their parent has gone and exit by then)."""
    deadline = time.monotonic() + patience
    while True:
        alive = []
        for member in _in_group(group):  # each process's pgid alone: psutil's process_iter read far more
            with contextlib.suppress(psutil.Error):
                process = psutil.Process(member)
                if process.status() != "zombie":
                    alive.append(f"{member} {' '.join(process.cmdline())[:120]}")
        if not alive or time.monotonic() > deadline:
            if alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
            return alive
        time.sleep(0.1)


def _in_group(group: int) -> list[int]:
    """The processes (but this one) whose process group is `group`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if os.getpgid(int(entry)) == group:
                    found.append(int(entry))
    return found


def kill_tree(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def sampling(pid: int, memory: MemoryReport) -> Iterator[None]:
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            memory.sample(pid)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        stop.set()
        sampler.join()
