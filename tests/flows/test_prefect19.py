"""Prefect 19 (docs/scheduling.md, "Prefect 19"): the machine's clock set back (or forward, past a sleep) while
`newsflow serve` serves makes the service plan its schedule again from now.

Set back by hours, the Prefect server kept the runs it had planned under the old clock, now hours ahead, and
planned no more (it plans only while fewer than 3 runs, or less than an hour, lie ahead): the runner, which asks
for the runs due in the next 10 s, started none for those hours. The system clock is not changed here (it is the
whole machine's): the step is given a wall clock that jumps, and the real session server does the re-planning.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from flows.ingest import ingest
from flows.serve import CLOCK_JUMP_S, deployment_name, replanned_after_a_clock_jump, resume, serve_options
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.exceptions import PrefectHTTPStatusError
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import serve
from newsflow.config import load_config


async def scheduled_runs(api_url: str, deployment_id: UUID) -> tuple[bool, set[UUID]]:
    """Whether the deployment is paused, and the ids of its Scheduled runs."""
    async with PrefectClient(api=api_url) as client:
        deployment = await client.read_deployment(deployment_id)
        runs = await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(
            any_=[deployment_id])))
    return bool(deployment.paused), {run.id for run in runs if run.state and run.state.is_scheduled()}


def test_a_clock_jump_between_two_polls_plans_the_schedule_again_and_a_steady_clock_does_not(
        tmp_path: Path, prefect_api: str) -> None:
    path = tmp_path / "clock.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 3600\n\n'
                    '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    set_back = [0.0]
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        deployment_id = UUID(str(Runner(name=deployment_name(config.path)).add_flow(ingest, **serve_options(config))))
        asyncio.run(resume(deployment_id)())
        step = replanned_after_a_clock_jump(deployment_id, wall=lambda: time.time() - set_back[0])
        asyncio.run(step())  # the first poll: its marks
        paused, planned = asyncio.run(scheduled_runs(prefect_api, deployment_id))
        assert not paused and planned, "resumed, with its runs"
        asyncio.run(step())  # a poll later, the clocks moved together
        assert asyncio.run(scheduled_runs(prefect_api, deployment_id)) == (False, planned), "planned again for nothing"
        set_back[0] = 3 * 3600.0  # the machine's clock set back 3 hours
        asyncio.run(step())
        paused, replanned = asyncio.run(scheduled_runs(prefect_api, deployment_id))
        assert not paused and replanned and not replanned & planned, (paused, planned, replanned)
        asyncio.run(pause(prefect_api, deployment_id))  # paused in the UI: the user's choice
        set_back[0] = 0.0  # set right again
        asyncio.run(step())
    assert asyncio.run(scheduled_runs(prefect_api, deployment_id))[0], "a paused deployment stays paused"
    assert CLOCK_JUMP_S < 3 * 3600.0


async def pause(api_url: str, deployment_id: UUID) -> None:
    async with PrefectClient(api=api_url) as client:
        await client.pause_deployment(deployment_id)


def test_a_replan_whose_resume_fails_resumes_on_the_next_turn_and_a_deleted_deployment_is_no_traceback(
        tmp_path: Path, prefect_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pause went through and the resume got a 500 (review): the next turn found the deployment paused, took it
    for the user's pause, and the schedule stayed paused for good while the service polled on."""
    path = tmp_path / "clock.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 3600\n\n'
                    '[[feeds]]\nname = "b"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    real_resume = serve.resume_with_its_runs
    failures = [1]

    async def resume_failing_once(client: PrefectClient, deployment_id: UUID) -> None:
        if failures:
            failures.clear()
            request = httpx.Request("POST", f"{prefect_api}/deployments/{deployment_id}/resume_deployment")
            raise PrefectHTTPStatusError("500", request=request, response=httpx.Response(500, request=request))
        await real_resume(client, deployment_id)

    set_back = [0.0]
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        deployment_id = UUID(str(Runner(name=deployment_name(config.path)).add_flow(ingest, **serve_options(config))))
        asyncio.run(resume(deployment_id)())
        step = replanned_after_a_clock_jump(deployment_id, wall=lambda: time.time() - set_back[0])
        asyncio.run(step())
        monkeypatch.setattr(serve, "resume_with_its_runs", resume_failing_once)
        set_back[0] = 3 * 3600.0
        with pytest.raises(PrefectHTTPStatusError):  # the loop rides it out and takes the step again
            asyncio.run(step())
        assert asyncio.run(scheduled_runs(prefect_api, deployment_id))[0], "paused, its resume failed"
        asyncio.run(step())
        paused, planned = asyncio.run(scheduled_runs(prefect_api, deployment_id))
        assert not paused and planned, "left paused after a resume that failed once"
        asyncio.run(step())  # the next poll, the clocks together again since the re-plan: once per jump
        assert asyncio.run(scheduled_runs(prefect_api, deployment_id)) == (False, planned), "planned again each poll"
        asyncio.run(delete(prefect_api, deployment_id))
        set_back[0] = 0.0
        asyncio.run(step())  # gone: `still_served` says so; no ObjectNotFound out of this step


async def delete(api_url: str, deployment_id: UUID) -> None:
    async with PrefectClient(api=api_url) as client:
        await client.delete_deployment(deployment_id)
