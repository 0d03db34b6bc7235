"""Hypothesis drives the world's parameters; any violated invariant shrinks to a minimal world.

Each example is a few real `newsflow run` processes (the CLI's run path without the Prefect flow,
tests/world/child.py; 3-10 s each on a loaded 2-core machine), so CI tries only 2 worlds, without
shrinking. To hunt: `NEWSFLOW_WORLD_EXAMPLES=200 NEWSFLOW_WORLD_SHRINK=1 uv run
pytest tests/world/test_world_properties.py -q -x`, then keep the shrunk world it prints as a
regression test in test_world_regressions.py. Once a failure is known, hunt for the next with
`NEWSFLOW_WORLD_EXCLUDE=outage,reused_guid` (fault kinds left out of the mix).
"""

from __future__ import annotations

import os
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.world.driver import soak
from tests.world.strategies import world_specs
from tests.world.world import WorldSpec

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = int(os.environ.get("NEWSFLOW_WORLD_EXAMPLES", "2"))
EXCLUDE = tuple(k for k in os.environ.get("NEWSFLOW_WORLD_EXCLUDE", "").split(",") if k)
PHASES = (Phase.explicit, Phase.generate, *((Phase.shrink,) if os.environ.get("NEWSFLOW_WORLD_SHRINK") else ()))


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(world_specs(exclude=EXCLUDE))
def test_every_invariant_holds_in_any_small_world(spec: WorldSpec) -> None:
    with TemporaryDirectory(prefix="newsflow-world-") as workdir:
        report = soak(spec, Path(workdir))  # direct: the CLI's run path without the flow (module docstring)
    assert not report.violations, report.summary() + "\n" + "\n".join(map(str, report.violations))
