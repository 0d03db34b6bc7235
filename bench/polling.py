"""2. Polling: 1,000 feeds answering 304, and 1,000 feeds with 20 new items each.

Targets (issue #6): a run over 1,000 unchanged feeds in at most 10 s; parsing 1,000 feeds of 20
new items in at most 2x feedparser's own parse time on the same bytes.

The items link to URLs whose articles are already stored (synthetic rows), so the run that
finds the new items resolves them by URL and fetches no page: polling is all it measures.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.sitefactory import generated_story, rss_feed

from bench import baselines, synth
from bench.options import Options
from bench.report import Table, ratio
from bench.runs import run_in_process, write_config
from bench.site import RSS, SitePlan, serving
from newsflow.config import load_config
from newsflow.feeds import parse_feed
from newsflow.urls import canonicalize_url

TITLE = "2. Polling: 1,000 feeds unchanged (304), and 1,000 feeds x 20 new items"


def plan_feeds(feeds: int, items: int, hosts: int = 2) -> SitePlan:
    """`feeds` RSS feeds of `items` items each (with validators); their links lead nowhere."""
    plan = SitePlan([f"127.0.0.{h + 1}" for h in range(hosts)])
    plan.routes = {host: {} for host in plan.hosts}
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for feed in range(feeds):
        host, path = plan.hosts[feed % hosts], f"/poll{feed}/feed.xml"
        entries: list[tuple[str, str, datetime | None]] = []
        for n in range(items):
            title = generated_story(feed * items + n, paragraphs=1, words=8).title
            entries.append((title, f"{n}.html", start + timedelta(minutes=feed * items + n)))
        plan.routes[host][path] = (rss_feed(f"feed {feed}", entries), RSS, True)
        plan.feeds[f"poll{feed}"] = (host, path)
    return plan


def run(opts: Options) -> Table:
    table = Table(TITLE)
    plan = plan_feeds(opts.polling_feeds, opts.polling_items)
    bodies = [plan.routes[host][path][0] for host, path in plan.feeds.values()]
    table.notes.append(f"{len(bodies)} synthetic RSS 2.0 feeds of {opts.polling_items} items, "
                       f"{sum(map(len, bodies)) / len(bodies) / 1e3:.1f} KB each, on {len(plan.hosts)} loopback hosts")
    with serving(plan) as fleet:
        feed_urls = fleet.feed_urls()
        config_path = write_config(opts.workdir / "polling", feed_urls)
        item_urls = [canonicalize_url(url.rsplit("/", 1)[0] + f"/{n}.html")
                     for url in feed_urls.values() for n in range(opts.polling_items)]
        synth.store_urls(load_config(config_path).warehouse_path, item_urls, "stored")
        new = run_in_process(config_path)
        unchanged = run_in_process(config_path)
    _report_runs(table, new.summary.elapsed_s, new.stages, new.counts, unchanged.summary.elapsed_s, unchanged.counts)
    feedparser_s = _report_parse(table, bodies, feed_urls)
    poll_s = new.stages.get("poll", 0.0)
    table.add("poll stage of the all-new run (fetch + parse)", poll_s, "s", ratio=ratio(poll_s, feedparser_s),
              note="against feedparser's parse time: the rest is fetching 1,000 feeds")
    return table


def _report_runs(table: Table, new_s: float, new_stages: dict[str, float], new_counts: dict[str, int],
                 unchanged_s: float, unchanged_counts: dict[str, int]) -> None:
    table.add("run, every feed new (200, all items new)", new_s, "s",
              note=f"{new_counts['entries_new']} new entries, {new_counts['articles_fetched']} pages fetched; "
                   + ", ".join(f"{k} {v:.2f} s" for k, v in new_stages.items()))
    not_modified = unchanged_counts["feeds_not_modified"]
    table.check("run, every feed unchanged (304)", unchanged_s, "s", 10.0, "<= 10 s",
                note=f"{not_modified} of {unchanged_counts['feeds_polled']} feeds answered 304")


def _parse_all(bodies: list[bytes], feed_urls: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    parsed = sum(len(parse_feed(body, feed_id=name, feed_url=url).entries)
                 for body, (name, url) in zip(bodies, feed_urls.items(), strict=True))
    return time.perf_counter() - started, parsed


def _report_parse(table: Table, bodies: list[bytes], feed_urls: dict[str, str], repeats: int = 3) -> float:
    """Best of `repeats`, alternating the two, after a warm-up of each (first calls import and compile)."""
    baselines.feedparser_parse(bodies[:5])
    _parse_all(bodies[:5], dict(list(feed_urls.items())[:5]))
    feedparser_runs, newsflow_runs = [], []
    for _ in range(repeats):
        feedparser_runs.append(baselines.feedparser_parse(bodies))
        newsflow_runs.append(_parse_all(bodies, feed_urls))
    (feedparser_s, entries), (newsflow_s, parsed) = min(feedparser_runs), min(newsflow_runs)
    table.add("baseline: feedparser.parse on the same bytes (best of 3)", feedparser_s, "s", ratio=1.0,
              note=f"{entries} entries")
    table.check("newsflow parse_feed on the same bytes (best of 3)", newsflow_s, "s", 2 * feedparser_s,
                "<= 2x feedparser", ratio=ratio(newsflow_s, feedparser_s), note=f"{parsed} entries")
    return feedparser_s
