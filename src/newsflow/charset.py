"""From response bytes to what the pipeline reads: content-encoding, type sniffing, charset.

Pure functions and small stateful decoders, no I/O, so each can be tested on bytes alone.

- `BoundedDecoder` (in `newsflow.contentcoding`, re-exported) undoes Content-Encoding (gzip,
  deflate) chunk by chunk and never makes more than `max_bytes` of output, so a gzip bomb costs
  at most about `max_bytes` of memory.
- `sniff_is_html` looks at the first bytes when the server did not say what it sent.
- `decode_html` picks the charset in the order of the HTML standard's encoding sniffing: BOM,
  then the Content-Type header, then `<meta charset>`, then `<meta http-equiv=Content-Type>`
  (anywhere in the head, as a browser's parser finally reads it, not in a 1 KB prescan only),
  then detection (strict UTF-8 first, then charset_normalizer, on 64 KB from the first non-ASCII
  byte). One departure: a header or a `<meta>` that names a legacy charset loses to strict UTF-8
  with non-ASCII characters (a page re-saved as UTF-8 that kept its old declaration; a server
  whose default header says ISO-8859-1 in front of UTF-8 pages). Legacy text is almost never
  valid multibyte UTF-8, so the bytes say which is right.

This module is the only importer of charset_normalizer.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from newsflow.codeclabels import NOT_CHARSETS

# Content-Encoding lives in newsflow.contentcoding; its names stay importable from here.
from newsflow.contentcoding import GZIP_MAGIC as GZIP_MAGIC
from newsflow.contentcoding import MAX_LAYERS as MAX_LAYERS
from newsflow.contentcoding import BodyTooLarge as BodyTooLarge
from newsflow.contentcoding import BoundedDecoder as BoundedDecoder
from newsflow.contentcoding import UndecodableBody as UndecodableBody

SNIFF_BYTES = 512
META_SCAN_BYTES = 4096
DETECT_BYTES = 65_536
SAMPLE_CONTEXT = 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types that mean "the server does not know": sniff the bytes instead of trusting them.
UNKNOWN_TYPES = ("", "application/octet-stream", "application/unknown", "unknown/unknown", "*/*")


def media_type(content_type: str | None) -> str:
    """`text/html; charset=x` -> `text/html`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


_HTML_START_TAGS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<meta",
    b"<link",
)  # the WHATWG MIME sniffing list, plus meta and link, which real pages open with too
_TAG_END = b" \t\n\r\f>"


def sniff_is_html(prefix: bytes) -> bool:
    """Whether the first bytes of an untyped body look like HTML (WHATWG MIME sniffing, simplified)."""
    head = _strip_bom(prefix)[:SNIFF_BYTES].lstrip(b" \t\n\r\f").lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head
    for tag in _HTML_START_TAGS:
        after = head[len(tag) : len(tag) + 1]
        if head.startswith(tag) and (tag == b"<!--" or (after != b"" and after in _TAG_END)):
            return True
    return False


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _strip_bom(body: bytes) -> bytes:
    for bom, _ in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :]
    return body


def decode_html(body: bytes, content_type: str | None) -> str:
    """The page as text, using the first charset found in the order the module docstring gives."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    return _decoded(body, html_encoding(body, content_type))


def _decoded(body: bytes, encoding: str) -> str:
    try:
        return body.decode(encoding, errors="replace")
    except (LookupError, ValueError):  # a codec that cannot decode at all: never the run's problem
        return body.decode("cp1252", errors="replace")


def html_as_utf8(body: bytes, content_type: str | None) -> bytes:
    """`decode_html(body, content_type)` encoded as UTF-8: how the fetcher keeps a page.

    A page in UTF-8 already, as most are, comes back as it is (less its BOM): decoding it and
    encoding the text again would give the same bytes, at ~1 ms of the main process's CPU for a
    300 KB page.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            unmarked = body[len(bom) :]
            if encoding == "utf-8" and _is_strict_utf8(unmarked):
                return unmarked
            return unmarked.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    encoding = html_encoding(body, content_type)
    if _is_utf8_codec(encoding) and _is_strict_utf8(body):
        return body
    return _decoded(body, encoding).encode("utf-8", errors="replace")


def _is_utf8_codec(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _is_strict_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def html_encoding(body: bytes, content_type: str | None) -> str:
    """The Python codec for a BOM-less page: header, meta charset, meta http-equiv, detection."""
    from_header = _plausible_header_charset(body, charset_label(header_charset(content_type), from_meta=False))
    if from_header:
        return from_header
    from_meta = charset_label(meta_charset(body), from_meta=True) or charset_label(
        meta_http_equiv_charset(body), from_meta=True
    )
    if from_meta and from_meta != "utf-8" and _is_multibyte_utf8(body):
        return "utf-8"  # a page re-saved as UTF-8 that kept its old <meta charset> (measured: docs/extraction.md)
    return from_meta or detect_encoding(body)


def _plausible_header_charset(body: bytes, from_header: str | None) -> str | None:
    """The header's charset unless the bytes cannot be in it: strict multibyte UTF-8 under a legacy
    label (a server's default "ISO-8859-1" in front of UTF-8 pages) is UTF-8; a UTF-16 or UTF-32
    label on bytes with no NUL in their first 1 KB (no BOM either: that was read first) is no label."""
    if not from_header or from_header == "utf-8":
        return from_header
    if from_header.startswith(("utf-16", "utf-32")):
        return from_header if b"\x00" in body[:1024] else None
    return "utf-8" if _is_multibyte_utf8(body) else from_header


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def text_sample(body: bytes) -> tuple[bytes, bool]:
    """The first DETECT_BYTES, or, when they are all ASCII, DETECT_BYTES from SAMPLE_CONTEXT before the
    first non-ASCII byte; and whether the body goes on after the sample: where the text's encoding
    shows. A page with a large head of scripts and styles has nothing but ASCII in its first 64 KB
    (bench.served: Postillon, Salon)."""
    found = _NON_ASCII.search(body)
    start = max(0, found.start() - SAMPLE_CONTEXT) if found and found.start() >= DETECT_BYTES else 0
    sample = body[start : start + DETECT_BYTES]
    return sample, start + len(sample) < len(body)


def _is_multibyte_utf8(body: bytes) -> bool:
    """Strict UTF-8 with non-ASCII characters in it (64 KB from the first): legacy text almost never is."""
    sample, cut = text_sample(body)
    if sample.isascii():
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return cut and exc.start >= len(sample) - 3  # only a character cut in half at the sample's end
    return True


def header_charset(content_type: str | None) -> str | None:
    match = re.search(r""";\s*charset\s*=\s*["']?([^"';\s]+)""", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


# Both linear, whatever the page (red team 24): a tag left open ends the scan at the end of the text rather
# than being looked for again from each later `<meta` (10,000 of them: 11 s of the event loop), and a name
# is tried only from its first character (60 KB of letters with no `=` was tried from each: 349 s).
_META = re.compile(rb"<meta\b([^>]*)(?:>|\Z)", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(?<![a-zA-Z_:.-])([a-zA-Z_:.-]++)\s*+=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


_HEAD_END = re.compile(rb"</head\b|<body\b", re.IGNORECASE)


def _meta_tags(body: bytes) -> list[dict[str, str]]:
    """The `<meta>` tags of the page's head: up to `</head>` or `<body>` when one is in the first 64 KB
    (a browser that meets a late `<meta charset>` while parsing reloads the page in it; pages with
    large inline scripts declare theirs past any prescan), and at least in the first META_SCAN_BYTES."""
    end = _HEAD_END.search(body, 0, DETECT_BYTES)
    tags = []
    for meta in _META.finditer(body[: max(end.start() if end else 0, META_SCAN_BYTES)]):
        if not meta.group().endswith(b">"):  # left open: no tag
            break
        pairs = _ATTRIBUTE.findall(meta.group(1))
        tags.append({k.decode("latin-1").lower(): v.strip(b"\"'").decode("latin-1") for k, v in pairs})
    return tags


def meta_charset(body: bytes) -> str | None:
    """`<meta charset="x">` in the page's head (`_meta_tags`)."""
    return next((tag["charset"] for tag in _meta_tags(body) if tag.get("charset")), None)


def meta_http_equiv_charset(body: bytes) -> str | None:
    """`<meta http-equiv="Content-Type" content="text/html; charset=x">` in the page's head (`_meta_tags`)."""
    for tag in _meta_tags(body):
        if tag.get("http-equiv", "").lower() == "content-type":
            found = header_charset(tag.get("content"))
            if found:
                return found
    return None


# Labels that browsers read differently from Python's codec of the same name (WHATWG Encoding).
_WHATWG_LABELS = {
    **dict.fromkeys(
        [
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "latin1",
            "latin-1",
            "l1",
            "cp819",
            "ibm819",
            "us-ascii",
            "ascii",
            "ansi_x3.4-1968",
            "x-cp1252",
        ],
        "cp1252",
    ),
    **dict.fromkeys(["iso-8859-9", "iso8859-9", "latin5", "l5"], "cp1254"),
    **dict.fromkeys(["gb2312", "gbk", "x-gbk", "gb_2312-80"], "gb18030"),
    **dict.fromkeys(["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"], "cp932"),
    **dict.fromkeys(["euc-kr", "ks_c_5601-1987", "korean"], "cp949"),
    **dict.fromkeys(["tis-620", "iso-8859-11"], "cp874"),
}


def charset_label(label: str | None, from_meta: bool) -> str | None:
    """A Python codec name for a declared label, or None when the label is unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if from_meta and name.startswith("utf-16"):
        return "utf-8"  # a BOM-less page that can say "utf-16" in ASCII is not UTF-16 (HTML standard)
    name = _WHATWG_LABELS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return None
    # Python also has bytes-to-bytes codecs (base64, zlib, hex) and str-to-str ones (rot13): a page
    # declaring one of those is not in it; nor in a text codec that is no charset (`codeclabels`).
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    return info.name


# Single-byte Latin encodings that charset_normalizer often picks for short Western text
# (French or German in windows-1252 came back as mac_latin2 or cp1250). For these, the guess
# and windows-1252 compete: the one that puts fewer symbols where letters belong wins, and a
# tie goes to windows-1252, the web's usual undeclared encoding. Polish in cp1250 read as
# windows-1252 turns letters into symbols (Zażółć -> Za¿ó³æ), so it keeps cp1250.
_WESTERN_LOOKALIKES = frozenset(
    {"cp1250", "cp1257", "mac_latin2", "mac_roman", "mac_iceland", "latin_1", "iso8859_2", "iso8859_3",
     "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
     "cp437", "cp775", "cp850", "cp852", "cp858", "cp860", "cp861", "cp863", "cp865"}
)  # fmt: skip


def detect_encoding(body: bytes) -> str:
    """Strict UTF-8 when it fits, else charset_normalizer's guess (Latin lookalikes vs windows-1252),
    on 64 KB from the first non-ASCII byte (`text_sample`)."""
    sample, cut = text_sample(body)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and cut:
            return "utf-8"  # the sample cut a multi-byte character in half
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return "cp1252"
    if best.encoding in _WESTERN_LOOKALIKES:
        return min(("cp1252", best.encoding), key=lambda encoding: _stray_symbols(sample, encoding))
    return best.encoding


def _stray_symbols(sample: bytes, encoding: str) -> int:
    """Non-ASCII characters that are neither letters nor typographic punctuation (undecodable bytes
    count too). English in windows-1252 has quotes and dashes (U+2010-U+205E) in every line, and
    cp850 reads the same bytes as letters (æ, ô): without them, cp850 won (bench.served, salon-1)."""
    text = sample.decode(encoding, errors="replace")
    return sum(1 for char in text if ord(char) > 127 and not char.isalpha() and not _TYPOGRAPHIC.match(char))


_TYPOGRAPHIC = re.compile("[\u2010-\u205e\u00a0\u00ab\u00bb\u20ac]")
