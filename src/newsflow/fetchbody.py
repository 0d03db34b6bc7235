"""Reading one response body: streamed under the cap, decoded, sniffed, and judged whole or cut short.

No httpx here (`fetch.py` is its only importer): the body comes as an async iterable of raw bytes
and the response's headers as a lower-cased mapping.

A body cut short must never be stored as if whole: its feed's last item would carry a cut link or
GUID for good, its article a cut text. What tells a cut body from a whole one, and only that:

- a declared `Content-Length` not reached before the close, unless the body is one gzip stream that
  ended, its CRC and length checked (`fetchlength.check_closed_short`, red team 55), or a chunked body
  without its last chunk: h11 raises,
  and `fetch.py` records `protocol_error`;
- a gzip or deflate stream that does not reach its end (`charset.BoundedDecoder.complete`);
- a body of no declared length, ended by the server closing the connection (HTTP/1.0 style), whose
  document opened its root (`<rss`, `<feed`, `<rdf:RDF`; `<html` or `<body` for a page) and never
  closes it. A page with no such root (HTML lets `<html>` and `<body>` go unwritten) is cut when it
  ends where no document can: inside a tag, a comment, a `<script>` or a `<style>`. One cut in its
  text says nothing and is taken as it came; a feed with no root is not a feed (a JSON Feed cut
  short fails to parse). A robots.txt framed so loses its last line when no line break ends it:
  a rule cut short is another rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterable, Callable, Mapping

from newsflow import charset
from newsflow.fetchrecord import Trail
from newsflow.heldopen import (
    DOCUMENT_END_PATIENCE,
    BodyTail,
    held_open,
    holds_a_rule,
    may_end_line,
    patient,
    patient_when,
    pieces_until_silence,
    until_deadline,
)
from newsflow.models import FetchKind
from newsflow.netguard import AnswerTooLarge

logger = logging.getLogger(__name__)

# A chunked body of tiny chunks arrives without a real wait: httpcore parses them out of its buffer
# (about 50 us each, the buffer compacted each time), so the event loop, and with it every other
# request's deadline, would stall for a second or more per 64 KB read. Yield every so many chunks.
CHUNKS_BETWEEN_YIELDS = 64
# Each piece of a body (a chunk of a chunked one) costs h11, httpcore and httpx 8-16 us, whatever its size, so
# an endless body of one-byte chunks (`1\r\nA\r\n`, six bytes a byte) was read at ~360 KB a CPU-second: it
# reached neither the body's cap nor the answer's (`netguard.answer_cap`, 21 MB at the default 10 MB) before
# the deadline, a core busy until then (red team 45). A body may come in one piece for every PIECE_BYTES of
# `max_bytes`, and PIECES_BESIDE more: a page at the cap in chunks of 64 bytes on average (red team 44's control),
# a small one in any. At the default 10 MB (10,000,000 bytes) that is 160,346 pieces, about 2 s of an idle core.
PIECE_BYTES = 64
PIECES_BESIDE = 4_096
# robots.txt is written by scripts a line a chunk (~27 bytes a `Disallow`): at 64 a 400 KB one was refused, and a
# robots.txt past its caps is unreachable, the whole site deferred every run (review of red team 45). One a 16 bytes:
# 36,096 pieces for its 512,000 (lines of 16 bytes on average read to the limit), an endless one of one-byte chunks
# still refused in about half a second of a core.
ROBOTS_PIECE_BYTES = 16


def body_pieces_allowed(max_bytes: int, piece_bytes: int = PIECE_BYTES) -> int:
    """How many pieces (chunks, reads) a body capped at `max_bytes` may come in: 160,346 at the default 10 MB."""
    return max_bytes // piece_bytes + PIECES_BESIDE
# The cap (`max_bytes`) is on the unpacked bytes, and a packed stream can make next to nothing: empty deflate
# blocks (5 bytes each) unpack to no byte, so an endless run of them was read until the deadline (red team 43:
# 524 MB in 3 s for a cap of 1 MB). The packed bytes get the cap too, and an eighth more, plus 64 KB:
# deflate's own overhead on text it cannot pack (5 bytes in 64 KB) and a gzip member per flush stay under it.
PACKED_OVERHEAD_SHARE = 8
PACKED_OVERHEAD_BYTES = 65_536
# gzip layers undone in all, Content-Encoding's and undeclared ones (`unpacked`): see `charset.MAX_LAYERS`.
MAX_PACKED_LAYERS = charset.MAX_LAYERS
_GZIP_DEFLATE = charset.GZIP_MAGIC + b"\x08"  # gzip's magic and its one compression method: no text starts so
# Where a document's root start is looked for: the head of the body.
ROOT_SCAN_BYTES = 65_536
_FEED_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF))[\s>/]", re.IGNORECASE)
_PAGE_ROOT = re.compile(rb"<(html|body)[\s>/]", re.IGNORECASE)
_PAGE_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
# What a rootless page can end inside of only when cut: a tag begun, or a comment, script or style
# opened and not closed after (its last opening is after its last closing).
_TAG_START = re.compile(rb"<[A-Za-z/!?]")
_OPENED_AND_CLOSED = ((re.compile(rb"<!--"), re.compile(rb"-->")),
                      (re.compile(rb"<script[\s>]", re.IGNORECASE), re.compile(rb"</script\s*>", re.IGNORECASE)),
                      (re.compile(rb"<style[\s>]", re.IGNORECASE), re.compile(rb"</style\s*>", re.IGNORECASE)))


class BodyCutShort(Exception):
    """The body ended before its own end: a compressed stream or a document that does not finish."""


def framed_by_close(headers: Mapping[str, str]) -> bool:
    """The body has no declared length: it ends where the server closes the connection."""
    return "content-length" not in headers and "transfer-encoding" not in headers


async def read_body(
    stream: AsyncIterable[bytes], headers: Mapping[str, str], trail: Trail, max_bytes: int,
    sniff: Callable[[bytes], None] | None, rest: Callable[[], bytes] = bytes,
) -> bytes:
    """Stream the body, undoing Content-Encoding under the cap; stop early when `sniff` refuses its first bytes
    (`fetchrules.check_sniffed` for an untyped page, `check_not_binary` for a typed one: red team 26). `rest`
    gives the bytes read with the body past its `Content-Length` (`netguard.bytes_past_body`): a packed stream
    that ends before its end is finished from them when they finish it (`_finished_from`).

    Raises `charset.BodyTooLarge`, `netguard.AnswerTooLarge` (`body_pieces_allowed`),
    `charset.UndecodableBody`, `fetchrules.NotHtml` or `BodyCutShort`."""
    first_only = trail.kind is FetchKind.ROBOTS  # its first `max_bytes` are read, the rest ignored (RFC 9309)
    decoder = charset.BoundedDecoder(headers.get("content-encoding"), max_bytes * (2 if first_only else 1))
    declared = headers.get("content-length", "")
    if not first_only and decoder.identity and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise charset.BodyTooLarge
    parts: list[bytes] = []
    piece_bytes = ROBOTS_PIECE_BYTES if first_only else PIECE_BYTES
    pieces = body_pieces_allowed(max_bytes, piece_bytes)
    packed_cap, came = max_bytes + max_bytes // PACKED_OVERHEAD_SHARE + PACKED_OVERHEAD_BYTES, 0
    blank = False  # the head so far is white space: only a piece that is not can change that
    sniffing = sniff is not None  # the head is sniffed as it streams, until it decides or is found packed
    kept_alive = held_open(headers) and not first_only  # a short silence may end it; else only one to the deadline
    patience = min(DOCUMENT_END_PATIENCE, trail.timeout / 4)
    tail = BodyTail(trail.kind is FetchKind.FEED, lines=first_only)  # a pause inside a document must not end it
    wait = patient(patience) if kept_alive else patient_when(
        lambda: bool(tail.json), patience, until_deadline(trail, patience)) if framed_by_close(headers) else None

    def may_end_now() -> bool:
        return tail.may_end() if decoder.identity else decoder.complete

    async with contextlib.aclosing(pieces_until_silence(stream, wait, may_end_now)) as pieces_read:
        async for count, chunk in pieces_read:
            if chunk is None:
                if _ended_by_silence(b"".join(parts), decoder, trail, patience, max_bytes):
                    break
                if not (kept_alive or tail.json):  # the deadline came: its `until_deadline` wait left it unarmed
                    raise TimeoutError
                continue
            if count % CHUNKS_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)  # see CHUNKS_BETWEEN_YIELDS
                if count > pieces:
                    raise AnswerTooLarge(f"the body came in over {pieces:,} pieces (chunks), "
                                         f"{trail.bytes_read:,} bytes in all: past one for every {piece_bytes} bytes "
                                         f"of "
                                         f"{'its 500 KiB limit' if first_only else 'fetch.max_bytes'}; stopped")
            trail.bytes_read, came = trail.bytes_read + len(chunk), came + len(chunk)
            parts.append(piece := decoder.feed(chunk))
            if wait is not None:
                tail.add(piece)
            if first_only and decoder.produced >= max_bytes:
                return first_lines(b"".join(parts)[:max_bytes])
            if came > packed_cap:  # only a packed body can: an unpacked one passed the decoder's cap first
                raise charset.BodyTooLarge(f"{came:,} bytes of {decoder.encoding} came, unpacked to "
                                           f"{decoder.produced:,}")
            # (joined again only when it can decide: a blank body in 64-byte chunks was joined at each one,
            # O(n^2), 29 s of the event loop for 1 MB: review of red team 23)
            if sniffing and decoder.produced >= charset.SNIFF_BYTES and (not blank or piece.strip()):
                head = b"".join(parts)
                blank = not head.strip()
                if head.startswith(_GZIP_DEFLATE):  # packed once more: judged unpacked, after the stream
                    sniffing = False  # (it was joined again at each chunk: O(n^2), ~30 s for 1.6 MB, red team 24)
                elif not blank and sniff is not None:  # blank: judged later
                    sniff(head)
                    sniffing, sniff = False, None
    if not decoder.complete:
        parts.append(_finished_from(decoder, rest(), trail))
    trail.gzip_whole = decoder.provably_whole
    body = unpacked(b"".join(parts), 0 if decoder.identity else decoder.encoding.count(",") + 1, max_bytes)
    if sniff is not None:
        sniff(body)
    if framed_by_close(headers):
        check_document_ends(body, trail.kind)
        if trail.kind is FetchKind.ROBOTS:
            return whole_lines(body)
    return body


def _ended_by_silence(body: bytes, decoder: charset.BoundedDecoder, trail: Trail, silence: float,
                      max_bytes: int) -> bool:
    """After a silence of `silence` s or more (`heldopen`): whether the body read is whole: its document, unpacked,
    ended, its packed stream too. A gzip member's end alone had a page's header, its first, stored as the page (review
    of red team 51; on red team 50's keep-alive path too)."""
    try:
        document = unpacked(body, 0 if decoder.identity else decoder.encoding.count(",") + 1, max_bytes)
    except (BodyCutShort, charset.UndecodableBody, charset.BodyTooLarge):
        return False
    whole = (decoder.identity or decoder.complete) and _document_ended(document, trail.kind)
    if whole:
        logger.info("GET %s: its document ended, then nothing came for %.1f s on a connection the server keeps "
                    "open with no length: taken as whole", trail.url[:200], silence)
    return whole


def _document_ended(document: bytes, kind: FetchKind) -> bool:
    """A page or XML feed closed its root; a JSON feed parses; a robots.txt's whole lines hold a group's rule."""
    if kind is FetchKind.ROBOTS:
        return may_end_line(document) and holds_a_rule(document)
    if kind is FetchKind.FEED and document.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        try:
            json.loads(document)
        except (ValueError, RecursionError):
            return False
        return True
    return closed_its_root(document, kind)


def _finished_from(decoder: charset.BoundedDecoder, rest: bytes, trail: Trail) -> bytes:
    """What `rest` (the bytes that came past a packed body's `Content-Length`) unpacks to, when it brings the
    stream to its own end: a server that counted its gzip page short had every page `protocol_error`, tried and
    failed every run until parked (red team 47). gzip and deflate end themselves (gzip checks a CRC and the
    length too), so a rest that finishes the stream is the body's; bytes after that end are ignored, as after a
    whole one. Else `BodyCutShort`, as before; a rest past the cap is `BodyTooLarge`."""
    came = trail.bytes_read
    if rest:
        try:
            unpacked_rest = decoder.feed(rest)
        except charset.UndecodableBody:
            unpacked_rest = b""
        if decoder.complete:
            trail.bytes_read += len(rest)
            return unpacked_rest
    raise BodyCutShort(f"the {decoder.encoding} stream ends before its end ({came} bytes came"
                       f"{f', and {len(rest)} past its Content-Length do not end it' if rest else ''})")


def ends_its_document(body: bytes, kind: FetchKind) -> bool:
    """The body ends by closing the document it opened: a page its `<html>` or `<body>`, a feed its root, with
    nothing after but blanks and comments. Bytes past its `Content-Length` are then no part of it (a PHP warning
    printed after the page was stored as its text: red team 47). Only the body's end counts: an end tag earlier,
    in a script string, a comment or CDATA, dropped a short-counted page's rest (review of red team 47). A page
    also ends in a closing tag when it has no root, or closed its `</html>`/`</body>` before it: a fragment page,
    or a cache's footer after `</html>`, then a warning past the length, had the warning stored (red team 48); a
    length counted short rarely cuts right after a closing tag. A JSON feed and a robots.txt never say so (the
    robots.txt parser drops lines that are no rules, and a robots.txt counted short at a line's end would lose
    its last rules if its rest were dropped)."""
    tail = body[-_END_SCAN_BYTES:]
    if kind is FetchKind.ARTICLE:
        if _PAGE_ROOT.search(body[:ROOT_SCAN_BYTES]) is None:
            return _closes_its_first_element(body, tail)
        return _PAGE_END_LAST.search(tail) is not None or (
            _CLOSING_TAG_LAST.search(tail) is not None and _closed_before_a_footer(tail))
    if kind is FetchKind.FEED and (root := _FEED_ROOT.search(body[:ROOT_SCAN_BYTES])) is not None:
        end = rb"</" + re.escape(root.group(1)) + rb"\s*>" + _ONLY_BLANKS_AND_COMMENTS
        return re.search(end, tail, re.IGNORECASE | re.DOTALL) is not None
    return False


def closed_its_root(body: bytes, kind: FetchKind) -> bool:
    """The body opened its document's root and closed it last: a page its `<html>` or `<body>`, a feed its root. What
    a silence after may end (`heldopen.DOCUMENT_END_PATIENCE`): a page with no root ends in any closing tag of its first
    element, which a server streaming its header first, then stalling, would have cut there."""
    if kind is FetchKind.ARTICLE:
        return (_PAGE_ROOT.search(body[:ROOT_SCAN_BYTES]) is not None
                and _PAGE_END_LAST.search(body[-_END_SCAN_BYTES:]) is not None)
    return ends_its_document(body, kind)


_END_SCAN_BYTES = 4096  # a closing tag and the blanks and comments after it
_ONLY_BLANKS_AND_COMMENTS = rb"(?:\s|<!--.*?-->)*\Z"
_PAGE_END_LAST = re.compile(rb"</(?:html|body)\s*>" + _ONLY_BLANKS_AND_COMMENTS, re.IGNORECASE | re.DOTALL)
_CLOSING_TAG_LAST = re.compile(rb"</[A-Za-z][\w:-]*\s*>" + _ONLY_BLANKS_AND_COMMENTS, re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"\A(?:\s|<!--.*?-->|<![^>]*>|<\?[^>]*>)*<([A-Za-z][\w:-]*)", re.DOTALL)
_SCRIPTS_AND_COMMENTS = re.compile(rb"<script\b.*?</script\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_STORY_TAG = re.compile(rb"<(?:p|article|h[1-6]|li|blockquote|section|main)[\s>/]", re.IGNORECASE)


def _closes_its_first_element(body: bytes, tail: bytes) -> bool:
    """A page with no root has ended when it closes the element it opened first (`<article>...</article>`). Any
    closing tag was taken for an end (red team 48): a minified page (no `<html>`/`<body>`, as HTML5 allows) or an
    XML article counted short right after a `</p>` lost the rest of its story (review of red team 48)."""
    first = _FIRST_ELEMENT.match(body[:ROOT_SCAN_BYTES])
    if first is None:
        return False
    end = rb"</" + re.escape(first.group(1)) + rb"\s*>" + _ONLY_BLANKS_AND_COMMENTS
    return re.search(end, tail, re.IGNORECASE | re.DOTALL) is not None


def _closed_before_a_footer(tail: bytes) -> bool:
    """The page closed its `</html>`/`</body>` outside a script or comment, and no story follows it (a footer's
    `<div>` and scripts may). An end tag in a `document.write` string, or a template's stray `</body>` with more
    paragraphs after it, counted short right after a `</p>`, lost the rest of the story (review of red team 48)."""
    outside = _SCRIPTS_AND_COMMENTS.sub(b"", tail)
    ends = list(_PAGE_END.finditer(outside))
    return bool(ends) and _STORY_TAG.search(outside, ends[-1].end()) is None


def unpacked(body: bytes, declared_layers: int, max_bytes: int) -> bytes:
    """The body with the gzip layers no Content-Encoding declared undone, up to MAX_PACKED_LAYERS in
    all (declared ones included), each under `max_bytes`.

    Servers gzip a page a CDN then gzips again, or store it gzipped and serve it without saying so
    (red team 16): browsers show such pages, and the gzip bytes taken as the page were a feed's
    `parse_error` or an article of garbage. A body still gzip past the limit is `UndecodableBody`."""
    layers = declared_layers
    while body.startswith(_GZIP_DEFLATE):
        if layers >= MAX_PACKED_LAYERS:
            raise charset.UndecodableBody(f"body is gzip packed over {MAX_PACKED_LAYERS} layers deep; not unpacked")
        decoder = charset.BoundedDecoder("gzip", max_bytes)
        body = decoder.feed(body)
        if not decoder.complete:
            raise BodyCutShort("an undeclared gzip layer of the body ends before its end")
        layers += 1
    return body


def first_lines(body: bytes) -> bytes:
    """A robots.txt's first `ROBOTS_MAX_BYTES`, without the line the limit cuts. RFC 9309 (2.5) has a crawler
    parse at least 500 KiB and lets it ignore the rest, as Google does; a robots.txt past it was `too_large` and read
    as allowing all, every rule ignored (red team 45)."""
    return body[:max(body.rfind(b"\n"), body.rfind(b"\r")) + 1]


def whole_lines(body: bytes) -> bytes:
    """The body without a last line that has no line break when that line, cut where the connection
    closed, could allow more than the server meant; a cut `Disallow` only disallows more, so it stays.

    A robots.txt rule cut short is another rule. A cut `Allow: /news` is `Allow: /`, and a cut
    `Disallow: /private` is `Disallow: /pri`: dropping that line (red team 14) fetched /private
    (review of red team 14). A `Disallow` path that came whole or cut is a prefix of what was meant,
    so it is kept, save one: `Disallow: /`, which `Disallow: /search` cut short reads as, disallows
    the whole site, and `robots_disallowed` parks each of its articles at once, for good. That body
    is a robots.txt that could not be read (`BodyCutShort`): RFC 9309 has nothing of the site fetched
    this run, each article a failed attempt, parked only after `max_article_attempts` (red team 16;
    red team 14 read it as allowing all, so a whole-site `Disallow: /` with no final line break was
    ignored)."""
    if not body or body.endswith((b"\n", b"\r")):
        return body
    cut = max(body.rfind(b"\n"), body.rfind(b"\r")) + 1
    disallowed = _DISALLOW_LINE.match(body[cut:])
    if disallowed is not None and disallowed.group(1) == b"/":
        raise BodyCutShort(f"robots.txt cut short: no length was declared, the connection closed after {len(body)} "
                           "bytes, and its last line (`Disallow: /`) has no line break: it may be a longer path cut")
    return body if disallowed is not None else body[:cut]


_DISALLOW_LINE = re.compile(rb"\s*disallow\s*:\s*(\S+)", re.IGNORECASE)


def check_document_ends(body: bytes, kind: FetchKind) -> None:
    """Raise BodyCutShort when the document opened its root and never closes it, or a rootless page
    ends inside markup."""
    head = body[:ROOT_SCAN_BYTES]  # the end tag is looked for anywhere: junk may follow it
    if kind is FetchKind.FEED:
        root = _FEED_ROOT.search(head)
        if root is None or head[: head.find(b">", root.start()) + 1].endswith(b"/>"):  # none, or `<rss/>`
            return
        name = root.group(1)
        if re.search(b"</" + re.escape(name) + rb"\s*>", body, re.IGNORECASE) is None:
            raise BodyCutShort(_cut_document(f"<{name.decode('ascii')}>", len(body)))
    elif kind is FetchKind.ARTICLE and _PAGE_ROOT.search(head) is not None:
        if _PAGE_END.search(body) is None:
            raise BodyCutShort(_cut_document("<html> or <body>", len(body)))
    elif kind is FetchKind.ARTICLE and _ends_inside_markup(body):
        raise BodyCutShort(_cut_document("last tag, comment, script or style", len(body)))


def _ends_inside_markup(body: bytes) -> bool:
    """A page with no root ends inside a tag, a comment, a script or a style: it was cut there."""
    tail = body.rstrip()
    if _TAG_START.search(tail, tail.rfind(b">") + 1) is not None:
        return True
    return any(_last_start(opened, tail) > _last_start(closed, tail) for opened, closed in _OPENED_AND_CLOSED)


def _last_start(pattern: re.Pattern[bytes], text: bytes) -> int:
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


def _cut_document(root: str, size: int) -> str:
    return (f"body cut short: no length was declared and the connection closed after {size} bytes, "
            f"before the document's {root} ended; not stored, tried again later")
