"""A TCP forwarder on loopback: a Prefect API that can die mid-run while the real server lives on.

The suite shares one Prefect server (tests/conftest.py), which no test may kill. A run pointed at
this proxy sees the server's real answers until `close()`; then every connection is cut and every
new one refused, as when the server's process is killed. After `freeze()` instead, every
connection is accepted and held, and nothing more is forwarded: a server that stopped answering
(SIGSTOP, a frozen VM, a database lock) without going away. After `fail(pattern, status)`, a
request whose first line matches `pattern` gets `status` (an empty 500, say) from the proxy instead of
the server's answer, or, with status None, its connection cut: a server that fails some calls only
(red team 20); with status `HOLD`, taken and never answered (a locked database: Prefect 58). Prefect's client
speaks HTTP/1.1 without pipelining, so a request starts a chunk.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from dataclasses import dataclass, field

HOLD = 0  # `fail`'s status for a request taken and never answered (no real status is 0)


@dataclass
class Faults:
    """Requests to fail: a pattern of their first line, and the status to answer (None: cut)."""

    pattern: re.Pattern[bytes] | None = None
    status: int | None = 500
    spare: int = 0  # matching requests still to let through before the failures start
    delay_s: float = 0.0  # every request waits this long before it goes on (a slow server: Prefect 54)
    heal_on: re.Pattern[bytes] | None = None  # once a request matching it has failed, nothing more fails
    seen: list[bytes] = field(default_factory=list)  # every request's first line
    failed: list[bytes] = field(default_factory=list)  # the first lines failed so far
    first_failed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failing(self, chunk: bytes) -> bool:
        line = chunk.split(b"\r\n", 1)[0]
        with self.lock:
            self.seen.append(line)
            if self.pattern is None or not self.pattern.search(line):
                return False
            if self.spare > 0:
                self.spare -= 1
                return False
            self.failed.append(line)
            self.first_failed.set()
            if self.heal_on is not None and self.heal_on.search(line):  # a server back from its restart
                self.pattern = None
            return True


class ApiProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = int(self._listener.getsockname()[1])
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        self._frozen = threading.Event()
        self._accepted = threading.Condition()
        self.connections = 0
        self.faults = Faults()
        threading.Thread(target=self._accept, daemon=True).start()

    def wait_for_connections(self, count: int, timeout_s: float) -> bool:
        """Whether `count` connections were accepted (in all) within `timeout_s`."""
        with self._accepted:
            return self._accepted.wait_for(lambda: self.connections >= count, timeout_s)

    def freeze(self) -> None:
        """Hold every connection, old and new, and forward nothing more."""
        self._frozen.set()

    def fail(self, pattern: bytes, status: int | None = 500, spare: int = 0, heal_on: bytes | None = None) -> None:
        """From now on answer each request whose first line matches `pattern` with `status`, or cut it,
        once `spare` of them have gone through; with `heal_on`, until a request matching it has failed."""
        with self.faults.lock:
            self.faults.pattern, self.faults.status, self.faults.spare = re.compile(pattern), status, spare
            self.faults.heal_on = None if heal_on is None else re.compile(heal_on)

    def slow_down(self, delay_s: float) -> None:
        """From now on each request reaches the server `delay_s` later: an API that answers, slowly."""
        self.faults.delay_s = delay_s

    def heal(self) -> None:
        with self.faults.lock:
            self.faults.pattern = None

    def close(self) -> None:
        """Cut every connection and refuse new ones."""
        with self._lock:
            self._closed = True
            doomed = [self._listener, *self._sockets]
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._accepted:
                self.connections += 1
                self._accepted.notify_all()
            if self._frozen.is_set():
                with self._lock:
                    self._sockets.append(client)  # accepted, never answered
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            for source, target, faults in ((client, upstream, self.faults), (upstream, client, None)):
                threading.Thread(target=_pump, args=(source, target, self._frozen, faults), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket, frozen: threading.Event, faults: Faults | None) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65_536):
            if faults is not None and faults.failing(chunk):
                if faults.status == HOLD:
                    return  # both ends stay open (the proxy keeps them): the client waits on its own timeout
                _fail_request(source, target, faults.status)
                return
            if faults is not None and faults.delay_s:
                time.sleep(faults.delay_s)  # the slow server's latency, not a wait on anything
            if not frozen.is_set():  # after the freeze, what either side says is read and dropped
                target.sendall(chunk)
    if frozen.is_set():
        return  # no end of stream either: the other side waits
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def _fail_request(client: socket.socket, upstream: socket.socket, status: int | None) -> None:
    """Answer the client `status` (or nothing) and cut both ends: the server never sees the request."""
    with contextlib.suppress(OSError):
        if status is not None:
            client.sendall(f"HTTP/1.1 {status} Proxy Fault\r\ncontent-type: application/json\r\n"
                           f"content-length: 2\r\nconnection: close\r\n\r\n{{}}".encode())
    for sock in (client, upstream):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
