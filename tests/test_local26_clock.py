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
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from newsflow import cli, cli_run
from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query

FAR = {"1970": datetime(1970, 1, 2, tzinfo=UTC), "2038+": datetime(2038, 1, 19, 3, 14, 30, tzinfo=UTC),
       "2200": datetime(2200, 1, 1, tzinfo=UTC)}


@pytest.fixture(scope="module")
def feed_url() -> Iterator[str]:
    server = LocalServer()
    site, items = Site("Courier"), list[tuple[str, str, datetime | None]]()
    for story in (generated_story(k) for k in range(2)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    server.add("/feed.xml", Page(rss_feed("courier", items), "application/rss+xml"))
    yield server.url("/feed.xml")
    server.close()


def _direct_run(args: argparse.Namespace) -> int:
    """`newsflow run` (flows/cli.py) without the Prefect flow around `run_ingest`, as tests.world.child's."""
    config = load_config(args.config)
    config.select_feeds(args.feed)
    cli_run.check_warehouse_writable(config)
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


def _stored(config: Path) -> tuple[int, int]:
    return query(config, "SELECT count(*), count(DISTINCT url) FROM articles")[0]  # type: ignore[return-value]


# CI keeps one sequence (two runs: ~2 cpu-s); `NEWSFLOW_LOCAL26_CLOCKS=1` runs every far clock first on a fresh
# warehouse, then each other far clock on it used (moved back or on), then the real clock.
SEQUENCES = ([("2200", "real")] if not os.environ.get("NEWSFLOW_LOCAL26_CLOCKS") else
             [(first, *[w for w in FAR if w != first], "real") for first in FAR])


@pytest.mark.usefixtures("direct")
@pytest.mark.parametrize("clocks", SEQUENCES, ids="-".join)
def test_runs_at_a_clock_far_from_now_then_at_the_real_one_store_each_story_once(
    tmp_path: Path, feed_url: str, capsys: pytest.CaptureFixture[str], clocks: tuple[str, ...]
) -> None:
    config = write_config(tmp_path, "", {"courier": feed_url}, extract={"workers": 1})
    newsflow = _commands(config, capsys)
    for when in clocks:  # the first on a fresh warehouse, the next on it used, the clock moved back or on
        with time_machine.travel(FAR.get(when, datetime.now(UTC)), tick=True):
            newsflow(["run", "--all", "--quiet"] if when != "real" else ["run", "--quiet"])
            assert _stored(config) == (2, 2), when  # each story once, whatever the clock
            assert (when if when != "real" else str(datetime.now(UTC).year)) in newsflow(["feeds"])
            for far in FAR:  # the readers at every far clock, on a used warehouse
                with time_machine.travel(FAR[far], tick=True):
                    newsflow(["stories"])
                    newsflow(["query", "busiest_hours"])
    polls = query(config, "SELECT polled_at FROM polls")
    assert len(polls) == len(clocks), "each run polled the feed: the real clock's too, not in 2200 plus a back-off"
