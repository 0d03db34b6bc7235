"""A TCP forwarder on loopback: a Prefect API that can die mid-run while the real server lives on.

The suite shares one Prefect server (tests/conftest.py), which no test may kill. A run pointed at
this proxy sees the server's real answers until `close()`; then every connection is cut and every
new one refused, as when the server's process is killed. After `freeze()` instead, every
connection is accepted and held, and nothing more is forwarded: a server that stopped answering
(SIGSTOP, a frozen VM, a database lock) without going away.
"""

from __future__ import annotations

import contextlib
import socket
import threading


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
        threading.Thread(target=self._accept, daemon=True).start()

    def wait_for_connections(self, count: int, timeout_s: float) -> bool:
        """Whether `count` connections were accepted (in all) within `timeout_s`."""
        with self._accepted:
            return self._accepted.wait_for(lambda: self.connections >= count, timeout_s)

    def freeze(self) -> None:
        """Hold every connection, old and new, and forward nothing more."""
        self._frozen.set()

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
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, target, self._frozen), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket, frozen: threading.Event) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65_536):
            if not frozen.is_set():  # after the freeze, what either side says is read and dropped
                target.sendall(chunk)
    if frozen.is_set():
        return  # no end of stream either: the other side waits
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
