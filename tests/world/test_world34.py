"""Red team 34's world kinds (`outagespells.py`): an offline spell longer than `outages.OUTAGE_GRACE`, a flapping
network, a site gone (its address refusing, a public one) among healthy sites, a clock ahead during an outage;
and its invariants (`outagechecks.py`). A draw check, and the regression worlds its hunt shrank."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from newsflow.polling import DOUBT_BACKOFF_CAP, JITTER
from tests.world import outagespells
from tests.world.driver import WorldDriver
from tests.world.invariants import query
from tests.world.outagespells import CLOCK_IN_OUTAGE, FLAPPING, LONG_OFFLINE, SITE_GONE, Spell
from tests.world.world import World, WorldSpec, open_world


def test_new_kinds_change_no_seeded_draw_and_draw_what_they_say() -> None:
    default = WorldSpec(seed=75, fault_rate=1.0, event_rate=1.0)  # every default kind drawn, the new ones not listed
    assert all(outagespells.spell_for(default, run) == Spell() for run in range(20))
    listed = replace(default, events=(*default.events, *outagespells.SPELL_EVENTS))
    plain, spelled = World(default, 1.0), World(listed, 1.0)
    for run in range(8):  # the older draws are the same; a spell only adds an outage, a clock ahead
        before, after = plain.events_for(run), spelled.events_for(run)
        spell = outagespells.spell_for(listed, run)
        assert replace(after, outage=before.outage or spell.offline,
                       turns=replace(after.turns, clock_shift=before.turns.clock_shift,
                                     clock_for_good=before.turns.clock_for_good)) == before
    long = WorldSpec(seed=3, sites=2, runs=8, events=(LONG_OFFLINE, CLOCK_IN_OUTAGE))
    spells = [outagespells.spell_for(long, run) for run in range(8)]
    offline = [run for run, spell in enumerate(spells) if spell.offline]
    assert len(offline) >= 3 and offline == list(range(offline[0], offline[-1] + 1))
    assert sum(spells[run].hours_after for run in offline) * 3600 > 24 * 3600, "the spell outlasts the grace"
    assert all(spell.clock_ahead == 0 for spell in spells if not spell.offline)
    flapping = [outagespells.spell_for(WorldSpec(seed=3, events=(FLAPPING,)), run).offline for run in range(6)]
    assert flapping in ([True, False] * 3, [False, True] * 3)
    gone = [outagespells.gone_site(WorldSpec(seed=3, sites=3, runs=6, events=(SITE_GONE,)), run) for run in range(6)]
    first = next(run for run, site in enumerate(gone) if site is not None)
    assert len(set(gone[first:])) == 1 and set(gone[:first]) <= {None}, "a site gone is gone for good"
    assert outagespells.gone_site(WorldSpec(seed=3, sites=1, events=(SITE_GONE,)), 5) is None


# Seed 322: two sites, a feed each; offline for runs 0-2 (10.4, 10.5 and 7.3 hours more after each), the clock 2
# days ahead in run 1 and set right after; site 0 gone from run 0, its address refusing (a public one). Run 3: the
# network is back.
OFFLINE_FOR_DAYS = WorldSpec(seed=322, sites=2, feeds=2, runs=4, fault_rate=0.0, event_rate=0.5,
                             events=(LONG_OFFLINE, SITE_GONE, CLOCK_IN_OUTAGE), guid_fault_rate=0.0, window=2)


@pytest.mark.timeout(240)
def test_days_offline_with_a_clock_ahead_and_a_site_gone_back_off_an_hour_and_show_the_dead_site(
        tmp_path: Path) -> None:
    started = time.monotonic()
    with open_world(OFFLINE_FOR_DAYS, OFFLINE_FOR_DAYS.fetch_timeout) as world:
        driver = WorldDriver(world, tmp_path)
        plans = []
        for run in range(OFFLINE_FOR_DAYS.runs):
            driver.run_once(run)
            plans.append(query(driver.warehouse_path, "SELECT feed_id, consecutive_failures, "
                                                      "epoch(next_poll_at - last_polled_at) FROM feeds ORDER BY 1"))
        driver.finish()
    report = driver.report
    print(f"\n{report.summary()}\n{plans}\nworld took {time.monotonic() - started:.1f} s")
    assert {LONG_OFFLINE, SITE_GONE, CLOCK_IN_OUTAGE} <= set(report.faults_injected), report.faults_injected
    assert not report.violations, "\n".join(map(str, report.violations))
    assert report.entries_lost == 0
    (_, gone_failures, _), (_, healthy_failures, healthy_wait) = plans[2]
    assert gone_failures > 0 and healthy_failures > 0, "two days offline (by a clock ahead) counted no failure"
    assert healthy_wait <= DOUBT_BACKOFF_CAP * (1 + JITTER), plans[2]
    (_, gone_failures, gone_wait), (_, healthy_failures, _) = plans[3]
    assert healthy_failures == 0 and gone_failures > 0 and gone_wait > 0, plans[3]
