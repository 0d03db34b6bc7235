"""Red team 14: the gaps red team 13 left (docs/security.md, "Known gaps"), then hostile servers by class.

1. A page of no declared length (HTTP/1.0 style) with no `<html>` or `<body>` (HTML lets both go
   unwritten), cut short by the server closing, was stored as whole: only a root's missing end
   told a cut. Now a rootless page that ends inside a tag, a comment, a script or a style is cut.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsflow.models import Outcome
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import fetch_article, settings

ROOTLESS = (b"<!doctype html><title>t</title><style>p { margin: 0 }</style>"
            b"<!-- article --><p>" + b"words " * 300 + b"</p><script>var n = 1;</script><p>the end</p>")


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


def close_delimited(body: bytes) -> bytes:
    return response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/html")], body)


@pytest.mark.parametrize("cut_after", [b"<!doctype html><title>t</title><st", b"<!-- arti",
                                       b"<script>var n", b"<style>p { mar", b"</p><scr", b"<p>the end</"])
def test_a_rootless_page_of_no_length_cut_inside_markup_is_an_error(raw: RawServer, cut_after: bytes) -> None:
    """Before: `ok`, the cut page stored as the article for good. Now `protocol_error` (tried again)."""
    cut = ROOTLESS[: ROOTLESS.index(cut_after) + len(cut_after)]
    raw.answer = lambda path: close_delimited(cut)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, (cut[-30:], result.outcome, result.error)
    assert "body cut short: no length was declared" in (result.error or "")
    assert result.html == b""


@pytest.mark.parametrize("body", [
    ROOTLESS,
    ROOTLESS + b"\n\n",
    b"<p>a page cut in its text, or written without end tags, says nothing of its end: taken as it came",
    b"<p>a comparison 1 < 2 in text is not a tag",
    b"<p>an old script <script><!-- hide\nvar x = 1;\n// --></script>",
])
def test_a_whole_rootless_page_of_no_length_is_read(raw: RawServer, body: bytes) -> None:
    raw.answer = lambda path: close_delimited(body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK, result.error
    assert result.html == body


def test_a_rootless_page_cut_inside_markup_is_whole_when_its_length_was_declared(raw: RawServer) -> None:
    """Only a body framed by the close is judged so: a declared length reached is the server's word."""
    body = ROOTLESS[: ROOTLESS.index(b"</p><scr") + 8]
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                                            (b"Content-Length", str(len(body)).encode())], body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK and result.html == body, result.error
