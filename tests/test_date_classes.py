"""The seventh pass on publication dates: classes of page structure and date expression that a
world-wide hold-out has and our corpora lack (docs/extraction.md, "Seventh pass, dates").

Every page here is hand-written from how its class writes dates, not copied from any site. The
tests through `extract_article` run the whole extraction, htmldate included; the run at the end
serves pages of several classes from a local server, under names of their own countries (DNS
answers injected), with feeds without dates, with dates in GMT, and with render-time stamps, and
reads the stored days back from the warehouse."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import netguard
from newsflow.articledates import best_published_date
from newsflow.config import load_config
from newsflow.dates import publication_day, published_at
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.feedentries import without_feed_stamps
from newsflow.feeds import parse_feed
from newsflow.headline_date import headline_date
from newsflow.localtime import url_zone
from newsflow.models import FeedEntry
from newsflow.netguard import NameResolutionError
from newsflow.relativedates import relative_age
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

TITLE = "Council approves the school budget"
STORY = "<p>" + "The council met on Tuesday and approved the budget for schools, roads and the library. " * 3 + "</p>"
RELATED = ('<section class="related-stories"><h3>More news</h3><ul>'
           + "".join(f'<li><a href="/other-{n}">Another story {n}</a> <time datetime="2026-02-1{n}T08:00:00Z">'
                     f"Feb 1{n}, 2026</time></li>" for n in range(3)) + "</ul></section>")


def page(byline: str = "", lang: str = "en", head: str = "", after: str = "", story: str = STORY,
         footer: str = "© 2026 Example") -> str:
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header><a href="/">Home</a></header>'
            f'<article><h1>{TITLE}</h1><div class="byline"><span class="author">A. Writer</span> '
            f'<span class="when">{byline}</span></div>{story}</article>{after}'
            f"<footer>{footer}</footer></body></html>")


def article_ld(published: str) -> str:
    article = json.dumps({"@type": "NewsArticle", "datePublished": published})
    return f'<script type="application/ld+json">{article}</script>'


def stored(html: str, url: str = "https://news.example.com/story") -> tuple[date | None, timedelta | None]:
    article = extract_article(html, url)
    assert article is not None
    return article.published_date, article.published_ago


# --- classes read before this pass, kept as a guard: the world's ways of writing a date ---------

MARCH_1 = date(2026, 3, 1)
WORLD_BYLINES = [
    ("bg", "1 март 2026, 10:30"), ("sr", "1. март 2026."), ("mk", "01 март 2026"), ("kk", "1 наурыз 2026"),
    ("az", "01 mart 2026"), ("uz", "1 mart 2026"), ("et", "1. märts 2026"), ("fi", "1. maaliskuuta 2026 klo 10.30"),
    ("hr", "1. ožujka 2026."), ("sq", "1 mars 2026"), ("ka", "1 მარტი 2026"), ("hy", "1 մարտի 2026"),
    ("ta", "மார்ச் 1, 2026"), ("mr", "1 मार्च 2026"), ("zh", "2026年3月1日 10:30"), ("ko", "입력 2026. 3. 1. 10:30"),
    ("vi", "Chủ nhật, ngày 1 tháng 3 năm 2026"), ("vi", "01/03/2026 10:30 GMT+7"),
    ("id", "Minggu, 1 Maret 2026 10:30 WIB"),
    ("sw", "Machi 1, 2026"), ("tr", "01 Mart 2026 Pazar 10:30"), ("el", "01 Μαρτίου 2026, 10:30"),
    ("el", "01.03.2026 | 10:30"), ("ru", "1 марта 2026, 10:30"), ("hi", "१ मार्च २०२६"), ("bn", "১ মার্চ ২০২৬"),
    ("ar", "١ مارس ٢٠٢٦"), ("fa", "۱ مارس ۲۰۲۶"), ("fa", "۱۰ اسفند ۱۴۰۴"), ("ja", "令和8年3月1日"),  # noqa: RUF001
    ("th", "1 มี.ค. 2569"), ("ar", "الأحد 11 رمضان 1447 هـ - 1 مارس 2026 م"), ("en-US", "03/01/2026"),
    ("fr", "Publié le 01/03/2026 à 10h30"), ("en-US", "Mar. 1, 2026 10:30 a.m. ET"), ("de", "Sonntag, 1. März 2026"),
    ("es", "1 de marzo de 2026 - 23:30"), ("pl", "1 marca 2026, 10:30"), ("he", "1 במרץ 2026"), ("nl", "1 mrt 2026"),
]


@pytest.mark.parametrize(("lang", "byline"), WORLD_BYLINES)
def test_a_date_as_the_world_writes_it_is_read(lang: str, byline: str) -> None:
    assert stored(page(byline, lang))[0] == MARCH_1


@pytest.mark.parametrize(("url", "head"), [
    ("https://news.example.com/2026/03/01/story", ""), ("https://news.example.com/news/20260301/story", ""),
    ("https://news.example.com/news/story-20260301-123", ""),
    ("https://news.example.com/a", '<meta property="article:published_time" content="2026-03-01T23:30:00-05:00">'),
    ("https://news.example.com/a", '<meta property="article:modified_time" content="2026-03-01T10:00:00+01:00">'),
    ("https://news.example.com/a", '<meta itemprop="datePublished" content="2026-03-01T10:00:00+09:00">'),
    ("https://news.example.com/a", '<meta name="DC.date.issued" content="2026-03-01">'),
    ("https://news.example.com/a", '<script type="application/ld+json">[{"@type": "BreadcrumbList"}, {"@type": '
                                   '"NewsArticle", "datePublished": "2026-03-01T10:00:00+01:00"}]</script>'),
])
def test_a_date_in_the_url_or_the_markup_is_read(url: str, head: str) -> None:
    assert stored(page(head=head), url)[0] == MARCH_1


def test_microdata_on_a_time_element_dates_the_page_and_related_times_do_not() -> None:
    byline = '<time itemprop="datePublished" datetime="2026-03-01T10:00:00+01:00">Sunday</time>'
    assert stored(page(byline, after=RELATED))[0] == MARCH_1


# --- dates of other stories, of events, of the site ------------------------------------------


def test_a_related_storys_time_is_not_the_date_of_a_page_that_dates_itself_nowhere() -> None:
    # htmldate takes the first <time> of the "More news" list (2026-02-10); the page has no date
    assert stored(page(after=RELATED))[0] is None


def test_a_related_storys_time_gives_way_to_the_urls_day() -> None:
    # the byline reader took the related list's date over htmldate's URL day
    assert stored(page(after=RELATED), "https://news.example.com/2026/03/01/budget")[0] == date(2026, 3, 1)


def test_a_related_storys_printed_date_is_not_the_date_of_a_page_that_dates_itself_nowhere() -> None:
    teasers = ('<div class="more-news"><ul>' + "".join(
        f'<li><a href="/o{n}">Other story {n}</a> <span class="date">Feb 1{n}, 2026</span></li>' for n in range(3))
        + "</ul></div>")
    assert stored(page(after=teasers))[0] is None


def test_a_related_storys_time_in_an_aside_is_not_read_as_the_byline() -> None:
    aside = '<aside><ul><li><a href="/x">Other</a> <span>12 February 2026</span></li></ul></aside>'
    html = page(after=aside)
    assert headline_date(load_html(html)) is None
    assert stored(html, "https://news.example.com/2026/03/01/budget")[0] == date(2026, 3, 1)


def test_a_related_box_inside_the_article_is_not_its_byline() -> None:
    box = '<aside><ul><li><a href="/x">Other story</a> <span>12 February 2026</span></li></ul></aside>'
    assert stored(page(story=box + STORY), "https://news.example.com/2026/03/01/budget")[0] == MARCH_1


def test_an_articles_own_footer_may_hold_its_byline() -> None:
    html = (f'<html lang="en"><head><title>{TITLE}</title></head><body><article><header><h1>{TITLE}</h1></header>'
            f'<footer class="entry-meta">Posted on 1 March 2026</footer>{STORY}</article></body></html>')
    assert headline_date(load_html(html)) == MARCH_1
    assert stored(html, "https://news.example.com/2026/02/27/budget")[0] == MARCH_1  # the byline, not a draft's URL


def test_the_date_of_an_event_in_the_story_is_not_its_publication() -> None:
    event = "<p>The festival will run from 15 May 2026 to 20 May 2026 in the park, organisers said on Sunday.</p>"
    assert stored(page(story=STORY + event), "https://news.example.com/2026/03/01/budget")[0] == date(2026, 3, 1)


def test_a_short_line_with_a_date_under_the_headline_is_still_the_byline() -> None:
    assert stored(page("Published on 1 March 2026 at 10:30."))[0] == date(2026, 3, 1)


def test_a_web_pages_date_in_the_graph_gives_way_to_the_articles() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "datePublished": "2025-01-01T00:00:00Z"},
        {"@type": "NewsArticle", "datePublished": "2026-03-01T10:00:00+01:00"}]}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert stored(page(head=head))[0] == date(2026, 3, 1)


def test_the_copyright_year_is_no_date() -> None:
    # htmldate's last resort is the footer's year as 1 January: a day a story is almost never from;
    # without it the feed's date dates the article (the run below)
    assert stored(page())[0] is None
    assert published_at("2026-01-01T00:00:00", load_html(page())) is None


# --- published and updated --------------------------------------------------------------------


@pytest.mark.parametrize("byline", ["Updated: 4 March 2026 | Published: 1 March 2026",
                                    "Aktualisiert 04.03.2026, veröffentlicht 01.03.2026",
                                    "Actualizado: 04/03/2026 - Publicado: 01/03/2026"])
def test_a_publication_date_after_an_update_on_one_line_is_the_publication(byline: str) -> None:
    lang = {"A": "de", "U": "en"}.get(byline[0], "es")
    assert stored(page(byline, lang))[0] == date(2026, 3, 1)


def test_an_update_alone_on_its_line_still_bounds_the_publication() -> None:
    head = '<meta property="article:published_time" content="2026-03-01T10:00:00+01:00">'
    assert stored(page("Updated: 4 March 2026", head=head))[0] == date(2026, 3, 1)


def test_a_modified_time_earlier_than_the_published_time_does_not_date_the_page() -> None:
    head = ('<meta property="article:published_time" content="2026-03-01T10:00:00+01:00">'
            '<meta property="article:modified_time" content="2026-02-20T10:00:00+01:00">')
    assert stored(page(head=head))[0] == date(2026, 3, 1)


# --- the publisher's day in a country of several zones ---------------------------------------


@pytest.mark.parametrize(("url", "day"), [
    ("https://news.example.us/story", date(2026, 3, 1)),  # 21:30 in New York (EST), 18:30 in Los Angeles
    ("https://www.example.ca/news/1", date(2026, 3, 1)),
    ("https://www.example.com.br/noticia/1", date(2026, 3, 1)),  # 23:30 in São Paulo
    ("https://www.example.com.mx/nota/1", date(2026, 3, 1)),
    ("https://news.example.com/story", date(2026, 3, 2)),  # no country: the UTC day
    ("https://news.example.com.au/story", date(2026, 3, 2)),  # not .au: Perth and Sydney are three hours apart
])
def test_an_evening_story_in_a_country_west_of_utc_keeps_its_day_in_any_of_its_zones(url: str, day: date) -> None:
    tree = load_html(page(head=article_ld("2026-03-02T02:30:00Z")))
    assert publication_day(published_at("2026-03-02T02:30:00+0000", tree, url)) == day


def test_a_printed_time_says_the_zone_before_the_guess_for_a_country_of_several_zones() -> None:
    # a Vancouver paper: "10:30 PM" printed over 06:30 Z is -08:00, not Toronto's 01:30 the next day
    tree = load_html(page("March 1, 2026 10:30 PM", head=article_ld("2026-03-02T06:30:00Z")))
    published = published_at("2026-03-02T06:30:00+0000", tree, "https://www.example.ca/news/1")
    assert published is not None and published.utcoffset() == timedelta(hours=-8)
    assert publication_day(published) == date(2026, 3, 1)


# --- relative times ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "age"), [
    ("2 hours ago", timedelta(hours=2)), ("an hour ago", timedelta(hours=1)), ("45 mins ago", timedelta(minutes=45)),
    ("hace 3 horas", timedelta(hours=3)), ("há 5 horas", timedelta(hours=5)), ("il y a 4 heures", timedelta(hours=4)),
    ("vor 2 Stunden", timedelta(hours=2)), ("vor einer Stunde", timedelta(hours=1)), ("3 ore fa", timedelta(hours=3)),
    ("2 uur geleden", timedelta(hours=2)), ("5 godzin temu", timedelta(hours=5)), ("3 часа назад", timedelta(hours=3)),
    ("2 saat önce", timedelta(hours=2)), ("3 jam yang lalu", timedelta(hours=3)), ("3 giờ trước", timedelta(hours=3)),
    ("منذ 3 ساعات", timedelta(hours=3)), ("3 घंटे पहले", timedelta(hours=3)), ("2時間前", timedelta(hours=2)),
    ("3小时前", timedelta(hours=3)), ("3시간 전", timedelta(hours=3)), ("2 days ago", timedelta(days=2)),
])
def test_relative_times_in_many_languages_give_their_age(text: str, age: timedelta) -> None:
    assert relative_age([text]) == age


@pytest.mark.parametrize(("text", "days"), [
    ("Today, 10:30", 0), ("Сегодня, 14:30", 0), ("今日 10:30", 0), ("Heute, 09:12 Uhr", 0),
    ("Yesterday at 10:30 PM", 1),
    ("Вчера в 14:30", 1), ("gestern, 18:45 Uhr", 1), ("hier à 10h30", 1), ("Ayer 18:45", 1), ("昨日10:30", 1),
])
def test_today_and_yesterday_with_a_time_give_an_age_in_days(text: str, days: int) -> None:
    assert relative_age([text]) == timedelta(days=days)


@pytest.mark.parametrize("text", ["in 2 hours", "2 hours", "100 days ago", "a story from 3 hours of talks", "Today",
                                  "Hier klicken 10:30", "Today in pictures"])
def test_what_is_no_relative_publication_time_gives_no_age(text: str) -> None:
    assert relative_age([text]) is None


def test_a_page_dated_only_by_a_relative_time_reports_its_age() -> None:
    assert stored(page("3 hours ago")) == (None, timedelta(hours=3))
    assert stored(page("Updated 5 mins ago")) == (None, None)  # an update's age says nothing of the publication
    head = '<meta property="article:published_time" content="2026-03-01T10:00:00+01:00">'
    assert stored(page("3 hours ago", head=head)) == (date(2026, 3, 1), None)  # a date of its own wins


# --- the feed's date --------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 9, 17, 43, tzinfo=UTC)


def entries(*moments: datetime | None) -> tuple[FeedEntry, ...]:
    return tuple(FeedEntry("f", f"k{n}", f"https://n.example/{n}", f"https://n.example/{n}", None, None, moment,
                           moment.date() if moment else None) for n, moment in enumerate(moments))


def test_a_feed_stamping_every_item_with_one_instant_gives_no_dates() -> None:
    stamped = without_feed_stamps(entries(NOW, NOW, NOW), NOW + timedelta(days=1))
    assert [(e.published_at, e.published_date) for e in stamped] == [(None, None)] * 3


def test_a_feed_stamping_many_items_within_seconds_of_each_other_gives_no_dates() -> None:
    # rendered (or imported) half an hour before the poll, one item a second
    rendered = [NOW - timedelta(minutes=30, seconds=n) for n in range(6)]
    assert all(e.published_at is None for e in without_feed_stamps(entries(*rendered), NOW))
    assert without_feed_stamps(entries(*rendered[:4]), NOW) == entries(*rendered[:4])  # four may be news


def test_a_feed_stamping_every_item_with_the_poll_time_gives_no_dates() -> None:
    seconds = [NOW - timedelta(seconds=n) for n in (1, 2, 3)]
    assert all(e.published_at is None for e in without_feed_stamps(entries(*seconds), NOW))


@pytest.mark.parametrize("moments", [
    (NOW, NOW),  # two items may share a second
    (NOW, NOW, NOW - timedelta(hours=5)),  # one real date among them
    (NOW, NOW, None),  # an undated item: not every item stamped
    (datetime(2026, 3, 1, tzinfo=UTC),) * 3,  # a date-only feed: many items of one day share its midnight
    (datetime(2026, 2, 28, 23, 0, tzinfo=UTC),) * 3,  # the same in +01:00
])
def test_feed_dates_that_may_be_the_items_own_are_kept(moments: tuple[datetime | None, ...]) -> None:
    assert without_feed_stamps(entries(*moments), NOW) == entries(*moments)


def test_a_stamped_rss_feed_is_parsed_without_dates() -> None:
    items = "".join(f"<item><link>https://n.example/{n}</link><pubDate>Sun, 01 Mar 2026 09:17:43 GMT</pubDate></item>"
                    for n in range(4))
    feed = parse_feed(f"<rss version='2.0'><channel>{items}</channel></rss>".encode(), feed_id="f",
                      feed_url="https://n.example/feed", now=NOW)
    assert [e.published_at for e in feed.entries] == [None] * 4


def test_a_feeds_gmt_date_is_the_day_in_the_zone_of_the_articles_country() -> None:
    late = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 08:30 on 1 March in Tokyo
    jp, com = "https://www.shimbun.example.jp/a", "https://news.example.com/a"
    assert best_published_date(None, late, date(2026, 2, 28), url=jp) == date(2026, 3, 1)
    assert best_published_date(None, late, date(2026, 2, 28), url=com) == date(2026, 2, 28)
    # a feed that wrote its own offset keeps its day
    assert best_published_date(None, late, date(2026, 2, 27), url=jp) == date(2026, 2, 27)


def test_a_feeds_gmt_date_is_the_day_in_the_zone_the_page_names() -> None:
    late = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    com = "https://news.example.com/a"
    assert best_published_date(None, late, date(2026, 2, 28), url=com, zone="Asia/Tokyo") == date(2026, 3, 1)
    assert best_published_date(None, late, date(2026, 2, 28), url=com, zone="Not/AZone") == date(2026, 2, 28)
    assert stored_zone(page(lang="ja"), com) == "Asia/Tokyo" and stored_zone(page(lang="en"), com) is None


def stored_zone(html: str, url: str) -> str | None:
    article = extract_article(html, url)
    assert article is not None
    return article.publisher_zone


def test_a_generic_country_domain_names_no_zone_for_a_feed() -> None:
    assert url_zone("https://tempo.co/read/1") is None and url_zone("https://x.example.de/a") is not None


# --- a whole run ------------------------------------------------------------------------------


class Dns:
    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    async def resolve(self, host: str, port: int) -> list[str]:
        with contextlib.suppress(ValueError):
            return [str(ipaddress.ip_address(host))]
        if host not in self.answers:
            raise NameResolutionError(f"cannot resolve {host}: not in the test's DNS")
        return [self.answers[host]]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    hosts = ("news.example.com", "shimbun.example.jp")
    monkeypatch.setattr(netguard, "system_resolver", Dns(dict.fromkeys(hosts, "127.0.0.1")).resolve)
    yield


def _rss(links: list[str], date_text: str | None = None) -> bytes:
    when = f"<pubDate>{date_text}</pubDate>" if date_text else ""
    items = "".join(f"<item><title>{link.rsplit('/', 1)[1]}</title><link>{link}</link>{when}</item>" for link in links)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_a_run_dates_pages_of_each_class_with_feeds_without_dates_in_gmt_and_stamped(
        tmp_path: Path, server: LocalServer, names: None) -> None:
    com, jp = f"http://news.example.com:{server.port}", f"http://shimbun.example.jp:{server.port}"
    graph = {"@graph": [{"@type": "WebPage", "datePublished": "2025-01-01T00:00:00Z"},
                        {"@type": "NewsArticle", "datePublished": "2026-03-01T10:00:00+01:00"}]}
    undated = {  # a feed without dates: the page decides
        "/2026/03/01/related": page(after=RELATED),
        "/news/updated-first": page("Updated: 4 March 2026 | Published: 1 March 2026"),
        "/news/graph": page(head=f'<script type="application/ld+json">{json.dumps(graph)}</script>'),
        "/news/relative": page("2 hours ago"),
    }
    stamped = {"/s/relative": page("3 hours ago"), "/s/nothing": page(), "/s/byline": page("1 March 2026")}
    for path, html in {**undated, **stamped}.items():
        server.add(path, Page(html.encode()))
    server.add("/jp/story", Page(page(lang="ja").encode()))
    server.add("/n/ja-story", Page(page(lang="ja").encode()))  # a Japanese paper on a .com
    server.add("/undated.xml", Page(_rss([com + path for path in undated]), "application/rss+xml"))
    render_time = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    server.add("/stamped.xml", Page(_rss([com + path for path in stamped], render_time), "application/rss+xml"))
    gmt_feed = _rss([jp + "/jp/story", com + "/n/ja-story"], "Sat, 28 Feb 2026 23:30:00 GMT")
    server.add("/jp.xml", Page(gmt_feed, "application/rss+xml"))
    modified = '<meta property="article:modified_time" content="2026-03-09T10:00:00+01:00">'
    server.add("/u/modified", Page(page(head=modified).encode()))  # a page dated only by its last update
    dated_feed = _rss([com + "/u/modified"], "Sun, 01 Mar 2026 10:00:00 +0100")
    server.add("/dated.xml", Page(dated_feed, "application/rss+xml"))
    feeds = {name: f"{com}/{name}.xml" for name in ("undated", "stamped", "jp", "dated")}
    config = load_config(write_config(tmp_path, "", feeds))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT regexp_extract(url, '/[^/]+/[^/]+$'), published_date, published_at, fetched_at FROM articles"
    rows = {row[0]: tuple(row[1:]) for row in run_read_query(Warehouse(config.warehouse_path), sql).rows}
    days = {path: values[0] for path, values in rows.items()}
    assert days["/01/related"] == days["/news/updated-first"] == days["/news/graph"] == date(2026, 3, 1)
    assert days["/jp/story"] == days["/n/ja-story"] == date(2026, 3, 1)  # 23:30 GMT: 08:30 the next morning in Tokyo
    assert days["/s/nothing"] is None  # neither the copyright year nor the feed's render time
    assert days["/s/byline"] == date(2026, 3, 1)
    assert days["/u/modified"] == date(2026, 3, 1)  # eight days after its feed item: an update's date
    for path, age in (("/news/relative", timedelta(hours=2)), ("/s/relative", timedelta(hours=3))):
        _, at, fetched = rows[path]
        assert abs(at - (fetched - age)) < timedelta(seconds=1), path
        assert days[path] == (fetched - age).astimezone(UTC).date()


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 3, 2),
                                                  timezones=st.just(UTC))), max_size=6))
def test_feed_stamps_are_dropped_all_together_or_not_at_all(moments: list[datetime | None]) -> None:
    given_entries = entries(*moments)
    kept = without_feed_stamps(given_entries, NOW)
    dated = [m for m in moments if m is not None]
    if kept != given_entries:
        assert all(e.published_at is None and e.published_date is None for e in kept)
        assert len(dated) == len(moments) >= 3
        window = timedelta(minutes=2)
        spread = max(dated) - min(dated)
        assert spread == timedelta(0) or all(abs(m - NOW) <= window for m in dated) or (
            len(dated) >= 5 and spread <= window)
    assert [(e.key, e.url) for e in kept] == [(e.key, e.url) for e in given_entries]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_no_age_or_one_within_a_month(text: str) -> None:
    age = relative_age([text])
    assert age is None or timedelta(0) <= age <= timedelta(days=31)


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 3, 1)),
       st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 3, 1)), min_size=1, max_size=4),
       st.booleans())
def test_a_related_storys_date_never_dates_the_page(own: date, others: list[date], in_url: bool) -> None:
    teasers = ('<section class="related"><ul>' + "".join(
        f'<li><a href="/o{n}">Another story {n}</a> <time datetime="{day.isoformat()}T08:00:00Z">'
        f"{day:%d %B %Y}</time></li>" for n, day in enumerate(others)) + "</ul></section>")
    url = f"https://news.example.com/{own:%Y/%m/%d}/story" if in_url else "https://news.example.com/story"
    day = stored(page(after=teasers), url)[0]
    assert day == (own if in_url else None) or (day in others and day == own)
