"""Red team 53 (docs/security.md, "Red team 53"): a 429 or 503 with no Retry-After at all, on loopback.

Before, a 429 with none paused nothing (`rate_limited`, the host's other pages asked on at once) and a 503 with none
was a counted `http_error` that paused nothing either. Now both pause their host `UNREADABLE_RETRY_AFTER`, as an
unreadable Retry-After does (red team 52): the 429 `rate_limited` (uncounted, retried once when the pause is within
`max_retry_after`), the 503 still a counted `http_error` (parked after `max_article_attempts`, never retried in the
run) whose host's other pages wait out the pause.

Every server real, on loopback.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from collections.abc import Callable

import pytest

from newsflow import fetchrules, hostholds, netguard
from newsflow.fetch import Fetcher
from newsflow.models import FetchKind, FetchResult, HostPause, Outcome
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
    """Before: 4 of 4 pages asked on each host, one after another. Now the first answer pauses its host for the
    default, past `max_retry_after` here: its other pages are not sent (`rate_limited`, uncounted, no status), the
    429 `rate_limited` and the 503 a counted `http_error`, each error one line; a healthy host alongside is `ok`."""
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
    for (status, host_results), expected in zip(zip(BARE, paused, strict=True),
                                                (Outcome.RATE_LIMITED, Outcome.HTTP_ERROR), strict=True):
        assert len(asked[status]) == 1, (status, asked[status])
        answered = [r for r in host_results if r.status_code is not None]
        assert len(answered) == 1 and answered[0].status_code == status
        assert (answered[0].outcome, answered[0].retry_after) == (expected, netguard.UNREADABLE_RETRY_AFTER)
        assert f"HTTP {status} with no Retry-After; its host paused 60 s" in (answered[0].error or "")
        unsent = [r for r in host_results if r.status_code is None]
        assert [r.outcome for r in unsent] == [Outcome.RATE_LIMITED] * (len(PAGES) - 1), status
        assert all("\n" not in (r.error or "") for r in host_results)
        pause = kept[servers[status].host]  # what the run stores for the next runs (`hostholds`)
        assert (pause.status, (pause.until_at - pause.asked_at).total_seconds()) == (status, 60.0)
    assert healthy.host not in kept


def test_a_counted_503_s_pause_heard_by_a_worker_holds_the_run_s_gate() -> None:
    """A Dask worker's fetcher has a gate of its own: the run learns its pauses from the results
    (`hostholds.note_asked_elsewhere`), the counted 503's too, so its later batches send that host nothing."""
    url = "http://a.example/1"
    result = FetchResult(url=url, final_url=url, kind=FetchKind.ARTICLE, outcome=Outcome.HTTP_ERROR,
                         at=datetime.now(UTC), status_code=503, retry_after=netguard.UNREADABLE_RETRY_AFTER,
                         error="GET http://a.example/1: HTTP 503 with no Retry-After; its host paused 60 s")
    gate = netguard.HostGate(1, 1, 0.0, 60.0)
    hostholds.note_asked_elsewhere([result], gate)
    assert 59 < gate.pause_remaining("a.example") <= 60
    assert gate.asked["a.example"].status == 503


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


@pytest.mark.parametrize("status", sorted(BARE))
def test_a_pause_within_max_retry_after_is_waited_and_the_host_asked_again_after_it(
    status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default scaled to 0.3 s (no test waits a minute), under `max_retry_after`: the host's other page is
    asked only after the pause; the 429's page is asked once more after it and stored; the 503's page is counted
    `http_error`, not asked again this run (a broken page's 503 parks as before). Before: the other page was asked
    at once and the 429's page never again (`rate_limited`)."""
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
    if status == 429:
        assert len(at[first_page]) == 2 and at[first_page][1] >= answered + 0.3
        assert by_path[first_page.lstrip("/")].outcome is Outcome.OK
    else:
        assert len(at[first_page]) == 1
        assert by_path[first_page.lstrip("/")].outcome is Outcome.HTTP_ERROR
