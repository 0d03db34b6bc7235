"""`uv run python -m bench.hostile_costs`: what red team 11's defences cost, as ratios measured in one run.

1. Choosing the pending articles by turns (hosts, then feeds within a host) against main's oldest-first
   query, on 200,000 pending entries of 1,000 feeds on 300 hosts: CPU seconds of the process (DuckDB's
   threads included), best of 3.
2. Parsing a feed of 50,000 items with one item left unclosed against the same feed well-formed: before
   red team 11 the unclosed item sent all 50,000 to feedparser (16.3 s against 0.33 s, about 50x).

CPU seconds, not wall time: the machine is shared (docs/stack-facts.md).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import warehouse
from newsflow.feeds import parse_feed
from newsflow.models import FeedConfig, FeedEntry
from newsflow.warehouse import Warehouse

OLDEST_FIRST = """
    SELECT canonical_url, arg_min(url, first_seen_at), arg_min(feed_id, first_seen_at),
           arg_min(title, first_seen_at), arg_min(published_at, first_seen_at),
           count(*) OVER (), arg_min(published_date, first_seen_at)
    FROM entries
    WHERE article_id IS NULL AND parked_at IS NULL AND list_contains($feed_ids, feed_id)
    GROUP BY canonical_url
    ORDER BY min(first_seen_at), canonical_url
    LIMIT $limit
"""


def best_cpu(call: Callable[[], object], repeats: int = 3) -> float:
    spent = []
    for _ in range(repeats):
        started = time.process_time()
        call()
        spent.append(time.process_time() - started)
    return min(spent)


def pending_choice(folder: Path, feeds: int = 1000, per_feed: int = 200, hosts: int = 300) -> tuple[float, float]:
    store = Warehouse(folder / "news.duckdb")
    names = [f"f{n}" for n in range(feeds)]
    start = datetime(2026, 12, 1, tzinfo=UTC)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig(name, f"https://{name}.example/feed") for name in names])
        warehouse.begin_run(con, "r1", start)
        for n, name in enumerate(names):
            urls = [f"https://h{n % hosts}.example/{name}/{i}" for i in range(per_feed)]
            entries = [FeedEntry(name, url, url, url, None, None, None) for url in urls]
            warehouse.insert_entries(con, "r1", entries, [start + timedelta(seconds=n)] * per_feed)
    with store.writing() as con:
        turns = best_cpu(lambda: warehouse.pending_entries(con, names, 5000))
        oldest = best_cpu(lambda: con.execute(OLDEST_FIRST, {"feed_ids": names, "limit": 5000}).fetchall())
    return turns, oldest


def big_feed(unclosed: bool, items: int = 50_000) -> bytes:
    rendered = [f"<item><title>Item {n}</title><link>https://big.example/a/{n}</link><guid>g{n}</guid>"
                f"<pubDate>Mon, 30 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000</pubDate></item>"
                for n in range(items)]
    if unclosed:
        rendered[7] = rendered[7].replace("</item>", "")
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>' + "".join(rendered)
            + "</channel></rss>").encode()


def feed_parse() -> tuple[float, float]:
    def parse(body: bytes) -> Callable[[], object]:
        return lambda: parse_feed(body, feed_id="big", feed_url="https://big.example/feed", max_entries=200)

    return best_cpu(parse(big_feed(unclosed=True))), best_cpu(parse(big_feed(unclosed=False)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        turns, oldest = pending_choice(Path(folder))
    print(f"pending articles by turns: {turns:.2f} s CPU, oldest first {oldest:.2f} s: {turns / oldest:.2f}x")
    unclosed, whole = feed_parse()
    print(f"50,000-item feed, one item unclosed: {unclosed:.2f} s CPU, well-formed {whole:.2f} s: "
          f"{unclosed / whole:.2f}x")


if __name__ == "__main__":
    main()
