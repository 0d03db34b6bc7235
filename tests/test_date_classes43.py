"""The forty-second pass on publication dates (docs/extraction.md, "Forty-second pass, dates"): a post's page on X
(Twitter) is dated by the snowflake ID its URL carries (`newsflow.statusids`), drawn in every language and both
day/month orders the generator prints (`tests.datepageworld`), with guards. Written before the rule: the class tests
fail on main (134b4375), which stored the day the page's markup gave (an asset's, a reply's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from newsflow.articledates import article_dates
from newsflow.extract import extract_article
from newsflow.statusids import X_EPOCH_MS, status_posted
from tests.date_batch20 import FETCHED, stored_day
from tests.datepageworld import LANGS, PARAGRAPHS, printed
from tests.test_date_classes40 import EVERY_FORM

POSTED = datetime(2025, 3, 12, 6, 25, 2, 176000, tzinfo=UTC)
"""When the generated post was posted (UTC, the only clock a post has)."""


def snowflake(moment: datetime, low_bits: int = 0b1010110000000000000000) -> int:
    """The ID X gives a post made at `moment`: its milliseconds since X's epoch, shifted 22 bits (the low bits are the
    machine's and a sequence, any value)."""
    return (round(moment.timestamp() * 1000) - X_EPOCH_MS) << 22 | low_bits


def post_page(lang: str, style: int, posted: date) -> str:
    """A post's page as X served it to crawlers: the post's text, replies each dated by a later day, and a script
    state naming a hashtag's emoji asset by a later day still (Media Cloud's Reuters post: "Emoji_mini4WD20200715",
    four days after the post, was htmldate's answer). Nothing in the markup prints the post's own day."""
    asset_day = posted + timedelta(days=4)
    replies = "".join(f'<li class="reply"><p>{PARAGRAPHS[lang].format(n=n + 10)}</p>'
                      f'<time>{printed(posted + timedelta(days=n), lang, style)}</time></li>' for n in (1, 2))
    state = ('{"hashflags":{"council":"https://abs.twimg.com/hashflags/Emoji_Council'
             f'{asset_day:%Y%m%d}_{asset_day.year}/Emoji_Council{asset_day:%Y%m%d}.png"}}}}')
    return (f'<html lang="{lang}"><head><title>Example Council on X</title>'
            f'<script>window.__INITIAL_STATE__ = {state};</script></head><body><main>'
            f'<article class="tweet"><h1>Example Council</h1><p>{PARAGRAPHS[lang].format(n=1)}</p>'
            f'<p>{PARAGRAPHS[lang].format(n=2)}</p><p>{PARAGRAPHS[lang].format(n=3)}</p></article>'
            f'<ol class="replies">{replies}</ol></main></body></html>')


def test_a_posts_page_on_x_is_dated_by_the_id_its_url_carries() -> None:
    """Every language and order, each URL form a post's page has (twitter.com, x.com, mobile., a photo's page, a
    query): the day the ID's time falls on, in UTC (main: a reply's or the asset's day, or none)."""
    status = snowflake(POSTED)
    urls = (f"https://twitter.com/ExampleCouncil/status/{status}/photo/1", f"https://x.com/ExampleCouncil/status/{status}",
            f"https://mobile.twitter.com/ExampleCouncil/status/{status}?s=20", f"https://x.com/i/web/status/{status}")
    missed = [(lang, style, url) for index, (lang, style) in enumerate(EVERY_FORM)
              for url in (urls[index % len(urls)],)
              if stored_day(post_page(lang, style, POSTED.date()), url) != POSTED.date()]
    assert missed == []


def test_the_posts_day_is_its_ids_utc_day_at_either_end_of_the_day() -> None:
    """The ID's instant is UTC: a post at 00:10 and one at 23:50 UTC are stored on that UTC day."""
    for moment in (POSTED.replace(hour=0, minute=10), POSTED.replace(hour=23, minute=50)):
        url = f"https://x.com/a/status/{snowflake(moment)}"
        assert stored_day(post_page("en", 0, moment.date()), url) == moment.date()


def test_status_posted_reads_the_real_reuters_post_exactly() -> None:
    """Media Cloud's blind set's Reuters post (reference day 11 July 2020): its ID's time to the millisecond."""
    url = "https://twitter.com/Reuters/status/1281836879789404160/photo/1"
    assert status_posted(url) == datetime(2020, 7, 11, 6, 25, 2, 176000, tzinfo=UTC)


def test_a_status_path_on_another_site_or_a_pre_snowflake_id_dates_nothing() -> None:
    """Guards: the ID is read on X's hosts only (another site's "/status/<number>" is its own counter), and an ID
    from before snowflakes (sequential, under about 3e10) decodes to X's epoch's first seconds: no post's time. On
    those URLs the page's own markup dates it, as on main (fails if any host's or any ID's number were read)."""
    status = snowflake(POSTED)
    assert status_posted(f"https://example.org/ExampleCouncil/status/{status}") is None
    assert status_posted(f"https://x.com.example.org/ExampleCouncil/status/{status}") is None
    assert status_posted("https://twitter.com/jack/status/20") is None
    assert status_posted("https://twitter.com/jack/status/29700859247") is None  # the last sequential IDs (late 2010)
    assert status_posted(f"https://x.com/ExampleCouncil/status/{status}123") is None  # 23 digits: no post's ID
    reply_day = POSTED.date() + timedelta(days=1)  # what main stores on such a page: its first reply's day
    for url in (f"https://example.org/ExampleCouncil/status/{status}", "https://twitter.com/jack/status/20"):
        assert stored_day(post_page("en", 0, POSTED.date()), url) == reply_day


def test_a_feeds_utc_date_of_the_same_post_leaves_it_on_its_ids_utc_day_in_every_language() -> None:
    """Review: X serves a post's page in its reader's language (`<html lang="de">` for a German reader, whoever
    posted), so that language names no publisher's zone. It did (`localtime.publisher_zone`: Central Europe for
    German, Italian, Dutch ...), and a feed's UTC date of the same instant (a feed of an account's posts) was put
    on that zone's day: a post of 23:50 UTC was stored on the next day beside a feed date, on its UTC day without."""
    moment = POSTED.replace(hour=23, minute=50)
    url = f"https://x.com/a/status/{snowflake(moment)}"
    moved = []
    for lang in LANGS:
        page = extract_article(post_page(lang, 0, moment.date()), url)
        assert page is not None, lang
        if article_dates(page, moment, None, FETCHED, url)[1] != moment.date():
            moved.append(lang)
    assert moved == []
