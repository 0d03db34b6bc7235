"""Hunt 48: a run by hand cancelled through Prefect's API, or SIGKILLed, inside its warehouse load.

The service is stopped first (SIGTERM, exit 0), so the run by hand takes the run lock and reaches its load, where
`servedsite`'s hook holds it until the act is done; then the service is started again. Promised
(docs/scheduling.md, "Cancel in Prefect's UI or API"): a cancel stops the run as SIGTERM does, exit 130 with
`newsflow: cancelled from Prefect (flow run …)`, its `runs` row `cancelled`; a kill leaves its row for the next
run's sweep and nothing half-loaded (judged at the end, as every kill). Whether the batch held in its load was
committed or rolled back is counted in `notes` (both leave no half-loaded rows).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from typing import TYPE_CHECKING

from tests.world import invariants, prefectevents, servedsite
from tests.world.invariants import Violation
from tests.world.servedacts import HAND_KILL, ServedAct

if TYPE_CHECKING:
    from tests.world.serveddriver import ServedHunt

HAND_BOUND_S = 150.0


def hand_in_load(hunt: ServedHunt, turn: int, act: ServedAct) -> None:
    hunt.stop_serve(turn, signal.SIGTERM, expect=0)
    name = f"hand-{turn}"
    proc = hunt.hand_run(name)
    try:
        if not hunt._hand_at_load(proc):
            hunt.not_reached[act.kind] += 1
            hunt._hand_judge(turn, proc, name)
            return
        hunt.done[act.kind] += 1
        hunt.acts[turn] = act.kind
        if act.kind == HAND_KILL:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            hunt.acted(0)
        else:
            _cancel(hunt, turn, proc, name)
        hunt.count_landing(act)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        hunt.start_serve()


def _cancel(hunt: ServedHunt, turn: int, proc: subprocess.Popen[bytes], name: str) -> None:
    flow_run = None
    while flow_run is None and proc.poll() is None:  # its flow run is Running: it is in its load
        flow_run = asyncio.run(prefectevents._own_flow_run(hunt.api_url, hunt.config_path, proc.pid))
    if flow_run is None:
        hunt.acted(0)
        hunt.violations.append(Violation(turn, "hunt_harness", f"{name}: no Running flow run of its own found"))
        return
    refused = asyncio.run(prefectevents._cancel(hunt.api_url, flow_run))
    hunt.acted(servedsite.SIGNAL_WAIT_S if not refused else 0)
    code = proc.wait(timeout=HAND_BOUND_S)
    err = (hunt.workdir / f"{name}.err").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    last = err[-1] if err else ""
    if refused:
        hunt.notes["hand_cancel_refused"] += 1
    elif why := prefectevents.cancel_exit_is_wrong(code, last):
        hunt.violations.append(Violation(turn, "hand_cancel_exit", f"{name}: {why}"))
    rows = invariants.query(hunt.warehouse_path, "SELECT status FROM runs WHERE run_id = $r", {"r": str(flow_run)})
    if code == prefectevents.EXIT_INTERRUPTED and rows != [("cancelled",)]:
        hunt.violations.append(Violation(turn, "hand_cancel_recorded", f"{name}: runs row {rows}"))
    hunt.notes[held_batch_fate(hunt, str(flow_run))] += 1


def held_batch_fate(hunt: ServedHunt, run_id: str) -> str:
    """Whether the held batch was committed: its own fetch events are in the warehouse under the run's id (its
    articles are no sign: a batch whose attempts all failed or were deferred stores none)."""
    urls = servedsite.held_batch_urls(hunt.hook_dir)
    if not urls:
        return "held_batch_unknown"
    found = invariants.query(hunt.warehouse_path, "SELECT count(*) FROM fetch_events WHERE run_id = $r AND "
                             "kind = 'article' AND list_contains($u, url)", {"r": run_id, "u": urls})[0][0]
    return "held_batch_committed" if found else "held_batch_rolled_back"
