"""A host's Retry-After pause kept across runs (docs/security.md, "A host's pause kept across runs").

A 429 or 503 whose Retry-After reached past the run held the host for that run only (`pacing.HostGate`):
the next run, a quarter of an hour later, polled its feeds and fetched its articles during the pause (red
team 41). Now a run reads the pauses still in force at its start (`host_pauses`, migration 0100) and gives
them to its host gate, which holds every request to the host as it holds one asked in the run: waited for
within `fetch.max_retry_after`, else not sent (`rate_limited`, uncounted: the article waits for a later run).
The feeds of a paused host are not polled (nor counted failing). At its end the run writes the pauses in
force, the ones its hosts asked for included, in one transaction (`readersafe.store_host_pauses`).

A pause is capped at `polling.max_interval` (24 h by default) from when it was asked, so a hostile
Retry-After cannot silence a host for ever; one that has passed (a Retry-After date in the past) is none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsflow import readersafe, warehouse
from newsflow.errors import WarehouseError
from newsflow.feedmoves import polled_url
from newsflow.fetchrules import host_of
from newsflow.models import FeedConfig, FeedState, FetchResult, HostPause, Outcome, PendingArticle, latest_pauses
from newsflow.pacing import HostGate
from newsflow.pausejournal import PauseJournal, spooled_pauses
from newsflow.spool import commit_or_spool
from newsflow.urls import host_key
from newsflow.warehouse import QueryResult, Warehouse

log = logging.getLogger(__name__)
READ_PATIENCE_SECONDS = 5.0  # as long as a reader may make the start wait; then the run goes on without them
PAUSE_COLUMNS = ("host", "until_at", "asked_at", "status", "url")  # warehouse/queries/host_pauses.sql's
SHOWN = 5  # hosts named in a log line; the report names 20, `newsflow query host_pauses` all


RUN_WITHOUT = "this run honours only those asked in it and those in the spool"
# outside a run (`feeds discover`): the warehouse's own line says what is wrong with it and what to do
COMMAND_WITHOUT = "this command honours only those kept in the spool, and sends its requests"


def read_at_start(store: Warehouse, cap_seconds: float, now: datetime | None = None,
                  without: str = RUN_WITHOUT) -> list[HostPause]:
    """The pauses in force now, capped: the warehouse's and the spool's (kept by a run killed or ended beside a
    reader, not replayed yet); the spool's alone (with a warning saying `without` them) when the warehouse cannot
    be read."""
    now = now or datetime.now(UTC)
    spooled = spooled_pauses(store)
    try:
        kept = warehouse.read_with(store, lambda con: warehouse.read_host_pauses(con, now), READ_PATIENCE_SECONDS)
    except WarehouseError as exc:
        log.warning("cannot read the hosts' Retry-After pauses (host_pauses: %s); %s", one_line(exc), without)
        kept = []
    return in_force([*kept, *spooled], cap_seconds, now)


def read_now(store: Warehouse, cap_seconds: float) -> list[HostPause]:
    """The pauses in force, for a command that sends requests outside a run (`feeds discover`); none, and no
    warning, before the first run has made the warehouse."""
    if not store.path.exists():
        return in_force(spooled_pauses(store), cap_seconds)
    return read_at_start(store, cap_seconds, without=COMMAND_WITHOUT)


def pause_of(url: str, pauses: Sequence[HostPause]) -> HostPause | None:
    """The pause in force for `url`'s host, by any spelling of its name."""
    host = host_key(host_of(url))
    return next((pause for pause in pauses if host_key(pause.host) == host), None)


def hold_and_keep(store: Warehouse, run_id: str, cap_seconds: float, held: Sequence[HostPause],
                  gate: HostGate) -> PauseJournal:
    """Make `gate` hold the pauses kept by earlier runs, and keep each pause it hears as it hears it (a journal:
    `newsflow.pausejournal`), so a run killed before its end loses none."""
    gate.hold(list(held), datetime.now(UTC))
    journal = PauseJournal(store, run_id, cap_seconds, held)
    gate.on_asked = journal.note
    return journal


def kept_at_end(journal: PauseJournal, held: Sequence[HostPause], gate: HostGate) -> list[HostPause]:
    """Write what the journal has gathered; the pauses in force (capped), which the run's end writes again."""
    journal.close()
    return in_force([*held, *gate.asked.values()], journal.cap_seconds)


def in_force(pauses: Iterable[HostPause], cap_seconds: float, now: datetime | None = None) -> list[HostPause]:
    """The latest pause per host, each ending no later than `cap_seconds` after it was asked (nor after now), and
    only those not yet passed."""
    now = now or datetime.now(UTC)
    cap = timedelta(seconds=max(0.0, cap_seconds))
    capped = (replace(pause, until_at=min(pause.until_at, pause.asked_at + cap)) for pause in
              (kept.as_of(now) for kept in pauses))
    latest = latest_pauses(capped, now)
    return sorted(latest.values(), key=lambda p: (p.until_at, p.host))


def not_held(
    feeds: Sequence[FeedConfig], states: Mapping[str, FeedState], pauses: Sequence[HostPause]
) -> list[FeedConfig]:
    """The feeds whose host is not paused; the others are left (not polled, not counted) and logged."""
    paused = {host_key(pause.host) for pause in pauses}
    if not paused:
        return list(feeds)

    def host(feed: FeedConfig) -> str:
        state = states.get(feed.name)
        return host_key(host_of(polled_url(state, feed.url) if state else feed.url))

    polled = [feed for feed in feeds if host(feed) not in paused]
    log.warning("%d hosts asked to be left alone (Retry-After): %s; %d of their due feeds wait, and so do "
                "their articles", len(pauses), describe(pauses), len(feeds) - len(polled))
    return polled


def not_paused(batch: Sequence[PendingArticle], gate: HostGate) -> list[PendingArticle]:
    """The articles whose host `gate` holds no pause for now: what a batch fetched by a gate of its own (a Dask
    worker's, which knows no pause) may be sent; the others wait for a later run, no attempt counted."""
    return [article for article in batch if gate.pause_remaining(host_of(article.url)) <= 0]


def note_asked_elsewhere(results: Iterable[FetchResult], gate: HostGate, now: datetime | None = None) -> None:
    """Give `gate` the pauses hosts asked of a fetcher with a gate of its own (a Dask worker's), measured from
    each answer: so the run keeps them for the runs after it, and sends its later batches none of those hosts'
    articles."""
    now = now or datetime.now(UTC)
    for result in results:
        if result.outcome is Outcome.RATE_LIMITED and result.status_code and result.retry_after is not None:
            left = result.retry_after - (now - result.at).total_seconds()
            gate.pause(host_of(result.final_url), left, result.status_code, result.final_url)


def describe(pauses: Sequence[HostPause], shown: int = SHOWN) -> str:
    """`host until <UTC time> (HTTP 503)`, for the first `shown` pauses."""
    said = [f"{p.host} until {p.until_at.astimezone(UTC).isoformat(timespec='seconds')}"
            + (f" (HTTP {p.status})" if p.status else "") for p in pauses[:shown]]
    return ", ".join(said) + (f" and {len(pauses) - shown} more" if len(pauses) > shown else "")


def as_runs_read(result: QueryResult, store: Warehouse, cap_seconds: float) -> tuple[QueryResult, int]:
    """`newsflow query host_pauses`'s rows as runs read them: with the pauses still in the spool (kept by a run
    killed or ended beside a reader, not replayed yet), which runs honour as they do the stored ones (the query
    read the table alone, so a user asking why a host is not fetched was shown nothing), and each host in its one
    spelling (`urls.host_key`: a row the code before "Analyst 54" wrote as `0:0:0:0:0:ffff:7f00:0002` stays so until
    a run rewrites the table; docs/search.md, "Analyst 56"). Per host the later end; how many rows came from the
    spool."""
    if result.columns != list(PAUSE_COLUMNS):
        return result, 0
    stored = [HostPause(host_key(host), *rest) for host, *rest in result.rows]
    spooled = [replace(pause, host=host_key(pause.host)) for pause in in_force(spooled_pauses(store), cap_seconds)]
    now = datetime.now(UTC)
    if not spooled and [kept.as_of(now) for kept in stored] == [HostPause(*row) for row in result.rows]:
        return result, 0  # each row as stored is as a run reads it: none respelled, none asked after `now`
    latest = latest_pauses([*stored, *spooled], now)
    rows = sorted(latest.values(), key=lambda p: (-p.until_at.timestamp(), p.host))
    as_stored = [kept.as_of(now) for kept in stored]  # as `latest_pauses` gave them: a row asked "later" is no spool's
    from_spool = sum(1 for pause in rows if pause not in as_stored)
    # in local time, as DuckDB's session gives the table's rows: the spool's are UTC (+00:00 beside +09:00)
    merged = [(p.host, p.until_at.astimezone(), p.asked_at.astimezone(), p.status, p.url) for p in rows]
    return QueryResult(list(PAUSE_COLUMNS), merged), from_spool


def store_at_end(store: Warehouse, run_id: str, pauses: Sequence[HostPause]) -> None:
    """Write the pauses in force (nothing when there are none), or spool them while a reader holds the warehouse."""
    if not pauses:
        return
    try:
        commit_or_spool(store, run_id, readersafe.store_host_pauses, list(pauses), datetime.now(UTC), if_spooled=None)
    except WarehouseError as exc:  # the run's row and the rest of its end go on without them
        log.warning("cannot keep the hosts' Retry-After pauses (host_pauses: %s); the next runs do not know of %s",
                    one_line(exc), describe(pauses))


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())  # DuckDB's messages run over several lines
