"""Where `newsflow run` finds its Prefect API (the environment, the active profile, or the local
server it started earlier), what it says when a configured API does not answer, and how runs that
end early (Ctrl-C, SIGKILL) end up in Prefect and the warehouse."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest
from flows.localserver import STATE_FILE, reusable_server

from flows import configured_api_url
from newsflow import cli
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import free_port, write_config
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


def env_reaching_the_local_server() -> dict[str, str]:
    """No PREFECT_API_URL: the run finds the server recorded in the session's PREFECT_HOME and reuses it."""
    return {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}


def flow_run_state(run_id: str) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(run_id)).state
    return state.type.value if state else "no state"


def test_run_reuses_the_recorded_local_server_and_prints_its_ui_once(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    config_path = planet_site(tmp_path, server, stories=2)
    done = subprocess.run([sys.executable, "-m", "newsflow", "run", "--config", str(config_path), "--json"],
                          cwd=REPO, env=env_reaching_the_local_server(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    ui = prefect_api.removesuffix("/api")
    assert [line for line in done.stderr.splitlines() if "Prefect UI" in line] == [
        f"newsflow: Prefect UI at {ui} (the local Prefect server)"]
    run_id = json.loads(done.stdout)["run_id"]
    assert flow_run_state(run_id) == "COMPLETED"


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_configured_api_that_does_not_answer_is_one_line_and_exit_4(
    tmp_path: Path, server: LocalServer, command: str
) -> None:
    config_path = planet_site(tmp_path, server, stories=1)
    dead_url = f"http://127.0.0.1:{free_port()}/api"
    env = {**os.environ, "PREFECT_API_URL": dead_url}
    done = subprocess.run([sys.executable, "-m", "newsflow", command, "--config", str(config_path)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert dead_url in done.stderr and "unset PREFECT_API_URL" in done.stderr


def test_a_recorded_server_whose_process_is_gone_is_not_reused(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / STATE_FILE).write_text(json.dumps({"api_url": "http://127.0.0.1:9/api", "pid": dead.pid}))
    assert reusable_server(tmp_path, wait_s=5) is None
    (tmp_path / STATE_FILE).write_text("not json")
    assert reusable_server(tmp_path, wait_s=5) is None


def test_ctrl_c_during_a_run_records_it_cancelled(tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    """The commonest way a hand run ends early; the run is mid-fetch on a page that drips."""
    from tests.hostile.servers import drip_body

    config_path = planet_site(tmp_path, server, stories=2, extra={"/slow.html": drip_body(0.05)})
    # A shell that starts the suite in the background hands it SIGINT ignored, and children keep
    # that: give the run the default disposition a terminal would.
    run = subprocess.Popen([sys.executable, "-m", "newsflow", "run", "--config", str(config_path)], cwd=REPO,
                           env=env_reaching_the_local_server(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_line(run, "articles to fetch")
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    [(run_id, status)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT run_id, status FROM runs").rows
    assert status == "cancelled"
    assert flow_run_state(str(run_id)) == "CANCELLED", "not left Running, nor Crashed (Prefect 55)"


@pytest.mark.alone_on_the_server  # another worker's flow run would mark the zombie Crashed before the next run
def test_a_killed_run_is_marked_crashed_by_the_next_run(
    tmp_path: Path, server: LocalServer, prefect_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.hostile.servers import drip_body

    config_path = planet_site(tmp_path, server, stories=1, extra={"/slow.html": drip_body(0.05)})
    run = subprocess.Popen([sys.executable, "-m", "newsflow", "run", "--config", str(config_path)], cwd=REPO,
                           env=env_reaching_the_local_server(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    wait_for_line(run, "articles to fetch")
    run.kill()
    run.communicate(timeout=60)
    store = Warehouse(tmp_path / "warehouse" / "news.duckdb")
    [(killed_id, status)] = run_read_query(store, "SELECT run_id, status FROM runs").rows
    assert status == "running" and flow_run_state(str(killed_id)) == "RUNNING", "the zombie, before the next run"
    server.add("/slow.html", Page(b"<html><body><p>Now it answers at once.</p></body></html>", "text/html"))

    assert cli.main(["run", "--config", str(config_path), "--quiet"]) == 0
    assert flow_run_state(str(killed_id)) == "CRASHED"
    statuses = dict(run_read_query(store, "SELECT run_id, status FROM runs").rows)
    assert statuses[killed_id] == "abandoned"


def wait_for_line(process: subprocess.Popen[str], text: str) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if text in line:
            return
    pytest.fail(f"the run ended before printing {text!r}")


def test_python_flows_ingest_py_is_a_flow_run_too(tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    config_path = planet_site(tmp_path, server, stories=2)
    done = subprocess.run([sys.executable, "flows/ingest.py", str(config_path)], cwd=REPO,
                          env=env_reaching_the_local_server(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    [(run_id, status, stored)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                                "SELECT run_id, status, articles_stored FROM runs").rows
    assert (status, stored) == ("completed", 2)
    assert flow_run_state(str(run_id)) == "COMPLETED"
