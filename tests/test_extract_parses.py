"""How much work `extract_article` does on a page, counted, not timed: one parse of the page and one trafilatura run.

Extraction must stay within 1.25x of trafilatura alone (issue 15); a rule that parses the page again, or asks
trafilatura for a second extraction as a second opinion, costs 5-50% of a page at once, and a timed test would not
see it on a loaded machine. These counts would (docs/performance.md, "Extraction cost, session 48").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import trafilatura.core
from trafilatura.utils import load_html

from newsflow.extract import extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLES = ("city-council-budget.html", "hochwasser-bayern.html", "story-with-captions-and-calls.html")
PARSERS = ("fromstring", "HTML", "XML", "parse", "fromstringlist")
"""lxml's parsing entry points: `lxml.html`'s (and so trafilatura's `load_html`) call `lxml.etree.fromstring`."""
WHOLE_PAGE = 0.9


class Counted:
    """The whole-page parses (an input at least WHOLE_PAGE of the page's length: the page itself, not readability's
    summary of it, which trafilatura parses again in every run) and the trafilatura runs seen."""

    def __init__(self, page_length: int) -> None:
        self.page_length, self.parses, self.trafilatura_runs = page_length, 0, 0

    def parser(self, parse: Callable[..., Any]) -> Callable[..., Any]:
        def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, str | bytes) and len(source) >= WHOLE_PAGE * self.page_length:
                self.parses += 1
            return parse(source, *args, **kwargs)

        return counted

    def sequence(self, run: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.trafilatura_runs += 1
            return run(*args, **kwargs)

        return counted


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Counted]]:
    """Counters put in place for one page (after a first extraction has installed newsflow's own wrappers, which
    are kept for the process: they wrap trafilatura's functions as they are then, never these counters)."""
    extract_article((PAGES / ARTICLES[0]).read_text(encoding="utf-8"), "https://news.example/warm")

    def install(html: str) -> Counted:
        counted = Counted(len(html))
        for name in PARSERS:
            monkeypatch.setattr(lxml.etree, name, counted.parser(getattr(lxml.etree, name)))
        sequence = counted.sequence(trafilatura.core.trafilatura_sequence)
        monkeypatch.setattr(trafilatura.core, "trafilatura_sequence", sequence)
        return counted

    yield install


@pytest.mark.parametrize("name", ARTICLES)
def test_extraction_parses_the_page_once_and_runs_trafilatura_once(
    name: str, counting: Callable[[str], Counted]
) -> None:
    html = (PAGES / name).read_text(encoding="utf-8")
    counted = counting(html)
    article = extract_article(html, f"https://news.example/{name}")
    assert article is not None and article.text  # the whole path ran: the rules after trafilatura too
    assert counted.parses == 1, "a rule parses the page again: share the tree (`extract.page_tree`)"
    assert counted.trafilatura_runs == 1, "trafilatura extracts the page twice"


def test_the_counters_see_a_second_parse(counting: Callable[[str], Counted]) -> None:
    """The counters see what they guard against: a second parse of the page as lxml.html or trafilatura makes it."""
    html = (PAGES / ARTICLES[0]).read_text(encoding="utf-8")
    counted = counting(html)
    load_html(html)
    lxml.html.fromstring(html)
    trafilatura.core.bare_extraction(html, url="https://news.example/again")
    assert (counted.parses, counted.trafilatura_runs) == (3, 1)
