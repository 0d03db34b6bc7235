"""`python -m bench.inprocess CONFIG`: one `run_ingest` with timed stages, no Prefect, in its own
process (for memory measurement and profiling); prints the summary as one JSON line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.runs import run_in_process


def main(argv: list[str]) -> int:
    run = run_in_process(Path(argv[0]))
    print(json.dumps({"elapsed_s": run.summary.elapsed_s, "wall_s": run.wall_s, "status": run.summary.status,
                      "stages": run.stages, **run.counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
