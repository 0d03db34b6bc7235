"""Local 16: Prefect's side of a run set up wrong (docs/security.md, "Local 16").

Each test failed on the code before its fix: a PREFECT_API_URL that answers HTTP but is no Prefect
API, and a served or deployed run whose warehouse cannot be opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flows.ingest import ingest
from flows.localserver import PrefectUnavailable, ensure_prefect_api

from newsflow.config import load_config
from newsflow.errors import WarehouseError
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import free_port
from tests.hostile.subprocesses import (
    REPO,
    child_env,
    newsflow_command,
    prefect_api_url,
    run_newsflow,
    write_run_config,
)
from tests.localserver import LocalServer
from tests.test_pipeline import serve_feed


class WelcomePage(BaseHTTPRequestHandler):
    """A web server's welcome page for every method at every path (a catch-all site, a portal)."""

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), WelcomePage)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_prefect_api_url_on_a_web_server_is_one_line_exit_4_saying_it_is_no_prefect_api(
    tmp_path: Path, web_server: str, command: str
) -> None:
    """A web page at every URL. Before: `serve` died on a JSONDecodeError traceback from Prefect's
    client (its CSRF token call; exit 1); `run` said `run crashed: RuntimeError: Failed to reach API`
    (exit 1, the code for a crash)."""
    line = _refused(tmp_path, command, web_server + "/api")
    assert "GET /health gave 200 text/html: '<html><body>Welcome to nginx!" in line, line


@pytest.mark.parametrize("command", ["run", "serve"])
def test_the_prefect_ui_address_without_api_is_one_line_exit_4_naming_the_api_url(
    tmp_path: Path, prefect_harness: str, command: str
) -> None:
    """`PREFECT_API_URL=http://127.0.0.1:4200`, the address the UI shows, where Prefect's API is under
    /api. Before: exit 4 saying the API `stopped answering during the run` and to start that server
    again, of a server that was running."""
    ui_url = prefect_api_url().removesuffix("/").removesuffix("/api")
    line = _refused(tmp_path, command, ui_url)
    assert "GET /health gave 404" in line and f"(is it {ui_url}/api?)" in line, line


def _refused(tmp_path: Path, command: str, api_url: str) -> str:
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    done = run_newsflow([command, "--config", str(config_path)], api_url, timeout=120)
    assert done.returncode == 4, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    line = done.stderr.splitlines()[-1]
    assert line.startswith(f"newsflow: PREFECT_API_URL {api_url} answers, but not as a Prefect API"), line
    assert "unset it" in line, line
    return line


@pytest.mark.parametrize("damage", ["not_duckdb", "a_folder"])
def test_a_served_run_whose_warehouse_cannot_be_opened_logs_one_line_not_a_traceback(
    tmp_path: Path, prefect_harness: str, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    """A served or deployed run (Prefect calls the flow, not `newsflow run`, which checks the warehouse
    first) on a damaged warehouse, or a folder where it goes. Before: the WarehouseError escaped the flow, and Prefect
    logged `Encountered exception during execution` with a 20-line traceback into the run's logs and the
    service's output, at every scheduled run until fixed. Now its one line, the run Failed with it, and
    a caller of the flow (`newsflow run`) still gets the WarehouseError (exit 3)."""
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    warehouse_path = load_config(config_path).warehouse_path
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "not_duckdb":
        warehouse_path.write_bytes(os.urandom(20_000))
    else:
        warehouse_path.mkdir()

    with caplog.at_level(logging.INFO):
        state = asyncio.run(ingest(config_path=str(config_path), return_state=True))
        with pytest.raises(WarehouseError):
            asyncio.run(ingest(config_path=str(config_path)))

    assert state.is_failed() and state.message is not None and str(warehouse_path) in state.message, state
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [], "a traceback reached the run's logs"
    assert any(r.levelno == logging.ERROR and r.getMessage().startswith(f"cannot open {warehouse_path}")
               for r in caplog.records)


def test_a_local_server_that_dies_on_a_newer_prefect_db_is_one_line_saying_why_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PREFECT_HOME whose prefect.db a newer Prefect migrated (a downgrade, a home shared between two
    installs). Its server exits at start (alembic cannot find the database's revision). Before: `did
    not start within 180 s; see <log>`, after about 40 s, and the same at every later command, with
    nothing to say what was wrong. One real `prefect server start` (~40 s on 2 loaded cores)."""
    home = tmp_path / "prefect-home"
    home.mkdir()
    with contextlib.closing(sqlite3.connect(home / "prefect.db")) as db:  # what alembic reads first
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6')")
        db.commit()
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(free_port()))

    with pytest.raises(PrefectUnavailable) as refused:
        ensure_prefect_api(start_timeout_s=170)

    said = str(refused.value)
    assert "exited (code" in said and "Can't locate revision identified by 'a1b2c3d4e5f6'" in said, said
    assert f"{home / 'prefect.db'} was made by a newer Prefect" in said and "move the file aside" in said, said
    assert "\n" not in said


@pytest.mark.parametrize("full", ["stderr", "stdout and stderr"])
def test_a_run_whose_log_disk_is_full_still_ingests_and_exits_0(
    tmp_path: Path, server: LocalServer, prefect_harness: str, full: str
) -> None:
    """`newsflow run >> /var/log/newsflow.log 2>&1` from cron, the log's disk full (/dev/full: every
    write ENOSPC), the warehouse's disk with room. Before: the first line it wrote (`Prefect UI at …`)
    raised, and the command ended, exit 1, before it polled a feed: no ingest for as long as the log's
    disk stayed full. A summary that could not be written failed a run that had stored everything."""
    config_path = write_run_config(tmp_path, {"courier": server.url(serve_feed(server, 2)["courier"])})
    with open("/dev/full", "w") as device:
        done = subprocess.run(newsflow_command("run", "--config", str(config_path)), cwd=REPO,
                              env=child_env(prefect_api_url()), stdin=subprocess.DEVNULL, timeout=120,
                              stdout=device if full != "stderr" else subprocess.DEVNULL, stderr=device)
    assert done.returncode == 0
    stored = run_read_query(Warehouse(load_config(config_path).warehouse_path), "SELECT count(*) FROM articles")
    assert stored.rows == [(2,)]
