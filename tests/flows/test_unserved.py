"""A schedule a killed `newsflow serve` left active is paused only where no service can be serving it
(flows/unserved.py, newsflow/runlock.py's `no_service_alive`; the real SIGKILL is tests/flows/test_serve_killed.py).

The lock cases hold the lock from this process through another open file (an `flock` is per open file, so two
opens in one process exclude each other as two processes do).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import prefect.settings
import pytest
from flows.cli import note_an_unserved_schedule
from flows.deployments import deployment_name
from flows.ingest import ingest
from flows.localserver import PrefectApi
from flows.serve import serve_options
from flows.status import service_line
from flows.unserved import pause_a_schedule_no_service_serves
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import unserved
from newsflow import cli, runlock
from newsflow.config import load_config
from newsflow.errors import WarehouseLockedError
from newsflow.runlock import holding_the_service_lock, no_service_alive, service_lock_path
from tests.flows.test_prefect18 import deployment_state
from tests.flows.test_serve import wait_for


def test_no_check_passes_while_a_service_holds_the_lock_nor_where_none_ever_ran(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    with no_service_alive(warehouse) as none_alive:
        assert none_alive is False
    assert not service_lock_path(warehouse).exists(), "a check creates no lock file"
    with holding_the_service_lock(warehouse), no_service_alive(warehouse) as none_alive:
        assert none_alive is False
    with no_service_alive(warehouse) as none_alive:  # the service gone (stopped, or killed: the kernel lets go)
        assert none_alive is True
        assert service_lock_path(warehouse).read_text().endswith(f" {runlock.CHECK}")


def test_a_service_starting_while_a_check_holds_the_lock_waits_for_it_and_then_serves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, a `serve` restarted (systemd's Restart=) at the moment a run checked would have exited 3 naming a
    service that is not there."""
    warehouse = tmp_path / "news.duckdb"
    with holding_the_service_lock(warehouse):
        pass  # a service ran and left its pid in the file
    waiting, outcome = threading.Event(), []
    real_sleep = runlock.time.sleep

    def noted_sleep(seconds: float) -> None:
        waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(runlock.time, "sleep", noted_sleep)

    def serve() -> None:
        try:
            with holding_the_service_lock(warehouse):
                outcome.append("served")
        except WarehouseLockedError as exc:
            outcome.append(str(exc))

    with no_service_alive(warehouse) as none_alive:
        assert none_alive
        service = threading.Thread(target=serve)
        service.start()
        wait_for(lambda: waiting.is_set() or outcome, 30, "the service to find the lock held")
    service.join(timeout=30)
    assert outcome == ["served"]


def test_a_live_service_is_still_named_when_it_holds_the_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    refused = pytest.raises(WarehouseLockedError, match=r"another newsflow serve \(pid \d+\)")
    with holding_the_service_lock(warehouse), refused, holding_the_service_lock(warehouse):
        pass


def test_a_schedule_served_from_another_machine_is_left_active(tmp_path: Path, prefect_api: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The same config path on another machine, with its own warehouse, names the same deployment: its live
    service's schedule is not ours to pause, though no service of this machine's warehouse lives."""
    path = tmp_path / "elsewhere.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 60\n\n'
                    '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    name = deployment_name(config.path)
    with holding_the_service_lock(config.warehouse_path):
        pass  # this machine's service ran once
    options = serve_options(config) | {"tags": ["newsflow-served-from:another-machine"], "paused": False}
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        UUID(str(Runner(name=name).add_flow(ingest, **options)))
        assert pause_a_schedule_no_service_serves(config, name) is None
        assert asyncio.run(deployment_state(prefect_api, name))[0] is False, "left active"
        ours = options | {"tags": serve_options(config)["tags"]}
        Runner(name=name).add_flow(ingest, **ours)
        capsys.readouterr()
        note_an_unserved_schedule(config, PrefectApi(prefect_api, local=True, started=False), "plain")  # `run`'s
        said = capsys.readouterr().err.splitlines()
        assert len(said) == 1 and said[0].startswith(f"newsflow: the schedule of ingest/{name} was still active"), said
        assert asyncio.run(deployment_state(prefect_api, name))[0] is True, "this machine's: paused"


def held_from_elsewhere(warehouse: Path, holder: str) -> Any:
    """The service lock held through another open file, saying `holder` (as another process would)."""
    path = service_lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w+")  # noqa: SIM115 - closed by the caller
    handle.write(holder)
    handle.flush()
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def test_a_service_starting_as_a_check_writes_its_pid_waits_not_refuses(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty file under a held lock is a check (or a service) between truncating it and writing its pid:
    before the review, a `serve` reading it then exited 3, `another newsflow serve already serves`, naming none."""
    warehouse = tmp_path / "news.duckdb"
    holder = held_from_elsewhere(warehouse, "")
    monkeypatch.setattr(runlock.time, "sleep", lambda seconds: holder.close())  # the check lets go as it waits
    with holding_the_service_lock(warehouse):
        assert service_lock_path(warehouse).read_text() == str(os.getpid())


def test_a_check_held_past_the_wait_is_named_as_a_check_not_a_service(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "news.duckdb"
    monkeypatch.setattr(runlock, "CHECK_HELD_AT_MOST_S", 0.0)
    refused = pytest.raises(WarehouseLockedError)
    with held_from_elsewhere(warehouse, f"{os.getpid()} {runlock.CHECK}"), refused as raised, \
            holding_the_service_lock(warehouse):
        pass
    said = str(raised.value)
    assert "\n" not in said and "another newsflow serve" not in said and f"pid {os.getpid()}" in said, said


def test_status_names_no_service_while_a_run_checks(tmp_path: Path) -> None:
    """A check takes the lock only where no service lives: status named it `newsflow serve (pid N)`."""
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                    'url = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    warehouse = config.warehouse_path
    with held_from_elsewhere(warehouse, f"{os.getpid()} {runlock.CHECK}"):
        assert service_line(config, runlock.serving_pid(warehouse)) == (
            f"service: no `newsflow serve` serves {warehouse}")
    with held_from_elsewhere(warehouse, f"{os.getpid()}"):
        assert service_line(config, runlock.serving_pid(warehouse)) == (
            f"service: newsflow serve (pid {os.getpid()}) serves {warehouse}")
    assert not runlock.run_lock_is_held(service_lock_path(config.warehouse_path)), "status holds nothing after"
    (tmp_path / "a-file").write_text("")
    assert runlock.serving_pid(tmp_path / "a-file" / "news.duckdb") is None, "a folder that is a file: none serves"


def test_status_exits_4_in_its_line_when_the_configured_api_does_not_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A monitoring script reads the exit code: before the review `status` exited 0 whatever it found."""
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                    'url = "http://127.0.0.1:9/feed.xml"\n')
    with socket.socket() as closed:  # a port nothing listens on: bound, never listening
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{closed.getsockname()[1]}/api")
        assert cli.main(["status", "--config", str(path)]) == 4
    [service, schedule, *_] = capsys.readouterr().out.splitlines()
    assert service.startswith("service: no `newsflow serve` serves ")
    assert schedule.startswith("schedule: the Prefect API at http://127.0.0.1:") and "does not answer" in schedule


def test_a_run_where_no_service_ever_ran_spends_nothing_on_the_check(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No lock file: no API call, and not Prefect's settings rebuilt either (60-120 ms a run before the review)."""
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                    'url = "http://127.0.0.1:9/feed.xml"\n')

    def rebuilt(*args: object, **kwargs: object) -> None:
        raise AssertionError("Prefect's settings rebuilt for a check with nothing to check")

    monkeypatch.setattr(prefect.settings, "temporary_settings", rebuilt)
    note_an_unserved_schedule(load_config(path), PrefectApi("http://127.0.0.1:9/api", local=True, started=False),
                              "plain")


def test_a_service_starting_as_a_check_takes_a_dead_services_lock_waits_for_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The instant a check has taken the lock, the file still names the dead service: no process has its pid."""
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()  # reaped: no process has its pid (until the kernel hands it out again, far later)
    warehouse = tmp_path / "news.duckdb"
    holder = held_from_elsewhere(warehouse, str(ended.pid))
    monkeypatch.setattr(runlock.time, "sleep", lambda seconds: holder.close())
    with holding_the_service_lock(warehouse):
        assert service_lock_path(warehouse).read_text() == str(os.getpid())


def test_status_starts_no_prefect_server_and_says_none_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """README: `status` starts none; with no API configured and no local server recorded, no run is scheduled."""
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                    'url = "http://127.0.0.1:9/feed.xml"\n')
    home = tmp_path / "prefect-home"
    home.mkdir()
    for name in ("PREFECT_API_URL", "PREFECT_PROFILES_PATH", "PREFECT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    assert cli.main(["status", "--config", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("schedule: no local Prefect server runs")
    assert list(home.iterdir()) == [], "nothing started, nothing written"


def test_a_check_against_an_api_that_never_answers_lets_go_of_the_lock_in_its_bound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/scheduling.md: the check's calls are bounded (`CHECK_WITHIN_S`), so a starting `serve`'s wait for it
    (`CHECK_HELD_AT_MOST_S`) outlasts it; Prefect's own request timeout is 60 s."""
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[[feeds]]\nname = "a"\n'
                    'url = "http://127.0.0.1:9/feed.xml"\n')
    config = load_config(path)
    with holding_the_service_lock(config.warehouse_path):
        pass  # a service ran here once
    monkeypatch.setattr(unserved, "CHECK_WITHIN_S", 0.5)
    assert unserved.CHECK_WITHIN_S < runlock.CHECK_HELD_AT_MOST_S
    with socket.socket() as silent:  # the kernel accepts the connection; nothing ever reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        said: list[str | None] = []

        def check() -> None:
            with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{silent.getsockname()[1]}/api"}):
                said.append(pause_a_schedule_no_service_serves(config, deployment_name(config.path)))

        checking = threading.Thread(target=check, daemon=True)  # unbounded, it held on past 200 s (the review)
        checking.start()
        checking.join(runlock.CHECK_HELD_AT_MOST_S)
        assert not checking.is_alive(), "the check let go before a starting serve stops waiting for it"
    assert said == [None]
    assert not runlock.run_lock_is_held(service_lock_path(config.warehouse_path))
