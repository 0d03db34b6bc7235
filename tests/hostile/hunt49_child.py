"""`python -m tests.hostile.hunt49_child PLAN.json <newsflow args>`: `newsflow run` stopped where a plan says, in
a process whose warehouse may fail meanwhile (hunt 49, `tests/hostile/hunt49world.py` draws the plans).

The plan (JSON) names a point of the run and what happens there:

- `point`: `before_load` / `after_load` (a batch's write in its worker thread, before `commit_or_spool` or once it
  has returned: committed), `inside_load` (`warehouse.load_articles`, inside the batch's transaction), `row` (the
  run's `end_run`, in the main thread), or `fetch` (the world's server signals this process as it answers the
  n-th article request: no hook here); the poll's commit (hunt 50): `before_poll` / `after_poll` (a group of
  polls' write, in its worker thread, before `commit_or_spool` or once it has returned) and `inside_poll`
  (`warehouse.update_feed_states`, the feed states' save inside the poll's transaction); `at`: the n-th time the
  run reaches it.
- `signal`: `SIGTERM` or `SIGINT`, sent to this process at the point (a real signal, through the handlers
  `newsflow run` installs), `SIGKILL` (hunt 50: no handler runs, nothing after it; the OOM killer, a power cut),
  or `CANCEL` (a flow run, at a write point): its flow run set Cancelling through
  Prefect's API, as the UI's Cancel does, and the SIGTERM its cancel watch sends then. A write point waits for the
  stop to have landed before the write goes on (`release`: `landed`, or `end`: once the run's end has begun
  waiting for its stopped writes).
- `disk`: `none`, or when the disk fills up: `point` (at the point, before the stop), `stop` (as the stop lands),
  `row` (as the run's row is written). A full disk is RLIMIT_FSIZE 0 with SIGXFSZ ignored: every write to a file
  fails with EFBIG, as `tests/hostile/fsize_child.py` does it (no root, no loop device).
- `reader`: `none`, `point` or `point_rw`: a process opening the warehouse read-only, as `newsflow query` does
  (read-write: another program's writer), is started at the point; it waits for the run's connection to close,
  then holds the file until the run's process has ended (its stdin, a pipe from this process, closes).
- `again`: a second and third stop (each `HOLD_AT_MOST_S` apart, shortened here) while the run records its end:
  the user who presses Ctrl-C again because the run does not end at once.

Without `--flow` the run is the CLI's own path without the Prefect flow (`tests/world/child.py`); with it, the real
flow run on $PREFECT_API_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import forkserver
from pathlib import Path
from types import FrameType
from typing import Any
from uuid import UUID

from newsflow import polls, runbatches, runner, runstops, warehouse
from newsflow.cli import main
from newsflow.extractpool import _process_context
from tests.world.prefectevents import _cancel

HOLD_S = 0.3  # runstops.HOLD_AT_MOST_S here: a stop asked again this long after a held one is obeyed
LANDS_WITHIN_S = 10.0  # a signal sent to this process reaches its handler within this, on a loaded machine
CANCEL_LANDS_WITHIN_S = 30.0  # the cancel watch polls the flow run's state every 2 s, slower under load
HOLDER = """
import sys, time, duckdb
while True:
    try:
        con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "point")
        break
    except duckdb.Error:
        time.sleep(0.02)  # the run's connection is open: a reader arriving waits for it, as `newsflow query` does
sys.stdin.readline()
"""


class Plan:
    def __init__(self, plan: dict[str, Any], warehouse_path: Path, notes: Path) -> None:
        self.point, self.at, self.how = plan["point"], int(plan["at"]), plan["signal"]
        self.sig = signal.SIGTERM if self.how == "CANCEL" else signal.Signals[self.how]
        self.run_id = ""
        self.release, self.disk, self.reader = plan["release"], plan["disk"], plan["reader"]
        self.again = bool(plan["again"])
        self.warehouse_path, self.notes = warehouse_path, notes
        self.reached = 0
        self.stopped = threading.Event()  # the first stop reached its handler
        self.end_waits = threading.Event()  # the run's end began waiting for its stopped writes
        self.row_written = threading.Event()
        self.lock = threading.Lock()

    def note(self, **what: Any) -> None:
        with self.lock, contextlib.suppress(OSError), self.notes.open("a", encoding="utf-8") as out:
            out.write(json.dumps(what) + "\n")  # not once the disk is full: `disk_full` is noted before it fills

    def due(self, point: str) -> bool:
        if point != self.point:
            return False
        with self.lock:
            self.reached += 1
            return self.reached == self.at

    def fill_disk(self, moment: str) -> None:
        if self.disk == moment:
            self.note(disk_full=moment)  # written before: after it this process can write no file
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    def start_reader(self) -> None:
        if self.reader != "none":
            holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(self.warehouse_path), self.reader],
                                      stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.note(reader_pid=holder.pid)

    def stop_here(self, in_main_thread: bool) -> None:
        """The stop at the point: the disk and the reader first, then the signal; a write waits for it to land."""
        self.note(stop=self.point, at=self.at, signal=self.how)  # first: once the disk is full no note is written
        self.fill_disk("point")
        self.start_reader()
        if self.how == "SIGKILL":
            os.kill(os.getpid(), signal.SIGKILL)  # nothing of this process runs after it, in any thread
        if self.how == "CANCEL":  # the UI's Cancel: the run's cancel watch sends the SIGTERM (flows/cancelwatch.py)
            self.note(cancel_refused=asyncio.run(_cancel(os.environ["PREFECT_API_URL"], UUID(self.run_id))))
            self.stopped.wait(CANCEL_LANDS_WITHIN_S)
        else:
            os.kill(os.getpid(), self.sig)
        if in_main_thread:
            return  # its handler runs as this returns; the run's end holds it (interrupts_held)
        self.stopped.wait(LANDS_WITHIN_S)
        if self.release == "end":
            self.end_waits.wait(LANDS_WITHIN_S)

    def landed(self) -> None:
        """In the stop's handler (main thread): the first one reached it."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.fill_disk("stop")
        if self.again:
            threading.Thread(target=self._press_again, daemon=True).start()

    def _press_again(self) -> None:
        for _ in range(2):
            time.sleep(HOLD_S * 1.2)  # the user's own pace: the hold obeys a stop asked again this much later
            os.kill(os.getpid(), self.sig)


def hooked(plan: Plan) -> None:
    commit_or_spool = runbatches.commit_or_spool  # type: ignore[attr-defined]  # the name runbatches calls
    commit_polls = polls.commit_or_spool  # the name polls calls
    load_articles, end_run = warehouse.load_articles, runner.end_run
    update_feed_states = warehouse.update_feed_states
    add_committed = runbatches.WritesInThreads.add_committed_after_stop

    def write(*args: Any, **kwargs: Any) -> Any:
        plan.run_id = args[1]
        plan.note(run_id=args[1], batch=[str(pending.url) for pending in args[4]])
        if plan.due("before_load"):
            plan.stop_here(False)
        done = commit_or_spool(*args, **kwargs)
        if plan.due("after_load"):
            plan.stop_here(False)
        return done

    def poll_write(*args: Any, **kwargs: Any) -> Any:
        plan.run_id = args[1]
        plan.note(run_id=args[1], polls=[poll.feed.name for poll, _ in args[4]])
        if plan.due("before_poll"):
            plan.stop_here(False)
        done = commit_polls(*args, **kwargs)
        if plan.due("after_poll"):
            plan.stop_here(False)
        return done

    def save_states(*args: Any, **kwargs: Any) -> Any:
        if plan.due("inside_poll"):
            plan.stop_here(False)
        return update_feed_states(*args, **kwargs)

    def load(*args: Any, **kwargs: Any) -> Any:
        if plan.due("inside_load"):
            plan.stop_here(False)
        return load_articles(*args, **kwargs)

    def row(*args: Any, **kwargs: Any) -> Any:
        plan.fill_disk("row")
        if plan.due("row"):
            plan.stop_here(True)
        try:
            return end_run(*args, **kwargs)
        finally:
            plan.row_written.set()

    def waits(self: runbatches.WritesInThreads, counts: Any) -> None:
        plan.end_waits.set()
        add_committed(self, counts)

    runbatches.commit_or_spool = write  # type: ignore[attr-defined]
    warehouse.load_articles = load
    polls.commit_or_spool = poll_write  # type: ignore[attr-defined]
    warehouse.update_feed_states = save_states
    runner.end_run = row
    runbatches.WritesInThreads.add_committed_after_stop = waits  # type: ignore[method-assign]
    runstops.HOLD_AT_MOST_S = HOLD_S


def hooked_at_running(plan: Plan) -> None:
    """Prefect 56's `running` point: the engine's Running write (its on_running hooks), before the flow's first line;
    every run notes its flow run's id there. The flow is wrapped once `newsflow run` set Prefect's environment up,
    before it imports the flow (flows/cli.py `run_as_flow`): importing Prefect here first would skip that."""
    import flows.cli as flows_cli

    configure = flows_cli.configure_prefect_environment

    def running(flow: Any, flow_run: Any, state: Any) -> None:
        plan.run_id = str(flow_run.id)
        plan.note(flow_run=plan.run_id)
        if plan.due("running"):
            plan.stop_here(True)

    def configured() -> None:
        configure()
        import flows.ingest

        if not flows.ingest.ingest.on_running_hooks:
            flows.ingest.ingest = flows.ingest.ingest.with_options(on_running=[running])

    flows_cli.configure_prefect_environment = configured  # type: ignore[assignment]


def noting_stops(plan: Plan) -> None:
    """Every SIGTERM or SIGINT handler the run installs notes the first stop first (as tests/world/servedsite). The
    wrapper is invisible to `signal.getsignal`: `flows._interrupt` compares what it finds there with itself."""
    install, installed = signal.signal, signal.getsignal

    def noting(signum: int, handler: Any) -> Any:
        if signum in (signal.SIGTERM, signal.SIGINT) and callable(handler) and not hasattr(handler, "inner"):
            def noted(number: int, frame: FrameType | None, handler: Callable[..., Any] = handler) -> Any:
                plan.landed()
                return handler(number, frame)
            noted.inner = handler  # type: ignore[attr-defined]
            handler = noted
        return _inner(install(signum, handler))

    def found(signum: int) -> Any:
        return _inner(installed(signum))

    signal.signal = noting  # type: ignore[assignment]
    signal.getsignal = found  # type: ignore[assignment]


def _inner(handler: Any) -> Any:
    return getattr(handler, "inner", handler)


if __name__ == "__main__":
    plan_path, flow, args = Path(sys.argv[1]), sys.argv[2:3] == ["--flow"], sys.argv[2:]
    args = args[1:] if flow else args
    settings = json.loads(plan_path.read_text(encoding="utf-8"))
    the_plan = Plan(settings, Path(settings["warehouse"]), plan_path.with_suffix(".notes"))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _process_context()
    if the_plan.disk in ("point", "stop"):  # the limit may come before the extraction pool starts its forkserver,
        forkserver.ensure_running()  # which copies the language model to a temporary file: started before it then
    noting_stops(the_plan)
    hooked(the_plan)
    if flow:
        hooked_at_running(the_plan)
    if not flow:
        from flows import sigterm_interrupts
        from tests.world.child import install_direct_run

        sigterm_interrupts()  # as tests/world/child.py: SIGTERM as Ctrl-C, which asyncio.run's handler takes
        install_direct_run()
    sys.argv[1:] = args  # main() reads them there: argv None is the program itself, with its late-signal handlers
    sys.exit(main())
