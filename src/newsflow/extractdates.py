"""The publication date of a page being extracted (`newsflow.extract`): the date trafilatura found,
checked against what the page prints, or how long ago the page says it was published, or the month and
day it prints without a year.

htmldate is read through `date_of` (htmldate's date of a tree, with extraction's settings): the libraries
stay imported by `newsflow.extract` alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from newsflow.dates import dated_by_image_only, dated_by_update_only, published_at
from newsflow.genericmetas import age_beside_the_label
from newsflow.headline_date import headline_date, page_headline, published_ago, published_month_day, update_bound
from newsflow.kickerdates import kicker_age
from newsflow.lastresortdates import as_datetime, self_posted_day
from newsflow.pagedates import image_path_days, other_stories_holders, without_elements, without_image_urls

log = logging.getLogger("newsflow.extract")  # the date warning has always been extraction's

DateReader = Callable[[Any, str], "str | None"]
"""htmldate's date of a page's tree (the tree, the page's URL), as a string, or None."""


def page_dates(
    found: str | None, tree: Any, url: str, date_of: DateReader
) -> tuple[datetime | None, timedelta | None, tuple[int, int] | None, bool]:
    """The page's publication time (and whether only an image's or a loaded file's URL gives it), or how long ago it
    says it was published, or the month and day it prints without a year. A fault in the many date
    readers costs the date, not the article (a month table's miss once lost wevolver.com's articles
    whole: `extract_error`); it is logged, and the feed's date stands in."""
    try:
        published = published_at(found, tree, url)
        if published is None and found:
            published = _dated_again(found, tree, url, date_of)
        if published is not None:  # a kicker's day comes with the page's age, for the run to check (23rd pass)
            published = _posted_before_the_update(published, tree, url)
            published, by_image = _past_the_photos_day(published, tree, url, date_of)
            age = (kicker_age(tree, published) or _update_only_age(published, tree, url)
                   or age_beside_the_label(published, tree))
            return published, age, None, by_image
        ago = published_ago(tree)
        return None, ago, published_month_day(tree) if ago is None else None, False
    except Exception:
        log.warning("reading the publication date of %s failed; stored without it", url, exc_info=True)
        return None, None, None, False


def _posted_before_the_update(published: datetime, tree: Any, url: str) -> datetime:
    """The day a sentence about the page itself states ("This entry <a href=THE PAGE>…</a> was posted on January 1",
    `lastresortdates.self_posted_day`) in place of a modification's, when that is the page's only date and the
    sentence's day is not after it: the page states its publication (thirty-third pass, a generated page; before,
    the sentence was read only on a page nothing else dates)."""
    if not dated_by_update_only(published, tree, url):
        return published
    posted = self_posted_day(tree, url)
    return as_datetime(posted) or published if posted is not None and posted <= published.date() else published


def _update_only_age(published: datetime, tree: Any, url: str) -> timedelta | None:
    """The age printed under the headline ("vor 6 Tagen") of a page whose only date is its update's ("Aktualisiert
    am 2. Dezember", a `dateModified`): the run checks it as a kicker's (`articledates._off_the_age`), and an update
    after the day the age names gives way to the age (twenty-seventh pass: the update's day was stored)."""
    age = published_ago(tree)  # read first: the byline's lines are read already, and most pages print no age
    return age if age is not None and dated_by_update_only(published, tree, url) else None


def _dated_again(found: str, tree: Any, url: str, date_of: DateReader) -> datetime | None:
    """The page dated again without the blocks that gave htmldate's day, when all of them are others'
    (`pagedates.other_stories_holders`: a related list, the site's bar above the headline) and nothing
    else dates the page: htmldate's next answer may be the story's, in a form only it reads ("12
    сакавіка 2026" under a site bar printing today: eighteenth pass). Checked on undated pages only."""
    holders = other_stories_holders(tree, found.strip()[:10])
    if not holders:
        return None
    if not above_site_menu(tree, holders, page_headline(tree)):
        # review: a block below the site's menu, above the story's `<article>`, is as often its byline ("By
        # Jane Doe · March 12, 2026"), and htmldate's next answer a teaser's: its day stands, as on main
        return published_at(found, tree, url, site_bars=False)
    bare = without_elements(tree, holders)
    again = date_of(bare, url)
    if again is None or again.strip()[4:] in ("-01-01", "-01-01T00:00:00"):
        return None  # htmldate's year alone ("2026" in a byline it cannot read): a year is no day
    return published_at(again, bare, url)


def _past_the_photos_day(published: datetime, tree: Any, url: str, date_of: DateReader) -> tuple[datetime, bool]:
    """The page's date, and whether only an image's or a loaded file's URL gives it (`dates.dated_by_image_only`,
    checked first: most pages end there). Such a page is dated again without its image URLs: a day its AMP URL, script
    state or other markup states too is the page's, not a photo's (review of the fourteenth pass); another day the page
    gives is its own when it is printed under the headline (a byline's day, an update stamp) and replaces the photo's
    upload day (twenty-eighth pass: "2019年04月21日 12時00分更新" under the headline, an `og:image` of the 19th,
    the photo's day stored); otherwise the photo's day stays, flagged for the feed's (a gallery caption's day, three
    years before the story, was the page's next answer on a Washington Post page: no better than the photo's). A day
    only the URL of a file the page loads names (a stylesheet's build, a preloaded image; forty-ninth pass) is flagged
    as it is: `dates_assets.asset_version_only` found it written nowhere else already."""
    if not dated_by_image_only(published, tree, url):
        return published, False
    if published.date() not in image_path_days(tree):
        return published, True  # only a loaded file's URL names it, and nothing else writes it: weak (49th pass)
    bare = without_image_urls(tree)
    found = date_of(bare, url)
    again = published_at(found, bare, url)
    photos = again is None or again.date() != published.date()
    if again is not None and photos and again.date() in (headline_date(tree), update_bound(tree)):
        return again, False  # printed under the headline: a caption's day or a teaser's is no better than the photo's
    return published, photos


def above_site_menu(tree: Any, elements: list[Any], headline: Any) -> bool:
    """Whether one of these elements comes before a `<nav>` or `<header>` that comes before the headline:
    the site's top bar, above its menu (review: a block after the menu, above the story's `<article>`, is
    as often the story's byline, "By Jane Doe · March 12, 2026")."""
    order = {element: index for index, element in enumerate(tree.iter())}
    if headline not in order:
        return False
    menus = [order[menu] for menu in tree.iter("nav", "header") if order[menu] < order[headline]]
    return bool(menus) and any(order.get(element, len(order)) < max(menus) for element in elements)
