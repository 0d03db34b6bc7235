"""A generic Dublin Core date meta (`date`, `DC.date`, `DCTERMS.date`: a CMS record's creation or last change) against
the day the story prints as its own (twenty-fifth, thirty-fifth, thirty-sixth and fortieth passes, docs/extraction.md).
Split from `newsflow.dates` (fortieth pass), which asks it on a page that declares no publication."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from newsflow.datechecks import plausible
from newsflow.declareddates import generic_date_metas, story_time
from newsflow.headline_date import cued_headline_date, published_ago
from newsflow.kickerdates import above_story_date
from newsflow.labelleddates import labelled_day
from newsflow.lastresortdates import as_datetime
from newsflow.pagedates import page_url_day
from newsflow.pagetimes import parse_local, parse_page


def story_day_over_generic(found: datetime | None, tree: Any, url: str | None = None) -> datetime | None:
    """The day the story's `<time>` elements give (`declareddates.story_time`), or else the day the byline under the
    headline prints as its own (thirty-fifth pass: "27.01.2022" under a TYPO3 story's headline; review: not an event's
    "Termin: 15.03.2022", `headline_date.cued_headline_date`), or else (thirty-sixth pass) the day of a byline's or
    dateline's block above the headline ("05.02.2020 - Redaktion: …", `kickerdates.above_story_date`), or else
    (fortieth pass) the day the story prints under a label of its own (`labelleddates.labelled_day`) past the byline's
    reach, when the URL names no other day, when htmldate's date is a generic Dublin Core date meta's on another day,
    on a page that declares no publication (twenty-fifth pass); else None."""
    if found is None or not generic_meta_date(found, tree):
        return None  # most pages: htmldate read no generic meta
    byline = cued_headline_date(tree)
    if byline is not None and byline[0] == found.date():
        return None  # the byline prints the meta's day (read first: cheap)
    printed = (story_time(tree, parse_page) or (as_datetime(byline[0]) if byline is not None and byline[1] else None)
               or as_datetime(above_story_date(tree, datelines=True)) or _labelled(tree, url))
    return printed if plausible(printed) and printed.date() != found.date() else None


def generic_meta_date(found: datetime, tree: Any) -> bool:
    """Whether htmldate's date is the day of a generic Dublin Core date meta (`declareddates.generic_date_metas`)."""
    return any((moment := parse_local(value)) is not None and moment.date() == found.date()
               for value in generic_date_metas(tree))


def _labelled(tree: Any, url: str | None) -> datetime | None:
    """The labelled day, unless the URL names another (a label's day is then another edition's or a republication's:
    `labelleddates.labelled_over`'s rule). An age under the headline does not stand it aside here, as it does in
    `labelled_over`: beside a generic meta the age gives way to the meta (twentieth pass's review), and the story's
    printed day is the better of the two (session 38's random draw: "2 days ago", "Published on December 2", a
    `DC.date` of the 3rd stored the 3rd)."""
    day = labelled_day(tree)
    url_day = page_url_day(url, tree) if day is not None else None
    return as_datetime(day) if day is not None and url_day in (None, day) else None


def age_beside_the_label(published: datetime, tree: Any) -> timedelta | None:
    """The age printed under the headline ("2 days ago") when the page's date is its labelled day and a generic date
    meta gives another (`_labelled` beat it): returned beside that day, so that the run, which knows the fetch time,
    drops a day the age rules out (`articledates._off_the_age`) and the age dates the page. Review of the fortieth
    pass: a label that is not the story's (an event's, a comment's, an earlier edition's) beat a generic meta that
    the age agreed with."""
    age = published_ago(tree)  # read first: most pages print no age
    if age is None or not any((moment := parse_local(value)) is not None and moment.date() != published.date()
                              for value in generic_date_metas(tree)):
        return None
    return age if labelled_day(tree) == published.date() else None  # last: a label scan costs ~10 ms a page
