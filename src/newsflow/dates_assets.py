"""A day that only an asset's URL names: a stylesheet's or a script's version, not the story's (forty-ninth pass).

Many sites tag their stylesheets and scripts with the day they were built, so that browsers fetch the new file
(`/css/print.css?v=2022-06-15`, `/js/site.min.js?ver=20220615`, `/assets/2022/06/15/app.css`). htmldate's whole-page
scan reads such a day when the page dates its story nowhere it can read, and newsflow stored it: trafdates' galore.de
(tune half) stored a print stylesheet's 15 June for a book column of 30 November. The day is the build's, not the
story's, on any CMS in any language: refused (`dates._from_elsewhere`), the page stores no day unless something else
dates it, and a feed's date dates it in a run (`articledates`).

A day the page writes anywhere else, in figures (year first, or with the day and month in either order before the
year) or in words ("15. Juni 2022", "June 15, 2022", "2022年6月15日"), in any text or any other attribute (a `<time>`,
a meta, a link to the page itself, `<link rel="canonical">`), is left to the other rules as before.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from newsflow.printeddates import first_date

ASSET_RELS = frozenset({"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"})
"""`<link rel>` values whose `href` is a file the page loads, not a page (canonical, alternate, amphtml: the page's
own URL, whose day is the story's)."""

_WORDS_REACH = 32
"""How far before or after the year a day in words is read ("Mittwoch, 15. Juni 2022", "15 de junio de 2022")."""


def asset_version_only(tree: Any, day: date) -> bool:
    """Whether `day` is written on the page only inside the URLs of the stylesheets and scripts it loads."""
    figures = _figures(day)
    assets = _asset_urls(tree)
    if not any(figures.search(url) for url in assets):
        return False  # most pages: read first, as it is cheap
    return not _written_elsewhere(tree, day, figures, assets)


def _asset_urls(tree: Any) -> set[str]:
    urls = {str(src) for src in tree.xpath("//script/@src")}
    for link in tree.xpath("//link[@href][@rel]"):
        if ASSET_RELS & set(str(link.get("rel")).lower().split()):
            urls.add(str(link.get("href")))
    return urls


def _figures(day: date) -> re.Pattern[str]:
    """`day` in figures with its full year: year first (2022-06-15, 2022/6/15, 20220615) or last in either order
    (15.06.2022, 06/15/2022): an order the page leaves open still writes the day."""
    d, m, y = day.day, day.month, day.year
    return re.compile(rf"(?<!\d)(?:{y}[-/.]0?{m}[-/.]0?{d}|{day:%Y%m%d}|0?{d}[-/.]0?{m}[-/.]{y}"
                      rf"|0?{m}[-/.]0?{d}[-/.]{y})(?!\d)")


def _written_elsewhere(tree: Any, day: date, figures: re.Pattern[str], assets: set[str]) -> bool:
    """Whether a text or an attribute other than an asset's URL writes `day` (in figures or in words)."""
    year = str(day.year)
    for element in tree.iter():
        for name, value in element.items():
            if year in value and figures.search(value) and not (name in ("src", "href") and value in assets):
                return True
    return any(year in text and (figures.search(text) or _in_words(text, day, year)) for text in tree.itertext())


def _in_words(text: str, day: date, year: str) -> bool:
    at = text.find(year)
    while at != -1:
        before, after = text[max(0, at - _WORDS_REACH):at + len(year)], text[at:at + _WORDS_REACH]
        if any((found := first_date(window, named=True)) is not None and found[1] == day for window in (before, after)):
            return True
        at = text.find(year, at + 1)
    return False
