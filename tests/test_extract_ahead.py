"""The extraction pool sends a busy worker its next page ahead (newsflow.extractpool).

A worker then starts its next page as soon as it sends a result, without waiting for the parent
(which shares the cores with fetching and loading) to notice and send one. These tests check that
the page is really waiting in the worker's pipe, and that a page sent ahead of a worker that dies
or is killed is not lost.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from multiprocessing.connection import Connection

import pytest

from newsflow.extractpool import ExtractorPool, PageToExtract
from newsflow.models import ExtractedArticle, Outcome


def _page_pipe() -> Connection:
    """The worker's end of its page pipe (the one readable, not writable, connection in it)."""
    ends = [o for o in gc.get_objects() if isinstance(o, Connection) and not o.closed and o.readable and not o.writable]
    assert len(ends) == 1, ends
    return ends[0]


def ahead_extractor(html: str, url: str) -> ExtractedArticle | None:
    if "peek" in url:  # is the next page already in the pipe, while this one runs?
        return ExtractedArticle(text=f"next page waiting: {_page_pipe().poll(5)}")
    if "crash" in url:
        os._exit(3)
    if "ignore-alarm" in url:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)  # only the backstop kill ends this
    return ExtractedArticle(text=f"{html} by {os.getpid()}")


def page(key: str, html: str = "") -> PageToExtract:
    return PageToExtract(key=key, html=html or f"page {key}", url=f"https://example.test/{key}")


def test_a_busy_worker_already_holds_its_next_page() -> None:
    with ExtractorPool(workers=1, timeout=20, extractor=ahead_extractor) as pool:
        results = pool.extract_many([page("peek", "a longer page, sent first"), page("b"), page("c")])
    assert [r.outcome for r in results] == [Outcome.OK] * 3
    assert results[0].article == ExtractedArticle(text="next page waiting: True")


def test_a_page_larger_than_the_pipe_is_not_sent_ahead() -> None:
    big = "x" * (2 << 20)  # 2 MiB: sending it ahead would wait for the worker to finish its page
    with ExtractorPool(workers=1, timeout=20, extractor=ahead_extractor) as pool:
        results = pool.extract_many([page("peek", big + big), page("big", big)])
    assert [r.outcome for r in results] == [Outcome.OK] * 2
    assert results[0].article == ExtractedArticle(text="next page waiting: False")


@pytest.mark.parametrize(("first", "error"), [("crash", "extraction worker died (exit code 3)"),
                                              ("ignore-alarm", "worker killed")])
def test_the_page_sent_ahead_of_a_lost_worker_is_extracted_by_its_replacement(first: str, error: str) -> None:
    with ExtractorPool(workers=1, timeout=0.3, grace=0.3, extractor=ahead_extractor) as pool:
        results = pool.extract_many([page(first, "the first page, the longest"), page("b"), page("c")])
    assert [(r.key, r.outcome is Outcome.OK) for r in results] == [(first, False), ("b", True), ("c", True)]
    assert results[0].error is not None and error in results[0].error
    pids = {r.article.text.split(" by ")[1] for r in results[1:] if r.article}
    assert len(pids) == 1  # b and c, by the one replacement worker
