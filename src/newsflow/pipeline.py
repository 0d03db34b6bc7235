"""The article stages as plain Python functions, runnable without Prefect.

    list pending articles -> for each batch: fetch -> extract -> load articles

(Polling is `newsflow.polls`; fetching and extracting a batch is `newsflow.batchfetch`, loading it is
here.) `newsflow.runner` strings the stages together into a run.

A bug escaping for one article costs that article only: a fetch that raises is recorded
`failed` with its error, and so is an article whose building or loading raises (a batch whose
load raises is loaded again article by article). Every failed attempt counts; after
`execution.max_article_attempts` failures in a row, or one outcome another try would not
change (`TERMINAL_ARTICLE_OUTCOMES`), the entry is parked with its last error. `rate_limited`
says nothing about the article and does not count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import canonicals, dedup, warehouse
from newsflow.articledates import article_dates
from newsflow.credentials import url_without_credentials
from newsflow.errors import WarehouseError
from newsflow.extractpool import ExtractionResult
from newsflow.models import (
    LEFT_OUTCOMES,
    Article,
    EntryAttempt,
    FetchEvent,
    FetchKind,
    FetchResult,
    Outcome,
    PendingArticle,
)
from newsflow.pages import StoredPage, page_file, remove_pages
from newsflow.refusedpages import park_refused
from newsflow.text import content_hash, word_count
from newsflow.urls import prefer_page_canonical
from newsflow.warehouse import Warehouse
from newsflow.warehouse.claims import stored_titles
from newsflow.warehouse.entries import refusal_history
from newsflow.warehouse.loads import count_parked, record_attempts

log = logging.getLogger(__name__)

MAX_ARTICLE_ATTEMPTS = 3  # the default of execution.max_article_attempts
# Outcomes that say nothing about the article: not counted as a failed attempt.
UNCOUNTED_ARTICLE_OUTCOMES = (Outcome.RATE_LIMITED, *LEFT_OUTCOMES)
# Outcomes that another attempt would not change: don't fetch these entries again.
# `extract_timeout` is not among them: the timer is the wall clock, and a machine loaded for a while
# (a backup, another job) gives an ordinary page its timeout. It counts an attempt, so a page that
# is truly too slow is parked after `execution.max_article_attempts` runs.
TERMINAL_ARTICLE_OUTCOMES = (
    Outcome.BLOCKED, Outcome.INVALID_URL, Outcome.ROBOTS_DISALLOWED, Outcome.NOT_HTML, Outcome.TOO_LARGE,
    Outcome.EXTRACT_EMPTY,
)

# A 200 with no HTML at all (a CDN between origin timeouts, a CMS mid-deploy) says nothing about the
# page: `extract_empty`, but not final. It counts an attempt and is parked only after
# `execution.max_article_attempts`, where a page with no article text in it is parked at once.
EMPTY_PAGE = "the server answered 200 with an empty page; tried again on the next run"


def is_empty_page(extraction: ExtractionResult | None) -> bool:
    return extraction is not None and extraction.outcome is Outcome.EXTRACT_EMPTY and extraction.error == EMPTY_PAGE


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
    feeds_deferred: int = 0      # due feeds not polled: the run's budget ran out
    articles_deferred: int = 0   # pending articles left for the next run (budget or max_articles_per_run)
    articles_parked: int = 0     # entries this run parked
    network_outage: int = 0      # 1 when nearly every feed was unreachable (runs.network_outage)
    feeds_outage_overdue: int = 0  # feeds an outage did not spare: unreachable for a day or more (outages.py)
    feeds_turned_away: int = 0   # failed feeds the network answered were gone: NXDOMAIN, a public address refusing

    def add(self, other: RunCounts) -> None:
        for name, value in other.as_dict().items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def describe_error(exc: BaseException) -> str:
    """An escaped bug as it is recorded: the exception's type and message, on one line."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:1000]


# --- list, load --------------------------------------------------------------------------------


def list_pending(store: Warehouse, feed_ids: Sequence[str], limit: int | None = None, last_hosts: Sequence[str] = ()
                 ) -> tuple[list[PendingArticle], int, int]:
    """Up to `limit` articles still to fetch (the paused `last_hosts`' last), how many there are in all, and how
    many entries were resolved to stored articles by URL."""
    with store.writing() as con:
        linked = warehouse.link_stored_entries(con)
        pending, total = warehouse.pending_entries(con, feed_ids, limit, last_hosts)
    return pending, total, linked


@dataclass(frozen=True)
class LoadSettings:
    """What loading a batch needs besides the batch: from the config, through the run."""

    story_window_days: int = 30
    pages_dir: Path | None = None
    max_attempts: int = MAX_ARTICLE_ATTEMPTS


def load_batch(
    store: Warehouse,
    run_id: str,
    batch: Sequence[PendingArticle],
    results: Sequence[FetchResult],
    extractions: Sequence[ExtractionResult | None],
    settings: LoadSettings = LoadSettings(),
) -> RunCounts:
    """Build the batch's articles and load them with their events (and pages) in one transaction.

    If that raises for anything but the warehouse itself, each article is loaded on its own, and
    one that still raises is recorded `failed`: a bug costs one article, never the batch.
    """
    built = [build_safely(p, r, e, run_id) for p, r, e in zip(batch, results, extractions, strict=True)]
    try:
        return _load_built(store, run_id, built, settings)
    except WarehouseError:
        raise
    except Exception as exc:
        log.exception("loading a batch of %d articles failed; loading them one by one", len(built))
        if len(built) == 1:
            return record_failed(store, run_id, [built[0].pending], exc, settings.max_attempts)
    counts = RunCounts()
    for one in built:
        try:
            counts.add(_load_built(store, run_id, [one], settings))
        except WarehouseError:
            raise
        except Exception as exc:
            log.exception("loading %s failed", one.attempt.entry_canonical_url)
            counts.add(record_failed(store, run_id, [one.pending], exc, settings.max_attempts))
    return counts


@dataclass(frozen=True)
class BuiltArticle:
    """One fetched entry made ready to load: its attempt, its event, and its article if any."""

    pending: PendingArticle
    attempt: EntryAttempt
    event: FetchEvent
    article: Article | None
    page: StoredPage | None
    fetched: bool


def build_safely(
    pending: PendingArticle, result: FetchResult, extraction: ExtractionResult | None, run_id: str
) -> BuiltArticle:
    fetched_at = result.at  # the fetch's time, not the load's: a load replayed from the spool keeps it
    try:
        article = build_article(pending, result, extraction, run_id, fetched_at)
        event = article_event(pending, result, extraction, run_id)
    except Exception as exc:
        log.exception("building the article of %s failed", pending.url)
        event = replace(FetchEvent.from_result(result, run_id, pending.feed_id), outcome=Outcome.FAILED,
                        error=describe_error(exc))
        return BuiltArticle(pending, failed_attempt(pending, exc), event, None, None, result.ok)
    outcome = extraction.outcome if extraction and result.ok else result.outcome
    attempt = EntryAttempt(pending.canonical_url, str(outcome), article.article_id if article else None,
                           error=None if article else event.error or str(outcome),
                           counts=outcome not in UNCOUNTED_ARTICLE_OUTCOMES and not result.robots_unmatched,
                           at=fetched_at,
                           terminal=False if no_verdict(result, extraction) else None)
    page = None
    if article and extraction and extraction.compressed_bytes:
        page = StoredPage(article.article_id, fetched_at, page_file(result.final_url), extraction.html_bytes,
                          extraction.compressed_bytes)
    return BuiltArticle(pending, attempt, event, article, page, result.ok)


def no_verdict(result: FetchResult, extraction: ExtractionResult | None) -> bool:
    """A failure that says nothing final of the page, whatever its outcome: never parked at once (a name's refused DNS
    answer, an empty 200: counted; a robots.txt too costly to match against the URL: not counted, never parked)."""
    return result.answer_refused or result.robots_unmatched or is_empty_page(extraction)


def failed_attempt(pending: PendingArticle, exc: BaseException) -> EntryAttempt:
    return EntryAttempt(pending.canonical_url, str(Outcome.FAILED), None, error=describe_error(exc))


def _load_built(store: Warehouse, run_id: str, built: Sequence[BuiltArticle], settings: LoadSettings) -> RunCounts:
    terminal = [str(o) for o in TERMINAL_ARTICLE_OUTCOMES]
    since = datetime.now(UTC) - timedelta(days=settings.story_window_days)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.bound_load_memory(con, len(built))
        built = _without_disputed_canonicals(built, lambda ids: stored_titles(con, ids))
        candidates = [b.article for b in built if b.article]
        pages = {b.page.article_id: b.page for b in built if b.page}
        attempts = park_refused([b.attempt for b in built], [b.event for b in built], settings.max_attempts,
                                lambda urls, entry_urls: refusal_history(con, run_id, urls, entry_urls))
        stored_ids = warehouse.existing_article_ids(con, [a.article_id for a in candidates])
        new = [a for a in dedup.unique_by_url(candidates) if a.article_id not in stored_ids]
        known_hashes = warehouse.existing_content_hashes(con, [a.content_hash for a in new])
        placed = dedup.assign_story_ids(
            new, lambda keys: warehouse.lookup_story_keys(con, keys, since),
            lambda lines, ids, cap: warehouse.lookup_story_lines(con, lines, since, ids, cap))
        stored = warehouse.load_articles(con, placed.articles, attempts, [b.event for b in built],
                                         max_attempts=settings.max_attempts, terminal_outcomes=terminal)
        warehouse.insert_pages(con, [pages[a.article_id] for a in placed.articles if a.article_id in pages])
        warehouse.insert_story_index(con, placed.index_rows)
        warehouse.insert_story_lines(con, placed.line_rows)
        warehouse.apply_story_merges(con, placed.merges, run_id)
        failed = [a.entry_canonical_url for a in attempts if a.article_id is None]
        parked = count_parked(con, failed) if failed else 0
    if settings.pages_dir:  # pages kept for articles that turned out to be stored already
        stored_ids = {a.article_id for a in placed.articles}
        remove_pages(settings.pages_dir, [p.file for article_id, p in pages.items() if article_id not in stored_ids])
    left = sum(1 for b in built if b.attempt.outcome in LEFT_OUTCOMES or not_sent(b.event))
    return RunCounts(
        articles_fetched=sum(1 for b in built if b.fetched),
        articles_stored=stored,
        articles_failed=len(built) - len(candidates) - left,
        articles_deferred=left,
        duplicates=(len(candidates) - stored) + dedup.count_text_duplicates(new, known_hashes),
        articles_parked=parked,
    )


def not_sent(event: FetchEvent | FetchResult) -> bool:
    """Never sent (its host paused, its robots.txt unreadable): deferred, not failed."""
    return event.outcome is Outcome.RATE_LIMITED and event.status_code is None


def _without_disputed_canonicals(
    built: Sequence[BuiltArticle], titles_of: Callable[[list[str]], Mapping[str, str | None]],
) -> list[BuiltArticle]:
    """The batch with each article whose page claimed a canonical URL that pages of other titles
    claim too, or that an article of another title is stored under, keyed by its entry's own (`canonicals`)."""
    claims = [(b.pending.canonical_url, b.article) for b in built if b.article]
    claimed = [article.article_id for entry, article in claims if article.canonical_url != entry]
    if not claimed:
        return list(built)
    ignored = canonicals.disputed(claims, titles_of(claimed))
    return [_own_canonical(b) if b.article and b.article.article_id in ignored
            and b.article.canonical_url != b.pending.canonical_url else b for b in built]


def _own_canonical(built: BuiltArticle) -> BuiltArticle:
    assert built.article is not None
    article_id = dedup.article_id_for(built.pending.canonical_url)
    log.info("%s: its page names %s as its canonical URL, as pages of other titles do; kept as its own",
             built.pending.url, built.article.canonical_url)
    return replace(built, article=replace(built.article, article_id=article_id,
                                          canonical_url=built.pending.canonical_url),
                   attempt=replace(built.attempt, article_id=article_id),
                   page=replace(built.page, article_id=article_id) if built.page else None)


def record_failed(
    store: Warehouse, run_id: str, batch: Sequence[PendingArticle], exc: BaseException, max_attempts: int
) -> RunCounts:
    """Record one failed attempt, with its error, for each article of `batch`: a bug escaped for them."""
    attempts = [failed_attempt(p, exc) for p in batch]
    events = [FetchEvent(run_id, datetime.now(UTC), FetchKind.ARTICLE, p.feed_id, p.url, None, Outcome.FAILED,
                         describe_error(exc), 0, 0) for p in batch]
    with store.writing() as con, warehouse.transaction(con):
        record_attempts(con, attempts, max_attempts)
        warehouse.insert_fetch_events(con, events)
        parked = count_parked(con, [p.canonical_url for p in batch])
    return RunCounts(articles_failed=len(batch), articles_parked=parked)


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
    published_at, published_date = article_dates(page, pending.published_at, pending.published_date,
                                                 fetched_at, result.final_url,
                                                 feed_zone_given=pending.published_zone_given, entry_url=pending.url)
    # A page that names no canonical URL is known by the URL it was served from: an item that
    # redirects (301 /p2 -> /p1, http -> https) is the same article as an item linking /p1.
    redirected_to = result.final_url if result.final_url != result.url else None
    canonical_url = prefer_page_canonical(pending.canonical_url, page.page_canonical_url or redirected_to)
    article_id = dedup.article_id_for(canonical_url)
    return Article(
        article_id=article_id,
        canonical_url=canonical_url,
        url=url_without_credentials(result.final_url),  # never sent nor stored (newsflow.credentials)
        feed_id=pending.feed_id,
        title=page.title or pending.title,
        author=page.author,
        published_at=published_at,
        language=page.language,
        sitename=page.sitename,
        text=page.text,
        word_count=word_count(page.text),
        content_hash=content_hash(page.text),
        story_id=article_id,
        fetched_at=fetched_at,
        run_id=run_id,
        language_source=page.language_source,
        published_date=published_date,
    )


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
