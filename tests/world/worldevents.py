"""Red team 12's run-level events: a feed renamed or removed in the config, a blackholed network,
a clock set back or ahead, and a SIGKILL at a moment drawn by the seed (tests/world/README.md).

Each is drawn from its own random stream (`<seed>:<run>:<event>`), only when the spec lists it,
so adding them changed no seeded world's other draws.
"""

from __future__ import annotations

import contextlib
import random
import select
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.world import faults as kinds

HOLD_POLL_SECONDS = 0.05  # how often a held connection looks whether its client hung up
RENAME, REMOVE = "rename", "remove"


@dataclass(frozen=True)
class Turns:
    """What red team 12's events do in one run."""

    blackholed: frozenset[int] = frozenset()  # sites that accept connections and never answer
    clock_shift: int = 0  # seconds the machine's clock is ahead (negative: behind) during the run
    clock_for_good: bool = False  # the clock stays so after the run (else it is set right again)
    kill_after_seconds: float | None = None  # SIGKILL of the run's process group this long after its start
    config_change: tuple[str, int] | None = None  # (RENAME or REMOVE, feed) before the run


def draw_turns(seed: int, run: int, events: tuple[str, ...], rate: float, sites: int, feeds: int) -> Turns:
    def drawn(event: str) -> random.Random | None:
        rng = random.Random(f"{seed}:{run}:{event}")
        return rng if event in events and rng.random() < rate else None

    blackholed: frozenset[int] = frozenset()
    if rng := drawn(kinds.BLACKHOLE):
        blackholed = frozenset(rng.sample(range(sites), rng.randint(min(2, sites), sites)))
    shift, for_good = 0, False
    if run > 0 and (rng := drawn(kinds.CLOCK)):
        shift, for_good = rng.choice(kinds.CLOCK_JUMPS), rng.random() < 0.5
    kill_after = rng.uniform(*kinds.KILL_TIMED_WINDOW) if (rng := drawn(kinds.KILL_TIMED)) else None
    change = None
    if run > 0 and (rng := drawn(kinds.RENAME)):
        change = (rng.choice((RENAME, REMOVE)), rng.randrange(feeds))
    return Turns(blackholed, shift, for_good, kill_after, change)


@dataclass
class FeedNames:
    """The name each feed has in the config, run by run; None while it is removed.

    A feed's URL is its identity (docs/polling.md, "A feed renamed or removed"): what the world
    delivered under a feed's old name is owed under its new one, so `rename` returns the
    (old, new) pairs a run's config change makes, for the ledger to follow."""

    seed: int
    names: dict[int, str | None] = field(default_factory=dict)
    last_names: dict[int, str] = field(default_factory=dict)  # the name a removed feed had

    def name(self, feed: int) -> str | None:
        return self.names.get(feed, f"feed-{feed}")

    def last_name(self, feed: int) -> str:
        return self.name(feed) or self.last_names[feed]

    def begin_run(self, run: int, change: tuple[str, int] | None) -> dict[str, str]:
        """Apply the run's config change; a feed removed by the last run comes back now. Old -> new names."""
        moved: dict[str, str] = {}
        for feed, current in list(self.names.items()):
            if current is None:  # back, under its old name or a new one
                rng = random.Random(f"{self.seed}:{run}:return:{feed}")
                name = self.last_names[feed] if rng.random() < 0.5 else f"feed-{feed}-back{run}"
                self.names[feed] = name
                if name != self.last_names[feed]:
                    moved[self.last_names[feed]] = name
        if change is not None:
            action, feed = change
            current = self.name(feed)
            if current is not None and action == RENAME:
                self.names[feed] = f"feed-{feed}-r{run}"
                # back under a new name, and renamed at once: the name it had in the warehouse is the one moved
                before = next((old for old, new in moved.items() if new == current), current)
                moved[before] = f"feed-{feed}-r{run}"
            elif current is not None and action == REMOVE and current not in moved.values():
                self.last_names[feed], self.names[feed] = current, None
        return moved


def hold_silently(handler: BaseHTTPRequestHandler, released: threading.Event) -> None:
    """Keep the connection open and send nothing, until the client hangs up or `released` is set:
    a blackholed network, as a firewall that accepts and drops, or a proxy that hangs."""
    handler.close_connection = True
    connection: socket.socket = handler.connection
    while not released.wait(HOLD_POLL_SECONDS):
        with contextlib.suppress(OSError, ValueError):
            readable, _, _ = select.select([connection], [], [], 0)
            if readable and not connection.recv(1, socket.MSG_PEEK):
                return  # the client gave up
            continue
        return
