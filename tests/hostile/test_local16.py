"""Local 16: local input at its edges (docs/security.md, "Local 16").

Each test failed on the code before its fix (the controls pass on both).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.errors import ConfigError
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.hostile.subprocesses import REPO, newsflow_command, write_run_config
from tests.localserver import LocalServer
from tests.test_pipeline import serve_feed


def _config(tmp_path: Path, extra: str) -> Path:
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    config_path.write_text(config_path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return config_path


@pytest.mark.parametrize("schedule", ["interval = 0", 'interval = 0\ncron = "*/15 * * * *"'])
def test_a_schedule_interval_of_0_with_no_run_budget_is_refused_naming_the_key(tmp_path: Path, schedule: str) -> None:
    """A run's budget is 80% of `schedule.interval` unless `execution.run_budget_seconds` says: an
    interval of 0 (set by a cron user, say, who thinks it unused) gave every run a budget of 0 s.
    Before: each `newsflow run` and served run polled nothing and fetched nothing, `completed`, exit 0,
    for good ("the run's budget of 0 s ran out")."""
    config_path = _config(tmp_path, f"\n[schedule]\n{schedule}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(config_path)
    assert refused.value.key == "schedule.interval" and "execution.run_budget_seconds" in str(refused.value)
    assert cli.main(["feeds", "--config", str(config_path)]) == 2


def test_a_schedule_interval_of_0_with_a_run_budget_of_its_own_is_accepted(tmp_path: Path) -> None:
    """Control: the budget is set, the interval unused (a cron schedule)."""
    config = load_config(_config(tmp_path, '\n[schedule]\ninterval = 0\ncron = "*/15 * * * *"\n'
                                           "[execution]\nrun_budget_seconds = 600\n"))
    assert config.run_budget == 600


def test_a_warehouse_in_a_folder_whose_name_is_not_utf8_is_one_line_exit_2(tmp_path: Path) -> None:
    """A config in a folder named in Latin-1 (`café` from an old archive, a Windows share), found by
    `--config`, $NEWSFLOW_CONFIG or the working folder: the warehouse beside it has a path DuckDB cannot
    take. Before: `newsflow run` died on `RuntimeError: std::bad_cast`, a traceback, exit 1, and
    `newsflow query` said there was no warehouse yet, to run `newsflow run` first."""
    folder = tmp_path / os.fsdecode(b"caf\xe9 news")
    folder.mkdir()
    config_path = write_run_config(folder, {"a": "http://127.0.0.1:9/feed.xml"})
    with pytest.raises(ConfigError) as refused:
        load_config(config_path)
    assert refused.value.key == "warehouse.path" and "not UTF-8 (byte 0xe9)" in str(refused.value)

    env = {**os.environ, "NEWSFLOW_CONFIG": os.fsdecode(config_path)}  # the bytes as they are, in the environment
    for args in (["run"], ["query", "SELECT 1"]):
        done = subprocess.run(newsflow_command(*args), cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr[-2000:]
        assert done.stderr.count("\n") == 1 and "config error at warehouse.path" in done.stderr, done.stderr[-2000:]


def test_a_feed_url_with_a_space_pasted_around_it_is_polled(tmp_path: Path, server: LocalServer) -> None:
    """`url = " https://…/feed.xml"` (copied from a web page, with a space or an NBSP around it).
    Before: the config check, which strips the URL, passed it; the fetcher sent it as written and httpx
    refused a leading space, so the feed was `invalid_url` (a hard failure, backed off) at every poll,
    for good, nothing said at start; a trailing space or NBSP was kept in `feeds.url`."""
    feed = serve_feed(server, 2)["courier"]
    config_path = write_config(tmp_path, "", {"lead": f" {server.url(feed)}?a", "tail": f"{server.url(feed)}?b\u00a0"})
    config = load_config(config_path)
    assert [f.url for f in config.feeds] == [server.url(feed) + "?a", server.url(feed) + "?b"]

    summary = asyncio.run(run_ingest(config, "run-1"))

    assert summary.counts.feeds_failed == 0 and summary.counts.articles_stored == 2, summary.counts
    outcomes = run_read_query(Warehouse(config.warehouse_path), "SELECT feed_id, outcome FROM fetch_events "
                              "WHERE feed_id IS NOT NULL AND url LIKE '%feed.xml%' ORDER BY 1").rows
    assert outcomes == [("lead", "ok"), ("tail", "ok")], outcomes


ASCII_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}  # Python keeps ASCII
THIS_TREE = os.pathsep.join([str(REPO / "src"), str(REPO)])  # this checkout's code, whichever one is installed


@pytest.mark.parametrize("how", ["--config", "working folder"])
def test_a_utf8_folder_under_an_ascii_locale_is_one_line_exit_2_saying_to_use_a_utf8_locale(
    tmp_path: Path, how: str
) -> None:
    """`café/newsflow.toml` under LC_ALL=C with Python's UTF-8 mode off (red team 15's locale). Before:
    `--config café/…` died on a UnicodeEncodeError traceback in os.path.realpath, and from the folder
    itself on DuckDB's `std::bad_cast` traceback, exit 1 both."""
    folder = tmp_path / "café news"
    folder.mkdir()
    config_path = write_run_config(folder, {"a": "http://127.0.0.1:9/feed.xml"})
    args, cwd = (["--config", str(config_path)], REPO) if how == "--config" else ([], folder)
    env = {**os.environ, **ASCII_LOCALE, "NEWSFLOW_CONFIG": config_path.name, "PYTHONPATH": THIS_TREE}
    done = subprocess.run(newsflow_command("run", *args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "run newsflow under a UTF-8 locale" in done.stderr, done.stderr[-2000:]


def test_a_utf8_warehouse_path_in_the_config_under_an_ascii_locale_says_to_use_a_utf8_locale(tmp_path: Path) -> None:
    """`warehouse.path = "café/news.duckdb"` in a config whose own folder is ASCII, under LC_ALL=C with
    Python's UTF-8 mode off. Before: exit 2 saying the path `holds a NUL character` (the encoding
    error is a ValueError too), which sent the user looking for a character that is not there."""
    config_path = _config(tmp_path, "")
    text = config_path.read_text(encoding="utf-8")
    assert 'path = "warehouse/news.duckdb"' in text
    config_path.write_text(text.replace('"warehouse/news.duckdb"', '"café/news.duckdb"'), encoding="utf-8")
    env = {**os.environ, **ASCII_LOCALE, "PYTHONPATH": THIS_TREE}
    done = subprocess.run(newsflow_command("feeds", "--config", str(config_path)), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "run newsflow under a UTF-8 locale" in done.stderr, done.stderr[-2000:]
    assert "NUL" not in done.stderr, done.stderr


@pytest.mark.parametrize("command", ["run", "serve", "feeds"])
def test_a_command_whose_stderr_is_on_a_full_disk_keeps_the_exit_code_of_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """`newsflow run 2>> /var/log/newsflow.log` from cron, the log's disk full, and a config error:
    its line cannot be written. Before (the review's case): writing it raised ENOSPC out of the
    error handler, and the command ended 1, a crash, where README promises 2 (a config error; 3 for
    a warehouse). Now the line is lost and the code stays. In this process: /dev/full on
    line-buffered stderr, as a process's stderr is; by hand, `2>/dev/full` gives 2 too."""
    config_path = _config(tmp_path, "\n[schedule]\ninterval = 0\n")  # refused: a config error
    full = open("/dev/full", "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    try:
        monkeypatch.setattr(sys, "stderr", full)
        code = cli.main([command, "--config", str(config_path)])
        monkeypatch.undo()
    finally:
        with contextlib.suppress(OSError):  # the line it kept flushes to the full disk again: lost, as at exit
            full.close()
    assert code == 2
