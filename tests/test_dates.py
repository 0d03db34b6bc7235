"""The publication time: htmldate's answer checked against the page's JSON-LD (newsflow.dates)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from newsflow.dates import json_ld_published, parse_datetime, publication_day, published_at
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html

STORY = "<p>" + "The council met on Tuesday and approved the budget for schools, roads and the library. " * 3 + "</p>"


def page_with_ld(**fields: object) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields})
    return f'<html><head><script type="application/ld+json">{ld}</script></head><body>{STORY}</body></html>'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-07-10T14:15:42Z", datetime(2020, 7, 10, 14, 15, 42, tzinfo=UTC)),
        ("2022-05-07T20:06:23-05:00", datetime(2022, 5, 8, 1, 6, 23, tzinfo=UTC)),
        ("Wed, 04 May 2022 02:41:00 GMT", datetime(2022, 5, 4, 2, 41, tzinfo=UTC)),
        ("2022-05-03", datetime(2022, 5, 3, tzinfo=UTC)),
        ("soon", None),
        (None, None),
    ],
)
def test_iso_and_rfc_2822_dates_parse_to_utc(value: str | None, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_a_date_well_after_json_ld_published_is_taken_for_a_modified_date() -> None:
    # As on a Spiceworks page: htmldate found 2025-01-07, the article was published in 2020.
    tree = load_html(page_with_ld(datePublished="2020-07-10T14:15:42+00:00"))
    assert published_at("2025-01-07T09:08:22+0000", tree) == datetime(2020, 7, 10, 14, 15, 42, tzinfo=UTC)


def test_htmldate_is_kept_when_json_ld_agrees_or_is_later() -> None:
    tree = load_html(page_with_ld(datePublished="2022-05-08T06:00:00-05:00"))
    assert published_at("2022-05-07T22:00:00-0500", tree) == datetime(2022, 5, 8, 3, tzinfo=UTC)
    assert published_at("2022-05-09T10:00:00+0200", tree) == datetime(2022, 5, 9, 8, tzinfo=UTC)


def test_a_bare_day_gives_way_to_json_ld_with_its_time_and_offset() -> None:
    # As on a larepublica.pe page: the URL says /2022/05/02/, the page was published on the 8th.
    tree = load_html(page_with_ld(datePublished="2022-05-08T06:00:00-05:00"))
    assert published_at("2022-05-02T00:00:00", tree) == datetime(2022, 5, 8, 11, tzinfo=UTC)
    # A UTC time ("Z", "GMT") does not say the publisher's day, so the bare day stays.
    utc_tree = load_html(page_with_ld(datePublished="Wed, 04 May 2022 00:25:56 GMT"))
    assert published_at("2022-05-03T00:00:00", utc_tree) == datetime(2022, 5, 3, tzinfo=UTC)


def test_htmldate_taking_the_modified_date_gives_way_to_json_ld_published() -> None:
    # As on a Reuters page: htmldate found the revision time, which JSON-LD gives as dateModified.
    tree = load_html(page_with_ld(datePublished="2020-01-19T12:25:36Z", dateModified="2020-01-20T09:49:32Z"))
    assert published_at("2020-01-20T09:49:32+0000", tree) == datetime(2020, 1, 19, 12, 25, 36, tzinfo=UTC)
    unrelated = load_html(page_with_ld(datePublished="2020-01-19T12:25:36Z", dateModified="2020-01-21T08:00:00Z"))
    assert published_at("2020-01-20T09:49:32+0000", unrelated) == datetime(2020, 1, 20, 9, 49, 32, tzinfo=UTC)


def test_the_publication_day_is_the_publishers_local_day() -> None:
    # As on an El Comercio (Lima) page: 20:06 local on the 7th is 01:06 UTC on the 8th.
    published = published_at("2022-05-07T20:06:23-0500", load_html(page_with_ld()))
    assert published == datetime(2022, 5, 8, 1, 6, 23, tzinfo=UTC)
    assert publication_day(published) == date(2022, 5, 7)
    assert publication_day(published_at("2022-05-07T00:00:00", load_html(page_with_ld()))) == date(2022, 5, 7)
    assert publication_day(None) is None


def test_extract_article_stores_the_utc_instant_and_the_local_day() -> None:
    html = page_with_ld(datePublished="2022-05-03T22:46:08-03:00").replace(
        "<head>", '<head><meta property="article:published_time" content="2022-05-03T22:46:08-03:00">')
    article = extract_article(html, "https://news.example/politica/tension")
    assert article is not None
    assert article.published_at == datetime(2022, 5, 4, 1, 46, 8, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(0)
    assert article.published_date == date(2022, 5, 3)


def test_json_ld_is_the_fallback_when_htmldate_finds_nothing() -> None:
    tree = load_html(page_with_ld(datePublished="2022-05-08T06:00:00Z"))
    assert published_at(None, tree) == datetime(2022, 5, 8, 6, tzinfo=UTC)
    assert published_at(None, load_html(page_with_ld())) is None


def test_the_first_parsable_json_ld_date_is_the_publication_not_a_related_article() -> None:
    ld = [{"@type": "WebPage", "datePublished": "not a date"},
          {"@graph": [{"@type": "NewsArticle", "datePublished": "2021-03-02T10:00:00Z"}]},
          {"@type": "ItemList", "itemListElement": [{"@type": "Article", "datePublished": "2019-01-01T08:00:00Z"}]}]
    html = f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head><body>x</body></html>'
    assert json_ld_published(load_html(html)) == datetime(2021, 3, 2, 10, tzinfo=UTC)


def test_extract_article_prefers_json_ld_over_a_later_modified_date() -> None:
    html = page_with_ld(datePublished="2020-07-10T14:15:42Z", dateModified="2025-01-07T09:08:22Z").replace(
        "<head>", '<head><meta property="article:modified_time" content="2025-01-07T09:08:22Z">'
                  '<meta property="article:published_time" content="2025-01-07T09:08:22Z">')
    article = extract_article(html, "https://news.example/story")
    assert article is not None
    assert article.published_at == datetime(2020, 7, 10, 14, 15, 42, tzinfo=UTC)


def test_json_ld_wrapped_in_cdata_is_read() -> None:
    ld = json.dumps({"@type": "NewsArticle", "datePublished": "2020-07-10T14:15:42Z"})
    script = f'<script type="application/ld+json">\n<![CDATA[\n{ld}\n]]>\n</script>'
    html = f"<html><head>{script}</head><body>x</body></html>"
    assert json_ld_published(load_html(html)) == datetime(2020, 7, 10, 14, 15, 42, tzinfo=UTC)


def test_a_utc_time_takes_the_offset_the_page_writes_the_same_instant_with() -> None:
    # As on a Nine News page: htmldate gives 01:20 UTC, the page 12:20 in Sydney (+11:00).
    html = page_with_ld().replace("<head>", '<head><meta property="article:published_time" '
                                  'content="2024-01-07T12:20:00+11:00"><time datetime="2024-01-06T08:00:00-05:00">')
    published = published_at("2024-01-07T01:20:00+0000", load_html(html))
    assert published == datetime(2024, 1, 7, 1, 20, tzinfo=UTC)
    assert published is not None and published.utcoffset() == timedelta(hours=11)
    assert publication_day(published) == date(2024, 1, 7)
    # Another instant in another offset says nothing about this one.
    other = published_at("2024-01-07T03:00:00+0000", load_html(html))
    assert other is not None and other.utcoffset() == timedelta(0)
