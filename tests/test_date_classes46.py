"""The forty-sixth pass on publication dates (docs/extraction.md, "Forty-sixth pass, dates"): a scheduled post, whose
CMS wrote its last edit (`dateModified`, `article:modified_time`) before the publication it declares
(`datePublished`), is dated by the publication, not by the edit htmldate answers with. Found on the tune half of the
blind set built from trafilatura's evaluation pages (baumeister.de: edited 20 December 16:55 Z, published 21
December 05:49 Z, its header printing 21.12.2022). Written before the rule: the class tests fail on main (a19b77d9),
which stored the edit's day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.date_batch20 import stored_day
from tests.datepageworld import LANGS, PARAGRAPHS

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


def test_a_scheduled_posts_publication_beats_its_earlier_edit() -> None:
    """Every language of the generated world's pages under each schedule (18 pages): the declared publication's
    day (main: the edit's, htmldate's answer from the modified-time meta, on all 18)."""
    missed = [(lang, published) for lang in LANGS for published, modified in SCHEDULES
              if stored_day(scheduled_post(lang, published, modified), URL) != PUBLISHED]
    assert missed == []


@pytest.mark.parametrize(("published", "modified"), SCHEDULES)
def test_without_the_modified_meta_the_publication_dated_the_page_already(published: str, modified: str) -> None:
    """Guard: the edit declared in JSON-LD only, htmldate answers with the publication (as on main), and the rule
    leaves it."""
    assert stored_day(scheduled_post("de", published, modified, meta=False), URL) == PUBLISHED


def test_an_edit_after_the_publication_still_gives_way_as_before() -> None:
    """Guard (the fifth pass's rule, unchanged): an edit days after the publication is no publication either."""
    later = "2025-03-20T09:00:00+00:00"
    assert stored_day(scheduled_post("en", "2025-03-12T09:00:00+00:00", later), URL) == PUBLISHED


def test_a_page_declaring_only_its_edit_is_dated_by_it() -> None:
    """Guard: where the page declares no publication, its edit is the only date it states and dates it (the
    seventeenth pass's rule: kept for a page with no other date, a feed's date replaces it)."""
    modified = "2025-03-11T16:55:21+00:00"
    html = scheduled_post("en", "", modified).replace('"datePublished":"",', "")
    assert stored_day(html, URL) == PUBLISHED - timedelta(days=1)
