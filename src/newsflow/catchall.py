"""Is a page several sites served a catch-all server's, or a real page they share? Ask the server.

`without_intercepted` takes one page answered at the URLs of 3 sites or more for a captive portal's
or a host's own page (an "account suspended" page). But sites that syndicate one article, or mirror
one another on a shared host, serve that article byte for byte too: it was never stored (held
pending, or parked as "the host's own page"), red team 16. A portal or a catch-all host answers
every name with its page; a real site's server answers a name it does not serve otherwise (its
default site, a 404, a 421). So before a page served at 3 sites' URLs is taken for a portal's, the
server is asked once for it under `PROBE_HOST`, a name that cannot exist (RFC 6761 `.invalid`):
only the same page back from each address that served it (`MAX_PROBES` at most, asked in turn
until one answers otherwise) makes it a catch-all's. One round of probes per page per run
(`verdicts`). A probe that gets no answer (a timeout, a reset, a connection closed unanswered) ends
the round and makes the page the sites' own: a portal or a catch-all answers every name, and a server
that drops unknown names (nginx's `return 444`, a firewall rule) serves names, as one answering 404
does. The two errors are not alike: taking a catch-all's page for an article stores one junk text,
once (deduplicated); the other way loses a real article. Before, no answer judged the page a
catch-all's, so a real article shared by 3 sites was counted failed and parked (red team 21's
review); the review then gave it no verdict, which left it pending, re-probed every run, for good.

Over https the probe names `PROBE_HOST` in TLS too (SNI, `fetch.probe_transport`), so a server sees
one name: one that refuses it in the handshake (a TLS alert) serves names, not every name, as does
one answering 404 or 421. Asked for the site's name in TLS and the probe's in HTTP, a catch-all
answering the mismatch with 421 looked like a real server (red team 21).

Probes are held to the run's deadline (`until`, red team 21): a round still asking when it passes
is dropped, no verdict kept, and its page's articles are left out of the batch, pending with no
attempt counted (`judged_within`), like any fetch the deadline cut. Before, a probe that started
just before the deadline held the run up to one `timeout` past it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence

from newsflow import polling
from newsflow.models import FetchResult, Outcome, PendingArticle
from newsflow.urls import host_of, site_of

log = logging.getLogger(__name__)

PROBE_HOST = "newsflow-probe.invalid"
MAX_PROBES = 10  # addresses asked per page: a portal's page costs that many requests a run at most
Probe = Callable[[str, str], Awaitable[FetchResult]]
"""GET a URL naming another host in its Host header (`fetch.Fetcher.fetch_article(url, host=...)`)."""


def repeated_pages(results: Sequence[FetchResult]) -> dict[str, list[str]]:
    """The pages served at the URLs of `INTERCEPT_MIN_SITES` sites or more, by digest: a URL of each
    address that served it, `MAX_PROBES` at most."""
    at_own_urls = [r for r in results if r.ok and not polling.landed_elsewhere(r)]
    sites = [site_of(host_of(r.url)) for r in at_own_urls]
    served = list(zip(polling.page_digests(list(zip(sites, (r.html for r in at_own_urls), strict=True))),
                      at_own_urls, strict=True))
    pairs = [(site, digest) for site, (digest, _) in zip(sites, served, strict=True) if digest]
    repeated = polling.intercepted_landings(pairs)
    by_address: dict[str, dict[str, str]] = {}
    for digest, r in served:
        if digest in repeated:
            by_address.setdefault(digest, {}).setdefault(r.address or host_of(r.url), r.final_url)
    return {digest: list(urls.values())[:MAX_PROBES] for digest, urls in by_address.items()}


async def real_pages(
    results: Sequence[FetchResult], probe: Probe, verdicts: MutableMapping[str, bool], until: float = math.inf,
) -> set[str]:
    """The pages served at 3 sites' URLs or more that a server serving them does not answer every name
    with: one real site among catch-alls (a one-site box) makes the page real. Rounds still asking at
    `until` (time.monotonic()) are cancelled and keep no verdict."""
    pages = repeated_pages(results)
    await _probe_unasked(pages, probe, verdicts, until)
    return {digest for digest in pages if digest in verdicts and not verdicts[digest]}


async def judged_within(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], probe: Probe,
    verdicts: MutableMapping[str, bool], until: float = math.inf,
) -> tuple[list[PendingArticle], list[FetchResult], set[str]]:
    """`real_pages` by `until`, and the batch without the articles whose page got no verdict by then:
    they stay pending with no attempt counted, as fetches the deadline cut do, rather than being
    judged on no evidence."""
    pages = repeated_pages(results)
    await _probe_unasked(pages, probe, verdicts, until)
    shared = {digest for digest in pages if digest in verdicts and not verdicts[digest]}
    undecided = {digest for digest in pages if digest not in verdicts}
    if not undecided:
        return list(batch), list(results), shared
    kept = [(p, r) for p, r in zip(batch, results, strict=True)
            if not (r.ok and not polling.landed_elsewhere(r) and polling.page_digest(r.html) in undecided)]
    return [p for p, _ in kept], [r for _, r in kept], shared


async def _probe_unasked(
    pages: dict[str, list[str]], probe: Probe, verdicts: MutableMapping[str, bool], until: float,
) -> None:
    unasked = [digest for digest in pages if digest not in verdicts]
    rounds: dict[str, asyncio.Future[bool | None]] = {
        digest: asyncio.ensure_future(_answers_every_name(digest, pages[digest], probe)) for digest in unasked}
    if rounds:
        await _wait_until(list(rounds.values()), until)
    for digest, round_ in rounds.items():
        every_name = None if round_.cancelled() else round_.result()
        if every_name is None:
            log.info("page %s served at the URLs of several sites: no server asked by the run's deadline, none "
                     "could be (paused hosts); its articles wait, uncounted", digest)
            continue
        verdicts[digest] = every_name
        log.info("page %s served at the URLs of several sites: %s", digest,
                 "the servers' answer to any name (a portal or a catch-all)" if every_name
                 else "not what a server answers other names with: a page they share")


async def _wait_until(rounds: list[asyncio.Future[bool | None]], until: float) -> None:
    """Wait for the rounds until `until`; cancel and reap those still running, on any way out."""
    try:
        await asyncio.wait(rounds, timeout=None if math.isinf(until) else max(0.0, until - time.monotonic()))
    finally:
        for round_ in rounds:
            round_.cancel()
        await asyncio.gather(*rounds, return_exceptions=True)


async def _answers_every_name(digest: str, urls: Sequence[str], probe: Probe) -> bool | None:
    """Ask each address in turn; the first that answers otherwise, or not at all, ends it (a portal costs
    one request each; a server that swallows the probe one `timeout`). A probe not sent (its host paused
    by a Retry-After, its robots.txt unreadable) asked nothing: the next address is asked, and with none
    asked the page gets no verdict (its articles wait, uncounted)."""
    asked = False
    for url in urls:
        answer = await probe(url, PROBE_HOST)
        if not_sent(answer):
            continue
        if not catch_all(digest, answer):
            return False
        asked = True
    return True if asked else None


def not_sent(answer: FetchResult) -> bool:
    """A request deferred before it went out (`rate_limited` with no status: a host's pause, a robots.txt
    that cannot be read): its server was not asked, so it says nothing of what the server answers."""
    return answer.outcome is Outcome.RATE_LIMITED and answer.status_code is None


def catch_all(digest: str, answer: FetchResult) -> bool:
    """The probe came back with the same page. Anything else (another page, a 404 or 421, a TLS alert to
    the probe's name, no answer at all) is a server that does not answer every name with it."""
    return answer.ok and polling.page_digest(answer.html) == digest
