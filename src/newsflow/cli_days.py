"""The days every reading command takes (`search`, `stories`, `export`, and a named query's date `--param`): a date,
or `today`, `yesterday`, `7d`, `2w` read in the command's zone and said on stderr; one parser and one check for all
of them (docs/search.md, "Analyst 51"). Before, relative days worked in `newsflow search` only, and a researcher
moving to `stories` or `export` met `'7d' is not a date`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsflow.search_dates import DaysAgo, day_of, read_day, time_zone, today_in, unknown_time_zone
from newsflow.warehouse import QueryResult
from newsflow.warehouse.reads import wall_clocks

if TYPE_CHECKING:
    from newsflow.config import Config


def day_argument(text: str) -> date | DaysAgo:
    """argparse's `type` for a --since or --until: its error names the option and the forms (exit 2, one line)."""
    try:
        return read_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def zone_and_days(args: argparse.Namespace, config: Config) -> tuple[str, str | None]:
    """The zone of a command's days (`--tz`, else `[search] tz`, else UTC: an explicit --tz wins, --tz UTC included)
    as DuckDB spells it, its --since/--until made dates there (`days_in_zone`); what is wrong, one line, otherwise.
    One rule for `search` and `stories` (the review of analyst 51 found it copied into both)."""
    tz = config.search.tz if args.tz is None else args.tz
    zone = time_zone(tz)
    if zone is None:
        return "UTC", unknown_time_zone(tz) if args.tz is not None else config_zone_problem(tz, config.path)
    return zone, days_in_zone(args, zone)


def config_zone_problem(name: str, config_path: Path) -> str:
    """The line for a `search.tz` that the config's check took (Python's tz database) and DuckDB's ICU does not
    know: said of the config, not of a --tz the analyst never typed."""
    return (f"search.tz {name!r} in {config_path} is not a time zone DuckDB knows; set it to a tz database name "
            "such as America/New_York, or delete it, or pass --tz")


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
