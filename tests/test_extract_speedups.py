"""perf12's speed changes to extraction return what the code before them returned.

- `standfirst._blocks_after_headline` walks only the candidate blocks and lets lxml look for an inner
  block: checked against the walk it replaced, over generated pages of nested blocks;
- `bylinetexts.byline_lines` is kept per page: every rule that reads it gets the lines of the page
  it is given, whichever page came before.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import bylinetexts, headline_date, standfirst
from newsflow.extract import page_tree
from newsflow.text import normalized_line

_WORDS = ("Council", "approves", "budget", "schools", "roads", "the", "share", "debate.", "Hier", "finden")


def _reference_blocks(body: Any, first_line_start: str) -> list[tuple[Any, str]]:
    """`_blocks_after_headline` as it was before perf12: every element visited, every descendant tested."""
    blocks: list[tuple[Any, str]] = []
    seen_headline = False
    for element in body.iter():
        tag = element.tag
        if tag == "h1":
            blocks, seen_headline = [], True
        elif seen_headline and isinstance(tag, str) and tag in standfirst._CANDIDATE_TAGS and _reference_text_block(
            element
        ):
            line = normalized_line(" ".join(element.itertext()))
            if line.startswith(first_line_start):
                return blocks
            blocks.append((element, line))
    return []


def _reference_text_block(element: Any) -> bool:
    parent = element.getparent()
    if element.tag == "p":
        return parent is None or parent.tag != "p"
    if element.tag == "span" and parent is not None and parent.tag in ("p", "div", "h2"):
        return False
    return element.tag == "h2" or not any(
        isinstance(inner.tag, str) and inner.tag in standfirst._INNER_BLOCK_TAGS for inner in element.iterdescendants()
    )


_TAGS = ("div", "p", "span", "h1", "h2", "section", "header", "ul", "li", "figure", "a", "em", "article")


def _html(depth: int) -> st.SearchStrategy[str]:
    text = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)
    if depth == 0:
        return text
    child = st.one_of(text, _html(depth - 1), st.just("<!-- a comment -->"))
    return st.builds(lambda tag, inner: f"<{tag}>{''.join(inner)}</{tag}>", st.sampled_from(_TAGS),
                     st.lists(child, max_size=4))


def _headline_and_blocks(body: Any) -> list[str]:
    """The lines of every candidate block after the first <h1>, by the old walk: the probes."""
    lines = []
    seen_headline = False
    for element in body.iter():
        if element.tag == "h1":
            seen_headline = True
        elif seen_headline and element.tag in standfirst._CANDIDATE_TAGS and _reference_text_block(element):
            lines.append(normalized_line(" ".join(element.itertext())))
    return [line for line in lines if line]  # an empty probe stops the walk at its first block


@settings(max_examples=300, deadline=None)
@example(["<h1>Budget</h1><div><ul><li>a list</li></ul></div><div>schools and roads</div><p>Council approves</p>"],
         2, 7)
@given(st.lists(_html(3), min_size=1, max_size=6), st.integers(0, 50), st.integers(1, 60))
def test_the_blocks_after_the_headline_are_those_the_full_walk_finds(
    parts: list[str], pick: int, probe_length: int
) -> None:
    """The story's first line is probed by the start of one of the page's candidate blocks (or, on a
    page with none, by a word), so that the walk stops somewhere inside the page."""
    body = page_tree(f"<html><body>{''.join(parts)}</body></html>").find("body")
    assert body is not None
    lines = _headline_and_blocks(body)
    probe = lines[pick % len(lines)][:probe_length] if lines else "Council"
    found = standfirst._blocks_after_headline(body, probe)
    expected = _reference_blocks(body, probe)
    assert [(element, line) for element, line in found] == expected


def _byline_page(byline: str) -> Any:
    return page_tree(
        "<html><head><title>Council approves budget for schools and roads</title></head>"
        "<body><article><h1>Council approves budget for schools and roads</h1>"
        f"<p class='byline'>{byline}</p><p>{' '.join(_WORDS * 6)}</p></article></body></html>"
    )


def test_each_page_gets_its_own_byline_lines_whatever_page_came_before() -> None:
    first, second = _byline_page("By Ann Example, 9:00 PM ET"), _byline_page("By Bo Example, 01.30 WIB")
    assert headline_date.printed_zone_abbreviation(first) == "ET"
    assert headline_date.printed_zone_abbreviation(second) == "WIB"
    assert headline_date.printed_zone_abbreviation(first) == "ET"  # back to the first page: not the second's lines
    lines = bylinetexts.byline_lines(second)
    assert lines is bylinetexts.byline_lines(second)  # kept, not rebuilt, for the same page
    assert any("WIB" in line for line in lines)
