"""6. Soak: many scheduled runs of `newsflow run` against a generated hostile world (tests/world).

Not part of the default set: `python -m bench --only soak` (long: 1,000 feeds, 10% of endpoints
faulty in each run, 200 runs; about 30 s a run on 2 cores). Every run is a real `newsflow run`,
a Prefect flow run on one local server the soak starts once and stops at the end. Sizes: `--soak-feeds`, `--soak-runs`,
`--soak-seed`. Prints the runs, the faults injected by kind, the entries lost (target 0), the
longest run against its budget, and every invariant violation by kind (target none).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.world import content, fetchfaults
from tests.world.driver import MAX_TREE_MIB, START_SLACK, SoakReport, soak
from tests.world.world import WorldSpec

from bench.options import Options
from bench.report import Table

TITLE = "6. Soak: consecutive runs against a generated hostile world"


def spec_for(opts: Options) -> WorldSpec:
    # The default faults, plus red teams 14 and 16's fetch classes (world15), drawn from their own stream;
    # and the page classes (one canonical claimed by many pages, a syndicated page) on 10% of the feeds.
    return WorldSpec(seed=opts.soak_seed, sites=max(1, opts.soak_feeds // 50), feeds=opts.soak_feeds,
                     runs=opts.soak_runs, fault_rate=opts.soak_fault_rate, event_rate=opts.soak_event_rate,
                     budget=opts.soak_budget, extract_workers=min(2, opts.cores),
                     faults=(*WorldSpec.faults, *fetchfaults.FETCH_FAULTS), content_fault_rate=0.1,
                     content_faults=content.PAGE_FAULTS)


def run(opts: Options) -> Table:
    spec = spec_for(opts)
    with prefect_server(opts.workdir / "soak-prefect-home") as api_url:
        report = soak(spec, opts.workdir / "soak", api_url)
    table = table_of(report)
    table.notes.append("every run a Prefect flow run (`newsflow run`) on one local server started for the soak")
    return table


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """One local Prefect server for the whole soak, started the way `newsflow run` starts one
    (flows/localserver.py, under its own PREFECT_HOME), stopped with `prefect server stop` at the end."""
    from flows.localserver import ensure_prefect_api

    saved = {name: os.environ.get(name) for name in ("PREFECT_HOME", "PREFECT_API_URL")}
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    try:
        yield ensure_prefect_api().url
    finally:
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True, timeout=120,
                       check=False)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def table_of(report: SoakReport) -> Table:
    table = Table(TITLE)
    spec = report.spec
    table.add("runs", len(report.runs), "runs", note=f"{spec.feeds} feeds on {spec.sites} sites, seed {spec.seed}")
    killed = sum(r.killed_by_world for r in report.runs)
    table.add("runs killed on purpose (SIGKILL)", killed, "runs")
    for kind, count in sorted(report.faults_injected.items()):
        table.add(f"faults injected: {kind}", count, "times")
    table.add("items the world delivered", report.items_served, "items")
    table.check("entries lost", report.entries_lost, "entries", 0, "0")
    table.add("items seen only by killed runs, not stored", report.items_unconfirmed, "items")
    longest = report.longest_run
    if longest is not None:
        table.check("longest run against its budget", longest.elapsed, "s", spec.budget + START_SLACK,
                    f"<= budget {spec.budget:.0f} s + {START_SLACK:.0f} s start-up",
                    ratio=longest.elapsed / spec.budget, note=f"run {longest.index}")
    table.check("peak memory of a run's process tree (PSS, summed)", max(r.peak_tree_mib for r in report.runs), "MiB",
                MAX_TREE_MIB, f"<= {MAX_TREE_MIB:.0f} MiB")
    table.add("  the same as RSS summed (shared pages once per process)",
              max(r.peak_tree_rss_mib for r in report.runs), "MiB")
    by_kind = Counter(v.invariant for v in report.violations)
    table.check("invariant violations", len(report.violations), "violations", 0, "0",
                note=", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    table.notes += [str(v) for v in report.violations[:20]]
    return table
