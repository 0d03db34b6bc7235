"""The walk of one fetch, from its first URL to its result: robots.txt, the host's gate, its retries, redirects.

`FetchWalk` is `fetch.Fetcher`'s half that knows no HTTP library: it makes a fetch total (`_fetch`: any exception a
`FETCH_ERROR`), walks the redirects (`fetchrules.follow_redirects`) one hop at a time (`_hop`: robots.txt, the host's
slot, the retry a Retry-After within `max_retry_after` earns) and takes each request's turn (`_send`). From the first
redirect on, a hop's waits for its host's pause are inside the deadline, but for the fetch's first such pause
(`pacing.PauseBudget`, red team 46). The first hop's retry waits its pause as the first send waited its host's,
uncounted (the run's to schedule), and leaves the fetch its one retry for the hops after it (red team 49: a
tracker's redirect and the publisher each answering a run's first request 429 starved the article). The
exchange itself (`_exchange`, httpx) and the mapping of its failures (`_timed`) are `fetch.Fetcher`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from newsflow import netguard
from newsflow.config import FetchSettings
from newsflow.fetchrecord import Trail
from newsflow.fetchrules import follow_redirects, host_of, worth_retrying
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.pacing import PauseBudget, PauseOutlasts, pause_budget
from newsflow.robots import ROBOTS_ACCEPT, ROBOTS_MAX_BYTES, ROBOTS_TIME_SHARE, RobotsRules

logger = logging.getLogger(__name__)
HopT = TypeVar("HopT")

# Failures decided before any connection to the host, which therefore cost it no politeness turn.
_NOTHING_SENT = frozenset({Outcome.BLOCKED, Outcome.DNS_ERROR})


def _held(url: str, paused: PauseOutlasts, trail: Trail) -> str:
    hops = len(trail.redirects)
    what = (f"{paused.host} is paused for {paused.remaining:.1f} s more before this fetch's retry (a Retry-After)"
            if trail.retried else str(paused))
    return (f"GET {url}: {what}, past what is left of this fetch's {trail.timeout:.1f} s deadline after {hops} "
            f"redirect{'s' if hops != 1 else ''} and its one uncounted pause; not sent, left for a later run")


def _retry_budget(trail: Trail, free: bool) -> PauseBudget:
    """A retry waits for the pause it was given as a first send does: the fetch's one uncounted pause (review of
    red team 46). Once a redirect has waited that one, a paused host and then its 429 were 4.5 s uncounted on a
    1 s deadline (red team 47); not retried at all, an article behind a host paused on every run and a 429 on
    every run was `rate_limited` on every run, never stored (its review). So the retry waits its pause counted,
    in its fresh deadline, as a later redirect's is (`_pause_room` left for the exchange). A longer one, a
    Retry-After past three quarters of the deadline on every run, starved the article still (red team 48): the
    redirect's free pause is then counted in the first attempt's deadline if that attempt held it
    (`Trail.refund_free_pause`), and the retry's waited free. Else `PauseOutlasts`: `rate_limited`, uncounted."""
    if free:
        return PauseBudget(trail.time_left(), trail.count_pause, free=True, freely=trail.wait_freely)
    return PauseBudget(trail.time_left(), trail.count_pause, room=_pause_room(trail), freely=trail.wait_freely,
                       refund=trail.refund_free_pause)


def _pause_room(trail: Trail) -> float:
    """What a counted wait for a pause must leave of the deadline for the exchange after it: a wait that left it
    nothing timed the connect out, `connect_error`, an attempt counted (review of red team 47)."""
    return trail.timeout * PAUSE_ROOM_SHARE


PAUSE_ROOM_SHARE = 0.25


class FetchWalk:
    """One fetch's walk; a subclass gives the exchange (`_exchange`) and the deadline's step (`_timed`)."""

    _settings: FetchSettings
    _gate: netguard.HostGate
    _robots: RobotsRules

    def _check_open(self) -> None:
        raise NotImplementedError

    async def _timed(self, url: str, trail: Trail, step: Awaitable[HopT], max_bytes: int) -> HopT | FetchResult:
        raise NotImplementedError

    async def _exchange(self, url: str, trail: Trail, headers: dict[str, str], max_bytes: int) -> FetchResult | str:
        raise NotImplementedError

    async def _fetch(
        self, url: str, kind: FetchKind, headers: dict[str, str], max_bytes: int, timeout: float | None = None,
        stop_at: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """The boundary that makes fetching total: any exception becomes a FETCH_ERROR result.

        Only misuse raises: calling it outside `async with Fetcher(...)`.
        """
        self._check_open()
        trail = Trail(url, kind, self._settings.timeout if timeout is None else timeout, stop_at=stop_at)
        try:
            result = await self._fetch_attempts(url, trail, headers, max_bytes)
        except Exception as exc:  # a bug or a library surprise costs this URL, never the run
            logger.warning("GET %s: unexpected %s", url[:200], type(exc).__name__, exc_info=True)
            error = f"GET {url}: unexpected {type(exc).__name__}: {exc}"
            result = trail.result(Outcome.FETCH_ERROR, url, error=error)
        return result

    async def _fetch_attempts(
        self, url: str, trail: Trail, headers: dict[str, str], max_bytes: int
    ) -> FetchResult:
        problem = netguard.unsupported_scheme(url)
        if problem is not None:
            return trail.result(Outcome.INVALID_URL, url, error=f"GET {url}: {problem}; not fetched")
        return await follow_redirects(url, trail, headers, max_bytes, self._hop, self._settings.max_redirects)

    async def _hop(self, url: str, trail: Trail, headers: dict[str, str], max_bytes: int) -> FetchResult | str:
        """One request: a final FetchResult, or the URL a redirect points to."""
        host = host_of(url)
        budget = (PauseBudget(trail.time_left(), trail.count_pause, free=not trail.paused, room=_pause_room(trail),
                              freely=trail.wait_freely, refund=trail.refund_free_pause) if trail.redirects else None)
        waiting_for_pauses = pause_budget.set(budget)  # a redirect waits for its host's pause in its deadline
        try:
            if trail.kind is FetchKind.ARTICLE and self._settings.respect_robots:
                known = self._robots.known(url)  # matched once a hop, and handed on
                if known is None:  # robots.txt, fetched in this deadline, would wait the pause
                    await self._gate.until_unpaused(host)
                refusal = await self._robots.refusal(url, trail, lambda step: self._timed(url, trail, step, max_bytes),
                                                     known)
                if refusal is not None:
                    return refusal
            async with self._gate.host_slot(host):  # kept through the retry: it goes before queued requests
                hop = await self._send(url, trail, headers, max_bytes)
                if worth_retrying(hop, trail, self._settings.max_retry_after):
                    logger.info("%s asked us to wait (Retry-After); retrying once", url)
                    if not trail.redirects:  # the first host's: waited as its first send's pause was
                        trail.attempt_seconds = 0.0  # a fresh deadline; the fetch's retry is kept for its chain
                        return await self._send(url, trail, headers, max_bytes)
                    free_pause_used = trail.paused or (budget is not None and budget.met_pause)
                    trail.first_attempt_seconds = trail.attempt_seconds
                    trail.retried, trail.attempt_seconds = True, 0.0  # the retry gets a fresh deadline
                    pause_budget.set(_retry_budget(trail, free=not free_pause_used))
                    trail.paused = True
                    hop = await self._send(url, trail, headers, max_bytes)
        except PauseOutlasts as paused:
            error = _held(url, paused, trail)
            return trail.result(Outcome.RATE_LIMITED, url, error=error, retry_after=paused.remaining)
        except netguard.HostPaused as paused:
            error = f"GET {url}: {paused}; not sent"
            return trail.result(Outcome.RATE_LIMITED, url, error=error, retry_after=paused.remaining)
        finally:
            pause_budget.reset(waiting_for_pauses)
            trail.paused = trail.paused or (budget is not None and budget.met_pause)
        return hop

    async def _send(self, url: str, trail: Trail, headers: dict[str, str], max_bytes: int) -> FetchResult | str:
        async with self._gate.turn(host_of(url)) as turn:
            hop = await self._timed(url, trail, self._exchange(url, trail, headers, max_bytes), max_bytes)
            turn.nothing_sent = isinstance(hop, FetchResult) and hop.outcome in _NOTHING_SENT  # guard, no address
            netguard.request_sending.set(None)  # a request that never wrote leaves no wait to another
            return hop

    async def _fetch_robots(self, origin: str) -> FetchResult:
        max_bytes = min(self._settings.max_bytes, ROBOTS_MAX_BYTES)
        timeout = self._settings.timeout * ROBOTS_TIME_SHARE
        return await self._fetch(
            f"{origin}/robots.txt", FetchKind.ROBOTS, {"Accept": ROBOTS_ACCEPT}, max_bytes, timeout=timeout
        )
