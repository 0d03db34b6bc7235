"""The thirty-eighth pass on publication dates (docs/extraction.md, "Thirty-eighth pass, dates"): the parts real news
pages carry that the first grammar did not draw (`tests.datepageworld.PARTS_38`: other stories' lists with their
days above and inside the story, readers' comments above it, a live blog's entries, an update stamp before the
"published" label, an event's day in the headline, a link near the top to a date-stamped URL of another day), drawn
with the first grammar's parts and checked against invariants 1-3 of `tests/test_date_rules_combined.py`. The
faults they found are plain examples in `tests/test_date_classes39.py`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.datepageworld import DISTRACTORS, PARTS_38, STORY_WAYS, DatePage, date_pages
from tests.test_date_rules_combined import EXAMPLES, GENERATED, NEVER_READ, day_of, documented_day

KINDS = DISTRACTORS + PARTS_38
NEVER_READ_38 = NEVER_READ + tuple(kind for kind in PARTS_38 if kind != "update_lead")
LAST_RESORTS = frozenset(("age", "self_link"))


def live_limit(page: DatePage) -> bool:
    """A live blog on a page that states its day only by its age or a sentence about itself: dated by the blog's
    first post, a documented limit (`test_date_classes39.test_a_live_blogs_posts_after_an_age_or_a_sentence_do_not_
    date_the_page`, a strict xfail)."""
    return "live" in dict(page.distractors) and page.ways <= LAST_RESORTS


def documented_day_38(page: DatePage) -> date:
    """`documented_day` with the update printed before the "published" label (`update_lead`) as the printed update it
    is: a `DC.date` on or after its day is the modification's stamp, and the age's day is stored (review of the
    thirty-eighth pass: a random draw, age alone, `DC.date` and update on 3 December, failed CI with the right day)."""
    kinds = tuple(("update_printed" if kind == "update_lead" else kind, day) for kind, day in page.distractors)
    return documented_day(replace(page, distractors=kinds))


WORLD38 = settings(GENERATED, max_examples=max(1, EXAMPLES // 3))
"""A third of the combined test's draws in CI (its CI time: docs/extraction.md, thirty-eighth pass); locally
`NEWSFLOW_DATE_EXAMPLES` sets both."""


@WORLD38
@given(date_pages(ways=STORY_WAYS, kinds=KINDS))
def test_a_page_that_states_its_day_is_stored_with_it_beside_the_new_parts(page: DatePage) -> None:
    """Invariants 1 and 3 with the new parts: the story states its day; the stored day is the story's (or the
    documented one), and so never a part's day (a teaser's, an entry's)."""
    assume(not live_limit(page))
    stored = day_of(page)
    assert stored == documented_day_38(page), page.shown()
    assert stored not in page.distractor_days() - {documented_day_38(page)}, page.shown()


@WORLD38
@given(date_pages(ways=STORY_WAYS, kinds=KINDS), st.data())
def test_a_new_part_that_is_never_read_changes_nothing(page: DatePage, data: st.DataObject) -> None:
    """Invariant 2 with the new parts, on pages that state their day: taking away a part never read leaves the
    day."""
    assume(not live_limit(page))
    kinds = [kind for kind, _ in page.distractors if kind in NEVER_READ_38]
    if kinds:
        kind = data.draw(st.sampled_from(kinds))
        assert day_of(page) == day_of(page.without(kind)), f"without {kind}: {page.shown()}"


def test_an_age_beside_a_dc_date_on_the_lead_updates_day_is_stored() -> None:
    """Shrunk (review, a random draw of the property above): the story states its age (2 December), a `DC.date` and
    the update printed before the "published" label give 3 December: the age's day is stored, as beside a printed
    update (`documented_day_38`)."""
    page = DatePage(day=date(2026, 12, 2), lang="en", paragraphs=2, ways=frozenset({"age"}),
                    distractors=(("dc_date", date(2026, 12, 3)), ("update_lead", date(2026, 12, 3))), author="plain")
    assert day_of(page) == documented_day_38(page) == date(2026, 12, 2)
