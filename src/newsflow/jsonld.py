"""The JSON-LD objects of a page (`<script type="application/ld+json">`), nested ones included.

Pure: walks an lxml tree of the page (only its methods are used, so lxml is not imported) and
the standard json module. Blocks that are not valid JSON are skipped.

A page's JSON-LD is read by several rules (the date's, the article body's), so the objects of
the last page asked about are kept, with a weak reference to its tree: each page's blocks are
parsed once (they were parsed up to five times: ~3% of extraction).
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterator
from typing import Any

# Some CMSs wrap the JSON in a CDATA section, sometimes behind a JS comment: //<![CDATA[ ... //]]>
_CDATA = re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[|(?://|/\*)?\s*\]\]>\s*(?:\*/)?\s*$")


_LISTS = frozenset({"itemListElement"})
"""Keys whose objects are other pages: an `ItemList` of related stories (ninth pass)."""


def json_ld_objects(tree: Any) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every JSON object in the page's JSON-LD blocks, depth first, `@graph` members included, each
    with whether it is inside a list of other items (`itemListElement`: an `ItemList` of related
    stories, whose `datePublished` dates them, not the page)."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            document = json.loads(_CDATA.sub("", script.text))
        except (ValueError, RecursionError):  # nested past Python's stack (red team 25): as unreadable
            continue
        stack: list[tuple[Any, bool]] = [(document, False)]
        while stack:  # depth first, in document order: the values are pushed in reverse
            current, listed = stack.pop()
            if isinstance(current, dict):
                yield current, listed
                stack.extend((value, listed or key in _LISTS) for key, value in reversed(list(current.items())))
            elif isinstance(current, list):
                stack.extend((value, listed) for value in reversed(current))


_last_page: tuple[weakref.ref[Any], list[dict[str, Any]], list[dict[str, Any]]] | None = None
"""The tree json_ld_strings last read, its objects, and those not in a list of other items."""


def json_ld_strings(tree: Any, key: str) -> list[str]:
    """The string values of `key` in the page's JSON-LD objects, in document order."""
    return [value for node in _page_objects(tree) if isinstance(value := node.get(key), str)]


def _page_objects(tree: Any, listed: bool = True) -> list[dict[str, Any]]:
    global _last_page
    if _last_page is None or _last_page[0]() is not tree:
        found = list(json_ld_objects(tree))
        _last_page = (weakref.ref(tree), [node for node, _ in found], [node for node, inside in found if not inside])
    return _last_page[1] if listed else _last_page[2]


def json_ld_typed_strings(tree: Any, key: str, listed: bool = True) -> list[tuple[str, str]]:
    """(the object's `@type`, its string value of `key`) for each object that has one, in document
    order; a list of types is joined with spaces ("NewsArticle Article"). Without `listed`, not the
    objects of an `ItemList`'s `itemListElement` (other stories)."""
    pairs = []
    for node in _page_objects(tree, listed):
        value = node.get(key)
        if isinstance(value, int) and not isinstance(value, bool):  # a Unix timestamp: 1772359800
            value = str(value)
        if isinstance(value, str):
            kind = node.get("@type")
            pairs.append((" ".join(map(str, kind)) if isinstance(kind, list) else str(kind or ""), value))
    return pairs
