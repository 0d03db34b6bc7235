"""The forty-seventh pass on dates (docs/extraction.md, "Forty-seventh pass, dates"): news pages as CMS templates
write their dates, in thirteen languages, under feeds writing their items' times in the forms real feeds use,
end to end (`tests/cmsdateworld.py`: a real server on 127.0.0.1, `run_ingest` into a real warehouse). The stored day
is the publisher's wherever the page or the feed states it; an update never moves it.

CI runs the kept world only (one run, about a second); hunt by hand with `NEWSFLOW_DATES48_EXAMPLES=40` (and
`NEWSFLOW_DATES48_SHRINK=1`), and keep each shrunk failure in KEPT."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests import dateworldruns
from tests.cmsdateworld import SWAP, Story, World, expected_days, feed_body, page_html, worlds
from tests.localserver import LocalServer

EXAMPLES = int(os.environ.get("NEWSFLOW_DATES48_EXAMPLES", "0"))
PHASES = (*(() if EXAMPLES else (Phase.explicit,)), *((Phase.generate,) if EXAMPLES else ()),
          *((Phase.shrink,) if os.environ.get("NEWSFLOW_DATES48_SHRINK") else ()))

KEPT = (
    World("rss", (
        Story("hi", "bare", 23, 3, None, "generic", False, "compact"),  # "+530": two days early on main
        Story("en", "bare", 23, 2, None, "generic", False, "compact"),  # "-500": two days late on main
        Story("ja", "bare", 13, 2, None, "generic", False, "iso_name"),  # "…T13:07:00 JST": undated on main
        Story("id", "bare", 23, 4, None, "generic", False, "rfc_name"),  # "23:07:00 WIB": Jakarta's next day on main
        Story("en", "blogger", 13, 5, None, "generic", True, "rfc822"),  # "12/02/2026" under the feed's 2 December
        # review: the swap rule put these on the feed's later day (4 October, 3 May), main on the page's
        Story("ru", "medium", 13, 241, None, "generic", True, "rfc822", SWAP),  # JSON-LD and "Apr 10, 2026"
        Story("en", "wordpress", 13, 277, 20, "generic", True, "iso", SWAP),  # ISO metas and "03/05/2026"
    )),
)
"""The kept world, drawn at `KEPT_AT`: the brief's feed forms over pages stating no day (each story's stored day
is wrong on main); Blogger's slashed day under its feed's (the pass's class); the review's found by the world once
it drew later feed dates (the swap rule, ungated, stores the swapped day)."""
KEPT_AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
"""A drawing time that puts the kept stories on the days their comments say (a past one: the pipeline fetches now)."""


world_server = pytest.fixture(scope="module")(dateworldruns.serving)


def check_world(world: World, server: LocalServer) -> None:
    """One run of the world, drawn at KEPT_AT if kept, now if drawn."""
    now, prefix = KEPT_AT if world in KEPT else datetime.now(UTC), dateworldruns.world_prefix()
    pages = [page_html(story, now, index) for index, story in enumerate(world.stories)]
    [stored] = dateworldruns.stored_days(server, prefix, pages, [feed_body(world, server.base_url, prefix, now)])
    expected = {i: expected_days(story, now) for i, story in enumerate(world.stories)}
    dateworldruns.assert_days_expected(world.stories, stored, expected)


@pytest.mark.usefixtures("extraction_stack_loaded")
@settings(max_examples=max(EXAMPLES, 1), deadline=None, phases=PHASES, derandomize=not EXAMPLES,
          suppress_health_check=list(HealthCheck))
@example(world=KEPT[0])
@given(world=worlds())
def test_the_stored_day_is_the_publishers_whatever_the_cms_language_and_feed_form(
        world: World, world_server: LocalServer) -> None:
    check_world(world, world_server)
