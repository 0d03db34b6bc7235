"""The fetch stage: polite, bounded, SSRF-guarded HTTP GETs that never raise for network trouble.

`Fetcher` is one per run. `fetch_feed` and `fetch_article` always return a `FetchResult`
whose `outcome` says what happened (see `models.Outcome` and docs/security.md):

- limits: `concurrency` requests in flight, `per_host_concurrency` per host, and at least `per_host_delay`
  seconds between request starts (writes, not turns) to one host, waited for before a request's connection is
  taken or made, so none idles through it (`HostGate.send_window`);
- a whole-request deadline of `timeout` s over connect, headers and body of every hop (httpx's are per read);
- the decoded body is capped at `max_bytes` while streaming, and a body cut short is an error,
  never stored as whole (`fetchbody.read_body`); a body's bytes read past a short `Content-Length` are the
  body's (`fetchlength.with_overrun`, red team 46; feeds and robots.txt, and a packed body's, red team 47);
- redirects are followed by hand: at most `max_redirects`, loops detected, every hop re-checked
  by the SSRF guard in `netguard` (which sits where sockets are opened) and by robots.txt; an
  article page's immediate `Refresh` header or `<meta http-equiv="refresh">` is one too (`refresh_target`);
- a request that sent nothing to its host (refused by the guard, no address) gives back its turn;
- a 429, and a 503 with Retry-After, pause the host (turns and sends) for their Retry-After, 60 s when
  none can be read (a 503 with none is a counted `HTTP_ERROR`); a retry when the wait is within
  `max_retry_after` (the first hop's, and one for the hops after it), else `RATE_LIMITED` without further I/O
  to that host (`netguard.HostGate`);
- robots.txt waits count against the article's deadline; articles must be HTML (declared or sniffed)
  and are decoded to text (`charset.decode_html`);
- total: `_fetch` turns any exception no rule maps into `FETCH_ERROR`, and what a result keeps
  from the response (ETag, Last-Modified) can be sent back (`fetchrecord.usable_validator`).

The walk from a fetch's first URL to its result (robots.txt, the host's gate, the retry, redirects) is
`fetchwalk.FetchWalk`, which `Fetcher` extends with the exchange. This module is the only importer of httpx.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import zlib
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType

import httpx

from newsflow import charset, netguard
from newsflow.config import FetchSettings
from newsflow.fetchbody import BodyCutShort, read_body
from newsflow.fetchdeadline import timed, waiting_uncounted
from newsflow.fetchlength import ClosedBeforeLength, check_closed_short, with_overrun
from newsflow.fetchrecord import ACCEPT_ENCODING, ARTICLE_ACCEPT, ConnectionTrace, Trail, feed_headers
from newsflow.fetchrules import (
    REDIRECT_STATUSES,
    certificate_problem,
    check_not_binary,
    check_sniffed,
    host_of,
    known_failure,
    location_text,
    needs_sniffing,
    redirect_target,
    refresh_target,
    response_headers,
    status_outcome,
)
from newsflow.fetchwalk import FetchWalk, HopT
from newsflow.headerlines import tolerate_old_response_heads
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.robots import RobotsRules

logger = logging.getLogger(__name__)

CONNECTIONS_PER_POOL = 8  # several small pools beat one big one (docs/stack-facts.md)
MAX_POOLS = 8
MAX_FRESH_CONNECTIONS = 1  # new connections a send: a reused one stale or a new one closed unanswered (red team 51)
REQUEST_TIMEOUT = 408  # on a stale connection, written unasked by the server's timer (mod_reqtimeout): no answer

# h11's words for a head past httpcore's `MAX_INCOMPLETE_EVENT_SIZE` (100 KiB): a `Set-Cookie` flood was logged in
# them, "the server broke the exchange: RemoteProtocolError: Receive buffer too long" (red team 54). h11 says the
# same of a chunk's size line or a trailer past it, read with the body: named apart (review of red team 54).
HEAD_TOO_LONG = "Receive buffer too long"
HEAD_LIMIT_KIB = 100
BODY_LINE_TOO_LONG = (f"a line of the body's chunked framing (a chunk's size line or a trailer) passed "
                      f"{HEAD_LIMIT_KIB} KiB")


class _UnusableURL(Exception):
    """httpx cannot build a request for the URL (bad host, IDNA, characters)."""


def guarded_transport(
    settings: FetchSettings,
    resolver: netguard.Resolver | None = None,
    max_connections: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection is resolved and checked by `netguard`.

    httpx 0.28 takes no network backend, so the pool it builds is replaced by a guarded one.
    `resolver` is injectable so tests can make a public-looking name resolve to 127.0.0.1.
    Pass one `ssl_context` to several transports: loading the CA bundle costs ~20 ms each.
    """
    context = ssl_context or httpx.create_ssl_context(trust_env=False)
    tolerate_old_response_heads()  # `Name : value`, a line with no colon: read as browsers do (headerlines.py)
    transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
    transport._pool = netguard.guarded_pool(
        ssl_context=context,
        max_connections=max_connections or settings.concurrency,
        resolver=resolver or netguard.system_resolver,
        block_private=settings.block_private_networks,
        allowed=netguard.parse_networks(settings.allowed_networks),
    )
    return transport


def probe_transport(settings: FetchSettings, resolver: netguard.Resolver | None = None) -> httpx.AsyncHTTPTransport:
    """The catch-all probe's own pool: over https it names its host in TLS (SNI) as in `Host`, on its own
    connections, so no server answers the mismatch (a 421) instead of the name (`catchall`). No
    certificate can be valid for that name, and only a digest of the answer is kept: none is checked."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return guarded_transport(settings, resolver=resolver, max_connections=settings.concurrency, ssl_context=context)


def _port_of(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


async def _close_idle(url: str, transport: httpx.AsyncBaseTransport) -> None:
    """Close the origin's idle connections (as old as the stale one) until none: checked after the gate's wait, in
    which an answer may put one back, and the last look awaits nothing, so the pool hands out a new one next."""
    target, pool = httpx.URL(url), getattr(transport, "_pool", None)
    while await netguard.drop_idle_connections(pool, target.raw_scheme, target.raw_host, _port_of(target)):
        pass


# h11's words for a close before a `Content-Length` was reached ("… (received N bytes, expected M)"); a chunked
# body cut so says "(incomplete chunked read)" and stays h11's error (its last chunk is its only end)
_CLOSED_BEFORE_LENGTH = "peer closed connection without sending complete message body (received"
# h11's words for an answer that does not begin as one: on a reused connection, the bytes a server wrote past
# its last body's `Content-Length` (a length counted in characters, not bytes), not this request's answer.
_NOT_AN_ANSWER = ("without sending a response", "illegal status line", "no response line received")


def _closed_before_answer(exc: httpx.TransportError) -> bool:
    """The connection ended before any answer (closed, reset, broken as we wrote), or what came first was
    no status line: left over from the answer before, on a reused connection."""
    if isinstance(exc, httpx.RemoteProtocolError):
        return any(words in str(exc) for words in _NOT_AN_ANSWER)
    return isinstance(exc, httpx.ReadError | httpx.WriteError)


def _closed_unanswered(trail: Trail, exc: httpx.TransportError) -> bool:
    """A new connection ended (closed, reset, broken as we wrote) and not one byte came back on it."""
    ended = isinstance(exc, httpx.ReadError | httpx.WriteError) or (
        isinstance(exc, httpx.RemoteProtocolError) and _NOT_AN_ANSWER[0] in str(exc))
    return ended and trail.connection is not None and trail.connection.unanswered


def _may_send_again(trail: Trail, exc: httpx.TransportError) -> bool:
    """The GET may go out again on a new connection (`Fetcher._send_request`)."""
    if trail.on_stale_connection:
        return _closed_before_answer(exc)
    return _closed_unanswered(trail, exc)


class Fetcher(FetchWalk):
    """Fetch feeds and articles for one run. Use as `async with Fetcher(settings) as fetcher:`.

    `transport` replaces the guarded network transport (tests use httpx.MockTransport or a
    `guarded_transport` with an injected resolver). A replacement transport bypasses the
    address check; scheme checks, limits, caps and redirects still apply.
    `robots_results` keeps the robots.txt fetches made, for the run's fetch log. `probe` replaces the
    catch-all probe's pool (`probe_transport`); an injected `transport` serves the probes too otherwise.
    """

    def __init__(self, settings: FetchSettings, transport: httpx.AsyncBaseTransport | None = None,
                 probe: httpx.AsyncBaseTransport | None = None) -> None:
        self._settings = settings
        self._given_transport = transport
        self._given_probe = probe
        self._probe: httpx.AsyncBaseTransport | None = None
        self._transports: list[httpx.AsyncBaseTransport] = []
        self._gate = netguard.HostGate(
            settings.concurrency, settings.per_host_concurrency, settings.per_host_delay, settings.max_retry_after
        )
        self._robots = RobotsRules(settings.user_agent, self._fetch_robots)
        self._base_headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        self._timeouts = httpx.Timeout(settings.timeout).as_dict()  # per read; the deadline is ours

    async def __aenter__(self) -> Fetcher:
        self._transports = self._open_transports()
        await netguard.warm_up()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._robots.aclose()
        # A connection a server left in a bad state must not fail the run as it ends.
        transports = {id(t): t for t in [*self._transports, self._probe] if t is not None}  # the probe's may be one
        await asyncio.gather(*(transport.aclose() for transport in transports.values()), return_exceptions=True)
        self._transports, self._probe = [], None

    @property
    def gate(self) -> netguard.HostGate:  # the hosts' pauses, kept across runs: `newsflow.hostholds`
        return self._gate

    @property
    def robots(self) -> RobotsRules:  # the run's robots.txt rules: `newsflow.robotholds` asks some early
        return self._robots

    @property
    def robots_results(self) -> list[FetchResult]:
        """The robots.txt fetches made so far, for the run's fetch log."""
        return self._robots.results

    def _open_transports(self) -> list[httpx.AsyncBaseTransport]:
        """Several small connection pools, hosts spread over them by hash (docs/stack-facts.md)."""
        if self._given_transport is not None:
            return [self._given_transport]
        count = min(MAX_POOLS, max(1, -(-self._settings.concurrency // CONNECTIONS_PER_POOL)))
        per_pool = -(-self._settings.concurrency // count) + self._settings.per_host_concurrency
        context = httpx.create_ssl_context(trust_env=False)
        return [guarded_transport(self._settings, max_connections=per_pool, ssl_context=context) for _ in range(count)]

    def _probe_transport(self) -> httpx.AsyncBaseTransport:
        if self._probe is None:  # made on the first probe: most runs make none
            self._probe = self._given_probe or self._given_transport or probe_transport(self._settings)
        return self._probe

    def _check_open(self) -> None:
        if not self._transports:
            raise RuntimeError("use Fetcher as an async context manager: async with Fetcher(...)")

    def _transport_for(self, host: str) -> httpx.AsyncBaseTransport:
        self._check_open()
        return self._transports[zlib.crc32(host.encode()) % len(self._transports)]

    async def fetch_feed(
        self, url: str, etag: str | None = None, last_modified: str | None = None,
        stop_at: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """GET a feed; body stays bytes. A 304 to the conditional request is NOT_MODIFIED.

        Stored validators that could not be sent (non-ASCII, control characters) are dropped. A
        redirect to a URL `stop_at` accepts is not followed: NOT_MODIFIED, with the redirects met.
        """
        headers = feed_headers(etag, last_modified)
        return await self._fetch(url, FetchKind.FEED, headers, self._settings.max_bytes, stop_at=stop_at)

    async def fetch_article(
        self, url: str, host: str | None = None, conditional: Mapping[str, str] | None = None
    ) -> FetchResult:
        """GET an HTML page allowed by robots.txt, decoded; `host` replaces the Host header (`catchall`).
        `conditional`: a kept page's validators (`leftpages`), so a 304 is NOT_MODIFIED."""
        headers = {"Accept": ARTICLE_ACCEPT, **({"Host": host} if host else {}), **(conditional or {})}
        return await self._fetch(url, FetchKind.ARTICLE, headers, self._settings.max_bytes)

    async def _timed(
        self, url: str, trail: Trail, step: Awaitable[HopT], max_bytes: int
    ) -> HopT | FetchResult:
        return await timed(trail, url, step, lambda exc, trail: self._describe_failure(exc, trail, max_bytes))

    def _describe_failure(self, exc: Exception, trail: Trail, max_bytes: int) -> tuple[Outcome, str]:
        connecting = trail.connection is not None and trail.connection.connecting
        if isinstance(exc, TimeoutError | httpx.ConnectTimeout) and connecting:
            # no connection at all: a blackholed route or a captive portal, counted toward an outage
            waited = trail.time_spent()
            return Outcome.CONNECT_ERROR, f"cannot connect: no connection within {waited:.1f} s (connect timeout)"
        if isinstance(exc, TimeoutError):
            trail.unanswered = trail.connection is not None and trail.connection.unanswered
            silence = ": connected, and not one byte came back" if trail.unanswered else ""
            return Outcome.TIMEOUT, f"gave up after {self._settings.timeout:.1f} s (whole-request deadline){silence}"
        if isinstance(exc, httpx.TimeoutException):
            return Outcome.TIMEOUT, f"timed out ({type(exc).__name__})"
        if (known := known_failure(exc, max_bytes)) is not None:  # the guard's, the name's, the body's
            return known
        if isinstance(exc, BodyCutShort):  # the connection's doing, like a Content-Length not reached
            return Outcome.PROTOCOL_ERROR, str(exc)
        if isinstance(exc, httpx.ConnectError):  # a refused certificate too: an outage may be this machine's clock
            return Outcome.CONNECT_ERROR, certificate_problem(exc) or f"cannot connect: {exc}"
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | _UnusableURL):
            return Outcome.INVALID_URL, f"invalid URL: {exc}"
        if isinstance(exc, httpx.RemoteProtocolError) and str(exc) == HEAD_TOO_LONG:
            return Outcome.PROTOCOL_ERROR, (f"the server's head passed {HEAD_LIMIT_KIB} KiB (thousands of headers or "
                                            "cookies); not read, tried again later")
        if isinstance(exc, httpx.RemoteProtocolError) and str(exc) == BODY_LINE_TOO_LONG:
            return Outcome.PROTOCOL_ERROR, f"{exc}; not read, tried again later"
        if isinstance(exc, httpx.TransportError):  # connected: the server's doing, not the network's
            return Outcome.PROTOCOL_ERROR, f"the server broke the exchange: {type(exc).__name__}: {exc}"
        return Outcome.FETCH_ERROR, f"unexpected {type(exc).__name__}: {exc}"

    async def _exchange(self, url: str, trail: Trail, headers: dict[str, str], max_bytes: int) -> FetchResult | str:
        netguard.answer_bytes_allowed.set(netguard.answer_cap(max_bytes))  # read by the connection at the write
        response = await self._send_request(url, trail, headers)
        try:
            return await self._read_response(response, url, trail, max_bytes)
        except httpx.RemoteProtocolError as exc:
            if str(exc) == HEAD_TOO_LONG:  # past the head: a framing line, not the head
                raise httpx.RemoteProtocolError(BODY_LINE_TOO_LONG) from exc
            raise
        finally:
            await response.aclose()

    async def _send_request(self, url: str, trail: Trail, headers: dict[str, str]) -> httpx.Response:
        """Send the GET (`_send_once`); again, on a new connection, MAX_FRESH_CONNECTIONS times at most, when the
        reused one it went out on ended before any answer, answered with bytes that are no status line (left past
        the last answer's `Content-Length`) or with a 408 (REQUEST_TIMEOUT): the server may have closed it before
        the GET came, and browsers and curl send an idempotent GET again then. Inside the same deadline, the gate's
        wait not counted (`fetchdeadline`). A new connection closed or reset with not one byte back is sent again too
        (`_closed_unanswered`, red team 51), as Firefox restarts a GET that got no byte: a server shedding every
        second connection had each page a run fail, counted, and parked; red team 42 sent it once."""
        probing = "Host" in headers  # only the catch-all probe names another host (its first hop only)
        transport = self._probe_transport() if probing else self._transport_for(host_of(url))
        for tries_left in range(MAX_FRESH_CONNECTIONS, -1, -1):
            try:
                response = await self._send_once(url, trail, headers, transport, tries_left < MAX_FRESH_CONNECTIONS)
            except httpx.TransportError as exc:
                if tries_left == 0 or not _may_send_again(trail, exc):
                    raise
            else:
                if tries_left == 0 or not (trail.on_stale_connection and response.status_code == REQUEST_TIMEOUT):
                    return response
                await response.aclose()
            if trail.on_stale_connection:
                logger.info("GET %s: reused connection closed, garbled or timed out (408) before an answer; sent "
                            "again", url[:200])
            else:
                logger.info("GET %s: new connection closed before a byte of an answer; sent again", url[:200])
        raise AssertionError("unreachable: the last try returns or raises")

    async def _send_once(
        self, url: str, trail: Trail, headers: dict[str, str], transport: httpx.AsyncBaseTransport, fresh: bool
    ) -> httpx.Response:
        """The GET on one connection, taken or made once the host's gate lets it be written (a new one when
        `fresh`); made again after a pause asked while it connected (`netguard.SendHeld`: dropped unwritten,
        not held through the pause)."""
        while True:
            async with waiting_uncounted(trail, lambda: self._gate.send_window(host_of(url))) as window:
                if fresh:
                    await _close_idle(url, transport)
                request = self._request(url, trail, headers, window)
                try:
                    response = await transport.handle_async_request(request)
                except netguard.SendHeld:
                    logger.info("GET %s: its host paused while it connected; not sent, waiting again", url[:200])
                    continue
                response.request = request
                return response

    def _request(self, url: str, trail: Trail, headers: dict[str, str], window: netguard.SendWindow) -> httpx.Request:
        # The transport, not httpx.AsyncClient: the client parses every Location header itself and
        # raises on ones like "javascript:..." before we can judge them; redirects are ours anyway.
        trail.connection = ConnectionTrace()
        netguard.request_written_on.set(trail.connection.written_on)  # this task's request, reused connection or new
        netguard.request_sending.set(window.write)  # the host's send, waited for already: around the first write
        # The connect timeout is what the request has left: a name's addresses split it (netguard), and split
        # from the whole `timeout` a first address that swallows connects took all of robots.txt's share.
        extensions = {"timeout": {**self._timeouts, "connect": trail.time_left()}, "trace": trail.connection}
        if "Host" in headers and url[:6].lower() == "https:":
            extensions["sni_hostname"] = headers["Host"]  # one name in TLS and HTTP: no 421 for a mismatch
        try:
            return httpx.Request("GET", url, headers={**self._base_headers, **headers}, extensions=extensions)
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise _UnusableURL(str(exc)) from exc

    async def _read_response(
        self, response: httpx.Response, url: str, trail: Trail, max_bytes: int
    ) -> FetchResult | str:
        status = response.status_code
        headers = response_headers(response.headers.items())
        if status in REDIRECT_STATUSES and "location" in headers:
            trail.cookies.take(host_of(url), response.headers.get_list("set-cookie"))
            headers["location"] = next(location_text(value) for name, value in response.headers.raw
                                       if name.lower() == b"location")
            return redirect_target(url, trail, status, headers)
        sent = response.request.headers
        conditional = "if-none-match" in sent or "if-modified-since" in sent
        done = status_outcome(url, trail, status, headers, conditional, self._gate)
        if done is not None:
            return done
        content_type = headers.get("content-type")
        sniff = None if trail.kind is not FetchKind.ARTICLE else (
            check_sniffed if needs_sniffing(content_type) else check_not_binary)
        stream = response.stream  # raw bytes: Content-Encoding is undone by the bounded decoder
        assert isinstance(stream, httpx.AsyncByteStream)
        connection = trail.connection.http_connection if trail.connection is not None else None
        closed = ClosedBeforeLength(httpx.RemoteProtocolError, _CLOSED_BEFORE_LENGTH)
        body = await read_body(closed.ends(stream), headers, trail, max_bytes, sniff,
                               lambda: netguard.bytes_past_body(connection))
        if closed.at is not None:
            check_closed_short(body, headers, trail, closed.at)
        body = with_overrun(body, headers, trail, max_bytes, lambda: netguard.body_overrun(connection))
        if trail.kind is FetchKind.ARTICLE:  # keep only the decoded page, as UTF-8 (see FetchResult)
            html = charset.html_as_utf8(body, content_type)
            if (refresh := refresh_target(url, response.headers.get_list("refresh"), html)) is not None:
                trail.redirects.append((status, refresh))
                return refresh
            return trail.result(Outcome.OK, url, status_code=status, headers=headers, html=html)
        return trail.result(Outcome.OK, url, status_code=status, headers=headers, body=body)
