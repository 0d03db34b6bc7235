"""`newsflow query` while a run writes: it either works or says clearly why not and when to try again.

DuckDB refuses every other open, read-only ones included, while one process has the file
open for writing. A run holds it only while it writes a batch, and a query retries for 3 s,
so queries during a run should almost always work; when they cannot, they must exit 3 with
a one-line message, never a traceback.

Slow: one child process with Prefect, plus a `newsflow query` process per attempt, about 12 s.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.warehouse import Warehouse
from tests.hostile.hostile_site import BusyServer
from tests.hostile.subprocesses import BackgroundRun, prefect_api_url, run_newsflow, write_run_config
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.timeout(120)]

ARTICLES = 24
SERVER_THINK_SECONDS = 0.4
SQL = "SELECT (SELECT count(*) FROM articles) AS stored, (SELECT string_agg(status, ',') FROM runs) AS runs"
TRY_AGAIN = re.compile(r"^newsflow: .*locked.*try again in a few seconds\n$")


class SlowPage:
    """An article page that takes the server a moment: the run spends seconds loading batches."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        time.sleep(SERVER_THINK_SECONDS)  # simulated server work, so the run lasts
        send_bytes(handler, 200, self.body, "text/html; charset=utf-8")


@pytest.fixture
def slow_site() -> Iterator[dict[str, str]]:
    server = BusyServer("127.0.0.1")
    outlet = Site("Slow Times")
    items: list[tuple[str, str, datetime | None]] = []
    for n in range(ARTICLES):
        story = generated_story(400 + n)
        items.append((story.title, server.add(f"/news/{story.slug}", SlowPage(outlet.article_page(story))), None))
    server.add("/feed.xml", Page(rss_feed("Slow Times", items), "application/rss+xml"))
    try:
        yield {"slow": server.url("/feed.xml")}
    finally:
        server.close()


def query(config_path: Path, api_url: str) -> subprocess.CompletedProcess[str]:
    return run_newsflow(["query", SQL, "--config", str(config_path), "--format", "csv"], api_url)


def check_attempt(attempt: subprocess.CompletedProcess[str]) -> None:
    """Exit 0 with the row, or exit 3 saying to try again; nothing else, never a traceback."""
    assert "Traceback" not in attempt.stderr, attempt.stderr
    if attempt.returncode == 0:
        assert attempt.stdout.splitlines()[0] == "stored,runs" and len(attempt.stdout.splitlines()) == 2
    else:
        assert attempt.returncode == 3, attempt.stderr
        assert TRY_AGAIN.match(attempt.stderr), attempt.stderr


def test_queries_during_a_run_work_or_say_to_try_again(tmp_path: Path, slow_site: dict[str, str]) -> None:
    config_path = write_run_config(tmp_path, slow_site, fetch={"per_host_concurrency": 2},
                                   extract={"batch_size": 2, "workers": 1})
    warehouse_path = load_config(config_path).warehouse_path
    api_url = prefect_api_url()
    attempts: list[subprocess.CompletedProcess[str]] = []
    with BackgroundRun(config_path, api_url) as run:
        while not warehouse_path.exists():  # the run creates it before Prefect starts
            assert run.proc is not None and run.proc.poll() is None, "the run ended before creating the warehouse"
            time.sleep(0.05)  # polling another process's progress
        while run.proc is not None and run.proc.poll() is None:
            attempts.append(query(config_path, api_url))
        code, _, err = run.wait(timeout=60)

    assert code == 0, err[-3000:]
    for attempt in attempts:
        check_attempt(attempt)
    during = [a.stdout.splitlines()[1] for a in attempts if a.returncode == 0 and "running" in a.stdout]
    refused = sum(1 for a in attempts if a.returncode == 3)
    print(f"\n{len(attempts)} queries during the run: {len(during)} saw it running, {refused} told to try again; "
          f"stored counts seen: {sorted({int(row.split(',')[0]) for row in during})}")
    assert len(during) >= 2, "the queries ran while the run was writing"
    assert len({row.split(",")[0] for row in during}) >= 2, "they saw the warehouse grow, batch by batch"
    final = query(config_path, api_url)
    assert final.returncode == 0 and final.stdout.splitlines()[1].startswith(f"{ARTICLES},")


def test_a_query_that_cannot_get_in_says_to_try_again(tmp_path: Path, slow_site: dict[str, str]) -> None:
    """The other branch, made certain: this test process holds the file open for writing, as a run's
    load does, for longer than a query waits."""
    config_path = write_run_config(tmp_path, slow_site)
    store = Warehouse(load_config(config_path).warehouse_path)
    with store.writing():
        started = time.monotonic()
        attempt = query(config_path, prefect_api_url())
        waited = time.monotonic() - started
    check_attempt(attempt)
    assert attempt.returncode == 3
    assert waited >= 3.0, "it retried for a few seconds before giving up"
    assert query(config_path, prefect_api_url()).returncode == 0, "and works once the writer is done"
