"""feedparser's `xml:base` scoping, mended (feedparser 6.0.14; `feeds` passes the module in: it alone imports it).

feedparser keeps a stack of bases, one pushed at each start tag and popped at its end tag, and resolves links and
GUIDs against the top one. Three ways its stack outlived an element, each sending the links and GUIDs of every
later item to the site one item's `xml:base` named (red team 40b and its review): a parent's empty base (newsflow
parses with none) was not restored; a `div` in content declared escaped is never popped; an HTML void element
left open in an ill-formed feed is never closed. Each patch leaves a feedparser without the part it wraps as it is.
"""

from __future__ import annotations

from typing import Any


def scope_xml_bases(feedparser: Any) -> None:
    """Mend `feedparser`'s classes (once per process)."""
    _scoped_end_tags(feedparser)
    _scoped_items(feedparser)


def _scoped_end_tags(feedparser: Any) -> None:
    """An element's `xml:base` ends with it. feedparser restores the parent's base at an end tag
    only when it is not empty, and newsflow parses with no base (a Content-Location would make GUIDs URLs), so one
    item's `xml:base` was the base of every item after it: their links and GUIDs went to another site (red team
    40b). Its end tag of a `div` in content declared escaped returns before popping the base its start tag pushed
    (its TypePad case), which kept the item's base for the items after it, base or none above (review of red team
    40b): that pop is done here. A feedparser without `unknown_endtag` is left as it is."""
    mixin = getattr(getattr(feedparser, "mixin", None), "_FeedParserMixin", None)
    end_tag = getattr(mixin, "unknown_endtag", None)
    if end_tag is None or getattr(end_tag, "scoped", False):
        return

    def scoped(parser: Any, tag: Any) -> None:
        depth = len(parser.basestack)
        end_tag(parser, tag)
        if depth and len(parser.basestack) == depth:  # returned before its scope's end
            parser.basestack.pop()
        if parser.basestack and len(parser.basestack) < depth:  # the element's base popped: its parent's again
            parser.baseuri = parser.basestack[-1]

    scoped.scoped = True  # type: ignore[attr-defined]
    setattr(mixin, "unknown_endtag", scoped)  # noqa: B010 (typed as its own function)


def _scoped_items(feedparser: Any) -> None:
    """An item's end ends every base pushed inside it: an HTML void element left open in an
    ill-formed feed (`<br>`, `<img>`: the loose parser) pushes a base no end tag pops, so the item's own end popped
    that one and its base stayed for the items after it (review of red team 40b). O(1) an item."""
    namespace = getattr(getattr(getattr(feedparser, "namespaces", None), "_base", None), "Namespace", None)
    start, end = getattr(namespace, "_start_item", None), getattr(namespace, "_end_item", None)
    if start is None or end is None or getattr(end, "scoped", False):
        return

    def started(parser: Any, attrs: Any) -> Any:
        parser.__dict__.setdefault("item_base_depths", []).append(len(parser.basestack))  # its own base on top
        return start(parser, attrs)

    def ended(parser: Any) -> Any:
        if depths := parser.__dict__.get("item_base_depths"):
            del parser.basestack[depths.pop():]  # feedparser's end tag then pops the item's own
        return end(parser)

    ended.scoped = True  # type: ignore[attr-defined]
    for name, wrapped in (("_start_item", started), ("_start_entry", started), ("_end_item", ended),
                          ("_end_entry", ended)):
        setattr(namespace, name, wrapped)
