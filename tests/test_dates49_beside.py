"""Review of the forty-eighth pass on dates (docs/extraction.md, "Forty-eighth pass, dates", F1): an ISO value of the
swapped reading states the order of a printed "04/03/2026" only beside it (its element, its two nearest parents that
are no whole page part, or inside it) or on an attribute naming the publication (`numericorder.order_read`). A
comment's, an event's, an ad's, a form's or a generated-page stamp's date on the swapped day leaves main's day.
Each shape below stored the swapped day before the review (the reviewer's probe_a: 448 of 512 pages)."""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import extract_article

TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item {n} "
                "gives the city's parks more money than last year.</p>" for n in range(5))
BYLINE = '<h1>{title}</h1><div class="byline">By A. Writer, <span class="date">{shown}</span></div>'
OTHER = "2026-04-03"  # "04/03/2026" read month first: the page's day is 4 March (day first), main's reading
FOREIGN = {  # body after the byline and story, head extra
    "comment (kommentare)": (f'<div class="kommentare"><div class="kommentar"><b>Leser</b> <time datetime="{OTHER}'
                             'T09:12:00+01:00">vor 2 Tagen</time><p>Gut so.</p></div></div>', ""),
    "comment (reacties)": (f'<section id="reacties"><ol><li><span class="auteur">Jan</span> <time datetime="{OTHER}'
                           'T09:12:00+01:00">09:12</time><p>Eens.</p></li></ol></section>', ""),
    "comment (responses)": (f'<div id="responses"><ol><li class="response"><cite>Ann</cite> <time datetime="{OTHER}'
                            'T09:12:00Z">09:12</time><p>Agreed.</p></li></ol></div>', ""),
    "event itemprop": ('<div itemscope itemtype="https://schema.org/Event"><span itemprop="name">Budget hearing</span> '
                       f'<meta itemprop="startDate" content="{OTHER}T19:30">at the town hall.</div>', ""),
    "event data-start": (f'<div class="event-card" data-start="{OTHER}"><b>Budget hearing</b>, town hall</div>', ""),
    "unnamed sidebar": ('</article><div class="col-md-4"><div class="box"><h3>Agenda</h3><ul><li><a href="/x">Book '
                        f'fair</a> <span data-date="{OTHER}">Fri</span></li><li><a href="/y">Market</a></li></ul>'
                        "</div></div><article>", ""),
    "generated meta": ("", f'<meta name="generated" content="{OTHER}T10:00:00Z">'),
    "script data-*": (f'<script src="/ads.js" data-build="{OTHER}"></script>', ""),
    "ad slot": (f'<div class="ad-slot" data-campaign-start="{OTHER}"></div>', ""),
    "site info": ('</article><div class="site-info">&copy; Example News. Page generated <time datetime="'
                  f'{OTHER}T10:00:00Z">10:00</time></div><article>', ""),
    "date input": (f'<form class="archive-search"><input type="date" name="from" value="{OTHER}"><button>Go</button>'
                   "</form>", ""),
    "countdown": (f'<div class="countdown" data-end="{OTHER}T00:00:00Z"></div>', ""),
    "offer": ('<div itemscope itemtype="https://schema.org/Offer"><meta itemprop="priceValidUntil" '
              f'content="{OTHER}"></div>', ""),
}


def _stored(body: str, lang: str, head: str = "", body_tag: str = "<body>") -> tuple[date | None, bool]:
    html = (f'<html lang="{lang}"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head>{body_tag}'
            f"<article>{body}</article></body></html>")
    page = extract_article(html, "https://news.example.com/local/budget")
    assert page is not None
    return page.published_date, page.published_order_open


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
@pytest.mark.parametrize("shape", sorted(FOREIGN))
def test_a_foreign_iso_date_on_the_swapped_day_leaves_mains_day(shape: str, lang: str) -> None:
    after, head = FOREIGN[shape]
    body = BYLINE.format(title=TITLE, shown="04/03/2026") + STORY + after
    assert _stored(body, lang, head)[0] == date(2026, 3, 4)


def test_a_data_attribute_of_the_body_leaves_mains_day() -> None:
    body = BYLINE.format(title=TITLE, shown="04/03/2026") + STORY
    assert _stored(body, "es", body_tag=f'<body data-rendered="{OTHER}T10:00:00Z">')[0] == date(2026, 3, 4)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_a_machine_date_beside_a_date_printed_after_a_link_states_the_order(lang: str) -> None:
    """The printed date is a tail ("By <a>A. Writer</a>, 12/02/2026"): its holder is the byline, and a `data-*` value
    inside it is beside the date, with no name of the publication."""
    body = (f'<h1>{TITLE}</h1><div class="byline">By <a href="/a">A. Writer</a>, 12/02/2026 '
            '<span data-ts="2026-12-02T23:07:00-05:00">23:07</span></div>' + STORY)
    assert _stored(body, lang) == (date(2026, 12, 2), False)
