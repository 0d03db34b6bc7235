"""Whether `newsflow run` is a Prefect flow run: `execution.prefect`, `--prefect` and where a
Prefect API is configured (the environment, or the active profile in Prefect's profiles file)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from flows import configured_api_url, runs_as_flow
from newsflow.config import ExecutionSettings
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import Handler, LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

REPO = Path(__file__).resolve().parents[2]
PROFILES = """
active = "work"

[profiles.ephemeral]
PREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"

[profiles.work]
PREFECT_API_URL = "http://prefect.internal:4200/api"
"""


@pytest.fixture
def prefect_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "prefect-home"
    home.mkdir()
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    return home


def test_no_api_anywhere_means_none(prefect_home: Path) -> None:
    assert configured_api_url() is None
    (prefect_home / "profiles.toml").write_text("this is [ not toml", encoding="utf-8")
    assert configured_api_url() is None


def test_api_from_the_active_profile_the_chosen_profile_and_the_environment(
    prefect_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (prefect_home / "profiles.toml").write_text(PROFILES, encoding="utf-8")
    assert configured_api_url() == "http://prefect.internal:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert configured_api_url() == "http://127.0.0.1:4200/api"


@pytest.mark.parametrize(
    ("prefect", "task_runner", "api", "forced", "expected"),
    [
        ("auto", "local", None, False, False),
        ("auto", "local", "http://127.0.0.1:4200/api", False, True),
        ("auto", "dask", None, False, True),
        ("auto", "local", None, True, True),
        ("always", "local", None, False, True),
        ("never", "local", "http://127.0.0.1:4200/api", False, False),
        ("never", "local", None, True, True),
    ],
)
def test_runs_as_flow(
    prefect_home: Path, monkeypatch: pytest.MonkeyPatch,
    prefect: str, task_runner: str, api: str | None, forced: bool, expected: bool,
) -> None:
    if api:
        monkeypatch.setenv("PREFECT_API_URL", api)
    execution = ExecutionSettings(task_runner=task_runner, prefect=prefect)
    assert runs_as_flow(execution, configured_api_url(), forced=forced) is expected


def planet_site(
    tmp_path: Path, server: LocalServer, stories: int, extra: dict[str, Page | Handler] | None = None
) -> Path:
    """A feed of `stories` generated articles, plus `extra` pages listed after them; its config."""
    site = Site("Daily Planet")
    items: list[tuple[str, str, datetime | None]] = []
    for story in [generated_story(n) for n in range(1, stories + 1)]:
        server.add(f"/{story.slug}.html", Page(site.article_page(story)))
        items.append((story.title, f"{story.slug}.html", story.published))
    for path, handler in (extra or {}).items():
        server.add(path, handler)
        items.append((path, path.lstrip("/"), None))
    server.add("/rss.xml", Page(rss_feed("Daily Planet", items), "application/rss+xml"))
    return write_config(tmp_path, server.base_url, {"planet": "/rss.xml"}, timeout=60)


def env_without_prefect(tmp_path: Path) -> dict[str, str]:
    """No Prefect setting from this machine, and a Prefect home that a run without Prefect never creates."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect-home")}


def test_a_run_without_a_prefect_api_never_imports_prefect(tmp_path: Path, server: LocalServer) -> None:
    config_path = planet_site(tmp_path, server, stories=3)
    # Fails the run if anything imports prefect: the package's import is what costs the time and memory.
    probe = ("import sys; from importlib.abc import MetaPathFinder\n"
             "class NoPrefect(MetaPathFinder):\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'prefect': raise ImportError('prefect imported in a run that needs no Prefect')\n"
             "sys.meta_path.insert(0, NoPrefect())\n"
             "from newsflow.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", probe, "run", "--config", str(config_path), "--json"], cwd=REPO,
                          env=env_without_prefect(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"articles_stored": 3' in done.stdout
    assert not (tmp_path / "prefect-home").exists(), "no Prefect database for a run without Prefect"


def test_ctrl_c_during_a_run_without_prefect_records_it_cancelled(tmp_path: Path, server: LocalServer) -> None:
    """The commonest way a hand run ends early; the run is mid-fetch on a page that drips."""
    from tests.hostile.servers import drip_body

    config_path = planet_site(tmp_path, server, stories=2, extra={"/slow.html": drip_body(0.05)})
    # A shell that starts the suite in the background hands it SIGINT ignored, and children keep
    # that: give the run the default disposition a terminal would.
    run = subprocess.Popen([sys.executable, "-m", "newsflow", "run", "--config", str(config_path)], cwd=REPO,
                           env=env_without_prefect(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert run.stderr is not None
    for line in run.stderr:  # wait until the run is fetching the articles
        if "articles to fetch" in line:
            break
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    runs = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"), "SELECT status FROM runs").rows
    assert runs == [("cancelled",)]
