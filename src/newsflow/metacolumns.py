"""The story's own meta column in an `<aside>` (twenty-eighth pass, docs/extraction.md): a grid theme sets the story's
category, date, reading time and share buttons in a narrow `<aside>` beside its header (`<aside class="columns"><ul
class="content__meta"><li class="content__meta__date">19.07.2022</li>…`). An `<aside>` is another block's for the
date rules (`pageblocks.other_stories_block`), so the page's only day was dropped as other stories'.

Such a column is the story's when a block in it (or the `<aside>` itself) is named for a story's meta ("content__meta",
"article-meta", "post-meta", "entry-meta", "story-meta") and it holds no heading and no link a teaser's title would
be (four words or more): a related list names its teasers' date lines so too, under a heading or beside a title;
nor is one of more than `MAX_COLUMN_ELEMENTS` elements. Review of the pass: a widget sidebar names each teaser's
date line "post-meta" or "entry-meta" too, under a widget title that is no heading (`<p class="widget-title">`),
beside titles of fewer than four words or in a script without spaces ("市議会が道路予算を否決"): so the column also
holds one meta block only (a list repeats it), and no link to another page (a share, print or mail button links to a
script, a sharer with the story's URL in its query, or the story itself, "…/2039026#"; a category, tag or author
link, `rel`, is the story's own meta), and no `<aside>` beside it holds one (teaser cards, each an `<aside>`).
Review of the thirtieth pass: a blog's data box, an `<aside>` child of the headline's `<article>` whose definition
list's first term labels the date ("Datum", "Date", "Published"), with no heading and no `<aside>` beside it, is the
story's too (`labelled_date_box`), whatever its name and links.
Thirty-sixth pass: a story's meta row set between its standfirst and its body (BBAW's alpin.de, `<aside class="meta">`
with the posted day, the source, the topic and share buttons under the standfirst) is the story's too
(`meta_row_between`): the element before it is one short paragraph of prose, the story's first (review: not a pull
quote's or an inline teaser's `<aside>` deeper in the body), the one after it opens with prose, and the `<aside>`
holds one `<time>`, no heading and no link a teaser's title would be. A sidebar comes beside or after the story, not
between its first paragraphs; a related box inside the story holds teasers' titles or a heading. Left: a one-teaser
`<aside>` with a short link right after the story's first paragraph reads as its meta row.

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from typing import Any

_STORY_META = re.compile(r"(?:entry|post|article|story|content)(?:__|[-_])?meta(?![a-z])", re.IGNORECASE)
TEASER_TITLE_WORDS = 4
"""A link of this many words or more in the column is another story's title, not a share or print button."""
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BUTTON_HREF = re.compile(
    r"^\s*(?:javascript:|mailto:|tel:|sms:|#)|[?&](?:u|url|text|title|subject|body|link|mini|summary)=|#$",
    re.IGNORECASE,
)
"""A link that is a button of the story's (print, mail, share with the story's URL in the query, the page itself)."""
_OWN_META_RELS = frozenset(("tag", "category", "author"))
MAX_COLUMN_ELEMENTS = 200
"""A meta column is a few dozen elements (spektrum.de's, with its share menu: 40); a larger `<aside>` is a sidebar,
and the bound keeps the check cheap when the date rules ask it for many elements of one huge `<aside>`."""


def names_story_meta(element: Any) -> bool:
    """Whether an element's class names a story's meta block ("content__meta__date", "post-meta")."""
    return bool(_STORY_META.search(str(element.get("class") or "")))


def storys_meta_column(aside: Any) -> bool:
    """Whether an `<aside>` holding a block named for a story's meta (the caller checked) is the story's own column:
    no heading in it, and no link with a teaser title's words (module docstring)."""
    elements = list(islice(aside.iter(), MAX_COLUMN_ELEMENTS + 1))
    if len(elements) > MAX_COLUMN_ELEMENTS:
        return False
    if any(_names_meta_within(neighbour) for neighbour in (aside.getprevious(), aside.getnext())):
        return False  # review: teaser cards, each an `<aside>` with its meta line, side by side
    named = {element for element in elements if names_story_meta(element)}
    if sum(1 for element in named if not _under_named(element, named, aside)) > 1:
        return False  # review: a list of teasers repeats its meta line, the story's column has one
    for element in elements:
        if element.tag in _HEADINGS:
            return False
        if element.tag == "a" and (len("".join(element.itertext()).split()) >= TEASER_TITLE_WORDS
                                   or _links_elsewhere(element)):
            return False
    return True


_DATE_TERM = re.compile(r"(?:datum|date|published|posted|ver(?:ö|oe)ffentlicht|erschienen|publi(?:é|e)|fecha|data|"
                        r"pubblicato|gepubliceerd)\s*:?", re.IGNORECASE)


def labelled_date_box(aside: Any) -> bool:
    """Whether an `<aside>` (a child of the headline's `<article>`: the caller checked) is the story's data box: a
    definition list whose first term labels the date ("Datum", "Date", "Published"), no heading, no `<aside>` beside
    it (review of the thirtieth pass: ebene11.com's `<aside class="blogData"><dl><dt>Datum</dt><dd>12.01.2017</dd>…`
    beside its `<h2>` headline; "Termin", an event's, is not)."""
    elements = list(islice(aside.iter(), MAX_COLUMN_ELEMENTS + 1))
    if len(elements) > MAX_COLUMN_ELEMENTS or any(element.tag in _HEADINGS for element in elements):
        return False
    if any(neighbour is not None and neighbour.tag == "aside" for neighbour in (aside.getprevious(), aside.getnext())):
        return False
    term = next((element for element in elements if element.tag == "dt"), None)
    return term is not None and bool(_DATE_TERM.fullmatch(" ".join("".join(term.itertext()).split())))


def _names_meta_within(neighbour: Any) -> bool:
    """Whether a neighbouring element is an `<aside>` holding a block named for a story's meta (its first elements)."""
    if neighbour is None or neighbour.tag != "aside":
        return False
    return any(names_story_meta(element) for element in islice(neighbour.iter(), MAX_COLUMN_ELEMENTS))


def _under_named(element: Any, named: set[Any], aside: Any) -> bool:
    """Whether an element of the column is inside another element named for a story's meta (read up to the aside
    only: a hostile page nests thousands deep)."""
    above = element.getparent()
    while above is not None and above is not aside:
        if above in named:
            return True
        above = above.getparent()
    return aside in named and element is not aside


def _links_elsewhere(link: Any) -> bool:
    """Whether a link leads to another page (a teaser's title or thumbnail), not a button of the story's or its
    category, tag or author (module docstring)."""
    href = str(link.get("href") or "")
    rels = set(str(link.get("rel") or "").lower().split())
    return bool(href.strip()) and not _BUTTON_HREF.search(href) and not rels & _OWN_META_RELS


STANDFIRST_CHARS = 1_000
"""The element before a meta row is the story's standfirst: a paragraph or two, not the story (nor a page's column)."""
_STANDFIRST_ELEMENTS = 100
"""A standfirst is a paragraph or two: an element before a meta row of more elements is not one."""
_OPENING_ELEMENTS = 20
"""How many elements of a block are read for its first paragraph (a 50,000-element block stays cheap)."""


def meta_row_between(aside: Any, prose: Callable[[str], bool]) -> bool:
    """Whether an `<aside>` is the story's meta row between its standfirst and its body (module docstring): the element
    before it is short and opens with a paragraph of prose (`prose`: `pageblocks.is_prose`), the element after it
    opens with one, and the `<aside>` holds one `<time>`, no heading and no link of a teaser title's words."""
    before, after = aside.getprevious(), aside.getnext()
    if before is None or after is None or len(list(islice(before.iter(), _STANDFIRST_ELEMENTS + 1))) > \
            _STANDFIRST_ELEMENTS or len(_text(before, STANDFIRST_CHARS + 1)) > STANDFIRST_CHARS:
        return False  # counted first: a hostile page's sibling of 50,000 empty elements is not walked for its text
    if not (_opens_with_prose(before, prose) and _opens_with_prose(after, prose)) or _prose_before(before, prose):
        return False
    elements = list(islice(aside.iter(), MAX_COLUMN_ELEMENTS + 1))
    if len(elements) > MAX_COLUMN_ELEMENTS or sum(1 for element in elements if element.tag == "time") != 1:
        return False
    return not any(element.tag in _HEADINGS or (element.tag == "a" and len("".join(element.itertext()).split())
                                                >= TEASER_TITLE_WORDS) for element in elements)


_STORY_TOP = 8
"""How many elements may come before the standfirst in its parent (a headline, a photo, a kicker): more, and the
`<aside>` is deep in a story or a page's column, not under its standfirst."""


def _prose_before(standfirst: Any, prose: Callable[[str], bool]) -> bool:
    """Whether prose comes before the standfirst (review: an `<aside>` after the body's third paragraph, a pull quote
    or an inline teaser with its day, is not the meta row under the standfirst, the story's first prose), or more than
    `_STORY_TOP` elements do."""
    preceding = list(islice(standfirst.itersiblings(preceding=True), _STORY_TOP + 1))
    return len(preceding) > _STORY_TOP or any(_opens_with_prose(element, prose) for element in preceding)


def _opens_with_prose(block: Any, prose: Callable[[str], bool]) -> bool:
    """Whether a block's first paragraph (itself, or a `<p>` among its first elements) reads as prose."""
    paragraph = next((element for element in islice(block.iter(), _OPENING_ELEMENTS) if element.tag == "p"), None)
    return paragraph is not None and prose(" ".join(_text(paragraph, STANDFIRST_CHARS).split()))


def _text(element: Any, limit: int) -> str:
    """An element's text, read up to about `limit` characters."""
    pieces, length = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        length += len(piece)
        if length >= limit:
            break
    return "".join(pieces)
