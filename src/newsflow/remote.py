"""Fetch and extract one batch on another machine's worker (the Dask runner), from plain data only.

Everything that comes in and goes out pickles: the batch, the fetch settings and the results.
The warehouse is never touched here; the flow process loads what comes back.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import time
from collections.abc import Sequence
from pathlib import Path

from newsflow.batchfetch import extract_batch, extracted_in_time, fetch_within, without_html
from newsflow.catchall import judged_within
from newsflow.config import FetchSettings
from newsflow.extractpool import ExtractionResult, ExtractorPool
from newsflow.fetch import Fetcher
from newsflow.intercepts import without_intercepted
from newsflow.leftpages import keep_left, left_dir
from newsflow.models import FetchResult, PendingArticle

NOT_DAEMON_HINT = (
    "extraction on a Dask worker needs a child process for its time limit, and this worker is a daemon "
    "process; start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (or `dask worker --no-nanny`)"
)
# One extraction process per worker process, started by its first batch and reused by the next
# ones (starting one costs trafilatura's import). Keyed by the time limit it enforces.
_worker_pools: dict[float, ExtractorPool] = {}

# What a worker did with a batch: the articles it fetched and extracted before the run's deadline,
# their fetches and extractions, and the robots.txt fetches this worker's Fetcher made.
WorkerFetched = tuple[list[PendingArticle], list[FetchResult], list[ExtractionResult | None], list[FetchResult]]


async def fetch_and_extract_here(
    batch: list[PendingArticle], fetch: FetchSettings, extract_timeout: float, pages_dir: str | None = None,
    until_epoch: float = math.inf, answered_sites: Sequence[str] | None = None,
    portal_pages: Sequence[str] | None = None,
) -> WorkerFetched:
    """Fetch the batch until `until_epoch` (time.time(): the clocks of two machines agree on that, not
    on time.monotonic()) and extract it until `extract_timeout` past it; what is not fetched by then is
    left out, and a page fetched whole but not extracted comes back `left_by_budget`: both for the next run."""
    until = time.monotonic() + (until_epoch - time.time())
    left = left_dir(Path(pages_dir)) if pages_dir else None  # kept only where the flow's machine shares it
    async with Fetcher(fetch) as fetcher:
        fetched, results = await fetch_within(batch, fetcher, until, left)
        # this batch's own fetcher: its own probes, held to the run's deadline
        fetched, results, shared = await judged_within(fetched, results, fetcher.fetch_article, {}, until)
        fetched, results = without_intercepted(fetched, results, set(answered_sites or ()), set(portal_pages or ()),
                                               shared)
    extractor = worker_extractor(extract_timeout)
    kept_in = Path(pages_dir) if pages_dir else None  # must be storage the flow's machine shares
    extractions = await asyncio.to_thread(extract_batch, results, extractor, kept_in, until + extract_timeout)
    fetched, results, extractions = extracted_in_time(fetched, results, extractions)
    await asyncio.to_thread(keep_left, left, results, extractions)
    return fetched, without_html(results), extractions, fetcher.robots_results


def worker_extractor(timeout: float) -> ExtractorPool:
    if multiprocessing.current_process().daemon:
        raise RuntimeError(NOT_DAEMON_HINT)
    if timeout not in _worker_pools:
        _worker_pools[timeout] = ExtractorPool(1, timeout)
    return _worker_pools[timeout]
