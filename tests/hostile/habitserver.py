"""A loopback HTTP/1.1 keep-alive server with the habits of real front ends that close what they are not using.

Each connection is served on its own thread, request after request, and closed (a FIN, no answer) when:
- no request arrives within `header_timeout` of the accept (nginx's `client_header_timeout`, Apache's
  `mod_reqtimeout`, a load balancer's idle timer on a fresh connection);
- no next request arrives within `idle_timeout` of the last answer (nginx's `keepalive_timeout`; the header timer
  when there is none; either is counted an `idle_timeout` close);
- `max_requests` answers have gone out on it (nginx's `keepalive_requests`), saying so or not;
- an answer carried `Connection: close` (`says_close`: every second answer on a connection).
A timer's close may say why first (`says_timeout`): an unasked `408 Request Timeout` with `Connection: close`, as
Apache's `mod_reqtimeout` and some load balancers write on a connection they give up on. An idle timer may be
noticed late (`idle_noticed_late`): nothing is closed while the connection idles, and the request that comes after
`idle_timeout` is read and the connection closed without an answer (or with the 408): the race of a keep-alive
close with the client's next request, which the client cannot see coming (its pool's check finds the connection open).
How long each connection waited from its accept to its first request's bytes (or to its close with none) is kept
(`Record.first_waits`): a client that makes a connection and then waits for its own reasons shows there
(red team 42).
The host's requests numbered in `limited_at` (1 its first), whatever their path, are answered `status` with a
Retry-After of `pause` seconds, as delta-seconds or as an HTTP date (with the server's `Date`, so the client
reads exactly `pause`). Every request's arrival and every pause asked are kept, so a test can check the
client's spacing and that nothing arrived during a pause. Arrivals are the kernel's stamps (SO_TIMESTAMPNS, as in
test_pacing: a server thread under load reads a request late, and a gap the client kept would look short), on
CLOCK_REALTIME (`time.time()`), as are the pauses.
"""

from __future__ import annotations

import email.utils
import math
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.hostile.rawserver import accept_each

Answer = tuple[int, dict[str, str], bytes]
SO_TIMESTAMPNS = 35  # Linux's number, for SCM_TIMESTAMPNS too (tests/hostile/test_pacing.py)
Route = Callable[[str], Answer]


@dataclass(frozen=True)
class Habits:
    header_timeout: float | None = None
    idle_timeout: float | None = None
    max_requests: int | None = None
    max_requests_said: bool = False  # the last answer before the close carries `Connection: close`
    says_close: bool = False
    says_timeout: bool = False  # a timer's close writes a 408 first
    idle_noticed_late: bool = False  # the idle timer is read when the next request comes, which is then dropped
    limited_at: tuple[int, ...] = ()  # the host's requests (1 its first) answered `status` with Retry-After
    status: int = 429
    pause: float = 1.0
    pause_as_date: bool = False


@dataclass(frozen=True)
class Arrival:
    at: float  # when the request's first byte reached the socket (kernel stamp, `time.time()`'s clock)
    connection: int
    path: str


@dataclass
class Record:
    arrivals: list[Arrival] = field(default_factory=list)
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (answered at, `time.time()`; seconds asked)
    closes: dict[str, int] = field(default_factory=dict)  # why the server closed connections, how many times
    # connection -> seconds from its accept (read by the accepting thread, so never early) to its first request's
    # first byte (the kernel's stamp), or to its close with no request
    first_waits: dict[int, float] = field(default_factory=dict)
    first_wait_spans: dict[int, tuple[float, float]] = field(default_factory=dict)  # (accept, until) of each wait


class HabitServer:
    def __init__(self, host: str, habits: Habits, route: Route) -> None:
        self.habits, self.route = habits, route
        self.record = Record()
        self._lock = threading.Lock()
        self._connections = 0
        self._requests = 0
        self._closed = threading.Event()
        self._socket = socket.create_server((host, 0), backlog=64)
        self._socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)  # inherited by each connection
        self._socket.settimeout(0.05)
        self.host = host
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._socket.getsockname()[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

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
        threading.Thread(target=self._handle, args=(connection, number, time.time()), daemon=True).start()

    def _closing(self, why: str) -> None:
        with self._lock:
            self.record.closes[why] = self.record.closes.get(why, 0) + 1

    def _handle(self, connection: socket.socket, number: int, accepted: float) -> None:
        habits, answered, buffered = self.habits, 0, b""
        with connection:
            connection.settimeout(0.02)
            limit, why = habits.header_timeout, "header_timeout"
            waiting_since = accepted
            while not self._closed.is_set():
                head, buffered, arrived = self._read_head(connection, buffered, waiting_since, limit)
                if answered == 0:
                    self._first_wait(number, accepted, arrived if head is not None and arrived else time.time())
                if head is None or arrived is None:
                    if arrived is None and limit is not None:
                        self._time_out(connection, why)
                    return
                path = head.split(b" ")[1].decode("latin-1") if head.count(b" ") >= 2 else "/"
                with self._lock:
                    self.record.arrivals.append(Arrival(arrived, number, path))
                if answered and habits.idle_noticed_late and arrived - waiting_since >= (habits.idle_timeout or 0):
                    self._time_out(connection, "idle_timeout_late")
                    return
                answered += 1
                last = habits.max_requests is not None and answered >= habits.max_requests
                close = (habits.says_close and answered % 2 == 0) or (last and habits.max_requests_said)
                if not self._answer(connection, path, close) or close or last:
                    self._closing("max_requests" if last else "connection_close")
                    return
                waiting_since = time.time()
                # after an answer the timer is a keep-alive one, whichever value it takes: a close then is an
                # "idle_timeout"; a "header_timeout" is a connection that never got its first request
                limit, why = (habits.idle_timeout or habits.header_timeout), "idle_timeout"
                if habits.idle_noticed_late:
                    limit = None

    def _first_wait(self, number: int, accepted: float, until: float) -> None:
        with self._lock:
            self.record.first_waits[number] = max(0.0, until - accepted)
            self.record.first_wait_spans[number] = (accepted, max(accepted, until))

    def _time_out(self, connection: socket.socket, why: str) -> None:
        self._closing(why)
        if self.habits.says_timeout:
            self._send(connection, (408, {"Connection": "close"}, b""))

    def _answer(self, connection: socket.socket, path: str, close: bool) -> bool:
        status, headers, body = self._limited() or self.route(path)
        return self._send(connection, (status, {**headers, **({"Connection": "close"} if close else {})}, body))

    @staticmethod
    def _send(connection: socket.socket, answer: Answer) -> bool:
        status, headers, body = answer
        headers = {**headers, "Content-Length": str(len(body))}
        head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        try:
            connection.sendall(head.encode("latin-1") + body)
        except OSError:
            return False
        return True

    def _limited(self) -> Answer | None:
        habits = self.habits
        with self._lock:
            self._requests += 1
            if self._requests not in habits.limited_at:
                return None
            self.record.pauses.append((time.time(), float(math.ceil(habits.pause))))
        if not habits.pause_as_date:
            return habits.status, {"Retry-After": str(math.ceil(habits.pause))}, b"wait"
        now = math.floor(time.time())
        until = email.utils.formatdate(now + math.ceil(habits.pause), usegmt=True)
        return habits.status, {"Date": email.utils.formatdate(now, usegmt=True), "Retry-After": until}, b"wait"

    def _read_head(self, connection: socket.socket, buffered: bytes, since: float,
                   limit: float | None) -> tuple[bytes | None, bytes, float | None]:
        """A request head, what follows it, and when its first byte came; (None, b"", None) on the timeout."""
        arrived = time.time() if buffered else None  # pipelined: came with the request before
        while b"\r\n\r\n" not in buffered:
            # The timer is read against the kernel's stamp of what is already there: this thread, late under load,
            # would otherwise close on a request that came in time (a close no client rule should have to absorb).
            due = arrived is None and limit is not None and time.time() - since >= limit
            try:
                chunk, stamp = _stamped_recv(connection, socket.MSG_DONTWAIT if due else 0)
            except (TimeoutError, BlockingIOError):
                if due:
                    return None, b"", None  # the timer fired: close without a word
                if self._closed.is_set():
                    return None, b"", 0.0
                continue
            except OSError:
                return None, b"", 0.0
            if not chunk:
                return None, b"", 0.0
            if due and limit is not None and stamp >= since + limit:
                return None, b"", None  # came after the timer fired
            arrived = stamp if arrived is None else arrived
            buffered += chunk
        head, _, rest = buffered.partition(b"\r\n\r\n")
        return head, rest, arrived


def _stamped_recv(connection: socket.socket, flags: int = 0) -> tuple[bytes, float]:
    """Bytes read, and when the first of them reached the socket (the kernel's stamp; now when there is none)."""
    data, ancillary, _, _ = connection.recvmsg(4096, socket.CMSG_SPACE(16), flags)
    for level, kind, stamp in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", stamp[:16])
            return data, seconds + nanoseconds / 1e9
    return data, time.time()
