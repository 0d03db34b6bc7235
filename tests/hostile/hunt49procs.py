"""Hunt 49's processes (`hunt49world`): the stopped run (ended by its stop, or killed as a unit), a reader holding
the warehouse from before it, and the clean follow-up; each bounded by the example's `bound_s` (hunt49world's
RUN_BOUND_S, more where the property gives a failing API its client's retries: Prefect 56)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsflow.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
HOLD_FROM_THE_START = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
sys.stdin.read()
"""


def ended_run(command: list[str], env: dict[str, str], child: list[int], bound_s: float) -> tuple[int | None, str]:
    """The run's exit code (None: killed at `bound_s`) and stderr, once every process holding its stderr ended."""
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    child.append(proc.pid)
    try:
        _, err = proc.communicate(timeout=bound_s)
        return proc.returncode, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        return None, err
    finally:
        child.clear()  # the server signals the stopped run only: never the follow-up, nor a pid reused since


def killed_run(command: list[str], env: dict[str, str], child: list[int], bound_s: float) -> tuple[int | None, str]:
    """A run drawn to be SIGKILLed: once its process has ended, what it started is killed too, as `systemctl kill -s
    KILL` kills the unit's processes (its extraction workers, the forkserver, a reader it started). Its stderr goes
    to a file: those would hold a pipe open, and the OOM killer's orphans end on their own once their pipes close."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True,
                                start_new_session=True)
        child.append(proc.pid)
        try:
            code: int | None = proc.wait(timeout=bound_s)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            child.clear()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        err.seek(0)
        return code, err.read()


def held_from_the_start(path: Path) -> subprocess.Popen[str]:
    """The warehouse made (migrated, empty), then held read-only by another process until told to let go."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Warehouse(path).writing():
        pass
    holder = subprocess.Popen([sys.executable, "-c", HOLD_FROM_THE_START, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "ready\n", "the reader opened the warehouse"
    return holder


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)  # an orphan of the stopped run: nothing to wait on but its pid


def follow_up(config: Path, env: dict[str, str], bound_s: float,
              flow: bool = False) -> subprocess.CompletedProcess[str]:
    """A clean run: the CLI's own path without the flow, or (`flow`, Prefect 56) a real `newsflow run`, whose flow
    sweeps the flow runs a killed process left (flows/zombies.py)."""
    child = ["newsflow"] if flow else ["tests.hostile.run_child"]
    return subprocess.run([sys.executable, "-m", *child, "run", "--config", str(config)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=bound_s)
