"""A date printed in a short block just before a story's headline, inside the story ("Mundo · 12 de marzo de
2026" above the headline of a script-built page): read only when nothing else dates the page (eighteenth
pass, docs/extraction.md). The byline under the headline is `newsflow.headline_date`; the site's bar, with
today's date, sits further up, outside the story (`pageblocks.site_bar`).

Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from newsflow.headline_date import MAX_TEXT_CHARS, UPDATE_CUE, byline_texts, page_headline, page_order
from newsflow.pageblocks import CHROME_DEPTH, headline_ancestors, is_prose, other_stories_block, story_wrapper
from newsflow.printeddates import ASCII_DIGITS, first_date
from newsflow.worlddates import slash_order

KICKER_BLOCKS = 4
"""How many blocks before the headline `kicker_date` reads, nearest first."""
ABOVE_LEVELS = 4
"""How far above the headline `above_story_date` climbs, in wrappers that hold only the story."""
STORY_BEGUN = 2
"""After this many paragraphs of prose after the headline, a date printed is no byline's (`printed_after_story`)."""


def kicker_date(tree: Any) -> date | None:
    """The first date in the short blocks just before the headline, inside its story: its `<article>`,
    or without one the levels of `pageblocks.CHROME_DEPTH` below it ("Mundo · 12 de marzo de 2026" above
    the headline of a script-built page, which htmldate does not read; eighteenth pass). Read as a last
    resort (`dates._last_resort`): the site's bar (today's date) sits further up."""
    headline = page_headline(tree)
    if headline is None:
        return None
    ancestors, article = headline_ancestors(headline)
    blocks = islice(_blocks_before(headline, article if article < len(ancestors) else CHROME_DEPTH - 1),
                    KICKER_BLOCKS)
    return _first_date_in(blocks, tree, ancestors, article)


def above_story_date(tree: Any) -> date | None:
    """The first date in the short blocks just before the headline, up to `ABOVE_LEVELS` levels above it
    in wrappers that hold only the story (`pageblocks.story_wrapper`: no site header, menu or logo): a
    theme's byline in a column or row above the story's `<article>` (nineteenth pass: htmldate took a
    teaser's date below the story over it). Read only where the page states no date of its own
    (`dates._above_story`); the site's bar, above its menu, is never reached."""
    headline = page_headline(tree)
    if headline is None:
        return None
    ancestors, article = headline_ancestors(headline)
    levels = -1  # the deepest ancestor whose children are read: each one up to it holds only the story
    for ancestor, depth in ancestors.items():
        if depth >= ABOVE_LEVELS or not story_wrapper(ancestor, ancestors):
            break
        levels = depth
    if levels < 0:
        return None
    blocks = islice(_blocks_before(headline, levels), KICKER_BLOCKS)
    order = page_order(tree) or slash_order(tree)
    return _first_date_in(blocks, tree, ancestors, article, no_updates=True, order=order)


def printed_after_story(tree: Any, day: date) -> bool:
    """Whether the first of the texts after the headline (`headline_date.byline_texts`) that prints `day`
    comes after `STORY_BEGUN` paragraphs of prose: a teaser's date below a short story on a page without
    `<article>`, not its byline's (nineteenth pass); False when none prints it."""
    prose, order = 0, None
    for text in byline_texts(tree):
        line = " ".join(str(text).split())
        if is_prose(line):
            prose += 1
            continue
        order = order or page_order(tree) or slash_order(tree)
        if len(line) <= MAX_TEXT_CHARS and (found := first_date(line.translate(ASCII_DIGITS), named=True,
                                                                order=order)) is not None and found[1] == day:
            return prose >= STORY_BEGUN
    return False


def _first_date_in(blocks: Iterator[Any], tree: Any, ancestors: dict[Any, int], article: int,
                   no_updates: bool = False, order: str | None = None) -> date | None:
    """The first date in the blocks' short texts, outside other stories' blocks (and, `no_updates`, on no
    line an update cue names: "Updated March 12, 2026" above a headline dates no publication)."""
    for block in blocks:
        line = " ".join("".join(block.itertext()).split())
        if len(line) > MAX_TEXT_CHARS or other_stories_block(block, ancestors, article):
            continue
        if no_updates and UPDATE_CUE.search(line):
            continue
        found = first_date(line.translate(ASCII_DIGITS), named=True, order=order or page_order(tree))
        if found is not None:
            return found[1]
    return None


def _blocks_before(headline: Any, levels: int) -> Iterator[Any]:
    """The elements before the headline, nearest first, among its siblings and those of its ancestors
    up to `levels` above it."""
    node = headline
    for _ in range(levels + 1):
        yield from (sibling for sibling in node.itersiblings(preceding=True)
                    if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style"))
        node = node.getparent()
        if node is None:
            return
