"""A fetch's steps inside its whole-request deadline (`fetch.timeout`), and the waits that are not counted in it.

Each step of a hop (robots.txt, the exchange) runs inside what is left of the attempt's deadline and adds its
time to the trail's. The host gate's wait before a request's connection is taken or made (the host's delay; a
Retry-After pause within the cap; a whole delay before a GET sent again on a new connection,
`Fetcher._send_request`) is our own wait, not the host's slowness: it moves the deadline and the step's start as
far, so a `fetch.per_host_delay` longer than `fetch.timeout` no longer times every such retry out (red team 39),
nor a pause a first send (session 34).

A redirect's hop is different (red team 46): its waits for its host's pause (a Retry-After another request was
given) count against the deadline (`pacing.PauseBudget`, set by `fetchwalk.FetchWalk._hop`), and a pause longer
than what is left is not waited (`pacing.PauseOutlasts`: `rate_limited`, not sent). Uncounted, a chain through
hosts each paused as the chain reached them waited every pause in turn: 10.8 s for 8 hosts at a 2 s `timeout`,
none of it in `elapsed_ms`. The host's delay and slots, our own spacing, stay uncounted on every hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from newsflow import netguard
from newsflow.fetchrecord import Trail
from newsflow.models import FetchResult, Outcome

StepT = TypeVar("StepT")
HeldT = TypeVar("HeldT")
Describe = Callable[[Exception, Trail], tuple[Outcome, str]]


async def timed(trail: Trail, url: str, step: Awaitable[StepT], describe: Describe) -> StepT | FetchResult:
    """Await one step of a hop inside what is left of the attempt's deadline; count its time. A failure is the
    result `describe` maps it to (a Retry-After pause met while waiting to send is raised: the hop's answer)."""
    trail.step_started = time.monotonic()
    try:
        async with asyncio.timeout(trail.time_left()) as deadline:
            trail.deadline = deadline
            return await step
    except netguard.HostPaused:
        raise
    except Exception as exc:  # mapped to an outcome; unknown ones become FETCH_ERROR
        if isinstance(exc, netguard.BlockedAddressError) and netguard.refused_by_answer(exc):
            trail.answer_refused = True
        if isinstance(exc, netguard.NameResolutionError) and exc.no_such_name:
            trail.name_unknown = True
        trail.site_refused = isinstance(exc.__cause__, netguard.RefusedAtAddresses)
        outcome, what = describe(exc, trail)
        return trail.result(outcome, url, error=f"GET {url}: {what}")
    finally:
        trail.deadline = None
        trail.end_step()


@contextlib.asynccontextmanager
async def waiting_uncounted(
    trail: Trail, pacer: Callable[[], AbstractAsyncContextManager[HeldT]]
) -> AsyncIterator[HeldT]:
    """Around `pacer` (the host gate's send window): the time it waits before it is entered is kept out of the
    deadline, which is held while it waits (else a wait longer than the time left would end the step) and moved
    as far; what it holds is yielded. A redirect's wait for a pause, counted already (`Trail.count_pause`), is
    not moved."""
    deadline = trail.deadline
    when = deadline.when() if deadline is not None else None
    began, counted = time.monotonic(), trail.waited_seconds
    if deadline is not None:
        deadline.reschedule(None)
    try:
        async with pacer() as held:
            restore(trail, deadline, when, time.monotonic() - began, trail.waited_seconds - counted)
            deadline = None  # restored
            yield held
    finally:
        restore(trail, deadline, when, time.monotonic() - began, trail.waited_seconds - counted)


def restore(
    trail: Trail, deadline: asyncio.Timeout | None, when: float | None, waited: float, counted: float = 0.0
) -> None:
    """The step begun `waited` seconds later than it was, and the deadline as much later, less the part of the
    wait `counted` in the deadline already (a redirect's wait for a pause, `Trail.count_pause`)."""
    if deadline is None:
        return
    if trail.step_started is not None:
        trail.step_started += waited
    deadline.reschedule(None if when is None else when + waited - counted)
