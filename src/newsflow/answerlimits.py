"""What one answer may bring at a connection, and what the connection's reader is told by the request's task.

`netguard.ShortReads` reads each connection; the limits it counts an answer against (`answer_cap`,
`MAX_INTERIM_ANSWERS`), the heads it looks for, and the context variables through which the task sending a
request tells it which request it carries live here (split from `netguard`, session 42: no httpcore needed).
`unasked_bytes` tells an idle connection holding bytes nobody asked for (red team 45). `netguard` re-exports
every name.
"""

from __future__ import annotations

import contextvars
import re
import select
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsflow.netguard import ShortReads

HEAD_READ_BYTES = 4_096
HEAD_SCAN_LIMIT = 65_536
FINAL_HEAD = re.compile(rb"HTTP/[0-9.]+ +[2-9][0-9][0-9]")


# Told, in the task sending a request, which connection its request went out on. httpcore's trace
# names the stream of a new connection only; a request on a reused keep-alive connection would
# otherwise never be known to have got no answer (newsflow.fetchrecord.ConnectionTrace).
request_written_on: contextvars.ContextVar[Callable[[ShortReads], None] | None] = contextvars.ContextVar(
    "request_written_on", default=None)


# Entered, in the task sending a request, around the write of its first bytes, then cleared: the host's
# pacing is measured from the send, not from the turn taken before the address check, the DNS answer and the
# connection. It is the request's `SendWindow.write`, waited for before its connection was taken or made.
Pacer = Callable[[], AbstractAsyncContextManager[None]]
request_sending: contextvars.ContextVar[Pacer | None] = contextvars.ContextVar("request_sending", default=None)

# Set, in the task sending a request, to the bytes its answer may bring at the connection (`answer_cap`): the
# body's cap (`fetch.max_bytes`) counts the body alone, so a chunked body's framing (a 60 KB chunk extension on
# each one-byte chunk) and an endless run of interim 1xx answers were read until the deadline (red team 43: about
# 280 MB in 3 s). Read once per request, at its first write. HTTP/1.1 only, as `guarded_pool` speaks: on HTTP/2
# a connection writes WINDOW_UPDATEs while a body comes and carries several answers at once (review of red team 44).
answer_bytes_allowed: contextvars.ContextVar[int | None] = contextvars.ContextVar("answer_bytes_allowed",
                                                                                   default=None)


def answer_cap(max_bytes: int) -> int:
    """What one answer may bring at the connection for a body capped at `max_bytes`: twice it and 1 MB, room for
    a packed body's overhead (an eighth and 64 KB, `fetchbody`), a head of 100 KB (httpcore's limit), a few 1xx
    answers and chunks down to about 16 bytes each (framing of 5-7 bytes a chunk) of a body at the cap."""
    return 2 * max_bytes + 1_048_576


class AnswerTooLarge(Exception):
    """One answer's body brought more bytes at the connection than `answer_cap` allows (its chunk framing)."""


class EndlessInterimAnswers(Exception):
    """More than MAX_INTERIM_ANSWERS interim (1xx) answers, or `answer_cap`'s bytes of them, and no final one."""


# Servers send one or two (`100 Continue`, `103 Early Hints`), a slow WebDAV one a `102 Processing` every few
# seconds. Small ones come slower than the byte cap (h11 parses each): an endless run of them was read until the
# deadline at a fifth of a core (red team 44).
MAX_INTERIM_ANSWERS = 100
INTERIM_HEAD = re.compile(rb"(?:^|\n)HTTP/[0-9.]+ +1[0-9][0-9]")


def is_socket_readable(fd: int) -> bool:
    """httpcore's `is_socket_readable`: a closed socket counts as readable (its next read is b"")."""
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _read_past_answer(connection: object) -> tuple[object, bytes]:
    """An httpcore HTTP/1.1 connection's inner connection and the bytes h11 holds past the last answer's end."""
    inner = getattr(connection, "_connection", None)
    state = getattr(inner, "_h11_state", None)
    if inner is None or state is None:
        return None, b""
    data, _ = getattr(state, "trailing_data", (b"", False))
    return inner, bytes(data)


def unasked_bytes(connection: object) -> bool:
    """Whether an idle HTTP/1.1 connection holds bytes sent past the last answer's end (h11's buffer): the next
    request's answer would be read from them. An unasked second answer written after a page was stored as the next
    page (red team 45); browsers keep the answer and drop such a connection, and so does the pool. A bare CRLF
    after a body (`headerlines`) is no answer. Reads httpcore's and h11's private state: without it nothing is
    dropped, as before, and tests/hostile/test_redteam45.py fails."""
    inner, data = _read_past_answer(connection)
    idle = getattr(inner, "is_idle", None)
    return callable(idle) and bool(idle()) and bool(data.strip(b"\r\n"))


# A status line anywhere in the bytes past a body: an answer of its own follows, even behind a stray chunk
# terminator or a blank line (review of red team 46: its head and page were stored inside the page).
_ANY_STATUS_LINE = re.compile(rb"HTTP/[0-9.]+ +[0-9][0-9][0-9]")


def body_overrun(connection: object) -> bytes:
    """The bytes that came past an answer's body, read with it, when they are text and hold no answer of their
    own (no status line anywhere, no NUL byte): a body longer than its `Content-Length` (red team 46). Empty when
    none were read with it (bytes that come later are not seen), or the state is not there (as `unasked_bytes`)."""
    data = bytes_past_body(connection)
    return b"" if not data.strip() or b"\x00" in data or _ANY_STATUS_LINE.search(data) else data


def bytes_past_body(connection: object) -> bytes:
    """Every byte read with an answer past its `Content-Length`, as it came (binary too): the rest of a packed
    body whose length was counted short is only told from junk by its own stream's end (red team 47)."""
    return _read_past_answer(connection)[1]
