"""Hunt 48's served events: what happens to a world's scheduled runs (`newsflow serve`) and beside them.

Drawn per turn from their own random stream (`<seed>:<turn>:hunt48`), so no seeded world's draws change. Each lands
at a point of a served run: inside its warehouse load (`servedsite`'s hook holds the load until the act is done, so
the act lands there by an event the run emits, not by time), or at the world server's n-th request of the turn.

- `hand_beside`: a `newsflow run` by hand (its own flow run) started while the served run is in flight. Promised
  (docs/scheduling.md, "Runs never overlap", guard 3): one writes; the hand run exits 0, or 3 in one line
  `newsflow: skipped: another newsflow run (pid …) is writing to …`.
- `hand_first`: a hand run started first; the schedule fires while it is in flight (every 2 s): each served run
  that meets the run lock ends Cancelled with `skipped: another newsflow run …` (its `runs` row `skipped`).
- `serve_kill` / `serve_term`: `newsflow serve` SIGKILLed / SIGTERMed at the point, then started again. Promised
  ("Stopping"): its run ends with it (SIGKILL: within seconds, servicewatch; SIGTERM: cancelled, exit 0).
- `server_kill`: the Prefect server SIGKILLed at the point: the service ends, 4 in one line naming the API, within
  `execution.api_patience_seconds` and its checks; the server and then the service are started again.
- `cancel`: the served flow run set Cancelling through the API (the UI's Cancel): the runner stops the run, its
  flow run ends Cancelled.
- `hold` (at a load only): the load held 8 s, past the 2 s interval, so the schedule fires while the run still runs:
  each run due then ends Cancelled (`Deployment concurrency limit reached.`, CANCEL_NEW) or waits; never two
  served runs at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

HAND_BESIDE, HAND_FIRST, SERVE_KILL, SERVE_TERM, SERVER_KILL, CANCEL, HOLD = (
    "hand_beside", "hand_first", "serve_kill", "serve_term", "server_kill", "cancel", "hold")
SERVED_EVENTS = (HAND_BESIDE, HAND_FIRST, SERVE_KILL, SERVE_TERM, SERVER_KILL, CANCEL, HOLD)
# A run by hand alone (the service stopped first, so that it takes the run lock), cancelled through the API (its
# cancel watch's SIGTERM) or SIGKILLed inside its load: drawn only when listed (NEWSFLOW_HUNT48_HAND=1).
HAND_CANCEL, HAND_KILL = "hand_cancel", "hand_kill"
HAND_LOAD_EVENTS = (HAND_CANCEL, HAND_KILL)
LANDING_KINDS = (SERVE_KILL, SERVE_TERM, SERVER_KILL, CANCEL, HAND_CANCEL, HAND_KILL)  # acts that stop a run
AT_LOAD = "load"
HOLD_S = 8.0  # a held load: four intervals of the hunt's 2 s schedule
# What a served run's flow run may end as, by its state's message (docs/scheduling.md).
CONCURRENCY_LIMIT = "Deployment concurrency limit reached"
SKIPPED = "skipped: another newsflow run"
# A run by hand that meets the run lock says one line naming the other run and the warehouse, exit 3: `skipped: …` from
# its flow, or `another newsflow run (pid …) is writing to …` from the command's check before its flow starts.
HELD = "another newsflow run (pid "


@dataclass(frozen=True)
class ServedAct:
    kind: str
    at: str | int  # AT_LOAD, or the world server's n-th request of the turn

    def describe(self) -> str:
        return f"{self.kind}@{self.at}"


def draw(seed: int, turn: int, kinds: tuple[str, ...], rate: float, expected_requests: int) -> ServedAct | None:
    """One act for the turn, or none (`rate`); `hold` is drawn at a load only; a hand run first has no point."""
    rng = random.Random(f"{seed}:{turn}:hunt48")
    if not kinds or rng.random() >= rate:
        return None
    kind = rng.choice(kinds)
    if kind in (HOLD, *HAND_LOAD_EVENTS):
        return ServedAct(kind, AT_LOAD)
    at: str | int = AT_LOAD if rng.random() < 0.5 else rng.randint(1, max(1, expected_requests))
    return ServedAct(kind, at)


def served_state_is_wrong(state: str, message: str, killed: bool) -> str:
    """Why a served flow run's final state breaks a promise ('' when it keeps them)."""
    if state == "COMPLETED":
        return ""
    if state == "CANCELLED":
        return ""  # CANCEL_NEW, a skipped run, a stop, a cancel: each said in its message, checked by its act
    if state == "CRASHED" and killed:
        return ""  # its service was SIGKILLed, or the server: the next sweep marks what nobody reports
    return f"ended {state}: {message[:200]!r}"
