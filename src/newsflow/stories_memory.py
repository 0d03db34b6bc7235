"""The story index in memory, for tests, benchmarks and small tools: what the warehouse keeps in
`story_bands`, `story_signatures` and `story_lines` (newsflow.warehouse.story_index), as dicts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from newsflow.stories import BandKey, IndexedArticle, StoryAssignment, StoryCandidate
from newsflow.stories_furniture import LineKey, LineStories, StoryLines


class MemoryIndex:
    """The story index in memory: what `story_bands` and `story_signatures` hold, as dicts.

    For tests, benchmarks and small tools; the warehouse keeps the same rows in DuckDB.
    """

    def __init__(self) -> None:
        self.keys: defaultdict[BandKey, list[str]] = defaultdict(list)
        self.signatures: dict[str, bytes | None] = {}
        self.story_of: dict[str, str] = {}
        self.sort_keys: dict[str, tuple[Any, ...]] = {}
        self.lines: defaultdict[LineKey, list[str]] = defaultdict(list)
        self.lines_of_article: dict[str, tuple[str, tuple[int, ...]]] = {}

    def lookup(self, keys: list[BandKey]) -> list[IndexedArticle]:
        return [
            IndexedArticle(a, self.story_of[a], self.signatures[a], key, self.sort_keys[self.story_of[a]])
            for key in keys
            for a in self.keys.get(key, ())
        ]

    def lookup_lines(
        self, keys: list[LineKey], batch_ids: list[str], cap: int
    ) -> tuple[list[LineStories], list[StoryLines]]:
        """As `warehouse.lookup_story_lines`, the batch left out."""
        leave_out = set(batch_ids)
        found: list[LineStories] = []
        few: set[tuple[str, str]] = set()
        for site, key in keys:
            carriers = Counter(self.story_of[a] for a in set(self.lines.get((site, key), ())) - leave_out)
            if carriers:
                found.append((site, key, tuple(sorted(carriers.items()))[:cap]))
                if len(carriers) < cap:
                    few.update((site, story) for story in carriers)
        lines_of: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        for article_id, story in self.story_of.items() if few else ():
            article_site, line_keys = self.lines_of_article.get(article_id, ("", ()))
            if (article_site, story) in few and article_id not in leave_out:
                lines_of[(article_site, story)].update(line_keys)
        return found, [(site, story, tuple(sorted(k))) for (site, story), k in sorted(lines_of.items())]

    def add(self, assignment: StoryAssignment, candidates: Sequence[StoryCandidate]) -> None:
        sort_key = {c.article_id: c.sort_key for c in candidates}
        for merge in assignment.merges:  # the warehouse: UPDATE ... SET story_id = merged_into
            for article_id, story_id in self.story_of.items():
                if story_id == merge.story_id:
                    self.story_of[article_id] = merge.merged_into
        for article in assignment.articles:
            self.signatures[article.article_id] = article.signature
            self.story_of[article.article_id] = article.story_id
            self.sort_keys.setdefault(article.article_id, sort_key[article.article_id])
            for key in article.band_keys:
                self.keys[key].append(article.article_id)
            for line in article.line_keys:
                self.lines[(article.site, line)].append(article.article_id)
            self.lines_of_article[article.article_id] = (article.site, article.line_keys)
