"""The twenty-second pass on publication dates (docs/extraction.md, "Twenty-second pass, dates"): a page without
`<article>` dated only by its age under the headline ("3 days ago"), with a ticker's, cookie notice's, widget's
or edition strip's day after its story; and a page dated only by a day-month-year folder in its URL
("/12-03-2026/").

The batch (`tests/date_batch22.py`; both sets of each class written before any rule) runs through the whole
extraction, htmldate included; so do the twenty-first pass's pages of the first class, left then
(`tests.date_batch21.NO_ARTICLE_PAGES`, `_AFTER`). The tests after it pin each rule's edges.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from newsflow.bylinetexts import byline_texts, story_wrapper_depth
from newsflow.datechecks import url_folder_day
from newsflow.extract import page_tree
from newsflow.pagedates import printed_outside_story
from tests.date_batch20 import stored_day
from tests.date_batch21 import NO_ARTICLE_PAGES, NO_ARTICLE_PAGES_AFTER
from tests.date_batch22 import (
    AGE_BARE_PAGES,
    AGE_BARE_PAGES_AFTER,
    BREAKING,
    DEC_2,
    LONG_DEK,
    MARCH_12,
    NEWS,
    URL_PAGES,
    URL_PAGES_AFTER,
    bare,
    undated,
)
from tests.test_date_classes import STORY, TITLE, page

BATCH = AGE_BARE_PAGES + AGE_BARE_PAGES_AFTER + URL_PAGES + URL_PAGES_AFTER + NO_ARTICLE_PAGES + NO_ARTICLE_PAGES_AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch22_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


# --- a page without `<article>`: its story ends at the wrapper of its last sentence --------------------------

def aged(after: str = BREAKING, story: str = STORY, byline: str = "2 days ago") -> str:
    return bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">{byline}</div>{story}</div>{after}')


def texts_of(html: str) -> list[str]:
    return [" ".join(text.split()) for text in byline_texts(page_tree(html))]


def test_a_bar_after_the_storys_wrapper_is_not_its_byline() -> None:
    texts = texts_of(aged())
    assert "2 days ago" in texts
    assert not any("December" in text for text in texts)


def test_the_bar_is_read_where_the_page_has_no_sentence_to_bound_its_story() -> None:
    short = aged(story="<p>Schools get more.</p>")  # no sentence of prose: the story's bounds are not known
    assert any("December" in text for text in texts_of(short))
    assert story_wrapper_depth(page_tree(short)) is None


def test_a_byline_after_a_hero_with_a_long_standfirst_is_still_read() -> None:
    html = bare(f'<div class="wrap"><div class="hero"><h1>{TITLE}</h1><p>{LONG_DEK}</p></div>'
                f'<div class="byline">12 March 2026</div><div class="body">{STORY}</div></div>{BREAKING}')
    texts = texts_of(html)
    assert "12 March 2026" in texts
    assert not any("December" in text for text in texts)


def test_a_byline_after_a_hero_is_read_when_the_story_starts_past_the_bylines_reach() -> None:
    """A standfirst in the header beside the headline is the last sentence the byline's 12 texts hold when the
    story starts after a long byline block (a newspaper's "Par", its author, "Publié le …", "Temps de lecture",
    sharing buttons): the story goes on past the header, so the header is not the story's wrapper. The pass's
    first form took it for one and dropped the byline (on a corpus page, Le Monde's; its date came from its
    JSON-LD)."""
    buttons = "".join(f"<button>{name}</button>" for name in ("Partager", "Facebook", "X", "E-mail", "Copier"))
    html = bare(f'<div class="page"><header class="article-header"><h1>{TITLE}</h1><p class="lede">{LONG_DEK}</p>'
                '</header><div class="meta"><span>Par</span> <a href="/a">A. Writer</a> <span>Publié le 12 mars 2026'
                f'</span> <span>Temps de lecture</span> <span>4 min.</span></div>{buttons}'
                f'<div class="text">{STORY * 3}</div></div>{BREAKING}', "fr")
    assert "Publié le 12 mars 2026" in texts_of(html)
    assert stored_day(html, "https://www.example.fr/politique/9") == MARCH_12


@pytest.mark.parametrize(("name", "after"), [
    ("readers' comments", '<div class="comments"><p>I think the council was right to approve the budget for the '
                          "schools this year, and high time too.</p></div>"),
    ("a related list's teasers", '<section class="related-stories"><h3>More</h3><p>The mayor said the roads would '
                                 "be repaired before the winter comes to the valley.</p></section>"),
    ("a newsletter box", '<div class="newsletter-signup"><p>Sign up for our morning newsletter to get the news of the '
                         "day before you leave home.</p></div>"),
])
def test_sentences_in_other_blocks_after_the_story_do_not_unbound_it(name: str, after: str) -> None:
    """The story goes on past a wrapper only by its own sentences: readers' comments, a related list's teasers or a
    newsletter box (`pageblocks.other_stories_block`) after the bar are not the story's."""
    assert stored_day(aged(after=BREAKING + after), NEWS) == DEC_2, name


def test_a_story_body_in_a_block_named_like_a_list_still_goes_on() -> None:
    """Guard: the story's own body in a block named as a list ("latest-news-body", the eighteenth pass's case) holds
    the story (`pageblocks._holds_story`), so its sentences past a header with a standfirst keep the byline."""
    buttons = "".join(f"<button>{n}</button>" for n in range(30))
    html = bare(f'<div class="page"><div class="head"><h1>{TITLE}</h1><p>{LONG_DEK}</p></div>'
                f'<div class="meta">Published 12 March 2026</div>{buttons}'
                f'<div class="latest-news-body">{STORY * 3}</div></div>{BREAKING}')
    assert "Published 12 March 2026" in texts_of(html)


def test_a_page_with_an_article_keeps_its_texts_and_has_no_wrapper() -> None:
    html = page("2 days ago", after="<div>4 December 2026</div>")
    assert story_wrapper_depth(page_tree(html)) is None
    assert "2 days ago" in texts_of(html)


def test_the_wrapper_is_the_headlines_nearest_ancestor_holding_the_last_sentence() -> None:
    html = bare(f'<div class="outer"><div class="head"><h1>{TITLE}</h1><p>2 days ago</p></div>'
                f'<div class="text">{STORY}</div></div>{BREAKING}')
    assert story_wrapper_depth(page_tree(html)) == 1  # div.head is 0, div.outer 1


def test_a_days_print_after_the_story_without_article_is_outside_it() -> None:
    tree = page_tree(aged())
    assert printed_outside_story(tree, "2026-12-04")


def test_a_day_the_story_prints_inside_its_wrapper_is_not_outside_it() -> None:
    tree = page_tree(aged(byline="2 days ago · 4 December 2026"))
    assert not printed_outside_story(tree, "2026-12-04")


@pytest.mark.parametrize(("name", "html", "day"), [
    ("a published meta", aged().replace(
        "</head>", '<meta property="article:published_time" content="2026-11-30T20:00:00Z"></head>'),
     date(2026, 11, 30)),
    ("a <time> in the byline", aged(byline='2 days ago <time datetime="2026-11-30T20:00:00Z">Monday</time>'),
     date(2026, 11, 30)),
    ("the byline prints the day", aged(byline="Published 4 December 2026, 08:00"), date(2026, 12, 4)),
    ("a feed-less page without age", aged(byline="A. Writer"), date(2026, 12, 4)),
])
def test_a_page_that_states_its_day_is_not_dated_by_its_age(name: str, html: str, day: date) -> None:
    """Guards: the bar's day is dropped only where the page states nothing but its age (a page without an age keeps
    htmldate's day, the bar's included, as before: no rule reads the age there)."""
    assert stored_day(html, NEWS) == day, name


def test_a_day_printed_below_the_wrapper_gives_way_to_the_age_as_below_an_article() -> None:
    """A page that contradicts itself ("2 days ago" under the headline, "Published 30 November 2026" in a block
    below the story's wrapper) is dated by its age, as the twentieth pass dates it with an `<article>`; the
    starting code kept the printed day there (the block was read as the byline)."""
    below = '<div class="post-meta">Published 30 November 2026</div>'
    assert stored_day(aged(after=below), NEWS) == DEC_2
    assert stored_day(page("2 days ago", after=below), NEWS) == DEC_2


def test_a_day_printed_above_the_wrapper_is_kept_over_the_age() -> None:
    """Guard: a kicker above the story's wrapper ("Politics · 30 November 2026") dates the story exactly; the
    age under the headline ("3 days ago", rounded down) and the ticker's day below do not move it."""
    kicker = '<div class="kicker">Politics · 30 November 2026</div>'
    html = bare(f'{kicker}<div class="post"><h1>{TITLE}</h1><div>3 days ago</div>{STORY}</div>{BREAKING}')
    assert stored_day(html, NEWS) == date(2026, 11, 30)


def test_an_age_with_a_day_in_the_storys_sentence_and_a_bar_gives_the_age() -> None:
    story = ("<p>The council, which first met on 30 November 2026 to discuss the plan, approved the budget for "
             "schools on Tuesday after a long debate.</p>")
    assert stored_day(aged(story=story), NEWS) == DEC_2


# --- a day-month-year folder in the URL -------------------------------------------------------------------


def never() -> str | None:
    raise AssertionError("the page's order is asked only for an ambiguous folder")


@pytest.mark.parametrize(("url", "order", "day"), [
    ("https://x.in/news/12-03-2026/story", "dmy", MARCH_12),
    ("https://x.com/news/03-12-2026/story", "mdy", MARCH_12),
    ("https://x.de/lokales/12.03.2026/rat", "dmy", MARCH_12),
    ("https://x.co.za/news/12/03/2026/story", "dmy", MARCH_12),
    ("https://x.in/news/12-03-2026/1234", "dmy", MARCH_12),  # twenty-third pass: the story under its day
    ("https://x.in/news/5-3-2026/story", "dmy", date(2026, 3, 5)),
    ("https://x.in/news/12-03-2026/story", None, None),  # unknown order: no day
    ("https://x.in/news/council-to-meet-on-12-03-2026", "dmy", None),  # a slug's date
    ("https://x.in/news/12-03-2026-1234567/", "dmy", None),  # glued to an identifier
    ("https://x.in/news/12-03-2026-to-15-03-2026", "dmy", None),  # a range in a slug
    ("https://x.in/news/12-03.2026/story", "dmy", None),  # mixed separators
    ("https://x.in/news/story?d=12-03-2026", "dmy", None),  # a query, no folder
    ("https://x.in/news/31-02-2026/story", "dmy", None),  # no such day
    ("https://x.in/v/1.12.2026/notes", None, None),
])
def test_a_day_month_year_folder_is_read_in_the_pages_order(url: str, order: str | None, day: date | None) -> None:
    assert url_folder_day(url, lambda: order) == day


def test_a_folder_whose_first_number_is_over_12_needs_no_order() -> None:
    assert url_folder_day("https://x.com.ng/news/25-02-2026/council", never) == date(2026, 2, 25)


def test_a_declared_date_beats_the_folder() -> None:
    html = undated("en-IN").replace("</head>", '<meta property="article:published_time" content="2026-03-10T08:00:00Z">'
                                                "</head>")
    assert stored_day(html, "https://www.example.in/news/12-03-2026/council") == date(2026, 3, 10)


def test_a_year_first_url_is_read_before_a_folder() -> None:
    assert stored_day(undated("en-IN"), "https://www.example.in/2026/03/10/12-03-2026/council") == date(2026, 3, 10)


@pytest.mark.parametrize("url", ["/1-1" * 10_000, "/12-03-" * 5_000 + "x", "/1/2/" * 5_000, "/12.03." * 5_000])
def test_the_folder_pattern_is_linear_on_long_inputs(url: str) -> None:
    started = time.process_time()
    url_folder_day(url, lambda: "dmy")
    assert time.process_time() - started < 1.0


# --- review: the story goes on past a header when its sentences are split into short texts ---------------------
LINKED_STORY = ('<p>The <a href="/c">council</a> met on Tuesday and <a href="/b">approved</a> the budget for '
                'schools, roads and the <a href="/l">library</a>.</p>') * 12
"""A story whose every sentence is split by links (as most news prose is): no single text of it is a sentence."""
PLAYER = '<div class="player">' + "".join(f"<span>{control}</span>" for control in (
    "Play", "Mute", "0:00", "2:31", "Settings", "Quality", "Auto", "1080p", "720p", "480p", "Speed", "0.5x", "Normal",
    "1.5x", "2x", "Subtitles", "Off", "English", "Español", "Français", "Fullscreen", "Share", "Embed", "Copy link",
    "Facebook", "X", "WhatsApp", "Email", "Up next", "Watch later", "Report", "More videos", "Live", "CC", "Cast",
    "AirPlay", "Picture in picture", "Volume", "Captions", "Help", "Close")) + "</div>"


def after_hero(byline: str, between: str = "", story: str = LINKED_STORY, lang: str = "en") -> str:
    """A header holding the headline and a standfirst, the byline after it, `between`, the story; no bar."""
    return bare(f'<div class="page"><div class="head"><h1>{TITLE}</h1><p>{LONG_DEK}</p></div>'
                f'<div class="meta">{byline}</div>{between}<div class="text">{story}</div></div>', lang)


@pytest.mark.parametrize(("byline", "lang", "day"), [
    ("3 days ago", "en", date(2026, 12, 1)),
    ("vor 3 Tagen", "de", date(2026, 12, 1)),
    ("Published 12 March, 14:30", "en", MARCH_12),  # yearless: only the byline rules read it, htmldate does not
])
def test_a_byline_after_a_hero_is_read_when_the_storys_sentences_are_split_by_links(
        byline: str, lang: str, day: date) -> None:
    """Review: the story going on past the header was seen only in a text node that is a sentence by itself; a
    story whose sentences are all split by links has none, so the header was taken for the story's wrapper and the
    byline after it dropped: the page stored no date (the starting code read the byline)."""
    html = after_hero(byline, lang=lang)
    assert byline in texts_of(html)
    assert stored_day(html, NEWS) == day


def test_a_byline_after_a_hero_is_read_past_a_players_controls() -> None:
    """Review: a video player's 41 controls between the byline and the story (more than STORY_GOES_ON_TEXTS texts
    without a sentence) make the header look like the whole story, and its byline is dropped."""
    html = after_hero("3 days ago", between=PLAYER, story=STORY * 3)
    assert "3 days ago" in texts_of(html)
    assert stored_day(html, NEWS) == date(2026, 12, 1)


def test_the_wrappers_search_is_quick_on_a_deeply_nested_page() -> None:
    """Review: each ancestor tried reads up to STORY_GOES_ON_MAX_TEXTS texts; on a page nested 250 deep whose story
    goes on only past 199 short texts, the search jumps to the ancestor holding the sentence it found instead of
    reading the same texts again for each level between."""
    shorts = "<div>" + "<span>ab</span>" * 199 + "</div>"
    html = (f"<html><head><title>{TITLE}</title></head><body>" + "<div>" * 250 + f"<h1>{TITLE}</h1><div>2 days ago"
            f"</div>{STORY}" + "</div>" * 250 + shorts + STORY + "</body></html>")
    tree = page_tree(html)
    started = time.process_time()
    assert story_wrapper_depth(tree) is None  # the story goes on to `<body>`: its bounds are not known
    assert time.process_time() - started < 1.0
