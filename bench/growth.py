"""3. Growth: a run costs the same with 1,000 and with 1,000,000 articles already stored.

Both warehouses are filled with synthetic rows (bench/synth.py: articles of ~300 bytes of text,
their entries and fetch events). Against each, in this process (no Prefect):
- a run with 1,000 new articles (20 feeds x 50 new synthetic pages), then
- runs that find nothing new: the same feeds, served without validators, so every poll is a
  200 whose items are all known (the costlier kind of "nothing new"; a 304 skips the parse).
The runs alternate between the two warehouses so that machine noise hits both alike.
Target (issue #6): the large warehouse's time within 1.2x the small one's, for both runs.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench import synth
from bench.options import Options
from bench.report import Table, ratio
from bench.runs import InProcessRun, run_in_process, write_config
from bench.site import plan_site, serving, synthetic_pages

TITLE = "3. Growth: the same runs against 1,000 and 1,000,000 stored articles"
FEED_PREFIX = "grow"


def run(opts: Options) -> Table:
    table = Table(TITLE)
    small, large = opts.growth_sizes
    pages = synthetic_pages(opts.growth_new, first_seed=50_000)
    plan = plan_site(pages, opts.growth_new, opts.growth_feeds, hosts=2, prefix=FEED_PREFIX, feed_validators=False)
    with serving(plan) as fleet:
        configs = {size: _prepare(opts, table, size, fleet.feed_urls()) for size in (small, large)}
        new = {size: run_in_process(path) for size, path in configs.items()}
        nothing: dict[int, list[InProcessRun]] = {small: [], large: []}
        for _ in range(opts.growth_repeats):
            for size, path in configs.items():
                nothing[size].append(run_in_process(path))
    opts.shared["large_warehouse"] = configs[large].parent / "news.duckdb"
    _report(table, small, large, new, nothing, opts.growth_new)
    return table


def _prepare(opts: Options, table: Table, size: int, feeds: dict[str, str]) -> Path:
    folder = opts.workdir / f"growth-{size}"
    seconds = synth.populate(folder / "news.duckdb", size, FEED_PREFIX, len(feeds))
    table.notes.append(f"{size:,} synthetic articles written in {seconds:.1f} s "
                       f"({(folder / 'news.duckdb').stat().st_size / 2**20:.0f} MiB file)")
    return write_config(folder, feeds)


def _load_stages(run: InProcessRun) -> float:
    """Loading articles: the stage that touches the stored rows most (entries are committed inside
    the poll stage, with its fetches). Loads run one at a time, so unlike fetch+extract (two batches
    overlap) their sum is wall time."""
    return run.stages.get("load articles", 0.0)


def _stage_note(run: InProcessRun) -> str:
    return ", ".join(f"{k} {v:.2f} s" for k, v in run.stages.items())


def _report(table: Table, small: int, large: int, new: dict[int, InProcessRun],
            nothing: dict[int, list[InProcessRun]], new_count: int) -> None:
    quiet = {size: statistics.median(r.summary.elapsed_s for r in runs) for size, runs in nothing.items()}
    table.add(f"nothing new, {small:,} stored (median of {len(nothing[small])})", quiet[small], "s", ratio=1.0,
              note=_stage_note(nothing[small][-1]))
    table.check(f"nothing new, {large:,} stored (median of {len(nothing[large])})", quiet[large], "s",
                1.2 * quiet[small], "<= 1.2x small", ratio=ratio(quiet[large], quiet[small]),
                note=_stage_note(nothing[large][-1]) + "; the rest is run set-up, list_pending and run end")
    for size in (small, large):
        counts = new[size].counts
        table.add(f"{new_count:,} new, {size:,} stored", new[size].summary.elapsed_s, "s",
                  ratio=ratio(new[size].summary.elapsed_s, new[small].summary.elapsed_s),
                  target="<= 1.2x small" if size == large else "",
                  passed=None if size == small else new[large].summary.elapsed_s <= 1.2 * new[small].summary.elapsed_s,
                  note=f"{counts['articles_stored']} stored; {_stage_note(new[size])}")
    for size in (small, large):
        table.add(f"{new_count:,} new, {size:,} stored: load stages only", _load_stages(new[size]), "s",
                  ratio=ratio(_load_stages(new[size]), _load_stages(new[small])),
                  note="extraction is most of the run and its noise hides growth; the loads show it")
