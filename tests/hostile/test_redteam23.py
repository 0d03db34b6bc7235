"""Red team 23: hostile servers and the unattended run (docs/security.md, "Red team 23").

1. A chunked body whose trailer h11 cannot read (`Checksum : abc`, a line with no colon) was refused whole:
   `protocol_error`, every run, every page and feed of such a server. Nothing reads a response's trailers
   (httpcore drops them, browsers ignore them): such lines are now dropped. A chunk size followed by
   whitespace before its extension (`1a ;name=value`, RFC 9112's BWS) is read too.
2. A status line browsers read and h11 does not (`HTTP/2 200` or `HTTP/3 200` from a broken proxy or CDN
   answering an HTTP/1.1 request, `http/1.1 200 OK`, two spaces before the code) was `protocol_error` for
   good. Now it is read as `HTTP/1.1` (1.0 for 1.0), and its connection is closed after the answer.
4. A redirect whose `Location` spells its slashes as backslashes (`\\\\host/page`, `/\\host/page`,
   `http:\\\\host\\page`: IIS and Windows-built CMSs) was joined as a path on the redirecting host, a 404:
   the article counted, parked after 3. Browsers (the WHATWG URL parser) read a backslash before the query as
   a slash in an http(s) URL; so do we, and the hop is guarded like any other.
5. Two Content-Type headers (`text/html` twice, or beside `application/octet-stream`: a PHP `header()` over
   the server's own) were read as one type, `text/html, text/html`, which is no HTML: `not_html`, parked at
   once, for good. Now the type is the one the Fetch standard's "extract a MIME type" picks.
3. A `204 No Content` or `205 Reset Content` to an article, or an untyped `200` with an empty body (a CMS
   mid-deploy), was `not_html`: parked at once, for good, its reason "the first bytes are not HTML (b'')".
   A 204 or 205 is now an `http_error` saying the server sent no page (an attempt, parked after 3); an
   untyped empty page is judged as a typed one is (`extract_empty`, an attempt).

Every server is real, on loopback. `newsflow serve` under SIGTERM while it
starts is in test_redteam23_signals.py.
"""

from __future__ import annotations

import pytest

from newsflow.fetchrules import effective_content_type, with_slashes
from newsflow.headerlines import tolerant_status_line
from newsflow.models import Outcome
from newsflow.pipeline import TERMINAL_ARTICLE_OUTCOMES, UNCOUNTED_ARTICLE_OUTCOMES
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, fetch_feed, settings
from tests.hostile.test_redteam22 import assert_three_pages_fetched_in_turn, page
from tests.sitefactory import rss_feed

FEED = rss_feed("cafe", [("Cafe reopens", "http://x.test/1", None)])


def with_length(status_line: bytes, body: bytes, content_type: bytes = b"text/html") -> bytes:
    return (status_line + b"\r\nContent-Type: " + content_type + b"\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body)


def chunked(body: bytes, trailer: bytes = b"", size_suffix: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            + f"{len(body):x}".encode() + size_suffix + b"\r\n" + body + b"\r\n0\r\n" + trailer + b"\r\n")


def answered(answer: bytes, feed: bool = False) -> tuple[Outcome, bytes, str]:
    """One fetch from a server answering `answer` to every request: its outcome, body and error."""
    server = RawServer(lambda path: answer)
    try:
        result = (fetch_feed if feed else fetch_article)(settings(respect_robots=False), server.url("/p"))
    finally:
        server.close()
    return result.outcome, result.html or result.body or b"", result.error or ""


# 1. Chunked bodies: trailers nobody reads, whitespace before an extension

@pytest.mark.parametrize("answer", [
    chunked(page("Trailed"), trailer=b"Checksum : abc\r\n"),  # space before the colon
    chunked(page("Trailed"), trailer=b"Server-Timing\r\n"),  # no colon
    chunked(page("Trailed"), size_suffix=b" ;name=value"),  # BWS before `;` (RFC 9112 7.1.1)
], ids=["space-before-colon", "no-colon", "space-before-extension"])
def test_a_chunked_body_is_read_whatever_its_trailer_or_extension_spacing(answer: bytes) -> None:
    """Before: `protocol_error` (`illegal header line` / `illegal chunk header`), every run."""
    outcome, body, error = answered(answer)
    assert outcome is Outcome.OK, error
    assert b"Trailed" in body


def test_a_feed_whose_chunked_trailer_h11_cannot_read_is_read() -> None:
    answer = chunked(FEED, trailer=b"Checksum : abc\r\n").replace(b"text/html", b"application/rss+xml")
    outcome, body, error = answered(answer, feed=True)
    assert outcome is Outcome.OK and b"Cafe reopens" in body, error


def test_a_body_cut_inside_its_trailer_is_still_cut_short() -> None:
    """Control: the trailer's end (the empty line) still ends the message; a close before it is a cut."""
    outcome, _, error = answered(chunked(page("Cut"), trailer=b"Checksum : abc\r\n")[:-2])
    assert outcome is Outcome.PROTOCOL_ERROR, error


# 2. Status lines browsers read

@pytest.mark.parametrize("status_line", [
    b"HTTP/2 200", b"HTTP/3 200 OK", b"http/1.1 200 OK", b"HTTP/1.1  200 OK",  # more spellings: the unit test below
])
def test_a_status_line_browsers_read_is_read(status_line: bytes) -> None:
    """Before: `protocol_error` (`illegal status line`), every run, for every page of such a proxy."""
    outcome, body, error = answered(with_length(status_line, page("Proxied")))
    assert outcome is Outcome.OK, error
    assert b"Proxied" in body


def test_a_feed_behind_a_proxy_answering_http_2_over_http_1_is_read() -> None:
    outcome, body, error = answered(with_length(b"HTTP/2 200", FEED, b"application/rss+xml"), feed=True)
    assert outcome is Outcome.OK and b"Cafe reopens" in body, error


def test_early_hints_from_such_a_proxy_are_skipped_before_the_answer() -> None:
    outcome, body, error = answered(b"HTTP/2 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                                    + with_length(b"HTTP/2 200", page("Hinted")))
    assert outcome is Outcome.OK and b"Hinted" in body, error


def test_a_repaired_status_line_closes_its_connection() -> None:
    """A proxy answering `HTTP/2 200`, its `Content-Length` followed on the same write by a second answer that a
    client reusing the connection would take for the next page: each page is read on a connection of its own."""
    def answer(path: str) -> bytes:
        return with_length(b"HTTP/2 200", page(f"Page {path}")) + with_length(b"HTTP/1.1 200 OK", page("Smuggled"))
    assert_three_pages_fetched_in_turn(answer)


@pytest.mark.parametrize("status_line", [
    b"ICY 200 OK", b"HTTP/1.1 20 OK", b"SSH-2.0-OpenSSH_9.6",
])
def test_what_is_no_http_status_line_is_still_refused(status_line: bytes) -> None:
    """Control (passes before and after): not HTTP, or no three-digit code, is a `protocol_error`."""
    outcome, _, error = answered(with_length(status_line, page("Not HTTP")))
    assert outcome is Outcome.PROTOCOL_ERROR, error


@pytest.mark.parametrize(("line", "read"), [
    (b"HTTP/2 200 OK", b"HTTP/1.1 200 OK"),
    (b"HTTP/2.0 200 OK", b"HTTP/2.0 200 OK"),  # h11 reads it: left as it is
    (b"http/1.0 404 Not Found", b"HTTP/1.0 404 Not Found"),
    (b"HTTP/1 200 OK", b"HTTP/1.0 200 OK"),
    (b"HTTPS/1.1 200 OK", b"HTTPS/1.1 200 OK"),  # not HTTP: left for h11 to refuse
    (b"HTTP/1.1 OK", b"HTTP/1.1 OK"),
    (b"HTTP/0.9 200 OK", b"HTTP/0.9 200 OK"),  # h11 reads it (as 1.0): left as it is
    (b"HTTP/0 200 OK", b"HTTP/1.0 200 OK"),
    (b"HTTP/1.1  301  Moved ", b"HTTP/1.1 301 Moved"),
    (b"HTTP/2 200 O\x00K", b"HTTP/2 200 O\x00K"),  # a NUL: left for h11 to refuse (test_server_input.py)
])
def test_how_a_status_line_is_read(line: bytes, read: bytes) -> None:
    assert tolerant_status_line(bytearray(line)) == read


# 3. No content: an answer we refuse parks no article without a reason users can read

@pytest.mark.parametrize(("answer", "said"), [
    (b"HTTP/1.1 204 No Content\r\n\r\n", "HTTP 204 (No Content): the server sent no page; tried again later"),
    (b"HTTP/1.1 205 Reset Content\r\nContent-Type: text/html\r\n\r\n", "HTTP 205 (Reset Content)"),
], ids=["204", "205-typed"])
def test_an_article_answering_204_or_205_is_a_counted_attempt_with_a_reason(answer: bytes, said: str) -> None:
    """Before: untyped, `not_html`, final (parked at once, for good) with the reason "the first bytes are not
    HTML (b'')"; typed, `ok` with no page, an "empty page" of a 200. Now an `http_error` (an attempt counted,
    parked after `max_article_attempts`) that says what the server answered. The run's mapping of outcomes
    is the pipeline's (tests/test_pipeline.py); the cost of a whole run is not paid here."""
    outcome, _, error = answered(answer)
    assert outcome is Outcome.HTTP_ERROR and said in error, error
    assert outcome not in TERMINAL_ARTICLE_OUTCOMES and outcome not in UNCOUNTED_ARTICLE_OUTCOMES


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", b"HTTP/1.0 200 OK\r\n\r\n \r\n\t",
], ids=["length-0", "blank-ended-by-close"])
def test_an_untyped_empty_page_is_an_empty_page_not_refused_as_not_html(answer: bytes) -> None:
    """Before: `not_html` (final: parked at once). Now `ok` with an empty body, which the run judges as any
    empty page (`extract_empty`, "the server answered 200 with an empty page"; an attempt, parked after 3)."""
    outcome, body, error = answered(answer)
    assert outcome is Outcome.OK and not body.strip(), error


def test_a_feed_answering_204_says_so_and_backs_off_as_a_soft_failure() -> None:
    outcome, _, error = answered(b"HTTP/1.1 204 No Content\r\n\r\n", feed=True)
    assert outcome is Outcome.HTTP_ERROR and "HTTP 204 (No Content): the server sent no feed" in error


def test_an_untyped_pdf_is_still_not_html() -> None:
    """Control (both): only an empty or blank untyped body escapes the sniffing."""
    outcome, _, error = answered(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n  %PDF-1.7\r\n")
    assert outcome is Outcome.NOT_HTML, error


def test_a_served_page_is_unchanged_by_the_empty_body_rule() -> None:
    outcome, body, error = answered(with_length(b"HTTP/1.1 200 OK", b"\n\n" + page("Blank first"), b""))
    assert outcome is Outcome.OK and b"Blank first" in body, error


# 4. Backslashes in a Location, read as browsers read them

@pytest.mark.parametrize("spelling", ["\\\\{host}/page", "http:\\\\{host}\\page"], ids=["backslashes", "with-scheme"])
def test_a_location_with_backslashes_goes_where_a_browser_goes(spelling: str) -> None:
    """Before: `http_error` 404 at `http://<redirecting host>/\\\\<host>/page`, the page never reached."""
    target = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", page("Moved")))
    location, expected = spelling.format(host=f"127.0.0.1:{target.port}").encode(), target.url("/page")
    source = RawServer(lambda path: b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")
    try:
        result = fetch_article(settings(respect_robots=False), source.url("/go"))
    finally:
        source.close()
        target.close()
    assert result.outcome is Outcome.OK and b"Moved" in result.html, result.error
    assert result.final_url == expected and len(target.requests) == 1


def test_a_backslash_location_to_a_private_address_is_still_blocked() -> None:
    """The hop a backslash Location names is guarded like any other (before: a 404 on the source instead)."""
    source = RawServer(lambda path: b"HTTP/1.1 302 Found\r\nLocation: \\\\169.254.169.254\\latest\r\n"
                                    b"Content-Length: 0\r\n\r\n")
    try:
        result = fetch_article(settings(respect_robots=False), source.url("/go"))
    finally:
        source.close()
    assert result.outcome is Outcome.BLOCKED, result.error


@pytest.mark.parametrize(("location", "read"), [
    ("/p?q=a\\b#x\\y", "/p?q=a\\b#x\\y"),  # a query's and a fragment's backslashes are theirs
    ("\\\\h\\p?q=\\", "//h/p?q=\\"),
    ("/\\h/p", "//h/p"),
    ("/plain", "/plain"),
])
def test_which_backslashes_are_slashes(location: str, read: str) -> None:
    assert with_slashes(location) == read


# 5. Several Content-Type values, read as browsers read them

@pytest.mark.parametrize("types", [
    [b"text/html", b"text/html"], [b"application/octet-stream", b"text/html"], [b"text/plain, text/html"],
    [b"text/html; charset=utf-8", b"text/html"],
], ids=["html-twice", "octet-stream-then-html", "a-list-in-one-header", "charset-then-without-read-before-too"])
def test_an_article_typed_twice_is_read_by_the_type_a_browser_uses(types: list[bytes]) -> None:
    """Before: `not_html` (`Content-Type text/html, text/html is not HTML`), final: parked at once, for good."""
    body = page("Typed twice")
    answer = (b"HTTP/1.1 200 OK\r\n" + b"".join(b"Content-Type: " + t + b"\r\n" for t in types)
              + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    outcome, html, error = answered(answer)
    assert outcome is Outcome.OK and b"Typed twice" in html, error


@pytest.mark.parametrize(("value", "read"), [
    ("text/html", "text/html"),
    ("text/html, application/pdf", "application/pdf"),  # the last type wins: a PDF is still not HTML
    ("text/html; charset=iso-8859-1, text/html", "text/html; charset=iso-8859-1"),  # its charset kept
    ("text/html; charset=iso-8859-1, text/html; charset=utf-8", "text/html; charset=utf-8"),
    ("text/plain; charset=utf-8, text/html", "text/html"),  # another type: the charset is not carried over
    ('text/html; charset="a,b"', 'text/html; charset="a,b"'),  # a comma inside quotes splits nothing
    ("text/html, */*, nonsense", "text/html"),
])
def test_which_content_type_several_values_mean(value: str, read: str) -> None:
    assert effective_content_type(value) == read
