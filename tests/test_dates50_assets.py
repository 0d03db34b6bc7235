"""Forty-ninth pass on dates (docs/extraction.md, "Forty-ninth pass, dates"): a day that only the URLs of the page's
stylesheets and scripts name is their build's, not the story's (`dates_assets.asset_version_only`). Before the pass
htmldate's whole-page scan stored it (trafdates' galore.de: a print stylesheet's `?v=2022-06-15` for a column of 30
November), and it beat the feed's date in a run. A day the page writes anywhere else is left to the other rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsflow.articledates import article_dates
from newsflow.dates_assets import asset_version_only
from newsflow.extract import extract_article, page_tree

BUILD = date(2025, 6, 15)
STORY = "".join(f"<p>{text} ({n})</p>" for n in range(5) for text in [
    "Residents said the plan would change how the river is used for years, and the council agreed to hear more."])
ASSETS = {
    "stylesheet ?v=": f'<link rel="stylesheet" href="/css/site.min.css?v={BUILD}">',
    "preload ?ver=": f'<link rel="preload" as="script" href="/js/app.js?ver={BUILD}">',
    "dated folder": '<link rel="stylesheet" href="/assets/2025/06/15/print.css">',
    "script ?ver=Ymd": '<script src="/js/site.min.js?ver=20250615"></script>',
}
PRINTED = {  # the same day written by the page: its day stays
    "en words": ("en", "<p class='byline'>June 15, 2025</p>"),
    "de words": ("de", "<p class='byline'>15. Juni 2025</p>"),
    "es words": ("es", "<p class='byline'>15 de junio de 2025</p>"),
    "ja figures": ("ja", "<p class='byline'>2025年6月15日</p>"),
    "fr dotted": ("fr", "<p class='date'>15.06.2025</p>"),
    "nl time": ("nl", '<time datetime="2025-06-15T09:00:00+02:00">15 juni 2025</time>'),
    "en slashed month first": ("en", "<p class='date'>06/15/2025</p>"),
    "pt words in a sentence": ("pt", "<p>A reunião de 15 de junho de 2025 aprovou o plano, disse o conselho.</p>"),
    "a script's JSON": ("en", '<script>window.page = {"published": "2025-06-15T08:00:00Z"};</script>'),
}


def page(head: str, byline: str = "", lang: str = "en", foot: str = "") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>The council met</title>{head}'
            f'</head><body><header><nav><a href="/">Home</a></nav></header><main><article><h1>The council met</h1>'
            f"{byline}{STORY}</article></main><footer><p>Contact</p></footer>{foot}</body></html>")


def stored_day(html: str, url: str = "https://news.example.com/story/council") -> date | None:
    article = extract_article(html, url)
    assert article is not None
    return article.published_date


@pytest.mark.parametrize("shape", list(ASSETS))
def test_an_assets_build_day_alone_is_no_day(shape: str) -> None:
    """The day only in an asset's URL: main stored it on each shape (and on 96 of 96 probe pages in 8 languages)."""
    head, foot = (ASSETS[shape], "") if shape != "script ?ver=Ymd" else ("", ASSETS[shape])
    assert asset_version_only(page_tree(page(head, foot=foot)), BUILD)
    if shape in ("stylesheet ?v=", "script ?ver=Ymd"):  # the two real shapes through extraction (the rest: the tree)
        assert stored_day(page(head, foot=foot)) is None


@pytest.mark.parametrize("shape", list(PRINTED))
def test_the_day_written_elsewhere_stays(shape: str) -> None:
    """The same day in words, figures or a `<time>` in the page's language: not the asset's alone."""
    lang, byline = PRINTED[shape]
    assert not asset_version_only(page_tree(page(ASSETS["stylesheet ?v="], byline, lang)), BUILD)


def test_a_printed_day_stays_through_extraction() -> None:
    assert stored_day(page(ASSETS["stylesheet ?v="], PRINTED["de words"][1], "de")) == BUILD


def test_a_page_url_is_no_asset() -> None:
    """`<link rel="canonical">` and `alternate` name the page itself: their day is the story's (and so is the URL's)."""
    for rel in ("canonical", "alternate", "amphtml"):
        own = f'<link rel="{rel}" href="https://news.example.com/2025/06/15/council">'
        assert not asset_version_only(page_tree(page(ASSETS["stylesheet ?v="] + own)), BUILD), rel
    assert stored_day(page(ASSETS["stylesheet ?v="]), "https://news.example.com/2025/06/15/council") == BUILD


def test_another_day_declared_is_stored() -> None:
    declared = ('<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2025-12-02T08:00:00+01:00"}</script>')
    assert stored_day(page(ASSETS["stylesheet ?v="] + declared)) == date(2025, 12, 2)


def test_the_feeds_day_dates_the_page_in_a_run() -> None:
    """With the asset's day refused, a feed's date is the article's (main kept the asset's June day over it)."""
    article = extract_article(page(ASSETS["stylesheet ?v="]), "https://news.example.com/story/council")
    assert article is not None
    feed_at = datetime(2025, 11, 30, 9, 0, tzinfo=UTC)
    fetched = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)
    assert article_dates(article, feed_at, date(2025, 11, 30), fetched, "https://news.example.com/story/council")[1] \
        == date(2025, 11, 30)
