"""The publication time of a page: htmldate's answer (via trafilatura), checked against the
publication time the page declares.

htmldate, with `original_date=True` and extensive search, answers on every dated page of the
corpora's tune half and is right to the day on 92% of them; JSON-LD `datePublished` is on 83% of
them (right on 96% of those), the `article:published_time` meta on 53% (right on 99%)
(docs/extraction.md). Three of htmldate's mistakes are checkable against the page's first JSON-LD
`datePublished` or, on a page without one, its first published-time meta (`declareddates.published_metas`;
one in another format than ISO 8601 or RFC 2822 gives the day of an unambiguous numeric date,
"27.04.2020 18:50", or a Unix timestamp, "1772359800"), which is then the date kept:

- htmldate's date is more than `LATER_THAN_JSON_LD` after it: a modified or copyright date;
- htmldate's date is the page's JSON-LD `dateModified` (or modified-time meta) and the
  publication time is earlier;
- htmldate found a bare day (from the URL or a date-only meta) and `datePublished` gives the
  time with its UTC offset, on another day: the URL or meta dates the draft, not the publication.
  A UTC-only time counts too when the publisher's country has one zone (`newsflow.localtime`),
  compared in that zone.

htmldate's bare day (or no date at all) also gives way to a different date printed under the
headline (`newsflow.headline_date`): its extensive search can take a sidebar's date. On a page
that states no publication date where publishers put it (no JSON-LD `datePublished`, no
published-time meta), htmldate's date with a time gives way to the `<time datetime>` of the
byline under the headline when that is another day: htmldate then read a date from an
analytics or CMS meta ("dcsext.articlefirstpublished" of an older version of the URL).
On such a page a publication day printed under a label of its own past the byline's reach ("Erschienen am",
"Published on", a blog theme's "This entry was posted on … at …": `newsflow.labelleddates`) beats htmldate's
other day or none (twenty-sixth pass), when no date is printed under the headline.

Then the checks that hold on any page (`newsflow.datechecks`, fifth pass): candidates before 1990 or
after now are none; JSON-LD's article object dates the page before a video or image object; a bare
day that only a photo caption names is dropped (`newsflow.pagedates`); an update or "Stand" stamp
under the headline bounds the publication (a later date gives way to the first source on or before
it, and the stamp's own day to an earlier declared publication); a day two independent sources
(JSON-LD, a published meta, the byline, the URL) agree on beats one that none of them states; a bare
day more than a day from the declared publication (no time zone explains it) gives way to it; a
page dated nowhere in its markup is dated by its byline's `datetime`, its script state (`publishedAt`
…), its URL's day, its AMP version's URL's day (fourteenth pass) or a timestamp attribute, and so is
one htmldate dates by its copyright year, which is never a date (seventh pass: a year is no day; the
feed's date then dates the article), nor is a day that only other stories' blocks give (a related
list, a sidebar: `newsflow.pagedates`; an `ItemList` of related stories in JSON-LD, ninth pass; an
image's alt text, tenth pass), nor a web page object's `datePublished` in JSON-LD when the article
object states its own, nor a day printed outside the `<article>` of a page that states only its age
("3 hours ago": a ticker's; twentieth pass) or named only in the story's sentences (an event's; twenty-first).

The publication day is the day in the publisher's own time zone, so the datetimes returned here
keep the offset the page gave (`published_at`; when htmldate answers in UTC, the offset the page
writes the same instant with); callers store the instant in UTC and the day as
`publication_day` gives it. A time given only in UTC is put in the publisher's zone when its
country-code domain (or, on a .com, its language) names one, or in the offset the time printed under
the headline implies ("21:00" over 02:00 Z: -05:00), or onto the day a `<time>` of it prints (`newsflow.printedday`).
A time without an offset is the publisher's clock: read in its zone, or in the offset to the same time
the page states in UTC, else as UTC; a date alone is midnight UTC (sixth pass, docs/extraction.md).
Parsing a page's times and putting them back in its offsets is `newsflow.pagetimes` (eleventh pass).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newsflow.clippedyears import misread
from newsflow.datechecks import agreed_day, is_bare, not_article, outvoted_day, plausible, stated_days
from newsflow.dates_assets import asset_version_only
from newsflow.declareddates import (
    evidenced_order,
    json_ld_published_strings,
    listed_storys,
    modified_metas,
    published_metas,
)
from newsflow.genericmetas import story_day_over_generic
from newsflow.headline_date import (
    byline_time,
    headline_date,
    numeric_date,
    printed_zone_abbreviation,
    publication_time,
    published_ago,
    update_bound,
    update_times,
)
from newsflow.headlinechecks import headline_checked
from newsflow.jsonld import json_ld_strings, json_ld_typed_strings
from newsflow.labelleddates import labelled_day, labelled_over
from newsflow.lastresortdates import (
    above_story_checked,
    as_datetime,
    last_resort_date,
    month_first_posted,
    posted_on_another_day,
)
from newsflow.localtime import SEVERAL_ZONES, publisher_zone
from newsflow.pagedates import (
    caption_days,
    copyright_notice_year,
    first_live_post,
    image_month_first,
    image_path_days,
    image_text_days,
    not_the_storys_print,
    other_stories_only,
    page_url_day,
    payload_published,
)
from newsflow.pagememo import per_page
from newsflow.pagetimes import NUMERIC_OFFSET, WALL_CLOCK, in_page_offset, in_printed_offset, parse_page, utc_placed
from newsflow.pagetimes import parse_local as parse_local
from newsflow.placeholderdates import placeholder
from newsflow.printedday import onto_printed_day
from newsflow.statusids import status_posted
from newsflow.worlddates import slash_order

LATER_THAN_JSON_LD = timedelta(days=2)
"""htmldate's date this much after JSON-LD's datePublished is taken for a modified date."""
BEYOND_ANY_ZONE = timedelta(days=1)
"""Two days of the same instant differ by at most this in any two time zones (offsets are within
±14 hours): a bare day further than this from the declared publication is another date."""
WESTERNMOST_NEWS_OFFSET = timedelta(hours=-10)
"""Hawaii's offset: the zones further west (UTC-11, American Samoa and Niue; UTC-12, no one) publish next to no
news, so a UTC time's day there is not taken for a publisher's whose zone is unknown (`_before_any_zones_day`)."""

_AMBIGUOUS_SLASHED = re.compile(r"(?<!\d)(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}(?!\d)")
_BARE_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T00:00:00)?$")


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (with "Z") or RFC 2822 as a UTC-aware datetime; None when it is neither."""
    parsed = parse_local(value)
    return parsed.astimezone(UTC) if parsed is not None else None


def publication_day(published: datetime | None) -> date | None:
    """The day of a publication time in the offset it carries: the publisher's local day."""
    return published.date() if published is not None else None


def _first_parsed(values: list[str], tree: Any = None) -> tuple[str, datetime] | None:
    """The first value that parses; given the page's `tree`, also the day of a numeric date in
    another format ("27.04.2020 18:50" -> 2020-04-27, as a bare day; "03/04/2024" in the order of
    the page's slashed dates, `newsflow.worlddates.slash_order`)."""
    return next(((value, parsed) for value in values if plausible(parsed := _parse_loose(value, tree))), None)


def _parse_loose(value: str, tree: Any = None) -> datetime | None:
    parsed = parse_page(value)
    if parsed is not None or tree is None:
        return parsed
    day = numeric_date(value)
    if day is None and _AMBIGUOUS_SLASHED.search(value):
        day = numeric_date(value, slash_order(tree) or evidenced_order(tree, value))  # tenth pass
    return as_datetime(day)


def _declared_published(tree: Any, placeholders: bool = False) -> tuple[str, datetime] | None:
    """The publication time the page declares: its first JSON-LD `datePublished` that parses, else
    its first published-time meta (`article:published_time` …) that does; none when that is a CMS's
    placeholder (`newsflow.placeholderdates`, twenty-third pass), or only such a one with `placeholders`."""
    declared = _first_parsed(json_ld_published_strings(tree), tree) or _first_parsed(published_metas(tree), tree)
    return declared if declared is not None and placeholder(declared[1], tree) == placeholders else None


def json_ld_published(tree: Any) -> datetime | None:
    """The first `datePublished` in the page's JSON-LD that parses, in its own offset. The first,
    not the earliest: later ones often date the related articles a page lists."""
    first = _first_parsed(json_ld_published_strings(tree), tree)
    return first[1] if first else None


def published_at(htmldate_value: str | None, tree: Any, url: str | None = None,
                 site_bars: bool = True) -> datetime | None:
    """htmldate's date, unless the page's JSON-LD shows it is not the publication (module docstring).
    `site_bars` False takes a block above the headline outside the story for the story's
    (`extractdates._dated_again`, when nothing else dates the page).

    The result keeps the page's UTC offset, so that its `.date()` is the publisher's day; a time
    the page gives only in UTC is put in the publisher's zone when its country says which
    (`newsflow.localtime`, from `url`, the canonical URL or the declared language's region).
    """
    if plausible(posted := status_posted(url)):  # a post's page on X: its URL's ID is the instant it was posted
        return posted
    zone = publisher_zone(url, tree, printed_zone_abbreviation(tree))
    sources = _source_dates(tree, zone, url)
    if not plausible(parse_page(htmldate_value)) or _from_elsewhere(htmldate_value, tree, sources, url, site_bars):
        htmldate_value = None
    copyright_year = copyright_notice_year(htmldate_value, tree, {moment.date() for _, moment in sources})
    chosen = _chosen_date(None if copyright_year else htmldate_value, tree, zone, url)
    if chosen is None:  # nothing in the markup: a script's state, the URL, a timestamp attribute
        chosen = last_resort_date(tree, url)
    elif _declared_published(tree) is None:  # a live blog that declares no start: its first post's
        if all(kind == "byline" for kind, _ in sources):
            chosen = above_story_checked(chosen, tree, sources)
        chosen = first_live_post(tree, chosen, tuple(moment for _, moment in sources))
    if chosen is not None and not sources:  # a URL month's 1st against a sentence about the page (thirty-first pass)
        chosen = month_first_posted(chosen, tree, url)
    if not plausible(chosen):
        return None
    chosen = in_page_offset(chosen, tree)
    if zone is not None and zone.key in SEVERAL_ZONES.values():  # a guess: the printed time's offset first
        chosen = in_printed_offset(chosen, tree)
    chosen = _with_time_of_day(_in_zone(chosen, zone), tree, zone)
    chosen = in_printed_offset(_cross_checked(chosen, tree, sources), tree)
    if zone is None:  # a UTC time onto the day a `<time>` of it prints (twenty-ninth pass)
        chosen = onto_printed_day(chosen, tree, WESTERNMOST_NEWS_OFFSET)
    return chosen.replace(tzinfo=UTC) if chosen.tzinfo is WALL_CLOCK else chosen


def dated_by_image_only(published: datetime | None, tree: Any, url: str | None = None) -> bool:
    """Whether `published` is a bare day that only an image's URL names (`pagedates.image_path_days`), or only the
    URL of a file the page loads (forty-ninth pass: a stylesheet's or script's build day, a preloaded image's,
    `dates_assets.asset_version_only`): no JSON-LD, meta, byline or URL of the page states it (fourteenth pass).
    Such a day is the photo's upload or the build's: kept for a page without another date, it gives way to the
    feed's (`articledates.article_dates`)."""
    if published is None or published.time() != time(0) or published.utcoffset():
        return False
    if published.date() not in image_path_days(tree) and not asset_version_only(tree, published.date()):
        return False
    zone = publisher_zone(url, tree, printed_zone_abbreviation(tree))
    return all(moment.date() != published.date() for _, moment in _source_dates(tree, zone, url))


@per_page
def dated_by_update_only(published: datetime | None, tree: Any, url: str | None = None) -> bool:
    """Whether `published` is only the page's modification: its day is that of a modified time the page
    declares (JSON-LD `dateModified`, a modified meta, `og:updated_time`) or of an update stamp under
    the headline ("Updated 12 March 2026"), and the page states no publication (no JSON-LD
    `datePublished`, published meta, byline date or URL day), nor prints it under a publication's label
    (`labelleddates.labelled_day`, fiftieth pass: "Veröffentlicht am 5. April 2017" beside `og:updated_time` of
    that day, a run's feed date a day off beat it). The story was published on that day or
    before: kept for a page without another date (most stories are updated the day they appear), it
    gives way to the feed's date (`articledates.article_dates`; seventeenth pass)."""
    if published is None or json_ld_published_strings(tree) or published_metas(tree):
        return False  # most pages: a publication declared (read first, as it is cheap)
    declared = json_ld_strings(tree, "dateModified") + modified_metas(tree)
    modified = {moment.date() for value in declared if (moment := parse_local(value)) is not None}
    if published.date() not in modified and published.date() != update_bound(tree):
        return False
    zone = publisher_zone(url, tree, printed_zone_abbreviation(tree))
    return not _source_dates(tree, zone, url) and labelled_day(tree) != published.date()


def update_printed(published: datetime | None, tree: Any) -> bool:
    """Whether the modification that dates a page (`dated_by_update_only`) is one its reader sees: the day of an
    update stamp under the headline ("Updated 12 March 2026"), not only of its metadata (`dateModified`,
    `og:updated_time`; review of the thirty-fourth pass, `articledates._after_the_update`)."""
    return published is not None and published.date() == update_bound(tree)


def _from_elsewhere(htmldate_value: str | None, tree: Any, sources: list[tuple[str, datetime]],
                    url: str | None, site_bars: bool = True) -> bool:
    """Whether htmldate's answer dates something else than the story, and no source the page dates its story with
    (JSON-LD, metas, the byline, the URL) states its day (`newsflow.pagedates`): a day that the page's `<time>`
    elements give only in lists of other stories, sidebars or the footer (seventh pass: htmldate takes a related
    story's date on a page that dates its own nowhere), or a bare day that only a photo caption names while the
    page's script state dates the story instead (without another date a caption's is kept: a photo is often of the
    day of the story); nor (twentieth pass) a day printed outside the story's `<article>` on a page that states no
    source but its age under the headline ("3 hours ago": a ticker's, a cookie notice's stamp), or named only in a
    sentence of the story there (twenty-first pass: an event's day, `pagedates.told_in_prose_only`); nor a
    template's placeholder `datePublished` (twenty-third pass: `placeholderdates`)."""
    value = (htmldate_value or "").strip()
    if not value or any(moment.date().isoformat() == value[:10] for _, moment in sources):
        return False
    if not sources and published_ago(tree) is not None and not_the_storys_print(tree, value[:10]):
        return True  # the page states only its age under the headline; htmldate's day is a ticker's (twentieth pass)
    if not sources and posted_on_another_day(tree, url, value[:10]):
        return True  # a sentence about the page states another day: htmldate's is an event box's (36th pass's review)
    if other_stories_only(tree, value[:10], site_bars) or listed_storys(value, tree, parse_local):
        return True
    day = _plain_day(value)
    if day is not None and (stub := _declared_published(tree, placeholders=True)) and stub[1].date() == day:
        return True  # htmldate read the template's placeholder `datePublished` (twenty-third pass)
    if day is not None and (misread(tree, day) or (_BARE_DAY.match(value) and image_month_first(tree, day))):
        return True  # a lunar date, a cut year (session 38) read as a day; a photo's upload month as its 1st
    if _BARE_DAY.match(value) and date.fromisoformat(value[:10]) in image_text_days(tree):
        return True  # an image's alt text: the photo's day (tenth pass)
    return bool(_BARE_DAY.match(value)) and date.fromisoformat(value[:10]) in caption_days(tree) \
        and payload_published(tree) is not None


def _plain_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _with_time_of_day(day: datetime, tree: Any, zone: ZoneInfo | None) -> datetime:
    """A bare day given the time of JSON-LD's `datePublished` when that falls on the same day (in
    its own offset, or the publisher's zone for a UTC time): htmldate reads only the day of some
    JSON-LD dates. The day never changes here."""
    first = _declared_published(tree) if is_bare(day) and not day.utcoffset() else None
    if first is None or is_bare(first[1]):
        return day
    declared = _in_zone(first[1], zone)
    return declared if declared.date() == day.date() else day


def _in_zone(moment: datetime, zone: ZoneInfo | None) -> datetime:
    """A UTC time with a time of day, in the publisher's zone; anything else as it is (a bare day,
    midnight UTC, stays a day: it names no instant to convert). A UTC time goes in `utc_placed`'s copy of the zone,
    which says the page stated UTC (`pagetimes.offset_given`); a wall clock in the zone itself."""
    if zone is None or moment.utcoffset() or is_bare(moment):
        return moment
    return moment.replace(tzinfo=zone) if moment.tzinfo is WALL_CLOCK else moment.astimezone(utc_placed(zone))


def _chosen_date(htmldate_value: str | None, tree: Any, zone: ZoneInfo | None = None,
                 url: str | None = None) -> datetime | None:
    found = parse_page(htmldate_value)
    first = _declared_published(tree)
    if first is None:
        return (story_day_over_generic(found, tree, url) or labelled_over(found, tree, url)
                or headline_checked(found, _BARE_DAY.match((htmldate_value or "").strip()) is not None, tree, url))
    declared_text, declared = first
    if found is None or declared < found - LATER_THAN_JSON_LD or _a_non_article_date(found, declared, tree):
        return declared
    modified = {parse_local(value) for value in json_ld_strings(tree, "dateModified") + modified_metas(tree)}
    if declared < found and found in modified:
        return declared
    bare = _BARE_DAY.match((htmldate_value or "").strip()) is not None
    if not bare:
        return found
    if NUMERIC_OFFSET.search(declared_text.strip()) and declared.date() != found.date():
        return declared
    utc_time = zone is not None and not declared.utcoffset() and not is_bare(declared)
    if utc_time and _in_zone(declared, zone).date() != found.date():
        return declared
    if abs(declared.date() - found.date()) > BEYOND_ANY_ZONE or _before_any_zones_day(found, declared, zone):
        return declared  # no offset explains it: the URL or date meta dates a draft, not the publication
    # 28th pass: the page writes the declared time in its own offset, on another day: a print edition's URL. Not a UTC
    # time the publisher's known zone puts on the URL's day (review: that outvotes a `<time>` in a server's offset)
    if not utc_time and (own := in_page_offset(declared, tree)).utcoffset() and own.date() != found.date():
        return own
    return headline_checked(found, bare, tree, url)


def _before_any_zones_day(found: datetime, declared: datetime, zone: ZoneInfo | None) -> bool:
    """Whether a bare day is before the day a UTC time falls on in every zone where news is published (from
    `WESTERNMOST_NEWS_OFFSET` east), the publisher's zone unknown (twenty-fifth pass: The Washington Post's URL
    /2020/07/08/ and JSON-LD 2020-07-09T10:04Z, 06:04 in Washington: the URL dates the draft)."""
    utc_time = zone is None and declared.tzinfo is UTC and not is_bare(declared)
    return utc_time and found.date() < (declared + WESTERNMOST_NEWS_OFFSET).date()


def _a_non_article_date(found: datetime, declared: datetime, tree: Any) -> bool:
    """Whether htmldate's date is the `datePublished` of a JSON-LD object that is no article (a
    `WebPage` or `WebSite` in an `@graph`, a video) while the article's own is another instant."""
    if found == declared:
        return False
    return any(parse_local(value) == found for value in not_article(json_ld_typed_strings(tree, "datePublished")))


def _cross_checked(chosen: datetime, tree: Any, sources: list[tuple[str, datetime]]) -> datetime:
    """The chosen date, unless an update stamp under the headline is earlier (the publication is
    then the first source on or before that day, else that day) or is its day while a source the
    page declares is earlier (the update was taken for the publication), or two independent sources
    agree on another day and none states the chosen one, or (twenty-fourth pass) one states it and two, the
    byline one of them, another day (`newsflow.datechecks`)."""
    bound = update_bound(tree)
    scheduled = _published_after_the_edit(bound, tree) if bound is not None else None
    if scheduled is not None:  # a scheduled post's last edit bounds nothing; taken for the publication, it gives way
        chosen, bound = (scheduled if chosen.date() == bound and chosen < scheduled else chosen), None
    if bound is not None and chosen.date() > bound:
        earlier = [moment for _, moment in sources if moment.date() <= bound]
        stamp = as_datetime(bound)
        return earlier[0] if earlier else stamp if plausible(stamp) else chosen
    if bound is not None and chosen.date() == bound == update_bound(tree, as_of=False):  # an update's day
        chosen = next((moment for kind, moment in sources if kind != "url" and moment.date() < bound), chosen)
    agreed = agreed_day([moment.date() for _, moment in sources], chosen.date())
    agreed = agreed or outvoted_day(stated_days(sources, chosen), chosen.date())  # a zone's day is no vote
    return next((moment for _, moment in sources if moment.date() == agreed), chosen)


def _published_after_the_edit(bound: date, tree: Any) -> datetime | None:
    """The byline's publication `<time>` (marked so, and plausible), when the update stamp under the headline is a
    scheduled post's last edit: an update `<time>` on `bound` whose instant is before it, on an earlier day in the
    publication's offset (WordPress prints `time.updated` beside `time.entry-date.published`; forty-eighth pass,
    hrjournal.de). No version was published before that edit. An event's `<time>` is no publication (review)."""
    published = parse_page(publication_time(tree))
    if not plausible(published):
        return None
    edits = [edit for value in update_times(tree) if (edit := parse_page(value)) is not None and edit.date() == bound]
    # in one clock: a publication written in UTC beside a local edit an hour before is on the edit's local day
    earlier = any(edit < published and edit.astimezone(published.tzinfo).date() < published.date() for edit in edits)
    return published if earlier else None


def _source_dates(tree: Any, zone: ZoneInfo | None, url: str | None) -> list[tuple[str, datetime]]:
    """One date from each independent source, in the publisher's day: JSON-LD `datePublished`, a
    published-time meta, the byline under the headline (its `<time datetime>`, else its printed
    date), the URL; each with its source's name."""
    printed_byline = parse_page(byline_time(tree))
    printed_day = headline_date(tree) if printed_byline is None else None
    found = [("ld", _first_parsed(json_ld_published_strings(tree), tree)),
             ("meta", _first_parsed(published_metas(tree), tree))]
    moments = [(kind, first[1]) for kind, first in found if first is not None and not placeholder(first[1], tree)]
    moments += [("byline", printed_byline)] if printed_byline is not None else []
    moments += [(kind, datetime(day.year, day.month, day.day, tzinfo=UTC))
                for kind, day in (("byline", printed_day), ("url", page_url_day(url, tree))) if day is not None]
    return [(kind, _in_zone(moment, zone)) for kind, moment in moments if plausible(moment)]
