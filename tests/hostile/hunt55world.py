"""Hunt 55: hunt 49/50's stopped run (`hunt49world`) while the world's article server stalls.

Hunt 49's server answered every article at once: the stop never met a fetch in flight that the server held. Here,
from a stream of its own (`hunt55:<seed>`, so hunt 49/50's seeds draw their examples as before), an example may
stall the server's article answers while the stopped run lives (the follow-up is answered at once):

- `hang`: the request is read and never answered (a host whose backend is stuck behind its proxy);
- `drip`: the headers and the length come at once, the body a byte every `DRIP_EVERY_S` (a host under load, a
  slowloris-shaped answer): the fetch's whole-request deadline, not a read timeout, has to end it;

either the n-th article request only (`one`) or every one from the n-th on (`rest`). A stop at an article's fetch
(`point` `fetch`) draws its stall at or before that request, so the signal lands while fetches are held.
The invariants are hunt 49/50's, unchanged: the stopped run ends within its bound with its one line, nothing is lost
or stored twice after the follow-up, the rows count what carries their ids, no half load or poll.
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.hostile import hunt49world, prefect56world

STALLS = ("hang", "drip")
SCOPES = ("one", "rest")
DRIP_EVERY_S = 0.25
HELD_AT_MOST_S = 120.0  # past any run's bound: the stopped run's end, or the server's close, lets go first


@dataclass(frozen=True)
class Example:
    stop: hunt49world.Example
    stall: str  # none | hang | drip
    scope: str  # one | rest
    start: int  # the n-th article request is the first stalled

    def describe(self) -> str:
        return json.dumps({"stop": dataclasses.asdict(self.stop), "stall": self.stall, "scope": self.scope,
                           "start": self.start})


def draw(seed: str, flow: bool = False) -> Example:
    stop = hunt49world.draw(seed, flow=flow, hunt50=True)
    rng = random.Random(f"hunt55:{seed}")
    stall, scope = rng.choice(("none", *STALLS, *STALLS)), rng.choice(SCOPES)
    most = stop.at if stop.point == "fetch" else sum(stop.feeds)
    return Example(stop, stall, scope, rng.randint(1, max(1, most)))


@dataclass(frozen=True)
class WithApi:
    """Prefect 56's example (its stop, and the API's fault) with the stall drawn for the same seed."""

    api: prefect56world.Example
    stalled: Example

    def describe(self) -> str:
        return json.dumps({"api": json.loads(self.api.describe()), "stall": self.stalled.stall,
                           "scope": self.stalled.scope, "start": self.stalled.start})


def draw_with_api(seed: str) -> WithApi:
    api = prefect56world.draw(seed)
    return WithApi(api, dataclasses.replace(draw(seed, flow=True), stop=api.stop))


def meets_a_stall(example: Example) -> bool:
    """Whether the stopped run fetches articles with a stall drawn: a reader from the start spools the run's polls
    (no entry to fetch yet), and a stop at the poll's commit or at the engine's Running write (Prefect 56's
    `running`) comes before any article."""
    return example.stall != "none" and example.stop.reader != "start" and example.stop.point not in \
        (*hunt49world.POLL_POINTS, "running")


def seeds_that_stall(base: str, count: int, api: bool = False) -> list[str]:
    """The first `count` seeds `<base>:<n>` whose example meets a stall (the hunt's own examples; each replays);
    `api`: Prefect 56's examples with a stall (`draw_with_api`)."""
    seeds = (f"{base}:{n}" for n in range(100 * count + 100))
    return [seed for seed in seeds if meets_a_stall(draw_with_api(seed).stalled if api else draw(seed))][:count]


class Stall:
    """The drawn stall, for `hunt49world.serve`'s article answers; `end()` lets every held answer go."""

    def __init__(self, example: Example) -> None:
        self.example = example
        self.over = threading.Event()
        self.held = 0  # answers held (the example's own summary: did the stall come?)
        self.signalled_at: float | None = None  # a stop at an article's fetch: when the server sent it
        self.ended_at: float | None = None  # when the stopped run was seen ended (the follow-up not begun)

    def end(self) -> None:
        if self.ended_at is None:
            self.ended_at = time.monotonic()
        self.over.set()

    def stop_to_end_s(self) -> float | None:
        """Seconds from a stop the server sent (point `fetch`) to the stopped run seen ended: what a held fetch cost
        the stop (the hunt's summary; the bound is hunt 49's)."""
        if self.signalled_at is None or self.ended_at is None:
            return None
        return round(self.ended_at - self.signalled_at, 1)

    def answer(self, handler: BaseHTTPRequestHandler, body: bytes, nth: int, child: list[int]) -> bool:
        """Hold the n-th answer as drawn while the stopped run lives (`child`: its pid, cleared once it has ended);
        False: answer it as usual."""
        example = self.example
        if example.stop.point == "fetch" and nth == example.stop.at and child:
            self.signalled_at = time.monotonic()  # `serve` has just sent the stop
        if example.stall == "none" or not child or self.over.is_set() or nth < example.start \
                or (example.scope == "one" and nth != example.start):
            return False
        self.held += 1
        handler.close_connection = True
        if example.stall == "hang":
            self._wait(child)
        else:
            self._drip(handler, body, child)
        return True

    def _wait(self, child: list[int]) -> None:
        deadline = time.monotonic() + HELD_AT_MOST_S
        while child and not self.over.wait(0.1) and time.monotonic() < deadline:
            pass

    def _drip(self, handler: BaseHTTPRequestHandler, body: bytes, child: list[int]) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for at in range(len(body)):
                handler.wfile.write(body[at:at + 1])
                handler.wfile.flush()
                if not child or self.over.wait(DRIP_EVERY_S):
                    return  # the stopped run has ended: the rest of the body never comes (the client is gone)
        except OSError:
            return  # the client gave up on it: its deadline, or its stop
