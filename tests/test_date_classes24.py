"""The twenty-fourth pass on publication dates (docs/extraction.md, "Twenty-fourth pass, dates (issue 15): blind
pages"): a padded `<time datetime>`; a JSON-LD `datePublished` outvoted by the published meta and the byline; an
event's day in a sentence that a link split, read as the byline's.

The batch (`tests/date_batch24.py`; both sets of each class written before any rule) runs through the whole
extraction, htmldate included. The tests after it pin each rule's edges and its guards.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.bylinetexts import byline_lines, in_other_block
from newsflow.datechecks import outvoted_day
from newsflow.declareddates import published_metas
from newsflow.extract import page_tree
from newsflow.headline_date import byline_time, headline_date, update_bound
from tests.date_batch20 import stored_day
from tests.date_batch24 import (
    FRAGMENT_PAGES,
    FRAGMENT_PAGES_AFTER,
    HERO_PAGES,
    HERO_PAGES_AFTER,
    LAW_EN,
    MARCH_10,
    MARCH_12,
    MICRODATA_PAGES,
    MICRODATA_PAGES_AFTER,
    PADDED_PAGES,
    PADDED_PAGES_AFTER,
    VOTE_PAGES,
    VOTE_PAGES_AFTER,
    hero,
    ld,
    meta,
    microdata,
    page,
    topbar,
)
from tests.test_date_classes import STORY, TITLE

BATCH = (PADDED_PAGES + PADDED_PAGES_AFTER + VOTE_PAGES + VOTE_PAGES_AFTER + FRAGMENT_PAGES + FRAGMENT_PAGES_AFTER
         + HERO_PAGES + HERO_PAGES_AFTER + MICRODATA_PAGES + MICRODATA_PAGES_AFTER)
NEWS = "https://www.example.com/news/council-budget/"


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch24_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


# --- 1. a padded `datetime` is read stripped ----------------------------------------------------------------------

@pytest.mark.parametrize("padding", [" ", "  ", "\n", "\n  ", "\t", " \r\n"])
def test_an_update_stamps_padded_datetime_is_its_day(padding: str) -> None:
    tree = page_tree(page(f'March 12, 2026 · <time datetime="{padding}2026-03-23T07:07:05{padding}">Updated</time>'))
    assert update_bound(tree) == date(2026, 3, 23)


def test_a_padded_publication_datetime_is_given_stripped() -> None:
    tree = page_tree(page('<time datetime="\n 2026-03-12T10:00:00+01:00 \n">12 March 2026</time>'))
    assert byline_time(tree) == "2026-03-12T10:00:00+01:00"


def test_a_datetime_of_spaces_only_is_no_time() -> None:
    tree = page_tree(page('<time datetime="   ">12 March 2026</time>'))
    assert byline_time(tree) is None
    assert headline_date(tree) == MARCH_12  # the printed day still reads


# --- 2. a JSON-LD day outvoted by the meta and the byline ---------------------------------------------------------

def test_one_source_against_two_with_the_byline_gives_way() -> None:
    stated = [("ld", date(2026, 3, 9)), ("meta", MARCH_12), ("byline", MARCH_12)]
    assert outvoted_day(stated, date(2026, 3, 9)) == MARCH_12


def test_the_url_and_the_byline_outvote_the_json_ld() -> None:
    stated = [("ld", date(2026, 3, 9)), ("byline", MARCH_12), ("url", MARCH_12)]
    assert outvoted_day(stated, date(2026, 3, 9)) == MARCH_12


@pytest.mark.parametrize("stated", [
    [("ld", date(2026, 3, 9)), ("meta", MARCH_12), ("url", MARCH_12)],  # no byline among the two: none
    [("ld", date(2026, 3, 9)), ("meta", date(2026, 3, 9)), ("byline", MARCH_12)],  # two state the chosen day
    [("ld", date(2026, 3, 9)), ("byline", MARCH_12)],  # one against one
    [("ld", date(2026, 3, 9)), ("meta", date(2026, 3, 9)), ("byline", MARCH_12), ("url", MARCH_12)],  # a tie
    [("meta", MARCH_12), ("byline", MARCH_12)],  # the chosen day stated by none: `agreed_day`'s case, not this
])
def test_no_outvoting_without_a_byline_in_a_majority_over_one(stated: list[tuple[str, date]]) -> None:
    assert outvoted_day(stated, date(2026, 3, 9)) is None


def test_an_update_printed_under_the_headline_casts_no_vote() -> None:
    html = page("Updated March 14, 2026", ld("2026-03-12T09:00:00Z") + meta("article:published_time",
                                                                            "2026-03-14T09:00:00Z"))
    assert stored_day(html, NEWS) == MARCH_12


def test_an_age_under_the_headline_casts_no_vote() -> None:
    html = page("2 days ago", ld("2026-03-09T09:00:00Z") + meta("article:published_time", "2026-03-12T09:00:00Z"))
    assert stored_day(html, NEWS) == date(2026, 3, 9)


@pytest.mark.parametrize(("byline", "declared"), [
    # the same instant in two zones: the JSON-LD's local time after midnight, the meta's and the byline's UTC time
    ('<time datetime="2026-03-11T23:30:00Z">March 12, 2026</time>',
     ld("2026-03-12T00:30:00+01:00") + meta("article:published_time", "2026-03-11T23:30:00Z")),
    # the same at +05:30, the meta's time at the same instant written with its offset
    ('<time datetime="2026-03-11T19:00:00Z">March 12, 2026</time>',
     ld("2026-03-12T00:30:00+05:30") + meta("article:published_time", "2026-03-11T19:00:00+00:00")),
])
def test_a_zones_difference_is_no_disagreement(byline: str, declared: str) -> None:
    """Review: timed sources within hours of the chosen time state its moment, not another day; on the starting
    code the JSON-LD's local day (the 12th) stood, and the first form of rule 2 took the UTC day."""
    assert stored_day(page(byline, declared), NEWS) == MARCH_12


# --- 3. a piece of a linked sentence is no byline line ------------------------------------------------------------

def test_the_pieces_of_a_linked_sentence_are_no_byline_lines() -> None:
    lines = byline_lines(page_tree(page("Posted by A. Writer", story=LAW_EN + STORY)))
    assert "Posted by A. Writer" in lines
    assert not any("2012" in line for line in lines)


def test_a_byline_paragraph_with_links_stays_a_byline() -> None:
    byline = '<p>By <a href="/a">A. Writer</a> and <a href="/b">B. Writer</a>, 10 March 2026</p>'
    assert headline_date(page_tree(page("", story=byline + STORY))) == MARCH_10


def test_a_byline_paragraph_ending_in_a_full_stop_but_short_stays_a_byline() -> None:
    byline = '<p>Posted on 10 March 2026 by <a href="/a">A. Writer</a>.</p>'
    assert headline_date(page_tree(page("", story=byline + STORY))) == MARCH_10


@pytest.mark.parametrize("byline", [
    '<p>Published <span class="d">10 March 2026</span> by <a href="/a">Jane Doe</a>, who covers the city council for '
    "the Daily News.</p>",
    '<p>Published 10 March 2026 by <a href="/a">Jane Doe</a>, who covers the city council for the Daily News.</p>',
    '<p>Von <a href="/a">Jana Muster</a> am <b>10.03.2026</b>, die seit vielen Jahren für unsere Zeitung aus dem '
    "Rathaus berichtet.</p>",
    # review: the day after five words, set apart in its own element, as bylines mark it
    '<p>Por <a href="/a">Ana García</a>, corresponsal de la agencia en Madrid, publicado el <b>10 de marzo de 2026</b>.'
    "</p>",
    '<p>Written by <a href="/a">Jane Doe</a> for the politics desk and published on <span class="date">10 March '
    "2026</span>.</p>",
])
def test_a_byline_written_as_a_sentence_with_a_link_stays_a_byline(byline: str) -> None:
    # review of rule 3: the paragraph is prose as a whole, but the day's piece opens it
    assert headline_date(page_tree(page("", story=byline + STORY))) == MARCH_10


def test_a_div_holding_a_byline_and_sentences_is_not_read_as_one_sentence() -> None:
    block = ('<div class="content">By <a href="/a">A. Writer</a> · 10 March 2026<br>The council met on Tuesday '
             "and approved the budget for schools, roads and the library.</div>")
    assert headline_date(page_tree(page("", story=block + STORY))) == MARCH_10


def test_a_long_paragraph_is_not_read_to_its_end() -> None:
    long = "<p>On <a href='/x'>10 March 2026</a> " + "the council met and talked. " * 200 + "</p>"
    assert headline_date(page_tree(page("", story=long + STORY))) == MARCH_10


# --- 4. the story's title and byline in the site header's hero ---------------------------------------------------

def _time_in_other_block(html: str) -> bool:
    tree = page_tree(html)
    return in_other_block(tree, next(tree.iter("time")))


@pytest.mark.parametrize("block", [
    '<h1 class="entry-title">{t}<span class="posted"><time datetime="2026-03-12">12 March 2026</time></span></h1>',
    '<div class="post-header"><h1>{t}</h1><time datetime="2026-03-12">12 March 2026</time></div>',
    '<div class="hero"><h1 class="title">{t}</h1><p class="article-meta"><time datetime="2026-03-12">12 March 2026'
    "</time></p></div>",
    '<div class="hero"><h1>{t}</h1><div class="story-byline">By A. Writer, <time datetime="2026-03-12">12 March '
    "2026</time></div></div>",
])
def test_a_byline_in_the_storys_hero_in_the_site_header_is_the_storys(block: str) -> None:
    html = hero(topbar(block.format(t=TITLE + " | Blog")))
    assert not _time_in_other_block(html)
    assert not _time_in_other_block(hero(topbar(block.format(t=TITLE + " | Blog"), "site-header"), body_header=True))


@pytest.mark.parametrize("block", [
    '<span class="today"><time datetime="2026-12-04">4 December 2026</time></span>',  # the site's date
    '<h1 class="site-title">Example</h1><span class="date"><time datetime="2026-12-04">4 Dec 2026</time></span>',
    '<div class="ticker"><h3 class="entry-title"><a href="/x">Port closes</a></h3><div class="entry-meta">'
    '<time datetime="2026-12-04">4 December 2026</time></div></div>',  # another story's, beside an `<h3>`
    '<div class="post-meta"><time datetime="2026-12-04">4 December 2026</time></div>',  # named, but no `<h1>`
    # review: an `<h1>` that is not the page's title: a featured other story's (linked or not), the site's name
    '<div class="featured-post"><h1 class="entry-title"><a href="/o">Storm closes the port for a week</a></h1>'
    '<div class="entry-meta"><time datetime="2026-12-03">3 December 2026</time></div></div>',
    '<div class="post-header"><h1>Storm closes the port for a week</h1><span class="post-meta"><time '
    'datetime="2026-12-03">3 December 2026</time></span></div>',
    '<div class="site-branding"><h1 class="site-title">Example News</h1><div class="post-meta"><time '
    'datetime="2026-12-03">Thursday, 3 December 2026</time></div></div>',
])
def test_a_date_in_the_site_header_that_is_no_storys_hero_stays_the_sites(block: str) -> None:
    assert _time_in_other_block(hero(topbar(block)))
    assert _time_in_other_block(hero(topbar(block, "site-header"), body_header=True))


def test_a_featured_other_storys_hero_in_the_site_header_gives_no_day() -> None:
    html = hero(topbar('<div class="featured-post"><h1 class="entry-title"><a href="/o">Storm closes the port for a '
                       'week</a></h1><div class="entry-meta"><time datetime="2026-12-03T08:00:00Z">3 December 2026'
                       "</time></div></div>"))
    assert stored_day(html, NEWS) is None  # the starting code's answer; the first form of rule 4 took 3 December


def test_a_footer_stays_another_block_whatever_it_holds() -> None:
    html = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{STORY}</article><footer>"
            f'<div class="entry-meta"><h1>{TITLE}</h1><time datetime="2026-12-04">4 Dec 2026</time></div></footer>'
            "</body></html>")
    assert _time_in_other_block(html)


# --- 5. microdata's `datePublished` on a story item's element ----------------------------------------------------

@pytest.mark.parametrize("kind", ["NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle",
                                  "SocialMediaPosting"])
def test_a_story_items_microdata_publication_is_declared(kind: str) -> None:
    tree = page_tree(microdata('<time itemprop="datePublished" datetime=" 2026-03-12T10:00:00Z ">x</time>', kind=kind))
    assert published_metas(tree) == ["2026-03-12T10:00:00Z"]


@pytest.mark.parametrize("markup", [
    '<span itemprop="datePublished" content="2026-03-12">12 March</span>',
    '<time itemprop="dateCreated datePublished" datetime="2026-03-12">12 March</time>',
])
def test_microdata_content_and_several_properties_are_read(markup: str) -> None:
    assert published_metas(page_tree(microdata(markup))) == ["2026-03-12"]


@pytest.mark.parametrize(("markup", "kind"), [
    ('<time itemprop="datePublished" datetime="2026-03-12">x</time>', "Review"),  # not a story's item
    ('<time itemprop="datePublished" datetime="2026-03-12">x</time>', "Event"),
    ('<time itemprop="datePublished">12 March 2026</time>', "NewsArticle"),  # no machine date: the byline reads it
    ('<time itemprop="dateModified" datetime="2026-03-12">x</time>', "NewsArticle"),
])
def test_no_microdata_publication_outside_a_story_item_or_without_a_machine_date(markup: str, kind: str) -> None:
    assert published_metas(page_tree(microdata(markup, kind=kind))) == []


def test_microdata_without_an_item_is_not_read() -> None:
    html = page('<time itemprop="datePublished" datetime="2026-03-12">12 March 2026</time>')
    assert published_metas(page_tree(html)) == []


def test_a_related_storys_microdata_is_not_the_pages() -> None:
    related = ('<aside class="related"><div itemscope itemtype="https://schema.org/NewsArticle"><time itemprop='
               '"datePublished" datetime="2026-03-01">1 March</time></div></aside>')
    assert published_metas(page_tree(microdata("March 10, 2026", before=related))) == []


@pytest.mark.parametrize("inner", [
    # a reader's comment marked as a posting, a property of the story's item
    '<div itemprop="comment" itemscope itemtype="https://schema.org/SocialMediaPosting"><time itemprop='
    '"datePublished" datetime="2026-03-25T10:00:00Z">25 March</time></div>',
    # a story nested in the story (an unclassed "more from" item)
    '<div itemscope itemtype="https://schema.org/BlogPosting"><a href="/y">Old post</a><time itemprop='
    '"datePublished" datetime="2025-03-25T10:00:00Z">25 March 2025</time></div>',
])
def test_a_posting_inside_the_story_item_is_not_the_pages(inner: str) -> None:
    html = microdata("March 10, 2026").replace("</article>", f"{inner}</article>")
    assert published_metas(page_tree(html)) == []
    assert stored_day(html, NEWS) == date(2026, 3, 10)


def test_an_article_that_a_products_item_cites_is_not_the_pages() -> None:
    cited = ('<div itemprop="subjectOf" itemscope itemtype="https://schema.org/Article"><time itemprop='
             '"datePublished" datetime="2026-03-25T10:00:00Z">25 March</time></div>')
    html = microdata("March 10, 2026", kind="Product").replace("</article>", f"{cited}</article>")
    assert published_metas(page_tree(html)) == []
    assert stored_day(html, NEWS) == date(2026, 3, 10)


def test_a_story_item_that_is_its_pages_main_entity_is_read() -> None:
    html = microdata('<time itemprop="datePublished" datetime="2026-03-12">x</time>').replace(
        "<article itemscope", '<article itemprop="mainEntity" itemscope').replace(
        "<body>", '<body itemscope itemtype="https://schema.org/WebPage">')
    assert published_metas(page_tree(html)) == ["2026-03-12"]


def test_the_heads_published_meta_comes_before_the_microdata() -> None:
    html = microdata('<time itemprop="datePublished" datetime="2026-03-12">x</time>',
                     head=meta("article:published_time", "2026-03-11T10:00:00Z"))
    assert published_metas(page_tree(html)) == ["2026-03-11T10:00:00Z", "2026-03-12"]
