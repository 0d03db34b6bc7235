"""`newsflow serve`: scheduled runs through Prefect's `serve`, never overlapping, no warehouse
connection held between runs, and a clean stop on SIGTERM or SIGINT.

The service runs as a real child process (`python -m newsflow serve`) with no PREFECT_API_URL:
it reuses the session's local Prefect server (conftest.py), which `newsflow` started the way it
does on a fresh machine. Feeds come from a loopback news site; the interval is 2 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flows.serve import SHARED_DEPLOYMENT, deployment_name
from flows.servestop import STOPPED_BEFORE_ITS_PROCESS
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.schedules import IntervalSchedule
from prefect.exceptions import ObjectNotFound
from prefect.states import Scheduled

from newsflow import cli
from newsflow.config import load_config
from newsflow.errors import WarehouseError
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import rss_feed

ROOT = Path(__file__).resolve().parents[2]
INTERVAL_S = 2


# A look every 0.2 s; with `growing`, then less often, up to once a second. A look through Prefect's
# API (asyncio.run, a new client, the server's query) costs ~50 ms of the test's CPU and more of the
# server's: at five a second, a wait of two minutes for served runs cost ~6 cpu-s of the test's own
# (ci49, docs/performance.md). Growing fits a check whose answer, once true, stays readable: an API's
# state that stays once reached. Not a look into the warehouse: it answers only between the served
# runs' writes (a read-only open fails while one writes), and a look once a second has fewer chances at
# those gaps (a precaution: at a load of ~28 red team 15's first such wait timed out at 120 s with looks
# every 0.2 s as with growing ones); nor a check for a moment that passes (test_serve_end's "none going").
FIRST_LOOK_S, LOOKS_GROW, LAST_LOOK_S = 0.2, 1.5, 1.0


def wait_for(check: Callable[[], Any], deadline_s: float, what: str, *, growing: bool = False) -> Any:
    """Poll `check` until it returns something truthy, or fail after `deadline_s` seconds."""
    deadline, pause = time.monotonic() + deadline_s, FIRST_LOOK_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        if growing:
            pause = min(pause * LOOKS_GROW, LAST_LOOK_S)
    pytest.fail(f"timed out after {deadline_s:.0f} s waiting for {what}")


def runs_table(config_path: Path) -> list[tuple[Any, ...]]:
    try:
        return run_read_query(Warehouse(load_config(config_path).warehouse_path),
                              "SELECT run_id, status, started_at, finished_at FROM runs ORDER BY started_at").rows
    except WarehouseError:  # not created yet, or a run is writing this instant
        return []


def start_serve(tmp_path: Path, server: LocalServer, api_url: str, feeds: dict[str, str],
                warehouse: str = "", **fetch: object) -> subprocess.Popen[bytes]:
    """`newsflow serve` on `feeds`; `warehouse` adds lines to the config's [warehouse] table, `fetch` settings
    to its [fetch] table."""
    config_path = write_config(tmp_path, server.base_url, feeds, **fetch)
    if warehouse:
        config_path.write_text(config_path.read_text().replace("[warehouse]\n", f"[warehouse]\n{warehouse}\n", 1))
    with config_path.open("a", encoding="utf-8") as config:
        # The default budget, 80% of a 2 s interval, would leave a run no time to poll: give it a minute.
        config.write(f"\n[schedule]\ninterval = {INTERVAL_S}\n\n[execution]\nrun_budget_seconds = 60\n")
    # The runner asks the API for due runs every 10 s by default; the test asks every second. No
    # PREFECT_API_URL: the service finds the session's server recorded in PREFECT_HOME, as a second
    # `newsflow serve` on a machine would.
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    with (tmp_path / "serve.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "newsflow", "serve", "--config", str(config_path)],
                                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Holds the service started by a test; kills it if the test did not stop it, and shows its log."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = tmp_path / "serve.log"
    if log.exists():
        print("\n--- serve output (tail) ---\n" + log.read_text(errors="replace")[-2500:])


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def open_files(pid: int) -> set[str]:
    fd_dir = Path(f"/proc/{pid}/fd")
    return {os.readlink(fd) for fd in fd_dir.iterdir() if fd.is_symlink()} if fd_dir.is_dir() else set()


async def served_flow_runs(api_url: str, config_path: Path) -> tuple[list[FlowRun], bool]:
    """The runs of the config's deployment (flows/serve.py names one per config), and whether it is paused."""
    async with PrefectClient(api=api_url) as client:
        deployment = await client.read_deployment_by_name(f"ingest/{deployment_name(load_config(config_path).path)}")
        runs = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
    return runs, bool(deployment.paused)


def completed_flow_runs(
    api_url: str, process: subprocess.Popen[bytes], since: datetime, config_path: Path
) -> list[FlowRun]:
    if process.poll() is not None:
        pytest.fail(f"newsflow serve exited early with code {process.returncode}")
    try:
        runs, _ = asyncio.run(served_flow_runs(api_url, config_path))
    except ObjectNotFound:  # the service has not created its deployment yet
        return []
    return [r for r in runs if r.state and r.state.is_completed() and r.created and r.created >= since]


def stop(process: subprocess.Popen[bytes], signum: int) -> float:
    started = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=60)
    return time.monotonic() - started


def test_serve_runs_on_schedule_one_at_a_time_and_stops_on_sigterm(
    tmp_path: Path, server: LocalServer, prefect_api: str, serving: list[subprocess.Popen[bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    feeds = {"alpha": add_news_site(server, "alpha", range(1, 3)), "beta": add_news_site(server, "beta", range(5, 7))}
    since = datetime.now(UTC)
    process = start_serve(tmp_path, server, prefect_api, feeds)
    serving.append(process)
    config_path = tmp_path / "newsflow.toml"
    done = wait_for(lambda: (runs := completed_flow_runs(prefect_api, process, since, config_path)) and len(runs) >= 2
                    and runs, 240, "two completed scheduled runs", growing=True)  # a run took 50 s to spawn at load 20

    warehouse_file = str(load_config(config_path).warehouse_path)
    held = [path for path in open_files(process.pid) if path.startswith(warehouse_file)]
    assert held == [warehouse_file + ".serve.lock"], \
        f"the service process never opens the warehouse, and holds its service lock (docs/scheduling.md): {held}"
    assert cli.main(["query", "SELECT count(*) AS n FROM articles", "--config", str(config_path)]) == 0
    assert capsys.readouterr().out.splitlines()[2].strip() == "4"

    stop_s = stop(process, signal.SIGTERM)
    assert process.returncode == 0
    assert stop_s < 15, f"took {stop_s:.1f} s to stop"

    rows = {str(r[0]): r for r in runs_table(config_path)}
    assert all(rows[str(r.id)][1] == "completed" for r in done), "each completed run wrote its `runs` row"
    finished = sorted((r for r in rows.values() if r[3] is not None), key=lambda r: r[2])
    for earlier, later in itertools.pairwise(finished):
        assert later[2] >= earlier[3], f"runs overlap: {earlier} and {later}"
    flow_runs, paused = asyncio.run(served_flow_runs(prefect_api, config_path))
    cancelled = [r.state.message for r in flow_runs if r.state and r.state.is_cancelled()]
    refused = [m for m in cancelled if m == "Deployment concurrency limit reached."]
    assert refused, "a run due while another holds the slot is cancelled by the limit, which says so"
    # The stop cancels the run in flight, and one the runner was still starting (Prefect 20)
    assert set(cancelled) <= {"Deployment concurrency limit reached.", "Runner is shutting down.",
                              STOPPED_BEFORE_ITS_PROCESS}
    assert paused, "stopping pauses the schedule, so runs do not pile up while the service is down"
    lateness = sorted((r.start_time - r.expected_start_time).total_seconds() for r in done
                      if r.start_time and r.expected_start_time)
    with capsys.disabled():
        print(f"\nserve: {len(done)} runs completed, {len(refused)} cancelled by the limit; start minus scheduled "
              f"time {lateness[0]:+.2f} to {lateness[-1]:+.2f} s; stopped {stop_s:.1f} s after SIGTERM")


def test_sigint_stops_service_during_a_run_and_the_run_is_not_left_running(
    tmp_path: Path, server: LocalServer, prefect_api: str, serving: list[subprocess.Popen[bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    release = threading.Event()

    def slow_page(handler: BaseHTTPRequestHandler) -> None:
        release.wait(timeout=30)
        with contextlib.suppress(OSError):  # the run was cancelled and hung up
            send_bytes(handler, 200, b"<html><body><p>late</p></body></html>", "text/html")

    feed = [("Slow story", server.url("/slow/story.html"), datetime(2026, 11, 1, tzinfo=UTC))]
    server.add("/slow/story.html", slow_page)
    server.add("/slow/rss.xml", Page(rss_feed("slow", feed), "application/rss+xml"))
    process = start_serve(tmp_path, server, prefect_api, {"slow": "/slow/rss.xml"})
    serving.append(process)
    try:
        wait_for(lambda: server.hits("/slow/story.html"), 90, "a run to be fetching the slow page")
        # Red team 36: the run is the service's child and follows it, a pidfd of it open (newsflow/servicewatch.py;
        # what it then does is tests/test_servicewatch.py's, and test_serve_killed.py's with a real service).
        assert [pid for pid in children(process.pid) if "anon_inode:[pidfd]" in open_files(pid)], \
            "the service's run watches the service"
        stop_s = stop(process, signal.SIGINT)
    finally:
        release.set()
    assert process.returncode in (0, 130)
    assert stop_s < 15, f"took {stop_s:.1f} s to stop"
    said = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in said, said[-3000:]  # Prefect 21
    config_path = tmp_path / "newsflow.toml"
    [(run_id, status, error)] = run_read_query(Warehouse(load_config(config_path).warehouse_path),
                                               "SELECT run_id, status, error FROM runs").rows
    # Ctrl-C takes SIGTERM's path: the run's one line, and none of the engine's ERROR lines (Prefect 21, 22).
    # (Missing in a CI at load: the service had inherited a quiet console level from an earlier in-process
    # run, tests/conftest.py `_environment_kept`.)
    stopped = [line for line in said.splitlines() if "stopped before its end" in line]
    assert len(stopped) == 1 and run_id in stopped[0], said[-3000:]
    assert not [line for line in said.splitlines() if "| ERROR" in line], said[-3000:]
    # runner.py records an interrupted run as failed, with the exception's name as its error.
    assert status in ("failed", "cancelled") and error, "the interrupted run says so, not 'running'"
    flow_runs, paused = asyncio.run(served_flow_runs(prefect_api, config_path))
    [state] = [r.state for r in flow_runs if str(r.id) == run_id]
    assert state and state.is_cancelled() and paused
    with capsys.disabled():
        print(f"\nserve: stopped {stop_s:.1f} s after SIGINT with a run in flight; that run: {status!r}, {error!r}")


async def shared_deployment_left_scheduling(api_url: str, gone_config: Path) -> UUID:
    """The deployment every config's service shared before (`ingest/serve`), as a service killed
    under an older newsflow left it: its schedule active, its runs scheduled, no runner serving it."""
    async with PrefectClient(api=api_url) as client:
        flow_id = await client.create_flow_from_name("ingest")
        deployment_id = await client.create_deployment(
            flow_id, "serve", parameters={"config_path": str(gone_config)},
            schedules=[DeploymentScheduleCreate(schedule=IntervalSchedule(interval=timedelta(seconds=INTERVAL_S)),
                                                active=True)])
        await client.create_flow_run_from_deployment(deployment_id, state=Scheduled())
    return deployment_id


async def deployment_and_scheduled_runs(api_url: str, deployment_id: UUID) -> tuple[bool, int]:
    async with PrefectClient(api=api_url) as client:
        try:
            await client.read_deployment(deployment_id)
            exists = True
        except ObjectNotFound:
            exists = False
        scheduled = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.SCHEDULED]))))
    return exists, len(scheduled)


def test_two_services_on_two_configs_each_serve_their_own_config_and_the_shared_deployment_is_retired(
    tmp_path: Path, server: LocalServer, prefect_api: str, serving: list[subprocess.Popen[bytes]],
) -> None:
    """Before: both services served the one deployment `ingest/serve`, whose parameters the second
    replaced, so every run ingested the second config and the first's warehouse never got a run.
    Now each config has its own deployment (named from its path), and `ingest/serve`, left
    scheduling by an older service, is deleted with its scheduled runs as a service starts."""
    shared = asyncio.run(shared_deployment_left_scheduling(prefect_api, tmp_path / "gone" / "newsflow.toml"))
    assert asyncio.run(deployment_and_scheduled_runs(prefect_api, shared))[1] >= 1
    sites = {"alpha": add_news_site(server, "alpha", range(1, 3)), "beta": add_news_site(server, "beta", range(5, 8))}
    folders = {name: tmp_path / name for name in sites}
    for name, folder in folders.items():
        folder.mkdir()
        serving.append(start_serve(folder, server, prefect_api, {name: sites[name]}))
    configs = {name: load_config(folder / "newsflow.toml") for name, folder in folders.items()}

    def completed_run_in(config_path: Path) -> bool:
        time.sleep(0.8)  # each look opens the warehouse, which a run writing it then waits for
        return any(row[1] == "completed" for row in runs_table(config_path))

    for config in configs.values():
        wait_for(lambda: completed_run_in(config.path), 120, f"a completed run in {config.warehouse_path}")  # noqa: B023
    for process in serving:
        stop(process, signal.SIGTERM)
        assert process.returncode == 0
    names = {deployment_name(config.path) for config in configs.values()}
    assert len(names) == 2 and "serve" not in names
    stored = {name: run_read_query(Warehouse(config.warehouse_path), "SELECT url FROM articles").rows
              for name, config in configs.items()}
    assert len(stored["alpha"]) == 2 and all("/alpha/" in str(url) for url, in stored["alpha"]), stored
    assert len(stored["beta"]) == 3 and all("/beta/" in str(url) for url, in stored["beta"]), stored
    assert asyncio.run(deployment_and_scheduled_runs(prefect_api, shared)) == (False, 0), \
        f"{SHARED_DEPLOYMENT} was left scheduling runs"
