"""Runs Prefect's scheduler planned for a schedule `newsflow serve` no longer serves are deleted, never started.

Prefect 3.9.1's scheduler reads the deployments to plan (active ones only) in one database session and inserts
their runs in a later one. A pause (the runner's stop, the user's) or a re-create (`newsflow serve` starting,
which replaces the schedule and deletes the runs planned ahead) that commits in between is followed by the
scheduler's insert: the deployment is paused, or has a new schedule, and holds up to 100 Scheduled runs of the
old plan (CI saw 61, for a 60 s interval: an hour of them). Resumed, the service then ran each slot twice (the
old plan's run beside the new one's) or, for runs that had come due while it was down, a burst of late runs
(a re-create deletes only the runs ahead; a pause deletes them all, but the race refills them). Nothing a
client does to a deployment the scheduler may be reading can exclude the race, so the service tolerates it:

- `delete_stale_runs`, as the service resumes its schedule: every auto-scheduled run still Scheduled whose
  schedule is not one of the deployment's active ones, or all of them while it is paused (what Prefect's own
  pause deletes), late ones too.
- `is_stale`, for each run the runner is about to start (flows/servestop.py): a stale run a late insert left
  after that sweep is deleted instead of started. Runs made by hand (the UI's Run, `prefect deployment run`)
  are never touched.
"""

from __future__ import annotations

from uuid import UUID

from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.responses import DeploymentResponse
from prefect.exceptions import ObjectNotFound

PAGE = 200  # the server's default page; the scheduler plans at most 100 runs a schedule
AWAITING_SLOT = "AwaitingConcurrencySlot"  # a Scheduled run Prefect's own deletes leave alone


def is_stale(run: FlowRun, deployment: DeploymentResponse) -> bool:
    """A run the scheduler planned, still Scheduled and never run, whose plan the deployment no longer has:
    it is paused, or the run's schedule is not one of its active ones. A run that names no schedule (a Prefect
    server before 3.2 plans them so, and the client accepts any 3.x server) is judged by the pause alone: taken
    for stale, every run of such a server's schedule was deleted as the runner took it (review)."""
    if not run.auto_scheduled or run.run_count or run.state is None or run.state.type is not StateType.SCHEDULED:
        return False
    if run.state.name == AWAITING_SLOT:
        return False
    if deployment.paused:
        return True
    if run.created_by is None:  # a server before Prefect 3.2 names no schedule: no plan to judge the run by
        return False
    active = {schedule.id for schedule in deployment.schedules if schedule.active}
    return run.created_by.id not in active


async def delete_stale_runs(client: PrefectClient, deployment_id: UUID) -> int:
    """Delete the deployment's stale runs (`is_stale`); how many went."""
    deployment = await client.read_deployment(deployment_id)
    deleted = 0
    while True:
        scheduled = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.SCHEDULED]))), limit=PAGE)
        stale = [run for run in scheduled if is_stale(run, deployment)]
        for run in stale:
            try:
                await client.delete_flow_run(run.id)
            except ObjectNotFound:  # taken or deleted meanwhile (a user, another sweep)
                continue
            deleted += 1
        if len(scheduled) < PAGE or not stale:  # the last page, or one with nothing more to delete
            return deleted
