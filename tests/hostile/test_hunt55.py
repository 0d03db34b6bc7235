"""Hunt 55 (docs/scheduling.md, "Hunt 55"): hunt 49/50's stopped run while the world's server stalls its article
answers (`tests/hostile/hunt55world.py`: a request held unanswered, or a body dripped a byte at a time), the same
invariants. Each example is two real `newsflow run` processes, so CI runs only the draw's own test. The hunt runs
the seeds whose stopped run meets a stall (`hunt55world.seeds_that_stall`); by hand:

    NEWSFLOW_HUNT55_EXAMPLES=20 [NEWSFLOW_HUNT55_SEED=5501] [NEWSFLOW_HUNT49_FLOW=1 | NEWSFLOW_HUNT55_API=1] \\
        uv run pytest -n0 tests/hostile/test_hunt55.py -k stopped_runs

`NEWSFLOW_HUNT55_API=1`: Prefect 56's examples (flow runs, the Prefect API failing at a drawn call) with the stall.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest

from tests.hostile import hunt49world, hunt55world, prefect56world

EXAMPLES = int(os.environ.get("NEWSFLOW_HUNT55_EXAMPLES", "0"))
HUNT_SEED = os.environ.get("NEWSFLOW_HUNT55_SEED", "5501")
FLOW = os.environ.get("NEWSFLOW_HUNT49_FLOW") == "1"
API = os.environ.get("NEWSFLOW_HUNT55_API") == "1"  # Prefect 56's examples (a failing API) with the stall
KEPT_IN = Path(os.environ.get("NEWSFLOW_HUNT49_KEEP") or Path(tempfile.gettempdir()) / "newsflow-hunt49-kept")


def test_the_draw_gives_every_stall_and_leaves_hunt_50s_examples_as_they_were() -> None:
    drawn = [hunt55world.draw(f"{HUNT_SEED}:{n}") for n in range(100)]
    assert {(e.stall, e.scope) for e in drawn if e.stall != "none"} == {
        (stall, scope) for stall in hunt55world.STALLS for scope in hunt55world.SCOPES}
    assert any(e.stall != "none" and e.stop.point == "fetch" and e.start <= e.stop.at for e in drawn)
    assert len(hunt55world.seeds_that_stall(HUNT_SEED, 10)) == 10
    assert [e.stop for e in drawn] == [hunt49world.draw(f"{HUNT_SEED}:{n}", hunt50=True) for n in range(100)]


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.skipif(not EXAMPLES, reason="a hunt (seconds an example): NEWSFLOW_HUNT55_EXAMPLES=<n> runs it by hand")
@pytest.mark.parametrize("seed", hunt55world.seeds_that_stall(HUNT_SEED, EXAMPLES, API) if EXAMPLES else ["none"])
def test_stopped_runs_beside_a_stalling_server_keep_every_invariant(seed: str, tmp_path: Path,
                                                                   request: pytest.FixtureRequest) -> None:
    if API:
        with_api = hunt55world.draw_with_api(seed)
        api_url = request.getfixturevalue("prefect_api")
        stall = hunt55world.Stall(with_api.stalled)
        run = functools.partial(_run_with_api, tmp_path, with_api, api_url, stall)
        hunt49world.check_example(tmp_path, seed, with_api, api_url, KEPT_IN, run=run)
        return
    drawn = hunt55world.draw(seed, flow=FLOW)
    prefect_api = request.getfixturevalue("prefect_api") if FLOW else None
    stall = hunt55world.Stall(drawn)
    run = functools.partial(_run, tmp_path, drawn, stall)
    hunt49world.check_example(tmp_path, seed, drawn, prefect_api, KEPT_IN, run=run)


def _run_with_api(tmp_path: Path, drawn: hunt55world.WithApi, api_url: str, stall: hunt55world.Stall,
                  env: dict[str, str]) -> hunt49world.Ran:
    found, outcome = prefect56world.run_example(tmp_path, drawn.api, api_url, env, stall=stall)
    outcome.notes.append({"stalled": stall.held, "stop_to_end_s": stall.stop_to_end_s()})
    return found, outcome


def _run(tmp_path: Path, drawn: hunt55world.Example, stall: hunt55world.Stall,
         env: dict[str, str]) -> hunt49world.Ran:
    found, outcome = hunt49world.run_example(tmp_path, drawn.stop, env, stall=stall)
    outcome.notes.append({"stalled": stall.held, "stop_to_end_s": stall.stop_to_end_s()})
    return found, outcome
