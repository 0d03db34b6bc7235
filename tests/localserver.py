"""A real HTTP server on 127.0.0.1 for tests: static routes plus handler callbacks.

Routes map a path (with query) to either a `Page` (static bytes with validators) or a
callable that takes the request handler and writes the response itself, which is how the
hostile-server suite misbehaves (drip, bomb, loop, lie about types).
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag and Last-Modified, answer 304 when they match

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


class BusyHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 makes a busy client wait for a 1 s SYN retry

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone before its request was read (a reset, a broken pipe) is said by newsflow if at all, not by
        this server: socketserver's traceback on the test process's own stderr was read as newsflow's line (ci146,
        `feeds discover` beside a kept pause). Every other server fault still prints."""
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """Serve `routes` on an ephemeral loopback port until `close()`."""

    LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Page | Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.host = host
        self._httpd = BusyHTTPServer((host, 0), _RequestHandler)
        # A short poll interval: shutdown() waits for it, and the default 0.5 s adds up over the suite.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, route: Page | Handler) -> str:
        self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(handler.command, handler.path, {k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.requests.append(request)
        # Like most real sites, ignore a query string the route doesn't name (tracking parameters).
        route = self.routes.get(handler.path) or self.routes.get(handler.path.split("?", 1)[0])
        if route is None:
            send_bytes(handler, 404, b"not found", "text/plain")
        elif isinstance(route, Page):
            self._serve_page(handler, route, request)
        else:
            route(handler)

    def _serve_page(self, handler: BaseHTTPRequestHandler, page: Page, request: Request) -> None:
        headers = dict(page.headers)
        if page.validators:
            headers.update({"ETag": page.etag, "Last-Modified": self.LAST_MODIFIED})
            if request.headers.get("if-none-match") == page.etag or (
                "if-none-match" not in request.headers
                and request.headers.get("if-modified-since") == self.LAST_MODIFIED
            ):
                send_bytes(handler, 304, b"", None, headers)
                return
        send_bytes(handler, page.status, page.body, page.content_type, headers)


def send_bytes(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD" and status != 304:
        handler.wfile.write(body)
