"""A body of no declared length on a connection its server holds open after it (red teams 50 and 51).

An answer with neither `Content-Length` nor chunks ends only at a close that may never come: every page of such a
server was read to the deadline. An answer saying `Connection: keep-alive` (an HTTP/1.0 server's lie, a broken
proxy) is whole after a short silence past its document's end (`held_open`, `patient`); any other such answer, one
that may end by its close, only when that silence lasts to its deadline (`until_deadline`, red team 51). Here:
after which bytes a silence may end a body (`may_end`, `may_end_line`), the waits, and the stream's chunks with a
mark for each silence (`pieces_until_silence`). `fetchbody.read_body` decides whether the body read is whole.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Mapping

from newsflow.fetchrecord import Trail

# A body of no declared length on an answer that says `Connection: keep-alive` (`held_open`), whose document has
# closed its root (`fetchbody.closed_its_root`) or whose packed stream has finished, after which nothing came for
# this long (or a quarter of `fetch.timeout`, if less) is whole: a server that keeps such a connection open had
# every page `timeout`, counted, parked after `execution.max_article_attempts` runs while its host served it whole
# (red team 50). An answer that may end by its close is never cut by a silence: an honest server may flush a
# premature `</html>` (a template bug, a `document.write` string), compute, then send the story and close (review
# of red team 50).
DOCUMENT_END_PATIENCE = 2.0
ROOT_END_TAG = re.compile(rb"</(?:[\w.-]+:)?(?:html|body|rss|feed|rdf)\s*>", re.IGNORECASE)
TAIL_BYTES = 256


def may_end(tail: bytes) -> bool:
    """The body read so far, its last bytes `tail`, may have ended: a root's end tag or a comment's end, then blanks.
    Its next read is timed (`pieces_until_silence`); every other is awaited plainly. Searched from the end: this
    runs a chunk."""
    last = tail.rstrip()
    if last.endswith(b"-->"):
        return True
    return last.endswith(b">") and ROOT_END_TAG.fullmatch(last, max(last.rfind(b"</"), 0)) is not None


class BodyTail:
    """The last bytes of a body read while a silence may end it, and whether it is a JSON document (a feed's, when
    `json_possible`): a JSON document's end is knowable, it parses and nothing but blanks may follow, so a short
    silence after its last `}` may end it on any answer of no length (red team 52: held open, one timed out every run,
    its end no piece after which a silence was timed). One that does not parse yet is read on: a pause inside it,
    however long, cuts nothing."""

    def __init__(self, json_possible: bool, lines: bool = False) -> None:
        self.bytes, self.lines = b"", lines  # lines: a robots.txt's (`may_end_line`)
        self.json: bool | None = None if json_possible else False  # None: not known until its first bytes

    def add(self, piece: bytes) -> None:
        self.bytes = piece[-TAIL_BYTES:] if len(piece) >= TAIL_BYTES else (self.bytes + piece)[-TAIL_BYTES:]
        if self.json is None and (start := piece.lstrip(b"\xef\xbb\xbf \t\r\n")):
            self.json = start.startswith(b"{")

    def may_end(self) -> bool:
        if self.lines:
            return may_end_line(self.bytes)
        return self.bytes.rstrip().endswith(b"}") if self.json else may_end(self.bytes)


def may_end_line(tail: bytes) -> bool:
    """A robots.txt read so far may have ended: its last line is whole. It has no end of its own to tell."""
    return tail.endswith((b"\n", b"\r"))


_USER_AGENT_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t]*user-agent\b", re.IGNORECASE | re.MULTILINE)
_RULE_LINE = re.compile(rb"^[ \t]*(?:dis)?allow\b", re.IGNORECASE | re.MULTILINE)


def holds_a_rule(body: bytes) -> bool:
    """A robots.txt read so far, held open, may be taken as whole at its deadline (`may_end_line` too): a group has
    begun, a `User-agent` line and an `Allow` or `Disallow` line after it. A comment, a blank line or a lone
    `User-agent: *`, flushed before a slow generator's rules, was taken whole, as allowing all, and a `Disallow: /`
    sent past the deadline ignored (review of red team 51); such a robots.txt stays unreadable, its site deferred."""
    agent = _USER_AGENT_LINE.search(body)
    return agent is not None and _RULE_LINE.search(body, agent.end()) is not None


Wait = Callable[["asyncio.Future[bytes]"], Awaitable[bool]]
"""Await the next chunk's read for a while: whether it came (False: a silence)."""


def patient(seconds: float) -> Wait:
    """Wait `seconds` for the next chunk: a keep-alive answer's silence (`DOCUMENT_END_PATIENCE`)."""
    async def wait(coming: asyncio.Future[bytes]) -> bool:
        return bool((await asyncio.wait({coming}, timeout=seconds))[0])
    return wait


def patient_when(short: Callable[[], bool], seconds: float, otherwise: Wait) -> Wait:
    """`patient(seconds)` while `short()` (a JSON document, `BodyTail.json`), else `otherwise`."""
    quick = patient(seconds)

    async def wait(coming: asyncio.Future[bytes]) -> bool:
        return await (quick if short() else otherwise)(coming)
    return wait


def until_deadline(trail: Trail, patience: float) -> Wait:
    """Wait for the next chunk until the step's deadline, which is held meanwhile so the wait ends first (both firing
    in one turn of a late loop, the deadline's cancel won): the deadline back as it was if a chunk came; else left
    unarmed, for the caller to take the body as whole, its last awaits (closing the answer) done past it, or raise
    `TimeoutError` (red team 51: an answer that may end by its close, held open after its document's end, timed out
    every run). A deadline less than `patience` after the last bytes is `TimeoutError` here: they may be one piece
    of many."""
    async def wait(coming: asyncio.Future[bytes]) -> bool:
        deadline, loop = trail.deadline, asyncio.get_running_loop()
        when = deadline.when() if deadline is not None else None
        if deadline is None or when is None:
            return bool((await asyncio.wait({coming}))[0])
        deadline.reschedule(None)
        began = loop.time()
        if bool((await asyncio.wait({coming}, timeout=max(0.0, when - began)))[0]):
            deadline.reschedule(when)
            return True
        if when - began < patience:
            raise TimeoutError
        return False
    return wait


async def pieces_until_silence(
    stream: AsyncIterable[bytes], wait: Wait | None, ended: Callable[[], bool],
) -> AsyncGenerator[tuple[int, bytes | None]]:
    """The stream's chunks, numbered, and (count, None) each time `wait` saw none come after a chunk that `ended` says
    may end the body (never, with None). Only such a read is awaited in a task of its own, kept across silences
    (cancelling a read would break the stream): a task a chunk cost 5.5 times the CPU of a body dribbled in 64-byte
    pieces (review of red team 50). Close it (`contextlib.aclosing`): a read still awaited is cancelled then."""
    count, chunks = 0, aiter(stream)
    if wait is None:  # no task a chunk: an endless body of one-byte chunks costs what it did (red team 45)
        async for chunk in chunks:
            count += 1
            yield count, chunk
        return
    while True:
        if not ended():
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                return
        else:
            coming = asyncio.ensure_future(anext(chunks))
            try:
                while not await wait(coming):
                    yield count, None
            finally:
                if not coming.done():  # the reader stopped (the document ended, the deadline passed): stop the read
                    coming.cancel()
                    await asyncio.gather(coming, return_exceptions=True)
            try:
                chunk = coming.result()
            except StopAsyncIteration:
                return
        count += 1
        yield count, chunk


def held_open(headers: Mapping[str, str]) -> bool:
    """An answer of no declared length saying `Connection: keep-alive` (and not `close`): a server that may hold the
    connection open after the body, which then never ends by a close."""
    tokens = {token.strip() for token in headers.get("connection", "").lower().split(",")}
    unframed = "content-length" not in headers and "transfer-encoding" not in headers
    return unframed and "keep-alive" in tokens and "close" not in tokens
