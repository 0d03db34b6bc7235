"""`prefect.yaml`: read by Prefect's own loader, then deployed with `prefect deploy --all` against
the session's Prefect API, and read back from the server."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flows.serve import one_run_at_a_time, schedule_for, serve_options
from prefect.cli.deploy._config import _load_deploy_configs_and_actions
from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from prefect.client.schemas.responses import DeploymentResponse
from prefect.client.schemas.schedules import IntervalSchedule
from prefect.exceptions import ObjectAlreadyExists
from prefect.flows import load_flow_from_entrypoint
from prefect.testing.cli import invoke_and_assert
from rich.console import Console

from newsflow.config import ScheduleSettings, load_config

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
    assert serve_options(config)["parameters"] == {"config_path": str(config.path)}


async def read_deployments() -> dict[str, DeploymentResponse]:
    async with get_client() as client:
        return {name: await client.read_deployment_by_name(f"ingest/{name}") for name in ("scheduled", "manual")}


async def create_work_pool() -> None:
    async with get_client() as client:
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name="newsflow", type="process", concurrency_limit=1))


@pytest.mark.usefixtures("prefect_harness")
def test_prefect_deploy_all_creates_both_deployments_on_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    asyncio.run(create_work_pool())
    invoke_and_assert(["deploy", "--all", "--prefect-file", str(PREFECT_YAML)], expected_code=0,
                      expected_output_contains=["ingest/scheduled", "ingest/manual"], echo=False)
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
