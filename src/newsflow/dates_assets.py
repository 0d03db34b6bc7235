"""A day that only the URL of a file the page loads names: a stylesheet's or a script's build, a preloaded image's
upload, not surely the story's (forty-ninth pass).

Many sites tag their stylesheets and scripts with the day they were built, so that browsers fetch the new file
(`/css/print.css?v=2022-06-15`, `/js/site.min.js?ver=20220615`, `/assets/2022/06/15/app.css`). htmldate's whole-page
scan reads such a day when the page dates its story nowhere it can read, and newsflow stored it over a later feed
date: trafdates' galore.de (tune half) has a print stylesheet's 15 June for a book column of 30 November. Such a day
is weak, as a photo's upload day is (`dates.dated_by_image_only`, `ExtractedArticle.published_by_image`): stored for a
page nothing else dates, as before, it gives way to a feed's date in a run (`articledates.article_dates`). It is not
refused: on a fresh story a daily cache-buster carries the story's own day (review of the pass: TechCrunch's
`typekit.js?ver=20240428` on a story of that day).

What counts as the day written elsewhere (then it is no asset's alone, and stands as any other day): in a text node
(scripts' too), the day in figures with its full year (year first, 2022-06-15, 2022/6/15, 20220615, or last with the
day and month in either order, 15.06.2022, 06/15/2022) or in words within 32 characters of the year ("15. Juni 2022",
"June 15, 2022", "2022年6月15日"); in an attribute other than an asset's URL (a `<time datetime>`, a meta's content, a
canonical link), the day in those figures only. Not read: a day split across elements (`<span>15</span> <span>Jun
</span> <span>2022</span>`), a two-digit year, an attribute in words or RFC 2822 ("Wed, 15 Jun 2022 08:00:00 GMT").
Such a page keeps its day, flagged weak: a feed's date, if the run has one, replaces it (most often the same day).
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
    """Whether `day` is written on the page only inside the URLs of the stylesheets, scripts and preloads it loads (in
    the shapes the module docstring lists)."""
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
