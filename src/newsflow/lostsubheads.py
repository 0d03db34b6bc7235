"""A story's subheads that trafilatura's text lost between two of its paragraphs, put back.

When trafilatura's body expressions find no container (a site whose story sits in a
`div.main-layout`), it recovers the page's "wild" text: every `<p>`, quote, code block and table,
but no heading (trafilatura 2.3.1 `recover_wild_text`, whose search expression leaves headings out
on purpose). The story's paragraphs are all there and its subheads are gone: fundus's
Morgunblaðið lost its four `<h3>`s, which readability-lxml keeps (docs/extraction.md,
"Forty-first pass, text").

`restore_lost_subheads` reads readability-lxml's blocks: a heading block standing between two
blocks that are two neighbouring lines of the text, each a story paragraph, goes back between
them when the text does not hold it. Two extractors agree on the paragraphs round it and one shows
the heading in that place, so it is no box's heading (a box's heading has the box, not the next
story paragraph, after it). Pure functions over normalised text and readability's blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsflow.completion import Block
from newsflow.continuation import merged_lines
from newsflow.markedlines import drop_marked_lines
from newsflow.subheads import SUBHEAD_NEIGHBOUR_WORDS
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

SUBHEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
"""The headings read as subheads; an `<h1>` is the page's headline (or a kicker), never put back."""
SUBHEAD_MAX_WORDS = 15
"""A subhead is a short line; a heading block of more words is a paragraph set as a heading (a
standfirst), which the paragraph rules read."""
LOST_RUN_MAX = 8
"""Lost blocks (headings, list items) read back from a heading for the story's line above it: a story's list of a
few items; a longer run is a box."""


def restore_lost_subheads(text: str, blocks: Sequence[Block]) -> str:
    """The text with each heading of readability's blocks that it lacks put back before the next block, when that
    block and the nearest one before the heading that the text holds are two neighbouring lines of the text, each of
    SUBHEAD_NEIGHBOUR_WORDS words or more; the heading unlinked and no marker's line ("Read also"). Between that
    block before and the heading there may be other lost headings and list items (a list trafilatura's recovery
    dropped too), at most LOST_RUN_MAX of them."""
    if not text or not any(block.tag in SUBHEAD_TAGS for block in blocks):
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    where = {line: index for index, line in enumerate(lines)}
    found: list[tuple[int, str]] = []
    for index, heading in enumerate(blocks[1:-1], start=1):
        line = normalized_line(heading.text)
        if not _is_lost_subhead(heading, line, where):
            continue
        below = where.get(normalized_line(blocks[index + 1].text))
        above = _held_before(blocks, index, where)
        if below is not None and above == below - 1 and _is_story_paragraph(lines[above]) \
                and _is_story_paragraph(lines[below]):
            found.append((above, line))
    return merged_lines(lines, found) if found else text


def _held_before(blocks: Sequence[Block], index: int, where: dict[str, int]) -> int | None:
    """The line of the nearest block before `index` that the text holds, past LOST_RUN_MAX lost headings and list
    items at most; None when another block comes first."""
    for block in reversed(blocks[max(0, index - LOST_RUN_MAX - 1):index]):
        line = where.get(normalized_line(block.text))
        if line is not None:
            return line
        if block.tag not in SUBHEAD_TAGS and block.tag != "li":
            return None
    return None


def _is_lost_subhead(heading: Block, line: str, where: dict[str, int]) -> bool:
    return (heading.tag in SUBHEAD_TAGS and heading.link_share == 0 and line not in where
            and 0 < word_count(line) <= SUBHEAD_MAX_WORDS and drop_marked_lines(line) == line)


def _is_story_paragraph(line: str) -> bool:
    return word_count(line) >= SUBHEAD_NEIGHBOUR_WORDS
