"""Checks on a chosen publication date that hold on any page (fifth pass, docs/extraction.md).

- **Plausible**: a publication is not before `EARLIEST` (1990: no news site) nor after the
  moment of extraction (an embargo or a template's "2099"); such a candidate is no candidate.
- **The article's own JSON-LD first**: `datePublished` of an article object (NewsArticle,
  ReportageNewsArticle, BlogPosting …) comes before that of a video, an image or a web page in
  the same page, which date the media or the site, not the story.
- **An update bounds the publication**: an update or "as of" stamp under the headline
  ("Aktualisiert: 11.04.2020", "Stand: 28.04.2020 18:00 Uhr", "Updated 14 March 2021") is
  never before the publication; a date after it is not the publication.
- **Two sources against one**: a day that two independent sources state (JSON-LD, a published
  meta, the byline under the headline, the URL) beats a day that only one of them states.

Pure: an lxml tree walked by its methods, and the standard library.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeGuard

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)
"""A date up to this far past the moment of extraction is still plausible (time zones, clocks)."""
_ARTICLE_TYPE = re.compile(r"article|posting|report", re.IGNORECASE)
# /2022/05/02/, /2022-05-02-slug, /2024-03/15/ (Xinhua), /2024/0315/ (People's Daily), /202403/15/ (China
# Daily), /20240315/,
# t20240315_123.html, -20240315.html, ?date=2024-03-15, ?date=20240315 (ninth pass)
_URL_DAY = re.compile(
    r"(?:/|\bdate=)((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=/|$|[^\d])"
    r"|/((?:19|20)\d{2})/(\d{2})(\d{2})/|/((?:19|20)\d{2})(\d{2})/(\d{2})/"
    r"|(?:/|\bt|[-_]|\bdate=)((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.&#-]|$)"
)
# eleventh pass: a compact day with its time to the second ends a page's slug, before its extension or
# a short suffix (`-20260127091500-nt.html`); elsewhere, or in a media file's name, it is an identifier
_URL_DAY_TIME = re.compile(
    r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[01]\d|2[0-3])[0-5]\d[0-5]\d(?:-[a-z]{1,12})?"
    r"\.(?:s?html?|php|aspx?|jsp|cms)(?=$|[?#])",
    re.IGNORECASE,
)
_EARLIEST_TIMED_URL = date(1995, 1, 1)
"""No site named its pages with a compact time to the second before this: an earlier run is an identifier."""
URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/")
"""A URL's year and month folders, /2010/05/ (a permalink's month; `declareddates`, `lastresortdates`)."""
# eleventh pass: an English month's abbreviation, /2026/jan/27/ (the Guardian's form)
_URL_MONTH_WORD = re.compile(r"/((?:19|20)\d{2})/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/(\d{1,2})/",
                             re.IGNORECASE)
# twenty-second pass: a folder of the path that is a day, a month and a year, "/12-03-2026/", "/12.03.2026/",
# "/12/03/2026/" (htmldate reads a year first only); a date glued to a slug's words or an identifier is not one
_URL_FOLDER_DMY = re.compile(
    r"/(\d{1,2})([-.])(\d{1,2})\2((?:19|20)\d{2})(?=/|$)|/(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?=/|$)"
)
# twenty-third pass: what a folder that reads as a day may be instead of a CMS's date folder. A folder or host label
# naming software (a version's, a release's, a download's or a manual's tree: "/software/1.10.2024/", "docs.",
# "/v/12.03.2026/install"), and a file that is no page after the folder ("/12.03.2026/setup.exe")
_SOFTWARE_FOLDERS = frozenset((
    "v", "ver", "version", "versions", "versione", "versao", "versionen", "release", "releases",
    "release-notes", "releasenotes", "download", "downloads", "descargas", "descarga", "telechargement",
    "telechargements", "dl", "changelog", "changelogs", "docs", "doc", "documentation", "manual", "manuals",
    "firmware", "driver", "drivers", "software", "sdk", "api", "build", "builds", "patch", "patches", "package",
    "packages",
))
_FILE_EXTENSION = re.compile(r"\.([a-z][a-z0-9]{0,4})$", re.IGNORECASE)
_PAGE_EXTENSIONS = frozenset(("html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cms", "ece", "amp"))
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def plausible(moment: datetime | None, now: datetime | None = None) -> TypeGuard[datetime]:
    """Whether a candidate could be a publication time: from 1990 to a day past `now`."""
    if moment is None:
        return False
    latest = (now or datetime.now(UTC)) + AHEAD
    return EARLIEST <= moment <= latest


def article_first(typed_values: Iterable[tuple[str, str]]) -> list[str]:
    """Values of article objects first, then the others, each in document order."""
    pairs = list(typed_values)
    return [value for kind, value in pairs if _ARTICLE_TYPE.search(kind)] + [
        value for kind, value in pairs if not _ARTICLE_TYPE.search(kind)
    ]


def not_article(typed_values: Iterable[tuple[str, str]]) -> list[str]:
    """Values of the objects that are no article (a web page, a video, an image), in document order."""
    return [value for kind, value in typed_values if not _ARTICLE_TYPE.search(kind)]


def url_day(url: str | None) -> date | None:
    """The day a URL names (`/2022/05/02/`, `/20240315/`, `t20240315_1.html`, `/2026/jan/27/`, a
    compact day with its time to the second ending a page's slug, `-20260127091500-nt.html`), if
    any. A longer run of digits is an identifier (`slug-20240315123456789.htm`), even where it is a
    day and a time with milliseconds (Daum's `/v/20260127091500123`: its byline is read instead);
    so is a day and time not before a page's extension (`/item/19991231235959`, `-hd.jpg`)."""
    for match in _URL_DAY.finditer(url or ""):
        year, month, day = (int(part) for part in match.groups() if part is not None)
        with contextlib.suppress(ValueError):
            return date(year, month, day)
    for match in _URL_MONTH_WORD.finditer(url or ""):
        with contextlib.suppress(ValueError):
            return date(int(match[1]), _MONTH_ABBREVIATIONS.index(match[2].lower()) + 1, int(match[3]))
    return _url_day_with_time(url or "")


def url_folder_day(url: str | None, order_of: Callable[[], str | None]) -> date | None:
    """The day of a folder of the URL's path that is a day, a month and a year ("/12-03-2026/", "/12.03.2026/",
    "/12/03/2026/"; twenty-second pass): day first when the first number is over 12, else in the page's order
    (`order_of`, asked only then: "mdy" on a US site), none when that order is not known. A date in a slug
    ("council-to-meet-on-12-03-2026") is not read: it is as often an event's as the story's; nor (twenty-third
    pass) a folder with no story under it or in a software tree (`_a_storys_day_folder`: a version, a release)."""
    path = (url or "").split("?", 1)[0].split("#", 1)[0]
    for match in _URL_FOLDER_DMY.finditer(path):
        if not _a_storys_day_folder(path[:match.start()], path[match.end():]):
            continue
        parts = match.group(1, 3, 4) if match[1] else match.group(5, 6, 7)  # dashed or dotted, else slashed
        first, second, year = (int(part) for part in parts)
        order = "dmy" if first > 12 else order_of()
        if order in ("dmy", "mdy"):
            day, month = (first, second) if order == "dmy" else (second, first)
            with contextlib.suppress(ValueError):
                return date(year, month, day)
    return None


def _a_storys_day_folder(before: str, after: str) -> bool:
    """Whether a folder that reads as a day is a news CMS's date folder, with the story under it (twenty-third
    pass): a slug, an id or a page follows it ("/12-03-2026/council-budget", "/25-02-2026/123456",
    "/05.03.2026/123456.html"), not nothing (a day's index, a version's page: "/software/1.10.2024/"), nor a
    file that is no page ("setup.exe", "data.zip"); and no folder before it, nor a label of the host, names
    software ("/releases/", "/docs/v/", "download.")."""
    rest = [segment for segment in after.split("/") if segment]
    if not rest:
        return False
    extension = _FILE_EXTENSION.search(rest[-1])
    if extension is not None and extension[1].lower() not in _PAGE_EXTENSIONS:
        return False
    names = before.split("//", 1)[-1].lower()
    host, _, folders = names.partition("/")
    return not any(word in _SOFTWARE_FOLDERS for word in host.split(".") + folders.split("/"))


def _url_day_with_time(url: str) -> date | None:
    """The day of a compact day and time ending a page's slug, when it is a plausible one (from
    `_EARLIEST_TIMED_URL` to a day past today)."""
    latest = (datetime.now(UTC) + AHEAD).date()
    for match in _URL_DAY_TIME.finditer(url):
        with contextlib.suppress(ValueError):
            day = date(int(match[1]), int(match[2]), int(match[3]))
            if _EARLIEST_TIMED_URL <= day <= latest:
                return day
    return None


def agreed_day(days: Iterable[date | None], against: date) -> date | None:
    """The one day, other than `against`, that two or more of the sources state, when `against`
    is stated by none of them."""
    stated = [day for day in days if day is not None]
    if against in stated:
        return None
    agreed = {day for day in stated if stated.count(day) >= 2}
    return agreed.pop() if len(agreed) == 1 else None


def outvoted_day(stated: list[tuple[str, date]], against: date) -> date | None:
    """The day that two sources of the page state, the byline under the headline one of them, when only one source
    states `against` (twenty-fourth pass: a JSON-LD `datePublished` on the day a CMS created the draft, while the
    published-time meta and the byline the reader sees agree on the day it came out). Sources are (kind, day):
    "ld", "meta", "byline", "url"; a byline prints one day, and an update's is none (`headline_date`)."""
    if sum(day == against for _, day in stated) != 1:
        return None
    bylines = {day for kind, day in stated if kind == "byline" and day != against}
    voted = [day for day in bylines if sum(other == day for _, other in stated) >= 2]
    return voted[0] if len(voted) == 1 else None


ZONE_SPREAD = timedelta(hours=12)
"""Two times this close name one moment as far as the day goes: their days may differ by the zone each is written in
(a JSON-LD time after midnight at +01:00, the meta's and the byline's the evening before in UTC: review of the
twenty-fourth pass), which is no disagreement on the day."""


def stated_days(sources: list[tuple[str, datetime]], chosen: datetime) -> list[tuple[str, date]]:
    """Each source's day for `outvoted_day`, the chosen date's day for a time within `ZONE_SPREAD` of the chosen time
    (a bare day, midnight, names no instant: its own day)."""
    def near(moment: datetime) -> bool:
        return not is_bare(chosen) and not is_bare(moment) and abs(moment - chosen) < ZONE_SPREAD

    return [(kind, chosen.date() if near(moment) else moment.date()) for kind, moment in sources]


def is_bare(moment: datetime) -> bool:
    """Whether a date is a bare day: midnight, no time of day stated."""
    return moment.time() == time(0)
