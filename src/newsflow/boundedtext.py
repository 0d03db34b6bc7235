"""A page element's text read only up to a bound, and the inline elements a browser sets on a line: the smallest
helpers of the page-block readers (`newsflow.pageblocks`, `newsflow.teasercards`). Split from `pageblocks` (review of
the fortieth pass) so that the teaser cards' module and `pageblocks` both read them without importing each other."""

from __future__ import annotations

from typing import Any

INLINE_TAGS = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
))  # fmt: skip
"""The page's elements that sit inside a run of text: a browser sets them on the line they are in."""


def bounded_text(element: Any, limit: int, separator: str = "") -> str | None:
    """The element's text (with its descendants', joined by `separator`), None when it is longer than `limit`
    characters: not read to its end (a hostile page's story nested in hundreds of inline elements, each asked
    for its text)."""
    pieces, size = [], 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit:
            return None
        pieces.append(piece)
    return separator.join(pieces)
