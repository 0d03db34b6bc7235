"""A deadline that passes while connecting is told apart from one that passes while waiting for
an answer: the first is `connect_error` (it counts toward a network outage), the second stays
`timeout` (a slow server is the server's). See docs/polling.md, "Network outages".
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from tests.hostile.keepalive import Blackhole
from tests.hostile.servers import fetch_feed, run, settings


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    try:
        yield hole
    finally:
        hole.close()


def test_a_connect_that_gets_no_answer_is_a_connect_error_at_the_deadline(blackhole: Blackhole) -> None:
    result = fetch_feed(settings(timeout=0.5), blackhole.url("/feed"))
    assert result.outcome is Outcome.CONNECT_ERROR
    assert "no connection within" in (result.error or "") and "connect timeout" in (result.error or "")
    assert 450 <= result.elapsed_ms < 1500


def test_a_server_that_accepts_and_never_answers_is_a_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:  # the kernel accepts; nobody answers
        port = listener.getsockname()[1]
        result = fetch_feed(settings(timeout=0.5), f"http://127.0.0.1:{port}/feed")
    assert result.outcome is Outcome.TIMEOUT
    assert "whole-request deadline" in (result.error or "")


def test_a_name_whose_resolution_never_ends_is_a_connect_error() -> None:
    async def unanswered(host: str, port: int) -> list[str]:
        await asyncio.Event().wait()  # a resolver that never answers: the DNS server is unreachable
        return []

    async def go() -> FetchResult:
        fetch_settings = settings(timeout=0.5)
        transport = guarded_transport(fetch_settings, resolver=unanswered)
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            return await fetcher.fetch_feed("http://news.example/feed")

    result = run(go())
    assert result.outcome is Outcome.CONNECT_ERROR
    assert "connect timeout" in (result.error or "")
