"""Named queries: every shipped query parses, runs on a real warehouse and returns what it promises."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsflow import cli, queries, search
from newsflow.warehouse import QueryResult, Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.samplewarehouse import build_sample_warehouse

QUERIES_DIR = sql_root() / "queries"
SHIPPED = [q.name for q in queries.list_queries(QUERIES_DIR)]
SAMPLE_PARAMS = {"search_attention": ["q=wire"]}  # a word of the sample's texts (the default's is not)


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries")
    path = write_config(folder, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    search.refresh(build_sample_warehouse(folder / "warehouse" / "news.duckdb"))  # for search_attention
    return path


@pytest.fixture(scope="module")
def store(config_path: Path) -> Warehouse:
    return Warehouse(config_path.parent / "warehouse" / "news.duckdb")


def run_named(store: Warehouse, name: str, *assignments: str) -> QueryResult:
    query = queries.load_query(QUERIES_DIR, name)
    return run_read_query(store, query.sql, queries.bind_params(query, assignments))


def as_dicts(result: QueryResult) -> list[dict[str, object]]:
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def test_at_least_eight_queries_ship_each_with_a_title_description_and_columns() -> None:
    assert len(SHIPPED) >= 8
    for query in queries.list_queries(QUERIES_DIR):
        assert query.title and query.description and query.columns, query.name


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_query_runs_and_returns_the_columns_its_header_promises(store: Warehouse, name: str) -> None:
    query = queries.load_query(QUERIES_DIR, name)
    result = run_named(store, name, *SAMPLE_PARAMS.get(name, []))
    assert result.columns == list(query.columns)
    assert result.rows, f"{name} returned no rows on the sample warehouse"


def test_top_stories_ranks_the_wire_story_carried_by_three_outlets_first(store: Warehouse) -> None:
    rows = as_dicts(run_named(store, "top_stories", "min_sources=2"))
    assert [(r["story_id"], r["sources"]) for r in rows] == [("p-wire", 3), ("g-flood", 2)]
    assert rows[0]["title"] == "Title p-wire"
    assert rows[0]["source_list"] == "gazette.example, planet.example, tageblatt.example"  # outlets: hosts (0104)


def test_first_to_break_credits_the_outlet_that_published_first(store: Warehouse) -> None:
    rows = {r["source"]: r for r in as_dicts(run_named(store, "first_to_break"))}
    assert rows["planet.example"]["stories_broken"] == 1 and rows["gazette.example"]["stories_broken"] == 1
    assert rows["tageblatt.example"]["stories_broken"] == 0 and rows["tageblatt.example"]["stories_carried"] == 1


def test_latency_by_source_reports_medians_from_first_sight(store: Warehouse) -> None:
    rows = {r["source"]: r["median_latency_s"] for r in as_dicts(run_named(store, "latency_by_source"))}
    assert rows == {"planet.example": 1200.0, "gazette.example": 2700.0, "tageblatt.example": 10800.0}


def test_language_mix_and_busiest_hours(store: Warehouse) -> None:
    languages = {r["language"]: (r["articles"], r["share"]) for r in as_dicts(run_named(store, "language_mix"))}
    assert languages == {"en": (8, 0.8), "de": (2, 0.2)}
    utc = as_dicts(run_named(store, "busiest_hours"))
    assert (utc[0]["hour"], utc[0]["articles"]) == (14, 4)
    tokyo = as_dicts(run_named(store, "busiest_hours", "tz=Asia/Tokyo"))
    assert (tokyo[0]["hour"], tokyo[0]["articles"]) == (23, 4), "the tz parameter shifts the hours"


def test_silent_feeds_lists_the_quiet_and_the_dead_feed(store: Warehouse) -> None:
    rows = as_dicts(run_named(store, "silent_feeds"))
    assert [r["feed_id"] for r in rows] == ["dead", "quiet"]
    assert rows[0]["last_new_item_at"] is None and rows[0]["last_status"] == "soft"
    assert run_named(store, "silent_feeds", "hours=1000").rows[0][0] == "dead"


def test_authors_duplicates_and_failures(store: Warehouse) -> None:
    authors = {r["source"]: r for r in as_dicts(run_named(store, "authors_per_source"))}
    assert (authors["planet.example"]["authors"], authors["planet.example"]["without_author"]) == (3, 1)
    assert str(authors["planet.example"]["top_authors"]).startswith("Ann Lee; ")
    duplicates = {r["source"]: r for r in as_dicts(run_named(store, "duplicates_per_source"))}
    assert (duplicates["planet.example"]["copies"], duplicates["planet.example"]["repeat_items"]) == (1, 1)
    assert duplicates["tageblatt.example"]["copy_share"] == 0.5
    failures = {(r["feed_id"], r["outcome"]): r["failures"] for r in as_dicts(run_named(store, "feed_failures"))}
    assert failures == {("dead", "http_error"): 2, ("gazette", "timeout"): 1, ("planet", "extract_empty"): 1}


def test_bind_params_converts_to_the_default_type_and_names_bad_input() -> None:
    query = queries.parse_query("q", "-- title: T\n-- param: n = 3\n-- param: x = 0.5\n-- param: d = 2026-01-31\n"
                                "-- param: s = 'a b'  (help)\nSELECT $n, $x, $d, $s")
    assert queries.bind_params(query, []) == {"n": 3, "x": 0.5, "d": date(2026, 1, 31), "s": "a b"}
    bound = queries.bind_params(query, ["n=7", "x=2", "d=2025-12-01", "s=hello=world"])
    assert bound == {"n": 7, "x": 2.0, "d": date(2025, 12, 1), "s": "hello=world"}
    with pytest.raises(queries.NamedQueryError, match=r"no parameter 'limit'.*n, x, d, s"):
        queries.bind_params(query, ["limit=3"])
    with pytest.raises(queries.NamedQueryError, match="--param n expects int"):
        queries.bind_params(query, ["n=seven"])


@pytest.mark.parametrize(("text", "problem"), [
    ("SELECT 1", "no `-- title:`"),
    ("-- title: T\n-- param: days = 7\nSELECT 1", "days is never used"),
    ("-- title: T\nSELECT $days", r"\$days not declared"),
])
def test_bad_headers_are_refused(text: str, problem: str) -> None:
    with pytest.raises(queries.NamedQueryError, match=problem):
        queries.parse_query("bad", text)


def test_cli_runs_a_named_query_with_params_and_lists_them(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["query", "top_stories", "--param", "limit=1", "--format", "json",
                     "--config", str(config_path)]) == 0
    assert [r["story_id"] for r in json.loads(capsys.readouterr().out)] == ["p-wire"]
    assert cli.main(["query", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in SHIPPED) and "days=7 (int)" in listing
    assert cli.main(["query", "SELECT count(*) AS n FROM articles", "--config", str(config_path)]) == 0
    assert "10" in capsys.readouterr().out, "plain SQL keeps working"


@pytest.mark.parametrize(("args", "message"), [
    (["query", "top_storys"], "no named query 'top_storys'"),
    (["query", "top_stories", "--param", "dayz=3"], "has no parameter 'dayz'"),
    (["query", "SELECT 1", "--param", "days=3"], "--param applies to named queries only"),
])
def test_cli_query_usage_errors_exit_2_with_one_line(
    config_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.main([*args, "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
