"""`newsflow run`: validate, fail fast on a held warehouse, run the flow, show progress and a summary.

Output modes: live bars and a summary table in a terminal; plain progress lines and a plain
summary otherwise; `--quiet` prints only errors and `--json` only the summary as JSON.
Prefect's own console logs are hidden unless `--verbose`; they still reach the Prefect API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from newsflow.config import Config, load_config
from newsflow.errors import NewsflowError
from newsflow.warehouse import Warehouse

EXIT_CRASH, EXIT_WAREHOUSE = 1, 3


def cmd_run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    config.select_feeds(args.feed)  # an unknown --feed is a config error, before any I/O
    check_warehouse_writable(config)
    mode = output_mode(args)
    if mode != "verbose":
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from flows import configure_prefect_environment

    configure_prefect_environment()
    from flows.ingest import SKIPPED, ingest

    try:
        with showing_progress(mode):
            result = asyncio.run(ingest(config_path=str(config.path), feeds=args.feed, all_feeds=args.all))
    except NewsflowError:
        raise
    except SKIPPED as exc:  # another run took the warehouse between our check and the flow's start
        print(f"newsflow: {exc}", file=sys.stderr)
        return EXIT_WAREHOUSE
    except Exception as exc:  # the flow run failed; Prefect has recorded it
        print(f"newsflow: run crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CRASH
    print_summary(result, mode)
    return 0


def check_warehouse_writable(config: Config) -> None:
    """Fail fast, before Prefect starts, when another run holds the warehouse or it cannot open."""
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    with store.run_lock(), store.writing():
        pass


def output_mode(args: argparse.Namespace) -> str:
    if args.quiet:
        return "quiet"
    if args.json:
        return "json"
    if args.verbose:
        return "verbose"
    return "live" if sys.stdout.isatty() else "plain"


@contextmanager
def showing_progress(mode: str) -> Iterator[None]:
    if mode in ("quiet", "json"):
        yield
        return
    from newsflow.progress import LiveProgress, PlainProgress

    if not os.environ.get("PREFECT_API_URL"):
        print("newsflow: starting Prefect's temporary local API for this run (set PREFECT_API_URL to use a "
              "running server)", file=sys.stderr)
    logger = logging.getLogger("newsflow")
    previous_level = logger.level
    logger.setLevel(logging.DEBUG if mode == "live" else logging.INFO)
    handler: logging.Handler
    if mode == "live":
        from rich.console import Console

        handler = LiveProgress(Console(stderr=True))
    else:
        handler = PlainProgress(sys.stderr)
    logger.addHandler(handler)
    try:
        with handler if isinstance(handler, LiveProgress) else nullcontext():
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def print_summary(result: dict[str, Any], mode: str) -> None:
    from newsflow.progress import summary_lines, summary_table

    if mode == "json":
        print(json.dumps(result, sort_keys=True))
    elif mode == "live":
        from rich.console import Console

        Console().print(summary_table(result))
    elif mode != "quiet":
        print("\n".join(summary_lines(result)))
