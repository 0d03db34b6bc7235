"""Past the attributes' bound (`feedbounds.MANY_FEED_ATTRIBUTES`), the attributes a start tag keeps: those feedparser
reads for newsflow, and of a leaf's namespace declarations only those that can name something (red team 35b and its
review).

Pure functions and one class (stdlib); `feedbounds._unread_attributes_dropped` runs `ReadAttributes.only` on each
read element's start tag, and each unread one declaring a namespace or a base, in the feed's order.
"""

from __future__ import annotations

import re
from typing import Any

READ_ATTRIBUTE = re.compile(
    rb"""\s+((?:xmlns(?::[^\s=]+)?|xml:[^\s=]+|rdf:[^\s=]+|href|rel|type|url|src|mode|isPermaLink|version|base|"""
    rb"""lastmod)\s*=\s*(?:"[^"]*"|'[^']*'))""", re.IGNORECASE)
"""What feedparser reads of a read element for newsflow: a link's address, relation and type, a content's type and
mode (Atom 0.3's base64), a guid's isPermaLink, the root's version, namespaces, xml:base and RDF's about, CDF's
base and date (`lastmod`)."""


class ReadAttributes:
    """A read element's start tag, or an unread one declaring a namespace, with only the attributes newsflow reads;
    a leaf's declarations without those its name and kept attributes use (red team 35b), but for one of a namespace
    feedparser knows (`known`) that changes what the prefix names: feedparser tracks every declaration for the rest
    of the feed, so its loose parser reads a later `d:date` by a leaf's `xmlns:d` (review). Tags go in the feed's
    order (one `sub` a part, the parts in order). A declaration of a namespace feedparser does not know changes no
    name it gives; those go in one `sub` a tag."""

    def __init__(self, known: frozenset[bytes]) -> None:
        uri = rb"(?:" + _one_of(known) + rb")"
        uri = rb"(?:" + uri + rb"|[^\"']*backend\.userland\.com/rss[^\"']*)"  # feedparser's one namespace for those
        self.known = re.compile(rb"""\s+xmlns:([^\s=]+)\s*=\s*(["'])(""" + uri + rb")\2", re.IGNORECASE)
        self.uri = uri
        self.unknown = re.compile(rb"\s+xmlns:([^\s=]+)" + self._unknown_uri(rb"\2"), re.IGNORECASE)
        self.unused: dict[frozenset[bytes], re.Pattern[bytes]] = {}  # a leaf's prefixes: its other unknown ones
        self.declared: dict[bytes, bytes] = {}  # a prefix's known URI in its last kept declaration

    def only(self, tag: re.Match[bytes]) -> bytes:
        kept = b"".join(found.group(0) for found in READ_ATTRIBUTE.finditer(tag.group(2)))  # spacing: bozo lines
        if _ANY_DECLARATION.search(kept) is None:
            return tag.group(1) + kept + tag.group(3)
        used = None
        if _is_leaf(tag):
            used = {tag.group(1)[1:].partition(b":")[0] if b":" in tag.group(1) else b""}
            used.update(_PREFIXED.findall(kept))
            unused = self._unused_unknown(frozenset(used))
            kept = (unused.sub(b"", kept) if unused is not None else
                    self.unknown.sub(lambda declared: declared.group(0) if declared.group(1) in used else b"", kept))
        if self.known.search(kept) is not None:
            kept = self.known.sub(lambda declared: self._known_kept(declared, used), kept)
        return tag.group(1) + kept + tag.group(3)

    def _unused_unknown(self, used: frozenset[bytes]) -> re.Pattern[bytes] | None:
        """The declarations of unknown namespaces but those of `used` prefixes, one pattern a set; None past
        MAX_PREFIX_SETS sets (the caller's sub calls Python a declaration, some 1.5 times slower)."""
        if used not in self.unused:
            if len(self.unused) >= MAX_PREFIX_SETS:
                return None
            names = b"|".join(re.escape(name) for name in sorted(used) if name)
            others = rb"(?!(?:" + names + rb")\s*=)" if names else b""
            self.unused[used] = re.compile(rb"\s+xmlns:" + others + rb"[^\s=]+" + self._unknown_uri(rb"\1"),
                                           re.IGNORECASE)
        return self.unused[used]

    def _unknown_uri(self, quote: bytes) -> bytes:
        """`="…"` of a namespace feedparser does not know, `quote` the reference to its opening quote's group."""
        return rb"""\s*=\s*(["'])(?!""" + self.uri + quote + rb""")[^"']*""" + quote

    def _known_kept(self, declared: re.Match[bytes], used: set[bytes] | None) -> bytes:
        prefix, uri = declared.group(1), declared.group(3).lower()
        if used is not None and prefix not in used and self.declared.get(prefix) == uri:
            return b""  # the prefix names that namespace already
        self.declared[prefix] = uri
        return declared.group(0)


def _one_of(words: frozenset[bytes]) -> bytes:
    """A pattern of any of `words`, as a trie: an alternation of 66 URIs tried each against every declaration
    (review: 15,500 leaves of 38 declarations, 0.25 s more)."""
    root: dict[int, Any] = {}
    for word in words:
        node = root
        for byte in word:
            node = node.setdefault(byte, {})
        node[_END] = {}
    return _branches(root)


_END = -1


def _branches(node: dict[int, Any]) -> bytes:
    branches = [re.escape(bytes([byte])) + _branches(child) for byte, child in sorted(node.items()) if byte != _END]
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")" if branches else b""
    return b"(?:" + body + b")?" if _END in node and body else body


MAX_PREFIX_SETS = 16
"""Sets of prefixes leaves use, each a compiled pattern (some 3 ms with feedparser's namespaces in it): a feed of
leaves of thousands of prefixes would otherwise compile one each."""
_ANY_DECLARATION = re.compile(rb"\sxmlns:", re.IGNORECASE)
_PREFIXED = re.compile(rb"\s(?!xmlns:)([^\s=:]+):", re.IGNORECASE)


def _is_leaf(tag: re.Match[bytes]) -> bool:
    """An element holding no element (self-closed, or its end tag the next tag): the namespaces it declares serve
    only its own name and attributes (red team 35b: 15,500 elements of 38 unused declarations each, 9.5 MB, cost
    1.5 s; feedparser tracks each declaration). A leaf's end tag after a CDATA section is not seen: it keeps them."""
    if tag.group(3).endswith(b"/>"):
        return True
    markup = tag.string
    following = markup.find(b"<", tag.end())
    return following >= 0 and markup.startswith(b"</", following)
