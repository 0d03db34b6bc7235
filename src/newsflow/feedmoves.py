"""A feed that moved: adopting a stable permanent redirect, and falling back when it fails.

Pure decisions, no I/O; documented in docs/polling.md ("A feed that moved").

A feed whose URL answers a permanent redirect (301 or 308) costs a request more on every poll,
and is lost the day its old host stops redirecting. The target is adopted, as NewsBlur (ten
redirects in a row) and other readers (a week of them) do, only once it is stable:

- every redirect of the chain was permanent (one 302, 303 or 307 anywhere and nothing is
  adopted), it never goes from https to http nor to a URL with credentials in it, and the poll
  that followed it got a valid feed
  (parsed, or a 304 to its validators);
- the same target was seen on `polling.adopt_redirect_after_polls` consecutive such polls
  spanning at least `polling.adopt_redirect_after_seconds`. A failed poll neither counts nor
  resets; a healthy poll without that redirect starts the count again.

Redirects the fetcher refuses (a loop, a network the netguard forbids, a bad scheme) never end
in a valid feed, so they are never adopted. The config URL stays the feed's identity
(`feeds.url`); the URL polled instead is `feeds.adopted_url`. When a poll of the adopted URL
fails (anything but a 429), the same poll fetches the config URL again, unconditionally, and the
adopted URL is dropped. A change of the config URL drops it too (`warehouse.runs.sync_feeds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from newsflow.errors import classify_outcome
from newsflow.models import FeedState, FetchResult, Outcome
from newsflow.urls import fetch_problem

PERMANENT_REDIRECTS = frozenset({301, 308})
HEALTHY_OUTCOMES = frozenset({Outcome.OK, Outcome.NOT_MODIFIED})


@dataclass(frozen=True)
class MovePolicy:
    after_polls: int  # 0: never adopt
    after_seconds: int


@dataclass(frozen=True)
class FeedMove:
    """Where the feed is polled next, and the permanent redirect being watched."""

    adopted_url: str | None = None
    redirect_url: str | None = None
    redirect_polls: int = 0
    redirect_since: datetime | None = None


def polled_url(state: FeedState, config_url: str) -> str:
    """The URL a poll of the feed fetches: the adopted one, else the config's."""
    return state.adopted_url or config_url


def moved_home_failed(outcome: Outcome, status_code: int | None) -> bool:
    """A poll of the adopted URL that should send the feed back to its config URL."""
    return outcome is not Outcome.RATE_LIMITED and classify_outcome(outcome, status_code) is not None


def permanent_target(result: FetchResult) -> str | None:
    """Where the poll's redirects led, when there were some and every one was permanent."""
    if not result.redirects or any(status not in PERMANENT_REDIRECTS for status, _ in result.redirects):
        return None
    target = result.redirects[-1][1].split("#", 1)[0]
    if fetch_problem(target) is not None or target == result.url:
        return None
    if urlsplit(result.url).scheme == "https" and urlsplit(target).scheme != "https":
        return None  # never downgrade a feed to plain http
    if urlsplit(target).username is not None or urlsplit(target).password is not None:
        return None  # credentials a server put in a Location are not stored, nor shown by `newsflow feeds`
    return target


def next_move(
    known: FeedState, config_url: str, result: FetchResult, outcome: Outcome, policy: MovePolicy
) -> FeedMove:
    """The feed's move state after a poll that fetched `result.url` and ended in `outcome`."""
    adopted = None if result.url == config_url else result.url
    watched = FeedMove(adopted, known.redirect_url, known.redirect_polls, known.redirect_since)
    if result.url != polled_url(known, config_url):  # fell back to the config URL: watch afresh
        watched = FeedMove(adopted)
    if outcome not in HEALTHY_OUTCOMES:
        return watched
    target = permanent_target(result)
    if target is None:
        return FeedMove(adopted)
    if target == watched.redirect_url and watched.redirect_since is not None:
        polls, since = watched.redirect_polls + 1, watched.redirect_since
    else:
        polls, since = 1, result.at
    stable = polls >= policy.after_polls and (result.at - since).total_seconds() >= policy.after_seconds
    if policy.after_polls > 0 and stable:
        return FeedMove(None if target == config_url else target)
    return FeedMove(adopted, target, polls, since)
