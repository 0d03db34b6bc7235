"""Red team 52 (docs/security.md, "Red team 52"): hostile servers, reliability first, on loopback.

1. A 429 or 503 whose `Retry-After` is there but unreadable paused nothing: the host's other pages were asked on
   (and the 503 was a counted `http_error`). Now the host is paused `UNREADABLE_RETRY_AFTER`, `rate_limited`.
2. A JSON feed of no length, held open after its end, timed out every run. Its end is knowable (it parses): now a
   short silence after its last `}` ends it; one that does not parse yet is read on, whatever the pause.
Review fixes: a robots.txt answering 429 or 503 is unreachable whatever its Retry-After says (RFC 9309: nothing of
the site fetched that run), its host paused still; a fractional Retry-After is read rounded up to whole seconds.

Every server real, on loopback.
"""

from __future__ import annotations

import asyncio

import pytest

from newsflow import fetchrules, netguard, robots
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, HostPause, Outcome
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_articles, settings

ARTICLE = (b"<!doctype html><html><head><title>A story</title></head><body><article><p>" + b"words " * 200
           + b"</p></article></body></html>")
ROBOTS_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
PAGE = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(ARTICLE) + ARTICLE


def slow_down(status: bytes, retry_after: bytes) -> bytes:
    return b"HTTP/1.1 %s\r\nRetry-After: %s\r\nContent-Length: 9\r\n\r\nslow down" % (status, retry_after)


UNREADABLE = {"429 garbage": slow_down(b"429 Too Many Requests", b"soon"),
              "503 negative": slow_down(b"503 Service Unavailable", b"-5"),
              "503 iso date": slow_down(b"503 Service Unavailable", b"2026-12-07T21:00:00Z"),
              "429 exponent": slow_down(b"429 Too Many Requests", b"1e3")}


def test_an_unreadable_retry_after_pauses_its_host_and_no_other() -> None:
    """Before: every page of each host asked, one after another (4 of 4), each 503 a counted `http_error`. Now the
    first answer pauses its host for the default, past `max_retry_after` here: the host's other pages are not sent,
    `rate_limited` (uncounted), each error one line; a healthy host fetched alongside is `ok`."""
    servers = [RawServer(lambda path, answer=answer: ROBOTS_404 if path == "/robots.txt" else answer, f"127.0.0.{n}")
               for n, answer in enumerate(UNREADABLE.values(), start=2)]  # a pause is its host's: one each
    healthy = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else PAGE)
    pages = [f"/story/{n}" for n in range(4)]
    try:
        results = fetch_articles(settings(max_retry_after=1.0, per_host_concurrency=1),
                                 [server.url(path) for server in [*servers, healthy] for path in pages])
        for kind, server in zip(UNREADABLE, servers, strict=True):
            assert len([r for r in server.requests if r.path != "/robots.txt"]) == 1, kind
        assert len([r for r in healthy.requests if r.path != "/robots.txt"]) == len(pages)
    finally:
        for server in [*servers, healthy]:
            server.close()
    *paused, fine = [results[n:n + len(pages)] for n in range(0, len(results), len(pages))]
    assert [r.outcome for r in fine] == [Outcome.OK] * len(pages)
    for kind, host_results in zip(UNREADABLE, paused, strict=True):
        asked = [r for r in host_results if r.status_code is not None]
        assert len(asked) == 1 and asked[0].retry_after == netguard.UNREADABLE_RETRY_AFTER, kind
        assert "a Retry-After we cannot read" in (asked[0].error or ""), asked[0].error
        assert [r.outcome for r in host_results] == [Outcome.RATE_LIMITED] * len(pages), kind
        assert all("\n" not in (r.error or "") for r in host_results)


JSON_FEED = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "wire", "items": ['
             b'{"id": "1", "url": "http://127.0.0.1/a", "content_text": "a } { story"}, '
             b'{"id": "2", "url": "http://127.0.0.1/b", "content_text": "b"}]}\n')
JSON_HEADS = {"keep-alive": b"HTTP/1.0 200 OK\r\nContent-Type: application/feed+json\r\nConnection: keep-alive\r\n\r\n",
              "may-end-by-close": b"HTTP/1.1 200 OK\r\nContent-Type: application/feed+json\r\n\r\n"}
HELD = 2.5  # longer than any deadline here: the server never closes first
CUT_AT = JSON_FEED.index(b"}, ") + 1  # right after the first item's `}`: a tail a silence is timed after


def test_a_json_feed_held_open_after_its_end_is_whole_at_a_short_silence_and_never_cut() -> None:
    """Before: read to the deadline, `timeout`, on both heads (its `}` no end after which a silence was timed). Now
    whole after a quarter of the deadline's silence once it parses, well before the deadline; a pause longer than
    that silence right after an item's `}` (the document not parsing yet), then the rest: stored whole; a document
    cut there and held still times out."""
    answers = {f"/{name}/{shape}": pieces for name, head in JSON_HEADS.items() for shape, pieces in {
        "whole": [(head + JSON_FEED, HELD)],
        "paused": [(head + JSON_FEED[:CUT_AT], 0.45), (JSON_FEED[CUT_AT:], HELD)],
        "cut": [(head + JSON_FEED[:CUT_AT], HELD)]}.items()}
    server = RawServer(lambda path: answers[path])

    async def every() -> list[FetchResult]:
        async with Fetcher(settings(timeout=1.2, per_host_concurrency=len(answers))) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch_feed(server.url(path)) for path in answers)))

    try:
        results = dict(zip(answers, asyncio.run(every()), strict=True))
    finally:
        server.close()
    for name in JSON_HEADS:
        whole, paused, cut = (results[f"/{name}/{shape}"] for shape in ("whole", "paused", "cut"))
        assert (whole.outcome, whole.body) == (Outcome.OK, JSON_FEED), (name, whole.error)
        assert whole.elapsed_ms < 900, (name, whole.elapsed_ms)  # the silence (0.3 s), not the deadline (1.2 s)
        assert (paused.outcome, paused.body) == (Outcome.OK, JSON_FEED), (name, paused.error)
        assert cut.outcome is Outcome.TIMEOUT, (name, cut.outcome, cut.error)


def test_an_unreadable_retry_after_within_max_retry_after_is_waited_and_the_page_asked_once_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a readable `Retry-After: 60` under the default `max_retry_after` (60): the pause waited, one retry. The
    default is scaled down to 0.3 s here (no test waits a minute); before red team 52 the page stayed `rate_limited`."""
    monkeypatch.setattr(fetchrules, "UNREADABLE_RETRY_AFTER", 0.3)
    answers = iter([slow_down(b"429 Too Many Requests", b"soon")])
    server = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else next(answers, PAGE))
    try:
        result = fetch_articles(settings(max_retry_after=1.0), [server.url("/story")])[0]
        asked = [request for request in server.requests if request.path == "/story"]
    finally:
        server.close()
    assert (result.outcome, result.html) == (Outcome.OK, ARTICLE), result.error
    assert len(asked) == 2


ROBOTS_ANSWERS = {"503 unreadable": slow_down(b"503 Service Unavailable", b"soon"),
                  "503 zero": slow_down(b"503 Service Unavailable", b"0"),
                  "503 one": slow_down(b"503 Service Unavailable", b"1"),
                  "429 unreadable": slow_down(b"429 Too Many Requests", b"soon"),
                  "429 zero": slow_down(b"429 Too Many Requests", b"0"),
                  "429 none": b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 9\r\n\r\nslow down"}
ROBOTS_PAUSES = {"503 unreadable": 0.3, "503 zero": 0.0, "503 one": 1.0, "429 unreadable": 0.3, "429 zero": 0.0,
                 "429 none": 0.3}  # no Retry-After pauses as an unreadable one (red team 53)


def test_a_robots_txt_answering_429_or_503_disallows_the_site_this_run_whatever_its_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RFC 9309 2.3.1.4: a robots.txt that cannot be read means "disallow all". Before (review of red team 52), a 429
    or 503 with a Retry-After the run could wait (`0`, `1`, an unreadable one read as the default, scaled to 0.3 s
    here as a real 60 s is under the default `max_retry_after`), or a 429 with none, allowed all: the site's pages
    were fetched with no rules once the pause ended. Now none of the site's pages is asked that run, each deferred
    uncounted, the error one line naming the robots.txt; the host's pause is still taken as asked."""
    monkeypatch.setattr(fetchrules, "UNREADABLE_RETRY_AFTER", 0.3)
    servers = {kind: RawServer(lambda path, answer=answer: answer if path == "/robots.txt" else PAGE, f"127.0.0.{n}")
               for n, (kind, answer) in enumerate(ROBOTS_ANSWERS.items(), start=2)}  # an origin and host each
    pages = ("/story/1", "/story/2")
    robots_urls = {kind: server.url("/robots.txt") for kind, server in servers.items()}

    async def every() -> tuple[list[FetchResult], list[FetchResult], dict[str, HostPause]]:
        async with Fetcher(settings(max_retry_after=2.0)) as fetcher:
            urls = [server.url(path) for server in servers.values() for path in pages]
            results = list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))
            return results, fetcher.robots_results, dict(fetcher.gate.asked)

    try:
        results, robots_fetched, asked = asyncio.run(every())
        for kind, server in servers.items():
            assert [r.path for r in server.requests] == ["/robots.txt"], (kind, "its pages were fetched")
    finally:
        for server in servers.values():
            server.close()
    for kind, host_results in zip(servers, (results[n:n + len(pages)] for n in range(0, len(results), 2)),
                                  strict=True):
        for result in host_results:
            assert (result.outcome, result.status_code) == (Outcome.RATE_LIMITED, None), (kind, result.error)
            assert "robots.txt" in (result.error or "") and "could not be read" in (result.error or ""), result.error
            assert "\n" not in (result.error or "")
    assert all(robots.unreachable(fetched) for fetched in robots_fetched)  # what the next run remembers too
    for kind, server in servers.items():  # the pause each asked for is its host's all the same
        pause = asked.get(server.host)
        if kind in ROBOTS_PAUSES:
            assert pause is not None and pause.url == robots_urls[kind], kind
            assert (pause.until_at - pause.asked_at).total_seconds() == pytest.approx(ROBOTS_PAUSES[kind]), kind
        else:
            assert pause is None, kind


def test_a_fractional_retry_after_is_read_rounded_up_to_whole_seconds() -> None:
    """`0.5` and `1.5` are not RFC 9110's grammar but plain enough: read as 1 s and 2 s. Before (review of red team
    52) they were unreadable, the default 60 s: a server asking for half a second had its host paused 120 times as
    long. `max_retry_after` is below them here, so nothing is waited: the pause read is what is checked."""
    asks = {"127.0.0.2": (b"429 Too Many Requests", b"0.5", 1.0),
            "127.0.0.3": (b"503 Service Unavailable", b" 1.5 ", 2.0)}
    servers = [RawServer(lambda path, ask=ask: ROBOTS_404 if path == "/robots.txt" else slow_down(*ask[:2]), host)
               for host, ask in asks.items()]

    async def both() -> tuple[list[FetchResult], dict[str, HostPause]]:
        async with Fetcher(settings(max_retry_after=0.5)) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch_article(server.url("/story")) for server in servers))
            return list(results), dict(fetcher.gate.asked)

    try:
        results, asked = asyncio.run(both())
    finally:
        for server in servers:
            server.close()
    for (host, (_, value, seconds)), result in zip(asks.items(), results, strict=True):
        assert (result.outcome, result.retry_after) == (Outcome.RATE_LIMITED, seconds), (value, result.error)
        assert f"with Retry-After {seconds:.0f} s" in (result.error or ""), result.error
        pause = asked[host]
        assert (pause.until_at - pause.asked_at).total_seconds() == pytest.approx(seconds), value
