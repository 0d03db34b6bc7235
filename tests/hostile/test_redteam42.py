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
import time

import pytest

from newsflow.models import Outcome
from newsflow.pacing import HostGate, SendHeld
from tests.hostile.habitserver import Habits, HabitServer
from tests.hostile.keepalive import Act, KeepAliveServer, Seen
from tests.hostile.servers import settings
from tests.hostile.test_redteam41 import FIRST_WAIT_LIMIT, PAGE, fetch_one_after_another


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
    assert max(server.record.first_waits.values()) < FIRST_WAIT_LIMIT, server.record.first_waits
    arrivals = [arrival.at for arrival in server.record.arrivals]
    assert arrivals[2] - arrivals[1] >= 0.8 - 0.01, arrivals  # the retry is a send too: a delay after the first


def test_a_server_that_closes_every_get_gets_it_once_on_a_new_connection_and_twice_after_a_reused_one() -> None:
    """The count the docs promise (docs/security.md, "Red team 42"): a GET whose connection ends before any answer
    is sent again only when that connection was a reused one (the server may have closed it before our request
    came), once, on a new connection (MAX_FRESH_CONNECTIONS), a delay later; a new connection's close is the
    server's answer. A server that reads every GET and closes gets it once on a new connection, twice after a
    reused one: the fewest that still recover from a stale pooled connection. Main sent the second three times
    (its new connections waited the delay, so each looked stale)."""
    server = KeepAliveServer(lambda seen: Act.ANSWER if seen.path == "/a" else Act.CLOSE)
    try:
        results = fetch_one_after_another(server, ["/x", "/a", "/b"], settings(respect_robots=False,
                                                                               per_host_delay=0.6))
    finally:
        server.close()
    assert [result.outcome for result in results] == [Outcome.PROTOCOL_ERROR, Outcome.OK, Outcome.PROTOCOL_ERROR]
    assert server.seen == [Seen(1, 1, "/x"), Seen(2, 1, "/a"), Seen(2, 2, "/b"), Seen(3, 1, "/b")], server.seen


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
