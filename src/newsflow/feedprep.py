"""Feed bytes made safe for feedparser: unpacked, transcoded, and without DOCTYPE.

Pure functions, stdlib only (and feedentries' date bounds); `feeds.parse_feed` runs them before
feedparser sees a byte. A feed of very many items is cut to its newest first (`keep_newest_items`).

Why DOCTYPE goes: feedparser 6.0.14 refuses billion laughs and does not read external
entities, but when its strict parser rejects a document, its loose parser expands a large
internal entity referenced many times (measured: a 40 KB feed became a 60-million-character
title, 190 MB allocated). With no DOCTYPE there are no entities to expand or fetch.
`neutralize_doctype` works on the UTF-8 that feedparser's own encoding detection produced,
so the scan sees exactly the characters the parsers will see, whatever the original charset.
"""

from __future__ import annotations

import bisect
import calendar
import codecs
import re
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from newsflow.codeclabels import names_no_charset
from newsflow.datechecks import AHEAD, EARLIEST

# A gzip body that the HTTP layer did not decode is unpacked up to the fetch cap.
MAX_GUNZIPPED_BYTES = 10_000_000
# A feed of more items than this has its newest kept before feedparser sees it (`keep_newest_items`):
# feedparser takes about 0.85 ms an item here, so 20,000 small items (2.9 MB) took 17 s.
PRECUT_ITEMS = 1000
_ITEM_START = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?(?:item|entry))[\s>/]")
_ITEM_DATE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:pubDate|published|updated|date|issued|modified)(?:\s[^>]*)?>\s*([^<]{4,100}?)\s*<")

_ELEMENT_START = re.compile(r"<[A-Za-z0-9_]")  # what feedparser takes for the end of the prolog
_DECLARATION_TOKEN = re.compile(r"\"[^\"]*\"?|'[^']*'?|<!--.*?(?:-->|\Z)|[\[\]>]", re.DOTALL)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Byte order marks, then `<` alone; UTF-32 first, as its little-endian BOM starts like UTF-16's.
_WIDE_ENCODINGS = (
    ((codecs.BOM_UTF32_LE, b"<\x00\x00\x00"), "utf-32-le"),
    ((codecs.BOM_UTF32_BE, b"\x00\x00\x00<"), "utf-32-be"),
    ((codecs.BOM_UTF16_LE, b"<\x00"), "utf-16-le"),
    ((codecs.BOM_UTF16_BE, b"\x00<"), "utf-16-be"),
)


def gunzip_if_gzip(body: bytes) -> bytes:
    """The unpacked body when it is gzip data; ValueError when broken or bigger than the cap."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        unpacked = inflater.decompress(body, MAX_GUNZIPPED_BYTES)
    except zlib.error as error:
        raise ValueError(f"broken gzip body: {error}") from error
    if inflater.unconsumed_tail:
        raise ValueError(f"gzip body unpacks to more than {MAX_GUNZIPPED_BYTES} bytes")
    return unpacked


def prepare_xml_bytes(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """Transcode UTF-16/32 to UTF-8 and drop whitespace before `<?xml`.

    feedparser decodes UTF-16 without an encoding declaration as UTF-8 (the NULs are valid
    UTF-8), BOM or not. A BOM, or the NUL pattern of `<` in UTF-16/32, wins over any
    declared charset, so the transcoded bytes go on with `charset=utf-8`. Whitespace before
    the declaration is fatal to expat, though several real feeds have it. A charset that names a
    Python codec but no character set (`codeclabels`) is no charset, in the header or the declaration.
    """
    headers = _without_a_header_charset_of_no_charset(headers)
    codec = _utf16_or_32(body[:4])
    if codec is not None:
        text = _XML_DECLARATION.sub("", body.decode(codec, "replace").lstrip("\ufeff"), count=1)
        mime = headers.get("content-type", "application/xml").split(";")[0]
        utf8 = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")
        return utf8, {**headers, "content-type": f"{mime}; charset=utf-8"}
    if body.startswith(codecs.BOM_UTF8):  # feedparser still tried a declared punycode before the BOM's UTF-8
        return codecs.BOM_UTF8 + _drop_a_claim_of_no_charset(body[len(codecs.BOM_UTF8):]), headers
    stripped = body.lstrip(b" \t\r\n")
    if not stripped.startswith(b"<"):
        return body, headers
    return _drop_a_wide_encoding_claim(_drop_a_claim_of_no_charset(stripped)), headers


_HEADER_CHARSET = re.compile(r"""\s*;\s*charset\s*=\s*["']?([^"';\s]*)["']?""", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^(<\?xml[^>]*?)\s+encoding\s*=\s*["']\s*([^"'\s>]*)\s*["']""", re.IGNORECASE)


def _without_a_header_charset_of_no_charset(headers: dict[str, str]) -> dict[str, str]:
    """The headers without a `charset=punycode` (or another of `codeclabels.NOT_CHARSETS`): feedparser
    tries the header's label first and took any codec that decoded the bytes (red team 43: O(n^2))."""
    content_type = headers.get("content-type", "")
    # every such parameter: feedparser read the last of `charset=utf-8; charset=punycode` (review of red team 43)
    kept = _HEADER_CHARSET.sub(lambda found: "" if names_no_charset(found.group(1)) else found.group(), content_type)
    return headers if kept == content_type else {**headers, "content-type": kept}


def _drop_a_claim_of_no_charset(body: bytes) -> bytes:
    """`<?xml … encoding="punycode"?>` loses its claim, as a wide one does (`_drop_a_wide_encoding_claim`)."""
    found = _DECLARED_ENCODING.match(body[:256])
    if found is None or not names_no_charset(found.group(2).decode("ascii", "replace")):
        return body
    return found.group(1) + body[found.end() :]


_WIDE_CLAIM = re.compile(
    rb"""^(<\?xml[^>]*?)\s+encoding\s*=\s*["']\s*(?:utf-?16|utf-?32|ucs-?2|ucs-?4|unicode)[^"']*["']""", re.IGNORECASE)


def _drop_a_wide_encoding_claim(body: bytes) -> bytes:
    """Bytes whose `<?xml` is one byte a character are not UTF-16 or UTF-32, whatever the
    declaration says (a CMS template's claim, copied from a UTF-16 export): without this, expat
    took the claim and failed on the first byte, and the whole feed was a parse error for good.
    The claim goes; the header charset, or feedparser's detection, decides instead."""
    if not body.startswith(b"<?xml"):
        return body
    return _WIDE_CLAIM.sub(rb"\1", body[:256], count=1) + body[256:]


def _utf16_or_32(start: bytes) -> str | None:
    for prefixes, codec in _WIDE_ENCODINGS:
        if start.startswith(prefixes):
            return codec
    return None


def neutralize_doctype(utf8: bytes) -> bytes:
    """Remove every DOCTYPE declaration (internal subset included) from the prolog.

    Works on UTF-8 (the output of feedparser's encoding detection, so UTF-16 and friends
    are covered). The scan skips comments and processing instructions and honours quotes
    and brackets, so `>` or `]>` inside an entity value does not end the declaration
    early. Afterwards any `<!ENTITY`/`<!DOCTYPE` left before the first element (inside a
    comment, say) is defaced, because feedparser looks for those with line-based regexes.
    """
    text = utf8.decode("utf-8", "surrogateescape")
    if "<!" not in text:
        return utf8
    cleaned = _deface_leftovers(_strip_prolog_doctypes(text))
    return cleaned.encode("utf-8", "surrogateescape")


def _strip_prolog_doctypes(text: str) -> str:
    pieces: list[str] = []
    position = 0
    while (start := text.find("<", position)) >= 0 and not _ELEMENT_START.match(text, start):
        if text.startswith("<!--", start):
            end = _index_after(text, "-->", start + 4)
        elif text.startswith("<?", start):
            end = _index_after(text, "?>", start + 2)
        elif text.startswith("<!", start):  # DOCTYPE, or a stray ENTITY: drop it whole
            pieces.append(text[position:start])
            position = _declaration_end(text, start + 2)
            continue
        else:
            end = start + 1
        pieces.append(text[position:end])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _index_after(text: str, terminator: str, start: int) -> int:
    found = text.find(terminator, start)
    return len(text) if found < 0 else found + len(terminator)


def _declaration_end(text: str, position: int) -> int:
    """Index after the `>` closing a `<!...>` declaration, skipping quoted text, comments and `[...]`."""
    depth = 0
    for token in _DECLARATION_TOKEN.finditer(text, position):
        mark = token.group()
        if mark == "[":
            depth += 1
        elif mark == "]":
            depth = max(0, depth - 1)
        elif mark == ">" and depth == 0:
            return token.end()
    return len(text)


def _deface_leftovers(text: str) -> str:
    first_element = _ELEMENT_START.search(text)
    head_end = first_element.start() if first_element else len(text)
    head = re.sub(r"<!(?=(?i:doctype|entity))", "&lt;!", text[:head_end])
    return head + text[head_end:]




def keep_newest_items(utf8: bytes, limit: int) -> bytes:
    """The feed with only its `2 * limit` newest items when it has more than PRECUT_ITEMS, else as it is.

    The same choice `feedentries.newest` makes after parsing (dated items newest first, then undated
    ones in feed order, the kept ones in feed order), made on the raw items with a regular expression
    and the item's first date element, so that a valid feed of 50,000 items costs feedparser what
    `2 * limit` do. Twice the limit leaves room for items the parser drops or dates differently.
    """
    starts = _outside_text(utf8, list(_ITEM_START.finditer(utf8)))
    if len(starts) <= PRECUT_ITEMS:
        return utf8
    spans = _item_spans(utf8, starts)
    if spans is None or len(spans) <= 2 * limit:
        return utf8
    bounds = (EARLIEST.timestamp(), (datetime.now(UTC) + AHEAD).timestamp())
    times = [_item_time(utf8, start, end, bounds) for start, end in spans]
    ranked = sorted(range(len(spans)), key=lambda i: (0, -t, i) if (t := times[i]) is not None else (1, 0.0, i))
    items = b"".join(utf8[slice(*spans[i])] for i in sorted(ranked[: 2 * limit]))
    return utf8[: spans[0][0]] + items + utf8[spans[-1][1]:]


def _item_spans(utf8: bytes, starts: list[re.Match[bytes]]) -> list[tuple[int, int]] | None:
    """Each item from its start tag to its end tag, looked for only before the next item starts (a
    scan to the end of the document for each of 100,000 unclosed items would never end).

    An item with no end tag there ends where the next one starts (the last one, where its channel
    or feed closes), as feedparser's loose parser reads it. Before, one unclosed item among 50,000
    made feedparser read them all: 16 s of a parser a poll, past `extract.timeout` on a busy
    machine, so such a feed was never ingested. The last item's start tag may never end (an export cut short
    inside it): that item is left out, and the cut stays in the tail, for the loose parser (before red team 28,
    the whole feed went to feedparser: 20,000 items 12.7 s). None when another item's start tag never ends."""
    spans = []
    for index, start in enumerate(starts):
        bound = starts[index + 1].start() if index + 1 < len(starts) else len(utf8)
        tag_end = utf8.find(b">", start.start(), bound)
        if tag_end < 0:
            if bound == len(utf8):
                break
            return None
        if utf8[tag_end - 1 : tag_end] == b"/":  # <item/>
            spans.append((start.start(), tag_end + 1))
            continue
        close = utf8.rfind(b"</" + start.group(1), start.start(), bound)
        end = utf8.find(b">", close, bound) if close >= 0 else -1
        spans.append((start.start(), end + 1 if end >= 0 else _unclosed_end(utf8, start.start(), bound)))
    return spans


_TEXT_SECTION = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)", re.DOTALL)


def _outside_text(utf8: bytes, starts: list[re.Match[bytes]]) -> list[re.Match[bytes]]:
    """The item start tags that are markup: not text inside a CDATA section or a comment (a
    description quoting a feed's XML), which would otherwise cut a real item apart."""
    if b"<![CDATA[" not in utf8 and b"<!--" not in utf8:
        return starts
    sections = [(found.start(), found.end()) for found in _TEXT_SECTION.finditer(utf8)]
    opened = [start for start, _ in sections]

    def in_text(position: int) -> bool:
        index = bisect.bisect_right(opened, position) - 1
        return index >= 0 and position < sections[index][1]

    return [start for start in starts if not in_text(start.start())]


_ITEM_TAG = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"  # text: never an item
    rb"|<(/?)(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?:\s[^<>]*?)?(/?)>", re.DOTALL | re.IGNORECASE)
# the attributes' part lazy: a self-closed item of attributes (`<item mode='base64'/>`) is closed (review of red
# team 35b: its `/` went to the attributes, and the item ran to the feed's end)


def top_level_item_spans(utf8: bytes) -> list[tuple[int, int]]:
    """Each item's span, the items nested in it inside it: `feeds` reads an item apart when feedparser raises on the
    whole feed (red team 33b: one `<link><item>` nest cost every item). One pass; an item whose end tag never comes
    runs to its container's end tag."""
    items: list[tuple[int, int]] = []
    depth = start = 0
    for tag in _ITEM_TAG.finditer(utf8):
        if tag.group(1) is None:
            continue  # CDATA or a comment
        if tag.group(1):
            if depth == 1:
                items.append((start, tag.end()))
            depth = max(0, depth - 1)
        elif not tag.group(2):
            start, depth = (tag.start(), 1) if depth == 0 else (start, depth + 1)
        elif depth == 0:
            items.append(tag.span())
    if depth:
        container = list(_CONTAINER_END.finditer(utf8, start))
        items.append((start, container[-1].start() if container else len(utf8)))
    return items


_CONTAINER_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:channel|feed|RDF|rss)\s*>")


def _unclosed_end(utf8: bytes, start: int, bound: int) -> int:
    """Where an item with no end tag ends: the next item (`bound`), or, for the last, its container's end."""
    if bound < len(utf8):
        return bound
    container = _CONTAINER_END.search(utf8, start)
    return container.start() if container else len(utf8)


_RFC822 = re.compile(rb"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                     rb"\s*(?:([+-])(\d{2})(\d{2})|GMT|UTC|UT|Z)?$")
_MONTHS = {name: n for n, name in enumerate(
    (b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"), 1)}


def _item_time(utf8: bytes, start: int, end: int, bounds: tuple[float, float]) -> float | None:
    """Seconds since the epoch of the item's first date, or None without a plausible one."""
    found = _ITEM_DATE.search(utf8, start, end)
    if found is None:
        return None
    text = found.group(1).strip()
    try:
        moment = _rfc822_seconds(text) if text[:1].isalpha() or b" " in text else \
            _iso_seconds(text.decode("ascii"))
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, UnicodeDecodeError):
        return None
    return moment if moment is not None and bounds[0] <= moment <= bounds[1] else None


def _rfc822_seconds(text: bytes) -> float | None:
    match = _RFC822.fullmatch(text)
    if match is None:  # the rarer spellings: the stdlib's parser
        parsed = parsedate_to_datetime(text.decode("utf-8", "replace"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    utc = calendar.timegm((int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second or 0)))
    offset = (int(off_h) * 3600 + int(off_m) * 60) * (-1 if sign == b"-" else 1) if sign else 0
    return float(utc - offset)


def _iso_seconds(text: str) -> float:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
