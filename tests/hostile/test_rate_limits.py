"""429 and 503 with Retry-After: wait and retry once within max_retry_after, else RATE_LIMITED."""

from __future__ import annotations

import time
from email.utils import formatdate

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.netguard import UNREADABLE_RETRY_AFTER
from tests.hostile.servers import (
    LoopbackServer,
    Timestamped,
    fetch_feed,
    run,
    sequence,
    settings,
)

OK_BODY: tuple[int, dict[str, str], bytes] = (200, {}, b"<rss/>")


def _starts(server: LoopbackServer, path: str) -> int:
    return len(server.hits(path))


def test_429_with_short_retry_after_is_retried_once_and_succeeds(server: LoopbackServer) -> None:
    url = server.add("/feed", sequence((429, {"Retry-After": "0"}, b""), OK_BODY))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.OK
    assert result.body == b"<rss/>"
    assert _starts(server, "/feed") == 2


def test_retry_waits_the_retry_after_seconds(server: LoopbackServer) -> None:
    feed = Timestamped(sequence((503, {"Retry-After": "1"}, b""), OK_BODY))
    url = server.add("/feed", feed)
    result = fetch_feed(settings(max_retry_after=2.0), url)
    assert result.outcome is Outcome.OK
    assert len(feed.starts) == 2
    waited = feed.starts[1] - feed.starts[0]
    assert 0.95 <= waited < 1.8, f"retried after {waited:.2f} s"


def test_retry_after_beyond_the_cap_is_rate_limited_without_retrying(server: LoopbackServer) -> None:
    url = server.add("/feed", sequence((429, {"Retry-After": "3600"}, b""), OK_BODY))
    result = fetch_feed(settings(max_retry_after=2.0), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after == 3600.0
    assert result.status_code == 429
    assert _starts(server, "/feed") == 1
    assert result.error == f"GET {url}: HTTP 429 with Retry-After 3600 s"


def test_503_retry_after_as_an_http_date_is_honoured(server: LoopbackServer) -> None:
    later = formatdate(time.time() + 7200, usegmt=True)
    url = server.add("/feed", sequence((503, {"Retry-After": later}, b""), OK_BODY))
    result = fetch_feed(settings(max_retry_after=60.0), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after is not None and 7100 < result.retry_after <= 7200


def test_still_limited_after_the_retry_is_rate_limited(server: LoopbackServer) -> None:
    url = server.add("/feed", sequence((429, {"Retry-After": "0"}, b"")))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after == 0.0
    assert _starts(server, "/feed") == 2  # one retry, not a loop


def test_503_without_retry_after_is_an_http_error_not_retried(server: LoopbackServer) -> None:
    url = server.add("/feed", sequence((503, {}, b"down"), OK_BODY))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status_code == 503
    assert _starts(server, "/feed") == 1


def test_429_without_retry_after_is_rate_limited_and_pauses_its_host(server: LoopbackServer) -> None:
    """Red team 53: no Retry-After still asked us to slow down: the host paused the default (60 s, past the
    2 s `max_retry_after` here, so not asked again); before, `retry_after` None and nothing paused."""
    url = server.add("/feed", sequence((429, {}, b""), OK_BODY))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.RATE_LIMITED
    assert result.retry_after == UNREADABLE_RETRY_AFTER
    assert _starts(server, "/feed") == 1


def test_a_long_retry_after_pauses_the_whole_host_for_the_run(server: LoopbackServer) -> None:
    limited = server.add("/feed", sequence((429, {"Retry-After": "600"}, b"")))
    other = server.add("/other-feed", sequence(OK_BODY))

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(settings(max_retry_after=2.0)) as fetcher:
            return await fetcher.fetch_feed(limited), await fetcher.fetch_feed(other)

    first, second = run(go())
    assert first.outcome is second.outcome is Outcome.RATE_LIMITED
    assert second.retry_after is not None and 590 < second.retry_after <= 600
    assert _starts(server, "/other-feed") == 0  # the host asked for quiet; nothing was sent
    assert "not sent" in (second.error or "")
