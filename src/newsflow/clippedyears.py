"""Days htmldate reads from a numeric date whose four-digit year it cut to two (session 38, a random draw).

htmldate reads an element's text only up to its first 52 characters (`MAX_SEGMENT_LEN`): a byline "Von A. Writer ·
vor 2 Tagen Aktualisiert am 03.12.2026" is cut to "… am 03.12.20", which it reads as 3 December 2020, a day the page
prints nowhere. `clipped_year_days` gives the days the page's numeric dates with a four-digit year (dotted, slashed or
dashed, day or month first) would be if their year were cut after its first two digits, so that a day htmldate gives
that is one of these, and that no source of the page states, dates nothing (`misread`, `dates._from_elsewhere`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from newsflow.lunardates import lunar_days

_FULL_YEAR = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d{2})(?!\d)")
"""A day and a month before a four-digit year, "03.12.2026", "03/12/2026", "12-03-2026"."""
CUT_YEARS = (2019, 2020)
"""The years of a four-digit year cut to its first two digits, read in this century: "19", "20"."""


def misread(tree: Any, day: date) -> bool:
    """Whether htmldate's `day` is one it reads from a page's date that names no such day: a lunar date read as a
    Gregorian one (`lunardates.lunar_days`, sixteenth pass), a four-digit year cut to two (`clipped_year_days`, read
    only for a day of 2019 or 2020, the years a cut "19xx" or "20xx" gives: the page's text is scanned in 3.4 ms on
    an average corpus page)."""
    return day in lunar_days(tree) or (day.year in CUT_YEARS and day in clipped_year_days(tree))


def clipped_year_days(tree: Any) -> set[date]:
    """The days of the page's numeric dates read with their year cut to its first two digits ("03.12.20" of
    "03.12.2026" is 3 December 2020, a two-digit year in this century), in both orders; not a day the page prints
    with its full year too (a story of 2020 printing "03.12.2020")."""
    body = str(tree.xpath("string(//body)"))  # one pass in C: most pages print no numeric date
    clipped: set[date] = set()
    printed: set[date] = set()
    for match in _FULL_YEAR.finditer(body):
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        printed |= _days(year, first, second)
        clipped |= _days(2000 + year // 100, first, second)  # "2026" cut to "20", "1998" to "19" (2019)
    return clipped - printed


def _days(year: int, first: int, second: int) -> set[date]:
    """The days `first` and `second` give in `year`, day first and month first (those that exist)."""
    days = set()
    for day, month in ((first, second), (second, first)):
        try:
            days.add(date(year, month, day))
        except ValueError:
            continue
    return days
