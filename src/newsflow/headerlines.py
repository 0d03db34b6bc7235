"""Response heads that old servers write and h11 refuses, read as browsers read them.

h11 refuses the whole response (`protocol_error`, for good: every run, every page of such a server) for:
- `Name : value`, whitespace before the colon (an embedded box, an old CMS's hand-written
  `Content-Type : text/html`): RFC 9112 (5.1) forbids it, and a proxy forwarding one "MUST remove any such
  whitespace"; browsers and curl read it as the header it names. So do we;
- a header line with no colon at all (`X-Powered-By` alone): browsers skip it. So do we;
- an empty line before the status line (a server that writes a CRLF after each body, past its
  `Content-Length`): every second request on a kept-alive connection failed, `no response line received`.
  RFC 9112 (2.2) asks servers to skip such lines before a request line; browsers skip them here too;
- a status line that is not `HTTP/d.d NNN reason` (red team 23): `HTTP/2 200` or `HTTP/3 200` from a broken
  proxy or CDN answering an HTTP/1.1 request, `http/1.1 200 OK` in lower case, two spaces before the code.
  Chrome and Firefox read the name in any case and a version with no minor digit; so do we, as `HTTP/1.1`
  (`HTTP/1.0` for 1.0 and below), with the code and the reason. Something else (`ICY 200 OK`, `SSH-2.0-…`, no
  three-digit code, a NUL or another control character anywhere) is still refused;
- in a chunked body (red team 23): a trailer line h11 cannot read (`Checksum : abc`, a line with no colon)
  is dropped, not a reason to refuse the whole body (httpcore never passes trailers on, and browsers ignore
  them); whitespace before a chunk extension's `;` (`1a ;name=value`, which RFC 9112 (7.1.1) allows as BWS)
  is read. Those readers serve requests and responses alike (h11 picks a body reader by framing, not by
  role); neither changes where a chunk or a message ends, so neither can change framing.

Why this cannot open request smuggling or header injection:
- only the reader of a *server's* heads is changed (h11's `(SERVER, IDLE)` and `(SERVER, SEND_RESPONSE)`
  readers); request heads that an h11 server in this process reads are judged as strictly as before. The
  chunked body reader is shared, but it only drops unreadable trailer lines and reads BWS before `;`: the
  same bytes end the chunk and the message as before;
- only whitespace between a valid token and its colon is dropped, only lines with no colon (and no leading
  whitespace: those continue the header before, obs-fold, which h11 reads) are skipped, only empty lines
  before the status line; every other line goes through h11's own checks, so a CR, LF, NUL or a name that
  is not a token is refused as before;
- a response that needed any of it also gets `Connection: close`: its connection is never used again, so
  however it framed its body (`Content-Length : 5`), nothing it sent can be read as another request's answer.

h11 takes no reader per connection, so its readers table is amended once, process-wide (as fetch.py swaps
httpx's private `_pool`). This module is the only importer of h11. An h11 whose private readers are not as
this module knows them (a new version) is left as it is: such heads are refused again (`protocol_error`), no
command fails; tests/hostile/test_redteam22.py then fails loudly (`tolerate_old_response_heads` is False).
"""

from __future__ import annotations

import re
from typing import Any

import h11
from h11 import _connection, _readers

_SPACE_BEFORE_COLON = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+:")
# Any case of `HTTP`, a version with or without its minor digit, whitespace runs, a three-digit code
# (`.*` and `rstrip`, not a lazy `.*?` before `[ \t]*`: that backtracked, O(n^2), 30 s of the event loop for
# a 64 KB status line of spaces; a version's digits are at most 9, as int() refuses 4,301: review of red team 23)
_LOOSE_STATUS_LINE = re.compile(rb"[Hh][Tt][Tt][Pp]/([0-9]{1,9})(?:\.([0-9]{1,9}))?[ \t]+([0-9]{3})(?:[ \t]+(.*))?")
_REASON = re.compile(rb"[^\x00-\x08\x0a-\x1f\x7f]*")  # a control character (a NUL): left for h11 to refuse
_CHUNK_EXT_AFTER_SPACE = re.compile(rb"^([0-9A-Fa-f]+)[ \t]+;")
_CLOSE = b"Connection: close"
_FRAMING_FIELDS = (b"content-length", b"transfer-encoding")
MAX_EMPTY_LINES = 4  # skipped before a status line; a server sending more is sending something else
_RESPONSE_STATES = ((h11.SERVER, h11.IDLE), (h11.SERVER, h11.SEND_RESPONSE))
_STRICT_READER_NAME = "maybe_read_from_SEND_RESPONSE_server"


def tolerant_status_line(line: bytearray) -> bytearray:
    """The status line as h11 reads it: unchanged when h11 can, else rewritten from what browsers read in it
    (`HTTP/2 200` is `HTTP/1.1 200`); unchanged when it is no HTTP status line at all, or holds a control
    character: h11 refuses it, as before."""
    loose = None if _readers.status_line_re.fullmatch(line) else _LOOSE_STATUS_LINE.fullmatch(line)
    if loose is None or not _REASON.fullmatch(loose[4] or b""):
        return line
    major, minor, code, reason = loose.groups()
    reason = (reason or b"").rstrip(b" \t")
    version = b"1.0" if (int(major), int(minor or 0)) <= (1, 0) else b"1.1"
    return bytearray(b"HTTP/" + version + b" " + code + (b" " + reason if reason else b""))


def tolerant_head(lines: list[bytearray], skipped_empty: bool = False) -> list[bytearray]:
    """The head's lines with the status line as `tolerant_status_line` reads it, the whitespace before each
    header's colon dropped and lines with no colon left out, and `Connection: close` added when any of that
    (or `skipped_empty`) was done."""
    fixed = [tolerant_status_line(lines[0])]
    for line in lines[1:]:
        if line.startswith((b" ", b"\t")):  # obs-fold: the header before goes on (h11 unfolds it)
            fixed.append(line)
        elif b":" in line:
            fixed.append(bytearray(_SPACE_BEFORE_COLON.sub(rb"\1:", line)))
    return [*fixed, bytearray(_CLOSE)] if skipped_empty or fixed != lines else lines


class _TolerantBuffer:
    """h11's receive buffer, whose response head comes out as `tolerant_head` writes it."""

    def __init__(self, buffer: Any) -> None:
        self._buffer = buffer

    def maybe_extract_lines(self) -> list[bytearray] | None:
        lines = self._buffer.maybe_extract_lines()
        skipped = 0
        while lines == [] and skipped < MAX_EMPTY_LINES:  # [] is an empty line, taken from the buffer
            skipped += 1
            lines = self._buffer.maybe_extract_lines()
        return tolerant_head(lines, skipped > 0) if lines else lines

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


def readable_trailers(lines: list[bytearray]) -> list[tuple[bytes, bytes]]:
    """The trailer fields h11 can read, `Name : value` read as `Name: value`; other lines (a continuation,
    no colon, a CR or NUL inside) are dropped: nothing reads a response's trailers. So are the framing fields,
    which RFC 9110 (6.5.1) forbids there and h11 would still judge (`Content-Length: abc` refused the whole
    body: review of red team 23)."""
    fields = []
    for line in lines:
        field = _readers.header_field_re.fullmatch(_SPACE_BEFORE_COLON.sub(rb"\1:", line))
        if field is not None and field["field_name"].lower() not in _FRAMING_FIELDS:
            fields.append((field["field_name"], field["field_value"]))
    return fields


class _ChunkLines:
    """A receive buffer whose next line, a chunk's size, loses the whitespace before its extension's `;`."""

    def __init__(self, buffer: Any) -> None:
        self._buffer = buffer

    def maybe_extract_next_line(self) -> bytearray | None:
        line = self._buffer.maybe_extract_next_line()
        return None if line is None else bytearray(_CHUNK_EXT_AFTER_SPACE.sub(rb"\1;", line))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


_ChunkedReader: Any = getattr(_readers, "ChunkedReader", object)  # another h11 may lack it: then never installed


class TolerantChunkedReader(_ChunkedReader):  # type: ignore[misc]
    """h11's chunked reader, which drops the trailer lines it cannot read and reads `size ;ext`."""

    def __call__(self, buf: Any) -> Any:
        if self._reading_trailer:
            lines = buf.maybe_extract_lines()
            return None if lines is None else h11.EndOfMessage(headers=readable_trailers(lines))
        return super().__call__(_ChunkLines(buf))


def _read_response_head(buffer: Any) -> Any:
    strict = getattr(_readers, _STRICT_READER_NAME)
    return strict(_TolerantBuffer(buffer))  # duck-typed: it reads lines only


def _h11_as_known() -> bool:
    """h11's private readers are those this module was written against (h11 0.16)."""
    readers: Any = getattr(_readers, "READERS", None)
    strict = getattr(_readers, _STRICT_READER_NAME, None)
    shared = getattr(_connection, "READERS", None) is readers  # the table connections read from
    if not isinstance(readers, dict) or not shared or not callable(strict):
        return False
    bodies = readers.get(h11.SEND_BODY)
    chunked = bodies.get("chunked") if isinstance(bodies, dict) else None
    if chunked not in (_ChunkedReader, TolerantChunkedReader) or not _chunked_reader_as_known():
        return False
    return all(readers.get(state) in (strict, _read_response_head) for state in _RESPONSE_STATES)


def _chunked_reader_as_known() -> bool:
    """h11's ChunkedReader keeps the attributes TolerantChunkedReader reads, and the regexes are there."""
    if _ChunkedReader is object:
        return False
    reader = _ChunkedReader()
    known = all(hasattr(reader, name) for name in ("_reading_trailer", "_bytes_in_chunk", "_bytes_to_discard"))
    return known and all(hasattr(_readers, name) for name in ("status_line_re", "header_field_re"))


def tolerate_old_response_heads() -> bool:
    """Read old servers' response heads as browsers do (idempotent; see the module's docstring). False, and
    nothing changed, when h11's internals are not as known: strict reading beats a crash of every fetch."""
    if not _h11_as_known():
        return False
    for state in _RESPONSE_STATES:
        _readers.READERS[state] = _read_response_head
    bodies: Any = _readers.READERS[h11.SEND_BODY]
    bodies["chunked"] = TolerantChunkedReader
    return True
