# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The twentieth pass on publication dates (docs/extraction.md, "Twentieth pass, dates"): a page's age under
the headline in the forms BBC World Service and its neighbours print in Africa and South and Southeast Asia
(the unit before the count, "ago" joined to the unit, "ago" words that also mean "before"), and a page that
dates itself only by that age while its furniture (a ticker, a cookie notice's stamp, a widget) prints the
day it is read.

The batch (`tests/date_batch20.py`; both sets of lines written before any rule) runs through the whole
extraction, htmldate included: on main's code 2 of its 21 lines (the two guards) and 1 of the 18 of its second
set were read right, and 0 of 5 and 3 of 6 of the age pages (now 4 of 5, the Persian one left, and 6 of 6).
The tests after it pin each rule's edges.
"""

from __future__ import annotations

import time
import unicodedata
from datetime import date, timedelta

import pytest

from newsflow.extract import extract_article, page_tree
from newsflow.headline_date import published_ago
from newsflow.relativedates import relative_age
from tests.date_batch20 import (
    AGE_PAGES,
    AGE_PAGES_AFTER,
    DEC_2,
    FETCHED,
    RELATIVE,
    RELATIVE_AFTER,
    TICKER,
    stored_day,
)
from tests.test_date_classes import STORY, article_ld, page


@pytest.mark.parametrize(("lang", "line", "age"), RELATIVE + RELATIVE_AFTER)
def test_a_relative_line_under_the_headline_gives_the_pages_age_or_none(
        lang: str, line: str, age: timedelta | None) -> None:
    assert published_ago(page_tree(page(line, lang))) == age, line


@pytest.mark.parametrize(("name", "html", "url", "day"), AGE_PAGES + AGE_PAGES_AFTER,
                         ids=[entry[0] for entry in AGE_PAGES + AGE_PAGES_AFTER])
def test_a_page_dated_only_by_its_age_is_stored_on_that_day_not_the_tickers(
        name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


# --- the unit before the count ---------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "age"), [
    ("Sa’o’i 3 da suka wuce", timedelta(hours=3)),  # a curly apostrophe
    ("awanni 4 da suka wuce", timedelta(hours=4)),
    (unicodedata.normalize("NFD", "wákàtí 3 sẹ́yìn"), timedelta(hours=3)),  # Yoruba's tones decomposed
    ("Ụbọchị 2 gara aga", timedelta(days=2)),
    ("Haciye isaha 1", timedelta(hours=1)),
    ("Sa'aatii 3 dura | BBC", timedelta(hours=3)),
    # a unit and a count without their "ago" are no age; Oromo's "dura" (also "before") only standing alone
    ("Sa'o'i 3", None), ("elekere 3 na ọkara", None), ("Sa'aatii 3 dura walgahii", None), ("minti 90", None),
])
def test_a_unit_before_its_count_is_an_age_only_with_its_ago(line: str, age: timedelta | None) -> None:
    assert relative_age([line]) == age


@pytest.mark.parametrize(("line", "age"), [
    ("۳ روز پیش از انتخابات", None), ("۲ ساعت قبل از بازی", None), ("३ दिन पहिले चुनाव", None),
    ("3 maalmood ka hor doorashada", None), ("jatuh 3 menit lepas landas", None),
    ("۳ روز پیش", timedelta(days=3)), ("۲ ساعت قبل، تهران", timedelta(hours=2)), ("३ घण्टा अघि", timedelta(hours=3)),
    ("3 saacadood kahor", timedelta(hours=3)), ("3 jam lepas · Kuala Lumpur", timedelta(hours=3)),
    # Amharic counts from "ከ" (from) right before the count; a noun with it is what the time is before
    ("ከ3 ሰዓት በፊት", timedelta(hours=3)), ("ከምርጫው 3 ቀን በፊት", None),
])
def test_an_ago_that_also_means_before_is_an_age_only_standing_alone(line: str, age: timedelta | None) -> None:
    assert relative_age([line]) == age


# --- the age beats a day the page's furniture prints, only where the page states no date of its own -----


def test_a_declared_date_still_beats_the_age_and_the_ticker() -> None:
    html = page("2 days ago", after=TICKER, head=article_ld("2026-11-30T08:00:00Z"))
    assert stored_day(html, "https://news.example.com/politics/budget") == date(2026, 11, 30)


def test_an_updates_age_leaves_the_page_as_on_main() -> None:
    """"Updated 2 days ago" dates no publication (`headline_date.UPDATE_CUE`): the page's one other day stands."""
    article = extract_article(page("Updated 2 days ago", after=TICKER), "https://news.example.com/politics/budget")
    assert article is not None and article.published_ago is None
    assert article.published_date == FETCHED.date()


def test_the_age_is_kept_for_the_feed_to_beat() -> None:
    """The page's age is no date: a feed item's date still dates the article (`articledates.article_dates`)."""
    from newsflow.articledates import article_dates

    url = "https://news.example.com/politics/budget"
    article = extract_article(page("2 days ago", after=TICKER), url)
    assert article is not None and article.published_at is None and article.published_ago == timedelta(days=2)
    feed_at = FETCHED - timedelta(days=3)
    assert article_dates(article, feed_at, None, FETCHED, url)[1] == date(2026, 12, 1)
    assert article_dates(article, None, None, FETCHED, url)[1] == DEC_2


# --- linear on long inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Sa'o'i" + " " * 20_000 + "3", "haciye " * 5_000 + "amasaha", "3 oras" + " na" * 10_000 + " x",
    "ከ" + " " * 20_000 + "3 ሰዓት", "3 saacadood ka" + " " * 20_000 + "hor x", "۳ روز قبل" + " " * 20_000 + "از",
])
def test_the_new_age_patterns_are_linear_on_long_inputs(text: str) -> None:
    started = time.process_time()
    relative_age([text])
    assert time.process_time() - started < 1.0


def test_an_exact_time_the_story_prints_inside_its_article_beats_a_rounded_age() -> None:
    """Only a day printed outside the story's `<article>` gives way to the age: a time the story prints
    itself, here above its headline where no byline is read, is exact ("3 days ago" is rounded down from
    3 days 14 hours: the day before the story's)."""
    kicker = '<div class="kicker">Politics <time datetime="2026-11-30T20:00:00Z">30 Nov</time></div>'
    html = page("3 days ago", after=TICKER).replace("<article>", "<article>" + kicker)
    assert stored_day(html, "https://news.example.com/politics/budget") == date(2026, 11, 30)


def test_a_page_without_article_is_dated_by_its_age_beside_a_tickers_day() -> None:
    """Without an `<article>` the story's bounds were not known and the ticker's day stood (left here); the
    twenty-second pass bounds the story by the wrapper of its last sentence (`bylinetexts.story_wrapper_depth`)."""
    html = page("2 days ago", after=TICKER).replace("<article>", '<div class="story">').replace("</article>", "</div>")
    assert stored_day(html, "https://news.example.com/politics/budget") == DEC_2


@pytest.mark.parametrize("meta", [
    '<meta name="sailthru.date" content="2026-11-30 20:00:00">', '<meta name="dc.date.issued" content="2026-11-30">',
    '<meta name="date" content="2026-11-30">', '<meta property="article:modified_time" content="2026-11-30T20:00:00Z">',
])
def test_a_day_any_meta_gives_still_beats_the_age(meta: str) -> None:
    """Review: htmldate reads metas newsflow does not count as a published one ("sailthru.date"): their day is
    the page's own and exact, not furniture's; it beats the rounded "3 days ago", with or without a ticker, as on
    main."""
    for after in ("", TICKER):
        html = page("3 days ago", head=meta, after=after)
        assert stored_day(html, "https://news.example.com/a/1") == date(2026, 11, 30)


@pytest.mark.parametrize("attribute", [
    '<span itemprop="datePublished" content="2026-11-30T20:00:00Z"></span>',
    '<span class="date" data-published="2026-11-30T20:00:00Z"></span>',
])
def test_a_day_only_an_attribute_gives_still_beats_the_age(attribute: str) -> None:
    """Review: htmldate reads exact dates from attributes no text prints; only a day found printed, and only
    outside the story, gives way to the age (a first form dropped any day it could not find inside the story)."""
    inside = page("3 days ago", story=STORY + attribute, after=TICKER)
    for html in (inside, page("3 days ago", after=TICKER + attribute)):
        assert stored_day(html, "https://news.example.com/a/1") == date(2026, 11, 30)
