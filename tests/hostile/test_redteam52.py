"""Red team 52 (docs/security.md, "Red team 52"): hostile servers, reliability first, on loopback.

1. A 429 or 503 whose `Retry-After` is there but unreadable paused nothing: the host's other pages were asked on
   (and the 503 was a counted `http_error`). Now the host is paused `UNREADABLE_RETRY_AFTER`, `rate_limited`.

Every server real, on loopback.
"""

from __future__ import annotations

from newsflow import netguard
from newsflow.models import Outcome
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
              "429 fraction": slow_down(b"429 Too Many Requests", b"1.5")}


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
