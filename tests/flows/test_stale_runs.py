"""Runs of an earlier plan of the schedule (docs/scheduling.md, "Prefect 32"): never started by `newsflow serve`.

Prefect 3.9.1's scheduler reads a deployment it plans in one database session and inserts its runs in a later one,
so a pause or a re-create committed in between is followed by Scheduled runs of the old plan (CI: 61 of them on a
paused, re-created deployment). A re-create also deletes only the runs ahead, never the ones that came due while
the service was down. Those runs are made here without the race, deterministically: the server plans a deployment
that stays paused (`POST /deployments/{id}/schedule`, the backfill Prefect documents), in the past, as a killed
service's active schedule had them. The Prefect server is the session's real one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from flows.ingest import ingest
from flows.serve import resume, serve_options
from flows.servestop import ServiceRunner
from flows.staleruns import is_stale
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.exceptions import ObjectNotFound
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Cancelled

from newsflow.config import load_config


def served_deployment(tmp_path: Path, stem: str) -> tuple[dict[str, object], UUID]:
    """`newsflow serve`'s deployment for a fresh config (60 s interval), created paused as the service does."""
    path = tmp_path / f"{stem}.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 60\n\n'
                    '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    options = serve_options(load_config(path))
    return options, created_again(options)


def created_again(options: dict[str, object]) -> UUID:
    """What a service's start does to its deployment (called outside an event loop: Prefect then returns the id)."""
    return UUID(str(Runner(name=str(options["name"])).add_flow(ingest, **options)))  # type: ignore[arg-type]


async def plan_from_now(client: PrefectClient, deployment_id: UUID) -> None:
    await client.request("POST", "/deployments/{id}/schedule", path_params={"id": deployment_id}, json={})


async def plan_late_runs(client: PrefectClient, deployment_id: UUID, minutes: int) -> None:
    """What the scheduler planned for a killed service's active schedule over the last `minutes`."""
    right_now = datetime.now(UTC)
    await client.request("POST", "/deployments/{id}/schedule", path_params={"id": deployment_id},
                         json={"start_time": (right_now - timedelta(minutes=minutes)).isoformat(),
                               "end_time": (right_now - timedelta(seconds=30)).isoformat(), "min_runs": 1})


async def scheduled_runs(client: PrefectClient, deployment_id: UUID) -> list[FlowRun]:
    runs = await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))
    return [run for run in runs if run.state and run.state.is_scheduled()]


def test_the_late_runs_of_an_earlier_plan_are_deleted_as_the_service_resumes(tmp_path: Path, prefect_api: str) -> None:
    """On main the re-create left them (it deletes only the runs ahead) and the resume kept them: the runner's
    first poll took every one of them, a burst of late runs that the concurrency limit mostly cancelled."""
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        options, deployment_id = served_deployment(tmp_path, "late")

        asyncio.run(with_client(prefect_api, lambda client: plan_late_runs(client, deployment_id, minutes=10)))
        assert created_again(options) == deployment_id  # the next service's start

        async def before_and_after() -> tuple[list[FlowRun], list[FlowRun], set[UUID], datetime]:
            async with PrefectClient(api=prefect_api) as client:
                left = await scheduled_runs(client, deployment_id)
                resumed_at = datetime.now(UTC)
                await resume(deployment_id)()
                schedules = {each.id for each in (await client.read_deployment(deployment_id)).schedules}
                return left, await scheduled_runs(client, deployment_id), schedules, resumed_at
        left, planned, schedules, resumed_at = asyncio.run(before_and_after())
    assert len(left) >= 9, f"the premise: the re-create leaves the late runs ({len(left)} left)"
    assert planned, "resumed without its runs"
    stale = [run for run in planned if run.created_by is None or run.created_by.id not in schedules]
    late = [run for run in planned if run.expected_start_time and run.expected_start_time < resumed_at]
    assert not stale and not late, f"{len(stale)} runs of an earlier plan, {len(late)} late, left for the runner"


def test_the_runner_deletes_a_stale_run_instead_of_starting_it(tmp_path: Path, prefect_api: str) -> None:
    """A run of an earlier plan that a late insert of the scheduler's left after the resume's sweep, and a run
    planned while the deployment is paused: the runner's first call for each deletes it, and no concurrency slot is
    taken; a run of the current plan starts (Pending), and a run made by hand is never judged stale."""
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        options, deployment_id = served_deployment(tmp_path, "guard")

        asyncio.run(with_client(prefect_api, lambda client: plan_late_runs(client, deployment_id, minutes=3)))
        created_again(options)  # a new plan: the late runs are stale

        async def judged() -> tuple[bool, bool, bool, bool]:
            async with PrefectClient(api=prefect_api) as client:
                await client.resume_deployment(deployment_id)  # as a resume whose sweep came before the insert
                await plan_from_now(client, deployment_id)
                deployment = await client.read_deployment(deployment_id)
                current = {each.id for each in deployment.schedules}
                runs = await scheduled_runs(client, deployment_id)
                old = next(run for run in runs if run.created_by and run.created_by.id not in current)
                new = min((run for run in runs if run.created_by and run.created_by.id in current),
                          key=lambda run: run.expected_start_time or datetime.max.replace(tzinfo=UTC))
                async with ServiceRunner(name=str(options["name"])) as runner:
                    old_started = await runner._state_proposer.propose_pending(old)
                    old_gone = await gone(client, old.id)
                    new_started = await runner._state_proposer.propose_pending(new)
                    await client.set_flow_run_state(new.id, Cancelled(), force=True)  # frees the slot it took
                    await client.pause_deployment(deployment_id)
                    await plan_from_now(client, deployment_id)  # what the scheduler's race leaves on a paused one
                    while_paused = (await scheduled_runs(client, deployment_id))[0]
                    paused_started = await runner._state_proposer.propose_pending(while_paused)
                    by_hand = await client.create_flow_run_from_deployment(deployment_id)
                    hand_stale = is_stale(by_hand, await client.read_deployment(deployment_id))
                    return (old_started or not old_gone, not new_started,
                            paused_started or not await gone(client, while_paused.id), hand_stale)
        old_ran, new_refused, paused_ran, hand_stale = asyncio.run(judged())
    assert not old_ran, "a run of an earlier plan was started (or left)"
    assert not new_refused, "a run of the current plan was refused"
    assert not paused_ran, "a run planned while paused was started (or left)"
    assert not hand_stale, "a run made by hand was judged stale"


async def with_client(api_url: str, step: Callable[[PrefectClient], Awaitable[None]]) -> None:
    async with PrefectClient(api=api_url) as client:
        await step(client)


async def gone(client: PrefectClient, flow_run_id: UUID) -> bool:
    try:
        await client.read_flow_run(flow_run_id)
    except ObjectNotFound:
        return True
    return False


def test_a_run_planned_by_a_server_that_names_no_schedule_is_not_judged_stale(
        tmp_path: Path, prefect_api: str) -> None:
    """A Prefect server before 3.2 (a user's `PREFECT_API_URL`; the client's handshake accepts any 3.x) plans
    runs without `created_by`. Judged stale, every run of the schedule was deleted as the runner took it: the
    service ran nothing, ever. Such a run is judged by the pause alone. The run is this server's own, as that
    server would answer it (no `created_by`)."""
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        _, deployment_id = served_deployment(tmp_path, "unnamed")

        async def judged() -> tuple[bool, bool]:
            async with PrefectClient(api=prefect_api) as client:
                await client.resume_deployment(deployment_id)
                await plan_from_now(client, deployment_id)
                [run, *_] = await scheduled_runs(client, deployment_id)
                unnamed = run.model_copy(update={"created_by": None})
                active = is_stale(unnamed, await client.read_deployment(deployment_id))
                await client.pause_deployment(deployment_id)
                return active, is_stale(unnamed, await client.read_deployment(deployment_id))
        while_active, while_paused = asyncio.run(judged())
    assert not while_active, "a run of an active schedule, from a server that names no schedule, judged stale"
    assert while_paused, "a run planned for a paused deployment is stale whoever planned it"
