"""Dates in a line of printed text (split from `newsflow.headline_date` in the ninth date pass):
"2023-11-07", "29.04.2020", "2019年6月24日", "Aug 08, 2024", "4 de mayo de 2022", "4 III 2026".

`first_date` gives the first date in a text and its position. Read are unambiguous numeric dates with a
four-digit year; a slashed (or dashed) day and month only when one is over 12 or the caller knows
the page's order; a month written as a word (`MONTHS`: many languages, `newsflow.worlddates`) with
its day and year; a month in Roman numerals ("4 III 2026", Polish; "2026. III. 4.", Hungarian);
other calendars (`newsflow.worlddates.calendar_dates`); a CJK month and day without a year when the
caller gives a date near it; dates in Chinese numerals ("二〇二六年三月十二日", `newsflow.letterdates`); and,
where no Gregorian date is, Hijri and Bikram Sambat dates (`newsflow.tabledcalendars`) and Hebrew ones
(23 Adar 5786 in Hebrew letters, `newsflow.letterdates`). Digits in other scripts read as ASCII ones
(`ASCII_DIGITS`), and a month name in capitals is read as its lower-case form with accents and Turkish dotless i folded
("KASIM", a Greek month in capitals without its accent).
Pure: the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from newsflow.letterdates import has_letter_date, hebrew_dates, numeral_dates
from newsflow.lunardates import YEAR_FIRST, lunar_positions, year_first_short
from newsflow.tabledcalendars import tabled_dates
from newsflow.worlddates import WORLD_MONTHS, calendar_dates, gregorian_year, with_day_numbers

_DIGIT = re.compile(r"\d")
ASCII_DIGITS = {zero + digit: ord("0") + digit
                for zero in (0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10,  # fifteenth pass: the scripts after these
                             0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xED0, 0xF20, 0x1040, 0x17E0)
                for digit in range(10)}
"""Arabic-Indic, Persian, Devanagari, Bengali, Thai and fullwidth digits as ASCII ones; and (fifteenth
pass) Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Lao, Tibetan, Myanmar and Khmer."""
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年년]\s*(\d{1,2})\s*[-/.月월]\s*(\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20|25)\d{2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d年년])(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_MONTH_NAMES = (
    "january jan januar janvier enero janeiro gennaio",
    "february feb februar février fevrier febrero fevereiro febbraio",
    "march mar märz maerz mars marzo março", "april apr avril abril aprile", "may mai mayo maio maggio",
    "june jun juni juin junio junho giugno", "july jul juli juillet julio julho luglio", "august aug août aout agosto",
    "september sep sept septembre septiembre setembro settembre", "october oct oktober octobre octubre outubro ottobre",
    "november nov novembre noviembre novembro", "december dec dezember décembre decembre diciembre dezembro dicembre",
)
# Dutch, Nordic, Polish and Czech (genitive), Russian (genitive), Turkish, Indonesian, Arabic (Egyptian and
# Levantine names): a day, the month and a four-digit year, "12 mei 2023", "12 мая 2023", "12 مايو 2023".
_MORE_MONTH_NAMES = (
    "januari stycznia ledna января ocak janvāris sausio يناير كانون_الثاني",
    "februari lutego února февраля şubat februāris vasario فبراير شباط",
    "maart marts marca března марта mart maret kovo مارس آذار",
    "kwietnia dubna апреля nisan aprīlis balandžio أبريل ابريل نيسان",
    "mei maj maja května мая may\u0131s maijs gegužės مايو أيار",
    "czerwca června июня haziran jūnijs birželio يونيو حزيران",
    "lipca července июля temmuz jūlijs liepos يوليو تموز",
    "augustus augusti sierpnia srpna августа ağustos agustus augusts rugpjūčio أغسطس آب",
    "września září сентября eylül septembris rugsėjo سبتمبر أيلول",
    "października října октября ekim oktobris spalio أكتوبر اكتوبر تشرين_الأول",
    "listopada listopadu ноября kas\u0131m novembris lapkričio نوفمبر تشرين_الثاني",
    "desember grudnia prosince декабря aral\u0131k desember decembris gruodžio ديسمبر كانون_الأول",
)


def folded(name: str) -> str:
    """A lower-case month name without accents, and Turkish dotless i as i: what a name printed in
    capitals lowers to ("KASIM" -> "kasim", not the name with a dotless i; a Greek month loses its
    tonos)."""
    decomposed = unicodedata.normalize("NFD", name.lower().replace("\u0131", "i"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class _MonthNames(dict[str, int]):
    """Month numbers by lower-case name; a name found only in its folded form (`folded`) is that
    form's month. "KASIM".lower() is "kasim": the pattern matched it (Python's case-insensitive
    matching treats dotless i and I alike) and the plain lookup failed with a KeyError (ninth pass)."""

    def __missing__(self, name: str) -> int:
        return self[folded(name)] if folded(name) != name else super().__missing__(name)  # type: ignore[misc]


MONTHS = _MonthNames({name.replace("_", " "): index % 12 + 1
                      for index, names in enumerate(_MONTH_NAMES + _MORE_MONTH_NAMES) for name in names.split()})
MONTHS.update(WORLD_MONTHS)  # Hindi, Greek, Hebrew, Ukrainian, Hungarian … and short forms (newsflow.worlddates)
MONTHS.update({folded(name): month for name, month in list(MONTHS.items()) if folded(name) not in MONTHS})
MONTHS["μαϊου"] = 5  # "ΜΑΪΟΥ" in capitals keeps its diaeresis and loses its tonos
_NAME = "|".join(re.escape(name) for name in sorted(MONTHS, key=len, reverse=True))  # "feb." is no pattern
_ORDINAL = r"(?:st|nd|rd|th|er|º|°)?"  # "March 15th, 2024", "1er mars 2024", "1º de marzo de 2024"
_YEAR_END = r"(?:\b|(?=ء))"  # Urdu writes "2026ء"
# Latin American papers write the month first with "de" or "del" before the year: "marzo 12 de 2026",
# "noviembre 9 del 2025" (fourteenth pass); not before a lower-case word, where the number counts it:
# "en marzo 12 de 2026 personas" (review of the fourteenth pass)
_COUNTED = r"(?!\s+(?-i:[a-záéíóúñü]{4,}))"
_NAMED_MDY = re.compile(rf"\b({_NAME})\.?\s+(\d{{1,2}}){_ORDINAL}(?:[,،]|\s+(del?))?\s+((?:19|20)\d{{2}}){_YEAR_END}"
                        rf"(?(3){_COUNTED})", re.IGNORECASE)
# A Levantine and an Egyptian month name may stand together: "28 آب/أغسطس 2013"; Latin American
# papers write "12 de marzo del 2026" (fourteenth pass).
# Dots may join the three without spaces: "17.fev.2026" (Brazilian papers; ninth pass); dashes too, and
# the Levantine name may come with the Egyptian one in brackets: "12-MAR-2026", "12 آذار (مارس) 2026"
# (sixteenth pass).
# A word or a suffix may join the day to its month (nineteenth pass): Hausa "12 ga (watan) Maris, 2026", Maltese
# "12 ta' Marzu 2026", Somali "12-ka Maarso 2026", Turkmen "12-nji mart 2026"
_JOINED = r"(?:de\s+|of\s+|ga\s+(?:watan\s+)?|ta['\u2019]\s*)?"
_DAY_SUFFIX = r"(?:-(?:ka|nj[iy])(?=\s))?"
_NAMED_DMY = re.compile(
    rf"\b(\d{{1,2}}){_ORDINAL}{_DAY_SUFFIX}(?:\.?\s+|\.(?=\w+\.\d)|-(?=[^\W\d]+-\d)){_JOINED}({_NAME})\.?"
    rf"(?:\s*/\s*(?:{_NAME})|\s*\((?:{_NAME})\))?[,،]?(?:\s+|(?<=\.)(?=\d)|-(?=\d))(?:del?\s+)?((?:19|20)\d{{2}})"
    rf"{_YEAR_END}",
    re.IGNORECASE,
)
# A named month with a two-digit year where the line or its part ends: "( Pescasseroli, 14 Gennaio 20 )", "Jan 14, 20 |
# Politics" (thirty-seventh pass, BBAW's parcoabruzzo.it); not a count, a time or a range after it ("14 January 20
# people", "14 January 20:30", "14 March 20 - 22")
# a bracket, a bar, a dot, a dash; not a dash before a figure, an hour's or a day's range ("14. März 20 - 22 Uhr")
_PART_END = r"(?=\s*(?:$|[)\]|\u00b7\u2022]|(?:[\u2013\u2014]|-\s)(?!\s*\d)))"
_NAMED_DMY_SHORT = re.compile(rf"\b(\d{{1,2}}){_ORDINAL}\.?\s+({_NAME})\.?,?\s+(\d{{2}}){_PART_END}", re.IGNORECASE)
_NAMED_MDY_SHORT = re.compile(rf"\b({_NAME})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{2}}){_PART_END}", re.IGNORECASE)
_SHORT_YEAR_AT_END = re.compile(rf"(?<![\d:.])\d{{2}}{_PART_END}")  # a cheap test before the two above
# Hungarian and Lithuanian put the year first: "2024. március 15.", "2024 m. kovo 15 d."
_NAMED_YMD = re.compile(rf"\b((?:19|20)\d{{2}})\.?\s+(?:m\.\s+)?({_NAME})\s+(\d{{1,2}})\b", re.IGNORECASE)
# Kazakh and Kyrgyz put the year first, "of the year" after it: "2026 жылғы 12 наурыз", "2026-жылдын 12-марты"
# (nineteenth pass)
_TURKIC_YDM = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})[-\s]?(?:жылғы|жылы|жылдын|ж\.)\s+(\d{{1,2}})(?:-|\s+)({_NAME})",
                         re.IGNORECASE)  # the month may take a case ending: "12-мартта" (on 12 March)
# Latvian puts the year first and the day before the month: "2026. gada 17. februāris" ("17. februārī",
# the locative, after "Publicēts"; tenth pass)
_LATVIAN_YDM = re.compile(rf"\b((?:19|20)\d{{2}})\.\s*gada\s+(\d{{1,2}})\.\s*({_NAME})(?!\w)", re.IGNORECASE)
# "01/03/2026", and with dashes "01-03-2026" (Indian, Pakistani, Dutch sites; eighth pass)
SLASHED = re.compile(r"(?<![\d/-])(\d{1,2})([/-])(\d{1,2})\2((?:19|20|25)\d{2})(?![\d/-])")
# "11/08/23 5:19pm", read only in a known order, the year as 20yy
SLASHED_SHORT = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
# "04.03.26, 10:30": a dotted day, month and two-digit year (Israeli, Russian, German bylines; ninth
# pass), read in bylines only, in the page's order (an American site's "11.03.17" is 3 November)
DOTTED_SHORT = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d.])")
# A month in Roman numerals, capitals only: Polish "4 III 2026", "4.III.2026"; Hungarian "2026. III. 4."
_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN = "(" + "|".join(sorted(_ROMAN_MONTHS, key=len, reverse=True)) + ")"
_ROMAN_DMY = re.compile(rf"(?<![\d.])(\d{{1,2}})\.?\s*(?<![A-Za-z]){_ROMAN}(?![A-Za-z])\.?\s*((?:19|20)\d{{2}})(?!\d)")
_ROMAN_YMD = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})\.\s*(?<![A-Za-z]){_ROMAN}\.\s*(\d{{1,2}})(?![\d.]\d)")


KOREAN_FULL_ORDER = "mdy"
"""Korea writes the month before the day (3월 12일): a year-last "03/12/2026" on a Korean page is 12 March
(seventeenth pass; it was read in no order, and htmldate took it day first)."""


@lru_cache(maxsize=512)  # the rules read the same byline texts several times per page
def first_date(
    text: str, near: date | None = None, named: bool = False, order: str | None = None
) -> tuple[int, date] | None:
    """The first date in `text`: (its position, the day). A slashed date whose day and month could
    be swapped is read only in a known `order` ("dmy" or "mdy")."""
    if _DIGIT.search(text) is None and not has_letter_date(text):  # most byline texts are names and words
        return None
    text = with_day_numbers(text.translate(ASCII_DIGITS))  # "٢٠٢٣", "２０２３年", "یکم" (positions stay)
    candidates: list[tuple[int, int, int, int]] = []  # (position, year, month, day)
    full_order = order  # the order of a slashed date with its full year
    if order == YEAR_FIRST:  # a Korean page: "26.03.12" is 12 March 2026, and no other short form is read
        candidates, order, full_order = year_first_short(text), None, KOREAN_FULL_ORDER
    slashed = [(m.start(), int(m[1]), int(m[3]), gregorian_year(int(m[4]))) for m in SLASHED.finditer(text)]
    if named:
        candidates += [(m.start(), int(m[4]), MONTHS[m[1].lower()], int(m[2])) for m in _NAMED_MDY.finditer(text)]
        candidates += [(m.start(), int(m[3]), MONTHS[m[2].lower()], int(m[1])) for m in _NAMED_DMY.finditer(text)]
        candidates += [(m.start(), int(m[1]), MONTHS[m[2].lower()], int(m[3])) for m in _NAMED_YMD.finditer(text)]
        candidates += [(m.start(), int(m[1]), MONTHS[m[3].lower()], int(m[2])) for m in _LATVIAN_YDM.finditer(text)]
        candidates += [(m.start(), int(m[1]), MONTHS[m[3].lower()], int(m[2])) for m in _TURKIC_YDM.finditer(text)]
        candidates += calendar_dates(text) + numeral_dates(text)
        candidates += _short_year_named(text) if _SHORT_YEAR_AT_END.search(text) else []
        dotted = [(m.start(), int(m[1]), int(m[2]), _century(int(m[3]))) for m in DOTTED_SHORT.finditer(text)]
        slashed += dotted if order is not None else []
        roman = _ROMAN_MONTHS.index
        candidates += [(m.start(), int(m[3]), roman(m[2]) + 1, int(m[1])) for m in _ROMAN_DMY.finditer(text)]
        candidates += [(m.start(), int(m[1]), roman(m[2]) + 1, int(m[3])) for m in _ROMAN_YMD.finditer(text)]
    if near is not None:
        candidates += [(m.start(), _closest_year(int(m[1]), int(m[2]), near), int(m[1]), int(m[2]))
                       for m in _MONTH_DAY.finditer(text)]
    for match in _YMD.finditer(text):
        candidates.append((match.start(), int(match[1]), int(match[2]), int(match[3])))
    for match in _DMY.finditer(text):
        candidates.append((match.start(), gregorian_year(int(match[3])), int(match[2]), int(match[1])))
    if order is not None:
        slashed += [(m.start(), int(m[1]), int(m[2]), 2000 + int(m[3])) for m in SLASHED_SHORT.finditer(text)]
    for start, first, second, year in slashed:
        if first > 12 or second > 12 or full_order is not None:
            day, month = (first, second) if first > 12 or (second <= 12 and full_order == "dmy") else (second, first)
            candidates.append((start, year, month, day))
    lunar = lunar_positions(text, [candidate[0] for candidate in candidates])  # "农历2026年1月24日" (sixteenth pass)
    for position, year, month, day in sorted(candidate for candidate in candidates if candidate[0] not in lunar):
        try:
            return position, date(year, month, day)
        except ValueError:
            continue
    # Hijri, Bikram Sambat, Hebrew (fifteenth pass): only where no Gregorian date is
    tabled = tabled_dates(text) + hebrew_dates(text) if named else []
    return min(((position, date(*ymd)) for position, *ymd in tabled), default=None)


def clipped(text: str, size: int) -> str:
    """`text`'s first `size` characters, without the word or number the cut would split (review of the thirty-seventh
    pass): a text cut inside "January 14, 2026" ended with "January 14, 20", whose two-digit year `first_date` reads
    where a text ends."""
    cut = text[:size]
    if len(text) <= size or text[size].isspace() or cut[-1:].isspace():
        return cut
    whole = cut.rsplit(maxsplit=1)
    return whole[0] if len(whole) == 2 else ""


def _short_year_named(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) of each named month with a two-digit year where the text or its part ends; not one
    `_century` reads as a year after the next (review: "13 mai 68" is May 1968, no page's day, and as the text's first
    date it hid the publication after it)."""
    dmy = [(m.start(), _century(int(m[3])), MONTHS[m[2].lower()], int(m[1])) for m in _NAMED_DMY_SHORT.finditer(text)]
    mdy = [(m.start(), _century(int(m[3])), MONTHS[m[1].lower()], int(m[2])) for m in _NAMED_MDY_SHORT.finditer(text)]
    latest = date.today().year + 1
    return [candidate for candidate in dmy + mdy if candidate[1] <= latest]


def _century(year: int) -> int:
    """A two-digit year: 90-99 are the 1990s (no news is dated before 1990), the rest this century."""
    return 1900 + year if year >= 90 else 2000 + year


def _closest_year(month: int, day: int, near: date) -> int:
    """The year in which month/day falls closest to `near` (a December 31st near January 2nd is
    last year's); `near`'s year when the day does not exist."""
    days = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            days.append((abs(date(year, month, day) - near), year))
        except ValueError:
            continue
    return min(days, default=(timedelta(0), near.year))[1]
