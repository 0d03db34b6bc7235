"""CLI behaviour that needs no flow run: exit codes, formats and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.warehouse import Warehouse
from tests.conftest import write_config


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/feed.xml"})
    with Warehouse(tmp_path / "warehouse" / "news.duckdb").writing():
        pass
    return path


def test_bad_config_exits_2_with_one_line_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\nconcurrency = 0\n", encoding="utf-8")
    assert cli.main(["run", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fetch.concurrency" in err


def test_unknown_feed_exits_2(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--config", str(config_path), "--feed", "nope"]) == 2
    assert "no feed named nope" in capsys.readouterr().err


def test_query_formats(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT 1 AS n, 'x,y' AS s"
    assert cli.main(["query", sql, "--config", str(config_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 1, "s": "x,y"}]
    assert cli.main(["query", sql, "--config", str(config_path), "--format", "csv"]) == 0
    assert capsys.readouterr().out == 'n,s\n1,"x,y"\n'
    assert cli.main(["query", sql, "--config", str(config_path)]) == 0
    assert "(1 row)" in capsys.readouterr().out


def test_query_that_writes_is_refused(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "DROP TABLE articles", "--config", str(config_path)]) == 2
    assert "read-only" in capsys.readouterr().err


def test_run_while_another_run_holds_the_warehouse_exits_3(config_path: Path, tmp_path: Path) -> None:
    code = f"""
import sys
from pathlib import Path
from newsflow.warehouse import Warehouse
with Warehouse(Path({str(tmp_path / "warehouse" / "news.duckdb")!r})).run_lock():
    print("held", flush=True)
    sys.stdin.read()
"""
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = subprocess.run([sys.executable, "-m", "newsflow", "run", "--config", str(config_path)],
                                capture_output=True, text=True, timeout=120)
    finally:
        holder.communicate("")
    assert result.returncode == 3
    assert "another newsflow run" in result.stderr and result.stderr.count("\n") == 1


def test_a_run_or_service_failing_its_checks_stops_before_importing_prefect(tmp_path: Path) -> None:
    """A bad config, an unknown --feed and a warehouse that cannot open end `newsflow run`, and a bad config
    and another service's lock end `newsflow serve`, each with its line and exit code, before Prefect's
    import (1.8-2.3 cpu-s each, session 37). One fresh interpreter for all: `sys.modules` says what was
    imported. The lock is held by this interpreter on another open file, as another service holds it."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\nconcurrency = 0\n", encoding="utf-8")
    good = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/feed.xml"})
    unopenable = tmp_path / "other" / "newsflow.toml"
    unopenable.parent.mkdir()
    unopenable.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "other" / "warehouse").write_text("a file where the warehouse's folder goes", encoding="utf-8")
    runs = [["run", "--config", str(bad)], ["run", "--config", str(good), "--feed", "nope"],
            ["run", "--config", str(unopenable)], ["serve", "--config", str(bad)]]
    code = (
        "import sys\n"
        "from newsflow.cli import main\n"
        "from newsflow.config import load_config\n"
        "from newsflow.runlock import holding_the_service_lock\n"
        f"codes = [main(a) for a in {runs!r}]\n"
        f"with holding_the_service_lock(load_config({str(good)!r}).warehouse_path):\n"
        f"    codes.append(main(['serve', '--config', {str(good)!r}]))\n"
        "print(codes, 'prefect' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[2, 2, 3, 2, 3] False", (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 5 and "fetch.concurrency" in lines[0] and "no feed named nope" in lines[1], lines
    assert lines[2].startswith("newsflow: ") and "warehouse" in lines[2], lines
    assert "fetch.concurrency" in lines[3] and "already serves" in lines[4], lines


def test_status_failing_its_config_stops_before_importing_prefect(tmp_path: Path) -> None:
    """A bad config, a missing one and a folder given as one end `newsflow status` with their line and exit 2,
    as they did after Prefect's import before session 38 (~1.8 cpu-s each). One fresh interpreter for all."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\nconcurrency = 0\n", encoding="utf-8")
    statuses = [["status", "--config", str(path)] for path in (bad, tmp_path / "missing.toml", tmp_path)]
    code = ("import sys\n"
            "from newsflow.cli import main\n"
            f"print([main(a) for a in {statuses!r}], 'prefect' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[2, 2, 2] False", (done.stdout, done.stderr)
    assert done.stderr.splitlines() == [
        f"newsflow: config error at fetch.concurrency: must be greater than 0, got 0 (line 2 of {bad})",
        f"newsflow: config error at --config: {tmp_path / 'missing.toml'} does not exist; pass --config PATH",
        f"newsflow: config error at --config: {tmp_path} is a folder; pass --config PATH of the .toml file in it"]
