"""Which stories are one: a union-find over story ids, so a bridge merges stories without
rewriting their members (`newsflow.stories`, split out of it; `StoryMerge` is re-exported there).

A bridge (a new article matching two or more stories) joins them into the one that started
first; persisted stories outrank the batch's own, so a bridge retires as few stored ids as it
can, and each retired one is reported as a `StoryMerge` for the warehouse to rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StoryMerge:
    """`story_id` (already in the warehouse) is now part of `merged_into`."""

    story_id: str
    merged_into: str
    bridging_article_id: str


@dataclass
class StoryGraph:
    """Union-find over story ids, so a bridge merges stories without rewriting members."""

    parent: dict[str, str] = field(default_factory=dict)
    rank: dict[str, tuple[bool, tuple[Any, ...], str]] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)  # persisted story -> bridging article

    def add(self, story_id: str, started: tuple[Any, ...], persisted: bool) -> None:
        if story_id not in self.parent:
            self.parent[story_id] = story_id
            # Persisted stories survive in-batch ones, so a bridge retires as few stored ids as it can.
            self.rank[story_id] = (not persisted, started, story_id)

    def find(self, story_id: str) -> str:
        while self.parent[story_id] != story_id:
            self.parent[story_id] = self.parent[self.parent[story_id]]
            story_id = self.parent[story_id]
        return story_id

    def join(self, story_ids: Iterable[str], bridging_article_id: str) -> str:
        roots = sorted({self.find(s) for s in story_ids}, key=self.rank.__getitem__)
        survivor = roots[0]
        for absorbed in roots[1:]:
            self.parent[absorbed] = survivor
            if not self.rank[absorbed][0]:
                self.retired[absorbed] = bridging_article_id
        return survivor

    def merges(self) -> tuple[StoryMerge, ...]:
        return tuple(StoryMerge(s, self.find(s), a) for s, a in sorted(self.retired.items()))
