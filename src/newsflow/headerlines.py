"""Response header lines that old servers write and h11 refuses: `Name : value` (space before the colon).

RFC 9112 (5.1) forbids whitespace between a field name and its colon, and h11 refuses the whole response
(`illegal header line`): a `protocol_error` for good, every run, for a server that has always answered so
(an embedded box, an old CMS's hand-written `Content-Type : text/html`). Browsers and curl read such a
line as the header it names, and a proxy forwarding it "MUST remove any such whitespace" (RFC 9112 5.1):
so do we, for responses only.

Why this cannot open request smuggling or header injection:
- only the reader of a *server's* answers is changed (h11's `(SERVER, IDLE)` and `(SERVER, SEND_RESPONSE)`
  readers); requests that an h11 server in this process reads are judged as strictly as before;
- only whitespace (space, tab) between a valid token and the colon is dropped; the line then goes through
  h11's own checks, so a CR, LF, NUL or a name that is not a token is refused as before;
- a response that needed it also gets `Connection: close`: its connection is never used again, so however
  it framed its body (`Content-Length : 5`), nothing it sent can be read as the answer to another request.

h11 takes no reader per connection, so its readers table is amended once, process-wide (as fetch.py swaps
httpx's private `_pool`). This module is the only importer of h11.
"""

from __future__ import annotations

import re
from typing import Any

import h11
from h11 import _readers

_SPACE_BEFORE_COLON = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+:")
_CLOSE = b"Connection: close"
_RESPONSE_STATES = ((h11.SERVER, h11.IDLE), (h11.SERVER, h11.SEND_RESPONSE))
_strict_reader = _readers.maybe_read_from_SEND_RESPONSE_server


def tolerant_head(lines: list[bytearray]) -> list[bytearray]:
    """The head's lines with the whitespace before each header's colon dropped, and `Connection: close`
    added when there was any; the status line (first) is left alone."""
    fixed = [lines[0], *(bytearray(_SPACE_BEFORE_COLON.sub(rb"\1:", line)) for line in lines[1:])]
    return [*fixed, bytearray(_CLOSE)] if fixed != lines else lines


class _TolerantBuffer:
    """h11's receive buffer, whose header lines come out as `tolerant_head` writes them."""

    def __init__(self, buffer: Any) -> None:
        self._buffer = buffer

    def maybe_extract_lines(self) -> list[bytearray] | None:
        lines = self._buffer.maybe_extract_lines()
        return tolerant_head(lines) if lines else lines

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


def _read_response_head(buffer: Any) -> Any:
    return _strict_reader(_TolerantBuffer(buffer))  # type: ignore[arg-type]  # duck-typed: it reads lines only


def tolerate_space_before_colon() -> None:
    """Read `Name : value` in a server's answer as `Name: value` (idempotent; see the module's docstring)."""
    for state in _RESPONSE_STATES:
        _readers.READERS[state] = _read_response_head
