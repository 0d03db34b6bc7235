"""The checks after each world run (tests/world/README.md, "Invariants"): what the run did, then the warehouse.

`RunChecks` is `WorldDriver`'s half that judges a run it has run; driver.py runs and times it.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING, cast

from tests.world import beside, feedchecks, invariants, pagechecks, prefectcheck
from tests.world.invariants import Violation
from tests.world.outagechecks import SpellWatch, spell_checks
from tests.world.records import RunRecord, SoakReport

if TYPE_CHECKING:
    from tests.world.driver import WorldDriver
    from tests.world.world import World

# The run's process tree, sampled: the sum of its proportional set sizes (PSS: a page the extraction
# workers share with their forkserver counts once), as tests/hostile/test_whole_run.py bounds it.
MAX_TREE_MIB = 600.0
# A run sent SIGTERM (`docker stop`) stops within this: its batch rolls back, its workers go, exit 130.
SIGTERM_GRACE = 10.0


class RunChecks:
    world: World
    report: SoakReport
    warehouse_path: Path
    config_path: Path
    prefect_api: str | None
    spells: SpellWatch
    _reported: set[tuple[str, str]]
    _reported_lost: set[tuple[str, str]]
    _canary_seen: int
    _strays_seen: int

    @property
    def limit(self) -> float:
        raise NotImplementedError

    def _new(self, violations: list[Violation]) -> list[Violation]:
        """A standing state (a feed silenced for a day) is reported at the run that caused it, once;
        what a run did (its exit, its time) is reported for every run."""
        fresh = [v for v in violations
                 if v.invariant not in invariants.STANDING or (v.invariant, v.detail) not in self._reported]
        self._reported |= {(v.invariant, v.detail) for v in violations}
        return fresh

    def check(self, record: RunRecord, before: dict[str, int]) -> list[Violation]:
        run = record.index
        found: list[Violation] = []
        last = record.stderr_tail.splitlines()[-1] if record.stderr_tail else ""
        if record.terminated_by_world and not record.killed_by_world:  # a SIGKILL after the signal ends it too
            found += self._sigterm_checks(record, last)
        elif not record.killed_by_world and record.exit_code != 0:
            found.append(Violation(run, "run_exits_0", f"exit {record.exit_code}: {last[:300]}"))
        if record.survivors:
            found.append(Violation(run, "no_orphans", f"alive after the run exited: {record.survivors[:3]}"))
        if record.over_budget or record.elapsed > self.limit:
            found.append(Violation(run, "run_within_budget", f"{record.elapsed:.1f} s, killed at {self.limit:.0f} s: "
                                                              f"budget {self.world.spec.budget:.0f} s + slack"))
        if record.reader_held and "a newsflow run is writing" in record.stderr_tail:
            found.append(Violation(run, "reader_named_as_reader", "blamed a newsflow run for a reader's lock"))
        if record.traceback:
            found.append(Violation(run, "no_traceback", record.traceback[:300]))
        found += beside.checks(record, self.warehouse_path, api_lost=self._api_lost(record))
        if record.peak_tree_mib > MAX_TREE_MIB:
            found.append(Violation(run, "bounded_rss", f"tree PSS {record.peak_tree_mib:.0f} MiB > "
                                                       f"{MAX_TREE_MIB:.0f} MiB"))
        hits = self.world.canary.requests[self._canary_seen:]
        self._canary_seen += len(hits)
        if hits:
            found.append(Violation(run, "no_canary_hit", f"{[r.path for r in hits][:3]}"))
        strays = self.world.ledger.strays[self._strays_seen:]
        self._strays_seen += len(strays)
        if strays:
            found.append(Violation(run, "no_stray_request", f"fetched what no item links: {strays[:3]}"))
        if not self.warehouse_path.exists():
            return found
        opened = invariants.warehouse_opens(self.warehouse_path, run, record.killed_by_world)
        if opened or not invariants.has_tables(self.warehouse_path):  # a file with no tables yet: nothing to check
            return found + opened
        with invariants.one_reader(self.warehouse_path):  # nothing writes it while the checks read
            found += self._warehouse_checks(record, before)
        return found

    def _api_lost(self, record: RunRecord) -> bool:
        """Whether the world took the run's Prefect API away (hunt 47's flow runs: flowdriver.py)."""
        return False

    def _late_deaths(self) -> tuple[int, ...]:
        """A second signal that lands once the interpreter is finalizing (its handlers reset) kills the
        process after its one line: a shell sees 130 (128 + SIGINT) as for an exit 130."""
        signals = self.world.events.signals
        return tuple(-getattr(signal, name) for name in signals[1:])

    def _sigterm_checks(self, record: RunRecord, last_line: str) -> list[Violation]:
        """A run sent SIGTERM stops as Ctrl-C stops it: exit 130 with one line (or 0 when it had finished
        its work), within SIGTERM_GRACE, recorded `cancelled` unless a reader holds the warehouse."""
        run, found = record.index, []
        if record.over_budget and record.stopped_after_sigterm is None:
            found.append(Violation(run, "sigterm_stops_promptly", f"still running {SIGTERM_GRACE:.0f} s after "
                                                                   f"{'+'.join(self.world.events.signals)}"))
        elif record.exit_code not in (0, 130, *self._late_deaths()) or (
                record.exit_code != 0 and "interrupted" not in last_line):
            found.append(Violation(run, "sigterm_exits_130", f"{'+'.join(self.world.events.signals)}: exit "
                                                              f"{record.exit_code}: {last_line[:300]}"))
        elif record.exit_code != 0 and not record.reader_held and self.warehouse_path.exists() and not (
                beside.another_run_ran(record)):  # then the newest row is the second run's (world16, seed 1701)
            found += invariants.last_run_cancelled(self.warehouse_path, run)
        return found

    def _warehouse_checks(self, record: RunRecord, before: dict[str, int]) -> list[Violation]:
        run, path = record.index, self.warehouse_path
        found = invariants.no_duplicates(path, run)
        if not record.reader_held and not record.killed_by_world and not record.terminated_by_world:
            required = self._required() - self._reported_lost
            lost = invariants.nothing_lost(path, run, required)
            self._reported_lost |= required - invariants.stored_items(path)
            found += lost
        counts, unexplained = invariants.entry_states(path, run)
        self.report.entry_states = counts
        found += unexplained
        # Beside a reader the run's feed rows and `runs` row are spooled: they reach the warehouse later.
        # After a run beside a reader, its spooled polls (their failures, their next polls) land at this run's start,
        # after `before` and `due_at_start` were read: they are not known (bench soak seed 13, run 2: 143 feeds).
        # Hunt 46: the spool of a run two or more runs back, when the runs between were killed before replaying it.
        spooled_before = (len(self.report.runs) > 1 and self.report.runs[-2].reader_held) or record.spool_at_start
        if record.outage and not record.killed_by_world and not record.reader_held and not spooled_before:
            # feeds the run's budget left for the next run were not polled: they count neither way
            polled = int(record.summary.get("feeds_due", 0)) - int(record.summary.get("feeds_deferred", 0))
            found += invariants.outage_penalises_no_feed(path, run, before, polled)
        if not record.reader_held and not record.killed_by_world and record.exit_code == 0:
            found += invariants.spool_replayed(path, run)
        found += invariants.one_failure_is_not_a_day(path, run)
        found += invariants.network_parks_nothing(path, run)
        found += spell_checks(self.world, path, run, self.spells, record.exit_code == 0 and not record.reader_held
                              and not spooled_before and not record.summary.get("feeds_deferred"))
        found += pagechecks.checks(cast("WorldDriver", self), record)
        found += feedchecks.one_entry_per_item(cast("WorldDriver", self), record)
        if record.exit_code == 0 and self.prefect_api:  # flow runs: the killed ones were marked Crashed
            found += prefectcheck.no_prefect_zombie(self.prefect_api, self.config_path, run)
        # hunt 46: a run a writing command refused ran nothing (the newest row may be a killed run's, feeds unpolled)
        if record.exit_code == 0 and not record.reader_held and not beside.refused_by_a_writer(record):
            found += invariants.last_run_recorded(path, run)
            # a spool replayed at this run's start (hunt seed 1715) polled feeds the due list was computed without
            if record.due_at_start and not record.summary.get("feeds_deferred") and not spooled_before:
                found += invariants.due_feeds_polled(path, run, record.due_at_start)
        return found

    def _required(self) -> set[tuple[str, str]]:
        """Items delivered whole to a run the world did not kill or stop: each must be an entry."""
        killed = {r.index for r in self.report.runs if r.killed_by_world or r.terminated_by_world}
        return {key for key, runs in self.world.ledger.served.items() if runs - killed}

