"""Hunt 47's Prefect events: what Prefect does to a world's flow run (tests/world/README.md, "Hunt 47's kinds").

Each run of a world whose runs are flow runs (`FlowWorldDriver`, given the Prefect API of a local server this
process can stop) may meet one, drawn from its own random stream (`<seed>:<run>:hunt47`), so no seeded world's
draws change:

- `cancel`: the run's flow run is set Cancelling through Prefect's API (what the UI's Cancel does) at the world
  server's n-th request of the run (mid-fetch) or 0.5-8 s into it (anywhere: start-up, polls, a load). Promised
  (docs/scheduling.md, "Cancel in Prefect's UI or API"): exit 130 with one line, `newsflow: cancelled from Prefect
  (flow run …)`, within seconds, its `runs` row `cancelled`, its flow run Cancelled; or exit 0 when the run had
  ended, its flow run then not left Cancelling.
- `api_silent`: the Prefect server (its whole process group) SIGSTOPped at such a point for 1-20 s, then
  SIGCONT: an API that accepts and answers nothing, then answers again.
- `api_restart`: the Prefect server SIGKILLed at such a point and started again (the same home, port and
  database, `flows.localserver.ensure_prefect_api`) 1-10 s later: a server that crashed and came back.

For the two API events the run ends 0, or 4 with one line naming the Prefect API (flows/cli.py,
`leave_without_prefect`), within its budget + `extract.timeout` + the hung-API grace (the bound of a run behind a
silent API); what it committed stays and the rest is owed by the next run (items delivered to a run that exited 4
are "unconfirmed", as for a killed run). The next run's sweep marks its flow run Crashed (`no_prefect_zombie`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from tests.world import invariants
from tests.world.invariants import Violation

CANCEL = "cancel"
API_SILENT = "api_silent"
API_RESTART = "api_restart"
PREFECT_EVENTS = (CANCEL, API_SILENT, API_RESTART)
API_EVENTS = (API_SILENT, API_RESTART)
EXIT_INTERRUPTED, EXIT_PREFECT = 130, 4  # README, exit codes
CANCEL_WATCH_EVERY = 2.0  # flows/cancelwatch.py asks the API this often
CANCELLED_LINE = "cancelled from Prefect (flow run "  # flows/cli.py `interrupted`: what a cancelled run says
INTERRUPTED_AT_THE_END = "interrupted as the run ended"  # the cancel came as it ended: recorded completed
CANCEL_GRACE = 10.0 + 2 * CANCEL_WATCH_EVERY  # a cancel noticed stops the run as SIGTERM does (SIGTERM_GRACE)


@dataclass(frozen=True)
class PrefectEvent:
    kind: str
    after_requests: int | None  # at the world server's n-th request of the run, or
    after_seconds: float  # this long into the run (when after_requests is None)
    hold_seconds: float  # api_silent: stopped this long; api_restart: down this long before the restart


@dataclass
class Act:
    """What the hunt did to a run: when (seconds into it), and to which flow run."""

    event: PrefectEvent
    sent_after: float | None = None
    flow_run_id: UUID | None = None
    refused: str = ""  # the API refused the cancel (the run had ended)
    api_url: str = ""  # the API the run was using when the event came (a restart may move it to another port)


def draw(seed: int, run: int, kinds: tuple[str, ...], rate: float, expected_requests: int) -> PrefectEvent | None:
    rng = random.Random(f"{seed}:{run}:hunt47")
    if not kinds or rng.random() >= rate:
        return None
    kind = rng.choice(kinds)
    after_requests = rng.choice((None, rng.randint(1, max(1, expected_requests))))
    hold = rng.uniform(1.0, 20.0) if kind == API_SILENT else rng.uniform(1.0, 10.0)
    return PrefectEvent(kind, after_requests, round(rng.uniform(0.5, 8.0), 1), round(hold, 1))


def server_pid() -> int | None:
    """The session's local Prefect server (flows/localserver.py writes Prefect's own pid file)."""
    from flows.localserver import PID_FILE

    with contextlib.suppress(OSError, ValueError):
        return int((Path(os.environ["PREFECT_HOME"]) / PID_FILE).read_text())
    return None


def current_api_url(default: str) -> str:
    """The local server's URL now (newsflow-server.json): a server an earlier world restarted may have moved."""
    from flows.localserver import STATE_FILE

    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return str(json.loads((Path(os.environ["PREFECT_HOME"]) / STATE_FILE).read_text())["api_url"])
    return default


def restart_server() -> str:
    """Start the local server again as the next `newsflow run` would (same home and database; its port, which
    only the killed server's closed connections hold, else another if something listens there: flows/localserver.py
    `pick_port`); its URL."""
    from flows.localserver import ensure_prefect_api

    configured = os.environ.pop("PREFECT_API_URL", None)
    try:
        url = ensure_prefect_api().url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        if configured is not None:
            os.environ["PREFECT_API_URL"] = configured
    return url


async def _own_flow_run(api_url: str, config_path: Path, pid: int) -> UUID | None:
    """The Running `ingest` flow run this process (`pid`) records as its own (flows/zombies.py)."""
    from tests.world.prefectcheck import running_ingest_runs

    for run in await running_ingest_runs(api_url, config_path):
        if (run.infrastructure_pid or "").split(" ")[0].endswith(f":{pid}"):
            return run.id
    return None


async def _cancel(api_url: str, flow_run_id: UUID) -> str:
    """Cancelling, as Prefect's UI asks it (not forced: a run that has ended refuses it). '' when accepted."""
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas import OrchestrationResult
    from prefect.states import Cancelling

    async with PrefectClient(api=api_url) as client:
        result: OrchestrationResult[Any] = await client.set_flow_run_state(
            flow_run_id, Cancelling(message="hunt 47: cancelled mid-run"))
    return "" if result.status.value == "ACCEPT" else f"{result.status.value}: {result.details}"


async def flow_run_state(api_url: str, flow_run_id: UUID) -> str:
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api=api_url) as client:
        run = await client.read_flow_run(flow_run_id)
    return run.state.type.value if run.state else "NONE"


class Actor:
    """Does a run's Prefect event from a thread, at its point; `finish` leaves the server answering."""

    def __init__(self, act: Act, api_url: str, config_path: Path, wait_requests: object) -> None:
        self.act, self.api_url, self.config_path = act, api_url, config_path
        self.wait_requests = wait_requests  # World.wait_requests
        self.over = threading.Event()
        self.error: BaseException | None = None
        self._stopped_group: int | None = None
        self._killed = False

    def start(self, pid: int, started: float) -> None:
        self._thread = threading.Thread(target=self._run, args=(pid, started), daemon=True)
        self._thread.start()

    def end(self) -> None:
        """The run has ended: a hold still going ends now (the server answers again before the next run)."""
        self.over.set()

    def join(self) -> None:
        self.over.set()
        self._thread.join(timeout=180)
        self._resume()

    def _due(self, started: float) -> bool:
        event = self.act.event
        if event.after_requests is not None:
            return bool(self.wait_requests(event.after_requests, 0.05))  # type: ignore[operator]
        return time.monotonic() - started >= event.after_seconds

    def _run(self, pid: int, started: float) -> None:
        try:
            while not self.over.is_set() and not self._due(started):
                self.over.wait(0.05)
            if self.over.is_set():
                return
            if self.act.event.kind == CANCEL:
                self._cancel_when_running(pid, started)
            else:
                self._take_the_api_away(started)
        except BaseException as exc:  # reported as the hunt's own failure after the run
            self.error = exc

    def _cancel_when_running(self, pid: int, started: float) -> None:
        while not self.over.is_set():  # the flow run exists once the engine has started (seconds under load)
            flow_run_id = asyncio.run(_own_flow_run(self.api_url, self.config_path, pid))
            if flow_run_id is not None:
                self.act.flow_run_id = flow_run_id
                self.act.refused = asyncio.run(_cancel(self.api_url, flow_run_id))
                self.act.sent_after = time.monotonic() - started
                return
            self.over.wait(0.2)

    def _take_the_api_away(self, started: float) -> None:
        group = server_pid()
        if group is None:
            raise RuntimeError("no local Prefect server pid to stop")
        kind, hold = self.act.event.kind, self.act.event.hold_seconds
        self._stopped_group, self._killed = (group, False) if kind == API_SILENT else (None, True)
        os.killpg(group, signal.SIGSTOP if kind == API_SILENT else signal.SIGKILL)
        self.act.sent_after, self.act.api_url = time.monotonic() - started, self.api_url
        self.over.wait(hold)
        self._resume()

    def _resume(self) -> None:
        if self._stopped_group is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._stopped_group, signal.SIGCONT)
            self._stopped_group = None
        if self._killed:
            self._killed = False
            self.api_url = restart_server()


def api_exit_checks(run: int, exit_code: int | None, last_line: str, api_url: str) -> list[Violation]:
    """A run whose Prefect API went away ends 0, or 4 in one line naming the API."""
    if exit_code == 0 or (exit_code == EXIT_PREFECT and last_line.startswith("newsflow:") and api_url in last_line):
        return []
    return [Violation(run, "api_lost_is_one_line", f"exit {exit_code}: {last_line[:300]}")]


def cancel_exit_is_wrong(exit_code: int | None, last_line: str) -> str:
    """'' when a cancelled run ended as flows/cli.py `interrupted` promises: 0 (it had ended), 130 naming the
    cancel, or 130 `interrupted as the run ended` (its `runs` row completed); else what it did. Review of hunt 47:
    any line with `interrupted` passed, so a cancel said as a plain Ctrl-C (`interrupted; …`) was judged right."""
    if exit_code == 0 or (exit_code == EXIT_INTERRUPTED and last_line.startswith(
            (f"newsflow: {CANCELLED_LINE}", f"newsflow: {INTERRUPTED_AT_THE_END}"))):
        return ""
    return f"exit {exit_code}: {last_line[:300]}"


def cancel_checks(run: int, act: Act, exit_code: int | None, elapsed: float, last_line: str, api_url: str,
                  warehouse: Path | None) -> list[Violation]:
    """docs/scheduling.md, "Cancel in Prefect's UI or API": exit 130 in one line (0 when the run had ended),
    promptly; `runs` says `cancelled` (`warehouse` None: not judged, a reader or a second run wrote it); and the
    flow run is not left Cancelling or Running."""
    found = []
    assert act.sent_after is not None and act.flow_run_id is not None
    if elapsed - act.sent_after > CANCEL_GRACE:
        found.append(Violation(run, "cancel_stops_promptly", f"ended {elapsed - act.sent_after:.1f} s after the "
                                                             f"cancel (at most {CANCEL_GRACE:.0f} s)"))
    if wrong := cancel_exit_is_wrong(exit_code, last_line):
        found.append(Violation(run, "cancel_exits_130", wrong))
    elif exit_code == EXIT_INTERRUPTED and CANCELLED_LINE in last_line and warehouse is not None:
        found += [Violation(run, "cancel_recorded_cancelled", v.detail)
                  for v in invariants.last_run_cancelled(warehouse, run)]
    state = asyncio.run(flow_run_state(api_url, act.flow_run_id))
    if state not in ("CANCELLED", "COMPLETED"):
        found.append(Violation(run, "cancel_leaves_no_cancelling", f"flow run {act.flow_run_id} is {state} after "
                                                                   f"its process exited {exit_code}"))
    return found
