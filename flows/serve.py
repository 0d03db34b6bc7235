"""`newsflow serve`: the `ingest` flow on the config's schedule, through Prefect's own runner (what
`Flow.serve` does, but with the schedule active only while the runner polls).

Prefect's runner polls the API for due runs and starts each one in a child process, so this
process never opens the warehouse: between runs `newsflow query` works. Runs never overlap:
the deployment has a concurrency limit of 1 with the CANCEL_NEW strategy, so a run that comes
due while another is still going is Cancelled by the Prefect server ("Deployment concurrency
limit reached"), which records it. A run that still finds the warehouse held, by a manual
`newsflow run` for instance, ends Cancelled too and is recorded as 'skipped' in `runs`
(flows/ingest.py). As it starts, the service marks Crashed the runs a killed process left
Running, and ends its own deployment's runs a stopped service left Pending or Cancelling, which would
hold the one slot (flows/zombies.py). SIGTERM and SIGINT stop the runner: it cancels a run in flight, pauses the
schedule and exits.

Each config has its own deployment, `ingest/serve-<config file's stem>-<hash of its path>`, the same
across restarts: two services on two configs against one Prefect server no longer share one
deployment whose parameters (the config path) the second replaced. The deployment every service
shared before, `ingest/serve`, is deleted as a service starts (its scheduled runs with it) unless
another config's service, an older newsflow, still serves it.

The deployment is created paused and resumed by the runner's poll loop before its first poll
(flows/servepatience.py): `Flow.serve` created it active and then started the runner, which pauses it
as it stops, so a SIGTERM between the two left the schedule active with no runner (Prefect 18). The resume
first deletes the runs of an earlier plan that Prefect's scheduler left Scheduled, and the runner never starts
one (flows/staleruns.py, Prefect 32).
"""

from __future__ import annotations

import asyncio
import math
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, cast
from uuid import UUID

from prefect import get_client
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy, DeploymentStatus
from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError, TerminationSignal
from prefect.schedules import Cron, Interval, Schedule

from flows.apiwatch import keep_lost_connections_on_one_line, server_error
from flows.deployments import deployment_name, served_from_here
from flows.ingest import ingest
from flows.observerpolling import observer_polling_on_one_line
from flows.servepatience import StopServing, Workload, describe, ride_out_failing_calls, say
from flows.servestop import ServiceRunner
from flows.staleruns import delete_stale_runs
from flows.zombies import end_stranded_runs, mark_crashed_zombies
from newsflow.config import Config, ScheduleSettings
from newsflow.errors import ConfigError
from newsflow.launch import is_default_or_starting
from newsflow.servicewatch import name_this_process_the_service

DEPLOYMENT_CHECK_S = 10.0  # Prefect's default poll: a deleted deployment is said within ~2 of these
CLOCK_JUMP_S = 120.0  # the machine's clock moved this far from the steady one between two polls: plan again
SHARED_DEPLOYMENT = "ingest/serve"  # what every config's service served before: deleted as a service starts


def schedule_for(settings: ScheduleSettings) -> Schedule:
    """`cron` (in `timezone`) when set, else every `interval` seconds."""
    if settings.cron:
        try:
            return Cron(settings.cron, timezone=settings.timezone)
        except ValueError as exc:  # five fields that are no cron ("61 * * * *"): was a traceback, exit 1
            raise ConfigError("schedule.cron", f"{settings.cron!r} is not a cron expression Prefect reads ({exc}); "
                              "write it like \"*/15 * * * *\"") from exc
    if settings.interval < 1:
        raise ConfigError("schedule.interval", "must be at least 1 second to serve on it, or set schedule.cron")
    return Interval(settings.interval, timezone=settings.timezone)


async def mark_zombies_crashed() -> list[UUID]:
    """Runs a killed process (an earlier service, say) left Running are marked Crashed first."""
    async with get_client() as client:
        return await mark_crashed_zombies(client)


async def end_runs_a_stopped_service_left(config_path: Path) -> list[UUID]:
    """This config's runs a stopped service left holding the schedule's slot are ended (flows/zombies.py)."""
    async with get_client() as client:
        return await end_stranded_runs(client, deployment_name(config_path))


async def retire_the_shared_deployment(config_path: Path) -> str | None:
    """Delete `ingest/serve`, which every config's service shared before, and its scheduled runs;
    what was done, or None. Left alone while a runner serves it for another config (an older
    newsflow still running): the server calls it READY while its runner polls."""
    async with get_client() as client:
        try:
            shared = await client.read_deployment_by_name(SHARED_DEPLOYMENT)
        except ObjectNotFound:
            return None
        ours = shared.parameters.get("config_path") == str(config_path)
        if not ours and shared.status is DeploymentStatus.READY:
            return (f"left the deployment {SHARED_DEPLOYMENT} alone: a service still serves it, for "
                    f"{shared.parameters.get('config_path')}; this config is served as "
                    f"ingest/{deployment_name(config_path)}")
        try:
            await client.delete_deployment(shared.id)
        except ObjectNotFound:  # another service starting at the same time deleted it first
            return None
    return (f"deleted the deployment {SHARED_DEPLOYMENT} (and its scheduled runs), which every config's service "
            f"shared before; this config is served as ingest/{deployment_name(config_path)}")


def tidy_up_before_serving(config: Config) -> None:
    """Mark the runs a killed process left Running, end this config's runs a stopped service left Pending, and
    retire `ingest/serve`. A Prefect API answering 5xx to any costs that step only, in one line: before, it ended
    the service (exit 4, "stopped answering")."""
    for what, step in (("check for runs a killed process left Running", mark_zombies_crashed),
                       ("check for runs a stopped service left Pending",
                        lambda: end_runs_a_stopped_service_left(config.path)),
                       (f"check for the old deployment {SHARED_DEPLOYMENT}",
                        lambda: retire_the_shared_deployment(config.path))):
        try:
            done = asyncio.run(step())
        except Exception as exc:
            if server_error(exc) is None:  # a lost API: what follows says so, in its one line
                raise
            say(f"could not {what} ({describe(exc)}); serving all the same, the next start checks again")
            continue
        if isinstance(done, str):
            say(done)


def one_run_at_a_time() -> ConcurrencyLimitConfig:
    """At most one run of the deployment; a run due while one is going is cancelled, not queued."""
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def serve_options(config: Config) -> dict[str, Any]:
    """The arguments of the runner's `add_flow` for this config (kept apart so a test can check them).

    Created paused: Prefect's `Flow.serve` created it active and only then started the runner that pauses it
    as it stops, so a SIGTERM in between (a supervisor's stop or restart) left it active, for no runner
    (Prefect 18). `serve_ingest` resumes it once the runner polls."""
    return {
        "name": deployment_name(config.path),
        "schedules": [schedule_for(config.schedule)],
        "concurrency_limit": one_run_at_a_time(),
        "parameters": {"config_path": str(config.path)},
        "description": f"newsflow ingest on the schedule in {config.path}",
        "tags": [served_from_here()],  # whose schedule a run here may pause once no service lives (flows/unserved.py)
        "paused": True,
    }


def resume(deployment_id: UUID) -> Workload:
    """The step that makes the schedule active: the runner's poll loop takes it before its first poll."""
    async def step() -> None:
        async with get_client() as client:
            stale = await resume_with_its_runs(client, deployment_id)
        if stale:
            say(f"deleted {stale} scheduled run(s) of an earlier plan of the schedule (left by Prefect's scheduler "
                "as the last service stopped or this one started); the schedule's runs are planned from now")
    return step


async def resume_with_its_runs(client: PrefectClient, deployment_id: UUID) -> int:
    """Resume, with its runs planned from now; how many stale runs of an earlier plan went first."""
    # Runs of an earlier plan first (flows/staleruns.py): the scheduler's race with a pause or the re-create
    # leaves them, and the re-create deletes only the runs ahead, never those that came due while it was down.
    stale = await delete_stale_runs(client, deployment_id)
    await client.resume_deployment(deployment_id)
    # Its runs now, as `Flow.serve`'s active deployment had them before the first poll: left to the
    # scheduler's next loop, the first run waited for the runner's next poll, up to 10 s late (review).
    # Idempotent with the scheduler's own (the same idempotency key per run), and retried with the resume.
    try:
        await client.request("POST", "/deployments/{id}/schedule", path_params={"id": deployment_id}, json={})
    except PrefectHTTPStatusError as exc:  # as the client's own calls say a 404
        if exc.response.status_code == 404:
            raise ObjectNotFound(http_exc=exc) from exc
        raise
    return stale


def replanned_after_a_clock_jump(deployment_id: UUID, wall: Callable[[], float] = time.time,
                                 steady: Callable[[], float] = time.monotonic) -> Workload:
    """Before each poll: when the machine's clock moved more than `CLOCK_JUMP_S` away from the steady clock
    since the last poll (set back, or forward past a sleep), pause and resume the deployment, which deletes its
    scheduled runs and plans them again from now. Set back by hours, the Prefect server kept the runs it had
    planned under the old clock, hours ahead, and planned no more (it plans while fewer than 3 lie ahead, or
    less than an hour): the service started no run for those hours (Prefect 19). A failing call is asked again
    on the next turn (the jump is remembered until the plan is made), under the API's patience. A deployment
    paused in the UI is left paused."""
    last: list[float] = []
    paused_here = [False]

    async def step() -> None:
        marks = [wall(), steady()]
        jump = (marks[0] - last[0]) - (marks[1] - last[1]) if last else 0.0
        if abs(jump) > CLOCK_JUMP_S and await plan_again(deployment_id, paused_here):
            say(f"the machine's clock jumped {jump:+.0f} s (set, or a sleep); the schedule's runs are planned "
                "again from now")
        last[:] = marks
    return step


async def plan_again(deployment_id: UUID, paused_here: list[bool]) -> bool:
    """Pause and resume the deployment, unless it is paused (the user's choice) or gone (`still_served` says so).

    `paused_here` remembers a pause whose resume failed (a 5xx, a lost connection: the loop asks again): the next
    turn found the deployment paused, took that for the user's choice, and left the schedule paused for good while
    the service polled on, saying nothing (review). A deployment deleted between the read and the pause or resume
    is left to `still_served` too: its 404 ended the service with a traceback (review)."""
    async with get_client() as client:
        try:
            if not paused_here[0] and (await client.read_deployment(deployment_id)).paused:
                return False
            paused_here[0] = True  # before the call: a pause the server made but whose answer was lost counts
            await client.pause_deployment(deployment_id)  # deletes its scheduled runs
            await resume_with_its_runs(client, deployment_id)
        except ObjectNotFound:
            paused_here[0] = False
            return False
    paused_here[0] = False
    return True


def in_turn(*steps: Workload) -> Workload:
    async def step() -> None:
        for each in steps:
            await each()
    return step


class DeploymentGone(StopServing):
    """The service's deployment was deleted from Prefect (its UI or API) while it served."""


def still_served(deployment_id: UUID, name: str, every_s: float = DEPLOYMENT_CHECK_S) -> Workload:
    """Before a poll, at most every `every_s` seconds: the deployment is still there. Deleted (the UI's
    Delete), the runner polled for its runs for ever, starting none and saying nothing, and its stop then
    failed on it (Prefect 18). Gone means not found by two checks in a row: one 404 (a proxy's, a server's
    hiccup) is no reason to stop the service (review). Not before every poll: at a poll a second, the
    check's call made each turn of the loop slower, and the API's patience saw fewer polls (Prefect 19)."""
    missing: list[int] = []
    checked = [-math.inf]

    async def step() -> None:
        if time.monotonic() - checked[0] < every_s:
            return
        checked[0] = time.monotonic()
        async with get_client() as client:
            try:
                await client.read_deployment(deployment_id)
            except ObjectNotFound:
                missing.append(1)
                if len(missing) < 2:
                    return
                raise DeploymentGone(f"its deployment ingest/{name} was deleted from Prefect (its UI or API) "
                                     "while it served") from None
        missing.clear()
    return step


def deployment_gone(error: BaseException | None) -> DeploymentGone | None:
    """The `DeploymentGone` in the (nested) exception groups, or in what the runner's stop raised over it."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DeploymentGone):
            return error
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                if (found := deployment_gone(inner)) is not None:
                    return found
        error = error.__context__
    return None


def serve_ingest(config: Config, api_url: str, on_stop: Callable[[], bool] | None = None) -> None:
    """Serve the schedule until SIGTERM or SIGINT; returns once the runner has stopped.

    The Prefect API must be a server (flows/cli.py finds or starts one): its scheduler creates the runs.
    This is what `ingest.serve` does, but for the schedule, active only while the runner polls: the runner
    pauses it as it stops (`pause_on_shutdown`), and a stop before it polls leaves it paused. `on_stop` is told of
    each stop signal the runner takes (`ServiceRunner.on_stop`).
    """
    tidy_up_before_serving(config)
    name_this_process_the_service()  # its runs end with it, killed outright too (newsflow/servicewatch.py)
    # On SIGINT Prefect's runner would wait for a run in flight to finish, which can take minutes;
    # on SIGTERM it cancels the run and stops within seconds. Ctrl-C takes the SIGTERM path.
    # SIGHUP (the terminal or ssh session that started it closed) killed the service outright: its
    # schedule left active, its served run an orphan that went on writing. Under nohup it stays ignored.
    # (The handler `newsflow serve` set while it started counts as the default: flows/cli.py.)
    stopping = [signal.SIGINT] + ([signal.SIGHUP] if is_default_or_starting(signal.getsignal(signal.SIGHUP)) else [])
    previous = {signum: signal.signal(signum, _stop_like_sigterm) for signum in stopping}
    keep_lost_connections_on_one_line()
    observer_polling_on_one_line()  # the observers' polling loop too, behind a dead API (hunt 48)
    try:
        runner = ServiceRunner(name=deployment_name(config.path), pause_on_shutdown=True)
        runner.on_stop = on_stop
        deployment_id = cast(UUID, runner.add_flow(ingest, **serve_options(config)))  # called outside a loop: a UUID
        # 5xx: as patient as with silence; the schedule is resumed by the loop, under the same patience
        ride_out_failing_calls(api_url, config.execution.api_patience_seconds, first=resume(deployment_id),
                               every=in_turn(replanned_after_a_clock_jump(deployment_id),
                                             still_served(deployment_id, deployment_name(config.path))))
        try:
            asyncio.run(runner.start())
        except TerminationSignal:  # as `Flow.serve`: a stop ends serving, it is no error
            pass
        except SystemExit as stop:  # the runner's SIGTERM handler before it counts as started: a stop too
            if stop.code not in (0, None):
                raise
        except Exception as exc:  # the runner's stop pausing a deleted deployment raises over the reason
            if (gone := deployment_gone(exc)) is not None:
                raise gone from None
            raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_like_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.raise_signal(signal.SIGTERM)
