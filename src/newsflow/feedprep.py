"""Feed bytes made safe for feedparser: unpacked, transcoded, and without DOCTYPE.

Pure functions, stdlib only; `feeds.parse_feed` runs them before feedparser sees a byte.

Why DOCTYPE goes: feedparser 6.0.14 refuses billion laughs and does not read external
entities, but when its strict parser rejects a document, its loose parser expands a large
internal entity referenced many times (measured: a 40 KB feed became a 60-million-character
title, 190 MB allocated). With no DOCTYPE there are no entities to expand or fetch.
`neutralize_doctype` works on the UTF-8 that feedparser's own encoding detection produced,
so the scan sees exactly the characters the parsers will see, whatever the original charset.
"""

from __future__ import annotations

import codecs
import re
import zlib

# A gzip body that the HTTP layer did not decode is unpacked up to the fetch cap.
MAX_GUNZIPPED_BYTES = 10_000_000

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
    the declaration is fatal to expat, though several real feeds have it.
    """
    codec = _utf16_or_32(body[:4])
    if codec is not None:
        text = _XML_DECLARATION.sub("", body.decode(codec, "replace").lstrip("\ufeff"), count=1)
        mime = headers.get("content-type", "application/xml").split(";")[0]
        utf8 = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")
        return utf8, {**headers, "content-type": f"{mime}; charset=utf-8"}
    stripped = body.lstrip(b" \t\r\n")
    return (stripped if stripped.startswith(b"<") else body), headers


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


