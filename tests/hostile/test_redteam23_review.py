"""Review of red team 23 (docs/security.md, "Red team 23"): each test failed on the branch before its fix.

1. The loose status line regex ended in a lazy `(.*?)` before `[ \\t]*`: O(n^2) backtracking on a reason
   holding a long run of spaces. One answer whose status line was `http/1.1 200 a`, 60 KB of spaces, `b`
   held the event loop (every fetch of the run, every deadline) for ~25 s; 100 KB (httpcore's cap) ~70 s.
2. A status line whose version had more than 4,300 digits raised int()'s ValueError inside h11's reader:
   `fetch_error`, "unexpected ValueError: Exceeds the limit (4300 digits)", not the `protocol_error` that
   any other line that is no status line is.
3. Several Content-Type values were split by a look-ahead regex counting quotes to the end of the value at
   each comma: O(n^2), ~18 s of the event loop for a 96 KB header of commas.
4. A chunked trailer holding a framing field (`Content-Length: abc`, `Transfer-Encoding: gzip`, two different
   `Content-Length`) still refused the whole body: h11 judges the fields the tolerant reader passes on.
   RFC 9110 (6.5.1) forbids them in trailers; nothing reads a response's trailers: they are dropped.
5. An untyped body whose first 512 bytes are blank was sniffed again at each chunk, all of it joined each
   time: O(n^2), 29 s of the event loop for 1 MB of spaces in 64-byte chunks (a timeout at the deadline,
   every other fetch of the run starved meanwhile). Now it is joined again only when a piece is not blank.

The bounds below are ~100 times what the fixed code takes, and ~10 times less than the branch took.
"""

from __future__ import annotations

import time

import pytest

from newsflow.fetchrules import effective_content_type
from newsflow.models import Outcome
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, settings
from tests.hostile.test_redteam22 import page
from tests.hostile.test_redteam23 import answered, chunked, with_length


def test_a_status_line_with_a_long_run_of_spaces_in_its_reason_is_read_at_once() -> None:
    started = time.monotonic()
    outcome, html, error = answered(with_length(b"http/1.1 200 a" + b" " * 60_000 + b"b", page("Spaced")))
    assert time.monotonic() - started < 3.0, "the status line's regex backtracked"
    assert outcome is Outcome.OK and b"Spaced" in html, error


def test_a_status_line_whose_version_has_thousands_of_digits_is_no_status_line() -> None:
    outcome, _, error = answered(with_length(b"HTTP/" + b"1" * 5_000 + b" 200 OK", page("Long")))
    assert outcome is Outcome.PROTOCOL_ERROR, error


def test_a_content_type_of_many_commas_is_read_at_once() -> None:
    started = time.monotonic()
    assert effective_content_type("text/html" + "," * 96_000) == "text/html"
    assert time.monotonic() - started < 1.5, "the comma splitter rescanned the value at each comma"


@pytest.mark.parametrize("trailer", [
    b"Content-Length: abc\r\n", b"Transfer-Encoding: gzip\r\n", b"Content-Length: 1\r\nContent-Length: 2\r\n",
], ids=["bad-length", "transfer-encoding", "two-lengths"])
def test_a_chunked_body_whose_trailer_holds_a_framing_field_is_read(trailer: bytes) -> None:
    outcome, html, error = answered(chunked(page("Trailed"), trailer=trailer))
    assert outcome is Outcome.OK and b"Trailed" in html, error


def test_an_untyped_blank_body_in_small_chunks_is_read_at_once() -> None:
    blank = b" " * 64
    answer = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              + (b"40\r\n" + blank + b"\r\n") * 16_000 + b"0\r\n\r\n")  # 1 MB
    server = RawServer(lambda path: answer)
    started = time.monotonic()
    try:
        result = fetch_article(settings(respect_robots=False, timeout=60.0), server.url("/p"))
    finally:
        server.close()
    assert time.monotonic() - started < 10.0, "the blank head was joined again at each chunk"
    assert result.outcome is Outcome.OK, result.error
