"""What a world's run and soak record (tests/world/driver.py runs them): exits, times, events met, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.world.beside import CompanionRecord
from tests.world.invariants import Violation
from tests.world.world import WorldSpec

START_SLACK = 15.0  # seconds on top of the budget: interpreter start, imports, a loaded 2-core machine


@dataclass
class RunRecord:
    index: int
    exit_code: int | None = None
    elapsed: float = 0.0
    killed_by_world: bool = False
    terminated_by_world: bool = False  # sent SIGTERM (the world's `sigterm` event)
    stopped_after_sigterm: float | None = None  # seconds from SIGTERM to the process's exit
    survivors: list[str] = field(default_factory=list)  # processes of the run's group alive after it exited
    over_budget: bool = False
    stderr_tail: str = ""
    traceback: str = ""  # the exception line of the first traceback the run printed, if any
    peak_tree_mib: float = 0.0  # PSS of the tree, summed (the bound)
    peak_tree_rss_mib: float = 0.0  # RSS of the tree, summed (shared pages counted once per process)
    reader: str | None = None
    reader_held: bool = False
    outage: bool = False
    summary: dict[str, Any] = field(default_factory=dict)  # the run's --json summary, when it printed one
    due_at_start: set[str] = field(default_factory=set)  # feeds due when it started (checked after `clock`)
    # polls waited in the spool when it started (hunt 46: spooled beside a reader, then the next runs killed)
    spool_at_start: bool = False
    beside: list[CompanionRecord] = field(default_factory=list)  # world16's second run, user's command


@dataclass
class SoakReport:
    spec: WorldSpec
    runs: list[RunRecord] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    faults_injected: dict[str, int] = field(default_factory=dict)
    entries_lost: int = 0
    entry_states: dict[str, int] = field(default_factory=dict)
    items_served: int = 0
    items_unconfirmed: int = 0  # served only to runs the world killed, and not stored

    @property
    def longest_run(self) -> RunRecord | None:
        completed = [r for r in self.runs if not r.killed_by_world]
        return max(completed, key=lambda r: r.elapsed, default=None)

    def summary(self) -> str:
        longest = self.longest_run
        longest_text = f"{longest.elapsed:.1f} s (run {longest.index})" if longest else "n/a"
        kinds = sorted({v.invariant for v in self.violations})
        injected = dict(sorted(self.faults_injected.items()))
        return (f"{self.spec.describe()}\nruns: {len(self.runs)}; faults injected: {injected}"
                f"\nitems served: {self.items_served}; entries lost: {self.entries_lost}; unconfirmed (killed runs): "
                f"{self.items_unconfirmed}; entry states: {self.entry_states}\nlongest run: {longest_text} against a "
                f"budget of {self.spec.budget:.0f} s (+{START_SLACK:.0f} s start-up slack); peak tree PSS "
                f"{max((r.peak_tree_mib for r in self.runs), default=0):.0f} MiB (RSS summed "
                f"{max((r.peak_tree_rss_mib for r in self.runs), default=0):.0f} MiB)"
                f"\nviolations: {len(self.violations)} {kinds}")
