"""Captive portals' pages: one page answering feed or article requests of several sites (docs/polling.md,
"Network outages": "A captive portal counts", "A portal that redirects counts too")."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence, Set

from newsflow.models import FetchResult
from newsflow.urls import host_of, site_of

# Requests for this many sites sent to one page on another site: a captive portal (`intercepted_landings`).
INTERCEPT_MIN_SITES = 3
MIN_PORTAL_PAGE_BYTES = 256  # a shorter page served at several sites' URLs is not taken for a portal's
# The share of sites one page must answer for to be the network's while others come through (an outage's share).
PORTAL_SHARE = 0.8


def page_digest(body: bytes) -> str:
    """A page's bytes as a key, for pages long enough to be a portal's (an empty page says nothing)."""
    return "sha256:" + hashlib.sha256(body).hexdigest()[:32] if len(body) >= MIN_PORTAL_PAGE_BYTES else ""


def page_digests(pages: Sequence[tuple[str, bytes]]) -> list[str]:
    """`page_digest` of each (site, page) whose page may be one served at `INTERCEPT_MIN_SITES`
    sites' URLs, "" for the others: one page is one length, so a page whose length pages of fewer
    sites share is not hashed (no such page; a batch's pages are ~300 KB each, hashed twice a batch:
    the catch-all probe's and the intercepts', perf15)."""
    sites: dict[int, set[str]] = {}
    for site, body in pages:
        if len(body) >= MIN_PORTAL_PAGE_BYTES:
            sites.setdefault(len(body), set()).add(site)
    return [page_digest(body) if len(sites.get(len(body), ())) >= INTERCEPT_MIN_SITES else "" for _, body in pages]


def served_page(landed: str) -> bool:
    """Whether a landing (`PollReach.landed`) is a page served at the URL itself, not one redirected to."""
    return landed.startswith("sha256:")


def landed_elsewhere(result: FetchResult) -> str:
    """The URL a request was sent to on another site by a temporary redirect (302, 303, 307), and
    answered at, else "" (a redirect refused or blocked never reached a page).

    A captive portal (a hotel's or an airport's network) or an intercepting proxy answers every
    plain-http request, whatever its site, with a temporary redirect to its own login page."""
    temporary = bool(result.redirects) and result.redirects[0][0] in (302, 303, 307) and result.status_code is not None
    moved = site_of(host_of(result.final_url)) != site_of(host_of(result.url))
    return result.final_url if temporary and moved else ""


def intercepted_landings(landings: Iterable[tuple[str, str]]) -> set[str]:
    """Of (site requested, URL landed on) pairs, the URLs that requests for `INTERCEPT_MIN_SITES`
    sites or more landed on: one page answering for many sites is the network's, not theirs."""
    sites: dict[str, set[str]] = {}
    for site, landed in landings:
        sites.setdefault(landed, set()).add(site)
    return {landed for landed, seen in sites.items() if len(seen) >= INTERCEPT_MIN_SITES}


def network_pages(landings: Iterable[tuple[str, str, str]]) -> set[str]:
    """Of (site requested, page landed on, address answering) triples, the `intercepted_landings`
    that are the network's: a page redirected to, or a page served at the URLs themselves from
    `INTERCEPT_MIN_SITES` addresses or more. One served from fewer is a host's own: 4 small blogs of
    one shared host serving its "account suspended" page made every run an outage (no feed backed
    off, no article fetched anywhere: review of red team 14); a portal answers for sites wherever
    they are."""
    triples = list(landings)
    addresses: dict[str, set[str]] = {}
    for _, landed, address in triples:
        if address:
            addresses.setdefault(landed, set()).add(address)
    return {page for page in intercepted_landings((site, landed) for site, landed, _ in triples)
            if not served_page(page) or len(addresses.get(page, ())) >= INTERCEPT_MIN_SITES}


def walled_garden(intercepted_sites: Set[str], through_sites: Set[str]) -> bool:
    """One page answered for `intercepted_sites` while `through_sites` came through: the network's
    page still (a captive portal's "walled garden" lets a site or two through before its login)
    when those it answered for are `PORTAL_SHARE` of all, as for an outage. Fewer, and the page is
    the sites' own: a hosting provider's "account suspended" page (red teams 13 and 14)."""
    return len(intercepted_sites) >= PORTAL_SHARE * len(intercepted_sites | through_sites)


