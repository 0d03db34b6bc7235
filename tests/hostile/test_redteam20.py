"""Red team 20: the Prefect API misbehaving, time, and outside writers (docs/security.md, "Red team 20").

1. A Prefect API that answers 500 (a SQLite database locked under the server) to the runner's
   question for due runs: three such answers in a row ended `newsflow serve` with pages of
   tracebacks and exit 1, its deployment paused. It now rides them out for
   `execution.api_patience_seconds`, then exits 4 in one line, as for a silent API.
2. A `newsflow run` whose API answers 500 to a call (its final state) said the API "stopped
   answering" and, for a local server, that the next run would start a new one: it now says what
   the API answered and where its log is.
3. A run whose report (the `ingest-report` artifact) the API refused failed after storing everything.

Every server is real, on loopback; the Prefect API is the session's server behind a proxy
(tests/hostile/apiproxy.py) that fails chosen calls; `newsflow` runs as a child process.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
from flows.servepatience import patient_service_loop
from prefect.exceptions import PrefectHTTPStatusError

from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_artifacts import run_artifacts_and_logs
from tests.flows.test_run_modes import flow_run_state
from tests.flows.test_serve import wait_for
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.subprocesses import REPO, child_env, newsflow_command, newsflow_lines
from tests.hostile.test_redteam6 import add_feed
from tests.hostile.test_redteam12 import completed_runs
from tests.localserver import LocalServer

DUE_RUNS = rb"^POST /api/deployments/get_scheduled_flow_runs "


@pytest.mark.timeout(600)
def test_serve_rides_out_500s_for_its_patience_then_exits_4_in_one_line(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """Before: after 3 answers of 500 to `get_scheduled_flow_runs` (3 s here, polling every second)
    the service printed each one's traceback, paused its deployment and ended with an exception
    group's traceback, exit 1. Now 4 of them in a row leave it serving (a run completes after),
    and 500s for longer than `api_patience_seconds` end it with one line naming the API, exit 4."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 1)})
    config_path.write_text(config_path.read_text() + "\n[schedule]\ninterval = 5\n\n[execution]\n"
                           "api_patience_seconds = 8\nrun_budget_seconds = 30\n")
    log_path = tmp_path / "serve.log"
    env = child_env(f"http://127.0.0.1:{proxy.port}/api") | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    with log_path.open("w") as log:  # stdout too: Prefect's loop printed its tracebacks there
        child = subprocess.Popen(newsflow_command("serve", "--config", str(config_path)), cwd=REPO, env=env,
                                 stdout=log, stderr=subprocess.STDOUT, text=True)
    proxy.fail(DUE_RUNS, 500)  # from its first poll on
    try:  # its start (imports, the server's checks, the deployment) took over 60 s at load averages of 15-24
        wait_for(lambda: proxy.faults.failed or child.poll() is not None, 240, "the service's first poll")
        wait_for(lambda: len(proxy.faults.failed) >= 4 or child.poll() is not None, 60, "4 failed polls")
        proxy.heal()
        assert child.poll() is None, log_path.read_text()[-3000:]
        wait_for(lambda: completed_runs(config_path) or child.poll() is not None, 120, "a run after")
        assert child.poll() is None, log_path.read_text()[-3000:]

        proxy.fail(DUE_RUNS, 500)
        child.wait(timeout=120)
    finally:
        child.kill()
        proxy.close()
    output = log_path.read_text()
    assert child.returncode == 4, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    lines = newsflow_lines(output)
    api = f"http://127.0.0.1:{proxy.port}/api"
    said = [line for line in output.splitlines() if line.startswith(f"newsflow serve: the Prefect API at {api} ")]
    assert [line.split(" (")[0].split(";")[0] for line in said] == [
        f"newsflow serve: the Prefect API at {api} failed a call",
        f"newsflow serve: the Prefect API at {api} answers again",
        f"newsflow serve: the Prefect API at {api} failed a call"], said  # one line each way, not one a poll
    assert lines[-1].startswith(f"newsflow: the Prefect API at {api} has failed every call for "), lines
    assert "500 Internal Server Error" in lines[-1] and "restart `newsflow serve`" in lines[-1], lines


@pytest.mark.parametrize("status", [500, 403])
def test_a_run_whose_api_answers_500_to_its_final_state_says_so_exit_4_and_keeps_its_rows(
    tmp_path: Path, server: LocalServer, prefect_api: str, status: int
) -> None:
    """The run loads everything, then Prefect's API answers 500 to `set_state` Completed (Prefect's
    client does not retry a 500). Before: `stopped answering during the run`, and for a local server
    `the next newsflow run starts a new local server`, neither true. Now the line says what the API
    answered and where to look; exit 4 as before, and the run's rows are there, once. A 403 (a key
    refused) said the same falsehoods: `start that server again` (review of red team 20)."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    proxy.fail(rb"^POST /api/flow_runs/[0-9a-f-]+/set_state ", status, spare=1)  # Running goes through
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 2)})
    done = subprocess.run(newsflow_command("run", "--config", str(config_path)), cwd=REPO, capture_output=True,
                          env=child_env(f"http://127.0.0.1:{proxy.port}/api"), text=True, timeout=240)
    proxy.close()
    assert done.returncode == 4, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    [line] = [line for line in newsflow_lines(done.stderr) if "Prefect UI at" not in line]
    api = f"http://127.0.0.1:{proxy.port}/api"
    assert line.startswith(f"newsflow: the Prefect API at {api} answered {status} to a call during the run "), line
    assert "stopped answering" not in line and line.endswith("the next run calls it again"), line
    rows = run_read_query(Warehouse(load_config(config_path).warehouse_path),
                          "SELECT (SELECT status FROM runs), count(*), count(DISTINCT url) FROM articles").rows
    assert rows == [("completed", 2, 2)], rows


def test_a_run_whose_report_the_api_refuses_completes(tmp_path: Path, server: LocalServer, prefect_api: str) -> None:
    """Prefect's API answers 500 to the run's `ingest-report` artifact, after the run stored everything.
    Before: the flow run Failed and the command exited 4 (the API 'stopped answering'), a cron job's
    alarm for a run whose every row was in. Now the run completes, exit 0, its flow run Completed,
    and its log says the report could not be published."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    proxy.fail(rb"^POST /api/artifacts/ ", 500)
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 2)})
    done = subprocess.run(newsflow_command("run", "--json", "--config", str(config_path)), cwd=REPO,
                          capture_output=True, env=child_env(f"http://127.0.0.1:{proxy.port}/api"), text=True,
                          timeout=240)
    proxy.close()
    assert done.returncode == 0, done.stderr[-3000:]
    assert proxy.faults.failed, "the report was never sent"
    result = json.loads(done.stdout)
    assert (result["status"], result["articles_stored"]) == ("completed", 2), result
    assert flow_run_state(result["run_id"]) == "COMPLETED"
    _, logs = anyio.run(run_artifacts_and_logs, result["run_id"])
    [warning] = [log.message for log in logs if "could not publish the run's report" in log.message]
    assert "500" in warning and "\n" not in warning and warning.endswith("hold the same figures"), warning


def _status_error(status: int) -> Exception:
    request = httpx.Request("POST", "http://127.0.0.1:9/api/deployments/get_scheduled_flow_runs")
    response = httpx.Response(status, request=request)
    return PrefectHTTPStatusError.from_httpx_error(httpx.HTTPStatusError("refused", request=request, response=response))


@pytest.mark.parametrize(("status", "patience", "ends_with"), [(404, 60.0, "PrefectHTTPStatusError"),
                                                               (500, 0.05, "ApiFailing")])
def test_the_patient_loop_rides_out_only_the_servers_errors_and_only_for_its_patience(
    status: int, patience: float, ends_with: str
) -> None:
    """A 4xx is the caller's bug: raised at once, as Prefect's loop does. A 5xx is asked again every
    interval until `patience` has passed (a short one here), then ends the loop with ApiFailing."""
    calls = 0

    async def workload() -> None:
        nonlocal calls
        calls += 1
        raise _status_error(status)

    with pytest.raises(Exception) as ended:  # interval 0: no sleep that a loaded machine could stretch past patience
        anyio.run(lambda: patient_service_loop("http://127.0.0.1:9/api", patience)(workload, 0.0))
    assert type(ended.value).__name__ == ends_with
    assert calls == 1 if status == 404 else calls > 2, calls


def test_the_patient_loop_raises_a_plain_http_4xx_at_once_too() -> None:
    """An httpx status error Prefect did not wrap is judged by its status as well: a 404 is the
    caller's bug, raised at once. Before, its module (httpx) made it a lost connection, asked
    again for the whole patience (for ever with 0), then reported as the API failing."""
    request = httpx.Request("POST", "http://127.0.0.1:9/api/deployments/get_scheduled_flow_runs")
    refused = httpx.HTTPStatusError("refused", request=request, response=httpx.Response(404, request=request))
    calls = 0

    async def workload() -> None:
        nonlocal calls
        calls += 1
        raise refused

    with pytest.raises(httpx.HTTPStatusError):
        anyio.run(lambda: patient_service_loop("http://127.0.0.1:9/api", 0.05)(workload, 0.01))
    assert calls == 1, calls


def test_prefects_runner_still_polls_through_the_loop_newsflow_replaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard for Prefect upgrades: `ride_out_failing_calls` assigns the module global
    `critical_service_loop` of prefect.runner._scheduled_run_poller, which `ScheduledRunPoller.run`
    reads when the service starts. Were the name renamed, moved or bound early, the assignment would
    silently do nothing (serve would again end after 3 failed polls): this fails instead. It also
    checks that every keyword the runner passes binds to the replacement's signature."""
    import ast
    import inspect
    import textwrap

    from flows.servepatience import ride_out_failing_calls
    from prefect.runner import _scheduled_run_poller as poller

    assert callable(getattr(poller, "critical_service_loop", None)), "Prefect no longer has the loop we replace"
    run = poller.ScheduledRunPoller.run
    assert "critical_service_loop" in run.__code__.co_names, "the runner no longer looks the loop up at call time"
    calls = [node for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(run))))
             if isinstance(node, ast.Call) and any(isinstance(arg, ast.Name) and arg.id == "critical_service_loop"
                                                   for arg in node.args)]
    assert len(calls) == 2, ast.dump(ast.parse(textwrap.dedent(inspect.getsource(run))))  # storage pulls, due runs
    replacement = inspect.signature(patient_service_loop("http://127.0.0.1:9/api", 1.0))
    for call in calls:
        assert [arg.id for arg in call.args if isinstance(arg, ast.Name)] == ["critical_service_loop"], ast.dump(call)
        replacement.bind(**{keyword.arg: None for keyword in call.keywords if keyword.arg})
    monkeypatch.setattr(poller, "critical_service_loop", poller.critical_service_loop)  # restored after the test
    ride_out_failing_calls("http://127.0.0.1:9/api", 1.0)
    assert poller.critical_service_loop.__qualname__.startswith("patient_service_loop"), poller.critical_service_loop
