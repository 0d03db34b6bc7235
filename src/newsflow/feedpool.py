"""Parse feeds off the event loop, in worker processes, under a time limit and a memory cap.

A feed is parsed by the extraction pool's machinery (`ExtractorPool`, with `parse_job` as the
job it runs), so a feed gets what a page gets: a worker process, SIGALRM at `extract.timeout`,
and a worker killed and replaced when it ignores the alarm. On top of that a parse worker caps
its own address space at `PARSE_MEMORY_MIB` above its start, so a pathological feed ends in a
`MemoryError`, recorded `parse_error`, instead of growing the machine into swap. A 9.9 MB feed
of unclosed tags then costs its own feed a `parse_error` and no other request a millisecond.

The pool's job signature is `(text, url) -> value`: the feed's bytes travel as Latin-1 text
(one character per byte, so nothing is lost), and the feed's name, URL, headers and entry cap
as JSON in place of the URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract
from newsflow.feeds import parse_feed
from newsflow.models import Outcome, ParsedFeed

PARSE_MEMORY_MIB = 1024
_PARSE_ERROR_PREFIX = "FeedParseError: "
_capped = False
_TINY_FEED = b'<rss version="2.0"><channel><title>warm-up</title></channel></rss>'


@dataclass(frozen=True)
class ParseOutcome:
    """A parsed feed, or why there is none (`parse_error`, or `failed` for a bug)."""

    parsed: ParsedFeed | None
    outcome: Outcome
    error: str | None


def parse_job(text: str, packed: str) -> Any:
    """Runs in a parse worker: the feed's bytes (as Latin-1 text) and its packed arguments."""
    _cap_memory()
    feed_id, feed_url, headers, max_entries = json.loads(packed)
    return parse_feed(text.encode("latin-1"), feed_id=feed_id, feed_url=feed_url, headers=headers,
                      max_entries=max_entries)


def _cap_memory() -> None:
    """Cap this worker's address space once, `PARSE_MEMORY_MIB` above what it uses now."""
    global _capped
    if _capped:
        return
    _capped = True
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/self/statm", "rb") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + PARSE_MEMORY_MIB * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


class FeedParserPool:
    """`workers` parse processes; each `parse` call takes a free one. Started on the first parse."""

    def __init__(self, workers: int, timeout: float, max_entries: int | None) -> None:
        self._pools = [ExtractorPool(1, timeout, extractor=parse_job) for _ in range(max(1, workers))]
        self._free: asyncio.Queue[ExtractorPool] | None = None
        self._timeout = timeout
        self._max_entries = max_entries
        self._closed = False

    async def start(self) -> None:
        """Start every worker now, before the fetches: starting one (the first also starts the
        forkserver, which imports the extraction stack) costs CPU that would otherwise compete
        with the fetches' deadlines."""
        await asyncio.gather(*(self.parse(_TINY_FEED, "warm-up", "https://warm-up.invalid/", {})
                               for _ in self._pools))

    async def parse(
        self, body: bytes, feed_id: str, feed_url: str, headers: Mapping[str, str], until: float = math.inf
    ) -> ParseOutcome:
        """Parse in the first free worker; TimeoutError when none is free by `until` (time.monotonic()).

        Once the pool is closed (the run is ending: a second Ctrl-C or SIGTERM left a parse queued
        in its thread), CancelledError: the feed was not polled, and is not `failed` with a
        `RuntimeError` traceback in the run's output (red team 8's world)."""
        if self._free is None:
            self._free = asyncio.Queue()
            for pool in self._pools:
                self._free.put_nowait(pool)
        packed = json.dumps([feed_id, feed_url, dict(headers), self._max_entries])
        job = PageToExtract(key=feed_id, html=body.decode("latin-1"), url=packed)
        waiting = self._free.get()
        pool = await (waiting if until == math.inf else asyncio.wait_for(waiting, until - time.monotonic()))
        try:
            [result] = await asyncio.to_thread(pool.extract_many, [job])
        except RuntimeError as exc:
            if self._closed:
                raise asyncio.CancelledError("the parse pool was closed: the run is ending") from exc
            raise
        finally:
            self._free.put_nowait(pool)
        return self._outcome(result)

    def _outcome(self, result: ExtractionResult) -> ParseOutcome:
        if result.outcome is Outcome.OK:
            return ParseOutcome(cast(ParsedFeed, result.article), Outcome.OK, None)
        error = result.error or str(result.outcome)
        if result.outcome is Outcome.EXTRACT_TIMEOUT:
            return ParseOutcome(None, Outcome.PARSE_ERROR, f"parsing took over {self._timeout:g} s")
        if error.startswith(_PARSE_ERROR_PREFIX):
            return ParseOutcome(None, Outcome.PARSE_ERROR, error.removeprefix(_PARSE_ERROR_PREFIX))
        if error.startswith("MemoryError"):
            return ParseOutcome(None, Outcome.PARSE_ERROR, f"parsing needed over {PARSE_MEMORY_MIB} MiB")
        if "worker died" in error:
            return ParseOutcome(None, Outcome.PARSE_ERROR, error.replace("extraction", "parse"))
        return ParseOutcome(None, Outcome.FAILED, error)

    def close(self) -> None:
        self._closed = True
        for pool in self._pools:
            pool.close()

    def __enter__(self) -> FeedParserPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
