"""`newsflow status` as an unattended user reads it (Prefect 23, session 39): the schedule of the local server read
without importing Prefect, and an active schedule no service serves, which status may not pause, said plainly.

The session's real Prefect server (the `prefect_api` fixture, recorded in PREFECT_HOME as `newsflow run` records
its local server); each test deletes the deployment it made, so the server plans no runs for it afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from flows.deployments import DeploymentSeen, DeploymentUnread, read_deployment
from flows.ingest import ingest
from flows.loopback import is_loopback
from flows.serve import deployment_name, serve_options
from prefect.client.orchestration import PrefectClient
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import deployments
from newsflow import cli
from newsflow.config import Config, load_config
from newsflow.runlock import holding_the_service_lock
from tests.flows.test_unserved import held_from_elsewhere
from tests.localserver import LocalServer, Page, send_bytes


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n[schedule]\ninterval = 3600\n\n'
                    '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    return load_config(path)


@pytest.fixture
def deployed(prefect_api: str, config: Config) -> Iterator[dict[str, object]]:
    """The config's served deployment, as `serve` makes it, active; its options, to make it again with others.
    Deleted at the end."""
    options = serve_options(config) | {"paused": False}
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        Runner(name=deployment_name(config.path)).add_flow(ingest, **options)
    yield options
    asyncio.run(delete_deployment(prefect_api, deployment_name(config.path)))


async def delete_deployment(api_url: str, name: str) -> None:
    async with PrefectClient(api=api_url) as client:
        await client.delete_deployment((await client.read_deployment_by_name(f"ingest/{name}")).id)


def status_in_a_new_process(config: Config) -> tuple[list[str], bool]:
    """`newsflow status`'s lines, and whether it imported Prefect, in a fresh interpreter (the session's
    PREFECT_HOME names its server)."""
    code = ("import sys\nfrom newsflow.cli import main\n"
            f"code = main(['status', '--config', {str(config.path)!r}])\n"
            "print(code, 'prefect' in sys.modules)")
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    *lines, last = done.stdout.splitlines()
    assert last.split()[0] == "0" and done.stderr == "", (done.stdout, done.stderr)
    return lines, last.split()[1] == "True"


def test_status_while_a_service_serves_reads_the_local_servers_schedule_without_importing_prefect(
        prefect_api: str, config: Config, deployed: dict[str, object]) -> None:
    """Before: every status imported Prefect (~1.3 cpu-s of its ~1.6) to read one deployment."""
    name = deployment_name(config.path)
    with held_from_elsewhere(config.warehouse_path, str(os.getpid())):  # a live service holds its lock
        lines, imported = status_in_a_new_process(config)
        assert lines[:2] == [f"service: newsflow serve (pid {os.getpid()}) serves {config.warehouse_path}",
                             f"schedule: ingest/{name} active (Prefect API at {prefect_api})"]
        assert lines[2] == f"runs: none recorded (no warehouse at {config.warehouse_path} yet; the first run makes it)"
        assert imported is False
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        Runner(name=name).add_flow(ingest, **(deployed | {"paused": True}))
    lines, imported = status_in_a_new_process(config)  # no service now, the schedule paused: nothing to pause
    assert lines[1] == f"schedule: ingest/{name} paused (Prefect API at {prefect_api})" and imported is False


def test_status_says_plainly_an_active_schedule_no_service_serves_that_it_may_not_pause(
        prefect_api: str, config: Config, deployed: dict[str, object], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Made by a newsflow before red team 40 (no host tag), or served from another machine: status pauses neither,
    and before said only `active`, beside `no newsflow serve serves`: the runs going Late unsaid."""
    name = deployment_name(config.path)
    with holding_the_service_lock(config.warehouse_path):
        pass  # a service ran here once, and is gone
    with temporary_settings({PREFECT_API_URL: prefect_api}):
        Runner(name=name).add_flow(ingest, **(deployed | {"tags": []}))
    capsys.readouterr()
    monkeypatch.delenv("PREFECT_API_URL")  # the fixture's `ensure_prefect_api` set it in this process
    assert cli.main(["status", "--config", str(config.path)]) == 0  # the local server, by PREFECT_HOME
    schedule = capsys.readouterr().out.splitlines()[1]
    assert schedule.startswith(f"schedule: ingest/{name} active (Prefect API at {prefect_api}) with no `newsflow "
                               "serve` running: its runs go Late and none starts"), schedule
    assert schedule.endswith(f"start `newsflow serve --config {config.path}` to serve it, or pause it in Prefect's UI")

    with temporary_settings({PREFECT_API_URL: prefect_api}):
        Runner(name=name).add_flow(ingest, **(deployed | {"tags": ["newsflow-served-from:another-machine"]}))
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)  # a configured API: read through Prefect's client
    assert cli.main(["status", "--config", str(config.path)]) == 0
    schedule = capsys.readouterr().out.splitlines()[1]
    assert schedule.startswith(f"schedule: ingest/{name} active (Prefect API at {prefect_api}), served from the "
                               f"machine another-machine: no `newsflow serve` serves {config.warehouse_path} here; "
                               "if none runs on another-machine either, its runs go Late"), schedule
    async def still_active() -> bool:
        async with PrefectClient(api=prefect_api) as client:
            return not (await client.read_deployment_by_name(f"ingest/{name}")).paused
    assert asyncio.run(still_active()), "another machine's schedule is not ours to pause"


def test_the_plain_read_asks_a_failing_server_again_and_refuses_what_is_no_deployment(
        server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GET that replaced Prefect's client for the local server: a 5xx asked again (as Prefect's client does, a
    busy server's SQLite locked under it), a 404 is no deployment, anything else that is not one is refused."""
    waits: list[float] = []
    monkeypatch.setattr(deployments.time, "sleep", waits.append)
    answers = iter([Page(b"busy", "text/plain", 503), Page(json.dumps(
        {"paused": False, "tags": ["newsflow-served-from:h1", 7]}).encode(), "application/json")])
    server.add("/api/deployments/name/ingest/busy", lambda handler: answer(handler, next(answers)))
    assert read_deployment(server.url("/api"), "busy", 5.0) == DeploymentSeen(
        True, False, ("newsflow-served-from:h1", "7"))
    assert waits == [1.0] and DeploymentSeen(True, False, ("newsflow-served-from:h1",)).served_from == "h1"
    assert read_deployment(server.url("/api"), "missing", 5.0) == DeploymentSeen(False)
    server.add("/api/deployments/name/ingest/failing", Page(b"no", "text/plain", 500))
    with pytest.raises(DeploymentUnread, match="HTTP 500"):
        read_deployment(server.url("/api"), "failing", 5.0)
    assert len(server.hits("/api/deployments/name/ingest/failing")) == 3
    server.add("/api/deployments/name/ingest/page", Page(b"<html>a web page</html>"))
    with pytest.raises(DeploymentUnread):
        read_deployment(server.url("/api"), "page", 5.0)
    server.add("/api/deployments/name/ingest/refused", Page(b"{}", "application/json", 403))
    with pytest.raises(DeploymentUnread, match="HTTP 403"):
        read_deployment(server.url("/api"), "refused", 5.0)
    assert len(server.hits("/api/deployments/name/ingest/refused")) == 1, "a 4xx is not asked again"


def answer(handler: BaseHTTPRequestHandler, page: Page) -> None:
    send_bytes(handler, page.status, page.body, page.content_type)


def drip(handler: BaseHTTPRequestHandler) -> None:
    """A deployment's JSON a byte every 0.1 s: each receive is quick, the whole answer takes ~6 s."""
    body = json.dumps({"paused": False, "tags": [], "name": "x" * 20}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):  # the reader gave up: the connection is closed under the drip
        for byte in body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.1)  # the server's pace, which the read must not wait out


def test_the_plain_read_gives_up_on_a_dripping_answer_and_asks_no_proxy(
        server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Prefect 23: urlopen's timeout bounds one receive, so a server dripping its answer held `status`
    for as long as it dripped (here ~6 s, 1 s allowed); and an HTTP_PROXY in the environment with no NO_PROXY sent
    the loopback read to the proxy, which cannot reach it."""
    server.add("/api/deployments/name/ingest/drip", drip)
    started = time.monotonic()
    with pytest.raises(DeploymentUnread, match="too slowly"):
        read_deployment(server.url("/api"), "drip", 1.0, asks=1)
    assert time.monotonic() - started < 4.0
    server.add("/api/deployments/name/ingest/direct", Page(b'{"paused": true, "tags": []}', "application/json"))
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert read_deployment(server.url("/api"), "direct", 5.0, asks=1) == DeploymentSeen(True, True, ())
    assert is_loopback("http://[::1]:4200/api") and is_loopback("http://localhost:4200/api")
    assert not is_loopback("http://10.0.0.7:4200/api") and not is_loopback("https://prefect.example/api")


def test_status_with_prefect_credentials_configured_reads_through_prefects_client(
        prefect_api: str, config: Config, deployed: dict[str, object], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Review of Prefect 23: a local server started with PREFECT_SERVER_API_AUTH_STRING in the environment wants
    the Basic auth Prefect's client sends (PREFECT_API_AUTH_STRING); the plain GET sends none and got a 401, exit
    4. With credentials configured, status asks through Prefect's client (this server wants none: it answers)."""
    def plain_read(url: str, name: str, timeout_s: float) -> DeploymentSeen:
        pytest.fail("the plain GET, which sends no credentials, read a server Prefect's client is to ask")

    monkeypatch.setattr("flows.status.read_deployment", plain_read)
    monkeypatch.delenv("PREFECT_API_URL")  # the session's server by PREFECT_HOME: `newsflow run` set it here
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "admin:pass")
    name = deployment_name(config.path)
    with held_from_elsewhere(config.warehouse_path, str(os.getpid())):
        assert cli.main(["status", "--config", str(config.path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"schedule: ingest/{name} active (Prefect API at {prefect_api})"
