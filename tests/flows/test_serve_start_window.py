"""Prefect 18: a stop while `newsflow serve` sets up leaves its schedule paused (docs/scheduling.md, "Prefect 18").

Prefect's `Flow.serve` creates the deployment, schedule active, and only then starts its runner, which pauses
the schedule when it stops. A SIGTERM (`systemctl stop`, a supervisor's restart) between the two, or inside
the runner's start before it counts as started (its handler then calls `sys.exit(0)`), ended the service
with the schedule active: the server went on creating runs that no runner took, and a later service started
all the late ones it found. Now the deployment is created paused and is resumed once the runner polls.

The signal is sent by the child itself, from a wrapper of Prefect's runner method named, so it lands in that
window with no sleep to aim it. The Prefect server is the session's real one.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flows.serve import deployment_name
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

from tests.hostile.subprocesses import REPO

CHILD = """
import os, signal, sys
from flows import configure_prefect_environment
configure_prefect_environment()
from prefect.runner.runner import Runner

if {hook!r} == "start":  # after the deployment exists, before the runner starts
    original_start = Runner.start
    def start(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return original_start(self, *args, **kwargs)
    Runner.start = start
else:  # the runner's own SIGTERM handler is in, but the runner is not started yet
    original_enter = Runner.__aenter__
    async def enter(self):
        os.kill(os.getpid(), signal.SIGTERM)
        return await original_enter(self)
    Runner.__aenter__ = enter

sys.argv = ["newsflow", "serve", "--config", {config!r}]
from newsflow.launch import main
raise SystemExit(main())
"""


async def deployment_state(api_url: str, name: str) -> tuple[bool, int]:
    """Whether the deployment is paused, and how many of its runs are Scheduled."""
    async with PrefectClient(api=api_url) as client:
        deployment = await client.read_deployment_by_name(f"ingest/{name}")
        runs = await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(
            any_=[deployment.id])))
    return bool(deployment.paused), sum(1 for run in runs if run.state and run.state.is_scheduled())


@pytest.mark.parametrize("hook", ["start", "aenter"])
def test_a_sigterm_while_serve_sets_up_leaves_the_schedule_paused(hook: str, tmp_path: Path,
                                                                  prefect_api: str) -> None:
    config = tmp_path / f"window-{hook}.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 1\n\n'
                      '[execution]\nrun_budget_seconds = 30\n\n'
                      '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # the session's server, found as serve does
    code = CHILD.format(hook=hook, config=str(config))
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=180)
    paused, scheduled = asyncio.run(deployment_state(prefect_api, deployment_name(config.resolve())))
    assert paused, f"the schedule was left active (exit {child.returncode}): {child.stderr[-1500:]}"
    assert scheduled == 0, f"{scheduled} runs left Scheduled for no runner"
    assert "Traceback" not in child.stderr, child.stderr
    said = (child.stdout + child.stderr).splitlines()  # "newsflow serve: stopped" goes to stdout
    lines = [line for line in said if line.startswith("newsflow") and not line.startswith("newsflow: Prefect UI at")]
    assert child.returncode in (0, 130) and len(lines) == 1, (child.returncode, child.stdout, child.stderr)
