"""What the driver's due list (`invariants.feeds_due`, read before a run starts) cannot see, for
`clock_silences_no_feed`: loads a run replays first, and hosts the run holds by their Retry-After pause.

- A spooled `load_polls` (a run beside a reader, or killed before replaying what it spooled) writes feeds' rows,
  their schedule and failures, at the next run's start: the due list read before it is stale (hunt 46). Other
  spooled loads write no feed row: a killed run's pause journal (`pausejournal`, a `.spool` file as soon as a host
  answers 429 or 503) leaves every feed's schedule as it was, so it is no reason to judge nothing (review of hunt 46).
- A feed whose host's pause is in force is not polled (docs/polling.md: "The pause holds for the whole host too,
  across runs"). The rule is written out here from the docs rather than taken from `hostholds.in_force`: in force
  while its end has not come, capped at `polling.max_interval` from when it was asked; one asked after now (the
  clock set back since) starts now and lasts as long as it was asked for (`HostPause.as_of`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.pausejournal import spooled_pauses
from newsflow.spool import Spool, spool_dir_for
from newsflow.warehouse import Warehouse
from tests.world import invariants

POLLS_LOAD = "newsflow.polls:load_polls"  # spoolcodec.LOADS: the one that writes feeds' rows (update_feed_states)


def polls_spooled(warehouse_path: Path) -> bool:
    """Polls wait in the spool: the run replays them first, and they change which feeds are due."""
    return bool(Spool(spool_dir_for(warehouse_path)).loads_of(POLLS_LOAD))


def feeds_held_by_a_pause(path: Path, now: datetime) -> set[str]:
    """The feeds (by `feed_id`) whose host, the host of the URL they are polled at, is paused at `now`: the
    warehouse's pauses and the spool's (a killed run's journal, which the run honours too)."""
    if not invariants.has_tables(path):
        return set()
    cap = timedelta(seconds=invariants.MAX_INTERVAL)
    pauses = [(str(host), until, asked) for host, until, asked in invariants.query(
        path, "SELECT host, until_at, asked_at FROM host_pauses")]
    pauses += [(p.host, p.until_at, p.asked_at) for p in spooled_pauses(Warehouse(path))]
    held = {host.lower() for host, until, asked in pauses
            if (until > asked if asked > now else min(until, asked + cap) > now)}
    feeds = invariants.query(path, "SELECT feed_id, coalesce(adopted_url, url) FROM feeds")
    return {str(feed) for feed, url in feeds if (urlsplit(str(url)).hostname or "") in held}
