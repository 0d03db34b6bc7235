"""Which Running `ingest` runs the sweep marks Crashed (flows/zombies.py), against the session's
server: the one whose process on this host is gone; never a live one, one on another host, or
one whose worker recorded a bare pid. `newsflow serve` runs the same sweep as it starts; a run the server
refuses to mark (a deployment deleted while it ran) costs that run only (Prefect 19)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from flows.ingest import ingest
from flows.serve import deployment_name, mark_zombies_crashed, tidy_up_before_serving
from flows.zombies import _ending, deleted_for_good, process_is_gone, process_record
from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions, FlowRun, State, StateType
from prefect.exceptions import ObjectNotFound
from prefect.states import Cancelling, Pending, Running

from newsflow.config import load_config

pytestmark = pytest.mark.usefixtures("prefect_api")


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


async def running_runs(infrastructure_pids: list[str]) -> list[UUID]:
    async with get_client() as client:
        ids = []
        for where in infrastructure_pids:
            flow_run = await client.create_flow_run(ingest, state=Running())
            await client.update_flow_run(flow_run.id, infrastructure_pid=where)
            ids.append(flow_run.id)
        return ids


async def states(ids: list[UUID]) -> list[str]:
    async with get_client() as client:
        runs = [await client.read_flow_run(i) for i in ids]
    return [r.state.type.value if r.state else "none" for r in runs]


@pytest.mark.alone_on_the_server  # another worker's flow run would sweep `gone` before this sweep
def test_serve_start_marks_crashed_only_runs_whose_process_here_is_gone() -> None:
    host, identified = socket.gethostname(), process_record()
    gone, alive = f"{host}:{dead_pid()}", f"{host}:{os.getpid()}"
    elsewhere, bare = f"another-host.example:{dead_pid()}", str(dead_pid())
    reused = another_start(identified)  # this process's pid, recorded by an earlier process that had it
    ids = asyncio.run(running_runs([gone, reused, alive, identified, elsewhere, bare]))
    crashed = asyncio.run(mark_zombies_crashed())
    assert set(ids[:2]) <= set(crashed) and not set(ids[2:]) & set(crashed)
    assert asyncio.run(states(ids)) == ["CRASHED", "CRASHED", "RUNNING", "RUNNING", "RUNNING", "RUNNING"]


def another_start(record: str) -> str:
    """`record` as an earlier process with the same pid left it: the same boot, another start tick."""
    assert " (boot " in record, f"{record}: no /proc identity on this machine"
    head, tick, tail = re.split(r"(?<=tick )(\d+)", record, maxsplit=1)
    return f"{head}{int(tick) + 1}{tail}"


def another_boot(record: str) -> str:
    """`record` as a process of an earlier boot with the same pid and start tick left it."""
    host_pid, _, identity = record.partition(" (boot ")
    return f"{host_pid} (boot {'0' * 32}, {identity.partition(', ')[2]}"


@pytest.mark.parametrize(("where", "gone"), [
    ("", False), ("12345", False), ("other:1", False), ("HOST:notapid", False), ("HOST:DEAD", True),
    ("HOST:SELF", False),
])
def test_process_is_gone_only_for_a_dead_pid_on_this_host(where: str, gone: bool) -> None:
    where = where.replace("HOST", "h").replace("DEAD", str(dead_pid())).replace("SELF", str(os.getpid()))
    assert process_is_gone(where, hostname="h") is gone


def test_a_recorded_identity_tells_the_very_process_from_one_given_its_pid_later() -> None:
    """With its boot and start tick recorded, a live pid is the run's process only if it is that very process: a
    process that got the pid later (a reboot, a container's restart, pids wrapping round) is not, whatever it runs;
    an identity this machine cannot check (a garbled one) falls back to the pid alone."""
    own = process_record()
    assert not process_is_gone(own)
    assert process_is_gone(another_start(own)) and process_is_gone(another_boot(own))
    assert process_is_gone(process_record(dead_pid()))
    assert not process_is_gone(own.replace(" (boot ", " (boat "))  # no identity read: a live pid here


async def run_of_a_deleted_deployment(where: str) -> UUID:
    """A Running run of a deployment limited as `newsflow serve`'s (1, CANCEL_NEW), which is then deleted."""
    async with get_client() as client:
        deployment_id = await client.create_deployment(
            flow_id=await client.create_flow_from_name("ingest"), name="prefect19-deleted-while-running",
            concurrency_limit=1,
            concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW))
        flow_run = await client.create_flow_run_from_deployment(deployment_id)
        await client.set_flow_run_state(flow_run.id, Pending())
        await client.set_flow_run_state(flow_run.id, Running())
        await client.update_flow_run(flow_run.id, infrastructure_pid=where)
        await client.delete_deployment(deployment_id)
        return flow_run.id


async def delete_flow_run(flow_run_id: UUID) -> None:
    async with get_client() as client:
        await client.delete_flow_run(flow_run_id)


@pytest.mark.alone_on_the_server
def test_a_run_the_server_refuses_to_mark_costs_the_sweep_and_serve_start_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The server answers 500 to every state change of a run whose deployment (with a concurrency limit) was
    deleted while it ran. Before, the sweep raised on it: every later `newsflow serve` start ended, exit 4
    ("stopped answering (... 500 ... set_state)"), and each run's sweep stopped there. Then (Prefect 19) that run
    was left Running for good, warned of by every run's sweep; now (session 39) it is deleted from Prefect, in one
    warning, and the others are marked."""
    host = socket.gethostname()
    refused = asyncio.run(run_of_a_deleted_deployment(f"{host}:{dead_pid()}"))
    try:
        [plain] = asyncio.run(running_runs([f"{host}:{dead_pid()}"]))
        config = tmp_path / "newsflow.toml"
        config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                          'url = "http://127.0.0.1:9/feed.xml"\n')
        with caplog.at_level(logging.WARNING, logger="flows.zombies"):
            tidy_up_before_serving(load_config(config))  # serve's start: the sweep, then the old deployment
        assert asyncio.run(states([plain])) == ["CRASHED"]
        assert asyncio.run(flow_run_exists(refused)) is False, "a run no state change can end is not left Running"
        [said] = [record.getMessage() for record in caplog.records if str(refused) in record.getMessage()]
        assert "its deployment was deleted" in said and "deleted from Prefect" in said, said
        assert "could not" not in capsys.readouterr().err, "the sweep itself went through"
    finally:
        with contextlib.suppress(ObjectNotFound):
            asyncio.run(delete_flow_run(refused))  # the session's later sweeps would meet it


async def flow_run_exists(flow_run_id: UUID) -> bool:
    async with get_client() as client:
        try:
            await client.read_flow_run(flow_run_id)
        except ObjectNotFound:
            return False
    return True


def a_process_running(like_a_run: bool) -> subprocess.Popen[bytes]:
    """A live process; `like_a_run`, with the mark of the process Prefect's runner spawns a served run in (a
    multiprocessing `spawn` child's `--multiprocessing-fork`); without, a process that runs no flow run (the pid of
    a dead run's process given to another process, after a reboot). It ends when its stdin is closed."""
    mark = ["--multiprocessing-fork"] if like_a_run else []
    return subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", *mark], stdin=subprocess.PIPE)


async def a_service_left_runs(config_path: Path, processes: list[subprocess.Popen[bytes]]) -> dict[str, UUID]:
    """The deployment `newsflow serve` serves for this config, with runs a stopped service left: one Pending
    holding the slot (through the server's own orchestration), and others put in their states; the live
    processes the runs record are added to `processes`."""
    async with get_client() as client:
        deployment_id = await client.create_deployment(
            flow_id=await client.create_flow_from_name("ingest"), name=deployment_name(config_path),
            concurrency_limit=1, concurrency_options=ConcurrencyOptions(
                collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW))
        other_id = await client.create_deployment(flow_id=await client.create_flow_from_name("ingest"),
                                                  name=f"other-{deployment_name(config_path)}")
        runs = {}
        for label, deployment in (("pending", deployment_id), ("cancelling", deployment_id),
                                  ("running-unrecorded", deployment_id), ("pending-alive", deployment_id),
                                  ("running-alive", deployment_id), ("running-pid-reused", deployment_id),
                                  ("other-deployment", other_id)):
            runs[label] = (await client.create_flow_run_from_deployment(deployment)).id
        accepted = await client.set_flow_run_state(runs["pending"], Pending())
        assert accepted.state is not None and accepted.state.type is StateType.PENDING, "it holds the slot"
        await client.set_flow_run_state(runs["cancelling"], Cancelling(), force=True)
        await client.set_flow_run_state(runs["running-unrecorded"], Running(), force=True)
        await client.set_flow_run_state(runs["pending-alive"], Pending(), force=True)
        for label, running, runs_it in (("pending-alive", False, True), ("running-alive", True, True),
                                        ("running-pid-reused", True, False)):
            processes.append(a_process_running(runs_it))
            await client.set_flow_run_state(runs[label], Running() if running else Pending(), force=True)
            await client.update_flow_run(runs[label], infrastructure_pid=f"{socket.gethostname()}:{processes[-1].pid}")
        await client.set_flow_run_state(runs["other-deployment"], Pending(), force=True)
        return runs


async def next_run_is_let_start(config_path: Path) -> str:
    """What the server does with the schedule's next run as the runner proposes Pending."""
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(f"ingest/{deployment_name(config_path)}")
        flow_run = await client.create_flow_run_from_deployment(deployment.id)
        result = await client.set_flow_run_state(flow_run.id, Pending())
        return result.state.type.value if result.state else "none"


def test_serve_start_ends_the_runs_a_stopped_service_left_holding_its_schedules_slot(tmp_path: Path) -> None:
    """A service stopped while its API was lost leaves the run it was starting Pending, holding the deployment's
    one slot. The server frees it when the lease expires, but keeps leases in memory: after a server restart
    (probe in docs/scheduling.md) every later run was Cancelled, "Deployment concurrency limit reached", for
    good. Serve's start ends its own deployment's stranded runs, so the next run starts; a run whose process
    lives on, and another deployment's run, are left. A run whose recorded pid names a live process that runs no
    flow run (the pid reused after a reboot: the reboot drill, tests/flows/test_reboot.py, found it holding the
    slot for good) is ended too."""
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                      'url = "http://127.0.0.1:9/feed.xml"\n')
    processes: list[subprocess.Popen[bytes]] = []
    try:
        runs = asyncio.run(a_service_left_runs(config.resolve(), processes))
        assert asyncio.run(next_run_is_let_start(config.resolve())) == "CANCELLED", "the slot is held before"
        tidy_up_before_serving(load_config(config))
    finally:
        for process in processes:
            process.communicate(b"")
    found = dict(zip(runs, asyncio.run(states(list(runs.values()))), strict=True))
    assert found == {"pending": "CRASHED", "cancelling": "CANCELLED", "running-unrecorded": "CRASHED",
                     "pending-alive": "PENDING", "running-alive": "RUNNING", "running-pid-reused": "CRASHED",
                     "other-deployment": "PENDING"}
    assert asyncio.run(next_run_is_let_start(config.resolve())) == "PENDING", "the schedule's next run starts"


@pytest.fixture(scope="module")
def recorded_processes() -> Iterator[dict[str, tuple[str | None, bool]]]:
    """Each kind of `infrastructure_pid` a stranded run may carry, with whether a run could still be going there:
    none recorded, a dead pid here, a live run-like process here, a live process here that runs no flow run (a
    reused pid), another host's pid, a bare pid (a worker's); and recorded with the process's identity (boot, start
    tick): the very process (run-like or not), a run-like process given the pid later, a pid of an earlier boot."""
    host = socket.gethostname()
    run_like, other = a_process_running(True), a_process_running(False)
    try:
        yield {"none": (None, False), "dead-here": (f"{host}:{dead_pid()}", False),
               "run-like-here": (f"{host}:{run_like.pid}", True), "reused-here": (f"{host}:{other.pid}", False),
               "other-host": (f"another-host.example:{dead_pid()}", True), "bare": (str(dead_pid()), True),
               "run-like-identified": (process_record(run_like.pid), True),
               "other-identified": (process_record(other.pid), True),  # the very process recorded: whatever it runs
               "reused-by-a-run-like": (another_start(process_record(run_like.pid)), False),
               "earlier-boot": (another_boot(process_record(run_like.pid)), False)}
    finally:
        run_like.communicate(b"")
        other.communicate(b"")


@pytest.mark.parametrize("state", [StateType.PENDING, StateType.RUNNING, StateType.CANCELLING])
@pytest.mark.parametrize("where", ["none", "dead-here", "run-like-here", "reused-here", "other-host", "bare",
                                   "run-like-identified", "other-identified", "reused-by-a-run-like", "earlier-boot"])
def test_a_stranded_run_is_ended_exactly_when_no_process_can_be_running_it(
        state: StateType, where: str, recorded_processes: dict[str, tuple[str | None, bool]]) -> None:
    """Every state a stopped service leaves a run in, against every kind of recorded process: the start's sweep
    ends the run if and only if no process could still be running it (a live run-like process here, another
    host's, a worker's bare pid), Cancelling ones as Cancelled and the others as Crashed, never a live run."""
    pid, could_run = recorded_processes[where]
    stranded = FlowRun(flow_id=uuid4(), name="stranded", state=State(type=state), infrastructure_pid=pid)
    end = _ending(stranded)
    assert (end is None) is could_run
    if end is not None:
        assert end.type is (StateType.CANCELLED if state is StateType.CANCELLING else StateType.CRASHED)


class DeploymentReadsFailing:
    """The session's real client, but its read of a deployment answered 503 (a server in trouble): the one call
    the real server cannot be made to fail on its own (review of Prefect 23)."""

    def __init__(self, client: PrefectClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    async def read_deployment(self, deployment_id: UUID) -> None:
        request = httpx.Request("GET", f"http://127.0.0.1/api/deployments/{deployment_id}")
        raise httpx.HTTPStatusError("503", request=request, response=httpx.Response(503, request=request))


@pytest.mark.alone_on_the_server
def test_a_refused_run_is_deleted_only_when_its_deployment_is_surely_gone() -> None:
    """Review of Prefect 23: the delete needs a 404 for the run's deployment. A run whose deployment exists (the
    server refused the mark for another reason) is kept, and so is one whose deployment read got a 5xx; on the
    branch's first code a 5xx there raised out of the sweep (the exit 4 of every `serve` start Prefect 19 ended)."""
    host = socket.gethostname()
    kept, deployment_id = asyncio.run(run_of_a_deployment(f"{host}:{dead_pid()}"))
    refused = asyncio.run(run_of_a_deleted_deployment(f"{host}:{dead_pid()}"))

    async def judged() -> tuple[bool, bool]:
        async with get_client() as client:
            runs = {flow_run_id: await client.read_flow_run(flow_run_id) for flow_run_id in (kept, refused)}
            failing = DeploymentReadsFailing(client)
            return (await deleted_for_good(client, runs[kept]),
                    await deleted_for_good(failing, runs[refused]))  # type: ignore[arg-type]

    try:
        assert asyncio.run(judged()) == (False, False)
        assert asyncio.run(flow_run_exists(kept)) and asyncio.run(flow_run_exists(refused))
    finally:
        for flow_run_id in (kept, refused):
            with contextlib.suppress(ObjectNotFound):
                asyncio.run(delete_flow_run(flow_run_id))
        asyncio.run(delete_deployment(deployment_id))


async def run_of_a_deployment(where: str) -> tuple[UUID, UUID]:
    """A Running run of a deployment that exists; the run's id and the deployment's."""
    async with get_client() as client:
        deployment_id = await client.create_deployment(
            flow_id=await client.create_flow_from_name("ingest"), name=f"review-kept-{uuid4().hex[:8]}")
        flow_run = await client.create_flow_run_from_deployment(deployment_id)
        await client.set_flow_run_state(flow_run.id, Pending())
        await client.set_flow_run_state(flow_run.id, Running())
        await client.update_flow_run(flow_run.id, infrastructure_pid=where)
        return flow_run.id, deployment_id


async def delete_deployment(deployment_id: UUID) -> None:
    async with get_client() as client:
        await client.delete_deployment(deployment_id)
