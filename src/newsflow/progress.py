"""What `newsflow run` shows while it runs: live bars in a terminal, plain lines otherwise.

The runner reports progress as ordinary log records carrying a `progress` attribute
(`(stage, done, total)`), so the same events reach Prefect's run logs. The CLI attaches one of
these handlers to the `newsflow` logger for the length of a run.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

STAGE_LABELS = {"poll": "polling feeds", "articles": "fetching and extracting"}


def progress_of(record: logging.LogRecord) -> tuple[str, int, int] | None:
    value = getattr(record, "progress", None)
    return value if isinstance(value, tuple) and len(value) == 3 else None


class PlainProgress(logging.Handler):
    """One line per progress event, for logs and pipes.

    Progress is for the reader; the run is the point. When the reader goes away (`newsflow run |
    head -1`, a log pipe that died), the lines stop and the run goes on: before, the write's
    BrokenPipeError failed the run in whatever stage logged next.
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(logging.INFO)
        self.stream = stream
        self.reader_gone = False

    def emit(self, record: logging.LogRecord) -> None:
        # warnings too: a run waiting on, or spooling beside, a reader says so (newsflow.spool)
        progress = progress_of(record) is not None and record.levelno >= logging.INFO
        shown = progress or record.levelno >= logging.WARNING
        if not shown or self.reader_gone:
            return
        try:
            self.stream.write(record.getMessage() + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # EPIPE, EIO; ValueError: the stream was closed
            self.reader_gone = True


class LiveProgress(logging.Handler):
    """A rich progress bar per stage, for a terminal."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.DEBUG)
        self.bars = Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> LiveProgress:
        self.bars.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bars.stop()

    def emit(self, record: logging.LogRecord) -> None:
        event = progress_of(record)
        if event is None:
            if record.levelno >= logging.WARNING:
                self.bars.console.print(record.getMessage(), markup=False, highlight=False)
            return
        stage, done, total = event
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(STAGE_LABELS.get(stage, stage), total=total)
        self.bars.update(self.tasks[stage], completed=done, total=total)


SUMMARY_ROWS = (
    ("feeds", ("feeds_polled", "polled"), ("feeds_not_modified", "not modified"), ("feeds_failed", "failed")),
    ("entries", ("entries_new", "new")),
    ("articles", ("articles_fetched", "fetched"), ("articles_stored", "stored"), ("articles_failed", "failed"),
     ("duplicates", "duplicates")),
)


def summary_lines(result: dict[str, Any]) -> list[str]:
    lines = [f"newsflow run {result['run_id']} {result['status']} in {result['elapsed_s']:.1f} s"]
    for label, *counts in SUMMARY_ROWS:
        lines.append(f"  {label:<9} " + ", ".join(f"{result[key]} {name}" for key, name in counts))
    return lines


def summary_table(result: dict[str, Any]) -> Table:
    table = Table(title=f"run {result['run_id']} {result['status']} in {result['elapsed_s']:.1f} s")
    table.add_column("stage")
    table.add_column("counts")
    for label, *counts in SUMMARY_ROWS:
        table.add_row(label, ", ".join(f"{result[key]} {name}" for key, name in counts))
    return table
