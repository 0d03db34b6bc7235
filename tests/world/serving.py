"""The world's HTTP server: one threading server on loopback, every request handed to the World."""

from __future__ import annotations

import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def site_of(host: str) -> int | None:
    match = re.fullmatch(r"site-(\d+)\.world(?:-\d+)?\.test", host)  # own domains: site-<n>.world-<n>.test
    return int(match.group(1)) if match else None


class WorldHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 turns a burst of connections into 1 s SYN retries

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on a drip or a reset are the point, not news


def handler_class(handle: Callable[[BaseHTTPRequestHandler], None]) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            handle(self)

        def do_HEAD(self) -> None:
            handle(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _Handler
