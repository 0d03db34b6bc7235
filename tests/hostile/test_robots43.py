"""Robots 43: a host whose robots.txt cannot be read takes no place of every run (docs/security.md, "Robots 43").

Red team 16 defers, uncounted, every page of a site whose robots.txt cannot be read; hunt 38 found such a page
chosen among `execution.max_articles_per_run` in every run for ever, so k such hosts took k places of every run,
and with k >= the cap no page was fetched. Now a run remembers them from the fetch log (`newsflow.robotholds`),
asks their robots.txt again while it polls, and puts the hosts whose robots.txt still does not read last.

One world, several runs (each a real `run_ingest`, real loopback servers, a DuckDB file): two hosts whose
robots.txt hangs and one whose robots.txt answers 503, each with one page, and a host that answers with many;
`max_articles_per_run` = 3, the number of unreadable hosts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow.config import Config, load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse
from newsflow.warehouse.entries import held_netlocs
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.hostile.test_readers import holding
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import add_settings

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("extraction_stack_loaded")]

CAP = 3
ANSWERING_PAGES = 12
ROBOTS = b"User-agent: *\nAllow: /\n"


class RobotsRoute:
    """A robots.txt that hangs (accepts, reads the request, answers nothing), answers 503, or reads."""

    def __init__(self, kind: str, release: threading.Event) -> None:
        self.kind, self.release = kind, release

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        if self.kind == "hangs":
            self.release.wait(60)
        elif self.kind == "503":
            send_bytes(handler, 503, b"down for maintenance", "text/plain")
        else:
            send_bytes(handler, 200, ROBOTS, "text/plain")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Config, dict[str, RobotsRoute], dict[str, str]]]:
    """Hosts 127.0.0.2-4 (robots.txt hangs, hangs, 503; one page each), 127.0.0.5 (12 pages), one feed listing
    them all. The unreadable hosts sort first, so a run that met none of them chooses their pages first."""
    release = threading.Event()
    feed_server = LoopbackServer("127.0.0.1")
    kinds = {"127.0.0.2": "hangs", "127.0.0.3": "hangs", "127.0.0.4": "503", "127.0.0.5": "reads"}
    servers = {host: LoopbackServer(host) for host in kinds}
    routes = {host: RobotsRoute(kind, release) for host, kind in kinds.items()}
    items: list[tuple[str, str, datetime | None]] = []
    for n, (host, server) in enumerate(servers.items()):
        server.add("/robots.txt", routes[host])
        for m in range(ANSWERING_PAGES if kinds[host] == "reads" else 1):
            story = generated_story(100 * n + m)
            server.add(f"/a/{story.slug}", Page(Site(f"site-{n}").article_page(story)))
            items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    feed_server.add("/feed.xml", Page(rss_feed("f", items), "application/rss+xml"))
    config_path = write_config(tmp_path, feed_server.base_url, {"f": "/feed.xml"}, extract={"workers": 1},
                               timeout=1.0, per_host_concurrency=1)
    add_settings(config_path, "execution", run_budget_seconds=12.0, max_articles_per_run=CAP)
    add_settings(config_path, "warehouse", write_patience=0.5)  # the reader's run spools after 0.5 s, not 5
    try:
        yield load_config(config_path), routes, {host: server.base_url for host, server in servers.items()}
    finally:
        release.set()
        for server in [*servers.values(), feed_server]:
            server.close()


def stored_in(config: Config, run_id: str) -> dict[str, int]:
    """Pages stored by `run_id`, by host."""
    rows = query_config(config, "SELECT split_part(canonical_url, '/', 3), count(*) FROM articles "
                                f"WHERE run_id = '{run_id}' GROUP BY 1")
    return {str(netloc).split(":")[0]: int(str(count)) for netloc, count in rows}


def sent_in(config: Config, run_id: str) -> set[str]:
    """The hosts whose pages `run_id` chose (an article's fetch event, sent or deferred)."""
    rows = query_config(config, f"SELECT DISTINCT split_part(url, '/', 3) FROM fetch_events WHERE run_id = '{run_id}' "
                                "AND kind = 'article'")
    return {str(netloc).split(":")[0] for (netloc,) in rows}


def query_config(config: Config, sql: str) -> list[tuple[object, ...]]:
    from newsflow.warehouse import run_read_query
    return run_read_query(Warehouse(config.warehouse_path), sql).rows


def run(config: Config, run_id: str) -> None:
    summary = asyncio.run(run_ingest(config, run_id, all_feeds=True))
    assert summary.status == "completed", (run_id, summary)


def test_hosts_whose_robots_txt_cannot_be_read_take_no_place_from_a_host_that_answers(
        world: tuple[Config, dict[str, RobotsRoute], dict[str, str]]) -> None:
    config, routes, _ = world
    run(config, "r0")  # meets the three unreadable robots.txt: their pages first, nothing sent, nothing stored
    assert sent_in(config, "r0") == {"127.0.0.2", "127.0.0.3", "127.0.0.4"} and stored_in(config, "r0") == {}
    run(config, "r1")  # main: the same three chosen again, nothing stored, for ever
    assert stored_in(config, "r1") == {"127.0.0.5": CAP}, "the answering host gets every place of the cap"
    routes["127.0.0.2"].kind = "reads"  # its robots.txt recovers: its page takes its turn in the very next run
    run(config, "r2")
    assert stored_in(config, "r2") == {"127.0.0.2": 1, "127.0.0.5": CAP - 1}
    with holding(config.warehouse_path, "read-only"):  # a reader: the run reads, and spools what it writes
        run(config, "r3")
    run(config, "r4")  # replays r3's spool at its start (its robots.txt fetches too), then runs
    assert stored_in(config, "r3") == {"127.0.0.5": CAP} and stored_in(config, "r4") == {"127.0.0.5": CAP}
    assert sent_in(config, "r3") == sent_in(config, "r4") == {"127.0.0.5"}, "the unreadable hosts stayed last"
    waiting = query_config(config, "SELECT split_part(canonical_url, '/', 3), fetch_attempts, parked_at IS NULL "
                                   "FROM entries WHERE article_id IS NULL ORDER BY 1")
    assert [(str(n).split(":")[0], a, p) for n, a, p in waiting] == [
        ("127.0.0.3", 0, True), ("127.0.0.4", 0, True), ("127.0.0.5", 0, True)], "none lost, none parked"
    assert query_config(config, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]


def test_the_held_hosts_are_matched_in_python_by_any_spelling() -> None:
    """`pending_entries` no longer spells `urls.host_key` in SQL: the stored `host[:port]`s are keyed in Python."""
    netlocs = ["Paused.example:8443", "paused.example.", "[::1]:8080", "[2001:DB8::1]", "free.example", "127.0.0.1"]
    assert held_netlocs(netlocs, ["paused.example", "::1", "2001:db8::1", "127.1"]) == [
        "Paused.example:8443", "paused.example.", "[::1]:8080", "[2001:DB8::1]", "127.0.0.1"]
