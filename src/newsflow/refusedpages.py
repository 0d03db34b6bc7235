"""A page its server answers 429 (or 503 with a `Retry-After`) run after run: parked once refused long enough.

Such an answer is `rate_limited`: uncounted, so a server that is busy for an hour costs no page an attempt
(red teams 52-53). A server that refuses one page for good (a site that answers every bot 429) kept that page
pending for ever, asked every run, never parked (red team 54). Now a page is parked when its last
`execution.max_article_attempts` or more asks in a row were counted refusals, the first of them `REFUSED_PATIENCE`
or more before the last; its error names them, and each is a `fetch_events` row.

A refusal counts only when its host served no article (a 2xx) earlier in the same run: a site that serves us one
page and refuses the next is rate-limiting us, not refusing us, and a page asked after its sibling was served would
otherwise be parked where it would be stored a run later (review of red team 54, finding 1). Any other ask (served,
any other answer, or a refusal that does not count) breaks the row. The row also restarts after a park: a page
un-parked (its `parked_at` cleared) is asked afresh, its refusals before the park not counted again (finding 7).
Rows are asks, not days: a weekly schedule parks as a daily one does, in more days (finding 3). A page never sent
(its host paused by a sibling's answer, its robots.txt unread) is not asked: it counts nothing here, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsflow.models import EntryAttempt, FetchEvent, FetchKind, Outcome
from newsflow.urls import host_key, host_of

# Three days: a server overloaded by a news spike or down for a weekend's maintenance has answered again by
# then, so no page of a site that recovers is parked for its busy spell; one that still refuses is refusing us.
REFUSED_PATIENCE = timedelta(days=3)


# One run's ask of a page, as `fetch_events` holds it: when, and whether it was a counted refusal.
Ask = tuple[datetime, bool]


def answered_rate_limited(event: FetchEvent) -> bool:
    """The page was asked and its server answered 429 or 503 asking a pause (not a page left unsent)."""
    return event.outcome == Outcome.RATE_LIMITED and event.status_code is not None


def served(event: FetchEvent) -> bool:
    """An article its server answered with a page (2xx)."""
    return event.kind == FetchKind.ARTICLE and event.status_code is not None and 200 <= event.status_code < 300


def authority(url: str) -> str:
    """The host (and port) as `fetch_events` spells it, the part SQL's `split_part(url, '/', 3)` takes."""
    parts = url.split("/")
    return parts[2] if len(parts) > 2 else ""


def server_key(netloc: str) -> str:
    """An `authority`'s host in one spelling (`urls.host_key`) without a leading `www.` before a name that keeps a
    dot, with its port as written: what this rule alone counts a refusal by. A page refused at `www.example.com`
    after `example.com` served one this run is taken as one server rate-limiting us, not refusing us (red team 55):
    the page is parked less, never more. The host gate keeps the two spellings apart (two servers may answer)."""
    host = host_of(f"http://{netloc}/")
    if not host:
        return netloc.lower()
    after_host = netloc.rpartition("@")[2].rpartition("]")[2]
    port = after_host.rpartition(":")[2] if ":" in after_host else ""
    key = host_key(host)
    bare = key.removeprefix("www.")
    if bare != key and "." in bare and not bare.replace(".", "").isdigit():
        key = bare
    return f"{key}:{port}" if port else key


def refused_row(asks: Sequence[Ask], max_attempts: int) -> tuple[int, datetime] | None:
    """The row of counted refusals that parks the page at its last ask (how many, the first's time), or None.

    `asks` in time order. A row ends at any other ask, and restarts after a row that parked the page (it was
    asked again only because it was un-parked)."""
    row: list[datetime] = []
    parks: tuple[int, datetime] | None = None
    for at, counted_refusal in asks:
        if parks is not None:  # parked at the ask before this one, asked again: un-parked
            row = []
        row = [*row, at] if counted_refusal else []
        parks = (len(row), row[0]) if len(row) >= max_attempts and at - row[0] >= REFUSED_PATIENCE else None
    return parks


def counted_now(event: FetchEvent, served_first: Mapping[str, datetime]) -> bool:
    """This run's refusal counts: its host served no article earlier in this run (`served_first`: each
    `server_key`'s first)."""
    first = served_first.get(server_key(authority(event.url)))
    return answered_rate_limited(event) and (first is None or first >= event.at)


def park_refused(
    attempts: Sequence[EntryAttempt], events: Sequence[FetchEvent], max_attempts: int,
    history_of: Callable[[list[str], list[str]], tuple[Mapping[str, Sequence[Ask]], Mapping[str, datetime]]],
) -> list[EntryAttempt]:
    """`attempts` (one per event, in order) with each page refused long enough made terminal (parked).

    `history_of(urls, entry_urls)`: each URL's asks in earlier runs (`Ask`s, in time order), and for this run each
    host's first served article's time, as stored before this batch."""
    refused = [n for n, event in enumerate(events) if answered_rate_limited(event)]
    if not refused:
        return list(attempts)
    history, served_before = history_of([events[n].url for n in refused],
                                        [attempts[n].entry_canonical_url for n in refused])
    served_first = dict(served_before)
    for event in events:
        host = server_key(authority(event.url))
        if served(event) and (host not in served_first or event.at < served_first[host]):
            served_first[host] = event.at
    parked = list(attempts)
    for n in refused:
        event = events[n]
        row = refused_row([*history.get(event.url, ()), (event.at, counted_now(event, served_first))],
                          max_attempts)
        if row is not None:
            runs, first_at = row
            error = (f"{event.error or event.outcome}; refused (HTTP {event.status_code}) on {runs} runs in a row "
                     f"since {first_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC: parked")
            parked[n] = replace(attempts[n], terminal=True, error=error)
    return parked
