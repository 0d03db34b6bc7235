"""Review of red team 49 (docs/security.md, "Red team 49", review fixes): a hostile robots.txt costs its URLs a few
ms each, not the event loop. 500 KiB of near-miss `*` rules cost 0.58-0.78 s a URL of 8 KB, matched on the event
loop, twice a hop: the pages of an honest host fetched at the same time waited (review: `connect_error` x4, counted).
Every server real, on loopback (`bytestreams.StreamServer`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.robotsfile import RobotsFile
from tests.hostile.servers import settings
from tests.world.bytestreams import Stream, StreamServer, sized

PAGE = b"<html><body><article><p>A story of the host, whole.</p></article></body></html>"
NO_ROBOTS = Stream(((sized("404 Not Found", b""), 0.0),))
# Each rule distinct (a rule written twice is tried once), each piece a near miss of a path of `a`: each find tries
# every place of the path and compares most of the piece there.
HOSTILE_ROBOTS = ("User-agent: *\n" + "".join(
    f"Disallow: /*{'a' * (97 - n % 97)}b{'a' * (1 + n // 97 % 2)}\n" for n in range(4_000))).encode()
LONG_PATH = "/" + "a" * 8000  # `MAX_URL_CHARS` is 8,192
STALL_AT_MOST = 0.25  # the event loop's longest stall; before, 0.58 s or more for each hostile URL


def _page() -> Stream:
    return Stream(((sized("200 OK", PAGE, [("Content-Type", "text/html")]), 0.0),))


def _server(host: str, robots: bytes | None) -> StreamServer:
    robots_txt = Stream(((sized("200 OK", robots, [("Content-Type", "text/plain")]), 0.0),)) if robots else NO_ROBOTS
    return StreamServer(host, lambda path: robots_txt if path == "/robots.txt" else _page())


async def _longest_stall(done: asyncio.Event) -> float:
    """How long the event loop went without running this task, beyond the 5 ms it asked to sleep."""
    loop, longest = asyncio.get_running_loop(), 0.0
    while not done.is_set():
        started = loop.time()
        await asyncio.sleep(0.005)
        longest = max(longest, loop.time() - started - 0.005)
    return longest


def test_a_hostile_robots_txt_leaves_an_honest_host_fetched_beside_it_unharmed() -> None:
    """4 articles of 8 KB paths on a host whose robots.txt is 380 KB of distinct near-miss `*` rules, fetched at the
    same time as 4 articles of an honest host, on one Fetcher: the honest ones `ok`, the loop never stalled past
    `STALL_AT_MOST`; the hostile ones not sent, taken as disallowed (counted, not final: red team 50), the robots.txt
    named."""
    hostile, honest = _server("127.0.0.1", HOSTILE_ROBOTS), _server("127.0.0.2", None)
    robots_url = hostile.url("/robots.txt")

    async def go() -> tuple[list[FetchResult], float]:
        done = asyncio.Event()
        stall = asyncio.create_task(_longest_stall(done))
        async with Fetcher(settings(timeout=2.0, concurrency=8, per_host_concurrency=4)) as fetcher:
            urls = [url for n in range(4) for url in (hostile.url(f"{LONG_PATH}/{n}"), honest.url(f"/story/{n}"))]
            results = await asyncio.gather(*(fetcher.fetch_article(url) for url in urls))
        done.set()
        return list(results), await stall

    try:
        results, stall = asyncio.run(go())
    finally:
        hostile.close()
        honest.close()
    assert [r.outcome for r in results[1::2]] == [Outcome.OK] * 4, [(r.url, r.outcome, r.error) for r in results]
    for result in results[0::2]:  # red team 50: taken as disallowed, counted, not final (was deferred uncounted)
        assert result.outcome is Outcome.ROBOTS_DISALLOWED and result.robots_unmatched, (result.outcome, result.error)
        assert f"robots.txt {robots_url} is too costly to match against this URL" in (result.error or "")
    assert stall < STALL_AT_MOST, stall
    assert [heard.path for heard in hostile.heard] == ["/robots.txt"], hostile.heard


@pytest.fixture()
def matches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL `RobotsFile.allows` is asked about (the real method, counted)."""
    asked: list[str] = []
    allows: Callable[[RobotsFile, str], bool] = RobotsFile.allows

    def counted(self: RobotsFile, url: str) -> bool:
        asked.append(url)
        return allows(self, url)

    monkeypatch.setattr(RobotsFile, "allows", counted)
    return asked


def test_each_hop_is_matched_against_robots_txt_once(matches: list[str]) -> None:
    """A page behind a redirect: two hops, two matches (before, four: `known` and then `refusal` matched again)."""
    robots = Stream(((sized("200 OK", b"User-agent: *\nDisallow: /private/\n", [("Content-Type", "text/plain")]),
                      0.0),))
    moved = Stream(((sized("301 Moved Permanently", b"", [("Location", "/story")]), 0.0),))
    server = StreamServer("127.0.0.1", lambda path: {"/robots.txt": robots, "/old": moved}.get(path, _page()))
    old, story = server.url("/old"), server.url("/story")

    async def go() -> FetchResult:
        async with Fetcher(settings(timeout=2.0)) as fetcher:
            await fetcher.fetch_article(server.url("/first"))  # robots.txt loaded: every hop after is matched once
            matches.clear()
            return await fetcher.fetch_article(old)

    try:
        result = asyncio.run(go())
    finally:
        server.close()
    assert result.outcome is Outcome.OK, (result.outcome, result.error)
    assert matches == [old, story], matches
