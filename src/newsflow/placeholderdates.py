"""A publication a page declares that is its template's placeholder (twenty-third pass, docs/extraction.md): a CMS
leaves "2000-01-01T00:00:00" or "1990-01-01" in a JSON-LD `datePublished` (or a published meta) it never fills,
beside a true `dateModified` and a byline that prints the story's day. The declared publication was read first
and beat the printed day. Such a value is no publication (`dates._declared_published`, `dates._source_dates`), nor
is htmldate's answer when it read it (`dates._from_elsewhere`). Thirty-sixth pass: nor is a CMS's creation stamp on a
year's first day on the hour, a year or more before the modification the byline's `<time>` prints and the page's
script state declares as its publication (`_creation_stamp`).

Pure: an lxml tree walked by its methods only, through the readers it imports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from newsflow.declareddates import modified_metas
from newsflow.headline_date import byline_time, headline_date
from newsflow.jsonld import json_ld_strings
from newsflow.pagedates import payload_published
from newsflow.pagetimes import parse_local, parse_page

PLACEHOLDER_GAP = timedelta(days=3652)
"""A declared publication ten years or more before the page's modification and its byline's day is a template's."""


def placeholder(declared: datetime, tree: Any) -> bool:
    """Whether a declared publication is a CMS's default: a year's first day (`_round_year_start`),
    `PLACEHOLDER_GAP` or more before the page's earliest declared modification (JSON-LD `dateModified`, a modified
    meta), and the byline under the headline prints a publication day as far after it (its `<time datetime>`, else
    its printed date that no update cue names). An archive story updated decades later prints its own old day
    under the headline, so declares no placeholder; one that prints no day, or only its update ("Updated 12 March
    2026"), keeps what it declares; and a real time is no template's (the BBC's explainer declares 2012-05-10
    14:29:05 Z, and its byline's `<time>` is its 2026 update's "1 day ago": found by `bench.identity`). Or (thirty-sixth
    pass) a CMS's creation stamp (`_creation_stamp`)."""
    round_start, hour_start = _round_year_start(declared), _on_the_hour_year_start(declared)
    if not round_start and not hour_start:
        return False  # nearly every page (read first, as it is cheap)
    return (round_start and _template_default(declared, tree)) or (hour_start and _creation_stamp(declared, tree))


def _template_default(declared: datetime, tree: Any) -> bool:
    """`placeholder`'s twenty-third pass form: `PLACEHOLDER_GAP` before the modification and the byline's day."""
    modified = _modified_days(tree)
    if not modified or min(modified) - declared.date() < PLACEHOLDER_GAP:
        return False
    byline = parse_page(byline_time(tree))
    printed = byline.date() if byline is not None else headline_date(tree)
    return printed is not None and printed - declared.date() >= PLACEHOLDER_GAP


STAMP_GAP = timedelta(days=365)
"""A creation stamp on a year's first day is a year or more before the modification the byline prints."""
_OFFSET_HOURS = (-12, 0, 14)
"""The offsets a year's first day is checked in (every real offset lies between the first and the last)."""


def _creation_stamp(declared: datetime, tree: Any) -> bool:
    """Whether a publication declared on a year's first day on the hour (`_on_the_hour_year_start`) is a CMS's creation
    stamp (BBAW's computerbild.de: JSON-LD 2021-01-01T11:00:00.000Z, its `createdAt`): `STAMP_GAP` or more before the
    page's modification, the `<time>` under the headline prints that modification's day, which no update cue names
    (`headline_date` reads the same day), and the page's script state declares its publication on that day too
    (`pagedates.payload_published`: the front end's `publishedAt`), so that two declared publications disagree and the
    printed one is the page's. A real story published on a New Year's Day on the hour whose byline's `<time>` prints
    its update (the twenty-third pass's review: the BBC explainer's form) declares no second publication: it keeps
    what it declares, as does one whose update is under a cue ("Aktualisiert am")."""
    byline = parse_page(byline_time(tree))
    modified = _modified_days(tree)
    if byline is None or byline.date() not in modified or byline.date() - declared.date() < STAMP_GAP:
        return False
    stated = parse_local(payload_published(tree))
    return headline_date(tree) == byline.date() and stated is not None and stated.date() == byline.date()


def _modified_days(tree: Any) -> list[date]:
    return [moment.date() for value in json_ld_strings(tree, "dateModified") + modified_metas(tree)
            if (moment := parse_local(value)) is not None]


def _on_the_hour_year_start(declared: datetime) -> bool:
    """Whether a declared time is on the hour and on a year's first day in some offset (2021-01-01T11:00Z,
    2021-12-31T23:00Z: a CET midnight)."""
    utc = declared.astimezone(UTC) if declared.tzinfo is not None else declared
    if (utc.minute, utc.second, utc.microsecond) != (0, 0, 0):
        return False
    return any(((moment := utc + timedelta(hours=hours)).month, moment.day) == (1, 1) for hours in _OFFSET_HOURS)


PLACEHOLDER_TIMES = (time(0), time(12))
"""The times a template's default takes: a midnight, or a noon (kept clear of a day's edge in any offset)."""


def _round_year_start(declared: datetime) -> bool:
    """Whether a declared time is a year's first day or the day before it at midnight or noon (`PLACEHOLDER_TIMES`),
    or a UTC midnight read in a western offset: the forms a template's default takes ("2000-01-01T00:00:00",
    "2001-01-01T12:00:00-05:00", "1999-12-31T21:00:00-03:00"); a story's time has minutes and seconds. Review: not
    any whole hour, the time of a story scheduled on the hour ("2012-12-31T18:00:00", "2014-01-01T09:00:00"), a
    real old story whose byline's `<time>` is its update (the BBC explainer's form)."""
    utc = declared.astimezone(UTC) if declared.tzinfo is not None else declared
    year_end = (declared.month, declared.day) in ((1, 1), (12, 31))
    return ((year_end and declared.timetz().replace(tzinfo=None) in PLACEHOLDER_TIMES)
            or ((utc.month, utc.day) == (1, 1) and utc.time() == time(0)))
