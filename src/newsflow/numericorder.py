"""Whether a page's publication day rests only on an all-figures date whose order the page leaves open: "12/02/2026"
is 12 February or 2 December, and nothing else on the page states the day (forty-seventh pass, after its review).

Only such a day may give way to a feed's day of the other reading (`articledates`), or, with no feed needed, to a
machine date of the other reading the page writes beside it (`order_read`, forty-eighth pass): Blogger's
`<abbr class="published" title="2026-12-02T23:07:00.000-05:00">` under a "12/02/2026" date header that htmldate
reads day first, a `<time datetime>`, a `data-*` attribute holding ISO. A day the page states in an
order-free form (an ISO date in its JSON-LD, meta, `<time datetime>` or an attribute; a /yyyy/mm/dd/ URL; a month
written as a word; a dotted day first, "12.02.2026") is the page's, whatever a feed's later date says (review: an Atom
`<updated>` or a re-publish on the swapped day replaced a JSON-LD ISO day). Read in the page's text, its attributes'
values and its URL. Pure: the standard library, `newsflow.printeddates`, `newsflow.pagetimes` (an ISO value's
parse) and `newsflow.bylinetexts` (other stories' blocks).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from newsflow.bylinetexts import in_other_block
from newsflow.datechecks import plausible
from newsflow.pagetimes import WALL_CLOCK, parse_page
from newsflow.printeddates import SLASHED, first_date


def order_read(published: datetime | None, tree: Any, url: str, html: str) -> tuple[datetime | None, bool]:
    """The page's publication time, and whether its day's order stays open (`order_open`). An open day gives way
    to the other reading of its figures when an attribute beside the printed date or naming the publication (not
    another story's block, not an update's) holds that reading as an ISO date: the machine date a CMS writes beside
    the human one states the order (module docstring). The time is then that attribute's, in its offset."""
    day = published.date() if published is not None else None
    if day is None or not order_open(day, tree, url, html):
        return published, False
    stated = _other_reading_stated(date(day.year, day.day, day.month), tree)
    return (published, True) if stated is None else (stated, False)


def _other_reading_stated(other: date, tree: Any) -> datetime | None:
    """The first ISO value of `other` in an attribute beside the printed figures or naming the publication
    (`order_read`), parsed."""
    holders = _printed_holders(other, tree)
    near = {id(up) for element in holders.values() for up in list(element.iterancestors())[:2]
            if up.tag not in _PAGE_PARTS}
    near |= {id(inner) for element in holders.values() for inner in element.iter()}  # itself and inside it
    for element in tree.iter():
        for name, value in element.items() if isinstance(element.tag, str) else ():
            marks = f"{name} {_marks(element)}"
            if not _ISO_VALUE.match(value) or _UPDATE.search(marks):
                continue
            if id(element) not in near and not _PUBLISHED.search(marks):
                continue  # a comment's, an event's, an ad's, a form's date on the swapped day (review of the pass)
            parsed = parse_page(value)
            if plausible(parsed) and parsed.date() == other and not in_other_block(tree, element, site_bars=False):
                return parsed.replace(tzinfo=UTC) if parsed.tzinfo is WALL_CLOCK else parsed
    return None


def _printed_holders(other: date, tree: Any) -> dict[int, Any]:
    """The elements whose own text prints the figures of `other` (in either order), by id."""
    holders: dict[int, Any] = {}
    for text in tree.xpath("//text()"):
        element = text.getparent() if not text.is_tail else text.getparent().getparent()
        if element is not None and any(_either_reading(other, match) for match in SLASHED.finditer(str(text))):
            holders[id(element)] = element
    return holders


def _marks(element: Any) -> str:
    return " ".join(str(element.get(name) or "") for name in ("class", "itemprop", "property", "name", "id"))


# a whole value that is a year-first date, maybe with its time ("2026-12-02", "2026-12-02T23:07:00.000-05:00")
_ISO_VALUE = re.compile(r"\s*(?:19|20)\d{2}-\d{2}-\d{2}"
                        r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
# beside the printed date: its element, the two nearest parents that are no whole page part, or inside it;
# elsewhere only an attribute naming the publication (Blogger's `abbr.published` under its `h2.date-header`)
_PAGE_PARTS = frozenset(("article", "main", "body", "html"))
_PUBLISHED = re.compile(r"publish|posted|created|issued|date-?header|entry-date", re.IGNORECASE)
# an update's or an edit's time is no publication's: a modification on the swapped day says nothing of the order
_UPDATE = re.compile(r"modif|updat|edit|revis", re.IGNORECASE)


def order_open(day: date | None, tree: Any, url: str, html: str) -> bool:
    """Whether `day` (the page's publication day) is one of an all-figures date's two readings, printed on the page
    with a slash or a dash, and the page states it nowhere in a form whose order is known (module docstring)."""
    if day is None or day.day > 12 or day.day == day.month or not _in_the_source(day, html):
        return False
    texts = [str(text) for text in tree.itertext()]
    if not any(_either_reading(day, match) for text in texts for match in SLASHED.finditer(text)):
        return False  # the page's day came from elsewhere
    # the source holds the text and every attribute's value: one search each (read-through 46; was 12 ms a page)
    return not _stated_by_figures(day, [url, html]) and not _stated_in_words(day, texts)


def _in_the_source(day: date, html: str) -> bool:
    """Whether the page's source holds `day` slashed or dashed in either order, found from its year's places (a
    search for a literal): the tree is walked only on the few pages that print it, since walking every page with a day
    of 12 or less cost 6% of extraction (read-through 46). A date the tree's text holds is in the source too, unless
    its figures are written as entities, which leaves the day's order closed, as before the forty-seventh pass."""
    readings = {(day.day, day.month), (day.month, day.day)}
    for separator in "/-":
        year = f"{separator}{day.year}"
        at = html.find(year)
        while at != -1:
            after = html[at + len(year):at + len(year) + 1]
            head = _HEAD[separator].search(html, max(0, at - 6), at) if not after or after not in _CLOSED else None
            if head is not None and (int(head[1]), int(head[2])) in readings:
                return True
            at = html.find(year, at + 1)
    return False


# "12/02" right before "/2026": one or two figures, the same separator, nothing of a date before them
_HEAD = {separator: re.compile(rf"(?:^|(?<=[^\d/-]))(\d{{1,2}}){separator}(\d{{1,2}})$")
         for separator in "/-"}
_CLOSED = frozenset("0123456789/-")


def _either_reading(day: date, match: re.Match[str]) -> bool:
    """Whether a slashed date reads as `day` in one order (and so as its swap in the other)."""
    numbers = {(int(match[1]), int(match[3])), (int(match[3]), int(match[1]))}
    return int(match[4]) == day.year and (day.day, day.month) in numbers


def _stated_by_figures(day: date, values: list[str]) -> bool:
    """Whether a year-first date (ISO, a /2026/02/12/ path, 20260212 in a URL) of `day` is in one of `values`."""
    iso = re.compile(rf"(?<!\d){day.year}[-/.]0?{day.month}[-/.]0?{day.day}(?!\d)|(?<!\d){day:%Y%m%d}(?!\d)")
    return any(iso.search(value) for value in values)


def _stated_in_words(day: date, texts: list[str]) -> bool:
    """Whether a text states `day` in a form whose order is known: a month as a word, a dotted day first."""
    number = re.compile(rf"(?<!\d)0?{day.day}(?!\d)")  # the day as a number of its own, not a figure of "2026"
    return any((found := first_date(text, named=True)) is not None and found[1] == day
               for text in texts if len(text) <= WORDS_TEXT_CHARS and number.search(text))


# A day stated in words is a dateline's or a byline's short text; a script's JSON or a long paragraph read by
# every date pattern cost 0.2 s a page (read-through 46), and an ISO date in a script is `_stated_by_figures`'.
WORDS_TEXT_CHARS = 1_000
