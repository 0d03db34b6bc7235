"""A publication day printed without its year: "Sun, Mar 1" under the headline, or a wire dateline
that opens the story, "NEW DELHI, March 1 (Reuters) -" (eighth pass, docs/extraction.md), or a
Japanese, Chinese or Korean byline's "3月4日 10時30分" (ninth pass), or a numeric day and month with
a clock time, Chinese portals' "03-04 10:30" and Vietnamese "4/3 10:30", in the page's order (tenth pass).

Wire services and many news front ends print the year only for older stories, so the year is the
one that puts the day on or before the fetch: extraction returns the month and the day
(`ExtractedArticle.published_month_day`) and the pipeline, which knows when it fetched the page,
gives the year (`articledates.article_dates`), as it counts "2 hours ago" back from the fetch. Only
a page that states no date of its own and whose feed gives none is dated this way. A line with a
year ("March 1, 2026") is read by `headline_date`; an update's line is not read (the caller's
`lines` leave it out).

Pure: the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

AHEAD = timedelta(days=1)
"""A yearless day up to this far after the fetch's UTC day is this year's (the publisher's day may be ahead)."""


def month_day_patterns(months: Mapping[str, int]) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of a month name with its day and no year after them, for `months` (lowercased
    names and short forms: `headline_date`'s table): month first, day first, and a dateline (a
    place in capitals, the month and day, the agency in brackets, a dash)."""
    name = "|".join(re.escape(month) for month in sorted(months, key=len, reverse=True))
    no_year = r"(?![,.]?\s*(?:de\s+)?(?:19|20)\d{2}(?!\d))"
    # the day is no clock's hour: "4 Mart 10:30" is 4 March, not 10 March (ninth pass)
    month_first = re.compile(rf"(?<!\w)({name})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d|[:.h]\d){no_year}",
                             re.IGNORECASE)
    day_first = re.compile(rf"(?<![\w.:])(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+|of\s+)?({name})\b\.?{no_year}",
                           re.IGNORECASE)
    dateline = re.compile(rf"^[A-Z][A-Z .'\u2019-]{{1,40}}(?:,\s*[A-Za-z .]{{2,30}})?,\s+((?i:{name}))\.?\s+(\d{{1,2}})"
                          rf"(?!\d){no_year}\s*(?:\([A-Za-z. ]{{1,30}}\)\s*)?[-\u2013\u2014]")
    return month_first, day_first, dateline


def byline_month_day(lines: Iterable[str], patterns: tuple[re.Pattern[str], ...], months: Mapping[str, int],
                     order: Callable[[], str | None] = lambda: None) -> tuple[int, int] | None:
    """(month, day) of the first yearless date in the byline `lines`; a numeric one with a clock time
    after it ("03-04 10:30", "4/3 10:30") in the page's `order` ("dmy", "mdy"), asked only then."""
    month_first, day_first, _ = patterns
    for line in lines:
        if (match := month_first.search(line)) is not None and _a_byline(line, match):
            return _checked(months[match[1].lower()], int(match[2]))
        if (match := day_first.search(line)) is not None and _a_byline(line, match):
            return _checked(months[match[2].lower()], int(match[1]))
        if (match := _CJK_MONTH_DAY.search(line) or _JAPANESE_SLASHED.search(line)) is not None:
            return _checked(int(match[1]), int(match[2]))
        if (match := _NUMERIC_WITH_CLOCK.search(line)) is not None and _a_byline(line, match) \
                and (read := order()) is not None:
            first, second = int(match[1]), int(match[3])
            return _checked(*((second, first) if read == "dmy" else (first, second)))
    return None


# Japanese, Chinese and Korean bylines print the day of current news without its year, with the time or
# a publication cue after it: "3月4日 10時30分 配信", "3월 4일 10:30", and Japanese portals' "3/4(水) 10:30配信"
# (ninth pass); a story's line naming a day ("3月4日に開かれた会議") has neither.
_CJK_MONTH_DAY = re.compile(r"(?<![\d年년/.-])(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일](?:\s*[(（]\w[)）])?\s*"  # noqa: RUF001
                            r"(?=\d{1,2}\s*[:時시]\s*\d{2}|配信|公開|发布|發布|입력|등록)")
# Chinese portals' "03-04 10:30" (month first), Vietnamese "Thứ tư, 4/3 10:30" (day first): a day and
# month with a clock time after them and nothing between (tenth pass); the page's order says which is which
_NUMERIC_WITH_CLOCK = re.compile(r"(?<![\d/.:-])(\d{1,2})([-/])(\d{1,2})(?![\d/.:-])\s*,?\s+\d{1,2}:[0-5]\d(?!\d)")
_JAPANESE_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})\s*[(（][月火水木金土日][)）]")  # noqa: RUF001


_LETTER = re.compile(r"[^\W\d_]")
WORDS_BEFORE, WORDS_AFTER = 4, 3
"""A byline's yearless date stands with few words around it ("By A. Writer | Mar 1, 10:30 AM"); a
line of the story that names a day ("was born on June 3", "Am Samstag, 4. November, gegen 17.50
Uhr, ist ein …") has more."""


def _a_byline(line: str, match: re.Match[str]) -> bool:
    return _words(line[:match.start()]) <= WORDS_BEFORE and _words(line[match.end():]) <= WORDS_AFTER


def _words(text: str) -> int:
    """Words of two characters or more with a letter (a Devanagari word's vowel signs are no letters)."""
    return sum(1 for token in text.split() if len(token) >= 2 and _LETTER.search(token))


def dateline_month_day(texts: Iterable[str], patterns: tuple[re.Pattern[str], ...],
                       months: Mapping[str, int]) -> tuple[int, int] | None:
    """(month, day) of a wire dateline that opens one of `texts` ("WASHINGTON, Jan 5 (Reuters) -")."""
    for text in texts:
        if (match := patterns[2].match(text)) is not None:
            return _checked(months[match[1].lower()], int(match[2]))
    return None


def _checked(month: int, day: int) -> tuple[int, int] | None:
    return (month, day) if _exists(month, day) else None


def _exists(month: int, day: int) -> bool:
    try:
        date(2024, month, day)  # a leap year: 29 February exists
    except ValueError:
        return False
    return True


def in_the_fetch_year(month_day: tuple[int, int], fetched: date) -> date | None:
    """The day `month_day` falls on, on or before the fetch (up to `AHEAD` after): this year's, or
    last year's ("Dec 31" fetched on 2 January); none when neither year has it (29 February)."""
    for year in (fetched.year, fetched.year - 1):
        try:
            day = date(year, *month_day)
        except ValueError:
            continue
        if day <= fetched + AHEAD:
            return day
    return None
