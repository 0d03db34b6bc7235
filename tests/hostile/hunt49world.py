"""Hunt 49: a `newsflow run` stopped at a drawn point while its warehouse fails, as a generated property.

`draw` makes one example from a seed: a world (feeds of generated stories on a loopback server, a batch size), a
stop (SIGTERM or SIGINT, at the n-th article request, before/inside/after the n-th batch's write, or at the run's
row), and what fails meanwhile (the disk fills up at the point, as the stop lands or at the row; a reader holds the
warehouse from the point; the stop is asked again while the run records its end). Hunt 50 draws two more from a
stream of its own, only when asked (`hunt50=True`, test_hunt50; without it a seed draws hunt 49's example): a stop
at the poll's commit (before, inside or after the n-th group of polls' write: the feed states' save) and a SIGKILL,
which no handler sees. `run_example` runs it as a real process (`tests/hostile/hunt49_child.py`), then a clean
follow-up run, and returns every invariant it broke:

- the stopped run ends within RUN_BOUND_S, with exit 0, 3 or 130 and, when not 0, one `newsflow: ` line on stderr as
  its last (a SIGKILL: killed, or 0 when the point never came, and no line); no traceback and no asyncio "never
  retrieved" noise anywhere on stderr; the follow-up exits 0, without noise, its last line its summary, and a
  `newsflow:`-less warning of the run it marked abandoned exactly when the stopped run's row was left `running`;
- what that line says of the run's row (`recorded cancelled`, `recorded completed`, `could not be written`; exit 0:
  completed) is what its row says before the follow-up (no reader beside: a spooled row is not in the table yet);
- after the follow-up, every item is stored exactly once;
- every run's row counts what carries its id (`articles_stored`, `articles_fetched`, `entries_new`), and none is
  left `running`;
- no batch is half loaded: of each batch the stopped run wrote, all of its fetch events are under its id or none;
- no poll is half committed: of each group of polls the stopped run wrote, each feed has its poll row, its feed
  event and its entries under the stopped run's id, or none of them; and, as it left the warehouse, a feed's state
  says it was polled exactly when its poll row is there.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import random
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from newsflow.errors import NOTHING_OF_THE_LOAD
from tests.conftest import write_config
from tests.hostile.hunt49checks import NOISE, follow_up_said, half_loaded, half_polled, warehouse_said
from tests.hostile.hunt49procs import REPO, ended_run, follow_up, held_from_the_start, killed_run, wait_gone
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed
from tests.world.invariants import query
from tests.world.prefectevents import cancel_exit_is_wrong

RUN_BOUND_S = 60.0  # a stopped run ends within this: its budget is 30 s, a reader's wait 0.5 s, a held stop 0.3 s
POINTS = ("fetch", "before_load", "inside_load", "after_load", "row")
WRITE_POINTS = ("before_load", "inside_load", "after_load")
POLL_POINTS = ("before_poll", "inside_poll", "after_poll")  # hunt 50: the poll's commit, the feed states' save
STOPS = ("SIGTERM", "SIGINT", "SIGKILL", "CANCEL")


@dataclass(frozen=True)
class Example:
    feeds: tuple[int, ...]  # stories per feed
    batch_size: int
    point: str
    at: int
    signal: str
    release: str  # a write point's write goes on once the stop `landed`, or once the run's `end` waits for it
    disk: str  # none | point | stop | row
    reader: str  # none | point | point_rw | start
    again: bool
    flow: bool = False

    def describe(self) -> str:
        return json.dumps(asdict(self))


def draw(seed: str, flow: bool = False, hunt50: bool = False) -> Example:
    """An example by seed. Hunt 50's kinds (a SIGKILL, a stop at the poll's commit) only with `hunt50`: hunt 49's
    seeds replay the examples recorded of them (review of hunt 50: half of them drew another)."""
    rng = random.Random(f"hunt49:{seed}")
    feeds = tuple(rng.randint(2, 9) for _ in range(rng.choice((1, 2))))
    batch_size = rng.randint(1, 5)
    point = rng.choice(POINTS)
    most = {"fetch": sum(feeds), "row": 1}.get(point, math.ceil(sum(feeds) / batch_size))
    disk = rng.choice(("none", "none", "point", "stop", "row"))
    if point in ("fetch", "row") and disk == "point":
        disk = "stop"  # no hook of this process's own runs at those points before the stop
    at, how = rng.randint(1, max(1, most)), rng.choice(("SIGTERM", "SIGINT"))
    release, reader, again = rng.choice(("landed", "end")), rng.choice(("none", "none", "none", "point")), rng.random()
    more = random.Random(f"hunt49:{seed}:more")  # its own stream: a seed's examples drawn before it stay the same
    if flow and point in WRITE_POINTS and more.random() < 0.3:
        how = "CANCEL"
    if reader == "point" and more.random() < 0.5:
        reader = "point_rw"
    elif reader == "none" and more.random() < 0.2:
        reader = "start"  # a read-only holder from before the run: its start, loads and row are spooled
    late = random.Random(f"hunt50:{seed}")  # hunt 50's own stream, drawn last: hunt 50's seeds are hunt 49's, changed
    if not hunt50:
        return Example(feeds, batch_size, point, at, how, release, disk, reader, again < 0.3, flow)
    if late.random() < 0.3:
        point, at, release = late.choice(POLL_POINTS), late.randint(1, len(feeds)), "landed"  # `end` waits for no poll
    if how != "CANCEL" and late.random() < 0.3:
        how, again = "SIGKILL", 1.0  # asked again: no process is left to ask
        if disk == "stop":  # no handler runs: the disk fills at the point, where this process has a hook of its own
            disk = "none" if point in ("fetch", "row") else "point"
    return Example(feeds, batch_size, point, at, how, release, disk, reader, again < 0.3, flow)


class Stall(Protocol):
    """What the server does with an article's answer instead (hunt 55, `hunt55world.Stall`): True once it has."""

    def answer(self, handler: Any, body: bytes, nth: int, child: list[int]) -> bool: ...

    def end(self) -> None: ...


def serve(server: LocalServer, example: Example, child: list[int], sent: list[int] | None = None,
          stall: Stall | None = None) -> int:
    """Each feed's stories; the n-th article request (`fetch` point) signals the run's process first (its pid noted
    in `sent`); a `stall` may hold the answer."""
    asked, counting = [0], threading.Lock()
    total = 0

    def article(handler: Any, page: str | bytes) -> None:
        with counting:  # the server answers each request in its own thread
            asked[0] += 1
            nth = asked[0]
        if example.point == "fetch" and nth == example.at and child:
            os.kill(child[0], signal.Signals[example.signal])
            if sent is not None:
                sent.append(child[0])
        body = page.encode() if isinstance(page, str) else page
        if stall is None or not stall.answer(handler, body, nth, child):
            send_bytes(handler, 200, body, "text/html; charset=utf-8")

    for index, count in enumerate(example.feeds):
        site, items = Site(f"Wire {index}"), list[tuple[str, str, datetime | None]]()
        for story in (generated_story(index * 100 + n) for n in range(count)):
            page = site.article_page(story)
            server.add(f"/a/{story.slug}", functools.partial(article, page=page))
            items.append((story.title, f"/a/{story.slug}", story.published))
        server.add(f"/feed{index}.xml", Page(rss_feed(f"Wire {index}", items), "application/rss+xml"))
        total += count
    return total


def config_for(tmp_path: Path, server: LocalServer, example: Example, workers: int = 2) -> Path:
    """`workers`: extraction (and parse) processes; the CI variant's 1 costs less CPU to start."""
    feeds = {f"wire{i}": f"/feed{i}.xml" for i in range(len(example.feeds))}
    extract = {"batch_size": example.batch_size, "workers": workers}
    path = write_config(tmp_path, server.base_url, feeds, extract=extract)
    text = path.read_text(encoding="utf-8").replace('path = "warehouse/news.duckdb"',
                                                    'path = "warehouse/news.duckdb"\nwrite_patience = 0.5')
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Outcome:
    code: int | None
    stderr: str
    seconds: float
    notes: list[dict[str, Any]]
    killed: bool = False  # the drawn SIGKILL was sent (the child notes it as it sends it; the server as it does)


def run_stopped(tmp_path: Path, config: Path, example: Example, child: list[int], env: dict[str, str],
                child_killed: list[int] | None = None, bound_s: float = RUN_BOUND_S) -> Outcome:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(asdict(example) | {"warehouse": str(tmp_path / "warehouse" / "news.duckdb")}))
    command = [sys.executable, "-m", "tests.hostile.hunt49_child", str(plan), *(["--flow"] if example.flow else []),
               "run", "--config", str(config)]
    holder = held_from_the_start(tmp_path / "warehouse" / "news.duckdb") if example.reader == "start" else None
    started = time.monotonic()
    if example.signal == "SIGKILL":
        code, err = killed_run(command, env, child, bound_s)
    else:
        code, err = ended_run(command, env, child, bound_s)
    if holder is not None:
        holder.communicate("", timeout=30)  # let go once the run has ended: the follow-up replays its spool
    notes_path = plan.with_suffix(".notes")
    notes = [json.loads(line) for line in notes_path.read_text().splitlines()] if notes_path.exists() else []
    for note in notes:  # a reader the run started ends with the run (its stdin closes): the follow-up has the file
        if pid := note.get("reader_pid"):
            wait_gone(int(pid))
    sent = example.signal == "SIGKILL" and (any("stop" in note for note in notes) or bool(child_killed))
    return Outcome(code, err, time.monotonic() - started, notes, sent)


def stopped_run_said(outcome: Outcome, bound_s: float = RUN_BOUND_S) -> list[str]:
    found = []
    if outcome.code is None:
        return [f"not ended within {bound_s:.0f} s"]
    killed = -signal.SIGKILL
    if outcome.code not in (0, 3, 130, killed) or (outcome.code == killed) is not outcome.killed:
        found.append(f"exit {outcome.code}")
    found += [f"stderr carries {noise!r}" for noise in NOISE if noise in outcome.stderr]
    lines = outcome.stderr.strip().splitlines()
    if outcome.code not in (0, killed) and (not lines or not lines[-1].startswith("newsflow: ")):
        found.append(f"exit {outcome.code} without its one line: {lines[-1:]}")
    cancelled = any("cancel_refused" in note and not note["cancel_refused"] for note in outcome.notes)
    if cancelled and outcome.code == 130 and (why := cancel_exit_is_wrong(outcome.code, lines[-1] if lines else "")):
        found.append(f"cancelled from Prefect: {why}")
    return found


# What the stopped run's last line says of its row, and the status its row must have then, before the follow-up.
# Exit 3 at the row (a full disk refused it) says it too, not "Nothing of this load was stored" (seed 7311:3).
LINE_SAYS_ROW = (("the run is recorded cancelled", "cancelled"), ("the run is recorded completed", "completed"),
                 ("the run's row could not be written", "running"), ("The run's row was not written", "running"),
                 ("The run is recorded completed", "completed"), ("The run is recorded cancelled", "cancelled"))


def line_is_the_row(path: Path, outcome: Outcome) -> list[str]:
    lines = outcome.stderr.strip().splitlines()
    said = [row for words, row in LINE_SAYS_ROW if lines and words in lines[-1]]
    if outcome.code == 0:
        said = ["completed"]
    if not said or not path.exists():
        return []
    rows = query(path, "SELECT status FROM runs ORDER BY run_seq DESC LIMIT 1")
    if rows != [(said[0],)]:
        return [f"the line says the row is {said[0]}; it is {rows}: {lines[-1:]}"]
    return []


EVIDENCE = "evidence"  # in the example's folder: what `keep_evidence` keeps of a failing example


def before_follow_up(tmp_path: Path) -> None:
    """The warehouse folder as the stopped run left it (its file, log, spool, pages): a seed replays the draw, not
    the timing, so a failure that came of timing is studied from this copy or not at all (hunt 49's seed 7311:3)."""
    shutil.copytree(tmp_path / "warehouse", tmp_path / EVIDENCE / "warehouse_before_follow_up", dirs_exist_ok=True,
                    ignore_dangling_symlinks=True)


class Drawn(Protocol):
    """An example that says what was drawn: hunt 49's, or one that wraps it (prefect56world's)."""

    def describe(self) -> str: ...


def keep_evidence(tmp_path: Path, seed: str, example: Drawn, outcome: Outcome, found: list[str],
                  kept_in: Path) -> Path:
    """A failing example's evidence, in a folder pytest does not rotate away: the warehouse before the follow-up and
    after it, the stopped run's stderr and notes, the follow-up's stderr, the plan, and what broke."""
    folder = kept_in / f"{seed.replace(':', '_')}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    folder.mkdir(parents=True)
    evidence = tmp_path / EVIDENCE
    if evidence.exists():
        shutil.copytree(evidence, folder, dirs_exist_ok=True)
    if (tmp_path / "warehouse").exists():
        shutil.copytree(tmp_path / "warehouse", folder / "warehouse_after", ignore_dangling_symlinks=True)
    for name in ("plan.json", "plan.notes"):
        if (tmp_path / name).exists():
            shutil.copy2(tmp_path / name, folder / name)
    (folder / "stopped.stderr").write_text(outcome.stderr, encoding="utf-8")
    said = [f"seed {seed}", example.describe(), f"exit {outcome.code}, {outcome.seconds:.1f} s", *found]
    (folder / "found.txt").write_text("\n".join(said) + "\n", encoding="utf-8")
    return folder


def code_digest(env: dict[str, str]) -> str:
    """What the example's processes import as they start: the checkout's src/ and flows/, and their PYTHONPATH."""
    digest = hashlib.sha256(env.get("PYTHONPATH", "").encode())
    for path in sorted([*(REPO / "src" / "newsflow").rglob("*.py"), *(REPO / "flows").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_example(tmp_path: Path, example: Example, env: dict[str, str], workers: int = 2,
                follow_up_env: dict[str, str] | None = None, flow_follow_up: bool = False,
                bound_s: float = RUN_BOUND_S, stall: Stall | None = None) -> tuple[list[str], Outcome]:
    """The example's stopped run and its follow-up, and every invariant they broke; and whether the code changed
    meanwhile. Seed 7311:3's one failure (its row `abandoned` with 0 stored beside 11 articles) is what main's sweep
    gives when it runs the follow-up: a revert check beside the hunt, in the same checkout, would make it.
    `follow_up_env`: the follow-up's own (Prefect 56: the stopped run's API fails, the follow-up's does not), and
    `flow_follow_up` makes it a flow run; `bound_s`, each process's (a failing API's retries take more); `stall`, the
    server's held answers while the stopped run lives (hunt 55)."""
    (tmp_path / EVIDENCE).mkdir(parents=True, exist_ok=True)
    before = code_digest(env)
    found, outcome = _run_example(tmp_path, example, env, workers, follow_up_env or env, flow_follow_up, bound_s,
                                  stall)
    after = code_digest(env)
    (tmp_path / EVIDENCE / "code.txt").write_text(f"{before} {after} PYTHONPATH={env.get('PYTHONPATH', '')!r}\n")
    if after != before:
        found.append(f"the checkout's code changed during the example ({before} -> {after}): not this code's finding")
    return found, outcome


Ran = tuple[list[str], Outcome]


def check_example(tmp_path: Path, seed: str, example: Drawn, prefect_api: str | None, kept_in: Path,
                  workers: int = 2, run: Callable[[dict[str, str]], Ran] | None = None) -> None:
    """Run the example drawn from `seed` (on `prefect_api` when given, none otherwise) and fail with what it broke;
    hunts 49 and 50 run theirs here. A failing example's evidence is kept in `kept_in` (pytest rotates tmp_path
    away: the only evidence of a failure that came of timing goes with it); with $NEWSFLOW_HUNT49_LOG set, each
    example's summary is one JSON line there. `run` runs an example hunt 49's `run_example` does not (Prefect 56's,
    given the env), and returns what it broke."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if prefect_api is not None:
        env["PREFECT_API_URL"] = prefect_api
    if run is None:
        assert isinstance(example, Example), "another kind of example comes with its own `run`"
        found, outcome = run_example(tmp_path, example, env, workers)
    else:
        found, outcome = run(env)
    if log := os.environ.get("NEWSFLOW_HUNT49_LOG"):
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"seed": seed, "drawn": example.describe(), "code": outcome.code,
                                  "seconds": round(outcome.seconds, 1), "notes": [n for n in outcome.notes
                                  if "batch" not in n], "last": outcome.stderr.strip()[-300:], "found": found}) + "\n")
    said = f"{example.describe()}\nexit {outcome.code}, {outcome.seconds:.1f} s\n{outcome.stderr[-2000:]}"
    if found:
        said += f"\nkept in {keep_evidence(tmp_path, seed, example, outcome, found, kept_in)}"
    assert not found, said + "\n" + "\n".join(found)


def _run_example(tmp_path: Path, example: Example, env: dict[str, str], workers: int,
                 follow_up_env: dict[str, str], flow_follow_up: bool, bound_s: float,
                 stall: Stall | None = None) -> tuple[list[str], Outcome]:
    server, child, sent = LocalServer(), list[int](), list[int]()
    try:
        total = serve(server, example, child, sent, stall)
        config = config_for(tmp_path, server, example, workers)
        outcome = run_stopped(tmp_path, config, example, child, env, sent, bound_s)
        found = stopped_run_said(outcome, bound_s)
        if example.reader == "none":  # else its row may wait in the spool: the table does not say it yet
            found += line_is_the_row(tmp_path / "warehouse" / "news.duckdb", outcome)
        last = outcome.stderr.strip().splitlines()[-1:]
        if example.point == "row" and NOTHING_OF_THE_LOAD in "".join(last):  # its batches are stored by then
            found.append("a failure at the run's row says nothing of the load was stored (seed 7311:3)")
        if outcome.code is None:
            return found, outcome
        before_follow_up(tmp_path)
        if stall is not None:
            stall.end()  # the follow-up is answered at once
        after = follow_up(config, follow_up_env, bound_s, flow_follow_up)
        (tmp_path / EVIDENCE / "follow_up.stderr").write_text(after.stderr, encoding="utf-8")
        if after.returncode != 0:
            found.append(f"follow-up exit {after.returncode}: {after.stderr.strip()[-300:]}")
    finally:
        if stall is not None:
            stall.end()
        server.close()
    path = tmp_path / "warehouse" / "news.duckdb"
    found += follow_up_said(path, after.stderr)
    found += warehouse_said(path, total)
    batches = [note["batch"] for note in outcome.notes if "batch" in note]
    run_ids = {note["run_id"] for note in outcome.notes if "run_id" in note}
    groups = [note["polls"] for note in outcome.notes if "polls" in note]
    before = tmp_path / EVIDENCE / "warehouse_before_follow_up" / "news.duckdb"
    if example.reader != "none":  # its polls may wait in the spool: the table did not say them yet
        before = tmp_path / EVIDENCE / "no such file"
    for run_id in run_ids:
        found += half_loaded(path, batches, run_id)
        found += half_polled(path, before, groups, run_id)
    return found, outcome
