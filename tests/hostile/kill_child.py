"""`python -m tests.hostile.kill_child <newsflow args>`: the real CLI with `run` taken out of its Prefect
flow, and SIGTERM stopping it as Ctrl-C does, as `newsflow run` has it (flows/cli.py). For the
stop-anywhere property test (tests/hostile/test_redteam21_kill.py), which needs no Prefect server."""

from __future__ import annotations

import sys

from flows import sigterm_interrupts
from newsflow.cli import main
from tests.world.child import install_direct_run

if __name__ == "__main__":
    sigterm_interrupts()
    install_direct_run()
    sys.exit(main())  # argv None: the program itself, as `newsflow` (cli.main)
