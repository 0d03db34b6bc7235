"""Red team 12: gaps docs/security.md listed as known, and hostile local input (docs/security.md,
"Red team 12"). Every server is real, on loopback; every warehouse a DuckDB file; every command a
real `newsflow` process where what it prints and exits with is the point.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow.config import load_config
from newsflow.errors import WarehouseError
from newsflow.runlock import holding_the_service_lock
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_serve import wait_for
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.hostile_site import BusyServer
from tests.hostile.servers import LoopbackServer
from tests.hostile.subprocesses import REPO, child_env, newsflow_command, newsflow_lines, serve_behind, write_run_config
from tests.hostile.test_redteam6 import add_feed
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

def close_or_die(self, con, *rest):  # rest: `migrating` (local19)
    committed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if committed:
        marker.write_text(str(committed))
        os.kill(os.getpid(), signal.SIGKILL)
    close(self, con, *rest)

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


# --- newsflow serve: its Prefect server killed while it serves; two services at once ----------


@pytest.mark.timeout(240)
def test_serve_whose_prefect_server_is_killed_while_it_serves_exits_4_in_one_line(
    tmp_path: Path, server: LoopbackServer, prefect_api: str
) -> None:
    """docs/security.md listed this as untested (red team 6): a server killed as `serve` starts was
    tested (red team 9), and a silent one (red team 8), not one killed after the service has run.
    The API is a proxy to the session's server; after a scheduled run completes, the proxy cuts every
    connection and refuses new ones, as a killed server's port does."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 1)})
    config_path.write_text(config_path.read_text() + "\n[schedule]\ninterval = 10\n\n[execution]\n"
                           "api_patience_seconds = 3\nrun_budget_seconds = 30\n")
    log_path = tmp_path / "serve.err"
    child = serve_behind(proxy.port, config_path, log_path)
    try:
        wait_for(lambda: completed_runs(config_path) or child.poll() is not None, 120, "a served run to complete")
        assert child.poll() is None, log_path.read_text()[-3000:]
        proxy.close()
        child.wait(timeout=120)
    finally:
        child.kill()
        proxy.close()
    err = log_path.read_text()
    lines = newsflow_lines(err)
    assert child.returncode == 4, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert lines[-1].startswith(f"newsflow: the Prefect API at http://127.0.0.1:{proxy.port}/api "), lines
    assert "restart `newsflow serve`" in lines[-1], lines


def completed_runs(config_path: Path) -> int:
    try:
        rows = run_read_query(Warehouse(load_config(config_path).warehouse_path),
                              "SELECT count(*) FROM runs WHERE status = 'completed'").rows
    except WarehouseError:  # not made yet, or a run is writing this instant
        return 0
    return int(str(rows[0][0]))


def test_a_second_serve_on_one_warehouse_exits_3_naming_the_first(tmp_path: Path) -> None:
    """Before: two services on one warehouse both served the deployment `ingest/serve`; the first to
    stop paused its schedule, and the other then ingested nothing, without a word. Now the second one
    (here against a lock held as a first service holds it) refuses in one line, before Prefect."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    with holding_the_service_lock(load_config(config_path).warehouse_path):
        done = subprocess.run(newsflow_command("serve", "--config", str(config_path)), cwd=REPO,
                              env=child_env("http://127.0.0.1:9/api"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stderr.splitlines() == [
        f"newsflow: another newsflow serve (pid {os.getpid()}) already serves "
        f"{load_config(config_path).warehouse_path}; one service per warehouse: stop that one first, or leave it "
        "running"]


# --- hostile local input ------------------------------------------------------------------------


def newsflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(newsflow_command(*args), cwd=REPO, env=child_env("http://127.0.0.1:9/api"),
                          capture_output=True, text=True, timeout=120)


def config_with(tmp_path: Path, feeds: str) -> Path:
    path = tmp_path / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "wh/news.duckdb"\n\n{feeds}', encoding="utf-8")
    return path


def test_a_feed_url_of_a_megabyte_is_refused_in_one_short_line(tmp_path: Path) -> None:
    """Before: accepted, polled (every server refuses such a request line) and written into every
    fetch event; with a control character at its end, its error line was a megabyte long."""
    for url in ("http://news.example/" + "a" * 1_000_000, "http://news.example/" + "a" * 100_000 + "\\u0007"):
        done = newsflow("feeds", "--config", str(config_with(tmp_path, f'[[feeds]]\nname = "big"\nurl = "{url}"\n')))
        assert done.returncode == 2, done.stderr[:500]
        assert len(done.stderr) < 400 and done.stderr.count("\n") == 1, done.stderr[:500]
        assert done.stderr.startswith("newsflow: config error at feeds[0].url: 'http://news.example/aaa"), done.stderr


def test_names_with_terminal_escapes_never_reach_the_terminal(tmp_path: Path) -> None:
    config = config_with(tmp_path, '[[feeds]]\nname = "evil\\u001b[2J\\u001b[31m"\nurl = "http://news.example/f"\n')
    done = newsflow("feeds", "--config", str(config))
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b[2J" in done.stderr, done.stderr
    config = config_with(tmp_path, '[[feeds]]\nname = "ok"\nurl = "http://news.example/f"\n')
    done = newsflow("run", "--config", str(config), "--feed", "x\x1b[2J\x1b]0;owned\x07")
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\x07" not in done.stderr, done.stderr
    assert "no feed named 'x\\x1b[2J" in done.stderr, done.stderr


def test_a_warehouse_path_with_terminal_escapes_is_refused_quoted(tmp_path: Path) -> None:
    """Before: every error line naming the warehouse wrote its escapes to the terminal raw."""
    path = tmp_path / "newsflow.toml"
    path.write_text('[warehouse]\npath = "wh/\\u001b[2J\\u001b[31mred.duckdb"\n', encoding="utf-8")
    done = newsflow("query", "SELECT 1", "--config", str(path))
    assert done.returncode == 2 and "\x1b" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == ["newsflow: config error at warehouse.path: 'wh/\\x1b[2J\\x1b[31mred.duckdb' "
                                        "holds a control character (a terminal escape, a line end); set it to a file "
                                        f"name (line 2 of {path})"]


def test_ten_thousand_feeds_are_checked_and_listed_in_seconds(tmp_path: Path) -> None:
    feeds = "".join(f'[[feeds]]\nname = "f{n}"\nurl = "http://n{n}.news.example/feed.xml"\n\n' for n in range(10_000))
    started = time.monotonic()
    done = newsflow("feeds", "--config", str(config_with(tmp_path, feeds)))
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-1000:]
    assert done.stdout.splitlines()[-1] == "(10000 rows)"
    assert elapsed < 60, f"{elapsed:.1f} s"  # 2.5 s on 2 loaded cores


@pytest.mark.parametrize(("first", "second"), [("http://news.example/feed", "http://news.example/feed/"),
                                                ("http://news.example/Feed.xml", "http://news.example/feed.xml")])
def test_feeds_differing_only_in_a_trailing_slash_or_case_are_warned_about(
    tmp_path: Path, first: str, second: str
) -> None:
    """Two feeds by the URL standard (so not refused, as one URL spelt two ways is), but nearly always
    one: polled twice, its items stored under both. One warning line; the command goes on."""
    config = config_with(tmp_path, f'[[feeds]]\nname = "a"\nurl = "{first}"\n\n[[feeds]]\nname = "b"\nurl = '
                                   f'"{second}"\n')
    done = newsflow("feeds", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"newsflow: warning: feeds 'a' and 'b' differ only in a trailing slash or letter case ({first!r}, "
        f"{second!r}): if the site serves one feed at both, remove one, or its items are stored under both"]


def test_a_warehouse_a_newer_newsflow_migrated_is_refused_untouched_and_still_read(tmp_path: Path) -> None:
    """Before: the run wrote it with this version's loads and replaced its views with this version's."""
    config = config_with(tmp_path, '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/a.xml"\n')
    warehouse_path = load_config(config).warehouse_path
    with Warehouse(warehouse_path).writing() as con:
        con.execute("INSERT INTO schema_migrations VALUES (9047, '9047_from_the_future', now())")
    before = warehouse_path.read_bytes()
    done = subprocess.run([sys.executable, "-m", "tests.hostile.run_child", "run", "--config", str(config)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stderr.splitlines() == [
        f"newsflow: {warehouse_path} was migrated by a newer newsflow (migration '9047_from_the_future', which this "
        "one does not have); left untouched: upgrade newsflow (uv sync on the newer version), or point "
        "warehouse.path at another file; `newsflow query` still reads it"]
    assert warehouse_path.read_bytes() == before
    assert newsflow("query", "SELECT max(version) FROM schema_migrations", "--config", str(config)).returncode == 0


@pytest.mark.parametrize("bookkeeping", [False, True], ids=["no_table", "only_the_migrations_bookkeeping"])
def test_a_warehouse_file_left_with_no_tables_reads_as_none_yet_and_the_next_run_makes_it(
    tmp_path: Path, bookkeeping: bool
) -> None:
    """A first run killed before its migrations committed (one transaction on a new file, after the
    empty `schema_migrations` and `schema_views` are made) leaves a DuckDB file with no table, or only
    those two (the world's `kill_timed`, seeds 208 and 505). Before: `newsflow feeds` died with a
    traceback (exit 1) and `stories` called it a bad --param (exit 2)."""
    server = BusyServer("127.0.0.1")
    try:
        config = write_run_config(tmp_path, {"a": one_feed_site(server, 2)}, extract={"workers": 1})
        warehouse_path = load_config(config).warehouse_path
        warehouse_path.parent.mkdir(parents=True)
        duckdb_file(warehouse_path, bookkeeping)
        for command in ("feeds", "stories"):
            done = newsflow(command, "--config", str(config))
            assert done.returncode == 3, done.stderr[-2000:]
            assert done.stderr.splitlines() == [
                f"newsflow: no warehouse at {warehouse_path} yet (the file holds no tables: the first run was "
                "stopped before it made them); run `newsflow run` first"]
        summary = asyncio.run(run_ingest(load_config(config), "after"))
        assert summary.counts.articles_stored == 2
    finally:
        server.close()


def duckdb_file(path: Path, bookkeeping: bool = False) -> None:
    """An empty DuckDB database file in the format a warehouse is made in; with `bookkeeping`, holding
    the empty tables `migrate` makes before its first transaction."""
    import duckdb

    con = duckdb.connect(str(path), config={"storage_compatibility_version": "v1.4.0"})
    if bookkeeping:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL)")
        con.execute("CREATE TABLE schema_views (sha256 VARCHAR NOT NULL)")
    con.close()
