"""Prefect 24 (session 40): months of unattended serving.

A machine's HTTP proxy never stands between newsflow and a Prefect API on loopback. The session's real Prefect
server (the `prefect_api` fixture, recorded in PREFECT_HOME as `newsflow run` records its local server); the
"proxy" is a real listening socket that counts who connects and hangs up on them, as a proxy that cannot reach
our loopback fails."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flows.loopback import reach_directly


class RefusingProxy:
    """A proxy that cannot reach this machine's loopback: it accepts, counts, and closes."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept (a close alone leaves it blocked, on Linux)
        self.listener.close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> Iterator[RefusingProxy]:
    """The environment of a machine behind a proxy, with no NO_PROXY (the autouse fixture restores it)."""
    proxy = RefusingProxy()
    for name in ("no_proxy", "NO_PROXY", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    try:
        yield proxy
    finally:
        proxy.close()


BEHIND_THE_PROXY = """
import json, sys, httpx
from newsflow.cli import main
from flows.localserver import ensure_prefect_api
code = main(["status", "--config", sys.argv[1]])
api = ensure_prefect_api(start_timeout_s=15.0)
# Prefect's client is an httpx client with httpx's defaults: it reads the proxy variables as this one does
health = httpx.get(api.url + "/health", timeout=10).status_code
print(json.dumps([code, api.url, api.started, health]))
"""


def test_a_proxy_in_the_environment_never_stands_between_newsflow_and_its_local_server(
        prefect_api: str, proxied: RefusingProxy, tmp_path: Path) -> None:
    """Left by Prefect 23's review: with HTTP_PROXY set and no NO_PROXY, every probe of the local server went to the
    proxy, so `status` said no local server runs and `run`/`serve` started a second one (or gave up after 180 s);
    Prefect's client (httpx, which exempts no host by itself) could not reach the server either. A fresh process,
    as a service's is: urllib builds its proxy table at its first request, so an in-process check would not see
    a proxy set after it."""
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n'
                      '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    done = subprocess.run([sys.executable, "-c", BEHIND_THE_PROXY, str(config)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    *lines, last = done.stdout.splitlines()
    assert done.returncode == 0 and done.stderr == "", (done.stdout, done.stderr)
    schedule = lines[1]
    assert schedule.startswith("schedule: ingest/serve-newsflow-") and f"(Prefect API at {prefect_api})" in schedule
    assert json.loads(last) == [0, prefect_api, False, 200], "a second server was started, or the first not reached"
    assert proxied.connections == 0, "something asked the proxy for a loopback URL"


def test_only_a_loopback_api_is_exempted_and_the_users_exemptions_are_kept(
        proxied: RefusingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "intranet.example, 10.0.0.0/8")
    monkeypatch.setenv("no_proxy", "localhost")
    reach_directly("https://prefect.example/api")
    assert os.environ["NO_PROXY"] == "intranet.example, 10.0.0.0/8", "a remote API goes through the proxy as before"
    reach_directly("http://127.0.0.1:4200/api")
    reach_directly("http://127.0.0.1:4311/api")  # once in the list, whatever the port
    assert os.environ["no_proxy"] == os.environ["NO_PROXY"] == "localhost,intranet.example,10.0.0.0/8,127.0.0.1"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name)
    reach_directly("http://127.0.0.1:4200/api")
    assert "no_proxy" not in os.environ and "NO_PROXY" not in os.environ, "no proxy, nothing to exempt"


def test_a_recorded_server_that_never_answers_is_stopped_not_left_running_unrecorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Prefect 24: a recorded server alive but silent for the whole wait (hung, stopped, starved under
    load) was replaced by a second one whose pid overwrote `server.pid`: the first ran on, unrecorded, out of
    `prefect server stop`'s reach, for as long as the machine ran. And a start that timed out killed its process
    but left `server.pid` naming it, a pid the system may give another process for `prefect server stop` to
    signal. The "server" here is a sleeping process with a server's command line, recorded at a dead port; the
    real start is given 0.5 s, so it times out (its interpreter is killed while it imports Prefect)."""
    from flows.localserver import PID_FILE, STATE_FILE, PrefectUnavailable, ensure_prefect_api

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    silent = subprocess.Popen([sys.executable, "-c", "import time; print(flush=True); time.sleep(120)", "-m",
                               "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(dead_port)],
                              stdout=subprocess.PIPE)
    try:
        assert silent.stdout is not None and silent.stdout.readline() == b"\n"  # its command line is a server's
        (tmp_path / STATE_FILE).write_text(json.dumps({"api_url": f"http://127.0.0.1:{dead_port}/api",
                                                       "pid": silent.pid}))
        (tmp_path / PID_FILE).write_text(str(silent.pid))
        monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        with pytest.raises(PrefectUnavailable, match="did not start within"):
            ensure_prefect_api(start_timeout_s=0.5)
        assert silent.wait(timeout=5) is not None, "the silent server was left running"
        assert not (tmp_path / PID_FILE).exists(), "server.pid names a process this command killed"
    finally:
        silent.kill()
        silent.communicate()


def test_a_no_proxy_of_star_is_left_as_the_user_wrote_it(
        proxied: RefusingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Prefect 24: `NO_PROXY=*` (no proxy for any host) became `*,127.0.0.1`, and urllib (which `requests`
    and websockets' proxy lookup use) honours `*` only as the whole value: every host then went through the proxy,
    in newsflow's process and every process it starts."""
    import urllib.request

    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    reach_directly("http://127.0.0.1:4200/api")
    assert os.environ["NO_PROXY"] == os.environ["no_proxy"] == "*"
    assert urllib.request.proxy_bypass_environment("feeds.example.org")


def test_status_asks_a_configured_loopback_api_through_prefects_client_not_the_proxy(
        prefect_api: str, proxied: RefusingProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Prefect 24: with PREFECT_API_URL set, `status` asks through Prefect's client (httpx, reading the
    proxy variables at each client's making), which no test above reaches: without the exemption it said the
    API `did not say (TimeoutError)`, exit 4. In this process: Prefect is imported by the flow tests anyway."""
    from flows.status import schedule_line

    from newsflow.config import load_config

    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n'
                      '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    line, code = schedule_line(load_config(config), None)
    assert (code, line.startswith("schedule: ingest/serve-newsflow-")) == (0, True), line
    assert f"(Prefect API at {prefect_api})" in line
    assert proxied.connections == 0, "Prefect's client asked the proxy for a loopback URL"
