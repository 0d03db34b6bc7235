"""The thirty-seventh text pass (docs/extraction.md, "Thirty-seventh pass, text"): faults the text page generator
(`tests/textpageworld.py`) found once it drew a summary box, each kept as the shrunk page or a small hand-written
one (none copied from a site)."""

from __future__ import annotations

import pytest

from newsflow.titleline import drop_title_line
from tests.test_text_rules_combined import kept_furniture, stored_text, story_faults
from tests.textpageworld import LANGS, TextPage, summary_lines

PARAGRAPH = ("The council voted on Tuesday night to approve the budget after a debate that lasted more than six "
             "hours and ended with a narrow majority.")
TITLE = "Council approves the new bus routes for the town"


@pytest.mark.parametrize("lang", LANGS)
def test_a_summary_boxs_first_point_that_words_the_headline_stays_with_its_box(lang: str) -> None:
    """Shrunk (the generator's summary box, seed 71): the box's first point says what the headline says ("The council
    approves 3 new bus routes." under "Council approves the new bus routes for the town"); `drop_title_line` took it
    for the headline and the label above it for a kicker, so the summary rule found no label over its points and the
    other two points stayed as the story's first lines."""
    page = TextPage(lang=lang, sizes=(1, 1, 1), furniture=("summary",))
    text = stored_text(page)
    assert kept_furniture(page, text) == [] and story_faults(page, text) == [], text


def test_a_point_in_a_list_of_points_is_not_the_headline() -> None:
    text = "\n".join(["In short", "- The council approves 3 new bus routes.", "- A single fare stays the same.",
                      PARAGRAPH])
    assert drop_title_line(text, TITLE) == text


@pytest.mark.parametrize("shorter", [[], ["- Night buses run soon."], ['- Mayor: "Night buses run soon."']])
def test_a_last_point_like_the_headline_stays_with_its_box(shorter: list[str]) -> None:
    """Review: a summary's point worded like the headline may be its last, under short points (at most
    `titleline.ABOVE_HEADLINE_MAX_WORDS` words each, so the search reaches it); it went, with the label and the points
    above it, as a kicker over the headline (the story's own points lost on a page that does not mark its box)."""
    text = "\n".join(["In short", "- Fares stay the same.", *shorter, "- The council approves 3 new bus routes.",
                      PARAGRAPH])
    assert drop_title_line(text, TITLE) == text


def test_a_breadcrumbs_last_item_that_is_the_headline_still_goes_with_the_crumbs() -> None:
    """Guard: a breadcrumb trail kept as list items ends with the headline, over the story: it all goes, as before."""
    text = "\n".join(["- Home", "- News", f"- {TITLE}", PARAGRAPH])
    assert drop_title_line(text, TITLE) == PARAGRAPH


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("variant", [0, 1])
def test_a_fact_box_under_a_summary_box_goes_with_it(lang: str, variant: int) -> None:
    """Found by the generator's summary box: a summary box over a fact box over the story. The box's label and points
    filled the text's head (`storystart.HEAD_MAX_LINES`), so the head held under `FACT_TABLE_MIN_ROWS` of the fact
    box's rows and the box stayed; once the summary box went, its rows were the story's first lines."""
    page = TextPage(lang=lang, sizes=(3, 2, 3, 2), variant=variant, furniture=("summary", "facts"))
    text = stored_text(page)
    assert kept_furniture(page, text) == [] and story_faults(page, text) == [], text


@pytest.mark.parametrize("lang", LANGS)
def test_a_standfirst_over_a_storys_own_points_under_a_label_is_stored_first(lang: str) -> None:
    """Found by the generator's summary box: a standfirst between the headline and a story's own points under a
    short label ("In short", the box's classes a build tool's, so no summary box: it stays). The standfirst was
    lost: `restore_standfirst` looks for the text's first line on the page only when it has three words or more."""
    page = TextPage(lang=lang, sizes=(1, 1, 1), standfirst=True, hashed=True, furniture=("summary",))
    text = stored_text(page)
    label, *points = summary_lines(page)
    assert story_faults(page, text) == [], text
    assert text.split("\n")[1:5] == [label, *(f"- {point}" for point in points)], text


@pytest.mark.parametrize("lang", LANGS)
def test_a_standfirst_over_a_field_label_the_page_does_not_mark_is_stored_first(lang: str) -> None:
    """Shrunk (`test_every_story_line_is_stored_whole_once_in_order`, seed 74): a standfirst, then a field's label whose
    classes are a build tool's ("Episode Description:", kept: the page does not mark it as a label) over three
    one-sentence paragraphs. The standfirst was lost, as above: the label, the text's first line, has two words."""
    page = TextPage(lang=lang, sizes=(1, 1, 1), standfirst=True, hashed=True,
                    furniture=("menu", "breadcrumbs", "label"))
    assert story_faults(page, stored_text(page)) == []


def test_a_fact_box_under_a_storys_own_points_leaves_the_story_whole() -> None:
    """Seed 80 (`test_unwanted_furniture_is_not_stored`): the story's own points under a label whose box the page does
    not mark as a summary, then a fact box, then the story. The points fill the text's head, so the fact box stays:
    it stands among the story's lines, not over them, and the expectation was mended (the invariant leaves a fact
    box under a story's own points unasserted); the story's lines, the points first, are all stored in order."""
    page = TextPage(lang="en", sizes=(1, 1, 1), hashed=True,
                    furniture=("menu", "breadcrumbs", "share", "tags", "related", "facts", "summary"))
    assert story_faults(page, stored_text(page)) == []
