"""The days every reading command takes (`search`, `stories`, `export`, and a named query's date `--param`): a date,
or `today`, `yesterday`, `7d`, `2w` read in the command's zone and said on stderr; one parser and one check for all
of them (docs/search.md, "Analyst 51"). Before, relative days worked in `newsflow search` only, and a researcher
moving to `stories` or `export` met `'7d' is not a date`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsflow.search_dates import DaysAgo, day_of, read_day, today_in
from newsflow.warehouse import QueryResult
from newsflow.warehouse.reads import wall_clocks


def day_argument(text: str) -> date | DaysAgo:
    """argparse's `type` for a --since or --until: its error names the option and the forms (exit 2, one line)."""
    try:
        return read_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def days_in_zone(args: argparse.Namespace, zone: str, now: datetime | None = None) -> str | None:
    """--since and --until (a command may have only --since) made dates, a relative day (`7d`) read in `zone` (at
    `now`, an aware instant, in place of the clock for tests) and said on stderr; what is wrong (one line naming the
    option) otherwise."""
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    relative = [(option, bound) for option, bound in (("--since", since), ("--until", until))
                if isinstance(bound, DaysAgo)]
    today = today_in(zone, now) if relative else date.min
    if today is None:
        return (f"{relative[0][0]} {relative[0][1].typed} is a day in {zone}, which Python's time zone database "
                "lacks; give a date like 2026-11-24")
    if hasattr(args, "since"):
        args.since = day_of(since, today)
    if hasattr(args, "until"):
        args.until = day_of(until, today)
    for option, bound in relative:
        print(f"newsflow: {option} {bound.typed} is {day_of(bound, today)} in {zone}", file=sys.stderr)
    if args.since is not None and getattr(args, "until", None) is not None and args.since > args.until:
        return f"--since {args.since} is after --until {args.until}; swap them"
    return None



def times_in_zone(result: QueryResult, zone: str) -> QueryResult:
    """Each time with an offset shown in `zone`, as `newsflow search --tz` shows its times: `stories --tz` read its
    `--since` there but printed UTC, and a spreadsheet's wall clock (`--format spreadsheet`) was then UTC's under a
    New York analyst's zone. A zone Python's tz database lacks (`JST`, `PST`: DuckDB's ICU knows them, and they were
    left UTC's until the review of analyst 51) is read by DuckDB, each time given its fixed offset there."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return _times_by_icu(result, zone)
    rows = [tuple(v.astimezone(tz) if isinstance(v, datetime) and v.tzinfo is not None else v for v in row)
            for row in result.rows]
    return QueryResult(result.columns, rows)


def _times_by_icu(result: QueryResult, zone: str) -> QueryResult:
    aware = [v for row in result.rows for v in row if isinstance(v, datetime) and v.tzinfo is not None]
    walls = iter(wall_clocks(aware, zone))

    def shown(v: datetime) -> datetime:  # the wall clock with the offset it is at, from the instant
        wall = next(walls)
        return wall.replace(tzinfo=timezone(wall - v.astimezone(UTC).replace(tzinfo=None)))

    rows = [tuple(shown(v) if isinstance(v, datetime) and v.tzinfo is not None else v for v in row)
            for row in result.rows]
    return QueryResult(result.columns, rows)
