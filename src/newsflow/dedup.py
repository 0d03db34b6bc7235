"""Deduplication rules, as pure functions.

- By URL: an article's id is derived from its canonical URL, so a URL can only ever be one row.
- By text: articles whose normalised text hashes alike share the `story_id` of the earliest
  one. Near-duplicates (the same story reworded) are the stories module's business.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsflow.models import Article


def article_id_for(canonical_url: str) -> str:
    """A stable id: the first 16 hex digits of sha256 of the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def unique_by_url(articles: Sequence[Article]) -> list[Article]:
    """Keep the first article per canonical URL (a page's rel=canonical can merge two entries)."""
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.canonical_url not in seen:
            seen.add(article.canonical_url)
            unique.append(article)
    return unique


def assign_text_stories(articles: Sequence[Article], known: Mapping[str, str]) -> list[Article]:
    """Give each article the story of an earlier article with the same content hash.

    `known` maps content hashes already in the warehouse to their story ids. Within the batch
    the first article with a hash starts the story, and later ones join it.
    """
    story_by_hash = dict(known)
    assigned = []
    for article in articles:
        story_id = story_by_hash.setdefault(article.content_hash, article.article_id)
        assigned.append(replace(article, story_id=story_id))
    return assigned


def count_text_duplicates(articles: Sequence[Article]) -> int:
    """Articles that joined a story started by another article with the same text."""
    return sum(1 for a in articles if a.story_id != a.article_id)
