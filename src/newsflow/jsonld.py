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


def json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks, depth first, `@graph` members included."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            document = json.loads(_CDATA.sub("", script.text))
        except ValueError:
            continue
        stack = [document]
        while stack:  # depth first, in document order: the values are pushed in reverse
            current = stack.pop()
            if isinstance(current, dict):
                yield current
                stack.extend(reversed(list(current.values())))
            elif isinstance(current, list):
                stack.extend(reversed(current))


_last_page: tuple[weakref.ref[Any], list[dict[str, Any]]] | None = None
"""The tree json_ld_strings last read, and its objects."""


def json_ld_strings(tree: Any, key: str) -> list[str]:
    """The string values of `key` in the page's JSON-LD objects, in document order."""
    return [value for node in _page_objects(tree) if isinstance(value := node.get(key), str)]


def _page_objects(tree: Any) -> list[dict[str, Any]]:
    global _last_page
    if _last_page is not None and _last_page[0]() is tree:
        return _last_page[1]
    objects = list(json_ld_objects(tree))
    _last_page = (weakref.ref(tree), objects)
    return objects


def json_ld_typed_strings(tree: Any, key: str) -> list[tuple[str, str]]:
    """(the object's `@type`, its string value of `key`) for each object that has one, in document
    order; a list of types is joined with spaces ("NewsArticle Article")."""
    pairs = []
    for node in _page_objects(tree):
        value = node.get(key)
        if isinstance(value, int) and not isinstance(value, bool):  # a Unix timestamp: 1772359800
            value = str(value)
        if isinstance(value, str):
            kind = node.get("@type")
            pairs.append((" ".join(map(str, kind)) if isinstance(kind, list) else str(kind or ""), value))
    return pairs
