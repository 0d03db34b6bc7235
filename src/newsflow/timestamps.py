"""Time stamps as text: an ISO 8601, RFC 2822 or Unix time stamp read as an aware datetime.

Split from `newsflow.pagetimes` (session 40) so that a feed's dates are read without importing the page
date stages: a `newsflow run`'s main process reads only feeds' stamps, and importing `newsflow.dates`
with its printed-date patterns cost every run's start ~0.3 cpu-s of regular-expression compiling (its
extraction workers import them). Pure: the standard library only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_UNPADDED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T ])(?:([T ])(\d)(?=:))?")
"""An ISO date (and hour) a CMS writes without leading zeros: "2022-1-26T14:32:06+02:00", "2022-1-6 9:05" (thirty-sixth
pass: BBAW's alpin.de, a generic date meta so written was not read, so not known for one)."""


def parse_local(value: str | None) -> datetime | None:
    """ISO 8601 (with "Z") or RFC 2822 as an aware datetime in the offset it names (UTC when it
    names none); None when it is neither."""
    text = (value or "").strip()
    if not text or (text.isdigit() and len(text) in (10, 13)):  # "1772359800": a Unix timestamp, UTC
        return unix_time(text)
    try:
        parsed = datetime.fromisoformat(padded_iso(text.replace("Z", "+00:00") if text.endswith("Z") else text))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def padded_iso(text: str) -> str:
    """An ISO text with its month, day and hour padded to two figures (`_UNPADDED`); any other text as it is."""
    found = _UNPADDED.match(text)
    if found is None:
        return text
    year, month, day, separator, hour = found.groups()
    clock = f"{separator}0{hour}" if hour is not None else ""
    return f"{year}-{int(month):02d}-{int(day):02d}{clock}{text[found.end():]}"


def unix_time(text: str) -> datetime | None:
    """A Unix timestamp written as 10 digits (seconds) or 13 (milliseconds), as a UTC datetime:
    `data-` attributes, and JSON-LD or metas that give `datePublished` as "1772359800"."""
    if len(text) not in (10, 13) or not (text.isascii() and text.isdigit()):
        return None
    return datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), UTC)
