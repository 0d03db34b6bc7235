"""A body against its `Content-Length`: bytes past it (`with_overrun`), a close short of it (`check_closed_short`).

Bytes past it are judged by the document: a body that closed its document (`fetchbody.ends_its_document`) before
them is whole, and they are not its. A close short of it is judged by the gzip stream alone: a body is whole only
when its stream ended, its CRC and length checked. No httpx here: `fetch.py` hands the stream to
`ClosedBeforeLength` with httpx's error and h11's words for such a close.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping

from newsflow.fetchbody import BodyCutShort, ends_its_document, first_lines
from newsflow.fetchrecord import Trail
from newsflow.models import FetchKind

logger = logging.getLogger(__name__)

_WHAT = {FetchKind.ARTICLE: "page", FetchKind.FEED: "feed", FetchKind.ROBOTS: "robots.txt"}


def with_overrun(body: bytes, headers: Mapping[str, str], trail: Trail, max_bytes: int,
                 overrun: Callable[[], bytes]) -> bytes:
    """The body with the bytes read with it past its `Content-Length` that are text and no answer of their own
    (`overrun`: `netguard.body_overrun`), unless the body closed its document before them (`ends_its_document`).
    A server counting its page short (in characters, not bytes, or before a template's end) had the page stored
    cut there, as a whole one (red team 46); a feed so counted lost its last entries, a robots.txt its last rules,
    its disallowed pages fetched (red team 47). Past the cap a page or feed is `BodyCutShort`, not stored cut; a
    robots.txt is read to its limit (`first_lines`)."""
    framed = "transfer-encoding" not in headers and "content-encoding" not in headers
    if not framed or ends_its_document(body, trail.kind) or not (rest := overrun()):
        return body
    declared, what = headers.get("content-length", "")[:20], _WHAT[trail.kind]
    if trail.kind is FetchKind.ROBOTS and len(body) + len(rest) > max_bytes:
        return body if trail.bytes_read >= max_bytes else first_lines((body + rest)[:max_bytes])
    if len(body) + len(rest) > max_bytes:
        raise BodyCutShort(f"the {what} ran past its Content-Length of {declared} bytes and its rest passes "
                           f"fetch.max_bytes ({max_bytes:,}); the {what} read is cut short, not stored")
    logger.info("GET %s: %d bytes past its Content-Length of %s, taken as the %s's", trail.url[:200], len(rest),
                declared, what)
    trail.bytes_read += len(rest)  # the row's `bytes` is the body's, as stored
    return body + rest


class ClosedBeforeLength:
    """A body the server closed before its `Content-Length`, read as a body that ended there, `at` holding what
    came (`received N bytes, expected M`) for `check_closed_short` to judge (red team 55). `cut`: the error the
    stream raises, `words` how it begins for such a close (a chunked body cut so says otherwise: its last chunk
    is its only end, and it stays the stream's error)."""

    def __init__(self, cut: type[Exception], words: str) -> None:
        self._cut, self._words = cut, words
        self.at: str | None = None

    async def ends(self, stream: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        try:
            async for chunk in stream:
                yield chunk
        except self._cut as exc:
            if not str(exc).startswith(self._words):
                raise
            self.at = str(exc).removeprefix(self._words).strip(" ()")


def check_closed_short(body: bytes, headers: Mapping[str, str], trail: Trail, came: str) -> None:
    """A body its server closed before its `Content-Length` (`came`: h11's "N bytes, expected M") is whole only
    when it is one gzip stream that ended, its CRC-32 and size checked (`trail.gzip_whole`, set by `read_body`),
    and it unpacked to that length: a length set before compression had such bodies `protocol_error` every run,
    pages parked after `max_article_attempts`, feeds backing off for good (red team 55). Whatever it holds (a
    page, a JSON feed, a robots.txt), the stream proves it whole; a first gzip member cut from the next seldom
    unpacks to the length. Anything else is `BodyCutShort`, naming both numbers: a plain body that seems to close
    its document may be cut after a `</html>` in a script's string (review of red team 55), so it stays cut."""
    if trail.gzip_whole and headers.get("content-length", "").strip() == str(len(body)):
        logger.info("GET %s: the server closed before its Content-Length (%s) after its gzip stream's end, its "
                    "CRC and size checked, unpacked to that length: taken as whole", trail.url[:200], came)
        return
    came = came.replace(", expected", " of its Content-Length of")
    raise BodyCutShort(f"body cut short: the connection closed after {came} bytes, before the {_WHAT[trail.kind]}'s "
                       "end; not stored, tried again later")
