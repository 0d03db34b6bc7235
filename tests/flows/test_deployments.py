"""`prefect.yaml`: read by Prefect's own loader, deployed with `prefect deploy --all` to a process
work pool on the session's Prefect server, and run there by a real `prefect worker`: by hand with
`prefect deployment run 'ingest/manual' -p feeds=[...]`, and by the server's scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from flows.serve import one_run_at_a_time, schedule_for, serve_options
from prefect.cli.deploy._config import _load_deploy_configs_and_actions
from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, FlowRun
from prefect.client.schemas.responses import DeploymentResponse
from prefect.client.schemas.schedules import IntervalSchedule
from prefect.exceptions import ObjectAlreadyExists
from prefect.flows import load_flow_from_entrypoint
from prefect.runner import Runner
from prefect.testing.cli import invoke_and_assert
from rich.console import Console

from newsflow.config import ScheduleSettings, load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.localserver import LocalServer

ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = ROOT / "prefect.yaml"


def load_deployments() -> tuple[dict[str, dict[str, Any]], str]:
    console = Console(record=True, width=200)
    configs, _ = _load_deploy_configs_and_actions(PREFECT_YAML, console=console)
    return {c["name"]: c for c in configs}, console.export_text()


def test_prefect_yaml_passes_prefects_loader_with_two_deployments() -> None:
    deployments, complaints = load_deployments()
    assert complaints == "", "Prefect's loader skips a prefect.yaml it cannot validate, and says why"
    assert sorted(deployments) == ["manual", "scheduled"]
    scheduled, manual = deployments["scheduled"], deployments["manual"]
    [schedule] = [_schedule_config_to_deployment_schedule(s)["schedule"] for s in scheduled["schedules"]]
    assert isinstance(schedule, IntervalSchedule) and schedule.interval == timedelta(seconds=900)
    assert manual["schedules"] == []
    for deployment in (scheduled, manual):
        assert deployment["entrypoint"] == "flows/ingest.py:ingest"
        assert deployment["work_pool"]["name"] == "newsflow"
        limit = deployment["concurrency_limit"]
        assert limit["limit"] == 1 and ConcurrencyLimitStrategy(limit["collision_strategy"]).value == "CANCEL_NEW"


def test_prefect_yaml_entrypoint_and_parameters_fit_the_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    deployments, _ = load_deployments()
    for deployment in deployments.values():
        flow = load_flow_from_entrypoint(deployment["entrypoint"])
        assert flow.name == "ingest"
        validated = flow.validate_parameters(deployment["parameters"])
        assert validated == {"config_path": "config/newsflow.toml", "feeds": None, "all_feeds": False}
        assert load_config(ROOT / deployment["parameters"]["config_path"]).feeds


def test_serve_uses_same_limit_and_the_configured_schedule(tmp_path: Path) -> None:
    assert one_run_at_a_time().limit == 1
    assert one_run_at_a_time().collision_strategy is ConcurrencyLimitStrategy.CANCEL_NEW
    cron = schedule_for(ScheduleSettings(cron="*/15 * * * *", timezone="Europe/Berlin"))
    assert (cron.cron, cron.timezone) == ("*/15 * * * *", "Europe/Berlin")
    every = schedule_for(ScheduleSettings(interval=900))
    assert every.interval == timedelta(seconds=900)
    config = load_config(ROOT / "config" / "newsflow.toml")
    options = serve_options(config)
    assert options["parameters"] == {"config_path": str(config.path)}
    # Created paused, resumed by the runner's poll loop (Prefect 18); a Prefect upgrade renaming a
    # parameter of `add_flow` fails here, not in a served run.
    assert options["paused"] is True and options["concurrency_limit"] == one_run_at_a_time()
    assert set(options) <= set(inspect.signature(Runner.add_flow).parameters)


async def read_deployments() -> dict[str, DeploymentResponse]:
    async with get_client() as client:
        return {name: await client.read_deployment_by_name(f"ingest/{name}") for name in ("scheduled", "manual")}


async def create_work_pool() -> None:
    async with get_client() as client:
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name="newsflow", type="process", concurrency_limit=1))


@pytest.fixture(scope="module")
def deployed(prefect_api: str) -> None:
    """`prefect deploy --all` from the project's prefect.yaml, to a process work pool, once."""
    asyncio.run(create_work_pool())
    with contextlib.chdir(ROOT):
        invoke_and_assert(["--no-prompt", "deploy", "--all", "--prefect-file", str(PREFECT_YAML)], expected_code=0,
                          expected_output_contains=["ingest/scheduled", "ingest/manual"], echo=False)
    # Its 900-second schedule polls the public feeds of config/newsflow.toml: never in a test.
    asyncio.run(pause("scheduled"))


@pytest.fixture(scope="module")
def worker(prefect_api: str, deployed: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One `prefect worker start --pool newsflow` for the module; it asks for work every second."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_WORKER_QUERY_SECONDS": "1",
           "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", "newsflow",
                                    "--type", "process"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield log_path
    finally:
        process.terminate()  # a worker may ignore the first SIGTERM (stack-facts)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_prefect_deploy_all_creates_both_deployments_on_the_server(deployed: None) -> None:
    deployments = asyncio.run(read_deployments())
    scheduled, manual = deployments["scheduled"], deployments["manual"]
    assert [s.schedule.interval for s in scheduled.schedules] == [timedelta(seconds=900)]  # type: ignore[union-attr]
    assert manual.schedules == []
    for deployment in (scheduled, manual):
        assert deployment.work_pool_name == "newsflow"
        assert deployment.global_concurrency_limit and deployment.global_concurrency_limit.limit == 1
        assert deployment.concurrency_options
        assert deployment.concurrency_options.collision_strategy is ConcurrencyLimitStrategy.CANCEL_NEW
        assert deployment.parameters == {"config_path": "config/newsflow.toml"}


async def deployment_runs(name: str) -> list[FlowRun]:
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(f"ingest/{name}")
        return await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))


def wait_for_completed_run(name: str, worker_log: Path, deadline_s: float = 120) -> FlowRun:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        runs = asyncio.run(deployment_runs(name))
        if done := [r for r in runs if r.state and r.state.is_completed()]:
            return done[0]
        if failed := [r for r in runs if r.state and r.state.is_final() and not r.state.is_cancelled()]:
            pytest.fail(f"{name} run ended {failed[0].state}: {worker_log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    log_tail = worker_log.read_text(errors="replace")[-3000:]
    pytest.fail(f"no completed ingest/{name} run in {deadline_s:.0f} s: {log_tail}")


async def pause(name: str) -> None:
    async with get_client() as client:
        await client.pause_deployment((await client.read_deployment_by_name(f"ingest/{name}")).id)


def polled_feeds(config_path: Path, run_id: str) -> list[str]:
    sql = f"SELECT feed_id FROM fetch_events WHERE kind = 'feed' AND run_id = '{run_id}' ORDER BY feed_id"
    return [str(r[0]) for r in run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows]


def three_feeds(tmp_path: Path, server: LocalServer) -> Path:
    feeds = {name: add_news_site(server, name, range(seed, seed + 2)) for name, seed in
             (("alpha", 1), ("beta", 10), ("gamma", 20))}
    return write_config(tmp_path, server.base_url, feeds)


def test_manual_deployment_run_polls_exactly_the_given_feeds(
    tmp_path: Path, server: LocalServer, worker: Path
) -> None:
    config_path = three_feeds(tmp_path, server)
    invoke_and_assert(["deployment", "run", "ingest/manual", "-p", f"config_path={config_path}",
                       "-p", 'feeds=["alpha","gamma"]'], expected_code=0, echo=False)
    run = wait_for_completed_run("manual", worker)
    assert polled_feeds(config_path, str(run.id)) == ["alpha", "gamma"]
    assert server.hits("/beta/rss.xml") == []


def test_scheduled_deployment_fires_on_the_worker(tmp_path: Path, server: LocalServer, worker: Path) -> None:
    """prefect.yaml's `scheduled` deployment, as is but for a 2-second interval and the test's config."""
    config_path = three_feeds(tmp_path, server)
    spec = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    [scheduled] = [d for d in spec["deployments"] if d["name"] == "scheduled"]
    scheduled["schedules"][0]["interval"] = 2
    scheduled["parameters"]["config_path"] = str(config_path)
    spec["deployments"] = [scheduled]
    fast_yaml = tmp_path / "prefect.yaml"
    fast_yaml.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with contextlib.chdir(ROOT):
        invoke_and_assert(["--no-prompt", "deploy", "--all", "--prefect-file", str(fast_yaml)], expected_code=0,
                          echo=False)
    try:
        run = wait_for_completed_run("scheduled", worker)
    finally:
        asyncio.run(pause("scheduled"))
    assert run.expected_start_time and run.auto_scheduled, "created by the server's scheduler"
    assert polled_feeds(config_path, str(run.id)) == ["alpha", "beta", "gamma"]
