"""Hunt 50: hunt 49's stopped-run property with a SIGKILL (no handler runs) and a stop at the poll's commit drawn
too, a fast CI variant of it, and an abandoned row's `articles_fetched` counted as a run counts it.

The property (`hunt49world.draw`, `run_example`; `tests/hostile/hunt49_child.py`) runs by hand:

    NEWSFLOW_HUNT50_EXAMPLES=40 [NEWSFLOW_HUNT50_SEED=5001] [NEWSFLOW_HUNT49_FLOW=1] \\
        uv run pytest -n0 tests/hostile/test_hunt50.py -k stopped_runs

CI runs one drawn real-process example of each stop kind (`CI_SEEDS`), and the findings minimised in-process. What
it found and what was mended: docs/scheduling.md ("Hunt 50").
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from newsflow import readersafe, warehouse
from newsflow.config import load_config
from newsflow.extractpool import ExtractionResult
from newsflow.models import FeedConfig, FetchResult, Outcome, PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runbatches import load_fetched
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.test_runs53 import FEED, SITE, entry, extracted, fetched

# How each article of the run below came out: what the fetcher answered, then its extraction's outcome.
PAGES = (
    (Outcome.OK, 200, Outcome.OK),  # stored
    (Outcome.NOT_HTML, 200, None),  # a 200 PDF: refused by the fetcher, not fetched
    (Outcome.TOO_LARGE, 200, None),  # a 200 over fetch.max_bytes: refused
    (Outcome.OK, 200, Outcome.EXTRACT_EMPTY),  # taken whole, no text
    (Outcome.OK, 200, Outcome.LEFT_BY_BUDGET),  # taken whole, its extraction left by the budget
    (Outcome.FAILED, None, None),  # the fetcher's own bug: no status
    (Outcome.HTTP_ERROR, 404, None),
)


class PagesOfEveryKind(Stages):
    """Polls by inserting the feed's entries and loads one batch whose pages came out as `PAGES` say."""

    batches_in_flight = 1

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        with ctx.write_lock, ctx.store.writing() as con:
            new = warehouse.insert_entries(con, ctx.run_id, [entry(n) for n in range(len(PAGES))])
        return RunCounts(feeds_polled=len(feeds), entries_new=sum(new.values()))

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        results: list[FetchResult] = []
        extractions: list[ExtractionResult | None] = []
        for pending in batch:
            fetch, status, extraction = PAGES[int(pending.url.rsplit("/", 1)[1])]
            page = fetched(pending)
            results.append(replace(page, outcome=fetch, status_code=status,
                                   html=page.html if fetch is Outcome.OK else b""))
            done = extracted(pending)
            extractions.append(None if extraction is None else
                               done if extraction is Outcome.OK else replace(done, outcome=extraction, article=None))
        return await load_fetched(ctx, batch, results, extractions)


def test_an_abandoned_rows_fetched_count_means_what_a_runs_own_row_means(tmp_path: Path) -> None:
    """Hunt 49's review (4): the sweep counted a killed run's article fetch events answered 2xx, so a 200 PDF or a 200
    over `fetch.max_bytes` counted in an abandoned row and not in the run's own. The same run, its row written and
    then swept as if it had been killed, says the same now; each of its counts that a sweep counts agrees."""
    config = load_config(write_config(tmp_path, SITE, {FEED: "/feed.xml"}, extract={"batch_size": len(PAGES)}))
    summary = asyncio.run(run_ingest(config, "whole", stages=PagesOfEveryKind()))
    store = Warehouse(config.warehouse_path)
    columns = "articles_stored, articles_fetched, entries_new"
    written = run_read_query(store, f"SELECT status, {columns} FROM runs WHERE run_id = 'whole'").rows
    assert written == [("completed", 1, 3, len(PAGES))], (written, summary)
    with store.writing() as con:  # as if the run had been killed before its row: the next run's start sweeps it
        con.execute("UPDATE runs SET status = 'running' WHERE run_id = 'whole'")
    readersafe.record_start(store, "next", config.feeds)
    swept = run_read_query(store, f"SELECT status, {columns} FROM runs WHERE run_id = 'whole'").rows
    assert swept == [("abandoned", *written[0][1:])]
