"""Which publication date an article keeps: its page's, or its feed item's.

The page's date (`newsflow.dates`, the publisher's day in `published_date`) comes first; the feed's
refines a bare day with its time, stands in when the page has none, and wins when the page's date is
more than `LATER_THAN_FEED` after it (an update's), or when only an image's URL gives the page's day (or a
loaded file's: forty-ninth pass) (`ExtractedArticle.published_by_image`: a photo's or asset's day, an archive photo's
older, fourteenth pass), or only the page's modification (`published_by_update`: "Updated 12 March 2026" or a
`dateModified` and no publication date; seventeenth pass) unless the feed's day is after a modification the page
prints, or its stamp after the fetch (`_after_the_update`, thirty-fourth pass and review). A page dated only "2 hours
ago" (`ExtractedArticle.published_ago`) is dated by the fetch time less that age when the feed gives no
date, or a date later than the age allows (`_younger_than_the_age`: the feed's build time, thirty-third pass); one
dated only "Mar 1" (`published_month_day`), in the year that puts it on or before the fetch, when the feed gives no
date or one on a later day (`_before_the_feeds_day`, thirty-third pass). A kicker's day the page gives beside its age
(`kickerdates.kicker_age`, twenty-third pass) is dropped when it is after the age's day (a bar's today printed
above the story) or long before it (review: an event's day). A feed date on its UTC day is the publisher's day in
the zone its page names, else the zone of the article URL's country (`localtime.url_zone`).

The order of evidence on the publisher's day (forty-fifth pass): a day the page prints or states in an offset of its
own; a page's UTC time in a zone the page prints or in its country's one zone; the offset the feed writes its own
items in; a zone only guessed (the page's language's, a several-zone country's: `zone_beside_the_feed`); UTC. A feed
date written with no zone keeps its written day, its wall clock placed in the page's zone (`placed_feed_date`).
Pure: the standard library and `newsflow.localtime`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from newsflow.localtime import SEVERAL_ZONES, url_zone
from newsflow.models import ExtractedArticle
from newsflow.yearless import AHEAD, in_the_fetch_year

SAME_INSTANT = timedelta(minutes=1)
"""A page time this close to the feed's dates the same publication (feeds and pages round seconds apart)."""
LATER_THAN_FEED = timedelta(days=2)
"""A page date this much after its feed item's is an update's: the feed's date is the publication."""


def article_dates(
    page: ExtractedArticle, feed_at: datetime | None, feed_day: date | None, fetched_at: datetime, url: str, *,
    feed_zone_given: str | None = None, entry_url: str | None = None,
) -> tuple[datetime | None, date | None]:
    """The article's `published_at` and `published_date`, from its page and its feed item (module
    docstring). `feed_zone_given` is how the feed wrote its date's zone (`FeedEntry.published_zone_given`), and
    `entry_url` the item's URL, whose country's zone placed a date written with none (`feedentries.placed`)."""
    feed_at = placed_feed_date(feed_at, feed_zone_given, entry_url or url, url, page.publisher_zone)
    ago = page.published_ago
    if page.published_at is not None and ago is not None and _off_the_age(page, ago, fetched_at):
        page = replace(page, published_at=None, published_date=None)  # a bar's today above the story (23rd pass)
    if page.published_at is None and page.published_ago is not None and (
            feed_at is None or _younger_than_the_age(feed_at, page.published_ago, fetched_at)):
        feed_at, feed_day, feed_zone_given = fetched_at - page.published_ago, None, None  # "2 hours ago"
    zone = zone_beside_the_feed(page, feed_at, feed_day, feed_zone_given)
    month_day = page.published_month_day
    if page.published_at is None and month_day is not None and feed_at is None:
        day = in_the_fetch_year(month_day, fetched_at.astimezone(UTC).date())  # "Mar 1"
        return (datetime(day.year, day.month, day.day, tzinfo=UTC), day) if day is not None else (None, None)
    if page.published_at is None and month_day is not None and feed_at is not None and (day := _before_the_feeds_day(
            month_day, feed_at, feed_day, url, zone, fetched_at)) is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC), day
    page_at, page_day = page.published_at, page.published_date
    weak = page.published_by_image or (page.published_by_update  # a photo's or asset's day, or the page's modification
                                       and not _after_the_update(page, feed_at, feed_day, url, zone, fetched_at))
    if _after_the_feed(page_at, feed_at) or (weak and feed_at is not None):
        page_at, page_day = None, None  # an update's date, only a photo's or asset's day, or a modification: the feed's
    if page.published_order_open and _swapped(page_day, feed_day):
        page_at, page_day = None, None  # "12/02/2026" read day first where the feed says 2 December (47th pass)
    return (best_published_at(page_at, feed_at, feed_day, url=url, zone=zone),
            best_published_date(page_day, feed_at, feed_day, page_at=page_at, url=url, zone=zone,
                                page_offset_given=page.published_offset_given,
                                zone_guess=page.publisher_zone if zone != page.publisher_zone else None))


def _swapped(page_day: date | None, feed_day: date | None) -> bool:
    """Whether the page's day is the feed's with day and month swapped (forty-seventh pass): a slashed date both of
    whose numbers could be the month ("12/02/2026"), read in the other order than the publisher's where nothing on
    the page decides it (an English page on a generic host; htmldate reads the day first). The feed's day says
    which. Asked only of a day whose order the page leaves open (`ExtractedArticle.published_order_open`): review, a
    day the page states in ISO or words, under a feed's later date (an Atom `<updated>`, a re-publish) on the swapped
    day, gave way to it."""
    if page_day is None or feed_day is None or page_day == feed_day or page_day.day > 12:
        return False
    return date(page_day.year, page_day.day, page_day.month) == feed_day


def placed_feed_date(feed_at: datetime | None, zone_given: str | None, entry_url: str, url: str,
                     page_zone: str | None) -> datetime | None:
    """A feed date written with no zone (`zone_given` 'none': "2026-12-05T20:00:00"), its wall clock placed again in
    the page's zone, else the article URL's country's (`localtime.url_zone`): the feed stage knew only the item URL's
    country (`feedentries.placed`), else read it as UTC. Its day, the written one, stays the publisher's: placed in the
    zone the day is then read in, the wall clock gives that day back (forty-fifth pass: a Tokyo feed's
    "2026-12-05T20:00:00", read as 20:00 UTC, was stored on the 6th, Tokyo's day of that instant). Any other date as it
    is; with no zone known, the guess stands."""
    if feed_at is None or zone_given != "none" or (zone := url_zone(url, page_zone)) is None:
        return feed_at
    wall = feed_at.astimezone(url_zone(entry_url) or UTC).replace(tzinfo=None)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def zone_beside_the_feed(page: ExtractedArticle, feed_at: datetime | None, feed_day: date | None,
                         zone_given: str | None) -> str | None:
    """The page's zone, to read the feed's date in; none where that zone is only a guess (its language's, or a
    several-zone country's: `ExtractedArticle.publisher_zone_guessed`) and the feed wrote its date in an offset of
    its own: the feed's word on its own items is the better evidence (forty-fifth pass: a Chinese-language New York
    outlet on a .com, its feed writing -05:00, was dated in Shanghai). A zone the page prints or its country's one
    zone still comes first (the forty-fourth pass: a server's offset in a feed). The article URL's country still
    names its zone (`publishers_zone`)."""
    if page.publisher_zone_guessed and feed_at is not None and _gave_an_offset(feed_at, feed_day, zone_given):
        return None
    return page.publisher_zone


def _gave_an_offset(feed_at: datetime, feed_day: date | None, zone_given: str | None) -> bool:
    """Whether the feed wrote its date in an offset other than UTC's; for an entry seen before migration 0105
    (`zone_given` None), whether its day in that offset is not its UTC day (the only sign kept)."""
    if zone_given is not None:
        return zone_given == "offset"
    return feed_day is not None and feed_day != feed_at.astimezone(UTC).date()


def _before_the_feeds_day(month_day: tuple[int, int], feed_at: datetime, feed_day: date | None, url: str,
                          zone: str | None, fetched_at: datetime) -> date | None:
    """The printed month and day, in the year nearest the feed item's date, when before that date's day in the
    publisher's zone (or up to `AHEAD` after: the publisher's zone ahead of the feed's UTC day): the feed's is then
    its build's or the item's change (thirty-third pass: a feed rebuilt this morning stamped a page printing "Dec 2"
    with today), and the reader's day is the printed one. A printed day after the feed's is no build's story and the
    feed's day stands (review: "Dec 20" under a feed's 2 December, fetched on the 5th, was stored as 20 December of
    the year before). A feed's day after the fetch's counts as the fetch's (review: a bogus 2099 put "Dec 2" in
    2098)."""
    feed_local = min(publishers_feed_day(feed_at, feed_day, url, zone), fetched_at.astimezone(UTC).date() + AHEAD)
    printed = in_the_fetch_year(month_day, feed_local + _HALF_A_YEAR)  # the nearest: within half a year either way
    return printed if printed is not None and printed != feed_local and printed <= feed_local + AHEAD else None


_HALF_A_YEAR = timedelta(days=182)


def _younger_than_the_age(feed_at: datetime, age: timedelta, fetched_at: datetime) -> bool:
    """Whether the feed item's date is later than any publication the page's age allows: an age is rounded to its
    unit, up or down ("3 days ago" from 2.5 days, moment.js's way; "less than an hour ago" reads as an hour; a day is
    a calendar day in the publisher's zone, "Yesterday at 18:45"), and a cached page's is younger than the story, so
    only a feed date after the fetch less the age and a whole unit is the time the feed was built or the item changed,
    not the story's (thirty-third pass: a feed rebuilt this morning stamped a page of "3 days ago" with today; review:
    half a unit put a story of 00:10 under "less than an hour ago" on the evening before, and a Tokyo page's
    "Yesterday" fetched after its midnight on the UTC day before the feed's)."""
    unit = next((unit for unit in _AGE_UNITS if age % unit == timedelta(0)), timedelta(minutes=1))
    return feed_at > fetched_at - age + unit


_AGE_UNITS = (timedelta(days=1), timedelta(hours=1))


def _off_the_age(page: ExtractedArticle, age: timedelta, fetched_at: datetime) -> bool:
    """Whether a kicker's day the page gives beside its age (`kickerdates.kicker_age`) is after the day the age
    names, or before the earliest day it allows, in the publisher's zone when known: an age counts down, so the
    story was published on that day or before, and a later day printed above it is a bar's today, not its kicker
    (twenty-third pass). Review: "2 days ago" is 2 to 3 days, an age in a unit as long as itself at most, so a day
    before twice the age (and a day for the zone) is a topic's or an event's day in the kicker ("Brexit · 31
    January 2020", "Wahl am 23. Februar 2025"), and the age dates the page, as it did before the pass."""
    zone = url_zone(None, page.publisher_zone) or UTC
    latest = (fetched_at - age).astimezone(zone).date()
    earliest = (fetched_at - 2 * age).astimezone(zone).date() - timedelta(days=1)
    if page.published_by_update:  # review: a story is not younger than its update, so a younger age is another's
        earliest = date.min  # (twenty-seventh pass: only an update after the day the age names gives way to it)
    return page.published_date is not None and not earliest <= page.published_date <= latest


def _after_the_update(page: ExtractedArticle, feed_at: datetime | None, feed_day: date | None, url: str,
                      zone: str | None, fetched_at: datetime) -> bool:
    """Whether the feed item's date is on a later publisher's day than the page's modification: a publication comes
    before any modification, so such a feed date is the feed's build or a clock ahead, and the modification's day,
    the only one the page prints, is the reader's (thirty-fourth pass, generated: a feed stamped 12 hours past the
    fetch, or rebuilt days after the page's "Updated" line, gave the page the feed's day). Days, not instants: a
    feed's time later on the modification's own day is the publication still (a day-only modification's midnight).
    Review: a timed modification is compared by instants too, as its day may be its UTC day ("22:00 Z" on the 11th)
    while the feed's is in its own offset ("05:00 +09:00" on the 12th, two hours before): that feed date can be the
    publication, and its offset's day is the publisher's. And only a modification the page prints counts, or a feed
    stamp past the fetch: one in metadata alone is often older than the publication (a post scheduled ahead keeps
    the time it was last edited: WordPress, Yoast, Rank Math), and a reader sees no day there but the feed's."""
    if feed_at is None or page.published_date is None or page.published_at is None:
        return False
    if not page.update_printed and feed_at <= fetched_at:
        return False
    timed = page.published_at.astimezone(UTC).time() != dt_time(0)
    return ((not timed or feed_at > page.published_at)
            and publishers_feed_day(feed_at, feed_day, url, zone) > page.published_date)


def _after_the_feed(page: datetime | None, feed: datetime | None) -> bool:
    """Whether the page's date is more than `LATER_THAN_FEED` after the feed item's: the page shows
    an update (or its modified time), since the feed listed the story as published before."""
    return page is not None and feed is not None and page > feed + LATER_THAN_FEED


def best_published_at(
    page: datetime | None, feed: datetime | None, feed_day: date | None = None, *,
    url: str | None = None, zone: str | None = None,
) -> datetime | None:
    """The page's date, unless it is a bare day (midnight UTC) that the feed's date refines.

    htmldate often finds only the day, from the URL or for pages dated today; the feed usually
    has the time, and latency figures depend on it. The bare day is the publisher's, so it is
    matched against the feed's local day (`feed_day`) and its UTC day, or (eleventh pass), when the
    publisher's zone is known (`publishers_zone`), against its day there only: a page printing
    "March 4, 2026 01:30 AM IST" under a feed's 20:00 GMT on the 3rd is the feed's instant, and a
    .jp page's bare 3rd under a feed's 16:00 GMT on the 3rd (01:00 on the 4th in Tokyo) keeps its day.
    """
    if page is None:
        return feed
    if feed is None or page.time() != dt_time(0):
        return page
    local_zone = publishers_zone(feed, feed_day, url, zone)
    feed_days = ({feed.astimezone(local_zone).date()} if local_zone is not None
                 else {feed.astimezone(UTC).date(), feed_day})
    return feed if page.date() in feed_days else page


def publishers_zone(feed: datetime, feed_day: date | None, url: str | None, zone: str | None) -> ZoneInfo | None:
    """The zone that says the publisher's day of a feed date on its UTC day (no offset of its own):
    the page's, else the article URL's country's (`localtime.url_zone`); None when the feed gave
    another offset or no zone is known."""
    utc_day = feed.astimezone(UTC).date()
    return url_zone(url, zone) if feed_day is None or feed_day == utc_day else None


def publishers_feed_day(feed: datetime, feed_day: date | None, url: str | None, zone: str | None) -> date:
    """The feed's date as the publisher's day: its day in the offset the feed gave (`feed_day`),
    else, for a feed date on its UTC day, its day in the zone of the article URL's country or of
    the page (`publishers_zone`), else its UTC day."""
    local_zone = publishers_zone(feed, feed_day, url, zone)
    if local_zone is not None:
        return feed.astimezone(local_zone).date()
    return feed_day if feed_day is not None else feed.astimezone(UTC).date()


def best_published_date(
    page: date | None,
    feed: datetime | None,
    feed_day: date | None = None,
    *,
    page_at: datetime | None = None,
    url: str | None = None,
    zone: str | None = None,
    page_offset_given: bool = False,
    zone_guess: str | None = None,
) -> date | None:
    """The page's publication day (the publisher's local day), else the feed's: its day in the
    offset the feed gave (`feed_day`, `entries.published_date`), else its UTC day; a feed date
    on its UTC day is taken to the zone of the country the article's `url` names, when that has
    one, or to the page's own `zone` (`localtime.url_zone`: a .jp site's feed writing 23:30 GMT
    means the next morning in Tokyo; so does a Japanese page's on a .com).

    When the page dates the same instant as the feed (within `SAME_INSTANT`) but only in UTC (its
    day is the UTC day of `page_at`), the feed's offset says the publisher's day: a .com page
    saying 01:06 Z, a feed saying 20:06 -0500 the evening before. Not when the page gave its time in an offset of
    its own (`page_offset_given`), nor when a zone known for the page says its day is the publisher's already: the
    feed's other offset is then its server's (forty-fourth pass, generated: a feed writing a New York page's 16:45
    -05:00 as 06:45 +09:00 stored the next day). A page's day that is its UTC time's day in a zone only guessed
    (`zone_guess`: its language's, or a several-zone country's, given where the feed wrote an offset of its own) is no
    word of the page's either: the feed's offset says the day (forty-fifth pass).
    """
    if feed is None:
        return page
    feed_local = publishers_feed_day(feed, feed_day, url, zone)
    if page is None:
        return feed_local
    if (page_at is not None and not page_offset_given and abs(page_at - feed) <= SAME_INSTANT
            and (_utc_day_of_a_time(page, page_at, url, zone) or _guessed_day(page, page_at, zone_guess))):
        return feed_local
    return page


def _utc_day_of_a_time(day: date, moment: datetime, url: str | None, zone: str | None) -> bool:
    """Whether the page's day is the UTC day of its time, and no known zone says it is the publisher's day too:
    where the page's zone or its URL's country names one, the page's day is already the publisher's, and a feed
    giving the same instant in another offset writes its server's zone (forty-fourth pass: a Japanese page's 03:00 Z,
    noon in Tokyo, stored the day before from a feed's 22:00 -05:00)."""
    utc = moment.astimezone(UTC)
    if utc.time() == dt_time(0) or day != utc.date():
        return False
    known = url_zone(url, zone)
    if known is None or _guessed_from_the_domain(known, url):
        return True
    return moment.astimezone(known).date() != day


def _guessed_day(day: date, moment: datetime, zone_guess: str | None) -> bool:
    """Whether the page's day is its time's day in a zone only guessed for it (`best_published_date`)."""
    if zone_guess is None or (zone := url_zone(None, zone_guess)) is None:
        return False
    return moment.astimezone(UTC).time() != dt_time(0) and moment.astimezone(zone).date() == day


def _guessed_from_the_domain(known: ZoneInfo, url: str | None) -> bool:
    """Whether the page's zone is only its domain's country of several zones, put in its biggest newsroom's zone by
    guess: a regional outlet's feed writing its own offset (oren.ru's +0600 in Orenburg, where .ru names Moscow: the
    catalogue's real feeds) is then the better word on its day (the lead, after the review). A zone the page prints
    (an "ET" after its time) is no guess."""
    from_domain = url_zone(url)
    return known.key in _SEVERAL and from_domain is not None and from_domain.key == known.key


_SEVERAL = frozenset(SEVERAL_ZONES.values())
