"""A time given only in UTC put onto the day a `<time>` element of the same instant prints for it (twenty-ninth pass,
docs/extraction.md): `<time datetime="Fri, 22 Oct 2021 00:44:09 +0000">October 21, 2021</time>` is a US evening
story of the 21st. Split from `newsflow.pagetimes` by its review, which narrowed it: not an update's day printed in
the element, nor a Hijri or Hebrew day, nor a day no clock of the country the page's `lang` region names gives the
instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import islice
from typing import Any

from newsflow.bylinetexts import in_other_block
from newsflow.headline_date import UPDATE_CUE, YEARLESS, authored_day, printed_time
from newsflow.letterdates import hebrew_dates
from newsflow.localtime import region_zone
from newsflow.pagetimes import MAX_OFFSET, WALL_CLOCK, parse_local
from newsflow.printeddates import ASCII_DIGITS, MONTHS, clipped, first_date
from newsflow.tabledcalendars import tabled_dates
from newsflow.yearless import byline_month_day

TIMES_READ = 20
"""How many of the body's `<time datetime>` elements `day_printed_for` reads (as `declareddates.STORY_TIMES`)."""


def day_printed_for(chosen: datetime, tree: Any) -> date | None:
    """The day a `<time>` element prints in its text for the chosen instant: the first whose `datetime` is that
    instant, when it is outside other stories' blocks (`<time datetime="Fri, 22 Oct 2021 00:44:09 +0000">October 21,
    2021</time>`). The element and its text name one moment, so the text's day is the publisher's (twenty-ninth
    pass). A day printed elsewhere under the headline is not read: it may be an event's, an offer's or a print
    edition's (review of the rule's first form); nor a text that names an update ("Updated March 13"): its day is
    the update's; nor a Hijri or Hebrew day (`_in_sighted_calendar`; review)."""
    body = tree.find("body")
    elements = body.iter("time") if body is not None else iter(())
    times = (element for element in elements if element.get("datetime") is not None)
    for element in islice(times, TIMES_READ):  # the first ones, not a list of all (review: 50,000 took 0.2 s)
        if parse_local(str(element.get("datetime"))) != chosen:
            continue
        if in_other_block(tree, element):  # the first of the instant only: each asking walks its block (review)
            return None
        text = clipped(" ".join(element.itertext()), 200)
        if UPDATE_CUE.search(text):
            return None
        found = first_date(text, named=True)
        if found is None:
            return _yearless_day(text, chosen.date())
        return found[1] if not _in_sighted_calendar(text, found[0]) else None
    return None


def _yearless_day(text: str, near: date) -> date | None:
    """The day a `<time>`'s text prints without its year ("Mar 12", "12 March, 8:44 PM"), in the year that puts it
    closest to the instant's UTC day (thirtieth pass: a US evening story's `<time datetime="…00:44:09Z">Mar
    12</time>` was stored on the 13th). The element and its text name one moment, so the year is the instant's."""
    month_day = byline_month_day([text.translate(ASCII_DIGITS)], YEARLESS, MONTHS)
    if month_day is None:
        return None
    days = [day for year in (near.year - 1, near.year, near.year + 1) if (day := _day_of(year, *month_day))]
    return min(days, key=lambda day: abs(day - near), default=None)


def _day_of(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February of another year
        return None


def _in_sighted_calendar(text: str, position: int) -> bool:
    """Whether the date `first_date` read at `position` is a Hijri or Hebrew one (it reads them only where no
    Gregorian date is): a Hijri month starts a day apart by country (Umm al-Qura's table against a sighting) and a
    Hebrew day at sunset, so such a day may be a day off the civil one, the very difference this rule reads
    (review)."""
    ascii_text = text.translate(ASCII_DIGITS)
    return any(found[0] == position for found in tabled_dates(ascii_text) + hebrew_dates(ascii_text))


def onto_printed_day(chosen: datetime, tree: Any, westernmost: timedelta) -> datetime:
    """`on_printed_day` with the day a `<time>` of the chosen instant prints, for a time stated in UTC ("Z", "+00:00")
    when the byline prints no time of day (a printed time's offset is `in_printed_offset`'s to read; one that is no
    real offset, "21:07" over 02:00 Z, leaves the time in UTC), and when the country of the page's `lang` region
    (`lang="en-GB"`), if it has one zone, puts the instant on that day too (review: London has no clock on which
    08:30 Z of the 13th is the 12th; such a `<time>` prints another day than its instant's)."""
    if chosen.tzinfo is not UTC or chosen.time() == time(0) or printed_time(tree) is not None:
        return chosen
    printed = day_printed_for(chosen, tree) or authored_day(tree)  # thirty-first pass: an author's plain line
    region = region_zone(tree) if printed is not None else None
    if region is not None and chosen.astimezone(region).date() != printed:
        return chosen
    return on_printed_day(chosen, printed, westernmost)


def on_printed_day(chosen: datetime, printed: date | None, westernmost: timedelta) -> datetime:
    """A time given in UTC only, in the offset nearest UTC (whole hours) that puts it on the day printed for it
    (`day_printed_for`), when that is the day before or after its UTC day and a zone where news is published (from
    `westernmost` to +14:00) puts it there: `<time datetime="…00:44:09 +0000">March 12</time>` is a US evening story
    of the 12th (twenty-ninth pass). The instant stays; the day is the one the page prints for it."""
    if printed is None or chosen.utcoffset() or chosen.tzinfo is WALL_CLOCK or chosen.time() == time(0):
        return chosen
    if printed == chosen.date() - timedelta(days=1) and (chosen + westernmost).date() == printed:
        hours = -(chosen.hour + 1)  # 00:44 Z is 23:44 at -01:00
    elif printed == chosen.date() + timedelta(days=1) and (chosen + MAX_OFFSET).date() == printed:
        hours = 24 - chosen.hour  # 22:30 Z is 00:30 at +02:00
    else:
        return chosen
    return chosen.astimezone(timezone(timedelta(hours=hours)))
