"""The whole-request deadline: httpx times out per read, so a drip-feeding server needs our own."""

from __future__ import annotations

from newsflow.models import Outcome
from tests.hostile.servers import (
    drip_body,
    drip_headers,
    fetch_article,
    fetch_feed,
    redirect,
    settings,
    timed,
)
from tests.localserver import LocalServer


def test_body_dripped_a_byte_at_a_time_is_cut_off_at_the_deadline(server: LocalServer) -> None:
    url = server.add("/drip", drip_body(interval=0.05))
    result, seconds = timed(lambda: fetch_article(settings(timeout=1.0, respect_robots=False), url))
    assert result.outcome is Outcome.TIMEOUT
    assert 0.9 <= seconds < 1.8, f"cut off after {seconds:.2f} s"
    assert 5 <= result.bytes_read < 40  # it did read the drip, at ~20 bytes/s
    assert result.error == f"GET {url}: gave up after 1.0 s (whole-request deadline)"


def test_headers_dripped_a_byte_at_a_time_are_cut_off_at_the_deadline(server: LocalServer) -> None:
    url = server.add("/drip-headers", drip_headers(interval=0.05))
    result, seconds = timed(lambda: fetch_feed(settings(timeout=0.6), url))
    assert result.outcome is Outcome.TIMEOUT
    assert 0.5 <= seconds < 1.4, f"cut off after {seconds:.2f} s"


def test_deadline_covers_all_redirect_hops_together(server: LocalServer) -> None:
    server.add("/start", redirect("/drip"))
    server.add("/drip", drip_body(interval=0.05))
    result, seconds = timed(lambda: fetch_feed(settings(timeout=0.8), server.url("/start")))
    assert result.outcome is Outcome.TIMEOUT
    assert result.final_url == server.url("/drip")
    assert seconds < 1.5
