"""Which stories are one: a union-find over story ids, so a bridge merges stories without
rewriting their members (`newsflow.stories`, split out of it; `StoryMerge` is re-exported there).

A bridge (a new article matching two or more stories) joins them into the one that started
first; persisted stories outrank the batch's own, so a bridge retires as few stored ids as it
can, and each retired one is reported as a `StoryMerge` for the warehouse to rewrite. Which of an
article's matches may bridge at all is `bridged`'s: containment does not chain sideways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


HELD_OVERLAP_MIN = 0.2
"""Two texts a new article holds by containment alone are one story's when the smaller has at least this
share of its shingles in the other (copies of one lede, each with its own paragraphs, share the lede);
a digest's parts, different stories, share next to nothing (MinHash noise: about 0.02)."""


@dataclass(frozen=True)
class Match:
    """A member a new article matches: as a whole (Jaccard, or an exact key: `kind` 0), or by
    containment alone, the article inside the member (`kind` 1) or the member inside the article (-1)."""

    story: str
    signature: bytes | None
    kind: int
    order: tuple[Any, ...]  # whole matches first, the best first; then containment, by `StoryGraph.rank`


def bridged(matches: Iterable[Match], members_match: Callable[[bytes | None, bytes | None], bool]) -> set[str]:
    """The stories of the matches that are one story: the first match's, and each other's that
    bridges with every one taken before it.

    Two parts one text holds (a digest quoting the heads of two stories) are not thereby one story:
    when the article holds two members by containment alone, they bridge only when they share text
    (`members_match`, `HELD_OVERLAP_MIN`): two copies of one lede with their own paragraphs do,
    without matching each other. A text inside two others is left to bridge them, as whole and
    nested matches do: the wire text and an outlet's copy holding the lede and its own paragraphs
    are as unlike each other as a story and a digest quoting it, and refusing that bridge split such
    a story by arrival order (tests/test_stories_hostile.py). Among containment matches the
    earliest story is taken first."""
    joined: list[Match] = []
    for match in sorted(matches, key=lambda m: m.order):
        if all(_bridges(match, other, members_match) for other in joined if other.story != match.story):
            joined.append(match)
    return {match.story for match in joined}


def _bridges(first: Match, second: Match, members_match: Callable[[bytes | None, bytes | None], bool]) -> bool:
    if first.kind != -1 or second.kind != -1:
        return True
    return members_match(first.signature, second.signature)
