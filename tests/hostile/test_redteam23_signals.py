"""Red team 23: SIGTERM or SIGHUP while `newsflow serve` starts (docs/security.md, "Red team 23").

Red team 22 made a stop during the CLI's and Prefect's imports a Ctrl-C (one line, exit 130). `newsflow serve`
then finds or starts its Prefect server, imports its runner and sets up its deployment (2-40 s) before
Prefect's runner takes SIGTERM; a `systemctl stop` there ended the service by the signal, silently (-15, no
line). Now it is a Ctrl-C there too, as for `newsflow run`.

The signal is sent by the child itself, from an import hook, as `flows.serve` starts to import (after the
API answered): no sleep aims it. The API is a stand-in on loopback answering `/health` as Prefect does:
nothing past that point is asked of it, so no Prefect server is started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.hostile.servers import LoopbackServer, running_server
from tests.hostile.subprocesses import REPO
from tests.hostile.test_redteam22_signals import CHILD


def health(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps(True).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def prefect_stand_in() -> Iterator[LoopbackServer]:
    yield from running_server()


@pytest.mark.parametrize("signame", ["SIGTERM"])  # SIGHUP takes the same handler
def test_a_signal_while_newsflow_serve_sets_up_is_one_line_and_exit_130(
    signame: str, tmp_path: Path, prefect_stand_in: LoopbackServer
) -> None:
    prefect_stand_in.add("/api/health", health)
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n'
                      '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    marker = tmp_path / "signalled"
    code = CHILD.format(module="flows.serve", signame=signame, command="serve", config=str(config),
                        marker=str(marker))
    env = {**os.environ, "PREFECT_API_URL": prefect_stand_in.url("/api"), "PREFECT_HOME": str(tmp_path / "prefect")}
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
    assert marker.exists(), f"flows.serve was never imported, so no signal was sent: {child.stderr!r}"
    assert child.returncode != -getattr(signal, signame), f"ended by {signame}, silently: {child.stderr!r}"
    assert child.returncode == 130, child.stderr
    lines = [line for line in child.stderr.splitlines() if not line.startswith("newsflow: Prefect UI at")]
    assert lines == ["newsflow: interrupted"], child.stderr
