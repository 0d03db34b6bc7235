"""The fetch stage: pure policies (addresses, Retry-After, decoding, charset) and basic HTTP behaviour.

Hostile servers (drip, bombs, loops, SSRF hops, robots, pacing) live in tests/hostile/.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from newsflow import charset
from newsflow.fetch import ACCEPT_ENCODING, Fetcher
from newsflow.models import FetchKind, Outcome
from newsflow.netguard import (
    blocked_reason,
    is_blocked_address,
    parse_networks,
    parse_retry_after,
    unsupported_scheme,
)
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, run, running_server, settings
from tests.localserver import Page


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from running_server()


# --- address policy ---------------------------------------------------------------------------

BLOCKED = [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "100::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:c0a8:0101::1",  # 6to4 of 192.168.1.1
    "2001::1",  # Teredo
    "::127.0.0.1",  # deprecated IPv4-compatible
]  # fmt: skip
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2606:4700::6810:85e5",
          "::ffff:93.184.216.34", "2002:5db8:d822::1", "64:ff9b::808:808"]  # fmt: skip


@pytest.mark.parametrize("address", BLOCKED)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_blocked_address(address)


def test_allowed_networks_exempt_only_their_addresses() -> None:
    allowed = parse_networks(["127.0.0.0/8", "10.5.0.0/16"])
    assert not is_blocked_address("127.0.0.1", allowed)
    assert not is_blocked_address("::ffff:127.0.0.1", allowed)  # mapped form of an allowed address
    assert not is_blocked_address("10.5.9.9", allowed)
    assert is_blocked_address("10.6.0.1", allowed)
    assert is_blocked_address("::1", allowed)
    assert is_blocked_address("169.254.169.254", allowed)


def test_blocked_reason_names_the_kind_of_address() -> None:
    assert blocked_reason(ipaddress.ip_address("169.254.169.254")) == "link-local (cloud metadata lives here)"
    assert blocked_reason(ipaddress.ip_address("::ffff:192.168.0.1")) == "private (RFC 1918)"
    assert blocked_reason(ipaddress.ip_address("100.64.1.1")) == "carrier-grade NAT (RFC 6598)"
    assert blocked_reason(ipaddress.ip_address("8.8.8.8")) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com/a", None),
        ("HTTPS://example.com/a", None),
        ("file:///etc/passwd", "scheme file: is not http or https"),
        ("javascript:alert(1)", "scheme javascript: is not http or https"),
        ("data:text/html,hi", "scheme data: is not http or https"),
        ("ftp://example.com/", "scheme ftp: is not http or https"),
        ("/relative/path", "scheme (none) is not http or https"),
        ("http:///no-host", "URL has no host"),
        ("http://[::1/", "not a valid URL (Invalid IPv6 URL)"),
    ],
)
def test_only_http_urls_with_a_host_are_fetchable(url: str, problem: str | None) -> None:
    assert unsupported_scheme(url) == problem


# --- Retry-After ------------------------------------------------------------------------------

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("0.5", 1.0),  # a fraction, rounded up to whole seconds (review of red team 52)
        ("1.5", 2.0),
        ("1e3", None),
        ("Thu, 01 Jan 2026 12:05:00 GMT", 300.0),
        ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),  # already past
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


# --- content-encoding -------------------------------------------------------------------------


def _feed_in_chunks(decoder: charset.BoundedDecoder, data: bytes, size: int = 4096) -> bytes:
    return b"".join(decoder.feed(data[i : i + size]) for i in range(0, len(data), size))


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, no zlib header
        ("gzip, deflate", lambda data: zlib.compress(gzip.compress(data))),  # applied in order
        ("identity", lambda data: data),
        (None, lambda data: data),
    ],
)
def test_content_encodings_are_undone(encoding: str | None, encode: object) -> None:
    page = b"<html>" + b"news " * 20_000 + b"</html>"
    decoder = charset.BoundedDecoder(encoding, max_bytes=len(page))
    assert _feed_in_chunks(decoder, encode(page)) == page  # type: ignore[operator]


def test_bomb_output_never_exceeds_the_cap_plus_one_byte() -> None:
    bomb = gzip.compress(bytes(20_000_000))
    decoder = charset.BoundedDecoder("gzip", max_bytes=100_000)
    produced = 0
    with pytest.raises(charset.BodyTooLarge):
        for start in range(0, len(bomb), 4096):
            produced += len(decoder.feed(bomb[start : start + 4096]))
    assert produced <= 100_000


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(charset.UndecodableBody, match="'br'"):
        charset.BoundedDecoder("gzip, br", max_bytes=10)


# --- sniffing and charset ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "is_html"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\xef\xbb\xbf  \n<html lang=en>", True),
        (b"<!-- comment --><p>x", True),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", True),
        (b"<?xml version='1.0'?><rss>", False),
        (b"%PDF-1.4\n", False),
        (b"\x89PNG\r\n\x1a\n", False),
        (b"GIF89a", False),
        (b"PK\x03\x04", False),
        (b"<bogus>", False),
        (b"plain words", False),
        (b"", False),
    ],
)
def test_untyped_bodies_are_sniffed(prefix: bytes, is_html: bool) -> None:
    assert charset.sniff_is_html(prefix) is is_html


TEXT = "Caf\u00e9 \u2013 \u201cquoted\u201d"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xef\xbb\xbf<p>" + TEXT.encode(), "text/html; charset=windows-1252"),  # BOM beats the header
        (b"\xff\xfe" + "<p>".encode("utf-16-le") + TEXT.encode("utf-16-le"), "text/html"),
        (b'<meta charset="utf-8"><p>' + TEXT.encode("cp1252"), "text/html; charset=windows-1252"),
        (b'<meta charset="windows-1252"><p>' + TEXT.encode("cp1252"), "text/html"),
        (b'<meta http-equiv="content-type" content="text/html; charset=cp1252"><p>' + TEXT.encode("cp1252"), None),
        (b'<meta charset="utf-16"><p>' + TEXT.encode(), None),  # an ASCII page cannot really be UTF-16
        (b"<p>" + TEXT.encode(), "text/html; charset=bogus-charset"),  # unknown label: fall through
    ],
)
def test_charset_order_bom_header_meta_then_detection(body: bytes, content_type: str | None) -> None:
    assert TEXT in charset.decode_html(body, content_type)


@pytest.mark.parametrize(
    ("sentence", "encoding"),
    [
        ("Ce caf\u00e9 a \u00e9t\u00e9 cr\u00e9\u00e9 \u00e0 Paris, pr\u00e8s de la rivi\u00e8re.", "cp1252"),
        ("Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Stra\u00dfe.", "cp1252"),
        ("Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144, \u0107ma si\u0119 rozprasza.", "cp1250"),
        (
            "\u041f\u0440\u0438\u0432\u0435\u0442, \u044d\u0442\u043e "
            "\u043d\u043e\u0432\u043e\u0441\u0442\u0438 \u0438\u0437 \u041c\u043e\u0441\u043a\u0432\u044b.",
            "cp1251",
        ),
        ("\u3053\u308c\u306f\u65e5\u672c\u306e\u30cb\u30e5\u30fc\u30b9\u3067\u3059\u3002", "shift_jis"),
    ],
)
def test_undeclared_legacy_pages_are_detected(sentence: str, encoding: str) -> None:
    page = "<html><body><p>" + (sentence + " ") * 10 + "</p></body></html>"
    assert sentence in charset.decode_html(page.encode(encoding), "text/html")


# --- HTTP behaviour against a local server ----------------------------------------------------


def test_requests_send_our_user_agent_accept_and_encodings(server: LoopbackServer) -> None:
    url = server.add("/a", Page(b"<html></html>"))
    fetch_article(settings(user_agent="newsflow-test/1.0", respect_robots=False), url)
    sent = server.hits("/a")[0].headers
    assert sent["user-agent"] == "newsflow-test/1.0"
    assert sent["accept"].startswith("text/html")
    assert sent["accept-encoding"] == ACCEPT_ENCODING == "gzip, deflate"


def test_feed_result_fields(server: LoopbackServer) -> None:
    body = "<rss><title>Gr\u00fc\u00dfe</title></rss>".encode("iso-8859-1")
    url = server.add("/feed", Page(body, content_type="application/rss+xml; charset=iso-8859-1"))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.OK and result.ok
    assert (result.kind, result.status_code, result.final_url, result.url) == (FetchKind.FEED, 200, url, url)
    assert result.body == body  # feeds are never decoded to text
    assert result.text is None
    assert result.headers["content-type"] == "application/rss+xml; charset=iso-8859-1"
    assert all(name == name.lower() for name in result.headers)
    assert result.at.tzinfo is UTC and (datetime.now(UTC) - result.at).total_seconds() < 10
    assert result.bytes_read == len(body)
    assert result.error is None


def test_conditional_feed_request_gets_not_modified(server: LoopbackServer) -> None:
    page = Page(b"<rss/>", content_type="application/rss+xml")
    url = server.add("/feed", page)

    async def go() -> list[Outcome]:
        async with Fetcher(settings()) as fetcher:
            first = await fetcher.fetch_feed(url)
            by_etag = await fetcher.fetch_feed(url, etag=first.headers["etag"])
            by_date = await fetcher.fetch_feed(url, last_modified=first.headers["last-modified"])
            return [first.outcome, by_etag.outcome, by_date.outcome]

    assert run(go()) == [Outcome.OK, Outcome.NOT_MODIFIED, Outcome.NOT_MODIFIED]
    sent = [r.headers for r in server.hits("/feed")]
    assert sent[1]["if-none-match"] == page.etag
    assert sent[2]["if-modified-since"] == LoopbackServer.LAST_MODIFIED


def test_http_error_status_is_reported_with_the_code(server: LoopbackServer) -> None:
    url = server.add("/gone", Page(b"gone", status=410, validators=False))
    result = fetch_feed(settings(), url)
    assert (result.outcome, result.status_code) == (Outcome.HTTP_ERROR, 410)
    assert result.error == f"GET {url}: HTTP 410"


def test_connection_refused_is_a_connect_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch_feed(settings(), f"http://127.0.0.1:{port}/feed")
    assert result.outcome is Outcome.CONNECT_ERROR
    assert result.error is not None and result.error.startswith(f"GET http://127.0.0.1:{port}/feed: cannot connect")
    assert "\n" not in result.error


def test_an_injected_transport_is_used_for_every_request() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<html>mock</html>")

    result = fetch_article(settings(), "http://news.example.com/story", transport=httpx.MockTransport(answer))
    assert result.text == "<html>mock</html>"
    assert seen == ["http://news.example.com/robots.txt", "http://news.example.com/story"]


def test_fetcher_must_be_entered_before_use() -> None:
    async def go() -> None:
        await Fetcher(settings()).fetch_feed("http://example.com/feed")

    with pytest.raises(RuntimeError, match="async context manager"):
        asyncio.run(go())
