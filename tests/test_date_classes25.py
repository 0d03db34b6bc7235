"""The twenty-fifth pass on publication dates (docs/extraction.md, "Twenty-fifth pass, dates (issue 15)"): a date
block named as a part of the headline's own block; the title's day repeated in the photos' alt text; a generic
Dublin Core date meta against the story's `<time>`; a URL's day before any zone's day of a declared UTC time.

The batch (`tests/date_batch25.py`; both sets of each class written before its rule) runs through the whole
extraction, htmldate included. The tests after it pin each rule's edges and its guards.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from newsflow.bylinetexts import byline_lines
from newsflow.declareddates import generic_date_metas, story_time
from newsflow.extract import page_tree
from newsflow.genericmetas import story_day_over_generic
from newsflow.headline_date import headline_date
from newsflow.pagedates import image_text_days
from newsflow.pagetimes import parse_page
from tests.date_batch20 import stored_day
from tests.date_batch25 import (
    DRAFT_PAGES,
    DRAFT_PAGES_AFTER,
    DRAFT_URL,
    GENERIC_PAGES,
    GENERIC_PAGES_AFTER,
    MARCH_12,
    PART_PAGES,
    PART_PAGES_AFTER,
    TITLE_DE,
    TITLE_PAGES,
    TITLE_PAGES_AFTER,
    column,
    dc_date,
    record,
    titled,
    wire,
)
from tests.test_date_classes import STORY, TITLE

BATCH = (PART_PAGES + PART_PAGES_AFTER + TITLE_PAGES + TITLE_PAGES_AFTER + GENERIC_PAGES
         + GENERIC_PAGES_AFTER + DRAFT_PAGES + DRAFT_PAGES_AFTER)


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch25_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


# --- 1. a part of the headline's own block is read by its own name --------------------------------------------------

@pytest.mark.parametrize(("block", "part"), [
    ("ArticleHeaderComment", "ArticleHeaderComment_publishDate"),
    ("opinion-comment", "opinion-comment__date"),
    ("c-comment", "c-comment--dateline"),
    ("layout-sidebar", "layout-sidebar__meta"),
    ("story-comments-header", "story-comments-header__date"),
])
def test_a_part_of_the_headlines_block_is_its_byline(block: str, part: str) -> None:
    tree = page_tree(column(block, (part, "March 12, 2026")))
    assert "March 12, 2026" in byline_lines(tree)
    assert headline_date(tree) == MARCH_12


@pytest.mark.parametrize("part", ["post__comments", "post_comments", "post--comments", "post__comment-list",
                                  "post__related", "post__sidebar", "post__most-read"])
def test_a_part_that_names_other_stories_stays_theirs(part: str) -> None:
    tree = page_tree(column("post", (part, "March 12, 2026")))
    assert headline_date(tree) is None


def test_a_block_of_the_same_name_outside_the_headlines_block_stays_other_stories() -> None:
    # the part's block is not the headline's: "comments" named on another block of the page
    html = column("story", ("story__meta", "By A. Writer"),
                  after='<div class="comments"><div class="comments__date">March 20, 2026</div></div>')
    assert headline_date(page_tree(html)) is None


def test_a_body_layout_name_is_no_block_of_the_headline() -> None:
    # a `<body class="layout-sidebar">` names the page's layout: its parts beside the story are the sidebar
    html = ('<html><head><title>T</title></head><body class="layout-sidebar"><div><div><div><h1>' + TITLE + '</h1>'
            '</div></div></div><div class="layout-sidebar__widget">Latest: March 20, 2026</div></body></html>')
    assert headline_date(page_tree(html)) is None



@pytest.mark.parametrize(("block", "part"), [("layout-sidebar", "layout-sidebar__rail"),
                                             ("story-related", "story-related__col"),
                                             ("ArticleComment", "ArticleComment_teaser")])
def test_a_part_of_the_headlines_block_that_links_elsewhere_is_a_teaser(block: str, part: str) -> None:
    # review: a part of the story's block named neutrally, holding another story's link and day, before the story
    html = (f'<html><head><title>{TITLE}</title></head><body><article class="{block}"><div class="{block}__main">'
            f'<h1>{TITLE}</h1><p>By A. Writer</p></div><div class="{part}"><a href="/x">Port closes</a> '
            f"<span>March 20, 2026</span></div><div>{STORY}</div></article></body></html>")
    assert headline_date(page_tree(html)) is None

# --- 2. a day the page's title names is no photo's -----------------------------------------------------------------

def test_the_titles_day_in_an_alt_text_is_no_photos() -> None:
    assert image_text_days(page_tree(titled(TITLE_DE, TITLE_DE, "de"))) == set()


def test_an_alts_own_day_is_still_a_photos() -> None:
    assert image_text_days(page_tree(titled(TITLE_DE, "Archivbild vom 3. März 2026", "de"))) == {date(2026, 3, 3)}
    assert image_text_days(page_tree(titled(TITLE, f"{TITLE}, 3 March 2026"))) == {date(2026, 3, 3)}


def test_only_the_titles_day_is_taken_out_of_the_alts_days() -> None:
    html = titled(TITLE_DE, TITLE_DE, "de").replace('photo-1.jpg" alt="' + TITLE_DE, 'photo-1.jpg" alt="3. März 2026')
    assert image_text_days(page_tree(html)) == {date(2026, 3, 3)}


def test_an_events_day_the_title_names_stays_a_photos_in_an_alt_of_its_own() -> None:
    # review: the title names an event's day ("Rückblick: das Hochwasser vom 3. März 2026"), a photo's own alt text
    # names it too: the photo's day (the starting code's answer), not the story's, unless the alt repeats the title
    title = "Rückblick: das Hochwasser vom 3. März 2026"
    html = titled(title, "Die Altstadt unter Wasser am 3. März 2026", "de")
    assert image_text_days(page_tree(html)) == {date(2026, 3, 3)}
    assert image_text_days(page_tree(titled(title, title, "de"))) == set()


# --- 3. a generic Dublin Core date meta gives way to the story's `<time>` ---------------------------------------

@pytest.mark.parametrize("name", ["date", "DC.date", "DCTERMS.date", "dcterms.date"])
def test_a_generic_dublin_core_date_meta_is_read(name: str) -> None:
    assert generic_date_metas(page_tree(record(dc_date("2026-03-06T15:38:44+01:00", name)))) == [
        "2026-03-06T15:38:44+01:00"]


@pytest.mark.parametrize("name", ["DC.date.issued", "date-created", "dcterms.modified", "article:published_time"])
def test_a_named_date_meta_is_no_generic_one(name: str) -> None:
    assert generic_date_metas(page_tree(record(dc_date("2026-03-06T15:38:44+01:00", name)))) == []


def time_in(block: str, day: str) -> str:
    return block.format(f'<time datetime="{day}">{day}</time>')


def test_the_storys_times_on_one_day_give_it() -> None:
    html = record("", time_in("Posted {0}", "2026-03-12"), time_in("<p>{0}</p>", "2026-03-12T10:00:00+01:00"))
    found = story_time(page_tree(html), parse_page)
    assert found is not None and found.date() == MARCH_12


def test_the_storys_times_on_two_days_give_none() -> None:
    html = record("", time_in("Termin: {0}", "2026-03-20"), time_in("<p>{0}</p>", "2026-03-12"))
    assert story_time(page_tree(html), parse_page) is None


def test_a_related_lists_time_is_not_the_storys() -> None:
    related = time_in('<ul class="related-articles"><li><a href="/x">Port</a> {0}</li></ul>', "2026-03-02")
    html = record("", time_in("Posted {0}", "2026-03-12") + related)
    found = story_time(page_tree(html), parse_page)
    assert found is not None and found.date() == MARCH_12
    assert story_time(page_tree(record("", related)), parse_page) is None


def test_an_events_time_in_a_sentence_is_not_the_storys() -> None:
    # review: "… will vote on <time>1 April</time>, the mayor said …" is an event's day, not the publication
    sentence = time_in("<p>The council will vote on the plan again on {0}, the mayor said to reporters.</p>",
                       "2026-04-01")
    assert story_time(page_tree(record("", sentence)), parse_page) is None
    html = record(dc_date("2026-03-12T10:00:00+01:00"), sentence)
    assert stored_day(html, "https://www.example.de/aktuelles/haushalt/") == MARCH_12


def test_a_page_without_a_time_has_no_storys_time() -> None:
    assert story_time(page_tree(record(dc_date("2026-03-06"))), parse_page) is None


def test_a_generic_meta_stands_when_the_storys_time_gives_its_day() -> None:
    html = record(dc_date("2026-03-12T15:38:44+01:00"), time_in("Posted {0}", "2026-03-12"))
    assert stored_day(html, "https://www.example.de/aktuelles/haushalt/") == MARCH_12


@pytest.mark.parametrize(("meta", "replaced"), [
    ('<meta name="date" content="2026-03-20T10:00:00+01:00">', True),
    ('<meta property="og:updated_time" content="2026-03-20T10:00:00+01:00">', False),
    ('<meta name="dcterms.modified" content="2026-03-20T10:00:00+01:00">', False),
])
def test_only_a_generic_metas_day_gives_way_to_the_storys_time(meta: str, replaced: bool) -> None:
    html = record(meta, time_in("Posted {0}", "2026-03-12")).replace(' itemscope itemtype="https://schema.org/Article"',
                                                                     "")
    found = story_day_over_generic(datetime(2026, 3, 20, 10, tzinfo=timezone(timedelta(hours=1))), page_tree(html))
    assert (found is not None and found.date() == MARCH_12) == replaced



def test_a_generic_metas_day_the_byline_prints_stands() -> None:
    # drk.de's form: the byline under the headline prints the meta's day; hidden `<time>`s give the day before
    html = record('<meta name="date" content="2026-03-20T10:00:00+01:00">', time_in("Posted {0}", "2026-03-12"),
                  "<p>20.03.2026 | Pressemitteilung</p>")
    moment = datetime(2026, 3, 20, 10, tzinfo=timezone(timedelta(hours=1)))
    assert story_day_over_generic(moment, page_tree(html)) is None
    assert story_day_over_generic(moment, page_tree(html.replace("20.03.2026 | ", ""))) is not None


# review (second engineer): a generic meta that dates the story right, and one `<time>` that is not the publication's:
# an event's box or labelled time, an update stamp, a microdata `dateModified`/`startDate`, an unnamed teaser row
AGAINST_META = [
    ("event-box", '</p></div><div class="event-box"><strong>Termin</strong> {0}</div><div><p>', "2026-03-20T18:00"),
    ("event-label-de", "Wann: {0}", "2026-03-20T19:00:00+01:00"),
    ("event-label-fr", "Date de l'événement : {0}", "2026-03-25"),
    ("update-label", "Aktualisiert am {0}", "2026-03-20T09:00:00+01:00"),
    ("update-label-en", '<span class="meta">Updated {0}</span>', "2026-03-20T09:00:00Z"),
    ("modified-itemprop", '<span itemprop="dateModified">{0}</span>', "2026-03-20T09:00:00+01:00"),
    ("start-itemprop", '<span itemprop="startDate">{0}</span>', "2026-03-25"),
    ("unnamed-teaser", '</p></div><div class="views-row"><a href="/n/1">Die Stadt baut eine neue Schule</a> {0}</div>'
                       "<div><p>", "2026-03-02"),
    ("bare-time-div", "</p></div><div>{0}</div><div><p>", "2026-03-20"),
    ("drupal-date-field", '</p></div><div class="field field--name-field-date">{0}</div><div><p>', "2026-03-25"),
    ("date-display-single", '<span class="date-display-single">{0}</span>', "2026-03-25"),
    ("reaction-meta", '</p></div><div class="reaction"><div class="reaction-meta">Anna {0}</div><p>Toll!</p></div>'
                      "<div><p>", "2026-03-15T10:00"),
    ("teaser-item-meta", '</p></div><div class="item"><h3><a href="/x">Die Stadt baut eine neue Schule</a></h3>'
                         '<div class="item-meta">{0}</div></div><div><p>', "2026-03-02"),
]


@pytest.mark.parametrize(("name", "block", "day"), AGAINST_META, ids=[entry[0] for entry in AGAINST_META])
def test_a_time_not_marked_as_the_publication_leaves_the_generic_meta(name: str, block: str, day: str) -> None:
    html = record(dc_date("2026-03-12T10:00:00+01:00"), time_in(block, day))
    assert stored_day(html, "https://www.example.de/aktuelles/haushalt/") == MARCH_12, name


@pytest.mark.parametrize("block", ['<span class="news-list-date">{0}</span>', '<div class="article-meta">{0}</div>',
                                   '<p class="post-date">{0}</p>', "Posted {0}",
                                   "Veröffentlicht am {0}", '<span itemprop="datePublished">{0}</span>'])
def test_a_time_marked_as_the_publication_gives_way_over_the_generic_meta(block: str) -> None:
    html = record(dc_date("2026-03-06T15:38:44+01:00"), time_in(block, "2026-03-12"))
    assert stored_day(html, "https://www.example.de/aktuelles/haushalt/") == MARCH_12

# --- 4. a URL's day before every zone's day of a declared UTC time -------------------------------------------------

@pytest.mark.parametrize(("declared", "day"), [
    ("2026-03-12T10:00:00Z", MARCH_12),  # 00:00 in Honolulu: the 12th everywhere east of it
    ("2026-03-12T09:59:00Z", date(2026, 3, 11)),  # 23:59 in Honolulu: the URL's day stands
    ("2026-03-12T23:59:00Z", MARCH_12),
    ("2026-03-12T10:00:00+00:00", MARCH_12),
])
def test_the_url_day_gives_way_only_where_no_zone_explains_it(declared: str, day: date) -> None:
    assert stored_day(wire(DRAFT_URL, declared), DRAFT_URL) == day


def test_a_known_zone_is_read_as_before() -> None:
    # a .de site: Berlin's zone says which day 2026-03-11T23:30Z is (the 12th): the zone rule, not this one
    url = "https://www.example.de/politik/2026/03/11/haushalt.html"
    assert stored_day(wire(url, "2026-03-11T23:30:00Z", "de"), url) == MARCH_12


def test_a_time_with_an_offset_is_read_as_before() -> None:
    # -05:00: the publisher's own day is the 12th (the offset rule), whatever the URL's day
    assert stored_day(wire(DRAFT_URL, "2026-03-12T08:00:00-05:00"), DRAFT_URL) == MARCH_12


def test_a_naive_time_is_no_utc_time() -> None:
    # no offset: the publisher's clock, read as before (the URL's day within a day stands)
    assert stored_day(wire(DRAFT_URL, "2026-03-12T10:04:04"), DRAFT_URL) == date(2026, 3, 11)
