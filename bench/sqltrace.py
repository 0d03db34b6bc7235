"""`python -m bench.sqltrace WORKDIR`: where the warehouse time of a run goes, statement by statement.

Wraps the connection that `Warehouse.writing()` yields so that every `execute` is timed, then,
against the growth benchmark's small and large warehouses (left in WORKDIR by
`python -m bench --workdir WORKDIR`), runs a nothing-new run and loads a batch of 10,000
articles. Prints the statements that took the most time at each size: the evidence for the
growth and load hotspots in docs/performance.md.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import growth, synth
from bench.runs import run_in_process, write_config
from bench.site import plan_site, serving, synthetic_pages
from newsflow.warehouse import Warehouse, load_articles, transaction


class TimedConnection:
    """A stand-in for the DuckDB connection that records each statement's time."""

    def __init__(self, con: Any, seconds: dict[str, float]) -> None:
        self._con, self._seconds = con, seconds

    def execute(self, sql: str, *params: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *params)
        finally:
            key = label(sql)
            self._seconds[key] = self._seconds.get(key, 0.0) + time.perf_counter() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def label(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()[:90]


@contextmanager
def traced(seconds: dict[str, float]) -> Iterator[None]:
    original = Warehouse.writing

    @contextmanager
    def writing(self: Warehouse) -> Iterator[Any]:
        started = time.perf_counter()
        context = original(self)
        con = context.__enter__()
        _add(seconds, "(open + migrate check)", started)
        try:
            yield TimedConnection(con, seconds)
        finally:
            closing = time.perf_counter()
            context.__exit__(None, None, None)
            _add(seconds, "(close: checkpoint)", closing)

    Warehouse.writing = writing  # type: ignore[method-assign]
    try:
        yield
    finally:
        Warehouse.writing = original  # type: ignore[method-assign]


def _add(seconds: dict[str, float], key: str, started: float) -> None:
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started


def report(title: str, seconds: dict[str, float], top: int = 8) -> None:
    print(f"\n== {title}: {sum(seconds.values()):.2f} s in SQL ==")
    for statement, spent in sorted(seconds.items(), key=lambda item: -item[1])[:top]:
        print(f"{spent:8.3f} s  {statement}")


def main(argv: list[str]) -> int:
    workdir = Path(argv[0])
    pages = synthetic_pages(1000, first_seed=50_000)
    plan = plan_site(pages, 1000, 20, hosts=2, prefix=growth.FEED_PREFIX, feed_validators=False)
    with serving(plan) as fleet:
        for folder in sorted(workdir.glob("growth-*"), key=lambda p: int(p.name.split("-")[1])):
            config_path = write_config(folder, fleet.feed_urls())
            seconds: dict[str, float] = {}
            with traced(seconds):
                run = run_in_process(config_path)
            report(f"{folder.name}: nothing-new run, {run.summary.elapsed_s:.2f} s", seconds)
    if "--runs-only" in argv:
        return 0
    for folder in sorted(workdir.glob("growth-*"), key=lambda p: int(p.name.split("-")[1])):
        site = f"https://trace{time.time_ns()}.example/"
        articles, attempts, events = synth.article_batch(10_000, "trace", site=site)
        seconds = {}
        with Warehouse(folder / "news.duckdb").writing() as con:
            synth.insert_entries_for(con, articles, "trace")
            with transaction(con):
                load_articles(TimedConnection(con, seconds), articles, attempts, events)  # type: ignore[arg-type]
        report(f"{folder.name}: load_articles of 10,000", seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
