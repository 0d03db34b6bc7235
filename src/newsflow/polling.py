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
when named with `--feed`. `Retry-After` counts up to `max_interval`.

When nearly every feed of a run fails to resolve or connect (`is_network_outage`), the
machine is offline, not the feeds: the run records an outage and no feed is penalised. A connect
that got no answer within the deadline is a `connect_error` too (the fetcher tells it from a
server slow to answer, which stays `timeout` and does not count). A `timeout` on a connection
that sent back not one byte (`FetchResult.unanswered`: a network that accepts connections and
drops the rest, a hung proxy) counts as well, but only from feeds that were not failing already,
and only when such silences come from at least `OUTAGE_MIN_HOSTS` hosts: a slow server or two,
or one host holding many feeds, back off as before, and a server that hangs keeps backing off
once it has failed a poll that was not an outage.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsflow.fetchrecord import believable_last_modified
from newsflow.models import FailureClass, FeedConfig, FeedState, FetchResult, Outcome
from newsflow.urls import host_of, site_of

BACKOFF_BASE_SECONDS = 300
HARD_FAILURE_STEPS = 2
JITTER = 0.1
RETIRE_AFTER_GONE = 3
# A run is a network outage when at least this share of at least OUTAGE_MIN_FEEDS polled feeds
# could not resolve or connect.
OUTAGE_SHARE = 0.8
OUTAGE_MIN_FEEDS = 3
UNREACHABLE_OUTCOMES = frozenset({Outcome.DNS_ERROR, Outcome.CONNECT_ERROR})
# Unanswered connections count toward an outage only when they come from this many hosts at least.
OUTAGE_MIN_HOSTS = 3
# Requests for this many sites sent to one page on another site: a captive portal (`intercepted_landings`).
INTERCEPT_MIN_SITES = 3
MIN_PORTAL_PAGE_BYTES = 256  # a shorter page served at several sites' URLs is not taken for a portal's
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


@dataclass(frozen=True)
class PollReach:
    """What one poll of a run says about this machine's network."""

    outcome: Outcome
    host: str = ""
    unanswered: bool = False  # connected, and not one byte came back by the deadline
    was_failing: bool = False  # the feed's last counted poll had failed already
    site: str = ""  # the site of the URL polled
    # Where a failed poll was sent to on another site by a temporary redirect (`landed_elsewhere`),
    # else the page it was served instead of a feed (`page_digest`).
    landed: str = ""
    address: str = ""  # the address the answer came from (FetchResult.address)
    name_unknown: bool = False  # the DNS answered that the name does not exist (NXDOMAIN: a lapsed domain)
    # The feed was failing already, its last counted poll unreachable too (a site down, caught while something
    # else answered), not a failure its server answered (a 503): `is_network_outage`'s few-polls rule.
    was_unreachable: bool = False


def reach_of(result: FetchResult, outcome: Outcome, was_failing: bool, served: str = "",
             was_unreachable: bool = False) -> PollReach:
    """The poll's `PollReach`, judged with `outcome` (the poll's: a parse may have failed an `ok` fetch).

    `served` is the `page_digest` of a body that was no feed: a captive portal that answers `200`
    with its own page at every URL, without redirecting, lands every feed on it so (red team 14)."""
    failed = outcome not in (Outcome.OK, Outcome.NOT_MODIFIED)
    return PollReach(outcome, host_of(result.final_url), result.unanswered, was_failing, site_of(host_of(result.url)),
                     (landed_elsewhere(result) or served) if failed else "", result.address,
                     result.name_unknown and outcome is Outcome.DNS_ERROR, was_failing and was_unreachable)


def page_digest(body: bytes) -> str:
    """A page's bytes as a key, for pages long enough to be a portal's (an empty page says nothing)."""
    return "sha256:" + hashlib.sha256(body).hexdigest()[:32] if len(body) >= MIN_PORTAL_PAGE_BYTES else ""


def page_digests(pages: Sequence[tuple[str, bytes]]) -> list[str]:
    """`page_digest` of each (site, page) whose page may be one served at `INTERCEPT_MIN_SITES`
    sites' URLs, "" for the others: one page is one length, so a page whose length pages of fewer
    sites share is not hashed (no such page; a batch's pages are ~300 KB each, hashed twice a batch:
    the catch-all probe's and the intercepts', perf15)."""
    sites: dict[int, set[str]] = {}
    for site, body in pages:
        if len(body) >= MIN_PORTAL_PAGE_BYTES:
            sites.setdefault(len(body), set()).add(site)
    return [page_digest(body) if len(sites.get(len(body), ())) >= INTERCEPT_MIN_SITES else "" for _, body in pages]


def served_page(landed: str) -> bool:
    """Whether a landing (`PollReach.landed`) is a page served at the URL itself, not one redirected to."""
    return landed.startswith("sha256:")


def landed_elsewhere(result: FetchResult) -> str:
    """The URL a request was sent to on another site by a temporary redirect (302, 303, 307), and
    answered at, else "" (a redirect refused or blocked never reached a page).

    A captive portal (a hotel's or an airport's network) or an intercepting proxy answers every
    plain-http request, whatever its site, with a temporary redirect to its own login page."""
    temporary = bool(result.redirects) and result.redirects[0][0] in (302, 303, 307) and result.status_code is not None
    moved = site_of(host_of(result.final_url)) != site_of(host_of(result.url))
    return result.final_url if temporary and moved else ""


def intercepted_landings(landings: Iterable[tuple[str, str]]) -> set[str]:
    """Of (site requested, URL landed on) pairs, the URLs that requests for `INTERCEPT_MIN_SITES`
    sites or more landed on: one page answering for many sites is the network's, not theirs."""
    sites: dict[str, set[str]] = {}
    for site, landed in landings:
        sites.setdefault(landed, set()).add(site)
    return {landed for landed, seen in sites.items() if len(seen) >= INTERCEPT_MIN_SITES}


def network_pages(landings: Iterable[tuple[str, str, str]]) -> set[str]:
    """Of (site requested, page landed on, address answering) triples, the `intercepted_landings`
    that are the network's: a page redirected to, or a page served at the URLs themselves from
    `INTERCEPT_MIN_SITES` addresses or more. One served from fewer is a host's own: 4 small blogs of
    one shared host serving its "account suspended" page made every run an outage (no feed backed
    off, no article fetched anywhere: review of red team 14); a portal answers for sites wherever
    they are."""
    triples = list(landings)
    addresses: dict[str, set[str]] = {}
    for _, landed, address in triples:
        if address:
            addresses.setdefault(landed, set()).add(address)
    return {page for page in intercepted_landings((site, landed) for site, landed, _ in triples)
            if not served_page(page) or len(addresses.get(page, ())) >= INTERCEPT_MIN_SITES}


def walled_garden(intercepted_sites: Set[str], through_sites: Set[str]) -> bool:
    """One page answered for `intercepted_sites` while `through_sites` came through: the network's
    page still (a captive portal's "walled garden" lets a site or two through before its login)
    when those it answered for are `OUTAGE_SHARE` of all, as for an outage. Fewer, and the page is
    the sites' own: a hosting provider's "account suspended" page (red teams 13 and 14)."""
    return len(intercepted_sites) >= OUTAGE_SHARE * len(intercepted_sites | through_sites)


def is_network_outage(polls: Sequence[Outcome | PollReach]) -> bool:
    """Nearly every feed polled failed to resolve or connect, or connected to silence on several
    hosts, or was redirected to one page with feeds of several other sites (a captive portal): the
    machine's outage, not theirs.

    A feed already failing before this run that meets silence again tells nothing about the
    network (it may be a server that hangs): it is left out of the count, for and against.

    The share holds over the sites polled too: one site carrying most of the feeds that stops
    resolving (its domain lapsed) made every run an outage, and no other site's article was tried
    for as long as it stayed down (red team 14).

    A name the DNS answered does not exist (NXDOMAIN) counts only from `OUTAGE_MIN_HOSTS` sites: the
    DNS answered, so one site's lapsed domain is that site's, however many feeds it carries (red
    team 31: 3 feeds of one lapsed site were an outage every run, never backed off), or beside polls
    that tell an outage on their own (`_down_beside_lapsed`).

    Fewer than `OUTAGE_MIN_FEEDS` polls (a small install, or a run in which one or two feeds are due)
    make an outage when every one failed so and one of them was not failing already: nothing answered
    and nothing said a name was gone. Before, one or two feeds of a laptop offline for a night backed
    off step by step, silent for hours once it was back (red team 31). A feed already failing, polled
    alone, backs off again: a site that is down is caught in a run where anything else answered. Only
    one whose last counted poll was unreachable too (`PollReach.was_unreachable`): "already failing" was
    any failure, so a lone feed whose server answered one 503 in the evening backed off step by step
    through the night offline after (review of red team 31)."""
    return _outage_of(judged_polls(polls))


def _outage_of(judged: Sequence[PollReach]) -> bool:
    """`is_network_outage` on the polls it judges."""
    offline = offline_polls(judged)
    sites, offline_sites = {p.site for p in judged}, {p.site for p in offline}
    if 0 < len(judged) < OUTAGE_MIN_FEEDS:
        return len(offline) == len(judged) and not all(p.was_unreachable for p in judged)
    return (len(judged) >= OUTAGE_MIN_FEEDS and len(offline) >= OUTAGE_SHARE * len(judged)
            and len(offline_sites) >= OUTAGE_SHARE * len(sites))


def judged_polls(polls: Sequence[Outcome | PollReach]) -> list[PollReach]:
    """The polls an outage is judged on: silence from a feed already failing tells nothing (`is_network_outage`)."""
    reaches = [p if isinstance(p, PollReach) else PollReach(p) for p in polls]
    return [p for p in reaches if not (p.unanswered and p.was_failing)]


def outage_holds_articles(polls: Sequence[Outcome | PollReach]) -> bool:
    """An outage told from `OUTAGE_MIN_FEEDS` polls judged or more: the run tries no article (`runner.ingest`).
    One told from fewer spares the feeds' back-off only. Counted as the outage is judged, not as polls made:
    3 polls, one a failing feed's silence, were an outage of one or two polls that the runner, counting 3,
    took for one that holds the articles back, and tried none (review of red team 31)."""
    return len(judged_polls(polls)) >= OUTAGE_MIN_FEEDS and is_network_outage(polls)


def offline_polls(judged: Sequence[PollReach]) -> list[PollReach]:
    """The polls of `judged` that tell the machine's network down, judged together (`is_network_outage`)."""
    silent_hosts = {p.host for p in judged if p.unanswered}
    silence_counts = len(silent_hosts) >= OUTAGE_MIN_HOSTS
    lapsed_counts = len({p.site for p in judged if p.name_unknown}) >= OUTAGE_MIN_HOSTS or _down_beside_lapsed(judged)
    portal_pages = network_pages((p.site, p.landed, p.address) for p in judged if p.landed)
    return [p for p in judged
            if (p.outcome in UNREACHABLE_OUTCOMES and (lapsed_counts or not p.name_unknown))
            or (p.unanswered and silence_counts) or p.landed in portal_pages]


def _down_beside_lapsed(judged: Sequence[PollReach]) -> bool:
    """The polls other than NXDOMAIN ones, `OUTAGE_MIN_FEEDS` or more, tell an outage on their own: then a DNS
    answering "no such name" is the outage's (a captive portal's, a resolver cut off), not the name's authority.
    Counted only from 3 sites, a portal answering 2 sites of 3 with its own address and the third "no such name"
    was no outage, and every feed was penalised behind it (CI's soak world, seed 2036, after red team 31)."""
    others = [p for p in judged if not p.name_unknown]
    return OUTAGE_MIN_FEEDS <= len(others) < len(judged) and _outage_of(others)


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
