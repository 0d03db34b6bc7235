"""How late the event loop of the code under test ran, for checks on how long a host's connection waited.

A connection's wait from its accept to its first request's bytes (`habitserver.Record.first_waits`) is newsflow's
own wait plus any time its event loop could not run: CI's loaded machine (3 workers on 2 cores, load 10-20) can
stall a process for tenths of a second, and an absolute limit on the wait would then fail with nothing wrong. A
task beside the code under test sleeps TICK at a time and notes each wake later than LATE past its due time; a
check on a wait subtracts the stall so measured over it (`waits_past`). newsflow's own waits (an asyncio sleep for
the host's delay or a pause) leave the loop free and the watcher on time: they still count in full, so a
connection made before the gate's wait (red team 42's fault) still fails the check (review of red team 42).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from tests.hostile.habitserver import Record

T = TypeVar("T")
TICK = 0.01
LATE = 0.002


class LoopLag:
    """The loop's stalls, as (due, woke) spans by `time.time()` (the servers' clock, so spans compare)."""

    def __init__(self) -> None:
        self.late: list[tuple[float, float]] = []

    def run(self, main: Coroutine[Any, Any, T]) -> T:
        """`asyncio.run(main)`, watched."""

        async def watched() -> T:
            watcher = asyncio.create_task(self._watch())
            await asyncio.sleep(0)  # the watcher takes its first due time before `main` can block the loop
            try:
                return await main
            finally:
                watcher.cancel()

        return asyncio.run(watched())

    def stalled(self, start: float, end: float) -> float:
        """Seconds of [start, end] the loop was seen stalled."""
        return sum(max(0.0, min(woke, end) - max(due, start)) for due, woke in self.late)

    async def _watch(self) -> None:
        while True:
            due = time.time() + TICK
            await asyncio.sleep(TICK)
            if (woke := time.time()) - due > LATE:
                self.late.append((due, woke))


LAG = LoopLag()  # one per test process: its spans are timed, so one test's stalls never overlap another's waits


def waits_past(record: Record, limit: float) -> dict[int, float]:
    """The host's connections whose wait for their first request, less the loop's stall over it, reached `limit`
    (connection -> the wait, whole)."""
    return {number: until - accepted for number, (accepted, until) in record.first_wait_spans.items()
            if until - accepted - LAG.stalled(accepted, until) >= limit}
