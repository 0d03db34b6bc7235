"""DNS answers that change between runs: a captive portal or a DNS hijack that answers every name
with a private address (red team after issue 11).

Before, every feed was `blocked` (hard: a 20-minute back-off at once) and every pending article
was parked for good, as if its URL named a private address. Now an address refused because a
name resolved to it is told apart from one the URL names (`FetchResult.answer_refused`): when
nearly every feed gets one, the run is a network outage (no feed penalised, no article tried);
an article that gets one counts a failed attempt, and is parked only after
`execution.max_article_attempts`, never at once. Names resolve only through the injected resolver.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow import netguard
from newsflow.config import load_config
from newsflow.netguard import NameResolutionError
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import add_settings, query

FEEDS = ("a.test", "b.test", "c.test", "d.test")
ARTICLES = "news.test"


class Dns:
    """The answers the fetcher gets, changed by the test between runs."""

    def __init__(self) -> None:
        self.answers: dict[str, str] = {}

    async def resolve(self, host: str, port: int) -> list[str]:
        with contextlib.suppress(ValueError):
            return [str(ipaddress.ip_address(host))]  # a literal is its own answer, as getaddrinfo gives it
        with contextlib.suppress(OSError):
            return [socket.inet_ntoa(socket.inet_aton(host))]  # and so are 167772161 and 0x7f.1
        if host not in self.answers:
            raise NameResolutionError(f"cannot resolve {host}: not in the test's DNS")
        return [self.answers[host]]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dns]:
    table = Dns()
    monkeypatch.setattr(netguard, "system_resolver", table.resolve)  # the fetcher's injectable default
    yield table


def test_a_captive_portal_answering_every_name_privately_parks_nothing_and_penalises_no_feed(
    tmp_path: Path, dns: Dns
) -> None:
    server = LocalServer("127.0.0.2")
    try:
        site = Site("Courier")
        for n, host in enumerate(FEEDS):
            items = []
            for story in (generated_story(10 * n + k) for k in range(2)):
                server.add(f"/a/{story.slug}", Page(site.article_page(story)))
                items.append((story.title, f"http://{ARTICLES}:{server.port}/a/{story.slug}", story.published))
            server.add(f"/{host}.xml", Page(rss_feed(host, items), "application/rss+xml"))
        feeds = {host: f"http://{host}:{server.port}/{host}.xml" for host in FEEDS}
        config_path = write_config(tmp_path, "", feeds, allowed_networks=["127.0.0.2/32"])
        add_settings(config_path, "execution", max_articles_per_run=2)
        config = load_config(config_path)
        healthy = dict.fromkeys((*FEEDS, ARTICLES), "127.0.0.2")

        dns.answers = healthy
        asyncio.run(run_ingest(config, "online"))
        assert query(config_path, "SELECT count(*) FROM articles") == [(2,)], "6 articles wait"

        dns.answers = dict.fromkeys((*FEEDS, ARTICLES), "192.168.1.1")  # the portal answers every name
        portal = asyncio.run(run_ingest(config, "portal", all_feeds=True))
        assert portal.counts.network_outage == 1
        assert query(config_path, "SELECT count(*) FROM feeds WHERE consecutive_failures = 0") == [(4,)]
        assert query(config_path, "SELECT count(*) FROM polls WHERE run_id = 'portal' AND outcome = 'blocked'") == [
            (4,)], "the polls still say what happened"

        dns.answers = {**healthy, ARTICLES: "10.0.0.1"}  # feeds resolve; the articles' host is hijacked
        asyncio.run(run_ingest(config, "hijacked"))
        assert query(config_path, "SELECT count(*), max(fetch_attempts) FROM entries "
                                  "WHERE last_outcome = 'blocked' AND parked_at IS NULL") == [(2, 1)], (
            "a refused answer counts an attempt but does not park the entry")

        dns.answers = healthy
        for run in range(3):
            asyncio.run(run_ingest(config, f"back-{run}"))
        assert query(config_path, "SELECT count(*) FROM articles") == [(8,)], "nothing lost"
        assert query(config_path, "SELECT count(*) FROM entries WHERE parked_at IS NOT NULL") == [(0,)]
    finally:
        server.close()


def test_a_url_naming_a_private_address_or_a_name_answering_loopback_is_still_blocked_for_good(
    tmp_path: Path, dns: Dns
) -> None:
    """A literal (in any form getaddrinfo reads), localhost, or a loopback answer is no portal: parked at once."""
    server = LocalServer("127.0.0.2")
    try:
        links = ("http://10.0.0.7/a/1", "http://167772161/a/2", "http://localhost/a/3", "http://rebound.test/a/4")
        items = [(f"Private {n}", link, None) for n, link in enumerate(links)]
        server.add("/feed.xml", Page(rss_feed("f", items), "application/rss+xml"))
        config_path = write_config(tmp_path, "", {"f": f"http://a.test:{server.port}/feed.xml"},
                                   allowed_networks=["127.0.0.2/32"])
        dns.answers = {"a.test": "127.0.0.2", "localhost": "127.0.0.1", "rebound.test": "127.0.0.1"}
        asyncio.run(run_ingest(load_config(config_path), "run"))
        assert query(config_path, "SELECT DISTINCT last_outcome, parked_at IS NOT NULL FROM entries") == [
            ("blocked", True)]
        assert query(config_path, "SELECT count(*) FROM entries") == [(4,)]
    finally:
        server.close()
