"""Red team 33: a feed whose only site refuses connections for weeks (docs/polling.md, "Network outages", "An
outage that lasts").

Real runs (`runner.run_ingest`), a real server on 127.0.0.1, a real DuckDB file; names resolve through the world's
resolver (tests/world/dns.py), as in red team 31: the machine offline (no name resolves, not NXDOMAIN), or a name
pointing at 127.0.0.2, where nothing listens (a closed port: the connection is refused). Whether an address is a
public one is the one thing a loopback test cannot have: `netguard.is_public_address` is told which to take so.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import netguard
from newsflow.config import Config, load_config
from newsflow.pipeline import RunCounts
from newsflow.polling import DOUBT_BACKOFF_CAP, JITTER
from newsflow.report import deferred_section
from newsflow.runner import RunSummary
from newsflow.warehouse import Warehouse
from newsflow.warehouse.reads import FEED_HEALTH_COLUMNS, feed_health
from tests.conftest import write_config
from tests.hostile.servers import LoopbackServer
from tests.hostile.test_redteam14 import make_due
from tests.hostile.test_redteam31 import CLOSED, Outlets, failures, loopback, run
from tests.localserver import Page
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query
from tests.world.dns import DnsTable, WorldResolver

__all__ = ["loopback"]  # the fixture, imported to be used here


def plan_of(config: Config) -> tuple[int, str, float]:
    """The lone feed's consecutive failures, last error and planned interval (seconds from its last poll)."""
    (count, error, interval), = query(config.path, "SELECT consecutive_failures, last_error, "
                                      "epoch(next_poll_at - last_polled_at) FROM feeds")
    return int(str(count)), str(error), float(str(interval))


def age_unreachable(config: Config, by: timedelta) -> None:
    """Time passing, run after run offline: the feed's polls have failed to reach it since `by` earlier."""
    with duckdb.connect(str(config.warehouse_path)) as con:
        con.execute("UPDATE feeds SET unreachable_since = unreachable_since - to_seconds($s), "
                    "turned_away_since = turned_away_since - to_seconds($s), "
                    "unreachable_uptime = unreachable_uptime - $s",
                    {"s": by.total_seconds()})


@pytest.mark.parametrize("public", [True, False])
def test_a_lone_feed_refused_at_a_public_address_is_the_sites_failure_and_backs_off(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        public: bool) -> None:
    """A one-feed install whose only site is gone, its address answering every connection with a refusal (RST):
    red team 31's small-install rule took every run for the machine offline, so the feed was polled every run
    for weeks, `newsflow feeds` showing 0 failures. A public address that refuses proves the network up to it:
    the site's failure, counted and backed off at once. A refusal from an address of the machine's own networks
    (an intranet, this test's loopback) is still no proof: an outage, as before."""
    server, resolver = loopback
    monkeypatch.setattr(netguard, "is_public_address", lambda address: public and address == CLOSED, raising=False)
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(closed=frozenset({"a.test"}))
    summary = run(config, "refused")
    assert summary.counts.network_outage == (0 if public else 1)
    assert failures(config) == [("solo", 1 if public else 0)], "a site refusing at a public address not counted"
    assert summary.counts.feeds_turned_away == (1 if public else 0)
    if public:
        assert "refused" in plan_of(config)[1]
        assert run(config, "next").feeds_due == 0, "the refusing site was not backed off"


def test_a_lone_feed_unreachable_for_more_than_a_day_is_shown_failing_and_backs_off_an_hour_at_most(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Offline runs of one day are a night offline: spared, however many. Past a day of failing to reach the feed
    (measured in time, from its first such poll), the run is still the network's outage, but the feed is counted
    failing (its failures and last error shown) and backs off, an hour at most while nothing answers: a laptop
    back online after days is polled within the hour, a dead site is shown dead."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    server.add("/solo/feed.xml", Page(rss_feed("solo", []), "application/rss+xml"))  # no article: no extractor
    config = outlets.config(tmp_path)
    outlets.dns(outage=True)
    assert run(config, "night").counts.network_outage == 1
    age_unreachable(config, timedelta(hours=20))
    assert run(config, "night-end").feeds_due == 1 and failures(config) == [("solo", 0)], "a night was counted"
    age_unreachable(config, timedelta(hours=5))  # 25 hours since the first poll that failed to reach it
    summary = run(config, "day-1")
    assert (summary.counts.network_outage, summary.counts.feeds_outage_overdue, summary.feeds_due) == (1, 1, 1)
    shown = dict(zip(FEED_HEALTH_COLUMNS, feed_health(Warehouse(config.warehouse_path), ["solo"]).rows[0], strict=True))
    assert shown["consecutive_failures"] == 1 and "cannot resolve" in str(shown["last_error"]), "not shown failing"
    with duckdb.connect(str(config.warehouse_path)) as con:  # 9 failures: the back-off would be 300 s x 2^8
        con.execute("UPDATE feeds SET consecutive_failures = 8, next_poll_at = now() - INTERVAL 1 MINUTE")
    assert run(config, "day-2").feeds_due == 1
    count, _, interval = plan_of(config)
    assert count == 9 and DOUBT_BACKOFF_CAP * (1 - JITTER) <= interval <= DOUBT_BACKOFF_CAP * (1 + JITTER)
    outlets.dns()
    make_due(config.warehouse_path, ["solo"])  # the hour has passed
    assert run(config, "back-online").feeds_due == 1 and failures(config) == [("solo", 0)]
    assert query(config.path, "SELECT unreachable_since FROM feeds") == [(None,)]


def test_the_report_says_what_the_run_took_its_failures_for() -> None:
    """The run's report names the feeds counted though the run was an outage (unreachable for over a day) and those
    the network answered were gone (a name that does not exist, a public address refusing)."""
    counts = RunCounts(feeds_polled=3, feeds_failed=3, network_outage=1, feeds_outage_overdue=2, feeds_turned_away=1)
    lines = "\n".join(deferred_section(RunSummary("r", counts, articles_held=True), [], None))
    assert "2 feeds unreachable for more than a day" in lines
    assert "1 feed turned away" in lines


def test_a_site_refusing_at_one_public_address_and_unroutable_at_another_is_the_sites_failure(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dual-stack site gone, polled from a machine with no IPv6 route: its IPv4 address refuses, its IPv6 one is
    "network unreachable" (getaddrinfo returns both). A refusal at one public address proves the network up to it
    as well as at every one: the site's failure (review of red team 33: every address had to refuse, so such a
    lone feed was an outage every run for a day). The broadcast address stands for the unroutable one: Linux
    refuses a TCP connect to it at once with ENETUNREACH."""
    server, resolver = loopback
    unroutable = "255.255.255.255"
    monkeypatch.setattr(netguard, "is_public_address", lambda address: address in (CLOSED, unroutable))
    config = load_config(write_config(tmp_path, "", {"solo": f"http://a.test:{server.port}/solo/feed.xml"},
                                      timeout=2.0, allowed_networks=["127.0.0.0/8", f"{unroutable}/32"]))
    resolver.table = DnsTable({"a.test": [CLOSED, unroutable]}, frozenset(), False)
    summary = run(config, "refused")
    assert (summary.counts.network_outage, summary.counts.feeds_turned_away) == (0, 1)
    assert failures(config) == [("solo", 1)], "a site refusing at one public address not counted"
    assert f"refused by {CLOSED}" in plan_of(config)[1]


def test_a_feed_first_unreached_under_a_clock_far_ahead_is_not_spared_until_that_clock_comes_round(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """A machine whose clock ran a year ahead (a dead RTC battery, set right later) while offline left the feed's
    `unreachable_since` a year on: every outage after spared it until then, the grace measured from the future
    (review of red team 33). A time later than the poll's is taken back to the poll's."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    server.add("/solo/feed.xml", Page(rss_feed("solo", []), "application/rss+xml"))
    config = outlets.config(tmp_path)
    outlets.dns(outage=True)
    assert run(config, "ahead").counts.network_outage == 1
    age_unreachable(config, -timedelta(days=365))
    assert run(config, "set-right").counts.network_outage == 1
    (late,), = query(config.path, "SELECT unreachable_since > now() FROM feeds")
    assert late is False, "the grace is measured from a time the clock has not reached"
