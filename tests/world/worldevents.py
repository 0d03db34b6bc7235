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
from tests.world.beside import Companion

HOLD_POLL_SECONDS = 0.05  # how often a held connection looks whether its client hung up
RENAME, REMOVE = "rename", "remove"
MOVED_WAREHOUSE = "moved_warehouse"  # world16's event (holders.relocate), drawn only when listed
COPY, MOVE = "copy", "move"
CATCH_ALL = "catch_all"  # world15's event, drawn only when listed, from its own stream like red team 12's
MIN_CATCH_ALL_SITES = 3
CATCH_ALL_PAGE = (b"<!doctype html><html><head><title>Account suspended</title></head><body><h1>This account "
                  b"has been suspended</h1><p>The site you are looking for is not available. If you are the "
                  b"owner of this site, please contact billing to restore the service. Our support team is "
                  b"available around the clock to help you with any questions about your hosting plan.</p>"
                  b"</body></html>")


@dataclass(frozen=True)
class Turns:
    """What red team 12's events do in one run."""

    blackholed: frozenset[int] = frozenset()  # sites that accept connections and never answer
    clock_shift: int = 0  # seconds the machine's clock is ahead (negative: behind) during the run
    clock_for_good: bool = False  # the clock stays so after the run (else it is set right again)
    kill_after_seconds: float | None = None  # SIGKILL of the run's process group this long after its start
    config_change: tuple[str, int] | None = None  # (RENAME or REMOVE, feed) before the run
    # world15: the world's server is a catch-all for the run: every article URL of every site, and any name
    # it does not serve (the catch-all probe's), answers one "account suspended" page (CATCH_ALL_PAGE)
    catch_all: bool = False
    # world16: before the run the warehouse's folder is copied (or moved) to a new path, which the config names
    warehouse_moved: str | None = None  # COPY or MOVE


def draw_turns(seed: int, run: int, events: tuple[str, ...], rate: float, sites: int, feeds: int,
               domains: int = 1) -> Turns:
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
    # three sites of their own at least (`domains`): fewer, or subdomains of one, serving one page for every
    # article cannot be told from one site's articles sharing one text, which are stored (docs/security.md)
    catch_all = domains >= MIN_CATCH_ALL_SITES and drawn(CATCH_ALL) is not None
    moved = rng.choice((COPY, MOVE)) if run > 0 and (rng := drawn(MOVED_WAREHOUSE)) else None
    return Turns(blackholed, shift, for_good, kill_after, change, catch_all, moved)


@dataclass(frozen=True)
class RunEvents:
    """Run-level events: a machine outage, a reader holding the warehouse, a SIGKILL."""

    outage: bool = False
    portal: bool = False  # every name answers kinds.PORTAL_ADDRESS (refused by the address policy)
    reader: str | None = None  # "read_only" or "read_write"
    reader_after_requests: int = 0  # 0: open before the run starts; n: once the server saw n requests
    kill_after_requests: int | None = None
    sigterm_after_requests: int | None = None  # SIGTERM to the run's process once the server saw n requests
    signals: tuple[str, ...] = ("SIGTERM",)  # sent then, 0.3 s apart (kinds.SIGNAL_SEQUENCES)
    turns: Turns = field(default_factory=Turns)  # red team 12's and world15's events (above)
    beside: tuple[Companion, ...] = ()  # world16's: a second run, a user's command (beside.py)


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
