"""Red team 42: a connection is made only when its request may be sent (docs/security.md, "Red team 42").

The root of red team 41's class: a request's connection was made before the host gate's wait (its
`per_host_delay`, a Retry-After pause), then sat idle through it, so a front end's header timer shorter than the
wait closed it before the request was written. The wait now comes before the pool hands out or makes a
connection (`pacing.HostGate.send_window`), and the request is written on the connection at once. Real loopback
servers (`habitserver.HabitServer`, `keepalive.KeepAliveServer`); what a host sees is what is checked: how long
each connection it accepted waited for its first request (`Record.first_waits`), which timers fired, and how
many times each GET arrived.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from newsflow.pacing import HostGate, SendHeld
from tests.hostile.habitserver import Habits, HabitServer
from tests.hostile.keepalive import Act, KeepAliveServer, Seen
from tests.hostile.looplag import LoopLag, waits_past
from tests.hostile.servers import settings
from tests.hostile.test_pacing import ArrivalServer
from tests.hostile.test_redteam41 import FIRST_WAIT_LIMIT, PAGE, fetch_one_after_another
from tests.localserver import send_bytes


def test_a_host_whose_header_timer_is_shorter_than_the_delay_sees_no_idle_connection() -> None:
    """A front end that notices its keep-alive timer only when the next request comes (the race of its close with
    our GET) drops the GET on the reused connection; the GET is sent again on a new one. That connection was made
    at once and waited a whole `per_host_delay` (0.8 s) before its write, past the host's header timer (0.4 s):
    closed, and its retry's too, a `protocol_error` for a page the host serves (main). Now the new connection is
    made once the delay has passed and written at once: no connection waits, no header timer fires."""
    server = HabitServer("127.0.0.1", Habits(header_timeout=0.4, idle_timeout=0.2, idle_noticed_late=True),
                         lambda path: PAGE)
    try:
        results = fetch_one_after_another(server, ["/a", "/b"], settings(respect_robots=False, per_host_delay=0.8,
                                                                         timeout=3.0))
    finally:
        server.close()
    assert [result.outcome for result in results] == [Outcome.OK, Outcome.OK], results[1].error
    assert [(arrival.connection, arrival.path) for arrival in server.record.arrivals] == [
        (1, "/a"), (1, "/b"), (2, "/b")], server.record
    assert server.record.closes == {"idle_timeout_late": 1}, server.record.closes
    assert not waits_past(server.record, FIRST_WAIT_LIMIT), server.record.first_waits
    arrivals = [arrival.at for arrival in server.record.arrivals]
    assert arrivals[2] - arrivals[1] >= 0.8 - 0.01, arrivals  # the retry is a send too: a delay after the first


def test_a_server_that_closes_every_get_gets_it_twice_on_a_new_connection_or_after_a_reused_one() -> None:
    """The count the docs promise (docs/security.md, "Red team 42", changed by red team 51): a GET whose connection
    ends before any answer is sent again once, on a new connection (MAX_FRESH_CONNECTIONS), a delay later: a reused
    one's server may have closed it before our request came; a new one's closed with not one byte back (red team
    51; red team 42 took that close for the server's answer). A server that reads every GET and closes gets it
    twice: a bound that still recovers from a stale pooled connection and a server shedding connections. Main
    before red team 42 sent the second three times (its new connections waited the delay, so each looked stale)."""
    server = KeepAliveServer(lambda seen: Act.ANSWER if seen.path == "/a" else Act.CLOSE)
    try:
        results = fetch_one_after_another(server, ["/x", "/a", "/b"], settings(respect_robots=False,
                                                                               per_host_delay=0.6))
    finally:
        server.close()
    assert [result.outcome for result in results] == [Outcome.PROTOCOL_ERROR, Outcome.OK, Outcome.PROTOCOL_ERROR]
    assert server.seen == [Seen(1, 1, "/x"), Seen(2, 1, "/x"), Seen(3, 1, "/a"), Seen(3, 2, "/b"),
                           Seen(4, 1, "/b")], server.seen


def test_a_pause_asked_between_the_wait_and_the_write_sends_nothing_and_records_no_send() -> None:
    """The gate's side of the fix: a window waited for holds the host's send until its write; a pause asked in
    between (the host's other request got a 429 while this one connected) refuses the write (`SendHeld`), which
    is no send (the next window does not wait a delay for it), and the next window waits the pause out."""
    gate = HostGate(concurrency=2, per_host_concurrency=2, per_host_delay=1.0, max_pause=5.0)

    async def go() -> float:
        async with gate.send_window("h") as window:
            gate.pause("h", 0.2)
            with pytest.raises(SendHeld):
                async with window.write():
                    pytest.fail("written into a pause")
        began = time.monotonic()
        async with gate.send_window("h") as window, window.write():
            return time.monotonic() - began

    assert 0.2 - 0.01 <= asyncio.run(go()) < 0.2 + 0.5  # the pause; not a delay (1 s) after a send


def test_a_redirect_hop_connecting_when_its_host_pauses_is_sent_once_after_the_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Review of red team 42: `SendHeld` on a redirect's next hop, with a delay (so the window is held). /r's 302
    closes its connection, so the hop to /a makes a new one; its name is answered once the host's other request
    (/slow, answered once the hop looks its name up) has got its 429 (Retry-After 2 s: the hop connects well within
    it at any load) and the gate holds the pause. The hop's write is refused, nothing goes out; /a arrives once,
    after the pause, and so does the /slow retry, a delay apart; the pause is not counted against either request's
    1 s deadline."""
    server = ArrivalServer("127.0.0.1")
    slow_asked: list[float] = []
    host_paused = asyncio.Event()
    hop_connecting = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        slow_asked.append(handler.arrived)  # type: ignore[attr-defined]  # the kernel's stamp (ArrivalServer)
        if len(slow_asked) == 1:
            assert hop_connecting.wait(10), "the redirect hop never looked its name up"
            send_bytes(handler, 429, b"wait", "text/plain", {"Retry-After": "2", "Connection": "close"})
        else:
            send_bytes(handler, 200, b"<html><p>slow</p></html>", "text/html")

    server.add("/slow", slow)
    server.add("/r", lambda handler: send_bytes(handler, 302, b"", None, {"Location": "/a", "Connection": "close"}))
    arrivals: list[tuple[str, float]] = []

    def page_a(handler: BaseHTTPRequestHandler) -> None:
        arrivals.append(("/a", handler.arrived))  # type: ignore[attr-defined]  # the kernel's stamp
        send_bytes(handler, 200, b"<html><p>a</p></html>", "text/html")

    server.add("/a", page_a)
    lookups: list[str] = []
    fetch_settings = settings(per_host_delay=0.3, per_host_concurrency=2, respect_robots=False, timeout=1.0,
                              max_retry_after=5.0)

    async def go() -> list[FetchResult]:
        async def resolve(host: str, port: int) -> list[str]:
            lookups.append(host)
            if len(lookups) == 3:  # the redirect hop's connection: answered once the gate holds the pause
                hop_connecting.set()  # /slow's 429 goes out now
                await asyncio.wait_for(host_paused.wait(), 10)
            return ["127.0.0.1"]

        async with Fetcher(fetch_settings, transport=guarded_transport(fetch_settings, resolver=resolve)) as fetcher:
            async def watch() -> None:
                while fetcher._gate.pause_remaining("127.0.0.1") == 0:
                    await asyncio.sleep(0.005)
                host_paused.set()

            watcher = asyncio.ensure_future(watch())
            try:
                return list(await asyncio.gather(fetcher.fetch_article(server.url("/slow")),
                                                 fetcher.fetch_article(server.url("/r"))))
            finally:
                watcher.cancel()

    try:
        with caplog.at_level(logging.INFO, logger="newsflow.fetch"):
            results = asyncio.run(go())
    finally:
        server.close()
    assert [result.outcome for result in results] == [Outcome.OK, Outcome.OK], [r.error for r in results]
    assert results[1].final_url == server.url("/a")
    assert len(arrivals) == 1 and len(slow_asked) == 2, (arrivals, slow_asked)
    assert arrivals[0][1] >= slow_asked[0] + 2.0 and slow_asked[1] >= slow_asked[0] + 2.0, (arrivals, slow_asked)
    assert abs(arrivals[0][1] - slow_asked[1]) >= 0.3 - 0.01, (arrivals, slow_asked)  # a delay apart after the pause
    assert any("paused while it connected" in record.getMessage() for record in caplog.records), caplog.text


def test_the_loop_lag_allowance_excuses_a_blocked_loop_and_not_an_asyncio_wait() -> None:
    """Review of red team 42: the connection-wait check subtracts the client loop's stalls (`looplag`), so CI's load
    cannot fail it; a wait the gate makes (an asyncio sleep, main's fault) must not be excused with it."""
    lag = LoopLag()
    spans: dict[str, tuple[float, float]] = {}

    async def go() -> None:
        began = time.time()
        time.sleep(0.3)  # the loop blocked: what a loaded machine does to it
        spans["blocked"] = (began, time.time())
        began = time.time()
        await asyncio.sleep(0.3)  # the gate's kind of wait
        spans["asleep"] = (began, time.time())

    lag.run(go())
    assert lag.stalled(*spans["blocked"]) >= 0.3 - 0.05, lag.late
    # an asyncio wait is no stall: only the machine's own stalls inside it are seen (main's kept world still fails)
    assert lag.stalled(*spans["asleep"]) < 0.3 - 0.05, lag.late
