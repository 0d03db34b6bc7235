"""Origins whose robots.txt could not be read, remembered across runs (docs/security.md, "Robots 43").

Red team 16 defers every article of an origin whose robots.txt cannot be read (RFC 9309: assume complete
disallow), uncounted, so a robots.txt down for a few runs parks nothing. But nothing told the next run: such a
page was chosen among `execution.max_articles_per_run` in every run and sent nothing, so k hosts whose
robots.txt hangs took k places of every run for ever, and with k >= the cap no page was fetched (hunt 38).

Now a run reads at its start the origins whose latest robots.txt fetch in the fetch log (`fetch_events`, kind
`robots`, within REMEMBERED_FOR) could not be read and whose host still has pages pending; asks their
robots.txt again while the feeds are polled (`RobotProbes`); and when it chooses its pending articles, the hosts
whose robots.txt still does not read (or has not answered within PROBE_PATIENCE_SECONDS past the polls) come
last, as a paused host's do (`pending_entries(last_hosts=...)`): they take no place from a host that answers,
are chosen when there is room, and are asked again every run. A robots.txt that reads again lets its host take
its turns in that same run. The probes' fetches go to the fetch log with the run's other robots.txt fetches
(`record_robots_fetches`), which is what the next run remembers; spooled beside a reader, they are replayed
before the next run reads them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from newsflow import readersafe, warehouse
from newsflow.errors import WarehouseError
from newsflow.fetch import Fetcher
from newsflow.models import FetchEvent, FetchKind, FetchResult
from newsflow.pacing import HostGate
from newsflow.robots import RobotsRules, origin_of, unreachable_answer
from newsflow.spool import commit_or_spool, kind_of, own_loads_of
from newsflow.urls import host_key, host_of
from newsflow.warehouse import Warehouse
from newsflow.warehouse.entries import netloc_key

log = logging.getLogger(__name__)

REMEMBERED_FOR = timedelta(days=7)  # a service stopped longer forgets: its first run gives such a host a turn again
PROBE_PATIENCE_SECONDS = 1.0  # past the polls: a robots.txt that reads again answers in far less
# A holder that kept `hostholds` waiting its 5 s at the start holds this read too: what waiting buys is small (such
# hosts get a place in this run only), so it waits less.
READ_PATIENCE_SECONDS = 1.0
SHOWN = 5
_EVENTS_KIND = kind_of(readersafe.store_fetch_events)


def read_at_start(store: Warehouse, feed_ids: Sequence[str], now: datetime | None = None) -> list[str]:
    """The origins (`scheme://host[:port]`) whose latest robots.txt fetch since REMEMBERED_FOR could not be read,
    on hosts with pages pending for `feed_ids`; none, with a warning, when the warehouse cannot be read."""
    since = (now or datetime.now(UTC)) - REMEMBERED_FOR

    try:
        fetched, netlocs = warehouse.read_with(
            store, lambda con: (warehouse.latest_robots_reads(con, since), warehouse.waiting_netlocs(con, feed_ids)),
            READ_PATIENCE_SECONDS)
    except WarehouseError as exc:
        log.warning("cannot read which sites' robots.txt could not be read (fetch_events: %s); this run gives "
                    "their pages a turn", " ".join(str(exc).split()))
        return []
    latest: dict[str, tuple[str, int | None, datetime]] = {}
    for url, outcome, status, at in [*fetched, *spooled_robots_reads(store, since)]:
        if url not in latest or at >= latest[url][2]:
            latest[url] = (outcome, status, at)
    pending = {netloc_key(netloc) for netloc in netlocs}
    return sorted({origin_of(url) for url, (outcome, status, _) in latest.items()
                   if unreachable_answer(outcome, status) and host_key(host_of(url)) in pending})


def spooled_robots_reads(store: Warehouse, since: datetime) -> list[tuple[str, str, int | None, datetime]]:
    """The robots.txt fetches in the spool, not replayed yet: a reader that stays holds every run's there, and
    the warehouse alone would forget them while it stays (review of robots 43; `hostholds` reads spooled pauses
    the same way)."""
    return [(event.url, event.outcome.value, event.status_code, event.at)
            for load in own_loads_of(store, _EVENTS_KIND) for event in load.args[0]
            if isinstance(event, FetchEvent) and event.kind is FetchKind.ROBOTS and event.at >= since]


class RobotProbes:
    """The remembered origins' robots.txt, asked again as the run starts (the run's one fetch of each)."""

    def __init__(self, rules: RobotsRules, origins: Sequence[str]) -> None:
        self._rules = rules
        self.origins = list(origins)
        self._asked = [asyncio.ensure_future(rules.allows(f"{origin}/robots.txt")) for origin in self.origins]

    async def still_unreadable(self, patience: float = PROBE_PATIENCE_SECONDS) -> list[str]:
        """The hosts (`urls.host_key`) of the origins whose robots.txt has not read this run, waiting up to
        `patience` for the probes still out (each goes on for the articles that may need it)."""
        if self._asked:
            await asyncio.wait(self._asked, timeout=patience)
        for asked in self._asked:  # `allows` shields the fetch: cancelling the wait leaves it running
            asked.cancel()
        await asyncio.gather(*self._asked, return_exceptions=True)
        held = [origin for origin in self.origins if not self._rules.read(origin)]
        if held:
            log.warning("the robots.txt of %d sites still could not be read: their pages come after every other "
                        "host's this run (%s)", len(held), describe(held))
        return sorted({host_key(host_of(origin)) for origin in held})


async def probe_remembered(store: Warehouse, feed_ids: Sequence[str], fetcher: Fetcher,
                           respect_robots: bool) -> RobotProbes | None:
    """Start asking the remembered origins' robots.txt (none when robots.txt is not respected), except of hosts
    paused now: those come last anyway, and the gate would hold the request."""
    if not respect_robots:
        return None
    origins = await asyncio.to_thread(read_at_start, store, feed_ids)
    free = [origin for origin in origins if fetcher.gate.pause_remaining(host_of(origin)) <= 0]
    return RobotProbes(fetcher.robots, free)


async def last_hosts(gate: HostGate, probes: RobotProbes | None) -> list[str]:
    """The hosts whose pages come last this run: those paused, and those whose robots.txt still does not read."""
    unreadable = await probes.still_unreadable() if probes else []
    return sorted({*gate.paused_hosts(), *unreadable})


def record_robots_fetches(store: Warehouse, run_id: str, results: Sequence[FetchResult]) -> None:
    """robots.txt fetches go to the fetch log too, as kind 'robots': what the next run remembers."""
    events = [FetchEvent.from_result(r, run_id, None) for r in results]
    if events:
        commit_or_spool(store, run_id, readersafe.store_fetch_events, events, if_spooled=None)


def describe(origins: Sequence[str], shown: int = SHOWN) -> str:
    return ", ".join(origins[:shown]) + (f" and {len(origins) - shown} more" if len(origins) > shown else "")
