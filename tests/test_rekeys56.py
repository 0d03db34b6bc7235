"""Analyst 56: what migration 0108 does to an entry it re-keys and that was not stored, and to a host's pause kept
under the spelling the code before "Analyst 54" gave it (docs/search.md, "Analyst 56";
`newsflow.warehouse.rekey_entries`, `newsflow.warehouse.hostpauses`).

An entry whose URL to fetch changes (a copy's, fetched from the publisher now) is tried again with no attempts; one
whose URL to fetch is unchanged (an IPv6 spelling's: only its key is compressed) keeps its attempts, park and last
outcome, since it failed at the very URL that would be fetched again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.urls import former_canonical_url
from newsflow.warehouse import Warehouse
from newsflow.warehouse.entries import pending_entries
from newsflow.warehouse.renames import removed_with_pending
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import empty_warehouse
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_rekeys55 import PRE54_SRC, at_level_0107

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
NETWORKS = ["127.0.0.0/8", "::ffff:127.0.0.0/104"]  # 127.0.0.1 and 127.0.0.2 by their IPv6 spellings too
OldEntry = tuple[str, int, str | None, bool]  # (link, attempts, last outcome, parked)
STATE = ("SELECT url, canonical_url, fetch_attempts, last_outcome, parked_at IS NOT NULL FROM entries "
         "WHERE feed_id = ? ORDER BY ALL")
IPV6, VIEWER = "http://[2001:0DB8:0:0:0:0:0:1]", "https://www.google.com/amp/s/herald.example"
REMOVED_FEED: list[OldEntry] = [  # the review's poison.py (its F1), and copies with the same history
    (f"{IPV6}/poison", 3, "killed_worker", True), (f"{IPV6}/lost", 0, "left_by_cluster", False),
    (f"{IPV6}/gone", 3, "http_error", True), (f"{IPV6}/twice", 2, "timeout", False),
    (f"{VIEWER}/poison", 3, "killed_worker", True), (f"{VIEWER}/lost", 0, "left_by_cluster", False)]


def insert_old_entries(con: duckdb.DuckDBPyConnection, feed: str, rows: list[OldEntry]) -> None:
    """Entries as the code before "Analyst 54" wrote them, each keyed by that code's canonical URL, its GUID that key
    (an item with none)."""
    for link, attempts, outcome, parked in rows:
        key = former_canonical_url(link)
        con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id, "
                    "fetch_attempts, last_outcome, parked_at, last_error) VALUES (?, ?, ?, ?, 't', ?, 'old', ?, ?, ?, "
                    "?)", [feed, key, link, key, T0, attempts, outcome, T0 + timedelta(hours=1) if parked else None,
                           outcome and f"{outcome} (the old run's error)"])


def links(server: LocalServer, paused: LocalServer) -> list[str]:
    """An item at 127.0.0.1 spelt `[0:0:0:0:0:FFFF:7F00:0001]`, one through Google's viewer, one at 127.0.0.2 spelt
    `[0:0:0:0:0:FFFF:7F00:0002]`."""
    return [f"http://[0:0:0:0:0:FFFF:7F00:0001]:{server.port}/news/0",
            f"https://www.google.com/amp/127.0.0.1:{server.port}/news/1",
            f"http://[0:0:0:0:0:FFFF:7F00:0002]:{paused.port}/news/2"]


def serve(server: LocalServer, paused: LocalServer) -> dict[str, str]:
    site = Site("Courier")
    for n, target in ((0, server), (1, server), (2, paused)):
        target.add(f"/news/{n}", Page(site.article_page(generated_story(5600 + n))))
    items = [(f"item {n}", link, T0) for n, link in enumerate(links(server, paused))]
    server.add("/agg.xml", Page(rss_feed("agg", items, guid=False), "application/rss+xml"))
    return {"agg": "/agg.xml"}


def old_warehouse(folder: Path, path: Path, server: LocalServer, paused: LocalServer) -> None:
    """At `path`, a warehouse at level 0107 as the code before "Analyst 54" left it (its rows as that code wrote
    them: the local test below runs it): the first two items parked under their old keys after three failed fetches
    (the page gone then), the third waiting, its host paused for an hour under that code's spelling of it
    (`0:0:0:0:0:ffff:7f00:0002`); and `REMOVED_FEED`'s entries, of a feed no longer configured."""
    warehouse = empty_warehouse(folder / "old.duckdb")
    now = datetime.now(UTC)
    ipv6, viewer, waiting = links(server, paused)
    with warehouse.writing() as con:
        insert_old_entries(con, "agg", [(ipv6, 3, "http_error", True), (viewer, 3, "http_error", True),
                                        (waiting, 0, None, False)])
        con.execute("INSERT INTO host_pauses VALUES ('0:0:0:0:0:ffff:7f00:0002', ?, ?, 429, ?)",
                    [now + timedelta(hours=1), now - timedelta(minutes=1), waiting])
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('removed', 'http://feed.example/rss')")
        insert_old_entries(con, "removed", REMOVED_FEED)
    path.parent.mkdir()
    at_level_0107(warehouse, path)


def test_an_upgrade_retries_a_copy_keeps_an_ipv6_park_and_a_pause_under_todays_spelling(
        tmp_path: Path, server: LocalServer) -> None:
    """A real run upgrades the warehouse: the viewer copy's entry is tried again at the publisher (whose page is still
    gone: one request, one attempt, waiting), the IPv6 spelling's park is kept though its page answers now (its key
    compressed, its three attempts kept, no request), and the host paused under `0:0:0:0:0:ffff:7f00:0002` is sent
    nothing, its pause one row under `::ffff:7f00:2` (a second row beside today's spelling before "Analyst 56")."""
    paused = LocalServer("127.0.0.2")
    try:
        config = write_config(tmp_path, server.base_url, serve(server, paused), {"workers": 1},
                              allowed_networks=NETWORKS)
        server.add("/news/1", Page(b"gone", status=410))
        old_warehouse(tmp_path, tmp_path / "warehouse" / "news.duckdb", server, paused)
        assert asyncio.run(run_ingest(load_config(config), "upgraded", all_feeds=True)).status == "completed"
        assert [len(server.hits(f"/news/{n}")) for n in (0, 1)] == [0, 1]
        assert paused.requests == []
    finally:
        paused.close()
    port = server.port
    with Warehouse(tmp_path / "warehouse" / "news.duckdb").reading() as con:
        assert con.execute(STATE, ["agg"]).fetchall() == [
            (f"http://127.0.0.1:{port}/news/1", f"http://127.0.0.1:{port}/news/1", 1, "http_error", False),
            (f"http://[0:0:0:0:0:FFFF:7F00:0001]:{port}/news/0", f"http://[::ffff:7f00:1]:{port}/news/0", 3,
             "http_error", True),
            (f"http://[0:0:0:0:0:FFFF:7F00:0002]:{paused.port}/news/2",
             f"http://[::ffff:7f00:2]:{paused.port}/news/2", 0, "rate_limited", False)]
        assert con.execute("SELECT host FROM host_pauses").fetchall() == [("::ffff:7f00:2",)]
        # the parked rows as they were, before the upgrade re-keyed them (and unparked the copy's)
        assert con.execute("SELECT url, fetch_attempts, last_outcome FROM entries_rekeyed "
                           "WHERE parked_at IS NOT NULL AND feed_id = 'agg' ORDER BY url").fetchall() == [
            (f"http://[0:0:0:0:0:FFFF:7F00:0001]:{port}/news/0", 3, "http_error"),
            (f"https://www.google.com/amp/127.0.0.1:{port}/news/1", 3, "http_error")]
    removed_feeds_history_kept(tmp_path / "warehouse" / "news.duckdb")


def removed_feeds_history_kept(path: Path) -> None:
    """The review's poison.py (its F1), upgraded by that run: the page at an IPv6 spelling parked after killing three
    Dask workers stays parked, the one lost with its batch is still sent alone (`lost_with_batch`), and the 410's
    park and two timeouts are kept; the viewer's copies with the same history start afresh (their failures were the
    cache's). The removed feed's count of waiting entries (`feeds list`) is the two kept waiting and the two copies."""
    with Warehouse(path).writing() as con:
        assert con.execute(STATE, ["removed"]).fetchall() == [
            ("http://[2001:0DB8:0:0:0:0:0:1]/gone", "http://[2001:db8::1]/gone", 3, "http_error", True),
            ("http://[2001:0DB8:0:0:0:0:0:1]/lost", "http://[2001:db8::1]/lost", 0, "left_by_cluster", False),
            ("http://[2001:0DB8:0:0:0:0:0:1]/poison", "http://[2001:db8::1]/poison", 3, "killed_worker", True),
            ("http://[2001:0DB8:0:0:0:0:0:1]/twice", "http://[2001:db8::1]/twice", 2, "timeout", False),
            ("https://herald.example/lost", "https://herald.example/lost", 0, None, False),
            ("https://herald.example/poison", "https://herald.example/poison", 0, None, False)]
        pending, _ = pending_entries(con, ["removed"])
        assert sorted((p.canonical_url, p.lost_with_batch) for p in pending) == [
            ("http://[2001:db8::1]/lost", True), ("http://[2001:db8::1]/twice", False),
            ("https://herald.example/lost", False), ("https://herald.example/poison", False)]
        assert removed_with_pending(con, ["agg"]) == [("removed", "http://feed.example/rss", 4)]


def test_query_host_pauses_shows_an_old_spelling_as_runs_read_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review F4: between the upgrade and the next run's write, `newsflow query host_pauses` showed a row the code
    before "Analyst 54" wrote (`0:0:0:0:0:ffff:7f00:0002`) as stored, beside today's row for the same host. Now each
    host once, in the host gate's spelling, with the later end (one asked "in an hour" moved back to start now, as a
    run reads it); nothing said on stderr: no row came from the spool."""
    config = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    now = datetime.now(UTC).replace(microsecond=0)
    with empty_warehouse(load_config(config).warehouse_path).writing() as con:
        con.executemany("INSERT INTO host_pauses VALUES (?, ?, ?, 429, NULL)", [
            ("0:0:0:0:0:ffff:7f00:0002", now + timedelta(hours=2), now),
            ("::ffff:7f00:2", now + timedelta(hours=1), now),
            ("0:0:0:0:0:ffff:7f00:0003", now + timedelta(hours=4), now + timedelta(hours=1))])  # clock set back
    capsys.readouterr()
    assert cli.main(["query", "host_pauses", "--format", "csv", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    rows = [line.split(",")[:2] for line in out.splitlines()[1:]]
    assert [host for host, _ in rows] == ["::ffff:7f00:3", "::ffff:7f00:2"], out
    moved, later = (datetime.fromisoformat(until) for _, until in rows)
    assert later == now + timedelta(hours=2) and timedelta(hours=3) <= moved - now <= timedelta(hours=3, minutes=1)
    assert err == ""


def test_query_host_pauses_moves_back_a_lone_row_asked_after_now_as_runs_read_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Read-through 48: a row in today's spelling asked "in an hour" (the clock set back) was shown as stored when it
    was the table's only row, and moved back only when an old spelling's row stood beside it."""
    config = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    now = datetime.now(UTC).replace(microsecond=0)
    with empty_warehouse(load_config(config).warehouse_path).writing() as con:
        con.execute("INSERT INTO host_pauses VALUES ('courier.example', ?, ?, 429, NULL)",
                    [now + timedelta(hours=2), now + timedelta(hours=1)])
    capsys.readouterr()
    assert cli.main(["query", "host_pauses", "--format", "csv", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    [(host, until)] = [line.split(",")[:2] for line in out.splitlines()[1:]]
    assert host == "courier.example" and timedelta(hours=1) <= datetime.fromisoformat(until) - now <= timedelta(
        hours=1, minutes=1), out
    assert err == ""


OLD_RUN = ("import asyncio, sys; from newsflow.config import load_config; from newsflow.runner import run_ingest; "
           "print(asyncio.run(run_ingest(load_config(sys.argv[1]), sys.argv[2], all_feeds=True)).status)")


@pytest.mark.skipif(PRE54_SRC is None, reason="local only: set NEWSFLOW_PRE54_SRC to newsflow's src before Analyst 54")
def test_what_the_code_before_analyst_54_parked_after_the_upgrade(tmp_path: Path, server: LocalServer) -> None:
    """The old code's three runs park both items while their pages are gone (410; the viewer's copy does not resolve
    offline); the pages answer again; one run of today's code upgrades the warehouse: it stores the copy's page from
    the publisher, and keeps the IPv6 spelling's park (it failed at the URL that would be fetched: no request)."""
    other = LocalServer("127.0.0.2")  # its item is stored by the old code: not this test's subject
    try:
        feeds = serve(server, other)
        pages = {n: server.routes[f"/news/{n}"] for n in (0, 1)}
        for n in pages:
            server.add(f"/news/{n}", Page(b"gone", status=410))
        config = write_config(tmp_path, server.base_url, feeds, {"workers": 1}, allowed_networks=NETWORKS)
        for run in ("old-1", "old-2", "old-3"):
            done = subprocess.run([sys.executable, "-c", OLD_RUN, str(config), run], capture_output=True, text=True,
                                  timeout=120, env={**os.environ, "PYTHONPATH": str(PRE54_SRC)}, check=False)
            assert done.stdout.strip().endswith("completed"), done.stderr[-2000:]
        store = Warehouse(tmp_path / "warehouse" / "news.duckdb")
        with store.reading() as con:
            assert con.execute("SELECT count(*) FROM entries WHERE parked_at IS NOT NULL").fetchone() == (2,)
        for n, page in pages.items():
            server.add(f"/news/{n}", page)
        asked = len(server.hits("/news/0"))
        assert asyncio.run(run_ingest(load_config(config), "upgraded", all_feeds=True)).status == "completed"
        assert len(server.hits("/news/0")) == asked
    finally:
        other.close()
    with store.reading() as con:
        stored = {url for (url,) in con.execute("SELECT canonical_url FROM articles").fetchall()}
        assert f"http://127.0.0.1:{server.port}/news/1" in stored
        assert con.execute("SELECT canonical_url, fetch_attempts FROM entries WHERE parked_at IS NOT NULL").fetchall() \
            == [(f"http://[::ffff:7f00:1]:{server.port}/news/0", 3)]
