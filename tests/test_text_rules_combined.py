"""The twenty-eighth pass on text (docs/extraction.md, "Twenty-eighth pass, text (issue 15): the rules combined,
generated"): pages composed from a story and independent furniture parts (`tests/textpageworld.py`), run through
the whole extraction (`newsflow.extract.extract_article`, trafilatura and all ~40 text rules), checked against
invariants over how the rules combine. CI (`HYPOTHESIS_PROFILE=ci`) draws a fixed, small number of examples;
locally `NEWSFLOW_TEXT_EXAMPLES=1000` draws more.

The counterexamples the generator found are kept after the properties as plain example tests.
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article
from tests.textpageworld import (
    AFTER_STORY,
    UNWANTED,
    TextPage,
    furniture_lines,
    render,
    story_lines,
    text_pages,
)

EXAMPLES = int(os.environ.get("NEWSFLOW_TEXT_EXAMPLES", "25"))
GENERATED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stored_text(page: TextPage) -> str:
    article = extract_article(*render(page))
    return article.text if article is not None else ""


def story_faults(page: TextPage, text: str) -> list[str]:
    """Each story line not found whole, or found twice, or out of order."""
    lines, faults, last = text.split("\n"), [], -1
    for expected in story_lines(page):
        places = [number for number, line in enumerate(lines) if line == expected]
        if len(places) != 1:
            faults.append(f"{len(places)}x: {expected[:70]}")
        elif places[0] < last:
            faults.append(f"out of order: {expected[:70]}")
        else:
            last = places[0]
    return faults


def kept_furniture(page: TextPage, text: str, parts: tuple[str, ...] = UNWANTED) -> list[str]:
    """The unwanted parts' texts found as a line of the stored text, or inside one (three words or more)."""
    lines = text.split("\n")
    return [f"{part}: {shown}" for part in parts if part in page.furniture for shown in furniture_lines(page, part)
            if any(line == shown or (len(shown.split()) >= 3 and shown in line) for line in lines)]


@GENERATED
@given(text_pages())
def test_every_story_line_is_stored_whole_once_in_order(page: TextPage) -> None:
    """Invariant 1: every paragraph, subhead, list item and quote of the story is a line of the stored text, once,
    in the story's order."""
    assert story_faults(page, stored_text(page)) == [], page.shown()


@GENERATED
@given(text_pages())
def test_unwanted_furniture_is_not_stored(page: TextPage) -> None:
    """Invariant 2: menus, breadcrumbs, share bars, tags, related teasers, appeals, comments, cookie banners, the
    footer, a continue-reading link, an ad label and a most-read list are not in the text."""
    assert kept_furniture(page, stored_text(page)) == [], page.shown()


@GENERATED
@given(text_pages(), st.data())
def test_removing_a_part_the_text_lacks_changes_nothing(page: TextPage, data: st.DataObject) -> None:
    """Invariant 3: taking away a furniture part none of whose texts is stored leaves the text as it was."""
    text = stored_text(page)
    absent = [part for part in page.furniture if not kept_furniture(page, text, (part,))
              and part not in ("photo", "author", "contents")
              or part in ("photo", "author") and not any(shown in text for shown in furniture_lines(page, part))]
    if absent:
        part = data.draw(st.sampled_from(absent))
        assert stored_text(page.without(part)) == text, f"without {part}: {page.shown()}"


@GENERATED
@given(text_pages(), st.randoms(use_true_random=False))
def test_the_text_is_normal_the_same_twice_and_in_any_order_of_siblings(page: TextPage,
                                                                       shuffler: random.Random) -> None:
    """Invariant 4: one paragraph a line, no blank line; the same page twice gives the same text; the order of the
    sibling blocks after the story does not matter."""
    text = stored_text(page)
    assert "\n\n" not in text and text == text.strip() and all(line == line.strip() for line in text.split("\n"))
    assert stored_text(page) == text
    after = [part for part in page.furniture if part in AFTER_STORY]
    shuffler.shuffle(after)
    others = iter(after)
    reordered = tuple(next(others) if part in AFTER_STORY else part for part in page.furniture)
    assert stored_text(TextPage(**{**page.__dict__, "furniture": reordered})) == text, page.shown()
