"""Red team 29: failures that combine behaviours across runs (docs/security.md, "Red team 29").

Real runs (`runner.run_ingest`, the code `newsflow run`'s flow runs), a real server on 127.0.0.1, a real DuckDB
file. Names resolve through the world's resolver (tests/world/dns.py), so the machine can go offline between
two stages of a run, or for a few runs, with no sleep and no real network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow import netguard
from newsflow.config import Config, load_config
from newsflow.errors import classify_outcome
from newsflow.models import FeedConfig, Outcome
from newsflow.pipeline import RunCounts
from newsflow.polls import validators_suspect
from newsflow.runner import RunContext, RunSummary, Stages, run_ingest
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query
from tests.world.dns import DnsTable, WorldResolver

SITES = ("a.test", "b.test", "c.test")
STORIES_PER_SITE = 2
LAST_MODIFIED = "Sat, 05 Dec 2026 08:00:00 GMT"
ATTEMPTS = 2  # execution.max_article_attempts: fewer runs than the default 3, the same rule


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LoopbackServer, WorldResolver]]:
    """A server every name of the sites resolves to, and the resolver `newsflow run` uses (the machine's DNS)."""
    server = LoopbackServer("127.0.0.1")
    names = [name for site in SITES for name in (site, f"www.{site}")]
    resolver = WorldResolver(DnsTable({name: ["127.0.0.1"] for name in names}))
    monkeypatch.setattr(netguard, "system_resolver", resolver)
    try:
        yield server, resolver
    finally:
        server.close()


def offline(resolver: WorldResolver, is_offline: bool = True) -> None:
    resolver.table = replace(resolver.table, outage=is_offline)


def serve_sites(server: LoopbackServer, tmp_path: Path, min_interval: int) -> Config:
    """A feed on each site, its stories on the site's `www.` host (a host no poll has connected to)."""
    feeds = {}
    for n, site in enumerate(SITES):
        outlet, items = Site(site), list[tuple[str, str, datetime | None]]()
        for k in range(STORIES_PER_SITE):
            story = generated_story(2900 + 10 * n + k)
            server.add(f"/{site}/{story.slug}", Page(outlet.article_page(story)))
            items.append((story.title, f"http://www.{site}:{server.port}/{site}/{story.slug}", story.published))
        server.add(f"/{site}/feed.xml", Page(rss_feed(site, items), "application/rss+xml"))
        feeds[site] = f"http://{site}:{server.port}/{site}/feed.xml"
    path = write_config(tmp_path, "", feeds, extract={"batch_size": 2, "workers": 1})
    text = path.read_text().replace("min_interval = 0", f"min_interval = {min_interval}")
    path.write_text(f"{text}\n[execution]\nmax_article_attempts = {ATTEMPTS}\n")
    config = load_config(path)
    assert config.execution.max_article_attempts == ATTEMPTS
    return config


class NetworkDropsAfterThePolls(Stages):
    """The machine goes offline between the polls and the articles (a laptop's lid closed, Wi-Fi lost)."""

    def __init__(self, resolver: WorldResolver) -> None:
        self.resolver = resolver

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        counts = await super().poll(ctx, feeds)
        offline(self.resolver)
        return counts


def run(config: Config, run_id: str, stages: Stages | None = None) -> RunSummary:
    return asyncio.run(run_ingest(config, run_id, stages=stages))


def test_articles_tried_while_the_machine_is_offline_are_not_parked(
        world: tuple[LoopbackServer, WorldResolver], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The network drops in the middle of a run (after its polls), and stays down for the next runs, in which
    no feed is due (`min_interval`): each run tries the pending articles, each gets a DNS error, and each
    error counted an attempt: after `max_article_attempts` runs every article was parked, never stored once
    the network came back. An outage is told only from a run's polls, and those runs polled nothing."""
    server, resolver = world
    config = serve_sites(server, tmp_path, min_interval=3600)
    with caplog.at_level(logging.DEBUG, logger="newsflow.pipeline"):
        first = run(config, "drops-mid-run", NetworkDropsAfterThePolls(resolver))
    assert first.counts.entries_new == len(SITES) * STORIES_PER_SITE and first.counts.articles_stored == 0
    told = [r.levelno for r in caplog.records if "the network is down" in r.getMessage()]
    assert told[0] == logging.WARNING and told[1:] == [logging.DEBUG] * (len(told) - 1) and len(told) > 1, (
        "the outage said once a run, not once a batch (hunt 56)", told)
    for n in range(ATTEMPTS - 1):  # with the drop's own run, ATTEMPTS tries: all parked before the fix
        offline_run = run(config, f"offline-{n}")
        assert offline_run.feeds_due == 0, "a feed was due: the outage would be told from its poll"
    offline(resolver, False)
    run(config, "back-online")
    everything = len(SITES) * STORIES_PER_SITE
    assert query(config.path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [
        (everything, everything, 0)], "articles parked while the machine was offline"
    assert query(config.path, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]


def stalls_when_conditional(server: LoopbackServer, path: str) -> Handler:
    """The feed at `path` as served, except that a conditional request (`If-None-Match`, `If-Modified-Since`)
    gets no answer: a CDN or WAF rule that chokes on validators. The first poll, unconditional, is fine."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") or handler.headers.get("If-Modified-Since"):
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.rfile.read(1)  # held until the client gives up and closes
            return
        page = served[path]
        send_bytes(handler, 200, page.body, page.content_type, {"ETag": page.etag, "Last-Modified": LAST_MODIFIED})

    served: dict[str, Page] = {}
    server.routes_served = served  # type: ignore[attr-defined]
    return handle


def test_a_feed_whose_server_stalls_on_conditional_polls_is_polled_unconditionally_after_a_failure(
        tmp_path: Path) -> None:
    """Fine on the first poll; every conditional poll after it stalls to the fetch's deadline. The validators
    were kept through failures, so every later poll was conditional and stalled too: the feed's new entries
    never came (until its back-off reached `max_interval`, a day, and then only once a cycle)."""
    server = LoopbackServer("127.0.0.1")
    try:
        handler = stalls_when_conditional(server, "/feed.xml")
        served: dict[str, Page] = server.routes_served  # type: ignore[attr-defined]
        server.add("/feed.xml", handler)
        site = Site("Stall Courier")
        stories = [generated_story(2950 + n) for n in range(3)]
        for story in stories:
            server.add(f"/a/{story.slug}", Page(site.article_page(story)))

        def feed_lists(count: int) -> None:
            items = [(s.title, f"/a/{s.slug}", s.published) for s in stories[:count]]
            served["/feed.xml"] = Page(rss_feed("Stall Courier", items), "application/rss+xml")

        path = write_config(tmp_path, server.base_url, {"stall": "/feed.xml"}, extract={"workers": 1}, timeout=1.0)
        config = load_config(path)
        feed_lists(1)
        assert run(config, "first").counts.entries_new == 1
        feed_lists(2)
        assert asyncio.run(run_ingest(config, "conditional", ["stall"])).counts.feeds_failed == 1  # stalled
        feed_lists(3)
        asyncio.run(run_ingest(config, "after-the-failure", ["stall"]))  # due again (forced: no clock to move)
        assert query(config.path, "SELECT count(*), count(article_id) FROM entries") == [(3, 3)], (
            "the poll after a failed conditional poll was conditional again")
    finally:
        server.close()


def test_a_lapsed_site_is_parked_beside_answering_sites_and_when_nothing_else_answers(
        world: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Control: the rule is the machine's outage, not a site's. A site whose article host stops resolving (its
    domain lapsed: NXDOMAIN) while the other sites answer counts an attempt, as before; and (review) so it does in
    the next run, in which no feed is due and nothing else answers: before, such a run left it pending uncounted,
    so a user whose only sites were gone retried their articles every run for good, never parked, each run warning
    that the network was down. An NXDOMAIN is the DNS answering: the network is up."""
    server, resolver = world
    config = serve_sites(server, tmp_path, min_interval=3600)
    resolver.table = replace(resolver.table, failing=frozenset({"www.c.test"}))
    run(config, "lapsed-beside-answering-sites")
    assert run(config, "nothing-else-answers").feeds_due == 0  # only c.test's articles pending: NXDOMAIN
    assert ATTEMPTS == 2
    assert query(config.path, "SELECT feed_id, count(article_id), count(parked_at) FROM entries "
                              "GROUP BY feed_id ORDER BY feed_id") == [
        ("a.test", 2, 0), ("b.test", 2, 0), ("c.test", 0, 2)]


@pytest.mark.parametrize(("outcome", "status", "suspect"), [
    (Outcome.HTTP_ERROR, 403, True), (Outcome.HTTP_ERROR, 500, True), (Outcome.TIMEOUT, None, True),
    (Outcome.PROTOCOL_ERROR, None, True),
    (Outcome.RATE_LIMITED, 429, False), (Outcome.RATE_LIMITED, 503, False), (Outcome.PARSE_ERROR, 200, False),
    (Outcome.TOO_LARGE, 200, False), (Outcome.BLOCKED, None, False), (Outcome.DNS_ERROR, None, False),
])
def test_only_a_poll_the_server_choked_on_drops_the_validators(outcome: Outcome, status: int | None,
                                                               suspect: bool) -> None:
    """Review: every failed poll dropped the validators, so a feed rate-limited now and then (429, 503 with
    Retry-After: the server asked for time, it did not choke on `If-None-Match`; or a poll never sent, the host
    paused) paid a whole body on its next poll where a 304 would come, and so did a feed whose body does not parse
    or is over the cap (the server answered it in full: the validators were no cause). Only an error status, a
    stall or a broken exchange can be the server choking on them."""
    assert validators_suspect(outcome, classify_outcome(outcome, status), penalise=True) is suspect
    assert not validators_suspect(outcome, classify_outcome(outcome, status), penalise=False)  # an outage run
