"""Dedup rules: one article per URL, identical texts share the earliest story."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from newsflow import dedup
from newsflow.models import Article

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def article(url: str, content_hash: str) -> Article:
    article_id = dedup.article_id_for(url)
    return Article(article_id, url, url, "f", None, None, None, None, None, "text", 1, content_hash, article_id,
                   NOW, "r")


def test_article_id_is_stable_and_distinct_per_url() -> None:
    assert dedup.article_id_for("https://a.example/1") == dedup.article_id_for("https://a.example/1")
    assert dedup.article_id_for("https://a.example/1") != dedup.article_id_for("https://a.example/2")
    assert len(dedup.article_id_for("https://a.example/1")) == 16


def test_unique_by_url_keeps_the_first() -> None:
    first, second = article("https://a.example/1", "h1"), article("https://a.example/1", "h2")
    assert dedup.unique_by_url([first, second, article("https://a.example/2", "h3")])[0] is first
    assert len(dedup.unique_by_url([first, second])) == 1


def test_text_duplicates_count_known_and_in_batch_repeats() -> None:
    a, b, c = (article(f"https://{h}.example/1", h2) for h, h2 in (("a", "same"), ("b", "same"), ("c", "old")))
    assert dedup.count_text_duplicates([a, b, c], {"old"}) == 2


def test_identical_long_texts_share_the_first_story_and_short_ones_match_exactly() -> None:
    long_text = " ".join(f"word{n} of the statement" for n in range(40))
    first = replace(article("https://a.example/1", "h"), text=long_text)
    copy = replace(article("https://b.example/1", "h"), text=long_text, fetched_at=NOW.replace(hour=1))
    other = replace(article("https://c.example/1", "x"), text="A short brief.")
    placed = dedup.assign_story_ids([copy, first, other], lambda keys: [])
    story = {a.article_id: a.story_id for a in placed.articles}
    assert story[copy.article_id] == story[first.article_id] == first.article_id, "earliest member names the story"
    assert story[other.article_id] == other.article_id
    assert len(placed.index_rows) == 3 and placed.merges == []
