"""A pooled keep-alive connection the server closed as our request went out (issue 11, stale
connections): the GET is sent once more on a fresh connection, inside the same deadline.

Browsers and curl do the same for an idempotent request that got no byte of an answer on a
reused connection. A new connection that fails that way is the server's answer, not retried.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.keepalive import Act, KeepAliveServer, Seen, close_reused
from tests.hostile.servers import run, settings


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    keepalive = KeepAliveServer()
    try:
        yield keepalive
    finally:
        keepalive.close()


def fetch_in_turn(server: KeepAliveServer, paths: list[str], **overrides: object) -> list[FetchResult]:
    """Fetch each path as an article, one after the other, with one Fetcher (one pool)."""

    async def go() -> list[FetchResult]:
        async with Fetcher(settings(respect_robots=False, **overrides)) as fetcher:
            return [await fetcher.fetch_article(server.url(path)) for path in paths]

    return run(go())


def test_a_reused_connection_closed_before_the_answer_is_retried_on_a_new_one(server: KeepAliveServer) -> None:
    first, second = fetch_in_turn(server, ["/a", "/b"])
    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.OK), second.error
    assert second.text is not None and "fresh" in second.text
    assert server.seen == [Seen(1, 1, "/a"), Seen(1, 2, "/b"), Seen(2, 1, "/b")]


def test_a_reused_connection_reset_before_the_answer_is_retried_on_a_new_one(server: KeepAliveServer) -> None:
    server.policy = lambda seen: Act.ANSWER if seen.request == 1 else Act.RESET
    results = fetch_in_turn(server, ["/a", "/b", "/c"])
    assert [result.outcome for result in results] == [Outcome.OK] * 3, results[-1].error
    assert server.connections == 3


def test_a_new_connection_closed_before_the_answer_is_sent_again_once(server: KeepAliveServer) -> None:
    """Red team 51: a new connection closed with not one byte back is sent again once, on another (red team 42 sent
    it once: a server shedding every second connection had pages fail, counted, parked)."""
    server.policy = lambda seen: Act.CLOSE
    (result,) = fetch_in_turn(server, ["/a"])
    assert result.outcome is Outcome.PROTOCOL_ERROR
    assert "Server disconnected without sending a response" in (result.error or "")
    assert server.seen == [Seen(1, 1, "/a"), Seen(2, 1, "/a")]


def test_the_retry_is_made_once_and_its_failure_is_the_outcome(server: KeepAliveServer) -> None:
    server.policy = lambda seen: Act.ANSWER if seen == Seen(1, 1, "/a") else Act.CLOSE
    first, second = fetch_in_turn(server, ["/a", "/b"])
    assert first.outcome is Outcome.OK
    assert second.outcome is Outcome.PROTOCOL_ERROR
    assert server.seen[1:] == [Seen(1, 2, "/b"), Seen(2, 1, "/b")]


def test_the_retry_skips_other_idle_connections_to_the_host(server: KeepAliveServer) -> None:
    both_open = threading.Barrier(2, timeout=5)

    def policy(seen: Seen) -> Act:
        if seen.request == 1 and seen.connection <= 2:
            both_open.wait()  # two connections at once, both idle in the pool afterwards
        return close_reused(seen)

    server.policy = policy

    async def go() -> FetchResult:
        async with Fetcher(settings(respect_robots=False, per_host_concurrency=2)) as fetcher:
            pair = await asyncio.gather(*(fetcher.fetch_article(server.url(path)) for path in ("/a", "/b")))
            assert [result.outcome for result in pair] == [Outcome.OK, Outcome.OK]
            return await fetcher.fetch_article(server.url("/c"))

    result = run(go())
    assert result.outcome is Outcome.OK, result.error
    assert server.seen[-1] == Seen(3, 1, "/c")  # the other stale connection was not tried


def test_the_retry_stays_inside_the_whole_request_deadline(server: KeepAliveServer) -> None:
    server.policy = lambda seen: Act.ANSWER if seen.connection == 1 and seen.request == 1 else (
        Act.CLOSE if seen.connection == 1 else Act.SILENT
    )
    started = time.monotonic()
    first, second = fetch_in_turn(server, ["/a", "/b"], timeout=0.6)
    elapsed = time.monotonic() - started
    assert first.outcome is Outcome.OK
    assert second.outcome is Outcome.TIMEOUT
    assert elapsed < 0.6 + 1.0  # one deadline for both sends, not one each
    assert 500 <= second.elapsed_ms < 1000


def test_a_retry_waits_its_host_delay_outside_its_deadline(server: KeepAliveServer) -> None:
    """Red team 39: the GET sent again on a new connection waits a whole `per_host_delay` from the first write
    before it writes (the host sees two requests), and that wait ran inside the request's deadline: a delay
    longer than `fetch.timeout` timed out every such retry (`timeout` on the starting code). The deadline is the
    host's to use: our own wait for the gate is not counted in it."""
    first, second = fetch_in_turn(server, ["/a", "/b"], per_host_delay=1.0, timeout=0.9)
    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.OK), second.error
    assert server.seen == [Seen(1, 1, "/a"), Seen(1, 2, "/b"), Seen(2, 1, "/b")]
