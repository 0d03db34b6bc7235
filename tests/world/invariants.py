"""Invariants checked after every world run, written as SQL against the warehouse.

Each check returns `Violation`s (empty when it holds). They read the columns issue 11 added
(migration 0008: `entries.parked_at`, `entries.last_error`, `runs.network_outage`; 0009:
`spool_replays`) and the spool folder beside the warehouse. See tests/world/README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsflow import boottime
from newsflow.boottime import BootReading
from newsflow.errors import WarehouseError
from newsflow.pipeline import EMPTY_PAGE, TERMINAL_ARTICLE_OUTCOMES
from newsflow.polling import OUTAGE_MIN_FEEDS
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse

# The outcomes after which an entry is parked at once, and the failed attempts after which any is
# (`execution.max_article_attempts`, default 3; the world does not change it).
TERMINAL_OUTCOMES = tuple(str(o) for o in TERMINAL_ARTICLE_OUTCOMES)
MAX_ATTEMPTS = 3
NETWORK_OUTCOMES = ("dns_error", "connect_error", "protocol_error", "timeout")
ONE_FAILURE_LONGEST_WAIT = 3600  # seconds: one network failure must not silence a feed for longer
EXAMPLES = 3  # offending rows quoted in a violation
# States that stay until something changes them: reported once, at the run that caused them.
STANDING = frozenset({"one_failure_is_not_a_day", "network_parks_nothing", "parked_with_reason", "no_duplicate_entries",
                      "no_duplicate_articles", "no_dangling_article_ids", "warehouse_opens",
                      "article_is_the_page", "whole_page_stored", "robots_parks_nothing", "one_entry_per_item"})


@dataclass(frozen=True)
class Violation:
    run: int
    invariant: str
    detail: str

    def __str__(self) -> str:
        return f"run {self.run}: {self.invariant}: {self.detail}"


_READERS: dict[Path, Any] = {}  # the connection `one_reader` holds open, by warehouse path


@contextmanager
def one_reader(path: Path) -> Iterator[None]:
    """Inside, `query(path, ...)` reads through one connection: a run's checks make ~16 queries, each
    open costs ~25 ms of CPU (ci18), and nothing writes the warehouse while they read it. Whether it
    opens at all is `warehouse_opens`' check, which opens its own."""
    with Warehouse(path).reading() as con:
        _READERS[path] = con
        try:
            yield
        finally:
            del _READERS[path]


def query(path: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    if (shared := _READERS.get(path)) is not None:
        return list(shared.execute(sql, params).fetchall())
    with Warehouse(path).reading() as con:
        return con.execute(sql, params).fetchall()


def columns(path: Path, table: str) -> set[str]:
    return {str(row[0]) for row in query(path, f"SELECT column_name FROM information_schema.columns "
                                               f"WHERE table_name = '{table}'")}


def _examples(rows: Iterable[object]) -> str:
    listed = list(rows)
    return f"{len(listed)}, e.g. {listed[:EXAMPLES]}"


def no_duplicates(path: Path, run: int) -> list[Violation]:
    """An item is one entry (per feed, GUID and link, and per feed, link and title); a URL is one article."""
    found = []
    entries = query(path, "SELECT feed_id, guid, url, count(*) FROM entries GROUP BY ALL HAVING count(*) > 1")
    if entries:
        found.append(Violation(run, "no_duplicate_entries", _examples(entries)))
    # the world's items have one title per link: a GUID made anew each run is still one entry (red team 5)
    reissued = query(path, "SELECT feed_id, canonical_url, title, count(*) FROM entries GROUP BY ALL "
                           "HAVING count(*) > 1")
    if reissued:
        found.append(Violation(run, "no_duplicate_entries", "one item under several GUIDs: " + _examples(reissued)))
    articles = query(path, "SELECT canonical_url, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1 "
                           "UNION ALL SELECT article_id, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1")
    if articles:
        found.append(Violation(run, "no_duplicate_articles", _examples(articles)))
    dangling = query(path, "SELECT feed_id, url, article_id FROM entries WHERE article_id IS NOT NULL "
                           "AND article_id NOT IN (SELECT article_id FROM articles)")
    if dangling:
        found.append(Violation(run, "no_dangling_article_ids", _examples(dangling)))
    return found


def stored_items(path: Path) -> set[tuple[str, str]]:
    """(feed_id, url) of every entry, by its link and by its canonical link."""
    rows = query(path, "SELECT feed_id, url, canonical_url FROM entries")
    return {(str(feed), str(url)) for feed, url, _ in rows} | {(str(feed), str(c)) for feed, _, c in rows if c}


def nothing_lost(path: Path, run: int, required: set[tuple[str, str]]) -> list[Violation]:
    """Every item the world delivered whole to a run that was not killed is an entry."""
    missing = sorted(required - stored_items(path))
    return [Violation(run, "nothing_lost", _examples(missing))] if missing else []


# A name whose DNS answer the policy refused, and not as loopback (netguard.refused_by_answer, the world's
# portal): `blocked`, but counted as an attempt and parked after MAX_ATTEMPTS, not at once. So is a 200
# with an empty page (pipeline.EMPTY_PAGE): `extract_empty`, but not final.
REFUSED_ANSWER = ("((last_outcome = 'blocked' AND last_error LIKE '% resolves to %' "
                  "AND last_error NOT LIKE '%loopback%')"
                  f" OR (last_outcome = 'extract_empty' AND last_error LIKE '%{EMPTY_PAGE}'))")


def entry_states(path: Path, run: int) -> tuple[dict[str, int], list[Violation]]:
    """Each entry is stored, pending, or parked (`entries.parked_at`) with its reason (`last_error`,
    or at least `last_outcome`); an entry that gave up (a terminal outcome, or every attempt used)
    and is still unparked blocks its batch for ever. Counts of each state, and violations."""
    terminal = ", ".join(f"'{o}'" for o in TERMINAL_OUTCOMES)
    rows = query(path, f"""
        SELECT CASE WHEN article_id IS NOT NULL THEN 'stored'
                    WHEN parked_at IS NOT NULL THEN 'parked'
                    WHEN last_outcome IN ({terminal}) AND NOT {REFUSED_ANSWER} OR fetch_attempts >= {MAX_ATTEMPTS}
                    THEN 'gave_up_unparked'
                    ELSE 'pending' END AS state,
               coalesce(last_error, last_outcome) AS reason, feed_id, url
        FROM entries""")
    counts: dict[str, int] = {}
    unexplained = []
    unparked = []
    for state, why, feed, url in rows:
        counts[str(state)] = counts.get(str(state), 0) + 1
        if state == "parked" and not why:
            unexplained.append((feed, url))
        if state == "gave_up_unparked":
            unparked.append((feed, url, why))
    found = [Violation(run, "parked_with_reason", _examples(unexplained))] if unexplained else []
    if unparked:
        found.append(Violation(run, "parked_with_reason", "gave up but not parked: " + _examples(unparked)))
    return counts, found


def feed_failures(path: Path) -> dict[str, int]:
    return {str(feed): int(failures) for feed, failures in query(
        path, "SELECT feed_id, consecutive_failures FROM feeds")}


def failures_by_url(path: Path) -> dict[str, tuple[str, int]]:
    """(feed_id, consecutive_failures) by the feed's URL, its identity: a renamed feed's row takes its new name only
    when a run that read the new config reached the warehouse (a run killed first leaves the old one)."""
    return {str(url): (str(feed), int(failures))
            for feed, url, failures in query(path, "SELECT feed_id, url, consecutive_failures FROM feeds")}


def outage_penalises_no_feed(path: Path, run: int, before: dict[str, int], feeds_polled: int) -> list[Violation]:
    """In a run where no name resolved (the machine was offline) and at least OUTAGE_MIN_FEEDS feeds
    were polled, or fewer and no feed was failing before (red team 31: fewer feeds all already failing
    back off, a site down is theirs: warehouse/README.md, `runs.network_outage`), the run records the
    outage and no feed's failure count grows, but a feed's not reached for a day (red team 33)."""
    if feeds_polled < 1 or (feeds_polled < OUTAGE_MIN_FEEDS and any(before.values())):
        return []
    found = []
    after = feed_failures(path)
    # red team 33: an outage spares a feed a day at most, by the run's clock (a clock set a day ahead or more counts)
    # red team 35: or by the boot clock, which the driver ages with the world's time (a wall clock set back)
    boot = boottime.reading() or BootReading("", 0.0)
    overdue = {str(feed) for feed, in query(path, f"""
        SELECT feed_id FROM feeds WHERE unreachable_since <= last_polled_at - INTERVAL 1 DAY
            OR (unreachable_boot = '{boot.boot}' AND unreachable_uptime <= {boot.seconds - 86400})""")}
    grown = sorted((feed, before.get(feed, 0), count) for feed, count in after.items()
                   if count > before.get(feed, 0) and feed not in overdue)
    if grown:
        found.append(Violation(run, "outage_penalises_no_feed", _examples(grown)))
    newest = query(path, "SELECT network_outage FROM runs ORDER BY run_seq DESC LIMIT 1")
    if not newest or not newest[0][0]:
        found.append(Violation(run, "outage_penalises_no_feed", f"runs.network_outage not set: {newest[:1]}"))
    return found


def network_parks_nothing(path: Path, run: int) -> list[Violation]:
    """(red team 31) No entry is parked for an error the world's network gave: no name resolving (an `outage`,
    or the network dropped after the polls). A name the world answers does not exist (`unresolvable`) may be."""
    parked = query(path, "SELECT url FROM entries WHERE parked_at IS NOT NULL "
                         "AND last_error LIKE '%world outage (no network)%' ORDER BY url")
    return [Violation(run, "network_parks_nothing", _examples(parked))] if parked else []


def one_failure_is_not_a_day(path: Path, run: int) -> list[Violation]:
    """A feed that failed once on the network (DNS, connect, timeout) is due again within the hour."""
    outcomes = ", ".join(f"'{o}'" for o in NETWORK_OUTCOMES)
    rows = query(path, f"""
        SELECT feed_id, last_outcome, epoch(next_poll_at - last_polled_at) FROM feeds
        WHERE consecutive_failures = 1 AND last_outcome IN ({outcomes})
          AND epoch(next_poll_at - last_polled_at) > {ONE_FAILURE_LONGEST_WAIT}""")
    return [Violation(run, "one_failure_is_not_a_day", _examples(rows))] if rows else []


def spool_replayed(path: Path, run: int) -> list[Violation]:
    """After a run no reader held, nothing is left in the spool: what a run beside a reader
    spooled reached the warehouse by the next run (docs/concurrency.md)."""
    folder = spool_dir_for(path)
    left = sorted([p.name for p in folder.glob("*.spool")] + [f"failed/{p.name}" for p in folder.glob("failed/*")])
    return [Violation(run, "spool_replayed", _examples(left))] if left else []


def has_tables(path: Path) -> bool:
    try:
        query(path, "SELECT 1")
    except WarehouseError:
        return False
    return True


def warehouse_opens(path: Path, run: int, killed: bool = False) -> list[Violation]:
    """The warehouse opens and has its tables; a run killed before its first migrations committed
    leaves a file with none, which readers call "no warehouse yet" (exit 3) and the next run migrates."""
    try:
        query(path, "SELECT count(*) FROM runs")
    except Exception as exc:  # any failure to open is the finding
        if killed and "holds no tables" in str(exc):
            return []
        return [Violation(run, "warehouse_opens", f"{type(exc).__name__}: {exc}")]
    return []


NOT_FINISHED = ("running", "failed", "abandoned", "cancelled")


def last_run_recorded(path: Path, run: int) -> list[Violation]:
    """A run that exited 0 left itself recorded as finished (the newest row of `runs`): `completed`
    today; any status a fix adds for a run cut short by its budget counts, unless it is one of
    NOT_FINISHED."""
    rows = query(path, "SELECT run_id, status, error FROM runs ORDER BY run_seq DESC LIMIT 1")
    if not rows or rows[0][1] in NOT_FINISHED:
        return [Violation(run, "run_recorded_completed", f"newest runs row: {rows[:1]}")]
    return []


def last_run_cancelled(path: Path, run: int) -> list[Violation]:
    """A run that exited 130 on SIGTERM left itself recorded `cancelled` (the newest row of `runs`)."""
    rows = query(path, "SELECT run_id, status, error FROM runs ORDER BY run_seq DESC LIMIT 1")
    if not rows or rows[0][1] != "cancelled":
        return [Violation(run, "sigterm_recorded_cancelled", f"newest runs row: {rows[:1]}")]
    return []


# A clock set back or ahead (event `clock`). What docs/polling.md promises, written out here rather than
# taken from `polling.is_due`: a feed is due when its next poll has come, when that poll is further off
# than `polling.max_interval` (a plan made under a clock that was ahead), or when its last poll is later
# than now by over CLOCK_SKEW (the clock was set back since).
MAX_INTERVAL = 86400  # polling.max_interval's default; the world does not change it
CLOCK_SKEW = 300


def feeds_due(path: Path, now: datetime) -> set[str]:
    """The feeds (not retired) that a run starting `now` must poll, whatever the clock did before."""
    rows = query(path, f"""
        SELECT feed_id FROM feeds WHERE retired_at IS NULL AND (
            next_poll_at IS NULL OR next_poll_at <= TIMESTAMPTZ '{now.isoformat()}'
            OR next_poll_at > TIMESTAMPTZ '{now.isoformat()}' + INTERVAL {MAX_INTERVAL} SECOND
            OR last_polled_at > TIMESTAMPTZ '{now.isoformat()}' + INTERVAL {CLOCK_SKEW} SECOND)""")
    return {str(feed) for (feed,) in rows}


def due_feeds_polled(path: Path, run: int, due: set[str]) -> list[Violation]:
    """Every feed that was due when the run started was polled by it (`clock_silences_no_feed`): the
    newest run has a row in `polls` for it (an outage run logs its polls too, and changes no schedule)."""
    if not due:
        return []
    polled = {str(feed) for (feed,) in query(
        path, "SELECT feed_id FROM polls WHERE run_id = (SELECT run_id FROM runs ORDER BY run_seq DESC LIMIT 1)")}
    missed = sorted(due - polled)
    return [Violation(run, "clock_silences_no_feed", _examples(missed))] if missed else []


def shift_timestamps(con: Any, seconds: int) -> None:
    """Add `seconds` to every timestamp of every table (a clock moved the other way, as the run sees it)."""
    rows = con.execute("""
        SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE t.table_type = 'BASE TABLE' AND c.data_type LIKE 'TIMESTAMP%'""").fetchall()
    by_table: dict[str, list[str]] = {}
    for table, column in rows:
        by_table.setdefault(str(table), []).append(str(column))
    for table, names in by_table.items():
        moves = ", ".join(f'"{name}" = "{name}" + to_seconds({int(seconds)})' for name in names)
        con.execute(f'UPDATE "{table}" SET {moves}')


# --- world15: the pages the world served, and red teams 14 and 16's fetch classes (fetchfaults.py) ---

def article_is_the_page(path: Path, run: int, marker_of: Callable[[str], str | None]) -> list[Violation]:
    """A stored entry's article carries its own page's text: the world's story for that URL, its last
    paragraph included (`marker_of`: a piece of it, or None for a page not judged: garbled, slow, not the
    world's). A partial page (206, cut), gzip bytes, a catch-all's page, another page's article through a
    disputed canonical link all fail it."""
    rows = query(path, "SELECT e.feed_id, e.url, a.url, a.text FROM entries e "
                       "JOIN articles a USING (article_id)")
    wrong = [(feed, url, stored_url, (text or "")[:60]) for feed, url, stored_url, text in rows
             if (marker := marker_of(str(url).removesuffix("/old"))) is not None and marker not in (text or "")]
    return [Violation(run, "article_is_the_page", _examples(wrong))] if wrong else []


def whole_pages_stored(path: Path, run: int, pages: set[str]) -> list[Violation]:
    """An article page the world sent whole, as written, to a run that ended (not killed, not stopped,
    no reader holding its loads) is stored by then: not parked, not pending for good."""
    if not pages:
        return []
    listed = ", ".join("'" + url.replace("'", "''") + "'" for url in sorted(pages))
    # Left out: `extract_timeout`, which a loaded machine gives a normal page (the bench soak of seed 12 at
    # a load of 18: 24 world pages), while it is only an attempt: pending, or parked after the default
    # `execution.max_article_attempts` (3) timeouts. Parked sooner, it was taken for final (it was once).
    # World16: so is a page whose last whole arrival (a 200) timed out in extraction while a later run could not
    # fetch it again (its robots.txt blackholed, its host's pauses spent, a `226` half): the timeout is its last word.
    timed_out = ("coalesce((SELECT f.outcome FROM fetch_events f JOIN runs r USING (run_id) WHERE f.url = entries.url "
                 "AND f.kind = 'article' AND f.status_code = 200 ORDER BY r.run_seq DESC, f.\"at\" DESC "
                 "LIMIT 1), '') IN ('extract_timeout', 'left_by_budget')")
    # Red team 36: nor is a page the run fetched whole but whose extraction its budget left (slow pages ahead of
    # it spent the grace): visibly deferred, its `left_by_budget` row written and no attempt counted, pending for
    # the next run, which is judged on it as this one was (and, as a timeout, its last word if no later run could
    # fetch it again). Before, such a page had no row at all (World seed 177).
    left = ("(coalesce(last_outcome, '') = 'left_by_budget' AND parked_at IS NULL AND EXISTS (SELECT 1 FROM "
            "fetch_events f WHERE f.url = entries.url AND f.kind = 'article' AND f.outcome = 'left_by_budget'))")
    rows = query(path, f"SELECT feed_id, url, last_outcome, last_error FROM entries WHERE article_id IS NULL "
                       f"AND NOT ((coalesce(last_outcome, '') = 'extract_timeout' OR {timed_out}) "
                       f"AND (parked_at IS NULL OR fetch_attempts >= {MAX_ATTEMPTS})) AND NOT {left} "
                       f"AND url IN ({listed})")
    return [Violation(run, "whole_page_stored", _examples(rows))] if rows else []


def each_whole_arrival_accounted(path: Path, run: int, arrivals: dict[str, set[str]]) -> list[Violation]:
    """Red team 38b: `whole_page_stored` takes a page's last status-200 row as its last word, so a page timed
    out or left by the budget in one run, sent whole again to a later run and lost there without a row, passed.
    Here every whole arrival to an ended run (`arrivals`: url to those runs' ids) of a page still unstored has
    its own row in that run saying why (`extract_timeout`, `left_by_budget`); a row of a run not among the
    world's own (a second command beside it, world16) may stand for it, a row of another of its runs may not."""
    if not arrivals:
        return []
    mains = sorted({run_id for ids in arrivals.values() for run_id in ids})
    pairs = [(url, run_id) for url, ids in sorted(arrivals.items()) for run_id in sorted(ids)]
    rows = query(path, """
        WITH arrival AS (SELECT unnest($url) AS url, unnest($run_id) AS run_id)
        SELECT e.feed_id, e.url, a.run_id, e.last_outcome FROM entries e JOIN arrival a USING (url)
        WHERE e.article_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM fetch_events f WHERE f.url = e.url AND f.kind = 'article' AND f.status_code = 200
            AND f.outcome IN ('extract_timeout', 'left_by_budget')
            AND (f.run_id = a.run_id OR NOT list_contains($mains, f.run_id)))
        ORDER BY e.url, a.run_id""", {"url": [u for u, _ in pairs], "run_id": [r for _, r in pairs], "mains": mains})
    return [Violation(run, "whole_page_stored", _examples(rows))] if rows else []


def robots_parks_nothing(path: Path, run: int) -> list[Violation]:
    """The world's robots.txt disallows nothing, so no entry is ever refused for robots: a robots.txt that
    cannot be read (5xx, timed out, cut short by the close) defers its site's articles, never parks them."""
    rows = query(path, "SELECT feed_id, url, last_error FROM entries WHERE last_outcome = 'robots_disallowed'")
    return [Violation(run, "robots_parks_nothing", _examples(rows))] if rows else []


def reachable_feeds_read(path: Path, run: int, feeds: set[str], paused: set[str]) -> list[Violation]:
    """A feed whose answer reached the client whole this run (gzip layers, a 1 s pause by a skewed server
    clock, dead addresses before the live one) and that the run polled was read: `ok` or `not_modified`.
    A `paused` one (the skewed clock's) may be `rate_limited` instead (its host's pauses this run spent
    `max_retry_after`), with its next poll within the hour: the 1 s the server meant, not its skew."""
    if not feeds:
        return []
    rows = query(path, "SELECT feed_id, outcome, poll_interval FROM polls WHERE run_id = "
                       "(SELECT run_id FROM runs ORDER BY run_seq DESC LIMIT 1)")
    # World16: so may any feed never sent because other feeds of its host spent the host's pauses (the bench soak
    # seed 13: 50 feeds a host, several answering 429 or 503): the world's answer never reached the client.
    paused = paused | {str(feed) for (feed,) in query(
        path, "SELECT DISTINCT feed_id FROM fetch_events WHERE kind = 'feed' AND error LIKE "
              "'%(max_retry_after); not sent%' AND run_id = (SELECT run_id FROM runs ORDER BY run_seq DESC LIMIT 1)")}
    failed = sorted((feed, outcome, wait) for feed, outcome, wait in rows
                    if feed in feeds and outcome not in ("ok", "not_modified") and not (
                        feed in paused and outcome == "rate_limited" and (wait or 0) <= ONE_FAILURE_LONGEST_WAIT))
    return [Violation(run, "reachable_feed_read", _examples(failed))] if failed else []


def robots_read_when_served(path: Path, run: int, hosts: set[str]) -> list[Violation]:
    """No article on a host whose robots.txt the world served well this run (no fault, the host resolving and
    answering at one of its addresses) waited for an unreadable robots.txt in this run."""
    if not hosts:
        return []
    rows = query(path, "SELECT url, error FROM fetch_events WHERE kind = 'article' AND error LIKE "
                       "'%robots.txt%could not be read%' AND run_id = "
                       "(SELECT run_id FROM runs ORDER BY run_seq DESC LIMIT 1)")
    waited = sorted((url, error[:200]) for url, error in rows if str(url).split("/")[2].split(":")[0] in hosts)
    return [Violation(run, "robots_read_when_served", _examples(waited))] if waited else []
