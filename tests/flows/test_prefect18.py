"""Prefect 18 (docs/scheduling.md, "Prefect 18"): a stop while `newsflow serve` sets up leaves its schedule
paused; its deployment deleted while it serves ends it in one line, exit 4.

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
import signal
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

import anyio
import pytest
from flows.ingest import ingest
from flows.serve import DeploymentGone, deployment_gone, deployment_name, resume, serve_options, still_served
from flows.servepatience import patient_service_loop
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.exceptions import ObjectNotFound
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings

from newsflow.config import load_config
from tests.flows.test_serve import served_flow_runs, start_serve, wait_for
from tests.hostile.subprocesses import REPO
from tests.localserver import LocalServer

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


LOCAL_ONLY = pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a child's start, ~13 s); "
                                "in CI the `aenter` case proves the same fix, the deployment created paused")


@pytest.mark.parametrize("hook", [pytest.param("start", marks=LOCAL_ONLY), "aenter"])
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


async def a_deployment(api_url: str, name: str) -> str:
    async with PrefectClient(api=api_url) as client:
        flow_id = await client.create_flow_from_name("prefect18-probe")
        return str(await client.create_deployment(flow_id=flow_id, name=name))


async def delete_deployment(api_url: str, name: str) -> None:
    async with PrefectClient(api=api_url) as client:
        await client.delete_deployment((await client.read_deployment_by_name(name)).id)


def test_the_poll_loop_stops_on_a_deleted_deployment_and_the_reason_survives_the_stop(prefect_api: str) -> None:
    """The check each poll makes, against the real server: silent while the deployment is there, and
    `DeploymentGone` out of the loop once it is deleted; found again under what the runner's stop raises."""
    deployment_id = UUID(asyncio.run(a_deployment(prefect_api, "gone-soon")))
    polls: list[int] = []

    async def workload() -> None:
        polls.append(1)
        if len(polls) == 2:
            await delete_deployment(prefect_api, "prefect18-probe/gone-soon")

    check = still_served(deployment_id, "gone-soon", every_s=0.0)
    with pytest.raises(DeploymentGone, match="ingest/gone-soon was deleted"):
        anyio.run(lambda: patient_service_loop(prefect_api, 60.0, every=check)(workload, 0.0))
    assert len(polls) == 3, "the loop polled on after its deployment was deleted (one 404 is ridden out)"
    try:
        try:
            raise ExceptionGroup("runner", [DeploymentGone("gone")])
        except ExceptionGroup:
            raise RuntimeError("pausing a deleted deployment: 404") from None  # what the runner's stop raises
    except RuntimeError as stop:
        assert isinstance(deployment_gone(stop), DeploymentGone)


@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~20 s); in CI "
                    "test_the_poll_loop_stops_on_a_deleted_deployment_and_the_reason_survives_the_stop checks the step")
def test_serve_whose_deployment_is_deleted_says_so_in_one_line_and_exits_4(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """On main the service went on polling for runs of a deployment that was gone, for ever, saying nothing,
    and its SIGTERM then ended it with exit 4 and "the Prefect API ... stopped answering (ObjectNotFound)"."""
    process = start_serve(tmp_path, server, prefect_api, {"a": "/missing.xml"})
    config_path = tmp_path / "newsflow.toml"
    name = deployment_name(load_config(config_path).path)
    try:
        def resumed() -> bool:
            try:
                return not asyncio.run(served_flow_runs(prefect_api, config_path))[1]
            except Exception:  # not created yet
                return False

        wait_for(resumed, 120, "the service's deployment, resumed")
        asyncio.run(delete_deployment(prefect_api, f"ingest/{name}"))
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        said = (tmp_path / "serve.log").read_text(errors="replace")
        assert process.poll() == 4, f"still serving a deleted deployment 60 s on: {said[-1500:]}"
        lines = [line for line in said.splitlines() if line.startswith("newsflow") and "Prefect UI at" not in line]
        assert len(lines) == 1 and f"ingest/{name} was deleted" in lines[0], said[-1500:]
        assert "Traceback" not in said, said[-3000:]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()


def test_one_404_on_the_deployment_read_does_not_stop_the_service(prefect_api: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A single 404 (a proxy's, a server's hiccup) between two good reads: the loop polls on (review)."""
    deployment_id = UUID(asyncio.run(a_deployment(prefect_api, "hiccup")))
    original = PrefectClient.read_deployment
    reads: list[int] = []

    async def read_once_missing(self: PrefectClient, wanted: UUID) -> object:
        reads.append(1)
        if len(reads) == 2:
            raise ObjectNotFound(http_exc=Exception("404"))
        return await original(self, wanted)
    monkeypatch.setattr(PrefectClient, "read_deployment", read_once_missing)
    polls: list[int] = []

    class Enough(Exception):
        pass

    async def workload() -> None:
        polls.append(1)
        if len(polls) == 4:
            raise Enough

    with temporary_settings({PREFECT_API_URL: prefect_api}), pytest.raises(Enough):
        check = still_served(deployment_id, "hiccup", every_s=0.0)
        anyio.run(lambda: patient_service_loop(prefect_api, 60.0, every=check)(workload, 0.0))
    assert len(reads) == 4 and len(polls) == 4


def test_a_restart_keeps_the_deployment_id_and_the_resume_has_its_runs_before_the_first_poll(
        tmp_path: Path, prefect_api: str) -> None:
    """`serve_ingest`'s deployment: the same id (its history) on a restart, created (and re-created) paused, and
    once resumed its runs are there at once: left to the scheduler's next loop, the first run waited for the
    runner's second poll (start lateness +7..13 s, review)."""
    path = tmp_path / "restart.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 60\n\n'
                    '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    name = deployment_name(config.path)
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        first = Runner(name=name).add_flow(ingest, **serve_options(config))
        assert asyncio.run(deployment_state(prefect_api, name)) == (True, 0), "created paused, no run"
        asyncio.run(resume(UUID(str(first)))())
        paused, scheduled = asyncio.run(deployment_state(prefect_api, name))
        assert not paused and scheduled > 0, f"resumed: {paused=}, {scheduled} Scheduled runs"
        again = Runner(name=name).add_flow(ingest, **serve_options(config))
    assert again == first, "a restart of serve keeps its deployment (id, history)"
    # Paused, but not "with no Scheduled run": the scheduler may have read the deployment active just before the
    # re-create and insert that plan's runs just after it (CI saw 61, once in 5 runs; docs/scheduling.md, Prefect
    # 32). The service deletes them as it resumes and never starts one: tests/flows/test_stale_runs.py.
    assert asyncio.run(deployment_state(prefect_api, name))[0], "re-created paused"
