"""A loopback TCP server that answers each HTTP request with bytes chosen by the test.

`http.server` cannot send a malformed status line, a header value with a NUL or a byte that is
not UTF-8, or stop half-way through a body, so the fuzz tests use this instead. Each
connection reads one request head, records it, writes the chosen bytes (optionally in pieces
with pauses) and closes.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

RawAnswer = bytes | Sequence[tuple[bytes, float]]
"""Bytes to send at once, or (piece, seconds to wait after it) pairs: a slow or truncated reply."""

HEAD_LIMIT = 65_536


@dataclass(frozen=True)
class RawRequest:
    path: str
    head: bytes

    def header(self, name: str) -> str | None:
        """The value of header `name` (latin-1 decoded), or None; the first one wins."""
        for line in self.head.split(b"\r\n")[1:]:
            field, _, value = line.partition(b":")
            if field.strip().lower() == name.lower().encode():
                return value.strip().decode("latin-1")
        return None


class RawServer:
    """Answer every request with `answer(path)`; requests are kept in `requests`."""

    def __init__(self, answer: Callable[[str], RawAnswer] | None = None, host: str = "127.0.0.1") -> None:
        self.answer: Callable[[str], RawAnswer] = answer or (lambda path: b"HTTP/1.1 204 No Content\r\n\r\n")
        self.requests: list[RawRequest] = []
        self._lock = threading.Lock()
        self.host = host  # another loopback address (127.0.0.2) makes a "public" origin for guard tests
        self._socket = socket.create_server((host, 0), backlog=64)
        self._socket.settimeout(0.05)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> list[RawRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def _serve(self) -> None:
        accept_each(self._socket, self._closed,
                    lambda connection: threading.Thread(target=self._handle, args=(connection,), daemon=True).start())

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(2.0)
            head = self._read_head(connection)
            if head is None:
                return
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            request = RawRequest(parts[1].decode("latin-1") if len(parts) > 1 else "", head)
            with self._lock:
                self.requests.append(request)
            self._send(connection, self.answer(request.path))

    @staticmethod
    def _read_head(connection: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < HEAD_LIMIT:
            try:
                chunk = connection.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0]

    def _send(self, connection: socket.socket, answer: RawAnswer) -> None:
        pieces = [(answer, 0.0)] if isinstance(answer, bytes) else list(answer)
        try:
            for piece, pause in pieces:
                connection.sendall(piece)
                if pause and self._closed.wait(pause):  # the misbehaviour under test: a slow server
                    return
        except OSError:  # the client gave up (deadline) or reset: nothing left to do
            return


def running_raw_server(answer: Callable[[str], RawAnswer] | None = None) -> Iterator[RawServer]:
    """Body of a pytest fixture: a RawServer closed after the test."""
    server = RawServer(answer)
    try:
        yield server
    finally:
        server.close()


def response(status_line: bytes, headers: Sequence[tuple[bytes, bytes]] = (), body: bytes = b"") -> bytes:
    """A response head and body as given: no Content-Length is added, so the body ends at close."""
    lines = [status_line, *(name + b": " + value for name, value in headers)]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def accept_each(listener: socket.socket, closed: threading.Event, accepted: Callable[[socket.socket], None]) -> None:
    """Hand each connection `listener` accepts to `accepted` (on this thread: it starts the connection's own) until
    `closed` is set, seen within `listener`'s timeout, or `listener` is closed. The loop of this module's server, of
    `keepalive.KeepAliveServer` and of `habitserver.HabitServer`."""
    while not closed.is_set():
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        accepted(connection)


def read_head(connection: socket.socket, buffered: bytes, closed: threading.Event) -> tuple[bytes | None, bytes]:
    """The next request head on a kept-alive `connection` and the bytes read past it, `buffered` being what an
    earlier read left; (None, b"") once the client closes or resets, or `closed` is set, seen within the
    connection's timeout. The reader of `keepalive.KeepAliveServer` and of `tests/world/bytestreams.StreamServer`."""
    while b"\r\n\r\n" not in buffered:
        try:
            chunk = connection.recv(4096)
        except TimeoutError:
            if closed.is_set():
                return None, b""
            continue
        except OSError:
            return None, b""
        if not chunk:
            return None, b""
        buffered += chunk
    head, _, rest = buffered.partition(b"\r\n\r\n")
    return head, rest
