"""The benchmark suite still runs: `python -m bench --quick` prints every table and writes JSON.

A smoke test, not a timed one: quick mode uses tiny sizes and no figure is asserted, only that
each benchmark ran to the end (none crashed or was skipped) and reported its rows.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench import extraction, growth, load, memory, polling, search, throughput

from tests.conftest import SHARED_CORPORA

REPO_ROOT = Path(__file__).resolve().parents[1]
TITLES = [throughput.TITLE, polling.TITLE, growth.TITLE, memory.TITLE, load.TITLE, search.TITLE, extraction.TITLE]


# A guard against a hang, not a timing: ~67 s alone on a quiet machine; 240 s was not enough beside
# another xdist worker at a load average of ~10 (the shared machine, every engineer's tests running).
@pytest.mark.timeout(480)
def test_quick_benchmark_prints_every_table_and_writes_json(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path), "--workdir", str(tmp_path / "work")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=450,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    for title in TITLES:
        assert f"== {title} ==" in finished.stdout
    document = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    tables = {t["title"]: t for t in document["tables"]}
    assert list(tables) == TITLES
    for title, table in tables.items():
        if title == extraction.TITLE and not SHARED_CORPORA.is_dir():  # it measures real pages only
            assert "corpora not found" in table["skipped"]
            continue
        assert table["skipped"] is None, f"{title}: {table['skipped']}"
        assert all(row["value"] is not None for row in table["rows"]), title
        assert len(table["rows"]) >= 2, title
    # Quick mode measures no run of its own into an empty warehouse: the throughput run is that run (bench/memory.py).
    memory_rows = [row["name"] for row in tables[memory.TITLE]["rows"]]
    assert any("(throughput run): run_ingest alone, whole tree" in name for name in memory_rows), memory_rows
    throughput_notes = " ".join(tables[throughput.TITLE]["notes"])
    if SHARED_CORPORA.is_dir():
        assert "real pages from ../shared/corpora" in throughput_notes
    else:  # the real-page figures need ../shared; the synthetic run still exercises every path
        assert "../shared/corpora not found" in throughput_notes


def test_summary_reader_takes_what_newsflow_run_json_prints() -> None:
    """The full benchmark reads `newsflow run --json`; quick mode does not run the CLI (Prefect's
    start-up alone takes 10-25 s), so this keeps the reader in step with the CLI's summary."""
    from bench.procs import Finished
    from bench.runs import from_summary, read_json_summary

    from newsflow.cli_run import print_summary

    result = {"run_id": "abc", "status": "completed", "elapsed_s": 12.34, "feeds_polled": 20,
              "feeds_not_modified": 0, "feeds_failed": 1, "entries_new": 2000, "articles_fetched": 1990,
              "articles_stored": 1980, "articles_failed": 10, "duplicates": 5}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_summary(result, "json")
    run = from_summary(Finished(0, 20.0, buffer.getvalue(), ""), read_json_summary(buffer.getvalue()))
    assert (run.status, run.pipeline_s, round(run.startup_s, 2)) == ("completed", 12.34, 7.66)
    assert run.counts == {"fetched": 1990, "stored": 1980, "failed": 10, "duplicates": 5, "entries_new": 2000}


def test_bench_imports_a_benchmarks_module_only_to_run_it() -> None:
    """`python -m bench --quick` never imports Prefect or the world harness (bench.soak's), ~1.6 cpu-s a run;
    a fresh interpreter is the only place to see what an import pulls in."""
    from bench.__main__ import RUNNERS

    probe = "import sys, bench.__main__; print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'tests'}))"
    finished = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=120)
    assert (finished.returncode, finished.stdout.strip()) == (0, "[]"), finished.stderr[-2000:]
    # The quick run above imports seven of them by these names; the two it leaves out must resolve too.
    assert all(importlib.util.find_spec(module) for module in RUNNERS.values()), RUNNERS
