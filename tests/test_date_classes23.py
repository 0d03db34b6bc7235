"""The twenty-third pass on publication dates (docs/extraction.md, "Twenty-third pass, dates"): a URL folder that
reads as a day but holds no story (a version, a release, a day's index) or sits in a software tree; a kicker's day
above the story's `<article>` on a page that states only its age; a template's placeholder `datePublished`
decades before the page's `dateModified`; a cookie or consent notice in sentences after a story without
`<article>`; a gallery's captions or a list's links between a hero and its story.

The batch (`tests/date_batch23.py`; both sets of each class written before any rule) runs through the whole
extraction, htmldate included. The tests after it pin each rule's edges and its guards.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from newsflow.bylinetexts import byline_texts, story_wrapper_depth
from newsflow.datechecks import url_folder_day
from newsflow.extract import extract_article, page_tree
from newsflow.kickerdates import above_story_date
from newsflow.placeholderdates import placeholder
from tests.date_batch20 import stored_day
from tests.date_batch22 import BREAKING, bare, undated
from tests.date_batch23 import (
    COOKIE_EN,
    COOKIE_PAGES,
    COOKIE_PAGES_AFTER,
    DEC_2,
    HERO_PAGES,
    HERO_PAGES_AFTER,
    KICKER_PAGES,
    KICKER_PAGES_AFTER,
    MARCH_12,
    NEWS,
    NOV_30,
    PLACEHOLDER_PAGES,
    PLACEHOLDER_PAGES_AFTER,
    URL_PAGES,
    URL_PAGES_AFTER,
    above,
    gallery,
    hero,
    ld_page,
    linked_list,
)
from tests.test_date_classes import STORY, TITLE

BATCH = (URL_PAGES + URL_PAGES_AFTER + KICKER_PAGES + KICKER_PAGES_AFTER + PLACEHOLDER_PAGES + PLACEHOLDER_PAGES_AFTER
         + COOKIE_PAGES + COOKIE_PAGES_AFTER + HERO_PAGES + HERO_PAGES_AFTER)


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch23_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


# --- 1. a URL folder is a CMS's date folder only with the story under it, outside a software tree -------------

@pytest.mark.parametrize("url", [
    "https://x.de/software/1.10.2024/",  # a version's page
    "https://x.de/software/1.10.2024",
    "https://x.co.uk/releases/10-11-2024/",
    "https://x.in/news/12-03-2026",  # a day's index
    "https://x.in/news/12-03-2026/",
    "https://x.co.za/archive/12/03/2026/",
    "https://x.ru/docs/v/12.03.2026/install",  # a manual's tree
    "https://x.de/app/v/12.03.2026/changes",
    "https://docs.x.com/guide/12.03.2026/install",  # the host names it
    "https://download.x.de/app/12.03.2026/setup",
    "https://x.de/files/12.03.2026/setup.exe",  # a file that is no page
    "https://x.es/datos/12-03-2026/datos.zip",
    "https://x.fr/rapports/12-03-2026/rapport.pdf",
    "https://x.in/firmware/12-03-2026/notes",
    "https://x.in/changelog/12-03-2026/",
    "https://x.in/news/12-03-2026/?page=2",  # a query after a day's index
])
def test_a_folder_with_no_story_under_it_or_in_a_software_tree_is_no_day(url: str) -> None:
    assert url_folder_day(url, lambda: "dmy") is None


@pytest.mark.parametrize(("url", "day"), [
    ("https://x.in/news/12-03-2026/council-budget-1234", MARCH_12),
    ("https://x.com.pk/12-03-2026/council-budget", MARCH_12),  # right after the host
    ("https://x.com.ng/12-03-2026/123456", MARCH_12),  # an id under it
    ("https://x.de/lokales/12.03.2026/123456.html", MARCH_12),  # a page under it
    ("https://x.no/nyheter/12.03.2026/rad-123.ece", MARCH_12),  # Escenic's page
    ("https://x.in/news/12-03-2026/story.amp", MARCH_12),
    ("https://x.in/news/12-03-2026/2026.123", MARCH_12),  # digits after a dot: an id, not a file
    ("https://x.in/news/12-03-2026/council-budget?utm_source=feed", MARCH_12),
    ("https://x.in/news/12/03/2026/council-budget/", MARCH_12),
    ("https://x.in/versions-of-the-budget/12-03-2026/council", MARCH_12),  # a section's slug naming no software
    ("https://x.in/news/12-03-2026/releases", MARCH_12),  # a word after the folder is the story's
])
def test_a_folder_with_the_story_under_it_is_the_storys_day(url: str, day: date) -> None:
    assert url_folder_day(url, lambda: "dmy") == day


def test_a_version_folder_no_longer_dates_an_undated_page() -> None:
    assert stored_day(undated("de"), "https://www.example.de/software/1.10.2024/") is None
    assert stored_day(undated("de"), "https://www.example.de/software/1.10.2024/neu") is None


@pytest.mark.parametrize("url", ["/a" * 10_000 + "/12-03-2026/x", "https://" + "docs." * 5_000 + "x/12-03-2026/x",
                                 "/12-03-2026/" + "x." * 10_000])
def test_the_folder_checks_are_linear_on_long_inputs(url: str) -> None:
    started = time.process_time()
    url_folder_day(url, lambda: "dmy")
    assert time.process_time() - started < 1.0


# --- 2. a kicker's day above the `<article>` dates a page that states only its age ------------------------------

def kicker_tree(kicker: str, age: str = "3 days ago", site_date: str = "") -> object:
    return page_tree(above(kicker, age, site_date=site_date))


@pytest.mark.parametrize("kicker", [
    '<div class="kicker"><a href="/politics">Politics</a> · 30 November 2026</div>',
    '<p class="eyebrow">World | 30 November 2026</p>',
    '<div class="x7f2a">Politics · 30 November 2026</div>',  # a name that says nothing
    '<div class="rubric"><a href="/w">World news</a> · 30 November 2026</div>',  # a section of two words
])
def test_a_kicker_above_the_article_is_read_as_the_storys(kicker: str) -> None:
    assert above_story_date(kicker_tree(kicker), kickers=True) == NOV_30


@pytest.mark.parametrize("kicker", [
    '<div class="ticker">30 November 2026 · Markets</div>',
    '<div class="breaking">30 November 2026</div>',
    '<div class="edition">Edition of 30 November 2026</div>',
    '<div class="weather-widget">30 November 2026 · 14°</div>',
    '<div class="cookie-notice">Consent saved 30 November 2026</div>',
    '<div class="bar">30 November 2026 · <a href="/x">Storm closes the port</a></div>',  # another story's headline
    '<div class="x"><span class="todays-date">30 November 2026</span></div>',  # a bar named inside
    '<div class="kicker">Updated 30 November 2026</div>',  # an update dates no publication
    '<p class="x">The festival opens on 30 November 2026 with a parade through the old town.</p>',  # a sentence
])
def test_a_bar_above_the_article_is_no_kicker(kicker: str) -> None:
    assert above_story_date(kicker_tree(kicker), kickers=True) is None


def test_a_kicker_is_read_only_when_asked() -> None:
    tree = kicker_tree('<div class="kicker">Politics · 30 November 2026</div>')
    assert above_story_date(tree) is None  # the nineteenth pass's byline above the story: kickers not asked


def test_the_sites_header_date_is_no_kicker() -> None:
    tree = kicker_tree("", site_date='<div class="x">Politics · 30 November 2026</div>')
    assert above_story_date(tree, kickers=True) is None


def test_a_kicker_beats_an_age_in_the_story_as_without_an_article() -> None:
    html = above('<div class="kicker">Politics · 30 November 2026</div>', "2 days ago")
    assert stored_day(html, NEWS) == NOV_30
    assert stored_day(above(TICKER_TODAY, "2 days ago"), NEWS) == DEC_2


TICKER_TODAY = '<div class="news-ticker">4 December 2026 · <a href="/m">Markets open higher today</a></div>'


def test_a_kicker_does_not_move_a_page_its_byline_dates() -> None:
    html = above('<div class="kicker">Politics · 30 November 2026</div>', "12 March 2026")
    assert stored_day(html, NEWS) == MARCH_12


# --- 3. a template's placeholder `datePublished` ---------------------------------------------------------------

def placeholder_of(published: str, modified: str, byline: str) -> bool:
    tree = page_tree(ld_page(published, modified, byline))
    moment = datetime.fromisoformat(published)
    return placeholder(moment if moment.tzinfo else moment.replace(tzinfo=UTC), tree)


@pytest.mark.parametrize(("published", "modified", "byline", "expected"), [
    ("2000-01-01T00:00:00", "2026-03-12T10:00:00Z", "12 March 2026", True),
    ("1990-01-01T00:00:00", "2026-03-12T10:00:00Z", '<time datetime="2026-03-12T10:00:00Z">12 March</time>', True),
    ("2017-01-01T00:00:00", "2026-12-30T10:00:00Z", "30 December 2026", False),  # under ten years
    ("2016-01-01T00:00:00", "2026-01-01T10:00:00Z", "1 January 2026", True),  # ten years to the day
    ("2001-01-01T12:00:00-05:00", "2026-03-12T10:00:00Z", "12 March 2026", True),  # a noon
    ("1999-12-31T21:00:00-03:00", "2026-03-12T10:00:00Z", "12 March 2026", True),  # UTC's midnight, read west
    ("2000-01-01T00:00:01", "2026-03-12T10:00:00Z", "12 March 2026", False),  # a real time has seconds
    ("2012-05-10T00:00:00", "2026-03-12T10:00:00Z", "12 March 2026", False),  # no year's first day
    ("2000-01-01T00:00:00", "2026-03-12T10:00:00Z", "1 January 2000", False),  # the byline prints it
    ("2000-01-01T00:00:00", "2026-03-12T10:00:00Z", "", False),  # no byline's day
    ("2000-01-01T00:00:00", "2026-03-12T10:00:00Z", "Updated 12 March 2026", False),  # only an update
    ("2000-01-01T00:00:00", "2000-02-01T10:00:00Z", "12 March 2026", False),  # modified soon after
    ("2000-01-01T00:00:00", "2026-03-12T10:00:00Z", "3 May 2005", False),  # the byline's day is not as far
])
def test_a_placeholder_is_a_decade_before_the_modification_and_the_bylines_day(
        published: str, modified: str, byline: str, expected: bool) -> None:
    assert placeholder_of(published, modified, byline) is expected


def test_a_page_without_a_modification_keeps_its_declared_day() -> None:
    html = ld_page("2000-01-01T00:00:00Z", "2026-03-12T10:00:00Z", "12 March 2026").replace(
        '"dateModified": "2026-03-12T10:00:00Z"', '"author": "A. Writer"')
    assert stored_day(html, NEWS) == date(2000, 1, 1)  # left: no modification tells a placeholder apart


def test_a_placeholder_in_the_published_meta_gives_way_to_the_byline() -> None:
    head = ('<meta property="article:published_time" content="2000-01-01T00:00:00+00:00">'
            '<meta property="article:modified_time" content="2026-03-12T10:00:00+00:00">')
    html = (f'<html lang="en"><head><title>{TITLE}</title>{head}</head><body><article><h1>{TITLE}</h1>'
            f'<div class="byline">12 March 2026</div>{STORY}</article></body></html>')
    assert stored_day(html, NEWS) == MARCH_12


def test_an_archive_story_updated_decades_later_keeps_its_day() -> None:
    html = ld_page("1998-06-15T08:00:00Z", "2026-03-12T10:00:00Z", "June 15, 1998 · Updated March 12, 2026")
    assert stored_day(html, NEWS) == date(1998, 6, 15)


# --- 4. a cookie or consent notice is no part of the story, its sentences included --------------------------------

def test_a_notices_sentences_do_not_carry_the_story_past_its_wrapper() -> None:
    html = bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">2 days ago</div>{STORY}</div>{COOKIE_EN}')
    tree = page_tree(html)
    assert story_wrapper_depth(tree) == 0
    assert not any("2026" in " ".join(text.split()) for text in byline_texts(tree))


@pytest.mark.parametrize("name", ["cookie-consent", "cmp-banner", "qc-cmp2-container", "onetrust-banner-sdk",
                                  "didomi-popup", "gdpr-notice", "privacy-banner", "embed-consent"])
def test_a_day_in_a_notice_is_no_bylines(name: str) -> None:
    html = bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">2 days ago</div>{STORY}'
                f'<div class="{name}"><small>Saved 4 December 2026</small></div>{STORY}</div>')
    assert stored_day(html, NEWS) == DEC_2


@pytest.mark.parametrize("name", ["cmp-text", "cmp-container-article", "cookies-recipe", "category-cookies"])
def test_a_block_a_notice_word_does_not_name_keeps_its_byline(name: str) -> None:
    # Adobe AEM's "cmp-text" holds the story; a recipe site's "cookies-recipe" is the story's own block
    html = bare(f'<div class="post"><h1>{TITLE}</h1><div class="{name}"><div class="byline">12 March 2026</div>'
                f"{STORY}</div></div>")
    assert stored_day(html, NEWS) == MARCH_12


# --- 5. links' and captions' texts between a hero and its story do not end the story --------------------------------
COMMENTS = '<div class="c-list">' + "".join(
    f"<div><b>Reader {n}</b><p>I think the council should have spent more on the buses and less on the roads this "
    "year.</p></div>" for n in range(5)) + "</div>"


def test_a_gallery_between_the_hero_and_the_story_keeps_the_byline() -> None:
    tree = page_tree(hero("3 days ago", gallery(45)))
    assert "3 days ago" in [" ".join(text.split()) for text in byline_texts(tree)]
    assert story_wrapper_depth(tree) == 1  # the page's wrapper, not the hero


def test_links_past_a_short_story_still_end_it_before_sentences_not_its_own() -> None:
    # the story's 45 related links, then readers' comments in sentences not named so, then a bar: without counting
    # the links the story would seem to go on to `<body>`; counted, the bar is after the story's wrapper
    html = bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">2 days ago</div>{STORY}</div>'
                f'{linked_list(45, "list")}{COMMENTS}{BREAKING}')
    assert story_wrapper_depth(page_tree(html)) == 0
    assert stored_day(html, NEWS) == DEC_2


def test_forty_plain_texts_between_the_hero_and_the_story_still_end_it() -> None:
    # unlinked, uncaptioned texts of four words count as before (the twenty-second pass's bound): left
    plain = "".join(f"<div>Item number {n} of the list</div>" for n in range(45))
    assert story_wrapper_depth(page_tree(hero("3 days ago", plain))) == 0


# --- left (docs: "Twenty-third pass, dates", Left), pinned so that a change is seen ---------------------------------

def test_a_plain_date_block_above_the_article_after_the_ages_day_is_no_kicker() -> None:
    # no name says it is the site's date bar: the extraction gives its day with the page's age, and the run, which
    # knows the fetch time, drops a day after the age's (an age counts down from the publication)
    html = above('<div class="x">Friday, 4 December 2026</div>', "2 days ago")
    article = extract_article(html, NEWS)
    assert article is not None and article.published_date == date(2026, 12, 4)
    assert article.published_ago == timedelta(days=2)
    assert stored_day(html, NEWS) == DEC_2


def test_a_kicker_on_or_before_the_ages_day_is_kept() -> None:
    assert stored_day(above('<div class="x">Politics · 2 December 2026</div>', "2 days ago"), NEWS) == DEC_2
    assert stored_day(above('<div class="x">Friday, 4 December 2026</div>', "3 hours ago"), NEWS) == date(2026, 12, 4)


def test_the_age_is_given_beside_a_kickers_day_only() -> None:
    # a byline's day with an age elsewhere under the headline: no age beside it, as before
    html = above('<div class="kicker">Politics · 30 November 2026</div>', "12 March 2026 · 2 days ago")
    article = extract_article(html, NEWS)
    assert article is not None and article.published_ago is None


def test_left_a_version_folder_under_a_section_with_a_page_after_it_reads_as_a_day() -> None:
    assert url_folder_day("https://x.de/news/1.10.2024/notes", lambda: "dmy") == date(2024, 10, 1)


# --- review (hostile inputs the pass did not consider) ------------------------------------------------------------

@pytest.mark.parametrize(("kicker", "age", "lang", "day"), [
    ('<div class="kicker">Brexit · 31 January 2020</div>', "2 days ago", "en", DEC_2),  # a topic's day
    ('<div class="series">Grenfell: 14 June 2017</div>', "3 days ago", "en", date(2026, 12, 1)),
    ('<p class="surtitre">Attentats du 13 novembre 2015</p>', "il y a 2 jours", "fr", DEC_2),
    ('<div class="dachzeile">Wahl am 23. Februar 2025</div>', "vor 2 Tagen", "de", DEC_2),
    ('<div class="antetitulo">Elecciones 23 de julio de 2023</div>', "hace 2 días", "es", DEC_2),
    ('<div class="nadtytul">Wybory 15 października 2023</div>', "2 dni temu", "pl", DEC_2),
    ('<div class="label">COP31 · 9 November 2026</div>', "2 days ago", "en", DEC_2),  # an event weeks before
])
def test_review_an_event_day_in_a_kicker_long_before_the_age_is_no_publication(
        kicker: str, age: str, lang: str, day: date) -> None:
    # an age counts down from the publication: "2 days ago" is 2 to 3 days, so a day weeks or years before it is a
    # topic's or an event's (the starting code dated these pages by their age)
    assert stored_day(above(kicker, age, lang), NEWS) == day


def test_review_a_dateline_above_the_article_is_read_as_before() -> None:
    # a byline's block (the nineteenth pass's) is not the kicker rule's: its day is kept whatever the age
    assert stored_day(above('<div class="dateline">LONDON, 30 November 2026</div>', "2 hours ago"), NEWS) == NOV_30


@pytest.mark.parametrize(("published", "day"), [
    ("2012-12-31T18:00:00+00:00", date(2012, 12, 31)),  # a New Year's Eve story at a whole hour
    ("2012-12-31T20:00:00-05:00", date(2012, 12, 31)),
    ("2014-01-01T09:00:00+00:00", date(2014, 1, 1)),  # a New Year's Day story scheduled at nine
    ("2014-01-01T17:00:00+09:00", date(2014, 1, 1)),
])
def test_review_a_real_year_end_story_at_a_whole_hour_keeps_its_day(published: str, day: date) -> None:
    # the BBC explainer's form (its byline's <time> is its 2026 update), published at a whole hour on 31 December or
    # 1 January: a template's default is a midnight (in its offset, or UTC's read west), not any whole hour
    html = ld_page(published, "2026-03-12T09:00:00Z", '<time datetime="2026-03-12T09:00:00Z">12 March 2026</time>')
    assert stored_day(html, NEWS) == day


@pytest.mark.parametrize("name", ["article-body js-consent-loaded", "story consent-given",
                                  "post-content gdpr-compliant", "node--consent-law", "has-consent-embeds",
                                  "dsgvo-ok main"])
def test_review_a_block_holding_the_story_is_no_notice_whatever_its_name(name: str) -> None:
    # a script's state or a story's slug in the class of the story's own wrapper: a notice holds no story of several
    # paragraphs
    html = bare(f'<div class="page"><h1>{TITLE}</h1><div class="{name}"><div class="byline">12 March 2026</div>'
                f"{STORY * 3}</div></div>")
    assert stored_day(html, NEWS) == MARCH_12
