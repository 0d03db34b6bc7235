"""htmldate's date against the date printed under the headline, for a page that declares no publication date
or whose declared one `newsflow.dates` set aside (split out of `newsflow.dates` in the review of the thirty-first
pass, no behaviour changed).

Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsflow.datechecks import plausible
from newsflow.declareddates import modified_metas, published_metas, script_update, story_time
from newsflow.headline_date import byline_time, cued_headline_date
from newsflow.jsonld import json_ld_strings
from newsflow.lastresortdates import as_datetime
from newsflow.pagedates import uncued_off_url_day
from newsflow.pagetimes import parse_local, parse_page


def headline_checked(found: datetime | None, bare: bool, tree: Any, url: str | None = None) -> datetime | None:
    """htmldate's `bare` day (or nothing) gives way to the date printed under the headline, unless that is an event's
    off the URL's day (`uncued_off_url_day`); its date with a time, to the byline's `<time>` when the page
    states no publication date."""
    if found is not None and not bare and not _modified(found, tree) and not script_update(found, tree):
        return _byline_checked(found, tree)
    cued = cued_headline_date(tree, found.date() if found is not None else None)
    printed = as_datetime(cued[0] if cued is not None else None)
    if cued is None and found is not None and _modified(found, tree):
        return _published_before_update(found, tree)
    if not plausible(printed) or (found is not None and printed.date() == found.date()):
        return found
    if found is not None and cued is not None and uncued_off_url_day(found.date(), cued, url, tree):
        return found
    if found is not None and printed.date() > found.date() and _modified(found, tree):
        return found  # a publication can't come after the page's modification
    return printed


def _modified(found: datetime, tree: Any) -> bool:
    """Whether htmldate's date is the modified time the page declares (eleventh pass: a WordPress
    page whose only machine date is `article:modified_time`): a date printed under the headline
    before it is the publication."""
    declared = json_ld_strings(tree, "dateModified") + modified_metas(tree)
    return any(parse_local(value) == found for value in declared)


def _published_before_update(found: datetime, tree: Any) -> datetime:
    """htmldate's date, a modified time the page declares (`_modified`), or the earlier day of the story's `<time>`s
    when one marks it as the publication ("Erschienen am", "Published on", `declareddates.story_time`) and the page
    declares no publication (thirty-seventh pass: bmel.de's `og:updated_time` of 27 January over "Erschienen am
    26. Jan 2022" after the story, past the byline's reach): the first publication over the update."""
    if published_metas(tree) or json_ld_strings(tree, "datePublished"):
        return found
    printed = story_time(tree, parse_page)
    return printed if plausible(printed) and printed.date() < found.date() else found


def _byline_checked(found: datetime, tree: Any) -> datetime:
    """htmldate's date, or the byline's `<time datetime>` on another day when no JSON-LD
    `datePublished` (the caller checked) and no published-time meta dates the page."""
    if published_metas(tree):
        return found
    byline = parse_page(byline_time(tree))
    return byline if plausible(byline) and byline.date() != found.date() else found
