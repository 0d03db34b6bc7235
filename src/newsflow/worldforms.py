# ruff: noqa: RUF001, RUF002  (letters of other scripts are the dates' own)
"""More of the world's ways to write a Gregorian date (fifteenth pass, docs/extraction.md), read by
`newsflow.worlddates.calendar_dates` on a text whose digits are ASCII already:

- Khmer: "ថ្ងៃទី១២ ខែមីនា ឆ្នាំ២០២៦" (day 12, month March, year 2026) and "១២ មីនា ២០២៦";
- Mongolian: "2026 оны 3 сарын 12" (the year's third month, its 12th), "3-р сарын", and the month as
  an ordinal word, "2026 оны гуравдугаар сарын 12" (Mongolian months have no other names);
- Basque: "2026ko martxoaren 12a" (of 2026, March's 12th), "2025eko azaroaren 9a", "martxoak 12";
- Kurdish (seventeenth pass): Sorani's Syriac month names with the ezafe, "12ی ئازاری 2026", "٩ی تشرینی
  دووەمی ٢٠٢٥", and Kurmanji's with its genitive endings, "12ê Adarê 2026", "9'ê Mijdara 2025an".

Pure: the standard library.
"""

from __future__ import annotations

import re
import unicodedata

_KHMER = {name: index + 1 for index, name in enumerate(
    ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"])}
_KHMER_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:ខែ\s*)?(" + "|".join(_KHMER) + r")\s*,?\s*(?:ឆ្នាំ\s*)?"
                         r"((?:19|20)\d{2})(?!\d)")
# The ordinals' stems: "гуравдугаар" (third), "арван нэгдүгээр" (eleventh, also written as one word)
_MONGOLIAN = {stem: index + 1 for index, stem in enumerate(
    ["нэг", "хоёр", "гурав", "дөрөв", "тав", "зургаа", "дол", "найм", "ес", "арав", "арваннэг", "арванхоёр"])}
_ORDINAL_END = r"д[уү]г[аэ]{2}р"
_MONGOLIAN_ORDINAL = ("(?:" + "|".join(stem.replace("арван", "арван ?") for stem in sorted(_MONGOLIAN, key=len,
                                                                                         reverse=True))
                      + ")" + _ORDINAL_END)
_MONGOLIAN_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*оны\s+(\d{1,2}|" + _MONGOLIAN_ORDINAL + r")"
                             r"\s*(?:-?\s*р\s+)?сарын\s+(\d{1,2})(?!\d)", re.IGNORECASE)
_BASQUE = {name: index + 1 for index, name in enumerate(
    ["urtarrila", "otsaila", "martxoa", "apirila", "maiatza", "ekaina", "uztaila", "abuztua", "iraila", "urria",
     "azaroa", "abendua"])}
# the year takes "-ko" or "-eko" ("of 2026"), the month "-ren" (genitive) or "-k"
_BASQUE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:-?e?ko|\.)\s+(" + "|".join(_BASQUE) + r")(?:ren|k)?\s+"
                          r"(\d{1,2})(?!\d)", re.IGNORECASE)
_HINTS = ("ខែ", "មីនា", "оны", "ko ")
_SORANI = {name: index + 1 for index, names in enumerate(
    ["کانوونی دووەم,کانونی دووەم", "شوبات", "ئازار", "نیسان", "ئایار", "حوزەیران", "تەممووز,تەمموز", "ئاب",
     "ئەیلوول,ئەیلول", "تشرینی یەکەم", "تشرینی دووەم", "کانوونی یەکەم,کانونی یەکەم"]) for name in names.split(",")}
_KURMANJI = {name: index + 1 for index, names in enumerate(
    ["kanuna pasin,kanuna duyem,rebendan,cile", "sibat,resemi", "adar,avdar", "nisan", "gulan", "heziran,pusper",
     "tirmeh", "tebax,gelawej", "ilon,rezber", "cotmeh,kewcer", "mijdar,sermawez",
     "kanuna pesin,kanun,berfanbar"]) for name in names.split(",")}
_KURMANJI_STEMS = ("kanû", "kanu", "rêbe", "rebe", "cile", "çile", "siba", "reşe", "rese", "adar", "avda", "nîsa",
                   "nisa", "gula", "hezî", "hezi", "pûşp", "pusp", "tîrm", "tirm", "teba", "gela", "îlon", "ilon",
                   "rezb", "cotm", "kewç", "kewc", "mijd", "serm", "berf")
"""The months' first letters: a cheap test before the pattern (not "ber": Septem-ber, Octo-ber …)."""
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_ARABIC_LETTERS = str.maketrans("كيى", "کیی")
"""Sorani written with the Arabic kaf and yeh (one character each: positions stay)."""


def _alternatives(names: list[str], hats: bool) -> str:
    """A pattern of the names, longest first, a bare letter matching its hatted form too."""
    ordered = sorted(names, key=len, reverse=True)
    if not hats:
        return "|".join(name.replace(" ", r"\s+") for name in ordered)
    hatted = {"i": "[iî]", "u": "[uû]", "e": "[eê]", "s": "[sş]", "c": "[cç]"}
    return "|".join("".join(hatted.get(char, r"\s+" if char == " " else char) for char in name) for name in ordered)


# the day takes the ezafe "ی" (12ی), the month too (ئازاری), the year may follow "ساڵی" (the year of); one space
# at most before the ezafe (review: "\s*ی?\s+" split a run of spaces every way, seconds on 20,000 of them)
_SORANI_DATE = re.compile(r"(?<!\d)(\d{1,2})(?:\s?ی)?\s+(" + _alternatives(list(_SORANI), hats=False)
                          + r")ی?[,،]?\s+(?:ساڵی\s+)?((?:19|20)\d{2})(?!\d)")
# the day takes "ê" or "'ê" (12ê, 9'ê), the month "a" or "ê" (Adara, Adarê), the year "an" (2025an)
_KURMANJI_DATE = re.compile(r"(?<![\d\w])(\d{1,2})(?:['’]?[eê]|['’]?an)?\s+("
                            + _alternatives(list(_KURMANJI), hats=True)
                            + r")(?:[aeê])?,?\s+((?:19|20)\d{2})(?:an)?(?!\d)", re.IGNORECASE)



def more_world_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) of each Khmer, Mongolian, Basque or Kurdish date in `text`."""
    if not _maybe(text):
        return kurdish_dates(text)
    found = [(m.start(), int(m[3]), _KHMER[m[2]], int(m[1])) for m in _KHMER_DATE.finditer(text)]
    found += [(m.start(), int(m[1]), _mongolian_month(m[2]), int(m[3])) for m in _MONGOLIAN_DATE.finditer(text)]
    found += [(m.start(), int(m[1]), _BASQUE[m[2].lower()], int(m[3])) for m in _BASQUE_DATE.finditer(text)]
    return found + kurdish_dates(text)


def kurdish_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(position, year, month, day) of each Sorani or Kurmanji date in `text` (ASCII digits); the
    patterns only after cheap tests (an Arabic letter; a Kurmanji month's first letters), as most byline
    texts are neither."""
    found = []
    if _ARABIC_SCRIPT.search(text):
        sorani = text.translate(_ARABIC_LETTERS)
        found = [(m.start(), int(m[3]), _SORANI[" ".join(m[2].split())], int(m[1]))
                 for m in _SORANI_DATE.finditer(sorani)]
    lowered = text.lower()
    if not any(stem in lowered for stem in _KURMANJI_STEMS):
        return found
    return found + [(m.start(), int(m[3]), _kurmanji_month(m[2]), int(m[1])) for m in _KURMANJI_DATE.finditer(text)]


def _kurmanji_month(name: str) -> int:
    """A Kurmanji month's number; 0 (no date) for a form the table lacks: "NİSAN" lowers to "ni̇san", an
    i with a combining dot (a Turkish page's April, read as Turkish already)."""
    bare = "".join(char for char in unicodedata.normalize("NFD", name.lower()) if not unicodedata.combining(char))
    return _KURMANJI.get(" ".join(bare.replace("ı", "i").split()), 0)


def _maybe(text: str) -> bool:
    """A cheap test before the patterns: a Khmer month's name, Mongolian "оны" (of the year), Basque "ko"."""
    lowered = text.lower()
    return any(hint in lowered for hint in _HINTS) or any(name in text for name in _KHMER)


def _mongolian_month(month: str) -> int:
    """A Mongolian month's number, written in digits or as its ordinal ("гуравдугаар", the third)."""
    if month.isdigit():
        return int(month)
    return _MONGOLIAN.get(re.sub(_ORDINAL_END + "$", "", month.lower()).replace(" ", ""), 0)
