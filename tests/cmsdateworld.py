"""A generated world of news pages as real CMS templates write their dates, in thirteen languages, under a feed that
dates its items in the forms real feeds write or not at all (the forty-seventh pass on dates, docs/extraction.md
"Forty-seventh pass, dates"; `tests/test_dates48_world.py` serves it on 127.0.0.1 and runs it into a real
warehouse).

A story has a publisher (its language names its zone and its country's domain, `PUBLISHERS`), a publication time
(a day some days before the fetch, at an hour drawn to fall before, in or after the UTC day), maybe a later update,
and a template (`CMS`): WordPress (article metas, Yoast's JSON-LD graph, `<time class="entry-date published">`),
Drupal (its default "Sat, 12/05/2026 - 14:00", month first in every language, in the metatag module's
`article:published_time` and the node's "Submitted by"), Arc XP (`Fusion.globalContent` and metas in UTC, a printed
day), Brightspot (JSON-LD in the publisher's offset, "Published"/"Updated" lines), Ghost (metas in UTC, a `<time>`
of the local day), Next.js (only `__NEXT_DATA__`'s `publishedAt` in UTC and a printed day), Blogger (a `date-header`
above the post, an `abbr.published` in its footer), a Medium-like page (JSON-LD in UTC, "Dec 5, 2026" in English),
and a bare page that states no day. The byline prints the day with the month's name in the page's language and
script, or in figures (month first in English, day first elsewhere, year first in Japanese and Chinese). The site
is a generic host (the zone known only from a language that names one) or its country's domain (the canonical
link). The feed (RSS 2.0, JSON Feed, or Atom with `<updated>` only) writes each item's time in the publisher's offset
in one of the forms real feeds use (`FEED_FORMS`), the forty-seventh pass's among them ("+530", ISO 8601 followed by
a zone's name), or gives none. Sometimes the feed's time is a later one (`Story.feed_later`, review of the pass): a
re-publish or a modification days or months on, or on the publication day's swap ("12/02" for "02/12"), the case
that found a rule replacing a day the page states in ISO.

`expected_days` is the invariant: the publisher's day wherever the page prints it or states its time with an
offset, or the feed states it; on a page stating only a UTC time with no zone known, that UTC day too; on a page
stating nothing under a feed giving nothing, none; on a page stating nothing, a feed's later day. An update never
moves the day, nor does a feed's later date, except on a page stating its day only in slashed figures of either
order (`order_open`) under a feed's date on the swapped day: that is the feed's word on the order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

PUBLISHERS = {  # language: (zone, country domain, whether the language alone names the zone)
    "en": ("America/New_York", "us", False), "de": ("Europe/Berlin", "de", True), "fr": ("Europe/Paris", "fr", False),
    "es": ("Europe/Madrid", "es", False), "pt": ("America/Sao_Paulo", "br", False), "it": ("Europe/Rome", "it", True),
    "ru": ("Europe/Moscow", "ru", False), "ar": ("Africa/Cairo", "eg", False), "ja": ("Asia/Tokyo", "jp", True),
    "zh": ("Asia/Shanghai", "cn", True), "hi": ("Asia/Kolkata", "in", True), "tr": ("Europe/Istanbul", "tr", True),
    "id": ("Asia/Jakarta", "id", True),
}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
    "hi": "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",  # noqa: RUF001 (Turkish dotless i)
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
}
CMS = ("wordpress", "drupal", "arc", "brightspot", "ghost", "nextjs", "blogger", "medium", "bare")
UTC_ONLY = ("arc", "nextjs", "medium")
"""Templates whose machine-readable time is in UTC only (a printed day beside it)."""
FEED_FORMS = ("none", "rfc822", "compact", "iso_name", "rfc_name", "iso")
"""How the feed writes the item's time in the publisher's offset: RFC 822 "+0100", the same with no leading zero
("+100", "+530", "-500"), ISO 8601 followed by the zone's name ("2026-12-05T14:00:00 CET"), RFC 822 with the
name ("… 14:00:00 JST"), ISO 8601 with its offset; or not at all."""
ZONE_NAMES = {"Europe/Istanbul": "TRT", "America/Sao_Paulo": "BRT"}  # zoneinfo calls them "+03" and "-03"
HOURS = (1, 13, 23)
SWAP = 0
"""`Story.feed_later`: the feed's time is on the publication day with its day and month swapped."""
TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item "
                f"{n} gives the city's parks more money than last year.</p>" for n in range(5))


@dataclass(frozen=True)
class Story:
    lang: str
    cms: str
    hour: int
    days_ago: int
    update_hours: int | None
    site: str  # "generic" | "country"
    numeric: bool  # the byline prints the day in figures
    feed_form: str
    feed_later: int | None = None  # the feed's time is this many days later (SWAP: on the swapped day), if past

    def zone(self) -> ZoneInfo:
        return ZoneInfo(PUBLISHERS[self.lang][0])

    def published(self, now: datetime) -> datetime:
        local_today = now.astimezone(self.zone()).date()
        day = local_today - timedelta(days=self.days_ago)
        return datetime(day.year, day.month, day.day, self.hour, 7, tzinfo=self.zone())

    def updated(self, now: datetime) -> datetime | None:
        if self.update_hours is None:
            return None
        moment = self.published(now) + timedelta(hours=self.update_hours)
        return moment if moment < now - timedelta(hours=1) else None

    def feed_moment(self, now: datetime) -> datetime:
        """The time the feed gives: the publication's, or a later one before the fetch (a re-publish, a change)."""
        at = self.published(now)
        if self.feed_later is None:
            return at
        later = (at.replace(month=at.day, day=at.month) if at.day <= 12 else at) if self.feed_later == SWAP \
            else at + timedelta(days=self.feed_later)
        return later if at.date() < later.date() and later < now - timedelta(hours=1) else at

    def zone_known(self) -> bool:
        """Whether the page names its zone: its country's domain, or a language of one zone."""
        return self.site == "country" or PUBLISHERS[self.lang][2]


@dataclass(frozen=True)
class World:
    format: str  # "rss" | "json"
    stories: tuple[Story, ...]


def stories() -> st.SearchStrategy[Story]:
    return st.builds(Story, lang=st.sampled_from(tuple(PUBLISHERS)), cms=st.sampled_from(CMS),
                     hour=st.sampled_from(HOURS), days_ago=st.integers(1, 8) | st.integers(9, 330),
                     update_hours=st.none() | st.integers(1, 60), site=st.sampled_from(("generic", "country")),
                     numeric=st.booleans(), feed_form=st.sampled_from(FEED_FORMS),
                     feed_later=st.none() | st.none() | st.just(SWAP) | st.integers(1, 120))


def worlds() -> st.SearchStrategy[World]:
    return st.builds(World, format=st.sampled_from(("rss", "json", "atom")),
                     stories=st.lists(stories(), min_size=1, max_size=6).map(tuple))


# --- the pages ------------------------------------------------------------------------------------------------


def printed(day: date, lang: str, numeric: bool) -> str:
    """The day as a byline prints it in `lang`: the month's name, or figures in the language's order."""
    if numeric:
        return {"en": f"{day:%m/%d/%Y}", "ja": f"{day:%Y/%m/%d}", "zh": f"{day:%Y/%m/%d}",
                "de": f"{day:%d.%m.%Y}", "ru": f"{day:%d.%m.%Y}", "tr": f"{day:%d.%m.%Y}"}.get(lang, f"{day:%d/%m/%Y}")
    if lang in ("ja", "zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    month = MONTHS[lang].split()[day.month - 1]
    return {"en": f"{month} {day.day}, {day.year}", "de": f"{day.day}. {month} {day.year}",
            "es": f"{day.day} de {month} de {day.year}", "pt": f"{day.day} de {month} de {day.year}"}.get(
        lang, f"{day.day} {month} {day.year}")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _ld(**dates: str) -> str:
    graph = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, **dates}
    return f'<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>'


def _meta(name: str, value: str | None) -> str:
    return f'<meta property="article:{name}" content="{value}">' if value else ""


def _drupal(moment: datetime) -> str:
    return f"{moment:%a, %m/%d/%Y - %H:%M}"  # Drupal's default "medium" format, month first whatever the language


def template(story: Story, now: datetime) -> tuple[str, str]:
    """(head, body) of the story's page in its CMS's template."""
    at, upd = story.published(now), story.updated(now)
    shown = printed(at.date(), story.lang, story.numeric)
    shown_upd = printed(upd.date(), story.lang, story.numeric) if upd else ""
    upd_iso = upd.isoformat() if upd else None
    body = f'<div class="entry-content">{STORY}</div>'
    if story.cms == "wordpress":
        dates = {"datePublished": at.isoformat(), **({"dateModified": upd_iso} if upd_iso else {})}
        head = _meta("published_time", at.isoformat()) + _meta("modified_time", upd_iso) + _ld(**dates)
        updated = f'<time class="updated" datetime="{upd_iso}">{shown_upd}</time>' if upd else ""
        byline = (f'<div class="entry-meta"><span class="posted-on"><a href="#" rel="bookmark"><time class="entry-date '
                  f'published" datetime="{at.isoformat()}">{shown}</time>{updated}</a></span><span class="byline"> '
                  f'<span class="author vcard">A. Writer</span></span></div>')
        return head, f'<header class="entry-header"><h1 class="entry-title">{TITLE}</h1>{byline}</header>{body}'
    if story.cms == "drupal":
        head = _meta("published_time", _drupal(at)) + _meta("modified_time", _drupal(upd) if upd else None)
        byline = (f'<div class="node__meta"><span>Submitted by <span class="field--name-uid">writer</span> on '
                  f'<span class="field--name-created">{_drupal(at)}</span></span></div>')
        return head, f"<h1>{TITLE}</h1>{byline}{body}"
    if story.cms == "arc":
        content = {"display_date": _utc(at), "first_publish_date": _utc(at),
                   **({"last_updated_date": _utc(upd)} if upd else {})}
        head = (_meta("published_time", _utc(at)) + _meta("modified_time", _utc(upd) if upd else None)
                + f'<script id="fusion-metadata" type="application/javascript">window.Fusion=window.Fusion||{{}};'
                  f"Fusion.globalContent={json.dumps(content)};</script>")
        byline = (f'<div class="b-byline">By A. Writer</div><div class="b-date"><time datetime="{_utc(at)}">{shown}'
                  "</time></div>")
        return head, f"<h1>{TITLE}</h1>{byline}{body}"
    if story.cms == "brightspot":
        head = _ld(datePublished=at.isoformat(), **({"dateModified": upd_iso} if upd_iso else {}))
        updated = f'<div class="ArticlePage-dateModified">Updated {shown_upd}</div>' if upd else ""
        byline = f'<div class="ArticlePage-datePublished">Published {shown}</div>{updated}'
        return head, f'<h1 class="ArticlePage-headline">{TITLE}</h1>{byline}{body}'
    if story.cms == "ghost":
        head = _meta("published_time", _utc(at)) + _meta("modified_time", _utc(upd) if upd else None)
        byline = (f'<div class="gh-article-meta"><time class="gh-article-date" datetime="{at.date()}">{shown}</time>'
                  "</div>")
        return head, f'<h1 class="gh-article-title">{TITLE}</h1>{byline}{body}'
    if story.cms == "nextjs":
        article = {"title": TITLE, "publishedAt": _utc(at), **({"updatedAt": _utc(upd)} if upd else {})}
        data = {"props": {"pageProps": {"article": article}}, "page": "/[slug]"}
        head = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
        return "", f'<h1>{TITLE}</h1><p class="meta"><span>A. Writer</span> · <span>{shown}</span></p>{body}{head}'
    if story.cms == "blogger":
        footer = (f'<div class="post-footer">Posted by A. Writer at <abbr class="published" itemprop="datePublished" '
                  f'title="{at.isoformat(timespec="milliseconds")}">{at:%H:%M}</abbr></div>')
        return "", (f'<h2 class="date-header"><span>{shown}</span></h2><div class="post hentry"><h3 class="post-title">'
                    f'{TITLE}</h3><div class="post-body">{STORY}</div>{footer}</div>')
    if story.cms == "medium":
        head = _ld(datePublished=_utc(at), **({"dateModified": _utc(upd)} if upd else {}))
        byline = (f'<div><span>A. Writer</span> · <span data-testid="storyPublishDate">{at:%b} {at.day}, {at.year}'
                  "</span></div>")
        return head, f"<h1>{TITLE}</h1>{byline}{body}"
    return "", f"<h1>{TITLE}</h1>{body}"  # bare: no day anywhere


def page_html(story: Story, now: datetime, index: int) -> bytes:
    head, body = template(story, now)
    if story.site == "country":
        head += f'<link rel="canonical" href="https://www.publisher.{PUBLISHERS[story.lang][1]}/story-{index}">'
    return (f'<html lang="{story.lang}"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head><body>'
            f"<article>{body}</article></body></html>").encode()


# --- the feed -------------------------------------------------------------------------------------------------


def zone_name(moment: datetime) -> str:
    name = moment.tzname() or ""
    return ZONE_NAMES.get(str(moment.tzinfo), name)


def item_date(story: Story, now: datetime) -> str | None:
    at = story.feed_moment(now)
    rfc = f"{at:%a, %d %b %Y %H:%M:%S}"
    offset = at.strftime("%z")
    compact = f"{offset[0]}{int(offset[1:3])}{offset[3:]}"  # "+530", "-500", "+100"
    return {"none": None, "rfc822": f"{rfc} {offset}", "compact": f"{rfc} {compact}",
            "iso_name": f"{at.replace(tzinfo=None).isoformat()} {zone_name(at)}", "rfc_name": f"{rfc} {zone_name(at)}",
            "iso": at.isoformat()}[story.feed_form]


def feed_body(world: World, base_url: str, prefix: str, now: datetime) -> tuple[bytes, str]:
    items = [(f"{base_url}{prefix}/story-{i}", item_date(s, now)) for i, s in enumerate(world.stories)]
    if world.format == "atom":  # `<updated>` only, as many Atom feeds date their entries
        atom = "".join(f'<entry><title>Story {i}</title><id>{url}</id><link href="{url}"/>'
                       + ("" if d is None else f"<updated>{d}</updated>") + "</entry>"
                       for i, (url, d) in enumerate(items))
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>'
                f"<id>{base_url}{prefix}/feed</id>{atom}</feed>").encode(), "application/atom+xml"
    if world.format == "json":
        entries = [{"id": url, "url": url, "title": f"Story {i}", "content_text": "A story.",
                    **({} if d is None else {"date_published": d})} for i, (url, d) in enumerate(items)]
        document = {"version": "https://jsonfeed.org/version/1.1", "title": "World", "items": entries}
        return json.dumps(document).encode(), "application/feed+json"
    rss = "".join(f"<item><title>Story {i}</title><link>{url}</link><guid>{url}</guid>"
                  + ("" if d is None else f"<pubDate>{d}</pubDate>") + "</item>" for i, (url, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>World</title>{rss}'
            f"</channel></rss>").encode(), "application/rss+xml"


# --- the invariant --------------------------------------------------------------------------------------------


def expected_days(story: Story, now: datetime) -> frozenset[date | None]:
    """The days the stored `published_date` may take (module docstring)."""
    at, feed_at = story.published(now), story.feed_moment(now)
    if story.cms == "bare":
        return frozenset({None} if story.feed_form == "none" else {feed_at.date()})
    no_publication = story.feed_form == "none" or feed_at != at  # the feed gives no publication time
    if feed_at.date() == swapped(at.date()) != at.date() and order_open(story, now):
        return frozenset({at.date(), swapped(at.date())})  # the feed's word on the order of "03/05/2026"
    if story.cms in UTC_ONLY and no_publication and not story.zone_known():
        return frozenset({at.date(), at.astimezone(UTC).date()})
    return frozenset({at.date()})


def order_open(story: Story, now: datetime) -> bool:
    """Whether the page states its day only in slashed figures of either order (`numericorder.order_open`): Drupal's
    month-first "12/05/2026", or a slashed byline beside a UTC time of another day (Arc XP, Next.js)."""
    at = story.published(now)
    slashed = story.numeric and story.lang not in ("de", "ru", "tr", "ja", "zh")
    other_utc_day = story.cms in ("arc", "nextjs") and at.astimezone(UTC).date() != at.date()
    return story.cms == "drupal" or (slashed and other_utc_day)


def swapped(day: date) -> date:
    """The day read in the other order of its day and month, where both could be a month; else the day."""
    return date(day.year, day.day, day.month) if day.day <= 12 else day
