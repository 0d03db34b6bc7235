"""Red team 55 (docs/security.md, "Red team 55"): one server reached under two spellings, `www.` and the bare name.

Before, the host gate keyed `www.site.test` and `site.test` apart: a 429 asking 30 s from one paused only it, and
the other spelling's pages were asked at once (three of them, the first at the moment of the 429); each spelling
had its own spacing and its own `per_host_concurrency`. And a page refused at one spelling after the other had
served us counted as a refusal (red team 54's parking rule), though the server was only rate-limiting us. Now
`urls.host_key` drops a leading `www.`: one key, one pause, one spacing; `refusedpages.server_key` counts a
refusal by that key.

A real server on loopback, reached under both names by a resolver that answers 127.0.0.1 (no local DNS can be
made to); the rule's cases on real `fetch_events` rows (`test_redteam54._parks`).
"""

from __future__ import annotations

import asyncio
import threading

import duckdb
import pytest

from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, HostPause, Outcome
from newsflow.refusedpages import server_key
from newsflow.urls import host_key
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import settings, static_resolver
from tests.hostile.test_redteam53 import PAGE, ROBOTS_404
from tests.hostile.test_redteam54 import _parks, refusals_store  # noqa: F401 (the fixture, used by name)

LIMITED = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n"


def _first_limited() -> tuple[RawServer, list[str]]:
    """A server answering its first page request 429 (`Retry-After: 30`), every later one the page."""
    asked: list[str] = []
    lock = threading.Lock()

    def answer(path: str) -> bytes:
        if path == "/robots.txt":
            return ROBOTS_404
        with lock:
            asked.append(path)
            return LIMITED if len(asked) == 1 else PAGE
    return RawServer(answer), asked


def test_a_429_at_one_spelling_pauses_the_other_and_the_pause_is_kept_once() -> None:
    """Three pages at `www.site.test`, three at `site.test`, one server. Before: after the 429 the bare name's
    three pages were asked at once (4 requests, all `ok` but the 429's). Now the first answer pauses both: one
    request, the other five `rate_limited` unsent, the pause kept for the next run under one key."""
    server, asked = _first_limited()
    fetch_settings = settings(timeout=2.0, per_host_concurrency=1, per_host_delay=0.05, max_retry_after=1.0)
    urls = [f"http://{name}:{server.port}/{name[0]}{n}" for name in ("www.site.test", "site.test") for n in range(3)]

    async def every() -> tuple[list[FetchResult], dict[str, HostPause]]:
        transport = guarded_transport(fetch_settings, resolver=static_resolver("127.0.0.1"))
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch_article(url) for url in urls))
            return list(results), dict(fetcher.gate.asked)

    try:
        results, kept = asyncio.run(every())
    finally:
        server.close()
    assert len(asked) == 1, asked
    assert len(results) == len(urls)  # one result a page: nothing lost, nothing doubled
    assert [r.outcome for r in results] == [Outcome.RATE_LIMITED] * len(urls)
    assert [r.status_code for r in results].count(429) == 1
    assert all("\n" not in (r.error or "") for r in results)
    assert list(kept) == ["site.test"] and kept["site.test"].status == 429


@pytest.mark.parametrize(("written", "key"), [
    ("www.site.test", "site.test"), ("WWW.Site.Test.", "site.test"), ("site.test", "site.test"),
    ("www.bücher.example", "xn--bcher-kva.example"),
    # kept as they are: a name with no dot left, a dotted quad left (a DNS name, not the address), other labels
    ("www.test", "www.test"), ("www", "www"), ("www.127.0.0.1", "www.127.0.0.1"), ("wwwsite.test", "wwwsite.test"),
    ("www2.site.test", "www2.site.test"), ("news.www.site.test", "news.www.site.test"), ("127.0.0.1", "127.0.0.1")])
def test_which_spellings_are_one_server(written: str, key: str) -> None:
    assert host_key(written) == key


def test_a_refusal_is_counted_by_server_with_its_port() -> None:
    assert server_key("www.site.test:8080") == server_key("site.test:8080") == "site.test:8080"
    assert server_key("site.test:8080") != server_key("site.test:8081")
    assert server_key("WWW.Site.Test") == "site.test"
    assert server_key("user@www.site.test:81") == "site.test:81"


@pytest.mark.parametrize(("shape", "parked"), [
    # its sibling served at the `www.` spelling first in each run: the same server rate-limiting us, kept
    ("after_served_www", False),
    # the same when the sibling was loaded by an earlier batch of this run
    ("after_served_www_batch_before", False),
    # served at another host of the site (`shop.`): another server, and the page's refusals count, parked
    ("after_served_elsewhere", True),
])
def test_a_refusal_after_the_other_spelling_served_counts_nothing(
    refusals_store: duckdb.DuckDBPyConnection, shape: str, parked: bool,  # noqa: F811 (the fixture)
) -> None:
    runs = [(4.0, shape.removesuffix("_batch_before")), (2.0, shape.removesuffix("_batch_before")), (0.0, shape)]
    assert (_parks(refusals_store, runs) is not None) is parked
