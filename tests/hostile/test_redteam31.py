"""Red team 31: a small install offline (docs/polling.md, "Network outages", "A small install").

Real runs (`runner.run_ingest`, the code `newsflow run`'s flow runs), a real server on 127.0.0.1, a real DuckDB
file. Names resolve through the world's resolver (tests/world/dns.py): the machine goes offline (every name fails
to resolve, not NXDOMAIN), a name can be answered NXDOMAIN (a lapsed domain), or a name can point at 127.0.0.2,
where nothing listens (a closed port: the connection is refused).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from newsflow import lookups, netguard
from newsflow.config import Config, load_config
from newsflow.models import FeedConfig
from newsflow.pipeline import RunCounts
from newsflow.report import deferred_section
from newsflow.runner import RunContext, RunSummary, Stages, run_ingest
from tests.conftest import write_config
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import LoopbackServer
from tests.hostile.test_redteam14 import make_due
from tests.localserver import Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query
from tests.world.dns import DnsTable, WorldResolver

CLOSED = "127.0.0.2"  # a loopback address nothing listens on: every connection to it is refused


class Outlets:
    """Feeds served from one loopback server under names of the world's DNS; each feed grows by one story a call."""

    def __init__(self, server: LoopbackServer, resolver: WorldResolver, feeds: dict[str, str], www: bool = False,
                 ) -> None:
        self.server, self.resolver, self.feeds = server, resolver, feeds  # feed name -> host
        self.www = www  # articles on `www.<host>`, a host no poll connects to
        self.stories: dict[str, list[tuple[str, str, object]]] = {name: [] for name in feeds}

    def publish(self) -> None:
        for name, host in self.feeds.items():
            story = generated_story(3100 + 10 * len(self.stories) + len(self.stories[name]) + 50 * sorted(
                self.feeds).index(name))
            self.server.add(f"/{name}/{story.slug}", Page(Site(host).article_page(story)))
            article_host = f"www.{host}" if self.www else host
            self.stories[name].append((story.title, f"http://{article_host}:{self.server.port}/{name}/{story.slug}",
                                       story.published))
            self.server.add(f"/{name}/feed.xml", Page(rss_feed(name, self.stories[name]), "application/rss+xml"))

    def config(self, tmp_path: Path, attempts: int = 3) -> Config:
        urls = {name: f"http://{host}:{self.server.port}/{name}/feed.xml" for name, host in self.feeds.items()}
        path = write_config(tmp_path, "", urls, extract={"workers": 1}, timeout=2.0)
        path.write_text(f"{path.read_text()}\n[execution]\nmax_article_attempts = {attempts}\n")
        return load_config(path)

    def dns(self, *, outage: bool = False, lapsed: frozenset[str] = frozenset(), closed: frozenset[str] = frozenset(),
            ) -> None:
        names = set(self.feeds.values()) | {f"www.{host}" for host in self.feeds.values()}
        hosts = {host: [CLOSED if host in closed else "127.0.0.1"] for host in names}
        self.resolver.table = DnsTable(hosts, lapsed, outage)


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LoopbackServer, WorldResolver]]:
    server = LoopbackServer("127.0.0.1")
    resolver = WorldResolver(DnsTable())
    monkeypatch.setattr(netguard, "system_resolver", resolver)
    try:
        yield server, resolver
    finally:
        server.close()


def run(config: Config, run_id: str) -> RunSummary:
    return asyncio.run(run_ingest(config, run_id))


def failures(config: Config) -> list[tuple[str, int]]:
    return [(str(name), int(count)) for name, count in query(
        config.path, "SELECT feed_id, consecutive_failures FROM feeds ORDER BY feed_id")]


def stored(config: Config) -> list[tuple[str, int, int]]:
    return [(str(f), int(n), int(a)) for f, n, a in query(
        config.path, "SELECT feed_id, count(*), count(article_id) FROM entries GROUP BY feed_id ORDER BY feed_id")]


def test_a_one_feed_install_offline_is_polled_again_as_soon_as_the_network_returns(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """One feed, a night offline (its DNS unreachable, then every connection refused): the outage rule needed 3
    polled feeds, so each offline run counted a failure and the feed backed off step by step (5 min, 10, 20, ...
    a day): back online, it stayed silent for hours. A run in which nothing answered and no name lapsed
    (NXDOMAIN) is the machine's outage however few feeds (two feeds, and a lone feed already failing:
    tests/test_polling.py)."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    for night, (outage, closed) in enumerate([(True, frozenset()), (False, frozenset({"a.test"}))]):
        outlets.dns(outage=outage, closed=closed)
        summary = run(config, f"offline-{night}")
        assert summary.feeds_due == 1, f"offline run {night}: the feed was backed off by the outage"
        assert (summary.counts.network_outage, summary.counts.entries_new) == (1, 0)
    assert failures(config) == [("solo", 0)]
    outlets.dns()
    assert run(config, "back-online").feeds_due == 1, "back online, the feed was still backing off"
    assert stored(config) == [("solo", 1, 1)]


def test_a_lapsed_domain_backs_off_whatever_the_number_of_its_feeds(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """NXDOMAIN is the DNS answering: the network is up and the name is gone. 3 feeds of one site were an outage
    every run (80% of 3 feeds and of 1 site), so they never backed off (one feed alone backs off:
    tests/test_polling.py)."""
    server, resolver = loopback
    feeds = {"x": "a.test", "y": "a.test", "z": "a.test"}
    outlets = Outlets(server, resolver, feeds)
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(lapsed=frozenset({"a.test"}))
    assert run(config, "lapsed").counts.network_outage == 0
    assert failures(config) == [(name, 1) for name in sorted(feeds)]
    assert run(config, "next").feeds_due == 0, "the lapsed feeds did not back off"


class NetworkDropsAfterThePolls(Stages):
    """The feeds come through, then the machine goes offline for the articles: every name refused at connect
    (`closed`) or unresolvable (the resolver unreachable); the next run starts back online."""

    def __init__(self, outlets: Outlets, how: str) -> None:
        self.outlets, self.how = outlets, how

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        counts = await super().poll(ctx, feeds)
        hosts = frozenset(self.outlets.feeds.values()) | frozenset(f"www.{h}" for h in self.outlets.feeds.values())
        self.outlets.dns(outage=self.how == "outage", closed=hosts if self.how == "closed" else frozenset())
        return counts


def test_the_network_dropping_after_the_polls_of_several_runs_parks_no_article(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Feeds come through, then every article fetch fails at connect (or resolves nothing), run after run: the
    feeds' answers told the network was up, so each run counted an attempt for every pending article, and after
    `max_article_attempts` such runs all were parked, never stored once the network held (red team 29 covered
    the runs in which nothing answered, not those whose polls did). The articles are on `www.` hosts, which no
    poll's kept-alive connection reaches: the drop is seen at their names (a refused connect there is not
    counted on main either: their robots.txt, unreadable, defers them)."""
    server, resolver = loopback
    feeds = {"solo": "a.test"}
    outlets = Outlets(server, resolver, feeds, www=True)
    outlets.dns()
    outlets.publish()
    config = outlets.config(tmp_path, attempts=2)
    for night in range(2):  # max_article_attempts runs: every article parked before the fix
        outlets.dns()
        summary = asyncio.run(run_ingest(config, f"drop-{night}", stages=NetworkDropsAfterThePolls(outlets, "outage")))
        assert summary.feeds_due == len(feeds) and summary.counts.articles_stored == 0
    outlets.dns()
    run(config, "holds")
    assert stored(config) == [(name, 1, 1) for name in sorted(feeds)], "articles parked by the network"
    assert query(config.path, "SELECT count(parked_at) FROM entries") == [(0,)]


def test_articles_waiting_are_tried_when_a_lone_feed_host_is_unreachable(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Review of the small-install rule: a run of one or two polls all unreachable is an outage for the feeds'
    back-off only. Its articles are still tried (those unreachable wait uncounted: no host answered): a one-feed
    install whose feed host is down while its articles' host answers stores what waits, as before."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"}, www=True)
    outlets.dns()
    outlets.publish()
    outlets.publish()
    config = outlets.config(tmp_path)
    config = replace(config, execution=replace(config.execution, max_articles_per_run=1))
    assert run(config, "one-of-two").counts.articles_stored == 1
    outlets.dns(closed=frozenset({"a.test"}))  # the feed's host refuses; www.a.test answers
    summary = run(config, "feed-host-down")
    assert summary.counts.network_outage == 1 and failures(config) == [("solo", 0)]
    assert stored(config) == [("solo", 2, 2)], "the waiting article was not tried"


@pytest.mark.parametrize(("polled", "held", "said"), [
    (1, False, "none was penalised"), (3, False, "none was penalised"),
    (3, True, "stopped the run before the articles")])
def test_the_report_says_which_outage_it_was(polled: int, held: bool, said: str) -> None:
    """An outage of one or two polls tries the articles: the run's report no longer says it stopped before them.
    Review: told by what the run did (`RunSummary.articles_held`), not by the polls made (3 polls, one a failing
    feed's silence set aside, are an outage of two that tries the articles)."""
    summary = RunSummary("r", RunCounts(feeds_polled=polled, feeds_failed=polled, network_outage=1),
                         articles_held=held)
    assert any(said in line for line in deferred_section(summary, [], None))


class BrokenNames(WorldResolver):
    """The world's DNS, but `broken` names never get an answer (SERVFAIL: a dead domain's name servers gone)."""

    def __init__(self, table: DnsTable, broken: frozenset[str]) -> None:
        super().__init__(table)
        self.broken = broken

    async def __call__(self, host: str, port: int) -> list[str]:
        if host.lower().rstrip(".") in self.broken:
            raise netguard.NameResolutionError(f"cannot resolve {host}: SERVFAIL")
        return await super().__call__(host, port)


def test_articles_of_a_dead_site_whose_feed_is_elsewhere_are_still_parked(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of red team 31: `network_dropped` took any batch in which nothing answered and some names failed
    to resolve for the network dropping after the polls. An aggregator's feed (a.test) answering every run,
    its one waiting article on a dead site (no answer from its DNS, not NXDOMAIN), was left pending uncounted
    in every run, never parked: tried for good. The network dropping is told by a site that came through this
    run's polls, or by sites too many to be down together."""
    server, _ = loopback
    story = generated_story(3901)
    server.add("/agg/feed.xml", Page(rss_feed("agg", [(story.title, f"http://www.dead.test:{server.port}/s",
                                                        story.published)]), "application/rss+xml"))
    resolver = BrokenNames(DnsTable({"a.test": ["127.0.0.1"]}), frozenset({"www.dead.test"}))
    monkeypatch.setattr(netguard, "system_resolver", resolver)
    path = write_config(tmp_path, "", {"agg": f"http://a.test:{server.port}/agg/feed.xml"}, extract={"workers": 1},
                        timeout=2.0)
    path.write_text(f"{path.read_text()}\n[execution]\nmax_article_attempts = 2\n")
    config = load_config(path)
    for attempt in range(2):
        assert run(config, f"dead-{attempt}").feeds_due == 1
    assert query(config.path, "SELECT count(parked_at) FROM entries") == [(1,)], "a dead site's article never parked"


def test_a_lone_feed_that_last_failed_with_an_answer_is_spared_by_a_night_offline(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Review of red team 31: "already failing" was any failure, so a lone feed whose server answered one 503 in
    the evening was penalised at every run of the night offline after, backing off step by step, silent once
    the network was back: the class the small-install rule fixes. Only a feed whose last counted failure was
    itself unreachable (caught while something else answered) backs off again when polled alone."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns()
    feed = server.routes["/solo/feed.xml"]
    assert isinstance(feed, Page)
    server.add("/solo/feed.xml", replace(feed, status=503))
    run(config, "evening")
    assert failures(config) == [("solo", 1)]
    server.add("/solo/feed.xml", feed)
    outlets.dns(outage=True)
    for night in range(2):
        make_due(config.warehouse_path, ["solo"])  # the 503's own back-off has passed
        summary = run(config, f"night-{night}")
        assert summary.feeds_due == 1 and summary.counts.network_outage == 1, "penalised by the night offline"
    assert failures(config) == [("solo", 1)]


def test_an_outage_judged_on_two_polls_beside_a_failing_silent_feed_still_tries_the_articles(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Review of red team 31: 3 polls, one a failing feed's silence (set aside, red team 10) and two unreachable,
    are the few-polls outage, which tries the articles; the runner counted 3 polls made and held them all back."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"b": "b.test", "c": "c.test"}, www=True)
    outlets.publish()
    outlets.publish()
    silent = RawServer()  # 204 first (a failed poll), then silence
    try:
        urls = {name: f"http://{host}:{server.port}/{name}/feed.xml" for name, host in outlets.feeds.items()}
        path = write_config(tmp_path, "", {**urls, "s": f"http://s.test:{silent.port}/feed.xml"},
                            extract={"workers": 1}, timeout=0.5)
        config = load_config(path)
        config = replace(config, execution=replace(config.execution, max_articles_per_run=1))
        resolver.table = DnsTable({"s.test": ["127.0.0.1"], **{h: ["127.0.0.1"] for h in ("b.test", "c.test",
                                   "www.b.test", "www.c.test")}})
        assert run(config, "first").counts.articles_stored == 1 and dict(failures(config))["s"] == 1
        silent.answer = lambda path: [(b"", 3.0)]
        resolver.table = replace(resolver.table, hosts={**resolver.table.hosts, "b.test": [CLOSED], "c.test": [CLOSED]})
        make_due(config.warehouse_path, ["b", "c", "s"])
        summary = run(config, "two-down")
    finally:
        silent.close()
    assert summary.counts.network_outage == 1 and summary.counts.articles_stored == 1, "the articles were held back"


@pytest.mark.parametrize("routed", [True, False])
def test_a_mac_offline_answering_every_name_enoname_is_not_a_lapsed_domain(
        monkeypatch: pytest.MonkeyPatch, routed: bool) -> None:
    """Review of red team 31: macOS offline answers every lookup EAI_NONAME ("nodename nor servname provided"),
    which was taken for NXDOMAIN; the outage rule counting NXDOMAIN only from 3 sites, a Mac's feeds of one or
    two sites backed off through every night offline. With no route off the machine, no DNS answered."""
    def offline_mac(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "nodename nor servname provided, or not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline_mac)  # the OS resolver: the edge of what a test can run
    monkeypatch.setattr(lookups, "has_default_route", lambda: routed)
    with pytest.raises(netguard.NameResolutionError) as failed:
        asyncio.run(lookups.system_resolver("a.test", 80))
    assert failed.value.no_such_name is routed
