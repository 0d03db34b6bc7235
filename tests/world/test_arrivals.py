"""Red team 38b: the world judges each whole arrival of a page, not only its last status-200 row
(`invariants.each_whole_arrival_accounted`). A page left by the budget in one run, sent whole again to a later run
and lost there without a row passed `whole_page_stored`; it fails the new check."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsflow import warehouse
from newsflow.models import FeedConfig, FetchEvent, FetchKind, Outcome
from newsflow.warehouse import Warehouse
from tests.world import invariants

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
PAGE = "http://site-0.world.test:80/a/0/1"


def left_row(run_id: str) -> FetchEvent:
    return FetchEvent(run_id, NOW, FetchKind.ARTICLE, "f1", PAGE, 200, Outcome.LEFT_BY_BUDGET, "left", 10, 5)


def warehouse_with(tmp_path: Path, rows: list[FetchEvent]) -> Path:
    path = tmp_path / "w" / "news.duckdb"
    store = Warehouse(path)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f1", "https://news.example/feed")])
        for run_id in ("r1", "r2", "beside"):
            warehouse.begin_run(con, run_id, NOW)
        con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, first_seen_at, run_id, last_outcome) "
                    "VALUES ('f1', ?, ?, ?, ?, 'r1', 'left_by_budget')", [PAGE, PAGE, PAGE, NOW])
        warehouse.insert_fetch_events(con, rows)
    return path


def add_rows(path: Path, rows: list[FetchEvent], dropped: str | None = None) -> None:
    with Warehouse(path).writing() as con:
        if dropped:
            con.execute("DELETE FROM fetch_events WHERE run_id = ?", [dropped])
        warehouse.insert_fetch_events(con, rows)


def test_each_whole_arrival_needs_its_own_row_a_companion_s_may_stand_for_it(tmp_path: Path) -> None:
    """One warehouse (its migrations cost a second or two), three states of its rows."""
    path = warehouse_with(tmp_path, [left_row("r1")])
    assert invariants.whole_pages_stored(path, 2, {PAGE}) == [], "the old check passes it: the gap"
    [found] = invariants.each_whole_arrival_accounted(path, 2, {PAGE: {"r1", "r2"}})
    assert found.invariant == "whole_page_stored" and "'r2'" in found.detail and "'r1'" not in found.detail
    add_rows(path, [left_row("r2")])
    assert invariants.each_whole_arrival_accounted(path, 2, {PAGE: {"r1", "r2"}}) == []
    add_rows(path, [left_row("beside")], dropped="r2")
    assert invariants.each_whole_arrival_accounted(path, 2, {PAGE: {"r1", "r2"}}) == [], \
        "a second command beside the world's run may have fetched it in its place (world16)"
