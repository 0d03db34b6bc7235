"""Red team 17: upgrades, signals, cancel, config paths and the Prefect run's lifecycle
(docs/security.md, "Red team 17"). Each test failed on the code before its fix.

Upgrades from every earlier schema level are tests/test_upgrades.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.config import load_config
from tests.hostile.subprocesses import REPO


def _config(folder: Path, warehouse_path: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "newsflow.toml"
    path.write_text(f'[warehouse]\npath = "{warehouse_path}"\n', encoding="utf-8")
    return path


def _newsflow(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "newsflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


# --- 5. `~` in paths ---------------------------------------------------------------------------


def test_a_warehouse_path_under_home_is_in_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`~/data/news.duckdb` was a folder named `~` beside the config."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = load_config(_config(tmp_path / "conf", "~/data/news.duckdb"))
    assert config.warehouse_path == tmp_path / "home" / "data" / "news.duckdb"


def test_an_unknown_users_home_is_one_config_line_exit_2(tmp_path: Path) -> None:
    config = _config(tmp_path / "conf", "~no-such-user-rt17/news.duckdb")
    done = _newsflow("query", "SELECT 1", "--config", str(config), home=tmp_path)
    assert done.returncode == 2, done.stderr[-1500:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert "warehouse.path" in done.stderr and "no-such-user-rt17" in done.stderr
    assert not (tmp_path / "conf" / "~no-such-user-rt17").exists()


def test_a_config_under_an_unknown_users_home_is_one_line_exit_2(tmp_path: Path) -> None:
    done = _newsflow("query", "SELECT 1", "--config", "~no-such-user-rt17/newsflow.toml", home=tmp_path)
    assert done.returncode == 2, done.stderr[-1500:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "no user no-such-user-rt17 is known here" in done.stderr, done.stderr
