"""newsflow.pagememo: a `@per_page` function is computed once per distinct arguments inside one page's
scope, every time outside one, and the scope's values are dropped when it ends (docs/extraction.md,
"Speed, session 44"). Pure: no page is extracted (bench.identity pins that no stored field changed)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import lxml.html
import pytest

from newsflow.dates import dated_by_update_only
from newsflow.pagememo import one_page, per_page


class Page:
    """Stands for an lxml tree: hashed by identity, as lxml's elements are."""


def counted() -> tuple[list[tuple[object, ...]], Callable[..., list[str]]]:
    calls: list[tuple[object, ...]] = []

    @per_page
    def titles(page: Page, limit: int = 3, *, lowered: bool = False) -> list[str]:
        calls.append((weakref.ref(page), limit, lowered))  # not the page: the memo alone may hold it
        return [f"title {len(calls)}"]

    return calls, titles


def test_inside_a_scope_each_distinct_call_is_computed_once() -> None:
    calls, titles = counted()
    page, other = Page(), Page()
    with one_page():
        first = titles(page)
        assert titles(page) is first
        assert titles(page, 4) is not first and titles(other) is not first
        assert titles(page, lowered=True) is not first
        assert titles(page, lowered=True) == titles(page, lowered=True)
    assert calls == [(weakref.ref(p), n, low) for p, n, low in ((page, 3, False), (page, 4, False), (other, 3, False),
                                                                (page, 3, True))]


def test_outside_a_scope_every_call_is_computed() -> None:
    calls, titles = counted()
    page = Page()
    assert titles(page) != titles(page)
    assert len(calls) == 2


def test_the_scope_drops_its_values_and_pages_when_it_ends() -> None:
    calls, titles = counted()
    page = Page()
    seen = weakref.ref(page)
    with one_page():
        kept = titles(page)
    with one_page():  # the next page: nothing of the last one is reused
        assert titles(page) != kept
    del page
    gc.collect()
    assert seen() is None  # the memo held the page for its extraction only
    assert len(calls) == 2


def test_a_nested_scope_restores_the_outer_pages_values() -> None:
    calls, titles = counted()
    page = Page()
    with one_page():
        outer = titles(page)
        with one_page():
            assert titles(page) != outer
        assert titles(page) is outer
    assert len(calls) == 2


def test_a_failure_is_not_remembered() -> None:
    attempts: list[int] = []

    @per_page
    def flaky(value: int) -> int:
        attempts.append(value)
        if len(attempts) == 1:
            raise ValueError("first read fails")
        return value * 2

    with one_page():
        with pytest.raises(ValueError, match="first read fails"):
            flaky(2)
        assert flaky(2) == 4 and flaky(2) == 4
    assert attempts == [2, 2]


def test_the_same_instant_in_two_offsets_is_two_calls() -> None:
    """Review: `dates.dated_by_update_only` reads `published.date()`; 23:30-05:00 equals 04:30+00:00 the next day, and
    the memo keyed on equality gave the second call the first one's day."""

    @per_page
    def day(moment: datetime) -> date:
        return moment.date()

    local = datetime(2026, 3, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    with one_page():
        assert day(local) == date(2026, 3, 12)
        assert day(local.astimezone(UTC)) == date(2026, 3, 13)


def test_a_page_dated_by_its_update_in_another_offset_is_read_again() -> None:
    """The real rule: a page whose only date is a `dateModified` late in its own evening is dated by its update in
    that offset, not in UTC's next day, inside a page's scope as outside one."""
    tree = lxml.html.fromstring(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council votes",'
        ' "dateModified": "2026-03-12T23:30:00-05:00"}</script></head><body><article><h1>Council votes</h1>'
        "<p>The council voted on the budget after a long evening of debate.</p></article></body></html>")
    local = datetime(2026, 3, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    url = "https://news.example.com/council-votes"
    outside = [dated_by_update_only(moment, tree, url) for moment in (local, local.astimezone(UTC))]
    with one_page():
        inside = [dated_by_update_only(moment, tree, url) for moment in (local, local.astimezone(UTC))]
    assert inside == outside == [True, False]


def test_a_page_that_raises_leaves_no_memo_behind() -> None:
    """A page whose extraction raises (trafilatura's error, the pool's alarm): its values are dropped with it, and the
    next call outside a scope computes again."""
    calls, titles = counted()
    page = Page()
    with pytest.raises(RuntimeError, match="page failed"), one_page():
        titles(page)
        raise RuntimeError("page failed")
    assert titles(page) != titles(page)
    assert len(calls) == 3


def test_two_threads_extracting_at_once_share_nothing() -> None:
    """Two pages extracted at once in one process (threads): each scope is its thread's, and a thread outside any
    scope computes every time while another is inside one."""
    calls, titles = counted()
    page = Page()
    inside, done = threading.Event(), threading.Event()
    seen: dict[str, list[str]] = {}

    def first() -> None:
        with one_page():
            seen["first"] = titles(page)
            inside.set()
            done.wait(5)
            seen["first again"] = titles(page)

    def second() -> None:
        inside.wait(5)
        seen["outside"] = titles(page)
        with one_page():
            seen["second"] = titles(page)
        done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len({tuple(value) for value in seen.values()}) == 3 and seen["first again"] is seen["first"]
    assert len(calls) == 3
