"""Red team 22: SIGTERM or SIGHUP while `newsflow run` starts (docs/security.md, "Red team 22").

Importing the CLI (DuckDB, trafilatura) and then the run command (Prefect) takes 1-3 s. A SIGTERM (a
scheduler's stop, `systemctl stop`) or SIGHUP (the ssh session closing) there ended the process by the
signal, silently, with nothing done: cron and systemd saw a signal death and no line. Now it is a
Ctrl-C there: one line, exit 130. Since session 37 the same holds for the windows that moved out of
the CLI's import: `run`'s and `serve`'s checks before Prefect's import, and `search`'s own imports; since
session 38 `status`'s config, read before Prefect's import too.

The signal is sent by the child itself, from an import hook, as the named module starts to import:
certain to land inside the import, with no sleep to aim it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.subprocesses import REPO

CHILD = """
import importlib.abc, os, signal, sys

class SignalAtImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            open({marker!r}, "w").close()
            os.kill(os.getpid(), signal.{signame})
        return None

sys.meta_path.insert(0, SignalAtImport())
sys.argv = ["newsflow", {command!r}, "--config", {config!r}]
from newsflow.launch import main
raise SystemExit(main())
"""


@pytest.mark.parametrize(("module", "signame", "command"), [
    ("duckdb", "SIGTERM", "run"),  # while the CLI imports
    ("newsflow.warehouse", "SIGHUP", "run"),  # numpy until session 37, when the CLI stopped importing it (search's)
    # while the run's (or the service's) checks load its config, before Prefect's import (session 37); the
    # config is saved as UTF-16 (read since local 21), whose codec is imported only then
    ("encodings.utf_16_le", "SIGTERM", "run"),
    ("encodings.utf_16_le", "SIGHUP", "serve"),
    ("encodings.utf_16_le", "SIGTERM", "status"),  # `status`'s too, since session 38: before, after Prefect's
    # import, unguarded: the process died by the signal, silently
    ("numpy", "SIGTERM", "search"),  # while `search` imports its stack, the CLI no longer does (session 37)
    ("prefect", "SIGTERM", "run"),  # while `run` loads its flow command (flows/cli.py)
    ("prefect", "SIGHUP", "run"),
])
def test_a_signal_while_newsflow_run_starts_is_one_line_and_exit_130(module: str, signame: str, command: str,
                                                                      tmp_path: Path) -> None:
    # A config that passes the run's checks: since session 37 a run failing them stops before Prefect's import
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{tmp_path}/news.duckdb"\n\n'
                      '[[feeds]]\nname = "a"\nurl = "http://127.0.0.1:9/feed.xml"\n',
                      encoding="utf-16" if module.startswith("encodings.") else "utf-8")
    marker = tmp_path / "signalled"
    code = CHILD.format(module=module, signame=signame, command=command, config=str(config), marker=str(marker))
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert marker.exists(), f"{module} was never imported, so no signal was sent: {child.stderr!r}"
    assert child.returncode != -getattr(signal, signame), f"ended by {signame}, silently: {child.stderr!r}"
    assert child.returncode == 130, child.stderr
    # Nothing was done yet, and the line says so wherever in the start the stop lands (hunt 56: in Prefect's
    # import, the config's checks and search's imports it said only `newsflow: interrupted`)
    assert child.stderr == "newsflow: interrupted while starting; nothing was done\n", child.stderr


def test_sighup_ignored_under_nohup_is_still_ignored_while_starting(tmp_path: Path) -> None:
    """Under nohup SIGHUP stays ignored: the run goes on to its own end (here: the missing config, exit 2)."""
    code = CHILD.format(module="duckdb", signame="SIGHUP", command="run", config=str(tmp_path / "missing.toml"),
                        marker=str(tmp_path / "signalled"))
    code = "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN)\n" + code
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert child.returncode == 2 and "missing.toml" in child.stderr, child.stderr
