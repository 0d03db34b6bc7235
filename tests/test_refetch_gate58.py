"""The review of Updates 58: a refetched page replaces the stored text only when it is the same story, better or
equal (`refetchgate.rejection`); else its try is `rejected` with the reason, no version, the article unchanged, and
it counts as a try for the interval. No refetch in a run whose polls told an outage or a portal, nor for a feed not
answered this run (`refetch.feeds_through`); a feed's `updated` stamped at build time notes no change.

Real parts: the real acceptance function, `record_refetches` and `refetch_targets` on a real DuckDB file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from newsflow import warehouse
from newsflow.feedentries import without_feed_stamps
from newsflow.models import Article, EntryAttempt, FeedConfig, FeedEntry
from newsflow.pipeline import RunCounts
from newsflow.refetch import feeds_through
from newsflow.refetchgate import REJECTED, rejection
from newsflow.warehouse import Warehouse, record_refetches, refetch_targets, transaction
from newsflow.warehouse.refetches import Refetched
from tests.searchsample import Doc, empty_warehouse

STORY = " ".join(f"Paragraph {n}: officials in the harbour town described the storm damage, the closed roads and "
                 f"the repairs planned for the coming weeks, said the mayor ({n})." for n in range(5))
DOC = Doc("storm", "Storm damage", STORY, feed="a")
OLD = DOC.article()
URL = OLD.url
UPDATE = STORY + " Update: the harbour authority revised the figures late on Tuesday."
CONSENT = ("We value your privacy. We and our 842 partners store and access information on your device, such as "
           "cookies, and process personal data for personalised advertising and content measurement. " * 5)
GERMAN = " ".join(f"Absatz {n}: Die Beamten der Hafenstadt beschrieben die Sturmschäden und die gesperrten "
                  f"Straßen, sagte der Bürgermeister ({n})." for n in range(5))


def _page(text: str, **changed: Any) -> Article:
    return replace(OLD, text=text, word_count=len(text.split()), content_hash=f"new-{len(text)}", **changed)


def _why(article: Article, final_url: str = URL) -> str | None:
    return rejection(OLD.canonical_url, URL, OLD.text, OLD.word_count, OLD.language, final_url, article)


def test_an_update_of_the_story_is_taken() -> None:
    assert _why(_page(UPDATE)) is None
    assert _why(_page(STORY.replace("(3)", "(3, corrected)"))) is None


@pytest.mark.parametrize(("article", "final_url", "reason"), [
    (_page(CONSENT), URL, "another text"),  # a consent wall
    (_page(STORY.split("Paragraph 2")[0] + " Subscribe to continue reading."), URL, "shorter"),  # a paywall teaser
    (_page("Page not found. Sorry, we could not find the page you were looking for."), URL, "shorter"),  # soft-404
    (_page(GERMAN, language="de"), URL, "language"),  # another language
    (_page(UPDATE), "https://planet.example/", "moved"),  # a redirect to the home page
    (_page(UPDATE, canonical_url="https://planet.example/other"), URL, "canonical"),  # another article's canonical
])
def test_a_page_that_is_not_the_story_updated_is_rejected_with_its_reason(article: Article, final_url: str,
                                                                         reason: str) -> None:
    why = _why(article, final_url)
    assert why is not None and why.startswith(reason)


def _store(tmp_path: Path) -> Warehouse:
    store = empty_warehouse(tmp_path / "news.duckdb")
    fetched = OLD.fetched_at
    with store.writing() as con, transaction(con):
        warehouse.insert_entries(con, "poll", [FeedEntry("a", "urn:storm", URL, URL, "Storm damage", "s", None,
                                                         updated_at=fetched - timedelta(hours=5))])
        warehouse.load_articles(con, [OLD], [EntryAttempt(URL, "stored", "storm")], [])
        warehouse.insert_entries(con, "poll", [FeedEntry("a", "urn:storm", URL, URL, "Storm damage", "s", None,
                                                         updated_at=fetched + timedelta(hours=1))])
    return store


def test_a_rejected_refetch_keeps_the_article_writes_its_reason_and_counts_as_a_try(tmp_path: Path) -> None:
    with _store(tmp_path).writing() as con:
        now = datetime.now(UTC)
        [target] = refetch_targets(con, ["a"], 10, timedelta(0), now)
        assert (target.text, target.language, target.word_count) == (OLD.text, "en", OLD.word_count)
        with transaction(con):
            assert record_refetches(con, "run-2", [Refetched(target, now, REJECTED, 200, None, None, None,
                                                             _why(_page(CONSENT)))]) == {}
        assert con.execute("SELECT text, content_hash FROM articles").fetchall() == [(OLD.text, OLD.content_hash)]
        assert con.execute("SELECT count(*) FROM article_versions").fetchall() == [(0,)]
        assert con.execute("SELECT outcome, version, etag FROM article_refetches").fetchall() == [
            (REJECTED, None, None)]
        assert refetch_targets(con, ["a"], 10, timedelta(hours=1), now) == [], "not again within the interval"


def _ctx(answered: set[str], portal: set[str] = frozenset(), held: set[str] = frozenset()) -> Any:
    return SimpleNamespace(answered_sites=answered, portal_pages=set(portal), articles_held=set(held))


def test_no_refetch_after_an_outage_or_a_portal_nor_for_a_feed_not_answered_this_run() -> None:
    feeds = [FeedConfig("a", "https://planet.example/feed.xml"), FeedConfig("b", "https://other.example/rss")]
    assert feeds_through(_ctx({"planet.example"}), feeds, RunCounts()) == ["a"]
    assert feeds_through(_ctx({"planet.example"}, portal={"digest"}), feeds, RunCounts()) == []
    assert feeds_through(_ctx({"planet.example"}, held={"run"}), feeds, RunCounts()) == []
    assert feeds_through(_ctx({"planet.example"}), feeds, RunCounts(network_outage=1)) == []
    assert feeds_through(_ctx(set()), feeds, RunCounts()) == []  # the portal world: no feed came through


def test_updated_dates_stamped_at_the_build_note_no_change() -> None:
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=7)
    entries = tuple(FeedEntry("a", f"urn:{n}", f"https://planet.example/{n}", f"https://planet.example/{n}", "t",
                              "s", now - timedelta(days=1, minutes=7 * n), updated_at=now) for n in range(6))
    kept = without_feed_stamps(entries, now)
    assert [e.updated_at for e in kept] == [None] * 6  # no change can be noted
    assert [e.published_at for e in kept] == [e.published_at for e in entries]  # real dates kept
    apart = tuple(replace(e, updated_at=now - timedelta(hours=n)) for n, e in enumerate(entries))
    assert [e.updated_at for e in without_feed_stamps(apart, now)] == [e.updated_at for e in apart]
