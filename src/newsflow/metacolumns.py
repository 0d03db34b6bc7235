"""The story's own meta column in an `<aside>` (twenty-eighth pass, docs/extraction.md): a grid theme sets the story's
category, date, reading time and share buttons in a narrow `<aside>` beside its header (`<aside class="columns"><ul
class="content__meta"><li class="content__meta__date">19.07.2022</li>…`). An `<aside>` is another block's for the
date rules (`pageblocks.other_stories_block`), so the page's only day was dropped as other stories'.

Such a column is the story's when a block in it (or the `<aside>` itself) is named for a story's meta ("content__meta",
"article-meta", "post-meta", "entry-meta", "story-meta") and it holds no heading and no link a teaser's title would
be (four words or more): a related list names its teasers' date lines so too, under a heading or beside a title;
nor is one of more than `MAX_COLUMN_ELEMENTS` elements.

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

_STORY_META = re.compile(r"(?:entry|post|article|story|content)(?:__|[-_])?meta(?![a-z])", re.IGNORECASE)
TEASER_TITLE_WORDS = 4
"""A link of this many words or more in the column is another story's title, not a share or print button."""
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
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
    for element in elements:
        if element.tag in _HEADINGS:
            return False
        if element.tag == "a" and len("".join(element.itertext()).split()) >= TEASER_TITLE_WORDS:
            return False
    return True
