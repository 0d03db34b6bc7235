"""Red team 49 (docs/security.md, "Red team 49"): the decisions red team 48 took on text past a body, which had no
test. Bytes past a page's `Content-Length` that come after the body's last read are dropped, the page stored cut,
and the next page of the host is fetched whole on a new connection; text after a robots.txt's body is the
robots.txt's (its junk lines are dropped by the robots parser, its rules kept). Every server real, on loopback
(`bytestreams.StreamServer`)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.servers import settings
from tests.world.bytestreams import Stream, StreamServer, head, sized

PAGE = (b"<html><head><title>A story</title></head><body><article><p>The first paragraph of the story.</p>"
        b"<p>The second paragraph, which a length counted short cuts in half.</p><p>The end.</p></article>"
        b"</body></html>")
CUT = PAGE.index(b"cuts in half")
NEXT = b"<html><body><article><p>The next story of the host, whole.</p></article></body></html>"
NO_ROBOTS = Stream(((sized("404 Not Found", b""), 0.0),))
HELD_AT_MOST = 5.0  # a failing case still ends


class LateServer(StreamServer):
    """A `StreamServer` whose `/late` page is counted short and whose rest is written on the same kept-alive
    connection only once the test has its result (`release`): after the body's last read, for certain."""

    def __init__(self, host: str, routes: dict[str, Stream]) -> None:
        self.release, self.late_written = threading.Event(), threading.Event()
        super().__init__(host, lambda path: routes.get(path, NO_ROBOTS))

    def _send(self, connection: socket.socket, stream: Stream) -> bool:
        if stream is not LATE:
            return super()._send(connection, stream)
        connection.sendall(stream.pieces[0][0])
        self.release.wait(HELD_AT_MOST)
        connection.sendall(stream.pieces[1][0])
        self.late_written.set()
        return True


LATE = Stream(((head("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(CUT))]) + PAGE[:CUT], 0.0),
               (PAGE[CUT:], 0.0)))


@pytest.fixture()
def late_server() -> Iterator[LateServer]:
    routes = {"/late": LATE, "/next": Stream(((sized("200 OK", NEXT, [("Content-Type", "text/html")]), 0.0),))}
    served = LateServer("127.0.0.1", routes)
    yield served
    served.release.set()
    served.close()


def test_bytes_past_a_length_after_the_bodys_last_read_are_dropped_and_the_next_page_is_whole(
    late_server: LateServer,
) -> None:
    """Decided (red team 48, 6): a page counted short mid-paragraph, its rest written on the kept-alive connection
    after the body was read, is stored cut (`ok`: it cannot be told from a template that never closes `</html>`
    without waiting on the connection), and the rest is no answer to the host's next request: that page is fetched
    whole, on a new connection."""

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(settings(timeout=2.0)) as fetcher:
            late = await fetcher.fetch_article(late_server.url("/late"))
            late_server.release.set()  # the rest now comes, after the body's last read
            assert await asyncio.to_thread(late_server.late_written.wait, HELD_AT_MOST)
            return late, await fetcher.fetch_article(late_server.url("/next"))

    late, following = asyncio.run(go())
    assert late.outcome is Outcome.OK and late.html == PAGE[:CUT], (late.outcome, late.error, late.html[-40:])
    assert following.outcome is Outcome.OK and following.html == NEXT, (following.outcome, following.error)
    [first] = late_server.heard_on("/late")
    [second] = late_server.heard_on("/next")
    assert second.connection != first.connection, late_server.heard


ROBOTS = b"User-agent: *\nDisallow: /private/\n"
AFTER_ROBOTS = (b"<b>Warning</b>: Undefined variable $site in /var/www/robots.php on line 7\n"
                b"<html><body>Error</body></html>\nDisallow: /late/\n")


def test_text_after_a_robots_txt_is_taken_its_junk_dropped_and_its_rules_kept() -> None:
    """Decided (red team 48, 5): a robots.txt of a right length, then a PHP warning, an HTML error page and one
    more rule in the same write. Its length ending at a line's end cannot be told from one counted short there, so
    the rest is taken: `/late/` is disallowed too; the junk lines are dropped by the robots parser, so the rules
    before it stand (`/private/` disallowed, `/open` fetched)."""
    page = Stream(((sized("200 OK", NEXT, [("Content-Type", "text/html")]), 0.0),))
    robots = head("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(ROBOTS)))])
    routes = {"/robots.txt": Stream(((robots + ROBOTS + AFTER_ROBOTS, 0.0),)), "/private/x": page, "/late/x": page,
              "/open": page}
    server = StreamServer("127.0.0.1", lambda path: routes.get(path, NO_ROBOTS))

    async def go() -> list[FetchResult]:
        async with Fetcher(settings(timeout=2.0)) as fetcher:
            return [await fetcher.fetch_article(server.url(path)) for path in ("/private/x", "/late/x", "/open")]

    try:
        private, late, open_page = asyncio.run(go())
    finally:
        server.close()
    assert private.outcome is Outcome.ROBOTS_DISALLOWED, (private.outcome, private.error)
    assert late.outcome is Outcome.ROBOTS_DISALLOWED, (late.outcome, late.error)
    assert open_page.outcome is Outcome.OK and open_page.html == NEXT, (open_page.outcome, open_page.error)
    assert not server.heard_on("/private/x") and not server.heard_on("/late/x")
    assert len(server.heard_on("/robots.txt")) == 1, server.heard


# The class red team 49 hunted: a robots.txt written for RFC 9309 crawlers (Google's reading), which
# `urllib.robotparser` read otherwise: it fetched what the site disallows, and refused what it allows.
RFC_9309_ROBOTS = (b"User-agent: news\nDisallow: /\n\n"  # another crawler's group: `newsflow` is not `news`
                   b"User-agent: *\nDisallow: /\nAllow: /news/\n\n"  # the longer Allow wins
                   b"# the blank line above ends nothing\nDisallow: /news/drafts/\n"
                   b"Disallow: /*?print=\nDisallow: /*.pdf$\n\n"
                   b"User-agent: *\nDisallow: /news/private/\n")  # a second `*` group, merged
ALLOWED = ("/news/story", "/news/story.pdf?page=2")
DISALLOWED = ("/news/drafts/x", "/news/story?print=1", "/news/file.pdf", "/news/private/x", "/about")


def test_a_robots_txt_written_for_rfc_9309_is_obeyed_and_its_allowed_pages_fetched() -> None:
    """urllib.robotparser (newsflow until red team 49) fetched `/news/drafts/x`, `/news/story?print=1`,
    `/news/file.pdf` and `/news/private/x`, and refused `/news/story` (`robots_disallowed`: parked at once)."""
    page = Stream(((sized("200 OK", NEXT, [("Content-Type", "text/html")]), 0.0),))
    routes = {path.split("?")[0]: page for path in (*ALLOWED, *DISALLOWED)}
    routes["/robots.txt"] = Stream(((sized("200 OK", RFC_9309_ROBOTS, [("Content-Type", "text/plain")]), 0.0),))
    server = StreamServer("127.0.0.1", lambda path: routes.get(path.split("?")[0], NO_ROBOTS))

    async def go() -> list[FetchResult]:
        async with Fetcher(settings(timeout=2.0)) as fetcher:
            return [await fetcher.fetch_article(server.url(path)) for path in (*ALLOWED, *DISALLOWED)]

    try:
        results = asyncio.run(go())
    finally:
        server.close()
    assert [r.outcome for r in results] == [Outcome.OK] * len(ALLOWED) + [Outcome.ROBOTS_DISALLOWED] * len(
        DISALLOWED), [(r.url, r.outcome) for r in results]
    assert [heard.path for heard in server.heard] == ["/robots.txt", *ALLOWED], server.heard
