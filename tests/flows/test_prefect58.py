"""Prefect 58 (docs/scheduling.md, "Prefect 58"): a `newsflow run` that ends on a failed Prefect call leaves no flow
run of its own Pending or Running where its API answers in time; each look is bounded whole."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow import cli
from tests.flows.test_prefect55 import signals_kept, states_of, stopping_as_fetched  # noqa: F401  (a fixture, used by name)
from tests.flows.test_run_modes import planet_site
from tests.hostile.apiproxy import HOLD, ApiProxy
from tests.localserver import LocalServer

ALL_BUT_HEALTH = rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)"
FLOW_RUN_WRITE = rb"^POST /api/flow_runs/[^/ ]+/set_state "


class Ended(Exception):
    """`end_now` in-process: the command would have ended its process here with this code."""


@pytest.fixture
def ended_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.cli

    def end_now(code: int) -> None:
        raise Ended(code)

    monkeypatch.setattr(flows.cli, "end_now", end_now)


@pytest.fixture
def proxy(prefect_api: str) -> Iterator[ApiProxy]:
    """A real proxy in front of the session's server; Prefect's queue services made through it are drained (they
    keep their client for the process's life: Prefect 57's review, F7)."""
    from prefect._internal.concurrency.services import _QueueServiceBase

    in_front = ApiProxy(int(urlsplit(prefect_api).port or 0))
    try:
        yield in_front
    finally:
        _QueueServiceBase.drain_all(timeout=30, at_exit=False)
        in_front.close()


async def _made(runs: list[tuple[str, list[str]]]) -> list[str]:
    from flows.ingest import ingest
    from prefect.client.orchestration import get_client
    from prefect.states import Pending, Running

    async with get_client() as client:
        return [str((await client.create_flow_run(ingest, state=Pending() if state == "PENDING" else Running(),
                                                  tags=tags)).id) for state, tags in runs]


def _final(run_ids: list[str]) -> list[str]:
    return [states_of(run_id)[0][-1] for run_id in run_ids]


@pytest.mark.usefixtures("ended_here")
def test_exit_4_ends_the_runs_its_process_leaves_once_its_api_answers_again(
        proxy: ApiProxy, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 2. Exit 4 (a call its API failed: one 500 to the engine's Running write, Prefect 56's seed 5601:6) left
    the process's flow run Pending (or Running) for the next run's sweep, for good if none came. The exiting process
    now ends its own (its tag) after its line: Pending -> Cancelled, Running -> Crashed, asking again while the API
    fails (its first question is answered 500 here); another process's run is left. Reverted: `PENDING, RUNNING`.
    Through the command, the CI seed 5643:5 (tests/hostile/test_prefect56.py) checks it before its follow-up."""
    import flows.cli
    from flows.localserver import PrefectApi
    from flows.zombies import PROCESS_TAG, process_record, process_tag

    others = [PROCESS_TAG + process_record(1)]  # a live process that is not this one
    run_ids = asyncio.run(_made([("PENDING", [process_tag()]), ("RUNNING", [process_tag()]), ("PENDING", others)]))
    proxy.fail(rb"^POST /api/flow_runs/filter ", 500, heal_on=rb"^POST /api/flow_runs/filter ")
    api = PrefectApi(f"http://127.0.0.1:{proxy.port}/api", local=False, started=False)
    try:
        with pytest.raises(Ended, match="4"):
            flows.cli.leave_without_prefect(api, RuntimeError("a 500 to the Running write"))
        assert _final(run_ids) == ["CANCELLED", "CRASHED", "PENDING"]
    finally:
        asyncio.run(_cancelled(run_ids[2]))
    assert len(proxy.faults.failed) == 1, proxy.faults.failed
    assert capsys.readouterr().err.startswith("newsflow: the Prefect API at"), "its line first"


async def _cancelled(run_id: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    async with get_client() as client:
        await client.set_flow_run_state(run_id, Cancelled(), force=True)


@pytest.mark.usefixtures("ended_here")
@pytest.mark.parametrize("fault", ["holds", "cuts"])
def test_exit_4s_look_at_its_runs_ends_at_its_deadline(proxy: ApiProxy, monkeypatch: pytest.MonkeyPatch,
                                                        fault: str) -> None:
    """No hang: behind an API that holds every call but `/health` (a locked database), or cuts them, exit 4's look
    gives up at `EXIT_4_SWEEP_S`, each call bounded whole (`answer_within`); a cut one is asked again meanwhile."""
    import flows.cli
    from flows.localserver import PrefectApi

    from flows import cancelwatch

    monkeypatch.setattr(cancelwatch, "EXIT_4_SWEEP_S", 1.0)
    proxy.fail(ALL_BUT_HEALTH, HOLD if fault == "holds" else None)
    started = time.monotonic()
    with pytest.raises(Ended):
        flows.cli.leave_without_prefect(PrefectApi(f"http://127.0.0.1:{proxy.port}/api", local=False,
                                                   started=False), RuntimeError("gone"))
    took = time.monotonic() - started
    assert 0.9 < took < 3.0, f"{took:.1f} s"
    assert len(proxy.faults.failed) == (1 if fault == "holds" else 2), proxy.faults.failed


@pytest.mark.usefixtures("signals_kept")
def test_a_stopped_run_whose_cancelling_write_met_a_500_is_not_left_running(
    tmp_path: Path, server: LocalServer, proxy: ApiProxy, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 1, found measuring: a `newsflow run` stopped mid-fetch while its API answers the engine's Cancelling
    write 500 (Prefect's client does not retry a 500) ended 130 at once with its flow run Running, until the next
    run's sweep marked it Crashed, though the API answered the next call. The stopping process now ends it
    Cancelled, as its row says. Reverted (`running_too` off): `PENDING, RUNNING`."""
    from newsflow.warehouse import Warehouse, run_read_query

    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{proxy.port}/api")
    sent, stop_as_the_write_fails = stopping_as_fetched(signal.SIGTERM, before_stop=lambda: proxy.fail(
        FLOW_RUN_WRITE, 500, heal_on=FLOW_RUN_WRITE))
    config_path = planet_site(tmp_path, server, stories=1, extra={"/stops.html": stop_as_the_write_fails})
    code = cli.main(["run", "--config", str(config_path), "--quiet"])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("newsflow:")]
    assert sent == [True] and code == 130 and len(lines) == 1 and "recorded cancelled" in lines[0], (code, lines)
    assert len(proxy.faults.failed) == 1, proxy.faults.failed
    [(run_id, status)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT run_id, status FROM runs").rows
    history, _ = states_of(str(run_id))
    assert status == "cancelled" and history[-2:] == ["RUNNING", "CANCELLED"], history


def test_the_services_runner_tells_its_stop_watch_of_each_stop_signal() -> None:
    """Item 1 (`newsflow serve`): the runner takes its stop signals itself (no stop is noted as `newsflow run`
    notes one), so its handler tells the stopped service's watch; Prefect's own path runs after it as before."""
    from flows.servestop import ServiceRunner

    told: list[bool] = []
    runner = ServiceRunner(name="prefect58-told")
    runner.on_stop = lambda: told.append(True)
    with pytest.raises(SystemExit):  # Prefect's handler, the runner not started: `sys.exit(0)`
        runner.handle_sigterm()
    assert told == [True]


@pytest.mark.parametrize("api", ["cuts", "answers"])
def test_a_stopped_services_watch_starts_at_the_stop_it_is_told_of(proxy: ApiProxy, api: str) -> None:
    """Measured: `newsflow serve` SIGTERMed while its API cuts every call but `/health` exited 4 after 129 s (its
    runner's cancel and pause waited on Prefect's client's retries; the served run's Completed write after them).
    Its watch is `newsflow run`'s, started on the stop its runner tells it of: two failed questions, its line."""
    import threading

    from flows.stoppedend import StoppedRunWatch

    if api == "cuts":
        proxy.fail(ALL_BUT_HEALTH, None)
    failed: list[Exception] = []
    called = threading.Event()

    def on_failing(error: Exception) -> None:
        failed.append(error)
        called.set()

    watch = StoppedRunWatch(f"http://127.0.0.1:{proxy.port}/api", on_failing, grace_s=0.0, again_s=0.0)
    watch.start(on_noted_stops=False)
    try:
        watch.stop_asked()
        if api == "answers":
            assert proxy.wait_for_connections(2, 30)
        else:
            assert called.wait(30)
    finally:
        watch.end()
    assert (failed == []) if api == "answers" else ("2 questions" in str(failed[0]) and watch.gave_up), failed


def test_a_cancel_read_by_a_callback_as_the_services_loop_ends_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Measured (`newsflow serve` stopped behind an API answering 500): asyncio's "Exception in callback" with a
    CancelledError's two tracebacks at ERROR, the runner's loop ending while a served run was still connected to
    its control channel. The service's loop drops a cancel raised in a callback; any other error is logged."""
    from flows.servestop import _shutdowns_own_cancels_unsaid

    def cancelled() -> None:
        raise asyncio.CancelledError

    def a_bug() -> None:
        raise ValueError("a callback's bug")

    async def both() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_shutdowns_own_cancels_unsaid)
        loop.call_soon(cancelled)
        loop.call_soon(a_bug)
        await asyncio.sleep(0)  # one turn of the loop: both callbacks have run

    with caplog.at_level("ERROR", logger="asyncio"):
        asyncio.run(both())
    assert "a callback's bug" in caplog.text and "CancelledError" not in caplog.text, caplog.text


def test_a_served_runs_stop_write_refused_by_its_api_is_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Measured (`newsflow serve` stopped behind 500s, its service's exit 4 ending its served run): the served run's
    engine, handling the stop's TerminationSignal, wrote its state and met the 500; asyncio logged "unhandled
    exception during asyncio.run() shutdown" with the engine's traceback at ERROR, after the service's one line.
    Such an error (an API's, raised while handling the stop) is at debug now; the same error with no stop, or
    another error inside the stop, is asyncio's ERROR as before."""
    import logging

    import httpx
    from flows.runstop import say_stops_on_one_line
    from prefect.exceptions import TerminationSignal

    def refused() -> httpx.HTTPStatusError:
        request = httpx.Request("POST", "http://127.0.0.1:1/api/flow_runs/x/set_state")
        return httpx.HTTPStatusError("500", request=request, response=httpx.Response(500, request=request))

    def raised_in_the_stop(error: Exception) -> Exception:
        try:
            try:
                raise TerminationSignal(signal.SIGTERM)
            except TerminationSignal:
                raise error  # noqa: B904  (the engine's own write, as it handles the stop)
        except Exception as raised:
            return raised

    async def report() -> None:
        say_stops_on_one_line()
        loop = asyncio.get_running_loop()
        for error in (raised_in_the_stop(refused()), refused(), raised_in_the_stop(ValueError("a bug"))):
            loop.call_exception_handler({"message": "unhandled exception during asyncio.run() shutdown",
                                         "exception": error})

    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="newsflow.serve"):
        asyncio.run(report())
    errors = [type(record.exc_info[1]).__name__ for record in caplog.records
              if record.levelno >= logging.ERROR and record.exc_info]
    assert errors == ["HTTPStatusError", "ValueError"], errors


def test_a_stopped_service_gives_up_with_room_for_its_served_runs_end() -> None:
    """Measured: with `newsflow run`'s 30 s grace a service stopped behind an API holding its calls ended at 59.3 s
    (the line at 54 s, then `end_now`'s 5 s on its served run, held by the same API). The service's first question
    comes earlier, still after the 13 s restart and the 21.6 s a 3.5 s-a-call API took (Prefect 57's review, F1)."""
    from flows import stoppedend
    from tests.hostile.hunt49world import RUN_BOUND_S

    last_ends = (stoppedend.SERVICE_STOP_GRACE_S + (stoppedend.FAILURES - 1) * stoppedend.ASK_AGAIN_S
                 + stoppedend.FAILURES * stoppedend.QUERY_TIMEOUT_S)
    assert stoppedend.SERVICE_STOP_GRACE_S > 21.6 and last_ends + 5.0 <= RUN_BOUND_S - 5.0, last_ends
