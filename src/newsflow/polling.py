"""When to poll each feed next: pure functions, documented in docs/polling.md.

A healthy feed is polled about when half of the items it shows at a time have been replaced,
estimated from the new items the last poll found. A feed that showed nothing new waits 1.5
times longer. When a poll finds only new items, the feed's window rolled over between polls
and items may have been missed: the next interval is half the gap just seen. Publisher hints
(RSS `ttl`, `sy:updatePeriod`/`sy:updateFrequency`, `Cache-Control: max-age`) are floors, and
`Retry-After` pushes the next poll back. Everything is clamped to
[`polling.min_interval`, `polling.max_interval`]. `min_interval = 0` turns the adaptation
off: healthy feeds are then due on every run.

Failing feeds back off step by step: `BACKOFF_BASE_SECONDS` (at least `min_interval`),
doubled with every consecutive failure, capped at `max_interval`, with +/-`JITTER` so that
feeds failing together do not come back together (as Media Cloud's rss-fetcher and Feedbin
do). A hard failure starts `HARD_FAILURE_STEPS` doublings further on, never at a day. A feed
that answers 410 Gone `RETIRE_AFTER_GONE` times in a row is retired and polled again only
when named with `--feed`. `Retry-After` counts up to `max_interval`. A failure to reach the feed in a run where
nothing told the network up backs off `DOUBT_BACKOFF_CAP` at most (about an hour: the machine may be offline).

The network outage rule (`newsflow.outages`) and captive portals' pages (`newsflow.portals`) are
modules of their own; their names are re-exported here, where the stages have always read them.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsflow.fetchrecord import believable_last_modified
from newsflow.models import FailureClass, FeedConfig, FeedState
from newsflow.outages import OUTAGE_MIN_FEEDS as OUTAGE_MIN_FEEDS
from newsflow.outages import OUTAGE_MIN_HOSTS as OUTAGE_MIN_HOSTS
from newsflow.outages import OUTAGE_SHARE as OUTAGE_SHARE
from newsflow.outages import UNREACHABLE_OUTCOMES as UNREACHABLE_OUTCOMES
from newsflow.outages import PollReach as PollReach
from newsflow.outages import is_network_outage as is_network_outage
from newsflow.outages import judged_polls as judged_polls
from newsflow.outages import offline_polls as offline_polls
from newsflow.outages import outage_holds_articles as outage_holds_articles
from newsflow.outages import reach_of as reach_of
from newsflow.portals import INTERCEPT_MIN_SITES as INTERCEPT_MIN_SITES
from newsflow.portals import MIN_PORTAL_PAGE_BYTES as MIN_PORTAL_PAGE_BYTES
from newsflow.portals import intercepted_landings as intercepted_landings
from newsflow.portals import landed_elsewhere as landed_elsewhere
from newsflow.portals import network_pages as network_pages
from newsflow.portals import page_digest as page_digest
from newsflow.portals import page_digests as page_digests
from newsflow.portals import served_page as served_page
from newsflow.portals import walled_garden as walled_garden

BACKOFF_BASE_SECONDS = 300
HARD_FAILURE_STEPS = 2
JITTER = 0.1
RETIRE_AFTER_GONE = 3
# The longest back-off of a failure to reach a feed in a run where nothing told the network up (an outage past
# `outages.OUTAGE_GRACE`, a lone feed down): the machine may be offline, and is then back within the hour.
DOUBT_BACKOFF_CAP = 3600
SLOWDOWN_WHEN_NOTHING_NEW = 1.5
# A last poll later than now by more than this was made under a clock that was ahead (then set back).
CLOCK_SKEW = timedelta(minutes=5)
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class PollHistory:
    """What the warehouse knew about the feed before this poll."""

    last_polled_at: datetime | None = None
    poll_interval: int | None = None
    consecutive_failures: int = 0
    has_entries: bool = False


@dataclass(frozen=True)
class PollObservation:
    """What this poll saw."""

    polled_at: datetime
    failure: FailureClass | None
    status_code: int | None = None
    entries_seen: int = 0
    entries_new: int = 0
    hint_seconds: int | None = None
    retry_after: float | None = None
    jitter: float = 0.0  # in [-1, 1]: where in +/-JITTER this failure's back-off lands
    network_doubt: bool = False  # a failure to reach that the network may be to blame for (outages.doubt_caps)


@dataclass(frozen=True)
class PollPlan:
    interval: int
    next_poll_at: datetime
    possibly_missed: bool = False
    retire: bool = False


def plan_next_poll(history: PollHistory, seen: PollObservation, min_interval: int, max_interval: int) -> PollPlan:
    if seen.failure is not None:
        return _plan_after_failure(history, seen, min_interval, max_interval)
    missed = possibly_missed(history, seen)
    if min_interval == 0:  # adaptive scheduling off: a healthy feed is due on every run
        return PollPlan(0, _next_at(seen, 0), possibly_missed=missed)
    interval = _clamp(_healthy_interval(history, seen, missed, min_interval), seen, min_interval, max_interval)
    return PollPlan(interval, _next_at(seen, interval, max_interval), possibly_missed=missed)


def possibly_missed(history: PollHistory, seen: PollObservation) -> bool:
    """Every item is new although the feed had items before: its window rolled over unseen."""
    return history.has_entries and history.last_polled_at is not None and 0 < seen.entries_seen == seen.entries_new


def _healthy_interval(history: PollHistory, seen: PollObservation, missed: bool, min_interval: int) -> float:
    previous = history.poll_interval if history.poll_interval is not None else min_interval
    if history.last_polled_at is None:
        return min_interval
    gap = (seen.polled_at - history.last_polled_at).total_seconds()
    if missed:
        return gap / 2
    if seen.entries_new > 0 and gap > 0:
        new_per_second = seen.entries_new / gap
        return seen.entries_seen / 2 / new_per_second
    return max(previous, 1) * SLOWDOWN_WHEN_NOTHING_NEW


def _clamp(interval: float, seen: PollObservation, min_interval: int, max_interval: int) -> int:
    floor = max(min_interval, min(seen.hint_seconds or 0, max_interval))
    return int(min(max(interval, floor), max_interval))


def _plan_after_failure(
    history: PollHistory, seen: PollObservation, min_interval: int, max_interval: int
) -> PollPlan:
    failures = history.consecutive_failures + 1
    steps = failures - 1 + (HARD_FAILURE_STEPS if seen.failure is FailureClass.HARD else 0)
    backoff = max(min_interval, BACKOFF_BASE_SECONDS) * 2 ** min(steps, 30)
    if seen.network_doubt:
        backoff = min(backoff, max(min_interval, DOUBT_BACKOFF_CAP))
    jittered = backoff * (1 + JITTER * max(-1.0, min(1.0, seen.jitter)))
    interval = int(max(min_interval, min(max_interval, jittered)))
    gone = seen.status_code == 410 and failures >= RETIRE_AFTER_GONE
    return PollPlan(interval, _next_at(seen, interval, max_interval), retire=gone)


def _next_at(seen: PollObservation, interval: int, max_interval: int | None = None) -> datetime:
    """`interval` after the poll, or later when the server asked (Retry-After, up to `max_interval`)."""
    retry_after = seen.retry_after if seen.retry_after and math.isfinite(seen.retry_after) else 0
    wait = max(interval, min(retry_after, max_interval if max_interval is not None else interval))
    return seen.polled_at + timedelta(seconds=wait)


def jitter_for(feed_id: str, failures: int) -> float:
    """A number in [-1, 1], fixed for a feed and its failure count: feeds that failed together
    come back apart, and a plan is the same every time it is computed."""
    digest = hashlib.sha256(f"{feed_id}\0{failures}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**31 - 1.0


def publisher_hint_seconds(
    ttl_seconds: int | None, update_period_seconds: int | None, headers: Mapping[str, str]
) -> int | None:
    """The longest interval the publisher asks for: RSS ttl, sy:updatePeriod, Cache-Control max-age."""
    hints = [h for h in (ttl_seconds, update_period_seconds, cache_max_age(headers)) if h]
    return max(hints) if hints else None


def cache_max_age(headers: Mapping[str, str]) -> int | None:
    match = _MAX_AGE.search(headers.get("cache-control", ""))
    return int(match.group(1)) if match else None


def is_due(
    next_poll_at: datetime | None, retired: bool, now: datetime, max_interval: int | None = None,
    last_polled_at: datetime | None = None,
) -> bool:
    """Due when its time has come; also when that time is further off than `max_interval`, which no plan
    makes: the clock was ahead when it was planned (then set back), or `polling.max_interval` was lowered.
    And when its last poll is later than now: the clock was set back since, by less than `max_interval`
    perhaps (a VM restored, a clock kept in local time then fixed), and the plan made then is as far off."""
    if retired:
        return False
    if next_poll_at is None or next_poll_at <= now:
        return True
    if last_polled_at is not None and last_polled_at > now + CLOCK_SKEW:
        return True
    return max_interval is not None and next_poll_at > now + timedelta(seconds=max_interval)


def sent_validators(state: FeedState, max_interval: int, now: datetime) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified a poll sends back, if any.

    None when the feed is polled at the longest interval (`max_interval`): it has had nothing new
    for many polls, so that poll asks unconditionally, once a day at most by default, and a server
    that answers 304 to any conditional request (a CDN or a CMS that gets validators wrong) cannot
    hide the feed for good. A Last-Modified later than now (a server clock that was ahead, stored
    before newsflow checked it) is not sent either."""
    if state.poll_interval is not None and state.poll_interval >= max_interval:
        return None, None
    return state.etag, believable_last_modified(state.last_modified, now)


def due_feeds(
    feeds: Sequence[FeedConfig], states: Mapping[str, FeedState], now: datetime, max_interval: int | None = None
) -> list[FeedConfig]:
    """The feeds whose next poll time has come (or is further off than `max_interval`) and that are not retired."""
    def due(feed: FeedConfig) -> bool:
        state = states.get(feed.name)
        return state is None or is_due(state.next_poll_at, state.retired, now, max_interval, state.last_polled_at)

    return [feed for feed in feeds if due(feed)]


def next_due(feeds: Sequence[FeedConfig], states: Mapping[str, FeedState]) -> tuple[str, datetime] | None:
    """The feed (not retired) due soonest among `feeds`, and when."""
    upcoming = [(state.next_poll_at, feed.name) for feed in feeds
                if (state := states.get(feed.name)) and state.next_poll_at and not state.retired]
    if not upcoming:
        return None
    when, name = min(upcoming)
    return name, when


def redirect_loops(moves: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The feeds whose redirects lead back to themselves through other configured feeds' URLs.

    `moves` maps a feed to the feed whose URL its redirects ended on. Each feed in a loop gets the
    loop, written from the name first in sort order (`a -> b` for both `a` and `b`), so that one
    loop is named one way. A feed merged into a feed that serves (`a -> b`, `b` not moving) is in none.
    """
    loops: dict[str, tuple[str, ...]] = {}
    for start in moves:
        path, current = [start], moves[start]
        while current in moves and current not in path:
            path.append(current)
            current = moves[current]
        if current == start:
            first = path.index(min(path))
            loops[start] = tuple(path[first:] + path[:first])
    return loops
