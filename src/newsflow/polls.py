"""Poll stage: fetch each due feed, parse it off the event loop, commit it as soon as it is parsed.

    fetch (within the run's budget) -> parse (a worker process, newsflow.feedpool)
    -> commit entries + feed state + poll row + fetch event (one small transaction per group;
       the feed's state and its event: newsflow.pollstates)

Polls are committed in groups of whatever was parsed while the previous commit ran, so a killed
run keeps every feed it finished, and a run of many feeds does not open the warehouse per feed.
A bug escaping for one feed costs that feed alone: it is recorded `failed` with its error.

Feeds that could not be resolved or reached, or connected and got not one byte back, are held until
every poll has ended: when nearly all feeds failed so (`polling.is_network_outage`), the machine was
offline, and those polls are recorded without penalising any feed (no failure counted, no new plan).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from newsflow import boottime, feedmoves, machinelimits, outages, runstops, warehouse
from newsflow import polling as polling_policy
from newsflow.boottime import BootReading
from newsflow.config import PollingSettings
from newsflow.errors import WarehouseError
from newsflow.feedloops import settle_redirects, unpolled_moves
from newsflow.feedpool import FeedParserPool
from newsflow.fetch import Fetcher
from newsflow.models import (
    FeedConfig,
    FeedState,
    FetchKind,
    FetchResult,
    Outcome,
    ParsedFeed,
)
from newsflow.pipeline import RunCounts, describe_error
from newsflow.pollstates import poll_event, poll_state
from newsflow.pollstates import validators_suspect as validators_suspect  # re-exported: imported from here
from newsflow.spool import commit_or_spool
from newsflow.urls import MAX_URL_CHARS, feed_key, host_of, site_of
from newsflow.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedPoll:
    """One feed's poll: the HTTP result and, when it parsed, the feed."""

    feed: FeedConfig
    result: FetchResult
    parsed: ParsedFeed | None
    outcome: Outcome
    error: str | None
    # The failed poll of the URL the feed had moved to, which this poll of its config URL replaced
    # (newsflow.feedmoves): logged in fetch_events before this one.
    abandoned: FeedPoll | None = None
    # Another configured feed whose URL this one's redirects ended on: never adopted (it would be
    # polled twice a run for good), and reported every run.
    moved_onto: str | None = None
    # The body that failed to parse, as a key (`polling.page_digest`): one page served at several
    # sites' feed URLs is a captive portal's (`polling.reach_of`).
    served: str = ""
    unreachable: bool = False  # it failed to reach the feed (feeds.unreachable_since)
    network_doubt: bool = False  # ... in a run where nothing told the network up (outages.doubt_caps)
    turned_away: bool = False  # ... the network said the site is not there (outages.turned_away; turned_away_since)
    boot: BootReading | None = None  # ... the boot clock then (feeds.unreachable_uptime: outages.outage_spares)


UNREACHABLE_VALUES = frozenset(outcome.value for outcome in polling_policy.UNREACHABLE_OUTCOMES)  # feeds.last_outcome


class RunWrites(Protocol):
    """`runbatches.WritesInThreads`, as the poll stage uses it (runbatches imports pipeline, which imports this)."""

    async def run(self, write: Callable[[], RunCounts]) -> RunCounts: ...

    def keep_for_the_row(self, counts: RunCounts) -> None: ...


@dataclass(frozen=True)
class PollJob:
    """What the poll stage of one run works with."""

    store: Warehouse
    run_id: str
    fetcher: Fetcher
    states: dict[str, FeedState]
    polling: PollingSettings
    parser: FeedParserPool
    deadline: float  # time.monotonic() past which no poll starts, and fetches in flight are dropped
    write_lock: threading.Lock
    feed_keys: Mapping[str, str] = field(default_factory=dict)  # urls.feed_key of every configured feed -> name
    answered_sites: set[str] = field(default_factory=set)  # sites whose feed came through (without_intercepted)
    # Pages this run's feed polls of 3 sites or more were sent to or served (without_intercepted).
    portal_pages: set[str] = field(default_factory=set)
    # Holds `run_id` once the polls told an outage that holds the run's articles back (outage_holds_articles).
    articles_held: set[str] = field(default_factory=set)
    # The run's writes (`runbatches.WritesInThreads`): each commit runs through them, and a stop keeps for the run's
    # row what the polls committed (hunt 50: a stop at the poll's commit left `entries_new` 0 beside the entries
    # committed under the run's id). None: commits in `asyncio.to_thread`, nothing kept.
    writes: RunWrites | None = None


async def poll_feeds(job: PollJob, feeds: Sequence[FeedConfig]) -> RunCounts:
    """Poll every feed concurrently (the fetcher enforces the limits); returns the counts only."""
    committer = PollCommitter(job)
    unreachable: list[tuple[FeedPoll, polling_policy.PollReach]] = []
    redirected: list[FeedPoll] = []  # stopped at another configured feed's URL: judged together at the end
    reaches: list[polling_policy.PollReach] = []
    deferred = 0

    async def poll_one(feed: FeedConfig) -> None:
        nonlocal deferred
        poll = await poll_feed(job, feed)
        if poll is None:
            deferred += 1
            return
        reaches.append(poll_reach(poll, job.states.get(feed.name)))
        log.debug("polled %s: %s", feed.name, poll.outcome, extra={"progress": ("poll", len(reaches), len(feeds))})
        if reaches[-1].outcome in polling_policy.UNREACHABLE_OUTCOMES or reaches[-1].unanswered or reaches[-1].landed:
            unreachable.append((poll, reaches[-1]))  # held until every poll has ended: an outage penalises none
        elif poll.moved_onto is not None:
            redirected.append(poll)
        else:
            if poll.outcome in (Outcome.OK, Outcome.NOT_MODIFIED):
                job.answered_sites.add(site_of(host_of(poll.result.url)))
            committer.add(poll)

    try:
        await runstops.all_or_none_left(poll_one(feed) for feed in feeds)
        unpolled = {p.moved_onto: p.result.redirects[-1][1] for p in redirected
                    if p.moved_onto is not None and p.moved_onto not in {feed.name for feed in feeds}}
        moves = await unpolled_moves(job.fetcher, unpolled, lambda name, url: other_feed(job, name, url), job.deadline)
        committer.add_all(settle_redirects(job, redirected, moves), penalise=True)
        await committer.flush()
        verdict = outages.judge_run(reaches, outages.network_seen_up(job.states.values(), datetime.now(UTC)))
        outage = verdict.outage
        job.portal_pages.update(polling_policy.network_pages((r.site, r.landed, r.address)
                                                             for r in reaches if r.landed))
        if outage:
            log.warning("network outage: %d of %d feeds could not be resolved or reached, got no answer, or were "
                        "sent to or served one page with other sites' feeds (a captive portal); no feed is penalised",
                        len(unreachable), len(reaches))
        if verdict.holds_articles:
            job.articles_held.add(job.run_id)
        held, overdue, turned_away = judge_held(job, unreachable, verdict)
        for poll, penalise in held:
            committer.add(poll, penalise=penalise)
        await committer.flush()
    except BaseException:  # a stop or a bug: what was committed before it is counted in the run's row, not dropped
        if job.writes is not None:
            job.writes.keep_for_the_row(committer.counts)
        raise
    finally:  # a cancelled run (Ctrl-C, SIGTERM) or a failed commit leaves no commit running orphaned
        await committer.aclose()
    counts = committer.counts
    counts.feeds_deferred, counts.network_outage = deferred, int(outage)
    counts.feeds_outage_overdue, counts.feeds_turned_away = overdue, turned_away
    return counts


def judge_held(job: PollJob, held: Sequence[tuple[FeedPoll, polling_policy.PollReach]], verdict: outages.RunVerdict,
               ) -> tuple[list[tuple[FeedPoll, bool]], int, int]:
    """The polls that failed to reach their feeds, each with whether it is penalised; how many an outage did not
    spare (unreachable for `outages.OUTAGE_GRACE`), and how many the network turned away (the sites' failure)."""
    judged, overdue, turned_away = [], [], []
    boot = boottime.reading()
    for poll, reach in held:
        state = job.states.get(poll.feed.name) or FeedState(poll.feed.name)
        since, away_since = state.unreachable_since, state.turned_away_since
        by_boot = boottime.elapsed_since(state.unreachable_boot, state.unreachable_uptime, boot)
        spared = outages.outage_spares(verdict, reach, since, poll.result.at, by_boot)
        if verdict.outage and not spared:
            overdue.append(poll.feed.name)
        if not spared and outages.site_turned_away(verdict, reach):
            turned_away.append(poll.feed.name)
        doubt = outages.doubt_caps(verdict, reach, away_since, poll.result.at)
        judged.append((replace(poll, unreachable=True, network_doubt=doubt, turned_away=outages.turned_away(reach),
                               boot=boot), not spared))
    if overdue:
        log.warning("network outage, but %d feeds not reached for a day or more are counted failing, backing off "
                    "%d s at most (`newsflow feeds`): %s", len(overdue), polling_policy.DOUBT_BACKOFF_CAP,
                    ", ".join(sorted(overdue)[:10]))
    if turned_away:
        log.warning("%d feeds turned away by the network (a name that does not exist, a public address refusing): "
                    "their sites' failure, not an outage: %s", len(turned_away), ", ".join(sorted(turned_away)[:10]))
    return judged, len(overdue), len(turned_away)


def poll_reach(poll: FeedPoll, state: FeedState | None) -> polling_policy.PollReach:
    """What the poll says about the network; a name answered with a refused address (a portal) did not resolve."""
    outcome = Outcome.DNS_ERROR if poll.result.answer_refused else poll.outcome
    was_failing = state is not None and state.consecutive_failures > 0
    was_unreachable = state is not None and state.last_outcome in UNREACHABLE_VALUES
    return polling_policy.reach_of(poll.result, outcome, was_failing, poll.served, was_unreachable)


async def poll_feed(job: PollJob, feed: FeedConfig) -> FeedPoll | None:
    """Fetch and parse one feed; None when the run's budget ran out first (the feed stays due).

    A feed that moved is polled at its adopted URL; when that fails, at its config URL again, in the
    same poll and without validators (newsflow.feedmoves)."""
    state = job.states.get(feed.name, FeedState(feed.name))
    url = feedmoves.polled_url(state, feed.url)
    if other_feed(job, feed, url) is not None:  # adopted before this check existed: back to its own URL
        url = feed.url
    etag, last_modified = polling_policy.sent_validators(state, job.polling.max_interval, datetime.now(UTC))
    poll = await fetch_and_parse(job, feed, url, etag, last_modified)
    if poll is None or url == feed.url or not feedmoves.moved_home_failed(poll.outcome, poll.result.status_code):
        return poll if poll is None else moved_onto_another(job, poll)
    log.warning("%s: %s, the URL it moved to, failed (%s); polling its config URL %s again",
                feed.name, url, poll.outcome, feed.url)
    again = await fetch_and_parse(job, feed, feed.url, None, None)
    again = again if again is None else moved_onto_another(job, again)
    return poll if again is None else replace(again, abandoned=replace(poll, result=replace(poll.result, body=b"")))


def other_feed(job: PollJob, feed: FeedConfig | str, url: str) -> str | None:
    """The name of another configured feed (than `feed`, or the feed of that name) whose URL `url` is, if any."""
    other = job.feed_keys.get(feed_key(url))
    return other if other is not None and other != (feed if isinstance(feed, str) else feed.name) else None


def moved_onto_another(job: PollJob, poll: FeedPoll) -> FeedPoll:
    """The poll, marked when its redirects led to another configured feed's URL (judged in `settle_redirects`).

    The fetcher stopped at that redirect (`stop_at`): the other feed's own poll fetches its URL and
    stores its items, so they are fetched once a run and stored under that feed alone."""
    target = poll.result.redirects[-1][1] if poll.result.redirects else None
    other = other_feed(job, poll.feed, target) if target is not None else None
    return poll if other is None else replace(poll, moved_onto=other)


async def fetch_and_parse(
    job: PollJob, feed: FeedConfig, url: str, etag: str | None, last_modified: str | None
) -> FeedPoll | None:
    remaining = job.deadline - time.monotonic()
    if remaining <= 0:
        return None
    try:
        fetching = job.fetcher.fetch_feed(url, etag=etag, last_modified=last_modified,
                                          stop_at=lambda target: other_feed(job, feed, target) is not None)
        result = await asyncio.wait_for(fetching, remaining)
    except TimeoutError:
        return None
    except Exception as exc:  # the fetcher should never raise: if it does, it costs this feed only
        log.exception("polling %s failed", feed.name)
        return failed_poll(feed, failed_result(url, FetchKind.FEED, exc), exc)
    try:
        return await parse_poll(job.parser, feed, result, job.deadline)
    except TimeoutError:  # no parser was free before the deadline: the feed stays due, as if not polled
        return None
    except Exception as exc:
        machinelimits.reraised(exc)  # no parser could start (Local 32): the machine's, not the feed's failure
        log.exception("parsing %s failed", feed.name)
        return failed_poll(feed, result, exc)


async def parse_poll(
    parser: FeedParserPool, feed: FeedConfig, result: FetchResult, until: float = math.inf
) -> FeedPoll:
    if result.outcome is not Outcome.OK:
        return FeedPoll(feed, result, None, result.outcome, result.error)
    parsed = await parser.parse(result.body, feed.name, result.final_url, result.headers, until)
    if parsed.parsed is not None and parsed.parsed.long_links:
        log.warning("feed %s (%s): %d item(s) skipped, each linking a URL over %d characters; no page is that "
                    "long: tell the feed's publisher", feed.name, result.final_url, parsed.parsed.long_links,
                    MAX_URL_CHARS)
    served = polling_policy.page_digest(result.body) if parsed.parsed is None else ""
    return FeedPoll(feed, replace(result, body=b""), parsed.parsed, parsed.outcome, parsed.error, served=served)


def failed_result(url: str, kind: FetchKind, exc: BaseException) -> FetchResult:
    return FetchResult(url=url, final_url=url, kind=kind, outcome=Outcome.FAILED, at=datetime.now(UTC),
                       error=describe_error(exc))


def failed_poll(feed: FeedConfig, result: FetchResult, exc: BaseException) -> FeedPoll:
    return FeedPoll(feed, replace(result, body=b""), None, Outcome.FAILED, describe_error(exc))


class PollCommitter:
    """Commits polls as they come: what was parsed while one commit ran goes into the next."""

    def __init__(self, job: PollJob) -> None:
        self.job = job
        self.counts = RunCounts()
        self._waiting: list[tuple[FeedPoll, bool]] = []
        self._commits: list[asyncio.Task[None]] = []

    def add(self, poll: FeedPoll, *, penalise: bool = True) -> None:
        self._waiting.append((poll, penalise))
        if not self._commits or self._commits[-1].done():
            self._commits.append(asyncio.ensure_future(self._drain()))

    def add_all(self, polls: Sequence[FeedPoll], *, penalise: bool) -> None:
        for poll in polls:
            self.add(poll, penalise=penalise)

    async def flush(self) -> None:
        """Wait for every commit started; the first that failed raises, once all have ended."""
        commits, self._commits = self._commits, []
        for outcome in await asyncio.gather(*commits, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome

    async def aclose(self) -> None:
        """Cancel the commits still running, and wait for them."""
        commits, self._commits = self._commits, []
        for commit in commits:
            commit.cancel()
        await asyncio.gather(*commits, return_exceptions=True)

    async def _drain(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            commit = functools.partial(commit_polls_safely, self.job, group)
            writes = self.job.writes
            self.counts.add(await (writes.run(commit) if writes else asyncio.to_thread(commit)))


def commit_polls_safely(job: PollJob, group: Sequence[tuple[FeedPoll, bool]]) -> RunCounts:
    """Commit a group; if a bug breaks it, commit its polls one by one, a failing one as `failed`."""
    try:
        return commit_polls(job, group)
    except WarehouseError:
        raise
    except Exception as exc:
        if len(group) > 1:
            counts = RunCounts()
            for one in group:
                counts.add(commit_polls_safely(job, [one]))
            return counts
        (poll, penalise), = group
        log.exception("recording the poll of %s failed", poll.feed.name)
        return commit_polls(job, [(failed_poll(poll.feed, poll.result, exc), penalise)])


def commit_polls(job: PollJob, group: Sequence[tuple[FeedPoll, bool]]) -> RunCounts:
    """Load the group, or spool its inputs while a reader holds the warehouse (newsflow.spool)."""
    kept = without_bodies(group)
    states = {poll.feed.name: job.states[poll.feed.name] for poll, _ in group if poll.feed.name in job.states}
    with job.write_lock:
        return commit_or_spool(job.store, job.run_id, load_polls, job.run_id, kept, states, job.polling,
                               if_spooled=polls_counted(kept))


def load_polls(
    store: Warehouse, run_id: str, group: Sequence[tuple[FeedPoll, bool]], history: dict[str, FeedState],
    polling: PollingSettings,
) -> RunCounts:
    """One transaction: the group's new entries, then each feed's state and plan, its poll row and event."""
    polls = [poll for poll, _ in group]
    entries = [(e, p.result.at) for p in polls if p.parsed for e in p.parsed.entries]
    with store.writing() as con, warehouse.transaction(con):
        new_by_feed = warehouse.insert_entries(con, run_id, [e for e, _ in entries], [at for _, at in entries])
        states = [poll_state(poll, history.get(poll.feed.name), new_by_feed.get(poll.feed.name, 0),
                             polling, penalise) for poll, penalise in group]
        warehouse.update_feed_states(con, [s for s, (_, penalise) in zip(states, group, strict=True) if penalise])
        warehouse.mark_unreachable(con, [s for s, (_, penalise) in zip(states, group, strict=True)
                                         if not penalise and s.unreachable])
        warehouse.insert_polls(con, run_id, states)
        warehouse.insert_fetch_events(con, [poll_event(q, run_id) for p in polls for q in (p.abandoned, p) if q])
    return RunCounts(
        feeds_polled=len(polls),
        feeds_not_modified=sum(1 for p in polls if p.outcome is Outcome.NOT_MODIFIED),
        feeds_failed=sum(1 for s in states if s.failed),
        entries_new=sum(new_by_feed.values()),
    )


def without_bodies(group: Sequence[tuple[FeedPoll, bool]]) -> list[tuple[FeedPoll, bool]]:
    """Polls as loaded: the feed's body is parsed already, and a spool file need not carry it."""
    return [(replace(p, result=replace(p.result, body=b"")) if p.result.body else p, penalise)
            for p, penalise in group]


def polls_counted(group: Sequence[tuple[FeedPoll, bool]]) -> RunCounts:
    """What a run can count for its polls without the warehouse; a replay adds the rest."""
    return RunCounts(feeds_polled=len(group),
                     feeds_not_modified=sum(1 for p, _ in group if p.outcome is Outcome.NOT_MODIFIED))
