"""Pacing of requests to hosts: global and per-host concurrency, a delay between request starts
to one host, and the pauses a host asks for with Retry-After (`parse_retry_after`, in `pacingretry`).

Pure asyncio, no I/O of its own; `fetch.Fetcher` holds one `HostGate` per run. `netguard`
re-exports these names; this module re-exports `pacingretry`'s and `pacingpauses`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newsflow.models import HostPause
from newsflow.pacingpauses import HostPaused, PauseBudget, PauseOutlasts, SendHeld, pause_budget
from newsflow.pacingretry import MAX_RETRY_AFTER, UNREADABLE_RETRY_AFTER, parse_retry_after
from newsflow.urls import host_key

__all__ = [
    "MAX_RETRY_AFTER",
    "UNREADABLE_RETRY_AFTER",
    "HostGate",
    "HostPaused",
    "PauseBudget",
    "PauseOutlasts",
    "SendHeld",
    "SendWindow",
    "Turn",
    "parse_retry_after",
    "pause_budget",
]


@dataclass
class Turn:
    """One request's turn at its host. The sender sets `nothing_sent` when not one packet went to
    the host: spacing requests is for the host's sake, so a request the SSRF guard refused, or
    whose name did not resolve, must not make the host's next request wait (red team 13: 10,000
    feeds on one refused host were refused one a second, 352 in a run's budget)."""

    previous_start: float  # the host's next start before this turn was taken
    next_start: float  # the one this turn set
    nothing_sent: bool = False



class SendWindow:
    """One request's hold on its host's next send (`HostGate.send_window`), from the wait to the write."""

    def __init__(self, gate: HostGate, host: str, state: HostGate._Host, lock: asyncio.Lock | None) -> None:
        self._gate, self._host, self._state, self._lock = gate, host, state, lock

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[None]:
        """Around the write of the request's first bytes; raises `SendHeld`, writing nothing, when the host was
        paused since the wait. The time is read once the write is done, so the bytes left no later than it and
        the next send, begun a delay after it, is a delay after them on the host's side too."""
        if self._gate.pause_remaining(self._host) > 0:
            raise SendHeld(self._host)
        try:
            yield
        finally:
            if self._lock is not None:
                state = self._state
                state.last_sent = time.monotonic()
                state.next_start = max(state.next_start, state.last_sent + self._gate.delay)
            self.release()

    def release(self) -> None:
        """Let the host's next request wait for its send (once; after the write, or with nothing written)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class HostGate:
    """Global and per-host concurrency, spacing between request starts, Retry-After pauses.

    A request start is the moment its first byte is written to the host's connection (`SendWindow.write`):
    two starts to one host are at least `per_host_delay` apart. A turn (`turn`) only reserves one,
    `per_host_delay` after the previous turn or send, so connections are not opened all at once.

    A pause is per host and shared: every request to the host, queued, new or retrying, waits
    for the same end. The pauses one host asks for cost a run at most `max_pause` seconds in
    all: once a pause would end further away, or the host's pauses in this run add up to more,
    requests queued for the host are woken and, like new ones, raise `HostPaused` at once.

    The pauses hosts asked for are kept (`asked`, by the wall clock) so the run can store them for the runs
    after it; the ones those runs read back are given to `hold`, which pauses as `pause` does.
    """

    @dataclass
    class _Host:
        slots: asyncio.Semaphore
        turn: asyncio.Lock = field(default_factory=asyncio.Lock)
        next_start: float = 0.0
        last_sent: float = -math.inf  # when the write of the last request sent to this host ended (`SendWindow.write`)
        sending: asyncio.Lock = field(default_factory=asyncio.Lock)
        paused_until: float = 0.0
        paused_total: float = 0.0  # seconds of pause this host has asked for in this run
        changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __init__(
        self, concurrency: int, per_host_concurrency: int, per_host_delay: float, max_pause: float = math.inf
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host_concurrency
        self._delay = per_host_delay
        self._max_pause = max_pause
        self._hosts: dict[str, HostGate._Host] = {}
        self._keys: dict[str, str] = {}
        self.asked: dict[str, HostPause] = {}  # per host, the pause asked in this run that ends last
        # told of each pause a host asks for, as it is heard (`pausejournal.PauseJournal`: kept at once)
        self.on_asked: Callable[[HostPause], None] | None = None

    def _host(self, host: str) -> HostGate._Host:
        host = self.key(host)
        if host not in self._hosts:
            self._hosts[host] = HostGate._Host(asyncio.Semaphore(self._per_host))
        return self._hosts[host]

    def pause(self, host: str, seconds: float, status: int | None = None, url: str | None = None) -> None:
        """Start nothing to `host` for `seconds` (the server sent Retry-After); wake its waiters.

        With the `status` that asked for it (and its `url`), the pause is recorded in `asked`."""
        state = self._host(host)
        seconds = min(max(seconds, 0.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else MAX_RETRY_AFTER
        if status is not None:
            self._note_asked(host, seconds, status, url)
        now = time.monotonic()
        state.paused_total += max(0.0, now + seconds - max(state.paused_until, now))  # overlaps count once
        state.paused_until = max(state.paused_until, now + seconds)
        self._wake_waiters(state)

    def hold(self, pauses: list[HostPause], now: datetime) -> None:
        """Pause each host until its `until_at` (pauses kept by earlier runs); one already passed is none."""
        for kept in pauses:
            if (seconds := (kept.until_at - now).total_seconds()) > 0:
                self.pause(kept.host, seconds)

    def key(self, host: str) -> str:
        """The one key of all the spellings of `host` (`bücher.example`, `xn--bcher-kva.example.`): a pause
        asked under one holds the others."""
        if (known := self._keys.get(host)) is None:
            known = self._keys[host] = host_key(host)
        return known

    def _note_asked(self, host: str, seconds: float, status: int, url: str | None) -> None:
        host, now = self.key(host), datetime.now(UTC)
        asked = HostPause(host, now + timedelta(seconds=seconds), now, status, url)
        if host not in self.asked or asked.until_at > self.asked[host].until_at:
            self.asked[host] = asked
        if self.on_asked is not None:
            self.on_asked(asked)

    def paused_hosts(self) -> list[str]:
        """The hosts (`key` spelling) paused now, by a pause asked in the run or kept by an earlier one."""
        now = time.monotonic()
        return [host for host, state in self._hosts.items() if state.paused_until > now]

    @property
    def delay(self) -> float:
        return self._delay

    def pause_remaining(self, host: str) -> float:
        return max(0.0, self._host(host).paused_until - time.monotonic())

    def check_open(self, host: str) -> None:
        """Raise `HostPaused` when `host` asked for more than `max_pause` seconds of quiet."""
        state = self._host(host)
        remaining = max(0.0, state.paused_until - time.monotonic())
        if remaining > self._max_pause or state.paused_total > self._max_pause:
            raise HostPaused(host, remaining, state.paused_total)

    @contextlib.asynccontextmanager
    async def host_slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's `per_host_concurrency` slots (a request and its retry keep it)."""
        state = self._host(host)
        await self._acquire(host, state, state.slots)
        try:
            yield
        finally:
            state.slots.release()

    async def _acquire(self, host: str, state: HostGate._Host, lock: asyncio.Lock | asyncio.Semaphore) -> None:
        """Take one of the host's locks (its slots, its turn, its send). With a `pause_budget`, the time the host
        is paused meanwhile is counted to it, and a pause past it is `PauseOutlasts`: the lock may be held by a
        request waiting the pause out (a retry keeps its slot and waits in its turn), so the wait is the pause's."""
        if (budget := pause_budget.get()) is None:
            await lock.acquire()
            return
        taking = asyncio.ensure_future(lock.acquire())
        try:
            while not taking.done():
                began = time.monotonic()
                if budget.outlasted_by(paused := state.paused_until - began):
                    raise PauseOutlasts(self.key(host), paused)
                changed = asyncio.ensure_future(state.changed.wait())  # a pause asked or ended: look again
                await asyncio.wait({taking, changed}, timeout=paused if paused > 0 else None,
                                   return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
                self._spend(budget, state, began)
        except BaseException:
            if taking.done() and not taking.cancelled() and taking.exception() is None:
                lock.release()
            taking.cancel()
            raise

    @staticmethod
    def _spend(budget: PauseBudget, state: HostGate._Host, began: float) -> None:
        """Count to `budget` the part of the wait since `began` that the host was paused through."""
        budget.spend(max(0.0, min(time.monotonic(), state.paused_until) - began))

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[Turn]:
        """Hold a global slot, entered no sooner than the host's next start (call inside `host_slot`).

        Raises `HostPaused` (holding nothing) when the host's pauses pass `max_pause`. A turn
        marked `nothing_sent` (the address guard refused the request, or its name did not
        resolve) is given back: the host's next request starts as if this one had never been made.
        """
        state = self._host(host)
        turn = await self._take_turn(host, state)
        try:
            yield turn
        finally:
            self._global.release()
            if turn.nothing_sent:
                self._give_back(state, turn)

    async def _take_turn(self, host: str, state: HostGate._Host) -> Turn:
        # Waiting for the host's turn happens before taking a global slot, so a slow or paused
        # host holds at most one waiting request, not a share of the global limit.
        await self._acquire(host, state, state.turn)
        try:
            await self._wait_until(host, state, lambda: state.next_start)
            await self._global.acquire()
            turn = Turn(previous_start=state.next_start, next_start=time.monotonic() + self._delay)
            state.next_start = turn.next_start
            return turn
        finally:
            state.turn.release()

    @contextlib.asynccontextmanager
    async def send_window(self, host: str) -> AsyncIterator[SendWindow]:
        """Wait for the host's next send, then hold it for one request until its first bytes are written.

        Entered before the request's connection is taken from the pool or made (red team 42): a connection made
        first sat idle through this wait, and a server that closes a connection no request came on (its header
        timer) closed it. The wait is for `per_host_delay` after the host's last send ended and for any pause;
        it raises `HostPaused`, holding nothing, once the pause passes `max_pause`. One request at a time holds
        a host's window (with a delay), so between its wait and its write (the address check, a DNS answer, the
        connect) no other send lands: the host sees its sends a delay apart. `SendWindow.write` is around the
        write; a window left without one (no connection, nothing sent) records no send.
        """
        state = self._host(host)
        if self._delay <= 0:  # nothing to space: no lock, no send time kept, the pause alone
            await self._wait_until(host, state, lambda: -math.inf)
            yield SendWindow(self, host, state, None)
            return
        await self._acquire(host, state, state.sending)
        window = SendWindow(self, host, state, state.sending)
        try:
            await self._wait_until(host, state, lambda: state.last_sent + self._delay)
            yield window
        finally:
            window.release()

    async def until_unpaused(self, host: str) -> None:
        """Wait out the host's pause, as a send would (`PauseOutlasts` past the task's `pause_budget`): before a
        robots.txt fetch run inside an article's deadline, which the pause was timing out (review of red team 46).
        A pause past `max_pause` is left to robots.txt's fetch, which is then not sent and says so in its row."""
        try:
            await self._wait_until(host, self._host(host), lambda: -math.inf)
        except PauseOutlasts:
            raise
        except HostPaused:
            return

    async def _wait_until(self, host: str, state: HostGate._Host, earliest: Callable[[], float]) -> None:
        """Wait for `earliest()` (re-read after each wake: another request may move it) and the host's pause;
        raises `HostPaused` once the pause passes `max_pause`, `PauseOutlasts` once it passes the task's
        `pause_budget` (whose pause waits are counted to it)."""
        budget = pause_budget.get()
        while (wait := max(earliest(), state.paused_until) - (began := time.monotonic())) > 0:
            self.check_open(host)
            if budget is not None and budget.outlasted_by(paused := state.paused_until - began):
                raise PauseOutlasts(self.key(host), paused)
            await self._sleep_unless_paused(state, wait)
            if budget is not None:
                self._spend(budget, state, began)
        self.check_open(host)

    @staticmethod
    def _give_back(state: HostGate._Host, turn: Turn) -> None:
        """Undo a turn that sent nothing, unless a later turn has been taken since; wake the waiter."""
        if state.next_start == turn.next_start:
            state.next_start = turn.previous_start
            HostGate._wake_waiters(state)

    @staticmethod
    def _wake_waiters(state: HostGate._Host) -> None:
        """Wake the request waiting for the host's turn, to look at its start and pause again."""
        state.changed.set()
        state.changed = asyncio.Event()

    @staticmethod
    async def _sleep_unless_paused(state: HostGate._Host, seconds: float) -> None:
        """Sleep `seconds`, or less if the host's pause or next start changes meanwhile."""
        changed = state.changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await changed.wait()
