"""robots.txt: fetched once per origin per run, obeyed for articles, ignored for feeds."""

from __future__ import annotations

from newsflow.fetch import Fetcher
from newsflow.models import FetchKind, FetchResult, Outcome
from tests.hostile.servers import (
    InFlightRecorder,
    LoopbackServer,
    drip_body,
    fetch_article,
    fetch_articles,
    fetch_feed,
    redirect,
    run,
    settings,
)
from tests.localserver import Page

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
PAGE = Page(b"<html><p>story</p></html>")


def test_disallowed_urls_are_refused_and_robots_is_fetched_once_for_many(server: LoopbackServer) -> None:
    server.add("/robots.txt", InFlightRecorder(hold=0.2, body=ROBOTS))  # slow, so later callers must wait
    for index in range(10):
        server.add(f"/news/{index}", PAGE)
        server.add(f"/private/{index}", PAGE)
    urls = [server.url(f"/{kind}/{index}") for index in range(10) for kind in ("news", "private")]
    results = fetch_articles(settings(per_host_concurrency=4), urls)
    assert len(server.hits("/robots.txt")) == 1
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.ROBOTS_DISALLOWED] * 10
    assert not [r for r in server.requests if r.path.startswith("/private/")]
    assert results[1].error == f"GET {urls[1]}: disallowed by robots.txt"


def test_rules_for_our_user_agent_apply(server: LoopbackServer) -> None:
    server.add("/robots.txt", Page(b"User-agent: newsflow\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    url = server.add("/news/1", PAGE)
    assert fetch_article(settings(), url).outcome is Outcome.ROBOTS_DISALLOWED


def test_redirect_into_a_disallowed_path_is_refused_before_the_request(server: LoopbackServer) -> None:
    server.add("/robots.txt", Page(ROBOTS, content_type="text/plain"))
    server.add("/private/1", PAGE)
    url = server.add("/go", redirect("/private/1"))
    result = fetch_article(settings(), url)
    assert result.outcome is Outcome.ROBOTS_DISALLOWED
    assert server.hits("/private/1") == []


def test_missing_robots_allows_all(server: LoopbackServer) -> None:
    url = server.add("/private/1", PAGE)  # no /robots.txt route: the server answers 404
    assert fetch_article(settings(), url).outcome is Outcome.OK
    assert len(server.hits("/robots.txt")) == 1


def test_robots_server_error_disallows_all_this_run(server: LoopbackServer) -> None:
    """RFC 9309: a 5xx robots.txt is "unreachable", assume complete disallow (red team 16; allowed all before).
    The article is deferred, not a failure of its own: `rate_limited`, not sent, not counted."""
    server.add("/robots.txt", Page(b"oops", status=500, validators=False))
    url = server.add("/private/1", PAGE)
    assert fetch_article(settings(), url).outcome is Outcome.RATE_LIMITED
    assert server.hits("/private/1") == []


def test_robots_timeout_disallows_all_this_run_and_is_recorded(server: LoopbackServer) -> None:
    """RFC 9309: a robots.txt that times out is "unreachable" too (red team 16; allowed all before)."""
    server.add("/robots.txt", drip_body(interval=0.05))
    url = server.add("/private/1", PAGE)

    async def go() -> tuple[FetchResult, list[FetchResult]]:
        async with Fetcher(settings(timeout=0.5)) as fetcher:
            return await fetcher.fetch_article(url), fetcher.robots_results

    result, robots = run(go())
    assert result.outcome is Outcome.RATE_LIMITED and server.hits("/private/1") == []
    assert [(r.kind, r.outcome) for r in robots] == [(FetchKind.ROBOTS, Outcome.TIMEOUT)]


def test_feeds_are_not_subject_to_robots(server: LoopbackServer) -> None:
    server.add("/robots.txt", Page(b"User-agent: *\nDisallow: /\n"))
    url = server.add("/feed.xml", Page(b"<rss/>", content_type="application/rss+xml"))
    assert fetch_feed(settings(), url).outcome is Outcome.OK
    assert server.hits("/robots.txt") == []


def test_respect_robots_off_never_asks(server: LoopbackServer) -> None:
    server.add("/robots.txt", Page(b"User-agent: *\nDisallow: /\n"))
    url = server.add("/news/1", PAGE)
    assert fetch_article(settings(respect_robots=False), url).outcome is Outcome.OK
    assert server.hits("/robots.txt") == []
