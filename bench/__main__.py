"""`python -m bench [--quick] [--only throughput,polling,...,prefect]`: run the benchmarks (bench/options.py),
print one table each (absolute figures and ratios to a baseline measured in the same run) and
write them as JSON to bench/out/.

`python -m bench --only soak [--soak-feeds 1000] [--soak-runs 200] [--soak-seed N]`: the long
soak against a generated hostile world (bench/soak.py); not in the default set."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.options import BENCHMARKS, DEFAULT_PEER_PYTHON, EXTRA_BENCHMARKS, QUICK_BENCHMARKS, Options
from bench.report import OUT_DIR, Table, machine, render, save

# Each benchmark's module, imported only when it runs: bench.soak imports the world harness and, through it,
# Prefect (~1.6 cpu-s a run), which no other benchmark needs (the CI smoke test's `--quick` runs neither).
RUNNERS: dict[str, str] = {
    "throughput": "bench.throughput",
    "polling": "bench.polling",
    "growth": "bench.growth",
    "memory": "bench.memory",
    "load": "bench.load",
    "search": "bench.search",
    "extraction": "bench.extraction",
    "prefect": "bench.prefect_cost",
    "soak": "bench.soak",
}


def runner_of(name: str) -> tuple[str, Callable[[Options], Table]]:
    """The benchmark's table title and its `run`."""
    module = importlib.import_module(RUNNERS[name])
    return module.TITLE, module.run


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: the CI smoke mode, not a timed test")
    parser.add_argument("--only", help=f"comma-separated subset of {BENCHMARKS + EXTRA_BENCHMARKS} "
                        f"(default: {BENCHMARKS}; --quick: {QUICK_BENCHMARKS})")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the JSON results")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temporary one, removed)")
    parser.add_argument("--peer-python", type=Path, default=Path(os.environ.get("NEWSFLOW_BENCH_PEER_PYTHON",
                                                                                DEFAULT_PEER_PYTHON)),
                        help="python of a venv with newspaper4k, for the extra peer")
    parser.add_argument("--search-draws", type=int, default=30,
                        help="search: random words per synthetic article (250 is a real article's distinct terms)")
    parser.add_argument("--soak-feeds", type=int, help="soak: feeds in the world (default 1000)")
    parser.add_argument("--soak-runs", type=int, help="soak: consecutive runs (default 200)")
    parser.add_argument("--soak-seed", type=int, help="soak: the world's seed (default 2026)")
    return parser.parse_args(argv)


def run_benchmarks(opts: Options) -> list[Table]:
    tables = []
    for name in opts.only:
        title, runner = runner_of(name)
        started = time.perf_counter()
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            table = runner(opts)
        except Exception as exc:  # one failing benchmark must not hide the others' figures
            traceback.print_exc()
            table = Table(title, skipped=f"crashed: {type(exc).__name__}: {exc}")
        table.notes.append(f"benchmark took {time.perf_counter() - started:.0f} s")
        print(render(table), flush=True)
        tables.append(table)
    return tables


def stop_prefect_server(prefect_home: Path) -> None:
    if (prefect_home / "server.pid").exists():
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(prefect_home)}
        subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], env=env, capture_output=True,
                       timeout=120, check=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = args.only or ",".join(QUICK_BENCHMARKS if args.quick else BENCHMARKS)
    only = tuple(name.strip() for name in chosen.split(",") if name.strip())
    unknown = [name for name in only if name not in RUNNERS]
    if unknown:
        choices = ", ".join(BENCHMARKS + EXTRA_BENCHMARKS)
        print(f"bench: unknown benchmark {', '.join(unknown)}; choose from {choices}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.ERROR)  # trafilatura warns on every page it finds empty
    # SIGTERM unwinds like Ctrl-C, so the server processes and the scratch folder are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        opts = Options.quick_mode(workdir) if args.quick else Options(workdir)
        opts.only, opts.peer_python, opts.search_draws = only, args.peer_python, args.search_draws
        for name in ("soak_feeds", "soak_runs", "soak_seed"):
            if getattr(args, name) is not None:
                setattr(opts, name, getattr(args, name))
        print(f"machine: {machine()}\n", flush=True)
        try:
            tables = run_benchmarks(opts)
        finally:  # the local Prefect server `newsflow run` started under the bench's PREFECT_HOME
            stop_prefect_server(opts.prefect_home)
    path = save(tables, {"quick": opts.quick, "only": list(only)}, args.out)
    print(f"results: {path}")
    return 1 if any(t.skipped and t.skipped.startswith("crashed") for t in tables) else 0


if __name__ == "__main__":
    sys.exit(main())
