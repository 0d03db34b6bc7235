"""A static loopback HTTP server in its own process, so that serving never competes with the
pipeline for the GIL: `python -m bench.server ROUTES.pickle HOST` prints `port N` and serves
until killed.

ROUTES.pickle holds {path: (body, content_type, validators)}. With validators, a response
carries an ETag and Last-Modified and a matching conditional request gets a 304.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = tuple[bytes, str, bool]
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def make_handler(routes: dict[str, Route]) -> type[BaseHTTPRequestHandler]:
    etags = {path: etag_of(body) for path, (body, _, validators) in routes.items() if validators}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            if route is None:
                self._send(404, b"not found", "text/plain", {})
                return
            body, content_type, _ = route
            etag = etags.get(self.path)
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if etag else {}
            if etag and self.headers.get("If-None-Match") == etag:
                self._send(304, b"", None, headers)
                return
            self._send(200, body, content_type, headers)

        def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    return Handler


def main(argv: list[str]) -> None:
    routes_path, host = argv
    with open(routes_path, "rb") as handle:
        routes: dict[str, Route] = pickle.load(handle)
    httpd = ThreadingHTTPServer((host, 0), make_handler(routes))
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    print(f"port {httpd.server_address[1]}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
