"""The thirty-eighth pass on publication dates (docs/extraction.md, "Thirty-eighth pass, dates"): the parts real news
pages carry that the first grammar did not draw (`tests.datepageworld.PARTS_38`: other stories' lists with their
days above and inside the story, readers' comments above it, a live blog's entries, an update stamp before the
"published" label, an event's day in the headline, a link near the top to a date-stamped URL of another day), drawn
with the first grammar's parts and checked against invariants 1-3 of `tests/test_date_rules_combined.py`. The
faults they found are plain examples in `tests/test_date_classes39.py`."""

from __future__ import annotations

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
    assert stored == documented_day(page), page.shown()
    assert stored not in page.distractor_days() - {documented_day(page)}, page.shown()


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
