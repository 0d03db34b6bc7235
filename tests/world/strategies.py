"""Hypothesis strategies for world parameters: seed, sizes, fault mix. Small worlds shrink fast."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.world import beside, content, faults, fetchfaults, netdrops, worldevents
from tests.world.world import WorldSpec

ENDPOINT_KINDS = (*faults.ENDPOINT_FAULTS, faults.UNRESOLVABLE, faults.SLOW_EXTRACT, *fetchfaults.FETCH_FAULTS,
                  netdrops.CONDITIONAL_STALL)
EVENT_KINDS = (faults.OUTAGE, faults.READER, faults.KILL, faults.PORTAL, faults.SIGTERM, faults.SIGNAL,
               *faults.RED_TEAM_12_EVENTS, worldevents.CATCH_ALL, *beside.BESIDE_EVENTS, worldevents.MOVED_WAREHOUSE,
               netdrops.DROP_AFTER_POLLS)
GUID_KINDS = (*faults.GUID_FAULTS, faults.CHURNING_GUID)


@st.composite
def world_specs(draw: st.DrawFn, max_feeds: int = 4, max_runs: int = 3, exclude: tuple[str, ...] = ()) -> WorldSpec:
    """A small world; every field shrinks towards "fewer, simpler": no faults, one site, one feed, one run.

    `exclude` leaves fault kinds out, to hunt for the next failure once one is known."""
    endpoint_kinds = [k for k in ENDPOINT_KINDS if k not in exclude]
    event_kinds = [k for k in EVENT_KINDS if k not in exclude]
    guid_kinds = [k for k in GUID_KINDS if k not in exclude]
    content_kinds = [k for k in (*content.CONTENT_FAULTS, *content.PAGE_FAULTS, *content.FEED_FAULTS)
                     if k not in exclude]
    return WorldSpec(
        seed=draw(st.integers(0, 2**16)),
        sites=draw(st.integers(1, 3)),
        feeds=draw(st.integers(1, max_feeds)),
        runs=draw(st.integers(1, max_runs)),
        fault_rate=draw(st.sampled_from((0.0, 0.25, 0.5, 1.0))),
        faults=tuple(draw(st.lists(st.sampled_from(endpoint_kinds), unique=True, max_size=3))),
        event_rate=draw(st.sampled_from((0.0, 0.5, 1.0))),
        events=tuple(draw(st.lists(st.sampled_from(event_kinds), unique=True, max_size=2))),
        guid_fault_rate=draw(st.sampled_from((0.0, 0.5, 1.0))),
        guid_faults=tuple(draw(st.lists(st.sampled_from(guid_kinds), unique=True, max_size=2))),
        moved_rate=draw(st.sampled_from((0.0, 0.5))),
        content_fault_rate=draw(st.sampled_from((0.0, 0.5, 1.0))),
        content_faults=tuple(draw(st.lists(st.sampled_from(content_kinds), unique=True, max_size=2))),
        own_domains=draw(st.booleans()),
    )
