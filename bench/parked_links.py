"""`python -m bench.parked_links`: what linking a load's parked entries costs (docs/search.md, "Analyst 58").

A synthetic warehouse of 1M entries (20k parked, unlinked) and ~982k articles; a load's entry update of 200 stored
attempts (20 of them at parked URLs, 10 of those with their article's canonical URL among the batch's articles),
timed inside a transaction rolled back, in turns (ABBA): before, `record_attempts` alone (main's, unchanged); after,
`record_attempts` then `link_parked_entries`. Printed: median CPU ms of each, and their ratio.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb
from tests.searchsample import empty_warehouse

from newsflow.models import EntryAttempt
from newsflow.warehouse.entries import link_parked_entries, record_attempts

ENTRIES = 1_000_000
PARKED_FROM = 980_000  # entries from here on are parked, unlinked; every 10th has an article (stored through A)


def build(path: Path) -> None:
    empty_warehouse(path)
    con = duckdb.connect(str(path))
    con.execute(f"""INSERT INTO articles (article_id, canonical_url, url, feed_id, text, word_count, content_hash,
                                          story_id, fetched_at, run_id)
        SELECT 'a'||i, 'u'||i, 'u'||i, 'f'||(i%50), 'text', 1, 'h'||i, 'a'||i, now(), 'r' FROM range({ENTRIES}) t(i)
        WHERE i < {PARKED_FROM} OR i % 10 = 0""")
    con.execute(f"""INSERT INTO entries (feed_id, guid, url, canonical_url, first_seen_at, run_id, article_id,
                                         fetch_attempts, parked_at, last_outcome)
        SELECT 'f'||(i%50), 'g'||i, 'u'||i, 'u'||i, now(), 'r', CASE WHEN i < {PARKED_FROM} THEN 'a'||i END,
               CASE WHEN i < {PARKED_FROM} THEN 0 ELSE 1 END, CASE WHEN i >= {PARKED_FROM} THEN now() END,
               CASE WHEN i >= {PARKED_FROM} THEN 'not_html' END
        FROM range({ENTRIES}) t(i)""")
    con.execute("CHECKPOINT")
    con.close()


def cpu_ms(con: duckdb.DuckDBPyConnection, link: bool, attempts: list[EntryAttempt], ids: list[tuple[str, str]]
           ) -> float:
    con.execute("BEGIN")
    before = resource.getrusage(resource.RUSAGE_SELF)
    record_attempts(con, attempts)
    if link:
        link_parked_entries(con, attempts, ids)
    after = resource.getrusage(resource.RUSAGE_SELF)
    con.execute("ROLLBACK")
    return (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000


def main(rounds: int = 7) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.duckdb"
        build(path)
        con = duckdb.connect(str(path))
        at_parked = list(range(PARKED_FROM, ENTRIES, 1000))  # 20 URLs; every other one has an article
        fresh = list(range(PARKED_FROM - 180, PARKED_FROM))  # stored already; their entries linked
        attempts = [EntryAttempt(f"u{i}", "stored", f"a{i}") for i in at_parked + fresh]
        ids = [(f"u{i}", f"a{i}") for i in at_parked if i % 10 == 0] + [(f"u{i}", f"a{i}") for i in fresh]
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(rounds):
            for link in (False, True, True, False):
                times[link].append(cpu_ms(con, link, attempts, ids))
        before, after = statistics.median(times[False]), statistics.median(times[True])
        print(f"entries {ENTRIES:,}, parked {ENTRIES - PARKED_FROM:,}, attempts {len(attempts)}, "
              f"rounds {rounds} (ABBA)")
        print(f"record_attempts alone: {before:.1f} ms cpu; with link_parked_entries: {after:.1f} ms; "
              f"ratio {after / before:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
