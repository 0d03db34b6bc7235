"""Where the configured feeds a run did not poll redirect to, so that `--feed a` alone sees `a -> b -> a`.

A poll that stops at another configured feed's URL (`polls.moved_onto_another`) is judged with the
other polls of the run (`feedloops.settle_redirects`): feeds redirecting onto each other are a loop.
When the feed it stopped at was not polled in this run (`newsflow run --feed a`), one GET of that
URL, stopped the same way, says where that feed's redirects lead; nothing about it is recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newsflow import polling as polling_policy
from newsflow.fetch import Fetcher
from newsflow.models import FeedState, Outcome

if TYPE_CHECKING:  # polls imports this module
    from newsflow.polls import FeedPoll, PollJob

log = logging.getLogger("newsflow.polls")  # the loop's warning has always been the poll stage's

FeedAt = Callable[[str, str], "str | None"]
"""`(feed name, url) -> the name of another configured feed whose URL `url` is`, or None."""


async def unpolled_moves(
    fetcher: Fetcher, targets: Mapping[str, str], feed_at: FeedAt, deadline: float
) -> dict[str, str]:
    """For each feed not polled in this run (its name -> the URL a poll was redirected to), the
    configured feed its own redirects end on, if any; those not fetched by `deadline` are left out."""

    async def onward(name: str, url: str) -> str | None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            result = await asyncio.wait_for(
                fetcher.fetch_feed(url, stop_at=lambda target: feed_at(name, target) is not None), remaining)
        except TimeoutError:
            return None
        if result.outcome is not Outcome.NOT_MODIFIED or not result.redirects:
            return None
        return feed_at(name, result.redirects[-1][1])

    found = await asyncio.gather(*(onward(name, url) for name, url in targets.items()))
    return {name: other for name, other in zip(targets, found, strict=True) if other is not None}


def settle_redirects(job: PollJob, polls: Sequence[FeedPoll], unpolled: Mapping[str, str] | None = None
                     ) -> list[FeedPoll]:
    """The polls that stopped at another configured feed's URL, judged together once all have ended.

    Feeds whose redirects lead back to themselves (`a -> b -> a`) serve nothing: each is a
    `redirect_loop` and backs off, and one warning names the loop when it appears (one of its feeds
    not failing yet). A feed merged into one that serves is named every poll, with the one to remove.
    `unpolled` adds where feeds this run did not poll redirect to (`feedloops.unpolled_moves`)."""
    loops = polling_policy.redirect_loops({**(unpolled or {}), **{p.feed.name: p.moved_onto for p in polls
                                                                   if p.moved_onto}})
    for cycle in sorted(set(loops.values())):
        new = any(job.states.get(name, FeedState(name)).consecutive_failures == 0 for name in cycle)
        log.log(logging.WARNING if new else logging.INFO,
                "feeds %s redirect onto each other's URLs in a loop (%s): none of them serves a feed; each is "
                "recorded redirect_loop and backs off: tell the publisher, or remove them from the config",
                " and ".join(cycle), " -> ".join((*cycle, cycle[0])))
    for poll in (p for p in polls if p.feed.name not in loops):
        log.warning("feed %s (%s) redirects to %s, the URL of feed %s: both are the one feed now; remove feed %s "
                    "from the config (until then it costs a request a poll, and its items are stored under feed %s)",
                    poll.feed.name, poll.feed.url, poll.result.redirects[-1][1], poll.moved_onto, poll.feed.name,
                    poll.moved_onto)
    return [poll if (ring := loops.get(poll.feed.name)) is None else replace(
        poll, outcome=Outcome.REDIRECT_LOOP, error=f"GET {poll.result.final_url}: redirect loop through configured "
        f"feeds ({' -> '.join((*ring, ring[0]))}); no feed at this URL") for poll in polls]
