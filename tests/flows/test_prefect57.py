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
from tests.flows.test_prefect55 import signals_kept, states_of, stopping_as_fetched  # noqa: F401  (a fixture, used by name)
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
    import flows.leaving
    from flows.cancelwatch import CancelWatch
    from flows.localserver import PrefectApi

    from newsflow import cli_signals
    from tests.hostile.apiproxy import ApiProxy

    ended: list[int] = []
    monkeypatch.setattr(flows.leaving, "end_now", ended.append)  # it ends the process: recorded instead
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
    front of the session's server) and, after `failures` failed questions in a row, gives the command's one line,
    exit 4; an API that answers is left."""
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

    watch = StoppedRunWatch(f"http://127.0.0.1:{proxy.port}/api", on_failing, grace_s=0.0, again_s=0.0).start()
    try:
        note_a_stop_asked()  # what the run's stop handler notes: the watch waits on it, no flag polled (review F6)
        if api == "answers":  # its questions answered: the watch asks again, never calling
            assert proxy.wait_for_connections(2, 30)
        else:
            assert asked.wait(30)
    finally:
        watch.end()
        proxy.close()
    if api == "answers":
        assert failed == [] and not watch.gave_up
    else:
        assert "2 questions of its database failed in a row" in str(failed[0]) and watch.gave_up, failed
        assert len(proxy.faults.failed) == 2, "given up only at the second question failed in a row (review F1)"


def test_the_watch_rides_out_a_restart_and_a_slow_api_and_gives_up_within_the_stopped_runs_budget() -> None:
    """The promise in numbers (docs/scheduling.md, Prefect 57, review F1): the first question comes after the 13 s
    restart and the 21.6 s a 3.5 s-a-call API took main to end its stopped run Cancelled; a question waits longer
    than such a call; and the last question of an API that never answers ends within hunt 49's 60 s bound, with
    room for `end_now`'s wait on the children (`stop_children`, 5 s at most)."""

    from flows import stoppedend
    from tests.hostile.hunt49world import RUN_BOUND_S

    assert stoppedend.STOP_GRACE_S > 21.6 and stoppedend.QUERY_TIMEOUT_S > 2 * 3.5 and stoppedend.FAILURES >= 2
    last_ends = (stoppedend.STOP_GRACE_S + (stoppedend.FAILURES - 1) * stoppedend.ASK_AGAIN_S
                 + stoppedend.FAILURES * stoppedend.QUERY_TIMEOUT_S)
    assert last_ends == 54.0 and last_ends + 5.0 <= RUN_BOUND_S


@pytest.mark.usefixtures("signals_kept")
def test_a_stopped_run_whose_api_fails_a_question_then_answers_ends_130_cancelled_as_on_main(
    tmp_path: Path, server: LocalServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Review F1 and F2, through `run_command` itself (the watch as the command wires it): a `newsflow run` stopped
    mid-fetch while its API cuts every call but `/health`, until the watch's first question has been cut (a server
    back from a restart). The engine's Cancelling write is retried by Prefect's client and goes through; the watch's
    next question is answered. Before, the first failed question gave exit 4 and left the flow run Running (the
    review's 13 s restart); main and now: 130, the row and the flow run Cancelled. Without the watch started, no
    question reaches the proxy and this fails too."""
    from urllib.parse import urlsplit

    import flows.cli
    import flows.leaving
    from prefect._internal.concurrency.services import _QueueServiceBase

    from flows import stoppedend
    from newsflow.warehouse import Warehouse, run_read_query
    from tests.hostile.apiproxy import ApiProxy

    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{proxy.port}/api")
    monkeypatch.setattr(stoppedend, "STOP_GRACE_S", 0.0)  # at once, while the API is down
    monkeypatch.setattr(stoppedend, "ASK_AGAIN_S", 0.3)
    monkeypatch.setattr(flows.cli, "is_the_command", lambda: True)  # the watch is the command's only
    left: list[Exception] = []
    monkeypatch.setattr(flows.leaving, "leave_without_prefect", lambda api, error, **_: left.append(error))
    monkeypatch.setattr(flows.leaving, "end_now", lambda code: left.append(RuntimeError(f"end_now({code})")))
    sent, stop_as_the_api_goes_down = stopping_as_fetched(signal.SIGTERM, before_stop=lambda: proxy.fail(
        rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)", None, heal_on=rb"^POST /api/flow_runs/count "))

    config_path = planet_site(tmp_path, server, stories=1, extra={"/stops.html": stop_as_the_api_goes_down})
    try:
        code = cli.main(["run", "--config", str(config_path), "--quiet"])
    finally:  # Prefect's services (logs, events, concurrency slots) keep the client they made through the proxy
        # for the process's life: stopped now, later runs here make their own (test_prefect55 failed after this)
        _QueueServiceBase.drain_all(timeout=30, at_exit=False)
        proxy.close()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("newsflow:")]
    assert sent == [True] and code == 130 and left == [], (code, left, lines)
    assert len(lines) == 1 and lines[0].startswith("newsflow: interrupted; the run is recorded cancelled"), lines
    cut_questions = [line for line in proxy.faults.failed if b"/flow_runs/count" in line]
    assert cut_questions, f"the watch asked nothing while the API was down: {proxy.faults.failed}"
    [(run_id, status)] = run_read_query(Warehouse(tmp_path / "warehouse" / "news.duckdb"),
                                        "SELECT run_id, status FROM runs").rows
    history, _ = states_of(str(run_id))
    assert status == "cancelled" and history[-1] == "CANCELLED" and "RUNNING" in history, history


@pytest.mark.usefixtures("signals_kept")
def test_a_stopped_runs_watch_behind_an_api_answering_503_gives_red_team_20s_advice(
    prefect_api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Review F5: the watch's line wrapped the 503 in its TimeoutError, so it said "stopped answering … start that
    server again" of a server that answers. It says what red team 20's line says of a 5xx: the server's log."""
    import threading
    from urllib.parse import urlsplit

    import flows.cli
    import flows.leaving
    from flows.localserver import PrefectApi
    from flows.stoppedend import StoppedRunWatch

    from newsflow.cli_signals import note_a_stop_asked
    from tests.hostile.apiproxy import ApiProxy

    ended: list[int] = []
    monkeypatch.setattr(flows.leaving, "end_now", ended.append)  # it ends the process: recorded instead
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    proxy.fail(rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)", 503)
    url = f"http://127.0.0.1:{proxy.port}/api"
    said = threading.Event()

    def on_failing(error: Exception) -> None:
        flows.leaving.leave_without_prefect(PrefectApi(url, local=False, started=False), error)
        said.set()

    watch = StoppedRunWatch(url, on_failing, grace_s=0.0, again_s=0.0).start()
    try:
        note_a_stop_asked()
        assert said.wait(30)
    finally:
        watch.end()
        proxy.close()
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "answered 503 to a call" in line and "its server's log says why" in line, line
    assert "start that server again" not in line and ended == [4], line


@pytest.mark.usefixtures("signals_kept")
def test_a_stop_asked_again_as_the_watch_says_its_line_raises_nothing_out_of_end() -> None:
    """Review F3: `end()` waited on the lock the watch held while it said its line and ended the process
    (`stop_children`, up to 5 s); a Ctrl-C pressed again raised KeyboardInterrupt out of that wait, and the
    command said "interrupted" beside the watch's line. The second Ctrl-C is sent to the main thread once it is
    in `end()`, while the watch is in its line; `end()` returns, the Ctrl-C handled and dropped."""
    import socket
    import threading

    from flows.stoppedend import StoppedRunWatch

    from newsflow.cli_signals import note_a_stop_asked

    with socket.create_server(("127.0.0.1", 0)) as taken:
        refused = f"http://127.0.0.1:{taken.getsockname()[1]}/api"  # closed below: every question refused
    handled, saying = threading.Event(), threading.Event()

    def ctrl_c(signum: int, frame: object) -> None:
        handled.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, ctrl_c)
    watches: list[StoppedRunWatch] = []

    def on_failing(error: Exception) -> None:  # the line said; the process ends after its children (here: this)
        saying.set()
        watches[0]._over.wait(10)  # the main thread is in end()
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        handled.wait(10)

    watches.append(StoppedRunWatch(refused, on_failing, grace_s=0.0, again_s=0.0).start())
    note_a_stop_asked()
    assert saying.wait(30)
    try:
        watches[0].end()
    except KeyboardInterrupt:  # before the fix; a failure, not the end of the test session
        pytest.fail("the second Ctrl-C came out of end(): the command would say its own line beside the watch's")
    assert handled.is_set() and watches[0].gave_up


def test_a_question_answered_a_byte_at_a_time_ends_at_its_deadline() -> None:
    """Review F4: urllib's timeout bounds each read, so a server sending a byte every 0.1 s held a "2 s" call for as
    long as it liked (40 s and more measured), after the stop's line, with Ctrl-C dropped. Each call is now bounded
    whole: the stopped run's question and item 1's sweep give up at their deadline."""
    import socket
    import threading
    import time

    from flows.cancelwatch import cancel_what_the_stop_left_pending
    from flows.stoppedend import query_failure

    done = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle(client: socket.socket) -> None:
        with client:
            client.recv(65_536)
            client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n")
            for _ in range(60):
                if done.wait(0.1):  # the pace of the trickle, not a wait on anything
                    return
                try:
                    client.sendall(b" ")
                except OSError:
                    return

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=trickle, args=(client,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    try:
        started = time.monotonic()
        error = query_failure(url, timeout_s=0.5)
        swept = cancel_what_the_stop_left_pending(url, timeout_s=0.5)
        took = time.monotonic() - started
    finally:
        done.set()
        listener.close()
    assert isinstance(error, TimeoutError) and swept is False, (error, swept)
    assert took < 3.0, f"{took:.1f} s: the calls waited on the trickle (6 s each), not their deadline"
