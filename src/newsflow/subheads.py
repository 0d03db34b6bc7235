"""The story's subheads: headings that a second opinion's silence does not remove.

`refine.drop_unconfirmed_lines` drops a short line that a second opinion of the page lacks. Its
second opinions are readability-lxml's text and then the page's JSON-LD `articleBody`, and
`articleBody` is, as publishers write it, the story's paragraphs without their subheads: every
subhead of such a page went (fundus El País, La Vanguardia, Público). A heading of trafilatura's
output that readability-lxml's text shows too, standing between two story paragraphs, is a
subhead, and the `articleBody` check leaves it (docs/extraction.md, "Nineteenth pass, text"),
when the page's heading stands among the story's text (its nearest ancestor with more text holds a
paragraph's worth of words besides it): a box's own heading (a newsletter form's, a player's) has
only the box beside it.
Since the forty-sixth pass readability's silence alone no longer removes a heading (`StoryHeadings`): it leaves out
a heading whose CMS block holds nothing else. A heading it lacks stays when it stands among the story's text and the
page marks it as nothing else (`_not_subhead`: a teaser's linked headline, an accessibility label, a hidden heading,
a box's heading over a list or over a block of links only, a form's box's heading).
Since the forty-seventh pass a heading readability shows goes too when it stands over a box of links only that went
as furniture (`drop_link_box_headings`: "Related", "Most read" on the plain layout).

Over normalised text and trafilatura's output elements (only their methods are used, so lxml is not
imported).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterator, Sequence
from itertools import islice
from typing import Any

from newsflow.text import normalized_line, word_count

SUBHEAD_NEIGHBOUR_WORDS = 15
"""A subhead has a line of at least this many words on either side: story paragraphs, as
`storytext.MIN_PARAGRAPH_WORDS` counts them. A heading above teasers, a list or the end of the text
is no subhead."""


FORM_BOX_MAX_WORDS = 150
"""A box of its own beside the story (a newsletter's heading, its two paragraphs and its form) is short; a story's
body is longer (Tageblatt's and the Washington Post's bodies, holding a newsletter form, hold subheads too)."""

_PAGE_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _text(element: Any) -> str:
    return normalized_line("".join(element.itertext()))


_BOX_PARTS = ("form", "input", "button", "iframe", "audio", "video", "object", "embed")
"""Elements a box of its own has beside its heading (a newsletter form, a player) and a subhead's
wrapper (`<span class="content-subtitle"><h3>`, La Vanguardia) has not."""


def among_story_text(page: Any, lines: frozenset[str]) -> frozenset[str]:
    """Those of `lines` that a heading of the page (`<h1>`-`<h6>`) shows among the story's text: its
    nearest ancestor with more text than the heading holds at least `SUBHEAD_NEIGHBOUR_WORDS` words
    besides it, and the wrappers between them hold no form or player (reviewer, nineteenth pass: a
    newsletter box's or a player's own heading was kept)."""
    kept: set[str] = set()
    words: dict[Any, int] = {}  # an ancestor's words counted once: sibling headings share it (hostile pages)
    for heading in page.iter(*_PAGE_HEADINGS) if lines and page is not None else ():
        line = _text(heading)
        if line in lines and line not in kept and _beside(heading, word_count(line), words) >= SUBHEAD_NEIGHBOUR_WORDS:
            kept.add(line)
    return frozenset(kept)


def _beside(heading: Any, own: int, words: dict[Any, int]) -> int:
    """The words of the heading's nearest ancestor with more than the heading's own, besides those;
    0 when a wrapper on the way holds a form or a player."""
    for ancestor in heading.iterancestors():
        if ancestor not in words:
            words[ancestor] = word_count(_text(ancestor))
        if words[ancestor] > own:
            return words[ancestor] - own
        if next(ancestor.iter(*_BOX_PARTS), None) is not None:
            return 0
    return 0


def shown_headings(readability: str | None, *bodies: Any) -> frozenset[str]:
    """The headings (`<head>`) of trafilatura's output elements, each as a line of the text, that
    readability-lxml's text (whitespace-normalised, one line) shows too."""
    if not readability:
        return frozenset()
    headings = (_text(head) for body in bodies if body is not None
                for head in body.iter("head"))
    return frozenset(line for line in headings if line and line in readability)


class ShownHeadings:
    """`shown_headings`, found on the first question: walking trafilatura's output for its headings
    costs ~0.3 ms a page, and most pages never ask (a short line the `articleBody` lacks, between two
    story paragraphs, is rare)."""

    def __init__(self, readability: str | None, page: Any, *bodies: Any) -> None:
        self._readability, self._page, self._bodies = readability, page, bodies
        self._lines: frozenset[str] | None = None

    def __contains__(self, line: object) -> bool:
        if self._lines is None:
            self._lines = among_story_text(self._page, shown_headings(self._readability, *self._bodies))
        return line in self._lines


def is_subhead(lines: Sequence[str], index: int, headings: Container[str]) -> bool:
    """Whether the line at `index` is one of `headings` with a story paragraph on either side (the
    neighbours are counted first: they are cheaper than some `headings`)."""
    if not 0 < index < len(lines) - 1:
        return False
    neighbours = min(word_count(lines[index - 1]), word_count(lines[index + 1]))
    return neighbours >= SUBHEAD_NEIGHBOUR_WORDS and lines[index] in headings


def own_headings(*bodies: Any) -> frozenset[str]:
    """The headings (`<head>`) of trafilatura's output elements, each as a line of the text."""
    return frozenset(line for body in bodies if body is not None for line in map(_text, body.iter("head")) if line)


def _set_as_subheads(page: Any, lines: frozenset[str]) -> frozenset[str]:
    """Those of `lines` that no heading of the page showing them marks as something else than a subhead
    (`_not_subhead`; only the headings showing one of `lines` are asked: the question reads the page after them).
    An ancestor's words are counted once: a hostile page's 2,000 headings each counted the whole body's (36 s CPU at
    0.5 MB; 1.6 s with the count shared, main 1.1 s)."""
    words: dict[Any, int] = {}
    return lines - {line for heading in page.iter(*_PAGE_HEADINGS)
                    if (line := _text(heading)) in lines and _not_subhead(heading, words)}


def _not_subhead(heading: Any, words: dict[Any, int]) -> bool:
    """A teaser's headline (the heading holds a link or sits in one), an accessibility label (the heading names its
    container for screen readers: an ancestor's `aria-labelledby` is its id, as Seznam Zprávy's `<h6>` "Článek"
    over the story), a heading the page hides (`_hidden`, on it or a wrapper holding only it), a box's heading over a
    list (a summary's "Summary" over its points) or over a block of links only (`_links_only`: "Related", "Most
    read") or a form's box's heading (`_in_a_form_box`): not the story's subhead."""
    if next(heading.iter("a"), None) is not None or any(node.tag == "a" for node in heading.iterancestors()):
        return True
    name = heading.get("id")
    if name and any(name in (node.get("aria-labelledby") or "").split() for node in heading.iterancestors()):
        return True
    following = heading.getnext()
    if getattr(following, "tag", None) in ("ul", "ol") or _in_a_form_box(heading, words):
        return True
    block = _own_block(heading)
    return any(_hidden(node) for node in block) or _links_only(_next_with_text(block[-1]))


_HIDDEN_CLASSES = frozenset({
    "hidden", "is-hidden", "u-hidden", "sr-only", "sr-text", "screen-reader-text", "screen-reader-only",
    "visually-hidden", "visuallyhidden", "visually_hidden", "element-invisible", "a11y-hidden", "offscreen",
})  # fmt: skip
"""Classes that hide an element from the reader's eyes (Bootstrap's, WordPress's, Drupal's screen-reader classes)."""


def _own_block(heading: Any) -> list[Any]:
    """The heading and its wrappers that hold nothing but it (9News's `div.block-content > div > h3`), innermost
    first."""
    own = _text(heading)
    block = [heading]
    for ancestor in heading.iterancestors():
        if len(ancestor) > 1 or (ancestor.text or "").strip() or _text(ancestor) != own:
            break
        block.append(ancestor)
    return block


def _hidden(node: Any) -> bool:
    """Whether the page hides the node from the reader: `hidden`, `aria-hidden="true"`, a screen-reader class (a
    "Main content" label over the story is no subhead; reviewer, forty-sixth pass)."""
    classes = (node.get("class") or "").lower().split()
    hidden = node.get("hidden") is not None or node.get("aria-hidden") == "true"
    return hidden or not _HIDDEN_CLASSES.isdisjoint(classes)


def _next_with_text(node: Any) -> Any:
    """The first element after `node` in the page's order, not inside it, that holds text; None if none does."""
    for step in (node, *node.iterancestors()):
        for sibling in step.itersiblings():
            if isinstance(sibling.tag, str) and any(piece.strip() for piece in sibling.itertext()):
                return sibling
    return None


def _links_only(block: Any) -> bool:
    """Whether all of the block's text stands in links: a teaser's card, "Most read"'s headlines, a newsletter's
    "Sign up here" (the heading over it is theirs, not the story's; reviewer, forty-sixth pass). Stops at the first
    text outside a link (a story paragraph: its first words)."""
    if block is None:
        return False
    stack: list[tuple[Any, bool]] = [(block, False)]
    while stack:
        node, linked = stack.pop()
        linked = linked or node.tag == "a"
        if not linked and isinstance(node.tag, str) and (node.text or "").strip():
            return False
        for child in node:
            if not linked and (child.tail or "").strip():
                return False
            stack.append((child, linked))
    return True


def _in_a_form_box(heading: Any, words: dict[Any, int]) -> bool:
    """Whether the heading's nearest ancestor with more text than it, of FORM_BOX_MAX_WORDS words at most (a box, not
    the story's body, which may hold a form of its own further down), holds a form or a player: a newsletter box's
    heading over its own paragraphs (coaching-magazin.de's "Coaching-Newsletter erhalten"), which `among_story_text`
    counts as the story's when the box's paragraphs are long."""
    own = word_count(_text(heading))
    for ancestor in heading.iterancestors():
        if ancestor not in words:
            words[ancestor] = word_count(_text(ancestor))
        if words[ancestor] > own:
            return words[ancestor] <= FORM_BOX_MAX_WORDS and next(ancestor.iter(*_BOX_PARTS), None) is not None
    return False


class StoryHeadings(ShownHeadings):
    """`ShownHeadings`, and trafilatura's own headings standing among the story's text on the page, whether or not
    readability shows them (forty-sixth pass): readability-lxml leaves out a heading whose CMS block holds nothing else
    (9News's `div.block-content > h3`, the LA Times' story stack), so its silence is no evidence against a subhead
    set between two story paragraphs. A teaser's linked headline, an accessibility label, a hidden heading, a box's
    heading over a list or over a block of links only and a form's box's heading are no subheads (`_not_subhead`)."""

    def __contains__(self, line: object) -> bool:
        if self._lines is None:
            shown = among_story_text(self._page, shown_headings(self._readability, *self._bodies))
            found = among_story_text(self._page, own_headings(*self._bodies) - shown)
            self._lines = shown | (_set_as_subheads(self._page, found) if found else found)
        return line in self._lines



LINK_BOX_MIN_WORDS = 3
"""A block of links a heading stands over has at least this many words of links ("Most read"'s linked headlines): a
picture's credit link ("AP") under a subhead is no box."""
LINK_BOX_MIN_TARGETS = 2
"""A box of links leads to at least this many places (distinct addresses): a single link under a heading (an embed's
fallback, a video's or a podcast's link, a linked photo, a byline, a liveblog entry's time, one "Read also" card, an
Instagram embed's two links to its post) is the story's, whatever its words (reviewer, forty-seventh pass)."""
SHORT_HEADING_WORDS = 12
"""A navigation heading is short; a line of more words is read as the story's, whatever shows it."""
_NOT_A_BOX = ("figure", "figcaption", "picture", "ul", "ol", "p", "a")
"""Blocks this rule leaves alone: a picture's credit; a bare link, no box (a press release's linked photo with its
caption under its subtitle, iwrpressedienst.de on the blind tune half); a list, whose links `ownlists` and
`_not_subhead` read (a story's own "Further link" over its source's address, uepo.de on the blind tune half, is the
reference's text); a paragraph, the story's own markup (a product review's heading over its shop's price link,
"£79.99, Lakeland", fundus TheTelegraph on the tune half, is the story's heading)."""
HEADINGS_READ = 200
"""The headings showing a short line of the text this rule reads on a page at most (a real page has tens): on a page
of more, every line stays (a hostile page's thousands)."""
LINKS_READ = 50
"""The links of a box looked for in the text: a hostile box's thousands would each search the whole text."""
SEARCH_BUDGET_CHARS = 40_000_000
"""The characters all of a page's link searches may read (~0.05 s): a hostile page's thousands of boxes, each of
LINKS_READ links, searched a text of megabytes each (24 s at 6 MB). A heading whose links the budget does not reach
stays."""


def drop_link_box_headings(text: str, page: Any) -> str:
    """The text less each line that only headings over a box of links show ("Related", "Most read", "Meistgelesen"),
    when no link of the box is in the text: the box went as furniture, so its heading heads nothing stored
    (forty-seventh pass: on the plain layout, an `<h3>` then a `<div>` of cards between two story paragraphs,
    readability shows the heading and it stayed). Markup only: any language. The first line is left: a standfirst's
    place (Aftonbladet's subtitle over its byline's link, fundus tune, went otherwise). The work is linear in the
    page: HEADINGS_READ headings, each block read once, the links searched within SEARCH_BUDGET_CHARS
    (`StoredText`)."""
    lines = text.split("\n") if page is not None else []
    gone, _, _ = link_box_lines(text, lines, page)
    return "\n".join(line for line in lines if line not in gone) if gone else text


def link_box_lines(text: str, lines: list[str], page: Any) -> tuple[frozenset[str], StoredText, int]:
    """The lines `drop_link_box_headings` drops, the text's index its link searches went through and the number of
    headings read (both bounded: tests/test_text_pass48.py counts them on a hostile page)."""
    short = {line for line in lines[1:] if 0 < word_count(line) <= SHORT_HEADING_WORDS}
    stored = StoredText(text, lines if short else [])
    over_links: dict[str, bool] = {}
    boxes: dict[Any, tuple[str, ...] | None] = {}  # a block read once: a hostile page's many headings may share one
    page_headings: Iterator[Any] = page.iter(*_PAGE_HEADINGS[1:]) if short else iter(())
    headings = (heading for heading in page_headings if _text(heading) in short)
    read = 0
    for heading in islice(headings, HEADINGS_READ):
        read += 1
        line = _text(heading)
        if over_links.get(line, True):
            over_links[line] = _over_dropped_links(heading, line, stored, boxes)
    if next(headings, None) is not None:
        return frozenset(), stored, read  # a line's heading past the cap may head the story: nothing goes
    return frozenset(line for line, dropped in over_links.items() if dropped), stored, read


class StoredText:
    """The stored text, indexed once for the rule's link searches: its lines counted, each link searched once a page
    (`searches` counts them), all within SEARCH_BUDGET_CHARS characters read."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self._text, self._lines = text, Counter(lines)
        self._found: dict[str, bool] = {}
        self._counts: dict[str, int] = {}
        self.searches = 0
        self.chars_read = 0

    def holds_besides(self, link: str, line: str) -> bool | None:
        """Whether the text holds `link` outside its lines equal to `line` (a newsletter's "Sign up" button often
        repeats its heading); None when the budget is spent. A link holds no line break, so each of its hits lies
        in one line: the text's count of it less the `line`s' own."""
        if link in self._lines and link != line:
            return True
        if link not in line:
            if link not in self._found:
                if not self._spend():
                    return None
                self._found[link] = link in self._text
            return self._found[link]
        if link not in self._counts:
            if not self._spend():
                return None
            self._counts[link] = self._text.count(link)
        return self._counts[link] > line.count(link) * self._lines[line]

    def _spend(self) -> bool:
        if self.chars_read + len(self._text) > SEARCH_BUDGET_CHARS:
            return False
        self.searches += 1
        self.chars_read += len(self._text)
        return True


def _over_dropped_links(heading: Any, line: str, stored: StoredText, boxes: dict[Any, tuple[str, ...] | None]) -> bool:
    """Whether the heading (holding no link itself: a teaser's linked headline is another rule's) stands over a box
    of links (`_link_box`), none of which the text holds besides the heading's own `line`."""
    if next(heading.iter("a"), None) is not None:
        return False
    block = _next_with_text(_own_block(heading)[-1])
    if block is None:
        return False
    if block not in boxes:
        boxes[block] = _link_box(block)
    links = boxes[block]
    if links is None:
        return False
    for link in links:
        held = stored.holds_besides(link, line)
        if held is None or held:
            return False
    return True


def _link_box(block: Any) -> tuple[str, ...] | None:
    """The first LINKS_READ links' texts of the block when it is a box of links only, of LINK_BOX_MIN_WORDS words or
    more, leading to LINK_BOX_MIN_TARGETS places or more, not one `_NOT_A_BOX` leaves alone; None otherwise."""
    if block.tag in _NOT_A_BOX or any(node.tag in _NOT_A_BOX for node in block.iterancestors()):
        return None
    if word_count(_text(block)) < LINK_BOX_MIN_WORDS or not _links_only(block):
        return None
    anchors = block.iter("a")
    targets = {anchor.get("href") or _text(anchor) for anchor, _ in zip(anchors, range(LINKS_READ), strict=False)}
    if len(targets) < LINK_BOX_MIN_TARGETS:
        return None
    texts = (link for link in map(_text, block.iter("a")) if link)
    return tuple(link for link, _ in zip(texts, range(LINKS_READ), strict=False))
