"""A page its server answers 429 (or 503 with a `Retry-After`) run after run: parked once refused long enough.

Such an answer is `rate_limited`: uncounted, so a server that is busy for an hour costs no page an attempt
(red teams 52-53). A server that refuses one page for good (a site that answers every bot 429) kept that page
pending for ever, asked every run, never parked (red team 54). Now a page answered so on at least
`execution.max_article_attempts` runs of the last `REFUSED_LOOKBACK`, the first of them `REFUSED_PATIENCE` or
more ago, is parked with its
count in its error, as a counted failure is after its attempts: the runs it was refused are its attempts, and
each is a `fetch_events` row. A page never sent (its host paused by a sibling's answer) is not answered: it
counts nothing here, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from newsflow.models import EntryAttempt, FetchEvent, Outcome

# Three days: a server overloaded by a news spike or down for a weekend's maintenance has answered again by
# then, so no page of a site that recovers is parked for its busy spell; one that still refuses is refusing us.
REFUSED_PATIENCE = timedelta(days=3)
# How far back the refusals are read: twice the patience, so a page refused for months is read over its last
# six days (their first is past the patience), and `fetch_events` is read for a week, not its whole history.
REFUSED_LOOKBACK = 2 * REFUSED_PATIENCE


def answered_rate_limited(event: FetchEvent) -> bool:
    """The page was asked and its server answered 429 or 503 asking a pause (not a page left unsent)."""
    return event.outcome == Outcome.RATE_LIMITED and event.status_code is not None


def park_refused(
    attempts: Sequence[EntryAttempt], events: Sequence[FetchEvent], max_attempts: int,
    refused_before: Callable[[list[str], datetime], Mapping[str, tuple[int, datetime]]],
) -> list[EntryAttempt]:
    """`attempts` (one per event, in order) with each page refused long enough made terminal (parked).

    `refused_before(urls, since)`: for each URL, the earlier runs since `since` that were answered so, and the
    first such answer's time."""
    refused = [n for n, event in enumerate(events) if answered_rate_limited(event)]
    if not refused:
        return list(attempts)
    history = refused_before([events[n].url for n in refused], min(events[n].at for n in refused) - REFUSED_LOOKBACK)
    parked = list(attempts)
    for n in refused:
        event = events[n]
        runs, first_at = history.get(event.url, (0, event.at))
        runs += 1  # this run's answer
        if runs >= max_attempts and event.at - first_at >= REFUSED_PATIENCE:
            error = (f"{event.error or event.outcome}; refused (HTTP {event.status_code}) on {runs} runs since "
                     f"{first_at:%Y-%m-%d %H:%M} UTC: parked")
            parked[n] = replace(attempts[n], terminal=True, error=error)
    return parked
