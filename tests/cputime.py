"""`-p tests.cputime`: each test's wall time and CPU, to tell a test that works from one that waits.

On a shared machine a test's wall time is mostly the load; its CPU is not. Each test (setup, call
and teardown together) appends one JSON line to $NEWSFLOW_TEST_CPU_LOG (default
newsflow-test-cpu.jsonl in the current folder): `wall`, `self` (this process's CPU: its threads, a
loopback server's included), `children` (the CPU of child processes this process waited for: a
`newsflow` command, a world run), the load average at its start and the xdist worker.

Not counted: processes nobody here waits for, such as the extraction pool's workers (children of
the forkserver) and the session's detached Prefect server. Example (ci18, docs/performance.md):
`NEWSFLOW_TEST_CPU_LOG=/tmp/cpu.jsonl uv run pytest -p tests.cputime tests/world`.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator

import pytest

LOG = os.environ.get("NEWSFLOW_TEST_CPU_LOG", "newsflow-test-cpu.jsonl")


def _cpu() -> tuple[float, float]:
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, waited.ru_utime + waited.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    started, (own, waited), load = time.monotonic(), _cpu(), os.getloadavg()[0]
    yield
    own_after, waited_after = _cpu()
    line = {"id": item.nodeid, "wall": round(time.monotonic() - started, 3), "self": round(own_after - own, 3),
            "children": round(waited_after - waited, 3), "load": round(load, 1),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "-")}
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")
