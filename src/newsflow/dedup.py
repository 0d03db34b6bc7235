"""Deduplication rules, as pure functions.

- By URL: an article's id is derived from its canonical URL, so a URL can only ever be one row.
- By text and by story: `assign_story_ids` places each new article in a story through
  `newsflow.stories` (MinHash LSH; identical texts always match), looking up earlier articles
  through a callable so that this module stays free of I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from newsflow import stories
from newsflow.models import Article
from newsflow.stories import BandKey
from newsflow.stories_furniture import LineLookup, StoredLine
from newsflow.urls import host_of, outlet_of_host

# (band, band_hash, article_id, story_id, signature, story_started_at): one row of the index lookup
StoredMatch = tuple[int, int, str, str, bytes | None, datetime | None]


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


def count_text_duplicates(articles: Sequence[Article], known_hashes: Collection[str]) -> int:
    """Articles whose exact text is already stored, or appeared earlier in the batch."""
    seen = set(known_hashes)
    duplicates = 0
    for article in articles:
        duplicates += article.content_hash in seen
        seen.add(article.content_hash)
    return duplicates


@dataclass(frozen=True)
class StoryPlacement:
    """The batch's articles with their story ids, what to add to the index, and any merges."""

    articles: list[Article]
    index_rows: list[tuple[str, str, bytes | None, tuple[BandKey, ...]]]
    merges: list[tuple[str, str, str]]
    line_rows: list[StoredLine] = field(default_factory=list)


def assign_story_ids(
    articles: Sequence[Article], lookup: Callable[[list[BandKey]], list[StoredMatch]],
    line_lookup: LineLookup | None = None,
) -> StoryPlacement:
    """Give each new article the story of the earlier articles it matches, or its own id.

    `line_lookup` finds the stored articles of a site carrying a short line (`story_lines`), so
    a site's furniture is left out of its articles' text before they are compared.
    """
    candidates = [
        stories.StoryCandidate(a.article_id, a.text, a.content_hash, (a.published_at or a.fetched_at, a.article_id),
                               site_of_url(a.canonical_url))
        for a in articles
    ]
    assignment = stories.assign_stories(candidates, lambda keys: [_indexed(m) for m in lookup(keys)],
                                        line_lookup=line_lookup)
    story_of = assignment.story_ids()
    return StoryPlacement(
        articles=[replace(a, story_id=story_of[a.article_id]) for a in articles],
        index_rows=[(x.article_id, x.story_id, x.signature, x.band_keys) for x in assignment.articles],
        merges=[(m.story_id, m.merged_into, m.bridging_article_id) for m in assignment.merges],
        line_rows=[(x.site, key, x.article_id, x.story_id) for x in assignment.articles for key in x.line_keys],
    )


def site_of_url(url: str) -> str:
    """The outlet as the `stories` view counts it (`urls.outlet_of_host`): the URL's host, less "www." and a mobile
    or AMP edition's "m.", "mobile." or "amp."."""
    return outlet_of_host(host_of(url))


def _indexed(match: StoredMatch) -> stories.IndexedArticle:
    band, band_hash, article_id, story_id, signature, story_started_at = match
    return stories.IndexedArticle(article_id, story_id, signature, (band, band_hash), (story_started_at, story_id))
