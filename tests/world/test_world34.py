"""Red team 34's world kinds (`outagespells.py`): an offline spell longer than `outages.OUTAGE_GRACE`, a flapping
network, a site gone (its address refusing, a public one) among healthy sites, a clock ahead during an outage;
and its invariants (`outagechecks.py`). A draw check, and the regression worlds its hunt shrank."""

from __future__ import annotations

from dataclasses import replace

from tests.world import outagespells
from tests.world.outagespells import CLOCK_IN_OUTAGE, FLAPPING, LONG_OFFLINE, SITE_GONE, Spell
from tests.world.world import World, WorldSpec


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
