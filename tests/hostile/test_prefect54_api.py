"""Prefect 54 (docs/scheduling.md, "Prefect 54"): a Prefect API that answers slowly, or fails for a while.

Through `tests/hostile/apiproxy.py` in front of the session's shared server (never stopped itself): every run
ends, with exit 0 or one line, nothing stored is lost, and the next run stores every item once.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.subprocesses import REPO, child_env, newsflow_command, newsflow_lines
from tests.hostile.test_redteam6 import add_feed
from tests.localserver import LocalServer

pytestmark = pytest.mark.timeout(300)
STORIES = 3
LOCAL_ONLY = pytest.mark.skipif(
    os.environ.get("NEWSFLOW_CI") == "1" or not os.environ.get("NEWSFLOW_PREFECT54"),
    reason="local only (NEWSFLOW_PREFECT54=1: two real runs each, ~6 cpu-s); in CI tests/hostile/test_redteam20.py "
           "checks a 500 to a run's call, and tests/flows/test_prefect54.py the line for a stopped server")


def stored(config_path: Path) -> tuple[int, int]:
    store = Warehouse(load_config(config_path).warehouse_path)
    [(articles, urls)] = run_read_query(store, "SELECT count(*), count(DISTINCT url) FROM articles").rows
    return int(articles), int(urls)


def run_behind(proxy: ApiProxy, config_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(newsflow_command("run", "--config", str(config_path)), cwd=REPO, capture_output=True,
                          env=child_env(f"http://127.0.0.1:{proxy.port}/api"), text=True, timeout=280)
    return done, time.monotonic() - started


def heal_after_the_first_failure(proxy: ApiProxy, failing_s: float) -> None:
    """The API fails every call for `failing_s` from the first call it fails: a server restarting, a database
    locked for a while."""
    proxy.faults.first_failed.wait()
    time.sleep(failing_s)  # how long the API fails: the world's fault, not a wait on anything
    proxy.heal()


@LOCAL_ONLY
@pytest.mark.parametrize("how", ["slow, 0.3 s a call", "500 for 5 s", "503 for 5 s"])
def test_a_run_behind_an_api_slow_or_failing_for_a_while_ends_and_the_next_run_stores_every_item_once(
        how: str, tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", STORIES)})
    healed = None
    if how.startswith("slow"):
        proxy.slow_down(0.3)
    else:
        proxy.fail(rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)", int(how[:3]))  # every call but the probe
        healed = threading.Thread(target=heal_after_the_first_failure, args=(proxy, 5.0), daemon=True)
        healed.start()
    try:
        first, first_s = run_behind(proxy, config_path)
        proxy.heal()
        proxy.slow_down(0.0)
        second, second_s = run_behind(proxy, config_path)
    finally:
        proxy.faults.first_failed.set()  # the healer's wait ends, if no call ever failed
        proxy.close()
    lines = newsflow_lines(first.stderr)
    print(f"\n{how}: exit {first.returncode} in {first_s:.1f} s, {len(proxy.faults.failed)} calls failed; "
          f"{lines[-1:]}; the next run: exit {second.returncode} in {second_s:.1f} s; stored {stored(config_path)}")
    assert "Traceback" not in first.stderr, first.stderr[-3000:]
    assert first.returncode in (0, 4), first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    assert stored(config_path) == (STORIES, STORIES)
