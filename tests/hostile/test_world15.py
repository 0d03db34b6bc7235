"""world15: what the generated world's fetch classes led to, tested on the fetcher.

A robots.txt answered `206 Partial Content` (or `226 IM Used`) to a request that asked for no part
(a cache that kept part of the file): red team 14 made such an answer `http_error` for every fetch,
and robots.txt took an `http_error` below 500 for "missing": allow all. But the file is there, and
only part of it came: its rules may disallow what the part does not show. It is unreadable, as a
robots.txt cut short is (red team 16): the site's articles wait, uncounted, for a run it reads in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsflow.models import Outcome
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import fetch_article
from tests.hostile.servers import settings as fetch_settings
from tests.hostile.test_redteam16 import page_answer


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


@pytest.mark.parametrize("status", [b"206 Partial Content", b"226 IM Used"])
def test_a_robots_txt_answered_in_part_defers_the_sites_articles(raw: RawServer, status: bytes) -> None:
    """Before: `allowing all`, and the article under the rule the part left out (`Disallow: /news/`) fetched."""
    whole = b"User-agent: *\nAllow: /about\nDisallow: /news/\n"
    part = whole[:24]
    raw.answer = page_answer(response(b"HTTP/1.1 " + status, [
        (b"Content-Type", b"text/plain"), (b"Content-Range", f"bytes 0-23/{len(whole)}".encode()),
        (b"Content-Length", str(len(part)).encode())], part))
    result = fetch_article(fetch_settings(), raw.url("/news/1"))
    assert result.outcome is Outcome.RATE_LIMITED, (result.outcome, result.error)
    assert "robots.txt could not be read" in (result.error or ""), result.error
    assert [r.path for r in raw.requests if r.path != "/robots.txt"] == []
