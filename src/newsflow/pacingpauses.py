"""What a request meets when its host is paused: the errors that say nothing was sent (`HostPaused`,
`PauseOutlasts`, `SendHeld`) and the pause budget a redirect's hop carries (`PauseBudget`, `pause_budget`).
Split from `pacing`, which re-exports these names."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass


class HostPaused(Exception):
    """The host asked for more quiet than the gate's `max_pause`; nothing is sent to it."""

    def __init__(self, host: str, remaining: float, asked_total: float) -> None:
        self.host, self.remaining = host, remaining
        if remaining >= asked_total:
            what = f"{host} asked us to wait {remaining:.0f} s more (Retry-After)"
        else:
            what = f"{host} asked for {asked_total:.0f} s of Retry-After pauses in this run (max_retry_after)"
        super().__init__(what)


class PauseOutlasts(HostPaused):
    """The host's pause outlasts what the request may still wait for it (`PauseBudget`): nothing is sent."""

    def __init__(self, host: str, remaining: float) -> None:
        Exception.__init__(self, f"{host} is paused for {remaining:.1f} s more (a Retry-After another request "
                                 "was given)")
        self.host, self.remaining = host, remaining


@dataclass
class PauseBudget:
    """What one request may still wait for its host's pauses, and whom to tell of each wait (`spent`). Set in
    `pause_budget` by a redirect's hop (red team 46): a chain through hosts each paused as it reached them waited
    every pause in turn, beyond its deadline. The host's delay and slots (our own spacing) are not counted. A
    `free` budget waits a pause as a first send does, uncounted (a fetch's first redirect to meet one, unless a
    retry waited its own pause before: the chain's pauses add up to one `max_retry_after` and its deadline, not
    `max_redirects` of them)."""

    left: float
    spent: Callable[[float], None]
    free: bool = False
    room: float = 0.0  # what a counted wait must leave of `left` for the exchange after it
    met_pause: bool = False  # a free budget met a pause: the fetch's one free pause is used
    freely: Callable[[float], None] | None = None  # told of each wait a free budget makes
    # Counts the fetch's free pause after all, when the attempt it was waited in holds it, so that this budget may
    # wait its pause free instead: given `left` and `room`, the seconds it took from `left`, or None (red team 48).
    refund: Callable[[float, float], float | None] | None = None

    def outlasted_by(self, paused: float) -> bool:
        """Whether a pause with `paused` s left is past what may still be waited: a counted one that would leave
        the exchange less than `room` is, since the exchange would then time out in its connect, a counted
        `connect_error`, where not waiting is `rate_limited`, uncounted (review of red team 47). Before saying so,
        a budget with a `refund` moves the fetch's free pause here when the attempt that waited it can count it:
        on every run alike, a chain paused as it reached a host, then that host's 429 asking more than its room,
        was never stored (red team 48)."""
        if (not self.free and paused > self.left - self.room and self.refund is not None
                and (taken := self.refund(self.left, self.room)) is not None):
            self.left -= taken
            self.free, self.refund = True, None
        if self.free:
            self.met_pause = self.met_pause or paused > 0
            return False
        return paused > self.left - self.room

    def spend(self, waited: float) -> None:
        if self.free:
            if self.freely is not None:
                self.freely(waited)
            return
        self.left -= waited
        self.spent(waited)


pause_budget: contextvars.ContextVar[PauseBudget | None] = contextvars.ContextVar("pause_budget", default=None)


class SendHeld(Exception):
    """The host was paused (a Retry-After) between the wait for a send and its write: nothing was written, and the
    connection made meanwhile is dropped rather than held through the pause; the request waits again and makes
    a new one (red team 42)."""

    def __init__(self, host: str) -> None:
        super().__init__(f"{host} asked for a pause (Retry-After) while our request was connecting; not sent")

