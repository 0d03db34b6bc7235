"""A feed of very many elements made cheap for feedparser: what newsflow reads of it, as feedparser would read it.

Pure functions on the UTF-8 bytes `feedprep` made (stdlib, and `urls` through `feedrepeats`); `feeds.parse_feed`
runs `bounded_markup` after the newest items are kept and before feedparser sees a byte.

feedparser costs 10-20 microseconds of Python for every element, whatever it is (a handler call for each start and
end tag, and more for each piece of text): an Atom item whose `type="xhtml"` content held 9 MB of `<p>word
<b>x</b></p>` (900,000 elements) took 17 s of a parse worker, 100,000 `<enclosure/>`s in one item 2.5 s (7 MB);
at the 10 MB cap, elements of 4 bytes would take a minute. Red team 28 measured the class; the feed was a
`parse_error` at the parse limit every run, its new items never fetched.

In a feed of over `MANY_FEED_TAGS` `<` (the corpus's most is 3,796), three things change before feedparser:
- a text element newsflow reads (title, description, summary, content, content:encoded) whose content holds a tag
  (Atom's inline XHTML, or HTML a CMS pasted in unescaped) is handed over as one CDATA section, so the next step
  cannot touch its markup, `type="xhtml"` read as `type="html"`: one piece of text, whose words
  `feedentries.html_to_text` reads as it read feedparser's serialised XHTML;
- elements newsflow does not read and that hold no element (categories, enclosures, media thumbnails, links other
  than `rel="alternate"`, any extension's) are dropped, then the wrappers that held only them (three passes); if
  the feed still holds over MANY_FEED_TAGS `<`, the tags of every element newsflow does not read are dropped;
- the elements newsflow reads are capped before that (`feedrepeats`): a few of each name in each item, and, if the
  feed still holds over MANY_FEED_TAGS `<` after all this, no read element inside another and fewer still.
CDATA sections and comments are left as they are, but that in a feed of over `MANY_CDATA_SECTIONS` sections, each
run of them apart by white space at most is handed over as one, and in a feed of over `MANY_FEED_LINES` line
breaks, those of text elements, of unread elements' text (CDATA too) and of white space next to a tag are spaces
(red team 37b and its review), and in a feed of over `feedpieces.MANY_FEED_PIECES` `&` and `<!`, a text element
of text, sections, comments and XML's references is one section (red team 38). A feed under the bound is not
touched, but for a text element's content of over `MAX_TEXT_BYTES`, and, in a feed of over `MANY_FEED_ATTRIBUTES`
`=`, attributes newsflow does not read (red team 33b).
"""

from __future__ import annotations

import re

from newsflow.feedattributes import ReadAttributes
from newsflow.feedpieces import as_one_section, joinable, many_pieces
from newsflow.feedrepeats import (
    BY_LOCAL_NAME,
    KEPT_REPEATS,
    MANY_FEED_TAGS,
    NAME,
    READ,
    read_repeats_capped,
    read_repeats_capped_in_time,
    unnested_read_elements,
)

__all__ = ["KEPT_REPEATS", "MANY_FEED_TAGS", "MAX_TEXT_BYTES", "bounded_markup"]

LEAF_PASSES = 3
MAX_TEXT_BYTES = 1_000_000
"""Bytes of a text element's content handed to feedparser: as much as `feedentries.MAX_FIELD_HTML_CHARS` reads."""

_TEXT_ELEMENT_START = re.compile(
    rb"<((?:" + NAME + rb":)?(?:title|description|summary|content|encoded))(\s[^<>]*)?>", re.IGNORECASE)
_TEXT_SECTION = re.compile(rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))", re.DOTALL)
# `(?<!/)`: a self-closed leaf is not also its parent's end tag (`<x:c a="1"><x:c a="2"/></x:c>`, podcasts' categories)
_UNREAD_LEAF = re.compile(
    rb"<(?!" + READ + rb"[\s/>])(" + NAME + rb"(?::" + NAME + rb")?)(?:\s[^<>]*)?(?:/>|(?<!/)>[^<]*</\1\s*>)",
    re.IGNORECASE)
_UNREAD_TAG = re.compile(rb"</?(?!" + READ + rb"[\s/>])" + NAME + rb"(?::" + NAME + rb")?(?:\s[^<>]*)?/?>",
                         re.IGNORECASE)
_OTHER_LINK = re.compile(
    rb"<(?:" + NAME + rb":)?link\s[^<>]*?\brel\s*=\s*[\"'](?!alternate[\"'])[^\"'<>]*[\"'][^<>]*/>", re.IGNORECASE)
_XHTML_TYPE = re.compile(rb"""\btype\s*=\s*["'](?:xhtml|application/xhtml\+xml)["']""", re.IGNORECASE)
_MEDIA = re.compile(rb"^<\S*content\s[^<>]*\burl\s*=", re.IGNORECASE)
"""media:content (a `url`): not text, and feedparser takes an item's title from its media:title when it has none."""
_INNER_CDATA = re.compile(rb"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.DOTALL)


def bounded_markup(utf8: bytes, base_url: str = "https://feed.invalid/",
                   known_namespaces: frozenset[bytes] = frozenset()) -> bytes:
    """The feed with its text elements bounded (`_bounded_text`), and, when it holds over MANY_FEED_TAGS `<`, their
    markup as CDATA, the read elements past the kept ones and the elements newsflow does not read dropped; else the
    feed as it is. `base_url` (the feed's URL) tells which relative links resolve (`feedrepeats.used_value`);
    `known_namespaces` (lower-case URIs: `feeds` passes feedparser's) are those whose declarations a leaf keeps."""
    bounded = _tags_bounded(_cdata_runs_merged(utf8), base_url)
    return _unread_attributes_dropped(bounded, known_namespaces) if _many_attributes(bounded) else bounded


MANY_CDATA_SECTIONS = 10_000
"""CDATA sections in a feed above which each run of them, one after another or apart by white space only, is handed
over as one (red team 37b: 700 one-letter sections a description, 9.2 MB, cost 4.8x the normal feed, a handler call
and a pass's part each); a few hundred items of a title and a description each hold some thousand."""
_CDATA_RUN = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)(?:[ \t\r\n]*<!\[CDATA\[.*?\]\]>)*", re.DOTALL)
"""A comment (left whole), or CDATA sections apart by XML white space only: every `]]>` in a run ends a section, so
taking `]]>` and `<![CDATA[` out around the white space joins their texts as both parsers read them (white space
is the same characters as text or in a section). An unclosed section is no run's continuation (the loose parser
drops an unclosed section's text: it must not take the closed ones before it along)."""
_SECTIONS_BETWEEN = re.compile(rb"\]\]>([ \t\r\n]*)<!\[CDATA\[")
"""A section's end, white space, the next one's start: together (a section's text may hold `<![CDATA[`)."""


def _cdata_runs_merged(utf8: bytes) -> bytes:
    if utf8.count(b"<![CDATA[") <= MANY_CDATA_SECTIONS:
        return utf8
    return _CDATA_RUN.sub(_one_section, utf8)


def _one_section(found: re.Match[bytes]) -> bytes:
    text = found.group(0)
    if text.startswith(b"<!--"):
        return text
    merged = text.replace(b"]]><![CDATA[", b"")  # the common case, some 3 times cheaper than the pattern
    if merged.count(b"]]>") > 1:
        merged = _SECTIONS_BETWEEN.sub(rb"\1", merged)
    # a `]]>` still inside is the characters' own, held by `]]]]><![CDATA[>` (review of red team 38): the run as it is
    return merged if merged.count(b"]]>") <= 1 else text


MANY_FEED_LINES = 50_000
"""Line breaks in a feed above which a text element's become spaces: expat hands text over a line at a time, a
feedparser handler call each (red team 37b: 1,000 descriptions of 4,750 lines, 9.6 MB, cost 19x the normal feed),
and newsflow reads titles and summaries with their white space collapsed. The corpus's most: 3,122."""


def _tags_bounded(utf8: bytes, base_url: str) -> bytes:
    many = utf8.count(b"<") > MANY_FEED_TAGS
    lines = utf8.count(b"\n") + utf8.count(b"\r") > MANY_FEED_LINES
    joined = many_pieces(utf8)
    if not many and not lines and not joined and len(utf8) <= MAX_TEXT_BYTES:
        return utf8
    bounded = _text_elements_bounded(utf8, many, lines, joined)
    if many:
        bounded = _read_elements_capped(bounded, base_url)
    # after the cap (review of red team 37b: before it, a Python call for each of 700,000 unread leaves)
    return _unread_leaves_on_one_line(bounded) if lines else bounded


def _read_elements_capped(bounded: bytes, base_url: str) -> bytes:
    capped = _without_unread_leaves(read_repeats_capped_in_time(bounded, base_url))
    if _markup_tags(capped) <= MANY_FEED_TAGS:
        return capped
    # still past the bound with only read elements left (red team 32): read elements nested in one another, or
    # repeats spread over items, names and kinds; none holds another, and each item keeps a few of each read name
    return read_repeats_capped(unnested_read_elements(capped), base_url, tight=BY_LOCAL_NAME)


MANY_FEED_ATTRIBUTES = 50_000
"""`=` in a feed (after the tags' bound) above which its elements keep only the attributes feedparser reads for
newsflow (`feedattributes.READ_ATTRIBUTE`): 23 times the corpus's most (2,189 attributes, TechCrunch's); feedparser
costs some 1.4 microseconds of Python an attribute, so 49,500 elements of 38 each (9.6 MB, under the tags' bound)
took 2.7 s."""
_TAG_ATTRIBUTES = re.compile(rb"<[^\s<>!?/][^\s<>]*(\s[^<>]*)>")
_ATTRIBUTE_OF_TAG = re.compile(rb"""[^\s/>="']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")
"""An attribute, with or without a value: a value's words are its own (review: they were counted one each)."""


def _many_attributes(utf8: bytes) -> bool:
    """Over MANY_FEED_ATTRIBUTES `=`, or as many attributes without values (`<x a b c/>`, red team 35b: 49,500
    elements of 38 were the loose parser's, 2.2 s): counted as names inside the tags, each with its value if any (an
    attribute and its space are at least 2 bytes, so a smaller feed holds too few; CDATA's markup counts too, which
    at worst runs the pass on a feed that did not need it)."""
    if utf8.count(b"=") > MANY_FEED_ATTRIBUTES:
        return True
    if len(utf8) <= 2 * MANY_FEED_ATTRIBUTES:
        return False
    counted = start = 0
    while start < len(utf8):  # a part at a time, each ending after a `>` (no tag split): the shape passes in its first
        end = utf8.find(b">", start + _COUNTED_BYTES) + 1 or len(utf8)
        counted += _ATTRIBUTE_OF_TAG.subn(b"", b"".join(_TAG_ATTRIBUTES.findall(utf8, start, end)))[1]
        if counted > MANY_FEED_ATTRIBUTES:
            return True
        start = end
    return False


_COUNTED_BYTES = 200_000
"""Review: counted whole, 49,500 elements of 38 attributes without values cost 0.19 s before the count said yes
(0.37 s once a value counted as one attribute); 200 KB hold at most 100,000 attributes."""


_ATTRIBUTES = rb"""(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"]*"|'[^']*'))+"""
_UNREAD_ATTRIBUTES = re.compile(
    rb"<(?!" + READ + rb"[\s/>])(" + NAME + rb"(?::" + NAME + rb")?)(?![^<>]*(?:xmlns|xml:base))"
    + _ATTRIBUTES + rb"\s*(/?)>",
    re.IGNORECASE)
"""An unread element's start tag with attributes (none of them a namespace declaration or an `xml:base` its children
may need: feedparser resolves their links against it, review of red team 33b)."""
_ATTRIBUTES_ONLY = re.compile(rb"(?:" + _ATTRIBUTES + rb")?\s*")
_TAG_OF_ATTRIBUTES = re.compile(rb"(<" + NAME + rb"(?::" + NAME + rb")?)(" + _ATTRIBUTES + rb")(\s*/?>)")
"""Once the unread elements' attributes went: a read element's start tag, or an unread one declaring a namespace or
a base."""



def _unread_attributes_dropped(utf8: bytes, known_namespaces: frozenset[bytes]) -> bytes:
    """Outside CDATA and comments, each unread element's well-formed start tag without its attributes (one
    substitution, no Python step a tag) and each read element's, or one declaring a namespace, with only those
    newsflow reads (a Python step a tag: at most MANY_FEED_TAGS of them, as the tags' bound ran first). A tag whose
    attributes are ill-formed is left as it is (the loose parser reads it its own way)."""
    parts = _TEXT_SECTION.split(utf8)
    read = ReadAttributes(known_namespaces)
    parts[::2] = [_TAG_OF_ATTRIBUTES.sub(read.only, _UNREAD_ATTRIBUTES.sub(rb"<\1\2>", part)) for part in parts[::2]]
    loose = _LooseTags()
    parts[::2] = [_LOOSE_TAG.sub(loose.bounded, part) for part in parts[::2]]
    return b"".join(parts)


_LOOSE_TAG = re.compile(rb"(<" + NAME + rb"(?::" + NAME + rb")?)(\s[^<>]*?)(/?>)")
"""A start tag with attributes left after the well-formed passes: its attributes are ill-formed (unquoted, no value,
no space between them), or those kept. Its end is the first `>`, as the loose parser that reads such a feed takes it."""
_LOOSE_READ_ATTRIBUTE = re.compile(
    rb"""\s((?:xmlns(?::[^\s=]+)?|xml:[^\s=]+|rdf:[^\s=]+|href|rel|type|url|src|mode|isPermaLink|version|base|"""
    rb"""lastmod)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))""", re.IGNORECASE)


class _LooseTags:
    """Review of red team 33b: one unquoted attribute a tag left it whole, and feedparser's loose parser, which then
    reads the whole feed, costs more an attribute than the strict one (49,500 elements of 38 unquoted attributes:
    3.5 s). The first ill-formed tag is kept as it is, so the feed stays the loose parser's (and its bozo reason);
    each later one keeps only the attributes newsflow reads, quoted or not (a Python step a tag: at most
    MANY_FEED_TAGS)."""

    def __init__(self) -> None:
        self.first_seen = False

    def bounded(self, tag: re.Match[bytes]) -> bytes:
        attributes = tag.group(2)
        if _ATTRIBUTES_ONLY.fullmatch(attributes) or attributes.count(b'"') % 2 or attributes.count(b"'") % 2:
            return tag.group(0)  # well-formed (what the passes before kept), or its first `>` may be quoted
        if not self.first_seen:
            self.first_seen = True
            return tag.group(0)
        kept = b"".join(b" " + found.group(1) for found in _LOOSE_READ_ATTRIBUTE.finditer(attributes))
        return tag.group(1) + kept + tag.group(3)


def _markup_tags(utf8: bytes) -> int:
    """Elements' tags outside CDATA and comments: processing instructions and declarations are none (60,000 `<?x?>`
    sent a feed to the unnesting and the cap merging prefixes, review of red team 32)."""
    parts = _TEXT_SECTION.split(utf8)[::2]
    return sum(part.count(b"<") - part.count(b"<?") - part.count(b"<!") for part in parts)


def _text_elements_bounded(utf8: bytes, many: bool, lines: bool = False, joined: bool = False) -> bytes:
    """Each text element's content bounded; one pass: the search for an element's end tag starts after the last
    element's end (a text element inside another is the outer one's content), and a name whose end tag is missing
    is not looked for again (100,000 unclosed `<title>`s would otherwise each be searched to the end)."""
    pieces: list[bytes] = []
    position = passed = 0
    unclosed: set[bytes] = set()
    for start in _TEXT_ELEMENT_START.finditer(utf8):
        name = start.group(1)
        if start.start() < passed or name in unclosed or start.group(0).endswith(b"/>"):
            continue
        if _MEDIA.search(start.group(0)):
            continue
        close = utf8.find(b"</" + name, start.end())
        if close < 0:
            unclosed.add(name)
            continue
        passed, inner, tag = close, utf8[start.end():close], start.group(0)
        if many and b"<" in _TEXT_SECTION.sub(b"", inner):
            xhtml = _XHTML_TYPE.search(tag) is not None
            inner, tag = _cdata(inner if xhtml else _lead_decoded(inner)), _XHTML_TYPE.sub(b'type="html"', tag)
        elif joined and joinable(tag) and (section := as_one_section(inner)) is not None:
            inner = section  # red team 38: a handler call a reference or section, one for the whole
        elif len(inner) <= MAX_TEXT_BYTES and not (lines and (b"\n" in inner or b"\r" in inner)):
            continue
        inner = _bounded_text(inner)
        pieces += [utf8[position:start.start()], tag, _on_one_line(inner) if lines else inner]
        position = close
    return b"".join([*pieces, utf8[position:]])


def _on_one_line(inner: bytes) -> bytes:
    return inner.replace(b"\r", b" ").replace(b"\n", b" ")


def _unread_leaves_on_one_line(utf8: bytes) -> bytes:
    """The text of each element newsflow does not read on one line (an extension's 4,750 lines in 1,000 items cost
    30x the normal feed); its start tag as it is (an `xml:base` there is read), CDATA and comments untouched. White
    space holding a line break next to a tag is a space (review: 9,000 line breaks ending each item's `<guid>`, or
    between two elements, cost 30x): feedparser strips what it reads of a leaf, and reads none between elements."""
    parts = _TEXT_SECTION.split(_UNREAD_TEXT_LEAF.sub(_leaf_on_one_line, utf8))
    parts[::2] = [_LINES_AT_TAG.sub(b" ", part) for part in parts[::2]]
    return b"".join(parts)


_UNREAD_TEXT_LEAF = re.compile(
    rb"(?:<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|[^<]++)++"  # text not in an unread leaf, kept: one call a run
    rb"|(<(?!" + READ + rb"[\s/>])(" + NAME + rb"(?::" + NAME + rb")?)(?:\s[^<>]*)?(?<!/)>)"  # 1: the start tag
    rb"(?:[^<]++|<!\[CDATA\[.*?\]\]>)*+</\2\s*>",
    re.DOTALL | re.IGNORECASE)
"""An element newsflow does not read holding text only, CDATA sections too (review: 1,000 `<x:note>`s of 4,750 lines
in a section cost 30x the normal feed), outside CDATA and comments."""


_LINES_AT_TAG = re.compile(
    rb"(?<=[\w\"'/]>)[ \t]*+[\r\n][ \t\r\n]*+|(?<![ \t\r\n])[ \t]*+[\r\n][ \t\r\n]*+(?=<)")
"""White space with a line break after a tag's end (a name, a quote or `/` before the `>`: a `>` in text follows a
space more often) or before a tag. Tried from a run's start only, possessively: each run is scanned once."""


def _leaf_on_one_line(leaf: re.Match[bytes]) -> bytes:
    element, start_tag = leaf.group(0, 1)
    return element if start_tag is None else start_tag + _on_one_line(element[len(start_tag):])


def _bounded_text(inner: bytes) -> bytes:
    """A text element's content cut to its first MAX_TEXT_BYTES when it is text alone or one CDATA section (a cut
    elsewhere would break its markup): feedparser hands text over in pieces, one for each entity, so 9 MB of
    escaped HTML took 2.6 s (4.8 s when the feed is ill-formed and read again by the loose parser). The cut is at
    a character, before an entity it would split, and a cut CDATA section is closed. `feedentries.html_to_text`
    reads no further."""
    if len(inner) <= MAX_TEXT_BYTES:
        return inner
    section = inner.lstrip()
    if b"<" not in inner:
        return _whole_characters(inner[:MAX_TEXT_BYTES], entities=True)
    if section.startswith(b"<![CDATA[") and section.count(b"<![CDATA[") == 1 and b"]]>" not in section[:MAX_TEXT_BYTES]:
        return _whole_characters(section[:MAX_TEXT_BYTES], entities=False) + b"]]>"
    return inner


def _whole_characters(cut: bytes, *, entities: bool) -> bytes:
    """`cut` without a UTF-8 character or (in text) an entity reference that the cut split."""
    end = len(cut)
    while end and 0x80 <= cut[end - 1] < 0xC0:  # continuation bytes
        end -= 1
    if end and cut[end - 1] >= 0xC0:  # the lead byte of the split character
        end -= 1
    ampersand = cut.rfind(b"&", 0, end) if entities else -1
    if ampersand >= 0 and cut.find(b";", ampersand, end) < 0:
        end = ampersand
    return cut[:end]


def _cdata(markup: bytes) -> bytes:
    """Markup as one CDATA section. A section inside it is text (its `<b>` is not a tag, as feedparser reads it):
    it goes in escaped; a `]]>` left in the markup is split over two sections, so it cannot end this one."""
    opened = _INNER_CDATA.sub(lambda section: _escaped(section.group(1)), markup)
    return b"<![CDATA[" + opened.replace(b"]]>", b"]]]]><![CDATA[>") + b"]]>"


_XML_REFERENCE = re.compile(rb"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_XML_ENTITIES = {b"lt": b"<", b"gt": b">", b"amp": b"&", b"quot": b'"', b"apos": b"'"}


def _lead_decoded(markup: bytes) -> bytes:
    """The markup with the XML references of its text before the first tag decoded, as feedparser hands that text
    over (red team 33b: `&amp;lt;p&amp;gt;` there is the HTML `&lt;p&gt;` to it, and was `&amp;lt;p&amp;gt;` in the
    CDATA section, its summary the escaped words); after the first tag feedparser escapes text again, as CDATA keeps
    it. Not for XHTML, whose text feedparser escapes throughout."""
    first_tag = markup.find(b"<")
    return _XML_REFERENCE.sub(_xml_character, markup[:first_tag]) + markup[first_tag:]


def _xml_character(reference: re.Match[bytes]) -> bytes:
    name, decimal, hexadecimal = reference.groups()
    if name is not None:
        return _XML_ENTITIES[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    return chr(code).encode("utf-8", "replace") if 0 < code < 0x110000 else reference.group(0)


def _escaped(text: bytes) -> bytes:
    return text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def _without_unread_leaves(utf8: bytes) -> bytes:
    """Unread leaves dropped, three passes; if the markup still holds over MANY_FEED_TAGS `<` (unread elements
    nested thousands deep: 100,000 in one item took 2.3 s), the tags of every element newsflow does not read go
    too, their text left where it was (feedparser keeps no text of an item's or a channel's own)."""
    parts = _TEXT_SECTION.split(utf8)  # markup at even indices, CDATA sections and comments at odd ones
    for index in range(0, len(parts), 2):
        markup = _OTHER_LINK.sub(b"", parts[index])
        for _ in range(LEAF_PASSES):
            markup, dropped = _UNREAD_LEAF.subn(b"", markup)
            if not dropped:
                break
        parts[index] = markup
    if sum(part.count(b"<") for part in parts[::2]) <= MANY_FEED_TAGS:
        return b"".join(parts)
    markup = b"".join(parts)
    lowered = markup.lower()  # a `find` is some 20 times cheaper than the pattern's scan (0.23 s of 9.5 MB)
    if any(name in lowered for name in (b"source", b"image", b"textinput")):
        markup = _SCOPED.sub(_text_or_nothing, markup)
    parts = _TEXT_SECTION.split(markup)
    parts[::2] = [_UNREAD_TAG.sub(b"", part) for part in parts[::2]]
    return b"".join(parts)


_SCOPED_NAME = rb"(?:" + NAME + rb":)?(?:source|image|textinput)"
_SCOPED = re.compile(
    rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))"  # 1: text, kept
    rb"|<(" + _SCOPED_NAME + rb")(?:\s[^<>]*)?(?<!/)>"  # 2: an Atom source, an RSS image or textInput
    rb"(?:[^<]++|<!\[CDATA\[.*?\]\]>|<!--.*?-->|<(?!/?" + _SCOPED_NAME + rb"[\s/>]))*+</\2\s*>",
    re.DOTALL | re.IGNORECASE)
"""Elements whose read elements feedparser files apart (`entry.source`, `feed.image`): with their tags gone, an Atom
source's `<id>` and `<title>` were its entry's own (red team 33b: the entry's key became its source's), so they go
whole when every unread tag does. One pass: the inside stops at any other start or end tag of these names."""


def _text_or_nothing(found: re.Match[bytes]) -> bytes:
    return found.group(1) or b""
