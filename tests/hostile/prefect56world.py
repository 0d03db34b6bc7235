"""Prefect 56: a `newsflow run` flow run stopped at a drawn point while its Prefect API fails at a drawn call.

`draw` takes hunt 49/50's example (`hunt49world.draw(seed, flow=True, hunt50=True)`: SIGTERM, SIGINT, a stop asked
again, SIGKILL, a cancel from Prefect; at the poll's commit, an article's fetch, a batch's load, the run's row) and,
from a stream of its own, moves the stop to the engine's Running write (`running`, before the flow's first line:
"before start") in 1 of 4, and puts a fault on the n-th call to the Prefect API (`tests/hostile/apiproxy.py` in
front of the session's server, which is never stopped itself): one 500, one connection cut, or the API gone for good
from that call (every connection cut and refused, as a killed server). `run_example` runs it as a real process
(`tests/hostile/hunt49_child.py --flow` through the proxy), then a clean follow-up run on the real API, and returns
every invariant broken: hunt 49's (the process ends within its bound, one `newsflow:` line, exit 0/3/130, killed;
4 too here when the API failed; no noise; every item stored exactly once; the rows count what carries their ids; no
half load or poll) and Prefect's: after the follow-up, the stopped run's flow run is final, and agrees with its
`runs` row (`STATE_FOR_ROW`).
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from tests.hostile import hunt49world
from tests.hostile.apiproxy import ApiProxy
from tests.world.invariants import query

FAULTS = ("none", "500", "cut", "gone")
API_CALLS = re.compile(rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)")  # every call but the liveness probe
FLOW_RUN_IN = re.compile(rb"/api/flow_runs/([0-9a-f-]{36})/")
FINAL = {"COMPLETED", "CANCELLED", "CRASHED", "FAILED"}
# What a run whose API went away may take on top of hunt 49's bound: Prefect's client retries each call for about a
# minute before the run ends, exit 4 (flows/leaving.py `leave_without_prefect`; red team 7, Prefect 54).
API_GONE_S = 90.0
# The flow run's final state each `runs` row may stand beside once the follow-up swept (None: no row). A row left
# `running` is marked abandoned by the follow-up: the run was killed (Crashed by the sweep) or its row refused
# (its stop still Cancelled). Exit 4 (the API failed) may leave a completed or cancelled row whose flow run the
# engine could not end: the sweep marks it Crashed (Prefect 54's "Left"); exit 3 (the warehouse refused a write) may
# leave an `abandoned` or `failed` row's flow run Failed (hunt 55's seed 5505:5, `states_beside_row`).
STATE_FOR_ROW: dict[str | None, set[str]] = {
    "completed": {"COMPLETED"}, "cancelled": {"CANCELLED"}, "abandoned": {"CRASHED", "CANCELLED"},
    None: {"CANCELLED", "CRASHED"},
}


@dataclass(frozen=True)
class Example:
    stop: hunt49world.Example
    fault: str  # none | 500 | cut | gone
    call: int  # the n-th call to the API (liveness probes aside) is the one that fails

    def describe(self) -> str:
        return json.dumps({"stop": dataclasses.asdict(self.stop), "fault": self.fault, "call": self.call})


def draw(seed: str) -> Example:
    stop = hunt49world.draw(seed, flow=True, hunt50=True)
    rng = random.Random(f"prefect56:{seed}")
    if rng.random() < 0.25:
        how = stop.signal if stop.signal != "CANCEL" else rng.choice(("SIGTERM", "SIGINT"))
        disk = stop.disk if stop.disk in ("none", "row") else "stop"  # no hook of the child's fills it at `running`
        if how == "SIGKILL" and disk == "stop":
            disk = "none"
        stop = dataclasses.replace(stop, point="running", at=1, signal=how, release="landed", disk=disk,
                                   reader=stop.reader if stop.reader != "point_rw" else "point")
    return Example(stop, rng.choice(FAULTS), rng.randint(1, 40))


def fail_the_api(proxy: ApiProxy, example: Example) -> threading.Thread | None:
    """The drawn fault from the drawn call on: one 500 or one cut (healed as it is made), or the API gone."""
    if example.fault == "none":
        return None
    proxy.fail(API_CALLS.pattern, 500 if example.fault == "500" else None, spare=example.call - 1)

    def after_the_first() -> None:
        proxy.faults.first_failed.wait()
        proxy.close() if example.fault == "gone" else proxy.heal()

    watcher = threading.Thread(target=after_the_first, daemon=True)
    watcher.start()
    return watcher


def flow_run_of(proxy: ApiProxy, outcome: hunt49world.Outcome) -> str | None:
    """The stopped run's flow run: noted at its Running write, or the first flow run it addressed through the API."""
    for note in outcome.notes:
        if "flow_run" in note:
            return str(note["flow_run"])
    with proxy.faults.lock:
        seen = list(proxy.faults.seen)
    for line in seen:
        if found := FLOW_RUN_IN.search(line):
            return found.group(1).decode()
    return None


def flow_run_said(api_url: str, flow_run: str | None, warehouse: Path, outcome: hunt49world.Outcome) -> list[str]:
    """After the follow-up: the stopped run's flow run is final and agrees with its row."""
    if flow_run is None:
        return []  # the API failed before the run's flow run was created (or nothing addressed it)
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        history = sorted(client.read_flow_run_states(UUID(flow_run)), key=lambda state: state.timestamp)
    states = [state.type.value for state in history]
    if not states or states[-1] not in FINAL:
        return [f"flow run {flow_run} left {states}"]
    rows = query(warehouse, f"SELECT status FROM runs WHERE run_id = '{flow_run}'") if warehouse.exists() else []
    return states_beside_row(states, str(rows[0][0]) if rows else None, outcome.code)


def states_beside_row(states: list[str], row: str | None, code: int | None) -> list[str]:
    """A final flow run's states against its row (`STATE_FOR_ROW`) and the stopped run's exit."""
    allowed = STATE_FOR_ROW.get(row, set())
    if code == 4 and row in ("completed", "cancelled", "abandoned"):
        allowed = allowed | {"CRASHED"}
    if code == 3 and row in ("abandoned", "failed"):
        # Exit 3: the warehouse refused a write the run needed (its row: hunt 55's seed 5505:5, a SIGTERM at the row
        # of a completed run, dropped there as documented, the disk full as it landed): the run failed, in Prefect too
        allowed = allowed | {"FAILED"}
    if states[-1] not in allowed:
        return [f"flow run {states} beside its row {row!r} (exit {code})"]
    if "CRASHED" in states and code == 130:
        return [f"a stop that said its one line ended Crashed in Prefect: {states}"]
    return []


def left_by_its_exit(api_url: str, flow_run: str | None, example: Example, outcome: hunt49world.Outcome) -> list[str]:
    """Before the follow-up (Prefect 58): a run that said its line (exit 4 or 130) behind a fault the API healed at
    once (one 500, one cut) left no flow run of its own Pending or Running: its process ended it (exit 4's look,
    the stop's), since its API answered again in time. Not for an API gone: nothing could be written then."""
    if flow_run is None or example.fault not in ("500", "cut") or outcome.code not in (4, 130):
        return []
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run)).state
    kind = state.type.value if state is not None else None
    return [f"exit {outcome.code} left its flow run {flow_run} {kind}"] if kind in ("PENDING", "RUNNING") else []


def one_line_said(outcome: hunt49world.Outcome) -> list[str]:
    """Exactly one `newsflow:` line (the UI's address aside) for an exit that is not 0, none for 0 or a SIGKILL."""
    said = [line for line in outcome.stderr.splitlines()
            if line.startswith("newsflow: ") and not line.startswith("newsflow: Prefect UI at")]
    quiet = outcome.code in (0, None, -signal.SIGKILL)
    if len(said) != (0 if quiet else 1):
        return [f"{len(said)} `newsflow:` lines for exit {outcome.code}: {said}"]
    return []


def run_example(tmp_path: Path, example: Example, api_url: str, env: dict[str, str], workers: int = 1,
                stall: hunt49world.Stall | None = None) -> tuple[list[str], hunt49world.Outcome]:
    """`stall`: the server's held article answers while the stopped run lives (hunt 55)."""
    proxy = ApiProxy(int(urlsplit(api_url).port or 0))
    fail_the_api(proxy, example)
    through = env | {"PREFECT_API_URL": f"http://127.0.0.1:{proxy.port}/api"}
    bound = hunt49world.RUN_BOUND_S + (API_GONE_S if example.fault in ("cut", "gone") else 0.0)
    try:  # `bound`: the stopped run's, and the follow-up's
        found, outcome = hunt49world.run_example(tmp_path, example.stop, through, workers, follow_up_env=env,
                                                 flow_follow_up=True, bound_s=bound, stall=stall)
    finally:
        proxy.faults.first_failed.set()
        proxy.close()
    if example.fault != "none" and outcome.code == 4:
        found = [said for said in found if said != "exit 4"]  # documented: the API failed (one line, still checked)
    found += one_line_said(outcome)
    found += flow_run_said(api_url, flow_run_of(proxy, outcome), tmp_path / "warehouse" / "news.duckdb", outcome)
    return found, outcome


def describe_all(examples: list[Example]) -> dict[str, Any]:
    """How often each kind came (for the hunt's own test: every stop, point and fault is drawn)."""
    return {"points": sorted({e.stop.point for e in examples}), "signals": sorted({e.stop.signal for e in examples}),
            "faults": sorted({e.fault for e in examples}), "again": any(e.stop.again for e in examples)}
