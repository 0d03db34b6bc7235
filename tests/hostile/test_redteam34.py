"""Red team 34: every connection refused at a public address for hours (a local firewall's REJECT rule, a VPN's kill
switch), in a small install (docs/polling.md, "A site whose address refuses is the site's failure").

Real runs (`runner.run_ingest`), a real DuckDB file, names resolved through the world's resolver, as in
tests/hostile/test_redteam33.py, whose helpers these are: the address that refuses is taken for a public one.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import netguard
from newsflow.polling import BACKOFF_BASE_SECONDS, DOUBT_BACKOFF_CAP, JITTER
from tests.hostile.servers import LoopbackServer
from tests.hostile.test_redteam31 import CLOSED, Outlets, failures, loopback, run
from tests.hostile.test_redteam33 import age_unreachable, plan_of
from tests.test_unstoppable import query
from tests.world.dns import WorldResolver

__all__ = ["loopback"]  # the fixture, imported to be used here


def test_a_lone_feed_refused_publicly_backs_off_an_hour_at_most_for_a_day_then_in_full(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team 34's world `firewall` (tests/world/outagespells.py, seed 5, one site): every connection refused at a
    public address for five runs an hour or two apart, which a one-site install cannot tell from its site gone. It
    counted each refusal the site's and backed off in full: 85 minutes after the fifth, 21 hours after the ninth,
    silent that long once the firewall was lifted. A refusal is counted at once (the site is shown failing), but
    backs off an hour at most until the feed has been unreachable for `outages.OUTAGE_GRACE`, as an outage is
    spared: past it, a site gone backs off in full."""
    server, resolver = loopback
    monkeypatch.setattr(netguard, "is_public_address", lambda address: address == CLOSED)
    outlets = Outlets(server, resolver, {"solo": "a.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(closed=frozenset({"a.test"}))
    assert run(config, "refused").counts.feeds_turned_away == 1 and failures(config) == [("solo", 1)]
    with duckdb.connect(str(config.warehouse_path)) as con:  # 9 failures: the back-off would be 300 s x 2^8
        con.execute("UPDATE feeds SET consecutive_failures = 8, next_poll_at = now() - INTERVAL 1 MINUTE")
    assert run(config, "hours-on").feeds_due == 1
    count, error, interval = plan_of(config)
    assert count == 9 and "refused" in error
    assert interval <= DOUBT_BACKOFF_CAP * (1 + JITTER), f"refused for hours, backed off {interval:.0f} s"
    age_unreachable(config, timedelta(hours=25))  # refused for over a day: a site gone, backed off in full
    with duckdb.connect(str(config.warehouse_path)) as con:
        con.execute("UPDATE feeds SET next_poll_at = now() - INTERVAL 1 MINUTE")
    assert run(config, "a-day-on").feeds_due == 1
    count, _, interval = plan_of(config)
    full = min(BACKOFF_BASE_SECONDS * 2**9 * (1 - JITTER), config.polling.max_interval)
    assert count == 10 and interval >= full, f"a site refusing for over a day backed off {interval:.0f} s"


def test_a_site_refused_publicly_beside_one_that_answers_backs_off_in_full_at_once(
        loopback: tuple[LoopbackServer, WorldResolver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of red team 34: the hour's cap for a day held in every install, so a site gone among healthy ones was
    polled about hourly for its first day though the network plainly reached the others. A firewall refuses those
    too: beside a poll another server answered, a refusal at a public address is the site's, backed off in full."""
    server, resolver = loopback
    monkeypatch.setattr(netguard, "is_public_address", lambda address: address == CLOSED)
    outlets = Outlets(server, resolver, {"gone": "a.test", "healthy": "b.test"})
    outlets.publish()
    config = outlets.config(tmp_path)
    outlets.dns(closed=frozenset({"a.test"}))
    assert run(config, "refused").counts.feeds_turned_away == 1 and failures(config) == [("gone", 1), ("healthy", 0)]
    with duckdb.connect(str(config.warehouse_path)) as con:  # 9 failures: the back-off would be 300 s x 2^8
        con.execute("UPDATE feeds SET next_poll_at = now() - INTERVAL 1 MINUTE")
        con.execute("UPDATE feeds SET consecutive_failures = 8 WHERE feed_id = 'gone'")
    assert run(config, "an-hour-on").feeds_due == 2
    (count, interval), = query(config.path, "SELECT consecutive_failures, epoch(next_poll_at - last_polled_at) "
                                            "FROM feeds WHERE feed_id = 'gone'")
    full = min(BACKOFF_BASE_SECONDS * 2**8 * (1 - JITTER), config.polling.max_interval)
    assert count == 9 and float(str(interval)) >= full, f"a site gone among healthy ones backed off {interval} s"
