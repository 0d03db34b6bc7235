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


def test_identical_texts_join_the_known_story_or_the_first_in_batch() -> None:
    a, b, c = article("https://a.example/1", "same"), article("https://b.example/1", "same"), article(
        "https://c.example/1", "other")
    assigned = dedup.assign_text_stories([a, b, c], {})
    assert [x.story_id for x in assigned] == [a.article_id, a.article_id, c.article_id]
    assert dedup.count_text_duplicates(assigned) == 1
    known = dedup.assign_text_stories([replace(c, content_hash="same")], {"same": "earlier"})
    assert known[0].story_id == "earlier"
