"""Warehouse: migrations, idempotent loads, read-only queries and locking, on real DuckDB files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from newsflow import warehouse
from newsflow.errors import ReadOnlyQueryError, WarehouseError, WarehouseLockedError
from newsflow.models import (
    Article,
    EntryAttempt,
    FeedConfig,
    FeedEntry,
    FeedPollState,
    FetchEvent,
    FetchKind,
    Outcome,
)
from newsflow.pages import StoredPage
from newsflow.warehouse import WRITER_MEMORY_LIMIT, Warehouse, run_read_query

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def entry(n: int, feed_id: str = "f1") -> FeedEntry:
    url = f"https://news.example/{n}"
    return FeedEntry(feed_id, f"guid-{n}", url, url, f"title {n}", None, NOW)


def article(n: int, text: str | None = None) -> Article:
    url = f"https://news.example/{n}"
    return Article(
        article_id=f"id{n}", canonical_url=url, url=url, feed_id="f1", title=f"t{n}", author=None,
        published_at=NOW, language="en", sitename=None, text=text or f"text {n}", word_count=2,
        content_hash=f"h{n}", story_id=f"id{n}", fetched_at=NOW, run_id="r1",
    )


def event(url: str, outcome: Outcome = Outcome.OK) -> FetchEvent:
    return FetchEvent("r1", NOW, FetchKind.ARTICLE, "f1", url, 200, outcome, None, 10, 5)


@pytest.fixture
def store(tmp_path: Path) -> Warehouse:
    store = Warehouse(tmp_path / "w" / "news.duckdb")
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f1", "https://news.example/feed")])
        warehouse.begin_run(con, "r1", NOW)
    return store


def count(store: Warehouse, table: str) -> int:
    return int(run_read_query(store, f"SELECT count(*) FROM {table}").rows[0][0])


def test_migrations_are_recorded_and_run_once(store: Warehouse) -> None:
    with store.writing() as con:
        assert warehouse.migrate(con) == []
    names = [r[0] for r in run_read_query(store, "SELECT name FROM schema_migrations ORDER BY version").rows]
    assert names[0] == "0001_core"


def test_a_new_warehouse_is_migrated_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new file's migrations and views commit as one transaction: a failing one leaves none applied."""
    root = tmp_path / "sql"
    shutil.copytree(warehouse.sql_root(), root)
    broken = root / "migrations" / "9999_broken.sql"
    broken.write_text("CREATE TABLE half_done (x INTEGER);\nSELECT nothing FROM nowhere;\n", encoding="utf-8")
    monkeypatch.setattr(warehouse.schema, "sql_root", lambda: root)
    store = Warehouse(tmp_path / "w" / "news.duckdb")
    with pytest.raises(Exception, match="nowhere"), store.writing():
        pass
    import duckdb

    with duckdb.connect(str(store.path), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert tables == {"schema_migrations", "schema_views"}
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchall() == [(0,)]
    with pytest.raises(WarehouseError, match="holds no tables"):  # what a reader calls "no warehouse yet"
        run_read_query(store, "SELECT 1")
    broken.unlink()
    migrations = len(list(root.glob("migrations/*.sql")))
    with store.writing() as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone() == (migrations,)
        assert con.execute("SELECT count(*) FROM stories").fetchone() == (0,)  # and the views


def test_all_timestamps_are_timestamptz(store: Warehouse) -> None:
    types = run_read_query(
        store,
        "SELECT DISTINCT data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND (column_name LIKE '%_at' OR column_name = 'at')",
    ).rows
    assert {t[0] for t in types} == {"TIMESTAMP WITH TIME ZONE"}


def load_polls(store: Warehouse, entries: list[FeedEntry], polls: list[FeedPollState]) -> dict[str, int]:
    with store.writing() as con, warehouse.transaction(con):
        new = warehouse.insert_entries(con, "r1", entries)
        warehouse.update_feed_states(con, polls)
        warehouse.insert_polls(con, "r1", polls)
    return new


def test_entries_load_is_idempotent_and_updates_feed_state_with_them(store: Warehouse) -> None:
    poll = FeedPollState("f1", NOW, "ok", "ok", False, title="Feed", etag='"e1"', last_modified="lm",
                         next_poll_at=NOW)
    assert load_polls(store, [entry(1), entry(2), entry(2)], [poll]) == {"f1": 2}
    assert load_polls(store, [entry(1), entry(2), entry(2)], [poll]) == {}
    assert count(store, "entries") == 2
    assert count(store, "polls") == 1
    row = run_read_query(store, "SELECT title, etag, last_status, consecutive_failures FROM feeds").rows[0]
    assert row == ("Feed", '"e1"', "ok", 0)


def test_failures_count_up_and_keep_validators(store: Warehouse) -> None:
    ok = FeedPollState("f1", NOW, "ok", "ok", False, etag='"e1"', next_poll_at=NOW)
    bad = FeedPollState("f1", NOW, "soft", "http_error", True, error="404", next_poll_at=NOW)
    for poll in (ok, bad, bad):
        load_polls(store, [], [poll])
    row = run_read_query(store, "SELECT etag, last_status, consecutive_failures, last_error FROM feeds").rows[0]
    assert row == ('"e1"', "soft", 2, "404")


def test_article_load_never_duplicates_a_url_and_resolves_entries(store: Warehouse) -> None:
    load_polls(store, [entry(1), entry(2)], [])
    attempts = [EntryAttempt(f"https://news.example/{n}", "ok", f"id{n}") for n in (1, 2)]
    for _ in range(2):
        with store.writing() as con, warehouse.transaction(con):
            warehouse.load_articles(con, [article(1), article(2), article(1)], attempts, [event("u")])
    assert count(store, "articles") == 2
    assert count(store, "entries WHERE article_id IS NULL") == 0
    with store.writing() as con:
        assert warehouse.pending_entries(con, ["f1"]) == ([], 0)


def test_the_publishers_local_day_is_stored_beside_the_utc_instant(store: Warehouse) -> None:
    # Published at 20:06 in Lima (-05:00) on the 7th: the instant is 01:06 UTC on the 8th.
    lima = replace(article(1), published_at=datetime(2022, 5, 8, 1, 6, 23, tzinfo=UTC), published_date=date(2022, 5, 7))
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, [lima], [], [event("u")])
    sql = "SELECT CAST(published_at AT TIME ZONE 'UTC' AS DATE), published_date FROM articles"
    rows = run_read_query(store, sql).rows
    assert [tuple(row) for row in rows] == [(date(2022, 5, 8), date(2022, 5, 7))]
    with store.writing() as con, warehouse.transaction(con):
        warehouse.update_extractions(con, [("id1", "t1", None, lima.published_at, "es", None, "h", "text", 1, "both",
                                            date(2022, 5, 6))])
    assert run_read_query(store, "SELECT published_date FROM articles").rows[0][0] == date(2022, 5, 6)


def test_failed_batch_rolls_back_completely(store: Warehouse) -> None:
    with pytest.raises(RuntimeError), store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, [article(1)], [], [event("u")])
        raise RuntimeError("crash mid-batch")
    assert count(store, "articles") == 0
    assert count(store, "fetch_events") == 0


def test_terminal_outcomes_park_at_once_and_failures_after_max_attempts(store: Warehouse) -> None:
    load_polls(store, [entry(1), entry(2), entry(3)], [])
    not_html = EntryAttempt("https://news.example/1", "not_html", None, error="a PDF")
    timeout = EntryAttempt("https://news.example/2", "timeout", None, error="took over 5 s")
    limited = EntryAttempt("https://news.example/3", "rate_limited", None, error="429", counts=False)
    with store.writing() as con:
        for attempt in range(3):
            with warehouse.transaction(con):
                warehouse.load_articles(con, [], [not_html, timeout, limited], [], max_attempts=3,
                                        terminal_outcomes=["not_html"])
            pending, total = warehouse.pending_entries(con, ["f1"])
            expected = ["https://news.example/2", "https://news.example/3"] if attempt < 2 else [
                "https://news.example/3"]
            assert [p.canonical_url for p in pending] == expected and total == len(expected)
    parked = run_read_query(store, "SELECT guid, fetch_attempts, last_error FROM entries "
                                   "WHERE parked_at IS NOT NULL ORDER BY guid").rows
    assert parked == [("guid-1", 1, "a PDF"), ("guid-2", 3, "took over 5 s")]
    assert run_read_query(store, "SELECT fetch_attempts FROM entries WHERE guid = 'guid-3'").rows == [(0,)], (
        "rate limiting says nothing about the article")


def test_pending_is_capped_oldest_first_and_counts_the_rest(store: Warehouse) -> None:
    load_polls(store, [entry(n) for n in range(1, 6)], [])
    with store.writing() as con:
        pending, total = warehouse.pending_entries(con, ["f1"], limit=2)
    assert len(pending) == 2 and total == 5


def test_a_reused_guid_with_another_link_is_another_entry(store: Warehouse) -> None:
    same_guid = [replace(entry(n), key="same") for n in (1, 2)]
    assert load_polls(store, [*same_guid, same_guid[0]], []) == {"f1": 2}
    assert load_polls(store, same_guid, []) == {}, "each (guid, link) is stored once"


def test_query_refuses_writes(store: Warehouse) -> None:
    for sql in ["DELETE FROM articles", "  -- hi\n drop table feeds", "CREATE TABLE x (a int)"]:
        with pytest.raises(ReadOnlyQueryError, match="read-only"):
            run_read_query(store, sql)
    with pytest.raises(ReadOnlyQueryError):
        run_read_query(store, "WITH x AS (SELECT 1) INSERT INTO runs (run_id) SELECT 'a'")
    assert count(store, "runs") == 1


def test_query_on_missing_warehouse_says_run_first(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="newsflow run"):
        run_read_query(Warehouse(tmp_path / "none.duckdb"), "SELECT 1")


HOLD_LOCK = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()
"""


def test_locked_warehouse_gives_a_clear_error(store: Warehouse) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store.path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseLockedError, match="try again"):
            run_read_query(Warehouse(store.path), "SELECT 1")
    finally:
        holder.communicate("")


def test_run_lock_excludes_a_second_run(store: Warehouse) -> None:
    code = f"""
import sys
from pathlib import Path
from newsflow.warehouse import Warehouse
with Warehouse(Path({str(store.path)!r})).run_lock():
    print("held", flush=True)
    sys.stdin.read()
"""
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLockedError, match="another newsflow run"), Warehouse(store.path).run_lock():
            pass
    finally:
        holder.communicate("")
    with Warehouse(store.path).run_lock():
        pass


def test_a_writing_command_holding_the_run_lock_is_named_not_taken_for_a_run(store: Warehouse) -> None:
    """World16's `user_command`: a `newsflow reextract` holding the run lock as the schedule's run started made the
    run say "another newsflow run (pid N) is writing", the pid being the reextract's; now it names the command,
    in the run lock's refusal and in a held file's (docs/concurrency.md)."""
    code = f"""
import sys
from pathlib import Path
from newsflow.warehouse import Warehouse
with Warehouse(Path({str(store.path)!r})).run_lock("reextract"):
    print("held", flush=True)
    sys.stdin.read()
"""
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = rf"another newsflow reextract \(pid {holder.pid}\) is writing"
        with pytest.raises(WarehouseLockedError, match=refused), Warehouse(store.path).run_lock():
            pass
        held = Warehouse(store.path).lock_error(f"Conflicting lock is held in /usr/bin/python3 (PID {holder.pid})")
        assert f"locked by another newsflow reextract (pid {holder.pid}), which is writing" in str(held)
    finally:
        holder.communicate("")


def test_story_lookup_sees_only_the_window(store: Warehouse) -> None:
    from datetime import timedelta

    with store.writing() as con, warehouse.transaction(con):
        warehouse.insert_story_index(con, [("old", "old", None, [(-1, 7)]), ("new", "new", None, [(-1, 7)])])
        con.execute("UPDATE story_bands SET indexed_at = now() - INTERVAL 40 DAY WHERE article_id = 'old'")
        con.execute("UPDATE story_signatures SET indexed_at = now() - INTERVAL 40 DAY WHERE article_id = 'old'")
    with store.writing() as con:
        since = datetime.now(UTC) - timedelta(days=30)
        found = [row[2] for row in warehouse.lookup_story_keys(con, [(-1, 7)], since)]
        everything = [row[2] for row in warehouse.lookup_story_keys(con, [(-1, 7)], since - timedelta(days=30))]
    assert found == ["new"] and sorted(everything) == ["new", "old"]


GROWING_TABLES = ("entries", "articles", "pages", "polls", "story_signatures", "story_bands", "story_lines",
                  "fetch_events")


def test_growing_tables_have_no_index_and_their_loads_stay_idempotent(store: Warehouse) -> None:
    """DuckDB holds a table's whole index in memory while a transaction inserts into it, so
    the tables that grow with every run have none; the loader keeps their keys unique."""
    keyed = run_read_query(store, "SELECT DISTINCT table_name FROM duckdb_constraints() "
                                  "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')").rows
    assert not {name for (name,) in keyed} & set(GROWING_TABLES)
    assert run_read_query(store, "SELECT count(*) FROM duckdb_indexes()").rows == [(0,)]
    with store.writing() as con:  # scans go through a capped buffer pool instead
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit == f"{int(WRITER_MEMORY_LIMIT.removesuffix('MB')) * 1e6 / 2**20:.1f} MiB"
    page = StoredPage("id1", NOW, "ab/id1.html.gz", 1000, 300)
    for _ in range(2):
        with store.writing() as con, warehouse.transaction(con):
            warehouse.insert_pages(con, [page])
            warehouse.insert_story_index(con, [("id1", "id1", b"sig", [(0, 7), (1, 8)])])
    assert count(store, "pages") == 1
    assert count(store, "story_signatures") == 1


def migrated_to(path: Path, last: int) -> str:
    """Python that creates `path` at migration `last`, as a release of that time left it (run it in its own process)."""
    return f"""
import duckdb
from newsflow.warehouse import sql_root
con = duckdb.connect({str(path)!r})
con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL)")
con.execute("CREATE TABLE schema_views (sha256 VARCHAR NOT NULL)")
for path in sorted((sql_root() / "migrations").glob("000[1-{last}]_*.sql")):
    con.execute(path.read_text())
    con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [int(path.name[:4]), path.stem])
"""


def test_migration_0007_keeps_every_row_of_an_older_warehouse(tmp_path: Path) -> None:
    """A warehouse at migration 0006, built in its own process as the release before did."""
    path = tmp_path / "old.duckdb"
    script = migrated_to(path, 6) + """
con.execute("INSERT INTO feeds (feed_id, url) VALUES ('f1', 'https://news.example/feed')")
con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, first_seen_at, run_id) "
            "SELECT 'f1', 'g' || i, 'u' || i, 'u' || i, now(), 'r1' FROM range(50) t(i)")
con.execute("INSERT INTO story_signatures (article_id, story_id, signature) "
            "SELECT 'a' || i, 'a' || i, NULL FROM range(7) t(i)")
con.close()
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    old = Warehouse(path)
    with old.writing() as con:
        newest = max(int(p.name[:4]) for p in (warehouse.sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchall() == [(newest,)]
    assert count(old, "entries") == 50 and count(old, "story_signatures") == 7
    assert count(old, "entries WHERE feed_id = 'f1' AND guid = 'g3'") == 1
    assert run_read_query(old, "SELECT count(*) FROM feed_health").rows[0][0] == 1  # views see the new tables


def test_migration_0008_parks_what_the_old_rules_had_given_up_on(tmp_path: Path) -> None:
    """A warehouse at migration 0007: entries out of attempts or with a final outcome come out parked."""
    path = tmp_path / "old.duckdb"
    script = migrated_to(path, 7) + """
con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, first_seen_at, run_id, fetch_attempts, "
            "last_outcome) VALUES ('f1', 'g1', 'u1', 'u1', now(), 'r1', 3, 'timeout'), "
            "('f1', 'g2', 'u2', 'u2', now(), 'r1', 1, 'not_html'), ('f1', 'g3', 'u3', 'u3', now(), 'r1', 1, 'timeout')")
con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('r1', now(), 'completed')")
con.close()
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    old = Warehouse(path)
    parked = run_read_query(old_migrated(old), "SELECT guid FROM entries WHERE parked_at IS NOT NULL ORDER BY guid")
    assert parked.rows == [("g1",), ("g2",)]
    with old.writing() as con:
        assert warehouse.pending_entries(con, ["f1"])[1] == 1
    runs = run_read_query(old, "SELECT feeds_deferred, articles_deferred, articles_parked, network_outage FROM runs")
    assert runs.rows == [(0, 0, 0, False)]


def old_migrated(store: Warehouse) -> Warehouse:
    with store.writing():
        pass
    return store
