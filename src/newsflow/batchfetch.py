"""Fetch and extract one batch of pending articles, as plain Python (newsflow.pipeline loads it).

    fetch (within the run's deadline) -> extract (in the worker pool) -> mark what the budget left

A fetch that raises costs its article only (`failed`, with its error); a page fetched whole but not
extracted by the run's deadline is marked `left_by_budget` and waits for the next run uncounted.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsflow.extractpool import PAGE_NOT_KEPT, ExtractionResult, ExtractorPool, PageToExtract
from newsflow.fetch import Fetcher
from newsflow.leftpages import fetch_or_take_left
from newsflow.models import FetchKind, FetchResult, Outcome, PendingArticle
from newsflow.pages import page_file
from newsflow.pipeline import EMPTY_PAGE, describe_error
from newsflow.runlock import room_question

# The logger these stages have always logged under (they were part of newsflow.pipeline): filters and
# tests that follow its name keep working.
log = logging.getLogger("newsflow.pipeline")

LEFT_BY_BUDGET = ("fetched whole, not extracted within the run's budget (execution.run_budget_seconds + "
                  "extract.timeout): left for the next run, no attempt counted")


async def fetch_batch(batch: Sequence[PendingArticle], fetcher: Fetcher) -> list[FetchResult]:
    return list(await asyncio.gather(*(fetch_article_safely(fetcher, p.url) for p in batch)))


async def fetch_within(
    batch: Sequence[PendingArticle], fetcher: Fetcher, deadline: float, left: Path | None = None
) -> tuple[list[PendingArticle], list[FetchResult]]:
    """Fetch the batch until `deadline` (time.monotonic()); what is not fetched by then is left out. A page an
    earlier run's budget left in `left` is asked for with its validators, or taken as kept (`leftpages`)."""
    answers = await answered_by(deadline, [fetch_article_safely(fetcher, p.url, left) for p in batch])
    kept = [(pending, answer) for pending, answer in zip(batch, answers, strict=True) if answer is not None]
    return [pending for pending, _ in kept], [result for _, result in kept]


async def answered_by(deadline: float, fetches: Sequence[Coroutine[Any, Any, FetchResult]]) -> list[FetchResult | None]:
    """Each fetch's answer, or None where it had none by `deadline` (time.monotonic()); none is left running."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        for fetch in fetches:
            fetch.close()
        return [None] * len(fetches)
    futures = [asyncio.ensure_future(fetch) for fetch in fetches]
    try:
        done, _ = await asyncio.wait(futures, timeout=remaining)
    finally:  # a cancelled batch (a failed load, Ctrl-C) must not leave its fetches running orphaned
        for future in futures:
            future.cancel()
        await asyncio.gather(*futures, return_exceptions=True)
    return [future.result() if future in done else None for future in futures]


async def fetch_article_safely(fetcher: Fetcher, url: str, left: Path | None = None) -> FetchResult:
    try:
        return await fetch_or_take_left(fetcher, url, left)
    except Exception as exc:  # the fetcher should never raise: if it does, it costs this article only
        log.exception("fetching %s failed", url)
        return FetchResult(url=url, final_url=url, kind=FetchKind.ARTICLE, outcome=Outcome.FAILED,
                           at=datetime.now(UTC), error=describe_error(exc))


def extract_batch(
    results: Sequence[FetchResult], pool: ExtractorPool, pages_dir: Path | None = None, until: float = math.inf
) -> list[ExtractionResult | None]:
    """Extract the pages that were fetched; None where there was nothing to extract, or where the
    page was not extracted by `until` (time.monotonic(): the run's deadline).

    With `pages_dir`, the workers also keep each page's HTML there (see newsflow.pages).
    """
    pages = [
        PageToExtract(key=str(i), html=r.html, url=r.final_url,
                      keep_as=str(pages_dir / page_file(r.final_url)) if pages_dir else None)
        for i, r in enumerate(results) if r.ok and r.html.strip()
    ]
    by_key = {e.key: e for e in pool.extract_until(pages, until) if e is not None}
    not_kept = [e.error for e in by_key.values() if e.outcome is Outcome.OK and e.error
                and e.error.startswith(PAGE_NOT_KEPT)]
    if not_kept:
        # Local 32: ENOSPC on a disk with bytes free and no inode is said as such, not as a full disk
        room = room_question(not_kept[0], pages_dir) if pages_dir else ""
        no_inode = room.startswith("Its disk has")
        to_do = f"{room[0].lower()}{room[1:-1]}: delete files there" if no_inode else "free space or fix the folder"
        log.warning("the HTML of %d pages could not be kept (%s); their articles are stored without it, so "
                    "`newsflow reextract` cannot redo them: %s, or set extract.keep_html = false", len(not_kept),
                    not_kept[0], to_do)
    by_key.update({str(i): ExtractionResult(str(i), Outcome.EXTRACT_EMPTY, None, EMPTY_PAGE, 0)
                   for i, r in enumerate(results) if r.ok and not r.html.strip()})
    return [by_key.get(str(i)) for i in range(len(results))]


def extracted_in_time(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], extractions: Sequence[ExtractionResult | None]
) -> tuple[list[PendingArticle], list[FetchResult], list[ExtractionResult | None]]:
    """Mark the articles fetched whole but not extracted by the run's deadline `left_by_budget`: they stay
    pending with no attempt counted, and are fetched again by the next run. Before red team 36 they were
    left out of the load: no `fetch_events` row, no outcome, nothing a user could see."""
    left = ExtractionResult("", Outcome.LEFT_BY_BUDGET, None, LEFT_BY_BUDGET, 0)
    marked = [left if e is None and r.ok else e for r, e in zip(results, extractions, strict=True)]
    return list(batch), list(results), marked


def without_html(results: Sequence[FetchResult]) -> list[FetchResult]:
    """The results once extracted: loading needs their outcomes, not the pages, and a batch can
    wait a while for the single writer."""
    return [replace(r, html=b"") if r.html else r for r in results]
