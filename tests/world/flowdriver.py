"""Hunt 47: a world's runs as flow runs that Prefect itself disturbs (prefectevents.py), judged as the world's.

`FlowWorldDriver` is `WorldDriver` with a Prefect API it may stop (the local server of this process's
PREFECT_HOME): before each run it draws one of hunt 47's events, does it from a thread at its point while the
run goes on, and judges the run by what docs/scheduling.md promises for it, besides every world invariant.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from flows.cli import HUNG_API_CHECK_S, HUNG_API_GRACE_S

from tests.world import beside, prefectevents
from tests.world.driver import RunRecord, SoakReport, WorldDriver
from tests.world.invariants import Violation
from tests.world.prefectevents import API_EVENTS, CANCEL, Act, Actor
from tests.world.world import World, WorldSpec, open_world
from tests.world.worldconfig import EXTRACT_TIMEOUT


class FlowWorldDriver(WorldDriver):
    def __init__(self, world: World, workdir: Path, prefect_api: str, kinds: tuple[str, ...], rate: float) -> None:
        prefect_api = prefectevents.current_api_url(prefect_api)  # an earlier world's restart may have moved it
        super().__init__(world, workdir, prefect_api)
        self.api_url = prefect_api
        self.kinds, self.rate = kinds, rate
        self.act: Act | None = None
        self.actor: Actor | None = None
        self.acts: dict[int, Act] = {}

    def run_once(self, index: int, *, calm: bool = False) -> RunRecord:
        spec = self.world.spec
        expected = spec.feeds + spec.feeds * spec.new_per_run + spec.sites
        event = None if calm else prefectevents.draw(spec.seed, index, self.kinds, self.rate, expected)
        self.act, self.actor = (Act(event) if event else None), None
        if self.act is not None:
            self.acts[index] = self.act
        return super().run_once(index, calm=calm)

    def _child_env(self) -> dict[str, str]:
        """No API configured, as a user's `newsflow run` that found or started its local server (its PREFECT_HOME's
        newsflow-server.json): a server killed and started again is found again, whatever its port."""
        env = super()._child_env()
        env.pop("PREFECT_API_URL", None)
        return env

    @property
    def limit(self) -> float:
        """A run whose API went silent may wait for it up to the hung-API watch's bound (flows/cli.py)."""
        base = super().limit
        if self.act is None or self.act.event.kind not in API_EVENTS:
            return base
        return base + EXTRACT_TIMEOUT + HUNG_API_GRACE_S + HUNG_API_CHECK_S

    def _wait(self, proc: subprocess.Popen[str], started: float, record: RunRecord) -> tuple[bool, bool]:
        if self.act is None:
            return super()._wait(proc, started, record)
        self.actor = Actor(self.act, self.api_url, self.config_path, self.world.wait_requests)
        self.actor.start(proc.pid, started)
        try:
            return super()._wait(proc, started, record)
        finally:
            self.actor.end()

    def check(self, record: RunRecord, before: dict[str, int]) -> list[Violation]:
        hunt: list[Violation] = []
        if self.actor is not None:
            self.actor.join()  # the server answers again (a restart: started again) before anything reads it
            self.api_url = self.prefect_api = self.actor.api_url  # a restarted server may answer on another port
            if self.actor.error is not None:
                hunt.append(Violation(record.index, "hunt_harness", repr(self.actor.error)[:300]))
            if self.act is not None:
                self.world.ledger.faults_injected[self.act.event.kind] += self.act.sent_after is not None
        if self._cancelled(record) or (self._api_lost(record) and record.exit_code != 0):
            record.terminated_by_world = True  # what it was delivered is owed by the next run, as for a stop
        # a companion's flow run met the lost API too: exit 4 in one line is its promise (beside.checks `api_lost`)
        return hunt + super().check(record, before)

    def _cancelled(self, record: RunRecord) -> bool:
        act = self.acts.get(record.index)
        return act is not None and act.event.kind == CANCEL and act.sent_after is not None and not act.refused

    def _api_lost(self, record: RunRecord) -> bool:
        act = self.acts.get(record.index)
        return act is not None and act.event.kind in API_EVENTS and act.sent_after is not None

    def _sigterm_checks(self, record: RunRecord, last_line: str) -> list[Violation]:
        act = self.acts.get(record.index)
        if act is not None and self._cancelled(record):
            if record.stopped_after_sigterm is not None:  # the world's own signal met it too: that promise
                return super()._sigterm_checks(record, last_line)
            judged = None if record.reader_held or beside.another_run_ran(record) else self.warehouse_path
            return prefectevents.cancel_checks(record.index, act, record.exit_code, record.elapsed, last_line,
                                               self.api_url, judged if self.warehouse_path.exists() else None)
        if act is not None and self._api_lost(record) and record.stopped_after_sigterm is None:
            return prefectevents.api_exit_checks(record.index, record.exit_code, last_line, act.api_url)
        return super()._sigterm_checks(record, last_line)


def flow_soak(spec: WorldSpec, workdir: Path, prefect_api: str, kinds: tuple[str, ...], rate: float) -> SoakReport:
    """`driver.soak` with hunt 47's Prefect events, each run a flow run on `prefect_api`."""
    with open_world(spec, spec.fetch_timeout) as world:
        return FlowWorldDriver(world, workdir, prefect_api, kinds, rate).run_all()
