"""A loopback HTTP/1.1 server that keeps connections alive and decides, request by request on
each connection, whether to answer, close without a word, reset, or say nothing at all.

It reproduces what a pooled client meets in the wild: a server whose keep-alive timer closes a
connection just as the client's next request goes out on it. The client then sees the
connection end before any byte of an answer (`Server disconnected without sending a response`,
or a reset), although the server is healthy.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from tests.hostile.rawserver import accept_each, read_head


class Act(Enum):
    ANSWER = "answer"
    CLOSE = "close"  # FIN without an answer: the keep-alive timer fired as the request arrived
    RESET = "reset"  # RST without an answer (SO_LINGER 0)
    SILENT = "silent"  # keep the connection open and never answer


@dataclass(frozen=True)
class Seen:
    connection: int  # 1 for the first connection the server accepted
    request: int  # 1 for the first request on that connection
    path: str


Policy = Callable[[Seen], Act]


def close_reused(seen: Seen) -> Act:
    """Answer the first request on each connection; close on any later one."""
    return Act.ANSWER if seen.request == 1 else Act.CLOSE


class KeepAliveServer:
    def __init__(self, policy: Policy = close_reused, body: bytes = b"<html><body><p>fresh</p></body></html>") -> None:
        self.policy, self.body = policy, body
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._connections = 0
        self._closed = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._socket.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}{path}"

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def _serve(self) -> None:
        accept_each(self._socket, self._closed, self._accepted)

    def _accepted(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections += 1
            number = self._connections
        threading.Thread(target=self._handle, args=(connection, number), daemon=True).start()

    def _handle(self, connection: socket.socket, number: int) -> None:
        with connection:
            connection.settimeout(0.2)
            buffered, request = b"", 0
            while not self._closed.is_set():
                head, buffered = read_head(connection, buffered, self._closed)
                if head is None:
                    return
                request += 1
                seen = Seen(number, request, head.split(b" ")[1].decode("latin-1") if b" " in head else "")
                with self._lock:
                    self.seen.append(seen)
                if not self._act(connection, self.policy(seen)):
                    return

    def _act(self, connection: socket.socket, act: Act) -> bool:
        """Do `act`; True when the connection stays open for another request."""
        if act is Act.ANSWER:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(self.body)}\r\n\r\n"
            connection.sendall(head.encode() + self.body)
            return True
        if act is Act.RESET:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if act is Act.SILENT:
            self._closed.wait()
        return False


class Blackhole:
    """A loopback port where a TCP connect gets no answer: its accept queue is full.

    The listener never accepts, and its queue (backlog 0) is filled by connections made here,
    so the kernel drops every later SYN: a client's connect hangs as it does on a blackholed
    route or behind a captive portal that swallows traffic.
    """

    def __init__(self, fillers: int = 4) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self._fillers: list[socket.socket] = []
        for _ in range(fillers):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.port))
            self._fillers.append(filler)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()
