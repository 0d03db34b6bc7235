"""6. Prefect's cost: every `newsflow run` is a flow run, so what does Prefect add to a hand run?

Runs of the same loopback site, each into a fresh warehouse, in this order:
1. the direct stages (`python -m bench.inprocess`: `run_ingest` with no Prefect), the baseline;
2. `newsflow run` on a fresh machine: no Prefect API configured and an empty PREFECT_HOME, so it
   starts the local Prefect server (flows/localserver.py) and then runs;
3. `newsflow run` again, twice: the server is up and reused;
4. the direct stages again.
On a shared 2-core machine one run's time swings by seconds, so each side takes the faster of
its two runs. Targets (issue 13): a hand run's Prefect overhead (3 minus the baseline) at most
2 s once the server is up; the server start is paid once (2 minus 3); the run's peak RSS without
the server process stays within the 600 MiB of issue 6. The server is stopped with
`prefect server stop` at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.options import Options
from bench.procs import run_measured, venv_bin
from bench.report import Table, ratio
from bench.runs import CliRun, from_summary, read_json_summary, run_subprocess_without_prefect, write_config
from bench.site import plan_site, serving, synthetic_pages

TITLE = "6. Prefect: a hand run's overhead, the first run on a fresh machine, peak RSS"
OVERHEAD_LIMIT_S = 2.0
RSS_LIMIT_MIB = 600.0
SERVER_ROLE = "prefect server"


def run(opts: Options) -> Table:
    table = Table(TITLE)
    if opts.quick:
        table.skipped = "quick mode: this benchmark starts a Prefect server (10-20 s); run it in full"
        return table
    count, feeds = opts.prefect_articles, 5
    plan = plan_site(synthetic_pages(count, first_seed=300_000), count, feeds, hosts=1, prefix="pf")
    table.notes.append(f"{count} synthetic articles over {feeds} feeds; each run into a fresh warehouse")
    home = opts.workdir / "prefect-cost-home"
    home.mkdir(parents=True, exist_ok=True)
    with serving(plan) as fleet:
        urls = fleet.feed_urls()

        def folder(name: str) -> Path:
            return write_config(opts.workdir / f"pf-{name}", urls)

        direct = [run_subprocess_without_prefect(folder("direct-1"))]
        try:
            first = _newsflow_run(folder("first"), home)
            warm = [_newsflow_run(folder("warm-1"), home)]
            direct.append(run_subprocess_without_prefect(folder("direct-2")))
            warm.append(_newsflow_run(folder("warm-2"), home))
        finally:
            _stop_server(home)
    _report(table, min(direct, key=_wall), first, min(warm, key=_wall))
    table.notes.append("process wall times: direct " + ", ".join(f"{_wall(r):.2f}" for r in direct) +
                       " s; server up " + ", ".join(f"{_wall(r):.2f}" for r in warm) + " s")
    return table


def _wall(run: CliRun) -> float:
    return run.finished.wall_s


def _report(table: Table, direct: CliRun, first: CliRun, warm: CliRun) -> None:
    direct_s, warm_s, first_s = _wall(direct), _wall(warm), _wall(first)
    table.add("direct stages, no Prefect (baseline): process wall time", direct_s, "s")
    table.add("newsflow run, server up: process wall time", warm_s, "s", ratio=ratio(warm_s, direct_s))
    table.check("a hand run's Prefect overhead, server up (run minus baseline)", warm_s - direct_s, "s",
                OVERHEAD_LIMIT_S, "<= 2 s")
    table.add("  of which inside the run's own clock (tasks, logs to the API)", warm.pipeline_s - direct.pipeline_s,
              "s", note=f"run clocks: direct {direct.pipeline_s:.2f} s, flow {warm.pipeline_s:.2f} s")
    table.add("  of which start-up and wind-down (imports, flow run, artifact)", warm.startup_s - direct.startup_s, "s")
    table.add("newsflow run on a fresh machine (starts the server): process wall time", first_s, "s",
              ratio=ratio(first_s, direct_s))
    table.add("the server start, paid once (first run minus server-up run)", first_s - warm_s, "s")
    for label, measured in (("server up", warm), ("fresh machine", first)):
        finished = measured.finished
        own = finished.peak_rss_mib - finished.peak_by_role_mib.get(SERVER_ROLE, 0.0)
        table.check(f"peak RSS of the run without the server process ({label})", own, "MiB", RSS_LIMIT_MIB,
                    "<= 600 MiB", note=f"peak by role {finished.peak_by_role_mib}")


def _newsflow_run(config_path: Path, home: Path) -> CliRun:
    """`newsflow run` with no Prefect API configured (PREFECT_API_URL empty) and this PREFECT_HOME."""
    env = {"PREFECT_HOME": str(home), "PREFECT_API_URL": "",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    finished = run_measured([venv_bin("newsflow"), "run", "--config", str(config_path), "--json"], env=env)
    if finished.returncode != 0:
        raise RuntimeError(f"newsflow run failed ({finished.returncode}): {finished.stderr[-2000:]}")
    summary = read_json_summary(finished.stdout)
    if summary["status"] != "completed" or summary["articles_stored"] == 0:
        raise RuntimeError(f"newsflow run stored nothing: {summary}")
    return from_summary(finished, summary)


def _stop_server(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True, timeout=120,
                   check=False)
