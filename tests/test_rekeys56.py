"""Analyst 56: after migration 0108 a parked entry it re-keyed is tried again, and a host's pause kept under the
spelling the code before "Analyst 54" gave it holds today's spelling and is kept under it (docs/search.md,
"Analyst 56"; `newsflow.warehouse.rekey_entries`, `newsflow.warehouse.hostpauses`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.urls import former_canonical_url
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import empty_warehouse
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_rekeys55 import PRE54_SRC, at_level_0107

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
NETWORKS = ["127.0.0.0/8", "::ffff:127.0.0.0/104"]  # 127.0.0.1 and 127.0.0.2 by their IPv6 spellings too
STORED = "SELECT url, canonical_url, article_id IS NOT NULL, parked_at IS NOT NULL, fetch_attempts FROM entries"


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
    them: tests/test_rekeys56.py's local test runs it): the first two items parked under their old keys after three
    failed fetches (the page gone then), the third waiting, its host paused for an hour under that code's spelling of
    it (`0:0:0:0:0:ffff:7f00:0002`)."""
    warehouse = empty_warehouse(folder / "old.duckdb")
    now = datetime.now(UTC)
    with warehouse.writing() as con:
        for n, link in enumerate(links(server, paused)):
            key = former_canonical_url(link)
            failed = (3, "http_error", T0 + timedelta(hours=2), "HTTP 410") if n < 2 else (0, None, None, None)
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id, "
                        "fetch_attempts, last_outcome, parked_at, last_error) VALUES "
                        "('agg', ?, ?, ?, ?, ?, 'old', ?, ?, ?, ?)", [key, link, key, f"item {n}", T0, *failed])
        con.execute("INSERT INTO host_pauses VALUES ('0:0:0:0:0:ffff:7f00:0002', ?, ?, 429, ?)",
                    [now + timedelta(hours=1), now - timedelta(minutes=1), links(server, paused)[2]])
    path.parent.mkdir()
    at_level_0107(warehouse, path)


def test_an_upgrade_tries_a_parked_entry_again_and_keeps_a_pause_under_todays_spelling(
        tmp_path: Path, server: LocalServer) -> None:
    """Before: the entry parked at `[0:0:0:0:0:FFFF:7F00:0001]` stayed parked under its new key `[::ffff:7f00:1]`
    (only a copy's was tried again), and the pause stayed under the old spelling (held, as the host gate keys it,
    but a second row beside today's). Now both parked entries are fetched once, stored, and the pause is one row
    under `::ffff:7f00:2`; its host is sent nothing."""
    paused = LocalServer("127.0.0.2")
    try:
        config = write_config(tmp_path, server.base_url, serve(server, paused), {"workers": 1},
                              allowed_networks=NETWORKS)
        old_warehouse(tmp_path, tmp_path / "warehouse" / "news.duckdb", server, paused)
        assert asyncio.run(run_ingest(load_config(config), "upgraded", all_feeds=True)).status == "completed"
        assert [len(server.hits(f"/news/{n}")) for n in (0, 1)] == [1, 1]
        assert paused.requests == []
    finally:
        paused.close()
    port = server.port
    with Warehouse(tmp_path / "warehouse" / "news.duckdb").reading() as con:
        assert sorted(con.execute(STORED).fetchall()) == [
            (f"http://127.0.0.1:{port}/news/1", f"http://127.0.0.1:{port}/news/1", True, False, 0),
            (f"http://[0:0:0:0:0:FFFF:7F00:0001]:{port}/news/0", f"http://[::ffff:7f00:1]:{port}/news/0", True, False,
             0),
            (f"http://[0:0:0:0:0:FFFF:7F00:0002]:{paused.port}/news/2", f"http://[::ffff:7f00:2]:{paused.port}/news/2",
             False, False, 0)]
        assert con.execute("SELECT host FROM host_pauses").fetchall() == [("::ffff:7f00:2",)]
        # the parked rows as they were, before the upgrade unparked them
        assert sorted(con.execute("SELECT url, fetch_attempts, last_outcome FROM entries_rekeyed "
                                  "WHERE parked_at IS NOT NULL").fetchall()) == [
            (f"http://[0:0:0:0:0:FFFF:7F00:0001]:{port}/news/0", 3, "http_error"),
            (f"https://www.google.com/amp/127.0.0.1:{port}/news/1", 3, "http_error")]


OLD_RUN = ("import asyncio, sys; from newsflow.config import load_config; from newsflow.runner import run_ingest; "
           "print(asyncio.run(run_ingest(load_config(sys.argv[1]), sys.argv[2], all_feeds=True)).status)")


@pytest.mark.skipif(PRE54_SRC is None, reason="local only: set NEWSFLOW_PRE54_SRC to newsflow's src before Analyst 54")
def test_entries_the_code_before_analyst_54_parked_are_fetched_once_the_server_answers(
        tmp_path: Path, server: LocalServer) -> None:
    """The old code's three runs park both items while their pages are gone (410; the viewer's copy does not resolve
    offline); the pages answer again; one run of today's code upgrades the warehouse and stores both."""
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
        assert asyncio.run(run_ingest(load_config(config), "upgraded", all_feeds=True)).status == "completed"
    finally:
        other.close()
    with store.reading() as con:
        stored = {url for (url,) in con.execute("SELECT canonical_url FROM articles").fetchall()}
        assert {f"http://127.0.0.1:{server.port}/news/1", f"http://[::ffff:7f00:1]:{server.port}/news/0"} <= stored
        assert con.execute("SELECT count(*) FROM entries WHERE parked_at IS NOT NULL").fetchone() == (0,)
