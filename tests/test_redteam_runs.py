"""Whole runs against combinations the hostile suite did not have (red team after issue 11).

Each scenario runs several consecutive runs and checks, after every run: the run completed,
nothing delivered is lost (every entry is stored, pending, or parked with its reason), nothing
is duplicated, and errors are one line naming the feed or URL.
"""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

from newsflow.config import Config, load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import Site, generated_story
from tests.test_unstoppable import add_settings, query

RSS = "application/rss+xml"
LOGIN_WALL = b"<!doctype html><html><head><title>Sign in</title></head><body><form>Password</form></body></html>"


def rss(items: list[tuple[str, str]]) -> bytes:
    """RSS whose items are (guid, link), each with its own title."""
    rendered = "".join(f"<item><title>{escape(guid)} title</title><link>{escape(link)}</link>"
                       f'<guid isPermaLink="false">{escape(guid)}</guid></item>' for guid, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{rendered}</channel></rss>'.encode()


def add_articles(server: LocalServer, paths: list[str]) -> None:
    site = Site("Courier")
    for n, path in enumerate(paths):
        story = generated_story(100 + n)
        server.add(path, Page(site.article_page(story)))


def check_invariants(config_path: Path) -> None:
    assert query(config_path, "SELECT status FROM runs ORDER BY started_at DESC LIMIT 1") == [("completed",)]
    assert query(config_path, "SELECT count(*) - count(DISTINCT (feed_id, guid, canonical_url)) FROM entries") == [
        (0,)], "no duplicate entries"
    assert query(config_path, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]
    unexplained = query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL AND parked_at IS NOT NULL "
                                     "AND coalesce(last_error, last_outcome) IS NULL")
    assert unexplained == [(0,)], "every parked entry says why"
    assert query(config_path, "SELECT count(*) FROM fetch_events WHERE error LIKE '%' || chr(10) || '%'") == [(0,)]


def run(config: Config, name: str) -> None:
    summary = asyncio.run(run_ingest(config, name, all_feeds=True))
    assert summary.status == "completed"


def test_shared_guids_a_self_link_and_a_login_wall_lose_and_duplicate_nothing(
    tmp_path: Path, server: LocalServer
) -> None:
    add_articles(server, ["/a/s0", "/a/s1", "/a/s2", "/b/s9", "/b/s8", "/b/s7"])
    feed_a = server.url("/a.xml")
    server.add("/a.xml", Page(rss([("g1", "/a/s0"), ("shared", "/a/s1"), ("self", feed_a)]), RSS))
    server.add("/b.xml", Page(rss([("shared", "/b/s9"), ("g1", "/b/s8")]), RSS))
    config_path = write_config(tmp_path, server.base_url, {"a": "/a.xml", "b": "/b.xml"})
    config = load_config(config_path)

    run(config, "run-1")
    check_invariants(config_path)
    assert query(config_path, "SELECT feed_id, guid FROM entries WHERE article_id IS NOT NULL ORDER BY 1, 2") == [
        ("a", "g1"), ("a", "shared"), ("b", "g1"), ("b", "shared")], "one GUID in two feeds is two entries"
    assert query(config_path, "SELECT last_outcome FROM entries WHERE guid = 'self'") == [("not_html",)], (
        "an item linking to its own feed is parked as not HTML, with its reason")

    server.add("/a.xml", Page(rss([("g1", "/a/s0"), ("shared", "/a/s1"), ("self", feed_a), ("g2", "/a/s2")]), RSS))
    server.add("/b.xml", Page(LOGIN_WALL))  # the feed now answers with a login wall
    run(config, "run-2")
    check_invariants(config_path)
    (status, error), = query(config_path, "SELECT last_status, last_error FROM feeds WHERE feed_id = 'b'")
    assert status == "soft" and "an HTML page, not a feed" in str(error) and "/b.xml" in str(error)

    server.add("/b.xml", Page(rss([("shared", "/b/s9"), ("g1", "/b/s8"), ("g7", "/b/s7")]), RSS))
    run(config, "run-3")
    check_invariants(config_path)
    assert query(config_path, "SELECT count(*) FROM articles") == [(6,)], "every linked page stored once"
    assert query(config_path, "SELECT consecutive_failures FROM feeds WHERE feed_id = 'b'") == [(0,)]


def test_every_item_redirecting_to_one_slow_host_ends_each_run_in_budget_and_stores_all(
    tmp_path: Path, server: LocalServer
) -> None:
    slow = LocalServer("127.0.0.2")
    try:
        site = Site("Slow")

        def slow_page(n: int) -> object:
            def handle(handler: BaseHTTPRequestHandler) -> None:
                time.sleep(0.4)  # the slow host: each page takes 0.4 s to answer
                send_bytes(handler, 200, site.article_page(generated_story(n)), "text/html")
            return handle

        items = []
        for n in range(12):
            slow.add(f"/p/{n}", slow_page(n))  # type: ignore[arg-type]
            server.add(f"/go/{n}", Page(b"", status=302, headers={"Location": slow.url(f"/p/{n}")}))
            items.append((f"item-{n}", f"/go/{n}"))
        server.add("/feed.xml", Page(rss(items), RSS))
        config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"}, per_host_concurrency=1,
                                   per_host_delay=0.0, timeout=2.0)
        add_settings(config_path, "execution", run_budget_seconds=4.0)
        config = load_config(config_path)
        for n in range(6):
            started = time.monotonic()
            run(config, f"run-{n}")
            assert time.monotonic() - started < 4.0 + 3.0, "a run ends at its budget"
            check_invariants(config_path)
            if query(config_path, "SELECT count(*) FROM articles") == [(12,)]:
                break
        assert query(config_path, "SELECT count(*) FROM articles") == [(12,)], "all stored within a few runs"
        assert query(config_path, "SELECT count(*) FROM entries WHERE parked_at IS NOT NULL "
                                  "OR fetch_attempts > 0 AND article_id IS NULL") == [(0,)], (
            "deferred articles are not failures")
        assert n >= 1, "one run could not do it all: the budget cut it"
    finally:
        slow.close()
