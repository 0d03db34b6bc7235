"""Dated teasers of other stories whatever their block's names say (thirty-eighth to fortieth passes,
docs/extraction.md): an item of a list, or a card among cards, that links another page by a headline's words and
carries a `<time>` of its own in a short text. `pageblocks.other_stories_block` asks `teaser_list_item` of the
elements holding a date. Split from `pageblocks` (review of the fortieth pass: 409 lines)."""

from __future__ import annotations

from itertools import islice
from typing import Any

from newsflow.authorlinks import names_author
from newsflow.boundedtext import bounded_text
from newsflow.pagememo import per_page

TEASER_ITEMS = 2
"""A list of other stories, whatever its names, has at least this many items that link one and carry its `<time>`."""
MAX_LIST_ITEMS = 20
TEASER_LINK_WORDS = 3
TEASER_LEVELS = 4
"""A teaser's `<time>` or text sits within this many levels of its `<li>`: farther items are not asked."""
TEASER_ITEM_ELEMENTS = 100
"""Elements of an item read for its `<time>` and links: the work per list is bounded on a hostile page."""
TEASER_TAGS = frozenset(("li", "article", "div"))
"""A teaser is a list's item or a card among cards of the same tag (review of the thirty-eighth pass: "Most read" as
`<article>` or `<div>` cards was read as the byline's)."""
BARE_CARDS = 3
"""Cards with no class are a list of other stories only three or more next to each other (thirty-ninth pass and its
review): a byline's bare `<div>` beside one short dated block of the story's is two, and apart from the cards none."""
TEASER_CHARS = 600
"""A teaser's text is at most this long: a story's body beside its byline (both dated, both linking) is no card."""


@per_page
def teaser_list_item(item: Any) -> bool:
    """Whether a `<li>` (an `<article>`, a `<div>`: `TEASER_TAGS`) is a dated teaser in a list of other stories,
    whatever the list's class or id say ("read-also", "top-stories"; thirty-eighth pass): it links another page by a
    headline's words and carries a `<time>` of its own in a short text, and so do at least `TEASER_ITEMS` items of
    its tag in its list (among its first `MAX_LIST_ITEMS`); a card (not a `<li>`) among cards of its class (with no
    class, in a run of `BARE_CARDS`: thirty-ninth pass and its review). A byline set as a list has one dated item at
    most: its author's link and the story's `<time>`; a byline's `<div>` is no card beside the story body's (review:
    both link, both carry a `<time>`)."""
    card = item.get("class") if item.tag != "li" else None
    if item.tag != "li" and not card:
        return _bare_card_run(item)
    if not _dated_teaser(item) or (parent := item.getparent()) is None:
        return False
    dated = 0
    for sibling in islice(parent.iterchildren(item.tag), MAX_LIST_ITEMS):
        dated += sibling.get("class") == card and _dated_teaser(sibling) if card else _dated_teaser(sibling)
        if dated >= TEASER_ITEMS:
            return True
    return False


def _bare_card_run(item: Any) -> bool:
    """Whether a card with no class is one of `BARE_CARDS` dated teasers of its tag next to each other (review: the
    byline's bare `<div>`, the story's paragraphs, then three bare related cards in one container were four cards)."""
    if not _dated_teaser(item):
        return False
    run = 1
    for preceding in (True, False):
        for sibling in islice(item.itersiblings(preceding=preceding), BARE_CARDS - 1):
            if sibling.tag != item.tag or sibling.get("class") or not _dated_teaser(sibling):
                break
            run += 1
    return run >= BARE_CARDS


def _dated_teaser(item: Any) -> bool:
    if bounded_text(item, TEASER_CHARS) is None:
        return False
    dated, links = False, []
    for element in islice(item.iter(), TEASER_ITEM_ELEMENTS):
        dated = dated or element.tag == "time"
        if element.tag == "a" and element.get("href") is not None:
            links.append(element)
    return dated and any(not str(link.get("href")).startswith("#") and _headline_words(link) >= TEASER_LINK_WORDS
                         and not names_author(link) for link in links[:3])  # fortieth pass: a byline's card


def _headline_words(link: Any) -> int:
    """The words of a link's text outside its `<time>`: a permalink wrapping the story's own `<time>` ("November
    20, 2026", a WordPress byline's) names no other story (review of the thirty-eighth pass)."""
    words = len((bounded_text(link, 300, " ") or "").split())
    return words - sum(len((bounded_text(time, 300, " ") or "").split()) for time in islice(link.iter("time"), 3))
