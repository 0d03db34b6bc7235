"""Red team 38b (`newsflow.leftpages`): the pages a run fetched whole but its budget left, kept for the next run.
The two-run check on a real server (bytes fetched, the 304, the page taken unasked) is in
`tests/hostile/test_run_budget.py`, sharing that file's budgeted run; here the folder's own ends."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow import leftpages
from newsflow.batchfetch import fetch_article_safely
from newsflow.extractpool import ExtractionResult
from newsflow.fetch import Fetcher
from newsflow.leftpages import KEPT_FOR, keep_left, take_left
from newsflow.models import FetchKind, FetchResult, Outcome
from tests.hostile.servers import settings
from tests.localserver import LocalServer, Page, send_bytes

pytestmark = pytest.mark.timeout(60)


def left_result(url: str) -> tuple[FetchResult, ExtractionResult]:
    result = FetchResult(url=url, final_url=url, kind=FetchKind.ARTICLE, outcome=Outcome.OK,
                         at=datetime.now(UTC), status_code=200, headers={"etag": '"x"'}, html=b"<p>page</p>")
    return result, ExtractionResult("0", Outcome.LEFT_BY_BUDGET, None, "left", 0)


def test_a_kept_page_older_than_a_day_or_unreadable_is_fetched_anew(tmp_path: Path) -> None:
    folder = tmp_path / "left"
    old, stale, good = (left_result(f"http://news.example/{n}") for n in range(3))
    assert keep_left(folder, [old[0], stale[0]], [old[1], stale[1]]) == 2
    day_ago = time.time() - KEPT_FOR - 60
    for path in folder.iterdir():
        os.utime(path, (day_ago, day_ago))
    assert take_left(folder, old[0].url) is None, "older than a day: fetched anew"
    assert len(list(folder.iterdir())) == 1
    assert keep_left(folder, [good[0]], [good[1]]) == 1
    assert len(list(folder.iterdir())) == 1, "the next keep removes what is older than a day"
    taken = take_left(folder, good[0].url)
    assert taken is not None and taken.html == good[0].html and taken.headers == {"etag": '"x"'}
    assert taken.at == good[0].at and taken.final_url == good[0].url
    assert taken.kept, "no request made: not evidence that the network answers (intercepts.answered_any)"
    assert list(folder.iterdir()) == [], "a kept page is used once"
    keep_left(folder, [good[0]], [good[1]])
    [path] = list(folder.iterdir())
    path.write_bytes(b"\x1f\x8b broken")
    assert take_left(folder, good[0].url) is None, "an unreadable file is a page to fetch"
    assert keep_left(None, [good[0]], [good[1]]) == 0


def keep_for(folder: Path, url: str, headers: dict[str, str]) -> None:
    result = FetchResult(url=url, final_url=url, kind=FetchKind.ARTICLE, outcome=Outcome.OK, at=datetime.now(UTC),
                         status_code=200, headers=headers, html=b"<p>kept</p>")
    keep_left(folder, [result], [ExtractionResult("0", Outcome.LEFT_BY_BUDGET, None, "left", 0)])


def fetched_or_taken(folder: Path, url: str) -> FetchResult:
    async def fetch() -> FetchResult:
        async with Fetcher(settings()) as fetcher:
            return await fetch_article_safely(fetcher, url, folder)
    return asyncio.run(fetch())


def test_a_broken_kept_file_folder_or_validator_costs_the_page_nothing(tmp_path: Path, server: LocalServer) -> None:
    """Our own leftovers must never turn into the article's failed attempt (`fetch_article_safely` makes any
    raise `failed`, counted toward parking): a kept file whose deflate data is corrupt (zlib.error, not an
    OSError), a file where the folder should be, a stored ETag that cannot be sent back (non-ASCII)."""
    server.add("/p", Page(b"<html><body><p>the page now</p></body></html>"))
    url, folder = server.url("/p"), tmp_path / "left"
    keep_for(folder, url, {"etag": '"x"'})
    [path] = list(folder.iterdir())
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + b"\xff" * 20)  # deflate: invalid block type
    answer = fetched_or_taken(folder, url)
    assert (answer.outcome, answer.html) == (Outcome.OK, b"<html><body><p>the page now</p></body></html>")
    assert list(folder.iterdir()) == [], "the broken file is gone"

    in_the_way = tmp_path / "a file"
    in_the_way.write_bytes(b"not a folder")
    assert fetched_or_taken(in_the_way, url).outcome is Outcome.OK
    result, extraction = left_result(url)
    assert keep_left(in_the_way, [result], [extraction]) == 0

    keep_for(folder, url, {"etag": 'W/"caf\u00e9"'})  # h11 hands obs-text on; httpx cannot encode it back
    answer = fetched_or_taken(folder, url)
    assert (answer.outcome, answer.status_code) == (Outcome.OK, 200), answer.error


def test_a_kept_page_outlives_a_server_that_cannot_answer_now(tmp_path: Path, server: LocalServer) -> None:
    """A 503 (or a timeout, a reset: a temporary failure) to the conditional request says nothing of the page:
    the kept bytes, fetched whole under a day ago, are stored rather than lost with an attempt counted and the
    page fetched whole again. A page the server now says is gone (404) is its answer."""
    server.add("/busy", lambda handler: send_bytes(handler, 503, b"busy", "text/plain"))
    server.add("/gone", Page(b"gone", "text/plain", status=404))
    folder = tmp_path / "left"
    for path in ("/busy", "/gone"):
        keep_for(folder, server.url(path), {"etag": '"x"'})
    busy = fetched_or_taken(folder, server.url("/busy"))
    assert (busy.outcome, busy.status_code, busy.html, busy.kept) == (Outcome.OK, 200, b"<p>kept</p>", True)
    assert len(server.hits("/busy")) == 1, "asked once, with its ETag"
    gone = fetched_or_taken(folder, server.url("/gone"))
    assert (gone.outcome, gone.status_code) == (Outcome.HTTP_ERROR, 404)
    assert list(folder.iterdir()) == []


def test_a_batch_keeps_a_bounded_number_of_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeping runs after the grace, before the batch's load: a batch of 100 pages of 10 MB (`fetch.max_bytes`)
    all left by the budget cost ~60 s of gzip (0.6 s a page at level 6 at a load of 7) past the run's end, and
    1 GB of disk. A batch now keeps at most `KEEP_BYTES_PER_BATCH` of pages (the rest are fetched again, as before
    red team 38b); here scaled down to 2,500 bytes against pages of 1,000."""
    monkeypatch.setattr(leftpages, "KEEP_BYTES_PER_BATCH", 2_500, raising=False)
    pages = [replace(left_result(f"http://news.example/{n}")[0], html=b"x" * 1_000) for n in range(5)]
    left = [left_result("")[1]] * len(pages)
    assert keep_left(tmp_path / "left", pages, left) == 2
    assert len(list((tmp_path / "left").iterdir())) == 2
