"""The `newsflow` command: a thin skin over the library functions of the same names.

Exit codes: 0 the command finished (a run may still have failing feeds, which it records);
1 the run crashed; 2 bad config or usage; 3 the warehouse cannot be opened or is locked.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from newsflow import __version__
from newsflow.config import Config, load_config
from newsflow.errors import ConfigError, NewsflowError, ReadOnlyQueryError, WarehouseError
from newsflow.warehouse import QueryResult, Warehouse, feed_health, run_read_query

EXIT_CRASH, EXIT_USAGE, EXIT_WAREHOUSE = 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description="Feeds in, clean articles out, in DuckDB.")
    parser.add_argument("--version", action="version", version=f"newsflow {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run one ingest as a Prefect flow run")
    _add_config(run)
    run.add_argument("--feed", action="append", metavar="NAME", help="only this feed, due or not (repeatable)")
    run.add_argument("--all", action="store_true", help="poll every enabled feed, due or not")

    query = commands.add_parser("query", help="run read-only SQL against the warehouse")
    query.add_argument("sql", help="one SQL statement")
    _add_config(query)
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")

    feeds = commands.add_parser("feeds", help="list the feeds with their health")
    _add_config(feeds)
    return parser


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: config/newsflow.toml)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"run": cmd_run, "query": cmd_query, "feeds": cmd_feeds}
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    except ReadOnlyQueryError as exc:
        return fail(str(exc), EXIT_USAGE)
    except WarehouseError as exc:
        return fail(str(exc), EXIT_WAREHOUSE)
    except NewsflowError as exc:
        return fail(str(exc), EXIT_CRASH)
    except KeyboardInterrupt:
        return fail("interrupted", 130)


def fail(message: str, code: int) -> int:
    print(f"newsflow: {message}", file=sys.stderr)
    return code


# --- run ----------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    config.select_feeds(args.feed)  # an unknown --feed is a config error, before any I/O
    check_warehouse_writable(config)
    from flows import configure_prefect_environment

    configure_prefect_environment()
    from flows.ingest import ingest

    try:
        result = asyncio.run(ingest(config_path=str(config.path), feeds=args.feed, all_feeds=args.all))
    except NewsflowError:
        raise
    except Exception as exc:  # the flow run failed; Prefect has recorded it
        return fail(f"run crashed: {type(exc).__name__}: {exc}", EXIT_CRASH)
    print(format_run_summary(result))
    return 0


def check_warehouse_writable(config: Config) -> None:
    """Fail fast, before Prefect starts, when another run holds the warehouse or it cannot open."""
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    with store.run_lock(), store.writing():
        pass


def format_run_summary(result: dict[str, Any]) -> str:
    return "\n".join([
        f"newsflow run {result['run_id']} {result['status']} in {result['elapsed_s']:.1f} s",
        f"  feeds     {result['feeds_polled']} polled, {result['feeds_not_modified']} not modified, "
        f"{result['feeds_failed']} failed",
        f"  entries   {result['entries_new']} new",
        f"  articles  {result['articles_fetched']} fetched, {result['articles_stored']} stored, "
        f"{result['articles_failed']} failed, {result['duplicates']} duplicates",
    ])


# --- query and feeds ----------------------------------------------------------------------


def cmd_query(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    result = run_read_query(Warehouse(config.warehouse_path), args.sql)
    print(format_result(result, args.format))
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    result = feed_health(Warehouse(config.warehouse_path), [f.name for f in config.feeds])
    print(format_result(result, "table"))
    return 0


def format_result(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(result.columns, row, strict=True)) for row in result.rows],
                          default=_json_default, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _to_csv(result)
    return _to_table(result)


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _to_csv(result: QueryResult) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_cell(v) for v in row] for row in result.rows])
    return buffer.getvalue().rstrip("\n")


def _cell(value: object, limit: int | None = None) -> str:
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    text = " ".join(text.split()) if limit else text
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _to_table(result: QueryResult, width: int = 60) -> str:
    if not result.columns:
        return "(no result)"
    cells = [[_cell(v, width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
