"""Red team 55 (docs/security.md, "Red team 55"): one server under two spellings; a body short of its length.

1. One site reached under two spellings, `www.` and the bare name. A page refused at one spelling after the other
had served us counted as a refusal (red team 54's parking rule), though the server was only rate-limiting us: now
`refusedpages.server_key` (no leading `www.`) counts it by one key, so the page is parked less, never more. The
host gate still keys each spelling apart (`urls.host_key`), as on main: a different server may answer the bare
name (a parked apex answering 503 for an hour), and merging them held the real site's pages (review of red
team 55).

2. A `Content-Length` longer than the body, then the close: `protocol_error` at once whatever came, though a gzip
stream had ended, its CRC and size checked (a length set before compression). Now such a stream unpacked to the
length is whole, whatever it holds; a plain body stays cut even when it seems to close its document (review: cut
after a `</html>` in a script's string), its error naming both lengths.

A real server on loopback, reached under both names by a resolver that answers 127.0.0.1 (no local DNS can be
made to); the rule's cases on real `fetch_events` rows (`test_redteam54._parks`).
"""

from __future__ import annotations

import asyncio
import gzip

import duckdb
import pytest

from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, HostPause, Outcome
from newsflow.refusedpages import server_key
from newsflow.urls import host_key
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, fetch_feed, settings
from tests.hostile.test_redteam53 import ARTICLE, PAGE, ROBOTS_404
from tests.hostile.test_redteam54 import _parks, refusals_store  # noqa: F401 (the fixture, used by name)

HELD = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n"


def test_a_pause_at_the_bare_name_does_not_hold_www_another_server() -> None:
    """`news.test` on a parked host answering 503 `Retry-After: 3600` to everything, `www.news.test` the real site
    on another address (review of red team 55: merging the two spellings' pauses held the real site's three pages
    unsent, its line blaming `www.`). The host gate keys each spelling apart, as on main: the pages are stored."""
    apex = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else HELD, host="127.0.0.2")
    www = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else PAGE)
    fetch_settings = settings(timeout=2.0, per_host_delay=0.05, max_retry_after=1.0)

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.2" if host == "news.test" else "127.0.0.1"]

    async def every() -> tuple[FetchResult, list[FetchResult], dict[str, HostPause]]:
        async with Fetcher(fetch_settings, transport=guarded_transport(fetch_settings, resolver=resolve)) as fetcher:
            first = await fetcher.fetch_article(f"http://news.test:{apex.port}/old-link")
            rest = await asyncio.gather(*(fetcher.fetch_article(f"http://www.news.test:{www.port}/story{n}")
                                          for n in range(3)))
            return first, list(rest), dict(fetcher.gate.asked)

    try:
        first, rest, kept = asyncio.run(every())
    finally:
        apex.close()
        www.close()
    assert first.outcome is Outcome.RATE_LIMITED and first.status_code == 503
    assert [r.outcome for r in rest] == [Outcome.OK] * 3, [r.error for r in rest]
    assert sorted(r.path for r in www.requests if r.path != "/robots.txt") == ["/story0", "/story1", "/story2"]
    assert list(kept) == ["news.test"]


@pytest.mark.parametrize(("written", "key"), [
    ("www.site.test", "site.test"), ("WWW.Site.Test.", "site.test"), ("site.test", "site.test"),
    ("www.bücher.example", "xn--bcher-kva.example"),
    # kept as they are: a name with no dot left, a dotted quad left (a DNS name, not the address), other labels
    ("www.test", "www.test"), ("www", "www"), ("www.127.0.0.1", "www.127.0.0.1"), ("wwwsite.test", "wwwsite.test"),
    ("www2.site.test", "www2.site.test"), ("news.www.site.test", "news.www.site.test"), ("127.0.0.1", "127.0.0.1")])
def test_which_spellings_the_refusal_rule_counts_as_one_server(written: str, key: str) -> None:
    assert server_key(written) == key


def test_a_refusal_is_counted_by_server_with_its_port_and_only_the_rule_merges_www() -> None:
    assert server_key("www.site.test:8080") == server_key("site.test:8080") == "site.test:8080"
    assert server_key("site.test:8080") != server_key("site.test:8081")
    assert server_key("WWW.Site.Test") == "site.test"
    assert server_key("user@www.site.test:81") == "site.test:81"
    assert host_key("WWW.Site.Test.") == "www.site.test"  # the host gate's key: each spelling its own


@pytest.mark.parametrize(("shape", "parked"), [
    # its sibling served at the `www.` spelling first in each run: the same server rate-limiting us, kept
    ("after_served_www", False),
    # the page at `www.`, its sibling served at the bare name (review of red team 55, F3)
    ("after_served_bare", False),
    ("after_served_bare_batch_before", False),
    # the same when the sibling was loaded by an earlier batch of this run
    ("after_served_www_batch_before", False),
    # served at another host of the site (`shop.`): another server, and the page's refusals count, parked
    ("after_served_elsewhere", True),
])
def test_a_refusal_after_the_other_spelling_served_counts_nothing(
    refusals_store: duckdb.DuckDBPyConnection, shape: str, parked: bool,  # noqa: F811 (the fixture)
) -> None:
    runs = [(4.0, shape.removesuffix("_batch_before")), (2.0, shape.removesuffix("_batch_before")), (0.0, shape)]
    www = "www." if "_bare" in shape else ""
    assert (_parks(refusals_store, runs, www=www) is not None) is parked


# --- a Content-Length longer than the body, then the close -------------------------------------------------------

FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x.test/</link>'
        b"<item><title>one</title><link>http://x.test/1</link><guid>1</guid></item></channel></rss>")


def _declared(body: bytes, length: int, kind: str, packed: bool = False) -> bytes:
    """`body` under a `Content-Length` of `length`, then the close (RawServer closes after each answer)."""
    content_type = b"application/rss+xml" if kind == "feed" else b"text/html"
    sent = gzip.compress(body, mtime=0) if packed else body
    coding = b"Content-Encoding: gzip\r\n" if packed else b""
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\n" + coding
            + b"Content-Length: %d\r\n\r\n" % length + sent)


def _fetched(kind: str, answer: bytes) -> FetchResult:
    server = RawServer(lambda path: ROBOTS_404 if path == "/robots.txt" else answer)
    try:
        fetch = fetch_feed if kind == "feed" else fetch_article
        return fetch(settings(timeout=2.0), server.url(f"/{kind}"))
    finally:
        server.close()


JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", "url": "http://x.test/1"}]}'
# A print helper's string holds `</body></html>`: a plain body cut right after it seems to close its document
# (review of red team 55: stored cut, the story's last paragraphs lost, never fetched again)
SCRIPTED = ARTICLE.replace(b"</body>", b"<script>w.document.write('<html><body>'+s+'</body></html>');</script>"
                           b"<p>The mayor said the vote was final.</p></body>")


@pytest.mark.parametrize(("kind", "body"), [("feed", FEED), ("feed", JSON_FEED), ("article", ARTICLE)],
                         ids=["rss", "json", "page"])
def test_a_gzip_stream_ended_under_its_unpacked_length_then_the_close_is_whole(kind: str, body: bytes) -> None:
    """A `Content-Length` set before compression (the unpacked size), then the close. Before: `protocol_error` at
    once ("RemoteProtocolError: peer closed connection without sending complete message body"), counted: such a
    page parked after three runs, such a feed backing off for good. Now a gzip stream that ended, its CRC and
    length checked, is whole whatever it holds."""
    result = _fetched(kind, _declared(body, len(body), kind, packed=True))
    assert result.outcome is Outcome.OK, result.error
    assert (result.body if kind == "feed" else result.html) == body


@pytest.mark.parametrize("declared", ["packed", "unpacked"])
def test_two_gzip_members_cut_between_them_are_still_cut(declared: str) -> None:
    """The first member's end is no proof: a server packing its page in parts (red team 51) cut after the first,
    its length the packed one's or the whole page's unpacked."""
    head, rest = SCRIPTED[:200], SCRIPTED[200:]
    sent = gzip.compress(head, mtime=0)
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
              % (len(sent) + len(gzip.compress(rest, mtime=0)) if declared == "packed" else len(SCRIPTED))) + sent
    result = _fetched("article", answer)
    assert result.outcome is Outcome.PROTOCOL_ERROR and result.html == b"", result.error


@pytest.mark.parametrize(("kind", "cut"), [("feed", "mid-document"), ("article", "mid-document"),
                                           ("article", "text-after-the-root"), ("feed", "whole-document"),
                                           ("article", "whole-document"), ("article", "after-a-script-string")])
def test_a_plain_body_closed_before_its_content_length_is_still_cut(kind: str, cut: str) -> None:
    """As on main, in our words: a plain body closed short of its length is cut, even when it seems to close its
    document (a page cut after a `</html>` in a script's string lost its end, stored as whole, when the close of
    the document was taken as proof): not stored, one line naming the URL and both lengths, tried again later."""
    body = FEED if kind == "feed" else SCRIPTED if cut == "after-a-script-string" else ARTICLE
    end = body.find(b"</body></html>'") + len(b"</body></html>")  # (in SCRIPTED only)
    sent = {"mid-document": body[: len(body) // 2], "text-after-the-root": body + b"<p>more", "whole-document": body,
            "after-a-script-string": body[:end]}[cut]
    result = _fetched(kind, _declared(sent, len(body) + 500, kind))
    assert result.outcome is Outcome.PROTOCOL_ERROR and result.body == result.html == b""
    assert f"the connection closed after {len(sent)} bytes of its Content-Length of {len(body) + 500} bytes" in (
        result.error or ""), result.error
    assert result.url in (result.error or "") and "\n" not in (result.error or "")


@pytest.mark.parametrize(("last", "parked"), [("after_served_bare", False), ("after_served_bare_batch_before", False),
                                              ("refused", True)])  # the control: a third refusal parks
def test_this_runs_refusal_at_www_after_the_bare_name_served_is_not_the_third(
    refusals_store: duckdb.DuckDBPyConnection, last: str, parked: bool,  # noqa: F811 (the fixture)
) -> None:
    """Two refusals counted in earlier runs; this run's, the page at `www.` after its sibling at the bare name
    served, does not count (`refusedpages.counted_now` by `server_key`): not parked (review of red team 55, F3)."""
    runs = [(4.0, "refused"), (2.0, "refused"), (0.0, last)]
    assert (_parks(refusals_store, runs, www="www.") is not None) is parked
