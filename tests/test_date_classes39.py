"""The thirty-eighth pass on publication dates (docs/extraction.md, "Thirty-eighth pass, dates"): the faults the
generated pages of `tests/datepageworld.PARTS_38` found, each as a class, with guards. Written before the fixes."""

from __future__ import annotations

from datetime import date

import pytest

from tests.date_batch20 import stored_day
from tests.datepageworld import LANGS, DatePage, render

URL_PAGE = "https://www.example.org/2025/01/01/council-school-budget.html"


@pytest.mark.parametrize("style", [0, 1])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("way", ["url", "labelled", "byline_text", "json_ld"])
def test_a_dated_list_of_other_stories_inside_the_story_is_not_its_byline(lang: str, style: int, way: str) -> None:
    """Shrunk (invariant 1, `PARTS_38`): day 2025-01-01, en, the URL's /2025/01/01/, a "Most read" list after the
    second paragraph whose items link other stories, each with its `<time>` (3, 4 and 5 January), in a block whose
    names say nothing ("read-also"): the byline reader took the first item's `<time>` for the byline's, stored the
    3rd."""
    page = DatePage(day=date(2025, 1, 1), lang=lang, style=style, paragraphs=2, ways=frozenset({way}),
                    distractors=(("related_inside", date(2025, 1, 4)),))
    assert stored_day(*render(page)) == date(2025, 1, 1), page.shown()


@pytest.mark.parametrize("style", [0, 1])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("way", ["byline_text", "labelled", "age"])
def test_a_dated_list_of_other_stories_above_the_story_is_not_its_day(lang: str, style: int, way: str) -> None:
    """Shrunk (invariant 1): day 2026-11-26, es, the byline prints "26 de noviembre de 2026", a list of other
    stories with their `<time>`s (22-24 October) above the `<article>`, in a block named "top-stories": htmldate
    took the first item's time, which beat the byline's printed day (a day without a time)."""
    day = date(2026, 11, 26)
    page = DatePage(day=day, lang=lang, style=style, paragraphs=7, ways=frozenset({way}),
                    distractors=(("related_top", date(2026, 10, 23)),), author="role")
    assert stored_day(*render(page)) == day, page.shown()


BYLINE_LISTS = [
    '<ul class="meta"><li>By <a href="/authors/a-writer">A. Writer, Staff Writer</a></li>'
    '<li><time datetime="2026-11-20T10:00:00+01:00">November 20, 2026</time></li></ul>',
    '<ul class="meta"><li><a href="/authors/a-writer">By A. Writer, Staff Writer</a> '
    '<time datetime="2026-11-20T10:00:00+01:00">November 20, 2026</time></li></ul>',
    '<ul class="meta"><li><a href="/authors/a-writer">By A. Writer, Staff Writer</a> '
    '<time datetime="2026-11-20T10:00:00+01:00">November 20, 2026</time></li>'
    '<li><a href="#comments">Read the comments below</a></li></ul>',
]


@pytest.mark.parametrize("byline", BYLINE_LISTS)
def test_a_byline_written_as_a_list_is_still_read(byline: str) -> None:
    """Guard: a byline set as a list, its author linked and its day in a `<time>`, is the story's (one dated item,
    not a list of other stories), beside a later modification."""
    paragraphs = "".join(f"<p>The council met and approved item {n} of the budget for the city's schools, roads "
                         "and library this week.</p>" for n in range(4))
    html = ('<html lang="en"><head><title>Council approves the budget | Example</title><meta property="article:modified_time" '
            'content="2026-12-01T09:00:00+01:00"></head><body><main><article><h1>Council approves the budget</h1>'
            f"{byline}{paragraphs}</article></main></body></html>")
    assert stored_day(html, "https://www.example.org/news/council") == date(2026, 11, 20)
