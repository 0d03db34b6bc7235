"""Writes the warehouse held and lost, told by the copy of the feed states a run saves beside it (Local 28).

A `.wal` cut exactly at the end of a commit ends whole, so DuckDB replays the commits before the cut and drops the
later ones without a word, and `warehouse.logends` cannot see it: the state it leaves is the one a writer killed
between those two commits leaves. What tells them apart is outside the file: every run, after its own row is
stored, reads every feed's state from the warehouse and saves it to `<warehouse>-spool/feed_states.json`
(`readersafe.close_run`), and a feed's `last_polled_at` is only ever moved on by a poll, in the same commit as the
poll's entries. So a copy that holds a later poll of a feed than the warehouse does was read from commits the
warehouse no longer has: its log lost them (cut at a commit's end: a copy or restore of the warehouse taken as a
run stored), or the file was put back from an older copy. The next run says so in one line, at its start, before
its own copy replaces that one. A cut that drops the run's polls before its end saved a copy (a run killed as
well), or drops a warehouse's first run whole, leaves nothing outside the file: those stay unknowable.

The copy is compared only with the warehouse it was read from (`WarehouseMark`: its resolved path and the time it
was made, both saved in the copy). `news.duckdb`, `news.db` and a dated copy `news.2026-12-01` shared one spool
folder, `news.spool`, before Local 29 gave each its own (`spool.spool_dir_for`), and a warehouse moved aside
leaves its copy to the new one made in its place: another warehouse's later polls are no evidence (review of
Local 28, F1 and F3).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsflow.models import FeedState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarehouseMark:
    """Which warehouse a copy of the feed states was read from: its resolved path (a copy of the file elsewhere
    is another warehouse) and when it was made (`runreads.made_at`: a new file made in its place is another)."""

    path: str
    made: str


@dataclass(frozen=True)
class SavedCopy:
    """The copy as read: its states, and the warehouse they were read from (None in a copy newsflow saved before
    Local 28's review: whose it is cannot be told)."""

    states: dict[str, FeedState] = field(default_factory=dict)
    of: WarehouseMark | None = None


def polls_lost(saved: Mapping[str, FeedState], stored: Mapping[str, FeedState],
               now: datetime | None = None) -> list[str]:
    """The feeds whose last poll in the saved copy is later than the warehouse's. A copy's poll after `now` is
    no evidence: a run on a clock set far ahead saved it, and a later run at the right clock moves the
    warehouse's back (Local 26's clock far from now)."""
    now = now or datetime.now(UTC)
    lost = []
    for feed_id, state in stored.items():
        copy = saved.get(feed_id)
        if copy is None or copy.last_polled_at is None or copy.last_polled_at.tzinfo is None:
            continue
        if copy.last_polled_at > now or (state.last_polled_at and state.last_polled_at.tzinfo is None):
            continue
        if state.last_polled_at is None or state.last_polled_at < copy.last_polled_at:
            lost.append(feed_id)
    return sorted(lost)


def say_if_writes_were_lost(path: Path, copy: Path, saved: Mapping[str, FeedState],
                            stored: Mapping[str, FeedState], other_runs: int) -> None:
    """One warning line when the copy saw polls the warehouse no longer holds. Not in a warehouse this run is the
    first of: a user who moved a damaged one aside (as newsflow's own lines say to) starts a new one beside the
    old copy, which it does not contradict."""
    if not other_runs:
        return
    lost = polls_lost(saved, stored)
    if not lost:
        return
    first = lost[0]
    had = stored[first].last_polled_at
    log.warning(
        "newsflow: warning: %s lost writes it had stored: the copy of the feed states %s, saved after they were "
        "stored, holds later polls of %d feeds than it does (%s: polled %s there, %s in the warehouse). Its "
        "write-ahead log was cut at the end of a commit (a copy or restore of the warehouse taken as a run "
        "stored?), or the file was put back from an older copy. A run left `running` by it is marked abandoned; "
        "those feeds are due again, and this run stores what they still list, once",
        path, copy, len(lost), first, saved[first].last_polled_at, had if had is not None else "never")
