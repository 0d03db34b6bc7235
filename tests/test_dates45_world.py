"""The forty-fourth pass on dates (docs/extraction.md, "Forty-fourth pass, dates"): feeds whose dates lie or say
nothing, over pages that date their story or do not, end to end (`tests/dates45world.py`: a real server on
127.0.0.1, `run_ingest` into a real warehouse, twice: the second time under a feed that re-sends every item with a
new date). The stored day is the publisher's whenever the page or an honest feed states it; a lying feed date never
beats the page's; with nothing honest, only a day the feed wrote, or none.

CI runs the kept worlds only (a world's two runs cost a few seconds); hunt by hand with
`NEWSFLOW_DATES45_EXAMPLES=40` (and `NEWSFLOW_DATES45_SHRINK=1`), and keep each shrunk failure in KEPT."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests import dateworldruns
from tests.dates45world import Story, World, expected_days, feed_body, page_html, worlds
from tests.localserver import LocalServer

EXAMPLES = int(os.environ.get("NEWSFLOW_DATES45_EXAMPLES", "0"))
PHASES = (*(() if EXAMPLES else (Phase.explicit,)), *((Phase.generate,) if EXAMPLES else ()),
          *((Phase.shrink,) if os.environ.get("NEWSFLOW_DATES45_SHRINK") else ()))

KEPT = (
    World("rss", (Story("ja", "ld_utc", "wrong_zone", 3 * 24 * 60 + 21 * 60, 5, "country"),  # 03:00 Z, noon in Tokyo
                  Story("en", "ld_local", "wrong_zone", 2 * 24 * 60 + 4 * 60 + 51, 5),  # 14:09 -05:00 = 19:09 Z
                  Story("de", "none", "foreign", 2 * 24 * 60, 5),
                  Story("en", "byline", "build", 3 * 24 * 60, 5),
                  Story("en", "none", "none", 24 * 60, 5),
                  Story("zh", "ld_utc", "local", 21 * 60, 5),  # 03:00 Z: 22:00 in New York, 11:00 in Shanghai
                  Story("zh", "none", "local", 3 * 24 * 60 + 7 * 60, 5),  # 12:00 -05:00: 01:00 in Shanghai
                  Story("en", "none", "zoneless", 4 * 24 * 60 + 5 * 60, 5, "country"),  # "Dec 02 … 02:00:00 PM"
                  Story("ja", "ld_wall", "wrong_zone", 2 * 24 * 60 + 60, 5),  # 08:00 printed; 18:00 -05:00
                  Story("en", "ld_wall", "wrong_zone", 2 * 24 * 60 + 9 * 60, 5, "country"))),  # 10:00, 00:00 +09:00
    World("atom", (Story("ja", "none", "zoneless", 2 * 24 * 60 + 13 * 60, 5),)),  # "…T20:00:00": 11:00 Z
)
"""The worlds a CI run keeps: the forty-fourth pass's shrunk faults (a Japanese page's UTC time on a .jp site and an
English page's own offset under a feed writing the same instant in another zone; a German feed date over an undated
page) with two guards (a build's stamp over a printed day; nothing anywhere), and the forty-fifth's: a
Chinese-language New York outlet's UTC time (the page's language guessing Shanghai) and an undated page of it under
its feed's honest -05:00 (both the day after on main); NBC New York's zoneless 12-hour form on a .us site (read as
02:00 Z on main, the day before in New York); a Tokyo feed's "…T20:00:00" over an undated page (the next day on
main). The review's: a wall clock the page prints with no offset, in a zone guessed right (Tokyo's by its language,
New York's by .us), under a feed writing the same instant in a server's offset (the feed's day before the fix, F1);
the Chinese-language outlet's "-05:00" with a colon (index 5: Shanghai's day before the fix, F2). Each story but the
guards failed on its pass's main or its branch before the review."""


world_server = pytest.fixture(scope="module")(dateworldruns.serving)


def check_world(world: World, server: LocalServer) -> None:
    """Two runs of the world drawn now, the second under a feed that re-sends every item with a new date."""
    now, prefix = datetime.now(UTC), dateworldruns.world_prefix()
    pages = [page_html(story, now, index) for index, story in enumerate(world.stories)]
    feeds = [feed_body(world, server.base_url, prefix, now, resent=resent) for resent in (False, True)]
    runs = dateworldruns.stored_days(server, prefix, pages, feeds)
    expected = {i: expected_days(story, i, world.format, now) for i, story in enumerate(world.stories)}
    for run, stored in enumerate(runs):
        dateworldruns.assert_days_expected(world.stories, stored, expected, run)
    assert runs[1] == runs[0], "a re-sent item's new date changed a stored day"


@pytest.mark.usefixtures("extraction_stack_loaded")
@settings(max_examples=max(EXAMPLES, 1), deadline=None, phases=PHASES, derandomize=not EXAMPLES,
          suppress_health_check=list(HealthCheck))
@example(world=KEPT[0])
@example(world=KEPT[1])
@given(world=worlds())
def test_the_stored_day_is_the_pages_or_an_honest_feeds_and_a_lie_never_beats_the_page(
        world: World, world_server: LocalServer) -> None:
    check_world(world, world_server)
