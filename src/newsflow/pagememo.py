"""Memos for one page's extraction: a value several rules compute from the same page (the byline's
times, the page's titles, a teaser block's test on the same element) computed once per `extract_article`,
and forgotten when it returns (session 44, docs/extraction.md "Speed, session 44").

`newsflow.extract` runs each page inside `one_page()`. A function decorated `@per_page`, called inside,
returns the value it returned before for the same arguments: the same objects (an lxml tree or element,
by identity: the memo holds them, so lxml keeps one proxy per node while it lives), equal strings and
numbers of the same type, and datetimes equal in their offset too (review: the same instant in two offsets
is equal, but its `.date()` is not). Outside a scope (the rules' own tests, trafilatura alone) it computes every
time, as before. The memo is the thread's own and dropped with the scope: it holds one page's objects for one
extraction, and nothing grows from page to page.

Decorate only a function whose value depends on its arguments alone, read from the page's tree, which no
rule changes once trafilatura has its copy (only trafilatura's output is rewritten, before the rules),
and whose callers never change the value it returns (a list is read, not appended to).

Pure: the standard library only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time
from functools import wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_state = threading.local()
_MISSING = object()


@contextmanager
def one_page() -> Iterator[None]:
    """A scope for one page's extraction: the `@per_page` values computed in it are kept until it ends."""
    outer = getattr(_state, "memo", None)
    _state.memo = {}
    try:
        yield
    finally:
        _state.memo = outer  # this page's values dropped (a nested scope restores the outer page's)


def per_page(function: Callable[P, T]) -> Callable[P, T]:
    """`function` computed once per distinct arguments inside a `one_page()` scope, every time outside one."""

    @wraps(function)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> T:
        memo: dict[Any, Any] | None = getattr(_state, "memo", None)
        if memo is None:
            return function(*args, **kwargs)
        key = (function, tuple(map(_told_apart, args)), tuple((name, _told_apart(v)) for name, v in kwargs.items()))
        value = memo.get(key, _MISSING)
        if value is _MISSING:
            value = memo[key] = function(*args, **kwargs)
        return value  # type: ignore[no-any-return]

    return remembered


def _told_apart(value: Any) -> Any:
    """An argument as the memo tells it apart: by its type as well as its value (1, 1.0 and True are equal keys), and a
    datetime by its offset too: 18:30-05:00 equals 23:30+00:00, but a rule reading its `.date()` gets another day."""
    if isinstance(value, datetime | time):
        return type(value), value, value.tzinfo
    return type(value), value
