"""`python -m tests.hostile.hung_api_child <newsflow args>`: `python -m newsflow` (newsflow.launch)
with a shorter `flows.cli.HUNG_API_GRACE_S`, the time past a run's budget and `extract.timeout`
that `newsflow run` gives a silent Prefect API before it ends in one line, exit 4.

The watch and its line are the subject of red team 7's frozen-API test, not the grace's length:
30 s of it were 30 s of CI spent waiting. The watch reads the constant when the run starts it
(`flows.cli.watch_for_a_hung_api`), so setting it here, before `main`, is all it takes."""

from __future__ import annotations

import sys

import flows.cli

from newsflow.launch import main

GRACE_S = 5.0

if __name__ == "__main__":
    flows.cli.HUNG_API_GRACE_S = GRACE_S
    sys.exit(main())
