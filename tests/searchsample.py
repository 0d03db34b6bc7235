"""Small warehouses of hand-written articles for the search tests, loaded the way a run loads them."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsflow import search, warehouse
from newsflow.models import Article
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.warehouse import Warehouse, run_read_query, search_index, sql_root


def examples(local: int, ci: int) -> int:
    """A property test's example count: `ci` under CI's profile (`HYPOTHESIS_PROFILE=ci`, derandomized: the same
    examples every run), `local` elsewhere. A test lowers it in CI only where the fewer examples still reach every
    line and branch its module's search code reached with `local` (measured with coverage, docs/performance.md,
    "CI time, session 42 (search, upgrades ...)"): its examples cost a warehouse and many rankings each."""
    return ci if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else local


TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    text: str
    language: str | None = "en"
    site: str = "planet.example"
    days_ago: int = 1
    story: str | None = None  # the slug of the story's first article
    feed: str = "planet"

    def article(self) -> Article:
        url = f"https://{self.site}/{self.slug}"
        published = TODAY - timedelta(days=self.days_ago) + timedelta(hours=10)
        return Article(self.slug, url, url, self.feed, self.title, None, published, self.language, None, self.text,
                       len(self.text.split()), f"hash-{self.slug}-{len(self.text)}", self.story or self.slug,
                       published, "search-test")


_EMPTY: dict[tuple[tuple[str, int, int], ...], Path] = {}


def empty_warehouse(path: Path) -> Warehouse:
    """A new warehouse at `path`, migrated: a copy of one this process migrated once.

    Migrating a new file costs 0.2-0.4 s on 2 cores (one transaction, `warehouse.migrate`), a copy
    a few ms, and the search tests build hundreds (each Hypothesis example its own). The copy holds
    exactly what the migrations wrote, in the format newsflow creates (compat.py); migrating a new
    file is tested where it is the subject (test_warehouse.py, test_compat.py, test_views.py). A
    change to the SQL files makes a new copy."""
    sql = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(sql_root().rglob("*.sql")))
    if sql not in _EMPTY:
        folder = tempfile.mkdtemp(prefix="newsflow-empty-warehouse-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Path(folder) / "empty.duckdb"
        with Warehouse(template).writing():
            pass
        _EMPTY[sql] = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_EMPTY[sql], path)
    return Warehouse(path)


def store_docs(path: Path, docs: Sequence[Doc]) -> Warehouse:
    """Load `docs` into the warehouse at `path` as a run's load does (an empty migrated one when new)."""
    store = Warehouse(path) if path.exists() else empty_warehouse(path)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, [d.article() for d in docs], [], [])
    return store


def found(store: Warehouse, query: str) -> list[str]:
    """The ids (titles' keys) of the stories `newsflow search QUERY` finds, sorted."""
    return sorted(row[0] for row in search.search_stories(store, query, SearchFilters(), 20).rows)


def found_by_macro(store: Warehouse, query: str) -> list[str]:
    """The article ids the SQL macro `search_articles(QUERY)` finds, sorted: what an analyst's SQL gets."""
    rows = run_read_query(store, "SELECT article_id FROM search_articles($q)", {"q": query}).rows
    return sorted(row[0] for row in rows)


def indexed_after_migration(store: Warehouse, name: str) -> tuple[set[str], int]:
    """Migration `name` run again on an indexed warehouse (as on one indexed before it): the article ids
    left in the search index, and the postings left without their document (none, when it is right)."""
    migration = (sql_root() / "migrations" / name).read_text(encoding="utf-8")
    with store.writing() as con:
        con.execute(migration)
        left = {r[0] for r in con.execute("SELECT article_id FROM search_docs").fetchall()}
        orphans = con.execute("SELECT count(*) FROM search_postings ANTI JOIN search_docs USING (doc_id)").fetchone()
    return left, orphans[0] if orphans is not None else -1


def stories_on(con: Any, text: str, filters: SearchFilters, limit: int, *,
               prune: bool = True) -> list[tuple[Any, ...]]:
    """`search.search_stories(store, text, filters, limit).rows` on a connection the caller holds, by
    its own steps (the query's inputs, their parameters, `ranked_stories`). Tests that compare many
    searches of one warehouse open it once: a connection's open was ~19% of a search's CPU (ci19)."""
    params = search_index.search_params(search.ranked_inputs(con, parse_query(text)), **vars(filters))
    return search_index.ranked_stories(con, params, limit, prune=prune).rows
