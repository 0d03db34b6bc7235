"""Response heads that old servers write and h11 refuses, read as browsers read them.

h11 refuses the whole response (`protocol_error`, for good: every run, every page of such a server) for:
- `Name : value`, whitespace before the colon (an embedded box, an old CMS's hand-written
  `Content-Type : text/html`): RFC 9112 (5.1) forbids it, and a proxy forwarding one "MUST remove any such
  whitespace"; browsers and curl read it as the header it names. So do we;
- a header line with no colon at all (`X-Powered-By` alone): browsers skip it. So do we;
- an empty line before the status line (a server that writes a CRLF after each body, past its
  `Content-Length`): every second request on a kept-alive connection failed, `no response line received`.
  RFC 9112 (2.2) asks servers to skip such lines before a request line; browsers skip them here too.

Why this cannot open request smuggling or header injection:
- only the reader of a *server's* answers is changed (h11's `(SERVER, IDLE)` and `(SERVER, SEND_RESPONSE)`
  readers); requests that an h11 server in this process reads are judged as strictly as before;
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
_CLOSE = b"Connection: close"
MAX_EMPTY_LINES = 4  # skipped before a status line; a server sending more is sending something else
_RESPONSE_STATES = ((h11.SERVER, h11.IDLE), (h11.SERVER, h11.SEND_RESPONSE))
_STRICT_READER_NAME = "maybe_read_from_SEND_RESPONSE_server"


def tolerant_head(lines: list[bytearray], skipped_empty: bool = False) -> list[bytearray]:
    """The head's lines with the whitespace before each header's colon dropped and lines with no colon left
    out, and `Connection: close` added when any of that (or `skipped_empty`) was done; the status line
    (first) is left alone."""
    fixed = [lines[0]]
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
    return all(readers.get(state) in (strict, _read_response_head) for state in _RESPONSE_STATES)


def tolerate_old_response_heads() -> bool:
    """Read old servers' response heads as browsers do (idempotent; see the module's docstring). False, and
    nothing changed, when h11's internals are not as known: strict reading beats a crash of every fetch."""
    if not _h11_as_known():
        return False
    for state in _RESPONSE_STATES:
        _readers.READERS[state] = _read_response_head
    return True
