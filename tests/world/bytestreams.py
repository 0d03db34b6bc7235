"""A raw-socket loopback HTTP/1.1 server that keeps connections alive and answers each request, by its path, with
bytes a test wrote: hostile byte streams several to one connection (red team 45, tests/hostile/test_redteam45.py).

An answer is pieces of bytes, each with the seconds to wait after it, and what the server does after the last:
read the next request on the same connection (`KEEP`), close (`CLOSE`), reset (`RESET`) or hold the connection
open saying nothing more (`HOLD`, until the server closes). Every request is recorded with its connection's number,
its number on that connection and the kernel's arrival order, so a test can tell which answers shared a
connection and in what order.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from tests.hostile.rawserver import accept_each, read_head


class After(Enum):
    KEEP = "keep"
    CLOSE = "close"
    RESET = "reset"
    HOLD = "hold"


@dataclass(frozen=True)
class Stream:
    pieces: tuple[tuple[bytes, float], ...]
    after: After = After.KEEP


@dataclass(frozen=True)
class Heard:
    connection: int  # 1 for the first connection accepted
    request: int  # 1 for the first request on that connection
    path: str


@dataclass
class StreamServer:
    """Answer each request with `answer(path)`; `heard` keeps every request in arrival order."""

    host: str
    answer: Callable[[str], Stream]
    heard: list[Heard] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._connections = 0
        self._closed = threading.Event()
        self._socket = socket.create_server((self.host, 0), backlog=64)
        self._socket.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=accept_each, args=(self._socket, self._closed, self._accepted),
                                        daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def heard_on(self, path: str) -> list[Heard]:
        with self._lock:
            return [h for h in self.heard if h.path == path]

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2)
        self._socket.close()
        for thread in list(self._threads):
            thread.join(timeout=2)

    def _accepted(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections += 1
            thread = threading.Thread(target=self._handle, args=(connection, self._connections), daemon=True)
            self._threads.append(thread)
        thread.start()

    def _handle(self, connection: socket.socket, number: int) -> None:
        with connection:
            connection.settimeout(0.1)
            buffered, request = b"", 0
            while True:
                head, buffered = read_head(connection, buffered, self._closed)
                if head is None:
                    return
                request += 1
                parts = head.split(b" ")
                path = parts[1].decode("latin-1") if len(parts) > 1 else ""
                with self._lock:
                    self.heard.append(Heard(number, request, path))
                if not self._send(connection, self.answer(path)):
                    return

    def _send(self, connection: socket.socket, stream: Stream) -> bool:
        """Write `stream`; True when the connection stays open for another request."""
        try:
            for piece, pause in stream.pieces:
                connection.sendall(piece)
                if pause and self._closed.wait(pause):
                    return False
        except OSError:  # the client gave up (its deadline, a cap) or reset
            return False
        if stream.after is After.RESET:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if stream.after is After.HOLD:
            self._closed.wait()
        return stream.after is After.KEEP


def head(status: str, headers: Sequence[tuple[str, str]] = ()) -> bytes:
    """A status line and headers, then the blank line."""
    return ("\r\n".join([f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers)])
            + "\r\n\r\n").encode("latin-1")


def sized(status: str, body: bytes, headers: Sequence[tuple[str, str]] = ()) -> bytes:
    """A whole answer with a right Content-Length."""
    return head(status, [*headers, ("Content-Length", str(len(body)))]) + body


def counted_short(status: str, body: bytes, headers: Sequence[tuple[str, str]] = ()) -> bytes:
    """A whole answer whose Content-Length says half its body, the rest following in the same write (red teams
    46, 47)."""
    return head(status, [*headers, ("Content-Length", str(len(body) // 2))]) + body


def chunked(body: bytes, size: int, extension: str = "", trailer: str = "") -> bytes:
    """`body` in chunks of `size` bytes, each size line with `extension`, then the last chunk and `trailer`."""
    ext = extension.encode("latin-1")
    pieces = [b"%x%s\r\n%s\r\n" % (len(body[at:at + size]), ext, body[at:at + size])
              for at in range(0, len(body), size)]
    return b"".join(pieces) + b"0\r\n" + (trailer.encode("latin-1") + b"\r\n" if trailer else b"") + b"\r\n"
