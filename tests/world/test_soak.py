"""The short seeded soak CI runs: a few consecutive scheduled runs of a mixed hostile world.

Every fault kind and run-level event is in the mix (6 feeds on 3 sites, a quarter of the
endpoints faulty in each run, GUID faults on some feeds). Each run must exit 0 within its
budget, lose no delivered item, store nothing twice, hit no canary, stay under the RSS bound,
leave a warehouse that opens. Every run is a Prefect flow run on the session's server (the
`prefect_api` fixture). About 35-80 s on 2 shared cores at a load average of 6. The long soak
is `python -m bench --only soak`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.world import content
from tests.world import faults as kinds
from tests.world.driver import soak
from tests.world.world import WorldSpec

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# Seed 2036 draws every run-level event in 4 runs: a SIGKILL in run 0, an outage in runs 1 and 3,
# a read-write reader in run 3 (then the driver's closing run replays its spool). Seed 2026, the
# first choice, drew none in 5 runs.
CI_SOAK = WorldSpec(seed=2036, sites=3, feeds=6, runs=4, fault_rate=0.25, event_rate=0.15, budget=15.0)


def test_a_short_soak_of_a_hostile_world_keeps_every_invariant(tmp_path: Path, prefect_api: str) -> None:
    started = time.monotonic()
    report = soak(CI_SOAK, tmp_path, prefect_api)
    print(f"\n{report.summary()}\nsoak took {time.monotonic() - started:.1f} s")
    assert len(report.runs) >= CI_SOAK.runs  # and one closing run when the last one had a reader
    assert sum(report.faults_injected.values()) > 0, "the world injected faults"
    assert {"kill", "outage", "reader"} <= set(report.faults_injected), report.faults_injected
    assert report.items_served > 0, "the world delivered items"
    assert not report.violations, "\n".join(map(str, report.violations))
    assert report.entries_lost == 0


# Positive controls: worlds whose faults today's code already handles keep every invariant, so a
# failing soak is the pipeline's doing, not the harness's.
# They run the CLI's run path without the flow (tests/world/child.py), to keep CI short; the soak
# above runs every run as a flow run on the session's Prefect server.
CALM_WORLD = WorldSpec(seed=1, sites=2, feeds=3, runs=1, fault_rate=0.0, event_rate=0.0, guid_fault_rate=0.0)
# Run 0 is killed at the server's 2nd request; run 1 is not, and must store what run 0 left.
KILLED_WORLD = WorldSpec(seed=3, sites=2, feeds=3, runs=2, fault_rate=0.0, event_rate=0.5, events=("kill",),
                         guid_fault_rate=1.0, guid_faults=("duplicate_guid", "shared_guid"))

# Red team 5's kinds: run 0 gets SIGTERM at the server's 5th request (exit 130, recorded cancelled, no
# process left behind); every GUID changes on every run (one entry per item all the same); feed 0 has
# moved (its URL answers 301 for life).
TERMINATED_WORLD = WorldSpec(seed=1, sites=1, feeds=2, runs=2, fault_rate=0.0, event_rate=0.5, events=("sigterm",),
                             guid_fault_rate=1.0, guid_faults=("churning_guid",), moved_rate=0.5)

# Red team 6's kinds (tests/world/content.py), one feed each (seed 43 draws all five over 5 feeds),
# among a quarter of faulty endpoints and a moved feed: cookie-check redirects, an item whose link
# redirects onto another item's page, a UTF-16 claim over one-byte text, an IDNA-invalid link, a
# podcast episode with no link.
CONTENT_WORLD = WorldSpec(seed=43, sites=2, feeds=5, runs=2, fault_rate=0.25, event_rate=0.0, guid_fault_rate=0.0,
                          moved_rate=0.5, content_fault_rate=1.0, content_faults=content.CONTENT_FAULTS)


# Red team 8's `signal` event: run 0 gets Ctrl-C twice, run 1 SIGTERM then Ctrl-C, each 0.3 s apart
# (seed 30); run 2 is calm and must store what they left. Before: a KeyboardInterrupt traceback from an
# atexit step, and "parsing feed-1 failed" with a RuntimeError traceback (tests/hostile/test_redteam8.py).
SIGNALLED_WORLD = WorldSpec(seed=30, sites=1, feeds=2, runs=3, fault_rate=0.0, event_rate=0.75, events=("signal",),
                            guid_fault_rate=0.0)


# Red team 12's events (seed 182): run 0 is SIGKILLed 7 s into the run, wherever it is then; run 1 has
# every host blackholed (connections accepted, never answered: an outage, no feed penalised) under a
# clock set back a day, set right for run 2, where feed 1 is removed from the config.
RED_TEAM_12_WORLD = WorldSpec(seed=182, sites=3, feeds=4, runs=3, fault_rate=0.0, event_rate=0.5,
                              events=kinds.RED_TEAM_12_EVENTS, guid_fault_rate=0.0)


@pytest.mark.parametrize("spec", [CALM_WORLD, KILLED_WORLD, TERMINATED_WORLD, CONTENT_WORLD, SIGNALLED_WORLD,
                                  RED_TEAM_12_WORLD],
                         ids=["no_faults", "kills_and_duplicate_or_shared_guids", "sigterm_churning_guids_moved_feed",
                              "red_team_6_content_faults_among_endpoint_faults", "double_signals",
                              "timed_kill_blackhole_clock_and_config_changes"])
def test_a_world_the_pipeline_already_handles_keeps_every_invariant(spec: WorldSpec, tmp_path: Path) -> None:
    report = soak(spec, tmp_path)
    print(f"\n{report.summary()}")
    assert report.items_served > 0
    assert not report.violations, "\n".join(map(str, report.violations))
    assert report.entry_states.get("stored", 0) > 0
    if spec is TERMINATED_WORLD:
        first = report.runs[0]
        assert (first.terminated_by_world, first.exit_code) == (True, 130), first.stderr_tail
    if spec is SIGNALLED_WORLD:  # Ctrl-C twice at the 3rd request, which run 0 always makes
        first = report.runs[0]
        assert (first.terminated_by_world, first.exit_code in (130, -2)) == (True, True), first.stderr_tail
    if spec is CONTENT_WORLD:
        assert set(content.CONTENT_FAULTS) <= set(report.faults_injected), report.faults_injected
    if spec is RED_TEAM_12_WORLD:
        assert set(kinds.RED_TEAM_12_EVENTS) <= set(report.faults_injected), report.faults_injected
        assert report.runs[1].outage and report.runs[1].due_at_start, "the blackhole and the clock were checked"
