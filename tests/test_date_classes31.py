"""The thirtieth pass on publication dates (docs/extraction.md, "Thirtieth pass, dates"): a headline that is no
`<h1>` (a fundus tune miss, rbb24.de, stored no date), and a `<time>` of a UTC instant printing its day without a
year (the twenty-ninth pass's left class).

The batch (`tests/date_batch31.py`; its sets written before each rule) runs through the whole extraction, htmldate
included. The tests after it pin the rules' edges and guards.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from newsflow.bylinetexts import SUBHEADINGS_READ, byline_texts, page_headline
from newsflow.dates import published_at
from newsflow.extract import page_tree
from newsflow.headline_date import headline_date
from newsflow.pageblocks import headline_ancestors, other_stories_block
from newsflow.printedday import day_printed_for
from tests.date_batch20 import stored_day
from tests.date_batch28 import STORIES
from tests.date_batch31 import (
    DE_BYLINE,
    EVENT_PAGES,
    EVENT_PAGES_AFTER,
    HEADING_PAGES,
    HEADING_PAGES_AFTER,
    MARCH_12,
    NO_HEADLINE_PAGES,
    YEARLESS_PAGES,
    YEARLESS_PAGES_AFTER,
    event_page,
    heading_page,
    roofline,
)
from tests.datepageworld import DatePage, render

BATCH = (HEADING_PAGES + HEADING_PAGES_AFTER + YEARLESS_PAGES + YEARLESS_PAGES_AFTER + EVENT_PAGES
         + EVENT_PAGES_AFTER)


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch31_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


def _headline_text(html: str) -> str | None:
    headline = page_headline(page_tree(html))
    return None if headline is None else " ".join("".join(headline.itertext()).split())


def test_a_titles_h3_is_the_headline_on_a_page_without_h1() -> None:
    tree = page_tree(heading_page(roofline(), DE_BYLINE, "de"))
    headline = page_headline(tree)
    assert headline is not None and headline.tag == "h3"
    assert any("12.03.26" in str(text) for text in byline_texts(tree))  # the byline under it is read


def test_an_h1_naming_the_page_stays_the_headline_beside_an_h2_naming_it_too() -> None:
    html = heading_page(f"<h2>{STORIES['en'][0]}</h2>", "March 10, 2026", h1=f"<h1>{STORIES['en'][0]}</h1>")
    headline = page_headline(page_tree(html))
    assert headline is not None and headline.tag == "h1"


@pytest.mark.parametrize(("name", "html"), NO_HEADLINE_PAGES, ids=[entry[0] for entry in NO_HEADLINE_PAGES])
def test_a_teasers_h2_is_no_headline(name: str, html: str) -> None:
    assert _headline_text(html) is None, name


def test_the_closest_subheading_to_the_title_is_the_headline() -> None:
    title = STORIES["en"][0]
    html = heading_page(f"<h2>{title}</h2>", "By A. Writer", before=f"<h3>{title} and the library's hours</h3>")
    assert _headline_text(html) == title


def _logo_page(byline: str, head: str = "") -> str:
    story = "".join(f"<p>{STORIES['en'][1] * 3}</p>" for _ in range(4))
    return (f'<html lang="en"><head><title>Storm closes road | Example News</title>{head}</head><body><header><h2 '
            'class="site-title">Example News</h2><p>Friday, 13 March 2026</p><nav><a href="/">Home</a></nav></header>'
            f'<div class="story"><div class="title">Storm closes road</div><p>{byline}</p>{story}</div></body></html>')


@pytest.mark.parametrize(("head", "url"), [
    ('<meta property="article:published_time" content="2026-03-12">', "https://www.example.com/news/storm-road"),
    ("", "https://www.example.com/2026/03/12/storm-road"),
])
def test_a_logos_h2_in_the_site_header_is_no_headline(head: str, url: str) -> None:
    # review: "Example News" reads as "Storm closes road | Example News" (F1 0.57); the masthead's today's date under
    # it beat the story's published meta and its URL's day
    html = _logo_page("By A. Writer", head)
    assert _headline_text(html) is None
    assert stored_day(html, url) == MARCH_12


def test_subheadings_past_the_bound_are_not_read() -> None:
    # a page of many headings (comments, teasers) before the title's is read no further than SUBHEADINGS_READ
    title = STORIES["en"][0]
    many = "".join(f"<h2>Reader comment {n}</h2>" for n in range(SUBHEADINGS_READ))
    assert _headline_text(heading_page(f"<h2>{title}</h2>", "By A. Writer", before=many)) is None
    fewer = "".join(f"<h2>Reader comment {n}</h2>" for n in range(SUBHEADINGS_READ - 1))
    assert _headline_text(heading_page(f"<h2>{title}</h2>", "By A. Writer", before=fewer)) == title


def _time_page(text: str, instant: str) -> str:
    return (f'<html><head><title>T</title></head><body><h1>T</h1><p>By A. Writer <time datetime="{instant}">{text}'
            "</time></p><p>Story.</p></body></html>")


@pytest.mark.parametrize(("text", "instant", "day"), [
    ("Mar 12", "2026-03-13T00:44:09Z", date(2026, 3, 12)),
    ("12 March", "2026-03-13T00:44:09Z", date(2026, 3, 12)),
    ("Dec 31", "2027-01-01T03:00:00Z", date(2026, 12, 31)),  # the year before the instant's: the closest
    ("Jan 1", "2026-12-31T23:00:00Z", date(2027, 1, 1)),  # the year after
    ("Feb 29", "2026-03-01T03:00:00Z", None),  # no such day near the instant: 2024's and 2028's are years off
    ("Updated Mar 13", "2026-03-12T20:00:00Z", None),  # an update's day is not read
    ("Mar 12, 2026", "2026-03-13T00:44:09Z", date(2026, 3, 12)),  # with its year, as before
])
def test_a_time_printing_no_year_gives_the_day_nearest_its_instant(text: str, instant: str, day: date | None) -> None:
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(UTC)
    printed = day_printed_for(moment, page_tree(_time_page(text, instant)))
    assert printed == day


@pytest.mark.parametrize(("under", "day"), [
    ("<p>Vote on March 20, 2026</p><p>By A. Writer · March 12, 2026</p>", date(2026, 3, 12)),  # an author's line
    ("<p>Vote on March 20, 2026</p><p>Published March 12, 2026</p>", date(2026, 3, 12)),  # a publication cue
    ("<p>Vote on March 20, 2026</p><p>Von A. Autor, 12.03.2026</p>", date(2026, 3, 12)),
    ("<p>By A. Writer · March 12, 2026</p><p>Vote on March 20, 2026</p>", date(2026, 3, 12)),  # the byline first
    ("<p>March 12, 2026</p><p>Vote on March 20, 2026</p>", date(2026, 3, 12)),  # no cue on either: the first
    ("<p>Vote on March 20, 2026</p><p>By A. Writer</p><p>March 12, 2026</p>", date(2026, 3, 20)),  # no cue on it
    ("<p>Vote on March 20, 2026</p><p>by the council · March 12, 2026</p>", date(2026, 3, 20)),  # no name after
    ("<p>Vote on March 20, 2026</p><p>By A. Writer · Updated March 12, 2026</p>", date(2026, 3, 20)),  # an update
    ("<p>Published March 20, 2026</p><p>By A. Writer · March 12, 2026</p>", date(2026, 3, 20)),  # the first cued
    ("<p>4. März 2026</p><p>Erschienen in der Printausgabe vom 5. März 2026</p>", date(2026, 3, 4)),  # a print's
    ("<p>Vote on March 20, 2026</p><p>Erschienen am 12. März 2026</p>", date(2026, 3, 12)),
])
def test_a_later_line_naming_the_publication_or_its_author_beats_an_uncued_first(under: str, day: date) -> None:
    assert headline_date(page_tree(event_page(under))) == day


def _blog_aside_page() -> str:
    title = STORIES["de"][0]
    return (f'<html lang="de"><head><title>{title} | Ebene</title></head><body><header><h1><img src="/logo.png" '
            f'alt="Ebene"></h1><nav><a href="/blog/">Blog</a></nav></header><article id="content"><header><h2>{title}'
            '</h2></header><aside class="blogData"><dl><dt>Datum</dt><dd>12.03.2026</dd><dt>Kategorie</dt><dd><a '
            f'href="/politik/">Politik</a></dd></dl></aside><div class="text">{_paragraphs_de()}</div></article>'
            "</body></html>")


def _paragraphs_de() -> str:
    return "".join(f"<p>{STORIES['de'][1] * 3}</p>" for _ in range(4))


def test_a_blogs_labelled_day_in_an_aside_beside_its_h2_headline_dates_it() -> None:
    assert stored_day(_blog_aside_page(), "https://www.example.de/politik-stadtrat") == MARCH_12


def _age_page_with_event(event: str) -> str:
    return (f'<html lang="de"><head><title>{STORIES["de"][0]} | Example</title></head><body><main><article><h1>'
            f'{STORIES["de"][0]}</h1><div class="byline"><span class="author">A. Autor</span> <span class="when">vor 2 '
            f'Tagen</span></div>{_paragraphs_de()}<div class="event-info"><h4>Termin</h4><p>Öffentliche Anhörung: '
            f"{event}, 19:00, Rathaus</p></div></article></main></body></html>")


@pytest.mark.parametrize("event", ["06.12.2026", "20.12.2026"])
def test_htmldates_month_first_is_no_day_of_a_page_stating_its_age(event: str) -> None:
    # review (the twenty-seventh pass's property draw, failing on main too): htmldate drops a day after today (an
    # event's "06.12.2026") and answers its month's 1st, printed nowhere; it beat the age "vor 2 Tagen". htmldate's
    # answer is given here, as its reading depends on the machine's clock
    page = page_tree(_age_page_with_event(event))
    assert published_at("2026-12-01", page, "https://www.example.de/politik/rat-haushalt.html") is None


def test_a_month_first_an_attribute_states_still_dates_a_page_stating_its_age() -> None:
    # an exact day in an attribute (`data-`, `itemprop`, JSON-LD) is the page's own (twentieth pass): it stays
    html = _age_page_with_event("06.12.2026").replace('<span class="when"', '<span data-date="2026-12-01" class="when"')
    page = page_tree(html)
    published = published_at("2026-12-01", page, "https://www.example.de/politik/rat-haushalt.html")
    assert published is not None and published.date() == date(2026, 12, 1)


def test_the_shrunk_property_page_an_age_and_an_event_box_is_stored_on_the_ages_day() -> None:
    """Shrunk by `test_date_rules_combined.py::test_a_page_that_states_its_day_is_stored_with_it` (failing on main
    too): de, "vor 2 Tagen", an event box of 6 December; stored on 1 December (htmldate's month fallback) while the
    machine's clock is before the event, on the 2nd after."""
    page = DatePage(day=date(2026, 12, 2), lang="de", zone="+01:00", style=1, paragraphs=2, ways=frozenset({"age"}),
                    distractors=(("event", date(2026, 12, 6)),))
    assert stored_day(*render(page)) == date(2026, 12, 2)


def _aside_dd(html: str) -> bool:
    """Whether the first `<dd>` of the page is in a block of other stories, relative to its headline."""
    tree = page_tree(html)
    headline = page_headline(tree)
    assert headline is not None
    ancestors, article = headline_ancestors(headline)
    return other_stories_block(next(tree.iter("dd")), ancestors, article)


_DATA_BOX = ('<aside class="blogData"><dl><dt>Datum</dt><dd>12.03.2026</dd><dt>Kategorie</dt><dd><a href="/p/">P</a>'
             "</dd></dl></aside>")


@pytest.mark.parametrize(("name", "aside", "other"), [
    ("the story's data box", _DATA_BOX, False),
    ("an event's box", _DATA_BOX.replace("Datum", "Termin"), True),
    ("a box under a heading", _DATA_BOX.replace("<dl>", "<h3>Mehr zum Thema</h3><dl>"), True),
    ("teaser cards side by side", _DATA_BOX * 2, True),
    ("a box outside the article", "</article><article>" + _DATA_BOX, True),
])
def test_an_aside_labelling_the_storys_date_in_its_article_is_the_storys(name: str, aside: str, other: bool) -> None:
    # review (a): rule 1 made ebene11's `<h2>` the headline, and its `<aside class="blogData">` labelled "Datum" beside
    # it became another block; only a labelled date box in the headline's own `<article>`, alone, is the story's
    html = _blog_aside_page()
    start, end = html.index("<aside"), html.index("</aside>") + len("</aside>")
    assert _aside_dd(html[:start] + aside + html[end:]) is other, name


def _titled_in_a_div(title: str, other: str, before: bool = False) -> str:
    """A story whose title is in a `<div>` (no heading names it), beside another block: `other`, a heading over a
    dated list or story."""
    story = f'<div class="story"><div class="title">{STORIES["en"][0]}</div><p>By A. Writer</p>{_paragraphs_en()}</div>'
    blocks = f"{other}{story}" if before else f"{story}{other}"
    return f'<html lang="en"><head><title>{title}</title></head><body><main>{blocks}</main></body></html>'


def _paragraphs_en() -> str:
    return "".join(f"<p>{STORIES['en'][1] * 3}</p>" for _ in range(4))


@pytest.mark.parametrize(("name", "title", "other", "before"), [
    ("a related story's h2 sharing the title's words", STORIES["en"][0],
     '<div class="more"><h2>Council rejects the school budget</h2><p>March 10, 2026</p></div>', False),
    ("a section's h2 naming the title's suffix", "Budget vote | Local News",
     '<div class="box"><h2>Local News</h2><ul><li><a href="/a">Fire at the mill</a> <span>March 10, 2026</span></li>'
     "</ul></div>", True),
])
def test_a_heading_that_only_shares_the_titles_words_is_no_headline(name: str, title: str, other: str,
                                                                    before: bool) -> None:
    # review (c): rule 1's fallback read another story's `<h2>` (F1 0.8) or a section's ("Local News", F1 0.67) as the
    # headline, and the day under it beat the URL's (main: the URL's)
    html = _titled_in_a_div(title, other, before)
    assert _headline_text(html) is None, name
    assert stored_day(html, "https://www.example.com/2026/03/12/council-budget") == MARCH_12, name


@pytest.mark.parametrize("credit", [
    "By Reuters photo, March 10, 2026", "Photo by AP · March 10, 2026", "Image: Von Reuters, 10.03.2026",
    "Foto: Von A. Fotograf, 10.03.2026", "Credit: By Getty Images, March 10, 2026",
])
def test_a_photo_credit_after_the_first_day_is_no_author_line(credit: str) -> None:
    # review (c): rule 3's author cue read a photo's credit line ("By Reuters photo") under the headline as a byline,
    # and its day beat the first line's (main: the first)
    assert headline_date(page_tree(event_page(f"<p>12 March 2026</p><p>{credit}</p>"))) == MARCH_12


def test_rule_1_reads_nested_headings_in_bounded_time() -> None:
    # review: each of 200 nested `<h2>`s had its whole text (the 200 KB under it) tokenised against each title
    # (1 MB: 120 s; extraction 52 s against main's 4 s)
    html = (f"<html><head><title>{STORIES['en'][0]}</title></head><body>" + "<h2>Council approves " * SUBHEADINGS_READ
            + "word " * 40_000 + "</h2>" * SUBHEADINGS_READ + "</body></html>")
    tree = page_tree(html)
    started = time.process_time()
    page_headline(tree)
    assert time.process_time() - started < 1.0
