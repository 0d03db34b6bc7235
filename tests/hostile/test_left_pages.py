"""Red team 38b: a page fetched whole but left by the run's budget is not fetched whole again by the next run.
Its bytes wait beside the warehouse (`newsflow.leftpages`); the next run asks with its validators and loads the
kept bytes on a 304, or takes them without a request when its server sent no validator."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.extractpool import ExtractionResult
from newsflow.fetch import Fetcher
from newsflow.leftpages import KEPT_FOR, keep_left, left_dir, take_left
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.pages import pages_dir_for
from newsflow.pipeline import fetch_article_safely
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.hostile_site import slow_to_extract_page
from tests.hostile.servers import settings
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed
from tests.test_unstoppable import add_settings, query

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("extraction_stack_loaded")]
SMALL = 4
# The grace ends 1.5 s past the budget, and the slow pages' limits alone (7.5 s on one worker for the 5 or 6 the
# polling run left, each timed-out worker replaced) outlast it at any load, so the small pages behind them are left.
BUDGET = 4.0
SLOW = 6
NO_VALIDATORS = {2, 3}  # of the small pages: their server sends neither ETag nor Last-Modified


def small_page(n: int) -> Page:
    body = (b"<html><head><title>News %d</title></head><body><article><p>" % n
            + b"A short story told in full. " * 40 + b"</p></article></body></html>")
    return Page(body, validators=n not in NO_VALIDATORS)


def article_bytes(config_path: Path, run_id: str, urls: list[str]) -> int:
    listed = ", ".join(f"'{u}'" for u in urls)
    [(total,)] = query(config_path, f"SELECT coalesce(sum(bytes), 0) FROM fetch_events WHERE kind = 'article' "
                                    f"AND run_id = '{run_id}' AND url IN ({listed})")
    assert isinstance(total, int)
    return total


def test_a_page_left_by_the_budget_is_not_fetched_whole_again(tmp_path: Path, server: LocalServer) -> None:
    items: list[tuple[str, str, datetime | None]] = []
    for n in range(SLOW):  # each ~3 s of trafilatura against a limit of 1.5 s: the grace is spent on them
        server.add(f"/tables/{n}", Page(slow_to_extract_page(1200 + n)))
        items.append((f"Tables {n}", f"/tables/{n}", None))
    for n in range(SMALL):
        server.add(f"/news/{n}", small_page(n))
        items.append((f"News {n}", f"/news/{n}", None))
    server.add("/feed.xml", Page(rss_feed("Tables", items), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"tables": "/feed.xml"},
                               extract={"workers": 1, "timeout": 1.5, "batch_size": len(items)}, max_bytes=2_000_000)
    # The poll first, in a run of the default budget that fetches one article: a loaded machine misses the budgeted
    # run's poll share (half of it), and its pending articles are then fetched all the same.
    add_settings(config_path, "execution", max_articles_per_run=1)
    asyncio.run(run_ingest(load_config(config_path), "poll"))
    config_path.write_text(config_path.read_text().replace("max_articles_per_run = 1", ""))
    add_settings(config_path, "execution", run_budget_seconds=BUDGET)
    asyncio.run(run_ingest(load_config(config_path), "first"))

    all_left = [str(url) for (url,) in query(config_path, "SELECT url FROM fetch_events "
                                                         "WHERE outcome = 'left_by_budget'")]
    kept_in = left_dir(pages_dir_for(load_config(config_path).warehouse_path))
    assert len(list(kept_in.iterdir())) == len(all_left), "each left page is kept"
    left = [url for url in all_left if "/news/" in url]  # slow pages may be left too: they are gone below
    assert left, "the slow pages spent the grace: small pages fetched whole were left for the next run"
    first_bytes = article_bytes(config_path, "first", left)

    for n in range(SLOW):  # the slow pages are gone now: the second run is quick
        server.add(f"/tables/{n}", Page(b"gone", "text/plain", status=404))
    hits_before = {url: len(server.hits(url.removeprefix(server.base_url))) for url in left}
    asyncio.run(run_ingest(load_config(config_path), "second"))

    second_bytes = article_bytes(config_path, "second", left)
    stored = {str(url) for (url,) in query(config_path, "SELECT url FROM entries WHERE article_id IS NOT NULL")}
    assert set(left) <= stored, "every left page is stored by the next run"
    assert second_bytes < len(left) * 200, (
        f"the second run fetched {second_bytes} bytes of the left pages again (the first: {first_bytes})")
    for url in left:
        path = url.removeprefix(server.base_url)
        asked = server.hits(path)[hits_before[url]:]
        if int(path.rsplit("/", 1)[1]) in NO_VALIDATORS:
            assert asked == [], f"{path}: no validator, so taken as kept, without a request"
        else:
            assert [r.headers.get("if-none-match") for r in asked] == [small_page(int(path[-1])).etag], \
                f"{path}: asked once, with its ETag"
    assert list(kept_in.iterdir()) == [], "a kept page is used once"
    print(f"\nleft pages' article bytes: first run {first_bytes}, second run {second_bytes} "
          f"(before red team 38b the second fetched them whole again: {first_bytes})")


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
