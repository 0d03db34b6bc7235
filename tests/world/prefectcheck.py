"""What a world's flow runs left in Prefect: after a run that exited 0, no `ingest` flow run of the
world's config is still Running. A run the world SIGKILLed never reports its end; the next run's
sweep (flows/zombies.py) must have marked it Crashed, or Prefect's UI shows it Running for ever."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType

from tests.world.invariants import Violation


async def running_ingest_runs(api_url: str, config_path: Path) -> list[FlowRun]:
    """The `ingest` flow runs of this config that Prefect has in state Running."""
    async with PrefectClient(api=api_url) as client:
        running = await client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["ingest"])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.RUNNING]))))
    return [r for r in running if r.parameters.get("config_path") == str(config_path)]


async def running_flow_runs(api_url: str, config_path: Path) -> list[str]:
    """Names of the `ingest` flow runs of this config that Prefect has in state Running."""
    return [f"{r.name} ({r.id})" for r in await running_ingest_runs(api_url, config_path)]


def no_prefect_zombie(api_url: str, config_path: Path, run: int) -> list[Violation]:
    left = asyncio.run(running_flow_runs(api_url, config_path))
    return [Violation(run, "no_prefect_zombie", f"still Running after a run that ended: {left[:3]}")] if left else []
