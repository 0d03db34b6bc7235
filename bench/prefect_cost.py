"""7. Prefect's cost: every `newsflow run` is a flow run, so what does Prefect add to a hand run?

Runs of the same loopback site, each into a fresh warehouse, in this order:
1. `newsflow run` on a fresh machine: no Prefect API configured and an empty PREFECT_HOME, so it
   starts the local Prefect server (flows/localserver.py) and then runs;
2. then, three times in turn: the direct stages (`python -m bench.inprocess`: `run_ingest` with
   no Prefect), the baseline, and `newsflow run` with the server up and reused.
On a shared 2-core machine one run's time swings by seconds, so each side takes its fastest run.
Targets (issue 13): a hand run's Prefect overhead (2's `newsflow run` minus the baseline) at most
2 s once the server is up; the server start is paid once (1 minus 2); the run's peak RSS without
the server process stays within the 600 MiB of issue 6. The server is stopped with
`prefect server stop` at the end.

Where a run's wall time goes is read without instrumenting it: the server records when the flow
run went Running and when it ended, on the same clock. CPU times (the run's own process, and what
the server spent meanwhile) stretch far less than wall times under load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flows.localserver import read_state

from bench.options import Options
from bench.procs import process_cpu_s, run_measured, venv_bin
from bench.report import Table, ratio
from bench.runs import CliRun, from_summary, read_json_summary, run_subprocess_without_prefect, write_config
from bench.site import plan_site, serving, synthetic_pages

TITLE = "7. Prefect: a hand run's overhead, the first run on a fresh machine, peak RSS"
OVERHEAD_LIMIT_S = 2.0
RSS_LIMIT_MIB = 600.0
SERVER_ROLE = "prefect server"
ROUNDS = 3


@dataclass
class FlowRun:
    """One `newsflow run`, with its flow run's start and end as the server recorded them."""

    run: CliRun
    before_flow_s: float  # process start to the flow run going Running: imports, CLI, server check
    in_flow_s: float  # the flow run, Running to its end
    after_flow_s: float  # the flow run's end to the process's exit: flushes, interpreter exit
    server_cpu_s: float | None  # CPU the server spent while the run went on

    @property
    def wall_s(self) -> float:
        return self.run.finished.wall_s


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

        direct: list[CliRun] = []
        warm: list[FlowRun] = []
        try:
            first = _newsflow_run(folder("first"), home)
            for round_ in range(1, ROUNDS + 1):
                direct.append(run_subprocess_without_prefect(folder(f"direct-{round_}")))
                warm.append(_newsflow_run(folder(f"warm-{round_}"), home))
        finally:
            _stop_server(home)
    _report(table, min(direct, key=_wall), first, min(warm, key=lambda r: r.wall_s))
    table.notes.append("process wall times: direct " + ", ".join(f"{_wall(r):.2f}" for r in direct) +
                       " s; server up " + ", ".join(f"{r.wall_s:.2f}" for r in warm) + " s")
    return table


def _wall(run: CliRun) -> float:
    return run.finished.wall_s


def _report(table: Table, direct: CliRun, first: FlowRun, warm: FlowRun) -> None:
    direct_s, warm_s, first_s = _wall(direct), warm.wall_s, first.wall_s
    table.add("direct stages, no Prefect (baseline): process wall time", direct_s, "s",
              note=f"run clock {direct.pipeline_s:.2f} s, imports and exit {direct.startup_s:.2f} s")
    table.add("newsflow run, server up: process wall time", warm_s, "s", ratio=ratio(warm_s, direct_s))
    table.check("a hand run's Prefect overhead, server up (run minus baseline)", warm_s - direct_s, "s",
                OVERHEAD_LIMIT_S, "<= 2 s")
    table.add("  before the flow run (imports, CLI, server check, flow run creation)", warm.before_flow_s, "s")
    table.add("  the flow run", warm.in_flow_s, "s", note=f"of which the run clock {warm.run.pipeline_s:.2f} s")
    table.add("  after the flow run (log and event flush, interpreter exit)", warm.after_flow_s, "s")
    table.add("CPU time of the run's process: direct stages", direct.finished.cpu_s, "s")
    table.add("CPU time of the run's process: newsflow run, server up", warm.run.finished.cpu_s, "s",
              ratio=ratio(warm.run.finished.cpu_s, direct.finished.cpu_s),
              note=f"the server spent {_fmt(warm.server_cpu_s)} s of CPU meanwhile")
    table.add("newsflow run on a fresh machine (starts the server): process wall time", first_s, "s",
              ratio=ratio(first_s, direct_s))
    table.add("the server start, paid once (first run minus server-up run)", first_s - warm_s, "s")
    for label, measured in (("server up", warm.run), ("fresh machine", first.run)):
        finished = measured.finished
        own = finished.peak_rss_mib - finished.peak_by_role_mib.get(SERVER_ROLE, 0.0)
        table.check(f"peak RSS of the run without the server process ({label})", own, "MiB", RSS_LIMIT_MIB,
                    "<= 600 MiB", note=f"peak by role {finished.peak_by_role_mib}")


def _fmt(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


def _newsflow_run(config_path: Path, home: Path) -> FlowRun:
    """`newsflow run` with no Prefect API configured (PREFECT_API_URL empty) and this PREFECT_HOME."""
    env = {"PREFECT_HOME": str(home), "PREFECT_API_URL": "",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    server = _server(home)
    server_cpu_before = process_cpu_s(server[1]) if server else None
    finished = run_measured([venv_bin("newsflow"), "run", "--config", str(config_path), "--json"], env=env)
    if finished.returncode != 0:
        raise RuntimeError(f"newsflow run failed ({finished.returncode}): {finished.stderr[-2000:]}")
    summary = read_json_summary(finished.stdout)
    if summary["status"] != "completed" or summary["articles_stored"] == 0:
        raise RuntimeError(f"newsflow run stored nothing: {summary}")
    server = server or _server(home)
    if server is None:
        raise RuntimeError(f"newsflow run left no server recorded in {home}")
    server_cpu_after = process_cpu_s(server[1])
    server_cpu = None if server_cpu_before is None or server_cpu_after is None else server_cpu_after - server_cpu_before
    started, ended = _flow_run_times(server[0], summary["run_id"])
    exited = finished.started_at + finished.wall_s
    return FlowRun(from_summary(finished, summary), started - finished.started_at, ended - started, exited - ended,
                   server_cpu)


def _server(home: Path) -> tuple[str, int] | None:
    """The API URL and pid of the local server newsflow recorded in this PREFECT_HOME."""
    state = read_state(home)
    url, pid = state.get("api_url"), state.get("pid")
    return (url, pid) if isinstance(url, str) and isinstance(pid, int) else None


def _flow_run_times(api_url: str, run_id: str) -> tuple[float, float]:
    """When the flow run went Running and when it ended, as epoch seconds (the server's clock is ours)."""
    with urllib.request.urlopen(f"{api_url.rstrip('/')}/flow_runs/{run_id}", timeout=30) as response:
        flow_run = json.load(response)
    return _epoch(flow_run["start_time"]), _epoch(flow_run["end_time"])


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _stop_server(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True, timeout=120,
                   check=False)
