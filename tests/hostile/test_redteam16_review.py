"""Review of red team 16 (docs/security.md, "Red team 16", its review rows).

1. The catch-all probe asked each address in turn, and a probe that never answered moved on to the
   next: 10 addresses that swallow the probe cost 10 whole `timeout`s one after another, inside a
   batch, past the run's deadline. Now the first probe that does not answer ends the round (no
   evidence: the page is judged as before), so a page costs one `timeout` of probing at most.
2. The consent-wall rule took one site's text for articles of 3 feed titles for a wall's. One
   article a site lists 3 times under 3 headlines (a story updated, a live page, a section copy) is
   that too: all parked, none stored. The rule was then taken out (docs/polling.md); this test stays.
3. A robots.txt that cannot be read kept its site's articles out: said at info level only. Now one
   warning per site and run naming the robots.txt URL; the articles wait for a run whose robots.txt
   reads, no attempt counted, never parked for it (the review's decision: deferral, not parking).

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow import polling
from newsflow.catchall import PROBE_HOST, real_pages
from newsflow.config import load_config
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.runner import run_ingest
from tests.hostile.servers import LoopbackServer, fetch_article
from tests.hostile.servers import settings as fetch_settings
from tests.hostile.test_redteam10 import config_with
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query

ARTICLE = (b"<!doctype html><html><head><title>Flood waters recede</title></head><body><article><h1>Flood "
           b"waters recede</h1><p>" + b"Residents returned to their homes on Tuesday. " * 40
           + b"</p></article></body></html>")


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Set when the test ends: a server's swallowed probe is answered then, never before."""
    event = threading.Event()
    yield event
    event.set()


def swallowing_probes(released: threading.Event) -> Handler:
    """The page for its own names; a probe is held unanswered until the test ends."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Host", "").startswith(PROBE_HOST):
            released.wait(30)
        send_bytes(handler, 200, ARTICLE, "text/html")
    return handle


def fetched_and_judged(urls: list[str], **settings: object) -> tuple[list[FetchResult], set[str], dict[str, bool]]:
    """Fetch the URLs with one fetcher (robots.txt not asked), then judge their pages with its probes:
    the results, `real_pages`' answer and the verdicts it kept."""
    async def go() -> tuple[list[FetchResult], set[str], dict[str, bool]]:
        verdicts: dict[str, bool] = {}
        async with Fetcher(fetch_settings(respect_robots=False, **settings)) as fetcher:
            results = list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))
            return results, await real_pages(results, fetcher.fetch_article, verdicts), verdicts

    return asyncio.run(go())


def test_a_probe_that_never_answers_ends_the_round_after_one_timeout(released: threading.Event) -> None:
    """3 addresses serve the page and swallow the probe. Before: 3 probes, one `timeout` each in turn
    (10 addresses: 10 of them). Now the first unanswered probe ends it: 1 probe, and the page is the
    sites' own (a server that swallows a name does not answer every name; red team 21)."""
    servers = [LoopbackServer(f"127.0.2.{n}") for n in range(1, 4)]
    try:
        urls = [server.add("/news/flood", swallowing_probes(released)) for server in servers]

        results, shared, verdicts = fetched_and_judged(urls, timeout=0.5)
        probes = [r for server in servers for r in server.requests
                  if r.headers.get("host", "").startswith(PROBE_HOST)]
    finally:
        released.set()
        for server in servers:
            server.close()
    assert all(r.ok for r in results)
    # no answer is not a catch-all's answer (red team 21; it was a catch-all's): the page is the sites' own
    digest = polling.page_digest(ARTICLE)
    assert shared == {digest} and verdicts == {digest: False}
    assert len(probes) == 1, f"{len(probes)} probes: each unanswered one cost a whole timeout"


def test_one_article_a_site_lists_under_3_headlines_is_stored_not_taken_for_a_wall(tmp_path: Path) -> None:
    """One story at 3 URLs of one site (its page, its live page, an update), listed under 3 headlines
    that all name it. Before: one text for 3 titles, a wall's: 0 stored, 3 parked after 3 runs.
    Now the text names the story: stored (one text, as any copy at several URLs), every entry resolved."""
    site = LoopbackServer("127.0.0.3")
    try:
        story = generated_story(7)
        page = Site("Herald").article_page(story)
        titles = [story.title, f"LIVE: {story.title}", f"{story.title} (updated)"]
        links = [(title, site.add(f"/news/{n}", Page(page)), story.published) for n, title in enumerate(titles)]
        feed = site.add("/feed.xml", Page(rss_feed("herald", links), "application/rss+xml"))
        config = load_config(config_with(tmp_path, {"herald": feed}))
        for run in range(3):
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
    finally:
        site.close()
    config_path = tmp_path / "newsflow.toml"
    assert query(config_path, "SELECT count(DISTINCT content_hash), min(word_count) > 100 FROM articles") == [(1, True)]
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(3, 3, 0)]


def test_an_unreadable_robots_txt_is_a_warning_and_its_articles_wait_uncounted(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture,
) -> None:
    """A site whose robots.txt answers 5xx run after run gets none of its articles in: that must be
    visible, one warning naming the robots.txt, and the article deferred, not a counted failure."""
    server.add("/robots.txt", Page(b"down", status=503, validators=False))
    url = server.add("/news/1", Page(ARTICLE))
    with caplog.at_level(logging.WARNING, logger="newsflow.robots"):
        result = fetch_article(fetch_settings(), url)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [w for w in warnings if server.url("/robots.txt") in w and "wait" in w], warnings
    assert result.outcome is Outcome.RATE_LIMITED, (result.outcome, result.error)
    assert "not counted as an attempt" in (result.error or ""), result.error
    assert server.hits("/news/1") == []
