"""Furniture lines: what a site prints around every article, told from the story by how often it recurs.

A site wraps each article in its own lines: "Advertisement", "Share this article", "Sign up for
the newsletter", a copyright line. Extraction removes most of them (`furniture.py`, `tails.py`);
the ones that survive are shared by every article of that site, so two short briefs of one site
can share more furniture than story, and MinHash calls them one story (docs/stories.md).

What tells furniture from story is recurrence across *unrelated* articles of one site: a short
line (at most `furniture_max_words` tokens) that articles of `furniture_min_stories` (3) different
stories of a site indexed in the window carry, the article's own counted as one, is furniture
there, and every line of it is left out of the text that is shingled. Recurrence within one story
is not: a site's updates of a story repeat its lines (wire copy is one short sentence per
paragraph), so a story whose lines on the site are all among the article's, or the article's all
among its, is the article's own and is not counted (`SiteLines.furniture`). To tell two briefs
that merged on their furniture from two versions of one story, longer lines are recorded too,
keyed by their characters; they are never furniture. A story's own lines also recur across
*sites* (each outlet's copy), which are counted apart.

A short line's key is a 64-bit hash of its tokens (`text.word_tokens`), so case, punctuation and
spacing do not matter. Each article contributes the keys of its lines, at most `LINES_KEPT` from
the head and as many from the tail (furniture sits at both ends). The warehouse keeps them in
`story_lines` (migration 0056) with the article's site and story and counts the stories per line
itself; counting is per site, and an article without a site (or unknown to the caller) neither
counts nor is stripped.

The first articles of a site are shingled before their furniture is known: its first two
articles keep it, and two briefs among them can still share a story.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from newsflow.text import word_tokens

LINES_KEPT = 32
"""Short lines recorded per article from the head, and as many from the tail."""

LineKey = tuple[str, int]
"""(site, line hash); the hash is an unsigned 64-bit int (DuckDB UBIGINT)."""
StoredLine = tuple[str, int, str, str]
"""(site, line hash, article_id, story_id): one row of `story_lines`."""
LineStories = tuple[str, int, tuple[tuple[str, int], ...]]
"""(site, line hash, stories): (story id, articles) of the stored articles of the site carrying the
line, for up to `cap` distinct stories."""
StoryLines = tuple[str, str, tuple[int, ...]]
"""(site, story id, line hashes): every short line the stored articles of a story carry on a site."""
LineLookup = Callable[[list[LineKey], list[str], int], tuple[list[LineStories], list[StoryLines]]]
"""(keys, ids of the batch's articles, left out, cap) -> the stories carrying each key, and the
lines of the stories of the keys that fewer than `cap` stories carry."""


class Line(NamedTuple):
    number: int
    key: int
    short: bool


def lines_of(text: str, max_words: int) -> list[Line]:
    """Every line of the text (blank ones aside) for the first and last `LINES_KEPT` distinct keys,
    each line of a repeated key ("Advertisement" between each paragraph) listed. A short line (1 to
    `max_words` tokens) is keyed by its tokens; a longer one, which is never furniture but tells
    one story's text from another's, by its stripped characters (no tokenizing: half the cost)."""
    found: dict[int, list[int]] = {}  # insertion-ordered: keys by their first line
    short: set[int] = set()
    for number, line in enumerate(text.split("\n")):
        tokens = [] if line.count(" ") >= 2 * max_words else word_tokens(line)  # twice the spaces: a paragraph
        if 0 < len(tokens) <= max_words:
            key = _line_hash(" ".join(tokens))
            short.add(key)
        elif line.strip():
            key = _line_hash("\x00" + line.strip()) & ~1  # apart from any short line's key
        else:
            continue
        found.setdefault(key, []).append(number)
    keys = list(found)
    if len(keys) > 2 * LINES_KEPT:
        keys = [*keys[:LINES_KEPT], *keys[-LINES_KEPT:]]
    return sorted(Line(number, key, key in short) for key in keys for number in found[key])


def short_lines(text: str, max_words: int) -> list[tuple[int, int]]:
    """(line number, key) of each short line that `lines_of` keeps."""
    return [(line.number, line.key) for line in lines_of(text, max_words) if line.short]


def distinct_keys(lines: Iterable[Line]) -> tuple[int, ...]:
    """The keys of `lines_of`, each once, in text order: what `story_lines` records."""
    return tuple(dict.fromkeys(line.key for line in lines))


def _line_hash(line: str) -> int:
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "little")


def without_lines(text: str, numbers: Iterable[int]) -> str:
    """The text with the given lines left out."""
    dropped = set(numbers)
    if not dropped:
        return text
    return "\n".join(line for number, line in enumerate(text.split("\n")) if number not in dropped)


class SiteLines:
    """Which stories of each site carry each short line, and with how many articles: the stored
    ones (counted by the warehouse, up to a cap), then the batch's articles as they are placed,
    earliest first, so a batch counts as the same articles one by one would."""

    def __init__(self, stored: Iterable[LineStories], story_lines: Iterable[StoryLines]) -> None:
        self.stored: dict[LineKey, tuple[tuple[str, int], ...]] = {(site, key): s for site, key, s in stored}
        self.stored_story_lines: defaultdict[str, dict[str, frozenset[int]]] = defaultdict(dict)
        for site, story, keys in story_lines:
            self.stored_story_lines[site][story] = frozenset(keys)
        self.batch: defaultdict[LineKey, list[str]] = defaultdict(list)
        self.batch_lines: defaultdict[str, dict[str, frozenset[int]]] = defaultdict(dict)

    def furniture(
        self, site: str, lines: Sequence[Line], min_stories: int, story_of: Callable[[str], str]
    ) -> set[int]:
        """The keys of short `lines` that are `site`'s furniture for the article of those lines.

        A key is furniture when articles of `min_stories` different stories carry it, or articles
        of other stories carry it `min_stories - 1` times. Another story is one whose lines are not
        all among the article's, nor the article's all among its: a site's earlier versions of
        the article's own story (updates, a copy cut short) share its lines and are not counted,
        while two briefs that merged on their furniture, each with its own lede, still count
        twice. `story_of` gives a stored story's or a batch article's current story."""
        if not site:
            return set()
        own = frozenset(line.key for line in lines)
        story_lines: dict[str, set[int]] | None = None
        found = set()
        for key in {line.key for line in lines if line.short}:
            carriers: Counter[str] = Counter()
            for story, articles in self.stored.get((site, key), ()):
                carriers[story_of(story)] += articles
            for article_id in self.batch.get((site, key), ()):
                carriers[story_of(article_id)] += 1
            if len(carriers) >= min_stories:
                found.add(key)
                continue
            if story_lines is None:
                story_lines = self._lines_by_story(site, story_of)
            others = sum(n for story, n in carriers.items() if not _same_text(own, story_lines.get(story, set())))
            if others >= min_stories - 1:
                found.add(key)
        return found

    def _lines_by_story(self, site: str, story_of: Callable[[str], str]) -> dict[str, set[int]]:
        by_story: defaultdict[str, set[int]] = defaultdict(set)
        for story, keys in self.stored_story_lines.get(site, {}).items():
            by_story[story_of(story)] |= keys
        for article_id, keys in self.batch_lines.get(site, {}).items():
            by_story[story_of(article_id)] |= keys
        return by_story

    def add(self, site: str, article_id: str, keys: Iterable[int]) -> None:
        if site:
            distinct = frozenset(keys)
            self.batch_lines[site][article_id] = distinct
            for key in distinct:
                self.batch[(site, key)].append(article_id)


def furniture_in_order(
    articles: Sequence[tuple[str, str]], lines: dict[str, list[Line]], site_lines: SiteLines, min_stories: int,
) -> dict[str, set[int]]:
    """Each (article id, site)'s furniture keys, earliest first, counting each earlier article as a story of its
    own (`newsflow.stories.assign_stories`' first guess, before the batch is placed)."""
    furniture = {}
    for article_id, site in articles:
        furniture[article_id] = site_lines.furniture(site, lines[article_id], min_stories, lambda s: s)
        site_lines.add(site, article_id, (line.key for line in lines[article_id]))
    return furniture


def _same_text(own: frozenset[int], story: set[int]) -> bool:
    """A story's lines all among the article's, or the article's among the story's: one text's versions."""
    return bool(story) and (story <= own or own <= story)
