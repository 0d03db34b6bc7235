"""The twenty-ninth pass on publication dates (docs/extraction.md, "Twenty-ninth pass, dates"): a class found among
the tune-half misses of a fourth blind set (metascraper's integration fixtures).

The batch (`tests/date_batch29.py`; both sets written before the rule) runs through the whole extraction, htmldate
included. The tests after it pin the rule's edges and guards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsflow.dates import WESTERNMOST_NEWS_OFFSET
from newsflow.extract import extract_article
from newsflow.pagetimes import WALL_CLOCK
from newsflow.printedday import on_printed_day
from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_12, MARCH_13, URL, UTC_PAGES, UTC_PAGES_AFTER, utc_page

# The rule reads the day a `<time>` of the instant prints, not a day printed as plain text under the headline (review
# of its first form: an event's, an offer's or a print edition's next day moved US afternoon stories); the thirty-first
# pass reads it right after an author's name (`tests/test_date_classes32.py`); a line with no author cue is left
LEFT = {"ru-morning"}
AUTHORED = {"es-json-ld-byline", "en-asia-morning", "pt-meta-span"}
BATCH = [entry for entry in UTC_PAGES + UTC_PAGES_AFTER if entry[0] not in LEFT | AUTHORED]
BATCH_LEFT = [entry for entry in UTC_PAGES + UTC_PAGES_AFTER if entry[0] in LEFT]


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch29_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


@pytest.mark.xfail(strict=True, reason="a day printed as plain text under the headline, with no author "
                   "cue before it, is not read for a UTC time")
@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH_LEFT, ids=[entry[0] for entry in BATCH_LEFT])
def test_a_utc_time_whose_day_the_byline_prints_as_text_keeps_its_utc_day(
        name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


def _moved(moment: datetime, printed: date) -> datetime:
    return on_printed_day(moment, printed, WESTERNMOST_NEWS_OFFSET)


@pytest.mark.parametrize(("utc", "printed", "day"), [
    (datetime(2026, 3, 13, 0, 44, 9, tzinfo=UTC), MARCH_12, MARCH_12),  # New York's evening
    (datetime(2026, 3, 13, 9, 59, tzinfo=UTC), MARCH_12, MARCH_12),  # Hawaii's: the westernmost read
    (datetime(2026, 3, 13, 10, 0, tzinfo=UTC), MARCH_12, MARCH_13),  # no zone where news is published
    (datetime(2026, 3, 12, 22, 30, tzinfo=UTC), MARCH_13, MARCH_13),  # a morning east of UTC
    (datetime(2026, 3, 12, 10, 0, tzinfo=UTC), MARCH_13, MARCH_13),  # +14:00 (Kiribati) reaches it
    (datetime(2026, 3, 12, 9, 59, tzinfo=UTC), MARCH_13, MARCH_12),  # nothing does
    (datetime(2026, 3, 13, 0, 44, tzinfo=UTC), date(2026, 3, 11), MARCH_13),  # two days off: another date
])
def test_a_utc_time_goes_onto_the_printed_day_only_where_a_news_zone_puts_it(
        utc: datetime, printed: date, day: date) -> None:
    moved = _moved(utc, printed)
    assert moved.date() == day
    assert moved == utc  # the instant stays: only its offset, and so its day, is the page's


@pytest.mark.parametrize("moment", [
    datetime(2026, 3, 13, 0, 44, tzinfo=WALL_CLOCK),  # a time without an offset is the publisher's clock already
    datetime(2026, 3, 12, 19, 44, tzinfo=timezone(timedelta(hours=-5))),  # a time with its own offset
    datetime(2026, 3, 13, tzinfo=UTC),  # midnight: a bare day names no instant
])
def test_only_a_time_stated_in_utc_is_moved(moment: datetime) -> None:
    assert _moved(moment, MARCH_12) is moment


@pytest.mark.parametrize(("lang", "url", "byline", "day"), [
    # a country's zone names the day: Berlin puts 23:30 Z on the 13th; the printed day does not overrule it
    ("de", "https://www.example.de/politik/haushalt", "Von A. Autor, 12.03.2026", MARCH_13),
    # a language written in one zone names it: 15:30 Z is 00:30 on the 13th in Tokyo, as printed
    ("ja", "https://www.example.com/news/77", "2026年3月13日", MARCH_13),
])
def test_a_known_zone_is_not_overruled_by_the_printed_day(lang: str, url: str, byline: str, day: date) -> None:
    utc = "2026-03-12T23:30:00Z" if lang == "de" else "2026-03-12T15:30:00Z"
    html = utc_page(byline, "en", json_ld=utc).replace('lang="en"', f'lang="{lang}"')
    assert stored_day(html, url) == day


def test_the_stored_instant_is_the_pages_utc_time() -> None:
    html = UTC_PAGES[0][1]
    article = extract_article(html, URL)
    assert article is not None
    assert article.published_at == datetime(2026, 3, 13, 0, 44, 9, tzinfo=UTC)
    assert article.published_date == MARCH_12


@pytest.mark.parametrize("byline", [
    '<figure><img src="/a.jpg" alt=""><figcaption>The chamber on March 12, 2026.</figcaption></figure>By A. Writer',
    '<p class="dek">The vote on March 12, 2026 ended a long fight over the roads.</p>',
    "<p>La sesión del 12 de marzo de 2026 terminó tarde en el ayuntamiento de la ciudad.</p>",
])
def test_a_day_a_caption_or_a_dek_names_under_the_headline_moves_nothing(byline: str) -> None:
    assert stored_day(utc_page(byline, json_ld="2026-03-13T00:44:09Z"), URL) == MARCH_13


@pytest.mark.parametrize(("byline", "lang"), [
    ('By A. Writer</div><div class="event">Vote scheduled for March 13, 2026', "en"),
    ("By A. Writer · Print edition: March 13, 2026", "en"),
    ("<p>Próxima sesión: 13 de marzo de 2026</p>", "es"),
    ("Par A. Auteur · Édition du 13 mars 2026", "fr"),
])
def test_a_next_day_printed_under_the_headline_leaves_an_afternoon_utc_time_on_its_day(byline: str, lang: str) -> None:
    # the rule's first form read any day under the headline: these US afternoon stories (20:00 Z) moved to the 13th
    assert stored_day(utc_page(byline, lang, json_ld="2026-03-12T20:00:00Z"), URL) == MARCH_12


def test_a_byline_that_prints_a_time_is_left_to_that_times_offset() -> None:
    # 20:07 over 00:44 Z is no real offset (`in_printed_offset` reads none): the time stays in UTC, as on main
    html = utc_page("By A. Writer · March 12, 2026 20:07", json_ld="2026-03-13T00:44:09Z")
    assert stored_day(html, URL) == MARCH_13


def test_a_related_storys_time_of_the_same_instant_is_not_read() -> None:
    card = '<time datetime="2026-03-13T00:44:09Z">March 12, 2026</time>'
    html = utc_page("By A. Writer", json_ld="2026-03-13T00:44:09Z", after=(
        '<aside class="related"><ul><li><a href="/news/storm">Storm closes the coastal road for two days</a> '
        f"{card}</li></ul></aside>"))
    assert stored_day(html, URL) == MARCH_13
