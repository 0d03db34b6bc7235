"""`-p tests.cputime`: each test's wall time and CPU, to tell a test that works from one that waits.

On a shared machine a test's wall time is mostly the load; its CPU is not. Each test (setup, call
and teardown together) appends one JSON line to $NEWSFLOW_TEST_CPU_LOG (default
newsflow-test-cpu.jsonl in the current folder): `wall`, `self` (this process's CPU: its threads, a
loopback server's included), `children` (the CPU of child processes this process waited for: a
`newsflow` command, a world run), the load average at its start and the xdist worker.

Not counted: processes nobody here waits for, such as the extraction pool's workers (children of
the forkserver) and the session's detached Prefect server. Example (ci18, docs/performance.md):
`NEWSFLOW_TEST_CPU_LOG=/tmp/cpu.jsonl uv run pytest -p tests.cputime tests/world`.

With NEWSFLOW_TEST_CGROUP=1 on a machine whose cgroup-v1 cpuacct hierarchy is writable (root), each
process (each xdist worker) moves itself into a cgroup of its own, which every process it starts
inherits, and each line also gets `tree`: the CPU of that whole tree during the test, the
forkservers and detached processes included (a process left running by an earlier test still
counts, and the session's Prefect server counts to the worker that started it).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import time
from collections.abc import Iterator

import pytest

LOG = os.environ.get("NEWSFLOW_TEST_CPU_LOG", "newsflow-test-cpu.jsonl")
_CPUACCT = "/sys/fs/cgroup/cpuacct"


def _own_cgroup() -> str | None:
    """A cpuacct cgroup holding this process from now on, and so every process it starts."""
    if os.environ.get("NEWSFLOW_TEST_CGROUP") != "1":
        return None
    path = os.path.join(_CPUACCT, f"newsflow-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}")
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(os.getpid()))
    except OSError:
        return None
    atexit.register(_leave, path)
    return path


def _leave(path: str) -> None:
    """Back to the root group, and the group removed if no process is left in it."""
    with contextlib.suppress(OSError):
        with open(os.path.join(_CPUACCT, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(os.getpid()))
        os.rmdir(path)


_CGROUP = _own_cgroup()


def _tree_cpu() -> float:
    if _CGROUP is None:
        return 0.0
    with open(os.path.join(_CGROUP, "cpuacct.usage"), encoding="ascii") as usage:
        return int(usage.read()) / 1e9


def _cpu() -> tuple[float, float]:
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, waited.ru_utime + waited.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    started, (own, waited), load, tree = time.monotonic(), _cpu(), os.getloadavg()[0], _tree_cpu()
    yield
    own_after, waited_after = _cpu()
    line = {"id": item.nodeid, "wall": round(time.monotonic() - started, 3), "self": round(own_after - own, 3),
            "children": round(waited_after - waited, 3), "tree": round(_tree_cpu() - tree, 3), "load": round(load, 1),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "-")}
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")
