"""What months of runs leave in PREFECT_HOME: the local Prefect server's database and log, per `newsflow run`.

`python -m bench.prefect_growth [runs]` (default 12): a fresh PREFECT_HOME, a loopback site of 4 feeds and 40
generated articles, then `runs` real `newsflow run`s (the first starts the local server, flows/localserver.py,
with newsflow's settings). After the first run and after the last it reads, read-only, every table's rows in
`prefect.db`, the database's bytes (the file and its write-ahead log) and the server log's bytes; what one run
adds is the difference over the runs between. A served run adds the same flow run, plus its scheduled state.
Then every run is made 31 days old (and its events 8 days) in the stopped server's database, and one
more run starts it again: what Prefect's vacuum leaves (it runs at the server's start, then hourly). The
server is stopped with `prefect server stop` at the end. Not part of `python -m bench` (about 15 s a run
under load); figures in docs/scheduling.md, "Prefect 24".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.localserver import LOG_FILE

from bench.runs import run_cli, write_config
from bench.site import plan_site, serving, synthetic_pages

VACUUM_WAIT_S = 300.0


def table_rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as con:
        tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def sizes(home: Path) -> dict[str, int]:
    database = home / "prefect.db"
    wal = Path(f"{database}-wal")
    return {"prefect.db": database.stat().st_size, "prefect.db-wal": wal.stat().st_size if wal.exists() else 0,
            LOG_FILE: (home / LOG_FILE).stat().st_size}


def stop_server(home: Path) -> None:
    subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], capture_output=True, timeout=60,
                   env={**os.environ, "PREFECT_HOME": str(home)})


def aged_then_vacuumed(config: Path, home: Path) -> dict[str, int]:
    """Every run so far made 31 days old (its end, its events 8 days), then one more run, which starts the server
    again with newsflow's settings: the rows left once Prefect's vacuum (at the server's start, then hourly) ran."""
    stop_server(home)
    with sqlite3.connect(home / "prefect.db") as con:
        con.execute("UPDATE flow_run SET end_time = datetime(end_time, '-31 days') || '.000000' "
                    "WHERE end_time IS NOT NULL")
        for table in ("events", "event_resources"):
            con.execute(f"UPDATE {table} SET occurred = datetime(occurred, '-8 days') || '.000000'")
    run_cli(config, home)
    deadline = time.monotonic() + VACUUM_WAIT_S
    while (rows := table_rows(home / "prefect.db"))["flow_run"] > 1 and time.monotonic() < deadline:
        time.sleep(2)
    return rows


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="newsflow-growth-") as folder:
        home = Path(folder) / "home"
        plan = plan_site(synthetic_pages(40), 40, 4, hosts=1, prefix="grow")
        try:
            with serving(plan) as fleet:
                config = write_config(Path(folder) / "config", fleet.feed_urls())
                run_cli(config, home)
                rows_first, bytes_first = table_rows(home / "prefect.db"), sizes(home)
                for _ in range(runs - 1):
                    run_cli(config, home)
                rows_last, bytes_last = table_rows(home / "prefect.db"), sizes(home)
                after_vacuum = aged_then_vacuumed(config, home)
        finally:
            stop_server(home)
    between = runs - 1
    print(f"{runs} runs; per run, over the last {between} (after the first, which started the server):")
    for name in sorted(rows_last, key=lambda table: rows_first.get(table, 0) - rows_last[table]):
        if grown := rows_last[name] - rows_first.get(name, 0):
            print(f"  {name}: {grown / between:.1f} rows ({rows_last[name]} in all)")
    print("after every run was aged past the retention, and one more run:")
    for name in ("flow_run", "task_run", "flow_run_state", "task_run_state", "log", "artifact", "events",
                 "event_resources"):
        print(f"  {name}: {after_vacuum[name]} rows (was {rows_last[name]})")
    for name, size in bytes_last.items():
        print(f"  {name}: {(size - bytes_first[name]) / between / 1024:.1f} KiB ({size / 1024:.0f} KiB in all)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
