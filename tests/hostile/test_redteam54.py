"""Red team 54 (docs/security.md, "Red team 54" and its review): a page its server answers 429 on every run.

Before, a 429 (or a 503 asking a pause) was `rate_limited` and uncounted whatever its history: a page a site
refuses us for good stayed pending for ever, asked every run, never parked. Now a page whose last
`execution.max_article_attempts` or more asks in a row were counted refusals, the first of them
`refusedpages.REFUSED_PATIENCE` (3 days) or more before the last, is parked, its error naming the row. A refusal
counts only when its host served no article before it in its run (a site rate-limiting us parks nothing), and a
park starts the row again (an un-parked page is asked afresh).

A real server on loopback, real runs into a real DuckDB file; the days between runs are made by moving the
stored times back (as the generated world's clock events do), not waited. The rule's cases: real `fetch_events`
rows in a real warehouse, read by `warehouse.entries.refusal_history` as a run's load reads them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsflow import fetchrules
from newsflow.config import load_config
from newsflow.models import EntryAttempt, FeedEntry, FetchEvent, FetchKind, Outcome
from newsflow.refusedpages import REFUSED_PATIENCE, park_refused
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.warehouse.entries import insert_entries, refusal_history
from newsflow.warehouse.loads import insert_fetch_events
from tests.conftest import write_config
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_articles, settings
from tests.hostile.test_redteam53 import ARTICLE, ROBOTS_404
from tests.localserver import LocalServer, Page
from tests.test_pipeline import query, serve_feed


def _entries(config_path: Path) -> dict[str, tuple[object, ...]]:
    rows = query(config_path, "SELECT url, article_id IS NOT NULL, parked_at IS NOT NULL, fetch_attempts, "
                              "last_outcome, last_error FROM entries")
    return {str(row[0]).rsplit("/", 1)[-1]: row[1:] for row in rows}


def _days_pass(config_path: Path, days: int) -> None:
    """Every stored time moved `days` back: the runs so far happened that long ago."""
    store = Warehouse(load_config(config_path).warehouse_path)
    with store.writing() as con:
        con.execute(f"UPDATE fetch_events SET \"at\" = \"at\" - INTERVAL {days} DAY")
        con.execute(f"UPDATE entries SET first_seen_at = first_seen_at - INTERVAL {days} DAY")


def test_a_page_refused_429_on_every_run_for_days_is_parked_and_its_sibling_stored(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bare 429 (no Retry-After: its host paused the default, scaled here to 0.01 s) on every run, with
    `max_article_attempts = 2` (two runs, not three: each whole run costs CI about 0.7 CPU-s). Run 1: pending,
    uncounted. Four days later, run 2 (two refusals, the first past the patience): parked, its error naming the
    runs. Before: pending after run 2 as after run 1, for ever. The sibling page on the same host is stored on
    the first run (asked after the pause): nothing else is affected."""
    monkeypatch.setattr(fetchrules, "UNREADABLE_RETRY_AFTER", 0.01)
    feeds = serve_feed(server, 2)
    refused = sorted(path for path in server.routes if path.startswith("/a/"))[0]
    server.add(refused, Page(b"slow down", "text/plain", status=429))
    config_path = write_config(tmp_path, server.base_url, feeds, extract={"workers": 1}, max_retry_after=1.0)
    config_path.write_text(config_path.read_text() + "\n[execution]\nmax_article_attempts = 2\n")
    config = load_config(config_path)
    slug = refused.rsplit("/", 1)[-1]
    for run in (1, 2):
        asyncio.run(run_ingest(config, f"refused-{run}"))
        entries = _entries(config_path)
        (stored, *_), = [row for name, row in entries.items() if name != slug]
        assert stored, "the sibling page on the refusing host is stored"
        was_stored, parked, attempts, outcome, error = entries[slug]
        assert (was_stored, attempts, outcome) == (False, 0, "rate_limited")
        assert parked is (run == 2), (run, error)
        if run == 1:
            _days_pass(config_path, 4)
    assert "refused (HTTP 429) on 2 runs in a row since" in str(error) and "parked" in str(error)
    assert "\n" not in str(error)
    assert len(server.hits(refused)) >= 2
    asked = run_read_query(Warehouse(config.warehouse_path),
                           "SELECT count(DISTINCT run_id) FROM fetch_events WHERE status_code = 429").rows
    assert asked == [(2,)], "each refusal is a fetch_events row: the attempts are visible"


_HOSTS = itertools.count()


def _row(run: str, at: datetime, url: str, status: int | None) -> FetchEvent:
    outcome = Outcome.OK if status == 200 else Outcome.RATE_LIMITED
    return FetchEvent(run_id=run, at=at, kind=FetchKind.ARTICLE, feed_id="f", url=url, status_code=status,
                      outcome=outcome, error=None if status == 200 else f"GET {url}: HTTP {status}",
                      bytes_read=0, elapsed_ms=0)


def _run_rows(run: str, at: datetime, page: str, shape: str) -> list[FetchEvent]:
    """One run's rows for the page: "refused" (asked first on its host, 429), "after_served" (its sibling on the
    same host served first, then the page 429: a site rate-limiting us; "_www" the sibling at `www.`, the same
    server; "_bare" at the bare name, the page at `www.`; "_elsewhere" at another host of the site),
    "after_refusal" (the page 429 first, its
    sibling served after the pause), "served" (200), "unsent" (its host paused: never sent)."""
    sibling, second = page.replace("/sport/", "/main/"), at + timedelta(seconds=1)
    www, elsewhere = sibling.replace("http://", "http://www."), sibling.replace("http://", "http://shop.")
    bare = sibling.replace("http://www.", "http://")
    return {"refused": [_row(run, at, page, 429)],
            "after_served": [_row(run, at, sibling, 200), _row(run, second, page, 429)],
            # red team 55: the sibling served under the host's `www.` spelling (one server), or on another host
            "after_served_www": [_row(run, at, www, 200), _row(run, second, page, 429)],
            "after_served_elsewhere": [_row(run, at, elsewhere, 200), _row(run, second, page, 429)],
            "after_served_bare": [_row(run, at, bare, 200), _row(run, second, page, 429)],
            "after_refusal": [_row(run, at, page, 429), _row(run, second, sibling, 200)],
            "served": [_row(run, at, page, 200)],
            "unsent": [_row(run, at, page, None)]}[shape]


@pytest.fixture(scope="module")
def refusals_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One real warehouse, one connection, for the rule's cases (each on a host of its own): one each cost 0.1 s."""
    with Warehouse(tmp_path_factory.mktemp("refusals") / "w.duckdb").writing() as con:
        yield con


def _parks(con: duckdb.DuckDBPyConnection, runs: list[tuple[float, str]], max_attempts: int = 3,
           zone: str = "UTC", www: str = "") -> str | None:
    """`runs` (days ago, shape), the last this run: the rows before it stored in a real warehouse, the last run's
    loaded by `park_refused` over `refusal_history`, as `pipeline._load_built` does. The error if parked. `www`:
    "www." puts the page at its host's `www.` spelling (red team 55)."""
    now, page = datetime.now(UTC).replace(microsecond=0), f"http://{www}news{next(_HOSTS)}.example/sport/1"
    con.execute(f"SET TimeZone = '{zone}'")
    try:
        insert_entries(con, "r0", [FeedEntry("f", page, page, page, "t", None, None)], [now - timedelta(days=200)])
        for n, (days_ago, shape) in enumerate(runs[:-1]):
            insert_fetch_events(con, _run_rows(f"r{n}", now - timedelta(days=days_ago), page, shape))
        rows = _run_rows("now", now - timedelta(days=runs[-1][0]), page, runs[-1][1].removesuffix("_batch_before"))
        if runs[-1][1].endswith("_batch_before"):  # this run's sibling loaded by an earlier batch of the run
            insert_fetch_events(con, rows[:1])
            rows = rows[1:]
        attempts = [EntryAttempt(row.url, "rate_limited", None, error=row.error, counts=False) for row in rows]
        after = park_refused(attempts, rows, max_attempts,
                             lambda urls, entry_urls: refusal_history(con, "now", urls, entry_urls))
    finally:
        con.execute("SET TimeZone = 'UTC'")
    (mine,) = [a for a, row in zip(after, rows, strict=True) if row.url == page]
    return mine.error if mine.terminal else None


@pytest.mark.parametrize(("runs", "parked"), [
    # refused on three runs in a row over four days: parked
    ([(4, "refused"), (2, "refused"), (0, "refused")], True),
    # the same where its sibling is served after the pause each run (the whole-run test's shape): parked
    ([(4, "after_refusal"), (2, "after_refusal"), (0, "after_refusal")], True),
    # finding 1: its host served a sibling first in each run, the page refused after it (one page a minute): kept
    ([(4, "after_served"), (2, "after_served"), (0, "after_served")], False),
    ([(4, "refused"), (2, "refused"), (0, "after_served")], False),  # this run's refusal does not count
    ([(4, "refused"), (2, "refused"), (0, "after_served_batch_before")], False),  # nor after an earlier batch's
    ([(4, "after_served"), (2, "after_served"), (0, "refused")], False),  # nor the runs' before
    ([(4, "after_served"), (3, "refused"), (2, "refused"), (0, "refused")], True),  # three that count after it
    ([(4, "refused"), (2, "served"), (1, "refused"), (0, "refused")], False),  # a served ask breaks the row
    ([(9, "refused"), (4, "unsent"), (2, "refused"), (0, "refused")], True),  # an unsent one is no ask
    # finding 3: asks, not days: a weekly schedule parks on its third refusal, a 3.5-day one too
    ([(14, "refused"), (7, "refused"), (0, "refused")], True),
    ([(7, "refused"), (3.5, "refused"), (0, "refused")], True),
    # finding 7: parked on the third (day 10), un-parked, asked again: one fresh ask, then a new row of three
    ([(14, "refused"), (12, "refused"), (10, "refused"), (0, "refused")], False),
    ([(14, "refused"), (12, "refused"), (10, "refused"), (5, "refused"), (3, "refused"), (0, "refused")], True),
])
def test_a_page_is_parked_only_on_enough_refusals_in_a_row_that_count(
    refusals_store: duckdb.DuckDBPyConnection, runs: list[tuple[float, str]], parked: bool,
) -> None:
    assert (_parks(refusals_store, runs) is not None) is parked


def test_the_patience_is_the_codes_and_a_row_within_it_parks_nothing(refusals_store: duckdb.DuckDBPyConnection) -> None:
    """Finding 8: the boundary read from `REFUSED_PATIENCE`, not a table; eight daily refusals with
    `max_article_attempts = 8` park (finding 3: a 6-day lookback never held eight runs)."""
    days = REFUSED_PATIENCE / timedelta(days=1)
    within = [(days - 0.01, "refused"), (days / 2, "refused"), (0, "refused")]
    assert _parks(refusals_store, within) is None
    assert _parks(refusals_store, [(days, "refused"), (days / 2, "refused"), (0, "refused")]) is not None
    assert _parks(refusals_store, [(day, "refused") for day in range(7, -1, -1)], max_attempts=8) is not None


def test_the_first_refusals_time_is_named_in_utc_whatever_the_sessions_zone(
    refusals_store: duckdb.DuckDBPyConnection,
) -> None:
    """Finding 4: DuckDB hands `at` back in its session's zone; the error's "UTC" time is UTC's."""
    error = _parks(refusals_store, [(4, "refused"), (2, "refused"), (0, "refused")], zone="America/New_York")
    first = (datetime.now(UTC) - timedelta(days=4)).replace(microsecond=0)
    assert f"refused (HTTP 429) on 3 runs in a row since {first:%Y-%m-%d %H:%M} UTC: parked" in str(error), error


def test_a_head_past_the_limit_is_named_in_our_words_and_costs_no_other_page() -> None:
    """3,000 `Set-Cookie` headers (a 360 KB head): `protocol_error`, one line naming the URL and the head's limit;
    before, h11's words ("RemoteProtocolError: Receive buffer too long"). A page of the same host after it: `ok`.
    A 200 KB chunk extension or trailer (h11's same words, past the head): named as the body's framing line."""
    page = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(ARTICLE)) + ARTICLE
    flood = b"".join(b"Set-Cookie: c%d=%s; Path=/\r\n" % (n, b"v" * 100) for n in range(3000))
    flooded_page = page.replace(b"\r\n\r\n", b"\r\n" + flood + b"\r\n", 1)
    chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    answers = {"/flood": flooded_page, "/fine": page,  # review of red team 54: h11's words for the body's lines too
               "/ext": chunked + b"%x;ext=%s\r\n%s\r\n0\r\n\r\n" % (len(ARTICLE), b"v" * 200_000, ARTICLE),
               "/trailer": chunked + b"%x\r\n%s\r\n0\r\nX-T: %s\r\n\r\n" % (len(ARTICLE), ARTICLE, b"v" * 200_000)}
    server = RawServer(lambda path: answers.get(path, ROBOTS_404))
    url = server.url("/flood")
    try:
        flooded, fine, *framed = fetch_articles(settings(), [server.url(path) for path in answers])
    finally:
        server.close()
    assert (flooded.outcome, flooded.status_code) == (Outcome.PROTOCOL_ERROR, None)
    assert flooded.error == (f"GET {url}: the server's head passed 100 KiB (thousands of headers or "
                             "cookies); not read, tried again later")
    assert fine.outcome is Outcome.OK
    for result in framed:
        assert result.outcome is Outcome.PROTOCOL_ERROR
        assert str(result.error).endswith(": a line of the body's chunked framing (a chunk's size line or a trailer) "
                                          "passed 100 KiB; not read, tried again later"), result.error
