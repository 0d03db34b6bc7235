"""A story's subheads that trafilatura's text lost between two of its paragraphs, put back.

When trafilatura's body expressions find no container (a site whose story sits in a
`div.main-layout`), it recovers the page's "wild" text: every `<p>`, quote, code block and table,
but no heading (trafilatura 2.3.1 `recover_wild_text`, whose search expression leaves headings out
on purpose). The story's paragraphs are all there and its subheads are gone: fundus's
Morgunblaðið lost its four `<h3>`s, which readability-lxml keeps (docs/extraction.md,
"Forty-first pass, text").

`restore_lost_subheads` reads readability-lxml's output: a heading there that stands, in the same parent, right
before a block that is a line of the text, with the nearest block before it that the text holds on the line above,
both story paragraphs, goes back between them when the text does not hold it. Two extractors agree on the
paragraphs round it and one shows the heading in that place; a box's heading ("Related Article", "Read Next", a
teaser's headline) stands in its box, whose next block is outside it (identity check, below in docs/extraction.md:
those four went back in the first form). The review of the pass drew the class further on wild-text pages: a
heading trafilatura's own text held was dropped by an earlier rule on purpose (an ad label), furniture ("Anzeige",
a timestamp) is no subhead, a "Related" heading whose links readability left out has them next on the page, and a
newsletter box's heading stands in another parent than the story's paragraph above. Over normalised text and
readability's output and the page's elements (only their methods are used; lxml is not imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsflow.continuation import element_text, merged_lines
from newsflow.furniture import drop_furniture_lines
from newsflow.leadins import LEAD_IN_ENDS
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


def restore_lost_subheads(
    text: str, blocks: Sequence[tuple[Any, str]], page: Any, trafilatura_texts: Sequence[str | None]
) -> str:
    """The text with each heading of readability's output (its `blocks`: `block_elements`) that it lacks put back
    before the next block, when that block is the heading's next sibling and it and the nearest block before the
    heading that the text holds are two neighbouring lines of the text, each of SUBHEAD_NEIGHBOUR_WORDS words or
    more; the heading
    unlinked and no marker's line ("Read also") or furniture ("Advertisement", a timestamp); none of
    `trafilatura_texts` held it (a line trafilatura kept that a rule dropped stays dropped); and on the `page` too
    it stands right before that block (readability leaves a box's links out and keeps its "Related" heading).
    Between that block before and the heading there may be other lost headings and list items (a list
    trafilatura's recovery dropped too), at most LOST_RUN_MAX of them."""
    if not text or not any(element.tag in SUBHEAD_TAGS for element, _ in blocks):
        return text  # most pages: no heading to put back
    lines = text.split(PARAGRAPH_SEPARATOR)
    where = {line: index for index, line in enumerate(lines)}
    held = {line for kept in trafilatura_texts if kept for line in kept.split(PARAGRAPH_SEPARATOR)}
    found: list[tuple[int, str]] = []
    for index, (heading, heading_text) in enumerate(blocks[1:-1], start=1):
        line = normalized_line(heading_text)
        following, following_text = blocks[index + 1]
        if line in held or not _is_lost_subhead(heading, line, where) or heading.getnext() is not following:
            continue
        below = where.get(normalized_line(following_text))
        above = _held_before(blocks, index, where, heading.getparent())
        if below is not None and above == below - 1 and _opens(lines[above], page) \
                and _is_story_paragraph(lines[below]) and _stands_before(page, line, lines[below]):
            found.append((above, line))
    return merged_lines(lines, found) if found else text


def _held_before(blocks: Sequence[tuple[Any, str]], index: int, where: dict[str, int], parent: Any) -> int | None:
    """The line of the nearest block before `index` that the text holds, past LOST_RUN_MAX lost headings, list
    items and marker's lines at most; None when another block comes first, or when that block stands in another
    parent than the heading (a box's own heading and line after the story's paragraph: a newsletter's)."""
    for element, text in reversed(blocks[max(0, index - LOST_RUN_MAX - 1):index]):
        line = where.get(normalized_line(text))
        if line is not None:
            return line if element.getparent() is parent else None
        if element.tag not in SUBHEAD_TAGS and element.tag != "li" and not _marked(normalized_line(text)):
            return None
    return None


def _marked(line: str) -> bool:
    """Whether a block's line is one the text's rules drop on purpose wherever it stands: a marker's ("Read also: …"),
    so that a subhead under it is still one (forty-second pass: seed 161's story in an unnamed container)."""
    return bool(line) and drop_marked_lines(line) != line


def _is_lost_subhead(heading: Any, line: str, where: dict[str, int]) -> bool:
    linked = next(heading.iter("a"), None) is not None or any(node.tag == "a" for node in heading.iterancestors())
    return (heading.tag in SUBHEAD_TAGS and not linked and line not in where
            and 0 < word_count(line) <= SUBHEAD_MAX_WORDS and drop_marked_lines(line) == line
            and drop_furniture_lines(line, None) == line)


def _stands_before(page: Any, line: str, following: str) -> bool:
    """Whether a heading of the page that reads `line` has the `following` line's block as its next element, past
    pictures and empty elements (readability leaves a picture and its caption out too: watson.ch's): a box's heading
    has its box's list of links next, which readability's output leaves out."""
    for heading in page.iter(*SUBHEAD_TAGS):
        if normalized_line(element_text(heading)) == line:
            shown = (node for node in heading.itersiblings() if element_text(node) and not _is_picture(node))
            after = next(shown, None)
            if after is not None and normalized_line(element_text(after)) == following:
                return True
    return False


def _is_picture(element: Any) -> bool:
    return element.tag in ("figure", "picture", "img") or next(element.iter("img", "picture"), None) is not None


def _opens(line: str, page: Any) -> bool:
    """Whether the line above a lost heading is the story's: a paragraph, or a lead-in line ("It stops in:") whose
    `<p>` has a list next on the page (a list of few words readability leaves out; forty-second pass)."""
    if _is_story_paragraph(line):
        return True
    if not line.rstrip().endswith(LEAD_IN_ENDS):
        return False
    paragraph = next((node for node in page.iter("p") if normalized_line(element_text(node)) == line), None)
    if paragraph is None:
        return False
    after = next((node for node in paragraph.itersiblings() if element_text(node)), None)
    return after is not None and after.tag in ("ul", "ol")


def _is_story_paragraph(line: str) -> bool:
    return word_count(line) >= SUBHEAD_NEIGHBOUR_WORDS
