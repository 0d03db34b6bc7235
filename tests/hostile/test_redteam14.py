"""Red team 14: the gaps red team 13 left (docs/security.md, "Known gaps"), then hostile servers by class.

1. A page of no declared length (HTTP/1.0 style) with no `<html>` or `<body>` (HTML lets both go
   unwritten), cut short by the server closing, was stored as whole: only a root's missing end
   told a cut. Now a rootless page that ends inside a tag, a comment, a script or a style is cut.
2. A captive portal answering `200` with its own page at every URL, no redirect: each feed was a
   `parse_error` and backed off (no outage was told). And a "walled garden" portal that lets a site
   or two through had their articles counted as failed attempts, and parked after 3 runs behind it.
3. Hunted: a `206 Partial Content` (or `226 IM Used`) to a request that asked for no range and no
   delta, as a cache that kept a partial object serves it to every client: the first part of the
   page was stored as the article for good, the first part of a feed parsed as the feed.
4. Hunted: a server whose clock is off answers `503` with `Retry-After` as an HTTP date by its own
   clock (its `Date` header says which): 6 hours ahead, a pause of 2 s was read as 6 hours (the feed
   not polled for 6 hours); behind, as none (the request sent again at once).
5. Hunted: a name answering several addresses, the first of which swallows connects (a dead server
   of a pool, a blackholed route for one of them): the first address took the whole deadline and
   the next, which answers, was never tried: `connect_error` on every poll.
6. Hunted: one site carrying most of the config's feeds stops resolving (its domain lapsed, its DNS
   down): 80% of the feeds failed to resolve, so every run was a "network outage", and no article
   of any other site was tried, for as long as that site stayed down.
7. Hunted: a robots.txt of no declared length cut short by the server closing: its last rule, cut
   (`Disallow: /search` as `Disallow: /`), was read as written, and `robots_disallowed` is final:
   every article of the site parked at once, for good.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import duckdb
import pytest

from newsflow import netguard
from newsflow.config import load_config
from newsflow.fetch import guarded_transport
from newsflow.models import Outcome
from newsflow.runner import run_ingest
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, settings, static_resolver
from tests.hostile.test_redteam10 import config_with, serve_feed
from tests.hostile.test_redteam11 import LOGIN
from tests.hostile.test_redteam13 import SUSPENDED
from tests.localserver import Page
from tests.sitefactory import rss_feed
from tests.test_captive_portal import Dns
from tests.test_unstoppable import query

ROOTLESS = (b"<!doctype html><title>t</title><style>p { margin: 0 }</style>"
            b"<!-- article --><p>" + b"words " * 300 + b"</p><script>var n = 1;</script><p>the end</p>")


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


def close_delimited(body: bytes) -> bytes:
    return response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/html")], body)


@pytest.mark.parametrize("cut_after", [b"<!doctype html><title>t</title><st", b"<!-- arti",
                                       b"<script>var n", b"<style>p { mar", b"</p><scr", b"<p>the end</"])
def test_a_rootless_page_of_no_length_cut_inside_markup_is_an_error(raw: RawServer, cut_after: bytes) -> None:
    """Before: `ok`, the cut page stored as the article for good. Now `protocol_error` (tried again)."""
    cut = ROOTLESS[: ROOTLESS.index(cut_after) + len(cut_after)]
    raw.answer = lambda path: close_delimited(cut)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, (cut[-30:], result.outcome, result.error)
    assert "body cut short: no length was declared" in (result.error or "")
    assert result.html == b""


@pytest.mark.parametrize("body", [
    ROOTLESS,
    ROOTLESS + b"\n\n",
    b"<p>a page cut in its text, or written without end tags, says nothing of its end: taken as it came",
    b"<p>a comparison 1 < 2 in text is not a tag",
    b"<p>an old script <script><!-- hide\nvar x = 1;\n// --></script>",
])
def test_a_whole_rootless_page_of_no_length_is_read(raw: RawServer, body: bytes) -> None:
    raw.answer = lambda path: close_delimited(body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK, result.error
    assert result.html == body


def test_a_rootless_page_cut_inside_markup_is_whole_when_its_length_was_declared(raw: RawServer) -> None:
    """Only a body framed by the close is judged so: a declared length reached is the server's word."""
    body = ROOTLESS[: ROOTLESS.index(b"</p><scr") + 8]
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                                            (b"Content-Length", str(len(body)).encode())], body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK and result.html == body, result.error


# --- 2. a captive portal answering 200 with its own page at every URL -----------------------------


def portal_world(tmp_path: Path, sites: int, through: int, runs_behind: int) -> Path:
    """`sites` sites, one feed of 2 articles each; run 0 fetches every feed with every article busy
    (503), so all are pending. Then a portal answers every URL of all sites but the first `through`
    with its login page (200, no redirect) for `runs_behind` runs: the first polls every feed, the
    others only the feeds it lets through (due on their own schedules), and the network comes back
    for one last run."""
    hosts = [f"127.0.0.{n}" for n in range(2, 2 + sites)]
    servers = {host: LoopbackServer(host) for host in hosts}
    try:
        feeds = {f"feed-{n}": serve_feed(servers[host], f"feed-{n}", range(2 * n, 2 * n + 2))
                 for n, host in enumerate(hosts)}
        pages = {host: dict(server.routes) for host, server in servers.items()}
        config_path = config_with(tmp_path, feeds)  # min_interval 600: a feed polled is not due again here
        config = load_config(config_path)
        for host, server in servers.items():
            for path, route in pages[host].items():
                server.add(path, Page(b"busy", status=503) if "/a/" in path else route)
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))
        for n, host in enumerate(hosts):
            for path, route in pages[host].items():
                servers[host].add(path, route if n < through else Page(LOGIN))
        for run in range(1, 1 + runs_behind):
            if run > 1:  # the sites let through come due on their own schedule; the others are not due
                make_due(config.warehouse_path, [f"feed-{n}" for n in range(through)])
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=run == 1))
        for host, server in servers.items():
            for path, route in pages[host].items():
                server.add(path, route)
        asyncio.run(run_ingest(config, "back", all_feeds=False))
    finally:
        for server in servers.values():
            server.close()
    return config_path


def make_due(warehouse_path: Path, feed_ids: list[str]) -> None:
    with duckdb.connect(str(warehouse_path)) as con:
        con.execute("UPDATE feeds SET next_poll_at = now() - INTERVAL 1 MINUTE WHERE list_contains(?, feed_id)",
                    [feed_ids])


def test_a_portal_answering_200_with_its_page_at_every_url_penalises_no_feed(tmp_path: Path) -> None:
    """Before: the run was no outage, and each feed was a `parse_error` ("an HTML page, not a feed")
    with a failure counted, backing off. Now feeds of 3 sites or more served one page byte for byte
    count toward an outage like feeds sent to one page: no feed penalised, no article tried."""
    config_path = portal_world(tmp_path, sites=4, through=0, runs_behind=1)
    assert query(config_path, "SELECT network_outage FROM runs ORDER BY run_seq") == [(False,), (True,), (False,)]
    assert query(config_path, "SELECT max(consecutive_failures) FROM feeds") == [(0,)], "no feed penalised"
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(8, 8, 0)]


def test_a_walled_garden_portal_letting_a_site_through_loses_no_article(tmp_path: Path) -> None:
    """The portal lets one site of 6 through (a walled garden: the hotel's own site). Before: the run
    polling every feed was no outage (a site came through, and no portal was told from pages served
    without a redirect), and in each run after it whose poll of that site's feed came through, that
    site made the portal's page a host's own (red team 13's "account suspended" rule): each of the 10
    intercepted articles counted a failed attempt a run, all 10 parked after 3 runs behind the portal.
    Now one page answering for 80% of the sites or more (`polling.walled_garden`) is the network's
    even when a site or two come through: they stay pending with no attempt, and are stored once the
    network is back."""
    config_path = portal_world(tmp_path, sites=6, through=1, runs_behind=4)
    assert query(config_path, "SELECT network_outage FROM runs ORDER BY run_seq LIMIT 2") == [(False,), (True,)]
    assert query(config_path, "SELECT max(consecutive_failures) FROM feeds") == [(0,)], "no feed penalised"
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(12, 12, 0)]
    assert query(config_path, "SELECT count(*) FROM articles WHERE text LIKE '%Hotel WiFi%'") == [(0,)]


# --- 3. a part of a document, answered to a request for the whole --------------------------------

PAGE = b"<!doctype html><html><head><title>t</title></head><body><p>" + b"words " * 400 + b"</p></body></html>"
FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
        + b"".join(b"<item><title>item %d</title><link>http://127.0.0.1/a/%d</link></item>" % (n, n)
                   for n in range(40)) + b"</channel></rss>")


@pytest.mark.parametrize("kind", ["feed", "article"])
@pytest.mark.parametrize("status", [b"206 Partial Content", b"226 IM Used"])
def test_a_partial_answer_to_a_request_for_the_whole_is_an_error(raw: RawServer, kind: str, status: bytes) -> None:
    """newsflow never sends `Range` nor `A-IM`. Before: `ok`, the 1,200 bytes stored as the article
    (or parsed as the feed, items cut at the end). Now `http_error` naming the status (soft: a feed
    backs off, an article counts an attempt), nothing stored."""
    whole = FEED if kind == "feed" else PAGE
    part = whole[:1200]
    raw.answer = lambda path: response(b"HTTP/1.1 " + status, [
        (b"Content-Type", b"application/rss+xml" if kind == "feed" else b"text/html"),
        (b"Content-Length", str(len(part)).encode()), (b"Content-Range", b"bytes 0-1199/%d" % len(whole))], part)
    fetch = fetch_feed if kind == "feed" else fetch_article
    result = fetch(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.HTTP_ERROR, (result.outcome, result.error)
    assert f"HTTP {status.decode()[:3]}" in (result.error or "") and "asked for the whole" in (result.error or "")
    assert result.body == b"" and result.html == b""


# --- 4. Retry-After as a date, from a server whose clock is off ------------------------------------


def busy_then_feed(skew: timedelta, pause: float) -> Callable[[str], bytes]:
    """503 with `Date` and `Retry-After` by a clock `skew` off ours, `pause` s apart; then the feed."""
    answers = iter(range(2))

    def answer(path: str) -> bytes:
        if next(answers, 1) == 0:
            server_now = datetime.now(UTC) + skew
            return response(b"HTTP/1.1 503 Service Unavailable", [
                (b"Date", format_datetime(server_now, usegmt=True).encode()),
                (b"Retry-After", format_datetime(server_now + timedelta(seconds=pause), usegmt=True).encode()),
                (b"Content-Length", b"0")])
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"application/rss+xml"),
                                              (b"Content-Length", str(len(FEED)).encode())], FEED)
    return answer


@pytest.mark.parametrize("skew", [timedelta(hours=6), timedelta(hours=-2), timedelta(0)],
                         ids=["server-6h-ahead", "server-2h-behind", "in-step"])
def test_a_retry_after_date_is_read_against_the_servers_own_clock(raw: RawServer, skew: timedelta) -> None:
    """The server asks for 2 s, by its own clock (an HTTP date 2 s after its own `Date`). Before: 6 h
    ahead, `rate_limited` with a pause of 21,602 s (beyond `max_retry_after`: not retried, and the
    feed's next poll pushed back as far); 2 h behind, a pause of 0: sent again at once. Now the date
    is measured from the response's `Date` when it has one: a 2 s pause, then the feed."""
    raw.answer = busy_then_feed(skew, pause=2.0)
    started = time.monotonic()
    result = fetch_feed(settings(respect_robots=False, timeout=3.0, max_retry_after=5.0), raw.url("/x"))
    took = time.monotonic() - started
    assert result.outcome is Outcome.OK, (result.outcome, result.error)
    assert len(raw.requests) == 2
    assert 1.0 <= took < 4.5, f"waited {took:.1f} s for a pause of 2 s"


# --- 5. a name answering several addresses, the first of which swallows connects -------------------


def test_a_name_whose_first_address_swallows_connects_is_fetched_from_the_next(server_on_two: str) -> None:
    """`multi.example` answers 127.0.0.7 (a full accept queue: SYNs dropped) and 127.0.0.8 (a server),
    on one port. Before: the connect to the first took the whole deadline (`connect_error` at 2 s),
    the second never tried. Now each address gets its share of what is left of the connect timeout
    (the last gets all that is left), so the feed is read."""
    started = time.monotonic()
    result = fetch_feed(settings(respect_robots=False, timeout=2.0), server_on_two,
                        transport=guarded_transport(settings(timeout=2.0), resolver=static_resolver(
                            "127.0.0.7", "127.0.0.8")))
    took = time.monotonic() - started
    assert result.outcome is Outcome.OK, (result.outcome, result.error)
    assert took < 2.0, took


def test_a_name_whose_every_address_swallows_connects_ends_at_its_deadline(server_on_two: str) -> None:
    port = server_on_two.split(":")[2].split("/")[0]
    result = fetch_feed(settings(respect_robots=False, timeout=1.0), f"http://multi.example:{port}/feed",
                        transport=guarded_transport(settings(timeout=1.0), resolver=static_resolver(
                            *["127.0.0.7"] * 5)))
    assert result.outcome is Outcome.CONNECT_ERROR, (result.outcome, result.error)
    assert 900 <= result.elapsed_ms < 2000, result.elapsed_ms


@pytest.fixture
def server_on_two() -> Iterator[str]:
    """A feed served on 127.0.0.8:P, and 127.0.0.7:P a port whose accept queue is full."""
    feed_server = LoopbackServer("127.0.0.8")
    feed_server.add("/feed", Page(FEED, "application/rss+xml"))
    port = int(feed_server.url("/").split(":")[2].split("/")[0])
    hole = socket.socket()
    hole.bind(("127.0.0.7", port))
    hole.listen(0)
    fillers = [socket.socket() for _ in range(4)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.7", port))
    try:
        yield f"http://multi.example:{port}/feed"
    finally:
        for sock in [*fillers, hole]:
            sock.close()
        feed_server.close()


# --- 6. one site carrying most feeds stops resolving: not an outage --------------------------------


def test_one_site_of_most_feeds_that_stops_resolving_does_not_hold_back_the_other_sites_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 feeds on big.test, 1 on small.test whose 2 articles wait (busy on the first run). Then
    big.test stops resolving for 3 runs. Before: 4 of 5 feeds `dns_error`, each run an outage, no
    article tried: small.test's 2 waited as long as big.test was down. Now an outage also needs 80%
    of the sites polled to fail so (here 1 of 2): small.test's articles are stored on the first run,
    and big.test's feeds back off."""
    dns = Dns()
    monkeypatch.setattr(netguard, "system_resolver", dns.resolve)
    server = LoopbackServer("127.0.0.2")
    try:
        feeds = {f"big-{n}": serve_feed(server, f"big-{n}", range(0)) for n in range(4)}
        small = serve_feed(server, "small", range(2))
        feeds = {name: url.replace("127.0.0.2", "big.test") for name, url in feeds.items()}
        feeds["small"] = small.replace("127.0.0.2", "small.test")
        config_path = config_with(tmp_path, feeds, allowed_networks=["127.0.0.2/32"])
        config = load_config(config_path)
        dns.answers = {"big.test": "127.0.0.2", "small.test": "127.0.0.2"}
        pages = {path: route for path, route in server.routes.items() if "/a/" in path}
        for path in pages:
            server.add(path, Page(b"busy", status=503))
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))
        for path, route in pages.items():
            server.add(path, route)
        del dns.answers["big.test"]
        asyncio.run(run_ingest(config, "run-1", all_feeds=True))
    finally:
        server.close()
    assert query(config_path, "SELECT network_outage FROM runs ORDER BY run_seq") == [(False,), (False,)]
    assert query(config_path, "SELECT count(article_id) FROM entries WHERE feed_id = 'small'") == [(2,)]
    assert query(config_path, "SELECT count(*) FROM feeds WHERE feed_id LIKE 'big-%' "
                              "AND consecutive_failures = 1") == [(4,)], "the site that is down backs off"


# --- 7. a robots.txt of no declared length cut short -----------------------------------------------


def test_a_robots_txt_cut_short_in_its_last_rule_does_not_park_the_sites_articles(raw: RawServer) -> None:
    """HTTP/1.0 style, the server closes after `Disallow: /` of `Disallow: /search`. Before: the site
    was disallowed whole, the article `robots_disallowed` (final: parked at once). Now a robots.txt
    framed by the close whose last line has no line break may be cut there. A cut `Disallow: /` makes
    the robots.txt unreadable (red team 16; red team 14 dropped the line and fetched the article):
    nothing of the site is fetched this run, each article deferred (`rate_limited`, not counted),
    never parked."""
    robots = b"User-agent: *\nDisallow: /private/\nDisallow: /search"

    def answer(path: str) -> bytes:
        if path == "/robots.txt":
            return response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/plain")], robots[: robots.rindex(b"/") + 1])
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                              (b"Content-Length", str(len(PAGE)).encode())], PAGE)

    raw.answer = answer
    article = fetch_article(settings(respect_robots=True), raw.url("/news/1"))
    private = fetch_article(settings(respect_robots=True), raw.url("/private/1"))
    assert article.outcome is Outcome.RATE_LIMITED, (article.outcome, article.error)
    assert private.outcome is Outcome.RATE_LIMITED, "not final: tried again on the next run"
    assert "robots.txt could not be read (protocol_error)" in (article.error or ""), article.error
    assert raw.hits("/news/1") == raw.hits("/private/1") == []


def test_a_whole_robots_txt_with_a_final_line_break_is_read_whole(raw: RawServer) -> None:
    def answer(path: str) -> bytes:
        return response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/plain")], b"User-agent: *\nDisallow: /\n")

    raw.answer = answer
    assert fetch_article(settings(respect_robots=True), raw.url("/news/1")).outcome is Outcome.ROBOTS_DISALLOWED


# --- review 1: one page every article of 4 sites is redirected to, while the feed came through ---------

UNAVAILABLE = (b"<!doctype html><html><head><title>Unavailable in your region</title></head><body><h1>This "
               b"content is not available in your region.</h1><p>" + b"Our group's sites cannot be read here. " * 10
               + b"</p></body></html>")


def test_articles_of_4_sites_redirected_to_one_page_while_their_aggregators_feed_came_through_are_parked(
    tmp_path: Path,
) -> None:
    """One aggregator's feed (its own site) lists 8 articles of a media group's 4 sites; every one
    is redirected (302) to the group's one "unavailable in your region" page. 4 sites of 5 is 80%:
    before, a walled garden (`polling.walled_garden`), so all 8 stayed pending, no attempt counted,
    every run, for good. Now a page reached by a redirect is a portal's only when this run's feed
    polls of 3 sites or more were sent there too: each run counts an `http_error` attempt, and after
    `max_article_attempts` (3) they are parked, the error saying why."""
    aggregator, group = LoopbackServer("127.0.0.2"), [LoopbackServer(f"127.0.0.{n}") for n in range(3, 7)]
    unavailable = LoopbackServer("127.0.0.9")
    unavailable.add("/unavailable", Page(UNAVAILABLE))
    try:
        links = [(f"story {n}", site.url(f"/a/{n}"), None) for n, site in enumerate(group * 2)]
        for _, link, _ in links:
            site = next(s for s in group if link.startswith(s.url("/")))
            site.add(link[len(site.url("/")) - 1:], Page(b"", status=302,
                                                         headers={"Location": unavailable.url("/unavailable")}))
        feed = aggregator.add("/feed.xml", Page(rss_feed("aggregator", links), "application/rss+xml"))
        config_path = config_with(tmp_path, {"aggregator": feed})
        config = load_config(config_path)
        for run in range(3):
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
    finally:
        for server in [aggregator, *group, unavailable]:
            server.close()
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at), max(fetch_attempts) "
                              "FROM entries") == [(8, 0, 8, 3)]
    [(error,)] = query(config_path, "SELECT last_error FROM entries LIMIT 1")
    assert "the host's own page" in str(error)


# --- review 4: a robots.txt cut short in a Disallow line still disallows ---------------------------


@pytest.mark.parametrize(("robots", "disallowed", "allowed"), [
    (b"User-agent: *\nDisallow: /search\nDisallow: /priv", "/private/1", "/news/1"),  # cut in /private
    (b"User-agent: *\nDisallow: /private", "/private/1", "/news/1"),  # whole, no final line break
    (b"User-agent: *\nDisallow: /\nAllow: /", "/news/1", None),  # `Allow: /news` cut: dropped
])
def test_a_robots_txt_cut_short_in_a_disallow_line_never_allows_what_it_disallowed(
    raw: RawServer, robots: bytes, disallowed: str, allowed: str | None,
) -> None:
    """HTTP/1.0 style, the server closes inside the last line. Before: that line was dropped
    whatever it said, so a cut `Disallow: /private` (`/priv`) disallowed nothing and /private was
    fetched. Now a cut `Disallow` stays (its path a prefix of the one meant: it disallows more, never
    less), and a cut `Allow` is dropped (`Allow: /news` cut as `Allow: /` would allow everything)."""

    def answer(path: str) -> bytes:
        if path == "/robots.txt":
            return response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/plain")], robots)
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                              (b"Content-Length", str(len(PAGE)).encode())], PAGE)

    raw.answer = answer
    assert fetch_article(settings(respect_robots=True), raw.url(disallowed)).outcome is Outcome.ROBOTS_DISALLOWED
    if allowed is not None:
        result = fetch_article(settings(respect_robots=True), raw.url(allowed))
        assert result.outcome is Outcome.OK, (result.outcome, result.error)


# --- review 3: a name of 16 or 100 addresses: each tried gets time to connect ---------------------


@pytest.mark.parametrize("addresses", [2, 4, 16, 100])
def test_each_address_tried_gets_time_to_connect_and_at_most_4_are_tried(addresses: int) -> None:
    """Before: a 10 s connect timeout split evenly, so each of 100 addresses got 0.1 s (16: 0.6 s),
    too short to connect across an ocean, and the name failed though every address answered. Now
    each address tried gets at least `CONNECT_FLOOR_S` (or half the timeout), at most 4 are tried,
    and all of them together never take more than the timeout."""
    started = time.monotonic()
    first = netguard._share_of(10.0, started, min(addresses, netguard.MAX_ADDRESSES_TRIED))
    assert first is not None and first >= netguard.CONNECT_FLOOR_S, first
    tried = min(addresses, netguard.MAX_ADDRESSES_TRIED)
    assert netguard._share_of(2.0, started, tried) == pytest.approx(1.0, abs=0.05)
    assert netguard._share_of(10.0, started - 9.5, 3) == pytest.approx(0.5, abs=0.05), "never past the timeout"


# --- review 2: small blogs of one shared host serving its "account suspended" page -----------------


def test_four_blogs_of_one_shared_host_serving_its_suspended_page_are_no_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 small blogs on one shared host (one address), 1 healthy site elsewhere. The host suspends
    the blogs: every URL of theirs, feed and article, answers 200 with its one "account suspended"
    page. Before: feeds of 4 sites of 5 served one page byte for byte (80%) made every run a network
    outage: no feed backed off, and no article was fetched anywhere, the healthy site's included.
    Now a page served at the URLs themselves is the network's only when it came from 3 addresses or
    more (`polling.network_pages`): the healthy site's articles are stored, the blogs' feeds back
    off, and their articles are counted and parked after `max_article_attempts` (3)."""
    dns = Dns()
    monkeypatch.setattr(netguard, "system_resolver", dns.resolve)
    shared, healthy = LoopbackServer("127.0.0.2"), LoopbackServer("127.0.0.3")
    try:
        feeds = {f"blog-{n}": serve_feed(shared, f"blog-{n}", range(n, n + 1)).replace("127.0.0.2", f"blog-{n}.test")
                 for n in range(4)}
        feeds["news"] = serve_feed(healthy, "news", range(10, 12)).replace("127.0.0.3", "news.test")
        dns.answers = {**{f"blog-{n}.test": "127.0.0.2" for n in range(4)}, "news.test": "127.0.0.3"}
        config_path = config_with(tmp_path, feeds, allowed_networks=["127.0.0.2/32", "127.0.0.3/32"])
        config = load_config(config_path)
        blog_pages = dict(shared.routes)
        news_pages = {path: route for path, route in healthy.routes.items() if "/a/" in path}
        for server, pages in ((shared, blog_pages), (healthy, news_pages)):  # run 0: every article busy
            for path, route in pages.items():
                server.add(path, Page(b"busy", status=503) if "/a/" in path else route)
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))
        for path in blog_pages:
            shared.add(path, Page(SUSPENDED))
        for path, route in news_pages.items():
            healthy.add(path, route)
        for run in (1, 2):
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
    finally:
        shared.close()
        healthy.close()
    assert query(config_path, "SELECT network_outage FROM runs ORDER BY run_seq") == [(False,)] * 3
    assert query(config_path, "SELECT count(article_id) FROM entries WHERE feed_id = 'news'") == [(2,)]
    assert query(config_path, "SELECT count(*) FROM feeds WHERE feed_id LIKE 'blog-%' "
                              "AND consecutive_failures > 0") == [(4,)], "the suspended blogs back off"
    assert query(config_path, "SELECT count(article_id), count(parked_at) FROM entries "
                              "WHERE feed_id LIKE 'blog-%'") == [(0, 4)]
    assert query(config_path, "SELECT count(*) FROM articles WHERE text LIKE '%suspended%'") == [(0,)]
