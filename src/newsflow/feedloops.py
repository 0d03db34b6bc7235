"""Where the configured feeds a run did not poll redirect to, so that `--feed a` alone sees `a -> b -> a`.

A poll that stops at another configured feed's URL (`polls.moved_onto_another`) is judged with the
other polls of the run (`polls.settle_redirects`): feeds redirecting onto each other are a loop.
When the feed it stopped at was not polled in this run (`newsflow run --feed a`), one GET of that
URL, stopped the same way, says where that feed's redirects lead; nothing about it is recorded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from newsflow.fetch import Fetcher
from newsflow.models import Outcome

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
