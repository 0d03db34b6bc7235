"""Two East Asian ways of printing a day that the Gregorian readers took for another (sixteenth date
pass, docs/extraction.md):

- Korean papers write the year first in two digits: "입력 26.03.12 09:15" is 12 March 2026; htmldate
  read it as 26 March 2012, and the byline reader, which reads two-digit years only in a page's known
  day-month order, read nothing. `year_first_short` reads them on a Korean page (`YEAR_FIRST`).
- A lunar date written in digits after (or, in Vietnamese, before) its calendar's name, "农历2026年1月24日",
  "음력 2026년 1월 24일", "24/1/2026 âm lịch", is no Gregorian day: 24 January is seven weeks before
  the story. `lunar_positions` gives where such dates start in a line, so that the line's Gregorian
  date is read instead; `lunar_days` gives the Gregorian readings of a page's lunar dates, so that
  htmldate's answer is dropped when it is one of them.

Pure: the standard library, and an lxml tree read by XPath.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

YEAR_FIRST = "ymd"
"""The order `headline_date` passes for a Korean page: two-digit years come first."""

# the month and the day padded to two digits, as Korean papers print them: "17.4.1" is a version (review)
_YEAR_FIRST_SHORT = re.compile(r"(?<![\d.\-/:])(\d{2})([.\-/])(\d{2})\2(\d{2})(?![\d\-/]|\.\d)")
_LUNAR_BEFORE = re.compile(r"(?:农历|農曆|农曆|阴历|陰曆|음력|âm\s+lịch|Âm\s+lịch)\s*[:\uff1a(\uff08]?\s*(?:ngày\s+)?",
                           re.IGNORECASE)
_LUNAR_AFTER = re.compile(r"\(?\s*(?:âm\s+lịch|\bÂL\b|\(음\))", re.IGNORECASE)
_LUNAR_TAIL = re.compile(r"(?:(?:19|20)\d{2}|[일日])\s*[(\uff08]?\s*$")
"""How a date qualified by a trailing calendar name ends: its year ("24/1/2026 âm lịch"), or its day
in a year-first form ("2026년 1월 24일(음)")."""
LUNAR_REACH = 24
"""How far before a trailing "âm lịch" the date it qualifies may start ("ngày 24 tháng 1 năm 2026 âm lịch")."""
_LUNAR_WORDS = ("农历", "農曆", "农曆", "阴历", "陰曆", "음력", "âm lịch", "Âm lịch", "ÂM LỊCH")
_LUNAR_TEXTS = ("//body//text()[" + " or ".join(f"contains(., '{word}')" for word in _LUNAR_WORDS)
                + "][not(ancestor::script)][not(ancestor::style)]")
_LUNAR_DATE = re.compile(r"((?:19|20)\d{2})\s*[年년./-]\s*(\d{1,2})\s*[月월./-]\s*(\d{1,2})"
                         r"|(\d{1,2})\s*(?:tháng|/)\s*(\d{1,2})\s*(?:năm|/)\s*((?:19|20)\d{2})", re.IGNORECASE)


def is_korean(tree: Any) -> bool:
    """Whether the page declares Korean (`<html lang="ko">`, "ko-KR")."""
    return str(tree.get("lang") or "").strip().lower()[:2] == "ko"


def year_first_short(text: str) -> list[tuple[int, int, int, int]]:
    """Year-first dates with a two-digit year, "26.03.12", "26-03-12", "26/03/12" (month and day padded:
    "17.4.1" is a software version): (position, year, month, day), the year in this century."""
    return [(m.start(), 2000 + int(m[1]), int(m[3]), int(m[4])) for m in _YEAR_FIRST_SHORT.finditer(text)]


def lunar_positions(text: str, starts: list[int]) -> set[int]:
    """Of the dates starting at `starts` in `text`, those that a lunar calendar's name qualifies: the
    one right after "农历", "음력" …, or the last one starting shortly before a trailing "âm lịch"."""
    if not any(word in text for word in _LUNAR_WORDS) and "ÂL" not in text and "(음)" not in text:
        return set()
    lunar = {match.end() for match in _LUNAR_BEFORE.finditer(text)} & set(starts)
    for match in _LUNAR_AFTER.finditer(text):
        before = [start for start in starts if match.start() - LUNAR_REACH <= start < match.start()]
        # only a date ending at the name: "12/03/2026 (24/1 âm lịch)" is a Gregorian day and a lunar one
        # without its year (review of the sixteenth pass)
        lunar.update(start for start in before[-1:] if _LUNAR_TAIL.search(text, start, match.start()))
    return lunar


def lunar_days(tree: Any) -> set[date]:
    """The days the page's lunar dates would be if read as Gregorian ones: a day htmldate gives that is
    one of these, and that no source of the page states, dates nothing."""
    body = str(tree.xpath("string(//body)"))  # one pass in C: most pages name no lunar calendar
    days: set[date] = set()
    if not any(word in body for word in _LUNAR_WORDS):
        return days
    for text in tree.xpath(_LUNAR_TEXTS)[:20]:
        line = str(text)
        matches = list(_LUNAR_DATE.finditer(line))
        for match in matches:
            if match.start() in lunar_positions(line, [found.start() for found in matches]):
                year, month, day = (match[1], match[2], match[3]) if match[1] else (match[6], match[5], match[4])
                try:
                    days.add(date(int(year), int(month), int(day)))
                except ValueError:
                    continue
    return days
