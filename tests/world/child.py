"""`python -m tests.world.child <newsflow args>`: the real CLI, with the world's DNS.

Reads the DNS table named by $NEWSFLOW_WORLD_DNS and installs it as the fetcher's default
resolver, so the run never asks the machine's resolver anything.

With $PREFECT_API_URL set, `run` is the real `newsflow run`: a Prefect flow run on that server.
With $NEWSFLOW_WORLD_DIRECT=1 instead, `run` is the same command with the flow taken out: the
CLI's own parsing, warehouse check, error handling and JSON summary around `runner.run_ingest`,
the function the `ingest` flow's tasks wrap. A flow run costs 2-10 s of start-up on a loaded
2-core machine; the regression worlds and hypothesis examples run direct to stay fast, the CI
soak and the bench soak run as flow runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Callable

from flows import sigterm_interrupts
from newsflow import cli_run
from newsflow.cli import main
from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.world.worlddns import install_world_dns

DIRECT_VAR = "NEWSFLOW_WORLD_DIRECT"


def direct_run(args: argparse.Namespace) -> int:
    """`newsflow run` (flows/cli.py `cmd_run`) without the Prefect flow around `run_ingest`."""
    config = load_config(args.config)
    config.select_feeds(args.feed)
    cli_run.check_warehouse_writable(config)
    mode = cli_run.output_mode(args)
    with cli_run.showing_progress(mode):
        summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), args.feed, all_feeds=args.all))
    cli_run.print_summary(summary.as_result(), mode)
    return 0


def install_direct_run() -> None:
    found = cli_run.flow_command

    def flow_command(name: str) -> Callable[[argparse.Namespace], int]:
        return direct_run if name == "run" else found(name)

    cli_run.flow_command = flow_command


if __name__ == "__main__":
    install_world_dns()
    if os.environ.get(DIRECT_VAR) == "1":
        sigterm_interrupts()  # SIGTERM stops the run as Ctrl-C, as `newsflow run` does (flows/cli.py)
        install_direct_run()
    sys.exit(main())  # argv None: the program itself, as `newsflow` (cli.main)
