"""The time a post's status URL carries in its ID: X's (Twitter's) "snowflake" IDs (forty-second pass).

Since 4 November 2010 every post on X (then Twitter) has a 64-bit ID whose upper bits are the milliseconds of its
creation since X's epoch, 1288834974657 ms after the Unix epoch: `id >> 22`. A post's own page is
`https://x.com/<account>/status/<id>` (or twitter.com, mobile., `/i/web/status/<id>`, `/photo/1` after it), so its
URL states the instant it was posted, exactly, in UTC. The page's markup dates little that is the post's: Media
Cloud's Reuters post of 11 July 2020 was stored with 15 July, an emoji's asset name ("Emoji_mini4WD20200715") in the
script state htmldate read. IDs given out before snowflakes (under about 3e10) decode to the epoch's first seconds:
a time within `MIN_AFTER_EPOCH` of it is no post's (the one check on an ID's size: review, the pattern's 15-digit
minimum had made it dead, so no test proved it). X serves the page in its reader's language, so the page's declared
language names no poster's zone (`localtime`): the ID's instant is dated in UTC, with or without a feed's date.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

X_EPOCH_MS = 1288834974657
"""X's snowflake epoch (2010-11-04 01:42:54.657 UTC), in milliseconds since the Unix epoch."""
MIN_AFTER_EPOCH = timedelta(days=1)
"""A decoded time closer than this to X's epoch is a pre-snowflake ID (sequential, under about 3e10)."""

_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:[A-Za-z0-9_]{1,15}|i/web)/status(?:es)?/(\d{1,20})(?:[/?#]|$)",
    re.IGNORECASE)


def status_posted(url: str | None) -> datetime | None:
    """The UTC time a post's page URL on X (Twitter) carries in its snowflake ID; None for any other URL."""
    match = _STATUS_URL.match(url or "")
    if match is None:
        return None
    after_epoch = timedelta(milliseconds=int(match[1]) >> 22)
    if after_epoch < MIN_AFTER_EPOCH:
        return None
    return datetime.fromtimestamp(X_EPOCH_MS / 1000, UTC) + after_epoch
