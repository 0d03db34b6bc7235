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

from newsflow.headline_date import MAX_TEXT_CHARS, page_headline, page_order
from newsflow.pageblocks import CHROME_DEPTH, headline_ancestors, other_stories_block
from newsflow.printeddates import ASCII_DIGITS, first_date

KICKER_BLOCKS = 4
"""How many blocks before the headline `kicker_date` reads, nearest first."""


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
    for block in blocks:
        line = " ".join("".join(block.itertext()).split())
        if len(line) > MAX_TEXT_CHARS or other_stories_block(block, ancestors, article):
            continue
        if (found := first_date(line.translate(ASCII_DIGITS), named=True, order=page_order(tree))) is not None:
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
