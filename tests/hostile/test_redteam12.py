"""Red team 12: gaps docs/security.md listed as known, and hostile local input (docs/security.md,
"Red team 12"). Every server is real, on loopback; every warehouse a DuckDB file; every command a
real `newsflow` process where what it prints and exits with is the point.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.hostile.hostile_site import BusyServer
from tests.hostile.servers import LoopbackServer
from tests.hostile.subprocesses import REPO, write_run_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

RSS = "application/rss+xml"

# --- the test servers' listen backlog --------------------------------------------------------


@pytest.mark.parametrize("server_class", [LocalServer, LoopbackServer], ids=["LocalServer", "LoopbackServer"])
def test_a_test_server_takes_a_burst_of_connections_without_syn_retries(server_class: type[LocalServer]) -> None:
    """socketserver listens with a backlog of 5: with its accept loop busy, the sixth connection
    at once waits for the client's SYN retry (1 s), a `timeout` that is the test server's fault.
    The accept loop is stopped here, so only the backlog holds connections: 40 must all complete."""
    server = server_class()
    try:
        server._httpd.shutdown()  # nobody accepts any more; the listening socket stays open
        host, port = server._httpd.server_address[:2]
        completed = []
        for _ in range(40):
            sock = socket.socket()
            sock.settimeout(0.5)
            try:
                sock.connect((host, port))
                completed.append(sock)
            except OSError:
                sock.close()
        for sock in completed:
            sock.close()
        assert len(completed) == 40, f"only {len(completed)} of 40 connections completed: the backlog is narrow"
    finally:
        server._httpd.server_close()


# --- killed after COMMIT, before the file is closed ------------------------------------------

# The real CLI's run path (the flow taken out, tests/hostile/run_child.py), with one change: the
# first time a writer is about to close its connection with articles committed, the process writes
# how many, then SIGKILLs itself. The load's transaction is committed, in DuckDB's write-ahead log,
# and the file was never closed, so never checkpointed.
_COMMIT_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from newsflow.cli import main
from newsflow.warehouse import Warehouse
from tests.world.child import install_direct_run

marker = Path(sys.argv.pop(1))
close = Warehouse._close

def close_or_die(self, con):
    committed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if committed:
        marker.write_text(str(committed))
        os.kill(os.getpid(), signal.SIGKILL)
    close(self, con)

Warehouse._close = close_or_die
install_direct_run()
sys.exit(main())
"""
ARTICLES, BATCH = 7, 3


def one_feed_site(server: LocalServer, articles: int) -> str:
    outlet = Site("Commit Courier")
    items = []
    for n in range(articles):
        story = generated_story(700 + n)
        items.append((story.title, server.add(f"/news/{story.slug}", Page(outlet.article_page(story))), None))
    return server.add("/feed.xml", Page(rss_feed("Commit", items), RSS))


def test_a_run_killed_after_a_load_commits_before_the_file_closes_keeps_that_load_once(tmp_path: Path) -> None:
    """docs/security.md listed this window as untested: every kill of the crash-safety tests landed
    before the COMMIT. Here the run dies after its first batch's COMMIT, the file still open: the
    write-ahead log holds the batch, the next open replays it, and the next run stores the rest, each
    article once."""
    server = BusyServer("127.0.0.1")
    try:
        config_path = write_run_config(tmp_path, {"commit": one_feed_site(server, ARTICLES)},
                                       extract={"batch_size": BATCH, "workers": 1})
        warehouse_path = load_config(config_path).warehouse_path
        marker = tmp_path / "committed"
        killed = subprocess.run([sys.executable, "-c", _COMMIT_THEN_DIE, str(marker), "run", "--config",
                                 str(config_path), "--quiet"], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert killed.returncode == -9, killed.stderr[-2000:]
        committed = int(marker.read_text())
        wal = warehouse_path.with_name(warehouse_path.name + ".wal")
        assert 0 < committed < ARTICLES and wal.stat().st_size > 0, "the batch was committed and not checkpointed"

        def query(sql: str) -> list[tuple[object, ...]]:
            return run_read_query(Warehouse(warehouse_path), sql).rows

        assert query("SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(committed, committed)]
        assert query("SELECT status FROM runs") == [("running",)]
        summary = asyncio.run(run_ingest(load_config(config_path), "after-the-kill"))
        assert summary.counts.articles_stored == ARTICLES - committed
        assert query("SELECT count(*), count(DISTINCT canonical_url), count(DISTINCT article_id) FROM articles") == [
            (ARTICLES, ARTICLES, ARTICLES)]
        assert query("SELECT count(*) FROM entries WHERE article_id IS NULL") == [(0,)]
        assert sorted(query("SELECT status FROM runs")) == [("abandoned",), ("completed",)]
        fetched_twice = query("SELECT url FROM fetch_events WHERE kind = 'article' AND outcome = 'ok' "
                              "GROUP BY url HAVING count(*) > 1")
        assert fetched_twice == [], "an article the killed run committed was fetched again"
    finally:
        server.close()
