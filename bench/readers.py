"""`python -m bench.readers [--quick]`: what a reader holding the warehouse costs a run, and what replay costs.

1. The same run (a served site, fresh warehouse) without a reader, and with a read-only reader
   that opens the file right after the polls are loaded, so every batch is spooled. Then the
   next run's replay of that spool, against the baseline run's own article loads.
2. Replay cost against spooled size: K synthetic batches of 100 articles (bench.synth), spooled
   and replayed, K = 1, 4, 16 (quick: 1, 2, 4), against loading the same batches directly
   (best of two, alternating).
3. The same 8 batches loaded directly and replayed, into an empty warehouse and into one of
   200,000 articles (quick: 20,000): a replay costs what the loads it replays cost on that
   warehouse (docs/performance.md), and nothing more.

Figures are printed as tables with ratios to the baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import Table, ratio, render
from bench.runs import TimedStages, write_config
from bench.site import plan_site, serving, synthetic_pages
from bench.synth import article_batch, populate, stage_inputs
from newsflow.config import load_config
from newsflow.pipeline import LoadSettings, load_batch
from newsflow.runner import run_ingest
from newsflow.spool import Spool, SpooledLoad, replay, spool_dir_for
from newsflow.warehouse import Warehouse

HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
sys.stdin.readline()
"""


class ReaderAfterPolls(TimedStages):
    """A read-only reader opens the warehouse once the polls are loaded: every batch load is spooled."""

    holder: subprocess.Popen[str] | None = None

    async def poll(self, ctx: Any, feeds: Any) -> Any:
        counts = await super().poll(ctx, feeds)
        self.holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(ctx.store.path)], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True)
        assert self.holder.stdout is not None and self.holder.stdout.readline() == "holding\n"
        return counts

    def release(self) -> None:
        if self.holder is not None:
            self.holder.communicate("\n", timeout=30)


def beside_a_reader(work: Path, urls: int, table: Table) -> None:
    plan = plan_site(synthetic_pages(40), urls=urls, feeds=4)
    with serving(plan) as fleet:
        timings = {}
        for name in ("baseline", "reader"):
            config = load_config(write_config(work / name, fleet.feed_urls(), batch_size=50, workers=2))
            stages = ReaderAfterPolls() if name == "reader" else TimedStages()
            started = time.perf_counter()
            summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), stages=stages))
            timings[name] = (time.perf_counter() - started, stages.seconds.get("load articles", 0.0))
            assert summary.status == "completed"
            if isinstance(stages, ReaderAfterPolls):
                stages.release()
                folder = spool_dir_for(config.warehouse_path)
                spooled_mb = sum(p.stat().st_size for p in folder.glob("*.spool")) / 1e6
                files = len(list(folder.glob("*.spool")))
                started = time.perf_counter()
                with Warehouse(config.warehouse_path).run_lock():
                    assert replay(Warehouse(config.warehouse_path))
                replay_s = time.perf_counter() - started
    base_wall, base_loads = timings["baseline"]
    wall, spool_s = timings["reader"]
    table.add(f"run of {urls} articles, no reader", base_wall, "s", ratio=1.0)
    patience = load_config(work / "reader" / "newsflow.toml").write_patience
    table.add("same run beside a read-only reader (spools every batch)", wall, "s", ratio=ratio(wall, base_wall),
              note=f"includes one wait of warehouse.write_patience ({patience:.1f} s)")
    table.add("  its batch loads, spooled", spool_s, "s", ratio=ratio(spool_s, base_loads))
    table.add("  the baseline's batch loads, direct", base_loads, "s", ratio=1.0)
    table.add(f"next run's replay of {files} spool files ({spooled_mb:.1f} MB)", replay_s, "s",
              ratio=ratio(replay_s, base_loads))


def spool_batches(path: Path, batches: int, run_id: str) -> float:
    """Spool `batches` synthetic batches of 100 for `path`; returns the MB written."""
    spool = Spool(spool_dir_for(path))
    for n in range(batches):
        articles, _, _ = article_batch(100, run_id, site=f"https://{run_id}.example/b{n}/",
                                       first_seed=400_000 + 100 * n)
        args = (run_id, *stage_inputs(articles), LoadSettings(story_window_days=30))
        spool.write(SpooledLoad(f"{run_id}-{n + 1}", run_id, "newsflow.pipeline:load_batch", args,
                                datetime.now(UTC)))
    return sum(p.stat().st_size for p in spool.files()) / 1e6


def timed_replay(path: Path) -> float:
    store = Warehouse(path)
    started = time.perf_counter()
    with store.run_lock():
        assert replay(store)
    return time.perf_counter() - started


def direct_loads(path: Path, batches: int, run_id: str) -> float:
    store = Warehouse(path)
    inputs = []
    for n in range(batches):
        articles, _, _ = article_batch(100, run_id, site=f"https://{run_id}.example/b{n}/",
                                       first_seed=400_000 + 100 * n)
        inputs.append(stage_inputs(articles))
    started = time.perf_counter()
    for batch, results, extractions in inputs:
        load_batch(store, run_id, batch, results, extractions)
    return time.perf_counter() - started


def replay_by_size(work: Path, sizes: Sequence[int], table: Table, repeats: int = 2) -> None:
    """Best of `repeats`, direct loads and replays alternating, each into a fresh warehouse (a shared machine)."""
    per_batch_base = None
    for batches in sizes:
        direct, seconds, spooled_mb = float("inf"), float("inf"), 0.0
        for attempt in range(repeats):
            path = work / f"size{batches}-{attempt}" / "news.duckdb"
            path.parent.mkdir(parents=True)
            with Warehouse(path).writing():
                pass
            direct = min(direct, direct_loads(work / f"direct{batches}-{attempt}.duckdb", batches, "direct"))
            spooled_mb = spool_batches(path, batches, "spooled")
            seconds = min(seconds, timed_replay(path))
        per_batch = seconds / batches
        per_batch_base = per_batch_base or per_batch
        table.add(f"replay {batches} batches of 100 ({spooled_mb:.1f} MB)", seconds, "s",
                  ratio=ratio(seconds, direct), note=f"{per_batch * 1000:.0f} ms a batch "
                  f"({ratio(per_batch, per_batch_base):.2f}x the smallest); ratio is to loading them directly "
                  f"({direct:.2f} s)")


def replay_by_warehouse(work: Path, stored: int, table: Table) -> None:
    """Replay and direct loads of the same 8 batches, into an empty warehouse and a large one."""
    seconds = {}
    for name, articles in (("empty", 0), ("large", stored)):
        for how in ("replay", "direct"):
            path = work / f"wh-{name}-{how}" / "news.duckdb"
            path.parent.mkdir(parents=True)
            if articles:
                populate(path, articles, "synthetic", 20)
            else:
                with Warehouse(path).writing():
                    pass
            if how == "replay":
                spool_batches(path, 8, f"wh{name}")
                seconds[name, how] = timed_replay(path)
            else:
                seconds[name, how] = direct_loads(path, 8, f"wh{name}")
    for name, label in (("empty", "an empty warehouse"), ("large", f"a warehouse of {stored:,} articles")):
        table.add(f"8 batches loaded directly into {label}", seconds[name, "direct"], "s",
                  ratio=ratio(seconds[name, "direct"], seconds["empty", "direct"]))
        table.add(f"8 batches replayed into {label}", seconds[name, "replay"], "s",
                  ratio=ratio(seconds[name, "replay"], seconds[name, "direct"]),
                  note="ratio to loading the same batches directly into the same warehouse")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    quick = parser.parse_args(argv).quick
    table = Table("readers: a run beside a reader, and the replay of its spool")
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-readers-") as folder:
        work = Path(folder)
        beside_a_reader(work / "run", 60 if quick else 400, table)
        replay_by_size(work / "size", (1, 2, 4) if quick else (1, 4, 16), table)
        replay_by_warehouse(work / "warehouse", 20_000 if quick else 200_000, table)
    print(render(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
