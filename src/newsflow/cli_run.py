"""`newsflow run`, `serve` and `status`, as seen from the library: the commands and what they print.

Every run is the `ingest` Prefect flow. The commands live in flows/cli.py, next to the flow (`status`
in flows/status.py), and this package finds them through the `newsflow.commands` entry points
(pyproject.toml): nothing in `newsflow` imports the `flows` package or Prefect. What is shown here is
Prefect-free: the checks made before Prefect starts, the progress display and the summary.

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
from typing import Any, TextIO, cast

from newsflow import openfiles
from newsflow.cli_output import FULL_OUTPUT_ERRORS
from newsflow.config import Config, load_config
from newsflow.credentials import redact_credentials_in_logs
from newsflow.errors import NewsflowError, WarehouseHeldError
from newsflow.launch import said_as_starting, signals_interrupt_while_loading
from newsflow.runlock import holding_the_service_lock
from newsflow.warehouse import Warehouse, access, pathkinds

COMMANDS_GROUP = "newsflow.commands"


def cmd_run(args: argparse.Namespace) -> int:
    with output_that_may_fill(), openfiles.raised_to_the_hard_limit():
        with signals_interrupt_while_loading():  # SIGTERM in the checks is a Ctrl-C, as in Prefect's import
            args.checked_config = checked_run_config(args)
            command = flow_command("run")
        return command(args)


def checked_run_config(args: argparse.Namespace) -> Config:
    """The run's config, checked before Prefect is imported (1.8-2.3 cpu-s that a run failing on its
    config, an unknown --feed, or a warehouse it cannot open or another run holds paid for nothing).
    The errors are raised, not printed: `cli.dispatch` prints each one's line and exit code, as it did
    when flows/cli.py raised them after the import. That command takes `args.checked_config` as it is."""
    with said_as_starting():  # not the warehouse's check below: a first run makes the warehouse there
        config = load_config(args.config)
        config.select_feeds(args.feed)  # an unknown --feed is a config error, before any I/O
        openfiles.refuse_too_few_for_a_run(config.fetch.concurrency, config.extract.worker_count)
    check_warehouse_writable(config)
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    # The config and the service lock before Prefect's import, as for `run`; SIGTERM a Ctrl-C until the
    # service's runner takes it (flows/cli.py `cmd_serve`, whose own guard then leaves this one's in place)
    with output_that_may_fill(), openfiles.raised_to_the_hard_limit(), signals_interrupt_while_loading(), \
            served_config(args) as config:
        args.checked_config = config
        return flow_command("serve")(args)


@contextmanager
def served_config(args: argparse.Namespace) -> Iterator[Config]:
    """`newsflow serve`'s config, its warnings said, while this process holds the warehouse's service lock
    (one service per warehouse, newsflow/runlock.py): a second service, or a bad config, fails here."""
    with said_as_starting():
        config = load_config(args.config)
        print_config_warnings(config, "plain")
        openfiles.refuse_too_few_for_a_run(config.fetch.concurrency, config.extract.worker_count)
        pathkinds.refuse_what_is_no_file(config.warehouse_path)  # a folder (`/`): no lock made beside it (review, F2)
    with holding_the_service_lock(config.warehouse_path):
        yield config


def cmd_status(args: argparse.Namespace) -> int:
    # The config before Prefect's import, as for `run` and `serve`: a bad one is its line and exit 2 for
    # 0.3 cpu-s, not 2; the command (flows/status.py) takes `args.checked_config` as it is
    with signals_interrupt_while_loading(), said_as_starting():  # SIGTERM reading it: a Ctrl-C, as in Prefect's import
        args.checked_config = load_config(args.config)
        command = flow_command("status")
    return command(args)


class OutputThatMayFill:
    """stdout or stderr of a run or a service, sent to a log on a disk that fills up (a cron line's
    `>> /var/log/newsflow.log 2>&1`, the log partition full while the warehouse's has room).

    A run's output is its log, not its product: the warehouse is. Before, the first line it could not
    write (`Prefect UI at …`) ended the command (exit 1) before it polled a feed, every run for as long
    as the log's disk stayed full; a summary that could not be written made a run that had stored
    everything exit 1. Now, from the first write the file refuses, the stream writes nowhere, as a
    closed one does (`newsflow run >&-`). A closed pipe (EPIPE) still raises: `| head` stays 141.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.full = False

    def write(self, text: str) -> int:
        if not self.full:
            with self._lost_when_full():
                return self.stream.write(text)
        return len(text)

    def flush(self) -> None:
        if not self.full:
            with self._lost_when_full():
                self.stream.flush()

    @contextmanager
    def _lost_when_full(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            if exc.errno not in FULL_OUTPUT_ERRORS:
                raise
            self.full = True
            self.filled(exc)

    def filled(self, error: OSError) -> None:
        """What a full disk means beyond losing what follows: nothing more, for a log (`run`, `serve`)."""

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, reconfigure…: the stream's own
        return getattr(self.stream, name)


@contextmanager
def output_that_may_fill() -> Iterator[None]:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (cast(TextIO, OutputThatMayFill(stream)) for stream in streams)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams


def flow_command(name: str) -> Callable[[argparse.Namespace], int]:
    """The command of that name in the `newsflow.commands` entry points (flows/cli.py)."""
    found = entry_points(group=COMMANDS_GROUP, name=name)
    if not found:
        raise NewsflowError(f"`newsflow {name}` is provided by newsflow's `flows` package, which is not installed "
                            "with this one; reinstall newsflow (uv sync)")
    # Prefect's import, 1-2 s: SIGTERM there is a Ctrl-C, not a silent death
    with signals_interrupt_while_loading(), prefect_settings_complaint_held_back(), said_as_starting():
        command: Callable[[argparse.Namespace], int] = next(iter(found)).load()
    return command


class PrefectSettingsComplaint(logging.Filter):
    """Drops the record Prefect logs at its import when a PREFECT_* setting fails validation.

    `import prefect` builds its settings from the environment and the active profile; one it cannot
    validate (PREFECT_SERVER_API_PORT=abc) made it log pydantic's error over four lines on stderr
    (`Failed to initialize plugins: 1 validation error for ServerAPISettings` …), then carry on
    without settings. The command then says it in one line, naming the variable (flows/prefectsettings.py).
    Matched by name, not imported: nothing here imports Prefect or pydantic.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        complaint = record.exc_info[1] if record.exc_info else None
        title = str(getattr(complaint, "title", ""))
        return not (type(complaint).__name__ == "ValidationError" and title.endswith("Settings"))


@contextmanager
def prefect_settings_complaint_held_back() -> Iterator[None]:
    """Only while the commands load: a filter, not a redirected stderr, so no handler Prefect makes
    then is left bound to a buffer, and every other line Prefect logs later is shown as before."""
    logger, complaint = logging.getLogger("prefect.plugins"), PrefectSettingsComplaint()
    logger.addFilter(complaint)
    try:
        yield
    finally:
        logger.removeFilter(complaint)


def check_warehouse_writable(config: Config) -> None:
    """Fail fast, before Prefect starts, when another run holds the warehouse or it cannot open.

    A reader holding it (DBeaver, a notebook) is no reason to stop: the run spools (newsflow.spool).
    """
    store = Warehouse(config.warehouse_path, config.lock_timeout, write_patience=0.0)
    with store.run_lock():
        with suppress(WarehouseHeldError), store.writing():  # a first run's or an upgrade's full disk said here
            pass
        access.refuse_a_full_disk(store.path)  # the open wrote nothing; the run's first commit would fail (Local 30)


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
