"""Red team 48 (docs/security.md, "Red team 48"): what red team 47 left of text past a body's length, decided on
loopback (`bytestreams.StreamServer`). Bytes past a `Content-Length`, read with the body, are the body's when it has
not ended there (red team 46-47: a length counted short); text after a body that did end is not. Red team 47 told
an end only by a page's closing `</html>`/`</body>` and a feed's root: text after a page with no root, or after a
page that closed `</html>` and then printed a footer (a cache's, a tracker's), was still stored as the page's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.servers import settings
from tests.world.bytestreams import Stream, StreamServer, head, sized

# A PHP warning printed after a body whose length was right (red team 47's): no part of the body.
WARNING = b"\n<b>Warning</b>: Cannot modify header information - headers already sent in /var/www/a.php on line 3"
PAGE = (b"<html><head><title>A story</title></head><body><article><p>The first paragraph of the story.</p>"
        b"<p>The second paragraph.</p></article></body></html>")
FOOTER = b'\n<div class="cache">served by cache-7 in 3 ms</div>\n<script>track()</script>\n'
ROOTLESS = (b"<article><p>The first paragraph of a fragment page.</p><p>The second paragraph, with no root.</p>"
            b"</article>\n")
NO_ROBOTS = Stream(((sized("404 Not Found", b""), 0.0),))
ROUTES: dict[str, Stream] = {}


@pytest.fixture(scope="module")
def server() -> Iterator[StreamServer]:
    served = StreamServer("127.0.0.1", lambda path: ROUTES.get(path, NO_ROBOTS))
    yield served
    served.close()


def _article(server: StreamServer, path: str, length: int, written: bytes) -> FetchResult:
    ROUTES[path] = Stream(((head("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                            ("Content-Length", str(length))]) + written, 0.0),))

    async def go() -> FetchResult:
        async with Fetcher(settings(timeout=2.0)) as fetcher:
            return await fetcher.fetch_article(server.url(path))

    return asyncio.run(go())


def test_text_after_a_footer_after_a_closed_page_is_not_the_pages(server: StreamServer) -> None:
    """The page closes `</html>`, a cache prints its footer and a script after it (inside the length), then a PHP
    warning past the length. Red team 47 looked only for blanks and comments after `</html>`: the footer made the
    page look unended and the warning was stored at its end. A body ending in a closed tag with `</html>` before
    it has ended."""
    body = PAGE + FOOTER
    result = _article(server, "/footer", len(body), body + WARNING)
    assert result.outcome is Outcome.OK and result.html == body, (result.outcome, result.html[-80:])


def test_text_after_a_rootless_page_that_ended_is_not_the_pages(server: StreamServer) -> None:
    """A page with no `<html>`/`<body>` (a fragment some sites serve), a right length ending in its closing
    `</article>`, then the warning. Red team 47 took any text after a rootless page as its own."""
    result = _article(server, "/rootless", len(ROOTLESS), ROOTLESS + WARNING)
    assert result.outcome is Outcome.OK and result.html == ROOTLESS, (result.outcome, result.html[-80:])


@pytest.mark.parametrize("body", [PAGE + FOOTER, ROOTLESS], ids=["footer", "rootless"])
def test_such_pages_counted_short_mid_text_are_still_stored_whole(server: StreamServer, body: bytes) -> None:
    """Control (red team 46's rule kept): the same pages counted short, the cut inside their text, the rest in the
    same write: not ended there, stored whole."""
    cut = body.index(b"paragraph.") if b"paragraph." in body else body.index(b"with no root")
    result = _article(server, f"/short-{len(body)}", cut, body)
    assert result.outcome is Outcome.OK and result.html == body, (result.outcome, result.html[-80:])


# Review of red team 48: pages counted short right after a closing tag that is no end of theirs, the rest of the
# story in the same write. Red team 48 took any closing tag for a rootless page's end, and any `</html>`/`</body>`
# in the last 4 KiB for a rooted one's: each lost the story after the cut.
CUT_AFTER_A_CLOSING_TAG = {
    "minified": b"<!doctype html><meta charset=utf-8><title>Story</title><h1>Story</h1><p>One.</p>\n<p>Two.</p>",
    "xml": b"<?xml version='1.0'?><article><front><title>T</title></front><sec><p>One.</p><p>Two.</p></sec></article>",
    "script": (b"<html><body><article><p>One.</p><script>document.write('<body>ad</body>')</script><p>One.</p>"
               b"<p>Two.</p></article></body></html>"),
    "stray-body": b"<html><body><p>Teaser.</p></body><article><p>One.</p><p>Two.</p></article></body></html>",
}


@pytest.mark.parametrize("name", CUT_AFTER_A_CLOSING_TAG)
def test_a_page_counted_short_right_after_a_tag_not_its_end_is_stored_whole(server: StreamServer, name: str) -> None:
    body = CUT_AFTER_A_CLOSING_TAG[name]
    cut = body.rindex(b"One.</p>") + len(b"One.</p>")
    result = _article(server, f"/cut-after-tag-{name}", cut, body)
    assert result.outcome is Outcome.OK and result.html == body, (result.outcome, result.html[-80:])
