"""The rest of a story that trafilatura cut short, taken from readability-lxml's extraction.

trafilatura takes the first container that one of its body XPaths matches, and keeps only
what is inside it. When a page spreads its story over several blocks that the XPath does not
treat alike (a first `div.article-body`, then the rest in differently named sections, after a
video or an ad row), trafilatura's text is the first part only: a complete-looking story that
stops part-way. readability-lxml, which trafilatura runs on every page to compare, scores
every paragraph's parent and joins the siblings that score alike, so on such pages its text
holds trafilatura's and the rest of the story around it.

`complete_story` puts the rest back when the page-level evidence says that is what happened:

- readability's text **contains** trafilatura's (CONTAINED_SHARE of the text's words are in it:
  the two found the same story, not two containers), and
- readability has, before the first paragraph they share or after the last, **prose paragraphs**
  that the text lacks (PROSE_MIN_WORDS words or more, under PROSE_MAX_LINK_SHARE of their
  characters in links, no line of the text with MISSING_MAX_COVERED of their distinct words,
  under NEW_MAX_KNOWN of their words anywhere in it), which together come to at least
  MISSING_MIN_SHARE of the text's words: a story cut short, not a caption or a bio more.

The paragraphs go back in readability's order, before the text's first shared line or after its
last, each with a short heading (up to HEADING_MAX_WORDS words) right above it. Everything the
text had stays. The cleaning that follows in `extract_article` (furniture, marked lines, tails)
applies to the added lines as to the others.

On the tune half of ../shared/corpora (docs/extraction.md, "Seventh pass") no page has this
pattern: the largest missing share where readability contains the text is 0.20 after it (NDR)
and 0.11 before it (The Independent), so no tune page changes; on tune pages whose text was cut
to its first or second half, the rule puts back most of the rest (fundus 0.64 -> 0.89).
Pure functions over normalised text and readability's output element
(only lxml's element methods are used; lxml is not imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsflow.continuation import LineIndex, is_worded_list, merged_lines
from newsflow.leadins import LEAD_IN_ENDS, LIST_ITEM_MARK
from newsflow.readabilityblocks import block_elements
from newsflow.text import PARAGRAPH_SEPARATOR, normalize_text, word_tokens

CONTAINED_SHARE = 0.9
"""readability's text contains the text when this share of the text's words are among its words."""
MISSING_MIN_SHARE = 0.3
"""The missing prose is at least this share of the text's words (a third more story or over)."""
LONGER_MIN_RATIO = 1.1
"""So readability's text, which holds 90% of the text and 30% more, is at least this many times
as long (in characters); on most pages it is not, and nothing is tokenized."""
PROSE_MIN_WORDS = 15
PROSE_MAX_LINK_SHARE = 0.3
MISSING_MAX_COVERED = 0.5
"""A missing prose paragraph: PROSE_MIN_WORDS words or more, under PROSE_MAX_LINK_SHARE of its
characters in links (teasers and link lists are links), no line of the text with MISSING_MAX_COVERED of its distinct
words (the paragraphs it has are not added twice)."""
SHARED_MIN_COVERED = 0.8
"""A paragraph the text has: one of its lines, or one line holds this share of its distinct words."""
NEW_MAX_KNOWN = 0.8
"""A missing paragraph also has under this share of its words anywhere in the text."""
HEADING_MAX_WORDS = 12
LEAD_IN_LOOKBACK = 3
"""The rest goes after the list under a lead-in line this many lines or fewer up to the last shared one
(`_past_announced_list`)."""
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Block:
    """One paragraph, heading, list item, quote or cell of readability's extraction."""

    text: str
    tag: str
    link_share: float
    """The share of its characters that are the text of links."""

    @property
    def is_prose(self) -> bool:
        return self.link_share < PROSE_MAX_LINK_SHARE and len(word_tokens(self.text)) >= PROSE_MIN_WORDS

    @property
    def is_heading(self) -> bool:
        return self.tag in _HEADINGS and 0 < len(word_tokens(self.text)) <= HEADING_MAX_WORDS


def story_blocks(summary: Any) -> list[Block]:
    """readability-lxml's output element as blocks in page order, captions left out."""
    return blocks_of(block_elements(summary))


def blocks_of(elements: Sequence[tuple[Any, str]]) -> list[Block]:
    """`block_elements`' (element, text) pairs as blocks (its elements are read by `newsflow.lostsubheads` too:
    listed once a page)."""
    return [Block(text, element.tag, _link_share(element, text)) for element, text in elements]


def _link_share(element: Any, text: str) -> float:
    linked = sum(len(" ".join("".join(link.itertext()).split())) for link in element.iter("a"))
    return min(1.0, linked / len(text)) if text else 0.0


def complete_story(text: str, blocks: Sequence[Block]) -> str:
    """The text with the prose paragraphs readability has before or after their shared stretch and
    it lacks, when readability's text contains it and they make it a third longer or more."""
    if sum(len(block.text) for block in blocks) < LONGER_MIN_RATIO * len(text):
        return text  # readability's text is not longer than the text: nothing can be missing
    blocks = [block for block in blocks if any(char.isalnum() for char in block.text)]
    text_words = word_tokens(text)
    if not text_words or not any(block.is_prose for block in blocks) or not _contains(blocks, text_words):
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    found = _missing_outside(blocks, lines, set(text_words))
    added = [len(word_tokens(paragraph)) for _, paragraph in found]
    if sum(words for words in added if words >= PROSE_MIN_WORDS) < MISSING_MIN_SHARE * len(text_words):
        return text
    return merged_lines(lines, found)


def _contains(blocks: Sequence[Block], text_words: list[str]) -> bool:
    known = {word for block in blocks for word in word_tokens(block.text)}
    return sum(word in known for word in text_words) >= CONTAINED_SHARE * len(text_words)


def _missing_outside(blocks: Sequence[Block], lines: list[str], known: set[str]) -> list[tuple[int, str]]:
    """(index of the text's line it follows, its text) for each missing prose paragraph before the
    first shared one or after the last, each with the heading right above it: trafilatura's
    container is one stretch of the page, so what it cut off is before or after it. Paragraphs
    between shared ones are what trafilatura left out of its own container on purpose (boxes,
    teasers; `newsflow.continuation` puts back a long one)."""
    line_of = LineIndex(lines)
    before: list[str] = []
    after: list[str] = []
    first: int | None = None
    last = -1
    heading: Block | None = None
    items: list[str] = []  # list items after a missing paragraph, kept if another one follows them
    for block in blocks:
        index, covered = line_of.best(block.text)
        if covered >= SHARED_MIN_COVERED:
            first = index if first is None else first
            last, heading, after, items = max(index, last), None, [], []
        elif block.is_heading:
            heading = block
        elif _is_missing_prose(block, covered, known):
            stretch = before if first is None else after
            listed = items if is_worded_list([item.removeprefix("- ") for item in items]) else []  # not labels
            stretch.extend([*listed, *(_one_line(part.text) for part in (heading, block) if part)])
            heading, items = None, []
        else:
            stretch = before if first is None else after
            items = [*items, f"- {_one_line(block.text)}"] if stretch and _is_list_item(block) else []
            heading = None
    if first is None:
        return []
    end = _past_announced_list(lines, last)
    return [(first - 1, paragraph) for paragraph in before] + [(end, paragraph) for paragraph in after]


def _past_announced_list(lines: list[str], last: int) -> int:
    """`last`, or, when a lead-in line (one that ends in a colon) is at most LEAD_IN_LOOKBACK lines up to `last` with
    no list item after it yet, the last item of the list that starts at most LEAD_IN_LOOKBACK lines after `last` with
    no other lead-in before it: a list of few words readability leaves out belongs under its lead-in, whatever
    trafilatura kept between them (a box's lines, which readability may have too), and the rest of the story comes
    after it (thirty-eighth pass, text). A list further down, or under its own label ("More from us:"), is not the
    lead-in's (a link list at the container's end), and the rest stays after `last` (its review)."""
    opened = range(last, max(-1, last - LEAD_IN_LOOKBACK), -1)
    for index in opened:
        if lines[index].startswith(LIST_ITEM_MARK):
            return last
        if lines[index].rstrip().endswith(LEAD_IN_ENDS):
            break
    else:
        return last
    for end in range(last + 1, min(len(lines), last + 1 + LEAD_IN_LOOKBACK)):
        if lines[end].startswith(LIST_ITEM_MARK):
            break
        if lines[end].rstrip().endswith(LEAD_IN_ENDS):
            return last
    else:
        return last
    while end + 1 < len(lines) and lines[end + 1].startswith(LIST_ITEM_MARK):
        end += 1
    return end


def _is_missing_prose(block: Block, covered: float, known: set[str]) -> bool:
    """Whether a block is prose that no line of the text has, with under NEW_MAX_KNOWN of its words
    anywhere in the text: a block that holds the whole story again (one `div` of the page, read as
    one paragraph) is not missing."""
    if not block.is_prose or covered >= MISSING_MAX_COVERED:
        return False
    words = word_tokens(block.text)
    return sum(word in known for word in words) < NEW_MAX_KNOWN * len(words)


def _is_list_item(block: Block) -> bool:
    """A list item of the story's (not a link list's) that the text lacks (a block the text has is a shared one):
    it goes back only between two missing paragraphs (twenty-eighth pass: a split story's list in its second
    container), as trafilatura writes one. A short item shares most of its words with some line of a long text, so
    no share of its words is asked."""
    return block.tag == "li" and block.link_share < PROSE_MAX_LINK_SHARE and any(char.isalnum() for char in block.text)


def _one_line(paragraph: str) -> str:
    return normalize_text(paragraph).replace(PARAGRAPH_SEPARATOR, " ")
