"""Articles answered with one page that other sites' articles got too: a captive portal's, or a
host's own (an "account suspended" page). See `without_intercepted` and docs/polling.md,
"Network outages"."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import TypeVar

from newsflow import polling
from newsflow.models import FetchResult, Outcome, PendingArticle
from newsflow.urls import host_of, site_of

log = logging.getLogger("newsflow.pipeline")  # where these warnings have always come from
Extracted = TypeVar("Extracted")  # a batch's extraction results, kept beside their fetches


def without_intercepted(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], answered_sites: AbstractSet[str] = frozenset(),
    feed_portal_pages: AbstractSet[str] = frozenset(), real_pages: AbstractSet[str] = frozenset(),
) -> tuple[list[PendingArticle], list[FetchResult]]:
    """Leave out the articles answered with one page that articles of 2 other sites or more got too:
    sent there by a temporary redirect (`polling.landed_elsewhere`), or served at their own URLs
    byte for byte. That is a captive portal's login page or an intercepting proxy's, not the article.

    They stay pending with no attempt counted, like articles past the budget. Before, the portal's
    page was extracted and stored as each article's text, for good (red team 11). But where the
    network is otherwise fine, that page is the sites' own (a host's "account suspended" page): when
    a site the page did not answer for came through, with its own page in this batch or a feed this
    run (`answered_sites`), each such article is a failed attempt (`http_error`), parked after
    `execution.max_article_attempts` such runs, never pending for good (red team 13). Unless the sites
    that came through are a walled garden's, a portal letting a site or two through before its login:
    the page answered for 80% of the sites or more (`polling.walled_garden`, red team 14), and, for a
    page reached by a redirect, this run's feed polls of 3 sites or more were sent there too
    (`feed_portal_pages`, from `polls.poll_feeds`); for one served at the URLs themselves, it came
    from 3 addresses or more (`polling.network_pages`). A media group's "unavailable in your region" page,
    which every article of its 4 sites is redirected to while an aggregator's feed comes through, is
    no portal: without that check those articles stayed pending, no attempt counted, every run, for
    good (red team 14's review). A page served at the URLs of 3 sites whose server does not answer
    every name with it (`real_pages`, `catchall.real_pages`) is theirs: an article they share, kept
    (red team 16: it was never stored)."""
    sites = [site_of(host_of(result.url)) for result in results]
    elsewhere = [polling.landed_elsewhere(r) if r.ok else "" for r in results]
    digests = polling.page_digests([(site, r.html if r.ok and not away else b"")
                                    for site, r, away in zip(sites, results, elsewhere, strict=True)])
    landings = [away or digest for away, digest in zip(elsewhere, digests, strict=True)]
    pairs = list(zip(sites, landings, strict=True))
    portal = polling.intercepted_landings((site, landed) for site, landed in pairs if landed) - real_pages
    if not portal:
        return list(batch), list(results)
    answered = {site for site, landed, r in zip(sites, landings, results, strict=True) if r.ok and landed not in portal}
    intercepted_sites = {site for site, landed in pairs if landed in portal}
    through = (answered | set(answered_sites)) - intercepted_sites
    served_by_network = polling.network_pages(
        (site, landed, r.address) for site, landed, r in zip(sites, landings, results, strict=True) if landed)
    vouched = all(page in feed_portal_pages or (polling.served_page(page) and page in served_by_network)
                  for page in portal)
    if through and not (vouched and polling.walled_garden(intercepted_sites, through)):
        return list(batch), [r if landed not in portal else served_elsewhere_too(r)
                             for r, landed in zip(results, landings, strict=True)]
    kept = [(p, r) for p, r, landed in zip(batch, results, landings, strict=True) if landed not in portal]
    log.warning("%d articles of several sites were all answered with one page (%s): a captive portal or a "
                "network that intercepts requests, not their pages; they are left pending for the next run",
                len(results) - len(kept), ", ".join(sorted(portal))[:300])
    return [p for p, _ in kept], [r for _, r in kept]


def served_elsewhere_too(result: FetchResult) -> FetchResult:
    """The result as a failed attempt: the page other sites' articles got too, while the network was fine."""
    what = "redirected to a page" if polling.landed_elsewhere(result) else "answered with a page"
    error = (f"GET {result.url}: {what} that articles of 2 other sites or more got too, byte for byte, while "
             "other sites' pages came through: the host's own page (an account suspended or parked), not the "
             "article; tried again on later runs")
    return replace(result, outcome=Outcome.HTTP_ERROR, html=b"", error=error)


def answered_any(results: Sequence[FetchResult]) -> bool:
    """Whether some host answered one of these fetches (an HTTP status came back): the machine is online."""
    return any(result.status_code is not None and not result.kept for result in results)


def network_dropped(results: Sequence[FetchResult], answered_sites: AbstractSet[str] = frozenset()) -> bool:
    """No host answered any fetch of the batch and the DNS gave no answer (no NXDOMAIN, no address refused as a
    portal's), while some failed to resolve or connect: the network has dropped since whatever answered earlier
    in the run (its polls).

    Before, a run whose feeds came through counted an attempt for every article it could not reach after
    them; the network dropping after the polls of `execution.max_article_attempts` runs parked every article
    (red team 31). A server that accepts and never answers is its own (as for feeds, `polling`): silence
    alone drops nothing. The price: a batch made only of articles of sites that went down (their feeds came
    through, or another batch answered) is not counted either; they are counted in a batch that anything
    answers, and parked after as many such runs.

    The drop is told by an unreached site that came through this run's polls (`answered_sites`), or by
    unreached sites too many to be down together (`polling.OUTAGE_MIN_HOSTS`). Any batch of unreachable
    names was taken for it before (review of red team 31): an aggregator's feed answering every run, the
    articles waiting on one dead site (its name servers gone, not NXDOMAIN) were left uncounted in every
    run, never parked."""
    unreached = {site_of(host_of(r.url)) for r in results if r.outcome in polling.UNREACHABLE_OUTCOMES}
    told = bool(unreached & set(answered_sites)) or len(unreached) >= polling.OUTAGE_MIN_HOSTS
    return told and not answered_any(results) and not any(r.name_unknown or r.answer_refused for r in results)


def unreachable_left_pending(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], extractions: Sequence[Extracted],
    told_already: bool = False,
) -> tuple[list[PendingArticle], list[FetchResult], list[Extracted]]:
    """In a run in which no host has answered anything yet, the articles whose names did not resolve (or
    resolved to an address refused as a captive portal's DNS answers), whose connections were refused or that got
    no byte back: the machine is offline, not their sites. They stay
    pending with no attempt counted, as in a run whose polls tell an outage (`polling.is_network_outage`).

    Polls tell an outage only in runs that poll: the network dropping after a run's polls, or runs in which no
    feed is due (`polling.min_interval`, a feed backing off), tried every pending article, and each failure
    counted: after `execution.max_article_attempts` such runs every article was parked, never stored once the
    network came back (red team 29). A site of its own down is still counted and parked, in the runs in which
    anything else answers; a name the DNS answered does not exist (NXDOMAIN: a lapsed domain) in any run, as
    that answer is the network's (review: sites all gone were retried every run for good, never parked).

    Said once a run (`told_already`: at debug after): a run of 1,000 pending articles offline said it in 100
    warnings, one a batch (hunt 56); the run's row counts them all (`runs.articles_deferred`)."""
    kept = [(p, r, e) for p, r, e in zip(batch, results, extractions, strict=True)
            if r.name_unknown or not (r.outcome in polling.UNREACHABLE_OUTCOMES or r.unanswered or r.answer_refused)]
    if len(kept) < len(results):
        log.log(logging.DEBUG if told_already else logging.WARNING,
                "no host has answered (this run, or since its polls), and %d articles could not be reached: the "
                "network is down, not their sites; they are left pending, no attempt counted", len(results) - len(kept))
    return [p for p, _, _ in kept], [r for _, r, _ in kept], [e for _, _, e in kept]
