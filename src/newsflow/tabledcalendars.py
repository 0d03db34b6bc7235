"""Dates in the two calendars that no arithmetic rule gives: the Islamic (Hijri) calendar as Saudi
Arabia's Umm al-Qura tables fix it, and Nepal's Bikram Sambat (eighth pass, docs/extraction.md).

An Arabic page may date a story only as "11 رمضان 1447 هـ" (or, tenth pass, "1447/09/11 هـ"); a
Nepali one as "फागुन १७, २०८२", "२०८२ फागुन १७ गते" or "१७ फागुन २०८२". Both calendars fix their month lengths by table: the
tabular (arithmetic) Islamic calendar is a day off Umm al-Qura in many months, and Bikram Sambat
months run 29 to 32 days by a committee's almanac. The tables here hold those facts for the years of
news (Hijri 1410-1460, 1989-2039; Bikram Sambat 2047-2089, 1990-2033), compactly: a Hijri year's
twelve month lengths as three hex digits (bit set: 30 days, else 29; Muharram the highest bit), a
Bikram Sambat year's as twelve digits (days less 29). They were derived from the published Umm
al-Qura month starts and the Nepali almanac's month lengths, as the hijridate and py-nepali
packages (MIT) list them, and checked against known days (1 Ramadan 1447 = 18 February 2026;
1 Baisakh 2081 = 13 April 2024, 2082 = 14 April 2025).

`tabled_dates` gives (position, year, month, day) in Gregorian terms, as
`worlddates.calendar_dates` does; `headline_date` reads them only on a line without a Gregorian date
(an Arabic page that prints both gives its Gregorian day, whichever Hijri reckoning it follows).
Pure: the standard library.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

HIJRI_FIRST_YEAR = 1410
HIJRI_START = date(1989, 8, 2)  # 1 Muharram 1410 (Umm al-Qura)
_HIJRI_MONTHS = (
    "ba95b49ba4db25d52daa5ad4aea56d4bd23d91da95b4ab5a56d2b693b49b6556a9754b6a56caad555b29b92ba95d4ada55aaab5957"
    "49764baa5b52b6a56d2ae9572a75535a95d49ba4dd26d53"
)
BS_FIRST_YEAR = 2047
BS_START = date(1990, 4, 14)  # 1 Baisakh 2047
_BS_MONTHS = (  # twelve digits a year
    "222322101011223222101011232321110011232321110102222322101011223222101011232321110011232321110102"
    "223222101011223231101011232321110012132321110102223222101011223321101011232321110012132322010102"
    "223222101011223321101011232321110012222322011002223222101011223321101011232321110012222322011011"
    "223222101011232321101011232321110012222322101011223222101011232321110011232321110102222322101011"
    "223222101011232321110011232321110102223222101011223222101011232321110012132321110102223222101011"
    "223321101011232321110012132321110102"
)

_HIJRI_NAMES = (  # each month's spellings, "|"-separated
    "محرم", "صفر", "ربيع الأول|ربيع الاول", "ربيع الآخر|ربيع الثاني|ربيع الاخر",
    "جمادى الأولى|جمادى الاولى|جمادى الأول", "جمادى الآخرة|جمادى الثانية|جمادى الاخرة", "رجب", "شعبان", "رمضان",
    "شوال", "ذو القعدة|ذي القعدة", "ذو الحجة|ذي الحجة",
)
_HIJRI = {name: index + 1 for index, names in enumerate(_HIJRI_NAMES) for name in names.split("|")}
# The names Nepali papers print (not the Sanskrit forms, which Hindi pages use for the lunar Vikram Samvat)
_BS_NAMES = ("बैशाख वैशाख", "जेठ", "असार", "साउन", "भदौ", "असोज", "कात्तिक", "मंसिर", "पुस", "माघ", "फागुन", "चैत")
_BS = {name: index + 1 for index, names in enumerate(_BS_NAMES) for name in names.split()}

_HIJRI_NAME = "|".join(sorted(_HIJRI, key=len, reverse=True))
_HIJRI_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_HIJRI_NAME})\s+(14[1-6]\d)(?!\d)")
_BS_NAME = "|".join(_BS)
_BS_YEAR = r"(20[4-8]\d)"
_BS_MDY = re.compile(rf"({_BS_NAME})\s+(\d{{1,2}})\s*,?\s*{_BS_YEAR}(?!\d)")
_BS_YMD = re.compile(rf"(?<!\d){_BS_YEAR}\s*,?\s*({_BS_NAME})\s+(\d{{1,2}})(?!\d)")
_BS_DMY = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_BS_NAME})\s*,?\s*{_BS_YEAR}(?!\d)")
# A Hijri date in numbers, with its era mark after it (tenth pass; Gulf papers print it beside, or
# instead of, the Gregorian one): "1447/09/15 هـ", "15/09/1447هـ", "15-09-1447 هـ"  # noqa: RUF003
_HIJRI_NUMERIC = re.compile(
    r"(?<![\d/-])(?:(14[1-6]\d)([/-])(\d{1,2})\2(\d{1,2})|(\d{1,2})([/-])(\d{1,2})\6(14[1-6]\d))(?![\d/-])\s*هـ")
_HINTS = ("ر", "ش", "م", "ج", "ذ", "ص", "هـ", *_BS)  # a letter of every Hijri month name; every Nepali one


def tabled_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day), Gregorian, of each Hijri or Bikram Sambat date in `text`
    (ASCII digits)."""
    if not any(hint in text for hint in _HINTS):
        return []
    written = [(m.start(), "h", int(m[3]), _HIJRI[m[2]], int(m[1])) for m in _HIJRI_DATE.finditer(text)]
    written += [(m.start(), "h", int(m[1]), int(m[3]), int(m[4])) if m[1] else
                (m.start(), "h", int(m[8]), int(m[7]), int(m[5])) for m in _HIJRI_NUMERIC.finditer(text)]
    written += [(m.start(), "bs", int(m[3]), _BS[m[1]], int(m[2])) for m in _BS_MDY.finditer(text)]
    written += [(m.start(), "bs", int(m[1]), _BS[m[2]], int(m[3])) for m in _BS_YMD.finditer(text)]
    written += [(m.start(), "bs", int(m[3]), _BS[m[2]], int(m[1])) for m in _BS_DMY.finditer(text)]
    found = []
    for position, calendar, year, month, day in written:
        gregorian = hijri_to_gregorian(year, month, day) if calendar == "h" else bikram_to_gregorian(year, month, day)
        if gregorian is not None and calendar == "h":
            gregorian = on_the_named_weekday(gregorian, text[max(0, position - 16):position])
        if gregorian is not None:
            found.append((position, gregorian.year, gregorian.month, gregorian.day))
    return found


# Arabic weekday names, Monday first (date.weekday()), as printed before a Hijri date: "الخميس 15 رمضان 1447"
_WEEKDAYS = ("الاثنين|الإثنين", "الثلاثاء", "الأربعاء|الاربعاء", "الخميس", "الجمعة", "السبت", "الأحد|الاحد")
_WEEKDAY = {name: index for index, names in enumerate(_WEEKDAYS) for name in names.split("|")}
_WEEKDAY_NAME = re.compile("(" + "|".join(_WEEKDAY) + r")[\s,،]*$")


def on_the_named_weekday(tabled: date, before: str) -> date:
    """The Umm al-Qura day, or the day next to it, that falls on the weekday printed just before
    the date (ninth pass). Countries that fix their months by sighting the moon (Morocco, Egypt,
    Pakistan …) begin a month on Umm al-Qura's first day or a day after or before it; no table gives
    their days, but a page that prints the weekday says which of the three it is."""
    match = _WEEKDAY_NAME.search(before)
    if match is None:
        return tabled
    named = _WEEKDAY[match[1]]
    return next((day for day in (tabled, tabled + timedelta(days=1), tabled - timedelta(days=1))
                 if day.weekday() == named), tabled)


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """An Umm al-Qura date as a Gregorian one; None outside the table or for a day the month lacks."""
    index = year - HIJRI_FIRST_YEAR
    if not 0 <= index < len(_HIJRI_MONTHS) // 3 or not 1 <= month <= 12:
        return None
    lengths = _hijri_lengths(year)
    if not 1 <= day <= lengths[month - 1]:
        return None
    earlier = sum(sum(_hijri_lengths(HIJRI_FIRST_YEAR + y)) for y in range(index)) + sum(lengths[:month - 1])
    return HIJRI_START + timedelta(days=earlier + day - 1)


def _hijri_lengths(year: int) -> list[int]:
    index = year - HIJRI_FIRST_YEAR
    bits = int(_HIJRI_MONTHS[index * 3:index * 3 + 3], 16)
    return [30 if bits >> (11 - month) & 1 else 29 for month in range(12)]


def bikram_to_gregorian(year: int, month: int, day: int) -> date | None:
    """A Bikram Sambat date as a Gregorian one; None outside the table or for a day the month lacks."""
    index = year - BS_FIRST_YEAR
    if not 0 <= index < len(_BS_MONTHS) // 12 or not 1 <= month <= 12:
        return None
    lengths = [29 + int(digit) for digit in _BS_MONTHS[index * 12:index * 12 + 12]]
    if not 1 <= day <= lengths[month - 1]:
        return None
    earlier = 29 * 12 * index + sum(map(int, _BS_MONTHS[:index * 12])) + sum(lengths[:month - 1])
    return BS_START + timedelta(days=earlier + day - 1)
