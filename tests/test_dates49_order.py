"""The forty-eighth pass on dates (docs/extraction.md, "Forty-eighth pass, dates"): a date printed in figures whose
order the page leaves open ("12/02/2026") takes the other reading when an attribute of the page's own states that
reading as an ISO date (`numericorder.order_read`): Blogger's `abbr.published`, a `<time datetime>`, a `data-*`
attribute, a `content` value, with no feed needed. An update's time and another story's block say nothing of the
order; a page whose ISO date is its reading's keeps it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from newsflow.extract import extract_article

TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item {n} "
                "gives the city's parks more money than last year.</p>" for n in range(5))
AT = datetime(2026, 12, 2, 23, 7, tzinfo=timezone(timedelta(hours=-5)))
STAMP = AT.isoformat(timespec="milliseconds")
BYLINE = '<h1>{title}</h1><div class="byline">By A. Writer, <span class="date">{shown}</span></div>{story}'
OWN = {  # CMS shapes writing an ISO machine date of the publication beside the human one
    "blogger": '<h2 class="date-header"><span>{shown}</span></h2><div class="post hentry"><h3 class="post-title">'
               '{title}</h3><div class="post-body">{story}</div><div class="post-footer">Posted by A. Writer at '
               f'<abbr class="published" title="{STAMP}">23:07</abbr></div></div>',
    "time": f'<h1>{{title}}</h1><div class="byline">By A. Writer, <time datetime="{STAMP}">{{shown}}</time></div>'
            "{story}",
    "footer time": BYLINE + f'<div class="entry-footer"><time class="published" datetime="{AT:%Y-%m-%dT%H:%M:%S%z}">'
                            "23:07</time></div>",
    "data-*": f'<h1>{{title}}</h1><div class="byline" data-published="{STAMP}">By A. Writer, <span>{{shown}}</span>'
              "</div>{story}",
    "content": f'<h1>{{title}}</h1><div class="byline">By A. Writer, <span class="date" content="{AT:%Y-%m-%d}">'
               "{shown}</span></div>{story}",
}
NOT_OWN = {  # the same ISO date, which states nothing of the publication's order: main's reading stays
    "an update's": BYLINE + f'<div><time class="updated" datetime="{STAMP}">23:07</time></div>',
    "another story's": BYLINE + '<aside class="related"><ul><li><a href="/x">Other story</a> '
                                f'<time datetime="{STAMP}">23:07</time></li><li><a href="/y">Another</a></li></ul>'
                                "</aside>",
}


def _stored(template: str, lang: str, shown: str) -> tuple[date | None, bool]:
    body = template.format(title=TITLE, story=STORY, shown=shown)
    html = (f'<html lang="{lang}"><head><meta charset="utf-8"><title>{TITLE}</title></head><body><article>{body}'
            "</article></body></html>")
    page = extract_article(html, "https://blog.example.com/2026/budget.html")
    assert page is not None
    return page.published_date, page.published_order_open


@pytest.mark.parametrize("lang", ["en", "es", "hi"])
@pytest.mark.parametrize("cms", sorted(OWN))
def test_a_month_first_day_takes_the_reading_its_own_iso_date_states(cms: str, lang: str) -> None:
    """"12/02/2026" is read day first (12 February) on main in every language; the page's ISO date says 2 December."""
    assert _stored(OWN[cms], lang, "12/02/2026") == (date(2026, 12, 2), False)


@pytest.mark.parametrize("cms", sorted(OWN))
def test_a_day_first_day_its_iso_date_agrees_with_stays(cms: str) -> None:
    assert _stored(OWN[cms], "en", "02/12/2026") == (date(2026, 12, 2), False)


@pytest.mark.parametrize("shape", sorted(NOT_OWN))
def test_an_updates_or_another_storys_iso_date_decides_nothing(shape: str) -> None:
    assert _stored(NOT_OWN[shape], "en", "12/02/2026") == (date(2026, 2, 12), True)
