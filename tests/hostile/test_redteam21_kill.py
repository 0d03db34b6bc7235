"""A run stopped at a drawn stage, then the next run: red team 17's lead 4 (docs/security.md, "Red team 21").

`test_exit_anywhere.py` draws SIGTERM, SIGHUP and Ctrl-C by the clock under a Prefect flow run, and
`test_crash_safety.py` SIGKILLs at 3 fixed points. Here hypothesis draws the stop by the *stage*
the run has reached, counted by the server: the k-th request it receives (robots.txt, feeds,
articles, in any order the run makes them), then a drawn delay (0-2 s) that lands in the polls,
the fetches, the extraction, the loads or the run's end; and the signal: SIGKILL to the whole group
(the OOM killer, a power cut), SIGTERM to the run (`docker stop`), or Ctrl-C. Then it checks:

- the stopped run: by SIGKILL, or exit 130 with its one line `newsflow: interrupted`, or exit 0 if it
  was done; never a traceback;
- right after it, the warehouse opens and holds no partial rows: no entry twice, no article twice, every
  stored article linked by an entry, no URL with two `ok` article events;
- the next run (in process, as test_exit_anywhere.py's) completes; then every item the feeds
  delivered is stored or parked once, and no run is left `running`.

The run is the real CLI in a child process without Prefect (`tests/hostile/kill_child.py`), so an
example costs one process start and one run in process (10-20 s on 2 loaded cores). CI runs one
explicit example (SIGKILL as the articles are fetched); `NEWSFLOW_KILL_EXAMPLES=30` adds a SIGTERM
example and draws 30 more.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.hostile.servers import LoopbackServer
from tests.hostile.subprocesses import REPO, write_run_config
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

EXAMPLES = int(os.environ.get("NEWSFLOW_KILL_EXAMPLES", "0"))
FEEDS, PAGES = 2, 4  # per feed; the last page of feed 0 is the first of feed 1 (one article, two entries)
ENTRIES, ARTICLES = FEEDS * PAGES, FEEDS * PAGES - 1
REQUESTS = 1 + FEEDS + ARTICLES  # robots.txt, the feeds, the articles (a request the run does not make never stops it)
SIGNALS = {"kill-group": signal.SIGKILL, "docker-stop": signal.SIGTERM, "ctrl-c": signal.SIGINT}
RUN_SECONDS = 120.0


@dataclass(frozen=True)
class Stop:
    how: str  # a key of SIGNALS
    at_request: int  # the server's k-th request (1-based) starts the countdown
    delay: float  # seconds after that request reached the server


stops = st.builds(Stop, st.sampled_from(sorted(SIGNALS)), st.integers(1, REQUESTS), st.floats(0.0, 2.0))


class CountingSite:
    """One outlet on loopback whose server counts requests and says when the k-th one arrives."""

    def __init__(self, server: LoopbackServer, at_request: int) -> None:
        self.server, self.at_request = server, at_request
        self.reached = threading.Event()
        self._count, self._lock = 0, threading.Lock()
        outlet = Site("Stop Anywhere Herald")
        pages = [(generated_story(700 + n), n) for n in range(ENTRIES - 1)]
        self.feeds: dict[str, str] = {}
        for feed in range(FEEDS):
            items: list[tuple[str, str, datetime | None]] = []
            for story, n in pages[feed * (PAGES - 1): feed * (PAGES - 1) + PAGES]:
                path = f"/news/{n}-{story.slug}"
                self.server.add(path, self._counted(Page(outlet.article_page(story))))
                items.append((story.title, self.server.url(path), story.published))
            feed_page = Page(rss_feed(f"herald-{feed}", items), "application/rss+xml")
            self.feeds[f"herald-{feed}"] = self.server.add(f"/feed-{feed}.xml", self._counted(feed_page))
        self.server.add("/robots.txt", self._counted(Page(b"User-agent: *\nAllow: /\n", "text/plain")))

    def _counted(self, page: Page) -> object:
        def handle(handler: BaseHTTPRequestHandler) -> None:
            with self._lock:
                self._count += 1
                if self._count == self.at_request:
                    self.reached.set()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the run it was for is gone
                send_bytes(handler, 200, page.body, page.content_type)
        return handle


def newsflow(config_path: Path) -> subprocess.Popen[str]:
    """`newsflow run` without Prefect, in its own process group."""
    env = {name: value for name, value in os.environ.items() if name not in ("PREFECT_API_URL", "NEWSFLOW_CONFIG")}
    command = [sys.executable, "-m", "tests.hostile.kill_child", "run", "--config", str(config_path), "--quiet"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def stop_run(run: subprocess.Popen[str], site: CountingSite, stop: Stop) -> tuple[int, str]:
    """Start nothing: wait for the drawn request, then the drawn delay, then send the drawn signal."""
    site.reached.wait(RUN_SECONDS)
    if stop.delay:
        time.sleep(stop.delay)  # the drawn moment itself, not a wait for something to happen
    if run.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            if stop.how == "kill-group":
                os.killpg(run.pid, signal.SIGKILL)
            else:
                os.kill(run.pid, SIGNALS[stop.how])
    try:
        _, err = run.communicate(timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"{stop}: the run did not end within {RUN_SECONDS} s of its signal")
    with contextlib.suppress(ProcessLookupError):  # a SIGTERM or Ctrl-C leaves no worker behind either
        os.killpg(run.pid, signal.SIGKILL)
    return run.returncode, err


def check_stopped(stop: Stop, code: int, err: str) -> None:
    assert "Traceback (most recent call last)" not in err, f"{stop}: {err[-3000:]}"
    if stop.how == "kill-group":
        assert code in (0, -signal.SIGKILL), f"{stop}: exit {code}: {err[-2000:]}"
    else:  # SIGTERM is Ctrl-C here (kill_child, as `newsflow run`): 130 and one line, never death by the signal
        assert code in (0, 130), f"{stop}: exit {code}: {err[-2000:]}"
    if code == 130:
        assert "newsflow: interrupted" in err, f"{stop}: {err[-2000:]}"


def check_no_partial_rows(config_path: Path, stop: Stop) -> None:
    """What a stopped run left: each row once, no article without its entry, no page stored twice."""
    warehouse = config_path.parent / "warehouse" / "news.duckdb"
    if not warehouse.exists() or warehouse.stat().st_size == 0:
        return  # stopped before it made the warehouse
    assert query(config_path, "SELECT count(*) - count(DISTINCT (feed_id, guid)) FROM entries") == [(0,)], stop
    assert query(config_path, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)], stop
    assert query(config_path, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                              "(SELECT 1 FROM entries e WHERE e.article_id = a.article_id)") == [(0,)], stop
    assert query(config_path, "SELECT count(*) FROM (SELECT url FROM fetch_events WHERE kind = 'article' "
                              "AND outcome = 'ok' GROUP BY url HAVING count(*) > 1)") == [(0,)], stop


def explicit_examples(test: Callable[[Stop], None]) -> Callable[[Stop], None]:
    """CI's one example, SIGKILL as the articles are fetched (the stage that holds data in flight);
    a hunt adds a SIGTERM after the last request (extraction or loads)."""
    test = example(Stop("kill-group", 1 + FEEDS + 2, 0.0))(test)
    return example(Stop("docker-stop", REQUESTS, 0.3))(test) if EXAMPLES else test


@settings(max_examples=max(EXAMPLES, 1), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, *((Phase.generate,) if EXAMPLES else ())))
@given(stops)
@explicit_examples
def test_a_run_stopped_at_any_stage_loses_nothing_and_the_next_run_stores_each_item_once(stop: Stop) -> None:
    server = LoopbackServer("127.0.21.30")
    try:
        site = CountingSite(server, stop.at_request)
        with TemporaryDirectory(prefix="newsflow-stop-") as workdir:
            config_path = write_run_config(Path(workdir), site.feeds, extract={"workers": 1})
            check_stopped(stop, *stop_run(newsflow(config_path), site, stop))
            check_no_partial_rows(config_path, stop)
            after = asyncio.run(run_ingest(load_config(config_path), "after"))  # in process: one start less
            assert after.status == "completed", f"{stop}: the next run: {after.as_result()}"
            check_no_partial_rows(config_path, stop)
            assert query(config_path, "SELECT count(*), count(*) FILTER (article_id IS NOT NULL OR parked_at IS "
                                      "NOT NULL) FROM entries") == [(ENTRIES, ENTRIES)], f"{stop}: lost"
            assert query(config_path, "SELECT count(*) FROM articles") == [(ARTICLES,)], f"{stop}: lost or twice"
            assert query(config_path, "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)], stop
    finally:
        server.close()


def test_the_stage_counter_covers_every_request_a_run_makes() -> None:
    """`REQUESTS` is what one whole run asks of the site, so every drawn stage is reached."""
    server = LoopbackServer("127.0.21.31")
    try:
        site = CountingSite(server, REQUESTS)
        with TemporaryDirectory(prefix="newsflow-stop-") as workdir:
            config_path = write_run_config(Path(workdir), site.feeds, extract={"workers": 1})
            asyncio.run(run_ingest(load_config(config_path), "whole"))
            assert site.reached.is_set() and site._count == REQUESTS, site._count
    finally:
        server.close()
