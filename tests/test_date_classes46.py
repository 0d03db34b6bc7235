"""The forty-sixth pass on publication dates (docs/extraction.md, "Forty-sixth pass, dates"): a rule tried and not
kept. A scheduled post (baumeister.de: edited 20 December 16:55 Z, published 21 December 05:49 Z) is dated on main by
its edit, which htmldate answers with; the rule let a `datePublished` on a later day than the declared edit win. The
review found pages where that later `datePublished` is no publication (one instant in two offsets, a render time, a
comment's or an event's) and main stores the right day; three guards mended some, not all (a render time with nothing
printed looks as baumeister.de's page does, to the rule), so the rule was reverted. These tests keep main's day on
the review's shapes, so that the rule, or a like one, cannot return unnoticed, and main's handling of a scheduled
post's edit as it is."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.date_batch20 import stored_day
from tests.datepageworld import PARAGRAPHS

URL = "https://www.example.de/sportzentrum-erweitert/"
PUBLISHED = date(2025, 3, 12)


def scheduled_post(lang: str, published: str, modified: str, meta: bool = True) -> str:
    """A WordPress post as Yoast's schema writes it (an `@graph` of the web page and the article, both dated) with a
    modified-time meta and no published one, and no date printed where a byline reader looks: the shape of
    baumeister.de's page. `published` and `modified` are the declared instants."""
    dated = f'"datePublished":"{published}","dateModified":"{modified}"'
    ld = ('{"@context":"https://schema.org","@graph":[{"@type":"Article","@id":"' + URL + '#article",'
          '"headline":"Sportzentrum erweitert",' + dated + '},{"@type":"WebPage","@id":"' + URL + '",' + dated + '}]}')
    head_meta = f'<meta property="article:modified_time" content="{modified}" />' if meta else ""
    body = "".join(f"<p>{PARAGRAPHS[lang].format(n=n)}</p>" for n in range(1, 5))
    return (f'<html lang="{lang}"><head><title>Sportzentrum erweitert</title>{head_meta}'
            f'<script type="application/ld+json">{ld}</script></head><body><header><a href="/">Home</a></header>'
            f'<main><article><h1>Sportzentrum erweitert</h1>{body}</article></main></body></html>')


SCHEDULES = [  # (published, modified): the edit hours or days before the publication, in UTC and in an offset
    ("2025-03-12T05:49:28+00:00", "2025-03-11T16:55:21+00:00"),  # baumeister.de's: the evening before
    ("2025-03-12T08:00:00+01:00", "2025-03-05T10:06:05+01:00"),  # a week ahead (enduro-mtb's shape)
    ("2025-03-12T10:00:00Z", "2025-02-03T09:00:00Z"),  # a month ahead
]


@pytest.mark.parametrize(("published", "modified"), SCHEDULES)
def test_without_the_modified_meta_the_publication_dates_the_page(published: str, modified: str) -> None:
    """The edit declared in JSON-LD only: htmldate answers with the publication, and it is stored."""
    assert stored_day(scheduled_post("de", published, modified, meta=False), URL) == PUBLISHED


def test_an_edit_after_the_publication_still_gives_way_as_before() -> None:
    """The fifth pass's rule: an edit days after the publication is no publication."""
    later = "2025-03-20T09:00:00+00:00"
    assert stored_day(scheduled_post("en", "2025-03-12T09:00:00+00:00", later), URL) == PUBLISHED


def test_a_page_declaring_only_its_edit_is_dated_by_it() -> None:
    """Where the page declares no publication, its edit is the only date it states and dates it (the seventeenth
    pass's rule: kept for a page with no other date, a feed's date replaces it)."""
    modified = "2025-03-11T16:55:21+00:00"
    html = scheduled_post("en", "", modified).replace('"datePublished":"",', "")
    assert stored_day(html, URL) == PUBLISHED - timedelta(days=1)


# The review's counterexamples (docs/extraction.md, "Forty-sixth pass, dates"): an edit declared on an earlier day
# than a `datePublished` that is no scheduled publication. Main (a19b77d9) stored the edit's day, 2022-03-04, on each.
REAL_DAY = date(2022, 3, 4)
COM_URL = "https://www.example.com/news/sportzentrum-erweitert/"


def article(**dates: object) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Sportzentrum erweitert", **dates}


def dated_page(lang: str, objects: list[dict[str, object]], metas: list[tuple[str, str]], printed: str = "") -> str:
    """A page with the given JSON-LD objects and meta properties, `printed` under its headline."""
    ld = "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    head = "".join(f'<meta property="{key}" content="{value}" />' for key, value in metas)
    body = "".join(f"<p>{PARAGRAPHS[lang].format(n=n)}</p>" for n in range(1, 5))
    return (f'<html lang="{lang}"><head><title>Sportzentrum erweitert</title>{head}{ld}</head><body><header>'
            f'<a href="/">Home</a></header><main><article><h1>Sportzentrum erweitert</h1>{printed}{body}</article>'
            "</main></body></html>")


def test_one_instant_written_in_two_offsets_is_no_schedule() -> None:
    """(The tried rule's guard 1.) WordPress writes the modified time in the site's offset, Yoast's JSON-LD in UTC:
    a post never edited has one instant, 20:00 -05:00 on the 4th, the 5th in UTC."""
    modified = "2022-03-04T20:00:00-05:00"
    html = dated_page("en", [article(datePublished="2022-03-05T01:00:00Z", dateModified=modified)],
                      [("article:modified_time", modified)])
    assert stored_day(html, COM_URL) == REAL_DAY


RENDERED = "2022-12-07T12:03:11+00:00"  # a `datePublished` set to the render or re-import time
EDITED = "2022-03-04T10:15:00+00:00"


@pytest.mark.parametrize(("lang", "printed"), [
    ("en", '<p class="byline">By Jane Doe <time datetime="2022-03-04T10:15:00+00:00">March 4, 2022</time></p>'),
    ("de", "<p class='date'>04.03.2022</p>"),
])
def test_a_day_printed_under_the_headline_keeps_the_edits_day(lang: str, printed: str) -> None:
    """(The tried rule's guard 2.) The byline or the headline's area prints the edit's day: a later `datePublished`
    does not win."""
    html = dated_page(lang, [article(datePublished=RENDERED, dateModified=EDITED)],
                      [("article:modified_time", EDITED)], printed)
    assert stored_day(html, COM_URL) == REAL_DAY


OTHER_OBJECTS = {  # the article declares only its edit; another object's `datePublished` is later
    "a reader's comment": [article(dateModified=EDITED, comment=[
        {"@type": "Comment", "text": "great", "datePublished": "2022-03-09T18:00:00+00:00"}])],
    "a recipe's review": [{"@context": "https://schema.org", "@type": "Recipe", "name": "x", "dateModified": EDITED,
                           "review": [{"@type": "Review", "datePublished": "2022-04-02T18:00:00+00:00"}]}],
    "an event": [{"@context": "https://schema.org", "@type": "Event", "name": "Open day",
                  "startDate": "2022-06-01T10:00:00+00:00", "datePublished": "2022-06-01T10:00:00+00:00"}],
    "the web page": [{"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "datePublished": "2022-05-01T08:00:00+00:00", "dateModified": EDITED},
        {"@type": "Article", "headline": "x", "dateModified": EDITED}]}],
}


@pytest.mark.parametrize("objects", OTHER_OBJECTS.values(), ids=OTHER_OBJECTS.keys())
def test_only_the_articles_own_publication_counts(objects: list[dict[str, object]]) -> None:
    """(The tried rule's guard 3.) A comment's, a review's, an event's or a web page's `datePublished` is no
    article's publication."""
    assert stored_day(dated_page("en", objects, [("article:modified_time", EDITED)]), COM_URL) == REAL_DAY


UNGUARDED = {  # what the three guards left: a later `datePublished` on a page printing no day (main right on each)
    "a render time in UTC": (
        [article(datePublished=RENDERED, dateModified=EDITED)], [("article:modified_time", EDITED)]),
    "a render time, the edit in og:updated_time": ([article(datePublished=RENDERED)], [("og:updated_time", EDITED)]),
    "an evening US post, both in UTC": (
        [article(datePublished="2022-03-05T01:00:00+00:00", dateModified="2022-03-04T23:00:00+00:00")],
        [("article:modified_time", "2022-03-04T23:00:00+00:00")]),
}


@pytest.mark.parametrize(("objects", "metas"), UNGUARDED.values(), ids=UNGUARDED.keys())
def test_a_later_publication_nothing_prints_does_not_outvote_the_edit(
        objects: list[dict[str, object]], metas: list[tuple[str, str]]) -> None:
    """Why the rule was reverted: to it, these pages look as baumeister.de's does (the guarded rule stored the later
    day on each); the edit's day stays."""
    assert stored_day(dated_page("en", objects, metas), COM_URL) == REAL_DAY
