"""Issue #3 at the scale of a whole run: every hostile server at once, through `python -m newsflow run`.

The run must finish with exit 0, record every failure in `fetch_events` with its outcome and
in `feeds` with its class, store the good articles, keep the whole process tree (the run,
the forkserver, the extraction workers) under 500 MiB, and take about
(hostile URLs x timeout / concurrency) plus a constant.

Slow: one child process with Prefect, about 15 s.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.hostile.hostile_site import ALLOWED_NETWORKS, NON_HTTP_LINKS, HostileSite, hostile_site
from tests.hostile.subprocesses import BackgroundRun, prefect_api_url, write_run_config

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.timeout(180)]

FETCH_TIMEOUT = 1.0
CONCURRENCY = 8
# ci108 saw /art/empty, a 100-byte page, pass a 1.5 s limit on a worker starved under CI load; 3 s gives
# it room, and the slow page (5.6 s on an idle machine) still times out.
EXTRACT_TIMEOUT = 3.0
MAX_PEAK_MIB = 500
# The run's own constant: stage and task overhead, extraction pool start-up, loads.
RUN_CONSTANT_SECONDS = 10.0
# The process's on top of that: imports, Prefect flow run creation and teardown.
PROCESS_CONSTANT_SECONDS = 20.0


def rows(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def run_bound(site: HostileSite) -> float:
    """Seconds the run may take: hostile URLs x timeout / concurrency, the slow extraction, a constant."""
    return math.ceil(site.hostile_urls / CONCURRENCY) * FETCH_TIMEOUT + EXTRACT_TIMEOUT + RUN_CONSTANT_SECONDS


def test_a_run_against_every_hostile_server_at_once_finishes_within_bounds(tmp_path: Path) -> None:
    with hostile_site() as site:
        config_path = write_run_config(
            tmp_path, site.feeds, allowed_networks=ALLOWED_NETWORKS,
            fetch={"timeout": FETCH_TIMEOUT, "concurrency": CONCURRENCY, "per_host_concurrency": CONCURRENCY,
                   "max_bytes": 1_000_000, "max_retry_after": 1.0},
            extract={"workers": 2, "timeout": EXTRACT_TIMEOUT},
        )
        with BackgroundRun(config_path, prefect_api_url(), pss_bound_mib=MAX_PEAK_MIB) as run:
            code, out, err = run.wait(timeout=150)

        assert code == 0, f"stdout:\n{out}\nstderr:\n{err[-3000:]}"
        assert "Traceback" not in err
        check_feed_outcomes(config_path, site)
        check_article_outcomes(config_path, site)
        check_nothing_reached_what_it_must_not(config_path, site)

        outcomes = Counter(str(o) for (o,) in rows(config_path, "SELECT outcome FROM fetch_events"))
        run_seconds = float(str(rows(config_path, "SELECT epoch(finished_at - started_at) FROM runs")[0][0]))
        print(f"\nwhole hostile run: {len(site.feeds)} feeds, {site.hostile_urls} hostile URLs; "
              f"run {run_seconds:.1f} s (bound {run_bound(site):.1f} s), process {run.elapsed:.1f} s; "
              f"{run.memory.describe()}\noutcomes: {dict(sorted(outcomes.items()))}\n{out.strip()}")
        assert run.memory.samples > 0
        assert run.memory.peak_hwm < MAX_PEAK_MIB, run.memory.describe()
        assert run.memory.peak_sampled_pss < MAX_PEAK_MIB, run.memory.describe()
        assert run_seconds <= run_bound(site)
        assert run.elapsed <= run_bound(site) + PROCESS_CONSTANT_SECONDS


def check_feed_outcomes(config_path: Path, site: HostileSite) -> None:
    events = {str(feed): (str(outcome), cls) for feed, outcome, cls in rows(
        config_path, "SELECT feed_id, outcome, failure_class FROM fetch_events WHERE kind = 'feed'")}
    assert {feed: outcome for feed, (outcome, _) in events.items()} == site.expected_feeds
    assert rows(config_path, "SELECT count(*) FROM fetch_events WHERE kind = 'feed'") == [(len(site.feeds),)]
    health = {str(feed): (str(status), failures) for feed, status, failures in rows(
        config_path, "SELECT feed_id, last_status, consecutive_failures FROM feeds")}
    assert {feed: status for feed, (status, _) in health.items()} == site.feed_status
    for feed, (status, failures) in health.items():
        assert failures == (0 if status == "ok" else 1), feed
        assert events[feed][1] == (None if status == "ok" else status), feed
    errors = {str(feed): error for feed, error in rows(
        config_path, "SELECT feed_id, last_error FROM feeds WHERE last_status <> 'ok'")}
    for feed, error in errors.items():
        assert error and "\n" not in str(error), f"{feed}: one line naming what went wrong, got {error!r}"
    check_backoff(config_path, site)
    titles = rows(config_path, "SELECT max(length(title)) FROM feeds UNION ALL SELECT max(length(title)) FROM entries")
    assert all(int(str(length)) < 600 for (length,) in titles), "no entity was expanded"


def check_backoff(config_path: Path, site: HostileSite) -> None:
    """polling.py: one failure backs off 300 s, a hard one 4 x 300 s (never a day at once), each
    +/-10% of jitter; Retry-After is a floor."""
    waits = {str(feed): float(str(seconds)) for feed, seconds in rows(
        config_path, "SELECT feed_id, epoch(next_poll_at - last_polled_at) FROM feeds")}
    expected = {"ok": 0.0, "soft": 300.0, "temporary": 300.0, "hard": 1200.0}
    for feed, status in site.feed_status.items():
        if feed == "rate-limited":
            assert waits[feed] == pytest.approx(3600.0, abs=1), feed
        else:
            assert waits[feed] == pytest.approx(expected[status], rel=0.1, abs=1), feed


def check_article_outcomes(config_path: Path, site: HostileSite) -> None:
    events = {str(url): str(outcome) for url, outcome in rows(
        config_path, "SELECT url, outcome FROM fetch_events WHERE kind = 'article'")}
    hostile = {url: events.get(url) for url in site.expected_articles}
    assert hostile == site.expected_articles
    stored = {str(url) for (url,) in rows(config_path, "SELECT url FROM articles")}
    assert stored == set(site.good_articles), "every good article, and only those, is stored"
    assert all(events[url] == "ok" for url in site.good_articles)
    assert rows(config_path, "SELECT count(*) FROM fetch_events WHERE kind = 'article'") == [(len(events),)]
    waited = rows(config_path, "SELECT min(elapsed_ms) FROM fetch_events WHERE outcome = 'timeout'")[0][0]
    assert int(str(waited)) >= 0.9 * FETCH_TIMEOUT * 1000, "a timeout is logged with the time it took"
    assert rows(config_path, "SELECT count(*) FROM fetch_events WHERE kind = 'article' AND outcome <> 'ok' "
                             "AND (error IS NULL OR failure_class IS NULL)") == [(0,)]


def check_nothing_reached_what_it_must_not(config_path: Path, site: HostileSite) -> None:
    """The address policy, robots.txt, the Retry-After pause and the parser's scheme filter held."""
    assert site.forbidden.requests == [], "the redirects to localhost never connected"
    assert [r.path for r in site.throttled.requests] == ["/feed"], "the paused host got nothing after its 429"
    requested = {r.path for r in site.origin.requests}
    assert "/private/leaked" not in requested and "/secret" not in requested
    assert "/pub/file" not in requested, "the ftp: link was not fetched over http either"
    entry_urls = [str(url) for (url,) in rows(config_path, "SELECT url FROM entries WHERE feed_id = 'hostile-links'")]
    assert len(entry_urls) == site.http_links_in_hostile_feed
    assert all(url.startswith("http://") for url in entry_urls)
    seen = rows(config_path, "SELECT entries_seen FROM polls WHERE feed_id = 'hostile-links'")
    assert seen == [(site.http_links_in_hostile_feed,)], f"the {len(NON_HTTP_LINKS)} non-http items are dropped"
    robots = set(rows(config_path, "SELECT url, outcome FROM fetch_events WHERE kind = 'robots'"))
    assert robots == {
        (f"http://localhost:{site.forbidden.port}/robots.txt", "blocked"),  # robots.txt is guarded like any hop
        (site.origin.url("/robots.txt"), "ok"),
        (site.throttled.url("/robots.txt"), "rate_limited"),  # paused host: not sent, so allow all
    }
