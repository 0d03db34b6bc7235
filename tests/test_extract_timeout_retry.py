"""An extraction past `extract.timeout` is an attempt, not a verdict (docs/polling.md, "Parked entries").

Its timer is the wall clock: a machine loaded for a while (a backup, another job) runs it out for an
ordinary page. The world soak at a load of 18 parked normal 3 KB pages for good this way when
`extract_timeout` was final. Here a run whose article pool's timeout is shorter than any extraction
stands in for that loaded machine (its feed is parsed as usual): real pages, a real server, a real
pool and warehouse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from newsflow.config import load_config
from newsflow.extractpool import ExtractorPool
from newsflow.models import PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer
from tests.test_pipeline import serve_feed

STORIES = 3
TOO_SHORT = 0.0005  # no page extracts this fast: every extraction of a run so configured times out


class LoadedMachine(Stages):
    """Extracts each batch with a pool whose timeout no extraction meets."""

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        with ExtractorPool(1, TOO_SHORT) as pool:
            return await super().batch(replace(ctx, pool=pool), batch)


def _run(tmp_path: Path, server: LocalServer, run_id: str, loaded: bool) -> list[tuple[object, ...]]:
    config = load_config(write_config(tmp_path, server.base_url, serve_feed(server, STORIES)))
    asyncio.run(run_ingest(config, run_id, stages=LoadedMachine() if loaded else Stages()))
    return run_read_query(Warehouse(config.warehouse_path),
                          "SELECT count(*) FILTER (article_id IS NOT NULL), count(*) FILTER (parked_at IS NOT NULL), "
                          "max(fetch_attempts), max(last_outcome) FROM entries").rows


def test_a_page_that_timed_out_once_is_stored_by_the_next_run(tmp_path: Path, server: LocalServer) -> None:
    assert _run(tmp_path, server, "loaded", loaded=True) == [(0, 0, 1, "extract_timeout")], "one attempt, not parked"
    assert _run(tmp_path, server, "quiet", loaded=False)[0][:2] == (STORIES, 0), "stored once the machine has time"


def test_a_page_that_always_times_out_is_parked_after_the_attempts_allowed(
    tmp_path: Path, server: LocalServer
) -> None:
    for run in range(1, 3):
        assert _run(tmp_path, server, f"slow-{run}", loaded=True) == [(0, 0, run, "extract_timeout")]
    assert _run(tmp_path, server, "slow-3", loaded=True) == [(0, STORIES, 3, "extract_timeout")], (
        "parked after execution.max_article_attempts (3)")
