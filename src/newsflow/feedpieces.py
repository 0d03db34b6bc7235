"""A text element's content of many pieces handed to feedparser as one CDATA section (red team 38).

Pure functions on the UTF-8 bytes `feedbounds` bounds (stdlib only). expat hands a text element's content over a
piece at a time, a feedparser handler call each: every entity or character reference is a piece, and so is each
CDATA section and each run of text between them, so 1,000 descriptions of `ab&amp;` repeated (9.6 MB) cost 4.5x a
normal feed of the same bytes, and CDATA sections apart by a letter or an empty comment 5-7x (red teams 36b-37b).

A content made of text, CDATA sections and comments only, whose references are XML's own (`&amp;`, `&lt;`, `&gt;`,
`&quot;`, `&apos;`) or numeric ones to characters XML allows, reads the same as one CDATA section of its characters
in both of feedparser's parsers: the strict one hands the same characters over (comments are none), the loose one
escapes a section's `&`, `<` and `>` and decodes them again in a text element, as it decodes references there
(`LooseXMLParser.decode_entities`), and drops comments (`handle_comment`). Any other reference (`&eacute;`: the loose
parser reads it, the strict one raises) or a tag leaves the content as it is, as do a type neither text nor HTML
(`joinable`), a raw `]]>` and a content mostly of splits (`_SPLITS`; review of red team 38).
"""

from __future__ import annotations

import re

__all__ = ["MANY_FEED_PIECES", "as_one_section", "joinable", "many_pieces"]

MANY_FEED_PIECES = 20_000
"""`&` and `<!` in a feed above which its text elements' contents go over as one section: twice the corpus's
most (9,601 `&`, miniflux's large Atom feed). At 50,000, a 600 KB feed of sections apart by empty comments (30,000)
stayed under it at 5.6x the plain feed (the cost property, seed 7)."""

_CONTENT = re.compile(
    rb"(?:<!\[CDATA\[.*?\]\]>|<!--.*?-->|[^<&\]]++|\](?!\]>)|&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)*+",
    re.DOTALL)
_SECTION = re.compile(rb"<!\[CDATA\[(.*?)\]\]>|<!--.*?-->", re.DOTALL)
"""Split on it: text at even indices, a section's characters (None for a comment) at odd ones."""
_SPLITS = (b"]]>", b"/>", b"<!", b"&#")
"""Characters a section is split between: `]]>` ends it, and the loose parser rewrites `/>` (`<x/>` is `<x></x>`),
`<!` and `&#39;`/`&#34;` in the raw document, sections too, where the references they came from are not (review of
red team 38: `&amp;#39;` read `'`, `&lt;x/&gt;` `<x></x>` in an XHTML content); a section each, none of them raw."""
_SPLIT_COST = 4
"""A split costs some four pieces (`a]]&gt;` repeated: 16x the plain feed as sections, 7x as it is; review of red team
38): a content of fewer than this many pieces a split is left as it is."""
_NUMERIC = re.compile(rb"&#(x?)([0-9a-fA-F]+);")
_FEW_CHARACTERS = 32
"""Distinct numeric references in a run of text below which each is replaced whole (a pass each, no Python call a
reference): a description of `&#233;` uses one or a few."""


_TYPE = re.compile(rb"""\b(type|mode)\s*=\s*["']\s*([^"']*)["']""", re.IGNORECASE)
_TEXT_TYPE = re.compile(rb"text|html|plain|text/.*(?<!xml)", re.IGNORECASE | re.DOTALL)
"""The types a content is joined in. feedparser decodes one neither text nor XML as base64 (the loose parser from its
references as they are: `&apos;` is not `'`, review of red team 38), and an XML one's (XHTML's too) references the
loose parser leaves (`&quot;` and a section's `"` differ); an Atom 0.3 `mode` may be base64."""


def joinable(start_tag: bytes) -> bool:
    """Whether a text element of this start tag may be handed over as one section: no type, or a text one."""
    return all(name.lower() == b"type" and _TEXT_TYPE.fullmatch(value.strip())
               for name, value in _TYPE.findall(start_tag))


def many_pieces(utf8: bytes) -> bool:
    """`&`, sections and comments (`x<!---->` repeated, a piece each, cost 6-9x: review of red team 38)."""
    return utf8.count(b"&") + utf8.count(b"<!") > MANY_FEED_PIECES


def as_one_section(inner: bytes) -> bytes | None:
    """`inner` as one CDATA section (split where `_SPLITS` says), or None when it is not text,
    sections and comments with XML's references only (a raw `]]>`, which makes the feed ill-formed, is not text here),
    or has nothing to join."""
    if (b"&" not in inner and inner.count(b"<!") < 2) or not _CONTENT.fullmatch(inner):
        return None
    if b"\0" in inner:  # no XML character; the texts are decoded together apart by it
        return None
    parts = _SECTION.split(inner)
    try:  # one pass for all the texts (a Python call a text cost 12 microseconds a section)
        parts[::2] = _decoded(b"\0".join(parts[::2])).split(b"\0")
    except ValueError:  # a reference to a character XML does not allow: the strict parser raises on it
        return None
    characters = b"".join(part for part in parts if part)
    # counted before any is split (red team 39b: the substitution's template, a Python call a split, cost 12x the
    # plain feed on `]]&gt;` repeated, only to be refused); the four never overlap, so the counts are the pattern's
    if sum(map(characters.count, _SPLITS)) * _SPLIT_COST >= inner.count(b"&") + inner.count(b"<!"):
        return None  # no cheaper than the pieces as they are
    for split in _SPLITS:  # NUL is no character here (above): it marks each split, then becomes one
        characters = characters.replace(split, split[:-1] + b"\0" + split[-1:])
    return b"<![CDATA[" + characters.replace(b"\0", b"]]><![CDATA[") + b"]]>"


def _decoded(text: bytes) -> bytes:
    if b"&#" in text:
        references = set(_NUMERIC.findall(text))
        if len(references) < _FEW_CHARACTERS:
            for hexadecimal, digits in references:
                text = text.replace(b"&#" + hexadecimal + digits + b";", _character(hexadecimal, digits))
        else:
            text = _NUMERIC.sub(lambda found: _character(*found.groups()), text)
    for name, character in _NAMED:
        text = text.replace(name, character)
    return text


_NAMED = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"), (b"&amp;", b"&"))
"""`&amp;` last: `&amp;lt;` is the characters `&lt;`."""


def _character(hexadecimal: bytes, digits: bytes) -> bytes:
    code = int(digits, 16) if hexadecimal else int(digits)
    if not _allowed(code):
        raise ValueError(code)
    return b"&amp;" if code == 0x26 else chr(code).encode("utf-8")  # `&#38;lt;` is `&lt;`: `&amp;` goes last


def _allowed(code: int) -> bool:
    """XML 1.0's Char, but `\\r`: a reference keeps it, a section's line ends are read as `\\n`."""
    return code in (0x9, 0xA) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
