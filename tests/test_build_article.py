"""Which date an article gets: the page's, unless the feed's refines a bare day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsflow.articledates import best_published_at, best_published_date

FEED = datetime(2026, 11, 24, 22, 43, 36, tzinfo=UTC)


def test_a_bare_day_on_the_page_takes_the_feeds_time() -> None:
    assert best_published_at(datetime(2026, 11, 24, tzinfo=UTC), FEED) == FEED


def test_a_page_time_wins_and_a_different_day_is_kept() -> None:
    page = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert best_published_at(page, FEED) == page
    other_day = datetime(2026, 11, 20, tzinfo=UTC)
    assert best_published_at(other_day, FEED) == other_day


def test_missing_dates_fall_back() -> None:
    assert best_published_at(None, FEED) == FEED
    assert best_published_at(None, None) is None


def test_the_local_day_is_the_pages_and_the_feeds_utc_day_only_without_one() -> None:
    # A page dated 20:43 in Lima on the 24th keeps its day though the feed's UTC instant is the 25th.
    assert best_published_date(date(2026, 11, 24), datetime(2026, 11, 25, 1, 43, tzinfo=UTC)) == date(2026, 11, 24)
    assert best_published_date(None, FEED) == date(2026, 11, 24)
    assert best_published_date(None, None) is None
