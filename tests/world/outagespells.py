"""Red team 34's world kinds: outages that last, and a site gone among healthy ones (docs/polling.md, "An outage
that lasts", "A site whose address refuses is the site's failure").

Each is an event (`WorldSpec.events`), drawn only when listed, from a stream of its own (`<seed>:rt34:...`), so
adding them changed no seeded world's draws.

- `long_offline`: from a drawn run, 3 runs or more offline in a row (no name resolves, as `outage`), the world's
  clock moving 6-14 hours more after each: the spell outlasts `outages.OUTAGE_GRACE`.
- `flapping`: the network is off, on, off... across runs (every other run, from a drawn one), the clock moving
  2-10 hours more after each offline run.
- `site_gone`: from a drawn run on, one site (of 2 or more) is gone for good: its name answers `GONE_ADDRESS`,
  where nothing listens (a connect is refused at once), and which the run's child takes for a public address
  (`netguard.is_public_address`, as tests/hostile/test_redteam33.py does): the network is up to the site.
- `firewall`: from a drawn run, 4-6 runs in a row in which every site's name answers `GONE_ADDRESS` (a refusal from
  a public address, as a local firewall's REJECT rule or a VPN's kill switch gives every connection), the clock
  moving 1-3 hours more after each: the network's, not the sites'.
- `clock_in_outage`: in an offline run of the two above, the machine's clock is 1-3 days ahead for the run and set
  right after it (the driver's `clock` mechanism, `Turns.clock_shift`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.world.world import WorldSpec
    from tests.world.worldevents import RunEvents

LONG_OFFLINE = "long_offline"
FLAPPING = "flapping"
SITE_GONE = "site_gone"
CLOCK_IN_OUTAGE = "clock_in_outage"
FIREWALL = "firewall"
SPELL_EVENTS = (LONG_OFFLINE, FLAPPING, SITE_GONE, CLOCK_IN_OUTAGE, FIREWALL)
FIREWALL_RUNS = (4, 6)
FIREWALL_HOURS = (1.0, 3.0)
GONE_ADDRESS = "127.0.0.5"  # nothing listens there: a connect is refused; the child calls it public
HOUR = 3600
LONG_SPELL_RUNS = (3, 5)
LONG_SPELL_HOURS = (6.0, 14.0)
FLAP_HOURS = (2.0, 10.0)
CLOCK_AHEAD_DAYS = (1, 3)


@dataclass(frozen=True)
class Spell:
    """What red team 34's events do in one run."""

    offline: bool = False  # no name resolves for the run
    hours_after: float = 0.0  # simulated hours the clock moves after the run, beside the usual interval
    gone_site: int | None = None  # the site whose address refuses publicly (for good from its first run)
    clock_ahead: int = 0  # seconds the machine's clock is ahead during this run, set right after it
    firewall: bool = False  # every site's name answers GONE_ADDRESS: every connection refused, publicly

    @property
    def seconds_after(self) -> int:
        return int(self.hours_after * HOUR)


def spell_for(spec: WorldSpec, run: int) -> Spell:
    """The run's spell: offline (long or flapping), the clock's hours after it, the gone site, a clock ahead."""
    offline, hours = _long_offline(spec, run)
    flapping, flap_hours = _flapping(spec, run)
    offline, hours = offline or flapping, max(hours, flap_hours)
    clock = random.Random(f"{spec.seed}:{run}:rt34:clock")
    ahead = 0
    if offline and run > 0 and CLOCK_IN_OUTAGE in spec.events and clock.random() < max(spec.event_rate, 0.5):
        ahead = clock.randint(*CLOCK_AHEAD_DAYS) * 24 * HOUR
    firewall = firewalled(spec, run)
    if firewall:
        hours = max(hours, random.Random(f"{spec.seed}:{run}:rt34:firewall").uniform(*FIREWALL_HOURS))
    return Spell(offline, hours, gone_site(spec, run), ahead, firewall)


def _long_offline(spec: WorldSpec, run: int) -> tuple[bool, float]:
    rng = random.Random(f"{spec.seed}:rt34:long")
    if LONG_OFFLINE not in spec.events:
        return False, 0.0
    start, length = rng.randrange(max(1, spec.runs - 2)), rng.randint(*LONG_SPELL_RUNS)
    inside = start <= run < start + length
    hours = random.Random(f"{spec.seed}:{run}:rt34:long").uniform(*LONG_SPELL_HOURS)
    return inside, hours if inside else 0.0


def _flapping(spec: WorldSpec, run: int) -> tuple[bool, float]:
    rng = random.Random(f"{spec.seed}:rt34:flap")
    if FLAPPING not in spec.events:
        return False, 0.0
    start = rng.randrange(2)
    offline = run >= start and (run - start) % 2 == 0
    hours = random.Random(f"{spec.seed}:{run}:rt34:flap").uniform(*FLAP_HOURS)
    return offline, hours if offline else 0.0


def firewalled(spec: WorldSpec, run: int) -> bool:
    """Whether every connection of the run is refused at a public address (event `firewall`)."""
    if FIREWALL not in spec.events:
        return False
    rng = random.Random(f"{spec.seed}:rt34:firewall")
    start, length = rng.randrange(max(1, spec.runs - 3)), rng.randint(*FIREWALL_RUNS)
    return start <= run < start + length


def gone_site(spec: WorldSpec, run: int) -> int | None:
    """The site gone by this run, if any: one of 2 or more, from a drawn run on, for good."""
    if SITE_GONE not in spec.events or spec.sites < 2:
        return None
    rng = random.Random(f"{spec.seed}:rt34:gone")
    site, start = rng.randrange(spec.sites), rng.randrange(max(1, spec.runs - 1))
    return site if run >= start else None


def refusing_sites(spec: WorldSpec, run: int) -> list[int]:
    """The sites whose names answer `GONE_ADDRESS` in this run: every one behind a firewall, else the gone one."""
    gone = gone_site(spec, run)
    return list(range(spec.sites)) if firewalled(spec, run) else [] if gone is None else [gone]


def with_spell(events: RunEvents, spell: Spell) -> RunEvents:
    """The run's events with its spell: an outage while offline, the clock ahead for the run."""
    if spell.clock_ahead:
        events = replace(events, turns=replace(events.turns, clock_shift=spell.clock_ahead, clock_for_good=False))
    return replace(events, outage=True) if spell.offline else events


def happened(spec: WorldSpec, run: int, spell: Spell) -> dict[str, bool]:
    """Which of the kinds the run had (`Ledger.faults_injected`)."""
    return {LONG_OFFLINE: spell.offline and _long_offline(spec, run)[0],
            FLAPPING: spell.offline and _flapping(spec, run)[0], SITE_GONE: gone_site(spec, run) is not None,
            CLOCK_IN_OUTAGE: spell.clock_ahead != 0, FIREWALL: spell.firewall}
