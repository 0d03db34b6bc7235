"""`python -m bench.profile --py-spy PATH [--urls N] [--cli]`: profile the throughput run.

Serves the throughput benchmark's pages, runs `run_ingest` in its own process (or, with --cli,
`newsflow run`, Prefect included) under py-spy with --subprocesses, and prints the hotspots:
the functions with the most samples on top of the stack (self) and the newsflow functions
with the most samples anywhere on it (inclusive), per process role. py-spy is not a project
dependency: install it in a throwaway venv (docs/performance.md).
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.procs import venv_bin
from bench.report import OUT_DIR
from bench.runs import write_config
from bench.site import corpora_available, corpus_pages, plan_site, serving, synthetic_pages

RATE = 50  # samples per second; py-spy records only samples where a thread is active (no --idle)


def record(py_spy: Path, urls: int, use_cli: bool, out: Path) -> Path:
    pages = corpus_pages() if corpora_available() else synthetic_pages(400)
    plan = plan_site(pages, urls, 20, hosts=2)
    with tempfile.TemporaryDirectory(prefix="newsflow-profile-") as scratch, serving(plan) as fleet:
        config_path = write_config(Path(scratch), fleet.feed_urls())
        target = ([venv_bin("newsflow"), "run", "--config", str(config_path)] if use_cli
                  else [sys.executable, "-m", "bench.inprocess", str(config_path)])
        raw = out / ("profile-cli.txt" if use_cli else "profile-inprocess.txt")
        subprocess.run([str(py_spy), "record", "--subprocesses", "--format", "raw", "--rate", str(RATE),
                        "--nonblocking", "-o", str(raw), "--", *target], check=True,
                       env={"PREFECT_HOME": str(Path(scratch) / "prefect"), **_env()})
    return raw


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def role_of(frames: list[str]) -> str:
    """The role of the innermost process frame py-spy put on the stack (it nests children)."""
    process = [f for f in frames if f.startswith("process ")][-1]
    if "forkserver" in process or "multiprocessing" in process:
        return "extract workers"
    if "uvicorn" in process or ("prefect" in process and "server" in process):
        return "prefect server"
    return "main"


def function_of(frame: str) -> str:
    """`name (file.py:123)` -> `name (file.py)`: inclusive counts are per function, not per line."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else frame


def summarise(raw: Path, rate: int = RATE, top: int = 15) -> str:
    self_counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames, count = stack.split(";"), int(count_text)
        role = role_of(frames)
        totals[role] += count
        self_counts[role][function_of(frames[-1])] += count
        for function in {function_of(f) for f in frames if "newsflow/" in f or "flows/" in f}:
            inclusive[role][function] += count
    lines = []
    for role, total in totals.most_common():
        lines.append(f"\n== {role}: {total} samples, {total / rate:.1f} s of CPU ==\n-- self (top of stack) --")
        lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in self_counts[role].most_common(top)]
        lines.append("-- newsflow functions, inclusive --")
        lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive[role].most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--py-spy", type=Path, default=Path("/tmp/prof/bin/py-spy"))
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--cli", action="store_true", help="profile `newsflow run` (Prefect included)")
    parser.add_argument("--summarise", type=Path, help="only summarise an existing raw profile")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    raw = args.summarise or record(args.py_spy, args.urls, args.cli, OUT_DIR)
    print(f"profile: {raw}{summarise(raw)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
