"""`newsflow serve`'s end (docs/scheduling.md, "Stopping" and "Prefect 32"): a stop signal while it waits between
runs, one during a run, and a second one while the stop is under way.

Each case is a real service on the session's Prefect server and a loopback site whose story the site holds (until
the service has exited), so the signal lands in the run without a sleep to aim it; the second signal is sent once
the service has said its stop began. Checked: the exit code (0, docs/scheduling.md), one line per event in order
(the run's `stopped before its end` before `newsflow serve: stopped`, which is last), nothing the service started
alive the instant it has exited but multiprocessing's helpers, which hold no file of the warehouse and end within
seconds (docs/scheduling.md, "What outlives the service"), the run recorded `cancelled` (or finished), and no
half-loaded rows.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prefect.client.schemas.objects import FlowRun

from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.flows.test_prefect21 import stopped_news_site
from tests.flows.test_prefect54 import flow_run_states
from tests.flows.test_serve import served_flow_runs, start_serve, wait_for
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.subprocesses import child_env
from tests.localserver import LocalServer

STOP_BEGAN = "SIGTERM received, initiating graceful shutdown"  # Prefect's runner, as it starts its stop
RUN_STOPPED = "stopped before its end"
SERVE_STOPPED = "newsflow serve: stopped"
# What may be alive the instant the service has exited (docs/scheduling.md, "What outlives the service"): the
# service's resource tracker (Prefect's runner starts runs with multiprocessing's `spawn`, which starts it), and a
# run's forkserver; each ends on EOF of its pipe, once the processes that held it have ended (measured: 20-30 ms).
MULTIPROCESSING_HELPERS = ("from multiprocessing.resource_tracker import main",
                           "from multiprocessing.forkserver import main")
HELPERS_END_S = 5.0


def process_parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_bytes().rpartition(b")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return parents


def descendants(pid: int, known: Collection[int] = ()) -> dict[int, int]:
    """The processes below `pid` or below any of `known` now, each with its parent (its runs' processes, their
    extraction workers, multiprocessing's helpers), from /proc: a process the service started that its own parent
    left is kept."""
    parents = process_parents()
    found, frontier, in_order = set(known), {pid} | set(known), list(known)
    while frontier:  # level by level: a parent comes before its children
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
        in_order += sorted(frontier)
    return {child: parents[child] for child in in_order if child in parents}


def name_of(pid: int, parent: int, named: dict[int, str]) -> str:
    """Its command line, but for a process the forkserver forked (an extraction worker: a fork, with the
    forkserver's command line), which is named so."""
    forkserver = MULTIPROCESSING_HELPERS[1]
    if forkserver in named.get(parent, ""):
        return f"an extraction worker forked by the forkserver {parent}"
    return command_line(pid)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return ""


def alive(pids: Collection[int]) -> set[int]:
    """Those of `pids` still running (a zombie has ended: its parent, gone, cannot reap it; one that is ending has
    no command line left, so a process is named by the one it had when first seen)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_bytes().rpartition(b")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z":
            running.add(pid)
    return running


def warehouse_files_held(pid: int, warehouse_path: Path) -> list[str]:
    """The files of the warehouse (`news.duckdb`, its `.wal`, `.serve.lock`, `-spool/`: every name beside it that
    starts with its stem) that `pid` has open now."""
    stem = str(warehouse_path.with_suffix(""))
    try:
        targets = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:  # it has ended
        return []
    return sorted({target for target in targets if target.startswith(stem)})


def said(tmp_path: Path) -> str:
    return (tmp_path / "serve.log").read_text(errors="replace")


def newsflow_lines(text: str) -> list[str]:
    """The service's own lines and the run's stop line, in order (not the UI's address, not Prefect's)."""
    return [line for line in text.splitlines() if (line.startswith("newsflow") and "Prefect UI at" not in line)
            or RUN_STOPPED in line]


def stop_the_service(tmp_path: Path, process: subprocess.Popen[bytes], second: bool, wait_s: float = 90
                     ) -> tuple[int, dict[int, str], dict[int, str]]:
    """SIGTERM, and with `second` a SIGINT once the service said its stop began; its exit code, the processes it
    had started (from the signal on, those started during the stop too) still alive the instant it had exited, and
    those of them still alive `HELPERS_END_S` later."""
    seen: dict[int, str] = {}
    exited = threading.Event()

    def note_new_processes() -> None:
        # Named by the last command line read: one caught between its fork and its exec still bears its parent's,
        # and one that is ending has none left (then the name read before stays).
        for pid, parent in descendants(process.pid, list(seen)).items():
            if name := name_of(pid, parent, seen):
                seen[pid] = name
            else:
                seen.setdefault(pid, "")

    def watch_the_stop() -> None:
        while not exited.wait(0.1):
            note_new_processes()

    note_new_processes()

    watcher = threading.Thread(target=watch_the_stop, daemon=True)
    watcher.start()
    process.send_signal(signal.SIGTERM)
    if second:
        wait_for(lambda: STOP_BEGAN in said(tmp_path) or process.poll() is not None, 60, "the stop to begin")
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    code = process.wait(timeout=wait_s)
    exited.set()
    named = dict(seen)  # a copy: one C call, while the watcher may be adding its last scan
    at_exit = {pid: named[pid] or command_line(pid) for pid in alive(named)}
    watcher.join()
    deadline = time.monotonic() + HELPERS_END_S
    while (left := {pid: at_exit[pid] for pid in alive(at_exit)}) and time.monotonic() < deadline:
        time.sleep(0.02)
    return code, at_exit, left


def check_what_outlived_the_service(at_exit: dict[int, str], left: dict[int, str], config_path: Path,
                                    text: str) -> None:
    """Alive the instant the service has exited: at most multiprocessing's helpers (the service's resource
    tracker, always, for a few ms; a run's forkserver), holding no file of the warehouse, and gone within
    `HELPERS_END_S` (docs/scheduling.md, "What outlives the service"). A run's process or an extraction worker
    alive then would fail here: it could hold the warehouse or go on working after `stopped`."""
    warehouse_path = load_config(config_path).warehouse_path
    held = {pid: files for pid in at_exit if (files := warehouse_files_held(pid, warehouse_path))}
    assert not held, f"processes the service started hold the warehouse after it exited: {held}; {at_exit}"
    assert all(any(helper in command for helper in MULTIPROCESSING_HELPERS) for command in at_exit.values()), (
        f"processes the service started, other than multiprocessing's helpers, outlived it: {at_exit}; "
        f"{text[-3000:]}")
    assert not left, f"multiprocessing's helpers were still alive {HELPERS_END_S:.0f} s after the service: {left}"


def check_the_warehouse(config_path: Path, stopped_mid_run: bool) -> str | None:
    """The run's row says cancelled (or completed), and a cancelled run left no article or page of its batch."""
    store = Warehouse(load_config(config_path).warehouse_path)
    rows = run_read_query(store, "SELECT run_id, status FROM runs ORDER BY started_at").rows
    assert rows and all(status in ("completed", "cancelled", "skipped") for _, status in rows), rows
    if not stopped_mid_run:
        return None
    run_id, status = rows[-1]
    assert status == "cancelled", rows
    for table in ("articles", "pages"):  # the held story's batch was one transaction: nothing of it
        assert run_read_query(store, f"SELECT count(*) FROM {table}").rows == [(0,)], table
    assert run_read_query(store, "SELECT count(*) FROM entries").rows == [(2,)], "both entries stay for the next run"
    return str(run_id)


@pytest.mark.parametrize("case", [
    pytest.param("between runs", marks=pytest.mark.skipif(
        os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~15 s); in CI "
        "tests/flows/test_serve.py stops a service on SIGTERM between its runs")),
    pytest.param("during a run", marks=pytest.mark.skipif(
        os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~25 s); in CI "
        "tests/flows/test_serve.py stops a service on SIGINT during a run, and the second-signal case here one "
        "on SIGTERM")),
    "second signal during the stop",
])
def test_serve_ends_in_order_with_its_run_recorded_and_no_process_left(
        case: str, tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    release = threading.Event()
    mid_run = case != "between runs"
    feeds = {"held": stopped_news_site(server, release)} if mid_run else {"a": add_news_site(server, "a", range(1, 2))}
    process = start_serve(tmp_path, server, prefect_api, feeds)
    config_path = tmp_path / "newsflow.toml"
    try:
        if mid_run:
            wait_for(lambda: server.hits("/held/story.html"), 120, "a run to be fetching the held page")
        else:  # a run has ended, and none is going: the next is seconds away
            wait_for(lambda: (runs := served_runs(prefect_api, config_path)) and any(
                run.state and run.state.is_completed() for run in runs) and not any(
                run.state and run.state.type.value in ("RUNNING", "PENDING") for run in runs), 120,
                "a completed run, and none going")
        code, at_exit, left = stop_the_service(tmp_path, process, second=case.startswith("second"))
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    text = said(tmp_path)
    assert code == 0 and "Traceback" not in text, text[-4000:]
    assert not [line for line in text.splitlines() if "| ERROR" in line], text[-4000:]  # Prefect 22
    check_what_outlived_the_service(at_exit, left, config_path, text)
    lines = newsflow_lines(text)
    run_id = check_the_warehouse(config_path, mid_run)
    if mid_run:
        assert [line for line in lines if RUN_STOPPED in line] == [next(line for line in lines if RUN_STOPPED in line)]
        assert str(run_id) in next(line for line in lines if RUN_STOPPED in line)
        # Prefect 54: straight to Cancelled (it showed Crashed for 2.5-6 s: the run's process refused the cancel)
        kinds = [kind for _, kind, _ in asyncio.run(flow_run_states(prefect_api, str(run_id)))]
        assert "CRASHED" not in kinds and kinds[-1] == "CANCELLED", kinds
    assert lines and lines[-1] == SERVE_STOPPED and lines.count(SERVE_STOPPED) == 1, lines
    again = [line for line in lines if line.startswith("newsflow serve: stopping already")]
    assert len(again) == (1 if case.startswith("second") and STOP_BEGAN in text else 0), lines
    flow_runs, paused = asyncio.run(served_flow_runs(prefect_api, config_path))
    assert paused, "the stop pauses the schedule"
    assert not [run for run in flow_runs if run.state and run.state.type.value in ("RUNNING", "PENDING")]


def served_runs(api_url: str, config_path: Path) -> list[FlowRun]:
    try:
        return list(asyncio.run(served_flow_runs(api_url, config_path))[0])
    except Exception:  # the deployment is not there yet
        return []


@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (a real service, ~45 s): the bound it "
                    "checks is the API watch's, which tests/hostile/test_redteam8.py checks in CI while serving")
def test_a_second_signal_while_the_stop_waits_on_a_silent_api_ends_in_the_api_patience(
        tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    """The stop waits on Prefect's client, which waits on each call and retries it (minutes); a second signal only
    lets it go on. What bounds it is `execution.api_patience_seconds`: the service says the API answered nothing,
    in one line, stops the run's processes and exits 4, as while it serves."""
    release = threading.Event()
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    config_path = write_config(tmp_path, server.base_url, {"held": stopped_news_site(server, release)})
    with config_path.open("a", encoding="utf-8") as config:
        config.write("\n[schedule]\ninterval = 2\n\n[execution]\nrun_budget_seconds = 60\napi_patience_seconds = 5\n")
    env = child_env(f"http://127.0.0.1:{proxy.port}/api") | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "newsflow", "serve", "--config", str(config_path)],
                                   cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: server.hits("/held/story.html"), 120, "a run to be fetching the held page")
        proxy.freeze()
        code, at_exit, left = stop_the_service(tmp_path, process, second=True, wait_s=60)
    finally:
        release.set()
        proxy.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    text = said(tmp_path)
    lines = newsflow_lines(text)
    assert code == 4 and "Traceback" not in text, text[-4000:]
    assert lines[-1].startswith(f"newsflow: the Prefect API at http://127.0.0.1:{proxy.port}/api has answered "
                                "nothing for "), lines
    assert len([line for line in lines if line.startswith("newsflow serve: stopping already")]) == 1, lines
    check_what_outlived_the_service(at_exit, left, config_path, text)

