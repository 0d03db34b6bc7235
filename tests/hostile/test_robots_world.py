"""Robots 43's generated worlds: a pause heard mid-batch, `max_articles_per_run` turns and hosts whose robots.txt
cannot be read, together (docs/security.md, "Robots 43").

Hypothesis draws 2-4 page hosts, each one that answers, one whose n-th request answers 429 or 503 with a
Retry-After (a second, waited for in the run, or an hour, kept across runs: `hostholds`), one whose robots.txt
hangs, or one whose robots.txt answers 503; how many pages each lists in one feed; the cap of articles a run and
the batch size. It drives real runs (`runner.run_ingest`, loopback servers, a DuckDB file) and checks:

- every run ends, completed, within its budget (plus start-up and one extraction timeout of slack);
- hosts that answer get the cap's places: in every run, the pages chosen (an article fetch event, sent or not)
  on hosts that were free at its start are min(cap, pending there), less only the places taken by hosts in doubt:
  a robots.txt not met yet, or a pause ending within seconds of the run's start. A host whose robots.txt could
  not be read in an earlier run, or paused past the run, takes a place only when the free hosts leave one;
- nothing lost: once robots.txt reads again and the pauses have passed, a few runs store every page, none parked
  (a robots.txt down and a pause count no attempt);
- nothing duplicated: one entry per item, one article per page.

CI runs the one kept world (KEPT). Hunt with `NEWSFLOW_WORLD_EXAMPLES=<n>` (and `NEWSFLOW_WORLD_SHRINK=1`), and
keep each shrunk failure in KEPT_WORLDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow.config import Config, load_config
from newsflow.robots import unreachable_answer
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import add_settings

pytestmark = [pytest.mark.timeout(900), pytest.mark.usefixtures("extraction_stack_loaded")]

HUNT = int(os.environ.get("NEWSFLOW_WORLD_EXAMPLES", "0"))
PHASES = (Phase.explicit, Phase.generate, *((Phase.shrink,) if os.environ.get("NEWSFLOW_WORLD_SHRINK") else ()))
ANSWERS, PAUSES_BRIEFLY, PAUSES_LONG, ROBOTS_HANG, ROBOTS_503 = "answers", "pause-1s", "pause-1h", "hangs", "503"
UNREADABLE = (ROBOTS_HANG, ROBOTS_503)
TIMEOUT = 1.0  # fetch.timeout: what a robots.txt that hangs costs
BUDGET = 12.0  # execution.run_budget_seconds
SLACK = 10.0 + 5.0  # extract.timeout past the budget (docs/polling.md), and start-up
DOUBT_SECONDS = 5.0  # a pause ending this near a run's start may or may not hold its host in that run


@dataclass(frozen=True)
class Host:
    kind: str
    pages: int
    busy_at: int = 0  # which of its page requests (0: the first) answers with the pause, for the pausing kinds


@dataclass(frozen=True)
class RobotsWorld:
    hosts: tuple[Host, ...]
    cap: int  # execution.max_articles_per_run
    batch_size: int
    runs: int  # runs before the settling ones


@dataclass
class Servers:
    world: RobotsWorld
    servers: list[LoopbackServer] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # page URL -> host index
    asked: list[int] = field(default_factory=list)  # page requests per host
    recovered: bool = False  # robots.txt reads, no more pauses: the settling runs
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, feed_server: LoopbackServer) -> None:
        items: list[tuple[str, str, datetime | None]] = []
        for n, host in enumerate(self.world.hosts):
            server = LoopbackServer(f"127.0.0.{n + 2}")
            self.servers.append(server)
            self.asked.append(0)
            server.add("/robots.txt", self.robots_route(host.kind))
            for m in range(host.pages):
                story = generated_story(100 * n + m)
                server.add(f"/a/{story.slug}", self.page_route(n, Site(f"site-{n}").article_page(story)))
                self.pages[server.url(f"/a/{story.slug}")] = n
                items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
        feed_server.add("/feed.xml", Page(rss_feed("world", items), "application/rss+xml"))

    def robots_route(self, kind: str):  # type: ignore[no-untyped-def]
        def handle(handler: BaseHTTPRequestHandler) -> None:
            if kind == ROBOTS_HANG and not self.recovered:
                self.release.wait(60)
            elif kind == ROBOTS_503 and not self.recovered:
                send_bytes(handler, 503, b"down", "text/plain")
            else:
                send_bytes(handler, 200, b"User-agent: *\nAllow: /\n", "text/plain")
        return handle

    def page_route(self, n: int, body: bytes):  # type: ignore[no-untyped-def]
        def handle(handler: BaseHTTPRequestHandler) -> None:
            host = self.world.hosts[n]
            with self.lock:
                index, self.asked[n] = self.asked[n], self.asked[n] + 1
            if host.kind in (PAUSES_BRIEFLY, PAUSES_LONG) and index == host.busy_at and not self.recovered:
                seconds = "1" if host.kind == PAUSES_BRIEFLY else "3600"
                send_bytes(handler, 429 if index % 2 else 503, b"later", "text/plain", {"Retry-After": seconds})
            else:
                send_bytes(handler, 200, body, "text/html; charset=utf-8")
        return handle

    def close(self) -> None:
        self.release.set()
        for server in self.servers:
            server.close()


@contextlib.contextmanager
def world_servers(world: RobotsWorld) -> Iterator[tuple[Servers, LoopbackServer]]:
    feed_server = LoopbackServer("127.0.0.1")
    servers = Servers(world)
    try:
        servers.start(feed_server)
        yield servers, feed_server
    finally:
        servers.close()
        feed_server.close()


def world_config(tmp_path: Path, world: RobotsWorld, feed_server: LoopbackServer) -> Config:
    path = write_config(tmp_path, feed_server.base_url, {"world": "/feed.xml"}, extract={"workers": 1},
                        timeout=TIMEOUT, per_host_concurrency=1, max_retry_after=2.0)
    add_settings(path, "execution", run_budget_seconds=BUDGET, max_articles_per_run=world.cap)
    add_settings(path, "extract", batch_size=world.batch_size)
    return load_config(path)


def rows(config: Config, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(config.warehouse_path), sql).rows


def hosts_at_start(config: Config, servers: Servers) -> tuple[set[int], set[int]]:
    """(held, in doubt) at a run's start: held are paused past the run's choice or met with an unreadable
    robots.txt; in doubt are paused to about now, or of an unreadable robots.txt not met yet."""
    if not config.warehouse_path.exists():
        return set(), {n for n, h in enumerate(servers.world.hosts) if h.kind in UNREADABLE}
    now = datetime.now(UTC)
    held, doubt = set(), set()
    for host, until in rows(config, "SELECT host, until_at FROM host_pauses"):
        n = next((i for i, server in enumerate(servers.servers) if server.host == host), None)
        if n is None or not isinstance(until, datetime):
            continue
        if until > now + timedelta(seconds=DOUBT_SECONDS):
            held.add(n)
        elif until > now - timedelta(seconds=1):
            doubt.add(n)
    met = {str(url): (str(outcome), status) for url, outcome, status in rows(
        config, "SELECT url, arg_max(outcome, \"at\"), arg_max(status_code, \"at\") FROM fetch_events "
                "WHERE kind = 'robots' GROUP BY url")}
    for n, host in enumerate(servers.world.hosts):
        if host.kind not in UNREADABLE or servers.recovered:  # recovered: the run's probe reads it, a free host
            continue
        read = met.get(f"{servers.servers[n].base_url}/robots.txt")
        if read is not None and unreachable_answer(read[0], read[1] if isinstance(read[1], int) else None):
            held.add(n)
        else:
            doubt.add(n)
    return held, doubt - held


def pending_pages(config: Config, servers: Servers) -> set[str]:
    if not config.warehouse_path.exists():
        return set(servers.pages)
    done = {str(url) for (url,) in rows(config, "SELECT url FROM entries WHERE article_id IS NOT NULL "
                                                "OR parked_at IS NOT NULL")}
    return set(servers.pages) - done


def chosen_in(config: Config, run_id: str) -> set[str]:
    return {str(url) for (url,) in rows(config, f"SELECT DISTINCT url FROM fetch_events WHERE run_id = '{run_id}' "
                                                "AND kind = 'article'")}


def one_run(config: Config, servers: Servers, run_id: str) -> None:
    held, doubt = hosts_at_start(config, servers)
    pending = pending_pages(config, servers)
    started = time.monotonic()
    summary = asyncio.run(run_ingest(config, run_id, all_feeds=True))
    took = time.monotonic() - started
    assert summary.status == "completed" and took < BUDGET + SLACK, (servers.world, run_id, summary.status, took)
    chosen = chosen_in(config, run_id)
    free = {url for url in pending if servers.pages[url] not in held | doubt}
    doubtful = {url for url in chosen if servers.pages[url] in doubt}
    owed = min(config.execution.max_articles_per_run - len(doubtful), len(free))
    assert len(chosen & free) >= owed, (
        f"{servers.world}: {run_id} chose {len(chosen & free)} of the free hosts' {len(free)} pending pages, "
        f"owed {owed} (held {held}, in doubt {doubt}): {sorted(chosen)}")


def settle_and_check(config: Config, servers: Servers) -> None:
    """robots.txt reads again, the pauses moved into the past: every page stored within the runs the cap needs."""
    servers.recovered = True
    with Warehouse(config.warehouse_path).writing() as con:
        con.execute("UPDATE host_pauses SET until_at = now() - INTERVAL 1 SECOND")
    left = len(pending_pages(config, servers))
    for n in range(math.ceil(left / servers.world.cap) + 1):  # one run of slack; none once nothing is pending
        if n and not pending_pages(config, servers):
            break
        one_run(config, servers, f"settle{n}")
    total = len(servers.pages)
    assert rows(config, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(total, total)], (
        servers.world, rows(config, "SELECT url, fetch_attempts, last_outcome, parked_at FROM entries"))
    assert rows(config, "SELECT count(*) FROM entries WHERE article_id IS NULL OR parked_at IS NOT NULL") == [(0,)]
    assert rows(config, "SELECT count(*) - count(DISTINCT (feed_id, guid)) FROM entries") == [(0,)]
    assert rows(config, "SELECT count(*) FROM entries") == [(total,)], "every item listed is an entry"


def live(world: RobotsWorld, tmp_path: Path) -> None:
    with world_servers(world) as (servers, feed_server):
        config = world_config(tmp_path, world, feed_server)
        for n in range(world.runs):
            one_run(config, servers, f"run{n}")
        settle_and_check(config, servers)


@st.composite
def robots_worlds(draw: st.DrawFn) -> RobotsWorld:
    kinds = (ANSWERS, PAUSES_BRIEFLY, PAUSES_LONG, ROBOTS_HANG, ROBOTS_503)
    hosts = draw(st.lists(st.builds(Host, st.sampled_from(kinds), st.integers(1, 5), st.integers(0, 2)),
                          min_size=2, max_size=4))
    return RobotsWorld(tuple(hosts), draw(st.integers(1, 5)), draw(st.sampled_from((1, 2, 4))), draw(st.integers(2, 4)))


# The kept world: a hanging robots.txt and a 503 one, as many as the cap, sorted before a host that answers its
# first page with an hour's pause (heard in run1's one batch, beside the answering host's page) and a host that
# answers; run2 then holds all three (two unreadable, one paused) and the answering host gets both places. (The
# author's first kept world paused on a host's second page, which came only in the settling runs, when no host
# pauses: no pause was ever heard in CI. Review of robots 43.)
KEPT = RobotsWorld((Host(ROBOTS_HANG, 1), Host(ROBOTS_503, 1), Host(PAUSES_LONG, 2, 0), Host(ANSWERS, 3)),
                   cap=2, batch_size=2, runs=3)
KEPT_WORLDS = [KEPT]


@pytest.mark.skipif(not HUNT, reason="a hunt: NEWSFLOW_WORLD_EXAMPLES=<n> runs n generated worlds")
@settings(max_examples=max(HUNT, 1), deadline=None, database=None, phases=PHASES,
          suppress_health_check=list(HealthCheck))
@given(world=robots_worlds())
@example(world=KEPT)
def test_generated_worlds(tmp_path_factory: pytest.TempPathFactory, world: RobotsWorld) -> None:
    live(world, tmp_path_factory.mktemp("world"))


@pytest.mark.parametrize("world", KEPT_WORLDS, ids=[f"kept{n}" for n in range(len(KEPT_WORLDS))])
def test_the_kept_worlds(tmp_path: Path, world: RobotsWorld) -> None:
    live(world, tmp_path)
