# ruff: noqa: RUF001, RUF002, RUF003  (letters of other scripts are the dates' own)
"""Dates written in letters, not digits (fifteenth pass, docs/extraction.md): Chinese numerals and the
Hebrew calendar.

- **Chinese numerals**: Chinese papers' formal dates and Japanese ones in vertical or formal text write
  the year digit by digit ("二〇二六年三月十二日", "二零二六年", "二○二六年" with a circle for zero) and the
  month and day as numbers with tens ("十二", "三十一", "廿三"); a Japanese era year too ("令和八年三月十二日",
  "令和元年"), and Taiwan's Minguo year ("民國一一五年三月十二日", "民國一百一十五年"). `numeral_dates` gives
  their (position, year, month, day).
- **The Hebrew calendar**: an Israeli page may date a story only as "כ"ג באדר תשפ"ו" (23 Adar 5786: 12
  March 2026), the day and the year in Hebrew letters whose values add up (gematria), marked by a
  geresh or gershayim (ASCII quotes, "׳" "״", or typographic ones). `hebrew_dates` gives their Gregorian
  (position, year, month, day), computed by the calendar's arithmetic (the molad and the postponement
  rules, as Dershowitz and Reingold's *Calendrical Calculations* write them). A plain "Adar" in a leap
  year (which has Adar I and Adar II) is left unread: the page has to say which. Years 5750-5800
  (1989-2040) are read.

Neither form has an ASCII digit, so `has_letter_date` tells `newsflow.printeddates.first_date` a text may
hold one (it skips texts without digits). Pure: the standard library.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from itertools import pairwise

from newsflow.worlddates import ERAS, MINGUO

_ZERO_TO_NINE = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                 "九": 9}
_FIGURE = "[〇○零一二三四五六七八九]"
_COUNT = "[一二三四五六七八九十廿卅百元]"
_NUMERAL_DATE = re.compile(rf"(令和|平成|昭和|民國|民国)?\s*({_FIGURE}{{4}}|{_COUNT}{{1,5}}|{_FIGURE}{{2,3}})\s*年\s*"
                           rf"({_COUNT}{{1,3}})\s*月\s*({_COUNT}{{1,4}})\s*日")
_LUNAR = re.compile(r"(?:农历|農曆|阴历|陰曆|旧历|舊曆)\s*$")
"""The Chinese lunar calendar's name just before a date ("农历二〇二五年八月十五日": Mid-Autumn, 6 October)."""
_HEBREW_MARKS = ('"', "״", "”", "'", "׳", "’")
_HEBREW_LETTER = re.compile("[\u05d0-\u05ea]")


def has_letter_date(text: str) -> bool:
    """Whether `text` may hold a date written in letters (a cheap test before the patterns)."""
    return "年" in text or (any(mark in text for mark in _HEBREW_MARKS) and _HEBREW_LETTER.search(text) is not None)


def numeral_value(numeral: str) -> int | None:
    """A number in Chinese numerals: digit by digit ("二〇二六", "一一五") or counted with tens and
    hundreds ("十二", "三十一", "廿三", "一百一十五"); "元" (an era's first year) is 1."""
    if numeral == "元":
        return 1
    if all(char in _ZERO_TO_NINE for char in numeral) and (len(numeral) > 1 or numeral != "〇"):
        return int("".join(str(_ZERO_TO_NINE[char]) for char in numeral))
    total, pending = 0, None
    for char in numeral:
        if char in "十廿卅百":
            unit = {"十": 10, "廿": 20, "卅": 30, "百": 100}[char]
            total += (pending if pending is not None else 1) * unit if char in "十百" else unit
            pending = None
        elif char in _ZERO_TO_NINE and pending is None:
            pending = _ZERO_TO_NINE[char]
        else:
            return None  # "二二十", "元" inside a number: no count
    return total + (pending or 0)


def numeral_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) of each date in Chinese numerals in `text`."""
    if "年" not in text:
        return []
    found = []
    for match in _NUMERAL_DATE.finditer(text):
        era, numbers = match[1], [numeral_value(match[group]) for group in (2, 3, 4)]
        if None in numbers or _LUNAR.search(text, 0, match.start()):
            continue
        year, month, day = (number or 0 for number in numbers)
        if era in ERAS:
            year += ERAS[era]
        elif era is not None:
            year += MINGUO
        elif year < 1900:  # a year without an era is a Gregorian one, written in full
            continue
        found.append((match.start(), year, month, day))
    return found


_GEMATRIA = dict(zip("אבגדהוזחטיכלמנסעפצקרשת", (*range(1, 10), *range(10, 100, 10), 100, 200, 300, 400), strict=True))
_GEMATRIA.update({"ך": 20, "ם": 40, "ן": 50, "ף": 80, "ץ": 90})
_MARK = "[\"״”'׳’]"
_HEBREW_MONTHS = {  # Dershowitz and Reingold's numbering: Nisan is 1, Tishrei 7, Adar 12, Adar II 13
    "ניסן": 1, "אייר": 2, "איר": 2, "סיוון": 3, "סיון": 3, "תמוז": 4, "מנחם אב": 5, "אב": 5, "אלול": 6,
    "תשרי": 7, "מרחשוון": 8, "מרחשון": 8, "חשוון": 8, "חשון": 8, "כסלו": 9, "כסליו": 9, "טבת": 10, "שבט": 11,
    "אדר": 12,
}
_HEBREW_MONTH = "(" + "|".join(sorted(_HEBREW_MONTHS, key=len, reverse=True)) + ")"
# "כ"ג באדר תשפ"ו", "כ״ג אדר ה׳תשפ״ו", "ט"ו בשבט", "א' בניסן", "כ"ג באדר ב' תשפ"ז"
_HEBREW_DATE = re.compile(
    rf"(?<![\u05d0-\u05ea])([\u05d0-\u05ea]{_MARK}[\u05d0-\u05ea]?)\s+ב?{_HEBREW_MONTH}"
    rf"(?:\s+([אב]){_MARK}|\s+(I{{1,2}})(?![A-Za-z]))?,?\s+(?:ה{_MARK}?\s?)?([\u05d0-\u05ea]{{2,3}}{_MARK}[\u05d0-\u05ea])"
    r"(?![\u05d0-\u05ea])"
)
_HEBREW_EPOCH = -1373427
"""The ordinal (`date.toordinal`) of 1 Tishrei of the year 1 (7 October 3761 BC, Julian)."""


def gematria(letters: str) -> int:
    """The value of Hebrew letters, marks left out: "כ"ג" is 23, "תשפ"ו" 786."""
    return sum(_GEMATRIA.get(char, 0) for char in letters)


def hebrew_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) in Gregorian terms of each Hebrew-calendar date in `text`."""
    if not any(mark in text for mark in _HEBREW_MARKS):
        return []
    found = []
    for match in _HEBREW_DATE.finditer(text):
        year, month = 5000 + gematria(match[5]), _HEBREW_MONTHS[match[2]]
        second = (match[3] or "") in ("ב",) or match[4] == "II"
        if month == 12 and _leap(year) and (match[3] or match[4]):
            month = 13 if second else 12
        elif month == 12 and _leap(year):
            continue  # a leap year's plain "Adar": Adar I or Adar II, the page does not say
        in_order = _in_order(match[1]) and _in_order(match[5])  # "ח"כ" (MK), "ג"כ" (also): no day
        gregorian = hebrew_to_gregorian(year, month, gematria(match[1])) if 5750 <= year <= 5800 and in_order else None
        if gregorian is not None:
            found.append((match.start(), gregorian.year, gregorian.month, gregorian.day))
    return found


def _in_order(letters: str) -> bool:
    """Whether Hebrew letters are written as a number is: largest first ("כ"ג", not "ג"כ" nor "ב"ב"), but 15
    and 16 as 9+6 and 9+7 ("ט"ו", "ט"ז"); abbreviations with a quote mark are not, mostly."""
    values = [_GEMATRIA[char] for char in letters if char in _GEMATRIA]
    if values[-2:] in ([9, 6], [9, 7]):
        values = [*values[:-2], 15]
    return all(first > second or first == second == 400 for first, second in pairwise(values))  # "תת" is 800


def hebrew_to_gregorian(year: int, month: int, day: int) -> date | None:
    """A Hebrew date (month numbered from Nisan, Adar II 13) as a Gregorian one; None when it is no date."""
    if not (1 <= month <= (13 if _leap(year) else 12) and 1 <= day <= _month_length(year, month)):
        return None
    ordinal = _new_year(year) + day - 1
    months = [*range(7, month)] if month >= 7 else [*range(7, (13 if _leap(year) else 12) + 1), *range(1, month)]
    return date.fromordinal(ordinal + sum(_month_length(year, before) for before in months))


def _leap(year: int) -> bool:
    return (7 * year + 1) % 19 < 7


def _elapsed_days(year: int) -> int:
    """Days from the epoch to the molad of Tishrei of `year`, with the first postponement rule."""
    months = (235 * year - 234) // 19
    days = 29 * months + (12084 + 13753 * months) // 25920
    return days + 1 if (3 * (days + 1)) % 7 < 3 else days


@lru_cache(maxsize=64)
def _new_year(year: int) -> int:
    """The ordinal of 1 Tishrei of `year`, with the postponements that keep years 353-355 or 383-385 days."""
    before, this, after = _elapsed_days(year - 1), _elapsed_days(year), _elapsed_days(year + 1)
    delay = 2 if after - this == 356 else 1 if this - before == 382 else 0
    return _HEBREW_EPOCH + this + delay


def _month_length(year: int, month: int) -> int:
    days_in_year = _new_year(year + 1) - _new_year(year)
    short = month in (2, 4, 6, 10, 13) or (month == 12 and not _leap(year))
    short |= month == 8 and days_in_year % 10 != 5  # Marheshvan is long in a 355- or 385-day year
    short |= month == 9 and days_in_year % 10 == 3  # Kislev is short in a 353- or 383-day year
    return 29 if short else 30
