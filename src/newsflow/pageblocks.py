"""Which block of a page an element is in, as the date rules need to know: the story's byline, or
a block of other stories (a related list, a sidebar, `<aside>`, `<nav>`, `<footer>`), a photo caption,
the story's prose (seventh pass, docs/extraction.md).

The blocks are told apart relative to the headline: only the elements that hold an element but not
the headline are read, so a `<body class="has-sidebar">` says nothing about the byline under it.
Class names are read for other stories (related, recommend, more-news, popular, trending, most-read,
read-next, sidebar, newsletter), not "teaser", which sites give their story's own header too.

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from typing import Any

PROSE_WORDS = 10
"""A text of this many words or more that ends as a sentence is the story's prose, not its byline."""


def is_prose(line: str) -> bool:
    """A sentence of the story, not a byline: ten words or more ending as a sentence does ("The
    festival runs from 15 May 2026 to 20 May, organisers said.": the date of an event)."""
    return line.endswith((".", "!", "?", "\u3002")) and len(line.split()) >= PROSE_WORDS


_OTHER_STORIES = re.compile(
    r"related|recommend|more-?(?:stories|news|from)|popular|trending|most-?(?:read|viewed)|read-?next|sidebar|"
    r"newsletter",
    re.IGNORECASE,
)
_CAPTION = re.compile("caption", re.IGNORECASE)


def elsewhere(text: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether a text after the headline belongs to another block than its byline: a photo caption,
    a list of other stories, a sidebar, the navigation or the footer (`other_stories_block`), or a part of the page
    outside the `<article>` that holds the headline."""
    element = text.getparent().getparent() if text.is_tail else text.getparent()
    in_other = other_stories_block(element, headline_ancestors, captions=True)
    return in_other or _outside_article(element, headline_ancestors, article)


def other_stories_block(element: Any, headline_ancestors: dict[Any, int], captions: bool = False) -> bool:
    """Whether an element is in a block of other stories (a related list, a sidebar, `<aside>`,
    `<nav>`, `<footer>`) or, with `captions`, in a photo caption: the elements that hold it but not
    the headline say so by tag or class ("teaser" is not read: sites name their story's own header so)."""
    while element is not None and element not in headline_ancestors:
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag in _OTHER_TAGS or _OTHER_STORIES.search(names):
            return True
        if captions and (element.tag == "figcaption" or _CAPTION.search(str(element.get("class") or ""))):
            return True
        element = element.getparent()
    return False


def _outside_article(element: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether the element's nearest common ancestor with the headline is above the headline's `<article>`."""
    while element is not None and element not in headline_ancestors:
        element = element.getparent()
    return element is not None and headline_ancestors[element] > article


_OTHER_TAGS = frozenset({"aside", "nav", "footer"})


def headline_ancestors(headline: Any) -> tuple[dict[Any, int], int]:
    """The headline's ancestors with their distance, and the distance of its `<article>` (or past them all)."""
    above = list(headline.iterancestors())
    article = next((index for index, element in enumerate(above) if element.tag == "article"), len(above))
    return {element: index for index, element in enumerate(above)}, article
