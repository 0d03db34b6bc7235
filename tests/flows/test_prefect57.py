"""Prefect 57 (docs/scheduling.md, "Prefect 57"): a `newsflow run` stopped before the engine's `capture_sigterm`
ends its flow run Cancelled itself; a stopped run whose API answers `/health` but fails its calls ends at its line."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import PrefectClient

from newsflow import cli
from tests.flows.test_prefect55 import signals_kept, states_of  # noqa: F401  (a fixture, used by name)
from tests.flows.test_run_modes import planet_site
from tests.localserver import LocalServer


def stopped_as_the_flow_run_is_created(created: list[str]) -> Callable[..., Any]:
    """Prefect's own `create_flow_run`, then the stop: SIGTERM to this process once the server has answered with
    the new flow run, before the engine's next line (`capture_sigterm` is two lines later). `newsflow run`'s handler
    cancels the run's task, and the cancel lands at the await below: the flow run exists, Pending, and the engine
    never sees the stop."""
    real = PrefectClient.create_flow_run

    async def create_then_stop(self: PrefectClient, *args: Any, **kwargs: Any) -> Any:
        import asyncio

        flow_run = await real(self, *args, **kwargs)
        created.append(str(flow_run.id))
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0)  # the cancel the handler asked for lands here, in the engine's `initialize_run`
        return flow_run

    return create_then_stop


@pytest.mark.usefixtures("signals_kept")
def test_a_stop_before_the_engines_capture_sigterm_leaves_no_pending_flow_run(
    tmp_path: Path, server: LocalServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: the flow run stayed `PENDING` until the next run's sweep (Prefect 56's Left), for good if none came.
    Now the stopping process ends it Cancelled before its one line, exit 130, no traceback."""
    created: list[str] = []
    monkeypatch.setattr(PrefectClient, "create_flow_run", stopped_as_the_flow_run_is_created(created))
    config_path = planet_site(tmp_path, server, stories=1)
    assert cli.main(["run", "--config", str(config_path), "--quiet"]) == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line for line in lines if line.startswith("newsflow:")] == [lines[-1]], lines
    assert "stopped before it started, so it has no row" in lines[-1], lines
    assert not any("Traceback" in line for line in lines), lines
    [run_id] = created
    history, _ = states_of(run_id)
    assert history == ["PENDING", "CANCELLED"], history


@pytest.mark.parametrize("api", ["fails all but /health", "cut but /health", "answers"])
def test_a_stopped_run_whose_api_answers_health_but_fails_its_calls_ends_as_its_line_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], prefect_api: str, api: str,
) -> None:
    """Prefect 56's review, F4: an API whose `/health` answers while every other call fails (a 500, a cut: a locked
    database) kept a stopped `newsflow run` alive 60 s after its line (80.6 s against 20.4 s), Prefect's services
    retrying at exit: the hard exit asked `/health` only. It now asks a question of the database (the Pending
    runs the stop left), through a real proxy in front of the session's server; a real answering API is left."""
    from urllib.parse import urlsplit

    import flows.cli
    from flows.cancelwatch import CancelWatch
    from flows.localserver import PrefectApi

    from newsflow import cli_signals
    from tests.hostile.apiproxy import ApiProxy

    ended: list[int] = []
    monkeypatch.setattr(flows.cli, "end_now", ended.append)  # it ends the process: recorded instead
    monkeypatch.setattr(flows.cli, "drop_further_interrupts", lambda: None)  # the test process's handlers stay
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    if api != "answers":
        proxy.fail(rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)", 500 if api.startswith("fails") else None)
    url = f"http://127.0.0.1:{proxy.port}/api"
    cli_signals.mark_as_the_command()
    try:
        code = flows.cli.interrupted(None, "quiet", PrefectApi(url, local=False, started=False), CancelWatch(url))
    finally:
        cli_signals._the_command.clear()
        proxy.close()
    assert code == 130 and capsys.readouterr().err.startswith("newsflow: interrupted")
    assert ended == ([] if api == "answers" else [130])


@pytest.mark.usefixtures("signals_kept")
@pytest.mark.parametrize("api", ["cut but /health", "fails all but /health", "answers"])
def test_a_stopped_runs_end_waiting_on_a_failing_api_ends_in_one_line_exit_4(
    prefect_api: str, capsys: pytest.CaptureFixture[str], api: str,
) -> None:
    """Item 3: a `newsflow run` stopped while its API cuts every call but `/health` said its line 65.4 s after the
    SIGTERM (main, measured): its end waited on Prefect's client's retries (2+4+8+16+32 s), past a stopped run's
    60 s. Once a stop is asked and the run has not ended `grace_s` later, the watch asks the API (a real proxy in
    front of the session's server) and, failing, gives the command's one line, exit 4; an API that answers is left."""
    import threading
    from urllib.parse import urlsplit

    from flows.stoppedend import StoppedRunWatch

    from newsflow.cli_signals import note_a_stop_asked
    from tests.hostile.apiproxy import ApiProxy

    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    if api != "answers":
        proxy.fail(rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)", 500 if api.startswith("fails") else None)
    failed: list[Exception] = []
    asked = threading.Event()

    def on_failing(error: Exception) -> None:
        failed.append(error)
        asked.set()

    watch = StoppedRunWatch(f"http://127.0.0.1:{proxy.port}/api", on_failing, grace_s=0.05).start()
    try:
        note_a_stop_asked()  # what the run's stop handler notes
        if api == "answers":  # its first question answered: the watch asks again, never calling
            assert proxy.wait_for_connections(1, 30)
        else:
            assert asked.wait(30)
    finally:
        watch.end()
        proxy.close()
    assert (failed == []) if api == "answers" else ("the stopped run's end waited" in str(failed[0])), failed
