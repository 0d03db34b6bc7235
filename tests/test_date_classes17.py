"""The seventeenth pass on publication dates (docs/extraction.md, "Seventeenth pass, dates"): a story's
own top bar on a script-built page without `<article>`, US-order dates on Korean pages, a story's own
section class named like a list of other stories, a page dated only by its modification, Kurdish
months, and relative times in more languages.

The batch (`tests/date_batch17.py`, hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included. On main's code 16 of its 33 pages were right and 4 of the 12 of
its second set (written with the first, before the rules); 32 and 11 are right with this pass (the
rest are `LEFT`). The tests after it pin each rule's edges; the run at the end serves pages under a
feed without dates, and with dates.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.articledates import article_dates
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.lunardates import YEAR_FIRST
from newsflow.pageblocks import headline_ancestors, other_stories_block
from newsflow.printeddates import first_date
from newsflow.relativedates import relative_age
from tests.date_batch17 import AFTER, COM, MAR_12, NOV_9, PAGES, RELATIVE, RELATIVE_AFTER, branch_page, ld, wrapped_page
from tests.localserver import LocalServer
from tests.test_date_classes import page, stored
from tests.test_date_classes14 import days_stored_by_a_run
from tests.test_date_classes16 import _read

LEFT = {  # read wrong still, on main's code too (docs: "Seventeenth pass, dates", not done)
    "en-section-latest",  # "section-latest-news" on the story's wrapper: "section-related" names a list
    "spa-topbar-es",  # second set: a Spanish top bar two levels from the headline
}
CLASS_PAGES = [entry for entry in PAGES + AFTER if entry[0] not in LEFT]


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored(html, url)[0] == day, name


# --- relative times in more languages ---------------------------------------------------------------


@pytest.mark.parametrize(("lang", "line", "age"), RELATIVE + RELATIVE_AFTER)
def test_a_relative_time_in_more_languages_gives_its_age(lang: str, line: str, age: timedelta) -> None:
    assert relative_age([line]) == age, lang


@pytest.mark.parametrize("line", ["5 min read", "Reading time: 3 min", "2 saat", "منذ سنوات", "H2 2026",
                                  "4d printing", "pre-2 days"])
def test_a_count_and_unit_without_a_cue_is_no_age(line: str) -> None:
    assert relative_age([line]) is None


@pytest.mark.parametrize("line", ["Anh trước đó từng làm việc tại Hà Nội", "Ảnh: Minh Anh trước cổng trường",
                                  "Xem thêm: Em và anh trước giờ G", "Ah ago"])
def test_a_compact_unit_is_a_letter_right_after_digits(line: str) -> None:
    """Review of the seventeenth pass: "an" (one) and the compact "h" read Vietnamese "anh trước" (brother,
    before) as an hour ago; the compact letters follow a digit ("2h ago"), the word forms are read as before."""
    assert relative_age([line]) is None
    assert relative_age(["2h ago"]) == timedelta(hours=2)
    assert relative_age(["an hour ago"]) == timedelta(hours=1)


@pytest.mark.parametrize("line", ["قبل 3 أيام من الانتخابات: المرشحون يتنافسون", "قبل يومين من القمة | كتب: أحمد علي",
                                  "قبل ساعة على الإفطار"])
def test_an_arabic_before_is_no_age(line: str) -> None:
    """Review of the seventeenth pass: "قبل" is "before" as well as "ago"; "قبل 3 أيام من الانتخابات" (three
    days before the elections, a kicker under the headline) dated a page three days before its fetch."""
    assert relative_age([line]) is None
    assert relative_age(["قبل 3 أيام"]) == timedelta(days=3)


def test_a_page_dated_only_by_a_kyrgyz_relative_time_gives_its_age() -> None:
    assert stored(page("Жаңылыктар · 2 саат мурун", "ky"), "https://www.example.kg/a/1") == (None, timedelta(hours=2))


# --- Korean pages: a year-last slashed date is month first --------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("입력 03/12/2026 09:15", MAR_12),
    ("11/09/2025", NOV_9),
    ("13/03/2026", date(2026, 3, 13)),  # no 13th month: day first
    ("입력 26.03.12 09:15", MAR_12),  # the short year-first form, as before
])
def test_a_korean_pages_year_last_date_is_month_first(text: str, day: date) -> None:
    assert _read(text, YEAR_FIRST) == day


def test_a_korean_pages_json_ld_slashed_date_is_month_first() -> None:
    assert stored(page("", "ko", head=ld(datePublished="11/09/2025 20:15")), "https://www.example.co.kr/b")[0] == NOV_9


# --- a story's own section class, named like a list of other stories ---------------------------------


def _block(html: str) -> bool:
    tree = load_html(f"<html>{html}</html>")
    ancestors, article = headline_ancestors(tree.find(".//h1"))
    return other_stories_block(tree.find(".//p[@class='d']"), ancestors, article)


@pytest.mark.parametrize("name", ["seccion-ultimas-noticias", "sección-mas-leidas", "secao-mais-lidas",
                                  "editoria-leia-tambem", "rubrique-a-lire-aussi", "rubrik-meistgelesen",
                                  "sezione-ultime-notizie", "kanal-berita-terpopuler", "ressort_weitere_artikel",
                                  "kategori-son-haberler"])
def test_a_section_class_of_the_storys_own_is_no_list(name: str) -> None:
    assert not _block(f'<body><h1>T</h1><div class="body {name}"><p class="d">x</p></div></body>')


@pytest.mark.parametrize("name", ["ultimas-noticias", "section-related", "mas-leidas seccion-deportes"])
def test_a_list_is_still_one_beside_a_section_class(name: str) -> None:
    assert _block(f'<body><h1>T</h1><div class="{name}"><p class="d">x</p></div></body>')


def test_a_wrapper_named_for_its_section_keeps_the_storys_date() -> None:
    html = wrapped_page("nota seccion-ultimas-noticias", "9 de noviembre de 2025")
    assert stored(html, "https://www.example.com.ar/c")[0] == NOV_9


# --- a story's own top bar on a page without <article> --------------------------------------------------


@pytest.mark.parametrize(("html", "other"), [
    # the story's wrapper holds its bar and its headline, each two levels down
    ('<body><header class="site-header"><a href="/">D</a></header><div class="page"><div class="x">'
     '<div class="topbar"><p class="d">x</p></div></div><div class="y"><div class="z"><h1>T</h1></div></div></div>'
     "</body>", False),
    ('<body><div class="Story_wrap__a1"><div><div class="top-bar"><p class="d">x</p></div></div><div><div><h1>T</h1>'
     "</div></div></div></body>", False),
    # the site's bar: its wrapper with the headline holds the site's header or menu, or is `<body>`
    ('<body><div id="app"><div class="topbar"><p class="d">x</p></div><header><a href="/">D</a></header><div><div>'
     "<h1>T</h1></div></div></div></body>", True),
    ('<body><div id="app"><div class="topbar"><p class="d">x</p></div><nav><a href="/a">A</a></nav><div><div><h1>T</h1>'
     "</div></div></div></body>", True),
    ('<body><div class="top-bar"><p class="d">x</p></div><div class="content"><div><h1>T</h1></div></div>'
     "</body>", True),
    # review: a theme's wrapper holds the whole site, its menu or logo in plain `<div>`s (no `<nav>`, no `<header>`)
    ('<body><div id="wrapper"><div class="topbar"><p class="d">x</p></div><div class="main-menu"><ul><li><a>A</a></li>'
     "</ul></div><div class=\"content\"><div><h1>T</h1></div></div></div></body>", True),
    ('<body><div class="container"><div class="topbar"><p class="d">x</p></div><div id="Logo"><a href="/">D</a></div>'
     "<div class=\"row\"><div><h1>T</h1></div></div></div></body>", True),
])
def test_a_top_bar_without_an_article_is_the_storys_under_its_wrapper(html: str, other: bool) -> None:
    assert _block(html) is other


@pytest.mark.parametrize(("lang", "bar", "title"), [
    ("en", '<time datetime="2026-12-03">Thursday, 3 December 2026</time>', "Council passes the budget"),
    ("es", '<span class="fecha">Jueves, 3 de diciembre de 2026</span>', "El concejo aprueba el presupuesto"),
])
def test_todays_date_in_a_site_wrappers_bar_dates_no_story(lang: str, bar: str, title: str) -> None:
    """Review of the seventeenth pass: an old theme without `<article>` or `<nav>` (`<div id="wrapper">` holding
    the site's top bar, logo and `<div class="menu">`) had the site's today read as the story's date."""
    html = (f'<html lang="{lang}"><head><title>{title}</title></head><body><div id="wrapper"><div class="topbar">{bar}'
            '</div><div class="logo"><a href="/"><img src="/logo.png"></a></div><div class="menu"><ul><li>'
            '<a href="/">Home</a></li></ul></div><div class="container"><div class="row"><div class="col-md-8">'
            f'<h1>{title}</h1><div class="meta">A. Writer</div>{_story("roads") * 3}</div></div></div></div>'
            "</body></html>")
    article = extract_article(html, "https://news.example/story-123")
    assert article is not None and article.published_at is None


def test_the_sites_bar_above_a_story_wrapper_still_dates_no_story() -> None:
    html = branch_page("Politics").replace('<div class="site-top-bar">', '<div class="site-top-bar">Updated daily · ')
    assert stored(html, COM)[0] is None  # the story's bar prints no day; the site's today is not the story's


# --- a page dated only by its modification --------------------------------------------------------------

_MODIFIED_ONLY = page("", head=ld(dateModified="2026-03-12T09:15:00+01:00"))
_FEED_AT = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
_FETCHED = datetime(2026, 3, 13, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("html", [
    _MODIFIED_ONLY, page("Updated 12 March 2026"), page("Last updated: Mar 12, 2026 - 09:15"),
    page("", head='<meta property="article:modified_time" content="2026-03-12T09:15:00+01:00">'),
])
def test_a_page_dated_only_by_its_modification_gives_way_to_the_feeds_date(html: str) -> None:
    article = extract_article(html, COM)
    assert article is not None and article.published_date == MAR_12 and article.published_by_update
    assert article_dates(article, _FEED_AT, None, _FETCHED, COM) == (_FEED_AT, date(2026, 3, 10))
    assert article_dates(article, None, None, _FETCHED, COM)[1] == MAR_12  # no feed date: the modification's day


@pytest.mark.parametrize("html", [
    page("March 10, 2026 · Updated 12 March 2026"),
    page("", head=ld(datePublished="2026-03-10T08:00:00+01:00", dateModified="2026-03-12T09:15:00+01:00")),
    page("Updated 12 March 2026", head='<meta property="article:published_time" content="2026-03-12T08:00:00Z">'),
])
def test_a_page_that_states_its_publication_is_not_dated_by_its_modification(html: str) -> None:
    article = extract_article(html, COM)
    assert article is not None and not article.published_by_update


# --- a date kept in a byline element's title ----------------------------------------------------------


@pytest.mark.parametrize(("byline", "day"), [
    ('发表于 <span title="2026-3-12 09:15">3&nbsp;天前</span>', MAR_12),
    ('<time class="ago" title="9 November 2025, 20:15">a month ago</time>', NOV_9),
    ('<a href="/u/1" title="A. Writer">A. Writer</a> <span title="Permalink">#1</span>', None),
])
def test_a_date_in_a_byline_elements_title_dates_a_page_that_prints_only_an_age(byline: str, day: date | None) -> None:
    assert stored(page(byline, "en"), COM)[0] == day


def test_a_byline_title_does_not_outrank_a_declared_date() -> None:
    html = page('<span title="2026-03-01 09:15">11 days ago</span>', head=ld(datePublished="2026-03-12T09:15:00+01:00"))
    assert stored(html, COM)[0] == MAR_12


# --- Kurdish months --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("12ی ئازاری 2026", MAR_12),
    ("١٢ی ئازاری ٢٠٢٦", MAR_12),
    ("12 ئازاری ساڵی 2026", MAR_12),
    ("9ی تشرینی دووەمی 2025", NOV_9),
    ("3ی کانوونی یەکەمی 2025", date(2025, 12, 3)),
    ("1ی کانونی دووەم 2026", date(2026, 1, 1)),
    ("12ى ئازارى 2026", MAR_12),  # the Arabic yeh
    ("12ê Adarê 2026", MAR_12),
    ("12'ê Adara 2026an", MAR_12),
    ("9ê Mijdarê 2025", NOV_9),
    ("1ê Kanûna Paşînê 2026", date(2026, 1, 1)),
    ("3 Kanuna Pesin 2025", date(2025, 12, 3)),  # without the hats
    ("20ê Hezîranê 2025", date(2025, 6, 20)),
    ("12 NİSAN 2026", date(2026, 4, 12)),  # a Turkish page's capitals: "NİSAN" lowers with a combining dot
    ("12 ADARÊ 2026", MAR_12),
    ("Adar 2026", None),
    ("Gulan 12", None),
])
def test_kurdish_dates_are_read(text: str, day: date | None) -> None:
    assert _read(text) == day


@pytest.mark.parametrize("text", [
    "ئ 1" + " " * 20_000 + "x",  # an Arabic letter, a day's digits, then a run of spaces (a raw title attribute)
    "ئ 12" + "\n" * 20_000 + "ئازاری",
])
def test_the_sorani_pattern_is_linear_on_runs_of_spaces(text: str) -> None:
    """Review of the seventeenth pass: "\\s*ی?\\s+" split a run of spaces every way (4 s on 20,000)."""
    started = time.process_time()
    first_date(text, named=True)
    assert time.process_time() - started < 1.0


# --- a run: a feed without dates, and one with ------------------------------------------------------------

def _story(subject: str) -> str:  # pages of different texts: a run stores one copy of a text
    return ("<p>" + f"The council voted on the {subject} budget after a long debate about costs, taxes and the "
            "town's plans for the coming years. " * 3 + "</p>")


RUN_PAGES = {  # the page, the feed's date, the day stored
    "ko-us": (page("입력 03/12/2026 09:15", "ko", story=_story("roads")), None, MAR_12),
    "ckb": (page("12ی ئازاری 2026", "ckb", story=_story("library")), None, MAR_12),
    "seccion": (wrapped_page("nota seccion-ultimas-noticias", "12 de marzo de 2026").replace(
        "The council met", "The mayor met"), None, MAR_12),
    "spa-bar": (branch_page("Politics · March 12, 2026").replace("The council met", "The board met"), None, MAR_12),
    "modified-no-feed": (page("", head=ld(dateModified="2026-03-12T09:15:00+01:00"), story=_story("parks")), None,
                         MAR_12),
    "modified-feed": (page("Updated 12 March 2026", story=_story("schools")), "Tue, 10 Mar 2026 08:00:00 GMT",
                      date(2026, 3, 10)),
}


def test_a_run_stores_each_class_day_and_the_feeds_over_a_modification(tmp_path: Path, server: LocalServer) -> None:
    rows = days_stored_by_a_run(tmp_path, server, {name: (html, when) for name, (html, when, _) in RUN_PAGES.items()})
    assert rows == {name: day for name, (_, _, day) in RUN_PAGES.items()}
