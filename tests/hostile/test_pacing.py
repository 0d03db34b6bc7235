"""Concurrency limits and the delay between request starts, measured on the server side.

The delay is promised between the moments requests reach the host, so the spacing tests read when
each request's first byte reached the server's socket as the kernel stamped it (SO_TIMESTAMPNS, taken
as the client's write hands the bytes to loopback), not when a server thread got round to it: under
load that thread ran up to 60 ms late for one request and not the next, and a gap the client had
kept looked short. A request can only reach the host later than we send it, never earlier, so these
lower bounds are the promise itself and hold at any load.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import socket
import ssl
import struct
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow.fetch import guarded_transport
from newsflow.models import Outcome
from newsflow.pacing import HostGate, HostPaused, SendWindow
from tests.hostile.servers import InFlightRecorder, LoopbackServer, fetch_articles, running_server, settings
from tests.hostile.tlsserver import CERTIFIED_NAME, TlsServer
from tests.localserver import Page, send_bytes

HOLD = 0.15
SO_TIMESTAMPNS = 35  # Linux's number, for SCM_TIMESTAMPNS too; Python's socket module names neither
CLOCKS = 0.001  # the kernel stamps CLOCK_REALTIME, we space by CLOCK_MONOTONIC: NTP may slew one by 0.05 %


def _arrival(connection: socket.socket) -> float | None:
    """When the next request's first byte reached `connection` (kernel stamp, left in the queue)."""
    data, ancillary, _, _ = connection.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
    for level, kind, stamp in ancillary:
        if data and level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", stamp[:16])
            return seconds + nanoseconds / 1e9
    return None


class ArrivalServer(LoopbackServer):
    """A LoopbackServer whose handlers know when their request reached the socket (`handler.arrived`)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        # On the listening socket, before any client: a connection inherits it, and a request that
        # arrived before its handler ran is stamped too.
        self._httpd.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        base = super()._request_handler_class()

        class _Stamped(base):  # type: ignore[valid-type,misc]
            arrived: float | None = None

            def handle_one_request(self) -> None:
                self.arrived = _arrival(self.connection)  # the client sends the next request after an answer
                super().handle_one_request()

        return _Stamped


class ArrivalRecorder:
    """A handler answering at once and keeping when each request reached the server (kernel clock)."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = getattr(handler, "arrived", None)
        assert arrived is not None, "no kernel stamp on the request"
        with self._lock:
            self.starts.append(arrived)
        send_bytes(handler, 200, b"<html><p>ok</p></html>", "text/html")


def _arrival_server(host: str) -> Iterator[ArrivalServer]:
    local = ArrivalServer(host)
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def stamped() -> Iterator[ArrivalServer]:
    yield from _arrival_server("127.0.0.1")


@pytest.fixture
def other_stamped() -> Iterator[ArrivalServer]:
    yield from _arrival_server("127.0.0.2")


@pytest.fixture
def other_host() -> Iterator[LoopbackServer]:
    yield from running_server("127.0.0.2")


def _serve(
    server: LoopbackServer, recorder: InFlightRecorder | ArrivalRecorder, count: int, prefix: str = "/a"
) -> list[str]:
    return [server.add(f"{prefix}/{index}", recorder) for index in range(count)]


def test_per_host_concurrency_caps_requests_in_flight_to_one_host(server: LoopbackServer) -> None:
    recorder = InFlightRecorder(hold=HOLD)
    urls = _serve(server, recorder, 8)
    results = fetch_articles(settings(per_host_concurrency=2, concurrency=10, respect_robots=False), urls)
    assert {r.outcome for r in results} == {Outcome.OK}
    assert recorder.peak == 2


def test_global_concurrency_caps_requests_across_hosts(server: LoopbackServer, other_host: LoopbackServer) -> None:
    recorder = InFlightRecorder(hold=HOLD)
    urls = _serve(server, recorder, 3) + _serve(other_host, recorder, 3)
    results = fetch_articles(settings(per_host_concurrency=3, concurrency=2, respect_robots=False), urls)
    assert {r.outcome for r in results} == {Outcome.OK}
    assert recorder.peak == 2


def test_per_host_delay_spaces_request_starts(stamped: ArrivalServer) -> None:
    recorder = ArrivalRecorder()
    urls = _serve(stamped, recorder, 5)
    fetch_articles(settings(per_host_delay=0.2, per_host_concurrency=5, respect_robots=False), urls)
    starts = sorted(recorder.starts)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 4
    assert min(gaps) >= 0.2 - CLOCKS, f"gaps between arrivals: {[round(g, 3) for g in gaps]}"
    # Spaced once, not twice (a turn's delay and then a send's): a stalled loop may stretch a gap or two.
    assert sorted(gaps)[1] < 0.35, f"gaps between arrivals: {[round(g, 3) for g in gaps]}"


def test_delay_on_one_host_does_not_hold_up_another(stamped: ArrivalServer, other_stamped: ArrivalServer) -> None:
    slow, fast = ArrivalRecorder(), ArrivalRecorder()
    urls = _serve(stamped, slow, 3) + _serve(other_stamped, fast, 1)
    fetch_articles(settings(per_host_delay=0.4, respect_robots=False), urls)
    assert fast.starts[0] - min(slow.starts) < 0.3  # not one of the slow host's 0.4 s turns
    assert max(slow.starts) - min(slow.starts) >= 2 * 0.4 - CLOCKS


def _first_answer_late(seconds: float) -> Callable[[str, int], Awaitable[list[str]]]:
    """A resolver answering 127.0.0.1, the first time only `seconds` late: a slow DNS answer (or address
    check) between the first request's turn and the moment it is sent."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        if len(calls) == 1:
            await asyncio.sleep(seconds)
        return ["127.0.0.1"]

    return resolve


def _first_answer_after(event: threading.Event) -> Callable[[str, int], Awaitable[list[str]]]:
    """A resolver answering 127.0.0.1, the first time only once `event` is set (the other request's answer has
    left the server): the first request reaches its send while its host's pause is in force, whatever the load."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        if len(calls) == 1:
            await asyncio.to_thread(event.wait, 10)
        return ["127.0.0.1"]

    return resolve


@pytest.mark.parametrize(("per_host_concurrency", "late"), [(1, 0.25), (2, 0.45)])
def test_delay_runs_from_the_moment_a_request_is_sent(
    stamped: ArrivalServer, per_host_concurrency: int, late: float
) -> None:
    # The first request's name answers `late` after its turn. Counted from the turn, the next request
    # went out 0.05 s after it (one at a time), or 0.15 s before it (two at a time: its turn came while
    # the first waited for its name). Counted from the send, the host sees them `per_host_delay` apart;
    # two at a time, that takes the first request waiting at its send, not only the second at its turn.
    recorder = ArrivalRecorder()
    urls = _serve(stamped, recorder, 2)
    fetch_settings = settings(per_host_delay=0.3, per_host_concurrency=per_host_concurrency, respect_robots=False)
    transport = guarded_transport(fetch_settings, resolver=_first_answer_late(late))
    results = fetch_articles(fetch_settings, urls, transport=transport)
    assert {r.outcome for r in results} == {Outcome.OK}
    earlier, later = sorted(recorder.starts)
    assert later - earlier >= 0.3 - CLOCKS, f"the host saw two requests {later - earlier:.3f} s apart"


@pytest.mark.parametrize("seed", range(4))
def test_sends_to_a_host_stay_a_delay_apart_whatever_lies_between_turn_and_send(seed: int) -> None:
    # Generated schedules on the gate alone: requests to two hosts, each a random time between its
    # turn and its send (DNS, connect), some refused (they write nothing and give their turn back),
    # two or three at a time per host. Each write begins a delay after the host's last one ended.
    chooser = random.Random(seed)
    delay = 0.01
    gate = HostGate(concurrency=4, per_host_concurrency=chooser.choice([2, 3]), per_host_delay=delay)
    writes: dict[str, list[tuple[float, float]]] = {"a": [], "b": []}

    async def request(host: str, latency: float, refused: bool) -> None:
        async with gate.host_slot(host), gate.turn(host) as turn:
            await asyncio.sleep(latency)
            if refused:
                turn.nothing_sent = True
                return
            async with gate.send_window(host) as window, window.write():
                began = time.monotonic()
                await asyncio.sleep(0)  # the write yields to the loop, as anyio's does
                writes[host].append((began, time.monotonic()))

    latencies = [0.0, 0.004, 0.013, 0.025]
    plan = [(chooser.choice("ab"), chooser.choice(latencies), chooser.random() < 0.25) for _ in range(12)]

    async def run_all() -> None:
        await asyncio.gather(*(request(*step) for step in plan))

    asyncio.run(run_all())
    for host, spans in writes.items():
        assert len(spans) == sum(1 for h, _, refused in plan if h == host and not refused)
        ordered = sorted(spans)
        assert all(later[0] >= earlier[1] + delay for earlier, later in itertools.pairwise(ordered)), (host, plan)


def test_https_requests_are_spaced_at_their_send_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Over TLS the request is written on the stream `ShortReads.start_tls` returns: the spacing must
    # follow it there (the handshake's bytes are the connection's, not a request's). Recorded around
    # the real gate's send, since the server only sees encrypted records.
    tls = TlsServer(tmp_path)
    sends: list[tuple[str, float, float]] = []
    real_write = SendWindow.write

    @contextlib.asynccontextmanager
    async def recorded(window: SendWindow) -> AsyncIterator[None]:
        async with real_write(window):
            began = time.monotonic()
            yield
            sends.append((window._host, began, time.monotonic()))

    monkeypatch.setattr(SendWindow, "write", recorded)
    try:
        urls = [tls.add(f"/a/{index}", Page(b"<html><p>ok</p></html>", "text/html")) for index in range(2)]
        urls = [url.replace("127.0.0.1", CERTIFIED_NAME) for url in urls]
        fetch_settings = settings(timeout=3.0, per_host_delay=0.3, per_host_concurrency=2, respect_robots=False)
        trusting = ssl.create_default_context(cafile=str(tls.cert_path))
        transport = guarded_transport(fetch_settings, resolver=_first_answer_late(0.45), ssl_context=trusting)
        results = fetch_articles(fetch_settings, urls, transport=transport)
    finally:
        tls.close()
    assert {r.outcome for r in results} == {Outcome.OK}, [r.error for r in results]
    assert [host for host, _, _ in sends] == [CERTIFIED_NAME] * 2
    (_, _, first_end), (_, second_began, _) = sorted(sends, key=lambda send: send[1])
    assert second_began >= first_end + 0.3


@pytest.mark.parametrize("delay", [0.0, 0.02])
def test_a_pause_asked_while_a_request_waits_to_send_holds_its_send(delay: float) -> None:
    # A Retry-After that lands after a request's turn (the host's other request in flight got the 429)
    # must stop its send too: it waits for the pause's end, or is refused when the pause passes max_pause.
    gate = HostGate(concurrency=2, per_host_concurrency=2, per_host_delay=delay, max_pause=1.0)

    async def go() -> float:
        async with gate.send_window("h") as window, window.write():
            pass
        gate.pause("h", 0.1)
        async with gate.send_window("h"):
            left = gate.pause_remaining("h")
        gate.pause("h", 5.0)
        with pytest.raises(HostPaused):
            async with gate.send_window("h"):
                pytest.fail("sent into a pause longer than max_pause")
        return left

    assert asyncio.run(go()) == 0.0


def test_a_request_waiting_to_send_when_its_host_says_retry_after_sends_nothing(stamped: ArrivalServer) -> None:
    # Two at a time: the first request's name answers late; the second goes first and gets 429 with a
    # Retry-After past max_retry_after. The first, by then connected, must not reach the host.
    # The first name is answered once the 429 has left the server, so the pause reaches the client
    # while that request connects, whatever the load. No delay: with one, the first request holds its host's
    # send from its wait to its write (red team 42), so the second could not go first.
    recorder = ArrivalRecorder()
    answered = threading.Event()

    def too_many(handler: BaseHTTPRequestHandler) -> None:
        recorder.starts.append(time.monotonic())
        send_bytes(handler, 429, b"slow down", "text/plain", {"Retry-After": "3600"})
        answered.set()

    urls = [stamped.add(f"/a/{index}", too_many) for index in range(2)]
    fetch_settings = settings(per_host_delay=0.0, per_host_concurrency=2, respect_robots=False)
    transport = guarded_transport(fetch_settings, resolver=_first_answer_after(answered))
    results = fetch_articles(fetch_settings, urls, transport=transport)
    assert len(recorder.starts) == 1, "a request went out into the host's pause"
    assert [r.outcome for r in results] == [Outcome.RATE_LIMITED] * 2, [r.error for r in results]
    assert all(r.retry_after is not None and r.retry_after > 3000 for r in results), [r.error for r in results]


def test_a_request_waiting_to_send_out_a_pause_within_the_cap_is_not_timed_out_by_it(stamped: ArrivalServer) -> None:
    # Two at a time, as above, but the pause (2 s) is within max_retry_after and longer than the waiting
    # request's fetch.timeout (1.2 s). Waiting out a host's pause is our politeness, not its slowness: the
    # request waits, then sends, and its answer is stored. Counted in its deadline it was `timeout` (a counted
    # failure), as `test_server_input`'s pauses URL by URL found under load in CI (session 34).
    answered = threading.Event()
    asked: set[str] = set()

    def once_too_many(handler: BaseHTTPRequestHandler) -> None:
        if handler.path in asked:
            send_bytes(handler, 200, b"<html><body><p>story</p></body></html>", "text/html")
            return
        asked.add(handler.path)
        send_bytes(handler, 429, b"slow down", "text/plain", {"Retry-After": "2"})
        answered.set()

    urls = [stamped.add(f"/a/{index}", once_too_many) for index in range(2)]
    fetch_settings = settings(per_host_delay=0.0, per_host_concurrency=2, respect_robots=False, timeout=1.2,
                              max_retry_after=5.0)
    transport = guarded_transport(fetch_settings, resolver=_first_answer_after(answered))
    results = fetch_articles(fetch_settings, urls, transport=transport)
    assert [r.outcome for r in results] == [Outcome.OK] * 2, [r.error for r in results]
