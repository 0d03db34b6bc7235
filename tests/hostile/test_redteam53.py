"""Red team 53 (docs/security.md, "Red team 53"): a 429 or 503 with no Retry-After at all, on loopback.

Before, a 429 with none paused nothing (`rate_limited`, the host's other pages asked on at once). Now it pauses its
host `UNREADABLE_RETRY_AFTER`, as an unreadable Retry-After does (red team 52): `rate_limited`, uncounted, retried
once when the pause is within `max_retry_after`, a pause past the run kept for the next. Decided: a 503 with none
stays a counted `http_error` that pauses nothing (often one broken page's answer; it parks after
`max_article_attempts` as before), and the tests hold it so.

Every server real, on loopback.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from newsflow import fetchrules, netguard
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, HostPause, Outcome
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_articles, settings

ARTICLE = (b"<!doctype html><html><head><title>A story</title></head><body><article><p>" + b"words " * 200
           + b"</p></article></body></html>")
ROBOTS_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
PAGE = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(ARTICLE) + ARTICLE
BARE = {429: b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 9\r\n\r\nslow down",
        503: b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\noverload!"}
PAGES = [f"/story/{n}" for n in range(4)]


def pages_asked(server: RawServer) -> list[str]:
    return [request.path for request in server.requests if request.path != "/robots.txt"]


def test_no_retry_after_pauses_its_host_and_no_other() -> None:
    """Before: 4 of 4 pages asked on the 429's host, one after another. Now its first answer pauses the host for
    the default, past `max_retry_after` here, kept for the next run: its other pages are not sent (`rate_limited`,
    uncounted, no status), each error one line; a healthy host alongside is `ok`. The 503's host (decided, as
    before): each page asked once, each a counted `http_error`, nothing paused."""
    servers = {status: RawServer(lambda path, answer=answer: ROBOTS_404 if path == "/robots.txt" else answer,
                                 f"127.0.0.{n}") for n, (status, answer) in enumerate(BARE.items(), start=2)}
    healthy = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else PAGE)
    everyone = [*servers.values(), healthy]

    async def every() -> tuple[list[FetchResult], dict[str, HostPause]]:
        async with Fetcher(settings(max_retry_after=1.0, per_host_concurrency=1)) as fetcher:
            urls = [server.url(path) for server in everyone for path in PAGES]
            return list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls))), dict(fetcher.gate.asked)

    try:
        results, kept = asyncio.run(every())
        asked = {status: pages_asked(server) for status, server in servers.items()}
        assert sorted(pages_asked(healthy)) == PAGES
    finally:
        for server in everyone:
            server.close()
    assert len(results) == len(everyone) * len(PAGES)  # one result a page: nothing lost, nothing doubled
    *paused, fine = [results[n:n + len(PAGES)] for n in range(0, len(results), len(PAGES))]
    assert [r.outcome for r in fine] == [Outcome.OK] * len(PAGES)
    limited, unavailable = paused
    assert len(asked[429]) == 1, asked[429]
    answered = [r for r in limited if r.status_code is not None]
    assert len(answered) == 1 and answered[0].status_code == 429
    assert (answered[0].outcome, answered[0].retry_after) == (Outcome.RATE_LIMITED, netguard.UNREADABLE_RETRY_AFTER)
    assert "HTTP 429 with no Retry-After; its host paused 60 s" in (answered[0].error or "")
    unsent = [r for r in limited if r.status_code is None]
    assert [r.outcome for r in unsent] == [Outcome.RATE_LIMITED] * (len(PAGES) - 1)
    assert all("\n" not in (r.error or "") for r in limited)
    pause = kept[servers[429].host]  # what the run stores for the next runs (`hostholds`)
    assert (pause.status, (pause.until_at - pause.asked_at).total_seconds()) == (429, 60.0)
    assert sorted(asked[503]) == PAGES
    assert [(r.outcome, r.status_code) for r in unavailable] == [(Outcome.HTTP_ERROR, 503)] * len(PAGES)
    assert servers[503].host not in kept
    assert healthy.host not in kept


def _timed(first: bytes, at: dict[str, list[float]]) -> Callable[[str], bytes]:
    """`first` to the host's first page request, then the article; each request's time kept by path."""
    lock = threading.Lock()

    def answer(path: str) -> bytes:
        if path == "/robots.txt":
            return ROBOTS_404
        with lock:
            at.setdefault(path, []).append(time.monotonic())
            return first if sum(map(len, at.values())) == 1 else PAGE
    return answer


def test_a_pause_within_max_retry_after_is_waited_and_the_host_asked_again_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default scaled to 0.3 s (no test waits a minute), under `max_retry_after`: the host's other page is
    asked only after the pause, and the 429's page once more after it: both stored, each asked as often as
    needed and no more. Before: the other page was asked at once and the 429's page never again (`rate_limited`)."""
    status = 429
    monkeypatch.setattr(fetchrules, "UNREADABLE_RETRY_AFTER", 0.3)
    at: dict[str, list[float]] = {}
    server = RawServer(_timed(BARE[status], at))
    try:
        results = fetch_articles(settings(max_retry_after=1.0, per_host_concurrency=1),
                                 [server.url("/story/0"), server.url("/story/1")])
    finally:
        server.close()
    first_page = min(at, key=lambda path: at[path][0])
    other = next(path for path in at if path != first_page)
    answered = at[first_page][0]
    assert len(at[other]) == 1 and at[other][0] >= answered + 0.3, (at, "asked during the pause")
    by_path = {result.url.rsplit("/", 2)[-2] + "/" + result.url.rsplit("/", 1)[-1]: result for result in results}
    assert by_path[other.lstrip("/")].outcome is Outcome.OK
    assert len(at[first_page]) == 2 and at[first_page][1] >= answered + 0.3
    assert by_path[first_page.lstrip("/")].outcome is Outcome.OK
    assert len(results) == 2
