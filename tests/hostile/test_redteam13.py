"""Red team 13: the gaps red teams 11 and 12 left (docs/security.md, "Known gaps"), then one more class.

1. Requests the address guard refuses waited their host's politeness turn (`per_host_delay`) and
   took one: 10,000 feeds on one refused host were refused one a second, 352 in a run's budget.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer, fetch_article, redirect, run, running_server, settings
from tests.hostile.test_redteam10 import config_with, serve_feed
from tests.localserver import Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import add_settings, query

PAGE = b"<!doctype html><html><head><title>t</title></head><body><p>" + b"words " * 400 + b"</p></body></html>"


@pytest.fixture
def refused_host() -> Iterator[LoopbackServer]:
    """A real server on 127.0.0.2, which the tests' address policy (only 127.0.0.1 allowed) refuses."""
    yield from running_server("127.0.0.2")


# --- 1. a refused request takes no politeness turn ---------------------------------------------


def test_requests_the_guard_refuses_neither_wait_nor_take_their_hosts_turn(refused_host: LoopbackServer) -> None:
    """20 feeds on a refused host, a 1 s `per_host_delay`. Before: one refusal a second (19 s)."""
    urls = [refused_host.add(f"/f{n}.xml", Page(b"<rss/>")) for n in range(20)]
    fetch_settings = settings(per_host_delay=1.0, allowed_networks=("127.0.0.1/32",), timeout=5.0)

    async def go() -> list[FetchResult]:
        async with Fetcher(fetch_settings) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch_feed(url) for url in urls)))

    started = time.monotonic()
    results = run(go())
    elapsed = time.monotonic() - started
    assert {result.outcome for result in results} == {Outcome.BLOCKED}
    assert refused_host.requests == [], "the guard let a request through"
    assert elapsed < 4.0, f"20 refusals took {elapsed:.1f} s: they waited the host's 1 s turns"


def test_a_name_resolving_to_a_refused_address_takes_no_turn_and_the_hosts_spacing_still_holds(
    server: LoopbackServer,
) -> None:
    """The spacing is for what reaches a host: two refusals (a name whose DNS answer the guard
    refuses) cost the host no turn, so the first answered request starts at once, and the next
    answered one still waits its `per_host_delay`. Before: each refusal took a turn (0.6 s each). The turn is 1.2 s
    and the first answer must come within 1 s: with 0.6 s and 0.4 s the right product took 0.51 s at load 15."""
    url = server.add("/page", Page(PAGE))
    fetch_settings = settings(per_host_delay=1.2, allowed_networks=("127.0.0.1/32",), respect_robots=False)
    answers = iter([["10.0.0.7"], ["10.0.0.7"], ["127.0.0.1"], ["127.0.0.1"]])

    async def resolve(host: str, port: int) -> list[str]:
        return next(answers)

    async def go() -> list[tuple[Outcome, float]]:
        transport = guarded_transport(fetch_settings, resolver=resolve)
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            done = []
            for _ in range(4):  # one after another, each on a new connection (so each resolves)
                result = await fetcher.fetch_article(url)
                done.append((result.outcome, time.monotonic()))
                await transport.aclose()
            return done

    started = time.monotonic()
    done = run(go())
    assert [outcome for outcome, _ in done] == [Outcome.BLOCKED, Outcome.BLOCKED, Outcome.OK, Outcome.OK]
    assert done[2][1] - started < 1.0, "the refusals took the host's turns"
    assert len([request for request in server.requests if request.path == "/page"]) == 2
    assert done[3][1] - done[2][1] >= 1.15, "the second answered request did not wait the host's turn"


def test_a_run_polls_every_feed_on_a_refused_host_within_its_budget(
    tmp_path: Path, server: LoopbackServer, refused_host: LoopbackServer
) -> None:
    """300 feeds on a refused host and one on an allowed host, `per_host_delay` 1 s, a run budget of
    20 s (polls get half). Before: about 10 of the refused feeds polled, the rest deferred to later
    runs (each run the same). Now every feed is polled and recorded `blocked`."""
    feeds = {f"refused-{n}": refused_host.add(f"/f{n}.xml", Page(b"<rss/>")) for n in range(300)}
    feeds["fine"] = server.add("/fine.xml", Page(b'<rss version="2.0"><channel><title>t</title></channel></rss>',
                                                   "application/rss+xml"))
    config_path = write_config(tmp_path, "", feeds, per_host_delay=1.0, allowed_networks=["127.0.0.1/32"])
    add_settings(config_path, "execution", run_budget_seconds=20)
    asyncio.run(run_ingest(load_config(config_path), "run-0", ["fine"]))  # the warehouse made, out of the budget
    summary = asyncio.run(run_ingest(load_config(config_path), "run-1", all_feeds=True))
    assert summary.counts.feeds_deferred == 0
    assert query(config_path, "SELECT count(*) FROM fetch_events WHERE outcome = 'blocked'") == [(300,)]
    assert refused_host.requests == []


# --- 3. a host's own page served at 3 sites' URLs is bounded, not pending for good ------------

SUSPENDED = (b"<!doctype html><html><head><title>Account Suspended</title></head><body><h1>This account has "
             b"been suspended.</h1><p>" + b"Contact your hosting provider for more information. " * 8
             + b"</p></body></html>")


def test_a_page_three_sites_serve_byte_for_byte_while_other_sites_answer_is_counted_and_parked(
    tmp_path: Path,
) -> None:
    """Three sites on one hosting provider are suspended: every URL of theirs, feed and article,
    answers 200 with the provider's one "account suspended" page; a fourth site answers as usual.
    Before: red team 11's portal check left their 6 articles pending with no attempt counted, every
    run, for good. Now, as the fourth site's feed came through, each run counts an `http_error`
    attempt, and after `max_article_attempts` (3) runs they are parked, the error saying why."""
    hosts = [f"127.0.0.{n}" for n in range(2, 6)]
    servers = {host: LoopbackServer(host) for host in hosts}
    try:
        feeds = {f"feed-{n}": serve_feed(servers[host], f"feed-{n}", range(2 * n, 2 * n + 2))
                 for n, host in enumerate(hosts)}
        pages = {host: dict(server.routes) for host, server in servers.items()}
        config_path = config_with(tmp_path, feeds)
        config = load_config(config_path)
        for host, server in servers.items():  # run 0: every article busy, so all 8 are pending
            for path, route in pages[host].items():
                server.add(path, Page(b"busy", status=503) if "/a/" in path else route)
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))
        for host in hosts[:3]:  # suspended; the fourth site answers as usual from now on
            for path in pages[host]:
                servers[host].add(path, Page(SUSPENDED))
        for path, route in pages[hosts[3]].items():
            servers[hosts[3]].add(path, route)
        asyncio.run(run_ingest(config, "run-1", all_feeds=True))
        assert query(config_path, "SELECT count(article_id), count(parked_at), max(fetch_attempts) FROM entries "
                                  "WHERE feed_id <> 'feed-3'") == [(0, 0, 2)], "one attempt (503 in run 0) more"
        for n in (2, 3):
            asyncio.run(run_ingest(config, f"run-{n}", all_feeds=True))
    finally:
        for server in servers.values():
            server.close()
    assert query(config_path, "SELECT feed_id, count(article_id), count(parked_at) FROM entries GROUP BY ALL "
                              "ORDER BY 1") == [("feed-0", 0, 2), ("feed-1", 0, 2), ("feed-2", 0, 2), ("feed-3", 2, 0)]
    [(error,)] = query(config_path, "SELECT DISTINCT last_error FROM entries WHERE parked_at IS NOT NULL "
                                    "AND feed_id = 'feed-0' LIMIT 1")
    assert "the host's own page" in str(error)
    assert query(config_path, "SELECT count(*) FROM articles WHERE text LIKE '%suspended%'") == [(0,)]


# --- 4. `--feed a` alone sees a mutual redirect loop ------------------------------------------


def test_a_run_of_one_feed_of_a_mutual_redirect_loop_sees_the_loop(
    tmp_path: Path, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    """`a` answers 301 to `b`'s URL and `b` 301 to `a`'s. Before: `newsflow run --feed a` judged the
    loop among the feeds it polled, `a` alone, so `a` stopped at the redirect as `not_modified`
    (healthy to the schedule) and the warning told the user to remove `a`, the one feed `b` leads to.
    Now one GET of `b`'s URL shows where it leads: `a` is a `redirect_loop`, the loop named."""
    server.add("/a.xml", redirect("/b.xml", status=301))
    server.add("/b.xml", redirect("/a.xml", status=301))
    config_path = write_config(tmp_path, server.base_url, {"a": "/a.xml", "b": "/b.xml"}, extract={"workers": 1})
    caplog.set_level(logging.INFO, "newsflow.polls")
    summary = asyncio.run(run_ingest(load_config(config_path), "run-0", ["a"]))
    assert summary.status == "completed"
    assert query(config_path, "SELECT feed_id, last_outcome, last_status FROM feeds WHERE last_outcome IS NOT NULL") \
        == [("a", "redirect_loop", "soft")]
    assert query(config_path, "SELECT error FROM fetch_events WHERE feed_id = 'a'") == [
        (f"GET {server.url('/a.xml')}: redirect loop through configured feeds (a -> b -> a); no feed at this URL",)]
    said = [r.getMessage() for r in caplog.records if "redirect" in r.getMessage()]
    assert len(said) == 1 and "in a loop (a -> b -> a)" in said[0], said


# --- 5. the class hunted: interstitial pages that send the reader on with <meta refresh> ---------


def interstitial(target: str, delay: str = "0") -> Page:
    return Page(f'<html><head><meta http-equiv="refresh" content="{delay}; url={target}"><title>Redirecting'
                f'</title></head><body><p>Redirecting you to the article…</p></body></html>'.encode())


def test_articles_behind_a_meta_refresh_interstitial_are_stored_not_parked(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """A feed's links go through a click tracker that answers 200 with a page whose
    `<meta http-equiv="refresh" content="0; url=…">` sends the reader on. Before: that page was the
    article, extracted as `extract_empty` and parked at once: 3 of 3 articles lost. Now the refresh
    is followed as a redirect (its hops counted, loops refused, each hop SSRF-checked)."""
    stores_the_articles_behind(tmp_path, server, interstitial)


def stores_the_articles_behind(tmp_path: Path, server: LoopbackServer, interstitial: Callable[[str], Page]) -> None:
    """A whole run over a feed of 3 links, each to an `interstitial` sending on to the real article: all 3 are
    stored under the article's URL, none parked (red team 43 calls it with a `Refresh` header's interstitial)."""
    site, items = Site("Courier"), []
    for n in range(3):
        story = generated_story(n)
        server.add(f"/real/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, server.add(f"/go/{n}", interstitial(f"/real/{story.slug}")), story.published))
    feed = server.add("/feed.xml", Page(rss_feed("c", items), "application/rss+xml"))
    config_path = write_config(tmp_path, "", {"c": feed}, extract={"workers": 1})
    asyncio.run(run_ingest(load_config(config_path), "run-0", all_feeds=True))
    assert query(config_path, "SELECT count(*), count(parked_at) FROM entries") == [(3, 0)]
    stored = [str(url) for url, in query(config_path, "SELECT url FROM articles")]
    assert len(stored) == 3 and all("/real/" in url for url in stored), stored


@pytest.mark.parametrize("head", [
    '<meta http-equiv="refresh" content="300">',  # a live page that reloads itself
    '<meta http-equiv="refresh" content="600; url=/elsewhere">',  # not at once: the reader reads this page
    '<!--[if lte IE 9]><meta http-equiv="refresh" content="1;url=/unsupported.html" /><![endif]-->',  # CNN's
    '<noscript><meta http-equiv="refresh" content="0; url=/nojs.html"></noscript>',
])
def test_a_page_whose_refresh_a_reader_never_follows_is_read_as_it_is(server: LoopbackServer, head: str) -> None:
    url = server.add("/story", Page(PAGE.replace(b"<title>", head.encode() + b"<title>")))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.OK and result.final_url == url and not result.redirects


def test_meta_refreshes_in_a_loop_or_to_a_refused_address_end_as_redirects_would(server: LoopbackServer) -> None:
    loop = server.add("/a", interstitial("/b")) and server.add("/b", interstitial("/a"))
    to_metadata = server.add("/c", interstitial("http://169.254.169.254/latest/meta-data/"))
    looped = fetch_article(settings(respect_robots=False), loop)
    refused = fetch_article(settings(respect_robots=False), to_metadata)
    assert looped.outcome is Outcome.REDIRECT_LOOP, looped.error
    assert refused.outcome is Outcome.BLOCKED, refused.error
