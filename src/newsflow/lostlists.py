"""A story's list that trafilatura's wild-text recovery lost between two of its lines, put back.

When trafilatura's body expressions find no container for the story (a `div.story-text` on a page with no
`<article>` or `<main>`), it recovers the page's "wild" text: its `<p>`s, quotes and tables, no heading and no
list. `newsflow.lostsubheads` puts the headings back (forty-first pass); this puts back a list the same way
(forty-second pass, docs/extraction.md): a list of readability-lxml's output that the text lacks, standing, in
the same parent, right between two blocks that are neighbouring lines of the text, goes back between them, one
"- item" a line as trafilatura writes a list. The line above is a story paragraph or the list's lead-in ("The
council set four conditions:", LEAD_IN_MIN_WORDS words or more: "Related:", "Contents:" or "In this article:" is a
box's label, so a story's two-word lead-in, "The changes:", loses its list here as on main); the line below a story
paragraph or a subhead. On the page too the list stands right between them (readability leaves a box's frame out: a
box's list would have the box's heading or link next). Its items hold no link or button, say things
(`continuation.is_worded_list`, unless a lead-in announces them), and none is a marker's or furniture line, nor a
line trafilatura's own texts held (a list trafilatura kept and a rule dropped stays dropped); the list's class or id
names no furniture ("share", "related", "tags", "toc": a box whose links the page's scripts add).
Over normalised text, readability's output and the page's elements (only their methods; lxml is not imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from newsflow.continuation import element_text, is_worded_list, merged_lines
from newsflow.furniture import drop_furniture_lines
from newsflow.leadins import LEAD_IN_ENDS, LIST_ITEM_MARK
from newsflow.lostsubheads import SUBHEAD_TAGS
from newsflow.markedlines import drop_marked_lines
from newsflow.standfirst import FURNITURE_CLASS_WORDS, class_words
from newsflow.subheads import SUBHEAD_NEIGHBOUR_WORDS
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

LIST_TAGS = ("ul", "ol")
LIST_MIN_ITEMS = 2
LIST_MAX_ITEMS = 12
"""A story's list has a few items; one item is no list, and a long one is an index or a box's links."""
ITEM_MAX_WORDS = 40
"""An item is a line of a list, not a paragraph set in one."""
LEAD_IN_MIN_WORDS = 4
"""A lead-in that announces a story's list is a clause of the story ("The night ferry stops at:"); a box's label over
its list is a word or three ("Related:", "Contents:", "In this article:"; review of the pass: their lists were put
back when no link was left in them)."""
CONTROL_TAGS = ("a", "button")
"""An item holding a link or a button is a box's: other stories' links, sharing buttons (review of the pass)."""
MAX_LISTS_READ = 200
"""The page's first lists read for one under a lead-in line (menus come before the story on most pages)."""


def restore_lost_lists(
    text: str, blocks: Sequence[tuple[Any, str]], page: Any, trafilatura_texts: Sequence[str | None]
) -> str:
    """The text with each list it lacks wholly put back between two neighbouring lines of it: a list of
    readability's output (its `blocks`: `block_elements`) that stands right between them there and on the `page`,
    or a list of the page right under a lead-in line of the text (readability leaves a list of a few words out);
    see the module's docstring for the conditions."""
    if not text:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    lead_ins = {line: index for index, line in enumerate(lines[:-1]) if _is_lead_in(line)}
    if not lead_ins and not any(element.tag == "li" for element, _ in blocks):
        return text  # most pages: no list in readability's output and no lead-in line
    where = {line: index for index, line in enumerate(lines)}
    known = set(where) | {line for kept in trafilatura_texts if kept for line in kept.split(PARAGRAPH_SEPARATOR)}
    lists = dict(_confirmed_lists(lines, blocks, page, where, known))
    for above, items in _announced_lists(lines, page, lead_ins, known):
        lists.setdefault(above, items)
    found = [(above, f"{LIST_ITEM_MARK}{item}") for above, items in sorted(lists.items()) for item in items]
    return merged_lines(lines, found) if found else text


def _confirmed_lists(lines: list[str], blocks: Sequence[tuple[Any, str]], page: Any, where: dict[str, int],
                     known: set[str]) -> list[tuple[int, list[str]]]:
    """(line above, items) for each lost list of readability's output between two neighbouring lines of the text."""
    found = []
    for start, end in _list_runs(blocks):
        if start == 0 or end == len(blocks):
            continue
        listing = blocks[start][0].getparent()
        items = [normalized_line(item) for _, item in blocks[start:end]]
        above = where.get(normalized_line(blocks[start - 1][1]))
        below = where.get(normalized_line(blocks[end][1]))
        if above is None or below != above + 1 or not _is_lost_list(listing, items, known):
            continue
        lead_in = _is_lead_in(lines[above])
        if (lead_in or _is_story_paragraph(lines[above])) and _closes(lines[below], blocks[end][0]) \
                and (lead_in or is_worded_list(items)) and _stands_between(page, items, lines[above], lines[below]):
            found.append((above, items))
    return found


def _announced_lists(lines: list[str], page: Any, lead_ins: dict[str, int],
                     known: set[str]) -> list[tuple[int, list[str]]]:
    """(line above, items) for each lost list of the page right under a `<p>` that is a lead-in line of the text
    (among its first MAX_LISTS_READ lists), with the text's next line's block right after it."""
    found = []
    for listing in islice(page.iter(*LIST_TAGS), MAX_LISTS_READ) if lead_ins else ():
        before = next((node for node in listing.itersiblings(preceding=True) if element_text(node)), None)
        if before is None or before.tag != "p":
            continue
        above = lead_ins.get(normalized_line(element_text(before)))
        if above is None:
            continue
        items = [normalized_line(element_text(item)) for item in listing.iterchildren("li")]
        after = next((node for node in listing.itersiblings() if element_text(node)), None)
        if after is not None and normalized_line(element_text(after)) == lines[above + 1] \
                and _closes(lines[above + 1], after) and _is_lost_list(listing, items, known):
            found.append((above, items))
    return found


def _list_runs(blocks: Sequence[tuple[Any, str]]) -> list[tuple[int, int]]:
    """(start, end) of each run of blocks that are the `<li>`s of one `<ul>` or `<ol>`."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(blocks):
        element = blocks[index][0]
        parent = element.getparent()
        if element.tag != "li" or parent is None or parent.tag not in LIST_TAGS:
            index += 1
            continue
        end = index + 1
        while end < len(blocks) and blocks[end][0].tag == "li" and blocks[end][0].getparent() is parent:
            end += 1
        runs.append((index, end))
        index = end
    return runs


def _is_lost_list(listing: Any, items: list[str], known: set[str]) -> bool:
    """Whether `items` are the whole `listing`, a list of the story's that neither the text nor trafilatura holds any
    item of: a few items with no link or button, none a list of its own, in a list its class or id does not name as
    furniture ("share", "related", "tags", "toc": a box's list whose links the page's scripts add)."""
    if not LIST_MIN_ITEMS <= len(items) <= LIST_MAX_ITEMS or len(listing.findall("li")) != len(items):
        return False
    if any(next(item.iter(*CONTROL_TAGS, *LIST_TAGS), None) is not None for item in listing.iterchildren("li")):
        return False  # a link list, sharing buttons, or items that hold lists of their own
    if class_words(listing) & FURNITURE_CLASS_WORDS:
        return False
    return all(_is_lost_item(item, known) for item in items)


def _is_lost_item(item: str, known: set[str]) -> bool:
    """An item of some words that no line of the text or of trafilatura's texts is, and no marker's or furniture."""
    return (0 < word_count(item) <= ITEM_MAX_WORDS and item not in known and f"{LIST_ITEM_MARK}{item}" not in known
            and drop_marked_lines(item) == item and drop_furniture_lines(item, None) == item)


def _closes(line: str, following: Any) -> bool:
    """Whether the line after a list is the story's: a paragraph, or a subhead (its block a heading)."""
    return _is_story_paragraph(line) or following.tag in SUBHEAD_TAGS


def _stands_between(page: Any, items: list[str], above: str, below: str) -> bool:
    """Whether a list of the page with these items has the `above` line's block right before it and the `below`
    line's right after it (past empty elements)."""
    for listing in page.iter(*LIST_TAGS):
        if [normalized_line(element_text(item)) for item in listing.iterchildren("li")] != items:
            continue
        before = next((node for node in listing.itersiblings(preceding=True) if element_text(node)), None)
        after = next((node for node in listing.itersiblings() if element_text(node)), None)
        if before is not None and after is not None and normalized_line(element_text(before)) == above \
                and normalized_line(element_text(after)) == below:
            return True
    return False


def _is_lead_in(line: str) -> bool:
    """Whether a line of the text announces a list: it ends in a colon and is no box's label (LEAD_IN_MIN_WORDS)."""
    return line.rstrip().endswith(LEAD_IN_ENDS) and word_count(line) >= LEAD_IN_MIN_WORDS


def _is_story_paragraph(line: str) -> bool:
    return word_count(line) >= SUBHEAD_NEIGHBOUR_WORDS
