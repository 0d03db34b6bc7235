"""Analyst 45: what a researcher's attention question gets from `newsflow search --by day|week`
(docs/search.md, "Analyst 45"): per period, besides the matching stories and articles, the outlets that ran a
match, every article collected in that period under the same filters (`all_articles`, the query aside) and the
matches' share of them (`share`, Media Cloud's "% of stories"); empty, not 0, for a period with nothing collected.

Checked against a brute-force count over generated worlds of syndicated copies (a property: CI runs a few worlds
and the kept ones; hunt with NEWSFLOW_SEARCH45_EXAMPLES=200), and through the CLI's CSV and chart."""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from tests.conftest import write_config
from tests.searchsample import TODAY, Doc, store_docs

EXAMPLES = int(os.environ.get("NEWSFLOW_SEARCH45_EXAMPLES", "4"))
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


def _expected(world: list[Copy], by: str) -> list[tuple[date, int, int, int, int, float | None]]:
    """The answer counted by hand: a story in the period of its first matching copy, every copy in its own."""
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
    lo, hi = min(_period(day_of[n], by) for n in matches), max(_period(day_of[n], by) for n in matches)
    step = timedelta(days=7 if by == "week" else 1)
    rows = []
    period = lo
    while period <= hi:
        total = collected[period]
        rows.append((period, stories[period], articles[period], len(outlets[period]), total,
                     round(articles[period] / total, 6) if total else None))
        period += step
    return rows


COPIES = st.tuples(st.integers(0, 20), st.integers(0, len(SITES) - 1), st.integers(0, 5), st.booleans())


@settings(max_examples=EXAMPLES, deadline=None)
@given(world=st.lists(COPIES, min_size=1, max_size=25), by=st.sampled_from(["day", "week"]))
@example(world=[(6, 0, 0, True), (5, 1, 0, True), (5, 2, 0, True), (5, 0, 1, False), (2, 1, 2, True)], by="day")
@example(world=[(9, 0, 0, True), (1, 1, 0, True), (4, 2, 1, False)], by="week")
def test_attention_per_period_counts_stories_copies_outlets_and_the_share_of_all_collected(
        tmp_path_factory: pytest.TempPathFactory, world: list[Copy], by: str) -> None:
    store = store_docs(tmp_path_factory.mktemp("w") / "news.duckdb", _docs(world))
    search.refresh(store)
    result = search.search_attention(store, "harbour", SearchFilters(), by)
    assert result.columns == ["period", "stories", "articles", "outlets", "all_articles", "share"]
    assert [tuple(row) for row in result.rows] == _expected(world, by)


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
