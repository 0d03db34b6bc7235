"""robots.txt for one run: each origin's rules fetched once and shared by concurrent callers.

RFC 9309 as newsflow applies it (docs/security.md): a robots.txt that is missing (a 4xx but 429) allows
all; one that is unreachable (5xx, a timeout, no connection, a body cut short) means "assume
complete disallow" for this run: `allows` answers with that robots.txt fetch (`Unreadable`), and
the fetcher defers each article of the origin without requesting it: `rate_limited`, not counted
as an attempt, so never parked for it, fetched on the first run whose robots.txt reads (red team 16;
parking them lost a site's articles for good when its robots.txt was down for 3 runs).
A 429 or 503 is unreachable too, whatever its Retry-After says; a 429, or a 503 with a Retry-After, pauses the host
as well (review of red team 52; before, one with a Retry-After allowed all once the pause ended: the site fetched
with no rules).
Fetching is the caller's (`fetch.Fetcher` passes its own GET, so robots.txt goes through the same
guard, pacing and deadline; `ROBOTS_MAX_BYTES` and `ROBOTS_TIME_SHARE` bound it); every fetch made is kept
in `results` for the run's fetch log. `RobotsRules.refusal` is the article's answer, waited for inside its
deadline (moved here from `fetch.Fetcher._robots_refusal`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from urllib.parse import urlsplit

from newsflow.fetchrecord import Trail
from newsflow.fetchrules import PARTIAL_STATUSES
from newsflow.models import FetchResult, Outcome
from newsflow.robotsfile import RobotsFile, TooCostly

logger = logging.getLogger(__name__)

FetchRobots = Callable[[str], Awaitable[FetchResult]]
"""GET `<origin>/robots.txt`, given the origin; never raises (the fetcher's `_fetch` is total)."""

ROBOTS_ACCEPT = "text/plain, */*;q=0.5"
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to parse at least 500 KiB
# A robots.txt this long or shorter is parsed on the event loop (2.8-3.2 ms of CPU for the worst shapes measured, at
# a load of 15); a longer one in `_PARSER`'s thread.
PARSE_ON_LOOP_BYTES = 16_384
# One thread parses every long robots.txt, one at a time: six parsed at once in the default executor's threads shared
# the GIL with the event loop for 2-2.8 s, gaps of up to 1.3 s (review of red team 50), and took the threads the
# runner's extraction and commits use. Its thread starts at the first such parse.
_PARSER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsflow-robots-parse")
# robots.txt's share of `timeout`, inside the article's deadline: one missing allows all, leaving time.
ROBOTS_TIME_SHARE = 0.5

# What RFC 9309 calls "unreachable": the server's error or no whole answer. `rate_limited` with no status: our gate
# held it, its host paused past `max_retry_after` (a probe beside a feed's 429, review of robots 43). With a status:
# the server's own 429 (with or without a Retry-After) or 503 with one (a bare 503 is an http_error, above); its host
# is paused (`fetchrules.status_outcome`) and no rules came. Until the review of red team 52 that one allowed all, so
# the site's pages were fetched with no rules once the pause ended. RFC 9309 2.3.1.4 takes a 5xx for unreachable; a
# 429 too, as Google's crawler does. Not what the article's own
# request would meet the same way before reaching the server (`blocked`, `dns_error`, `invalid_url`).
# `too_large`: a robots.txt's body is read to its first 500 KiB (`fetchbody.first_lines`), so only an answer that
# never ends is, one whose framing (chunk sizes, 1xx answers, a packed stream) passed its caps: main read it until
# the deadline (`timeout`, unreachable); allowing all for it fetched the site with no rules at all (red team 45).
_UNREACHABLE = frozenset({Outcome.TIMEOUT, Outcome.CONNECT_ERROR, Outcome.PROTOCOL_ERROR, Outcome.FETCH_ERROR,
                          Outcome.TOO_LARGE, Outcome.RATE_LIMITED})


class Unreadable:
    """An origin whose robots.txt could not be read this run: nothing of it is fetched (RFC 9309 2.3.1.4)."""

    def __init__(self, fetched: FetchResult) -> None:
        self.fetched = fetched

    @property
    def held(self) -> bool:
        """Never asked: our gate held it, its host paused past `max_retry_after` and so closed to this run."""
        return self.fetched.outcome is Outcome.RATE_LIMITED and self.fetched.status_code is None

    def describe(self) -> str:
        fetched = self.fetched
        what = f"HTTP {fetched.status_code}" if fetched.status_code else fetched.outcome.value
        return f"{fetched.url} could not be read ({what})"

    def refusal(self, url: str, trail: Trail) -> FetchResult:
        """The article's result: deferred as behind a host's pause (`rate_limited`, not sent, not counted).

        The robots.txt says nothing about the article: counting it would park a site's articles for
        a robots.txt down for `max_article_attempts` runs, while the articles themselves serve fine.
        """
        if self.held:  # the host's pause is the reason, not a robots.txt that may serve well (ci110's worlds)
            error = (f"GET {url}: not sent: its host paused before its robots.txt {self.fetched.url} was asked "
                     f"({self.fetched.error}); not counted as an attempt")
            return trail.result(Outcome.RATE_LIMITED, url, error=error, retry_after=self.fetched.retry_after)
        error = (f"GET {url}: not sent: its site's robots.txt {self.describe()}, and RFC 9309 says to assume "
                 "everything is disallowed then; not counted as an attempt, waits for a run whose robots.txt "
                 "reads")
        return trail.result(Outcome.RATE_LIMITED, url, error=error)


class Unmatchable:
    """A URL its origin's robots.txt is too costly to match against (`robotsfile.MATCH_WORK`): taken as disallowed, as
    RFC 9309 says of a robots.txt that cannot be read, for this run; not counted, never parked (red team 50).

    The review of red team 49 bounded the match (500 KiB of near-miss `*` rules cost 0.78 s a URL on the event loop)
    and deferred such a URL as `rate_limited`, seen nowhere but each run's `run_deferred`. Red team 50 made it a
    counted `robots_disallowed`, parked after `execution.max_article_attempts` runs: lost for good 30-45 minutes in,
    with no way back once the site fixed its rules (its review). Now the entry says `robots_disallowed` and why (its
    `last_error` naming the robots.txt and what to do), and each run tries it again: the first run after the site
    shortens its rules, or after `fetch.respect_robots = false`, stores it. The cost of trying: one bounded match a URL
    a run."""

    def __init__(self, origin: str) -> None:
        self.robots_url = f"{origin}/robots.txt"

    def refusal(self, url: str, trail: Trail) -> FetchResult:
        shown = url if len(url) <= 200 else url[:200] + "…"  # the URL is long, as a rule: the reason must stay whole
        error = (f"GET {shown}: not sent: its site's robots.txt {self.robots_url} is too costly to match against "
                 "this URL (its `*` rules cost more than newsflow allows one URL), so it is taken as disallowed, as "
                 "RFC 9309 says of a robots.txt that cannot be read; not counted as an attempt, tried again each "
                 "run: ask the site to shorten its `*` rules, or set fetch.respect_robots = false")
        return replace(trail.result(Outcome.ROBOTS_DISALLOWED, url, error=error), robots_unmatched=True)


def unreachable(result: FetchResult) -> bool:
    return unreachable_answer(result.outcome, result.status_code)


def unreachable_answer(outcome: Outcome | str, status_code: int | None) -> bool:
    """`unreachable` told from a fetch's outcome and status, as the fetch log keeps them (`robotholds`)."""
    if outcome == Outcome.HTTP_ERROR:
        # a 206/226 to a request that asked for no part: the file is there, only part of it came (world15)
        return status_code is not None and (status_code >= 500 or status_code in PARTIAL_STATUSES)
    return outcome in _UNREACHABLE


Verdict = bool | Unreadable | Unmatchable
"""True: allowed; False: disallowed by the rules; `Unreadable`: robots.txt could not be read; `Unmatchable`: not for
this URL."""
TimedWait = Callable[[Awaitable[Verdict]], Awaitable[Verdict | FetchResult]]
"""Await a step inside what is left of the article's deadline: its value, or the failure's FetchResult
(`fetch.Fetcher._timed`)."""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class RobotsRules:
    """The run's robots.txt rules by origin; `allows` waits for the origin's one fetch."""

    def __init__(self, user_agent: str, fetch_robots: FetchRobots) -> None:
        self._user_agent = user_agent
        self._fetch_robots = fetch_robots
        self._loads: dict[str, asyncio.Task[RobotsFile | Unreadable | None]] = {}
        self._too_costly: set[str] = set()  # origins warned of a URL too costly to match
        self.results: list[FetchResult] = []

    def known(self, url: str) -> Verdict | None:
        """Whether `url` is allowed, when its origin's rules are loaded already; else None."""
        loaded = self._loads.get(origin_of(url))
        if loaded is None or not loaded.done():
            return None
        return self._allowed_by(loaded.result(), url)

    def read(self, origin: str) -> bool:
        """Whether `origin`'s robots.txt has been fetched this run, and could be read (rules, or none: allow all)."""
        loaded = self._loads.get(origin)
        if loaded is None or not loaded.done() or loaded.cancelled() or loaded.exception() is not None:
            return False
        return not isinstance(loaded.result(), Unreadable)

    async def allows(self, url: str) -> Verdict:
        origin = origin_of(url)
        if origin not in self._loads:  # the first caller starts the one fetch; the rest wait on it
            self._loads[origin] = asyncio.create_task(self._load(origin))
        return self._allowed_by(await asyncio.shield(self._loads[origin]), url)

    async def refusal(self, url: str, trail: Trail, timed: TimedWait,
                      known: Verdict | None = None) -> FetchResult | None:
        """ROBOTS_DISALLOWED, deferred behind an unreadable robots.txt, a TIMEOUT past the deadline, else None.

        `known`: the caller's `known(url)`, so a hop matches its URL once (review of red team 49)."""
        allowed = known if known is not None else self.known(url)  # usually loaded already: no wait, no deadline
        if allowed is None:
            waited = await timed(self.allows(url))
            if isinstance(waited, FetchResult):
                return waited
            allowed = waited
        if isinstance(allowed, (Unreadable, Unmatchable)):  # RFC 9309: assume complete disallow, this run
            return allowed.refusal(url, trail)
        if allowed is True:
            return None
        return trail.result(Outcome.ROBOTS_DISALLOWED, url, error=f"GET {url}: disallowed by robots.txt")

    async def aclose(self) -> None:
        for task in self._loads.values():
            task.cancel()
        await asyncio.gather(*self._loads.values(), return_exceptions=True)

    def _allowed_by(self, rules: RobotsFile | Unreadable | None, url: str) -> Verdict:
        if isinstance(rules, Unreadable):
            return rules
        try:
            return rules is None or rules.allows(url)
        except TooCostly:
            origin = origin_of(url)
            if origin not in self._too_costly:  # one line a site and run; each URL's result says it too
                self._too_costly.add(origin)
                logger.warning("robots.txt %s/robots.txt: its `*` rules cost more to match against %s than newsflow "
                               "allows one URL: such URLs of the site are taken as disallowed this run (not counted, "
                               "tried again each run)", origin, url[:200])
            return Unmatchable(origin)

    async def _load(self, origin: str) -> RobotsFile | Unreadable | None:
        """The origin's rules; `Unreadable` when robots.txt is unreachable; None (allow all) when it is
        missing or fails otherwise."""
        result = await self._fetch_robots(origin)
        self.results.append(result)
        if unreachable(result) and Unreadable(result).held:
            logger.info("robots.txt %s not asked: its host paused (%s)", result.url, result.error)
            return Unreadable(result)
        if unreachable(result):
            # A warning, not info: run after run, none of the site's articles arrives (review of red team 16).
            logger.warning("robots.txt %s could not be read (%s): nothing of the site is fetched this run; its "
                           "articles wait, pending and not counted as attempts, for a run whose robots.txt reads",
                           result.url, result.error or result.outcome)
            return Unreadable(result)
        if result.outcome is not Outcome.OK:
            logger.info("robots.txt for %s: %s; allowing all", origin, result.error or result.outcome)
            return None
        text = result.body.decode("utf-8", errors="replace")
        if len(result.body) <= PARSE_ON_LOOP_BYTES:
            return RobotsFile.parse(text, self._user_agent)  # as RFC 9309 reads it (red team 49)
        # Off the event loop (red team 50): 500 KiB of distinct `*` rules parse in 0.19 s, and every host's fetches
        # waited. One parse thread yields the GIL to the loop at each switch interval (5 ms); several did not.
        return await asyncio.get_running_loop().run_in_executor(_PARSER, RobotsFile.parse, text, self._user_agent)
