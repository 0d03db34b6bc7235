"""Local 26: the clock far from now (docs/security.md, "Local 26"), in process.

A machine's clock set wrong (a dead RTC battery boots at 1970, a VM restored from a snapshot, a clock typed by
hand in 2200, past 2038's 32-bit end) and then put right, between runs of one warehouse, and for a first run on a
fresh one. `time_machine` moves this process's clock (Python's `datetime.now`, `time.time` and the C library's
`time()`/`clock_gettime(CLOCK_REALTIME)` calls it makes): every timestamp newsflow takes in Python. DuckDB's own
`now()` in SQL keeps the real clock (its C++ clock is not this process's Python), so the two disagree, as they
would not on a real machine: a stricter world than the real one for whatever compares them. Each run is the CLI's
`run` without its Prefect flow (`run_ingest` inside the command's parsing, check and summary), then the readers.
Invariants: exit 0, no traceback, the feed's two stories stored once each whatever the clock, and a run at the
real clock after one in 2200 polls the feed again (a clock set wrong for one run stops no feed for 174 years).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

try:
    import time_machine
except ImportError:  # an environment synced before this dev dependency came: skip this file, not the session
    if os.environ.get("NEWSFLOW_CI"):  # CI installs it (uv.lock): its absence there is a fault, never a skip
        raise
    pytest.skip("time-machine is not installed: `uv sync` installs it (a dev dependency)", allow_module_level=True)

from newsflow import cli, cli_run, warehouse
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

FAR = {"1970": datetime(1970, 1, 2, tzinfo=UTC), "2038+": datetime(2038, 1, 19, 3, 14, 30, tzinfo=UTC),
       "2200": datetime(2200, 1, 1, tzinfo=UTC)}


class Courier:
    """A site on a loopback server whose feed lists its first `shown` stories; each test a feed of its own."""

    def __init__(self, server: LocalServer, name: str) -> None:
        self.server, self.name, self.site = server, name, Site("Courier")
        self.url = server.url(f"/{name}.xml")

    def show(self, shown: int) -> None:
        items = list[tuple[str, str, datetime | None]]()
        for story in (generated_story(k) for k in range(shown)):
            self.server.add(f"/a/{story.slug}", Page(self.site.article_page(story)))
            items.append((story.title, self.server.url(f"/a/{story.slug}"), story.published))
        self.server.add(f"/{self.name}.xml", Page(rss_feed("courier", items), "application/rss+xml"))


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    served = LocalServer()
    yield served
    served.close()


@pytest.fixture
def courier(server: LocalServer, request: pytest.FixtureRequest) -> Courier:
    site = Courier(server, f"feed-{len(server.routes)}")
    site.show(2)
    return site


def _direct_run(args: argparse.Namespace) -> int:
    """`newsflow run` (flows/cli.py) without the Prefect flow around `run_ingest`: like flows/cli.py, it takes the
    config `cli_run.cmd_run` loaded and checked (its feeds selected, the warehouse opened as a writer), rather than
    loading and opening it a second time as tests.world.child's does (0.2-0.3 cpu-s of this test's CI time)."""
    config = args.checked_config
    summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), args.feed, all_feeds=args.all))
    cli_run.print_summary(summary.as_result(), cli_run.output_mode(args))
    return 0


@pytest.fixture
def direct(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cli_run.flow_command
    monkeypatch.setattr(cli_run, "flow_command", lambda name: _direct_run if name == "run" else real(name))


def _commands(config: Path, capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], str]:
    def run(argv: list[str]) -> str:
        capsys.readouterr()
        code = cli.main([*argv, "--config", str(config)])
        out, err = capsys.readouterr()
        assert code == 0 and "Traceback" not in err, (argv, code, err)
        return out
    return run


def _stored(wh: Path) -> tuple[int, int]:
    """The stories stored, read with DuckDB alone (its read-only open replays the `.wal` as newsflow's does),
    not through the CLI's query sandbox and another test module's helper (review; no saving measurable)."""
    con = duckdb.connect(str(wh), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])


# CI keeps one sequence (2200 on a fresh warehouse, then the real clock); `NEWSFLOW_LOCAL26_CLOCKS=1` runs every
# far clock first on a fresh warehouse, then each other far clock on it used (moved back or on), then the real one.
EVERY = bool(os.environ.get("NEWSFLOW_LOCAL26_CLOCKS"))
SEQUENCES = ([("2200",)] if not EVERY else
             [(first, *[w for w in FAR if w != first]) for first in FAR])
# each reader at every far clock by hand; in CI each at one of the far clocks no run is made at (review: the
# four commands cost ~0.2 cpu-s of a test over CI's budget, and each clock still meets a reader)
STORIES, BUSIEST = ["stories"], ["query", "busiest_hours"]
READERS = ([(far, (STORIES, BUSIEST)) for far in FAR] if EVERY else [("1970", (STORIES,)), ("2038+", (BUSIEST,))])


@contextmanager
def loads_left_in_the_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every write after the warehouse's migrations stays in the `.wal` (no checkpoint, none at close): the file a
    run killed before its checkpoint leaves, made in process. The first writer (the migrations) checkpoints."""
    real = Warehouse._connect

    def connect(self: Warehouse, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        migrated = self.path.exists() and (self.path, self.path.stat().st_ino) in warehouse._MIGRATED
        con = real(self, **kwargs)
        if migrated and not kwargs["read_only"]:
            con.execute("SET checkpoint_threshold = '1GB'; PRAGMA disable_checkpoint_on_shutdown")
        return con

    with monkeypatch.context() as patched:
        patched.setattr(Warehouse, "_connect", connect)
        yield


@pytest.mark.usefixtures("direct")
@pytest.mark.parametrize("clocks", SEQUENCES, ids="-".join)
def test_runs_at_a_clock_far_from_now_then_at_the_real_one_over_a_cut_log_store_each_story_once(
    tmp_path: Path, courier: Courier, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    clocks: tuple[str, ...], caplog: pytest.LogCaptureFixture,
) -> None:
    """A first run at a far clock on a fresh warehouse, its loads left in a `.wal` cut short (a copy or a disk
    that filled: DuckDB's replay drops the cut transaction, silently), the readers at every far clock; then, the
    clock back at now (moved back 174 years from 2200), the next run polls the feed (not in 2200 plus its back-off)
    and stores each story once."""
    config = write_config(tmp_path, "", {"courier": courier.url}, extract={"workers": 1})
    wh = load_config(config).warehouse_path
    log = Path(f"{wh}.wal")
    newsflow = _commands(config, capsys)
    for first, when in enumerate(clocks):  # the first on a fresh warehouse, the next on it used
        with time_machine.travel(FAR[when], tick=True):
            with loads_left_in_the_log(monkeypatch) if not first else contextlib.nullcontext():
                newsflow(["run", "--all", "--quiet"])
            if not first:
                assert _stored(wh) == (2, 2), "the log holds the run's loads"
                log.write_bytes(log.read_bytes()[: log.stat().st_size // 2])
                assert _stored(wh)[0] < 2, "the cut dropped a load (DuckDB's replay, silently)"
            else:
                assert _stored(wh) == (2, 2), when  # each story once, whatever the clock
            assert f"{FAR[when]:%Y-%m-%d}" in newsflow(["feeds"]), "the feed's times are the clock's"
            for far, readers in READERS:  # the readers at the far clocks CI runs no run at
                with time_machine.travel(FAR[far], tick=True):
                    for reader in readers:
                        newsflow(reader)
    courier.show(3)  # a new story
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        newsflow(["run", "--quiet"])  # the real clock: the feed is due, and what the cut dropped is fetched again
    assert _stored(wh) == (3, 3)
    said = [record.getMessage() for record in caplog.records if "ended part way through a write" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"newsflow: warning: {log} ended"), "the run says the cut (Local 27)"
