"""A load spooled beside a reader and replayed by a later run keeps the times of its poll and fetch.

`entries.first_seen_at` is the time its feed was polled, `articles.fetched_at` and
`pages.fetched_at` the time its page was fetched, and `entries.parked_at` the time of the attempt
that parked it, whether the load ran at once or was replayed from the spool later
(docs/concurrency.md). Each check compares with the event the run logged at the time
(`polls.polled_at`, `fetch_events."at"`), and with a moment taken before the replaying run.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from newsflow.runner import run_ingest
from tests.hostile.test_readers import (
    ReaderArrivesAfterFirstLoad,
    holding,
    no_duplicates,
    reader_config,
    rows,
    serve_stories,
    spooled,
    spooled_kinds,
)
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed


def test_replayed_polls_keep_the_time_the_feed_was_polled(tmp_path: Path, server: LocalServer) -> None:
    config = reader_config(tmp_path, server)
    serve_stories(server, range(4))
    with holding(config.warehouse_path, "read-only"):
        asyncio.run(run_ingest(config, "beside-reader"))
        assert "load_polls" in spooled_kinds(config)
    before_replay = datetime.now(UTC)
    asyncio.run(run_ingest(config, "after-reader"))
    assert spooled(config) == []
    assert rows(config, "SELECT count(*) FROM entries WHERE run_id = 'beside-reader'") == [(4,)]
    cutoff = f"'{before_replay.isoformat()}'::TIMESTAMPTZ"
    seen = rows(config, f"SELECT DISTINCT e.first_seen_at = p.polled_at, e.first_seen_at < {cutoff} "
                        "FROM entries e JOIN polls p USING (run_id, feed_id)")
    assert seen == [(True, True)], "first_seen_at is the poll's time, not the replay's"
    assert rows(config, f"SELECT DISTINCT first_seen_at < {cutoff} FROM articles") == [(True,)]
    no_duplicates(config)


def test_replayed_batches_keep_the_time_each_page_was_fetched(tmp_path: Path, server: LocalServer) -> None:
    config = reader_config(tmp_path, server, batch_size=2)
    site, items = Site("Courier"), list[tuple[str, str, datetime | None]]()
    for story in (generated_story(n) for n in range(5)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, f"/a/{story.slug}", story.published))
    server.add("/zz/report.pdf", Page(b"%PDF-1.4 report", "application/pdf"))  # sorts last: a spooled batch
    items.append(("Report", "/zz/report.pdf", None))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    stages = ReaderArrivesAfterFirstLoad(config.warehouse_path, "read-only")
    try:
        asyncio.run(run_ingest(config, "mid-run", stages=stages))
        assert spooled_kinds(config).count("load_batch") == 2
    finally:
        assert stages.holder is not None
        stages.holder.release()
    before_replay = datetime.now(UTC)
    asyncio.run(run_ingest(config, "next"))
    cutoff = f"'{before_replay.isoformat()}'::TIMESTAMPTZ"
    assert rows(config, "SELECT count(*) FROM articles") == [(5,)]
    fetched = rows(config, f"""
        SELECT DISTINCT a.fetched_at = ev."at", a.fetched_at < {cutoff}, p.fetched_at = a.fetched_at
        FROM articles a JOIN fetch_events ev ON ev.url = a.url AND ev.kind = 'article'
        JOIN pages p USING (article_id)""")
    assert fetched == [(True, True, True)], "fetched_at is the fetch's time, not the replay's"
    parked = rows(config, f"""
        SELECT e.parked_at = ev."at", e.parked_at < {cutoff}, e.last_outcome FROM entries e
        JOIN fetch_events ev ON ev.url = e.url AND ev.kind = 'article' WHERE e.parked_at IS NOT NULL""")
    assert parked == [(True, True, "not_html")], "parked at the attempt's time"
    no_duplicates(config)
