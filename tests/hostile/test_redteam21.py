"""Red team 21: the fetch and run side (docs/security.md, "Red team 21").

1. The catch-all probe (`catchall`) was not held to the run's deadline: a probe that started as the
   batch's fetches ended held the run up to one whole `timeout` past its budget, and its unanswered
   round judged the page a catch-all's, a counted attempt for each article. Now a round still asking
   at the deadline is dropped, and its page's articles wait for the next run, uncounted.
2. The probe's fake `Host: newsflow-probe.invalid` went along every redirect it followed, to servers
   it never named.
4. Over https the probe asked TLS for the site's name and HTTP for its own: a server answering that
   mismatch with 421 Misdirected Request made a catch-all's page look like the sites' own. Now the
   probe names its host in both, on connections of its own (`fetch.probe_transport`).
5. A probe not sent (its host paused by a Retry-After) was read as "no answer", so the round judged
   a shared article a catch-all's page. Now it asks the next address; with none asked, no verdict.
3. Articles deferred without a request (a robots.txt that cannot be read, a host's pause) were in
   no list: `run_deferred` took their `rate_limited` fetch events for tries. Now it lists them with why.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from newsflow import polling, queries, remote
from newsflow.catchall import PROBE_HOST, judged_within, real_pages
from newsflow.config import load_config
from newsflow.fetch import Fetcher, guarded_transport, probe_transport
from newsflow.models import FetchResult, PendingArticle
from newsflow.remote import fetch_and_extract_here
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query, sql_root
from tests.hostile.servers import LoopbackServer
from tests.hostile.servers import settings as fetch_settings
from tests.hostile.test_redteam10 import config_with
from tests.hostile.test_redteam16_review import fetched_and_judged
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

ARTICLE = (b"<!doctype html><html><head><title>Harbour reopens</title></head><body><article><h1>Harbour "
           b"reopens</h1><p>" + b"The harbour reopened to shipping on Monday after the storm. " * 40
           + b"</p></article></body></html>")
PARKED = (b"<!doctype html><html><head><title>This domain is parked</title></head><body><p>"
          + b"This domain is parked free of charge with our hosting service. " * 10 + b"</p></body></html>")


def probed(handler: BaseHTTPRequestHandler) -> bool:
    return handler.headers.get("Host", "").startswith(PROBE_HOST)


@pytest.fixture
def answer_probes() -> Iterator[threading.Event]:
    """Until set, the servers hold every probe unanswered; once set, they answer it 404 (a vhost)."""
    event = threading.Event()
    yield event
    event.set()


def slow_to_probe(answer_probes: threading.Event) -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if probed(handler):
            answer_probes.wait(30)
            send_bytes(handler, 404, b"no such site", "text/html")
            return
        send_bytes(handler, 200, ARTICLE, "text/html")
    return handle


def test_a_probe_running_at_the_deadline_is_dropped_and_its_articles_wait_for_the_next_run(
    answer_probes: threading.Event,
) -> None:
    """3 sites serve one article; their servers hold the probe (a `timeout` of 20 s); the batch's
    deadline is 2 s away (the Dask worker's half of a batch, which takes its deadline as a time; the
    runner's batch calls the same `catchall.judged_within`). Before: the batch ended one `timeout` past
    its deadline (~20 s), the page judged a catch-all's on no answer, a counted attempt for each
    article. Now the round is dropped at the deadline, no verdict kept, and the 3 articles are left
    out of the batch: pending, uncounted, for the next run to probe again."""
    sites = [LoopbackServer(f"127.0.21.{n}") for n in range(2, 5)]
    try:
        urls = [site.add("/news/harbour", slow_to_probe(answer_probes)) for site in sites]
        batch = [PendingArticle(url, url, "wire", f"harbour {n}", None) for n, url in enumerate(urls)]
        fetch = fetch_settings(timeout=20.0, respect_robots=False)
        remote.worker_extractor(6.0).extract_many([])  # started before the clock: no part of the batch
        started = time.monotonic()
        done, results, _, _ = asyncio.run(fetch_and_extract_here(batch, fetch, 6.0, until_epoch=time.time() + 2.0))
        took = time.monotonic() - started
        probes = sum(1 for site in sites for r in site.requests if r.headers.get("host", "").startswith(PROBE_HOST))
    finally:
        answer_probes.set()
        pool = remote._worker_pools.pop(6.0, None)
        if pool is not None:
            pool.close()
        for server in sites:
            server.close()
    assert probes >= 1, "the probe went out before the deadline"
    assert took < 2.0 + 3.0, f"the batch took {took:.1f} s against a deadline 2 s away: the probe outlived it"
    assert done == [] and results == [], "a page with no verdict is left out: pending, no attempt counted"


def parking_provider(provider_url: str) -> Handler:
    """A hosting provider's box: its parked page for the sites' names, and for a name it does not know a
    redirect to its own site."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if probed(handler):
            send_bytes(handler, 302, b"", "text/html", {"Location": provider_url})
            return
        send_bytes(handler, 200, PARKED, "text/html")
    return handle


def provider_site(handler: BaseHTTPRequestHandler) -> None:
    """The provider's own site, a virtual host: its name gets the parked page, any other a 404."""
    if probed(handler):
        send_bytes(handler, 404, b"no such site", "text/html")
        return
    send_bytes(handler, 200, PARKED, "text/html")


def test_a_redirect_the_probe_follows_goes_out_under_its_own_host_name() -> None:
    """The provider's boxes answer the probe name with a redirect to the provider's site. Before: that
    hop carried `Host: newsflow-probe.invalid` to a server the probe never named, whose 404 to it made
    the parked page look like the 3 sites' own article. Now the hop names its own host: the parked page
    comes back, a catch-all's, not kept."""
    home = LoopbackServer("127.0.21.9")
    boxes = [LoopbackServer(f"127.0.21.{n}") for n in range(5, 8)]
    try:
        provider_url = home.add("/parked", provider_site)
        urls = [box.add("/news/1", parking_provider(provider_url)) for box in boxes]

        results, shared, verdicts = fetched_and_judged(urls)
        hosts_at_home = [r.headers.get("host", "") for r in home.requests]
    finally:
        for server in [home, *boxes]:
            server.close()
    assert all(r.ok for r in results)
    assert hosts_at_home and not [h for h in hosts_at_home if h.startswith(PROBE_HOST)], hosts_at_home
    assert shared == set() and verdicts == {polling.page_digest(PARKED): True}


# --- 3. what a run deferred, and why -----------------------------------------------------------------


def named_rows(config_path: Path, name: str, run_id: str = "latest") -> list[tuple[object, ...]]:
    named = queries.load_query(sql_root() / "queries", name)
    store = Warehouse(load_config(config_path).warehouse_path)
    return run_read_query(store, named.sql, queries.bind_params(named, [f"run_id={run_id}"])).rows


def test_run_deferred_lists_articles_held_by_an_unreadable_robots_txt_or_a_host_pause_with_why(
    tmp_path: Path,
) -> None:
    """Three sites with 2 articles each: one whose robots.txt answers 503, one whose pages answer 429
    with Retry-After 3600, one healthy. Before: `run_deferred` listed none of the 4 articles waiting
    (each has a `rate_limited` fetch event, so it counted as tried), and nothing said why they wait.
    Now it lists them per feed and reason; the healthy site's are stored, not listed."""
    down, paused, healthy = (LoopbackServer(f"127.0.21.{n}") for n in (11, 12, 13))
    try:
        down.add("/robots.txt", Page(b"busy", status=503, validators=False))
        paused.add("/robots.txt", Page(b"User-agent: *\nAllow: /\n", "text/plain"))
        healthy.add("/robots.txt", Page(b"User-agent: *\nAllow: /\n", "text/plain"))
        pause = Page(b"slow down", status=429, validators=False, headers={"Retry-After": "3600"})
        feeds = {}
        for name, server, page in (("down", down, Page(ARTICLE)), ("paused", paused, pause),
                                   ("healthy", healthy, Page(ARTICLE))):
            links: list[tuple[str, str, datetime | None]] = [
                (f"{name} {n}", server.add(f"/news/{n}", page), None) for n in range(2)]
            feeds[name] = server.add("/feed.xml", Page(rss_feed(name, links), "application/rss+xml"))
        config_path = config_with(tmp_path, feeds)
        asyncio.run(run_ingest(load_config(config_path), "run-0", all_feeds=True))
    finally:
        for server in (down, paused, healthy):
            server.close()
    rows = [(feed, articles, why) for feed, articles, _, why in named_rows(config_path, "run_deferred")]
    assert rows == [("down", 2, "robots.txt unreadable"), ("paused", 2, "host asked to wait")], rows
    assert query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NOT NULL") == [(2,)]


# --- 4. the probe over https: one name in TLS and in HTTP --------------------------------------------

SITE_NAMES = [f"site-{n}.example" for n in range(3)]


def certificate_for(folder: Path, names: list[str]) -> ssl.SSLContext:
    """A server context with a self-signed certificate for `names`, whatever name a client asks for."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                   .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def remember_name(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
    sock.asked_for = name  # type: ignore[attr-defined]


def strict_tls_server(address: str, context: ssl.SSLContext, page: bytes, known: list[str]) -> LoopbackServer:
    """A server that answers 421 Misdirected Request when the name in `Host` is not the one TLS asked
    for (as Apache httpd and CDNs do); else `page` for a name in `known` (all names when empty, a
    catch-all), a 404 for another."""
    server = LoopbackServer(address)
    server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True, do_handshake_on_connect=False)

    def handle(handler: BaseHTTPRequestHandler) -> None:
        name = handler.headers.get("Host", "").rsplit(":", 1)[0]
        if name != getattr(handler.connection, "asked_for", None):
            send_bytes(handler, 421, b"misdirected request", "text/html")
        elif known and name not in known:
            send_bytes(handler, 404, b"no such site", "text/html")
        else:
            send_bytes(handler, 200, page, "text/html")
    server.add("/news/1", handle)
    return server


Judged = tuple[list[FetchResult], set[str], dict[str, bool]]


def probe_over_https(
    tmp_path: Path, page: bytes, catch_all: bool, context: ssl.SSLContext | None = None,
    sni_callback: Callable[[ssl.SSLObject, str | None, ssl.SSLContext], int | None] | None = None,
) -> Judged:
    """3 sites, each on its own strict TLS server, serve `page` at /news/1; judge it with the probe."""
    context = context or certificate_for(tmp_path, SITE_NAMES)
    context.sni_callback = sni_callback or remember_name
    servers = [strict_tls_server(f"127.0.21.{21 + n}", context, page, [] if catch_all else [name])
               for n, name in enumerate(SITE_NAMES)]
    addresses = {name: server.host for name, server in zip(SITE_NAMES, servers, strict=True)}

    async def resolve(host: str, port: int) -> list[str]:
        return [addresses[host]]

    settings = fetch_settings(respect_robots=False)
    trusted = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    urls = [f"https://{name}:{server.port}/news/1" for name, server in zip(SITE_NAMES, servers, strict=True)]

    async def go() -> Judged:
        verdicts: dict[str, bool] = {}
        transport = guarded_transport(settings, resolver=resolve, ssl_context=trusted)
        async with Fetcher(settings, transport, probe=probe_transport(settings, resolver=resolve)) as fetcher:
            results = list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))
            return results, await real_pages(results, fetcher.fetch_article, verdicts), verdicts

    try:
        return asyncio.run(go())
    finally:
        for server in servers:
            server.close()


def test_over_https_a_catch_all_that_refuses_a_mismatched_name_is_still_told_by_the_probe(tmp_path: Path) -> None:
    """A provider's catch-all on https, its parked page for every name, answering 421 when `Host` is
    not the name TLS asked for. Before: the probe asked TLS for the site's name and HTTP for
    `newsflow-probe.invalid`; the 421 to that mismatch was taken for a real server's answer, and the
    parked page for the 3 sites' own article. Now the probe names its host in both: the parked page
    comes back, a catch-all's, never kept."""
    results, shared, verdicts = probe_over_https(tmp_path, PARKED, catch_all=True)
    assert all(r.ok for r in results), [r.error for r in results]
    assert shared == set() and verdicts == {polling.page_digest(PARKED): True}


def test_over_https_an_article_3_virtual_hosts_share_is_still_theirs(tmp_path: Path) -> None:
    """The control: the same strict servers, each serving only its own site (a 404 for another name):
    the probe gets the 404, the article is the sites' own, kept."""
    results, shared, verdicts = probe_over_https(tmp_path, ARTICLE, catch_all=False)
    assert all(r.ok for r in results), [r.error for r in results]
    assert shared == {polling.page_digest(ARTICLE)} and verdicts == {polling.page_digest(ARTICLE): False}


def test_over_https_virtual_hosts_that_refuse_an_unknown_name_in_the_handshake_keep_their_article(
    tmp_path: Path,
) -> None:
    """The control for the probe's new TLS name: servers that end the handshake with an alert for a name
    they do not serve (`unrecognized_name`, as many CDNs do) serve names, not every name: the
    article 3 of them share is theirs. Taken as "no answer" (a catch-all's, as a probe that times out
    is), their shared article would be parked after 3 runs."""
    context = certificate_for(tmp_path, SITE_NAMES)

    def refuse_unknown(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> int | None:
        sock.asked_for = name  # type: ignore[attr-defined]
        return None if name in SITE_NAMES else ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME

    results, shared, verdicts = probe_over_https(tmp_path, ARTICLE, catch_all=False, context=context,
                                                 sni_callback=refuse_unknown)
    assert all(r.ok for r in results), [r.error for r in results]
    assert shared == {polling.page_digest(ARTICLE)} and verdicts == {polling.page_digest(ARTICLE): False}


# --- 5. a probe that cannot be sent ---------------------------------------------------------------------


def test_a_probe_that_cannot_be_sent_gives_no_verdict_and_the_shared_article_waits_uncounted() -> None:
    """3 sites serve one article, then each asks for a pause (429, Retry-After 3600) on another page, so
    their hosts are paused for the run before the probe. Before: each probe was `rate_limited`, not
    sent, read as "no answer", and the round judged the shared article a catch-all's page (an attempt
    counted for each copy, parked after 3 such runs). Now a probe not sent asks nothing: the next
    address is tried, and with none asked the page gets no verdict and its articles wait, uncounted."""
    servers = [LoopbackServer(f"127.0.21.{n}") for n in range(50, 53)]
    try:
        urls = [server.add("/news/1", Page(ARTICLE)) for server in servers]
        pausing = [server.add("/news/2", Page(b"slow down", status=429, validators=False,
                                              headers={"Retry-After": "3600"})) for server in servers]

        async def go() -> tuple[list[FetchResult], list[FetchResult], set[str], dict[str, bool]]:
            verdicts: dict[str, bool] = {}
            async with Fetcher(fetch_settings(respect_robots=False)) as fetcher:
                results = list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))
                await asyncio.gather(*(fetcher.fetch_article(url) for url in pausing))
                batch = [PendingArticle(url, url, "wire", None, None) for url in urls]
                _, kept, shared = await judged_within(batch, results, fetcher.fetch_article, verdicts)
                return results, kept, shared, verdicts

        results, kept, shared, verdicts = asyncio.run(go())
        probes = [r for server in servers for r in server.requests if r.headers.get("host", "").startswith(PROBE_HOST)]
    finally:
        for server in servers:
            server.close()
    assert all(r.ok for r in results)
    assert probes == [] and verdicts == {} and shared == set(), verdicts
    assert kept == [], "the article's copies wait for a run that can ask: none judged, none counted"


# --- 6. a clock set back during a run -------------------------------------------------------------------


def test_run_parked_lists_what_a_run_parked_after_its_clock_was_set_back(tmp_path: Path) -> None:
    """A run parks a PDF link (`not_html`, final) after the machine's clock was set back an hour
    (a VM resumed, NTP stepping): the entry's `parked_at` is then before the run's `started_at`.
    The warehouse is made so by moving the run's start an hour on (its end then comes before it), as
    that clock would have left it.
    Before: `run_parked` took what was parked between the run's start and end: nothing, and the
    flow's report said the run parked nothing. Now the run's own fetch events find it too."""
    server = LoopbackServer("127.0.21.60")
    try:
        pdf = server.add("/papers/1", Page(b"%PDF-1.4 not a page", "application/pdf"))
        feed = server.add("/feed.xml", Page(rss_feed("papers", [("A paper", pdf, None)]), "application/rss+xml"))
        config_path = config_with(tmp_path, {"papers": feed})
        asyncio.run(run_ingest(load_config(config_path), "run-0", all_feeds=True))
    finally:
        server.close()
    assert named_rows(config_path, "run_parked")[0][:2] == ("papers", pdf), "parked, with the clock as it was"
    with Warehouse(load_config(config_path).warehouse_path).writing() as con:
        con.execute("UPDATE runs SET started_at = started_at + INTERVAL 1 HOUR WHERE run_id = 'run-0'")
    assert [row[:4] for row in named_rows(config_path, "run_parked")] == [("papers", pdf, 1, "not_html")]


# --- 7. a probe the server resets (review) ----------------------------------------------------------------


def resets_the_probe(handler: BaseHTTPRequestHandler) -> None:
    """A virtual host that drops a name it does not serve with no answer (nginx's `return 444` in its
    default server, a common hardening recipe): a reset, where a catch-all would serve its page."""
    if probed(handler):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        return
    send_bytes(handler, 200, ARTICLE, "text/html")


def test_a_probe_the_server_resets_makes_the_shared_article_theirs_and_it_is_stored(tmp_path: Path) -> None:
    """3 sites syndicate one article; their servers reset a connection that names a host they do not
    serve; a 4th site comes through with its own article. Before (review of red team 21): the reset
    read as "no answer", the round judged the shared article a catch-all's page, and each copy got a
    counted `http_error` attempt, parked after `max_article_attempts` such runs: a real article lost.
    The review made it no verdict: the copies waited uncounted, re-probed every run, never stored. Now
    a server that does not answer the probe's name does not answer every name: the article is stored."""
    shared_sites = [LoopbackServer(f"127.0.21.{n}") for n in range(70, 73)]
    own = LoopbackServer("127.0.21.73")
    try:
        feeds = {}
        for n, site in enumerate(shared_sites):
            article = site.add("/news/harbour", resets_the_probe)
            feeds[f"wire{n}"] = site.add("/feed.xml", Page(rss_feed(f"wire{n}", [("Harbour reopens", article, None)]),
                                                           "application/rss+xml"))
        mine = own.add("/news/own", Page(ARTICLE.replace(b"Harbour", b"Airport")))
        feeds["own"] = own.add("/feed.xml", Page(rss_feed("own", [("Airport reopens", mine, None)]),
                                                 "application/rss+xml"))
        config_path = config_with(tmp_path, feeds)
        asyncio.run(run_ingest(load_config(config_path), "run-0", all_feeds=True))
        probes = sum(1 for site in shared_sites for r in site.requests
                     if r.headers.get("host", "").startswith(PROBE_HOST))
    finally:
        for server in [*shared_sites, own]:
            server.close()
    assert probes >= 1, "the shared article was probed"
    rows = query(config_path, "SELECT feed_id, fetch_attempts, parked_at IS NULL, article_id IS NULL FROM entries "
                              "WHERE feed_id LIKE 'wire%' ORDER BY feed_id")
    assert rows == [(f"wire{n}", 0, True, False) for n in range(3)], rows
    assert query(config_path, "SELECT count(DISTINCT article_id) FROM entries WHERE feed_id LIKE 'wire%'") == [(3,)]
    assert query(config_path, "SELECT count(*) FROM entries WHERE feed_id = 'own' AND article_id IS NOT NULL") == [(1,)]


def test_over_https_a_server_that_closes_the_handshake_for_the_probe_with_no_alert_serves_names(
    tmp_path: Path,
) -> None:
    """A TLS front that closes the connection, no alert sent, when TLS asks for a name it does not
    serve. Before (review of red team 21): any failed handshake was read as a TLS alert, a real
    server's answer; the review made a close with none no verdict (the article waited for good). Now
    no answer, like an alert, is a server that does not answer every name: the page is the sites'."""
    context = certificate_for(tmp_path, SITE_NAMES)

    def close_on_unknown(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> int | None:
        sock.asked_for = name  # type: ignore[attr-defined]
        if name not in SITE_NAMES:  # FIN before any alert can go out: the client reads EOF
            with socket.socket(fileno=os.dup(sock.fileno())) as raw:  # type: ignore[attr-defined]
                raw.shutdown(socket.SHUT_RDWR)
        return None

    results, shared, verdicts = probe_over_https(tmp_path, ARTICLE, catch_all=False, context=context,
                                                 sni_callback=close_on_unknown)
    assert all(r.ok for r in results), [r.error for r in results]
    assert shared == {polling.page_digest(ARTICLE)} and verdicts == {polling.page_digest(ARTICLE): False}, verdicts


def vhost(handler: BaseHTTPRequestHandler) -> None:
    """A virtual host: the article for its name, a 404 for another."""
    send_bytes(handler, *((404, b"no such site") if probed(handler) else (200, ARTICLE)), "text/html")


def mirror(handler: BaseHTTPRequestHandler) -> None:
    """A one-site box: the article for every name."""
    send_bytes(handler, 200, ARTICLE, "text/html")


@pytest.mark.parametrize("others", [vhost, mirror])
def test_a_probe_reset_makes_the_page_the_sites_own(others: Handler) -> None:
    """The first address asked drops the probe's name with a reset (nginx's 444); the 2 others are
    virtual hosts (a 404) or one-site boxes (the article again). Before (review of red team 21): any
    probe with no answer ended the round with no verdict, so the article those sites share waited,
    uncounted, every run, never stored. Now a server that drops the name does not answer every name:
    the round ends there, the page is the sites' own, whatever the others would have said."""
    servers = [LoopbackServer(f"127.0.21.{n}") for n in range(80, 83)]
    try:
        urls = [server.add("/news/1", handler) for server, handler in zip(servers, [resets_the_probe, others, others],
                                                                          strict=True)]

        results, shared, verdicts = fetched_and_judged(urls)
        first_probed = any(r.headers.get("host", "").startswith(PROBE_HOST) for r in servers[0].requests)
        others_probed = sum(1 for server in servers[1:] for r in server.requests
                            if r.headers.get("host", "").startswith(PROBE_HOST))
    finally:
        for server in servers:
            server.close()
    assert all(r.ok for r in results) and first_probed and others_probed == 0
    digest = polling.page_digest(ARTICLE)
    assert verdicts == {digest: False} and shared == {digest}, verdicts
