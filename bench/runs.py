"""Run the pipeline the two ways a benchmark needs: the real CLI in a subprocess (Prefect and
start-up included), and `newsflow.pipeline.run_ingest` in this process (no Prefect), with the
time of each stage recorded."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.procs import Finished, run_measured, venv_bin
from newsflow.batchfetch import extract_batch, fetch_within, without_html
from newsflow.config import load_config
from newsflow.models import PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runbatches import load_fetched
from newsflow.runner import RunContext, RunSummary, Stages, run_ingest


def write_config(folder: Path, feeds: dict[str, str], *, warehouse: str = "news.duckdb",
                 batch_size: int = 100, workers: int = 0, max_articles: int | None = None) -> Path:
    """A config for loopback benchmarks: no politeness delay, loopback allowed, robots.txt respected.

    `max_articles` raises the per-run cap (`execution.max_articles_per_run`, 5,000 by default) for
    a benchmark whose one run must store more."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "[warehouse]", f'path = "{warehouse}"', "",
        "[fetch]", "timeout = 30.0", "concurrency = 32", "per_host_concurrency = 32", "per_host_delay = 0.0",
        'allowed_networks = ["127.0.0.0/8"]', "respect_robots = true", "",
        "[extract]", f"workers = {workers}", "timeout = 30.0", f"batch_size = {batch_size}", "",
        "[polling]", "min_interval = 0",  # poll every feed on every run: the benchmarks rerun feeds at once
    ]
    if max_articles is not None:
        lines += ["", "[execution]", f"max_articles_per_run = {max_articles}"]
    for name, url in feeds.items():
        lines += ["", "[[feeds]]", f'name = "{name}"', f'url = "{url}"']
    path = folder / "newsflow.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class CliRun:
    finished: Finished
    status: str
    pipeline_s: float  # run_ingest's own clock, printed in the summary line
    counts: dict[str, int]
    stages: dict[str, float] = field(default_factory=dict)  # only without Prefect (bench.inprocess)

    @property
    def startup_s(self) -> float:
        """Everything the run's own clock does not cover: imports, Prefect's API, flow set-up."""
        return self.finished.wall_s - self.pipeline_s


def run_cli(config_path: Path, prefect_home: Path, *extra: str) -> CliRun:
    """`newsflow run`, a Prefect flow run: with no API configured it starts (or reuses) a local Prefect
    server under `prefect_home`; `python -m bench` stops it at the end (bench.__main__)."""
    env = {"PREFECT_HOME": str(prefect_home), "PREFECT_API_URL": "", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1"}
    finished = run_measured([venv_bin("newsflow"), "run", "--config", str(config_path), "--json", *extra], env=env)
    if finished.returncode != 0:
        raise RuntimeError(f"newsflow run failed ({finished.returncode}): {finished.stderr[-2000:]}")
    return from_summary(finished, read_json_summary(finished.stdout))


def read_json_summary(stdout: str) -> dict[str, Any]:
    """The summary `newsflow run --json` (or bench.inprocess) prints as its last line."""
    lines = stdout.strip().splitlines()
    if not lines:
        raise RuntimeError("the run printed no summary")
    summary: dict[str, Any] = json.loads(lines[-1])
    return summary


def from_summary(finished: Finished, summary: dict[str, Any]) -> CliRun:
    counts = {"fetched": summary["articles_fetched"], "stored": summary["articles_stored"],
              "failed": summary["articles_failed"], "duplicates": summary["duplicates"],
              "entries_new": summary["entries_new"]}
    return CliRun(finished, summary["status"], float(summary["elapsed_s"]), counts, summary.get("stages", {}))


def run_subprocess_without_prefect(config_path: Path) -> CliRun:
    """`run_ingest` in its own process (bench.inprocess), measured like the CLI: the quick mode's
    stand-in for `newsflow run`, whose Prefect start-up alone takes 10-25 s."""
    finished = run_measured([sys.executable, "-m", "bench.inprocess", str(config_path)])
    if finished.returncode != 0:
        raise RuntimeError(f"bench.inprocess failed ({finished.returncode}): {finished.stderr[-2000:]}")
    return from_summary(finished, read_json_summary(finished.stdout))


@dataclass
class TimedStages(Stages):
    """The direct stages, each timed; batches overlap, so per-stage sums can exceed the run."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    async def poll(self, *args: Any) -> Any:
        with self._timed("poll"):  # fetch, parse and commit each feed's entries
            return await super().poll(*args)

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        """`Stages.batch`, with fetch+extract and the load timed apart."""
        assert ctx.pool is not None
        with self._timed("fetch+extract"):
            fetched, results = await fetch_within(batch, ctx.fetcher, ctx.deadline)
            extractions = await asyncio.to_thread(extract_batch, results, ctx.pool, ctx.kept_pages_dir)
        with self._timed("load articles"):
            counts = await load_fetched(ctx, fetched, without_html(results), extractions)
        counts.articles_deferred += len(batch) - len(fetched)
        return counts


@dataclass
class InProcessRun:
    summary: RunSummary
    wall_s: float
    stages: dict[str, float]

    @property
    def counts(self) -> dict[str, int]:
        return self.summary.counts.as_dict()


def run_in_process(config_path: Path, feed_names: Sequence[str] | None = None) -> InProcessRun:
    """`run_ingest` with timed stages, no Prefect; the run id is a fresh UUID."""
    config = load_config(config_path)
    stages = TimedStages()
    started = time.perf_counter()
    summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), feed_names, stages=stages))
    return InProcessRun(summary, time.perf_counter() - started, stages.seconds)
