"""Hunt 48: a world's scheduled runs, `newsflow serve` against the world, disturbed by servedacts' events.

`ServedHunt` starts `newsflow serve` on the world's config (a 2 s schedule, every feed due each run:
`polling.max_interval = 1`), with the world's DNS and the load hook reaching the runs its runner starts
(`servedsite.site_env`). A served run has no exit code nor JSON summary of its own: each turn's outcome is read from
Prefect's API (the deployment's flow runs and their states) and, once the service has stopped, from the `runs`
table. Each turn moves the world on (`World.begin_run`), waits for a served run to start, does the turn's act at its
point and judges it by what docs/scheduling.md promises; `finish` stops the service (SIGTERM: exit 0), runs one calm
`newsflow run` by hand (a flow run: its sweep marks what a killed service left Running Crashed) and checks the
world's invariants on the warehouse.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID

import psutil
from flows.deployments import deployment_name
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import FlowRun

from newsflow.config import load_config
from tests.hostile.subprocesses import REPO
from tests.world import handload, prefectcheck, prefectevents, runproc, servedacts, servedsite
from tests.world.invariants import Violation
from tests.world.servedacts import AT_LOAD, ServedAct
from tests.world.servedchecks import warehouse_checks
from tests.world.world import World
from tests.world.worldconfig import world_config

INTERVAL_S = 2
API_PATIENCE_S = 15  # execution.api_patience_seconds: a service whose server is gone says so after this
RUN_BOUND_S = 150.0  # a served run's start and end on a loaded 2-core machine (budget 20 s + Prefect's start-up)
STOP_BOUND_S = 60.0  # SIGTERM to `serve` exit: Prefect's cancel of its run (SIGTERM, SIGKILL 30 s later) and more
GONE_WITH_SERVICE_S = 20.0  # a run whose service was SIGKILLed ends within this (servicewatch; test_serve_killed)
EXIT_STOPPED_WHILE_SETTING_UP = 130  # "Stopped while it sets up": `newsflow: interrupted`, or 0 `stopped`
CRASHED_SETTLES_S = 45.0  # the runner marks a stopped run Cancelled after its process ends (SIGKILL 30 s later)
TERMINAL = {"COMPLETED", "CANCELLED", "CRASHED", "FAILED"}


def served_config(world: World, workdir: Path) -> Path:
    """The world's config with a 2 s schedule, every feed due each run, and a short API patience."""
    path = world_config(world, workdir)
    text = path.read_text(encoding="utf-8").replace(f"[schedule]\ninterval = {int(world.spec.budget)}\n",
                                                     f"[schedule]\ninterval = {INTERVAL_S}\n", 1)
    text = text.replace("[polling]\n", "[polling]\nmax_interval = 1\n", 1)
    text = text.replace("[execution]\n", f"[execution]\napi_patience_seconds = {API_PATIENCE_S}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


class ServedHunt:
    def __init__(self, world: World, workdir: Path, api_url: str, kinds: tuple[str, ...], rate: float,
                 prefect_env: dict[str, str] | None = None) -> None:
        self.world, self.workdir, self.kinds, self.rate = world, workdir, kinds, rate
        self.api_url = prefectevents.current_api_url(api_url)
        self.config_path = served_config(world, workdir)
        self.deployment = f"ingest/{deployment_name(load_config(self.config_path).path)}"
        self.dns_path, self.hook_dir = workdir / "dns.json", workdir / "hook"
        base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
        base |= prefect_env or {}  # a user's Prefect settings (task and flow retries), for every process
        self.env = servedsite.site_env(base, workdir / "site", REPO, self.dns_path, self.hook_dir)
        self.warehouse_path = workdir / "warehouse" / "news.duckdb"
        self.serve: subprocess.Popen[bytes] | None = None
        self.serve_logs: list[Path] = []
        self.violations: list[Violation] = []
        self.done: Counter[str] = Counter()  # acts done, by kind
        self.landed: Counter[str] = Counter()  # acts that landed inside a load (the hook says so)
        self.not_reached: Counter[str] = Counter()
        self.handled: set[UUID] = set()
        self.crashed_first: set[UUID] = set()  # flow runs seen Crashed before their final state
        self.killed: set[UUID] = set()  # flow runs whose service or server was killed under them: Crashed allowed
        self.exits: list[int | None] = []
        self.most_running = 0
        self.acts: dict[int, str] = {}  # turn -> the act done in it
        self.notes: Counter[str] = Counter()  # what was seen and is no violation (handload: a stopped batch's fate)

    # --- processes -------------------------------------------------------------------------------

    def start_serve(self) -> None:
        log = self.workdir / f"serve-{len(self.serve_logs)}.log"
        self.serve_logs.append(log)
        with log.open("wb") as out:
            command = [sys.executable, "-m", "newsflow", "serve", "--config", str(self.config_path)]
            self.serve = subprocess.Popen(command, cwd=self.workdir, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)

    def hand_run(self, name: str, direct: bool = False) -> subprocess.Popen[bytes]:
        env = self.env | ({"NEWSFLOW_WORLD_DIRECT": "1"} if direct else {})
        with (self.workdir / f"{name}.out").open("wb") as out, (self.workdir / f"{name}.err").open("wb") as err:
            return subprocess.Popen([sys.executable, "-m", "tests.world.child", "run", "--config",
                                     str(self.config_path), "--json"], cwd=REPO, env=env, stdout=out, stderr=err,
                                    start_new_session=True)

    def stop_serve(self, turn: int, sig: int = signal.SIGTERM, expect: int | None = 0) -> None:
        """Stop the service with `sig` (0: none, it must end on its own) and judge its exit. A SIGTERM waits for its
        first line: sent before newsflow's handlers exist (Python's start-up, longer here by the sitecustomize's
        imports), it kills the process as it would any program (exit -15, no line), which is no promise broken."""
        assert self.serve is not None
        if sig == signal.SIGTERM:
            deadline = time.monotonic() + RUN_BOUND_S
            while not self._log_tail() and self.serve.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)  # waiting on the service's output file
        with contextlib.suppress(ProcessLookupError):
            self.serve.send_signal(sig)
        try:
            code = self.serve.wait(timeout=STOP_BOUND_S + (API_PATIENCE_S if expect == 4 else 0))
        except subprocess.TimeoutExpired:
            self.serve.kill()
            code = self.serve.wait()
            self.violations.append(Violation(turn, "serve_stops", f"{signal.Signals(sig).name}: not ended in time"))
        self.exits.append(code)
        if expect == 0 and code in (EXIT_STOPPED_WHILE_SETTING_UP, -signal.SIGINT) and self._log_tail().endswith(
                ("newsflow: interrupted", "newsflow: interrupted while starting; nothing was done")):  # -SIGINT: the
            # CLI ends by its own SIGINT after the line, 130 to a shell; in Prefect's import it says so (hunt 56)
            self.notes["serve_stopped_while_setting_up"] += 1  # `newsflow: interrupted`, 130 (docs/scheduling.md)
        elif expect is not None and code != expect:
            self.violations.append(Violation(turn, "serve_exit", f"exit {code}, not {expect}: {self._log_tail()!r}"))

    def _log_tail(self) -> str:
        return self.serve_logs[-1].read_text(encoding="utf-8", errors="replace").strip()[-600:]

    # --- Prefect's view ----------------------------------------------------------------------------

    def flow_runs(self) -> list[FlowRun]:
        async def read() -> list[FlowRun]:
            async with PrefectClient(api=self.api_url) as client:
                deployment = await client.read_deployment_by_name(self.deployment)
                return await client.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
        try:
            runs = asyncio.run(read())
        except Exception:  # not deployed yet, or the server is down this instant
            return []
        running = sum(1 for r in runs if r.state and r.state.type.value == "RUNNING")
        self.most_running = max(self.most_running, running)
        return runs

    def state_of(self, run_id: UUID) -> tuple[str, str]:
        for run in self.flow_runs():
            if run.id == run_id and run.state:
                return run.state.type.value, run.state.message or ""
        return "NONE", ""

    def wait_served_run(self) -> UUID | None:
        """A served run Running that no turn had yet (its engine started), or None after RUN_BOUND_S."""
        deadline = time.monotonic() + RUN_BOUND_S
        while time.monotonic() < deadline:
            for run in self.flow_runs():
                if run.state and run.state.type.value == "RUNNING" and run.id not in self.handled:
                    self.handled.add(run.id)
                    return run.id
            time.sleep(0.3)  # polling Prefect's API, as its UI does
        return None

    def wait_end(self, run_id: UUID, bound: float = RUN_BOUND_S) -> tuple[str, str]:
        """The flow run's final state. A stopped served run's engine records it Crashed as it goes, and the runner
        Cancelled once its process has ended (seconds later): a Crashed state is read again until that bound."""
        deadline = time.monotonic() + bound
        state = ("NONE", "")
        while time.monotonic() < deadline:
            state = self.state_of(run_id)
            if state[0] == "CRASHED" and run_id not in self.killed:
                if run_id not in self.crashed_first:
                    self.crashed_first.add(run_id)
                    deadline = min(deadline, time.monotonic() + CRASHED_SETTLES_S)
            elif state[0] in TERMINAL:
                return state
            time.sleep(0.3)
        return state

    # --- the hook ---------------------------------------------------------------------------------

    def arm(self, act: ServedAct | None) -> None:
        for old in self.hook_dir.iterdir():
            old.unlink()
        if act is not None and act.at == AT_LOAD:
            (self.hook_dir / servedsite.HOLD).touch()

    def acted(self, signal_wait: float) -> None:
        (self.hook_dir / servedsite.ACTED).write_text(str(signal_wait), encoding="utf-8")

    def at_point(self, act: ServedAct, run_id: UUID) -> bool:
        """Wait for the act's point in the served run: its load entered, or the world's n-th request."""
        deadline = time.monotonic() + RUN_BOUND_S
        while time.monotonic() < deadline:
            if act.at == AT_LOAD and any(self.hook_dir.glob("entered-*")):
                return True
            if act.at != AT_LOAD and self.world.wait_requests(int(act.at), 0.3):
                return True
            if self.state_of(run_id)[0] in TERMINAL:
                return False
        return False

    def count_landing(self, act: ServedAct) -> dict[str, Any]:
        """Whether the act (a stop, a cancel, a kill) landed inside the held load: the hook says so once the load
        has left its hold (`left-<pid>`), or its process is gone without leaving (it died there)."""
        if act.at != AT_LOAD or act.kind not in servedacts.LANDING_KINDS:
            return {}
        deadline = time.monotonic() + servedsite.SIGNAL_WAIT_S + 10
        seen = servedsite.landings(self.hook_dir)
        while seen.get("died_in_load") and psutil.pid_exists(seen["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)  # the held load has its act: it leaves within SIGNAL_WAIT_S
            seen = servedsite.landings(self.hook_dir)
        if seen.get("died_in_load") or seen.get("signalled_in_load"):
            self.landed[act.kind] += 1
        return seen

    # --- a turn -----------------------------------------------------------------------------------

    def run_turn(self, turn: int) -> None:
        table = self.world.begin_run(turn)
        table.write(self.dns_path)
        spec = self.world.spec
        act = servedacts.draw(spec.seed, turn, self.kinds, self.rate, spec.feeds * (1 + spec.new_per_run) + spec.sites)
        self.arm(act)
        if act is not None and act.kind == servedacts.HAND_FIRST:
            self._hand_first(turn, act)
            return
        if act is not None and act.kind in servedacts.HAND_LOAD_EVENTS:
            handload.hand_in_load(self, turn, act)
            return
        run_id = self.wait_served_run()
        if run_id is None:
            self.violations.append(Violation(turn, "served_run_starts", f"no served run within {RUN_BOUND_S:.0f} s: "
                                             f"{self._log_tail()!r}"))
            return
        if act is None:
            self._judge_state(turn, run_id, self.wait_end(run_id))
            return
        if not self.at_point(act, run_id):
            self.not_reached[act.kind] += 1
            self.arm(None)
            self._judge_state(turn, run_id, self.wait_end(run_id))
            return
        self.done[act.kind] += 1
        self.acts[turn] = act.kind
        getattr(self, f"_do_{act.kind}")(turn, act, run_id)
        self.count_landing(act)

    def _judge_state(self, turn: int, run_id: UUID, state: tuple[str, str]) -> None:
        if state[0] not in TERMINAL:
            self.violations.append(Violation(turn, "served_run_ends", f"{run_id} still {state[0]} after its bound"))
        elif why := servedacts.served_state_is_wrong(state[0], state[1], run_id in self.killed):
            self.violations.append(Violation(turn, "served_run_state", f"{run_id} {why}"))

    def _hand_judge(self, turn: int, proc: subprocess.Popen[bytes], name: str) -> None:
        try:
            code = proc.wait(timeout=RUN_BOUND_S)
        except subprocess.TimeoutExpired:
            runproc.kill_tree(proc)  # type: ignore[arg-type]
            self.violations.append(Violation(turn, "hand_run_ends", f"{name} not ended in {RUN_BOUND_S:.0f} s"))
            return
        err = (self.workdir / f"{name}.err").read_text(encoding="utf-8", errors="replace")
        if trace := runproc.first_traceback(err):
            self.violations.append(Violation(turn, "no_traceback", f"{name}: {trace}"))
        lines = [line for line in err.strip().splitlines() if not line.startswith("Prefect UI at")]
        if code == 3 and not (len(lines) == 1 and servedacts.HELD in lines[0] and str(self.warehouse_path) in lines[0]):
            self.violations.append(Violation(turn, "hand_run_one_line", f"{name} exit 3: {lines[-3:]}"))
        elif code not in (0, 3):
            self.violations.append(Violation(turn, "hand_run_exit", f"{name} exit {code}: {lines[-3:]}"))

    def _do_hand_beside(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        proc = self.hand_run(f"hand-{turn}")
        self.acted(0)  # the hand run signals nobody: the held load goes on once it has started
        self._hand_judge(turn, proc, f"hand-{turn}")
        self._judge_state(turn, run_id, self.wait_end(run_id))

    def _hand_first(self, turn: int, act: ServedAct) -> None:
        """A run by hand while the schedule fires every 2 s: served runs meeting its lock end skipped."""
        self.done[act.kind] += 1
        proc = self.hand_run(f"hand-{turn}")
        if act.at == AT_LOAD and self._hand_at_load(proc):
            self._hold_sampling()  # the hand run's load held past the interval: the schedule fires meanwhile
            self.acted(0)
            self.count_landing(act)
        self._hand_judge(turn, proc, f"hand-{turn}")
        for run in self.flow_runs():
            if run.id in self.handled or not run.state or run.state.type.value not in TERMINAL:
                continue
            self.handled.add(run.id)
            self._judge_state(turn, run.id, (run.state.type.value, run.state.message or ""))

    def _do_serve_kill(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        assert self.serve is not None
        below = [p for p in psutil.Process(self.serve.pid).children(recursive=True)]
        self.killed.add(run_id)
        self.acted(servedsite.SIGNAL_WAIT_S)  # written first: the run must not wait on a driver that waits on it
        self.stop_serve(turn, signal.SIGKILL, expect=None)
        _, alive = psutil.wait_procs(below, timeout=GONE_WITH_SERVICE_S)
        if alive:
            self.violations.append(Violation(turn, "run_ends_with_service", f"alive {GONE_WITH_SERVICE_S:.0f} s after "
                                             f"the service's SIGKILL: {[p.pid for p in alive]}"))
        self.start_serve()

    def _do_serve_term(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        self.acted(servedsite.SIGNAL_WAIT_S)
        self.stop_serve(turn, signal.SIGTERM, expect=0)
        state = self.wait_end(run_id, 30)
        if state[0] not in ("CANCELLED", "COMPLETED"):
            self.violations.append(Violation(turn, "served_run_stopped", f"{run_id} {state} after serve's SIGTERM"))
        self.start_serve()

    def _do_server_kill(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        group = prefectevents.server_pid()
        if group is None:
            raise RuntimeError("no local Prefect server pid to kill")
        self.killed.add(run_id)
        os.killpg(group, signal.SIGKILL)
        self.acted(servedsite.SIGNAL_WAIT_S)
        self.stop_serve(turn, 0, expect=4)  # signal 0: no signal, the service must end on its own
        # The service's own line; its run, stopped once the service has gone (servicewatch), may say its line after it
        log = self.serve_logs[-1].read_text(encoding="utf-8", errors="replace")
        said = [line for line in log.splitlines() if line.startswith("newsflow: the Prefect API at ")]
        if not said and self.exits[-1] == 4:
            self.violations.append(Violation(turn, "serve_api_line", f"exit 4 without naming the API: "
                                             f"{self._log_tail()[-300:]!r}"))
        if runproc.first_traceback(self.serve_logs[-1].read_text(encoding="utf-8", errors="replace")):
            self.violations.append(Violation(turn, "no_traceback", f"serve: {self._log_tail()!r}"))
        self.api_url = prefectevents.restart_server()
        self.start_serve()

    def _do_cancel(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        refused = asyncio.run(prefectevents._cancel(self.api_url, run_id))
        self.acted(servedsite.SIGNAL_WAIT_S if not refused else 0)
        state = self.wait_end(run_id)
        if not refused and state[0] != "CANCELLED":
            self.violations.append(Violation(turn, "cancel_heeded", f"{run_id} {state} after its cancel"))

    def _hand_at_load(self, proc: subprocess.Popen[bytes]) -> bool:
        while proc.poll() is None:
            if any(self.hook_dir.glob("entered-*")):
                return True
            time.sleep(0.1)  # waiting on the hook's file (its `entered-` mark)
        return False

    def _hold_sampling(self) -> None:
        deadline = time.monotonic() + servedacts.HOLD_S
        while time.monotonic() < deadline:  # the schedule fires 4 times meanwhile; sample the runs as they come
            self.flow_runs()
            time.sleep(0.3)

    def _do_hold(self, turn: int, act: ServedAct, run_id: UUID) -> None:
        self._hold_sampling()
        self.acted(0)
        self._judge_state(turn, run_id, self.wait_end(run_id))

    # --- the end ----------------------------------------------------------------------------------

    def finish(self, turns: int) -> None:
        if self.serve is not None and self.serve.poll() is None:
            self.stop_serve(turns, signal.SIGTERM, expect=0)
        for log in self.serve_logs:
            if trace := runproc.first_traceback(log.read_text(encoding="utf-8", errors="replace")):
                self.violations.append(Violation(turns, "no_traceback", f"{log.name}: {trace}"))
        if self.most_running > 1:
            self.violations.append(Violation(turns, "served_runs_never_overlap",
                                             f"{self.most_running} served flow runs Running at once"))
        for run in self.flow_runs():
            if run.id in self.handled and run.state and run.state.type.value in TERMINAL:
                self._judge_state(turns, run.id, (run.state.type.value, run.state.message or ""))
        table = self.world.begin_run(turns, calm=True)
        table.write(self.dns_path)
        calm = self.hand_run("calm")
        self._hand_judge(turns, calm, "calm")
        if calm.returncode != 0:
            self.violations.append(Violation(turns, "calm_run_exits_0", f"exit {calm.returncode}"))
        self.violations += prefectcheck.no_prefect_zombie(self.api_url, load_config(self.config_path).path, turns)
        # What the world delivered in a turn a run was stopped or killed in may have reached only that run, and left
        # the feed's window before another read it: "unconfirmed", as for the world's killed runs (README).
        stopped = {turn for turn, kind in self.acts.items() if kind in servedacts.LANDING_KINDS}
        required = {item for item, runs in self.world.ledger.served.items() if runs - stopped}
        self.notes["items_unconfirmed"] += len(self.world.ledger.served) - len(required)
        self.violations += warehouse_checks(self.warehouse_path, turns, required)


def served_hunt(world: World, workdir: Path, api_url: str, kinds: tuple[str, ...], rate: float,
                prefect_env: dict[str, str] | None = None) -> ServedHunt:
    hunt = ServedHunt(world, workdir, api_url, kinds, rate, prefect_env)
    hunt.start_serve()
    try:
        for turn in range(world.spec.runs):
            hunt.run_turn(turn)
    finally:
        if hunt.serve is not None and hunt.serve.poll() is None and sys.exc_info()[0] is not None:
            hunt.serve.kill()
    hunt.finish(world.spec.runs)
    return hunt
