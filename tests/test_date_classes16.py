# ruff: noqa: RUF001  (letters of other scripts are the pages' own)
"""The sixteenth pass on publication dates (docs/extraction.md, "Sixteenth pass, dates"): Korean
two-digit years printed first, lunar dates in digits, a story's own top bar in the page's `<main>`,
lists of other stories named in the page's language, Moroccan and Burmese month names, dashed and
bracketed month forms, and a photo's upload month read as its first day.

The batch (`tests/date_batch16.py`, hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included. On main's code 5 of its 35 pages were right and 2 of the 14 of
its second set; all are right with this pass. The tests after it pin each rule's edges; the runs at
the end serve pages under a feed without dates, and with dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsflow.extract import page_tree as load_html
from newsflow.lunardates import lunar_days, year_first_short
from newsflow.pageblocks import headline_ancestors, other_stories_block
from newsflow.pagedates import other_stories_only
from newsflow.printeddates import first_date
from tests.date_batch15 import latest, site
from tests.date_batch16 import AFTER, COM, MAR_12, PAGES, main_page
from tests.localserver import LocalServer
from tests.test_date_classes import STORY, TITLE, page, stored
from tests.test_date_classes14 import days_stored_by_a_run

CLASS_PAGES = PAGES + AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored(html, url)[0] == day, name


def _read(text: str, order: str | None = None) -> date | None:
    found = first_date(text, named=True, order=order)
    return found[1] if found is not None else None


# --- Korean two-digit years -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("입력 26.03.12 09:15", MAR_12),
    ("26-03-12", MAR_12),
    ("25/11/09 20:15", date(2025, 11, 9)),
    ("입력 2026.03.12 09:15", MAR_12),  # a full year is read as before
    ("26.13.12", None),  # no 13th month
    ("12:26.03.12", None),  # not after a time's colon
    ("1.26.03.12", None),  # part of a longer dotted number
])
def test_a_korean_pages_short_date_is_year_first(text: str, day: date | None) -> None:
    assert _read(text, "ymd") == day


def test_a_short_dotted_date_elsewhere_keeps_the_pages_order() -> None:
    assert _read("04.03.26, 10:30", "dmy") == date(2026, 3, 4)  # an Israeli or German byline, as before
    assert _read("26.03.12") is None  # no order known: not read
    assert year_first_short("v2.10.3") == []


def test_a_korean_page_is_told_by_its_language() -> None:
    korean = page("26.03.12", "en").replace('lang="en"', 'lang="ko-KR"')
    assert stored(korean, "https://www.example.com/a")[0] == MAR_12
    assert stored(page("26.03.12", "de"), "https://www.example.de/a")[0] != MAR_12  # 26 March 2012 there


# --- lunar dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("农历2026年1月24日", None),
    ("農曆 2026年1月24日", None),
    ("阴历2026年1月24日", None),
    ("음력 2026년 1월 24일", None),
    ("âm lịch ngày 24/1/2026", None),
    ("ngày 24 tháng 1 năm 2026 âm lịch", None),
    ("24/1/2026 (ÂL)", None),
    ("农历2026年1月24日 公历2026年3月12日", MAR_12),
    ("2026年3月12日 农历正月廿四", MAR_12),
    ("2026年3月12日（农历2026年1月24日）", MAR_12),
    ("ngày 12 tháng 3 năm 2026", MAR_12),  # no lunar word: Gregorian, as before
])
def test_a_lunar_date_is_no_gregorian_day(text: str, day: date | None) -> None:
    assert _read(text) == day


def test_a_pages_lunar_days_are_the_gregorian_readings_of_its_lunar_dates() -> None:
    tree = load_html(page("2026年3月12日 农历2026年1月24日", "zh-CN"))
    assert lunar_days(tree) == {date(2026, 1, 24)}
    assert lunar_days(load_html(page("2026年3月12日", "zh-CN"))) == set()


# --- a story's own top bar in <main>; the site's before it ---------------------------------------


def _block(html: str) -> bool:
    tree = load_html(f"<html>{html}</html>")
    ancestors, article = headline_ancestors(tree.find(".//h1"))
    return other_stories_block(tree.find(".//p[@class='d']"), ancestors, article)


@pytest.mark.parametrize(("html", "other"), [
    ('<body><main><div class="topbar"><p class="d">x</p></div><article><h1>T</h1></article></main></body>', False),
    ('<body><div role="main"><div class="top-bar"><p class="d">x</p></div><article><h1>T</h1></article></div>'
     "</body>", False),
    ('<body><div class="topbar"><p class="d">x</p></div><main><article><h1>T</h1></article></main></body>', True),
    ('<body><div id="masthead"><p class="d">x</p></div><div><article><h1>T</h1></article></div></body>', True),
    ('<body><header><div class="topbar"><p class="d">x</p></div></header><main><article><h1>T</h1></article>'
     "</main></body>", True),
])
def test_a_top_bar_in_main_is_the_storys_and_one_before_it_the_sites(html: str, other: bool) -> None:
    assert _block(html) is other


def test_the_sites_top_bar_outside_main_still_dates_no_story() -> None:
    html = main_page("").replace('<header class="site-header">', '<div class="topbar">Thursday, March 19, 2026</div>'
                                                                 '<header class="site-header">')
    assert stored(html, COM)[0] is None


# --- other stories' lists in the page's language ---------------------------------------------------


@pytest.mark.parametrize("name", [
    "ultimas-noticias", "noticias-relacionadas", "mas-leidas", "leia-tambem", "otras-noticias", "weitere-artikel",
    "weitere_beitraege", "mehr-zum-thema", "lesenSieAuch", "meistgelesen", "autres-articles", "a-lire-aussi",
    "plus-lus", "altre-notizie", "leggi-anche", "articoli-correlati", "berita-terkait", "baca-juga",
    "ilgili-haberler", "cok-okunan", "gerelateerd", "meer-nieuws", "czytaj-takze", "tin-lien-quan", "relaterade",
])
def test_a_list_named_in_the_pages_language_is_another_block(name: str) -> None:
    assert _block(f'<body><article><h1>T</h1></article><div class="{name}"><p class="d">x</p></div></body>')


@pytest.mark.parametrize("name", ["section-related", "tags-related", "cat-latest-news", "related category-news"])
def test_a_block_named_beside_a_taxonomy_word_is_still_another_stories(name: str) -> None:
    assert _block(f'<body><article><h1>T</h1></article><div class="{name}"><p class="d">x</p></div></body>')


@pytest.mark.parametrize("name", ["weiterlesen", "ultimas", "terbaru", "lire", "noticia", "article-meta"])
def test_a_word_alone_is_no_list_of_other_stories(name: str) -> None:
    assert not _block(f'<body><article><h1>T</h1><div class="{name}"><p class="d">x</p></div></article></body>')


def test_a_slashed_date_in_a_list_is_read_in_the_pages_order() -> None:
    listed = site("", "pt-BR", after=latest(("09/03/2026",), "leia-tambem"))
    assert other_stories_only(load_html(listed), "2026-03-09")
    assert not other_stories_only(load_html(listed), "2026-09-03")  # the other reading is no day of the list
    own = site('<p class="data">09/03/2026</p>', "pt-BR", after=latest(("09/03/2026",), "leia-tambem"))
    assert not other_stories_only(load_html(own), "2026-03-09")  # the story prints it too


# --- month forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("12 يوليوز 2025", date(2025, 7, 12)),
    ("12 غشت 2025", date(2025, 8, 12)),
    ("12 شتنبر 2025", date(2025, 9, 12)),
    ("9 نونبر 2025", date(2025, 11, 9)),
    ("12 دجنبر 2025", date(2025, 12, 12)),
    ("၁၂ မတ် ၂၀၂၆", MAR_12),
    ("၂၀၂၆ မတ်လ ၁၂ ရက်", MAR_12),
    ("12-MAR-2026", MAR_12),
    ("12-Mar-2026 09:15", MAR_12),
    ("12 آذار (مارس) 2026", MAR_12),
    ("12 آذار/مارس 2026", MAR_12),
    ("12-March 2026", None),  # a dash only between all three
    ("item 12-mar-2026x", None),
])
def test_more_month_forms_are_read(text: str, day: date | None) -> None:
    assert _read(text) == day


# --- runs: a feed without dates, and one with ------------------------------------------------------

def _photo_story(subject: str) -> str:  # pages of different texts: a run stores one copy of a text
    return ('<img src="/wp-content/uploads/2026/03/a.jpg"><p>' + f"The council voted on the {subject} budget "
            "after a long debate about costs, taxes and the town's plans for the coming years. " * 3 + "</p>")


RUN_PAGES = {  # the page, the feed's date, the day stored
    "ko-short": (page("입력 26.03.12 09:15", "ko"), None, MAR_12),
    "zh-lunar-then-gregorian": (page("农历2026年1月24日 公历2026年3月12日", "zh-CN"), None, MAR_12),
    "topbar-in-main": (main_page('<div class="topbar">March 12, 2026</div>'), None, MAR_12),
    "ma-yulyuz": (page("12 يوليوز 2025", "ar"), None, date(2025, 7, 12)),
    "zh-lunar-only-feed": (page("农历2026年1月24日", "zh-CN"), "Thu, 12 Mar 2026 09:15:00 GMT", MAR_12),
    "es-ultimas-feed": (site("", "es", after=latest(("9 de marzo de 2026",), "ultimas-noticias")),
                        "Thu, 12 Mar 2026 09:15:00 GMT", MAR_12),
    "upload-month-feed": (page("", story=_photo_story("roads")), "Thu, 12 Mar 2026 09:15:00 GMT", MAR_12),
    "upload-month-no-feed": (page("", story=_photo_story("library")), None, None),
}


def test_a_run_stores_each_class_day_and_the_feeds_over_a_day_the_page_does_not_state(
        tmp_path: Path, server: LocalServer) -> None:
    rows = days_stored_by_a_run(tmp_path, server, {name: (html, when) for name, (html, when, _) in RUN_PAGES.items()})
    assert rows == {name: day for name, (_, _, day) in RUN_PAGES.items()}


# --- review of the sixteenth pass: real CMS markups the new rules must leave right ------------------

_TITLE_OUTSIDE = ('<html lang="{lang}"><head><title>{title}</title></head><body><header class="site-header">'
                  '<a href="/">Home</a></header><div class="single-hero"><h1 class="entry-title">{title}</h1></div>'
                  '<article id="post-9" class="post-9 post type-post status-publish hentry {cls}">'
                  '<div class="entry-meta">{meta}</div><div class="entry-content">{story}</div></article>'
                  '</body></html>')


@pytest.mark.parametrize("cls", ["category-ultimas-noticias", "category-berita-terbaru", "tag-son-haberler",
                                 "category-najnowsze", "category-latest-news", "categoria-mas-leidas"])
@pytest.mark.parametrize("meta", ['<time class="entry-date">12 March 2026</time>',
                                  '<time class="entry-date published" datetime="2026-03-12T09:15:00+01:00">12/03/2026'
                                  "</time>"])
def test_a_storys_own_category_class_names_no_list_of_other_stories(cls: str, meta: str) -> None:
    # WordPress's post_class puts the story's categories and tags on its `<article>`; a theme with the
    # title in a hero above it leaves the byline in that element ("category-ultimas-noticias")
    html = _TITLE_OUTSIDE.format(lang="es", title=TITLE, cls=cls, meta=meta, story=STORY)
    assert stored(html, COM)[0] == MAR_12


_WHOLE_IN_MAIN = [
    '<main id="main"><div class="topbar">Thursday, 3 December 2026</div><header class="site-header"><a href="/">'
    'Daily</a></header><article><h1>{title}</h1><p class="byline">By A. Writer</p>{story}</article></main>',
    '<div id="__next"><main class="Layout_main__x1"><div class="top-bar">Thu, Dec 3, 2026</div><header '
    'class="Header_header__b2"><a href="/">Daily</a></header><div class="Page_wrap__c3"><article><h1>{title}</h1>'
    '{story}</article></div></main></div>',
    '<div id="page" class="site" role="main"><header id="masthead" class="site-header"><div class="header-date">'
    'Thursday 3rd December 2026</div></header><div id="content"><div id="primary"><h1 class="entry-title">{title}</h1>'
    '{story}</div></div></div>',
    '<main><div class="topbar">Thursday, 3 December 2026</div><div class="logo"><a href="/">Daily</a></div><nav '
    'class="menu"><a href="/news">News</a></nav><div class="wrap"><article><h1>{title}</h1>{story}</article></div>'
    '</main>',
]


def test_a_storys_top_bar_in_main_beside_a_breadcrumb_trail_is_the_storys() -> None:
    trail = '<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> <a href="/news">News</a></nav>'
    bar = '<div class="topbar"><span>Politics</span> March 12, 2026</div>'
    html = main_page(bar).replace("<main>", f"<main>{trail}")
    assert stored(html, COM)[0] == MAR_12


@pytest.mark.parametrize("body", _WHOLE_IN_MAIN)
def test_a_site_top_bar_in_a_main_that_holds_the_whole_page_dates_no_story(body: str) -> None:
    # the site puts its header (and the top bar with today's date) in `<main>` too: the bar is the site's
    inside = body.format(title=TITLE, story=STORY)
    html = f'<html lang="en"><head><title>{TITLE}</title></head><body>{inside}</body></html>'
    assert stored(html, COM)[0] is None


@pytest.mark.parametrize("byline", ["Thứ Năm, 12/03/2026 (24/1 âm lịch)", "12/03/2026 (tức 24/1 âm lịch)",
                                    "Thứ năm, 12/3/2026 (24/1 ÂL)"])
def test_a_gregorian_date_beside_a_lunar_day_without_a_year_is_the_storys(byline: str) -> None:
    # Vietnamese pages print the lunar day and month after the day: only a date ending at the
    # calendar's name is the lunar one
    assert _read(byline, "dmy") == MAR_12
    assert lunar_days(load_html(page(byline, "vi"))) == set()
    assert stored(page(byline, "vi"), "https://www.example.vn/a/1")[0] == MAR_12


@pytest.mark.parametrize("head", ['<meta name="DC.date.issued" content="2026-03-01">',
                                  '<meta name="dc.date" content="2026-03-01">'])
def test_a_story_of_the_first_stated_by_a_meta_keeps_its_day_beside_its_uploads(head: str) -> None:
    # published on the 1st, its photo filed under /uploads/2026/03/: a meta htmldate reads states the day
    html = page("", head=head, story=_photo_story("parks"))
    assert stored(html, COM)[0] == date(2026, 3, 1)


@pytest.mark.parametrize(("subtitle", "byline", "day"), [
    ("애플, iOS 17.4.1 배포… 보안 취약점 수정", "입력 2026.03.12 09:15", MAR_12),
    ("iOS 17.4.1", "입력 26.03.12 09:15", MAR_12),
    ("애플, iOS 17.4.1 배포", "기자 홍길동", None),
])
def test_a_version_number_on_a_korean_page_is_no_year_first_date(subtitle: str, byline: str, day: date | None) -> None:
    # Korean papers pad the month and the day ("26.03.12"); "17.4.1" under a tech story's headline is a
    # version, not 1 April 2017
    html = page(byline, "ko").replace(f"<h1>{TITLE}</h1>", f"<h1>{TITLE}</h1><h2>{subtitle}</h2>")
    assert stored(html, "https://www.example.co.kr/a/v")[0] == day
