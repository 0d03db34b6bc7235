"""Redirects are followed by hand: a cap on their number, loop detection, scheme checks per hop."""

from __future__ import annotations

import pytest

from newsflow.models import Outcome
from tests.hostile.servers import (
    add_redirect_chain,
    fetch_article,
    fetch_feed,
    redirect,
    settings,
)
from tests.localserver import LocalServer, Page


def test_eleven_redirects_are_too_many_and_the_twelfth_request_is_never_sent(server: LocalServer) -> None:
    url = add_redirect_chain(server, 11)
    result = fetch_feed(settings(max_redirects=10), url)
    assert result.outcome is Outcome.TOO_MANY_REDIRECTS
    assert [r.path for r in server.requests] == [f"/hop/{i}" for i in range(11)]
    assert result.final_url == server.url("/hop/10")
    assert "would be more than 10 (max_redirects)" in (result.error or "")


def test_ten_redirects_are_followed_to_the_page(server: LocalServer) -> None:
    url = add_redirect_chain(server, 10)
    result = fetch_feed(settings(max_redirects=10), url)
    assert result.outcome is Outcome.OK
    assert result.final_url == server.url("/hop/10")
    assert result.body == b"<html><p>end</p></html>"


def test_redirect_loop_is_detected_before_the_redirect_cap(server: LocalServer) -> None:
    server.add("/a", redirect("/b"))
    server.add("/b", redirect("/a#fragment-does-not-hide-a-loop", status=301))
    result = fetch_feed(settings(max_redirects=10), server.url("/a"))
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert [r.path for r in server.requests] == ["/a", "/b"]


def test_redirect_to_itself_is_a_loop(server: LocalServer) -> None:
    server.add("/self", redirect("/self", status=307))
    result = fetch_feed(settings(), server.url("/self"))
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert len(server.hits("/self")) == 1


def test_relative_redirect_resolves_against_the_current_url(server: LocalServer) -> None:
    server.add("/news/old", redirect("../articles/new?x=1", status=308))
    server.add("/articles/new?x=1", Page(b"<html><p>moved</p></html>"))
    result = fetch_article(settings(respect_robots=False), server.url("/news/old"))
    assert result.outcome is Outcome.OK
    assert result.final_url == server.url("/articles/new?x=1")
    assert result.text == "<html><p>moved</p></html>"


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://127.0.0.1/x"],
)
def test_redirect_to_a_non_http_scheme_is_not_followed(server: LocalServer, location: str) -> None:
    server.add("/go", redirect(location))
    result = fetch_article(settings(respect_robots=False), server.url("/go"))
    assert result.outcome is Outcome.INVALID_URL
    assert [r.path for r in server.requests] == ["/go"]
    assert "is not http or https" in (result.error or "")


def test_redirect_without_location_is_an_http_error(server: LocalServer) -> None:
    server.add("/nowhere", Page(b"", status=302, validators=False))
    result = fetch_feed(settings(), server.url("/nowhere"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status_code == 302
