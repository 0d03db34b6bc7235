"""`newsflow run` and `newsflow serve`, as seen from the library: the commands and what they print.

Every run is the `ingest` Prefect flow. The commands live in flows/cli.py, next to the flow, and
this package finds them through the `newsflow.commands` entry points (pyproject.toml): nothing
in `newsflow` imports the `flows` package or Prefect. What is shown here is Prefect-free: the
warehouse check made before Prefect starts, the progress display and the summary.

Output modes: live bars and a summary table in a terminal; plain progress lines and a plain
summary otherwise; `--quiet` prints only errors and `--json` only the summary as JSON.
Prefect's own console logs are hidden unless `--verbose`; they still reach the Prefect API.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from importlib.metadata import entry_points
from typing import Any

from newsflow.config import Config
from newsflow.credentials import redact_credentials_in_logs
from newsflow.errors import NewsflowError, WarehouseHeldError
from newsflow.launch import signals_interrupt_while_loading
from newsflow.warehouse import Warehouse

COMMANDS_GROUP = "newsflow.commands"


def cmd_run(args: argparse.Namespace) -> int:
    return flow_command("run")(args)


def cmd_serve(args: argparse.Namespace) -> int:
    return flow_command("serve")(args)


def flow_command(name: str) -> Callable[[argparse.Namespace], int]:
    """The command of that name in the `newsflow.commands` entry points (flows/cli.py)."""
    found = entry_points(group=COMMANDS_GROUP, name=name)
    if not found:
        raise NewsflowError(f"`newsflow {name}` is provided by newsflow's `flows` package, which is not installed "
                            "with this one; reinstall newsflow (uv sync)")
    with signals_interrupt_while_loading():  # Prefect's import, 1-2 s: SIGTERM there is a Ctrl-C, not a silent death
        command: Callable[[argparse.Namespace], int] = next(iter(found)).load()
    return command


def check_warehouse_writable(config: Config) -> None:
    """Fail fast, before Prefect starts, when another run holds the warehouse or it cannot open.

    A reader holding it (DBeaver, a notebook) is no reason to stop: the run spools (newsflow.spool).
    """
    store = Warehouse(config.warehouse_path, config.lock_timeout, write_patience=0.0)
    with store.run_lock(), suppress(WarehouseHeldError), store.writing():
        pass


def print_config_warnings(config: Config, mode: str) -> None:
    """What the config holds that is valid but likely a mistake, one line each on stderr (not when quiet)."""
    if mode == "quiet":
        return
    for warning in config.warnings:
        print(f"newsflow: warning: {warning}", file=sys.stderr)


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
    redact_credentials_in_logs()  # a URL's user:password@ is never printed (newsflow.credentials)
    if mode in ("quiet", "json"):
        yield
        return
    from newsflow.progress import LiveProgress, PlainProgress

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
