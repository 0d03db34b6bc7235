"""`python -m tests.hostile.run_child <newsflow args>`: the real CLI, with `run` taken out of its
Prefect flow (the CLI's own parsing, warehouse check, error handling and summary around
`runner.run_ingest`; see tests/world/child.py). For tests of what a run prints and exits with."""

from __future__ import annotations

import sys

from newsflow.cli import main
from tests.world.child import install_direct_run

if __name__ == "__main__":
    install_direct_run()
    sys.exit(main())  # argv None: the program itself, as `newsflow` (cli.main)
