"""A generated world of feeds whose dates lie or say nothing, over pages that date their story or do not (the
forty-fourth pass on dates, docs/extraction.md "Forty-fourth pass, dates"). Each story has a true instant and a
publisher (English in New York, German in Berlin, Japanese in Tokyo: the page's `lang` names the zone for the last
two, `localtime.LANGUAGE_ZONES`; an English page on 127.0.0.1 names none). Its page dates it one way the page
classes read (a JSON-LD `datePublished` in the publisher's offset, in UTC or as a wall clock with no offset, a day
printed under the headline) or
not at all; its feed item dates it honestly (the true instant in the publisher's offset, in UTC, with the month's
and weekday's names in another language, or as a local time with no zone) or with a lie the catalogue counted on
real feeds (the time the feed was built, a clock ahead, the item's modification as its only date, the true
instant in another publisher's zone, a re-sent item's new date) or not at all. The feed is RSS 2.0, Atom or JSON
Feed. The world is served on 127.0.0.1 and run twice into a real warehouse, the second time under a feed rebuilt
with every item re-sent with a new date.

The forty-fifth pass drew two more things: a Chinese-language New York outlet (`zh`: its language names Shanghai, a
wrong guess its feed's own -05:00 must beat) and where a publisher's site is (`site`: on a generic host, its zone
known only from its language, or on its country's domain, named by the page's canonical link: .de and .jp name one
zone, .us only New York's by guess). A local time with no zone is now honest: its written day is the publisher's.

`expected_days` is the invariant: the stored day is the publisher's day whenever the page states it, a lying feed
date never beats it, an honest feed date dates a page that states nothing (in the publisher's zone or the offset it
wrote), and where nothing honest dates the story only a day the feed wrote may be stored, or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

LANGS = {"en": "America/New_York", "de": "Europe/Berlin", "ja": "Asia/Tokyo", "zh": "America/New_York"}
"""Each publisher's language and true zone: `zh` is a Chinese-language outlet in New York."""
LANGUAGE_GUESS = {"de": "Europe/Berlin", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai"}
"""The zone a page's language alone names (`localtime.LANGUAGE_ZONES`): right for de and ja, wrong for zh."""
SITES = ("generic", "country")
TLDS = {"en": "us", "zh": "us", "de": "de", "ja": "jp"}
COUNTRY_ZONES = {"us": ("America/New_York", True), "de": ("Europe/Berlin", False), "jp": ("Asia/Tokyo", False)}
"""A country's zone, and whether it is only a guess (the US has several: `localtime.SEVERAL_ZONES`)."""
PAGE_WAYS = ("ld_local", "ld_utc", "ld_wall", "byline", "none")
"""`ld_wall`: JSON-LD's wall clock with no offset (review F1: its printed day is the page's word, in any zone)."""
OFFSETS = ("local", "foreign")
"""Honest dates in the publisher's own offset (never UTC's in the world's zones): the feed's word on its day."""
HONEST = (*OFFSETS, "utc", "zoneless")
"""Honest dates. "zoneless", a local time with no zone, was `UNKNOWABLE` before the forty-fifth pass (read as UTC,
then moved into the publisher's zone, or not read at all): its written day is now the stored one."""
LIES = ("build", "future", "updated", "wrong_zone", "resent")
UNKNOWABLE: tuple[str, ...] = ()
FEED_FORMS = (*HONEST, *LIES, *UNKNOWABLE, "none")
ZONELESS_RSS = ("rfc822", "month_first", "slashed")
"""How an RSS item writes a local time with no zone, by the item's index: "Sat, 05 Dec 2026 20:00:00", NBC New
York's "Sat, Dec 05 2026 08:00:00 PM", a board's "2026/12/5 20:00:00" (Atom and JSON Feed: ISO 8601 with no
offset)."""
FORMATS = ("rss", "atom", "json")
OTHER_ZONE = {"en": timezone(timedelta(hours=9)), "de": timezone(timedelta(hours=-5)),
              "ja": timezone(timedelta(hours=-5)), "zh": timezone(timedelta(hours=9))}
"""A server's zone that is not the publisher's: a feed writing the true instant there lies about the day."""
TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item "
                f"{n} gives the city's parks more money than last year.</p>" for n in range(4))
MONTHS = {"de": ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"),
          "pt": ("Jan", "Fev", "Mar", "Abr", "Mai", "Jun", "Jul", "Ago", "Set", "Out", "Nov", "Dez")}
WEEKDAYS = {"de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"), "pt": ("Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom")}
PRINTED_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December")
PRINTED_MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                     "November", "Dezember")


@dataclass(frozen=True)
class Story:
    lang: str
    page_way: str
    feed_form: str
    minutes_ago: int  # the true instant, before the midnight (UTC) that began the world's day: days fall the same way
    update_hours: int  # how long after the story its modification comes (the `updated` lie)
    site: str = "generic"  # on a generic host, or on its country's domain (the page's canonical link)

    def true_at(self, now: datetime) -> datetime:
        midnight = datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), UTC)
        return midnight - timedelta(minutes=self.minutes_ago)

    def zone(self) -> ZoneInfo:
        return ZoneInfo(LANGS[self.lang])

    def day(self, now: datetime) -> date:
        """The publisher's day: the day a reader of the page names."""
        return self.true_at(now).astimezone(self.zone()).date()

    def seen_zone(self) -> tuple[ZoneInfo | None, bool]:
        """The zone newsflow can know for the page, and whether it is only a guess: its country's, else its
        language's (a guess), else none."""
        if self.site == "country":
            name, guessed = COUNTRY_ZONES[TLDS[self.lang]]
            return ZoneInfo(name), guessed
        guess = LANGUAGE_GUESS.get(self.lang)
        return (ZoneInfo(guess) if guess is not None else None), guess is not None


@dataclass(frozen=True)
class World:
    format: str
    stories: tuple[Story, ...]


def stories() -> st.SearchStrategy[Story]:
    return st.builds(Story, lang=st.sampled_from(tuple(LANGS)), page_way=st.sampled_from(PAGE_WAYS),
                     feed_form=st.sampled_from(FEED_FORMS), minutes_ago=st.integers(1, 9 * 24 * 60),
                     update_hours=st.integers(1, 72), site=st.sampled_from(SITES))


def worlds() -> st.SearchStrategy[World]:
    return st.builds(World, format=st.sampled_from(FORMATS), stories=st.lists(stories(), min_size=1, max_size=6)
                     .map(tuple))


# --- the pages ------------------------------------------------------------------------------------------------


def page_html(story: Story, now: datetime, index: int = 0) -> bytes:
    true = story.true_at(now)
    published = {"ld_local": true.astimezone(story.zone()).isoformat(),
                 "ld_utc": true.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                 "ld_wall": true.astimezone(story.zone()).replace(tzinfo=None).isoformat()}.get(story.page_way)
    graph = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE}
    head = ""
    if published is not None:
        import json

        head = f'<script type="application/ld+json">{json.dumps(graph | {"datePublished": published})}</script>'
    byline = printed_day(story.day(now), story.lang) if story.page_way == "byline" else ""
    if story.site == "country":
        head += f'<link rel="canonical" href="https://www.publisher.{TLDS[story.lang]}/story-{index}">'
    return (f'<html lang="{story.lang}"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head><body>'
            f'<article><h1>{TITLE}</h1><div class="byline"><span class="author">A. Writer</span> '
            f'<span class="when">{byline}</span></div>{STORY}</article></body></html>').encode()


def printed_day(day: date, lang: str) -> str:
    if lang == "de":
        return f"{day.day}. {PRINTED_MONTHS_DE[day.month - 1]} {day.year}"
    if lang in ("ja", "zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{PRINTED_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


# --- the feed -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDate:
    """An item's date as its feed writes it: the text, whether it is a modification only, and the instants and
    days it may be read as (the days a stored date may take from it)."""

    text: str
    modified_only: bool
    days: frozenset[date]


def item_date(story: Story, index: int, feed_format: str, now: datetime, *, resent: bool = False) -> ItemDate | None:
    true = story.true_at(now)
    form = "resent" if resent else story.feed_form
    if form == "none":
        return None
    moment = {
        "local": true.astimezone(story.zone()), "utc": true.astimezone(UTC),
        "foreign": true.astimezone(story.zone()), "zoneless": true.astimezone(story.zone()),
        "build": now - timedelta(minutes=20, seconds=7 * index),
        "future": now + timedelta(hours=12, seconds=7 * index),
        "updated": min(true + timedelta(hours=story.update_hours), now - timedelta(minutes=5, seconds=7 * index)),
        "wrong_zone": true.astimezone(OTHER_ZONE[story.lang]),
        "resent": (now - timedelta(hours=1, minutes=3 * index)).astimezone(story.zone()),
    }[form]
    text = _written(moment, form, feed_format, story.lang, index)
    seen = story.seen_zone()[0] or UTC
    days = {moment.date(), moment.astimezone(UTC).date(), moment.astimezone(story.zone()).date(),
            moment.astimezone(seen).date()}
    return ItemDate(text, form == "updated", frozenset(days))


def _written(moment: datetime, form: str, feed_format: str, lang: str, index: int) -> str:
    if feed_format != "rss":
        return moment.replace(tzinfo=None).isoformat() if form == "zoneless" else moment.isoformat()
    if form == "zoneless":
        style = ZONELESS_RSS[index % len(ZONELESS_RSS)]
        if style == "month_first":
            return f"{moment:%a}, {moment:%b} {moment.day:02d} {moment.year} {moment:%I:%M:%S %p}"
        if style == "slashed":
            return f"{moment.year}/{moment.month}/{moment.day} {moment:%H:%M:%S}"
    if form == "foreign":
        names = "de" if lang == "de" else "pt"
        offset = moment.strftime("%z")
        return (f"{WEEKDAYS[names][moment.weekday()]}, {moment.day:02d} {MONTHS[names][moment.month - 1]} "
                f"{moment.year} {moment:%H:%M:%S} {offset}")
    english = f"{moment:%a}, {moment.day:02d} {moment:%b} {moment.year} {moment:%H:%M:%S}"
    if form == "local" and index % 2:  # RFC 822 with a colon offset, "-05:00", as some feeds write (review F2)
        return f"{english} {moment.strftime('%z')[:3]}:{moment.strftime('%z')[3:]}"
    return english if form == "zoneless" else f"{english} {moment:%z}"


def feed_body(world: World, base_url: str, prefix: str, now: datetime, *, resent: bool = False) -> tuple[bytes, str]:
    items = [(f"{base_url}{prefix}/story-{i}", item_date(s, i, world.format, now, resent=resent))
             for i, s in enumerate(world.stories)]
    if world.format == "json":
        import json

        entries = [{"id": url, "url": url, "title": f"Story {i}", "content_text": "A story.",
                    **({} if d is None else {"date_modified" if d.modified_only else "date_published": d.text})}
                   for i, (url, d) in enumerate(items)]
        document = {"version": "https://jsonfeed.org/version/1.1", "title": "World", "items": entries}
        return json.dumps(document).encode(), "application/feed+json"
    if world.format == "atom":
        entries = "".join(
            f"<entry><id>{url}</id><title>Story {i}</title><link href=\"{url}\"/>"
            + ("" if d is None else f"<updated>{d.text}</updated>" if d.modified_only
               else f"<published>{d.text}</published>") + "</entry>" for i, (url, d) in enumerate(items))
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>'
                f"<id>{base_url}{prefix}</id>{entries}</feed>").encode(), "application/atom+xml"
    rss = "".join(
        f"<item><title>Story {i}</title><link>{url}</link><guid>{url}</guid>"
        + ("" if d is None else f"<dc:date>{d.text}</dc:date>" if d.modified_only else f"<pubDate>{d.text}</pubDate>")
        + "</item>" for i, (url, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>World</title>{rss}</channel></rss>").encode(), "application/rss+xml"


# --- the invariant --------------------------------------------------------------------------------------------


def expected_days(story: Story, index: int, feed_format: str, now: datetime) -> frozenset[date | None]:
    """The days the stored `published_date` may take (module docstring). The order of evidence (forty-fifth pass):
    a day the page states in its own offset or prints; a page's UTC time in its country's one zone; the offset the
    feed writes its own items in; a zone guessed (the page's language, a country of several zones); UTC. So where
    the page states its time in UTC only and its zone is a guess or unknown, its day in that zone (or UTC), or the
    day of the offset a feed gives the same instant in (even a server's wrong one), is what the page and feed say:
    no rule can tell it from the publisher's; but a feed's honest offset gives the publisher's day. Beside a zoneless
    feed date too (review F3, decided unknowable: a feed's wall clock cannot be told from its UTC written without
    "Z"). A wall clock the page prints (`ld_wall`) is its day in any zone, guessed or not (review F1)."""
    day = story.day(now)
    zone, guessed = story.seen_zone()
    read_in_the_guess = story.true_at(now).astimezone(zone or UTC).date()
    written = item_date(story, index, feed_format, now)
    if story.page_way in ("ld_local", "ld_wall", "byline") or (
            story.page_way == "ld_utc" and zone is not None and not guessed):
        return frozenset({day})
    if story.page_way == "ld_utc":
        if story.feed_form in OFFSETS:
            return frozenset({day})
        same_instant = written.days if written is not None and story.feed_form in ("utc", "wrong_zone") else set()
        return frozenset({day, read_in_the_guess, *same_instant})
    if written is None:
        return frozenset({None})
    if story.feed_form in HONEST:
        return frozenset({day, read_in_the_guess} if story.feed_form == "utc" else {day})
    return frozenset({None, *written.days})
