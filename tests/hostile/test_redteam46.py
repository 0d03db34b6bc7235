"""Red team 46 (docs/security.md, "Red team 46"): a redirect chain across hosts, each host paused by another
request's Retry-After as the chain reaches it. Every server real, on loopback (127.0.0.2-4)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.pipeline import not_sent
from tests.hostile.servers import LoopbackServer, settings
from tests.localserver import send_bytes

PAGE = b"<html><body><p>the story at the end of the chain</p></body></html>"
HELD_AT_MOST = 10.0  # a server thread never waits longer for the client, so a failing case still ends


@dataclass
class PausedChain:
    """Hosts 0..n-1: host i's `/story` redirects to host i+1's (the last serves PAGE). Host i+1 is paused as the
    chain reaches host i: its `/busy`, asked by another request of the same run, answers 429 with `Retry-After`
    once the chain's request is at host i, and host i answers its 302 once the client has heard that pause."""

    servers: list[LoopbackServer]
    retry_after: int
    reached: list[threading.Event] = field(default_factory=list)
    heard: list[threading.Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reached = [threading.Event() for _ in self.servers]
        self.heard = [threading.Event() for _ in self.servers]
        for i, server in enumerate(self.servers):
            server.add("/story", self._story(i))
            server.add("/busy", self._busy(i))

    def _story(self, i: int) -> object:
        def handle(handler: BaseHTTPRequestHandler) -> None:
            self.reached[i].set()
            if i + 1 == len(self.servers):
                send_bytes(handler, 200, PAGE, "text/html")
                return
            self.heard[i + 1].wait(HELD_AT_MOST)  # the client has paused host i+1
            send_bytes(handler, 302, b"", None, {"Location": self.servers[i + 1].url("/story")})
        return handle

    def _busy(self, i: int) -> object:
        answered = threading.Event()

        def handle(handler: BaseHTTPRequestHandler) -> None:
            if answered.is_set():  # the other request's retry, after the pause
                send_bytes(handler, 200, b"<html><p>busy page</p></html>", "text/html")
                return
            answered.set()
            send_bytes(handler, 429, b"", None, {"Retry-After": str(self.retry_after)})
        return handle

    async def fetch(self, fetcher: Fetcher) -> tuple[FetchResult, float]:
        """The chain from host 0, beside the other requests that pause hosts 1.. as it goes."""
        others: list[asyncio.Task[FetchResult]] = []
        pausing = asyncio.create_task(self._pause_as_reached(fetcher, others))
        started = time.monotonic()
        result = await fetcher.fetch_article(self.servers[0].url("/story"))
        took = time.monotonic() - started
        pausing.cancel()
        for event in self.heard:
            event.set()  # release any handler still held
        await asyncio.gather(*others)
        return result, took

    async def _pause_as_reached(self, fetcher: Fetcher, others: list[asyncio.Task[FetchResult]]) -> None:
        """Once the chain's request is at host i-1, another request asks host i (429): host i's pause; host i-1
        answers once the client's gate holds it (each polled on its condition)."""
        for i, server in enumerate(self.servers[1:], start=1):
            while not self.reached[i - 1].is_set():
                await asyncio.sleep(0.005)
            others.append(asyncio.create_task(fetcher.fetch_article(server.url("/busy"))))
            while fetcher.gate.pause_remaining(server.host) <= 0:
                await asyncio.sleep(0.005)
            self.heard[i].set()


@pytest.fixture
def hosts() -> Iterator[list[LoopbackServer]]:
    servers = [LoopbackServer(f"127.0.0.{n}") for n in (2, 3, 4)]
    try:
        yield servers
    finally:
        for server in servers:
            server.close()


def run_chain(
    servers: list[LoopbackServer], timeout: float, retry_after: int, max_retry_after: float = 5.0
) -> tuple[FetchResult, float]:
    chain = PausedChain(servers, retry_after)

    async def go() -> tuple[FetchResult, float]:
        fetch_settings = settings(timeout=timeout, max_retry_after=max_retry_after, respect_robots=False)
        async with Fetcher(fetch_settings) as fetcher:
            return await chain.fetch(fetcher)

    return asyncio.run(go())


def test_a_chains_second_pause_past_the_deadline_leaves_the_article_for_a_later_run(
    hosts: list[LoopbackServer],
) -> None:
    """Hosts 2 and 3 each paused 2 s as the chain reaches them, a 1 s deadline. Main waited each pause out,
    beyond the deadline and unrecorded: `ok` after over 4 s. Now the chain's first pause is waited as a first
    send's is (uncounted), and the next, past what is left of the deadline, is not: the redirect to it is not
    sent, `rate_limited` without a status (deferred, never counted as a failed attempt), naming the host."""
    result, took = run_chain(hosts, timeout=1.0, retry_after=2)
    assert result.outcome is Outcome.RATE_LIMITED, (result.outcome, result.error, took)
    assert not_sent(result) and result.final_url == hosts[2].url("/story"), result.final_url
    assert result.error is not None and "\n" not in result.error and result.final_url in result.error
    assert "127.0.0.4 is paused" in result.error and "1.0 s deadline after 2 redirects" in result.error, result.error
    assert "left for a later run" in result.error and result.retry_after is not None and result.retry_after > 1
    assert len(hosts[1].hits("/story")) == 1 and hosts[2].hits("/story") == []  # nothing sent to a paused host
    assert took < 2.0 + 1.5, took  # one pause and the deadline, not two pauses


def test_a_chains_second_pause_within_the_deadline_is_waited_and_counted(hosts: list[LoopbackServer]) -> None:
    """Hosts paused 1 s each, a 5 s deadline: the chain waits both and the page is stored; the second pause is
    inside the deadline and `elapsed_ms` (main: 274-437 ms for a fetch of over 2 s)."""
    result, took = run_chain(hosts, timeout=5.0, retry_after=1)
    assert result.outcome is Outcome.OK and result.html == PAGE, (result.outcome, result.error)
    assert result.final_url == hosts[2].url("/story")
    assert took >= 1.8 and result.elapsed_ms >= 900, (took, result.elapsed_ms)




def _fetch_paused(
    hosts: list[LoopbackServer], paused: dict[int, float], respect_robots: bool = False
) -> tuple[FetchResult, float]:
    """The chain from host 0 (its `/story` answers, set by the caller), host i paused `paused[i]` s at the start
    with no request holding anything, as pauses kept by an earlier run are (`HostGate.hold`); a 1 s deadline."""

    async def go() -> FetchResult:
        async with Fetcher(settings(timeout=1.0, max_retry_after=5.0, respect_robots=respect_robots)) as fetcher:
            for i, seconds in paused.items():
                fetcher.gate.pause(hosts[i].host, seconds)
            return await fetcher.fetch_article(hosts[0].url("/story"))

    started = time.monotonic()
    return asyncio.run(go()), time.monotonic() - started


def _chain_through(hosts: list[LoopbackServer], paused: dict[int, float], respect_robots: bool = False) -> float:
    """`_fetch_paused`, the chain held at host 2, unsent to: what it took."""
    result, took = _fetch_paused(hosts, paused, respect_robots)
    assert result.outcome is Outcome.RATE_LIMITED and not_sent(result), (result.outcome, result.error, took)
    assert "127.0.0.4 is paused" in (result.error or "") and hosts[2].hits("/story") == [], result.error
    return took


def _redirects(target: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: send_bytes(handler, 302, b"", None, {"Location": target})


def _serve_chain(hosts: list[LoopbackServer]) -> None:
    hosts[0].add("/story", _redirects(hosts[1].url("/story")))
    hosts[1].add("/story", _redirects(hosts[2].url("/story")))
    hosts[2].add("/story", lambda handler: send_bytes(handler, 200, PAGE, "text/html"))


@pytest.mark.parametrize("respect_robots", [False, True])
def test_a_chain_through_hosts_paused_before_it_with_no_lock_held(
    hosts: list[LoopbackServer], respect_robots: bool
) -> None:
    """Review of red team 46: above, the request that paused each host retries and holds the host's turn through
    the pause, so the chain waits for a lock another holds (`HostGate._acquire`). Here hosts 1 and 2 are paused
    1 s and 3 s with nothing held: the first pause is waited as a first send's, the second's 2 s left, past the
    deadline, are not (main: `ok` after 3 s). With robots.txt respected (the default) and not read yet, its fetch
    waited the first pause inside the article's deadline: `timeout` at 1 s, a counted attempt (main the same)."""
    _serve_chain(hosts)
    took = _chain_through(hosts, {1: 1.0, 2: 3.0}, respect_robots)
    assert took < 1.0 + 1.0 + 0.8, took  # the first pause and the deadline at most


def test_a_retry_and_then_a_paused_host_are_not_two_uncounted_pauses(hosts: list[LoopbackServer]) -> None:
    """Review of red team 46: a hop's own 429 (Retry-After 2 s) is retried after its pause, uncounted; the chain
    then reaches a host paused 2 s more. The retry's wait did not use the fetch's one uncounted pause, so the next
    was waited too: `ok` after 4.07 s on a 1 s deadline, `elapsed_ms` 18 (main the same). Now the retry's pause is
    that one: the second, past the deadline, is not waited and the article is left for a later run."""
    asked = threading.Event()

    def limited_once(handler: BaseHTTPRequestHandler) -> None:
        if not asked.is_set():
            asked.set()
            send_bytes(handler, 429, b"", None, {"Retry-After": "2"})
            return
        _redirects(hosts[2].url("/story"))(handler)

    hosts[0].add("/story", _redirects(hosts[1].url("/story")))
    hosts[1].add("/story", limited_once)
    hosts[2].add("/story", lambda handler: send_bytes(handler, 200, PAGE, "text/html"))
    took = _chain_through(hosts, {2: 4.0})
    assert len(hosts[1].hits("/story")) == 2 and took < 2.0 + 1.0 + 0.8, took  # the retry's pause, a deadline


def test_a_paused_host_whose_robots_txt_is_unread_is_waited_as_a_first_send(hosts: list[LoopbackServer]) -> None:
    """Review of red team 46: an article on a host paused 2 s (a 1 s deadline), robots.txt respected and not read
    yet. Its fetch of robots.txt waited the pause inside the article's deadline: `timeout` after 1.0 s, a counted
    attempt, on main and the branch (`fetchrules.worth_retrying` says robots.txt never times an article out). Now
    the pause is waited first, outside the deadline, as a first send's is: the page, `ok`."""
    _serve_chain(hosts)
    result, took = _fetch_paused(hosts[1:], {0: 2.0}, respect_robots=True)
    assert result.outcome is Outcome.OK and result.html == PAGE, (result.outcome, result.error, took)
    assert len(hosts[1].hits("/robots.txt")) == 1, hosts[1].hits("/robots.txt")
