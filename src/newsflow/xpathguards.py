"""trafilatura's XPaths that call `re:test` on attributes, evaluated cheaper inside `extract_article` (speed32).

lxml evaluates EXSLT's `re:test(@class, '…')` by calling back into Python for every element the step reaches, with
the attribute or, on an element without it, an empty node-set, whose string is "". trafilatura's XPaths run it
over every element of the page (`.//*[… re:test(@class, '^hide-|…') …]`), and most elements have no such
attribute. Here each such call whose pattern cannot match "" is guarded, `((@class) and re:test(@class, '…'))`:
libxml2 evaluates `and` left to right and stops at false, so the callback runs only where the attribute is, and
the result is the same on every element (without the attribute both are false; with it both are the call's).
The twin is built without smart strings: it selects elements only (checked on its path), so only the strings
handed to the callbacks change type, not value. The same elements in the same order: extraction's output does
not change (`python -m bench.identity`: 823/823). Elsewhere (trafilatura called alone, the benchmarks'
baseline) each XPath is trafilatura's own: `ExtractionXPath` asks `active` which one to call.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from newsflow.htmlparser import element_xpath

_ATTRIBUTE_TEST = re.compile(r"re:test\(\s*(@[\w:-]+(?:\s*\|\s*@[\w:-]+)*)\s*,\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)")
_PREDICATE = re.compile(r"\[[^\[\]]*\]")
_FUNCTION = re.compile(r"[\w-]\s*\(")  # `text()`, `string(…)`: a bracket alone groups steps, `(.//*[…])[1]`
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_PREFIX = re.compile(r"(?<![\w.:-])([A-Za-z_][\w.-]*):(?!:)")  # `x:div`, `@x:class`, `re:test`; not `self::`


class ExtractionXPath:
    """One of trafilatura's XPaths: its guarded twin while `active()` says extraction is running, itself otherwise."""

    __slots__ = ("active", "guarded", "own", "path")

    def __init__(self, own: Any, guarded: Any, active: Callable[[], bool]) -> None:
        self.own, self.guarded, self.active, self.path = own, guarded, active, own.path

    def __call__(self, tree: Any, **variables: Any) -> Any:
        return (self.guarded if self.active() else self.own)(tree, **variables)


def guarded_path(path: str) -> str:
    """`path` with each `re:test` of attributes whose pattern cannot match "" run only where an attribute is."""
    return _ATTRIBUTE_TEST.sub(_guarded_test, path)


def _guarded_test(call: re.Match[str]) -> str:
    attributes, pattern, flags = call.group(1), call.group(2), call.group(3) or ""
    try:
        matches_nothing = re.compile(pattern, re.IGNORECASE if "i" in flags else 0).search("") is not None
    except re.error:
        return call.group(0)  # left to fail where trafilatura's own would, when it is evaluated
    if matches_nothing:
        return call.group(0)  # "" matches: the call is true on an element without the attribute
    return f"(({attributes}) and {call.group(0)})"


def selects_elements(path: str) -> bool:
    """Whether `path`'s steps, outside its predicates, can only select elements (no attribute, text or function)."""
    while (bare := _PREDICATE.sub("", path)) != path:
        path = bare
    return _FUNCTION.search(path) is None and not any(sign in path for sign in ("@", "::", "$"))


def names_re_only(path: str) -> bool:
    """Whether `re` is the only namespace prefix `path` names: the twin is compiled knowing that one alone."""
    return set(_PREFIX.findall(_LITERAL.sub("''", path))) <= {"re"}


def install(modules: Iterable[ModuleType], active: Callable[[], bool]) -> int:
    """Put an `ExtractionXPath` in place of each XPath of these modules (alone, or in a module-level list) that calls
    `re:test` on attributes and selects elements; how many. Lists are changed in place: modules share them."""
    twins: dict[int, ExtractionXPath] = {}

    def twin(expression: Any) -> Any:
        path = getattr(expression, "path", None)
        if isinstance(expression, ExtractionXPath) or not isinstance(path, str) or "re:test" not in path:
            return expression
        if id(expression) not in twins:
            if not selects_elements(path) or not names_re_only(path) or guarded_path(path) == path:
                return expression
            twins[id(expression)] = ExtractionXPath(expression, element_xpath(guarded_path(path)), active)
        return twins[id(expression)]

    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, list):
                twins_of = [twin(item) for item in value]
                if any(new is not old for new, old in zip(twins_of, value, strict=True)):
                    value[:] = twins_of
            elif twin(value) is not value:
                setattr(module, name, twin(value))
    return len(twins)


_installed: list[int] = []


def guard_trafilatura_xpaths(active: Callable[[], bool]) -> None:
    """`install` over trafilatura's loaded modules, once a process (the first call's `active` is kept)."""
    if not _installed:
        modules = [module for name, module in list(sys.modules.items()) if name.partition(".")[0] == "trafilatura"]
        _installed.append(install(modules, active))
