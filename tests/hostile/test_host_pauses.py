"""A host's Retry-After pause kept across runs (`host_pauses`, migration 0100; docs/security.md).

Before, a pause beyond the run (`Retry-After: 3600` on an article or a feed) held only for the run that
received it: the next run, fifteen minutes later, polled the host's feeds and fetched its articles again.
Now the pause is stored, read at the next run's start and honoured by the host gate for every request to
the host until it passes, capped at `polling.max_interval`; the host's feeds are not polled (nor counted
failing) and its articles wait, uncounted, for a later run. Two loopback hosts (127.0.0.1 and 127.0.0.2),
real runs in process, a real DuckDB file.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import cli, hostholds, warehouse
from newsflow.config import load_config
from newsflow.fetchrules import host_of
from newsflow.models import FeedConfig, FetchKind, FetchResult, HostPause, Outcome, PendingArticle
from newsflow.pacing import HostGate
from newsflow.pipeline import RunCounts
from newsflow.readersafe import batch_counted
from newsflow.report import deferred_section
from newsflow.runner import RunSummary, end_run, run_ingest
from newsflow.spool import replay, spool_dir_for
from newsflow.warehouse import Warehouse, read_host_pauses, run_read_query, write_host_pauses
from tests.conftest import write_config
from tests.hostile.test_readers import holding
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query


class BusyArticles:
    """Article pages that answer 503 with `retry_after` while `busy`, and record when each request came."""

    def __init__(self, pages: dict[str, bytes], retry_after: str) -> None:
        self.pages, self.retry_after, self.busy = pages, retry_after, True
        self.hits: list[float] = []

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        self.hits.append(time.time())
        if self.busy:
            send_bytes(handler, 503, b"busy", "text/plain", {"Retry-After": self.retry_after})
        else:
            send_bytes(handler, 200, self.pages[handler.path], "text/html; charset=utf-8")


class Hosts:
    """Host A (127.0.0.1) with its feed and two articles behind `BusyArticles`; host B (127.0.0.2), all well."""

    def __init__(self, tmp_path: Path, retry_after: str, b_retry_after: str | None = None, **fetch: object) -> None:
        self.a, self.b = LocalServer("127.0.0.1"), LocalServer("127.0.0.2")
        site, pages, items = Site("Courier"), {}, []
        for story in (generated_story(n) for n in range(2)):
            pages[f"/a/{story.slug}"] = site.article_page(story)
            items.append((story.title, f"http://127.0.0.1:{self.a.port}/a/{story.slug}", story.published))
        self.articles = BusyArticles(pages, retry_after)
        for path in pages:
            self.a.add(path, self.articles)
        self.a.add("/a.xml", Page(rss_feed("a", items), "application/rss+xml", validators=False))
        story = generated_story(7)
        self.b_article = BusyArticles({f"/b/{story.slug}": site.article_page(story)}, b_retry_after or "0")
        self.b_article.busy = b_retry_after is not None
        self.b.add(f"/b/{story.slug}", self.b_article)
        b_items = [(story.title, f"http://127.0.0.2:{self.b.port}/b/{story.slug}", story.published)]
        self.b.add("/b.xml", Page(rss_feed("b", b_items), "application/rss+xml", validators=False))
        feeds = {"a": f"http://127.0.0.1:{self.a.port}/a.xml", "b": f"http://127.0.0.2:{self.b.port}/b.xml"}
        self.config_path = write_config(tmp_path, "", feeds, {"workers": 1}, **fetch)
        self.config = load_config(self.config_path)

    def run(self, run_id: str) -> RunSummary:
        return asyncio.run(run_ingest(self.config, run_id))

    def requests_to_a(self) -> int:
        return len(self.a.requests)

    def close(self) -> None:
        self.a.close()
        self.b.close()

    def q(self, sql: str) -> list[tuple[object, ...]]:
        return query(self.config_path, sql)


@pytest.fixture
def hosts_factory(tmp_path: Path) -> Iterator[type[Hosts]]:
    made: list[Hosts] = []

    class Made(Hosts):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(tmp_path, *args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    yield Made
    for hosts in made:
        hosts.close()


def test_a_pause_beyond_the_run_holds_the_next_run_for_its_host_only_then_passes(hosts_factory: type[Hosts]) -> None:
    hosts = hosts_factory("99999999999", b_retry_after=formatdate(time.time() - 3600, usegmt=True))
    hosts.run("first")
    assert hosts.articles.hits, "the first run asked host A for its articles"
    (until, asked, status, url), = hosts.q("SELECT until_at, asked_at, status, url FROM host_pauses "
                                           "WHERE host = '127.0.0.1'")
    assert status == 503 and isinstance(url, str) and url.startswith("http://127.0.0.1:")
    assert isinstance(until, datetime) and isinstance(asked, datetime)
    assert (until - asked).total_seconds() == pytest.approx(86400, abs=1), "capped at polling.max_interval"
    assert hosts.q("SELECT count(*) FROM host_pauses WHERE host = '127.0.0.2'") == [(0,)], (
        "a Retry-After date in the past is no pause")

    seen_by_a, b_polls = hosts.requests_to_a(), len(hosts.b.hits("/b.xml"))
    hosts.b_article.busy = False
    # One article a run, host A's the oldest: the paused host's pages come last (`HostGate.paused_hosts`), or
    # they took the run's one turn, were sent nothing, and host B's article waited as well.
    with Warehouse(hosts.config.warehouse_path).writing() as con:
        con.execute("UPDATE entries SET first_seen_at = first_seen_at - INTERVAL 1 HOUR WHERE feed_id = 'a'")
    unlimited, hosts.config = hosts.config, replace(hosts.config, execution=replace(
        hosts.config.execution, max_articles_per_run=1))
    second = hosts.run("second")
    hosts.config = unlimited
    assert hosts.requests_to_a() == seen_by_a, "the second run sent host A nothing: neither its feed nor articles"
    assert len(hosts.b.hits("/b.xml")) == b_polls + 1, "another host's feed is polled"
    assert hosts.q("SELECT count(*) FROM entries WHERE feed_id = 'a' AND article_id IS NULL "
                   "AND parked_at IS NULL AND fetch_attempts = 0") == [(2,)], "host A's articles wait, uncounted"
    assert hosts.q("SELECT consecutive_failures FROM feeds WHERE feed_id = 'a'") == [(0,)]
    assert hosts.q("SELECT articles_stored, articles_failed, feeds_failed FROM runs WHERE run_id = 'second'") == [
        (1, 0, 0)], "host B's article is fetched; host A's are not failures"
    said = "\n".join(deferred_section(second, [], None))
    assert f"127.0.0.1 until {until.isoformat(timespec='seconds')} (HTTP 503)" in said, said

    hosts.articles.busy = False  # the test's clock moves past the stored end, rather than sleeping to it
    with Warehouse(hosts.config.warehouse_path).writing() as con:
        con.execute("UPDATE host_pauses SET until_at = now() - INTERVAL 1 SECOND WHERE host = '127.0.0.1'")
    hosts.run("third")
    assert hosts.q("SELECT count(*) FROM entries WHERE feed_id = 'a' AND article_id IS NOT NULL") == [(2,)], (
        "the first run after the pause fetches the articles it held")
    assert hosts.q("SELECT count(*) FROM entries WHERE parked_at IS NOT NULL") == [(0,)]
    assert hosts.q("SELECT count(*) FROM host_pauses WHERE until_at > now()") == [(0,)], "none asked since"


def test_a_batch_for_a_gate_of_its_own_leaves_out_the_paused_hosts_articles() -> None:
    """A Dask worker's Fetcher knows no pause: the flow sends it only the articles of hosts not paused."""
    gate = HostGate(4, 2, 0.0)
    gate.hold([HostPause("paused.example", datetime.now(UTC) + timedelta(hours=1), datetime.now(UTC))],
              datetime.now(UTC))
    gate.pause("gone.example", 0.0)  # a pause that has passed holds nothing
    batch = [PendingArticle(url, url, "f", None, None) for url in (
        "https://paused.example/a", "https://open.example/b", "https://PAUSED.example:8443/c", "https://gone.example/d")]
    assert [a.url for a in hostholds.not_paused(batch, gate)] == ["https://open.example/b", "https://gone.example/d"]


def test_a_pause_asked_of_a_dask_worker_is_kept_and_holds_the_runs_later_batches() -> None:
    """A worker's Fetcher has a gate of its own: a 503 with Retry-After there paused only that batch, was never
    stored for the next runs, and the run's later batches sent the host's articles to the workers again."""
    gate, now = HostGate(4, 2, 0.0), datetime.now(UTC)
    answered = [FetchResult(url, url, FetchKind.ARTICLE, Outcome.RATE_LIMITED, at, status, retry_after=wait)
                for url, at, status, wait in (
                    ("https://busy.example/a", now - timedelta(seconds=60), 503, 3600.0),
                    ("https://sent-nothing.example/b", now, None, 3600.0),  # the worker's own gate: no answer
                    ("https://short.example/c", now - timedelta(seconds=30), 429, 10.0))]  # passed since
    hostholds.note_asked_elsewhere(answered, gate, now)
    assert list(gate.asked) == ["busy.example", "short.example"]
    assert gate.asked["busy.example"].until_at == pytest.approx(now + timedelta(seconds=3540), abs=timedelta(seconds=2))
    assert [p.host for p in hostholds.in_force(gate.asked.values(), 86400.0)] == ["busy.example"]
    batch = [PendingArticle(u, u, "f", None, None) for u in ("https://busy.example/x", "https://open.example/y")]
    assert [a.url for a in hostholds.not_paused(batch, gate)] == ["https://open.example/y"]


def test_a_spooled_batch_counts_the_articles_never_sent_deferred_as_its_load_does() -> None:
    """Beside a reader the batch is spooled and the run counts it by `batch_counted`: it counted the articles its
    paused host was sent nothing for as neither failed nor deferred, where the load counts them deferred."""
    at = datetime.now(UTC)
    results = [FetchResult("https://p.example/a", "https://p.example/a", FetchKind.ARTICLE, Outcome.RATE_LIMITED, at),
               FetchResult("https://p.example/b", "https://p.example/b", FetchKind.ARTICLE, Outcome.RATE_LIMITED, at,
                           503, retry_after=5.0)]  # answered: an attempt, not deferred
    assert batch_counted(results) == RunCounts(articles_deferred=1)


def test_a_pause_holds_the_host_by_any_of_its_names_spellings() -> None:
    """The gate keyed a pause by the URL's host as written: a 503 on `xn--bcher-kva.example` (a redirect's Location)
    left `bücher.example` (the feed's link) and `xn--bcher-kva.example.` (a trailing dot) free, in the run and in
    the runs after it (the feeds not held)."""
    gate, now = HostGate(4, 2, 0.0), datetime.now(UTC)
    gate.pause(host_of("http://xn--bcher-kva.example/a"), 3600.0, 503, "http://xn--bcher-kva.example/a")
    gate.pause(host_of("http://127.0.0.1./b"), 3600.0, 429)
    for url in ("http://BÜCHER.example/x", "http://xn--bcher-kva.example./y", "http://127.0.0.1:8080/z"):
        assert gate.pause_remaining(host_of(url)) > 0, url
    kept = hostholds.in_force(gate.asked.values(), 86400.0, now)
    feeds = [FeedConfig("u", "http://bücher.example/feed"), FeedConfig("d", "http://127.0.0.1./feed"),
             FeedConfig("open", "http://open.example/feed")]
    assert [f.name for f in hostholds.not_held(feeds, {}, kept)] == ["open"]


def test_pauses_written_beside_a_reader_are_spooled_then_replayed_whole(tmp_path: Path) -> None:
    """A reader holding the warehouse at the run's end: the pauses are spooled, and the replay stores them as
    asked (the spool's codec reads a `HostPause` back, its times with their zone)."""
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    with store.writing():
        pass
    asked = datetime.now(UTC)
    pause = HostPause("busy.example", asked + timedelta(hours=1), asked, 429, "https://busy.example/a")
    with store.run_lock():
        with holding(store.path, "read-only"):
            hostholds.store_at_end(store, "held", [pause])
            assert [path.suffix for path in spool_dir_for(store.path).iterdir()] == [".spool"]
        assert replay(store)
    assert hostholds.read_at_start(store, 86400.0) == [pause]


def test_the_report_names_a_bounded_number_of_paused_hosts() -> None:
    """A CDN answering 503 for ten thousand sites: the report named every one on one line (about 700 KB)."""
    now = datetime.now(UTC)
    pauses = [HostPause(f"site{n}.example", now + timedelta(hours=1), now, 503) for n in range(10_000)]
    said = "\n".join(deferred_section(RunSummary("r", host_pauses=pauses), [], None))
    assert "site0.example until" in said and "and 9980 more" in said and len(said) < 5_000, len(said)


@pytest.fixture(scope="module")
def pauses_table() -> Iterator[duckdb.DuckDBPyConnection]:
    """The table alone, in memory, for every example: a file (or a connection) per example costs 35 ms."""
    with duckdb.connect() as con:
        con.execute((Path(__file__).resolve().parents[2] / "warehouse/migrations/0100_host_pauses.sql").read_text())
        yield con


@settings(max_examples=25, deadline=None, database=None)
@example([("a.example", 365 * 86400, 3600.0)])  # asked while the clock ran a year ahead: held a year before review
@given(st.lists(st.tuples(st.sampled_from(["a.example", "b.example"]), st.integers(-2 * 365 * 86400, 2 * 365 * 86400),
                          st.floats(-86400.0, 40 * 86400.0, allow_nan=False)), min_size=1, max_size=6))
def test_whatever_the_clock_did_no_pause_outlives_the_cap_after_the_run_that_first_reads_it(
        pauses_table: duckdb.DuckDBPyConnection, asked: list[tuple[str, int, float]]) -> None:
    """Pauses asked at any time (clocks a year or two ahead or behind), stored, then runs every quarter of an hour
    by a clock that now runs right: past the first run's end plus the cap, no host is held. Before review a pause
    asked while the clock ran ahead held its host until the clock got back there: each run capped it from its own
    start, and its end wrote the stored row back unchanged."""
    cap, now = 3600.0, datetime(2026, 12, 6, tzinfo=UTC)
    con = pauses_table
    con.execute("DELETE FROM host_pauses")
    for host, at, length in asked:  # as runs whose clocks said `at` wrote them
        when = now + timedelta(seconds=at)
        write_host_pauses(con, hostholds.in_force(
            [HostPause(host, when + timedelta(seconds=length), when)], cap, when), when)
    for run in range(4):
        start = now + timedelta(minutes=15 * run)
        held = hostholds.in_force(read_host_pauses(con, start), cap, start)
        assert all(p.until_at <= start + timedelta(seconds=cap) for p in held)
        write_host_pauses(con, held, start + timedelta(minutes=1))
    end = now + timedelta(minutes=1, seconds=cap + 1)
    assert hostholds.in_force(read_host_pauses(con, end), cap, end) == []


def test_pauses_that_cannot_be_written_cost_the_run_nothing_else(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                                                  ) -> None:
    """A `host_pauses` the write fails on (dropped by hand here) raised out of `end_run` before the run's row was
    written: the run ended with a traceback and no row. Now one warning line, and the row written."""
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing() as con:
        warehouse.begin_run(con, "r", datetime.now(UTC))
        con.execute("DROP TABLE host_pauses")
    now = datetime.now(UTC)
    end_run(store, RunSummary("r", host_pauses=[HostPause("busy.example", now + timedelta(hours=1), now)]), None)
    assert run_read_query(store, "SELECT status FROM runs").rows == [("completed",)]
    said = [r.getMessage() for r in caplog.records if "host_pauses" in r.getMessage()]
    assert len(said) == 1 and "\n" not in said[0] and "busy.example" in said[0], said
    assert hostholds.read_at_start(store, 3600.0) == []  # and the next run's start: one line too, no pause
    said = [r.getMessage() for r in caplog.records if "host_pauses" in r.getMessage()]
    assert len(said) == 2 and "\n" not in said[1] and "honours only those asked" in said[1], said


def test_feeds_discover_and_the_feeds_list_honour_a_kept_pause(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`newsflow feeds discover` sent a paused host its requests (a page, up to 24 feed URLs), and `newsflow
    feeds` showed its feed as any other: now discover sends it nothing and says until when, in one line (exit
    0, as "no feed found"), a feed link on a paused host is not fetched either, and the list names the feed."""
    paused, other = LocalServer("127.0.0.1"), LocalServer("127.0.0.2")
    try:
        other.add("/", Page(f'<html><head><link rel="alternate" type="application/rss+xml" '
                            f'href="{paused.url("/feed.xml")}"></head></html>'.encode()))
        config_path = write_config(tmp_path, "", {"courier": paused.url("/feed.xml")})
        now = datetime.now(UTC)
        with Warehouse(load_config(config_path).warehouse_path).writing() as con:
            write_host_pauses(con, [HostPause("127.0.0.1", now + timedelta(hours=2), now, 429)], now)
        assert cli.main(["feeds", "discover", paused.url("/"), "--config", str(config_path)]) == 0
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "asked to be left alone" in err and "127.0.0.1 until" in err, err
        assert cli.main(["feeds", "discover", other.url("/"), "--config", str(config_path)]) == 0
        assert other.requests and not paused.requests, "nothing was sent to the paused host"
        capsys.readouterr()
        assert cli.main(["feeds", "--config", str(config_path)]) == 0
        out = capsys.readouterr().out
        assert "feed courier: its host asked to be left alone (Retry-After): 127.0.0.1 until" in out, out
    finally:
        paused.close()
        other.close()
