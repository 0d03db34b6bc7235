"""Prefect 56 (docs/scheduling.md, "Prefect 56"): a `newsflow run` stopped between the engine's Running write and the
flow's first line ends Cancelled, not Crashed; what of Prefect's that relies on, pinned."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from prefect._internal import control_listener
from prefect.exceptions import TerminationSignal
from prefect.utilities.engine import is_prefect_sigterm_handler_installed

import flows
from newsflow import cli
from newsflow.cli_signals import a_stop_was_asked
from newsflow.warehouse import Warehouse, run_read_query
from tests.flows.test_prefect55 import signals_kept, states_of  # noqa: F401  (a fixture, used by name)
from tests.flows.test_run_modes import planet_site
from tests.localserver import LocalServer


def sigterm_in_the_hook(flow: Any, flow_run: Any, state: Any) -> None:
    """Inside the engine's Running write (`set_state` calls its on_running hooks once the server took it): the
    engine's own SIGTERM handler raises `TerminationSignal` here, before the flow's first line."""
    os.kill(os.getpid(), signal.SIGTERM)


ANSWERS_READ: list[bytes] = []  # what the loop case's callback read of the API's answer before the stop hit it


async def sigterm_as_the_api_answer_is_read(flow: Any, flow_run: Any, state: Any) -> None:
    """The same, landing where the run waits most of that window: the loop reading the API's answer. A reader
    callback takes a real answer of the Prefect server off its socket, and the SIGTERM lands inside it, so the
    engine's handler raises out of the loop itself (the callback), not out of the engine's code, and the answer
    the callback read is lost with it: the request's waiter never hears, and only the stop can end the run."""
    from prefect.settings import PREFECT_API_URL

    api, loop = urlsplit(PREFECT_API_URL.value()), asyncio.get_running_loop()
    connection = socket.create_connection((api.hostname or "127.0.0.1", api.port or 80), timeout=5)
    connection.sendall(b"GET /api/health HTTP/1.0\r\nHost: prefect\r\n\r\n")
    connection.setblocking(False)
    answered: asyncio.Future[bytes] = loop.create_future()

    def read_the_answer() -> None:
        loop.remove_reader(connection)
        ANSWERS_READ.append(connection.recv(65536))
        os.kill(os.getpid(), signal.SIGTERM)  # the engine's handler raises here, in the callback
        answered.set_result(ANSWERS_READ[-1])  # never reached: the read answer goes with the callback

    loop.add_reader(connection, read_the_answer)
    try:
        await asyncio.wait_for(answered, 10)  # without the loop's handler: a timeout, the hook's error, the run goes on
    finally:
        connection.close()


@pytest.mark.usefixtures("signals_kept")
@pytest.mark.parametrize("hook", [sigterm_in_the_hook, sigterm_as_the_api_answer_is_read], ids=["engine", "loop"])
def test_a_sigterm_after_the_running_write_before_the_flows_first_line_ends_cancelled(
    tmp_path: Path, server: LocalServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], hook: Callable[..., Any],
) -> None:
    """Before: `PENDING, RUNNING, CRASHED` ('aborted by a termination signal'), exit 130 (Prefect 55's review, F2):
    the engine's handler was in and no cancel intent committed. Now Cancelled, no row (the runner never opened the
    run), its one line, exit 130; and the run leaves nothing armed for a later run in this process. `loop`: the
    engine's `TerminationSignal` raised in an asyncio callback, which asyncio swallowed ("Exception in callback" at
    ERROR) and the run went on, completed, exit 0."""
    from flows import ingest as ingest_module

    ANSWERS_READ.clear()

    flow_runs: list[str] = []

    def noted(flow: Any, flow_run: Any, state: Any) -> Any:
        flow_runs.append(str(flow_run.id))
        # what Prefect 56 relies on: here the engine's handler has SIGTERM (a Prefect that moved it fails here)
        assert is_prefect_sigterm_handler_installed(), signal.getsignal(signal.SIGTERM)
        return hook(flow, flow_run, state)

    monkeypatch.setattr(ingest_module, "ingest", ingest_module.ingest.with_options(on_running=[noted]))
    config_path = planet_site(tmp_path, server, stories=1)
    assert cli.main(["run", "--config", str(config_path), "--quiet"]) == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line for line in lines if line.startswith("newsflow:")] == [lines[-1]], lines
    assert "stopped before it started, so it has no row" in lines[-1], lines
    [run_id] = flow_runs
    history, _ = states_of(run_id)
    assert "CRASHED" not in history and history[-1] == "CANCELLED", history
    warehouse_file = tmp_path / "warehouse" / "news.duckdb"
    assert not warehouse_file.exists() or run_read_query(Warehouse(warehouse_file), "SELECT * FROM runs").rows == []
    assert control_listener.get_intent() is None, "a later run in this process would start cancelled"
    assert signal.getsignal(signal.SIGTERM) is flows._interrupt, "SIGTERM is newsflow run's again"
    if hook is sigterm_as_the_api_answer_is_read:  # the stop hit the callback as it held the API's real answer
        [answer] = ANSWERS_READ
        assert answer.startswith(b"HTTP/1.") and b" 200 " in answer.split(b"\r\n")[0], answer[:200]


@pytest.mark.usefixtures("signals_kept")
def test_any_other_error_asyncio_catches_in_a_callback_is_still_asyncios_to_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The run's loop takes only the engine's `TerminationSignal` out of a callback as the stop; a bug in a callback
    is logged by asyncio's own handler as before, and the run goes on, unstopped."""
    def broken() -> None:
        raise ValueError("a callback's bug")

    async def the_run() -> str:
        asyncio.get_running_loop().call_soon(broken)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return "done"

    with caplog.at_level("ERROR", logger="asyncio"):
        assert flows.run_stoppably(the_run(), stop_raised_as=(TerminationSignal,)) == "done"
    assert "Exception in callback" in caplog.text and "a callback's bug" in caplog.text, caplog.text
    assert not a_stop_was_asked()


def test_a_run_its_process_left_pending_is_ended_cancelled_by_the_next_runs_sweep(prefect_api: str) -> None:
    """A 500 to the engine's Running write (the property's seed 5601:6) ends `newsflow run` with exit 4 and its flow run
    Pending for good: no sweep took Pending runs, and its process was recorded only once the flow began. The flow
    run now carries its process as a tag from its creation, and the next run's sweep ends it Cancelled (it never
    ran); one of a live process, and a Pending run with no such tag (a deployment's), are left alone; so is one
    with no tag whose `infrastructure_pid` names a dead process (review F1: a served run retried from the UI keeps
    its first process's record while its runner starts the next)."""
    from flows.zombies import PROCESS_TAG, process_record, process_tag

    from tests.flows.test_zombies import dead_pid

    gone = dead_pid()
    tagged = [([f"{PROCESS_TAG}{socket.gethostname()}:{gone}"], None), ([process_tag()], None), ([], None),
              ([], f"{socket.gethostname()}:{gone}"), ([], process_record(gone))]
    assert asyncio.run(swept(tagged)) == ["CANCELLED", "PENDING", "PENDING", "PENDING", "PENDING"]


async def swept(runs: list[tuple[list[str], str | None]], state: str = "PENDING") -> list[str]:
    """Flow runs of `ingest` made in `state` with these tags and `infrastructure_pid`s, the next run's sweep, and
    their states after it."""
    from flows.ingest import ingest
    from flows.zombies import mark_crashed_zombies
    from prefect.client.orchestration import get_client
    from prefect.states import Pending, Running

    async with get_client() as client:
        ids = []
        for tags, record in runs:
            flow_run = await client.create_flow_run(ingest, state=Pending() if state == "PENDING" else Running(),
                                                    tags=tags)
            if record is not None:
                await client.update_flow_run(flow_run.id, infrastructure_pid=record)
            ids.append(flow_run.id)
        await mark_crashed_zombies(client)
        return [(await client.read_flow_run(i)).state.type.value for i in ids]  # type: ignore[union-attr]


@pytest.mark.parametrize("state", ["PENDING", "RUNNING"])
def test_a_run_of_another_machine_with_our_hostname_is_never_swept(prefect_api: str, state: str) -> None:
    """Review F2: a boot id other than ours read as "an earlier boot" ended a live run of another machine that
    shares our hostname (cloned VMs, a container given the host's hostname). The record now names the machine
    (machine-id(5)): another machine's run is left, whatever its pid names here; this machine's earlier boot's is
    still ended (Pending: Cancelled; Running: Crashed)."""
    from flows.zombies import PROCESS_TAG, _machine_id, _start_tick

    machine = _machine_id()
    if machine is None:
        pytest.skip("no /etc/machine-id here: records carry no machine, as before")  # every Linux CI runner has it
    live, tick = os.getpid(), _start_tick(os.getpid())
    other = "0" * 32 if machine != "0" * 32 else "1" * 32
    records = [f"{socket.gethostname()}:{live} (boot {'f' * 32}, tick {tick}, machine {m})" for m in (other, machine)]
    if state == "PENDING":
        runs = [([PROCESS_TAG + record], None) for record in records]
    else:
        runs = [([], record) for record in records]
    assert asyncio.run(swept(runs, state)) == [state, "CANCELLED" if state == "PENDING" else "CRASHED"]


@pytest.mark.parametrize("gone", [True, False], ids=["API gone", "API answers"])
def test_a_stopped_run_whose_api_went_away_ends_as_its_line_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], prefect_api: str, gone: bool,
) -> None:
    """The property's seed 5602:6 (a cancel from Prefect, then the API gone): the command said its one line, exit
    130, and its process was still there 60 s later, Prefect's services retrying what they held at exit. The
    command's own process now ends as the line is said when its API does not answer (a real refused port here;
    `end_now`, which ends the process, recorded instead); one that answers (the real Prefect API) returns as before."""
    import flows.cli
    import flows.leaving
    from flows.cancelwatch import CancelWatch
    from flows.localserver import PrefectApi

    from newsflow import cli_signals

    ended: list[int] = []

    def end_now(code: int) -> None:
        ended.append(code)

    monkeypatch.setattr(flows.leaving, "end_now", end_now)
    monkeypatch.setattr(flows.cli, "drop_further_interrupts", lambda: None)  # the test process's handlers stay
    url = "http://127.0.0.1:9/api" if gone else prefect_api
    cli_signals.mark_as_the_command()
    try:
        code = flows.cli.interrupted(None, "quiet", PrefectApi(url, local=False, started=False), CancelWatch(url))
    finally:
        cli_signals._the_command.clear()
    assert code == 130 and capsys.readouterr().err.startswith("newsflow: interrupted")
    assert ended == ([130] if gone else [])
