# ruff: noqa: RUF001  (fullwidth punctuation and letters of other scripts are the pages' own)
"""The eleventh pass's batch of hand-written class pages (docs/extraction.md, "Eleventh date pass"):
how publishers' CMS templates around the world print a publication date (WordPress, Drupal, Arc XP,
Brightspot, Naver and Daum, Sina, Sohu and 163, Yahoo Japan, Globo, Clarín, Times of India, Al Jazeera,
Hürriyet, RIA, Gazeta, Onet, Index.hu, Kompas and Detik, VnExpress, Dawn and Jang, Prothom Alo, Nation
Africa, Punch, News24), URL date patterns, JSON-LD, microdata and meta variants, `<time>` elements,
update and publication ordering, and time zones near midnight.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes12.py and the probe
`python -m tests.date_batch12 probe` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch10 import COM, ld, ldj, meta
from tests.test_date_classes import STORY, TITLE, page

JAN_27 = date(2026, 1, 27)  # a Tuesday; every update below is on the 28th or later


def shell(body: str, lang: str = "en", head: str = "", story: str = STORY) -> str:
    """A page whose article begins with the CMS's own date markup (`body`), before the story."""
    return (f'<html lang="{lang}"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head><body>'
            f'<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header><main><article>'
            f"<h1>{TITLE}</h1>{body}{story}</article></main><footer>© 2026 Example</footer></body></html>")


# --- 1. CMS templates -----------------------------------------------------------------------------
CMS: list[tuple[str, str, str, date | None]] = [
    ("wp-entry-date-and-updated", shell(
        '<div class="entry-meta"><span class="posted-on">Posted on <a href="/story" rel="bookmark">'
        '<time class="entry-date published" datetime="2026-01-27T09:15:00+00:00">January 27, 2026</time>'
        '<time class="updated" datetime="2026-02-03T11:00:00+00:00">February 3, 2026</time></a></span>'
        '<span class="byline"> by <span class="author vcard">A. Writer</span></span></div>'), COM, JAN_27),
    ("wp-updated-markup-first", shell(
        '<div class="entry-meta"><time class="updated" datetime="2026-02-03T11:00:00+00:00">February 3, 2026'
        '</time> <time class="entry-date published" datetime="2026-01-27T09:15:00+00:00">January 27, 2026</time>'
        "</div>"), COM, JAN_27),
    ("wp-yoast-graph", page(head=ldj({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example"},
        {"@type": "WebPage", "datePublished": "2026-01-27T09:15:00+00:00", "dateModified": "2026-02-03T11:00:00+00:00"},
        {"@type": "ImageObject", "uploadDate": "2025-12-30T08:00:00+00:00"},
        {"@type": "Article", "datePublished": "2026-01-27T09:15:00+00:00",
         "dateModified": "2026-02-03T11:00:00+00:00"}]})), COM, JAN_27),
    ("wp-modified-meta-only-later", page("January 27, 2026", head=meta("article:modified_time",
                                                                     "2026-02-03T11:00:00+00:00")), COM, JAN_27),
    ("drupal-submitted-us", shell(
        '<div class="submitted">Submitted by <span class="username">editor</span> on '
        '<span class="field--name-created">Tue, 01/27/2026 - 09:15</span></div>'), COM, JAN_27),
    ("drupal-rdfa-created", shell(
        '<span property="schema:dateCreated" content="2026-01-27T09:15:00+00:00" class="rdf-meta hidden"></span>'
        '<div class="node__meta">By A. Writer</div>'), COM, JAN_27),
    ("arc-xp-updated-published", shell(
        '<div class="display-date"><span>Updated January 28, 2026 at 10:00 a.m. EST</span>|'
        "<span>Published January 27, 2026 at 9:15 a.m. EST</span></div>",
        head=meta("article:published_time", "2026-01-27T14:15:00Z")), COM, JAN_27),
    ("arc-xp-updated-published-no-meta", shell(
        '<div class="display-date"><span>Updated January 28, 2026 at 10:00 a.m. EST</span>|'
        "<span>Published January 27, 2026 at 9:15 a.m. EST</span></div>"), COM, JAN_27),
    ("brightspot-published", shell(
        '<div class="Page-byline"><div class="Page-datePublished">Published January 27, 2026 9:15am EST</div>'
        '<div class="Page-dateModified">Updated January 28, 2026 10:00am EST</div></div>'), COM, JAN_27),
    ("brightspot-evening-est-ld-utc", shell(
        '<div class="Page-datePublished">Published January 27, 2026 11:30pm EST</div>',
        head=ld(datePublished="2026-01-28T04:30:00Z")), COM, JAN_27),
    ("naver-am-pm", shell(
        '<div class="media_end_head_info_datestamp"><div class="media_end_head_info_datestamp_bunch">'
        '<em class="media_end_head_info_datestamp_term">입력</em><span class="_ARTICLE_DATE_TIME" '
        'data-date-time="2026-01-27 09:15:00">2026.01.27. 오전 9:15</span></div>'
        '<div class="media_end_head_info_datestamp_bunch"><em>수정</em><span class="_ARTICLE_MODIFY_DATE_TIME" '
        'data-modify-date-time="2026-01-28 15:00:00">2026.01.28. 오후 3:00</span></div></div>', "ko"),
     "https://n.news.naver.com/article/001/0014000000", JAN_27),
    ("naver-text-only", page("입력 2026.01.27. 오후 11:50 수정 2026.01.28. 오전 8:00", "ko"),
     "https://n.news.naver.com/article/001/0014000001", JAN_27),
    ("daum-spaced", page("입력 2026. 1. 27. 09:15 수정 2026. 1. 28. 10:00", "ko"),
     "https://v.daum.net/v/20260127091500123", JAN_27),
    ("sina-date-span", shell('<div class="date-source"><span class="date">2026年01月27日 09:15</span>'
                             '<a class="source">新华社</a></div>', "zh-CN",
                             head=meta("article:published_time", "2026-01-27T09:15:00+08:00")),
     "https://news.sina.com.cn/c/doc-inhabcde1234567.shtml", JAN_27),
    ("sina-date-span-no-meta", shell('<div class="date-source"><span class="date">2026年01月27日 09:15</span>'
                                     '<a class="source">新华社</a></div>', "zh-CN"),
     "https://news.sina.com.cn/c/doc-inhabcde1234568.shtml", JAN_27),
    ("sohu-news-time", shell('<div class="article-info"><span class="time" id="news-time" '
                             'data-val="1769476500000">2026-01-27 09:15</span> <span>来源: 搜狐</span></div>', "zh"),
     "https://www.sohu.com/a/880000000_121000000", JAN_27),
    ("163-fullwidth-space", shell('<div class="post_info">2026-01-27 09:15:23　来源: 新华网</div>', "zh"),
     "https://www.163.com/news/article/ABCDEF1234567.html", JAN_27),
    ("yahoo-jp-dated", shell('<div class="sc-article-header"><time>2026/1/27(火) 9:15</time>配信</div>', "ja"),
     "https://news.yahoo.co.jp/articles/abcdef0123456789", JAN_27),
    ("globo-postado-atualizado", shell(
        '<p class="content-publication-data__updated">Postado em <time itemprop="datePublished" '
        'datetime="2026-01-27T12:15:00.000Z">27/01/2026 09h15</time> Atualizado há 2 horas</p>', "pt-BR"),
     "https://g1.globo.com/politica/noticia/2026/01/27/story.ghtml", JAN_27),
    ("globo-text-update-first", page("Atualizado 28/01/2026 10h00 — Postado em 27/01/2026 09h15", "pt-BR"),
     "https://g1.globo.com/sp/noticia/story.ghtml", JAN_27),
    ("clarin-actualizado-al", page("Actualizado al 28/01/2026 10:00 — 27/01/2026 9:15", "es-AR"),
     "https://www.clarin.com/politica/story_0_abc.html", JAN_27),
    ("clarin-named", page("27 de enero de 2026, 09:15", "es-AR"), "https://www.clarin.com/sociedad/story.html",
     JAN_27),
    ("toi-updated-ist-with-ld", shell('<div class="byline">TOI City Desk / Updated: Jan 28, 2026, 10:00 IST</div>',
                                      head=ld(datePublished="2026-01-27T09:15:00+05:30",
                                              dateModified="2026-01-28T10:00:00+05:30")),
     "https://timesofindia.indiatimes.com/city/delhi/story/articleshow/120000000.cms", JAN_27),
    ("toi-midnight-ist", shell('<div class="byline">TOI News Desk / Jan 27, 2026, 00:45 IST</div>',
                               head=ld(datePublished="2026-01-26T19:15:00Z")),
     "https://timesofindia.indiatimes.com/india/story/articleshow/120000001.cms", JAN_27),
    ("aljazeera-published-on", shell(
        '<div class="article-dates"><div class="date-simple"><span class="screen-reader-text">Published On '
        '27 Jan 2026</span><span aria-hidden="true">27 Jan 2026</span></div></div>'),
     "https://www.aljazeera.com/news/2026/1/27/story", JAN_27),
    ("aljazeera-ar-update-first", page("آخر تحديث: 28/1/2026 | نشر في 27/1/2026", "ar"),
     "https://www.aljazeera.net/news/2026/1/27/story", JAN_27),
    ("hurriyet-olusturulma", page("Oluşturulma Tarihi: Ocak 27, 2026 09:15", "tr"),
     "https://www.hurriyet.com.tr/gundem/story-42000000", JAN_27),
    ("hurriyet-giris-guncelleme", page("Giriş Tarihi: 27.01.2026 09:15 Güncelleme Tarihi: 28.01.2026 10:00", "tr"),
     "https://www.hurriyet.com.tr/ekonomi/story-42000001", JAN_27),
    ("hurriyet-update-first", page("Güncelleme Tarihi: 28.01.2026 10:00 - Oluşturulma Tarihi: 27.01.2026 09:15",
                                   "tr"), "https://www.hurriyet.com.tr/dunya/story-42000002", JAN_27),
    ("ria-time-first-update", page("09:15 27.01.2026 (обновлено: 10:00 28.01.2026)", "ru"),
     "https://ria.ru/20260127/story-2000000000.html", JAN_27),
    ("ria-no-url-date", page("09:15 27.01.2026 (обновлено: 10:00 28.01.2026)", "ru"),
     "https://www.example.ru/politics/story-2000000000.html", JAN_27),
    ("gazeta-ru-named", page("27 января 2026, 09:15", "ru"), "https://www.gazeta.ru/politics/news/story.shtml",
     JAN_27),
    ("gazeta-pl-aktualizacja", page("Aktualizacja: 28.01.2026 10:00 | 27.01.2026 09:15", "pl"),
     "https://wiadomosci.gazeta.pl/wiadomosci/7,114883,31000000,story.html", JAN_27),
    ("onet-utworzenia", page("Data utworzenia: 27 stycznia 2026, 09:15 Data aktualizacji: 28 stycznia 2026, 10:00",
                             "pl"), "https://wiadomosci.onet.pl/kraj/story/abc123", JAN_27),
    ("onet-aktualizacji-first", page("Data aktualizacji: 28 stycznia 2026, 10:00 Data utworzenia: 27 stycznia "
                                     "2026, 09:15", "pl"), "https://wiadomosci.onet.pl/swiat/story/abc124", JAN_27),
    ("index-hu-modositva", page("2026.01.27. 09:15 Módosítva: 2026.01.28. 10:00", "hu"),
     "https://index.hu/belfold/2026/01/27/story/", JAN_27),
    ("index-hu-modositva-first", page("Módosítva: 2026.01.28. 10:00 | Publikálva: 2026.01.27. 09:15", "hu"),
     "https://index.hu/kulfold/story/", JAN_27),
    ("kompas-dash", page("Kompas.com - 27/01/2026, 09:15 WIB", "id"),
     "https://nasional.kompas.com/read/2026/01/27/09150041/story", JAN_27),
    ("kompas-diperbarui-first", page("Diperbarui 28/01/2026, 10:00 WIB Dipublikasikan 27/01/2026, 09:15 WIB", "id"),
     "https://www.kompas.com/tren/read/story", JAN_27),
    ("detik-weekday", page("Selasa, 27 Jan 2026 09:15 WIB", "id"), "https://news.detik.com/berita/d-7800000/story",
     JAN_27),
    ("vnexpress-gmt7", page("Thứ ba, 27/1/2026, 09:15 (GMT+7)", "vi"), "https://vnexpress.net/story-4800000.html",
     JAN_27),
    ("dawn-published-updated", page("Published January 27, 2026 Updated January 28, 2026 10:00am", "en"),
     "https://www.dawn.com/news/1900000", JAN_27),
    ("jang-urdu-month", page("27 جنوری ، 2026", "ur"), "https://jang.com.pk/news/1400000", JAN_27),
    ("prothomalo-bengali-digits", page("প্রকাশ: ২৭ জানুয়ারি ২০২৬, ০৯: ১৫", "bn"),
     "https://www.prothomalo.com/bangladesh/abc123", JAN_27),
    ("prothomalo-update-first", page("আপডেট: ২৮ জানুয়ারি ২০২৬, ১০: ০০ প্রকাশ: ২৭ জানুয়ারি ২০২৬, ০৯: ১৫", "bn"),
     "https://www.prothomalo.com/world/abc124", JAN_27),
    ("nation-africa-updated-on", page("Tuesday, January 27, 2026 — updated on January 28, 2026", "en"),
     "https://nation.africa/kenya/news/story-4900000", JAN_27),
    ("punch-ordinal", page("27th January 2026", "en"), "https://punchng.com/story/", JAN_27),
    ("punch-ordinal-published", page("Published 27th January 2026", "en"), "https://punchng.com/story-2/", JAN_27),
    ("news24-published", page("Published 27 Jan 2026 09:15", "en"),
     "https://www.news24.com/news24/southafrica/news/story-20260127", JAN_27),
]

# --- 2. URL date patterns (the page states no date) -----------------------------------------------
URLS: list[tuple[str, str, str, date | None]] = [
    ("url-guardian-month-word", page(), "https://www.theguardian.com/world/2026/jan/27/story", JAN_27),
    ("url-xinhua-dash-month", page(lang="zh"), "http://www.news.cn/world/2026-01/27/c_1130000000.htm", JAN_27),
    ("url-chinadaily-yyyymm-dd", page(), "https://www.chinadaily.com.cn/a/202601/27/WS6790abcd.html", JAN_27),
    ("url-single-digit-month", page(), "https://www.example.com/news/2026/1/27/story", JAN_27),
    ("url-dashed-day", page(), "https://www.example.com/news/2026-01-27/story", JAN_27),
    ("url-compact-in-slug", page(), "https://www.example.com/news/story-20260127", JAN_27),
    ("url-ria-compact", page(lang="ru"), "https://ria.ru/20260127/story-2000000000.html", JAN_27),
]

# --- 3. JSON-LD, microdata and meta variants -----------------------------------------------------
MARKUP: list[tuple[str, str, str, date | None]] = [
    ("ld-no-offset-jp", page(head=ld(datePublished="2026-01-27T09:15:00"), lang="ja"),
     "https://www.example.co.jp/a", JAN_27),
    ("ld-published-list", page(head=ld(datePublished=["2026-01-27T09:15:00Z"])), COM, JAN_27),
    ("ld-main-entity", page(head=ldj({"@type": "WebPage", "mainEntity": {
        "@type": "NewsArticle", "datePublished": "2026-01-27T09:15:00Z"}})), COM, JAN_27),
    ("ld-date-created-only", page(head=ld(dateCreated="2026-01-27T09:15:00Z")), COM, JAN_27),
    ("ld-video-upload-earlier", page(head=ldj({"@type": "VideoObject", "uploadDate": "2026-01-20T08:00:00Z"})
                                     + ld(datePublished="2026-01-27T09:15:00Z")), COM, JAN_27),
    ("microdata-time-date-created", shell('<p class="meta">By A. Writer, <time itemprop="dateCreated" '
                                          'datetime="2026-01-27T09:15">27.01.2026</time></p>', "de"),
     "https://www.example.de/a", JAN_27),
    ("meta-publish-date-name", page(head=meta("publish-date", "2026-01-27", "name")), COM, JAN_27),
    ("meta-article-published-dotted-name", page(head=meta("article.published", "2026-01-27T09:15:00Z", "name")),
     COM, JAN_27),
    ("meta-cxense-publishtime", page(head=meta("cXenseParse:recs:publishtime", "2026-01-27T09:15:00+0100",
                                               "name")), COM, JAN_27),
    ("meta-dcterms-created", page(head=meta("dcterms.created", "2026-01-27", "name")), COM, JAN_27),
    ("meta-og-article-published", page(head=meta("og:article:published_time", "2026-01-27T09:15:00Z")), COM,
     JAN_27),
    ("meta-itemprop-date-published-head", page(head=meta("datePublished", "2026-01-27T09:15:00Z", "itemprop")), COM,
     JAN_27),
    ("time-pubdate-attr-later-modified", shell(
        '<p>Last modified <time datetime="2026-02-03">3 Feb</time>. First published '
        '<time datetime="2026-01-27T09:15:00Z" pubdate>27 January</time>.</p>'), COM, JAN_27),
    ("time-modified-first-then-published-text", shell(
        '<p class="dates"><span>Modified <time datetime="2026-02-03T11:00:00Z">February 3, 2026</time></span> '
        '<span>Published <time datetime="2026-01-27T09:15:00Z">January 27, 2026</time></span></p>'), COM, JAN_27),
]

# --- 4. time zones near midnight ------------------------------------------------------------------
ZONES: list[tuple[str, str, str, date | None]] = [
    ("ld-us-evening-local-offset", page(head=ld(datePublished="2026-01-27T23:30:00-05:00")), COM, JAN_27),
    ("ld-utc-evening-kr", page(head=ld(datePublished="2026-01-26T16:00:00Z"), lang="ko"),
     "https://www.example.co.kr/a", JAN_27),
    ("meta-utc-evening-in-printed-jst", page("2026年1月27日 1時00分", "ja",
                                             head=meta("article:published_time", "2026-01-26T16:00:00Z")),
     "https://www.example.jp/a", JAN_27),
    ("printed-de-just-after-midnight-meta-utc", page("27.01.2026, 00:30 Uhr", "de",
                                                     head=meta("article:published_time", "2026-01-26T23:30:00Z")),
     "https://www.example.de/a", JAN_27),
    ("printed-br-late-evening-ld-utc", page("27/01/2026 22h30", "pt-BR", head=ld(datePublished="2026-01-28T01:30:00Z")),
     "https://www.example.com.br/a", JAN_27),
]

PAGES = CMS + URLS + MARKUP + ZONES

# Written with the batch and left on purpose: a UTC time on a .au page stays on its UTC day
# (`newsflow.localtime`: Australia spans three zones and a Sydney paper's reference in the corpora
# gives the UTC day), so 01:30 in Sydney, 22:30 the evening before in Perth, is stored on the 26th.
# And a compact day with its time and milliseconds in a URL (Daum's): a run of 17 digits is an
# identifier (tests/test_world_dates.py, `slug-20240315123456789.htm`); Daum's pages print their date.
LEFT = [("ld-utc-late-evening-au", page(head=ld(datePublished="2026-01-26T14:30:00Z")),
         "https://www.example.com.au/a", JAN_27),
        ("url-compact-with-time", page(lang="ko"), "https://v.daum.net/v/20260127091500123", JAN_27),
        # Pashto's year-first solar date ("1404 کال د دلو 7", "the 7th of Dalw of the year 1404"): not
        # read, its forms vary too much to write a rule from one
        ("ps-af-solar", page("۱۴۰۴ کال د دلو ۷", "ps"), "https://www.example.af/2", JAN_27)]

# --- a second round, written before its rules: scripts and calendars of South and South-East Asia,
# the Maghreb and Afghanistan, numeric and short forms of Indian and American pages, more markup ----
ROUND2: list[tuple[str, str, str, date | None]] = [
    ("mr-devanagari-digits", page("२७ जानेवारी २०२६, ०९:१५", "mr"), "https://www.example.in/mr/1", JAN_27),
    ("gu-named", page("27 જાન્યુઆરી, 2026 09:15", "gu"), "https://www.example.in/gu/1", JAN_27),
    ("pa-named", page("27 ਜਨਵਰੀ 2026 09:15", "pa"), "https://www.example.in/pa/1", JAN_27),
    ("kn-named", page("27 ಜನವರಿ 2026, 09:15", "kn"), "https://www.example.in/kn/1", JAN_27),
    ("ml-named", page("27 ജനുവരി 2026, 09:15", "ml"), "https://www.example.in/ml/1", JAN_27),
    ("ta-january", page("ஜனவரி 27, 2026 09:15", "ta"), "https://www.example.in/ta/1", JAN_27),
    ("te-january", page("27 జనవరి 2026 09:15", "te"), "https://www.example.in/te/1", JAN_27),
    ("or-named", page("ଜାନୁଆରୀ 27, 2026", "or"), "https://www.example.in/or/1", JAN_27),
    ("si-ymd", page("2026 ජනවාරි 27 09:15", "si"), "https://www.example.lk/1", JAN_27),
    ("km-named", page("27 មករា 2026", "km"), "https://www.example.com.kh/1", JAN_27),
    ("my-burmese-digits", page("၂၀၂၆ ဇန်နဝါရီ ၂၇", "my"), "https://www.example.com.mm/1", JAN_27),
    ("ne-gregorian-devanagari", page("२७ जनवरी २०२६", "ne"), "https://www.example.com.np/1", JAN_27),
    ("fa-gregorian-months", page("۲۷ ژانویه ۲۰۲۶", "fa"), "https://www.example.com/persian/1", JAN_27),
    ("ar-maghreb-months", page("27 جانفي 2026 - 09:15", "ar"), "https://www.example.tn/1", JAN_27),
    ("ar-levant-months", page("27 كانون الثاني 2026", "ar"), "https://www.example.com.lb/1", JAN_27),
    ("fa-af-dari-solar", page("۷ دلو ۱۴۰۴", "fa"), "https://www.example.af/1", JAN_27),
    ("en-in-dashed-month", page("27-Jan-2026 09:15 IST", "en"), "https://www.example.gov.in/1", JAN_27),
    ("en-year-month-word-day", page("2026-Jan-27", "en"), COM, JAN_27),
    ("en-apostrophe-year", page("27 Jan '26, 09:15", "en"), "https://www.example.co.uk/1", JAN_27),
    ("de-short-dotted-unpadded", page("27.1.26, 09:15 Uhr", "de"), "https://www.example.de/1", JAN_27),
    ("ru-nominative-month", page("27 январь 2026, 09:15", "ru"), "https://www.example.kz/1", JAN_27),
    ("en-us-evening-et-meta-utc", page("Jan. 27, 2026 11:45 p.m. ET",
                                       head=meta("article:published_time", "2026-01-28T04:45:00Z")), COM, JAN_27),
    ("en-us-evening-printed-day-ld-utc", page("January 27, 2026", head=ld(datePublished="2026-01-28T03:10:00Z")),
     "https://www.example.us/1", JAN_27),
    ("meta-modified-before-published", page(head=meta("article:published_time", "2026-01-27T09:15:00+01:00")
                                            + meta("article:modified_time", "2026-01-20T08:00:00+01:00")),
     "https://www.example.fr/1", JAN_27),
    ("ld-webpage-older-date-first", page(head=ldj({"@graph": [
        {"@type": "WebPage", "datePublished": "2024-05-01T00:00:00Z"},
        {"@type": "NewsArticle", "datePublished": "2026-01-27T09:15:00Z"}]})), COM, JAN_27),
    ("url-month-only", page(), "https://www.example.com/2026/01/story", None),
    ("itemprop-span-text-modified-meta-earlier", shell(
        '<p><span itemprop="datePublished">27 January 2026</span> · <meta itemprop="dateModified" '
        'content="2026-01-20"></p>'), COM, JAN_27),
    ("en-ph-tagalog-month-first", page("Enero 27, 2026 - 9:15 AM", "tl"), "https://www.example.com.ph/1", JAN_27),
    ("ar-eg-am-pm-letter", page("الثلاثاء، 27 يناير 2026 09:15 ص", "ar"), "https://www.example.com.eg/1", JAN_27),
    ("zh-tw-minguo", page("115年1月27日 09:15", "zh-TW"), "https://www.example.com.tw/1", JAN_27),
    ("ja-reiwa", page("令和8年1月27日 9時15分", "ja"), "https://www.example.jp/r", JAN_27),
]

# --- a third round, written before its rules: the big English and European papers' bylines ----------
ROUND3: list[tuple[str, str, str, date | None]] = [
    ("cnn-time-first-update-first", page("Updated 10:00 AM EST, Wed January 28, 2026 Published 9:15 AM EST, "
                                         "Tue January 27, 2026"), COM, JAN_27),
    ("cnn-time-first-published-only", page("Published 9:15 AM EST, Tue January 27, 2026"), COM, JAN_27),
    ("nyt-abbrev-et", page("Jan. 27, 2026, 9:15 a.m. ET"), COM, JAN_27),
    ("nyt-published-updated", page("Published Jan. 27, 2026 Updated Jan. 28, 2026, 10:00 a.m. ET"), COM, JAN_27),
    ("reuters-spans", shell('<div class="info"><time datetime="2026-01-27T08:15:00Z"><span>January 27, 2026</span>'
                            '<span>9:15 AM GMT+1</span><span>Updated 1 day ago</span></time></div>'),
     "https://www.reuters.com/world/europe/story-2026-01-27/", JAN_27),
    ("ap-updated-only-with-ld", page("Updated 10:00 AM EST, January 28, 2026", head=ld(
        datePublished="2026-01-27T14:15:00Z", dateModified="2026-01-28T15:00:00Z")), COM, JAN_27),
    ("fox-published", page("Published January 27, 2026 9:15am EST"), COM, JAN_27),
    ("spiegel-dot-clock", page("27.01.2026, 09.15 Uhr", "de"), "https://www.example.de/s", JAN_27),
    ("lemonde-publie-modifie", page("Publié le 27 janvier 2026 à 09h15, modifié le 28 janvier 2026 à 10h00", "fr"),
     "https://www.example.fr/s", JAN_27),
    ("elpais-actualizado-after", page("27 ene 2026 - 09:15 CET Actualizado: 28 ene 2026 - 10:00 CET", "es"),
     "https://www.example.es/s", JAN_27),
    ("nos-aangepast", page("27 januari 2026, 09:15 Aangepast 28 januari 2026, 10:00", "nl"),
     "https://www.example.nl/s", JAN_27),
    ("nos-aangepast-first", page("Aangepast 28 januari 2026, 10:00 · Gepubliceerd 27 januari 2026, 09:15", "nl"),
     "https://www.example.nl/t", JAN_27),
    ("yle-unpadded-paivitetty", page("27.1.2026 09:15 | Päivitetty 28.1.2026 10:00", "fi"),
     "https://www.example.fi/s", JAN_27),
    ("dr-kl-opdateret-first", page("Opdateret 28. jan. 2026 kl. 10.00 · Publiceret 27. jan. 2026 kl. 09.15", "da"),
     "https://www.example.dk/s", JAN_27),
    ("svt-uppdaterad-first", page("Uppdaterad 28 januari 2026 Publicerad 27 januari 2026", "sv"),
     "https://www.example.se/s", JAN_27),
    ("nrk-oppdatert-first", page("Oppdatert 28.01.2026, kl. 10:00 Publisert 27.01.2026, kl. 09:15", "no"),
     "https://www.example.no/s", JAN_27),
    ("ansa-aggiornato-first", page("Aggiornato il 28 gennaio 2026 10:00 - Pubblicato il 27 gennaio 2026 09:15", "it"),
     "https://www.example.it/s", JAN_27),
    ("publico-pt-atualizado", page("27 de Janeiro de 2026, 9:15 Actualizado a 28 de Janeiro de 2026, 10:00", "pt"),
     "https://www.example.pt/s", JAN_27),
    ("idnes-aktualizovano-first", page("aktualizováno 28. ledna 2026 10:00 · vydáno 27. ledna 2026 9:15", "cs"),
     "https://www.example.cz/s", JAN_27),
    ("digi24-actualizat-first", page("Actualizat: 28.01.2026 10:00 · Publicat: 27.01.2026 09:15", "ro"),
     "https://www.example.ro/s", JAN_27),
    ("kathimerini-updated-first", page("Ενημερώθηκε: 28.01.2026 • 10:00 Δημοσιεύθηκε: 27.01.2026 • 09:15", "el"),
     "https://www.example.gr/s", JAN_27),
    ("ynet-updated-first", page("עודכן: 28.01.26, 10:00 פורסם: 27.01.26, 09:15", "he"),
     "https://www.example.co.il/s", JAN_27),
]

# --- written after the rules, not tuned on: the same classes on other days, in other forms -----------
NOV_9 = date(2025, 11, 9)  # a Sunday
AFTER: list[tuple[str, str, str, date | None]] = [
    ("wp-updated-first-nov", shell(
        '<p class="post-meta"><time class="updated" datetime="2025-11-20T08:00:00+01:00">20 novembre 2025</time> '
        '<time class="entry-date published" datetime="2025-11-09T08:15:00+01:00">9 novembre 2025</time></p>',
        "it"), "https://www.example.it/b", NOV_9),
    ("wp-single-updated-class", shell('<p class="post-meta">By A. Writer · <time class="updated" '
                                      'datetime="2025-11-09T08:15:00+00:00">November 9, 2025</time></p>'), COM, NOV_9),
    ("wp-modified-meta-dotted-byline", page("09.11.2025", "de", head=meta("article:modified_time",
                                                                          "2025-11-21T10:00:00+01:00")),
     "https://www.example.de/b", NOV_9),
    ("ld-modified-only-byline-earlier", page("9 November 2025", head=ld(dateModified="2025-11-21T10:00:00Z")),
     "https://www.example.co.uk/b", NOV_9),
    ("pt-atualizado-postado-ha", page("Atualizado há 3 dias — Postado em 09/11/2025 08h15", "pt-BR"),
     "https://www.example.com.br/b", NOV_9),
    ("pt-pt-atualizado-first", page("Atualizado a 21/11/2025 10:00 | Publicado a 09/11/2025 08:15", "pt-PT"),
     "https://www.example.pt/b", NOV_9),
    ("es-mx-actualizado-uncued-earlier", page("Actualizado: 21/11/2025 10:00 hrs · 09/11/2025 08:15 hrs", "es-MX"),
     "https://www.example.com.mx/b", NOV_9),
    ("en-updated-uncued-earlier", page("Updated: Nov 21, 2025 10:00 AM | Nov 9, 2025 8:15 AM", "en"), COM, NOV_9),
    ("tr-olusturulma-update-first", page("Güncellenme: 21 Kasım 2025 10:00 Oluşturulma: 09 Kasım 2025 08:15", "tr"),
     "https://www.example.com.tr/b", NOV_9),
    ("tr-giris-after-update", page("Son güncelleme: 21.11.2025 - Giriş tarihi: 09.11.2025", "tr"),
     "https://www.example.com.tr/c", NOV_9),
    ("pl-utworzenia-after-update", page("Zaktualizowano: 21.11.2025, 10:00 · Data utworzenia: 09.11.2025, 08:15",
                                        "pl"), "https://www.example.pl/b", NOV_9),
    ("hu-modositva-megjelent", page("Módosítva: 2025. november 21. 10:00 Megjelent: 2025. november 9. 08:15", "hu"),
     "https://www.example.hu/b", NOV_9),
    ("bn-haalnagad-prokash", page("হালনাগাদ: ২১ নভেম্বর ২০২৫ প্রকাশ: ০৯ নভেম্বর ২০২৫", "bn"),
     "https://www.example.com.bd/b", NOV_9),
    ("naver-pm-nov", page("입력 2025.11.09. 오후 8:15 수정 2025.11.21. 오전 10:00", "ko"),
     "https://n.news.naver.com/article/002/0002000000", NOV_9),
    ("ria-nov", page("08:15 09.11.2025 (обновлено: 10:00 21.11.2025)", "ru"),
     "https://www.example.ru/20251109/story.html", NOV_9),
    ("url-guardian-nov", page(), "https://www.theguardian.com/uk-news/2025/nov/09/story", NOV_9),
    ("url-month-word-capital", page(), "https://www.example.com/news/2025/Nov/09/story", NOV_9),
    ("url-compact-with-seconds", page(lang="es"), "https://www.example.es/sociedad/story-20251109081500-nt.html",
     NOV_9),
    ("sohu-nov", shell('<div class="article-info"><span class="time" id="news-time">2025-11-09 08:15</span></div>',
                       "zh"), "https://www.sohu.com/a/900000000_100000000", NOV_9),
    ("kompas-nov", page("Kompas.com - 09/11/2025, 08:15 WIB", "id"), "https://www.kompas.com/read/story", NOV_9),
    ("aljazeera-nov", shell('<div class="date-simple"><span class="screen-reader-text">Published On 9 Nov 2025'
                            '</span><span aria-hidden="true">9 Nov 2025</span></div>'), COM, NOV_9),
    ("punch-nov-ordinal", page("9th November 2025", "en"), "https://www.example.com.ng/b", NOV_9),
    ("ld-us-evening-nov", page(head=ld(datePublished="2025-11-09T22:45:00-05:00")), COM, NOV_9),
    # after the second round's rules
    ("fa-af-aqrab", page("۱۸ عقرب ۱۴۰۴ - ۰۸:۱۵", "fa"), "https://www.example.af/b", NOV_9),
    ("fa-af-jadi-arabic-yeh", page("18 جدي 1404", "fa"), "https://www.example.af/c", date(2026, 1, 8)),
    ("ar-dz-juillet", page("الأحد 06 جويلية 2025 - 08:15", "ar"), "https://www.example.dz/b", date(2025, 7, 6)),
    ("ar-tn-aout", page("3 أوت 2025", "ar"), "https://www.example.tn/b", date(2025, 8, 3)),
    ("ar-ma-avril", page("15 أفريل 2025 على الساعة 08:15", "ar"), "https://www.example.ma/b", date(2025, 4, 15)),
    # after the third round's rule
    ("nl-be-aangepast-first", page("Aangepast 21/11/2025 om 10:00 - Gepubliceerd 09/11/2025 om 08:15", "nl"),
     "https://www.example.be/b", NOV_9),
    ("nl-aangepast-op-after", page("zo 9 nov 2025, 08:15 · Aangepast op 21 nov 2025, 10:00", "nl"),
     "https://www.example.nl/b", NOV_9),
    ("cnn-nov", page("Updated 8:00 AM EST, Fri November 21, 2025 Published 8:15 AM EST, Sun November 9, 2025"),
     COM, NOV_9),
    ("cs-nov-first", page("aktualizováno 21. listopadu 2025 · vydáno 9. listopadu 2025", "cs"),
     "https://www.example.cz/b", NOV_9),
    ("sv-nov-first", page("Uppdaterad 21 november 2025 Publicerad 9 november 2025", "sv"), "https://www.example.se/b",
     NOV_9),
    ("it-nov-first", page("Aggiornato il 21 novembre 2025 - Pubblicato il 9 novembre 2025", "it"),
     "https://www.example.it/b", NOV_9),
]

def probe(pages: list[tuple[str, str, str, date | None]] | None = None) -> None:
    from newsflow.extract import extract_article

    right = 0
    pages = PAGES if pages is None else pages
    for name, html, url, day in pages:
        article = extract_article(html, url)
        got = article.published_date if article is not None else None
        right += got == day
        if got != day:
            print(f"MISS {name}: {got} (want {day})")
    print(f"{right} of {len(pages)} right")


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    rounds = {"after": AFTER, "round2": ROUND2, "round3": ROUND3}
    probe(next((rounds[name] for name in sys.argv[1:] if name in rounds), None))
