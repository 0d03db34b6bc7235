"""A PREFECT_* setting Prefect cannot validate, met by a fresh `newsflow` process (flows/prefectsettings.py).

Each test runs the real command in a new interpreter, so Prefect is imported there for the first
time, as it is for a user. Before the fix, that import printed Prefect's own four lines (`Failed
to initialize plugins: 1 validation error for ServerAPISettings` …) ahead of newsflow's line, or a
local server that "exited (code 1) before it answered" pointing at its log. No test starts a server:
the settings are checked before any.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.hostile.subprocesses import REPO, newsflow_command

pytestmark = pytest.mark.timeout(120)

EXIT_PREFECT = 4


def fresh_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment with its own PREFECT_HOME, no Prefect API and no profile but `settings`."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "NEWSFLOW_CONFIG"}}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect")} | settings


def newsflow(tmp_path: Path, command: str, env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    return subprocess.run(newsflow_command(command, *(["--quiet"] if command == "run" else []), "--config",
                                           str(config_path)),
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=90)


def one_line(err: str) -> bool:
    return err.startswith("newsflow: ") and err.count("\n") == 1


@pytest.mark.parametrize(("name", "value", "words"), [
    ("PREFECT_SERVER_API_PORT", "abc", "is not a port (1-65535)"),
    ("PREFECT_API_REQUEST_TIMEOUT", "abc", "fix it, or unset it"),
    ("PREFECT_LOGGING_LEVEL", "loud", "fix it, or unset it"),
    ("PREFECT_CLIENT_CUSTOM_HEADERS", "{bad", "not valid JSON"),  # pydantic-settings' SettingsError, not pydantic's
])
def test_an_invalid_prefect_setting_in_the_environment_is_one_line_exit_4(
    tmp_path: Path, name: str, value: str, words: str
) -> None:
    done = newsflow(tmp_path, "run", fresh_env(tmp_path, **{name: value}))
    assert done.returncode == EXIT_PREFECT and one_line(done.stderr), done.stderr
    assert f"{name}={value!r}" in done.stderr and words in done.stderr, done.stderr


def test_an_invalid_setting_in_the_active_prefect_profile_stops_serve_in_one_line_naming_the_profile(
    tmp_path: Path,
) -> None:
    (tmp_path / "prefect").mkdir()
    (tmp_path / "prefect" / "profiles.toml").write_text(
        'active = "mine"\n[profiles.mine]\nPREFECT_API_REQUEST_TIMEOUT = "soon"\n', encoding="utf-8")
    done = newsflow(tmp_path, "serve", fresh_env(tmp_path))
    assert done.returncode == EXIT_PREFECT and one_line(done.stderr), done.stderr
    assert "PREFECT_API_REQUEST_TIMEOUT='soon'" in done.stderr and "profile" in done.stderr, done.stderr
    assert "prefect config unset PREFECT_API_REQUEST_TIMEOUT" in done.stderr, done.stderr


def test_an_invalid_setting_in_a_prefect_toml_of_the_working_folder_is_one_line_naming_the_variable(
    tmp_path: Path,
) -> None:
    """Prefect also reads prefect.toml (and .env, pyproject's [tool.prefect]) in the working folder,
    which newsflow does not: the line names the canonical variable and those places."""
    (tmp_path / "prefect.toml").write_text('[api]\nrequest_timeout = "soon"\n', encoding="utf-8")
    done = newsflow(tmp_path, "run", fresh_env(tmp_path), cwd=tmp_path)
    assert done.returncode == EXIT_PREFECT and one_line(done.stderr), done.stderr
    assert "PREFECT_API_REQUEST_TIMEOUT" in done.stderr and "prefect.toml" in done.stderr, done.stderr


def test_prefects_import_complaint_is_held_back_only_while_the_commands_load(tmp_path: Path) -> None:
    """A filter on Prefect's plugin logger, not a redirected stderr, and gone once the commands are
    loaded: nothing Prefect logs later is hidden. (With its settings invalid, Prefect's own logging
    cannot run at all: its API-key filter asks the settings, so no later line can be logged here.)"""
    child = ("import logging\n"
             "from newsflow.cli_run import flow_command\n"
             "flow_command('run')\n"
             "filters = logging.getLogger('prefect.plugins').filters\n"
             "print('PrefectSettingsComplaint' in {type(f).__name__ for f in filters})\n")
    done = subprocess.run([sys.executable, "-c", child], cwd=REPO, capture_output=True, text=True, timeout=90,
                          env=fresh_env(tmp_path, PREFECT_SERVER_API_PORT="abc"))
    assert done.returncode == 0 and done.stdout == "False\n", (done.stdout, done.stderr)
    assert done.stderr == "", done.stderr
