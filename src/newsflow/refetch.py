"""The run's last stage: stored articles whose feed entry says they changed, fetched again ("Updates 58").

    targets (warehouse.refetch_targets) -> conditional GET -> extract (the run's pool) -> one write

After every pending page (new text first), at most `execution.max_refetches_per_run` articles, none within
`execution.refetch_interval_seconds` of its last fetch or try, each asked with the validators its last answered
refetch got (a 304 is `not_modified`: no body, nothing extracted). A page that is not the stored story updated
(`refetchgate`, a portal's page) is `rejected`, with its reason. A page taken whose text differs becomes the article's
current text and a new version (`warehouse.record_refetches`); its kept HTML replaces the old one only once that is
committed, so `newsflow reextract` reads the text the row holds. A refetch that fails, or whose write cannot be made
(a reader holds the warehouse), parks nothing and changes nothing but its try's row: the entry stays changed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow import warehouse
from newsflow.batchfetch import answered_by, extract_batch, fetch_article_safely
from newsflow.catchall import judged_within
from newsflow.errors import WarehouseLockedError
from newsflow.extractpool import ExtractionResult
from newsflow.fetchrecord import usable_validator
from newsflow.intercepts import without_intercepted
from newsflow.models import FetchEvent, FetchResult, Outcome, PendingArticle
from newsflow.pages import StoredPage, page_file, pages_dir_for, remove_pages
from newsflow.pipeline import build_article
from newsflow.refetchgate import REJECTED, rejection
from newsflow.urls import host_of, site_of
from newsflow.warehouse.refetches import (
    ANSWERED,
    Refetched,
    RefetchTarget,
    record_refetches,
    refetch_targets,
    replace_pages,
)

if TYPE_CHECKING:  # the runner imports this module: its types only, at type-checking time
    from newsflow.models import FeedConfig
    from newsflow.pipeline import RunCounts
    from newsflow.runner import RunContext

log = logging.getLogger(__name__)

STAGING = "refetched"  # the pages folder's subfolder a refetch's HTML waits in until its write is committed


@dataclass
class RefetchCounts:
    tried: int = 0
    versions: int = 0
    not_modified: int = 0
    rejected: int = 0
    failed: int = 0


def feeds_through(ctx: RunContext, candidates: Sequence[FeedConfig], counts: RunCounts) -> list[str]:
    """The feeds whose articles may be refetched this run: none when its polls told an outage or a captive portal
    (the owed articles wait, and are not overwritten with a portal's page: review of Updates 58, finding 2); else
    those whose site's feed poll came through in this run (answered 200 or 304)."""
    if counts.network_outage or ctx.portal_pages or ctx.articles_held:
        return []
    return [feed.name for feed in candidates if site_of(host_of(feed.url)) in ctx.answered_sites]


def read_targets(ctx: RunContext, feed_ids: Sequence[str]) -> list[RefetchTarget]:
    """The articles of `feed_ids` (`feeds_through`) this run refetches; none when the run's budget is spent or a
    reader holds the warehouse."""
    execution = ctx.config.execution
    if execution.max_refetches_per_run == 0 or not feed_ids or ctx.out_of_time():
        return []
    try:
        with ctx.write_lock, ctx.store.writing() as con:
            return refetch_targets(con, feed_ids, execution.max_refetches_per_run,
                                   timedelta(seconds=execution.refetch_interval_seconds), datetime.now(UTC))
    except WarehouseLockedError as exc:
        log.warning("no stored article is refetched this run: %s", exc)
        return []


async def refetch(ctx: RunContext, targets: Sequence[RefetchTarget]) -> RefetchCounts:
    """Fetch `targets` again until the run's deadline, extract the answered pages, and write it all at once."""
    assert ctx.pool is not None, "refetches extract in the run's pool"
    fetched = await _fetch_within(ctx, targets)
    if not fetched:
        return RefetchCounts()
    portal = await _intercepted(ctx, fetched)
    results = [result for _, result in fetched]
    staging = ctx.kept_pages_dir / STAGING if ctx.kept_pages_dir else None
    extractions = await asyncio.to_thread(extract_batch, results, ctx.pool, staging,
                                          ctx.deadline + ctx.config.extract.timeout)
    done = [_answer(ctx.run_id, target, result, extraction, target.article_id in portal)
            for (target, result), extraction in zip(fetched, extractions, strict=True)]
    pages = [_page(target, result, extraction) if answer.article else None
             for (target, result), extraction, answer in zip(fetched, extractions, done, strict=True)]
    events = [_event(ctx.run_id, target, result, answer)
              for (target, result), answer in zip(fetched, done, strict=True)]
    counts = RefetchCounts(tried=len(done), rejected=sum(r.outcome == REJECTED for r in done),
                           not_modified=sum(r.outcome == str(Outcome.NOT_MODIFIED) for r in done),
                           failed=sum(r.outcome not in (*ANSWERED, REJECTED) for r in done))
    try:
        counts.versions = await asyncio.to_thread(_write, ctx, done, events, [p for p in pages if p])
    except WarehouseLockedError as exc:
        log.warning("the %d refetches of this run could not be written (%s): their entries stay changed", len(done),
                    exc)
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
        return RefetchCounts(tried=len(done), failed=len(done))
    log.info("refetched %d stored articles whose feed entry changed: %d new versions, %d not modified, %d rejected "
             "(not the same story: their fetch_events' error says why), %d failed",
             counts.tried, counts.versions, counts.not_modified, counts.rejected, counts.failed)
    return counts


async def _fetch_within(ctx: RunContext, targets: Sequence[RefetchTarget]) -> list[tuple[RefetchTarget, FetchResult]]:
    """Each target's answer, asked with its validators; what is not answered by the run's deadline is not tried."""
    answers = await answered_by(ctx.deadline, [_fetch_one(ctx, t) for t in targets])
    return [(t, answer) for t, answer in zip(targets, answers, strict=True) if answer is not None]


async def _fetch_one(ctx: RunContext, target: RefetchTarget) -> FetchResult:
    asked = {name: value for name, value in (("If-None-Match", usable_validator(target.etag)),
                                             ("If-Modified-Since", usable_validator(target.last_modified))) if value}
    if not asked:
        return await fetch_article_safely(ctx.fetcher, target.url)
    try:
        return await ctx.fetcher.fetch_article(target.url, conditional=asked)
    except Exception:  # the fetcher should never raise: if it does, it costs this refetch only
        return await fetch_article_safely(ctx.fetcher, target.url)


def _as_pending(target: RefetchTarget) -> PendingArticle:
    return PendingArticle(target.canonical_url, target.url, target.feed_id, target.title, target.published_at,
                          target.published_date)


async def _intercepted(ctx: RunContext, fetched: Sequence[tuple[RefetchTarget, FetchResult]]) -> set[str]:
    """The targets whose page the new-article path would not take: one served for several sites' URLs (a captive
    portal's, a catch-all's; `catchall.judged_within`, `intercepts.without_intercepted`), or not judged in time."""
    batch = [_as_pending(t) for t, _ in fetched]
    results = [r for _, r in fetched]
    kept, judged, shared = await judged_within(batch, results, ctx.fetcher.fetch_article, ctx.catch_all_verdicts,
                                               ctx.deadline)
    kept, judged = without_intercepted(kept, judged, ctx.answered_sites, ctx.portal_pages, shared)
    taken = {p.canonical_url for p, r in zip(kept, judged, strict=True) if r.ok}  # not made a failed attempt
    return {t.article_id for t, r in fetched if r.ok and t.canonical_url not in taken}


def _answer(run_id: str, target: RefetchTarget, result: FetchResult, extraction: ExtractionResult | None,
            intercepted: bool = False) -> Refetched:
    """The refetch as written: the page's article when it is the stored one's story updated (`refetchgate`; its
    dates are the stored ones: an update does not move the article's day), and the validators of a page answered;
    a page answered but not taken is `rejected`, with the reason."""
    article = build_article(_as_pending(target), result, extraction, run_id, result.at)
    outcome = str(extraction.outcome if extraction is not None and result.ok else result.outcome)
    reason = None
    if intercepted:
        reason = "portal: the page was served for other sites' URLs too (a captive portal's or a catch-all's)"
    elif result.ok and outcome != str(Outcome.NOT_MODIFIED):
        reason = (f"extraction: {outcome}" if article is None or outcome != str(Outcome.OK) else
                  rejection(target.canonical_url, target.url, target.text, target.word_count, target.language,
                            result.final_url, article))
    if reason is not None:
        return Refetched(target, result.at, REJECTED, result.status_code, None, None, None, reason)
    return Refetched(target, result.at, outcome, result.status_code, result.headers.get("etag"),
                     result.headers.get("last-modified"), article)


def _event(run_id: str, target: RefetchTarget, result: FetchResult, answer: Refetched) -> FetchEvent:
    """The try's `fetch_events` row; a rejected page's says why in its `error` (the fetch itself went well)."""
    event = FetchEvent.from_result(result, run_id, target.feed_id)
    if answer.reason is None:
        return event
    return replace(event, error=f"GET {event.url}: a refetched page rejected, the stored text kept ({answer.reason})")


def _page(target: RefetchTarget, result: FetchResult, extraction: ExtractionResult | None) -> StoredPage | None:
    if extraction is None or extraction.article is None or not extraction.compressed_bytes:
        return None
    return StoredPage(target.article_id, result.at, page_file(result.final_url), extraction.html_bytes,
                      extraction.compressed_bytes)


def _write(ctx: RunContext, done: Sequence[Refetched], events: Sequence[FetchEvent],
           pages: Sequence[StoredPage]) -> int:
    """One transaction; then the kept pages move from the staging folder into place (and replaced ones go)."""
    with ctx.write_lock, ctx.store.writing() as con, warehouse.transaction(con):
        versions = record_refetches(con, ctx.run_id, done)
        warehouse.insert_fetch_events(con, events)
        kept = {p.article_id for p in pages}
        replaced = replace_pages(con, pages, [article_id for article_id in versions if article_id not in kept])
    if ctx.kept_pages_dir:
        _move_into_place(ctx.kept_pages_dir, [p.file for p in pages])
    remove_pages(pages_dir_for(ctx.config.warehouse_path), [f for f in replaced if f not in {p.file for p in pages}])
    return len(versions)


def _move_into_place(pages_dir: Path, files: Sequence[str]) -> None:
    for name in files:
        target = pages_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(pages_dir / STAGING / name, target)
    shutil.rmtree(pages_dir / STAGING, ignore_errors=True)
