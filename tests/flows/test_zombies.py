"""Which Running `ingest` runs the sweep marks Crashed (flows/zombies.py), against the session's
server: the one whose process on this host is gone; never a live one, one on another host, or
one whose worker recorded a bare pid. `newsflow serve` runs the same sweep as it starts."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from uuid import UUID

import pytest
from flows.ingest import ingest
from flows.serve import mark_zombies_crashed
from flows.zombies import process_is_gone
from prefect.client.orchestration import get_client
from prefect.states import Running

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
    host = socket.gethostname()
    gone, alive = f"{host}:{dead_pid()}", f"{host}:{os.getpid()}"
    elsewhere, bare = f"another-host.example:{dead_pid()}", str(dead_pid())
    ids = asyncio.run(running_runs([gone, alive, elsewhere, bare]))
    crashed = asyncio.run(mark_zombies_crashed())
    assert ids[0] in crashed and not set(ids[1:]) & set(crashed)
    assert asyncio.run(states(ids)) == ["CRASHED", "RUNNING", "RUNNING", "RUNNING"]


@pytest.mark.parametrize(("where", "gone"), [
    ("", False), ("12345", False), ("other:1", False), ("HOST:notapid", False), ("HOST:DEAD", True),
    ("HOST:SELF", False),
])
def test_process_is_gone_only_for_a_dead_pid_on_this_host(where: str, gone: bool) -> None:
    where = where.replace("HOST", "h").replace("DEAD", str(dead_pid())).replace("SELF", str(os.getpid()))
    assert process_is_gone(where, hostname="h") is gone
