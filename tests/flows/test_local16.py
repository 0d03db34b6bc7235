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

import flows.cli
import flows.ingest
import flows.leaving
import pytest
from flows.ingest import ingest
from flows.localserver import PrefectUnavailable, ensure_prefect_api

from newsflow import cli
from newsflow.config import load_config
from newsflow.errors import FeedParseError, WarehouseError
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import free_port
from tests.hostile.subprocesses import (
    REPO,
    child_env,
    newsflow_command,
    prefect_api_url,
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
    tmp_path: Path, web_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A web page at every URL. Before: `serve` died on a JSONDecodeError traceback from Prefect's
    client (its CSRF token call; exit 1); `run` said `run crashed: RuntimeError: Failed to reach API`
    (exit 1, the code for a crash)."""
    line = _refused(tmp_path, monkeypatch, capsys, command, web_server + "/api")
    assert "GET /health gave 200 text/html: '<html><body>Welcome to nginx!" in line, line


@pytest.mark.parametrize("command", ["run", "serve"])
def test_the_prefect_ui_address_without_api_is_one_line_exit_4_naming_the_api_url(
    tmp_path: Path, prefect_harness: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: str
) -> None:
    """`PREFECT_API_URL=http://127.0.0.1:4200`, the address the UI shows, where Prefect's API is under
    /api. Before: exit 4 saying the API `stopped answering during the run` and to start that server
    again, of a server that was running."""
    ui_url = prefect_api_url().removesuffix("/").removesuffix("/api")
    line = _refused(tmp_path, monkeypatch, capsys, command, ui_url)
    assert "GET /health gave 404" in line and f"(is it {ui_url}/api?)" in line, line


@pytest.mark.parametrize("setting", ["PREFECT_CLIENT_CUSTOM_HEADERS", "PREFECT_API_AUTH_STRING"])
def test_a_prefect_api_behind_a_login_proxy_is_left_to_prefects_client_when_it_sends_credentials(
    web_server: str, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """A Prefect server behind a login proxy (oauth2-proxy, Cloudflare Access): without the headers
    Prefect's client sends (`PREFECT_CLIENT_CUSTOM_HEADERS`, or `PREFECT_API_AUTH_STRING`), the proxy
    answers newsflow's probe with its login page (the web page here). Before the review, such a setup,
    which works, was refused, exit 4, at every run: newsflow's probe carries no credentials."""
    monkeypatch.setenv("PREFECT_API_URL", web_server + "/api")
    monkeypatch.setenv(setting, '{"X-Auth": "k"}' if setting.endswith("HEADERS") else "user:pass")
    api = ensure_prefect_api()
    assert api.url == web_server + "/api" and not api.local


def _refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str,
             api_url: str) -> str:
    """The command, in this process: the refusal comes before Prefect is called, so a child process
    (~4 s of CPU to import the stack, 35 s at a load of ~15) would prove nothing more. An exception
    escaping the command fails the test as a traceback would; anything more on stderr fails it too."""
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    monkeypatch.setenv("PREFECT_API_URL", api_url)  # as the environment or a profile sets it
    # The code before the fix gave up on the API with os._exit, which would end this test's worker
    monkeypatch.setattr(flows.leaving, "end_now", lambda code: pytest.fail(f"the command ended the process ({code})"))
    assert cli.main([command, "--config", str(config_path)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err[-3000:]
    line = err.removesuffix("\n")
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


def test_a_served_run_that_hits_a_bug_keeps_its_traceback_in_the_logs_and_fails(
    tmp_path: Path, prefect_harness: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control for the test above: only a WarehouseError (the user's to fix, in one line) is caught
    in the flow. A newsflow error the run should never raise (a FeedParseError out of the runner is a
    bug) keeps Prefect's traceback in the run's logs, and the run Failed, so the bug can be found."""
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})

    async def a_bug(*args: object) -> None:
        raise FeedParseError("a bug: a parse error escaped the poll")

    monkeypatch.setattr(flows.ingest, "run_on_configured_runner", a_bug)
    with caplog.at_level(logging.INFO):
        state = asyncio.run(ingest(config_path=str(config_path), return_state=True))

    assert state.is_failed(), state
    logged = [r.exc_info[1] for r in caplog.records if r.exc_info and r.exc_info[1] is not None]
    assert any(isinstance(exc, FeedParseError) for exc in logged), [r.getMessage() for r in caplog.records]


# The end of what `prefect server start` (Prefect 3) wrote to its log as it died on each prefect.db, as
# test_a_local_server_that_dies_on_a_newer_prefect_db_for_real records it.
SERVER_DEATHS = {
    "newer": (3, """\
alembic.script.revision.ResolutionError: No such revision or branch 'a1b2c3d4e5f6'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/alembic/script/base.py", line 239, in _catch_revision_errors
    raise util.CommandError(resolution) from re
alembic.util.exc.CommandError: Can't locate revision identified by 'a1b2c3d4e5f6'

ERROR:    Application startup failed. Exiting.
Server stopped!
"""),
    "damaged": (3, """\
sqlite3.DatabaseError: file is not a database

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/aiosqlite/core.py", line 63, in _connection_worker_thread
    result = function()
             ^^^^^^^^^^
sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database
(Background on this error at: https://sqlalche.me/e/21/4xp6)

ERROR:    Application startup failed. Exiting.
Server stopped!
"""),
    "port taken": (1, """\
Port 4200 is already in use. Please specify a different port with the
`--port` flag.
"""),
}
ADVICE = {"newer": "was made by a newer Prefect", "damaged": "is damaged: move it aside"}


@pytest.mark.parametrize("death", sorted(SERVER_DEATHS))
def test_a_local_server_that_dies_at_start_is_one_line_quoting_its_error_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, death: str
) -> None:
    """The server newsflow starts exits before it answers: its prefect.db a newer Prefect migrated (a
    downgrade, a home shared between two installs), or damaged. A stand-in for `python -m prefect`
    (first on PYTHONPATH, which the server's environment keeps) writes what the real server writes
    and exits as it does, in a tenth of a second, where a real start takes ~4 s of CPU (40-56 s at a
    load of ~15). Before: `did not start within 180 s; see <log>`, saying nothing of what was wrong,
    and the same at every later command."""
    code, log = SERVER_DEATHS[death]
    stand_in = tmp_path / "stand-in" / "prefect"
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text("")
    (stand_in / "__main__.py").write_text(f"import sys\nsys.stdout.write({log!r})\nsys.exit({code})\n")
    home = _prefect_home(tmp_path, monkeypatch)
    (home / "newsflow-server.log").write_text("an earlier start's error: ValueError: not this one\n")
    monkeypatch.setenv("PYTHONPATH", str(stand_in.parent))

    said = _start_refused(home)

    assert f"exited (code {code}) before it answered" in said, said
    assert "not this one" not in said, said
    assert not (home / "server.pid").exists()  # `prefect server stop` would signal a pid since given to another
    if death == "port taken":  # no traceback: its last words, not "no error in its log" (the review's case)
        assert said.endswith("answered: Port 4200 is already in use. Please specify a different port with the "
                             f"`--port` flag.; see {home / 'newsflow-server.log'}"), said
        return
    last_error = [line for line in log.splitlines() if "Error: " in line][-1]
    assert f": {last_error}; {home / 'prefect.db'} {ADVICE[death]}" in said, said


@pytest.mark.skipif(os.environ.get("NEWSFLOW_CI") == "1", reason="local only (~4 s of CPU); in CI, "
                    "test_a_local_server_that_dies_at_start_is_one_line_quoting_its_error_and_what_to_do proves "
                    "the behaviour with this test's log")
def test_a_local_server_that_dies_on_a_newer_prefect_db_for_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One real `prefect server start` on a prefect.db a newer Prefect migrated: it exits (alembic
    cannot find the database's revision) with the error SERVER_DEATHS quotes, which newsflow says.
    This pins Prefect's own behaviour for the stand-in test above; rerun it after a Prefect upgrade."""
    home = _prefect_home(tmp_path, monkeypatch)
    with contextlib.closing(sqlite3.connect(home / "prefect.db")) as db:  # what alembic reads first
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6')")
        db.commit()

    said = _start_refused(home)

    assert "exited (code 3)" in said and "Can't locate revision identified by 'a1b2c3d4e5f6'" in said, said
    assert f"{home / 'prefect.db'} was made by a newer Prefect" in said and "move the file aside" in said, said


def _prefect_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "prefect-home"
    home.mkdir()
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(free_port()))
    return home


def _start_refused(home: Path) -> str:
    with pytest.raises(PrefectUnavailable) as refused:
        ensure_prefect_api(start_timeout_s=170)
    said = str(refused.value)
    assert "\n" not in said, said
    return said


def test_a_run_whose_log_disk_is_full_still_ingests_and_exits_0(
    tmp_path: Path, server: LocalServer, prefect_harness: str
) -> None:
    """`newsflow run >> /var/log/newsflow.log 2>&1` from cron, the log's disk full (/dev/full: every
    write ENOSPC), the warehouse's disk with room. Before: the first line it wrote (`Prefect UI at …`,
    on stderr) raised, and the command ended, exit 1, before it polled a feed: no ingest for as long
    as the log's disk stayed full. A summary (on stdout) that could not be written failed a run that
    had stored everything. A real child: what it proves is the process's exit code, flushes at exit
    included."""
    config_path = write_run_config(tmp_path, {"courier": server.url(serve_feed(server, 2)["courier"])})
    with open("/dev/full", "w") as device:
        done = subprocess.run(newsflow_command("run", "--config", str(config_path)), cwd=REPO,
                              env=child_env(prefect_api_url()), stdin=subprocess.DEVNULL, timeout=120,
                              stdout=device, stderr=device)
    assert done.returncode == 0
    stored = run_read_query(Warehouse(load_config(config_path).warehouse_path), "SELECT count(*) FROM articles")
    assert stored.rows == [(2,)]
