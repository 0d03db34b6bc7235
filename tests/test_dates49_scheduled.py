"""The forty-eighth pass on dates (docs/extraction.md, "Forty-eighth pass, dates"): a WordPress scheduled post prints
its last edit (`time.updated`, before the publication) beside its publication (`time.entry-date.published`) under the
headline. That edit is no update of a published version, so it bounds nothing (`dates._published_after_the_edit`):
the publication's day is stored (hrjournal.de, trafdates' tune half: 29 December stored, published on the 30th).
A real update, a later day, and an update stamp in words keep main's handling."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsflow.extract import extract_article

TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item {n} "
                "gives the city's parks more money than last year.</p>" for n in range(5))
PUBLISHED = datetime(2026, 12, 5, 7, 0, tzinfo=timezone(timedelta(hours=1)))
SHOWN = {"en": "{d:%B} {d.day}, {d.year}", "de": "{d.day}. Dezember {d.year}", "es": "{d.day} diciembre {d.year}"}


def _page(lang: str, edit: datetime, *, updated_first: bool = True, declared: bool = True) -> str:
    def time(kind: str, moment: datetime) -> str:
        return f'<time class="{kind}" datetime="{moment.isoformat()}">{SHOWN[lang].format(d=moment)}</time>'
    published, updated = time("entry-date published", PUBLISHED), time("updated", edit)
    times = updated + published if updated_first else published + updated
    head = (f'<script type="application/ld+json">{{"@graph":[{{"@type":"Article","headline":"{TITLE}","datePublished":'
            f'"{PUBLISHED.isoformat()}","dateModified":"{max(PUBLISHED, edit).isoformat()}"}}]}}</script>'
            f'<meta property="article:published_time" content="{PUBLISHED.isoformat()}">') if declared else ""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><article><header>'
            f'<h1 class="entry-title">{TITLE}</h1><span class="posted-on"><a href="/x" rel="bookmark">{times}</a>'
            '</span> <span class="byline">by A. Writer</span></header>'
            f'<div class="entry-content">{STORY}</div></article></body></html>')


def _stored(html: str) -> date | None:
    page = extract_article(html, "https://news.example.com/budget/")
    assert page is not None
    return page.published_date


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("updated_first", [True, False])
@pytest.mark.parametrize(("lang", "days"), [("en", 3), ("de", 1), ("es", 20)])
def test_a_scheduled_posts_earlier_edit_leaves_the_publication(lang: str, days: int, updated_first: bool,
                                                                declared: bool) -> None:
    """Main stored the edit's day in all twelve (the update stamp bounded the publication, or htmldate took it)."""
    edit = PUBLISHED - timedelta(days=days, hours=-1)
    assert _stored(_page(lang, edit, updated_first=updated_first, declared=declared)) == PUBLISHED.date()


def test_a_real_update_on_a_later_day_leaves_the_publication() -> None:
    assert _stored(_page("en", PUBLISHED + timedelta(days=2))) == PUBLISHED.date()


def test_an_update_stamp_in_words_still_bounds_the_publication() -> None:
    """No update `<time>` states the edit's instant: "Aktualisiert: 02.12.2026" stays the bound it was on main."""
    html = _page("de", PUBLISHED - timedelta(days=3), declared=False).replace(
        '<time class="updated" datetime="2026-12-02T07:00:00+01:00">2. Dezember 2026</time>',
        "<span>Aktualisiert: 02.12.2026</span>")
    assert "Aktualisiert" in html
    assert _stored(html) == date(2026, 12, 2)


def test_an_edit_on_an_earlier_local_day_but_a_later_instant_is_an_update() -> None:
    """The edit's day is before the publication's only by the two offsets (-10:00 against +01:00): its instant is
    after the publication, so it is an update and bounds the publication as on main."""
    edit = datetime(2026, 12, 4, 23, 0, tzinfo=timezone(timedelta(hours=-10)))  # 5 December 09:00 UTC
    assert edit > PUBLISHED and edit.date() < PUBLISHED.date()
    assert _stored(_page("en", edit, declared=False)) == date(2026, 12, 4)


# Review of the pass (F2): the publication `<time>` must be marked as such (class published / entry-date, itemprop
# datePublished) and plausible; an event's or a deadline's `<time>` after a real update is no publication.
UPDATED_THEN = {
    "an event in the standfirst": '<p class="updated-line">Updated <time datetime="2026-12-03T10:00:00-05:00">Dec. 3, '
                                  '2026</time></p><p class="standfirst">The vote moves to <time datetime="2026-12-10'
                                  'T18:00:00-05:00">Thursday, Dec. 10</time>.</p>',
    "an event's box": '<div class="meta">Last updated <time datetime="2026-12-03T10:00:00-05:00">Dec. 3, 2026</time>'
                      '</div><div class="event">Next meeting: <time datetime="2026-12-10T18:00:00-05:00">Dec. 10'
                      "</time></div>",
    "a deadline months ahead": '<div class="meta">Updated: <time datetime="2026-12-03T10:00:00-05:00">Dec. 3, 2026'
                               '</time></div><p><strong>Deadline:</strong> <time datetime="2027-03-01">March 1, 2027'
                               "</time></p>",
}


@pytest.mark.parametrize("shape", sorted(UPDATED_THEN))
def test_an_unmarked_later_time_after_a_real_update_leaves_the_update_bound(shape: str) -> None:
    """Before the review the event's time was stored (10 December, 1 March 2027) and `published_by_update` cleared."""
    html = (f'<html lang="en"><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{UPDATED_THEN[shape]}'
            f"{STORY}</article></body></html>")
    page = extract_article(html, "https://news.example.com/council-budget")
    assert page is not None
    assert (page.published_date, page.published_by_update) == (date(2026, 12, 3), True)


def test_a_marked_publication_in_the_future_is_no_scheduled_posts() -> None:
    """A `time.entry-date.published` two months ahead of now fails `plausible`: the edit stays the bound."""
    ahead = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=60)
    edit = ahead - timedelta(days=70)
    html = _page("en", PUBLISHED - timedelta(days=3), declared=False)
    for old, new in ((PUBLISHED, ahead), (PUBLISHED - timedelta(days=3), edit)):  # values and printed days moved
        html = html.replace(old.isoformat(), new.isoformat())
        html = html.replace(SHOWN["en"].format(d=old), SHOWN["en"].format(d=new))
    assert ahead.isoformat() in html and edit.isoformat() in html
    assert _stored(html) == edit.date()


# Review of the pass (F3): the two `<time>`s compared as instants, the edit's day read in the publication's offset
@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("shown", ["9:00 pm", "21:00"])
def test_a_utc_publication_beside_a_local_edit_an_hour_before_is_on_the_edits_day(declared: bool, shown: str) -> None:
    """Published 21:00 -05:00, written 02:00 Z (5 December); the edit 20:00 -05:00: both on 4 December, no scheduled
    post in one clock. Before the review 5 December was stored."""
    times = ('<time class="entry-date published" datetime="2026-12-05T02:00:00Z">' + shown + "</time>"
             '<time class="updated" datetime="2026-12-04T20:00:00-05:00">8:00 pm</time>')
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"' + TITLE + '","datePublished":'
            '"2026-12-04T21:00:00-05:00"}</script>') if declared else ""
    html = (f'<html lang="en"><head><title>{TITLE}</title>{head}</head><body><article><header><h1 class="entry-title">'
            f'{TITLE}</h1><div class="entry-meta">{times}</div><span class="byline">by A. Writer</span></header>'
            f'<div class="entry-content">{STORY}</div></article></body></html>')
    assert _stored(html) == date(2026, 12, 4)
