"""A run beside readers: its begin and end, feed states and pending list, whoever holds the warehouse.

Every write of a run goes through `spool.commit_or_spool`, so a process holding the file (DBeaver,
a notebook, `duckdb -readonly`) never fails a run and never costs what it fetched. What a run
reads comes from the warehouse when it can be opened read-only (a read-only holder allows that),
else from `feed_states.json` in the spool folder, a copy of the feed states the last run could
read. With neither, every selected feed is polled unconditionally: nothing is lost, at the cost
of one full poll per feed. Articles still pending in the warehouse wait for a run that can read it.
See docs/concurrency.md.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from newsflow import search, spoolcodec, spoolfolders, spoolowners, warehouse
from newsflow.errors import NOTHING_OF_THE_LOAD, WarehouseError, WarehouseHeldError
from newsflow.extractpool import ExtractionResult
from newsflow.files import read_capped, replace_file
from newsflow.lostwrites import SavedCopy, WarehouseMark, say_if_writes_were_lost
from newsflow.models import FeedConfig, FeedState, FetchEvent, FetchResult, HostPause, Outcome, PendingArticle
from newsflow.pages import pages_dir_for, remove_pages
from newsflow.pipeline import RunCounts, list_pending, not_sent
from newsflow.spool import commit_or_spool, note_held, replay, spool_dir_for, spool_of
from newsflow.warehouse import Warehouse, identity
from newsflow.warehouse.runreads import made_at, other_runs

log = logging.getLogger(__name__)

STATES_FILE = "feed_states.json"
LEGACY_STATES_FILE = "feed_states.pickle"  # newsflow 0.1's copy: never read (a pickle can run code), removed
# A run's reads try the file once or twice: a reader that holds it read-write lets no one read.
READ_PATIENCE_SECONDS = 0.5
MAX_STATES_BYTES = 256 << 20  # about 500 bytes a feed: room for 500,000 feeds; bigger is not our copy
# The copy with the warehouse it was read from (`lostwrites.WarehouseMark`); before, the states alone (still read)
COPY_FORMAT = 2


def open_run(
    store: Warehouse, run_id: str, configured: Sequence[FeedConfig], selected: Sequence[FeedConfig]
) -> dict[str, FeedState]:
    """Load what earlier runs spooled, record this run's start, and read the selected feeds' states."""
    replay(store)
    record_start(store, run_id, configured)
    return read_feed_states(store, [f.name for f in selected], run_id)


def record_start(store: Warehouse, run_id: str, configured: Sequence[FeedConfig]) -> None:
    """The run's row, `running`, or its start spooled; recording it again changes nothing."""
    commit_or_spool(store, run_id, record_run_start, run_id, datetime.now(UTC), list(configured), if_spooled=None)


def record_run_start(store: Warehouse, run_id: str, started_at: datetime, configured: list[FeedConfig]) -> None:
    with store.writing() as con, warehouse.transaction(con):
        abandoned = warehouse.abandon_stale_runs(con, run_id)
        warehouse.sync_feeds(con, configured)
        warehouse.begin_run(con, run_id, started_at)
        own = spoolowners.remember(store, identity.warehouse_id(con))
        # Local 30: moved to another folder without its spool folder; the old path is kept while its loads wait there
        left = spoolowners.loads_left(store.path, identity.last_path(con), own)
        if left is None:
            identity.note_path(con, store.path)
    if left is not None:
        spoolowners.say_left(store.path, *left)
    # A SIGKILL said nothing, and a refused row said it once: the log says it here. A row whose end the warehouse
    # lost (a `.wal` cut at a commit's end, an older copy put back: `lostwrites`, Local 28) is left `running` too.
    for stale, stored in abandoned:
        log.warning("run %s ended without recording its end (its process was killed, or its row could not be "
                    "written, or the warehouse lost it): marked abandoned, with the %d articles it stored; what it "
                    "had not stored stays pending", stale, stored)


def close_run(
    store: Warehouse, run_id: str, counts: dict[str, int], status: str, error: str | None,
    html_budget_mb: int | None = None,
) -> list[str]:
    """Record the run's end (or spool it); returns the kept pages dropped to fit the budget.

    Then saves the feed states as this run left them, for a next run that cannot read the warehouse.
    """
    nothing: list[str] = []
    dropped = commit_or_spool(store, run_id, record_run_end, run_id, counts, status, error, datetime.now(UTC),
                              html_budget_mb, if_spooled=nothing)
    _note_recorded(run_id)  # committed, or spooled for the next run to load
    try:
        states, made = warehouse.read_with(
            store, lambda con: (warehouse.read_all_feed_states(con), made_at(con)), 0.0)
    except WarehouseError:  # held: the copy saved at the start of the run stays
        return dropped
    saved, mark = spool_dir_for(store.path) / STATES_FILE, mark_of(store, made)
    copy = load_own_copy(store, saved)
    save_states(saved, states, copy.states if copy.of == mark else {}, mark)
    spoolowners.stamp(store)  # beside the copy: a next run that finds the file held read-write reads the id there
    return dropped


def record_run_end(
    store: Warehouse, run_id: str, counts: dict[str, int], status: str, error: str | None, finished_at: datetime,
    html_budget_mb: int | None,
) -> list[str]:
    """The run's row, with what replays of its spooled loads added; prunes kept pages to the budget."""
    dropped: list[str] = []
    with store.writing() as con:
        with warehouse.transaction(con):
            if html_budget_mb is not None:
                dropped = warehouse.prune_pages(con, html_budget_mb * 1024 * 1024)
            # the run's articles, then backlog, as a new segment; merges wait for the run's row to be committed
            search.update_index(con, limit=search.BACKLOG_PER_RUN, run_id=run_id, merge=False)
            merge = search.merges_due(con)
            added = warehouse.replayed_counts(con, run_id)
            totals = {name: value + added.get(name, 0) for name, value in counts.items()}
            warehouse.finish_run(con, run_id, totals, status, error, finished_at)
        _note_recorded(run_id)  # committed: what fails from here on (the close's checkpoint, the merge) is not the row
    if merge:
        search.merge_after_run(store)
    if dropped:
        log.info("dropped the kept HTML of the %d oldest pages to stay within extract.html_budget_mb", len(dropped))
        remove_pages(pages_dir_for(store.path), dropped)
    return dropped


# The runs whose row `end_run` is writing in this context and that are recorded (`noting_rows_recorded`), so that
# a failure or a stop after the row's commit (the search index's merge, the feed states' copy, the pruned pages'
# removal) is not said to have left the row unwritten (hunt 49).
_rows_recorded: ContextVar[set[str] | None] = ContextVar("rows_recorded", default=None)


@contextmanager
def noting_rows_recorded() -> Iterator[set[str]]:
    """The ids of the runs whose row was committed (or spooled) inside this block, in this thread."""
    recorded: set[str] = set()
    token = _rows_recorded.set(recorded)
    try:
        yield recorded
    finally:
        _rows_recorded.reset(token)


def _note_recorded(run_id: str) -> None:
    if (recorded := _rows_recorded.get()) is not None:
        recorded.add(run_id)


def said_of_the_row(error: WarehouseError, status: str, recorded: bool) -> WarehouseError:
    """A write failure at the run's row, said of the row: its batches are stored, so "nothing of this load was stored;
    what the run fetched stays pending" is not true of it (hunt 49, seed 7311:3: a full disk refused the row of a run
    that had stored all 11 of its articles)."""
    said = str(error)
    if NOTHING_OF_THE_LOAD not in said:
        return error
    if recorded:
        instead = f"The run is recorded {status}, and what it stored is kept"
    else:
        instead = ("The run's row was not written: what the run stored is kept, the rest stays pending, and the next "
                   "run marks this one abandoned")
    return WarehouseError(said.replace(NOTHING_OF_THE_LOAD, instead))


def store_fetch_events(store: Warehouse, events: list[FetchEvent]) -> None:
    with store.writing() as con:
        warehouse.insert_fetch_events(con, events)


def store_host_pauses(store: Warehouse, pauses: list[HostPause], written_at: datetime) -> None:
    """The hosts' pauses in force (`newsflow.hostholds`), one transaction; replayed, the same rows."""
    with store.writing() as con:
        warehouse.write_host_pauses(con, pauses, written_at)


def read_feed_states(store: Warehouse, feed_ids: list[str], run_id: str | None = None) -> dict[str, FeedState]:
    """From the warehouse, read-only; when even that is refused, from the copy the last run saved of it. A run's
    start (`run_id`) first compares the two: a copy of this warehouse that saw later polls than it holds tells of
    writes it lost (`lostwrites`: Local 28). Another warehouse's copy (a shared spool folder) is never used."""
    saved = spool_dir_for(store.path) / STATES_FILE
    try:
        states, others, made = warehouse.read_with(
            store, lambda con: (warehouse.read_feed_states(con, feed_ids),
                                other_runs(con, run_id) if run_id is not None else 0, made_at(con)),
            READ_PATIENCE_SECONDS)
    except WarehouseError as exc:
        return states_from_the_copy(store, saved, feed_ids, exc)
    mark, copy = mark_of(store, made), load_own_copy(store, saved)
    ours = copy.of == mark  # not another warehouse's, nor one saved before copies named theirs
    if ours:
        say_if_writes_were_lost(store.path, saved, copy.states, states, others)
    save_states(saved, states, copy.states if ours else {}, mark)
    return states


def states_from_the_copy(store: Warehouse, saved: Path, feed_ids: list[str], exc: WarehouseError
                         ) -> dict[str, FeedState]:
    copy = load_own_copy(store, saved)
    if copy.of is not None and copy.of.path != mark_of(store, "").path:
        log.warning("cannot read the feed states (%s); polling every feed unconditionally: the copy in %s is of "
                    "another warehouse, %s", exc, saved, copy.of.path)
        return {}
    log.warning("cannot read the feed states (%s); polling per the states saved in %s (%d of %d feeds known), "
                "the others unconditionally", exc, saved, sum(1 for f in feed_ids if f in copy.states), len(feed_ids))
    return {name: copy.states[name] for name in feed_ids if name in copy.states}


def mark_of(store: Warehouse, made: str) -> WarehouseMark:
    return WarehouseMark(os.path.realpath(store.path), made)  # never raises, a symlink loop included


def load_own_copy(store: Warehouse, saved: Path) -> SavedCopy:
    """The copy in the warehouse's own spool folder; before its first, the one an older newsflow saved in the
    folder it shared (`news.spool/`) when that copy names this warehouse (Local 29: the first run after the
    upgrade then polls by it, and compares it)."""
    legacy = spoolfolders.legacy_dir_for(store.path)
    if legacy is None or saved.exists():
        return load_saved_copy(saved)
    old = load_saved_copy(legacy / STATES_FILE)
    return old if old.of is not None and old.of.path == mark_of(store, "").path else SavedCopy()


def load_saved_states(path: Path) -> dict[str, FeedState]:
    return load_saved_copy(path).states


def load_saved_copy(path: Path) -> SavedCopy:
    """The saved copy, rebuilt from JSON data only (newsflow.spoolcodec); empty when missing or damaged."""
    try:
        document = json.loads(read_capped(path, MAX_STATES_BYTES).decode("utf-8", "surrogatepass"))
        if isinstance(document, dict) and document.get("format") == COPY_FORMAT:  # a feed's value is never 2
            of = WarehouseMark(spoolcodec.decode(document.get("warehouse"), str, "warehouse"),
                               spoolcodec.decode(document.get("made"), str, "made"))
            return SavedCopy(spoolcodec.decode(document.get("states"), dict[str, FeedState], "states"), of)
        return SavedCopy(spoolcodec.decode(document, dict[str, FeedState]))
    except FileNotFoundError:
        return SavedCopy()
    except (OSError, ValueError, RecursionError) as exc:  # torn, foreign, a folder: poll unconditionally
        log.warning("ignoring %s: %s", path, exc)
        return SavedCopy()


def save_states(path: Path, states: dict[str, FeedState], saved: dict[str, FeedState] | None = None,
                of: WarehouseMark | None = None) -> None:
    """Merge `states` into the saved copy (`saved`, when the caller has read it), naming the warehouse `of`;
    costs a write per run proportional to the feeds, not the warehouse."""
    merged = spoolcodec.encode({**(load_saved_states(path) if saved is None else saved), **states})
    document = merged if of is None else {"format": COPY_FORMAT, "warehouse": of.path, "made": of.made,
                                          "states": merged}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and not path.is_file():  # a FIFO: replace_file would write into it, and wait for a reader
            path.unlink()
        replace_file(path, json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        (path.parent / LEGACY_STATES_FILE).unlink(missing_ok=True)
    except OSError as exc:  # a spare copy: a full disk or an odd folder must not fail a run that stored everything
        log.warning("could not save a copy of the feed states to %s (%s); a run beside a reader will poll "
                    "the feeds it does not know unconditionally", path, exc.strerror or exc)


def pending_beside_readers(
    store: Warehouse, feed_ids: Sequence[str], limit: int | None = None, last_hosts: Sequence[str] = ()
) -> tuple[list[PendingArticle], int, int]:
    """`list_pending` (it links and writes) when the warehouse is free, else read-only without linking.

    Returns up to `limit` articles to fetch, how many wait in all, and how many entries were linked.
    """
    if replay(store):
        try:
            return list_pending(store, feed_ids, limit, last_hosts)
        except WarehouseHeldError as exc:
            note_held(store, exc)
    try:
        pending, total = warehouse.read_with(
            store, lambda con: warehouse.pending_entries(con, feed_ids, limit, last_hosts), READ_PATIENCE_SECONDS)
    except WarehouseError as exc:
        log.warning("cannot read the pending articles (%s); they wait for the next run", exc)
        return [], 0, 0
    return pending, total, 0


def report_spooled(store: Warehouse, run_id: str) -> int:
    """How many of this run's loads are in the spool; said once at the end of a run."""
    spooled = spool_of(store).runs_spooled(run_id)
    if spooled:
        log.warning("%d loads of this run are spooled in %s; the next run after the reader lets go loads them",
                    spooled, spool_dir_for(store.path))
    return spooled


# --- what the runner's hooks pass (pipeline's types) --------------------------------------------


def batch_counted(results: Sequence[FetchResult], extractions: Sequence[ExtractionResult | None] = ()) -> RunCounts:
    """What a spooled batch counts in its run's row: the loads' own counts wait for the replay."""
    left = sum(1 for e in extractions if e is not None and e.outcome is Outcome.LEFT_BY_BUDGET)
    left += sum(1 for r in results if not_sent(r))  # as the load counts them: `pipeline._load_built`
    return RunCounts(articles_fetched=sum(1 for r in results if r.ok), articles_deferred=left)
