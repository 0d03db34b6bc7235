"""World15's checks after a run: what the world's pages and fetch classes owe (invariants.py holds the SQL).

Kept out of driver.py, which runs and times the child; this module decides, from the world's ledger and
draws, which pages must be stored and which feeds must have been read in the run just checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.world import fetchfaults, invariants, netdrops, outagespells
from tests.world.invariants import Violation

if TYPE_CHECKING:
    from tests.world.driver import RunRecord, WorldDriver

# A first address that swallows connects takes half of what a request has (netguard's split): under a
# 1 s `fetch.timeout` that leaves the live address 0.25-0.5 s, which a loaded 2-core machine's event loop
# can miss. Hosts so answered are judged only in worlds whose timeout leaves the live address a second.
SWALLOW_JUDGED_FROM = 4.0
_PAGE = re.compile(r"^http://site-\d+\.world(?:-\d+)?\.test:\d+/a/(\d+)/(\d+)$")
MARKER_CHARS = 60  # of the story's last paragraph: a page cut anywhere, or another page, lacks it


def checks(driver: WorldDriver, record: RunRecord) -> list[Violation]:
    path, run, world = driver.warehouse_path, record.index, driver.world
    found = invariants.article_is_the_page(path, run, lambda url: marker(driver, url))
    found += invariants.robots_parks_nothing(path, run)
    if record.reader_held or record.killed_by_world or record.terminated_by_world or record.exit_code != 0:
        return found
    ended = {r.index for r in driver.report.runs
             if not (r.killed_by_world or r.terminated_by_world or r.exit_code != 0)}
    pages = {url for url, runs in world.ledger.pages_whole.items() if runs & ended}
    found += invariants.whole_pages_stored(path, run, pages)
    found += invariants.each_whole_arrival_accounted(path, run, whole_arrivals(driver, ended))
    owed = owed_feeds(driver)
    found += invariants.reachable_feeds_read(path, run, set(owed), {f for f, kind in owed.items() if kind})
    found += invariants.robots_read_when_served(path, run, robots_served(driver))
    return found


def whole_arrivals(driver: WorldDriver, ended: set[int]) -> dict[str, set[str]]:
    """Each page sent whole to a run that ended, with the `run_id`s of those runs (from their --json
    summary: a run that printed none is not judged here)."""
    run_ids = {r.index: str(r.summary["run_id"]) for r in driver.report.runs
               if r.index in ended and r.summary.get("run_id")}
    arrivals = {url: {run_ids[run] for run in runs if run in run_ids}
                for url, runs in driver.world.ledger.pages_whole.items()}
    return {url: ids for url, ids in arrivals.items() if ids}


def marker(driver: WorldDriver, url: str) -> str | None:
    """A piece of the last paragraph of the page at `url`; None for a page not judged (not the world's,
    sent whole but altered: a garbled charset, the slow-to-extract page; or a catch-all's at fewer than 3 sites)."""
    match, ledger = _PAGE.match(url), driver.world.ledger
    if match is None or url in ledger.pages_altered or not ledger.told_apart(url):
        return None
    story = driver.world.page_story(int(match.group(1)), int(match.group(2)))
    return story.paragraphs[-1][:MARKER_CHARS]


def _blocked_sites(driver: WorldDriver) -> set[int] | None:
    """Sites the network keeps from the client this run, or not judged (None: every site, an outage or a portal)."""
    world, events = driver.world, driver.world.events
    if events.outage or events.portal or outagespells.firewalled(world.spec, world.run):
        return None
    unjudged = set() if world.spec.fetch_timeout >= SWALLOW_JUDGED_FROM else {
        site for site in range(world.spec.sites)
        if fetchfaults.SWALLOWING_ADDRESS in fetchfaults.dead_addresses(world.spec, world.run, site)}
    gone = outagespells.gone_site(world.spec, world.run)  # red team 34: its address refuses
    return set(world.unresolvable_sites(world.run)) | set(events.turns.blackholed) | unjudged | (
        set() if gone is None else {gone})


def robots_served(driver: WorldDriver) -> set[str]:
    """Hosts whose robots.txt the world answered well this run at one of the addresses their name gave."""
    world, blocked = driver.world, _blocked_sites(driver)
    if blocked is None or world.drops:  # the network dropped after the polls: no robots.txt is reachable
        return set()
    return {world.site_host(site) for site in range(world.spec.sites) if site not in blocked
            and (world.fault_for(f"robots:{site}", world.run) or fetchfaults.draw(world.spec, world.run,
                                                                                 f"robots:{site}")) is None}


def owed_feeds(driver: WorldDriver) -> dict[str, bool]:
    """Feeds whose poll this run must read: their answer was whole once the fetcher did its part (gzip
    layers, a skewed clock's 1 s pause, dead addresses before the live one), with nothing else in the way;
    True for the skewed clock's, which may wait instead (invariants.reachable_feeds_read)."""
    world, spec, run = driver.world, driver.world.spec, driver.world.run
    blocked = _blocked_sites(driver)
    if blocked is None:
        return {}
    owed = {}
    for feed in range(spec.feeds):
        site, key = feed % spec.sites, f"feed:{feed}"
        fault = world.fault_for(key, run) or fetchfaults.draw(spec, run, key)
        readable = fault.kind in fetchfaults.READABLE if fault else bool(fetchfaults.dead_addresses(spec, run, site))
        stalled = netdrops.stalls_conditional(spec, run, feed)  # a conditional poll gets no answer
        if readable and not stalled and site not in blocked and world.names.name(feed) is not None:
            owed[world.feed_id(feed)] = bool(fault and fault.kind == fetchfaults.SKEWED_RETRY)
    return owed
