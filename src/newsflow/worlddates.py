"""Dates as the world writes them (sixth pass, docs/extraction.md): other calendars' years, more
languages' month names, and which of day and month a slashed date gives first.

- **Calendars**: a Thai Buddhist-era year ("15 มี.ค. 2567", "15 มีนาคม 67": 2024; a Gregorian "2026"
  stays, fourteenth pass), a Japanese era year ("令和6年3月15日", "平成31年4月30日", "令和元年5月1日"), a
  Taiwanese Minguo year ("民國113年3月15日", "113年3月15日"), a Persian solar (Jalali) date ("۲۵ اسفند ۱۴۰۲",
  "1402/12/25": 15 March 2024), a Vietnamese "ngày 15 tháng 3 năm 2024", and an Ethiopian date
  ("መጋቢት 3 ቀን 2018 ዓ.ም": 12 March 2026, fourteenth pass). A four-digit year from 2533 to 2600 in
  any numeric date is a Buddhist-era one (no news is dated in the Gregorian 26th century). Khmer,
  Mongolian and Basque dates are `newsflow.worldforms`' (fifteenth pass).
- **Month names** (`WORLD_MONTHS`, read by `newsflow.headline_date` with its own): Hindi, Bengali,
  Urdu, Greek, Hebrew, Ukrainian, Romanian, Hungarian, Serbian and Slovene, Malay, Filipino,
  Swahili, Hausa, Somali, Catalan, and the short forms of the languages already read ("Okt", "déc.", "ene", "set"),
  Greek's too (the March of "12 Mar. 2026" in Greek letters, fifteenth pass); Kazakh, the Russian nominatives
  and their Kyrgyz possessive, Turkmen, Maltese and Oromo (nineteenth pass).
- **Slash order** (`slash_order`): "03/04/2024" is the 3rd of April in most of the world and March
  4th in the United States. The page's own unambiguous slashed dates decide ("12/25/2023" anywhere
  in it: month first); else its language and country: any language other than English writes the
  day first, English the day first unless the page declares `en-US` (or `en-PH`) and its domain
  names no day-first country; a plain `en` on a .com decides nothing, unless the page's `og:locale`
  or content-language meta names the region ("en_US", ninth pass). Before all these, a slashed date
  named by its English weekday decides by the reading that falls on that weekday ("Wed, 03/04/2026"),
  and, when both do, Drupal's default "Thu, 03/12/2026 - 09:15" is month first (fifteenth pass).

Pure: the standard library, and an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
import weakref
from datetime import date
from typing import Any

from newsflow.localtime import url_countries
from newsflow.worldforms import more_world_dates

BUDDHIST_ERA = 543
"""Thai years count from 543 BC: 2567 BE is 2024."""
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
"""A Japanese era's year 1 is the Gregorian year after this (令和元年 = 2019)."""
MINGUO = 1911
"""Taiwan's Minguo year 1 is 1912."""

_THAI_MONTHS = (
    "มกราคม ม.ค.", "กุมภาพันธ์ ก.พ.", "มีนาคม มี.ค.", "เมษายน เม.ย.", "พฤษภาคม พ.ค.", "มิถุนายน มิ.ย.",
    "กรกฎาคม ก.ค.", "สิงหาคม ส.ค.", "กันยายน ก.ย.", "ตุลาคม ต.ค.", "พฤศจิกายน พ.ย.", "ธันวาคม ธ.ค.",
)
_JALALI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
# Afghanistan's Dari names of the same solar months (eleventh pass: "7 دلو 1404" in Persian digits), with Arabic yeh too
_AFGHAN_MONTHS = ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت")
# twenty-first pass: Afghanistan's Pashto names of them (Pashto sites print "۱۴۰۴ کب ۲۱", year first), with final
# Pashto's own letters or their Persian look-alikes (an Arabic yeh is read as the Persian one: `_PERSIAN_LETTERS`);
# and the romanised Persian names of Iranian English-language sites ("21 Esfand 1404"), in their common spellings,
# capitalised or in capitals only (review: read in any case, "12 dei 1400 lavoratori", Italian "12 of the 1400
# workers", was 2 January 2022)
_PASHTO_MONTHS = ("وری", "غویی", "غبرګولی غبرگولی", "چنګاښ چنگاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ لیندی",
                  "مرغومی", "سلواغه", "کب")
_ROMANISED_MONTHS = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad Amordad", "Shahrivar", "Mehr", "Aban",
                     "Azar", "Dey Dei", "Bahman", "Esfand Espand")
_SOLAR_MONTHS = {name: index % 12 + 1 for index, names in enumerate(_JALALI_MONTHS + _AFGHAN_MONTHS + _PASHTO_MONTHS
                                                                    + _ROMANISED_MONTHS)
                 for name in names.split() for name in {name, name.upper()}}
_WORLD_MONTH_NAMES = (
    # Hindi, Bengali, Urdu, Greek (genitive), Hebrew, Ukrainian, Romanian, Hungarian, Serbian, Slovene,
    # Malay, Filipino, Swahili, Catalan, then short forms (German, Dutch, Indonesian, French, Spanish,
    # Portuguese, Italian, Turkish)
    "जनवरी জানুয়ারি جنوری ιανουαρίου בינואר ינואר січня ianuarie január januar januarja enero "
    "gener janv janv. ene gen oca",
    "फ़रवरी फरवरी ফেব্রুয়ারি فروری φεβρουαρίου בפברואר פברואר лютого februarie február februar februarja "
    "pebrero febrer févr fevr fev feb. şub",
    "मार्च মার্চ مارچ μαρτίου במרץ מרץ березня martie március mart marec marca mac marso machi març",
    "अप्रैल अप्रेल এপ্রিল اپریل απριλίου באפריל אפריל квітня aprilie április aprila abril aprili avr abr nis",
    "मई মে مئی μαΐου במאי מאי травня mai május maj maja mei mayo maig mag",
    "जून জুন جون ιουνίου ביוני יוני червня iunie június jun junija hunyo juny giu haz",
    "जुलाई জুলাই جولائی ιουλίου ביולי יולי липня iulie július jul julija julai hulyo juliol juil lug tem",
    "अगस्त আগস্ট اگست αυγούστου באוגוסט אוגוסט серпня august augusztus avgust avgusta ogos agosto agosti agost "
    "agu agt ags ağu اغسطس",
    "सितंबर सितम्बर সেপ্টেম্বর ستمبر σεπτεμβρίου בספטמבר ספטמבר вересня septembrie szeptember septembar "
    "septembra setyembre septemba setembre set eyl",
    "अक्टूबर अक्तूबर অক্টোবর اکتوبر οκτωβρίου באוקטובר אוקטובר жовтня octombrie október oktobar oktobra "
    "oktubre oktoba octubre okt ott eki",
    "नवंबर नवम्बर নভেম্বর نومبر νοεμβρίου בנובמבר נובמבר листопада noiembrie novembar novembra nobyembre "
    "novemba kas",
    "दिसंबर दिसम्बर ডিসেম্বর دسمبر δεκεμβρίου בדצמבר דצמבר грудня decembrie decembar decembra disember "
    "disyembre desemba desembre dez des déc dic ara",
)
# Hausa and Somali (ninth pass: BBC Hausa's "17 Fabrairu 2026", Somali papers' "17 Febraayo 2026")
_AFRICAN_MONTH_NAMES = (
    "janairu janaayo", "fabrairu febraayo", "maris maarso", "afrilu abriil", "mayu maajo", "yuni juun", "yuli luulyo",
    "agusta ogost", "satumba sebtembar", "oktoobar", "nuwamba nofembar", "disamba desembar",
)
# Latvian's locative ("17. februārī", tenth pass; the nominatives are `printeddates`'), Tajik's genitive
# ("4 марти 2026")
_MORE_WORLD_MONTH_NAMES = (
    "janvārī январи", "februārī феврали", "martā марти", "aprīlī апрели", "maijā майи", "jūnijā июни",
    "jūlijā июли", "augustā августи", "septembrī сентябри", "oktobrī октябри", "novembrī ноябри", "decembrī декабри",
)
# Greek short months (fifteenth pass: "12 Μαρ 2026", "12 Μαρ. 2026"; accents and capitals fold)  # noqa: RUF003
_GREEK_SHORT_MONTHS = ("ιαν", "φεβ", "μαρ", "απρ", "μαΐ μαϊ", "ιουν", "ιουλ", "αυγ",  # noqa: RUF001
                       "σεπ σεπτ", "οκτ", "νοε νοέ", "δεκ")
# The Maghreb's Arabic names of the French months (eleventh pass: Tunisian and Algerian papers' "27 جانفي
# 2026"); the others are the Egyptian names already read
# and Morocco's (sixteenth pass: "12 يوليوز 2025", "غشت", "شتنبر", "نونبر", "دجنبر")
_MAGHREB_MONTH_NAMES = ("جانفي", "فيفري", "", "أفريل افريل", "ماي", "جوان", "جويلية جويليه يوليوز", "أوت اوت غشت",
                        "شتنبر", "", "نونبر", "دجنبر")
# Burmese, with and without "လ" (month): "၁၂ မတ် ၂၀၂၆", "၂၀၂၆ မတ်လ ၁၂ ရက်" (sixteenth pass)
_MYANMAR_MONTH_NAMES = tuple(f"{name} {name}လ" for name in (
    "ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်", "ဇူလိုင်", "ဩဂုတ်", "စက်တင်ဘာ", "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ"))
# nineteenth pass: Kazakh ("12 наурыз 2026", "2026 жылғы 12 наурыз"), the Russian nominatives Kyrgyz papers print
# and their Kyrgyz possessive ("2026-жылдын 12-марты"), Turkmen ("12-nji mart 2026"), Maltese ("12 ta' Marzu
# 2026") and Oromo ("Bitootessa 12, 2026")
_NINETEENTH_MONTH_NAMES = (
    "қаңтар январь январы ýanwar jannar amajjii", "ақпан февраль февралы fewral frar guraandhala",
    "наурыз март марты marzu bitootessa", "сәуір апрель aprel ebla", "мамыр май майы maý mejju caamsaa",
    "маусым июнь июну iýun ġunju waxabajjii", "шілде июль июлу iýul lulju adoolessa",
    "тамыз августу awgust awwissu hagayya", "қыркүйек сентябрь сентябры sentýabr settembru fulbaana",
    "қазан октябрь октябры oktýabr ottubru onkoloolessa", "қараша ноябрь ноябры noýabr novembru sadaasa",
    "желтоқсан декабрь декабры dekabr diċembru muddee",
)
WORLD_MONTHS = {name: index + 1 for rows in (_WORLD_MONTH_NAMES, _AFRICAN_MONTH_NAMES, _MORE_WORLD_MONTH_NAMES,
                                             _MAGHREB_MONTH_NAMES, _GREEK_SHORT_MONTHS, _MYANMAR_MONTH_NAMES,
                                             _NINETEENTH_MONTH_NAMES)
                for index, names in enumerate(rows) for name in names.split()}
"""Month names and short forms in more languages, lowercased, for `newsflow.headline_date`."""

_THAI = {name: index + 1 for index, names in enumerate(_THAI_MONTHS) for name in names.split()}
_THAI_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(" + "|".join(re.escape(name) for name in sorted(_THAI, key=len, reverse=True)) + r")\s*"
    r"(?:พ\.ศ\.\s*)?(25\d{2}|20\d{2}|\d{2})(?!\d)"  # a Buddhist-era year, a Gregorian one, or its last two digits
)
_ERA_DATE = re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MINGUO_DATE = re.compile(r"(民國|民国)?(?<!\d)(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Jalali years 1369-1409 (1990-2031): an Islamic (Hijri) year such as 1445 is never read as one
_JALALI_YEAR = r"(13[6-9]\d|140\d)"
_SOLAR_NAME = "(" + "|".join(sorted(_SOLAR_MONTHS, key=len, reverse=True)) + ")"
_JALALI_NAMED = re.compile(r"(?<!\d)(\d{1,2})\s+" + _SOLAR_NAME + r"\s+" + _JALALI_YEAR + r"(?!\d)")
# year first ("۱۴۰۴ کب ۲۱", twenty-first pass) and month first ("Esfand 21, 1404", "کب ۲۱، ۱۴۰۴"); a name starts a word
_JALALI_YEAR_FIRST = re.compile(r"(?<!\d)" + _JALALI_YEAR + r"\s+" + _SOLAR_NAME + r"\s+(\d{1,2})(?!\d)")
_JALALI_MONTH_FIRST = re.compile(r"(?<!\w)" + _SOLAR_NAME + r"\s+(\d{1,2})\s*[,،]?\s+" + _JALALI_YEAR + r"(?!\d)")
# Taiwan's Minguo year slashed with a two-digit month and day, "115/03/12" (twenty-first pass): years 100-119
# (2011-2030), no digit or separator either side. Review: not dashed ("111-03-12" is a Russian phone number's
# tail), and only in a text with a Han character or followed by a clock time ("115/03/12 10:30"): a bare
# "112/05/09" is as often a reference number or a score
_MINGUO_SLASHED = re.compile(r"(?<![\d/.-])(1[01]\d)/(\d{2})/(\d{2})(?![\d/.-])")
_CLOCK_AFTER = re.compile(r"\s+\d{1,2}:\d{2}(?!\d)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_JALALI_NUMERIC = re.compile(r"(?<![\d/])" + _JALALI_YEAR + r"[/-](\d{1,2})[/-](\d{1,2})(?![\d/])")
# The Ethiopian calendar's months (Amharic, with the spellings papers use for each): twelve of 30 days
# and Pagume of 5 (6 before a Gregorian leap year); years 1980-2029 E.C. matched (a day before 1990 or
# in the future is then implausible: datechecks.plausible)
_ETHIOPIAN_MONTHS = ("መስከረም", "ጥቅምት", "ኅዳር ህዳር ሕዳር", "ታኅሣሥ ታህሳስ ታኅሳስ ታሕሳስ", "ጥር", "የካቲት", "መጋቢት",
                     "ሚያዝያ ሚያዚያ", "ግንቦት", "ሰኔ", "ሐምሌ ሀምሌ", "ነሐሴ ነሃሴ ነሀሴ", "ጳጉሜን ጳጉሜ")
_ETHIOPIAN = {name: index + 1 for index, names in enumerate(_ETHIOPIAN_MONTHS) for name in names.split()}
_ETHIOPIAN_NAME = "(" + "|".join(sorted(_ETHIOPIAN, key=len, reverse=True)) + ")"
_ETHIOPIAN_YEAR = r"(19[89]\d|20[0-2]\d)(?!\d)"
# "መጋቢት 3 ቀን 2018 ዓ.ም" (Megabit 3, 2018 E.C.: "ቀን" is "day"), "መጋቢት 3, 2018", "3 መጋቢት 2018"
# a month's name starts a word, or follows a preposition joined to it ("በጥር", "on Tir"): "ቁጥር 12" is "number 12"
_ETHIOPIAN_START = r"(?:(?<=[በከየለ])|(?<![\u1200-\u137f]))"
_ETHIOPIAN_MDY = re.compile(_ETHIOPIAN_START + _ETHIOPIAN_NAME + r"\s+(\d{1,2})(?!\d)(?:\s+ቀን)?\s*[,፣]?\s+"
                            + _ETHIOPIAN_YEAR)
_ETHIOPIAN_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+" + _ETHIOPIAN_NAME + r"\s+" + _ETHIOPIAN_YEAR)
_ETHIOPIAN_EPOCH = 2795
"""The Gregorian ordinal of the day before 1 Meskerem of the Ethiopian year 1 (1 Meskerem 2018 = 11 September 2025)."""
_VIETNAMESE = re.compile(r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm|,)?\s+((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_SLASHED_ANY = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_SLASHED = re.compile(
    r"(?<!\w)(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})"
    r"(?![\d/])(\s+-\s+\d{1,2}:\d{2})?", re.IGNORECASE)
"""A slashed date named by its English weekday, and Drupal's " - 09:15" after it (fifteenth pass)."""
_MONTH_FIRST = {"us", "ph", "fm", "pw", "mh"}
_DAY_FIRST_COUNTRIES = {
    "uk", "gb", "ie", "in", "pk", "bd", "lk", "np", "au", "nz", "za", "ng", "gh", "ke", "ug", "tz", "zw", "zm",
    "sg", "my", "hk", "mt", "cy", "jm", "tt", "bw", "na", "mw", "rw", "et", "eg", "ae", "qa", "sa", "om", "kw",
}


_PERSIAN_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
"""Arabic yeh, alef maksura and kaf as Persian writes them (session 24): Iranian sites' CMSs and keyboards write
"تير" and "شهريور" with the Arabic yeh, and the solar months' names were matched in the Persian letters only
(aryanews.com's "2 تير 1399" was no date)."""


def calendar_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) of each date in another calendar, or in Vietnamese, in `text`
    (ASCII digits)."""
    found = [(m.start(), _buddhist(int(m[3])), _THAI[m[2]], int(m[1])) for m in _THAI_DATE.finditer(text)]
    found += [(m.start(), ERAS[m[1]] + (1 if m[2] == "元" else int(m[2])), int(m[3]), int(m[4]))
              for m in _ERA_DATE.finditer(text)]
    found += [(m.start(), MINGUO + int(m[2]), int(m[3]), int(m[4]))  # three digits, or two after 民國
              for m in _MINGUO_DATE.finditer(text) if 79 <= int(m[2]) <= 150 and (m[1] or len(m[2]) == 3)]
    found += [(m.start(), int(m[3]), int(m[2]), int(m[1])) for m in _VIETNAMESE.finditer(text)]
    found += more_world_dates(text)
    han = _HAN.search(text) is not None
    found += [(m.start(), MINGUO + int(m[1]), int(m[2]), int(m[3])) for m in _MINGUO_SLASHED.finditer(text)
              if han or _CLOCK_AFTER.match(text, m.end())]
    solar, persian = _SOLAR_MONTHS, text.translate(_PERSIAN_LETTERS)  # one letter for one: positions hold
    jalali = [(m.start(), int(m[3]), solar[m[2]], int(m[1])) for m in _JALALI_NAMED.finditer(persian)]
    jalali += [(m.start(), int(m[1]), solar[m[2]], int(m[3])) for m in _JALALI_YEAR_FIRST.finditer(persian)]
    jalali += [(m.start(), int(m[3]), solar[m[1]], int(m[2])) for m in _JALALI_MONTH_FIRST.finditer(persian)]
    jalali += [(m.start(), int(m[1]), int(m[2]), int(m[3])) for m in _JALALI_NUMERIC.finditer(text)]
    jalali += [(m.start(), int(m[3]), _ETHIOPIAN[m[1]], -int(m[2])) for m in _ETHIOPIAN_MDY.finditer(text)]
    jalali += [(m.start(), int(m[3]), _ETHIOPIAN[m[2]], -int(m[1])) for m in _ETHIOPIAN_DMY.finditer(text)]
    for position, year, month, day in jalali:  # an Ethiopian date's day comes negative
        gregorian = jalali_to_gregorian(year, month, day) if day > 0 else ethiopian_to_gregorian(year, month, -day)
        if gregorian is not None:
            found.append((position, gregorian.year, gregorian.month, gregorian.day))
    return found


def ethiopian_to_gregorian(year: int, month: int, day: int) -> date | None:
    """An Ethiopian date as a Gregorian one; None when it is no date. The calendar is arithmetic:
    every fourth year (the one before a Gregorian leap year, year % 4 == 3) has a sixth Pagume day."""
    if not (1 <= month <= 13 and 1 <= day <= (30 if month < 13 else 6 if year % 4 == 3 else 5)):
        return None
    return date.fromordinal(_ETHIOPIAN_EPOCH + 365 * (year - 1) + year // 4 + 30 * (month - 1) + day)


# A day written as a word, as Urdu and Persian write the first of a month ("یکم مارچ 2026", "اول
# فروردین"), Arabic ("الأول من مارس") and English ("First of March, 2026") (eighth pass)
_DAY_WORDS = {"یکم": 1, "اول": 1, "دوم": 2, "سوم": 3, "الأول من": 1, "الاول من": 1, "first": 1}
# Persian ordinals to the 31st (ninth pass): "چهارم اسفند ۱۴۰۴", "بیست و یکم بهمن ۱۴۰۴", "سی‌ام دی"
_PERSIAN_ORDINALS = (
    "چهارم پنجم ششم هفتم هشتم نهم دهم یازدهم دوازدهم سیزدهم چهاردهم پانزدهم شانزدهم هفدهم هجدهم نوزدهم بیستم"
)
_PERSIAN_DAYS = {word: day for day, word in enumerate(("یکم دوم سوم " + _PERSIAN_ORDINALS).split(), start=1)}
_PERSIAN_DAYS.update({"هیجدهم": 18, "سی‌ام": 30, "سی ام": 30, "سیام": 30})
_PERSIAN_DAYS.update({f"{tens} و {word}": base + day for tens, base in (("بیست", 20), ("سی", 30))
                      for word, day in list(_PERSIAN_DAYS.items()) if day <= 9 and base + day <= 31})
_DAY_WORDS.update(_PERSIAN_DAYS)
_DAY_WORD = re.compile(r"(?<!\w)(" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")(?!\w)",
                       re.IGNORECASE)
_DAY_WORD_HINTS = ("یکم", "اول", "دوم", "سوم", "الأول", "الاول", "irst", "م ")  # every Persian ordinal ends in م


def with_day_numbers(text: str) -> str:
    """`text` with a day written as a word as its number, padded to the word's length (positions
    in the text stay): "یکم مارچ 2026" -> "1   مارچ 2026". The caller's patterns then read it only
    where a month name and a year follow."""
    if not any(hint in text for hint in _DAY_WORD_HINTS):
        return text
    return _DAY_WORD.sub(lambda m: str(_DAY_WORDS[m[1].lower()]).ljust(len(m[1])), text)


def _buddhist(year: int) -> int:
    """A Thai year as a Gregorian one: 2567 -> 2024, a two-digit 67 -> 2024; a Gregorian 2026 (some Thai
    papers print the Christian era's year, fourteenth pass) stays."""
    if 2000 <= year < 2100:
        return year
    return (2500 + year if year < 100 else year) - BUDDHIST_ERA


def gregorian_year(year: int) -> int:
    """A four-digit year in a numeric date, with a Buddhist-era one (2533 to 2600) made Gregorian."""
    return year - BUDDHIST_ERA if 2533 <= year <= 2600 else year


def jalali_to_gregorian(year: int, month: int, day: int) -> date | None:
    """A Persian solar (Jalali) date as a Gregorian one; None when it is no date. Farvardin to
    Shahrivar have 31 days, Mehr to Bahman 30, Esfand 29 (30 in a leap year, by the 33-year cycle
    of the arithmetic calendar, which matches the astronomical one from 1178 to 1633 AP)."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        return None
    if month == 12 and day == 30 and not _jalali_leap(year):
        return None
    days_before = (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    nowruz_1403 = date(2024, 3, 20).toordinal()  # 1 Farvardin 1403
    years = range(year, 1403) if year < 1403 else range(1403, year)
    shift = sum(366 if _jalali_leap(y) else 365 for y in years)
    ordinal = nowruz_1403 + (shift if year >= 1403 else -shift) + days_before + day - 1
    return date.fromordinal(ordinal)


def _jalali_leap(year: int) -> bool:
    return (year * 8 + 29) % 33 < 8


_last_page: tuple[weakref.ref[Any], str | None, str | None] | None = None
"""The tree and URL slash_order last read, and its answer: several date rules may ask."""


def slash_order(tree: Any, url: str | None = None) -> str | None:
    """"dmy" or "mdy": the order a page writes day and month in "03/04/2024" (module docstring)."""
    global _last_page
    if _last_page is not None and _last_page[0]() is tree and _last_page[1] == url:
        return _last_page[2]
    order = _page_order(tree, url)
    _last_page = (weakref.ref(tree), url, order)
    return order


def _page_order(tree: Any, url: str | None) -> str | None:
    seen = {"dmy": 0, "mdy": 0}
    named = {"dmy": 0, "mdy": 0}
    texts = tree.xpath("//body//text()[contains(., '/')][not(ancestor::script)][not(ancestor::style)]")[:400]
    for text in texts:
        for match in _WEEKDAY_SLASHED.finditer(str(text)):
            if (order := _weekday_order(match)) is not None:
                named[order] += 1
    if named["dmy"] != named["mdy"]:
        return "dmy" if named["dmy"] > named["mdy"] else "mdy"
    for text in texts:
        for match in _SLASHED_ANY.finditer(str(text)):
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                seen["dmy"] += 1
            elif second > 12 >= first:
                seen["mdy"] += 1
    if seen["dmy"] != seen["mdy"]:
        return "dmy" if seen["dmy"] > seen["mdy"] else "mdy"
    return _declared_order(tree, url)


def _weekday_order(match: re.Match[str]) -> str | None:
    """The order a weekday-named slashed date is written in: the one reading that falls on its weekday
    ("Wed, 03/04/2026": 4 March, a Wednesday; 3 April is a Friday), or, when both or neither do,
    Drupal's default format, "D, m/d/Y - H:i" ("Thu, 03/12/2026 - 09:15"), month first."""
    weekday, first, second, year = _WEEKDAYS.index(match[1].lower()[:3]), int(match[2]), int(match[3]), int(match[4])
    fits = [order for order, (day, month) in (("dmy", (first, second)), ("mdy", (second, first)))
            if month <= 12 and _weekday_of(year, month, day) == weekday]
    if len(fits) == 1:
        return fits[0]
    return "mdy" if match[5] else None


def _weekday_of(year: int, month: int, day: int) -> int | None:
    try:
        return date(year, month, day).weekday()
    except ValueError:
        return None


def _declared_order(tree: Any, url: str | None) -> str | None:
    declared = str(tree.get("lang") or tree.get("xml:lang") or "").strip().lower().replace("_", "-")
    language, _, region = declared.partition("-")
    if language == "ko":
        return "mdy"  # year first, and month before day when the year comes last ("03/12/2026": seventeenth pass)
    if not language or language in ("zh", "ja", "hu", "lt", "fa", "sv", "mn"):
        return None  # no language, or one that writes the year first
    if language != "en":
        return "mdy" if language in ("fil", "tl") else "dmy"
    region = region or _meta_region(tree)
    country = _country(url, tree)
    if country in _DAY_FIRST_COUNTRIES or region in _DAY_FIRST_COUNTRIES:
        return "dmy"
    return "mdy" if region in _MONTH_FIRST or country in _MONTH_FIRST else None


def _meta_region(tree: Any) -> str:
    """The region of an English locale the page's metas declare when its `lang` names none (ninth
    pass): `og:locale` "en_US", a content-language "en-gb"."""
    for meta in tree.iterfind(".//head/meta"):
        kind = str(meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if kind in ("og:locale", "content-language", "language"):
            language, _, region = str(meta.get("content") or "").strip().lower().replace("_", "-").partition("-")
            if language == "en" and region:
                return region
    return ""


def _country(url: str | None, tree: Any) -> str:
    return next(iter(url_countries(url, tree)), "")
