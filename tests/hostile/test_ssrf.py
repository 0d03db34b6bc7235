"""The SSRF guard: every connection, on every hop, goes only to a checked public address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsflow.fetch import guarded_transport
from newsflow.models import Outcome
from tests.hostile.servers import (
    LoopbackServer,
    fetch_article,
    fetch_feed,
    redirect,
    running_server,
    settings,
    static_resolver,
)
from tests.localserver import LocalServer, Page

PAGE = Page(b"<html><p>internal admin page</p></html>")


@pytest.fixture
def origin() -> Iterator[LoopbackServer]:
    """A 'public' origin on 127.0.0.2; only 127.0.0.2/32 is allowed, so 127.0.0.1 stays forbidden."""
    yield from running_server("127.0.0.2")


ONLY_ORIGIN = ("127.0.0.2/32",)


def test_redirect_to_localhost_is_blocked_and_never_reaches_it(origin: LoopbackServer, server: LocalServer) -> None:
    server.add("/admin", PAGE)
    origin.add("/story", redirect(f"http://localhost:{server.port}/admin"))
    result = fetch_article(settings(allowed_networks=ONLY_ORIGIN, respect_robots=False), origin.url("/story"))
    assert result.outcome is Outcome.BLOCKED
    assert server.requests == []
    assert result.final_url == f"http://localhost:{server.port}/admin"
    assert result.error == (
        f"GET http://localhost:{server.port}/admin: refused: localhost resolves to 127.0.0.1, "
        "a loopback address (block_private_networks)"
    )


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.0.0.1/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]:{port}/admin",  # IPv4-mapped IPv6
        "http://2130706433:{port}/admin",  # 127.0.0.1 written as one decimal number
        "http://0x7f.1:{port}/admin",  # and in hex shorthand
        "http://100.64.0.1/",  # carrier-grade NAT
    ],
)
def test_redirect_hop_to_a_private_address_is_refused_before_connecting(
    origin: LoopbackServer, server: LocalServer, target: str
) -> None:
    server.add("/admin", PAGE)
    origin.add("/story", redirect(target.format(port=server.port)))
    result = fetch_feed(settings(allowed_networks=ONLY_ORIGIN, timeout=5.0), origin.url("/story"))
    assert result.outcome is Outcome.BLOCKED  # not TIMEOUT or CONNECT_ERROR: no connection was tried
    assert result.elapsed_ms < 1000
    assert server.requests == []


def test_public_name_resolving_to_loopback_is_blocked(server: LocalServer) -> None:
    url = server.add("/story", PAGE).replace("127.0.0.1", "news.example.com")
    fetch_settings = settings(allowed_networks=())
    transport = guarded_transport(fetch_settings, resolver=static_resolver("127.0.0.1"))
    result = fetch_article(fetch_settings, url, transport=transport)
    assert result.outcome is Outcome.BLOCKED
    assert "news.example.com resolves to 127.0.0.1, a loopback address" in (result.error or "")
    assert server.requests == []


def test_injected_resolver_is_what_the_connection_uses(server: LocalServer) -> None:
    """Control for the test above: the same name and resolver, with loopback allowed, connects."""
    url = server.add("/story", PAGE).replace("127.0.0.1", "news.example.com")
    fetch_settings = settings(respect_robots=False)
    transport = guarded_transport(fetch_settings, resolver=static_resolver("127.0.0.1"))
    result = fetch_article(fetch_settings, url, transport=transport)
    assert result.outcome is Outcome.OK
    assert server.hits("/story")[0].headers["host"] == f"news.example.com:{server.port}"


def test_one_private_answer_among_public_ones_blocks_the_name(server: LocalServer) -> None:
    url = server.add("/story", PAGE).replace("127.0.0.1", "rebind.example.com")
    fetch_settings = settings(allowed_networks=())
    transport = guarded_transport(fetch_settings, resolver=static_resolver("93.184.216.34", "127.0.0.1"))
    result = fetch_feed(fetch_settings, url, transport=transport)
    assert result.outcome is Outcome.BLOCKED
    assert server.requests == []


def test_loopback_is_blocked_by_default(server: LocalServer) -> None:
    url = server.add("/story", PAGE)
    result = fetch_feed(settings(allowed_networks=()), url)
    assert result.outcome is Outcome.BLOCKED
    assert server.requests == []


def test_block_private_networks_off_allows_loopback(server: LocalServer) -> None:
    url = server.add("/story", PAGE)
    result = fetch_feed(settings(allowed_networks=(), block_private_networks=False), url)
    assert result.outcome is Outcome.OK


@pytest.mark.parametrize(
    "link",
    [
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://127.0.0.1:{port}/pub/file",
        "gopher://127.0.0.1:{port}/_SET",
        "//127.0.0.1:{port}/no-scheme",
    ],
)
def test_non_http_links_are_rejected_with_no_request(server: LocalServer, link: str) -> None:
    url = link.format(port=server.port)
    article = fetch_article(settings(), url)
    feed = fetch_feed(settings(), url)
    assert article.outcome is Outcome.INVALID_URL
    assert feed.outcome is Outcome.INVALID_URL
    assert server.requests == []  # not even robots.txt
    assert article.error is not None and article.error.startswith(f"GET {url}: ")


def test_dns_failure_is_a_dns_error() -> None:
    result = fetch_feed(settings(), "http://no-such-host.invalid/feed")
    assert result.outcome is Outcome.DNS_ERROR
    assert result.error is not None and "cannot resolve no-such-host.invalid" in result.error
