"""A social post embedded in a story prints the post's day, which is no day of the page (session 24;
docs/extraction.md, "Dates on blind pages"). The batch (`tests/date_embeds.py`, written before the rule: 5 of its
11 pages were stored on the post's day) runs through the whole extraction, htmldate included."""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.pageblocks import _embedded_post
from tests.date_batch20 import stored_day
from tests.date_embeds import DATED_URL, EMBED_PAGES, EMBED_PAGES_AFTER, NOV_20, story_with, tweet

BATCH = EMBED_PAGES + EMBED_PAGES_AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_page_quoting_a_social_post_is_stored_on_its_own_day(name: str, html: str, url: str,
                                                                day: date | None) -> None:
    assert stored_day(html, url) == day, name


@pytest.mark.parametrize(("names", "post"), [
    ("twitter-tweet", True), ("twitter-tweet twitter-tweet-rendered", True), ("instagram-media", True),
    ("wp-block-embed is-type-rich wp-block-embed-twitter", True), ("fb-xfbml-parse-ignore", True),
    ("tweet-this", False), ("share-twitter", False), ("embed-twitter-share", False), ("instagram-feed", False),
    ("byline", False), ("", False),
])
def test_only_an_embed_codes_own_class_word_is_a_post(names: str, post: bool) -> None:
    assert _embedded_post(names) is post


def test_a_share_button_named_for_a_platform_leaves_the_bylines_day() -> None:
    """A byline holding a "tweet this" button is still the byline; the post's day below it is not read."""
    byline = '20 November 2026 <a class="tweet-this" href="https://twitter.com/share">Tweet</a>'
    html = story_with(tweet("November 18, 2026"), byline=byline)
    assert stored_day(html, "https://news.example.com/culture/winter-campaign") == NOV_20


def test_a_post_of_the_same_day_changes_nothing() -> None:
    assert stored_day(story_with(tweet("November 20, 2026")), DATED_URL) == NOV_20


def test_without_a_class_a_quoted_post_is_read_as_before() -> None:
    """A blockquote the embed code did not name (a site's own quote markup) is the story's: its day is read as
    the twenty-third pass read it (the date under the headline beats a bare URL day)."""
    plain = tweet("November 18, 2026").replace('class="twitter-tweet"', 'class="quote"')
    assert stored_day(story_with(plain), DATED_URL) == date(2026, 11, 18)
