"""Page times and their offsets: how a date string a page states is parsed, and which offset a time
the page gives in UTC is put back in (split from `newsflow.dates`, eleventh pass).

A time written with an offset keeps it; "Z", "GMT" and a Unix timestamp are UTC; a time written
without an offset is the publisher's wall clock (`WALL_CLOCK`), read in its zone once that is known.
A UTC time goes back into the offset the page writes the same instant with (`in_page_offset`), or
that the time printed under the headline implies (`in_printed_offset`); onto the day a `<time>` of the same
instant prints is `newsflow.printedday`'s (twenty-ninth pass). Pure: the standard library, and the page's lxml
tree through `newsflow.declareddates`, `newsflow.jsonld` and `newsflow.headline_date`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from newsflow.declareddates import json_ld_published_strings, published_metas
from newsflow.headline_date import printed_time
from newsflow.jsonld import json_ld_strings
from newsflow.timestamps import parse_local as parse_local
from newsflow.timestamps import unix_time

MAX_OFFSET = timedelta(hours=14)

# An explicit numeric offset after a time: "T20:06:23-05:00", "T20:06:23-0500" ("Z" and "GMT"
# say UTC, which on most sites is the server's zone, not the publisher's).
NUMERIC_OFFSET = re.compile(r"T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*[+-]\d{2}:?\d{2}$")
_EXPLICIT_UTC = re.compile(r"(?:Z|[+-]00:?00|GMT|UTC|UT)$", re.IGNORECASE)
_BARE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00$")

WALL_CLOCK = timezone(timedelta(0), "wall clock")
"""The zone of a page time written without an offset ("2022-5-5 22:17:36", a byline's "10:30"): the
publisher's clock, counted as UTC (offset 0) until the publisher's zone is known, then read in it."""


_UTC_PLACED: dict[str, ZoneInfo] = {}


def utc_placed(zone: ZoneInfo) -> ZoneInfo:
    """The publisher's zone for a time the page stated in UTC only ("…Z", "+00:00") that `newsflow.dates` puts in
    it: the same zone's rules as another object, so that the time still says the page gave UTC (`stated_in_utc`)
    and not a wall clock it printed, which is put in the zone itself (forty-fifth pass, review F1: a wall-clock page's
    printed day gave way to a server's feed offset)."""
    if (placed := _UTC_PLACED.get(str(zone.key))) is None:
        placed = _UTC_PLACED.setdefault(str(zone.key), ZoneInfo.no_cache(str(zone.key)))
    return placed


def stated_in_utc(moment: datetime) -> bool:
    """Whether `moment` is a time the page stated in UTC only, put in the publisher's zone (`utc_placed`)."""
    zone = moment.tzinfo
    return isinstance(zone, ZoneInfo) and zone is _UTC_PLACED.get(str(zone.key))


def offset_given(published: datetime | None) -> bool:
    """Whether the page's chosen time says the publisher's day in a clock of the page's own: an offset it stated, or a
    wall clock it printed with none (put in the publisher's zone, even a guessed one: the printed day is the page's
    word); not a time it stated in UTC only, put in a zone by `newsflow.dates` (`stated_in_utc`), nor a UTC time
    (forty-fifth pass: only that yields to a feed's own offset, `articledates.best_published_date`)."""
    return published is not None and bool(published.utcoffset()) and not stated_in_utc(published)


def parse_page(value: str | None) -> datetime | None:
    """`parse_local`, with a time written without an offset in `WALL_CLOCK`."""
    parsed = parse_local(value)
    text = (value or "").strip()
    if parsed is None or parsed.tzinfo is not UTC or _EXPLICIT_UTC.search(text) or unix_time(text):
        return parsed
    return parsed.replace(tzinfo=WALL_CLOCK)


def in_printed_offset(chosen: datetime, tree: Any) -> datetime:
    """A UTC-only time in the offset that the time printed under the headline implies, when that
    is a real offset (whole quarter hours, at most 14 hours): "21:00" over 02:00 Z is -05:00."""
    if chosen.utcoffset() or chosen.time() == time(0):
        return chosen
    printed = printed_time(tree)
    if printed is None:
        return chosen
    offset = printed - chosen.replace(tzinfo=None, second=0, microsecond=0)
    if offset and abs(offset) <= MAX_OFFSET and offset % timedelta(minutes=15) == timedelta(0):
        return chosen.astimezone(timezone(offset))
    return chosen


def in_page_offset(chosen: datetime, tree: Any) -> datetime:
    """A UTC time given back in the offset the page writes the same instant with, when it does.

    htmldate reports some times in UTC ("+0000") that the page gives as "12:20:00+11:00"; the
    publisher's day is the one in its own offset. It also drops some offsets: its "14:46:12+0000" is
    the page's "14:46:12+02:00", the same clock time to the minute (sixth pass). And a time written
    without an offset ("17:19:12") that the page's JSON-LD or published meta states in UTC
    ("22:19:12Z", the same minutes and seconds, whole quarter hours apart) is in the offset between
    the two (-05:00).
    """
    if chosen.utcoffset() or _BARE_TIME.match(chosen.strftime("%Y-%m-%dT%H:%M:%S")):
        return chosen
    values = [value for value in _page_date_strings(tree) if NUMERIC_OFFSET.search(value.strip())]
    stated = [local for value in values if (local := parse_local(value)) is not None and local.utcoffset()]
    same_instant = [local for local in stated if local == chosen]
    clock = chosen.replace(tzinfo=None, second=0, microsecond=0)
    same_clock = [local for local in stated if local.replace(tzinfo=None, second=0, microsecond=0) == clock]
    found = (same_instant or same_clock or [chosen])[0]
    return _implied_offset(found, tree) if found.tzinfo is WALL_CLOCK else found


def _implied_offset(wall: datetime, tree: Any) -> datetime:
    """A wall-clock time in the offset between it and the same publication stated in UTC (JSON-LD
    `datePublished` or a published meta with "Z"): same minutes and seconds, whole quarter hours
    apart, at most 14 hours."""
    for value in json_ld_published_strings(tree) + published_metas(tree):
        stated = parse_local(value) if _EXPLICIT_UTC.search(value.strip()) else None
        if stated is None or stated.utcoffset() or (stated.minute, stated.second) != (wall.minute, wall.second):
            continue
        offset = wall.replace(tzinfo=UTC) - stated.replace(microsecond=0)
        if offset and abs(offset) <= MAX_OFFSET and offset % timedelta(minutes=15) == timedelta(0):
            return stated.astimezone(timezone(offset))
    return wall


def _page_date_strings(tree: Any) -> list[str]:
    """Dates the page states with a time: JSON-LD datePublished, published-time metas, <time datetime>."""
    values = json_ld_strings(tree, "datePublished") + published_metas(tree)
    values += [element.get("datetime") or "" for element in tree.iterfind(".//time")]
    return values
