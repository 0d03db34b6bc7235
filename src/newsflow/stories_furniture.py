"""Furniture lines: what a site prints around every article, told from the story by how often it recurs.

A site wraps each article in its own lines: "Advertisement", "Share this article", "Sign up for
the newsletter", a copyright line. Extraction removes most of them (`furniture.py`, `tails.py`);
the ones that survive are shared by every article of that site, so two short briefs of one site
can share more furniture than story, and MinHash calls them one story (docs/stories.md).

What tells furniture from story is recurrence across *unrelated* articles of one site: a line a
site printed in `furniture_min_articles` (3) or more of its articles indexed in the window is
furniture there, and is left out of the text that is shingled. A story's own lines recur across
*sites* (each outlet's copy), which are counted apart; one site rarely carries one story's lines
in three articles. Only short lines count (at most `furniture_max_words` tokens): a paragraph of
story text is longer than a furniture line, so a site that runs two updates of a story with
long paragraphs keeps them.

A line's key is a 64-bit hash of its tokens (`text.word_tokens`), so case, punctuation and
spacing do not matter. Each article contributes the keys of its short lines, at most
`LINES_KEPT` from the head and as many from the tail (furniture sits at both ends). The warehouse
keeps them in `story_lines` (migration 0056) with the article's site; counting is per site, and an
article without a site (or unknown to the caller) neither counts nor is stripped.

The first articles of a site are shingled before their furniture is known: its first
`furniture_min_articles - 1` articles keep it, and two briefs among them can still share a story.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from newsflow.text import word_tokens

LINES_KEPT = 32
"""Short lines recorded per article from the head, and as many from the tail."""

LineKey = tuple[str, int]
"""(site, line hash); the hash is an unsigned 64-bit int (DuckDB UBIGINT)."""
StoredLine = tuple[str, int, str]
"""(site, line hash, article_id): one row of `story_lines`."""
LineLookup = Callable[[list[LineKey]], list[StoredLine]]


def short_lines(text: str, max_words: int) -> list[tuple[int, int]]:
    """(line number, key) of each line of 1 to `max_words` tokens: the first and last `LINES_KEPT`
    distinct ones."""
    found: dict[int, int] = {}
    for number, line in enumerate(text.split("\n")):
        if line.count(" ") >= 2 * max_words:
            continue  # a paragraph: twice the spaces a short line has words, so not tokenized (half the cost)
        tokens = word_tokens(line)
        if 0 < len(tokens) <= max_words:
            found.setdefault(_line_hash(tokens), number)
    lines = sorted((number, key) for key, number in found.items())
    return lines if len(lines) <= 2 * LINES_KEPT else [*lines[:LINES_KEPT], *lines[-LINES_KEPT:]]


def _line_hash(tokens: Sequence[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).digest(), "little")


def without_lines(text: str, numbers: Iterable[int]) -> str:
    """The text with the given lines left out."""
    dropped = set(numbers)
    if not dropped:
        return text
    return "\n".join(line for number, line in enumerate(text.split("\n")) if number not in dropped)


class SiteLines:
    """Which articles of each site carry each short line: the stored ones, then the batch's as
    they are placed, earliest first, so a batch counts as the same articles one by one would."""

    def __init__(self, stored: Iterable[StoredLine], batch_ids: set[str]) -> None:
        self.articles: defaultdict[LineKey, set[str]] = defaultdict(set)
        for site, key, article_id in stored:
            if article_id not in batch_ids:  # being placed again: its batch copy is the one that counts
                self.articles[(site, key)].add(article_id)

    def furniture(self, site: str, article_id: str, keys: Iterable[int], min_articles: int) -> set[int]:
        """The keys that this article, with the ones before it, makes `min_articles` articles of `site` carry."""
        if not site:
            return set()
        return {key for key in keys if len(self.articles.get((site, key), set()) - {article_id}) + 1 >= min_articles}

    def add(self, site: str, article_id: str, keys: Iterable[int]) -> None:
        if site:
            for key in keys:
                self.articles[(site, key)].add(article_id)
