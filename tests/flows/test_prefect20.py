"""Prefect 20 (docs/scheduling.md, "Prefect 20"): `newsflow serve` stopped while its runner starts a run.

Prefect 3.9.1's runner, told to stop (`Runner.astop`), cancels the runs it has a process for, and then waits
for every run it is submitting. A run its last poll took (Pending) whose process was not spawned yet, or
spawned but not yet registered, had none: the runner waited for it to run to its end, up to
`run_budget_seconds`, past a supervisor's stop timeout (systemd's 90 s), whose SIGKILL left the run Running.

The SIGTERM is sent by the child itself, from a wrapper of the Prefect step named, so it lands in that window
with no sleep to aim it. The Prefect server is the session's real one; the feed is a loopback news site.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flows.serve import deployment_name
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import FlowRun

from newsflow.config import load_config
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.hostile.subprocesses import REPO
from tests.localserver import LocalServer

STOPPING_CHILD = """
import asyncio, os, signal, sys, time
from flows import configure_prefect_environment
configure_prefect_environment()
from prefect.runner._process_manager import ProcessManager
from prefect.runner._state_proposer import StateProposer
from prefect.runner.runner import Runner

sent = []
def sigterm():  # once: the poll may have taken two runs (the server cancels the second, the limit is 1)
    if sent:
        return
    sent.append(1)
    print(f"sigterm-sent-at {{time.monotonic()}}", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)

if {hook!r} == "pending":  # the run is Pending (the poll took it), its process not spawned yet
    original_pending = StateProposer.propose_pending
    async def propose_pending(self, flow_run):
        proposed = await original_pending(self, flow_run)
        sigterm()
        return proposed
    StateProposer.propose_pending = propose_pending
else:  # its process is spawned, and the runner's stop has run before the runner knows of it
    stopped = []
    original_astop = Runner.astop
    async def astop(self):
        await original_astop(self)
        stopped[0].set()
    Runner.astop = astop
    original_add = ProcessManager.add
    async def add(self, flow_run_id, handle):
        if not stopped:
            stopped.append(asyncio.Event())
            sigterm()
            await stopped[0].wait()
        return await original_add(self, flow_run_id, handle)
    ProcessManager.add = add

sys.argv = ["newsflow", "serve", "--config", {config!r}]
from newsflow.launch import main
raise SystemExit(main())
"""


async def flow_runs_of(api_url: str, name: str) -> list[FlowRun]:
    async with PrefectClient(api=api_url) as client:
        deployment = await client.read_deployment_by_name(f"ingest/{name}")
        return await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(
            any_=[deployment.id])))


def stored_articles(config_path: Path) -> int:
    from newsflow.warehouse import Warehouse, run_read_query
    warehouse = load_config(config_path).warehouse_path
    if not warehouse.exists():
        return 0
    [(count,)] = run_read_query(Warehouse(warehouse), "SELECT count(*) FROM articles").rows
    return int(str(count))


@pytest.mark.slow
@pytest.mark.parametrize("hook", ["pending", "spawned"])
def test_a_sigterm_while_the_runner_starts_a_run_cancels_that_run_and_ends_serve_at_once(
        hook: str, tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    """On main (Prefect's runner alone) the run went on to its end, Completed with its articles stored, and
    `serve` waited for it; now it ends Cancelled, before its process runs the flow or as it starts it."""
    feeds = {"alpha": add_news_site(server, f"alpha-{hook}", range(1, 3))}
    config_path = write_config(tmp_path, server.base_url, feeds)
    with config_path.open("a", encoding="utf-8") as config:
        config.write("\n[schedule]\ninterval = 2\n\n[execution]\nrun_budget_seconds = 60\n")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    child = subprocess.run([sys.executable, "-c", STOPPING_CHILD.format(hook=hook, config=str(config_path))],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    ended_at = time.monotonic()
    said = child.stdout + child.stderr
    [sent_at] = [float(line.split()[1]) for line in child.stderr.splitlines() if line.startswith("sigterm-sent-at")]
    runs = asyncio.run(flow_runs_of(prefect_api, deployment_name(load_config(config_path).path)))
    taken = [run for run in runs if run.state and not run.state.is_scheduled()
             and run.state.message != "Deployment concurrency limit reached."]
    assert taken, f"no run was taken: {said[-2000:]}"
    states = {str(run.id): (run.state.type.value if run.state else None, run.state and run.state.message)
              for run in taken}
    assert all(run.state and run.state.is_cancelled() for run in taken), f"{states}\n{said[-3000:]}"
    assert stored_articles(config_path) == 0, f"the stopped run stored articles: {states}"
    assert child.returncode == 0 and "Traceback" not in said, said[-3000:]
    lines = [line for line in said.splitlines() if line.startswith("newsflow") and "Prefect UI at" not in line]
    assert lines == ["newsflow serve: stopped"], said[-3000:]  # on stdout
    print(f"\n{hook}: SIGTERM to exit {ended_at - sent_at:.1f} s; the run: {states}")
    assert ended_at - sent_at < 30, f"serve took {ended_at - sent_at:.1f} s to stop"
