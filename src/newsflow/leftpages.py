"""Pages a run fetched whole but its budget left unextracted, kept for the next run (red team 38b).

Before, the next run fetched such a page again in full. Now its bytes wait, gzipped, beside the warehouse
(`<warehouse>.pages/left/`, one file a URL) with the answer's headers, and the next run that fetches the URL
asks with the page's validators (If-None-Match, If-Modified-Since): a 304 loads the kept bytes, as fetched
then; a 200 is the newer page; a temporary failure (5xx, 429, a timeout) leaves the kept bytes standing. A page
its server gave no usable validator for is taken from the file without a request: it is what an in-time run
would have stored. A file that cannot be read is a page to fetch, never the article's failed attempt. A kept
page is used once (the file goes as it is read), and a file older than `KEPT_FOR` is never used and is removed
by the next keep, so the folder holds at most what a day of runs left.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from newsflow.errors import classify_outcome
from newsflow.extractpool import ExtractionResult
from newsflow.fetch import Fetcher
from newsflow.fetchrecord import usable_validator
from newsflow.models import FailureClass, FetchKind, FetchResult, Outcome

KEPT_FOR = 86_400.0  # seconds: a page left longer than a day is fetched anew
# Keeping runs past the grace, before the batch's load: 100 left pages of 10 MB (fetch.max_bytes) cost ~60 s of
# gzip at level 6, 20 at level 1 (a load of 7). A batch keeps at most this much; the rest are fetched again.
KEEP_BYTES_PER_BATCH = 32_000_000
FOLDER = "left"
_SUFFIX = ".left.gz"


def left_dir(pages_dir: Path) -> Path:
    return pages_dir / FOLDER


def _file(folder: Path, url: str) -> Path:
    return folder / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + _SUFFIX)


def keep_left(
    folder: Path | None, results: Sequence[FetchResult], extractions: Sequence[ExtractionResult | None]
) -> int:
    """Keep each page fetched whole and left by the budget; returns how many were kept. A disk that refuses
    costs only the saving: the page is fetched again, as before."""
    if folder is None:
        return 0
    kept, allowance = 0, KEEP_BYTES_PER_BATCH
    for result, extraction in zip(results, extractions, strict=True):
        if extraction is None or extraction.outcome is not Outcome.LEFT_BY_BUDGET or not result.ok or not result.html:
            continue
        if len(result.html) > allowance:
            continue
        try:
            _write(_file(folder, result.url), result)
        except OSError:
            continue
        kept, allowance = kept + 1, allowance - len(result.html)
    _remove_stale(folder)
    return kept


def _write(path: Path, result: FetchResult) -> None:
    head = {"final_url": result.final_url, "at": result.at.isoformat(), "status_code": result.status_code,
            "headers": dict(result.headers)}
    packed = gzip.compress(json.dumps(head).encode("utf-8") + b"\n" + result.html, compresslevel=1, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(packed)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    try:
        names = list(folder.iterdir())
    except OSError:
        return
    oldest = time.time() - KEPT_FOR
    for path in names:
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def take_left(folder: Path | None, url: str) -> FetchResult | None:
    """The page kept for `url` (removed from the folder), or None: none kept, too old, or unreadable."""
    if folder is None:
        return None
    path = _file(folder, url)
    try:
        fresh = path.stat().st_mtime >= time.time() - KEPT_FOR
        raw = gzip.decompress(path.read_bytes()) if fresh else b""
    except (OSError, EOFError, zlib.error):  # BadGzipFile is an OSError; corrupt deflate data a zlib.error
        return None
    finally:
        with contextlib.suppress(OSError):  # a file where the folder should be: nothing kept, nothing to lose
            path.unlink(missing_ok=True)
    head_line, _, html = raw.partition(b"\n")
    try:
        head = json.loads(head_line)
        return FetchResult(url=url, final_url=str(head["final_url"]), kind=FetchKind.ARTICLE, outcome=Outcome.OK,
                           at=datetime.fromisoformat(head["at"]), status_code=int(head["status_code"]),
                           headers={str(k): str(v) for k, v in dict(head["headers"]).items()}, html=html, kept=True)
    except (ValueError, KeyError, TypeError):
        return None


def validators(kept: FetchResult) -> dict[str, str]:
    """The conditional request's headers for a kept page: empty when its server sent no validator that can be
    sent back (`usable_validator`: a non-ASCII ETag cannot be encoded, and httpx's error reads `invalid_url`,
    which parks the article)."""
    asked = {}
    if etag := usable_validator(kept.headers.get("etag")):
        asked["If-None-Match"] = etag
    if last_modified := usable_validator(kept.headers.get("last-modified")):
        asked["If-Modified-Since"] = last_modified
    return asked


def answered(kept: FetchResult, answer: FetchResult) -> FetchResult:
    """What the conditional request makes of a kept page: a 304 gives the kept bytes (with the request's own
    cost, so the run's byte count is what it fetched); a temporary failure (a timeout, a reset, a 5xx or 429)
    says nothing of the page, so the kept bytes stand, taken as kept, rather than lost with a counted attempt;
    anything else (a 200, a 404, robots.txt refusing it now) is the answer itself."""
    if classify_outcome(answer.outcome, answer.status_code) is FailureClass.TEMPORARY:
        return kept
    if answer.outcome is not Outcome.NOT_MODIFIED:
        return answer
    return replace(kept, bytes_read=answer.bytes_read, elapsed_ms=answer.elapsed_ms, address=answer.address,
                   kept=False)


async def fetch_or_take_left(fetcher: Fetcher, url: str, folder: Path | None) -> FetchResult:
    """Fetch `url`'s page, or take the one kept for it: asked for with its validators, or, without any,
    as it was fetched."""
    kept = take_left(folder, url)
    if kept is None:
        return await fetcher.fetch_article(url)
    asked = validators(kept)
    if not asked:
        return kept
    return answered(kept, await fetcher.fetch_article(url, conditional=asked))
