"""A story's own list of linked headlines, each with its summary: a morning briefing, a "what we know" list, a list
of sources (forty-fourth pass, text: docs/extraction.md). The markup is a teaser box's, `<h3><a>headline</a></h3>`
over a summary `<p>`, or `<p><a>headline</a> summary</p>`, and the summaries may end in an ellipsis; what tells the
story's own list from other stories' teasers is where it stands, in any language: its items are siblings of the
story's own paragraphs (their parent holds two story paragraphs outside the list, each a `<p>` or a CMS's `<div>`
holding one), where a box of teasers has a
container of its own (a `<section>`, an `<aside>`, a `<ul>`, a card's `<div>`). readability-lxml drops a linked
heading, so `refine.drop_unconfirmed_lines` dropped every such headline (main's code), and `excerptteasers` took
summaries cut alike for a plugin's excerpts.

Over lxml elements (only their methods are used, so lxml is not imported)."""

from __future__ import annotations

from itertools import islice
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

RUN_MIN = 2
"""A list has two items or more: one linked heading over a paragraph may be a teaser card set in the story."""
HEADLINE_MIN_WORDS = 2
HEADLINE_MAX_WORDS = 25
STORY_PARAGRAPH_WORDS = 15
"""The list's parent holds a paragraph of this many words outside it: the story's own (`subheads`' neighbours)."""
STORY_PARAGRAPHS_MIN = 2
"""... and two such paragraphs: a box of teasers may open with one paragraph of its own (a series' blurb)."""
MAX_LINKS_READ = 3000
MAX_CHILDREN_READ = 400
MAX_HEADINGS_READ = 500
_HEADINGS = frozenset(("h2", "h3", "h4"))


def own_list_lines(page: Any) -> frozenset[str]:
    """Each line (a headline or its summary, or a paragraph opening with a headline) of a run of RUN_MIN or more
    linked items that stand among the story's paragraphs: their parent holds STORY_PARAGRAPHS_MIN paragraphs of
    STORY_PARAGRAPH_WORDS words or more outside the runs (`_is_story_paragraph`)."""
    return frozenset(line for own, run in linked_runs(page) if own for item in run for line in item)


def restore_own_headlines(text: str, page: Any) -> str:
    """The text with each headline of the story's own list put back right above its summary, where the text holds
    the summary and lacks the headline (trafilatura's wild-text recovery keeps `<p>`s, no linked heading). The lists
    are read only where a linked heading the text lacks has a `<p>` the text holds right after it."""
    if page is None:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    held = set(lines)
    lost = [head for line, head in _linked_headings(page, over_p=True) if line not in held and _next_held(head, held)]
    if not lost:
        return text
    above = {item[1]: item[0] for own, run in _runs_of({head.getparent() for head in lost}) if own
             for item in run if len(item) == 2}
    result: list[str] = []
    for line in lines:
        headline = above.get(line)
        if headline is not None and headline not in held and (not result or result[-1] != headline):
            result.append(headline)
        result.append(line)
    return PARAGRAPH_SEPARATOR.join(result)


def _linked_headings(page: Any, over_p: bool = False) -> list[tuple[str, Any]]:
    """Each `<h2>`-`<h4>` of the page whose text is one link's whole text of a headline's length, with its text;
    with `over_p`, only those right over a `<p>` (the cheap test first)."""
    found = []
    for head in islice(page.iter(*_HEADINGS), MAX_HEADINGS_READ):
        if over_p and getattr(head.getnext(), "tag", None) != "p":
            continue
        if head.find(".//a[@href]") is not None and head.getparent() is not None:
            text = _linked_whole(head)
            if text:
                found.append((text, head))
    return found


def _next_held(head: Any, held: set[str]) -> bool:
    following = head.getnext()
    return following is not None and following.tag == "p" and _text(following) in held


def _own_lines(parents: set[Any]) -> frozenset[str]:
    return frozenset(line for own, run in _runs_of(parents) if own for item in run for line in item)


def _runs_of(parents: set[Any]) -> list[tuple[bool, list[tuple[str, ...]]]]:
    return [found for parent in parents for found in _runs(parent)]


def linked_runs(page: Any) -> list[tuple[bool, list[tuple[str, ...]]]]:
    """Each run of RUN_MIN linked items or more among an element's children, with whether it is the story's own
    (story paragraphs stand beside it) or stands in a box of its own."""
    parents: dict[Any, None] = {}
    boxes: dict[Any, None] = {}  # a box of cards: each card's parent holds one item
    for anchor in islice(page.iterfind(".//a[@href]"), MAX_LINKS_READ):
        holder = anchor.getparent()
        parent = holder.getparent() if holder is not None and (holder.tag == "p" or holder.tag in _HEADINGS) else None
        if parent is not None:
            parents.setdefault(parent)
            if holder.tag in _HEADINGS and parent.getparent() is not None:
                boxes.setdefault(parent.getparent())
    return _runs_of(set(parents)) + [(False, run) for box in boxes for run in _card_runs(box)]


def _card_runs(box: Any) -> list[list[tuple[str, ...]]]:
    """The box's runs of RUN_MIN cards or more, each card an element holding one heading's item and nothing else:
    other stories' teasers (a story's own list has no wrapper for each item)."""
    runs: list[list[tuple[str, ...]]] = []
    run: list[tuple[str, ...]] = []
    for card in islice(box, MAX_CHILDREN_READ):
        if not isinstance(card.tag, str):
            continue
        parts = [part for part in card if isinstance(part.tag, str)]
        item = _item_lines(parts, 0) if len(parts) == 2 and parts[0].tag in _HEADINGS else ()
        if item:
            run.append(item)
            continue
        runs.extend([run] if len(run) >= RUN_MIN else [])
        run = []
    return runs + ([run] if len(run) >= RUN_MIN else [])


def _runs(parent: Any) -> list[tuple[bool, list[tuple[str, ...]]]]:
    """The parent's runs of RUN_MIN linked items or more, each marked own when story paragraphs stand beside."""
    children = [child for child in islice(parent, MAX_CHILDREN_READ) if isinstance(child.tag, str)]
    runs: list[list[tuple[str, ...]]] = []
    run: list[tuple[str, ...]] = []
    story, index = 0, 0
    while index < len(children):
        item = _item_lines(children, index)
        if item:  # a heading's item takes its summary's child too: one child a line
            run.append(item)
            index += len(item)
            continue
        runs.extend([run] if len(run) >= RUN_MIN else [])
        run = []
        story += _is_story_paragraph(children[index])
        index += 1
    runs.extend([run] if len(run) >= RUN_MIN else [])
    return [(story >= STORY_PARAGRAPHS_MIN, found) for found in runs]


def _is_story_paragraph(child: Any) -> bool:
    """A `<p>` of STORY_PARAGRAPH_WORDS words or more, or a `<div>` holding only such a `<p>` (a CMS that wraps each
    block of the story in a `<div>` of its own, as BBC's text blocks are)."""
    if child.tag == "div":
        parts = [part for part in child if isinstance(part.tag, str)]
        child = parts[0] if len(parts) == 1 else child
    return bool(child.tag == "p" and word_count(_text(child)) >= STORY_PARAGRAPH_WORDS)


def _item_lines(children: list[Any], index: int) -> tuple[str, ...]:
    """The item's lines at `index`: a wholly linked heading and the summary `<p>` under it, or a `<p>` that opens
    with a headline's link followed by more words; () when the child is no such item."""
    child = children[index]
    if child.tag in _HEADINGS:
        headline = _linked_whole(child)
        following = children[index + 1] if index + 1 < len(children) else None
        if headline and following is not None and following.tag == "p":
            summary = _text(following)
            if summary and not _linked_whole(following):
                return (headline, summary)
        return ()
    if child.tag == "p":
        link = child.find("a[@href]")
        whole = _text(child)
        if link is not None and not (child.text or "").strip():
            headline = _text(link)
            if _is_headline(headline) and whole.startswith(headline) and len(whole) > len(headline) + 1:
                return (whole,)
    return ()


def _linked_whole(element: Any) -> str:
    """The element's text when it is one link's whole text of a headline's length, else ""."""
    links = element.findall(".//a[@href]")
    if len(links) != 1:
        return ""
    whole = _text(element)
    return whole if whole == _text(links[0]) and _is_headline(whole) else ""


def _is_headline(text: str) -> bool:
    """Words counted as `text.word_count` counts them: a CJK headline has no spaces, each character is a word."""
    return HEADLINE_MIN_WORDS <= word_count(text) <= HEADLINE_MAX_WORDS


def _text(element: Any) -> str:
    return normalized_line("".join(element.itertext()))
