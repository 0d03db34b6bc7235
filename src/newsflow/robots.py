"""robots.txt for one run: each origin's rules fetched once and shared by concurrent callers.

RFC 9309 as newsflow applies it (docs/security.md): a robots.txt that is missing, fails or
cannot be read allows all; a 4xx allows all too. Fetching is the caller's (`fetch.Fetcher`
passes its own GET, so robots.txt goes through the same guard, pacing and deadline); every
fetch made is kept in `results` for the run's fetch log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from newsflow.models import FetchResult, Outcome

logger = logging.getLogger(__name__)

FetchRobots = Callable[[str], Awaitable[FetchResult]]
"""GET `<origin>/robots.txt`, given the origin; never raises (the fetcher's `_fetch` is total)."""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class RobotsRules:
    """The run's robots.txt rules by origin; `allows` waits for the origin's one fetch."""

    def __init__(self, user_agent: str, fetch_robots: FetchRobots) -> None:
        self._user_agent = user_agent
        self._fetch_robots = fetch_robots
        self._loads: dict[str, asyncio.Task[RobotFileParser | None]] = {}
        self.results: list[FetchResult] = []

    def known(self, url: str) -> bool | None:
        """Whether `url` is allowed, when its origin's rules are loaded already; else None."""
        loaded = self._loads.get(origin_of(url))
        if loaded is None or not loaded.done():
            return None
        return self._allowed_by(loaded.result(), url)

    async def allows(self, url: str) -> bool:
        origin = origin_of(url)
        if origin not in self._loads:  # the first caller starts the one fetch; the rest wait on it
            self._loads[origin] = asyncio.create_task(self._load(origin))
        return self._allowed_by(await asyncio.shield(self._loads[origin]), url)

    async def aclose(self) -> None:
        for task in self._loads.values():
            task.cancel()
        await asyncio.gather(*self._loads.values(), return_exceptions=True)

    def _allowed_by(self, rules: RobotFileParser | None, url: str) -> bool:
        return rules is None or rules.can_fetch(self._user_agent, url)

    async def _load(self, origin: str) -> RobotFileParser | None:
        """The origin's rules, or None (allow all) when robots.txt is missing, failing or unreachable."""
        result = await self._fetch_robots(origin)
        self.results.append(result)
        if result.outcome is not Outcome.OK:
            logger.info("robots.txt for %s: %s; allowing all", origin, result.error or result.outcome)
            return None
        rules = RobotFileParser(f"{origin}/robots.txt")
        try:
            rules.parse(result.body.decode("utf-8", errors="replace").splitlines())
        except Exception as exc:  # robots.txt is the server's text: any surprise in it allows all
            logger.info("robots.txt for %s cannot be read (%s); allowing all", origin, type(exc).__name__)
            return None
        rules.modified()  # can_fetch refuses everything until the parser is marked as read
        return rules
