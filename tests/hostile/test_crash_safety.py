"""SIGKILL a real `python -m newsflow run` at chosen points, run again: nothing lost, nothing duplicated.

The kill points are made deterministic with the server, not with hooks in src/: one request
is held open until the test has killed the run (`HeldRoute`). For "during load", everything
but the held batch is stored first, then the held request is released and the run is killed
the moment it opens the DuckDB file, which it does only to write (`BackgroundRun.has_open`):
the only write that can come next is that batch's load.

Slow: one child process with Prefect per kill point, about 8 s each.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.errors import WarehouseLockedError
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.hostile.hostile_site import BusyServer
from tests.hostile.subprocesses import BackgroundRun, prefect_api_url, write_run_config
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.timeout(120)]

RSS = "application/rss+xml"
FeedItems = list[tuple[str, str, datetime | None]]
BATCH_SIZE = 3
HOLD_LIMIT_SECONDS = 60.0  # a held request gives up by itself if a test fails before releasing it


class HeldRoute:
    """Serve `page` only after `release`; `arrived` is set when the request comes in."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        self.arrived.set()
        self.release.wait(HOLD_LIMIT_SECONDS)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the run it was for is dead
            send_bytes(handler, 200, self.page.body, self.page.content_type)


@dataclass
class CrashSite:
    """Two feeds sharing one story: 10 entries, 9 articles. The held story sorts last, so it is
    in the last batch, which starts only when a slot frees up."""

    server: BusyServer
    feeds: dict[str, str]
    held_article: HeldRoute
    held_feed: HeldRoute
    entries: int = 10
    articles: int = 9


@pytest.fixture
def site() -> Iterator[CrashSite]:
    server = BusyServer("127.0.0.1")
    outlet = Site("Crash Courier")
    urls = {}
    for n in range(1, 9):
        story = generated_story(200 + n)
        urls[n] = server.add(f"/news/{story.slug}", Page(outlet.article_page(story)))
    held_article = HeldRoute(Page(outlet.article_page(generated_story(299))))
    urls[9] = server.add("/news/zz-last-story", held_article)
    alpha: FeedItems = [(f"Alpha {n}", urls[n], None) for n in range(1, 7)]
    beta: FeedItems = [(f"Beta {n}", urls[n], None) for n in (6, 7, 8, 9)]  # story 6 is in both feeds
    server.add("/alpha.xml", Page(rss_feed("Alpha", alpha), RSS))
    held_feed = HeldRoute(Page(rss_feed("Beta", beta), RSS))
    feeds = {"alpha": server.url("/alpha.xml"), "beta": server.add("/beta.xml", held_feed)}
    try:
        yield CrashSite(server, feeds, held_article, held_feed)
    finally:
        held_article.release.set()
        held_feed.release.set()
        server.close()


def rows(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def rows_when_free(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read while the run may be writing: a lock conflict only means "not now"."""
    while True:
        try:
            return rows(config_path, sql)
        except WarehouseLockedError:
            continue


def wait_until(condition: Callable[[], bool], timeout: float, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(poll)  # polling another process's state: there is nothing to wait on


def stored(config_path: Path) -> int:
    return int(str(rows_when_free(config_path, "SELECT count(*) FROM articles")[0][0]))


# --- the kill points: each returns what the warehouse holds right after the kill ---------------


def kill_while_polling(run: BackgroundRun, site: CrashSite, config_path: Path) -> str:
    assert site.held_feed.arrived.wait(60), "the run never polled the held feed"
    run.kill()
    return f"after kill: {stored(config_path)} articles, {count_entries(config_path)} entries"


def until_only_the_held_batch_is_left(site: CrashSite, config_path: Path) -> int:
    """Let the run go on until every batch but the held article's is stored; their count."""
    site.held_feed.release.set()
    assert site.held_article.arrived.wait(60), "the run never fetched the held article"
    everything_else = site.articles - BATCH_SIZE
    wait_until(lambda: stored(config_path) == everything_else, timeout=30)
    return everything_else


def kill_while_fetching(run: BackgroundRun, site: CrashSite, config_path: Path) -> str:
    until_only_the_held_batch_is_left(site, config_path)
    run.kill()
    return f"after kill: {stored(config_path)} articles stored (the held batch was in flight)"


def kill_while_loading(run: BackgroundRun, site: CrashSite, config_path: Path) -> str:
    before = until_only_the_held_batch_is_left(site, config_path)
    wait_until(lambda: not run.has_open(load_config(config_path).warehouse_path), timeout=10, poll=0.001)
    site.held_article.release.set()
    warehouse_path = load_config(config_path).warehouse_path
    deadline = time.monotonic() + 30
    while not run.has_open(warehouse_path):  # a busy poll: the load lasts only milliseconds
        assert time.monotonic() < deadline, "the run never loaded the held batch"
    run.kill()
    after = stored(config_path)
    committed = "after its COMMIT" if after > before else "before its COMMIT (rolled back)"
    return f"killed with the file open for the held batch's load, {committed}: {after} articles stored"


def count_entries(config_path: Path) -> int:
    return int(str(rows_when_free(config_path, "SELECT count(*) FROM entries")[0][0]))


KILL_POINTS = {"while polling": kill_while_polling, "while fetching": kill_while_fetching,
               "while loading": kill_while_loading}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_run_killed_then_run_again_loses_and_duplicates_nothing(
    tmp_path: Path, site: CrashSite, point: str
) -> None:
    config_path = write_run_config(tmp_path, site.feeds, extract={"batch_size": BATCH_SIZE})
    with BackgroundRun(config_path, prefect_api_url()) as run:
        state = KILL_POINTS[point](run, site, config_path)
    assert run.proc is not None and run.proc.returncode == -9
    [(killed_run_id, status)] = rows(config_path, "SELECT run_id, status FROM runs")
    assert status == "running", "SIGKILL leaves the run marked running until the next run finds it"
    site.held_article.release.set()
    site.held_feed.release.set()

    summary = asyncio.run(run_ingest(load_config(config_path), "rerun"))

    print(f"\nkilled {point}: {state}; the rerun stored {summary.counts.articles_stored}")
    assert {str(run_id): status for run_id, status in rows(config_path, "SELECT run_id, status FROM runs")} == {
        killed_run_id: "abandoned", "rerun": "completed"}
    check_each_item_stored_once(config_path, site)
    again = asyncio.run(run_ingest(load_config(config_path), "idempotent"))
    assert (again.counts.entries_new, again.counts.articles_fetched, again.counts.articles_stored) == (0, 0, 0)
    check_each_item_stored_once(config_path, site)


def check_each_item_stored_once(config_path: Path, site: CrashSite) -> None:
    assert rows(config_path, "SELECT count(*), count(DISTINCT (feed_id, guid)) FROM entries") == [
        (site.entries, site.entries)], "every feed item is an entry, once"
    assert rows(config_path, "SELECT count(*), count(DISTINCT canonical_url), count(DISTINCT article_id) "
                             "FROM articles") == [(site.articles, site.articles, site.articles)]
    assert rows(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL "
                             "OR article_id NOT IN (SELECT article_id FROM articles)") == [(0,)]
    ok_events = rows(config_path, "SELECT url, count(*) FROM fetch_events WHERE kind = 'article' AND outcome = 'ok' "
                                  "GROUP BY url HAVING count(*) > 1")
    assert ok_events == [], "no article was fetched and stored twice"
