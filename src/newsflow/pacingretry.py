"""Reading a Retry-After header (delta-seconds or an HTTP date) into seconds to wait: split from `pacing`,
which re-exports these names."""

from __future__ import annotations

import email.utils
import math
import re
from datetime import UTC, datetime

MAX_RETRY_AFTER = 30 * 86400.0
"""Longer Retry-After values are read as this (30 days): the value is added to datetimes later,
and `datetime + timedelta(seconds=1e12)` overflows."""
UNREADABLE_RETRY_AFTER = 60.0
"""The pause a 429 or 503 asks for when its Retry-After is there but unreadable (garbage, negative, an exponent, a
date in no HTTP format; red team 52): the server asked us to wait and we cannot tell how long. FreshRSS waits 25 minutes
(10 at least) for it, Miniflux its next poll, Scrapy (news-please's fetcher) not at all; RFC 9110 gives only the
grammar. Read as `fetch.max_retry_after`'s default, as if the server had said 60: the host paused, one retry
after it when the run allows that much, and a host asking again and again held to `max_retry_after` a run."""
_DELTA_SECONDS = re.compile(r"[0-9]+")
# Not RFC 9110's grammar, but its meaning is plain: read rounded up to whole seconds (`0.5` waits 1 s), not as the
# unreadable default's 60 s, 120 times what was asked (review of red team 52).
_FRACTIONAL_SECONDS = re.compile(r"[0-9]+\.[0-9]+")


def parse_retry_after(value: str | None, now: datetime | None = None, server_date: str | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or bad.

    An HTTP date is the server's clock: it is measured from the response's own `Date` header
    (`server_date`) when that is readable, else from `now` (ours). A server 6 hours ahead asking for
    2 s by its clock was read as asking for 6 hours, one behind as asking for none (red team 14).

    A fraction of seconds (`1.5`) is read rounded up to whole seconds (2).

    Total over any string: the result is None or a finite number in [0, MAX_RETRY_AFTER].
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER)  # float() of 5,000 digits is inf, never an error
    if _FRACTIONAL_SECONDS.fullmatch(text):
        seconds = float(text)
        return min(float(math.ceil(seconds)), MAX_RETRY_AFTER) if math.isfinite(seconds) else MAX_RETRY_AFTER
    when = _http_date(text)
    if when is None:
        return None
    seconds = (when - (_http_date(server_date or "") or now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER) if math.isfinite(seconds) else None


def _http_date(text: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when

