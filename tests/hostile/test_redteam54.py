"""Red team 54 (docs/security.md, "Red team 54"): a page its server answers 429 on every run, for good.

Before, a 429 (or a 503 asking a pause) was `rate_limited` and uncounted whatever its history: a page a site
refuses us for good stayed pending for ever, asked every run, never parked. Now a page answered so on at least
`execution.max_article_attempts` runs, the first of them `refusedpages.REFUSED_PATIENCE` (3 days) or more ago,
is parked, its error naming the runs; a page answered once, or refused only within the patience, is not.

A real server on loopback, real runs into a real DuckDB file; the days between runs are made by moving the
stored times back (as the generated world's clock events do), not waited.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow import fetchrules
from newsflow.config import load_config
from newsflow.models import EntryAttempt, FetchEvent, FetchKind, Outcome
from newsflow.refusedpages import REFUSED_PATIENCE, park_refused
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
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
    assert "refused (HTTP 429) on 2 runs since" in str(error) and "parked" in str(error) and "\n" not in str(error)
    assert len(server.hits(refused)) >= 2
    asked = run_read_query(Warehouse(config.warehouse_path),
                           "SELECT count(DISTINCT run_id) FROM fetch_events WHERE status_code = 429").rows
    assert asked == [(2,)], "each refusal is a fetch_events row: the attempts are visible"


def _event(at: datetime, status: int | None) -> FetchEvent:
    return FetchEvent(run_id="now", at=at, kind=FetchKind.ARTICLE, feed_id="f", url="http://a.example/1",
                      status_code=status, outcome=Outcome.RATE_LIMITED, error="GET http://a.example/1: HTTP 429",
                      bytes_read=0, elapsed_ms=0)


@pytest.mark.parametrize(("runs_before", "first_days_ago", "status", "parked"), [
    (2, 4, 429, True),  # three refusals, the first past the patience
    (2, 4, 503, True),  # a 503 asking a pause, the same
    (1, 4, 429, False),  # two refusals only: a page of a site refusing for a spell is kept
    (9, 2.9, 429, False),  # many, but all within the patience: a busy weekend parks nothing
    (9, 4, None, False),  # never sent (its host paused by a sibling's answer): never refused, never parked
])
def test_only_a_page_refused_on_enough_runs_over_the_patience_is_parked(
    runs_before: int, first_days_ago: float, status: int | None, parked: bool,
) -> None:
    now = datetime.now(UTC)
    attempt = EntryAttempt("http://a.example/1", "rate_limited", None, error="x", counts=False)
    history = {"http://a.example/1": (runs_before, now - timedelta(days=first_days_ago))}
    (after,) = park_refused([attempt], [_event(now, status)], 3, lambda urls, since: history)
    assert (after.terminal is True) is parked
    assert first_days_ago < REFUSED_PATIENCE.days or runs_before < 2 or status is None or parked


def test_a_head_past_the_limit_is_named_in_our_words_and_costs_no_other_page() -> None:
    """3,000 `Set-Cookie` headers (a 360 KB head): `protocol_error`, one line naming the URL and the head's limit;
    before, h11's words ("RemoteProtocolError: Receive buffer too long"). A page of the same host after it: `ok`."""
    page = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(ARTICLE)) + ARTICLE
    flood = b"".join(b"Set-Cookie: c%d=%s; Path=/\r\n" % (n, b"v" * 100) for n in range(3000))
    flooded_page = page.replace(b"\r\n\r\n", b"\r\n" + flood + b"\r\n", 1)
    server = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else flooded_page if path == "/flood" else page)
    url = server.url("/flood")
    try:
        flooded, fine = fetch_articles(settings(), [url, server.url("/fine")])
    finally:
        server.close()
    assert (flooded.outcome, flooded.status_code) == (Outcome.PROTOCOL_ERROR, None)
    assert flooded.error == (f"GET {url}: the server's head passed 100 KiB (thousands of headers or "
                             "cookies); not read, tried again later")
    assert fine.outcome is Outcome.OK
