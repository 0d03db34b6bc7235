"""A local Prefect server that died is found dead by the next `newsflow run`, which starts another
and completes its flow run on it.

The server here has its own PREFECT_HOME and port, so the session's server (the `prefect_api`
fixture) is left alone. Slow: it starts two servers (9-40 s each on 2 cores); the test took 27 s
at load ~6 and 51-60 s at load 12 on 2 cores, and 5 s more to stop its server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flows.localserver import PID_FILE, STATE_FILE, is_server_process, pick_port, read_state

from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import free_port
from tests.flows.test_run_modes import planet_site
from tests.localserver import LocalServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_prefect_home(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A PREFECT_HOME of its own, no API configured, a free port; its servers are stopped at the end."""
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_API_PORT": str(free_port())}
    try:
        yield home, env
    finally:
        pid = _recorded_pid(home)
        subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True,
                       timeout=60, check=False)
        if pid is not None and not wait_until_gone(pid, timeout_s=30):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _recorded_pid(home: Path) -> int | None:
    pid = read_state(home).get("pid")
    return pid if isinstance(pid, int) else None


def wait_until_gone(pid: int, timeout_s: float) -> bool:
    """Whether the server process `pid` ended within the time (a killed one ends at once)."""
    deadline = time.monotonic() + timeout_s
    while is_server_process(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def flow_run_state(api_url: str, run_id: str) -> str:
    with urllib.request.urlopen(f"{api_url}/flow_runs/{run_id}", timeout=30) as response:
        return str(json.load(response)["state_type"])


@pytest.mark.slow
def test_the_next_run_replaces_a_killed_local_server_and_completes_its_flow_run(
    tmp_path: Path, server: LocalServer, own_prefect_home: tuple[Path, dict[str, str]]
) -> None:
    home, env = own_prefect_home
    start = "from flows.localserver import ensure_prefect_api; ensure_prefect_api()"  # newsflow's own path
    started = subprocess.run([sys.executable, "-c", start], cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=300)
    assert started.returncode == 0, started.stderr
    killed = _recorded_pid(home)
    assert killed is not None and is_server_process(killed)
    os.kill(killed, signal.SIGKILL)
    assert wait_until_gone(killed, timeout_s=30)
    assert (home / PID_FILE).read_text() == str(killed) and (home / STATE_FILE).exists(), "left stale"

    config_path = planet_site(tmp_path, server, stories=2)
    done = subprocess.run([sys.executable, "-m", "newsflow", "run", "--config", str(config_path), "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=400)

    assert done.returncode == 0, done.stderr
    assert "(a local Prefect server started now;" in done.stderr
    replacement = _recorded_pid(home)
    assert replacement is not None and replacement != killed and is_server_process(replacement)
    assert (home / PID_FILE).read_text() == str(replacement), "`prefect server stop` stops the new one"
    run_id = json.loads(done.stdout)["run_id"]
    assert flow_run_state(str(read_state(home)["api_url"]), run_id) == "COMPLETED"
    [(status, stored)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT status, articles_stored FROM runs").rows
    assert (status, stored) == ("completed", 2)


def _closed_with_time_wait() -> int:
    """A loopback port that only a closed connection's TIME_WAIT holds, as a SIGKILLed server's port is: the
    server's side of an accepted connection closes first (the side that closes first keeps TIME_WAIT)."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            accepted, _ = listener.accept()
            accepted.close()
            assert client.recv(1) == b"", "the server's close reached the client"
    return port


def test_a_port_only_time_wait_holds_is_kept_and_a_listened_one_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of hunt 47: after a SIGKILLed local server, the next start probed its port without SO_REUSEADDR,
    which a TIME_WAIT refuses, so the server moved to another port (a bookmarked UI address moved) though the
    server itself (uvicorn, SO_REUSEADDR) could bind it. In process, no server: 0.01 s."""
    port = _closed_with_time_wait()
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(port))
    assert pick_port() == port, "a TIME_WAIT alone does not move the server"
    with socket.socket() as listening:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", port))
        listening.listen()
        assert pick_port() != port, "a port something listens on is taken"
