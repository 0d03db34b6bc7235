"""`python -m bench.cpu_ab --baseline-src DIR [--urls 600] [--rounds 2]`: the pipeline's CPU, two codes, one run.

A/B of a speed change on a shared machine. Serves the throughput benchmark's pages, then runs
`run_ingest` alone (bench.inprocess, no Prefect) alternately with the code in DIR (a checkout's
`src`, e.g. `git archive HEAD~1 src warehouse | tar -x -C /tmp/old`, DIR=/tmp/old/src) and with
this checkout's (or --candidate-src's), each in a fresh warehouse, between two measurements of the floor
(`trafilatura.extract` in a pool of one process per core). Each run's CPU (user + system, its
own processes by role, from /proc: bench.procs) is printed against the floor's CPU, which the
machine's load inflates far less than wall time. Results as JSON in bench/out/.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench import baselines
from bench.procs import run_measured
from bench.report import OUT_DIR
from bench.runs import read_json_summary, write_config
from bench.site import corpora_available, corpus_pages, plan_site, serving, synthetic_pages


def one_run(config: Path, src: Path | None) -> dict[str, Any]:
    env = {"PYTHONPATH": str(src)} if src is not None else {}
    finished = run_measured([sys.executable, "-m", "bench.inprocess", str(config)], env=env)
    if finished.returncode != 0:
        raise RuntimeError(f"bench.inprocess failed ({finished.returncode}): {finished.stderr[-2000:]}")
    summary = read_json_summary(finished.stdout)
    return {"wall_s": finished.wall_s, "elapsed_s": summary["elapsed_s"], "stored": summary["articles_stored"],
            "cpu_s": finished.cpu_without_server_s(), "cpu_by_role_s": finished.cpu_by_role_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu_ab", description=__doc__)
    parser.add_argument("--baseline-src", type=Path, required=True, help="the other code's src folder")
    parser.add_argument("--candidate-src", type=Path, help="the code measured against it (default: this checkout's)")
    parser.add_argument("--urls", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsflow-cpu-ab"))
    args = parser.parse_args(argv)
    pages = corpus_pages() if corpora_available() else synthetic_pages(400)
    plan = plan_site(pages, args.urls, 20, hosts=2)
    page_bytes = [pages[index].html for _, _, index in plan.articles]
    rows: list[dict[str, Any]] = []
    with serving(plan) as fleet:
        floors = [baselines.floor_extract(page_bytes)]
        for round_number in range(args.rounds):
            for label, src in (("baseline", args.baseline_src), ("candidate", args.candidate_src)):
                config = write_config(args.workdir / f"{label}-{round_number}-{time.time_ns()}", fleet.feed_urls())
                rows.append({"code": label, "round": round_number, **one_run(config, src)})
                print(json.dumps(rows[-1]), flush=True)
        floors.append(baselines.floor_extract(page_bytes))
    floor_cpu = sum(f.cpu_s for f in floors) / len(floors)
    floor_wall = sum(f.wall_s for f in floors) / len(floors)
    print(f"floor: CPU {[round(f.cpu_s, 1) for f in floors]} s, wall {[round(f.wall_s, 1) for f in floors]} s")
    for row in rows:
        row["cpu_ratio"], row["wall_ratio"] = row["cpu_s"] / floor_cpu, row["elapsed_s"] / floor_wall
        print(f"{row['code']:>8} round {row['round']}: CPU {row['cpu_s']:.1f} s = {row['cpu_ratio']:.3f}x the floor's "
              f"{row['cpu_by_role_s']}; run's clock {row['elapsed_s']:.1f} s = {row['wall_ratio']:.2f}x")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"cpu-ab-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"floors": [vars(f) for f in floors], "runs": rows}, indent=1), encoding="utf-8")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
