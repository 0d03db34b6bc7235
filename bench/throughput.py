"""1. Throughput: `newsflow run` on >= 2,000 served pages vs trafilatura on the same pages.

Targets (issue #6): the run, start-up excluded, within 1.25x the floor (`trafilatura.extract`
on every page in memory over all cores), and faster than trafilatura's own CLI.

The same runs are also measured in CPU seconds (user + system; unit `cpu-s`), which the shared
machine's load inflates far less than wall time: the run's own processes (main, extraction and
feed workers; Prefect's server apart) against the floor's pool, same pages, same run.
"""

from __future__ import annotations

import statistics

from bench import baselines
from bench.options import Options
from bench.procs import Finished
from bench.report import Table, ratio
from bench.runs import run_cli, run_subprocess_without_prefect, write_config
from bench.site import SourcePage, corpora_available, corpus_pages, plan_site, server_ceiling, serving, synthetic_pages

TITLE = "1. Throughput: newsflow run vs trafilatura, same pages, same run"


def pick_pages(opts: Options, table: Table) -> list[SourcePage]:
    if corpora_available():
        pages = corpus_pages(limit=10 if opts.quick else None)
        table.notes.append(f"{len(pages)} real pages from ../shared/corpora")
        return pages
    table.notes.append("synthetic pages (tests/sitefactory.py): ../shared/corpora not found beside the checkout, "
                       "so the real-page figures were not measured")
    return synthetic_pages(10 if opts.quick else 400)


def run(opts: Options) -> Table:
    table = Table(TITLE)
    pages = pick_pages(opts, table)
    plan = plan_site(pages, opts.throughput_urls, opts.throughput_feeds, hosts=2)
    page_bytes = [pages[index].html for _, _, index in plan.articles]
    table.notes.append(f"{len(plan.articles)} distinct URLs over {len(plan.feeds)} feeds on {len(plan.hosts)} "
                       f"loopback hosts, {sum(map(len, page_bytes)) / 1e6:.0f} MB of HTML; {opts.cores} cores")
    with serving(plan) as fleet:
        urls = fleet.article_urls()
        requests_s, mb_s = server_ceiling(urls)
        first = baselines.floor_extract(page_bytes)
        first_s, n = first.wall_s, len(urls)
        floor_row = table.add("floor: trafilatura.extract, in memory, all cores (mean of 2)", first_s, "s", ratio=1.0)
        floor_cpu_row = table.add("floor CPU: the same pool's user+sys (mean of 2)", first.cpu_s, "cpu-s", ratio=1.0)
        _newsflow_runs(opts, table, fleet.feed_urls(), first_s, n)
        _peers(opts, table, urls, first_s)
        # Again, after: the machine is shared and its load drifts. Quick mode times nothing (the CI
        # smoke test): the one floor stands for both, ~2 cpu-s of a pool and its imports fewer.
        second = first if opts.quick else baselines.floor_extract(page_bytes)
        floor_s, floor_cpu = (first_s + second.wall_s) / 2, (first.cpu_s + second.cpu_s) / 2
        floor_row.value, floor_row.note = floor_s, (f"{n / floor_s:.1f} pages/s, {first.found} with text; "
                                                    f"first {first_s:.1f} s, last {second.wall_s:.1f} s")
        floor_cpu_row.value = floor_cpu
        floor_cpu_row.note = f"first {first.cpu_s:.1f}, last {second.cpu_s:.1f} cpu-s"
        _rebase(table, floor_s, floor_cpu)
        alone = baselines.newsflow_extract_in_memory(page_bytes)
        table.add("newsflow extract_article, in memory, all cores", alone.wall_s, "s",
                  ratio=ratio(alone.wall_s, floor_s),
                  note=f"{n / alone.wall_s:.1f} pages/s, {alone.found} with text (extraction options + normalisation)")
        table.add("newsflow extract_article, in memory: CPU", alone.cpu_s, "cpu-s", ratio=ratio(alone.cpu_s, floor_cpu))
        table.add("server ceiling (keep-alive client, 8 threads)", requests_s, "req/s",
                  note=f"{mb_s:.0f} MB/s; the pipeline needs {n / floor_s:.0f} req/s at floor speed")
    return table


def _rebase(table: Table, floor_s: float, floor_cpu: float) -> None:
    """Recompute ratios and floor targets against the final floor (the mean of the two)."""
    for row in table.rows:
        baseline = {"s": floor_s, "cpu-s": floor_cpu}.get(row.unit)
        if row.ratio is not None and row.value is not None and baseline:
            row.ratio = row.value / baseline
        if row.target in ("<= 1.25x floor", "<= 1.25x floor CPU") and row.value is not None and baseline:
            row.passed = row.value <= 1.25 * baseline


def _cpu_rows(table: Table, label: str, finished: Finished, startup_cpu: float | None) -> None:
    """A run's CPU (its own processes, Prefect's server apart), whole and by role; targets are set by _rebase."""
    by_role = finished.cpu_by_role_s
    own = finished.cpu_without_server_s()
    table.add(f"{label}: CPU, Prefect server apart", own, "cpu-s", ratio=0.0,
              note=f"by role {by_role}; reaped (rusage) {finished.cpu_s:.1f} cpu-s")
    if startup_cpu is not None:
        table.add(f"{label}: CPU - start-up alone's CPU", own - startup_cpu, "cpu-s", ratio=0.0,
                  target="<= 1.25x floor CPU")
    for role in ("extract workers", "main"):
        table.add(f"{label}: CPU of {role}", by_role.get(role, 0.0), "cpu-s", ratio=0.0)


def _newsflow_runs(opts: Options, table: Table, feeds: dict[str, str], floor_s: float, n: int) -> None:
    work = opts.workdir / "throughput"
    startup_s = startup_cpu = None
    if not opts.quick:  # a run with no feeds: imports, Prefect's temporary API, flow set-up, nothing else
        empty = [run_cli(write_config(work / f"empty{i}", {}), opts.prefect_home).finished for i in range(2)]
        startup_s = statistics.median(e.wall_s for e in empty)
        startup_cpu = statistics.median(e.cpu_without_server_s() for e in empty)
    if opts.quick:
        cli = run_subprocess_without_prefect(write_config(work / "cli", feeds))
        table.notes.append("quick mode: 'newsflow run' is run_ingest in a subprocess, without Prefect, whose "
                           "start-up alone takes 10-25 s; the full run uses the real CLI")
    else:
        cli = run_cli(write_config(work / "cli", feeds), opts.prefect_home)
    stored = cli.counts.get("stored", 0)
    table.add("newsflow run (CLI), wall, start-up included", cli.finished.wall_s, "s",
              ratio=ratio(cli.finished.wall_s, floor_s),
              note=f"{stored} stored, {cli.counts.get('failed', 0)} failed of {n}; peak RSS "
                   f"{cli.finished.peak_rss_mib:.0f} MiB {cli.finished.peak_by_role_mib}")
    table.check("newsflow run, pipeline (run's own clock)", cli.pipeline_s, "s", 1.25 * floor_s, "<= 1.25x floor",
                ratio=ratio(cli.pipeline_s, floor_s), note=f"{n / cli.pipeline_s:.1f} pages/s")
    table.add("newsflow run, start-up (wall - run's clock)", cli.startup_s, "s")
    if startup_s is not None:
        table.add("start-up alone: newsflow run with no feeds (median of 2)", startup_s, "s",
                  note=f"{startup_cpu:.2f} cpu-s of its own processes (median)")
        table.check("newsflow run, wall - start-up-alone", cli.finished.wall_s - startup_s, "s", 1.25 * floor_s,
                    "<= 1.25x floor", ratio=ratio(cli.finished.wall_s - startup_s, floor_s))
    table.notes.append("start-up (imports, config, warehouse check; no Prefect: no API is configured) is fixed "
                       "per run and reported apart, as the issue asks")
    # Quick mode's "newsflow run" above is this very run already (run_ingest in a subprocess): not run twice.
    local = cli if opts.quick else run_subprocess_without_prefect(write_config(work / "in-process", feeds))
    table.check("run_ingest alone, own process, stages timed", local.pipeline_s, "s", 1.25 * floor_s,
                "<= 1.25x floor", ratio=ratio(local.pipeline_s, floor_s),
                note=f"peak RSS {local.finished.peak_rss_mib:.0f} MiB {local.finished.peak_by_role_mib}; stage sums "
                     "(batches overlap): " + ", ".join(f"{k} {v:.1f} s" for k, v in local.stages.items()))
    # Both runs are the same pipeline without Prefect: their difference is the machine's noise.
    table.add("newsflow run's clock - run_ingest alone (same pipeline: noise)", cli.pipeline_s - local.pipeline_s, "s")
    _cpu_rows(table, "newsflow run", cli.finished, startup_cpu)
    if not opts.quick:
        _cpu_rows(table, "run_ingest alone", local.finished, None)
    opts.shared["throughput_rss"] = {"pages": n, "newsflow run": cli.finished, "run_ingest alone": local.finished}


def _peers(opts: Options, table: Table, urls: list[str], floor_s: float) -> None:
    work = opts.workdir / "throughput"
    peer, written = baselines.trafilatura_cli(urls, work / "trafilatura-cli")
    table.add("peer: trafilatura CLI, wall", peer.wall_s, "s", ratio=ratio(peer.wall_s, floor_s),
              note=f"{len(urls) / peer.wall_s:.1f} pages/s, {written} files written, exit {peer.returncode}")
    cli_wall = next(r.value for r in table.rows if r.name.startswith("newsflow run (CLI)"))
    assert cli_wall is not None
    table.check("newsflow run wall / trafilatura CLI wall", cli_wall / peer.wall_s, "x", 1.0, "< 1.0 (faster)")
    python = opts.peer_python
    if opts.quick or python is None or not python.exists():
        table.notes.append("newspaper4k: not measured" + (" in quick mode" if opts.quick else
                           f" (no venv with it; pass --peer-python, e.g. {python})"))
        return
    paper, parsed = baselines.newspaper_peer(python, urls, work / "newspaper4k")
    table.add("peer: newspaper4k, one process per core, wall", paper.wall_s, "s", ratio=ratio(paper.wall_s, floor_s),
              note=f"{len(urls) / paper.wall_s:.1f} pages/s, {parsed} with text, exit {paper.returncode}")
