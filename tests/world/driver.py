"""Run `newsflow run` against a World many times in compressed time; check invariants after each run.

Each run is a real child process (`python -m tests.world.child run --config ... --json`): a
Prefect flow run on the API `soak` is given, or, without one, the CLI's run path with the flow
taken out (tests/world/child.py says why), in its own process group, with the tree's memory
sampled (tests/world/runproc.py). Between runs the driver moves the warehouse's clock: every
feed's `last_polled_at`, `next_poll_at` and `unreachable_since` go back by `SIMULATED_INTERVAL` (the default
schedule, 15 minutes), in the warehouse and in the copy of the feed states beside it, as if that much time had
passed, so back-off and due times play out over many runs in seconds. Nothing else is touched. The runs' config:
tests/world/worldconfig.py.

Kill points and mid-run readers are synchronised with the world's server: the driver waits
on an event the server sets when it has seen the n-th request of the run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from newsflow.warehouse import Warehouse
from tests.hostile.subprocesses import REPO
from tests.world import beside, duechecks, holders, invariants, netdrops, runproc, spoolclock
from tests.world import faults as kinds
from tests.world.child import DIRECT_VAR
from tests.world.dns import ENV_VAR
from tests.world.outagechecks import SpellWatch
from tests.world.outagespells import refusing_sites
from tests.world.records import START_SLACK, RunRecord, SoakReport
from tests.world.runchecks import MAX_TREE_MIB, SIGTERM_GRACE, RunChecks
from tests.world.world import World, WorldSpec, open_world
from tests.world.worldconfig import EXTRACT_TIMEOUT, world_config

SIMULATED_INTERVAL = 900  # seconds of simulated time between two runs
# The feed states' times `_advance_clock` moves (`FeedState`'s names), in the warehouse and in the copy beside it
ADVANCED_STATE_TIMES = frozenset({"last_polled_at", "next_poll_at", "unreachable_since", "turned_away_since"})
SIGNAL_SPACING = 0.3  # seconds between the signals of one RunEvents.signals sequence
# what other modules import from here (the records and checks were split out of this module: hunt 47)
__all__ = ["MAX_TREE_MIB", "SIGTERM_GRACE", "START_SLACK", "RunRecord", "SoakReport", "WorldDriver", "soak"]


class WorldDriver(RunChecks):
    """Consecutive runs of `newsflow run` against one World, with invariants after each."""

    def __init__(self, world: World, workdir: Path, prefect_api: str | None = None) -> None:
        self.world = world
        self.prefect_api = prefect_api
        self.workdir = workdir
        self.config_path = world_config(world, workdir)
        self.warehouse_path = workdir / "warehouse" / "news.duckdb"
        self.dns_path = workdir / "dns.json"
        world.drop_marker = netdrops.marker_for(self.dns_path)
        self.report = SoakReport(world.spec)
        self._reported_lost: set[tuple[str, str]] = set()
        self._reported: set[tuple[str, str]] = set()
        self._canary_seen = self._strays_seen = 0
        self._current: subprocess.Popen[str] | None = None
        self._clock_set_right = False  # the last run ran with its clock off, set right since
        self.spells = SpellWatch()  # red team 34's kinds (outagespells.py)

    @property
    def limit(self) -> float:
        """Seconds a run may take, start-up included. Pages fetched by the budget's end get
        `extract.timeout` past it (docs/polling.md): in a world with slow extraction, so may the run."""
        slow = kinds.SLOW_EXTRACT in self.world.spec.faults and self.world.spec.fault_rate > 0
        return self.world.spec.budget + START_SLACK + (EXTRACT_TIMEOUT if slow else 0.0)

    def run_all(self) -> SoakReport:
        for index in range(self.world.spec.runs):
            self.run_once(index)
        last = self.report.runs[-1] if self.report.runs else None
        if last is not None and (last.reader_held or last.killed_by_world):
            # What the last run spooled beside its reader reaches the warehouse by the next run, and what a
            # killed run left is the next run's to finish: run it, with no event, so `entries_lost` counts
            # what the world's runs lost, not what is still on its way.
            self.run_once(self.world.spec.runs, calm=True)
        self.finish()
        return self.report

    def run_once(self, index: int, *, calm: bool = False) -> RunRecord:
        table = self.world.begin_run(index, calm=calm)
        netdrops.marker_for(self.dns_path).unlink(missing_ok=True)  # the network is back, until the polls end
        table.write(self.dns_path)
        events, turns = self.world.events, self.world.events.turns
        holders.relocate(self, turns.warehouse_moved)  # the warehouse's folder copied or moved (world16)
        # the feeds' names may change (event `rename`), and the warehouse's path (`moved_warehouse`)
        world_config(self.world, self.workdir, str(self.warehouse_path.relative_to(self.workdir)))
        record = RunRecord(index, reader=events.reader, outage=events.outage or events.portal)
        renamed = self.world.renamed
        names = {url: name for name, url in self.world.feed_urls().items()}  # a rename a killed run left undone too
        before = {names.get(url, feed): count for url, (feed, count) in invariants.failures_by_url(
            self.warehouse_path).items()} if self.warehouse_path.exists() else {}
        record.outage = record.outage or self._silent_network_is_an_outage(before)
        record.spool_at_start = duechecks.polls_spooled(self.warehouse_path)
        self._shift_stored_times(-turns.clock_shift)  # the clock ahead: what was stored looks older
        if (turns.clock_shift or self._clock_set_right) and self.warehouse_path.exists():
            now = datetime.now(UTC)  # a feed its host's pause holds is not polled (review of hunt 46, seed 4709)
            held = duechecks.feeds_held_by_a_pause(self.warehouse_path, now)
            due = invariants.feeds_due(self.warehouse_path, now) - held
            record.due_at_start = {renamed.get(feed, feed) for feed in due} & set(self.world.feed_urls())
        self.spells.before_run(self.world, self.warehouse_path)
        with holders.reader(self, record), beside.running(self, record, self._child_env()):
            self._run_child(record)
        beside.adopt(self, record)
        self.report.runs.append(record)
        self.report.violations += self._new(self.check(record, before))
        self._clock_set_right = bool(turns.clock_shift) and not turns.clock_for_good
        if self._clock_set_right:
            self._shift_stored_times(turns.clock_shift)  # set right: what the run stored looks ahead
        self._advance_clock()
        self.spells.after_run(self.world, SIMULATED_INTERVAL + self.world.spell.seconds_after)
        return record

    def _silent_network_is_an_outage(self, before: dict[str, int]) -> bool:
        """A blackhole over every host, at least 3 that resolve, no feed failing before: an outage (docs/polling.md,
        "A network that accepts and never answers counts too"), which must penalise no feed."""
        spec, held = self.world.spec, self.world.events.turns.blackholed
        # a host that fails DNS is not silent, nor one that refuses (red team 34's); the feeds' hosts must be 3 or more
        silent = held - set(self.world.unresolvable_sites(self.world.run)) - set(refusing_sites(spec, self.world.run))
        fed = {feed % spec.sites for feed in range(spec.feeds)}  # hunt seed 600: one feed, 3 sites blackholed
        return (len(silent) == spec.sites >= 3 and len(fed) >= 3 and spec.dead_feeds == 0 and bool(before)
                and not any(before.values()))

    def _shift_stored_times(self, seconds: int) -> None:
        """Move every timestamp the warehouse stored by `seconds`: the run then sees its past as a
        machine whose clock moved by `-seconds` would (event `clock`). The spool's loads too (hunt 47):
        what a run replays was stamped by the same moved clock."""
        if seconds and invariants.has_tables(self.warehouse_path):
            with Warehouse(self.warehouse_path, 5.0).writing() as con:  # a failed shift must fail the world
                invariants.shift_timestamps(con, seconds)
        spoolclock.shift_spool(self.warehouse_path, seconds)
        spoolclock.shift_saved_states(self.warehouse_path, seconds)

    def finish(self) -> None:
        self.report.faults_injected = dict(self.world.ledger.faults_injected)
        self.report.items_served = len(self.world.ledger.served)
        if self.warehouse_path.exists():
            stored = invariants.stored_items(self.warehouse_path)
            self.report.entries_lost = len(self._required() - stored)
            self.report.items_unconfirmed = len(set(self.world.ledger.served) - self._required() - stored)

    # --- one run ----------------------------------------------------------------------------

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ, **{ENV_VAR: str(self.dns_path)})
        env.pop("PREFECT_API_URL", None)
        if self.prefect_api:  # every run is a flow run on this one server
            env["PREFECT_API_URL"] = self.prefect_api
        else:  # the CLI's run path with the flow taken out (tests/world/child.py)
            env[DIRECT_VAR] = "1"
        return env

    def _run_child(self, record: RunRecord) -> None:
        env = self._child_env()
        command = [sys.executable, "-m", "tests.world.child", "run", "--config", str(self.config_path), "--json"]
        # Files, not pipes: a run that logs more than a pipe holds would block on its stderr.
        out_path, err_path = (self.workdir / f"run-{record.index}.{name}" for name in ("out", "err"))
        started = time.monotonic()
        with out_path.open("w") as out, err_path.open("w") as err_file:
            proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err_file, text=True,
                                    start_new_session=True)
        self._current = proc
        memory = runproc.memory_report(MAX_TREE_MIB)
        with runproc.sampling(proc.pid, memory):
            record.killed_by_world, record.over_budget = self._wait(proc, started, record)
            proc.wait(timeout=60)
        record.elapsed = time.monotonic() - started
        record.survivors = [] if record.killed_by_world or record.over_budget else runproc.survivors(proc.pid)
        err = err_path.read_text(encoding="utf-8", errors="replace")
        record.exit_code = proc.returncode
        record.stderr_tail = err.strip()[-2000:]
        record.traceback = runproc.first_traceback(err)
        record.peak_tree_mib = memory.peak_sampled_pss
        record.peak_tree_rss_mib = memory.peak_sampled_sum
        record.summary = runproc.json_summary(out_path.read_text(encoding="utf-8", errors="replace"))

    def _wait(self, proc: subprocess.Popen[str], started: float, record: RunRecord) -> tuple[bool, bool]:
        """Wait for the run to end, for the world's kill point, or for budget + slack; (killed, over budget).

        At the world's SIGTERM point the run's process alone gets SIGTERM (as `docker stop` sends it),
        or the run's other signals (`RunEvents.signals`: SIGINT, SIGHUP, two of them 0.3 s apart),
        and from the first on has SIGTERM_GRACE seconds to exit."""
        kill_point = self.world.kill_point if self.world.events.kill_after_requests is not None else None
        kill_after = self.world.events.turns.kill_after_seconds
        term_point = self.world.sigterm_point if self.world.events.sigterm_after_requests is not None else None
        deadline = started + self.limit
        signalled: float | None = None
        to_send = list(self.world.events.signals)
        while proc.poll() is None:
            if kill_point is not None and kill_point.wait(0.02):
                runproc.kill_tree(proc)
                return True, False
            if kill_after is not None and time.monotonic() - started >= kill_after:
                runproc.kill_tree(proc)  # the world's timed kill (red team 12): anywhere in the run
                return True, False
            due = signalled is None or time.monotonic() - signalled >= SIGNAL_SPACING * (
                len(self.world.events.signals) - len(to_send))
            if term_point is not None and to_send and due and term_point.is_set():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, getattr(signal, to_send.pop(0)))
                if signalled is None:
                    signalled, record.terminated_by_world = time.monotonic(), True
                    deadline = min(deadline, signalled + SIGTERM_GRACE)
            if kill_point is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=0.05)
            if time.monotonic() > deadline:
                runproc.kill_tree(proc)
                return False, True
        if signalled is not None:
            record.stopped_after_sigterm = time.monotonic() - signalled
        return False, False

    def _advance_clock(self) -> None:
        """Move the warehouse's feed schedule back by one simulated interval (see the module docstring)."""
        if not self.warehouse_path.exists():
            return
        move_schedule_back(self.warehouse_path, SIMULATED_INTERVAL + self.world.spell.seconds_after)  # + red team 34


def move_schedule_back(warehouse_path: Path, seconds: int) -> None:
    """Every feed's schedule `seconds` back, as if that much time had passed: in the warehouse, and in the copy of the
    feed states the last run saved beside it (which the next run compares with the warehouse: Local 28)."""
    shift = f"INTERVAL {seconds} SECOND"
    with contextlib.suppress(Exception), Warehouse(warehouse_path, 5.0).writing() as con:
        con.execute(f"UPDATE feeds SET last_polled_at = last_polled_at - {shift}, "
                    f"next_poll_at = next_poll_at - {shift}, unreachable_since = unreachable_since - {shift}, "
                    f"turned_away_since = turned_away_since - {shift}, "  # the boot clock too (red team 35)
                    f"unreachable_uptime = unreachable_uptime - {seconds}")
    spoolclock.shift_saved_states(warehouse_path, -seconds, ADVANCED_STATE_TIMES)


def soak(spec: WorldSpec, workdir: Path, prefect_api: str | None = None) -> SoakReport:
    """Build the world for `spec`, run it for `spec.runs` runs, and report. Each run is a flow
    run on the Prefect API `prefect_api`, or, with None, the CLI's run path without the flow."""
    with open_world(spec, spec.fetch_timeout) as world:
        return WorldDriver(world, workdir, prefect_api).run_all()
