"""`elapsed_ms` in the fetch log counts every hop, the last one included.

It was built before the last hop's time was added, so a timeout was logged as 0 ms.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from newsflow.models import Outcome
from tests.hostile.servers import (
    LoopbackServer,
    drip_body,
    fetch_article,
    fetch_feed,
    redirect,
    settings,
)
from tests.localserver import send_bytes


def slow_page(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(0.3)  # the server's think time, which elapsed_ms must include
    send_bytes(handler, 200, b"<html><p>late</p></html>", "text/html")


def test_a_timeout_records_the_time_it_waited(server: LoopbackServer) -> None:
    result = fetch_feed(settings(timeout=0.5), server.add("/drip", drip_body(0.05)))
    assert result.outcome is Outcome.TIMEOUT
    assert 450 <= result.elapsed_ms < 2000


def test_a_slow_page_after_a_redirect_counts_both_hops(server: LoopbackServer) -> None:
    server.add("/old", redirect("/new"))
    server.add("/new", slow_page)
    result = fetch_article(settings(respect_robots=False), server.url("/old"))
    assert result.outcome is Outcome.OK
    assert result.elapsed_ms >= 300
