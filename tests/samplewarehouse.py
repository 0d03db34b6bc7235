"""A small warehouse with known contents, loaded through `newsflow.warehouse`'s load functions.

Three outlets share a wire story (Daily Planet breaks it), The Gazette breaks a flood story
that Daily Planet copies, Tageblatt writes in German and gives no sitename, a quiet feed last
brought an item 5 days ago and a dead feed fails every poll. Times are whole days before
today (UTC midnight) plus an hour, so per-day counts do not depend on the time of the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import warehouse
from newsflow.models import (
    Article,
    EntryAttempt,
    FeedConfig,
    FeedEntry,
    FeedPollState,
    FetchEvent,
    FetchKind,
    HostPause,
    Outcome,
)
from newsflow.warehouse import Warehouse

RUN_ID = "sample-run"
NOW = datetime.now(UTC)
TODAY = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
FEEDS = {
    "planet": ("https://planet.example/rss.xml", "Daily Planet"),
    "gazette": ("https://gazette.example/atom.xml", "The Gazette"),
    "blatt": ("https://tageblatt.example/feed", None),
    "quiet": ("https://quiet.example/feed", None),
    "dead": ("https://dead.example/feed", None),
}


@dataclass(frozen=True)
class SampleArticle:
    slug: str
    feed: str
    days_ago: int
    hour: float
    latency_min: int  # from publication to first sight
    author: str | None
    story: str | None = None  # the slug of the article whose text this one copies
    language: str = "en"

    @property
    def published_at(self) -> datetime:
        return TODAY - timedelta(days=self.days_ago) + timedelta(hours=self.hour)

    @property
    def first_seen_at(self) -> datetime:
        return self.published_at + timedelta(minutes=self.latency_min)

    @property
    def url(self) -> str:
        return f"https://{FEEDS[self.feed][0].split('/')[2]}/{self.slug}"


ARTICLES = (
    SampleArticle("p-wire", "planet", 1, 8, 10, "Wire Service"),
    SampleArticle("p1", "planet", 1, 14, 30, "Ann Lee"),
    SampleArticle("p2", "planet", 2, 9, 20, "Ann Lee"),
    SampleArticle("p3", "planet", 3, 14, 60, "Bo Chan"),
    SampleArticle("p-flood", "planet", 2, 16, 15, None, story="g-flood"),
    SampleArticle("g-wire", "gazette", 1, 9.5, 45, "Wire Service", story="p-wire"),
    SampleArticle("g-flood", "gazette", 2, 14, 5, "Cy Diaz"),
    SampleArticle("g1", "gazette", 3, 20, 90, "Cy Diaz"),
    SampleArticle("b-wire", "blatt", 1, 10, 120, "Dpa", story="p-wire", language="de"),
    SampleArticle("b1", "blatt", 2, 14, 240, "Eva Roth", language="de"),
)
BY_SLUG = {a.slug: a for a in ARTICLES}
# The Gazette's feed also links Daily Planet's p1, seen 3 hours after it was published.
REPEAT_ENTRY = ("gazette", "gazette-links-p1", BY_SLUG["p1"], 180)
QUIET_ENTRY_DAYS_AGO = 5
# (feed, outcome, status, hours ago): feed polls, for success rates over 7 days.
FEED_POLLS = (
    ("planet", Outcome.OK, 200, 48), ("planet", Outcome.NOT_MODIFIED, 304, 24), ("planet", Outcome.OK, 200, 1),
    ("gazette", Outcome.OK, 200, 48), ("gazette", Outcome.TIMEOUT, None, 24), ("gazette", Outcome.HTTP_ERROR, 500, 240),
    ("blatt", Outcome.OK, 200, 1), ("quiet", Outcome.OK, 200, 144),
    ("dead", Outcome.HTTP_ERROR, 404, 30), ("dead", Outcome.HTTP_ERROR, 404, 2),
)


QUIET_URL = "https://quiet.example/q1"  # its page is a PDF: the entry is parked
PENDING_URL = "https://quiet.example/q2"  # seen with q1, never tried: left for a later run (run_deferred)


def build_sample_warehouse(path: Path) -> Warehouse:
    store = Warehouse(path)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig(name, url) for name, (url, _) in FEEDS.items()])
        warehouse.begin_run(con, RUN_ID, NOW)
        with warehouse.transaction(con):
            warehouse.insert_entries(con, RUN_ID, feed_entries())
            warehouse.update_feed_states(con, poll_states())
            warehouse.insert_fetch_events(con, feed_events())
        set_first_seen(con)
        with warehouse.transaction(con):
            attempts = [EntryAttempt(a.url, "ok", a.slug) for a in ARTICLES]
            attempts.append(EntryAttempt(QUIET_URL, "not_html", None, error=f"{QUIET_URL}: application/pdf"))
            warehouse.load_articles(con, [article(a) for a in ARTICLES], attempts, article_events(),
                                    terminal_outcomes=["not_html"])
        asked = datetime.now(UTC)  # `host_pauses` lists the pauses in force: one an hour from the build
        warehouse.write_host_pauses(con, [HostPause("busy.example", asked + timedelta(hours=1), asked, 503,
                                                    "https://busy.example/news/1")], asked)
        warehouse.finish_run(con, RUN_ID, {"articles_stored": len(ARTICLES)}, "completed")
    return store


def feed_entries() -> list[FeedEntry]:
    entries = [FeedEntry(a.feed, a.slug, a.url, a.url, a.slug, None, a.published_at) for a in ARTICLES]
    feed, guid, target, _ = REPEAT_ENTRY
    entries.append(FeedEntry(feed, guid, target.url, target.url, target.slug, None, target.published_at))
    quiet_at = TODAY - timedelta(days=QUIET_ENTRY_DAYS_AGO)
    entries.append(FeedEntry("quiet", "q1", QUIET_URL, QUIET_URL, "q1", None, quiet_at))
    entries.append(FeedEntry("quiet", "q2", PENDING_URL, PENDING_URL, "q2", None, quiet_at))
    return entries


def set_first_seen(con: object) -> None:
    """The load stamps entries with now(); give each the time it would have been seen."""
    seen = {a.slug: a.first_seen_at for a in ARTICLES}
    seen[REPEAT_ENTRY[1]] = REPEAT_ENTRY[2].published_at + timedelta(minutes=REPEAT_ENTRY[3])
    seen["q1"] = seen["q2"] = TODAY - timedelta(days=QUIET_ENTRY_DAYS_AGO)
    con.execute(  # type: ignore[attr-defined]
        "UPDATE entries SET first_seen_at = s.at FROM (SELECT unnest($guid) AS guid, unnest($at) AS at) AS s "
        "WHERE entries.guid = s.guid",
        {"guid": list(seen), "at": list(seen.values())},
    )


def article(sample: SampleArticle) -> Article:
    sitename = FEEDS[sample.feed][1]
    text = f"The text of {sample.story or sample.slug}."
    return Article(
        article_id=sample.slug, canonical_url=sample.url, url=sample.url, feed_id=sample.feed,
        title=f"Title {sample.slug}", author=sample.author, published_at=sample.published_at,
        language=sample.language, sitename=sitename,
        text=text, word_count=len(text.split()), content_hash=f"hash-{sample.story or sample.slug}",
        story_id=sample.story or sample.slug, fetched_at=NOW, run_id=RUN_ID,
    )


def feed_events() -> list[FetchEvent]:
    events = []
    for feed, outcome, status, hours in FEED_POLLS:
        error = None if outcome in (Outcome.OK, Outcome.NOT_MODIFIED) else f"GET {FEEDS[feed][0]}: {outcome}"
        events.append(FetchEvent(RUN_ID, NOW - timedelta(hours=hours), FetchKind.FEED, feed, FEEDS[feed][0],
                                 status, outcome, error, 100, 5))
    return events


def poll_states() -> list[FeedPollState]:
    latest = {feed: (outcome, hours) for feed, outcome, _, hours in sorted(FEED_POLLS, key=lambda p: -p[3])}
    states = []
    for feed, (outcome, hours) in latest.items():
        failed = outcome not in (Outcome.OK, Outcome.NOT_MODIFIED)
        states.append(FeedPollState(feed_id=feed, polled_at=NOW - timedelta(hours=hours),
                                    status="soft" if failed else str(outcome), outcome=str(outcome), failed=failed))
    return states


def article_events() -> list[FetchEvent]:
    events = [FetchEvent(RUN_ID, NOW, FetchKind.ARTICLE, a.feed, a.url, 200, Outcome.OK, None, 5000, 20)
              for a in ARTICLES]
    events.append(FetchEvent(RUN_ID, NOW, FetchKind.ARTICLE, "planet", "https://planet.example/video", 200,
                             Outcome.EXTRACT_EMPTY, "https://planet.example/video: extract_empty", 900, 10))
    return events
