"""Misbehaving route handlers for `tests.localserver.LocalServer`, and helpers to drive a Fetcher.

Test modules here define their own `server` fixture from `running_server()`: a LoopbackServer
closes in ~20 ms where the shared LocalServer takes 0.5 s.

Each handler factory returns a callable the server runs on its own thread for one request.
They stop as soon as the client goes away (BrokenPipe), so a test that cuts a connection
does not leave a thread writing forever.
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

from newsflow.config import FetchSettings
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult
from tests.localserver import BusyHTTPServer, Handler, LocalServer, Page, Request, send_bytes

T = TypeVar("T")
LOOPBACK = ("127.0.0.0/8",)
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def settings(**overrides: Any) -> FetchSettings:
    """Fast test settings: loopback allowed, 1 s deadline, no politeness delay."""
    defaults: dict[str, Any] = {
        "allowed_networks": LOOPBACK,
        "timeout": 1.0,
        "per_host_delay": 0.0,
        "max_retry_after": 2.0,
    }
    return FetchSettings(**{**defaults, **overrides})


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def fetch_articles(fetch_settings: FetchSettings, urls: Sequence[str], **kwargs: Any) -> list[FetchResult]:
    """Fetch `urls` concurrently as articles with one Fetcher."""

    async def go() -> list[FetchResult]:
        async with Fetcher(fetch_settings, **kwargs) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))

    return run(go())


def fetch_article(fetch_settings: FetchSettings, url: str, **kwargs: Any) -> FetchResult:
    return fetch_articles(fetch_settings, [url], **kwargs)[0]


def fetch_feed(fetch_settings: FetchSettings, url: str, **kwargs: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(fetch_settings, **kwargs) as fetcher:
            return await fetcher.fetch_feed(url)

    return run(go())


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def static_resolver(*addresses: str) -> Callable[[str, int], Awaitable[list[str]]]:
    """A resolver that answers every name with `addresses` (the DNS an attacker controls)."""

    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


# --- handlers ---------------------------------------------------------------------------------


def drip_body(interval: float, declared_length: int = 10_000) -> Handler:
    """Headers at once, then one body byte every `interval` seconds: never idle long enough for
    a per-read timeout, so only a whole-request deadline stops it."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(declared_length))
        handler.end_headers()
        _drip(handler, b"x" * declared_length, interval)

    return handle


def drip_headers(interval: float) -> Handler:
    """The status line and headers themselves, one byte at a time."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Padding: " + b"p" * 5000 + b"\r\n\r\n"

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        _drip(handler, head, interval)

    return handle


def _drip(handler: BaseHTTPRequestHandler, payload: bytes, interval: float) -> None:
    try:
        for index in range(len(payload)):
            handler.wfile.write(payload[index : index + 1])
            handler.wfile.flush()
            time.sleep(interval)  # the misbehaviour under test, not synchronisation
    except _CLIENT_GONE:
        return


@lru_cache(maxsize=4)
def gzip_bomb(decoded_size: int) -> bytes:
    """Gzip of `decoded_size` zero bytes (about 1000:1), built in 1 MB pieces to keep memory flat."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1_000_000)
    parts = [packer.compress(zeros) for _ in range(decoded_size // len(zeros))]
    return b"".join([*parts, packer.flush()])


def encoded_body(body: bytes, encoding: str, content_type: str = "text/html") -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        send_bytes(handler, 200, body, content_type, {"Content-Encoding": encoding})

    return handle


def endless_body(content_type: str | None = "text/html", chunk: bytes = b"A" * 65_536) -> Handler:
    """A chunked body that never ends; records the bytes sent in `handle.sent`."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        try:
            while True:
                handler.wfile.write(frame)
                sent.append(len(chunk))
        except _CLIENT_GONE:
            handler.close_connection = True

    sent: list[int] = []
    handle.sent = sent  # type: ignore[attr-defined]
    return handle


def redirect(location: str, status: int = 302) -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        send_bytes(handler, status, b"", "text/html", {"Location": location})

    return handle


def add_redirect_chain(server: LocalServer, length: int, final: bytes = b"<html><p>end</p></html>") -> str:
    """/hop/0 -> /hop/1 -> ... -> /hop/<length> (a page); returns the first URL."""
    for index in range(length):
        server.add(f"/hop/{index}", redirect(f"/hop/{index + 1}"))
    server.add(f"/hop/{length}", lambda handler: send_bytes(handler, 200, final, "text/html"))
    return server.url("/hop/0")


def sequence(*responses: tuple[int, dict[str, str], bytes]) -> Handler:
    """Answer the n-th request with the n-th response; the last one repeats."""
    remaining = list(responses)
    lock = threading.Lock()

    def handle(handler: BaseHTTPRequestHandler) -> None:
        with lock:
            status, headers, body = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        send_bytes(handler, status, body, "text/html", headers)

    return handle


class Timestamped:
    """Wrap a handler and record when each request reached it (server-side monotonic clock)."""

    def __init__(self, inner: Handler) -> None:
        self.inner = inner
        self.starts: list[float] = []

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        self.starts.append(time.monotonic())
        self.inner(handler)


class InFlightRecorder:
    """A handler that holds each request for `hold` seconds and records starts and overlap."""

    def __init__(self, hold: float, body: bytes = b"<html><p>ok</p></html>") -> None:
        self.hold, self.body = hold, body
        self.starts: list[float] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.starts.append(time.monotonic())
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(self.hold)  # simulated server work, so overlapping requests can be seen
        with self._lock:
            self.in_flight -= 1
        send_bytes(handler, 200, self.body, "text/html")


class LoopbackServer(LocalServer):
    """A LocalServer that can bind another loopback address and closes in ~20 ms instead of 0.5 s.

    SSRF tests need a "public" origin that is allowed and a loopback target that is not:
    allowing only 127.0.0.2/32 makes 127.0.0.1 (localhost) a forbidden target. The quick
    close (serve_forever's poll interval) keeps this suite's many short servers cheap.
    """

    POLL_SECONDS = 0.02

    def __init__(self, host: str = "127.0.0.1") -> None:  # not super().__init__: that binds 127.0.0.1
        self.routes: dict[str, Page | Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self.host = host
        self._httpd = BusyHTTPServer((host, 0), self._request_handler_class())  # a listen backlog of 128, not 5
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": self.POLL_SECONDS}, daemon=True
        )
        self._thread.start()

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return _RequestHandler

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def running_server(host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    """Body of a pytest fixture: a LoopbackServer closed after the test."""
    local = LoopbackServer(host)
    try:
        yield local
    finally:
        local.close()
