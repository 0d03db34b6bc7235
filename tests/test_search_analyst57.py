"""Analyst 57: a feed's articles are those it carried (docs/search.md, "Analyst 57").

`articles.feed_id` is the feed that carried an article first. An outlet's section feed repeating its main feed's
stories (or an aggregator carrying an outlet's link) has entries leading to those articles, and `newsflow search
--feed SECTION`, its `--by day` counts and the named query `search_attention`'s `feed` found none of them before:
an empty or short answer, nothing said. Found by the walk of a warehouse two real runs built (an outlet's `top` feed
carrying 4 of its main feed's stories: `search strikes --feed outlet0-top`, 0 rows).

The warehouse is stored by the functions a run calls in a poll and its load (`insert_entries`, `load_articles`,
`link_stored_entries`), in a real DuckDB file; in-process `cli.main`."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import cli, queries, search, warehouse
from newsflow.models import FeedConfig, FeedEntry
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.warehouse import Warehouse, reads, renames, runs, search_index, sql_root
from tests.searchsample import Doc, empty_warehouse, examples, stories_on

FEEDS = ("world", "politics", "wire", "sport")
# (slug, language, days ago, the feeds that carry it, first feed first): every article matches "harbour"
CARRIED = (
    ("a1", "en", 1, ("world", "politics", "sport")),  # the sections repeat the main feed's story
    ("a2", "en", 2, ("politics", "world")),  # and the other way round
    ("a3", "de", 1, ("world",)),
    ("a4", "en", 3, ("wire", "politics", "world")),
    ("a5", "de", 2, ("politics",)),
    ("a6", "en", 1, ("wire",)),
)
OTHER = ("b1", "en", 1, ("world", "politics"))  # not a match: it counts in all_articles only
# Entries leading to no stored article (waiting, or parked: a 404, a paywall), as every real warehouse has: their
# NULL article_id in the feed's entries subquery made `search_attention feed=` 10x-176x slower (the review's F1).
UNLINKED = (("politics", "https://gone.example/p1"), ("politics", "https://gone.example/p2"),
            ("sport", "https://gone.example/s1"))


def _docs() -> list[tuple[Doc, tuple[str, ...]]]:
    made = [(Doc(slug, f"Harbour news {slug}", f"The harbour reopened, said {slug}.", language, days_ago=days,
                 feed=feeds[0]), feeds) for slug, language, days, feeds in CARRIED]
    slug, language, days, feeds = OTHER
    return [*made, (Doc(slug, "Market news", "Prices rose.", language, days_ago=days, feed=feeds[0]), feeds)]


def _store(path: Path) -> Path:
    """Each feed's entries as a poll stores them, then each article loaded once (for its first feed's entry), as a
    run's batch does: `load_articles` links every entry of its URL, whichever feed listed it."""
    store = empty_warehouse(path)
    docs = _docs()
    entries = [FeedEntry(feed, doc.article().url, doc.article().url, doc.article().url, doc.title, None,
                         doc.article().published_at) for doc, feeds in docs for feed in feeds]
    entries += [FeedEntry(feed, url, url, url, "Gone", None, None) for feed, url in UNLINKED]
    with store.writing() as con, warehouse.transaction(con):
        warehouse.insert_entries(con, "a57", entries)
        warehouse.load_articles(con, [doc.article() for doc, _ in docs], [], [])
        warehouse.link_stored_entries(con)
    search.refresh(store)
    config = path.parent / "newsflow.toml"
    config.write_text(f"[warehouse]\npath = {str(path)!r}\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("a57") / "news.duckdb")


@pytest.fixture(scope="module")
def con(config: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """One read connection for the searches (a connection's open is a fifth of a search's CPU: searchsample), on a
    copy: `newsflow query`'s sandbox locks the settings of the DuckDB instance it opens, the file's in this process."""
    copy = config.parent / "searched.duckdb"
    shutil.copyfile(config.parent / "news.duckdb", copy)
    with Warehouse(copy).reading() as held:
        yield held


def _articles(con: duckdb.DuckDBPyConnection, feeds: set[str], languages: set[str] | None = None) -> set[str]:
    """The article ids `newsflow search harbour --articles` lists under these filters (its statement)."""
    filters = SearchFilters(feed=tuple(sorted(feeds)), language=tuple(sorted(languages)) if languages else None)
    params = search_index.search_params(search.ranked_inputs(con, parse_query("harbour")), **vars(filters))
    return {row[0] for row in search_index.matching_articles(con, params, 100).rows}


def _run(config: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    assert cli.main([*argv, "--format", "csv", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    return list(csv.DictReader(io.StringIO(out)))


def _carried_by(feeds: set[str], languages: set[str] | None = None, rows: tuple[tuple[str, str, int, tuple[str, ...]],
                ...] = CARRIED) -> set[str]:
    return {slug for slug, language, _, carriers in rows
            if feeds & set(carriers) and (languages is None or language in languages)}


def test_a_feed_finds_the_stories_it_carried_after_another_feed(
        config: Path, con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `--feed politics` found a2 and a5 (its first sightings), not a1 and a4, which world and wire carried
    first; `--feed world` missed a2 and a4; `--feed sport` found nothing."""
    for feed in FEEDS:
        assert _articles(con, {feed}) == _carried_by({feed}), feed
        stories = stories_on(con, "harbour", SearchFilters(feed=feed), 20)
        assert {row[0] for row in stories} == _carried_by({feed}), feed
    # the CLI's listing; its feed_id stays the first feed (warehouse/README.md): a1 is world's, found under politics
    rows = _run(config, capsys, "search", "harbour", "--feed", "politics", "--articles")
    assert {row["article_id"]: row["feed_id"] for row in rows} == {"a1": "world", "a2": "politics", "a4": "wire",
                                                                    "a5": "politics"}


def test_attention_per_day_counts_a_feeds_carried_articles_and_the_named_query_agrees(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--by day --feed politics`: its matches and every article it carried (b1 too) per day; `search_attention`'s
    `feed=politics` the same rows. Before: a1, a4 and b1 were left out of both."""
    by_day = _run(config, capsys, "search", "harbour", "--by", "day", "--feed", "politics")
    named = _run(config, capsys, "query", "search_attention", "--param", "q=harbour", "--param", "feed=politics")
    counts = [(row["period"], row["articles"], row["all_articles"]) for row in by_day]
    assert counts == [(row["period"], row["articles"], row["all_articles"]) for row in named]
    assert sum(int(articles) for _, articles, _ in counts) == len(_carried_by({"politics"}))  # a1 a2 a4 a5
    assert sum(int(total) for _, _, total in counts) == len(_carried_by({"politics"})) + 1  # and b1


def test_a_feed_that_only_carried_others_first_sightings_is_known(config: Path) -> None:
    """`sport` (not in this config, as a feed removed from it) listed only a story world listed first: `--feed
    sport` knew it only by `articles.feed_id` and was refused as no stored feed; its entries name it now. `newsflow
    feeds`' `articles` still counts each article once, for the feed that carried it first (README.md)."""
    store = Warehouse(config.parent / "news.duckdb")
    assert search.feed_known(store, "sport") and not search.feed_known(store, "culture")
    counts = {row[0]: row[5] for row in reads.feed_health(store, list(FEEDS)).rows}
    assert counts == {"world": 3, "politics": 2, "wire": 2, "sport": 0}  # a1 a3 b1; a2 a5; a4 a6


@settings(max_examples=examples(60, 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(feeds=st.sets(st.sampled_from(FEEDS), min_size=1), languages=st.none() | st.sets(st.sampled_from(("en", "de")),
                                                                                      min_size=1))
def test_any_feeds_and_languages_find_what_those_feeds_carried(
        con: duckdb.DuckDBPyConnection, feeds: set[str], languages: set[str] | None) -> None:
    """Several feeds (either) with languages: the matches are the articles any of them carried, a brute force's."""
    assert _articles(con, feeds, languages) == _carried_by(feeds, languages)


def test_the_feed_subqueries_leave_unlinked_entries_out(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse the tests above search holds unlinked entries of politics and sport (their rows are right with
    them). The guard is a plan's cost, not a row's: DuckDB's plan reads the same with or without it, so this checks
    the text of both statements, and fails if either loses it."""
    unlinked = con.execute("SELECT count(*) FROM entries WHERE article_id IS NULL").fetchone()
    assert unlinked == (len(UNLINKED),)
    named = queries.load_query(sql_root() / "queries", "search_attention").sql
    for sql in (search_index._CARRIED, named):
        subquery = sql[sql.index("IN (SELECT e.article_id FROM entries e"):]
        assert "e.article_id IS NOT NULL" in subquery[:subquery.index("e.feed_id)")]


def _doc_sql(feed: str) -> str:
    """docs/search.md "From SQL"'s statement for `--feed politics --articles`, for `feed`."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "search.md").read_text(encoding="utf-8")
    start = text.index("SELECT * FROM search_articles('harbour')")
    return text[start:text.index(";", start)].replace("'politics'", f"'{feed}'")


def test_the_documented_sql_of_feed_finds_what_the_cli_finds(con: duckdb.DuckDBPyConnection) -> None:
    """The feeds with unlinked entries, one carrying others' first sightings: the same articles as `--feed`."""
    for feed in ("politics", "sport"):
        assert {row[0] for row in con.execute(_doc_sql(feed)).fetchall()} == _carried_by({feed}), feed


def test_a_renamed_feeds_old_name_finds_only_what_it_carried_first(config: Path, tmp_path: Path) -> None:
    """docs/polling.md: after politics is renamed pol2 (same URL) its entries move; `--feed pol2` finds all it
    carried, `--feed politics` only its first sightings (their feed_id), both names together each article once."""
    path = tmp_path / "news.duckdb"
    shutil.copyfile(config.parent / "news.duckdb", path)
    store = Warehouse(path)
    feeds = [FeedConfig(feed, f"https://planet.example/{feed}.xml") for feed in FEEDS]
    renamed = [FeedConfig("pol2", feed.url) if feed.name == "politics" else feed for feed in feeds]
    with store.writing() as held, warehouse.transaction(held):
        runs.sync_feeds(held, feeds)
    with store.writing() as held, warehouse.transaction(held):
        renames.follow_renames(held, renamed)
        runs.sync_feeds(held, renamed)
    with store.reading() as held:
        assert _articles(held, {"pol2"}) == _carried_by({"politics"})  # a1 a2 a4 a5
        assert _articles(held, {"politics"}) == {"a2", "a5"}  # its feed_id
        assert _articles(held, {"politics", "pol2"}) == _carried_by({"politics"})
