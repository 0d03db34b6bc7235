"""The thirty-ninth pass on publication dates (docs/extraction.md, "Thirty-ninth pass, dates"): the thirty-eighth
pass's live blog and teaser list written with no class or id (`tests.datepageworld.PARTS_40`), each drawn in every
language and both day/month orders the generator prints, with guards. Written before the fixes: the class tests fail
on main (f0ec3db3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given

from tests.date_batch20 import stored_day
from tests.datepageworld import (
    DISTRACTORS,
    FETCH_DAY,
    LANGS,
    PARTS_38,
    PARTS_40,
    STORY_WAYS,
    DatePage,
    date_pages,
    render,
)
from tests.test_date_rules_combined import day_of
from tests.test_date_world38 import LAST_RESORTS, WORLD38, documented_day_38, live_limit

EVERY_FORM = [(lang, style) for lang in LANGS for style in (0, 1)]
"""Every language the generator prints, each in its two forms (day first and month first in English; a named and a
numeric form in the others)."""
STORY_DAY = date(2025, 3, 12)


def _misses(part: str, part_day: date, ways: tuple[str, ...]) -> list[str]:
    """The pages of every form (the way cycled through `ways`) that do not store the story's day."""
    missed = []
    for n, (lang, style) in enumerate(EVERY_FORM):
        page = DatePage(day=STORY_DAY, lang=lang, style=style, paragraphs=3, ways=frozenset({ways[n % len(ways)]}),
                        distractors=((part, part_day),))
        if stored_day(*render(page)) != STORY_DAY:
            missed.append(page.shown())
    return missed


def test_a_bare_live_blogs_posts_do_not_date_a_page_that_prints_its_day() -> None:
    """Shrunk (sweep of `PARTS_40`, 3 of 12 forms of each way failing on main): the byline prints "12 de marzo de
    2025" (or a label does), bare `<div>` posts of the 13th-15th follow the second paragraph, each opening with its
    `<time>`: the newest post's time in the byline's reach was the byline's and the 13th was stored. A block that
    opens with a dated `<time>` and holds a paragraph, among two or more of its kind, is a post
    (`liveposts.bare_live_post`)."""
    assert _misses("live_bare", STORY_DAY + timedelta(days=3), ("byline_text", "labelled")) == []


def test_bare_teaser_cards_inside_the_story_do_not_date_it() -> None:
    """Shrunk (sweep, 12 of 12 forms of the URL's, the age's and the sentence's, 3 of 12 of the byline's and the
    label's failing on main): three bare `<div>` cards linking other stories, each with its `<time>` (21-23
    March), after the second paragraph: the first card's time was the byline's, or htmldate's answer. Cards with no
    class, three or more linking a headline with a `<time>`, are a list of other stories (`teasercards.BARE_CARDS`)."""
    ways = ("url", "byline_text", "labelled", "self_link")
    assert _misses("cards_bare", STORY_DAY + timedelta(days=10), ways) == []
    page = DatePage(day=FETCH_DAY - timedelta(days=4), lang="fr", style=1, paragraphs=3, ways=frozenset({"age"}),
                    distractors=(("cards_bare", FETCH_DAY - timedelta(days=15)),))
    assert stored_day(*render(page)) == page.day, page.shown()


def test_a_bare_live_blog_that_states_no_day_is_dated_by_its_first_post() -> None:
    """Guard: a live blog whose bare posts alone date it is dated by its first post (ninth pass), not its newest
    (main stored the newest, the 17th)."""
    page = DatePage(day=STORY_DAY, lang="de", paragraphs=3, distractors=(("live_bare", STORY_DAY + timedelta(days=5)),))
    assert stored_day(*render(page)) == STORY_DAY + timedelta(days=3)


STORY = "".join(f"<p>The council met and approved item {n} of the budget for the city's schools, roads and library "
                "this week.</p>" for n in range(4))
MODIFIED = '<meta property="article:modified_time" content="2026-12-01T09:00:00+01:00">'


def _page(body: str) -> str:
    return (f'<html lang="en"><head><title>Council approves the budget | Example</title>{MODIFIED}</head><body>'
            f"<main><article><h1>Council approves the budget</h1>{body}</article></main></body></html>")


def test_a_byline_block_that_opens_with_its_time_is_still_read() -> None:
    """Guard: a bare byline block opening with the story's `<time>` and its author's paragraph is one such block, not
    a live post (`liveposts.BARE_POSTS`), beside a later modification and the story's bare paragraphs' block."""
    byline = ('<div><time datetime="2026-11-20T10:00:00+01:00">November 20, 2026</time><p>By A. Writer, Staff '
              "Writer</p></div>")
    assert stored_day(_page(f"{byline}<div>{STORY}</div>"), "https://www.example.org/news/council") == date(2026, 11,
                                                                                                             20)


def test_a_bare_byline_card_beside_a_short_dated_block_is_still_read() -> None:
    """Guard: the byline's bare `<div>` (its author linked, the story's `<time>`) beside one short bare block that
    links and dates an event is two dated cards, no list (`teasercards.BARE_CARDS`)."""
    byline = ('<div><a href="/authors/a-writer">By A. Writer, Staff Writer</a> <time datetime="2026-11-20T10:00:00'
              '+01:00">November 20, 2026</time></div>')
    event = ('<div><a href="/events/council-budget-hearing">The public budget hearing</a> is on <time datetime='
             '"2026-12-15">December 15</time>.</div>')
    html = _page(f"<div>{byline}{event}</div>{STORY}")
    assert stored_day(html, "https://www.example.org/news/council") == date(2026, 11, 20)


def _bare_posts(page: DatePage) -> int:
    days = dict(page.distractors)
    return sum(days["live_bare"] - timedelta(days=n) > page.day for n in range(3)) if "live_bare" in days else 2


def live_limit_40(page: DatePage) -> bool:
    """`test_date_world38.live_limit` for bare posts too (a live blog after an age or a sentence about the page: a
    documented limit); and a single bare post, which is a byline's shape (`liveposts.BARE_POSTS`)."""
    bare = "live_bare" in dict(page.distractors) and page.ways <= LAST_RESORTS
    return live_limit(page) or bare or _bare_posts(page) < 2


@WORLD38
@given(date_pages(ways=STORY_WAYS, kinds=DISTRACTORS + PARTS_38 + PARTS_40))
def test_a_page_that_states_its_day_is_stored_with_it_beside_the_bare_parts(page: DatePage) -> None:
    """Invariants 1 and 3 (`test_date_rules_combined`) with the bare parts among all others: the stored day is the
    story's (or the documented one), never a part's."""
    assume(not live_limit_40(page))
    stored = day_of(page)
    assert stored == documented_day_38(page), page.shown()
    assert stored not in page.distractor_days() - {documented_day_38(page)}, page.shown()


@pytest.mark.parametrize("part", PARTS_40)
def test_a_bare_part_beside_every_way_keeps_the_storys_day(part: str) -> None:
    """One kept draw of the property: all the story's ways but the last resorts, a bare part and the thirty-eighth
    pass's classed twin on the same page."""
    twin = "live" if part == "live_bare" else "related_inside"
    page = DatePage(day=STORY_DAY, lang="it", style=1, paragraphs=4,
                    ways=frozenset({"byline_text", "labelled", "url"}),
                    distractors=((part, STORY_DAY + timedelta(days=4)), (twin, STORY_DAY + timedelta(days=20))))
    assert day_of(replace(page)) == STORY_DAY, page.shown()


def _story(day: int, headline: str) -> str:
    return (f'<article class="post"><header><time datetime="2026-11-{day}T10:00:00+01:00">November {day}, 2026</time>'
            f"<h1>{headline}</h1></header>{STORY}</article>")


def test_a_next_story_appended_below_is_no_live_post() -> None:
    """Guard (the author's review): an infinite-scroll page appends the next story, an older one, below the first,
    each an `<article>` opening with its `<time>` above its `<h1>`: two blocks of one shape, but stories, not posts (a
    post holds no `<h1>`). Without that bound the page was dated by the "first post", the appended story's 19th, over
    its URL's 20th (main: the 20th)."""
    html = ('<html lang="en"><head><title>Council approves the budget | Example</title></head><body><main>'
            f'{_story(20, "Council approves the budget")}{_story(19, "Storm closes the coast road")}'
            "</main></body></html>")
    assert stored_day(html, "https://www.example.org/2026/11/20/council-approves-budget.html") == date(2026, 11, 20)


# --- review of the thirty-ninth pass: real shapes the generator did not draw ------------------------------------

def _time(day: int, printed: str = "") -> str:
    return f'<time datetime="2026-11-{day}T10:00:00+01:00">{printed or f"November {day}, 2026"}</time>'


LATER = "".join(f"<p>Residents said part {n} of the plan would change how the district runs its buses.</p>"
                for n in range(3))


def test_comments_below_a_byline_block_opening_with_its_time_are_no_live_blog() -> None:
    """Review: the byline's bare block (its `<time>`, then the story's paragraphs) with readers' comments below it as
    bare blocks of the same shape (each a `<time>` and a paragraph, oldest first): the byline's block was one of
    three "posts", its `<time>` no byline's, and the page's later modification was stored. A live blog prints its
    posts newest first (`liveposts._among_posts`); comments and a byline above them are oldest first."""
    comments = "".join(f"<div>{_time(day)}<p>Reader {day}: I think this budget is a mistake for our town.</p></div>"
                       for day in (22, 23, 25))
    html = _page(f"<div>{_time(20)}{STORY}</div>{comments}")
    assert stored_day(html, "https://www.example.org/news/council") == date(2026, 11, 20)


@pytest.mark.parametrize("second", ["Updated November 22, 2026", "November 20, 2026"])
def test_a_story_split_by_an_ad_into_two_bare_blocks_is_no_live_blog(second: str) -> None:
    """Review: the story in two bare blocks around an advertisement, the first opening with the byline's `<time>`,
    the second with an update's (or the byline's again): two blocks of one shape, read as two posts, and the later
    modification was stored. Posts go newest first and are not all of one moment."""
    day = 22 if second.startswith("Updated") else 20
    html = _page(f"<div>{_time(20)}{STORY}</div><div class=\"ad\">Advertisement</div><div>{_time(day, second)}"
                 f"{LATER}</div>")
    assert stored_day(html, "https://www.example.org/news/council") == date(2026, 11, 20)


def test_a_bare_byline_card_above_bare_related_cards_is_still_read() -> None:
    """Review: the byline's bare `<div>` (its author linked, the story's `<time>`) and, after the story's
    paragraphs in the same container, three bare related cards: the byline's `<div>` was counted with the cards (a
    fourth of their tag and no class) and skipped, and the later modification was stored. Bare cards are a list
    only in a run of their own (`teasercards.BARE_CARDS` next to each other)."""
    byline = f'<div><a href="/authors/a-writer">By Anna Maria Writer</a> {_time(20)}</div>'
    cards = "".join(f'<div><a href="/news/other-{day}">Another council story about roads {day}</a> {_time(day)}</div>'
                    for day in (10, 12, 14))
    assert stored_day(_page(f"{byline}{STORY}{cards}"), "https://www.example.org/news/council") == date(2026, 11, 20)
