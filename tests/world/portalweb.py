"""A generated web of shared articles, catch-all hosts and portals, for the catch-all probe (red team 16).

Each site is a real loopback server on its own address (its own site, `urls.site_of`) of one kind:

- `vhost`: a server that serves named sites only (nginx's or Apache's default server answers any
  other name with a 404): it serves its article, which may be the one article syndicated to
  several sites, byte for byte;
- `mirror`: a server that answers every name with its article (a one-site box with no virtual
  hosts): for the shared article, a catch-all that carries a real page;
- `catch_all`: a host's "account suspended" page at every URL and for every name;
- `portal`: the network's login page at every URL and for every name (a captive portal that
  answers without redirecting).

`fetch_web` fetches one article URL per site with a real `Fetcher`, then judges the batch as the
runner does (`catchall.real_pages`, then `intercepts.without_intercepted`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from hypothesis import strategies as st

from newsflow.catchall import PROBE_HOST, real_pages
from newsflow.fetch import Fetcher
from newsflow.intercepts import without_intercepted
from newsflow.models import FetchResult, PendingArticle
from tests.hostile.servers import LoopbackServer, settings
from tests.localserver import Handler, Page, send_bytes

KINDS = ("vhost", "mirror", "catch_all", "portal")


def page(title: str, words: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>"
            + f"{words} " * 60 + "</p></article></body></html>").encode()


SHARED = page("Flood waters recede in the valley", "Residents returned to their homes on Tuesday.")
SUSPENDED = page("Account Suspended", "Contact your hosting provider for more information.")
LOGIN = page("Welcome to the Hotel network", "Accept the terms of use to connect to the internet.")


@dataclass(frozen=True)
class Site:
    kind: str
    shares: bool  # a vhost or mirror serving the syndicated article (else an article of its own)

    def body(self, index: int) -> bytes:
        if self.kind == "catch_all":
            return SUSPENDED
        if self.kind == "portal":
            return LOGIN
        return SHARED if self.shares else page(f"Story {index} of its own", f"Words of site {index} alone.")


sites = st.builds(Site, st.sampled_from(KINDS), st.booleans())
webs = st.lists(sites, min_size=3, max_size=7)


def route(site: Site, index: int) -> Page | Handler:
    body = site.body(index)
    if site.kind != "vhost":
        return Page(body)

    def handle(handler: BaseHTTPRequestHandler) -> None:
        named = not handler.headers.get("Host", "").startswith(PROBE_HOST)
        send_bytes(handler, 200 if named else 404, body if named else b"no such site", "text/html")
    return handle


@contextmanager
def served(web: Sequence[Site]) -> Iterator[list[str]]:
    """The article URL of each site, served until the block ends."""
    servers = [LoopbackServer(f"127.0.1.{n + 1}") for n in range(len(web))]
    try:
        pairs = enumerate(zip(servers, web, strict=True))
        yield [server.add("/news/story", route(site, n)) for n, (server, site) in pairs]
    finally:
        for server in servers:
            server.close()


async def _fetch_and_judge(urls: Sequence[str]) -> list[FetchResult]:
    batch = [PendingArticle(url, url, "wire", None, datetime.now(UTC)) for url in urls]
    async with Fetcher(settings(respect_robots=False)) as fetcher:
        results = list(await asyncio.gather(*(fetcher.fetch_article(url) for url in urls)))
        shared = await real_pages(results, fetcher.fetch_article, {})
    _, kept = without_intercepted(batch, results, frozenset(), frozenset(), shared)
    return kept


def fetch_web(urls: Sequence[str]) -> list[FetchResult]:
    """The results the batch keeps: those the load step extracts and stores, or counts as failed."""
    return asyncio.run(_fetch_and_judge(urls))
