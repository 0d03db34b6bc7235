"""World16's events: what a user starts beside a run (tests/world/README.md, "World16's kinds").

- `second_run`: a second `newsflow run` of the same config, started with the run (a timer and a hand at
  the same moment: either may take the run lock) or once the world's server has answered the n-th request
  (the schedule fires while a run by hand goes on). One of the two runs; the other exits 3 with one line
  naming the other run (README, exit codes), never a traceback, and nothing is stored twice.
- `user_command`: `newsflow query`, `search`, `stories`, `feeds`, `export` or `reextract` against the warehouse
  while the run writes it. The command ends with exit 0, or 3 with one line naming the warehouse (a reader
  retries for 3 s: docs/concurrency.md), never a traceback; the run ends as it would alone. What the run
  spooled because the command held the file at its last write is owed by the next run, as beside a reader.

Each is drawn from its own random stream (`<seed>:<run>:<event>`) and only when the spec lists it, so no
seeded world changed. Kept out of driver.py, which runs and times the run itself.
"""

from __future__ import annotations

import contextlib
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import dropwhile
from pathlib import Path
from typing import TYPE_CHECKING

from tests.hostile.subprocesses import REPO
from tests.world import invariants, runproc
from tests.world.invariants import Violation

if TYPE_CHECKING:
    from tests.world.driver import RunRecord, WorldDriver

SECOND_RUN = "second_run"
USER_COMMAND = "user_command"
BESIDE_EVENTS = (SECOND_RUN, USER_COMMAND)
# argv after `newsflow`, and `--config <path>` after it; {out} is a file in the world's folder
COMMANDS = (("query", "feed_failures"), ("query", "SELECT count(*) FROM entries"), ("search", "item"),
            ("stories",), ("feeds",), ("export", "{out}", "--format", "csv"), ("reextract",), ("search", "--reindex"),
            ("search", "--compact"))
# the commands that hold the run lock while they write (reextract.py, search.refresh/compact): one started with
# the run may take it first, and the run is then refused as beside another run (exit 3, one line)
LOCK_TAKERS = (("run", "--json"), ("reextract",), ("search", "--reindex"), ("search", "--compact"))
# seconds: a reader retries a held file for 3 s, a writer (`reextract`) for 60 s (docs/concurrency.md); then exit 3
COMMAND_LIMIT = 90.0
HELD_BY_RUN = "another newsflow "  # a run refused beside a run or a writing command says so (warehouse.run_lock)
# notices before a companion's one line: a command retrying a held warehouse (warehouse.py), and where the Prefect
# UI of a `newsflow run`'s flow run is (flows/cli.py: every run and serve says it first, in one line)
NOTICES = ("waiting up to ", "newsflow: Prefect UI at ")
EXIT_HELD = 3  # README, exit codes: the warehouse cannot be opened or written (another run holds it)
EXIT_PREFECT = 4  # README, exit codes: the Prefect API cannot be reached (flows/leaving.py `leave_without_prefect`)


@dataclass(frozen=True)
class Companion:
    """One process a user starts beside the world's run."""

    event: str  # SECOND_RUN or USER_COMMAND
    argv: tuple[str, ...]  # after `newsflow`
    after_requests: int  # 0: as the run starts; n: once the server answered n requests of the run


@dataclass
class CompanionRecord:
    companion: Companion
    started: bool = False
    exit_code: int | None = None
    elapsed: float = 0.0
    over_limit: bool = False
    stderr: str = ""
    stdout: str = ""
    overlapped: bool = False  # started while the run's process was alive


def draw(seed: int, run: int, events: tuple[str, ...], rate: float, expected_requests: int) -> tuple[Companion, ...]:
    drawn: list[Companion] = []
    for event in BESIDE_EVENTS:
        rng = random.Random(f"{seed}:{run}:{event}")
        if event not in events or rng.random() >= rate:
            continue
        argv = ("run", "--json") if event == SECOND_RUN else rng.choice(COMMANDS)
        drawn.append(Companion(event, argv, rng.choice((0, rng.randint(1, max(1, expected_requests))))))
    return tuple(drawn)


@contextlib.contextmanager
def running(driver: WorldDriver, record: RunRecord, env: dict[str, str]) -> Iterator[None]:
    """Start the run's companions (each in a thread that waits for its moment) around the run; when the run has
    ended, wait for them (COMMAND_LIMIT, or the run's limit for a second run) and keep their records."""
    companions = driver.world.events.beside
    done = threading.Event()
    records = [CompanionRecord(c) for c in companions]
    threads = [threading.Thread(target=_companion, args=(driver, r, env, done), daemon=True) for r in records]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        done.set()
        for thread in threads:
            thread.join()
        record.beside = records


def _companion(driver: WorldDriver, record: CompanionRecord, env: dict[str, str], run_over: threading.Event) -> None:
    companion = record.companion
    while companion.after_requests and not driver.world.wait_requests(companion.after_requests, 0.05):
        if run_over.is_set():
            return  # the run ended before the moment came: the user came too late
    command = [sys.executable, "-m", "tests.world.child", *companion.argv, "--config", str(driver.config_path)]
    out = driver.workdir / f"beside-{driver.world.run}-export"
    command = [part.replace("{out}", str(out)) for part in command]
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    record.started, record.overlapped = True, not run_over.is_set()
    limit = driver.limit if companion.event == SECOND_RUN else COMMAND_LIMIT
    try:
        record.stdout, record.stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        runproc.kill_tree(proc)
        record.over_limit = True
        record.stdout, record.stderr = proc.communicate(timeout=30)
    record.exit_code, record.elapsed = proc.returncode, time.monotonic() - started


def adopt(driver: WorldDriver, record: RunRecord) -> None:
    """Settle what the run's companions did to its record before it is checked. A second run that took the lock
    first ran the world's run: its exit and summary stand for the run (the one the world started was refused).
    A writer that took the run lock first refused the run, which fetched nothing: it is checked as a run with
    nothing to do. A command that held the warehouse at the run's last write left that write spooled: the run
    was beside a reader (its items are owed by the next run)."""
    for companion in record.beside:
        won = companion.companion.argv in LOCK_TAKERS and companion.exit_code == 0
        if won and record.exit_code == EXIT_HELD and HELD_BY_RUN in record.stderr_tail:
            # a second run ran the world's run; a writer made it wait for the next (nothing fetched: nothing owed)
            record.exit_code, record.summary = 0, runproc.json_summary(companion.stdout)
            taker = " ".join(companion.companion.argv)
            record.stderr_tail += f"\n(refused: `newsflow {taker}` took the run lock first)"
        if (companion.companion.event == USER_COMMAND and companion.overlapped and record.exit_code == 0
                and driver.warehouse_path.exists() and invariants.spool_replayed(driver.warehouse_path, 0)):
            record.reader_held = True


def refused_by_a_writer(record: RunRecord) -> bool:
    """A writing command (not a run) took the run lock first and refused the world's run (`adopt`): it wrote no
    `runs` row and polled nothing, so the newest row is still the run before it (hunt 46: a run the world killed).
    The run's own line must name that command: `adopt` credits any lock taker that ended 0, and a run refused by
    another holder (a run) beside a writer that ran is no run a writer refused (review of hunt 46)."""
    return any(c.companion.argv in LOCK_TAKERS and c.companion.argv[0] != "run" and c.exit_code == 0
               and f"(refused: `newsflow {' '.join(c.companion.argv)}`" in record.stderr_tail
               and f"{HELD_BY_RUN}{' '.join(c.companion.argv)} " in record.stderr_tail for c in record.beside)


def another_run_ran(record: RunRecord) -> bool:
    """A run or writing command beside the run ended with exit 0: the newest `runs` row may be a second run's."""
    return any(c.companion.argv in LOCK_TAKERS and c.exit_code == 0 for c in record.beside)


def checks(record: RunRecord, warehouse: Path, *, api_lost: bool = False) -> list[Violation]:
    """Each companion ends in time, with exit 0 or one line naming the warehouse (held, or not there yet: README,
    exit code 3), and no traceback; of two runs at once, at least one ran. `api_lost` (hunt 47: the run's Prefect
    API was taken away): a companion's flow run may end 4 instead, in one line naming the Prefect API."""
    found: list[Violation] = []
    for companion in (c for c in record.beside if c.started):
        name = f"{companion.companion.event} `newsflow {' '.join(companion.companion.argv)}`"
        # a writer retrying a held file says so first (docs/concurrency.md: `waiting up to <s> s: <who holds it>`);
        # hunt 47: a reader held for the run meets a `reextract` or `search --reindex` beside it, which waits 60 s
        # and a second run as a flow run names its Prefect UI first (flows/cli.py; hunt 47: flow runs)
        # only before it: a notice after the one line is a second line (review of hunt 47: notices were dropped
        # wherever they stood, so `newsflow: <held>` then another `waiting up to …` was judged one line)
        lines = list(dropwhile(lambda line: line.startswith(NOTICES),
                               (line for line in companion.stderr.splitlines() if line.strip())))
        if companion.over_limit:
            found.append(Violation(record.index, "beside_ends", f"{name}: still running after "
                                                                f"{companion.elapsed:.0f} s"))
        elif tb := runproc.first_traceback(companion.stderr):
            found.append(Violation(record.index, "no_traceback", f"{name}: {tb[:300]}"))
        elif api_lost and companion.exit_code == EXIT_PREFECT and len(lines) == 1 and lines[0].startswith(
                "newsflow:") and "Prefect API at " in lines[0]:
            pass
        elif companion.exit_code not in (0, EXIT_HELD) or (companion.exit_code == EXIT_HELD and (
                len(lines) != 1 or not lines[0].startswith("newsflow:") or str(warehouse) not in lines[0])):
            found.append(Violation(record.index, "beside_held_is_one_line", f"{name}: exit {companion.exit_code}: "
                                                                             f"{(lines or [''])[-1][:300]}"))
        if companion.companion.event == SECOND_RUN and companion.exit_code == EXIT_HELD and record.exit_code not in (
                0, None) and not record.killed_by_world and not record.terminated_by_world:
            found.append(Violation(record.index, "one_of_two_runs_runs", f"{name}: refused, and so was the run "
                                                                         f"(exit {record.exit_code})"))
    return found
