"""Red team 34's invariants, over worlds with its kinds (`outagespells.py`): what an outage that lasts, a flapping
network and a site gone among healthy ones may and may not do to the feeds' plans (docs/polling.md).

- `network_backoff_capped`: a feed whose last failure was the world's outage (no name resolving, or a `firewall`
  refusing every connection, the gone site's feeds aside) plans its next
  poll `polling.DOUBT_BACKOFF_CAP` (+ jitter) after its last at most: a healthy site is never backed off longer for
  the network.
- `network_back_polls`: in a run the network is up, every feed of a healthy site that failed for the network and was
  due when the run started is polled by it.
- `firewall_parks_nothing`: no article of a site not gone is parked for a `firewall`'s refusal.
- `dead_site_shown_failing`: once a site has been gone (its public address refusing) for `outages.OUTAGE_GRACE` and
  one run more, by the world's clock, each of its feeds polled since shows a failure count over 0 and a next poll
  after its last (it backs off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.outages import OUTAGE_GRACE
from newsflow.polling import DOUBT_BACKOFF_CAP, JITTER
from tests.world import outagespells
from tests.world.invariants import Violation, _examples, feeds_due, query

if TYPE_CHECKING:
    from tests.world.world import World

OUTAGE_ERROR = "%world outage (no network)%"  # dns.WorldResolver's error while no name resolves
REFUSED_ERROR = f"%refused by {outagespells.GONE_ADDRESS}%"  # a firewall's refusal (or the gone site's)
CAP_SLACK = 1.0  # seconds: the plan is stored to the microsecond
ONE_RUN = 900  # seconds of the world's clock between two runs (driver.SIMULATED_INTERVAL)


@dataclass
class SpellWatch:
    """What the checks need across runs: the gone site's age by the world's clock, feeds due at a run's start."""

    gone_seconds: float | None = None  # simulated seconds the gone site has been gone, at the end of the last run
    due_for_network: set[str] = field(default_factory=set)

    def before_run(self, world: World, path: Path) -> None:
        self.due_for_network = set()
        if world.spell.offline or world.spell.firewall or world.events.outage or world.events.portal or (
                not path.exists()):
            return
        failing = {str(f) for (f,) in query(path, "SELECT feed_id FROM feeds WHERE consecutive_failures > 0 "
                                                  f"AND (last_error LIKE '{OUTAGE_ERROR}' "
                                                  f"OR last_error LIKE '{REFUSED_ERROR}')")}
        self.due_for_network = (failing & feeds_due(path, datetime.now(UTC))) - gone_feeds(world)

    def after_run(self, world: World, advanced: float) -> None:
        """The world's clock moved `advanced` seconds after the run (the driver's interval and the spell's hours)."""
        if outagespells.gone_site(world.spec, world.run) is not None:
            self.gone_seconds = (self.gone_seconds or 0.0) + advanced


def gone_feeds(world: World) -> set[str]:
    """The feeds (by their names this run) of the site gone, if any."""
    gone = outagespells.gone_site(world.spec, world.run)
    if gone is None:
        return set()
    host = world.site_host(gone)
    return {name for name, url in world.feed_urls().items() if f"//{host}" in url}


def spell_checks(world: World, path: Path, run: int, watch: SpellWatch, polled_fine: bool) -> list[Violation]:
    """Red team 34's invariants after a run (`polled_fine`: it exited 0, no reader, no kill, no spool replayed)."""
    found = network_backoff_capped(path, run, gone_feeds(world))
    if polled_fine:
        found += network_back_polls(path, run, watch.due_for_network)
    found += firewall_parks_nothing(world, path, run)
    if watch.gone_seconds is not None and watch.gone_seconds >= (OUTAGE_GRACE.total_seconds()
                                                                  + ONE_RUN):
        found += dead_site_shown_failing(path, run, gone_feeds(world))
    return found


def network_backoff_capped(path: Path, run: int, gone: set[str]) -> list[Violation]:
    longest = DOUBT_BACKOFF_CAP * (1 + JITTER) + CAP_SLACK
    rows = [row for row in query(path, f"""
        SELECT feed_id, consecutive_failures, epoch(next_poll_at - last_polled_at) FROM feeds
        WHERE consecutive_failures > 0 AND (last_error LIKE '{OUTAGE_ERROR}' OR last_error LIKE '{REFUSED_ERROR}')
          AND epoch(next_poll_at - last_polled_at) > {longest} ORDER BY feed_id""") if row[0] not in gone]
    return [Violation(run, "network_backoff_capped", _examples(rows))] if rows else []


def firewall_parks_nothing(world: World, path: Path, run: int) -> list[Violation]:
    """No article of a site that is not gone is parked for a `firewall`'s refusal (`network_parks_nothing`'s kin)."""
    gone = outagespells.gone_site(world.spec, world.run)
    host = f"NOT contains(url, '//{world.site_host(gone)}')" if gone is not None else "true"
    parked = query(path, f"SELECT url FROM entries WHERE parked_at IS NOT NULL AND last_error LIKE '{REFUSED_ERROR}' "
                         f"AND {host} ORDER BY url")
    return [Violation(run, "firewall_parks_nothing", _examples(parked))] if parked else []


def network_back_polls(path: Path, run: int, due: set[str]) -> list[Violation]:
    if not due:
        return []
    polled = {str(feed) for (feed,) in query(
        path, "SELECT feed_id FROM polls WHERE run_id = (SELECT run_id FROM runs ORDER BY run_seq DESC LIMIT 1)")}
    missed = sorted(due - polled)
    return [Violation(run, "network_back_polls", _examples(missed))] if missed else []


def dead_site_shown_failing(path: Path, run: int, feeds: set[str]) -> list[Violation]:
    if not feeds:
        return []
    names = ", ".join(f"'{name}'" for name in sorted(feeds))
    rows = query(path, f"""
        SELECT feed_id, consecutive_failures, last_outcome, epoch(next_poll_at - last_polled_at) FROM feeds
        WHERE feed_id IN ({names}) AND last_polled_at IS NOT NULL
          AND (consecutive_failures = 0 OR next_poll_at <= last_polled_at) ORDER BY feed_id""")
    return [Violation(run, "dead_site_shown_failing", _examples(rows))] if rows else []
