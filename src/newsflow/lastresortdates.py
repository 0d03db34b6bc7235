"""Dates for a page htmldate and the declared sources leave undated, or date only by a byline after the
story: the last resorts of `dates.published_at` (moved out of `newsflow.dates`, twenty-fifth pass; the
rules are those of the fourteenth, seventeenth, eighteenth, nineteenth, twenty-first and twenty-third
passes, docs/extraction.md).

Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from newsflow.datechecks import URL_MONTH, plausible, url_day
from newsflow.headline_date import byline_time, byline_title_date, published_ago, update_bound
from newsflow.kickerdates import above_story_date, kicker_date, printed_after_story
from newsflow.pagedates import (
    attribute_published,
    month_fallback,
    not_the_storys_print,
    page_url_day,
    payload_published,
)
from newsflow.pagetimes import parse_page
from newsflow.printeddates import clipped, first_date
from newsflow.worlddates import slash_order


def as_datetime(day: date | None) -> datetime | None:
    """A day as a bare datetime (midnight UTC, the form of a date without a time)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day is not None else None


def last_resort_date(tree: Any, url: str | None) -> datetime | None:
    """A date for a page that states none htmldate or the rules of `newsflow.dates` read: the byline's machine
    date (an AMP page's `<amp-timeago datetime>`), else the state a script front end carries, else
    the date in the `title` of a byline's element that prints "3 天前" (seventeenth pass), else a date
    in a block just before the headline inside the story (eighteenth pass: `newsflow.kickerdates`) or in the
    story's wrappers above it (nineteenth pass; a kicker's there too on a page that states only its age, twenty-third
    pass: "Politics · 30 November 2026" above the `<article>`, "3 days ago" in it), else
    the URL's day (`/20240315/` forms htmldate does not read), else its AMP version's URL's day, else the day a
    sentence about the page itself states (`self_posted_day`, thirty-first pass), else
    a Unix timestamp in a data attribute named for the publication (or a generic one in the byline, twenty-first
    pass), else the day of an update stamp under the headline (seventeenth pass: `dates.dated_by_update_only`)."""
    for moment in (parse_page(byline_time(tree)), parse_page(payload_published(tree)), byline_title_date(tree),
                   as_datetime(kicker_date(tree) or above_story_date(tree, kickers=published_ago(tree) is not None))):
        if plausible(moment):
            return moment
    day = page_url_day(url, tree) or amp_url_day(tree) or self_posted_day(tree, url)
    if day is None and (stamp := attribute_published(tree)) is not None:
        return stamp
    return as_datetime(day or update_bound(tree))  # seventeenth pass: an update stamp alone, the last


def above_story_checked(chosen: datetime, tree: Any, sources: list[tuple[str, datetime]]) -> datetime:
    """htmldate's date, unless the page states no date of its own (no JSON-LD, meta or URL day: the caller
    checked; a "byline" only after two paragraphs of the story, `kickerdates.printed_after_story`) and a
    byline just above the headline, in the story's wrappers, prints another day (nineteenth pass: a
    theme's byline in a column beside the story's `<article>`; htmldate took a teaser's date below the
    story over it), or a dateline there that prints its time ("02.02.2022 10:16 Uhr - 1. Bundesliga"; thirty-fifth
    pass: a "most read" tab's day over it)."""
    if not all(printed_after_story(tree, moment.date()) for _, moment in sources):
        return chosen  # most such pages: a byline under the headline dates the story (read first, as it is cheap)
    above = as_datetime(above_story_date(tree, timed_kickers=True))  # thirty-fifth pass: a dateline with its time
    return above if plausible(above) and above.date() != chosen.date() else chosen


def amp_url_day(tree: Any) -> date | None:
    """The day the URL of the page's AMP version names (`<link rel="amphtml" href=".../2026/03/12/...">`,
    fourteenth pass): a CMS that leaves the date out of the page's own URL may keep it there."""
    return next((day for href in tree.xpath("//head/link[@rel='amphtml']/@href")[:1]
                 if (day := url_day(str(href))) is not None), None)


_POSTED = re.compile(r"(?<![^\W\d_])(?:posted|gepostet|published|veröffentlicht|publiée?|publicad[oa]|pubblicat[oa]|"
                     r"gepubliceerd|geplaatst|geschrieben|written)(?![^\W\d_])", re.IGNORECASE)  # 33rd: es, it, nl
_COMMENT = re.compile(r"(?<![^\W\d_])(?:comment|kommentar|commentaire|comentario|comentário|commento|reply|replies|"
                      r"antwort|risposta|respuesta|réponse|reactie|reageer)", re.IGNORECASE)  # review 33: nl, pt
# a numeric day whose day and month may swap, slashed or dashed ("05/01/2025", Dutch "05-01-2025"): only then is the
# page's order asked (review: "/" alone left the dashed form unread; a dotted "05.01.2025" is read without it, and a
# dotted short form with it would be a version's "1.2.25" too)
_NUMERIC_DAY = re.compile(r"\d{1,2}([/-])\d{1,2}\1\d{2}")
SELF_LINKS_READ = 5
SENTENCE_CHARS = 300
CUE_AFTER_DATE = 60


def self_posted_day(tree: Any, url: str | None) -> date | None:
    """The day a sentence about the page itself states: a link to the page's own URL followed by its publication
    ("<a href=THE PAGE>Title</a> wurde am 19. Mai 2010 um 23:03 Uhr gepostet", "… was posted on May 19, 2010": a
    WordPress theme's "about this article" box in the sidebar, which the date rules read as another block;
    thirty-first pass, BBAW). The date must follow the link, with a publication cue before it or up to 60
    characters after it, no comment's between them, and in the month a /2010/05/ URL names (review). A slashed day
    there ("publié le 05/01/2025", dashed "05-01-2025": review) is read in the page's order (`worlddates.slash_order`,
    thirty-fourth pass)."""
    if not url:
        return None
    bare = url.split("#")[0].rstrip("/")
    month = URL_MONTH.search(bare)
    for link in islice(_self_links(tree, bare), SELF_LINKS_READ):
        after = clipped("".join(text for text in (link.tail, *_following_texts(link)) if text), SENTENCE_CHARS)
        found = first_date(after, named=True, order=slash_order(tree, url) if _NUMERIC_DAY.search(after) else None)
        if found is None or _COMMENT.search(after, 0, found[0]):
            continue  # review: a comment's day ("2 comments, the last posted on May 25")
        if month is not None and (found[1].year, found[1].month) != (int(month[1]), int(month[2])):
            continue  # review: a permalink's month is the post's; a day in another is no sentence about it
        if _POSTED.search(after, 0, found[0] + CUE_AFTER_DATE):
            return found[1]
    return None


def posted_on_another_day(tree: Any, url: str | None, day: str) -> bool:
    """Whether a page that states no source (the caller checked) states its publication in a sentence about itself
    (`self_posted_day`) on another day than htmldate's `day`, and `day` is not the story's print
    (`pagedates.not_the_storys_print`: printed only outside the story or in an event box, named only in its
    sentences, a month's 1st the page states nowhere). Such a day is an event's or another block's: the sentence,
    a last resort, then dates the page (thirty-sixth pass's review: an event box's "Public hearing: January 4,
    2025, 19:00" beat "This entry <a href=THE PAGE>…</a> was posted on January 1, 2025")."""
    posted = self_posted_day(tree, url)
    return posted is not None and posted.isoformat() != day and not_the_storys_print(tree, day)


def _self_links(tree: Any, bare: str) -> list[Any]:
    """The links to the page's own URL (`bare`: without its fragment and final slash), absolute, without the scheme
    ("//host/path"), with the other scheme, or by the path alone ("/2010/05/title/"; thirty-second pass), with or
    without the final slash: one XPath."""
    parts = urlsplit(bare)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return list(tree.xpath("//a[@href=$one or @href=$two]", one=bare, two=bare + "/"))
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    other = "http" if parts.scheme == "https" else "https"
    forms = [bare, f"//{parts.netloc}{path}", f"{other}://{parts.netloc}{path}"] + ([path] if path.strip("/") else [])
    hrefs = sorted({href for form in forms for href in (form, form + "/")})
    return list(tree.xpath("//a[" + " or ".join(f"@href=$h{index}" for index in range(len(hrefs))) + "]",
                           **{f"h{index}": href for index, href in enumerate(hrefs)}))


def _following_texts(link: Any) -> list[str]:
    """The texts of the elements after `link` in its parent, up to a sentence's length."""
    texts: list[str] = []
    for sibling in islice(link.itersiblings(), 20):
        texts += [str(text) for text in sibling.itertext()]
        texts.append(str(sibling.tail or ""))
    return texts


def month_first_posted(chosen: datetime, tree: Any, url: str | None) -> datetime:
    """The day a sentence about the page itself states (`self_posted_day`) in place of a month's 1st the page states
    nowhere (`pagedates.month_fallback`: htmldate's reading of a URL's month, /2010/05/), when it is in that month
    (thirty-first pass: the live form of BBAW's bewegliche-lettern)."""
    if chosen.day != 1 or chosen.time() != time(0) or chosen.utcoffset():
        return chosen
    if not month_fallback(tree, chosen.date().isoformat()) or (posted := self_posted_day(tree, url)) is None:
        return chosen
    return as_datetime(posted) or chosen if posted.replace(day=1) == chosen.date() else chosen

