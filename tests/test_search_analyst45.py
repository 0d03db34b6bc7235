"""Analyst 45: what a researcher's attention question gets from `newsflow search --by day|week`
(docs/search.md, "Analyst 45"): per period, besides the matching stories and articles, the outlets that ran a
match, every article collected in that period under the same filters (`all_articles`, the query aside) and the
matches' share of them (`share`, Media Cloud's "% of stories"); empty, not 0, for a period with nothing collected.

Checked against a brute-force count over generated worlds of syndicated copies (a property: CI runs
its kept worlds only; hunt with NEWSFLOW_SEARCH45_EXAMPLES=200), and through the CLI's CSV and chart."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, queries, search, warehouse
from newsflow.search import SearchFilters
from newsflow.warehouse import QueryResult, Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.searchsample import TODAY, Doc, empty_warehouse, store_docs

# CI runs the kept worlds only (a world costs ~1 s: a warehouse loaded, indexed and asked three times).
EXAMPLES = int(os.environ.get("NEWSFLOW_SEARCH45_EXAMPLES", "0"))
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))
SITES = ("wire.example", "herald.example", "www.gazette.example")
MATCH = "Harbour cranes stopped as dockers walked out, the port authority said."
OTHER = "The meadow flowers bloomed early this spring, gardeners said."

# A copy: (days ago, site index, story number, matches the query)
Copy = tuple[int, int, int, bool]


def _docs(world: list[Copy]) -> list[Doc]:
    firsts: dict[int, str] = {}
    docs = []
    for number, (days_ago, site, story, matching) in enumerate(world):
        slug = f"a{number}"
        docs.append(Doc(slug, "Harbour strike" if matching else "Spring", MATCH if matching else OTHER,
                        site=SITES[site], days_ago=days_ago, story=firsts.setdefault(story, slug),
                        feed=f"feed{site}"))
    return docs


def _period(day: date, by: str) -> date:
    return day - timedelta(days=day.weekday()) if by == "week" else day


def _expected(world: list[Copy], by: str) -> list[tuple[object, ...]]:
    """The answer counted by hand: a story in the period (at the site) of its first matching copy, every copy in
    its own; a series from the first match to the last period anything was collected in."""
    if by == "source":
        return _expected_by_source(world)
    day_of = {n: (TODAY - timedelta(days=c[0])).date() for n, c in enumerate(world)}
    matches = [n for n, c in enumerate(world) if c[3]]
    if not matches:
        return []
    first_of: dict[int, date] = {}
    for n in matches:
        story = world[n][2]
        first_of[story] = min(first_of.get(story, day_of[n]), day_of[n])
    stories: dict[date, int] = defaultdict(int)
    for first in first_of.values():
        stories[_period(first, by)] += 1
    articles: dict[date, int] = defaultdict(int)
    outlets: dict[date, set[str]] = defaultdict(set)
    for n in matches:
        articles[_period(day_of[n], by)] += 1
        outlets[_period(day_of[n], by)].add(SITES[world[n][1]].removeprefix("www."))
    collected: dict[date, int] = defaultdict(int)
    for n in range(len(world)):
        collected[_period(day_of[n], by)] += 1
    # to the last period anything was collected in, not past today's (a feed dating an article in the future), or
    # to a later match's
    today = _period(TODAY.date(), by)
    lo = min(_period(day_of[n], by) for n in matches)
    hi = max([p for p in collected if p <= today] + [_period(day_of[n], by) for n in matches])
    step = timedelta(days=7 if by == "week" else 1)
    rows: list[tuple[object, ...]] = []
    period = lo
    while period <= hi:
        total = collected[period]
        rows.append((period, stories[period], articles[period], len(outlets[period]), total,
                     round(articles[period] / total, 6) if total else None))
        period += step
    return rows


def _expected_by_source(world: list[Copy]) -> list[tuple[object, ...]]:
    site_of = [SITES[c[1]].removeprefix("www.") for c in world]
    rows = []
    for site in sorted(set(site_of)):
        matching = [c for c, s in zip(world, site_of, strict=True) if s == site and c[3]]
        if matching:
            articles, total = len(matching), site_of.count(site)
            rows.append((site, len({c[2] for c in matching}), articles, total, round(articles / total, 6)))
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))


# Days ago from -3: feeds date articles in the future (the series' end must not follow them); an article is dated
# at 10:00, and days, not instants, are compared with today, so today's is the same before and after 10:00.
COPIES = st.tuples(st.integers(-3, 20), st.integers(0, len(SITES) - 1), st.integers(0, 5), st.booleans())


@settings(max_examples=max(EXAMPLES, 1), deadline=None, phases=PHASES)
@given(world=st.lists(COPIES, min_size=1, max_size=25))
# syndicated copies, a day without a match, 0s after the last to the last day collected, not to the future article
@example(world=[(6, 0, 0, True), (5, 1, 0, True), (5, 2, 0, True), (5, 0, 1, False), (3, 1, 2, True),
                (1, 2, 3, False), (-2, 0, 4, False)])
@example(world=[(9, 0, 0, True), (1, 1, 0, True), (4, 2, 1, False), (-3, 2, 0, True)])  # a match dated in the future
def test_attention_per_period_and_source_counts_stories_copies_outlets_and_the_share_of_all_collected(
        tmp_path_factory: pytest.TempPathFactory, world: list[Copy]) -> None:
    """Every `by` of one world (a warehouse loaded and indexed once: the test's cost in CI)."""
    store = store_docs(tmp_path_factory.mktemp("w") / "news.duckdb", _docs(world))
    search.refresh(store)
    for by in ("day", "week", "source"):
        result = search.search_attention(store, "harbour", SearchFilters(), by)
        assert result.columns == (["source", "stories", "articles"] if by == "source" else
                                  ["period", "stories", "articles", "outlets"]) + ["all_articles", "share"]
        assert [tuple(row) for row in result.rows] == _expected(world, by), by
        if by != "source":  # the named query gives SQL users the same series
            assert [tuple(row) for row in _named_query(store, "harbour", by).rows] == _expected(world, by), by


def _named_query(store: Warehouse, text: str, unit: str, *assignments: str) -> QueryResult:
    query = queries.load_query(sql_root() / "queries", "search_attention")
    return run_read_query(store, query.sql, queries.bind_params(query, [f"q={text}", f"unit={unit}", *assignments]))


SYNDICATED = [(3, 0, 0, True), (3, 1, 0, True), (3, 2, 0, True), (3, 0, 1, False), (3, 1, 2, False),
              (1, 0, 0, True), (1, 0, 3, False)]  # 3 outlets run one wire story, then the wire reruns it; day 2 empty


@pytest.fixture
def config(tmp_path: Path) -> Path:
    config = write_config(tmp_path, "http://127.0.0.1:9", {"feed0": "/feed.xml"})
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", _docs(SYNDICATED))
    search.refresh(store)
    return config


def test_a_day_with_nothing_collected_has_no_share_and_a_day_without_matches_a_zero(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CSV an analyst charts: one row per day, a 0 where nothing matched; a day when nothing at all was
    collected (newsflow not running) says so with an empty share, not a 0% of attention."""
    assert cli.main(["search", "harbour", "--by", "day", "--format", "csv", "--config", str(config)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    days = [(TODAY - timedelta(days=n)).date().isoformat() for n in (3, 2, 1)]
    assert [row["period"] for row in rows] == days
    assert [(r["stories"], r["articles"], r["outlets"], r["all_articles"], r["share"]) for r in rows] == [
        ("1", "3", "3", "5", "0.6"), ("0", "0", "0", "0", ""), ("0", "1", "1", "2", "0.5")]


def test_the_share_counts_only_what_the_filters_take(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --site (or --feed, --language) the denominator is that outlet's articles, not the warehouse's."""
    assert cli.main(["search", "harbour", "--by", "day", "--site", "wire.example", "--format", "csv",
                     "--config", str(config)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["articles"], r["all_articles"], r["share"]) for r in rows] == [("1", "2", "0.5"), ("0", "0", ""),
                                                                              ("1", "2", "0.5")]


def test_the_chart_shows_each_days_share(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "harbour", "--by", "day", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "share of all articles" in lines[0]
    assert lines[1].endswith(" 1 (3) 60.0%") and lines[2].endswith(" 0 (0) -") and lines[3].endswith(" 0 (1) 50.0%")


def test_two_queries_series_list_the_same_days_to_the_last_collected(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An analyst comparing two queries charts their CSVs side by side: without --until each runs to the last day
    anything was collected (under the filters), the days after a query's last match a 0, not missing (before, each
    series stopped at its own last match: harbour's 4 days ago, meadow's yesterday)."""
    config = write_config(tmp_path, "http://127.0.0.1:9", {"feed0": "/feed.xml"})
    world = [(4, 0, 0, True), (4, 1, 1, False), (1, 2, 2, False)]
    search.refresh(store_docs(tmp_path / "warehouse" / "news.duckdb", _docs(world)))
    since = (TODAY - timedelta(days=5)).date().isoformat()
    series = []
    for query in ("harbour", "meadow"):
        assert cli.main(["search", query, "--by", "day", "--since", since, "--format", "csv",
                         "--config", str(config)]) == 0
        series.append([(r["period"], r["articles"]) for r in csv.DictReader(io.StringIO(capsys.readouterr().out))])
    days = [(TODAY - timedelta(days=n)).date().isoformat() for n in (5, 4, 3, 2, 1)]
    assert series[0] == list(zip(days, ["0", "1", "0", "0", "0"], strict=True))
    assert series[1] == list(zip(days, ["0", "1", "0", "0", "1"], strict=True))


def test_attention_by_language_gives_each_languages_share(tmp_path: Path) -> None:
    docs = [Doc("en1", "Harbour strike", MATCH, days_ago=2), Doc("en2", "Spring", OTHER, days_ago=2),
            Doc("de1", "Hafen", "Der Harbour-Streik legte den Hafen lahm.", language="de", days_ago=2),
            Doc("none", "Harbour", MATCH, language=None, days_ago=1)]
    store = store_docs(tmp_path / "news.duckdb", docs)
    search.refresh(store)
    result = search.search_attention(store, "harbour", SearchFilters(), "language")
    assert result.columns == ["language", "stories", "articles", "all_articles", "share"]
    assert result.rows == [("de", 1, 1, 1, 1.0), ("en", 1, 1, 2, 0.5), ("unknown", 1, 1, 1, 1.0)]


def test_the_named_query_and_the_cli_agree_on_a_range_given(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`newsflow query search_attention` with since and until: the CLI's rows, the range's every day listed."""
    since, until = ((TODAY - timedelta(days=n)).date().isoformat() for n in (6, 2))
    assert cli.main(["search", "harbour", "--by", "day", "--since", since, "--until", until, "--format", "json",
                     "--config", str(config)]) == 0
    from_cli = capsys.readouterr().out
    assert cli.main(["query", "search_attention", "--param", "q=harbour", "--param", f"since={since}",
                     "--param", f"until={until}", "--format", "json", "--config", str(config)]) == 0
    assert capsys.readouterr().out == from_cli
    assert from_cli.count('"period"') == 5 and '"share": null' in from_cli


def test_a_day_is_the_utc_day_on_either_side_of_midnight_and_of_1970(tmp_path: Path) -> None:
    """The totals count days as numbers (floored, `_DAY_NUMBER`): an article a microsecond before midnight is the
    day before, also before 1970, where integer division rounds the other way."""
    instants = ["1969-12-31 23:59:59.999999", "1970-01-01 00:00:00", "2026-03-01 23:59:59.999999",
                "2026-03-02 00:00:00"]
    articles = [dataclasses.replace(Doc(f"a{n}", "News", MATCH if n % 2 else OTHER).article(),
                                    published_at=datetime.fromisoformat(at).replace(tzinfo=UTC))
                for n, at in enumerate(instants)]
    store = empty_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, articles, [], [])
    search.refresh(store)
    filters = SearchFilters(since=date(1969, 12, 31), until=date(1970, 1, 1))
    assert [tuple(r) for r in search.search_attention(store, "harbour", filters, "day").rows] == [
        (date(1969, 12, 31), 0, 0, 0, 1, 0.0), (date(1970, 1, 1), 1, 1, 1, 1, 1.0)]
    filters = SearchFilters(since=date(2026, 3, 1), until=date(2026, 3, 2))
    assert [r[4:] for r in search.search_attention(store, "harbour", filters, "day").rows] == [(1, 0.0), (1, 1.0)]


def test_the_totals_under_site_take_its_subdomains_and_www(tmp_path: Path) -> None:
    """With --site the totals are counted per URL authority and the site tested per group (review of Analyst 45):
    a site's subdomains and `www.` still count, in every `by`."""
    store = store_docs(tmp_path / "news.duckdb", _docs(SYNDICATED))
    search.refresh(store)
    for by in ("day", "source", "language"):  # every site here is a subdomain of `example`
        whole = search.search_attention(store, "harbour", SearchFilters(), by).rows
        assert search.search_attention(store, "harbour", SearchFilters(site="example"), by).rows == whole, by
    gazette = search.search_attention(store, "harbour", SearchFilters(site="gazette.example"), "source").rows
    assert gazette == [("gazette.example", 1, 1, 1, 1.0)]
