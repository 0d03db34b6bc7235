"""A story's own list of linked headlines, each with its summary: a morning briefing, a "what we know" list, a list
of sources (forty-fourth pass, text: docs/extraction.md). The markup is a teaser box's, `<h3><a>headline</a></h3>`
over a summary `<p>`, or `<p><a>headline</a> summary</p>`, and the summaries may end in an ellipsis; what tells the
story's own list from other stories' teasers is where it stands, in any language: its items are siblings of the
story's own paragraphs (their parent holds two story paragraphs outside the list, each a `<p>` or a CMS's `<div>`
holding one), where a box of teasers has a
container of its own (a `<section>`, an `<aside>`, a card's `<div>`). readability-lxml drops a linked heading, so
`refine.drop_unconfirmed_lines` dropped every such headline (main's code), and `excerptteasers` took summaries cut
alike for a plugin's excerpts. Since the forty-fifth pass the items must also be written as the story's paragraphs
beside them are (`_written_alike`: no thumbnail or day on every item, no class a template gives every teaser's
paragraph and link), so a box of teasers set straight among the paragraphs is no longer read as the story's list;
and a `<ul>`/`<ol>` of bare `<li>` cards among the story's paragraphs, written alike, is the story's own list (an
editor's list in a list).

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
_TEASER_MARKS = ("img", "picture", "time")
_LISTS = frozenset(("ul", "ol"))


def own_list_lines(page: Any) -> frozenset[str]:
    """Each line (a headline or its summary, or a paragraph opening with a headline) of a run of RUN_MIN or more
    linked items that stand among the story's paragraphs (their parent, or a bare list's, holds STORY_PARAGRAPHS_MIN
    paragraphs of STORY_PARAGRAPH_WORDS words or more outside the runs: `_is_story_paragraph`) and are written as
    those paragraphs are (`_written_alike`)."""
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
    parents = {head.getparent() for head in lost}
    runs = _runs_of(parents) + [found for box in _lists_of(parents) for found in _card_runs(box)]
    above = {item[1]: item[0] for own, run in runs if own for item in run if len(item) == 2}
    result: list[str] = []
    for line in lines:
        headline = above.get(line)
        if headline is not None and headline not in held and (not result or result[-1] != headline):
            result.append(headline)
        result.append(line)
    return PARAGRAPH_SEPARATOR.join(result)


def _lists_of(parents: set[Any]) -> set[Any]:
    """The `<ul>`/`<ol>` each `<li>` card of `parents` stands in: a lost headline's item is a card of that list, so its
    run is read over the list's cards (`_card_runs`), not among the `<li>`'s own children (forty-sixth pass)."""
    return {parent.getparent() for parent in parents
            if parent.tag == "li" and getattr(parent.getparent(), "tag", None) in _LISTS}


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
    return _runs_of(set(parents)) + [found for box in boxes for found in _card_runs(box)]


def _card_runs(box: Any) -> list[tuple[bool, list[tuple[str, ...]]]]:
    """The box's runs of RUN_MIN cards or more, each card an element holding one heading's item and nothing else:
    other stories' teasers, or the story's own list when the box is a `<ul>`/`<ol>` of bare `<li>`s standing among
    the story's paragraphs and written as they are (forty-fifth pass: an editor's list of linked headlines)."""
    story = _story_paragraphs(box.getparent()) if box.tag in _LISTS and box.getparent() is not None else []
    runs: list[tuple[bool, list[tuple[str, ...]]]] = []
    run: list[tuple[tuple[str, ...], Any]] = []
    for card in [card for card in islice(box, MAX_CHILDREN_READ) if isinstance(card.tag, str)] + [None]:
        parts = [part for part in card if isinstance(part.tag, str)] if card is not None else []
        item = _item_lines(parts, 0) if len(parts) == 2 and parts[0].tag in _HEADINGS else ()
        if item:
            run.append((item, card))
            continue
        if len(run) >= RUN_MIN:
            runs.append((len(story) >= STORY_PARAGRAPHS_MIN and _bare_items(run, story), [lines for lines, _ in run]))
        run = []
    return runs


def _bare_items(run: list[tuple[tuple[str, ...], Any]], story: list[Any]) -> bool:
    """Each card a bare `<li>` (a template names its cards, an editor's list does not) and written alike."""
    cards = [card for _, card in run]
    return (all(card.tag == "li" and not card.attrib for card in cards)
            and _written_alike([[part for part in card if isinstance(part.tag, str)] for card in cards], story))


def _story_paragraphs(parent: Any) -> list[Any]:
    return [child for child in islice(parent, MAX_CHILDREN_READ)
            if isinstance(child.tag, str) and _is_story_paragraph(child)]


def _runs(parent: Any) -> list[tuple[bool, list[tuple[str, ...]]]]:
    """The parent's runs of RUN_MIN linked items or more, each marked own when story paragraphs stand beside and its
    items are written as those paragraphs are (`_written_alike`)."""
    children = [child for child in islice(parent, MAX_CHILDREN_READ) if isinstance(child.tag, str)]
    runs: list[list[tuple[tuple[str, ...], list[Any]]]] = []
    run: list[tuple[tuple[str, ...], list[Any]]] = []
    story: list[Any] = []
    index = 0
    while index < len(children):
        item = _item_lines(children, index)
        if item:  # a heading's item takes its summary's child too: one child a line
            run.append((item, children[index:index + len(item)]))
            index += len(item)
            continue
        runs.extend([run] if len(run) >= RUN_MIN else [])
        run = []
        story.extend([children[index]] if _is_story_paragraph(children[index]) else [])
        index += 1
    runs.extend([run] if len(run) >= RUN_MIN else [])
    return [(len(story) >= STORY_PARAGRAPHS_MIN and _written_alike([parts for _, parts in found], story),
             [lines for lines, _ in found]) for found in runs]


def _written_alike(items: list[list[Any]], story: list[Any]) -> bool:
    """Whether the run is written as an editor writes a list into the story, and not as a template writes its teasers
    (forty-fifth pass). A template writes every teaser from one partial, so its marks are on every item: a thumbnail
    or a day (`_all_marked`), or its names for the teaser's parts (`_all_named_apart`). An editor's list carries such a
    thing in one item or two (a smiley, an aligned picture, a time in a timeline), so a mark counts only on all."""
    return not (_all_marked(items) or _all_named_apart(items, story))


def _all_marked(items: list[list[Any]]) -> bool:
    """Every item holds a picture or a date (a teaser's thumbnail and day)."""
    return all(any(next(part.iter(*_TEASER_MARKS), None) is not None for part in item) for item in items)


def _all_named_apart(items: list[list[Any]], story: list[Any]) -> bool:
    """Every item's paragraph has a class no story paragraph has and every item's link a class no story paragraph's
    link has, the same on all (`c-item__text`, `c-item__link`). Paragraphs' classes alone are no template's: an
    editor's pasted `p1`, Gutenberg's `has-small-font-size`, a CMS that classes the story's `<p>`s and not the rich
    text's; links' alone are no template's either (a plugin marks links out of the site, and a list of sources is all
    such links). Headings are not read (Gutenberg names every heading `wp-block-heading`)."""
    paragraphs = [[part for part in item if part.tag == "p"] for item in items]
    links = [[link for part in item for link in part.iterfind(".//a[@href]")] for item in items]
    story_ps = [_story_p(element) for element in story]
    return (_shared_apart([p for ps in paragraphs for p in ps], paragraphs, story_ps)
            and _shared_apart([a for ls in links for a in ls], links, [a for p in story_ps for a in p.iter("a")]))


def _shared_apart(elements: list[Any], per_item: list[list[Any]], story: list[Any]) -> bool:
    """Some class is on every element, every item has one, and no element of the story has it."""
    if not all(per_item):
        return False
    shared = set.intersection(*(_classes(element) for element in elements))
    return bool(shared - {name for element in story for name in _classes(element)})


def _story_p(element: Any) -> Any:
    """The story paragraph's `<p>` (inside a CMS's `<div>` of one, `_is_story_paragraph`)."""
    return element if element.tag == "p" else next(part for part in element if isinstance(part.tag, str))


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


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
