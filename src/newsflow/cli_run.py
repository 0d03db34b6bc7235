"""`newsflow run`: validate, fail fast on a held warehouse, run, show progress and a summary.

The run is the `ingest` Prefect flow when Prefect adds something (`flows.runs_as_flow`), and
otherwise the same stages called directly, without importing Prefect.

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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from typing import Any

from newsflow.config import Config, load_config
from newsflow.errors import NewsflowError, WarehouseHeldError
from newsflow.warehouse import Warehouse

EXIT_CRASH, EXIT_WAREHOUSE = 1, 3


def cmd_run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    config.select_feeds(args.feed)  # an unknown --feed is a config error, before any I/O
    check_warehouse_writable(config)
    mode = output_mode(args)
    from flows import configured_api_url, runs_as_flow

    api_url = configured_api_url()
    as_flow = runs_as_flow(config.execution, api_url, forced=args.prefect)
    try:
        with showing_progress(mode, starts_temporary_api=as_flow and api_url is None):
            result = run_as_flow(config, args, mode) if as_flow else run_without_prefect(config, args)
    except NewsflowError:
        raise
    except SkippedRun as exc:  # another run took the warehouse between our check and the flow's start
        print(f"newsflow: {exc}", file=sys.stderr)
        return EXIT_WAREHOUSE
    except Exception as exc:  # the run failed; its row in `runs` (and Prefect, for a flow) says so
        print(f"newsflow: run crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CRASH
    print_summary(result, mode)
    return 0


class SkippedRun(Exception):
    """The `ingest` flow ended Cancelled because another run held the warehouse."""


def run_as_flow(config: Config, args: argparse.Namespace, mode: str) -> dict[str, Any]:
    if mode != "verbose":
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from flows import configure_prefect_environment

    configure_prefect_environment()
    from flows.ingest import SKIPPED, ingest

    try:
        result: dict[str, Any] = asyncio.run(
            ingest(config_path=str(config.path), feeds=args.feed, all_feeds=args.all)
        )
    except SKIPPED as exc:
        raise SkippedRun(str(exc)) from exc
    return result


def run_without_prefect(config: Config, args: argparse.Namespace) -> dict[str, Any]:
    """The same stages as the `ingest` flow, called directly: the run id is a fresh UUID."""
    from newsflow.runner import run_ingest

    summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), args.feed, all_feeds=args.all))
    return summary.as_result()


def check_warehouse_writable(config: Config) -> None:
    """Fail fast, before Prefect starts, when another run holds the warehouse or it cannot open.

    A reader holding it (DBeaver, a notebook) is no reason to stop: the run spools (newsflow.spool).
    """
    store = Warehouse(config.warehouse_path, config.lock_timeout, write_patience=0.0)
    with store.run_lock(), suppress(WarehouseHeldError), store.writing():
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
def showing_progress(mode: str, *, starts_temporary_api: bool) -> Iterator[None]:
    if mode in ("quiet", "json"):
        yield
        return
    from newsflow.progress import LiveProgress, PlainProgress

    if starts_temporary_api:
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
