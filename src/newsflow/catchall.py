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
(`verdicts`); a probe that fails to answer says nothing and ends the round (one `timeout` of
probing per page at most), and the page is judged as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence

from newsflow import polling
from newsflow.models import FetchResult
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


async def real_pages(results: Sequence[FetchResult], probe: Probe, verdicts: MutableMapping[str, bool]) -> set[str]:
    """The pages served at 3 sites' URLs or more that a server serving them does not answer every name
    with: one real site among catch-alls (a one-site box) makes the page real."""
    pages = repeated_pages(results)
    unasked = [digest for digest in pages if digest not in verdicts]
    answers = await asyncio.gather(*(_answers_every_name(digest, pages[digest], probe) for digest in unasked))
    for digest, every_name in zip(unasked, answers, strict=True):
        verdicts[digest] = every_name
        log.info("page %s served at the URLs of several sites: %s", digest,
                 "the servers' answer to any name (a portal or a catch-all)" if every_name
                 else "not what a server answers other names with: a page they share")
    return {digest for digest in pages if not verdicts[digest]}


async def _answers_every_name(digest: str, urls: Sequence[str], probe: Probe) -> bool:
    """Ask each address in turn; the first that answers otherwise ends it (a portal costs one each).
    So does the first that does not answer (no evidence, judged as before): each unanswered probe
    costs a whole `timeout`, and 10 in turn held the batch 10 of them, past the run's deadline."""
    for url in urls:
        answer = await probe(url, PROBE_HOST)
        if not catch_all(digest, answer):
            return False
        if not answer.ok:
            return True
    return True


def catch_all(digest: str, answer: FetchResult) -> bool:
    """The probe came back with the same page, or did not come back at all (no evidence either way)."""
    if not answer.ok:
        return answer.status_code is None  # an HTTP answer of its own (404, 421) is a real server's
    return polling.page_digest(answer.html) == digest
