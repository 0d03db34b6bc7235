"""newsflow.pagememo: a `@per_page` function is computed once per distinct arguments inside one page's
scope, every time outside one, and the scope's values are dropped when it ends (docs/extraction.md,
"Speed, session 44"). Pure: no page is extracted (bench.identity pins that no stored field changed)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

import pytest

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
