# ruff: noqa: RUF001  (letters of other scripts are the pages' own)
"""The fifteenth pass on publication dates (docs/extraction.md, "Fifteenth pass, dates"): dates in the
Hebrew calendar only, dates in Chinese numerals (and Japanese era and Minguo years in them), Greek short
month names, Khmer, Mongolian and Basque dates, and digits of eleven more scripts; and a page whose only
dates are other blocks' (the site's header with today's date, a "latest" list, readers' comments).

The batch (`tests/date_batch15.py`, hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included. On main's code 7 of its 35 pages were right and 1 of the 18 of
its second set (the same classes on other days and in other forms); all are right with this pass.
The tests after it pin each rule's edges; the run at the end serves pages under a feed without dates.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.extract import page_tree as load_html
from newsflow.letterdates import gematria, hebrew_to_gregorian, numeral_value
from newsflow.pageblocks import headline_ancestors, other_stories_block
from newsflow.printeddates import first_date
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.date_batch15 import AFTER, MAR_12, OWN, PAGES, TODAY, comments, latest, site
from tests.localserver import LocalServer, Page
from tests.test_date_classes import STORY, TITLE, stored
from tests.test_date_classes14 import days_stored_by_a_run

CLASS_PAGES = PAGES + AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored(html, url)[0] == day, name


def _read(text: str) -> date | None:
    found = first_date(text, named=True)
    return found[1] if found is not None else None


# --- the Hebrew calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(("hebrew", "day"), [
    ((5786, 7, 1), date(2025, 9, 23)),  # Rosh Hashanah 5786
    ((5785, 7, 1), date(2024, 10, 3)),
    ((5784, 1, 15), date(2024, 4, 23)),  # Passover
    ((5784, 13, 14), date(2024, 3, 24)),  # Purim in Adar II of a leap year
    ((5786, 12, 14), date(2026, 3, 3)),  # Purim in a common year's Adar
    ((5786, 9, 25), date(2025, 12, 15)),  # Hanukkah
    ((5786, 7, 10), date(2025, 10, 2)),  # Yom Kippur
    ((5750, 7, 1), date(1989, 9, 30)),
    ((5786, 13, 1), None),  # no Adar II in a common year
    ((5786, 2, 30), None),  # Iyar has 29 days
    ((5786, 14, 1), None),
])
def test_a_hebrew_date_is_its_gregorian_day(hebrew: tuple[int, int, int], day: date | None) -> None:
    assert hebrew_to_gregorian(*hebrew) == day


@given(st.integers(5750, 5800))
def test_a_hebrew_year_runs_without_gaps_into_the_next(year: int) -> None:
    elul_29 = hebrew_to_gregorian(year, 6, 29)  # Elul, the year's last month, always has 29 days
    following = hebrew_to_gregorian(year + 1, 7, 1)
    assert elul_29 is not None and following == elul_29 + timedelta(days=1)
    assert hebrew_to_gregorian(year, 7, 1) is not None
    length = (following - hebrew_to_gregorian(year, 7, 1)).days  # type: ignore[operator]
    assert length in (353, 354, 355, 383, 384, 385)


@pytest.mark.parametrize(("letters", "value"), [('כ"ג', 23), ("ט״ו", 15), ("א'", 1), ('תשפ"ו', 786), ('תשפ"ד', 784)])
def test_hebrew_letters_add_up_to_their_value(letters: str, value: int) -> None:
    assert gematria(letters) == value


@pytest.mark.parametrize(("text", "day"), [
    ('כ"ג באדר תשפ"ו', date(2026, 3, 12)),
    ("יום חמישי, כ״ג באדר תשפ״ו", date(2026, 3, 12)),  # Hebrew gershayim
    ("כ”ג באדר תשפ”ו", date(2026, 3, 12)),  # typographic quotes
    ("כ\"ג אדר ה'תשפ\"ו", date(2026, 3, 12)),  # the millennium's ה' before the year
    ("י\"ד באדר ב' תשפ\"ד", date(2024, 3, 24)),
    ("י\"ד באדר א' תשפ\"ד", date(2024, 2, 23)),
    ('י"ד באדר תשפ"ד', None),  # a leap year's plain Adar: I or II
    ('כ"ג באדר תשפ"ו | 12.03.2026', date(2026, 3, 12)),
    ('כ"ג באדר תשפ"ו 13.03.2026', date(2026, 3, 13)),  # the Gregorian date the line gives wins
    ('ל" באייר תשפ"ו', None),  # Iyar has no 30th
    ('כ"ג באדר תש"ה', None),  # 5705 (1945): no news on the web
    ('הוא אמר "כן" באדר', None),  # quotes in prose, no year
    ('כ"ג בחודש תשפ"ו', None),  # no month's name
    ('ט"ו באב תשפ"ו', date(2026, 7, 29)),  # 15 and 16 are written 9+6, 9+7
    ('ט"ז בשבט תשפ"ו', date(2026, 2, 3)),
    ('ח"כ אב תשפ"ו', None),  # review: "MK" (28 out of order: 28 is כ"ח) before "Av", no day
    ('ג"כ אדר תשפ"ו', None),  # "also" (23 is כ"ג)
    ('ב"ב אב תשפ"ו', None),  # Bnei Brak
])
def test_hebrew_calendar_dates_are_read_where_the_line_has_no_gregorian_one(text: str, day: date | None) -> None:
    assert _read(text) == day


# --- Chinese numerals -------------------------------------------------------------------------------


@pytest.mark.parametrize(("numeral", "value"), [
    ("二〇二六", 2026), ("二零二六", 2026), ("二○二六", 2026), ("一一五", 115), ("十", 10), ("十二", 12),
    ("二十", 20), ("三十一", 31), ("廿三", 23), ("一百一十五", 115), ("元", 1), ("二二十", None),
])
def test_a_chinese_numeral_is_its_number(numeral: str, value: int | None) -> None:
    assert numeral_value(numeral) == value


@pytest.mark.parametrize(("text", "day"), [
    ("二〇二六年三月十二日", date(2026, 3, 12)),
    ("发布时间：二零二六年三月十二日 星期四", date(2026, 3, 12)),
    ("二○二六年三月十二日", date(2026, 3, 12)),
    ("二〇二五年十二月三十一日", date(2025, 12, 31)),
    ("二〇二六年二月廿三日", date(2026, 2, 23)),
    ("令和八年三月十二日", date(2026, 3, 12)),
    ("令和元年五月一日", date(2019, 5, 1)),
    ("平成三十一年四月三十日", date(2019, 4, 30)),
    ("中華民國一一五年三月十二日", date(2026, 3, 12)),
    ("民國一百一十五年三月十二日", date(2026, 3, 12)),
    ("三年二月十日", None),  # a year of no era, not written in full
    ("二〇二六年二月三十日", None),
    ("二〇二六年三月", None),  # no day
    ("农历二〇二五年八月十五日", None),  # review: a lunar date (the Mid-Autumn festival, 6 October 2025)
    ("農曆 二〇二五年八月十五日", None),
    ("发布时间：二〇二六年三月十二日 农历正月廿四", date(2026, 3, 12)),
])
def test_a_date_in_chinese_numerals_is_read(text: str, day: date | None) -> None:
    assert _read(text) == day


# --- Greek short months, Khmer, Mongolian, Basque, more scripts' digits ---------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("12 Μαρ 2026", date(2026, 3, 12)),
    ("12 Μαρ. 2026, 09:15", date(2026, 3, 12)),
    ("12 ΜΑΡ 2026", date(2026, 3, 12)),
    ("1 Μαΐ 2026", date(2026, 5, 1)),
    ("1 ΜΑΪ 2026", date(2026, 5, 1)),
    ("9 Νοέ 2025", date(2025, 11, 9)),
    ("30 Σεπτ. 2025", date(2025, 9, 30)),
    ("ថ្ងៃទី១២ ខែមីនា ឆ្នាំ២០២៦", date(2026, 3, 12)),
    ("១២ មីនា ២០២៦", date(2026, 3, 12)),
    ("2026 оны 3 сарын 12", date(2026, 3, 12)),
    ("2026 оны 3-р сарын 12-ны өдөр", date(2026, 3, 12)),
    ("2026 оны гуравдугаар сарын 12", date(2026, 3, 12)),
    ("2026 оны арван хоёрдугаар сарын 1", date(2026, 12, 1)),
    ("2026 оны долдугаар сарын 9", date(2026, 7, 9)),
    ("2026ko martxoaren 12a", date(2026, 3, 12)),
    ("2025eko azaroaren 9a", date(2025, 11, 9)),
    ("2026ko martxoak 12", date(2026, 3, 12)),
    ("૨૦૨૬-૦૩-૧૨", date(2026, 3, 12)),  # Gujarati digits
    ("໒໐໒໖-໐໓-໑໒", date(2026, 3, 12)),  # Lao
    ("၂၀၂၆-၀၃-၁၂", date(2026, 3, 12)),  # Myanmar
    ("౨౦౨౬-౦౩-౧౨", date(2026, 3, 12)),  # Telugu
    ("2026 оны 3 сарын 32", None),
    ("Μαρ 2026", None),
])
def test_more_of_the_worlds_dates_are_read(text: str, day: date | None) -> None:
    assert _read(text) == day


# --- a run stores the days of the new classes, under a feed that gives none ------------------------

RUN_CLASSES = ("he-hebrew-masthead", "zh-ling", "ja-era-kanji", "el-short-published", "km-khmer", "mn-ordinal",
               "eu-basque-masthead")
RUN_PAGES = {name: (html, day) for name, html, _, day in PAGES if name in RUN_CLASSES}


def test_a_run_stores_the_day_of_each_new_class(tmp_path: Path, server: LocalServer) -> None:
    assert len(RUN_PAGES) == len(RUN_CLASSES)
    for name, (html, _) in RUN_PAGES.items():
        server.add(f"/c/{name}", Page(html.encode()))
    items = "".join(f"<item><title>{name}</title><link>{server.base_url}/c/{name}</link></item>" for name in RUN_PAGES)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.add("/feed.xml", Page(feed.encode(), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"feed": "/feed.xml"}, extract={"timeout": 60.0},
                                      timeout=30.0))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT regexp_extract(url, '/c/(.*)$', 1), published_date FROM articles"
    rows = dict(run_read_query(Warehouse(config.warehouse_path), sql).rows)
    assert rows == {name: day for name, (_, day) in RUN_PAGES.items()}


# --- a date in another block gives way to the feed's ---------------------------------------------

ELSEWHERE_RUN = {  # the page, the feed's date, the day stored
    "latest-list": (site("", top=latest(("March 9, 2026", "March 8, 2026"))), "Thu, 12 Mar 2026 09:15:00 GMT",
                    date(2026, 3, 12)),  # an older story's day no longer beats the feed's
    "comments-no-feed-date": (site("", after=comments("March 19, 2026 at 10:00 am")), None, None),
    "masthead-own-date": (site(OWN, top=TODAY), "Thu, 12 Mar 2026 18:00:00 GMT", date(2026, 3, 12)),
}


def test_a_run_dates_a_page_whose_only_dates_are_other_blocks_by_its_feed(tmp_path: Path,
                                                                           server: LocalServer) -> None:
    pages = {name: (html, when) for name, (html, when, _) in ELSEWHERE_RUN.items()}
    rows = days_stored_by_a_run(tmp_path, server, pages)
    assert rows == {name: day for name, (_, _, day) in ELSEWHERE_RUN.items()}


@pytest.mark.parametrize(("html", "other"), [
    ('<body><header><p class="d">x</p></header><article><h1>T</h1></article></body>', True),  # the site's header
    ('<body><div><header role="banner"><p class="d">x</p></header></div><article><h1>T</h1></article></body>', True),
    ('<body><article><h1>T</h1><header><p class="d">x</p></header></article></body>', False),  # the story's own
    ('<body><main><h1>T</h1><header class="byline"><p class="d">x</p></header></main></body>', False),
    ('<body><article><h1>T</h1><div class="comment-list"><p class="d">x</p></div></article></body>', True),
    ('<body><article><h1>T</h1><div class="meta"><p class="d">x</p></div></article></body>', False),
    ('<body><h1>T</h1><div class="commentary-body"><p class="d">x</p></div></body>', False),  # an opinion page's
    ('<body><h1>T</h1><div class="latest-updates"><p class="d">x</p></div></body>', False),  # a live blog's posts
    ('<body><h1>T</h1><div class="latest"><p class="d">x</p></div></body>', True),
])
def test_the_site_header_and_comments_are_other_blocks(html: str, other: bool) -> None:
    tree = load_html(f"<html>{html}</html>")
    element = tree.find(".//p[@class='d']")
    ancestors, article = headline_ancestors(tree.find(".//h1"))
    assert other_stories_block(element, ancestors, article) is other


# --- a story's own top bar, masthead or meta is not another block (review) ---------------------------
# The class words that name the site's chrome ("top-bar", "masthead") name a story's own parts too, on
# CMS and Next.js pages (CSS modules: "ArticleHeader_topBar__a1b2"); inside the headline's `<article>`
# (or, without one, next to the headline) they are the story's, and so is a wrapper flagged "has-comments".

_TIME = '<time datetime="2026-03-12T09:15:00Z">March 12, 2026</time>'
_H1 = f"<h1>{TITLE}</h1>"


def _chrome_page(body: str) -> str:
    return (f'<html lang="en"><head><title>{TITLE}</title></head><body><header class="site-header"><a href="/">Home'
            f"</a></header>{body}<footer>© 2026 Example</footer></body></html>")


OWN_BLOCKS = {
    "next-topbar-above-headline": f'<main><article><div class="ArticleHeader_topBar__a1b2"><a href="/p">Politics</a>'
                                  f" {_TIME}</div>{_H1}{STORY}</article></main>",
    "next-topbar-byline": f'<main><article>{_H1}<div class="ArticleHeader_topBar__a1b2"><span>By A. Writer</span> '
                          f"{_TIME}</div>{STORY}</article></main>",
    "story-top-bar-dateline": f'<article>{_H1}<div class="story-top-bar"><span class="dateline">WASHINGTON, March 12, '
                              f"2026</span></div>{STORY}</article>",
    "article-masthead-meta": f'<article><div class="article-masthead">{_H1}</div><div class="article-masthead__meta">'
                             f"By A. Writer | {_TIME}</div>{STORY}</article>",
    "masthead-byline": f'<article><header class="story-masthead"><div class="kicker">World</div></header>{_H1}'
                       f'<div class="masthead-byline">By A. Writer, March 12, 2026</div>{STORY}</article>',
    "meta-has-comments": f'<article>{_H1}<div class="meta has-comments"><span>By A. Writer</span> <span class="date">'
                         f"March 12, 2026</span></div>{STORY}</article>",
    "comments-count-wrapper": f'<article>{_H1}<div class="byline comments-count-3"><span>By A. Writer</span> {_TIME}'
                              f"</div>{STORY}</article>",
    "no-article-topbar-by-headline": f'<main><div class="Story_topBar__x9"><span>News</span> {_TIME}</div>{_H1}{STORY}'
                                     "</main>",
    "no-article-masthead-date": f'<main><div class="b-article"><div class="masthead-date">{_TIME}</div>{_H1}{STORY}'
                                "</div></main>",
    "wp-entry-meta-comments-link": f'<div id="content"><main><article class="post-1 post type-post"><header '
                                   f'class="entry-header">{_H1}<div class="entry-meta"><span class="posted-on">Posted '
                                   f'on <a href="/x">{_TIME}</a></span> <span class="comments-link"><a href="#respond">'
                                   f"Leave a comment</a></span></div></header>{STORY}</article></main></div>",
    "story-topbar-above-article": f'<main><div class="ArticleLayout_topBar__x1"><a href="/p">Politics</a> {_TIME}</div>'
                                  f"<article>{_H1}{STORY}</article></main>",
    "post-masthead-beside-article": f'<div class="post-masthead"><span>By A. Writer</span> {_TIME}</div><main><article>'
                                    f"{_H1}{STORY}</article></main>",
    "body-entry-header-above-main": f'<header class="entry-header"><span class="cat">World</span> {_TIME}</header>'
                                    f"<main><article>{_H1}{STORY}</article></main>",
    "body-post-header-byline": f'<header class="post-header"><p class="post-meta">By A. Writer, March 12, 2026</p>'
                               f"</header><main>{_H1}{STORY}</main>",
}


@pytest.mark.parametrize("name", OWN_BLOCKS)
def test_a_story_keeps_its_date_in_its_own_top_bar_masthead_or_meta(name: str) -> None:
    assert stored(_chrome_page(OWN_BLOCKS[name]))[0] == MAR_12


SITE_CHROME = {  # the site's top bar or masthead on a page without an `<article>`: still not the story's day
    "no-article-site-top-bar": '<div class="top-bar">Thursday, March 19, 2026</div><main><div class="content">'
                               f'<div class="story">{_H1}{STORY}</div></div></main>',
    "no-article-masthead-id": '<div id="masthead"><p>19 March 2026</p></div><div class="wrap"><main>'
                              f'<div class="story">{_H1}{STORY}</div></main></div>',
}


@pytest.mark.parametrize("name", SITE_CHROME)
def test_the_sites_top_bar_without_an_article_still_dates_no_story(name: str) -> None:
    assert stored(_chrome_page(SITE_CHROME[name]))[0] is None


def _cms(body: str) -> str:
    return f'<html lang="en"><head><title>{TITLE}</title></head><body>{body}</body></html>'


CMS_PAGES = {  # the site's chrome (masthead, top bar, comments) beside the story's own date (review)
    "drupal-olivero": _cms(
        '<div class="dialog-off-canvas-main-canvas"><div id="page-wrapper">'
        '<header role="banner" id="header" class="site-header">'
        '<div class="site-branding">Site</div></header><div id="main-wrapper"><main role="main">'
        '<div class="region--content"><div class="block-page-title-block"><h1 class="title page-title">'
        f'<span>{TITLE}</span></h1></div><article class="node node--type-article"><header class="node__header">'
        '<div class="node__meta"><span>By <a>A. Writer</a></span>, <span>12 March, 2026</span>'
        f'</div></header>{STORY}<section class="comments"><h2>Comments</h2></section></article>'
        '</div></main></div></div></div>'),
    "drupal7-no-time": _cms(
        '<div id="page"><div id="header" class="masthead"><div class="date">Thursday, March 19, 2026</div>'
        f'</div><div id="main"><div id="content"><h1 class="title">{TITLE}</h1><div class="node">'
        f'<div class="submitted">Submitted by A. Writer on March 12, 2026</div>{STORY}</div>'
        '</div></div></div>'),
    "next-site-topbar": _cms(
        '<div id="__next"><header class="Header_root__x"><div class="Header_topBar__y">Thursday, March 19, 2026</div>'
        f'</header><main><article><header class="ArticleHeader_root__z">{_H1}<div class="ArticleHeader_byline__q">'
        f'By A. Writer {_TIME}</div></header>{STORY}</article></main></div>'),
    "ghost-comments-in-article": _cms(
        '<div class="viewport"><header id="gh-head" class="gh-head"><a>Site</a></header><main id="site-main">'
        f'<article class="article post"><header class="article-header gh-canvas">{_H1}<div class="article-byline-meta">'
        '<time class="byline-meta-date" datetime="2026-03-12">12 Mar 2026</time></div></header>'
        f'<section class="gh-content"></section>{STORY}<section class="article-comments gh-canvas">'
        '<div class="comment">March 19, 2026</div></section></article></main></div>'),
    "wp-twentyone": _cms(
        '<div id="page" class="site"><header id="masthead" class="site-header has-title-and-tagline" role="banner">'
        '<p class="site-title">Site</p></header>'
        '<div id="content" class="site-content"><main id="main" class="site-main">'
        '<article id="post-1" class="post-1 post type-post status-publish hentry">'
        '<header class="entry-header alignwide">'
        f'<h1 class="entry-title">{TITLE}</h1></header><div class="entry-content">{STORY}</div>'
        '<footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">'
        f'Published {_TIME}</span><span class="byline">By A. Writer</span></div></footer></article>'
        '<div id="comments" class="comments-area default-max-width show-avatars"><ol class="comment-list">'
        '<li class="comment"><time datetime="2026-03-19T10:00:00+00:00">March 19, 2026 at 10:00 am</time>'
        '</li></ol></div></main></div></div>'),
}


@pytest.mark.parametrize("name", CMS_PAGES)
def test_a_cms_story_keeps_its_day_beside_the_sites_chrome(name: str) -> None:
    assert stored(_cms(CMS_PAGES[name]))[0] == MAR_12
