"""4. Memory: peak RSS of a `newsflow run` that stores 10,000 articles, against an empty
warehouse and against the 1,000,000-article one the growth benchmark built.

The run is the real CLI in a subprocess; its whole process tree is sampled from /proc every
0.2 s and reported by role: the main process, the extraction workers (and their forkserver),
and the Prefect server. Every `newsflow run` is a Prefect flow run: with no Prefect API
configured, as here, the first run starts the local Prefect server (a child of that run, so
its RSS is reported apart and subtracted: later runs reuse it and it is not part of a run).
Target (issue #6): at most 600 MiB.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from bench import synth
from bench.options import Options
from bench.procs import run_measured
from bench.report import Table
from bench.runs import run_cli, write_config
from bench.site import plan_site, serving, synthetic_pages

TITLE = "4. Memory: peak RSS of a 10,000-article newsflow run"
LIMIT_MIB = 600.0
PREFECT_ROLE = "prefect server"


def run(opts: Options) -> Table:
    table = Table(TITLE)
    pages = synthetic_pages(opts.memory_articles, first_seed=200_000)
    plan = plan_site(pages, opts.memory_articles, opts.memory_feeds, hosts=2, prefix="mem")
    table.notes.append(f"{opts.memory_articles:,} distinct synthetic pages (~4 KB) over {opts.memory_feeds} feeds")
    with serving(plan) as fleet:
        for label, folder in _warehouses(opts, table).items():
            config_path = write_config(folder, fleet.feed_urls(), max_articles=opts.memory_articles)
            if opts.quick:  # Prefect's start-up alone would take most of the smoke test's time
                _measure_in_process(table, label, config_path)
            else:
                _measure_cli(opts, table, label, config_path)
    _real_pages(opts, table)
    table.notes.append("role peaks are taken separately, so they need not add up to the tree's peak")
    return table


def _real_pages(opts: Options, table: Table) -> None:
    """The throughput benchmark's runs on real pages (~300 KB of HTML each, against ~4 KB here)."""
    measured = opts.shared.get("throughput_rss")
    if not measured:
        table.notes.append("real pages: run with the throughput benchmark to add its runs' peaks")
        return
    for label, finished in measured.items():
        if label == "pages":
            continue
        table.check(f"{measured['pages']:,} real pages (throughput run): {label}, whole tree",
                    finished.peak_rss_mib, "MiB", LIMIT_MIB, "<= 600 MiB",
                    note=f"peak by role {finished.peak_by_role_mib}")


def _measure_cli(opts: Options, table: Table, label: str, config_path: Path, *extra: str) -> None:
    cli = run_cli(config_path, opts.prefect_home, *extra)
    roles = cli.finished.peak_by_role_mib
    table.check(f"{label}: {' '.join(['newsflow run', *extra])}, whole tree", cli.finished.peak_rss_mib,
                "MiB", LIMIT_MIB, "<= 600 MiB",
                note=f"peak by role {roles}; {cli.counts.get('stored', 0)} stored in {cli.pipeline_s:.0f} s")
    if PREFECT_ROLE in roles:
        own = cli.finished.peak_rss_mib - roles[PREFECT_ROLE]
        table.check(f"{label}: the same without the Prefect server", own, "MiB", LIMIT_MIB, "<= 600 MiB")
    pss_roles = cli.finished.peak_pss_by_role_mib
    own_pss = cli.finished.peak_pss_mib - pss_roles.get(PREFECT_ROLE, 0.0)
    table.check(f"{label}: the same by PSS, without the Prefect server", own_pss, "MiB", LIMIT_MIB, "<= 600 MiB",
                note=f"PSS peak by role {pss_roles} (shared pages split between their sharers)")


def _measure_in_process(table: Table, label: str, config_path: Path) -> None:
    finished = run_measured([sys.executable, "-m", "bench.inprocess", str(config_path)])
    if finished.returncode != 0:
        raise RuntimeError(f"bench.inprocess failed: {finished.stderr[-2000:]}")
    summary = json.loads(finished.stdout.strip().splitlines()[-1])
    table.check(f"{label}: run_ingest alone (no Prefect), whole tree", finished.peak_rss_mib, "MiB", LIMIT_MIB,
                "<= 600 MiB", note=f"peak by role {finished.peak_by_role_mib}; {summary['articles_stored']} stored")
    table.notes.append("quick mode: run_ingest in a subprocess, without Prefect; the full run measures newsflow run")


def _warehouses(opts: Options, table: Table) -> dict[str, Path]:
    folders = {"empty warehouse": opts.workdir / "memory-empty", **_large_warehouse(opts, table)}
    if opts.quick and opts.shared.get("throughput_rss"):
        # The throughput benchmark's quick run is this path already (run_ingest alone in its own process, into an
        # empty warehouse, measured as here): its rows below stand for the empty warehouse's; ~2.5 cpu-s (tree) of a
        # process, its imports and its extraction pool fewer in the CI smoke test.
        del folders["empty warehouse"]
        table.notes.append("quick mode: the empty warehouse's run is the throughput run's (rows '... real pages')")
    return folders


def _large_warehouse(opts: Options, table: Table) -> dict[str, Path]:
    large = opts.shared.get("large_warehouse")
    if large is None or not large.exists():
        size = opts.growth_sizes[1]
        large = opts.workdir / "memory-large-source" / "news.duckdb"
        synth.populate(large, size, "mem", opts.memory_feeds)
    folder = opts.workdir / "memory-large"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(large, folder / "news.duckdb")
    table.notes.append(f"large warehouse: a copy of {large} ({large.stat().st_size / 2**20:.0f} MiB)")
    return {f"{opts.growth_sizes[1]:,}-article warehouse": folder}
