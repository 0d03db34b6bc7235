"""Prefect 57: Prefect 56's property (`tests/hostile/prefect56world.py`) on fixed seeds, each run in the test's own
process, for CI. A real-process example is two `newsflow run` processes with Prefect (5.6-6.9 cpu-s measured), so
even one passes the ~3 cpu-s budget; here the stopped run and its follow-up are `newsflow run` called in-process
(`cli.main`, its real flow run on the session's server through `tests/hostile/apiproxy.py`), held at the drawn point
by hunt 49's own hooks (`tests/hostile/hunt49_child.py`, installed here and taken back after), with the drawn fault on
the drawn API call, and checked by the same invariants as the real-process examples (`hunt49world`'s and
`prefect56world`'s). The stopped run records a process that has ended (its tag, its `infrastructure_pid`): it stands
for a process of its own, gone once the command returned, which is what the follow-up's sweep judges. What only a
process of its own can take (a SIGKILL; a stop pressed again after the command returned, which would land in the
test; a reader process the run starts) is not run here: `runs_in_process` says which seeds qualify.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import resource
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow import cli, polls, runbatches, runner, runstops, warehouse
from tests.hostile import hunt49_child, hunt49world, prefect56world
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.hunt49checks import follow_up_said, half_loaded, half_polled, warehouse_said
from tests.localserver import LocalServer


class Ended(Exception):
    """`end_now` in-process: the command would have ended its process here with this code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def runs_in_process(example: prefect56world.Example) -> bool:
    stop = example.stop
    return stop.signal != "SIGKILL" and not stop.again and stop.reader == "none"


@contextlib.contextmanager
def hooked_here(plan: hunt49_child.Plan) -> Iterator[None]:
    """hunt 49's hooks in this process for the stopped run, every one taken back as it ends; a full disk given back."""
    with pytest.MonkeyPatch.context() as monkeypatch, _disk_given_back():
        _hook(plan, monkeypatch)
        yield


def _hook(plan: hunt49_child.Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.cli
    import flows.ingest
    import flows.leaving

    from flows import zombies

    # The stopped run stands for a process of its own that has ended once the command returned (what the follow-up's
    # sweep judges by): the process it records, as its tag and `infrastructure_pid`, is one that has ended.
    ended = subprocess.Popen(["true"])
    ended.wait()
    record = zombies.process_record
    monkeypatch.setattr(zombies, "process_record", lambda pid=None: record(ended.pid if pid is None else pid))

    for owner, name in ((runbatches, "commit_or_spool"), (polls, "commit_or_spool"), (warehouse, "load_articles"),
                        (warehouse, "update_feed_states"), (runner, "end_run"), (runstops, "HOLD_AT_MOST_S"),
                        (runbatches.WritesInThreads, "add_committed_after_stop"), (signal, "signal"),
                        (signal, "getsignal"), (flows.cli, "configure_prefect_environment"),
                        (flows.ingest, "ingest")):
        monkeypatch.setattr(owner, name, getattr(owner, name))  # noted as it is, so the hooks below are undone

    def end_now(code: int) -> None:
        raise Ended(code)

    monkeypatch.setattr(flows.leaving, "end_now", end_now)
    hunt49_child.noting_stops(plan)
    hunt49_child.hooked(plan)
    hunt49_child.hooked_at_running(plan)


@contextlib.contextmanager
def _disk_given_back() -> Iterator[None]:
    """The plan may fill the disk (RLIMIT_FSIZE 0, SIGXFSZ ignored, as the child does): this process's, given back."""
    limit, on_xfsz = resource.getrlimit(resource.RLIMIT_FSIZE), signal.getsignal(signal.SIGXFSZ)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, on_xfsz)


def run_command(config: Path, api_url: str, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setenv("PREFECT_API_URL", api_url)
    try:
        code = cli.main(["run", "--config", str(config)])
    except Ended as ended:
        code = ended.code
    return code, capsys.readouterr().err


def run_example(tmp_path: Path, example: prefect56world.Example, api_url: str, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> tuple[list[str], hunt49world.Outcome]:
    """The stopped run and its follow-up in this process, and every invariant they broke."""
    assert runs_in_process(example), example.describe()
    path = tmp_path / "warehouse" / "news.duckdb"
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(dataclasses.asdict(example.stop) | {"warehouse": str(path)}))
    plan = hunt49_child.Plan(json.loads(plan_path.read_text()), path, plan_path.with_suffix(".notes"))
    proxy, server = ApiProxy(int(urlsplit(api_url).port or 0)), LocalServer()
    try:
        prefect56world.fail_the_api(proxy, example)
        total = hunt49world.serve(server, example.stop, [os.getpid()])
        config = hunt49world.config_for(tmp_path, server, example.stop, workers=1)
        started = time.monotonic()
        with hooked_here(plan):
            code, err = run_command(config, f"http://127.0.0.1:{proxy.port}/api", monkeypatch, capsys)
        notes = [json.loads(line) for line in plan.notes.read_text().splitlines()] if plan.notes.exists() else []
        outcome = hunt49world.Outcome(code, err, time.monotonic() - started, notes)
        proxy.faults.first_failed.set()
        proxy.close()
        found = hunt49world.stopped_run_said(outcome) + hunt49world.line_is_the_row(path, outcome)
        if example.fault != "none" and code == 4:
            found = [said for said in found if said != "exit 4"]  # documented: the API failed (one line, checked)
        found += prefect56world.one_line_said(outcome)
        found += prefect56world.left_by_its_exit(api_url, prefect56world.flow_run_of(proxy, outcome), example, outcome)
        before = tmp_path / "before_follow_up.duckdb"
        if path.exists():
            before.write_bytes(path.read_bytes())
        follow_code, follow_err = run_command(config, api_url, monkeypatch, capsys)
        if follow_code != 0:
            found.append(f"follow-up exit {follow_code}: {follow_err.strip()[-300:]}")
    finally:
        proxy.close()
        server.close()
    found += follow_up_said(path, follow_err) + warehouse_said(path, total)
    batches = [note["batch"] for note in notes if "batch" in note]
    groups = [note["polls"] for note in notes if "polls" in note]
    for run_id in {note["run_id"] for note in notes if "run_id" in note}:
        found += half_loaded(path, batches, run_id) + half_polled(path, before, groups, run_id)
    found += prefect56world.flow_run_said(api_url, prefect56world.flow_run_of(proxy, outcome), path, outcome)
    return found, outcome
