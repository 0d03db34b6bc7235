"""Other stories' teasers that carry an excerpt: a box whose every item is a linked headline and the opening words of
that story, cut by an ellipsis ("Bridge closes for repairs The town's only bridge will close on…"), inside the
story's container (forty-third pass, text: docs/extraction.md). `refine.drop_related_tail` takes a box of teasers
under a heading it knows whose lines are short and mostly linked; an excerpt makes each line long and mostly
unlinked, and a box's heading is in any language, so such a box was stored whole, sometimes each excerpt twice
(trafilatura's line and readability's block put back). Told by its shape alone: two or more neighbouring lines, each
one of the page's links' whole text (a headline of HEADLINE_MIN_WORDS or more) followed by words that end in an
ellipsis, or that headline alone over its excerpt's line."""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from newsflow.ownlists import linked_runs, own_list_lines
from newsflow.text import PARAGRAPH_SEPARATOR, word_count

TEASER_RUN_MIN = 2
"""A box of other stories has two teasers or more: one linked line with an ellipsis may be the story's own."""
HEADLINE_MIN_WORDS = 2
"""A headline has two words or more: a paragraph may open with a linked name ("Reuters …")."""
HEADLINE_MAX_WORDS = 25
HEADING_MAX_WORDS = 6
"""The box's heading above the teasers ("Related posts", "Weiterführende Artikel zu diesem Thema") is this short."""
MAX_LINKS_READ = 3000
"""Links read on a page: the work is bounded on a hostile page (a real article page has a few hundred)."""
BOX_TAGS = frozenset(("ul", "ol", "div", "section", "aside", "nav"))
ITEM_TAGS = frozenset(("li", "div", "article", "section"))
"""A box of teasers is a list or a block of blocks, its items list items or cards: not a paragraph's inline links."""
CUT_SPREAD_WORDS = 1
CUT_SPREAD_SHARE = 0.04
"""A box's excerpts are cut by a machine, at a number of words (WordPress's excerpt: words differ by one at most) or
of characters (a plugin's: tv-orange.de's ten differ by 7 of 253, 2.8%); an editor's summaries in a briefing or a list
of sources that end in an ellipsis differ more (review, forty-third pass), and they are the story's own lines."""
ITEM_DEPTH = 3
MAX_HEADINGS_READ = 500
MAX_ITEMS_READ = 50
LIST_ITEM_MARK = "- "

_ELLIPSIS = re.compile(r"(?:\.{3}|…|\[(?:…|\.{3})\]|\((?:…|\.{3})\))$")
_SENTENCE_END = re.compile(r"[.!?:;,\"”»)]$")


def drop_excerpt_teasers(text: str, tree: Any) -> str:
    """The text without each run of TEASER_RUN_MIN or more excerpt teasers (and the short heading right above it),
    and without the heading of such a box that the text holds alone (trafilatura pruned the box, kept its heading)."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    dropped = _box_headings(lines, tree)
    cut_lines = sum(bool(_ELLIPSIS.search(line)) for line in lines)
    if cut_lines:
        dropped |= _box_items_left(lines, tree)
    if cut_lines >= TEASER_RUN_MIN:
        dropped |= _boxed_excerpts(lines, tree)
    if cut_lines >= TEASER_RUN_MIN:
        headlines = _linked_headlines(tree)
        marks = _teaser_marks(lines, headlines) if headlines else []
        if sum(mark == "teaser" for mark in marks) >= TEASER_RUN_MIN:
            dropped |= _dropped_lines(lines, _not_own(lines, marks, tree), headlines)
    if not dropped:
        return text
    return PARAGRAPH_SEPARATOR.join(line for number, line in enumerate(lines) if number not in dropped)


def _boxed_excerpts(lines: list[str], tree: Any) -> set[int]:
    """The numbers of the lines (and their headlines) of a run of linked headings over excerpts cut alike that
    stands in a box of its own (`ownlists.linked_runs`): readability dropped the linked headings before the run
    form could see them, and the excerpts stayed (forty-fourth pass)."""
    numbers: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        numbers.setdefault(line, []).append(number)
    found: set[int] = set()
    for own, run in linked_runs(tree):
        excerpts = [item[1] for item in run if len(item) == 2]
        if own or len(excerpts) < TEASER_RUN_MIN or not all(_ELLIPSIS.search(excerpt) for excerpt in excerpts):
            continue
        if _cut_alike(excerpts):
            taken = sorted(number for item in run for line in item for number in numbers.get(line, ()))
            found.update(taken)
            if taken and taken[0] and _is_heading(lines[taken[0] - 1]):
                found.add(taken[0] - 1)  # the box's heading, as a run's
    return found


def _not_own(lines: list[str], marks: list[str], tree: Any) -> list[str]:
    """The marks with the lines of the story's own list unmarked (`ownlists`: items among the story's paragraphs,
    whose summaries an editor may have cut alike; forty-fourth pass)."""
    own = own_list_lines(tree)
    return ["" if line.removeprefix(LIST_ITEM_MARK) in own else mark for line, mark in zip(lines, marks, strict=True)]


def _box_headings(lines: list[str], tree: Any) -> set[int]:
    """The numbers of the short lines that are the text of a page heading whose next element is a box of excerpt
    teasers (`_is_teaser_box`)."""
    wanted = {line: number for number, line in enumerate(lines) if number and _is_heading(line)}
    if not wanted:
        return set()
    found = set()
    for heading in islice(tree.iter("h2", "h3", "h4"), MAX_HEADINGS_READ):
        box = heading.getnext()
        if box is None or len(box) < TEASER_RUN_MIN:  # no box of items after it: its text is not read
            continue
        number = wanted.get(" ".join(" ".join(heading.itertext()).split()))
        if number is not None and _is_teaser_box(box, lines):
            found.add(number)
    return found


def _box_items_left(lines: list[str], tree: Any) -> set[int]:
    """The numbers of the lines ending in an ellipsis that are the whole text of an item of a page box of excerpt
    teasers (`_is_teaser_box`): the teasers an earlier stage left when it dropped the box's others, too few for a run
    (review, forty-third pass: a generated box of three kept one)."""
    wanted = {line.removeprefix(LIST_ITEM_MARK): number for number, line in enumerate(lines) if _ELLIPSIS.search(line)}
    found: set[int] = set()
    held = "\n".join(wanted)
    for anchor in islice(tree.iterfind(".//a[@href]"), MAX_LINKS_READ):
        words = " ".join(anchor.itertext()).split()  # a menu's links are no line's headline: their items go unread
        if not HEADLINE_MIN_WORDS <= len(words) <= HEADLINE_MAX_WORDS or " ".join(words) not in held:
            continue
        item = _box_item_of(anchor)
        if item is None:
            continue
        number = wanted.get(" ".join(" ".join(item.itertext()).split()))
        if number is not None and number not in found and _is_teaser_box(item.getparent(), lines):
            found.add(number)
    return found


def _box_item_of(anchor: Any) -> Any:
    """The item of a box the link sits in, up to ITEM_DEPTH elements above it (a card's heading, a list item's
    paragraph), or None."""
    item = anchor.getparent()
    for _ in range(ITEM_DEPTH):
        if item is None or item.getparent() is None:
            return None
        if item.tag in ITEM_TAGS and item.getparent().tag in BOX_TAGS:
            return item
        item = item.getparent()
    return None


def _is_teaser_box(box: Any, lines: list[str]) -> bool:
    """Whether the element is a list (or a block of blocks) of TEASER_RUN_MIN items or more, each a link of a
    headline's length followed by words that end in an ellipsis; or each a headline's link alone, none of them a
    line of the text (the box went, its heading stayed)."""
    if box.tag not in BOX_TAGS:  # a paragraph of two links is no box (the combined property's subhead over one)
        return False
    items = [item for item in islice(box, MAX_ITEMS_READ) if isinstance(item.tag, str)]
    if len(items) < TEASER_RUN_MIN or any(item.tag not in ITEM_TAGS for item in items):
        return False
    if all(_is_teaser_item(item) for item in items):
        return _cut_alike([_item_excerpt(item) for item in items])
    return _is_gone_link_box(items, lines)


def _is_gone_link_box(items: list[Any], lines: list[str]) -> bool:
    """Whether every item is one link of a headline's length and nothing else, and the text holds none of them."""
    held = {line.removeprefix(LIST_ITEM_MARK) for line in lines}
    for item in items:
        links = item.findall(".//a[@href]")
        whole = " ".join(" ".join(item.itertext()).split())
        if len(links) != 1 or whole in held or whole != " ".join(" ".join(links[0].itertext()).split()):
            return False
        if not HEADLINE_MIN_WORDS <= len(whole.split()) <= HEADLINE_MAX_WORDS:
            return False
    return True


def _is_teaser_item(item: Any) -> bool:
    link = item.find(".//a[@href]")
    if link is None:
        return False
    headline = " ".join(" ".join(link.itertext()).split())
    whole = " ".join(" ".join(item.itertext()).split())
    return (HEADLINE_MIN_WORDS <= len(headline.split()) <= HEADLINE_MAX_WORDS and len(whole) > len(headline)
            and bool(_ELLIPSIS.search(whole)))


def _item_excerpt(item: Any) -> str:
    """The item's words after its link's headline (the teaser item's excerpt)."""
    headline = " ".join(" ".join(item.find(".//a[@href]").itertext()).split())
    whole = " ".join(" ".join(item.itertext()).split())
    return whole.replace(headline, "", 1).strip()


def _cut_alike(excerpts: list[str]) -> bool:
    """Whether the excerpts (each ending in an ellipsis) were cut at one length: by words or by characters."""
    bodies = [_ELLIPSIS.sub("", excerpt).rstrip() for excerpt in excerpts]
    words = [len(body.split()) for body in bodies]
    chars = [len(body) for body in bodies]
    return max(words) - min(words) <= CUT_SPREAD_WORDS or max(chars) - min(chars) <= CUT_SPREAD_SHARE * max(chars)


def _linked_headlines(tree: Any) -> frozenset[str]:
    """The whole text of each of the page's links that is a headline's length, whitespace folded."""
    found = set()
    for anchor in islice(tree.iterfind(".//a[@href]"), MAX_LINKS_READ):
        words = " ".join(anchor.itertext()).split()
        if HEADLINE_MIN_WORDS <= len(words) <= HEADLINE_MAX_WORDS:
            found.add(" ".join(words))
    return frozenset(found)


def _teaser_marks(lines: list[str], headlines: frozenset[str]) -> list[str]:
    """Each line's part in a teaser: "teaser" (a headline, with its excerpt or over it), "excerpt" (the excerpt on a
    line of its own: under its headline, or the teaser line's excerpt again), or "" (not a teaser's)."""
    marks = [""] * len(lines)
    for number, line in enumerate(lines):
        body = line.removeprefix(LIST_ITEM_MARK)
        cut = bool(_ELLIPSIS.search(body))
        if _is_teaser_line(body, cut, lines[number + 1] if number + 1 < len(lines) else "", headlines):
            marks[number] = "teaser"
        elif cut and number and marks[number - 1] == "teaser" and _excerpt_of(body, lines[number - 1]):
            marks[number] = "excerpt"
    return marks


def _is_teaser_line(body: str, cut: bool, following: str, headlines: frozenset[str]) -> bool:
    """A headline with its excerpt on the line, or a headline alone over a line that ends in an ellipsis."""
    if cut:
        return _opens_with_headline(body, headlines)
    return body in headlines and bool(_ELLIPSIS.search(following.removeprefix(LIST_ITEM_MARK)))


def _opens_with_headline(body: str, headlines: frozenset[str]) -> bool:
    """Whether the line is a headline of the page's links followed by more words (its excerpt)."""
    words = body.split()
    return any(" ".join(words[:count]) in headlines
               for count in range(HEADLINE_MIN_WORDS, min(HEADLINE_MAX_WORDS, len(words) - 1) + 1))


def _excerpt_of(body: str, above: str) -> bool:
    """Whether the line is the excerpt under the headline above it, or the excerpt of the teaser line above again."""
    above_body = above.removeprefix(LIST_ITEM_MARK)
    return not _ELLIPSIS.search(above_body) or above_body.endswith(body)


def _dropped_lines(lines: list[str], marks: list[str], headlines: frozenset[str]) -> set[int]:
    """The numbers of the lines in runs of TEASER_RUN_MIN teasers or more whose excerpts were cut at one length, and
    of each run's heading."""
    dropped: set[int] = set()
    start = 0
    while start < len(lines):
        if not marks[start]:
            start += 1
            continue
        end = start
        while end < len(lines) and marks[end]:
            end += 1
        if sum(mark == "teaser" for mark in marks[start:end]) >= TEASER_RUN_MIN and _cut_alike(
                [_line_excerpt(line.removeprefix(LIST_ITEM_MARK), headlines) for line in lines[start:end]
                 if _ELLIPSIS.search(line)]):
            dropped.update(range(start, end))
            if start and _is_heading(lines[start - 1]):
                dropped.add(start - 1)
        start = end
    return dropped


def _line_excerpt(body: str, headlines: frozenset[str]) -> str:
    """The line without the longest of the page's headlines it opens with: the excerpt (the whole line if it is one)."""
    words = body.split()
    for count in range(min(HEADLINE_MAX_WORDS, len(words) - 1), HEADLINE_MIN_WORDS - 1, -1):
        if " ".join(words[:count]) in headlines:
            return " ".join(words[count:])
    return body


def _is_heading(line: str) -> bool:
    """A box's heading: a short line that ends no sentence."""
    return word_count(line) <= HEADING_MAX_WORDS and not _SENTENCE_END.search(line.strip())
