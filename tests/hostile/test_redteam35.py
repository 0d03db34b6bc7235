"""Red team 35: the outage rules' cases red team 34 left (docs/polling.md, "Red team 35").

Real runs (`runner.run_ingest`), a real DuckDB file, names resolved through the world's resolver, as in
tests/hostile/test_redteam33.py and test_redteam34.py, whose helpers these are: the address that refuses is taken for
a public one where a test says so.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import boottime, netguard, warehouse
from newsflow.boottime import BootReading
from newsflow.config import Config
from newsflow.models import FeedConfig, FeedPollState, FeedState, Outcome
from newsflow.outages import PollReach, judge_run, network_seen_up
from newsflow.polling import BACKOFF_BASE_SECONDS, DOUBT_BACKOFF_CAP, JITTER
from newsflow.warehouse import Warehouse, run_read_query
from tests.hostile.servers import LoopbackServer
from tests.hostile.test_redteam31 import CLOSED, Outlets, failures, loopback, run
from tests.hostile.test_redteam33 import age_unreachable, plan_of
from tests.test_unstoppable import query
from tests.world.dns import WorldResolver

__all__ = ["loopback"]  # the fixture, imported to be used here

CAPPED = DOUBT_BACKOFF_CAP * (1 + JITTER)


def make_due(config: Config, feed: str = "") -> None:
    """Time passing to the feed's next poll (every feed's, without `feed`)."""
    where = f"WHERE feed_id = '{feed}'" if feed else ""
    with duckdb.connect(str(config.warehouse_path)) as con:
        con.execute(f"UPDATE feeds SET next_poll_at = now() - INTERVAL 1 MINUTE {where}")


def full_backoff(config: Config, failures_before: int) -> float:
    return min(BACKOFF_BASE_SECONDS * 2**failures_before * (1 - JITTER), config.polling.max_interval)


def test_a_kill_switch_right_after_a_weekend_offline_backs_off_an_hour_at_most_then_a_site_gone_in_full(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team 34's hunt, seed 703: 50 hours offline, then every connection refused at a public address (a VPN's kill
    switch). The day's grace, measured from the first failure to reach the feed, had been spent offline, so the
    refusals backed off in full at once (5109 s after 5 failures, 21 hours after 9): a laptop back after a weekend
    stayed silent that long once the VPN was up. Measured from the first refusal (`feeds.turned_away_since`), they
    back off an hour at most for a day; a site that died offline, refusing for a day, then backs off in full."""
    server, resolver = loopback
    monkeypatch.setattr(netguard, "is_public_address", lambda address: address == CLOSED)
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(outage=True)
    assert run(config, "offline").counts.network_outage == 1 and failures(config) == [("solo", 0)]
    age_unreachable(config, timedelta(hours=50))  # a weekend offline, run after run
    with duckdb.connect(str(config.warehouse_path)) as con:  # 9 failures: the back-off would be 300 s x 2^8
        con.execute("UPDATE feeds SET consecutive_failures = 8")
    make_due(config)
    outlets.dns(closed=frozenset({"a.test"}))  # the network is back, behind the kill switch
    assert run(config, "kill-switch").counts.feeds_turned_away == 1
    count, error, interval = plan_of(config)
    assert count == 9 and "refused" in error, "a refusal after a weekend offline not shown failing"
    assert interval <= CAPPED, f"a kill switch right after a weekend offline backed off {interval:.0f} s"
    age_unreachable(config, timedelta(hours=25))  # refused for a day: a site gone (died while offline)
    make_due(config)
    assert run(config, "a-day-on").feeds_due == 1
    count, _, interval = plan_of(config)
    assert count == 10 and interval >= full_backoff(config, 9), f"a site gone for a day backed off {interval:.0f} s"


def test_a_site_unreachable_polled_alone_backs_off_in_full_when_others_answered_a_run_earlier(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Red team 33's price: a site that cannot be connected to (refusing from the machine's own networks, here
    loopback), polled alone in its run, made the run "in doubt" (it would be an outage were the feed not failing),
    so it backed off an hour at most though the install's other feed had answered minutes before. Earlier runs
    vouch for the network for an hour after an answer, unless a feed has failed to be reached since
    (`outages.network_seen_up`): then in full (an hour after that answer, in doubt again: the unit test of
    `network_seen_up` below, a run cheaper)."""
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"dead": "a.test", "healthy": "b.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(closed=frozenset({"a.test"}))
    assert run(config, "both").counts.network_outage == 0 and failures(config) == [("dead", 1), ("healthy", 0)]
    with duckdb.connect(str(config.warehouse_path)) as con:  # 9 failures: the back-off would be 300 s x 2^8
        con.execute("UPDATE feeds SET consecutive_failures = 8 WHERE feed_id = 'dead'")
        con.execute("UPDATE feeds SET next_poll_at = now() + INTERVAL 1 HOUR WHERE feed_id = 'healthy'")
    make_due(config, "dead")
    assert run(config, "alone").feeds_due == 1
    (count, interval), = query(config.path, "SELECT consecutive_failures, epoch(next_poll_at - last_polled_at) "
                                            "FROM feeds WHERE feed_id = 'dead'")
    assert count == 9 and float(str(interval)) >= full_backoff(config, 8), f"backed off {interval} s, in doubt"


def test_a_clock_set_back_at_every_run_of_an_outage_does_not_restart_the_grace(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path) -> None:
    """Red team 34's hunt, seed 201: the clock set back at every run of an outage (3, 2, 1 days ahead, then right),
    each run's poll earlier than the feed's first failure to reach it: `unreachable_since` was taken back to it, the
    grace restarted, and a site that died offline was never counted. Here 12 hours pass between runs while the wall
    clock is set back 14 hours each time: after 24 hours by the boot clock (`newsflow.boottime`), the feed is
    counted, though the wall clock shows it unreachable for no time at all."""
    if boottime.reading() is None:
        pytest.skip("no boot clock on this platform (newsflow.boottime reads Linux's CLOCK_BOOTTIME and boot id)")
    server, resolver = loopback
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(outage=True)
    overdue = []
    for index in range(3):
        overdue.append(run(config, f"offline-{index}").counts.feeds_outage_overdue)
        with duckdb.connect(str(config.warehouse_path)) as con:  # 12 hours pass; the clock is set back 14 hours
            con.execute("UPDATE feeds SET unreachable_since = unreachable_since + INTERVAL 2 HOUR, "
                        "unreachable_uptime = unreachable_uptime - 12 * 3600")
        make_due(config)
    assert overdue == [0, 0, 1], "a clock set back at every run kept the feed spared"
    assert failures(config) == [("solo", 1)]


def test_the_boot_clock_counts_within_one_boot_only() -> None:
    """A reading of another boot, or one later than now, tells nothing: the wall clock alone counts then."""
    now = BootReading("boot-b", 500.0)
    assert boottime.elapsed_since("boot-b", 200.0, now) == timedelta(seconds=300)
    assert [boottime.elapsed_since(boot, seconds, now) for boot, seconds in (
        ("boot-a", 200.0), ("boot-b", 900.0), (None, None))] == [None, None, None]
    assert boottime.elapsed_since("boot-b", 200.0, None) is None


def test_an_empty_missing_or_clockless_boot_id_is_no_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of red team 35: a container whose boot id file reads empty gave every boot the id "", so a reading of
    an earlier boot (its seconds since that boot) was taken for one of this boot, the time between them made up."""
    if getattr(time, "CLOCK_BOOTTIME", None) is None:
        pytest.skip("no CLOCK_BOOTTIME on this platform")
    empty = tmp_path / "boot_id"
    empty.write_text("\n")
    monkeypatch.setattr(boottime, "BOOT_ID", empty)
    assert boottime.reading() is None
    monkeypatch.setattr(boottime, "BOOT_ID", tmp_path / "missing")  # a container that hides it
    assert boottime.reading() is None
    monkeypatch.setattr(boottime, "BOOT_ID", empty)
    empty.write_text("bb376844-2c1e-4871-83af-c83b5ba0ff9b\n")
    assert boottime.reading() is not None
    def refused(clock: int) -> float:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(time, "clock_gettime", refused)  # an old kernel, a sandbox refusing the clock
    assert boottime.reading() is None
    monkeypatch.delattr(time, "CLOCK_BOOTTIME")  # macOS, Windows: the wall clock alone
    assert boottime.reading() is None


def test_a_boot_clock_behind_its_reading_in_the_same_boot_is_read_again(tmp_path: Path) -> None:
    """Review of red team 35: a VM restored from a snapshot keeps its boot id, its boot clock back at the snapshot's.
    A feed's reading from after the snapshot was kept while the feed stayed unreachable, so the boot clock told
    nothing until it came round to that reading again; it is read again, as after a reboot."""
    store = Warehouse(tmp_path / "news.duckdb")
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f1", "https://news.example/feed")])
        for hours, uptime in ((0, 90_000.0), (1, 500.0), (2, 4100.0)):
            warehouse.mark_unreachable(con, [FeedPollState("f1", at + timedelta(hours=hours), "error",
                                                           "connect_error", True, unreachable=True, boot="b",
                                                           uptime=uptime)])
    assert run_read_query(store, "SELECT unreachable_boot, unreachable_uptime FROM feeds").rows == [("b", 500.0)]


def test_earlier_runs_vouch_for_a_lone_poll_that_connected_not_one_that_failed_to_resolve() -> None:
    """Review of red team 35: the network seen up a run earlier made a failing feed's lone poll the site's failure.
    Dropping between runs (a laptop's lid closed, no Wi-Fi yet) shows in no earlier run, and its first sign is a name
    that no longer resolves: such a poll stays in doubt. One whose name resolved, the resolver answering, and that
    could not connect is the site's."""
    failing = {"was_failing": True, "was_unreachable": True, "host": "a.test", "site": "a.test"}
    unresolved, unconnected = PollReach(Outcome.DNS_ERROR, **failing), PollReach(Outcome.CONNECT_ERROR, **failing)
    assert [judge_run([poll], seen_up=True).in_doubt for poll in (unresolved, unconnected)] == [True, False]
    assert [judge_run([poll]).in_doubt for poll in (unresolved, unconnected)] == [True, True]


def test_earlier_runs_vouch_for_the_network_within_the_hour_and_only_if_no_feed_began_failing_to_reach_since() -> None:
    """`outages.network_seen_up` on the feeds' states: an answer within the hour, from a feed not failing, and no
    feed whose polls began failing to reach it after that answer (the network may have dropped)."""
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)
    answered = FeedState("up", last_polled_at=at - timedelta(minutes=20), last_outcome="ok")
    dead = FeedState("dead", consecutive_failures=4, last_polled_at=at - timedelta(minutes=5),
                     last_outcome="connect_error", unreachable_since=at - timedelta(days=2))
    began = replace(dead, unreachable_since=at - timedelta(minutes=10))  # after the answer
    stale = replace(answered, last_polled_at=at - timedelta(minutes=61))
    failing = replace(answered, consecutive_failures=1, last_outcome="http_error")
    assert [network_seen_up(states, at) for states in (
        [answered, dead], [answered, began], [stale, dead], [failing, dead], [dead])] == [True, False, False, False,
                                                                                           False]


def test_turned_away_since_and_the_boot_reading_on_every_write_of_a_poll(tmp_path: Path) -> None:
    """`feeds.turned_away_since` is set by the polls an outage spares too (`warehouse.mark_unreachable`: a kill switch
    refusing 3 sites' connections), cleared by one that was not turned away; a counted poll that reached the feed
    (`warehouse.update_feed_states`) clears it with `unreachable_since` and the boot clock's reading."""
    store = Warehouse(tmp_path / "news.duckdb")
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)
    refused = FeedPollState("f1", at, "error", "connect_error", True, unreachable=True, turned_away=True, boot="b",
                            uptime=10.0)
    columns = "SELECT turned_away_since, unreachable_since IS NULL, unreachable_boot, unreachable_uptime FROM feeds"
    rows = []
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f1", "https://news.example/feed")])
        for poll in (refused, replace(refused, polled_at=at + timedelta(hours=1), uptime=3610.0),
                     replace(refused, polled_at=at + timedelta(hours=2), turned_away=False)):
            warehouse.mark_unreachable(con, [poll])
            rows.append(con.execute(columns).fetchone())
        warehouse.update_feed_states(con, [replace(refused, polled_at=at + timedelta(hours=3), turned_away=True)])
        rows.append(con.execute(columns).fetchone())
        warehouse.update_feed_states(con, [FeedPollState("f1", at + timedelta(hours=4), "ok", "ok", False)])
        rows.append(con.execute(columns).fetchone())
    assert rows == [(at, False, "b", 10.0), (at, False, "b", 10.0), (None, False, "b", 10.0),
                    (at + timedelta(hours=3), False, "b", 10.0), (None, True, None, None)]
