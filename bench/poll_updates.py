"""`python -m bench.poll_updates`: what noting changed entries and choosing refetches add to a poll on a big warehouse.

A warehouse of N entries (default 1,000,000), each leading to a stored article (N articles of a short text), built in
SQL. Per round, a poll of 200 stored entries of one feed, 10 of them with an `updated` moved forward, is written by
`insert_entries` with and without `note_changes` (the statement "Updates 58" adds; the latter is the poll's write as
before), in turns (ABBA), then `refetch_targets` (the run's one read). Process CPU, median of the rounds, ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow.models import FeedEntry
from newsflow.warehouse import Warehouse, entries, refetch_targets, transaction

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def build(store: Warehouse, size: int) -> None:
    with store.writing() as con, transaction(con):
        con.execute(
            "INSERT INTO articles (article_id, canonical_url, url, feed_id, title, text, word_count, content_hash, "
            "story_id, fetched_at, run_id) SELECT printf('%016x', i), 'https://s' || (i % 500) || '.example/a/' || i, "
            "'https://s' || (i % 500) || '.example/a/' || i, 'f' || (i % 100), 'Title ' || i, 'text ' || i, 2, "
            "md5(i::VARCHAR), printf('%016x', i), $t0 + to_minutes(i // 100), 'r' FROM range($n) t(i)",
            {"n": size, "t0": T0})
        con.execute(
            "INSERT INTO entries (feed_id, guid, url, canonical_url, title, summary, published_at, first_seen_at, "
            "run_id, article_id, updated_at) SELECT 'f' || (i % 100), 'urn:' || i, "
            "'https://s' || (i % 500) || '.example/a/' || i, 'https://s' || (i % 500) || '.example/a/' || i, "
            "'Title ' || i, 'sum', $t0, $t0, 'r', "
            "printf('%016x', i), $t0 FROM range($n) t(i)", {"n": size, "t0": T0})


def poll(round_no: int, size: int) -> list[FeedEntry]:
    """200 stored entries of feed f7, the first 10 with an `updated` a round later than the last."""
    ids = [7 + 100 * k for k in range(200) if 7 + 100 * k < size]
    moved = T0 + timedelta(days=40, minutes=round_no)
    return [FeedEntry("f7", f"urn:{i}", url := f"https://s{i % 500}.example/a/{i}", url, f"Title {i}", "sum", T0,
                      updated_at=moved if n < 10 else T0) for n, i in enumerate(ids)]


def timed(store: Warehouse, batch: list[FeedEntry], noting: bool) -> float:
    original = entries.note_changes
    if not noting:
        entries.note_changes = lambda con, columns: None  # type: ignore[assignment]
    try:
        with store.writing() as con, transaction(con):
            start = time.process_time()
            entries.insert_entries(con, "poll", batch)
            return (time.process_time() - start) * 1000
    finally:
        entries.note_changes = original  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Warehouse(Path(folder) / "news.duckdb")
        build(store, args.size)
        before: list[float] = []
        after: list[float] = []
        reads: list[float] = []
        for n in range(args.rounds):
            for noting in ((False, True) if n % 2 == 0 else (True, False)):
                (after if noting else before).append(timed(store, poll(2 * n + noting, args.size), noting))
            with store.writing() as con:
                start = time.process_time()
                chosen = refetch_targets(con, [f"f{i}" for i in range(100)], 100, timedelta(hours=1),
                                         datetime.now(UTC))
                reads.append((time.process_time() - start) * 1000)
        print(f"entries {args.size:,}; insert_entries as before: {statistics.median(before):.1f} ms "
              f"({min(before):.1f}-{max(before):.1f}); with note_changes: {statistics.median(after):.1f} ms "
              f"({min(after):.1f}-{max(after):.1f}); ratio {statistics.median(after) / statistics.median(before):.2f}; "
              f"refetch_targets: {statistics.median(reads):.1f} ms ({min(reads):.1f}-{max(reads):.1f}), "
              f"{len(chosen)} chosen")


if __name__ == "__main__":
    main()
