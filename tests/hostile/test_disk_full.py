"""A full disk mid-run: the run stops with one clear line and exit 3, and the next run, given room,
stores everything once (red team after issue 11).

Before, DuckDB's "Could not write file … File too large" escaped as a chained traceback with exit
1, raised again while the run's row was written. The disk is simulated with RLIMIT_FSIZE in the
child that runs (`tests/hostile/fsize_child.py`): its writes past the limit fail with EFBIG, as
they would with ENOSPC.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.config import Config, load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.test_readers import no_duplicates, rows, serve_stories
from tests.localserver import LocalServer

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
LIMIT = 150_000  # bytes: the WAL fills up after a batch or two of this run's articles


def run_out_of_disk(tmp_path: Path, server: LocalServer, child_args: list[str],
                    env: dict[str, str] | None = None) -> tuple[Config, subprocess.CompletedProcess[str]]:
    """A run that stored 5 stories, then a child `newsflow` (`child_args`) whose warehouse writes
    fail past LIMIT bytes while the feed offers 60."""
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"}, extract={"batch_size": 10})
    config = load_config(config_path)
    serve_stories(server, range(5))
    asyncio.run(run_ingest(config, "before"))
    serve_stories(server, range(60))
    full = subprocess.run([sys.executable, "-m", "tests.hostile.fsize_child", str(LIMIT), *child_args,
                           "--config", str(config_path)], capture_output=True, text=True, cwd=REPO, timeout=150,
                          env=env)
    return config, full


def test_a_disk_full_mid_run_is_one_line_exit_3_and_the_next_run_loses_nothing(
    tmp_path: Path, server: LocalServer
) -> None:
    config, full = run_out_of_disk(tmp_path, server, ["run"])
    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr and "Warning" not in full.stderr, full.stderr
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith("newsflow: cannot write ") and "File too large" in last
    assert "Is a file size limit set for this process (`ulimit -f`)" in last and "disk full" not in last  # local 20
    stored_when_full = rows(config, "SELECT count(*) FROM articles")[0][0]
    assert isinstance(stored_when_full, int) and stored_when_full < 60, "the disk filled up mid-run"

    asyncio.run(run_ingest(config, "room-again"))
    assert rows(config, "SELECT count(*) FROM entries") == [(60,)]
    assert rows(config, "SELECT count(*) FROM articles") == [(60,)], "nothing lost"
    assert rows(config, "SELECT count(*) FROM entries WHERE parked_at IS NOT NULL OR fetch_attempts > 0 "
                        "AND article_id IS NULL") == [(0,)], "the full disk cost no article an attempt"
    statuses = rows(config, "SELECT status FROM runs ORDER BY started_at")
    assert statuses[0] == statuses[2] == ("completed",)
    assert statuses[1] in {("failed",), ("abandoned",)}, "failed if its row could be written, else abandoned"
    no_duplicates(config)
