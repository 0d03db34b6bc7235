"""The ingest stages as plain Python functions, runnable without Prefect.

    poll feeds -> load entries and feed state -> list pending articles
    -> for each batch: fetch -> extract -> load articles

`newsflow.runner` strings them together into a run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

from newsflow import dedup, warehouse
from newsflow import polling as polling_policy
from newsflow.config import PollingSettings
from newsflow.errors import FeedParseError, classify_outcome
from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import (
    Article,
    EntryAttempt,
    FailureClass,
    FeedConfig,
    FeedEntry,
    FeedPollState,
    FeedState,
    FetchEvent,
    FetchResult,
    Outcome,
    ParsedFeed,
    PendingArticle,
)
from newsflow.pages import StoredPage, page_file, remove_pages
from newsflow.text import content_hash, word_count
from newsflow.urls import prefer_page_canonical
from newsflow.warehouse import Warehouse

log = logging.getLogger(__name__)

MAX_ARTICLE_ATTEMPTS = 3
# Outcomes that another attempt would not change: don't fetch these entries again.
TERMINAL_ARTICLE_OUTCOMES = (
    Outcome.BLOCKED, Outcome.INVALID_URL, Outcome.ROBOTS_DISALLOWED, Outcome.NOT_HTML, Outcome.TOO_LARGE,
    Outcome.EXTRACT_EMPTY, Outcome.EXTRACT_TIMEOUT,
)


@dataclass
class RunCounts:
    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries_new: int = 0
    articles_fetched: int = 0
    articles_stored: int = 0
    articles_failed: int = 0
    duplicates: int = 0

    def add(self, other: RunCounts) -> None:
        for name, value in other.as_dict().items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FeedPoll:
    """One feed's poll: the HTTP result and, when it parsed, the feed."""

    feed: FeedConfig
    result: FetchResult
    parsed: ParsedFeed | None
    outcome: Outcome
    error: str | None


@dataclass
class RunSummary:
    run_id: str
    counts: RunCounts = field(default_factory=RunCounts)
    elapsed_s: float = 0.0
    status: str = "completed"


# --- poll ---------------------------------------------------------------------------------


async def poll_feeds(
    feeds: Sequence[FeedConfig], states: dict[str, FeedState], fetcher: Fetcher
) -> list[FeedPoll]:
    """Fetch every feed concurrently (the fetcher enforces the limits) and parse the bodies."""
    polled = 0

    async def poll_one(feed: FeedConfig) -> FeedPoll:
        nonlocal polled
        state = states.get(feed.name, FeedState(feed.name))
        result = await fetcher.fetch_feed(feed.url, etag=state.etag, last_modified=state.last_modified)
        poll = parse_poll(feed, result)
        polled += 1
        log.debug("polled %s: %s", feed.name, poll.outcome, extra={"progress": ("poll", polled, len(feeds))})
        return poll

    return list(await asyncio.gather(*(poll_one(feed) for feed in feeds)))


def parse_poll(feed: FeedConfig, result: FetchResult) -> FeedPoll:
    if result.outcome is not Outcome.OK:
        return FeedPoll(feed, result, None, result.outcome, result.error)
    try:
        parsed = parse_feed(result.body, feed_id=feed.name, feed_url=result.final_url, headers=result.headers)
    except FeedParseError as exc:
        return FeedPoll(feed, result, None, Outcome.PARSE_ERROR, str(exc))
    return FeedPoll(feed, result, parsed, Outcome.OK, None)


def load_polls(
    store: Warehouse, run_id: str, polls: Sequence[FeedPoll], history: dict[str, FeedState], polling: PollingSettings
) -> RunCounts:
    """Commit every poll's new entries, then its feed state and plan, in one transaction."""
    entries: list[FeedEntry] = [e for p in polls if p.parsed for e in p.parsed.entries]
    with store.writing() as con, warehouse.transaction(con):
        new_by_feed = warehouse.insert_entries(con, run_id, entries)
        states = [poll_state(p, history.get(p.feed.name), new_by_feed.get(p.feed.name, 0), polling) for p in polls]
        warehouse.update_feed_states(con, states)
        warehouse.insert_polls(con, run_id, states)
        warehouse.insert_fetch_events(con, [poll_event(p, run_id) for p in polls])
    return RunCounts(
        feeds_polled=len(polls),
        feeds_not_modified=sum(1 for p in polls if p.outcome is Outcome.NOT_MODIFIED),
        feeds_failed=sum(1 for s in states if s.failed),
        entries_new=sum(new_by_feed.values()),
    )


def poll_event(poll: FeedPoll, run_id: str) -> FetchEvent:
    event = FetchEvent.from_result(poll.result, run_id, poll.feed.name)
    if poll.outcome is not poll.result.outcome:
        event = replace(event, outcome=poll.outcome, error=poll.error)
    return event


def poll_state(poll: FeedPoll, history: FeedState | None, entries_new: int, polling: PollingSettings) -> FeedPollState:
    failure = classify_outcome(poll.outcome, poll.result.status_code)
    ok = poll.outcome is Outcome.OK
    plan = plan_poll(poll, history or FeedState(poll.feed.name), entries_new, failure, polling)
    return FeedPollState(
        feed_id=poll.feed.name,
        polled_at=poll.result.at,
        status=str(failure) if failure else str(poll.outcome),
        outcome=str(poll.outcome),
        failed=failure is not None,
        title=poll.parsed.title if poll.parsed else None,
        etag=poll.result.headers.get("etag") if ok else None,
        last_modified=poll.result.headers.get("last-modified") if ok else None,
        error=poll.error,
        entries_seen=len(poll.parsed.entries) if poll.parsed else 0,
        entries_new=entries_new,
        possibly_missed=plan.possibly_missed,
        poll_interval=plan.interval,
        next_poll_at=plan.next_poll_at,
        retire=plan.retire,
    )


def plan_poll(
    poll: FeedPoll, history: FeedState, entries_new: int, failure: FailureClass | None, polling: PollingSettings
) -> polling_policy.PollPlan:
    parsed = poll.parsed
    seen = polling_policy.PollObservation(
        polled_at=poll.result.at,
        failure=failure,
        status_code=poll.result.status_code,
        entries_seen=len(parsed.entries) if parsed else 0,
        entries_new=entries_new,
        hint_seconds=polling_policy.publisher_hint_seconds(
            parsed.ttl_seconds if parsed else None, parsed.update_period_seconds if parsed else None,
            poll.result.headers),
        retry_after=poll.result.retry_after,
    )
    known = polling_policy.PollHistory(
        history.last_polled_at, history.poll_interval, history.consecutive_failures, history.has_entries)
    return polling_policy.plan_next_poll(known, seen, polling.min_interval, polling.max_interval)


def due_feeds(
    feeds: Sequence[FeedConfig], states: dict[str, FeedState], now: datetime
) -> list[FeedConfig]:
    """The feeds whose next poll time has come and that are not retired."""
    def due(feed: FeedConfig) -> bool:
        state = states.get(feed.name)
        return state is None or polling_policy.is_due(state.next_poll_at, state.retired, now)

    return [feed for feed in feeds if due(feed)]


# --- fetch, extract, load -----------------------------------------------------------------


def list_pending(store: Warehouse, feed_ids: Sequence[str]) -> tuple[list[PendingArticle], int]:
    """Articles still to fetch, and how many entries were resolved to stored articles by URL."""
    with store.writing() as con:
        linked = warehouse.link_stored_entries(con)
        pending = warehouse.pending_entries(
            con, feed_ids, MAX_ARTICLE_ATTEMPTS, [str(o) for o in TERMINAL_ARTICLE_OUTCOMES]
        )
    return pending, linked


async def fetch_batch(batch: Sequence[PendingArticle], fetcher: Fetcher) -> list[FetchResult]:
    return list(await asyncio.gather(*(fetcher.fetch_article(p.url) for p in batch)))


def extract_batch(
    results: Sequence[FetchResult], pool: ExtractorPool, pages_dir: Path | None = None
) -> list[ExtractionResult | None]:
    """Extract the pages that were fetched; None where there was nothing to extract.

    With `pages_dir`, the workers also keep each page's HTML there (see newsflow.pages).
    """
    pages = [
        PageToExtract(key=str(i), html=r.html, url=r.final_url,
                      keep_as=str(pages_dir / page_file(r.final_url)) if pages_dir else None)
        for i, r in enumerate(results) if r.ok
    ]
    by_key = {e.key: e for e in pool.extract_many(pages)}
    return [by_key.get(str(i)) for i in range(len(results))]


def without_html(results: Sequence[FetchResult]) -> list[FetchResult]:
    """The results once extracted: loading needs their outcomes, not the pages, and a batch can
    wait a while for the single writer."""
    return [replace(r, html=b"") if r.html else r for r in results]


def load_batch(
    store: Warehouse,
    run_id: str,
    batch: Sequence[PendingArticle],
    results: Sequence[FetchResult],
    extractions: Sequence[ExtractionResult | None],
    story_window_days: int = 30,
    pages_dir: Path | None = None,
) -> RunCounts:
    """Build the batch's articles and load them with their events (and pages) in one transaction."""
    fetched_at = datetime.now(UTC)
    candidates, attempts, events, pages = [], [], [], {}
    for pending, result, extraction in zip(batch, results, extractions, strict=True):
        article = build_article(pending, result, extraction, run_id, fetched_at)
        outcome = extraction.outcome if extraction and result.ok else result.outcome
        events.append(article_event(pending, result, extraction, run_id))
        attempts.append(EntryAttempt(pending.canonical_url, str(outcome), article.article_id if article else None))
        if article:
            candidates.append(article)
        if article and extraction and extraction.compressed_bytes:
            pages[article.article_id] = StoredPage(article.article_id, fetched_at, page_file(result.final_url),
                                                   extraction.html_bytes, extraction.compressed_bytes)
    with store.writing() as con, warehouse.transaction(con):
        stored_ids = warehouse.existing_article_ids(con, [a.article_id for a in candidates])
        new = [a for a in dedup.unique_by_url(candidates) if a.article_id not in stored_ids]
        known_hashes = warehouse.existing_content_hashes(con, [a.content_hash for a in new])
        since = fetched_at - timedelta(days=story_window_days)
        placed = dedup.assign_story_ids(new, lambda keys: warehouse.lookup_story_keys(con, keys, since))
        stored = warehouse.load_articles(con, placed.articles, attempts, events)
        warehouse.insert_pages(con, [pages[a.article_id] for a in placed.articles if a.article_id in pages])
        warehouse.insert_story_index(con, placed.index_rows)
        warehouse.apply_story_merges(con, placed.merges, run_id)
    if pages_dir:  # pages kept for articles that turned out to be stored already
        stored_ids = {a.article_id for a in placed.articles}
        remove_pages(pages_dir, [p.file for article_id, p in pages.items() if article_id not in stored_ids])
    return RunCounts(
        articles_fetched=sum(1 for r in results if r.ok),
        articles_stored=stored,
        articles_failed=len(batch) - len(candidates),
        duplicates=(len(candidates) - stored) + dedup.count_text_duplicates(new, known_hashes),
    )


def build_article(
    pending: PendingArticle,
    result: FetchResult,
    extraction: ExtractionResult | None,
    run_id: str,
    fetched_at: datetime,
) -> Article | None:
    if not result.ok or extraction is None or extraction.article is None:
        return None
    page = extraction.article
    canonical_url = prefer_page_canonical(pending.canonical_url, page.page_canonical_url)
    article_id = dedup.article_id_for(canonical_url)
    return Article(
        article_id=article_id,
        canonical_url=canonical_url,
        url=result.final_url,
        feed_id=pending.feed_id,
        title=page.title or pending.title,
        author=page.author,
        published_at=best_published_at(page.published_at, pending.published_at),
        language=page.language,
        sitename=page.sitename,
        text=page.text,
        word_count=word_count(page.text),
        content_hash=content_hash(page.text),
        story_id=article_id,
        fetched_at=fetched_at,
        run_id=run_id,
        language_source=page.language_source,
    )


def best_published_at(page: datetime | None, feed: datetime | None) -> datetime | None:
    """The page's date, unless it is a bare day (midnight UTC) that the feed's date refines.

    htmldate often finds only the day, from the URL or for pages dated today; the feed usually
    has the time, and latency figures depend on it.
    """
    if page is None:
        return feed
    if feed is not None and page.time() == dt_time(0) and page.date() == feed.astimezone(UTC).date():
        return feed
    return page


def article_event(
    pending: PendingArticle, result: FetchResult, extraction: ExtractionResult | None, run_id: str
) -> FetchEvent:
    event = FetchEvent.from_result(result, run_id, pending.feed_id)
    if result.ok and extraction is not None and extraction.outcome is not Outcome.OK:
        error = f"{result.final_url}: {extraction.error or extraction.outcome}"
        event = replace(event, outcome=extraction.outcome, error=error)
    return event


def batched(items: Sequence[PendingArticle], size: int) -> list[Sequence[PendingArticle]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
