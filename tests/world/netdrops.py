"""Red team 31's world kinds, each drawn only when a spec lists it, from its own random stream.

- `drop_after_polls` (an event, `WorldSpec.events`): the run's feeds come through, then the network
  drops: every name answers the refusing address (`fetchfaults.REFUSING_ADDRESS`: every article fetch and
  robots.txt fails at connect), or no name resolves (the resolver gone: not NXDOMAIN), and the world's
  server closes, unanswered, any request on a connection kept alive from the polls (the fetcher sends it
  again on a fresh connection, which fails so). Drawn per run, so it lasts one run or several in a row.
  The run's child (`tests/world/child.py`) drops the DNS when `runner.poll_feeds` returns and leaves a
  marker file beside the DNS table for the server.
- `conditional_stall` (a fault, `WorldSpec.faults`; feeds only): the feed's server answers an unconditional
  request as usual and holds a conditional one (`If-None-Match`, `If-Modified-Since`) unanswered until the
  client gives up, as a CDN or WAF rule that chokes on validators. Drawn per feed per run.

Neither is in the spec's defaults, and both draw from streams of their own (`<seed>:<run>:rt31...`), so
adding them changed no seeded world's draws.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tests.world.fetchfaults import REFUSING_ADDRESS

if TYPE_CHECKING:
    from newsflow.models import FeedConfig
    from newsflow.pipeline import RunCounts
    from newsflow.polls import PollJob
    from tests.world.dns import WorldResolver
    from tests.world.world import WorldSpec

DROP_AFTER_POLLS = "drop_after_polls"
DROP_WAYS = ("refused", "unresolvable")
CONDITIONAL_STALL = "conditional_stall"


def drops_after_polls(spec: WorldSpec, run: int) -> str:
    """How the network drops after this run's polls (one of `DROP_WAYS`), "" when it does not."""
    rng = random.Random(f"{spec.seed}:{run}:rt31:drop")
    return rng.choice(DROP_WAYS) if DROP_AFTER_POLLS in spec.events and rng.random() < spec.event_rate else ""


def stalls_conditional(spec: WorldSpec, run: int, feed: int) -> bool:
    """Whether the feed's server holds conditional requests unanswered in this run."""
    rng = random.Random(f"{spec.seed}:{run}:feed:{feed}:rt31:stall")
    return CONDITIONAL_STALL in spec.faults and rng.random() < spec.fault_rate


def conditional(headers: Mapping[str, str]) -> bool:
    return bool(headers.get("If-None-Match") or headers.get("If-Modified-Since"))


def marker_for(dns_path: Path) -> Path:
    """The file the child leaves once the network has dropped: the server closes what comes on old connections."""
    return dns_path.with_suffix(".dropped")


def drop_after_polls(resolver: WorldResolver, dns_path: Path) -> None:
    """In the run's child: once `runner.poll_feeds` returns, every name answers the refusing address."""
    from newsflow import runner

    polled = runner.poll_feeds

    async def poll_then_drop(job: PollJob, feeds: list[FeedConfig]) -> RunCounts:
        try:
            return await polled(job, feeds)
        finally:
            table = resolver.table
            refused = table.drop_after_polls == "refused"
            resolver.table = (replace(table, hosts={name: [REFUSING_ADDRESS] for name in table.hosts}) if refused
                              else replace(table, outage=True))
            marker_for(dns_path).touch()

    runner.poll_feeds = poll_then_drop  # type: ignore[assignment]
