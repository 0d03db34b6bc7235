"""Analyst 51: what analysts 49 and 50 left (docs/search.md, "Analyst 51"): `search_attention`'s feed and language
taking several values and refusing a value of commas alone (`site=,` read as every site), and the reading commands
agreeing on days and formats: `stories`, `export` and a named query's date `--param` take `today`, `7d`, ... as
`search` does, `stories` takes `--tz` and `--format spreadsheet`.

Analyst 50's module warehouse (syndicated copies and a Vietnamese title), in-process `cli.main` calls."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newsflow import cli, queries, search
from tests.searchsample import TODAY, store_docs
from tests.test_search_analyst50 import DOCS


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = store_docs(tmp_path_factory.mktemp("a51") / "news.duckdb", DOCS)
    search.refresh(store)
    path = store.path.parent / "newsflow.toml"
    path.write_text(f"[warehouse]\npath = {str(store.path)!r}\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str, code: int = 0) -> tuple[str, str]:
    assert cli.main([*argv, "--config", str(config)]) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _counts(text: str) -> list[tuple[str, ...]]:
    return [(row["period"], row["stories"], row["articles"], row["all_articles"]) for row in _rows(text)]


def test_search_attention_takes_several_feeds_and_languages_as_the_cli_does(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `feed=wire,gazette` and `language=en,de` matched no article (a feed or code with a comma): an empty
    series and nothing said. Now either of them, the same counts as `newsflow search --by day` given each twice."""
    csv_out = ("--format", "csv")
    named, _ = _run(capsys, config, "query", "search_attention", "--param", "q=harbour",
                    "--param", "feed=wire, gazette", *csv_out)
    by_day, _ = _run(capsys, config, "search", "harbour", "--by", "day", "--feed", "wire", "--feed", "gazette",
                     *csv_out)
    assert _counts(named) == _counts(by_day)
    assert sum(int(row["articles"]) for row in _rows(named)) == 2  # w1 (wire), w4 (gazette)
    named, _ = _run(capsys, config, "query", "search_attention", "--param", "q=harbour",
                    "--param", "language=de,Unknown", *csv_out)
    by_day, _ = _run(capsys, config, "search", "harbour", "--by", "day", "--language", "de", "--language", "unknown",
                     *csv_out)
    assert _counts(named) == _counts(by_day)
    assert sum(int(row["articles"]) for row in _rows(named)) == 2  # d1 (de), n1 (no language)


@pytest.mark.parametrize(("param", "what"), [("site=,", "site"), ("feed= , ", "feed"), ("language=,", "language")])
def test_a_filter_of_commas_alone_is_refused(
        config: Path, capsys: pytest.CaptureFixture[str], param: str, what: str) -> None:
    """Before: `site=,` was read as no site (every site): the whole warehouse's counts for an outlet's. Now one
    line naming the parameter and what to give, exit 2."""
    _, err = _run(capsys, config, "query", "search_attention", "--param", "q=harbour", "--param", param, code=2)
    assert f"names no {what}: give one or several comma-separated" in err and err.count("\n") == 1, err


def test_stories_export_and_named_queries_take_relative_days(
        config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Before: `newsflow stories --since 2d`, `export --since 2d` and `--param since=2d` were refused (`'2d' is not a
    date`), though `newsflow search --since 2d` took it. Now each says the date it read and finds what that date
    finds; a bad form is one line naming the option, as search's."""
    out, err = _run(capsys, config, "stories", "--since", "2d", "--format", "csv")
    assert err.startswith("newsflow: --since 2d is ") and err.endswith(" in UTC\n") and err.count("\n") == 1
    day = err.split(" is ")[1].split()[0]
    dated, _ = _run(capsys, config, "stories", "--since", day, "--format", "csv")
    assert out == dated and 0 < len(_rows(out)) < len(DOCS)
    _, err = _run(capsys, config, "export", str(tmp_path / "relative"), "--format", "csv", "--since", "2d")
    assert err == f"newsflow: --since 2d is {day} in UTC\n"
    _run(capsys, config, "export", str(tmp_path / "dated"), "--format", "csv", "--since", day)
    relative = (tmp_path / "relative" / "articles.csv").read_text(encoding="utf-8")
    assert relative == (tmp_path / "dated" / "articles.csv").read_text(encoding="utf-8") and "Hà Nội" in relative
    out, err = _run(capsys, config, "query", "search_attention", "--param", "q=harbour", "--param", "since=2d",
                    "--param", "until=today", "--format", "csv")
    assert err.startswith(f"newsflow: --param since=2d is {day} in UTC\nnewsflow: --param until=today is ")
    assert _rows(out)[0]["period"] == day
    for argv in (["stories", "--since", "last week"], ["export", str(tmp_path), "--since", "last week"]):
        with pytest.raises(SystemExit) as stop:
            cli.main([*argv, "--config", str(config)])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and "argument --since: 'last week' is not a date like 2026-11-24, today" in err
    _, err = _run(capsys, config, "query", "stories", "--param", "since=last week", code=2)
    assert "--param since expects a date like 2026-11-24, today, yesterday, 7d" in err and err.count("\n") == 1


def test_a_named_querys_relative_day_is_its_tz_parameters_day() -> None:
    """20:00 UTC on 6 December is already the 7th in Tokyo: `since=7d` with `tz=asia/tokyo` is 30 November; a query
    without tz (or tz left UTC) reads it in UTC; a zone Python's tz database lacks is refused."""
    attention = queries.load_query(cli.sql_root() / "queries", "search_attention")
    now = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    tokyo = queries.bind(attention, ["since=7d", "tz=asia/tokyo"], now)
    assert tokyo.values["since"] == date(2026, 11, 30)
    assert tokyo.said == ("--param since=7d is 2026-11-30 in Asia/Tokyo",)
    assert queries.bind(attention, ["until=Today"], now).values["until"] == date(2026, 12, 6)
    assert queries.bind(attention, ["since=2026-11-01"], now).said == ()
    with pytest.raises(queries.NamedQueryError, match="is a day in tz 'Mars/Olympus'"):
        queries.bind(attention, ["since=1w", "tz=Mars/Olympus"], now)


def test_stories_takes_tz_and_the_spreadsheet_format(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `stories --format spreadsheet` was refused and its --since was compared at the session's midnight.
    10:00 UTC two days ago is midnight yesterday at Kiritimati (+14): `--since yesterday --tz Pacific/Kiritimati`
    takes those stories, UTC's yesterday does not. Its times are the zone's (they were UTC's); the spreadsheet has the
    mark and the zone's wall clock."""
    yesterday = (TODAY - timedelta(days=1)).date().isoformat()
    utc, _ = _run(capsys, config, "stories", "--since", yesterday, "--format", "csv")
    kiritimati, _ = _run(capsys, config, "stories", "--since", yesterday, "--tz", "pacific/kiritimati",
                         "--format", "csv")
    assert {r["story_id"] for r in _rows(kiritimati)} - {r["story_id"] for r in _rows(utc)} == {"d1", "h1"}
    _, err = _run(capsys, config, "stories", "--tz", "America/NewYork", code=2)
    assert err.startswith("newsflow: --tz 'America/NewYork' is not a time zone; did you mean America/New_York")
    out, _ = _run(capsys, config, "stories", "--format", "spreadsheet", "--tz", "Asia/Tokyo")
    assert out.startswith("\ufeffstory_id,title,outlets,")  # the times are the zone's, as search --tz prints them
    first = {row["story_id"]: row["first_published_at"] for row in _rows(out)}["h1"]
    assert first == f"{TODAY - timedelta(days=2) + timedelta(hours=19):%Y-%m-%d %H:%M:%S}"  # 10:00 UTC, 19:00 Tokyo
    out, _ = _run(capsys, config, "stories", "--format", "csv", "--tz", "Asia/Tokyo")
    assert {row["story_id"]: row["first_published_at"] for row in _rows(out)}["h1"].endswith("19:00:00+09:00")


def test_export_says_where_a_spreadsheet_comes_from(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`export --format spreadsheet` (as search's and query's) was argparse's bare `invalid choice`."""
    with pytest.raises(SystemExit) as stop:
        cli.main(["export", "out", "--format", "spreadsheet", "--config", str(config)])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1
    assert "export writes parquet, csv or jsonl files for other tools; for a spreadsheet" in err
    assert "--format spreadsheet > articles.csv" in err


def test_stories_reads_the_configs_zone_and_prints_an_icu_only_zones_times(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review of analyst 51: `stories` without --tz takes `[search] tz` (as `search` does; no test held it), and a
    zone DuckDB's ICU knows but Python's tz database lacks (`JST`, `IST`, `PST`: 40 of them, and `search --tz JST`
    takes them) printed its times in UTC, so the spreadsheet's wall clock was UTC's under the analyst's zone."""
    yesterday = (TODAY - timedelta(days=1)).date().isoformat()
    kiritimati = config.parent / "kiritimati.toml"
    kiritimati.write_text(config.read_text(encoding="utf-8") + '[search]\ntz = "Pacific/Kiritimati"\n',
                          encoding="utf-8")
    by_config, _ = _run(capsys, kiritimati, "stories", "--since", yesterday, "--format", "csv")
    by_flag, _ = _run(capsys, config, "stories", "--since", yesterday, "--tz", "Pacific/Kiritimati", "--format", "csv")
    assert by_config == by_flag and {"d1", "h1"} <= {r["story_id"] for r in _rows(by_config)}
    out, _ = _run(capsys, config, "stories", "--format", "spreadsheet", "--tz", "JST")
    first = {row["story_id"]: row["first_published_at"] for row in _rows(out)}["h1"]
    assert first == f"{TODAY - timedelta(days=2) + timedelta(hours=19):%Y-%m-%d %H:%M:%S}"  # 10:00 UTC, 19:00 JST


@pytest.mark.parametrize("name", ["feed", "language"])
def test_feed_or_language_given_twice_is_told_the_comma_separated_form(name: str) -> None:
    """Review of analyst 51: docs/search.md promised that a second `--param feed=` (or `language=`) is refused with
    `feed=a,b`, as `site`'s; no test held it (the advice hangs on the parameter's help saying "comma-separated")."""
    attention = queries.load_query(cli.sql_root() / "queries", "search_attention")
    with pytest.raises(queries.NamedQueryError, match=f"several as one comma-separated: {name}=a,b$"):
        queries.bind(attention, [f"{name}=a", f"{name}= b"])
