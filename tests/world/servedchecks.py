"""Hunt 48: the warehouse after a served world's calm run (split from serveddriver.py, its size)."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.world import invariants
from tests.world.invariants import Violation


def warehouse_checks(path: Path, run: int, required: set[tuple[str, str]]) -> list[Violation]:
    """The world's invariants on the warehouse after the calm run, and the run lock's: no two writing runs'
    rows overlap in time, none is left `running`."""
    found = invariants.no_duplicates(path, run) + invariants.nothing_lost(path, run, required)
    found += invariants.entry_states(path, run)[1] + invariants.last_run_recorded(path, run)
    rows = invariants.query(path, "SELECT run_id, status, started_at, coalesce(finished_at, started_at) FROM runs "
                                  "WHERE status <> 'skipped' ORDER BY started_at")
    for (a, _, _, a_end), (b, _, b_start, _) in itertools.pairwise(rows):
        if b_start < a_end:
            found.append(Violation(run, "runs_never_overlap", f"{a} ends after {b} starts"))
    left = [r for r in rows if r[1] == "running"]
    if left:
        found.append(Violation(run, "no_run_left_running", str(left[:3])))
    return found
