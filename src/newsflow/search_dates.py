"""The days `newsflow search --since/--until` take: a date, or a day typed relative to today in the analyst's zone
(`today`, `yesterday`, `7d` for 7 days ago, `2w` for 14), read when the zone is known (`--tz`, else `[search] tz`;
docs/search.md, "Analyst 50"). Before, "this week" had to be typed as two dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_AGO = re.compile(r"(\d{1,5})\s*([dw])")
_NAMED = {"today": 0, "yesterday": 1}
_UNIT_DAYS = {"d": 1, "w": 7}
FORMS = "a date like 2026-11-24, today, yesterday, 7d (7 days ago) or 2w (14 days ago)"


@dataclass(frozen=True)
class DaysAgo:
    """A day so many days before today, in a zone yet to be known; `typed` as the analyst typed it."""

    days: int
    typed: str


def read_day(text: str) -> date | DaysAgo:
    """A --since/--until value: a date, or a day relative to today; ValueError naming the forms otherwise."""
    typed = text.strip().lower()
    if typed in _NAMED:
        return DaysAgo(_NAMED[typed], text.strip())
    ago = _AGO.fullmatch(typed)
    if ago is not None:
        return DaysAgo(int(ago[1]) * _UNIT_DAYS[ago[2]], text.strip())
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not {FORMS}") from None


def today_in(zone: str, now: datetime | None = None) -> date | None:
    """Today's date in `zone` (`now`, an aware instant, in place of the clock for tests); None when Python's tz
    database lacks a zone DuckDB knows."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return (now or datetime.now(tz)).astimezone(tz).date()


def day_of(bound: date | DaysAgo | None, today: date) -> date | None:
    """The date a bound names, `today` being today's in the analyst's zone."""
    return today - timedelta(days=bound.days) if isinstance(bound, DaysAgo) else bound


def time_zone(name: str) -> str | None:
    """The time zone DuckDB knows by `name`, spelt as it spells it (`america/new_york` is `America/New_York`);
    None when it knows none. Here rather than in search.py so that `stories` checks its --tz without loading the
    search stack ("Analyst 51")."""
    if name == "UTC":  # the default: no lookup
        return name
    from newsflow.warehouse.search_index import time_zone_names

    return {n.lower(): n for n in time_zone_names()}.get(name.strip().lower())


def unknown_time_zone(name: str) -> str:
    """The line for a --tz that names no time zone: the name, the closest names known, and what to give."""
    import difflib

    from newsflow.warehouse.search_index import time_zone_names

    names = {n.lower(): n for n in time_zone_names()}
    close = [names[n] for n in difflib.get_close_matches(name.strip().lower(), list(names), n=3, cutoff=0.6)]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return (f"--tz {name!r} is not a time zone; {hint}give a tz database name such as America/New_York, "
            "Europe/Berlin, Asia/Kolkata or UTC")
