"""Analyst 48: a config default for `newsflow search`'s time zone (`[search] tz`), docs/search.md "Analyst 48".

An analyst in New York sets `tz = "America/New_York"` once instead of typing `--tz` on every search; an explicit
`--tz` wins (`--tz UTC` still means UTC). The zone is checked when the config loads, as `schedule.timezone` is.
One tiny module warehouse (analyst 47's `_store`), in-process `cli.main` calls."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from newsflow import cli, configzones
from newsflow.cli_search import config_zone_problem
from newsflow.config import load_config
from newsflow.errors import ConfigError
from newsflow.warehouse import Warehouse
from tests.test_search_analyst47 import _store

# 23:30 in New York on 03-07 and 03-08 (EST, then EDT): in UTC the next days, 03-08 and 03-09
ROWS = [("2026-03-08 04:30", True, "wire.example"), ("2026-03-09 03:30", True, "wire.example")]
NEW_YORK_DAYS = [("2026-03-07", "1"), ("2026-03-08", "1"), ("2026-03-09", "0")]
UTC_DAYS = [("2026-03-07", "0"), ("2026-03-08", "1"), ("2026-03-09", "1")]
BY_DAY = ["search", "harbour", "--by", "day", "--since", "2026-03-07", "--until", "2026-03-09", "--format", "csv"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return _store(tmp_path_factory.mktemp("tz48") / "news.duckdb", ROWS)


def _config(folder: Path, store: Warehouse, search: str = "") -> Path:
    """A config on the module warehouse, with `search` as its [search] section's body ("": no section)."""
    folder.mkdir(exist_ok=True)
    path = folder / "newsflow.toml"
    text = f"[warehouse]\npath = {str(store.path)!r}\n"
    path.write_text(text + (f"\n[search]\n{search}\n" if search else ""), encoding="utf-8")
    return path


def _days(capsys: pytest.CaptureFixture[str], *argv: str) -> list[tuple[str, str]]:
    assert cli.main([*BY_DAY, *argv]) == 0
    return [(row["period"], row["articles"]) for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]


def test_the_configs_zone_makes_the_days_as_tz_does(
        tmp_path: Path, store: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    """No --tz: the config's zone; the same output, byte for byte, as --tz with no zone in the config."""
    new_york = _config(tmp_path, store, 'tz = "America/New_York"')
    assert _days(capsys, "--config", str(new_york)) == NEW_YORK_DAYS
    assert cli.main([*BY_DAY, "--config", str(new_york)]) == 0
    from_config = capsys.readouterr().out
    plain = _config(tmp_path / "plain", store)
    assert cli.main([*BY_DAY, "--tz", "America/New_York", "--config", str(plain)]) == 0
    assert capsys.readouterr().out == from_config
    assert _days(capsys, "--config", str(plain)) == UTC_DAYS  # no [search]: UTC, as before


def test_an_explicit_tz_wins_over_the_configs_both_ways(
        tmp_path: Path, store: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    new_york = _config(tmp_path, store, 'tz = "America/New_York"')
    assert _days(capsys, "--tz", "UTC", "--config", str(new_york)) == UTC_DAYS
    utc = _config(tmp_path / "utc", store, 'tz = "UTC"')
    assert _days(capsys, "--tz", "america/new_york", "--config", str(utc)) == NEW_YORK_DAYS


def test_the_configs_zone_is_read_in_any_case_and_kept_as_the_tz_database_spells_it(
        tmp_path: Path, store: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, store, 'tz = "america/NEW_YORK"')
    assert load_config(path).search.tz == "America/New_York"
    assert _days(capsys, "--config", str(path)) == NEW_YORK_DAYS
    assert load_config(_config(tmp_path / "plain", store)).search.tz == "UTC"


def test_utc_reads_no_zone_files(tmp_path: Path, store: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default costs nothing: the ~600 zone files are read only for another zone (docs/search.md)."""
    def unread() -> set[str]:
        raise AssertionError("the zone files were read for UTC")

    monkeypatch.setattr(configzones, "available_timezones", unread)
    for body in ("", 'tz = "UTC"'):
        assert load_config(_config(tmp_path, store, body)).search.tz == "UTC"
    with pytest.raises(AssertionError, match="were read"):
        load_config(_config(tmp_path, store, 'tz = "Europe/Berlin"'))


@pytest.mark.parametrize(("body", "said"), [
    ('tz = "America/NewYork"', "unknown time zone 'America/NewYork' (did you mean America/New_York"),
    ('tz = "Mars/Olympus"', "unknown time zone 'Mars/Olympus'; set it to"),
    ('tz = "+05:30"', "unknown time zone '+05:30'; set it to"),
    ('tz = "localtime"', "unknown time zone 'localtime'"),  # this machine's zone file: no name DuckDB knows
    ('tz = "PST"', "unknown time zone 'PST'"),  # an abbreviation (ICU's, ambiguous): --tz takes it, the config not
    ("tz = 5", "expected a string, got 5"),
    ('zone = "UTC"', "search.zone: unknown key; expected one of ['tz']"),
])
def test_a_bad_search_tz_is_one_line_naming_the_key_exit_2(
        tmp_path: Path, store: Warehouse, capsys: pytest.CaptureFixture[str], body: str, said: str) -> None:
    path = _config(tmp_path, store, body)
    assert cli.main(["search", "harbour", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "config error at search." in err and said in err, err
    if "unknown time zone" in said:
        assert "such as America/New_York" in err and "--tz" in err
    with pytest.raises(ConfigError):  # refused when the config loads, for every command, as schedule.timezone is
        load_config(path)


def test_a_config_zone_duckdb_does_not_know_is_said_of_the_config_not_of_tz(tmp_path: Path) -> None:
    """The config's check reads Python's tz database, the search DuckDB's (ICU's): a name the first knows and the
    second does not (none on this machine, where ICU knows all but `localtime`, which the check refuses) is
    refused by `newsflow search` in one line naming search.tz and the file, not a --tz the analyst never typed."""
    said = config_zone_problem("Europe/Atlantis", tmp_path / "newsflow.toml")
    assert "\n" not in said and "--tz 'Europe/Atlantis'" not in said
    assert said.startswith("search.tz 'Europe/Atlantis' in ") and str(tmp_path / "newsflow.toml") in said
    assert "such as America/New_York" in said and "or pass --tz" in said
