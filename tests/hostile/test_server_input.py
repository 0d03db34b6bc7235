"""Nothing a server sends makes the fetcher raise (issue 11): one regression test per example.

Each example once ended a whole run, and often every later run. The fetcher now returns an
outcome for each, and what it keeps from a response is valid on the next request.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newsflow import charset, netguard, polling
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from tests.hostile.rawserver import RawAnswer, RawServer, response, running_raw_server
from tests.hostile.servers import fetch_article, fetch_feed, run, settings

HTML = b"<html><body><p>caf\xc3\xa9 story</p></body></html>"


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


def serve(server: RawServer, answer: bytes) -> str:
    server.answer = lambda path: answer
    return server.url("/page")


def test_redirect_to_port_99999_is_invalid_url_not_an_overflow(raw: RawServer) -> None:
    url = serve(raw, response(b"HTTP/1.1 302 Found", [(b"Location", b"http://host:99999/")]))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.INVALID_URL
    assert "Port out of range" in (result.error or "")


def test_feed_url_with_port_99999_is_invalid_url() -> None:
    result = fetch_feed(settings(), "http://127.0.0.1:99999/feed")
    assert result.outcome is Outcome.INVALID_URL


def test_redirect_to_an_unclosed_ipv6_bracket_is_invalid_url(raw: RawServer) -> None:
    url = serve(raw, response(b"HTTP/1.1 301 Moved", [(b"Location", b"http://[")]))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.INVALID_URL
    assert result.error is not None and "http://[" in result.error


def test_redirect_with_a_control_character_is_invalid_url(raw: RawServer) -> None:
    url = serve(raw, response(b"HTTP/1.1 302 Found", [(b"Location", b"/next\x01page")]))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.INVALID_URL
    assert len(raw.requests) == 1


def test_charset_base64_is_ignored_and_the_page_decodes(raw: RawServer) -> None:
    url = serve(raw, response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html; charset=base64")], HTML))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.OK
    assert result.text is not None and "café story" in result.text


def test_non_ascii_etag_is_not_kept_and_the_next_request_is_plain(raw: RawServer) -> None:
    headers = [(b"Content-Type", b"application/rss+xml"), (b"ETag", b'"caf\xe9"'), (b"Last-Modified", b"\xff\xfe")]
    url = serve(raw, response(b"HTTP/1.1 200 OK", headers, b"<rss/>"))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.OK
    assert "etag" not in result.headers and "last-modified" not in result.headers


def test_a_stored_validator_that_cannot_be_sent_is_dropped(raw: RawServer) -> None:
    url = serve(raw, response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"application/rss+xml")], b"<rss/>"))

    async def go() -> FetchResult:
        async with Fetcher(settings()) as fetcher:
            return await fetcher.fetch_feed(url, etag='"caf\xe9"', last_modified="Mon\r\nX-Evil: 1")

    assert run(go()).outcome is Outcome.OK
    assert raw.requests[0].header("If-None-Match") is None
    assert raw.requests[0].header("If-Modified-Since") is None
    assert raw.requests[0].header("X-Evil") is None


def test_a_sane_etag_round_trips_into_the_next_request(raw: RawServer) -> None:
    headers = [(b"Content-Type", b"application/rss+xml"), (b"ETag", b'W/"abc-1"')]
    url = serve(raw, response(b"HTTP/1.1 200 OK", headers, b"<rss/>"))

    async def go() -> FetchResult:
        async with Fetcher(settings()) as fetcher:
            first = await fetcher.fetch_feed(url)
            return await fetcher.fetch_feed(url, etag=first.headers.get("etag"))

    assert run(go()).outcome is Outcome.OK
    assert raw.requests[1].header("If-None-Match") == 'W/"abc-1"'


def test_a_cache_control_too_long_to_read_is_not_kept(raw: RawServer) -> None:
    """`max-age=` with 5,000 digits made polling's int() raise (Python's 4,300-digit limit)."""
    headers = [(b"Content-Type", b"application/rss+xml"), (b"Cache-Control", b"max-age=" + b"9" * 5000)]
    result = fetch_feed(settings(), serve(raw, response(b"HTTP/1.1 200 OK", headers, b"<rss/>")))
    assert result.outcome is Outcome.OK
    assert "cache-control" not in result.headers
    assert polling.cache_max_age(result.headers) is None


@pytest.mark.parametrize("value", [b"1000000000000", b"9" * 5000, b"Fri, 31 Dec 9999 23:59:59 GMT"])
def test_huge_retry_after_is_clamped_and_fits_in_a_datetime(raw: RawServer, value: bytes) -> None:
    url = serve(raw, response(b"HTTP/1.1 429 Too Many", [(b"Retry-After", value)]))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after == netguard.MAX_RETRY_AFTER
    assert datetime.now(UTC) + timedelta(seconds=result.retry_after) > datetime.now(UTC)  # no OverflowError


@pytest.mark.parametrize("value", [b"-5", b"soon", b"\xb2", b"Mon, 99 Foo 0000 99:99:99 GMT", b"1e9", b"nan"])
def test_garbage_retry_after_pauses_the_host_for_the_default(raw: RawServer, value: bytes) -> None:
    """Unreadable, it still asked us to wait: the host paused `UNREADABLE_RETRY_AFTER` (red team 52; before, a
    plain 429 that paused nothing), past `max_retry_after` here, so not sent again."""
    url = serve(raw, response(b"HTTP/1.1 429 Too Many", [(b"Retry-After", value)]))
    result = fetch_feed(settings(max_retry_after=1.0), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after == netguard.UNREADABLE_RETRY_AFTER
    assert result.error is not None and "a Retry-After we cannot read" in result.error and "\n" not in result.error
    assert len(raw.requests) == 1


@pytest.mark.parametrize(
    "status_line", [b"HTTP/1.1 999 Odd", b"HTTP/1.1 abc", b"garbage", b"HTTP/1.1 200 \xff\x00", b""]
)
def test_malformed_status_lines_are_outcomes(raw: RawServer, status_line: bytes) -> None:
    result = fetch_feed(settings(), serve(raw, response(status_line)))
    assert result.outcome in {Outcome.HTTP_ERROR, Outcome.PROTOCOL_ERROR}


def test_a_truncated_body_is_an_outcome(raw: RawServer) -> None:
    head = response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"), (b"Content-Length", b"1000")])
    result = fetch_article(settings(respect_robots=False), serve(raw, head + b"<html><p>cut"))
    assert result.outcome is Outcome.PROTOCOL_ERROR
    assert result.error is not None and "\n" not in result.error


def test_an_unexpected_exception_inside_the_fetch_is_fetch_error(
    raw: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The boundary is total: a bug in a step the fetcher calls becomes an outcome naming it."""
    url = serve(raw, response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML))

    def broken(body: bytes, content_type: str | None) -> bytes:
        raise KeyError("a bug")

    monkeypatch.setattr(charset, "html_as_utf8", broken)  # stands in for a bug nobody has found yet
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.FETCH_ERROR
    assert result.error == f"GET {url}: unexpected KeyError: 'a bug'"


# --- Retry-After and the host queue ---------------------------------------------------------------


def _limited_after(server: RawServer, seconds: float, retry_after: bytes) -> None:
    """The host answers 429 to everything for `seconds` after its first request, then 200."""
    first: list[float] = []

    def answer(path: str) -> bytes:
        first.append(time.monotonic())
        if path == "/robots.txt":
            return response(b"HTTP/1.1 404 Not Found", [(b"Content-Length", b"0")])
        if time.monotonic() - first[0] < seconds:
            return response(b"HTTP/1.1 429 Too Many", [(b"Retry-After", retry_after), (b"Content-Length", b"0")])
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML)

    server.answer = answer


def _fetch_many(urls: list[str], **overrides: Any) -> tuple[list[FetchResult], float]:
    async def go() -> list[FetchResult]:
        async with Fetcher(settings(**overrides)) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))

    started = time.monotonic()
    results = run(go())
    return results, time.monotonic() - started


def test_queued_requests_do_not_sleep_through_a_pause_beyond_the_cap(raw: RawServer) -> None:
    """Issue 11, item 1: requests queued behind a 429 with Retry-After: 3600 waited the hour."""

    def answer(path: str) -> list[tuple[bytes, float]]:
        # Slow enough that every other request is queued for the host when the 429 lands.
        return [(response(b"HTTP/1.1 429 Too Many", [(b"Retry-After", b"3600"), (b"Content-Length", b"0")]), 0.0)]

    raw.answer = answer
    urls = [raw.url(f"/a/{index}") for index in range(8)]
    results, seconds = _fetch_many(
        urls, per_host_concurrency=1, per_host_delay=0.3, max_retry_after=60.0, respect_robots=False
    )
    assert {r.outcome for r in results} == {Outcome.RATE_LIMITED}
    assert seconds < 1.5, f"took {seconds:.1f} s"
    assert len(raw.requests) == 1  # one 429 answered; nothing more was sent to that host
    assert all(r.retry_after is not None and r.retry_after > 3500 for r in results)


def test_a_request_waiting_within_the_cap_wakes_when_the_pause_passes_the_cap(raw: RawServer) -> None:
    """One request waits its host's 3 s pause (within the cap); the other's answer, 0.3 s later, pauses the host
    beyond the cap: the waiting one wakes and gives up at once. Slept through, it ends 3 s in whatever the load; woken,
    about 0.3 s in (0.8 s at load 20). The wait was 1 s with `seconds < 0.9`: 0.96 s and 0.99 s on loaded cores, two
    runs in three, with the product right."""
    answers = iter([b"3", b"3600"])
    both_sent = threading.Event()  # on loaded cores the second request went out after the first's answer (ci98)

    def answer(path: str) -> list[tuple[bytes, float]]:
        value = next(answers, b"3600")
        if value == b"3":
            both_sent.wait(10)  # the first answers once the second request is in: both out before any pause
        else:
            both_sent.set()
        head = response(b"HTTP/1.1 503 Busy", [(b"Retry-After", value), (b"Content-Length", b"0")])
        return [(b"", 0.0 if value == b"3" else 0.3), (head, 0.0)]  # the long pause arrives 0.3 s later

    raw.answer = answer
    urls = [raw.url("/a"), raw.url("/b")]
    results, seconds = _fetch_many(urls, per_host_concurrency=2, max_retry_after=5.0, respect_robots=False)
    assert {r.outcome for r in results} == {Outcome.RATE_LIMITED}
    assert seconds < 3.0, f"the retry slept through its 3 s wait: {seconds:.1f} s"


def test_a_new_connection_the_server_closed_while_the_host_pause_held_it_is_tried_again(raw: RawServer) -> None:
    """ci98: a request whose turn came before its host's Retry-After pause, and whose connection was made after it,
    waited out the pause on that connection (a pause holds the send: `HostGate.sending`), and went out on a connection
    the server had closed meanwhile (this server's header timeout: 2 s; nginx's, Apache's reqtimeout: 20-60 s): a
    protocol error, with no retry, since only a reused connection was tried again. Now a new connection held open
    is tried again too, once. The second request's name resolves only once the first's 503 paused the host."""

    def answer(path: str) -> RawAnswer:
        if len(raw.requests) == 1:
            return response(b"HTTP/1.1 503 Busy", [(b"Retry-After", b"3"), (b"Content-Length", b"0")])
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML)

    raw.answer = answer
    fetch_settings = settings(max_retry_after=5.0, respect_robots=False, timeout=10.0, per_host_concurrency=2)
    fetchers: list[Fetcher] = []
    resolved: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        if len(resolved) == 2:  # the second connection is made once the host is paused, its turn already taken
            while fetchers[0]._gate.pause_remaining(host) == 0.0:
                await asyncio.sleep(0.01)
        return [host]

    async def go() -> list[FetchResult]:
        transport = guarded_transport(fetch_settings, resolver=resolve)
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            fetchers.append(fetcher)
            pages = (fetcher.fetch_article(raw.url(path)) for path in ("/a", "/b"))
            return list(await asyncio.gather(*pages))

    results = run(go())
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.OK], [r.error for r in results]
    # the 503, its retry after the pause, and the held request once, read by the server on its new connection
    assert len(raw.requests) == 3, raw.requests


def test_one_host_pause_within_the_cap_is_shared_by_every_request(raw: RawServer) -> None:
    """Issue 11, item 7: 10 articles with Retry-After 5 took 97 s, each waiting its own turn."""
    _limited_after(raw, seconds=1.0, retry_after=b"1")
    urls = [raw.url(f"/a/{index}") for index in range(10)]
    results, seconds = _fetch_many(urls, per_host_concurrency=2, max_retry_after=2.0, timeout=1.0)
    assert [r.outcome for r in results] == [Outcome.OK] * 10
    assert seconds < 2.5, f"took {seconds:.1f} s for one 1 s pause"


def test_robots_txt_and_redirect_hops_are_inside_the_deadline(raw: RawServer) -> None:
    """Issue 11, item 7: 5 hops with dripping robots.txt took 30.6 s at timeout 5, logged ok in 44 ms."""
    others = [RawServer() for _ in range(4)]
    chain = [raw, *others]
    try:
        for index, server in enumerate(chain):
            target = chain[index + 1].url("/story") if index + 1 < len(chain) else None
            server.answer = _drip_robots_then(target)
        started = time.monotonic()
        result = fetch_article(settings(timeout=1.0), raw.url("/story"))
        seconds = time.monotonic() - started
    finally:
        for server in others:
            server.close()
    # Red team 16: a robots.txt that cannot be read in its share of the timeout defers the article
    # (RFC 9309: assume disallow; not an attempt); the deadline still holds.
    assert result.outcome is Outcome.RATE_LIMITED, (result.outcome, result.error)
    assert seconds < 1.6, f"took {seconds:.1f} s with timeout 1.0"
    assert 400 <= result.elapsed_ms <= seconds * 1000 + 50


def _drip_robots_then(target: str | None) -> Callable[[str], RawAnswer]:
    def answer(path: str) -> RawAnswer:
        if path == "/robots.txt":
            head = response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/plain"), (b"Content-Length", b"100")])
            return [(head, 0.05), *[(b"#", 0.05)] * 100]
        if target is None:
            return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML)
        return response(b"HTTP/1.1 302 Found", [(b"Location", target.encode()), (b"Content-Length", b"0")])

    return answer


def test_a_host_never_resolves_outside_loopback_in_these_tests() -> None:
    """Guard for the fuzz test's resolver: a public name gets a DNS error, not a query."""
    resolver = loopback_only_resolver
    transport = guarded_transport(settings(), resolver=resolver)

    async def go() -> FetchResult:
        async with Fetcher(settings(), transport=transport) as fetcher:
            return await fetcher.fetch_feed("http://example.com/feed")

    assert run(go()).outcome is Outcome.DNS_ERROR


async def loopback_only_resolver(host: str, port: int) -> list[str]:
    """127.x literals resolve to themselves; every other name or address fails like DNS."""
    if host.startswith("127.") and host.replace(".", "").isdigit():
        return [host]
    raise netguard.NameResolutionError(f"cannot resolve {host}: test resolver answers loopback only")


def test_pauses_asked_url_by_url_cost_at_most_max_retry_after_in_all(raw: RawServer) -> None:
    """A host that answers each URL's first request with 429 asks for a new pause every time:
    10 articles with Retry-After 1 took 12 s. Its pauses now add up to at most the cap."""
    seen: set[str] = set()

    def answer(path: str) -> bytes:
        if path in seen or path == "/robots.txt":
            return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML)
        seen.add(path)
        return response(b"HTTP/1.1 429 Too Many", [(b"Retry-After", b"1"), (b"Content-Length", b"0")])

    raw.answer = answer
    urls = [raw.url(f"/a/{index}") for index in range(10)]
    results, seconds = _fetch_many(urls, per_host_concurrency=2, max_retry_after=2.0, respect_robots=False)
    outcomes = [r.outcome for r in results]
    assert seconds < 3.5, f"took {seconds:.1f} s with max_retry_after 2"
    assert Outcome.OK in outcomes  # the retries of the first requests went before queued ones
    assert set(outcomes) == {Outcome.OK, Outcome.RATE_LIMITED}
    limited = [r for r in results if r.outcome is Outcome.RATE_LIMITED]
    assert all("Retry-After pauses in this run" in (r.error or "") for r in limited if r.status_code is None)


def test_a_host_name_the_resolver_cannot_encode_is_a_dns_error() -> None:
    """A label over 63 characters fails in the idna codec, before any query is sent."""
    result = fetch_feed(settings(), "http://" + "a" * 64 + ".invalid/feed")
    assert result.outcome is Outcome.DNS_ERROR
    assert "not a valid host name" in (result.error or "")


def test_a_url_with_a_lone_surrogate_is_an_outcome_with_a_storable_error() -> None:
    result = fetch_feed(settings(), "http://127.0.0.1:9/\ud800")
    assert result.outcome is not Outcome.FETCH_ERROR
    assert result.error is not None
    result.error.encode("utf-8")  # storable: no lone surrogate left
