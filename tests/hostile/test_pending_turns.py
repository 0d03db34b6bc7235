"""Pending articles take turns by host, then by feed within a host (`warehouse.pending_entries`):
a property over generated worlds of hosts that answer, answer slowly, or never answer, and feeds
that list a few or many pages on them.

Red team 11 tested the order on one example (one feed listing 30 pages on a hanging host, one
healthy feed). Here hypothesis draws the hosts' behaviours, how many pages each feed lists on
each host, the cap of articles a run (`execution.max_articles_per_run`) and the batch size, and
drives real runs (`runner.run_ingest`, real loopback servers, a DuckDB file) until every page of
the hosts that answer is owed, checking after every run:

- every run ends within its budget (plus start-up and one extraction timeout of slack);
- nothing starved: every feed with pages still pending on an answering host when a run started gets
  one stored there in that run, when the cap leaves every host a turn for each of its feeds (hosts
  with pages pending x the most feeds pending on one host <= cap);
- nothing lost: after `ceil((answering pages + 3 x hanging pages) / cap)` runs (each run takes its
  cap; a page that hangs takes a place in 3 runs before it is parked) every page of an answering
  host is stored, and none is parked (out of a hunt the runs end once it is, after two at least:
  WHY_RUNS_END_EARLY);
- nothing duplicated: one entry per item, one article per page.

CI runs the 2 REGRESSIONS and draws 2 worlds without shrinking (~15-25 s each at a load of 8-10);
hunt with `NEWSFLOW_WORLD_EXAMPLES=50 NEWSFLOW_WORLD_SHRINK=1` and keep a shrunk failure in
REGRESSIONS below.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import add_settings, query

# The runs stand for a service's runs after its first: the process's forkserver (the extraction
# stack's imports) is started before the first run's clock (tests/conftest.py).
pytestmark = [pytest.mark.timeout(900), pytest.mark.usefixtures("extraction_stack_loaded")]

EXAMPLES = int(os.environ.get("NEWSFLOW_WORLD_EXAMPLES", "2"))
HUNTING = "NEWSFLOW_WORLD_EXAMPLES" in os.environ  # a hunt runs every world to its bound
PHASES = (Phase.explicit, Phase.generate, *((Phase.shrink,) if os.environ.get("NEWSFLOW_WORLD_SHRINK") else ()))
ANSWERS, SLOW, HANGS = "answers", "slow", "hangs"
TIMEOUT = 1.0  # fetch.timeout: what a page on a host that hangs costs its batch
SLOW_SECONDS = 0.3
BUDGET = 12.0  # execution.run_budget_seconds
MAX_ATTEMPTS = 3  # execution.max_article_attempts: a page that hangs takes a place in that many runs
SLACK = 10.0 + 5.0  # extract.timeout past the budget (docs/polling.md), and start-up
WHY_RUNS_END_EARLY = """Out of a hunt, a world's runs end at the bound or, earlier, at the end of the first run after
the first (every feed polled again, its entries checked for duplicates) that leaves every page of the hosts that
answer stored. A later run could fetch only pages of hosts that hang, and of such a run no check here reads anything
but its budget (runs with those pages pending beside the others' are checked already). A world that needs the bound
still runs to it, and fails there if a page is owed (hunt 38's kept world). CI's four worlds: 23 runs before, at most 15
after (docs/performance.md, "CI time, session 47")."""


@dataclass(frozen=True)
class TurnsWorld:
    hosts: tuple[str, ...]  # each host's behaviour
    listings: tuple[tuple[int, ...], ...]  # feed -> pages it lists on each host
    cap: int  # execution.max_articles_per_run
    batch_size: int


@st.composite
def turns_worlds(draw: st.DrawFn) -> TurnsWorld:
    hosts = draw(st.lists(st.sampled_from((ANSWERS, SLOW, HANGS)), min_size=2, max_size=4)
                 .filter(lambda kinds: HANGS not in kinds or len(set(kinds)) > 1))
    feeds = draw(st.integers(1, 3))
    listings = tuple(tuple(draw(st.sampled_from((0, 0, 1, 2, 12))) for _ in hosts) for _ in range(feeds))
    return TurnsWorld(tuple(hosts), listings, draw(st.integers(len(hosts), 8)), draw(st.sampled_from((2, 4, 10))))


REGRESSIONS: list[TurnsWorld] = [
    # Red team 11's case, as a world: one feed with 12 pages on a host that hangs, another with 2 elsewhere.
    TurnsWorld((HANGS, ANSWERS), ((12, 0), (0, 2)), cap=4, batch_size=2),
    # Within a host, feeds take turns: one feed's 12 pages must not hold back another's 2 there.
    TurnsWorld((ANSWERS, SLOW), ((12, 0), (2, 1)), cap=4, batch_size=2),
]


# Hunt 38's shrunk failure (base38's code fails it the same way: not this session's merges). The host that hangs
# hangs its robots.txt too, so red team 16's rule defers its one page every run ("nothing of the site is fetched
# this run ... not counted as attempts"): never attempted, never parked, it took one of the cap's 3 places in every
# run, so 5 runs stored 2 + 2 + 2 + 2 + 2 = 10 of the 12 pages (the bound counts it in MAX_ATTEMPTS runs only).
# Fixed by robots 43 (`newsflow.robotholds`): from the second run its host comes last, so 2 + 3 + 3 + 3 + 3.
# Cheaper CI tests of the class: tests/hostile/test_robots43.py.
ROBOTS_DEFERRED_FOR_EVER = TurnsWorld((HANGS, ANSWERS, ANSWERS), ((1, 0, 12),), cap=3, batch_size=2)


@pytest.mark.skipif(not os.environ.get("NEWSFLOW_WORLD_EXAMPLES"),
                    reason="a hunt's kept world (5 runs, 13-45 s): NEWSFLOW_WORLD_EXAMPLES=<n> runs it")
def test_a_host_whose_robots_txt_never_reads_takes_no_place_of_every_run() -> None:
    test_pending_articles_of_answering_hosts_are_never_starved_lost_or_duplicated.hypothesis.inner_test(  # type: ignore[attr-defined]
        ROBOTS_DEFERRED_FOR_EVER)


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(turns_worlds())
@example(REGRESSIONS[0])
@example(REGRESSIONS[1])
def test_pending_articles_of_answering_hosts_are_never_starved_lost_or_duplicated(world: TurnsWorld) -> None:
    release = threading.Event()
    servers = [LoopbackServer(f"127.0.0.{n + 2}") for n in range(len(world.hosts))]
    feed_server = LoopbackServer("127.0.0.1")
    try:
        with TemporaryDirectory(prefix="newsflow-turns-") as workdir:
            owed = serve_world(world, servers, feed_server, release)
            check_runs(world, Path(workdir), feed_server, servers, owed)
    finally:
        release.set()
        for server in [*servers, feed_server]:
            server.close()


def serve_world(world: TurnsWorld, servers: list[LoopbackServer], feed_server: LoopbackServer,
                release: threading.Event) -> dict[str, int]:
    """Serve every feed and page; returns the pages owed (those of answering hosts) per host URL prefix."""
    owed = {server.base_url: 0 for server, kind in zip(servers, world.hosts, strict=True) if kind != HANGS}
    for feed, counts in enumerate(world.listings):
        items: list[tuple[str, str, datetime | None]] = []
        for server, kind, count in zip(servers, world.hosts, counts, strict=True):
            for n in range(count):
                story = generated_story(1000 * feed + 100 * servers.index(server) + n)
                path = f"/f{feed}/{story.slug}"
                server.add(path, page_route(kind, Site(f"site-{servers.index(server)}").article_page(story), release))
                items.append((story.title, server.url(path), story.published))
                owed[server.base_url] = owed.get(server.base_url, 0) + (kind != HANGS)
        feed_server.add(f"/f{feed}.xml", Page(rss_feed(f"f{feed}", items), "application/rss+xml"))
    for server, kind in zip(servers, world.hosts, strict=True):
        server.add("/robots.txt", page_route(kind, b"User-agent: *\nAllow: /\n", release, "text/plain"))
    return {host: count for host, count in owed.items() if count}


def page_route(kind: str, body: bytes, release: threading.Event, content_type: str = "text/html") -> Page | Handler:
    if kind == ANSWERS:
        return Page(body, content_type)

    def answer_late(handler: BaseHTTPRequestHandler) -> None:
        if kind == HANGS:
            release.wait(60)  # accepts, reads the request, answers nothing until the world ends
            return
        time.sleep(SLOW_SECONDS)
        send_bytes(handler, 200, body, content_type)

    return answer_late


def check_runs(world: TurnsWorld, workdir: Path, feed_server: LoopbackServer, servers: list[LoopbackServer],
               owed: dict[str, int]) -> None:
    feeds = {f"f{n}": f"/f{n}.xml" for n in range(len(world.listings))}
    config_path = write_config(workdir, feed_server.base_url, feeds, extract={"workers": 1},
                               timeout=TIMEOUT, per_host_concurrency=1)
    add_settings(config_path, "execution", run_budget_seconds=BUDGET, max_articles_per_run=world.cap)
    add_settings(config_path, "extract", batch_size=world.batch_size)
    config = load_config(config_path)
    total = sum(owed.values())
    hanging = sum(count for counts in world.listings for kind, count in zip(world.hosts, counts, strict=True)
                  if kind == HANGS)
    runs = max(1, math.ceil((total + MAX_ATTEMPTS * hanging) / world.cap))
    for run in range(runs):
        before = stored_by_feed_and_host(config_path)
        started = time.monotonic()
        summary = asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
        took = time.monotonic() - started
        assert summary.status == "completed" and took < BUDGET + SLACK, (world, run, summary.status, took)
        check_none_starved(world, servers, before, stored_by_feed_and_host(config_path), run)
        if not HUNTING and run >= 1 and stored_by_host(config_path) == owed:
            break  # the rest would only fetch pages of hosts that hang: WHY_RUNS_END_EARLY
    stored = stored_by_host(config_path)
    assert stored == owed, f"{world}: after {runs} runs, stored {stored} of {owed} (total {total})"
    parked = query(config_path, "SELECT DISTINCT 'http://' || split_part(canonical_url, '/', 3) FROM entries "
                                "WHERE parked_at IS NOT NULL")
    assert not {str(host) for (host,) in parked} & set(owed), f"{world}: an answering host's page was parked"
    assert query(config_path, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]
    assert query(config_path, "SELECT count(*) - count(DISTINCT (feed_id, guid)) FROM entries") == [(0,)]
    items = sum(sum(counts) for counts in world.listings)
    assert query(config_path, "SELECT count(*) FROM entries") == [(items,)], "every item listed is an entry"


def check_none_starved(world: TurnsWorld, servers: list[LoopbackServer], before: dict[tuple[str, str], int],
                       after: dict[tuple[str, str], int], run: int) -> None:
    """Each (feed, host) with pages pending got one stored, when the cap gives every one of them a turn."""
    pending = {(f"f{feed}", server.base_url): count - before.get((f"f{feed}", server.base_url), 0)
               for feed, counts in enumerate(world.listings)
               for server, count in zip(servers, counts, strict=True) if count}
    pending = {pair: count for pair, count in pending.items() if count > 0}
    hosts = {host for _, host in pending}
    most_feeds = max((sum(1 for _, h in pending if h == host) for host in hosts), default=0)
    if len(hosts) * most_feeds > world.cap:
        return
    answering = {server.base_url for server, kind in zip(servers, world.hosts, strict=True) if kind != HANGS}
    starved = [pair for pair in pending if pair[1] in answering and after.get(pair, 0) == before.get(pair, 0)]
    assert not starved, f"{world}: run {run} stored nothing of (feed, host) {starved}; stored before: {before}"


def stored_by_feed_and_host(config_path: Path) -> dict[tuple[str, str], int]:
    if not load_config(config_path).warehouse_path.exists():
        return {}
    rows = query(config_path, "SELECT feed_id, 'http://' || split_part(canonical_url, '/', 3), count(*) FROM entries "
                              "WHERE article_id IS NOT NULL GROUP BY ALL")
    return {(str(feed), str(host)): int(str(count)) for feed, host, count in rows}


def stored_by_host(config_path: Path) -> dict[str, int]:
    if not load_config(config_path).warehouse_path.exists():
        return {}
    rows = query(config_path, "SELECT 'http://' || split_part(canonical_url, '/', 3), count(*) FROM articles "
                              "GROUP BY 1")
    return {str(host): int(str(count)) for host, count in rows}
