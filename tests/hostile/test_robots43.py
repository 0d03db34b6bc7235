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
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from newsflow import robotholds
from newsflow.config import Config, load_config
from newsflow.fetch import Fetcher
from newsflow.fetchrecord import Trail
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.pacing import HostGate
from newsflow.robots import RobotsRules, Unreadable, unreachable_answer
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse
from newsflow.warehouse.entries import held_netlocs
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.hostile.servers import settings as fetch_settings
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
    routes["127.0.0.2"].kind = "reads"  # its robots.txt recovers: its page takes its turn in the very next run,
    with holding(config.warehouse_path, "read-only"):  # one beside a reader: it reads, and spools what it writes
        run(config, "r2")
    run(config, "r3")  # replays r2's spool at its start (its robots.txt fetches too), then runs
    assert stored_in(config, "r2") == {"127.0.0.2": 1, "127.0.0.5": CAP - 1}
    assert stored_in(config, "r3") == {"127.0.0.5": CAP}
    assert sent_in(config, "r2") == {"127.0.0.2", "127.0.0.5"} and sent_in(config, "r3") == {"127.0.0.5"}, (
        "the unreadable hosts stayed last")
    waiting = query_config(config, "SELECT DISTINCT split_part(canonical_url, '/', 3), fetch_attempts, "
                                   "parked_at IS NULL FROM entries WHERE article_id IS NULL ORDER BY 1")
    assert [(str(n).split(":")[0], a, p) for n, a, p in waiting] == [
        ("127.0.0.3", 0, True), ("127.0.0.4", 0, True), ("127.0.0.5", 0, True)], "none lost, none parked"
    assert query_config(config, "SELECT count(*) FROM entries") == [(3 + ANSWERING_PAGES,)], "every item an entry"
    assert query_config(config, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]


def test_the_held_hosts_are_matched_in_python_by_any_spelling() -> None:
    """`pending_entries` no longer spells `urls.host_key` in SQL: the stored `host[:port]`s are keyed in Python."""
    netlocs = ["Paused.example:8443", "paused.example.", "[::1]:8080", "[2001:DB8::1]", "free.example", "127.0.0.1"]
    assert held_netlocs(netlocs, ["paused.example", "::1", "2001:db8::1", "127.1"]) == [
        "Paused.example:8443", "paused.example.", "[::1]:8080", "[2001:DB8::1]", "127.0.0.1"]


def test_the_run_remembers_the_latest_unreadable_robots_txt_of_hosts_with_pages_pending(tmp_path: Path) -> None:
    """What `robotholds.read_at_start` takes from the fetch log: each robots.txt's latest row of the last 7 days,
    unreadable by RFC 9309 (a 5xx, a timeout; not a 404), on a host with pages pending."""
    store = Warehouse(tmp_path / "news.duckdb")
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    reads = [  # (host, hours ago, outcome, status)
        ("down.example", 1, "http_error", 503),
        ("back.example", 2, "timeout", None), ("back.example", 1, "ok", 200),  # read since: forgotten
        ("gone.example", 1, "timeout", None),  # no page pending there
        ("old.example", 24 * 8, "timeout", None),  # past REMEMBERED_FOR
        ("missing.example", 1, "http_error", 404),  # a 4xx allows all
        ("Hung.Example:8443", 1, "timeout", None),  # another spelling of a pending page's host
    ]
    with store.writing() as con:
        for n, (host, hours, outcome, status) in enumerate(reads):
            con.execute("INSERT INTO fetch_events (run_id, \"at\", kind, url, status_code, outcome) "
                        "VALUES ('r', $at, 'robots', $url, $status, $outcome)",
                        {"at": now - timedelta(hours=hours, minutes=n), "url": f"https://{host}/robots.txt",
                         "status": status, "outcome": outcome})
        for n, host in enumerate(("down.example", "back.example", "old.example", "missing.example", "hung.example")):
            url = f"https://{host}/{n}"
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id) "
                        "VALUES ('f', $guid, $url, $url, 't', $at, 'r')", {"guid": f"g{n}", "url": url, "at": now})
    assert robotholds.read_at_start(store, ["f"], now) == ["https://down.example", "https://hung.example:8443"]
    assert robotholds.read_at_start(store, ["another feed"], now) == [], "only hosts with the run's feeds' pages"


def test_a_warehouse_that_cannot_be_read_gives_such_hosts_a_turn_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    monkeypatch.setattr(robotholds, "READ_PATIENCE_SECONDS", 0.2)
    with holding(store.path, "read-write"):
        assert robotholds.read_at_start(store, ["f"]) == []
    said = [r.message for r in caplog.records if "robots.txt could not be read" in r.message]
    assert len(said) == 1 and "this run gives their pages a turn" in said[0]


def test_the_probes_skip_paused_hosts_and_hold_those_whose_robots_txt_does_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each remembered origin's robots.txt asked once as the run starts (not a paused host's); the hosts still
    unreadable after the patience (a 503, no answer yet) come last; one that reads does not."""
    asked: list[str] = []
    never = asyncio.Event()

    async def fetch_robots(origin: str) -> FetchResult:
        asked.append(origin)
        if "hangs" in origin:
            await never.wait()
        status = 503 if "down" in origin else 200
        return FetchResult(f"{origin}/robots.txt", f"{origin}/robots.txt", FetchKind.ROBOTS,
                           Outcome.HTTP_ERROR if status == 503 else Outcome.OK, datetime.now(UTC), status,
                           body=ROBOTS)

    origins = ["https://down.example", "https://hangs.example", "https://back.example", "https://paused.example"]

    monkeypatch.setattr(robotholds, "read_at_start", lambda store, feed_ids: origins)

    async def probe() -> tuple[list[str], list[str]]:
        rules, gate = RobotsRules("newsflow-test", fetch_robots), HostGate(4, 2, 0.0)
        gate.pause("paused.example", 60.0)
        fetcher = cast(Fetcher, SimpleNamespace(gate=gate, robots=rules))
        probes = await robotholds.probe_remembered(Warehouse(tmp_path / "news.duckdb"), ["f"], fetcher, True)
        assert probes is not None and await robotholds.probe_remembered(
            Warehouse(tmp_path / "news.duckdb"), ["f"], fetcher, False) is None, "robots.txt not respected: none"
        try:
            return await probes.still_unreadable(patience=0.2), await robotholds.last_hosts(gate, None)
        finally:
            await rules.aclose()

    held, paused = asyncio.run(probe())
    assert sorted(asked) == ["https://back.example", "https://down.example", "https://hangs.example"]
    assert held == ["down.example", "hangs.example"] and paused == ["paused.example"]


def test_a_robots_txt_not_asked_because_its_host_is_paused_is_not_read_as_allow_all() -> None:
    """Review of robots 43: a probe sent while the feeds are polled meets a pause a feed's 429/503 has just set
    on its host, past `max_retry_after`: the gate sends nothing (`rate_limited`, no status). That robots.txt was
    never read, so its host's pages are deferred this run (RFC 9309: assume disallow) and it is remembered as
    unreadable; before, the run took it for allow-all and fetched the site's pages, once the pause ended, with no
    rules at all."""
    served = LoopbackServer("127.0.0.2")
    served.add("/robots.txt", Page(b"User-agent: *\nDisallow: /\n", "text/plain"))
    origin = served.base_url

    async def probe() -> tuple[object, bool]:
        async with Fetcher(fetch_settings(max_retry_after=1.0)) as fetcher:
            fetcher.gate.pause("127.0.0.2", 60.0)
            verdict = await fetcher.robots.allows(f"{origin}/a/1")
            return verdict, fetcher.robots.read(origin)

    try:
        verdict, read = asyncio.run(probe())
    finally:
        served.close()
    assert isinstance(verdict, Unreadable) and not read
    # ci110's worlds: the page names the pause, not an unreadable robots.txt the site may serve well
    refused = verdict.refusal(f"{origin}/a/1", Trail(f"{origin}/a/1", FetchKind.ARTICLE, 1.0))
    assert verdict.held and refused.outcome is Outcome.RATE_LIMITED and refused.retry_after
    error = str(refused.error)
    assert "its host paused before its robots.txt" in error and "could not be read" not in error
    # the server's own 429 or 503 too, whatever its Retry-After, since the review of red team 52 (RFC 9309)
    assert unreachable_answer(Outcome.RATE_LIMITED, None) and unreachable_answer(Outcome.RATE_LIMITED, 429)


def test_robots_txt_fetches_spooled_beside_a_reader_are_remembered_while_it_still_holds(tmp_path: Path) -> None:
    """Review of robots 43: a reader that stays (a notebook open for hours) keeps every run's robots.txt fetches
    in the spool. The next run must remember them as `hostholds` remembers spooled pauses; before, it read the
    warehouse only, so a host first met unreadable beside the reader took a place of every run while it stayed.
    A later spooled read (the robots.txt recovered) wins over an older unreadable row."""
    store = Warehouse(tmp_path / "news.duckdb")
    now = datetime.now(UTC)
    with store.writing() as con:
        for n, host in enumerate(("down.example", "back.example")):
            url = f"https://{host}/{n}"
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id) "
                        "VALUES ('f', $guid, $url, $url, 't', $at, 'r')", {"guid": f"g{n}", "url": url, "at": now})
        con.execute("INSERT INTO fetch_events (run_id, \"at\", kind, url, status_code, outcome) VALUES "
                    "('r0', $at, 'robots', 'https://back.example/robots.txt', NULL, 'timeout')",
                    {"at": now - timedelta(hours=1)})

    def fetched(host: str, outcome: Outcome, status: int | None) -> FetchResult:
        url = f"https://{host}/robots.txt"
        return FetchResult(url, url, FetchKind.ROBOTS, outcome, now, status)

    store.write_patience = 0.0  # spool at once, as a run beside a reader does after its patience
    with holding(store.path, "read-only"):
        robotholds.record_robots_fetches(store, "r1", [fetched("down.example", Outcome.HTTP_ERROR, 503),
                                                       fetched("back.example", Outcome.OK, 200)])
        assert robotholds.read_at_start(store, ["f"]) == ["https://down.example"]
