"""Analyst 47: days in the analyst's time zone (`newsflow search --tz`), docs/search.md "Analyst 47".

`--since`/`--until` and every day and week `--by day|week` counts are the zone's: a story at 23:30 in New York on the
eve of a DST change is that evening's, not the next UTC day's. Checked at the boundaries (DST both ways, +5:30,
+5:45, UTC itself) on one module warehouse, and against zoneinfo's reading of generated instants near local
midnights (a property: CI runs its kept worlds; hunt with NEWSFLOW_SEARCH47_EXAMPLES=200)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, queries, search, warehouse
from newsflow.search import SearchFilters
from newsflow.warehouse import QueryResult, Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.searchsample import Doc, empty_warehouse

MATCH = "Harbour cranes stopped as dockers walked out, the port authority said."
OTHER = "The meadow flowers bloomed early this spring, gardeners said."

# (UTC instant, matches, site): each near a local midnight of some zone
BOUNDARIES = [
    ("2026-03-08 04:30", True, "wire.example"),    # New York 03-07 23:30 EST, the eve of spring forward
    ("2026-03-09 03:30", True, "wire.example"),    # New York 03-08 23:30 EDT, the day of it
    ("2026-11-01 03:30", True, "herald.example"),  # New York 10-31 23:30 EDT, the eve of fall back
    ("2026-11-02 04:30", False, "herald.example"),  # New York 11-01 23:30 EST, the day of it (25 hours)
    ("2026-05-01 18:20", True, "wire.example"),    # Kolkata 05-01 23:50; Kathmandu 05-02 00:05
    ("2026-05-01 18:10", False, "wire.example"),   # Kolkata 05-01 23:40; Kathmandu 05-01 23:55
]


def _store(path: Path, rows: list[tuple[str, bool, str]], stories: list[int] | None = None) -> Warehouse:
    """A warehouse of one article per row, published at its UTC instant (article n in story `stories[n]`)."""
    articles = []
    for n, (at, matching, site) in enumerate(rows):
        story = f"a{stories[n]}" if stories else f"a{n}"
        doc = Doc(f"a{n}", "Harbour strike" if matching else "Spring", MATCH if matching else OTHER, site=site,
                  story=story)
        articles.append(dataclasses.replace(doc.article(), published_at=datetime.fromisoformat(at).replace(
            tzinfo=UTC)))
    store = empty_warehouse(path)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, articles, [], [])
    search.refresh(store)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return _store(tmp_path_factory.mktemp("tz") / "news.duckdb", BOUNDARIES)


def _days(store: Warehouse, tz: str, since: str, until: str, by: str = "day") -> list[tuple[object, ...]]:
    filters = SearchFilters(since=date.fromisoformat(since), until=date.fromisoformat(until), tz=tz)
    return [tuple(row) for row in search.search_attention(store, "harbour", filters, by).rows]


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_an_evening_story_in_new_york_is_that_days_on_the_eve_of_spring_forward(store: Warehouse) -> None:
    """period, stories, articles, outlets, all_articles, share: in UTC both stories are a day later."""
    assert _days(store, "America/New_York", "2026-03-07", "2026-03-09") == [
        (d("2026-03-07"), 1, 1, 1, 1, 1.0), (d("2026-03-08"), 1, 1, 1, 1, 1.0), (d("2026-03-09"), 0, 0, 0, 0, None)]
    assert _days(store, "UTC", "2026-03-07", "2026-03-09") == [
        (d("2026-03-07"), 0, 0, 0, 0, None), (d("2026-03-08"), 1, 1, 1, 1, 1.0), (d("2026-03-09"), 1, 1, 1, 1, 1.0)]


def test_an_evening_story_in_new_york_is_that_days_on_the_eve_of_fall_back(store: Warehouse) -> None:
    assert _days(store, "America/New_York", "2026-10-31", "2026-11-02") == [
        (d("2026-10-31"), 1, 1, 1, 1, 1.0), (d("2026-11-01"), 0, 0, 0, 1, 0.0), (d("2026-11-02"), 0, 0, 0, 0, None)]
    assert _days(store, "UTC", "2026-10-31", "2026-11-02") == [
        (d("2026-10-31"), 0, 0, 0, 0, None), (d("2026-11-01"), 1, 1, 1, 1, 1.0), (d("2026-11-02"), 0, 0, 0, 1, 0.0)]


def test_since_and_until_are_the_zones_days(store: Warehouse) -> None:
    """A single day in New York is 05:00 UTC to 05:00 (04:00 in summer) the next: its stories, all of them."""
    assert _days(store, "America/New_York", "2026-03-08", "2026-03-08") == [(d("2026-03-08"), 1, 1, 1, 1, 1.0)]
    listed = search.search_articles(store, "harbour", SearchFilters(since=d("2026-03-08"), until=d("2026-03-08"),
                                                                    tz="America/New_York"), 10)
    assert [row[0] for row in listed.rows] == ["a1"]
    assert [row[0] for row in search.search_articles(store, "harbour", SearchFilters(
        since=d("2026-03-08"), until=d("2026-03-08")), 10).rows] == ["a0"]


@pytest.mark.parametrize(("tz", "counts"), [
    ("Asia/Kolkata", [(d("2026-05-01"), 1, 1, 1, 2, 0.5), (d("2026-05-02"), 0, 0, 0, 0, None)]),
    ("Asia/Kathmandu", [(d("2026-05-01"), 0, 0, 0, 1, 0.0), (d("2026-05-02"), 1, 1, 1, 1, 1.0)]),
])
def test_a_half_and_three_quarter_hour_offset_parts_the_days_at_its_midnight(
        store: Warehouse, tz: str, counts: list[tuple[object, ...]]) -> None:
    """18:10 and 18:20 UTC: 23:40 and 23:50 in Kolkata (+5:30), 23:55 and 00:05 in Kathmandu (+5:45)."""
    assert _days(store, tz, "2026-05-01", "2026-05-02") == counts


def test_a_week_is_the_zones_monday_to_sunday(store: Warehouse) -> None:
    """Saturday 2026-10-31 23:30 in New York is Sunday 03:30 UTC: the same ISO week either way; Sunday
    2026-11-01 23:30 there is Monday 04:30 UTC, the next week in UTC only (it is the non-matching one: all_articles)."""
    assert _days(store, "America/New_York", "2026-10-26", "2026-11-08", "week") == [
        (d("2026-10-26"), 1, 1, 1, 2, 0.5), (d("2026-11-02"), 0, 0, 0, 0, None)]
    assert _days(store, "UTC", "2026-10-26", "2026-11-08", "week") == [
        (d("2026-10-26"), 1, 1, 1, 1, 1.0), (d("2026-11-02"), 0, 0, 0, 1, 0.0)]


def test_utc_given_is_the_default(store: Warehouse) -> None:
    for by in ("day", "week"):
        given_utc = search.search_attention(store, "harbour", SearchFilters(tz="UTC"), by)
        assert given_utc == search.search_attention(store, "harbour", SearchFilters(), by)


def _named(store: Warehouse, *assignments: str) -> QueryResult:
    query = queries.load_query(sql_root() / "queries", "search_attention")
    return run_read_query(store, query.sql, queries.bind_params(query, ["q=harbour", *assignments]))


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kathmandu"])
def test_the_named_query_counts_the_zones_days_as_the_cli(store: Warehouse, tz: str) -> None:
    for since, until in (("2026-03-07", "2026-03-09"), ("2026-10-31", "2026-11-02"), ("2026-05-01", "2026-05-02")):
        named = _named(store, f"tz={tz}", f"since={since}", f"until={until}").rows
        assert [tuple(row) for row in named] == _days(store, tz, since, until), (since, until)


# --- the CLI ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory, store: Warehouse) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    config = write_config(folder, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    (folder / "warehouse").mkdir(exist_ok=True)
    (folder / "warehouse" / "news.duckdb").write_bytes(store.path.read_bytes())
    return config


def test_the_cli_reads_tz_in_any_case(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "harbour", "--by", "day", "--tz", "america/new_york", "--since", "2026-03-07",
                     "--until", "2026-03-07", "--format", "csv", "--config", str(config)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["period"], r["articles"]) for r in rows] == [("2026-03-07", "1")]


@pytest.mark.parametrize(("zone", "named"), [("America/NewYork", "America/New_York"), ("Mars/Olympus", None),
                                             ("+05:30", None)])
def test_an_unknown_zone_is_one_line_naming_it_and_what_to_give(
        config: Path, capsys: pytest.CaptureFixture[str], zone: str, named: str | None) -> None:
    assert cli.main(["search", "harbour", "--by", "day", "--tz", zone, "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"--tz {zone!r} is not a time zone" in err and "America/New_York" in err and "UTC" in err
    if named:
        assert f"did you mean {named}" in err


# --- a property: the zone's day of generated instants, against zoneinfo ---------------------------------------------

EXAMPLES = int(os.environ.get("NEWSFLOW_SEARCH47_EXAMPLES", "0"))
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham",
         "Australia/Lord_Howe", "Europe/London", "America/Santiago")
SITES = ("wire.example", "herald.example")
START = datetime(2026, 3, 6, tzinfo=UTC)  # spans spring forward in the north (03-08, 03-29), autumn in the south

# an article: (minutes after START, site, story, matches)
World = list[tuple[int, int, int, bool]]
worlds = st.lists(st.tuples(st.integers(0, 60 * 24 * 30), st.integers(0, 1), st.integers(0, 5), st.booleans()),
                  min_size=1, max_size=14)


def _expected(world: World, tz: str, since: date, until: date) -> list[tuple[object, ...]]:
    """Counted by hand with zoneinfo: a copy's day is its instant's date in `tz`; a story in the day of its first
    matching copy; the series from `since` to `until`."""
    zone = ZoneInfo(tz)
    day = [(START + timedelta(minutes=c[0])).astimezone(zone).date() for c in world]
    kept = [n for n in range(len(world)) if since <= day[n] <= until]
    first: dict[int, date] = {}
    for n in kept:
        if world[n][3]:
            first[world[n][2]] = min(first.get(world[n][2], day[n]), day[n])
    stories: dict[date, int] = defaultdict(int)
    for first_day in first.values():
        stories[first_day] += 1
    articles: dict[date, int] = defaultdict(int)
    outlets: dict[date, set[int]] = defaultdict(set)
    collected: dict[date, int] = defaultdict(int)
    for n in kept:
        collected[day[n]] += 1
        if world[n][3]:
            articles[day[n]] += 1
            outlets[day[n]].add(world[n][1])
    rows = []
    for offset in range((until - since).days + 1):
        p = since + timedelta(days=offset)
        share = round(articles[p] / collected[p], 6) if collected[p] else None
        rows.append((p, stories[p], articles[p], len(outlets[p]), collected[p], share))
    return rows


@settings(max_examples=max(EXAMPLES, 1), phases=PHASES, deadline=None)
@example(world=[(60 * 24 * 2 + 60 * 4 + 59, 0, 0, True), (60 * 24 * 2 + 60 * 5, 1, 0, True),
                (60 * 24 * 23 + 60 * 3 + 59, 0, 1, True), (60 * 24 * 23 + 60 * 4, 0, 1, False),
                (60 * 24 * 3 + 60 * 3 + 29, 1, 2, False), (60 * 24 * 3 + 60 * 3 + 30, 1, 2, True)])
@given(world=worlds)
def test_every_zones_days_match_zoneinfos_reading_of_the_instants(
        tmp_path_factory: pytest.TempPathFactory, world: World) -> None:
    """One warehouse per world, asked in every zone (its cost in CI); `since`/`until` span the whole month."""
    rows = [((START + timedelta(minutes=c[0])).strftime("%Y-%m-%d %H:%M"), c[3], SITES[c[1]]) for c in world]
    store = _store(tmp_path_factory.mktemp("w") / "news.duckdb", rows, [c[2] for c in world])
    since, until = d("2026-03-05"), d("2026-04-06")
    for tz in ZONES:
        filters = SearchFilters(since=since, until=until, tz=tz)
        got = [tuple(r) for r in search.search_attention(store, "harbour", filters, "day").rows]
        assert got == _expected(world, tz, since, until), tz
