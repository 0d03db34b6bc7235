"""A property over the twenty-third pass's kicker rule, where the page's kicker day meets its age and the run's
fetch time (`articledates.article_dates`, `_off_the_age`): whatever the kicker prints, the age states and the
hour of the fetch, the stored day is one the age allows, and it is the kicker's day whenever the age allows that.
The hand-written cases (a bar's today, an event's day, a dateline) are in test_date_classes23."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from newsflow.articledates import article_dates
from newsflow.models import ExtractedArticle

FETCHED = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
AGES = st.one_of(st.integers(1, 59).map(lambda n: timedelta(minutes=n)),
                 st.integers(1, 23).map(lambda n: timedelta(hours=n)),
                 st.integers(1, 30).map(lambda n: timedelta(days=n)))


@given(fetched=FETCHED, age=AGES, offset=st.integers(-4000, 40))
def test_a_kickers_day_is_stored_only_within_what_its_age_allows(fetched: datetime, age: timedelta,
                                                                   offset: int) -> None:
    kicker = (fetched - age).date() + timedelta(days=offset)
    page = ExtractedArticle(text="story", published_at=datetime(kicker.year, kicker.month, kicker.day, tzinfo=UTC),
                            published_date=kicker, published_ago=age)
    _, stored = article_dates(page, None, None, fetched, "https://news.example/story")
    latest = (fetched - age).date()
    earliest = (fetched - 2 * age).date() - timedelta(days=1)
    assert stored is not None and earliest <= stored <= latest, (kicker, age, fetched, stored)
    if earliest <= kicker <= latest:
        assert stored == kicker
    else:
        assert stored == latest  # the age dates the page, as it did before the pass


def test_an_age_of_a_minute_just_after_midnight_allows_the_day_before() -> None:
    """The day before the fetch is allowed for "1 minute ago" at 00:00:30 (the age crosses midnight)."""
    fetched = datetime(2026, 12, 4, 0, 0, 30, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_at=datetime(2026, 12, 3, tzinfo=UTC),
                            published_date=date(2026, 12, 3), published_ago=timedelta(minutes=1))
    assert article_dates(page, None, None, fetched, "https://news.example/story")[1] == date(2026, 12, 3)
