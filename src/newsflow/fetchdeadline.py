"""A fetch's steps inside its whole-request deadline (`fetch.timeout`), and the waits that are not counted in it.

Each step of a hop (robots.txt, the exchange) runs inside what is left of the attempt's deadline and adds its
time to the trail's. The host gate's wait before a request's connection is taken or made (the host's delay; a
Retry-After pause within the cap; a whole delay before a GET sent again on a new connection,
`Fetcher._send_request`) is our own wait, not the host's slowness: it moves the deadline and the step's start as
far, so a `fetch.per_host_delay` longer than `fetch.timeout` no longer times every such retry out (red team 39),
nor a pause a first send (session 34).

A redirect's hop is different (red team 46): its waits for its host's gate (the host's slot, its turn, its send,
through a pause another request's Retry-After asked) count against the deadline, one `per_host_delay` aside
(`gate_wait`). Uncounted, a chain through hosts each paused as the chain reached it waited every pause in turn:
10.8 s for 8 hosts at a 2 s `timeout`, none of it in `elapsed_ms`. A wait that cannot end within what is left is
not waited: the hop ends `rate_limited`, not sent (`RedirectHeld`), and the article is left for a later run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
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


class RedirectHeld(netguard.HostPaused):
    """A redirect's host could not be reached within what is left of the fetch's deadline: its pause (another
    request's Retry-After) or its other requests outlast it. Nothing was sent to it; `_hop` makes it
    `rate_limited` with no status, so the article is deferred, not failed."""

    def __init__(self, host: str, remaining: float, what: str) -> None:
        Exception.__init__(self, what)
        self.host, self.remaining = host, remaining


def _held(trail: Trail, gate: netguard.HostGate, host: str, waited: float | None) -> RedirectHeld:
    paused = gate.pause_remaining(host)
    why = (f"{host} is paused for {paused:.1f} s more (a Retry-After another request was given)"
           if waited is None else f"waited {waited:.1f} s for {host} (its pause or our other requests to it)")
    hops = len(trail.redirects)
    return RedirectHeld(host, paused, f"{why}, past the {trail.timeout:.1f} s deadline of this fetch after {hops} "
                                      f"redirect{'s' if hops != 1 else ''}; left for a later run")


@contextlib.asynccontextmanager
async def gate_wait(
    trail: Trail, gate: netguard.HostGate, host: str, waiting: AbstractAsyncContextManager[HeldT]
) -> AsyncIterator[HeldT]:
    """Enter `waiting` (a wait for `host`'s gate). On a fetch's first hop, as it is. On a redirect's hop
    (`trail.wait_left` set), bounded by what the hop may still wait and counted (`Trail.spend_wait`): a pause
    longer than that is not waited, and a wait that reaches it is left, both as `RedirectHeld`."""
    if trail.wait_left is None:
        async with waiting as held:
            yield held
        return
    if gate.pause_remaining(host) > trail.wait_left:
        raise _held(trail, gate, host, None)
    began = time.monotonic()
    async with AsyncExitStack() as stack:
        try:
            async with asyncio.timeout(trail.wait_left):
                held = await stack.enter_async_context(waiting)
        except TimeoutError:
            raise _held(trail, gate, host, time.monotonic() - began) from None
        finally:
            trail.spend_wait(time.monotonic() - began)
        yield held


@contextlib.asynccontextmanager
async def waiting_uncounted(trail: Trail, gate: netguard.HostGate, host: str) -> AsyncIterator[netguard.SendWindow]:
    """Around the host gate's send window: the time it waits before it is entered is kept out of the deadline,
    which is held while it waits (else a wait longer than the time left would end the step) and moved as far; the
    window is yielded. On a redirect's hop the wait is `gate_wait`'s: counted, and the deadline moved only by
    its free part."""
    deadline = trail.deadline
    when = deadline.when() if deadline is not None else None
    began, counted_before = time.monotonic(), trail.waited_seconds
    if deadline is not None:
        deadline.reschedule(None)
    try:
        async with gate_wait(trail, gate, host, gate.send_window(host)) as held:
            restore(trail, deadline, when, time.monotonic() - began, trail.waited_seconds - counted_before)
            deadline = None  # restored
            yield held
    finally:
        restore(trail, deadline, when, time.monotonic() - began, trail.waited_seconds - counted_before)


def restore(
    trail: Trail, deadline: asyncio.Timeout | None, when: float | None, waited: float, counted: float = 0.0
) -> None:
    """The step begun `waited` seconds later than it was, and the deadline as much later, less the part of the
    wait `counted` in it already (a redirect's, `Trail.spend_wait`)."""
    if deadline is None:
        return
    if trail.step_started is not None:
        trail.step_started += waited
    deadline.reschedule(None if when is None else when + waited - counted)
